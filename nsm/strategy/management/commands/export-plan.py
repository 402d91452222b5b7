"""`nsm export-plan STRATEGY_CODE FILE.xlsx`: write a plan as a workbook that `import-plan` reads back."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.strategy.models import Strategy
from nsm.strategy.workbook import write_workbook


class Command(BaseCommand):
    help = "Export a strategy's action plan as an Excel workbook (the format of docs/workbook.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="the strategy's code, e.g. AL-NSM-2024-2030")
        parser.add_argument("file", help="the .xlsx file to write")
        parser.add_argument("--language", choices=("en", "sq"), default="en", help="headers in English or Albanian")

    def handle(self, *args: Any, code: str, file: str, language: str = "en", **options: Any) -> None:
        strategy = Strategy.objects.filter(code=code).first()
        if strategy is None:
            raise CommandError(_('There is no strategy with the code "%(code)s".') % {"code": code})
        try:
            write_workbook(strategy, file, language=language)
        except OSError as error:
            raise CommandError(_("The file cannot be written: %(error)s") % {"error": error.strerror}) from error
        self.stdout.write(_("%(code)s: plan written to %(file)s.") % {"code": code, "file": file})
