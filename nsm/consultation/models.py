"""Drafting together: frozen versions of the plan and their consultation.

A `PlanVersion` is the plan of a strategy frozen at a moment, numbered per strategy (v1 for consultation, v2 after
it ...): its `snapshot` holds the whole results framework as plain data (see `versions.snapshot`), so that any two
versions can be compared and a consultation round comments on exactly what was published.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from nsm.accounts import access
from nsm.accounts.models import Institution
from nsm.audit import history_user
from nsm.core.limits import LONG_TEXT_CHARS, PUBLIC_COMMENT_CHARS, refuse_control_characters, refuse_longer_than
from nsm.strategy.models import Amendment, Strategy


class VersionQuerySet(access.CountryScopedQuerySet):
    pass


class PlanVersion(models.Model):
    """The plan of a strategy frozen as a numbered version."""

    class Purpose(models.TextChoices):
        WORKING = "working", _("Working draft")
        CONSULTATION = "consultation", _("For consultation")
        ADOPTION = "adoption", _("For adoption")

    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("number"))
    label = models.CharField(
        _("label"), max_length=200, blank=True, help_text=_("E.g. 'Draft for public consultation'.")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.WORKING)
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("frozen on"), default=timezone.now, editable=False)
    # The legal act that adopted this version (a decision of the Council of Ministers), when it is the adopted one.
    is_adopted = models.BooleanField(_("adopted"), default=False)
    act_number = models.CharField(_("decision number"), max_length=100, blank=True, help_text=_("E.g. DCM no. 400."))
    act_date = models.DateField(_("decision date"), null=True, blank=True)
    # The newest amendment of the adopted plan that this version holds: the amendments after it are the changes
    # still to freeze.
    last_amendment = models.ForeignKey(
        Amendment, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    objects = VersionQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, excluded_fields=["snapshot"])

    class Meta:
        ordering = ["strategy", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="plan_version_unique_number",
                violation_error_message=_("This strategy already has a version with this number."),
            ),
            models.UniqueConstraint(
                fields=["strategy"],
                condition=Q(is_adopted=True),
                name="plan_version_one_adopted",
                violation_error_message=_("Another version of this strategy is the adopted one."),
            ),
            models.CheckConstraint(
                condition=Q(is_adopted=False) | (~Q(act_number="") & Q(act_date__isnull=False)),
                name="plan_version_adopted_has_act",
                violation_error_message=_("An adopted version records its decision number and date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.strategy.code} v{self.number}"

    @property
    def name(self) -> str:
        return f"v{self.number}" + (f" ({self.label})" if self.label else "")


# --- Consultation rounds and their comments ---


class StakeholderType(models.TextChoices):
    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    ACADEMIA = "academia", _("Academia")
    DIASPORA = "diaspora", _("Diaspora")
    INTERNATIONAL = "international", _("International partner")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    INDIVIDUAL = "individual", _("Individual")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class RoundQuerySet(models.QuerySet):
    def visible_to(self, user) -> RoundQuerySet:
        """Internal users see the rounds of their country's strategies; external stakeholders only those their
        institution is invited to."""
        if access.is_superuser(user):
            return self
        invited = ConsultationRound.invited.through.objects.filter(
            institution_id__in=access.institution_ids(user, access.STAKEHOLDERS)
        ).values("consultationround_id")
        return self.filter(Q(version__strategy__country__in=access.countries(user)) | Q(pk__in=invited))

    def internal_to(self, user) -> RoundQuerySet:
        """Rounds whose comments and report the user may read: the internal users' of the country."""
        if access.is_superuser(user):
            return self
        return self.filter(version__strategy__country__in=access.countries(user))

    def editable_by(self, user) -> RoundQuerySet:
        """Rounds the user may manage, answer and see participants' emails in: the secretariat and coordinator's."""
        if access.is_superuser(user):
            return self
        return self.filter(version__strategy__country__in=access.countries(user, access.PLAN_EDITORS))

    def public(self, today: datetime.date | None = None) -> RoundQuerySet:
        """Public rounds open today: the ones anybody may comment on without an account."""
        today = today or timezone.localdate()
        return self.filter(is_public=True, opens_on__lte=today, closes_on__gte=today)

    def published(self, today: datetime.date | None = None) -> RoundQuerySet:
        """The rounds with a public page: the public ones open today, and every round whose consultation report was
        issued (issuing publishes it)."""
        today = today or timezone.localdate()
        return self.filter(
            Q(is_public=True, opens_on__lte=today, closes_on__gte=today)
            | Q(pk__in=ConsultationReport.objects.values("round"))
        )


