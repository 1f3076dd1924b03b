"""The JSON API through Flask's test client: chat, feedback, topics and health."""

from __future__ import annotations

import pytest

from adapters.log import read_questions
from bot import MAX_QUESTION_CHARS

REPLY_FIELDS = {"kind", "id", "confidence", "text", "suggestions", "sources", "session_id",
                "reply_id"}


def ask(client, message, **extra):
    return client.post("/api/chat", json={"message": message, **extra})


def test_chat_answers_with_the_reply_fields_a_new_session_and_a_reply_id(client):
    response = ask(client, "how long is the hpm fellowship?")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == REPLY_FIELDS
    assert (body["kind"], body["id"]) == ("answer", "fellowship-length")
    assert body["sources"] and body["suggestions"][0].keys() == {"id", "question"}
    assert len(body["session_id"]) >= 16 and body["reply_id"]


def test_each_request_without_a_session_gets_a_new_one(client):
    first = ask(client, "hi").get_json()["session_id"]
    assert ask(client, "hi").get_json()["session_id"] != first


def test_a_session_carries_the_conversation_so_a_did_you_mean_can_be_answered_by_number(client):
    first = ask(client, "work").get_json()
    assert first["kind"] == "clarify"
    second_choice = first["suggestions"][1]["id"]
    follow_up = ask(client, "2", session_id=first["session_id"]).get_json()
    assert (follow_up["kind"], follow_up["id"]) == ("answer", second_choice)
    assert follow_up["session_id"] == first["session_id"]


def test_web_sessions_are_kept_apart_from_the_core_sessions_of_other_faces(client, bot):
    assert bot.reply("shared-name", "work").kind == "clarify"
    assert ask(client, "2", session_id="shared-name").get_json()["kind"] == "fallback"


def test_every_question_is_logged_redacted_with_channel_session_kind_id_and_confidence(app, client):
    body = ask(client, "how long is the fellowship? ask jo@example.org").get_json()
    [row] = read_questions(app.config["LOG_PATH"])
    assert row.reply_id == body["reply_id"]
    assert (row.channel, row.session_id) == ("web", body["session_id"])
    assert row.question == "how long is the fellowship? ask [email]"
    assert (row.kind, row.entry_id) == (body["kind"], body["id"])
    assert row.confidence == pytest.approx(body["confidence"], abs=1e-4)


def test_feedback_is_stored_on_the_reply_and_answers_204(app, client):
    reply_id = ask(client, "how long is the hpm fellowship?").get_json()["reply_id"]
    response = client.post("/api/feedback", json={"reply_id": reply_id, "helpful": False,
                                                  "comment": "call me on 555-123-4567"})
    assert response.status_code == 204 and response.data == b""
    [row] = read_questions(app.config["LOG_PATH"])
    assert (row.helpful, row.comment) == (False, "call me on [number]")


def test_feedback_on_an_unknown_reply_is_404(client):
    response = client.post("/api/feedback", json={"reply_id": "no-such-reply", "helpful": True})
    assert response.status_code == 404
    assert "no-such-reply" in response.get_json()["error"]


def test_with_the_log_switched_off_nothing_is_stored_and_feedback_is_accepted(make_app):
    app = make_app(LOG_ENABLED=False)
    client = app.test_client()
    reply_id = ask(client, "hi").get_json()["reply_id"]
    assert client.post("/api/feedback", json={"reply_id": reply_id, "helpful": True}
                       ).status_code == 204
    assert not app.config["LOG_PATH"].exists()


def test_topics_are_the_bots_starter_questions_with_the_message_limit(client, bot):
    response = client.get("/api/topics")
    assert response.status_code == 200
    assert response.get_json() == {"topics": [s.to_dict() for s in bot.starters()],
                                   "max_message_chars": MAX_QUESTION_CHARS}


def test_health_gives_the_entry_count_and_version(client, bot):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "entries": len(bot.knowledge.entries),
                                   "version": bot.knowledge.version, "log_dropped": 0}


def test_health_reports_the_questions_the_log_dropped(app, client):
    app.extensions["faqbot"].log.dropped = 3
    assert client.get("/healthz").get_json()["log_dropped"] == 3


def test_a_lone_surrogate_in_a_question_or_comment_is_stored_replaced(app, client):
    reply_id = ask(client, "hi \ud800").get_json()["reply_id"]
    response = client.post("/api/feedback", json={"reply_id": reply_id, "helpful": False,
                                                  "comment": "no \udfff"})
    assert response.status_code == 204
    reply_id_later = ask(client, "how long is the hpm fellowship?").get_json()["reply_id"]
    rows = read_questions(app.config["LOG_PATH"])
    assert [(row.reply_id, row.question, row.comment) for row in rows] == [
        (reply_id, "hi ?", "no ?"), (reply_id_later, "how long is the hpm fellowship?", None)]


def test_the_app_loads_the_knowledge_named_in_its_settings_when_given_no_bot(tmp_path):
    from adapters.web import create_app

    knowledge = tmp_path / "kb.json"
    knowledge.write_text(
        '{"entries": [{"id": "only-entry", "question": "What is the one thing?",'
        ' "alternates": [], "answer": "This.", "sources": ["here"], "related": []}]}'
    )
    app = create_app(config={"KNOWLEDGE": str(knowledge), "LOG_ENABLED": False})
    assert app.test_client().get("/healthz").get_json()["entries"] == 1
