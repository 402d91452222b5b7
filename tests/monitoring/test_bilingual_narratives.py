"""A report line's narrative takes both languages (issue 18 item 6), either one sufficing: the page shows the one of
its language, else the other marked with `lang`; the form has a field for each and keeps both on a refusal; the
workbook writes and reads both (an earlier workbook's one narrative column is read as the Albanian one, and leaves
the English one as it was); the API gives both and the request's one, and takes both."""

import io
import json
import re

import pytest
from openpyxl import load_workbook

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress
from nsm.monitoring.workbook import export_report, import_report
from tests.api.conftest import api_for  # noqa: F401
from tests.monitoring.conftest import complete_inputs, fill
from tests.monitoring.test_pages import form_values, line_ids, url


def lines_of(report) -> list[ActivityProgress]:
    return list(ActivityProgress.objects.filter(report=report).order_by("activity__sort_key"))


@pytest.fixture
def submitted(report, focal_point):
    """The report submitted with its first line's narrative in Albanian only, its second's in both languages."""
    activities, indicators = complete_inputs(report)
    activities[0] = services.ActivityLineInput(
        activities[0].activity_id, status="delayed", percent_complete=20, narrative_sq="Prokurimi u vonua."
    )
    activities[1] = services.ActivityLineInput(
        activities[1].activity_id, status="on_track", percent_complete=40,
        narrative_sq="Dy qendra u rikonstruktuan.", narrative_en="Two centres refurbished.",
    )  # fmt: skip
    services.save_report(report, by=focal_point, version=report.version, activities=activities, indicators=indicators)
    report.refresh_from_db()
    services.submit_report(report, by=focal_point)
    report.refresh_from_db()
    return report


def page(client, report, language) -> str:
    client.cookies["django_language"] = language
    return client.get(url("report", report.pk)).content.decode()


def test_the_page_shows_its_languages_narrative_else_the_other_marked(client_for, secretariat, submitted):
    client = client_for(secretariat)
    english = page(client, submitted, "en")
    assert "Two centres refurbished." in english and "Dy qendra u rikonstruktuan." not in english
    assert '<span lang="sq">Prokurimi u vonua.</span>' in english
    albanian = page(client, submitted, "sq")
    assert "Dy qendra u rikonstruktuan." in albanian and "Two centres refurbished." not in albanian
    assert "Prokurimi u vonua." in albanian and '<span lang="sq">' not in albanian


def test_reading_narrative_gives_the_active_language_and_writing_it_is_refused(submitted):
    from django.utils import translation

    first, second = lines_of(submitted)[:2]
    with translation.override("en"):
        assert (first.narrative, second.narrative) == ("Prokurimi u vonua.", "Two centres refurbished.")
    with translation.override("sq"):
        assert second.narrative == "Dy qendra u rikonstruktuan."
    with pytest.raises(AttributeError, match="narrative_sq or narrative_en"):
        first.narrative = "Lost"


def test_the_form_has_a_labelled_field_for_each_language_and_keeps_both_on_a_refusal(client_for, focal_point, report):
    client = client_for(focal_point)
    data = form_values(client.get(url("report", report.pk)))
    first = line_ids(report)[0][0]
    data |= {f"a{first}_narrative_sq": "E shkruar shqip.", f"a{first}_narrative_en": "Written in English."}
    data |= {f"a{first}_spent_donor": "a lot"}
    response = client.post(url("report", report.pk), data)
    html = response.content.decode()
    assert "Enter a number." in html
    assert f'for="id_a{first}_narrative_sq">Narrative (Albanian)' in html
    assert f'for="id_a{first}_narrative_en">Narrative (English, optional)' in html
    assert 'lang="sq"' in html and 'lang="en"' in html
    assert re.search(r">\s*E shkruar shqip.</textarea>", html) and re.search(
        r">\s*Written in English.</textarea>", html
    )
    assert not ActivityProgress.objects.filter(report=report).exclude(narrative_sq="", narrative_en="").exists()


def test_a_delayed_activity_explained_in_english_only_is_accepted(report, focal_point):
    activities, indicators = complete_inputs(report)
    activities[0] = services.ActivityLineInput(
        activities[0].activity_id, status="delayed", percent_complete=20, narrative_en="Procurement was late."
    )
    services.save_report(report, by=focal_point, version=report.version, activities=activities, indicators=indicators)
    line = ActivityProgress.objects.get(report=report, activity_id=activities[0].activity_id)
    assert (line.narrative_sq, line.narrative_en, line.narrative) == (
        "",
        "Procurement was late.",
        "Procurement was late.",
    )


