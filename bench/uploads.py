"""Seconds and peak memory to refuse hostile uploads through the importers' services (a benchmark, not a test).

    NSM_VAR_DIR=var/bench-national .venv/bin/python bench/uploads.py [--keep DIR] [--rows 1048576]

Builds, once, the files an adversarial run used (issue 14): a progress-report workbook of 1,048,576 rows (its
Activities sheet), the same rows in the plan workbook's Budget sheet, and participants and context-statistics CSV
files of just under the upload size limit (hundreds of thousands of rows), plus a participants CSV with a
200,000-character field and one with a quotation mark never closed. Each file is then given to its importer's
service, as the web page and the command line do (`import_report`, `read_workbook`, `import_participants`,
`import_file`), in a fresh Python process: the time until the refusal, the process's peak resident memory
(ru_maxrss, Django included) and the peak of Python allocations during the refusal (tracemalloc, a second run). The
report workbook comes twice: as a spreadsheet program writes it (every cell with its reference: its sheet is larger
unpacked than one part may be, refused from the zip's directory) and compact (no references: within every declared
size, refused while its rows stream, at the row bound).

The issue's target: each refused in under 2 s and under 200 MB. Needs a progress report that can be edited, as in
the data of `nsm generate --scale national` (NSM_DATABASE_URL / NSM_VAR_DIR); without one the report cases are
skipped with a note.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS, TARGET_MIB = 2.0, 200
ROWS = 1_048_576
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _django() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()


def _editable_report() -> object | None:
    from nsm.monitoring.models import ProgressReport

    reports = ProgressReport.objects.select_related("cycle__strategy", "institution")
    return next((report for report in reports.order_by("-pk")[:200] if report.is_editable), None)


# --- building the files ----------------------------------------------------------------------------------------


def _sheet_path(data: bytes, title: str) -> str:
    """The archive path of the worksheet titled `title` (our own file: parsed whole)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314  # nosec B314 - built here
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314  # nosec B314
    targets = {rel.get("Id"): rel.get("Target") for rel in rels}
    for sheet in workbook.iter(f"{MAIN}sheet"):
        if sheet.get("name") == title:
            target = targets[sheet.get(REL)]
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    raise KeyError(title)


def _with_sheet(data: bytes, title: str, rows: Iterator[bytes]) -> bytes:
    """The workbook with the sheet `title` replaced by `rows` (each a `<row>` element), streamed into the zip."""
    path = _sheet_path(data, title)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != path:
                target.writestr(item, source.read(item.filename))
                continue
            with target.open(path, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                )
                for row in rows:
                    sheet.write(row)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def _inline(text: str) -> bytes:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _rows(header: list[str], cells: Callable[[int], bytes], count: int, *, references: bool) -> Iterator[bytes]:
    """The header row, then `count - 1` rows; with `references`, each row and cell says where it is (as Excel
    writes them), else rows and cells follow one another (as the format also allows)."""
    yield b"<row>" + b"".join(_inline(text) for text in header) + b"</row>"
    for number in range(2, count + 1):
        if references:
            yield f'<row r="{number}"><c r="A{number}"><v>1</v></c><c r="D{number}"><v>50</v></c></row>'.encode()
        else:
            yield b"<row>" + cells(number) + b"</row>"


def report_workbook(report: object, rows: int, *, references: bool) -> bytes:
    from nsm.monitoring.workbook import export_report

    header = ["Code", "Activity", "Status", "Percent complete"]
    cells = lambda number: b"<c><v>1</v></c>"  # noqa: E731
    return _with_sheet(export_report(report, "en"), "Activities", _rows(header, cells, rows, references=references))


def plan_workbook(rows: int) -> bytes:
    from nsm.strategy.workbook import write_template

    buffer = io.BytesIO()
    write_template(buffer, language="en")
    header = ["activity", "year", "source", "donor", "amount"]
    cells = lambda number: b"<c><v>1</v></c>"  # noqa: E731
    return _with_sheet(buffer.getvalue(), "Budget", _rows(header, cells, rows, references=False))


def csv_to_the_limit(header: str, line: str, limit: int) -> bytes:
    """A CSV file of `header` then copies of `line`, as many as fit just under `limit` bytes."""
    body = line.encode()
    count = (limit - len(header) - 1) // len(body)
    return header.encode() + b"\n" + body * count


# --- refusing them ---------------------------------------------------------------------------------------------


def _refuse(case: str, path: Path) -> tuple[str, int]:
    """Give the file to its importer's service; the first line of the refusal and how many errors it counted."""
    from nsm.capacity import services as capacity
    from nsm.capacity.models import Training
    from nsm.context import importer
    from nsm.core.spreadsheet import WorkbookError
    from nsm.monitoring.workbook import import_report
    from nsm.strategy.workbook import read_workbook

    with path.open("rb") as file:
        try:
            if case.startswith("report"):
                import_report(_editable_report(), file, None)
            elif case.startswith("plan"):
                parsed = read_workbook(file, name=path.name)
                return (parsed.errors.lines() or ["(read without error)"])[0], parsed.errors.total
            elif case.startswith("participants"):
                training = Training.objects.first() or Training(title="bench")
                capacity.import_participants(training, by=None, file=file)
            else:
                importer.import_file(file, country="XA", by=None, name=path.name)
        except (WorkbookError, importer.ContextImportError) as refused:
            return refused.messages[0], refused.total
    return "(accepted)", 0


