"""The plan page's sections fold one by one without script (native <details>), and all at once with the Fold all /
Unfold all buttons, which a static script shows and runs under the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import ActivityFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_fold_all_closes_every_section_and_unfold_all_opens_them_again(page, viewer):
    strategy = StrategyFactory(code="AL-NSM-FOLD")
    activity = ActivityFactory(measure__parent__parent__strategy=strategy, title_en="Open migration counters")
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    sign_in(page, "viewer")
    page.goto(f"/plan/{strategy.code}/")
    sections = page.locator("details.nsm-fold")
    expect(sections).to_have_count(2)  # the goal and its objective
    row = page.locator(f"#activity-{activity.pk}")
    expect(row).to_be_visible()

    page.get_by_role("button", name="Fold all", exact=True).click()
    expect(row).to_be_hidden()
    assert page.evaluate("[...document.querySelectorAll('details.nsm-fold')].every(d => !d.open)")

    page.get_by_role("button", name="Unfold all", exact=True).click()
    expect(row).to_be_visible()

    page.locator("details.nsm-fold > summary").first.focus()  # the keyboard folds one section on its own
    page.keyboard.press("Enter")
    expect(row).to_be_hidden()
    assert refused == []
