"""Counting requests in a window, written once: one database row per key (a model with `key`, `started` and
`count`), locked while it is counted (`select_for_update`), so that parallel requests are counted one after another
by every process of every server, never read and then written. Used by the password-reset limit
(accounts.passwords, `RateCounter`) and by the public comments (consultation.rounds, `PublicCommentCounter`).

Each app passes its own model; this module imports no app of ours: it is the ground floor.
"""

from __future__ import annotations

import datetime
from typing import TypeVar

from django.db import models

_C = TypeVar("_C", bound=models.Model)


def locked_window(model: type[_C], key: str, now: datetime.datetime, window: datetime.timedelta) -> _C:
    """The counter row of `key`, locked until the transaction ends (made if missing; a parallel maker waits for
    the lock and reads the same row); its count starts again (unsaved) when its window has passed. On SQLite, whose
    writing transactions run one at a time (IMMEDIATE), the transaction itself is the lock."""
    counter, _created = model._default_manager.select_for_update().get_or_create(key=key, defaults={"started": now})
    if counter.started <= now - window:  # type: ignore[attr-defined]
        counter.started, counter.count = now, 0  # type: ignore[attr-defined]
    return counter


def count_in_window(
    model: type[models.Model],
    key: str,
    now: datetime.datetime,
    window: datetime.timedelta,
    *,
    limit: int | None = None,
) -> int:
    """Count one more request for `key` in its window and return the count, this one included. With `limit`, a
    count past it is returned but not stored: a refused request counts nothing."""
    counter = locked_window(model, key, now, window)
    count = counter.count + 1  # type: ignore[attr-defined]
    if limit is None or count <= limit:
        counter.count = count  # type: ignore[attr-defined]
        counter.save(update_fields=["started", "count"])
    return count
