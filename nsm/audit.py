"""Who is acting: services run their writes inside `acting_as(user)` so that every history row names its author.

Web requests are covered by simple-history's middleware too; the command line and background work are not,
which is why services set the acting user explicitly.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_acting_user: ContextVar[Any] = ContextVar("nsm_acting_user", default=None)
_change_reason: ContextVar[str | None] = ContextVar("nsm_change_reason", default=None)


@contextmanager
def acting_as(user: Any, reason: str | None = None) -> Iterator[None]:
    """Attribute every history row written inside the block to `user`, with an optional reason."""
    user_token = _acting_user.set(user if getattr(user, "pk", None) else None)
    reason_token = _change_reason.set(reason)
    try:
        yield
    finally:
        _acting_user.reset(user_token)
        _change_reason.reset(reason_token)


def history_user(instance: Any = None, request: Any = None, **kwargs: Any) -> Any:
    """simple-history's `get_user` hook: the acting user, else the signed-in user of the request."""
    user = _acting_user.get()
    if user is not None:
        return user
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def current_reason() -> str | None:
    return _change_reason.get()


def record_reason(sender: Any, history_instance: Any, **kwargs: Any) -> None:
    """simple-history's pre_create_historical_record hook: the reason given to `acting_as`, unless one is set."""
    if not history_instance.history_change_reason:
        history_instance.history_change_reason = current_reason()
