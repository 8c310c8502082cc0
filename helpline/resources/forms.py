from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Need

LANGUAGE_CHOICES = [("", _("Any language")), ("en", _("English")), ("es", _("Spanish"))]


class SearchForm(forms.Form):
    need = forms.ChoiceField(label=_("Kind of help"), required=False,
                             choices=[("", _("All kinds of help"))] + list(Need.choices))
    zip = forms.CharField(label=_("ZIP code"), required=False, max_length=10,
                          help_text=_("Five digits, for services near you. Optional."),
                          widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                        "autocomplete": "postal-code"}))
    language = forms.ChoiceField(label=_("Language spoken"), required=False,
                                 choices=LANGUAGE_CHOICES)

    def clean_zip(self) -> str:
        value = self.cleaned_data["zip"].strip()
        from .geo import normalize_zip, zip_info

        if value:
            value = normalize_zip(value)
            if not value.isdigit() or len(value) != 5:
                raise forms.ValidationError(_("Enter a five-digit ZIP code."))
            if zip_info(value) is None:
                raise forms.ValidationError(
                    _("We could not find this ZIP code. Check it, or leave it empty."))
        return value


class EmailListForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    resource = forms.MultipleChoiceField(
        label=_("Services"), required=True,
        error_messages={"required": _("Choose at least one service to send.")},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Valid choices are checked in clean_resource against the database, so the
        # form never loads the whole directory.
        self.fields["resource"].valid_value = lambda value: True

    def clean_resource(self) -> list[int]:
        from .models import Resource
        from .services import MAX_RESOURCES_PER_LIST

        raw = self.cleaned_data["resource"]
        if len(raw) > MAX_RESOURCES_PER_LIST:
            raise forms.ValidationError(
                _("Choose at most %(n)s services.") % {"n": MAX_RESOURCES_PER_LIST})
        if not all(value.isdigit() and len(value) < 12 for value in raw):
            raise forms.ValidationError(_("Unknown service."))
        ids = list(dict.fromkeys(int(value) for value in raw))
        if Resource.objects.filter(pk__in=ids, active=True).count() != len(ids):
            raise forms.ValidationError(_("Unknown service."))
        return ids
