"""'Was this helpful?' on article pages: stored per version without visitor data."""

import pytest

from helpline.articles import selectors, services
from helpline.articles.models import ArticleFeedback
from helpline.common.exceptions import ApplicationError

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    """A browser on this site: its form posts carry the site's Origin, as browsers send it."""
    from django.test import Client

    return Client(HTTP_ORIGIN="http://testserver")


def _url(version):
    return f"{version.get_absolute_url()}helpful/"


def test_article_page_has_an_accessible_helpful_form(client, published_en):
    page = client.get(published_en.get_absolute_url()).content.decode()
    assert '<legend>Was this helpful?</legend>' in page
    assert 'name="helpful" value="yes"' in page and 'name="helpful" value="no"' in page
    assert 'role="status"' in page and 'aria-live="polite"' in page
    # No per-visitor token: the page stays shareable by the page cache.
    assert 'csrfmiddlewaretoken' not in page
    assert "helpful.js" in page


def test_a_vote_posted_from_another_site_is_refused(published_en):
    from django.test import Client

    for headers in ({"HTTP_ORIGIN": "https://evil.example"}, {},
                    {"HTTP_REFERER": "https://evil.example/page"}, {"HTTP_ORIGIN": "null"}):
        response = Client(**headers).post(_url(published_en), {"helpful": "no"})
        assert response.status_code == 403, headers
    assert not ArticleFeedback.objects.exists()
    # A browser that sends only a same-site Referer is fine.
    ok = Client(HTTP_REFERER="http://testserver/en/articles/x/").post(_url(published_en), {"helpful": "yes"})
    assert ok.status_code == 302 and ArticleFeedback.objects.count() == 1


def test_article_page_in_spanish(client, published_es):
    page = client.get(published_es.get_absolute_url()).content.decode()
    assert "¿Le resultó útil?" in page and ">Sí</button>" in page


def test_plain_form_post_counts_once_per_session_and_redirects_back(client, published_en):
    response = client.post(_url(published_en), {"helpful": "no", "reason": "unclear"})
    assert response.status_code == 302
    assert response["Location"] == published_en.get_absolute_url() + "#helpful"
    row = ArticleFeedback.objects.get()
    assert (row.version_id, row.revision_number, row.helpful, row.reason) == (
        published_en.pk, 1, False, "unclear")
    # Nothing about the visitor is kept with the vote.
    assert {f.name for f in ArticleFeedback._meta.get_fields()} == {
        "id", "version", "revision_number", "helpful", "reason", "created_at"}
    again = client.post(_url(published_en), {"helpful": "no"}, follow=True)
    assert again.status_code == 200
    assert ArticleFeedback.objects.count() == 1
    page = again.content.decode()
    assert "Thank you for your feedback." in page
    assert 'name="helpful" value="yes"' not in page  # already answered in this session


def test_fetch_post_gets_json(client, published_en):
    response = client.post(_url(published_en), {"helpful": "yes", "reason": "unclear"},
                           HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"ok": True, "message": "Thank you for your feedback."}
    row = ArticleFeedback.objects.get()
    assert row.helpful is True and row.reason == ""  # a reason only goes with "no"


@pytest.mark.parametrize(("data", "code"), [
    ({}, "bad_helpful"),
    ({"helpful": "maybe"}, "bad_helpful"),
    ({"helpful": "no", "reason": "<script>"}, "bad_reason"),
])
def test_bad_input_is_a_clear_400(client, published_en, data, code):
    response = client.post(_url(published_en), data, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    plain = client.post(_url(published_en), data)
    assert plain.status_code == 400
    assert b'role="alert"' in plain.content
    assert ArticleFeedback.objects.count() == 0


def test_unpublished_or_unknown_article_is_404(client, en_version):
    unknown = client.post("/en/articles/no-such-article/helpful/", {"helpful": "yes"})
    assert unknown.status_code == 404
    assert client.post(_url(en_version), {"helpful": "yes"}).status_code == 404
    with pytest.raises(ApplicationError):
        services.article_feedback_record(en_version, helpful=True)


def test_get_is_not_allowed(client, published_en):
    assert client.get(_url(published_en)).status_code == 405


def test_helpful_posts_are_rate_limited(client, published_en):
    statuses = [client.post(_url(published_en), {"helpful": "yes"}).status_code
                for _ in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429


def test_counts_per_version_for_editors(client, published_en, published_es, editor):
    for vote, reason in [(True, ""), (True, ""), (False, "incomplete")]:
        services.article_feedback_record(published_en, helpful=vote, reason=reason)
    services.article_feedback_record(published_es, helpful=False)
    rows = {r["version_id"]: r for r in selectors.article_feedback_counts()}
    assert (rows[published_en.pk]["yes"], rows[published_en.pk]["no"]) == (2, 1)
    assert rows[published_en.pk]["rate"] == 66.7
    assert rows[published_es.pk]["rate"] == 0.0
    assert selectors.article_feedback_counts(language="es")[0]["version_id"] == published_es.pk
    summary = selectors.version_feedback(published_en)
    assert summary["reasons"] == [{"reason": "It was missing information I needed", "n": 1}]

    client.force_login(editor)
    listing = client.get("/en/staff/editorial/").content.decode()
    assert "2 yes · 1 no (66.7 %)" in listing
    page = client.get(f"/en/staff/editorial/{published_en.pk}/").content.decode()
    assert "Last 30 days: 2 yes · 1 no" in page
    assert "It was missing information I needed: 1" in page
