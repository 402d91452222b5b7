"""API tokens: make one (the key is returned once and never stored), revoke one, and tell who a key belongs to."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nsm.accounts.models import ApiToken
from nsm.audit import acting_as

# Record a use at most once a minute: a busy client does not turn every read into a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


class TokenRefused(Exception):
    """The key is unknown, expired or revoked, or its user may no longer sign in."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_api_token(user: Any, *, name: str, days: int = ApiToken.DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for `days` (1 to 365); returns it with its key, which is shown only now."""
    if not 1 <= days <= ApiToken.MAX_DAYS:
        raise ValidationError(
            {"expires_at": _("A token is valid for 1 to %(days)s days.") % {"days": ApiToken.MAX_DAYS}}
        )
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=key[: ApiToken.PREFIX_LENGTH],
        key_hash=hash_key(key),
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    with transaction.atomic(), acting_as(user):
        token.full_clean()
        token.save()
    return token, key


def revoke_api_token(token: ApiToken, *, by: Any) -> ApiToken:
    """Revoke a token: requests made with its key are refused from now on. Revoking twice changes nothing."""
    with transaction.atomic(), acting_as(by):
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save()
    return token


def authenticate_api_key(key: str) -> ApiToken:
    """The active token of `key`, with its user; `TokenRefused` says why when there is none.

    Records when it was last used (not part of the history, so a plain update).
    """
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key.strip())).first()
    if token is None or not token.user.is_active:
        raise TokenRefused(_("The API key is not valid."))
    now = timezone.now()
    if token.is_revoked:
        raise TokenRefused(_("The API key has been revoked."))
    if token.is_expired(now):
        raise TokenRefused(_("The API key has expired. Make a new one on your API tokens page."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
