"""What is specific to the shipped knowledge base: topics, dev-set hygiene, content rules."""

from __future__ import annotations

import re

import yaml

from bot.checks import check_knowledge
from bot.evaluation import read_cases
from bot.knowledge import load_knowledge
from bot.normalize import Normalizer, surface_words
from tests.conftest import shared_file


def test_shipped_knowledge_passes_check():
    assert check_knowledge(load_knowledge()) == []


def test_every_topic_of_the_requirements_has_its_entry():
    topics = yaml.safe_load(shared_file("knowledge-topics.yaml").read_text())
    kb = load_knowledge()
    assert {t["id"] for t in topics["faq"]} <= {e.id for e in kb.entries}
    assert {t["id"] for t in topics["intents"]} <= {i.id for i in kb.intents}
    assert {t["id"] for t in topics["safety"]} == {r.id for r in kb.safety}


def test_no_dev_set_question_is_in_the_knowledge_base():
    kb = load_knowledge()
    normalizer = Normalizer(synonyms=kb.synonyms, abbreviations=kb.abbreviations)
    dev = {normalizer.text(c.question): c.question for c in read_cases(shared_file("eval", "dev.tsv"))}
    phrasings = [p for e in kb.entries for p in e.phrasings]
    phrasings += [p for i in kb.intents for p in i.phrasings]
    phrasings += list(kb.fallback.phrasings)
    leaked = [p for p in phrasings if normalizer.text(p) in dev]
    assert leaked == []


def test_entries_follow_the_content_rules():
    for entry in load_knowledge().entries:
        words = len(surface_words(entry.answer))
        assert 40 <= words <= 120, (entry.id, words)
        assert len(entry.alternates) >= 6, entry.id
        assert entry.sources, entry.id
        assert 2 <= len(entry.related) <= 3, entry.id
        assert "http" not in entry.answer or "](" in entry.answer, entry.id


def test_answers_do_not_copy_the_careers_page():
    """No run of 8 words of an answer's prose stands on the page (lists and *titles* may)."""
    page = " ".join(surface_words(shared_file("careers-page.txt").read_text()))
    for entry in load_knowledge().entries:
        prose = [line for line in entry.answer.splitlines() if not line.lstrip().startswith("- ")]
        words = surface_words(re.sub(r"(?<!\*)\*[^*]+\*(?!\*)", " ", " ".join(prose)))
        copied = [
            " ".join(words[i:i + 8]) for i in range(len(words) - 7)
            if " ".join(words[i:i + 8]) in page
        ]
        assert copied == [], entry.id
