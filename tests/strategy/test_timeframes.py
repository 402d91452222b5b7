"""Timeframes as plans write them: the text kept as written, the span it means deciding when a line is due."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nsm.monitoring.models import ReportingCycle
from nsm.monitoring.selectors import activities_in_period
from nsm.strategy.forms import ActivityForm
from nsm.strategy.models import Activity
from nsm.strategy.timeframes import Recurrence, TimeframeError, parse_timeframe
from nsm.strategy.workbook import apply_plan, read_workbook, write_workbook
from tests.factories import ActivityFactory, StrategyFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets

PLAN = range(2024, 2027)


@pytest.mark.parametrize(
    ("text", "start", "end", "recurrence"),
    [
        ("2025", (2025, None), (2025, None), ""),
        ("2024-2026", (2024, None), (2026, None), ""),
        ("2024–2026", (2024, None), (2026, None), ""),
        ("Q3 2025", (2025, 3), (2025, 3), ""),
        ("2025-Q3", (2025, 3), (2025, 3), ""),
        ("Tremujori III 2025", (2025, 3), (2025, 3), ""),
        ("tremujori i tretë 2025", (2025, 3), (2025, 3), ""),
        ("Second half of 2021", (2021, 3), (2021, None), ""),
        ("H1 2025", (2025, None), (2025, 2), ""),
        ("Gjysma e dytë e vitit 2025", (2025, 3), (2025, None), ""),
        ("6-mujori i parë 2025", (2025, None), (2025, 2), ""),
        ("Q3 2025 to Q2 2026", (2025, 3), (2026, 2), ""),
        ("H2 2025 – 2026", (2025, 3), (2026, None), ""),
        ("First half of 2021 (periodic until 2025)", (2021, None), (2025, None), "periodic"),
        ("Annual", (2024, None), (2026, None), "annual"),
        ("Vjetore", (2024, None), (2026, None), "annual"),
        ("Çdo vit (2025-2026)", (2025, None), (2026, None), "annual"),
        ("Every half-year", (2024, None), (2026, None), "half_yearly"),
        ("Continuous", (2024, None), (2026, None), "continuous"),
        ("Në vazhdimësi", (2024, None), (2026, None), "continuous"),
        ("By end of 2025", (2024, None), (2025, None), ""),
        ("Deri në fund të 2025", (2024, None), (2025, None), ""),
        ("June 2025", (2025, 2), (2025, 2), ""),
        ("Deri në fund të vitit 2025", (2024, None), (2025, None), ""),
        ("Gjatë vitit 2025", (2025, None), (2025, None), ""),
        ("TM III 2025", (2025, 3), (2025, 3), ""),
        ("2025 - në vazhdim", (2025, None), (2026, None), "continuous"),
        ("30.06.2025", (2025, 2), (2025, 2), ""),
    ],
)
def test_a_timeframe_as_written_means_a_span_of_quarters(text, start, end, recurrence):
    timeframe = parse_timeframe(text, PLAN)
    assert (timeframe.start, timeframe.end, timeframe.recurrence) == (start, end, recurrence)


@pytest.mark.parametrize("text", ["soon", "2026-2025", "Q5 2025", "third half of 2025", ""])
def test_what_is_not_a_timeframe_is_refused_in_a_sentence(text):
    with pytest.raises(TimeframeError) as refused:
        parse_timeframe(text, PLAN)
    assert str(refused.value).endswith(".")


@given(
    st.integers(2000, 2100),
    st.integers(1, 4),
    st.integers(0, 8),
    st.sampled_from(["{y1}-Q{q1} - {y2}-Q{q2}", "Q{q1} {y1} to Q{q2} {y2}", "T{q1} {y1} deri {y2}-T{q2}"]),
)
def test_any_span_of_quarters_reads_back_as_written(year, quarter, length, pattern):
    last = (year * 4 + quarter - 1) + length
    y2, q2 = divmod(last, 4)
    timeframe = parse_timeframe(pattern.format(y1=year, q1=quarter, y2=y2, q2=q2 + 1), PLAN)
    assert timeframe.start == (year, None if quarter == 1 else quarter)
    assert timeframe.end == (y2, None if q2 + 1 == 4 else q2 + 1)


@pytest.mark.django_db
def test_the_form_sets_start_end_and_recurrence_from_the_text():
    activity = ActivityFactory(strategy__plan_start_year=2024, strategy__plan_end_year=2026)
    data = {
        "title_en": "Train border police",
        "responsible_1": activity.lead_id,
        "timeframe": "Second half of 2025",
        "gender_marker": 0,
        "cost_basis": "costed",
        "version": activity.version,
    }
    form = ActivityForm(data, instance=activity, strategy=activity.strategy)
    assert form.is_valid(), form.errors
    content = form.content()
    assert (content["start_year"], content["start_quarter"], content["end_year"], content["end_quarter"]) == (
        2025,
        3,
        2025,
        None,
    )
    assert content["recurrence"] == Recurrence.ONCE


@pytest.mark.django_db
def test_the_form_refuses_an_unreadable_timeframe_and_keeps_the_text():
    activity = ActivityFactory()
    data = {"title_en": "x", "responsible_1": activity.lead_id, "timeframe": "soon", "gender_marker": 0}
    form = ActivityForm(data, instance=activity, strategy=activity.strategy)
    assert not form.is_valid()
    assert "is not a timeframe" in form.errors["timeframe"][0]
    assert form["timeframe"].value() == "soon"


@pytest.mark.django_db
def test_without_a_text_the_form_needs_start_and_end():
    activity = ActivityFactory()
    form = ActivityForm(
        {"title_en": "x", "responsible_1": activity.lead_id, "gender_marker": 0}, strategy=activity.strategy
    )
    assert not form.is_valid()
    assert set(form.errors) >= {"start_year", "end_year"}


@pytest.mark.django_db
def test_the_normalised_span_decides_in_which_half_year_an_activity_is_due():
    strategy = StrategyFactory()
    second_half = ActivityFactory(strategy=strategy, start_year=2025, start_quarter=3, end_year=2025)
    second_half.timeframe = "Second half of 2025"
    second_half.save()
    half = ReportingCycle.Kind.HALF_YEAR
    first = ReportingCycle(strategy=strategy, kind=half, year=2025, half=1)
    second = ReportingCycle(strategy=strategy, kind=half, year=2025, half=2)
    assert second_half not in activities_in_period(strategy, first)
    assert second_half in activities_in_period(strategy, second)


# -- the workbook ---------------------------------------------------------------------------------------------


@pytest.fixture
def code_lists(db):
    load_code_lists()


def with_timeframe(text, start=None, end=None):
    sheets = valid_sheets()
    set_cell(sheets, "Activities!K1", "timeframe")
    set_cell(sheets, "Activities!F2", start)
    set_cell(sheets, "Activities!G2", end)
    set_cell(sheets, "Activities!K2", text)
    return sheets


def test_a_workbook_timeframe_as_written_is_kept_and_sets_the_span(code_lists):
    parsed = read_workbook(make_workbook(with_timeframe("First half of 2025 (periodic until 2026)")))
    assert parsed.errors == []
    apply_plan(parsed, by=None)
    activity = Activity.objects.get(code="1.1.1.1")
    assert activity.timeframe == "First half of 2025 (periodic until 2026)"
    assert (activity.start, activity.end, activity.recurrence) == ((2025, 1), (2026, 4), "periodic")
    assert activity.timeframe_label == "First half of 2025 (periodic until 2026)"


def test_a_workbook_start_that_disagrees_with_the_text_is_a_warning_naming_its_cell(code_lists):
    parsed = read_workbook(make_workbook(with_timeframe("2025", start="2024-Q2", end="2025")))
    assert parsed.errors == []
    assert any(w.startswith("Activities!F2:") and "2025" in w for w in parsed.warnings)


def test_a_workbook_row_without_text_or_start_is_an_error_at_its_cells(code_lists):
    parsed = read_workbook(make_workbook(with_timeframe(None)))
    assert [e.split(":")[0] for e in parsed.errors] == ["Activities!F2", "Activities!G2"]


def test_a_workbook_timeframe_that_is_not_one_is_an_error_at_its_cell(code_lists):
    parsed = read_workbook(make_workbook(with_timeframe("soon")))
    assert len(parsed.errors) == 1 and parsed.errors[0].startswith("Activities!K2:")


def test_a_plan_with_timeframes_as_written_exports_and_imports_unchanged(code_lists, tmp_path):
    apply_plan(read_workbook(make_workbook(with_timeframe("Annual"))), by=None)
    activity = Activity.objects.get(code="1.1.1.1")
    path = tmp_path / "plan.xlsx"
    write_workbook(activity.strategy, path)
    again = read_workbook(path.read_bytes())
    assert again.errors == [] and again.warnings == []
    summary = apply_plan(again, by=None)
    assert summary.totals["changed"] == 0 and summary.totals["created"] == 0
    activity.refresh_from_db()
    assert (activity.timeframe, activity.recurrence) == ("Annual", "annual")


def test_an_unchanged_text_keeps_its_span_when_the_action_plans_grow(code_lists, tmp_path, coordinator):
    from nsm.strategy import services

    apply_plan(read_workbook(make_workbook(with_timeframe("Annual"))), by=None)
    activity = Activity.objects.get(code="1.1.1.1")
    services.add_action_plan(strategy=activity.strategy, by=coordinator, start_year=2027, end_year=2030)
    path = tmp_path / "plan.xlsx"
    write_workbook(activity.strategy, path)
    summary = apply_plan(read_workbook(path.read_bytes()), by=None)
    assert summary.totals["changed"] == 0
    activity.refresh_from_db()
    assert (activity.start, activity.end) == ((2024, 1), (2026, 4))
    data = {"title_en": "Renamed", "responsible_1": activity.lead_id, "timeframe": "Annual", "start_year": 2025,
            "end_year": 2026, "gender_marker": 0, "cost_basis": "costed", "version": activity.version}  # fmt: skip
    form = ActivityForm(data, instance=activity, strategy=activity.strategy)
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["start_year"], form.cleaned_data["end_year"]) == (2025, 2026)  # as the user typed
