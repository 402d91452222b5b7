"""The demo loads Albania's context statistics from the copied reference file, every row, idempotently."""

import csv
import filecmp
from pathlib import Path

import pytest

from nsm.accounts.models import User
from nsm.context.models import ContextValue
from nsm.demo.context import CONTEXT_FILE, load_context
from nsm.demo.loader import LoadSummary, load_demo
from tests.demo.conftest import ensure_reference_data

pytestmark = pytest.mark.django_db
SHARED = Path("/work/shared/reference/albania_context_stats.csv")


def _rows() -> list[dict[str, str]]:
    with CONTEXT_FILE.open(encoding="utf-8") as file:
        return list(csv.DictReader(file))


@pytest.mark.skipif(not SHARED.exists(), reason="the shared reference folder is not mounted")
def test_the_copied_file_is_the_shared_reference_file():
    assert filecmp.cmp(CONTEXT_FILE, SHARED, shallow=False)


def test_the_demo_loads_every_row_of_the_csv_with_its_source(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ensure_reference_data()

    first = load_demo()
    admin = User.objects.get(username="admin")
    second = load_context(admin=admin, summary=LoadSummary())

    rows = _rows()
    assert first.created["context value"] == len(rows) == ContextValue.objects.filter(indicator__country="AL").count()
    stored = {
        (v.indicator.name_en, v.period or str(v.year), v.source)
        for v in ContextValue.objects.select_related("indicator")
    }
    expected = {(r["indicator"], r["year"], r["source"]) for r in rows}
    assert stored == expected
    assert (second.created, second.updated, second.unchanged) == (0, 0, len(rows))
    assert ContextValue.objects.first().history.latest().history_user == admin


def test_loading_the_context_twice_writes_no_history(db):
    load_context(admin=None, summary=LoadSummary())
    history = ContextValue.history.count()

    again = load_context(admin=None, summary=LoadSummary())

    assert not again.changed
    assert ContextValue.history.count() == history
