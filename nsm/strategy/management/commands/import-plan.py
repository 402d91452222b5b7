"""`nsm import-plan FILE.xlsx`: import an action-plan workbook (docs/workbook.md).

Exit 0 with one line saying what was created, updated and left unchanged; on any error exit 1 with every error
on stderr as `Sheet!CELL: message`, and nothing written. Warnings go to stderr too.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.strategy.workbook import WorkbookError, apply_plan, read_workbook


class Command(BaseCommand):
    help = "Import an action-plan workbook (.xlsx): the plan it describes is created or updated."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the workbook, in the format of docs/workbook.md")
        parser.add_argument("--user", help="username recorded in the history as the author of the changes")
        parser.add_argument(
            "--reason", default="", help="why the plan changes: required when the plan is adopted (an amendment)"
        )

    def handle(self, *args: Any, file: str, user: str | None = None, reason: str = "", **options: Any) -> None:
        author = self._author(user)
        try:
            parsed = read_workbook(file, name=Path(file).name)
            for warning in parsed.warnings.lines():
                self.stderr.write(_("warning: %(message)s") % {"message": warning})
            summary = apply_plan(parsed, by=author, amendment_reason=reason)
        except WorkbookError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(_("Nothing was imported.")) from error
        self.stdout.write(summary.summary())

    def _author(self, username: str | None) -> Any:
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_('There is no user "%(username)s".') % {"username": username}) from None
