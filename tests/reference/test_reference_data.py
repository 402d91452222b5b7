"""The code lists and institutions that the data migrations load from the project's CSV files."""

from importlib import import_module

import pytest
from django.apps import apps

from nsm.accounts.models import Institution
from nsm.reference.models import (
    County,
    DisaggregationCategory,
    DisaggregationDimension,
    GcmObjective,
    GcmPrinciple,
    MgiDomain,
    Municipality,
    SdgIndicator,
    SdgTarget,
    TargetGroup,
    sdg_sort_key,
)

pytestmark = pytest.mark.django_db

INSTITUTION_CODES = {
    "MPB", "MEPJ", "MF", "MEI", "MIE", "MD", "MM", "MSHMS", "MA", "MBZHR", "MTKS", "MMJ", "MSHPV", "MSHAPA",
    "MMP", "ZKM", "DZHM", "KM", "PSH", "DKM", "AKPA", "SM", "INSTAT", "AKD", "FSHZHD", "QBD", "KSHD", "KKD",
    "BSH", "ISSH", "ADISA", "AIDA", "AKSHI", "ASPA", "DAP", "DPGJC", "AP", "ASHDMF", "SHSSH", "KTM", "GNP",
    "IPMG",
}  # fmt: skip
HISTORICAL_CODES = {"MB", "MFE", "MEKI", "MSHD", "SHKP"}
INTERNATIONAL_CODES = {"IOM", "UNHCR", "UNICEF", "ILO", "UNDP", "EUD"}
TARGET_GROUP_CODES = {
    "returnees", "emigrants", "diaspora", "foreigners", "asylum_seekers", "trafficking_victims",
    "unaccompanied_children", "women", "youth", "roma_egyptians", "persons_with_disabilities", "officials",
    "employers", "local_communities",
}  # fmt: skip
SOURCED_MODELS = [
    GcmObjective,
    GcmPrinciple,
    SdgTarget,
    SdgIndicator,
    MgiDomain,
    TargetGroup,
    County,
    Municipality,
]


def categories(dimension: str) -> list[str]:
    return list(DisaggregationCategory.objects.filter(dimension__code=dimension).values_list("code", flat=True))


def test_the_23_gcm_objectives_are_loaded_with_albanian_titles():
    objectives = GcmObjective.objects.all()
    assert [o.number for o in objectives] == list(range(1, 24))
    assert all(o.title_sq and o.title_en and o.short_label_sq and o.short_label_en for o in objectives)


def test_gcm_objective_1_reads_in_both_languages():
    objective = GcmObjective.objects.get(number=1)
    assert objective.title_en.startswith("Collect and utilize accurate and disaggregated data")
    assert objective.short_label_sq == "Të dhënat"


def test_the_10_guiding_principles_run_from_a_to_j_in_both_languages():
    principles = GcmPrinciple.objects.all()
    assert "".join(p.letter for p in principles) == "abcdefghij"
    assert all(p.title_sq and p.summary_sq and p.summary_en for p in principles)


def test_target_10_7_has_indicators_10_7_1_to_10_7_4():
    target = SdgTarget.objects.get(code="10.7")
    assert [i.code for i in target.indicators.order_by("sort_key")] == [
        "10.7.1",
        "10.7.2",
        "10.7.3",
        "10.7.4",
    ]
    assert target.title_sq


@pytest.mark.parametrize("code", ["8.8", "8.7", "16.2", "17.3", "5.2", "16.9", "10.3", "1.3", "3.c"])
def test_each_parent_target_of_an_indicator_has_its_own_row_with_the_un_text(code):
    target = SdgTarget.objects.get(code=code)
    assert target.title_en and target.title_sq
    assert "A/RES/71/313" in target.source
    assert target.indicators.exists()


def test_sdg_targets_sort_as_numbers_with_letters_after_digits():
    codes = list(SdgTarget.objects.values_list("code", flat=True))
    assert codes == ["1.3", "3.c", "5.2", "8.7", "8.8", "10.3", "10.7", "10.c", "16.2", "16.9", "17.3"]


def test_the_migration_computes_sort_keys_as_the_model_rule_does():
    for model in (SdgTarget, SdgIndicator):
        for code, key in model.objects.values_list("code", "sort_key"):
            assert key == sdg_sort_key(code)


def test_every_sdg_row_has_an_albanian_title():
    assert not SdgTarget.objects.filter(title_sq="").exists()
    assert not SdgIndicator.objects.filter(title_sq="").exists()


def test_the_six_mgi_domains_are_loaded_in_both_languages():
    domains = MgiDomain.objects.all()
    assert [d.number for d in domains] == [1, 2, 3, 4, 5, 6]
    assert all(d.name_sq and d.focus_areas_sq and d.focus_areas_en for d in domains)


def test_the_target_groups_are_the_projects_code_list():
    assert set(TargetGroup.objects.values_list("code", flat=True)) == TARGET_GROUP_CODES
    assert not TargetGroup.objects.filter(name_sq="").exists()


