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


# --- The structured editor ------------------------------------------------------

class ArticleFieldsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    key_points = forms.CharField(
        label=_("Key points (one per line)"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False)


class SectionForm(forms.Form):
    heading = forms.CharField(label=_("Heading"), max_length=200)
    body = forms.CharField(
        label=_("Text (content format: blank line between paragraphs, “- ” for a list, "
                "**bold**, [1] for a citation)"),
        max_length=50_000, widget=forms.Textarea(attrs={"rows": 8}),
    )
    # Kept as they were: the anchor other pages link to and the reviewed question variants.
    anchor = forms.CharField(required=False, max_length=120, widget=forms.HiddenInput)
    questions = forms.CharField(required=False, max_length=30_000, widget=forms.HiddenInput)


class ReferenceForm(forms.Form):
    authors = forms.CharField(label=_("Authors or organisation"), max_length=300, required=False)
    title = forms.CharField(label=_("Title"), max_length=500)
    publisher = forms.CharField(label=_("Publisher or journal"), max_length=300, required=False)
    year = forms.CharField(label=_("Year"), max_length=20, required=False)
    url = forms.CharField(label=_("Address (https://…, empty for print)"), max_length=2000,
                          required=False)
    accessed = forms.DateField(label=_("Accessed on"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    old_number = forms.IntegerField(required=False, widget=forms.HiddenInput)


SectionFormSet = forms.formset_factory(SectionForm, extra=0, can_order=True, can_delete=True,
                                       max_num=60, validate_max=True)
ReferenceFormSet = forms.formset_factory(ReferenceForm, extra=0, can_order=True, can_delete=True,
                                         max_num=200, validate_max=True)


class NewArticleForm(forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=200)
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=None)

    def __init__(self, *args, topics=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics
