"""The security log ("nsm.security") and the client's address it and the sign-in lockout count.

One line per event, `key=value` pairs after the event's name, so that it can be searched and counted:

    sign-in user=secretariat ip=10.0.0.7
    sign-in-failed username=secretariat ip=10.0.0.7
    lockout username=secretariat ip=10.0.0.7
    two-factor-failed user=secretariat ip=10.0.0.7
    password-changed user=focal ip=10.0.0.7
    password-reset user=focal ip=10.0.0.7
    refused status=404 method=GET path=/monitoring/reports/99/ user=focal ip=10.0.0.7
    people-deactivated user=focal by=secretariat ip=10.0.0.7
    invitation-sent email=new@example.org by=secretariat ip=10.0.0.7

Never a password, a code or a token: the failed sign-in names only the user name that was tried.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

logger = logging.getLogger("nsm.security")


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address, or None when there is no valid one: behind a trusted proxy (NSM_BEHIND_PROXY), the
    last address in X-Forwarded-For, the one that proxy appended (earlier ones come from the client and can be
    anything); otherwise the connection's. Anything that is not an IP address is refused here, because django-axes
    stores it in an address column (PostgreSQL's inet refuses other text)."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    raw = forwarded.rsplit(",", 1)[-1].strip() if settings.BEHIND_PROXY and forwarded else meta.get("REMOTE_ADDR", "")
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str:
    """The client's address for the log: "unknown" when there is no valid one."""
    return client_address(request) or "unknown"


def _clean(value: Any) -> str:
    """A value for one `key=value` pair: no spaces or line breaks that would forge another pair or line."""
    text = str(value) if value not in (None, "") else "-"
    return "".join("_" if ch.isspace() else ch for ch in text)[:150]


def _user(user: Any) -> str:
    return _clean(user.get_username()) if getattr(user, "is_authenticated", False) else "-"


def log_sign_in(request: HttpRequest | None, user: Any) -> None:
    logger.info("sign-in user=%s ip=%s", _user(user), client_ip(request))


def log_sign_in_failed(request: HttpRequest | None, username: Any) -> None:
    logger.warning("sign-in-failed username=%s ip=%s", _clean(username), client_ip(request))


def log_lockout(request: HttpRequest | None, username: Any) -> None:
    logger.warning("lockout username=%s ip=%s", _clean(username), client_ip(request))


def log_sign_out(request: HttpRequest | None, user: Any) -> None:
    logger.info("sign-out user=%s ip=%s", _user(user), client_ip(request))


def log_two_factor_verified(request: HttpRequest, user: Any) -> None:
    logger.info("two-factor-verified user=%s ip=%s", _user(user), client_ip(request))


def log_two_factor_failure(request: HttpRequest, user: Any) -> None:
    logger.warning("two-factor-failed user=%s ip=%s", _user(user), client_ip(request))


def log_two_factor_enrolled(request: HttpRequest, user: Any) -> None:
    logger.info("two-factor-enrolled user=%s ip=%s", _user(user), client_ip(request))


def log_password_changed(request: HttpRequest, user: Any) -> None:
    logger.info("password-changed user=%s ip=%s", _user(user), client_ip(request))


def log_password_reset_requested(request: HttpRequest) -> None:
    """A reset asked for: the e-mail address typed is not logged (it may belong to nobody, or be personal data)."""
    logger.info("password-reset-requested ip=%s", client_ip(request))


def log_password_reset_limited(request: HttpRequest) -> None:
    logger.warning("password-reset-limited ip=%s", client_ip(request))


def log_password_reset(request: HttpRequest, user: Any) -> None:
    logger.info("password-reset user=%s ip=%s", _clean(user.get_username()), client_ip(request))


def log_people(request: HttpRequest, event: str, user: Any) -> None:
    """A change made on the people pages to someone's account (`people-deactivated`, `people-reactivated`,
    `people-two-factor-reset`, `people-membership-changed`), naming who made it."""
    logger.info(
        "people-%s user=%s by=%s ip=%s", event, _clean(user.get_username()), _user(request.user), client_ip(request)
    )


def log_invitation(request: HttpRequest, event: str, email: str) -> None:
    """An invitation sent, sent again, cancelled (by the signed-in user) or accepted (by the invited person)."""
    logger.info("invitation-%s email=%s by=%s ip=%s", event, _clean(email), _user(request.user), client_ip(request))


def log_refusal(request: HttpRequest, status: int) -> None:
    """A request answered 401, 403 or 404 (see middleware.RefusalLogMiddleware)."""
    logger.warning(
        "refused status=%s method=%s path=%s user=%s ip=%s",
        status,
        _clean(request.method),
        _clean(request.path),
        _user(getattr(request, "user", None)),
        client_ip(request),
    )


def _on_logged_in(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    log_sign_in(request, user)


def _on_login_failed(
    sender: Any, credentials: dict | None = None, request: HttpRequest | None = None, **kwargs: Any
) -> None:
    log_sign_in_failed(request, (credentials or {}).get("username"))


def _on_logged_out(sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any) -> None:
    log_sign_out(request, user)


def _on_locked_out(sender: Any, request: HttpRequest | None = None, username: Any = None, **kwargs: Any) -> None:
    log_lockout(request, username)


def connect_signals() -> None:
    """Called once, from AccountsConfig.ready."""
    from axes.signals import user_locked_out

    user_logged_in.connect(_on_logged_in, dispatch_uid="nsm_security_logged_in")
    user_login_failed.connect(_on_login_failed, dispatch_uid="nsm_security_login_failed")
    user_logged_out.connect(_on_logged_out, dispatch_uid="nsm_security_logged_out")
    user_locked_out.connect(_on_locked_out, dispatch_uid="nsm_security_locked_out")
