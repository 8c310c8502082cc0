"""Template helpers for the chat launcher shown on every public page."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def chat_availability() -> dict:
    """Whether live chat is open now and, if not, when it opens (see ``selectors``)."""
    from helpline.chat.selectors import chat_availability as availability

    return availability()
