"""Load and fault: focal points save and submit progress reports through the API while PostgreSQL restarts.

    .venv/bin/python bench/load_fault.py                 # both scenarios on a throw-away PostgreSQL (about 3 min)
    .venv/bin/python bench/load_fault.py --scenario a --clients 100 --duration 60 --restart-at 20
    .venv/bin/python bench/load_fault.py --scenario b --burst-clients 300
    make load-fault

A benchmark with a verdict, not a test. Everything runs on loopback: PostgreSQL (a throw-away server from
`.ci/postgres.sh` on port `--pg-port`, or the one `NSM_DATABASE_URL` names, on 127.0.0.1/localhost only; restarting
it then needs `NSM_PG_DIR` or `--restart-cmd`) and gunicorn on 127.0.0.1 with a production-like environment
(`NSM_DEBUG` off, a secret key, `NSM_ALLOWED_HOSTS=127.0.0.1`). The script migrates, generates the national benchmark
strategy (`nsm generate --scale national`), makes its two open cycles' reports drafts again, creates focal points
(`lf-fp-NNN`, spread over the institutions that report) and two secretariat users (`lf-sec-N`) with API tokens.

Scenario A: `--clients` focal points for `--duration` seconds, each reads one of its institution's open reports,
saves every line with the version it read (random values that keep the rules: status and percent agree, delayed and
cancelled explain why, counts add up to the total), re-reads on 409 and saves again, and now and then submits; the
secretariat returns, approves and reopens submitted reports, so that they cycle. At `--restart-at` seconds PostgreSQL
is restarted (`pg_ctl restart -m fast`). Scenario B: `--burst-clients` focal points, the due date today, each saves
once or twice and submits within `--burst-window` seconds.

Every acknowledged write (a 200) is logged with the version it answered and the values sent; a request that got
no answer, or a 5xx, may or may not have been written, and is logged as uncertain. After each scenario the database
is checked: every acknowledged save is there (its version in the report's history, its event, each value as of that
version equal to what was sent), the current values are those of the last save, versions run without gaps and each
change has an event that a client asked for, and no report is in an impossible state. Exit status 1 if an
acknowledged write is lost or a report is in an impossible state.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import secrets
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# --- Options and the database server (before Django is set up: it reads NSM_DATABASE_URL at import) ---


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=["a", "b", "both"], default="both")
    parser.add_argument("--clients", type=int, default=100, help="scenario A: focal points (1-500)")
    parser.add_argument("--duration", type=float, default=60, help="scenario A: seconds (5-300)")
    parser.add_argument("--restart-at", type=float, default=20, help="scenario A: restart PostgreSQL after N s")
    parser.add_argument("--no-restart", action="store_true", help="scenario A without the restart")
    parser.add_argument("--think-ms", type=int, default=500, help="scenario A: a focal point's pause, 0 to N ms")
    parser.add_argument("--submit-share", type=float, default=0.2, help="scenario A: share of saves then submitted")
    parser.add_argument("--burst-clients", type=int, default=300, help="scenario B: focal points (1-1000)")
    parser.add_argument("--burst-window", type=float, default=10, help="scenario B: they start within N s")
    parser.add_argument("--port", type=int, default=8765, help="gunicorn's port on 127.0.0.1")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    parser.add_argument("--pg-port", type=int, default=55440, help="port of the throw-away PostgreSQL")
    parser.add_argument("--restart-cmd", default="", help="command that restarts a PostgreSQL you started")
    parser.add_argument("--seed", type=int, default=7)
    opts = parser.parse_args()
    opts.clients = max(1, min(opts.clients, 500))
    opts.duration = max(5.0, min(opts.duration, 300.0))
    opts.burst_clients = max(1, min(opts.burst_clients, 1000))
    opts.burst_window = max(0.0, min(opts.burst_window, 120.0))
    return opts


def as_postgres(command: list[str]) -> list[str]:
    """The PostgreSQL binaries refuse to run as root: as .ci/postgres.sh does, run them as `postgres`."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def pg_binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return str(Path(found).resolve())
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise SystemExit(f"{name} not found: install PostgreSQL (apt install postgresql)")
    return str(candidates[-1])


