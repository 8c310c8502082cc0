"""Honest review fields, the reference policy in the loader and the editor, and the phone token."""

from __future__ import annotations

import textwrap

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from helpline.articles import markup, selectors, services
from helpline.articles.models import ArticleVersion, Revision
from helpline.articles.reference_policy import check_reference_url

pytestmark = pytest.mark.django_db


def content_file(directory, *, url="https://www.cancer.gov/about-cancer/treatment/research/car-t-cells",
                 body="A plain paragraph [1]. Call us at {helpline-phone}."):
    path = directory / "fever-check.en.md"
    path.write_text(textwrap.dedent(f"""\
        ---
        key: fever-check
        lang: en
        slug: fever-check
        topic: car-t
        title: "Checking for fever"
        summary: "How to check for fever."
        written_by: Helpline editorial team
        medically_reviewed_by: ""
        last_revised: 2026-12-05
        references:
          - number: 1
            text: "National Cancer Institute. CAR T cells."
            url: "https://www.cancer.gov/"
          - number: 2
            text: "A second source."
            url: "{url}"
        ---

        ## What to check {{#what-to-check}}

        {body}
        """), encoding="utf-8")
    return path


@pytest.mark.parametrize("url", [
    "https://www.fda.gov/media/1/download",
    "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=abc",
    "https://pubmed.ncbi.nlm.nih.gov/30592986/",
    "https://doi.org/10.1016/j.bbmt.2018.12.758",
    "https://www.cancer.org/es/",
    "HTTPS://WWW.CANCER.GOV/",
    "https://aacrjournals.org/clincancerres/article-abstract/30/14/2865/746337/x",
    "https://www.mdanderson.org/cancerwise/x.html",
    "https://oncolink.org/cancer-treatment/oncolink-rx/x",
    "https://teens.aboutkidshealth.ca/healthaz/oncology/x",
    "https://www.childrensoncologygroup.org/school-support/x",
    "https://www.cancersupportcommunity.org/x",
    "https://bloodcancerunited.org/about-us",
    "",
])
def test_trusted_references_pass(url):
    assert check_reference_url(url) == (True, "")


@pytest.mark.parametrize(("url", "words"), [
    ("http://www.cancer.gov/", "https"),
    ("javascript:alert(1)", "javascript"),
    ("data:text/html,<b>x</b>", "data"),
    ("https://www.bioworld.com/articles/1", "bioworld.com"),
    ("https://www.drugs.com/pro/kymriah.html", "drugs.com"),
    ("https://www.cigna.com/knowledge-center/hw/medications/x", "cigna.com"),
    ("https://www.explorecarttherapy.com/infection/", "explorecarttherapy.com"),
    ("https://www.osfhealthcare.org/childrens/x", "osfhealthcare.org"),
    ("https://www.childrensdayton.org/kidshealth/a/x", "childrensdayton.org"),
    ("https://cancer.gov.example.com/page", "cancer.gov.example.com"),
    ("https://evilcancer.gov/page", "evilcancer.gov"),
    ("https://www.fda.gov@evil.example/", "user name"),
    ("https://192.0.2.1/label.pdf", "IP address"),
    ("https://www.fda.gov:8443/x", "port"),
    ("ftp://www.fda.gov/x", "https://"),
    ("https://www.fda.gov/ x", "spaces"),
])
def test_untrusted_references_are_refused_with_a_reason(url, words):
    ok, reason = check_reference_url(url)
    assert ok is False
    assert words in reason


def test_loader_refuses_a_file_with_an_untrusted_reference(tmp_path):
    path = content_file(tmp_path, url="https://www.bigmoleculewatch.com/2024/11/19/x/")
    with pytest.raises(markup.ContentError) as caught:
        services.content_load_file(path)
    message = str(caught.value)
    assert "fever-check.en.md" in message and "reference 2" in message
    assert "bigmoleculewatch.com" in message
    assert not ArticleVersion.objects.filter(article__key="fever-check").exists()


def test_loadcontent_command_reports_the_bad_reference_clearly(tmp_path):
    content_file(tmp_path, url="http://www.cancer.gov/")
    with pytest.raises(CommandError, match=r"fever-check\.en\.md: reference 2: .*https"):
        call_command("loadcontent", str(tmp_path))


def test_editor_form_refuses_an_untrusted_reference_and_saves_nothing(client, tmp_path, editor):
    services.content_load_file(content_file(tmp_path))
    version = ArticleVersion.objects.get(article__key="fever-check")
    before = Revision.objects.filter(version=version).count()
    text = content_file(tmp_path, url="javascript:alert(document.cookie)").read_text()
    client.force_login(editor)
    response = client.post(f"/en/staff/editorial/{version.pk}/", {"text": text, "change_note": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Reference 2:" in html and "“javascript:” addresses are never allowed" in html
    assert Revision.objects.filter(version=version).count() == before


def test_loaded_content_shows_the_honest_line_until_a_reviewer_publishes(
        client, tmp_path, editor, reviewer, django_capture_on_commit_callbacks):
    services.content_load_file(content_file(tmp_path))
    version = ArticleVersion.objects.get(article__key="fever-check")
    html = client.get("/en/articles/fever-check/").content.decode()
    assert "Awaiting medical review by the organisation that runs this helpline." in html
    assert "data-last-reviewed" not in html
    assert f"Call us at {settings.HELPLINE['PHONE']}." in html and "{helpline-phone}" not in html
    section = next(selectors.version_sections(version))
    assert section["last_reviewed"] is None and "Awaiting medical review" in section["review_line"]
    assert settings.HELPLINE["PHONE"] in section["text"]

    # A real medical reviewer's publish replaces the line with the reviewer and the date.
    services.draft_save(editor, version, services.draft_from_text(
        content_file(tmp_path, body="A revised paragraph [1].").read_text()))
    services.submit_for_review(editor, version)
    with django_capture_on_commit_callbacks(execute=True):  # the publish event, as after a commit
        services.publish(reviewer, version)
    version.refresh_from_db()
    html = client.get("/en/articles/fever-check/").content.decode()
    assert "Awaiting medical review" not in html
    assert "data-last-reviewed" in html and "Medically reviewed by" in html
    assert reviewer.get_username() in html or reviewer.get_full_name() in html
    section = next(selectors.version_sections(version))
    assert section["last_reviewed"] == version.live_revision.date_reviewed is not None
    assert section["review_line"].startswith("Medically reviewed by")


def test_export_of_unreviewed_content_leaves_out_the_review_date(tmp_path, editor):
    services.content_load_file(content_file(tmp_path))
    version = ArticleVersion.objects.get(article__key="fever-check")
    text = services.content_export(editor, version)
    assert "date_reviewed" not in text and "medically_reviewed_by: ''" in text
    assert "{helpline-phone}" in text  # the token round-trips; only display replaces it
