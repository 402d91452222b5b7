"""The monitoring pages: the report list, a strategy's cycles, a cycle's board, the report page and its review loop,
evidence, history; each in a constant number of queries."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from nsm.monitoring import selectors, services
from nsm.monitoring.models import ActivityProgress, Evidence, IndicatorValue, ProgressReport, ReportingCycle
from nsm.reference.models import DisaggregationDimension
from nsm.strategy.models import Indicator
from tests.factories import ActivityBudgetFactory, ActivityFactory, IndicatorFactory, IndicatorTargetFactory
from tests.monitoring.conftest import build_plan, complete_inputs, fill

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


def url(name, *args):
    return reverse(f"monitoring:{name}", args=args)


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, white space collapsed."""
    html = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.replace("\u00a0", " "))


class FormReader(HTMLParser):
    """The values a browser would post from the form with the given id: inputs, selects and textareas in it, except
    those that belong to another form (`form="..."`) and file inputs."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.values = form_id, False, {}
        self.select = self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or attrs.get("form") or not attrs.get("name") and tag in ("input", "select", "textarea"):
            return
        if tag == "input" and attrs.get("type") not in ("file", "submit"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self.select = attrs["name"]
            self.values[self.select] = ""
        elif tag == "option" and self.select and "selected" in attrs:
            self.values[self.select] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.values[self.textarea] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea] += data.removeprefix("\n")


def form_values(response, form_id="report-form") -> dict[str, str]:
    reader = FormReader(form_id)
    reader.feed(response.content.decode())
    return reader.values


def line_ids(report):
    detail = selectors.report_detail(report)
    return [line.activity.pk for line in detail.activities], [line.indicator.pk for line in detail.indicators]


def filled_form(client, report) -> dict[str, str]:
    """The report page's form as the focal point would post it with every line filled in, correctly."""
    data = form_values(client.get(url("report", report.pk)))
    activities, indicators = complete_inputs(report)
    for line in activities:
        prefix = f"a{line.activity_id}_"
        data |= {prefix + "status": line.status, prefix + "percent_complete": str(line.percent_complete)}
        data |= {prefix + "spent_state_budget": "1,000", prefix + "narrative_sq": line.narrative_sq}
    for line in indicators:
        prefix = f"i{line.indicator_id}_"
        data |= {prefix + "total": str(line.total), prefix + "source": line.source}
        data |= {f"{prefix}c{pk}": str(value) for pk, value in line.cells.items()}
    return data


# --- The list of reports ---


def test_the_focal_point_sees_its_reports_with_their_status(client_for, focal_point, report, other_report):
    response = client_for(focal_point).get(url("reports"))
    page = text_of(response)
    assert "MSHMS" in page and "Not started" in page and "2024-H2" in page
    assert url("report", report.pk) in response.content.decode()
    assert url("report", other_report.pk) not in response.content.decode()
    assert "Reporting cycles of" not in page


def test_the_secretariat_sees_every_report_and_a_link_to_the_cycles(client_for, secretariat, strategy, report):
    response = client_for(secretariat).get(url("reports"))
    page = text_of(response)
    assert "MSHMS" in page and "AKPA" in page
    assert url("cycles", strategy.code) in response.content.decode()


def test_the_navigation_links_to_the_reports(client_for, viewer):
    assert url("reports") in client_for(viewer).get(reverse("home")).content.decode()


# --- Cycles ---


def test_the_secretariat_creates_a_cycle_on_the_cycles_page(client_for, secretariat, strategy):
    client = client_for(secretariat)
    data = {"kind": "half_year", "year": "2025", "half": "2", "opens_on": "2025-07-01", "due_on": "2026-01-31"}
    response = client.post(url("cycles", strategy.code), data, follow=True)
    assert "The cycle 2025-H2 was created" in text_of(response)
    cycle = ReportingCycle.objects.get(strategy=strategy)
    assert (cycle.kind, cycle.year, cycle.half, cycle.status) == ("half_year", 2025, 2, "planned")
    assert "2025-H2" in text_of(client.get(url("cycles", strategy.code)))


