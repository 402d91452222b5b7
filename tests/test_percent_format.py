"""One percent format everywhere (issue 17, item 8): pages, documents and messages print a rate the same way."""

from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template
from django.utils import translation

from nsm.core.numbers import format_percent
from nsm.reports.document import format_value


def test_a_rate_has_one_decimal_at_most_the_locales_separator_and_a_no_break_space():
    with translation.override("sq"):
        assert format_percent(Decimal("45.55")) == "45,6\u00a0%"
        assert format_percent(100) == "100\u00a0%"
        assert format_percent(Decimal("0.04")) == "0\u00a0%"
        assert format_percent(None) == "—"
    with translation.override("en"):
        assert format_percent(Decimal("1234.5")) == "1,234.5\u00a0%"
        assert format_percent(Decimal("25.0")) == "25\u00a0%"
        assert format_percent(66.66) == "66.7\u00a0%"


def test_a_reported_percent_value_keeps_its_decimals_only_rates_are_rounded():
    indicator = SimpleNamespace(value_type="percent", stages=())
    page = Template("{% load plan %}{{ value|indicator_value:indicator }}")
    with translation.override("en"):
        assert page.render(Context({"value": Decimal("45.25"), "indicator": indicator})) == "45.25\u00a0%"


def test_pages_and_documents_print_the_same_text():
    page = Template("{% load plan %}{{ rate|percent }}")
    for language in ("sq", "en"):
        with translation.override(language):
            for rate in (Decimal("12.35"), Decimal("50"), None):
                assert page.render(Context({"rate": rate})) == format_value(rate, "percent")
