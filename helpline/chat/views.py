"""Chat pages: the visitor's start, room, end and callback pages, and the console.

Views parse input, authorize (``selectors``) or let the service refuse, call one
service, and render a context from ``pages``.
"""

from __future__ import annotations

from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.common.exceptions import ApplicationError, NotAllowed
from helpline.common.ratelimit import ratelimit, too_many_requests

from . import forms, pages, selectors, services

SESSION_KEY = selectors.VISITOR_SESSION_KEY  # the visitor's only credential

# Per client address (docs/security.md, "Rate limits"): each start puts a chat in the
# specialists' queue, each call-back a call to make, each transcript an e-mail.
CHAT_STARTS_PER_HOUR = 10
CALLBACKS_PER_HOUR = 5
TRANSCRIPTS_PER_DAY = 5


def _language() -> str:
    return (translation.get_language() or "en")[:2]


def _session_conversation(request: HttpRequest):
    token = request.session.get(SESSION_KEY)
    return selectors.conversation_by_token(token) if token else None


def _handoff(request: HttpRequest, raw: str | None):
    if not raw:
        return None, None
    try:
        token = UUID(str(raw))
    except ValueError:
        return None, None
    return token, selectors.handoff_context(token)


def _visitor_session(request: HttpRequest) -> None:
    """A visitor's chat lives in this browser session only: the cookie ends when the
    browser closes (staff sessions keep their own lifetime)."""
    if not request.user.is_authenticated:
        request.session.set_expiry(0)


# --- Visitor ---------------------------------------------------------------

