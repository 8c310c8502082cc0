"""axe-core on every public page type (English and Spanish), the console and the dashboard,
plus the chat used with the keyboard alone."""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, load_content, login, make_specialist, new_page, server

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PUBLIC_PATHS = [
    "/{lang}/",
    "/{lang}/articles/",
    "{article}",
    "/{lang}/pdfs/",
    "/{lang}/ask/",
    "/{lang}/chat/",
    "/{lang}/chat/callback/",
    "/{lang}/resources/",
    "/{lang}/resources/?need=lodging&zip_code=10001",
    "/{lang}/newsletter/",
    "/{lang}/volunteer/",
    "/{lang}/donate/",
    "/{lang}/timeline/",
    "/{lang}/timeline/at-home/",
    "/{lang}/about/",
    "/{lang}/privacy/",
    "/{lang}/how-we-review/",
    "/{lang}/topics/",
]
BLOCKING = {"serious", "critical"}


def run_axe(page, axe_path) -> list[dict]:
    page.add_script_tag(path=str(axe_path))
    result = page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})"
    )
    assert result["passes"], "axe ran no checks"  # proves the engine really ran on the page
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in BLOCKING
    ]


def _article_url(lang: str) -> str:
    from helpline.articles.models import ArticleVersion

    version = ArticleVersion.objects.get(article__key="car-t-cytokine-release-syndrome", language=lang)
    return version.get_absolute_url()


def _live_panel_updated(page) -> None:
    """The dashboard's live panel has applied a frame from the socket (and shows the queue)."""
    page.wait_for_selector("#live-panel[data-live=on]", state="attached")
    total = page.locator("#live-table tr.live-total")
    assert total.locator("[data-field=queue]").inner_text() == "2"
    assert total.locator("[data-field=wait]").inner_text() != "—"


def test_axe_public_pages_console_and_dashboard(playwright_browser, axe_path, shots):
    load_content()
    make_specialist("sam")
    from helpline.accounts.testing import make_staff

    make_staff("sue", "supervisor")
    make_staff("edna", "editor")
    from helpline.chat import services as chat

    # Something for the dashboard's live panel to show: a chat and a callback waiting.
    chat.conversation_start(language="en", visitor_name="Ana", first_message="Hello")
    chat.callback_request_create(language="es", visitor_name="Luis", phone="555-010-0100",
                                 preferred_time="Morning")
    articles = {lang: _article_url(lang) for lang in ("en", "es")}
    failures = {}
    with server(chat_open=True) as srv:
        context, page = new_page(playwright_browser, DESKTOP, bypass_csp=True)
        for lang in ("en", "es"):
            for pattern in PUBLIC_PATHS:
                path = pattern.format(lang=lang, article=articles[lang])
                response = page.goto(srv.url + path)
                assert response.status == 200, f"{path}: HTTP {response.status}"
                shots(page, path.strip("/").replace("/", "_").replace("?", "_") or "home")
                violations = run_axe(page, axe_path)
                if violations:
                    failures[path] = violations
            # An answer page: ask a question the content answers.
            page.goto(f"{srv.url}/{lang}/ask/")
            question = ("What is cytokine release syndrome?" if lang == "en"
                        else "¿Qué es el síndrome de liberación de citocinas?")
            page.fill("textarea[name=question]", question)
            with page.expect_navigation():
                page.locator("form.ask-form button[type=submit]").click()
            shots(page, f"{lang}-answer")
            violations = run_axe(page, axe_path)
            if violations:
                failures[f"/{lang}/ask/ (answer)"] = violations
        # Staff pages: the console and the dashboard.
        login(page, srv.url, "sam", "/en/chat/console/")
        shots(page, "console")
        if violations := run_axe(page, axe_path):
            failures["/en/chat/console/"] = violations
        context.close()
        context, page = new_page(playwright_browser, DESKTOP, bypass_csp=True)
        login(page, srv.url, "sue", "/en/staff/dashboard/")
        assert "/staff/dashboard/" in page.url
        _live_panel_updated(page)
        shots(page, "dashboard")
        if violations := run_axe(page, axe_path):
            failures["/en/staff/dashboard/"] = violations
        page.goto(srv.url + "/es/staff/dashboard/")
        _live_panel_updated(page)
        if violations := run_axe(page, axe_path):
            failures["/es/staff/dashboard/"] = violations
        # The live panel with its "paused" note showing (the socket dropped).
        page.evaluate("document.getElementById('live-paused').hidden = false")
        if violations := run_axe(page, axe_path):
            failures["/es/staff/dashboard/ (live updates paused)"] = violations
        context.close()
        # The editor: the article list and one article's edit page, in both languages.
        from helpline.articles.models import ArticleVersion

        version = ArticleVersion.objects.get(article__key="car-t-cytokine-release-syndrome",
                                             language="en")
        context, page = new_page(playwright_browser, DESKTOP, bypass_csp=True)
        login(page, srv.url, "edna", "/en/staff/editorial/")
        for path in ("/en/staff/editorial/", f"/en/staff/editorial/{version.pk}/",
                     f"/es/staff/editorial/{version.pk}/"):
            assert page.goto(srv.url + path).status == 200, path
            shots(page, path.strip("/").replace("/", "_"))
            if violations := run_axe(page, axe_path):
                failures[path] = violations
        context.close()
    assert not failures, "serious/critical axe violations:\n" + "\n".join(
        f"{path}: {v}" for path, vs in failures.items() for v in vs
    )
