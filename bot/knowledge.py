"""Load the curated knowledge base into frozen dataclasses, with errors a curator can act on.

A knowledge base is a folder in the project's YAML format (see ``knowledge/README.md``) or a
single JSON file of the shape ``faqbot export`` prints. Every structural mistake is reported
as ``file: entry 'id': field 'name': what is wrong``, never as a traceback; so is every link
that is malformed or not on the allowlist (``links.yaml``): a base with one does not load.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.links import ALLOWLIST_FILE, address_problem, canonical, link_problems

DEFAULT_KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
DEFAULT_FALLBACK = (
    "Sorry, I don't know that one. Could you try asking it another way?"
)


@dataclass(frozen=True)
class Synonym:
    """A canonical phrase and the variants that stand for it."""

    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """One FAQ entry: a canonical question, other phrasings, and the curated answer."""

    id: str
    question: str
    alternates: tuple[str, ...]
    answer: str
    sources: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    origin: str = ""

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.alternates)


@dataclass(frozen=True)
class Intent:
    """Small talk (greeting, thanks, ...): phrasings and a fixed reply."""

    id: str
    phrasings: tuple[str, ...]
    reply: str
    suggestions: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True)
class SafetyRule:
    """A safety reply and the triggers that call for it (each trigger: slots of phrases)."""

    id: str
    reply: str
    triggers: tuple[tuple[tuple[str, ...], ...], ...]
    unless: tuple[tuple[tuple[str, ...], ...], ...] = ()
    ignore: tuple[tuple[tuple[str, ...], ...], ...] = ()
    sources: tuple[str, ...] = ()
    about: tuple[str, ...] = ()        # whom the first slot's phrase must be about (empty: anyone)
    signs: tuple[tuple[tuple[str, ...], ...], ...] = ()  # triggers that count whoever they name
    examples: tuple[str, ...] = ()     # messages that call for this reply, in users' words
    suggestions: tuple[str, ...] = ()  # entry ids offered under the reply
    threshold: float | None = None     # how likely its examples must find a message (None: policy's)
    origin: str = ""


@dataclass(frozen=True)
class SafetyLexicon:
    """The words the safety screen reads a message with (see ``knowledge/safety.yaml``)."""

    people: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (group, words naming such a person)
    negations: tuple[str, ...] = ()  # words that cancel a phrase just after them
    negation_breakers: tuple[str, ...] = ()  # ... unless one of these comes between
    prepositions: tuple[str, ...] = ()   # a person word after one of these is not the subject
    determiners: tuple[str, ...] = ()    # ... nor after one of these after one of those
    typos: tuple[str, ...] = ()      # words whose misspellings are read as the word


@dataclass(frozen=True)
class Support:
    """A gentle line put before the fallback when a message shows distress in passing."""

    reply: str = ""
    signals: tuple[tuple[tuple[str, ...], ...], ...] = ()  # triggers that show it, about the writer


@dataclass(frozen=True)
class Fallback:
    """What the bot says when it does not know, and three questions it offers instead."""

    reply: str = DEFAULT_FALLBACK
    suggestions: tuple[str, ...] = ()
    phrasings: tuple[str, ...] = ()  # examples of what the bot does not cover


@dataclass(frozen=True)
class Prompts:
    """What the bot says around its replies: a "did you mean" and a declined choice.

    ``help`` is said to an empty message only when the base has no ``help`` intent.
    """

    clarify: str = "I'm not quite sure what you're asking. Did you mean:"
    choose: str = "Reply with a number, or ask another way."
    rephrase: str = "No problem. Could you ask it another way?"
    help: str = "Ask me a question in your own words."


@dataclass(frozen=True)
class Scope:
    """Other fields the bot does not cover, and words naming its own field.

    A question naming another field and nothing of its own is answered with the fallback.
    """

    own_field: tuple[str, ...] = ()
    other_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the bot can say, as loaded and validated."""

    entries: tuple[Entry, ...]
    intents: tuple[Intent, ...] = ()
    safety: tuple[SafetyRule, ...] = ()
    lexicon: SafetyLexicon = field(default_factory=SafetyLexicon)
    not_safety: tuple[str, ...] = ()  # example messages that call for no safety reply
    support: Support = field(default_factory=Support)
    fallback: Fallback = field(default_factory=Fallback)
    starters: tuple[str, ...] = ()
    synonyms: tuple[Synonym, ...] = ()
    abbreviations: tuple[Synonym, ...] = ()
    scope: Scope = field(default_factory=Scope)
    links: tuple[str, ...] = ()  # the addresses content may link to
    prompts: Prompts = field(default_factory=Prompts)
    version: str = ""
    origin: str = ""

    def entry(self, entry_id: str) -> Entry | None:
        return self._entries_by_id.get(entry_id)

    @cached_property
    def _entries_by_id(self) -> Mapping[str, Entry]:
        return {e.id: e for e in self.entries}


