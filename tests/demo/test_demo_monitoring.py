"""The demo's two years of monitoring: every board state, closed and approved 2024, values that keep the rules,
a real timeline, evidence files, and a second load that changes nothing."""

from collections import Counter, defaultdict
from decimal import Decimal

from django.apps import apps
from django.utils import timezone

from nsm.demo import content
from nsm.demo.loader import load_demo
from nsm.monitoring import selectors, services
from nsm.monitoring.models import (
    ActivityProgress,
    Evidence,
    IndicatorValue,
    ProgressReport,
    Reminder,
    ReportEvent,
    ReportingCycle,
    ReviewComment,
)
from nsm.strategy.models import ActivityBudget

CODE = content.STRATEGY["code"]


def _cycles() -> dict[str, ReportingCycle]:
    return {cycle.label: cycle for cycle in ReportingCycle.objects.filter(strategy__code=CODE)}


def _reports(label: str) -> list[ProgressReport]:
    year, half = label.split("-H")
    return list(
        ProgressReport.objects.filter(cycle__strategy__code=CODE, cycle__year=year, cycle__half=half).select_related(
            "cycle", "institution"
        )
    )


def _monitoring_rows() -> dict[str, int]:
    models = apps.get_app_config("monitoring").get_models()
    return {model._meta.label: model._base_manager.count() for model in models}


def test_demo_has_four_half_year_cycles_2024_and_2025(demo):
    cycles = _cycles()
    assert sorted(cycles) == ["2024-H1", "2024-H2", "2025-H1", "2025-H2"]
    assert {label: cycle.status for label, cycle in cycles.items()} == {
        "2024-H1": "closed",
        "2024-H2": "closed",
        "2025-H1": "open",
        "2025-H2": "open",
    }
    assert (cycles["2024-H1"].opens_on.isoformat(), cycles["2024-H1"].due_on.isoformat()) == (
        "2024-07-01",
        "2024-07-15",
    )
    assert cycles["2024-H2"].due_on.isoformat() == "2025-01-31"


def test_every_board_status_shows_in_some_cycle(demo):
    today = timezone.localdate()
    shown = {
        row.board_status for cycle in _cycles().values() for row in selectors.board(cycle, cycle.reports.all()).rows
    }
    assert shown == set(ProgressReport.BoardStatus.values)
    cycles = _cycles()
    assert cycles["2025-H1"].due_on < today < cycles["2025-H2"].due_on


def test_2025_cycles_hold_reports_in_every_state(demo):
    for label in ("2025-H1", "2025-H2"):
        reports = _reports(label)
        statuses = {report.status for report in reports}
        assert statuses == set(ProgressReport.Status.values), label
        assert any(report.first_saved_at is None for report in reports), label  # not started
        drafts = [report for report in reports if report.status == "draft" and report.first_saved_at]
        assert drafts, label
    overdue = [r for r in _reports("2025-H1") if r.board_status() == ProgressReport.BoardStatus.OVERDUE]
    assert len(overdue) >= 3


def test_2024_cycles_are_closed_with_every_report_approved_a_few_late_some_returned_first(demo):
    for label in ("2024-H1", "2024-H2"):
        reports = _reports(label)
        assert len(reports) > 15
        assert {report.status for report in reports} == {"approved"}, label
        late = [report for report in reports if report.submitted_late]
        assert 1 <= len(late) <= 4, label
        returned = ReportEvent.objects.filter(report__in=reports, kind="returned").values("report").distinct()
        assert returned.count() >= 2, label
        closed = ReportingCycle.history.filter(id=reports[0].cycle_id, status="closed").earliest("history_date")
        assert all(report.approved_at < closed.history_date for report in reports), label


def test_the_demo_focal_point_finds_a_returned_report_with_comments_and_a_draft(demo):
    returned = ProgressReport.objects.get(cycle__year=2025, cycle__half=1, institution__code="AKPA")
    assert returned.status == "returned" and returned.return_reason
    comments = ReviewComment.objects.filter(report=returned)
    assert comments.filter(activity__isnull=False).exists()
    assert comments.filter(indicator__isnull=False).exists()
    assert {comment.author.username for comment in comments} == {"secretariat"}
    draft = ProgressReport.objects.get(cycle__year=2025, cycle__half=2, institution__code="AKPA")
    assert draft.status == "draft" and draft.first_saved_at is not None
    assert draft.is_editable


def test_timelines_carry_the_dates_they_happened_on_and_their_authors(demo):
    now = timezone.now()
    report = ProgressReport.objects.get(cycle__year=2024, cycle__half=1, institution__code="AKPA")
    events = list(report.events.select_related("user"))
    assert events[0].kind in ("saved", "imported") and events[-1].kind == "approved"
    assert all(event.at.year == 2024 for event in events)
    assert {event.user.username for event in events if event.kind in ("saved", "submitted", "imported")} == {
        "focalpoint"
    }
    assert ReportEvent.objects.filter(at__gt=now).count() == 0
    line = ActivityProgress.objects.filter(report=report).exclude(status="").first()
    record = line.history.first()
    assert record.history_user.username == "focalpoint"
    assert record.history_date.year == 2024
    other = ProgressReport.objects.get(cycle__year=2024, cycle__half=1, institution__code="MPB")
    assert {event.user.username for event in other.events.filter(kind="submitted")} == {"focal.mpb"}


