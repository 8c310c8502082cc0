"""Dashboard figures on a small data set whose answers were worked out by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from helpline.accounts.testing import make_staff
from helpline.common.exceptions import NotAllowed
from helpline.dashboard import selectors
from helpline.dashboard.selectors import Period

NY = ZoneInfo("America/New_York")
START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 7)
QUERY = {"start": "2026-03-01", "end": "2026-03-07"}


def at(day: int, hour: int = 10, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, second, tzinfo=NY)


def conv(*, created, channel="chat", language="en", status="closed", wait=None, who=None,
         rating=None, topics=()):
    from helpline.chat.models import Conversation

    return Conversation.objects.create(
        channel=channel, language=language, status=status, created_at=created, queued_at=created,
        accepted_at=None if wait is None else created + dt.timedelta(seconds=wait),
        assigned_to=who, rating=rating, topics=list(topics),
    )


@pytest.fixture
def seeded(db):
    from helpline.answers.models import QuestionLog
    from helpline.resources.models import Referral, ReferralItem

    alice = make_staff("alice", "specialist")
    bob = make_staff("bob", "specialist")
    # English, in the period.
    conv(created=at(1), wait=30, who=alice, rating=5, topics=["zz-a", "zz-c"])
    conv(created=at(2), wait=60, who=alice, rating=4, topics=["zz-a"])
    conv(created=at(3), wait=120, who=bob, rating=2, topics=["zz-a", "zz-b"])
    conv(created=at(7, 23, 30), wait=300, who=bob)  # last evening of the period: included
    conv(created=at(4), status="abandoned")
    conv(created=at(5), status="waiting")
    conv(created=at(5, 11), channel="callback", who=bob, topics=["zz-b"])
    # Spanish, in the period.
    conv(created=at(6), language="es", wait=500, who=alice, rating=5, topics=["zz-a"])
    # Outside the period (just after midnight local time on 8 March, and before 1 March).
    conv(created=at(8, 0, 30), wait=999, who=alice, rating=1, topics=["zz-a"])
    conv(created=dt.datetime(2026, 2, 28, 23, 59, tzinfo=NY), status="abandoned")

    def q(status, text="What is CAR T?", lang="en", handed_off=False, day=2):
        QuestionLog.objects.create(question=text, lang=lang, status=status,
                                   handed_off=handed_off, created_at=at(day))

    q("answered")
    q("answered", handed_off=True)
    q("no_answer", "Can I drive after treatment?")
    q("no_answer", "Can I drive after treatment?", day=3)
    q("no_answer", "Call me at 555-123-4567 about insurance")
    q("no_answer", "=HYPERLINK(\"http://x\")")
    q("urgent", "I have a fever of 39")
    q("no_answer", "¿Puedo viajar?", lang="es")
    q("no_answer", "Old question", day=9)

    def ref(needs, lang="en", day=3):
        referral = Referral.objects.create(created_by=alice, created_at=at(day), language=lang)
        for need in needs:
            ReferralItem.objects.create(referral=referral, resource_name=f"R {need}", need=need)

    ref(["lodging", "transportation"])
    ref(["lodging"])
    ref(["financial"], lang="es")
    ref(["legal"], day=20)
    return {"alice": alice, "bob": bob}


def test_figures_for_english(seeded):
    period = Period(START, END, "en")
    assert selectors.contacts_by_channel(period) == [("Live chat", 6), ("Callback request", 1),
                                                      ("Phone call", 0)]
    assert selectors.contacts_by_topic(period) == [("zz-a", 3), ("zz-b", 2), ("zz-c", 1)]
    assert selectors.wait_times(period) == {"p50": 60.0, "p90": 300.0, "count": 4}
    assert selectors.abandonment(period) == {"ended": 5, "abandoned": 1, "rate": 20.0}
    assert selectors.handled_per_specialist(period) == [
        {"name": "Bob", "username": "bob", "handled": 3, "chats": 2, "callbacks": 1,
         "avg_rating": 2.0},
        {"name": "Alice", "username": "alice", "handled": 2, "chats": 2, "callbacks": 0,
         "avg_rating": 4.5},
    ]
    assert selectors.ratings(period) == {
        "distribution": [("5", 1), ("4", 1), ("3", 0), ("2", 1), ("1", 0)],
        "count": 3, "average": 3.67,
    }
    assert selectors.answer_use(period) == {
        "total": 7, "answered": 2, "no_answer": 4, "urgent": 1, "handed_off": 1,
    }
    unanswered = selectors.unanswered_questions(period)
    assert [(r["question"], r["count"]) for r in unanswered][0] == ("Can I drive after treatment?", 2)
    questions = {r["question"] for r in unanswered}
    assert "Call me at [phone] about insurance" in questions
    assert not any("555-123-4567" in text for text in questions)
    assert len(unanswered) == 3
    assert selectors.referrals_by_need(period) == [("Lodging near treatment", 2),
                                                   ("Rides to treatment", 1)]


def test_figures_for_all_languages(seeded):
    period = Period(START, END, None)
    assert selectors.contacts_by_channel(period) == [("Live chat", 7), ("Callback request", 1),
                                                      ("Phone call", 0)]
    assert selectors.contacts_by_topic(period) == [("zz-a", 4), ("zz-b", 2), ("zz-c", 1)]
    # 30, 60, 120, 300, 500: nearest rank p50 = 3rd, p90 = 5th.
    assert selectors.wait_times(period) == {"p50": 120.0, "p90": 500.0, "count": 5}
    assert selectors.abandonment(period) == {"ended": 6, "abandoned": 1, "rate": 16.7}
    assert selectors.answer_use(period)["no_answer"] == 5
    assert selectors.referrals_by_need(period)[0] == ("Lodging near treatment", 2)
    assert len(selectors.referrals_by_need(period)) == 3


def test_empty_period_has_no_figures(seeded):
    period = Period(dt.date(2025, 1, 1), dt.date(2025, 1, 31), None)
    assert selectors.wait_times(period) == {"p50": None, "p90": None, "count": 0}
    assert selectors.abandonment(period)["rate"] is None
    assert selectors.ratings(period)["average"] is None
    assert selectors.contacts_by_topic(period) == []


def test_only_supervisors_see_figures(seeded):
    with pytest.raises(NotAllowed):
        selectors.dashboard_summary(seeded["alice"], Period(START, END))
    boss = make_staff("boss", "supervisor")
    summary = selectors.dashboard_summary(boss, Period(START, END, "en"))
    assert summary["abandonment"]["rate"] == 20.0
    # The page's single-scan totals agree with the stand-alone selectors.
    period = Period(START, END, "en")
    assert summary["waits"] == selectors.wait_times(period) == {"p50": 60.0, "p90": 300.0,
                                                                 "count": 4}
    assert summary["ratings"] == selectors.ratings(period)
    assert summary["channels"] == [("Live chat", 6), ("Callback request", 1), ("Phone call", 0)]


def test_page_permissions_and_render(seeded, client):
    url = reverse("dashboard:index")
    assert client.get(url).status_code == 302  # anonymous: to sign-in
    client.force_login(seeded["alice"])
    assert client.get(url).status_code == 403
    assert client.get(reverse("dashboard:csv", args=["channels"])).status_code == 403
    client.force_login(make_staff("boss", "supervisor"))
    response = client.get(url, {**QUERY, "language": "en"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "Live chat: 6; Callback request: 1; Phone call: 0" in html  # the chart's text alternative
    assert "20.0 %" in html
    assert "555-123-4567" not in html
    spanish = client.get("/es/staff/dashboard/", QUERY).content.decode()
    assert "Panel de supervisión" in spanish and "Contactos por canal" in spanish


def test_bad_period_is_a_clear_400(seeded, client):
    client.force_login(make_staff("boss", "supervisor"))
    url = reverse("dashboard:index")
    response = client.get(url, {"start": "2026-03-09", "end": "2026-03-01"})
    assert response.status_code == 400
    assert "The start date must be on or before the end date." in response.content.decode()
    response = client.get(url, {"start": "not-a-date", "end": "2026-03-01", "language": "fr"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    csv_response = client.get(reverse("dashboard:csv", args=["topics"]), {"start": "x"})
    assert csv_response.status_code == 400
    assert client.get(reverse("dashboard:csv", args=["nothing"]), QUERY).status_code == 404


def test_csv_downloads(seeded, client):
    client.force_login(make_staff("boss", "supervisor"))
    response = client.get(reverse("dashboard:csv", args=["specialists"]), {**QUERY, "language": "en"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "helpline-specialists-2026-03-01-2026-03-07-en.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["specialist", "username", "handled", "chats", "callbacks", "average rating"],
        ["Bob", "bob", "3", "2", "1", "2.0"],
        ["Alice", "alice", "2", "2", "0", "4.5"],
    ]
    response = client.get(reverse("dashboard:csv", args=["unanswered"]), {**QUERY, "language": "en"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    cells = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://x\")" in cells  # formula neutralised
    waits = client.get(reverse("dashboard:csv", args=["waits"]), QUERY)
    rows = dict(list(csv.reader(io.StringIO(waits.content.decode())))[1:])
    assert rows["wait p50 seconds"] == "120.0" and rows["abandonment rate percent"] == "16.7"
    for section in selectors.SECTIONS:
        assert client.get(reverse("dashboard:csv", args=[section]), QUERY).status_code == 200


def test_helpful_votes_on_answers_and_articles(seeded, client):
    from helpline.answers.models import QuestionLog
    from helpline.articles.models import Article, ArticleFeedback, ArticleVersion, Topic

    topic = Topic.objects.create(slug="zz-t", name_en="T", name_es="T")
    article = Article.objects.create(key="zz-fever", topic=topic)
    en = ArticleVersion.objects.create(article=article, language="en", slug="zz-fever")
    es = ArticleVersion.objects.create(article=article, language="es", slug="zz-fiebre")
    for version, helpful, day in [(en, True, 2), (en, True, 3), (en, False, 4), (es, False, 2),
                                  (en, False, 9)]:
        ArticleFeedback.objects.create(version=version, revision_number=1, helpful=helpful,
                                       reason="" if helpful else "unclear", created_at=at(day))
    answered = QuestionLog.objects.filter(status="answered", lang="en")
    first, second = answered
    QuestionLog.objects.filter(pk=first.pk).update(helpful=True, helpful_at=at(2))
    QuestionLog.objects.filter(pk=second.pk).update(helpful=False, helpful_reason="incomplete",
                                                    helpful_at=at(3))

    votes = selectors.helpful_votes(Period(START, END, "en"))
    assert votes["answers"] == {"yes": 1, "no": 1, "rate": 50.0,
                                "reasons": [("It was missing information I needed", 1)]}
    assert [(r["article_key"], r["language"], r["yes"], r["no"], r["rate"])
            for r in votes["articles"]] == [("zz-fever", "en", 2, 1, 66.7)]
    everything = selectors.helpful_votes(Period(START, END, None))["articles"]
    assert {(r["language"], r["yes"], r["no"]) for r in everything} == {("en", 2, 1), ("es", 0, 1)}
    # An answer marked "no" joins the unanswered list although it was answered.
    unanswered = {r["question"]: r["count"] for r in
                  selectors.unanswered_questions(Period(START, END, "en"))}
    assert unanswered["What is CAR T?"] == 1

    client.force_login(make_staff("boss", "supervisor"))
    html = client.get(reverse("dashboard:index"), {**QUERY, "language": "en"}).content.decode()
    assert "Answers: 1 yes, 1 no." in html and "Helpful rate 50.0 %." in html
    assert "66.7 %" in html
    spanish = client.get("/es/staff/dashboard/", {**QUERY, "language": "en"}).content.decode()
    assert "Respuestas: 1 sí, 1 no." in spanish
    response = client.get(reverse("dashboard:csv", args=["helpful"]), {**QUERY, "language": "en"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["what", "language", "yes", "no", "helpful percent"]
    assert rows[1] == ["answers", "en", "1", "1", "50.0"]
    assert rows[2][1:] == ["en", "2", "1", "66.7"]