@dataclass
class Database:
    url: str
    pg_dir: str = ""  # a server of .ci/postgres.sh: restartable with pg_ctl, removed at the end
    started: bool = False
    restart_cmd: str = ""

    def restart(self) -> float:
        """Restart the server (fast: open connections are cut, committed data stay); returns the seconds it took."""
        begun = time.monotonic()
        if self.restart_cmd:
            subprocess.run(shlex.split(self.restart_cmd), check=True, capture_output=True)  # noqa: S603
        else:
            command = [pg_binary("pg_ctl"), "restart", "-D", f"{self.pg_dir}/data", "-m", "fast", "-w"]
            command += ["-l", f"{self.pg_dir}/server.log"]
            subprocess.run(as_postgres(command), check=True, capture_output=True)  # noqa: S603
        return time.monotonic() - begun

    def stop(self) -> None:
        if self.started:
            subprocess.run([str(ROOT / ".ci/postgres.sh"), "stop", self.pg_dir], check=False)  # noqa: S603


def database(opts: argparse.Namespace) -> Database:
    url = os.environ.get("NSM_DATABASE_URL", "")
    if url:
        parts = urlsplit(url)
        if not parts.scheme.startswith("postgres") or (parts.hostname or "") not in LOOPBACK:
            raise SystemExit("NSM_DATABASE_URL must be a PostgreSQL server on loopback (127.0.0.1 or localhost)")
        pg_dir = os.environ.get("NSM_PG_DIR", "")
        if not (pg_dir or opts.restart_cmd or opts.no_restart or opts.scenario == "b"):
            raise SystemExit("To restart that server give NSM_PG_DIR (a .ci/postgres.sh server) or --restart-cmd")
        return Database(url, pg_dir, restart_cmd=opts.restart_cmd)
    env = {**os.environ, "NSM_PG_PORT": str(opts.pg_port)}
    out = subprocess.run(  # noqa: S603
        [str(ROOT / ".ci/postgres.sh"), "start"], env=env, check=True, capture_output=True, text=True
    ).stdout
    values = dict(line.removeprefix("export ").split("=", 1) for line in out.split() if "=" in line)
    os.environ["NSM_DATABASE_URL"] = values["NSM_DATABASE_URL"]
    return Database(values["NSM_DATABASE_URL"], values["NSM_PG_DIR"], started=True)


# --- The data: benchmark strategy, users, tokens, the plan of each report (Django from here on) ---


@dataclass
class IndicatorPlan:
    indicator_id: int
    value_type: str
    dimensions: list[list[tuple[int, str]]]  # per dimension: (category id, "dimension.category" key)


@dataclass
class ReportPlan:
    report_id: int
    institution_id: int
    activities: list[int]
    indicators: list[IndicatorPlan]


@dataclass
class Setup:
    reports: dict[int, ReportPlan]
    by_institution: dict[int, list[int]]
    cycles: list[int]
    focal_points: list[tuple[str, int]]  # (API key, institution id)
    secretariat: list[str]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
    import django

    django.setup()


