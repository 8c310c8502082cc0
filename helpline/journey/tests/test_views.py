"""The pages: form, results in both languages, exports, bad input, and privacy by default."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from pypdf import PdfReader

from helpline.articles.models import ArticleVersion
from helpline.articles.services import content_load_file
from helpline.common.testing import REPO_DIR
from helpline.journey import steps as S
from helpline.journey.models import SavedTimeline
from helpline.journey.services import token_digest

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.UTC)
GOOD = {"leukapheresis": "2026-12-01", "infusion": "2027-01-05", "infusion_time": "09:30",
        "time_zone": "America/Chicago", "product": "yescarta"}


@pytest.fixture(autouse=True)
def frozen_now():
    cache.clear()  # rate-limit counters live in the cache
    with time_machine.travel(NOW, tick=False):
        yield


def row_counts() -> dict[str, int]:
    """Rows in every table of the database (not only this app's)."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def load_articles(*names: str) -> None:
    for name in names:
        content_load_file(REPO_DIR / "content" / "articles" / name)


def test_form_page_in_both_languages(client):
    en = client.get("/en/timeline/")
    assert en.status_code == 200
    assert "My CAR T timeline" in text(en)
    assert 'type="date"' in en.content.decode()
    es = client.get("/es/timeline/")
    body = text(es)
    assert "Mi calendario de CAR T" in body
    assert "Fecha de la recolección (leucaféresis)" in body
    assert "Hora del Centro" in body


def test_timeline_result_writes_nothing(client):
    client.get("/en/timeline/")
    before = row_counts()
    response = client.post("/en/timeline/", GOOD)
    assert response.status_code == 200
    body = text(response)
    assert "Dec. 1, 2026" in body
    assert "From Jan. 5, 2027 at 9:30 a.m. until at least Jan. 19, 2027 at 9:30 a.m." in body
    chemo = body.split("Lymphodepleting chemotherapy")[1].split("CAR T-cell infusion")[0]
    assert "Estimated range" not in chemo  # Yescarta's label gives days -5 to -3
    assert "no-store" in response["Cache-Control"]
    # The dates are not in any URL: exports and the language switch post hidden fields.
    urls = re.findall(r'(?:href|action)="([^"]*)"', response.content.decode())
    assert not [url for url in urls if "2026-12-01" in url]
    ics = client.post("/en/timeline/calendar.ics", GOOD)
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ics.content
    pdf = client.post("/en/timeline/timeline.pdf", GOOD)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    client.get("/en/timeline/at-home/")
    assert row_counts() == before
    assert SavedTimeline.objects.count() == 0


def test_spanish_result(client):
    response = client.post("/es/timeline/",
                           {**GOOD, "product": "", "infusion": "", "infusion_time": ""})
    assert response.status_code == 200
    body = text(response)
    assert "Leucaféresis (recolección de sus células T)" in body
    assert "1 de diciembre de 2026" in body
    assert "entre aproximadamente el 22 de diciembre de 2026 y el 26 de enero de 2027" in body
    assert "Rango aproximado" in body
    assert "No escribió la fecha de la infusión" in body
    assert "Leukapheresis" not in body


def test_language_switch_keeps_the_dates_without_storing_them(client):
    en = client.post("/en/timeline/", GOOD)
    assert 'action="/es/timeline/"' in en.content.decode()
    es = client.post("/es/timeline/", GOOD)
    assert "5 de enero de 2027 a las 09:30" in text(es)
    assert SavedTimeline.objects.count() == 0


@pytest.mark.parametrize(
    ("lang", "data", "expected"),
    [
        ("en", {"leukapheresis": "2027-01-10", "infusion": "2026-12-01"},
         "The infusion date must be after the collection"),
        ("es", {"leukapheresis": "2027-01-10", "infusion": "2026-12-01"},
         "La fecha de la infusión debe ser posterior a la de la recolección"),
        ("es", {"infusion": "2058-03-01"}, "Esta fecha es dentro de más de un año"),
        ("en", {"leukapheresis": "1999-03-01"}, "more than 5 years ago"),
        ("es", {"leukapheresis": "31/02/2027"}, "Introduzca una fecha válida"),
        ("en", {"leukapheresis": "not a date"}, "Enter a valid date"),
        ("en", {"infusion": "2027-01-05", "infusion_time": "25:99"}, "Enter a valid time"),
        ("es", {"infusion_time": "09:00"},
         "Escriba la fecha de la infusión para poder agregar una hora"),
        ("en", {"infusion": "2027-03-14", "infusion_time": "02:30", "time_zone": "America/Denver"},
         "does not exist on that day"),
        ("en", {"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ("en", {"product": "homemade"}, "Select a valid choice"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(client, lang, data, expected):
    client.get(f"/{lang}/timeline/")
    before = row_counts()
    for path in ("", "calendar.ics", "timeline.pdf", "save/"):
        response = client.post(f"/{lang}/timeline/{path}", data)
        assert response.status_code == 400, path
        assert response["Content-Type"].startswith("text/html")
        assert expected in text(response), path
    assert row_counts() == before


def test_save_is_a_choice_behind_an_unguessable_link_that_can_be_deleted(client):
    response = client.post("/en/timeline/save/", {**GOOD, "expires_in_days": "30"})
    assert response.status_code == 303
    match = re.fullmatch(r"/en/timeline/saved/([A-Za-z0-9_-]+)/\?new=1", response["Location"])
    token = match.group(1)
    assert len(token) >= 32
    row = SavedTimeline.objects.get()
    # Only a digest of the token is stored, and only the dates.
    assert row.token_digest == token_digest(token) and token not in str(row.__dict__)
    assert set(row.data) == {"leukapheresis", "infusion", "infusion_time", "time_zone", "product"}
    assert row.expires_at == timezone.now() + dt.timedelta(days=30)

    page = client.get(f"/es/timeline/saved/{token}/")
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "no-referrer"
    assert "1 de diciembre de 2026" in text(page)
    assert "Borrar ahora mi calendario guardado" in text(page)
    ics = client.get(f"/en/timeline/saved/{token}/calendar.ics")
    assert ics.status_code == 200 and b"DTSTART;TZID=America/Chicago:20270105T093000" in ics.content
    pdf = client.get(f"/es/timeline/saved/{token}/timeline.pdf")
    assert "Mi calendario de CAR T" in PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()

    assert client.get(f"/en/timeline/saved/{token[:-1]}x/").status_code == 404
    deleted = client.post(f"/en/timeline/saved/{token}/delete/")
    assert deleted.status_code == 200 and "was deleted" in text(deleted)
    assert SavedTimeline.objects.count() == 0
    assert client.get(f"/en/timeline/saved/{token}/").status_code == 404
    assert client.post(f"/en/timeline/saved/{token}/delete/").status_code == 404


def test_saving_needs_a_date_and_a_valid_expiry(client):
    empty = client.post("/en/timeline/save/",
                        {"time_zone": "America/New_York", "expires_in_days": "30"})
    assert empty.status_code == 400 and "Enter at least one date before saving." in text(empty)
    forever = client.post("/en/timeline/save/", {**GOOD, "expires_in_days": "36500"})
    assert forever.status_code == 400 and "Select a valid choice" in text(forever)
    assert SavedTimeline.objects.count() == 0


def test_expired_links_stop_working_and_are_purged(client):
    response = client.post("/en/timeline/save/", {**GOOD, "expires_in_days": "7"})
    token = re.search(r"saved/([^/]+)/", response["Location"]).group(1)
    with time_machine.travel(NOW + dt.timedelta(days=7, seconds=1), tick=False):
        assert client.get(f"/en/timeline/saved/{token}/").status_code == 404
        call_command("purge", "--only", "journey.saved_timelines", stdout=io.StringIO())
    assert SavedTimeline.objects.count() == 0


def test_steps_link_to_the_article_sections(client):
    load_articles("car-t-treatment-steps.en.md", "car-t-treatment-steps.es.md",
                  "car-t-at-home-after-treatment.en.md")
    es = client.post("/es/timeline/", GOOD).content.decode()
    steps_es = ArticleVersion.objects.get(article__key=S.TREATMENT_STEPS, language="es")
    anchors = {s["anchor"] for s in steps_es.live_revision.sections}
    for step in S.STEPS:
        if step.article == S.TREATMENT_STEPS:
            assert step.anchor in anchors
            assert f'href="{steps_es.get_absolute_url()}#{step.anchor}"' in es
    # The Spanish at-home article is not published here: fall back to English, marked as such.
    at_home_en = ArticleVersion.objects.get(article__key=S.AT_HOME, language="en")
    assert f'href="{at_home_en.get_absolute_url()}#driving-and-distance" hreflang="en"' in es
    assert "(en inglés)" in text(client.post("/es/timeline/", GOOD))
    at_home_anchors = {s["anchor"] for s in at_home_en.live_revision.sections}
    wanted = {"warning-signs", "caregivers", "driving-and-distance", "wallet-card", "recovery"}
    assert wanted <= at_home_anchors


def test_without_published_articles_steps_have_no_broken_links(client):
    body = client.post("/en/timeline/", GOOD).content.decode()
    assert "Read more:" not in body
    assert "Lymphodepleting chemotherapy" in body


@pytest.mark.parametrize("lang", ["en", "es"])
def test_at_home_card_renders_the_triage_signs(client, lang):
    from helpline.answers.triage import URGENT_SIGNS

    response = client.get(f"/{lang}/timeline/at-home/")
    assert response.status_code == 200
    html = response.content.decode()
    for sign in URGENT_SIGNS:
        label = sign.label_es if lang == "es" else sign.label_en
        assert f'data-sign="{sign.code}">{label}<' in html.replace("&#x27;", "'")
    body = text(response)
    card = body.split("Caregiver checklist" if lang == "en" else "Lista para el cuidador")[0]
    assert settings.HELPLINE["PHONE"] in card  # the helpline, for questions that are not urgent
    if lang == "es":
        assert "Lista para el cuidador o la cuidadora" in body
        assert "llame al 911" in body
    else:
        assert "Caregiver checklist" in body and "call 911" in body
        assert "around the clock" in body


@pytest.mark.parametrize("path", ["/en/timeline/", "/es/timeline/at-home/"])
def test_pages_have_no_inline_script_or_style(client, path):
    html = client.get(path).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert " style=" not in html and "<style" not in html
    assert "journey/journey.css" in html


def test_every_input_has_a_label(client):
    html = client.post("/en/timeline/", GOOD).content.decode()
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert ids
    for input_id in ids:
        assert f'for="{input_id}"' in html, input_id


def test_saving_and_pdfs_are_rate_limited_per_address(client):
    from helpline.journey.views import PDF_PER_MINUTE, SAVES_PER_HOUR

    for _ in range(SAVES_PER_HOUR):
        saved = client.post("/en/timeline/save/", {**GOOD, "expires_in_days": "7"})
        assert saved.status_code == 303
    refused = client.post("/es/timeline/save/", {**GOOD, "expires_in_days": "7"})
    assert refused.status_code == 429
    assert SavedTimeline.objects.count() == SAVES_PER_HOUR
    cache.clear()
    for _ in range(PDF_PER_MINUTE):
        pdf = client.post("/en/timeline/timeline.pdf", {"infusion": "2027-01-05"})
        assert pdf.status_code == 200
    assert client.post("/en/timeline/timeline.pdf", {"infusion": "2027-01-05"}).status_code == 429
    # The page itself and the calendar are cheap and stay available.
    assert client.post("/en/timeline/calendar.ics", {"infusion": "2027-01-05"}).status_code == 200


def test_today_is_the_treatment_centers_today():
    from helpline.journey.forms import TimelineForm

    # 06:00 UTC on 27 November: already the 27th in New York, still the 26th in Honolulu.
    with time_machine.travel(dt.datetime(2026, 11, 27, 6, 0, tzinfo=dt.UTC), tick=False):
        a_year_on = {"infusion": "2027-11-28"}
        assert TimelineForm({**a_year_on, "time_zone": "America/New_York"}).is_valid()
        honolulu = TimelineForm({**a_year_on, "time_zone": "Pacific/Honolulu"})
        assert not honolulu.is_valid()
        assert "more than a year from now" in honolulu.errors["infusion"][0]


def test_site_wide_retention_purge_removes_saved_timelines(client):
    from helpline.common import purge

    client.post("/en/timeline/save/", {**GOOD, "expires_in_days": "180"})
    client.post("/en/timeline/save/", {**GOOD, "expires_in_days": "7"})
    with time_machine.travel(NOW + dt.timedelta(days=8), tick=False):
        # One expired; the other is younger than a 30-day retention period and stays.
        dry = purge.run(days=30, dry_run=True, only=["journey.saved_timelines"])
        assert [r.count for r in dry] == [1] and SavedTimeline.objects.count() == 2
        purge.run(days=30, only=["journey.saved_timelines"])
        assert SavedTimeline.objects.count() == 1
    with time_machine.travel(NOW + dt.timedelta(days=31), tick=False):
        purge.run(days=30, only=["journey.saved_timelines"])  # now older than retention
    assert SavedTimeline.objects.count() == 0
