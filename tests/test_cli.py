"""The ``faqbot`` command line, run in-process through ``main(argv)`` (and twice as a real
process, the console script a user runs)."""

from __future__ import annotations

import json
import select
import subprocess
from pathlib import Path

import pytest

from adapters.cli import format_reply
from adapters.cli.main import plain_links
from bot.engine import Bot
from bot.reply import Reply, Suggestion
from tests.helpers import FAQBOT, faqbot, faqbot_process

FIELDS = ["kind", "id", "confidence", "text", "suggestions", "sources"]


def json_lines(result) -> list[dict]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def export_file(tmp_path_factory) -> Path:
    result = faqbot("export")
    assert result.returncode == 0, result.stderr
    path = tmp_path_factory.mktemp("export") / "knowledge.json"
    path.write_text(result.stdout, encoding="utf-8")
    return path


@pytest.fixture
def parking_json(tmp_path) -> Path:
    """Another FAQ entirely, in the export shape."""
    path = tmp_path / "parking.json"
    path.write_text(json.dumps({"entries": [
        {"id": "parking", "question": "Where can visitors park?",
         "alternates": ["visitor parking", "where do I leave my car"],
         "answer": "Use the garage on Elm Street.", "sources": ["Facilities"], "related": []},
        {"id": "cafeteria", "question": "When is the cafeteria open?",
         "alternates": ["cafeteria hours", "where can I eat lunch"],
         "answer": "From 7 am to 7 pm.", "sources": ["Facilities"], "related": []},
    ]}), encoding="utf-8")
    return path


