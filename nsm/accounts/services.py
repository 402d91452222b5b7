"""API tokens: make one (the key is returned once and never stored), revoke one, and tell who a key belongs to.
People (`nsm.accounts.views_people`): invite someone by e-mail, send the invitation again or cancel it, accept it
(set a password: the account and its membership are made), change a membership's role and institution, deactivate
and reactivate a user, reset a lost second factor. Each is atomic, refuses in a sentence what the acting user may
not do, and writes an `AccountEvent` (and the memberships' and invitations' history) naming who did it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets
import smtplib
from typing import Any

from django.conf import settings
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from nsm.accounts import access
from nsm.accounts.models import AccountEvent, ApiToken, Institution, Invitation, Membership, User, country_label
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


# --- People: invitations, memberships, deactivation, the second factor ---------------------------------------------

logger = logging.getLogger("nsm.accounts")


_PENDING_ALREADY = _lazy("An invitation to this address is pending already: send it again from the people page.")


def invitation_days() -> int:
    """How long an invitation's link works (settings.INVITATION_DAYS, from NSM_INVITATION_DAYS)."""
    return int(settings.INVITATION_DAYS)


def invitation_for_key(key: str) -> Invitation | None:
    """The invitation of a link's key (used, cancelled and expired ones too: the page says why it is refused)."""
    if not key or len(key) > 100:
        return None
    return Invitation.objects.select_related("institution").filter(key_hash=hash_key(key)).first()


def _refuse_unmanaged(by: Any, institution: Institution, field: str = "institution") -> None:
    """Another country's institution is not the acting user's to give (the forms do not offer it)."""
    if not access.may_manage_people(by, institution.country):
        raise ValidationError(
            {
                field: _("%(code)s is not an institution of a country whose people you manage.")
                % {"code": institution.code}
            }
        )


def _refuse_taken(email: str) -> None:
    if User.objects.filter(Q(username__iexact=email) | Q(email__iexact=email)).exists():
        raise ValidationError(
            {"email": _("Someone with this address has an account already: change their role on their page.")}
        )


def invite_person(
    *, by: Any, email: str, first_name: str, last_name: str, institution: Institution, role: str, language: str
) -> tuple[Invitation, bool]:
    """Invite `email` to `institution` in `role`; e-mails the link. Returns the invitation and whether the e-mail
    went (when it did not, the invitation stays, to be sent again)."""
    email = email.strip()
    _refuse_unmanaged(by, institution)
    try:
        UnicodeUsernameValidator()(email)
    except ValidationError as error:
        raise ValidationError(
            {"email": _("This address cannot be a user name: use one of letters, digits and @ . + - _ only.")}
        ) from error
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation = Invitation(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        institution=institution,
        role=role,
        language=language,
        key_hash=hash_key(key),
        invited_by=by,
        created_at=now,
        sent_at=now,
        expires_at=now + datetime.timedelta(days=invitation_days()),
    )
    try:
        with transaction.atomic(), acting_as(by):
            _refuse_taken(email)
            if Invitation.objects.filter(email__iexact=email, accepted_at=None, cancelled_at=None).exists():
                raise ValidationError({"email": _PENDING_ALREADY})
            invitation.full_clean()
            invitation.save()
    except IntegrityError as error:  # the same address invited at the same moment by someone else
        raise ValidationError({"email": _PENDING_ALREADY}) from error
    return invitation, _send_invitation(invitation, key)


def _locked_pending(invitation: Invitation) -> Invitation:
    locked = Invitation.objects.select_for_update().select_related("institution").get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(_("%(email)s has accepted this invitation already.") % {"email": locked.email})
    if locked.cancelled_at is not None:
        raise ValidationError(_("This invitation was cancelled: invite %(email)s again.") % {"email": locked.email})
    return locked


def resend_invitation(invitation: Invitation, *, by: Any) -> tuple[Invitation, bool]:
    """A new link, valid for `invitation_days()` from now; the link sent before stops working."""
    key = secrets.token_urlsafe(32)
    with transaction.atomic(), acting_as(by):
        invitation = _locked_pending(invitation)
        _refuse_unmanaged(by, invitation.institution)
        now = timezone.now()
        invitation.key_hash = hash_key(key)
        invitation.sent_at = now
        invitation.expires_at = now + datetime.timedelta(days=invitation_days())
        invitation.save()
    return invitation, _send_invitation(invitation, key)


def cancel_invitation(invitation: Invitation, *, by: Any) -> Invitation:
    """The link stops working; the invitation stays listed in its history. An accepted one cannot be cancelled."""
    with transaction.atomic(), acting_as(by):
        invitation = _locked_pending(invitation)
        _refuse_unmanaged(by, invitation.institution)
        invitation.cancelled_at = timezone.now()
        invitation.save()
    return invitation


