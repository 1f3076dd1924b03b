"""What is specific to the shipped knowledge base: topics, links, dev-set hygiene, content rules."""

from __future__ import annotations

import re

import pytest
from rapidfuzz import fuzz

from bot.checks import check_knowledge
from bot.evaluation import read_cases
from bot.knowledge import load_knowledge
from bot.links import LINK, address_problem, canonical
from bot.normalize import Normalizer, surface_words
from tests.helpers import shared_file

# The ids the product's requirements (knowledge-topics.yaml) give the FAQ entries and the
# small talk; copied here so that the tests run in a clone without the requirements file.
REQUIRED_ENTRIES = frozenset("""
    what-is-hpm hpm-vs-other-specialties palliative-vs-hospice palliative-care-survival
    why-choose-hpm meaningful-practice holistic-care field-growth emotional-challenges
    training-pathway fellowship-length eligible-residencies board-certification
    clinical-training-info applying-to-fellowship aahpm-membership membership-benefits
    about-aahpm practice-settings pediatric-palliative-care academic-vs-community
    home-and-telemedicine interdisciplinary-team leadership-roles career-paths-overview
    inpatient-consult outpatient-palliative hospice-and-community-practice reading-list
    communication-skills online-communities hashtags
""".split())
REQUIRED_INTENTS = frozenset({"greeting", "thanks", "goodbye", "help", "bot-identity"})
# The only addresses the requirements allow content to link to.
REQUIRED_LINKS = frozenset({
    "https://aahpm.org/career-resources/student-resources/", "https://aahpm.org/",
    "https://988lifeline.org/", "https://physiciansupportline.com/", "https://www.nrmp.org/",
    "https://www.aamc.org/", "https://www.acgme.org/", "https://www.abms.org/",
    "tel:988", "sms:988", "tel:+18884090141",
})
CAREERS_PAGE = "https://aahpm.org/career-resources/student-resources/"
AAHPM = "https://aahpm.org/"

# The residencies that lead into the HPM fellowship and the physicians who practice them:
# none may be out of scope, and each such physician asking about the fellowship is answered.
BASE_SPECIALTIES = ("anesthesiology", "emergency medicine", "family medicine", "internal medicine",
                    "obstetrics and gynecology", "pediatrics", "physical medicine and rehabilitation",
                    "psychiatry", "neurology", "child neurology", "radiology", "radiation oncology",
                    "surgery", "general surgery")
BASE_PHYSICIANS = ("anesthesiologist", "emergency physician", "family physician", "internist",
                   "obstetrician", "gynecologist", "pediatrician", "physiatrist", "psychiatrist",
                   "neurologist", "radiologist", "surgeon")
BRITISH = re.compile(r"\b(?:centre|practis|organis|recognis|speciali[sz]ation|speciali[s]e|"
                     r"paediatr|favour|colour|behaviour|programme|counsell|licence|judgement|"
                     r"analys(?:e|ing)|enrol\b|travell|fulfil\b|ageing)", re.IGNORECASE)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge()


def shown(markdown: str) -> str:
    """Text as a reader sees it: each link as its label."""
    return LINK.sub(lambda link: link["label"], markdown)


def spoken(kb) -> list[tuple[str, str]]:
    """Every text the bot says or cites, with where it comes from."""
    texts = [(f"{e.id} answer", e.answer) for e in kb.entries]
    texts += [(f"{e.id} source", s) for e in kb.entries for s in e.sources]
    texts += [(f"{i.id} reply", i.reply) for i in kb.intents]
    texts += [(f"{r.id} reply", r.reply) for r in kb.safety]
    texts += [(f"{r.id} source", s) for r in kb.safety for s in r.sources]
    return [*texts, ("fallback reply", kb.fallback.reply)]


# -- topics and checks -------------------------------------------------------------------------------
def test_shipped_knowledge_passes_check(kb):
    assert check_knowledge(kb) == []


def test_every_topic_of_the_requirements_has_its_entry(kb):
    assert {e.id for e in kb.entries} >= REQUIRED_ENTRIES
    assert {i.id for i in kb.intents} >= REQUIRED_INTENTS
    assert kb.entry("applying-to-fellowship") is not None


