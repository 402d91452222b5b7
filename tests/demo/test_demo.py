"""The demo plan: its size and shape, its costs, its logins, and that loading it twice changes nothing."""

from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Sum

from nsm.accounts.models import Membership, User
from nsm.demo import content
from nsm.demo.loader import load_demo
from nsm.reference.models import GcmObjective
from nsm.strategy.models import Activity, ActivityBudget, Indicator, Result, Strategy

CODE = content.STRATEGY["code"]


def _row_counts() -> dict[str, int]:
    """Rows of every table, history and many-to-many tables included."""
    return {model._meta.label: model._base_manager.count() for model in apps.get_models(include_auto_created=True)}


def test_demo_strategy_is_marked_illustrative(demo):
    strategy = Strategy.objects.get(code=CODE)
    assert strategy.is_illustrative
    assert strategy.status == Strategy.Status.ADOPTED
    assert "not verified" in strategy.adopting_act
    assert (strategy.years, strategy.plan_years) == (range(2024, 2031), range(2024, 2027))


def test_demo_plan_has_at_least_four_goals_twelve_objectives_and_thirty_measures(demo):
    levels = dict(Result.objects.filter(strategy__code=CODE).values_list("depth").annotate(n=Count("id")).order_by())
    assert levels[1] >= 4
    assert levels[2] >= 12
    assert levels[3] >= 30


def test_demo_has_120_activities_led_by_at_least_15_institutions(demo):
    activities = Activity.objects.filter(strategy__code=CODE)
    assert activities.count() >= 120
    assert activities.values("lead").distinct().count() >= 15


def test_demo_has_60_indicators_most_of_them_disaggregated_by_sex(demo):
    indicators = Indicator.objects.filter(strategy__code=CODE)
    by_sex = indicators.filter(disaggregation__code="sex").count()
    assert indicators.count() >= 60
    assert by_sex > indicators.count() / 2


def test_demo_indicators_have_yearly_targets_and_a_final_target_for_impact_and_outcome(demo):
    for indicator in Indicator.objects.filter(strategy__code=CODE).prefetch_related("targets"):
        years = {target.year for target in indicator.targets.all()}
        assert {2024, 2025, 2026} <= years, indicator.code
        if indicator.kind != Indicator.Kind.OUTPUT:
            assert 2030 in years, indicator.code


def test_demo_has_indicators_that_should_decrease(demo):
    decreasing = Indicator.objects.filter(strategy__code=CODE, direction=Indicator.Direction.DECREASE)
    assert decreasing.filter(name_en__icontains="asylum applications by Albanian citizens").exists()


def test_gcm_tags_cover_most_but_not_all_of_the_23_objectives(demo):
    tagged = set(GcmObjective.objects.filter(result__strategy__code=CODE).values_list("number", flat=True)) | set(
        GcmObjective.objects.filter(activity__strategy__code=CODE).values_list("number", flat=True)
    )
    assert 15 < len(tagged) < 23
    assert set(range(1, 24)) - tagged == set(content.GCM_LEFT_OUT)


def test_every_activity_is_costed_for_each_plan_year_it_runs(demo):
    costed = set(ActivityBudget.objects.filter(activity__strategy__code=CODE).values_list("activity__code", "year"))
    for activity in Activity.objects.filter(strategy__code=CODE):
        years = range(activity.start_year, activity.end_year + 1)
        assert all((activity.code, year) in costed for year in years), activity.code


def test_costs_mix_state_budget_named_donors_and_a_funding_gap(demo):
    lines = ActivityBudget.objects.filter(activity__strategy__code=CODE)
    assert set(lines.values_list("source", flat=True)) == {"state_budget", "donor", "unfunded"}
    assert not lines.filter(source="donor", donor="").exists()
    assert lines.filter(source="unfunded").values("activity").distinct().count() >= 30


def test_activity_costs_range_from_hundreds_of_thousands_to_tens_of_millions_of_lek(demo):
    totals = (
        ActivityBudget.objects.filter(activity__strategy__code=CODE).values("activity").annotate(total=Sum("amount"))
    )
    amounts = [row["total"] for row in totals]
    assert Decimal(100_000) <= min(amounts)
    assert max(amounts) <= Decimal(200_000_000)


def test_loading_the_demo_twice_changes_nothing(demo):
    before = _row_counts()
    summary = load_demo()
    assert not summary.changed
    assert _row_counts() == before


def test_loading_again_restores_a_changed_title_and_records_it(demo):
    activity = Activity.objects.get(strategy__code=CODE, code="1.1.1.1")
    original = activity.title_en
    activity.title_en = "Changed by someone"
    activity.save()
    summary = load_demo()
    activity.refresh_from_db()
    assert activity.title_en == original
    assert summary.updated == {"activity": 1}
    assert activity.history.first().history_user.username == "admin"


def test_loading_again_restores_a_removed_partner(demo):
    activity = Activity.objects.get(strategy__code=CODE, code="1.1.1.2")
    partners = set(activity.partners.values_list("code", flat=True))
    activity.partners.clear()
    load_demo()
    assert set(activity.partners.values_list("code", flat=True)) == partners


def test_demo_logins_exist_with_their_roles(demo):
    roles = {
        (m.user.username, m.institution.code, m.role) for m in Membership.objects.select_related("user", "institution")
    }
    assert {
        ("coordinator", "MPB", "coordinator"),
        ("secretariat", "MPB", "secretariat"),
        ("focalpoint", "AKPA", "focal_point"),
        ("viewer", "INSTAT", "viewer"),
    } <= roles
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert User.objects.get(username="focalpoint").check_password(content.PASSWORD)


def test_loading_again_keeps_a_password_the_user_changed(demo, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast, for this test
    user = User.objects.get(username="coordinator")
    user.set_password("a better secret 2025")
    user.save()
    load_demo()
    user.refresh_from_db()
    assert user.check_password("a better secret 2025")


def test_demo_command_prints_one_line_with_what_it_created_updated_and_left_unchanged(demo):
    out = StringIO()
    call_command("demo", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert "0 created, 0 updated" in lines[0]
    assert "illustrative" in lines[0]


def test_demo_content_is_the_same_on_every_run():
    assert content.flatten() == content.flatten()
