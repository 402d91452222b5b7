"""Numbers as people read them, in the active language: one rule for pages, forms, charts, documents and messages."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat
from django.utils.formats import get_format


def format_decimal(value: Decimal | int | float) -> str:
    """A number in the active locale, digits grouped by three: 1.200.000 (Albanian), 1,200,000.5 (English).

    Django's Albanian formats name a thousand separator but no grouping, so grouping by three is applied here.
    """
    value = Decimal(value)
    if value == value.to_integral_value():
        value, places = value.quantize(Decimal(1)), 0
    else:
        places = len(format(value.normalize(), "f").partition(".")[2])
    return numberformat.format(
        value,
        get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=get_format("NUMBER_GROUPING") or 3,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def format_percent(value: Decimal | int | float | None) -> str:
    """The one percent format of pages, charts' texts, documents and messages: one decimal at most (half up), the
    locale's separators and a no-break space before the sign ("45,5 %" in Albanian, "45.5 %" in English, "100 %");
    "—" when there is no value (a rate of nothing)."""
    if value is None or value == "":
        return "—"
    shown = Decimal(str(value)).quantize(Decimal("0.1"), ROUND_HALF_UP).normalize()
    return f"{format_decimal(shown)}\u00a0%"
