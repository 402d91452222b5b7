"""An activity's responsible institutions in the workbook (issue 15, item 2): an ordered list in `responsible`, one of
which `marked_lead` may mark lead, and the supporting ones in order in `supporting`. The order is kept by the import,
the export and the re-import; workbooks with the earlier headers (`lead`, `partners`) import as before."""

import io

import pytest
from openpyxl import load_workbook

from nsm.strategy.models import Activity, Strategy
from nsm.strategy.workbook import apply_plan, plan_changes, read_workbook, write_workbook
from tests.factories import InstitutionFactory
from tests.strategy.workbook_support import load_code_lists, make_workbook, row_counts, set_cell, valid_sheets

MTKS = "Ministria e Turizmit, Kulturës dhe Sportit"  # one name, with a comma in it
MEPJ_SQ, MEPJ_EN = "Ministria për Evropën dhe Punët e Jashtme", "Ministry for Europe and Foreign Affairs"


@pytest.fixture(autouse=True)
def code_lists(db):
    load_code_lists()
    InstitutionFactory(code="MEPJ", name_sq=MEPJ_SQ, name_en=MEPJ_EN)
    InstitutionFactory(code="MTKS", name_sq=MTKS, name_en="")


def new_headers(sheets=None):
    """The valid plan with the Activities headers of today: responsible, supporting, and marked_lead (column K)."""
    sheets = sheets or valid_sheets()
    set_cell(sheets, "Activities!D1", "responsible")
    set_cell(sheets, "Activities!E1", "supporting")
    return set_cell(sheets, "Activities!K1", "marked_lead")


def several_responsible():
    """Activity 1.1.1.1 with three responsible institutions named in full and by code, the second marked lead by
    its name in the other language, and two supporting institutions out of alphabetical order."""
    sheets = new_headers()
    set_cell(sheets, "Activities!D2", f"{MTKS}; {MEPJ_EN}, MPB")
    set_cell(sheets, "Activities!K2", MEPJ_SQ)
    return set_cell(sheets, "Activities!E2", "ZKM; AKPA")


def read(sheets):
    return read_workbook(make_workbook(sheets), name="plan.xlsx")


def imported(sheets):
    parsed = read(sheets)
    assert parsed.errors == []
    return apply_plan(parsed, by=None)


def activity(code: str = "1.1.1.1") -> Activity:
    return Activity.objects.select_related("lead").prefetch_related("bodies__institution").get(code=code)


def codes(institutions) -> list[str]:
    return [institution.code for institution in institutions]


def exported(language: str = "en") -> bytes:
    buffer = io.BytesIO()
    write_workbook(Strategy.objects.get(code="AL-WB-TEST"), buffer, language=language)
    return buffer.getvalue()


def activities_sheet(data: bytes) -> dict[str, dict[str, object]]:
    """The exported Activities sheet: each activity's cells by header."""
    rows = list(load_workbook(io.BytesIO(data)).worksheets[3].iter_rows(values_only=True))
    return {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}


def activities_changes(parsed):
    kind = next(kind for kind in plan_changes(parsed).kinds if kind.kind == "activities")
    return [(change.label, change.fields) for change in kind.changed]


def test_several_responsible_institutions_a_marked_lead_and_supporting_ones_are_imported_as_written():
    imported(several_responsible())
    first = activity()
    assert codes(first.responsible_bodies) == ["MTKS", "MEPJ", "MPB"]
    assert (first.lead.code, first.lead_place) == ("MEPJ", 2)
    assert codes(first.supporting_bodies) == ["ZKM", "AKPA"]
    second = activity("1.1.1.2")  # one responsible institution, none marked: it receives the line
    assert (codes(second.responsible_bodies), second.lead.code, second.lead_place) == (["AKPA"], "AKPA", None)
    assert second.supporting_bodies == []


def test_the_export_writes_the_stored_order_and_its_reimport_changes_nothing():
    imported(several_responsible())
    for language, headers in (
        ("en", ("responsible", "marked_lead", "supporting")),
        ("sq", ("institucionet_pergjegjese", "institucioni_kryesues", "institucionet_mbeshtetese")),
    ):
        data = exported(language)
        cells = activities_sheet(data)
        assert [cells["1.1.1.1"][header] for header in headers] == ["MTKS; MEPJ; MPB", "MEPJ", "ZKM; AKPA"]
        assert [cells["1.1.1.2"][header] for header in headers] == ["AKPA", None, None]
        parsed = read_workbook(data)
        assert (parsed.errors, parsed.warnings) == ([], [])
        assert plan_changes(parsed).has_changes is False
        before = row_counts()
        assert apply_plan(parsed, by=None).has_changes is False
        assert row_counts() == before


def test_the_marked_lead_in_first_place_is_kept_apart_from_none_marked():
    sheets = set_cell(several_responsible(), "Activities!K2", "MTKS")
    imported(sheets)
    assert (activity().lead.code, activity().lead_place) == ("MTKS", 1)
    assert activities_sheet(exported())["1.1.1.1"]["marked_lead"] == "MTKS"
    parsed = read(set_cell(several_responsible(), "Activities!K2", None))  # the mark taken away: a change
    assert activities_changes(parsed) == [("1.1.1.1", ("marked_lead",))]
    apply_plan(parsed, by=None)
    assert (activity().lead.code, activity().lead_place) == ("MTKS", None)
    assert codes(activity().responsible_bodies) == ["MTKS", "MEPJ", "MPB"]


