"""docs/api.md's examples are run: its HTTP exchanges answer as the page says, its curl commands and its Python
succeed, in the page's order, against a report like the demo's. Docs and behaviour cannot drift apart.

The page's ids stand for the objects made here (report 42, activity 12, indicator 7, cycle 3); each request is sent
with the real ids, each documented answer compared with the real one (every key it shows, with its value; a list's
items found among the real ones; error details all of them).
"""

import datetime
import io
import json
import re
import shlex
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from nsm.accounts import services as account_services
from nsm.monitoring import services
from nsm.monitoring.models import IndicatorValue, ProgressReport
from nsm.reference.models import DisaggregationDimension
from tests.factories import ActivityFactory, IndicatorFactory, InstitutionFactory, MeasureFactory, StrategyFactory
from tests.monitoring.conftest import complete_inputs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
HOST = "https://nsm.example.gov.al"


@dataclass
class World:
    """The objects behind the page's ids, and a client per role the page names."""

    ids: dict[str, dict[int, int]]  # kind -> the page's id -> the real one
    clients: dict[str, Client]
    keys: dict[str, str]

    def path(self, path: str) -> str:
        """The page's address with real ids: `/reports/42`, `/cycles/3`, `?cycle=3`."""
        path = path.replace(HOST, "")
        path = re.sub(r"/(reports|cycles)/(\d+)", lambda m: f"/{m[1]}/{self.ids[m[1][:-1]][int(m[2])]}", path)
        return re.sub(r"([?&]cycle=)(\d+)", lambda m: f"{m[1]}{self.ids['cycle'][int(m[2])]}", path)

    def body(self, value: Any) -> Any:
        """The page's JSON with real ids: `activity_id`, `indicator_id`, and a `line`'s `id` by its `kind`."""
        if isinstance(value, list):
            return [self.body(item) for item in value]
        if not isinstance(value, dict):
            return value
        out = {key: self.body(item) for key, item in value.items()}
        for key in ("activity_id", "indicator_id"):
            if isinstance(out.get(key), int):
                out[key] = self.ids[key.removesuffix("_id")].get(out[key], out[key])
        if out.get("kind") in self.ids and isinstance(out.get("id"), int):
            out["id"] = self.ids[out["kind"]].get(out["id"], out["id"])
        return out


@pytest.fixture
def world(focal_point, secretariat) -> World:
    """A report like the demo's (see docs/api.md, "The lines of a report"), at version 3."""
    strategy = StrategyFactory(code="AL-NSM-2024-2030", is_public=True)
    mshms = InstitutionFactory(code="MSHMS")
    measure = MeasureFactory(
        parent__parent__strategy=strategy, parent__parent__code="1", parent__code="1.1", code="1.1.1"
    )
    first = ActivityFactory(measure=measure, code="1.1.1.1", lead=mshms)
    second = ActivityFactory(measure=measure, code="1.1.1.2", lead=mshms)
    counted = IndicatorFactory(result=measure, code="1.1.1.1", responsible=mshms)
    counted.disaggregation.add(DisaggregationDimension.objects.get(code="sex"))
    cycle = services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=2024, half=2,
        opens_on=datetime.date(2024, 7, 1), due_on=datetime.date(2099, 1, 31),
    )  # fmt: skip
    services.open_cycle(cycle, by=secretariat)
    report = ProgressReport.objects.get(cycle=cycle, institution=mshms)
    activities, indicators = complete_inputs(report)
    services.save_report(report, by=focal_point, version=1, activities=activities, indicators=indicators)
    cells = dict(
        IndicatorValue.objects.filter(report=report, indicator=counted, category__isnull=False).values_list(
            "category__code", "category_id"
        )
    )
    services.save_report(
        report, by=focal_point, version=2,
        activities=[services.ActivityLineInput(
            second.pk, status="on_track", percent_complete=60, spent_state_budget=Decimal("1200000.00"),
            spent_donor=Decimal("2885000.00"), narrative_sq="Two reception centres refurbished, in Tirana and Durrës.",
        )],
        indicators=[services.IndicatorLineInput(
            counted.pk, total=Decimal(10), cells={cells["female"]: Decimal(6), cells["male"]: Decimal(4)},
            source="Border police registry",
        )],
    )  # fmt: skip
    report.refresh_from_db()
    assert report.version == 3
    keys = {
        role: account_services.create_api_token(user, name="docs")[1]
        for role, user in {"focal point": focal_point, "secretariat": secretariat}.items()
    }
    clients = {role: Client(headers={"authorization": f"Bearer {key}"}) for role, key in keys.items()}
    clients["anonymous"] = Client()
    ids = {
        "report": {42: report.pk},
        "cycle": {3: cycle.pk},
        "activity": {11: first.pk, 12: second.pk},
        "indicator": {7: counted.pk},
    }
    return World(ids=ids, clients=clients, keys=keys)


