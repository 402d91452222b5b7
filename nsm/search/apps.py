from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "nsm.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        """After every `migrate`, put back the triggers that keep the index (nsm.search.index) when a migration of
        another app rebuilt an indexed table without them (SQLite rebuilds a table to alter it), and write the index
        again when any was missing, so that it is never stale."""
        post_migrate.connect(_keep_triggers, sender=self)


def _keep_triggers(using: str = "default", **kwargs: Any) -> None:
    from django.db import connections

    from nsm.search import index

    connection = connections[using]
    if index.ENTRY_TABLE in connection.introspection.table_names() and not index.triggers_in_place(connection):
        index.install(connection)
        index.rebuild(connection)
