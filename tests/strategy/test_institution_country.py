"""Each country's institutions are its own: a code is unique within a country (MPB of Albania and MPB of Kosovo are
two institutions), and a plan names only institutions of its strategy's country, whatever the path (page, workbook,
service, admin). Before, codes were unique across countries: a Kosovo plan naming "MPB" was silently tied to
Albania's ministry, and an import accepted Albania's AKPA as lead of a Kosovo activity."""

import datetime

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from nsm.accounts.models import Institution
from nsm.monitoring import services as monitoring_services
from nsm.monitoring.services import TransitionRefused
from nsm.strategy import services
from nsm.strategy.admin import ActivityAdmin
from nsm.strategy.forms import ActivityForm, IndicatorForm
from nsm.strategy.models import Activity, Indicator, bodies_fields
from nsm.strategy.workbook import apply_plan, plan_changes, read_workbook
from tests.factories import ActivityFactory, InstitutionFactory, MeasureFactory, StrategyFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets

pytestmark = pytest.mark.django_db

AKPA_REFUSED = "AKPA is not an institution of Kosovo (XK): it is one of Albania (AL)."


@pytest.fixture
def albania():
    """Albania's institutions of the same codes as Kosovo's."""
    return {code: InstitutionFactory(code=code, country="AL") for code in ("MPB", "AKPA", "INSTAT")}


@pytest.fixture
def kosovo_measure():
    return MeasureFactory(parent__parent__strategy=StrategyFactory(code="XK-NSM", country="XK"))


def kosovo_institution(code: str) -> Institution:
    return InstitutionFactory(code=code, country="XK", name_en=f"{code} of Kosovo")


# --- The code is unique within its country ---------------------------------------------------------------------


def test_two_countries_may_each_have_an_institution_of_the_same_code(albania):
    kosovo = Institution(code="MPB", country="XK", name_sq="Ministria e Punëve të Brendshme")
    kosovo.full_clean()
    kosovo.save()
    assert set(Institution.objects.filter(code="MPB").values_list("country", flat=True)) == {"AL", "XK"}


def test_a_country_has_one_institution_of_a_code(albania):
    twin = Institution(code="MPB", country="AL", name_sq="Ministria")
    with pytest.raises(ValidationError) as refused:
        twin.full_clean()
    assert refused.value.messages == ["Another institution of this country has this code."]


# --- The services and the model refuse another country's institution, in a sentence --------------------------


def test_albanias_akpa_is_refused_as_lead_of_a_kosovo_activity(albania, kosovo_measure):
    with pytest.raises(ValidationError) as refused:
        services.create_activity(measure=kosovo_measure, by=None, title_en="Border posts", lead=albania["AKPA"],
                                 start_year=2024, end_year=2025)  # fmt: skip
    assert refused.value.message_dict == {"lead": [AKPA_REFUSED]}
    assert not Activity.objects.filter(strategy=kosovo_measure.strategy).exists()


def test_kosovos_own_akpa_leads_a_kosovo_activity(albania, kosovo_measure):
    akpa = kosovo_institution("AKPA")
    activity = services.create_activity(
        measure=kosovo_measure, by=None, title_en="Border posts", lead=akpa, start_year=2024, end_year=2025
    )
    assert activity.lead == akpa


def test_another_countrys_partner_is_refused_with_the_lead_in_one_answer(albania, kosovo_measure):
    with pytest.raises(ValidationError) as refused:
        services.create_activity(
            measure=kosovo_measure, by=None, title_en="Border posts", lead=albania["AKPA"], start_year=2024,
            end_year=2025, partners=[albania["MPB"], kosovo_institution("INSTAT")],
        )  # fmt: skip
    assert refused.value.message_dict == {
        "lead": [AKPA_REFUSED],
        "partners": ["MPB is not an institution of Kosovo (XK): it is one of Albania (AL)."],
    }


def test_changing_an_activity_to_another_countrys_partner_is_refused(albania, kosovo_measure):
    activity = ActivityFactory(measure=kosovo_measure, lead=kosovo_institution("MPB"))
    with pytest.raises(ValidationError) as refused:
        services.update_activity(activity, by=None, data={"partners": [albania["AKPA"]]}, version=activity.version)
    assert refused.value.message_dict == {"partners": [AKPA_REFUSED]}
    assert not activity.partners.exists()


