"""The chapters' pages in a browser: the htmx preview shows the sanitized text, and the pages have no serious
accessibility violation in either language, at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from nsm.accounts.models import User
from nsm.strategy.services import save_chapter
from tests.browser.conftest import sign_in
from tests.browser.test_accessibility import looks_page, problems_on, report_problems  # noqa: F401 - a fixture
from tests.factories import StrategyFactory

# As every browser test: a flush without serialized_rollback would run post_migrate, and the next test that reloads
# the serialized contents would meet the content types it made.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_preview_shows_the_text_and_the_pages_are_accessible(looks_page, secretariat):  # noqa: F811
    strategy = StrategyFactory(code="AL-NSM-CHAPTERS")
    save_chapter(strategy, "vision", by=User.objects.get(username="secretariat"), version=0,
                 body_sq="Vizioni **ynë**", body_en="Our **vision**\n\n## Changes\n\n- one\n- two")  # fmt: skip
    sign_in(looks_page, "secretariat")  # the secretariat writes the chapters
    looks_page.goto(f"/plan/{strategy.code}/chapters/risks/")
    looks_page.get_by_label("Text in English (Markdown)", exact=True).fill("Hello **world** <script>alert(1)</script>")
    looks_page.get_by_role("button", name="Preview Text in English (Markdown)").click()
    expect(looks_page.locator("#preview-en strong")).to_have_text("world")
    expect(looks_page.locator("#preview-en script")).to_have_count(0)

    pages = [f"/plan/{strategy.code}/chapters/", f"/plan/{strategy.code}/chapters/vision/"]
    report_problems(problems_on(looks_page, pages))
