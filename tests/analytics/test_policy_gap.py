"""The policy-gap warning: a strategy or action plan about to end with no successor, or years nobody covers."""

import datetime
from unittest import mock

import pytest

from nsm.analytics.policy_gap import PLAN_ENDING, STRATEGY_ENDING, UNCOVERED, months_until_end_of, policy_gaps
from nsm.strategy import services
from nsm.strategy.models import Strategy
from tests.factories import StrategyFactory

ADOPTED, DRAFTING, CLOSED = Strategy.Status.ADOPTED, Strategy.Status.DRAFTING, Strategy.Status.CLOSED


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def kinds(strategies, today, months=12):
    return [
        (gap.kind, gap.years)
        for gap in policy_gaps(Strategy.objects.filter(pk__in=[s.pk for s in strategies]), day(today), months)
    ]


@pytest.mark.parametrize(
    ("today", "months"), [("2030-12-15", 0), ("2030-01-01", 11), ("2029-12-31", 12), ("2029-01-01", 23)]
)
def test_months_until_the_end_of_a_year(today, months):
    assert months_until_end_of(2030, day(today)) == months


@pytest.mark.django_db
class TestStrategyEnding:
    def test_warns_within_the_window_when_nothing_follows(self):
        current = StrategyFactory(
            start_year=2019, end_year=2022, plan_start_year=2019, plan_end_year=2022, status=ADOPTED
        )
        assert kinds([current], "2022-03-01") == [(STRATEGY_ENDING, ())]
        gap = policy_gaps(Strategy.objects.filter(pk=current.pk), day("2022-03-01"), 12)[0]
        assert "31 December 2022" in gap.message and "9 months" in gap.message

    def test_quiet_before_the_window(self):
        current = StrategyFactory(
            start_year=2019, end_year=2022, plan_start_year=2019, plan_end_year=2022, status=ADOPTED
        )
        assert kinds([current], "2021-12-31") == []
        assert kinds([current], "2021-12-31", months=13) == [(STRATEGY_ENDING, ())]

    @pytest.mark.parametrize("status", [DRAFTING, Strategy.Status.CONSULTATION, ADOPTED])
    def test_a_successor_in_the_pipeline_silences_it(self, status):
        current = StrategyFactory(
            start_year=2019, end_year=2022, plan_start_year=2019, plan_end_year=2022, status=ADOPTED
        )
        nxt = StrategyFactory(start_year=2023, end_year=2030, plan_start_year=2023, plan_end_year=2025, status=status)
        assert kinds([current, nxt], "2022-06-01") == []

    def test_a_closed_successor_does_not_count(self):
        current = StrategyFactory(
            start_year=2019, end_year=2022, plan_start_year=2019, plan_end_year=2022, status=ADOPTED
        )
        old = StrategyFactory(start_year=2023, end_year=2024, plan_start_year=2023, plan_end_year=2024, status=CLOSED)
        assert kinds([current, old], "2022-06-01") == [(STRATEGY_ENDING, ())]

    def test_another_country_is_separate(self):
        albania = StrategyFactory(
            start_year=2019, end_year=2022, plan_start_year=2019, plan_end_year=2022, status=ADOPTED
        )
        kosovo = StrategyFactory(
            country="XK", start_year=2023, end_year=2030, plan_start_year=2023, plan_end_year=2030, status=DRAFTING
        )
        found = policy_gaps(Strategy.objects.filter(pk__in=[albania.pk, kosovo.pk]), day("2022-06-01"), 12)
        assert [(gap.country, gap.kind) for gap in found] == [("AL", STRATEGY_ENDING), ("XK", UNCOVERED)]


