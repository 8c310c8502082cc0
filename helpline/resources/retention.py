"""Resources' retention for ``helpline purge`` (registered from ``ResourcesConfig.ready``),
and the visitor's erasure of the referrals made in a conversation."""

from __future__ import annotations

import datetime as dt

from helpline.common import purge

from .models import Referral


@purge.register("resources.referrals", "Referrals: clear the free-text note (resources and "
                                       "needs stay)")
def referrals_purge(cutoff: dt.datetime, dry_run: bool) -> int:
    rows = Referral.objects.filter(created_at__lt=cutoff).exclude(note="")
    if dry_run:
        return rows.count()
    return rows.update(note="")


def referrals_forget_conversation(conversation_token) -> int:
    """Referrals made in a conversation the visitor deleted keep their resources and needs
    (the counts) but lose the token, the callback reference and the note."""
    changed = Referral.objects.filter(conversation_token=conversation_token).update(
        conversation_token=None, callback_ref="", note="")
    changed += Referral.objects.filter(callback_ref=str(conversation_token)).update(
        callback_ref="", note="")
    return changed
