"""Backups: one .tar.gz with the database in its engine's own format, the uploaded files and a manifest.

Members of the archive (docs/backup.md):
  database.sqlite3   SQLite: a consistent copy made with SQLite's online backup API (safe while the server runs)
  database.pgdump    PostgreSQL: `pg_dump --format=custom`, taken in the same snapshot as the row counts
  media/...          the uploaded files under MEDIA_ROOT (evidence, meeting minutes)
  manifest.json      format, engine, latest migration per app, rows per table, SHA-256 of every other member
  manifest.sig       HMAC-SHA256 of manifest.json with a key that is not in the archive: derived from the instance's
                     SECRET_KEY, or from a key file given to `nsm backup --key-file` (and then to `nsm restore`)

A restore checks everything it can before it touches the database: the signature (an archive unsigned, changed, or
signed with another key is refused), the format, the engine, the migrations (an archive from a newer NSM is refused),
every checksum, the rows of every table in the staged data, and that the target is empty unless told to replace it.
It is all or nothing: SQLite's staged copy is counted before it is copied in; PostgreSQL's dump is loaded in one
transaction that counts the rows before it commits, and rolls back when they differ from the manifest.
"""

from __future__ import annotations

import glob
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.postgresql.client import DatabaseClient
from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

FORMAT = "nsm-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
SIGNING_SALT = "nsm.backup.manifest"  # fixed: the same secret signs and verifies on every instance
KEY_FILE_MIN_CHARS = 32
MEDIA_DIR = "media"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Manifest:
    engine: str
    created_at: str
    nsm_version: str
    migrations: dict[str, str]
    tables: dict[str, int]
    files: dict[str, str]
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.files if name.startswith(MEDIA_DIR + "/"))


@dataclass(frozen=True)
class RestoreResult:
    manifest: Manifest
    mismatches: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # table: (in the backup, found)
    pending_migrations: bool = False


# Backing up


def create_backup(
    path: Path, *, media_root: Path, key: bytes | None = None, connection: BaseDatabaseWrapper = default_connection
) -> Manifest:
    """Write the archive to `path`, readable by its owner only; a partial file is renamed once complete. The manifest
    is signed with `key` (the content of a key file), or with a key derived from SECRET_KEY when None."""
    engine = _engine(connection)
    path = path.resolve()
    if not path.parent.is_dir():
        raise BackupError(_("The folder %(folder)s does not exist.") % {"folder": path.parent})
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(prefix=".nsm-backup-", dir=path.parent) as staging:
        database_file = Path(staging) / DATABASE_MEMBER[engine]
        if engine == "sqlite":
            tables, migrations = _sqlite_dump(connection, database_file)
        else:
            tables, migrations = _postgres_dump(connection, database_file)
        try:
            descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                files = {database_file.name: _add_file(archive, database_file, database_file.name)}
                for source in _media_files(media_root):
                    name = f"{MEDIA_DIR}/{source.relative_to(media_root).as_posix()}"
                    try:
                        files[name] = _add_file(archive, source, name)
                    except FileNotFoundError:
                        continue  # deleted since the listing (a report's evidence removed meanwhile)
                manifest = Manifest(
                    engine=engine,
                    created_at=datetime.now(tz=UTC).isoformat(timespec="seconds"),
                    nsm_version=_nsm_version(),
                    migrations=migrations,
                    tables=tables,
                    files=files,
                )
                manifest_bytes = json.dumps(asdict(manifest), indent=2, sort_keys=True).encode()
                _add_bytes(archive, MANIFEST, manifest_bytes)
                _add_bytes(archive, SIGNATURE, _signature_member(manifest_bytes, key))
            os.replace(partial, path)
        except OSError as error:
            raise BackupError(_("The backup cannot be written: %(error)s") % {"error": error}) from error
        finally:
            partial.unlink(missing_ok=True)
    return manifest


