"""WCAG 2.1 AA, checked by axe-core (from npm, node_modules/axe-core) in a real browser on every main page, for the
role that works on it and for someone not signed in: no serious or critical violation, in English and Albanian at
desktop width and in Albanian at phone width, where no page is wider than the screen either."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from nsm.strategy.models import Activity
from tests.browser.conftest import sign_in
from tests.factories import ActivityBudgetFactory, ActivityFactory, GoalFactory, IndicatorFactory, StrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


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


# English and Albanian at desktop width, Albanian (the longer words) at phone width. One signed-in context per role;
# the language is switched with the `django_language` cookie, the one the header's language form sets.
LOOKS = [("en", 1280), ("sq", 1280), ("sq", 390)]
MISSING = "/no-such-page/"


@pytest.fixture
def looks_page(browser, live_server):
    """A page whose content security policy lets the test inject axe (the product's own pages never run inline
    script)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make assets` installs axe-core from npm")
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


def in_language(page, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])


def wider_than_the_screen(page) -> str:
    """What is wider than the screen: the page, or its header (whose menu must hold one line at desktop width, in
    Albanian too, and collapse below it)."""
    width = page.viewport_size["width"]
    widths = page.evaluate(
        "() => { const whole = document.documentElement.scrollWidth;"
        " const header = document.querySelector('body > header'); header.hidden = true;"
        " const page = document.documentElement.scrollWidth; header.hidden = false; return [whole, page]; }"
    )
    whole, without_header = widths
    if without_header > width:
        return f"wider than the screen: {without_header}px"
    if whole > width:
        return f"the header is wider than the screen: {whole}px"
    return ""


def check_here(page, where: str, language: str, problems: dict[str, list[str]]) -> None:
    found = serious_violations(page)
    if wider := wider_than_the_screen(page):
        found.append(wider)
    if found:
        problems[where] = found


def problems_on(page, paths: list[str], looks=LOOKS) -> dict[str, list[str]]:
    """Each page in each language and width: its serious violations, and a width wider than the screen."""
    problems: dict[str, list[str]] = {}
    for language, width in looks:
        in_language(page, language)
        page.set_viewport_size({"width": width, "height": 900})
        for path in paths:
            response = page.goto(path)
            assert response.status == (404 if path == MISSING else 200), path
            assert page.locator("html").get_attribute("lang") == language, path
            check_here(page, f"{path} ({language}, {width}px)", language, problems)
    return problems


def report_problems(problems: dict[str, list[str]]) -> None:
    assert problems == {}, "\n".join(f"{where}: {found}" for where, found in problems.items())


def test_the_plans_pages_have_no_serious_accessibility_violation(looks_page, coordinator):
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
    sign_in(looks_page, "coordinator")
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
    report_problems(problems_on(looks_page, pages))
    assert Activity.objects.filter(strategy=strategy).count() == 2
    assert Activity.objects.filter(strategy=two_levels).count() == 1


@pytest.fixture
def world(settings, tmp_path, strategy, secretariat, focal_point, other_focal_point):
    """A plan with a consultation round commented on, an open cycle whose AKPA report was returned and submitted
    again, a later cycle in which the focal point's report has an approved one before it, a meeting with decisions
    and action points, notices, an invitation, and the strategy published."""
    import datetime

    from django.utils import timezone

    from nsm.accounts import services as accounts
    from nsm.accounts.models import Institution, Membership
    from nsm.analytics import services as analytics
    from nsm.consultation import rounds, versions
    from nsm.consultation.models import PlanVersion
    from nsm.monitoring import services
    from nsm.monitoring.models import ProgressReport
    from nsm.notifications.models import Notification
    from nsm.workinggroup import services as workinggroup
    from tests.factories import InstitutionFactory, MembershipFactory, UserFactory
    from tests.monitoring.conftest import build_plan, fill, open_half_year
    from tests.monitoring.test_pages import open_cycle_on
    from tests.workinggroup.conftest import pdf_file

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    today = timezone.localdate()
    build_plan(strategy, ["MSHMS", "AKPA"])
    mshms, akpa = Institution.objects.get(code="MSHMS"), Institution.objects.get(code="AKPA")
    ngo = InstitutionFactory(code="NGO-A", kind=Institution.Kind.CIVIL_SOCIETY)
    stakeholder = UserFactory(username="stakeholder")
    MembershipFactory(user=stakeholder, institution=ngo, role=Membership.Role.STAKEHOLDER)

    version = PlanVersion.objects.create(
        strategy=strategy, number=1, label="For consultation", snapshot=versions.snapshot(strategy)
    )
    round_ = rounds.create_round(
        version, by=secretariat, title="Public consultation on v1", is_public=True, invited=[ngo],
        opens_on=today - datetime.timedelta(days=3), closes_on=today + datetime.timedelta(days=30),
    )  # fmt: skip
    activity_code = sorted(version.snapshot["activities"])[0]
    rounds.post_comment(round_, by=stakeholder, text="Open the counters in Korça first.")
    rounds.post_comment(
        round_, by=stakeholder, text="Count the returnees by sex.", target_kind="activity", target_code=activity_code
    )

    cycle = open_half_year(strategy, secretariat)
    mine = fill(ProgressReport.objects.get(cycle=cycle, institution=mshms), focal_point)
    services.submit_report(mine, by=focal_point)
    services.approve_report(ProgressReport.objects.get(pk=mine.pk), by=secretariat)
    theirs = fill(ProgressReport.objects.get(cycle=cycle, institution=akpa), other_focal_point)
    services.submit_report(theirs, by=other_focal_point)
    theirs = services.return_report(ProgressReport.objects.get(pk=theirs.pk), by=secretariat, reason="Check A1.")
    services.add_comment(theirs, by=secretariat, text="Which registry?")
    theirs.refresh_from_db()
    services.submit_report(theirs, by=other_focal_point)
    later = open_cycle_on(strategy, secretariat, 2025)
    draft = ProgressReport.objects.get(cycle=later, institution=mshms)

    meeting = workinggroup.create_meeting(
        strategy, by=secretariat, body="iiwg", held_on=datetime.date(2025, 3, 12), title="Second IIWG meeting",
        agenda="1. Draft action plan\n2. Consultation", location="Tirana", minutes=pdf_file(),
    )  # fmt: skip
    workinggroup.add_participant(meeting, by=secretariat, institution=mshms, name="Alma Kola", sex="female")
    decision = workinggroup.add_decision(meeting, by=secretariat, text_sq="Approve the draft for consultation.")
    workinggroup.add_action_point(
        meeting, by=secretariat, text_sq="Send the health measures' costs", owner=mshms,
        due_on=today - datetime.timedelta(days=5), decision=decision,
    )  # fmt: skip
    workinggroup.add_action_point(
        meeting, by=secretariat, text_sq="Review the targets", owner=akpa, due_on=today + datetime.timedelta(days=20)
    )
    accounts.invite_person(
        by=secretariat, email="arben@example.org", first_name="Arben", last_name="Hoxha", institution=mshms,
        role=Membership.Role.FOCAL_POINT, language="sq",
    )  # fmt: skip
    for user in (secretariat, focal_point, stakeholder):
        Notification.objects.create(
            recipient=user, kind=Notification._meta.get_field("kind").choices[0][0], key=f"a11y:{user.pk}",
            text_sq="Një njoftim", text_en="A notice", detail="Check A1.", url=f"/monitoring/reports/{draft.pk}/",
        )  # fmt: skip
    analytics.set_public(strategy, public=True, by=secretariat)
    return {
        "code": strategy.code, "round": round_, "cycle": cycle, "returned": theirs, "draft": draft,
        "meeting": meeting, "focal": focal_point, "secretariat": secretariat,
    }  # fmt: skip


def test_the_secretariats_pages_have_no_serious_accessibility_violation(looks_page, world):
    from nsm.assessment import services as assessment
    from nsm.reports import remarks
    from nsm.strategy.models import Strategy

    code = world["code"]
    strategy = Strategy.objects.get(code=code)
    made = assessment.create_assessment(strategy, year=strategy.plan_start_year, by=world["secretariat"])
    remarks.post(strategy, "chapter-vision", by=world["secretariat"], text="Say more about returns.")  # to answer
    sign_in(looks_page, "secretariat")
    person = world["focal"].pk
    pages = [
        "/",
        "/accounts/people/",
        "/accounts/people/invite/",
        f"/accounts/people/{person}/",
        "/monitoring/",
        f"/monitoring/strategy/{code}/cycles/",
        f"/monitoring/cycles/{world['cycle'].pk}/",
        f"/monitoring/reports/{world['returned'].pk}/",
        f"/monitoring/reports/{world['returned'].pk}/history/",
        f"/monitoring/reports/{world['draft'].pk}/",
        f"/consultation/rounds/{world['round'].pk}/",
        f"/consultation/rounds/{world['round'].pk}/report/",
        f"/working-group/strategy/{code}/",
        f"/working-group/meetings/{world['meeting'].pk}/",
        f"/working-group/strategy/{code}/action-points/",
        "/notifications/",
        "/notifications/settings/",
        "/analysis/",
        f"/analysis/{code}/",
        f"/analysis/{code}/activities/",
        f"/analysis/{code}/scorecards/",
        f"/analysis/{code}/scorecards/MSHMS/",
        f"/analysis/{code}/indicators/",
        f"/analysis/{code}/gcm/",
        f"/documents/{code}/",
        f"/documents/{code}/annual/{strategy.plan_start_year}/",
        f"/documents/{code}/gcm-review/",
        f"/plan/{code}/chapters/",
        f"/plan/{code}/chapters/vision/",
        f"/documents/{code}/remarks/",
        f"/documents/{code}/remarks/chapter-vision/",
        f"/sdg-1072/{code}/",
        f"/sdg-1072/assessment/{made.pk}/",
        f"/sdg-1072/assessment/{made.pk}/answers/",
        "/plan/import/",
    ]
    report_problems(problems_on(looks_page, pages))


def test_the_import_preview_has_no_serious_accessibility_violation(looks_page, coordinator, settings, tmp_path):
    from tests.strategy.test_workbook_bulk import plan_of
    from tests.strategy.workbook_support import load_code_lists, make_workbook

    settings.MEDIA_ROOT = tmp_path
    load_code_lists()
    sign_in(looks_page, "coordinator")
    problems = {}
    for language, width in LOOKS:
        in_language(looks_page, language)
        looks_page.set_viewport_size({"width": width, "height": 900})
        looks_page.goto("/plan/import/")
        looks_page.locator("input[type=file]").set_input_files(
            {"name": "plan.xlsx", "mimeType": "application/octet-stream", "buffer": make_workbook(plan_of(3))}
        )
        looks_page.locator("main form button[type=submit]").first.click()
        expect(looks_page.locator("h1")).to_have_text(PREVIEW[language])
        check_here(looks_page, f"import preview ({language}, {width}px)", language, problems)
    report_problems(problems)


PREVIEW = {"en": "Preview of the import", "sq": "Pamje paraprake e importit"}


def test_the_focal_points_pages_have_no_serious_accessibility_violation(looks_page, world):
    sign_in(looks_page, "focal")
    pages = ["/", f"/monitoring/reports/{world['draft'].pk}/", "/monitoring/", "/notifications/"]
    report_problems(problems_on(looks_page, pages))


def test_the_stakeholders_pages_have_no_serious_accessibility_violation(looks_page, world):
    sign_in(looks_page, "stakeholder")
    pages = ["/", "/consultation/mine/", f"/consultation/rounds/{world['round'].pk}/", "/notifications/"]
    report_problems(problems_on(looks_page, pages))


def test_the_public_pages_have_no_serious_accessibility_violation(looks_page, world, coordinator):
    from nsm.accounts.twofactor import add_confirmed_device

    code = world["code"]
    pages = [
        "/accounts/login/",
        "/accounts/password/reset/",
        "/accounts/password/reset/sent/",
        "/accounts/password/reset/MQ/not-a-token/",
        "/public/",
        f"/public/{code}/",
        f"/consultation/public/{world['round'].pk}/",
        f"/documents/published/{code}/",
        MISSING,
    ]
    problems = problems_on(looks_page, pages)
    # The second step of signing in: enrolling an app (the secretariat has none yet), then typing its code.
    add_confirmed_device(coordinator)
    for username, path in (("secretariat", "/accounts/two-factor/enroll/"), ("coordinator", "/accounts/two-factor/")):
        looks_page.context.clear_cookies()
        looks_page.set_viewport_size({"width": 1280, "height": 900})
        looks_page.goto("/accounts/login/")
        looks_page.get_by_label("User name").fill(username)
        looks_page.get_by_label("Password").fill("correct horse battery")
        looks_page.get_by_role("button", name="Sign in").click()
        expect(looks_page).to_have_url(re.compile(re.escape(path)))
        problems |= problems_on(looks_page, [path])
    report_problems(problems)


def test_the_header_fits_a_desktop_screen_in_albanian(looks_page, secretariat):
    sign_in(looks_page, "secretariat")
    in_language(looks_page, "sq")
    looks_page.goto("/")
    assert looks_page.evaluate("document.documentElement.scrollWidth") <= 1280
