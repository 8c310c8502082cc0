"""Thin interfaces: the "Ask a question" page and the JSON API. Logic lives in services."""

from __future__ import annotations


from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig

from helpline.common import jsonsafe
from helpline.common.exceptions import ApplicationError
from helpline.common.ratelimit import ratelimit

from . import selectors, services
from .forms import AskForm
from .lang import detect_language

API_LIMIT = getattr(settings, "ANSWERS_API_RATE_LIMIT", 30)
PAGE_LIMIT = getattr(settings, "ANSWERS_PAGE_RATE_LIMIT", 20)


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
    return render(request, "answers/ask.html", {"form": form, "result": result}, status=status)


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


@login_required
def unanswered(request: HttpRequest) -> HttpResponse:
    """For editors: questions the reviewed content did not answer (last 30 days)."""
    lang = request.GET.get("lang") if request.GET.get("lang") in ("en", "es") else None
    rows = list(selectors.unanswered_questions(request.user, lang=lang))
    counts = selectors.outcome_counts(request.user)
    return render(request, "answers/unanswered.html",
                  {"rows": rows, "counts": counts, "lang": lang, "robots": "noindex"})
