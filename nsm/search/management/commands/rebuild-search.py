"""`nsm rebuild-search`: write the search index again from the indexed tables."""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _

from nsm.search import index


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Write the search index again from the plan, institutions, reports, comments and meetings. The database "
            "keeps it up to date by itself at every change; run this after a restore made by other means than "
            "`nsm restore`, or to check it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            index.install(connection)
            count = index.rebuild(connection)
        self.stdout.write(_("Written: %(count)s search entries.") % {"count": count})
