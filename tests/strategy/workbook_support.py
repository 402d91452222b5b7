"""Helpers for the workbook tests: code lists, a small valid workbook to vary, row counts, the plan."""

import io
from typing import Any

import pytest
from openpyxl import Workbook

from nsm.accounts.models import Institution
from nsm.reference.models import DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup, sdg_sort_key
from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget, Result, Strategy
from nsm.strategy.workbook import WorkbookError, apply_plan, read_workbook
from tests.factories import InstitutionFactory

INSTITUTIONS = ("MPB", "AKPA", "INSTAT", "MSHMS", "ZKM")
TARGET_GROUPS = ("returnees", "women", "youth", "diaspora")
DIMENSIONS = ("sex", "age_group", "municipality")
SDG_TARGETS = ("10.7", "10.c", "8.8", "16.2")
AUDITED = (Strategy, Institution, Result, Activity, ActivityBudget, Indicator, IndicatorTarget)


def load_code_lists() -> None:
    """The codes the tests use: present whether or not the reference-data migrations loaded them."""
    for number in range(1, 24):
        GcmObjective.objects.get_or_create(number=number, defaults={"title_en": f"Objective {number}"})
    for code in SDG_TARGETS:
        SdgTarget.objects.get_or_create(code=code, defaults={"title_en": code, "sort_key": sdg_sort_key(code)})
    for position, code in enumerate(TARGET_GROUPS):
        TargetGroup.objects.get_or_create(code=code, defaults={"name_en": code, "position": position})
    for position, code in enumerate(DIMENSIONS):
        DisaggregationDimension.objects.get_or_create(code=code, defaults={"name_en": code, "position": position})
    for code in INSTITUTIONS:
        InstitutionFactory(code=code)


def valid_sheets(code: str = "AL-WB-TEST") -> dict[str, list[list[Any]]]:
    """A small, valid plan; tests change one cell to produce one error. Row 1 is the header row."""
    return {
        "Strategy": [
            ["field", "value"],
            ["code", code],
            ["country", "AL"],
            ["title_sq", "Strategjia për migracionin"],
            ["title_en", "Strategy on migration"],
            ["start_year", 2024],
            ["end_year", 2030],
            ["plan_start_year", 2024],
            ["plan_end_year", 2026],
            ["currency", "ALL"],
        ],
        "Institutions": [
            ["code", "name_sq", "name_en", "kind"],
            ["QKM", "Qendra për Kthimin e Migrantëve", "Centre for Returning Migrants", "agency"],
        ],
        "Results": [
            ["code", "level", "title_sq", "title_en", "gcm_objectives", "sdg_targets"],
            ["1", "goal", "Qëllimi 1", "Goal 1", None, None],
            ["1.1", "objective", "Objektivi 1.1", "Objective 1.1", None, None],
            ["1.1.1", "measure", "Masa 1.1.1", "Measure 1.1.1", "2; 5", "10.7"],
        ],
        "Activities": [
            [
                "code",
                "title_sq",
                "title_en",
                "lead",
                "partners",
                "start",
                "end",
                "gender_marker",
                "target_groups",
                "gcm_objectives",
            ],
            [
                "1.1.1.1",
                "Aktiviteti 1",
                "Activity 1",
                "MPB",
                "AKPA; QKM",
                "2024-Q2",
                "2025",
                1,
                "returnees",
                "5",
            ],
            ["1.1.1.2", "Aktiviteti 2", "Activity 2", "AKPA", None, "2025", "2026-Q3", 0, None, None],
        ],
        "Budget": [
            ["activity", "year", "source", "donor", "amount"],
            ["1.1.1.1", 2024, "state_budget", None, 1200000],
            ["1.1.1.1", 2025, "donor", "EU", "1 200 000,50"],
            ["1.1.1.2", 2025, "unfunded", None, "350.000.000"],
        ],
        "Indicators": [
            [
                "code",
                "result",
                "name_sq",
                "name_en",
                "kind",
                "unit",
                "value_type",
                "direction",
                "baseline",
                "baseline_year",
                "data_source",
                "frequency",
                "responsible",
                "disaggregation",
            ],
            [
                "I.1",
                "1.1.1",
                "Treguesi 1",
                "Indicator 1",
                "output",
                "persons",
                "number",
                "increase",
                100,
                2023,
                "INSTAT",
                "annual",
                "INSTAT",
                "sex; age_group",
            ],
        ],
        "Targets": [
            ["indicator", "year", "value"],
            ["I.1", 2025, 150],
            ["I.1", 2026, "200,5"],
        ],
    }


