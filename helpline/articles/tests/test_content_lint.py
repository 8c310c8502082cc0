"""The content lint over the bundled article files, and proof that each rule catches what it should.

The first test reads every content/articles/*.md, so new articles are checked as
soon as they land. The others run the same rules on small files written here.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from helpline.articles import content_lint

CONTENT = Path(settings.CONTENT_DIR) / "articles"


def test_bundled_articles_pass_the_content_lint():
    problems = content_lint.lint_directory(CONTENT)
    assert not problems, "Content lint:\n" + "\n".join(str(p) for p in problems)


def test_every_bundled_file_has_no_medical_reviewer_and_no_review_date():
    files = sorted(CONTENT.glob("*.md"))
    assert len(files) >= 16
    for path in files:
        article = content_lint.load(path)
        assert article.raw_meta.get("medically_reviewed_by") in ("", None), path.name
        assert "date_reviewed" not in article.raw_meta, path.name
        assert article.raw_meta.get("last_revised"), path.name


# --- Each rule on small files ------------------------------------------------

def write(directory: Path, name: str, *, body: str, url: str = "https://www.cancer.gov/",
          front: str = 'medically_reviewed_by: ""\nlast_revised: 2026-12-05') -> Path:
    key, lang, _md = name.split(".")
    text = textwrap.dedent(f"""\
        ---
        key: {key}
        lang: {lang}
        slug: {key}-{lang}
        topic: car-t
        title: "A title"
        summary: "A summary."
        {{front}}
        references:
          - number: 1
            text: "A source."
            url: "{url}"
        ---

        """).replace("{front}", front) + textwrap.dedent(body)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD_BODY = textwrap.dedent("""\
    ## Warning signs {#warning-signs}

    **Call 911 now** for any of these [1]:

    - a seizure
    - fainting

    **Call your treatment team right away** for any of these [1]:

    - fever of 38 °C (100.4 °F) or higher
""")


def lint(tmp_path: Path) -> list[str]:
    return [str(p) for p in content_lint.lint_directory(tmp_path)]


def test_good_pair_passes(tmp_path):
    write(tmp_path, "fever.en.md", body=GOOD_BODY)
    write(tmp_path, "fever.es.md", body=GOOD_BODY)
    assert lint(tmp_path) == []


def test_team_list_before_911_is_reported_with_file_and_section(tmp_path):
    body = """\
        ## When to call {#when-to-call}

        Call your treatment team right away if you have any of these signs [1]:

        - seizures
        - fever

        In an emergency, call 911.
    """
    write(tmp_path, "fever.en.md", body=body)
    write(tmp_path, "fever.es.md", body=body)
    problems = lint(tmp_path)
    assert any(p.startswith("fever.en.md #when-to-call: the warning-sign list starting “seizures”")
               and "Call 911 now" in p for p in problems), problems


def test_spanish_warning_list_needs_911_too(tmp_path):
    write(tmp_path, "fever.en.md", body=GOOD_BODY)
    write(tmp_path, "fever.es.md", body="""\
        ## Señales de alarma {#warning-signs}

        Llame de inmediato a su equipo de tratamiento si tiene [1]:

        - convulsiones
    """)
    assert any(p.startswith("fever.es.md #warning-signs") for p in lint(tmp_path))


def test_list_that_is_not_about_warning_signs_needs_no_911(tmp_path):
    body = """\
        ## Making the cells {#making}

        Making CAR T cells follows a series of steps [1]:

        - collecting T cells
        - adding the receptor
    """
    write(tmp_path, "cells.en.md", body=body)
    write(tmp_path, "cells.es.md", body=body)
    assert lint(tmp_path) == []


@pytest.mark.parametrize("sentence", [
    "Stay near the treatment center for at least 2 weeks after the infusion [1].",
    "Do not drive for at least two weeks [1].",
    "No debe manejar durante por lo menos 2 semanas [1].",
])
def test_two_week_rule_without_the_aucatzyl_exception_is_reported(tmp_path, sentence):
    body = f"## Driving {{#driving}}\n\n{sentence} Ask your team.\n\nAnother paragraph.\n"
    write(tmp_path, "drive.en.md", body=body)
    write(tmp_path, "drive.es.md", body=body)
    problems = lint(tmp_path)
    assert any("#driving: the 2-week rule" in p and "Aucatzyl" in p for p in problems), problems


@pytest.mark.parametrize("body", [
    "## Driving {#driving}\n\nDo not drive for at least 2 weeks, for most products; "
    "Aucatzyl's label keeps longer periods [1].\n",
    "## Driving {#driving}\n\nDo not drive for at least 2 weeks [1].\n\n"
    "Aucatzyl was not part of this change. Ask your team.\n",
    "## Driving {#driving}\n\n- stay near the center for 2 weeks (not for Aucatzyl) [1]\n",
])
def test_two_week_rule_with_the_exception_passes(tmp_path, body):
    write(tmp_path, "drive.en.md", body=body)
    write(tmp_path, "drive.es.md", body=body)
    assert lint(tmp_path) == []


def test_untrusted_reference_is_reported(tmp_path):
    write(tmp_path, "news.en.md", body=GOOD_BODY, url="https://www.bioworld.com/articles/1")
    write(tmp_path, "news.es.md", body=GOOD_BODY, url="http://www.cancer.gov/")
    problems = lint(tmp_path)
    assert any(p.startswith("news.en.md #references: reference 1:") and "bioworld.com" in p
               for p in problems), problems
    assert any(p.startswith("news.es.md #references: reference 1:") and "https" in p
               for p in problems), problems


def test_missing_twin_and_missing_section_are_reported(tmp_path):
    write(tmp_path, "alone.en.md", body=GOOD_BODY)
    write(tmp_path, "pair.en.md", body=GOOD_BODY + "\n## More {#more}\n\nText [1].\n")
    write(tmp_path, "pair.es.md", body=GOOD_BODY)
    problems = lint(tmp_path)
    assert any(p.startswith("alone.en.md: no es twin") for p in problems), problems
    assert any(p.startswith("pair.es.md #more: the English section #more has no Spanish")
               for p in problems), problems


def test_claimed_medical_review_is_reported(tmp_path):
    claimed = "medically_reviewed_by: Dr Somebody\ndate_reviewed: 2026-11-20"
    write(tmp_path, "rev.en.md", body=GOOD_BODY, front=claimed)
    write(tmp_path, "rev.es.md", body=GOOD_BODY)
    problems = lint(tmp_path)
    assert any(p.startswith("rev.en.md: bundled content must not claim a medical reviewer")
               for p in problems), problems
    assert any(p.startswith("rev.en.md: bundled content has no medical review date")
               for p in problems), problems
