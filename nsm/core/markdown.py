"""Markdown as people write it in the product (a strategy's chapters, a report's analysis), read into a few plain
blocks that pages and documents print alike, and nothing else.

The text is parsed once with markdown-it-py (CommonMark) into `Heading`, `Para`, `Items` and `Embed` blocks whose
inline text is a tuple of `Run`s (bold, italic, code, a link). Whatever is not one of these never comes out:
- raw HTML (`<script>`, `<iframe>`, `<img onerror=…>`), inline or as a block, is dropped with what it holds;
- a link keeps its target only if it is `http:`, `https:` or `mailto:`, a path on this site (`/…`) or an anchor
  (`#…`); a `javascript:`, `data:` or `vbscript:` link prints as its text;
- an image prints as its description (a government intranet fetches no outside picture);
- code and quotes print as paragraphs.
So the HTML of a page (`to_html`) is written here, tag by tag, with every text escaped, rather than by the parser's
own renderer; the documents (`nsm.reports.document.markdown_blocks`) read the same blocks.

A paragraph that is only a reference such as `[[context:MIG-01]]` is an `Embed`: the caller decides what it stands
for (a chart and its table from the evidence base) through a resolver.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

# A Markdown text is held to this many characters before it is parsed (a chapter of a strategy is some pages).
MARKDOWN_CHARS = 40_000
SAFE_LINK = re.compile(r"^(?:https?://|mailto:|/(?!/)|#)", re.IGNORECASE)
EMBED = re.compile(r"^\[\[([a-z][a-z0-9-]{0,31}):([^\[\]\s]{1,100})\]\]$")


@dataclass(frozen=True)
class Run:
    """A piece of inline text and how it is set; `link` is a safe target or ""."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    link: str = ""


Inline = tuple[Run, ...]


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for "#", 2 for "##", ...
    runs: Inline

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class Para:
    runs: Inline

    @property
    def text(self) -> str:
        return plain(self.runs)


@dataclass(frozen=True)
class Items:
    """A list; a nested list's items follow their parent's, one level deeper (`depth` 0 for the outer list)."""

    ordered: bool
    items: tuple[Inline, ...]
    depths: tuple[int, ...] = ()


@dataclass(frozen=True)
class Embed:
    """A paragraph that is only `[[kind:key]]`: something the page or document puts in its place."""

    kind: str
    key: str

    @property
    def text(self) -> str:
        return f"[[{self.kind}:{self.key}]]"


MarkdownBlock = Heading | Para | Items | Embed


def plain(runs: Inline) -> str:
    return "".join(run.text for run in runs)


_PARSER = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
# Both lists read as lists; the rest of CommonMark's blocks stay on. The parser's own nesting cap (20) bounds the
# depth of quotes and lists, so a hostile text cannot make it recurse without end.


def parse(text: str) -> tuple[MarkdownBlock, ...]:
    """The blocks of `text` (at most MARKDOWN_CHARS characters are read: the forms refuse a longer text before)."""
    tokens = _PARSER.parse((text or "")[:MARKDOWN_CHARS])
    blocks: list[MarkdownBlock] = []
    lists: list[tuple[bool, list[Inline], list[int]]] = []  # the open lists, outermost first
    depth = -1
    heading = 0
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth == 0:
                lists.append((kind == "ordered_list_open", [], []))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if depth < 0 and lists:
                ordered, items, depths = lists.pop()
                if items:
                    blocks.append(Items(ordered, tuple(items), tuple(depths)))
        elif kind == "heading_open":
            heading = int(token.tag[1:])
        elif kind == "heading_close":
            heading = 0
        elif kind == "inline":
            runs = _runs(token.children or [])
            if not plain(runs).strip():
                continue
            if lists and depth >= 0:
                lists[-1][1].append(runs)
                lists[-1][2].append(depth)
            elif heading:
                blocks.append(Heading(heading, runs))
            else:
                embed = EMBED.match(plain(runs).strip()) if len(runs) == 1 else None
                blocks.append(Embed(embed.group(1), embed.group(2)) if embed else Para(runs))
        elif kind in ("fence", "code_block"):
            code = token.content.rstrip("\n")
            if code.strip():
                target = lists[-1] if lists and depth >= 0 else None
                if target:
                    target[1].append((Run(code, code=True),))
                    target[2].append(depth)
                else:
                    blocks.append(Para((Run(code, code=True),)))
        # html_block, hr and the open/close of paragraphs, quotes and items print nothing of their own
    return tuple(blocks)


