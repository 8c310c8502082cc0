"""Forms for the phone pages: the call record and the agent line."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PhoneContact

LANGUAGE_CHOICES = [("en", _("English")), ("es", _("Spanish"))]


class ContactForm(forms.Form):
    caller_type = forms.ChoiceField(label=_("Who called"), required=False,
                                    choices=PhoneContact.CallerType.choices, widget=forms.RadioSelect)
    language = forms.ChoiceField(label=_("Language of the call"), choices=LANGUAGE_CHOICES,
                                 widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    urgent_signs = forms.MultipleChoiceField(label=_("Urgent signs mentioned"), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    resources = forms.MultipleChoiceField(label=_("Resources referred"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    email = forms.EmailField(label=_("E-mail the resources to (optional, not stored)"),
                             required=False, max_length=254)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000,
                            help_text=_("Do not write names, numbers or addresses here."),
                            widget=forms.Textarea(attrs={"rows": 3}))
    duration_minutes = forms.DecimalField(
        label=_("Duration in minutes"), required=False, min_value=0, max_value=600,
        decimal_places=1, help_text=_("Leave empty to use the time since the record was opened."))
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", _("Not decided yet")), *PhoneContact.Outcome.choices],
                                widget=forms.RadioSelect)

    def __init__(self, *args, topics=(), signs=(), resources=(), language="en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.code, t.label(language)) for t in topics]
        self.fields["urgent_signs"].choices = [(s["code"], s["label"]) for s in signs]
        self.fields["resources"].choices = [(str(r.pk), str(r)) for r in resources]
        if not resources:
            del self.fields["resources"]
            del self.fields["email"]

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        minutes = data.pop("duration_minutes")
        data["duration_minutes"] = None if minutes is None else float(minutes)
        data.setdefault("resources", [])
        data.setdefault("email", "")
        return data


class AgentLineForm(forms.Form):
    phone_number = forms.CharField(label=_("The phone you will call from"), max_length=40)
    pin = forms.CharField(label=_("PIN (4 to 8 digits)"), min_length=4, max_length=8,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric",
                                                            "autocomplete": "new-password"}))

    def clean_pin(self) -> str:
        pin = self.cleaned_data["pin"]
        if not pin.isdigit():
            raise forms.ValidationError(_("Use digits only."))
        return pin
