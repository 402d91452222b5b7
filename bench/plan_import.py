"""Seconds and queries to import a plan workbook of 1,000 activities into SQLite (a benchmark, not a test).

    .venv/bin/python bench/plan_import.py [--activities 1000] [--lines 2] [--keep DIR]

Issue 16's target: a 1,000-activity plan imported in under 5 s on SQLite, and within 10x the time openpyxl takes to
read the file. The plan is the benchmark generator's (`nsm generate`: results on three levels, activities with their
institutions, target groups and GCM objectives, indicators with targets and disaggregation; `--lines` budget lines
kept per activity, as plans cost an activity in a line or two), written with the workbook's own writer. It is then
imported into a fresh database (migrated, without the plan nor its institutions), as the page and `nsm import-plan`
do: the time openpyxl takes to read every cell of the file, `read_workbook` (checking the file) and `apply_plan`
(writing it: the plan created), then the same file with a tenth of its activities, budget lines and targets changed
(`apply_plan` again: the plan updated). Each step prints its seconds and its SQL statements.

The database is a temporary SQLite file (NSM_DATABASE_URL is ignored), deleted at the end unless `--keep DIR`.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_RATIO = 5.0, 10.0


def _django(var_dir: Path) -> None:
    os.environ.pop("NSM_DATABASE_URL", None)
    os.environ["NSM_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


class _Counter:
    """Counts the statements sent to the database (cheaper than keeping their SQL)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def _measured(label: str, results: dict[str, tuple[float, int]]) -> Iterator[None]:
    from django.db import connection

    counter = _Counter()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        yield
    seconds = time.perf_counter() - started
    results[label] = (seconds, counter.count)
    print(f"{label:<34}{seconds:>9.2f} s{counter.count:>10,} statements", flush=True)


# --- the file ---------------------------------------------------------------------------------------------------


