"""In a real browser, a year's loop without an administrator: the secretariat invites a focal point, who sets a
password; the secretariat opens the cycle and the focal point is told (bell, inbox, e-mail), reports and submits; the
secretariat is told, returns the report with a reason; the focal point is told and reads the reason."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from nsm.accounts.models import Institution
from nsm.monitoring import services
from nsm.strategy.models import Activity
from tests.browser.conftest import sign_in
from tests.browser.test_monitoring_loop import field, said, save, sign_out
from tests.monitoring.conftest import build_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "a long walk by the Drin river"


@pytest.fixture
def planned_cycle(strategy, secretariat):
    """A 2024-H2 cycle planned, not yet open, on a plan with MSHMS and AKPA activities and indicators."""
    build_plan(strategy, ["MSHMS", "AKPA"])
    today = timezone.localdate()
    return services.create_cycle(
        strategy, by=secretariat, kind="half_year", year=2024, half=2,
        opens_on=today - datetime.timedelta(days=1), due_on=today + datetime.timedelta(days=30),
    )  # fmt: skip


def told(page: Page, count: int, sentence: str) -> None:
    """The bell counts `count` unread notices; the inbox lists `sentence`, which leads to its page."""
    bell = page.get_by_role("link", name=re.compile(rf"^Notifications: {count} unread notification"))
    expect(bell).to_be_visible()
    bell.click()
    page.get_by_role("link", name=re.compile(re.escape(sentence))).click()


def test_invited_focal_point_and_secretariat_are_told_of_each_step(page, mailoutbox, planned_cycle, secretariat):
    mshms = Institution.objects.get(code="MSHMS")
    strategy = planned_cycle.strategy

    # The secretariat invites a focal point of MSHMS.
    sign_in(page, "secretariat")
    page.goto(reverse("accounts:people-invite"))
    page.get_by_label("First name").fill("Arben")
    page.get_by_label("Last name").fill("Hoxha")
    page.get_by_label("E-mail address").fill("arben@example.org")
    page.get_by_label("Institution").select_option(value=str(mshms.pk))
    page.get_by_label("Role").select_option(value="focal_point")
    page.get_by_role("button", name="Send the invitation").click()
    link = re.search(r"https?://[^/\s]+(/accounts/invitation/\S+/)", mailoutbox[-1].body).group(1)
    sign_out(page)

    # The invited person sets a password from the e-mail's link.
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    expect(said(page, "Your account is ready.")).to_be_visible()

    # The secretariat opens the cycle: the new focal point is told, in the app and by e-mail (through the worker's
    # queue, sent here by the command that also retries).
    sign_in(page, "secretariat")
    page.goto(reverse("monitoring:cycle", args=[planned_cycle.pk]))
    page.get_by_role("link", name="Open the cycle").click()
    page.get_by_role("button", name="Open the cycle").click()
    expect(said(page, "The cycle is open")).to_be_visible()
    sign_out(page)
    call_command("send-notifications")
    opened = f"The reporting cycle 2024-H2 of {strategy.code} is open"
    assert any(message.to == ["arben@example.org"] and opened in message.body for message in mailoutbox)

    sign_in(page, "arben@example.org", PASSWORD)
    told(page, 1, opened)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress report of")
    first, second = Activity.objects.filter(lead=mshms).order_by("sort_key")
    for activity in (first, second):
        field(page, "Status", activity.code).select_option(label="Under way, on schedule")
        field(page, "Percent complete", activity.code).fill("40")
        field(page, "Narrative (Albanian)", activity.code).fill("Under way.")
    field(page, "Total", "1.1.1.1").fill("30")
    field(page, "Female", "1.1.1.1").fill("18")
    field(page, "Male", "1.1.1.1").fill("12")
    field(page, "Source", "1.1.1.1").fill("Registry")
    save(page)
    expect(said(page, "Your changes were saved.")).to_be_visible()
    page.get_by_role("button", name="Submit the report").click()
    expect(said(page, "The report was submitted to the secretariat.")).to_be_visible()
    sign_out(page)

    # The secretariat is told, and returns the report with a reason.
    sign_in(page, "secretariat")
    told(page, 1, "MSHMS submitted its report for 2024-H2")
    reason = "The narrative of both activities is the same: say what each did."
    page.get_by_label("Reason for returning the report").fill(reason)
    page.get_by_role("button", name="Return the report").click()
    page.get_by_role("button", name="Return the report").click()
    expect(said(page, "The report was returned to MSHMS.")).to_be_visible()
    sign_out(page)

    # The focal point is told, with the reason, and finds it on the report.
    sign_in(page, "arben@example.org", PASSWORD)
    expect(page.get_by_role("link", name=re.compile(r"^Notifications: 1 unread notification"))).to_be_visible()
    page.goto(reverse("notifications:inbox"))
    expect(page.get_by_role("main")).to_contain_text(reason)
    page.get_by_role("link", name=re.compile("was returned for changes")).click()
    expect(page.get_by_role("note").filter(has_text="Returned by the secretariat")).to_contain_text(reason)
    expect(page.get_by_role("link", name=re.compile(r"^Notifications: No unread notifications"))).to_be_visible()
