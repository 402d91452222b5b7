"""References to the evidence base in a narrative text (a strategy's chapters): a paragraph that is only
`[[context:CODE]]` places the chart and the table of the values of the context indicator CODE of the text's country.

`references` finds them, `referenced_series` reads the series they name at once, `text_html` renders a Markdown text
for a page (sanitized by `nsm.core.markdown.to_html`) with each reference replaced by its figure; documents turn the
same references into their chart blocks (nsm.reports.chapters). A code the evidence base does not hold is said so in
a sentence, in place of the figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from nsm.context.charts import render_svg, series_chart
from nsm.context.models import ContextIndicator
from nsm.context.selectors import ContextSeries, series_for
from nsm.core.markdown import Embed, parse, to_html
from nsm.strategy.selectors import ChapterText

KIND = "context"


def reference(block: Embed) -> str | None:
    """The code of the context indicator that a reference (`nsm.core.markdown.Embed`) places; None for a reference
    of another kind."""
    return block.key if block.kind == KIND else None


def references(text: str) -> list[str]:
    """The codes of the context indicators that `text` places, in order."""
    return [block.key for block in parse(text or "") if isinstance(block, Embed) and block.kind == KIND]


def referenced_series(country: str, texts: list[str]) -> dict[str, ContextSeries]:
    """The series the texts place, by code, read in two queries (none when no text places one)."""
    codes = {code for text in texts for code in references(text)}
    if not codes:
        return {}
    indicators = ContextIndicator.objects.filter(country=country, code__in=codes).order_by("code")
    return {series.code: series for series in series_for(indicators)}


def unknown_reference(code: str) -> str:
    return _("[The evidence base has no context indicator “%(code)s”.]") % {"code": code}


def figure_html(found: ContextSeries | None, code: str) -> str:
    """A page's figure for a reference: the chart as SVG with the table of its values."""
    return render_to_string(
        "context/_figure.html",
        {
            "series": found,
            "svg": render_svg(series_chart(found)) if found and found.numeric_points else "",
            "missing": unknown_reference(code),
        },
    )


def text_html(
    text: str,
    series: dict[str, ContextSeries],
    *,
    figures: bool = True,
    heading_offset: int = 1,
    drawn: dict[str, str] | None = None,
) -> SafeString:
    """A Markdown text as a page shows it: sanitized HTML (`nsm.core.markdown.to_html`: no raw HTML, no script, only
    safe links), each paragraph that is a reference replaced by its figure (`series`: from `referenced_series`), or
    left out without `figures` (a public page: the evidence base is not published). `#` is an `<h2>` with the
    default `heading_offset` of 1, for a page whose chapters' titles are `<h2>`s: `##` is then an `<h3>`. `drawn`
    keeps the figures drawn already (by code), so that a chart placed in several texts is drawn (and looked up in
    the cache of drawings) once."""
    drawn = {} if drawn is None else drawn

    def embed(block: Embed) -> str | None:
        code = reference(block)
        if code is None:
            return None
        if not figures:
            return ""
        if code not in drawn:
            drawn[code] = figure_html(series.get(code), code)
        return drawn[code]

    return to_html(text or "", heading_offset=heading_offset, embed=embed)


@dataclass(frozen=True)
class ShownChapter:
    """A strategy's chapter as a page shows it: in the page's language, else the other (`language` says which)."""

    kind: str
    title: str
    is_written: bool
    html: SafeString
    language: str


def chapters_html(
    country: str, texts: list[ChapterText], language: str, *, figures: bool = True, heading_offset: int = 1
) -> list[ShownChapter]:
    """The chapters `texts` (nsm.strategy.selectors.chapters, or a version's) as a page shows them, the context
    series they place read at once (two queries, none when they place none)."""
    bodies = {text.kind: text.body(language) for text in texts}
    series = referenced_series(country, [body for body, _language in bodies.values()]) if figures else {}
    drawn: dict[str, str] = {}
    return [
        ShownChapter(
            text.kind,
            text.title,
            text.is_written,
            text_html(bodies[text.kind][0], series, figures=figures, heading_offset=heading_offset, drawn=drawn),
            bodies[text.kind][1],
        )
        for text in texts
    ]
