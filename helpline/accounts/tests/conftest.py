from __future__ import annotations

import pytest
from django.core.cache import cache

from helpline.accounts.testing import make_staff

PASSWORD = "correct horse battery staple"


def totp_token(device, offset_steps: int = 0) -> str:
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.t0 = device.t0 - offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def require_2fa(settings):
    settings.HELPLINE_REQUIRE_2FA = True
    return settings


@pytest.fixture
def administrator(db):
    return make_staff("ada", "administrator")


@pytest.fixture
def specialist(db):
    """An established specialist: chat languages and limit already chosen."""
    from helpline.chat.models import SpecialistStatus

    user = make_staff("sam", "specialist")
    SpecialistStatus.objects.create(user=user, languages=["en"], max_concurrent=2)
    return user


def otp_sign_in(client, user, next_url: str = ""):
    """Full sign-in as a browser would do it: password, then set up (with an
    administrator's set-up link) and enter a code."""
    response = client.post("/en/staff/login/", {"username": user.username, "password": PASSWORD,
                                                 "next": next_url})
    assert response.status_code == 302, response.content[:500]
    from helpline.accounts.services import enrolment_link_for_operator, totp_device_for

    device = totp_device_for(user)
    if device is None:
        assert client.get(enrolment_link_for_operator(user)).status_code == 302
        client.get("/en/staff/two-factor/setup/")
        device = totp_device_for(user, confirmed=False)
        response = client.post("/en/staff/two-factor/setup/", {"token": totp_token(device)})
    else:
        response = client.post("/en/staff/two-factor/", {"token": totp_token(device)})
    assert response.status_code == 302, response.content[:500]
    return response
