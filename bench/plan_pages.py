"""Queries and time per plan page on the demo data: prints a table (a benchmark, not a test).

    NSM_DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/plan_pages.py [--repeat 20]

Migrates the database and loads the demo if needed, then requests each page as the coordinator with Django's
test client and prints the number of SQL queries and the median and worst time of `--repeat` requests.
"""

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from nsm.accounts.models import User  # noqa: E402
from nsm.strategy.models import Activity, Indicator, Result, Strategy  # noqa: E402

CODE = "AL-NSM-2024-2030"


def pages() -> list[tuple[str, str]]:
    goal = Result.objects.filter(strategy__code=CODE, level="goal").order_by("sort_key").first()
    activity = Activity.objects.filter(strategy__code=CODE).order_by("sort_key").first()
    indicator = Indicator.objects.filter(strategy__code=CODE).order_by("sort_key").first()
    base = f"/plan/{CODE}"
    return [
        ("plan (tree with costs)", f"{base}/"),
        ("goal", f"{base}/results/{goal.pk}/"),
        ("activity", f"{base}/activities/{activity.pk}/"),
        ("activity: edit form", f"{base}/activities/{activity.pk}/edit/"),
        ("indicators", f"{base}/indicators/"),
        ("indicator", f"{base}/indicators/{indicator.pk}/"),
        ("export (.xlsx)", f"{base}/export.xlsx"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    if not Strategy.objects.filter(code=CODE).exists():
        call_command("demo")
    client = Client()
    client.force_login(User.objects.get(username="coordinator"))
    print(f"{Activity.objects.filter(strategy__code=CODE).count()} activities, database {connection.vendor}")
    print(f"{'page':<26}{'queries':>8}{'median ms':>11}{'max ms':>9}")
    for name, url in pages():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        count = len(queries)  # now: the next request empties the connection's query log
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times = []
        for _ in range(options.repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:<26}{count:>8}{statistics.median(times):>11.1f}{max(times):>9.1f}")


if __name__ == "__main__":
    main()
