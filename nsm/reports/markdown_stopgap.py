"""Stand-in for the lead's `nsm.core.markdown` until it is merged: text as escaped paragraphs, no Markdown."""

from __future__ import annotations

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe

from nsm.reports.document import Paragraph, Section


def to_html(text: str) -> SafeString:
    return mark_safe(linebreaks(escape(text)))  # noqa: S308 - escaped above


def markdown_section(title: str, text: str) -> Section:
    return Section(title, tuple(Paragraph(block.strip()) for block in text.split("\n\n") if block.strip()))
