"""Versions of the plan: the snapshot, the diff and its inverse, the services that freeze and adopt, the pages."""

import datetime
import itertools
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nsm.consultation import services, versions
from nsm.consultation.models import PlanVersion
from nsm.strategy import services as plan_services
from nsm.strategy.models import ActivityBudget, Strategy, bodies_fields
from tests.factories import (
    ActivityBudgetFactory,
    ActivityFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    InstitutionFactory,
    MeasureFactory,
    StrategyFactory,
)
from tests.strategy.plan_builders import add_activities, add_indicators, gcm

# --- Snapshot ---


@pytest.fixture
def plan(strategy):
    """One measure with one activity (two budget lines, a partner, GCM 5) and one indicator with two targets."""
    measure = MeasureFactory(parent__parent__strategy=strategy, parent__parent__code="1", parent__code="1.1",
                             code="1.1.1")  # fmt: skip
    measure.gcm_objectives.add(gcm(2))
    activity = ActivityFactory(measure=measure, code="1.1.1.1", lead=InstitutionFactory(code="MPB"))
    activity.partners.add(InstitutionFactory(code="AKPA"))
    activity.gcm_objectives.add(gcm(5))
    ActivityBudgetFactory(activity=activity, year=2024, amount=Decimal("1200.50"))
    ActivityBudgetFactory(activity=activity, year=2025, source=ActivityBudget.Source.DONOR, donor="EU",
                          amount=Decimal("300"))  # fmt: skip
    indicator = IndicatorFactory(result=measure, code="1.1.1.a", responsible=InstitutionFactory(code="INSTAT"))
    IndicatorTargetFactory(indicator=indicator, year=2025, value=Decimal("120"))
    IndicatorTargetFactory(indicator=indicator, year=2026, value=Decimal("150.5"))
    return {"measure": measure, "activity": activity, "indicator": indicator}


def test_snapshot_holds_the_whole_plan_as_plain_data(strategy, plan):
    snap = versions.snapshot(strategy)

    assert json.loads(json.dumps(snap)) == snap
    assert set(snap["results"]) == {"1", "1.1", "1.1.1"}
    assert snap["results"]["1.1.1"]["gcm_objectives"] == [2]
    assert snap["results"]["1"]["depth"] == 1
    activity = snap["activities"]["1.1.1.1"]
    assert activity["lead"] == "MPB"
    assert activity["responsible"] == ["MPB"] and "lead_place" not in activity  # no lead marked: none frozen
    assert activity["partners"] == ["AKPA"]
    assert activity["gcm_objectives"] == [5]
    assert (activity["start_year"], activity["start_quarter"], activity["end_year"], activity["end_quarter"]) == (
        2024, 1, 2025, 4,
    )  # fmt: skip
    assert activity["budget"] == [[2024, "state_budget", "", "1200.5"], [2025, "donor", "EU", "300"]]
    indicator = snap["indicators"]["1.1.1.a"]
    assert indicator["result"] == "1.1.1"
    assert indicator["baseline"] == "100"
    assert indicator["responsible"] == "INSTAT"
    assert indicator["targets"] == {"2025": "120", "2026": "150.5"}
    assert snap["strategy"]["code"] == strategy.code


def test_snapshot_runs_the_same_number_of_queries_for_a_small_and_a_bigger_plan(strategy, django_assert_num_queries):
    add_activities(strategy, 2)
    add_indicators(strategy, 2)
    with django_assert_num_queries(12):
        small = versions.snapshot(strategy)
    add_activities(strategy, 30)
    add_indicators(strategy, 20)
    with django_assert_num_queries(12):
        big = versions.snapshot(strategy)
    assert len(big["activities"]) == 32 > len(small["activities"])


# --- Diff of hand-made changes ---


def test_a_changed_field_shows_with_its_old_and_new_value(strategy, plan):
    old = versions.snapshot(strategy)
    activity = plan["activity"]
    activity.title_en = "A better title"
    activity.save()
    difference = versions.diff(old, versions.snapshot(strategy))

    changed = difference.section("activities").changed
    assert [(c.code, [(f.field, f.new) for f in c.changes]) for c in changed] == [
        ("1.1.1.1", [("title_en", "A better title")])
    ]
    assert changed[0].changes[0].old == "Activity 1.1.1.1"
    assert not difference.costs.changed


