"""The question matcher: an index built once, then ranked targets with a confidence.

In the words of information retrieval: a *target* is what a question can land on (an FAQ
entry, an intent); each of its phrasings is a *document*, whose *terms* are its normalised,
stemmed words. A term's *weight* is its inverse document frequency over targets (a target's
terms are those of its documents and of its answer): ``log(1 + targets / targets holding
it)``; stopwords (function words, bare numbers) weigh ``Scoring.stopword_weight``. A
document's *length* is the sum of its terms' weights.

A question becomes a *query*: for each distinct term, its weight and the known terms it
reaches, each with a similarity (1 for the term itself; for a word missing from the
vocabulary, the known words it may misspell, see :mod:`bot.typos`, and the weight of the
heaviest, or ``log(1 + 2 * targets)`` when it reaches none). A follow-up's context adds its
own terms at ``Scoring.context_weight`` times their weight.

The score, written plainly in :func:`reference_scores`, with ``w`` a query term's weight,
``s`` a similarity, ``idf`` a known term's weight, ``a = Scoring.recall_exponent`` and
``b = Scoring.entry_weight``::

    recall(D)    = sum over query terms q of  w(q) * max over k in D of s(q, k),  / sum of w(q)
    precision(D) = min(1, sum over k in D of  idf(k) * max over q of s(q, k),  / length(D))
    score(D)     = recall(D) ** a  *  precision(D) ** (1 - a)
    score(T)     = (1 - b) * max over documents D of T of score(D)  +  b * recall(terms of T)

A document competes when it shares a distinctive (not stopword) known term with the query,
or, when none does, when it is made of stopwords alone. The score is the confidence, in
[0, 1].

:class:`Matcher` computes the same numbers faster. Candidates come from the postings (the
documents holding a term), rarest term first, reading a bounded number of postings; only the
``Scoring.rerank`` best by a partial score are scored in full, best first, and a document
whose upper bound cannot beat its target's best so far is skipped. A test holds it to
:func:`reference_scores` through this module's public names.
"""

from __future__ import annotations

import heapq
import math
import operator
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from bot.normalize import Normalizer, is_stopword, stem
from bot.typos import TypoIndex, typo_folds


@dataclass(frozen=True)
class Target:
    """Something a question can land on: an FAQ entry or a small-talk intent."""

    id: str
    kind: str
    phrasings: tuple[str, ...]
    background: str = ""  # the answer: its words count for the target as a whole


@dataclass(frozen=True)
class Match:
    """One ranked target: its confidence, and the phrasing that matched best."""

    id: str
    kind: str
    confidence: float
    phrasing: str


@dataclass(frozen=True)
class Scoring:
    """The matcher's tunable constants (tuned on k-fold runs over the knowledge base)."""

    recall_exponent: float = 0.6     # weight of recall against precision
    stopword_weight: float = 0.15
    fuzzy_cutoff: float = 80.0       # RapidFuzz ratio a typo must reach to count
    fuzzy_min_length: int = 4        # shorter words are never taken for typos
    context_weight: float = 0.35     # weight of the previous topic's terms in a follow-up
    rerank: int = 32                 # candidates scored in full
    common_share: float = 0.02       # terms in more documents than this share only add evidence
    postings_budget: int = 2000      # ... and so do terms past this many postings read
    fold_cutoff: float = 88.0        # a one-off term this close to a commoner one misspells it
    entry_weight: float = 0.4        # share of the score from the target's terms together


class QueryTerm(NamedTuple):
    """One distinct term of a question, its weight, and the known terms it reaches."""

    term: str
    weight: float
    known: dict[str, float]  # known term -> similarity in [0, 1]


Query = tuple[QueryTerm, ...]


@dataclass(frozen=True)
class Index:
    """Everything :class:`Matcher` reads, built once by :func:`build_index`.

    Documents are numbered; ``document_*`` hold, for each, its target (a position in
    ``targets``), its text, its terms and its length.
    """

    targets: tuple[Target, ...]
    document_target: tuple[int, ...]
    document_text: tuple[str, ...]
    document_terms: tuple[frozenset[str], ...]
    document_length: tuple[float, ...]
    target_terms: tuple[frozenset[str], ...]   # of its documents and its answer
    idf: dict[str, float]                      # known term -> weight
    unknown_weight: float                      # the weight of a word reaching no known term
    postings: dict[str, tuple[int, ...]]       # known term -> the documents holding it
    document_tiebreak: tuple[float, ...]       # see TIEBREAK
    stopword_documents: tuple[int, ...]        # documents made of stopwords alone
    typos: TypoIndex


