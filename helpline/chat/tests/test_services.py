"""Queue, routing, accept races, sequence numbers and the silent bot — real database."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from helpline.chat import selectors, services
from helpline.chat.models import Conversation, Message, SpecialistStatus
from helpline.common.exceptions import ApplicationError, NotAllowed

from .conftest import make_staff

pytestmark = pytest.mark.django_db


def start(lang="en", **kw):
    return services.conversation_start(language=lang, **kw)


def test_queue_is_oldest_first_with_urgent_first_and_callbacks_included():
    t0 = timezone.now() - dt.timedelta(minutes=10)
    a = start(now=t0)
    b = services.callback_request_create(phone="(555) 123-4567", language="en",
                                         now=t0 + dt.timedelta(minutes=1))
    c = start(now=t0 + dt.timedelta(minutes=2))
    urgent = start(first_message="He has a fever of 39 C and shaking chills after CAR T",
                   now=t0 + dt.timedelta(minutes=3))
    assert urgent.urgent, "triage should flag a fever after CAR T"
    order = list(selectors.waiting_queue().values_list("pk", flat=True))
    assert order == [urgent.pk, a.pk, b.pk, c.pk]
    positions = selectors.queue_positions()
    assert positions[urgent.token.hex]["position"] == 1
    assert positions[c.token.hex]["position"] == 4
    # no accepts yet: no basis for an estimate
    assert positions[c.token.hex]["estimated_wait_seconds"] is None


def test_positions_count_per_language_and_wait_estimate_uses_recent_accepts():
    spec = make_staff(languages=["en", "es"], max_concurrent=10)
    for _ in range(3):
        services.conversation_accept(spec, start())
    es1, es2 = start("es"), start("es")
    en = start("en")
    positions = selectors.queue_positions()
    assert positions[es2.token.hex]["position"] == 2
    assert positions[en.token.hex]["position"] == 1
    # 3 accepts in a 60-minute window -> one per 1200 s
    assert positions[en.token.hex]["estimated_wait_seconds"] == 1200
    assert positions[es1.token.hex]["estimated_wait_seconds"] is None  # no Spanish accepts
    assert selectors.estimate_wait_seconds(3, 0.01) == 300
    assert positions[en.token.hex]["specialists_online"] == 1


def test_nobody_on_duty_for_a_language_means_no_estimate_and_says_so():
    spec = make_staff(languages=["en"], max_concurrent=10)
    for _ in range(3):
        services.conversation_accept(spec, start())
    en, es = start("en"), start("es")
    positions = selectors.queue_positions()
    assert positions[en.token.hex]["specialists_online"] == 1
    assert positions[en.token.hex]["estimated_wait_seconds"] == 1200
    assert positions[es.token.hex] == {"position": 1, "specialists_online": 0,
                                       "estimated_wait_seconds": None}
    # The English specialist steps away: the recent rate no longer says anything.
    SpecialistStatus.objects.filter(user=spec).update(available=False)
    assert selectors.queue_positions()[en.token.hex]["estimated_wait_seconds"] is None
    # Back, but the console has been silent past the grace period: not on duty either.
    SpecialistStatus.objects.filter(user=spec).update(
        available=True, last_seen=timezone.now() - dt.timedelta(minutes=5))
    assert selectors.queue_positions()[en.token.hex]["specialists_online"] == 0


def test_accept_requires_available_online_language_and_limit():
    away = make_staff(available=False)
    stale = make_staff()
    SpecialistStatus.objects.filter(user=stale).update(
        last_seen=timezone.now() - dt.timedelta(seconds=31))
    spanish_only = make_staff(languages=["es"])
    limited = make_staff(max_concurrent=1)
    conv = start()
    for user, code in ((away, "unavailable"), (stale, "unavailable"), (spanish_only, "language")):
        with pytest.raises(ApplicationError) as exc:
            services.conversation_accept(user, conv.token)
        assert exc.value.code == code
    services.conversation_accept(limited, conv.token)
    with pytest.raises(ApplicationError) as exc:
        services.conversation_accept(limited, start().token)
    assert exc.value.code == "limit"
    # routable list agrees
    names = {s.user.username for s in selectors.available_specialists("en")}
    assert away.username not in names and stale.username not in names
    assert limited.username not in names and spanish_only.username not in names


def test_visitors_and_non_staff_cannot_act_as_specialists(django_user_model):
    conv = start()
    nobody = django_user_model.objects.create_user(username="visitor", password="x" * 12)
    with pytest.raises(NotAllowed):
        services.conversation_accept(nobody, conv.token)
    spec = make_staff()
    other = make_staff()
    services.conversation_accept(spec, conv.token)
    with pytest.raises(ApplicationError):
        services.specialist_message_post(other, conv.token, "hi", "x1")
    with pytest.raises(NotAllowed):
        services.conversation_close(other, conv.token)
    assert Message.objects.filter(conversation=conv, sender="specialist").count() == 0


def test_message_ids_are_idempotent_and_seq_gap_free():
    conv = start()
    r1 = services.visitor_message_post(conv.token, "hello", "c-1")
    r2 = services.visitor_message_post(conv.token, "hello again", "c-1")
    r3 = services.visitor_message_post(conv.token, "<b>second</b>", "c-2")
    assert r1.created and not r2.created and r1.seq == r2.seq
    assert r3.seq == r1.seq + 1
    assert Message.objects.filter(conversation=conv).count() == 2
    assert Message.objects.get(conversation=conv, seq=r3.seq).text == "<b>second</b>"


def test_bad_input_is_refused_without_storing():
    conv = start()
    for text, code in (("", "invalid"), ("x" * 4001, "too_large"), (None, "invalid"),
                       (["list"], "invalid")):
        with pytest.raises(ApplicationError) as exc:
            services.visitor_message_post(conv.token, text, "id")
        assert exc.value.code == code
    with pytest.raises(ApplicationError):
        services.visitor_message_post(conv.token, "ok", "x" * 65)
    with pytest.raises(ApplicationError):
        services.visitor_message_post("not-a-token", "ok", "a")
    with pytest.raises(ApplicationError):
        services.visitor_message_post(uuid.uuid4(), "ok", "a")
    with pytest.raises(ApplicationError):
        start("fr")
    with pytest.raises(ApplicationError):
        services.callback_request_create(phone="call me", language="en")
    assert Message.objects.count() == 0
    assert Conversation.objects.count() == 1


def test_transfer_to_person_and_to_language_queue_with_note():
    alice = make_staff(languages=["en", "es"], first_name="Alice")
    bob = make_staff(languages=["en"], first_name="Bob")
    carol = make_staff(languages=["en"], first_name="Carol")
    rosa = make_staff(languages=["es"], first_name="Rosa")
    conv = start()
    services.conversation_accept(alice, conv.token)
    services.conversation_transfer(alice, conv.token, to_user=bob, note="Needs insurance help")
    conv.refresh_from_db()
    assert conv.status == "waiting" and conv.transfer_to == bob
    assert conv.transfer_note == "Needs insurance help"
    assert conv not in selectors.queue_for(carol)
    with pytest.raises(ApplicationError) as exc:
        services.conversation_accept(carol, conv.token)
    assert exc.value.code == "transferred"
    services.conversation_accept(bob, conv.token)
    services.conversation_transfer(bob, conv.token, to_language="es", note="Prefers Spanish")
    conv.refresh_from_db()
    assert conv.language == "es" and conv.transfer_to is None
    assert conv in selectors.queue_for(rosa)
    services.conversation_accept(rosa, conv.token)
    services.conversation_close(rosa, conv.token)
    conv.refresh_from_db()
    assert conv.status == "closed" and conv.closed_at is not None
    events = [m.data.get("event") for m in conv.messages.filter(sender="system").order_by("seq")]
    assert events == ["joined", "transferred", "joined", "transferred", "joined", "closed"]


def test_waiting_visitor_gone_past_grace_is_abandoned_but_not_on_a_reconnect(settings):
    settings.HELPLINE_CHAT = {"ABANDON_GRACE_SECONDS": 60}
    gone, back, active = start(), start(), start()
    services.conversation_accept(make_staff(), active.token)
    now = timezone.now()
    services.visitor_left(gone.token, now=now - dt.timedelta(seconds=61))
    services.visitor_left(back.token, now=now - dt.timedelta(seconds=61))
    Conversation.objects.filter(pk=active.pk).update(visitor_last_seen=now - dt.timedelta(hours=1))
    services.visitor_seen([back.token], now=now - dt.timedelta(seconds=5))  # reconnected
    assert services.conversations_abandon_stale(now=now) == 1
    statuses = dict(Conversation.objects.values_list("pk", "status"))
    assert statuses == {gone.pk: "abandoned", back.pk: "waiting", active.pk: "active"}


def test_callback_outcomes():
    spec = make_staff()
    cb = services.callback_request_create(phone="+1 555 123 4567", language="en",
                                          preferred_time="mornings", reason="Questions on CRS")
    services.callback_outcome_set(spec, cb.token, "no_answer")
    cb.refresh_from_db()
    assert cb.status == "active" and cb.assigned_to == spec and cb.callback_outcome == "no_answer"
    with pytest.raises(ApplicationError):
        services.callback_outcome_set(spec, cb.token, "maybe")
    services.callback_outcome_set(spec, cb.token, "done")
    cb.refresh_from_db()
    assert cb.status == "closed"


def test_rating_only_after_end_and_in_range():
    conv = start()
    with pytest.raises(ApplicationError):
        services.conversation_rate(conv.token, 5)
    services.conversation_close_by_visitor(conv.token)
    for bad in (0, 6, "x", None):
        with pytest.raises(ApplicationError):
            services.conversation_rate(conv.token, bad)
    services.conversation_rate(conv.token, "4", "Thank you")
    conv.refresh_from_db()
    assert (conv.status, conv.rating, conv.rating_comment) == ("abandoned", 4, "Thank you")


# --------------------------------------------------------------- handoff and the silent bot


def _handoff_token():
    """A real QuestionLog from the answer service, if that service is present."""
    answers = pytest.importorskip("helpline.answers.services")
    if not hasattr(answers, "answer_question") or not hasattr(answers, "get_handoff_context"):
        pytest.skip("the answer service does not expose answer_question/get_handoff_context yet")
    result = answers.answer_question("What is cytokine release syndrome?", "en")
    return str(result.log_token)


def test_handoff_context_is_stored_and_bot_is_silent_after_a_human_joins():
    token = _handoff_token()
    conv = start(handoff_token=token)
    assert conv.handoff_context["question"] == "What is cytokine release syndrome?"
    assert "passages" in conv.handoff_context
    # before a human joins an automatic line is allowed
    assert services.bot_message_post(conv, "A specialist will be with you soon.") is not None
    spec = make_staff()
    services.conversation_accept(spec, conv.token)
    before = conv.messages.count()
    assert services.bot_message_post(conv, "Here are some articles") is None
    # an urgent message after the join flags the conversation but no automatic reply is posted
    services.visitor_message_post(conv.token, "I have a fever of 39 C and I am confused", "v1")
    conv.refresh_from_db()
    assert conv.urgent
    assert conv.messages.count() == before + 1
    assert not conv.messages.filter(sender="bot", seq__gt=2).exists()
    # even after a transfer back to the queue the bot stays silent
    services.conversation_transfer(spec, conv.token, to_language="en")
    assert services.bot_message_post(conv, "Still waiting?") is None


def test_bot_speaks_urgent_notice_before_join_but_not_after():
    conv = start()
    from helpline.answers.triage import assess

    text = "My dad has a fever of 39 C after CAR T"
    services.visitor_message_post(conv.token, text, "v1")
    conv.refresh_from_db()
    assert conv.urgent and conv.urgent_codes == assess(text, "en").matched
    bot = conv.messages.filter(sender="bot")
    assert bot.count() == 1
    assert bot.get().text == assess(text, "en").message != ""
    services.conversation_accept(make_staff(), conv.token)
    assert services.bot_message_post(conv, "anything") is None


# --------------------------------------------------------------- concurrency (real threads)


def _run_threads(targets):
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def wrap(i, fn):
        try:
            barrier.wait()
            results[i] = ("ok", fn())
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, fn)) for i, fn in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_two_specialists_racing_to_accept_one_conversation(round_):
    a, b = make_staff(), make_staff()
    conv = start()
    results = _run_threads([lambda: services.conversation_accept(a, conv.token),
                            lambda: services.conversation_accept(b, conv.token)])
    oks = [r for r in results if r[0] == "ok"]
    errors = [r[1] for r in results if r[0] == "error"]
    assert len(oks) == 1, results
    assert len(errors) == 1 and isinstance(errors[0], ApplicationError)
    assert errors[0].code == "taken"
    conv.refresh_from_db()
    assert conv.assigned_to_id in (a.pk, b.pk) and conv.status == "active"
    assert conv.messages.filter(data__event="joined").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_gap_free_unique_seqs_and_duplicates_stored_once():
    conv = start()
    spec = make_staff()
    services.conversation_accept(spec, conv.token)
    base = Conversation.objects.get(pk=conv.pk).last_seq

    def visitor(i):
        return lambda: [services.visitor_message_post(conv.token, f"v{i}-{j}", f"v{i}-{j}")
                        for j in range(10)]

    def dup():
        return lambda: [services.visitor_message_post(conv.token, "dup", f"v0-{j}")
                        for j in range(10)]

    def specialist():
        return lambda: [services.specialist_message_post(spec, conv.token, f"s{j}", f"s{j}")
                        for j in range(10)]

    results = _run_threads([visitor(0), visitor(1), dup(), specialist()])
    assert all(r[0] == "ok" for r in results), results
    seqs = list(conv.messages.filter(seq__gt=base).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(base + 1, base + 31))
    assert conv.messages.filter(client_id__startswith="v0-").count() == 10
    assert Conversation.objects.get(pk=conv.pk).last_seq == base + 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_accept_race_on_postgresql_with_many_specialists():
    staff = [make_staff() for _ in range(6)]
    conv = start()
    results = _run_threads([(lambda u=u: services.conversation_accept(u, conv.token))
                            for u in staff])
    assert sum(1 for r in results if r[0] == "ok") == 1
    assert all(r[1].code == "taken" for r in results if r[0] == "error")


@pytest.mark.django_db(transaction=True)
def test_a_post_is_one_statement_on_postgresql_and_a_resend_after_close_is_still_recognised():
    """The hot path: no BEGIN/COMMIT round trips on PostgreSQL; the unique id still guards."""
    from django.test.utils import CaptureQueriesContext

    conv = start()
    spec = make_staff()
    services.conversation_accept(spec, conv.token)
    conversation = Conversation.objects.get(pk=conv.pk)
    with CaptureQueriesContext(connection) as queries:
        first = services.visitor_message_post(conversation, "is fatigue normal?", "once")
    statements = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "postgresql":
        assert len(statements) == 1, statements
        assert statements[0].startswith("WITH s AS (UPDATE")
    else:  # SQLite: UPDATE ... RETURNING and INSERT inside one IMMEDIATE transaction
        assert [s.split()[0] for s in statements if s.split()[0] in ("UPDATE", "INSERT")] == [
            "UPDATE", "INSERT"]
    assert first.created and first.seq == Conversation.objects.get(pk=conv.pk).last_seq

    again = services.visitor_message_post(conversation, "is fatigue normal?", "once")
    assert not again.created and again.seq == first.seq
    assert Conversation.objects.get(pk=conv.pk).last_seq == first.seq  # no number used up

    services.conversation_close(spec, conv.token)
    resent = services.visitor_message_post(conversation, "is fatigue normal?", "once")
    assert not resent.created and resent.seq == first.seq
    with pytest.raises(ApplicationError) as refused:
        services.visitor_message_post(conversation, "one more thing", "new-id")
    assert refused.value.code == "closed"
    assert conv.messages.filter(client_id="once").count() == 1
    assert not conv.messages.filter(client_id="new-id").exists()


def test_accept_and_close_are_in_the_audit_log_with_who_did_it():
    from helpline.common.models import AuditEntry

    conv = start()
    spec = make_staff()
    supervisor = make_staff("supervisor")
    services.conversation_accept(spec, conv.token)
    services.conversation_close(supervisor, conv.token)  # a supervisor ends someone else's chat
    entries = list(AuditEntry.objects.filter(object_id=str(conv.pk)).order_by("id")
                   .values_list("action", "actor_id", "data"))
    assert entries == [("chat.accept", spec.pk, {}),
                       ("chat.close", supervisor.pk, {"assigned_to": spec.pk})]


# --------------------------------------------------------------- one write, one service function


def test_start_from_the_public_page_is_refused_outside_the_opening_hours(settings):
    settings.HELPLINE_HOURS = {"chat": {"always_open": False, "holidays": [],
                                        "weekly": {d: [] for d in ("mon", "tue", "wed", "thu",
                                                                   "fri", "sat", "sun")}}}
    with pytest.raises(ApplicationError) as exc:
        start(first_message="Hello", check_hours=True)
    assert exc.value.code == "closed"
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert start(first_message="Hello").status == "waiting"  # staff tools and tests: no hours


def test_an_urgent_first_message_gets_the_urgent_notice_once_and_a_plain_one_none():
    from helpline.answers.triage import assess

    text = "My dad has a fever of 39 C after CAR T"
    urgent = start(first_message=text)
    lines = list(urgent.messages.order_by("seq").values_list("sender", "text", "data"))
    assert lines == [("visitor", text, {}),
                     ("bot", assess(text, "en").message,
                      {"kind": "urgent", "codes": assess(text, "en").matched})]
    plain = start(first_message="What is CAR T?")
    assert list(plain.messages.values_list("sender", flat=True)) == ["visitor"]


def test_the_wrap_up_checks_topics_scrubs_text_and_records_referrals_in_one_write():
    from helpline.common.models import AuditEntry
    from helpline.resources.models import Need, Referral, Resource

    spec = make_staff()
    conv = start()
    services.conversation_accept(spec, conv.token)
    with pytest.raises(ApplicationError) as exc:
        services.conversation_wrap_up(spec, conv.token, topics=["no-such-topic"], notes="x")
    assert exc.value.code == "invalid" and "no-such-topic" in exc.value.message
    resource = Resource.objects.create(name="Casa Ronald", provider="RMHC",
                                       need=Need.choices[0][0], description_en="Lodging",
                                       description_es="Alojamiento",
                                       last_verified=timezone.now().date())
    with pytest.raises(ApplicationError):  # an unknown service: nothing of the wrap-up is kept
        services.conversation_wrap_up(spec, conv.token, notes="first try",
                                      resources=[resource.pk, 999999])
    conv.refresh_from_db()
    assert conv.notes == "" and not Referral.objects.exists()
    assert not AuditEntry.objects.filter(action="chat.wrapup").exists()
    services.conversation_wrap_up(spec, conv.token, topics=["other"],
                                  notes="Call her at 212-555-0123", referrals="ana@example.org",
                                  resources=[str(resource.pk)])
    conv.refresh_from_db()
    assert conv.topics == ["other"]
    assert "212-555-0123" not in conv.notes and "ana@example.org" not in conv.referrals_text
    referral = Referral.objects.get()
    assert referral.conversation_token == conv.token
    assert [item.resource_id for item in referral.items.all()] == [resource.pk]
    outsider = make_staff()
    with pytest.raises(NotAllowed):
        services.conversation_wrap_up(outsider, conv.token, notes="not mine")


def test_a_transfer_note_is_scrubbed_whatever_the_interface():
    alice, bob = make_staff(first_name="Alice"), make_staff(first_name="Bob")
    conv = start()
    services.conversation_accept(alice, conv.token)
    services.conversation_transfer(alice, conv.token, to_user=bob.pk,
                                   note="Her number is 212-555-0123")
    conv.refresh_from_db()
    assert conv.transfer_to == bob and "212-555-0123" not in conv.transfer_note