def plan_file(activities: int, lines: int) -> tuple[bytes, dict[str, int]]:
    """The generator's plan of `activities` activities, `lines` budget lines each at most, as a workbook."""
    from collections import Counter

    from nsm.demo import generate
    from nsm.strategy.models import ActivityBudget, Strategy
    from nsm.strategy.workbook import write_workbook

    shape = generate.Scale(strategies=1, activities=activities, indicators=max(10, activities // 4))
    refs = generate.read_references()
    rng, counts = generate.random.Random(1), Counter[str]()
    country = generate.COUNTRIES[0]
    institutions = generate._institutions(country, shape.institutions, counts)
    strategy = Strategy.objects.create(
        code=shape.code(0),
        country=country,
        title_en="Benchmark strategy on migration",
        title_sq="Strategji prove për migracionin",
        start_year=shape.first_year,
        end_year=shape.last_year,
        plan_start_year=shape.first_year,
        plan_end_year=shape.last_year,
        currency="EUR",
    )
    served = generate._served_gcm(rng, refs, shape)
    goals, objectives, measures = generate._results(strategy.pk, shape, served, rng, refs, counts)
    generate._activities(strategy.pk, shape, measures, institutions, served, rng, refs, counts)
    generate._indicators(strategy.pk, shape, goals, objectives, measures, institutions, rng, refs, counts)
    kept: dict[int, int] = {}
    extra = []
    for line in ActivityBudget.objects.filter(activity__strategy=strategy).order_by("activity", "year", "pk"):
        kept[line.activity_id] = kept.get(line.activity_id, 0) + 1
        if kept[line.activity_id] > lines:
            extra.append(line.pk)
    ActivityBudget.objects.filter(pk__in=extra).delete()
    out = io.BytesIO()
    write_workbook(strategy, out)
    sizes = {
        "institutions": shape.institutions,
        "results": strategy.results.count(),
        "activities": strategy.activities.count(),
        "budget lines": ActivityBudget.objects.filter(activity__strategy=strategy).count(),
        "indicators": strategy.indicators.count(),
        "targets": sum(i.targets.count() for i in strategy.indicators.all()),
    }
    return out.getvalue(), sizes


def changed_file(data: bytes) -> bytes:
    """The same workbook with every tenth activity's English title, budget line's amount and target's value changed."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    for title, header, change in (
        ("Activities", "title_en", lambda value: f"{value} (revised)"),
        ("Budget", "amount", lambda value: value + 100),
        ("Targets", "value", lambda value: value + 1),
    ):
        sheet = book[title]
        column = [cell.value for cell in sheet[1]].index(header) + 1
        for row in range(2, sheet.max_row + 1, 10):
            cell = sheet.cell(row, column)
            cell.value = change(cell.value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_every_cell(data: bytes) -> int:
    """What openpyxl alone takes to read the file: every cell's value, read-only."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = sum(1 for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for _value in row)
    book.close()
    return cells


# --- the database -----------------------------------------------------------------------------------------------


def _database_file() -> Path:
    from django.db import connection

    return Path(connection.settings_dict["NAME"])


def _restore(snapshot: Path) -> None:
    """Put back the database as it was right after migrating (the connection closed first)."""
    from django.db import connection

    connection.close()
    database = _database_file()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(snapshot, database)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=2, help="budget lines kept per activity, at most")
    parser.add_argument("--keep", type=Path, help="a folder to keep the database and the workbooks in")
    options = parser.parse_args()
    var_dir = options.keep or Path(tempfile.mkdtemp(prefix="nsm-bench-plan-"))
    var_dir.mkdir(parents=True, exist_ok=True)
    try:
        _run(var_dir, options.activities, options.lines)
    finally:
        if options.keep is None:
            shutil.rmtree(var_dir, ignore_errors=True)


def _run(var_dir: Path, activities: int, lines: int) -> None:
    _django(var_dir)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from nsm.accounts.models import User
    from nsm.strategy.workbook import apply_plan, read_workbook

    translation.activate("en")
    call_command("migrate", verbosity=0)
    connection.close()
    snapshot = var_dir / "migrated.sqlite3"
    shutil.copyfile(_database_file(), snapshot)
    data, sizes = plan_file(activities, lines)
    changed = changed_file(data)
    (var_dir / "plan.xlsx").write_bytes(data)
    (var_dir / "plan-changed.xlsx").write_bytes(changed)
    _restore(snapshot)
    user = User.objects.create(username="bench-importer")
    print(f"nsm plan import bench, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores")
    print("plan: " + ", ".join(f"{count:,} {kind}" for kind, count in sizes.items()) + f"; {len(data):,} bytes")
    results: dict[str, tuple[float, int]] = {}
    with _measured("openpyxl: read every cell", results):
        cells = read_every_cell(data)
    with _measured("read_workbook (check the file)", results):
        parsed = read_workbook(io.BytesIO(data), name="plan.xlsx")
    if parsed.errors:
        raise SystemExit("\n".join(parsed.errors.lines()))
    with _measured("apply_plan (plan created)", results):
        summary = apply_plan(parsed, by=user)
    print(f"  {summary.summary()}")
    with _measured("read_workbook (changed file)", results):
        parsed = read_workbook(io.BytesIO(changed), name="plan-changed.xlsx")
    with _measured("apply_plan (plan updated)", results):
        summary = apply_plan(parsed, by=user)
    print(f"  {summary.summary()}")
    _verdict(results, cells)


def _verdict(results: dict[str, tuple[float, int]], cells: int) -> None:
    openpyxl = results["openpyxl: read every cell"][0]
    for label, read, apply in (
        ("created", "read_workbook (check the file)", "apply_plan (plan created)"),
        ("updated", "read_workbook (changed file)", "apply_plan (plan updated)"),
    ):
        seconds = results[read][0] + results[apply][0]
        met = seconds < TARGET_SECONDS and seconds <= TARGET_RATIO * openpyxl
        print(
            f"import, plan {label}: {seconds:.2f} s (read and apply), {seconds / openpyxl:.1f}x openpyxl's "
            f"{openpyxl:.2f} s for {cells:,} cells; target (< {TARGET_SECONDS:.0f} s and within "
            f"{TARGET_RATIO:.0f}x): {'met' if met else 'missed'}"
        )


if __name__ == "__main__":
    main()
