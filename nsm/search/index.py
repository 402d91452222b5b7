"""The search index, kept by the database itself: triggers on every indexed table write its row of `search_entry`
in the same statement as the change, whatever made it (a service, the admin, an import's `bulk_create`, a
`queryset.update()`, a data migration, a restore), so that the index is never stale and no app below this one knows
about it.

An entry holds an object's texts run together as stored. Case and accents are folded by the engine, the query is
folded in Python the same way (nsm.search.query), so that "deshmi" finds "dëshmi":

- SQLite: an FTS5 table `search_fts` over `search_entry.body` (external content, kept by three triggers on
  `search_entry`), tokenizer `unicode61 remove_diacritics 2` (folds case and accents of every script).
- PostgreSQL: `search_entry.vector`, a tsvector generated from `search_fold(body)` with the `simple` configuration
  (no stemming, no stop words), under a GIN index. `search_fold` lowers, maps the accented Latin letters to their
  base letters (the table below, from Unicode's decompositions) and turns ASCII punctuation into spaces, so that
  "2.1.3" is three words on both engines.

`install` creates the triggers (idempotent); `rebuild` writes every entry again from the tables (`nsm
rebuild-search`; the migration that created the index; and after a `migrate` that left a trigger missing, see
nsm.search.apps). The SQL is built from the constants below only, never from input.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.backends.base.base import BaseDatabaseWrapper

ENTRY_TABLE = "search_entry"
FTS_TABLE = "search_fts"
SHIFT = 40  # an entry's id: kind number << SHIFT | object id


@dataclass(frozen=True)
class Kind:
    name: str
    number: int
    table: str
    columns: tuple[str, ...]

    @property
    def base(self) -> int:
        return self.number << SHIFT

    def body(self, row: str) -> str:
        """The SQL of the row's indexed text (`row` is NEW, OLD or the table's name)."""
        return " || ' ' || ".join(f"COALESCE({row}.{column}, '')" for column in self.columns)


KINDS = (
    Kind("result", 1, "strategy_result", ("code", "reference", "title_sq", "title_en")),
    Kind("activity", 2, "strategy_activity", ("code", "reference", "title_sq", "title_en")),
    Kind("indicator", 3, "strategy_indicator", ("code", "name_sq", "name_en")),
    Kind("institution", 4, "accounts_institution", ("code", "name_sq", "name_en")),
    # A report line's narrative and a decision: their Albanian text keeps the column's old name.
    Kind("narrative", 5, "monitoring_activityprogress", ("narrative", "narrative_en")),
    Kind("comment", 6, "consultation_consultationcomment", ("text", "answer_reason")),
    Kind("meeting", 7, "workinggroup_meeting", ("title", "agenda", "location")),
    Kind("decision", 8, "workinggroup_decision", ("text", "text_en")),
)
BY_NAME = {kind.name: kind for kind in KINDS}


def _fold_table() -> tuple[str, str]:
    """The accented Latin letters (Latin-1 to Latin Extended-B and Latin Extended Additional) whose Unicode
    decomposition is one ASCII letter and marks, and those letters in lower case: PostgreSQL's `translate` table."""
    source, target = [], []
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)).lower()
        if len(base) == 1 and base.isascii() and base.isalnum() and base != char:
            source.append(char)
            target.append(base)
    return "".join(source), "".join(target)


def _postgresql_function() -> str:
    source, target = _fold_table()
    return (
        "CREATE OR REPLACE FUNCTION search_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
        f"$$ SELECT regexp_replace(translate(lower(t), '{source}', '{target}'), '[[:punct:]]+', ' ', 'g') $$"
    )


def _sqlite_triggers(kind: Kind) -> list[str]:
    insert = (
        f"INSERT INTO {ENTRY_TABLE} (id, kind, object_id, body) "
        f"VALUES ({kind.base} + NEW.id, '{kind.name}', NEW.id, {kind.body('NEW')});"
    )
    delete = f"DELETE FROM {ENTRY_TABLE} WHERE id = {kind.base} + OLD.id;"
    columns = ", ".join(kind.columns)
    prefix = f"CREATE TRIGGER IF NOT EXISTS search_{kind.name}"
    return [
        f"{prefix}_insert AFTER INSERT ON {kind.table} BEGIN {insert} END",
        f"{prefix}_update AFTER UPDATE OF id, {columns} ON {kind.table} BEGIN {delete} {insert} END",
        f"{prefix}_delete AFTER DELETE ON {kind.table} BEGIN {delete} END",
    ]


SQLITE_INDEX = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(body, content='{ENTRY_TABLE}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_insert AFTER INSERT ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (NEW.id, NEW.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_delete AFTER DELETE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, body) VALUES ('delete', OLD.id, OLD.body); END",
    f"CREATE TRIGGER IF NOT EXISTS search_entry_update AFTER UPDATE ON {ENTRY_TABLE} BEGIN "
    f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, body) VALUES ('delete', OLD.id, OLD.body); "
    f"INSERT INTO {FTS_TABLE} (rowid, body) VALUES (NEW.id, NEW.body); END",
]


