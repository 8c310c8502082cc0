"""Writes: referrals, e-mailing resource lists, verification, the sample set."""

from __future__ import annotations

import datetime
import json
import logging
import smtplib
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpline.common import audit, mail
from helpline.common.exceptions import ApplicationError, NotAllowed

from .models import Referral, ReferralItem, Resource

log = logging.getLogger(__name__)

SAMPLE_FILE = Path(__file__).resolve().parent / "sample_resources.json"
MAX_RESOURCES_PER_LIST = 30


def _require(user, perm: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm):
        raise NotAllowed()


def _clean_email(address: str) -> str:
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ApplicationError(_("Enter a valid e-mail address."), code="invalid_email") from None
    return address


def _allowed(key: str, limit: int, window: int) -> bool:
    from helpline.common.ratelimit import hit

    return hit(key, limit, window)


def _send(message: EmailMessage) -> None:
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("resources: e-mail not sent: %s", exc.__class__.__name__)
        raise ApplicationError(
            _("We could not send the e-mail just now. Please try again later."), code="mail_failed"
        ) from exc


# --- Resource lists for visitors -------------------------------------------

def resource_list_message(resources: list[Resource], to: str, language: str,
                          *, note: str = "") -> EmailMessage:
    with translation.override(language):
        body = render_to_string(
            "resources/email_list.txt",
            {"resources": resources, "language": language, "note": note,
             "HELPLINE": settings.HELPLINE},
        )
        subject = _("Your list of services from %(name)s") % {"name": settings.HELPLINE["NAME"]}
    return mail.build(subject=subject, text=body, to=[to], language=language)


def resource_list_email(resources: Iterable[Resource], to: str, language: str,
                        *, client_key: str = "") -> int:
    """E-mail a visitor the list they chose. The address is used once and not stored."""
    address = _clean_email(to)
    resources = list(resources)[:MAX_RESOURCES_PER_LIST]
    if not resources:
        raise ApplicationError(_("Choose at least one service to send."), code="empty")
    if not (_allowed(f"resources-email-ip:{client_key}", 5, 3600)
            and _allowed(f"resources-email-to:{address.lower()}", 3, 3600)):
        raise ApplicationError(
            _("Too many e-mails were requested. Please wait an hour and try again."),
            code="rate_limited",
        )
    _send(resource_list_message(resources, address, language))
    return len(resources)


# --- Referrals -------------------------------------------------------------

def _conversation_token(conversation) -> object | None:
    if conversation is None:
        return None
    token = getattr(conversation, "token", conversation)
    import uuid

    try:
        return uuid.UUID(str(token))
    except ValueError:
        raise ApplicationError(_("Unknown conversation."), code="invalid") from None


def referral_create(actor, resources, conversation=None, callback=None, note: str = "",
                    *, language: str | None = None, sent_in_chat: bool = False) -> Referral | None:
    """Record that ``actor`` referred a visitor to ``resources``.

    ``conversation`` is a chat Conversation (or its token); ``callback`` a callback
    request (or its token / id). Both are optional: a phone call may have neither.
    A resource is recorded once per conversation: those already referred in it (by a
    card sent in the chat, or an earlier wrap-up) are left out, and when none is left
    nothing is recorded and None is returned. ``sent_in_chat``: the referral was shared
    with the visitor as a card in the chat (``sent_in_chat_at``).
    """
    _require(actor, "resources.add_referral")
    ids = []
    for item in resources:
        pk = getattr(item, "pk", item)
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise ApplicationError(_("Unknown service."), code="invalid") from None
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ApplicationError(_("Choose at least one service."), code="empty")
    found = {r.pk: r for r in Resource.objects.filter(pk__in=ids)}
    if len(found) != len(ids):
        raise ApplicationError(_("Unknown service."), code="invalid")
    note = (note or "").strip()
    if len(note) > 500:
        raise ApplicationError(_("The note is too long (500 characters at most)."), code="invalid")
    from helpline.common.privacy import scrub

    note = scrub(note)
    token = _conversation_token(conversation)
    callback_ref = ""
    if callback is not None:
        callback_ref = str(getattr(callback, "token", None) or getattr(callback, "pk", callback))[:64]
    if token is not None:
        channel = Referral.Channel.CHAT
        if getattr(conversation, "channel", "chat") == "callback":
            channel = Referral.Channel.CALLBACK
    elif callback_ref:
        channel = Referral.Channel.CALLBACK
    else:
        channel = Referral.Channel.PHONE
    if language is None:
        language = getattr(conversation, "language", None) or getattr(callback, "language", None) or "en"
    with transaction.atomic():
        if token is not None:
            already = set(ReferralItem.objects.filter(
                referral__conversation_token=token, resource_id__in=ids,
            ).values_list("resource_id", flat=True))
            ids = [i for i in ids if i not in already]
            if not ids:
                return None
        referral = Referral.objects.create(
            created_by=actor, channel=channel, conversation_token=token,
            callback_ref=callback_ref, note=note, language=language if language in ("en", "es") else "en",
            sent_in_chat_at=timezone.now() if sent_in_chat else None,
        )
        ReferralItem.objects.bulk_create(
            [ReferralItem(referral=referral, resource=found[i], resource_name=found[i].name,
                          need=found[i].need) for i in ids]
        )
        audit.record(actor, "resources.referral_create", referral,
                     data={"resources": ids, "channel": channel})
    return referral