def set_bodies(activity, by, responsible, supporting=(), marked=None):
    """The activity's responsible institutions in order (one of them `marked` lead, or none) and its supporting
    ones, set as the plan's pages set them."""
    data = {"title_en": activity.title_en, "start_year": activity.start_year, "end_year": activity.end_year}
    plan_services.update_activity(activity, by=by, data={**data, **bodies_fields(responsible, supporting, marked)})


def test_a_new_order_of_the_responsible_institutions_shows_in_the_comparison(strategy, plan, coordinator):
    """Responsible bodies as an ordered list (issue 15, item 2): a version keeps their order, the supporting
    institutions' order and the place of a marked lead."""
    activity = plan["activity"]
    mpb, akpa = activity.lead, activity.partners.get()
    mb, instat, iom = (InstitutionFactory(code=code) for code in ("MB", "INSTAT", "IOM"))
    set_bodies(activity, coordinator, [mpb, mb], [iom, akpa])
    old = versions.snapshot(strategy)
    frozen = old["activities"]["1.1.1.1"]
    assert (frozen["lead"], frozen["responsible"], frozen["partners"]) == ("MPB", ["MPB", "MB"], ["IOM", "AKPA"])

    set_bodies(activity, coordinator, [mb, instat, mpb], [akpa, iom], marked=mpb)
    new = versions.snapshot(strategy)
    difference = versions.diff(old, new)
    changes = {f.field: (f.old, f.new) for f in difference.section("activities").changed[0].changes}
    assert changes == {
        "lead_place": (versions.MISSING, 3),
        "responsible": (["MPB", "MB"], ["MB", "INSTAT", "MPB"]),
        "partners": (["IOM", "AKPA"], ["AKPA", "IOM"]),
    }  # the lead is still MPB: marked now, at its place
    assert versions.apply(old, difference) == new

    set_bodies(activity, coordinator, [mb, mpb, instat], [akpa, iom], marked=mpb)
    moved = versions.diff(new, versions.snapshot(strategy)).section("activities").changed[0].changes
    assert [(f.field, f.old, f.new) for f in moved] == [
        ("lead_place", 3, 2),
        ("responsible", ["MB", "INSTAT", "MPB"], ["MB", "MPB", "INSTAT"]),
    ]


def test_a_version_frozen_before_the_responsible_institutions_were_ordered_equals_the_same_plan_now(strategy, plan):
    """An old snapshot has the lead and the supporting institutions by code, no `responsible`, no `lead_place`:
    compared with the same plan today, nothing changed."""
    plan["activity"].partners.add(InstitutionFactory(code="INSTAT"))  # AKPA and INSTAT supporting, by code as before
    now = versions.snapshot(strategy)
    old = json.loads(json.dumps(now))
    for item in old["activities"].values():
        del item["responsible"]
        item["partners"] = sorted(item["partners"])
    assert old["activities"]["1.1.1.1"]["partners"] == ["AKPA", "INSTAT"]
    assert "lead_place" not in now["activities"]["1.1.1.1"]
    assert versions.diff(old, now).is_empty
    assert versions.upgraded(old)["activities"]["1.1.1.1"]["responsible"] == ["MPB"]
    assert versions.apply(old, versions.diff(old, now)) == now


def test_the_compare_page_names_the_responsible_institutions_and_the_marked_lead(
    strategy, plan, coordinator, client_for
):
    activity = plan["activity"]
    services.freeze_version(strategy, by=coordinator)
    set_bodies(activity, coordinator, [InstitutionFactory(code="MB"), activity.lead], [activity.partners.get()],
               marked=activity.lead)  # fmt: skip
    page = client_for(coordinator).get(url("compare", strategy), {"old": "1", "new": "current"})
    activities = next(section for section in page.context["sections"] if section["label"] == "Activities")
    [(code, fields)] = activities["changed"]
    assert code == "1.1.1.1"
    assert {str(label): (old, new) for label, old, new in fields} == {
        "place of the marked lead": ("—", "2"),
        "responsible institutions": ("MPB", "MB, MPB"),
    }


