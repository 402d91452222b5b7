"""Pages of a long list: Django's paginator, forgiving (a page number not understood shows the first page, one past
the end the last, never an error page), and the links to the other pages keeping the filters in the address."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

NEAR = 2  # page links shown either side of the current one, beside the first and the last


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: a gap ("…") between the numbers shown
    url: str = ""
    current: bool = False


def page_of(request: HttpRequest, items: Sequence[Any] | Any, per_page: int) -> Page:
    """The page asked for with `?page=`: the first when the number is not one, the last when it is past the end."""
    raw = request.GET.get("page", "")
    number = raw if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 1
    return Paginator(items, per_page).get_page(number)


def page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"


@dataclass(frozen=True)
class PageLinks:
    links: tuple[PageLink, ...]
    previous_url: str  # "" on the first page
    next_url: str  # "" on the last page


def page_links(request: HttpRequest, page: Page) -> PageLinks:
    """The first and last page, and those near the current one, with gaps between; the previous and next page."""
    last = page.paginator.num_pages
    wanted = sorted({1, last, *range(page.number - NEAR, page.number + NEAR + 1)} & set(range(1, last + 1)))
    links: list[PageLink] = []
    for number in wanted:
        if links and links[-1].number is not None and number > links[-1].number + 1:
            links.append(PageLink(None))
        links.append(PageLink(number, page_url(request, number), current=number == page.number))
    return PageLinks(
        links=tuple(links),
        previous_url=page_url(request, page.number - 1) if page.has_previous() else "",
        next_url=page_url(request, page.number + 1) if page.has_next() else "",
    )