def one(case: str, path: Path) -> None:
    """In this process: refuse the file once timed, once under tracemalloc; print one JSON line."""
    _django()
    _editable_report()  # the queries and imports every case needs, before the clock starts
    _refuse("warm-up", Path(__file__))  # imports the importers (a Python file is no CSV table: refused at once)
    started = time.perf_counter()
    message, errors = _refuse(case, path)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    _refuse(case, path)
    _current, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {"case": case, "seconds": seconds, "peak_mib": peak_mib, "traced_mib": traced / 2**20}
    print(json.dumps(result | {"errors": errors, "message": message}))


def build(folder: Path, rows: int) -> list[tuple[str, Path, str]]:
    """The files, each with its case name and what it is."""
    _django()
    from django.conf import settings

    limit = settings.IMPORT_MAX_BYTES - 1024
    files: list[tuple[str, Path, str, Callable[[], bytes]]] = [
        ("plan", folder / "plan.xlsx", f"plan workbook, Budget sheet of {rows:,} rows", lambda: plan_workbook(rows)),
        (
            "participants-csv",
            folder / "participants.csv",
            "participants CSV just under the size limit",
            lambda: csv_to_the_limit("name,institution,sex", "Ana Hoxha,MPB,female\n", limit),
        ),
        (
            "participants-long-field",
            folder / "participants-long.csv",
            "participants CSV, a 200,000-character field",
            lambda: b"name,institution,sex\n" + b"A" * 200_000 + b",MPB,female\n",
        ),
        (
            "participants-open-quote",
            folder / "participants-quote.csv",
            "participants CSV, a quotation mark never closed",
            lambda: b'name,institution,sex\n"Ana Hoxha,MPB,female\n' + b"Ben Hoxha,MPB,male\n" * 1000,
        ),
        (
            "context-csv",
            folder / "context.csv",
            "context CSV just under the size limit",
            lambda: csv_to_the_limit(
                "indicator,value,unit,year,source", "Remittances,1 200,EUR million,2023,Bank of Albania\n", limit
            ),
        ),
    ]
    report = _editable_report()
    if report is None:
        print("no editable progress report in this database: the report cases are skipped (nsm generate)")
    else:
        for references, name, what in (
            (True, "report", "as a spreadsheet program writes it"),
            (False, "report-compact", "compact, within every declared size"),
        ):
            files.insert(
                1 if references else 2,
                (
                    name,
                    folder / f"{name}.xlsx",
                    f"report workbook, Activities sheet of {rows:,} rows, {what}",
                    lambda references=references: report_workbook(report, rows, references=references),
                ),
            )
    built = []
    for case, path, what, make in files:
        started = time.perf_counter()
        path.write_bytes(make())
        print(f"built {path.name}: {path.stat().st_size / 2**20:.1f} MB in {time.perf_counter() - started:.1f} s")
        built.append((case, path, what))
    return built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--keep", default="", help="build the files in this folder and keep them")
    parser.add_argument("--one", nargs=2, metavar=("CASE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args.one[0], Path(args.one[1]))
        return
    with tempfile.TemporaryDirectory(prefix="nsm-uploads-") as temporary:
        folder = Path(args.keep or temporary)
        folder.mkdir(parents=True, exist_ok=True)
        cases = build(folder, args.rows)
        results = []
        for case, path, what in cases:
            command = [sys.executable, str(Path(__file__).resolve()), "--one", case, str(path)]
            done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)  # noqa: S603
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                raise SystemExit(f"{case}: the refusal failed")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result | {"what": what, "size_mib": path.stat().st_size / 2**20})
    print()
    print(f"{'case':<26}{'file MB':>8}{'seconds':>9}{'peak MB':>9}{'traced MB':>11}  {'target':<7} refusal")
    failed = False
    for row in results:
        ok = row["seconds"] < TARGET_SECONDS and row["peak_mib"] < TARGET_MIB and row["message"] != "(accepted)"
        failed |= not ok
        print(
            f"{row['case']:<26}{row['size_mib']:>8.1f}{row['seconds']:>9.2f}{row['peak_mib']:>9.0f}"
            f"{row['traced_mib']:>11.1f}  {'met' if ok else 'MISSED':<7} {row['message'][:110]}"
        )
    print(f"\ntarget: each refused in under {TARGET_SECONDS:.0f} s and {TARGET_MIB} MB (peak resident, Django in it)")
    for row in results:
        print(f"  {row['case']}: {row['what']}")
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
