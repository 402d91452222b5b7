"""In a real browser: the coordinator changes an activity's lead institution and sees the change and its history."""

import re

import pytest
from playwright.sync_api import expect

from nsm.accounts.models import Institution
from tests.browser.conftest import sign_in
from tests.factories import ActivityFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_coordinator_changes_an_activitys_lead_and_sees_it_in_the_history(page, coordinator):
    strategy = StrategyFactory(code="AL-NSM-BROWSER")
    mshms, _ = Institution.objects.get_or_create(code="MSHMS", defaults={"name_sq": "MSHMS", "name_en": "MoHSP"})
    akpa, _ = Institution.objects.get_or_create(code="AKPA", defaults={"name_sq": "AKPA", "name_en": "NAES"})
    activity = ActivityFactory(
        measure__parent__parent__strategy=strategy, lead=mshms, title_en="Open migration counters in 12 regions"
    )

    sign_in(page, "coordinator")
    page.goto(f"/plan/{strategy.code}/")
    page.get_by_role("link", name=re.compile("Open migration counters in 12 regions")).first.click()
    expect(page.locator("#activity-lead")).to_contain_text("MSHMS")

    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Responsible institution 1").select_option(str(akpa.pk))
    page.get_by_role("button", name="Save").click()

    expect(page.locator("#activity-lead")).to_contain_text("AKPA")
    history = page.locator("section[aria-labelledby=history-heading]")
    expect(history).to_contain_text("MSHMS")
    expect(history).to_contain_text("AKPA")
    expect(history).to_contain_text(str(coordinator))
    activity.refresh_from_db()
    assert activity.lead == akpa
    assert activity.history.first().history_user == coordinator
