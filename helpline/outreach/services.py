"""Writes for the newsletter, volunteer interest and donations.

Newsletter sending is at-most-once per address and issue: a ``Delivery`` row is
committed (claimed) *before* the SMTP transaction and marked ``sent`` after it.
If the process dies between the two, the row stays ``claimed`` and a resumed run
does not send to that address again: we may miss one address (visible in the
report as "interrupted"), but never send anyone the same issue twice.
"""

from __future__ import annotations

import logging
import smtplib
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from helpline.common import audit, jsonsafe, mail
from helpline.common.exceptions import ApplicationError, NotAllowed

from .models import Delivery, Donation, NewsletterIssue, Subscriber, VolunteerInterest

log = logging.getLogger(__name__)

CONFIRM_SALT = "helpline.outreach.newsletter.confirm"
UNSUBSCRIBE_SALT = "helpline.outreach.newsletter.unsubscribe"

MIN_DONATION = Decimal("1")
MAX_DONATION = Decimal("100000")
PRESET_AMOUNTS = [25, 50, 100, 250]


def _require(user, perm: str) -> None:
    if not getattr(user, "is_authenticated", False) or not user.has_perm(perm):
        raise NotAllowed()


def _allowed(key: str, limit: int, window: int) -> bool:
    from helpline.common.ratelimit import hit

    return hit(key, limit, window)


def clean_email(address: str) -> str:
    address = (address or "").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ApplicationError(_("Enter a valid e-mail address."), code="invalid_email") from None
    return address.lower()


def site_url() -> str:
    return mail.site_url()


# --- Newsletter: tokens ------------------------------------------------------

def confirmation_token(subscriber: Subscriber) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object(
        {"id": subscriber.pk, "e": subscriber.email}
    )


def unsubscribe_token(subscriber: Subscriber) -> str:
    # No expiry: an unsubscribe link in an old e-mail must keep working.
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(
        {"id": subscriber.pk, "e": subscriber.email}
    )


def _link(name: str, token: str, language: str, base_url: str | None) -> str:
    with translation.override(language):
        path = reverse(name, kwargs={"token": token})
    return f"{(base_url or site_url()).rstrip('/')}{path}"


def unsubscribe_url(subscriber: Subscriber, base_url: str | None = None) -> str:
    return _link("outreach:newsletter-unsubscribe", unsubscribe_token(subscriber),
                 subscriber.language, base_url)


def _subscriber_from(payload: object) -> Subscriber:
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise ApplicationError(_("This link is not valid."), code="bad_token")
    subscriber = Subscriber.objects.filter(pk=payload["id"], email=payload.get("e")).first()
    if subscriber is None:
        raise ApplicationError(_("This link is not valid."), code="bad_token")
    return subscriber


# --- Newsletter: subscribing -----------------------------------------------

def _confirmation_message(subscriber: Subscriber, base_url: str | None) -> EmailMessage:
    confirm = _link("outreach:newsletter-confirm", confirmation_token(subscriber),
                    subscriber.language, base_url)
    unsubscribe = unsubscribe_url(subscriber, base_url)
    hours = settings.OUTREACH_CONFIRM_MAX_AGE // 3600
    with translation.override(subscriber.language):
        subject = _("Please confirm your subscription to the %(name)s newsletter") % {
            "name": settings.HELPLINE["NAME"]}
        body = render_to_string("outreach/email_confirm.txt", {
            "confirm_url": confirm, "unsubscribe_url": unsubscribe, "hours": hours,
            "HELPLINE": settings.HELPLINE,
        })
    return mail.build(subject=subject, text=body, to=[subscriber.email],
                      language=subscriber.language,
                      headers={"List-Unsubscribe": f"<{unsubscribe}>"})


def newsletter_signup(email: str, language: str, *, source: str, base_url: str | None = None,
                      client_key: str = "") -> Subscriber:
    """Start (or restart) a double opt-in. Sends the confirmation e-mail.

    An already confirmed address gets no e-mail and no change, and the caller
    shows the same message, so the form does not reveal who is subscribed.
    """
    address = clean_email(email)
    if language not in ("en", "es"):
        raise ApplicationError(_("Choose English or Spanish."), code="invalid_language")
    if not (_allowed(f"newsletter-ip:{client_key}", 10, 3600)
            and _allowed(f"newsletter-to:{address}", 3, 3600)):
        raise ApplicationError(
            _("Too many sign-up attempts. Please wait an hour and try again."), code="rate_limited")
    fields = ["status", "language", "consent_source", "requested_at"]
    with transaction.atomic():
        subscriber, created = Subscriber.objects.select_for_update().get_or_create(
            email=address, defaults={"language": language, "consent_source": source[:200]})
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        before = {name: getattr(subscriber, name) for name in fields}
        subscriber.status = Subscriber.Status.PENDING
        subscriber.language = language
        subscriber.consent_source = source[:200]
        subscriber.requested_at = timezone.now()
        subscriber.save()
    try:
        _confirmation_message(subscriber, base_url).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        log.warning("newsletter: confirmation not sent: %s", exc.__class__.__name__)
        # Undo the sign-up so a failed attempt leaves no trace.
        if created:
            Subscriber.objects.filter(pk=subscriber.pk, consent_at__isnull=True).delete()
        else:
            Subscriber.objects.filter(pk=subscriber.pk,
                                      status=Subscriber.Status.PENDING).update(**before)
        raise ApplicationError(
            _("We could not send the confirmation e-mail just now. Please try again later."),
            code="mail_failed") from exc
    Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=timezone.now())
    return subscriber