def test_a_withdrawal_shows_in_the_comparison_and_nothing_else_changes(strategy, plan, coordinator):
    old = versions.snapshot(strategy)
    activity = plan["activity"]
    plan_services.withdraw(activity, by=coordinator, reason="Merged", on=datetime.date(2025, 3, 1))
    changed = versions.diff(old, versions.snapshot(strategy)).section("activities").changed
    assert [(c.code, [(f.field, f.old, f.new) for f in c.changes]) for c in changed] == [
        (
            "1.1.1.1",
            [("withdrawn_on", versions.MISSING, "2025-03-01"), ("withdrawn_reason", versions.MISSING, "Merged")],
        )
    ]


def test_items_added_and_removed_are_listed_by_code(strategy, plan):
    old = versions.snapshot(strategy)
    ActivityFactory(measure=plan["measure"], code="1.1.1.2", lead=InstitutionFactory(code="MPB"))
    plan["indicator"].delete()
    difference = versions.diff(old, versions.snapshot(strategy))

    assert [code for code, _item in difference.section("activities").added] == ["1.1.1.2"]
    assert [code for code, _item in difference.section("indicators").removed] == ["1.1.1.a"]
    assert difference.section("results").is_empty


def test_a_budget_change_shows_in_the_cost_totals(strategy, plan):
    old = versions.snapshot(strategy)
    line = plan["activity"].budget_lines.get(year=2024)
    line.amount = Decimal("2000")
    line.save()
    ActivityBudgetFactory(activity=plan["activity"], year=2026, source=ActivityBudget.Source.UNFUNDED,
                          amount=Decimal("50"))  # fmt: skip
    difference = versions.diff(old, versions.snapshot(strategy))

    years = {line.year: (line.old, line.new, line.difference) for line in difference.costs.years}
    assert years[2024] == (Decimal("1200.5"), Decimal("2000"), Decimal("799.5"))
    assert years[2026] == (Decimal(0), Decimal(50), Decimal(50))
    assert difference.costs.total.difference == Decimal("849.5")
    by_source = {(line.year, line.source): line.difference for line in difference.costs.lines}
    assert by_source[(2025, "donor")] == 0
    assert [f.field for f in difference.section("activities").changed[0].changes] == ["budget"]


def test_an_identical_plan_gives_an_empty_diff(strategy, plan):
    snap = versions.snapshot(strategy)
    difference = versions.diff(snap, versions.snapshot(strategy))
    assert difference.is_empty
    assert versions.apply(snap, difference) == snap


# --- The diff explains every change (hypothesis) ---

# Few codes, so that two generated plans share most items and differ in their fields.
codes = st.sampled_from(["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2", "2", "2.1", "10"])
values = st.one_of(
    st.none(), st.integers(0, 3000), st.text(max_size=5), st.lists(st.integers(1, 23), max_size=3),
    st.dictionaries(st.sampled_from(["2024", "2025"]), st.decimals(0, 999, places=1).map(str), max_size=2),
)  # fmt: skip
budget_lines = st.lists(
    st.tuples(st.integers(2024, 2026), st.sampled_from(["state_budget", "unfunded"]), st.just(""),
              st.decimals(0, 10**6, places=2).map(versions.plain_number)).map(list),
    max_size=3,
)  # fmt: skip
items = st.dictionaries(st.sampled_from(["title_en", "lead", "gcm_objectives", "targets", "unit"]), values)
activities = st.builds(lambda fields, budget: {**fields, "budget": budget}, items, budget_lines)
snapshots = st.fixed_dictionaries({
    "format": st.just(1),
    "strategy": st.fixed_dictionaries({"code": st.sampled_from(["A", "B"]), "start_year": st.integers(2020, 2024)}),
    "results": st.dictionaries(codes, items, max_size=5),
    "activities": st.dictionaries(codes, activities, max_size=5),
    "indicators": st.dictionaries(codes, items, max_size=5),
})  # fmt: skip


