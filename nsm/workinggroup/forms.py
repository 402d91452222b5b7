"""Forms of the working-group pages. They parse what people type; the rules are the models' and the services'."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from nsm.accounts.models import Institution
from nsm.core.forms import BootstrapForm, EditsVersion
from nsm.core.limits import LONG_TEXT_CHARS, refuse_control_characters
from nsm.strategy.forms import InstitutionChoice
from nsm.strategy.models import Strategy
from nsm.workinggroup.models import ActionPoint, Decision, Meeting, MeetingParticipant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The casts below: django-stubs types `self.fields[name]` as a plain Field; each is the declared field's class.


def _date(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def institutions_for(strategy: Strategy, current: Any = None) -> QuerySet[Institution]:
    """The country's active institutions (its international partners are registered as the country's offices, as in
    the plan's choosers), and any already chosen."""
    keep = Q(pk__in=[current]) if current else Q(pk__in=[])
    wanted = Q(country=strategy.country, is_active=True)
    return Institution.objects.filter(wanted | keep).order_by("code")


class MeetingForm(EditsVersion, BootstrapForm, forms.Form):
    body = forms.ChoiceField(label=_("Body"), choices=Meeting.Body.choices)
    held_on = _date(_("Date"))
    title = forms.CharField(label=_("Title"), max_length=200)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    minutes = forms.FileField(
        label=_("Minutes"), required=False, help_text=_("A PDF or Word (docx) file; a new file replaces the old one.")
    )

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        if meeting is not None:
            kwargs["initial"] = {
                "body": meeting.body,
                "held_on": meeting.held_on,
                "title": meeting.title,
                "location": meeting.location,
                "agenda": meeting.agenda,
            }
        super().__init__(*args, **kwargs)
        if meeting is not None:
            self.add_version(meeting.version)


class ParticipantForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    institution = InstitutionChoice(label=_("Institution"), queryset=Institution.objects.none())
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *MeetingParticipant.Sex.choices])
    position = forms.CharField(label=_("Position"), max_length=200, required=False)

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = institutions_for(strategy)


def _text(label: StrOrPromise, lang: str) -> forms.CharField:
    """A decision's or an action's text in one language: either language suffices (the services say so)."""
    return forms.CharField(
        label=label,
        widget=forms.Textarea(attrs={"rows": 3, "lang": lang}),
        required=False,
        max_length=LONG_TEXT_CHARS,
        validators=[refuse_control_characters],
    )


class DecisionForm(BootstrapForm, forms.Form):
    text_sq = _text(_("Decision (Albanian)"), "sq")
    text_en = _text(_("Decision (English, optional)"), "en")


class ActionPointForm(EditsVersion, BootstrapForm, forms.Form):
    text_sq = _text(_("Action (Albanian)"), "sq")
    text_en = _text(_("Action (English, optional)"), "en")
    owner = InstitutionChoice(label=_("Owner institution"), queryset=Institution.objects.none())
    due_on = _date(_("Due on"))
    decision = forms.ModelChoiceField(
        label=_("Follows decision"), queryset=Decision.objects.none(), required=False, empty_label="—"
    )

    def __init__(self, *args: Any, meeting: Meeting, point: ActionPoint | None = None, **kwargs: Any) -> None:
        if point is not None:
            kwargs["initial"] = {
                "text_sq": point.text_sq, "text_en": point.text_en, "owner": point.owner_id, "due_on": point.due_on,
                "decision": point.decision_id,
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        owner = cast(forms.ModelChoiceField, self.fields["owner"])
        owner.queryset = institutions_for(meeting.strategy, point.owner_id if point else None)
        cast(forms.ModelChoiceField, self.fields["decision"]).queryset = Decision.objects.filter(meeting=meeting)
        if point is not None:
            self.add_version(point.version)


class ActionPointStatusForm(EditsVersion, BootstrapForm, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionPoint.Status.choices)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What was done, or why the action point is dropped."),
    )

    def __init__(self, *args: Any, point: ActionPoint, **kwargs: Any) -> None:
        kwargs["initial"] = {"status": point.status, "note": point.note}
        super().__init__(*args, **kwargs)
        self.add_version(point.version)


class ActionPointFilter(forms.Form):
    """The action point list's filters (GET)."""

    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Institution.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("Any")), *ActionPoint.Status.choices], required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, owners: QuerySet[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = owners
        self.fields["owner"].widget.attrs["class"] = "form-select"
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["overdue"].widget.attrs["class"] = "form-check-input"
