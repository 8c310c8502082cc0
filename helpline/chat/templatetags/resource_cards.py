"""Template helpers for resource cards in the specialist console."""

from __future__ import annotations

import uuid

from django import template

register = template.Library()


@register.simple_tag
def resource_card_choices(language: str) -> list[dict]:
    """Directory entries serving ``language``, for "Send a resource" (resources' selector)."""
    from helpline.resources.selectors import card_choices

    return card_choices(language)


@register.simple_tag
def new_client_id() -> str:
    """A fresh message id for a form, so that submitting it twice sends one card."""
    return str(uuid.uuid4())
