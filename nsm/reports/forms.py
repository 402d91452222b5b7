"""The forms of the documents' pages: the narrative of an annual monitoring report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from nsm.core.forms import BootstrapForm, EditsVersion
from nsm.core.limits import LONG_TEXT_CHARS, refuse_control_characters
from nsm.reports.models import AnnualNarrative, narrative_fields


class NarrativeForm(BootstrapForm, EditsVersion, forms.Form):
    """The analysis, conclusions and recommendations in Albanian and English (Markdown), each at most
    LONG_TEXT_CHARS characters, and the version of the narrative the page showed (0: none yet)."""

    def __init__(self, *args: Any, version: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in narrative_fields():
            self.fields[name] = forms.CharField(
                label=capfirst(getattr(AnnualNarrative._meta.get_field(name), "verbose_name", name)),
                required=False,
                max_length=LONG_TEXT_CHARS,
                validators=[refuse_control_characters],
                widget=forms.Textarea(attrs={"rows": 8, "maxlength": LONG_TEXT_CHARS}),
                help_text=_("Markdown: headings (#), lists (-), **bold**, *italics*, links."),
            )
        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=version, min_value=0)

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in narrative_fields()}


class PreviewForm(forms.Form):
    """One text to preview, bounded as the narrative is."""

    text = forms.CharField(required=False, max_length=LONG_TEXT_CHARS, strip=False)
