"""A workbook with many institution kinds and names the registry does not know reads as one with few: the table of
kinds is made once a read, and the codes a new name may not hold are kept as the file adds institutions."""

from unittest import mock

import pytest

from nsm.strategy import workbook
from nsm.strategy.workbook import read_workbook
from tests.strategy.workbook_support import load_code_lists, make_workbook, valid_sheets

# A kind as written -> the kind read; ten institutions of each.
KINDS = {
    "agency": "agency",
    "Agjenci": "agency",
    "Ministry": "ministry",
    "ministria": "ministry",
    "Institucion i pavarur": "independent",
    "Independent institution": "independent",
    "civil society": "civil_society",
    "Shoqëri civile": "civil_society",
    "OJF": "civil_society",
    "Universitet": "academia",
    "Diaspora association": "diaspora",
    "tjetër": "other",
}
NEW_CODES = [f"NEW{number}" for number in range(1, 10 * len(KINDS) + 1)]


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()


def activity(code: str, lead: str, partners: str | None = None) -> list:
    return [code, f"Aktiviteti {code}", f"Activity {code}", lead, partners, "2025", "2025", 0, None, None]


def many_kinds_and_names() -> bytes:
    sheets = valid_sheets()
    writings = list(KINDS) * 10
    for code, written in zip(NEW_CODES, writings, strict=True):
        sheets["Institutions"].append([code, f"Institucioni {code}", f"Institution {code}", written])
    sheets["Activities"] += [
        activity("1.1.1.3", "State Minister for Diaspora"),
        activity("1.1.1.4", "SMD Office for Returns"),  # SMD: the code the row above has just made
        activity("1.1.1.5", "NEW7 Directorate of Migration"),  # NEW7: a code of the Institutions sheet
        activity("1.1.1.6", "Regional Directorate for Borders", "Office for Returning Emigrants; Regional Return Desk"),
        activity("1.1.1.7", "MPB", "ORE Training Centre"),  # ORE: made on the row above
    ]
    return make_workbook(sheets)


def test_many_kinds_and_unknown_names_are_read_as_a_few_would_be():
    parsed = read_workbook(many_kinds_and_names(), name="plan.xlsx")
    assert {code: parsed.institutions[code].values["kind"] for code in NEW_CODES} == dict(
        zip(NEW_CODES, [KINDS[written] for written in list(KINDS) * 10], strict=True)
    )
    assert parsed.named_institutions == [
        ("Activities!D4", "State Minister for Diaspora", "SMD"),
        ("Activities!D7", "Regional Directorate for Borders", "RDB"),
        ("Activities!E7", "Office for Returning Emigrants", "ORE"),
        ("Activities!E7", "Regional Return Desk", "RRD"),
    ]
    known = "which is known: write one institution per item, separated by ;"
    assert parsed.errors.lines() == [
        f'Activities!D5: responsible institution "SMD Office for Returns" is not known: it names SMD, {known}',
        f'Activities!D6: responsible institution "NEW7 Directorate of Migration" is not known: it names NEW7, {known}',
        f'Activities!E8: supporting institution "ORE Training Centre" is not known: it names ORE, {known}',
    ]


def test_the_table_of_kinds_and_the_list_of_known_codes_are_made_once_a_read():
    file = many_kinds_and_names()
    with (
        mock.patch.object(workbook, "_institution_kinds", wraps=workbook._institution_kinds) as kinds,
        mock.patch.object(workbook, "why_not_a_new_name", wraps=workbook.why_not_a_new_name) as checks,
    ):
        read_workbook(file, name="plan.xlsx")
        assert kinds.call_count == 1
        assert checks.call_count == 7
        assert len({id(call.args[1]) for call in checks.call_args_list}) == 1  # one list, kept up to date
        read_workbook(file, name="plan.xlsx")
    assert kinds.call_count == 2
