"""Each country's data kept apart: signed in as each user of Kosovo and of Albania, every page of the site (on each
country's objects), every API list and detail and every export shows nothing of the other country that the other
country has not published.

The scenario (conftest.py) gives Kosovo institutions of the same codes as Albania's (its own MPB and AKPA), a plan, a
cycle and a report of its AKPA. Before, institution codes were unique across countries: a Kosovo plan naming MPB was
tied to Albania's ministry, and AKPA's focal point saw and opened Kosovo's report asked of "AKPA".

What one country publishes is everybody's: Kosovo's strategy is public (its public page and open data name its plan
and institutions), Albania has a public consultation round (its page names Albania's plan), and the list of
institutions shows those of every country that publishes something. Those pages may name the other country's plan
(`PUBLISHED`), never what it keeps to itself: a report's narrative, a training's or meeting's participants, the
evidence base (`private` markers).
"""

import contextlib
import html
import io
import json
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from nsm.accounts.models import Institution
from nsm.monitoring.models import ProgressReport
from tests.security.conftest import XK_INSTITUTIONS, XK_NARRATIVE
from tests.security.test_access_matrix import (
    API,
    PK_OF,
    _object,
    api_cases,
    cases,
    request,
    site_patterns,
    with_annual_issue,
    with_assessment,
    with_consultation_report,
    with_document,
    with_notification,
    with_remark,
)

AL_USERS = ("stakeholder", "focal", "focal2", "secretariat", "coordinator", "viewer")
XK_USERS = ("xk_secretariat", "xk_focal")

# Kosovo's object behind each scenario key of the matrix's pages and API parameters.
XK_OBJECT = {
    "strategy": "xk_strategy",
    "measure": "xk_measure",
    "activity": "xk_activity",
    "indicator": "xk_indicator",
    "cycle": "xk_cycle",
    "report": "xk_report",
    "other_report": "xk_report",
    "assessment": "xk_assessment",
}
XK_API_PARAMS = {
    "report_id": "xk_report",
    "cycle_id": "xk_cycle",
    "activity_id": "xk_activity",
    "indicator_id": "xk_indicator",
    "code": "xk_strategy",
}

# Pages and API operations that show what a country published, and so may name its plan to the other country's
# users (never its private data), by the viewer's country.
PUBLISHED = {
    "AL": {  # Kosovo's strategy is public: its public page, its open data, the list of public strategies
        "accounts:institutions",
        "tracking:public_index",
        "tracking:public",
        "list_open_strategies",
        "open_indicators_json",
        "open_indicators_csv",
        "open_activities_json",
        "open_activities_csv",
        "reports:published",
    },
    "XK": {  # Albania's consultation round is public, and so is the consultation report issued for it
        "accounts:institutions",
        "consultation:public",
        "reports:consultation",
    },
}


@pytest.fixture(scope="module")
def scenario(scenario, django_db_blocker):
    """The matrix's scenario, with its document and its notice, so that the crawl requests the very pages the matrix
    does."""
    with_assessment(scenario, django_db_blocker)
    with_consultation_report(scenario, django_db_blocker)
    with_annual_issue(scenario, django_db_blocker)
    with_remark(scenario, django_db_blocker)
    return with_notification(with_document(scenario, django_db_blocker), django_db_blocker)


def markers(scenario: Any) -> dict[str, dict[str, list[str]]]:
    """Text unique to each country: its plan (which it may publish) and what it never publishes."""
    albanian = Institution.objects.filter(country="AL", code__in=["MSHMS", "AKPA", "MPB"])
    return {
        "AL": {
            "plan": [scenario.strategy.code, *(i.name_en for i in albanian)],
            "private": ["Ilir Leka", "Alma Kola", "remittances survey", "Send the costs", "proof.pdf"],
        },
        "XK": {
            "plan": [scenario.xk_strategy.code, *(name for pair in XK_INSTITUTIONS.values() for name in pair)],
            "private": [XK_NARRATIVE.split(" (")[0]],
        },
    }


def text_of(body: bytes) -> str:
    """What a response says: an xlsx's XML parts, JSON with its escapes undone, HTML with its entities undone."""
    if zipfile.is_zipfile(io.BytesIO(body)):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist() if name.endswith(".xml"))
    text = body.decode("utf-8", "replace")
    if text[:1] in "[{":
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return html.unescape(text)


def xk_cases(scenario: Any) -> list[tuple[str, str]]:
    """(case id, URL) of every page of a Kosovo object or of Kosovo's strategy."""
    found = []
    for name, _route, params in site_patterns():
        if not {"code", "pk"} & set(params) or "number" in params:
            continue
        for variant, key in PK_OF.get(name, {"": None}).items():
            if "pk" in params and key not in XK_OBJECT:
                continue
            kwargs: dict[str, Any] = {"path": "no/such/address"} if "path" in params else {}
            if "code" in params:
                kwargs["code"] = scenario.xk_strategy.code
            if "kind" in params:  # a narrative chapter of Kosovo's strategy
                kwargs["kind"] = "vision"
            if "period" in params:  # a monitoring report's year
                kwargs["period"] = "2024"
            if "subject" in params:  # the draft remarks are about: a chapter of Kosovo's strategy
                kwargs["subject"] = "chapter-vision"
            if "institution" in params:  # a scorecard: the institution that leads Kosovo's activity (its own AKPA)
                kwargs["institution"] = scenario.xk_activity.lead.code
            if "language" in params and "fmt" in params:  # a file of Kosovo's (its GCM review's draft)
                kwargs.update(language="en", fmt="xlsx")
            if "pk" in params:
                kwargs["pk"] = _object(scenario, XK_OBJECT[key]).pk
            if "language" in params:  # a document's file (an SDG 10.7.2 self-assessment's)
                kwargs |= {"language": "en", "fmt": "xlsx"}
            found.append((f"{name}[{variant} of XK]" if variant else f"{name}[XK]", reverse(name, kwargs=kwargs)))
    return found


