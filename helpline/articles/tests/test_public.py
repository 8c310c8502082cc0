"""What the public sees: published versions only, in the right language, as HTML and PDF."""

import io
import re

import pytest
from pypdf import PdfReader

from helpline.articles import services
from helpline.articles.models import ArticleVersion

from .conftest import draft

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_draft_is_invisible_everywhere(client, en_version, editor):
    services.draft_save(editor, en_version, draft(title="Secret draft"))
    services.submit_for_review(editor, en_version)
    assert client.get("/en/articles/fever-after-car-t/").status_code == 404
    assert client.get("/en/articles/fever-after-car-t.pdf").status_code == 404
    assert b"fever-after-car-t" not in client.get("/sitemap.xml").content
    assert b"Secret draft" not in client.get("/en/articles/").content
    assert b"Secret draft" not in client.get("/en/").content


def test_unpublished_changes_do_not_leak(client, published_en, editor):
    services.draft_save(editor, published_en, draft(title="Unreviewed new title"))
    page = client.get("/en/articles/fever-after-car-t/")
    assert page.status_code == 200
    assert b"Unreviewed new title" not in page.content
    assert "Unreviewed new title" not in pdf_text(client.get("/en/articles/fever-after-car-t.pdf"))


def test_archived_version_disappears(client, published_en, reviewer):
    services.archive(reviewer, published_en)
    assert client.get("/en/articles/fever-after-car-t/").status_code == 404
    assert client.get("/en/articles/fever-after-car-t.pdf").status_code == 404
    assert b"fever-after-car-t" not in client.get("/sitemap.xml").content


def test_staff_preview_is_not_for_the_public(client, published_en, editor):
    url = f"/en/staff/editorial/{published_en.pk}/r1/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(editor)
    page = client.get(url)
    assert page.status_code == 200
    assert b'name="robots" content="noindex' in page.content


def test_robots_txt_keeps_crawlers_out_of_staff_pages(client):
    body = client.get("/robots.txt").content.decode()
    assert "Disallow: /en/staff/" in body and "Sitemap:" in body


@pytest.mark.parametrize(
    ("url", "lang", "phrase"),
    [("/en/articles/no-such-article/", "en", "We could not find that page"),
     ("/es/articles/no-such-article/", "es", "No pudimos encontrar esa página"),
     ("/es/no-such-page/", "es", "No pudimos encontrar esa página")],
)
def test_404_in_the_visitors_language(client, url, lang, phrase):
    response = client.get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert phrase in html
    assert "Traceback" not in html


def test_language_switch_keeps_the_same_article(client, published_es):
    html = client.get("/es/articles/fiebre-tras-car-t/").content.decode()
    assert '<html lang="es">' in html
    assert 'href="/en/articles/fever-after-car-t/"' in html
    html = client.get("/en/articles/fever-after-car-t/").content.decode()
    assert 'href="/es/articles/fiebre-tras-car-t/"' in html


def test_pdf_regenerated_when_a_new_revision_is_published(client, published_en, editor, reviewer):
    assert "Fever after CAR T" in pdf_text(client.get("/en/articles/fever-after-car-t.pdf"))
    services.draft_save(editor, published_en, draft(title="Fever and chills after CAR T"))
    services.submit_for_review(editor, published_en)
    services.publish(reviewer, published_en)
    assert "Fever and chills after CAR T" in pdf_text(
        client.get("/en/articles/fever-after-car-t.pdf"))


def test_malformed_query_string_is_a_clear_400(client, published_en, editor):
    client.force_login(editor)
    response = client.get(f"/en/staff/editorial/{published_en.pk}/r1/compare/?against=abc")
    assert response.status_code == 400


def test_editorial_page_permissions(client, published_en, specialist, editor):
    client.force_login(specialist)
    assert client.get("/en/staff/editorial/").status_code == 403
    client.force_login(editor)
    page = client.get("/en/staff/editorial/")
    assert page.status_code == 200 and b"Fever after CAR T" in page.content


def test_publish_through_the_staff_page_is_refused_for_an_editor(client, en_version, editor):
    services.draft_save(editor, en_version, draft())
    services.submit_for_review(editor, en_version)
    client.force_login(editor)
    client.post(f"/en/staff/editorial/{en_version.pk}/publish/", {"note": ""})
    en_version.refresh_from_db()
    assert en_version.status == ArticleVersion.Status.IN_REVIEW


