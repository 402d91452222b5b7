"""Institutions named as plans name them: by code or name, either language, accents and case not mattering; a near
miss gets a suggestion; a name the registry does not know becomes a new institution of the plan's country."""

import pytest

from nsm.accounts.models import Institution
from nsm.accounts.names import InstitutionNames, code_from_name, name_language
from nsm.strategy.models import Activity
from nsm.strategy.workbook import apply_plan, plan_changes, read_workbook
from tests.factories import InstitutionFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, set_cell, valid_sheets


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()
    InstitutionFactory(
        code="MEPJ",
        name_sq="Ministria për Evropën dhe Punët e Jashtme",
        name_en="Ministry for Europe and Foreign Affairs",
    )
    InstitutionFactory(code="MTKS", name_sq="Ministria e Turizmit, Kulturës dhe Sportit", name_en="")


def read(**cells):
    sheets = valid_sheets()
    for ref, value in cells.items():
        set_cell(sheets, ref.replace("_", "!"), value)
    return read_workbook(make_workbook(sheets), name="plan.xlsx")


@pytest.mark.parametrize(
    "written",
    [
        "MEPJ",
        "mepj",
        "Ministria për Evropën dhe Punët e Jashtme",
        "ministria per evropen dhe punet e jashtme",
        "MINISTRY FOR EUROPE AND FOREIGN AFFAIRS",
        "Ministria për Evropën dhe Punët e Jashtme (MEPJ)",
    ],
)
def test_a_responsible_institution_is_found_by_code_or_by_name_in_either_language(written):
    parsed = read(Activities_D2=written)
    assert parsed.errors == []
    assert parsed.activities["1.1.1.1"].values["responsible"] == ("MEPJ",)


def test_a_name_with_commas_inside_is_one_institution_and_codes_still_split_at_commas():
    parsed = read(Activities_E2="AKPA, Ministria e Turizmit, Kulturës dhe Sportit, ZKM")
    assert parsed.errors == []
    assert parsed.activities["1.1.1.1"].values["supporting"] == ("AKPA", "MTKS", "ZKM")  # in the order written


def test_names_on_separate_lines_or_after_semicolons_are_separate_institutions():
    parsed = read(Activities_E2="Ministry for Europe and Foreign Affairs\nAKPA;  ZKM")
    assert parsed.errors == []
    assert parsed.activities["1.1.1.1"].values["supporting"] == ("MEPJ", "AKPA", "ZKM")


def test_a_near_miss_gets_a_suggestion_naming_the_institution():
    parsed = read(Activities_D2="Ministria per Evropen dhe Punet e Jashtem")
    assert parsed.errors.lines() == [
        'Activities!D2: responsible institution "Ministria per Evropen dhe Punet e Jashtem" is not known: did you mean '
        "Ministry for Europe and Foreign Affairs (MEPJ)?"
    ]


def test_every_unknown_code_of_a_cell_is_reported_at_once():
    parsed = read(Activities_E2="XYZ; AKPA; QQQ")
    assert parsed.errors.lines() == [
        'Activities!E2: supporting institution "XYZ" is not known; supporting institution "QQQ" is not known'
    ]


def test_a_name_the_registry_does_not_know_becomes_a_new_institution_listed_in_the_preview():
    parsed = read(Activities_D2="State Minister for Diaspora", Activities_E3="State Minister for Diaspora; MPB")
    assert parsed.errors == []
    assert parsed.named_institutions == [
        ("Activities!D2", "State Minister for Diaspora", "SMD"),
    ]
    assert parsed.warnings.lines() == [
        'Activities!D2: "State Minister for Diaspora" is not in the registry of Albania (AL): it is added as a new '
        "institution with the code SMD"
    ]
    preview = plan_changes(parsed)
    institutions = next(kind for kind in preview.kinds if kind.kind == "institutions")
    assert [change.label for change in institutions.created] == [
        "QKM: Qendra për Kthimin e Migrantëve",
        "SMD: State Minister for Diaspora",
    ]
    apply_plan(parsed, by=None)
    smd = Institution.objects.get(code="SMD")
    assert (smd.country, smd.name_sq, smd.name_en, smd.kind) == ("AL", "", "State Minister for Diaspora", "other")
    assert Activity.objects.get(code="1.1.1.1").lead == smd
    assert smd in Activity.objects.get(code="1.1.1.2").partners.all()


