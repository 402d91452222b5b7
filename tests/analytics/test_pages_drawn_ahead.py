"""Pages drawn ahead: the analysis pages are cached by approved data and the plan only, one request computes a page
while the others wait, and the worker draws them when approved data change, so that readers compute nothing.

The data is the `approved_plan` of conftest.py; the cache is the database's (settings.CACHES), as in production,
unless a test says otherwise.
"""

import threading
import time

import pytest
from django.db import connection
from django.http import HttpRequest
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from nsm.analytics import apps, tasks, views_common
from nsm.analytics.views_common import page_key, single_flight, with_analysis_stamp
from nsm.monitoring import services
from nsm.strategy.models import Strategy
from tests.analytics.conftest import line

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def stamped(plan):
    return with_analysis_stamp(Strategy.objects.filter(pk=plan.strategy.pk)).get()


def dashboard_key(plan, language="en"):
    from django.utils import translation

    with translation.override(language):
        return page_key(HttpRequest(), stamped(plan), "dashboard")


def save_draft(plan):
    """MB's focal point types into the H2 draft: a save that bumps the report's version."""
    report = plan.reports["H2 MB"]
    report.refresh_from_db()
    changed = services.save_report(
        report,
        by=plan.users["secretariat"],
        version=report.version,
        activities=[line(plan.activities["A8"], "on_track", 40, donor=300)],
    )
    assert changed
    report.refresh_from_db()
    return report


# The key: approved data and the plan only


def test_saving_a_draft_keeps_the_cached_dashboard(approved_plan, secretariat, client_for, monkeypatch):
    client = client_for(secretariat)
    url = reverse("analytics:dashboard", args=[approved_plan.strategy.code])
    assert client.get(url).status_code == 200
    key = dashboard_key(approved_plan)
    version = save_draft(approved_plan).version
    assert version > 1
    assert dashboard_key(approved_plan) == key
    monkeypatch.setattr("nsm.analytics.views_dashboard.dashboard_body", lambda *a: pytest.fail("computed again"))
    assert client.get(url).status_code == 200


def test_submitting_a_draft_changes_the_key_as_the_compliance_table_counts_it(approved_plan):
    key = dashboard_key(approved_plan)
    report = approved_plan.reports["H1 MB"]
    report.refresh_from_db()
    services.save_report(
        report,
        by=approved_plan.users["secretariat"],
        version=report.version,
        activities=[line(approved_plan.activities["A8"], "on_track", 40, donor=300)],
    )
    assert dashboard_key(approved_plan) == key  # the save
    report.refresh_from_db()
    services.submit_report(report, by=approved_plan.users["secretariat"], version=report.version)
    assert dashboard_key(approved_plan) != key  # the submission: on time now, no longer pending


def test_approving_and_reopening_a_report_change_the_key(approved_plan, secretariat):
    before = dashboard_key(approved_plan)
    report = approved_plan.reports["H2 AKPA"]
    report.refresh_from_db()
    report = services.approve_report(report, by=secretariat, version=report.version)
    approved = dashboard_key(approved_plan)
    assert approved != before
    services.reopen_report(report, by=secretariat, reason="A figure is wrong.", version=report.version)
    assert dashboard_key(approved_plan) == before  # the same approved data as before the approval: the same pages
    earlier = approved_plan.reports["H1 MSHMS"]
    earlier.refresh_from_db()
    services.reopen_report(earlier, by=secretariat, reason="A figure is wrong.", version=earlier.version)
    assert dashboard_key(approved_plan) not in (before, approved)


def test_the_key_follows_the_language_and_ignores_empty_filters(approved_plan):
    stamp = stamped(approved_plan)
    bare, empty = HttpRequest(), HttpRequest()
    empty.GET = empty.GET.copy()
    empty.GET.update({"period": "", "goal": " "})
    assert page_key(bare, stamp, "dashboard") == page_key(empty, stamp, "dashboard")
    assert dashboard_key(approved_plan, "sq") != dashboard_key(approved_plan, "en")


def test_a_strategy_without_reports_is_cached_too(strategy):
    assert with_analysis_stamp(Strategy.objects.filter(pk=strategy.pk)).get().analysis_stamp is not None


