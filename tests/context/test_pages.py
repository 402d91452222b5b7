"""The list of context indicators: grouped by topic, with the latest value, year and source, in a constant number
of queries; the strategy page links to it."""

import pytest
from django.urls import reverse

from nsm.context.importer import import_file
from nsm.context.models import ContextIndicator, ContextValue

pytestmark = pytest.mark.django_db


def test_the_list_groups_by_topic_and_shows_the_latest_value(client_for, viewer, remittances):
    page = client_for(viewer).get(reverse("context:list")).content.decode()

    assert '<h2 class="h5" id="topic-remittances">Remittances</h2>' in page
    row = page[page.index("Remittances received") :]
    assert row.index("930") < row.index("2023") < row.index("Bank of Albania")


def test_the_list_runs_in_a_constant_number_of_queries(
    client_for, viewer, reference_csv, django_assert_max_num_queries
):
    client = client_for(viewer)
    import_file(reference_csv, country="AL", by=None)
    assert ContextIndicator.objects.count() > 15

    with django_assert_max_num_queries(6):
        response = client.get(reverse("context:list"))

    assert response.status_code == 200
    assert response.content.decode().count("context/indicators/") >= ContextIndicator.objects.count()


def test_the_list_shows_a_qualitative_value_in_words(client_for, viewer, reference_csv):
    import_file(reference_csv, country="AL", by=None)

    page = client_for(viewer).get(reverse("context:list")).content.decode()

    assert '<span class="fst-italic">one third</span>' in page
    assert ContextValue.objects.filter(value_text="one third").count() == 1


def test_the_strategy_page_links_to_the_context_indicators(client_for, viewer, strategy):
    page = client_for(viewer).get(reverse("strategy:detail", args=[strategy.code])).content.decode()

    assert f'href="{reverse("context:list")}"' in page