def test_activity_lines_keep_the_rules_and_mix_statuses(demo):
    lines = list(ActivityProgress.objects.filter(report__cycle__strategy__code=CODE).select_related("activity"))
    filled = [line for line in lines if line.status]
    assert len(filled) > 0.75 * len(lines)
    for line in filled:
        line_input = services.ActivityLineInput(
            line.activity_id,
            line.status,
            line.percent_complete,
            line.spent_state_budget,
            line.spent_donor,
            line.spent_other,
            line.narrative_sq,
            line.narrative_en,
        )
        assert services.validate_activity_line(line_input) == [], line
        albanian = line.narrative_sq
        assert "ë" in albanian or "ç" in albanian or albanian == "Në proces.", albanian
    # Some institutions write their narratives in English too: the English pages and report show those.
    assert 0 < sum(1 for line in filled if line.narrative_en) < len(filled)
    statuses = Counter(line.status for line in filled)
    assert {"completed", "on_track", "delayed", "cancelled", "not_started"} <= set(statuses)
    assert statuses["on_track"] > statuses["delayed"] > statuses["completed"]


def test_submitted_and_approved_reports_miss_nothing(demo):
    for report in ProgressReport.objects.filter(status__in=["submitted", "approved"]):
        assert selectors.report_detail(report).missing == (), report


def test_spending_stays_within_the_planned_cost_of_each_year_and_source(demo):
    planned: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    for line in ActivityBudget.objects.filter(activity__strategy__code=CODE):
        planned[(line.activity_id, line.year, line.source)] += line.amount
    spent: dict[tuple[int, int, str], Decimal] = defaultdict(Decimal)
    for line in ActivityProgress.objects.filter(report__cycle__strategy__code=CODE).select_related("report__cycle"):
        for name, source in (
            ("spent_state_budget", "state_budget"),
            ("spent_donor", "donor"),
            ("spent_other", "other"),
        ):
            amount = getattr(line, name)
            if amount is not None:
                spent[(line.activity_id, line.report.cycle.year, source)] += amount
    assert spent
    for key, amount in spent.items():
        assert amount <= planned[key], key


def test_indicator_values_keep_the_rules(demo):
    values = IndicatorValue.objects.filter(report__cycle__strategy__code=CODE).select_related("indicator", "category")
    lines: dict[tuple[int, int], dict] = defaultdict(dict)
    for value in values:
        lines[(value.report_id, value.indicator_id)][value.category_id] = value
    filled = checked_sums = 0
    for (_report, indicator_id), cells in lines.items():
        total = cells[None]
        if total.value is None:
            continue
        filled += 1
        dimensions = defaultdict(list)
        for category_id, value in cells.items():
            if category_id is not None:
                dimensions[value.category.dimension_id].append(value.category)
        line_input = services.IndicatorLineInput(
            indicator_id,
            total.value,
            {pk: value.value for pk, value in cells.items() if pk is not None},
            total.note,
            total.source,
        )
        assert services.validate_indicator_line(line_input, total.indicator, dimensions) == [], total
        if total.indicator.value_type == "number" and dimensions:
            assert all(value.value is not None for value in cells.values())
            checked_sums += 1
    assert filled > 0.6 * len(lines)
    assert checked_sums > 20


def test_evidence_files_are_real_pdf_and_png_files(demo):
    evidence = list(Evidence.objects.filter(line__report__cycle__strategy__code=CODE))
    assert 5 <= len(evidence) <= 40
    assert {item.content_type for item in evidence} == {"application/pdf", "image/png"}
    for item in evidence:
        with item.file.open("rb") as handle:
            assert services.EVIDENCE_TYPES[services.sniff_type(handle)] == item.content_type
        assert item.uploaded_at < timezone.now()


def test_reminders_went_out_before_the_due_date_and_once_overdue(demo):
    sent = Counter(Reminder.objects.values_list("report__cycle__year", "report__cycle__half", "kind"))
    assert sent[(2024, 1, "before_due")] > 0
    assert sent[(2025, 1, "overdue")] > 0
    reminder = Reminder.objects.filter(report__cycle__year=2025, kind="overdue").first()
    assert reminder.sent_at.date().isoformat() == "2025-07-16"
    assert reminder.recipients.endswith("@example.org")


def test_loading_the_demo_again_adds_no_monitoring(demo):
    before = _monitoring_rows()
    summary = load_demo()
    assert not summary.changed
    assert summary.unchanged["reporting cycle"] == 4
    assert _monitoring_rows() == before


def _fingerprint() -> list[tuple]:
    return sorted(
        (
            line.report.cycle.label,
            line.report.institution.code,
            line.report.status,
            line.activity.code,
            line.status,
            line.percent_complete,
            line.spent_state_budget,
            line.narrative_sq,
            line.narrative_en,
        )
        for line in ActivityProgress.objects.select_related("report__cycle", "report__institution", "activity")
    ) + sorted(
        (
            (value.report.cycle.label, value.indicator.code, value.category_id, value.value, value.note, value.source)
            for value in IndicatorValue.objects.select_related("report__cycle", "indicator")
        ),
        key=repr,
    )


def test_the_demo_monitoring_is_the_same_on_every_run(demo):
    first = _fingerprint()
    ReportingCycle.objects.filter(strategy__code=CODE).delete()
    summary = load_demo()
    assert summary.created["reporting cycle"] == 4
    assert _fingerprint() == first