def prepare(focal_points: int, *, due_today: bool) -> Setup:
    """Benchmark data whose open cycles' reports are all editable drafts, and `focal_points` users with keys."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from nsm.accounts.models import ApiToken, Institution, Membership, User
    from nsm.accounts.services import create_api_token
    from nsm.demo.generate import NATIONAL_CODE
    from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportingCycle

    call_command("migrate", verbosity=0)
    call_command("generate", scale="national", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    cycles = list(
        ReportingCycle.objects.filter(strategy__code=NATIONAL_CODE, status=ReportingCycle.Status.OPEN).order_by("pk")
    )
    with transaction.atomic():
        reports = ProgressReport.objects.filter(cycle__in=cycles)
        reports.update(
            status=ProgressReport.Status.DRAFT,
            submitted_at=None,
            submitted_late=False,
            approved_at=None,
            return_reason="",
            reopened=False,
        )
        if due_today:
            ReportingCycle.objects.filter(pk__in=[c.pk for c in cycles]).update(
                opens_on=timezone.localdate() - datetime.timedelta(days=30), due_on=timezone.localdate()
            )
    plans: dict[int, ReportPlan] = {}
    for report in reports.order_by("pk"):
        plans[report.pk] = ReportPlan(report.pk, report.institution_id, [], [])
    for line in ActivityProgress.objects.filter(report__in=plans).order_by("report", "activity__sort_key"):
        plans[line.report_id].activities.append(line.activity_id)
    cells: dict[tuple[int, int], dict[int, list[tuple[int, str]]]] = defaultdict(lambda: defaultdict(list))
    kinds: dict[tuple[int, int], str] = {}
    values = IndicatorValue.objects.filter(report__in=plans).select_related("indicator", "category__dimension")
    ordering = ("report", "indicator__sort_key", "category__dimension__position", "category__position")
    for value in values.order_by(*ordering):
        key = (value.report_id, value.indicator_id)
        if value.indicator.computed_from:
            continue  # computed from records: not typed in
        kinds[key] = value.indicator.value_type
        if value.category_id:
            category = value.category
            cells[key][category.dimension_id].append((category.pk, f"{category.dimension.code}.{category.code}"))
    for (report_id, indicator_id), kind in kinds.items():
        dimensions = list(cells[(report_id, indicator_id)].values())
        plans[report_id].indicators.append(IndicatorPlan(indicator_id, kind, dimensions))
    by_institution: dict[int, list[int]] = defaultdict(list)
    for plan in plans.values():
        by_institution[plan.institution_id].append(plan.report_id)
    institutions = sorted(by_institution)
    ApiToken.objects.filter(user__username__startswith="lf-").delete()
    users = []
    for index in range(focal_points):
        institution = institutions[index % len(institutions)]
        user, _ = User.objects.get_or_create(username=f"lf-fp-{index:03d}", defaults={"first_name": f"FP {index}"})
        Membership.objects.update_or_create(
            user=user, institution_id=institution, defaults={"role": Membership.Role.FOCAL_POINT}
        )
        users.append((create_api_token(user, name="load-fault", days=1)[1], institution))
    home = Institution.objects.get(pk=institutions[0])
    secretariat = []
    for index in range(2):
        user, _ = User.objects.get_or_create(username=f"lf-sec-{index}", defaults={"first_name": f"Sec {index}"})
        Membership.objects.update_or_create(user=user, institution=home, defaults={"role": Membership.Role.SECRETARIAT})
        secretariat.append(create_api_token(user, name="load-fault", days=1)[1])
    return Setup(plans, dict(by_institution), [c.pk for c in cycles], users, secretariat)


# --- The server ---


def start_gunicorn(opts: argparse.Namespace, url: str, logdir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "NSM_DATABASE_URL": url,
        "NSM_SECRET_KEY": secrets.token_urlsafe(50),
        "NSM_ALLOWED_HOSTS": "127.0.0.1",
        "NSM_DEBUG": "0",
        "NSM_LOG_LEVEL": "WARNING",
    }
    command = [
        str(BIN / "gunicorn"),
        "nsm.wsgi:application",
        f"-w{opts.workers}",
        f"--threads={opts.threads}",
        f"-b127.0.0.1:{opts.port}",
        "--timeout=30",
        "--backlog=2048",
    ]
    log = open(logdir / "gunicorn.log", "w")  # noqa: SIM115
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: see {logdir / 'gunicorn.log'}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", opts.port, timeout=2)
            connection.request("GET", "/api/v1/reports")  # cheap: no key, 401
            if connection.getresponse().status == 401:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


# --- The clients ---


@dataclass
class Call:
    kind: str  # get, save, submit, review, list
    started: float  # seconds since the scenario began
    ms: float
    status: int  # 0: no answer (connection refused, reset, timed out)


@dataclass
class Write:
    """A write that may have happened: acknowledged (200) or uncertain (5xx or no answer)."""

    kind: str  # saved, submitted, returned, approved, reopened
    report_id: int
    sent_version: int
    version: int | None  # the version answered (acknowledged writes)
    activities: list[dict] = field(default_factory=list)
    indicators: list[dict] = field(default_factory=list)


class Recorder:
    def __init__(self) -> None:
        self.begun = time.monotonic()
        self.calls: list[Call] = []
        self.acked: list[Write] = []
        self.uncertain: list[Write] = []
        self.restart: tuple[float, float] | None = None
        self.stop = threading.Event()

    def now(self) -> float:
        return time.monotonic() - self.begun


class Client:
    def __init__(self, port: int, key: str, recorder: Recorder, kind_timeout: float = 30) -> None:
        self.port, self.key, self.recorder, self.timeout = port, key, recorder, kind_timeout

    def call(self, kind: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict | None]:
        """One request on a new connection (no keep-alive: a connection the server closed is no server error)."""
        # A save asks for the new version only (issue 16: a save answers with it, not the whole report).
        headers = {"Authorization": f"Bearer {self.key}", "Accept-Language": "en", "Prefer": "return=minimal"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = self.recorder.now()
        status, answer = 0, None
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                connection.request(method, f"/api/v1{path}", body=data, headers=headers)
                response = connection.getresponse()
                status, raw = response.status, response.read()
            finally:
                connection.close()
            if raw and response.getheader("Content-Type", "").startswith("application/json"):
                answer = json.loads(raw)
        except (OSError, http.client.HTTPException):
            status = 0
        self.recorder.calls.append(Call(kind, started, (self.recorder.now() - started) * 1000, status))
        return status, answer


ACTIVITY_STATUSES = ("not_started", "on_track", "delayed", "completed", "cancelled")


def money(rng: random.Random) -> str | None:
    return None if rng.random() < 0.2 else f"{rng.randint(0, 5_000_000)}.{rng.randint(0, 99):02d}"


def activity_line(activity_id: int, rng: random.Random, tag: str) -> dict:
    """Values that keep services.validate_activity_line's rules."""
    status = rng.choice(ACTIVITY_STATUSES)
    percent = {"not_started": 0, "completed": 100, "cancelled": rng.randint(0, 99)}.get(status, rng.randint(1, 99))
    narrative = f"Progress {tag}." if status not in ("delayed", "cancelled") else f"Delayed by procurement {tag}."
    line = {"activity_id": activity_id, "status": status, "percent_complete": percent, "narrative": narrative}
    for name in ("spent_state_budget", "spent_donor", "spent_other"):
        line[name] = None if status == "not_started" else money(rng)
    return line


