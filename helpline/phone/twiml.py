"""The TwiML documents the voice webhooks answer, built with ``twilio.twiml.voice_response``.

Pure functions of their arguments and the settings: no database access. Spoken
text is translated (Django i18n) into the caller's language. URLs are absolute
paths; Twilio resolves them against the public address it called.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from twilio.twiml.voice_response import Dial, Enqueue, Gather, VoiceResponse

from .selectors import phone_setting, queue_name

BASE = "/hooks/twilio/voice/"
VOICE_LANGUAGE = {"en": "en-US", "es": "es-US"}


def url(name: str = "", language: str | None = None) -> str:
    path = f"{BASE}{name}/" if name else BASE
    return f"{path}{language}/" if language else path


def _say(node, language: str, text: str) -> None:
    node.say(text, language=VOICE_LANGUAGE[language])


def _in(language: str, fn, *args):
    with translation.override(language):
        return fn(*args)


def _emergency(language: str) -> str:
    return _in(language, lambda: _(
        "If this is a medical emergency, hang up and call %(emergency)s. If you are in crisis, "
        "call or text %(crisis)s.") % {"emergency": " ".join(settings.HELPLINE["EMERGENCY_NUMBER"]),
                                       "crisis": " ".join(settings.HELPLINE["CRISIS_NUMBER"])})


def _recording_notice(language: str) -> str:
    return _in(language, lambda: _(
        "Calls may be recorded to check the quality of our service. If you do not want to be "
        "recorded, tell the specialist and we will stop."))


def greeting(*, open_now: bool) -> VoiceResponse:
    """Bilingual greeting, the emergency line first, then the language menu (or closed)."""
    response = VoiceResponse()
    name = settings.HELPLINE["NAME"]
    for lang in ("en", "es"):
        _say(response, lang, _in(lang, lambda: _("Thank you for calling %(name)s.") % {"name": name}))
        _say(response, lang, _emergency(lang))
    if not open_now:
        for lang in ("en", "es"):
            _say(response, lang, _in(lang, lambda: _(
                "Our specialists are not answering the phone right now. Please call again later "
                "or leave us a callback request on our website.")))
        response.hangup()
        return response
    if phone_setting("RECORDING"):
        for lang in ("en", "es"):
            _say(response, lang, _recording_notice(lang))
    gather = Gather(num_digits=1, action=url("language"), method="POST", timeout=8)
    _say(gather, "en", _in("en", lambda: _("For English, press 1.")))
    _say(gather, "es", _in("es", lambda: _("For Spanish, press 2.")))
    response.append(gather)
    # No key pressed: English.
    response.redirect(url("language") + "?Digits=1", method="POST")
    return response


def menu_again() -> VoiceResponse:
    response = VoiceResponse()
    _say(response, "en", _in("en", lambda: _("Sorry, that is not an option.")))
    _say(response, "es", _in("es", lambda: _("Sorry, that is not an option.")))
    response.redirect(url(), method="POST")
    return response


def enqueue(language: str) -> VoiceResponse:
    """Into the language's queue; the wait URL speaks, the action URL follows the exit."""
    response = VoiceResponse()
    _say(response, language, _in(language, lambda: _(
        "Please stay on the line. A cancer information specialist will be with you soon.")))
    enqueue_verb = Enqueue(queue_name(language), wait_url=url("wait", language),
                           wait_url_method="POST", action=url("queue-exit", language),
                           method="POST")
    response.append(enqueue_verb)
    return response


def wait(language: str, position: int | None, waited_seconds: int | None, *,
         can_call_back: bool) -> VoiceResponse:
    """One turn of the wait loop: place in line, maybe the callback offer, then hold audio."""
    response = VoiceResponse()
    if position:
        text = _in(language, lambda: _("You are number %(n)d in line.") % {"n": position}
                   if position > 1 else _("You are next in line."))
        _say(response, language, text)
    offer_after = phone_setting("CALLBACK_OFFER_AFTER_SECONDS")
    if can_call_back and waited_seconds is not None and waited_seconds >= offer_after:
        gather = Gather(num_digits=1, action=url("callback", language), method="POST", timeout=5)
        _say(gather, language, _in(language, lambda: _(
            "To keep your place and have a specialist call you back instead, press 1.")))
        response.append(gather)
    audio = phone_setting("HOLD_AUDIO_URL")
    if audio:
        response.play(audio)
    else:
        response.pause(length=max(1, int(phone_setting("ANNOUNCE_EVERY_SECONDS"))))
    return response


