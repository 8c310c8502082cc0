"""Phone pages for specialists: the call list, "Log a call", the call record, the agent line.

Views parse input, call a service or selector and render; the rules live in services.
"""

from __future__ import annotations

from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from helpline.common.exceptions import ApplicationError, NotAllowed

from . import selectors, services
from .forms import AgentLineForm, ContactForm


def phone_view(view):
    """Signed-in specialists and supervisors; refusals as 403 pages, bad input as messages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            selectors.check_can_log(request.user)
            return view(request, *args, **kwargs)
        except NotAllowed as exc:
            return render(request, "errors/403.html", {"message": exc.message}, status=403)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            token = kwargs.get("token")
            if token is not None and exc.code != "not_found":
                return redirect("phone:record", token=token)
            return redirect("phone:index")

    return wrapper


def _index_context(request: HttpRequest, agent_form=None, code: str | None = None) -> dict:
    agent = selectors.agent_for_user(request.user)
    return {
        "contacts": selectors.contacts_for(request.user),
        "voice_configured": selectors.voice_configured(),
        "agent": agent,
        "agent_form": agent_form or AgentLineForm(
            initial={"phone_number": agent.phone_number if agent else ""}),
        "verification_code": code,
        "sees_all": selectors.can_see_all(request.user),
    }


@phone_view
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "phone/index.html", _index_context(request))


@phone_view
@require_POST
def log_call(request: HttpRequest) -> HttpResponse:
    callback = request.POST.get("callback") or None
    if callback is not None:
        if not callback.isdigit() or len(callback) > 18:
            raise ApplicationError("This callback request does not exist.", code="not_found")
        callback = int(callback)
    language = (translation.get_language() or "en")[:2]
    contact = services.contact_open(request.user, callback_id=callback, language=language)
    return redirect("phone:record", token=contact.token)


def _form(contact, data=None) -> ContactForm:
    from helpline.chat.selectors import wrapup_topics
    from helpline.resources.selectors import search_resources

    language = (translation.get_language() or "en")[:2]
    initial = {"caller_type": contact.caller_type, "language": contact.language,
               "topics": contact.topics, "urgent_signs": contact.urgent_signs,
               "resources": [str(i) for i in contact.resource_ids], "notes": contact.notes,
               "outcome": contact.outcome,
               "duration_minutes": None if contact.duration_seconds is None
               else round(contact.duration_seconds / 60, 1)}
    return ContactForm(data, initial=initial, language=language,
                       topics=wrapup_topics(),
                       signs=selectors.urgent_signs(language),
                       resources=[m.resource for m in search_resources(language=contact.language)][:200])


def _record_context(request: HttpRequest, contact, form=None) -> dict:
    from helpline.resources.selectors import resources_by_ids

    language = (translation.get_language() or "en")[:2]
    referred = resources_by_ids(contact.resource_ids) if contact.resource_ids else []
    return {
        "contact": contact,
        "form": form or _form(contact),
        "signs": selectors.urgent_signs(language),
        "chosen_message": selectors.urgent_message_for(contact.urgent_signs, language),
        "referred": referred,
        "read_out": _read_out(referred, contact.language),
        "can_edit": selectors.can_edit(request.user, contact) and contact.is_editable,
    }


def _read_out(resources, language: str) -> str:
    """The referred services as text the specialist reads to the caller, in their language."""
    from django.template.loader import render_to_string

    if not resources:
        return ""
    with translation.override(language):
        return render_to_string("resources/chat_referral.txt",
                                {"resources": resources, "language": language}).strip()


@phone_view
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, token: UUID) -> HttpResponse:
    contact = selectors.contact_for(request.user, token)
    if request.method == "GET":
        return render(request, "phone/record.html", _record_context(request, contact))
    form = _form(contact, data=request.POST)
    if not form.is_valid():
        return render(request, "phone/record.html", _record_context(request, contact, form),
                      status=400)
    complete = request.POST.get("action") == "complete"
    save = services.contact_complete if complete else services.contact_update
    try:
        contact = save(request.user, token, **form.service_values())
    except NotAllowed:
        raise
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return render(request, "phone/record.html", _record_context(request, contact, form),
                      status=400)
    messages.success(request, _("The call record is completed.") if complete
                     else _("The call record is saved."))
    return redirect("phone:record", token=contact.token)


@phone_view
@require_POST
def agent_line(request: HttpRequest) -> HttpResponse:
    form = AgentLineForm(request.POST)
    if form.is_valid():
        try:
            _agent, code = services.agent_line_set(request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error("phone_number", exc.message)
        else:
            messages.success(request, _("Your agent line is saved. Verify it with the code below."))
            return render(request, "phone/index.html", _index_context(request, code=code))
    return render(request, "phone/index.html", _index_context(request, agent_form=form), status=400)
