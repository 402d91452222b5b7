"""The sign-in backend: Django's, except that it reads the user's two-factor device with the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends
from django.db.models import OuterRef, Subquery
from django_otp.plugins.otp_totp.models import TOTPDevice

from nsm.accounts.models import User


class ModelBackend(backends.ModelBackend):
    """`get_user` (once per request, from the session) annotates `otp_device_pk`, the user's confirmed device, so
    that telling whether the session passed two-factor sign-in (twofactor.is_verified) costs no second query."""

    def get_user(self, user_id: Any) -> User | None:
        device = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("pk").values("pk")[:1]
        try:
            user = User._default_manager.annotate(otp_device_pk=Subquery(device)).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
