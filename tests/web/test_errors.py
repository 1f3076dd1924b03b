"""Every error is JSON with the right status; nothing a client sends yields a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.log import read_questions
from bot import MAX_QUESTION_CHARS


def assert_json_error(response, status, *words):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    message = response.get_json()["error"]
    assert isinstance(message, str) and message
    for word in words:
        assert word in message
    assert b"Traceback" not in response.data and b"<html" not in response.data.lower()


@pytest.mark.parametrize("data, content_type", [
    ('{"message": "hi"', "application/json"),          # malformed
    ("message=hi", "application/x-www-form-urlencoded"),  # not JSON
    ('{"message": "hi"}', "text/plain"),                # JSON, but not declared as such
    ("[1, 2]", "application/json"),                      # not an object
    ("null", "application/json"),
    ("[" * 5000 + "]" * 5000, "application/json"),       # nested deeper than the parser goes
    (b'{"message": "\xff"}', "application/json"),       # not UTF-8
])
def test_a_body_that_is_not_a_json_object_is_400(client, data, content_type):
    assert_json_error(client.post("/api/chat", data=data, content_type=content_type), 400, "JSON")


@pytest.mark.parametrize("body", [{}, {"message": None}, {"message": 42}, {"message": ["hi"]},
                                  {"text": "hi"}])
def test_a_missing_or_non_string_message_is_400(client, body):
    assert_json_error(client.post("/api/chat", json=body), 400, '"message"')


@pytest.mark.parametrize("session_id", [42, "", "has space", "x" * 65, "é"])
def test_a_malformed_session_id_is_400(client, session_id):
    response = client.post("/api/chat", json={"message": "hi", "session_id": session_id})
    assert_json_error(response, 400, '"session_id"')


def test_a_message_over_the_cores_limit_is_400_naming_the_limit(client):
    response = client.post("/api/chat", json={"message": "a" * (MAX_QUESTION_CHARS + 1)})
    assert_json_error(response, 400, str(MAX_QUESTION_CHARS))
    at_limit = client.post("/api/chat", json={"message": "a" * MAX_QUESTION_CHARS})
    assert at_limit.status_code == 200


def test_a_body_over_16_kb_is_413(client):
    body = json.dumps({"message": "hi", "padding": "x" * 16 * 1024})
    response = client.post("/api/chat", data=body, content_type="application/json")
    assert_json_error(response, 413, "16384")


def test_a_body_just_under_16_kb_is_read(client):
    body = json.dumps({"message": "hi", "padding": "x" * 16_000})
    assert len(body) <= 16 * 1024
    response = client.post("/api/chat", data=body, content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize("body, field", [
    ({"helpful": True}, '"reply_id"'),
    ({"reply_id": 7, "helpful": True}, '"reply_id"'),
    ({"reply_id": "abc"}, '"helpful"'),
    ({"reply_id": "abc", "helpful": "yes"}, '"helpful"'),
    ({"reply_id": "abc", "helpful": 1}, '"helpful"'),
    ({"reply_id": "abc", "helpful": True, "comment": 5}, '"comment"'),
    ({"reply_id": "abc", "helpful": True, "comment": "x" * 1001}, '"comment"'),
])
def test_malformed_feedback_is_400(client, body, field):
    assert_json_error(client.post("/api/feedback", json=body), 400, field)


@pytest.mark.parametrize("method, path", [
    ("get", "/api/chat"), ("put", "/api/chat"), ("delete", "/api/feedback"),
    ("post", "/api/topics"), ("post", "/healthz"), ("post", "/"),
])
def test_a_wrong_method_is_405_with_allow(client, method, path):
    response = getattr(client, method)(path)
    assert_json_error(response, 405, "method")
    assert response.headers["Allow"]


@pytest.mark.parametrize("path", ["/nope", "/api/nope", "/static/widget.js", "/widget.js/x"])
def test_an_unknown_path_is_404(client, path):
    assert_json_error(client.get(path), 404, "not found")


def test_an_unexpected_failure_is_a_json_500_without_details(bot, client, monkeypatch):
    def broken(session_id, text):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(bot, "reply", broken)
    response = client.post("/api/chat", json={"message": "hi"})
    assert_json_error(response, 500, "internal server error")
    assert b"secret internals" not in response.data


# Text may hold lone surrogates ("\ud800"), which JSON can carry but UTF-8 cannot encode.
# (st.text never draws them, hence the list of characters.)
texts = st.text(max_size=50) | st.lists(
    st.characters() | st.characters(categories=["Cs"]), max_size=50).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)
bodies = (
    st.binary(max_size=300)
    | json_values.map(lambda value: json.dumps(value).encode())
    | st.fixed_dictionaries(
        {"message": json_values | texts | st.text(max_size=300)},
        optional={"session_id": json_values, "comment": json_values, "helpful": json_values,
                  "reply_id": json_values},
    ).map(lambda value: json.dumps(value).encode())
)


def test_nothing_a_client_sends_yields_a_500_and_the_log_keeps_working(make_app, tmp_path):
    log_path = tmp_path / "fuzzed.sqlite3"
    client = make_app(RATE_LIMIT="1000000/second", LOG_PATH=log_path).test_client()
    reply_ids = []

    @settings(max_examples=300, deadline=None)
    @given(body=bodies, path=st.sampled_from(["/api/chat", "/api/feedback"]),
           content_type=st.sampled_from(["application/json", "text/plain",
                                         "multipart/form-data"]))
    def post(body, path, content_type):
        response = client.post(path, data=body, content_type=content_type)
        assert response.status_code in (200, 204, 400, 404)
        if response.status_code == 200:
            reply_ids.append(response.get_json()["reply_id"])
        if response.status_code >= 400:
            assert response.mimetype == "application/json" and response.get_json()["error"]

    post()
    # Feedback on a real reply too, with a comment UTF-8 cannot encode.
    reply_id = client.post("/api/chat", json={"message": "hi \ud800"}).get_json()["reply_id"]
    assert client.post("/api/feedback", json={"reply_id": reply_id, "helpful": False,
                                              "comment": "\udfff"}).status_code == 204
    # The log's writer is still alive: a normal question asked afterwards is stored.
    last = client.post("/api/chat", json={"message": "how long is the hpm fellowship?"})
    stored = [row.reply_id for row in read_questions(log_path)]
    assert stored == [*reply_ids, reply_id, last.get_json()["reply_id"]]
