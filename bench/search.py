"""The search at national scale: the time of a few searches, as a superuser, the secretariat and a focal point (a
benchmark, not a test).

    NSM_VAR_DIR=var/bench-national .venv/bin/python bench/search.py [--repeat 50]

Needs the data of `nsm generate --scale national` in the database NSM_DATABASE_URL / NSM_VAR_DIR points at. Each
search is `nsm.search.selectors.search` as the page runs it (the first results of every kind and their counts):
one warm-up call, then `--repeat` calls; prints the median (p50) and the 99th percentile (p99, the slowest call
under 100 repeats), the queries and the results found. The target is under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from nsm.accounts.models import Institution, Membership, User  # noqa: E402
from nsm.demo.generate import NATIONAL_CODE  # noqa: E402
from nsm.search.models import Entry  # noqa: E402
from nsm.search.selectors import search  # noqa: E402
from nsm.strategy.models import Strategy  # noqa: E402

SEARCHES = (
    "migracioni",  # a common word: hundreds of plan items
    "migr",  # a short prefix of it
    "kthimi riintegrimi",  # two words, both required
    "Procurement",  # report narratives
    "1.2",  # a reference as a phrase
    "zzzz nothing",  # nothing found
)


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def personas() -> list[tuple[str, User]]:
    """A superuser, the national strategy's secretariat and a focal point of the institution leading most activities:
    users not saved, their memberships given (the generated data has institutions, not users)."""
    strategy = Strategy.objects.get(code=NATIONAL_CODE)
    lead = (
        Institution.objects.filter(country=strategy.country)
        .annotate(led=Count("led_activities"))
        .order_by("-led")
        .first()
    )
    found = [("superuser", User(username="bench-root", is_superuser=True, is_active=True))]
    for label, role in (("secretariat", Membership.Role.SECRETARIAT), ("focal point", Membership.Role.FOCAL_POINT)):
        user = User(username=f"bench-{role}", is_active=True)
        user._nsm_memberships = [Membership(user=user, institution=lead, role=role)]  # type: ignore[attr-defined]
        found.append((label, user))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    print(f"search on {connection.vendor}: {Entry.objects.count():,} entries, {args.repeat} repeats")
    print(f"{'who':<12} {'search':<20} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} {'found':>8}")
    for label, user in personas():
        for text in SEARCHES:
            search(user, text)  # warm-up (and the user's memberships, read once per request object)
            with CaptureQueriesContext(connection) as queries:
                outcome = search(user, text)
            times = []
            for _n in range(args.repeat):
                start = time.perf_counter()
                search(user, text)
                times.append((time.perf_counter() - start) * 1000)
            print(
                f"{label:<12} {text:<20} {statistics.median(times):>8.1f} {percentile(times, 0.99):>8.1f} "
                f"{len(queries):>8} {outcome.count:>8,}"
            )


if __name__ == "__main__":
    main()
