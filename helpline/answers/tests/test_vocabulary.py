"""Everyday words and misspellings are not names; names and specialist terms are."""

import pytest

from helpline.answers.vocabulary import is_ordinary, zipf


@pytest.mark.parametrize("word,lang", [
    ("proximity", "en"), ("grandkids", "en"), ("ladders", "en"), ("hotel", "en"), ("transfusion", "en"),
    ("supposed", "en"),
    # misspellings of common words, first letter kept
    ("shoud", "en"), ("diffrence", "en"), ("drivng", "en"),
    ("dijeron", "es"), ("entran", "es"), ("nesesito", "es"),
    # Spanglish: a word of the other language is an everyday word too
    ("driving", "es"), ("hospital", "en"),
])
def test_everyday_words_and_their_misspellings_are_ordinary(word, lang):
    assert is_ordinary(word, lang)


@pytest.mark.parametrize("word,lang", [
    ("aetna", "en"), ("talquetamab", "en"), ("teclistamab", "es"), ("ibrutinib", "en"), ("keytruda", "en"),
    ("kettering", "en"), ("allogeneic", "en"),
    ("tocilizumab", "es"),
])
def test_names_and_specialist_terms_are_not(word, lang):
    assert not is_ordinary(word, lang)


def test_frequencies_ship_with_the_package():
    assert zipf("the", "en") > 6
    assert zipf("que", "es") > 6
    assert zipf("talquetamab", "en") == 0.0
