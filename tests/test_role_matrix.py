"""The role matrix: for every role and every protected action, allowed or denied.

Checked where the rule is enforced (the services and selectors every interface
calls), then again through the pages, the JSON endpoints and the staff
websocket, so no interface can forget a check.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from helpline.accounts.roles import ALL_ROLES, ensure_roles
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.testing import make_staff, same_origin_headers

VISITOR = "visitor"
ROLES = [VISITOR, *ALL_ROLES]
A, D = True, False

#                             visitor spec  sup  edit  med  trans admin
MATRIX: dict[str, tuple[bool, ...]] = {
    "read_others_conversation": (D,    D,   A,   D,    D,   D,    D),
    "read_original_and_notes":  (D,    D,   A,   D,    D,   D,    D),
    "read_scrubbed_transcript": (D,    D,   A,   D,    D,   D,    A),
    "accept_chat":              (D,    A,   A,   D,    D,   D,    D),
    "export_transcripts":       (D,    D,   A,   D,    D,   D,    A),
    "edit_article":             (D,    D,   D,   A,    A,   D,    D),
    "translate_article":        (D,    D,   D,   A,    D,   A,    D),
    "publish_article":          (D,    D,   D,   D,    A,   D,    D),
    "archive_article":          (D,    D,   D,   D,    A,   D,    D),
    "manage_resources":         (D,    D,   A,   D,    D,   D,    A),
    "refer_resources":          (D,    A,   A,   D,    D,   D,    A),
    "send_newsletter":          (D,    D,   A,   D,    D,   D,    A),
    "view_donations":           (D,    D,   A,   D,    D,   D,    A),
    "view_volunteers":          (D,    D,   A,   D,    D,   D,    A),
    "view_dashboard":           (D,    D,   A,   D,    D,   D,    A),
    "manage_staff":             (D,    D,   D,   D,    D,   D,    A),
    "view_audit_log":           (D,    D,   D,   D,    D,   D,    A),
}


def _bool_check(ok: bool) -> None:
    if not ok:
        raise NotAllowed()


def _action(name: str, user, ctx) -> None:  # noqa: C901 - one branch per action
    from helpline.articles import services as articles
    from helpline.chat import selectors as chat_selectors
    from helpline.chat import services as chat
    from helpline.common import transcripts

    if name == "read_others_conversation":
        _bool_check(chat_selectors.can_view(user, ctx["active"]))
    elif name == "read_original_and_notes":
        transcripts.check_can_read(user, ctx["active"], original=True)
    elif name == "read_scrubbed_transcript":
        transcripts.transcript_read(user, ctx["active"].pk)
    elif name == "accept_chat":
        chat.check_can_accept(user, ctx["waiting"])
    elif name == "export_transcripts":
        transcripts.transcript_export_csv(user, [ctx["active"].pk])
    elif name == "edit_article":
        _bool_check(articles.can_edit(user, ctx["version_en"]))
    elif name == "translate_article":
        _bool_check(articles.can_edit(user, ctx["version_es"]))
    elif name == "publish_article":
        _bool_check(articles.can_publish(user))
    elif name == "archive_article":
        _bool_check(articles.can_archive(user))
    elif name == "manage_resources":
        from helpline.resources import services as resources

        resources.resource_mark_verified(user, ctx["resource"])
    elif name == "refer_resources":
        from helpline.resources import services as resources

        resources.referral_create(user, [ctx["resource"]], note="role matrix")
    elif name == "send_newsletter":
        from helpline.outreach import services as outreach

        outreach.newsletter_send(user, ctx["issue"])
    elif name == "view_donations":
        from helpline.outreach import selectors as outreach_selectors

        outreach_selectors.donation_summary(user)
    elif name == "view_volunteers":
        from helpline.outreach import selectors as outreach_selectors

        outreach_selectors.volunteer_list(user)
    elif name == "view_dashboard":
        from helpline.dashboard import selectors as dashboard

        dashboard.check_can_view_dashboard(user)
    elif name == "manage_staff":
        from helpline.accounts import services as accounts

        accounts.staff_roles_set(user, ctx["target"], ["specialist"])
    elif name == "view_audit_log":
        from helpline.accounts import selectors as accounts_selectors

        list(accounts_selectors.audit_entries(user)[:1])
    else:  # pragma: no cover
        raise AssertionError(name)


@pytest.fixture
def world(db):
    from helpline.articles.models import ArticleVersion
    from helpline.chat import services as chat
    from helpline.chat.models import Conversation, SpecialistStatus
    from helpline.outreach.models import NewsletterIssue
    from helpline.resources.models import Resource
    from helpline.resources.services import load_sample_resources

    ensure_roles()
    users = {VISITOR: AnonymousUser()}
    for role in ALL_ROLES:
        users[role] = make_staff(f"m_{role}", role)
        # Everyone is online and available in English, so only roles decide.
        SpecialistStatus.objects.create(user=users[role], available=True, languages=["en"],
                                        last_seen=timezone.now())
    owner = make_staff("m_owner", "specialist")
    active = chat.conversation_start(language="en", first_message="My number is 555-123-4567")
    Conversation.objects.filter(pk=active.pk).update(status="active", assigned_to=owner,
                                                     accepted_at=timezone.now(),
                                                     human_joined_at=timezone.now(),
                                                     notes="private note")
    active.refresh_from_db()
    waiting = chat.conversation_start(language="en", first_message="hello")
    load_sample_resources(if_empty=True)
    issue = NewsletterIssue.objects.create(subject_en="News", body_en="Hi", subject_es="Noticias",
                                           body_es="Hola")
    return {
        "users": users,
        "active": active,
        "waiting": waiting,
        "version_en": ArticleVersion(language="en"),
        "version_es": ArticleVersion(language="es"),
        "resource": Resource.objects.order_by("pk").first(),
        "issue": issue,
        "target": make_staff("m_target", "editor"),
    }


@pytest.mark.parametrize("action", list(MATRIX))
def test_role_matrix_in_services(world, action) -> None:
    outcome = {}
    for role in ROLES:
        user = world["users"][role]
        try:
            _action(action, user, world)
        except NotAllowed:
            outcome[role] = D
        except ApplicationError as error:  # allowed past the permission check, refused for data
            pytest.fail(f"{action} as {role}: unexpected {error.code}: {error.message}")
        else:
            outcome[role] = A
    expected = dict(zip(ROLES, MATRIX[action], strict=True))
    assert outcome == expected


def test_matrix_covers_every_role_and_the_issue_actions() -> None:
    assert all(len(row) == len(ROLES) for row in MATRIX.values())
    required = {"read_others_conversation", "accept_chat", "read_original_and_notes",
                "export_transcripts", "edit_article", "publish_article", "translate_article",
                "manage_resources", "send_newsletter", "view_donations", "manage_staff"}
    assert required <= set(MATRIX)


# --- the same rules through the pages ----------------------------------------------

PAGES = {
    # path (format with ctx)              allowed roles
    "/en/staff/audit/": {"administrator"},
    "/en/staff/people/": {"administrator"},
    "/en/staff/dashboard/": {"supervisor", "administrator"},
    "/en/staff/transcripts/{active}/": {"supervisor", "administrator"},
    "/en/staff/transcripts/{active}/?original=1": {"supervisor"},
    "/en/staff/transcripts/{active}.csv": {"supervisor", "administrator"},
    "/en/donate/staff/": {"supervisor", "administrator"},
    "/en/volunteer/staff/": {"supervisor", "administrator"},
    "/en/chat/console/": {"specialist", "supervisor"},
    "/en/chat/console/queue.json": {"specialist", "supervisor"},
    "/en/staff/editorial/": {"editor", "medical_reviewer", "translator", "administrator"},
}


def _transcript_ref(client, conversation) -> str:
    """Transcript links name the conversation by its id signed for the viewer's session."""
    from helpline.common.transcripts import transcript_ref

    session = client.session
    if not session.session_key:
        session.save()
    return transcript_ref(conversation.pk, session.session_key)


