"""bot.knowledge and ``faqbot check``: loading, curator-friendly errors, export-shaped JSON."""

from __future__ import annotations

import json
import shutil
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
import yaml

from bot.engine import Bot
from bot.knowledge import DEFAULT_KNOWLEDGE, KnowledgeError, load_knowledge
from tests.helpers import faqbot


# -- helpers ---------------------------------------------------------------------------------------
def copy_knowledge(tmp_path: Path) -> Path:
    """A private copy of the shipped knowledge folder, to break."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE, target)
    return target


def edit_yaml(path: Path, change) -> None:
    """Load ``path``, let ``change`` mutate the data, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")


def entry_of(data: dict, entry_id: str) -> dict:
    return next(e for e in data["entries"] if e["id"] == entry_id)


def problems_of(path: Path) -> tuple[str, ...]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(path)
    assert caught.value.problems, "a KnowledgeError must list its problems"
    return caught.value.problems


def one_problem(problems: tuple[str, ...], *needles: str) -> str:
    """The problem line that contains every needle (fails, showing all problems, if none)."""
    hits = [p for p in problems if all(n in p for n in needles)]
    assert hits, f"no problem mentions all of {needles}: {problems}"
    return hits[0]


def minimal_export(**extra) -> dict:
    data = {"entries": [
        {"id": "parking", "question": "Where can visitors park?",
         "alternates": ["visitor parking", "is there a car park", "parking for guests",
                        "where do I leave my car", "parking garage location", "can I park here"],
         "answer": "Use the garage on Elm Street.", "sources": ["Facilities"],
         "related": ["cafeteria"]},
        {"id": "cafeteria", "question": "When is the cafeteria open?",
         "alternates": ["cafeteria hours", "where can I eat lunch", "is the canteen open",
                        "food court opening times", "when can I get breakfast", "dining hall hours"],
         "answer": "From 7 am to 7 pm.", "sources": ["Facilities"], "related": ["parking"]},
    ]}
    data.update(extra)
    return data


# -- the shipped base --------------------------------------------------------------------------------
def test_the_shipped_base_loads_completely():
    kb = load_knowledge()
    ids = [e.id for e in kb.entries]
    assert len(ids) >= 30
    assert len(ids) == len(set(ids))
    assert {"training-pathway", "fellowship-length", "practice-settings",
            "pediatric-palliative-care"} <= set(ids)
    assert {"greeting", "thanks", "goodbye", "help", "bot-identity"} <= {i.id for i in kb.intents}
    assert [r.id for r in kb.safety][:1] == ["crisis"], "crisis is screened first"
    assert [r.id for r in kb.safety] == ["crisis", "crisis-other", "family-care", "wellbeing",
                                         "clinical-advice"]
    assert all(len(r.examples) >= 100 for r in kb.safety) and len(kb.not_safety) >= 100
    assert len(kb.fallback.suggestions) == 3
    assert all(kb.entry(s) is not None for s in kb.fallback.suggestions + kb.starters)
    assert kb.synonyms and kb.abbreviations


def test_every_shipped_entry_is_complete_and_its_references_resolve():
    kb = load_knowledge()
    for entry in kb.entries:
        assert entry.question and entry.answer and entry.sources, entry.id
        assert entry.phrasings[0] == entry.question
        assert all(kb.entry(r) is not None for r in entry.related), entry.id
        assert entry.origin.endswith(".yaml"), entry.origin


def test_loaded_data_is_frozen():
    kb = load_knowledge()
    with pytest.raises(FrozenInstanceError):
        kb.entries[0].answer = "changed"  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        kb.entries = ()  # type: ignore[misc]
    assert isinstance(kb.entries[0].alternates, tuple)
    assert isinstance(kb.intents, tuple) and isinstance(kb.safety, tuple)


@pytest.mark.parametrize("source", ["folder", "json"])
def test_the_entries_of_a_loaded_base_cannot_be_changed_in_place(tmp_path, source):
    """A frozen KnowledgeBase must not carry a list: one face could append to every face's base."""
    path = None
    if source == "json":
        path = tmp_path / "other.json"
        path.write_text(json.dumps(minimal_export()), encoding="utf-8")
    kb = load_knowledge(path)
    assert isinstance(kb.entries, tuple), type(kb.entries)
    hash(kb)  # a frozen dataclass of immutable parts is hashable


