"""The stale-edit check, written once: a row changed since the user's page was rendered refuses the save.

Every versioned row (a plan item, a report, a meeting, a training, a context value, a consultation round ...)
carries an integer version, the form that edits it carries that version hidden, and the service that saves it
locks the row (`select_for_update`), then calls `check_version(locked, edited, describe)`: a version that moved on
since the page was rendered raises `StaleVersion`, whose messages `describe(locked, edited)` writes. Only the app
knows its history, so each app passes its own `describe` (who changed what, in its words); `told_by_history`
writes it for a row whose simple-history records carry the version. A save that goes through bumps the version
with `bump_version`.

This module locks nothing and imports no app of ours: it is the ground floor.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from nsm.core.numbers import format_decimal

V = TypeVar("V")
Describe = Callable[[V, int], Iterable[str]]


class StaleVersion(ValidationError):
    """The object changed since the user's form or page was rendered: the change is refused, nothing is written.

    The messages say who changed it, when and what; `current_version` lets the page offer to save again.
    """

    def __init__(self, messages: list[str], *, current_version: int) -> None:
        super().__init__(messages, code="stale")
        self.current_version = current_version


def is_stale(locked: Any, edited: int | None, *, field: str = "version") -> bool:
    """Whether a change made on version `edited` of the (locked) row comes too late; None skips the check."""
    return edited is not None and edited != getattr(locked, field)


def check_version(locked: V, edited: int | None, describe: Describe[V], *, field: str = "version") -> V:
    """Refuse a change made on version `edited` of a locked row that has moved on since; None skips the check.

    `describe(locked, edited)` says what changed meanwhile (called only for a stale version). Returns the row.
    """
    if edited is not None and is_stale(locked, edited, field=field):
        raise StaleVersion(list(describe(locked, edited)), current_version=getattr(locked, field))
    return locked


def refuse_with(*messages: str) -> Describe[Any]:
    """A `describe` for rows whose history is not told: the same messages whatever changed."""
    return lambda locked, edited: list(messages)


def bump_version(obj: Any, *, field: str = "version", save: bool = True) -> None:
    """Put the version one up (and save the row, unless `save` is False): the change gets one history row."""
    setattr(obj, field, getattr(obj, field) + 1)
    if save:
        obj.save()


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _user(record: Any) -> str:
    user = record.history_user
    return (user.get_full_name() or user.username) if user else ""


def _shown(field: Any, raw: Any) -> str:
    if field.many_to_many:
        ids = [row[field.m2m_reverse_field_name()] for row in raw or ()]
        return ", ".join(str(obj) for obj in field.related_model._default_manager.filter(pk__in=ids)) or "—"
    if raw in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(raw, raw))
    if isinstance(raw, Decimal):
        return format_decimal(raw)  # 930.0000 is shown as 930
    if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
        return date_format(raw, "DATE_FORMAT")
    return str(raw)


def _change(field: Any, change: Any) -> str:
    """`Source: INSTAT → Bank of Albania`: one field's change as the user reads it."""
    return f"{capfirst(field.verbose_name)}: {_shown(field, change.old)} → {_shown(field, change.new)}"


def told_by_history(item: str, *, field: str = "version") -> Describe[Any]:
    """A `describe` for a row with simple-history: who changed `item` (the row as the user knows it, e.g. `The
    value of Remittances for 2023`) since the version the user edited, when, and each change, field by field."""

    def describe(locked: Any, edited: int) -> list[str]:
        history = locked.history.filter(**{f"{field}__gt": edited}).order_by("history_date", "history_id")
        records = list(history)
        lines = []
        for record in records:
            previous = record.prev_record
            changes = record.diff_against(previous, excluded_fields=[field]).changes if previous else []
            what = "; ".join(_change(type(locked)._meta.get_field(change.field), change) for change in changes)
            lines.append(
                _("%(user)s, %(when)s: %(what)s")
                % {"user": _user(record) or _("unknown user"), "when": _when(record.history_date), "what": what}
            )
        last = records[-1] if records else None
        headline = _("%(item)s was changed by %(user)s on %(when)s since you opened it, so your change was not saved.")
        user = (_user(last) if last else "") or _("another user")
        moment = last.history_date if last else timezone.now()
        return [headline % {"item": item, "user": user, "when": _when(moment)}, *lines]

    return describe