# -- links -------------------------------------------------------------------------------------------
def test_the_allowlist_holds_only_addresses_the_requirements_allow(kb):
    assert kb.links and {canonical(a) for a in kb.links} <= REQUIRED_LINKS
    assert all(address_problem(a) is None for a in kb.links)


def test_every_link_is_well_formed_and_on_the_allowlist(kb):
    allowed = {canonical(a) for a in kb.links}
    found = []
    for where, text in spoken(kb):
        for link in LINK.finditer(text):
            found.append(link["url"])
            assert link["label"].strip(), where
            assert address_problem(link["url"]) is None, (where, link[0])
            assert canonical(link["url"]) in allowed, (where, link[0])
        bare = LINK.sub(" ", text)
        assert not re.search(r"\]\s*[(\[]|https?:|mailto:|www\.", bare), (where, bare)
    assert CAREERS_PAGE in found and AAHPM in found


@pytest.mark.parametrize(("mention", "address"), [
    (r"careers page|Clinical Training page|\bvideo\b", CAREERS_PAGE),
    (r"AAHPM's website|\bsign up\b|\bto join\b", AAHPM),
    (r"\bERAS\b", "https://www.aamc.org/"),
    (r"\bthe Match\b|\bNRMP\b", "https://www.nrmp.org/"),
])
def test_an_answer_that_sends_the_reader_somewhere_links_there(kb, mention, address):
    sending = [e for e in kb.entries if re.search(mention, shown(e.answer))]
    assert sending, mention  # the pattern still finds something: this test can fail
    for entry in sending:
        assert f"]({address})" in entry.answer, entry.id


def test_a_source_whose_address_is_known_is_a_link(kb):
    for entry in kb.entries:
        for source in entry.sources:
            if "aahpm careers page" in source.lower():
                assert f"]({CAREERS_PAGE})" in source, (entry.id, source)
            for name in ("ACGME", "ABMS", "NRMP", "AAMC"):
                if name in source:
                    assert "](https://" in source, (entry.id, source)


def test_help_fallback_and_about_text_say_how_to_reach_a_person(kb):
    about = next(i for i in kb.intents if i.id == "bot-identity").reply
    help_reply = next(i for i in kb.intents if i.id == "help").reply
    for text in (help_reply, kb.fallback.reply, about):
        assert f"]({AAHPM})" in text, text
    assert f"]({CAREERS_PAGE})" in about
    assert "not a person" in about and "not official" in about and "medical advice" in about


@pytest.mark.parametrize("question", ["who made you", "who runs this", "who built you?"])
def test_who_made_or_runs_the_bot_gets_the_about_text(bot, question):
    reply = bot.reply(None, question)
    assert (reply.kind, reply.id) == ("smalltalk", "bot-identity")


# -- what the answers say ------------------------------------------------------------------------------
def test_entries_follow_the_content_rules(kb):
    for entry in kb.entries:
        words = len(surface_words(shown(entry.answer)))
        assert 40 <= words <= 120, (entry.id, words)
        assert len(entry.alternates) >= 6, entry.id
        assert entry.sources, entry.id
        assert 2 <= len(entry.related) <= 3, entry.id


def test_no_answer_opens_with_a_bare_yes_or_no(kb):
    """A negatively worded alternate ("does palliative care shorten life?") would flip it."""
    for entry in kb.entries:
        first = surface_words(shown(entry.answer))[0]
        assert first not in ("yes", "no", "yep", "nope", "yeah"), entry.id


def test_related_suggestions_lead_somewhere_new(kb):
    """No entry suggests one that suggests it back: following them never shows a text again
    after one step."""
    related = {e.id: set(e.related) for e in kb.entries}
    for entry_id, others in related.items():
        assert entry_id not in others, entry_id
        for other in others:
            assert entry_id not in related[other], (entry_id, other)


def test_training_entries_each_carry_their_own_fact(kb):
    def says(entry_id: str, *needles: str) -> bool:
        answer = shown(kb.entry(entry_id).answer)
        return all(needle in answer for needle in needles)

    assert says("fellowship-length", "12 months", "ACGME", "July 1 to June 30", "optional extra year")
    assert says("board-certification", "primary board", "ABMS", "AOA", "only route")
    assert says("eligible-residencies", "anesthesiology", "emergency medicine", "radiation oncology",
                "child neurology", "physical medicine and rehabilitation", "surgery")
    assert says("applying-to-fellowship", "ERAS", "Match", "July", "letters of recommendation")
    assert says("clinical-training-info", "Clinical Training page")
    assert not says("clinical-training-info", "one year")  # told once, by fellowship-length
    assert not says("training-pathway", "ACGME")


