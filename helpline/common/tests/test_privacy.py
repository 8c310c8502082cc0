"""scrub(): personal data masked in English and Spanish; medical numbers kept."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from helpline.common.privacy import TAGS, luhn_valid, scrub


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # phones: US/Canada
        ("Call me at (555) 123-4567 tomorrow", "Call me at [phone] tomorrow"),
        ("my cell 555-123-4567", "my cell [phone]"),
        ("555.123.4567", "[phone]"),
        ("5551234567 after 5pm", "[phone] after 5pm"),
        ("+1 555 123 4567", "[phone]"),
        ("1-202-555-0143", "[phone]"),
        ("local 555-0143 only", "local [phone] only"),
        # phones: Spain, Mexico, international
        ("mi número es +34 612 345 678", "mi número es [phone]"),
        ("llámame al 612 34 56 78", "llámame al [phone]"),
        ("fijo 91 123 45 67", "fijo [phone]"),
        ("Llama al 55 1234 5678 por favor", "Llama al [phone] por favor"),
        ("+52 55 1234 5678", "[phone]"),
        ("+44 20 7946 0958", "[phone]"),
        # e-mail
        ("write to jane.doe+onc@example.org please", "write to [email] please"),
        ("correo: MARIA_LOPEZ@correo.es", "correo: [email]"),
        ("juan arroba gmail.com", "[email]"),
        # addresses
        ("I live at 1234 Elm Street, Apt 4B", "I live at [address]"),
        ("123 Main St. near the park", "[address] near the park"),
        ("45 N. Oak Avenue", "[address]"),
        ("vivo en Calle Mayor 12, 3º B, Madrid", "vivo en [address], Madrid"),
        ("C/ Alcalá, 45", "[address]"),
        ("Avenida de la Constitución nº 3, 2º B", "[address]"),
        ("PO Box 1234", "[address]"),
        ("Apartado de correos 567", "[address]"),
        # dates of birth
        ("born on March 3, 1962", "born on [dob]"),
        ("DOB: 03/14/1962", "DOB: [dob]"),
        ("date of birth 1962-03-14", "date of birth [dob]"),
        ("I was born in 1962", "I was born in [dob]"),
        ("nací el 3 de marzo de 1962", "nací el [dob]"),
        ("fecha de nacimiento: 14/03/1962", "fecha de nacimiento: [dob]"),
        ("su cumpleaños es 14 de marzo de 1950", "su cumpleaños es [dob]"),
        ("he is 14/03/1958 by his papers", "he is [dob] by his papers"),
        # identity numbers
        ("SSN 123-45-6789", "SSN [id]"),
        ("my ssn is 123456789", "my ssn is [id]"),
        ("social security number: 123 45 6789 thanks", "social security number: [id] thanks"),
        ("number 123-45-6789 on file", "number [id] on file"),
        ("MRN 00123456", "MRN [id]"),
        ("passport 123456789 expires", "passport [id] expires"),
        ("Medicare 1EG4-TE5-MK73", "Medicare [id]"),
        ("mbi 1EG4TE5MK73", "mbi [id]"),
        ("DNI 12345678Z y NIE X1234567L", "DNI [id] y NIE [id]"),
        ("mi DNI es 12345678-Z", "mi DNI es [id]"),
        ("CURP GODE561231HDFRRN09", "CURP [id]"),
        ("número de seguro social 123-45-6789", "número de seguro social [id]"),
        ("expediente 7788990", "expediente [id]"),
        # cards (Luhn)
        ("card 4111 1111 1111 1111 ok", "card [card] ok"),
        ("tarjeta 5500-0000-0000-0004", "tarjeta [card]"),
        ("378282246310005", "[card]"),
    ],
)
def test_masks_personal_data(text: str, expected: str) -> None:
    assert scrub(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Fever of 38 °C or 100.4 °F needs a call",
        "fiebre de 38,5 °C",
        "on day 14 after infusion",
        "stay nearby for 2 weeks, then 4 weeks more",
        "CD19 and BCMA targets",
        "grade 3 CRS",
        "platelets 50,000 and WBC 4500, blood pressure 120/80",
        "dose 1 x 10^8 cells, 5 mg twice a day",
        "Take 2 tablets 3 times a day with Dr Smith",
        "day 14 with Dr Lee",
        "7-10 days, 2019-2024, ICE score 8/10",
        "call 911 or 988",
        "infusion on 03/14/2025",
        "Medicare covers most of it",
        "la calle estaba vacía",
        "tisagenlecleucel (Kymriah), axicabtagene ciloleucel (Yescarta)",
        "",
    ],
)
def test_keeps_medical_numbers_and_plain_text(text: str) -> None:
    assert scrub(text) == text


def test_helpline_own_number_kept(settings) -> None:
    settings.HELPLINE = {**settings.HELPLINE, "PHONE": "1-800-555-0199"}
    assert scrub("call us at 1-800-555-0199") == "call us at 1-800-555-0199"


def test_recent_dates_kept_old_dates_masked() -> None:
    this_year = datetime.date.today().year
    assert scrub(f"seen on 01/02/{this_year}") == f"seen on 01/02/{this_year}"
    assert scrub(f"01/02/{this_year - 40}") == "[dob]"


def test_non_luhn_long_number_is_not_called_a_card() -> None:
    assert "[card]" not in scrub("4111 1111 1111 1112")
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("123")


def test_mixed_message_keeps_structure() -> None:
    text = (
        "Hola, soy María, nací el 3 de marzo de 1962. Mi teléfono es 612 345 678 y mi correo "
        "maria@example.es. Vivo en Calle Mayor 12. Tengo fiebre de 38 °C desde el día 14."
    )
    out = scrub(text)
    assert out == (
        "Hola, soy [name], nací el [dob]. Mi teléfono es [phone] y mi correo "
        "[email]. Vivo en [address]. Tengo fiebre de 38 °C desde el día 14."
    )


def test_scrub_is_idempotent_on_examples() -> None:
    text = "SSN 123-45-6789, call (555) 123-4567, 1234 Elm Street"
    once = scrub(text)
    assert scrub(once) == once
    assert all(tag in once for tag in ("[id]", "[phone]", "[address]"))


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_never_crashes_and_never_grows_digits(text: str) -> None:
    out = scrub(text)
    assert isinstance(out, str)
    # Masking only removes digits, it never invents them.
    assert sum(c.isdigit() for c in out) <= sum(c.isdigit() for c in text)


@hsettings(max_examples=100, deadline=None)
@given(
    st.integers(200, 999),
    st.integers(200, 999),
    st.integers(0, 9999),
    st.sampled_from(["({a}) {b}-{c:04d}", "{a}-{b}-{c:04d}", "{a}.{b}.{c:04d}", "+1 {a} {b} {c:04d}"]),
    st.sampled_from(["call me at {}", "mi número: {}", "{} is my cell"]),
)
def test_generated_us_phones_masked(a: int, b: int, c: int, form: str, template: str) -> None:
    out = scrub(template.format(form.format(a=a, b=b, c=c)))
    assert "[phone]" in out
    assert not any(ch.isdigit() for ch in out)


def test_tags_documented() -> None:
    assert set(TAGS) == {"[email]", "[card]", "[id]", "[dob]", "[phone]", "[address]", "[name]"}