# A generated activity with a `lead` and no `responsible` is one of a version frozen before the responsible
# institutions were an ordered list: the diff reads both sides in today's terms (`upgraded`), and so does `apply`.


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(snapshots, snapshots)
def test_applying_the_diff_of_v1_to_v2_explains_every_change(v1, v2):
    assert versions.apply(v1, versions.diff(v1, v2)) == versions.upgraded(v2)
    assert versions.apply(versions.upgraded(v1), versions.diff(v1, v2)) == versions.upgraded(v2)
    assert versions.diff(v1, v1).is_empty


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(snapshots)
def test_the_diff_of_a_plan_from_nothing_adds_every_item(v2):
    empty = {"format": 1, "strategy": {}, "results": {}, "activities": {}, "indicators": {}}
    difference = versions.diff(empty, v2)
    assert len(difference.section("activities").added) == len(v2["activities"])
    assert versions.apply(empty, difference) == versions.upgraded(v2)


SERIAL = itertools.count(1)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.integers(0, 6), second=st.integers(0, 6), retitle=st.booleans(), amount=st.integers(0, 5000),
)  # fmt: skip
@pytest.mark.django_db
def test_the_diff_of_two_generated_plans_explains_every_change(first, second, retitle, amount):
    strategy = StrategyFactory(code=f"AL-HYP-{next(SERIAL)}")
    add_activities(strategy, first)
    add_indicators(strategy, 1)
    v1 = versions.snapshot(strategy)
    add_activities(strategy, second)
    activity = strategy.activities.order_by("sort_key").first()
    if activity and retitle:
        activity.title_sq = "Titull i ri"
        activity.save()
    if activity:
        ActivityBudgetFactory(activity=activity, year=2026, amount=Decimal(amount))
    strategy.indicators.first().delete()
    v2 = versions.snapshot(strategy)
    difference = versions.diff(v1, v2)
    assert versions.apply(v1, difference) == v2
    assert len(difference.section("indicators").removed) == 1
    assert len(difference.section("activities").added) == second


# --- Services ---


def test_versions_are_numbered_in_turn_and_keep_the_plan_of_their_moment(strategy, plan, coordinator, secretariat):
    v1 = services.freeze_version(strategy, by=coordinator, label="First draft", purpose="working")
    plan["activity"].delete()
    v2 = services.freeze_version(strategy, by=secretariat, label="", purpose="working")

    assert (v1.number, v2.number) == (1, 2)
    assert "1.1.1.1" in v1.snapshot["activities"]
    assert "1.1.1.1" not in v2.snapshot["activities"]
    assert v1.created_by == coordinator
    assert v1.history.first().history_user == coordinator


def test_a_version_for_consultation_moves_a_drafting_strategy_to_consultation(strategy, coordinator):
    services.freeze_version(strategy, by=coordinator, purpose=PlanVersion.Purpose.CONSULTATION)
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.CONSULTATION
    assert strategy.history.first().history_user == coordinator


def test_a_strategy_cannot_go_to_consultation_without_a_version(strategy, coordinator):
    with pytest.raises(ValidationError, match="Freeze a version"):
        services.set_strategy_status(strategy, by=coordinator, status=Strategy.Status.CONSULTATION)
    services.freeze_version(strategy, by=coordinator)
    services.set_strategy_status(strategy, by=coordinator, status=Strategy.Status.CONSULTATION)
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.CONSULTATION


def test_adopting_records_the_act_and_the_strategy_follows(strategy, coordinator):
    version = services.freeze_version(strategy, by=coordinator, purpose=PlanVersion.Purpose.ADOPTION)
    services.adopt_version(version, by=coordinator, act_number="DCM no. 400", act_date=datetime.date(2025, 6, 1))

    version.refresh_from_db()
    strategy.refresh_from_db()
    assert version.is_adopted and version.act_number == "DCM no. 400"
    assert strategy.status == Strategy.Status.ADOPTED
    assert (strategy.adopting_act, strategy.adopted_on) == ("DCM no. 400", datetime.date(2025, 6, 1))
    assert strategy.history.first().history_user == coordinator