def _runs(children: list[Token]) -> Inline:
    runs: list[Run] = []
    bold = italic = 0
    link: list[str] = []
    skip = 0  # inside raw inline HTML that wraps text, e.g. <script>…</script>: the text goes too
    for child in children:
        kind = child.type
        if kind == "html_inline":
            tag = re.match(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)", child.content)
            if tag and tag.group(2).lower() in ("script", "style", "iframe", "object", "noscript", "template"):
                skip += -1 if tag.group(1) else 1
                skip = max(skip, 0)
            continue
        if skip:
            continue
        if kind == "strong_open":
            bold += 1
        elif kind == "strong_close":
            bold -= 1
        elif kind == "em_open":
            italic += 1
        elif kind == "em_close":
            italic -= 1
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            link.append(href if SAFE_LINK.match(href) else "")
        elif kind == "link_close":
            if link:
                link.pop()
        elif kind in ("text", "code_inline", "image"):
            text = child.content
            if kind == "image":
                text = "".join(grand.content for grand in child.children or []) or str(child.attrs.get("alt", ""))
            if text:
                runs.append(Run(text, bold > 0, italic > 0, kind == "code_inline", link[-1] if link else ""))
        elif kind in ("softbreak", "hardbreak"):
            brk = " " if kind == "softbreak" else "\n"
            runs.append(Run(brk, bold > 0, italic > 0, False, link[-1] if link else ""))
    return _merged(runs)


def _merged(runs: list[Run]) -> Inline:
    """Neighbouring runs set alike as one."""
    merged: list[Run] = []
    for run in runs:
        last = merged[-1] if merged else None
        if last and (last.bold, last.italic, last.code, last.link) == (run.bold, run.italic, run.code, run.link):
            merged[-1] = Run(last.text + run.text, run.bold, run.italic, run.code, run.link)
        else:
            merged.append(run)
    return tuple(merged)


EmbedHtml = Callable[[Embed], str | None]


def to_html(text: str, *, heading_offset: int = 2, embed: EmbedHtml | None = None) -> SafeString:
    """The text as safe HTML for a page: `#` is an `<h3>` (the page has its `<h1>` and `<h2>`), every text escaped,
    only safe links. `embed(block)` gives the HTML of a reference (already safe) or None to print it as written."""
    parts: list[str] = []
    for block in parse(text):
        if isinstance(block, Heading):
            level = min(block.level + heading_offset, 6)
            parts.append(f'<h{level} class="h{min(level + 1, 6)}">{_html_runs(block.runs)}</h{level}>')
        elif isinstance(block, Para):
            parts.append(f"<p>{_html_runs(block.runs)}</p>")
        elif isinstance(block, Items):
            parts.append(_html_items(block))
        elif isinstance(block, Embed):
            shown = embed(block) if embed else None
            parts.append(shown if shown is not None else f'<p class="text-body-secondary">{escape(block.text)}</p>')
    return mark_safe("\n".join(parts))  # noqa: S308 - every text above is escaped  # nosec B308 B703


def _html_runs(runs: Inline) -> str:
    parts = []
    for run in runs:
        piece = escape(run.text).replace("\n", "<br>")
        if run.code:
            piece = f"<code>{piece}</code>"
        if run.italic:
            piece = f"<em>{piece}</em>"
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        if run.link:
            piece = f'<a href="{escape(run.link)}" rel="noopener noreferrer">{piece}</a>'
        parts.append(piece)
    return "".join(parts)


def _html_items(block: Items) -> str:
    """Nested lists as nested `<ul>`/`<ol>` (the inner ones of the outer list's kind)."""
    tag = "ol" if block.ordered else "ul"
    depths = block.depths or (0,) * len(block.items)
    parts, level = [f"<{tag}>"], 0
    for index, (runs, depth) in enumerate(zip(block.items, depths, strict=True)):
        while level < depth:
            parts.append(f"<{tag}>")
            level += 1
        while level > depth:
            parts.append(f"</li></{tag}>")
            level -= 1
        if index and depths[index - 1] >= depth:
            parts.append("</li>")
        parts.append(f"<li>{_html_runs(runs)}")
    while level > 0:
        parts.append(f"</li></{tag}>")
        level -= 1
    parts.append(f"</li></{tag}>")
    return "".join(parts)