def test_version_is_stable_and_follows_the_content(tmp_path):
    assert load_knowledge().version == load_knowledge().version
    copy = copy_knowledge(tmp_path)
    assert load_knowledge(copy).version == load_knowledge().version
    edit_yaml(copy / "faq" / "training.yaml",
              lambda d: entry_of(d, "fellowship-length")["alternates"].append("fellowship years?"))
    assert load_knowledge(copy).version != load_knowledge().version


# -- broken copies -----------------------------------------------------------------------------------
def test_bad_yaml_names_the_file_and_the_line(tmp_path):
    copy = copy_knowledge(tmp_path)
    path = copy / "faq" / "training.yaml"
    path.write_text("entries:\n  - id: x\n    question: [oops\n", encoding="utf-8")
    problem = one_problem(problems_of(copy), str(path), "invalid YAML")
    assert "line " in problem


def test_a_missing_field_names_file_entry_and_field(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "careers.yaml", lambda d: entry_of(d, "practice-settings").pop("answer"))
    problem = one_problem(problems_of(copy), "careers.yaml", "'practice-settings'", "'answer'")
    assert "missing" in problem


@pytest.mark.parametrize(("field", "value", "words"), [
    ("alternates", 5, "list"),
    ("question", ["two", "questions"], "text"),
    ("answer", "   ", "non-empty"),
    ("related", {"a": 1}, "list"),
])
def test_a_field_of_the_wrong_type_names_file_entry_and_field(tmp_path, field, value, words):
    copy = copy_knowledge(tmp_path)

    def change(data):
        entry_of(data, "reading-list")[field] = value

    edit_yaml(copy / "faq" / "resources.yaml", change)
    problem = one_problem(problems_of(copy), "resources.yaml", "'reading-list'", f"'{field}'")
    assert words in problem


def test_an_alternate_of_the_wrong_type_names_its_position(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "resources.yaml",
              lambda d: entry_of(d, "reading-list")["alternates"].insert(1, {"oops": 1}))
    one_problem(problems_of(copy), "resources.yaml", "'reading-list'", "'alternates'", "item 2")


def test_an_invalid_id_is_reported(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "resources.yaml",
              lambda d: entry_of(d, "reading-list").update(id="Reading List!"))
    one_problem(problems_of(copy), "resources.yaml", "'id'")


def test_a_duplicate_id_names_both_files(tmp_path):
    copy = copy_knowledge(tmp_path)
    training = yaml.safe_load((copy / "faq" / "training.yaml").read_text(encoding="utf-8"))
    twin = dict(entry_of(training, "fellowship-length"))
    twin["alternates"] = ["a different phrasing entirely about parking"]
    edit_yaml(copy / "faq" / "careers.yaml", lambda d: d["entries"].append(twin))
    problem = one_problem(problems_of(copy), "careers.yaml", "'fellowship-length'", "'id'")
    assert "training.yaml" in problem


def test_an_id_shared_by_an_entry_and_an_intent_is_a_duplicate(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "conversation.yaml",
              lambda d: next(i for i in d["intents"] if i["id"] == "thanks").update(id="hashtags"))
    one_problem(problems_of(copy), "'hashtags'", "'id'", "repeats")


def test_an_unknown_related_id_names_file_entry_field_and_the_id(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "aahpm.yaml",
              lambda d: entry_of(d, "hashtags")["related"].append("no-such-entry"))
    one_problem(problems_of(copy), "aahpm.yaml", "'hashtags'", "'related'", "'no-such-entry'")


def test_unknown_ids_in_intents_fallback_and_starters_are_reported(tmp_path):
    copy = copy_knowledge(tmp_path)

    def change(data):
        data["fallback"]["suggestions"][0] = "ghost-one"
        data["starters"].append("ghost-two")
        next(i for i in data["intents"] if i["id"] == "greeting")["suggestions"] = ["ghost-three"]

    edit_yaml(copy / "conversation.yaml", change)
    problems = problems_of(copy)
    one_problem(problems, "fallback", "ghost-one")
    one_problem(problems, "starters", "ghost-two")
    one_problem(problems, "conversation.yaml", "'greeting'", "'suggestions'", "ghost-three")


def test_a_safety_rule_without_triggers_is_reported(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "safety.yaml", lambda d: d["safety"][0].pop("triggers"))
    one_problem(problems_of(copy), "safety.yaml", "'crisis'", "'triggers'")


