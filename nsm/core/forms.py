"""The form kernel every app's forms stand on: Bootstrap classes and errors next to their fields, the hidden
version of an edited row, sums of money as people type them.

Validation comes from the models (`full_clean`) and reaches the user through the form, so one rule gives one
message in one place: `add_errors` puts a model's errors next to the fields. A form that changes an existing row
carries the row's `version` in a hidden field (`EditsVersion`), so that the service can refuse the save when
someone else changed the row after the form was rendered (`nsm.core.stale`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

CHECKBOXES = (forms.CheckboxSelectMultiple, forms.RadioSelect)


class BootstrapBoundField(BoundField):
    """Adds Bootstrap's `is-invalid` to a field with errors; Django adds aria-invalid and aria-describedby."""

    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        if self.errors and not isinstance(widget or self.field.widget, CHECKBOXES):
            attrs["class"] = f"{attrs.get('class', self.field.widget.attrs.get('class', ''))} is-invalid".strip()
        return attrs


def widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, CHECKBOXES):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    return "form-control"


def add_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a model's validation errors next to the form's fields, and the others at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    renamed = getattr(form, "ERROR_FIELDS", {})  # a model field shown as another form field
    for name, messages in error.error_dict.items():
        name = renamed.get(name, name)
        form.add_error(name if name in form.fields else None, messages)


def _no_key(value: Any) -> bool:
    return isinstance(value, str) and value.isdigit() and len(value) > 18


class BootstrapForm:
    """Mixin: Bootstrap classes on every widget, and model errors for fields not in the form shown on top."""

    bound_field_class: type[BoundField] | None = BootstrapBoundField
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", widget_class(field.widget))

    def _update_errors(self, errors: ValidationError) -> None:
        add_errors(self, errors)  # type: ignore[arg-type]

    def _clean_fields(self) -> None:
        """A posted choice no database key can be (more than 18 digits: the databases refuse such a number with an
        error of their own) is refused as any unknown choice is, before a query is made with it."""
        data: Any = getattr(self, "data", None)
        if data and hasattr(data, "getlist"):
            keys = [self.add_prefix(n) for n, f in self.fields.items() if isinstance(f, forms.ModelChoiceField)]  # type: ignore[attr-defined]
            impossible = [key for key in keys if any(_no_key(value) for value in data.getlist(key))]
            if impossible:
                data = data.copy()
                for key in impossible:
                    data.setlist(key, ["-" if _no_key(value) else value for value in data.getlist(key)])
                self.data = data
        super()._clean_fields()  # type: ignore[misc]


# A filter form (GET) leaves out a value it does not understand and says so beside the others, never an error page.
LEFT_OUT = {
    "invalid_choice": _("not one of the choices, so left out."),
    "max_length": _("at most %(limit_value)d characters, so left out."),
    "null_characters_not_allowed": _("not text that can be searched, so left out."),
}


class FilterForm(BootstrapForm):
    """Mixin for a list page's filters: ids `filter-<name>`, every value not understood left out with a sentence."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages.update(LEFT_OUT)


class VersionField(forms.IntegerField):
    """The version of the item the form was rendered from (hidden)."""

    widget = forms.HiddenInput
    default_error_messages = {
        "required": _("This page is out of date: reload it and make your change again."),
        "invalid": _("This page is out of date: reload it and make your change again."),
    }


class EditsVersion:
    """Mixin: the hidden version of the item being edited, kept apart from the values the user changes."""

    NOT_CONTENT: tuple[str, ...] = ("version",)
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]
    data: Any

    def add_version(self, version: int) -> None:
        self.fields["version"] = VersionField(initial=version, min_value=1)

    @property
    def edited_version(self) -> int | None:
        """The version the user edited; None for a form that creates an item."""
        return self.cleaned_data.get("version") if "version" in self.fields else None

    def content(self) -> dict[str, Any]:
        """The values to save: the cleaned data without the version (and what `NOT_CONTENT` names)."""
        return {name: value for name, value in self.cleaned_data.items() if name not in self.NOT_CONTENT}

    def renew_version(self, version: int) -> None:
        """After a refused stale save: the form keeps the user's values and now carries the current version."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)  # type: ignore[attr-defined]


class AmountField(forms.DecimalField):
    """A sum of money as people type it: `1 200 000`, `1.200.000` in Albanian, `1,200,000` in English."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal(0))
        super().__init__(localize=True, **kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), "inputmode": "decimal"}

    # The ignore: django-stubs derive DecimalField from IntegerField, whose to_python returns an int.
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            value = ungroup(value)
        return super().to_python(value)


def ungroup(text: str) -> str:
    """Drop digit grouping (spaces, or the locale's thousand separator between groups of three digits)."""
    text = re.sub(r"[\s\u00a0\u202f']", "", text)
    thousands = get_format("THOUSAND_SEPARATOR")
    decimal = get_format("DECIMAL_SEPARATOR")
    grouped = rf"^-?\d{{1,3}}({re.escape(thousands)}\d{{3}})+({re.escape(decimal)}\d+)?$"
    if thousands and re.match(grouped, text):
        text = text.replace(thousands, "")
    return text
