"""In a real browser, the whole review loop of a progress report.

The focal point fills in every line and submits; the secretariat comments on a line and returns the report with a
reason; the focal point reads both, corrects the line and submits again; the secretariat approves, and the report
is read-only from then on.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, IndicatorValue, ProgressReport, ReportEvent
from nsm.strategy.models import Activity, Indicator
from tests.browser.conftest import sign_in
from tests.factories import IndicatorFactory, InstitutionFactory
from tests.monitoring.conftest import build_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def report(strategy, secretariat, focal_point):
    """The focal point's (MSHMS) report in an open 2024-H2 cycle: two activities, a count disaggregated by sex and a
    percentage; AKPA has a report in the cycle too."""
    measure = build_plan(strategy, ["MSHMS", "AKPA"])
    IndicatorFactory(
        result=measure,
        code="1.1.1.p",
        responsible=InstitutionFactory(code="MSHMS"),
        value_type=Indicator.ValueType.PERCENT,
        unit_en="%",
    )
    today = timezone.localdate()
    cycle = services.create_cycle(
        strategy,
        by=secretariat,
        kind="half_year",
        year=2024,
        half=2,
        opens_on=today - datetime.timedelta(days=10),
        due_on=today + datetime.timedelta(days=30),
    )
    services.open_cycle(cycle, by=secretariat)
    return ProgressReport.objects.select_related("cycle").get(cycle=cycle, institution__code="MSHMS")


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()


def field(page: Page, label: str, code: str):
    """A report input by its label; the label carries the line's code for screen readers: `Status (1.1.1.2)`."""
    return page.get_by_label(f"{label} ({code})", exact=True)


def save(page: Page) -> None:
    page.get_by_role("button", name="Save", exact=True).click()


def said(page: Page, message: str):
    """The message a page shows after a step went through (role status; a refusal is an alert)."""
    return page.get_by_role("status").filter(has_text=message)


