"""The workbook on the web: upload, preview, confirm for plan editors; template and export; access rules."""

import io
import os
import time

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from openpyxl import load_workbook

from nsm.strategy.models import Activity, Strategy
from nsm.strategy.workbook_views import SESSION_KEY
from tests.factories import InstitutionFactory, MembershipFactory, StrategyFactory, UserFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, row_counts, set_cell, valid_sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def web(db, settings, tmp_path):
    """Uploads kept in a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    load_code_lists()
    return tmp_path / "media"


def upload(client, sheets=None, *, data: bytes | None = None, name: str = "plan.xlsx"):
    content = data if data is not None else make_workbook(sheets or valid_sheets())
    return client.post("/plan/import/", {"file": SimpleUploadedFile(name, content, content_type=XLSX)})


def stored_files(media) -> list:
    return sorted((media / "imports").glob("*")) if (media / "imports").exists() else []


def outsider():
    """A coordinator in another country: may edit plans, but not Albania's."""
    user = UserFactory(username="outsider")
    MembershipFactory(user=user, institution=InstitutionFactory(code="XK-MPB", country="XK"), role="coordinator")
    return user


def test_someone_not_signed_in_is_sent_to_sign_in(public):
    response = public.get("/plan/import/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["viewer", "focal_point"])
def test_readers_may_not_import(persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/plan/import/").status_code == 403
    assert upload(client).status_code == 403
    assert client.post("/plan/import/confirm/").status_code == 403
    assert not Strategy.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "secretariat"])
def test_plan_editors_see_the_upload_form(persona, request, client_for):
    response = client_for(request.getfixturevalue(persona)).get("/plan/import/")
    assert response.status_code == 200
    assert b'type="file"' in response.content
    assert b"/plan/import/template.xlsx" in response.content


def test_an_upload_is_kept_and_previewed_without_writing_anything(coordinator, client_for, web):
    client = client_for(coordinator)
    before = row_counts()
    response = upload(client)
    assert response.status_code == 200
    assert "Preview of the import" in response.content.decode()
    assert response.context["preview"].totals == {"created": 13, "changed": 0, "deleted": 0, "unchanged": 0}
    [kept] = stored_files(web)
    assert client.session[SESSION_KEY] == {
        "key": f"imports/{kept.name}",
        "name": "plan.xlsx",
        "fingerprint": response.context["preview"].fingerprint(),
    }
    assert row_counts() == before


def test_confirming_applies_the_upload_deletes_it_and_goes_to_the_plan(coordinator, client_for, web):
    client = client_for(coordinator)
    upload(client)
    response = client.post("/plan/import/confirm/")
    assert (response.status_code, response.url) == (302, "/plan/AL-WB-TEST/")
    assert Activity.objects.get(code="1.1.1.1").history.earliest().history_user == coordinator
    assert stored_files(web) == []
    [message] = get_messages(response.wsgi_request)
    assert str(message).startswith("AL-WB-TEST: created 13 (")
    assert SESSION_KEY not in client.session


def test_the_preview_names_the_fields_that_change_as_people_read_them(coordinator, client_for):
    client = client_for(coordinator)
    upload(client)
    client.post("/plan/import/confirm/")
    sheets = set_cell(valid_sheets(), "Activities!C3", "Activity two")
    set_cell(sheets, "Activities!E3", "ZKM")
    content = upload(client, sheets).content.decode()
    assert '1.1.1.2: <span class="text-body-secondary">title (English), supporting institutions</span>' in content
    assert "title_en" not in content and "partners" not in content
    assert "/plan/import/confirm/" in content


def test_the_preview_names_the_fields_in_albanian_for_an_albanian_interface(coordinator, client_for):
    client = client_for(coordinator)
    upload(client)
    client.post("/plan/import/confirm/")
    response = client.post(
        "/plan/import/",
        {"file": SimpleUploadedFile("plan.xlsx", make_workbook(set_cell(valid_sheets(), "Activities!C3", "Two")))},
        HTTP_ACCEPT_LANGUAGE="sq",
    )
    with translation.override("sq"):
        label = str(Activity._meta.get_field("title_en").verbose_name)
    assert label != "title (English)"
    assert f'1.1.1.2: <span class="text-body-secondary">{label}</span>' in response.content.decode()


def test_a_file_that_changes_nothing_offers_no_confirmation_and_is_not_kept(coordinator, client_for, web):
    client = client_for(coordinator)
    upload(client)
    client.post("/plan/import/confirm/")
    response = upload(client)
    assert "there is nothing to change" in response.content.decode()
    assert "/plan/import/confirm/" not in response.content.decode()
    assert stored_files(web) == []
    assert SESSION_KEY not in client.session