def test_a_code_made_from_a_name_never_takes_a_code_in_use():
    assert code_from_name("Ministria e Punëve të Brendshme", ["MPB"]) == "MPB-2"
    assert code_from_name("Agjencia Kombëtare për Punësimin dhe Aftësitë", []) == "AKPA"


def test_the_language_of_a_name_is_recognised():
    assert name_language("Ministria për Diasporën") == "sq"
    assert name_language("Ministry of Health") == "en"


def test_names_are_compared_without_accents_and_case():
    names = InstitutionNames.of(Institution.objects.all())
    assert names.find("ministria e turizmit, kultures dhe sportit").code == "MTKS"
    assert names.find("Ministria e Turizmit") is None
    assert names.near("MEPJJ").code == "MEPJ"


@pytest.mark.parametrize(
    ("written", "kind"),
    [("agjenci", "agency"), ("Institucion i pavarur", "independent"), ("Independent institution", "independent"),
     ("civil society", "civil_society"), ("Shoqëri civile", "civil_society"), ("ministry", "ministry")],
)  # fmt: skip
def test_kinds_are_read_in_either_language(written, kind):
    parsed = read(Institutions_D2=written)
    assert parsed.errors == []
    assert parsed.institutions["QKM"].values["kind"] == kind


def test_a_new_institution_named_in_english_only_is_accepted():
    parsed = read(Institutions_B2=None)
    assert parsed.errors == []
    apply_plan(parsed, by=None)
    assert Institution.objects.get(code="QKM").name_en == "Centre for Returning Migrants"


def test_an_institution_code_may_have_spaces():
    parsed = read(Institutions_A2="QK M", Activities_E2="AKPA; QK M")
    assert parsed.errors == []
    assert parsed.activities["1.1.1.1"].values["supporting"] == ("AKPA", "QK M")


@pytest.mark.parametrize(
    ("cell", "written", "why"),
    [
        ("Activities_D2", "MPB (lead)", "it names MPB, which is known"),
        ("Activities_E2", "Ministry of X / Ministry of Y", "it seems to join several institutions"),
        ("Activities_E2", "Police and Customs", "it seems to join several institutions"),
        ("Activities_E2", "AKPA; akpa", "AKPA is named twice: name each institution once"),
        ("Activities_E2", "QKM; MPB", "MPB is named as responsible and as supporting"),
        ("Activities_E2", "Ministry " + "x" * 200, "a name has at most 200 characters"),
    ],
)
def test_careless_cells_are_errors_not_new_institutions(cell, written, why):
    parsed = read(**{cell: written})
    assert len(parsed.errors) == 1 and why in parsed.errors[0]
    assert parsed.named_institutions == []


def test_several_responsible_institutions_are_read_in_order_and_a_name_in_full_may_hold_a_comma():
    parsed = read(Activities_D2="MPB, Ministria e Turizmit, Kulturës dhe Sportit\nAgency for Youth, Sport and Leisure")
    assert parsed.errors == []
    assert parsed.activities["1.1.1.1"].values["responsible"] == ("MPB", "MTKS", "AYSL")
    assert [name for _cell, name, _code in parsed.named_institutions] == ["Agency for Youth, Sport and Leisure"]


def test_two_unknown_names_after_a_comma_are_two_new_institutions():
    parsed = read(Activities_E2="State Minister for Diaspora, National Diaspora Agency")
    assert parsed.errors == []
    assert [name for _cell, name, _code in parsed.named_institutions] == [
        "State Minister for Diaspora",
        "National Diaspora Agency",
    ]
