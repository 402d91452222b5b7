"""The search page: `/search/?q=` shows the first results of every kind with their counts; `&kind=` one kind's
results, in pages."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nsm.search import selectors

PER_PAGE = 25


def _page_number(raw: str) -> int:
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < len(raw) <= 6 and int(raw) > 0 else 1


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "")
    kind = request.GET.get("kind", "")
    context: dict[str, object] = {"q": text.strip()}
    if kind in selectors.KIND_NAMES:
        number = _page_number(request.GET.get("page", ""))
        outcome = selectors.search(request.user, text, kinds=(kind,), limit=PER_PAGE, offset=(number - 1) * PER_PAGE)
        if not outcome.groups and number > 1:  # past the end: the first page, as the paged lists do
            number = 1
            outcome = selectors.search(request.user, text, kinds=(kind,), limit=PER_PAGE)
        count = outcome.groups[0].count if outcome.groups else 0
        pages = max(1, -(-count // PER_PAGE))
        link = {"q": outcome.query, "kind": kind}
        context.update(
            kind=kind, kind_label=selectors.KIND_LABELS[kind], number=number, pages=pages,
            previous_url=f"?{urlencode({**link, 'page': number - 1})}" if number > 1 else "",
            next_url=f"?{urlencode({**link, 'page': number + 1})}" if number < pages else "",
        )  # fmt: skip
    else:
        outcome = selectors.search(request.user, text)
    context.update(outcome=outcome, all_url=f"?{urlencode({'q': outcome.query})}")
    return render(request, "search/search.html", context)
