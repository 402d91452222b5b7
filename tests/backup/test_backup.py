"""`nsm backup FILE` and `nsm restore FILE`: a restore into an empty database finds every row and file again.

The same tests run on SQLite (the default) and on PostgreSQL (NSM_DATABASE_URL pointing at a server): the empty
database is a new SQLite file, or a new database created on the same PostgreSQL server.
"""

import hashlib
import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import ConnectionHandler

from nsm.accounts.models import Membership
from nsm.backup import services
from tests.factories import ActivityBudgetFactory, ActivityFactory, IndicatorTargetFactory, MembershipFactory

ROOT = Path(__file__).resolve().parents[2]
# Every byte value, so that a text-mode copy or an encoding step anywhere would show.
EVIDENCE = b"%PDF-1.4\n" + bytes(range(256)) * 40


def table_digests(database: BaseDatabaseWrapper) -> dict[str, tuple[int, str]]:
    """Every table of the database: its row count and a SHA-256 of all its rows (sorted, so order does not matter)."""
    digests = {}
    with database.cursor() as cursor:
        for table in database.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {database.ops.quote_name(table)}")  # noqa: S608 - a catalogue name
            rows = sorted(repr(tuple(_plain(value) for value in row)) for row in cursor.fetchall())
            digests[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return digests


def _plain(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else value


def open_database(url: str) -> BaseDatabaseWrapper:
    return ConnectionHandler({"default": dj_database_url.parse(url)})["default"]


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    evidence = settings.MEDIA_ROOT / "evidence" / "1" / "1" / "raport-vjetor.pdf"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(EVIDENCE)
    return settings.MEDIA_ROOT


def some_data() -> None:
    """A plan with activities, budgets and targets, a user with a membership, text beyond ASCII."""
    for _ in range(3):
        activity = ActivityFactory(title_sq="Përmirësimi i shërbimeve për të kthyerit")
        ActivityBudgetFactory(activity=activity)
    IndicatorTargetFactory()
    MembershipFactory(user__username="focal", user__first_name="Ënkelejda", role=Membership.Role.FOCAL_POINT)


@pytest.fixture
def empty_database_url(tmp_path) -> Iterator[str]:
    """A database with nothing in it, not even tables: a new SQLite file, or a new database on the same server."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    host = settings_dict["HOST"] or "localhost"
    port = f":{settings_dict['PORT']}" if settings_dict["PORT"] else ""
    yield f"postgres://{user}{password}@{host}{port}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def nsm(*args: str, database_url: str, tmp_path: Path, secret_key: str | None = None) -> subprocess.CompletedProcess:
    """An `nsm` process on another database and another uploads folder than the tests', with the tests' secret key
    (the same instance) unless another is given (another server)."""
    env = {
        **os.environ,
        "NSM_DATABASE_URL": database_url,
        "NSM_VAR_DIR": str(tmp_path / "var"),
        "NSM_MEDIA_ROOT": str(tmp_path / "restored-media"),
        "NSM_SECRET_KEY": secret_key or settings.SECRET_KEY,
        "NSM_LANGUAGE": "en",
    }
    command = [sys.executable, "-m", "nsm", *args]
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)  # noqa: S603


# serialized_rollback: the test database's contents come back afterwards, as for the other transactional tests
# (without it, the flush after this test leaves content types that the next serialized restore would insert again).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restore_into_an_empty_database_finds_every_row_and_file_again(media_root, empty_database_url, tmp_path):
    some_data()
    before = table_digests(connection)
    archive = tmp_path / "nsm.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert out.getvalue().startswith(f"Backup written to {archive}: ")
    assert archive.stat().st_mode & 0o077 == 0  # password hashes inside: the owner's eyes only

    restored = nsm("restore", str(archive), database_url=empty_database_url, tmp_path=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert "every row count as in the backup" in restored.stdout
    target = open_database(empty_database_url)
    try:
        after = table_digests(target)
    finally:
        target.close()
    assert len(after) > 50
    assert {table: after.get(table) for table in before} == before
    assert set(after) == set(before)
    restored_file = tmp_path / "restored-media" / "evidence" / "1" / "1" / "raport-vjetor.pdf"
    assert restored_file.read_bytes() == EVIDENCE

    again = nsm("restore", str(archive), database_url=empty_database_url, tmp_path=tmp_path)
    assert again.returncode == 1
    assert "The target is not empty" in again.stderr
    assert "--force" in again.stderr

    forced = nsm("restore", "--force", str(archive), database_url=empty_database_url, tmp_path=tmp_path)
    assert forced.returncode == 0, forced.stderr
    target = open_database(empty_database_url)
    try:
        assert table_digests(target) == before
    finally:
        target.close()


@pytest.fixture
def archive(db, media_root, tmp_path) -> Path:
    """A backup of the test database, with one uploaded file."""
    path = tmp_path / "nsm.tar.gz"
    call_command("backup", str(path), stdout=io.StringIO())
    return path


def members(path: Path) -> dict[str, bytes]:
    with tarfile.open(path, "r:gz") as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers()}


def resign(contents: dict[str, bytes], secret: str | bytes | None = None) -> None:
    """Sign the manifest again, as only someone who holds the key can (the tests' secret key unless told)."""
    signature = services.sign(contents["manifest.json"], secret or settings.SECRET_KEY)
    contents["manifest.sig"] = json.dumps({"algorithm": "HMAC-SHA256", "signature": signature}).encode()


def rechecksum(contents: dict[str, bytes]) -> None:
    """Recompute the manifest's checksums after a change, as anyone can (the signature is then no longer right)."""
    manifest = json.loads(contents["manifest.json"])
    manifest["files"] = {
        name: hashlib.sha256(data).hexdigest()
        for name, data in contents.items()
        if name not in ("manifest.json", "manifest.sig")
    }
    contents["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()


def table_names(url: str) -> list[str]:
    target = open_database(url)
    try:
        return target.introspection.table_names()
    finally:
        target.close()


def rewrite(path: Path, contents: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_the_manifest_holds_the_engine_migrations_row_counts_and_checksums(archive):
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    assert manifest["format"] == "nsm-backup"
    assert manifest["engine"] == connection.vendor
    assert manifest["migrations"]["accounts"].startswith("0")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations")
        assert manifest["tables"]["django_migrations"] == cursor.fetchone()[0]
    assert set(manifest["files"]) == set(contents) - {"manifest.json", "manifest.sig"}
    for name, digest in manifest["files"].items():
        assert hashlib.sha256(contents[name]).hexdigest() == digest
    assert contents["media/evidence/1/1/raport-vjetor.pdf"] == EVIDENCE


def test_restore_refuses_a_database_that_is_not_empty_without_force(archive):
    with pytest.raises(CommandError, match=r"The target is not empty \(\d+ tables in the database, 1 uploaded files\)"):
        call_command("restore", str(archive))


def test_restore_refuses_an_archive_changed_after_the_backup(archive):
    contents = members(archive)
    contents["media/evidence/1/1/raport-vjetor.pdf"] = EVIDENCE.replace(b"PDF", b"PDG")
    rewrite(archive, contents)
    with pytest.raises(CommandError, match="changed after the backup.*checksum differs: media/evidence/1/1/raport"):
        call_command("restore", str(archive), force=True)


def test_restore_refuses_an_archive_with_a_file_the_manifest_does_not_list(archive):
    contents = members(archive)
    contents["media/evidence/1/1/extra.pdf"] = EVIDENCE
    rewrite(archive, contents)
    with pytest.raises(CommandError, match="not in the manifest: media/evidence/1/1/extra.pdf"):
        call_command("restore", str(archive), force=True)


def test_restore_refuses_an_archive_of_the_other_engine(archive):
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    manifest["engine"] = other
    contents["manifest.json"] = json.dumps(manifest).encode()
    resign(contents)
    rewrite(archive, contents)
    expected = "This backup is of a PostgreSQL database, but this server uses SQLite"
    if other == "sqlite":
        expected = "This backup is of a SQLite database, but this server uses PostgreSQL"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(archive), force=True)


def test_restore_refuses_an_archive_of_a_newer_nsm(archive):
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    manifest["migrations"]["accounts"] = "9999_from_the_future"
    contents["manifest.json"] = json.dumps(manifest).encode()
    resign(contents)
    rewrite(archive, contents)
    with pytest.raises(CommandError, match="newer version of NSM .*accounts.9999_from_the_future"):
        call_command("restore", str(archive), force=True)


def test_restore_refuses_a_file_that_is_not_a_backup(db, tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_text("not an archive")
    with pytest.raises(CommandError, match="is not a backup made by nsm backup"):
        call_command("restore", str(path))


# Signed archives: the key is not in the archive, so a manifest made again after tampering is refused.


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_archive_tampered_with_and_its_checksums_recomputed_is_refused_before_anything_is_written(
    media_root, tmp_path
):
    """The attack seen: a focal point made superuser in the archive's database, the checksums recomputed."""
    MembershipFactory(user__username="focal", role=Membership.Role.FOCAL_POINT)
    archive = tmp_path / "nsm.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    contents = members(archive)
    if connection.vendor == "sqlite":
        staged = tmp_path / "staged.sqlite3"
        staged.write_bytes(contents["database.sqlite3"])
        with sqlite3.connect(staged) as database:
            assert database.execute("UPDATE accounts_user SET is_superuser = 1 WHERE username = 'focal'").rowcount == 1
        contents["database.sqlite3"] = staged.read_bytes()
    else:
        contents["database.pgdump"] += b"\0"
    rechecksum(contents)
    rewrite(archive, contents)

    with pytest.raises(CommandError, match="signature does not match this server's secret key.*--key-file FILE"):
        call_command("restore", str(archive), force=True)
    assert not get_user_model().objects.get(username="focal").is_superuser


def test_an_unsigned_archive_is_refused(archive):
    contents = members(archive)
    del contents["manifest.sig"]
    rewrite(archive, contents)
    with pytest.raises(
        CommandError, match=r"The archive is not signed \(it has no manifest.sig\).*Nothing was restored"
    ):
        call_command("restore", str(archive), force=True)


def test_an_archive_signed_with_another_key_is_refused(archive, settings):
    settings.SECRET_KEY = "the secret key of another server, which signed nothing here"
    with pytest.raises(CommandError, match="made on another server.*--key-file FILE"):
        call_command("restore", str(archive), force=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's staged copy is counted before it is copied in")
def test_a_staged_database_whose_rows_differ_from_the_signed_manifest_is_refused_before_writing(archive, tmp_path):
    """Even with the right key (a manifest signed by a broken backup, say), the staged data are counted first."""
    contents = members(archive)
    staged = tmp_path / "staged.sqlite3"
    staged.write_bytes(contents["database.sqlite3"])
    with sqlite3.connect(staged) as database:
        database.execute("DELETE FROM django_content_type WHERE id = (SELECT max(id) FROM django_content_type)")
    contents["database.sqlite3"] = staged.read_bytes()
    rechecksum(contents)
    resign(contents)
    rewrite(archive, contents)
    before = table_digests(connection)
    with pytest.raises(CommandError, match="does not hold what its manifest says.*django_content_type: \\d+ rows in"):
        call_command("restore", str(archive), force=True)
    assert table_digests(connection) == before


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a database is created beside
def test_a_restore_whose_rows_differ_from_the_manifest_writes_nothing_on_either_engine(
    archive, empty_database_url, tmp_path
):
    """SQLite refuses before writing; PostgreSQL loads in one transaction that counts before it commits, and rolls
    back: the empty database stays empty."""
    contents = members(archive)
    manifest = json.loads(contents["manifest.json"])
    manifest["tables"]["django_migrations"] += 1
    contents["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    resign(contents)
    rewrite(archive, contents)

    restored = nsm("restore", str(archive), database_url=empty_database_url, tmp_path=tmp_path)

    assert restored.returncode == 1
    assert "does not hold what its manifest says; nothing was restored" in restored.stderr
    assert "django_migrations: " in restored.stderr and "rows in the manifest" in restored.stderr
    assert table_names(empty_database_url) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a database is created beside
def test_a_key_file_signs_for_a_restore_on_another_server(db, media_root, empty_database_url, tmp_path):
    key_file = tmp_path / "backup.key"
    key_file.write_text("a-key-for-backups-kept-apart-from-the-archives\n")
    archive = tmp_path / "nsm.tar.gz"
    call_command("backup", str(archive), "--key-file", str(key_file), stdout=io.StringIO())
    other_server = "the secret key of the server the backup is restored on"

    without = nsm("restore", str(archive), database_url=empty_database_url, tmp_path=tmp_path, secret_key=other_server)
    assert without.returncode == 1
    assert "signed with a key file: pass the key file given to nsm backup with --key-file FILE" in without.stderr
    wrong = tmp_path / "wrong.key"
    wrong.write_text("x" * 40)
    refused = nsm(
        "restore", "--key-file", str(wrong), str(archive),
        database_url=empty_database_url, tmp_path=tmp_path, secret_key=other_server,
    )  # fmt: skip
    assert refused.returncode == 1 and "does not match the key file" in refused.stderr
    assert table_names(empty_database_url) == []

    restored = nsm(
        "restore", "--key-file", str(key_file), str(archive),
        database_url=empty_database_url, tmp_path=tmp_path, secret_key=other_server,
    )  # fmt: skip
    assert restored.returncode == 0, restored.stderr
    assert "every row count as in the backup" in restored.stdout


def test_the_secret_key_file_of_the_server_that_made_the_backup_verifies_it(archive, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(settings.SECRET_KEY)
    with pytest.raises(CommandError, match="The target is not empty"):  # past the signature
        call_command("restore", str(archive), "--key-file", str(key_file))


def test_a_key_file_too_short_is_refused_in_words(archive, tmp_path):
    key_file = tmp_path / "short.key"
    key_file.write_text("secret")
    with pytest.raises(CommandError, match="holds 6 characters; a key needs at least 32"):
        call_command("backup", str(tmp_path / "other.tar.gz"), "--key-file", str(key_file))
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("restore", str(archive), "--key-file", str(tmp_path / "missing.key"))
