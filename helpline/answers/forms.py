from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_QUESTION_CHARS


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("Your question"),
        max_length=MAX_QUESTION_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off", "spellcheck": "true"}),
        help_text=_("Please don't include names, phone numbers or other personal details."),
        error_messages={"required": _("Please write a question.")},
    )