# --- The workbook ---


def workbook_of(report):
    return load_workbook(io.BytesIO(export_report(report, "en")))


def upload(report, workbook, user):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return import_report(report, buffer, user)


def activity_rows(sheet):
    return [row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value]


def test_the_workbook_writes_and_reads_both_narratives(report, focal_point):
    workbook = workbook_of(report)
    sheet = workbook["Activities"]
    assert (sheet["H1"].value, sheet["I1"].value) == ("Narrative (Albanian)", "Narrative (English)")
    for row in activity_rows(sheet):
        sheet[f"H{row}"], sheet[f"I{row}"] = "Po ecën mirë.", "Going well."
    upload(report, workbook, focal_point)
    assert {(line.narrative_sq, line.narrative_en) for line in lines_of(report)} == {("Po ecën mirë.", "Going well.")}
    report.refresh_from_db()
    again = workbook_of(report)["Activities"]
    assert (again["H2"].value, again["I2"].value) == ("Po ecën mirë.", "Going well.")


def test_an_earlier_workbooks_one_narrative_column_is_read_as_albanian_and_the_english_kept(report, focal_point):
    ActivityProgress.objects.filter(report=report).update(narrative_en="Kept in English.")
    workbook = workbook_of(report)
    sheet = workbook["Activities"]
    sheet.delete_cols(9)  # as workbooks were before: one narrative column, headed "Narrative"
    sheet["H1"] = "Narrative"
    for row in activity_rows(sheet):
        sheet[f"H{row}"] = "Shkruar në kolonën e vjetër."
    upload(report, workbook, focal_point)
    assert {(line.narrative_sq, line.narrative_en) for line in lines_of(report)} == {
        ("Shkruar në kolonën e vjetër.", "Kept in English.")
    }


# --- The API ---


def test_the_api_gives_both_narratives_and_the_requests_one(api_for, focal_point, submitted):  # noqa: F811
    client = api_for(focal_point)
    english = client.get(f"/api/v1/reports/{submitted.pk}", HTTP_ACCEPT_LANGUAGE="en").json()["activities"]
    albanian = client.get(f"/api/v1/reports/{submitted.pk}", HTTP_ACCEPT_LANGUAGE="sq").json()["activities"]
    first, second = english[0], english[1]
    assert (first["narrative"], first["narrative_sq"], first["narrative_en"]) == (
        "Prokurimi u vonua.", "Prokurimi u vonua.", "",
    )  # fmt: skip
    assert (
        second["narrative"] == "Two centres refurbished." and albanian[1]["narrative"] == "Dy qendra u rikonstruktuan."
    )


def test_the_api_takes_both_narratives_and_the_earlier_name_as_albanian(api_for, focal_point, report):  # noqa: F811
    fill(report, focal_point)
    first, second = lines_of(report)[:2]
    payload = {
        "version": report.version,
        "activities": [
            {"activity_id": first.activity_id, "narrative_sq": "Shqip.", "narrative_en": "English."},
            {"activity_id": second.activity_id, "narrative": "Emri i vjetër."},
        ],
    }
    response = api_for(focal_point).patch(
        f"/api/v1/reports/{report.pk}/lines", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.narrative_sq, first.narrative_en) == ("Shqip.", "English.")
    assert (second.narrative_sq, second.narrative_en) == ("Emri i vjetër.", "")


def test_a_line_read_from_the_api_with_its_narrative_changed_writes_it_in_the_language_shown(
    api_for,  # noqa: F811
    focal_point,
    report,
):
    fill(report, focal_point)
    first = lines_of(report)[0]
    ActivityProgress.objects.filter(pk=first.pk).update(narrative_en="In English.")
    client = api_for(focal_point)
    report.refresh_from_db()
    body = client.get(f"/api/v1/reports/{report.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    line = {**body["activities"][0], "narrative": "Changed in English."}
    sent = {key: line[key] for key in ("activity_id", "narrative", "narrative_sq", "narrative_en")}
    payload = json.dumps({"version": body["version"], "activities": [sent]})
    response = client.patch(
        f"/api/v1/reports/{report.pk}/lines", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200, response.content
    first.refresh_from_db()
    assert (first.narrative_sq, first.narrative_en) == ("Going well.", "Changed in English.")
