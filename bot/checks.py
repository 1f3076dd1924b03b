"""Quality checks on a loaded knowledge base, beyond what loading itself rejects."""

from __future__ import annotations

from pathlib import Path

from bot.engine import Bot, TargetKind
from bot.knowledge import EXAMPLES_FILE, KnowledgeBase
from bot.normalize import Normalizer

MIN_ALTERNATES = 6
"""Fewer other phrasings than this leave an entry hard to find."""
NEAR_DUPLICATE = 0.9
"""A phrasing that scores this close to another entry cannot be told apart from it."""


def check_knowledge(knowledge: KnowledgeBase) -> list[str]:
    """Problems a curator should fix: each names the file, the entry and the field."""
    normalizer = Normalizer(synonyms=knowledge.synonyms, abbreviations=knowledge.abbreviations)
    return [*_entry_problems(knowledge, normalizer), *_safety_examples_apart(knowledge, normalizer),
            *_near_duplicates(knowledge, normalizer)]


def _entry_problems(knowledge: KnowledgeBase, normalizer: Normalizer) -> list[str]:
    """Too few alternates, no sources, a phrasing that reads the same as another entry's."""
    problems: list[str] = []
    owners: dict[str, tuple[str, str, str]] = {}
    for entry in knowledge.entries:
        if len(entry.alternates) < MIN_ALTERNATES:
            problems.append(f"{entry.origin}: entry '{entry.id}': field 'alternates' has "
                            f"{len(entry.alternates)}; at least {MIN_ALTERNATES} are needed")
        if not entry.sources:
            problems.append(f"{entry.origin}: entry '{entry.id}': field 'sources' is empty")
        for phrasing in entry.phrasings:
            owner = owners.setdefault(normalizer.text(phrasing), (entry.id, entry.origin, phrasing))
            if owner[0] != entry.id:
                problems.append(
                    f"{entry.origin}: entry '{entry.id}': phrasing '{phrasing}' reads the same as "
                    f"'{owner[2]}' in entry '{owner[0]}' ({owner[1]})"
                )
    return problems


def _near_duplicates(knowledge: KnowledgeBase, normalizer: Normalizer) -> list[str]:
    """Phrasings the matcher can hardly tell from another entry's (same texts aside)."""
    problems: list[str] = []
    matcher = Bot(knowledge, cache_size=0).matcher  # the very index the bot answers from
    for entry in knowledge.entries:
        for phrasing in entry.phrasings:
            for match in matcher.match(phrasing, limit=3):
                if (match.kind != TargetKind.ENTRY or match.id == entry.id
                        or match.confidence < NEAR_DUPLICATE
                        or normalizer.text(phrasing) == normalizer.text(match.phrasing)):
                    continue
                problems.append(
                    f"{entry.origin}: entry '{entry.id}': phrasing '{phrasing}' is almost the "
                    f"same as '{match.phrasing}' in entry '{match.id}' "
                    f"(confidence {match.confidence:.2f}); reword one of them"
                )
    return problems


def _safety_examples_apart(knowledge: KnowledgeBase, normalizer: Normalizer) -> list[str]:
    """A safety example that reads the same as an FAQ phrasing (or as an example of a
    message needing no safety reply, or of another rule) teaches the screen two opposite
    things."""
    others = {normalizer.text(p): f"a phrasing of entry '{e.id}'" for e in knowledge.entries
              for p in e.phrasings}
    others.update((normalizer.text(p), f"a phrasing of intent '{i.id}'") for i in knowledge.intents
                  for p in i.phrasings)
    others.update((normalizer.text(p), "one of the fallback's phrasings")
                  for p in knowledge.fallback.phrasings)
    others.update((normalizer.text(p), "an example under not_safety") for p in knowledge.not_safety)
    problems = []
    for rule in knowledge.safety:
        where = _examples_file(rule.origin)
        for example in rule.examples:
            mine = f"an example of safety rule '{rule.id}'"
            owner = others.setdefault(normalizer.text(example), mine)
            if owner != mine:
                problems.append(f"{where}: {rule.id}: example '{example}' reads the same as "
                                f"{owner}; a message cannot be both")
    return problems


def _examples_file(origin: str) -> str:
    """Where a rule's examples are written: beside its safety.yaml, or in its export JSON."""
    path = Path(origin)
    return str(path.with_name(EXAMPLES_FILE)) if path.suffix == ".yaml" else origin