@pytest.mark.django_db
class TestActionPlanAndCoverage:
    def test_action_plan_ending_before_the_strategy(self):
        current = StrategyFactory(
            start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026, status=ADOPTED
        )
        assert kinds([current], "2026-11-28") == [(PLAN_ENDING, (2027, 2028, 2029, 2030))]
        assert kinds([current], "2025-12-31") == []

    def test_the_warning_stays_after_the_action_plan_has_lapsed(self):
        current = StrategyFactory(
            start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026, status=ADOPTED
        )
        assert kinds([current], "2027-02-01") == [(PLAN_ENDING, (2027, 2028, 2029, 2030))]
        gap = policy_gaps(Strategy.objects.filter(pk=current.pk), day("2027-02-01"), 12)[0]
        assert gap.message == (
            f"The last action plan of {current.code} ended on 31 December 2026, and none follows it: the years "
            "2027–2030 of the strategy have no action plan."
        )

    def test_a_next_action_plan_in_drafting_silences_it(self, coordinator):
        current = StrategyFactory(
            start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026, status=ADOPTED
        )
        services.add_action_plan(strategy=current, by=coordinator, start_year=2027, end_year=2028)
        assert kinds([current], "2026-11-28") == []
        assert kinds([current], "2028-03-01") == [(PLAN_ENDING, (2029, 2030))]

    def test_a_gap_between_action_plans_is_named(self, coordinator):
        current = StrategyFactory(
            start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026, status=ADOPTED
        )
        services.add_action_plan(strategy=current, by=coordinator, start_year=2028, end_year=2029)
        assert kinds([current], "2026-11-28") == [(PLAN_ENDING, (2027, 2030))]
        gap = policy_gaps(Strategy.objects.filter(pk=current.pk), day("2026-11-28"), 12)[0]
        assert gap.message == f"No action plan of {current.code} covers 2027, 2030: the action plans leave a gap."

    def test_the_watch_takes_two_queries_for_any_number_of_strategies(self, django_assert_num_queries):
        strategies = [
            StrategyFactory(start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026, status=ADOPTED,
                            country=country)
            for country in ("AL", "XK", "ME")
        ]  # fmt: skip
        with django_assert_num_queries(2):
            policy_gaps(Strategy.objects.filter(pk__in=[s.pk for s in strategies]), day("2026-11-28"), 12)

    def test_years_between_strategies_are_uncovered(self):
        current = StrategyFactory(
            start_year=2019, end_year=2022, plan_start_year=2019, plan_end_year=2022, status=ADOPTED
        )
        nxt = StrategyFactory(start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026, status=DRAFTING)
        assert kinds([current, nxt], "2022-06-01") == [(UNCOVERED, (2023,))]

    def test_no_adopted_strategy_this_year(self):
        drafted = StrategyFactory(
            start_year=2024, end_year=2030, plan_start_year=2024, plan_end_year=2026, status=DRAFTING
        )
        assert kinds([drafted], "2023-05-01") == [(UNCOVERED, (2023,))]


@pytest.mark.django_db
def test_the_home_page_shows_the_warning(client_for, secretariat, viewer):
    StrategyFactory(
        code="AL-OLD", start_year=2019, end_year=2025, plan_start_year=2019, plan_end_year=2025, status=ADOPTED
    )
    with mock.patch("django.utils.timezone.localdate", return_value=day("2025-03-01")):
        html = client_for(secretariat).get("/").content.decode()
        quiet = client_for(viewer).get("/").content.decode()
    assert "Warning: policy gap ahead" in html
    assert "AL-OLD ends on 31 December 2025, in 9 months" in html
    assert "Warning: policy gap ahead" in quiet  # every internal reader of the country sees it


@pytest.mark.django_db
def test_no_warning_for_someone_signed_out_or_of_another_country(client, client_for):
    StrategyFactory(
        code="AL-OLD", start_year=2019, end_year=2025, plan_start_year=2019, plan_end_year=2025, status=ADOPTED
    )
    from nsm.accounts.models import Membership
    from tests.factories import InstitutionFactory, MembershipFactory, UserFactory

    kosovar = UserFactory(username="xk")
    MembershipFactory(
        user=kosovar, institution=InstitutionFactory(code="XK-MPB", country="XK"), role=Membership.Role.SECRETARIAT
    )
    with mock.patch("django.utils.timezone.localdate", return_value=day("2025-03-01")):
        assert "policy gap" not in client.get("/").content.decode()
        assert "policy gap" not in client_for(kosovar).get("/").content.decode()
