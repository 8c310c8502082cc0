"""Sign-in is throttled per username and per address; failures are audited."""

from __future__ import annotations

import pytest

from helpline.accounts import services
from helpline.common.models import AuditEntry

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _login(client, username, password, ip="198.51.100.7"):
    return client.post("/en/staff/login/", {"username": username, "password": password},
                       REMOTE_ADDR=ip)


def test_good_password_signs_in_and_is_audited(client, specialist) -> None:
    response = _login(client, "sam", PASSWORD)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="accounts.login", actor=specialist).count() == 1


def test_wrong_password_shows_form_error(client, specialist) -> None:
    response = _login(client, "sam", "wrong")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    entry = AuditEntry.objects.get(action="accounts.login_failed")
    assert entry.data == {"username": "sam"}
    assert entry.ip_address == "198.51.100.7"


def test_username_locked_after_five_failures_even_with_right_password(client, specialist) -> None:
    for _ in range(services.LOGIN_MAX_FAILURES_PER_USER):
        assert _login(client, "sam", "nope").status_code == 200
    response = _login(client, "sam", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Case and another address do not get around the lock.
    assert _login(client, "SAM", PASSWORD, ip="203.0.113.9").status_code == 429


def test_unicode_look_alikes_share_the_lock(client, specialist) -> None:
    # Full-width and compatibility forms sign in as "sam" after NFKC: they count as "sam".
    for name in ("ｓａｍ", "Ｓam", "sａm", "SAM", "ſam"):
        _login(client, name, "nope")
    assert _login(client, "sam", PASSWORD, ip="203.0.113.10").status_code == 429
    assert _login(client, "ｓam", PASSWORD, ip="203.0.113.11").status_code == 429


def test_address_locked_after_many_usernames(client, specialist) -> None:
    for i in range(services.LOGIN_MAX_FAILURES_PER_IP):
        _login(client, f"user{i}", "nope", ip="192.0.2.50")
    assert _login(client, "sam", PASSWORD, ip="192.0.2.50").status_code == 429
    # Another address can still sign in.
    assert _login(client, "sam", PASSWORD, ip="192.0.2.51").status_code == 302


def test_lock_expires_after_window(client, specialist) -> None:
    import time_machine

    with time_machine.travel(1_900_000_000.0, tick=False) as traveller:
        for _ in range(services.LOGIN_MAX_FAILURES_PER_USER):
            _login(client, "sam", "nope")
        assert _login(client, "sam", PASSWORD).status_code == 429
        traveller.shift(services.LOGIN_WINDOW_SECONDS + 1)
        assert _login(client, "sam", PASSWORD).status_code == 302


def test_spanish_message(client, specialist) -> None:
    for _ in range(services.LOGIN_MAX_FAILURES_PER_USER):
        client.post("/es/staff/login/", {"username": "sam", "password": "x"})
    response = client.post("/es/staff/login/", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 429
    assert "Demasiados intentos" in response.content.decode()


def test_login_requires_csrf_token(specialist) -> None:
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/en/staff/login/", {"username": "sam", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_admin_login_goes_through_throttled_form(client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/staff/login/")


def test_weak_passwords_rejected_by_validators(db) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = get_user_model()(username="maria.lopez")
    for weak in ["password123", "12345678901234", "maria.lopez1", "short"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user)
    validate_password("plum-tractor-harbor-47", user)
