"""The columns' widths that Word and PDF share (nsm/reports/layout.py), and the colophon in words."""

import dataclasses
import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from nsm.reports.document import Column, Row, Table, colophon, day_in_words
from nsm.reports.layout import Frame, column_widths, header_words, minimum_widths, text_width
from tests.reports.samples import sample_document

FRAME = Frame(width=700, size=8, padding=6)


def test_widths_follow_the_weights_when_every_column_has_room():
    table = Table("", (Column("A", width=1), Column("B", width=3)), (Row(("x", "y")),))
    widths = column_widths(table, FRAME)
    assert widths.fits and widths.points == pytest.approx((175, 525))


def test_a_column_never_gets_less_than_its_longest_header_word_and_the_rest_keep_their_proportions():
    table = Table(
        "",
        (Column("Disaggregation", width=0.1), Column("Activity", width=4), Column("Kodi", width=2)),
        (Row(("", "", "")),),
    )
    widths = column_widths(table, FRAME)
    needed = (text_width("Disaggregation", 8, bold=True) + 6) * 1.02
    assert widths.points[0] == pytest.approx(needed)
    assert widths.points[1] / widths.points[2] == pytest.approx(2)
    assert sum(widths.points) == pytest.approx(700)


def test_a_figure_is_never_split_the_total_row_measured_bold():
    table = Table(
        "",
        (Column("Activity", width=10), Column("2025", "money", 0.1)),
        (Row(("a", D(1_000))), Row(("Total", D(1_807_600_000)), total=True)),
    )
    with translation.override("sq"):
        widths = column_widths(table, FRAME)
    assert widths.points[1] >= text_width("1.807.600.000", 8, bold=True) + 6


def test_a_header_wraps_at_its_spaces_only():
    assert header_words("Viti i vlerës bazë") == ["Viti", "i", "vlerës", "bazë"]
    assert header_words("Total (ALL)") == ["Total", "(ALL)"]
    assert header_words("Norma\u00a0%") == ["Norma\u00a0%"]  # a no-break space holds


def test_a_long_word_in_the_text_widens_its_column_only_while_the_page_has_room():
    word = "Gjashtëmujore"
    table = Table("", (Column("Kodi", width=6), Column("F", width=0.2)), (Row(("x", word)),))
    assert column_widths(table, FRAME).points[1] >= text_width(word, 8)
    needed, liked = minimum_widths(table, FRAME)
    assert liked[1] > needed[1]
    narrow = dataclasses.replace(FRAME, width=needed[0] + needed[1] + 1)
    squeezed = column_widths(table, narrow)
    assert squeezed.fits and squeezed.points[1] < text_width(word, 8)  # the header still fits


def test_a_phrase_held_together_by_no_break_spaces_is_needed_whole():
    sources = "Buxheti\u00a0i\u00a0shtetit, Financim\u00a0i\u00a0pambuluar"
    table = Table("", (Column("Aktiviteti", width=9), Column("Burimi", width=0.1)), (Row(("x", sources)),))
    needed, _liked = minimum_widths(table, FRAME)
    assert needed[1] >= text_width("Financim\u00a0i\u00a0pambuluar", 8)
    assert column_widths(table, FRAME).points[1] >= needed[1]


def test_a_table_whose_headers_cannot_fit_is_squeezed_and_says_so():
    table = Table("", tuple(Column(f"Disaggregation{n}") for n in range(30)), (Row(("",) * 30),))
    widths = column_widths(table, FRAME)
    assert not widths.fits and sum(widths.points) == pytest.approx(700)


def test_a_metric_factor_scales_the_measure():
    calibri = dataclasses.replace(FRAME, metrics=(1.0, 0.9))
    assert calibri.text_width("Përgjegjës", bold=True) == pytest.approx(0.9 * FRAME.text_width("Përgjegjës", bold=True))


# --- The colophon ---


def made(language, moment):
    document = dataclasses.replace(sample_document(language=language, activities=1), generated_at=moment)
    return colophon(document)


def test_the_colophon_says_in_words_when_and_from_which_data_in_the_platforms_time_zone():
    lines = made("en", datetime.datetime(2026, 12, 6, 8, 14, tzinfo=datetime.UTC))  # 09:14 in Tirana
    assert lines == (
        "Made on 6 December 2026 from the data as approved at 09:14.",
        "Data version: 12.40/3.9/120.130/600.700/200.210",
    )


def test_the_albanian_colophon_writes_the_month_in_lower_case():
    assert day_in_words(datetime.date(2026, 12, 6), "sq") == "6 dhjetor 2026"
    assert day_in_words(datetime.date(2026, 12, 6), "en") == "6 December 2026"
    (line, _version) = made("sq", datetime.datetime(2026, 12, 6, 8, 14, tzinfo=datetime.UTC))
    assert "6 dhjetor 2026" in line and "09:14" in line


def test_the_colophon_follows_the_document_not_the_active_language():
    with translation.override("en"):
        (line, _version) = made("sq", datetime.datetime(2026, 7, 1, 22, 5, tzinfo=datetime.UTC))
    assert "2 korrik 2026" in line and "00:05" in line  # summer time: UTC+2, the next day
