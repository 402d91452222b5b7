from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "nsm.accounts"
    verbose_name = _("Accounts and institutions")

    def ready(self) -> None:
        from simple_history.signals import pre_create_historical_record

        from nsm.accounts import security
        from nsm.audit import record_reason

        pre_create_historical_record.connect(record_reason, dispatch_uid="nsm_history_reason")
        security.connect_signals()
