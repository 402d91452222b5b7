"""The import preview groups what changes by kind, with the counts in each heading, folds what is unchanged and
offers its confirm button above the changes as well as below them (the same form); its queries do not grow with
the plan."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nsm.strategy.models import Strategy
from nsm.strategy.workbook import apply_plan, read_workbook
from tests.strategy.test_workbook_bulk import plan_of
from tests.strategy.workbook_support import load_code_lists, make_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def web(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_code_lists()


def upload(client, sheets):
    content = make_workbook(sheets)
    response = client.post("/plan/import/", {"file": SimpleUploadedFile("plan.xlsx", content, content_type=XLSX)})
    assert response.status_code == 200
    return response


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ,", ",")


def imported(sheets, user):
    apply_plan(read_workbook(make_workbook(sheets), name="plan.xlsx"), by=user)


def test_the_changes_are_grouped_by_kind_with_counts_in_the_headings(coordinator, client_for):
    imported(plan_of(5, code="AL-WB-5"), coordinator)
    sheets = plan_of(5, code="AL-WB-5")
    sheets["Activities"][1][2] = "Activity 1 (revised)"
    sheets["Activities"][2][2] = "Activity 2 (revised)"
    sheets["Activities"].append(["1.1.1.6", "Aktiviteti 6", "Activity 6", "MPB", "", "2024-Q2", "2025", 1, "", ""])
    html = upload(client_for(coordinator), sheets).content.decode()
    headings = [text_of(h) for h in re.findall(r'<h2 class="h5" id="kind-\d+">(.*?)</h2>', html, re.S)]
    assert "Activities: 1 created, 2 changed, 3 unchanged" in [h.strip() for h in headings]


def test_unchanged_items_are_folded_and_changes_open(coordinator, client_for):
    imported(plan_of(3, code="AL-WB-3"), coordinator)
    sheets = plan_of(3, code="AL-WB-3")
    sheets["Activities"][1][2] = "Activity 1 (revised)"
    html = upload(client_for(coordinator), sheets).content.decode()
    unchanged = re.findall(r"<details class=\"mb-1\"( open)?><summary><h3 class=\"h6 d-inline\">Unchanged", html)
    changed = re.findall(r"<details class=\"mb-1\"( open)?><summary><h3 class=\"h6 d-inline\">Changed", html)
    assert unchanged and set(unchanged) == {""}  # every "unchanged" list closed
    assert changed == [" open"]


def test_the_confirm_button_is_above_the_changes_and_below_them_for_the_same_form(coordinator, client_for):
    html = upload(client_for(coordinator), plan_of(3, code="AL-WB-3")).content.decode()
    assert html.count(">Apply these changes</button>") == 2 and html.count('id="import-confirm"') == 1
    form_at = html.index('id="import-confirm"')
    first_kind, last_button = html.index('id="kind-1"'), html.rindex(">Apply these changes</button>")
    assert form_at < first_kind < last_button
    assert re.search(r'<button type="submit" class="btn btn-primary" form="import-confirm">Apply', html)
    assert html.count(">Cancel</button>") == 2


def test_confirming_from_the_top_applies_the_import(coordinator, client_for):
    client = client_for(coordinator)
    upload(client, plan_of(3, code="AL-WB-3"))
    response = client.post("/plan/import/confirm/")
    assert response.status_code == 302 and Strategy.objects.filter(code="AL-WB-3").exists()


def test_a_file_that_changes_nothing_has_no_confirm_button(coordinator, client_for):
    imported(plan_of(3, code="AL-WB-3"), coordinator)
    html = upload(client_for(coordinator), plan_of(3, code="AL-WB-3")).content.decode()
    assert "Apply these changes" not in html and "there is nothing to change" in html


def preview_queries(client, sheets) -> int:
    with CaptureQueriesContext(connection) as captured:
        upload(client, sheets)
    return len(captured)


def test_the_preview_runs_as_many_queries_for_40_activities_as_for_3(coordinator, client_for):
    client = client_for(coordinator)
    counts = []
    for size in (3, 40):
        code = f"AL-WB-{size}"
        created = preview_queries(client, plan_of(size, code=code))
        imported(plan_of(size, code=code), coordinator)
        counts.append((created, preview_queries(client, plan_of(size, changed=True, code=code))))
    assert counts[0] == counts[1]
