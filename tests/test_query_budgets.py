"""Query budgets on the hot paths: the public article page, Ask, the specialist console's
snapshot and the supervisor dashboard. Each budget is the number of SQL queries the path
makes today; a change that adds a query per row (or one more per request) fails here.
Where a list is involved the count is taken twice, with a short and a longer list, and must
not grow with it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from helpline.accounts import roles
from helpline.accounts.testing import make_staff
from helpline.answers.tests.conftest import knowledge_base  # noqa: F401 - fixture
from helpline.chat import pages
from helpline.chat import services as chat

pytestmark = pytest.mark.django_db

ARTICLE_PAGE = 4
ASK = 2
CONSOLE_SNAPSHOT = 5
# The dashboard's reads differ a little by database (raw SQL for SQLite and PostgreSQL).
# (Includes the signed-in staff member's onboarding check: one indexed query per staff request,
# and the live panel: two for chat's live summary, one for "does this person get live updates".)
DASHBOARD = {"sqlite": 30, "postgresql": 29}


def test_article_page(client, knowledge_base, django_assert_num_queries):  # noqa: F811
    from helpline.articles.selectors import public_versions

    url = public_versions("en").first().get_absolute_url()
    cache.clear()  # the page cache: measure the page being built, not served from memory
    with django_assert_num_queries(ARTICLE_PAGE):
        response = client.get(url)
    assert response.status_code == 200


def test_ask(client, knowledge_base, django_assert_num_queries):  # noqa: F811
    client.get("/en/ask/")  # the session and CSRF cookie
    with django_assert_num_queries(ASK):
        response = client.post("/en/ask/", {"question": "What is cytokine release syndrome?"})
    assert response.status_code == 200
    assert "quoted word for word" in response.content.decode()  # an answer, not an error


def test_console_snapshot_does_not_grow_with_the_queue(django_assert_num_queries):
    specialist = make_staff("sam", roles.SPECIALIST)
    chat.specialist_set_status(specialist, available=True, languages=["en", "es"])
    for n in range(3):
        chat.conversation_start(language="en", visitor_name=f"V{n}", first_message="Hello")
    with django_assert_num_queries(CONSOLE_SNAPSHOT):
        short = pages.console_snapshot(specialist)
    for n in range(3, 9):
        chat.conversation_start(language="es", visitor_name=f"V{n}", first_message="Hola")
    with django_assert_num_queries(CONSOLE_SNAPSHOT):
        longer = pages.console_snapshot(specialist)
    assert (len(short["queue"]), len(longer["queue"])) == (3, 9)


def test_dashboard_does_not_grow_with_the_data(client, django_assert_num_queries):
    supervisor = make_staff("sue", roles.SUPERVISOR)
    client.force_login(supervisor)
    query = {"start": "2026-03-01", "end": "2026-03-07"}
    client.get("/en/staff/dashboard/", query)  # the session
    with django_assert_num_queries(DASHBOARD[connection.vendor]):
        empty = client.get("/en/staff/dashboard/", query)
    for n in range(5):
        chat.conversation_start(language="en", visitor_name=f"V{n}", first_message="Hello")
    with django_assert_num_queries(DASHBOARD[connection.vendor]):
        busy = client.get("/en/staff/dashboard/", query)
    assert empty.status_code == busy.status_code == 200
