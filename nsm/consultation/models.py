"""Drafting together: frozen versions of the plan and their consultation.

A `PlanVersion` is the plan of a strategy frozen at a moment, numbered per strategy (v1 for consultation, v2 after
it ...): its `snapshot` holds the whole results framework as plain data (see `versions.snapshot`), so that any two
versions can be compared and a consultation round comments on exactly what was published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.audit import history_user
from nsm.strategy.models import Strategy


class VersionQuerySet(models.QuerySet):
    def visible_to(self, user) -> VersionQuerySet:
        if access.is_superuser(user):
            return self
        return self.filter(strategy__country__in=access.countries(user))

    def editable_by(self, user) -> VersionQuerySet:
        """Versions the user may freeze, adopt or annotate: the coordinator's and the secretariat's of its country."""
        if access.is_superuser(user):
            return self
        return self.filter(strategy__country__in=access.countries(user, access.PLAN_EDITORS))


class PlanVersion(models.Model):
    """The plan of a strategy frozen as a numbered version."""

    class Purpose(models.TextChoices):
        WORKING = "working", _("Working draft")
        CONSULTATION = "consultation", _("For consultation")
        ADOPTION = "adoption", _("For adoption")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("E.g. 'Draft for public consultation'.")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.WORKING)
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("frozen on"), default=timezone.now, editable=False)
    # The legal act that adopted this version (a decision of the Council of Ministers), when it is the adopted one.
    is_adopted = models.BooleanField(_("adopted"), default=False)
    act_number = models.CharField(_("decision number"), max_length=100, blank=True, help_text=_("E.g. DCM no. 400."))
    act_date = models.DateField(_("decision date"), null=True, blank=True)

    objects = VersionQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["snapshot"])

    class Meta:
        ordering = ["strategy", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="plan_version_unique_number",
                violation_error_message=_("This strategy already has a version with this number."),
            ),
            models.UniqueConstraint(
                fields=["strategy"],
                condition=Q(is_adopted=True),
                name="plan_version_one_adopted",
                violation_error_message=_("Another version of this strategy is the adopted one."),
            ),
            models.CheckConstraint(
                condition=Q(is_adopted=False) | (~Q(act_number="") & Q(act_date__isnull=False)),
                name="plan_version_adopted_has_act",
                violation_error_message=_("An adopted version records its decision number and date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code} v{self.number}"

    @property
    def name(self) -> str:
        return f"v{self.number}" + (f" ({self.label})" if self.label else "")