def split(total: int, parts: int, rng: random.Random) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def indicator_line(plan: IndicatorPlan, rng: random.Random, tag: str) -> dict:
    """Values that keep services.validate_indicator_line's rules: a count's breakdown adds up, yes/no is 1 or 0."""
    cells: dict[str, str] = {}
    if plan.value_type == "yes_no":
        total = str(rng.randint(0, 1))
        for dimension in plan.dimensions:
            cells.update({key: str(rng.randint(0, 1)) for _pk, key in dimension})
    elif plan.value_type == "number":
        count = rng.randint(0, 5000)
        total = str(count)
        for dimension in plan.dimensions:
            parts = split(count, len(dimension), rng)
            cells.update({key: str(n) for (_pk, key), n in zip(dimension, parts, strict=True)})
    else:  # a percentage: not added up
        total = f"{rng.randint(0, 1000) / 10:.1f}"
        for dimension in plan.dimensions:
            cells.update({key: f"{rng.randint(0, 1000) / 10:.1f}" for _pk, key in dimension})
    return {"indicator_id": plan.indicator_id, "total": total, "cells": cells, "note": f"n {tag}", "source": "lf"}


def save_and_maybe_submit(
    client: Client, plan: ReportPlan, rng: random.Random, tag: str, *, submit: bool, tries: int = 5
) -> None:
    """Read the report, save every line with the version read (again after a 409 stale), then maybe submit."""
    recorder = client.recorder
    for _attempt in range(tries):
        status, report = client.call("get", "GET", f"/reports/{plan.report_id}")
        if status != 200 or not report or not report["editable"]:
            return
        body = {
            "version": report["version"],
            "activities": [activity_line(pk, rng, tag) for pk in plan.activities],
            "indicators": [indicator_line(indicator, rng, tag) for indicator in plan.indicators],
        }
        status, answer = client.call("save", "PUT", f"/reports/{plan.report_id}/lines", body)
        write = Write("saved", plan.report_id, body["version"], None, body["activities"], body["indicators"])
        if status == 200 and answer:
            write.version = answer["version"]
            recorder.acked.append(write)
            break
        if status == 0 or status >= 500:
            recorder.uncertain.append(write)
            return
        if status == 409 and answer and answer["error"]["code"] == "stale":
            continue
        return  # locked (someone submitted meanwhile) or refused
    else:
        return
    if not submit:
        return
    for _attempt in range(tries):
        status, answer = client.call("submit", "POST", f"/reports/{plan.report_id}/submit", {"version": write.version})
        sent = write.version
        if status == 200 and answer:
            recorder.acked.append(Write("submitted", plan.report_id, sent, answer["version"]))
            return
        if status == 0 or status >= 500:
            recorder.uncertain.append(Write("submitted", plan.report_id, sent, None))
            return
        if status == 409 and answer and answer["error"]["code"] == "stale":
            status, report = client.call("get", "GET", f"/reports/{plan.report_id}")
            if status != 200 or not report or not report["editable"] or report["missing"]:
                return
            write = Write("saved", plan.report_id, 0, report["version"])
            continue
        return


def focal_point(client: Client, setup: Setup, institution: int, opts: argparse.Namespace, number: int) -> None:
    rng = random.Random(opts.seed * 1000 + number)
    seq = 0
    while not client.recorder.stop.is_set():
        report_id = rng.choice(setup.by_institution[institution])
        seq += 1
        submit = rng.random() < opts.submit_share
        save_and_maybe_submit(client, setup.reports[report_id], rng, f"fp{number}-{seq}", submit=submit)
        time.sleep(rng.uniform(0, opts.think_ms / 1000))