def test_every_problem_is_reported_at_once(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "careers.yaml", lambda d: entry_of(d, "practice-settings").pop("answer"))
    edit_yaml(copy / "faq" / "aahpm.yaml",
              lambda d: entry_of(d, "hashtags")["related"].append("no-such-entry"))
    problems = problems_of(copy)
    one_problem(problems, "careers.yaml", "'practice-settings'", "'answer'")
    one_problem(problems, "aahpm.yaml", "'hashtags'", "'no-such-entry'")


def test_a_file_whose_top_is_not_a_mapping_is_reported(tmp_path):
    copy = copy_knowledge(tmp_path)
    (copy / "faq" / "resources.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    one_problem(problems_of(copy), "resources.yaml", "mapping")


def test_a_missing_path_is_a_knowledge_error(tmp_path):
    one_problem(problems_of(tmp_path / "nowhere"), "nowhere")


def test_a_folder_without_faq_files_is_reported(tmp_path):
    one_problem(problems_of(tmp_path), "faq")


# -- export-shaped JSON --------------------------------------------------------------------------------
def test_an_export_shaped_json_file_loads_and_serves(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps(minimal_export()), encoding="utf-8")
    kb = load_knowledge(path)
    assert [e.id for e in kb.entries] == ["parking", "cafeteria"]
    assert kb.entry("parking").related == ("cafeteria",)
    assert kb.intents == () and kb.safety == ()
    bot = Bot(kb)
    reply = bot.reply(None, "where do visitors park")
    assert (reply.kind, reply.id) == ("answer", "parking")
    assert bot.reply(None, "cafeteria hours?").id == "cafeteria"


def test_a_json_entry_with_a_missing_field_names_file_entry_and_field(tmp_path):
    data = minimal_export()
    del data["entries"][1]["answer"]
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    one_problem(problems_of(path), "other.json", "'cafeteria'", "'answer'")


@pytest.mark.parametrize("text", ["{not json", "[1, 2, 3]", '{"entries": {}}', ""])
def test_a_json_file_of_the_wrong_shape_is_a_knowledge_error(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    one_problem(problems_of(path), "bad.json")


def test_the_shipped_base_round_trips_through_export(tmp_path):
    result = faqbot("export")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "export.json"
    path.write_text(result.stdout, encoding="utf-8")
    data = json.loads(result.stdout)
    assert set(data["entries"][0]) == {"id", "question", "alternates", "answer", "sources", "related"}
    original, exported = load_knowledge(), load_knowledge(path)
    strip = lambda kb: [(e.id, e.question, e.alternates, e.answer, e.sources, e.related)  # noqa: E731
                        for e in kb.entries]
    assert strip(exported) == strip(original)
    assert exported.intents == tuple(
        type(i)(i.id, i.phrasings, i.reply, i.suggestions, str(path)) for i in original.intents)
    assert [(r.id, r.triggers, r.ignore) for r in exported.safety] == [
        (r.id, r.triggers, r.ignore) for r in original.safety]
    assert (exported.synonyms, exported.abbreviations) == (original.synonyms, original.abbreviations)
    assert exported.fallback == original.fallback and exported.starters == original.starters
    assert exported.scope == original.scope
    assert exported.links == original.links and original.links


def test_a_safety_rule_without_ignored_phrases_survives_export(tmp_path):
    """Export writes an empty list for a rule with no ignored phrases; loading must accept it."""
    copy = copy_knowledge(tmp_path)

    def change(data):
        for item in data["safety"]:
            item.pop("ignore", None)
            item.pop("unless", None)

    edit_yaml(copy / "safety.yaml", change)
    result = faqbot("--knowledge", str(copy), "export")
    assert result.returncode == 0, result.stderr
    path = tmp_path / "export.json"
    path.write_text(result.stdout, encoding="utf-8")
    assert [r.id for r in load_knowledge(path).safety] == [r.id for r in load_knowledge().safety]


# -- faqbot check ---------------------------------------------------------------------------------
def test_check_passes_on_the_shipped_base():
    result = faqbot("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK:")


def test_check_fails_naming_file_and_entries_for_a_phrasing_in_two_entries(tmp_path):
    copy = copy_knowledge(tmp_path)
    # fellowship-length's phrasing, reworded only in case and punctuation, into another file
    edit_yaml(copy / "faq" / "aahpm.yaml", lambda d: entry_of(d, "aahpm-membership")[
        "alternates"].append("How long is palliative fellowship??"))
    result = faqbot("--knowledge", str(copy), "check")
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines()
             if "fellowship-length" in line and "aahpm-membership" in line]
    assert lines, result.stdout
    assert any("training.yaml" in line or "aahpm.yaml" in line for line in lines)
    assert "Traceback" not in result.stderr


def test_check_fails_for_an_entry_without_sources(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "resources.yaml", lambda d: entry_of(d, "reading-list").pop("sources"))
    result = faqbot("--knowledge", str(copy), "check")
    assert result.returncode == 1
    assert any("resources.yaml" in line and "'reading-list'" in line and "sources" in line
               for line in result.stdout.splitlines()), result.stdout


def test_check_fails_for_an_entry_with_fewer_than_six_alternates(tmp_path):
    """knowledge/README.md lists "at least 6 alternates" among the rules `faqbot check` enforces."""
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "resources.yaml",
              lambda d: entry_of(d, "reading-list").update(alternates=["books?", "reading list"]))
    result = faqbot("--knowledge", str(copy), "check")
    assert result.returncode == 1, result.stdout
    assert any("'reading-list'" in line and "alternates" in line
               for line in result.stdout.splitlines()), result.stdout


