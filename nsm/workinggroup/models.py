"""The working group: meetings of the IIWG and of its Technical Committee, who attended, what was decided, and the
action points each owner institution must carry out by a due date.

Every internal user of the strategy's country reads the meetings; the coordinator and the secretariat record them;
the focal points of an action point's owner institution report its status. An action point is *overdue* when it is
neither done nor dropped and its due date has passed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.audit import history_user
from nsm.core import limits
from nsm.i18n import LocalizedColumn
from nsm.strategy.models import Strategy


class MeetingQuerySet(access.CountryScopedQuerySet):
    readers = access.INTERNAL_ROLES
    editors = access.PLAN_EDITORS


def minutes_path(instance: Meeting, filename: str) -> str:
    return f"minutes/{instance.strategy_id}/{filename}"


class Meeting(models.Model):
    """A meeting of the Inter-Institutional Working Group or of its Technical Committee."""

    class Body(models.TextChoices):
        IIWG = "iiwg", _("Inter-Institutional Working Group")
        TECHNICAL_COMMITTEE = "technical_committee", _("Technical Committee")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="meetings")
    body = models.CharField(_("body"), max_length=20, choices=Body.choices, default=Body.IIWG)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True, **limits.long_text_field_options())
    location = models.CharField(_("location"), max_length=200, blank=True)
    minutes = models.FileField(_("minutes"), upload_to=minutes_path, max_length=300, blank=True)
    minutes_name = models.CharField(_("minutes file name"), max_length=200, blank=True)
    minutes_type = models.CharField(_("minutes file type"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = MeetingQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["strategy", "-held_on", "-pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class MeetingParticipant(models.Model):
    """One person who attended a meeting, for an institution."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["meeting", "institution__code", "name", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.name


class Decision(models.Model):
    """A decision taken at a meeting, numbered within it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("number"))
    # The column keeps its name `text` (the search triggers read it); either language suffices (the services say so).
    text_sq = models.TextField(
        _("decision (Albanian)"), blank=True, db_column="text", **limits.long_text_field_options()
    )
    text_en = models.TextField(_("decision (English)"), blank=True, **limits.long_text_field_options())

    history = HistoricalRecords(get_user=history_user)
    text = LocalizedColumn("text")

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="decision_number_unique_per_meeting",
                violation_error_message=_("This meeting already has a decision with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class ActionPointQuerySet(access.CountryScopedQuerySet):
    country_lookup = "meeting__strategy__country"
    readers = access.INTERNAL_ROLES
    editors = access.PLAN_EDITORS

    def updatable_by(self, user) -> ActionPointQuerySet:
        """Action points whose status and note the user may report: the managers', and the owner's focal points'."""
        if access.is_superuser(user):
            return self
        return self.filter(
            Q(meeting__strategy__country__in=access.countries(user, access.PLAN_EDITORS))
            | Q(owner__in=access.institution_ids(user, access.FOCAL_POINTS))
        )

    def overdue(self, today: datetime.date | None = None) -> ActionPointQuerySet:
        return self.filter(due_on__lt=today or timezone.localdate()).exclude(status__in=ActionPoint.CLOSED)


class ActionPoint(models.Model):
    """Something an institution must do after a meeting (often to carry out one of its decisions), by a date."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    CLOSED = (Status.DONE, Status.DROPPED)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_points")
    decision = models.ForeignKey(
        Decision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_points",
        verbose_name=_("decision"),
    )
    # The column keeps its name `text`; either language suffices (the services say so).
    text_sq = models.TextField(_("action (Albanian)"), blank=True, db_column="text", **limits.long_text_field_options())
    text_en = models.TextField(_("action (English)"), blank=True, **limits.long_text_field_options())
    owner = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="action_points", verbose_name=_("owner")
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, **limits.long_text_field_options())
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = ActionPointQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)
    text = LocalizedColumn("text")

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action point")
        verbose_name_plural = _("action points")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["done", "dropped"]) | Q(closed_on__isnull=True),
                name="action_point_closed_on_only_when_closed",
                violation_error_message=_("Only a done or dropped action point has a closing date."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status not in self.CLOSED and self.due_on < (today or timezone.localdate())