def reviewer(client: Client, setup: Setup, seed: int) -> None:
    """The secretariat: returns or approves submitted reports, reopens approved ones, a few a second."""
    rng = random.Random(seed)
    recorder = client.recorder
    while not recorder.stop.is_set():
        time.sleep(rng.uniform(0.1, 0.5))
        cycle = rng.choice(setup.cycles)
        wanted = "approved" if rng.random() < 0.25 else "submitted"
        status, page = client.call("list", "GET", f"/reports?cycle={cycle}&status={wanted}&limit=100")
        if status != 200 or not page or not page["items"]:
            continue
        report = rng.choice(page["items"])
        if wanted == "approved":
            kind, action, body = "reopened", "reopen", {"reason": "Load test: reopened.", "version": report["version"]}
        elif rng.random() < 0.6:
            kind, action, body = "returned", "return", {"reason": "Load test: returned.", "version": report["version"]}
        else:
            kind, action, body = "approved", "approve", {"version": report["version"]}
        status, answer = client.call("review", "POST", f"/reports/{report['id']}/{action}", body)
        if status == 200 and answer:
            recorder.acked.append(Write(kind, report["id"], report["version"], answer["version"]))
        elif status == 0 or status >= 500:
            recorder.uncertain.append(Write(kind, report["id"], report["version"], None))


def restarter(database: Database, recorder: Recorder, at: float) -> None:
    if recorder.stop.wait(at):
        return
    begun = recorder.now()
    try:
        seconds = database.restart()
    except subprocess.CalledProcessError as failed:
        print(f"restart failed: {failed.stderr!r}", file=sys.stderr)
        seconds = recorder.now() - begun
    recorder.restart = (begun, begun + seconds)


# --- The checks ---


@dataclass
class Snapshot:
    """The state before a scenario: the last event, each report's version, each line's values."""

    last_event: int
    versions: dict[int, int]
    activities: dict[tuple[int, int], dict]
    values: dict[tuple[int, int, int | None], dict]
    since: datetime.datetime


ACTIVITY_FIELDS = ("status", "percent_complete", "spent_state_budget", "spent_donor", "spent_other", "narrative")
VALUE_FIELDS = ("value", "note", "source")


def snapshot(setup: Setup) -> Snapshot:
    from django.db.models import Max
    from django.utils import timezone

    from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportEvent

    reports = list(setup.reports)
    return Snapshot(
        ReportEvent.objects.aggregate(last=Max("pk"))["last"] or 0,
        dict(ProgressReport.objects.filter(pk__in=reports).values_list("pk", "version")),
        {
            (row["report_id"], row["activity_id"]): row
            for row in ActivityProgress.objects.filter(report__in=reports).values(
                "report_id", "activity_id", *ACTIVITY_FIELDS
            )
        },
        {
            (row["report_id"], row["indicator_id"], row["category_id"]): row
            for row in IndicatorValue.objects.filter(report__in=reports).values(
                "report_id", "indicator_id", "category_id", *VALUE_FIELDS
            )
        },
        timezone.now(),
    )


def dec(value) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


def expected_rows(write: Write, plan: ReportPlan) -> tuple[dict, dict]:
    """What the database holds after the save `write`: the activity lines and the indicator cells, by key."""
    keys = {key: pk for indicator in plan.indicators for dimension in indicator.dimensions for pk, key in dimension}
    activities = {
        line["activity_id"]: (
            line["status"],
            line["percent_complete"],
            *(dec(line[name]) for name in ACTIVITY_FIELDS[2:5]),
            line["narrative"].strip(),
        )
        for line in write.activities
    }
    values = {}
    for line in write.indicators:
        values[(line["indicator_id"], None)] = (dec(line["total"]), line["note"].strip(), line["source"].strip())
        for key, value in line["cells"].items():
            values[(line["indicator_id"], keys[key])] = (dec(value), "", "")
    return activities, values


def row_activity(row) -> tuple:
    get = (lambda n: row[n]) if isinstance(row, dict) else (lambda n: getattr(row, n))
    return tuple(dec(get(n)) if n.startswith("spent") else get(n) for n in ACTIVITY_FIELDS)


def row_value(row) -> tuple:
    get = (lambda n: row[n]) if isinstance(row, dict) else (lambda n: getattr(row, n))
    return (dec(get("value")), get("note"), get("source"))


