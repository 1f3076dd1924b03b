"""The question matcher: an index built once, then ranked candidates with a confidence.

Each phrasing is a bag of normalised tokens weighted by how distinctive they are (inverse
document frequency over targets; function words weigh little, unknown words a lot). Query
words missing from the vocabulary are mapped to known words by RapidFuzz (typos). A phrasing
scores the weighted geometric mean of two coverages: how much of the question it explains
(recall) and how much of itself the question touches (precision). A target's score blends its
best phrasing's score with how much of the question its phrasings and answer explain together
(its pooled vocabulary). The score is the confidence, in [0, 1].
"""

from __future__ import annotations

import heapq
import math
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

from rapidfuzz import fuzz, process

from bot.normalize import STOPWORDS, Normalizer, stem


def _minor(token: str) -> bool:
    """Function words and bare numbers: they count, but little."""
    return token in STOPWORDS or token.isdigit()


@dataclass(frozen=True)
class Target:
    """Something a question can land on: an FAQ entry or a small-talk intent."""

    id: str
    kind: str
    phrasings: tuple[str, ...]
    background: str = ""  # the answer: its words count for the target as a whole


@dataclass(frozen=True)
class Match:
    """One ranked candidate: the target, the confidence and the phrasing that matched best."""

    id: str
    kind: str
    confidence: float
    phrasing: str


@dataclass(frozen=True)
class Scoring:
    """The matcher's tunable constants (tuned on leave-one-out runs over the knowledge base)."""

    recall_exponent: float = 0.6     # weight of "question explained" against "phrasing touched"
    stopword_weight: float = 0.15
    fuzzy_cutoff: float = 80.0       # RapidFuzz ratio a typo must reach to count
    fuzzy_min_length: int = 4        # shorter words are never fuzzed
    context_weight: float = 0.35     # weight of the previous topic's words in a follow-up
    rerank: int = 32                 # candidates scored in full
    common_share: float = 0.02       # tokens in more phrasings than this share only add evidence
    postings_budget: int = 2000      # ... and so do tokens past this many postings read
    fold_cutoff: float = 88.0        # a rare word this close to a commoner one is its misspelling
    entry_weight: float = 0.4        # share of the score from the target's pooled vocabulary


TYPO_SHAPES_KEPT = 65_536
"""Word shapes (length, first and last letter) whose typo neighbours are remembered."""

_QueryToken = tuple[str, float, dict[str, float]]  # token, weight, {known token: similarity}


_second = operator.itemgetter(1)


def _postings_length(term: tuple[tuple[int, ...], float, str]) -> int:
    return len(term[0])


def _near_lengths(size: int, *, cutoff: float) -> range:
    """The lengths of the words that may reach ``cutoff`` by ``fuzz.ratio`` against a word of
    length ``size``: the ratio is at most ``1 - |a - b| / (a + b)`` for lengths ``a``, ``b``."""
    spread = 1.0 - cutoff / 100.0
    if spread >= 1.0:  # a cutoff of 0: any length
        return range(1, 100 * size + 1)
    return range(math.ceil(size * (1.0 - spread) / (1.0 + spread) - 1e-9),
                 math.floor(size * (1.0 + spread) / (1.0 - spread) + 1e-9) + 1)


def _invert(documents: Iterable[tuple[int, frozenset[str]]]) -> dict[str, tuple[int, ...]]:
    """token -> the ids of the documents holding it."""
    postings: dict[str, list[int]] = {}
    for ident, tokens in documents:
        for token in tokens:
            postings.setdefault(token, []).append(ident)
    return {token: tuple(ids) for token, ids in postings.items()}


