from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .roles import ALL_ROLES

ROLE_LABELS = {
    "specialist": _("Specialist"),
    "supervisor": _("Supervisor"),
    "editor": _("Editor"),
    "medical_reviewer": _("Medical reviewer"),
    "translator": _("Translator"),
    "administrator": _("Administrator"),
}


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code"), max_length=12, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(role, ROLE_LABELS.get(role, role)) for role in ALL_ROLES],
    )
    active = forms.BooleanField(label=_("Account active"), required=False)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action starts with"), required=False, max_length=80)
    actor = forms.CharField(label=_("Staff username"), required=False, max_length=150)
    since = forms.DateField(label=_("From (YYYY-MM-DD)"), required=False)
    until = forms.DateField(label=_("To (YYYY-MM-DD)"), required=False)
