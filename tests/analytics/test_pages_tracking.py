"""The indicator tracking table (IPTT), its Excel export, the GCM alignment page and the public-page switch.

Data: `approved_plan` (tests/analytics/conftest.py), whose figures are counted by hand in its docstring.
"""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from nsm.accounts.models import Membership
from nsm.analytics.alignment import gcm_alignment
from nsm.analytics.groups import Filters
from nsm.analytics.indicators import achievement_over
from nsm.analytics.periods import Period
from nsm.strategy.models import Strategy
from tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
)

D = Decimal
CODE = "AL-NSM-TEST"
IPTT = f"/analysis/{CODE}/indicators/"
EXPORT = f"/analysis/{CODE}/indicators.xlsx"
GCM = f"/analysis/{CODE}/gcm/"
PUBLISH = f"/analysis/{CODE}/publish/"
MAX_QUERIES = 15


@pytest.fixture
def stakeholder(db):
    user = UserFactory(username="ngo")
    MembershipFactory(user=user, institution=InstitutionFactory(code="NGO-1"), role=Membership.Role.STAKEHOLDER)
    return user


@pytest.fixture
def foreign_secretariat(db):
    user = UserFactory(username="xk-secretariat")
    MembershipFactory(
        user=user, institution=InstitutionFactory(code="XK-MIA", country="XK"), role=Membership.Role.SECRETARIAT
    )
    return user


@pytest.fixture
def users(approved_plan, coordinator, viewer, stakeholder, foreign_secretariat):
    return {
        "secretariat": approved_plan.users["secretariat"],
        "coordinator": coordinator,
        "viewer": viewer,
        "focal_point": approved_plan.users["focal_point"],
        "stakeholder": stakeholder,
        "foreign_secretariat": foreign_secretariat,
    }


def plan_filters(plan) -> Filters:
    return Filters.of(plan.strategy)


def rows_by_code(response):
    return {row.indicator.code: row for row in response.context["tracking"].rows}


# ---------------------------------------------------------------------------------------------------- access


@pytest.mark.parametrize("url", [IPTT, EXPORT, GCM])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("secretariat", 200),
        ("coordinator", 200),
        ("viewer", 200),
        ("focal_point", 404),
        ("stakeholder", 404),
        ("foreign_secretariat", 404),
    ],
)
def test_analysis_pages_open_to_analysts_only(users, client_for, url, who, status):
    assert client_for(users[who]).get(url).status_code == status


@pytest.mark.parametrize("url", [IPTT, EXPORT, GCM])
def test_anonymous_visitor_is_sent_to_sign_in(approved_plan, public, url):
    response = public.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_unknown_strategy_answers_404(users, client_for):
    assert client_for(users["secretariat"]).get("/analysis/NO-SUCH/indicators/").status_code == 404


# ---------------------------------------------------------------------------------------------------- IPTT