class KnowledgeError(Exception):
    """The knowledge base cannot be loaded; ``problems`` lists every reason found."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


_PROMPTS = tuple(f.name for f in fields(Prompts))
EXAMPLES_FILE = "safety-examples.yaml"
"""Beside safety.yaml: the messages that teach the safety screen, under each rule's id."""
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")

def _faq_files(root: Path) -> list[Path]:
    return sorted((root / "faq").glob("*.yaml")) if (root / "faq").is_dir() else []


def load_knowledge(path: str | Path | None = None) -> KnowledgeBase:
    """Load a knowledge folder or an export-shaped JSON file (default: the shipped one)."""
    path = Path(path) if path is not None else DEFAULT_KNOWLEDGE
    if path.is_dir():
        return _Loader(path).folder()
    if path.is_file():
        return _Loader(path).export_json()
    raise KnowledgeError([f"{path}: no such knowledge folder or JSON file"])


class _Loader:
    """Collects problems while reading, and raises them all at once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.digest = hashlib.sha256()

    # -- reading -----------------------------------------------------------------------------
    def folder(self) -> KnowledgeBase:
        faq_files = _faq_files(self.root)
        if not faq_files:
            self.problems.append(f"{self.root / 'faq'}: no FAQ files (*.yaml) found")
        entries: list[Entry] = []
        for path in faq_files:
            data = self._read_yaml(path, required=True)
            entries.extend(self._entries(data, path, key="entries"))
        conversation = self._read_yaml(self.root / "conversation.yaml", required=False)
        safety = self._read_yaml(self.root / "safety.yaml", required=False)
        examples = self._read_yaml(self.root / EXAMPLES_FILE, required=False)
        synonyms = self._read_yaml(self.root / "synonyms.yaml", required=False)
        scope = self._read_yaml(self.root / "scope.yaml", required=False)
        links = self._read_yaml(self.root / ALLOWLIST_FILE, required=False)
        conv_file = str(self.root / "conversation.yaml")
        return self._finish(
            entries=entries,
            intents=self._intents(conversation, conv_file),
            safety=self._with_examples(self._safety(safety, str(self.root / "safety.yaml")),
                                       examples, str(self.root / EXAMPLES_FILE)),
            lexicon=self._lexicon(safety, str(self.root / "safety.yaml")),
            not_safety=self._texts(examples, "not_safety", str(self.root / EXAMPLES_FILE),
                                   required=False),
            support=self._support(safety, str(self.root / "safety.yaml")),
            fallback=self._fallback(conversation, conv_file),
            prompts=self._prompts(conversation, conv_file),
            starters=self._id_list(conversation, "starters", conv_file, "starters"),
            synonyms=self._synonyms(synonyms, "synonyms"),
            abbreviations=self._synonyms(synonyms, "abbreviations"),
            scope=self._scope(scope, str(self.root / "scope.yaml")),
            links=self._links(links, str(self.root / ALLOWLIST_FILE)),
        )

    def export_json(self) -> KnowledgeBase:
        try:
            raw = self.root.read_bytes()
            data = json.loads(raw)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise KnowledgeError([f"{self.root}: not a readable JSON file ({exc})"]) from None
        self.digest.update(raw)
        where = str(self.root)
        if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
            raise KnowledgeError([f"{where}: expected an object with an 'entries' list"])
        return self._finish(
            entries=list(self._entries(data, self.root, key="entries")),
            intents=self._intents(data, where),
            safety=self._safety(data, where),
            lexicon=self._lexicon(data, where),
            not_safety=self._texts(data, "not_safety", where, required=False),
            support=self._support(data, where),
            fallback=self._fallback(data, where),
            prompts=self._prompts(data, where),
            starters=self._id_list(data, "starters", where, "starters"),
            synonyms=self._synonyms(data, "synonyms"),
            abbreviations=self._synonyms(data, "abbreviations"),
            scope=self._scope(data.get("scope", {}), where),
            links=self._links(data, where),
        )

    def _read_yaml(self, path: Path, *, required: bool) -> Any:
        if not path.exists():
            if required:
                self.problems.append(f"{path}: file is missing")
            return {}
        import yaml  # here, not at the top: an export JSON needs no YAML

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's where the wheel has it
        try:
            raw = path.read_bytes()
            self.digest.update(path.name.encode() + b"\0" + raw)
            data = yaml.load(raw, Loader=loader)
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.append(f"{path}: cannot be read ({exc})")
            return {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append(f"{path}: invalid YAML{where}: {reason}")
            return {}
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.problems.append(f"{path}: expected a mapping at the top of the file")
            return {}
        return data

    # -- pieces ------------------------------------------------------------------------------
    def _items(self, data: Any, key: str, where: str) -> Iterator[tuple[int, dict[str, Any]]]:
        items = data.get(key, []) if isinstance(data, dict) else []
        if not isinstance(items, list):
            self.problems.append(f"{where}: '{key}' must be a list")
            return
        for index, item in enumerate(items, start=1):
            if isinstance(item, dict):
                yield index, item
            else:
                self.problems.append(f"{where}: {key} item {index}: expected a mapping")

    def _entries(self, data: Any, path: Path, *, key: str) -> Iterator[Entry]:
        where = str(path)
        for index, item in self._items(data, key, where):
            label = self._label(item, where, index)
            yield Entry(
                id=self._id(item, label),
                question=self._text(item, "question", label),
                alternates=self._texts(item, "alternates", label, required=False),
                answer=self._text(item, "answer", label),
                sources=self._texts(item, "sources", label, required=False),
                related=self._texts(item, "related", label, required=False),
                origin=where,
            )

    def _intents(self, data: Any, where: str) -> tuple[Intent, ...]:
        intents = []
        for index, item in self._items(data, "intents", where):
            label = self._label(item, where, index, kind="intent")
            intents.append(Intent(
                id=self._id(item, label),
                phrasings=self._texts(item, "phrasings", label, required=True),
                reply=self._text(item, "reply", label),
                suggestions=self._texts(item, "suggestions", label, required=False),
                origin=where,
            ))
        return tuple(intents)

    def _safety(self, data: Any, where: str) -> tuple[SafetyRule, ...]:
        rules = []
        for index, item in self._items(data, "safety", where):
            label = self._label(item, where, index, kind="safety rule")
            rules.append(SafetyRule(
                id=self._id(item, label),
                reply=self._text(item, "reply", label),
                triggers=self._triggers(item, "triggers", label, required=True),
                unless=self._triggers(item, "unless", label, required=False),
                ignore=self._triggers(item, "ignore", label, required=False),
                sources=self._texts(item, "sources", label, required=False),
                about=self._texts(item, "about", label, required=False),
                signs=self._triggers(item, "signs", label, required=False),
                examples=self._texts(item, "examples", label, required=False),
                suggestions=self._texts(item, "suggestions", label, required=False),
                threshold=self._share(item, "threshold", label),
                origin=where,
            ))
        return tuple(rules)

    def _share(self, item: dict[str, Any], name: str, label: str) -> float | None:
        value = item.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
            self.problems.append(f"{label}: field '{name}' must be a number above 0 and at most 1")
            return None
        return float(value)

    def _with_examples(self, rules: tuple[SafetyRule, ...], data: Any,
                       where: str) -> tuple[SafetyRule, ...]:
        """The rules with the examples listed under their ids in the examples file."""
        known = {rule.id for rule in rules} | {"not_safety"}
        for key in data:
            if key not in known:
                self.problems.append(f"{where}: '{key}' is not a safety id (known: "
                                     f"{', '.join(sorted(known))})")
        return tuple(replace(rule, examples=rule.examples + self._texts(
            data, rule.id, f"{where}: {rule.id}", required=False)) for rule in rules)

    def _lexicon(self, data: Any, where: str) -> SafetyLexicon:
        if not isinstance(data, dict):
            return SafetyLexicon()
        people = data.get("people", {})
        if not isinstance(people, dict):
            self.problems.append(f"{where}: 'people' must be a mapping of group: [words]")
            people = {}
        label = f"{where}: people"
        return SafetyLexicon(
            people=tuple((str(group), self._words(people, group, label)) for group in people),
            negations=self._words(data, "negations", where),
            negation_breakers=self._words(data, "negation_breakers", where),
            prepositions=self._words(data, "prepositions", where),
            determiners=self._words(data, "determiners", where),
            typos=self._words(data, "typos", where),
        )

    def _words(self, data: dict[str, Any], key: str, label: str) -> tuple[str, ...]:
        """Single words, lowercased, as the screen compares them with a message's words."""
        words = []
        for text in self._texts(data, key, label, required=False):
            if not _WORD.fullmatch(text):
                self.problems.append(f"{label}: field '{key}': '{text}' must be a single word")
            else:
                words.append(text.casefold())
        return tuple(words)

    def _support(self, data: Any, where: str) -> Support:
        item = data.get("support") if isinstance(data, dict) else None
        if item is None:
            return Support()
        if not isinstance(item, dict):
            self.problems.append(f"{where}: 'support' must be a mapping with 'reply' and 'signals'")
            return Support()
        label = f"{where}: support"
        return Support(reply=self._text(item, "reply", label),
                       signals=self._triggers(item, "signals", label, required=True))

    def _fallback(self, data: Any, where: str) -> Fallback:
        item = data.get("fallback") if isinstance(data, dict) else None
        if item is None:
            return Fallback()
        if not isinstance(item, dict):
            self.problems.append(f"{where}: 'fallback' must be a mapping with 'reply'")
            return Fallback()
        label = f"{where}: fallback"
        return Fallback(
            reply=self._text(item, "reply", label),
            suggestions=self._texts(item, "suggestions", label, required=False),
            phrasings=self._texts(item, "phrasings", label, required=False),
        )

    def _prompts(self, data: Any, where: str) -> Prompts:
        item = data.get("prompts") if isinstance(data, dict) else None
        if item is None:
            return Prompts()
        if not isinstance(item, dict):
            self.problems.append(f"{where}: 'prompts' must be a mapping")
            return Prompts()
        label = f"{where}: prompts"
        return Prompts(**{name: self._text(item, name, label) for name in _PROMPTS if name in item})

    def _scope(self, data: Any, where: str) -> Scope:
        if not isinstance(data, dict):
            self.problems.append(f"{where}: 'scope' must be a mapping")
            return Scope()
        label = f"{where}: scope"
        return Scope(own_field=self._texts(data, "own_field", label, required=False),
                     other_fields=self._texts(data, "other_fields", label, required=False))

    def _links(self, data: Any, where: str) -> tuple[str, ...]:
        addresses = self._id_list(data, "links", where, "links")
        for number, address in enumerate(addresses, start=1):
            problem = address_problem(address)
            if problem:
                self.problems.append(f"{where}: links item {number}: '{address}' {problem}")
        return addresses

    def _id_list(self, data: Any, key: str, where: str, label: str) -> tuple[str, ...]:
        if not isinstance(data, dict) or key not in data:
            return ()
        return self._texts(data, key, f"{where}: {label}", required=False)

    def _synonyms(self, data: Any, key: str) -> tuple[Synonym, ...]:
        where = str(self.root / "synonyms.yaml") if self.root.is_dir() else str(self.root)
        table = []
        for index, item in self._items(data, key, where):
            label = f"{where}: {key} item {index}"
            table.append(Synonym(
                canonical=self._text(item, "canonical", label),
                variants=self._texts(item, "variants", label, required=True),
            ))
        return tuple(table)

    def _triggers(self, item: dict[str, Any], name: str, label: str, *,
                  required: bool) -> tuple[tuple[tuple[str, ...], ...], ...]:
        raw = item.get(name)
        if raw is None:
            if required:
                self.problems.append(f"{label}: field '{name}' is missing")
            return ()
        if not isinstance(raw, list) or (required and not raw):
            self.problems.append(f"{label}: field '{name}' must be a non-empty list")
            return ()
        triggers = []
        for number, trigger in enumerate(raw, start=1):
            slots = [trigger] if isinstance(trigger, str) else trigger
            if not isinstance(slots, list) or not slots or not all(
                isinstance(s, str) and s.strip() for s in slots
            ):
                self.problems.append(
                    f"{label}: field '{name}' item {number}: expected a phrase or a list of "
                    "phrases ('a | b | c')"
                )
                continue
            triggers.append(tuple(
                tuple(p.strip() for p in slot.split("|") if p.strip()) for slot in slots
            ))
        return tuple(triggers)

    # -- fields ------------------------------------------------------------------------------
    @staticmethod
    def _label(item: dict[str, Any], where: str, index: int, *, kind: str = "entry") -> str:
        ident = item.get("id")
        return f"{where}: {kind} '{ident}'" if isinstance(ident, str) else f"{where}: {kind} {index}"

    def _id(self, item: dict[str, Any], label: str) -> str:
        ident = item.get("id")
        if not isinstance(ident, str) or not ID_PATTERN.match(ident):
            self.problems.append(
                f"{label}: field 'id' must be lowercase letters, digits and dashes"
                + ("" if ident is not None else " (it is missing)")
            )
            return str(ident)
        return ident

    def _text(self, item: dict[str, Any], name: str, label: str) -> str:
        value = item.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            state = "is missing" if value is None else "must be non-empty text"
            self.problems.append(f"{label}: field '{name}' {state}")
            return ""
        return value.strip()

    def _texts(self, item: dict[str, Any], name: str, label: str, *,
               required: bool) -> tuple[str, ...]:
        value = item.get(name)
        if value is None:
            if required:
                self.problems.append(f"{label}: field '{name}' is missing")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.problems.append(f"{label}: field '{name}' must be a list of text")
            return ()
        texts = []
        for number, text in enumerate(value, start=1):
            if isinstance(text, (int, float)) and not isinstance(text, bool):
                text = str(text)
            if not isinstance(text, str) or not text.strip():
                self.problems.append(f"{label}: field '{name}' item {number} must be non-empty text")
            else:
                texts.append(text.strip())
        return tuple(texts)

    # -- whole ---------------------------------------------------------------------------------
    def _finish(self, **parts: Any) -> KnowledgeBase:
        parts = {k: tuple(v) if isinstance(v, list) else v for k, v in parts.items()}
        kb = KnowledgeBase(**parts, version=self.digest.hexdigest()[:12], origin=str(self.root))
        self._check_references(kb)
        self._check_links(kb)
        if self.problems:
            raise KnowledgeError(self.problems)
        return kb

    def _check_references(self, kb: KnowledgeBase) -> None:
        self._check_ids(kb)
        if not kb.entries:
            self.problems.append(f"{self.root}: the knowledge base has no entries")
        entry_ids = {e.id for e in kb.entries}
        for entry in kb.entries:
            self._check_known(entry_ids, entry.related,
                              f"{entry.origin}: entry '{entry.id}': field 'related' names unknown entry")
        for intent in kb.intents:
            self._check_known(entry_ids, intent.suggestions,
                              f"{intent.origin}: intent '{intent.id}': field 'suggestions' "
                              "names unknown entry")
        for rule in kb.safety:
            self._check_known(entry_ids, rule.suggestions,
                              f"{rule.origin}: safety rule '{rule.id}': field 'suggestions' "
                              "names unknown entry")
        self._check_about(kb)
        self._check_known(entry_ids, kb.fallback.suggestions,
                          f"{self.root}: fallback suggestions: unknown entry")
        self._check_known(entry_ids, kb.starters, f"{self.root}: starters: unknown entry")

    def _check_ids(self, kb: KnowledgeBase) -> None:
        """Ids are unique across entries, intents and safety rules."""
        seen: dict[str, str] = {}
        named = [(e.id, e.origin, "entry") for e in kb.entries]
        named += [(i.id, i.origin, "intent") for i in kb.intents]
        named += [(r.id, r.origin, "safety rule") for r in kb.safety]
        for ident, origin, kind in named:
            if ident in seen:
                self.problems.append(
                    f"{origin}: {kind} '{ident}': field 'id' repeats an id already used in {seen[ident]}"
                )
            seen.setdefault(ident, origin)

    def _check_known(self, entry_ids: set[str], refs: tuple[str, ...], problem: str) -> None:
        """One ``problem 'ref'`` for each of ``refs`` that names no entry."""
        self.problems += [f"{problem} '{ref}'" for ref in refs if ref not in entry_ids]

    def _check_about(self, kb: KnowledgeBase) -> None:
        """Each group a safety rule is ``about`` is one of the lexicon's ``people``."""
        groups = {group for group, _ in kb.lexicon.people}
        for rule in kb.safety:
            self.problems += [
                f"{rule.origin}: safety rule '{rule.id}': field 'about' names unknown group "
                f"'{group}' (known: {', '.join(sorted(groups))})"
                for group in rule.about if group not in groups]

    def _check_links(self, kb: KnowledgeBase) -> None:
        """Every link in what the bot says is well formed and on the allowlist."""
        texts = [(f"{e.origin}: entry '{e.id}'", "'answer'", e.answer) for e in kb.entries]
        texts += [(f"{e.origin}: entry '{e.id}'", f"'sources' item {n}", s)
                  for e in kb.entries for n, s in enumerate(e.sources, start=1)]
        texts += [(f"{i.origin}: intent '{i.id}'", "'reply'", i.reply) for i in kb.intents]
        texts += [(f"{r.origin}: safety rule '{r.id}'", "'reply'", r.reply) for r in kb.safety]
        texts += [(f"{r.origin}: safety rule '{r.id}'", f"'sources' item {n}", s)
                  for r in kb.safety for n, s in enumerate(r.sources, start=1)]
        conversation = self.root / "conversation.yaml" if self.root.is_dir() else self.root
        texts.append((f"{conversation}: fallback", "'reply'", kb.fallback.reply))
        allowed = frozenset(map(canonical, kb.links))
        for label, name, text in texts:
            for problem in link_problems(text, allowed=allowed):
                self.problems.append(f"{label}: field {name}: {problem}")

