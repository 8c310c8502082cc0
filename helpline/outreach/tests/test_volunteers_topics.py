import csv
import io

import pytest
from django.test import Client

from helpline.accounts import roles
from helpline.accounts.testing import make_staff
from helpline.common.models import AuditEntry
from helpline.outreach.models import VolunteerInterest

GOOD = {"name": "Rosa Díaz", "email": "rosa@example.org", "zip_code": "19104",
        "areas": ["peer_support", "translation"], "availability": ["evenings"],
        "languages": ["en", "es"], "note": "Caregiver for my father."}


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["en", "es"])
def test_volunteer_form_stores_the_interest(client: Client, lang):
    response = client.post(f"/{lang}/volunteer/", GOOD)
    assert response.status_code == 200
    v = VolunteerInterest.objects.get()
    assert (v.name, v.email, v.zip_code) == ("Rosa Díaz", "rosa@example.org", "19104")
    assert v.areas == ["peer_support", "translation"]
    assert v.languages == ["en", "es"]


@pytest.mark.django_db
@pytest.mark.parametrize("change", [
    {"email": "rosa-at-example"}, {"zip_code": "99999"}, {"zip_code": "ABCDE"},
    {"areas": ["astronaut"]}, {"areas": []}, {"availability": []}, {"languages": []},
    {"name": ""}, {"note": "x" * 1001},
])
def test_bad_volunteer_input_is_refused_and_changes_nothing(client: Client, change):
    response = client.post("/en/volunteer/", {**GOOD, **change})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not VolunteerInterest.objects.exists()


@pytest.mark.django_db
def test_staff_list_and_csv_export_need_the_permission(client: Client):
    VolunteerInterest.objects.create(name="=HYPERLINK(\"x\")", email="a@example.org",
                                     zip_code="10001", areas=["events"],
                                     availability=["weekends"], languages=["en"])
    # Anonymous: sent to the login page. Specialist: forbidden.
    assert client.get("/en/volunteer/staff/").status_code == 302
    client.force_login(make_staff("spec", roles.SPECIALIST))
    assert client.get("/en/volunteer/staff/").status_code == 403
    assert client.get("/en/volunteer/staff/volunteers.csv").status_code == 403

    client.force_login(make_staff("super", roles.SUPERVISOR))
    page = client.get("/en/volunteer/staff/")
    assert page.status_code == 200 and "a@example.org" in page.content.decode()
    export = client.get("/en/volunteer/staff/volunteers.csv")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0][:4] == ["created_at", "name", "email", "zip_code"]
    assert rows[1][1] == "'=HYPERLINK(\"x\")"  # not run as a spreadsheet formula
    assert rows[1][2:6] == ["a@example.org", "10001", "events", "weekends"]
    assert AuditEntry.objects.filter(action="outreach.volunteer_export").count() == 1


@pytest.mark.django_db
def test_donation_staff_page_needs_the_permission(client: Client):
    client.force_login(make_staff("spec", roles.SPECIALIST))
    assert client.get("/en/donate/staff/").status_code == 403
    client.force_login(make_staff("admin1", roles.ADMINISTRATOR))
    assert client.get("/en/donate/staff/").status_code == 200


@pytest.mark.django_db
def test_topics_page_links_articles_resources_and_chat(client: Client):
    from helpline.articles.models import Article, ArticleVersion, Revision, Topic

    topic = Topic.objects.create(slug="car-t", name_en="CAR T", name_es="CAR T")
    article = Article.objects.create(key="car-t-how-it-works", topic=topic)
    for lang, title, status in (("en", "How CAR T works", "published"),
                                ("es", "Cómo funciona CAR T (borrador)", "draft")):
        version = ArticleVersion.objects.create(article=article, language=lang,
                                                slug=f"how-{lang}", status=status)
        revision = Revision.objects.create(version=version, number=1, title=title, summary="s")
        version.latest_revision = revision
        if status == "published":
            version.live_revision = revision
        version.save()

    en = client.get("/en/topics/").content.decode()
    assert 'href="/en/articles/how-en/"' in en and "How CAR T works" in en
    assert 'href="/en/resources/?need=lodging"' in en
    assert 'href="/en/chat/"' in en
    es = client.get("/es/topics/").content.decode()
    assert "CAR T (borrador)" not in es and "how-es" not in es  # not published in Spanish: not linked
    assert 'href="/es/resources/?need=financial"' in es
    assert 'href="/es/chat/"' in es