def test_iptt_cells_equal_the_roll_up_for_every_year(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(IPTT)
    assert response.status_code == 200
    years = list(approved_plan.strategy.plan_years)
    expected = achievement_over(plan_filters(approved_plan), [Period.year(year) for year in years])
    rows = rows_by_code(response)
    assert list(rows) == ["I.1", "I.2", "I.3", "I.4"]
    for offset, year in enumerate(years):
        for item in expected[Period.year(year)]:
            cell = rows[item.code].cells[offset]
            assert cell.year == year
            assert (cell.achievement.target, cell.achievement.actual, cell.achievement.band) == (
                item.target,
                item.actual,
                item.band,
            )


def test_iptt_shows_the_hand_counted_figures_of_2024(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(IPTT, {"period": "2024"})
    rows = rows_by_code(response)
    i1 = rows["I.1"].current.achievement
    assert (i1.target, i1.actual, i1.progress, i1.band) == (D(200), D(190), D("90.0"), "on_track")
    assert rows["I.2"].current.achievement.band == "at_risk"
    assert rows["I.3"].current.achievement.band == "off_track"
    i4 = rows["I.4"].current.achievement
    assert i4.actual == D(0)  # the unapproved H2 report's 1 does not count
    html = response.content.decode()
    assert "On track" in html and "At risk" in html and "Off track" in html  # the band in words
    assert "Indicator I.1" in html
    assert '100 <span class="small text-body-secondary">(2023)</span>' in html  # baseline with its year


def test_iptt_defaults_to_the_latest_year_with_an_approved_report(users, client_for):
    response = client_for(users["viewer"]).get(IPTT)
    assert response.context["tracking"].selected == Period.year(2024)
    assert all(row.current.year == 2024 for row in response.context["tracking"].rows)


@pytest.mark.parametrize(
    ("band", "codes"),
    [("on_track", ["I.1"]), ("at_risk", ["I.2"]), ("off_track", ["I.3", "I.4"]), ("no_target", [])],
)
def test_band_filter_keeps_the_indicators_in_that_band_in_the_selected_year(approved_plan, client_for, band, codes):
    response = client_for(approved_plan.users["secretariat"]).get(IPTT, {"period": "2024", "band": band})
    assert list(rows_by_code(response)) == codes
    assert response.context["tracking"].total == 4


def test_band_filter_reads_the_selected_year(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(IPTT, {"period": "2025", "band": "no_target"})
    assert list(rows_by_code(response)) == ["I.3"]  # I.3 has no 2025 target


def test_unknown_band_is_explained_and_ignored(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(IPTT, {"band": "purple"})
    assert response.status_code == 200
    assert len(response.context["tracking"].rows) == 4
    assert "There is no such band." in response.content.decode()


def test_goal_and_institution_filters_narrow_the_indicators(approved_plan, client_for):
    client = client_for(approved_plan.users["secretariat"])
    goal2 = approved_plan.goals["2"]
    assert list(rows_by_code(client.get(IPTT, {"goal": goal2.pk}))) == ["I.3", "I.4"]
    akpa = approved_plan.institutions["AKPA"]
    assert list(rows_by_code(client.get(IPTT, {"institution": akpa.pk}))) == ["I.4"]
    assert list(rows_by_code(client.get(IPTT, {"gcm": 5}))) == ["I.3"]


def test_a_row_expands_to_the_disaggregated_cells_of_the_selected_year(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(IPTT, {"period": "2024"})
    i1 = rows_by_code(response)["I.1"]
    assert {(cell.label, cell.value) for cell in i1.current.achievement.cells} == {
        (approved_plan.female.name, D(100)),
        (approved_plan.male.name, D(90)),
    }
    html = response.content.decode()
    assert "<details" in html and "Disaggregation, 2024" in html


def test_iptt_in_albanian(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(IPTT, HTTP_ACCEPT_LANGUAGE="sq")
    html = response.content.decode()
    assert '<html lang="sq">' in html
    assert "Treguesi I.1" in html  # the indicator's Albanian name
    assert "Vlera bazë" in html  # "Baseline"


# ---------------------------------------------------------------------------------------------------- export


def open_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_export_cells_equal_the_roll_up_and_numbers_are_numbers(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(EXPORT, {"period": "2024"})
    assert CODE in response["Content-Disposition"]
    workbook = open_export(response)
    assert workbook.sheetnames == ["IPTT", "Disaggregation", "Info"]
    sheet = workbook["IPTT"]
    assert sheet.freeze_panes == "C2"
    headers = [cell.value for cell in sheet[1]]
    assert headers[:5] == ["Code", "Indicator", "Unit", "Baseline", "Baseline year"]
    years = list(approved_plan.strategy.plan_years)
    expected = achievement_over(plan_filters(approved_plan), [Period.year(year) for year in years])
    by_code = {sheet.cell(row, 1).value: row for row in range(2, sheet.max_row + 1)}
    assert list(by_code) == ["I.1", "I.2", "I.3", "I.4"]
    for offset, year in enumerate(years):
        first = 6 + offset * 4
        assert headers[first - 1] == f"{year} target"
        for item in expected[Period.year(year)]:
            row = by_code[item.code]
            target, actual = sheet.cell(row, first).value, sheet.cell(row, first + 1).value
            assert (None if target is None else D(str(target))) == item.target
            assert (None if actual is None else D(str(actual))) == item.actual
            assert sheet.cell(row, first + 3).value == item.band_label
    i1 = by_code["I.1"]
    assert isinstance(sheet.cell(i1, 4).value, int | float)  # baseline 100, a number
    assert isinstance(sheet.cell(i1, 7).value, int | float)  # 2024 actual 190, a number
    assert sheet.cell(by_code["I.4"], 7).value == 0  # not the unapproved 1


def test_export_lists_the_disaggregation_and_says_approved_data_only(approved_plan, client_for):
    workbook = open_export(client_for(approved_plan.users["secretariat"]).get(EXPORT))
    rows = [tuple(cell.value for cell in row) for row in workbook["Disaggregation"].iter_rows(min_row=2)]
    dimension = approved_plan.female.dimension.name
    assert ("I.1", "Indicator I.1", 2024, dimension, approved_plan.female.name, 100) in rows
    assert ("I.1", "Indicator I.1", 2024, dimension, approved_plan.male.name, 90) in rows
    assert all(row[0] == "I.1" for row in rows)  # the only disaggregated indicator
    info = {row[0].value: row[1].value for row in workbook["Info"].iter_rows(min_row=2)}
    assert info["Data"] == "Approved monitoring data only."
    assert CODE in info["Strategy"]


def test_export_follows_the_filters(approved_plan, client_for):
    workbook = open_export(
        client_for(approved_plan.users["secretariat"]).get(EXPORT, {"period": "2024", "band": "off_track"})
    )
    sheet = workbook["IPTT"]
    assert [sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)] == ["I.3", "I.4"]
    info = {row[0].value: row[1].value for row in workbook["Info"].iter_rows(min_row=2)}
    assert info["Band in the selected year"] == "Off track"


def test_export_headers_in_albanian(approved_plan, client_for):
    workbook = open_export(client_for(approved_plan.users["secretariat"]).get(EXPORT, HTTP_ACCEPT_LANGUAGE="sq"))
    headers = [cell.value for cell in workbook["IPTT"][1]]
    assert headers[:2] == ["Kodi", "Treguesi"]


# ---------------------------------------------------------------------------------------------------- GCM


def test_gcm_page_shows_all_23_objectives_as_the_roll_up_computes_them(approved_plan, users, client_for):
    response = client_for(users["viewer"]).get(GCM)
    strategy = approved_plan.strategy
    expected = gcm_alignment(plan_filters(approved_plan), Period.span(strategy.plan_start_year, strategy.plan_end_year))
    alignment = response.context["alignment"]
    assert response.context["whole_plan"] is True
    assert len(alignment.objectives) == 23
    assert [(r.number, r.activities, r.indicators, r.budget.planned, r.budget.spent) for r in alignment.objectives] == [
        (r.number, r.activities, r.indicators, r.budget.planned, r.budget.spent) for r in expected.objectives
    ]
    by_number = {row.number: row for row in alignment.objectives}
    assert (by_number[5].activities, by_number[5].indicators) == (5, 1)
    assert by_number[7].no_indicator and by_number[7].no_funding
    html = response.content.decode()
    assert "5 of 23</strong> objectives have at least one activity" in html
    assert "No activity" in html and "No indicator" in html and "No funding" in html
    assert "?gcm=5" in html  # the drill-down to the activities behind the count


def test_gcm_page_for_one_year(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(GCM, {"period": "2025"})
    assert response.context["period"] == Period.year(2025)
    by_number = {row.number: row for row in response.context["alignment"].objectives}
    # 2025: A5 state 1000, A9 state 4000 under GCM 5; A4 donor 2000 + unfunded 1000 under GCM 2
    assert by_number[5].budget.planned == D(5000)
    assert by_number[2].budget.planned == D(3000)
    assert "period=2025" in response.content.decode()


def test_gcm_page_lists_the_principles_with_their_basis(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).get(GCM)
    principles = {row.letter: row for row in response.context["alignment"].principles}
    assert (principles["g"].activities, principles["g"].share) == (4, D("44.4"))
    html = response.content.decode()
    assert "gender marker 1 or 2" in html


# ---------------------------------------------------------------------------------------------------- publishing


@pytest.mark.parametrize("url", [IPTT, GCM])
def test_the_switch_shows_for_the_secretariat_only(users, client_for, url):
    assert "Publish on the public page" in client_for(users["secretariat"]).get(url).content.decode()
    for who in ("coordinator", "viewer"):
        assert "Publish on the public page" not in client_for(users[who]).get(url).content.decode()


def test_secretariat_publishes_and_withdraws_with_a_history_row(approved_plan, client_for):
    secretariat = approved_plan.users["secretariat"]
    client = client_for(secretariat)
    strategy = approved_plan.strategy
    before = strategy.history.count()
    response = client.post(PUBLISH, {"public": "1", "next": GCM, "confirm": "yes"})
    assert response.status_code == 302 and response["Location"] == GCM
    strategy.refresh_from_db()
    assert strategy.is_public is True
    assert strategy.history.count() == before + 1
    latest = strategy.history.first()
    assert latest.is_public is True and latest.history_user == secretariat
    page = client.get(GCM).content.decode()
    assert "Withdraw from the public page" in page and f"/public/{CODE}/" in page

    client.post(PUBLISH, {"public": "0", "confirm": "yes"})
    strategy.refresh_from_db()
    assert strategy.is_public is False
    assert strategy.history.count() == before + 2


@pytest.mark.parametrize("who", ["coordinator", "viewer", "focal_point", "stakeholder", "foreign_secretariat"])
def test_others_cannot_publish(users, client_for, who):
    assert client_for(users[who]).post(PUBLISH, {"public": "1", "confirm": "yes"}).status_code == 404
    assert client_for(users[who]).get(PUBLISH).status_code == 404
    assert Strategy.objects.get(code=CODE).is_public is False


def test_publishing_needs_a_confirmed_post_and_a_signed_in_user(approved_plan, client_for, public):
    assert client_for(approved_plan.users["secretariat"]).get(PUBLISH).status_code == 200  # it asks
    assert public.post(PUBLISH, {"public": "1", "confirm": "yes"}).status_code == 302
    assert Strategy.objects.get(code=CODE).is_public is False


def test_publishing_refuses_a_foreign_next_address(approved_plan, client_for):
    response = client_for(approved_plan.users["secretariat"]).post(
        PUBLISH, {"public": "1", "next": "https://example.org/", "confirm": "yes"}
    )
    assert response["Location"] == GCM


# ---------------------------------------------------------------------------------------------------- queries


def grow(plan, extra: int) -> None:
    """More indicators (with targets) and activities in the same plan."""
    measure = plan.measures["2.1.1"]
    for number in range(extra):
        indicator = IndicatorFactory(result=measure, code=f"I.9{number}", responsible=plan.institutions["MSHMS"])
        IndicatorTargetFactory(indicator=indicator, year=2024, value=D(10))
        ActivityFactory(measure=measure, code=f"2.1.1.{20 + number}", lead=plan.institutions["MSHMS"])


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, params)
    assert response.status_code == 200
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(context.captured_queries)


@pytest.mark.parametrize("url", [IPTT, EXPORT, GCM])
def test_query_count_does_not_grow_with_the_plan(approved_plan, client_for, url, locmem_cache):
    client = client_for(approved_plan.users["secretariat"])
    params = {
        "period": "2024",
        "goal": approved_plan.goals["2"].pk,
        "institution": approved_plan.institutions["MSHMS"].pk,
    }
    small = [count_queries(client, url, {}), count_queries(client, url, params)]
    grow(approved_plan, 6)
    large = [count_queries(client, url, {}), count_queries(client, url, params)]
    assert small == large
    assert max(large) <= MAX_QUERIES
    if url != EXPORT:  # the filters were all understood
        context = client.get(url, params).context
        assert (context["errors"] if "errors" in context else context["picked"].errors) == []


def test_iptt_with_every_filter_stays_within_the_budget(
    approved_plan, client_for, django_assert_max_num_queries, locmem_cache
):
    client = client_for(approved_plan.users["secretariat"])
    params = {
        "period": "2024",
        "band": "on_track",
        "goal": approved_plan.goals["1"].pk,
        "institution": approved_plan.institutions["MSHMS"].pk,
        "gcm": 1,
    }
    client.get(IPTT)  # the session and the user's memberships warm up as in any request
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(IPTT, params).status_code == 200
    grow(approved_plan, 8)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(IPTT, params).status_code == 200
