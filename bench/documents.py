"""Seconds and peak memory to write the documents of the national-scale benchmark strategy (a benchmark, not a test).

    NSM_VAR_DIR=var/bench-national .venv/bin/python bench/documents.py [--year 2027] [--repeat 2] [--keep DIR]

Needs the data of `nsm generate --scale national` in the database NSM_DATABASE_URL / NSM_VAR_DIR points at. Each
document is made in a fresh Python process, as the worker or `nsm report` would make it, `--repeat` times: the
first run pays for loading the chart renderer, later ones in the same process do not (a running worker). For each
it prints the time to read the data (the document model), for a PDF the time to draw its charts (SVG, vl-convert),
the time to render it (for a PDF: to lay out and write its pages, the charts drawn), the total, the peak resident
memory of the process (ru_maxrss, which counts Typst's and vl-convert's native memory too), the file's size and,
for a PDF, its pages and the render's seconds per 100 pages. The issues' targets, on a 2-core machine, for the annual
monitoring report: DOCX within 5 s, PDF within 3 s; every PDF within 2 s per 100 pages; peak memory under 1 GiB for
every document. `--keep DIR` keeps the files, and the PDFs' pages as PNG images (pdftoppm) to look at: tables inside
the page, Albanian letters printed.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {("annual", "docx"): 5.0, ("annual", "pdf"): 3.0}  # the issues'; the other documents have none
PER_100_PAGES = 2.0  # seconds to render 100 pages of a PDF, at most
MEMORY_TARGET_MIB = 1024
CASES = [("annual", "docx"), ("annual", "pdf"), ("annual", "xlsx"), ("plan", "docx"), ("plan", "pdf")]


def one(kind: str, fmt: str, year: int, repeat: int, keep: str) -> None:
    """In this process: make the document `repeat` times and print one JSON line per run."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from nsm.analytics.periods import Period
    from nsm.demo.generate import NATIONAL_CODE
    from nsm.reports.document import Chart
    from nsm.reports.generate import build, filename, render
    from nsm.reports.render_pdf import chart_svg
    from nsm.strategy.models import Strategy

    strategy = Strategy.objects.get(code=NATIONAL_CODE)
    period = Period.year(year) if kind == "annual" else None
    for run in range(repeat):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            document = build(kind, strategy, period=period, language="sq")
        built = time.perf_counter()
        if fmt == "pdf":  # the charts first (the renderer then finds them drawn): their time is not the pages'
            for section, _depth in document.walk():
                for block in section.blocks:
                    if isinstance(block, Chart):
                        chart_svg(block)
        drawn = time.perf_counter()
        content = render(document, fmt)
        done = time.perf_counter()
        pages = None
        if fmt == "pdf":
            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(content)).pages)
        if keep:
            Path(keep, filename(kind, strategy, period=period, language="sq", fmt=fmt)).write_bytes(content)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
        rows = sum(len(table.rows) for table in document.tables())
        print(
            json.dumps(
                {
                    "kind": kind,
                    "fmt": fmt,
                    "run": run + 1,
                    "build": built - started,
                    "charts": drawn - built,
                    "render": done - drawn,
                    "total": done - started,
                    "queries": len(queries.captured_queries),
                    "rows": rows,
                    "peak_mib": peak,
                    "bytes": len(content),
                    "pages": pages,
                }
            ),
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int, default=2027, help="the year of the annual report (default 2027)")
    parser.add_argument("--repeat", type=int, default=2, help="documents made per process (default 2)")
    parser.add_argument(
        "--keep", default="", help="a folder to keep the documents in, with the PDFs' pages as PNG images to look at"
    )
    parser.add_argument("--one", nargs=2, metavar=("KIND", "FORMAT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(*args.one, args.year, args.repeat, args.keep)
        return
    print(f"documents of the national-scale strategy, year {args.year}, {os.cpu_count()} cores")
    print(f"{'document':<14}{'run':>4}{'queries':>8}{'rows':>7}{'build s':>9}{'charts s':>9}{'render s':>9}"
          f"{'total s':>9}{'peak MiB':>10}{'size KiB':>10}{'pages':>7}{'s/100 p':>9}  target")  # fmt: skip
    for kind, fmt in CASES:
        command = [sys.executable, __file__, "--one", kind, fmt, "--year", str(args.year)]
        command += ["--repeat", str(args.repeat), "--keep", args.keep]
        result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own script
        if result.returncode:
            print(f"{kind} {fmt}: FAILED\n{result.stderr[-2000:]}")
            continue
        for line in result.stdout.splitlines():
            row = json.loads(line)
            seconds = TARGETS.get((kind, fmt))
            per_100 = 100 * row["render"] / row["pages"] if row["pages"] else None
            charts = f"{row['charts']:.2f}" if fmt == "pdf" else ""
            met = row["peak_mib"] < MEMORY_TARGET_MIB and (seconds is None or row["total"] <= seconds)
            met = met and (per_100 is None or per_100 <= PER_100_PAGES)
            target = (f"≤{seconds:.0f} s, " if seconds else "") + (f"≤{PER_100_PAGES:.0f} s/100 p, " if per_100 else "")
            target += f"<{MEMORY_TARGET_MIB} MiB: "
            print(
                f"{kind + ' ' + fmt:<14}{row['run']:>4}{row['queries']:>8}{row['rows']:>7}{row['build']:>9.2f}"
                f"{charts:>9}{row['render']:>9.2f}{row['total']:>9.2f}{row['peak_mib']:>10.0f}"
                f"{row['bytes'] / 1024:>10.0f}{row['pages'] or '':>7}{f'{per_100:.2f}' if per_100 else '':>9}"
                f"  {target}{'met' if met else 'NOT MET'}"
            )
    if args.keep and shutil.which("pdftoppm"):
        for pdf in sorted(Path(args.keep).glob("*.pdf")):
            subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(pdf.with_suffix(""))], check=True)  # noqa: S603, S607
        print(f"The PDFs' pages are in {args.keep} as PNG images (pdftoppm, 50 dpi): look at them.")


if __name__ == "__main__":
    main()
