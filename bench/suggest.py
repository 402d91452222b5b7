"""Suggested GCM objectives on the demo plan: how often they are right, how long they take (a benchmark, not a test).

    NSM_VAR_DIR=var/bench-demo .venv/bin/python bench/suggest.py [--repeat 20]

Migrates the database NSM_DATABASE_URL / NSM_VAR_DIR points at and loads the demo if it is not there (as
bench/plan_pages.py does; a database of its own, so that the demo does not join the generated benchmark data).
Leaves each tagged activity out of the model in turn and suggests three objectives from its titles
(`nsm.strategy.suggest.leave_one_out`): prints the share that has one of its objectives among them, against the
issue's target (at least 70 %), for the activities tagged through their measure or by hand, then by hand only. Then
the time: building the strategy's model (its queries), one suggestion from a built model, and `suggest_gcm` for one
activity as a page would call it (model and suggestion), the median and worst of `--repeat` runs.
"""

import argparse
import io
import os
import statistics
import time
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from nsm.strategy.models import Activity, Strategy  # noqa: E402
from nsm.strategy.suggest import LIMIT, GcmSuggester, leave_one_out, suggest_gcm  # noqa: E402

CODE = "AL-NSM-2024-2030"
TARGET = 70


def share(hits: int, total: int, what: str) -> str:
    """`87 of 112 tagged activities (78 %)`."""
    return f"{hits} of {total} {what}" + (f" ({round(100 * hits / total)} %)" if total else "")


def timed(repeat: int, run: Callable[[], object]) -> tuple[float, float]:
    """Median and worst milliseconds of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    call_command("migrate", verbosity=0)
    if not Strategy.objects.filter(code=CODE).exists():
        call_command("demo", stdout=io.StringIO())
    strategy = Strategy.objects.get(code=CODE)

    hits, total = leave_one_out(strategy)
    verdict = "reached" if total and 100 * hits >= TARGET * total else "NOT REACHED"
    print(
        f"GCM suggestions, leave-one-out on the demo: {share(hits, total, 'tagged activities')} have their objective "
        f"among the {'three' if LIMIT == 3 else LIMIT} suggested; target ≥ {TARGET} % ({verdict})"
    )
    own_hits, own_total = leave_one_out(strategy, own_only=True)
    print(f"  tagged by hand (not through their measure): {share(own_hits, own_total, 'activities')}")

    with CaptureQueriesContext(connection) as queries:
        suggester = GcmSuggester.for_strategy(strategy)
    plan = list(suggester.activities.values())
    activity = Activity.objects.filter(strategy=strategy, gcm_objectives=None).order_by("sort_key").first()
    build = timed(options.repeat, lambda: GcmSuggester.for_strategy(strategy))
    rounds = max(1, options.repeat // 10)
    start = time.perf_counter()
    for _ in range(rounds):
        for item in plan:
            suggester.suggest(item.text, leave_out=item.pk)
    each = (time.perf_counter() - start) * 1000 / (rounds * len(plan)) if plan else 0.0
    print(f"{len(plan)} activities, database {connection.vendor}; milliseconds, median and worst of {options.repeat}:")
    print(f"  the strategy's model, built ({len(queries)} queries): {build[0]:.1f}, {build[1]:.1f}")
    print(f"  one suggestion from the built model: {each:.2f} (mean over the plan)")
    if activity is not None:
        page = timed(options.repeat, lambda: suggest_gcm(activity))
        print(f"  suggest_gcm for one activity (model and suggestion): {page[0]:.1f}, {page[1]:.1f}")


if __name__ == "__main__":
    main()
