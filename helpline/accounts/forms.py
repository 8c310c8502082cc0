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


class InviteForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    name = forms.CharField(label=_("Name (optional)"), max_length=120, required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"), widget=forms.CheckboxSelectMultiple,
        choices=[(role, ROLE_LABELS.get(role, role)) for role in ALL_ROLES],
        error_messages={"required": _("Choose at least one role.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "invite_%s")
        super().__init__(*args, **kwargs)


class SetPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("New password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class ChatSettingsForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name as visitors and readers see it"), max_length=120, required=False)
    credentials = forms.CharField(
        label=_("Qualifications (optional, e.g. RN, MSW)"), max_length=120, required=False)
    languages = forms.MultipleChoiceField(
        label=_("Languages you take chats in"), widget=forms.CheckboxSelectMultiple,
        choices=[("en", _("English")), ("es", _("Spanish"))],
        error_messages={"required": _("Choose the languages you take chats in.")},
    )
    max_concurrent = forms.IntegerField(
        label=_("Most chats at once"), min_value=1, max_value=6, initial=2,
        help_text=_("Between 1 and 6. You can change it later in the console."))