def test_the_survival_answer_claims_no_more_than_its_source(kb):
    answer = shown(kb.entry("palliative-care-survival").answer)
    assert "often" in answer and "live longer" in answer
    assert not re.search(r"\b(?:always|proven|guarantee)", answer, re.IGNORECASE)


def test_content_uses_us_spelling(kb):
    texts = [(where, text) for where, text in spoken(kb)]
    texts += [(f"{e.id} question", e.question) for e in kb.entries]
    texts += [("fallback phrasing", p) for p in kb.fallback.phrasings]
    for where, text in texts:
        assert not BRITISH.search(text), (where, BRITISH.search(text)[0])


# -- scope and synonyms ------------------------------------------------------------------------------
def _scope_hits(phrases: tuple[str, ...], words: str) -> list[str]:
    hits = []
    for phrase in phrases:
        pattern = re.escape(phrase.rstrip("*")) + (r"\w*" if phrase.endswith("*") else "")
        if re.search(rf"\b{pattern}\b", words):
            hits.append(phrase)
    return hits


def test_no_base_specialty_or_its_physicians_is_out_of_scope(kb):
    for name in BASE_SPECIALTIES + BASE_PHYSICIANS:
        for form in (name, name + "s"):
            assert _scope_hits(kb.scope.other_fields, form) == [], form


def test_geriatrics_and_neurosurgery_are_not_base_residencies(kb):
    base = next(s for s in kb.synonyms if s.canonical == "baseresidency")
    assert {"internal medicine", "surgery", "radiology", "anesthesiologist"} <= set(base.variants)
    assert not {"geriatrics", "neurosurgery"} & set(base.variants)


@pytest.mark.parametrize("physician", BASE_PHYSICIANS)
def test_a_base_specialty_physician_asking_about_the_fellowship_is_answered(bot, physician):
    article = "an" if physician[0] in "aeiou" else "a"
    reply = bot.reply(None, f"can {article} {physician} do the fellowship?")
    assert (reply.kind, reply.id) == ("answer", "eligible-residencies")


def test_the_issues_examples_land(bot):
    assert bot.reply(None, "can an anesthesiologist do the fellowship?").id == "eligible-residencies"
    shortens = bot.reply(None, "does palliative care shorten life")
    assert shortens.id == "palliative-care-survival"
    assert surface_words(shortens.text)[0] not in ("yes", "no")
    assert bot.reply(None, "is hpm adults only").id == "pediatric-palliative-care"


# -- dev-set hygiene and the careers page (both files sit beside the repository in CI) ---------------
def test_no_dev_set_question_nor_a_near_copy_is_in_the_knowledge_base(kb):
    normalizer = Normalizer(synonyms=kb.synonyms, abbreviations=kb.abbreviations)
    dev = {normalizer.text(c.question): c.question for c in read_cases(shared_file("eval", "dev.tsv"))}
    phrasings = [p for e in kb.entries for p in e.phrasings]
    phrasings += [p for i in kb.intents for p in i.phrasings]
    phrasings += list(kb.fallback.phrasings)
    leaked = [p for p in phrasings if normalizer.text(p) in dev]
    assert leaked == []
    near = [(p, q) for p in phrasings for key, q in dev.items()
            if fuzz.ratio(normalizer.text(p), key) >= 95]
    assert near == []


def test_answers_do_not_copy_the_careers_page(kb):
    """No run of 8 words of an answer's prose stands on the page (lists and *titles* may)."""
    page = " ".join(surface_words(shared_file("careers-page.txt").read_text()))
    for entry in kb.entries:
        prose = [line for line in shown(entry.answer).splitlines()
                 if not line.lstrip().startswith("- ")]
        words = surface_words(re.sub(r"(?<!\*)\*[^*]+\*(?!\*)", " ", " ".join(prose)))
        copied = [
            " ".join(words[i:i + 8]) for i in range(len(words) - 7)
            if " ".join(words[i:i + 8]) in page
        ]
        assert copied == [], entry.id