TIEBREAK = 1e-9
"""Each document's partial score starts from this over its length: among equal partial scores,
the document the question covers more of comes first."""


# -- the index -------------------------------------------------------------------------------------
def build_index(targets: Sequence[Target], *, normalizer: Normalizer, scoring: Scoring) -> Index:
    """Tokenise every phrasing, fold the base's own misspellings, weigh terms, invert."""
    targets = tuple(targets)
    document_target, texts, words, raw_terms = _tokenise(targets, normalizer)
    folds = typo_folds(raw_terms, cutoff=scoring.fold_cutoff)
    terms = tuple(frozenset(map(folds.get, t, t)) for t in raw_terms)
    answers = [frozenset(normalizer.tokens(t.background)) for t in targets]
    target_terms = _pool(answers, document_target, terms)
    idf = _idf(target_terms, stopword_weight=scoring.stopword_weight)
    postings = _invert(terms)
    typo_words = _typo_words(words, raw_terms, folds=folds, postings=postings,
                             in_answers=frozenset().union(*answers), normalizer=normalizer,
                             min_length=scoring.fuzzy_min_length)
    lengths = tuple(sum(map(idf.__getitem__, t)) or 1.0 for t in terms)
    return Index(
        targets=targets,
        document_target=document_target,
        document_text=texts,
        document_terms=terms,
        document_length=lengths,
        target_terms=target_terms,
        idf=idf,
        unknown_weight=math.log(1.0 + 2.0 * max(len(targets), 1)),
        postings=postings,
        document_tiebreak=tuple(TIEBREAK / length for length in lengths),
        stopword_documents=tuple(d for d, t in enumerate(terms) if all(map(is_stopword, t))),
        typos=TypoIndex(typo_words, cutoff=scoring.fuzzy_cutoff,
                        min_length=scoring.fuzzy_min_length),
    )


def _tokenise(targets: Sequence[Target], normalizer: Normalizer) -> tuple[
        tuple[int, ...], tuple[str, ...], tuple[tuple[str, ...], ...], tuple[tuple[str, ...], ...]]:
    """Each phrasing as a document: its target, text, surface words and their terms."""
    document_target, texts, words, terms = [], [], [], []
    for t, target in enumerate(targets):
        for text in target.phrasings:
            surface = normalizer.words(text)
            document_target.append(t)
            texts.append(text)
            words.append(tuple(surface))
            terms.append(tuple(map(stem, surface)))
    return tuple(document_target), tuple(texts), tuple(words), tuple(terms)


def _pool(answers: Sequence[frozenset[str]], document_target: Sequence[int],
          terms: Sequence[frozenset[str]]) -> tuple[frozenset[str], ...]:
    """Each target's terms: its answer's and its documents'."""
    pooled = [set(answer) for answer in answers]
    for target, document in zip(document_target, terms, strict=True):
        pooled[target] |= document
    return tuple(frozenset(p) for p in pooled)


def _idf(target_terms: Sequence[frozenset[str]], *, stopword_weight: float) -> dict[str, float]:
    """Each term's weight: its inverse document frequency over targets (stopwords: a fixed one)."""
    targets_holding = Counter(term for terms in target_terms for term in terms)
    n = max(len(target_terms), 1)
    return {term: stopword_weight if is_stopword(term) else math.log(1.0 + n / count)
            for term, count in targets_holding.items()}


def _invert(terms: Sequence[frozenset[str]]) -> dict[str, tuple[int, ...]]:
    """term -> the documents holding it, in order."""
    postings: dict[str, list[int]] = {}
    for document, held in enumerate(terms):
        for term in held:
            postings.setdefault(term, []).append(document)
    return {term: tuple(documents) for term, documents in postings.items()}


