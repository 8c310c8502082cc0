"""Staff onboarding (issue 16, item 5): an administrator invites by e-mail, the link sets a
password once, the authenticator comes next, a specialist chooses chat languages and limit,
and nothing else is reachable until the steps are done. Deactivation is one button."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import call_command

from helpline.accounts import selectors, services
from helpline.accounts.models import Invitation, StaffProfile
from helpline.accounts.testing import make_staff
from helpline.chat.models import SpecialistStatus
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.models import AuditEntry

from .conftest import PASSWORD, totp_token

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "a long new password for lena"
LINK = re.compile(r"https?://\S+/(en|es)/staff/welcome/(\S+?)/")


def _invite(client, admin, roles=("specialist",), email="lena@example.org"):
    client.force_login(admin)
    return client.post("/en/staff/people/invite/", {
        "username": "lena", "email": email, "name": "Lena Ortiz", "roles": list(roles)})


def _invite_by_service(admin, roles=("specialist",)):
    return services.staff_invite(admin, username="lena", email="lena@example.org",
                                 name="Lena Ortiz", roles=list(roles))


def _link_from(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return match.group(0)


def test_invitation_mail_in_both_languages_with_absolute_links(client, administrator, mailserver,
                                                                settings):
    settings.HELPLINE_SITE_URL = "https://helpline.example.org"
    response = _invite(client, administrator)
    assert response.status_code == 302
    [message] = mailserver.to("lena@example.org")
    assert "Your Helpline staff account" in message.subject
    assert "Su cuenta" in message.subject
    body = message.body
    assert "https://helpline.example.org/en/staff/welcome/" in body
    assert "https://helpline.example.org/es/staff/bienvenida/" in body or \
        "https://helpline.example.org/es/staff/welcome/" in body
    assert "Your user name is: lena" in body and "Su nombre de usuario es: lena" in body
    assert 'href="https://helpline.example.org/en/staff/welcome/' in message.html
    lena = get_user_model().objects.get(username="lena")
    assert lena.is_staff and not lena.has_usable_password()
    assert selectors.user_roles(lena) == ["specialist"]
    assert StaffProfile.objects.get(user=lena).display_name == "Lena Ortiz"
    entry = AuditEntry.objects.get(action="accounts.invite")
    assert entry.actor == administrator and entry.data == {"roles": ["specialist"]}
    # the new account is on Staff and roles, marked as invited
    page = client.get("/en/staff/people/").content.decode()
    assert "lena" in page and "Invited" in page


def test_invite_refuses_bad_input_with_form_errors(client, administrator, mailserver):
    make_staff("taken", "editor").__class__.objects.filter(username="taken").update(
        email="taken@example.org")
    client.force_login(administrator)
    cases = [
        {"username": "x", "email": "not-an-address", "roles": ["specialist"]},
        {"username": "x", "email": "x@example.org"},  # no role
        {"username": "x", "email": "x@example.org", "roles": ["wizard"]},
        {"username": "taken", "email": "x@example.org", "roles": ["editor"]},
        {"username": "y", "email": "TAKEN@example.org", "roles": ["editor"]},
    ]
    for data in cases:
        response = client.post("/en/staff/people/invite/", data)
        assert response.status_code == 400, data
        assert 'role="alert"' in response.content.decode()
    assert not Invitation.objects.exists() and mailserver.messages == []


def test_only_administrators_invite(client, specialist):
    with pytest.raises(NotAllowed):
        services.staff_invite(specialist, username="z", email="z@example.org",
                              roles=["editor"])
    client.force_login(specialist)
    response = client.post("/en/staff/people/invite/", {
        "username": "z", "email": "z@example.org", "roles": ["administrator"]})
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="z").exists()


def test_link_sets_password_once_then_authenticator_then_chat_settings(
        client, administrator, mailserver, require_2fa):
    _invite_by_service(administrator, roles=("specialist",))
    link = _link_from(mailserver.messages[0])
    path = link.split("://", 1)[1].split("/", 1)[1]
    path = "/" + path
    assert client.get(path).status_code == 200
    # mismatched and weak passwords are form errors, and do not spend the link
    assert client.post(path, {"password1": NEW_PASSWORD, "password2": "other"}).status_code == 400
    assert client.post(path, {"password1": "123", "password2": "123"}).status_code == 400
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and "/staff/two-factor/enrol/" in response["Location"]
    lena = get_user_model().objects.get(username="lena")
    assert lena.check_password(NEW_PASSWORD)
    # the link is spent
    assert type(client)().get(path).status_code == 404
    # nothing else works before the authenticator
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"].endswith("/two-factor/setup/")
    for blocked in ("/en/staff/", "/en/chat/console/", "/admin/"):
        response = client.get(blocked)
        assert response.status_code == 302 and "/staff/" in response["Location"], blocked
        assert "/chat/console" not in response["Location"]
    assert client.get("/en/staff/two-factor/setup/").status_code == 200
    device = services.totp_device_for(lena, confirmed=False)
    response = client.post("/en/staff/two-factor/setup/", {"token": totp_token(device)})
    assert response.status_code == 302 and response["Location"].endswith("/staff/welcome/chat/")
    assert selectors.onboarding_step(lena) == selectors.STEP_CHAT
    # still nothing else: the chat settings come first
    for blocked in ("/en/staff/", "/en/chat/console/"):
        response = client.get(blocked)
        assert response.status_code == 302 and response["Location"] == "/en/staff/welcome/chat/"
    assert client.post("/en/staff/welcome/chat/", {"languages": [], "max_concurrent": 2}
                       ).status_code == 400
    assert client.post("/en/staff/welcome/chat/", {"languages": ["es"], "max_concurrent": 60}
                       ).status_code == 400
    response = client.post("/en/staff/welcome/chat/", {
        "display_name": "Lena Ortiz", "credentials": "RN", "languages": ["en", "es"],
        "max_concurrent": 4})
    assert response.status_code == 302 and response["Location"] == "/en/chat/console/"
    status = SpecialistStatus.objects.get(user=lena)
    assert status.languages == ["en", "es"] and status.max_concurrent == 4
    assert selectors.public_byline(lena) == "Lena Ortiz, RN"
    assert Invitation.objects.get(user=lena).completed_at is not None
    assert client.get("/en/chat/console/").status_code == 200
    actions = list(AuditEntry.objects.filter(object_id=str(lena.pk)).order_by("id")
                   .values_list("action", flat=True))
    for action in ("accounts.invite", "accounts.invite_accepted", "accounts.2fa_link_used",
                   "accounts.2fa_enabled", "accounts.chat_settings", "accounts.onboarding_done"):
        assert action in actions


def test_editor_finishes_at_the_authenticator(client, administrator, mailserver, require_2fa):
    _invite_by_service(administrator, roles=("editor",))
    path = "/" + _link_from(mailserver.messages[0]).split("://", 1)[1].split("/", 1)[1]
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    client.get(response["Location"])
    lena = get_user_model().objects.get(username="lena")
    device = services.totp_device_for(lena, confirmed=False)
    response = client.post("/en/staff/two-factor/setup/", {"token": totp_token(device)})
    assert response.status_code == 302 and response["Location"] == "/en/staff/"
    assert selectors.onboarding_step(lena) is None
    assert client.get("/en/staff/").status_code == 200
    assert client.get("/en/staff/welcome/chat/").status_code == 302  # not a specialist


def test_invitation_link_expires_and_rejects_forgeries(client, administrator, mailserver):
    with time_machine.travel("2026-12-01 09:00Z", tick=False):
        _invite(client, administrator)
    path = "/" + _link_from(mailserver.messages[0]).split("://", 1)[1].split("/", 1)[1]
    with time_machine.travel("2026-12-04 10:00Z", tick=False):  # 73 hours later
        assert client.get(path).status_code == 404
    assert client.get("/en/staff/welcome/forged:code/").status_code == 404
    with pytest.raises(ApplicationError):
        services.invitation_accept("nonsense", NEW_PASSWORD)


def test_deactivated_invitee_cannot_use_the_link(client, administrator, mailserver):
    _invite(client, administrator)
    path = "/" + _link_from(mailserver.messages[0]).split("://", 1)[1].split("/", 1)[1]
    lena = get_user_model().objects.get(username="lena")
    services.staff_deactivate(administrator, lena)
    assert type(client)().get(path).status_code == 404


def test_accounts_made_anywhere_appear_on_staff_and_roles(client, administrator, monkeypatch):
    User = get_user_model()
    # the admin or a shell: a plain user put in a role group becomes staff
    made_in_admin = User.objects.create_user("ines", password=PASSWORD)
    made_in_admin.groups.add(Group.objects.get(name="medical_reviewer"))
    made_in_admin.refresh_from_db()
    assert made_in_admin.is_staff
    by_group = User.objects.create_user("omar", password=PASSWORD)
    Group.objects.get(name="translator").user_set.add(by_group)
    by_group.refresh_from_db()
    assert by_group.is_staff
    # createsuperuser
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", "--noinput", "--username", "root",
                 "--email", "root@example.org", verbosity=0)
    # a plain site user (no role, no staff flag) does not appear
    User.objects.create_user("visitor1", password=PASSWORD)
    client.force_login(administrator)
    page = client.get("/en/staff/people/").content.decode()
    for name in ("ines", "omar", "root", "ada"):
        assert f"Edit {name}" in page
    assert "Edit visitor1" not in page


def test_admin_add_user_then_role_marks_staff(client, administrator):
    """Through the Django admin's own forms: add a user, then give it a role group."""
    User = get_user_model()
    root = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    response = client.post("/admin/auth/user/add/", {
        "username": "pia", "password1": PASSWORD, "password2": PASSWORD,
        "usable_password": "true", "_continue": "1"})
    assert response.status_code == 302, response.content[:2000]
    pia = User.objects.get(username="pia")
    assert not pia.is_staff
    group = Group.objects.get(name="specialist")
    response = client.post(f"/admin/auth/user/{pia.pk}/change/", {
        "username": "pia", "first_name": "", "last_name": "", "email": "",
        "is_active": "on", "groups": [str(group.pk)],
        "date_joined_0": "2026-12-05", "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-12-05", "initial-date_joined_1": "09:00:00",
        "staff_profile-TOTAL_FORMS": "0", "staff_profile-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    pia.refresh_from_db()
    assert pia.is_staff and selectors.user_roles(pia) == ["specialist"]
    assert pia in list(selectors.staff_users())


def test_deactivate_is_one_button_sessions_ended_and_audited(client, administrator, specialist):
    other = type(client)()
    other.force_login(specialist)
    assert other.get("/en/chat/console/").status_code == 200
    assert Session.objects.count() == 1
    client.force_login(administrator)
    page = client.get(f"/en/staff/people/{specialist.pk}/").content.decode()
    assert f"/en/staff/people/{specialist.pk}/deactivate/" in page
    response = client.post(f"/en/staff/people/{specialist.pk}/deactivate/")
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert not specialist.is_active
    # the specialist's session is gone (the administrator's own remains)
    assert Session.objects.count() == 1
    assert other.get("/en/chat/console/").status_code == 302
    [entry] = AuditEntry.objects.filter(action="accounts.deactivate")
    assert entry.actor == administrator and entry.data == {"sessions_ended": 1}
    # not on oneself, and only by administrators
    response = client.post(f"/en/staff/people/{administrator.pk}/deactivate/")
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert administrator.is_active
    editor = make_staff("eve", "editor")
    client.force_login(editor)
    assert client.post(f"/en/staff/people/{specialist.pk}/deactivate/").status_code == 403
    assert client.get(f"/en/staff/people/{specialist.pk}/deactivate/").status_code == 405


async def test_console_socket_refused_until_onboarding_is_finished(administrator):
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from helpline.asgi import application
    from helpline.common.testing import same_origin_headers

    @sync_to_async
    def invited_with_password():
        invitation = _invite_by_service(administrator)
        user, _ = services.invitation_accept(services.invitation_path(invitation).split("/")[-2],
                                             NEW_PASSWORD)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return user, store.session_key

    async def connects(session_key) -> bool:
        headers = [*same_origin_headers(),
                   (b"cookie", f"{settings.SESSION_COOKIE_NAME}={session_key}".encode())]
        communicator = WebsocketCommunicator(application, "/ws/chat/console/", headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        await communicator.disconnect()
        return connected

    user, session_key = await invited_with_password()
    # two-factor is off in this suite, so the chat settings are the step left
    assert await sync_to_async(selectors.onboarding_step)(user) == selectors.STEP_CHAT
    assert not await connects(session_key)
    await sync_to_async(services.specialist_settings_save)(
        user, languages=["es"], max_concurrent=2, display_name="Lena", credentials="")
    assert await connects(session_key)


def test_specialist_made_elsewhere_chooses_chat_settings_at_first_sign_in(client):
    """An account made in the admin or a shell has no chat status: first sign-in asks."""
    User = get_user_model()
    maria = User.objects.create_user("maria", password=PASSWORD)
    maria.groups.add(Group.objects.get(name="specialist"))
    response = client.post("/en/staff/login/", {"username": "maria", "password": PASSWORD,
                                                 "next": "/en/chat/console/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/staff/welcome/chat/?next=%2Fen%2Fchat%2Fconsole%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="next" value="/en/chat/console/"' in page.content.decode()
    response = client.post("/en/staff/welcome/chat/", {
        "languages": ["es"], "max_concurrent": 2, "display_name": "María",
        "next": "/en/chat/console/"})
    assert response.status_code == 302 and response["Location"] == "/en/chat/console/"
    status = SpecialistStatus.objects.get(user=maria)
    assert status.languages == ["es"] and status.max_concurrent == 2
    # the next sign-in goes straight where it was going
    client.logout()
    response = client.post("/en/staff/login/", {"username": "maria", "password": PASSWORD,
                                                 "next": "/en/chat/console/"})
    assert response["Location"] == "/en/chat/console/"


def test_send_the_invitation_again_replaces_the_earlier_link(client, administrator, mailserver):
    _invite(client, administrator)
    first = "/" + _link_from(mailserver.messages[0]).split("://", 1)[1].split("/", 1)[1]
    lena = get_user_model().objects.get(username="lena")
    page = client.get(f"/en/staff/people/{lena.pk}/").content.decode()
    assert f"/en/staff/people/{lena.pk}/reinvite/" in page
    response = client.post(f"/en/staff/people/{lena.pk}/reinvite/")
    assert response.status_code == 302
    assert len(mailserver.to("lena@example.org")) == 2
    second = "/" + _link_from(mailserver.messages[1]).split("://", 1)[1].split("/", 1)[1]
    assert second != first
    anonymous = type(client)()
    assert anonymous.get(first).status_code == 404
    assert anonymous.get(second).status_code == 200
    assert AuditEntry.objects.filter(action="accounts.invite_resent", actor=administrator).exists()
    # once the password is set there is nothing to send again
    services.invitation_accept(second.split("/")[-2], NEW_PASSWORD)
    with pytest.raises(ApplicationError):
        services.invitation_resend(administrator, lena)
    assert "/reinvite/" not in client.get(f"/en/staff/people/{lena.pk}/").content.decode()
