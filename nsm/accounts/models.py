"""Users, the institutions they work for, and their role in each (Membership)."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.audit import history_user
from nsm.i18n import Localized


class User(AbstractUser):
    """A person who signs in. What they may see and do comes from their memberships (see access.py)."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


# The names of the countries whose plans the platform holds, for sentences such as "MPB is not an institution of
# Kosovo (XK)". A country not listed here is named by its code alone.
COUNTRY_NAMES = {
    "AL": _("Albania"),
    "BA": _("Bosnia and Herzegovina"),
    "ME": _("Montenegro"),
    "MK": _("North Macedonia"),
    "RS": _("Serbia"),
    "XK": _("Kosovo"),
}


def country_label(code: str) -> str:
    """`Kosovo (XK)`, or the code alone for a country without a name here."""
    name = COUNTRY_NAMES.get(code)
    return f"{name} ({code})" if name else code


class Institution(models.Model):
    """A ministry, agency, municipality or partner that leads or supports parts of a plan.

    An institution belongs to one country, and only that country's plans name it; its code is unique within the
    country (MPB of Albania and MPB of Kosovo are two institutions), so a code is looked up with its country.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        MUNICIPALITY = "municipality", _("Municipality")
        INDEPENDENT = "independent", _("Independent institution")
        INTERNATIONAL = "international", _("International organisation")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        DIASPORA = "diaspora", _("Diaspora association")
        OTHER = "other", _("Other")

    code = models.CharField(
        _("code"), max_length=40, help_text=_("The acronym, e.g. MPB; unique within the institution's country.")
    )
    name_sq = models.CharField(_("name (Albanian)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country = models.CharField(_("country"), max_length=2, default="AL", help_text=_("ISO 3166 alpha-2 code."))
    is_active = models.BooleanField(_("active"), default=True, help_text=_("Off for bodies that no longer exist."))
    source = models.TextField(_("source"), blank=True)
    verified = models.CharField(_("verified"), max_length=10, blank=True)

    name = Localized("name")
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["code"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code"],
                name="institution_code_unique_per_country",
                violation_error_message=_("Another institution of this country has this code."),
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if not (self.name_sq.strip() or self.name_en.strip()):
            raise ValidationError({"name_sq": _("Give the name in Albanian or in English.")})

    def refusal_for(self, country: str) -> str | None:
        """Why this institution cannot be named in a plan of `country` (another country's), or None."""
        if self.country == country:
            return None
        return _("%(code)s is not an institution of %(country)s: it is one of %(other)s.") % {
            "code": self.code,
            "country": country_label(country),
            "other": country_label(self.country),
        }


class Membership(models.Model):
    """A user's role in one institution. The role decides what the user may do (access.py)."""

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        SECRETARIAT = "secretariat", _("Secretariat")
        COORDINATOR = "coordinator", _("Coordinator")
        VIEWER = "viewer", _("Viewer")
        STAKEHOLDER = "stakeholder", _("External stakeholder")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["institution__code", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "institution"],
                name="membership_one_role_per_institution",
                violation_error_message=_("This user already has a role in this institution."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution} ({self.get_role_display()})"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ApiTokenQuerySet":
        """A user's own tokens; every token for a superuser."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self if user.is_superuser and user.is_active else self.filter(user=user)

    def editable_by(self, user) -> "ApiTokenQuerySet":
        return self.visible_to(user)

    def active(self, now: datetime.datetime | None = None) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiToken(models.Model):
    """A key with which a program acts as its user through the API (`Authorization: Bearer <key>`).

    The key is shown once, when the token is made; only its SHA-256 hash is stored, with its first characters
    (`prefix`) so that people can tell their tokens apart. A token expires (90 days by default, a year at most) and
    can be revoked; `last_used_at` is not part of the history (it changes on use, not by anyone's decision).
    """

    PREFIX_LENGTH = 8
    DEFAULT_DAYS = 90
    MAX_DAYS = 365

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the program using it."))
    prefix = models.CharField(_("key prefix"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["last_used_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_creation",
                violation_error_message=_("A token expires after it is created."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        longest = datetime.timedelta(days=self.MAX_DAYS)
        if self.expires_at and self.created_at and self.expires_at > self.created_at + longest:
            raise ValidationError({"expires_at": _("A token is valid for a year at most.")})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        return not self.is_revoked and not self.is_expired(now)


class RateCounter(models.Model):
    """A counter of requests in a window, locked while it is counted (`select_for_update`), so that parallel requests
    are counted one after another by every process of every server: the password-reset limit per address and per
    client. Keys are hashed: no address is stored. The count starts again when its window has passed."""

    key = models.CharField(_("key"), max_length=100, unique=True)
    started = models.DateTimeField(_("window started"), db_index=True)
    count = models.PositiveIntegerField(_("requests in the window"), default=0)

    class Meta:
        verbose_name = _("rate counter")
        verbose_name_plural = _("rate counters")

    def __str__(self) -> str:
        return self.key


class Invitation(models.Model):
    """An e-mail inviting someone to the platform in a role at an institution: its link lets them set a password once,
    which makes their account (user name: the e-mail address) and their membership.

    Only the SHA-256 hash of the link's key is stored; sending the invitation again makes a new key (the older link
    stops working) and a new expiry. An invitation is pending until it is accepted or cancelled; past `expires_at`
    its link is refused and it can be sent again.
    """

    class Language(models.TextChoices):
        ALBANIAN = "sq", _("Albanian")
        ENGLISH = "en", _("English")

    # The address becomes the user name, which holds 150 characters.
    EMAIL_CHARS = 150

    email = models.EmailField(_("e-mail address"), max_length=EMAIL_CHARS)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("institution")
    )
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    language = models.CharField(_("language of the e-mail"), max_length=2, choices=Language.choices, default="sq")
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("invited"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("last sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("link valid until"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account made"),
    )

    history = HistoricalRecords(get_user=history_user, excluded_fields=["key_hash"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="invitation_one_pending_per_address",
                violation_error_message=_(
                    "An invitation to this address is pending already: send it again from the people page."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} @ {self.institution} ({self.get_role_display()})"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.cancelled_at is None

    def is_expired(self, now: datetime.datetime | None = None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def refusal(self, now: datetime.datetime | None = None) -> str | None:
        """Why the link cannot be used (in a sentence), or None while it can."""
        if self.accepted_at is not None:
            return str(_("This invitation has been used already: sign in with your user name and password."))
        if self.cancelled_at is not None:
            return str(_("This invitation was cancelled. Ask the secretariat if you still need an account."))
        if self.is_expired(now):
            return str(_("This invitation has expired. Ask the secretariat to send it again."))
        return None


class AccountEvent(models.Model):
    """A step of a person's account, and who took it: joined by invitation, role or institution changed,
    deactivated, reactivated, second factor reset. The audit of the people pages (the user model keeps no history
    of its own); membership changes are also in the memberships' history."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined by invitation")
        MEMBERSHIP_CHANGED = "membership", _("Role or institution changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_events", verbose_name=_("user")
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")

    def __str__(self) -> str:
        return f"{self.user} {self.kind} {self.at:%Y-%m-%d %H:%M}"
