from django import forms
from django.utils.translation import gettext_lazy as _


class DraftForm(forms.Form):
    text = forms.CharField(
        label=_("Article text (content-file format)"), widget=forms.Textarea(attrs={"rows": 30}),
        max_length=200_000,
    )
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class WorkflowForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
