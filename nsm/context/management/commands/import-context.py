"""`nsm import-context FILE [--country AL]`: import context statistics from a CSV or XLSX table.

Exit 0 with one line saying what was created, updated and left unchanged; on any error exit 1 with every error
on stderr, each naming its row and column (CSV) or cell (XLSX), and nothing written.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.context.importer import ContextImportError, import_file


class Command(BaseCommand):
    help = "Import context statistics (indicator, value, unit, year, source ...) from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="a .csv or .xlsx file with the columns of docs (nsm/context/importer.py)")
        parser.add_argument("--country", default="AL", help="ISO 3166 alpha-2 code of the country (default AL)")
        parser.add_argument("--user", help="username recorded in the history as the author of the changes")

    def handle(self, *args: Any, file: str, country: str = "AL", user: str | None = None, **options: Any) -> None:
        author = None
        if user:
            author = get_user_model().objects.filter(username=user).first()
            if author is None:
                raise CommandError(_('There is no user "%(user)s".') % {"user": user})
        try:
            summary = import_file(file, country=country.upper(), by=author, name=Path(file).name)
        except ContextImportError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(_("Nothing was imported.")) from error
        self.stdout.write(summary.line())
