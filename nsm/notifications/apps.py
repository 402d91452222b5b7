from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "nsm.notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from nsm.monitoring.services import workflow_step
        from nsm.notifications.services import notify_workflow_step

        workflow_step.connect(notify_workflow_step, dispatch_uid="nsm.notifications.workflow_step")
