"""Chat's retention step for ``helpline purge`` (registered from ``ChatConfig.ready``).

Old chats and callback requests lose their text (messages, names, phone numbers,
notes, comments and the answer hand-off); dates, status, topics and ratings stay
for the supervisor dashboard.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from helpline.common import purge

from .models import CallbackNote, Conversation, Message

_CONVERSATION_TEXT_FIELDS = {
    "visitor_name": "", "notes": "", "rating_comment": "", "transfer_note": "",
    "callback_phone": "", "callback_preferred_time": "", "callback_reason": "",
    "referrals_text": "", "handoff_token": "", "handoff_context": {},
}


@purge.register("chat.conversations",
                "Chats and callback requests: delete the messages; clear names, phone numbers, "
                "notes (call-back notes too), comments and the answer hand-off (dates, status, "
                "topics and ratings stay)")
def conversations_purge(cutoff: dt.datetime, dry_run: bool) -> int:
    not_empty = Q()
    for name, empty in _CONVERSATION_TEXT_FIELDS.items():
        not_empty |= ~Q(**{name: empty})
    not_empty |= Q(pk__in=Message.objects.filter(conversation__created_at__lt=cutoff)
                   .values("conversation_id"))
    not_empty |= Q(pk__in=CallbackNote.objects.filter(conversation__created_at__lt=cutoff)
                   .exclude(note="").values("conversation_id"))
    ids = list(Conversation.objects.filter(created_at__lt=cutoff).filter(not_empty)
               .values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    Message.objects.filter(conversation_id__in=ids).delete()
    CallbackNote.objects.filter(conversation_id__in=ids).exclude(note="").update(note="")
    Conversation.objects.filter(pk__in=ids).update(**_CONVERSATION_TEXT_FIELDS)
    return len(ids)