def test_focal_point_and_secretariat_walk_a_report_through_return_and_approval(page, report, focal_point, secretariat):
    first, second = Activity.objects.filter(lead__code="MSHMS").order_by("sort_key")
    count = Indicator.objects.get(code="1.1.1.1")
    share = Indicator.objects.get(code="1.1.1.p")
    report_path = reverse("monitoring:report", args=[report.pk])

    # The focal point finds the report among its own, and sees what is missing before it can submit.
    sign_in(page, "focal")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name=re.compile(r"^MSHMS")).click()
    expect(page).to_have_url(re.compile(re.escape(report_path) + "$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress report of")
    expect(page.get_by_text("Before you can submit, 4 items are still missing:")).to_be_visible()
    for name in (f"Activity {first.code}", f"Activity {second.code}", "Indicator 1.1.1.1", "Indicator 1.1.1.p"):
        expect(page.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(page.get_by_text("Every line is filled in")).to_have_count(0)

    # Every line, as people type numbers in English.
    field(page, "Status", first.code).select_option(label="Under way, on schedule")
    field(page, "Percent complete", first.code).fill("40")
    field(page, "Spent: state budget", first.code).fill("1,500")
    field(page, "Spent: donors", first.code).fill("250.50")
    field(page, "Narrative (Albanian)", first.code).fill("Counters open in 5 of 12 regions.")
    field(page, "Status", second.code).select_option(label="Completed")
    field(page, "Percent complete", second.code).fill("100")
    field(page, "Spent: other", second.code).fill("3000")
    field(page, "Narrative (Albanian)", second.code).fill("Training delivered.")
    field(page, "Total", count.code).fill("30")
    field(page, "Female", count.code).fill("18")
    field(page, "Male", count.code).fill("12")
    field(page, "Source", count.code).fill("Registry of returnees")
    field(page, "Total", share.code).fill("42.5")
    field(page, "Note", share.code).fill("Survey of June.")
    save(page)
    expect(said(page, "Your changes were saved.")).to_be_visible()
    expect(page.get_by_text("items are still missing")).to_have_count(0)
    expect(field(page, "Spent: state budget", first.code)).to_have_value("1,500")

    # A breakdown that does not add up: nothing is saved, and the error is on the total, named and described.
    field(page, "Female", count.code).fill("20")
    save(page)
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved: please correct the errors below.")
    total = field(page, "Total", count.code)
    expect(total).to_have_attribute("aria-invalid", "true")
    error = re.compile(r"Female \+ Male = 32, but the total is 30")
    expect(total).to_have_accessible_description(error)
    indicator_line = page.get_by_role("article", name=re.compile(rf"^Indicator {re.escape(count.code)}:"))
    expect(indicator_line.get_by_text(error)).to_be_visible()
    expect(field(page, "Female", count.code)).to_have_value("20")  # what was typed is kept
    expect(page.get_by_role("alert").get_by_role("link", name=f"Indicator {count.code}: Total")).to_be_visible()

    total.fill("32")
    save(page)
    expect(said(page, "Your changes were saved.")).to_be_visible()
    expect(field(page, "Total", count.code)).not_to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Submit the report").click()
    expect(said(page, "The report was submitted to the secretariat.")).to_be_visible()
    expect(page.get_by_text("awaits the secretariat's review")).to_be_visible()
    expect(field(page, "Status", first.code)).to_have_count(0)
    sign_out(page)

    # The secretariat sees it submitted on the board, comments on a line and returns the report.
    sign_in(page, "secretariat")
    page.goto(reverse("monitoring:cycle", args=[report.cycle.pk]))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=re.compile(r"^MSHMS")))
    expect(row).to_contain_text("Submitted")
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=re.compile(r"^AKPA")))).to_contain_text(
        "Not started"
    )
    row.get_by_role("link", name=re.compile(r"^MSHMS")).click()
    expect(page).to_have_url(re.compile(re.escape(report_path) + "$"))

    line = page.get_by_role("article", name=re.compile(rf"^Activity {re.escape(first.code)}:"))
    expect(line).to_contain_text("Counters open in 5 of 12 regions.")
    line.get_by_text(f"Comment on activity {first.code}", exact=True).filter(visible=True).click()
    comment = "Only 4 regions are listed in the evidence: please check the narrative."
    line.get_by_label(f"Comment on activity {first.code}", exact=True).fill(comment)
    line.get_by_role("button", name=f"Add the comment (Comment on activity {first.code})").click()
    expect(said(page, "Your comment was added.")).to_be_visible()
    expect(line).to_contain_text(comment)

    reason = "Activity progress does not match the evidence."
    page.get_by_label("Reason for returning the report").fill(reason)
    page.get_by_role("button", name="Return the report").click()
    expect(page.get_by_role("heading", name="Return the report of MSHMS for 2024-H2?")).to_be_visible()
    expect(page.get_by_label("Reason for returning the report")).to_have_value(reason)  # the typed reason kept
    page.get_by_role("button", name="Return the report").click()
    expect(said(page, "The report was returned to MSHMS.")).to_be_visible()
    expect(page.get_by_role("button", name="Return the report")).to_have_count(0)
    sign_out(page)

    # The focal point reads the reason and the comment, corrects the line and submits again.
    sign_in(page, "focal")
    page.goto(report_path)
    expect(page.get_by_role("note").filter(has_text="Returned by the secretariat")).to_contain_text(reason)
    line = page.get_by_role("article", name=re.compile(rf"^Activity {re.escape(first.code)}:"))
    expect(line).to_contain_text(comment)
    field(page, "Percent complete", first.code).fill("35")
    field(page, "Narrative (Albanian)", first.code).fill("Counters open in 4 of 12 regions.")
    save(page)
    expect(said(page, "Your changes were saved.")).to_be_visible()
    page.get_by_role("button", name="Submit the report").click()
    expect(said(page, "The report was submitted to the secretariat.")).to_be_visible()
    sign_out(page)

    # The secretariat approves.
    sign_in(page, "secretariat")
    page.goto(report_path)
    expect(page.get_by_role("article", name=re.compile(rf"^Activity {re.escape(first.code)}:"))).to_contain_text(
        "Counters open in 4 of 12 regions."
    )
    page.get_by_role("button", name="Approve the report").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Approve the report of MSHMS"))).to_be_visible()
    page.get_by_role("button", name="Approve the report").click()
    expect(said(page, "The report was approved; it is now read-only.")).to_be_visible()
    expect(page.get_by_role("button", name="Approve the report")).to_have_count(0)
    page.goto(reverse("monitoring:cycle", args=[report.cycle.pk]))
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name=re.compile(r"^MSHMS")))).to_contain_text(
        "Approved"
    )
    sign_out(page)

    # The focal point sees it approved, and nothing to type into.
    sign_in(page, "focal")
    page.goto(report_path)
    expect(page.get_by_text("The report is approved and read-only.")).to_be_visible()
    main = page.get_by_role("main")
    expect(main.get_by_text("Approved", exact=True).first).to_be_visible()
    for role in ("textbox", "spinbutton", "combobox"):
        expect(main.get_by_role(role)).to_have_count(0)
    expect(main.get_by_role("button", name="Save", exact=True)).to_have_count(0)

    # What the database holds.
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.APPROVED
    assert report.return_reason == ""  # cleared on resubmission; the timeline keeps it
    assert list(report.events.order_by("at", "pk").values_list("kind", "user__username")) == [
        (ReportEvent.Kind.SAVED, "focal"),
        (ReportEvent.Kind.SAVED, "focal"),
        (ReportEvent.Kind.SUBMITTED, "focal"),
        (ReportEvent.Kind.RETURNED, "secretariat"),
        (ReportEvent.Kind.SAVED, "focal"),
        (ReportEvent.Kind.SUBMITTED, "focal"),
        (ReportEvent.Kind.APPROVED, "secretariat"),
    ]
    assert report.events.get(kind=ReportEvent.Kind.RETURNED).reason == reason
    lines = {line.activity_id: line for line in ActivityProgress.objects.filter(report=report)}
    assert (
        lines[first.pk].status,
        lines[first.pk].percent_complete,
        lines[first.pk].spent_state_budget,
        lines[first.pk].spent_donor,
        lines[first.pk].spent_other,
        lines[first.pk].narrative,
    ) == ("on_track", 35, Decimal("1500.00"), Decimal("250.50"), None, "Counters open in 4 of 12 regions.")
    assert (lines[second.pk].status, lines[second.pk].percent_complete, lines[second.pk].spent_other) == (
        "completed",
        100,
        Decimal("3000.00"),
    )
    values = {
        (value.indicator.code, value.category.code if value.category else None): value
        for value in IndicatorValue.objects.filter(report=report).select_related("indicator", "category")
    }
    assert {key: value.value for key, value in values.items()} == {
        ("1.1.1.1", None): Decimal(32),
        ("1.1.1.1", "female"): Decimal(20),
        ("1.1.1.1", "male"): Decimal(12),
        ("1.1.1.p", None): Decimal("42.5"),
    }
    assert values["1.1.1.1", None].source == "Registry of returnees"
    assert values["1.1.1.p", None].note == "Survey of June."
    (review,) = report.comments.all()
    assert (review.activity_id, review.text, review.author) == (first.pk, comment, secretariat)
