"""Writes the analysis pages make: publishing a strategy's approved figures on the public page, or withdrawing them.

Each write is one atomic function that takes the acting user, so the change lands in the strategy's history with
its author.
"""

from typing import Any

from django.db import transaction

from nsm.audit import acting_as
from nsm.strategy.models import Strategy


def set_public(strategy: Strategy, *, public: bool, by: Any) -> Strategy:
    """Show (public=True) or hide the strategy's public page; a history row names `by`. Nothing is written when the
    page is already in that state."""
    with transaction.atomic(), acting_as(by):
        locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
        if locked.is_public != public:
            locked.is_public = public
            locked.save(update_fields=["is_public"])
    strategy.is_public = public
    return locked
