"""Timeframes as plans write them: "2025", "2024-2026", "Q3 2025", "Second half of 2021", "Annual", "Continuous",
"By end of 2025", "First half of 2021 (periodic until 2025)", in English or Albanian.

The text as written is kept on the activity and shown; the span it means, normalised to quarters, decides when a
progress line is due (docs/workbook.md, "Timeframes"). A quarter of None means the whole year's edge: a start of
(2025, None) is the start of 2025, an end of (2025, None) its end, so that "2025" and "2025-Q1 to 2025-Q4" are the
same span and an exported plan imports unchanged.
"""

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nsm.core.text import fold

Point = tuple[int, int | None]  # (year, quarter or None for the year's edge)


class Recurrence(models.TextChoices):
    ONCE = "", _("once")
    ANNUAL = "annual", _("every year")
    HALF_YEARLY = "half_yearly", _("every half-year")
    QUARTERLY = "quarterly", _("every quarter")
    PERIODIC = "periodic", _("periodically")
    CONTINUOUS = "continuous", _("continuous")


class TimeframeError(ValueError):
    """The text is not a timeframe; the message says what is."""


@dataclass(frozen=True)
class Timeframe:
    start: Point
    end: Point
    recurrence: str = Recurrence.ONCE


_YEAR = r"((?:19|20|21)[0-9]{2})"
_ORDINALS = {
    "1": 1, "i": 1, "first": 1, "1st": 1, "pare": 1, "i pare": 1, "e pare": 1,
    "2": 2, "ii": 2, "second": 2, "2nd": 2, "dyte": 2, "i dyte": 2, "e dyte": 2,
    "3": 3, "iii": 3, "third": 3, "3rd": 3, "trete": 3, "i trete": 3, "e trete": 3,
    "4": 4, "iv": 4, "fourth": 4, "4th": 4, "katert": 4, "i katert": 4, "e katert": 4,
}  # fmt: skip
_ORDINAL = (
    r"(1st|2nd|3rd|4th|first|second|third|fourth|[ie] pare|[ie] dyte|[ie] trete|[ie] katert|pare|dyte|trete|"
    r"katert|iv|iii|ii|i|[1-4])"
)
_OF = r"(?:\s+(?:of|e|i|te)(?:\s+vitit)?)?\s+"
_QUARTER_WORD = r"(?:quarter|qtr|tremujori|tremujorin|tremujor|3-mujori|3 mujori)"
_HALF_WORD = r"(?:half|half-year|semester|gjysma|gjysmen|gjashtemujori|gjashtemujorin|6-mujori|6 mujori|semestri)"
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan", "janar"), ("february", "feb", "shkurt"), ("march", "mar", "mars"),
            ("april", "apr", "prill"), ("may", "maj"), ("june", "jun", "qershor"), ("july", "jul", "korrik"),
            ("august", "aug", "gusht"), ("september", "sep", "sept", "shtator"), ("october", "oct", "tetor"),
            ("november", "nov", "nentor"), ("december", "dec", "dhjetor"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"

# A period of the calendar, a year, a half-year or a quarter, each as (pattern, function of the match's groups ->
# (year, first quarter, last quarter)).
_PERIODS: list[tuple[re.Pattern[str], object]] = [
    (re.compile(_YEAR), lambda y: (int(y), 1, 4)),
    (re.compile(rf"{_YEAR}\s*[-/ ]?\s*(?:q|t|tm)\s*([1-4])"), lambda y, q: (int(y), int(q), int(q))),
    (re.compile(rf"(?:q|t|tm)\s*([1-4])\s*[-/ ]?\s*{_YEAR}"), lambda q, y: (int(y), int(q), int(q))),
    (re.compile(rf"{_YEAR}\s*[-/ ]?\s*(?:h|s|gj)\s*([12])"), lambda y, h: (int(y), 2 * int(h) - 1, 2 * int(h))),
    (re.compile(rf"(?:h|s|gj)\s*([12])\s*[-/ ]?\s*{_YEAR}"), lambda h, y: (int(y), 2 * int(h) - 1, 2 * int(h))),
    (
        re.compile(rf"(?:the\s+)?{_ORDINAL}\s+{_QUARTER_WORD}{_OF}{_YEAR}"),
        lambda o, y: (int(y), _ORDINALS[o], _ORDINALS[o]),
    ),
    (
        re.compile(rf"{_QUARTER_WORD}\s+{_ORDINAL}{_OF}{_YEAR}"),
        lambda o, y: (int(y), _ORDINALS[o], _ORDINALS[o]),
    ),
    (
        re.compile(rf"(?:the\s+)?{_ORDINAL}\s+{_HALF_WORD}{_OF}{_YEAR}"),
        lambda o, y: _half(o, y),
    ),
    (re.compile(rf"{_HALF_WORD}\s+{_ORDINAL}{_OF}{_YEAR}"), lambda o, y: _half(o, y)),
    (re.compile(rf"(?:q|t|tm)\s*(iv|iii|ii|i)\s*[-/ ]?\s*{_YEAR}"), lambda o, y: (int(y), _ORDINALS[o], _ORDINALS[o])),
]
# One point in time: a period, or the end of a year, "during 2025", a month or a date.
_POINTS: list[tuple[re.Pattern[str], object]] = [
    *_PERIODS,
    (
        re.compile(rf"(?:the\s+)?(?:end|fund|fundi)(?:\s+(?:of|te|e|i))?(?:\s+vitit)?\s+{_YEAR}"),
        lambda y: (int(y), 4, 4),
    ),
    (
        re.compile(rf"(?:viti|vitin|vitit|gjate|gjate vitit|brenda|brenda vitit|during|within|in)\s+{_YEAR}"),
        lambda y: (int(y), 1, 4),
    ),
    (re.compile(rf"{_MONTH}{_OF}{_YEAR}"), lambda m, y: _month(_MONTHS[m], y)),
    (re.compile(rf"(?:[0-3]?[0-9])[./](0?[1-9]|1[0-2])[./]{_YEAR}"), lambda m, y: _month(int(m), y)),
    (re.compile(rf"{_YEAR}-(0?[1-9]|1[0-2])(?:-[0-3]?[0-9])?"), lambda y, m: _month(int(m), y)),
]


def _half(ordinal: str, year: str) -> tuple[int, int, int]:
    half = _ORDINALS[ordinal]
    if half > 2:
        raise TimeframeError(gettext("A year has two halves."))
    return (int(year), 2 * half - 1, 2 * half)


def _month(month: int, year: str) -> tuple[int, int, int]:
    quarter = (month - 1) // 3 + 1
    return (int(year), quarter, quarter)


def _first_match(patterns: list[tuple[re.Pattern[str], object]], text: str) -> tuple[int, int, int] | None:
    text = text.strip(" .,;:")
    for pattern, make in patterns:
        match = pattern.fullmatch(text)
        if match:
            return make(*match.groups())  # type: ignore[operator]
    return None


def _point(text: str) -> tuple[int, int, int] | None:
    return _first_match(_POINTS, text)


def period_quarters(text: str) -> tuple[int, int, int] | None:
    """(year, first quarter, last quarter) of a year (2025: 1 to 4), a half-year (2025-H2, H2 2025, "second half of
    2025": 3 to 4) or a quarter (2025-Q2, Q2 2025, "tremujori i dytë 2025": 2 to 2), in English or Albanian; None
    for anything else (a month, a date, "end of 2025", a span). Digits are 0 to 9 only."""
    if any(char.isdigit() and not char.isascii() for char in text):  # fold() would read full-width digits
        return None
    try:
        return _first_match(_PERIODS, fold(text))
    except TimeframeError:  # "third half of 2025"
        return None


_CONTINUOUS = re.compile(
    r"(continuous(ly)?|ongoing|permanent|throughout|on-going|vazhdimisht|ne vazhdimesi|ne vazhdim|e vazhdueshme|"
    r"i vazhdueshem|"
    r"vazhdueshem|e perhershme|i perhershem|gjate gjithe periudhes)"
)
_RECURRING = [
    (re.compile(r"(quarterly|every quarter|each quarter|cdo tremujor|tremujore|cdo 3 muaj)"), Recurrence.QUARTERLY),
    (
        re.compile(
            r"(half-yearly|half yearly|semi-annual(ly)?|bi-annual(ly)?|biannual(ly)?|every half-year|every half year|"
            r"every six months|every 6 months|each half-year|cdo gjashte muaj|cdo 6 muaj|cdo gjashtemujor|"
            r"gjashtemujore|6-mujore)"
        ),
        Recurrence.HALF_YEARLY,
    ),
    (re.compile(r"(annual(ly)?|every year|each year|yearly|vjetore|vjetor|cdo vit|per cdo vit)"), Recurrence.ANNUAL),
    (re.compile(r"(periodic(ally)?|periodike|periodik|periodikisht|regular(ly)?|rregullisht)"), Recurrence.PERIODIC),
]
_BY = re.compile(r"(?:by|until|till|no later than|deri(?: ne| me)?|brenda|jo me vone se)\s+(?:the\s+)?(.+)")
_SPAN_SEPARATORS = re.compile(r"\s*(?:-|/|\bto\b|\buntil\b|\bthrough\b|\bderi(?: ne| me)?\b)\s*")
_FROM = re.compile(r"^(?:from|nga|prej)\s+")


def accepted_forms() -> str:
    return gettext(
        'write a year (2025), a span (2024-2026), a half-year (H2 2025, "second half of 2025"), a quarter '
        '(Q3 2025), "by end of 2025", "annual", "every half-year" or "continuous"'
    )


def parse_timeframe(text: str, plan_years: range) -> Timeframe:
    """The span `text` means; a recurring or continuous timeframe without years of its own spans `plan_years`
    (the action plan's), and "by" a date starts with them."""
    written = fold(text)
    if not written:
        raise TimeframeError(gettext("The timeframe is empty."))
    main, _paren, note = written.partition("(")
    note = note.rstrip(")").strip()
    main = main.strip(" .,;:")
    recurrence: str = Recurrence.ONCE
    span = _span(main, plan_years) if main else None
    if span is None:
        span, recurrence = _recurring(main, plan_years)
    if span is None:
        raise TimeframeError(
            gettext('"%(value)s" is not a timeframe: %(forms)s.') % {"value": text.strip(), "forms": accepted_forms()}
        )
    start, end = span
    if note:
        start, end, recurrence = _with_note(note, start, end, recurrence, plan_years)
    if start > end:
        raise TimeframeError(gettext('"%(value)s" ends before it starts.') % {"value": text.strip()})
    return Timeframe(_edge(start, first=True), _edge(end, first=False), recurrence)


def _span(text: str, plan_years: range) -> tuple[tuple[int, int], tuple[int, int]] | None:
    point = _point(text)
    if point:
        return (point[0], point[1]), (point[0], point[2])
    by = _BY.fullmatch(text)
    if by:
        point = _point(by.group(1))
        if point:
            first_year = min(plan_years.start, point[0])
            return (first_year, 1), (point[0], point[2])
    text = _FROM.sub("", text)
    for separator in _SPAN_SEPARATORS.finditer(text):
        first, last = _point(text[: separator.start()]), _point(text[separator.end() :])
        if first and last:
            return (first[0], first[1]), (last[0], last[2])
    return None


def _recurring(text: str, plan_years: range) -> tuple[tuple[tuple[int, int], tuple[int, int]] | None, str]:
    """'Annual', 'every half-year 2025-2027', 'continuous': the recurrence and its span (else the plan's)."""
    whole_plan = ((plan_years.start, 1), (plan_years.stop - 1, 4))
    if _CONTINUOUS.search(text):
        rest = _CONTINUOUS.sub("", text).strip(" ,;:-")
        span = _span(rest, plan_years) if rest else whole_plan
        if span is not None and rest and _point(rest):  # "2024 - në vazhdim": from then to the plan's end
            span = (span[0], max(span[1], whole_plan[1]))
        return span, Recurrence.CONTINUOUS
    for pattern, recurrence in _RECURRING:
        if pattern.search(text):
            rest = pattern.sub("", text).strip(" ,;:-")
            return (_span(rest, plan_years) if rest else whole_plan), recurrence
    return None, Recurrence.ONCE


def _with_note(
    note: str, start: tuple[int, int], end: tuple[int, int], recurrence: str, plan_years: range
) -> tuple[tuple[int, int], tuple[int, int], str]:
    """A note in brackets may make the timeframe recurring and carry it on: "(periodic until 2025)"; any other
    note is only kept in the text as written."""
    note_recurrence: str = next((r for pattern, r in _RECURRING if pattern.search(note)), Recurrence.ONCE)
    if _CONTINUOUS.search(note):
        note_recurrence = Recurrence.CONTINUOUS
    if note_recurrence != Recurrence.ONCE:
        recurrence = note_recurrence
    span = _span(note, plan_years)
    if span is not None and recurrence != Recurrence.ONCE:  # "Annual (2025-2027)": the years of the recurrence
        return span[0], span[1], recurrence
    by = _BY.search(note)
    point = _point(by.group(1)) if by else None
    if point:
        end = max(end, (point[0], point[2]))
    elif note_recurrence == Recurrence.CONTINUOUS:
        end = max(end, (plan_years.stop - 1, 4))
    return start, end, recurrence


def _edge(point: tuple[int, int], *, first: bool) -> Point:
    year, quarter = point
    return (year, None) if quarter == (1 if first else 4) else (year, quarter)


def span_label(start: Point, end: Point) -> str:
    """2025-Q3–2026, the normalised span, for where the text as written is not enough (sorting, checking)."""

    def label(point: Point) -> str:
        return f"{point[0]}-Q{point[1]}" if point[1] else str(point[0])

    return label(start) if start == end else f"{label(start)}–{label(end)}"