def test_another_countrys_institution_is_refused_as_responsible_for_an_indicator(albania, kosovo_measure):
    with pytest.raises(ValidationError) as refused:
        services.create_indicator(result=kosovo_measure, by=None, name_en="Returnees", responsible=albania["AKPA"])
    assert refused.value.message_dict == {"responsible": [AKPA_REFUSED]}
    assert not Indicator.objects.filter(strategy=kosovo_measure.strategy).exists()


def admin_form(rf, admin_user, data: dict):
    """The activity form of the admin, as the admin builds it."""
    request = rf.get("/admin/strategy/activity/add/")
    request.user = admin_user
    return ActivityAdmin(Activity, admin.site).get_form(request)(data=data)


def admin_bodies(*rows) -> dict:
    """The admin's inline of the institutions named beside the lead: (institution, place, responsible) rows."""
    data = {"bodies-TOTAL_FORMS": len(rows), "bodies-INITIAL_FORMS": 0, "budget_lines-TOTAL_FORMS": 0,
            "budget_lines-INITIAL_FORMS": 0}  # fmt: skip
    for index, (institution, place, responsible) in enumerate(rows):
        data |= {f"bodies-{index}-institution": institution.pk, f"bodies-{index}-position": place}
        if responsible:
            data[f"bodies-{index}-responsible"] = "on"
    return data


def test_the_admin_refuses_another_countrys_partner(albania, kosovo_measure, admin_client):
    lead = kosovo_institution("MPB")
    response = admin_client.post(
        reverse("admin:strategy_activity_add"),
        {
            "strategy": kosovo_measure.strategy.pk, "measure": kosovo_measure.pk, "code": f"{kosovo_measure.code}.1",
            "title_en": "Border posts", "lead": lead.pk, "start_year": 2024, "end_year": 2025, "gender_marker": 0,
            "cost_basis": "costed", **admin_bodies((albania["AKPA"], 1, False)),
        },
    )  # fmt: skip
    assert response.status_code == 200  # the form again, with the refusal
    assert [str(error) for formset in response.context["inline_admin_formsets"]
            for error in formset.formset.non_form_errors()] == [AKPA_REFUSED]  # fmt: skip
    assert not Activity.objects.filter(strategy=kosovo_measure.strategy).exists()