def make_workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An xlsx with one sheet per entry; a value starting with `=` becomes a formula with no stored value."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def set_cell(sheets: dict[str, list[list[Any]]], ref: str, value: Any) -> dict[str, list[list[Any]]]:
    """`set_cell(sheets, "Activities!D2", "MINT")`: change one cell, growing the row when needed."""
    sheet, cell = ref.split("!")
    column = ord(cell[0]) - ord("A")
    row = sheets[sheet][int(cell[1:]) - 1]
    row.extend([None] * (column + 1 - len(row)))
    row[column] = value
    return sheets


def row_counts() -> dict[str, int]:
    """Rows of every audited model and of its history: equal before and after means nothing was written."""
    counts = {}
    for model in AUDITED:
        counts[model.__name__] = model.objects.count()
        counts[f"history of {model.__name__}"] = model.history.count()
    return counts


def import_errors(sheets: dict[str, list[list[Any]]]) -> list[str]:
    """Import through the whole path (read, then apply); check that nothing was written; return the errors."""
    before = row_counts()
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    with pytest.raises(WorkbookError) as raised:
        apply_plan(parsed, by=None)
    assert row_counts() == before
    assert raised.value.messages == parsed.errors
    return parsed.errors


def canonical(code: str) -> dict[str, Any]:
    """The whole plan of a strategy, fields and many-to-many, independent of the workbook module."""
    strategy = Strategy.objects.get(code=code)
    fields = (
        "code",
        "reference",
        "levels",
        "country",
        "title_sq",
        "title_en",
        "start_year",
        "end_year",
        "plan_start_year",
        "plan_end_year",
        "currency",
        "is_illustrative",
    )
    activities = (
        Activity.objects.filter(strategy=strategy)
        .select_related("measure", "lead")
        .prefetch_related("bodies__institution", "target_groups", "gcm_objectives")
    )
    indicators = Indicator.objects.filter(strategy=strategy).select_related("result", "activity", "responsible")
    used = {a.lead for a in activities} | {b.institution for a in activities for b in a.bodies.all()}
    used |= {i.responsible for i in indicators if i.responsible}
    return {
        "strategy": {name: getattr(strategy, name) for name in fields},
        "institutions": {i.code: (i.name_sq, i.name_en, i.kind, i.country) for i in used},
        "results": {
            r.code: (
                r.depth,
                r.parent.code if r.parent else None,
                r.reference,
                r.title_sq,
                r.title_en,
                sorted(g.number for g in r.gcm_objectives.all()),
                sorted(t.code for t in r.sdg_targets.all()),
            )
            for r in Result.objects.filter(strategy=strategy).select_related("parent")
        },
        "activities": {
            a.code: (
                a.measure.code,
                a.reference,
                a.title_sq,
                a.title_en,
                a.lead.code,
                a.lead_place,
                [i.code for i in a.responsible_bodies],  # in the plan's order
                [i.code for i in a.supporting_bodies],
                a.start_year,
                a.start_quarter,
                a.end_year,
                a.end_quarter,
                a.gender_marker,
                sorted(g.code for g in a.target_groups.all()),
                sorted(g.number for g in a.gcm_objectives.all()),
            )
            for a in activities
        },
        "budget": {
            (b.activity.code, b.year, b.source, b.donor): b.amount
            for b in ActivityBudget.objects.filter(activity__strategy=strategy).select_related("activity")
        },
        "indicators": {
            i.code: (
                i.result.code,
                i.activity.code if i.activity else None,
                i.name_sq,
                i.name_en,
                i.kind,
                i.unit_sq,
                i.unit_en,
                i.value_type,
                i.direction,
                i.baseline,
                i.baseline_year,
                i.data_source_sq,
                i.data_source_en,
                i.frequency,
                i.responsible.code if i.responsible else None,
                sorted(d.code for d in i.disaggregation.all()),
            )
            for i in indicators
        },
        "targets": {
            (t.indicator.code, t.year): t.value
            for t in IndicatorTarget.objects.filter(indicator__strategy=strategy).select_related("indicator")
        },
    }


RESULTS_ALBANIAN = ["KODI", "Niveli", "titulli_sq", "Titulli EN", "Objektivat GCM", "Synimet OZHQ"]
