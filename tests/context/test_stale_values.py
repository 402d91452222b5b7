"""Two people editing the same context value: the second save, made on a page rendered before the first, is
refused with who changed what, and the second person's typed values stay on the page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nsm.context import services
from nsm.core.stale import StaleVersion

pytestmark = pytest.mark.django_db

FORM = {"year": "2023", "value": "930", "unit": "", "source": "Bank of Albania", "verified": "yes"}


def test_a_value_saved_on_a_stale_page_is_refused_with_what_changed(secretariat, coordinator, client_for, remittances):
    value = remittances.values.get(year=2023)
    url = reverse("context:value-edit", args=[value.pk])
    first, second = client_for(secretariat), client_for(coordinator)
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()

    saved = first.post(url, {**FORM, "value": "935", "version": "1"})
    refused = second.post(url, {**FORM, "source": "INSTAT", "version": "1"})

    assert saved.status_code == 302
    assert refused.status_code == 200
    page = refused.content.decode()
    name = secretariat.get_full_name() or secretariat.username
    assert "since you opened it, so your change was not saved" in page
    assert name in page and "930" in page and "935" in page
    assert 'value="INSTAT"' in page  # the typed value is kept
    assert 'name="version" value="2"' in page  # saving again replaces the other change
    value.refresh_from_db()
    assert (value.value, value.source, value.version) == (Decimal("935"), "Bank of Albania", 2)

    again = second.post(url, {**FORM, "source": "INSTAT", "version": "2"})
    assert again.status_code == 302
    value.refresh_from_db()
    assert (value.value, value.source, value.version) == (Decimal("930"), "INSTAT", 3)


def test_the_service_refuses_a_stale_version_and_writes_nothing(secretariat, coordinator, remittances):
    value = remittances.values.get(year=2023)
    assert services.update_value(value, by=secretariat, version=1, value=Decimal("940"))
    with pytest.raises(StaleVersion) as error:
        services.update_value(value, by=coordinator, version=1, note="late")
    assert error.value.current_version == 2
    value.refresh_from_db()
    assert (value.note, value.version) == ("", 2)
    assert not services.update_value(value, by=coordinator, version=2, value=Decimal("940"))  # nothing changed
    assert value.history.count() == 2
