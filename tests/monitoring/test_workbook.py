"""Offline entry: a report downloaded as a workbook, filled in with openpyxl, uploaded; every error names its cell."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportEvent
from nsm.monitoring.workbook import ImportOutcome, WorkbookError, export_report, import_report
from tests.monitoring.conftest import fill

# Columns: Activities A code, B title, C status, D percent, E state budget, F donors, G other, H narrative;
# Indicators A code, B name, C unit, D value type, E cell, F value, G note, H source, I key (hidden).
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_of(report, language="en"):
    return load_workbook(io.BytesIO(export_report(report, language)))


def to_bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(report, workbook, user) -> ImportOutcome:
    return import_report(report, io.BytesIO(to_bytes(workbook)), user)


def errors_of(report, workbook, user) -> list[str]:
    with pytest.raises(WorkbookError) as refused:
        upload(report, workbook, user)
    return refused.value.messages


def activity_rows(sheet) -> list[int]:
    return [row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value]


def indicator_row(sheet, code: str, cell: str = "Total") -> int:
    return next(
        row
        for row in range(2, sheet.max_row + 1)
        if sheet.cell(row, 1).value == code and sheet.cell(row, 5).value == cell
    )


def fill_in(workbook) -> None:
    """What a diligent focal point types: every activity under way at 50%, the indicators' values."""
    activities, indicators = workbook["Activities"], workbook["Indicators"]
    for row in activity_rows(activities):
        activities[f"C{row}"] = "Under way, on schedule"
        activities[f"D{row}"] = 50
        activities[f"E{row}"] = 1000
        activities[f"F{row}"] = "2 500,50"
        activities[f"H{row}"] = "Going well."
    total, female, male = (indicator_row(indicators, "1.1.1.1", cell) for cell in ("Total", "Female", "Male"))
    indicators[f"F{total}"], indicators[f"F{female}"], indicators[f"F{male}"] = 10, 4, 6
    indicators[f"G{total}"], indicators[f"H{total}"] = "Counted at the border", "Registry"
    indicators[f"F{indicator_row(indicators, '1.1.1.p')}"] = 42.5


def history_rows(report) -> tuple[int, int, int]:
    return (
        ActivityProgress.history.filter(report_id=report.pk).count(),
        IndicatorValue.history.filter(report_id=report.pk).count(),
        ReportEvent.objects.filter(report=report).count(),
    )


def filled(report):
    workbook = workbook_of(report)
    fill_in(workbook)
    return workbook


# --- The file ---


def test_the_workbook_holds_the_reports_lines_with_only_the_fields_to_fill_unlocked(report):
    workbook = workbook_of(report)
    assert workbook.sheetnames[:3] == ["Report", "Activities", "Indicators"]
    assert workbook["Lists"].sheet_state == "hidden"
    info = workbook["Report"]
    fields = {info.cell(row, 1).value: info.cell(row, 2).value for row in range(1, 12)}
    assert fields["Version"] == report.version
    assert fields["Report number"] == report.pk
    assert fields["Cycle"] == report.cycle.label
    activities = workbook["Activities"]
    assert [c.value for c in activities[1]] == [
        "Code",
        "Activity",
        "Status",
        "Percent complete",
        "Spent: state budget",
        "Spent: donors",
        "Spent: other",
        "Narrative (Albanian)",
        "Narrative (English)",
    ]
    codes = [activities.cell(row, 1).value for row in activity_rows(activities)]
    assert codes == [line.activity.code for line in report.activity_lines.order_by("activity__sort_key")]
    assert activities.protection.sheet
    assert activities["A2"].protection.locked and not activities["C2"].protection.locked
    assert any(rule.type == "list" and "C2" in str(rule.sqref) for rule in activities.data_validations.dataValidation)
    indicators = workbook["Indicators"]
    cells = [(indicators.cell(row, 1).value, indicators.cell(row, 5).value) for row in range(2, indicators.max_row + 1)]
    assert cells == [("1.1.1.1", "Total"), ("1.1.1.1", "Female"), ("1.1.1.1", "Male"), ("1.1.1.p", "Total")]
    female = indicator_row(indicators, "1.1.1.1", "Female")
    assert not indicators[f"F{female}"].protection.locked and indicators[f"G{female}"].protection.locked
    assert indicators.column_dimensions["I"].hidden