def test_a_cycle_refused_by_the_service_shows_why_on_the_form(client_for, secretariat, strategy, cycle):
    client = client_for(secretariat)
    data = {"kind": "half_year", "year": "2024", "half": "2", "opens_on": "2024-07-01", "due_on": "2024-07-31"}
    page = text_of(client.post(url("cycles", strategy.code), data))
    assert "already has a cycle for this period" in page
    data |= {"half": "", "year": "2025"}
    response = client.post(url("cycles", strategy.code), data)
    assert 'id="id_half_error"' in response.content.decode()
    assert "Choose the first or second half." in text_of(response)
    assert ReportingCycle.objects.filter(strategy=strategy).count() == 1


def test_only_the_secretariat_gets_the_form_to_create_a_cycle(client_for, coordinator, focal_point, strategy, cycle):
    for user in (coordinator, focal_point):
        page = text_of(client_for(user).get(url("cycles", strategy.code)))
        assert "2024-H2" in page and "New reporting cycle" not in page


# --- The board ---


def test_the_board_shows_each_institutions_status_lines_and_counts(client_for, secretariat, focal_point, cycle, report):
    fill(report, focal_point)
    services.submit_report(report, by=focal_point)
    services.add_comment(report, by=secretariat, text="Check the totals.")
    response = client_for(secretariat).get(url("cycle", cycle.pk))
    page = text_of(response)
    assert "MSHMS" in page and "AKPA" in page
    assert "Submitted" in page and "Not started" in page
    assert "2 of 2" in page and "0 of 2" in page  # activities filled: MSHMS all, AKPA none
    assert url("report", report.pk) in response.content.decode()
    assert "Close the cycle" in page and "Open the cycle" not in page


def test_the_coordinator_reads_the_board_without_the_buttons(client_for, coordinator, cycle):
    page = text_of(client_for(coordinator).get(url("cycle", cycle.pk)))
    assert "MSHMS" in page and "Close the cycle" not in page


def test_the_board_marks_a_late_submission_and_overdue_reports(client_for, secretariat, focal_point, cycle, report):
    fill(report, focal_point)
    cycle.due_on = timezone.localdate() - datetime.timedelta(days=1)
    cycle.save()
    services.submit_report(report, by=focal_point)
    page = text_of(client_for(secretariat).get(url("cycle", cycle.pk)))
    assert "late" in page and "Overdue" in page


def test_the_secretariat_opens_a_planned_cycle_from_its_board(client_for, secretariat, strategy):
    build_plan(strategy, ["MSHMS", "AKPA"])
    cycle = services.create_cycle(
        strategy, by=secretariat, kind="year", year=2024, opens_on=datetime.date(2025, 1, 1),
        due_on=datetime.date(2025, 2, 1),
    )  # fmt: skip
    client = client_for(secretariat)
    assert "Open the cycle" in text_of(client.get(url("cycle", cycle.pk)))
    assert "This opens the cycle and creates 2 reports" in text_of(client.get(url("cycle-open", cycle.pk)))
    response = client.post(url("cycle-open", cycle.pk), {"version": cycle.version, "confirm": "yes"}, follow=True)
    assert "2 reports were created" in text_of(response)
    assert ProgressReport.objects.filter(cycle=cycle).count() == 2


def test_closing_a_cycle_asks_first_then_locks_its_reports(client_for, secretariat, focal_point, cycle, report):
    client = client_for(secretariat)
    page = text_of(client.get(url("cycle-close", cycle.pk)))
    assert "Close the cycle 2024-H2?" in page and "read-only" in page
    cycle.refresh_from_db()
    response = client.post(url("cycle-close", cycle.pk), {"version": cycle.version, "confirm": "yes"}, follow=True)
    assert "The cycle is closed" in text_of(response)
    report.refresh_from_db()
    assert report.is_locked
    assert 'id="report-form"' not in client_for(focal_point).get(url("report", report.pk)).content.decode()


def test_a_stale_close_is_refused_with_a_message(client_for, secretariat, cycle):
    response = client_for(secretariat).post(
        url("cycle-close", cycle.pk), {"version": cycle.version - 1, "confirm": "yes"}, follow=True
    )
    assert "changed by someone else" in text_of(response)
    cycle.refresh_from_db()
    assert cycle.status == "open"


# --- The report page ---