def referral_chat_text(referral: Referral, language: str | None = None) -> str:
    """The referral as a plain-text chat message, in the visitor's language."""
    language = language or referral.language
    resources = [item.resource for item in referral.items.select_related("resource") if item.resource]
    with translation.override(language):
        return render_to_string(
            "resources/chat_referral.txt", {"resources": resources, "language": language}
        ).strip()


def referral_send_in_chat(actor, referral: Referral):
    """Post the referral into its (active) chat as a message from ``actor``.

    Uses a fixed client id per referral, so sending it again does not repeat
    the message. Raises ApplicationError when there is no active chat.
    """
    _require(actor, "resources.add_referral")
    if referral.conversation_token is None:
        raise ApplicationError(_("This referral is not linked to a chat."), code="no_chat")
    from helpline.chat.services import specialist_message_post

    result = specialist_message_post(actor, referral.conversation_token,
                                     referral_chat_text(referral),
                                     client_id=f"referral-{referral.pk}")
    Referral.objects.filter(pk=referral.pk).update(sent_in_chat_at=timezone.now())
    return result


def referral_email(actor, referral: Referral, to: str) -> None:
    """E-mail the visitor the referral's services. The address is not stored."""
    _require(actor, "resources.add_referral")
    address = _clean_email(to)
    resources = [item.resource for item in referral.items.select_related("resource") if item.resource]
    if not resources:
        raise ApplicationError(_("These services are no longer listed."), code="empty")
    _send(resource_list_message(resources, address, referral.language))
    Referral.objects.filter(pk=referral.pk).update(emailed_at=timezone.now())
    audit.record(actor, "resources.referral_email", referral)


# --- Staff -----------------------------------------------------------------

def resource_mark_verified(actor, resource: Resource, on: datetime.date | None = None) -> Resource:
    _require(actor, "resources.change_resource")
    resource.last_verified = on or timezone.localdate()
    resource.save(update_fields=["last_verified", "updated_at"])
    audit.record(actor, "resources.verify", resource, data={"on": str(resource.last_verified)})
    return resource


# --- Sample data -----------------------------------------------------------

def load_sample_resources(path: Path = SAMPLE_FILE, *, if_empty: bool = False) -> tuple[int, int]:
    """Load (or refresh) the bundled SAMPLE resources. Returns (created, updated).

    Idempotent: entries are matched on their ``key``. With ``if_empty`` nothing
    happens when any resource exists already.
    """
    if if_empty and Resource.objects.exists():
        return 0, 0
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    created = updated = 0
    today = timezone.localdate()
    with transaction.atomic():
        for entry in data["resources"]:
            entry = dict(entry)
            key = entry.pop("key")
            age = int(entry.pop("verified_days_ago", 30))
            entry["last_verified"] = today - datetime.timedelta(days=age)
            entry["is_sample"] = True
            resource = Resource.objects.filter(sample_key=key).first()
            if resource is None:
                resource = Resource(sample_key=key)
                created += 1
            else:
                updated += 1
            for field, value in entry.items():
                setattr(resource, field, value)
            resource.full_clean()
            resource.save()
    return created, updated
