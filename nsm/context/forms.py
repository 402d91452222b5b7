"""Forms of the evidence base: they parse input; the services validate (through the models) and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from nsm.context.models import ContextIndicator, ContextValue
from nsm.core.forms import BootstrapForm, EditsVersion


class IndicatorForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = ContextIndicator
        fields = ["code", "name_sq", "name_en", "topic", "unit_sq", "unit_en", "source", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, countries: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if countries and len(countries) > 1:
            self.fields["country"] = forms.ChoiceField(
                label=_("Country"), choices=[(code, code) for code in countries], widget=forms.Select
            )
            self.fields["country"].widget.attrs["class"] = "form-select"


class ValueForm(EditsVersion, BootstrapForm, forms.ModelForm):
    value = forms.DecimalField(
        label=_("value"), required=False, max_digits=15, decimal_places=4, localize=True, widget=forms.TextInput
    )

    class Meta:
        model = ContextValue
        fields = ["year", "period", "value", "value_text", "unit", "source", "source_url", "verified", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "source_url": forms.TextInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.add_version(self.instance.version)  # an edit carries the version it was rendered from


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(label=_("CSV or Excel file (.csv, .xlsx)"))

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(limit)s.") % {"limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,text/csv"
        if len(countries) > 1:
            self.fields["country"] = forms.ChoiceField(label=_("Country"), choices=[(c, c) for c in countries])
            self.fields["country"].widget.attrs["class"] = "form-select"