def newsletter_confirm(token: str) -> Subscriber:
    """Confirm from the e-mailed link. Stores the consent time. Idempotent."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    try:
        payload = signer.unsign_object(token, max_age=settings.OUTREACH_CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise ApplicationError(
            _("This confirmation link has expired. Please sign up again to get a new one."),
            code="expired") from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise ApplicationError(_("This link is not valid."), code="bad_token") from None
    with transaction.atomic():
        subscriber = _subscriber_from(payload)
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.status == Subscriber.Status.CONFIRMED:
            return subscriber
        if subscriber.status == Subscriber.Status.UNSUBSCRIBED:
            # A link from before the person unsubscribed: they must sign up again.
            raise ApplicationError(
                _("This address was unsubscribed. Please sign up again to get a new link."),
                code="unsubscribed")
        subscriber.status = Subscriber.Status.CONFIRMED
        subscriber.consent_at = timezone.now()
        subscriber.unsubscribed_at = None
        subscriber.save()
    return subscriber


def newsletter_unsubscribe(token: str) -> Subscriber:
    try:
        payload = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise ApplicationError(_("This link is not valid."), code="bad_token") from None
    subscriber = _subscriber_from(payload)
    if subscriber.status != Subscriber.Status.UNSUBSCRIBED:
        Subscriber.objects.filter(pk=subscriber.pk).update(
            status=Subscriber.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now())
        subscriber.refresh_from_db()
    return subscriber


def unsubscribe_subscriber_from_token(token: str) -> Subscriber:
    """Check an unsubscribe link without changing anything (for the confirm page)."""
    try:
        payload = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise ApplicationError(_("This link is not valid."), code="bad_token") from None
    return _subscriber_from(payload)


# --- Newsletter: sending -----------------------------------------------------

@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    batches: int = 0
    already_sent: int = 0
    interrupted: int = 0
    errors: list[str] = field(default_factory=list)


def issue_message(issue: NewsletterIssue, subscriber: Subscriber,
                  base_url: str | None = None) -> EmailMessage:
    language = subscriber.language
    unsubscribe = unsubscribe_url(subscriber, base_url)
    with translation.override(language):
        body = render_to_string("outreach/email_issue.txt", {
            "body": issue.body(language), "unsubscribe_url": unsubscribe,
            "HELPLINE": settings.HELPLINE,
        })
    return mail.build(
        subject=issue.subject(language), text=body, to=[subscriber.email], language=language,
        headers={"List-Unsubscribe": f"<{unsubscribe}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "X-Helpline-Issue": str(issue.pk)},
    )


_DEFINITE_REFUSALS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused,
                      smtplib.SMTPDataError)


def _next_candidates(issue: NewsletterIssue, limit: int) -> list[Subscriber]:
    taken = Delivery.objects.filter(issue=issue).values("email")
    return list(Subscriber.objects.filter(status=Subscriber.Status.CONFIRMED)
                .exclude(email__in=taken).order_by("id")[:limit])


def _claim(issue: NewsletterIssue, subscriber: Subscriber) -> Delivery | None:
    """Commit a claim on (issue, address) before sending. None if taken or gone."""
    if not Subscriber.objects.filter(pk=subscriber.pk,
                                     status=Subscriber.Status.CONFIRMED).exists():
        return None
    try:
        with transaction.atomic():
            return Delivery.objects.create(issue=issue, subscriber=subscriber,
                                           email=subscriber.email, language=subscriber.language)
    except IntegrityError:
        return None


def _reclaim_failed(issue: NewsletterIssue, limit: int) -> list[Delivery]:
    claimed = []
    for delivery in Delivery.objects.filter(issue=issue, status=Delivery.Status.FAILED)[:limit]:
        # A conditional update is the claim: only one process can move it.
        if Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.FAILED).update(
                status=Delivery.Status.CLAIMED, claimed_at=timezone.now(), error=""):
            delivery.refresh_from_db()
            claimed.append(delivery)
    return claimed


def newsletter_send(actor, issue: NewsletterIssue, *, batch_size: int = 50, pause: float = 0.0,
                    retry_failed: bool = False, base_url: str | None = None,
                    progress=None) -> SendReport:
    """Send ``issue`` to confirmed subscribers, each in their language, in batches.

    Resumable: run it again after a crash and it carries on with the addresses
    that have no delivery row. Never sends an issue twice to one address.
    ``actor`` None means the command line (trusted operator).
    """
    if actor is not None:
        _require(actor, "outreach.send_newsletterissue")
    if batch_size < 1 or batch_size > 1000:
        raise ApplicationError("batch size must be between 1 and 1000", code="invalid")
    report = SendReport()
    report.already_sent = Delivery.objects.filter(issue=issue, status=Delivery.Status.SENT).count()
    report.interrupted = Delivery.objects.filter(issue=issue, status=Delivery.Status.CLAIMED).count()
    NewsletterIssue.objects.filter(pk=issue.pk, send_started_at__isnull=True).update(
        send_started_at=timezone.now())
    audit.record(actor, "outreach.newsletter_send", issue, data={"batch_size": batch_size})
    failed_pool = retry_failed
    while True:
        if failed_pool:
            retry = _reclaim_failed(issue, batch_size)
            failed_pool = bool(retry)
            work: list[tuple[Subscriber | None, Delivery | None]] = [(d.subscriber, d) for d in retry]
        else:
            work = [(s, None) for s in _next_candidates(issue, batch_size)]
        if not work:
            break
        connection = get_connection(fail_silently=False)
        try:
            connection.open()  # fails before anything is claimed if the server is down
        except (smtplib.SMTPException, OSError) as exc:
            raise ApplicationError(
                f"cannot connect to the mail server ({exc.__class__.__name__}); nothing was "
                "claimed, run the command again later", code="mail_failed") from exc
        report.batches += 1
        try:
            for subscriber, delivery in work:
                if subscriber is None or subscriber.status != Subscriber.Status.CONFIRMED:
                    if delivery is not None:
                        Delivery.objects.filter(pk=delivery.pk).update(
                            status=Delivery.Status.FAILED, error="no longer subscribed")
                    report.skipped += 1
                    continue
                if delivery is None:
                    delivery = _claim(issue, subscriber)
                    if delivery is None:
                        report.skipped += 1
                        continue
                message = issue_message(issue, subscriber, base_url)
                message.connection = connection
                try:
                    message.send(fail_silently=False)
                except _DEFINITE_REFUSALS as exc:
                    Delivery.objects.filter(pk=delivery.pk).update(
                        status=Delivery.Status.FAILED, error=exc.__class__.__name__)
                    report.failed += 1
                    continue
                except (smtplib.SMTPException, OSError) as exc:
                    # Unknown outcome: keep the claim, so it is never sent twice.
                    report.interrupted += 1
                    report.errors.append(f"{delivery.email}: {exc.__class__.__name__}")
                    raise ApplicationError(
                        "the mail server connection failed; run the command again to resume",
                        code="mail_failed") from exc
                Delivery.objects.filter(pk=delivery.pk).update(
                    status=Delivery.Status.SENT, sent_at=timezone.now())
                report.sent += 1
                if progress:
                    progress(report)
        finally:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
        if pause:
            time.sleep(pause)
    NewsletterIssue.objects.filter(pk=issue.pk).update(send_finished_at=timezone.now())
    return report


# --- Volunteers --------------------------------------------------------------

def volunteer_interest_create(*, name: str, email: str, zip_code: str, areas: list[str],
                              availability: list[str], languages: list[str], note: str = "",
                              client_key: str = "") -> VolunteerInterest:
    if not _allowed(f"volunteer-ip:{client_key}", 10, 3600):
        raise ApplicationError(
            _("Too many forms were sent. Please wait an hour and try again."), code="rate_limited")
    interest = VolunteerInterest(
        name=name.strip()[:120], email=clean_email(email), zip_code=zip_code,
        areas=sorted(set(areas)), availability=sorted(set(availability)),
        languages=sorted(set(languages)), note=note.strip()[:1000],
    )
    interest.full_clean()
    interest.save()
    return interest


# --- Donations ---------------------------------------------------------------

def donations_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def parse_amount(value: object) -> Decimal:
    """A donation amount in major units (dollars). ApplicationError when absurd."""
    try:
        amount = Decimal(str(value).strip().replace(",", "").lstrip("$"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(_("Enter an amount in dollars, for example 25."),
                               code="invalid_amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError(_("Enter an amount in dollars, for example 25."),
                               code="invalid_amount")
    if amount < MIN_DONATION or amount > MAX_DONATION:
        raise ApplicationError(
            _("Enter an amount between $%(min)s and $%(max)s.")
            % {"min": f"{MIN_DONATION:,.0f}", "max": f"{MAX_DONATION:,.0f}"},
            code="invalid_amount")
    return amount


def checkout_params(amount: Decimal, frequency: str, *, success_url: str, cancel_url: str,
                    language: str = "en") -> dict:
    """The arguments for ``stripe.checkout.Session.create``."""
    if frequency not in (Donation.Frequency.ONCE, Donation.Frequency.MONTHLY):
        raise ApplicationError(_("Choose one-time or monthly."), code="invalid_frequency")
    amount = parse_amount(amount)
    price_data: dict = {
        "currency": settings.OUTREACH_DONATION_CURRENCY,
        "unit_amount": int(amount * 100),
        "product_data": {"name": f"Donation to {settings.HELPLINE['NAME']}"},
    }
    if frequency == Donation.Frequency.MONTHLY:
        price_data["recurring"] = {"interval": "month"}
    return {
        "mode": "subscription" if frequency == Donation.Frequency.MONTHLY else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "locale": "es" if language == "es" else "en",
        "submit_type": "donate" if frequency == Donation.Frequency.ONCE else None,
        "metadata": {"frequency": str(frequency)},
    }


def donation_checkout_create(amount: object, frequency: str, *, success_url: str,
                             cancel_url: str, language: str = "en") -> str:
    """Create a Stripe Checkout session and return its URL (never fakes one)."""
    params = checkout_params(amount, frequency, success_url=success_url, cancel_url=cancel_url,
                             language=language)
    if not donations_configured():
        raise ApplicationError(_("Online donations are not set up on this site yet."),
                               code="not_configured")
    params = {k: v for k, v in params.items() if v is not None}
    import stripe

    try:
        session = stripe.checkout.Session.create(api_key=settings.STRIPE_SECRET_KEY, **params)
    except stripe.StripeError as exc:
        log.warning("donations: checkout session not created: %s", exc.__class__.__name__)
        raise ApplicationError(
            _("The payment service is not available just now. Please try again later."),
            code="stripe_error") from exc
    return session.url


def _get(obj, key, default=None):
    try:
        return obj[key]
    except (KeyError, TypeError, IndexError):
        return default


def stripe_webhook_handle(payload: bytes, signature: str) -> Donation | None:
    """Verify a Stripe webhook and record the donation it reports, once.

    Raises ApplicationError (code ``bad_signature`` / ``not_configured`` /
    ``bad_payload``) so the interface answers 400 and nothing is stored.
    """
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise ApplicationError("webhooks are not configured", code="not_configured")
    import stripe

    try:
        jsonsafe.loads(payload)  # Stripe's own parser takes any depth, surrogates, huge ints
    except jsonsafe.MalformedJSON:
        raise ApplicationError("invalid payload", code="bad_payload") from None
    try:
        event = stripe.Webhook.construct_event(payload, signature or "", secret)
    except stripe.SignatureVerificationError:
        raise ApplicationError("invalid signature", code="bad_signature") from None
    except (ValueError, TypeError, KeyError):
        raise ApplicationError("invalid payload", code="bad_payload") from None
    kind = _get(event, "type")
    obj = _get(_get(event, "data"), "object")
    if obj is None:
        raise ApplicationError("invalid payload", code="bad_payload")
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        if _get(obj, "payment_status") not in ("paid", "no_payment_required"):
            return None  # an async payment: wait for async_payment_succeeded
        frequency = (Donation.Frequency.MONTHLY if _get(obj, "mode") == "subscription"
                     else Donation.Frequency.ONCE)
        amount = _get(obj, "amount_total")
    elif kind == "invoice.paid":
        # Monthly renewals. The first invoice is covered by checkout.session.completed.
        if _get(obj, "billing_reason") != "subscription_cycle":
            return None
        frequency = Donation.Frequency.MONTHLY
        amount = _get(obj, "amount_paid")
    else:
        return None
    object_id, event_id = _get(obj, "id"), _get(event, "id")
    if not isinstance(object_id, str) or not isinstance(event_id, str) or not isinstance(amount, int) \
            or amount <= 0:
        raise ApplicationError("invalid payload", code="bad_payload")
    existing = Donation.objects.filter(stripe_event_id=event_id).first() or \
        Donation.objects.filter(stripe_object_id=object_id).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return Donation.objects.create(
                stripe_event_id=event_id[:100], stripe_object_id=object_id[:100],
                amount_minor=amount, currency=str(_get(obj, "currency") or "usd")[:3],
                frequency=frequency, livemode=bool(_get(event, "livemode")),
            )
    except IntegrityError:  # the same event delivered twice at once
        return Donation.objects.filter(stripe_object_id=object_id).first()
