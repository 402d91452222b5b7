"""WCAG 2.1 AA, checked by axe-core (from npm, node_modules/axe-core) in a real browser on the plan's pages: no
serious or critical violation, at desktop and phone width."""

from pathlib import Path

import pytest

from nsm.strategy.models import Activity
from tests.browser.conftest import sign_in
from tests.factories import ActivityBudgetFactory, ActivityFactory, GoalFactory, IndicatorFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def axe_page(browser, live_server, request):
    """A page whose content security policy lets the test inject axe (the product's own pages never run inline
    script); its width for the check comes from the test's parameter."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make assets` installs axe-core from npm")
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.width = request.param  # set after signing in: the sign-out button is in the collapsed menu on a phone
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: tags})).violations"
        ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
        ".map(n => n.target.join(' ') + ' ' + n.failureSummary).join(' | '))",
        WCAG_21_AA,
    )
    return list(found)


@pytest.mark.parametrize("axe_page", [1280, 390], indirect=True, ids=["desktop", "phone"])
def test_the_plans_pages_have_no_serious_accessibility_violation(axe_page, coordinator):
    strategy = StrategyFactory(code="AL-NSM-A11Y")
    activity = ActivityFactory(
        measure__parent__parent__strategy=strategy,
        title_en="Reintegration of returning migrants",
        timeframe="Second half of 2025",
        start_year=2025,
        start_quarter=3,
        end_year=2025,
        end_quarter=None,
    )
    ActivityBudgetFactory(activity=activity, year=2025, amount=1000)
    ActivityFactory(measure=activity.measure, cost_basis="within_budget", cost_note="within the budget of MPB")
    IndicatorFactory(result=activity.measure, activity=activity)
    two_levels = StrategyFactory(
        code="AL-DIASPORA-A11Y", reference="VKM nr. 414/2021",
        levels=[{"en": "Section", "sq": "Seksioni"}, {"en": "Action", "sq": "Veprimi"}],
    )  # fmt: skip
    section = GoalFactory(strategy=two_levels, depth=1, code="1", reference="I", title_en="Engaging the diaspora")
    ActivityFactory(measure=section, code="1.1", reference="ACTION 1", title_en="Update the diaspora register")
    sign_in(axe_page, "coordinator")
    axe_page.set_viewport_size({"width": axe_page.width, "height": 900})
    pages = [
        f"/plan/{strategy.code}/",
        f"/plan/{strategy.code}/?q=returning&status=active",
        f"/plan/{strategy.code}/?q=nothing-matches&gcm=x",
        f"/plan/{strategy.code}/action-plans/",
        f"/plan/{strategy.code}/activities/{activity.pk}/",
        f"/plan/{strategy.code}/activities/{activity.pk}/edit/",
        f"/plan/{strategy.code}/indicators/",
        f"/plan/{two_levels.code}/",
        f"/plan/{two_levels.code}/results/{section.pk}/",
        "/",
        "/search/?q=returning",
        "/search/?q=returning&kind=activity",
        "/search/?q=nothing-matches",
        f"/analysis/{strategy.code}/",
        f"/monitoring/strategy/{strategy.code}/cycles/",
        "/monitoring/shared/",
        f"/consultation/strategy/{strategy.code}/versions/",
        f"/consultation/strategy/{strategy.code}/quality/",
        f"/consultation/strategy/{strategy.code}/rounds/",
        f"/capacity/strategy/{strategy.code}/",
        f"/working-group/strategy/{strategy.code}/",
        f"/documents/{strategy.code}/",
        "/context/",
        "/reference/gcm/",
        "/accounts/password/",
    ]
    problems = {}
    for path in pages:
        axe_page.goto(path)
        assert axe_page.locator("main, body").first.is_visible()
        found = serious_violations(axe_page)
        if found:
            problems[path] = found
        width = axe_page.evaluate("document.documentElement.scrollWidth")
        assert width <= axe_page.viewport_size["width"], f"{path} is wider than the screen: {width}px"
    assert problems == {}, "\n".join(f"{path}: {found}" for path, found in problems.items())
    assert Activity.objects.filter(strategy=strategy).count() == 2
    assert Activity.objects.filter(strategy=two_levels).count() == 1
