"""Every working-group write: meetings and their minutes, participants, decisions, action points and their status.

Each runs in one transaction inside `acting_as(by)`, validates with `full_clean` and saves objects one by one, so
that history names its author. Meetings and action points carry a version: a change made on a stale page is refused
with `StaleVersion`. Who may call what is decided by the querysets (`editable_by`, `updatable_by`) the pages use.
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nsm.accounts.models import Institution
from nsm.audit import acting_as
from nsm.core.stale import bump_version, check_version, refuse_with
from nsm.core.uploads import CONTENT_TYPES, sniff_type
from nsm.strategy.models import Strategy
from nsm.workinggroup.models import ActionPoint, Decision, Meeting, MeetingParticipant

# Sent once an action point was given to an institution has committed (added, or its owner changed), with
# `action_point_id`, `version` (the point's version after the change) and `by_id` (the acting user's id, or None).
# The notifications app, above this one, tells the owner's focal points; a failing receiver is logged, the change
# stays done.
action_point_assigned = Signal()


def _announce_assigned(point: ActionPoint, *, by: Any) -> None:
    point_id, version, by_id = point.pk, point.version, getattr(by, "pk", None)
    transaction.on_commit(
        lambda: action_point_assigned.send(sender=ActionPoint, action_point_id=point_id, version=version, by_id=by_id),
        robust=True,
    )


MINUTES_TYPES = {kind: CONTENT_TYPES[kind] for kind in ("pdf", "docx")}
MEETING_FIELDS = ("body", "held_on", "title", "agenda", "location")


# --- Minutes ---


def check_minutes(upload: Any) -> str:
    """The minutes' type (pdf or docx), checked from the content, its name and its size; ValidationError else."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        message = _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}
        raise ValidationError({"minutes": message}, code="too_large")
    kind = sniff_type(upload, field="minutes")  # refuses macros, zip bombs, broken files in words
    extension = upload.name.rpartition(".")[2].lower() if "." in upload.name else ""
    if kind not in MINUTES_TYPES or extension != kind:
        raise ValidationError({"minutes": _("The minutes must be a PDF or Word (docx) file.")}, code="type")
    return kind


def _attach_minutes(meeting: Meeting, upload: Any) -> None:
    kind = check_minutes(upload)
    meeting.minutes.save(upload.name[-100:], upload, save=False)
    meeting.minutes_name = upload.name[-200:]
    meeting.minutes_type = MINUTES_TYPES[kind]


# --- Meetings ---


