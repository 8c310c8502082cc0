"""The answer page's hand-off: showing it is a read, starting a conversation from it is the mark."""

from __future__ import annotations

import pytest

from helpline.answers import services as answers
from helpline.answers.models import QuestionLog
from helpline.answers.tests.conftest import knowledge_base  # noqa: F401 - fixture
from helpline.chat import services as chat

pytestmark = pytest.mark.django_db(transaction=True)


def test_only_a_started_conversation_counts_as_handed_off(client, knowledge_base):  # noqa: F811
    result = answers.answer_question("How long do I need to stay near the treatment center?", "en")
    for _ in range(3):  # the chat and callback pages show the hand-off on GET
        page = client.get(f"/en/chat/?from_answer={result.log_token}")
        assert "stay near the treatment center" in page.content.decode()
        client.get(f"/en/chat/callback/?from_answer={result.log_token}")
    assert QuestionLog.objects.get(log_token=result.log_token).handed_off is False
    conversation = chat.conversation_start(language="en", handoff_token=str(result.log_token))
    assert conversation.handoff_context["question"].startswith("How long")
    assert QuestionLog.objects.get(log_token=result.log_token).handed_off is True