def test_swapping_two_responsible_institutions_is_one_change_with_one_history_row():
    sheets = set_cell(valid_sheets(), "Activities!D2", "MPB; ZKM")
    imported(sheets)
    before = activity()
    rows, version = before.history.count(), before.version
    parsed = read(set_cell(valid_sheets(), "Activities!D2", "ZKM; MPB"))
    assert activities_changes(parsed) == [("1.1.1.1", ("responsible",))]
    apply_plan(parsed, by=None)
    after = activity()
    assert codes(after.responsible_bodies) == ["ZKM", "MPB"]
    assert (after.lead.code, after.lead_place) == ("ZKM", None)  # none marked: the first named leads
    assert (after.history.count(), after.version) == (rows + 1, version + 1)
    latest = after.history.first()
    recorded = sorted((row.position, row.institution.code, row.responsible) for row in latest.partners.all())
    assert (latest.lead.code, recorded) == ("ZKM", [(1, "MPB", True), (2, "AKPA", False), (3, "QKM", False)])
    assert activities_changes(read(set_cell(valid_sheets(), "Activities!D2", "ZKM; MPB"))) == []


def test_reordering_the_supporting_institutions_is_a_change():
    imported(valid_sheets())
    parsed = read(set_cell(valid_sheets(), "Activities!E2", "QKM; AKPA"))
    assert activities_changes(parsed) == [("1.1.1.1", ("supporting",))]
    apply_plan(parsed, by=None)
    assert codes(activity().supporting_bodies) == ["QKM", "AKPA"]


def test_a_marked_lead_that_is_not_among_the_responsible_is_refused_at_its_cell():
    before = row_counts()
    parsed = read(set_cell(several_responsible(), "Activities!K2", "ZKM"))
    assert parsed.errors.lines() == [
        "Activities!K2: the marked lead ZKM is not one of the activity's responsible institutions: name it among "
        "them too, or leave this cell empty"
    ]
    parsed = read(set_cell(several_responsible(), "Activities!K2", "State Minister for Diaspora"))
    assert parsed.errors.lines() == [
        'Activities!K2: the marked lead "State Minister for Diaspora" is not one of the activity\'s responsible '
        "institutions: name it among them too, or leave this cell empty"
    ]
    assert parsed.named_institutions == []  # not a new institution
    assert row_counts() == before


def test_an_institution_named_twice_or_as_responsible_and_supporting_is_an_error_at_its_cell():
    sheets = set_cell(several_responsible(), "Activities!D3", f"AKPA; {MTKS}; MTKS")
    set_cell(sheets, "Activities!E2", "ZKM; MPB")
    assert sorted(read(sheets).errors.lines()) == [
        "Activities!D3: MTKS is named twice: name each institution once",
        "Activities!E2: MPB is named as responsible and as supporting: name each institution once, in one column",
    ]
    sheets = set_cell(several_responsible(), "Activities!D2", f"MTKS; {MTKS}")
    assert read(sheets).errors.lines() == [
        f'Activities!D2: "{MTKS}" is MTKS, named already: name each institution once'
    ]


def test_the_responsible_column_names_one_institution_at_least():
    assert read(set_cell(new_headers(), "Activities!D2", " ; ")).errors.lines() == [
        "Activities!D2: name one institution at least"
    ]
    assert read(set_cell(new_headers(), "Activities!D2", None)).errors.lines() == [
        'Activities!D2: a value is required in the column "responsible"'
    ]


def test_the_earlier_headers_lead_and_partners_import_unchanged_in_either_language():
    imported(valid_sheets())  # headers lead, partners
    first = activity()
    assert (codes(first.responsible_bodies), first.lead_place, codes(first.supporting_bodies)) == (
        ["MPB"],
        None,
        ["AKPA", "QKM"],
    )
    albanian = set_cell(valid_sheets(), "Activities!D1", "Institucioni përgjegjës")
    set_cell(albanian, "Activities!E1", "institucionet_mbeshtetese")
    parsed = read(albanian)
    assert (parsed.errors, parsed.warnings) == ([], [])
    assert plan_changes(parsed).has_changes is False
    assert plan_changes(read(new_headers())).has_changes is False  # the same plan under today's headers


def test_a_file_naming_the_responsible_column_twice_is_refused():
    sheets = set_cell(new_headers(), "Activities!L1", "lead")
    assert read(sheets).errors.lines() == ['Activities!L1: the column "lead" appears twice']


def test_a_file_without_the_marked_lead_column_keeps_the_mark_while_the_lead_is_still_responsible():
    imported(several_responsible())
    kept = several_responsible()
    for row in kept["Activities"]:
        del row[10:]  # no marked_lead column
    set_cell(kept, "Activities!D2", f"MPB; {MEPJ_EN}; {MTKS}")
    apply_plan(read(kept), by=None)
    assert codes(activity().responsible_bodies) == ["MPB", "MEPJ", "MTKS"]
    assert (activity().lead.code, activity().lead_place) == ("MEPJ", 2)
    set_cell(kept, "Activities!D2", "MPB; MTKS")  # the marked lead no longer responsible: none is marked
    apply_plan(read(kept), by=None)
    assert (codes(activity().responsible_bodies), activity().lead.code, activity().lead_place) == (
        ["MPB", "MTKS"],
        "MPB",
        None,
    )
