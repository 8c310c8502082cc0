"""Twilio Programmable Voice webhooks. Every request must carry a valid X-Twilio-Signature.

Twilio signs the public URL it called plus the sorted POST parameters with the
account's auth token. Behind a proxy the URL is rebuilt from
``HELPLINE_PHONE["PUBLIC_URL"]``, or from X-Forwarded-Proto / X-Forwarded-Host
when ``HELPLINE_PHONE["TRUST_FORWARDED"]`` is on (docs/phone.md).
"""

from __future__ import annotations

import logging
from functools import wraps

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import (
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from helpline.common import audit
from helpline.common.exceptions import ApplicationError

from . import services, twiml
from .selectors import LANGUAGES, agent_for_call, phone_setting, voice_configured

log = logging.getLogger(__name__)


def public_url(request: HttpRequest) -> str:
    """The URL Twilio called (and signed), as seen from outside any proxy."""
    base = phone_setting("PUBLIC_URL")
    if base:
        return base.rstrip("/") + request.get_full_path()
    if phone_setting("TRUST_FORWARDED"):
        proto = request.META.get("HTTP_X_FORWARDED_PROTO", "").split(",")[0].strip()
        host = request.META.get("HTTP_X_FORWARDED_HOST", "").split(",")[0].strip()
        scheme = proto if proto in ("http", "https") else request.scheme
        return f"{scheme}://{host or request.get_host()}{request.get_full_path()}"
    return request.build_absolute_uri()


def _xml(response, status: int = 200) -> HttpResponse:
    return HttpResponse(str(response), status=status, content_type="text/xml; charset=utf-8")


def _reject(request: HttpRequest, reason: str) -> HttpResponse:
    audit.record(None, "phone.webhook_rejected", data={
        "path": request.path[:200], "reason": reason,
        "call": request.POST.get("CallSid", "")[:64]}, request=request)
    return HttpResponse("Forbidden: the request is not signed by Twilio.", status=403,
                        content_type="text/plain; charset=utf-8")


def twilio_webhook(view):
    """POST only, signature checked (403 and an audit entry otherwise), errors as TwiML."""

    @csrf_exempt
    @require_POST
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not voice_configured():
            return HttpResponse("The voice integration is not set up.", status=503,
                                content_type="text/plain; charset=utf-8")
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature:
            return _reject(request, "unsigned")
        try:
            url = public_url(request)
        except DisallowedHost:
            return _reject(request, "host")
        algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER, ""))
        validator = RequestValidator(settings.TWILIO_AUTH_TOKEN)
        if not validator.validate(url, request.POST, signature, algorithm=algorithm):
            return _reject(request, "bad signature")
        call_sid = request.POST.get("CallSid", "")
        if not (call_sid.isalnum() and 2 < len(call_sid) <= 64):
            return HttpResponse("A CallSid is required.", status=400,
                                content_type="text/plain; charset=utf-8")
        try:
            return view(request, *args, **kwargs)
        except ApplicationError as exc:
            log.warning("phone webhook %s: %s", request.path, exc.message)
            return _xml(twiml.hangup())

    return wrapper


def _param(request: HttpRequest, name: str) -> str:
    return (request.POST.get(name) or request.GET.get(name) or "").strip()


