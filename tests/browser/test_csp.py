"""In a real browser, under the Content-Security-Policy without 'unsafe-inline': the main pages load without one
refused script or style, and what runs on them still works (Swagger UI, the navigation menu on a phone, htmx).

tests/test_csp.py checks the HTML of every page; this checks what the browser itself reports.
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page, expect

from nsm.accounts.models import User
from nsm.consultation.models import ConsultationRound
from nsm.context.models import ContextIndicator
from nsm.demo import content
from nsm.demo.loader import load_demo
from nsm.monitoring.models import ProgressReport
from tests.demo.conftest import ensure_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

CODE = content.STRATEGY["code"]
# Every refusal, as the page's own `securitypolicyviolation` event and as the console message Chromium writes.
WATCH = """window.__refused = [];
document.addEventListener("securitypolicyviolation", (event) => window.__refused.push(
  `${event.violatedDirective} ${event.blockedURI || "inline"} ${event.sourceFile}:${event.lineNumber}`));"""


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_reference_data()
    load_demo()


class Refusals:
    """What the browser refused on the pages `page` visited: console messages and policy violation events."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(WATCH)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            self.console.append(message.text)

    def on(self, path: str) -> list[str]:
        """Visit `path`; -> what was refused there."""
        self.console.clear()
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")
        return self.console + self.page.evaluate("window.__refused")


def sign_in_as(page: Page, server_url: str, client_for, username: str) -> None:
    """The browser takes the session of a test client signed in (both steps) as `username`."""
    client = client_for(User.objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": server_url}])


def test_main_pages_load_without_a_refused_script_or_style(page, live_server, demo, client_for):
    refusals = Refusals(page)
    assert refusals.on(reverse("accounts:login")) == []
    sign_in_as(page, live_server.url, client_for, "admin")
    chart_page = reverse("context:indicator", args=[ContextIndicator.objects.filter(values__isnull=False).first().pk])
    pages = [
        reverse("home"),
        reverse("strategy:detail", args=[CODE]),
        reverse("analytics:dashboard", args=[CODE]),
        chart_page,
        reverse("tracking:iptt", args=[CODE]),
        reverse("tracking:gcm", args=[CODE]),
        reverse("monitoring:report", args=[ProgressReport.objects.filter(cycle__strategy__code=CODE).first().pk]),
        reverse("consultation:round-report", args=[ConsultationRound.objects.first().pk]),
        reverse("capacity:trainings", args=[CODE]),
        reverse("workinggroup:meetings", args=[CODE]),
        reverse("context:import"),
        reverse("admin:index"),
        reverse("admin:accounts_user_change", args=[User.objects.get(username="secretariat").pk]),
    ]
    refused = {path: found for path in pages if (found := refusals.on(path))}
    assert refused == {}

    # The charts are drawn with their colours (presentation attributes, not refused style attributes).
    refusals.on(reverse("analytics:dashboard", args=[CODE]))
    chart = page.locator("svg.nsm-chart").first
    expect(chart).to_be_visible()
    assert chart.locator("path[fill]").count() + chart.locator("rect[fill]").count() > 0
    box = chart.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 100

    # The IPTT's indicator column stays in place while the years scroll: a class now, not a refused style.
    refusals.on(reverse("tracking:iptt", args=[CODE]))
    assert page.locator("th.nsm-iptt-name").first.evaluate("e => getComputedStyle(e).position") == "sticky"


def test_api_docs_run_swagger_ui_from_static_files(page, live_server, demo, client_for):
    refusals = Refusals(page)
    sign_in_as(page, live_server.url, client_for, "secretariat")
    assert refusals.on(reverse("api:openapi-view")) == []
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("NSM API")
    expect(page.locator(".opblock").first).to_be_visible()  # the operations, read from openapi.json
    assert page.locator("nav.nsm-docs-nav").evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"
    assert refusals.console == []


def test_navigation_menu_opens_on_a_phone(browser, live_server, focal_point, client_for):
    context = browser.new_context(base_url=live_server.url, locale="en-GB", viewport={"width": 390, "height": 844})
    page = context.new_page()
    refusals = Refusals(page)
    sign_in_as(page, live_server.url, client_for, "focal")
    assert refusals.on(reverse("home")) == []
    navigation = page.get_by_role("navigation", name="Main navigation")
    reports = navigation.get_by_role("link", name="Reports")
    expect(reports).to_be_hidden()
    navigation.get_by_role("button", name="Show or hide the menu").click()
    expect(reports).to_be_visible()  # Bootstrap's collapse ran, its height transition set through the CSSOM
    reports.click()
    expect(page).to_have_url(re.compile(re.escape(reverse("monitoring:reports")) + "$"))
    assert refusals.console == [] and page.evaluate("window.__refused") == []
    context.close()


def test_htmx_swaps_content_without_its_own_style_element(page, live_server, focal_point, client_for):
    refusals = Refusals(page)
    sign_in_as(page, live_server.url, client_for, "focal")
    assert refusals.on(reverse("home")) == []
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("htmx.config.allowEval") is False
    assert page.locator("style").count() == 0  # htmx injects none; .htmx-indicator rules are in nsm.css
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<span class=\"htmx-indicator\" id=\"spin\">…</span>')"
    )
    assert page.locator("#spin").evaluate("e => getComputedStyle(e).opacity") == "0"

    # A request and a swap, as an hx-get would make: the reference page's heading replaces the main content.
    page.evaluate(f"htmx.ajax('GET', '{reverse('reference:index')}', {{target: '#main', select: '#main > *'}})")
    expect(page.locator("#main h1")).to_contain_text("Reference")
    assert refusals.console == [] and page.evaluate("window.__refused") == []