@require_http_methods(["GET", "POST"])
@ratelimit("chat-start", CHAT_STARTS_PER_HOUR, 3600, methods=("POST",))
def start(request: HttpRequest) -> HttpResponse:
    availability = selectors.chat_availability()
    lang = _language()
    if request.method == "POST":
        form = forms.StartChatForm(request.POST)
        if not availability["hours_open"]:
            messages.error(request, _("Live chat is closed now. You can ask us to call you back."))
            return redirect("chat:callback")
        if form.is_valid():
            try:
                from_answer = form.cleaned_data["from_answer"]
                conversation = services.conversation_start(
                    language=lang,
                    visitor_name=form.cleaned_data["first_name"],
                    first_message=form.cleaned_data["message"] or None,
                    handoff_token=str(from_answer) if from_answer else None,
                    check_hours=True,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                _visitor_session(request)
                request.session[SESSION_KEY] = str(conversation.token)
                return redirect("chat:room")
        handoff_token, handoff = _handoff(request, request.POST.get("from_answer"))
        status = 400
    else:
        status = 200
        handoff_token, handoff = _handoff(request, request.GET.get("from_answer"))
        existing = _session_conversation(request)
        if existing is not None and existing.is_open:
            return redirect("chat:room")
        form = forms.StartChatForm(initial={"from_answer": handoff_token if handoff else None})
    return render(request, "chat/start.html", {
        "form": form, "availability": availability, "handoff": handoff,
        "ask_url": reverse("answers:ask"), "callback_url": _callback_url(handoff_token, handoff),
    }, status=status)


def _callback_url(handoff_token, handoff) -> str:
    url = reverse("chat:callback")
    return f"{url}?from_answer={handoff_token}" if handoff else url


@require_GET
def room(request: HttpRequest) -> HttpResponse:
    conversation = _session_conversation(request)
    if conversation is None:
        return redirect("chat:start")
    if not conversation.is_open:
        # An ended chat is not shown again (someone else may use this browser next).
        return redirect("chat:feedback")
    return render(request, "chat/room.html", pages.visitor_room_context(conversation))


@require_POST
def end(request: HttpRequest) -> HttpResponse:
    conversation = _session_conversation(request)
    if conversation is None:
        return redirect("chat:start")
    services.conversation_close_by_visitor(conversation)
    return redirect("chat:feedback")


@require_http_methods(["GET", "POST"])
def feedback(request: HttpRequest) -> HttpResponse:
    conversation = _session_conversation(request)
    if conversation is None:
        return redirect("chat:start")
    form = forms.FeedbackForm(request.POST or None)
    status = 400 if request.method == "POST" else 200
    if request.method == "POST" and form.is_valid():
        try:
            services.conversation_rate(conversation, form.cleaned_data["rating"],
                                       form.cleaned_data["comment"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("chat:feedback")
    return render(request, "chat/feedback.html", {
        "conversation": conversation, "form": form, "transcript_form": forms.TranscriptForm(),
        "rated": conversation.rating is not None or bool(conversation.rating_comment),
    }, status=status)


@require_POST
@ratelimit("chat-transcript", TRANSCRIPTS_PER_DAY, 86400)
def transcript(request: HttpRequest) -> HttpResponse:
    conversation = _session_conversation(request)
    if conversation is None:
        return redirect("chat:start")
    form = forms.TranscriptForm(request.POST)
    if form.is_valid():
        try:
            services.visitor_transcript_send(
                conversation, email=form.cleaned_data["email"], language=_language()
            )
        except ApplicationError as exc:
            if exc.code == "rate_limited":
                return too_many_requests(request, 86400)
            form.add_error("email", exc.message)
        else:
            messages.success(request, _("We sent the transcript. We did not keep your address."))
            return redirect("chat:feedback")
    return render(request, "chat/feedback.html", {
        "conversation": conversation, "form": forms.FeedbackForm(), "transcript_form": form,
        "rated": conversation.rating is not None or bool(conversation.rating_comment),
    }, status=400)


@require_http_methods(["GET", "POST"])
@ratelimit("chat-callback", CALLBACKS_PER_HOUR, 3600, methods=("POST",))
def callback(request: HttpRequest) -> HttpResponse:
    lang = _language()
    if request.method == "POST":
        form = forms.CallbackForm(request.POST)
        if form.is_valid():
            try:
                from_answer = form.cleaned_data["from_answer"]
                conversation = services.callback_request_create(
                    visitor_name=form.cleaned_data["first_name"],
                    phone=form.cleaned_data["phone"],
                    preferred_time=form.cleaned_data["preferred_time"],
                    language=form.cleaned_data["language"],
                    reason=form.cleaned_data["reason"],
                    handoff_token=str(from_answer) if from_answer else None,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                _visitor_session(request)
                request.session["chat_callback_phone"] = conversation.callback_phone
                return redirect("chat:callback-done")
        status = 400
    else:
        handoff_token, handoff = _handoff(request, request.GET.get("from_answer"))
        initial = {"language": lang}
        if handoff:
            initial.update(from_answer=handoff_token, reason=handoff.get("question", "")[:300])
        form = forms.CallbackForm(initial=initial)
        status = 200
    return render(request, "chat/callback.html", {"form": form}, status=status)


@require_GET
def callback_done(request: HttpRequest) -> HttpResponse:
    phone = request.session.get("chat_callback_phone")
    if not phone:
        return redirect("chat:callback")
    return render(request, "chat/callback_done.html", {"phone": phone})


# --- Console ---------------------------------------------------------------

def console_view(view):
    """Only staff with the specialist or supervisor role; services check again."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            selectors.check_console_access(request.user)
            return view(request, *args, **kwargs)
        except NotAllowed as exc:
            if request.path.endswith(".json"):
                return JsonResponse({"error": exc.message}, status=403)
            return render(request, "chat/console/forbidden.html", {"message": exc.message},
                          status=403)
        except ApplicationError as exc:
            if request.path.endswith(".json"):
                return JsonResponse({"error": exc.message}, status=400)
            messages.error(request, exc.message)
            conversation_id = kwargs.get("conversation_id")
            if conversation_id is not None and request.method == "POST":
                return redirect("chat:console-conversation", conversation_id=conversation_id)
            return redirect("chat:console")

    return wrapper


@console_view
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    context = pages.console_context(request.user)
    return render(request, "chat/console/index.html", context)


@console_view
@require_GET
def console_queue_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(pages.console_snapshot(request.user))


@console_view
@require_POST
def console_status(request: HttpRequest) -> HttpResponse:
    form = forms.AvailabilityForm(request.POST)
    if not form.is_valid():
        context = pages.console_context(request.user, status_form=form)
        return render(request, "chat/console/index.html", context, status=400)
    services.specialist_set_status(request.user, **form.cleaned_data)
    messages.success(request, _("Your status is saved."))
    return redirect("chat:console")


@console_view
@require_GET
def console_conversation(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    return _conversation_page(request, conversation)


def _conversation_page(request: HttpRequest, conversation, status: int = 200,
                       **forms_) -> HttpResponse:
    """The console's conversation page (with a form's errors, if any); reading a
    conversation that is not one's own is audited."""
    services.conversation_view_record(request.user, conversation)
    context = pages.console_conversation_context(request.user, conversation, **forms_)
    context["transcript_url"] = _transcript_url(request, conversation.pk)
    return render(request, "chat/console/conversation.html", context, status=status)


def _transcript_url(request: HttpRequest, conversation_id: int) -> str:
    """A link to the masked transcript that works in this staff session only."""
    from helpline.chat.transcripts import transcript_ref

    if not request.session.session_key:
        request.session.save()
    return reverse("accounts:transcript",
                   kwargs={"ref": transcript_ref(conversation_id, request.session.session_key)})


@console_view
@require_POST
def console_accept(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    services.conversation_accept(request.user, conversation)
    return redirect("chat:console-conversation", conversation_id=conversation_id)


@console_view
@require_POST
def console_transfer(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    form = forms.TransferForm(request.POST, specialists=selectors.transfer_targets(request.user))
    if not form.is_valid():
        return _conversation_page(request, conversation, 400, transfer_form=form)
    services.conversation_transfer(request.user, conversation, to_user=form.cleaned_data["to_user"],
                                   to_language=form.cleaned_data["to_language"],
                                   note=form.cleaned_data["note"])
    messages.success(request, _("The conversation was transferred."))
    return redirect("chat:console")


@console_view
@require_POST
def console_close(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    services.conversation_close(request.user, conversation)
    messages.success(request, _("The conversation is closed. Please complete the wrap-up."))
    return redirect("chat:console-conversation", conversation_id=conversation_id)


@console_view
@require_POST
def console_wrapup(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    form = pages.wrapup_form_for(conversation, data=request.POST)
    if not form.is_valid():
        return _conversation_page(request, conversation, 400, wrapup_form=form)
    services.conversation_wrap_up(request.user, conversation, **form.cleaned_data)
    messages.success(request, _("The wrap-up is saved."))
    return redirect("chat:console-conversation", conversation_id=conversation_id)


@console_view
@require_POST
def console_resource(request: HttpRequest, conversation_id: int) -> HttpResponse:
    """The "Send a resource" form without JavaScript (the page's script uses the socket)."""
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    result = services.resource_card_send(request.user, conversation, request.POST.get("resource"),
                                         request.POST.get("id") or None)
    if result.created:
        messages.success(request, _("The resource was sent to the visitor."))
    else:
        messages.info(request, _("This resource was already sent."))
    return redirect("chat:console-conversation", conversation_id=conversation_id)


@console_view
@require_POST
def console_outcome(request: HttpRequest, conversation_id: int) -> HttpResponse:
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    form = forms.CallbackOutcomeForm(request.POST)
    if not form.is_valid():
        return _conversation_page(request, conversation, 400, outcome_form=form)
    services.callback_outcome_set(request.user, conversation, **form.cleaned_data)
    messages.success(request, _("The call outcome is saved."))
    return redirect("chat:console-conversation", conversation_id=conversation_id)


@console_view
@require_GET
def console_suggestions(request: HttpRequest, conversation_id: int) -> HttpResponse:
    text = request.GET.get("text")
    if text is not None and len(text) > 2000:
        return JsonResponse({"error": _("The text is too long.")}, status=400)
    conversation = selectors.conversation_for_staff(request.user, conversation_id)
    passages = selectors.suggestions(conversation.pk, conversation.language, text)
    return JsonResponse({"passages": passages})
