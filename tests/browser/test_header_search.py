"""The header's search box: one line of navigation at 1280 pixels even for the superuser (the longest menu), the
menu collapsed behind its button at phone width with the box inside it; a search from the box opens the results."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import ActivityFactory, StrategyFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
SHOTS = os.environ.get("NSM_SCREENSHOTS", "")  # a folder: the test leaves its screenshots there


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=False)


@pytest.fixture
def superuser(db):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    return user


def test_the_header_fits_one_line_and_its_box_finds(page, superuser):
    strategy = StrategyFactory(code="AL-NSM-HDR")
    ActivityFactory(measure__parent__parent__strategy=strategy, title_sq="Mbledhja e dëshmive", title_en="Evidence")
    sign_in(page, "root")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/")
    shot(page, "header-1280")
    navbar = page.locator("nav.nsm-navbar")
    assert navbar.bounding_box()["height"] < 64, "the navigation wraps to a second line at 1280 pixels"
    sign_out = page.get_by_role("button", name="Sign out").bounding_box()
    assert sign_out["x"] + sign_out["width"] <= 1280, "Sign out is off the screen"
    page.get_by_role("button", name="Test Person").click()  # the user's menu holds the language
    page.get_by_label("Language").select_option("sq")
    page.get_by_role("button", name="Change").click()
    page.wait_for_load_state()
    shot(page, "header-1280-sq")
    assert navbar.bounding_box()["height"] < 64, "the Albanian navigation wraps to a second line at 1280 pixels"
    assert page.get_by_role("button", name="Dil").bounding_box()["x"] + 40 < 1280, "Sign out is off the screen"
    page.get_by_role("button", name="Test Person").click()
    page.get_by_label("Gjuha").select_option("en")
    page.get_by_role("button", name="Ndrysho").click()
    page.wait_for_load_state()
    box = page.get_by_role("searchbox", name="Search")
    box.fill("deshmi")
    box.press("Enter")
    expect(page.get_by_role("heading", name="Activities")).to_be_visible()
    expect(page.locator("mark").first).to_have_text("dëshmive")
    shot(page, "search-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/search/?q=deshmi")
    assert not page.get_by_role("searchbox", name="Search").first.is_visible()
    shot(page, "search-390")
    page.get_by_role("button", name="Show or hide the menu").click()
    expect(page.locator("#header-search")).to_be_visible()
    expect(page.locator("#nav-main.collapsing")).to_have_count(0)  # opened, not still opening
    shot(page, "header-390-open")
