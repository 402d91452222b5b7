"""References to the evidence base in a narrative text (a strategy's chapters): a paragraph that is only
`[[context:CODE]]` places the chart and the table of the values of the context indicator CODE of the text's country.

`references` finds them, `referenced_series` reads the series they name at once, `text_html` renders a Markdown text
for a page (sanitized by `nsm.core.markdown.to_html`) with each reference replaced by its figure; documents turn the
same references into their chart blocks (nsm.reports.chapters). A code the evidence base does not hold is said so in
a sentence, in place of the figure.
"""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from nsm.context.charts import render_svg, series_chart
from nsm.context.models import ContextIndicator
from nsm.context.selectors import ContextSeries, series_for

# A paragraph that is only a reference to a context indicator: `[[context:remittances]]`.
REFERENCE = re.compile(r"^\s*\[\[context:([A-Za-z0-9_-]{1,60})\]\]\s*$")
REFERENCES = re.compile(r"^\s*\[\[context:([A-Za-z0-9_-]{1,60})\]\]\s*$", re.MULTILINE)


def reference(paragraph: str) -> str | None:
    """The code that `paragraph` places, when it is only a reference; else None."""
    match = REFERENCE.match(paragraph)
    return match.group(1) if match else None


def references(text: str) -> list[str]:
    """The codes of the context indicators that `text` places, in order."""
    return REFERENCES.findall(text or "")


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


def text_html(text: str, series: dict[str, ContextSeries]) -> SafeString:
    """A Markdown text as a page shows it: sanitized HTML, each paragraph that is a reference replaced by its
    figure (`series`: from `referenced_series`)."""
    from nsm.core.markdown import to_html  # noqa: PLC0415  # TODO: at the top once the lead's module has landed

    parts: list[str] = []
    chunk: list[str] = []

    def flush() -> None:
        if any(line.strip() for line in chunk):
            parts.append(str(to_html("\n".join(chunk))))
        chunk.clear()

    for line in (text or "").splitlines():
        code = reference(line)
        if code is None:
            chunk.append(line)
        else:
            flush()
            parts.append(figure_html(series.get(code), code))
    flush()
    # Each part is sanitized HTML (to_html) or a template's escaped output.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308, B703