def _send_invitation(invitation: Invitation, key: str) -> bool:
    """E-mail the link, in the invitation's language. False when the mail server refused it (logged)."""
    site = settings.SITE_URL.rstrip("/")
    context = {
        "invitation": invitation,
        "link": site + reverse("accounts:invitation", args=[key]),
        "site_url": site,
        "days": invitation_days(),
        "role": None,
    }
    with translation.override(invitation.language):
        context["role"] = invitation.get_role_display()
        subject = " ".join(render_to_string("accounts/invitation_subject.txt", context).split())
        body = render_to_string("accounts/invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [invitation.email])
    except (OSError, smtplib.SMTPException):
        logger.exception("The invitation %s could not be e-mailed.", invitation.pk)
        return False
    return True


def accept_invitation(invitation: Invitation, *, password: str) -> Any:
    """The link's form: make the account (user name: the e-mail address, lower case) with `password` (checked by
    the form against AUTH_PASSWORD_VALIDATORS) and its membership. Refused when the link was used, cancelled or has
    expired, even by a request that raced another."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().select_related("institution").get(pk=invitation.pk)
        refusal = invitation.refusal()
        if refusal:
            raise ValidationError(refusal)
        _refuse_taken(invitation.email)
        user = User(
            username=invitation.email.lower(),
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        with acting_as(user, reason="invitation accepted"):
            membership = Membership(user=user, institution=invitation.institution, role=invitation.role)
            membership.full_clean()
            membership.save()
            invitation.accepted_at = timezone.now()
            invitation.user = user
            invitation.save()
        AccountEvent.objects.create(
            user=user, kind=AccountEvent.Kind.JOINED, by=invitation.invited_by, detail=_describe(membership)
        )
    return user


def _describe(membership: Membership) -> str:
    return _("%(role)s at %(institution)s") % {
        "role": membership.get_role_display(),
        "institution": membership.institution.code,
    }


def _refuse_out_of_reach(user: Any, *, by: Any, self_refusal: str) -> None:
    """What nobody does to an account through the people pages: their own (`self_refusal`), an administrator's (but
    another administrator), one who also works for a country whose people `by` does not manage."""
    if user.pk == by.pk:
        raise ValidationError(self_refusal)
    if (user.is_superuser or user.is_staff) and not access.is_superuser(by):
        raise ValidationError(
            _("%(name)s is an administrator of the platform: only an administrator changes their account.")
            % {"name": user}
        )
    managed = access.people_countries(by)
    if not Membership.objects.filter(user=user, institution__country__in=managed).exists():
        raise ValidationError(_("%(name)s is not a member of an institution whose people you manage.") % {"name": user})
    elsewhere = (
        Membership.objects.filter(user=user)
        .exclude(institution__country__in=managed)
        .values_list("institution__country", flat=True)
        .first()
    )
    if elsewhere:
        raise ValidationError(
            _("%(name)s also works for an institution of %(country)s: ask an administrator to do this.")
            % {"name": user, "country": country_label(elsewhere)}
        )


def change_membership(
    membership: Membership, *, by: Any, institution: Institution, role: str, seen: str = ""
) -> Membership:
    """Move a membership to another institution of a managed country, in `role`. `seen` is the membership as the
    form showed it (`membership_state`): when it changed meanwhile, the change is refused, naming what it is now."""
    if membership.user_id == by.pk:
        raise ValidationError(
            _(
                "You cannot change your own role or institution: ask another member of the secretariat or the "
                "coordinator."
            )
        )
    _refuse_unmanaged(by, institution)
    with transaction.atomic(), acting_as(by):
        locked = Membership.objects.select_for_update().select_related("institution", "user").get(pk=membership.pk)
        _refuse_unmanaged(by, locked.institution)
        user = locked.user
        if (user.is_superuser or user.is_staff) and not access.is_superuser(by):
            raise ValidationError(
                _("%(name)s is an administrator of the platform: only an administrator changes their account.")
                % {"name": user}
            )
        if seen and seen != membership_state(locked):
            raise ValidationError(
                _(
                    "Someone else changed this membership since you opened the page: it is now %(now)s. Your "
                    "choice is still in the form: save again to replace it, or cancel."
                )
                % {"now": _describe(locked)},
                code="stale",
            )
        before = _describe(locked)
        if (locked.institution_id, locked.role) == (institution.pk, role):
            return locked
        locked.institution, locked.role = institution, role
        locked.full_clean()
        locked.save()
        AccountEvent.objects.create(
            user=user, kind=AccountEvent.Kind.MEMBERSHIP_CHANGED, by=by, detail=f"{before} → {_describe(locked)}"
        )
    return locked


def membership_state(membership: Membership) -> str:
    """The membership as a form shows it, to tell later whether it changed meanwhile."""
    return f"{membership.institution_id}:{membership.role}"


def set_active(user: Any, *, by: Any, active: bool) -> Any:
    """Deactivate a user (they can no longer sign in, their API keys are refused; nothing they wrote is touched and
    their memberships stay, so that reactivating gives everything back) or reactivate them."""
    self_refusal = (
        _("You cannot deactivate yourself: ask another member of the secretariat or the coordinator.")
        if not active
        else _("You cannot reactivate yourself.")
    )
    _refuse_out_of_reach(user, by=by, self_refusal=self_refusal)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active != active:
            locked.is_active = active
            locked.save(update_fields=["is_active"])
            kind = AccountEvent.Kind.REACTIVATED if active else AccountEvent.Kind.DEACTIVATED
            AccountEvent.objects.create(user=locked, kind=kind, by=by)
    return locked


def reset_two_factor(user: Any, *, by: Any) -> int:
    """After a lost phone: remove the user's authenticator devices, so that they set up their app again at their
    next sign-in (every session the old device verified goes back to the second step). Returns how many went."""
    _refuse_out_of_reach(
        user,
        by=by,
        self_refusal=_(
            "You cannot reset your own two-factor sign-in: ask another member of the secretariat or the coordinator."
        ),
    )
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        removed, _kinds = TOTPDevice.objects.filter(user=user).delete()
        if not removed:
            raise ValidationError(
                _("%(name)s has not set up two-factor sign-in: there is nothing to reset.") % {"name": user}
            )
        AccountEvent.objects.create(user=user, kind=AccountEvent.Kind.TWO_FACTOR_RESET, by=by)
    return removed
