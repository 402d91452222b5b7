"""Users, the institutions they work for, and their role in each (Membership)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
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


class Institution(models.Model):
    """A ministry, agency, municipality or partner that leads or supports parts of a plan."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        MUNICIPALITY = "municipality", _("Municipality")
        INDEPENDENT = "independent", _("Independent institution")
        INTERNATIONAL = "international", _("International organisation")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        ACADEMIA = "academia", _("Academia")
        OTHER = "other", _("Other")

    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("The acronym, e.g. MPB."))
    name_sq = models.CharField(_("name (Albanian)"), max_length=200)
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

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """A user's role in one institution. The role decides what the user may do (access.py)."""

    class Role(models.TextChoices):
        FOCAL_POINT = "focal_point", _("Focal point")
        SECRETARIAT = "secretariat", _("Secretariat")
        COORDINATOR = "coordinator", _("Coordinator")
        VIEWER = "viewer", _("Viewer")

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
