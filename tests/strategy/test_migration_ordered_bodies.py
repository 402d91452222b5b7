"""Migration 0017 keeps every supporting institution of an activity, placed by code as the pages listed them, and
drops only a row naming the activity's own lead again (the lead is named once)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("strategy", "0016_indicator_aggregation_and_matrix_mapping")]
AFTER = [("strategy", "0017_ordered_responsible_bodies")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_rows_are_placed_by_code_and_the_lead_named_again_goes():
    apps = _migrate(BEFORE)
    try:
        institution = apps.get_model("accounts", "Institution")
        strategy_model, result_model = apps.get_model("strategy", "Strategy"), apps.get_model("strategy", "Result")
        activity_model = apps.get_model("strategy", "Activity")
        made = {
            code: institution.objects.create(code=code, name_en=code, country="AL")
            for code in ("XQZ", "XQL", "XQb", "XQA")
        }
        strategy = strategy_model.objects.create(
            code="AL-MIG-TEST", title_en="T", start_year=2024, end_year=2026, plan_start_year=2024, plan_end_year=2026
        )
        goal = result_model.objects.create(strategy=strategy, code="1", depth=1, sort_key="1", title_en="G")
        objective = result_model.objects.create(strategy=strategy, parent=goal, code="1.1", depth=2, title_en="O")
        measure = result_model.objects.create(strategy=strategy, parent=objective, code="1.1.1", depth=3, title_en="M")
        activity = activity_model.objects.create(
            strategy=strategy, measure=measure, code="1.1.1.1", lead=made["XQL"], start_year=2024, end_year=2025
        )
        activity.partners.set([made["XQZ"], made["XQb"], made["XQA"], made["XQL"]])
        apps = _migrate(AFTER)
        rows = apps.get_model("strategy", "ActivityInstitution").objects.filter(activity_id=activity.pk)
        placed = sorted((row.position, row.institution.code, row.responsible) for row in rows)
        assert placed == [(1, "XQA", False), (2, "XQZ", False), (3, "XQb", False)]  # Python's order, not a collation's
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
