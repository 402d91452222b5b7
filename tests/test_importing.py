"""The rules every importer shares (nsm/core/importing.py): headers by any of their names, every error at once and
capped, each naming its cell, and the all-or-nothing write."""

import pytest

from nsm.accounts.models import Institution
from nsm.accounts.names import InstitutionNames
from nsm.core.importing import Headers, Problems, Row, RowError, all_or_nothing, problems_of
from nsm.core.spreadsheet import WorkbookError
from tests.factories import InstitutionFactory

HEADERS = Headers({"institution": ("Institucioni përgjegjës", "lead"), "name": ("Emri",)})


def test_a_header_names_its_column_in_either_language_whatever_the_case_accents_and_punctuation():
    for text in (
        "institution",
        "Institucioni përgjegjës",
        "INSTITUCIONI_PERGJEGJES",
        "institucioni  pergjegjes",
        "Lead",
    ):
        assert HEADERS.key(text) == "institution"
    assert HEADERS.key("emër") is None
    assert HEADERS.key("") is None


def test_a_header_row_tells_the_columns_the_unknown_headers_the_repeated_ones_and_the_missing_ones():
    header = HEADERS.read([(1, "Lead"), (2, "Notes"), (3, None), (4, "institution")])
    assert header.columns == {"institution": 1}
    assert header.written == {"institution": "Lead"}
    assert header.unknown == [(2, "Notes")]
    assert header.repeated == [(4, "institution")]
    assert header.missing(["name", "institution"]) == ["name"]


def test_problems_name_their_cell_and_keep_a_readable_number(settings):
    settings.IMPORT_MAX_ERRORS = 2
    problems = Problems()
    for row in range(2, 6):
        problems.at(f"Participants!B{row}", "wrong")
    assert list(problems) == ["Participants!B2: wrong", "Participants!B3: wrong"]
    assert problems.total == 4
    merged = problems_of(["Matrix!C4: first"])
    merged.extend(problems)  # the ones only counted are counted here too
    assert merged.total == 1 + 4
    with pytest.raises(WorkbookError) as refused:
        merged.refuse()
    assert refused.value.total == 5
    assert refused.value.messages[-1] == "and 3 more errors."


def test_no_problem_refuses_nothing():
    Problems().refuse()


def test_a_rows_message_names_the_cell_of_its_column_else_of_its_code_else_the_row():
    row = Row("Budget", 7, refs={"activity": "Budget!A7", "year": "Budget!B7"})
    assert row.cell("year") == "Budget!B7"
    assert row.cell("donor") == "Budget!A7"
    assert Row("Activities", 5).cell("code") == "Activities!A5"
    assert str(RowError(3, "sex", "The sex is female, male or other.")) == "Row 3: The sex is female, male or other."
    assert str(RowError(3, "sex", "wrong", cell="D3")) == "D3: wrong"


@pytest.mark.django_db
def test_all_or_nothing_writes_nothing_when_there_is_an_error_and_undoes_a_write_that_fails():
    with pytest.raises(WorkbookError), all_or_nothing(["Participants!B2: wrong"]):
        Institution.objects.create(code="NEW", name_en="New", country="AL")
    with pytest.raises(WorkbookError), all_or_nothing():
        Institution.objects.create(code="NEW", name_en="New", country="AL")
        raise WorkbookError("Activities!C3: refused while writing")
    assert not Institution.objects.filter(code="NEW").exists()
    with all_or_nothing([]):
        Institution.objects.create(code="NEW", name_en="New", country="AL")
    assert Institution.objects.filter(code="NEW").exists()


@pytest.mark.django_db
def test_the_institutions_of_a_country_are_found_by_code_or_name_and_the_others_kept_by_code():
    interior = InstitutionFactory(code="MB", name_sq="Ministria e Brendshme", name_en="Ministry of Interior")
    kosovo = InstitutionFactory(code="KPK", country="XK")
    names = InstitutionNames.of_country("AL")
    for text in ("mb", "Ministria e Brendshme", "ministria e brendshme", "MINISTRY OF INTERIOR", "Ministry (MB)"):
        assert names.find(text) == interior
    assert names.find("KPK") is None
    assert names.elsewhere["kpk"] == [kosovo]
    assert names.near("Ministria e Brendshmee") == interior