def test_the_report_page_shows_every_line_with_labelled_inputs(client_for, focal_point, strategy, report):
    activities, indicators = line_ids(report)
    line = ActivityProgress.objects.filter(report=report).select_related("activity").first()
    ActivityBudgetFactory(activity=line.activity, year=2024, amount=Decimal("2500000"))
    total = IndicatorValue.objects.get(report=report, category=None, indicator__code="1.1.1.1")
    IndicatorTargetFactory(indicator=total.indicator, year=2024, value=Decimal("750"))
    response = client_for(focal_point).get(url("report", report.pk))
    html, page = response.content.decode(), text_of(response)
    assert f"Progress report of {report.institution.name} (MSHMS)" in page and "2024-H2" in page
    assert line.activity.code in page and "Planned cost 2024: 2,500,000 ALL" in page
    assert "Target 2024: 750" in page and "persons" in page and "Sex (adds up to the total)" in page
    for pk in activities:
        for field in ("status", "percent_complete", "spent_state_budget", "spent_donor", "spent_other", "narrative_sq"):
            assert f'<label class="form-label small fw-semibold mb-1" for="id_a{pk}_{field}">' in html
    for pk in indicators:
        assert f'for="id_i{pk}_total"' in html and f'for="id_i{pk}_note"' in html
    sex = DisaggregationDimension.objects.get(code="sex")
    for category in sex.categories.all():
        assert f'for="id_i{total.indicator_id}_c{category.pk}"' in html
    assert 'name="version" value="1"' in html
    assert url("report-workbook", report.pk) in html and url("report-upload", report.pk) in html


def test_the_report_page_lists_what_is_missing_above_the_form(client_for, focal_point, report):
    activities, _indicators = line_ids(report)
    response = client_for(focal_point).get(url("report", report.pk))
    page, html = text_of(response), response.content.decode()
    assert "items are still missing" in page and "Give the status." in page
    assert f'href="#activity-{activities[0]}"' in html and f'id="activity-{activities[0]}"' in html
    assert "Every line is filled in" not in page


def test_the_focal_point_saves_the_report_through_the_page(client_for, focal_point, report):
    client = client_for(focal_point)
    response = client.post(url("report", report.pk), filled_form(client, report))
    assert response.status_code == 302 and response.url == url("report", report.pk)
    report.refresh_from_db()
    assert report.version == 2
    line = ActivityProgress.objects.filter(report=report).first()
    assert (line.status, line.percent_complete, line.spent_state_budget) == ("on_track", 50, Decimal("1000"))
    page = client.get(url("report", report.pk))
    assert "Your changes were saved." in text_of(page)
    assert url("report-submit", report.pk) in page.content.decode()


def test_saving_an_unchanged_form_writes_nothing(client_for, focal_point, report):
    client = client_for(focal_point)
    response = client.post(url("report", report.pk), form_values(client.get(url("report", report.pk))), follow=True)
    assert "Nothing had changed" in text_of(response)
    report.refresh_from_db()
    assert report.version == 1


def test_a_broken_rule_is_shown_next_to_its_field_and_the_input_is_kept(client_for, focal_point, report):
    client = client_for(focal_point)
    data = filled_form(client, report)
    activity = line_ids(report)[0][0]
    data |= {f"a{activity}_status": "completed", f"a{activity}_percent_complete": "60"}
    counted = IndicatorValue.objects.get(report=report, category=None, indicator__code="1.1.1.1").indicator_id
    data[f"i{counted}_total"] = "11"
    response = client.post(url("report", report.pk), data)
    html, page = response.content.decode(), text_of(response)
    assert response.status_code == 200
    assert "Nothing was saved" in page
    field = f"id_a{activity}_percent_complete"
    assert re.search(rf'<input[^>]*aria-invalid="true"[^>]*id="{field}"|<input[^>]*id="{field}"[^>]*aria-invalid', html)
    assert f'<div class="invalid-feedback" id="{field}_error">A completed activity is 100% complete.</div>' in html
    assert f'id="id_i{counted}_total_error"' in html and "must add up to the total" in page
    assert 'value="60"' in html and f'href="#{field}"' in html
    report.refresh_from_db()
    assert report.version == 1 and not ActivityProgress.objects.filter(report=report).exclude(status="").exists()


def test_a_value_that_is_not_a_number_is_shown_next_to_its_field(client_for, focal_point, report):
    client = client_for(focal_point)
    data = filled_form(client, report)
    activity = line_ids(report)[0][0]
    data[f"a{activity}_spent_donor"] = "many"
    html = client.post(url("report", report.pk), data).content.decode()
    assert f'id="id_a{activity}_spent_donor_error"' in html and 'value="many"' in html


