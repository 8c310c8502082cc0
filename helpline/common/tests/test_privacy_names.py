"""Scrubber gaps found by the outside probe (issue 14, finding 7): names, lowercase
street addresses, slash-separated phone numbers; medical text stays."""

from __future__ import annotations

import pytest

from helpline.common.privacy import scrub


@pytest.mark.parametrize("text, gone", [
    ("i live at 45 maple st", "45 maple"),
    ("come to 12 oak ave apt 3", "12 oak"),
    ("my house is 9 main rd.", "9 main"),
    ("call 612/345/678", "612/345/678"),
    ("555/123/4567 after 5", "555/123/4567"),
    ("mi número 55/1234/5678", "55/1234/5678"),
    ("My name is Ana Lopez and I have a fever", "Ana Lopez"),
    ("hi, I'm Tom. my dad had CAR T", "Tom"),
    ("Me llamo María José y tengo fiebre", "María José"),
    ("mi nombre es Lucía Fernández", "Lucía Fernández"),
    ("soy Ana, la hija de un paciente", "Ana"),
    ("my husband Robert has a fever", "Robert"),
    ("mi esposo se llama Jorge", "Jorge"),
    ("Mrs. Garcia said so", "Garcia"),
])
def test_personal_data_is_masked(text, gone):
    assert gone not in scrub(text), scrub(text)


@pytest.mark.parametrize("text", [
    "fever of 38.5 °C on day 14 after CAR T",
    "had 2 chest ct scans and 3 enlarged ln",
    "I am CAR-T patient, grade 3 CRS",
    "I'm scared about CD19",
    "Soy paciente de linfoma",
])
def test_medical_text_stays(text):
    assert scrub(text) == text