def api_gets(scenario: Any, document: dict) -> list[tuple[str, str]]:
    """(case id, URL) of every API read (lists, details, open data) on each country's objects, and the report lists
    filtered by the codes both countries use."""
    found = [(case, url) for case, method, url, _body in api_cases(scenario, document)[0] if method == "get"]
    for path, operations in document["paths"].items():
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if "get" not in operations or not names or not set(names) <= XK_API_PARAMS.keys():
            continue
        url = API + path.replace("/api/v1", "", 1)
        for name in names:
            obj = _object(scenario, XK_API_PARAMS[name])
            url = url.replace(f"{{{name}}}", str(obj.code if name == "code" else obj.pk))
        found.append((f"{operations['get']['operationId']}[XK]", url))
    found += [(f"list_reports[{code}]", f"{API}/reports?institution={code}") for code in XK_INSTITUTIONS]
    return list(dict.fromkeys(found))


def country_of(role: str) -> str:
    return "XK" if role in XK_USERS else "AL"


def leaks(case: str, role: str, body: bytes, words: dict[str, dict[str, list[str]]]) -> list[str]:
    """The other country's words found in the body (its plan's only where it is published)."""
    mine = country_of(role)
    other = words["XK" if mine == "AL" else "AL"]
    text = text_of(body)
    published = case.split("[")[0] in PUBLISHED[mine]
    looked_for = other["private"] + ([] if published else other["plan"])
    return [word for word in looked_for if word in text]


def test_no_page_shows_the_other_countrys_data(scenario, client_for, db):
    words = markers(scenario)
    pages = list(dict.fromkeys([*cases(scenario)[0], *xk_cases(scenario)]))
    found = []
    for role in (*AL_USERS, *XK_USERS):
        client = client_for(scenario.users[role])
        for case, url in pages:
            cell, status, method, body = request(client, url)
            if cell == "A" and (seen := leaks(case, role, body, words)):
                found.append(f"{role:>14} {method} {url} ({case}, {status}): {', '.join(seen)}")
    assert not found, "pages that show the other country's data:\n" + "\n".join(found)


def test_no_api_answer_or_export_shows_the_other_countrys_data(scenario, client, db):
    words = markers(scenario)
    reads = api_gets(scenario, client.get(f"{API}/openapi.json").json())
    found = []
    for role in (*AL_USERS, *XK_USERS):
        api = Client(headers={"authorization": f"Bearer {scenario.keys[role]}"})
        for case, url in reads:
            response = api.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            if response.status_code < 300 and (seen := leaks(case, role, body, words)):
                found.append(f"{role:>14} GET {url} ({case}): {', '.join(seen)}")
    assert not found, "API answers that show the other country's data:\n" + "\n".join(found)


def test_the_crawl_reaches_each_countrys_own_report_and_plan(scenario, client_for, db):
    """The crawl above is not vacuous: each country's users do open their own objects (and the markers are there)."""
    xk = client_for(scenario.users["xk_focal"])
    report = xk.get(reverse("monitoring:report", kwargs={"pk": scenario.xk_report.pk}))
    assert report.status_code == 200 and XK_NARRATIVE in html.unescape(report.content.decode())
    export = xk.get(reverse("strategy:export", kwargs={"code": scenario.xk_strategy.code}))
    assert "Prishtina" in text_of(b"".join(export.streaming_content))
    al = client_for(scenario.users["focal"])
    training = al.get(reverse("capacity:training", kwargs={"pk": scenario.training.pk}))
    assert "Ilir Leka" in training.content.decode()


# --- The findings, reproduced --------------------------------------------------------------------------------------


def test_kosovos_plan_names_kosovos_own_institutions(scenario, db):
    assert (scenario.xk_activity.lead.code, scenario.xk_activity.lead.country) == ("AKPA", "XK")
    assert scenario.xk_report.institution == scenario.xk_activity.lead


@pytest.mark.parametrize("path", ["page", "api"])
def test_albanias_akpa_focal_point_cannot_see_kosovos_akpa_report(path, scenario, client_for, db):
    fp2 = scenario.users["focal2"]  # Albania's AKPA
    if path == "page":
        url = reverse("monitoring:report", kwargs={"pk": scenario.xk_report.pk})
        assert client_for(fp2).get(url).status_code == 404
    else:
        api = Client(headers={"authorization": f"Bearer {scenario.keys['focal2']}"})
        assert api.get(f"{API}/reports/{scenario.xk_report.pk}").status_code == 404
        listed = api.get(f"{API}/reports?institution=AKPA").json()["items"]
        assert {item["id"] for item in listed} == {scenario.other_report.pk}


def test_a_report_asked_of_another_countrys_institution_stays_shut_to_its_focal_point(scenario, client_for, db):
    """A report that an old plan asked of Albania's AKPA in Kosovo's cycle (before countries were kept apart) is not
    Albania's AKPA's to see or fill in."""
    akpa = Institution.objects.get(code="AKPA", country="AL")
    stray = ProgressReport.objects.create(cycle=scenario.xk_cycle, institution=akpa)
    fp2 = scenario.users["focal2"]
    assert not ProgressReport.objects.visible_to(fp2).filter(pk=stray.pk).exists()
    assert not ProgressReport.objects.editable_by(fp2).filter(pk=stray.pk).exists()
    assert client_for(fp2).get(reverse("monitoring:report", kwargs={"pk": stray.pk})).status_code == 404
