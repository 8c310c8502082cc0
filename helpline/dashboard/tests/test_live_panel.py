"""The dashboard's live panel as the server renders it (before any script runs)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from helpline.accounts.testing import make_staff
from helpline.common.exceptions import NotAllowed
from helpline.dashboard import selectors
from helpline.dashboard.views import wait_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpline_now():
    """Two on duty (one bilingual), chats and a callback waiting, an active chat."""
    from helpline.chat.models import Conversation, SpecialistStatus

    now = timezone.now()
    ana = make_staff("ana", "specialist")
    luis = make_staff("luis", "specialist")
    SpecialistStatus.objects.create(user=ana, available=True, languages=["en"], last_seen=now)
    SpecialistStatus.objects.create(user=luis, available=True, languages=["en", "es"],
                                    last_seen=now)

    def conv(language, minutes, channel="chat", status="waiting", who=None):
        Conversation.objects.create(language=language, channel=channel, status=status,
                                    queued_at=now - dt.timedelta(minutes=minutes),
                                    assigned_to=who, accepted_at=who and now)

    conv("en", 75)
    conv("en", 2)
    conv("en", 300, channel="callback")
    conv("es", 0.5)
    conv("es", 20, status="active", who=luis)
    return now


def _panel(html: str) -> str:
    match = re.search(r'<section[^>]*id="live-panel".*?</section>', html, re.S)
    assert match, "no live panel on the page"
    return match.group(0)


def _row(panel: str, language: str) -> dict:
    row = re.search(rf'<tr data-language="{language}"[^>]*>(.*?)</tr>', panel, re.S).group(1)
    cells = dict(re.findall(r'data-field="(\w+)"[^>]*>([^<]*)</td>', row))
    since = re.search(r'data-since="([^"]+)"', row)
    cells["since"] = since.group(1) if since else None
    cells["heading"] = re.search(r'<th scope="row">([^<]*)</th>', row).group(1)
    return cells


def test_the_supervisor_sees_the_numbers_and_the_socket(helpline_now, client):
    client.force_login(make_staff("sue", "supervisor"))
    response = client.get("/en/staff/dashboard/")
    assert response.status_code == 200
    panel = _panel(response.content.decode())
    assert 'data-ws-url="/ws/chat/console/?mode=panel"' in panel
    assert "<caption>Specialists on duty, the queue and the longest chat wait, by language" in panel
    assert 'aria-live="polite"' in panel
    en, es, total = _row(panel, "en"), _row(panel, "es"), _row(panel, "")
    assert en["heading"] == "English" and es["heading"] == "Spanish"
    assert total["heading"] == "All languages"
    assert (en["on_duty"], en["queue"], en["callbacks"], en["wait"]) == ("2", "3", "1", "1 h 15 min")
    assert (es["on_duty"], es["queue"], es["callbacks"], es["wait"]) == ("1", "1", "0", "30 s")
    assert (total["on_duty"], total["queue"], total["callbacks"]) == ("2", "4", "1")
    # The page's script ticks the wait from the oldest chat's start, an ISO time.
    since = dt.datetime.fromisoformat(total["since"])
    assert since == helpline_now - dt.timedelta(minutes=75) and since.utcoffset() is not None
    assert en["since"] == total["since"] and es["since"] != total["since"]
    updated = re.search(r'<time id="live-updated" datetime="([^"]+)">(\d\d:\d\d:\d\d)</time>',
                        panel)
    assert updated and abs((dt.datetime.fromisoformat(updated.group(1)) - timezone.now())
                           .total_seconds()) < 60
    strings = json.loads(re.search(r'id="live-strings"[^>]*>(.*?)</script>', panel, re.S).group(1))
    assert strings["m"] == "%(m)d min" and "%(queue)s" in strings["announce"]
    assert 'id="live-paused" role="status" hidden' in panel


def test_the_panel_in_spanish(helpline_now, client):
    client.force_login(make_staff("sue", "supervisor"))
    panel = _panel(client.get("/es/staff/dashboard/").content.decode())
    assert "Ahora mismo" in panel and "Especialistas de turno" in panel
    assert _row(panel, "en")["heading"] == "Inglés"
    assert _row(panel, "")["heading"] == "Todos los idiomas"
    assert "Actualizaciones en directo en pausa" in panel
    strings = json.loads(re.search(r'id="live-strings"[^>]*>(.*?)</script>', panel, re.S).group(1))
    assert strings["announce"] == "En la cola: %(queue)s. Especialistas de turno: %(on_duty)s."


def test_an_administrator_sees_the_panel_without_live_updates(helpline_now, client):
    """Administrators may see the dashboard but hold no chat role: no console socket."""
    client.force_login(make_staff("ada", "administrator"))
    response = client.get("/en/staff/dashboard/")
    assert response.status_code == 200
    panel = _panel(response.content.decode())
    assert "data-ws-url" not in panel
    assert _row(panel, "")["queue"] == "4"
    assert "These figures do not update by themselves" in panel


def test_a_bad_period_still_shows_the_panel(helpline_now, client):
    client.force_login(make_staff("sue", "supervisor"))
    response = client.get("/en/staff/dashboard/", {"start": "2026-03-09", "end": "2026-03-01"})
    assert response.status_code == 400
    assert _row(_panel(response.content.decode()), "")["queue"] == "4"


def test_a_specialist_gets_no_panel(helpline_now, client):
    client.force_login(make_staff("sam", "specialist"))
    response = client.get("/en/staff/dashboard/")
    assert response.status_code == 403
    assert "live-panel" not in response.content.decode()
    with pytest.raises(NotAllowed):
        selectors.live_panel(make_staff("sid", "specialist"))


def test_wait_labels():
    assert [wait_label(s) for s in (None, 0, 59, 60, 3599, 3600, 4500)] == [
        "—", "0 s", "59 s", "1 min", "59 min", "1 h 0 min", "1 h 15 min"]
