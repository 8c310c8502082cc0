"""Is a word an ordinary word of the language, or a name?

A question that names something the articles never mention (an insurer, a hospital,
another drug) is not answered by them, however close the passages look. A question
that only uses an everyday word the articles happen not to use ("proximity",
"grandkids", "ladders") may well be. The content alone cannot tell the two apart, so
this module asks general word frequencies: ``wordfreq``'s "small" lists, which ship
inside the package (no download) and hold the words used at least once per million
words in English and in Spanish.

A word is *ordinary* when it is on either list (people mix the two languages), or when
it is a misspelling of a common word of the question's language: one letter added,
left out, changed, or two swapped, keeping the first letter ("shoud", "diffrence"). Everything else counts as a
name or a specialist term.
"""

from __future__ import annotations

import functools

LANGS = ("en", "es")
# A word this frequent (Zipf scale: log10 of uses per billion words) is an everyday
# word; a misspelling is read as one only of a word at least this common.
MISSPELLING_OF_ZIPF = 3.5
_LETTERS = "abcdefghijklmnopqrstuvwxyzñ"


@functools.cache
def _zipf_table(lang: str) -> dict[str, float]:
    """Every word on the small list with its Zipf frequency (loaded once, about 30,000 words)."""
    import math

    from wordfreq import get_frequency_dict

    from .lang import strip_accents

    table: dict[str, float] = {}
    for word, freq in get_frequency_dict(lang, wordlist="small").items():
        if freq <= 0:
            continue
        zipf = math.log10(freq) + 9
        key = strip_accents(word.lower())
        if zipf > table.get(key, 0.0):
            table[key] = zipf
    return table


def zipf(word: str, lang: str) -> float:
    """How common ``word`` is in ``lang`` (0.0 when it is not on the list)."""
    return _zipf_table(lang).get(word, 0.0)


def _edits1(word: str):
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    for left, right in splits:
        if right:
            yield left + right[1:]  # a letter left out
            for c in _LETTERS:
                yield left + c + right[1:]  # a letter changed
        if len(right) > 1:
            yield left + right[1] + right[0] + right[2:]  # two swapped
        for c in _LETTERS:
            yield left + c + right  # a letter added


@functools.lru_cache(maxsize=4096)
def is_ordinary(word: str, lang: str) -> bool:
    """True for an everyday word of either language or a misspelling of a common word of
    ``lang``; False for a name or a specialist term (``word`` lower-case, without accents)."""
    if any(zipf(word, other) > 0 for other in LANGS):
        return True
    if len(word) < 4:
        return True  # too short to tell a misspelling from a name: not evidence either way
    table = _zipf_table(lang if lang in LANGS else "en")
    # People rarely get the first letter wrong; a name one letter away from a common word
    # usually differs there ("farber", "barber").
    return any(candidate[:1] == word[:1] and table.get(candidate, 0.0) >= MISSPELLING_OF_ZIPF
               for candidate in _edits1(word))