def test_the_admin_saves_the_institutions_in_the_order_given_and_records_them(kosovo_measure, admin_client):
    lead, second, supporting = (kosovo_institution(code) for code in ("MPB", "AKPA", "INSTAT"))
    response = admin_client.post(
        reverse("admin:strategy_activity_add"),
        {
            "strategy": kosovo_measure.strategy.pk, "measure": kosovo_measure.pk, "code": f"{kosovo_measure.code}.1",
            "title_en": "Border posts", "lead": lead.pk, "lead_place": 2, "start_year": 2024, "end_year": 2025,
            "gender_marker": 0, "cost_basis": "costed",
            **admin_bodies((supporting, 5, False), (second, 3, True)),
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.prefetch_related("bodies__institution").get(strategy=kosovo_measure.strategy)
    assert activity.responsible_bodies == [second, lead] and activity.supporting_bodies == [supporting]
    assert [(body.position, body.institution) for body in activity.bodies.all()] == [(1, second), (2, supporting)]
    latest = activity.history.get()  # one row for the admin's save, with the list as saved
    assert latest.history_type == "+"
    assert sorted((row.position, row.institution_id) for row in latest.partners.all()) == [
        (1, second.pk), (2, supporting.pk),
    ]  # fmt: skip


def test_an_admin_change_that_leaves_the_institutions_alone_keeps_them_in_order(
    kosovo_measure, admin_user, admin_client
):
    lead, second, supporting = (kosovo_institution(code) for code in ("MPB", "AKPA", "INSTAT"))
    activity = services.create_activity(
        measure=kosovo_measure, by=admin_user, title_en="Border posts", start_year=2024, end_year=2025,
        **bodies_fields([second, lead], [supporting], marked=lead),
    )  # fmt: skip
    rows = list(activity.bodies.order_by("position"))
    data = {
        "strategy": activity.strategy_id, "measure": activity.measure_id, "code": activity.code,
        "title_en": "Changed in the admin", "lead": lead.pk, "lead_place": 2, "start_year": 2024, "end_year": 2025,
        "gender_marker": 0, "cost_basis": "costed", **admin_bodies((second, 1, True), (supporting, 2, False)),
        "bodies-INITIAL_FORMS": 2,
    }  # fmt: skip
    for index, row in enumerate(rows):
        data[f"bodies-{index}-id"] = row.pk
        data[f"bodies-{index}-activity"] = activity.pk
    response = admin_client.post(reverse("admin:strategy_activity_change", args=[activity.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.prefetch_related("bodies__institution").get(pk=activity.pk)
    assert activity.title_en == "Changed in the admin"
    assert (activity.responsible_bodies, activity.supporting_bodies) == ([second, lead], [supporting])


def test_the_admin_refuses_a_marked_lead_beyond_the_responsible_institutions(kosovo_measure, admin_client):
    lead, other = kosovo_institution("MPB"), kosovo_institution("AKPA")
    response = admin_client.post(
        reverse("admin:strategy_activity_add"),
        {
            "strategy": kosovo_measure.strategy.pk, "measure": kosovo_measure.pk, "code": f"{kosovo_measure.code}.1",
            "title_en": "Border posts", "lead": lead.pk, "lead_place": 3, "start_year": 2024, "end_year": 2025,
            "gender_marker": 0, "cost_basis": "costed", **admin_bodies((other, 1, True)),
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert not Activity.objects.filter(strategy=kosovo_measure.strategy).exists()


def test_the_admin_refuses_another_countrys_lead(albania, kosovo_measure, rf, admin_user):
    form = admin_form(
        rf,
        admin_user,
        data={
            "strategy": kosovo_measure.strategy.pk, "measure": kosovo_measure.pk, "code": f"{kosovo_measure.code}.1",
            "title_en": "Border posts", "lead": albania["AKPA"].pk, "start_year": 2024, "end_year": 2025,
            "gender_marker": 0,
            "cost_basis": "costed",
        }
    )  # fmt: skip
    assert not form.is_valid()
    assert form.errors == {"lead": [AKPA_REFUSED]}


# --- The choosers offer the strategy's country's institutions only --------------------------------------------


def test_the_activity_form_offers_only_the_strategys_countrys_institutions(albania, kosovo_measure):
    mpb = kosovo_institution("MPB")
    form = ActivityForm(strategy=kosovo_measure.strategy)
    assert list(form.fields["responsible_1"].queryset) == [mpb]
    assert list(form.fields["marked_lead"].queryset) == [mpb]
    assert list(form.fields["supporting"].queryset) == [mpb]


def test_the_international_partners_offered_are_the_countrys_own(albania, kosovo_measure):
    InstitutionFactory(code="IOM", country="AL", kind=Institution.Kind.INTERNATIONAL)
    iom = InstitutionFactory(code="IOM", country="XK", kind=Institution.Kind.INTERNATIONAL)
    assert list(ActivityForm(strategy=kosovo_measure.strategy).fields["supporting"].queryset) == [iom]


def test_the_indicator_form_offers_only_the_strategys_countrys_institutions(albania, kosovo_measure):
    instat = kosovo_institution("INSTAT")
    form = IndicatorForm(strategy=kosovo_measure.strategy)
    assert list(form.fields["responsible"].queryset) == [instat]


# --- The plan workbook resolves codes among the strategy's country's institutions -----------------------------


@pytest.fixture
def code_lists(db):
    load_code_lists()  # Albania's MPB, AKPA, INSTAT, MSHMS, ZKM


def kosovo_sheets() -> dict:
    return set_cell(valid_sheets("XK-WB-TEST"), "Strategy!B3", "XK")


def test_a_kosovo_plan_naming_mpb_is_tied_to_kosovos_mpb(code_lists):
    kosovo = {code: kosovo_institution(code) for code in ("MPB", "AKPA", "INSTAT")}
    parsed = read_workbook(make_workbook(kosovo_sheets()), name="plan.xlsx")
    assert parsed.errors == []
    apply_plan(parsed, by=None)
    first, second = Activity.objects.filter(strategy__code="XK-WB-TEST").order_by("code")
    assert (first.lead, second.lead) == (kosovo["MPB"], kosovo["AKPA"])
    assert set(first.partners.values_list("country", flat=True)) == {"XK"}  # AKPA and the new QKM
    assert Indicator.objects.get(strategy__code="XK-WB-TEST").responsible == kosovo["INSTAT"]


def test_a_code_only_another_country_has_is_an_error_at_its_cell(code_lists):
    kosovo_institution("INSTAT")
    parsed = read_workbook(make_workbook(kosovo_sheets()), name="plan.xlsx")
    elsewhere = (
        "%s is not an institution of Kosovo (XK) (only of Albania (AL)): to add one of Kosovo (XK), list it on the "
        "Institutions sheet"
    )
    assert parsed.errors.lines() == [
        f"Activities!D2: {elsewhere % 'MPB'}",
        f"Activities!E2: {elsewhere % 'AKPA'}",
        f"Activities!D3: {elsewhere % 'AKPA'}",
    ]


def test_a_code_listed_on_the_institutions_sheet_becomes_the_countrys_own_and_albanias_is_untouched(code_lists):
    albanian_mpb = Institution.objects.get(code="MPB", country="AL")
    before = (albanian_mpb.name_en, albanian_mpb.history.count())
    sheets = kosovo_sheets()
    sheets["Institutions"] += [["MPB", "Ministria (Kosovë)", "Ministry (Kosovo)", "ministry"],
                               ["AKPA", "Agjencia (Kosovë)", "Agency (Kosovo)", "agency"],
                               ["INSTAT", "Instituti (Kosovë)", "Institute (Kosovo)", "agency"]]  # fmt: skip
    parsed = read_workbook(make_workbook(sheets), name="plan.xlsx")
    assert parsed.errors == []
    preview = plan_changes(parsed)
    assert preview.kinds[1].kind == "institutions" and len(preview.kinds[1].created) == 4
    assert preview.institutions_rule.startswith("Institutions are looked up among those of Kosovo (XK) only")
    apply_plan(parsed, by=None)
    lead = Activity.objects.get(strategy__code="XK-WB-TEST", code="1.1.1.1").lead
    assert (lead.code, lead.country, lead.name_en) == ("MPB", "XK", "Ministry (Kosovo)")
    albanian_mpb.refresh_from_db()
    assert (albanian_mpb.name_en, albanian_mpb.history.count()) == before


def test_an_unknown_code_is_still_an_error_unless_the_institutions_sheet_lists_it(code_lists):
    parsed = read_workbook(make_workbook(set_cell(valid_sheets(), "Activities!D3", "NOWHERE")), name="plan.xlsx")
    assert parsed.errors.lines() == ['Activities!D3: responsible institution "NOWHERE" is not known']


def test_an_import_does_not_move_a_plan_to_another_country(code_lists):
    parsed = read_workbook(make_workbook(valid_sheets()), name="plan.xlsx")
    apply_plan(parsed, by=None)
    parsed = read_workbook(make_workbook(set_cell(valid_sheets(), "Strategy!B3", "XK")), name="plan.xlsx")
    assert "Strategy!B3: the country of the plan AL-WB-TEST is Albania (AL); an import does not change it" in (
        parsed.errors.lines()
    )


# --- Reports go to institutions of the strategy's country only ------------------------------------------------


def test_a_cycle_does_not_open_while_an_activity_names_another_countrys_institution(albania, kosovo_measure):
    strategy = kosovo_measure.strategy
    ActivityFactory(measure=kosovo_measure, lead=kosovo_institution("MPB"), code=f"{kosovo_measure.code}.1")
    ActivityFactory(measure=kosovo_measure, lead=albania["AKPA"], code=f"{kosovo_measure.code}.2")  # an old plan
    today = timezone.localdate()
    cycle = monitoring_services.create_cycle(
        strategy, by=None, kind="half_year", year=2024, half=2, opens_on=today, due_on=today + datetime.timedelta(1)
    )
    with pytest.raises(TransitionRefused) as refused:
        monitoring_services.open_cycle(cycle, by=None)
    assert refused.value.messages == [
        f"The cycle cannot open: {kosovo_measure.code}.2 name an institution of another country. Choose an "
        "institution of Kosovo (XK) for each of them first."
    ]
    assert not cycle.reports.exists()  # no report asked of Albania's AKPA
