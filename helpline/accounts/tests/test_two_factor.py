"""Staff need a TOTP code after the password; until then they are anonymous."""

from __future__ import annotations

import re

import pytest
import time_machine

from helpline.accounts import services
from helpline.common.models import AuditEntry
from helpline.common.testing import same_origin_headers

from .conftest import PASSWORD, otp_sign_in, totp_token

pytestmark = pytest.mark.django_db


def test_password_alone_does_not_reach_staff_pages(client, specialist, require_2fa) -> None:
    response = client.post("/en/staff/login/", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/staff/two-factor/setup/")
    # Half signed in: staff pages treat the person as anonymous.
    staff = client.get("/en/staff/")
    assert staff.status_code == 302 and "/staff/login/" in staff["Location"]
    # ...and the login page sends them on to the second step.
    again = client.get("/en/staff/login/")
    assert again.status_code == 302 and "/two-factor/" in again["Location"]
    admin = client.get("/admin/")
    assert admin.status_code == 302 and "/two-factor/" in admin["Location"]


def test_setup_shows_qr_and_key_and_confirms(client, specialist, require_2fa) -> None:
    with time_machine.travel(1_900_000_000.0, tick=False) as traveller:
        _setup_flow(client, specialist, traveller)


def _setup_flow(client, specialist, traveller) -> None:
    client.post("/en/staff/login/", {"username": "sam", "password": PASSWORD})
    client.get(services.enrolment_link_for_operator(specialist))
    page = client.get("/en/staff/two-factor/setup/")
    body = page.content.decode()
    assert page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in body
    key = re.search(r"<code>([A-Z2-7]+)</code>", body).group(1)
    device = services.totp_device_for(specialist, confirmed=False)
    import base64

    assert base64.b32decode(key + "=" * (-len(key) % 8)) == device.bin_key
    bad = client.post("/en/staff/two-factor/setup/", {"token": "12ab"})
    assert bad.status_code == 400
    assert "6-digit code" in bad.content.decode()
    good = totp_token(device)
    wrong = client.post("/en/staff/two-factor/setup/", {"token": f"{(int(good) + 1) % 10**6:06d}"})
    assert wrong.status_code == 400
    # django-otp also slows down guessing: wait out its back-off.
    traveller.shift(5)
    ok = client.post("/en/staff/two-factor/setup/", {"token": totp_token(device)})
    assert ok.status_code == 302
    assert client.get("/en/staff/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(action="accounts.2fa_enabled", actor=specialist).exists()


def test_next_sign_in_asks_for_code(client, specialist, require_2fa) -> None:
    with time_machine.travel(1_900_000_000.0, tick=False) as traveller:
        otp_sign_in(client, specialist)
        client.post("/en/staff/logout/")
        traveller.shift(60)
        response = client.post("/en/staff/login/", {"username": "sam", "password": PASSWORD,
                                                     "next": "/en/staff/"})
        assert response["Location"].startswith("/en/staff/two-factor/?next=")
        assert client.get("/en/staff/").status_code == 302
        device = services.totp_device_for(specialist)
        ok = client.post("/en/staff/two-factor/?next=/en/staff/", {"token": totp_token(device),
                                                                     "next": "/en/staff/"})
        assert ok.status_code == 302 and ok["Location"] == "/en/staff/"
        assert client.get("/en/staff/").status_code == 200


def test_open_redirect_refused(client, specialist, require_2fa) -> None:
    with time_machine.travel(1_900_000_000.0, tick=False):
        client.post("/en/staff/login/", {"username": "sam", "password": PASSWORD})
        client.get(services.enrolment_link_for_operator(specialist))
        client.get("/en/staff/two-factor/setup/")
        device = services.totp_device_for(specialist, confirmed=False)
        response = client.post("/en/staff/two-factor/setup/",
                               {"token": totp_token(device), "next": "https://evil.example/"})
        assert response["Location"] == "/en/staff/"


def test_code_guessing_is_throttled(client, specialist, require_2fa) -> None:
    with time_machine.travel(1_900_000_000.0, tick=False) as traveller:
        otp_sign_in(client, specialist)
        client.post("/en/staff/logout/")
        traveller.shift(60)
        client.post("/en/staff/login/", {"username": "sam", "password": PASSWORD})
        device = services.totp_device_for(specialist)
        good = totp_token(device)
        wrong = f"{(int(good) + 1) % 1000000:06d}"
        statuses = [client.post("/en/staff/two-factor/", {"token": wrong}).status_code
                    for _ in range(services.OTP_MAX_FAILURES)]
        assert statuses == [400] * services.OTP_MAX_FAILURES
        blocked = client.post("/en/staff/two-factor/", {"token": good})
        assert blocked.status_code == 429
        assert client.get("/en/staff/").status_code == 302


def test_visitors_and_non_staff_unaffected(client, require_2fa, db) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user("reader", password=PASSWORD)
    response = client.post("/en/staff/login/", {"username": "reader", "password": PASSWORD})
    assert response.status_code == 302
    assert "/two-factor/" not in response["Location"]
    assert client.get("/en/").status_code == 200


@pytest.mark.django_db(transaction=True)
async def test_staff_websocket_needs_the_second_factor_too(settings) -> None:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY

    from helpline.accounts.testing import make_staff
    from helpline.asgi import application

    settings.HELPLINE_REQUIRE_2FA = True

    @sync_to_async
    def prepare():
        from helpline.chat import services as chat

        supervisor = make_staff("wsup", "supervisor")
        device = services.totp_device_start(supervisor)
        device.confirmed = True
        device.save()
        conversation = chat.conversation_start(language="en", first_message="hi")
        keys = {}
        for name, verified in (("password_only", False), ("verified", True), ("forged", None)):
            store = SessionStore()
            store[SESSION_KEY] = str(supervisor.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = supervisor.get_session_auth_hash()
            if verified:
                store[DEVICE_ID_SESSION_KEY] = device.persistent_id
            elif verified is None:
                store[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/999999"
            store.create()
            keys[name] = store.session_key
        return conversation.pk, keys

    token, keys = await prepare()
    outcome = {}
    for name, key in keys.items():
        communicator = WebsocketCommunicator(
            application, f"/ws/chat/staff/{token}/",
            headers=[*same_origin_headers(), (b"cookie", f"sessionid={key}".encode())])
        connected, _ = await communicator.connect(timeout=5)
        outcome[name] = connected
        await communicator.disconnect()
    assert outcome == {"password_only": False, "verified": True, "forged": False}