class _HashingReader:
    """A file that hashes what tarfile reads from it, so that each member is read once."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data


def _add_file(archive: tarfile.TarFile, source: Path, name: str) -> str:
    info = archive.gettarinfo(str(source), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with source.open("rb") as raw:
        reader = _HashingReader(raw)
        archive.addfile(info, reader)
    return reader.sha256.hexdigest()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(tz=UTC).timestamp())
    archive.addfile(info, io.BytesIO(data))


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(path for path in media_root.rglob("*") if path.is_file() and not path.is_symlink())


def _sqlite_dump(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Copy the database page by page with SQLite's backup API; other connections may keep writing meanwhile."""
    name = _sqlite_path(connection)
    if not Path(name).is_file():
        raise BackupError(_("The database file %(file)s does not exist.") % {"file": name})
    with closing(sqlite3.connect(name, timeout=60)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
        # One self-contained file: no -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        (check,) = copy.execute("PRAGMA quick_check").fetchone()
        if check != "ok":
            raise BackupError(_("The database fails SQLite's integrity check: %(error)s") % {"error": check})
        return _sqlite_contents(copy)


def _sqlite_contents(database: sqlite3.Connection) -> tuple[dict[str, int], dict[str, str]]:
    cursor = database.cursor()
    names = [
        row[0]
        for row in cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 7) != 'sqlite_' ORDER BY name"
        )
    ]
    return _contents(cursor, names, quote=lambda table: '"' + table.replace('"', '""') + '"')


def _contents(cursor: Any, tables: list[str], *, quote: Any) -> tuple[dict[str, int], dict[str, str]]:
    """Rows per table, and the latest applied migration of each app."""
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a table name from the catalogue, quoted  # nosec B608
        counts[table] = cursor.fetchone()[0]
    migrations: dict[str, str] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY applied, id")
        for app, name in cursor.fetchall():
            migrations[app] = name
    return counts, migrations