# One request computes a page at a time


def test_a_request_waits_for_the_one_computing_the_page(db, monkeypatch):
    """The lock is held (another process computes): the waiter polls and takes the value it stores."""
    from django.core.cache import cache

    cache.add("page-lock", True, 30)
    polls = []

    def sleep(seconds):  # the holder stores its page while the waiter polls
        polls.append(seconds)
        if len(polls) == 3:
            cache.set("page", "theirs", 60)

    monkeypatch.setattr(views_common.time, "sleep", sleep)
    assert single_flight("page", lambda: pytest.fail("computed twice"), 60) == "theirs"
    assert polls == [views_common.POLL_SECONDS] * 3


def test_a_request_computes_the_page_itself_when_the_one_computing_it_died(db, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(views_common, "POLL_SECONDS", 0.01)
    monkeypatch.setattr(views_common, "WAIT_SECONDS", 0.1)
    cache.add("page-lock", True, 30)  # never released
    assert single_flight("page", lambda: "mine", 60) == "mine"
    assert cache.get("page") == "mine"


def test_the_lock_is_released_when_computing_fails(db):
    from django.core.cache import cache

    def broken():
        raise RuntimeError("broken")

    with pytest.raises(RuntimeError):
        single_flight("page", broken, 60)
    assert cache.get("page-lock") is None
    assert single_flight("page", lambda: "mine", 60) == "mine"


def test_threads_asking_for_the_same_page_compute_it_once(locmem_cache, monkeypatch):
    """Eight threads at once (the memory cache: threads of a test do not share its database transaction)."""
    monkeypatch.setattr(views_common, "POLL_SECONDS", 0.01)
    builds = []

    def build():
        builds.append(1)
        time.sleep(0.2)
        return "page"

    results = []
    threads = [threading.Thread(target=lambda: results.append(single_flight("k", build, 60))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["page"] * 8
    assert len(builds) == 1


# Drawn by the worker


def test_approving_a_report_queues_the_drawing_after_the_commit(
    approved_plan, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    report = approved_plan.reports["H2 AKPA"]
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.approve_report(report, by=secretariat, version=report.version)
    assert not DBTaskResult.objects.filter(task_path="nsm.analytics.tasks.draw_ahead").exists()  # not before
    for callback in callbacks:
        callback()
    queued = DBTaskResult.objects.get(task_path="nsm.analytics.tasks.draw_ahead")
    assert queued.args_kwargs["args"] == [approved_plan.strategy.pk]
    assert queued.priority == tasks.PRIORITY < 0  # after the documents people wait for


def test_reopening_a_report_and_closing_a_cycle_queue_it_too(
    approved_plan, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    report = approved_plan.reports["H1 MSHMS"]
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.reopen_report(report, by=secretariat, reason="A figure is wrong.", version=report.version)
    with django_capture_on_commit_callbacks(execute=True):
        services.close_cycle(approved_plan.cycles["H1"], by=secretariat)
    assert DBTaskResult.objects.filter(task_path="nsm.analytics.tasks.draw_ahead").count() == 2


def test_saving_a_draft_queues_nothing(approved_plan, settings, django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        save_draft(approved_plan)
    assert not DBTaskResult.objects.filter(task_path="nsm.analytics.tasks.draw_ahead").exists()


def test_without_a_worker_nothing_is_queued_nor_drawn_in_the_request(
    approved_plan, secretariat, settings, django_capture_on_commit_callbacks, monkeypatch
):
    settings.TASKS = IMMEDIATE_TASKS
    monkeypatch.setattr(tasks, "draw_pages", lambda *a: pytest.fail("drawn in the request"))
    report = approved_plan.reports["H2 AKPA"]
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_report(report, by=secretariat, version=report.version)


def test_the_task_fills_the_cache_so_that_the_next_request_computes_nothing(
    approved_plan, secretariat, client_for, monkeypatch
):
    drawn = tasks.draw_pages(approved_plan.strategy.pk)
    assert sorted(drawn) == ["dashboard en", "dashboard sq", "iptt en", "iptt sq"]
    assert tasks.draw_pages(approved_plan.strategy.pk) == []  # drawn already: a second task does nothing

    def refuse(*args, **kwargs):
        raise AssertionError("the page was computed")

    monkeypatch.setattr("nsm.analytics.views_dashboard.dashboard_body", refuse)
    monkeypatch.setattr("nsm.analytics.views_tracking.iptt_body", refuse)
    monkeypatch.setattr("nsm.charts.draw_svg", refuse)
    client = client_for(secretariat)
    code = approved_plan.strategy.code
    client.get(reverse("analytics:dashboard", args=[code]))  # the session and memberships warm up
    for language in ("en", "sq"):
        for url in (reverse("analytics:dashboard", args=[code]), reverse("tracking:iptt", args=[code])):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200
            assert f'<html lang="{language}">' in response.content.decode()
            # session, user, memberships, the strategy with its stamp, the page's row (and the IPTT's publish
            # switch reads nothing more)
            assert len(queries) <= 5, [query["sql"] for query in queries.captured_queries]
    assert "<svg" in client.get(reverse("analytics:dashboard", args=[code])).content.decode()


def test_the_task_draws_the_pages_of_the_strategy_it_is_given(approved_plan, monkeypatch):
    calls = []
    monkeypatch.setattr(tasks, "draw_pages", lambda strategy_id: calls.append(strategy_id) or [])
    tasks.draw_ahead.call(approved_plan.strategy.pk)
    assert calls == [approved_plan.strategy.pk]


def test_pages_drawn_ahead_are_kept_until_the_day_ends(approved_plan, monkeypatch):
    kept = []
    monkeypatch.setattr(tasks, "single_flight", lambda key, build, seconds: kept.append(seconds))
    tasks.draw_pages(approved_plan.strategy.pk)
    assert len(kept) == 4
    assert all(60 <= seconds <= 24 * 3600 for seconds in kept)


def test_a_strategy_that_is_gone_draws_nothing(db):
    assert tasks.draw_pages(987654) == []


# The worker starts the chart renderer


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["nsm", "worker"], {}, True),
        (["nsm", "worker", "--max-tasks", "50"], {}, True),
        (["manage.py", "db_worker"], {}, True),
        (["nsm", "worker", "--reload"], {}, False),  # the parent that watches the files
        (["nsm", "worker", "--reload"], {"RUN_MAIN": "true"}, True),  # its child that runs the tasks
        (["gunicorn", "nsm.wsgi:application"], {}, False),
        (["nsm", "runserver"], {}, False),
        (["pytest"], {}, False),
        (["nsm"], {}, False),
    ],
)
def test_only_the_worker_starts_the_chart_renderer(argv, environ, expected):
    assert apps.is_worker_process(argv, environ) is expected


def test_a_renderer_that_cannot_start_is_logged_not_fatal(monkeypatch, caplog):
    def broken():
        raise OSError("no renderer")

    monkeypatch.setattr("nsm.charts.warm_up", broken)
    apps.warm_chart_renderer()
    assert "could not be started ahead" in caplog.text


# Where the cache is


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.db.DatabaseCache", "nsm_cache"),
        ("db", "django.core.cache.backends.db.DatabaseCache", "nsm_cache"),
        ("locmem", "django.core.cache.backends.locmem.LocMemCache", "nsm"),
        ("redis://cache:6379/1", "django.core.cache.backends.redis.RedisCache", "redis://cache:6379/1"),
        ("memcached://cache:11211", "django.core.cache.backends.memcached.PyMemcacheCache", "cache:11211"),
    ],
)
def test_nsm_cache_url_chooses_the_cache(monkeypatch, url, backend, location):
    from nsm import settings as nsm_settings

    if url:
        monkeypatch.setenv("NSM_CACHE_URL", url)
    else:
        monkeypatch.delenv("NSM_CACHE_URL", raising=False)
    cache = nsm_settings._cache()
    assert (cache["BACKEND"], cache["LOCATION"]) == (backend, location)


def test_an_unknown_cache_url_is_refused(monkeypatch):
    from nsm import settings as nsm_settings

    monkeypatch.setenv("NSM_CACHE_URL", "nonsense")
    with pytest.raises(ValueError, match="NSM_CACHE_URL"):
        nsm_settings._cache()