def contains(actual: Any, expected: Any, key: str = "") -> bool:
    """Whether `actual` holds every part of `expected`: the keys it shows, the items of its lists (all of a
    `details` list, no more, no fewer)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(k in actual and contains(actual[k], v, k) for k, v in expected.items())
    if isinstance(expected, list):
        if not isinstance(actual, list) or (key == "details" and len(actual) != len(expected)):
            return False
        return all(any(contains(item, wanted) for item in actual) for wanted in expected)
    return actual == expected


# --- The HTTP exchanges ---


@dataclass
class Exchange:
    method: str
    path: str
    role: str
    body: Any
    status: int
    answer: Any
    line: int


def _head_and_body(block: str) -> tuple[list[str], str]:
    head, _, body = block.partition("\n\n")
    return head.splitlines(), body.strip()


def exchanges(text: str) -> list[Exchange]:
    """Each ```http request block with the ```http answer block that follows it."""
    blocks = [(m[1], m[2], text.count("\n", 0, m.start()) + 1) for m in FENCE.finditer(text)]
    found = []
    for (kind, block, line), (next_kind, answer, _line) in zip(blocks, blocks[1:], strict=False):
        if kind != "http" or not re.match(r"(GET|POST|PUT|PATCH|DELETE) ", block):
            continue
        assert next_kind == "http" and answer.startswith("HTTP/1.1 "), f"docs/api.md:{line}: no answer follows"
        head, body = _head_and_body(block)
        method, path, _version = head[0].split()
        headers = dict(h.split(": ", 1) for h in head[1:])
        role = re.fullmatch(r"Bearer <(.+)'s key>", headers.get("Authorization", "Bearer <anonymous's key>"))[1]
        answer_head, answer_body = _head_and_body(answer)
        found.append(
            Exchange(
                method=method,
                path=path,
                role=role,
                body=json.loads(body) if body else None,
                status=int(answer_head[0].split()[1]),
                answer=json.loads(answer_body) if answer_body else None,
                line=line,
            )
        )
    return found


def test_the_page_has_exchanges_to_run():
    kinds = [(e.method, e.status) for e in exchanges(DOCS.read_text(encoding="utf-8"))]
    assert ("PATCH", 200) in kinds and ("PUT", 422) in kinds and len(kinds) >= 5


def test_every_http_exchange_answers_as_documented(world):
    for exchange in exchanges(DOCS.read_text(encoding="utf-8")):
        where = f"docs/api.md:{exchange.line}: {exchange.method} {exchange.path}"
        response = world.clients[exchange.role].generic(
            exchange.method,
            world.path(exchange.path),
            json.dumps(world.body(exchange.body)) if exchange.body is not None else "",
            content_type="application/json",
        )
        assert response.status_code == exchange.status, f"{where}: {response.content.decode()[:2000]}"
        if exchange.answer is not None:
            actual = response.json()
            assert contains(actual, world.body(exchange.answer)), f"{where}: the answer is {json.dumps(actual)[:4000]}"


# --- The curl commands ---


def _shell_lines(block: str) -> list[str]:
    """The block's commands, each on one line: continued lines (`\\`) and quoted bodies over several lines joined."""
    lines, pending = [], ""
    for raw in block.splitlines():
        pending = f"{pending}\n{raw}" if pending else raw.strip()
        if pending.count("'") % 2:  # inside a quoted body
            continue
        if pending.endswith("\\"):
            pending = pending[:-1].rstrip() + " "
            continue
        lines.append(pending)
        pending = ""
    return lines


def curl_commands(text: str) -> list[tuple[str, str, str, str | None]]:
    """(role, method, path, body) of each curl command of the ```sh blocks, in order; the role is the secretariat's
    after a comment that starts with "secretariat", anonymous without a key, else the focal point's."""
    commands, role = [], "focal point"
    for match in FENCE.finditer(text):
        if match[1] != "sh":
            continue
        for line in _shell_lines(match[2]):
            if line.startswith("#"):
                role = "secretariat" if line.startswith("# secretariat") else "focal point"
            if not line.startswith("curl "):
                continue
            words = shlex.split(line)
            method = words[words.index("-X") + 1] if "-X" in words else ("POST" if "-d" in words else "GET")
            body = words[words.index("-d") + 1] if "-d" in words else None
            [address] = [w for w in words if w.startswith(("$NSM", HOST))]
            path = address.replace("$NSM", "/api/v1")
            commands.append((role if "Authorization: Bearer $KEY" in words else "anonymous", method, path, body))
    return commands


def test_every_curl_example_succeeds_in_the_pages_order(world):
    commands = curl_commands(DOCS.read_text(encoding="utf-8"))
    assert len(commands) >= 15
    for role, method, path, body in commands:
        data = json.dumps(world.body(json.loads(body))) if body else ""
        response = world.clients[role].generic(method, world.path(path), data, content_type="application/json")
        assert response.status_code in (200, 201), f"{role}: {method} {path}: {response.content.decode()[:2000]}"


# --- The Python examples ---


def test_the_python_examples_run(world, monkeypatch):
    """The page's Python, with `urllib.request.urlopen` answered by the test client instead of a server."""
    client = Client()

    def urlopen(request: urllib.request.Request):
        path = world.path(request.full_url)
        headers = {"authorization": request.get_header("Authorization")}
        response = client.generic(
            request.get_method(), path, request.data or b"", content_type="application/json", headers=headers
        )
        if response.status_code >= 400:
            raise urllib.error.HTTPError(path, response.status_code, "", {}, io.BytesIO(response.content))
        return io.BytesIO(response.content)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    namespace = {"KEY": world.keys["focal point"]}
    blocks = [m[2] for m in FENCE.finditer(DOCS.read_text(encoding="utf-8")) if m[1] == "python"]
    assert len(blocks) >= 2
    for block in blocks:
        exec(block, namespace)  # noqa: S102 - the page's own example
    report = ProgressReport.objects.get(pk=world.ids["report"][42])
    assert report.version == 4
    assert report.activity_lines.get(activity_id=world.ids["activity"][11]).percent_complete == 75
    assert len(namespace["activities"]) == 2