def _postgres_dump(connection: BaseDatabaseWrapper, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """pg_dump in a snapshot exported from a read-only transaction that also counts the rows: both see the same data."""
    pg_dump = _pg_tool("pg_dump")
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = True
        with closing(raw.cursor()) as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            args = [pg_dump, "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={target}"]
            _run(args, _pg_environment(connection.settings_dict))
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
            tables = [row[0] for row in cursor.fetchall()]
            contents = _contents(cursor, tables, quote=connection.ops.quote_name)
            cursor.execute("COMMIT")
    finally:
        raw.close()
    return contents


# Restoring


def restore_backup(
    path: Path,
    *,
    media_root: Path,
    force: bool = False,
    key: bytes | None = None,
    connection: BaseDatabaseWrapper = default_connection,
) -> RestoreResult:
    """Check the archive (its signature with `key`, the content of a key file, or with the key derived from
    SECRET_KEY when None; then everything the manifest says), and only then load it into the configured database
    and MEDIA_ROOT, all or nothing; compare the rows once more afterwards."""
    engine = _engine(connection)
    with tempfile.TemporaryDirectory(prefix="nsm-restore-") as staging_name:
        staging = Path(staging_name)
        manifest = _unpack(path, staging, key=key)
        if manifest.engine != engine:
            raise BackupError(
                _(
                    "This backup is of a %(archive)s database, but this server uses %(configured)s: restore it "
                    "into %(archive)s."
                )
                % {"archive": ENGINE_NAMES.get(manifest.engine, manifest.engine), "configured": ENGINE_NAMES[engine]}
            )
        _check_migrations(manifest)
        _check_files(manifest, staging)
        database_file = staging / DATABASE_MEMBER[engine]
        if engine == "sqlite":
            _check_rows(manifest, *_sqlite_staged_contents(database_file))
        tables = connection.introspection.table_names()
        existing_media = _media_files(media_root)
        if (tables or existing_media) and not force:
            raise BackupError(
                _(
                    "The target is not empty (%(tables)d tables in the database, %(files)d uploaded files). A restore "
                    "replaces everything in it: run again with --force to do that."
                )
                % {"tables": len(tables), "files": len(existing_media)}
            )
        connection.close()
        if engine == "sqlite":
            _sqlite_restore(database_file, _sqlite_path(connection))
        else:
            _postgres_restore(database_file, connection.settings_dict, clean=bool(tables), manifest=manifest)
        _restore_media(staging / MEDIA_DIR, media_root)
    return RestoreResult(
        manifest=manifest, mismatches=_compare_rows(manifest, connection), pending_migrations=_pending(connection)
    )


def _unpack(path: Path, staging: Path, *, key: bytes | None) -> Manifest:
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not (member.isfile() or member.isdir()):
                    raise BackupError(_("The archive holds %(name)s, which is not a file.") % {"name": member.name})
                archive.extract(member, staging, filter="data")
    except (OSError, tarfile.TarError, EOFError) as error:
        raise _not_a_backup(path) from error
    manifest_file = staging / MANIFEST
    if not manifest_file.is_file():
        raise _not_a_backup(path)
    manifest_bytes = manifest_file.read_bytes()
    _verify_signature(manifest_bytes, staging / SIGNATURE, key=key)
    return _parse_manifest(manifest_bytes)


# Signing


def read_key_file(path: Path) -> bytes:
    """The key of `nsm backup|restore --key-file`: the file's content without surrounding white space."""
    try:
        key = path.read_bytes().strip()
    except OSError as error:
        raise BackupError(
            _("The key file %(file)s cannot be read: %(error)s") % {"file": path, "error": error.strerror or error}
        ) from error
    if len(key) < KEY_FILE_MIN_CHARS:
        raise BackupError(
            _(
                "The key file %(file)s holds %(count)d characters; a key needs at least %(min)d. Make one with: "
                "head -c 32 /dev/urandom | base64 > %(file)s"
            )
            % {"file": path, "count": len(key), "min": KEY_FILE_MIN_CHARS}
        )
    return key


def sign(manifest_bytes: bytes, secret: bytes | str) -> str:
    """HMAC-SHA256 of the manifest with a key derived from `secret` and a fixed salt (never the secret itself)."""
    return salted_hmac(SIGNING_SALT, manifest_bytes, secret=secret, algorithm="sha256").hexdigest()


def _signature_member(manifest_bytes: bytes, key: bytes | None) -> bytes:
    signature = {
        "algorithm": "HMAC-SHA256",
        "key": "key-file" if key is not None else "secret-key",  # a hint for the messages, never trusted
        "signature": sign(manifest_bytes, key if key is not None else settings.SECRET_KEY),
    }
    return json.dumps(signature, indent=2).encode()


def _verify_signature(manifest_bytes: bytes, signature_file: Path, *, key: bytes | None) -> None:
    """Refuse, before anything is written, an archive that is unsigned, changed after the backup, or signed with
    another key than `key` (or than SECRET_KEY and its fallbacks when None)."""
    try:
        fields = json.loads(signature_file.read_bytes())
        signature, hint = str(fields["signature"]), str(fields.get("key", ""))
    except FileNotFoundError:
        raise BackupError(
            _(
                "The archive is not signed (it has no %(member)s): it was made by an older nsm backup, or its "
                "signature was removed. Nothing was restored."
            )
            % {"member": SIGNATURE}
        ) from None
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise BackupError(
            _("The archive's signature (%(member)s) cannot be read. Nothing was restored.") % {"member": SIGNATURE}
        ) from error
    secrets: list[bytes | str] = [key] if key is not None else [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    if any(constant_time_compare(sign(manifest_bytes, secret), signature) for secret in secrets):
        return
    if key is not None:
        raise BackupError(
            _(
                "The archive's signature does not match the key file: the archive was changed after the backup, or "
                "it was signed with another key. Nothing was restored."
            )
        )
    if hint == "key-file":
        raise BackupError(
            _(
                "The archive was signed with a key file: pass the key file given to nsm backup with --key-file FILE. "
                "Nothing was restored."
            )
        )
    raise BackupError(
        _(
            "The archive's signature does not match this server's secret key: the archive was changed after the "
            "backup, or it was made on another server. To restore another server's backup, pass its secret key "
            "file (NSM_SECRET_KEY, or $NSM_VAR_DIR/secret_key there) with --key-file FILE. Nothing was restored."
        )
    )


def _parse_manifest(data: bytes) -> Manifest:
    try:
        fields = json.loads(data)
        if fields.get("format") != FORMAT:
            raise ValueError
        if fields.get("format_version") != FORMAT_VERSION:
            raise BackupError(
                _("This backup has format version %(found)s; this NSM reads version %(known)s. Upgrade NSM first.")
                % {"found": fields.get("format_version"), "known": FORMAT_VERSION}
            )
        return Manifest(**fields)
    except (ValueError, TypeError, AttributeError) as error:
        raise BackupError(_("The archive's manifest.json is not one that nsm backup writes.")) from error


def _not_a_backup(path: Path) -> BackupError:
    return BackupError(_("%(file)s is not a backup made by nsm backup (or it is damaged).") % {"file": path})


def _check_migrations(manifest: Manifest) -> None:
    """Refuse a backup whose schema this code does not know (made by a newer NSM)."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(f"{app}.{name}" for app, name in manifest.migrations.items() if (app, name) not in known)
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer version of NSM (%(version)s): this one does not know the migration "
                "%(migrations)s. Upgrade NSM, then restore."
            )
            % {"version": manifest.nsm_version, "migrations": ", ".join(unknown)}
        )


def _check_files(manifest: Manifest, staging: Path) -> None:
    found = {
        path.relative_to(staging).as_posix()
        for path in staging.rglob("*")
        if path.is_file() and path.relative_to(staging).as_posix() not in (MANIFEST, SIGNATURE)
    }
    expected = set(manifest.files)
    problems = [_("missing: %(name)s") % {"name": name} for name in sorted(expected - found)]
    problems += [_("not in the manifest: %(name)s") % {"name": name} for name in sorted(found - expected)]
    problems += [
        _("checksum differs: %(name)s") % {"name": name}
        for name in sorted(expected & found)
        if _sha256(staging / name) != manifest.files[name]
    ]
    if DATABASE_MEMBER[manifest.engine] not in expected:
        problems.append(_("missing: %(name)s") % {"name": DATABASE_MEMBER[manifest.engine]})
    if problems:
        raise BackupError(
            _("The archive is damaged or was changed after the backup; nothing was restored. %(problems)s")
            % {"problems": "; ".join(problems)}
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_staged_contents(database_file: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Rows per table and the latest migrations of the staged copy, read-only, before it is copied in."""
    try:
        with closing(sqlite3.connect(f"{database_file.resolve().as_uri()}?mode=ro", uri=True)) as copy:
            (check,) = copy.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise BackupError(
                    _("The database in the archive fails SQLite's integrity check: %(error)s. Nothing was restored.")
                    % {"error": check}
                )
            return _sqlite_contents(copy)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            _("The database in the archive cannot be read: %(error)s. Nothing was restored.") % {"error": error}
        ) from error


def _check_rows(manifest: Manifest, tables: dict[str, int], migrations: dict[str, str]) -> None:
    """The staged data hold exactly the tables, rows and migrations the signed manifest lists."""
    problems = [
        _("%(table)s: %(expected)s rows in the manifest, %(found)s in the data")
        % {
            "table": table,
            "expected": manifest.tables.get(table, _("no table")),
            "found": tables.get(table, _("no table")),
        }
        for table in sorted(set(manifest.tables) | set(tables))
        if manifest.tables.get(table) != tables.get(table)
    ]
    if migrations != manifest.migrations:
        problems.append(_("the migrations differ from the manifest's"))
    if problems:
        raise _rows_differ(problems)


def _rows_differ(problems: list[str]) -> BackupError:
    return BackupError(
        _("The database in the archive does not hold what its manifest says; nothing was restored. %(problems)s")
        % {"problems": "; ".join(problems[:20])}
    )


def _sqlite_restore(source: Path, target: str) -> None:
    """Replace the target's content with the copy, through the backup API, so that the file is never half-written."""
    with closing(sqlite3.connect(source)) as copy, closing(sqlite3.connect(target, timeout=60)) as database:
        copy.backup(database)


COUNT_MISMATCH = "nsm-restore-rows-differ: "


def _postgres_restore(dump: Path, settings_dict: dict[str, Any], *, clean: bool, manifest: Manifest) -> None:
    """The dump as an SQL script (pg_restore writes nothing to the database), followed by a check of every table's
    rows against the manifest, run by psql in one transaction: on any error or any difference the database is
    rolled back as it was."""
    environment = _pg_environment(settings_dict)
    script = dump.with_name("restore.sql")
    args = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}"]
    if clean:
        args += ["--clean", "--if-exists"]
    _run([*args, str(dump)], environment)
    with script.open("a", encoding="utf-8") as out:
        out.write(_postgres_row_check(manifest))
    psql = [
        _pg_tool("psql"),
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--single-transaction",
        "--no-password",
        f"--dbname={settings_dict['NAME']}",
        f"--file={script}",
    ]
    done = _execute(psql, environment)
    if done.returncode != 0 and COUNT_MISMATCH in done.stderr:
        found = done.stderr.split(COUNT_MISMATCH, 1)[1].splitlines()[0]
        raise _rows_differ([problem for problem in found.split(" | ") if problem])
    _check_exit(psql, done)


