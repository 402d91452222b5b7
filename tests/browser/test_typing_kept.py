"""In a real browser, typing is never lost on the report page: a save on a page that someone else changed meanwhile
merges, showing only the value both changed side by side; Submit saves what was typed first; evidence is attached
without leaving the page; leaving with unsaved changes asks first."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from nsm.accounts.models import Membership
from nsm.monitoring import services
from nsm.monitoring.models import ActivityProgress, Evidence, ProgressReport
from nsm.strategy.models import Activity
from tests.browser.conftest import sign_in
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
from tests.monitoring.conftest import build_plan, open_half_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def report(strategy, secretariat, focal_point, settings, tmp_path):
    """The focal point's (MSHMS) report in an open 2024-H2 cycle: two activities and a count by sex."""
    settings.MEDIA_ROOT = tmp_path
    build_plan(strategy, ["MSHMS"])
    cycle = open_half_year(strategy, secretariat)
    return ProgressReport.objects.get(cycle=cycle, institution__code="MSHMS")


@pytest.fixture
def colleague(db):
    user = UserFactory(username="colleague", first_name="Arta", last_name="Kola")
    MembershipFactory(user=user, institution=InstitutionFactory(code="MSHMS"), role=Membership.Role.FOCAL_POINT)
    return user


def field(page: Page, label: str, code: str):
    return page.get_by_label(f"{label} ({code})", exact=True)


def test_a_stale_save_merges_and_submit_saves_the_typing_first(page, report, focal_point, colleague, tmp_path):
    first, second = Activity.objects.filter(lead__code="MSHMS").order_by("sort_key")
    report_path = reverse("monitoring:report", args=[report.pk])
    sign_in(page, "focal")
    page.goto(report_path)

    # The focal point types on both lines; meanwhile a colleague saves the first line's narrative and the second's
    # status.
    field(page, "Narrative (Albanian)", first.code).fill("Counters open in 5 regions.")
    field(page, "Status", second.code).select_option(label="Not started")
    services.save_report(
        report, by=colleague, version=1,
        activities=[
            services.ActivityLineInput(first.pk, narrative_sq="Counters open in 4 regions."),
            services.ActivityLineInput(second.pk, status="delayed", percent_complete=10, narrative_sq="No funds."),
        ],
    )  # fmt: skip
    page.get_by_role("button", name="Save", exact=True).click()

    # Both changed the first narrative and the second status: each is shown with theirs, mine kept in the field.
    expect(page.get_by_role("alert").filter(has_text="Arta Kola changed the report")).to_be_visible()
    narrative = field(page, "Narrative (Albanian)", first.code)
    expect(narrative).to_have_value("Counters open in 5 regions.")
    expect(narrative).to_have_accessible_description(re.compile("to: Counters open in 4 regions"))
    status = field(page, "Status", second.code)
    expect(status).to_have_accessible_description(re.compile("to: Under way, delayed"))
    # Their other changes are in: the second line's narrative and percent.
    expect(field(page, "Narrative (Albanian)", second.code)).to_have_value("No funds.")

    # Not started means 0%, against their 10%: a second value both changed. Take theirs on that line, keep mine
    # for the narrative, save.
    line = page.get_by_role("article", name=re.compile(rf"^Activity {re.escape(second.code)}:"))
    line.get_by_role("button", name=f"Use their value (Status, {second.code})").click()
    line.get_by_role("button", name=f"Use their value (Percent complete, {second.code})").click()
    expect(status).to_have_value("delayed")
    expect(field(page, "Percent complete", second.code)).to_have_value("10")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Your changes were saved.")).to_be_visible()
    saved = {line.activity_id: line for line in ActivityProgress.objects.filter(report=report)}
    assert saved[first.pk].narrative == "Counters open in 5 regions."
    assert (saved[second.pk].status, saved[second.pk].narrative) == ("delayed", "No funds.")

    # Evidence is attached without leaving the page: what was typed meanwhile stays in its field, unsaved.
    field(page, "Status", first.code).select_option(label="Under way, on schedule")
    field(page, "Percent complete", first.code).fill("40")
    page.evaluate("window.nsmSamePage = true")
    proof = Path(tmp_path) / "minutes.pdf"
    proof.write_bytes(PDF)
    page.get_by_label(f"Add a file to activity {first.code}").set_input_files(str(proof))
    page.get_by_role("button", name=f"Upload (evidence for activity {first.code})").click()
    expect(page.get_by_role("status").filter(has_text="minutes.pdf was uploaded.")).to_be_visible()
    expect(page.get_by_role("link", name="minutes.pdf")).to_be_visible()
    assert page.evaluate("window.nsmSamePage") is True
    expect(field(page, "Percent complete", first.code)).to_have_value("40")
    assert Evidence.objects.get().line.activity_id == first.pk

    # Leaving now would lose the typing: the browser asks.
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("link", name="History of the values").click()
    expect(page).to_have_url(re.compile(re.escape(report_path) + "$"))
    assert dialogs == ["beforeunload"]
    page.remove_listener("dialog", answer)

    # The rest typed, never saved: Submit saves it first, then submits.
    field(page, "Status", second.code).select_option(label="Completed")
    field(page, "Percent complete", second.code).fill("100")
    field(page, "Total", "1.1.1.1").fill("10")
    field(page, "Female", "1.1.1.1").fill("4")
    field(page, "Male", "1.1.1.1").fill("6")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_role("status").filter(has_text="the report was submitted to the secretariat")).to_be_visible()
    report.refresh_from_db()
    assert report.status == ProgressReport.Status.SUBMITTED
    saved = {line.activity_id: line for line in ActivityProgress.objects.filter(report=report)}
    assert (saved[first.pk].status, saved[first.pk].percent_complete) == ("on_track", 40)
    assert (saved[second.pk].status, saved[second.pk].percent_complete) == ("completed", 100)
