"""Units and data sources take both languages (issue 17 item 8, issue 18 item 6): the page shows the one of its
language, else the other marked with `lang`; the workbook and the API carry both; the plan's editor writes both."""

import pytest
from django.test import Client
from django.urls import reverse

from nsm.accounts import services
from tests.factories import IndicatorFactory, MeasureFactory


def page(client, strategy, indicator, language):
    client.cookies["django_language"] = language
    return client.get(reverse("strategy:indicator", args=[strategy.code, indicator.pk])).content.decode()


@pytest.fixture
def measure(strategy):
    return MeasureFactory(parent__parent__strategy=strategy, code="1.1.1")


def test_each_page_shows_the_unit_and_data_source_of_its_language(client_for, viewer, strategy, measure):
    indicator = IndicatorFactory(
        result=measure, code="I.1", unit_sq="persona", unit_en="persons",
        data_source_sq="Regjistri i AKPA", data_source_en="AKPA register",
    )  # fmt: skip
    client = client_for(viewer)
    albanian, english = page(client, strategy, indicator, "sq"), page(client, strategy, indicator, "en")
    assert "persona" in albanian and "Regjistri i AKPA" in albanian and "AKPA register" not in albanian
    assert "persons" in english and "AKPA register" in english and "Regjistri i AKPA" not in english


def test_a_unit_given_in_one_language_is_shown_on_the_other_languages_page_marked_as_such(
    client_for, viewer, strategy, measure
):
    indicator = IndicatorFactory(result=measure, code="I.2", unit_sq="", unit_en="returnees", data_source_en="INSTAT")
    albanian = page(client_for(viewer), strategy, indicator, "sq")
    assert '<span lang="en">returnees</span>' in albanian
    assert '<span lang="en">INSTAT</span>' in albanian


def test_the_api_gives_both_languages_and_the_requests_one(viewer, strategy, measure):
    IndicatorFactory(
        result=measure, code="I.3", unit_sq="persona", unit_en="persons", data_source_sq="INSTAT", data_source_en=""
    )
    client = Client(headers={"authorization": f"Bearer {services.create_api_token(viewer, name='units')[1]}"})
    [item] = client.get(f"/api/v1/strategies/{strategy.code}/indicators", HTTP_ACCEPT_LANGUAGE="en").json()["items"]
    assert (item["unit"], item["unit_sq"], item["unit_en"]) == ("persons", "persona", "persons")
    assert (item["data_source"], item["data_source_sq"], item["data_source_en"]) == ("INSTAT", "INSTAT", "")
