"""Reviewed question variants: part of a revision's content, so the workflow applies to them."""

from pathlib import Path

import pytest
from django.conf import settings

from helpline.articles import markup, selectors, services
from helpline.articles.models import ArticleVersion, Revision
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry

pytestmark = pytest.mark.django_db

FILE = """---
key: fever
lang: en
slug: fever-after-car-t
topic: car-t
title: Fever after CAR T
summary: What a fever means.
references:
  - number: 1
    text: National Cancer Institute.
questions:
  what-it-is:
    - what does a fever mean after car t
    - "  What does a FEVER mean after CAR T  "
    - ""
---

## What it is {#what-it-is}

A plain paragraph [1].

## When to call {#when-to-call}

Call at once.
"""


def _live_questions(language="en"):
    return {s["anchor"]: s["questions"] for s in selectors.live_sections(language)}


def test_format_reads_questions_per_section_and_writes_them_back():
    parsed = markup.parse(FILE)
    first, second = parsed.sections
    # Stripped, repeated (case-insensitive) and empty lines dropped.
    assert first["questions"] == ["what does a fever mean after car t"]
    assert "questions" not in second  # a section without variants stays as before
    text = markup.dump({"key": "fever", "lang": "en", "slug": "fever-after-car-t",
                        "topic": "car-t", "title": "Fever after CAR T",
                        "summary": "What a fever means."}, parsed.sections, parsed.references)
    assert markup.parse(text).sections == parsed.sections


@pytest.mark.parametrize(
    ("questions", "error"),
    [
        ("questions:\n  no-such-section: [a question]\n", "do not exist"),
        ("questions: [a question]\n", "mapping"),
        ("questions:\n  what-it-is: 42\n", "list of questions"),
        ("questions:\n  what-it-is: [[nested]]\n", "must be text"),
        (f"questions:\n  what-it-is: [{'x' * 301}]\n", "longer than 300"),
    ],
)
def test_format_refuses_bad_questions_with_a_clear_message(questions, error):
    text = FILE.replace("questions:\n  what-it-is:\n    - what does a fever mean after car t\n"
                        "    - \"  What does a FEVER mean after CAR T  \"\n    - \"\"\n", questions)
    with pytest.raises(markup.ContentError, match=error):
        markup.parse(text)


def test_bundled_content_without_questions_loads_unchanged_twice():
    directory = Path(settings.CONTENT_DIR) / "articles"
    first = services.content_load_directory(directory)
    again = services.content_load_directory(directory)
    assert first.created > 0
    assert again.unchanged == first.created and again.updated == 0


def test_questions_go_live_only_when_the_draft_is_published(published_en, editor, reviewer):
    services.draft_questions_save(editor, published_en,
                                  {"what-it-is": "is a fever after car t serious?\n\nfiebre??"})
    published_en.refresh_from_db()
    draft = published_en.latest_revision
    assert draft.number == 2 and not draft.is_published
    assert draft.sections[0]["questions"] == ["is a fever after car t serious?", "fiebre??"]
    assert draft.sections[0]["body"] == published_en.live_revision.sections[0]["body"]
    assert _live_questions() == {"what-it-is": []}  # the live revision has none yet

    services.submit_for_review(editor, published_en)
    assert _live_questions() == {"what-it-is": []}
    services.publish(reviewer, published_en)
    assert _live_questions() == {"what-it-is": ["is a fever after car t serious?", "fiebre??"]}


def test_questions_are_compared_in_the_revision_diff(published_en, editor):
    services.draft_questions_save(editor, published_en, {"what-it-is": ["is fever serious"]})
    published_en.refresh_from_db()
    diff = selectors.compare_revisions(published_en.live_revision, published_en.latest_revision)
    assert {"kind": "added", "text": "? is fever serious"} in diff
    assert not [line for line in diff if line["kind"] == "removed"]


def test_export_and_import_carry_the_questions(published_en, editor):
    services.draft_questions_save(editor, published_en, {"what-it-is": ["is fever serious"]})
    published_en.refresh_from_db()
    text = services.content_export(editor, published_en)
    assert "questions:" in text and "is fever serious" in text
    data = services.draft_from_text(text.replace("is fever serious", "is a fever serious"))
    services.draft_save(editor, published_en, data)
    published_en.refresh_from_db()
    assert published_en.latest_revision.sections[0]["questions"] == ["is a fever serious"]


