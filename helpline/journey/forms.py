"""Forms: parse what the person typed; the date rules live in timeline.check_dates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from . import steps as S
from .services import DEFAULT_EXPIRY_DAYS, EXPIRY_CHOICES_DAYS
from .timeline import TIME_ZONES, TimelineInput, check_dates, default_time_zone, today_in

PRODUCT_CHOICES = [("", _("I don't know / not decided"))] + [
    (p.key, f"{p.brand} ({p.generic})") for p in S.PRODUCTS.values()
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class TimelineForm(forms.Form):
    leukapheresis = forms.DateField(
        label=_("Collection (leukapheresis) date"), required=False, widget=DateInput(),
        help_text=_("Leave empty if you don't know it yet."),
    )
    infusion = forms.DateField(
        label=_("Planned infusion date"), required=False, widget=DateInput(),
        help_text=_("Leave empty if you don't know it yet."),
    )
    infusion_time = forms.TimeField(
        label=_("Infusion time (optional)"), required=False, widget=TimeInput(),
        help_text=_("In the treatment center's local time."),
    )
    time_zone = forms.ChoiceField(
        label=_("Treatment center's time zone"), choices=TIME_ZONES, required=False,
    )
    product = forms.ChoiceField(
        label=_("CAR T product (optional)"), choices=PRODUCT_CHOICES, required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].initial = default_time_zone()

    def clean(self):
        cleaned = super().clean()
        if any(name in self.errors for name in TimelineForm.base_fields):
            return cleaned  # the dates themselves are malformed: say that first
        data = self.timeline_input(cleaned)
        for field, messages in check_dates(data, today_in(data.time_zone)).items():
            for message in messages:
                self.add_error(None if field == "__all__" else field, message)
        return cleaned

    @staticmethod
    def timeline_input(cleaned: dict) -> TimelineInput:
        return TimelineInput(
            leukapheresis=cleaned.get("leukapheresis"),
            infusion=cleaned.get("infusion"),
            infusion_time=cleaned.get("infusion_time"),
            time_zone=cleaned.get("time_zone") or default_time_zone(),
            product=cleaned.get("product") or "",
        )

    def to_input(self) -> TimelineInput:
        return self.timeline_input(self.cleaned_data)


class SaveTimelineForm(TimelineForm):
    expires_in_days = forms.TypedChoiceField(
        label=_("Delete the link automatically after"),
        coerce=int,
        choices=[
            (days, ngettext_lazy("%(days)d day", "%(days)d days", "days") % {"days": days})
            for days in EXPIRY_CHOICES_DAYS
        ],
        initial=DEFAULT_EXPIRY_DAYS,
    )