def test_cancelling_the_preview_deletes_the_kept_upload_and_saves_nothing(coordinator, client_for, web):
    client = client_for(coordinator)
    before = row_counts()
    assert "/plan/import/cancel/" in upload(client).content.decode()
    response = client.post("/plan/import/cancel/")
    assert (response.status_code, response.url) == (302, "/plan/import/")
    assert stored_files(web) == []
    assert SESSION_KEY not in client.session
    assert row_counts() == before
    assert client.post("/plan/import/confirm/").url == "/plan/import/"


def test_readers_may_not_cancel_an_import(viewer, client_for):
    assert client_for(viewer).post("/plan/import/cancel/").status_code == 403


def kept_upload(media, name: str, hours_old: float):
    path = media / "imports" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"PK")
    moment = time.time() - hours_old * 3600
    os.utime(path, (moment, moment))
    return path


def test_a_new_upload_deletes_kept_uploads_older_than_a_day(coordinator, client_for, web):
    abandoned, recent = kept_upload(web, "abandoned.xlsx", 25), kept_upload(web, "recent.xlsx", 23)
    upload(client_for(coordinator))
    kept = stored_files(web)
    assert abandoned not in kept and recent in kept
    assert len(kept) == 2  # the recent one, and this upload


def test_a_file_with_errors_lists_them_and_keeps_nothing(coordinator, client_for, web):
    before = row_counts()
    response = upload(client_for(coordinator), set_cell(valid_sheets(), "Activities!D2", "MINT"))
    assert response.status_code == 200
    assert "Activities!D2: responsible institution &quot;MINT&quot; is not known" in response.content.decode()
    assert stored_files(web) == []
    assert row_counts() == before


def test_a_file_that_is_not_a_workbook_gets_one_clear_message(coordinator, client_for, web):
    response = upload(client_for(coordinator), data=b"just text", name="plan.xlsx")
    assert response.context["errors"] == [
        "The file is not an Excel workbook (.xlsx). Save it as an .xlsx workbook (not .xls, .ods or CSV, "
        "and without a password) and try again."
    ]
    assert stored_files(web) == []


def test_confirming_without_an_upload_sends_back_to_the_form(coordinator, client_for):
    response = client_for(coordinator).post("/plan/import/confirm/")
    assert (response.status_code, response.url) == (302, "/plan/import/")


def test_a_file_for_a_plan_the_user_cannot_see_is_not_found(coordinator, client_for):
    StrategyFactory(code="AL-WB-TEST", country="XK")
    assert upload(client_for(coordinator)).status_code == 404


def test_a_file_for_a_country_the_user_does_not_edit_is_forbidden(coordinator, client_for, web):
    sheets = valid_sheets()
    sheets["Strategy"][2] = ["country", "XK"]
    assert upload(client_for(coordinator), sheets).status_code == 403
    assert stored_files(web) == []


def test_the_empty_template_downloads(coordinator, client_for):
    response = client_for(coordinator).get("/plan/import/template.xlsx")
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    assert "nsm-action-plan-template.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert "Activities" in workbook.sheetnames


@pytest.mark.parametrize("persona", ["viewer", "coordinator"])
def test_everyone_who_sees_the_plan_may_export_it(persona, request, client_for):
    StrategyFactory(code="AL-WB-TEST")
    response = client_for(request.getfixturevalue(persona)).get("/plan/AL-WB-TEST/export.xlsx")
    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["Strategy"]["B2"].value == "AL-WB-TEST"


def test_a_plan_of_another_country_is_not_found_for_export(client_for):
    StrategyFactory(code="AL-WB-TEST")
    assert client_for(outsider()).get("/plan/AL-WB-TEST/export.xlsx").status_code == 404


def test_errors_about_a_plan_the_user_cannot_see_are_not_shown(coordinator, client_for):
    StrategyFactory(code="AL-WB-TEST", country="XK")
    sheets = set_cell(valid_sheets(), "Activities!D2", "MINT")
    assert upload(client_for(coordinator), sheets).status_code == 404


def test_a_confirmation_is_refused_when_the_plan_changed_since_the_preview(coordinator, client_for, web):
    client = client_for(coordinator)
    upload(client)
    client.post("/plan/import/confirm/")  # the plan now exists as the file describes it
    activity = Activity.objects.order_by("code").first()
    file_titles = (activity.title_sq, activity.title_en)
    activity.title_en = "Changed on a page"
    activity.save()
    preview = upload(client).context["preview"]  # the import would set the English title back
    assert preview.totals["changed"] == 1
    activity.title_sq = "Ndryshuar në faqe ndërkohë"
    activity.save()

    response = client.post("/plan/import/confirm/")

    assert response.status_code == 200
    assert "The plan changed since the preview" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title_sq == "Ndryshuar në faqe ndërkohë"
    assert len(stored_files(web)) == 1  # kept for a second confirmation, now of what the preview shows

    client.post("/plan/import/confirm/")
    activity.refresh_from_db()
    assert (activity.title_sq, activity.title_en) == file_titles
    assert stored_files(web) == []