def test_the_workbook_has_albanian_headers_in_albanian(report, focal_point):
    workbook = workbook_of(report, "sq")
    assert workbook.sheetnames[:3] == ["Raporti", "Aktivitetet", "Treguesit"]
    assert workbook["Aktivitetet"]["A1"].value == "Kodi"
    assert workbook["Aktivitetet"]["D1"].value == "Përqindja e realizimit"
    assert workbook["Treguesit"]["E1"].value == "Qeliza"
    assert workbook["Treguesit"]["E2"].value == "Gjithsej"
    assert workbook["Treguesit"]["E3"].value == "Femër"
    # and it reads back: a status given by its code, the cells by their Albanian names
    sheet = workbook["Aktivitetet"]
    for row in activity_rows(sheet):
        sheet[f"C{row}"], sheet[f"D{row}"] = "completed", 100
    indicators = workbook["Treguesit"]
    for row, value in ((2, 3), (3, 1), (4, 2)):
        indicators[f"F{row}"] = value
        indicators[f"I{row}"] = None  # without the hidden key, the cell's name says which it is
    assert upload(report, workbook, focal_point).changed == len(activity_rows(sheet)) + 3
    assert set(report.activity_lines.values_list("status", flat=True)) == {"completed"}


def test_exporting_a_report_takes_a_fixed_number_of_queries(report, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        export_report(report, "en")


# --- Round trip ---


def test_values_filled_in_the_workbook_are_stored(report, focal_point):
    version = report.version
    outcome = upload(report, filled(report), focal_point)
    assert outcome.changed == len(activity_rows(workbook_of(report)["Activities"])) + 4
    report.refresh_from_db()
    assert outcome.version == report.version == version + 1
    for line in report.activity_lines.all():
        assert (line.status, line.percent_complete, line.narrative) == ("on_track", 50, "Going well.")
        assert (line.spent_state_budget, line.spent_donor, line.spent_other) == (
            Decimal(1000),
            Decimal("2500.50"),
            None,
        )
    values = {
        (v.indicator.code, v.category.code if v.category else "total"): v
        for v in report.indicator_values.select_related("indicator", "category")
    }
    assert [values["1.1.1.1", cell].value for cell in ("total", "female", "male")] == [10, 4, 6]
    assert (values["1.1.1.1", "total"].note, values["1.1.1.1", "total"].source) == ("Counted at the border", "Registry")
    assert values["1.1.1.p", "total"].value == Decimal("42.5")
    assert report.events.last().kind == ReportEvent.Kind.IMPORTED
    assert report.events.last().user == focal_point
    # the next download shows what was stored
    again = workbook_of(report)
    assert again["Activities"]["C2"].value == "Under way, on schedule"
    assert again["Indicators"]["F2"].value == 10


def test_rows_left_out_of_the_file_keep_their_values(report, focal_point):
    report = fill(report, focal_point)
    workbook = workbook_of(report)
    activities, indicators = workbook["Activities"], workbook["Indicators"]
    first, *others = activity_rows(activities)
    activities[f"H{first}"] = "Changed offline."
    for row in others:
        activities.delete_rows(row)
    indicators.delete_rows(indicator_row(indicators, "1.1.1.1", "Male"))
    indicators[f"F{indicator_row(indicators, '1.1.1.1')}"] = 12
    indicators[f"F{indicator_row(indicators, '1.1.1.1', 'Female')}"] = 7
    upload(report, workbook, focal_point)
    narratives = sorted(report.activity_lines.values_list("narrative_sq", flat=True))
    assert narratives == ["Changed offline.", *["Going well."] * len(others)]
    male = report.indicator_values.get(indicator__code="1.1.1.1", category__code="male")
    assert male.value == 5  # kept: 7 + 5 = 12


# --- Every error names its cell ---


def _activity(workbook):
    return workbook["Activities"], activity_rows(workbook["Activities"])[0]


def bad_number(workbook):
    sheet, row = _activity(workbook)
    sheet[f"E{row}"] = "a lot"
    return f'Activities!E{row}: "a lot" is not a number'


def percent_over_100(workbook):
    sheet, row = _activity(workbook)
    sheet[f"D{row}"] = 150
    return f"Activities!D{row}: The percent complete is a whole number from 0 to 100."


def completed_at_50(workbook):
    sheet, row = _activity(workbook)
    sheet[f"C{row}"] = "Completed"
    return f"Activities!D{row}: A completed activity is 100% complete."


def delayed_without_narrative(workbook):
    sheet, row = _activity(workbook)
    sheet[f"C{row}"], sheet[f"H{row}"] = "Under way, delayed", None
    return f"Activities!H{row}: Explain in the narrative why the activity is delayed or cancelled."


def negative_spending(workbook):
    sheet, row = _activity(workbook)
    sheet[f"G{row}"] = -5
    return f"Activities!G{row}: Spending cannot be negative."


def breakdown_not_adding_up(workbook):
    sheet = workbook["Indicators"]
    sheet[f"F{indicator_row(sheet, '1.1.1.1', 'Male')}"] = 5
    total = indicator_row(sheet, "1.1.1.1")
    return f"Indicators!F{total}: Female + Male = 9, but the total is 10: the breakdown must add up to the total."


def unknown_status(workbook):
    sheet, row = _activity(workbook)
    sheet[f"C{row}"] = "Almost there"
    return f'Activities!C{row}: "Almost there" is not a status: choose one from the list'


def unknown_activity(workbook):
    sheet, row = _activity(workbook)
    sheet[f"A{row}"] = "9.9.9.9"
    return f'Activities!A{row}: "9.9.9.9" is not an activity of this report'


def duplicate_row(workbook):
    sheet, row = _activity(workbook)
    last = sheet.max_row + 1
    for column in range(1, 9):
        sheet.cell(last, column, sheet.cell(row, column).value)
    code = sheet[f"A{row}"].value
    return f"Activities!A{last}: the activity {code} is on row {row} already"


def unknown_cell(workbook):
    sheet = workbook["Indicators"]
    row = indicator_row(sheet, "1.1.1.1", "Female")
    sheet[f"I{row}"] = "sex:other"
    return f'Indicators!I{row}: "sex:other" is not a cell of the indicator 1.1.1.1'


def formula_without_value(workbook):
    sheet, row = _activity(workbook)
    sheet[f"E{row}"] = "=500+500"
    return f"Activities!E{row}: the formula has no stored value"


@pytest.mark.parametrize(
    "spoil",
    [
        bad_number,
        percent_over_100,
        completed_at_50,
        delayed_without_narrative,
        negative_spending,
        breakdown_not_adding_up,
        unknown_status,
        unknown_activity,
        duplicate_row,
        unknown_cell,
        formula_without_value,
    ],
)
def test_an_error_names_its_cell_and_nothing_is_written(spoil, report, focal_point):
    before, version = history_rows(report), report.version
    workbook = filled(report)
    expected = spoil(workbook)
    errors = errors_of(report, workbook, focal_point)
    assert any(error.startswith(expected) for error in errors), errors
    report.refresh_from_db()
    assert (history_rows(report), report.version) == (before, version)
    assert not report.activity_lines.exclude(status="").exists()


def test_a_yes_no_indicator_refuses_2_on_its_cell(other_report, other_focal_point):
    workbook = workbook_of(other_report)
    sheet = workbook["Indicators"]
    row = indicator_row(sheet, "1.1.1.y")
    sheet[f"F{row}"] = 2
    assert f"Indicators!F{row}: A yes/no indicator takes 1 (yes) or 0 (no)." in errors_of(
        other_report, workbook, other_focal_point
    )
    sheet[f"F{row}"] = "yes"
    upload(other_report, workbook, other_focal_point)
    assert other_report.indicator_values.get(indicator__code="1.1.1.y").value == 1
    assert workbook_of(other_report)["Indicators"][f"F{row}"].value == "yes"


def test_every_error_is_reported_at_once(report, focal_point):
    workbook = filled(report)
    expected = [spoil(workbook) for spoil in (bad_number, percent_over_100, breakdown_not_adding_up)]
    errors = errors_of(report, workbook, focal_point)
    assert len(errors) == 3
    assert all(any(error.startswith(start) for error in errors) for start in expected)


def test_a_file_that_is_not_a_workbook_is_refused_clearly(report, focal_point):
    with pytest.raises(WorkbookError) as refused:
        import_report(report, io.BytesIO(b"code;status\n1.1.1.1;done\n"), focal_point)
    assert "not an Excel workbook (.xlsx)" in refused.value.messages[0]


def test_another_workbook_is_refused(report, other_report, focal_point):
    workbook = workbook_of(other_report)
    assert any("belongs to another report" in error for error in errors_of(report, workbook, focal_point))
    del workbook["Report"]
    assert "not a progress report workbook" in errors_of(report, workbook, focal_point)[0]


# --- Versions ---


def test_uploading_the_same_file_twice_changes_nothing_the_second_time(report, focal_point):
    workbook = filled(report)
    assert upload(report, workbook, focal_point).changed
    report.refresh_from_db()
    before, version = history_rows(report), report.version
    outcome = upload(report, workbook, focal_point)
    assert outcome.changed == 0 and not outcome.has_changes
    assert "No changes" in outcome.message
    report.refresh_from_db()
    assert (history_rows(report), report.version) == (before, version)


def test_a_file_made_before_someone_elses_change_is_refused_as_stale(report, focal_point):
    workbook = filled(report)  # made at the current version
    services.save_report(
        report,
        by=focal_point,
        version=report.version,
        activities=[services.ActivityLineInput(report.activity_lines.first().activity_id, narrative_sq="Meanwhile.")],
    )
    report.refresh_from_db()
    before, version = history_rows(report), report.version
    with pytest.raises(services.StaleVersion) as refused:
        upload(report, workbook, focal_point)
    assert "since you opened it" in refused.value.messages[0]
    report.refresh_from_db()
    assert (history_rows(report), report.version) == (before, version)


def test_a_submitted_report_cannot_be_uploaded_to(report, focal_point):
    workbook = filled(report)
    report = fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    with pytest.raises(services.ReportLocked) as refused:
        upload(report, workbook, focal_point)
    assert "submitted and awaits review" in refused.value.messages[0]


# --- On the web ---


def test_the_focal_point_downloads_and_uploads_its_report(report, focal_point, client_for):
    client = client_for(focal_point)
    response = client.get(reverse("monitoring:report-workbook", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert f"AL-NSM-TEST-{report.cycle.label}-MSHMS.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    fill_in(workbook)
    file = SimpleUploadedFile("report.xlsx", to_bytes(workbook), content_type=XLSX)
    response = client.post(reverse("monitoring:report-upload", args=[report.pk]), {"file": file})
    assert response.status_code == 302
    assert response.url == reverse("monitoring:report", args=[report.pk])
    assert "values were saved" in str(next(iter(get_messages(response.wsgi_request))))
    assert report.events.filter(kind=ReportEvent.Kind.IMPORTED).count() == 1


def test_an_upload_with_errors_lists_them_with_a_link_back(report, focal_point, client_for):
    workbook = filled(report)
    expected = percent_over_100(workbook)
    file = SimpleUploadedFile("report.xlsx", to_bytes(workbook), content_type=XLSX)
    response = client_for(focal_point).post(reverse("monitoring:report-upload", args=[report.pk]), {"file": file})
    assert response.status_code == 400
    assert "monitoring/upload_errors.html" in [t.name for t in response.templates]
    assert expected in response.content.decode()
    assert f'href="{reverse("monitoring:report", args=[report.pk])}"' in response.content.decode()


def test_a_file_that_is_not_a_workbook_is_refused_on_the_web(report, focal_point, client_for):
    file = SimpleUploadedFile("report.xlsx", b"not a workbook", content_type=XLSX)
    response = client_for(focal_point).post(reverse("monitoring:report-upload", args=[report.pk]), {"file": file})
    assert response.status_code == 400
    assert "not an Excel workbook" in response.content.decode()


def test_another_institutions_focal_point_gets_404(report, other_focal_point, client_for):
    client = client_for(other_focal_point)
    assert client.get(reverse("monitoring:report-workbook", args=[report.pk])).status_code == 404
    file = SimpleUploadedFile("report.xlsx", to_bytes(filled(report)), content_type=XLSX)
    assert client.post(reverse("monitoring:report-upload", args=[report.pk]), {"file": file}).status_code == 404
    assert not ReportEvent.objects.filter(report=report, kind=ReportEvent.Kind.IMPORTED).exists()


def test_the_secretariat_downloads_but_does_not_upload(report, secretariat, client_for):
    client = client_for(secretariat)
    assert client.get(reverse("monitoring:report-workbook", args=[report.pk])).status_code == 200
    file = SimpleUploadedFile("report.xlsx", to_bytes(filled(report)), content_type=XLSX)
    assert client.post(reverse("monitoring:report-upload", args=[report.pk]), {"file": file}).status_code == 403


def test_someone_not_signed_in_is_sent_to_sign_in(report, public):
    response = public.get(reverse("monitoring:report-workbook", args=[report.pk]))
    assert response.status_code == 302 and "/login/" in response.url


def test_an_approved_report_refuses_the_upload_on_the_web(report, focal_point, secretariat, client_for):
    workbook = filled(report)
    report = fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    services.approve_report(ProgressReport.objects.get(pk=report.pk), by=secretariat)
    file = SimpleUploadedFile("report.xlsx", to_bytes(workbook), content_type=XLSX)
    response = client_for(focal_point).post(reverse("monitoring:report-upload", args=[report.pk]), {"file": file})
    assert response.status_code == 400
    assert "approved and read-only" in response.content.decode()


# --- A workbook belongs to one report: number, period, institution, strategy and version ---


def _info_row(workbook, label: str) -> int:
    sheet = workbook["Report"]
    return next(row for row in range(1, 20) if sheet.cell(row, 1).value == label)


def _edit_info(workbook, label: str, value) -> str:
    row = _info_row(workbook, label)
    workbook["Report"].cell(row, 2, value)
    return f"Report!B{row}"


def test_another_periods_workbook_with_its_number_and_version_edited_is_refused(
    report, strategy, secretariat, focal_point
):
    """The adversarial run: a 2024-H1 file whose report number and version were edited wrote H1's values into H2."""
    today = timezone.localdate()
    first_half = services.create_cycle(
        strategy,
        by=secretariat,
        kind="half_year",
        year=2024,
        half=1,
        opens_on=today - datetime.timedelta(days=10),
        due_on=today + datetime.timedelta(days=30),
    )
    services.open_cycle(first_half, by=secretariat)
    earlier = ProgressReport.objects.get(cycle=first_half, institution__code="MSHMS")
    workbook = workbook_of(earlier)
    activities = workbook["Activities"]
    for row in activity_rows(activities):
        activities[f"C{row}"], activities[f"D{row}"] = "Under way, on schedule", 40
    _edit_info(workbook, "Report number", report.pk)
    _edit_info(workbook, "Version", report.version)
    before, version = history_rows(report), report.version
    errors = errors_of(report, workbook, focal_point)
    cell = f"Report!B{_info_row(workbook, 'Cycle')}"
    assert errors == [
        f"{cell}: this workbook is of the period 2024-H1, and this report of 2024-H2: download this report's workbook"
    ]
    report.refresh_from_db()
    assert (history_rows(report), report.version) == (before, version)


def test_another_institutions_workbook_is_refused(report, focal_point):
    workbook = filled(report)
    cell = _edit_info(workbook, "Institution", "AKPA National Agency for Employment and Skills")
    assert errors_of(report, workbook, focal_point) == [
        f"{cell}: this workbook is of the institution AKPA, and this report of MSHMS: download this report's workbook"
    ]


def test_a_version_ahead_of_the_reports_has_its_own_message(report, focal_point):
    workbook = filled(report)
    cell = _edit_info(workbook, "Version", report.version + 3)
    errors = errors_of(report, workbook, focal_point)
    assert errors == [
        f"{cell}: the file says version {report.version + 3}, but this report is at version {report.version}: the "
        "file was not downloaded from this report as it is (or its version was edited); download the report's "
        "workbook again"
    ]
    assert not any("since you opened it" in error for error in errors)


def test_a_workbook_without_its_period_or_institution_is_refused(report, focal_point):
    workbook = filled(report)
    sheet = workbook["Report"]
    for label in ("Cycle", "Institution"):
        sheet.cell(_info_row(workbook, label), 1).value = None
    errors = errors_of(report, workbook, focal_point)
    assert errors == [
        'Report!A1: the field "Cycle" is missing: download the report\'s workbook again',
        'Report!A1: the field "Institution" is missing: download the report\'s workbook again',
    ]


def test_arabic_indic_digits_are_not_a_number(report, focal_point):
    workbook = filled(report)
    sheet, row = _activity(workbook)
    sheet[f"D{row}"] = "٥٠"
    assert f'Activities!D{row}: "٥٠" is not a number: write it with the digits 0 to 9' in errors_of(
        report, workbook, focal_point
    )


def test_a_narrative_longer_than_its_limit_is_an_error_on_its_cell_never_cut(report, focal_point):
    workbook = filled(report)
    sheet, row = _activity(workbook)
    sheet[f"H{row}"] = "x" * 10_001
    assert f"Activities!H{row}: the text has 10,001 characters; at most 10,000 are allowed" in errors_of(
        report, workbook, focal_point
    )
