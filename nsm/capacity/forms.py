"""Forms of the capacity-building pages: a training, rows of participants, a participants file, the list filters.

The forms parse what people type; the rules (dates in order, scores 0-100, an institution that exists) are the
models' and the services', and their errors come back next to the fields they concern.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from nsm.capacity.models import Participant, Topic, Training
from nsm.capacity.services import ParticipantInput, RowError
from nsm.core.forms import BootstrapForm, EditsVersion
from nsm.strategy.forms import InstitutionChoice, _institution_choices
from nsm.strategy.models import Strategy

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TrainingForm(EditsVersion, BootstrapForm, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=forms.CheckboxSelectMultiple)
    starts_on = forms.DateField(label=_("First day"), widget=DATE)
    ends_on = forms.DateField(label=_("Last day"), widget=DATE)
    organiser = InstitutionChoice(label=_("Organising institution"), queryset=None, required=False)
    organiser_name = forms.CharField(
        label=_("Other organiser"),
        max_length=200,
        required=False,
        help_text=_("When the organiser is not an institution of the list (a project, a university ...)."),
    )
    location = forms.CharField(label=_("Location"), max_length=200, required=False)

    def __init__(self, *args: Any, strategy: Strategy, training: Training | None = None, **kwargs: Any) -> None:
        if training is not None:
            kwargs.setdefault(
                "initial",
                {
                    "title": training.title,
                    "topics": [row.topic for row in training.topics.all()],
                    "starts_on": training.starts_on,
                    "ends_on": training.ends_on,
                    "organiser": training.organiser_id,
                    "organiser_name": training.organiser_name,
                    "location": training.location,
                },
            )
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["organiser"]).queryset = _institution_choices(
            strategy, training.organiser_id if training else None
        )
        if training is not None:
            self.add_version(training.version)


class ParticipantRowForm(BootstrapForm, forms.Form):
    """One participant typed on the page; an empty row is skipped."""

    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    institution = InstitutionChoice(label=_("Institution"), queryset=None, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Participant.Sex.choices], required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    pre_score = forms.IntegerField(
        label=_("Pre-test"), required=False, widget=forms.NumberInput(attrs={"min": 0, "max": 100})
    )
    post_score = forms.IntegerField(
        label=_("Post-test"), required=False, widget=forms.NumberInput(attrs={"min": 0, "max": 100})
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(name) not in (None, "") for name in self.fields)

    def as_input(self) -> ParticipantInput:
        data = self.cleaned_data
        return ParticipantInput(
            name=data.get("name") or "",
            institution=data["institution"].code if data.get("institution") else "",
            sex=data.get("sex") or "",
            position=data.get("position") or "",
            pre_score=data.get("pre_score"),
            post_score=data.get("post_score"),
        )


class BaseParticipantRows(forms.BaseFormSet):
    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        self.strategy = strategy
        super().__init__(*args, **kwargs)

    # Django's BaseFormSet has `_construct_form` (every form of the set is made by it); the stubs leave it out.
    def _construct_form(self, i: int, **kwargs: Any) -> ParticipantRowForm:
        form: ParticipantRowForm = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        cast(forms.ModelChoiceField, form.fields["institution"]).queryset = self._institutions()
        return form

    def _institutions(self) -> Any:
        if not hasattr(self, "_institution_queryset"):
            self._institution_queryset = _institution_choices(self.strategy)
            list(self._institution_queryset)  # one query for every row's list
        return self._institution_queryset

    def filled(self) -> list[tuple[int, ParticipantRowForm]]:
        return [(index, form) for index, form in enumerate(self.forms) if not form.is_blank()]

    def add_row_errors(self, rows: list[tuple[int, ParticipantRowForm]], errors: list[RowError]) -> None:
        for error in errors:
            _index, form = rows[error.row - 1]
            form.add_error(error.field if error.field in form.fields else None, error.message)


# formset_factory makes a subclass of `formset`; the stubs type it as the plain BaseFormSet.
ParticipantRows = cast(
    type[BaseParticipantRows],
    forms.formset_factory(ParticipantRowForm, formset=BaseParticipantRows, extra=5, max_num=50),
)


class ImportForm(BootstrapForm, forms.Form):
    file = forms.FileField(
        label=_("Participants file (.xlsx or .csv)"),
        help_text=_(
            "One row per participant under a header row with the columns: name, institution (its code or its "
            "name), sex (female, male or other), position, pre, post (scores from 0 to 100, optional)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )


class FilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)
    topic = forms.ChoiceField(label=_("Topic"), choices=[("", _("All topics")), *Topic.choices], required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [
            ("", _("All years")),
            *((year, year) for year in years),
        ]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
