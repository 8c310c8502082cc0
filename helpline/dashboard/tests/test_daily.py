"""Daily series on the hand-worked data set: per local day (New York), charts, tables, CSVs."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from helpline.accounts.testing import make_staff
from helpline.dashboard import selectors
from helpline.dashboard.selectors import Period

from .test_dashboard import END, QUERY, START, seeded  # noqa: F401  (the data set fixture)


def _csv(client, section, **extra):
    response = client.get(reverse("dashboard:csv", args=[section]), {**QUERY, **extra})
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_contacts_per_local_day(seeded):  # noqa: F811
    rows = selectors.daily_contacts(Period(START, END))
    assert [r["day"].day for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    assert [(r["chat"], r["callback"]) for r in rows] == [
        (1, 0), (1, 0), (1, 0), (1, 0), (1, 1), (1, 0),
        (1, 0),  # 23:30 on 7 March in New York is 8 March in UTC: still the 7th
    ]
    spanish = selectors.daily_contacts(Period(START, END, "es"))
    assert [r["chat"] for r in spanish] == [0, 0, 0, 0, 0, 1, 0]


def test_wait_percentiles_per_day(seeded):  # noqa: F811
    rows = {r["day"].day: r for r in selectors.daily_waits(Period(START, END))}
    assert rows[1] == {"day": START, "p50": 30.0, "p90": 30.0, "count": 1}
    assert rows[3]["p50"] == 120.0 and rows[7]["p90"] == 300.0
    assert rows[4]["p50"] is None and rows[4]["count"] == 0  # nobody accepted that day
    assert rows[6]["p50"] == 500.0
    assert selectors.daily_waits(Period(START, END, "es"))[0]["count"] == 0


def test_answer_outcomes_per_day(seeded):  # noqa: F811
    rows = {r["day"].day: r for r in selectors.daily_answers(Period(START, END, "en"))}
    assert (rows[2]["answered"], rows[2]["no_answer"], rows[2]["urgent"]) == (2, 3, 1)
    assert (rows[3]["answered"], rows[3]["no_answer"], rows[3]["urgent"]) == (0, 1, 0)
    assert sum(r["no_answer"] for r in selectors.daily_answers(Period(START, END))) == 5


def test_daily_csvs(seeded, client):  # noqa: F811
    client.force_login(make_staff("boss", "supervisor"))
    contacts = _csv(client, "daily-contacts")
    assert contacts[0] == ["date", "chats", "callbacks", "contacts"]
    assert contacts[5] == ["2026-03-05", "1", "1", "2"] and len(contacts) == 8
    waits = _csv(client, "daily-waits", language="en")
    assert waits[1] == ["2026-03-01", "1", "30.0", "30.0"] and waits[4][1:] == ["0", "", ""]
    answers = _csv(client, "daily-answers", language="en")
    assert answers[2] == ["2026-03-02", "2", "3", "1"]


def test_daily_charts_with_tables_in_both_languages(seeded, client):  # noqa: F811
    client.force_login(make_staff("boss", "supervisor"))
    html = client.get(reverse("dashboard:index"), QUERY).content.decode()
    assert 'id="h-daily"' in html
    for chart in ("c-daily-contacts", "c-daily-waits", "c-daily-answers"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    assert html.count('<details class="dash-table">') == 3
    assert "Chats: highest 1 on" in html and "Callbacks: highest 1 on March 5, 2026" in html
    assert "No answer: highest 4 on March 2, 2026" in html
    assert "<polyline" in html  # the waits are lines
    assert "/csv/daily-contacts/?" in html
    spanish = client.get("/es/staff/dashboard/", QUERY).content.decode()
    assert "Día a día" in spanish and "5 de marzo de 2026" in spanish