def test_a_save_on_a_stale_version_merges_and_shows_the_values_both_changed(
    client_for, focal_point, report, other_focal_point
):
    client = client_for(focal_point)
    stale = filled_form(client, report)
    activity = line_ids(report)[0][0]
    services.save_report(
        report, by=focal_point, version=1,
        activities=[services.ActivityLineInput(activity, status="delayed", percent_complete=20, narrative_sq="Late.")],
    )  # fmt: skip
    response = client.post(url("report", report.pk), stale)
    html, page = response.content.decode(), text_of(response)
    assert response.status_code == 200
    assert "changed the report" in page and "Under way, delayed" in page
    assert "Someone else changed this value meanwhile, to: Under way, delayed." in page
    assert re.search(r'<option value="on_track" selected>', html)  # the typed value stays in the field
    report.refresh_from_db()
    assert report.version == 3 and f'name="version" value="{report.version}"' in html
    line = ActivityProgress.objects.get(report=report, activity_id=activity)
    assert (line.status, line.spent_state_budget) == ("delayed", Decimal("1000"))


def test_the_focal_point_submits_a_complete_report(client_for, focal_point, report):
    fill(report, focal_point)
    client = client_for(focal_point)
    response = client.post(url("report-submit", report.pk), {"version": report.version}, follow=True)
    page = text_of(response)
    assert "The report was submitted" in page and "awaits the secretariat's review" in page
    assert 'id="report-form"' not in response.content.decode()
    report.refresh_from_db()
    assert report.status == "submitted"


def test_submitting_an_incomplete_report_says_what_is_missing(client_for, focal_point, report):
    response = client_for(focal_point).post(url("report-submit", report.pk), {"version": 1}, follow=True)
    assert "Give the status." in text_of(response)
    report.refresh_from_db()
    assert report.status == "draft"


@pytest.fixture
def submitted(report, focal_point):
    fill(report, focal_point)
    return services.submit_report(report, by=focal_point)


def test_the_secretariat_returns_a_report_and_the_focal_point_reads_why(
    client_for, secretariat, focal_point, submitted
):
    report = submitted
    activity = line_ids(report)[0][0]
    reviewer = client_for(secretariat)
    reviewer.post(url("report-comment", report.pk), {"text": "Which trainings?", "activity": activity})
    response = reviewer.post(
        url("report-return", report.pk), {"version": report.version, "reason": "Add evidence.", "confirm": "yes"}
    )
    assert response.status_code == 302
    response = client_for(focal_point).get(url("report", report.pk))
    page, html = text_of(response), response.content.decode()
    assert "Returned by the secretariat" in page and "Add evidence." in page and "Which trainings?" in page
    assert 'id="report-form"' in html
    assert "Returned" in page and "Ardit" not in page  # timeline names the user (the fixture's full name)


def test_a_return_without_a_reason_is_refused(client_for, secretariat, submitted):
    report = submitted
    response = client_for(secretariat).post(
        url("report-return", report.pk), {"version": report.version, "reason": " ", "confirm": "yes"}, follow=True
    )
    assert "Say why the report is returned." in text_of(response)
    report.refresh_from_db()
    assert report.status == "submitted"


def test_approving_makes_the_report_read_only_and_reopening_makes_it_editable(
    client_for, secretariat, focal_point, submitted
):
    report = submitted
    reviewer, owner = client_for(secretariat), client_for(focal_point)
    assert "Approve the report" in text_of(reviewer.get(url("report", report.pk)))
    response = reviewer.post(
        url("report-approve", report.pk), {"version": report.version, "confirm": "yes"}, follow=True
    )
    assert "The report was approved" in text_of(response)
    report.refresh_from_db()
    response = owner.get(url("report", report.pk))
    page, html = text_of(response), response.content.decode()
    assert "approved and read-only" in page and 'id="report-form"' not in html and "<textarea" not in html
    assert "Going well." in page  # the values, as text
    refused = owner.post(url("report", report.pk), form_values(response), follow=True)
    assert "The report cannot be changed now" in text_of(refused)
    assert "Reopen the report" in text_of(reviewer.get(url("report", report.pk)))
    reopen = {"version": report.version, "reason": "Figures to correct.", "confirm": "yes"}
    reviewer.post(url("report-reopen", report.pk), reopen)
    report.refresh_from_db()
    assert report.status == "returned" and report.is_editable
    page = text_of(owner.get(url("report", report.pk)))
    assert "Figures to correct." in page and "Reopened" in page