def test_a_plan_is_not_adopted_without_a_legal_act(strategy, coordinator):
    version = services.freeze_version(strategy, by=coordinator)
    with pytest.raises(ValidationError) as error:
        services.adopt_version(version, by=coordinator, act_number=" ", act_date=None)
    assert set(error.value.message_dict) == {"act_number", "act_date"}
    with pytest.raises(ValidationError, match="legal act"):
        services.set_strategy_status(strategy, by=coordinator, status=Strategy.Status.ADOPTED)
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.DRAFTING


def test_only_one_version_is_the_adopted_one(strategy, coordinator):
    v1 = services.freeze_version(strategy, by=coordinator)
    v2 = services.freeze_version(strategy, by=coordinator)
    services.adopt_version(v1, by=coordinator, act_number="DCM 1", act_date=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError, match="Another version"):
        services.adopt_version(v2, by=coordinator, act_number="DCM 2", act_date=datetime.date(2025, 2, 1))
    assert list(PlanVersion.objects.filter(is_adopted=True)) == [v1]


def test_an_adopted_strategy_closes_and_a_closed_one_stays_closed(strategy, coordinator):
    version = services.freeze_version(strategy, by=coordinator)
    services.adopt_version(version, by=coordinator, act_number="DCM 1", act_date=datetime.date(2025, 1, 1))
    with pytest.raises(ValidationError):
        services.set_strategy_status(strategy, by=coordinator, status=Strategy.Status.DRAFTING)
    services.set_strategy_status(strategy, by=coordinator, status=Strategy.Status.CLOSED)
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.CLOSED
    with pytest.raises(ValidationError):
        services.set_strategy_status(strategy, by=coordinator, status=Strategy.Status.CONSULTATION)


def test_only_plan_editors_freeze_adopt_or_move_the_status(strategy, focal_point, viewer, coordinator):
    for user in (focal_point, viewer):
        with pytest.raises(PermissionDenied):
            services.freeze_version(strategy, by=user)
    version = services.freeze_version(strategy, by=coordinator)
    with pytest.raises(PermissionDenied):
        services.adopt_version(version, by=viewer, act_number="DCM 1", act_date=datetime.date(2025, 1, 1))
    with pytest.raises(PermissionDenied):
        services.set_strategy_status(strategy, by=focal_point, status=Strategy.Status.CONSULTATION)
    assert PlanVersion.objects.count() == 1


# --- Pages ---


def url(name, strategy, *args):
    return reverse(f"consultation:{name}", args=[strategy.code, *args])


@pytest.mark.parametrize("editor", ["coordinator", "secretariat"])
def test_an_editor_freezes_a_version_from_the_versions_page(request, strategy, plan, client_for, editor):
    client = client_for(request.getfixturevalue(editor))
    page = client.get(url("versions", strategy))
    assert b"Freeze the version" in page.content
    assert b"gaps" in page.content

    response = client.post(url("versions", strategy), {"label": "For consultation", "purpose": "consultation"})

    assert response.status_code == 302
    version = PlanVersion.objects.get(strategy=strategy)
    assert response["Location"] == url("version", strategy, version.number)
    assert version.label == "For consultation"
    strategy.refresh_from_db()
    assert strategy.status == Strategy.Status.CONSULTATION


@pytest.mark.parametrize("reader", ["focal_point", "viewer"])
def test_a_reader_sees_versions_but_cannot_freeze_or_adopt(request, strategy, plan, coordinator, client_for, reader):
    version = services.freeze_version(strategy, by=coordinator)
    client = client_for(request.getfixturevalue(reader))

    page = client.get(url("versions", strategy))
    assert page.status_code == 200 and b"v1" in page.content
    assert b"Freeze the version" not in page.content
    detail = client.get(url("version", strategy, version.number))
    assert detail.status_code == 200 and b"Record the adoption" not in detail.content
    assert client.post(url("versions", strategy), {"purpose": "working"}).status_code == 404
    adopt = {"act_number": "DCM 1", "act_date": "2025-01-01"}
    assert client.post(url("version_adopt", strategy, version.number), adopt).status_code == 404
    assert PlanVersion.objects.count() == 1 and not PlanVersion.objects.filter(is_adopted=True).exists()