def verify(setup: Setup, before: Snapshot, recorder: Recorder) -> tuple[int, list[str]]:
    """Acknowledged writes lost, and the problems found (lost writes, impossible states, unexplained changes)."""
    from django.db import connections

    from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportEvent
    from nsm.monitoring.selectors import report_detail

    connections.close_all()  # the script's own connection did not survive the restart
    problems: list[str] = []
    lost = 0
    reports = {r.pk: r for r in ProgressReport.objects.filter(pk__in=setup.reports).select_related("cycle")}
    events: dict[int, list[ReportEvent]] = defaultdict(list)
    for event in ReportEvent.objects.filter(pk__gt=before.last_event).order_by("pk"):
        events[event.report_id].append(event)
    history: dict[tuple[int, int], datetime.datetime] = {}
    for row in ProgressReport.history.filter(id__in=reports, history_date__gte=before.since).order_by("history_date"):
        history[(row.id, row.version)] = row.history_date  # the last row of each version
    line_rows: dict[tuple[int, int], list] = defaultdict(list)
    for row in ActivityProgress.history.filter(report_id__in=reports, history_date__gte=before.since).order_by(
        "history_date"
    ):
        line_rows[(row.report_id, row.activity_id)].append(row)
    value_rows: dict[tuple[int, int, int | None], list] = defaultdict(list)
    for row in IndicatorValue.history.filter(report_id__in=reports, history_date__gte=before.since).order_by(
        "history_date"
    ):
        value_rows[(row.report_id, row.indicator_id, row.category_id)].append(row)

    def as_of(rows: list, at: datetime.datetime, original: dict, convert) -> tuple:
        chosen = [row for row in rows if row.history_date <= at]
        return convert(chosen[-1]) if chosen else convert(original)

    # 1. Every acknowledged write is in the database, with its version, its event and (saves) its values.
    for write in recorder.acked:
        report_events = {(e.kind, e.version) for e in events[write.report_id]}
        changed = write.version != write.sent_version
        if changed and (write.kind, write.version) not in report_events:
            lost += 1
            problems.append(f"lost: {write.kind} of report {write.report_id} at version {write.version}: no event")
            continue
        if reports[write.report_id].version < (write.version or 0):
            lost += 1
            problems.append(
                f"lost: report {write.report_id} is at version {reports[write.report_id].version}, "
                f"a {write.kind} was acknowledged at {write.version}"
            )
            continue
        if write.kind != "saved":
            continue
        at = history.get((write.report_id, write.version))
        if at is None and changed:
            lost += 1
            problems.append(f"lost: save of report {write.report_id} at version {write.version}: no history row")
            continue
        if at is None:  # nothing changed: the values were those of the version read, which may predate the run
            continue
        activities, values = expected_rows(write, setup.reports[write.report_id])
        wrong = [
            f"activity {pk}"
            for pk, want in activities.items()
            if as_of(line_rows[(write.report_id, pk)], at, before.activities[(write.report_id, pk)], row_activity)
            != want
        ] + [
            f"indicator {key[0]} cell {key[1]}"
            for key, want in values.items()
            if as_of(value_rows[(write.report_id, *key)], at, before.values[(write.report_id, *key)], row_value) != want
        ]
        if wrong:
            lost += 1
            where = ", ".join(wrong[:3])
            problems.append(f"lost: save of report {write.report_id} at version {write.version}: {where}")

    # 2. Versions run without gaps; every change is one a client asked for; the values are the last save's.
    attempts = defaultdict(set)
    for write in recorder.acked + recorder.uncertain:
        attempts[write.report_id].add((write.kind, write.sent_version + 1))
    saves = {(w.report_id, w.version): w for w in recorder.acked if w.kind == "saved"}
    uncertain_saves = defaultdict(list)
    for write in recorder.uncertain:
        if write.kind == "saved":
            uncertain_saves[(write.report_id, write.sent_version + 1)].append(write)
    for report_id, report in reports.items():
        versions = [e.version for e in sorted(events[report_id], key=lambda e: e.version)]
        start = before.versions[report_id]
        if versions != list(range(start + 1, report.version + 1)):
            problems.append(f"report {report_id}: versions {start} -> {report.version}, events at {versions[:20]}")
        for event in events[report_id]:
            if (event.kind, event.version) not in attempts[report_id]:
                problems.append(f"report {report_id}: {event.kind} at version {event.version} that no client asked for")
        saved = [e.version for e in events[report_id] if e.kind == "saved"]
        if not saved:
            continue
        last = saved[-1]
        candidates = [saves[(report_id, last)]] if (report_id, last) in saves else uncertain_saves[(report_id, last)]
        current_lines = {
            row["activity_id"]: row_activity(row)
            for row in ActivityProgress.objects.filter(report_id=report_id).values("activity_id", *ACTIVITY_FIELDS)
        }
        current_values = {
            (row["indicator_id"], row["category_id"]): row_value(row)
            for row in IndicatorValue.objects.filter(report_id=report_id).values(
                "indicator_id", "category_id", *VALUE_FIELDS
            )
        }
        matches = False
        for candidate in candidates:
            activities, values = expected_rows(candidate, setup.reports[report_id])
            if all(current_lines[k] == v for k, v in activities.items()) and all(
                current_values[k] == v for k, v in values.items()
            ):
                matches = True
        if not matches:
            lost += (report_id, last) in saves
            problems.append(f"report {report_id}: the values are not those of its last save (version {last})")

    # 3. No report in an impossible state.
    statuses = set(ProgressReport.Status.values)
    for report_id, report in reports.items():
        s = report.status
        bad = []
        if s not in statuses:
            bad.append(f"unknown status {s!r}")
        if s == "approved" and (report.approved_at is None or report.submitted_at is None):
            bad.append("approved without approval or submission time")
        if s == "submitted" and (report.submitted_at is None or report.approved_at is not None):
            bad.append("submitted without submission time, or with an approval time")
        if s == "draft" and (report.submitted_at or report.approved_at):
            bad.append("a draft with a submission or approval time")
        if s == "returned" and (not report.return_reason or report.approved_at):
            bad.append("returned without a reason, or with an approval time")
        if report.reopened and not report.cycle.is_closed:
            bad.append("marked reopened in an open cycle")
        if report.cycle.is_closed and report.is_editable and not report.reopened:
            bad.append("editable in a closed cycle")
        if s in ("submitted", "approved") and report_detail(report).missing:
            bad.append(f"{s} with lines missing")
        problems += [f"report {report_id}: {problem}" for problem in bad]
    for line in ActivityProgress.objects.filter(report__in=reports):
        p, s = line.percent_complete, line.status
        if (
            (s == "completed" and p != 100)
            or (s == "not_started" and p not in (0, None))
            or (s in ("delayed", "cancelled") and not line.narrative.strip())
        ):
            problems.append(f"report {line.report_id}: activity {line.activity_id} {s} at {p}% breaks a rule")
    return lost, problems


