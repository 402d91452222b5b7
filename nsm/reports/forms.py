"""The forms of the GCM review page: one text in both languages (a chapter's or an objective's), with the version it
was edited at."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nsm.core.forms import BootstrapForm, EditsVersion, VersionField
from nsm.core.limits import refuse_control_characters
from nsm.reports.models import REVIEW_TEXT_CHARS

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
