"""Drawing the analysis pages ahead: when a strategy's approved data change (a report approved or reopened, a cycle
closed), the worker computes its dashboard and indicator tracking table, charts included, in both languages, and
stores them in the cache that every process of every server reads (settings.CACHES). The first reader then finds
them drawn. Queued by `queue_drawing` once the change has committed; run by `nsm worker`, after the documents.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone, translation
from django_tasks import task
from django_tasks.backends.immediate import ImmediateBackend

from nsm.analytics.views_common import StampedStrategy, page_key, single_flight, with_analysis_stamp
from nsm.strategy.models import Strategy

logger = logging.getLogger(__name__)

# Below the documents (priority 0), which people wait for.
PRIORITY = -10


PageBody = Callable[[HttpRequest, StampedStrategy], dict[str, Any]]


def _pages() -> dict[str, PageBody]:
    from nsm.analytics import views_dashboard, views_tracking  # the page modules, loaded by the worker only

    return {"dashboard": views_dashboard.dashboard_body, "iptt": views_tracking.iptt_body}


def draw_pages(strategy_id: int) -> list[str]:
    """Compute the pages of the strategy as they first open (no period or filter chosen) in every language, unless
    the cache holds them for its current data already; returns those computed ("dashboard sq", ...)."""
    strategy = with_analysis_stamp(Strategy.objects.filter(pk=strategy_id)).first()
    if strategy is None:
        return []
    request = HttpRequest()  # the bare address: nothing in the query string
    drawn: list[str] = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for page, body in _pages().items():
                if _draw(request, strategy, page, body):
                    drawn.append(f"{page} {language}")
    return drawn


def _draw(request: HttpRequest, strategy: StampedStrategy, page: str, body: PageBody) -> bool:
    """Compute one page into the cache unless it is there; True when it was computed here."""
    key = page_key(request, strategy, page)
    computed = []

    def build() -> dict[str, Any]:
        computed.append(page)
        return body(request, strategy)

    if key is not None:
        single_flight(key, build, seconds_until_tomorrow())
    return bool(computed)


def seconds_until_tomorrow() -> int:
    """How long a page drawn ahead is kept: until the day ends, when its key (which holds the day) changes anyway.
    A page a reader computed is kept CACHE_SECONDS only, the safety net for changes made outside the services (the
    admin, SQL); on the pages drawn ahead such a change shows after the next approval, or the next day."""
    now = timezone.localtime()
    midnight = datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time(), now.tzinfo)
    return max(60, int((midnight - now).total_seconds()))


@task(priority=PRIORITY)
def draw_ahead(strategy_id: int) -> None:
    """The background task: `draw_pages`, logged."""
    drawn = draw_pages(strategy_id)
    logger.info("Analysis pages of strategy %s drawn ahead: %s", strategy_id, ", ".join(drawn) or "all were cached")


def queue_drawing(sender: Any = None, *, strategy_id: int, **kwargs: Any) -> None:
    """Queue `draw_ahead` for the strategy (the receiver of `nsm.monitoring.services.approved_data_changed`, sent
    after the commit). Without a worker (NSM_TASKS_BACKEND=immediate) nothing is queued: the pages are computed when
    first read, not inside the request that approved. A queue that refuses is logged; the pages are then drawn when
    first read."""
    if isinstance(draw_ahead.get_backend(), ImmediateBackend):
        return
    try:
        draw_ahead.enqueue(strategy_id)
    except Exception:
        logger.exception("The analysis pages of strategy %s could not be queued for drawing", strategy_id)
