"""Import rules: the whole file is checked first, every error names its place, nothing is written on error,
and importing the same file again changes nothing."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from nsm.context.importer import ContextImportError, import_file, read_table
from nsm.context.models import ContextIndicator, ContextValue

pytestmark = pytest.mark.django_db


def _history_rows() -> int:
    return ContextIndicator.history.count() + ContextValue.history.count()


def test_the_reference_file_loads_every_row_with_its_source(reference_csv, secretariat):
    with reference_csv.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))

    summary = import_file(reference_csv, country="AL", by=secretariat)

    assert summary.created == len(rows) == ContextValue.objects.count()
    census = ContextValue.objects.get(indicator__name_en="Resident population (Census 2023)")
    assert census.value == Decimal("2402113")
    assert census.source.startswith("INSTAT, Population and Housing Census 2023")
    assert census.verified == "yes"
    assert census.indicator.topic == "population"
    assert ContextIndicator.objects.get(name_en="Remittances received (Bank of Albania)").topic == "remittances"
    assert ContextIndicator.objects.get(name_en__startswith="Asylum seekers in Albania").topic == "asylum"
    assert ContextIndicator.objects.get(
        name_en="Albanian citizens living abroad (new diaspora, indirect estimate)"
    ).topic == ("diaspora")


def test_a_period_is_filed_under_its_last_year_and_words_are_kept_as_a_qualitative_value(reference_csv, secretariat):
    import_file(reference_csv, country="AL", by=secretariat)

    returned = ContextValue.objects.get(indicator__name_en="Returned migrants (aged 18+) 2009-2013")
    assert (returned.year, returned.period) == (2013, "2009-2013")
    third = ContextValue.objects.get(indicator__name_en="Albanian population living abroad (IOM framing)")
    assert (third.year, third.period, third.value, third.value_text) == (2022, "c. 2022", None, "one third")


def test_the_unit_most_rows_give_is_the_indicators_and_the_others_are_kept_on_their_values(reference_csv, secretariat):
    import_file(reference_csv, country="AL", by=secretariat)

    indicator = ContextIndicator.objects.get(name_en="Remittances received (Bank of Albania)")
    assert indicator.unit == "EUR million"
    assert indicator.values.get(year=2023).unit == "EUR million (approx.)"
    assert indicator.values.get(year=2021).unit == ""


def test_importing_the_same_file_again_changes_nothing(reference_csv, secretariat):
    import_file(reference_csv, country="AL", by=secretariat)
    history = _history_rows()

    summary = import_file(reference_csv, country="AL", by=secretariat)

    assert not summary.changed
    assert summary.unchanged == ContextValue.objects.count()
    assert _history_rows() == history


def test_every_error_names_row_and_column_and_nothing_is_written(write_csv, remittances, secretariat):
    path = write_csv(
        "Remittances received,800,EUR million,2024,Bank of Albania,,yes,",  # valid on its own
        "Remittances received,12,500,EUR million,2019,Bank of Albania,,yes,",  # 12,500 unquoted: shifts columns
        "Remittances received,,EUR million,2018,Bank of Albania,,yes,",
        "New indicator,5,persons,twenty,INSTAT,,maybe,",
        "Another,7,persons,2020,,not a link,no,",
    )
    history = _history_rows()

    with pytest.raises(ContextImportError) as raised:
        import_file(path, country="AL", by=secretariat)

    messages = raised.value.messages
    assert "Row 3, column year: expected a year such as 2023, a period such as 2009-2013, or c. 2022" in messages
    assert "Row 4, column value: required" in messages
    assert "Row 5, column year: expected a year such as 2023, a period such as 2009-2013, or c. 2022" in messages
    assert "Row 5, column verified: expected yes, partial or no" in messages
    assert "Row 6, column source: required" in messages
    assert any(m.startswith("Row 6, column source_url: ") for m in messages)
    assert not remittances.values.filter(year=2024).exists()
    assert not ContextIndicator.objects.filter(name_en__in=["New indicator", "Another"]).exists()
    assert _history_rows() == history


def test_an_ambiguous_number_is_refused_rather_than_guessed(write_csv, secretariat):
    path = write_csv('Remittances received,"12,500",EUR million,2024,Bank of Albania,,yes,')

    with pytest.raises(ContextImportError) as raised:
        import_file(path, country="AL", by=secretariat)

    assert raised.value.messages[0].startswith('Row 2, column value: "12,500" is ambiguous')
    assert not ContextValue.objects.exists()


def test_a_missing_or_unknown_column_is_named(write_csv, secretariat):
    path = write_csv("Remittances,1,EUR,2020,BoA", header="indicator,value,unit,year,sauce\n")

    with pytest.raises(ContextImportError) as raised:
        import_file(path, country="AL", by=secretariat)

    assert any("unknown column “sauce”" in m for m in raised.value.messages)
    assert any("missing: source" in m for m in raised.value.messages)


def test_two_rows_for_the_same_indicator_and_year_are_refused(write_csv, secretariat):
    path = write_csv(
        "Remittances received,800,EUR million,2024,Bank of Albania,,yes,",
        "remittances received,810,EUR million,2024,World Bank,,yes,",
    )

    with pytest.raises(ContextImportError) as raised:
        import_file(path, country="AL", by=secretariat)

    assert raised.value.messages == [
        "Row 3, column year: a second value for this indicator and year (the first is on row 2)."
    ]
    assert not ContextValue.objects.exists()


def test_a_newer_source_for_a_year_replaces_the_value_and_history_keeps_the_old_one(
    write_csv, remittances, secretariat
):
    path = write_csv("remittances,765.5,EUR million,2021,Bank of Albania (revised),https://www.bankofalbania.org,yes,")

    summary = import_file(path, country="AL", by=secretariat)

    assert (summary.indicators_created, summary.created, summary.updated) == (0, 0, 1)
    value = remittances.values.get(year=2021)
    assert (value.value, value.source) == (Decimal("765.5"), "Bank of Albania (revised)")
    old = value.history.order_by("history_date").first()
    assert (old.value, old.source) == (Decimal("761"), "Bank of Albania")
    assert value.history.latest().history_user == secretariat


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    sheet.append(["indicator", "value", "unit", "year", "source", "source_url", "verified", "notes"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_table_imports_like_a_csv(secretariat):
    data = _xlsx([["Asylum seekers in Albania", 261, "persons", 2023, "INSTAT", None, "partial", "2022: 125"]])

    summary = import_file(data, country="AL", by=secretariat, name="stats.xlsx")

    assert summary.created == 1
    value = ContextValue.objects.get()
    assert (value.year, value.value, value.verified, value.note) == (2023, Decimal("261"), "partial", "2022: 125")


def test_xlsx_errors_name_the_cell(secretariat):
    data = _xlsx([["Asylum seekers", "many more", "persons", 2023, "INSTAT"], ["Asylum", 5, "persons", 1850, None]])

    parsed = read_table(data, name="stats.xlsx")

    assert parsed.errors == [
        "Data!D3: expected years between 1900 and 2100, the first not after the last",
        "Data!E3: required",
    ]


def test_the_command_imports_and_reports_errors_with_nothing_written(reference_csv, write_csv, capsys, db):
    call_command("import-context", str(reference_csv), "--country", "AL")
    assert "values: 25 created" in capsys.readouterr().out
    bad = write_csv("Remittances received,800,EUR million,2024,,,yes,")

    with pytest.raises(CommandError):
        call_command("import-context", str(bad))

    assert "Row 2, column source: required" in capsys.readouterr().err
    assert ContextValue.objects.count() == 25
