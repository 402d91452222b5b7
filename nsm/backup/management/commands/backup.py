"""`nsm backup FILE`: the database, the uploaded files and a manifest in one .tar.gz (docs/backup.md)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from nsm.backup.services import ENGINE_NAMES, BackupError, create_backup, read_key_file


class Command(BaseCommand):
    @property
    def help(self) -> str:  # type: ignore[override]  # translated when asked for: argparse takes no lazy text
        return _(
            "Back up the database and the uploaded files into one archive (.tar.gz), with a manifest of the "
            "row counts and checksums, signed with a key derived from the secret key (or with --key-file). Safe while "
            "the server runs."
        )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("the archive to write, e.g. nsm-2025-01-31.tar.gz"))
        parser.add_argument(
            "--key-file",
            help=_(
                "Sign with the key in this file instead of one derived from the secret key, to restore on another "
                "server (nsm restore --key-file with the same file). Keep it apart from the archives."
            ),
        )

    def handle(self, *args: Any, file: str, key_file: str | None = None, **options: Any) -> None:
        path = Path(file)
        try:
            key = read_key_file(Path(key_file)) if key_file else None
            manifest = create_backup(path, media_root=Path(settings.MEDIA_ROOT), key=key)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Backup written to %(file)s: %(engine)s database, %(tables)d tables, %(rows)d rows, "
                "%(files)d uploaded files, %(size)s."
            )
            % {
                "file": path,
                "engine": ENGINE_NAMES[manifest.engine],
                "tables": len(manifest.tables),
                "rows": manifest.rows,
                "files": manifest.media_files,
                "size": _size(path.stat().st_size),
            }
        )


def _size(size: int) -> str:
    return _("%(size).1f MB") % {"size": size / 1024 / 1024}