def _postgres_row_check(manifest: Manifest) -> str:
    """A PL/pgSQL block, at the end of the restore's transaction, that raises when a table's rows differ from the
    manifest (the error rolls the whole restore back). The script empties search_path: it is reset first."""
    lines = ["", "RESET search_path;", "DO $nsm_rows$", "DECLARE found bigint; problems text := '';", "BEGIN"]
    for table, expected in sorted(manifest.tables.items()):
        if "$" in table or not isinstance(expected, int):
            raise BackupError(
                _("The manifest lists a table named %(table)s, which NSM never makes.") % {"table": table}
            )
        identifier = '"' + table.replace('"', '""') + '"'
        literal = "'" + identifier.replace("'", "''") + "'"
        name = "'" + table.replace("'", "''") + "'"
        lines += [
            f"  IF to_regclass({literal}) IS NULL THEN problems := problems || format('%s: no table | ', {name});",
            f"  ELSE SELECT count(*) INTO found FROM {identifier};",  # noqa: S608 - quoted, from the signed manifest  # nosec B608
            f"    IF found <> {expected} THEN problems := problems || "
            f"format('%s: %s rows in the manifest, %s in the data | ', {name}, {expected}, found); END IF;",
            "  END IF;",
        ]
    lines += [
        f"  IF problems <> '' THEN RAISE EXCEPTION '{COUNT_MISMATCH}%', problems; END IF;",
        "END",
        "$nsm_rows$;",
        "",
    ]
    return "\n".join(lines)


