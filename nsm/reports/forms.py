"""The forms of the documents' pages: the narrative of an annual monitoring report; a text of the GCM review in both
languages (a chapter's or an objective's), with the version it was edited at; a remark on a draft and its answer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from nsm.core.forms import BootstrapForm, EditsVersion, VersionField
from nsm.core.limits import LONG_TEXT_CHARS, refuse_control_characters
from nsm.reports.models import REMARK_CHARS, REVIEW_TEXT_CHARS, AnnualNarrative, narrative_fields


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


TOO_LONG = _("The text has %(show_value)s characters; at most %(limit_value)s are kept.")


class ReviewTextForm(BootstrapForm, EditsVersion, forms.Form):
    """A text of the review in Albanian and English (Markdown), each at most REVIEW_TEXT_CHARS characters. `version`
    is that of the row the page showed, 0 when it had none yet."""

    text_sq = forms.CharField(
        label=_("In Albanian"),
        required=False,
        strip=False,
        max_length=REVIEW_TEXT_CHARS,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": TOO_LONG},
    )
    text_en = forms.CharField(
        label=_("In English"),
        required=False,
        strip=False,
        max_length=REVIEW_TEXT_CHARS,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": TOO_LONG},
    )
    version = VersionField(min_value=0)

    def __init__(self, *args: Any, part: str, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", part)
        kwargs.setdefault("auto_id", "review-%s")
        super().__init__(*args, **kwargs)
        self.part = part


def _remark_field(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=REMARK_CHARS,
        strip=False,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": REMARK_CHARS}),
        error_messages={"max_length": TOO_LONG},
        help_text=help_text,
    )


class RemarkForm(BootstrapForm, forms.Form):
    """A remark on a draft: plain text, at most REMARK_CHARS characters. `back` says where to go once it is posted:
    to the draft's page ("draft") or to the page of its remarks."""

    text = _remark_field(_("Your remark"), _("Plain text. The secretariat answers each remark here."))
    back = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)


class AnswerForm(BootstrapForm, forms.Form):
    """The secretariat's answer to a remark, which resolves it."""

    answer = _remark_field(_("Answer"), _("What was changed in the draft, or why nothing was."))
    back = forms.CharField(required=False, max_length=8, widget=forms.HiddenInput)
