"""The reads of the inbox: each user's own notices only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nsm.notifications.models import Notification


def inbox(user: Any) -> QuerySet[Notification]:
    """The user's notices, newest first (no join: a notice carries its words and link)."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()