def test_another_countrys_plan_and_versions_answer_404(client_for, coordinator):
    foreign = StrategyFactory(code="XK-NSM", country="XK")
    version = PlanVersion.objects.create(strategy=foreign, number=1)
    client = client_for(coordinator)
    for target in (url("versions", foreign), url("version", foreign, version.number), url("compare", foreign),
                   url("quality", foreign)):  # fmt: skip
        assert client.get(target).status_code == 404
    assert client.post(url("versions", foreign), {"purpose": "working"}).status_code == 404
    assert (
        client.post(url("version_adopt", foreign, 1), {"act_number": "1", "act_date": "2025-01-01"}).status_code == 404
    )


def test_the_coordinator_adopts_a_version_on_its_page(strategy, plan, coordinator, client_for):
    version = services.freeze_version(strategy, by=coordinator)
    client = client_for(coordinator)
    assert b"Record the adoption" in client.get(url("version", strategy, 1)).content

    missing = client.post(url("version_adopt", strategy, 1), {"act_number": "", "act_date": ""})
    assert missing.status_code == 400
    response = client.post(url("version_adopt", strategy, 1), {"act_number": "DCM no. 400", "act_date": "2025-06-01"})

    assert response.status_code == 302
    version.refresh_from_db()
    strategy.refresh_from_db()
    assert version.is_adopted and strategy.status == Strategy.Status.ADOPTED
    assert b"DCM no. 400" in client.get(url("version", strategy, 1)).content


def test_the_version_page_shows_counts_and_costs(strategy, plan, viewer, coordinator, client_for):
    services.freeze_version(strategy, by=coordinator)
    page = client_for(viewer).get(url("version", strategy, 1))
    assert page.context["summary"].activities == 1
    assert page.context["summary"].total == Decimal("1500.5")
    assert page.context["summary"].levels == (("Policy goal", 1), ("Specific objective", 1), ("Measure", 1))


def test_the_compare_page_shows_changes_field_by_field_and_cost_differences(strategy, plan, coordinator, client_for):
    services.freeze_version(strategy, by=coordinator)
    plan["activity"].lead = InstitutionFactory(code="AKPA")
    plan["activity"].save()
    ActivityBudgetFactory(activity=plan["activity"], year=2026, amount=Decimal("100"))
    services.freeze_version(strategy, by=coordinator)
    client = client_for(coordinator)

    page = client.get(url("compare", strategy), {"old": "1", "new": "2"})

    assert page.status_code == 200
    content = page.content.decode()
    assert "Lead institution" in content and "MPB" in content and "AKPA" in content
    assert page.context["diff"].costs.total.difference == Decimal(100)
    assert 'id="cost-difference">+100' in content
    same = client.get(url("compare", strategy), {"old": "2", "new": "current"})
    assert same.context["diff"].is_empty
    assert client.get(url("compare", strategy), {"old": "9", "new": "1"}).status_code == 404


def test_the_strategy_page_links_to_versions_quality_check_and_rounds(strategy, viewer, client_for):
    content = client_for(viewer).get(reverse("strategy:detail", args=[strategy.code])).content.decode()
    assert url("versions", strategy) in content
    assert url("quality", strategy) in content
    assert url("rounds", strategy) in content


def test_the_versions_list_runs_a_fixed_number_of_queries(strategy, plan, coordinator, client_for,
                                                          django_assert_max_num_queries):  # fmt: skip
    client = client_for(coordinator)
    services.freeze_version(strategy, by=coordinator)
    with django_assert_max_num_queries(20) as few:
        client.get(url("versions", strategy))
    for _ in range(5):
        services.freeze_version(strategy, by=coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("versions", strategy))
    assert page.content.count(b"/versions/") >= 6
