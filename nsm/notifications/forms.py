from typing import Any

from django import forms

from nsm.notifications.models import CHOSEN_KINDS, Delivery


class PreferencesForm(forms.Form):
    """A choice of delivery per kind of notice (the reminders of reports due are e-mailed by themselves)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in CHOSEN_KINDS:
            self.fields[kind] = forms.ChoiceField(label=kind.label, choices=Delivery.choices)
            self.fields[kind].widget.attrs["class"] = "form-select"
