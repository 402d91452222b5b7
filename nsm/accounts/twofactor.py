"""Two-factor sign-in (TOTP, django-otp): who needs it, enrolling an authenticator app, and checking a code.

Coordinators, the secretariat (the roles that change plans, `access.PLAN_EDITORS`) and administrators (superusers
and staff) enter a 6-digit code from an authenticator app after their password. `middleware.TwoFactorMiddleware`
sends them to the code page (or, without a device yet, to the enrollment page) until their session is verified.
"""

from __future__ import annotations

import base64
import time
from typing import Any

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY, verify_token
from django_otp import login as otp_login
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from nsm.accounts import access, security
from nsm.accounts.models import Membership

TWO_FACTOR_ROLES = access.PLAN_EDITORS


def needs_two_factor(user: Any) -> bool:
    """Coordinators, the secretariat, superusers and staff sign in with a code as well as their password."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.is_staff or access.roles(user) & TWO_FACTOR_ROLES)


def holds_two_factor_role(user: Any) -> bool:
    """`needs_two_factor` read from the database, without the per-request cache of the user's memberships."""
    return bool(
        user.is_superuser or user.is_staff or Membership.objects.filter(user=user, role__in=TWO_FACTOR_ROLES).exists()
    )


def is_verified(request: HttpRequest) -> bool:
    """Did this session pass the second step, with the user's current device? A device deleted by an administrator
    (a lost phone) un-verifies every session it verified. The device comes with the user (backends.ModelBackend)."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    user = request.user
    if hasattr(user, "otp_device_pk"):
        device_pk = user.otp_device_pk
    else:
        device = confirmed_device(user)
        device_pk = device.pk if device else None
    return device_pk is not None and persistent_id == f"{TOTPDevice.model_label()}/{device_pk}"


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled: the same secret (and QR code) until it is confirmed, however often the page loads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def add_confirmed_device(user: Any, *, secret: str | None = None, name: str = "") -> TOTPDevice:
    """A confirmed device, with `secret` (base32) or a random one: for the demo logins and the tests."""
    device = TOTPDevice(user=user, name=name or _("Authenticator app"), confirmed=True)
    if secret:
        device.key = base64.b32decode(secret).hex()
    device.full_clean()
    device.save()
    return device


def secret_base32(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app."""
    return base64.b32encode(device.bin_key).decode()


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// address as a QR code, an SVG image in a data: URI (the CSP allows data: images)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2, light="#fff")


def code_at(device: TOTPDevice, step: int) -> str:
    return str(hotp(device.bin_key, step, digits=device.digits)).zfill(device.digits)


def current_step(device: TOTPDevice, now: float | None = None) -> int:
    return int(((time.time() if now is None else now) - device.t0) // device.step) + device.drift


def current_code(device: TOTPDevice) -> str:
    """The code the user's app shows now (`nsm totp-code`): it is made from the secret stored in the database."""
    return code_at(device, current_step(device))


def _refuse_if_throttled(device: TOTPDevice) -> None:
    allowed, details = device.verify_is_allowed()
    if not allowed:
        until = (details or {}).get("locked_until")
        wait = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 1
        raise ValidationError(
            _("Too many wrong codes. Wait %(seconds)d seconds, then enter the code your app shows.") % {"seconds": wait}
        )


def verify_code(request: HttpRequest, *, device: TOTPDevice, code: str) -> TOTPDevice:
    """Check `code` against the user's device; right, the session is verified. Wrong codes slow further tries."""
    _refuse_if_throttled(device)
    verified = verify_token(request.user, device.persistent_id, code)
    if verified is None:
        security.log_two_factor_failure(request, request.user)
        raise ValidationError(_("This code is not right, or has expired. Enter the code your app shows now."))
    _verified(request, verified)
    return verified


def confirm_device(request: HttpRequest, *, device: TOTPDevice, code: str) -> TOTPDevice:
    """Enrollment: the first right code confirms the device (other unconfirmed ones go) and verifies the session."""
    _refuse_if_throttled(device)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user, confirmed=False)
        right = device.verify_token(code)  # a wrong code counts towards the device's throttling, kept on refusal
        if right:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
    if not right:
        security.log_two_factor_failure(request, request.user)
        raise ValidationError(_("This code is not right, or has expired. Enter the code your app shows now."))
    security.log_two_factor_enrolled(request, request.user)
    _verified(request, device)
    return device


def _verified(request: HttpRequest, device: TOTPDevice) -> None:
    request.session.cycle_key()  # a new session key as the session gains its full rights
    otp_login(request, device)
    security.log_two_factor_verified(request, request.user)
