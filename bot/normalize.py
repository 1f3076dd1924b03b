"""One normalisation for the index and the query alike.

NFKC, abbreviations (case-sensitive), case folding, contractions, punctuation, the
synonyms table, then Snowball stems. Both the knowledge base and every question go
through :meth:`Normalizer.tokens`, so they meet on the same ground.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

import Stemmer

from bot.knowledge import Synonym

_STEMMER = Stemmer.Stemmer("english")

# Written the way people type them, with or without the apostrophe.
_CONTRACTIONS: Mapping[str, str] = {
    "can't": "can not", "cant": "can not", "won't": "will not", "wont": "will not",
    "shan't": "shall not", "ain't": "is not", "let's": "let us",
    "i'm": "i am", "im": "i am", "i've": "i have", "ive": "i have", "i'll": "i will",
    "i'd": "i would", "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "havent": "have not",
    "shouldnt": "should not", "wouldnt": "would not", "couldnt": "could not", "werent": "were not",
    "hasnt": "has not", "hadnt": "had not", "theyre": "they are", "youve": "you have",
    "weve": "we have", "theyve": "they have", "youll": "you will", "itll": "it will",
    "whats": "what", "wat": "what", "wut": "what", "wheres": "where", "hows": "how", "whos": "who",
    "thats": "that", "theres": "there", "youre": "you are", "shes": "she is", "hes": "he is",
    "u": "you", "ur": "your",
    "r": "are", "pls": "please", "plz": "please", "thx": "thanks", "ty": "thank you",
    "w/": "with", "b/c": "because", "yrs": "years", "yr": "year", "mos": "months",
}
_SUFFIX_CONTRACTIONS = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"),
                        ("'d", " would"), ("'m", " am"), ("'s", ""))

_APOSTROPHES = ("\u2019", "\u2018", "`", "\u00b4")
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_WORD_OR_SLASHED = re.compile(r"w/|b/c|[^\W_]+(?:'[^\W_]+)*")  # "w/" (with), "b/c" (because)
_HASHTAG = re.compile(r"(?<![\w&])#([^\W\d_])")  # "#hapc" -> "hashtag hapc"

# Function words: they count, but little, whatever their frequency in a small base.
STOPWORDS = frozenset(
    """
    a an the of to in on at for from by with about as and or but if so than then too very is are
    am be been being was were do does did done doing have has had having will would shall should
    can could may might must i me my mine we us our you your it its this that these those there
    here their they them he she his her him any some just also really please tell know want
    wanna need get got thing things something anything lot lots kind sort like into out up one
    ones not no yes ok okay hey what
    """.split()
)


def is_stopword(term: str) -> bool:
    """Function words and bare numbers: they count, but little."""
    return term in STOPWORDS or term.isdigit()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of one lowercase word, cached."""
    return _STEMMER.stemWord(word)


def _expand(word: str) -> str:
    """Expand contractions, stacked ones too ("shouldn't've" -> "should not have")."""
    if word in _CONTRACTIONS:
        return _CONTRACTIONS[word]
    if "'" not in word:
        return word
    for suffix, replacement in _SUFFIX_CONTRACTIONS:
        if word.endswith(suffix) and len(word) > len(suffix):
            return _expand(word[: -len(suffix)]) + replacement
    return word


def surface_words(text: str) -> list[str]:
    """Lowercase words of ``text``: NFKC, casefolded, contractions expanded, punctuation gone."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for apostrophe in _APOSTROPHES:
        if apostrophe in text:
            text = text.replace(apostrophe, "'")
    if "#" in text:
        text = _HASHTAG.sub(r"hashtag \1", text)
    found = (_WORD_OR_SLASHED if "/" in text else _WORD).findall(text)
    if "'" not in text and _CONTRACTIONS.keys().isdisjoint(found):
        return found
    words: list[str] = []
    for word in found:
        if "'" in word or word in _CONTRACTIONS:
            words.extend(_expand(word).split())
        else:
            words.append(word)
    return words


class Normalizer:
    """Turns any text into the tokens the matcher compares."""

    def __init__(self, *, synonyms: Iterable[Synonym] = (),
                 abbreviations: Iterable[Synonym] = ()) -> None:
        self._abbreviations = _Abbreviations(abbreviations)
        self._synonyms = _WordTable(synonyms)

    def words(self, text: str) -> list[str]:
        """Surface words after abbreviations and synonyms, before stemming."""
        text = self._abbreviations.replace(unicodedata.normalize("NFKC", text))
        return self._synonyms.replace(surface_words(text))

    def variant_tokens(self) -> dict[str, tuple[str, ...]]:
        """Each one-word synonym variant, as typed, and the tokens it stands for.

        The matcher looks typos up among these too ("telehelth" is close to "telehealth").
        """
        return {
            variant[0]: tuple(stem(w) for w in canonical)
            for variant, canonical in self._synonyms.canonical.items()
            if len(variant) == 1
        }

    def tokens(self, text: str) -> tuple[str, ...]:
        """The stemmed tokens of ``text``, in order, repeats kept."""
        return tuple(map(stem, self.words(text)))

    def text(self, text: str) -> str:
        """The normalised form of ``text`` as one string."""
        return " ".join(self.tokens(text))


class _WordTable:
    """Synonyms on surface words: the longest variant starting at each word is replaced."""

    def __init__(self, table: Iterable[Synonym]) -> None:
        self.canonical: dict[tuple[str, ...], tuple[str, ...]] = {}
        for synonym in table:
            target = tuple(surface_words(synonym.canonical))
            for variant in synonym.variants:
                key = tuple(surface_words(variant))
                if key:
                    self.canonical[key] = target
        self._openers: dict[str, tuple[int, ...]] = {}  # first word -> variant lengths, longest first
        for key in self.canonical:
            self._openers[key[0]] = tuple(sorted({*self._openers.get(key[0], ()), len(key)},
                                                 reverse=True))

    def replace(self, words: list[str]) -> list[str]:
        """Replace variants until none is left ("academia center" -> "academic center" ->
        "academic"), so normalising twice gives what normalising once gave."""
        for _ in range(4):
            if self._openers.keys().isdisjoint(words):
                return words
            replaced = self._replace_once(words)
            if replaced == words:
                return words
            words = replaced
        return words

    def _replace_once(self, words: list[str]) -> list[str]:
        out: list[str] = []
        done = 0  # the words before this one are settled
        for start, word in enumerate(words):
            if start < done or word not in self._openers:
                continue
            for n in self._openers[word]:
                target = self.canonical.get(tuple(words[start:start + n]))
                if target is not None:
                    out += words[done:start]
                    out += target
                    done = start + n
                    break
        out += words[done:]
        return out


class _Abbreviations:
    """Abbreviations matched with their exact capitals in the raw text ("IM", not "im")."""

    def __init__(self, table: Iterable[Synonym]) -> None:
        self._canonical = {v: s.canonical for s in table for v in s.variants if v}
        alternatives = "|".join(re.escape(k) for k in sorted(self._canonical, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![\w#])(?:{alternatives})(?!\w)") if alternatives else None

    def replace(self, text: str) -> str:
        if self._pattern is None or not any(k in text for k in self._canonical):
            return text
        return self._pattern.sub(lambda m: self._canonical[m.group(0)], text)
