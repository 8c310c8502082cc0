"""One set of formats: every PDF on the paper named by HELPLINE_PAPER; dates in words."""

import datetime
import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from helpline.common.templatetags.helpline_formats import (
    date_time_zone,
    day_time,
    language_names,
    long_date,
)

pytestmark = pytest.mark.django_db

LETTER = (612, 792)
A4 = (595, 842)


def _size(data: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(data)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.parametrize("paper, size", [("Letter", LETTER), ("A4", A4)])
def test_article_pdf_uses_the_paper_setting(client, settings, published_en, paper, size):
    settings.HELPLINE_PAPER = paper
    response = client.get("/en/articles/fever-after-car-t.pdf")
    assert _size(b"".join(response.streaming_content)) == size


@pytest.mark.parametrize("paper, size", [("Letter", LETTER), ("A4", A4)])
def test_timeline_pdf_uses_the_paper_setting(settings, paper, size):
    from helpline.journey.exports import build_pdf
    from helpline.journey.timeline import TimelineInput, build_timeline

    settings.HELPLINE_PAPER = paper
    timeline = build_timeline(TimelineInput(leukapheresis=datetime.date(2026, 12, 1),
                                            infusion=datetime.date(2027, 1, 5)))
    assert _size(build_pdf(timeline)) == size


def test_paper_defaults_to_letter_and_rejects_unknown_sizes(tmp_path):
    import os
    import subprocess
    import sys

    from helpline.common.testing import REPO_DIR

    def paper(value):
        env = dict(os.environ, HELPLINE_TESTING="1", HELPLINE_VAR_DIR=str(tmp_path))
        env.pop("HELPLINE_PAPER", None)
        if value is not None:
            env["HELPLINE_PAPER"] = value
        return subprocess.run(
            [sys.executable, "-c", ("import django; django.setup(); "
                                    "from django.conf import settings; "
                                    "print(settings.HELPLINE_PAPER)")],
            cwd=REPO_DIR, env={**env, "DJANGO_SETTINGS_MODULE": "helpline.settings"},
            capture_output=True, text=True, timeout=60, check=False)

    assert paper(None).stdout.strip() == "Letter"
    assert paper("a4").stdout.strip() == "A4"
    bad = paper("tabloid")
    assert bad.returncode != 0 and "HELPLINE_PAPER" in bad.stderr


def test_dates_in_words_in_both_languages():
    day = datetime.date(2026, 12, 7)
    when = datetime.datetime(2026, 12, 7, 13, 5, tzinfo=datetime.UTC)  # 8:05 in New York
    with translation.override("en"):
        assert long_date(day) == long_date("2026-12-07") == "Dec. 7, 2026"
        assert day_time(when) == "Monday, December 7, 8:05 a.m."
        assert date_time_zone(when) == "Dec. 7, 2026, 8:05 a.m. EST"
        assert language_names("en,es") == "English, Spanish"
    with translation.override("es"):
        assert long_date("2026-12-07") == "7 de diciembre de 2026"
        assert day_time(when) == "lunes 7 de diciembre, 08:05"
        assert date_time_zone(when) == "7 de diciembre de 2026, 08:05 EST"
        assert language_names("en,es") == "inglés, español"
    assert long_date("not a date") == "" and long_date(None) == ""
