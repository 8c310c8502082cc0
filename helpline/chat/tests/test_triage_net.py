"""The urgent second net on chat lines: after the line is stored, batched, flagging like the rules."""

import time

import pytest

from helpline.answers.triage import assess
from helpline.chat import services
from helpline.chat.models import Conversation, Message
from helpline.chat.triage_net import NET

pytestmark = pytest.mark.django_db(transaction=True)

# Words the rules do not read as a sign, which the similarity detector catches.
QUIET_CRISIS = "honestly everyone would be better off if i just wasnt around anymore"


def test_a_line_only_the_second_net_catches_is_flagged_after_it_is_stored():
    rules = assess(QUIET_CRISIS, "en", second_net=False)
    assert not rules.urgent, "the point of this test is a line the rules let through"
    assert assess(QUIET_CRISIS, "en").urgent, "the second net catches it"
    conversation = services.conversation_start(language="en")
    started = time.perf_counter()
    result = services.visitor_message_post(conversation.token, QUIET_CRISIS, "c1")
    inline_ms = (time.perf_counter() - started) * 1000
    assert result.created and Message.objects.filter(client_id="c1").exists()
    assert NET.drain(30)
    conversation.refresh_from_db()
    assert conversation.urgent
    assert "crisis" in " ".join(conversation.urgent_codes) or conversation.urgent_codes
    # The crisis notice went to the visitor once.
    assert Message.objects.filter(conversation=conversation, data__kind="urgent").count() == 1
    assert inline_ms < 1000  # stored without waiting for the encoder's batch


def test_lines_the_rules_flag_are_flagged_inline_and_ordinary_lines_stay_quiet():
    fever = services.conversation_start(language="en")
    services.visitor_message_post(fever.token, "he got his cells 5 days ago and now has 38.6 fever", "f1")
    fever.refresh_from_db()
    assert fever.urgent  # no wait: the rules saw it
    calm = services.conversation_start(language="es")
    for n, text in enumerate(["hola, tengo una pregunta sobre el estacionamiento",
                              "gracias por su ayuda", "what time do you open on monday"]):
        services.visitor_message_post(calm.token, text, f"q{n}")
    assert NET.drain(30)
    calm.refresh_from_db()
    assert not calm.urgent


def test_a_closed_conversation_is_not_flagged_afterwards():
    conversation = services.conversation_start(language="en")
    # The visitor ended the chat before the net got to their last line.
    Conversation.objects.filter(pk=conversation.pk).update(status="closed")
    NET.submit(conversation.pk, "en", QUIET_CRISIS)
    assert NET.drain(30)
    conversation.refresh_from_db()
    assert not conversation.urgent
