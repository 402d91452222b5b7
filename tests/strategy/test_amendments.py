"""An adopted plan changes by amendment: every change asks for a reason and is listed, with what, who, when and
why, on the "amendments since adoption" page. Before adoption nothing is asked."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from nsm.strategy import services
from nsm.strategy.models import Activity, Amendment, Strategy
from tests.factories import ActivityFactory, IndicatorFactory, MeasureFactory
from tests.strategy.test_plan_editing import activity_form, to
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def adopted(strategy):
    Strategy.objects.filter(pk=strategy.pk).update(status=Strategy.Status.ADOPTED, adopting_act="DCM no. 400")
    strategy.refresh_from_db()
    return strategy


@pytest.fixture
def activity(adopted):
    return ActivityFactory(measure=MeasureFactory(parent__parent__strategy=adopted), title_en="Open counters")


def test_a_change_to_an_adopted_plan_without_a_reason_is_refused_and_nothing_is_written(activity, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.update_activity(activity, by=coordinator, data={"title_en": "Other"}, version=activity.version)
    assert "every change is an amendment" in refused.value.message_dict["amendment_reason"][0]
    activity.refresh_from_db()
    assert activity.title_en == "Open counters" and not Amendment.objects.exists()


def test_each_kind_of_change_after_adoption_is_an_amendment_with_its_reason(activity, coordinator):
    services.update_activity(
        activity, by=coordinator, data={"title_en": "Other"}, version=activity.version, reason="Title agreed by IIWG"
    )
    activity.refresh_from_db()
    services.set_budget_lines(
        activity,
        by=coordinator,
        lines=[services.BudgetLineInput(2025, "state_budget", Decimal(100))],
        version=activity.version,
        reason="Budget law 2025",
    )
    activity.refresh_from_db()
    indicator = IndicatorFactory(result=activity.measure)
    services.set_targets(indicator, by=coordinator, targets={2025: Decimal(5)}, reason="Target revised")
    services.withdraw(activity, by=coordinator, reason="Merged", version=activity.version + 0)
    rows = list(Amendment.objects.order_by("pk").values_list("action", "reason", "detail"))
    assert rows[0] == ("changed", "Title agreed by IIWG", "title (English)")
    assert rows[1][:2] == ("budget", "Budget law 2025") and "2025" in rows[1][2]
    assert rows[2] == ("targets", "Target revised", "2025")
    assert rows[3][:2] == ("withdrawn", "Merged")
    assert set(Amendment.objects.values_list("made_by", flat=True)) == {coordinator.pk}


def test_an_unchanged_save_is_no_amendment(activity, coordinator):
    services.update_activity(
        activity, by=coordinator, data={"title_en": "Open counters"}, version=activity.version, reason="Nothing"
    )
    assert not Amendment.objects.exists()


def test_a_plan_in_drafting_asks_for_no_reason(strategy, coordinator):
    activity = ActivityFactory(measure=MeasureFactory(parent__parent__strategy=strategy))
    services.update_activity(activity, by=coordinator, data={"title_en": "New"}, version=activity.version)
    assert not Amendment.objects.exists()


def test_the_edit_page_asks_for_the_reason_keeps_the_typed_values_and_lists_the_amendment(
    client_for, coordinator, activity, adopted
):
    client = client_for(coordinator)
    url = to("activity_edit", adopted, activity.pk)
    form = activity_form(title_en="Open counters in 12 regions", version=activity.version)
    refused = client.post(url, form)
    page = refused.content.decode()
    assert refused.status_code == 200 and "Reason for this amendment" in page
    assert "Open counters in 12 regions" in page  # the typed value is still on the screen
    saved = client.post(url, {**form, "amendment_reason": "Scope widened by the IIWG, decision 4/2025"})
    assert saved.status_code == 302
    listing = client.get(to("amendments", adopted)).content.decode()
    assert "Scope widened by the IIWG, decision 4/2025" in listing and activity.code in listing


def test_a_move_in_an_adopted_plan_asks_for_its_reason_first(client_for, coordinator, adopted):
    measure = MeasureFactory(parent__parent__strategy=adopted)
    first = ActivityFactory(measure=measure, code=f"{measure.code}.1")
    ActivityFactory(measure=measure, code=f"{measure.code}.2")
    client = client_for(coordinator)
    url = to("activity_move", adopted, first.pk)
    asked = client.post(url, {"direction": "down", "version": first.version})
    assert asked.status_code == 200 and 'name="amendment_reason"' in asked.content.decode()
    assert Activity.objects.get(pk=first.pk).code.endswith(".1")
    client.post(url, {"direction": "down", "version": first.version, "amendment_reason": "Order of the decision"})
    assert Activity.objects.get(pk=first.pk).code.endswith(".2")
    amendment = Amendment.objects.get()
    assert (amendment.action, amendment.item) == ("moved", f"Activity {measure.code}.1")


def test_a_delete_in_an_adopted_plan_asks_for_its_reason_on_the_same_page(client_for, coordinator, activity, adopted):
    client = client_for(coordinator)
    url = to("activity_delete", adopted, activity.pk)
    assert 'name="amendment_reason"' in client.get(url).content.decode()
    asked = client.post(url, {"version": activity.version})
    assert asked.status_code == 200 and "every change is an amendment" in asked.content.decode()
    assert Activity.objects.filter(pk=activity.pk).exists()
    client.post(url, {"version": activity.version, "amendment_reason": "Entered twice by mistake"})
    assert not Activity.objects.filter(pk=activity.pk).exists()
    assert Amendment.objects.get().action == "deleted"


def test_a_viewer_reads_the_amendments_page(client_for, viewer, adopted):
    assert client_for(viewer).get(to("amendments", adopted)).status_code == 200


# --- The workbook after adoption ---


def _adopt_workbook_plan():
    Strategy.objects.filter(code="AL-WB-TEST").update(status=Strategy.Status.ADOPTED)


def test_importing_into_an_adopted_plan_is_an_amendment_on_the_command_line(db, tmp_path):
    load_code_lists()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(make_workbook(valid_sheets()))
    call_command("import-plan", str(path), stdout=io.StringIO())
    _adopt_workbook_plan()
    path.write_bytes(make_workbook(set_cell(valid_sheets(), "Budget!E2", 999)))
    with pytest.raises(CommandError):
        call_command("import-plan", str(path), stdout=io.StringIO(), stderr=(err := io.StringIO()))
    assert "every change is an amendment" in err.getvalue() and not Amendment.objects.exists()
    call_command("import-plan", str(path), "--reason", "Budget law 2025", stdout=io.StringIO())
    amendment = Amendment.objects.get()
    assert (amendment.action, amendment.reason, amendment.item) == ("imported", "Budget law 2025", "Workbook plan.xlsx")


def test_the_import_preview_of_an_adopted_plan_asks_for_the_reason_and_keeps_the_upload(
    db, coordinator, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_code_lists()
    call_command("import-plan", str(_write(tmp_path, valid_sheets())), stdout=io.StringIO())
    _adopt_workbook_plan()
    client = client_for(coordinator)
    changed = make_workbook(set_cell(valid_sheets(), "Budget!E2", 999))
    preview = client.post("/plan/import/", {"file": SimpleUploadedFile("plan.xlsx", changed, content_type=XLSX)})
    assert 'name="amendment_reason"' in preview.content.decode()
    asked = client.post("/plan/import/confirm/")
    assert asked.status_code == 200 and "Say why this import is made" in asked.content.decode()
    done = client.post("/plan/import/confirm/", {"amendment_reason": "Budget law 2025"})
    assert done.status_code == 302 and Amendment.objects.get().reason == "Budget law 2025"


def _write(tmp_path, sheets):
    path = tmp_path / "first.xlsx"
    path.write_bytes(make_workbook(sheets))
    return path


def test_freezing_the_next_version_starts_from_the_amendments_since_the_last_one(
    activity, adopted, coordinator, client_for
):
    from nsm.consultation import services as consultation

    services.update_activity(activity, by=coordinator, data={"title_en": "A"}, version=activity.version, reason="First")
    consultation.freeze_version(adopted, by=coordinator, label="v1")
    activity.refresh_from_db()
    services.update_activity(
        activity, by=coordinator, data={"title_en": "B"}, version=activity.version, reason="Second"
    )
    page = client_for(coordinator).get(reverse("consultation:versions", args=[adopted.code])).content.decode()
    assert "The new version will hold 1 amendment made since the last version" in page
    assert "Second" in page and "First" not in page
    assert 'value="Amended plan: 1 amendment"' in page
