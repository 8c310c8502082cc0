"""The wrap-up of a conversation: topics, referrals given and notes."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.privacy import scrub

from ..models import Conversation
from ..selectors import unknown_wrapup_topics
from ._core import _audit, _get, _is_supervisor, _require_staff


def conversation_wrap_up(user, token, *, topics=(), resources=(), referrals: str = "",
                         notes: str = "") -> Conversation:
    """Save the wrap-up of one's own conversation (a supervisor: any): topics, the
    directory entries referred (recorded as a referral), other referrals given, notes.
    Free text is scrubbed of contact details."""
    from helpline.resources.services import referral_create

    conversation = _get(token)
    _require_staff(user)
    if conversation.assigned_to_id != user.pk and not _is_supervisor(user):
        raise NotAllowed("Only the assigned specialist or a supervisor can wrap up this chat.")
    topics = [str(t)[:60] for t in (topics or [])][:20]
    unknown = unknown_wrapup_topics(topics)
    if unknown:
        raise ApplicationError(_("Unknown topic: %(topics)s") % {"topics": ", ".join(unknown)},
                               code="invalid")
    try:
        resources = [int(r) for r in resources or ()]
    except (TypeError, ValueError):
        raise ApplicationError(_("Unknown service."), code="invalid") from None
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk).update(
            topics=topics, notes=scrub(notes or "")[:5000],
            referrals_text=scrub(referrals or "")[:2000],
        )
        conversation.refresh_from_db()
        _audit(user, "chat.wrapup", conversation, {"topics": topics, "resources": resources})
        if resources:
            callback = conversation if conversation.channel == Conversation.Channel.CALLBACK else None
            referral_create(user, resources, conversation=conversation, callback=callback)
    return conversation
