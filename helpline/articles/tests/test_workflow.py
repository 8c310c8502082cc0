"""The editorial workflow: who may do what, history, flags and the audit trail."""

import datetime

import pytest
from django.utils import timezone

from helpline.articles import selectors, services
from helpline.articles.models import ArticleVersion, WorkflowEvent
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry

from .conftest import draft

pytestmark = pytest.mark.django_db


def test_only_a_medical_reviewer_can_publish(en_version, editor, translator, specialist, reviewer):
    services.draft_save(editor, en_version, draft())
    services.submit_for_review(editor, en_version)
    for user in (editor, translator, specialist):
        with pytest.raises(NotAllowed):
            services.publish(user, en_version)
    en_version.refresh_from_db()
    assert en_version.status == ArticleVersion.Status.IN_REVIEW
    assert en_version.live_revision is None

    services.publish(reviewer, en_version)
    en_version.refresh_from_db()
    assert en_version.status == ArticleVersion.Status.PUBLISHED
    assert en_version.live_revision.published_by == reviewer


def test_publish_requires_review_first(en_version, editor, reviewer):
    services.draft_save(editor, en_version, draft())
    with pytest.raises(ApplicationError):
        services.publish(reviewer, en_version)


def test_translator_edits_spanish_but_not_english(en_version, es_version, translator):
    with pytest.raises(NotAllowed):
        services.draft_save(translator, en_version, draft())
    revision = services.draft_save(translator, es_version, draft(title="Fiebre"))
    assert revision.title == "Fiebre"


def test_specialist_cannot_edit(en_version, specialist):
    with pytest.raises(NotAllowed):
        services.draft_save(specialist, en_version, draft())
    assert en_version.revisions.count() == 0


def test_every_published_revision_is_kept_and_compared(published_en, editor, reviewer):
    first = published_en.live_revision
    services.draft_save(editor, published_en, draft(body="A changed paragraph [1]."))
    published_en.refresh_from_db()
    # The public still sees the first revision while the change is a draft.
    assert published_en.live_revision == first
    assert published_en.has_unpublished_changes
    services.submit_for_review(editor, published_en)
    services.publish(reviewer, published_en)
    published_en.refresh_from_db()

    history = list(selectors.revision_history(published_en))
    assert [r.number for r in history] == [2, 1]
    assert all(r.published_at for r in history)
    second = published_en.live_revision
    assert selectors.previous_published(second) == first
    diff = selectors.compare_revisions(first, second)
    assert {"kind": "removed", "text": "A plain paragraph [1]."} in diff
    assert {"kind": "added", "text": "A changed paragraph [1]."} in diff


def test_draft_edits_update_the_open_revision_in_place(en_version, editor):
    services.draft_save(editor, en_version, draft(title="One"))
    services.draft_save(editor, en_version, draft(title="Two"))
    assert en_version.revisions.count() == 1
    assert en_version.revisions.get().title == "Two"


def test_citation_of_missing_reference_is_refused(en_version, editor):
    with pytest.raises(ApplicationError, match="cites a reference"):
        services.draft_save(editor, en_version, draft(body="Unsupported claim [7]."))
    assert en_version.revisions.count() == 0


def test_review_due_after_twelve_months(published_en):
    revision = published_en.live_revision
    revision.next_review_due = None
    revision.date_reviewed = datetime.date(2025, 1, 10)
    revision.save()
    published_en.refresh_from_db()
    assert selectors.review_due(published_en, today=datetime.date(2026, 1, 9)) is False
    assert selectors.review_due(published_en, today=datetime.date(2026, 1, 10)) is True
    rows = {row["version"].pk: row for row in selectors.editorial_rows(datetime.date(2026, 2, 1))}
    assert rows[published_en.pk]["review_due"] is True


def test_translation_flagged_when_english_gets_a_newer_published_revision(
    published_es, editor, reviewer, translator
):
    en = published_es.article.versions.get(language="en")
    assert selectors.translation_out_of_date(published_es) is False

    services.draft_save(editor, en, draft(body="Updated English [1]."))
    en.refresh_from_db()
    # A draft alone does not make the translation out of date...
    assert selectors.translation_out_of_date(published_es) is False
    services.submit_for_review(editor, en)
    services.publish(reviewer, en)
    published_es.refresh_from_db()
    # ...a newer *published* English revision does.
    assert selectors.translation_out_of_date(published_es) is True

    services.draft_save(translator, published_es, draft(title="Fiebre", body="Actualizado [1]."))
    services.submit_for_review(translator, published_es)
    services.publish(reviewer, published_es)
    published_es.refresh_from_db()
    assert selectors.translation_out_of_date(published_es) is False


def test_every_transition_is_audited(en_version, editor, reviewer):
    services.draft_save(editor, en_version, draft())
    services.submit_for_review(editor, en_version, note="ready")
    services.publish(reviewer, en_version)
    services.archive(reviewer, en_version)
    actions = list(
        AuditEntry.objects.filter(object_id=str(en_version.pk)).order_by("id")
        .values_list("action", "actor_label")
    )
    assert actions == [
        ("articles.edit", "edna"), ("articles.submit", "edna"),
        ("articles.publish", "rita"), ("articles.archive", "rita"),
    ]
    events = WorkflowEvent.objects.filter(version=en_version).order_by("id")
    assert [(e.from_status, e.to_status) for e in events] == [
        ("draft", "draft"), ("draft", "in_review"), ("in_review", "published"),
        ("published", "archived"),
    ]
    assert all(e.created_at <= timezone.now() for e in events)


def test_audit_log_is_append_only(published_en):
    entry = AuditEntry.objects.first()
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.filter(action="tampered").count() == 0


def test_returning_for_changes_needs_a_reviewer(en_version, editor, reviewer):
    services.draft_save(editor, en_version, draft())
    services.submit_for_review(editor, en_version)
    with pytest.raises(NotAllowed):
        services.return_to_draft(editor, en_version)
    services.return_to_draft(reviewer, en_version, note="check the dose wording")
    en_version.refresh_from_db()
    assert en_version.status == ArticleVersion.Status.DRAFT


def test_publish_signal_fires_after_commit(en_version, editor, reviewer, django_capture_on_commit_callbacks):
    from helpline.articles.signals import version_published

    seen = []

    def listener(sender, version, revision, **kwargs):
        seen.append((version.pk, revision.number))

    version_published.connect(listener)
    try:
        services.draft_save(editor, en_version, draft())
        services.submit_for_review(editor, en_version)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish(reviewer, en_version)
    finally:
        version_published.disconnect(listener)
    assert seen == [(en_version.pk, 1)]
