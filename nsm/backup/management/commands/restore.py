"""`nsm restore FILE [--force] [--key-file KEY]`: load an archive of `nsm backup` into the database and MEDIA_ROOT."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.backup.services import ENGINE_NAMES, BackupError, read_key_file, restore_backup


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Restore an archive made by nsm backup into the configured database and the uploads folder. The "
            "archive is checked first (its signature, made with this server's secret key or the --key-file given to "
            "nsm backup); the target must be empty unless --force is given. Stop the server first."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("the archive written by nsm backup"))
        parser.add_argument("--force", action="store_true", help=_("Replace the data of a database that is not empty."))
        parser.add_argument(
            "--key-file",
            help=_(
                "Check the signature with the key in this file: the one given to nsm backup --key-file, or the "
                "secret key file of the server the backup was made on."
            ),
        )

    def handle(self, *args: Any, file: str, force: bool = False, key_file: str | None = None, **options: Any) -> None:
        try:
            key = read_key_file(Path(key_file)) if key_file else None
            result = restore_backup(Path(file), media_root=Path(settings.MEDIA_ROOT), force=force, key=key)
        except BackupError as error:
            raise CommandError(str(error)) from error
        manifest = result.manifest
        for table, (expected, found) in result.mismatches.items():
            self.stderr.write(
                _("%(table)s: %(expected)d rows in the backup, %(found)s after the restore.")
                % {"table": table, "expected": expected, "found": _("no table") if found is None else found}
            )
        if result.mismatches:
            raise CommandError(
                _("The restore is incomplete: %(count)d tables differ from the backup.")
                % {"count": len(result.mismatches)}
            )
        self.stdout.write(
            _(
                "Restored %(file)s (made %(created)s by NSM %(version)s) into the %(engine)s database: %(tables)d "
                "tables and %(rows)d rows, every row count as in the backup; %(files)d uploaded files."
            )
            % {
                "file": file,
                "created": manifest.created_at,
                "version": manifest.nsm_version,
                "engine": ENGINE_NAMES[manifest.engine],
                "tables": len(manifest.tables),
                "rows": manifest.rows,
                "files": manifest.media_files,
            }
        )
        if result.pending_migrations:
            self.stdout.write(
                self.style.WARNING(_("The backup is older than this version of NSM: run nsm migrate now."))
            )
