"""Resource cards: a specialist sends a directory entry into the conversation.

A card is a chat message like any other: numbered by ``seq`` under the same lock,
delivered after commit, resumed after a reconnect, kept in the transcript. Its
``data`` holds the entry's fields (``{"kind": "resource_card", "card": {...}}``,
see ``helpline.resources.selectors.resource_card``) and its ``text`` is the same
card as plain text, for clients and e-mails that show text only. Sending a card
records the referral in the same transaction, once per resource and conversation
(the wrap-up leaves out what a card already recorded).
"""

from __future__ import annotations

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError, NotAllowed

from ..models import Conversation, Message
from ._core import _clean_client_id, _get, _is_supervisor, _require_staff, _specialist_label
from .messages import PostResult, _append

CARD_KIND = "resource_card"
OFFERS_MAX_CHARS = 1200


def is_card(message: Message) -> bool:
    """Is this stored line a resource card (its text made by the server from the directory)?"""
    return isinstance(message.data, dict) and message.data.get("kind") == CARD_KIND


def card_text(card: dict, language: str) -> str:
    """The card as plain text, labelled in ``language``: what a text-only client shows."""
    with translation.override(language):
        return render_to_string("chat/resource_card.txt", {"card": card}).strip()


def resource_card_send(user, conversation, resource_id, client_id: str | None = None, *,
                       origin: str | None = None) -> PostResult:
    """Send the directory entry ``resource_id`` into an active chat as a card.

    Only the assigned specialist or a supervisor, only while the chat is active.
    The card's texts are in the conversation's language where the entry has a
    translation. ``client_id`` makes it idempotent like any message: a re-send with
    the same id returns the stored card (``created`` False) and records nothing.
    The referral is recorded in the same transaction (``resources.referral_create``,
    which skips a resource already referred in this conversation).
    """
    from helpline.resources.selectors import resource_card
    from helpline.resources.services import referral_create

    token = conversation.token if isinstance(conversation, Conversation) else conversation
    conversation = _get(token)  # read again: a socket's copy may predate an accept or transfer
    _require_staff(user)
    supervisor = _is_supervisor(user)
    if conversation.assigned_to_id != user.pk and not supervisor:
        raise NotAllowed(_("Only the assigned specialist or a supervisor can send a resource "
                           "in this chat."))
    if conversation.channel != Conversation.Channel.CHAT:
        raise ApplicationError(_("A callback request has no chat to send a resource into."),
                               code="invalid")
    client_id = _clean_client_id(client_id)
    card = resource_card(resource_id, conversation.language)
    if card is None:
        raise ApplicationError(_("Choose a resource from the directory."), code="not_found")
    if len(card["offers"]) > OFFERS_MAX_CHARS:
        card["offers"] = card["offers"][:OFFERS_MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
    name, _role = _specialist_label(user)
    try:
        with transaction.atomic():
            result = _append(
                conversation.pk,
                sender=Message.Sender.SPECIALIST,
                text=card_text(card, conversation.language),
                client_id=client_id,
                user=user,
                label=name,
                data={"kind": CARD_KIND, "card": card},
                allowed_status=(Conversation.Status.ACTIVE,),
                # The assignee, at the moment of writing; a supervisor any active chat.
                assigned_to_id=None if supervisor else user.pk,
                origin=origin,
            )
            if result.created:
                referral_create(user, [card["resource"]], conversation=conversation,
                                sent_in_chat=True)
    except ApplicationError as exc:
        if exc.code == "closed":
            raise ApplicationError(_("A resource can be sent only while the chat is active."),
                                   code="closed") from None
        raise
    return result
