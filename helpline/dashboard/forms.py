from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 366


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To (included)"), widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(
        label=_("Language"), required=False,
        choices=[("", _("All languages")), ("en", _("English")), ("es", _("Spanish"))],
    )

    @classmethod
    def from_query(cls, query) -> "PeriodForm":
        today = timezone.localdate()
        data = {
            "start": query.get("start") or (today - dt.timedelta(days=29)).isoformat(),
            "end": query.get("end") or today.isoformat(),
            "language": query.get("language", ""),
        }
        return cls(data)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start date must be on or before the end date."))
            if (end - start).days >= MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most one year."))
        return cleaned
