"""Editors at work in a real browser, at 1280x800 and 360x740: the structured editor, the
translator's view of what changed, and a review that stamps the page and the PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from helpline.accounts.testing import make_staff

from .conftest import PHONE, login, new_page, server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]
DESKTOP_800 = {"width": 1280, "height": 800}
VIEWPORTS = [pytest.param(DESKTOP_800, id="desktop"), pytest.param(PHONE, id="phone")]

SECTIONS = [
    ("Why you may feel tired", "Tiredness is common in the weeks after CAR T-cell therapy [1]."),
    ("What helps", "- Short walks most days [2]\n- Regular meals and water [3]"),
    ("When to call your team", "Call your care team if you feel confused or very sleepy [1, 4]."),
]
REFERENCES = [
    ("National Cancer Institute", "CAR T cells: engineering immune cells to treat cancer",
     "NCI", "2024", "https://www.cancer.gov/about-cancer/treatment/research/car-t-cells"),
    ("American Society of Clinical Oncology", "Fatigue", "Cancer.Net", "2023",
     "https://www.cancer.net/coping-with-cancer/physical-emotional-and-social-effects-cancer/managing-physical-side-effects/fatigue"),
    ("National Cancer Institute", "Nutrition in cancer care", "NCI", "2024",
     "https://www.cancer.gov/about-cancer/treatment/side-effects/appetite-loss/nutrition-pdq"),
    ("US Food and Drug Administration", "Kymriah prescribing information", "FDA", "2024",
     "https://www.fda.gov/media/107296/download"),
]


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF"), data[:40]
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
                    .split())


def submit_and_wait(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_editor_builds_an_article_reviewer_publishes_and_page_and_pdf_are_stamped(
        playwright_browser, viewport, shots):
    from helpline.accounts.models import StaffProfile
    from helpline.articles.models import ArticleVersion, Topic

    Topic.objects.create(slug="side-effects", name_en="Side effects", name_es="Efectos")
    make_staff("eddie", "editor")
    rita = make_staff("rita", "medical_reviewer")
    StaffProfile.objects.create(user=rita, display_name="Rita Alvarez",
                                credentials="MD, hematology-oncology")
    with server() as srv:
        context, page = new_page(playwright_browser, viewport)
        login(page, srv.url, "eddie", "/en/staff/editorial/")
        with page.expect_navigation():
            page.get_by_role("link", name="New article").click()
        page.fill("#id_title", "Tiredness after CAR T")
        page.select_option("#id_topic", label="Side effects")
        submit_and_wait(page, "Start writing")
        assert page.url.endswith("/edit/")
        page.fill("#id_title", "Tiredness after CAR T")
        page.fill("#id_summary", "Why you may feel tired after CAR T-cell therapy and what helps.")
        page.fill("#id_key_points", "Tiredness is common.\nCall your team if you are confused.")
        for i, (heading, body) in enumerate(SECTIONS):
            if i:
                submit_and_wait(page, "Add a section")
            page.fill(f"[name=sections-{i}-heading]", heading)
            page.fill(f"[name=sections-{i}-body]", body)
        for i, (authors, title, publisher, year, url) in enumerate(REFERENCES):
            if i:
                submit_and_wait(page, "Add a reference")
            page.fill(f"[name=references-{i}-authors]", authors)
            page.fill(f"[name=references-{i}-title]", title)
            page.fill(f"[name=references-{i}-publisher]", publisher)
            page.fill(f"[name=references-{i}-year]", year)
            page.fill(f"[name=references-{i}-url]", url)
        assert page.locator("[name$='-heading']").count() == 3
        assert page.locator("[name^='references-'][name$='-title']").count() == 4

        # Preview: the page as visitors will see it, rendered by the public template.
        page.get_by_role("button", name="Preview", exact=True).click()
        preview = page.frame_locator("#article-preview")
        preview.locator("h1", has_text="Tiredness after CAR T").wait_for()
        assert preview.locator("article section h2").filter(has_text="What helps").count() == 1
        assert preview.locator("#ref-4").inner_text().startswith("US Food and Drug Administration")
        assert preview.locator(".key-points li").count() == 2
        shots(page, "editor-preview")
        # The live preview follows typing (debounced fetch).
        page.fill("[name=sections-1-heading]", "What helps most")
        preview.locator("h2", has_text="What helps most").wait_for()

        submit_and_wait(page, "Save draft")
        assert page.get_by_text("Draft saved.").count() == 1
        version = ArticleVersion.objects.get(article__key="tiredness-after-car-t")
        revision = version.latest_revision
        assert [s["heading"] for s in revision.sections] == [
            "Why you may feel tired", "What helps most", "When to call your team"]
        assert len(revision.references) == 4
        page.goto(f"{srv.url}/en/staff/editorial/{version.pk}/")
        submit_and_wait(page, "Send for medical review")
        assert page.locator("[data-status]").get_attribute("data-status") == "in_review"
        shots(page, "sent-to-review")
        context.close()

        context, page = new_page(playwright_browser, viewport)
        login(page, srv.url, "rita", f"/en/staff/editorial/{version.pk}/")
        submit_and_wait(page, "Publish (medical review passed)")
        assert page.locator("[data-status]").get_attribute("data-status") == "published"
        version.refresh_from_db()
        today = timezone.localdate()
        with translation.override("en"):
            today_text = formats.date_format(today, "DATE_FORMAT")
        page.goto(srv.url + version.get_absolute_url())
        meta = page.locator(".article-meta").inner_text()
        assert "Rita Alvarez, MD, hematology-oncology" in meta and today_text in meta
        assert page.locator("[data-last-reviewed]").get_attribute("datetime") == today.isoformat()
        assert "Rita Alvarez" in page.locator("[data-review-history]").inner_text()
        shots(page, "public-page")
        with page.expect_download() as info:
            page.locator("a[type='application/pdf']").click()
        text = pdf_text(Path(info.value.path()).read_bytes())
        assert "Rita Alvarez, MD, hematology-oncology" in text and today_text in text
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_translator_sees_the_changed_english_sentences(playwright_browser, viewport, shots):
    from helpline.articles import services
    from helpline.articles.models import Article, ArticleVersion, Topic

    editor = make_staff("eddie", "editor")
    reviewer = make_staff("rita", "medical_reviewer")
    translator = make_staff("tomas", "translator")
    topic = Topic.objects.create(slug="side-effects", name_en="Side effects", name_es="Efectos")
    article = Article.objects.create(key="tiredness", topic=topic)
    en = ArticleVersion.objects.create(article=article, language="en", slug="tiredness")
    es = ArticleVersion.objects.create(article=article, language="es", slug="cansancio")
    ref = {"number": 1, "text": "NCI. CAR T cells.", "url": "https://www.cancer.gov/"}

    def draft(title, bodies):
        return services.DraftInput(
            title=title, summary="Resumen." if title.startswith("Cans") else "Summary.",
            references=[ref],
            sections=[{"heading": h, "anchor": a, "body": b} for h, a, b in bodies])

    old = [("Why", "why", "Tiredness is common [1]. It gets better with time."),
           ("Help", "help", "Walk a little every day [1].")]
    new = [("Why", "why", "Tiredness is common [1]. It can last several months."),
           ("Help", "help", "Walk a little every day [1].")]
    for actor, version, title, bodies in (
            (editor, en, "Tiredness", old), (translator, es, "Cansancio", [
                ("Por qué", "por-que", "El cansancio es común [1]. Mejora con el tiempo."),
                ("Ayuda", "ayuda", "Camine un poco cada día [1].")]),
            (editor, en, "Tiredness", new)):
        services.draft_save(actor, version, draft(title, bodies))
        services.submit_for_review(actor, version)
        services.publish(reviewer, version)

    with server() as srv:
        context, page = new_page(playwright_browser, viewport)
        login(page, srv.url, "tomas", f"/en/staff/editorial/{es.pk}/")
        assert page.locator("[data-flag=translation-out-of-date]").count() == 1
        with page.expect_navigation():
            page.get_by_role("link", name="Open the editor").click()
        summary = page.locator("[data-translation-summary]").inner_text()
        assert "r1" in summary and "r2" in summary
        changed = page.locator("mark[data-changed-sentence]")
        assert changed.count() == 1
        assert changed.inner_text() == "It can last several months."
        sources = page.locator(".english-source")
        assert sources.nth(0).get_attribute("data-english-status") == "changed"
        assert sources.nth(1).get_attribute("data-english-status") == "same"
        # The Spanish text to update is beside it.
        assert page.locator("[name=sections-0-body]").input_value().startswith("El cansancio")
        shots(page, "translator-sees-changes")
        page.fill("[name=sections-0-body]",
                  "El cansancio es común [1]. Puede durar varios meses.")
        submit_and_wait(page, "Save draft")
        assert page.locator("[data-no-changes]").count() == 1
        assert page.locator("mark[data-changed-sentence]").count() == 0
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_structured_editor_works_without_javascript(playwright_browser, viewport, shots):
    from helpline.articles import services
    from helpline.articles.models import Article, ArticleVersion, Topic

    editor = make_staff("eddie", "editor")
    topic = Topic.objects.create(slug="side-effects", name_en="Side effects", name_es="Efectos")
    version = ArticleVersion.objects.create(
        article=Article.objects.create(key="rest", topic=topic), language="en", slug="rest")
    services.draft_save(editor, version, services.DraftInput(
        title="Rest", summary="Resting well.",
        sections=[{"heading": "Why", "anchor": "why", "body": "Rest helps [1]. Sleep too [2]."}],
        references=[{"number": 1, "text": "NCI. Fatigue.", "url": "https://www.cancer.gov/"},
                    {"number": 2, "text": "FDA. Label.", "url": "https://www.fda.gov/"}]))
    with server() as srv:
        context, page = new_page(playwright_browser, viewport, java_script_enabled=False)
        login(page, srv.url, "eddie", f"/en/staff/editorial/{version.pk}/edit/")
        # Swap the two references by their positions: the citations follow them.
        page.fill("[name=references-0-ORDER]", "2")
        page.fill("[name=references-1-ORDER]", "1")
        page.fill("[name=sections-0-heading]", "Why rest matters")
        page.get_by_role("button", name="Preview", exact=True).click()
        preview = page.frame_locator("#article-preview")
        preview.locator("h2", has_text="Why rest matters").wait_for()
        assert preview.locator("#ref-1").inner_text().startswith("FDA. Label.")
        assert preview.locator("section[aria-labelledby=why] sup.cite").first.inner_text() == "[2]"
        shots(page, "no-js-preview")
        submit_and_wait(page, "Save draft")
        version.refresh_from_db()
        revision = version.latest_revision
        assert revision.sections[0]["body"] == "Rest helps [2]. Sleep too [1]."
        assert [r["text"] for r in revision.references] == ["FDA. Label.", "NCI. Fatigue."]
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_axe_on_the_editor_pages(playwright_browser, axe_path, viewport):
    from helpline.articles import services
    from helpline.articles.models import Article, ArticleVersion, Topic

    from .test_accessibility import run_axe

    editor = make_staff("eddie", "editor")
    make_staff("rita", "medical_reviewer")
    topic = Topic.objects.create(slug="side-effects", name_en="Side effects", name_es="Efectos")
    article = Article.objects.create(key="rest", topic=topic)
    en = ArticleVersion.objects.create(article=article, language="en", slug="rest")
    es = ArticleVersion.objects.create(article=article, language="es", slug="descanso")
    services.draft_save(editor, en, services.DraftInput(
        title="Rest", summary="Resting well.", key_points=["Rest helps."],
        sections=[{"heading": "Why", "anchor": "why", "body": "Rest helps [1]."}],
        references=[{"number": 1, "text": "NCI. Fatigue.", "url": "https://www.cancer.gov/"},
                    {"number": 2, "text": "A shop.", "url": "https://shop.example/"}]))
    services.submit_for_review(editor, en)
    with server() as srv:
        context, page = new_page(playwright_browser, viewport, bypass_csp=True)
        login(page, srv.url, "rita", f"/en/staff/editorial/{en.pk}/")
        assert page.locator("[data-held-references]").count() == 1
        problems = {"version": run_axe(page, axe_path)}
        submit_and_wait(page, "Accept this source")
        submit_and_wait(page, "Publish (medical review passed)")
        assert page.locator("[data-status]").get_attribute("data-status") == "published"
        context.close()

        context, page = new_page(playwright_browser, viewport, bypass_csp=True)
        login(page, srv.url, "eddie", "/en/staff/editorial/new/")
        problems["new"] = run_axe(page, axe_path)
        page.goto(f"{srv.url}/en/staff/editorial/{es.pk}/edit/")
        assert page.locator(".english-source").count() == 1
        problems["translation-editor"] = run_axe(page, axe_path)
        context.close()
    assert not any(problems.values()), problems