def test_check_exits_1_with_one_line_per_problem_on_a_broken_copy(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "careers.yaml", lambda d: entry_of(d, "practice-settings").pop("answer"))
    edit_yaml(copy / "faq" / "aahpm.yaml",
              lambda d: entry_of(d, "hashtags")["related"].append("no-such-entry"))
    (copy / "faq" / "resources.yaml").write_text("entries: [\n", encoding="utf-8")
    result = faqbot("--knowledge", str(copy), "check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr + result.stdout
    problems = [line.strip() for line in result.stdout.strip().splitlines()]
    assert len(problems) >= 3, problems
    assert all(p.startswith(str(copy)) for p in problems), problems   # each line: one problem
    assert any("careers.yaml" in p and "'practice-settings'" in p and "'answer'" in p
               for p in problems)
    assert any("aahpm.yaml" in p and "'hashtags'" in p and "no-such-entry" in p for p in problems)
    assert any("resources.yaml" in p and "YAML" in p for p in problems)
    assert "problem(s)" in result.stderr


def test_check_works_on_an_export_json(tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps(minimal_export()), encoding="utf-8")
    result = faqbot("--knowledge", str(path), "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 entries" in result.stdout


# -- links ----------------------------------------------------------------------------------------
OFF_LIST = "[AAHPM](https://aahpm.org/membership-typo/)"


def test_check_rejects_a_link_that_is_not_on_the_allowlist(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "aahpm.yaml", lambda d: entry_of(d, "aahpm-membership").update(
        answer=entry_of(d, "aahpm-membership")["answer"] + f"\n\nJoin at {OFF_LIST}."))
    result = faqbot("--knowledge", str(copy), "check")
    assert result.returncode == 1, result.stdout + result.stderr
    line = one_problem(tuple(result.stdout.splitlines()), "aahpm.yaml", "'aahpm-membership'",
                       "'answer'", "https://aahpm.org/membership-typo/")
    assert "allowlist" in line and "links.yaml" in line
    assert "Traceback" not in result.stderr
    with pytest.raises(KnowledgeError):  # nor can the bot go live with it
        load_knowledge(copy)


@pytest.mark.parametrize(("link", "words"), [
    ("[AAHPM](http://aahpm.org/)", "https"),
    ("[AAHPM](aahpm.org)", "must start with"),
    ("[AAHPM] (https://aahpm.org/)", "malformed"),
    ("[AAHPM](https://aahpm.org/", "malformed"),
    ("see https://aahpm.org/ there", "malformed"),
    ("[](https://aahpm.org/)", "label"),
    ("[call](tel:98-8)", "phone"),
])
def test_a_malformed_link_in_a_source_is_reported(tmp_path, link, words):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "resources.yaml",
              lambda d: entry_of(d, "reading-list")["sources"].append(link))
    problem = one_problem(problems_of(copy), "resources.yaml", "'reading-list'", "'sources' item")
    assert words in problem


@pytest.mark.parametrize(("file", "change", "needles"), [
    ("conversation.yaml", lambda d: d["fallback"].update(reply=f"Ask {OFF_LIST}."),
     ("fallback", "'reply'")),
    ("conversation.yaml",
     lambda d: next(i for i in d["intents"] if i["id"] == "thanks").update(reply=OFF_LIST),
     ("intent 'thanks'", "'reply'")),
    ("safety.yaml", lambda d: d["safety"][0].update(reply=d["safety"][0]["reply"] + OFF_LIST),
     ("safety rule 'crisis'", "'reply'")),
])
def test_an_off_list_link_anywhere_the_bot_speaks_is_reported(tmp_path, file, change, needles):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / file, change)
    one_problem(problems_of(copy), file, *needles, "membership-typo", "allowlist")