def _author(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def create_meeting(
    strategy: Strategy,
    *,
    by: Any,
    body: str,
    held_on: datetime.date,
    title: str,
    agenda: str = "",
    location: str = "",
    minutes: Any = None,
) -> Meeting:
    """Record a meeting of the IIWG or the Technical Committee, with its minutes when given."""
    meeting = Meeting(
        strategy=strategy,
        body=body,
        held_on=held_on,
        title=title.strip(),
        agenda=agenda.strip(),
        location=location.strip(),
        created_by=_author(by),
    )
    meeting.full_clean(exclude=["minutes"])
    if minutes is not None:
        check_minutes(minutes)
    with transaction.atomic(), acting_as(by):
        if minutes is not None:
            _attach_minutes(meeting, minutes)
        meeting.save()
    return meeting


def update_meeting(meeting: Meeting, *, by: Any, version: int | None, minutes: Any = None, **values: Any) -> Meeting:
    """Change a meeting's fields (`MEETING_FIELDS`) and replace its minutes when a file is given."""
    unknown = set(values) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    if minutes is not None:
        check_minutes(minutes)
    with transaction.atomic(), acting_as(by):
        meeting = _locked(Meeting, meeting, version)
        for name, value in values.items():
            setattr(meeting, name, value.strip() if isinstance(value, str) else value)
        meeting.full_clean(exclude=["minutes"])
        if minutes is not None:
            _attach_minutes(meeting, minutes)
        bump_version(meeting)
        return meeting


Versioned = TypeVar("Versioned", Meeting, ActionPoint)


def _locked(model: type[Versioned], obj: Versioned, version: int | None) -> Versioned:
    locked = model.objects.select_for_update().get(pk=obj.pk)
    refusal = _("Someone else changed this since you opened the page. Reload the page and make your change again.")
    return check_version(locked, version, refuse_with(refusal))


# --- Participants and decisions ---


def add_participant(
    meeting: Meeting, *, by: Any, institution: Institution, name: str, sex: str, position: str = ""
) -> MeetingParticipant:
    """Someone who attended the meeting, for an institution."""
    participant = MeetingParticipant(
        meeting=meeting, institution=institution, name=name.strip(), sex=sex, position=position.strip()
    )
    with transaction.atomic(), acting_as(by):
        participant.full_clean()
        participant.save()
    return participant


def remove_participant(participant: MeetingParticipant, *, by: Any) -> None:
    with transaction.atomic(), acting_as(by):
        participant.delete()


def _texts(text_sq: str, text_en: str, message: Any) -> tuple[str, str]:
    """The Albanian and English texts stripped; either suffices, none is refused with `message`."""
    text_sq, text_en = text_sq.strip(), text_en.strip()
    if not text_sq and not text_en:
        raise ValidationError({"text_sq": message})
    return text_sq, text_en


def add_decision(
    meeting: Meeting, *, by: Any, text_sq: str = "", text_en: str = "", number: int | None = None
) -> Decision:
    """A decision of the meeting, in Albanian, English or both; numbered after the last one unless a number is
    given."""
    text_sq, text_en = _texts(text_sq, text_en, _("Write the decision, in Albanian or in English."))
    with transaction.atomic(), acting_as(by):
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()  # numbers are given one at a time
        if number is None:
            last = Decision.objects.filter(meeting=meeting).aggregate(last=models.Max("number"))["last"]
            number = (last or 0) + 1
        decision = Decision(meeting=meeting, number=number, text_sq=text_sq, text_en=text_en)
        decision.full_clean()
        decision.save()
        return decision


# --- Action points ---

ACTION_MISSING = gettext_lazy("Write the action, in Albanian or in English.")  # read in the request's language


def _check_decision(meeting: Meeting, decision: Decision | None) -> None:
    if decision is not None and decision.meeting_id != meeting.pk:
        raise ValidationError({"decision": _("The decision must be one of this meeting's.")})


def add_action_point(
    meeting: Meeting,
    *,
    by: Any,
    text_sq: str = "",
    text_en: str = "",
    owner: Institution,
    due_on: datetime.date,
    decision: Decision | None = None,
) -> ActionPoint:
    """An action point of the meeting (open), in Albanian, English or both, owned by an institution, due by a date."""
    text_sq, text_en = _texts(text_sq, text_en, ACTION_MISSING)
    _check_decision(meeting, decision)
    point = ActionPoint(
        meeting=meeting, decision=decision, text_sq=text_sq, text_en=text_en, owner=owner, due_on=due_on
    )
    with transaction.atomic(), acting_as(by):
        point.full_clean()
        point.save()
        _announce_assigned(point, by=by)
    return point


def edit_action_point(
    point: ActionPoint,
    *,
    by: Any,
    version: int | None,
    text_sq: str = "",
    text_en: str = "",
    owner: Institution,
    due_on: datetime.date,
    decision: Decision | None = None,
) -> ActionPoint:
    """Change what an action point asks, of whom, and by when (the coordinator and the secretariat)."""
    text_sq, text_en = _texts(text_sq, text_en, ACTION_MISSING)
    with transaction.atomic(), acting_as(by):
        point = _locked(ActionPoint, point, version)
        _check_decision(point.meeting, decision)
        reassigned = point.owner_id != owner.pk
        point.text_sq, point.text_en, point.owner, point.due_on = text_sq, text_en, owner, due_on
        point.decision = decision
        point.full_clean()
        bump_version(point)
        if reassigned:
            _announce_assigned(point, by=by)
        return point


def report_action_point(
    point: ActionPoint, *, by: Any, version: int | None, status: str, note: str, today: datetime.date | None = None
) -> ActionPoint:
    """Report an action point's status and a note. Done or dropped records the closing date; reopening clears it.
    Dropping one says why, in the note."""
    note = note.strip()
    if status == ActionPoint.Status.DROPPED and not note:
        raise ValidationError({"note": _("Say in the note why the action point is dropped.")})
    with transaction.atomic(), acting_as(by):
        point = _locked(ActionPoint, point, version)
        if status in ActionPoint.CLOSED:
            if point.status not in ActionPoint.CLOSED or point.closed_on is None:
                point.closed_on = today or timezone.localdate()
        else:
            point.closed_on = None
        point.status, point.note = status, note
        point.full_clean()
        bump_version(point)
        return point
