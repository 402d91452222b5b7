"""Nothing approved is ever lost: a state machine edits the plan (add, change, move, withdraw, restore, try to
delete activities, indicators and results), fills, submits, returns, approves and reopens reports, and after every
step checks that each approved figure (every approved activity line's spending, every approved indicator cell) is
exactly what the approvals and reopenings so far say, and that the roll-up of approved spending per activity and
year agrees with them. A figure changes only when its own report is reopened.

Runs on the hand-counted plan of tests/analytics/conftest.py; each example is rolled back at its end.
"""

import contextlib
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from nsm.analytics.budget import spent_by_activity_year
from nsm.analytics.groups import Filters
from nsm.monitoring import services as monitoring
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport
from nsm.strategy import services as plan
from nsm.strategy.models import Activity, Indicator, Result

D = Decimal
KINDS = st.sampled_from(["activity", "indicator", "result"])
PICK = st.integers(min_value=0, max_value=10_000)
STATUSES = st.sampled_from(["on_track", "completed", "delayed", "not_started", "cancelled"])


def approved_lines(strategy_id):
    lines = ActivityProgress.objects.filter(report__cycle__strategy_id=strategy_id, report__status="approved")
    return {
        (line.report_id, line.activity_id): (line.spent_state_budget, line.spent_donor, line.spent_other)
        for line in lines
    }


def approved_values(strategy_id):
    values = IndicatorValue.objects.filter(report__cycle__strategy_id=strategy_id, report__status="approved")
    return {(value.report_id, value.indicator_id, value.category_id): value.value for value in values}


def _pick(queryset, index):
    items = list(queryset.order_by("pk"))
    return items[index % len(items)] if items else None


