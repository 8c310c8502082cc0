"""The structured editor (test client), review stamps, review history and the review digest."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from helpline.accounts.models import StaffProfile
from helpline.articles import markup, selectors, services
from helpline.articles.models import ArticleVersion, Revision, Topic
from helpline.common.models import AuditEntry

from .conftest import draft

pytestmark = pytest.mark.django_db


def management(prefix, total, initial):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def editor_post(sections, references, **fields):
    data = {"title": "Fatigue after CAR T", "summary": "Why you may feel tired.",
            "key_points": "Tiredness is common.\nTell your team if it gets worse.",
            "change_note": "first draft", "save": "1"}
    data.update(fields)
    data.update(management("sections", len(sections), len(sections)))
    data.update(management("references", len(references), len(references)))
    for i, section in enumerate(sections):
        for key, value in section.items():
            data[f"sections-{i}-{key}"] = value
    for i, ref in enumerate(references):
        for key, value in ref.items():
            data[f"references-{i}-{key}"] = value
    return data


def test_renumbering_references_renumbers_citations():
    body = "One [1]. Two [2, 3]. Range [1–3]. Unknown [9]."
    assert markup.renumber_citations(body, {1: 3, 2: 1, 3: 2}) == (
        "One [3]. Two [1, 2]. Range [1–3]. Unknown [9].")
    assert markup.renumber_citations("A [1–3].", {1: 1, 2: 3, 3: 5}) == "A [1, 3, 5]."


def test_structured_editor_saves_sections_references_and_keeps_anchors(
        client, published_en, editor):
    # The draft already has section "what-it-is" with a question variant.
    services.question_variant_add(editor, published_en, "what-it-is", "Is a fever normal?")
    client.force_login(editor)
    page = client.get(f"/en/staff/editorial/{published_en.pk}/edit/")
    assert page.status_code == 200 and "Is a fever normal?" in page.content.decode()
    data = editor_post(
        sections=[
            {"heading": "What it is", "anchor": "what-it-is",
             "body": "First [1]. Second [2].", "questions": '["Is a fever normal?"]',
             "ORDER": "2"},
            {"heading": "When to call", "anchor": "", "body": "Call [2].", "ORDER": "1"},
        ],
        references=[
            {"title": "National Cancer Institute. CAR T cells.", "url": "https://www.cancer.gov/",
             "old_number": "1", "ORDER": "2"},
            {"authors": "US Food and Drug Administration", "title": "Kymriah label",
             "publisher": "FDA", "year": "2024", "url": "https://www.fda.gov/media/107296/download",
             "accessed": "2026-12-01", "ORDER": "1"},
        ],
    )
    response = client.post(f"/en/staff/editorial/{published_en.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    published_en.refresh_from_db()
    revision = published_en.latest_revision
    assert [s["anchor"] for s in revision.sections] == ["when-to-call", "what-it-is"]
    assert revision.sections[1]["questions"] == ["Is a fever normal?"]
    # The FDA label moved to position 1; the NCI page (old 1) is now 2; citations followed.
    assert revision.sections[1]["body"] == "First [2]. Second [2]."
    assert revision.references[0]["text"] == (
        "US Food and Drug Administration. Kymriah label. FDA; 2024. Accessed 2026-12-01.")
    assert revision.references[1] == {"number": 2, "text": "National Cancer Institute. CAR T cells.",
                                      "url": "https://www.cancer.gov/"}
    assert revision.key_points == ["Tiredness is common.", "Tell your team if it gets worse."]


def test_preview_uses_the_public_template_and_saves_nothing(client, published_en, editor):
    client.force_login(editor)
    before = Revision.objects.count()
    data = editor_post(
        sections=[{"heading": "Rest", "anchor": "", "body": "Rest **often** [1]."}],
        references=[{"title": "NCI page", "url": "https://www.cancer.gov/"}],
    )
    response = client.post(f"/en/staff/editorial/{published_en.pk}/edit/preview/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Staff preview" in html and "<strong>often</strong>" in html and 'id="ref-1"' in html
    assert "Key points" in html and "Tiredness is common." in html
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert Revision.objects.count() == before

    bad = editor_post(sections=[{"heading": "Rest", "anchor": "", "body": "Rest [1]."}],
                      references=[{"title": "Shop", "url": "javascript:alert(1)"}])
    response = client.post(f"/en/staff/editorial/{published_en.pk}/edit/preview/", bad)
    assert response.status_code == 400 and "never allowed" in response.content.decode()


def test_editor_refuses_a_javascript_url_with_a_form_error(client, published_en, editor):
    client.force_login(editor)
    data = editor_post(sections=[{"heading": "Rest", "anchor": "", "body": "Rest [1]."}],
                       references=[{"title": "Shop", "url": "javascript:alert(1)"}])
    response = client.post(f"/en/staff/editorial/{published_en.pk}/edit/", data)
    assert response.status_code == 400
    assert "never allowed" in response.content.decode()


def test_new_article_page_creates_the_english_version(client, editor):
    topic = Topic.objects.create(slug="side-effects", name_en="Side effects", name_es="Efectos")
    client.force_login(editor)
    response = client.post("/en/staff/editorial/new/", {"title": "Fatigue after CAR T",
                                                        "topic": topic.pk})
    version = ArticleVersion.objects.get(article__key="fatigue-after-car-t")
    assert response.status_code == 302 and response["Location"].endswith(f"/{version.pk}/edit/")
    assert version.language == "en" and version.latest_revision is None


def test_publishing_stamps_reviewer_credentials_and_date(client, published_en, editor, reviewer):
    StaffProfile.objects.create(user=reviewer, display_name="Rita Alvarez",
                                credentials="MD, hematology")
    revision = published_en.live_revision
    revision.medically_reviewed_by = "Helpline medical review panel"
    revision.date_reviewed = datetime.date(2026, 11, 20)
    revision.save()
    services.draft_save(editor, published_en, draft(body="A revised paragraph [1]."))
    services.submit_for_review(editor, published_en)
    services.publish(reviewer, published_en)
    published_en.refresh_from_db()
    live = published_en.live_revision
    today = timezone.localdate()
    assert live.medically_reviewed_by == "Rita Alvarez, MD, hematology"
    assert live.date_reviewed == today
    assert live.next_review_due == today + datetime.timedelta(days=365)
    html = client.get(published_en.get_absolute_url()).content.decode()
    assert "Rita Alvarez, MD, hematology" in html and "review panel" not in html.split("data-review-history")[0]
    assert f'datetime="{today.isoformat()}"' in html
    history = selectors.review_history(published_en)
    assert history[0]["reviewer"] == "Rita Alvarez, MD, hematology"
    assert "data-review-history" in html


def test_translation_changes_mark_changed_english_sentences(published_es, published_en, editor,
                                                             reviewer):
    changes = selectors.translation_changes(published_es)
    assert changes["any_changed"] is False
    services.draft_save(editor, published_en, draft(
        body="A plain paragraph [1]. Call your team if the fever comes back [1]."))
    services.submit_for_review(editor, published_en)
    services.publish(reviewer, published_en)
    changes = selectors.translation_changes(published_es)
    assert changes["followed_number"] == 1 and changes["source_number"] == 2
    [section] = changes["sections"]
    assert section["status"] == "changed"
    assert [s["changed"] for s in section["sentences"]] == [False, True]


def test_review_digest_mails_reviewers_what_is_due(mailserver, published_en, reviewer):
    reviewer.email = "rita@example.org"
    reviewer.save()
    revision = published_en.live_revision
    revision.next_review_due = timezone.localdate() + datetime.timedelta(days=10)
    revision.save()
    call_command("reviewdigest")
    [message] = mailserver.messages
    assert message.to == "rita@example.org"
    assert "Fever after CAR T [en]: due" in message.body
    assert f"/staff/editorial/{published_en.pk}/" in message.body
    assert AuditEntry.objects.filter(action="articles.review_digest").exists()


def test_review_digest_sends_nothing_when_nothing_is_due(mailserver, published_en, reviewer):
    reviewer.email = "rita@example.org"
    reviewer.save()
    call_command("reviewdigest")
    assert mailserver.messages == []


def test_accept_reference_page_is_for_reviewers_only(client, en_version, editor, reviewer):
    url = "https://www.example-clinic.org/car-t"
    services.draft_save(editor, en_version, services.DraftInput(
        title="Fever", summary="S.", sections=[{"heading": "H", "anchor": "h", "body": "A [1]."}],
        references=[{"number": 1, "text": "A clinic page.", "url": url}]))
    client.force_login(editor)
    page = client.get(f"/en/staff/editorial/{en_version.pk}/").content.decode()
    assert "data-held-references" in page and "Accept this source" not in page
    assert client.post(f"/en/staff/editorial/{en_version.pk}/accept-reference/",
                       {"url": url}).status_code == 403
    client.force_login(reviewer)
    page = client.get(f"/en/staff/editorial/{en_version.pk}/").content.decode()
    assert "Accept this source" in page
    response = client.post(f"/en/staff/editorial/{en_version.pk}/accept-reference/",
                           {"url": url, "note": "Hospital patient page, checked"})
    assert response.status_code == 302
    assert services.unaccepted_references(en_version) == []
    assert AuditEntry.objects.get(action="articles.reference_accept").data["note"] == (
        "Hospital patient page, checked")


def test_export_and_raw_import_keep_key_points_and_reference_fields(published_en, editor):
    data = services.draft_from_structured(
        title="Fever", summary="What a fever means.", key_points="Check twice a day.",
        sections=[{"heading": "What it is", "anchor": "what-it-is", "body": "Text [1]."}],
        references=[{"authors": "NCI", "title": "Fever", "year": "2025",
                     "url": "https://www.cancer.gov/", "accessed": datetime.date(2026, 12, 1)}])
    services.draft_save(editor, published_en, data)
    published_en.refresh_from_db()
    text = services.content_export(editor, published_en)
    assert "key_points:" in text and "accessed: '2026-12-01'" in text
    again = services.draft_from_text(text)
    assert again.key_points == ["Check twice a day."]
    assert again.references == data.references


def test_new_translation_starts_from_the_english_text(client, published_en, translator):
    client.force_login(translator)
    response = client.post(f"/en/staff/editorial/{published_en.pk}/translate/")
    spanish = ArticleVersion.objects.get(article=published_en.article, language="es")
    assert response["Location"].endswith(f"/{spanish.pk}/edit/")
    html = client.get(response["Location"]).content.decode()
    assert "No translation has been saved yet" in html
    assert 'value="What it is"' in html and "data-changed-sentence" in html


@pytest.mark.parametrize(("url", "outcome"), [
    ("javascript:alert(document.cookie)", "refused"),
    ("http://www.car-t-deals.shop/cart", "refused"),
    ("https://www.car-t-deals.shop/cart", "held"),
])
def test_editor_refuses_or_holds_bad_references(client, published_en, editor, reviewer, url,
                                               outcome):
    client.force_login(editor)
    before = published_en.latest_revision_id
    data = editor_post(sections=[{"heading": "Rest", "anchor": "", "body": "Rest [1] [2]."}],
                       references=[{"title": "NCI", "url": "https://www.cancer.gov/"},
                                   {"title": "Deals", "url": url}])
    response = client.post(f"/en/staff/editorial/{published_en.pk}/edit/", data)
    published_en.refresh_from_db()
    if outcome == "refused":
        assert response.status_code == 400
        assert "Reference 2:" in response.content.decode()
        assert published_en.latest_revision_id == before
        return
    assert response.status_code == 302 and published_en.latest_revision_id != before
    page = client.get(f"/en/staff/editorial/{published_en.pk}/edit/").content.decode()
    assert "data-held-references" in page and "www.car-t-deals.shop" in page
    services.submit_for_review(editor, published_en)
    with pytest.raises(services.ApplicationError, match="Reference 2 is outside"):
        services.publish(reviewer, published_en)


@pytest.mark.parametrize("payload", [
    {},
    {"sections-TOTAL_FORMS": "x", "references-TOTAL_FORMS": "-1", "title": "T"},
    {**editor_post(sections=[{"heading": "H", "anchor": "", "body": "B", "ORDER": "first"}],
                   references=[])},
])
def test_garbage_posts_get_a_clear_400_not_a_500(client, published_en, editor, payload):
    client.force_login(editor)
    for path in ("edit/", "edit/preview/"):
        response = client.post(f"/en/staff/editorial/{published_en.pk}/{path}", payload)
        assert response.status_code == 400, (path, response.status_code)
    published_en.refresh_from_db()
    assert published_en.latest_revision.title == "Fever after CAR T"
