"""Reporting compliance: per institution and cycle, was the report submitted on time, late, or not at all.

A report counts as submitted from its first submission (a report returned for correction has been submitted;
lateness is the flag recorded when it was last submitted). Not submitted: "missing" once the due date has passed,
"pending" before it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Case, CharField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nsm.analytics.implementation import percent
from nsm.i18n import page_language
from nsm.monitoring.models import ProgressReport, ReportingCycle

ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
COMPLIANCE = (ON_TIME, LATE, MISSING, PENDING)
COMPLIANCE_LABELS = {ON_TIME: _("On time"), LATE: _("Late"), MISSING: _("Missing"), PENDING: _("Not yet due")}


@dataclass(frozen=True)
class ComplianceRow:
    institution_id: int
    code: str
    name: str
    cells: dict[int, str] = field(default_factory=dict)  # cycle id -> on_time | late | missing | pending

    def count(self, state: str) -> int:
        return sum(1 for value in self.cells.values() if value == state)

    @property
    def on_time_rate(self) -> Decimal | None:
        """On time / reports due (pending ones are not yet due), in %."""
        due = sum(1 for value in self.cells.values() if value != PENDING)
        return percent(self.count(ON_TIME), due)


@dataclass(frozen=True)
class Compliance:
    cycles: tuple[ReportingCycle, ...]
    rows: tuple[ComplianceRow, ...]

    def totals(self) -> dict[int, dict[str, int]]:
        """Per cycle id, the number of reports in each state."""
        counts: dict[int, dict[str, int]] = {cycle.pk: dict.fromkeys(COMPLIANCE, 0) for cycle in self.cycles}
        for row in self.rows:
            for cycle_id, state in row.cells.items():
                counts[cycle_id][state] += 1
        return counts


def compliance(strategy, *, cycles=None, institution=None, today: datetime.date | None = None) -> Compliance:
    """Two queries: the cycles that have reports, and one row per report with its state computed in SQL."""
    today = today or timezone.localdate()
    cycle_list = list(
        (cycles if cycles is not None else ReportingCycle.objects.filter(strategy=strategy))
        .exclude(status=ReportingCycle.Status.PLANNED)
        .order_by("year", "half", "pk")
    )
    reports = ProgressReport.objects.filter(cycle__in=[cycle.pk for cycle in cycle_list])
    if institution is not None:
        reports = reports.filter(institution=institution)
    submitted = Q(submitted_at__isnull=False)
    rows = reports.annotate(
        state=Case(
            When(submitted & Q(submitted_late=True), then=Value(LATE)),
            When(submitted, then=Value(ON_TIME)),
            When(cycle__due_on__lt=today, then=Value(MISSING)),
            default=Value(PENDING),
            output_field=CharField(),
        )
    ).values_list(
        "institution_id", "institution__code", "institution__name_sq", "institution__name_en", "cycle_id", "state"
    )
    by_institution: dict[int, ComplianceRow] = {}
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    language = page_language()
    for pk, code, name_sq, name_en, cycle_id, state in rows:
        if pk not in by_institution:
            name = (name_sq or name_en) if language == "sq" else (name_en or name_sq)
            by_institution[pk] = ComplianceRow(pk, code, name, cells[pk])
        cells[pk][cycle_id] = state
    return Compliance(tuple(cycle_list), tuple(sorted(by_institution.values(), key=lambda row: row.code)))
