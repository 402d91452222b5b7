"""Fuzz the API with schemathesis: every operation of the OpenAPI document, as each role, on a throw-away demo.

    .venv/bin/python tools/api_fuzz.py [--cases 1000] [--seed 7] [--roles secretariat viewer ...]

Migrates a new database (a SQLite file in a temporary directory; or NSM_DATABASE_URL when it is set, which must be
a throw-away database: the demo is loaded into it and the fuzzing changes it), loads the demo, makes an API token
for each demo role, then sends at least `--cases` generated requests per role to the WSGI application in-process,
no server needed. Three quarters are valid requests, three in four of those on the demo's own reports, cycles,
activities, indicators and strategies rather than random ids; the rest are invalid (wrong types, missing fields,
values out of range). Writes (PUT, POST) are included: they change the demo's reports and cycles as they go.

Then, per role, hostile requests that generation rarely makes (`hostile_cases`): NUL and other control characters
in every string of every address (path and query) and of every body, texts one character over their bound, a key
given twice, a line sent 20,000 times, JSON nested 100,000 deep, and bodies just over the API's bound and over
Django's own (11 MB). Each must be refused in the API's error shape with a documented 4xx: never a 5xx.

Every response is checked: no 5xx, a documented status code and content type, headers and body that match the
operation's schema. Prints, per role, the cases sent, the failures and the server errors; each failure with a curl
command that reproduces it (and the server's traceback for a 5xx). Exits 1 on any failure.

Deterministic: a fixed Hypothesis seed, no example database; the same code and schema send the same requests. CI
(`.ci/run`) runs it once, on SQLite. On PostgreSQL (where a NUL used to be a 500), against a throw-away server:

    NSM_PG_PORT=55433 eval "$(.ci/postgres.sh start)"
    .venv/bin/python tools/api_fuzz.py        # NSM_DATABASE_URL is the throw-away database
    .ci/postgres.sh stop "$NSM_PG_DIR"
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import logging
import math
import os
import shutil
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

ROLES = ("secretariat", "coordinator", "focalpoint", "viewer", "stakeholder")
SCHEMA_PATH = "/api/v1/openapi.json"
REPRODUCE_BASE_URL = "http://127.0.0.1:8000"  # where `make run` serves; the curl commands point there
POSITIVE_SHARE = 0.75  # of each operation's cases: valid requests; the rest are invalid ones


@dataclass
class Failure:
    operation: str
    title: str
    message: str
    status: int
    curl: str
    body: str
    server_traceback: str = ""


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[Failure] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)


class ServerErrors(logging.Handler):
    """Keeps the traceback of the last request Django answered with a 5xx (`django.request` logs it)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.last = "".join(traceback.format_exception(*record.exc_info))
        elif not self.last:
            self.last = record.getMessage()


def setup_database() -> str:
    """A migrated throw-away database with the demo loaded; answers where it is, for the report. The temporary
    directory of a SQLite database is removed at exit."""
    if not os.environ.get("NSM_DATABASE_URL"):
        os.environ["NSM_VAR_DIR"] = tempfile.mkdtemp(prefix="nsm-api-fuzz-")
        atexit.register(shutil.rmtree, os.environ["NSM_VAR_DIR"], ignore_errors=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nsm.settings")
    from django.conf import settings
    from django.core.management import call_command

    import nsm.wsgi  # noqa: F401 - sets Django up, as gunicorn does

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", stdout=io.StringIO())  # its summary is not needed here
    return str(settings.DATABASES["default"]["NAME"])


def make_tokens(roles: list[str]) -> dict[str, str]:
    """A one-day API token for each demo login; answers the keys by username."""
    from django.contrib.auth import get_user_model

    from nsm.accounts.services import create_api_token

    users = get_user_model().objects.in_bulk(roles, field_name="username")
    missing = set(roles) - set(users)
    if missing:
        sys.exit(f"The demo has no user {', '.join(sorted(missing))}.")
    return {role: create_api_token(users[role], name="api-fuzz", days=1)[1] for role in roles}


def known_values() -> dict[str, list[Any]]:
    """The demo's own ids and codes, by the name of the path parameter that takes them."""
    from nsm.monitoring.models import ProgressReport, ReportingCycle
    from nsm.strategy.models import Activity, Indicator, Strategy

    return {
        "report_id": sorted(ProgressReport.objects.values_list("pk", flat=True)),
        "cycle_id": sorted(ReportingCycle.objects.values_list("pk", flat=True)),
        "activity_id": sorted(Activity.objects.values_list("pk", flat=True)),
        "indicator_id": sorted(Indicator.objects.values_list("pk", flat=True)),
        "code": sorted(Strategy.objects.values_list("code", flat=True)),
    }


def load_schema() -> Any:
    import schemathesis

    from nsm.wsgi import application

    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, application)


def checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]


def strategy_for(operation: Any, mode: Any, known: dict[str, list[Any]], headers: dict[str, str]) -> Any:
    """The operation's cases; valid ones take the demo's ids and codes three times in four (random ids are 404)."""
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    cases = operation.as_strategy(generation_mode=mode, headers=headers)
    names = [parameter.name for parameter in operation.path_parameters if known.get(parameter.name)]
    if mode != GenerationMode.POSITIVE or not names:
        return cases
    values = st.fixed_dictionaries({name: st.sampled_from(known[name]) for name in names})

    def use_known(drawn: tuple[Any, bool, dict[str, Any]]) -> Any:
        case, replace, chosen = drawn
        if replace:
            case.path_parameters = {**case.path_parameters, **chosen}
        return case

    return st.tuples(cases, st.sampled_from([True, True, True, False]), values).map(use_known)


def can_be_invalid(operation: Any) -> bool:
    """Whether an invalid request can be made: not when the only parameters are strings in the path (any string is
    valid there; Hypothesis would search for a while before giving up)."""
    if len(operation.query) or operation.body:
        return True
    return any(
        parameter.definition.get("schema", {}).get("type") != "string" for parameter in operation.path_parameters
    )


def fuzz(
    strategy: Any, *, examples: int, seed: int, headers: dict[str, str], tally: Tally, errors: ServerErrors
) -> None:
    """Send up to `examples` cases, checking each response; a failure is noted, not raised, so that every case is
    sent and nothing is shrunk (the run stays bounded)."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    selected = checks()

    @hypothesis_seed(seed)
    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        errors.last = ""
        response = case.call(headers=headers)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=selected, headers=headers)
        except (AssertionError, BaseExceptionGroup) as raised:  # a schemathesis Failure, or a FailureGroup of them
            failures = getattr(raised, "exceptions", None) or (raised,)
            curl = case.as_curl_command(headers=headers, base_url=REPRODUCE_BASE_URL)
            curl = curl.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $NSM_TOKEN"')
            for failure in failures:
                tally.failures.append(
                    Failure(
                        operation=f"{case.method} {case.path}",
                        title=getattr(failure, "title", type(failure).__name__),
                        message=getattr(failure, "message", str(failure)),
                        status=response.status_code,
                        curl=curl,
                        body=response.text[:2000],
                        server_traceback=errors.last if response.status_code >= 500 else "",
                    )
                )

    run()


def fuzz_role(
    schema: Any, key: str, *, cases: int, seed: int, known: dict[str, list[Any]], errors: ServerErrors
) -> Tally:
    """At least `cases` cases spread over the operations: valid ones, then invalid ones, then more valid ones with
    the next seeds until the count is reached (Hypothesis sends fewer when an input space is small, and no invalid
    request can be made for an operation whose only parameter is any string)."""
    from hypothesis.errors import HypothesisException
    from schemathesis import GenerationMode

    operations = [result.ok() for result in schema.get_all_operations()]
    headers = {"Authorization": f"Bearer {key}"}
    per_operation = math.ceil(cases / len(operations))
    positive = math.ceil(per_operation * POSITIVE_SHARE)
    plan = [(GenerationMode.POSITIVE, positive), (GenerationMode.NEGATIVE, per_operation - positive)]
    tally = Tally()
    round_seed = seed
    while True:
        for mode, examples in plan:
            for operation in operations:
                if mode == GenerationMode.NEGATIVE and not can_be_invalid(operation):
                    continue
                try:
                    strategy = strategy_for(operation, mode, known, headers)
                    fuzz(strategy, examples=examples, seed=round_seed, headers=headers, tally=tally, errors=errors)
                except HypothesisException as refused:  # no case of this kind can be made for this operation
                    tally.skipped.append(f"{mode.value} {operation.label}: {type(refused).__name__}")
        if tally.cases >= cases:
            return tally
        round_seed += 1
        missing = cases - tally.cases
        plan = [(GenerationMode.POSITIVE, math.ceil(missing / len(operations)))]


# --- Hostile requests ---

CONTROL_TEXTS = ("\x00", "before\x00after", "\x01\x1b\x7f")


@dataclass(frozen=True)
class Hostile:
    """One request: what it tries, and how it is sent."""

    label: str
    method: str
    path: str  # the template, for the documented statuses
    url: str  # percent-encoded path with its query string
    body: bytes | None = None


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _options(document: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(document, schema)
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return [_resolve(document, option) for option in schema[union] if option.get("type") != "null"]
    return [schema]


def example(
    document: dict[str, Any], schema: dict[str, Any], known: dict[str, list[Any]], path: tuple[Any, ...] = ()
) -> tuple[Any, list[tuple[tuple[Any, ...], int | None]]]:
    """A valid value with every property (one item per list, the demo's ids), and the places that take a string:
    (path, the string's maxLength or None). A dict of any keys (an indicator's cells) gets one key, also a place."""
    options = _options(document, schema)
    texts = [option for option in options if option.get("type") == "string"]
    places = [(path, texts[0].get("maxLength"))] if texts and path else []
    chosen = options[0]
    kind = chosen.get("type")
    if "enum" in chosen:
        return chosen["enum"][0], places
    if kind == "object":
        value: dict[str, Any] = {}
        for name, sub in chosen.get("properties", {}).items():
            value[name], more = example(document, sub, known, (*path, name))
            places += more
        if isinstance(chosen.get("additionalProperties"), dict):
            value["female"] = "1"
            places.append(((*path, "#key"), None))
        return value, places
    if kind == "array":
        item, more = example(document, chosen.get("items", {}), known, (*path, 0))
        return [item], places + more
    if kind == "integer":
        name = str(path[-1]) if path else ""
        return (known.get(name) or [max(1, chosen.get("minimum", 1))])[0], places
    return {"string": "Checked.", "number": 1, "boolean": False}.get(kind), places


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    """A copy of `value` with the string at `path` replaced (`#key`: the dict's one key renamed)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    if rest == ("#key",):
        [(_key, item)] = value[head].items()
        return {**value, head: {new: item}}
    if isinstance(value, list):
        return [_replaced(item, rest, new) if index == head else item for index, item in enumerate(value)]
    return {**value, head: _replaced(value[head], rest, new)}


def _url(template: str, values: dict[str, str], query: dict[str, str] | None = None) -> str:
    url = template
    for name, value in values.items():
        url = url.replace(f"{{{name}}}", quote(value, safe=""))
    return url + ("?" + urlencode(query) if query else "")


def hostile_cases(document: dict[str, Any], known: dict[str, list[Any]], body_limit: int) -> Iterator[Hostile]:
    """Every operation's hostile requests; each is refused with a 4xx in the API's error shape."""
    huge = {"over the API's bound": body_limit + 1, "over Django's own bound (11 MB)": 11 * 1024 * 1024 + 1}
    for template, operations in document["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            path_values = {p["name"]: str((known.get(p["name"]) or ["1"])[0]) for p in parameters if p["in"] == "path"}
            for parameter in parameters:
                if _resolve(document, parameter.get("schema", {})).get("type") not in ("string", None):
                    continue
                for text in CONTROL_TEXTS:
                    if parameter["in"] == "path":
                        url = _url(template, {**path_values, parameter["name"]: text})
                    else:
                        url = _url(template, path_values, {parameter["name"]: text})
                    yield Hostile(f"{parameter['in']} {parameter['name']}={text!r}", method, template, url)
            content = operation.get("requestBody", {}).get("content", {}).get("application/json")
            url = _url(template, path_values)
            for label, size in huge.items():
                yield Hostile(f"a body {label}", method, template, url, b'{"x": "' + b"x" * size + b'"}')
            if not content:
                continue
            body, places = example(document, content["schema"], known)
            for place, limit in places:
                for text in (*CONTROL_TEXTS, "x" * ((limit or 10_000) + 1)):
                    label = f"{'.'.join(map(str, place))}={text[:12]!r}{'...' if len(text) > 12 else ''}"
                    yield Hostile(label, method, template, url, json.dumps(_replaced(body, place, text)).encode())
            raw = json.dumps(body)
            yield Hostile("a key given twice", method, template, url, (raw[:-1] + ', "version": 1}').encode())
            yield Hostile("JSON nested 100,000 deep", method, template, url, b"[" * 100_000 + b"]" * 100_000)
            lists = [name for name, value in body.items() if isinstance(value, list)]
            for name in lists:
                many = json.dumps({**body, name: body[name] * 20_000}).encode()
                yield Hostile(f"{name}: one line 20,000 times", method, template, url, many)


def _error_shaped(data: bytes) -> bool:
    try:
        answer = json.loads(data)
    except ValueError:
        return False
    return (
        isinstance(answer, dict) and set(answer) == {"error"} and {"code", "message", "details"} <= set(answer["error"])
    )


def send_hostile(
    client: Any, document: dict[str, Any], case: Hostile, key: str, tally: Tally, errors: ServerErrors
) -> None:
    """Send one hostile request; a 5xx, an undocumented status or an answer not in the error shape is a failure."""
    errors.last = ""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    response = client.open(case.url, method=case.method.upper(), data=case.body, headers=headers)
    status = response.status_code
    tally.cases += 1
    tally.statuses[status] += 1
    documented = document["paths"][case.path][case.method].get("responses", {})
    problem = ""
    if status >= 500:
        problem = "server error"
    elif status < 400:
        problem = "accepted"
    elif str(status) not in documented:
        problem = f"status {status} is not documented for the operation"
    elif not _error_shaped(response.get_data()):
        problem = "the answer is not the API's error shape"
    if problem:
        body = (case.body or b"")[:200].decode("utf-8", "replace")
        tally.failures.append(
            Failure(
                operation=f"{case.method.upper()} {case.path}",
                title=f"hostile: {case.label}: {problem}",
                message=f"{case.method.upper()} {case.url[:300]} with a body of {len(case.body or b''):,} bytes",
                status=status,
                curl=f"curl -X {case.method.upper()} '{REPRODUCE_BASE_URL}{case.url[:300]}' -d '{body}...'",
                body=response.get_data(as_text=True)[:2000],
                server_traceback=errors.last if status >= 500 else "",
            )
        )


def fuzz_hostile(key: str, *, known: dict[str, list[Any]], errors: ServerErrors) -> Tally:
    from django.conf import settings
    from werkzeug.test import Client

    from nsm.wsgi import application

    client = Client(application)
    document = json.loads(client.get(SCHEMA_PATH).get_data())
    tally = Tally()
    for case in hostile_cases(document, known, settings.API_MAX_BODY_BYTES):
        send_hostile(client, document, case, key, tally, errors)
    return tally


def report(role: str, tally: Tally, seconds: float) -> None:
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(tally.statuses.items()))
    print(
        f"== {role}: {tally.cases} cases, {len(tally.failures)} failures, {tally.server_errors} server errors (5xx) "
        f"in {seconds:.0f} s  [{statuses}]",
        flush=True,
    )
    for skipped in tally.skipped:
        print(f"   skipped: {skipped}")
    for number, failure in enumerate(tally.failures, 1):
        print(f"\n-- {role} failure {number}: {failure.operation}: {failure.title} (status {failure.status})")
        print(failure.message)
        print(f"Reproduce (with a {role} token in NSM_TOKEN):\n    {failure.curl}")
        print(f"Response body: {failure.body}")
        if failure.server_traceback:
            print(f"Server traceback:\n{failure.server_traceback}")
    sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000, help="generated requests per role, at least")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--roles", nargs="*", default=list(ROLES), choices=ROLES)
    parser.add_argument("--hostile-only", action="store_true", help="only the hostile requests, no generated ones")
    options = parser.parse_args()

    started = time.monotonic()
    database = setup_database()
    errors = ServerErrors()
    request_log = logging.getLogger("django.request")
    request_log.handlers, request_log.propagate = [errors], False  # 4xx warnings are expected; 5xx are reported
    logging.getLogger("nsm.security").setLevel(logging.ERROR)  # refused requests: thousands, all expected
    keys = make_tokens(options.roles)
    known = known_values()
    schema = load_schema()
    operations = sum(1 for _ in schema.get_all_operations())
    print(f"== database {database}, demo loaded, {operations} operations in {time.monotonic() - started:.0f} s")

    failed = False
    for role in options.roles:
        if not options.hostile_only:
            begun = time.monotonic()
            tally = fuzz_role(schema, keys[role], cases=options.cases, seed=options.seed, known=known, errors=errors)
            report(role, tally, time.monotonic() - begun)
            failed = failed or bool(tally.failures) or tally.cases < options.cases
        begun = time.monotonic()
        hostile = fuzz_hostile(keys[role], known=known, errors=errors)
        report(f"{role}, hostile", hostile, time.monotonic() - begun)
        failed = failed or bool(hostile.failures) or not hostile.cases
    print(f"== {'FAILED' if failed else 'passed'} in {time.monotonic() - started:.0f} s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
