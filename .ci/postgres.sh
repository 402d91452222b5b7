#!/usr/bin/env bash
# Start or stop a throw-away PostgreSQL 15 server on loopback for the test suite.
#   eval "$(.ci/postgres.sh start)"   -> prints `export NSM_DATABASE_URL=...` and `export NSM_PG_DIR=...`
#   .ci/postgres.sh stop "$NSM_PG_DIR"
# The server binaries refuse to run as root, so they run as the `postgres` user on a folder it owns.
set -euo pipefail

PG_BIN=${PG_BIN:-$(dirname "$(readlink -f "$(command -v initdb 2>/dev/null || echo /usr/lib/postgresql/15/bin/initdb)")")}
PORT=${NSM_PG_PORT:-55432}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    dir=$(mktemp -d /tmp/nsm-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
    as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $PORT -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
    as_postgres "$PG_BIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres nsm
    echo "export NSM_PG_DIR=$dir"
    echo "export NSM_DATABASE_URL=postgres://postgres@127.0.0.1:$PORT/nsm"
    ;;
  stop)
    dir=${2:?usage: postgres.sh stop DIR}
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
