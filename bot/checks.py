"""Quality checks on a loaded knowledge base, beyond what loading itself rejects."""

from __future__ import annotations

from bot.engine import Bot
from bot.knowledge import KnowledgeBase
from bot.normalize import Normalizer

MIN_ALTERNATES = 6
"""Fewer other phrasings than this leave an entry hard to find."""
NEAR_DUPLICATE = 0.9
"""A phrasing that scores this close to another entry cannot be told apart from it."""


def check_knowledge(knowledge: KnowledgeBase) -> list[str]:
    """Problems a curator should fix: each names the file, the entry and the field."""
    problems: list[str] = []
    normalizer = Normalizer(synonyms=knowledge.synonyms, abbreviations=knowledge.abbreviations)
    owners: dict[str, tuple[str, str, str]] = {}
    for entry in knowledge.entries:
        if len(entry.alternates) < MIN_ALTERNATES:
            problems.append(f"{entry.origin}: entry '{entry.id}': field 'alternates' has "
                            f"{len(entry.alternates)}; at least {MIN_ALTERNATES} are needed")
        if not entry.sources:
            problems.append(f"{entry.origin}: entry '{entry.id}': field 'sources' is empty")
        for phrasing in entry.phrasings:
            key = normalizer.text(phrasing)
            owner = owners.setdefault(key, (entry.id, entry.origin, phrasing))
            if owner[0] != entry.id:
                problems.append(
                    f"{entry.origin}: entry '{entry.id}': phrasing '{phrasing}' reads the same as "
                    f"'{owner[2]}' in entry '{owner[0]}' ({owner[1]})"
                )
    matcher = Bot(knowledge, cache_size=0).matcher  # the very index the bot answers from
    for entry in knowledge.entries:
        for phrasing in entry.phrasings:
            for match in matcher.match(phrasing, limit=3):
                if match.kind == "entry" and match.id != entry.id and match.confidence >= NEAR_DUPLICATE:
                    if normalizer.text(phrasing) == normalizer.text(match.phrasing):
                        continue  # already reported as the same text
                    problems.append(
                        f"{entry.origin}: entry '{entry.id}': phrasing '{phrasing}' is almost the "
                        f"same as '{match.phrasing}' in entry '{match.id}' "
                        f"(confidence {match.confidence:.2f}); reword one of them"
                    )
    return problems
