"""The search index is never stale: after every way the indexed texts are written (a service's save, the plan
workbook's import, the benchmark generator's bulk inserts, `bulk_update`, `queryset.update()`, deletions with their
cascades, withdrawals) the entries are exactly what a rebuild writes from the tables, and the engine's index agrees
with its entries. A `migrate` that left a trigger missing puts it back and rebuilds (nsm.search.apps)."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from nsm.demo.generate import generate
from nsm.search import apps, index
from nsm.search.models import Entry
from nsm.search.selectors import search
from nsm.strategy import services
from nsm.strategy.models import Activity, Indicator, Result
from nsm.workinggroup.models import Meeting
from tests.demo.test_generate import SMALL
from tests.strategy.workbook_support import load_code_lists, make_workbook, valid_sheets


def entries() -> list[tuple]:
    return list(Entry.objects.order_by("id").values_list("id", "kind", "object_id", "body"))


def assert_fresh() -> None:
    kept = entries()
    assert index.rebuild(connection) == len(kept)
    assert entries() == kept
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # raises when the FTS index differs from its entries
            cursor.execute("INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 1)")


def count(user, text: str, kind: str) -> int:
    return next((group.count for group in search(user, text).groups if group.kind == kind), 0)


def test_services_bulk_writes_updates_and_deletions(world, secretariat):
    assert_fresh()
    activity = Activity.objects.get(reference="A-7")
    services.update_activity(activity, by=secretariat, data={"title_en": "Gathering proof"}, version=activity.version)
    assert count(secretariat, "proof", "activity") == 1 and count(secretariat, "return", "activity") == 0
    assert_fresh()
    indicators = list(Indicator.objects.all())
    for indicator in indicators:
        indicator.name_en = f"Renamed {indicator.code}"
    Indicator.objects.bulk_update(indicators, ["name_en"])
    assert count(secretariat, "renamed", "indicator") == len(indicators)
    assert_fresh()
    Result.objects.filter(strategy=world).update(title_sq="Qëllim i ri")
    assert count(secretariat, "qellim", "result") == Result.objects.filter(strategy=world).count()
    assert_fresh()
    services.withdraw(activity, by=secretariat, reason="Merged", version=Activity.objects.get(pk=activity.pk).version)
    assert_fresh()
    Meeting.objects.all().delete()  # and its decisions, by cascade
    assert count(secretariat, "deshmi", "decision") == 0 and count(secretariat, "deshmi", "meeting") == 0
    assert_fresh()


def test_the_plan_workbook_import(db, tmp_path):
    load_code_lists()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_workbook(valid_sheets()))
    call_command("import-plan", str(path), stdout=io.StringIO())
    assert Entry.objects.filter(kind="activity").count() == Activity.objects.count() > 0
    assert_fresh()


def test_the_benchmark_generator(db):
    generate(SMALL, seed=7, stdout=io.StringIO())
    assert Entry.objects.filter(kind="narrative").exists()
    assert_fresh()


def test_the_rebuild_command(world):
    Entry.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild-search", stdout=out)
    assert "search entries" in out.getvalue()
    assert_fresh()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_missing_trigger_is_put_back_after_migrate(world):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER search_activity_update")
        else:
            cursor.execute("DROP TRIGGER search_activity ON strategy_activity")
    Activity.objects.update(title_en="Written while the trigger was missing")
    assert not index.triggers_in_place(connection)
    apps._keep_triggers(using="default")
    assert index.triggers_in_place(connection)
    assert (
        Entry.objects.filter(kind="activity", body__contains="trigger was missing").count() == Activity.objects.count()
    )
    assert_fresh()
