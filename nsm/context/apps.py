from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContextConfig(AppConfig):
    name = "nsm.context"
    label = "context"
    verbose_name = _("Evidence base: context indicators")