# --- Running a scenario ---


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def row(kind: str, ms: list[float]) -> str:
    return f"{kind:<10}{len(ms):>7}{percentile(ms, 0.5):>9.0f}{percentile(ms, 0.99):>9.0f}{max(ms, default=0):>9.0f}"


def report(title: str, recorder: Recorder, seconds: float, lost: int, problems: list[str]) -> None:
    calls = recorder.calls
    window = recorder.restart

    def during(c: Call) -> bool:  # the request was under way while the server restarted (or just after)
        return bool(window) and c.started <= window[1] + 2.0 and c.started + c.ms / 1000 >= window[0]

    kinds = Counter()
    for c in calls:
        if c.status == 0:
            kinds["connection error" + (" (during restart)" if during(c) else "")] += 1
        elif c.status >= 500:
            kinds[f"{c.status}" + (" (during restart)" if during(c) else "")] += 1
        elif c.status == 409:
            kinds["409 conflict/locked (expected, not an error)"] += 1
        elif c.status >= 400:
            kinds[f"{c.status}"] += 1
    ms = [c.ms for c in calls]
    print(f"\n== {title} ==")
    if window:
        print(f"PostgreSQL restarted at {window[0]:.1f} s, back after {window[1] - window[0]:.1f} s")
    print(f"requests: {len(calls)} in {seconds:.0f} s ({len(calls) / max(seconds, 1e-9):.0f}/s)")
    print(f"{'kind':<10}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for kind in ("get", "save", "submit", "list", "review"):
        these = [c.ms for c in calls if c.kind == kind]
        if these:
            print(row(kind, these))
    print(row("all", ms))
    errors = sum(n for k, n in kinds.items() if not k.startswith(("409", "4")))
    print(f"errors: {errors}" + "".join(f"\n  {k}: {n}" for k, n in sorted(kinds.items())))
    by_kind = Counter(w.kind for w in recorder.acked)
    print("acknowledged writes: " + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    print(f"uncertain writes (no answer or 5xx): {len(recorder.uncertain)}")
    print(f"acknowledged writes lost: {lost}")
    impossible = [p for p in problems if not p.startswith("lost")]
    print(f"problems: {len(impossible)}" + "".join(f"\n  {p}" for p in impossible[:20]))


def run_a(opts, setup: Setup, db: Database) -> tuple[int, int]:
    before = snapshot(setup)
    recorder = Recorder()
    threads = [
        threading.Thread(
            target=focal_point,
            args=(Client(opts.port, key, recorder), setup, institution, opts, number),
            daemon=True,
        )
        for number, (key, institution) in enumerate(setup.focal_points[: opts.clients])
    ]
    threads += [
        threading.Thread(target=reviewer, args=(Client(opts.port, key, recorder), setup, opts.seed + n), daemon=True)
        for n, key in enumerate(setup.secretariat)
    ]
    if not opts.no_restart:
        threads.append(threading.Thread(target=restarter, args=(db, recorder, opts.restart_at), daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(opts.duration)
    recorder.stop.set()
    for thread in threads:
        thread.join(timeout=60)
    seconds = recorder.now()
    checking = time.monotonic()
    lost, problems = verify(setup, before, recorder)
    print(f"checked the database in {time.monotonic() - checking:.1f} s")
    title = f"Scenario A: {opts.clients} focal points, {opts.duration:.0f} s"
    report(title + (", PostgreSQL restarted" if not opts.no_restart else ""), recorder, seconds, lost, problems)
    return lost, len([p for p in problems if not p.startswith("lost")])


def burst_client(client: Client, setup: Setup, institution: int, opts, number: int) -> None:
    rng = random.Random(opts.seed * 7919 + number)
    time.sleep(rng.uniform(0, opts.burst_window))
    reports = setup.by_institution[institution]
    plan = setup.reports[reports[number // len(setup.by_institution) % len(reports)]]
    for round_ in range(rng.choice((1, 2))):
        save_and_maybe_submit(client, plan, rng, f"b{number}-{round_}", submit=True)


def run_b(opts, setup: Setup) -> tuple[int, int]:
    before = snapshot(setup)
    recorder = Recorder()
    threads = [
        threading.Thread(
            target=burst_client, args=(Client(opts.port, key, recorder), setup, institution, opts, n), daemon=True
        )
        for n, (key, institution) in enumerate(setup.focal_points[: opts.burst_clients])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=opts.burst_window + 120)
    recorder.stop.set()
    seconds = recorder.now()
    lost, problems = verify(setup, before, recorder)
    title = f"Scenario B: {opts.burst_clients} focal points save and submit within {opts.burst_window:.0f} s"
    report(title + ", due today", recorder, seconds, lost, problems)
    fives = sum(1 for c in recorder.calls if c.status >= 500 or c.status == 0)
    p99 = percentile([c.ms for c in recorder.calls], 0.99)
    verdict = "met" if p99 < 500 and not fives else "NOT met"
    print(f"target p99 < 500 ms and no 5xx: {verdict} (p99 {p99:.0f} ms, 5xx or no answer: {fives})")
    return lost, len([p for p in problems if not p.startswith("lost")])


def main() -> int:
    opts = options()
    sys.stdout.reconfigure(line_buffering=True)  # progress shows when the output goes to a file or a pipe
    db = database(opts)
    server = None
    logdir = Path(tempfile.mkdtemp(prefix="nsm-load-fault-"))
    try:
        setup_django()
        from django.db import connection

        print(f"PostgreSQL {connection.cursor().connection.info.server_version} at {db.url}; logs in {logdir}")
        begun = time.monotonic()
        users = max(opts.clients if opts.scenario != "b" else 0, opts.burst_clients if opts.scenario != "a" else 0)
        setup = prepare(users, due_today=opts.scenario == "b")
        print(
            f"set up in {time.monotonic() - begun:.0f} s: {len(setup.reports)} open reports of "
            f"{len(setup.by_institution)} institutions, {users} focal points; gunicorn -w {opts.workers} "
            f"--threads {opts.threads} on 127.0.0.1:{opts.port}; {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.1f}"
        )
        server = start_gunicorn(opts, db.url, logdir)
        lost = problems = 0
        if opts.scenario in ("a", "both"):
            result = run_a(opts, setup, db)
            lost, problems = lost + result[0], problems + result[1]
        if opts.scenario in ("b", "both"):
            from django.db import connections

            connections.close_all()
            if opts.scenario == "both":
                setup = prepare(users, due_today=True)
            result = run_b(opts, setup)
            lost, problems = lost + result[0], problems + result[1]
        print(f"\nload average (1, 5, 15 min): {' '.join(f'{n:.1f}' for n in os.getloadavg())}")
        print(f"acknowledged writes lost: {lost}; impossible states and unexplained changes: {problems}")
        return 1 if lost or problems else 0
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        from django.db import connections

        connections.close_all()
        db.stop()


if __name__ == "__main__":
    sys.exit(main())