def _typo_words(words: Sequence[tuple[str, ...]], terms: Sequence[tuple[str, ...]], *,
                folds: dict[str, str], postings: dict[str, tuple[int, ...]],
                in_answers: frozenset[str], normalizer: Normalizer,
                min_length: int) -> dict[str, tuple[str, ...]]:
    """The words a typo may be read as, as typed, with the terms each stands for: the words of
    the phrasings whose term is established (in several documents or an answer, so not the
    base's own one-off misspellings), and the synonyms' one-word variants."""
    term_of: dict[str, str] = {}
    for document_words, document_terms in zip(words, terms, strict=True):
        term_of.update(zip(document_words, document_terms, strict=True))
    lookup: dict[str, tuple[str, ...]] = {}
    for word, term in term_of.items():
        term = folds.get(term, term)
        established = len(postings.get(term, ())) > 1 or term in in_answers
        if established and len(word) >= min_length and not is_stopword(term):
            lookup[word] = (term,)
    for variant, canonical in normalizer.variant_tokens().items():
        known = tuple(k for k in canonical if k in postings)
        if known and len(variant) >= min_length:
            lookup.setdefault(variant, known)
    return lookup


# -- the reference ---------------------------------------------------------------------------------
def reference_scores(index: Index, query: Query, *, scoring: Scoring) -> dict[str, float]:
    """Every competing target's score, computed as the module's docstring defines it."""
    asked = sum(q.weight for q in query)
    if asked <= 0.0:
        return {}

    def recall(terms: frozenset[str]) -> float:
        return sum(q.weight * max((s for k, s in q.known.items() if k in terms), default=0.0)
                   for q in query) / asked

    def precision(document: int) -> float:
        terms = index.document_terms[document]
        touched = sum(index.idf[k] * max(q.known.get(k, 0.0) for q in query) for k in terms)
        return min(touched / index.document_length[document], 1.0)

    distinctive = {k for q in query if not is_stopword(q.term) for k in q.known}
    competing = [d for d, terms in enumerate(index.document_terms) if terms & distinctive]
    if not competing:
        asked_terms = {q.term for q in query if q.weight > 0.0}
        competing = [d for d in index.stopword_documents if index.document_terms[d] & asked_terms]
    a, b = scoring.recall_exponent, scoring.entry_weight
    best: dict[int, float] = {}
    for document in competing:
        score = recall(index.document_terms[document]) ** a * precision(document) ** (1.0 - a)
        target = index.document_target[document]
        best[target] = max(best.get(target, 0.0), score)
    return {index.targets[t].id: (1.0 - b) * score + b * recall(index.target_terms[t])
            for t, score in best.items() if score > 0.0}


