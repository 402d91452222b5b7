"""Fixtures for the demo tests: its reference data, and the demo loaded once per test module.

Reference rows: `get_or_create` by code, so that the fixture works whether or not the reference data
migrations have loaded the real rows (when they have, it creates nothing).
"""

from collections.abc import Iterator

import pytest
from django.db import transaction
from django.test import override_settings

from nsm.accounts.models import Institution
from nsm.demo import content
from nsm.demo.loader import LoadSummary, load_demo
from nsm.reference.models import DisaggregationDimension, GcmObjective, SdgTarget, TargetGroup, sdg_sort_key


def ensure_reference_data() -> None:
    """Create the reference rows the demo plan uses, where they are missing."""
    wanted = content.flatten().references()
    for code in wanted["institutions"]:
        Institution.objects.get_or_create(code=code, defaults={"name_sq": code, "name_en": code})
    for number in range(1, 24):
        GcmObjective.objects.get_or_create(number=number, defaults={"title_en": f"GCM objective {number}"})
    for code in wanted["sdg_targets"]:
        SdgTarget.objects.get_or_create(code=code, defaults={"title_en": code, "sort_key": sdg_sort_key(code)})
    for code in wanted["target_groups"]:
        TargetGroup.objects.get_or_create(code=code, defaults={"name_en": code})
    for code in wanted["disaggregation"]:
        DisaggregationDimension.objects.get_or_create(code=code, defaults={"name_en": code})


@pytest.fixture
def reference_data(db) -> None:
    ensure_reference_data()


@pytest.fixture(scope="module")
def loaded_once(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[LoadSummary]:
    """The demo loaded once for the module, inside a transaction rolled back at the module's end.

    Loading takes seconds; each test still runs in its own savepoint inside this transaction (pytest-django's
    `db`), so what a test changes is undone before the next one. A module that uses it sees the demo in every
    test that runs after the first one that asks for it: tests that need an empty plan live in another module.
    The demo's evidence files go to a temporary media folder, kept for the module.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        ensure_reference_data()
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded_once: LoadSummary, db) -> LoadSummary:
    """The summary of the first load of the demo, with the demo in the database."""
    return loaded_once