@dataclass(frozen=True)
class _Prepared:
    """A query laid out for scoring many token sets quickly."""

    asked: float                                      # total weight of the question
    known: frozenset[str]                             # the known tokens it reaches
    touch: dict[str, float]                           # known token reached -> its weight x similarity
    gain: dict[str, float] | None                     # known token -> question weight it explains,
                                                      # when each serves one query token (else None)
    owners: dict[str, list[tuple[float, int]]]        # known token -> (similarity, query token)
    weights: tuple[float, ...]                        # weight of each query token
    minor_gain: float                                 # weight of the known function words
    minor_touch: float                                # ... and their own weight (and that of
                                                      # known words the question gives no weight)
    stretch: float                                    # most a distinctive known token's own weight
                                                      # exceeds the question weight it serves
    plain: bool                                       # each known token explains just its own
                                                      # weight (one owner each, no context)
    minor: frozenset[str]                             # the known function words
    exponent: float                                   # the recall exponent of the scoring

    @classmethod
    def of(cls, query: Sequence[_QueryToken], weights: dict[str, float], *,
           exponent: float) -> _Prepared:
        asked = 0.0
        gain: dict[str, float] = {}
        minor: set[str] = set()
        plain = True
        for token, weight, near in query:
            asked += weight
            if len(near) > 1:
                plain = False
            for known, similarity in near.items():
                if known in gain or weights[known] != weight:
                    plain = False
                gain[known] = weight * similarity
            if near and _minor(token):
                minor.update(near)
        if not plain:
            return cls._general(query, weights, exponent=exponent)
        minor_gain = sum(map(gain.__getitem__, minor))
        return cls(asked=asked, known=frozenset(gain), touch=gain, gain=gain, owners={},
                   weights=(), minor_gain=minor_gain, minor_touch=minor_gain, stretch=1.0,
                   plain=True, minor=frozenset(minor), exponent=exponent)

    @classmethod
    def _general(cls, query: Sequence[_QueryToken], weights: dict[str, float], *,
                 exponent: float) -> _Prepared:
        touch: dict[str, float] = {}
        gain: dict[str, float] = {}
        owners: dict[str, list[tuple[float, int]]] = {}
        single = True
        minor_gain = minor_touch = 0.0
        stretch = 1.0
        minor_known: set[str] = set()
        for position, (token, weight, near) in enumerate(query):
            minor = _minor(token)
            if minor:
                minor_known.update(near)
            single = single and len(near) <= 1
            for known, similarity in near.items():
                own = weights[known]
                if known in owners:
                    single = False
                    owners[known].append((similarity, position))
                    touch[known] = max(touch[known], own * similarity)
                else:
                    owners[known] = [(similarity, position)]
                    touch[known] = own * similarity
                gain[known] = weight * similarity
                if minor:
                    minor_gain += weight
                    minor_touch += own * similarity
                elif weight > 0.0:
                    stretch = max(stretch, own / weight)
                else:  # a weightless word (a context weight of 0) explains nothing but touches
                    minor_touch += own * similarity
        return cls(asked=sum(weight for _, weight, _ in query), known=frozenset(touch), touch=touch,
                   gain=gain if single else None, owners=owners,
                   weights=tuple(weight for _, weight, _ in query), minor_gain=minor_gain,
                   minor_touch=minor_touch, stretch=stretch,
                   plain=False, minor=frozenset(minor_known), exponent=exponent)

    def explains(self, tokens: frozenset[str]) -> float:
        """The question weight these tokens explain."""
        hit = tokens & self.known
        if self.gain is not None:
            return sum(map(self.gain.__getitem__, hit))
        best: dict[int, float] = {}
        for known in hit:
            for similarity, position in self.owners[known]:
                if similarity > best.get(position, 0.0):
                    best[position] = similarity
        weights = self.weights
        return sum(weights[p] * s for p, s in best.items())

    def score(self, tokens: frozenset[str], total: float) -> float:
        """A phrasing's score: the weighted geometric mean of how much of the question its
        ``tokens`` explain (recall) and how much of their weight ``total`` it touches."""
        explained = self.explains(tokens)
        if explained <= 0.0:
            return 0.0
        touched = explained if self.plain else sum(map(self.touch.__getitem__,
                                                       tokens & self.known))
        return ((explained / self.asked) ** self.exponent) * (min(touched / total, 1.0)
                                                              ** (1.0 - self.exponent))

    def bound(self, found: float, total: float) -> float:
        """The most :meth:`score` can be for a phrasing of own weight ``total`` whose distinctive
        tokens explain at most ``found`` (see :meth:`Matcher._candidates`)."""
        recall = min((found + self.minor_gain) / self.asked, 1.0)
        precision = min((found * self.stretch + self.minor_touch) / total, 1.0)
        return (recall ** self.exponent) * (precision ** (1.0 - self.exponent))


