"""Every conversation transition writes exactly one audit row (compared as lists, in order)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from helpline.chat import services
from helpline.chat.models import Conversation
from helpline.common.models import AuditEntry

from .conftest import make_staff

pytestmark = pytest.mark.django_db


def actions(obj) -> list[tuple[str, int | None]]:
    return list(AuditEntry.objects.filter(object_id=str(obj.pk)).order_by("id")
                .values_list("action", "actor_id"))


def test_a_chat_through_the_console_writes_one_audit_row_per_transition():
    first = make_staff(languages=["en", "es"])
    second = make_staff(languages=["es"])
    conversation = services.conversation_start(language="en", visitor_name="Ana")
    services.conversation_accept(first, conversation)
    services.conversation_transfer(first, conversation.token, to_language="es",
                                   note="prefers Spanish")
    services.conversation_accept(second, conversation.token)
    services.conversation_close(second, conversation.token)
    services.conversation_wrap_up(second, conversation.token, notes="talked about fatigue")
    assert actions(conversation) == [
        ("chat.accept", first.pk),
        ("chat.transfer", first.pk),
        ("chat.accept", second.pk),
        ("chat.close", second.pk),
        ("chat.wrapup", second.pk),
    ]


def test_the_visitor_ending_a_waiting_or_an_active_chat_is_audited_once():
    waiting = services.conversation_start(language="en")
    services.conversation_close_by_visitor(waiting)
    services.conversation_close_by_visitor(Conversation.objects.get(pk=waiting.pk))  # ended
    assert actions(waiting) == [("chat.visitor_close", None)]

    spec = make_staff()
    active = services.conversation_start(language="en")
    services.conversation_accept(spec, active.token)
    services.conversation_close_by_visitor(active.token)
    assert actions(active) == [("chat.accept", spec.pk), ("chat.visitor_close", None)]
    assert Conversation.objects.get(pk=active.pk).status == Conversation.Status.CLOSED
    closes = AuditEntry.objects.filter(action="chat.visitor_close").order_by("id")
    assert [entry.data for entry in closes] == [{"from": "waiting"}, {"from": "active"}]


def test_abandoning_a_stale_chat_is_audited_once():
    stale = services.conversation_start(language="en")
    Conversation.objects.filter(pk=stale.pk).update(
        visitor_last_seen=timezone.now() - dt.timedelta(hours=1))
    assert services.conversations_abandon_stale() == 1
    assert services.conversations_abandon_stale() == 0
    assert actions(stale) == [("chat.abandon", None)]


def test_callback_outcomes_are_audited_once_each_and_point_to_their_note():
    spec = make_staff()
    callback = services.callback_request_create(phone="(555) 123-4567", language="en")
    services.callback_outcome_set(spec, callback.token, "no_answer", note="voicemail")
    done = services.callback_outcome_set(spec, callback.token, outcome="done")
    assert actions(callback) == [("chat.callback_outcome", spec.pk),
                                 ("chat.callback_outcome", spec.pk)]
    entries = list(AuditEntry.objects.filter(object_id=str(callback.pk)).order_by("id")
                   .values_list("data", flat=True))
    assert [e["outcome"] for e in entries] == ["no_answer", "done"]
    assert entries[1]["note_id"] == done.callback_note_id
    assert Conversation.objects.get(pk=callback.pk).status == Conversation.Status.CLOSED


def test_a_status_change_from_the_form_or_the_socket_is_audited_once():
    spec = make_staff()
    status = services.specialist_set_status(spec, available=False, languages=["en"],
                                            max_concurrent=2)
    services.specialist_set_status(spec, available=True)
    assert actions(status) == [("chat.status", spec.pk), ("chat.status", spec.pk)]


def test_a_race_lost_writes_no_audit_row():
    first, second = make_staff(), make_staff()
    conversation = services.conversation_start(language="en")
    services.conversation_accept(first, conversation.token)
    with pytest.raises(services.ApplicationError):
        services.conversation_accept(second, conversation.token)
    assert actions(conversation) == [("chat.accept", first.pk)]


def test_the_database_refuses_an_active_conversation_without_a_specialist():
    conversation = services.conversation_start(language="en")
    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(status="active")