def callback_confirmed(language: str) -> VoiceResponse:
    response = VoiceResponse()
    _say(response, language, _in(language, lambda: _(
        "Thank you. A specialist will call you back at this number as soon as possible. "
        "Goodbye.")))
    response.leave()
    return response


def callback_unavailable(language: str) -> VoiceResponse:
    response = VoiceResponse()
    _say(response, language, _in(language, lambda: _(
        "We cannot call back a hidden number. Please stay on the line.")))
    response.redirect(url("wait", language), method="POST")
    return response


def back_to_waiting(language: str) -> VoiceResponse:
    response = VoiceResponse()
    response.redirect(url("wait", language), method="POST")
    return response


def queue_exit(language: str, result: str) -> VoiceResponse:
    response = VoiceResponse()
    if result == "leave":
        pass  # the callback was confirmed just before
    elif result not in ("bridged", "hangup"):
        _say(response, language, _in(language, lambda: _(
            "Sorry, something went wrong. Please call again.")))
    response.hangup()
    return response


def connected(language: str) -> VoiceResponse:
    """Played to the caller as a specialist takes them off the queue."""
    response = VoiceResponse()
    _say(response, language, _in(language, lambda: _("You are now connected to a specialist.")))
    return response


# --- the agent line (specialists; English) ----------------------------------------

def agent_unknown() -> VoiceResponse:
    response = VoiceResponse()
    _say(response, "en", _in("en", lambda: _("This line is for our specialists. Goodbye.")))
    response.hangup()
    return response


def agent_ask_code() -> VoiceResponse:
    response = VoiceResponse()
    gather = Gather(num_digits=6, action=url("agent/verify"), method="POST", timeout=10,
                    finish_on_key="#")
    _say(gather, "en", _in("en", lambda: _(
        "To verify this number, enter the six-digit code shown in your console.")))
    response.append(gather)
    response.hangup()
    return response


def agent_ask_pin(*, again: bool = False) -> VoiceResponse:
    response = VoiceResponse()
    if again:
        _say(response, "en", _in("en", lambda: _("That did not work.")))
    gather = Gather(action=url("agent/pin"), method="POST", timeout=10, finish_on_key="#",
                    num_digits=8)
    _say(gather, "en", _in("en", lambda: _("Enter your PIN, then press the pound key.")))
    response.append(gather)
    response.hangup()
    return response


def agent_verified() -> VoiceResponse:
    response = VoiceResponse()
    _say(response, "en", _in("en", lambda: _(
        "Your number is verified. Call again and enter your PIN to take calls. Goodbye.")))
    response.hangup()
    return response


def agent_connect(language: str) -> VoiceResponse:
    """Bridge the specialist to the first caller of ``language``'s queue."""
    response = VoiceResponse()
    _say(response, "en", _in("en", lambda: _("Connecting you to the next caller.")))
    options = {"action": url("agent/done"), "method": "POST"}
    if phone_setting("RECORDING"):
        options["record"] = "record-from-answer-dual"
    dial = Dial(**options)
    dial.queue(queue_name(language), url=url("connected", language), method="POST")
    response.append(dial)
    return response


def agent_nobody_waiting(seconds: int = 15) -> VoiceResponse:
    response = VoiceResponse()
    _say(response, "en", _in("en", lambda: _("Nobody is waiting. We will check again.")))
    response.pause(length=seconds)
    response.redirect(url("agent/next"), method="POST")
    return response


def agent_after_call() -> VoiceResponse:
    response = VoiceResponse()
    gather = Gather(num_digits=1, action=url("agent/next"), method="POST", timeout=10)
    _say(gather, "en", _in("en", lambda: _(
        "The call has ended. Complete the record in your console. To take the next caller, "
        "press 1, or hang up.")))
    response.append(gather)
    response.hangup()
    return response


def hangup() -> VoiceResponse:
    response = VoiceResponse()
    response.hangup()
    return response
