"""Capacity building: the trainings held for the officials who draft and implement the strategy, and who attended.

A `Training` belongs to a strategy and covers one or more topics (`TrainingTopic`, one row per topic, so that lists
filter and summaries group by topic in SQL on SQLite and PostgreSQL alike). A `Participant` is one person at one
training, with an optional pre-test and post-test score (0-100). One official is one name (compared without case
and extra spaces, `name_key`) at one institution: the summaries count officials, not attendances.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.audit import history_user
from nsm.strategy.models import Strategy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def name_key(name: str) -> str:
    """`  Ana   HOXHA ` -> `ana hoxha`: how two spellings of one person's name are compared."""
    return " ".join(name.split()).casefold()


class Topic(models.TextChoices):
    MIGRATION_LAW = "migration_law", _("International migration law")
    GCM = "gcm", _("Global Compact for Migration (GCM)")
    GENDER = "gender", _("Gender")
    RIGHTS = "rights_based", _("Rights-based approach")
    DATA = "data_monitoring", _("Data and monitoring")
    OTHER = "other", _("Other")


class TrainingQuerySet(access.CountryScopedQuerySet):
    """Trainings are read by every internal user of the strategy's country, changed by its plan editors."""


class Training(models.Model):
    """A training (course, workshop) held for officials under a strategy."""

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="trainings")
    title = models.CharField(_("title"), max_length=300)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    organiser = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organised_trainings",
        verbose_name=_("organising institution"),
    )
    organiser_name = models.CharField(
        _("other organiser"),
        max_length=200,
        blank=True,
        help_text=_("When the organiser is not an institution of the list (a project, a university ...)."),
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    objects = TrainingQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["strategy", "-starts_on", "title"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=models.F("ends_on")),
                name="training_dates_in_order",
                violation_error_message=_("The last day must not come before the first day."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser_label(self) -> str:
        if self.organiser_id:
            return self.organiser.code  # type: ignore[union-attr]
        return self.organiser_name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise] = {}
        if not self.title.strip():
            errors["title"] = _("Give the training's title.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The last day must not come before the first day.")
        if not self.organiser_id and not self.organiser_name.strip():
            errors["organiser"] = _("Choose the organising institution or name the organiser.")
        if self.strategy_id and self.starts_on and self.starts_on.year not in self.strategy.years:
            errors["starts_on"] = _("The training must take place within the strategy's years (%(start)s-%(end)s).") % {
                "start": self.strategy.start_year,
                "end": self.strategy.end_year,
            }
        if errors:
            raise ValidationError(errors)


class TrainingTopic(models.Model):
    """One topic a training covers."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)

    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["training", "topic"]
        verbose_name = _("training topic")
        verbose_name_plural = _("training topics")
        constraints = [
            models.UniqueConstraint(fields=["training", "topic"], name="training_topic_once"),
            models.CheckConstraint(condition=Q(topic__in=Topic.values), name="training_topic_known"),
        ]

    def __str__(self) -> str:
        return f"{self.training_id} {self.topic}"


class ParticipantQuerySet(access.CountryScopedQuerySet):
    country_lookup = "training__strategy__country"


class Participant(models.Model):
    """One official at one training, with the scores of the tests taken before and after it (0-100, optional)."""

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="participants")
    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True)
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="trained_officials", verbose_name=_("institution")
    )
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    position = models.CharField(_("position"), max_length=200, blank=True)
    pre_score = models.PositiveSmallIntegerField(
        _("pre-test score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    post_score = models.PositiveSmallIntegerField(
        _("post-test score"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    objects = ParticipantQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["training", "name_key", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "name_key", "institution"],
                name="participant_once_per_training",
                violation_error_message=_("This person of this institution is already listed in this training."),
            ),
            models.CheckConstraint(
                condition=(Q(pre_score__isnull=True) | Q(pre_score__lte=100))
                & (Q(post_score__isnull=True) | Q(post_score__lte=100)),
                name="participant_scores_0_100",
                violation_error_message=_("A score is from 0 to 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = name_key(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.name = " ".join(self.name.split())
        self.name_key = name_key(self.name)
        if not self.name:
            raise ValidationError({"name": _("Give the participant's name.")})

    @property
    def gain(self) -> int | None:
        """Post-test minus pre-test score, when both were taken."""
        if self.pre_score is None or self.post_score is None:
            return None
        return self.post_score - self.pre_score
