"""Password reset requests, rate-limited: at most PASSWORD_RESET_LIMIT (NSM_PASSWORD_RESET_LIMIT) an hour for one
e-mail address, and as many from one client address, whether the address belongs to someone or not (the answer must
not tell). Counted in the database (`RateCounter`, one locked row per key), so that every process of every server
counts the same requests; the keys keep a hash of the e-mail address, never the address."""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from nsm.accounts.models import RateCounter
from nsm.core.counters import count_in_window

WINDOW_SECONDS = 3600
WINDOW = datetime.timedelta(seconds=WINDOW_SECONDS)


def _key(kind: str, value: str) -> str:
    return f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"


def reset_request_allowed(*, email: str, ip: str) -> bool:
    """Count one request for `email` from `ip`; False once either has made more than the limit this hour."""
    limit, now = settings.PASSWORD_RESET_LIMIT, timezone.now()
    with transaction.atomic():
        RateCounter.objects.filter(started__lt=now - WINDOW).delete()  # windows passed: nothing left to count
        by_address = count_in_window(RateCounter, _key("email", email.strip().lower()), now, WINDOW)
        by_client = count_in_window(RateCounter, _key("ip", ip), now, WINDOW)
    return by_address <= limit and by_client <= limit
