"""Notices of workflow steps to the people concerned, shown in the inbox and e-mailed as each user chooses."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nsm.consultation.models import ConsultationComment
from nsm.i18n import Localized


class Kind(models.TextChoices):
    """What a notice tells; each user chooses how each kind reaches them (`NotificationPreference`)."""

    CYCLE_OPENED = "cycle_opened", _("A reporting cycle opened")
    REPORT_SUBMITTED = "report_submitted", _("A report was submitted")
    REPORT_RETURNED = "report_returned", _("A report was returned")
    REPORT_APPROVED = "report_approved", _("A report was approved")
    REPORT_REOPENED = "report_reopened", _("A report was reopened")
    COMMENT = "comment", _("A comment on a report")
    REPORT_DUE_SOON = "report_due_soon", _("A report is due soon")
    REPORT_OVERDUE = "report_overdue", _("A report is overdue")
    ACTION_ASSIGNED = "action_assigned", _("An action point was given to your institution")
    ACTION_OVERDUE = "action_overdue", _("An action point is overdue")
    ROUND_INVITED = "round_invited", _("An invitation to a consultation round")
    COMMENT_ANSWERED = "comment_answered", _("An answer to your consultation comment")


# The reminders of reports due (nsm.monitoring.reminders) e-mail the focal points themselves: their notices show in
# the platform only, and there is no choice to make for them.
REMINDER_KINDS = frozenset({Kind.REPORT_DUE_SOON, Kind.REPORT_OVERDUE})
# The kinds whose delivery each user chooses.
CHOSEN_KINDS = [kind for kind in Kind if kind not in REMINDER_KINDS]


class Delivery(models.TextChoices):
    EMAIL = "email", _("E-mail at once")
    DIGEST = "digest", _("One e-mail a day (digest)")
    APP = "app", _("In the platform only")


class Notification(models.Model):
    """One notice to one user: the words in both languages, written when the step happened, and where it leads.

    `key` names the step (`kind:object:version`): a step makes at most one notice per user, whoever announces it
    again. `delivery` is the user's choice for the kind when the notice was made (in the platform only for a user
    without an e-mail address); `emailed_at` is set in the transaction that sent it, so it is never mailed twice.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("key"), max_length=100)
    text_sq = models.TextField(_("text (Albanian)"))
    text_en = models.TextField(_("text (English)"))
    detail = models.TextField(_("detail"), blank=True, help_text=_("The reason or the comment, as written."))
    url = models.CharField(_("link"), max_length=300, help_text=_("The address of the page, from the site's root."))
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    text = Localized("text")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                name="notification_once_per_user",
                violation_error_message=_("This user was told of this step already."),
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["delivery", "emailed_at"], name="notification_to_send"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.key}"


class NotificationPreference(models.Model):
    """How one kind of notice reaches one user; without a row, by e-mail at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EMAIL)

    class Meta:
        ordering = ["user", "kind"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"],
                name="notification_preference_once_per_kind",
                violation_error_message=_("This user chose for this kind already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.delivery}"


class AnswerEmail(models.Model):
    """The e-mail of the secretariat's answer to a public comment, to the address its commenter gave.

    The commenter has no account, so no inbox: this row is only the never-twice guard of the mail, as `emailed_at`
    and `key` are for a notification. The address is not copied here: the mail is sent to the comment's own, so it
    shows on no page of this app (the admin does not list these rows). The answer is kept as it was given, so that a
    mail sent late says what was answered then.
    """

    comment = models.ForeignKey(
        ConsultationComment, on_delete=models.CASCADE, related_name="+", verbose_name=_("comment")
    )
    key = models.CharField(_("key"), max_length=100, unique=True)
    answer = models.CharField(_("answer"), max_length=12, choices=ConsultationComment.Answer.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("answer e-mail")
        verbose_name_plural = _("answer e-mails")
        indexes = [models.Index(fields=["emailed_at"], name="answer_email_to_send")]

    def __str__(self) -> str:
        return self.key
