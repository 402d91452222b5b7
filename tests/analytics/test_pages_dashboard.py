"""The dashboard (/analysis/<code>/) and the activities behind its figures (/analysis/<code>/activities/).

The data is the `approved_plan` of conftest.py, whose figures are counted by hand in its docstring.
"""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from nsm.accounts.models import Membership
from nsm.analytics.budget import budget
from nsm.analytics.compliance import compliance
from nsm.analytics.groups import Filters
from nsm.analytics.implementation import activity_facts, implementation
from nsm.analytics.indicators import achievement, band_counts
from nsm.analytics.periods import Period
from nsm.core.numbers import format_decimal
from tests.analytics.conftest import grow
from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

# session, user, memberships, strategy (with its latest approved year), action plans, 2 x implementation
# (+ names), budget (goal names shared), indicators, compliance (cycles, reports), the filter form (3)
DASHBOARD_QUERIES = 16


def dashboard_url(plan, query=""):
    return reverse("analytics:dashboard", args=[plan.strategy.code]) + (f"?{query}" if query else "")


def activities_url(plan, query=""):
    return reverse("analytics:activities", args=[plan.strategy.code]) + (f"?{query}" if query else "")


def figure(html: str, name: str) -> str:
    """The text of the element with id `figure-<name>`."""
    match = re.search(rf'id="figure-{name}"[^>]*>(.*?)</', html, re.S)
    assert match, name
    return unescape(match.group(1)).replace("\xa0", " ").strip()


def pct(value) -> str:
    return f"{format_decimal(value)} %"


