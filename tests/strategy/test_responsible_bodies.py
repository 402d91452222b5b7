"""Responsible bodies as an ordered list (issue 15, item 2): several equal institutions in the plan's order, one of
which may be marked lead; the line goes to the marked lead, else to the first named; the order is kept by every
save and recorded in history."""

import pytest
from django.core.exceptions import ValidationError

from nsm.strategy import services
from nsm.strategy.models import Activity, bodies_fields
from tests.factories import MeasureFactory
from tests.strategy.plan_builders import institution


@pytest.fixture
def measure(strategy):
    return MeasureFactory(parent__parent__strategy=strategy, code="1.1.1", parent__code="1.1", parent__parent__code="1")


def _data(**fields):
    return {"title_en": "Consular days", "start_year": 2024, "end_year": 2025, **fields}


def _reload(activity: Activity) -> Activity:
    return Activity.objects.prefetch_related("bodies__institution").select_related("lead").get(pk=activity.pk)


def test_without_a_marked_lead_the_first_named_receives_the_line_and_the_order_is_kept(measure, coordinator):
    smd, mepj, mb, akpa, instat = (institution(c) for c in ("SMD", "MEPJ", "MB", "AKPA", "INSTAT"))
    activity = services.create_activity(
        measure=measure, by=coordinator, **_data(**bodies_fields([smd, mepj, mb], [instat, akpa]))
    )
    activity = _reload(activity)
    assert activity.lead == smd and not activity.lead_marked
    assert activity.responsible_bodies == [smd, mepj, mb]
    assert activity.supporting_bodies == [instat, akpa]  # the plan's order, not the codes'


def test_a_marked_lead_receives_the_line_and_keeps_its_place_among_the_responsible(measure, coordinator):
    smd, mepj, mb = (institution(c) for c in ("SMD", "MEPJ", "MB"))
    activity = services.create_activity(
        measure=measure, by=coordinator, **_data(**bodies_fields([smd, mepj, mb], marked=mepj))
    )
    activity = _reload(activity)
    assert (activity.lead, activity.lead_place) == (mepj, 2)
    assert activity.responsible_bodies == [smd, mepj, mb]
    assert activity.supporting_bodies == []


def test_reordering_changes_the_rows_and_records_one_history_row_with_the_new_order(measure, coordinator):
    smd, mepj, mb, akpa = (institution(c) for c in ("SMD", "MEPJ", "MB", "AKPA"))
    activity = services.create_activity(
        measure=measure, by=coordinator, **_data(**bodies_fields([smd, mepj, mb], [akpa]))
    )
    before = activity.history.count()
    services.update_activity(activity, by=coordinator, data=bodies_fields([mb, smd, mepj], [akpa], marked=smd))
    activity = _reload(activity)
    assert activity.responsible_bodies == [mb, smd, mepj]
    assert (activity.lead, activity.lead_place) == (smd, 2)
    assert activity.history.count() == before + 1
    latest = activity.history.first()
    rows = sorted((row.position, row.institution_id, row.responsible) for row in latest.partners.all())
    assert rows == [(1, mb.pk, True), (2, mepj.pk, True), (3, akpa.pk, False)]


def test_saving_the_same_order_again_records_nothing(measure, coordinator):
    smd, mepj = institution("SMD"), institution("MEPJ")
    activity = services.create_activity(measure=measure, by=coordinator, **_data(**bodies_fields([smd, mepj])))
    before = (activity.history.count(), Activity.objects.get(pk=activity.pk).version)
    services.update_activity(activity, by=coordinator, data=bodies_fields([smd, mepj]))
    assert (activity.history.count(), Activity.objects.get(pk=activity.pk).version) == before


def test_a_marked_place_beyond_the_responsible_institutions_and_the_lead_named_again_are_refused_at_once(
    measure, coordinator
):
    smd, mepj = institution("SMD"), institution("MEPJ")
    with pytest.raises(ValidationError) as refused:
        services.create_activity(
            measure=measure, by=coordinator, **_data(lead=smd, lead_place=3, partners=[(mepj, True), (smd, False)])
        )
    assert set(refused.value.message_dict) == {"lead_place", "partners"}
    assert not Activity.objects.filter(measure=measure).exists()


def test_a_marked_lead_must_be_one_of_the_responsible_institutions(db):
    with pytest.raises(ValueError):
        bodies_fields([institution("SMD")], marked=institution("MEPJ"))
    with pytest.raises(ValueError):
        bodies_fields([])
