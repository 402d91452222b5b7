"""Numbers in cells: numeric cells, Albanian and English digit grouping, and the ambiguity rule."""

import re
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from nsm.strategy.workbook import CellValueError, parse_number, parse_period, split_list

amounts = st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False)


def group(whole: int, separator: str) -> str:
    """1200000 -> `1<sep>200<sep>000`."""
    return f"{whole:,}".replace(",", separator)


def written(value: Decimal, thousands: str, point: str) -> str:
    whole, _, fraction = f"{value:.2f}".partition(".")
    return group(int(whole), thousands) + (point + fraction if fraction != "00" else "")


def looks_ambiguous(text: str) -> bool:
    """The documented rule: one `.` or `,` after one to three digits, followed by exactly three digits."""
    return re.fullmatch(r"[1-9]\d{0,2}[.,]\d{3}", text) is not None


@settings(max_examples=25)
@given(value=amounts, style=st.sampled_from([(" ", ","), (" ", "."), ("\u00a0", ","), (".", ","), (",", ".")]))
@example(value=Decimal("1200000"), style=(" ", ","))
@example(value=Decimal("1200.50"), style=(",", "."))
@example(value=Decimal("1200"), style=(".", ","))
def test_grouped_numbers_in_either_style_read_as_written_unless_ambiguous(value, style):
    text = written(value, *style)
    if looks_ambiguous(text):
        with pytest.raises(CellValueError, match="ambiguous"):
            parse_number(text)
    else:
        assert parse_number(text) == value


@settings(max_examples=25)
@given(
    whole=st.integers(min_value=1, max_value=999),
    thousands=st.integers(min_value=0, max_value=999),
    separator=st.sampled_from([".", ","]),
)
def test_one_separator_followed_by_three_digits_is_ambiguous(whole, thousands, separator):
    with pytest.raises(CellValueError, match="ambiguous"):
        parse_number(f"{whole}{separator}{thousands:03d}")


@settings(max_examples=25)
@given(value=st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False))
def test_numeric_cells_are_read_exactly(value):
    assert parse_number(float(value)) == Decimal(repr(float(value)))
    assert parse_number(int(value)) == int(value)


@settings(max_examples=25)
@given(text=st.text(alphabet="abcxyz%-+ /", min_size=1))
def test_text_without_digits_is_not_a_number(text):
    with pytest.raises(CellValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 200 000", "1200000"),
        ("1.200.000", "1200000"),
        ("1,200,000", "1200000"),
        ("1 200,50", "1200.50"),
        ("1.200,50", "1200.50"),
        ("1,200.50", "1200.50"),
        ("1200,5", "1200.5"),
        ("0,500", "0.5"),
        ("1234.567", "1234.567"),
        ("-12,5", "-12.5"),
        ("  42 ", "42"),
    ],
)
def test_documented_examples_read_as_documented(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["1.200", "12,500", "999.000", "1.2.3", "1,20,000", "12e3", ""])
def test_ambiguous_or_malformed_text_is_refused(text):
    with pytest.raises(CellValueError):
        parse_number(text)


@pytest.mark.parametrize(
    ("value", "period"),
    [
        ("2025-Q2", (2025, 2)),
        ("2025", (2025, None)),
        (2025, (2025, None)),
        ("2025 q4", (2025, 4)),
        ("2026-T1", (2026, 1)),
    ],
)
def test_periods_are_a_year_or_a_quarter(value, period):
    assert parse_period(value) == period


@pytest.mark.parametrize("value", ["2025-Q5", "Q2", "25-Q1", "2025-06-01"])
def test_other_periods_are_refused(value):
    with pytest.raises(CellValueError):
        parse_period(value)


def test_lists_are_separated_by_semicolons_or_commas_without_repeats():
    assert split_list(" MPB; AKPA,ZKM ;; MPB ") == ["MPB", "AKPA", "ZKM"]


@pytest.mark.parametrize("text", ["١٢٣", "٥٠", "۱۲۳", "१२३", "１２３", "1٢3", "1 ٢٠٠"])
def test_digits_other_than_0_to_9_are_not_a_number(text):
    """Python's int() and Decimal() read Arabic-Indic (and Persian, Devanagari, full-width) digits; a plan does not."""
    with pytest.raises(CellValueError, match="write it with the digits 0 to 9"):
        parse_number(text)


@pytest.mark.parametrize("text", ["٢٠٢٥", "٢٠٢٥-Q2"])
def test_a_period_in_other_digits_is_not_a_period(text):
    with pytest.raises(CellValueError):
        parse_period(text)