class Matcher:
    """Index once at construction; :meth:`match` ranks targets for one question."""

    def __init__(self, targets: Sequence[Target], *, normalizer: Normalizer,
                 scoring: Scoring = Scoring(), cache_size: int = 4096) -> None:
        """``cache_size``: how many recent questions keep their result (0: none). Questions
        repeat (starter chips, suggestion buttons, "hi"), and a result never changes."""
        self._targets = tuple(targets)
        self._cached = lru_cache(maxsize=cache_size)(self._match)
        self._normalizer = normalizer
        self._scoring = scoring
        surfaces: dict[str, str] = {}  # surface word of a phrasing -> its token
        tokenised = []
        for t, target in enumerate(self._targets):
            for text in target.phrasings:
                words = normalizer.words(text)
                tokens = tuple(map(stem, words))
                surfaces.update(zip(words, tokens, strict=True))
                tokenised.append((t, text, tokens))
        fold = self._typo_folds(tokenised)
        # Phrasings, flat: the target, text, token set and total weight of each.
        self._target_of = tuple(t for t, _, _ in tokenised)
        self._texts = tuple(text for _, text, _ in tokenised)
        self._tokens = tuple(frozenset(map(fold.get, tokens, tokens)) for _, _, tokens in tokenised)
        background = [frozenset(normalizer.tokens(t.background)) for t in self._targets]
        in_answers = frozenset().union(*background)
        pooled: list[set[str]] = [set(tokens) for tokens in background]
        for t, tokens in zip(self._target_of, self._tokens, strict=True):
            pooled[t] |= tokens
        self._pooled = tuple(frozenset(p) for p in pooled)
        seen_in = Counter(chain.from_iterable(self._pooled))  # token -> targets holding it
        n = max(len(self._targets), 1)
        minor = frozenset(filter(_minor, seen_in))
        self._weights = {
            token: scoring.stopword_weight if token in minor else math.log(1.0 + n / count)
            for token, count in seen_in.items()
        }
        self._unknown_weight = math.log(1.0 + 2.0 * n)
        weight = self._weights.__getitem__
        self._totals = tuple(sum(map(weight, tokens)) or 1.0 for tokens in self._tokens)
        self._postings = _invert(enumerate(self._tokens))
        # Among phrasings with equal partial scores, the shorter (the question covers more of it)
        # ranks first: each starts from a tiny amount that shrinks with its total weight.
        self._tiebreak = tuple(1e-9 / total for total in self._totals)
        self._function_word_phrasings = tuple(
            index for index, tokens in enumerate(self._tokens) if tokens <= minor)
        # Typos are looked up, as typed (a typo keeps a word's shape better than its stem),
        # among the words of the phrasings whose token is established (in several phrasings or
        # an answer: not the base's own one-off misspellings) and the synonyms' variants.
        lookup: dict[str, tuple[str, ...]] = {}
        for word, token in surfaces.items():
            token = fold.get(token, token)
            established = len(self._postings.get(token, ())) > 1 or token in in_answers
            if established and len(word) >= scoring.fuzzy_min_length and not _minor(token):
                lookup[word] = (token,)
        for variant, canonical in normalizer.variant_tokens().items():
            known = tuple(k for k in canonical if k in self._postings)
            if known and len(variant) >= scoring.fuzzy_min_length:
                lookup.setdefault(variant, known)
        self._fuzzy_lookup = lookup
        self._by_ends: dict[tuple[int, str], list[str]] = {}  # (length, first or -last letter)
        for word in lookup:
            self._by_ends.setdefault((len(word), word[0]), []).append(word)
            self._by_ends.setdefault((len(word), "-" + word[-1]), []).append(word)
        self._neighbours = lru_cache(maxsize=TYPO_SHAPES_KEPT)(self._words_of_shape)
        self._common = max(int(scoring.common_share * len(self._tokens)), 2 * scoring.rerank)

    @property
    def targets(self) -> tuple[Target, ...]:
        return self._targets

    def match(self, text: str, *, context: str | None = None, limit: int = 5) -> tuple[Match, ...]:
        """Targets ranked by confidence for ``text``; ``context`` is the previous topic, if any."""
        return self._cached(text, context, limit)

    def _match(self, text: str, context: str | None, limit: int) -> tuple[Match, ...]:
        query = self._query(text, factor=1.0)
        if context:
            seen = {token for token, _, _ in query}
            query += [q for q in self._query(context, factor=self._scoring.context_weight)
                      if q[0] not in seen]
        if not query:
            return ()
        prepared = _Prepared.of(query, self._weights, exponent=self._scoring.recall_exponent)
        if prepared.asked <= 0.0:
            return ()
        best: dict[int, float] = {}   # target -> its best phrasing's score
        where: dict[int, int] = {}    # target -> that phrasing
        target_of, totals, tokens = self._target_of, self._totals, self._tokens
        candidates = self._candidates(query)
        if prepared.plain:  # what a phrasing explains is what it touches: its partial score
            asked, minor, gain = prepared.asked, prepared.minor, prepared.gain  # plus function words
            a = prepared.exponent
            for index, found in candidates:
                hit = tokens[index] & minor
                explained = found + sum(map(gain.__getitem__, hit)) if hit else found
                score = (explained / asked) ** a * min(explained / totals[index], 1.0) ** (1.0 - a)
                target = target_of[index]
                if score > best.get(target, 0.0):
                    best[target] = score
                    where[target] = index
        else:
            bound, score_of = prepared.bound, prepared.score
            for index, found in candidates:  # best first: most of the rest are skipped
                target = target_of[index]
                held = best.get(target)
                if held is not None and held >= bound(found, totals[index]):
                    continue
                score = score_of(tokens[index], totals[index])
                if score > (held or 0.0):
                    best[target] = score
                    where[target] = index
        share = self._scoring.entry_weight
        if share:
            explains, asked = prepared.explains, prepared.asked
            best = {t: (1.0 - share) * score + share * explains(self._pooled[t]) / asked
                    for t, score in best.items()}
        ranked = sorted(best.items(), key=_second, reverse=True)[:limit]
        return tuple(
            Match(self._targets[t].id, self._targets[t].kind, round(score, 4),
                  self._texts[where[t]])
            for t, score in ranked
        )

    def knows_all(self, text: str) -> bool:
        """Whether every distinctive word of ``text`` is known (or a typo of a known word)."""
        return all(near or _minor(token)
                   for token, _, near in self._query(text, factor=1.0))

    # -- internals -------------------------------------------------------------------------------
    def _query(self, text: str, *, factor: float) -> list[_QueryToken]:
        """(token, weight, {known token: similarity}) for each distinct token of ``text``."""
        words = self._normalizer.words(text)
        surface = dict(zip((stem(w) for w in words), words, strict=True))  # token -> the word typed
        unique = list(surface)
        fuzzy = self._fuzzy({t: surface[t] for t in unique if t not in self._weights})
        query = []
        for token in unique:
            if token in self._weights:
                query.append((token, self._weights[token] * factor, {token: 1.0}))
            elif _minor(token):
                query.append((token, self._scoring.stopword_weight * factor, {}))
            else:
                near = fuzzy.get(token, {})
                weight = max((self._weights[k] for k in near), default=self._unknown_weight)
                query.append((token, weight * factor, near))
        return query

    def _fuzzy(self, unknown: dict[str, str]) -> dict[str, dict[str, float]]:
        """Up to three known tokens close to each unknown token's word (typos), by RapidFuzz."""
        near: dict[str, dict[str, float]] = {}
        cutoff = self._scoring.fuzzy_cutoff
        for token, word in unknown.items():
            if len(word) < self._scoring.fuzzy_min_length or _minor(token):
                continue
            found: dict[str, float] = {}
            for key, score, _ in process.extract(word, self._typo_neighbours(word),
                                                 scorer=fuzz.ratio, processor=None,
                                                 score_cutoff=cutoff, limit=3):
                for known in self._fuzzy_lookup[key]:
                    found[known] = max(found.get(known, 0.0), score / 100.0)
            if found:
                near[token] = found
        return near

    def _typo_neighbours(self, word: str) -> tuple[str, ...]:
        """The known words ``word`` may be a typo of: those of near length (:func:`_near_lengths`)
        sharing its first letter or its last (a typo rarely spoils both ends of a word)."""
        return self._neighbours(len(word), word[0], word[-1])

    def _words_of_shape(self, size: int, first: str, last: str) -> tuple[str, ...]:
        sizes = _near_lengths(size, cutoff=self._scoring.fuzzy_cutoff)
        return tuple(dict.fromkeys(
            known for other in sizes for end in (first, "-" + last)
            for known in self._by_ends.get((other, end), ())))

    def _candidates(self, query: Sequence[_QueryToken]) -> list[tuple[int, float]]:
        """Phrasings sharing a distinctive token with the query, with their partial scores,
        best first. A partial score is the sum of weight x similarity over the query's
        distinctive (token, known token) pairs the phrasing holds (at least the question weight
        those explain), plus a vanishing share that ranks shorter phrasings first among equals.

        Tokens are taken rarest first. Once a token is common (in a large share of all
        phrasings) or the postings read reach a budget, later tokens only add to the
        phrasings already found (so every partial score is complete): the cost of a question
        stays bounded at any size.
        """
        postings_of = self._postings
        terms = [(postings_of.get(known, ()), weight * similarity, known)
                 for token, weight, near in query if near and not _minor(token)
                 for known, similarity in near.items()]
        terms.sort(key=_postings_length)
        partial: dict[int, float] = {}
        read = 0
        tokens = self._tokens
        tiebreak = self._tiebreak
        budget = self._scoring.postings_budget
        for postings, gain, known in terms:
            if not partial or (len(postings) <= self._common and read + len(postings) <= budget):
                # even the rarest word is everywhere: its first `budget` phrasings stand for all
                postings = postings[: budget - read]
                read += len(postings)
                for index in postings:
                    partial[index] = partial.get(index, tiebreak[index]) + gain
            elif len(postings) < len(partial):
                for index in postings:
                    if index in partial:
                        partial[index] += gain
            else:
                for index in partial:
                    if known in tokens[index]:
                        partial[index] += gain
        rerank = self._scoring.rerank
        if not partial:  # only function words ("what can you do"): phrasings made of them alone
            asked = {token: weight for token, weight, _ in query}
            for index in self._function_word_phrasings:
                gain = sum(asked.get(t, 0.0) for t in self._tokens[index])
                if gain:
                    partial[index] = gain + tiebreak[index]
            return [(index, 0.0) for index in heapq.nlargest(rerank, partial, key=partial.get)]
        return sorted(partial.items(), key=_second, reverse=True)[:rerank]

    def _typo_folds(self, tokenised: Sequence[tuple[int, str, tuple[str, ...]]]) -> dict[str, str]:
        """Words used once in the phrasings that misspell a commoner word ("palliatve")."""
        counts: dict[str, int] = {}
        for _, _, tokens in tokenised:
            for token in set(tokens):
                counts[token] = counts.get(token, 0) + 1
        common: dict[int, list[str]] = {}  # length -> the tokens used more than once
        for k, c in counts.items():
            if c > 1 and not _minor(k):
                common.setdefault(len(k), []).append(k)
        cutoff = self._scoring.fold_cutoff
        folds = {}
        for token, count in counts.items():
            if count == 1 and len(token) >= 5 and not _minor(token):
                near = [k for size in _near_lengths(len(token), cutoff=cutoff)
                        for k in common.get(size, ())]
                hit = process.extractOne(token, near, scorer=fuzz.ratio, processor=None,
                                         score_cutoff=cutoff)
                if hit is not None and hit[0][0] == token[0]:
                    folds[token] = hit[0]
        return folds