def test_without_an_allowlist_no_link_loads(tmp_path):
    copy = copy_knowledge(tmp_path)
    (copy / "links.yaml").unlink()
    edit_yaml(copy / "faq" / "aahpm.yaml", lambda d: entry_of(d, "about-aahpm").update(
        answer="[AAHPM](https://aahpm.org/) " + entry_of(d, "about-aahpm")["answer"]))
    one_problem(problems_of(copy), "'about-aahpm'", "'answer'", "not on the allowlist")


def test_a_bad_address_on_the_allowlist_is_reported(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "links.yaml", lambda d: d["links"].append("htps://aahpm.org/"))
    one_problem(problems_of(copy), "links.yaml", "item", "htps://aahpm.org/")


def test_an_address_added_to_the_allowlist_may_be_linked(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "links.yaml", lambda d: d["links"].append("https://aahpm.org/membership-typo/"))
    edit_yaml(copy / "faq" / "aahpm.yaml", lambda d: entry_of(d, "aahpm-membership").update(
        answer=entry_of(d, "aahpm-membership")["answer"] + f"\n\nJoin at {OFF_LIST}."))
    assert OFF_LIST in load_knowledge(copy).entry("aahpm-membership").answer


def test_an_export_json_keeps_its_allowlist(tmp_path):
    data = minimal_export(links=["https://example.org/"])
    data["entries"][0]["answer"] += " See [the map](https://example.org/)."
    path = tmp_path / "other.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_knowledge(path).links == ("https://example.org/",)
    data["links"] = []
    path.write_text(json.dumps(data), encoding="utf-8")
    one_problem(problems_of(path), "other.json", "'parking'", "'answer'", "allowlist")


@pytest.mark.parametrize("address", ["https://aahpm.org", "HTTPS://AAHPM.ORG/", "tel:988"])
def test_an_allowed_address_may_be_written_without_its_root_slash_or_in_capitals(tmp_path, address):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "faq" / "aahpm.yaml", lambda d: entry_of(d, "about-aahpm").update(
        answer=entry_of(d, "about-aahpm")["answer"] + f" [AAHPM]({address})"))
    assert f"({address})" in load_knowledge(copy).entry("about-aahpm").answer


# -- safety examples ------------------------------------------------------------------------------
def test_check_flags_a_safety_example_that_is_also_an_faq_phrasing(tmp_path):
    question = load_knowledge().entry("fellowship-length").question
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "safety-examples.yaml", lambda d: d["wellbeing"].append(question))
    result = faqbot("--knowledge", str(copy), "check")
    assert result.returncode == 1, result.stdout + result.stderr
    line = one_problem(tuple(result.stdout.splitlines()), "safety-examples.yaml", "wellbeing",
                       question, "entry 'fellowship-length'")
    assert "a message cannot be both" in line


def test_check_flags_an_example_under_two_safety_ids(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "safety-examples.yaml", lambda d: d["crisis"].append(d["wellbeing"][0]))
    result = faqbot("--knowledge", str(copy), "check")
    assert result.returncode == 1
    one_problem(tuple(result.stdout.splitlines()), "safety-examples.yaml", "wellbeing: example",
                "an example of safety rule 'crisis'")


def test_examples_under_an_unknown_safety_id_are_reported(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "safety-examples.yaml", lambda d: d.update({"crisiss": ["i am sad"]}))
    one_problem(problems_of(copy), "safety-examples.yaml", "'crisiss' is not a safety id")


def test_a_safety_rule_about_an_unknown_group_is_reported(tmp_path):
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "safety.yaml", lambda d: d["safety"][0].update({"about": ["writters"]}))
    one_problem(problems_of(copy), "safety.yaml", "'crisis'", "'about'", "'writters'")


def test_a_shipped_example_teaches_the_screen_a_new_wording(tmp_path):
    """What knowledge/README.md tells a curator: add the message under its id."""
    message = "the quiet in my apartment after call is getting to me and i just stare at the wall"
    copy = copy_knowledge(tmp_path)
    edit_yaml(copy / "safety-examples.yaml", lambda d: d["wellbeing"].append(message))
    assert Bot.from_path(copy).reply(None, message).id == "wellbeing"