class TestBundledContent:
    """The CAR T article set that ships with Helpline."""

    def test_sitemap_lists_eight_articles_per_language(self, client, bundled_content):
        xml = client.get("/sitemap.xml").content.decode()
        locs = re.findall(r"<loc>[^<]*?(/(en|es)/articles/[^<]+)</loc>", xml)
        assert sum(1 for _, lang in locs if lang == "en") >= 8
        assert sum(1 for _, lang in locs if lang == "es") >= 8

    def test_every_article_renders_with_references_and_pdf(self, client, bundled_content):
        versions = list(ArticleVersion.objects.select_related("live_revision"))
        assert len(versions) >= 16
        for version in versions:
            url = version.get_absolute_url()
            html = client.get(url).content.decode()
            revision = version.live_revision
            assert f'<html lang="{version.language}">' in html, url
            assert 'id="references"' in html and 'id="ref-1"' in html, url
            # Bundled content has had no medical review: the page says so instead of a date.
            assert "data-last-updated" in html and "data-last-reviewed" not in html, url
            assert "Medically reviewed by" not in html and "Revisión médica" not in html, url
            assert re.search(r'<a [^>]*href="[^"]+\.pdf"', html), url
            for section in revision.sections:
                assert f'id="{section["anchor"]}"' in html, url
            text = pdf_text(client.get(version.get_pdf_url()))
            first_words = " ".join(revision.title.split()[:3])
            assert first_words in text.replace("\n", " "), url

    def test_loading_twice_changes_nothing(self, bundled_content):
        from pathlib import Path

        from django.conf import settings

        before = {v.pk: v.live_revision_id for v in ArticleVersion.objects.all()}
        report = services.content_load_directory(Path(settings.CONTENT_DIR) / "articles")
        assert report.created == report.updated == 0
        assert {v.pk: v.live_revision_id for v in ArticleVersion.objects.all()} == before

    def test_export_round_trips(self, bundled_content, editor):
        from helpline.articles import markup

        version = ArticleVersion.objects.get(article__key="car-t-how-it-works", language="en")
        text = services.content_export(editor, version)
        parsed = markup.parse(text)
        assert parsed.sections == version.live_revision.sections
        assert parsed.references == version.live_revision.references
        assert parsed.meta["title"] == version.live_revision.title


def test_pdf_cache_is_not_fooled_by_a_reused_revision_id(client, published_en):
    """Another database's revision with the same id (restored, rebuilt) gets its own file."""
    import datetime

    from helpline.articles import pdf

    first = pdf.pdf_for(published_en)
    revision = published_en.live_revision
    revision.title = "Other text under the same id"
    revision.published_at = revision.published_at + datetime.timedelta(seconds=5)
    revision.save()
    published_en.refresh_from_db()
    assert pdf.cache_path(published_en) != first
    assert "Other text under the same id" in pdf_text(client.get("/en/articles/fever-after-car-t.pdf"))

    @pytest.mark.parametrize(("lang", "line", "updated"), [
        ("en", "Written by the Helpline editorial team from the cited sources. Awaiting medical "
               "review by the organisation that runs this helpline.", "Last updated"),
        ("es", "Escrito por el equipo editorial de Helpline a partir de las fuentes citadas. "
               "Pendiente de revisión médica por parte de la organización que gestiona esta línea "
               "de ayuda.", "Última actualización"),
    ])
    def test_honest_review_line_on_page_pdf_and_pdf_list(self, client, bundled_content, lang,
                                                         line, updated):
        version = ArticleVersion.objects.select_related("live_revision").filter(
            language=lang, article__key="car-t-treatment-steps").get()
        html = client.get(version.get_absolute_url()).content.decode()
        assert line in html and f"{updated}:" in html
        assert 'datetime="2026-12-05" data-last-updated' in html
        text = " ".join(pdf_text(client.get(version.get_pdf_url())).split())
        assert line in text and updated in text
        assert "Medically reviewed by" not in text and "Last reviewed" not in text
        pdfs = client.get(f"/{lang}/pdfs/").content.decode()
        assert ("awaiting medical review" if lang == "en" else "pendiente de revisión médica") in pdfs

    def test_answer_passages_carry_the_honest_line_and_no_review_date(self, bundled_content):
        from helpline.articles import selectors

        sections = list(selectors.live_sections("es"))
        assert sections
        for section in sections:
            assert section["last_reviewed"] is None
            assert str(section["last_updated"]) == "2026-12-05"
            assert section["review_line"].startswith("Escrito por el equipo editorial de Helpline")
