from typing import Any

from django import forms

from nsm.notifications.models import Delivery, Kind


class PreferencesForm(forms.Form):
    """A choice of delivery per kind of notice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in Kind.choices:
            self.fields[kind] = forms.ChoiceField(label=label, choices=Delivery.choices)
            self.fields[kind].widget.attrs["class"] = "form-select"
