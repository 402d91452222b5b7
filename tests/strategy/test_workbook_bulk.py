"""A plan import writes in bulk (issue 16, item 3): the number of queries does not grow with the plan's size, and
each object created or changed still gets exactly its one history row, as the importer's, with the file's name."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nsm.strategy.models import Activity, ActivityBudget, Indicator, IndicatorTarget
from nsm.strategy.workbook import apply_plan, read_workbook
from tests.factories import InstitutionFactory
from tests.strategy.workbook_support import AUDITED, load_code_lists, make_workbook, valid_sheets

REASON = "import of plan.xlsx"


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def plan_of(activities: int, *, changed: bool = False, code: str = "AL-WB-TEST") -> dict[str, list[list[Any]]]:
    """The test plan with `activities` activities under its measure, each with two budget lines and an indicator of
    its own with two targets; `changed`: every title, list, amount and target different."""
    sheets = valid_sheets(code)
    header = sheets["Activities"][0]
    sheets["Activities"] = [header]
    sheets["Budget"] = sheets["Budget"][:1]
    sheets["Indicators"] = sheets["Indicators"][:2]
    sheets["Targets"] = sheets["Targets"][:1]
    for number in range(1, activities + 1):
        code = f"1.1.1.{number}"
        title = f"Activity {number}" + (" (revised)" if changed else "")
        lists = ["ZKM; AKPA", "returnees; women", "5; 7"] if changed else ["AKPA; QKM", "returnees", "5"]
        sheets["Activities"].append(
            [code, f"Aktiviteti {number}", title, "MPB", lists[0], "2024-Q2", "2025", 1, lists[1], lists[2]]
        )
        amount = 1000 * number + (1 if changed else 0)
        sheets["Budget"] += [[code, 2024, "state_budget", None, amount], [code, 2025, "donor", "EU", amount]]
        indicator = [f"A.{number}", code, f"Treguesi {number}", f"Indicator {number}", "output", "persons"]
        sheets["Indicators"].append([*indicator, "number", "increase", 0, 2023, "INSTAT", "annual", "MPB", "sex"])
        sheets["Targets"] += [[f"A.{number}", year, 10 * number + year - 2024 + changed] for year in (2025, 2026)]
    return sheets


def queries_to_import(sheets: dict[str, list[list[Any]]], user: Any) -> int:
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    assert parsed.errors == []
    with CaptureQueriesContext(connection) as queries:
        summary = apply_plan(parsed, by=user)
    assert summary.has_changes
    return len(queries)


def test_creating_a_plan_runs_as_many_queries_for_twelve_activities_as_for_three(coordinator):
    InstitutionFactory(code="QKM")  # named by both plans: created by neither
    small = queries_to_import(plan_of(3, code="AL-WB-3"), coordinator)
    large = queries_to_import(plan_of(12, code="AL-WB-12"), coordinator)
    assert large == small


def test_changing_a_plan_runs_as_many_queries_for_twelve_activities_as_for_three(coordinator):
    counts = []
    for size in (3, 12):
        queries_to_import(plan_of(size, code=f"AL-WB-{size}"), coordinator)
        counts.append(queries_to_import(plan_of(size, changed=True, code=f"AL-WB-{size}"), coordinator))
    assert counts[0] == counts[1]


def history_by_object(model: Any) -> dict[int, list[Any]]:
    rows: dict[int, list[Any]] = {}
    for record in model.history.order_by("history_date", "history_id"):
        rows.setdefault(record.id, []).append(record)
    return rows


def test_each_created_object_has_exactly_one_created_history_row_as_the_importers_with_the_file(coordinator):
    queries_to_import(plan_of(4), coordinator)
    for model in AUDITED:
        records = history_by_object(model)
        created = set(model.objects.values_list("pk", flat=True))
        if model.__name__ == "Institution":
            created = set(model.objects.filter(code="QKM").values_list("pk", flat=True))  # the others were there
        assert {pk for pk, rows in records.items() if rows[-1].history_user == coordinator} == created, model
        for pk in created:
            [record] = records[pk]
            assert (record.history_type, record.history_change_reason) == ("+", REASON), model
    record = Activity.objects.get(code="1.1.1.2").history.get()
    assert sorted(p.institution.code for p in record.partners.all()) == ["AKPA", "QKM"]
    assert [g.targetgroup.code for g in record.target_groups.all()] == ["returnees"]
    assert [g.gcmobjective.number for g in record.gcm_objectives.all()] == [5]
    assert [
        d.disaggregationdimension.code for d in Indicator.objects.get(code="A.2").history.get().disaggregation.all()
    ]


def test_each_changed_object_gets_one_more_history_row_in_its_final_state_and_a_new_version(coordinator):
    queries_to_import(plan_of(4), coordinator)
    queries_to_import(plan_of(4, changed=True), coordinator)
    for activity in Activity.objects.all():
        first, second = activity.history.order_by("history_id")
        assert (second.history_type, second.history_user, second.history_change_reason) == ("~", coordinator, REASON)
        assert (second.title_en, second.version, activity.version) == (activity.title_en, 2, 2)
        assert [(p.institution.code, p.position) for p in second.partners.order_by("position")] == [
            ("ZKM", 1),
            ("AKPA", 2),
        ]
        assert sorted(g.targetgroup.code for g in second.target_groups.all()) == ["returnees", "women"]
        assert sorted(g.gcmobjective.number for g in second.gcm_objectives.all()) == [5, 7]
    for model in (ActivityBudget, IndicatorTarget):
        assert {len(rows) for rows in history_by_object(model).values()} == {2}
        assert {rows[-1].history_type for rows in history_by_object(model).values()} == {"~"}
    for indicator in Indicator.objects.filter(code__startswith="A."):  # its targets changed: its version goes up
        assert [r.version for r in indicator.history.order_by("history_id")] == [1, 2]
        assert indicator.version == 2
