"""No lost updates: concurrent saves of one report, on whichever database the suite runs (SQLite and PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, ProgressReport
from nsm.strategy.services import StaleVersion

# serialized_rollback: the reference data loaded by migrations survives the flush between tests.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _save(report_pk, user, version, activity_id, narrative):
    report = ProgressReport.objects.get(pk=report_pk)
    return services.save_report(
        report,
        by=user,
        version=version,
        activities=[
            services.ActivityLineInput(activity_id, status="on_track", percent_complete=40, narrative_sq=narrative)
        ],
    )


def test_two_saves_from_the_same_version_keep_exactly_one(report, focal_point):
    line = report.activity_lines.order_by("pk").first()
    version = report.version
    barrier = threading.Barrier(2)

    def client(narrative):
        try:
            barrier.wait(timeout=10)
            _save(report.pk, focal_point, version, line.activity_id, narrative)
            return "saved", narrative
        except StaleVersion as conflict:
            return "conflict", conflict.messages
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(client, ["first client's text", "second client's text"]))

    assert sorted(kind for kind, _detail in outcomes) == ["conflict", "saved"]
    winner = next(detail for kind, detail in outcomes if kind == "saved")
    refusal = next(detail for kind, detail in outcomes if kind == "conflict")
    assert winner in " ".join(refusal)  # the loser is told what the winner wrote
    line.refresh_from_db()
    report.refresh_from_db()
    assert line.narrative == winner
    assert report.version == version + 1
    assert line.history.count() == 2  # created, then the winner's save


def test_sixteen_clients_fifty_edits_each_lose_no_acknowledged_edit(report, focal_point):
    lines = list(report.activity_lines.order_by("pk").values_list("activity_id", flat=True))
    start_version = report.version
    acknowledged: list[tuple[int, int, str]] = []  # (version reached, activity, narrative)
    failures: list[BaseException] = []
    lock = threading.Lock()

    def client(number):
        try:
            for edit in range(50):
                activity_id = lines[(number + edit) % len(lines)]
                narrative = f"client {number} edit {edit}"
                version = ProgressReport.objects.values_list("version", flat=True).get(pk=report.pk)
                try:
                    _save(report.pk, focal_point, version, activity_id, narrative)
                except StaleVersion:
                    continue
                with lock:
                    acknowledged.append((version + 1, activity_id, narrative))
        except BaseException as error:  # noqa: BLE001 - any other error fails the test below
            failures.append(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(client, range(16)))

    assert failures == []
    report.refresh_from_db()
    versions = sorted(version for version, _activity, _text in acknowledged)
    assert versions == list(range(start_version + 1, report.version + 1))  # one acknowledged save per version
    expected = {}
    for _version, activity_id, narrative in sorted(acknowledged):
        expected[activity_id] = narrative
    stored = dict(ActivityProgress.objects.filter(report=report).values_list("activity_id", "narrative_sq"))
    assert stored == {activity_id: expected.get(activity_id, "") for activity_id in lines}
    saves = sum(line.history.filter(history_type="~").count() for line in report.activity_lines.all())
    assert saves == len(acknowledged)