class ApprovedFiguresSurvive(RuleBasedStateMachine):
    def __init__(self, plan_fixture):
        super().__init__()
        self.plan = plan_fixture
        self.strategy = plan_fixture.strategy
        self.secretariat = plan_fixture.users["secretariat"]
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.expected_lines = approved_lines(self.strategy.pk)
        self.expected_values = approved_values(self.strategy.pk)
        self.cycle_year = {report.pk: report.cycle.year for report in self._reports().select_related("cycle")}

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # --- helpers ---

    def _reports(self):
        return ProgressReport.objects.filter(cycle__strategy=self.strategy)

    def _items(self, kind):
        model = {"activity": Activity, "indicator": Indicator, "result": Result}[kind]
        return model.objects.filter(strategy=self.strategy)

    def _focal(self, report):
        return report.institution.memberships.first().user if report.institution.memberships.exists() else None

    # --- the plan ---

    @rule(index=PICK)
    def add_activity(self, index):
        measure = _pick(self._items("result").filter(depth=3), index)
        plan.create_activity(
            measure=measure,
            by=self.secretariat,
            title_en="Added by the machine",
            lead=self.plan.institutions["MB"],
            start_year=2024,
            end_year=2025,
        )

    @rule(index=PICK, title=st.text(alphabet="abc XYZ", min_size=1, max_size=12))
    def change_activity(self, index, title):
        activity = _pick(self._items("activity"), index)
        plan.update_activity(activity, by=self.secretariat, data={"title_en": title}, version=activity.version)

    @rule(index=PICK, direction=st.sampled_from(["up", "down"]))
    def move_activity(self, index, direction):
        activity = _pick(self._items("activity"), index)
        plan.move_activity(activity, by=self.secretariat, direction=direction, version=activity.version)

    @rule(kind=KINDS, index=PICK)
    def withdraw(self, kind, index):
        item = _pick(self._items(kind).filter(withdrawn_on__isnull=True), index)
        if item is not None:
            plan.withdraw(item, by=self.secretariat, reason="The machine withdrew it.", version=item.version)

    @rule(kind=KINDS, index=PICK)
    def restore(self, kind, index):
        item = _pick(self._items(kind).filter(withdrawn_on__isnull=False), index)
        if item is not None:
            plan.restore(item, by=self.secretariat, version=item.version)

    @rule(kind=KINDS, index=PICK)
    def try_to_delete(self, kind, index):
        item = _pick(self._items(kind), index)
        if item is None:
            return
        delete = {"activity": plan.delete_activity, "indicator": plan.delete_indicator, "result": plan.delete_result}
        with contextlib.suppress(ValidationError):  # refused in words: reports hold data about it
            delete[kind](item, by=self.secretariat, version=item.version)

    # --- the reports ---

    @rule(index=PICK, amount=st.integers(min_value=0, max_value=10**9), status=STATUSES)
    def fill_and_submit(self, index, amount, status):
        report = _pick(self._reports().filter(status__in=["draft", "returned"]), index)
        focal = report and self._focal(report)
        if focal is None:
            return
        money = D(amount) / 100
        activities = [
            monitoring.ActivityLineInput(
                line.activity_id, status=status, percent_complete=50, spent_state_budget=money, narrative_sq="Done."
            )
            for line in report.activity_lines.all()
        ]
        cells = defaultdict(list)
        for value in report.indicator_values.exclude(category=None):
            cells[value.indicator_id].append(value.category_id)
        indicators = [
            monitoring.IndicatorLineInput(
                indicator_id,
                total=D(amount % 2),
                cells={pk: (D(amount % 2) if position == 0 else D(0)) for position, pk in enumerate(categories)},
                source="Records",
            )
            for indicator_id, categories in {
                value.indicator_id: cells.get(value.indicator_id, [])
                for value in report.indicator_values.filter(category=None)
            }.items()
        ]
        try:
            monitoring.save_report(
                report, by=focal, version=report.version, activities=activities, indicators=indicators
            )
            report.refresh_from_db()
            monitoring.submit_report(report, by=focal, version=report.version)
        except ValidationError:
            pass  # a refused save or submission writes nothing

    @rule(index=PICK)
    def return_one(self, index):
        report = _pick(self._reports().filter(status="submitted"), index)
        if report is not None:
            monitoring.return_report(report, by=self.secretariat, reason="Check the figures.", version=report.version)

    @rule(index=PICK)
    def approve_one(self, index):
        report = _pick(self._reports().filter(status="submitted"), index)
        if report is None:
            return
        monitoring.approve_report(report, by=self.secretariat, version=report.version)
        for line in report.activity_lines.all():
            self.expected_lines[(report.pk, line.activity_id)] = (
                line.spent_state_budget,
                line.spent_donor,
                line.spent_other,
            )
        for value in report.indicator_values.all():
            self.expected_values[(report.pk, value.indicator_id, value.category_id)] = value.value

    @rule(index=PICK)
    def reopen_one(self, index):
        report = _pick(self._reports().filter(status="approved"), index)
        if report is None:
            return
        monitoring.reopen_report(report, by=self.secretariat, reason="A correction.", version=report.version)
        self.expected_lines = {key: v for key, v in self.expected_lines.items() if key[0] != report.pk}
        self.expected_values = {key: v for key, v in self.expected_values.items() if key[0] != report.pk}

    # --- what must hold after every step ---

    @invariant()
    def approved_figures_are_exactly_the_approved_ones(self):
        assert approved_lines(self.strategy.pk) == self.expected_lines
        assert approved_values(self.strategy.pk) == self.expected_values

    @invariant()
    def approved_spending_rolls_up_from_them(self):
        expected = defaultdict(Decimal)
        for (report_id, activity_id), amounts in self.expected_lines.items():
            spent = sum((amount for amount in amounts if amount is not None), D(0))
            expected[(activity_id, self.cycle_year[report_id])] += spent
        rolled = spent_by_activity_year(Filters(strategy_id=self.strategy.pk))
        assert {key: value for key, value in rolled.items() if value} == {
            key: value.quantize(D("0.01")) for key, value in expected.items() if value
        }


def test_approved_figures_change_only_when_their_own_report_is_reopened(approved_plan):
    run_state_machine_as_test(
        lambda: ApprovedFiguresSurvive(approved_plan),
        settings=settings(
            max_examples=200,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            database=None,
        ),
    )
