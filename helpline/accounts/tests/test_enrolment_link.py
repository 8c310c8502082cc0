"""First enrolment of an authenticator needs a one-time link an administrator issues
(issue 14, finding 5): a password alone cannot attach a new device to an account."""

from __future__ import annotations

import re

import pytest
import time_machine

from helpline.accounts import services
from helpline.common.models import AuditEntry

from .conftest import PASSWORD, totp_token

pytestmark = pytest.mark.django_db


def _password_step(client, username="sam"):
    response = client.post("/en/staff/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def test_password_alone_cannot_enrol_a_device(client, specialist, require_2fa) -> None:
    _password_step(client)
    page = client.get("/en/staff/two-factor/setup/")
    assert page.status_code == 403
    body = page.content.decode()
    assert "set-up link" in body and "<code>" not in body and "data:image/svg" not in body
    # guessing codes for a device it never saw changes nothing
    assert client.post("/en/staff/two-factor/setup/", {"token": "123456"}).status_code == 403
    assert services.totp_device_for(specialist) is None
    assert client.get("/en/staff/").status_code == 302


def test_link_from_an_administrator_enrols_once(client, specialist, administrator,
                                                require_2fa) -> None:
    link = services.enrolment_link_issue(administrator, specialist)
    assert AuditEntry.objects.filter(action="accounts.2fa_link", actor=administrator).exists()
    # opened before signing in: the password comes first, then the set-up
    response = client.get(link)
    assert response.status_code == 302 and "/staff/login/" in response["Location"]
    _password_step(client)
    page = client.get("/en/staff/two-factor/setup/")
    assert page.status_code == 200
    key = re.search(r"<code>([A-Z2-7]+)</code>", page.content.decode())
    assert key
    device = services.totp_device_for(specialist, confirmed=False)
    assert client.post("/en/staff/two-factor/setup/", {"token": totp_token(device)}).status_code == 302
    assert client.get("/en/staff/").status_code == 200
    # the link is spent: another browser with the password cannot use it again
    other = type(client)()
    _password_step(other)
    assert other.get(link).status_code == 404


def test_link_expires_and_belongs_to_one_person(client, specialist, administrator,
                                                 require_2fa) -> None:
    from helpline.accounts.testing import make_staff

    with time_machine.travel(1_900_000_000.0, tick=False) as traveller:
        link = services.enrolment_link_issue(administrator, specialist)
        someone = make_staff("eve", "specialist")
        _password_step(client, "eve")
        assert client.get(link).status_code == 404
        assert services.totp_device_for(someone, confirmed=None) is None
        client.logout()
        traveller.shift(services.ENROLMENT_LINK_SECONDS + 60)
        _password_step(client)
        assert client.get(link).status_code == 404
        assert client.get("/en/staff/two-factor/setup/").status_code == 403


def test_only_administrators_issue_links(specialist, administrator) -> None:
    from helpline.common.exceptions import NotAllowed

    with pytest.raises(NotAllowed):
        services.enrolment_link_issue(specialist, administrator)


def test_operator_command_prints_a_working_link(client, specialist, require_2fa) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("enrolment_link", "sam", stdout=out)
    link = out.getvalue().strip()
    assert link.startswith("/en/staff/two-factor/enrol/")
    _password_step(client)
    assert client.get(link).status_code == 302
    assert client.get("/en/staff/two-factor/setup/").status_code == 200