def test_the_coordinator_reads_a_report_without_review_buttons(client_for, coordinator, submitted):
    response = client_for(coordinator).get(url("report", submitted.pk))
    html = response.content.decode()
    assert response.status_code == 200 and "Going well." in text_of(response)
    assert url("report-approve", submitted.pk) not in html and 'id="report-form"' not in html


def test_the_secretariat_comments_on_an_indicator_and_on_the_whole_report(
    client_for, secretariat, focal_point, submitted
):
    indicator = line_ids(submitted)[1][0]
    reviewer = client_for(secretariat)
    response = reviewer.post(url("report-comment", submitted.pk), {"text": "Source?", "indicator": indicator})
    assert response.url.endswith(f"#indicator-{indicator}")
    reviewer.post(url("report-comment", submitted.pk), {"text": "Well done overall."})
    page = text_of(client_for(focal_point).get(url("report", submitted.pk)))
    assert "Source?" in page and "Well done overall." in page


def test_the_timeline_and_history_show_who_did_what(client_for, secretariat, focal_point, submitted):
    services.return_report(submitted, by=secretariat, reason="More detail.")
    client = client_for(focal_point)
    page = text_of(client.get(url("report", submitted.pk)))
    for text in ("Saved", "Submitted", "Returned", "Reason: More detail.", focal_point.get_full_name()):
        assert text in page
    history = text_of(client.get(url("report-history", submitted.pk)))
    assert "Percent complete" in history and "Going well." in history and "More detail." in history


def test_numbers_follow_the_albanian_locale(client_for, focal_point, report):
    line = ActivityProgress.objects.filter(report=report).select_related("activity").first()
    ActivityBudgetFactory(activity=line.activity, year=2024, amount=Decimal("2500000"))
    client = client_for(focal_point)
    page = text_of(client.get(url("report", report.pk), headers={"accept-language": "sq"}))
    assert "2.500.000 ALL" in page


# --- Evidence ---


def test_the_focal_point_uploads_downloads_and_removes_evidence(client_for, focal_point, report):
    client = client_for(focal_point)
    activity = line_ids(report)[0][0]
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = client.post(url("evidence-add", report.pk), {"file": upload, "activity": activity, "version": 1})
    assert response.url == url("report", report.pk) + f"#activity-{activity}"
    evidence = Evidence.objects.get()
    page = client.get(url("report", report.pk))
    assert "minutes.pdf was uploaded." in text_of(page) and url("evidence", evidence.pk) in page.content.decode()
    download = client.get(url("evidence", evidence.pk))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith('attachment; filename="minutes.pdf"')
    assert b"".join(download.streaming_content) == PDF
    report.refresh_from_db()
    client.post(url("evidence-remove", evidence.pk), {"version": report.version})
    assert not Evidence.objects.exists()


def test_a_refused_evidence_file_says_why(client_for, focal_point, report):
    client = client_for(focal_point)
    activity = line_ids(report)[0][0]
    upload = SimpleUploadedFile("notes.pdf", b"just text", content_type="application/pdf")
    response = client.post(
        url("evidence-add", report.pk), {"file": upload, "activity": activity, "version": 1}, follow=True
    )
    assert "Only PDF, Word (docx), Excel (xlsx), JPEG and PNG files are accepted." in text_of(response)
    response = client.post(url("evidence-add", report.pk), {"activity": activity, "version": 1}, follow=True)
    assert "Choose a file to upload." in text_of(response)
    assert not Evidence.objects.exists()


# --- Query counts: the board and the report page, for 5 and for 50 institutions or lines ---


def grow_plan(strategy, institutions: int, activities_each: int, first: int = 0):
    """Institutions X<first>..., each leading activities and owning a count indicator (by sex) and a percentage."""
    sex = DisaggregationDimension.objects.get(code="sex")
    measure = ActivityProgress.objects.select_related("activity__measure").first().activity.measure
    for number in range(first, first + institutions):
        lead = f"X{number:02}"
        for _n in range(activities_each):
            activity = ActivityFactory(measure=measure, lead__code=lead)
            ActivityBudgetFactory(activity=activity, year=2024)
        indicator = IndicatorFactory(result=measure, responsible=activity.lead)
        indicator.disaggregation.add(sex)
        IndicatorTargetFactory(indicator=indicator, year=2024)
        IndicatorFactory(result=measure, responsible=activity.lead, value_type=Indicator.ValueType.PERCENT)