# -- the fast scorer --------------------------------------------------------------------------------
class _Scorer:
    """A query laid out to score many documents quickly: :func:`reference_scores`' numbers."""

    def __init__(self, query: Query, idf: dict[str, float], *, exponent: float) -> None:
        self.exponent = exponent
        self.asked = 0.0
        self._weights: list[float] = []        # of each query term, by position
        self._touch: dict[str, float] = {}     # known term -> idf x its best similarity
        self._owners: dict[str, list[tuple[float, int]]] = {}  # -> (similarity, query position)
        explains: dict[str, float] = {}        # known term -> the question weight it explains
        single = True                          # each known term serves one query term
        # A document's score is at most recall ** a * precision ** (1 - a) with, when its
        # distinctive terms explain ``found`` of the question's weight,
        #   recall    <= (found + bound_recall) / asked
        #   precision <= (found * stretch + bound_touch) / length
        self._bound_recall = self._bound_touch = 0.0
        self._stretch = 1.0
        for position, (term, weight, known_terms) in enumerate(query):
            self.asked += weight
            self._weights.append(weight)
            stopword = is_stopword(term)
            single = single and len(known_terms) <= 1
            for known, similarity in known_terms.items():
                own = idf[known] * similarity
                if known in self._owners:
                    single = False
                    self._owners[known].append((similarity, position))
                    self._touch[known] = max(self._touch[known], own)
                else:
                    self._owners[known] = [(similarity, position)]
                    self._touch[known] = own
                explains[known] = weight * similarity
                if stopword:
                    self._bound_recall += weight
                    self._bound_touch += own
                elif weight > 0.0:
                    self._stretch = max(self._stretch, idf[known] / weight)
                else:  # a weightless term (a context weight of 0) explains nothing but touches
                    self._bound_touch += own
        self.known = frozenset(self._touch)
        self._explained = explains.__getitem__ if single else None

    def explains(self, terms: frozenset[str]) -> float:
        """The question weight these terms explain (recall, before dividing by ``asked``)."""
        return self._explained_by(terms & self.known)

    def _explained_by(self, hit: frozenset[str]) -> float:
        if self._explained is not None:
            return sum(map(self._explained, hit))
        best: dict[int, float] = {}
        for known in hit:
            for similarity, position in self._owners[known]:
                if similarity > best.get(position, 0.0):
                    best[position] = similarity
        return sum(self._weights[p] * s for p, s in best.items())

    def best_documents(self, candidates: Iterable[tuple[int, float]], index: Index
                       ) -> tuple[dict[int, float], dict[int, int]]:
        """Each target's best score among the ``candidates`` (documents and their partial
        scores, best first), and the document that has it. A document whose :meth:`bound`
        cannot beat its target's best so far is skipped (most are)."""
        best: dict[int, float] = {}
        where: dict[int, int] = {}
        a, b, asked, known = self.exponent, 1.0 - self.exponent, self.asked, self.known
        touch, explained_by, single = self._touch.__getitem__, self._explained_by, self._explained
        bound_recall, bound_touch, stretch = self._bound_recall, self._bound_touch, self._stretch
        target_of, terms, lengths = index.document_target, index.document_terms, index.document_length
        for document, found in candidates:
            target, length = target_of[document], lengths[document]
            held = best.get(target)
            if held is not None and held >= (min((found + bound_recall) / asked, 1.0) ** a
                                             * min((found * stretch + bound_touch) / length, 1.0) ** b):
                continue
            hit = terms[document] & known
            explained = sum(map(single, hit)) if single is not None else explained_by(hit)
            if explained <= 0.0:
                continue
            score = (explained / asked) ** a * min(sum(map(touch, hit)) / length, 1.0) ** b
            if score > (held or 0.0):
                best[target] = score
                where[target] = document
        return best, where


_second = operator.itemgetter(1)


def _postings_length(term: tuple[tuple[int, ...], float]) -> int:
    return len(term[0])


