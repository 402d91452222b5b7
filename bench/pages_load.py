"""The dashboard and IPTT pages under concurrent clients against gunicorn: median and p99 latency (a benchmark).

    NSM_VAR_DIR=var/bench-national .venv/bin/python bench/pages_load.py [--clients 20] [--requests 15] [--seconds 60]
    NSM_VAR_DIR=var/bench-multi .venv/bin/python bench/pages_load.py --counts-only

Needs the data of `nsm generate` in the database NSM_DATABASE_URL / NSM_VAR_DIR points at. Prints each page's
number of SQL queries (Django's test client, in process), then starts gunicorn on loopback (2 workers x 4 threads,
DEBUG off) and lets `--clients` threads, each on its own keep-alive connection, request the page `--requests` times
(or until `--seconds` have passed), logged in as a bench viewer of the strategy's country.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from nsm.accounts.models import Institution, Membership, User  # noqa: E402
from nsm.demo.generate import NATIONAL_CODE  # noqa: E402
from nsm.strategy.models import Strategy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
USERNAME = "bench-viewer"


def pages(code: str) -> list[tuple[str, str]]:
    return [("dashboard", f"/analysis/{code}/"), ("IPTT", f"/analysis/{code}/indicators/")]


def bench_user(strategy: Strategy) -> User:
    """A viewer in an institution of the strategy's country: the analysis pages are the same for the secretariat,
    the coordinator and viewers, and a viewer signs in without the second (TOTP) step the session would need."""
    user, created = User.objects.get_or_create(username=USERNAME)
    if created:
        user.set_unusable_password()
        user.save()
    institution = Institution.objects.filter(country=strategy.country).order_by("code").first()
    Membership.objects.get_or_create(user=user, institution=institution, defaults={"role": Membership.Role.VIEWER})
    return user


def session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend (axes' comes first)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def query_counts(user: User, code: str) -> None:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    activities = Strategy.objects.count()
    print(f"\nQueries per page, {connection.vendor}, {activities} strategies in the database")
    print(f"{'page':<12}{'computed: queries':>18}{'ms':>8}{'cached: queries':>17}{'ms':>8}{'status':>8}")
    for name, url in pages(code):
        cache.clear()  # the first request computes the page, the second is served from the cache
        figures = []
        for _ in range(2):
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            figures.append((len(queries), (time.perf_counter() - start) * 1000))
        (computed, computed_ms), (cached, cached_ms) = figures
        print(f"{name:<12}{computed:>18}{computed_ms:>8.0f}{cached:>17}{cached_ms:>8.0f}{response.status_code:>8}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "NSM_DEBUG": "0",
        "NSM_ALLOWED_HOSTS": "127.0.0.1",
        "NSM_SECRET_KEY": settings.SECRET_KEY,  # the session's auth hash is keyed with it
    }
    server = subprocess.Popen(  # noqa: S603 - a fixed command line
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "nsm.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, url: str, cookie: str, clients: int, requests: int, seconds: float) -> tuple[list[float], int]:
    """`clients` threads, each requesting `url` `requests` times on one connection, until `seconds` have passed."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    headers = {"Cookie": cookie, "Connection": "keep-alive"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        for _ in range(requests):
            if time.monotonic() > deadline:
                break
            start = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                times.append(elapsed)
                errors[0] += 0 if ok else 1
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, errors[0]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=15, help="requests per client and page")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long per page")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--counts-only", action="store_true", help="only the query counts, no server")
    options = parser.parse_args()
    strategy = Strategy.objects.filter(code=NATIONAL_CODE).first()
    if strategy is None:
        sys.exit(f"{NATIONAL_CODE} is not in the database: run `nsm generate --scale national` first.")
    user = bench_user(strategy)
    query_counts(user, strategy.code)
    if options.counts_only:
        return
    cookie = session_cookie(user)
    port = free_port()
    server = start_gunicorn(port, options.workers, options.threads)
    try:
        print(
            f"\nLoad: {options.clients} clients x {options.requests} requests (at most {options.seconds:.0f} s) per "
            f"page, gunicorn {options.workers} workers x {options.threads} threads, {connection.vendor}"
        )
        print(
            f"{'page':<12}{'requests':>9}{'errors':>7}{'median ms':>10}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}"
            f"{'req/s':>7}"
        )
        for name, url in pages(strategy.code):
            load(port, url, cookie, options.threads * options.workers, 1, 60)  # warm-up: every worker and thread
            start = time.perf_counter()
            times, errors = load(port, url, cookie, options.clients, options.requests, options.seconds)
            wall = time.perf_counter() - start
            print(
                f"{name:<12}{len(times):>9}{errors:>7}{statistics.median(times):>10.0f}{percentile(times, 0.95):>8.0f}"
                f"{percentile(times, 0.99):>8.0f}{max(times):>8.0f}{len(times) / wall:>7.1f}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