def open_cycle_on(strategy, secretariat, year: int):
    cycle = services.create_cycle(
        strategy, by=secretariat, kind="year", year=year, opens_on=datetime.date(year, 1, 1),
        due_on=datetime.date(year + 1, 1, 31),
    )  # fmt: skip
    services.open_cycle(cycle, by=secretariat)
    return cycle


def busy_report(report, focal_point, secretariat):
    """Filled, with evidence on every line, a comment on every line, submitted and returned."""
    fill(report, focal_point)
    for line in selectors.report_detail(report).activities:
        upload = SimpleUploadedFile("proof.pdf", PDF, content_type="application/pdf")
        report.refresh_from_db()
        services.add_evidence(report, by=focal_point, activity_id=line.activity.pk, upload=upload)
        services.add_comment(report, by=secretariat, text="?", activity_id=line.activity.pk)
    report.refresh_from_db()
    services.submit_report(report, by=focal_point)
    services.return_report(report, by=secretariat, reason="Again.")


BOARD_QUERIES = 6
# 2 of them: the previous period's figures beside each line (a resubmission reads 2 more: see test_review_context)
REPORT_QUERIES = 14


def test_the_board_runs_in_the_same_number_of_queries_for_5_and_50_institutions(
    client_for, secretariat, strategy, cycle, django_assert_max_num_queries
):
    client = client_for(secretariat)
    grow_plan(strategy, 3, 1)
    small = open_cycle_on(strategy, secretariat, 2025)
    assert small.reports.count() == 5
    with django_assert_max_num_queries(BOARD_QUERIES):
        assert client.get(url("cycle", small.pk)).status_code == 200
    grow_plan(strategy, 45, 1, first=3)
    large = open_cycle_on(strategy, secretariat, 2026)
    assert large.reports.count() == 50
    with django_assert_max_num_queries(BOARD_QUERIES):
        response = client.get(url("cycle", large.pk))
    assert "X47" in text_of(response)


def add_lines(report, activities: int, indicators: int, year: int):
    """More lines for the report's institution: activities of `year` only (costed), count indicators by sex."""
    measure = ActivityProgress.objects.select_related("activity__measure").first().activity.measure
    sex = DisaggregationDimension.objects.get(code="sex")
    for _n in range(activities):
        activity = ActivityFactory(measure=measure, lead=report.institution, start_year=year, end_year=year)
        ActivityBudgetFactory(activity=activity, year=year)
    for _n in range(indicators):
        indicator = IndicatorFactory(result=measure, responsible=report.institution)
        indicator.disaggregation.add(sex)
        IndicatorTargetFactory(indicator=indicator, year=year)


def lines_of(report) -> int:
    return report.activity_lines.count() + report.indicator_values.filter(category=None).count()


@pytest.mark.parametrize("persona", ["focal_point", "secretariat"])
def test_the_report_page_runs_in_the_same_number_of_queries_for_5_and_50_lines(
    persona, request, client_for, focal_point, secretariat, report, django_assert_max_num_queries
):
    client = client_for(request.getfixturevalue(persona))
    strategy = report.cycle.strategy
    add_lines(report, 1, 0, 2025)
    small = ProgressReport.objects.get(cycle=open_cycle_on(strategy, secretariat, 2025), institution=report.institution)
    busy_report(small, focal_point, secretariat)
    assert lines_of(small) == 5
    with django_assert_max_num_queries(REPORT_QUERIES):
        assert client.get(url("report", small.pk)).status_code == 200
    add_lines(report, 46, 2, 2026)
    large = ProgressReport.objects.get(cycle=open_cycle_on(strategy, secretariat, 2026), institution=report.institution)
    busy_report(large, focal_point, secretariat)
    assert lines_of(large) == 50
    with django_assert_max_num_queries(REPORT_QUERIES):
        response = client.get(url("report", large.pk))
    assert response.status_code == 200 and "proof.pdf" in text_of(response)


def test_the_report_list_runs_in_a_fixed_number_of_queries(
    client_for, secretariat, strategy, cycle, django_assert_max_num_queries
):
    grow_plan(strategy, 10, 1)
    open_cycle_on(strategy, secretariat, 2025)
    client = client_for(secretariat)
    with django_assert_max_num_queries(8):
        response = client.get(url("reports"))
    assert "X09" in text_of(response)
