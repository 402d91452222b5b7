"""Making documents in the background: the database queue, `nsm worker`, progress and the once-only rule."""

import os
import signal
import subprocess
import sys

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from nsm.analytics.periods import Period
from nsm.reports import generate, services
from nsm.reports.models import GeneratedDocument

DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def seen_progress(monkeypatch):
    """`generate` replaced by a fast one that records, at each step it tells, what the row says about it."""
    seen = []

    def fake(kind, strategy, *, period, language, fmt, progress=None):
        for percent, step in ((5, "Reading the data"), (40, "Writing the document")):
            progress(percent, step)
            row = GeneratedDocument.objects.get(strategy=strategy)
            seen.append((row.status, row.progress, row.step))
        return generate.Output(b"%PDF-1.7 made", f"{strategy.code}.pdf", "application/pdf", "1.1/0.0")

    monkeypatch.setattr(generate, "generate", fake)
    return seen


@pytest.fixture
def worker_signals():
    """The worker sets its own Ctrl-C and SIGTERM handlers; they are put back for the rest of the test run."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_worker_makes_a_document_queued_in_the_database(
    settings, secretariat, strategy, seen_progress, worker_signals
):
    """Committed for real (the worker reads the queue in transactions of its own and closes stale connections)."""
    settings.TASKS = DATABASE
    document = services.request_document(
        strategy, kind="annual", period=Period.half_year(2025, 1), language="sq", fmt="pdf", by=secretariat
    )
    document.refresh_from_db()
    assert document.status == "queued" and not document.file
    queued = DBTaskResult.objects.get()
    assert str(queued.id) == document.task_id and queued.status == "READY"

    call_command("worker", "--batch", verbosity=0)

    document.refresh_from_db()
    assert document.status == "done" and document.progress == 100
    assert seen_progress == [("running", 5, "Reading the data"), ("running", 40, "Writing the document")]
    with document.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 made"
    assert document.period == "2025-H1" and document.data_stamp == "1.1/0.0"
    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"


def test_nothing_is_queued_when_the_transaction_is_rolled_back(settings, secretariat, strategy):
    settings.TASKS = DATABASE
    services.request_document(strategy, kind="plan", period=None, language="en", fmt="docx", by=secretariat)
    # pytest-django's transaction is never committed: the task was not queued
    assert not DBTaskResult.objects.exists()


def test_a_document_is_made_once(settings, secretariat, strategy, seen_progress, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_document(
            strategy, kind="plan", period=None, language="en", fmt="pdf", by=secretariat
        )
    document.refresh_from_db()
    made = (document.file.name, document.finished_at)

    services.run_document(document.pk)

    document.refresh_from_db()
    assert (document.file.name, document.finished_at) == made
    assert len(seen_progress) == 2  # generate ran once


def test_a_viewer_cannot_ask_for_a_document(viewer, strategy):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.request_document(strategy, kind="plan", period=None, language="en", fmt="pdf", by=viewer)
    assert not GeneratedDocument.objects.exists()


def test_an_unknown_format_is_refused_in_words(secretariat, strategy):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown format odt: choose docx, pdf or xlsx."):
        services.request_document(strategy, kind="plan", period=None, language="en", fmt="odt", by=secretariat)


@pytest.mark.parametrize(
    ("value", "backend"),
    [("", "django_tasks_db.DatabaseBackend"), ("immediate", "django_tasks.backends.immediate.ImmediateBackend")],
)
def test_nsm_tasks_backend_chooses_the_backend(value, backend, tmp_path):
    env = {**os.environ, "NSM_TASKS_BACKEND": value, "NSM_VAR_DIR": str(tmp_path)}
    if not value:
        env.pop("NSM_TASKS_BACKEND")
    printed = subprocess.run(  # noqa: S603 - our own interpreter and settings module
        [sys.executable, "-c", "import nsm.settings as s; print(s.TASKS['default']['BACKEND'])"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert printed == backend


def test_a_document_a_stopped_worker_left_unfinished_is_marked_failed(secretariat, strategy):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    stalled = GeneratedDocument.objects.create(
        strategy=strategy,
        kind="plan",
        language="en",
        fmt="pdf",
        status="running",
        started_at=now - datetime.timedelta(hours=1),
    )
    recent = GeneratedDocument.objects.create(
        strategy=strategy, kind="plan", language="en", fmt="pdf", status="running", started_at=now
    )
    assert services.fail_stalled(now=now) == 1
    stalled.refresh_from_db()
    recent.refresh_from_db()
    assert (stalled.status, recent.status) == ("failed", "running")
    assert "ask for it again" in stalled.error


def test_a_document_being_made_for_minutes_is_not_failed_while_its_worker_beats(strategy):
    import datetime

    from django.utils import timezone

    now = timezone.now()
    GeneratedDocument.objects.create(
        strategy=strategy,
        kind="plan",
        language="en",
        fmt="pdf",
        status="running",
        started_at=now - datetime.timedelta(minutes=9),
        heartbeat_at=now - datetime.timedelta(seconds=5),
    )
    assert services.fail_stalled(now=now) == 0
    assert services.fail_stalled(now=now + datetime.timedelta(seconds=50)) == 0
    assert services.fail_stalled(now=now + datetime.timedelta(seconds=60)) == 1


def dead_worker_document(strategy, *, seconds_since_beat, **fields):
    """A document "Being made" by a worker killed outright (SIGKILL): it started, beat, and then beat no more."""
    import datetime

    from django.utils import timezone

    now = timezone.now()
    values = {
        "strategy": strategy,
        "kind": "annual",
        "period": "2025",
        "language": "sq",
        "fmt": "pdf",
        "status": "running",
        "progress": 40,
        "started_at": now - datetime.timedelta(seconds=seconds_since_beat + 20),
        "heartbeat_at": now - datetime.timedelta(seconds=seconds_since_beat),
    }
    return GeneratedDocument.objects.create(**{**values, **fields})


def test_a_document_whose_worker_died_is_failed_by_the_page_within_the_bound(
    settings, secretariat, strategy, client_for
):
    from django.urls import reverse

    settings.TASKS = DATABASE
    alive = dead_worker_document(strategy, seconds_since_beat=30, fmt="docx")
    dead = dead_worker_document(strategy, seconds_since_beat=61)

    page = client_for(secretariat).get(reverse("reports:documents", args=[strategy.code]))

    assert page.status_code == 200
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("failed", "running")
    assert dead.error == "The worker stopped while making this document; ask for it again."
    assert "The worker stopped while making this document; ask for it again." in page.content.decode()


def test_the_status_fragment_fails_a_document_whose_worker_died(settings, secretariat, strategy, client_for):
    from django.urls import reverse

    settings.DOCUMENT_STALLED_SECONDS = 20
    dead = dead_worker_document(strategy, seconds_since_beat=21)
    fragment = client_for(secretariat).get(reverse("reports:status", args=[strategy.code, dead.pk]))
    assert "ask for it again" in fragment.content.decode()
    dead.refresh_from_db()
    assert dead.status == "failed"


def test_asking_again_for_a_document_whose_worker_died_makes_a_fresh_one(settings, secretariat, strategy):
    settings.TASKS = DATABASE
    dead = dead_worker_document(strategy, seconds_since_beat=61)

    again = services.request_document(
        strategy, kind="annual", period=Period.year(2025), language="sq", fmt="pdf", by=secretariat
    )

    assert again.pk != dead.pk and again.status == "queued"
    dead.refresh_from_db()
    assert dead.status == "failed"
    alive = dead_worker_document(strategy, seconds_since_beat=10)
    assert services.request_document(
        strategy, kind="annual", period=Period.year(2025), language="sq", fmt="pdf", by=secretariat
    ).pk in (again.pk, alive.pk)  # one on its way (queued or beating) serves the request


def test_the_next_worker_fails_the_document_its_dead_predecessor_left(strategy, monkeypatch):
    def fake(kind, strategy, *, period, language, fmt, progress=None):
        return generate.Output(b"%PDF-1.7 made", f"{strategy.code}.pdf", "application/pdf", "1.1/0.0")

    monkeypatch.setattr(generate, "generate", fake)
    dead = dead_worker_document(strategy, seconds_since_beat=61, fmt="docx")
    queued = GeneratedDocument.objects.create(strategy=strategy, kind="plan", language="en", fmt="pdf")
    services.run_document(queued.pk, interface_language="en")
    dead.refresh_from_db()
    queued.refresh_from_db()
    assert (dead.status, queued.status) == ("failed", "done")
    assert queued.heartbeat_at >= queued.started_at


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_heartbeat_advances_while_a_long_render_runs(settings, strategy, monkeypatch):
    """The render tells no progress for a while: the heartbeat thread beats on its own, with its own connection,
    which it closes when it stops."""
    import threading
    import time

    from django.db import connections

    settings.DOCUMENT_HEARTBEAT_SECONDS = 0.05
    beats = []

    def slow(kind, strategy, *, period, language, fmt, progress=None):
        progress(5, "Reading the data")
        for _ in range(8):
            time.sleep(0.1)
            beats.append(GeneratedDocument.objects.values_list("heartbeat_at", flat=True).get(strategy=strategy))
        return generate.Output(b"%PDF-1.7 made", f"{strategy.code}.pdf", "application/pdf", "1.1/0.0")

    closed_by = []
    close_all = connections.close_all

    def spy():
        closed_by.append(threading.current_thread().name)
        close_all()

    monkeypatch.setattr(generate, "generate", slow)
    monkeypatch.setattr(services.connections, "close_all", spy)
    document = GeneratedDocument.objects.create(strategy=strategy, kind="plan", language="en", fmt="pdf")

    services.run_document(document.pk, interface_language="en")

    document.refresh_from_db()
    assert document.status == "done"
    assert len(set(beats)) >= 4 and beats == sorted(beats)  # it advanced during the render, never backwards
    assert beats[-1] > document.started_at
    assert closed_by == [f"document-{document.pk}-heartbeat"]
    assert not [thread for thread in threading.enumerate() if thread.name.endswith("-heartbeat")]


def test_a_document_made_after_it_was_failed_as_stalled_stays_failed(strategy, monkeypatch):
    """A worker frozen past the bound (and failed meanwhile) that wakes up and finishes writes no "Ready" over it."""

    def frozen(kind, strategy, *, period, language, fmt, progress=None):
        GeneratedDocument.objects.filter(strategy=strategy).update(status="failed", error="stalled")
        return generate.Output(b"%PDF-1.7 late", f"{strategy.code}.pdf", "application/pdf", "1.1/0.0")

    monkeypatch.setattr(generate, "generate", frozen)
    document = GeneratedDocument.objects.create(strategy=strategy, kind="plan", language="en", fmt="pdf")
    services.run_document(document.pk, interface_language="en")
    document.refresh_from_db()
    assert (document.status, document.error, document.file.name) == ("failed", "stalled", "")


def test_a_late_failure_never_overwrites_a_finished_document(strategy):
    done = GeneratedDocument.objects.create(strategy=strategy, kind="plan", language="en", fmt="pdf", status="done")
    services._fail(done, "too late")
    done.refresh_from_db()
    assert (done.status, done.error) == ("done", "")


def test_the_same_document_asked_for_twice_is_made_once(settings, secretariat, strategy):
    settings.TASKS = DATABASE
    ask = dict(kind="annual", period=Period.year(2025), language="sq", fmt="pdf", by=secretariat)
    first = services.request_document(strategy, **ask)
    again = services.request_document(strategy, **ask)
    other = services.request_document(strategy, **{**ask, "fmt": "docx"})
    assert again.pk == first.pk and other.pk != first.pk
    assert GeneratedDocument.objects.count() == 2


def test_a_document_the_queue_refuses_fails_in_words(
    secretariat, strategy, monkeypatch, django_capture_on_commit_callbacks
):
    import types

    from nsm.reports import tasks

    def refuse(*args, **kwargs):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(tasks, "make_document", types.SimpleNamespace(enqueue=refuse))
    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_document(
            strategy, kind="plan", period=None, language="en", fmt="pdf", by=secretariat
        )
    document.refresh_from_db()
    assert document.status == "failed" and "could not be queued" in document.error


def test_a_worker_stopped_mid_document_marks_it_failed(strategy, monkeypatch):
    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generate, "generate", stop)
    document = GeneratedDocument.objects.create(strategy=strategy, kind="plan", language="en", fmt="pdf")
    with pytest.raises(KeyboardInterrupt):
        services.run_document(document.pk, interface_language="en")
    document.refresh_from_db()
    assert document.status == "failed" and "worker stopped" in document.error


def test_the_file_goes_with_its_document(strategy, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    document = GeneratedDocument.objects.create(strategy=strategy, kind="plan", language="en", fmt="pdf")
    document.file.save("plan.pdf", ContentFile(b"%PDF"), save=True)
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        strategy.delete()
    assert not storage.exists(name)


def test_the_worker_is_not_needed_with_the_immediate_backend(settings):
    from django.core.management.base import CommandError

    settings.TASKS = IMMEDIATE
    with pytest.raises(CommandError, match="no worker is needed"):
        call_command("worker", "--batch")


def test_a_plan_document_stays_current_when_only_reports_change(strategy):
    plan = GeneratedDocument(strategy=strategy, kind="plan", data_stamp="3.9/1.1/5.5/20.20/4.4")
    annual = GeneratedDocument(strategy=strategy, kind="annual", period="2025", data_stamp="3.9/1.1/5.5/20.20/4.4")
    assert plan.made_from("4.12/1.1/5.5/20.20/4.4") and not annual.made_from("4.12/1.1/5.5/20.20/4.4")
    assert not plan.made_from("3.9/1.1/5.5/21.21/4.4")
    assert annual.made_from("3.9/1.1/5.5/20.20/4.4")
