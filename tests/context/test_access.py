"""Who reads and who changes the evidence base: every member of the country reads; the coordinator and the
secretariat change; readers get 404 on every write; another country's indicators answer 404; the public signs in."""

from decimal import Decimal

import pytest
from django.urls import reverse

from nsm.context.models import ContextIndicator, ContextValue

pytestmark = pytest.mark.django_db

VALUE = {"year": "2024", "value": "980.5", "unit": "", "source": "Bank of Albania", "verified": "partial"}


def _write_urls(indicator) -> list[str]:
    value = indicator.values.first()
    return [
        reverse("context:indicator-add"),
        reverse("context:indicator-edit", args=[indicator.pk]),
        reverse("context:value-add", args=[indicator.pk]),
        reverse("context:value-edit", args=[value.pk]),
        reverse("context:value-delete", args=[value.pk]),
        reverse("context:import"),
    ]


@pytest.mark.parametrize("persona", ["focal_point", "viewer", "other_focal_point"])
def test_readers_see_the_indicators_and_their_series(persona, request, client_for, remittances):
    client = client_for(request.getfixturevalue(persona))

    listing = client.get(reverse("context:list"))
    detail = client.get(reverse("context:indicator", args=[remittances.pk]))

    assert listing.status_code == detail.status_code == 200
    assert "Remittances received" in listing.content.decode()
    assert "930" in listing.content.decode()
    assert reverse("context:value-add", args=[remittances.pk]) not in detail.content.decode()


@pytest.mark.parametrize("persona", ["focal_point", "viewer"])
def test_readers_get_404_on_every_write_and_nothing_changes(persona, request, client_for, remittances):
    client = client_for(request.getfixturevalue(persona))

    for url in _write_urls(remittances):
        assert client.get(url).status_code == 404, url
        assert client.post(url, VALUE).status_code == 404, url

    assert remittances.values.count() == 3
    assert not remittances.values.filter(year=2024).exists()


@pytest.mark.parametrize("persona", ["secretariat", "coordinator"])
def test_the_secretariat_and_the_coordinator_add_edit_and_delete_values(persona, request, client_for, remittances):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    back = reverse("context:indicator", args=[remittances.pk])

    added = client.post(reverse("context:value-add", args=[remittances.pk]), VALUE)
    value = remittances.values.get(year=2024)
    edited = client.post(reverse("context:value-edit", args=[value.pk]), {**VALUE, "value": "981", "version": "1"})
    old = remittances.values.get(year=2020)
    deleted = client.post(reverse("context:value-delete", args=[old.pk]))

    assert added.url == edited.url == deleted.url == back
    value.refresh_from_db()
    assert (value.value, value.verified) == (Decimal("981"), "partial")
    assert not remittances.values.filter(year=2020).exists()
    assert ContextValue.history.filter(year=2020, history_type="-").get().history_user == user
    assert value.history.latest().history_user == user


def test_a_second_value_for_a_year_is_refused_on_the_form(client_for, secretariat, remittances):
    response = client_for(secretariat).post(
        reverse("context:value-add", args=[remittances.pk]), {**VALUE, "year": "2021"}
    )

    assert response.status_code == 200
    assert "already has a value for this year" in response.content.decode()
    assert remittances.values.get(year=2021).value == Decimal("761")


def test_the_secretariat_adds_and_edits_an_indicator(client_for, secretariat):
    client = client_for(secretariat)
    data = {
        "code": "asylum-al",
        "name_sq": "Azilkërkues",
        "name_en": "Asylum seekers",
        "topic": "asylum",
        "unit_en": "persons",
    }

    client.post(reverse("context:indicator-add"), data)
    indicator = ContextIndicator.objects.get(code="asylum-al")
    client.post(reverse("context:indicator-edit", args=[indicator.pk]), {**data, "unit_en": "applications"})

    indicator.refresh_from_db()
    assert (indicator.country, indicator.unit, indicator.topic) == ("AL", "applications", "asylum")
    assert indicator.history.latest().history_user == secretariat


def test_another_countrys_indicators_answer_404(client_for, kosovo_secretariat, remittances, kosovo_indicator):
    client = client_for(kosovo_secretariat)

    assert client.get(reverse("context:indicator", args=[remittances.pk])).status_code == 404
    assert client.post(reverse("context:value-add", args=[remittances.pk]), VALUE).status_code == 404
    listing = client.get(reverse("context:list")).content.decode()
    assert "Remittances XK" in listing
    assert "Remittances received" not in listing


def test_the_public_is_sent_to_sign_in(public, remittances):
    for url in [
        reverse("context:list"),
        reverse("context:indicator", args=[remittances.pk]),
        *_write_urls(remittances),
    ]:
        response = public.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response.url


def test_the_secretariat_imports_a_file_from_the_page(client_for, secretariat, reference_csv, write_csv):
    client = client_for(secretariat)

    with reference_csv.open("rb") as file:
        done = client.post(reverse("context:import"), {"file": file}, follow=True)
    with write_csv("Remittances received,800,EUR million,2024,,,yes,").open("rb") as file:
        refused = client.post(reverse("context:import"), {"file": file})

    assert "values: 25 created" in done.content.decode()
    assert "Row 2, column source: required" in refused.content.decode()
    assert ContextValue.objects.count() == 25
