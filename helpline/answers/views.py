"""Thin interfaces: the "Ask a question" page and the JSON API. Logic lives in services."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from helpline.articles.selectors import section_choices
from helpline.common import jsonsafe
from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.feedback import HelpfulReason
from helpline.common.ratelimit import ratelimit

from . import feedback_services, selectors, services
from .forms import AskForm
from .lang import detect_language

API_LIMIT = getattr(settings, "ANSWERS_API_RATE_LIMIT", 30)
PAGE_LIMIT = getattr(settings, "ANSWERS_PAGE_RATE_LIMIT", 20)
HELPFUL_LIMIT = getattr(settings, "HELPFUL_RATE_LIMIT", 20)


@require_http_methods(["GET", "POST"])
@ratelimit("answers-page", PAGE_LIMIT, 60, methods=("POST",))
def ask(request: HttpRequest) -> HttpResponse:
    lang = translation.get_language() or "en"
    result = None
    form = AskForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            question = form.cleaned_data["question"]
            # A question typed in the other language is answered in that language.
            asked_lang = detect_language(question, default=lang)
            try:
                result = services.answer_question(question, asked_lang, channel="web")
            except ApplicationError as exc:
                form.add_error("question", exc.message)
                status = 400
        else:
            status = 400
    return render(request, "answers/ask.html",
                  {"form": form, "result": result, "helpful_reasons": HelpfulReason.choices},
                  status=status)


@require_POST
@ratelimit("answers-helpful", HELPFUL_LIMIT, 60)
def ask_feedback(request: HttpRequest) -> HttpResponse:
    """ "Was this helpful?" under an answer: a plain form post (redirects back) or fetch (JSON)."""
    wants_json = "application/json" in request.headers.get("Accept", "")
    try:
        feedback_services.answer_feedback_record(request.POST.get("log_token"),
                                                 helpful=request.POST.get("helpful"),
                                                 reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        if wants_json:
            return _bad_request(exc.message, exc.code)
        return render(request, "errors/400.html", {"message": exc.message}, status=400)
    thanks = _("Thank you for your feedback.")
    if wants_json:
        return JsonResponse({"ok": True, "message": thanks})
    messages.success(request, thanks)
    return redirect("answers:ask")


# What an API client may say it is (QuestionLog.channel is a closed choice).
API_CHANNELS = ("api", "web", "phone", "sms", "chat")


def _bad_request(message: str, code: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=400)


@csrf_exempt
@ratelimit("answers-api", API_LIMIT, 60)
def api_answers(request: HttpRequest) -> JsonResponse:
    """POST /api/answers {"question": "...", "lang": "en"|"es"} -> status, passages, message, handoff."""
    if request.method != "POST":
        response = JsonResponse(
            {"error": {"code": "method_not_allowed", "message": "Use POST with a JSON body."}}, status=405
        )
        response["Allow"] = "POST"
        return response
    try:
        body = request.body
    except RequestDataTooBig:
        return _bad_request("The request is too large; a question may have up to 1,000 characters.",
                            "too_long")
    try:
        payload = jsonsafe.loads(body or b"null")
    except jsonsafe.MalformedJSON:
        return _bad_request("The body must be JSON, e.g. {\"question\": \"...\", \"lang\": \"en\"}.",
                            "malformed_json")
    if not isinstance(payload, dict):
        return _bad_request("The body must be a JSON object with a \"question\".", "malformed_json")
    channel = payload.get("channel") or "api"
    if channel not in API_CHANNELS:
        return _bad_request(f"channel must be one of: {', '.join(API_CHANNELS)}.", "invalid_channel")
    lang = payload.get("lang")
    with translation.override(lang if lang in ("en", "es") else "en"):
        try:
            result = services.answer_question(payload.get("question"), lang,
                                              channel=channel)
        except ApplicationError as exc:
            return _bad_request(exc.message, exc.code)
    return JsonResponse(result.as_dict(), json_dumps_params={"ensure_ascii": False})


@csrf_exempt
@ratelimit("answers-helpful-api", HELPFUL_LIMIT, 60)
def api_feedback(request: HttpRequest) -> JsonResponse:
    """POST /api/answers/feedback {"log_token", "helpful": true|false, "reason"?} -> {"ok": true}"""
    if request.method != "POST":
        response = JsonResponse(
            {"error": {"code": "method_not_allowed", "message": "Use POST with a JSON body."}},
            status=405)
        response["Allow"] = "POST"
        return response
    try:
        payload = json.loads(request.body.decode("utf-8") or "null")
    except (RequestDataTooBig, UnicodeDecodeError, json.JSONDecodeError):
        return _bad_request('The body must be JSON, e.g. {"log_token": "...", "helpful": true}.',
                            "malformed_json")
    if not isinstance(payload, dict):
        return _bad_request('The body must be a JSON object with "log_token" and "helpful".',
                            "malformed_json")
    try:
        feedback_services.answer_feedback_record(payload.get("log_token"),
                                                 helpful=payload.get("helpful"),
                                                 reason=payload.get("reason") or "")
    except ApplicationError as exc:
        return _bad_request(exc.message, exc.code)
    return JsonResponse({"ok": True})


@login_required
def unanswered(request: HttpRequest) -> HttpResponse:
    """For editors: questions the reviewed content did not answer, or answered unhelpfully."""
    try:
        selectors.check_can_view_questions(request.user)
    except NotAllowed as exc:
        return render(request, "errors/403.html", {"message": exc.message}, status=403)
    lang = request.GET.get("lang") if request.GET.get("lang") in ("en", "es") else None
    rows = list(selectors.unanswered_questions(request.user, lang=lang))
    counts = selectors.outcome_counts(request.user)
    can_link = request.user.has_perm("articles.change_articleversion") or request.user.has_perm(
        "articles.translate_articleversion")
    choices = {code: section_choices(code) for code in ("en", "es")} if can_link else {}
    return render(request, "answers/unanswered.html",
                  {"rows": rows, "counts": counts, "lang": lang, "robots": "noindex",
                   "choices": choices, "can_link": can_link,
                   "linked": selectors.linked_questions(request.user),
                   "helpful": selectors.answer_feedback_counts(
                       since=timezone.now() - datetime.timedelta(days=30))})


@login_required
@require_POST
def unanswered_link(request: HttpRequest) -> HttpResponse:
    """An editor links a logged question to the section that answers it (a draft variant)."""
    version_id, _sep, anchor = request.POST.get("section", "").partition(":")
    try:
        feedback_services.question_link(request.user, request.POST.get("entry"), version_id,
                                        anchor, request=request)
    except NotAllowed as exc:
        return render(request, "errors/403.html", {"message": exc.message}, status=403)
    except ApplicationError as exc:
        return render(request, "errors/400.html", {"message": exc.message}, status=400)
    messages.success(request, _("The question was added to the section's draft. It will be used "
                                "once the draft passes medical review and is published."))
    return redirect("answers:unanswered")
