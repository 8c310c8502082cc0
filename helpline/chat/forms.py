"""Forms for the visitor chat pages and the specialist console."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_NAME_MAX = 40
REASON_MAX = 300
COMMENT_MAX = 1000
NOTE_MAX = 500

LANGUAGE_CHOICES = [("en", _("English")), ("es", _("Spanish"))]

PREFERRED_TIME_CHOICES = [
    ("asap", _("As soon as possible")),
    ("morning", _("Morning (8 a.m. to noon)")),
    ("afternoon", _("Afternoon (noon to 5 p.m.)")),
    ("evening", _("Evening (5 p.m. to 9 p.m.)")),
]

_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$", re.UNICODE)


def normalize_phone(value: str) -> str:
    """Return the number as ``+<digits>`` or raise ``ValidationError``.

    Accepts US/Canada numbers written the usual ways ("(212) 555-0123",
    "212.555.0123", "+1 212 555 0123") and international numbers that start
    with "+" (8 to 15 digits, E.164).
    """
    raw = (value or "").strip()
    if not raw:
        raise ValidationError(_("Please enter a phone number."), code="required")
    if not re.fullmatch(r"[0-9+().\-\s]+", raw) or raw.count("+") > 1 or "+" in raw[1:]:
        raise ValidationError(
            _("Use only digits, spaces, dashes, dots, brackets and a leading +."), code="chars"
        )
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        if not 8 <= len(digits) <= 15 or digits.startswith("0"):
            raise ValidationError(_("An international number has 8 to 15 digits after the +."),
                                  code="length")
        if digits.startswith("1") and not _valid_nanp(digits[1:]):
            raise ValidationError(_("This is not a valid US or Canadian phone number."),
                                  code="nanp")
        return "+" + digits
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10:
        raise ValidationError(
            _("Enter a 10-digit US phone number with area code, or an international number starting with +."),
            code="length",
        )
    if not _valid_nanp(digits):
        raise ValidationError(_("This is not a valid US or Canadian phone number."), code="nanp")
    return "+1" + digits


def _valid_nanp(digits: str) -> bool:
    # Area code and exchange cannot start with 0 or 1 (North American Numbering Plan).
    return len(digits) == 10 and digits[0] not in "01" and digits[3] not in "01"


def clean_first_name(value: str) -> str:
    value = " ".join((value or "").split())
    if value and not _NAME_RE.match(value):
        raise ValidationError(_("A first name can have letters, spaces, apostrophes and dashes only."))
    return value


class StartChatForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name (optional)"), max_length=FIRST_NAME_MAX, required=False,
        help_text=_("You can stay anonymous."),
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    message = forms.CharField(
        label=_("What would you like to talk about? (optional)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    from_answer = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_first_name(self) -> str:
        return clean_first_name(self.cleaned_data.get("first_name", ""))


class CallbackForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name (optional)"), max_length=FIRST_NAME_MAX, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    phone = forms.CharField(
        label=_("Phone number to call"), max_length=30,
        help_text=_("For example (212) 555-0123, or +52 55 1234 5678 outside the US."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_time = forms.ChoiceField(
        label=_("When should we call? (Eastern Time)"), choices=PREFERRED_TIME_CHOICES,
        initial="asap",
    )
    language = forms.ChoiceField(label=_("Language for the call"), choices=LANGUAGE_CHOICES)
    reason = forms.CharField(
        label=_("What would you like to talk about?"), max_length=REASON_MAX,
        help_text=_("A few words are enough. Please do not include medical record numbers."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    from_answer = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def clean_first_name(self) -> str:
        return clean_first_name(self.cleaned_data.get("first_name", ""))

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data.get("reason", "").split())
        if not reason:
            raise ValidationError(_("Please tell us briefly what the call is about."))
        return reason


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was this chat?"), required=False, coerce=int, empty_value=None,
        choices=[("", _("No rating")), (5, _("5 – Very helpful")), (4, _("4")), (3, _("3")),
                 (2, _("2")), (1, _("1 – Not helpful"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TranscriptForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254,
        help_text=_("We use this address once to send the transcript and do not keep it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# --- Console ---------------------------------------------------------------

class AvailabilityForm(forms.Form):
    available = forms.TypedChoiceField(
        label=_("Status"), coerce=lambda v: v == "available",
        choices=[("available", _("Available")), ("away", _("Away"))],
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages I take chats in"), choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )
    max_concurrent = forms.IntegerField(label=_("Most chats at once"), min_value=1)

    def __init__(self, *args, **kwargs):
        from django.core.validators import MaxValueValidator

        from .selectors import chat_setting

        super().__init__(*args, **kwargs)
        # The one per-specialist limit, the same the socket's status frame is held to.
        highest = chat_setting("MAX_CONCURRENT_LIMIT")
        field = self.fields["max_concurrent"]
        field.max_value = highest
        field.validators.append(MaxValueValidator(highest))
        field.widget.attrs["max"] = highest


class TransferForm(forms.Form):
    target = forms.ChoiceField(label=_("Transfer to"))
    note = forms.CharField(label=_("Note for the next specialist"), required=False,
                           max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, specialists=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"lang:{code}", _("Queue: %(language)s") % {"language": name})
                   for code, name in LANGUAGE_CHOICES]
        choices += [(f"user:{user.pk}", user.get_full_name() or user.get_username())
                    for user in specialists]
        self.fields["target"].choices = choices

    def clean(self) -> dict:
        """``target`` ("lang:<code>" or "user:<id>") as the transfer's ``to_language`` /
        ``to_user``."""
        data = super().clean()
        kind, _sep, value = data.get("target", "").partition(":")
        data["to_language"] = value if kind == "lang" else None
        data["to_user"] = int(value) if kind == "user" and value.isdigit() else None
        return data


class WrapUpForm(forms.Form):
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    resources = forms.MultipleChoiceField(label=_("Resources referred"), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    referrals = forms.CharField(label=_("Other referrals given"), required=False, max_length=2000,
                                widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000,
                            help_text=_("Do not write names, numbers or addresses here."),
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, topics=(), resources=(), language="en", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.code, t.label(language)) for t in topics]
        self.fields["resources"].choices = [(str(r.pk), str(r)) for r in resources]
        if not resources:
            del self.fields["resources"]


class CallbackOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("called", _("Called")), ("no_answer", _("No answer")), ("done", _("Done"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=300)