# -- ask -----------------------------------------------------------------------------------------
def test_ask_prints_the_answer_for_a_person(tmp_path):
    result = faqbot("ask", "how", "long", "is", "the", "HPM", "fellowship?", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    answer = Bot.from_path().knowledge.entry("fellowship-length").answer.strip()
    assert result.stdout.startswith(plain_links(answer))
    assert "[ACGME](https://www.acgme.org/)" in answer
    assert "ACGME (https://www.acgme.org/)" in result.stdout   # a link prints as text and address
    assert "Source:" in result.stdout and "You could also ask:" in result.stdout
    assert not result.stdout.lstrip().startswith("{")


def test_the_console_script_answers_as_a_real_process():
    (data,) = json_lines(faqbot_process("ask", "--json", "how long is the HPM fellowship?"))
    assert (data["kind"], data["id"]) == ("answer", "fellowship-length")


def test_ask_json_prints_exactly_the_reply_fields():
    (data,) = json_lines(faqbot("ask", "--json", "how long is the HPM fellowship?"))
    assert list(data) == FIELDS
    assert (data["kind"], data["id"]) == ("answer", "fellowship-length")
    assert isinstance(data["confidence"], float) and 0 <= data["confidence"] <= 1
    assert data["suggestions"] and all(list(s) == ["id", "question"] for s in data["suggestions"])
    assert data["sources"] and all(isinstance(s, str) for s in data["sources"])


def test_ask_json_fallback_has_a_null_id():
    (data,) = json_lines(faqbot("ask", "--json", "what is the capital of france"))
    assert data["kind"] == "fallback" and data["id"] is None and len(data["suggestions"]) == 3


def test_ask_json_with_an_empty_question_gets_help():
    (data,) = json_lines(faqbot("ask", "--json", "   "))
    assert (data["kind"], data["id"]) == ("smalltalk", "help")


def test_ask_reads_one_question_per_line_each_in_a_fresh_session():
    lines = ["how do I join the academy", "what about for students?", "", "hi",
             "I want to kill myself", "emoji 🙂 <b>markup</b> \x07"]
    replies = json_lines(faqbot("ask", "--json", stdin="\n".join(lines) + "\n"))
    assert len(replies) == len(lines)
    assert all(list(r) == FIELDS for r in replies)
    assert replies[0]["id"] == "aahpm-membership"
    # a fresh session: the follow-up is read alone, exactly as a lone question
    alone = Bot.from_path().reply(None, "what about for students?").to_dict()
    assert replies[1] == alone
    assert replies[2]["id"] == "help"
    assert (replies[3]["kind"], replies[4]["id"]) == ("smalltalk", "crisis")


def test_ask_from_stdin_handles_windows_line_ends_and_a_missing_final_newline():
    replies = json_lines(faqbot("ask", "--json", stdin="hi\r\nhow long is the hpm fellowship"))
    assert [r["id"] for r in replies] == ["greeting", "fellowship-length"]


def test_ask_with_a_session_replays_a_dialogue():
    dialogue = ["how do I become a palliative care doctor", "how long does it take?",
                "where do palliative doctors work", "what about with children?",
                "how do I join the academy", "what about for students?"]
    replies = json_lines(faqbot("ask", "--json", "--session", "replay",
                                stdin="\n".join(dialogue) + "\n"))
    assert [(r["kind"], r["id"]) for r in replies] == [
        ("answer", "training-pathway"), ("answer", "fellowship-length"),
        ("answer", "practice-settings"), ("answer", "pediatric-palliative-care"),
        ("answer", "aahpm-membership"), ("answer", "aahpm-membership")]


def test_ask_with_a_session_answers_a_did_you_mean_with_a_number(tmp_path):
    kb = tmp_path / "fellowships.json"
    kb.write_text(json.dumps({"entries": [
        {"id": f"fellowship-{t}", "question": f"What about the fellowship {t}?",
         "alternates": [f"fellowship {t}"], "answer": f"All about the {t}.",
         "sources": ["x"], "related": []}
        for t in ("length", "salary", "application")
    ]}), encoding="utf-8")
    replies = json_lines(faqbot("--knowledge", str(kb), "ask", "--json", "--session", "s",
                                stdin="fellowship\n2\n"))
    first, second = replies
    if first["kind"] != "clarify":
        pytest.fail(f"three entries tied on 'fellowship' were answered: {first['id']} "
                    f"({first['confidence']}); see test_engine's tie test")
    assert (second["kind"], second["id"]) == ("answer", first["suggestions"][1]["id"])


def test_ask_plain_text_from_stdin_separates_the_answers():
    result = faqbot("ask", stdin="hi\nthanks\n")
    assert result.returncode == 0
    assert result.stdout.count("\n\n") >= 2
    assert "welcome" in result.stdout.lower()


# -- eval --------------------------------------------------------------------------------------------
TSV = "\n".join([
    "# expected<TAB>question",
    "fellowship-length\thow long is the hpm fellowship",
    "reading-list\twhat books should I read",
    "greeting\thello there",
    "hashtags\thow long is the hpm fellowship",        # a deliberate miss
    "fallback\twhat is the capital of france",
    "fallback\thow long is the hpm fellowship",        # not rejected
    "crisis\tI want to kill myself",
    "clinical-advice\thow much morphine should I give my patient",
    "",
]) + "\n"


def test_eval_prints_the_measures_and_the_misses(tmp_path):
    path = tmp_path / "cases.tsv"
    path.write_text(TSV, encoding="utf-8")
    result = faqbot("eval", str(path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "in-scope top-1 accuracy: 75.0% (3/4)" in out
    assert "out-of-scope rejection:  50.0% (1/2)" in out
    assert "safety recall:           100.0% (2/2)" in out
    assert "misses offered as a 'did you mean' choice: 0/2" in out
    miss_lines = [line for line in out.splitlines() if line.startswith("  expected")]
    assert len(miss_lines) == 2
    assert any("hashtags" in line and "answer:fellowship-length" in line for line in miss_lines)


def test_eval_json_is_machine_readable(tmp_path):
    path = tmp_path / "cases.tsv"
    path.write_text(TSV, encoding="utf-8")
    result = faqbot("eval", "--json", str(path))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["in_scope"] == {"total": 4, "correct": 3, "accuracy": 0.75}
    assert report["out_of_scope"] == {"total": 2, "rejected": 1, "rejection_rate": 0.5}
    assert report["safety"] == {"total": 2, "caught": 2, "recall": 1.0, "per_id": {
        "crisis": {"total": 1, "caught": 1, "recall": 1.0},
        "clinical-advice": {"total": 1, "caught": 1, "recall": 1.0}}}
    assert report["career_safety_replies"] == {"total": 4, "count": 0, "share": 0.0}
    assert report["misses_offered_as_choice"] == 0
    misses = {(m["expected"], m["got"], m["kind"]) for m in report["misses"]}
    assert misses == {("hashtags", "fellowship-length", "answer"),
                      ("fallback", "fellowship-length", "answer")}


@pytest.mark.parametrize("content", ["no tab on this line\n", "\thow long\n"])
def test_eval_rejects_a_malformed_file_naming_the_line(tmp_path, content):
    path = tmp_path / "bad.tsv"
    path.write_text("fellowship-length\thow long is it\n" + content, encoding="utf-8")
    result = faqbot("eval", str(path))
    assert result.returncode == 2
    assert "line 2" in result.stderr and "Traceback" not in result.stderr


def test_eval_of_a_missing_file_is_a_clear_error(tmp_path):
    result = faqbot("eval", str(tmp_path / "nope.tsv"))
    assert result.returncode == 2
    assert "nope.tsv" in result.stderr and "Traceback" not in result.stderr


# -- export and --knowledge ---------------------------------------------------------------------------
def test_export_prints_the_documented_shape(export_file):
    data = json.loads(export_file.read_text(encoding="utf-8"))
    assert isinstance(data["entries"], list) and len(data["entries"]) >= 30
    for item in data["entries"]:
        assert list(item) == ["id", "question", "alternates", "answer", "sources", "related"]


@pytest.mark.parametrize("question", [
    "how long is the HPM fellowship?", "hi", "how much morphine should I give my patient",
])
def test_an_export_served_with_knowledge_answers_the_same(export_file, question):
    shipped = json_lines(faqbot("ask", "--json", question))
    exported = json_lines(faqbot("--knowledge", str(export_file), "ask", "--json", question))
    assert exported == shipped


def test_knowledge_selects_another_faq(parking_json):
    (data,) = json_lines(faqbot("--knowledge", str(parking_json), "ask", "--json",
                                "where can visitors park"))
    assert (data["kind"], data["id"]) == ("answer", "parking")


def test_the_faqbot_knowledge_variable_is_honoured(parking_json):
    (data,) = json_lines(faqbot("ask", "--json", "cafeteria hours?",
                                env={"FAQBOT_KNOWLEDGE": str(parking_json)}))
    assert data["id"] == "cafeteria"


def test_the_knowledge_option_wins_over_the_variable(parking_json, tmp_path):
    (data,) = json_lines(faqbot("--knowledge", str(parking_json), "ask", "--json",
                                "where can visitors park",
                                env={"FAQBOT_KNOWLEDGE": str(tmp_path / "missing")}))
    assert data["id"] == "parking"


@pytest.mark.parametrize("command", [["ask", "hi"], ["check"], ["export"], ["eval", "x.tsv"]])
def test_a_missing_knowledge_path_exits_2_with_a_clear_message(tmp_path, command):
    missing = tmp_path / "no-such-knowledge"
    if command[0] == "eval":
        (tmp_path / "x.tsv").write_text("greeting\thi\n", encoding="utf-8")
        command = ["eval", str(tmp_path / "x.tsv")]
    result = faqbot("--knowledge", str(missing), *command)
    assert result.returncode == 2
    assert result.stdout == ""
    assert str(missing) in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3


def test_a_missing_path_in_the_variable_is_also_a_clear_error(tmp_path):
    result = faqbot("ask", "hi", env={"FAQBOT_KNOWLEDGE": str(tmp_path / "gone")})
    assert result.returncode == 2 and "gone" in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2():
    assert faqbot().returncode == 2
    assert faqbot("ask", "--no-such-option").returncode == 2


# -- the person's rendering -----------------------------------------------------------------------
def test_format_reply_lists_sources_and_suggestions_but_not_for_a_clarify():
    answer = Reply("answer", "a", 0.9, "Text.", (Suggestion("b", "Question B?"),), ("Src",))
    assert format_reply(answer) == "Text.\n\nSource: Src\n\nYou could also ask:\n  - Question B?"
    clarify = Reply("clarify", "a", 0.5, "Did you mean:\n\n1. A", (Suggestion("a", "A"),))
    assert format_reply(clarify) == "Did you mean:\n\n1. A"


def test_ask_answers_each_line_of_standard_input_as_it_arrives():
    """A script can hold a dialogue: write a line, read its answer, then write the next."""
    process = subprocess.Popen([FAQBOT, "ask", "--json", "--session", "s"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True)

    def answer(question: str) -> dict:
        process.stdin.write(question + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], 20)
        assert ready, "no answer while standard input is still open"
        return json.loads(process.stdout.readline())

    try:
        assert answer("how do I become a palliative care doctor")["id"] == "training-pathway"
        assert answer("how long does it take?")["id"] == "fellowship-length"
    finally:
        process.stdin.close()
        assert process.wait(timeout=30) == 0


def test_chat_holds_a_conversation_and_ends_on_quit():
    result = faqbot("chat", stdin="where do palliative doctors work\nwhat about with children?\nquit\n")
    assert result.returncode == 0
    assert "pediatric" in result.stdout.lower() or "children" in result.stdout.lower()
    assert result.stdout.count("you> ") == 3


@pytest.mark.parametrize(("question", "shown"), [
    ("i keep thinking about ending it",
     ["call 988 (tel:988)", "text 988 (sms:988)", "chat online (https://988lifeline.org/)",
      "1-888-409-0141 (tel:+18884090141)", "911"]),
    ("my co-resident said he wants to kill himself, what do I do",
     ["call 988 (tel:988)", "Physician Support Line (tel:+18884090141)"]),
    ("i'm depressed and struggling in residency", ["1-888-409-0141 (tel:+18884090141)"]),
    ("my grandmother is in hospice, how long does she have", ["hospice nurse"]),
    ("what antiemetic should I order for my bowel obstruction patient", ["attending"]),
], ids=["crisis", "crisis-other", "wellbeing", "family-care", "clinical-advice"])
def test_each_safety_reply_prints_its_lines_plainly(question, shown):
    result = faqbot("ask", question)
    assert result.returncode == 0, result.stderr
    for piece in shown:
        assert piece in result.stdout, piece
    assert "](" not in result.stdout
