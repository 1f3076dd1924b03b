"""Screens run before any matching: safety replies first, then questions about other fields.

The safety screen reads a message sentence by sentence, with the words of
``knowledge/safety.yaml``. A rule fires when one of its triggers is there: every slot of
the trigger has one of its phrases. For a rule that says whom it is ``about``, the first
slot's phrase must be about such a person (:meth:`_Lexicon.about`) and must not stand
right after a negation ("i'm not suicidal"); a rule's ``signs`` count whoever they name
(a goodbye text reported by a friend). Misspellings of the lexicon's ``typos`` words count as
the word ("sucidal"). A message no trigger foresaw is read by a classifier learned from the
rules' curated examples (:class:`~bot.examples.ExampleClassifier`); see
:class:`SafetyScreen` for how the two readers decide.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.english import zipf
from bot.examples import Cache, ExampleClassifier, learned, word_features
from bot.knowledge import SafetyLexicon, SafetyRule, Scope
from bot.normalize import surface_words
from bot.phrases import PhraseBook, Place

NOT_SAFETY = ""
"""The label of example messages that call for no safety reply."""
WRITER = "writer"
"""Whom a phrase is about when nothing in its sentence names anyone else."""

_SENTENCE = re.compile(r"[.!?;\n]+|\s[-\u2013\u2014]+\s")
_ABBREVIATION = re.compile(r"\b(mrs?|ms|dr|pt|st|vs)\.", re.IGNORECASE)  # "mrs. in 14" is one sentence
_NEGATION_REACH = 2
"""A negation this many words or fewer before a phrase cancels it ("not really suicidal")."""
_TEMPERATURE = 2.0
"""How much the example classifier tempers naive Bayes' over-sure sums of evidence (chosen on
tests/data/safety.tsv and safety-holdout.tsv: 1 raised false alarms, 3 lost distress)."""
_MIN_EXAMPLES = 2
"""A word or word pair fewer examples show is not read (it halves what is kept; the
development sets read the same or better without them)."""
_VETO = 0.02
"""A rule whose phrases fire is overruled by the examples only when they make it less likely
than this (chosen on the development sets: it keeps "how much morphine should I give" a
clinical question while a career story that names a relative's illness stays a career one)."""
_TYPO_CUTOFF = 84.0
_TYPO_MIN_LENGTH = 6

_Trigger = tuple[int, ...]  # a phrase list per slot, by its number in the screen's book


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` that hold words (split at . ! ? ; line breaks and dashes)."""
    return [s for s in _SENTENCE.split(_ABBREVIATION.sub(r"\1", text)) if s.strip()]


@dataclass(frozen=True)
class _CompiledRule:
    id: str
    triggers: tuple[tuple[_Trigger, frozenset[str]], ...]  # each with whom it must be about
    unless: tuple[_Trigger, ...]
    ignore: int | None  # the phrase list taken out before the triggers are looked for
    threshold: float    # how likely the example classifier must find the rule

    @classmethod
    def of(cls, rule: SafetyRule, *, threshold: float, lists: list[list[str]]) -> _CompiledRule:
        """The rule, its phrase lists numbered by their place in ``lists`` (added to it)."""
        def number(phrases: Sequence[str]) -> int:
            lists.append(list(phrases))
            return len(lists) - 1

        def compiled(triggers: Sequence[Sequence[Sequence[str]]]) -> tuple[_Trigger, ...]:
            return tuple(tuple(number(slot) for slot in t) for t in triggers)

        about = frozenset(rule.about)
        return cls(
            id=rule.id,
            triggers=(*((t, about) for t in compiled(rule.triggers)),
                      *((t, frozenset()) for t in compiled(rule.signs))),
            unless=compiled(rule.unless),
            ignore=number([p for t in rule.ignore for slot in t for p in slot]) if rule.ignore
            else None,
            threshold=rule.threshold if rule.threshold is not None else threshold,
        )


@dataclass(frozen=True)
class _Sentence:
    """A sentence as the screen reads it: its words (misspellings mended) and where each
    phrase list's phrases stand in them."""

    words: Sequence[str]
    places: dict[int, list[Place]]

    def holds(self, phrases: int, *, apart_from: int | None) -> list[Place]:
        """The places of the list ``phrases`` that do not overlap the list ``apart_from``'s."""
        found = self.places.get(phrases, [])
        if apart_from is None or apart_from not in self.places or not found:
            return found
        taken = self.places[apart_from]
        return [p for p in found if all(p.end <= t.start or t.end <= p.start for t in taken)]


class _Lexicon:
    """Whom a phrase is about, which words negate it, and which misspellings to mend."""

    def __init__(self, lexicon: SafetyLexicon) -> None:
        self._person = {word: group for group, words in lexicon.people for word in words}
        self._negations = frozenset(lexicon.negations)
        self._breakers = frozenset(lexicon.negation_breakers)
        self._prepositions = frozenset(lexicon.prepositions)
        self._determiners = frozenset(lexicon.determiners)
        self._typos = tuple(lexicon.typos)
        self._known = frozenset(self._person) | frozenset(lexicon.typos)

    def spell(self, words: list[str]) -> list[str]:
        """``words`` with misspellings of the typo words mended ("sucidal" -> "suicidal"); an
        English word is never taken for a misspelling ("depressing" is not "depression")."""
        if not self._typos:
            return words
        english = zipf()
        return [self._mend(w) if len(w) >= _TYPO_MIN_LENGTH and w not in self._known
                and w not in english else w for w in words]

    def _mend(self, word: str) -> str:
        found = process.extractOne(word, self._typos, scorer=fuzz.ratio, processor=None,
                                   score_cutoff=_TYPO_CUTOFF)
        return found[0] if found is not None and found[0][0] == word[0] else word

    def about(self, before: list[str], phrase: list[str], after: str | None) -> str:
        """Whom ``phrase`` is about: the last person it names itself ("kill himself", "better
        off without me"); else the person word right after it ("anxious pt"); else the
        nearest person named before it in its sentence, not counting one that is only the
        object of a preposition ("for the family"); else the writer."""
        for word in reversed(phrase):
            if word in self._person:
                return self._person[word]
        if after in self._person:
            return self._person[after]
        for index in range(len(before) - 1, -1, -1):
            group = self._person.get(before[index])
            if group is not None and not self._object(before, index):
                return group
        return WRITER

    def _object(self, words: list[str], index: int) -> bool:
        """Whether the word at ``index`` follows a preposition ("to my mom", "for the family")."""
        previous = index - 1
        if previous >= 0 and words[previous] in self._determiners:
            previous -= 1
        return previous >= 0 and words[previous] in self._prepositions

    def mark_negated(self, tokens: list[str]) -> list[str]:
        """``tokens`` with the two after a negation marked ("not in crisis" -> "not",
        "not:in", "not:crisis"), so that "not suicidal" teaches apart from "suicidal"."""
        marked = list(tokens)
        for index, token in enumerate(tokens):
            if token in self._negations and not (index and tokens[index - 1] in self._breakers):
                for ahead in range(index + 1, min(index + 1 + _NEGATION_REACH, len(tokens))):
                    if tokens[ahead] in self._breakers:
                        break
                    marked[ahead] = "not:" + tokens[ahead]
        return marked

    def negated(self, before: list[str], phrase: list[str]) -> bool:
        """Whether a negation stands just before a phrase ("not suicidal", "not really
        suicidal") with no breaker next to it ("can not stop crying", "can not keep living
        like this")."""
        words = [*before, phrase[0]]
        for index in range(len(before) - 1, max(len(before) - _NEGATION_REACH, 0) - 1, -1):
            if words[index] in self._negations:
                return not (self._breakers.intersection(words[index + 1:])
                            or (index > 0 and words[index - 1] in self._breakers))
        return False


class SafetyScreen:
    """Finds the safety rule a message calls for.

    Two readers decide. The phrase rules read the message as the curator wrote them; the
    first rule in file order is the most urgent, and when its phrases fire it wins at once
    (a crisis is never argued away). Otherwise, when ``examples`` are given (``(rule id,
    message)`` pairs, and ``(NOT_SAFETY, message)`` for messages that need no safety reply),
    a classifier learned from them reads the message, with the rules whose phrases fired as
    further evidence: the most urgent rule it finds at least as likely as the rule's own
    ``threshold`` (else ``threshold``) wins; failing that, a rule whose phrases fired wins
    unless the classifier finds it very unlikely. Without examples, the first rule that
    fires wins. ``cache`` keeps what the classifier learned between starts.
    """

    def __init__(self, rules: Sequence[SafetyRule], *, lexicon: SafetyLexicon = SafetyLexicon(),
                 examples: Sequence[tuple[str, str]] = (),
                 tokens: Callable[[str], Sequence[str]] = surface_words,
                 threshold: float = 0.5, cache: Cache | None = None) -> None:
        lists: list[list[str]] = []
        self._rules = tuple(_CompiledRule.of(rule, threshold=threshold, lists=lists)
                            for rule in rules)
        self._book = PhraseBook(lists)
        self._lexicon = _Lexicon(lexicon)
        self._tokens = tokens
        self._classifier = learned(lambda: ExampleClassifier.learn(
            ((label, self._features(text, self._fired(text))) for label, text in examples),
            temperature=_TEMPERATURE, min_examples=_MIN_EXAMPLES), cache=cache) if examples else None

    def check(self, text: str) -> str | None:
        """The id of the safety rule ``text`` calls for, or ``None``."""
        fired = self._fired(text)
        if self._classifier is None or (fired and fired[0] == self._rules[0].id):
            return fired[0] if fired else None
        chances = self._classifier.probabilities(self._features(text, fired))
        for rule in self._rules:  # the most urgent rule that is likely enough
            if chances.get(rule.id, 0.0) >= rule.threshold:
                return rule.id
        return next((r for r in fired if chances.get(r, 0.0) >= _VETO), None)

    def _fired(self, text: str) -> list[str]:
        """The rules whose triggers ``text`` holds, in file order."""
        read = [_Sentence(words, self._book.read(words)) for words in (
            self._lexicon.spell(surface_words(part)) for part in sentences(text)) if words]
        return [rule.id for rule in self._rules if self._fires(rule, read)]

    def _features(self, text: str, fired: Sequence[str]) -> frozenset[str]:
        """What the classifier reads: the words and word pairs (those just after a negation
        marked), and which rules' phrases fired."""
        tokens = self._lexicon.mark_negated(list(self._tokens(text)))
        return word_features(tokens) | {f"rule:{r}" for r in fired}

    def _fires(self, rule: _CompiledRule, read: list[_Sentence]) -> bool:
        """Whether some trigger of ``rule`` is there (its ignored phrases aside) and none of
        its ``unless`` triggers."""
        return any(self._hit(trigger, about, read, rule.ignore) for trigger, about in rule.triggers
                   ) and not any(self._hit(t, frozenset(), read, rule.ignore) for t in rule.unless)

    def _hit(self, trigger: _Trigger, about: frozenset[str], read: Sequence[_Sentence],
             ignore: int | None) -> bool:
        """Whether every slot of ``trigger`` is in the sentences ``read``, the first slot's
        phrase about one of the people in ``about`` (if it names any)."""
        first, *rest = trigger
        return self._first_slot(first, about, read, ignore) and all(
            any(s.holds(slot, apart_from=ignore) for s in read) for slot in rest)

    def _first_slot(self, phrases: int, about: frozenset[str], read: Sequence[_Sentence],
                    ignore: int | None) -> bool:
        for sentence in read:
            words = sentence.words
            for place in sentence.holds(phrases, apart_from=ignore):
                if not about:
                    return True
                before, phrase = words[:place.start], words[place.start:place.end]
                after = words[place.end] if place.end < len(words) else None
                if (not self._lexicon.negated(before, phrase)
                        and self._lexicon.about(before, phrase, after) in about):
                    return True
        return False


class ScopeScreen:
    """Spots questions about another field that say nothing of the bot's own."""

    def __init__(self, scope: Scope) -> None:
        self._book = PhraseBook([scope.other_fields, scope.own_field])

    def outside(self, words: Sequence[str]) -> bool:
        """Whether the :func:`surface_words` ``words`` name another field and not the bot's."""
        found = self._book.read(words)
        return 0 in found and 1 not in found