def test_disaggregation_dimensions_have_their_categories_in_order():
    assert set(DisaggregationDimension.objects.values_list("code", flat=True)) == {
        "sex", "age_group", "migrant_category", "disability", "county", "municipality",
    }  # fmt: skip
    assert categories("sex") == ["female", "male"]
    assert categories("age_group") == ["0_17", "18_24", "25_34", "35_64", "65_plus"]
    assert categories("disability") == ["with_disability", "without_disability"]
    assert set(categories("migrant_category")) == {
        "returnee", "emigrant", "immigrant", "asylum_seeker", "refugee", "trafficking_victim",
    }  # fmt: skip


def test_county_categories_are_the_iso_codes():
    assert categories("county") == [f"AL-{number:02d}" for number in range(1, 13)]


def test_municipality_categories_are_the_ascii_names_in_lower_case():
    codes = categories("municipality")
    assert len(codes) == 61
    assert {"tirane", "kucove", "malesi_e_madhe", "fushe-arrez"} <= set(codes)


def test_albania_has_12_counties_and_61_municipalities_each_in_a_county():
    assert County.objects.count() == 12
    assert Municipality.objects.count() == 61
    assert all(county.municipalities.exists() for county in County.objects.all())
    assert Municipality.objects.get(name_sq="Kuçovë").county.code == "AL-01"


def test_every_reference_row_names_its_source_and_whether_it_was_verified():
    for model in SOURCED_MODELS:
        assert not model.objects.filter(source="").exists(), model.__name__
        assert set(model.objects.values_list("verified", flat=True)) <= {"yes", "partial", "no"}, model.__name__


def test_the_institutions_of_the_strategy_are_loaded_by_code():
    codes = set(Institution.objects.values_list("code", flat=True))
    assert codes >= INSTITUTION_CODES | HISTORICAL_CODES | INTERNATIONAL_CODES


def test_the_ministry_of_internal_affairs_leads_as_a_ministry():
    ministry = Institution.objects.get(code="MPB")
    assert ministry.kind == Institution.Kind.MINISTRY
    assert ministry.name_sq == "Ministria e Punëve të Brendshme"
    assert ministry.is_active


def test_bodies_that_no_longer_exist_are_inactive_and_the_others_active():
    inactive = set(Institution.objects.filter(is_active=False).values_list("code", flat=True))
    assert inactive == HISTORICAL_CODES


def test_international_organisations_are_marked_unverified_general_knowledge():
    for institution in Institution.objects.filter(code__in=INTERNATIONAL_CODES):
        assert institution.kind == Institution.Kind.INTERNATIONAL
        assert (institution.source, institution.verified) == ("general knowledge", "no")


def test_aggregate_rows_and_the_register_of_foreigners_are_not_institutions():
    assert not Institution.objects.filter(code="REH").exists()
    assert not Institution.objects.filter(name_sq__contains="(61)").exists()


def test_each_municipality_is_an_institution():
    municipalities = Institution.objects.filter(kind=Institution.Kind.MUNICIPALITY)
    assert municipalities.count() == 61
    tirana = municipalities.get(code="BASHKIA-TIRANE")
    assert (tirana.name_sq, tirana.name_en) == ("Bashkia Tiranë", "Tirana Municipality")
    assert municipalities.filter(code__in=["BASHKIA-KUCOVE", "BASHKIA-MALESI-E-MADHE"]).count() == 2


def test_independent_institutions_are_the_central_bank_and_the_peoples_advocate():
    independent = set(Institution.objects.filter(kind=Institution.Kind.INDEPENDENT).values_list("code", flat=True))
    assert independent == {"BSH", "AP"}


def _migration(app: str, name: str):
    return import_module(f"nsm.{app}.migrations.{name}")


def _counts() -> list[int]:
    return [model.objects.count() for model in [*SOURCED_MODELS, DisaggregationCategory, Institution]]


def test_the_data_migrations_can_be_reversed_and_applied_again():
    """Runs the migrations' own functions: SQLite's schema editor refuses to run inside a test transaction."""
    reference = _migration("reference", "0002_load_reference_data")
    accounts = _migration("accounts", "0002_load_institutions")
    loaded = _counts()
    accounts.unload(apps, None)
    reference.unload(apps, None)
    assert _counts() == [0] * len(loaded)
    reference.load(apps, None)
    accounts.load(apps, None)
    assert _counts() == loaded


def test_loading_again_updates_rows_instead_of_adding_them():
    loaded = _counts()
    GcmObjective.objects.filter(number=1).update(title_sq="changed by hand")
    _migration("reference", "0002_load_reference_data").load(apps, None)
    _migration("accounts", "0002_load_institutions").load(apps, None)
    assert _counts() == loaded
    assert GcmObjective.objects.get(number=1).title_sq.startswith("Mbledhja")
