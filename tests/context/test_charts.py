"""The chart of a series: a Vega-Lite spec documents can reuse, rendered to an inline SVG with a title and a
description that carry the numbers, and the same numbers in the table below it."""

import dataclasses

import pytest
from django.urls import reverse

from nsm.context.charts import render_svg, series_chart
from nsm.context.selectors import context_series

pytestmark = pytest.mark.django_db


def test_the_spec_is_a_vega_lite_line_of_the_numeric_values(remittances):
    (series,) = context_series("AL")

    spec = series_chart(series)

    assert spec["$schema"].endswith("vega-lite/v5.json")
    assert spec["mark"]["type"] == "line"
    assert spec["data"]["values"] == [
        {"year": 2020, "label": "2020", "value": 673.0},
        {"year": 2021, "label": "2021", "value": 761.0},
        {"year": 2023, "label": "2023", "value": 930.0},
    ]
    assert spec["encoding"]["y"]["title"] == "EUR million"


def test_the_svg_has_a_title_and_a_description_with_the_values(remittances):
    (series,) = context_series("AL")

    svg = render_svg(series_chart(series))

    assert svg.startswith(
        '<svg role="img" aria-labelledby="chart-remittances-received-title chart-remittances-received-desc"'
    )
    assert '<title id="chart-remittances-received-title">Remittances received</title>' in svg
    assert "2020: 673 EUR million; 2021: 761 EUR million; 2023: 930 EUR million" in svg
    assert ">2022<" in svg  # an axis label drawn by vega
    assert "http" not in svg.replace("http://www.w3.org", "")  # nothing to fetch


def test_text_in_the_svg_is_escaped(remittances):
    remittances.name_en = "<script>alert(1)</script>"
    remittances.save()
    (series,) = context_series("AL")

    svg = render_svg(series_chart(series))

    assert "<script>" not in svg


def test_the_indicator_page_shows_the_chart_and_the_same_numbers_in_a_table(client_for, viewer, remittances):
    page = client_for(viewer).get(reverse("context:indicator", args=[remittances.pk])).content.decode()

    assert page.count('<svg role="img"') == 1
    table = page[page.index('id="series-heading"') :]
    for number in ("673", "761", "930"):
        assert f'<td class="nsm-num">{number}' in table


def test_series_are_frozen_dataclasses_filtered_by_topic(remittances, kosovo_indicator, django_assert_num_queries):
    with django_assert_num_queries(2):
        series = context_series("AL", topics=["remittances"])

    assert [s.code for s in series] == ["remittances"]
    assert series[0].latest.value == 930
    assert context_series("AL", topics=["asylum"]) == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        series[0].name = "changed"  # type: ignore[misc]
