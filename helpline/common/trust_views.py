"""Public privacy pages: a visitor deletes their own conversation; the OpenAPI
description of the public JSON API."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from helpline.common import privacy
from helpline.common.ratelimit import ratelimit

CHAT_SESSION_KEY = "chat_token"  # where the chat pages keep the visitor's token


class DeleteConversationForm(forms.Form):
    token = forms.UUIDField(
        label=gettext_lazy("Your conversation code"),
        help_text=gettext_lazy("The code from the end of your chat or your transcript."),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, delete my conversation. This cannot be undone."),
    )


@require_http_methods(["GET", "POST"])
@ratelimit("visitor-delete", 20, 3600, methods=("POST",))
def delete_my_conversation(request: HttpRequest) -> HttpResponse:
    initial = {"token": request.GET.get("token") or request.session.get(CHAT_SESSION_KEY, "")}
    form = DeleteConversationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            deleted = privacy.visitor_delete(form.cleaned_data["token"],
                                             session=request.session, request=request)
            if deleted:
                if str(request.session.get(CHAT_SESSION_KEY, "")) == str(form.cleaned_data["token"]):
                    del request.session[CHAT_SESSION_KEY]
                return render(request, "common/conversation_deleted.html")
            form.add_error("token", _("We found no conversation with that code. It may "
                                      "already be deleted."))
            status = 404
        else:
            status = 400
    return render(request, "common/delete_conversation.html", {"form": form}, status=status)


@require_safe
def openapi_json(request: HttpRequest) -> JsonResponse:
    from helpline.common.openapi import openapi_document

    response = JsonResponse(openapi_document(request.build_absolute_uri("/")[:-1]))
    response["Cache-Control"] = "public, max-age=300"
    return response