def test_only_people_who_may_edit_the_version_set_questions(published_en, published_es,
                                                            translator, specialist):
    for user in (translator, specialist):
        with pytest.raises(NotAllowed):
            services.draft_questions_save(user, published_en, {"what-it-is": ["x?"]})
    services.draft_questions_save(translator, published_es, {"what-it-is": ["¿es grave?"]})
    published_es.refresh_from_db()
    assert published_es.latest_revision.sections[0]["questions"] == ["¿es grave?"]


def test_unknown_section_is_refused(published_en, editor):
    with pytest.raises(ApplicationError):
        services.draft_questions_save(editor, published_en, {"nope": ["x?"]})
    with pytest.raises(ApplicationError):
        services.question_variant_add(editor, published_en, "nope", "x?")


def test_adding_a_variant_starts_one_draft_and_is_idempotent(published_en, editor):
    revision = services.question_variant_add(editor, published_en, "what-it-is", "fever normal?")
    again = services.question_variant_add(editor, published_en, "what-it-is", "Fever  normal?")
    assert revision.pk == again.pk and revision.number == 2
    assert Revision.objects.filter(version=published_en).count() == 2
    revision.refresh_from_db()
    assert revision.sections[0]["questions"] == ["fever normal?"]
    entries = AuditEntry.objects.filter(action="articles.question_variant_add")
    assert entries.count() == 2 and entries.first().data["anchor"] == "what-it-is"


def test_a_variant_added_during_review_returns_the_version_to_draft(published_en, editor):
    services.draft_questions_save(editor, published_en, {"what-it-is": ["a?"]})
    services.submit_for_review(editor, published_en)
    services.question_variant_add(editor, published_en, "what-it-is", "b?")
    published_en.refresh_from_db()
    assert published_en.status == ArticleVersion.Status.DRAFT
    assert published_en.latest_revision.sections[0]["questions"] == ["a?", "b?"]


def test_archived_version_takes_no_variants(published_en, editor, reviewer):
    services.archive(reviewer, published_en)
    with pytest.raises(ApplicationError):
        services.question_variant_add(editor, published_en, "what-it-is", "a?")


# --- the editorial pages ------------------------------------------------------

def test_editor_saves_questions_per_section_and_sees_them_in_preview_and_diff(
        client, published_en, editor):
    client.force_login(editor)
    page = client.get(f"/en/staff/editorial/{published_en.pk}/")
    assert page.status_code == 200
    assert b'name="questions-what-it-is"' in page.content
    response = client.post(f"/en/staff/editorial/{published_en.pk}/questions/",
                           {"questions-what-it-is": "is fever after car t bad\r\nwhen to worry",
                            "questions_note": "From the unanswered list"})
    assert response.status_code == 302
    published_en.refresh_from_db()
    assert published_en.latest_revision.change_note == "From the unanswered list"
    assert published_en.latest_revision.sections[0]["questions"] == [
        "is fever after car t bad", "when to worry"]
    preview = client.get(f"/en/staff/editorial/{published_en.pk}/r2/")
    assert b"Questions this section answers" in preview.content
    assert b"when to worry" in preview.content
    compare = client.get(f"/en/staff/editorial/{published_en.pk}/r2/compare/")
    assert b"? when to worry" in compare.content
    public = client.get(published_en.get_absolute_url())
    assert b"when to worry" not in public.content


def test_questions_form_refuses_people_who_may_not_edit(client, published_en, translator):
    client.force_login(translator)
    response = client.post(f"/en/staff/editorial/{published_en.pk}/questions/",
                           {"questions-what-it-is": "x?"})
    assert response.status_code == 403
    published_en.refresh_from_db()
    assert published_en.latest_revision.number == 1


def test_questions_form_with_a_too_long_question_shows_an_error(client, published_en, editor):
    client.force_login(editor)
    response = client.post(f"/en/staff/editorial/{published_en.pk}/questions/",
                           {"questions-what-it-is": "x" * 400}, follow=True)
    assert response.status_code == 200
    assert b"longer than 300" in response.content
    published_en.refresh_from_db()
    assert published_en.latest_revision.number == 1