def _postgresql_triggers(kind: Kind) -> list[str]:
    name = f"search_{kind.name}"
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN DELETE FROM {ENTRY_TABLE} WHERE id = {kind.base} + OLD.id; END IF; "
        f"IF TG_OP <> 'DELETE' THEN INSERT INTO {ENTRY_TABLE} (id, kind, object_id, body) "
        f"VALUES ({kind.base} + NEW.id, '{kind.name}', NEW.id, {kind.body('NEW')}); END IF; "
        "RETURN NULL; END $$",
        f"DROP TRIGGER IF EXISTS {name} ON {kind.table}",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OF id, {', '.join(kind.columns)} OR DELETE ON {kind.table} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


POSTGRESQL_INDEX = [
    f"ALTER TABLE {ENTRY_TABLE} ADD COLUMN IF NOT EXISTS vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_fold(body))) STORED",
    f"CREATE INDEX IF NOT EXISTS search_entry_vector ON {ENTRY_TABLE} USING gin (vector)",
]


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise ImproperlyConfigured(f"Search runs on SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def install(connection: BaseDatabaseWrapper, kinds: tuple[Kind, ...] = KINDS) -> None:
    """The engine's index and the triggers of every indexed table (idempotent). A migration passes the kinds as they
    were when it was written, since a later column may not exist yet when it runs."""
    if _vendor(connection) == "sqlite":
        statements = SQLITE_INDEX + [sql for kind in kinds for sql in _sqlite_triggers(kind)]
    else:
        statements = [_postgresql_function(), *POSTGRESQL_INDEX]
        statements += [sql for kind in kinds for sql in _postgresql_triggers(kind)]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def expected_triggers(vendor: str) -> set[str]:
    names = {f"search_{kind.name}" for kind in KINDS}
    if vendor == "sqlite":
        names = {f"{name}_{event}" for name in names for event in ("insert", "update", "delete")}
        names |= {"search_entry_insert", "search_entry_delete", "search_entry_update"}
    return names


def triggers_in_place(connection: BaseDatabaseWrapper) -> bool:
    if _vendor(connection) == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search%%'"
    else:
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'search%%'"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = {row[0] for row in cursor.fetchall()}
    return expected_triggers(connection.vendor) <= found


def drop_sqlite_triggers(connection: BaseDatabaseWrapper, kind: Kind) -> None:
    """Drop a kind's SQLite triggers, so that `install` writes them again with the kind's present columns (SQLite
    has no CREATE OR REPLACE TRIGGER; PostgreSQL's `install` replaces them by itself)."""
    if _vendor(connection) == "sqlite":
        with connection.cursor() as cursor:
            for event in ("insert", "update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS search_{kind.name}_{event}")


def rebuild(connection: BaseDatabaseWrapper, kinds: tuple[Kind, ...] = KINDS) -> int:
    """Write every entry again from the indexed tables; the number of entries."""
    vendor = _vendor(connection)
    with connection.cursor() as cursor:
        if vendor == "sqlite":
            # The entries go without telling FTS5 of each (its index may not hold them: made again after a migration
            # back and forth); 'rebuild' below writes the index from the entries.
            cursor.execute("DROP TRIGGER IF EXISTS search_entry_delete")
            cursor.execute(f"DELETE FROM {ENTRY_TABLE}")
            cursor.execute(SQLITE_INDEX[2])
        else:
            cursor.execute(f"DELETE FROM {ENTRY_TABLE}")
        for kind in kinds:
            cursor.execute(
                f"INSERT INTO {ENTRY_TABLE} (id, kind, object_id, body) "
                f"SELECT {kind.base} + id, '{kind.name}', id, {kind.body(kind.table)} FROM {kind.table}"
            )
        if vendor == "sqlite":
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")
        cursor.execute(f"SELECT COUNT(*) FROM {ENTRY_TABLE}")
        return int(cursor.fetchone()[0])


def matching_sql(connection: BaseDatabaseWrapper, kind: Kind) -> str:
    """The SQL of the ids of the objects of `kind` whose entry matches the engine's query (one parameter)."""
    if _vendor(connection) == "sqlite":
        return (
            f"SELECT rowid - {kind.base} FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND rowid BETWEEN {kind.base} AND {kind.base + (1 << SHIFT) - 1}"
        )
    return (
        f"SELECT object_id FROM {ENTRY_TABLE} WHERE vector @@ to_tsquery('simple', %s) "
        f"AND id BETWEEN {kind.base} AND {kind.base + (1 << SHIFT) - 1}"
    )


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers and the engine's index (the migration's way back)."""
    names = sorted(expected_triggers(_vendor(connection)))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in names:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        else:
            for kind in KINDS:
                cursor.execute(f"DROP TRIGGER IF EXISTS search_{kind.name} ON {kind.table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS search_{kind.name}()")
            cursor.execute(f"ALTER TABLE {ENTRY_TABLE} DROP COLUMN IF EXISTS vector")
            cursor.execute("DROP FUNCTION IF EXISTS search_fold(text)")