def to_export(kb: KnowledgeBase) -> dict[str, Any]:
    """``kb`` in the export shape: the JSON :func:`load_knowledge` reads back to the same base."""

    def triggers(rule_triggers: tuple[tuple[tuple[str, ...], ...], ...]) -> list[list[str]]:
        return [[" | ".join(slot) for slot in trigger] for trigger in rule_triggers]

    def synonyms(table: tuple[Synonym, ...]) -> list[dict[str, Any]]:
        return [{"canonical": s.canonical, "variants": list(s.variants)} for s in table]

    return {
        "entries": [
            {"id": e.id, "question": e.question, "alternates": list(e.alternates),
             "answer": e.answer, "sources": list(e.sources), "related": list(e.related)}
            for e in kb.entries
        ],
        "intents": [
            {"id": i.id, "phrasings": list(i.phrasings), "reply": i.reply,
             "suggestions": list(i.suggestions)}
            for i in kb.intents
        ],
        "safety": [
            {"id": r.id, "reply": r.reply, "sources": list(r.sources), "about": list(r.about),
             "triggers": triggers(r.triggers), "signs": triggers(r.signs),
             "unless": triggers(r.unless), "ignore": triggers(r.ignore),
             "examples": list(r.examples), "suggestions": list(r.suggestions),
             **({"threshold": r.threshold} if r.threshold is not None else {})}
            for r in kb.safety
        ],
        "not_safety": list(kb.not_safety),
        "people": {group: list(words) for group, words in kb.lexicon.people},
        "negations": list(kb.lexicon.negations),
        "negation_breakers": list(kb.lexicon.negation_breakers),
        "prepositions": list(kb.lexicon.prepositions),
        "determiners": list(kb.lexicon.determiners),
        "typos": list(kb.lexicon.typos),
        **({"support": {"reply": kb.support.reply, "signals": triggers(kb.support.signals)}}
           if kb.support.signals else {}),
        "fallback": {"reply": kb.fallback.reply, "suggestions": list(kb.fallback.suggestions),
                     "phrasings": list(kb.fallback.phrasings)},
        "prompts": asdict(kb.prompts),
        "starters": list(kb.starters),
        "synonyms": synonyms(kb.synonyms),
        "abbreviations": synonyms(kb.abbreviations),
        "scope": {"own_field": list(kb.scope.own_field),
                  "other_fields": list(kb.scope.other_fields)},
        "links": list(kb.links),
    }