class ConsultationRound(models.Model):
    """A consultation on a frozen version of the plan, open between two dates to invited institutions and, when the
    secretariat chooses, to the public."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Not open yet")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("version"))
    title = models.CharField(_("title"), max_length=200, validators=[refuse_control_characters])
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    is_public = models.BooleanField(
        _("open to the public"), default=False, help_text=_("Anyone may comment without an account while it is open.")
    )
    invited = models.ManyToManyField(
        Institution, blank=True, related_name="consultation_rounds", verbose_name=_("invited institutions")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    # The edit version of the round (optimistic locking; `version` is the plan version it consults).
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)

    objects = RoundQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user, m2m_fields=[invited])

    class Meta:
        ordering = ["-opens_on", "-pk"]
        verbose_name = _("consultation round")
        verbose_name_plural = _("consultation rounds")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="consultation_round_closes_after_opening",
                violation_error_message=_("A round closes on or after the day it opens."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def status_on(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if today < self.opens_on:
            return self.Status.PLANNED
        return self.Status.OPEN if today <= self.closes_on else self.Status.CLOSED

    @property
    def status(self) -> str:
        return self.status_on()

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CommentQuerySet(models.QuerySet):
    def visible_to(self, user) -> CommentQuerySet:
        """The comments a user reads on the rounds' pages: in the rounds they see, every comment for the country's
        internal users, those of their own institution for an external stakeholder (`may_read_internal`)."""
        comments = self.filter(round__in=ConsultationRound.objects.visible_to(user))
        if access.is_superuser(user):
            return comments
        return comments.filter(
            Q(round__version__strategy__country__in=access.countries(user))
            | Q(institution__in=access.institution_ids(user, access.STAKEHOLDERS))
        )

    def editable_by(self, user) -> CommentQuerySet:
        """The comments the user answers: those of the rounds they manage."""
        return self.filter(round__in=ConsultationRound.objects.editable_by(user))


class ConsultationComment(models.Model):
    """A comment on one item of the consulted version (by its code in the snapshot) or on the whole plan, by a
    signed-in user or by a member of the public, and the secretariat's answer to it."""

    class Target(models.TextChoices):
        PLAN = "plan", _("Whole plan")
        GOAL = "goal", _("Goal")
        OBJECTIVE = "objective", _("Objective")
        MEASURE = "measure", _("Measure")
        ACTIVITY = "activity", _("Activity")
        INDICATOR = "indicator", _("Indicator")

    class Answer(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        PARTLY = "partly", _("Partly accepted")
        NOT_ACCEPTED = "not_accepted", _("Not accepted")

    round = models.ForeignKey(
        ConsultationRound, on_delete=models.CASCADE, related_name="comments", verbose_name=_("round")
    )
    target_kind = models.CharField(_("on"), max_length=10, choices=Target.choices, default=Target.PLAN)
    target_code = models.CharField(_("item code"), max_length=30, blank=True)
    # At most PUBLIC_COMMENT_CHARS characters from the public, LONG_TEXT_CHARS from a signed-in user (`clean`).
    text = models.TextField(_("comment"), validators=[refuse_control_characters])
    # A signed-in author, and the institution they commented for ...
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("institution")
    )
    # ... or a member of the public.
    name = models.CharField(_("name"), max_length=200, blank=True, validators=[refuse_control_characters])
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, validators=[refuse_control_characters]
    )
    email = models.EmailField(_("email"), blank=True)
    consent = models.BooleanField(_("consent to publication"), default=False)
    stakeholder_type = models.CharField(_("stakeholder type"), max_length=20, choices=StakeholderType.choices)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex.choices, default=Sex.UNDISCLOSED)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, editable=False)
    answer = models.CharField(_("answer"), max_length=12, choices=Answer.choices, blank=True)
    answer_reason = models.TextField(_("reason"), blank=True, validators=[refuse_control_characters])
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()
    history = HistoricalRecords(get_user=history_user)

    class Meta:
        ordering = ["round", "created_at", "pk"]
        verbose_name = _("consultation comment")
        verbose_name_plural = _("consultation comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_kind="plan", target_code="") | (~Q(target_kind="plan") & ~Q(target_code="")),
                name="consultation_comment_target",
                violation_error_message=_("A comment is on the whole plan, or on one item named by its code."),
            ),
            models.CheckConstraint(
                condition=Q(author__isnull=False) | (~Q(name="") & ~Q(email="")),
                name="consultation_comment_author",
                violation_error_message=_("A public comment gives a name and an email address."),
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answer="accepted") | ~Q(answer_reason=""),
                name="consultation_comment_answer_reason",
                violation_error_message=_("Give the reason when a comment is not fully accepted."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"

    def clean(self) -> None:
        """Every text within its length: a public comment within PUBLIC_COMMENT_CHARS, the others LONG_TEXT_CHARS.
        The comment's own text is checked when it is posted only, so that one stored before the limits existed can
        still be answered."""
        errors: dict[str, ValidationError] = {}
        text_limit = PUBLIC_COMMENT_CHARS if self.author_id is None else LONG_TEXT_CHARS
        checks = [("text", text_limit)] if self._state.adding else []
        for field, limit in (*checks, ("answer_reason", LONG_TEXT_CHARS)):
            try:
                refuse_longer_than(limit, getattr(self, field))
            except ValidationError as error:
                errors[field] = error
        if errors:
            raise ValidationError(errors)

    @property
    def is_public(self) -> bool:
        return self.author_id is None

    @property
    def participant_key(self) -> str:
        """Who posted it, to count distinct participants: the signed-in user, else the email address."""
        return f"user:{self.author_id}" if self.author_id else f"email:{self.email.strip().lower()}"

    @property
    def target_label(self) -> str:
        if self.target_kind == self.Target.PLAN:
            return str(self.Target.PLAN.label)
        return f"{self.get_target_kind_display()} {self.target_code}"


class ConsultationReport(models.Model):
    """The consultation report of a closed round as the secretariat issued it (Law 146/2014): `content` freezes what
    it says (the round, the version, who was invited, participants by stakeholder type and sex, every comment with
    its answer and reason; never an e-mail address), so that a later answer does not change a report issued. A
    round may be issued again: each issue is numbered and kept. Issuing publishes it on the round's public page."""

    round = models.ForeignKey(
        ConsultationRound, on_delete=models.PROTECT, related_name="reports", verbose_name=_("round")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    issued_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("issued by"),
    )  # fmt: skip
    content = models.JSONField(_("content"), default=dict, editable=False)

    history = HistoricalRecords(get_user=history_user, excluded_fields=["content"])

    class Meta:
        ordering = ["round", "-number"]
        verbose_name = _("consultation report")
        verbose_name_plural = _("consultation reports")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "number"],
                name="consultation_report_unique_number",
                violation_error_message=_("This round already has a report with this number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.number}"


class PublicCommentCounter(models.Model):
    """A row that public comments lock while they are posted (`select_for_update`), so that parallel posts are
    counted one after another, never read and then written: one row per visitor's address (the public comments
    it posted since `started`, for the rate limit) and one per identical comment (so that a double-click stores it
    once). Keys are hashed: no address is stored. Rows whose window has passed are deleted as comments come in."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    started = models.DateTimeField(_("window started"), db_index=True)
    count = models.PositiveIntegerField(_("comments in the window"), default=0)

    class Meta:
        verbose_name = _("public comment counter")
        verbose_name_plural = _("public comment counters")

    def __str__(self) -> str:
        return self.key