class Matcher:
    """Index once at construction; :meth:`match` ranks targets for one question."""

    def __init__(self, targets: Sequence[Target], *, normalizer: Normalizer,
                 scoring: Scoring = Scoring(), cache_size: int = 4096) -> None:
        """``cache_size``: how many recent questions keep their result (0: none). Questions
        repeat (starter chips, suggestion buttons, "hi"), and a result never changes."""
        self._normalizer = normalizer
        self._scoring = scoring
        self.index = build_index(targets, normalizer=normalizer, scoring=scoring)
        self._common = max(int(scoring.common_share * len(self.index.document_terms)),
                           2 * scoring.rerank)
        self._cached = lru_cache(maxsize=cache_size)(self._match)

    @property
    def targets(self) -> tuple[Target, ...]:
        return self.index.targets

    def match(self, text: str, *, context: str | None = None, limit: int = 5) -> tuple[Match, ...]:
        """Targets ranked by confidence for ``text``; ``context`` is the previous topic, if any."""
        return self._cached(text, context, limit)

    def query(self, text: str, *, context: str | None = None) -> Query:
        """The query for ``text``, with ``context``'s other terms at the context weight."""
        query = self._query_terms(text, factor=1.0)
        if context:
            seen = {q.term for q in query}
            query += [q for q in self._query_terms(context, factor=self._scoring.context_weight)
                      if q.term not in seen]
        return tuple(query)

    def knows_all(self, text: str) -> bool:
        """Whether every distinctive word of ``text`` is known (or a typo of a known word)."""
        return all(q.known or is_stopword(q.term) for q in self._query_terms(text, factor=1.0))

    # -- internals -------------------------------------------------------------------------------
    def _match(self, text: str, context: str | None, limit: int) -> tuple[Match, ...]:
        query = self.query(text, context=context)
        scorer = _Scorer(query, self.index.idf, exponent=self._scoring.recall_exponent)
        if scorer.asked <= 0.0:
            return ()
        best, where = scorer.best_documents(self._candidates(query), self.index)
        share = self._scoring.entry_weight
        if share:
            target_terms = self.index.target_terms
            explains, asked = scorer.explains, scorer.asked
            best = {t: (1.0 - share) * score + share * explains(target_terms[t]) / asked
                    for t, score in best.items()}
        ranked = sorted(best.items(), key=_second, reverse=True)[:limit]
        targets, texts = self.index.targets, self.index.document_text
        return tuple(Match(targets[t].id, targets[t].kind, round(score, 4), texts[where[t]])
                     for t, score in ranked)

    def _query_terms(self, text: str, *, factor: float) -> list[QueryTerm]:
        """Each distinct term of ``text``, weighted by ``factor``."""
        words = self._normalizer.words(text)
        typed = dict(zip((stem(w) for w in words), words, strict=True))  # term -> the word typed
        idf = self.index.idf
        query = []
        for term, word in typed.items():
            if term in idf:
                query.append(QueryTerm(term, idf[term] * factor, {term: 1.0}))
            elif is_stopword(term):
                query.append(QueryTerm(term, self._scoring.stopword_weight * factor, {}))
            else:
                near = self.index.typos.near(word)
                weight = max((idf[k] for k in near), default=self.index.unknown_weight)
                query.append(QueryTerm(term, weight * factor, near))
        return query

    def _candidates(self, query: Query) -> list[tuple[int, float]]:
        """Documents sharing a distinctive known term with the query, best first by a partial
        score: the sum of weight x similarity over the query's distinctive (term, known term)
        pairs the document holds (at least the question weight those explain), plus its
        tiebreak.

        Terms are taken rarest first. Once a term is common (in a large share of all
        documents) or the postings read reach a budget, later terms only add to the documents
        already found (so every partial score is complete): the cost of a question stays
        bounded at any size.
        """
        postings_of = self.index.postings
        terms = sorted(((postings_of.get(known, ()), q.weight * similarity, known)
                        for q in query if q.known and not is_stopword(q.term)
                        for known, similarity in q.known.items()), key=_postings_length)
        partial: dict[int, float] = {}
        read = 0
        for postings, gain, known in terms:
            if not partial or (len(postings) <= self._common
                               and read + len(postings) <= self._scoring.postings_budget):
                read += self._gather(partial, postings[: self._scoring.postings_budget - read], gain)
            else:
                self._add_evidence(partial, postings, known, gain)
        if not partial:  # only stopwords ("what can you do")
            return self._stopword_candidates(query)
        return sorted(partial.items(), key=_second, reverse=True)[: self._scoring.rerank]

    def _gather(self, partial: dict[int, float], postings: tuple[int, ...], gain: float) -> int:
        """Add ``gain`` to each document of ``postings``, found or new; returns how many."""
        tiebreak = self.index.document_tiebreak
        for document in postings:
            partial[document] = partial.get(document, tiebreak[document]) + gain
        return len(postings)

    def _add_evidence(self, partial: dict[int, float], postings: tuple[int, ...], known: str,
                      gain: float) -> None:
        """Add ``gain`` to the documents already found that hold ``known``."""
        if len(postings) < len(partial):
            for document in postings:
                if document in partial:
                    partial[document] += gain
        else:
            terms = self.index.document_terms
            for document in partial:
                if known in terms[document]:
                    partial[document] += gain

    def _stopword_candidates(self, query: Query) -> list[tuple[int, float]]:
        """For a query of stopwords only: the documents made of stopwords alone that share
        one, best first."""
        asked = {q.term: q.weight for q in query}
        terms, tiebreak = self.index.document_terms, self.index.document_tiebreak
        partial = {}
        for document in self.index.stopword_documents:
            gain = sum(asked.get(t, 0.0) for t in terms[document])
            if gain:
                partial[document] = gain + tiebreak[document]
        return [(d, 0.0) for d in heapq.nlargest(self._scoring.rerank, partial, key=partial.get)]
