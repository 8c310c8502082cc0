from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpline.common.exceptions import ApplicationError

from .models import LANGUAGE_CHOICES, Donation, VolunteerInterest
from .services import PRESET_AMOUNTS, parse_amount


class NewsletterForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    language = forms.ChoiceField(label=_("Newsletter language"), choices=LANGUAGE_CHOICES,
                                 widget=forms.RadioSelect)


class VolunteerForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    zip_code = forms.CharField(label=_("ZIP code"), max_length=10,
                               widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                             "autocomplete": "postal-code"}))
    areas = forms.MultipleChoiceField(label=_("How would you like to help?"),
                                      choices=VolunteerInterest.AREAS,
                                      widget=forms.CheckboxSelectMultiple)
    availability = forms.MultipleChoiceField(label=_("When are you available?"),
                                             choices=VolunteerInterest.AVAILABILITY,
                                             widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), widget=forms.CheckboxSelectMultiple,
        choices=[("en", _("English")), ("es", _("Spanish")), ("other", _("Another language"))])
    note = forms.CharField(label=_("Anything else we should know? (optional)"), required=False,
                           max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_zip_code(self) -> str:
        from helpline.resources.geo import normalize_zip, zip_info

        value = normalize_zip(self.cleaned_data["zip_code"])
        if not (value.isdigit() and len(value) == 5):
            raise forms.ValidationError(_("Enter a five-digit ZIP code."))
        if zip_info(value) is None:
            raise forms.ValidationError(_("We could not find this ZIP code. Please check it."))
        return value


class DonateForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often?"), choices=Donation.Frequency.choices,
                                  widget=forms.RadioSelect, initial=Donation.Frequency.ONCE)
    amount = forms.ChoiceField(
        label=_("Amount"), widget=forms.RadioSelect, initial=str(PRESET_AMOUNTS[1]),
        choices=[(str(a), f"${a}") for a in PRESET_AMOUNTS] + [("other", _("Other amount"))])
    custom_amount = forms.CharField(label=_("Other amount, in US dollars"), required=False,
                                    max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))

    def clean(self):
        data = super().clean()
        choice = data.get("amount")
        if choice is None:
            return data
        raw = data.get("custom_amount", "") if choice == "other" else choice
        if choice == "other" and not raw:
            self.add_error("custom_amount", _("Enter the amount you want to give."))
            return data
        try:
            data["value"] = parse_amount(raw)
        except ApplicationError as exc:
            self.add_error("custom_amount" if choice == "other" else "amount", exc.message)
        return data