def listed_codes(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="nsm-code fw-normal">([^<]+)</th>', html)


# Access


@pytest.mark.parametrize("persona", ["secretariat", "coordinator", "viewer"])
def test_internal_readers_of_the_country_see_the_dashboard_and_the_drilldown(
    approved_plan, persona, request, client_for
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(dashboard_url(approved_plan)).status_code == 200
    assert client.get(activities_url(approved_plan)).status_code == 200


def test_focal_point_does_not_see_the_dashboard(approved_plan, client_for):
    client = client_for(approved_plan.users["focal_point"])
    assert client.get(dashboard_url(approved_plan)).status_code == 404
    assert client.get(activities_url(approved_plan)).status_code == 404


def test_stakeholder_and_another_countrys_secretariat_do_not_see_the_dashboard(approved_plan, client_for):
    stakeholder = UserFactory(username="stakeholder")
    MembershipFactory(user=stakeholder, institution=InstitutionFactory(code="CSO"), role=Membership.Role.STAKEHOLDER)
    foreign = UserFactory(username="foreign")
    MembershipFactory(
        user=foreign, institution=InstitutionFactory(code="MPB-XK", country="XK"), role=Membership.Role.SECRETARIAT
    )
    for user in (stakeholder, foreign):
        client = client_for(user)
        assert client.get(dashboard_url(approved_plan)).status_code == 404
        assert client.get(activities_url(approved_plan)).status_code == 404


def test_anonymous_visitor_is_sent_to_sign_in(approved_plan, public):
    response = public.get(dashboard_url(approved_plan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unknown_strategy_is_not_found(approved_plan, secretariat, client_for):
    assert client_for(secretariat).get("/analysis/NO-SUCH-PLAN/").status_code == 404


# Figures


def test_headline_figures_equal_the_roll_ups(approved_plan, secretariat, client_for):
    plan, period = approved_plan, Period.year(2024)
    filters = Filters.of(plan.strategy)
    html = client_for(secretariat).get(dashboard_url(plan, "period=2024")).content.decode()

    total = implementation(filters, period).total
    assert figure(html, "rate") == pct(total.rate) == pct(40)  # 2 completed of 5 due (A6 cancelled leaves)
    assert figure(html, "on-schedule") == pct(total.on_schedule_rate) == pct(50)
    assert "2 completed</a> of" in html
    assert "5 activities due</a>" in html

    bands = band_counts(achievement(filters, period, cells=False))
    assert bands["on_track"] == 1 and bands["at_risk"] == 1 and bands["off_track"] == 2
    for band in ("on_track", "at_risk", "off_track", "no_data"):
        assert figure(html, f"band-{band}") == str(bands[band])

    money = budget(filters, period).total
    assert figure(html, "planned") == format_decimal(money.planned) == "11,000"
    assert figure(html, "spent") == format_decimal(money.spent) == "3,450"
    assert figure(html, "execution") == pct(money.execution_rate) == "31.4 %"
    assert figure(html, "unfunded") == format_decimal(money.unfunded) == "2,500"

    assert figure(html, "missing") == "1"  # MB's 2024-H2 report
    assert figure(html, "late") == "2"  # MSHMS and AKPA in 2024-H2
    reports = compliance(plan.strategy, cycles=plan.strategy.cycles.filter(year=2024))
    assert len(reports.rows) == 3


def test_charts_come_with_their_numbers_as_tables(approved_plan, secretariat, client_for):
    html = client_for(secretariat).get(dashboard_url(approved_plan, "period=2024")).content.decode()
    assert html.count('<svg role="img"') == 4
    assert html.count("Show the numbers as a table") == 4
    assert "Implementation by policy goal, 2024" in html
    assert "Implementation by lead institution, 2024" in html
    assert "Budget execution by policy goal, 2024" in html
    assert "Indicators by band, 2024" in html
    # the chart's description says its numbers in words
    assert "On track 1, At risk 1, Off track 2, No data 0, No target 0" in unescape(html)


def test_figures_link_to_what_lies_behind_them(approved_plan, secretariat, client_for):
    plan = approved_plan
    html = unescape(client_for(secretariat).get(dashboard_url(plan, "period=2024")).content.decode())
    goal2 = plan.goals["2"].pk
    drill = activities_url(plan)
    assert f'href="{drill}?period=2024&status=delayed&by=goal&key={goal2}"' in html
    assert f'href="{drill}?period=2024&status=completed&due=1"' in html
    mshms = plan.institutions["MSHMS"].pk
    assert f'href="{drill}?period=2024&status=completed&by=institution&key={mshms}"' in html
    assert f'href="/analysis/{plan.strategy.code}/indicators/?period=2024&band=on_track"' in html


def test_compliance_table_says_each_report_in_words(approved_plan, secretariat, client_for):
    html = client_for(secretariat).get(dashboard_url(approved_plan, "period=2024")).content.decode()
    table = html[html.index('id="compliance-heading"') :]
    mb_row = table[table.index(">MB</abbr>") :].split("</tr>")[0]
    assert "Not yet due" in mb_row and "Missing" in mb_row
    akpa_row = table[table.index(">AKPA</abbr>") :].split("</tr>")[0]
    assert "On time" in akpa_row and "Late" in akpa_row


def test_filters_narrow_the_figures(approved_plan, secretariat, client_for):
    plan, client = approved_plan, client_for(secretariat)
    goal1 = plan.goals["1"]
    html = client.get(dashboard_url(plan, f"period=2024&goal={goal1.pk}")).content.decode()
    assert figure(html, "rate") == pct(
        implementation(Filters.of(plan.strategy, goal=goal1), Period.year(2024)).total.rate
    )
    assert figure(html, "rate") == pct(Decimal("66.7"))
    assert figure(html, "planned") == "7,000"

    mshms = plan.institutions["MSHMS"]
    html = client.get(dashboard_url(plan, f"period=2024&institution={mshms.pk}")).content.decode()
    assert figure(html, "rate") == pct(100)
    assert figure(html, "planned") == "7,000"
    assert figure(html, "late") == "1" and figure(html, "missing") == "0"

    html = client.get(dashboard_url(plan, "period=2024-H1")).content.decode()
    assert figure(html, "rate") == pct(50)
    assert figure(html, "late") == "0"  # only the 2024-H1 cycle lies in the half-year


def test_a_bad_period_is_explained_and_the_page_still_shows(approved_plan, secretariat, client_for):
    client = client_for(secretariat)
    response = client.get(dashboard_url(approved_plan, "period=1999"))
    assert response.status_code == 200
    assert "The period 1999 is not in the action plan." in response.content.decode()
    response = client.get(dashboard_url(approved_plan, "period=soon&goal=abc"))
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "A period is a year such as 2025" in html
    assert "There is no such goal in this strategy." in html
    assert 'role="alert"' in html


def test_filter_form_has_labelled_selects_and_keeps_the_choice(approved_plan, secretariat, client_for):
    html = client_for(secretariat).get(dashboard_url(approved_plan, "period=2024-H2")).content.decode()
    for name in ("period", "goal", "institution", "gcm"):
        assert f'<label class="form-label small mb-1" for="filter-{name}">' in html
        assert f'id="filter-{name}" name="{name}"' in html
    assert '<option value="2024-H2" selected>' in html
    assert '<button type="submit"' in html


# Drill-down


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        ("status=completed&due=1", {"status": "completed", "due": True}, ["1.1.1.1", "1.1.1.2"]),
        ("status=cancelled", {"status": "cancelled"}, ["2.1.1.2"]),
        ("due=0", {"due": False}, ["1.1.2.2", "2.1.1.1"]),
        ("status=delayed&by=goal&key={goal2}", {"status": "delayed", "by": "goal", "key": "goal2"}, ["2.1.1.3"]),
        ("by=institution&key={mb}", {"by": "institution", "key": "mb"}, ["2.1.1.4"]),
    ],
)
def test_drilldown_lists_exactly_the_activities_behind_a_figure(
    approved_plan, secretariat, client_for, query, params, expected
):
    plan = approved_plan
    keys = {"goal2": plan.goals["2"].pk, "mb": plan.institutions["MB"].pk}
    params = {name: keys.get(value, value) for name, value in params.items()}
    facts = activity_facts(Filters.of(plan.strategy), Period.year(2024), **params)
    codes = sorted(activity.code for activity in plan.strategy.activities.filter(pk__in=[f.activity_id for f in facts]))
    assert codes == expected
    html = client_for(secretariat).get(activities_url(plan, "period=2024&" + query.format(**keys))).content.decode()
    assert listed_codes(html) == expected


def test_drilldown_heading_says_which_figure_it_is(approved_plan, secretariat, client_for):
    plan = approved_plan
    query = f"period=2024&status=delayed&by=goal&key={plan.goals['2'].pk}&due=1"
    html = client_for(secretariat).get(activities_url(plan, query)).content.decode()
    assert '<h1 class="h3" id="activities-heading">Delayed activities due in 2024, policy goal 2</h1>' in html
    a7 = plan.activities["A7"]
    assert reverse("strategy:activity", args=[plan.strategy.code, a7.pk]) in html
    row = html[html.index(a7.code) :].split("</tr>")[0]
    assert "AKPA" in row and "Delayed" in row and "Due" in row and "2024-Q1–2024-Q2" in row


def test_drilldown_keeps_the_filters(approved_plan, secretariat, client_for):
    plan = approved_plan
    query = f"period=2024&institution={plan.institutions['AKPA'].pk}&status=on_track"
    html = client_for(secretariat).get(activities_url(plan, query)).content.decode()
    assert listed_codes(html) == ["1.1.2.1"]  # A3 (approved H1 line); A4 has no approved line: not reported
    assert "lead institution AKPA" in html
    assert '<input type="hidden" name="status" value="on_track">' in html


def test_drilldown_explains_and_ignores_an_unknown_status_or_grouping(approved_plan, secretariat, client_for):
    client = client_for(secretariat)
    html = unescape(
        client.get(activities_url(approved_plan, "period=2024&status=lost&by=colour&key=1")).content.decode()
    )
    assert "There is no status “lost”" in html
    assert "cannot be grouped by “colour”" in html
    assert len(listed_codes(html)) == 8  # every activity of 2024


# Query counts


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboard_runs_a_constant_number_of_queries(
    approved_plan, secretariat, client_for, django_assert_max_num_queries, locmem_cache
):
    client = client_for(secretariat)
    url = dashboard_url(approved_plan, "period=2024")
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(url)
    small = _count(client, url)
    grow(approved_plan)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        client.get(url)
    assert _count(client, url) == small
    goal = approved_plan.goals["1"].pk
    with django_assert_max_num_queries(DASHBOARD_QUERIES):  # a goal chosen among the form's options: no query
        client.get(dashboard_url(approved_plan, f"period=2025-H1&goal={goal}"))


def test_drilldown_runs_a_constant_number_of_queries(
    approved_plan, secretariat, client_for, django_assert_max_num_queries
):
    client = client_for(secretariat)
    url = activities_url(approved_plan, f"period=2024&by=goal&key={approved_plan.goals['2'].pk}")
    with django_assert_max_num_queries(12):
        client.get(url)
    small = _count(client, url)
    grow(approved_plan)
    with django_assert_max_num_queries(12):
        client.get(url)
    assert _count(client, url) == small


# Albanian


def test_dashboard_and_drilldown_render_in_albanian(approved_plan, secretariat, client_for):
    client = client_for(secretariat)
    response = client.get(dashboard_url(approved_plan, "period=2024"), HTTP_ACCEPT_LANGUAGE="sq")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="sq">' in html
    with translation.override("sq"):
        assert figure(html, "planned") == format_decimal(11000) == "11.000"
    response = client.get(activities_url(approved_plan, "period=2024&status=completed"), HTTP_ACCEPT_LANGUAGE="sq")
    assert response.status_code == 200
    assert '<html lang="sq">' in response.content.decode()


def test_the_analysis_menu_leads_to_the_only_strategy(approved_plan, secretariat, focal_point, client_for):
    client = client_for(secretariat)
    assert 'href="/analysis/"' in client.get("/").content.decode()
    response = client.get(reverse("analytics:index"))
    assert response.status_code == 302 and response["Location"] == dashboard_url(approved_plan)
    focal = client_for(focal_point)
    assert 'href="/analysis/"' not in focal.get("/").content.decode()
    assert "No strategy to analyse" in focal.get(reverse("analytics:index")).content.decode()


def test_the_dashboard_is_computed_again_only_when_its_data_changes(approved_plan, secretariat, client_for):
    """A second view of the same selection comes from the cache (session, user, memberships, strategy with its
    data stamp, and the page's row of the database cache); approving a report through the service changes the
    stamp, and the figures follow."""
    from nsm.monitoring import services

    client = client_for(secretariat)
    url = dashboard_url(approved_plan, "period=2024")
    before = client.get(url).content.decode()
    assert _count(client, url) <= 5
    late = figure(before, "late")
    report = approved_plan.reports["H2 AKPA"]
    report.refresh_from_db()
    services.approve_report(report, by=secretariat, version=report.version)
    after = client.get(url).content.decode()
    assert after != before
    expected = implementation(Filters.of(approved_plan.strategy), Period.year(2024)).total.rate
    assert figure(after, "rate") == pct(expected)
    assert figure(after, "late") == late  # the approval changed the figures, not the compliance
