"""Browser tests: Playwright for Python driving Debian's chromium against pytest-django's live server."""

import os
from pathlib import Path

import pytest

from tests.conftest import next_totp_code

CHROMIUM = Path(os.environ.get("NSM_CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    serialized = _serialized_contents()
    with sync_playwright() as playwright:
        _hand_over(serialized)
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def _serialized_contents() -> dict[str, str]:
    """What each test database held after its migrations, which `serialized_rollback` loads again after a flush."""
    from django.db import connections

    return {
        conn.alias: conn._test_serialized_contents
        for conn in connections.all()
        if hasattr(conn, "_test_serialized_contents")
    }


def _hand_over(serialized: dict[str, str]) -> None:
    """Playwright's sync API leaves its event loop set as this thread's running loop; Django (asgiref's Local) then
    gives the thread new connection objects, without the serialized contents. Without them, every transactional test
    that runs after the browser started finds the reference data (loaded by migrations) gone."""
    from django.db import connections

    for alias, contents in serialized.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, username: str, password: str = "correct horse battery") -> None:
    """Sign in through the form; a user who needs two-factor sign-in (coordinator, secretariat, superuser) also
    types the code their app would show, computed from their device (made here when they have none)."""
    from playwright.sync_api import expect

    from nsm.accounts import twofactor
    from nsm.accounts.models import User

    user = User.objects.get(username=username)
    device = None
    if twofactor.holds_two_factor_role(user):
        device = twofactor.confirmed_device(user) or twofactor.add_confirmed_device(user)
    page.goto("/accounts/login/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    if device is not None:
        page.get_by_label("Six-digit code").fill(next_totp_code(device))
        page.get_by_role("button", name="Verify").click()
        expect(page.get_by_label("Six-digit code")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
