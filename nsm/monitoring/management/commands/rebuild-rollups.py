"""`nsm rebuild-rollups [--strategy CODE]`: write the figures kept at approval again from the approved reports."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from nsm.monitoring import kept
from nsm.strategy.models import Strategy


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Write again, from the approved reports, the figures that the analysis reads (each activity's latest "
            "approved status, each indicator's approved values per cycle). They are kept up to date when reports "
            "are approved or reopened; run this after data were changed in the database by other means."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--strategy", help=_("The code of one strategy; all strategies when left out."))

    def handle(self, *args: Any, strategy: str | None = None, **options: Any) -> None:
        ids = None
        if strategy:
            ids = list(Strategy.objects.filter(code=strategy).values_list("pk", flat=True))
            if not ids:
                raise CommandError(_("There is no strategy %(code)s.") % {"code": strategy})
        with transaction.atomic():
            activities, indicators = kept.rebuild(ids)
        self.stdout.write(
            _("Written: %(activities)s activity standings and %(indicators)s indicator figures.")
            % {"activities": activities, "indicators": indicators}
        )