def _restore_media(source: Path, media_root: Path) -> None:
    if not source.is_dir():
        return
    for path in sorted(source.rglob("*")):
        if path.is_file():
            target = media_root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


def _compare_rows(manifest: Manifest, connection: BaseDatabaseWrapper) -> dict[str, tuple[int, int | None]]:
    present = set(connection.introspection.table_names())
    mismatches: dict[str, tuple[int, int | None]] = {}
    with connection.cursor() as cursor:
        for table, expected in manifest.tables.items():
            found = None
            if table in present:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - a table this database has, quoted  # nosec B608
                found = cursor.fetchone()[0]
            if found != expected:
                mismatches[table] = (expected, found)
    return mismatches


def _pending(connection: BaseDatabaseWrapper) -> bool:
    """Whether this version of NSM has migrations the restored database lacks (`nsm migrate` then brings it up)."""
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


# Both


def _engine(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DATABASE_MEMBER:
        raise BackupError(_("Backups support SQLite and PostgreSQL, not %(vendor)s.") % {"vendor": connection.vendor})
    return connection.vendor


def _sqlite_path(connection: BaseDatabaseWrapper) -> str:
    name = str(connection.settings_dict["NAME"])
    if SQLiteCreation.is_in_memory_db(name):
        raise BackupError(_("An in-memory SQLite database cannot be backed up or restored."))
    return name


def _pg_tool(name: str) -> str:
    """pg_dump or pg_restore: on the PATH, or the newest of Debian's /usr/lib/postgresql/VERSION/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    if candidates:
        return max(candidates, key=lambda path: int(re.sub(r"\D", "", path.split("/")[4]) or 0))
    raise BackupError(
        _(
            "%(tool)s is not installed. It comes with the PostgreSQL client tools: on Debian or Ubuntu, "
            "apt install postgresql-client (the same major version as the server, or newer)."
        )
        % {"tool": name}
    )


def _pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The connection for libpq's tools, in the environment: a password never shows on a command line."""
    _args, extra = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    environment = {**os.environ, **(extra or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGDATABASE", "NAME")):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(args: list[str], environment: dict[str, str]) -> None:
    _check_exit(args, _execute(args, environment))


def _execute(args: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(args, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    except OSError as error:
        raise BackupError(
            _("%(tool)s cannot be run: %(error)s") % {"tool": Path(args[0]).name, "error": error}
        ) from error


def _check_exit(args: list[str], done: subprocess.CompletedProcess[str]) -> None:
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s failed (exit code %(code)d): %(error)s")
            % {"tool": Path(args[0]).name, "code": done.returncode, "error": done.stderr.strip()[-2000:]}
        )


def _nsm_version() -> str:
    try:
        return metadata.version("nsm")
    except metadata.PackageNotFoundError:
        return "unknown"
