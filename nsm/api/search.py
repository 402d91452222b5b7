"""Search through the API: `/search?q=`, the objects whose texts match, grouped by kind, as the search page shows
them (nsm.search.selectors): each kind read through its own door, so the caller finds only what they may see."""

from __future__ import annotations

from html import unescape
from typing import Any

from django.utils.html import strip_tags
from ninja import Query, Router

from nsm.api import schemas
from nsm.api.auth import AuthenticatedRequest
from nsm.api.errors import ApiError, error_responses
from nsm.search import selectors
from nsm.search.query import parse

router = Router(tags=["search"])


@router.get("/search", response={200: schemas.SearchOut, **error_responses(422)})
def search(request: AuthenticatedRequest, filters: Query[schemas.SearchFilters]) -> dict[str, Any]:
    """Plan items (results, activities, indicators: references and texts in both languages), institutions, the
    narratives of report lines, consultation comments, meetings and decisions whose texts hold every word."""
    refusal = selectors.refusal_of(filters.q.strip())
    if refusal:
        raise ApiError(422, "invalid", refusal, [{"field": "q", "line": None, "message": refusal}])
    kinds = (filters.kind,) if filters.kind else selectors.KIND_NAMES
    outcome = selectors.search(request.auth, filters.q, kinds=kinds, limit=filters.limit, offset=filters.offset)
    groups = [
        {
            "kind": group.kind, "label": group.label, "count": group.count,
            "items": [
                {"id": hit.id, "label": hit.label, "context": hit.context, "text": unescape(strip_tags(hit.text)),
                 "url": hit.url}
                for hit in group.hits
            ],
        }
        for group in outcome.groups
    ]  # fmt: skip
    return {"query": outcome.query, "words": list(parse(outcome.query).words), "groups": groups}
