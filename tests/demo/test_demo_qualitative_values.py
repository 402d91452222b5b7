"""The demo's report values for milestone and text indicators follow their rules: a whole stage within the stages, in
every cell too; words, and no number, for a text indicator."""

import datetime
from decimal import Decimal

from nsm.demo.monitoring import CyclePlan, LineValues, PlanData, ReportLines
from nsm.monitoring import services
from nsm.reference.models import DisaggregationDimension
from nsm.strategy.models import Indicator
from tests.factories import IndicatorFactory, IndicatorTargetFactory, MeasureFactory


def test_milestone_and_text_values_pass_the_rules_of_their_kind(strategy):
    measure = MeasureFactory(parent__parent__strategy=strategy)
    milestone = IndicatorFactory(
        result=measure, code="M", value_type=Indicator.ValueType.MILESTONE, unit_en="", baseline=Decimal(0),
        milestones_en="Drafted\nConsulted\nAdopted",
    )  # fmt: skip
    milestone.disaggregation.add(DisaggregationDimension.objects.get(code="sex"))
    IndicatorTargetFactory(indicator=milestone, year=2024, value=Decimal(2))
    text = IndicatorFactory(result=measure, code="T", value_type=Indicator.ValueType.TEXT, unit_en="", baseline=None)
    categories = list(DisaggregationDimension.objects.get(code="sex").categories.all())
    day = datetime.date(2025, 1, 15)
    for half in (1, 2):
        plan = CyclePlan(2024, half, day, day, day, None, {}, 0, 0)
        lines = ReportLines(indicators={milestone: categories, text: []})
        values = LineValues(plan, lines, PlanData.read(strategy), "MSHMS")
        made = {line.indicator_id: line for line in values.inputs()[1]}
        dimensions = {categories[0].dimension_id: categories}
        assert services.validate_indicator_line(made[milestone.pk], milestone, dimensions) == []
        assert made[milestone.pk].total in (0, 1, 2, 3)
        assert set(made[milestone.pk].cells.values()) == {made[milestone.pk].total}  # the stage, not a share of it
        assert services.validate_indicator_line(made[text.pk], text, {}) == []
        assert made[text.pk].total is None and made[text.pk].note