def _int(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _language(language: str) -> str:
    return language if language in LANGUAGES else "en"


# --- callers ----------------------------------------------------------------------

@twilio_webhook
def incoming(request: HttpRequest) -> HttpResponse:
    from helpline.chat.hours import is_open

    return _xml(twiml.greeting(open_now=is_open("phone", timezone.now())))


@twilio_webhook
def language(request: HttpRequest) -> HttpResponse:
    choice = {"1": "en", "2": "es"}.get(_param(request, "Digits"))
    if choice is None:
        return _xml(twiml.menu_again())
    services.call_enqueue(_param(request, "CallSid"), choice)
    return _xml(twiml.enqueue(choice))


@twilio_webhook
def wait(request: HttpRequest, lang: str) -> HttpResponse:
    lang = _language(lang)
    return _xml(twiml.wait(lang, _int(_param(request, "QueuePosition")),
                           _int(_param(request, "QueueTime")),
                           can_call_back=_callable(_param(request, "From"))))


def _callable(number: str) -> bool:
    digits = "".join(ch for ch in number if ch.isdigit())
    return number.startswith("+") and 8 <= len(digits) <= 15 and digits != "266696687"


@twilio_webhook
def callback(request: HttpRequest, lang: str) -> HttpResponse:
    lang = _language(lang)
    if _param(request, "Digits") != "1":
        return _xml(twiml.back_to_waiting(lang))
    number = _param(request, "From")
    if not _callable(number):
        return _xml(twiml.callback_unavailable(lang))
    services.call_callback_requested(_param(request, "CallSid"), number, lang)
    return _xml(twiml.callback_confirmed(lang))


@twilio_webhook
def queue_exit(request: HttpRequest, lang: str) -> HttpResponse:
    lang = _language(lang)
    result = _param(request, "QueueResult")
    services.call_left_queue(_param(request, "CallSid"), result, _param(request, "QueueTime"))
    return _xml(twiml.queue_exit(lang, result))


@twilio_webhook
def connected(request: HttpRequest, lang: str) -> HttpResponse:
    services.call_connected(_param(request, "CallSid"), _param(request, "DequeingCallSid"),
                            _param(request, "QueueTime"))
    return _xml(twiml.connected(_language(lang)))


@twilio_webhook
def status(request: HttpRequest) -> HttpResponse:
    services.call_ended(_param(request, "CallSid"), _param(request, "CallStatus"),
                        _param(request, "CallDuration"))
    return HttpResponse(status=204)


# --- the agent line ----------------------------------------------------------------

@twilio_webhook
def agent(request: HttpRequest) -> HttpResponse:
    services.agent_line_called(_param(request, "CallSid"))
    found = services.agent_identify(_param(request, "From"))
    if found is None:
        audit.record(None, "phone.agent_unknown_number", request=request,
                     data={"call": _param(request, "CallSid")[:64]})
        return _xml(twiml.agent_unknown())
    if not found.is_verified:
        return _xml(twiml.agent_ask_code())
    return _xml(twiml.agent_ask_pin())


@twilio_webhook
def agent_verify(request: HttpRequest) -> HttpResponse:
    verified = services.agent_verify(_param(request, "From"), _param(request, "Digits"))
    if verified is None or not verified.is_verified:
        return _xml(twiml.agent_unknown())
    return _xml(twiml.agent_verified())


@twilio_webhook
def agent_pin(request: HttpRequest) -> HttpResponse:
    call_sid = _param(request, "CallSid")
    signed_in = services.agent_authenticate(_param(request, "From"), _param(request, "Digits"))
    if signed_in is None:
        return _xml(twiml.agent_ask_pin(again=True))
    services.agent_signed_in(call_sid, signed_in)
    return _take_next(signed_in, call_sid)


def _take_next(agent_obj, call_sid: str) -> HttpResponse:
    chosen = services.agent_take_next(agent_obj, call_sid)
    if chosen is None:
        return _xml(twiml.agent_nobody_waiting())
    return _xml(twiml.agent_connect(chosen))


@twilio_webhook
def agent_next(request: HttpRequest) -> HttpResponse:
    call_sid = _param(request, "CallSid")
    signed_in = agent_for_call(call_sid)
    if signed_in is None:
        return _xml(twiml.agent_unknown())
    if _param(request, "Digits") not in ("", "1"):
        return _xml(twiml.hangup())
    return _take_next(signed_in, call_sid)


@twilio_webhook
def agent_done(request: HttpRequest) -> HttpResponse:
    services.agent_call_ended(_param(request, "CallSid"), _param(request, "DequeuedCallSid"),
                              _param(request, "DequeuedCallDuration") or _param(request, "DialCallDuration"))
    return _xml(twiml.agent_after_call())