@pytest.mark.parametrize("path", list(PAGES))
def test_role_matrix_through_pages(world, client, path) -> None:
    outcome = {}
    for role in ROLES:
        client.logout()
        if role != VISITOR:
            client.force_login(world["users"][role])
        url = path.format(active=_transcript_ref(client, world["active"]))
        status = client.get(url).status_code
        assert status in (200, 302, 403), f"{url} as {role}: {status}"
        if role == VISITOR:
            assert status == 302, f"{url} must send visitors to sign in"
        outcome[role] = status == 200
    assert {role for role, ok in outcome.items() if ok} == PAGES[path]


# --- and through the staff websocket ------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_role_matrix_through_staff_websocket() -> None:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from helpline.asgi import application

    @sync_to_async
    def setup():
        from helpline.chat import services as chat
        from helpline.chat.models import Conversation

        ensure_roles()
        users = {role: make_staff(f"w_{role}", role) for role in ALL_ROLES}
        owner = make_staff("w_owner", "specialist")
        conv = chat.conversation_start(language="en", first_message="hi")
        Conversation.objects.filter(pk=conv.pk).update(status="active", assigned_to=owner)
        cookies = {}
        for role, user in users.items():
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            cookies[role] = store.session_key
        return conv.pk, cookies

    token, cookies = await setup()
    outcome = {}
    for role in [VISITOR, *ALL_ROLES]:
        headers = same_origin_headers()
        if role != VISITOR:
            headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookies[role]}".encode()))
        communicator = WebsocketCommunicator(application, f"/ws/chat/staff/{token}/",
                                             headers=headers)
        connected, _ = await communicator.connect(timeout=5)
        outcome[role] = connected
        await communicator.disconnect()
    assert {role for role, ok in outcome.items() if ok} == {"supervisor"}


def test_supervisor_opening_someone_elses_chat_is_audited(world, client) -> None:
    from helpline.common.models import AuditEntry

    supervisor = world["users"]["supervisor"]
    client.force_login(supervisor)
    response = client.get(f"/en/chat/console/c/{world['active'].pk}/")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="chat.view_other")
    assert entry.actor == supervisor and entry.object_id == str(world["active"].pk)
