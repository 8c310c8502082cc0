"""The role matrix: for every role and every protected action, allowed or denied.

Checked where the rule is enforced (the services and selectors every interface
calls), then again through the pages, the JSON endpoints and the staff
websocket, so no interface can forget a check.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from helpline.accounts.roles import ALL_ROLES, ensure_roles
from helpline.accounts.testing import make_staff
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.testing import same_origin_headers

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
    "link_question_to_section": (D,    D,   D,   A,    D,   D,    D),
    "manage_resources":         (D,    D,   A,   D,    D,   D,    A),
    "refer_resources":          (D,    A,   A,   D,    D,   D,    A),
    "send_newsletter":          (D,    D,   A,   D,    D,   D,    A),
    "view_donations":           (D,    D,   A,   D,    D,   D,    A),
    "view_volunteers":          (D,    D,   A,   D,    D,   D,    A),
    "view_dashboard":           (D,    D,   A,   D,    D,   D,    A),
    "manage_staff":             (D,    D,   D,   D,    D,   D,    A),
    "view_audit_log":           (D,    D,   D,   D,    D,   D,    A),
    "log_phone_call":           (D,    A,   A,   D,    D,   D,    D),
    "complete_own_phone_call":  (D,    A,   A,   D,    D,   D,    D),
    "read_others_phone_call":   (D,    D,   A,   D,    D,   D,    D),
    "complete_others_phone_call": (D,  D,   A,   D,    D,   D,    D),
    "set_agent_line":           (D,    A,   A,   D,    D,   D,    D),
    "invite_staff":             (D,    D,   D,   D,    D,   D,    A),
    "deactivate_staff":         (D,    D,   D,   D,    D,   D,    A),
    "choose_chat_settings":     (D,    A,   D,   D,    D,   D,    D),
}


def _bool_check(ok: bool) -> None:
    if not ok:
        raise NotAllowed()


def _action(name: str, user, ctx) -> None:  # noqa: C901 - one branch per action
    from helpline.articles import services as articles
    from helpline.chat import selectors as chat_selectors
    from helpline.chat import services as chat
    from helpline.chat import transcripts

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
    elif name == "link_question_to_section":
        from helpline.answers import feedback_services

        feedback_services.question_link(user, ctx["question"].pk, ctx["published_en"].pk,
                                        "what-it-is")
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
    elif name in ("log_phone_call", "complete_own_phone_call"):
        from helpline.phone import services as phone

        contact = phone.contact_open(user, language="en")
        if name == "complete_own_phone_call":
            phone.contact_complete(user, contact.token, caller_type="patient", outcome="answered")
    elif name == "read_others_phone_call":
        from helpline.phone import selectors as phone_selectors

        phone_selectors.contact_for(user, ctx["phone_contact"].token)
    elif name == "complete_others_phone_call":
        from helpline.phone import services as phone

        contact = phone.contact_open(ctx["phone_owner"], language="en")
        phone.contact_complete(user, contact.token, caller_type="patient", outcome="answered")
    elif name == "set_agent_line":
        from helpline.phone import services as phone

        number = f"+1212555{1000 + (user.pk or 0) % 9000:04d}"
        phone.agent_line_set(user, phone_number=number, pin="2468")
    elif name == "invite_staff":
        from helpline.accounts import services as accounts

        accounts.staff_invite(user, username=f"invited_{user.pk}",
                              email=f"invited_{user.pk}@example.org", roles=["specialist"])
    elif name == "deactivate_staff":
        from helpline.accounts import services as accounts

        accounts.staff_deactivate(user, ctx["target"])
    elif name == "choose_chat_settings":
        from helpline.accounts import services as accounts

        accounts.specialist_settings_save(user, languages=["en", "es"], max_concurrent=2,
                                          display_name="Matrix", credentials="")
    else:  # pragma: no cover
        raise AssertionError(name)


@pytest.fixture
def world(db):
    from helpline.answers.models import QuestionLog
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
    published_en = _published_article(users["editor"], users["medical_reviewer"])
    question = QuestionLog.objects.create(question="is a fever normal", lang="en",
                                          status="no_answer")
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
        "published_en": published_en,
        "question": question,
        "phone_owner": owner,
        "phone_contact": _phone_contact(owner),
    }


def _published_article(editor, reviewer):
    from helpline.articles import services as articles
    from helpline.articles.models import Article, ArticleVersion, Topic

    topic = Topic.objects.create(slug="m-topic", name_en="T", name_es="T")
    article = Article.objects.create(key="m-fever", topic=topic)
    version = ArticleVersion.objects.create(article=article, language="en", slug="m-fever")
    articles.draft_save(editor, version, articles.DraftInput(
        title="Fever", summary="What a fever means.",
        sections=[{"heading": "What it is", "anchor": "what-it-is", "body": "A paragraph."}],
        references=[]))
    articles.submit_for_review(editor, version)
    articles.publish(reviewer, version)
    version.refresh_from_db()
    return version


def _phone_contact(owner):
    from helpline.phone import services as phone

    return phone.contact_open(owner, language="en")


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
    "/en/ask/unanswered/": {"editor", "supervisor"},

    "/en/phone/": {"specialist", "supervisor"},
    "/en/phone/c/{phone_contact}/": {"supervisor"},
}


def _transcript_ref(client, conversation) -> str:
    """Transcript links name the conversation by its id signed for the viewer's session."""
    from helpline.chat.transcripts import transcript_ref

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
        url = path.format(active=_transcript_ref(client, world["active"]),
                          phone_contact=world["phone_contact"].token)
        status = client.get(url).status_code
        assert status in (200, 302, 403), f"{url} as {role}: {status}"
        if role == VISITOR:
            assert status == 302, f"{url} must send visitors to sign in"
        outcome[role] = status == 200
    assert {role for role, ok in outcome.items() if ok} == PAGES[path]


