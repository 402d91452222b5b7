from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "nsm.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from nsm.consultation.rounds import comment_answered, round_invitation
        from nsm.monitoring.reminders import reminders_sent
        from nsm.monitoring.services import workflow_step
        from nsm.notifications import services
        from nsm.workinggroup.services import action_point_assigned

        workflow_step.connect(services.notify_workflow_step, dispatch_uid="nsm.notifications.workflow_step")
        reminders_sent.connect(services.notify_reminders_sent, dispatch_uid="nsm.notifications.reminders_sent")
        action_point_assigned.connect(
            services.notify_action_point_assigned, dispatch_uid="nsm.notifications.action_point_assigned"
        )
        round_invitation.connect(services.notify_round_invitation, dispatch_uid="nsm.notifications.round_invitation")
        comment_answered.connect(services.tell_comment_answered, dispatch_uid="nsm.notifications.comment_answered")
