"""`nsm import-plan FILE.xlsx`: import an action-plan workbook (docs/workbook.md); `nsm import-plan FILE.docx|FILE.xlsx
--mapping MAPPING.json` (or `--strategy CODE`, reusing the mapping saved at that strategy's last import): import the
adopted matrix as it is (docs/import-matrix.md).

Exit 0 with one line saying what was created, updated and left unchanged; on any error exit 1 with every error
on stderr as `Sheet!CELL: message` (for a matrix, its own cell: `Matrix!C14`, `Table 1, row 14, column 3`), and
nothing written. Warnings go to stderr too. With `--dry-run` the line says what the import would do; nothing is
written.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.strategy.matrix import MatrixMapping, apply_matrix, kind_of, load_mapping, read_matrix
from nsm.strategy.models import Strategy
from nsm.strategy.workbook import ParsedPlan, WorkbookError, apply_plan, plan_changes, read_workbook


class Command(BaseCommand):
    help = (
        "Import an action-plan workbook (.xlsx), or the adopted matrix (.docx or .xlsx) through a mapping of its "
        "columns: the plan it describes is created or updated."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the workbook (docs/workbook.md), or the matrix (docs/import-matrix.md)")
        parser.add_argument("--mapping", help="the matrix's mapping, a JSON file (docs/import-matrix.md)")
        parser.add_argument("--strategy", help="read the matrix with the mapping saved at this strategy's last import")
        parser.add_argument("--dry-run", action="store_true", help="say what the import would do; write nothing")
        parser.add_argument("--user", help="username recorded in the history as the author of the changes")
        parser.add_argument(
            "--reason", default="", help="why the plan changes: required when the plan is adopted (an amendment)"
        )

    def handle(
        self,
        *args: Any,
        file: str,
        mapping: str | None = None,
        strategy: str | None = None,
        dry_run: bool = False,
        user: str | None = None,
        reason: str = "",
        **options: Any,
    ) -> None:
        author = self._author(user)
        try:
            matrix = self._mapping(file, mapping, strategy)
            if matrix is None:
                parsed = read_workbook(file, name=Path(file).name)
            else:
                parsed = read_matrix(file, matrix, name=Path(file).name)
            self._warn(parsed)
            if dry_run:
                self.stdout.write(plan_changes(parsed).summary())
                self.stdout.write(_("Nothing was written (--dry-run)."))
                return
            if matrix is None:
                summary = apply_plan(parsed, by=author, amendment_reason=reason)
            else:
                summary = apply_matrix(parsed, matrix, by=author, amendment_reason=reason)
        except WorkbookError as error:
            for message in error.messages:
                self.stderr.write(message)
            raise CommandError(_("Nothing was imported.")) from error
        self.stdout.write(summary.summary())

    def _warn(self, parsed: ParsedPlan) -> None:
        for warning in parsed.warnings.lines():
            self.stderr.write(_("warning: %(message)s") % {"message": warning})

    def _mapping(self, file: str, mapping: str | None, strategy: str | None) -> MatrixMapping | None:
        """The matrix's mapping: the file given, else the one saved on --strategy; None for a workbook."""
        kind = kind_of(file)
        if mapping:
            return load_mapping(mapping, kind=kind)
        if strategy:
            plan = Strategy.objects.filter(code=strategy).first()
            if plan is None:
                raise CommandError(_('There is no strategy with the code "%(code)s".') % {"code": strategy})
            if not plan.matrix_mapping:
                raise CommandError(
                    _('The strategy "%(code)s" has no saved mapping: give one with --mapping.') % {"code": strategy}
                )
            return load_mapping(
                plan.matrix_mapping, kind=kind, name=_("the mapping saved on %(code)s") % {"code": strategy}
            )
        if kind == "docx":
            raise CommandError(
                _("A Word matrix is read through a mapping: give --mapping FILE.json or --strategy CODE.")
            )
        return None

    def _author(self, username: str | None) -> Any:
        if not username:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(_('There is no user "%(username)s".') % {"username": username}) from None
