"""A context file reads its headers and names its indicators as every importer does: case and accents aside, and a
column named twice is an error at its cell."""

import pytest

from nsm.context.importer import ContextImportError, import_file
from nsm.context.models import ContextIndicator, ContextValue

pytestmark = pytest.mark.django_db


def test_an_indicator_is_found_by_its_albanian_name_whatever_the_accents(write_csv, secretariat):
    indicator = ContextIndicator.objects.create(
        country="AL", code="remittances", name_sq="Remitancat e marrë", name_en="Remittances", topic="remittances"
    )
    path = write_csv("REMITANCAT E MARRE,800,EUR million,2024,Bank of Albania,,yes,")
    summary = import_file(path, country="AL", by=secretariat)
    assert (summary.indicators_created, summary.created) == (0, 1)
    assert ContextValue.objects.get().indicator == indicator


def test_a_column_named_twice_is_an_error_at_its_cell(write_csv, secretariat):
    path = write_csv("Remittances,1,EUR,2020,BoA,a", header="Indicator,Value,Unit,Year,Source,Note\u0308s,notes\n")
    with pytest.raises(ContextImportError) as raised:
        import_file(path, country="AL", by=secretariat)
    assert raised.value.messages == ['Row 1, column notes: the column "notes" appears twice']
