"""Reads the working-group pages and the home page share: meetings with their totals, a meeting's attendance,
action points filtered and overdue. Each runs in a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from nsm.accounts import access
from nsm.core.shortlist import Shortlist, empty, shortlist
from nsm.strategy.models import Strategy
from nsm.workinggroup.models import ActionPoint, ActionPointQuerySet, Meeting, MeetingParticipant

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SEXES = MeetingParticipant.Sex


def meetings_of(strategy: Strategy, user: Any, today: datetime.date | None = None) -> QuerySet[Meeting]:
    """The strategy's meetings the user may see, newest first, with participants by sex and action point counts."""
    today = today or timezone.localdate()
    by_sex = {f"n_{sex}": Count("participants", filter=Q(participants__sex=sex), distinct=True) for sex in SEXES.values}
    overdue = Q(action_points__due_on__lt=today) & ~Q(action_points__status__in=ActionPoint.CLOSED)
    return (
        Meeting.objects.visible_to(user)
        .filter(strategy=strategy)
        .annotate(
            n_participants=Count("participants", distinct=True),
            **by_sex,
            n_decisions=Count("decisions", distinct=True),
            n_action_points=Count("action_points", distinct=True),
            n_overdue=Count("action_points", filter=overdue, distinct=True),
        )
        .order_by("-held_on", "-pk")
    )


@dataclass
class InstitutionRow:
    code: str
    name: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_sex(self) -> list[int]:
        return [self.counts.get(sex, 0) for sex in SEXES.values]


@dataclass
class Attendance:
    """Who attended: each person, and the totals by sex and by institution (and sex)."""

    participants: list[MeetingParticipant]
    institutions: list[InstitutionRow]
    by_sex: list[tuple[str, StrOrPromise, int]]  # (sex, label, count)

    @property
    def total(self) -> int:
        return len(self.participants)


def attendance(meeting: Meeting) -> Attendance:
    """The meeting's participants and their totals, in one query."""
    participants = list(meeting.participants.select_related("institution"))
    rows: dict[int, InstitutionRow] = {}
    totals: dict[str, int] = defaultdict(int)
    for person in participants:
        row = rows.setdefault(person.institution_id, InstitutionRow(person.institution.code, person.institution.name))
        row.counts[person.sex] = row.counts.get(person.sex, 0) + 1
        totals[person.sex] += 1
    return Attendance(
        participants=participants,
        institutions=sorted(rows.values(), key=lambda row: row.code),
        by_sex=[(sex, label, totals.get(sex, 0)) for sex, label in SEXES.choices],
    )


def action_points(
    user: Any,
    *,
    strategy: Strategy | None = None,
    meeting: Meeting | None = None,
    owner_id: int | None = None,
    status: str = "",
    overdue: bool = False,
    today: datetime.date | None = None,
) -> QuerySet[ActionPoint]:
    """The action points the user may see, filtered by strategy, meeting, owner, status, overdue."""
    # The casts: CountryScopedQuerySet (nsm/accounts/access.py) types visible_to as a plain QuerySet.
    points = cast(ActionPointQuerySet, ActionPoint.objects.visible_to(user)).select_related(
        "meeting__strategy", "owner", "decision"
    )
    if strategy is not None:
        points = points.filter(meeting__strategy=strategy)
    if meeting is not None:
        points = points.filter(meeting=meeting)
    if owner_id is not None:
        points = points.filter(owner_id=owner_id)
    if status:
        points = points.filter(status=status)
    if overdue:
        points = points.overdue(today)
    return points.order_by("due_on", "pk")


def overdue_for_home(user: Any, today: datetime.date | None = None) -> Shortlist[ActionPoint]:
    """The overdue action points the home page shows: those owned by the user's institutions, and every one of the
    country for the secretariat; the longest overdue first (two queries). Those of the institutions the user is the
    focal point of are left out: they are in the focal point's own list (`open_points_of_mine`)."""
    if not getattr(user, "is_authenticated", False):
        return empty()
    points = cast(ActionPointQuerySet, ActionPoint.objects.visible_to(user)).overdue(today)
    if not access.is_superuser(user):
        secretariat = access.countries(user, access.SECRETARIAT)
        points = points.filter(
            Q(owner__in=access.institution_ids(user)) | Q(meeting__strategy__country__in=secretariat)
        )
    points = points.exclude(owner__in=access.institution_ids(user, access.FOCAL_POINTS))
    return shortlist(points.select_related("meeting__strategy", "owner").order_by("due_on", "pk"))


def open_points_of_mine(user: Any) -> Shortlist[ActionPoint]:
    """The action points the user's institutions still have to carry out, as their focal point: open or in progress,
    the soonest due first (two queries). The focal point reports their status on the meeting's page."""
    points = (
        cast(ActionPointQuerySet, ActionPoint.objects.visible_to(user))
        .filter(owner__in=access.institution_ids(user, access.FOCAL_POINTS))
        .exclude(status__in=ActionPoint.CLOSED)
    )
    return shortlist(points.select_related("meeting__strategy", "owner").order_by("due_on", "pk"))