POSTS = {
    # path, form data (format with ctx), where an allowed role is sent: allowed roles
    "/en/ask/unanswered/link/": (
        {"entry": "{question}", "section": "{version}:what-it-is"}, "/en/ask/unanswered/",
        {"editor"}),
    "/en/staff/editorial/{version}/questions/": (
        {"questions-what-it-is": "is a fever normal"}, "/en/staff/editorial/{version}/",
        {"editor", "medical_reviewer"}),
    "/en/staff/people/invite/": (
        {"username": "invited", "email": "invited@example.org", "roles": "specialist"},
        "/en/staff/people/", {"administrator"}),
    "/en/staff/people/{target}/deactivate/": ({}, "/en/staff/people/", {"administrator"}),
    "/en/staff/welcome/chat/": (
        {"languages": "es", "max_concurrent": "2", "display_name": "M"}, "/en/chat/console/",
        {"specialist"}),
}


@pytest.mark.parametrize("path", list(POSTS))
def test_role_matrix_through_staff_posts(world, client, path) -> None:
    ids = {"question": world["question"].pk, "version": world["published_en"].pk,
           "target": world["target"].pk}
    data, success, allowed = POSTS[path]
    url, success = path.format(**ids), success.format(**ids)
    outcome = {}
    for role in ROLES:
        client.logout()
        if role != VISITOR:
            client.force_login(world["users"][role])
        response = client.post(url, {key: value.format(**ids) for key, value in data.items()})
        assert response.status_code in (302, 403), f"{url} as {role}: {response.status_code}"
        if role == VISITOR:
            assert "/login/" in response["Location"], f"{url} must send visitors to sign in"
            continue
        outcome[role] = response.status_code == 302 and response["Location"] == success
    assert {role for role, ok in outcome.items() if ok} == allowed


# --- and through the staff websocket ------------------------------------------------

@pytest.mark.django_db(transaction=True)
async def test_role_matrix_through_staff_websocket() -> None:
    from asgiref.sync import sync_to_async
    from channels.testing import WebsocketCommunicator
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from helpline.asgi import application

    # The thread that runs sync code for async tests keeps its connection between tests;
    # an earlier test that restarts PostgreSQL leaves it dead. Start from a fresh one.
    await sync_to_async(connections.close_all)()

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
