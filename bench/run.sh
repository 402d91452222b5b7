#!/usr/bin/env bash
# `make bench`: the roll-ups against hand-written SQL at two scales, the analysis pages under load, the time and
# memory to write the documents and to refuse hostile uploads (bench/uploads.py), on SQLite and on PostgreSQL;
# on the demo (SQLite), how often the suggested GCM objectives hold an activity's own (bench/suggest.py); on SQLite,
# the time to import a plan workbook of 1,000 activities (bench/plan_import.py); the search at national scale
# (bench/search.py).
# Generates the synthetic data once (var/bench-national, var/bench-multi: kept between runs; delete them to start
# again); the PostgreSQL server is a throw-away one (.ci/postgres.sh), generated afresh each run.
#   bench/run.sh [sqlite|postgres|all]      (BENCH_REPEAT=15, BENCH_CLIENTS=20, BENCH_REQUESTS=15, BENCH_SECONDS=60)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
REPEAT=${BENCH_REPEAT:-15}
LOAD=(--clients "${BENCH_CLIENTS:-20}" --requests "${BENCH_REQUESTS:-15}" --seconds "${BENCH_SECONDS:-60}")
WHAT=${1:-all}
export NSM_PG_PORT=${NSM_PG_PORT:-55497}  # not the test suite's port
OUT=$(mktemp -d /tmp/nsm-bench.XXXXXX)
trap 'rm -rf "$OUT"' EXIT
echo "nsm bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -sr)"

generate() {  # scale: migrate and generate (nothing is added when the scale's strategies are there)
  $BIN/nsm migrate --no-input -v 0
  $BIN/nsm generate --scale "$1" >/dev/null
}

measure() {  # vendor national_env multi_env: each with the NSM_* variable that names its database
  local vendor=$1 national=$2 multi=$3
  echo; echo "=== $vendor ==="
  env "$national" $BIN/python bench/analytics.py --repeat "$REPEAT" --json "$OUT/$vendor-national.json"
  env "$multi" $BIN/python bench/analytics.py --repeat "$REPEAT" --json "$OUT/$vendor-multi.json" --explain
  $BIN/python bench/analytics.py --compare "$OUT/$vendor-national.json" "$OUT/$vendor-multi.json"
  env "$multi" $BIN/python bench/pages_load.py --counts-only
  env "$national" $BIN/python bench/pages_load.py "${LOAD[@]}"
  env "$national" $BIN/python bench/documents.py
  env "$national" $BIN/python bench/uploads.py
  env "$national" $BIN/python bench/search.py
}

if [ "$WHAT" = sqlite ] || [ "$WHAT" = all ]; then
  (
    unset NSM_DATABASE_URL
    for scale in national multi; do
      NSM_VAR_DIR="var/bench-$scale" generate "$scale"  # quick when the data is there
    done
    measure sqlite "NSM_VAR_DIR=var/bench-national" "NSM_VAR_DIR=var/bench-multi"
    NSM_VAR_DIR=var/bench-demo $BIN/python bench/suggest.py  # GCM suggestions, leave-one-out on the demo
    $BIN/python bench/plan_import.py  # a 1,000-activity plan workbook imported into a fresh database of its own
  )
fi

if [ "$WHAT" = postgres ] || [ "$WHAT" = all ]; then
  eval "$(.ci/postgres.sh start)"
  trap '.ci/postgres.sh stop "$NSM_PG_DIR"; rm -rf "$OUT"' EXIT
  national_url=$NSM_DATABASE_URL
  multi_url=${NSM_DATABASE_URL%/*}/nsm_multi
  $BIN/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True).execute('CREATE DATABASE nsm_multi')" \
    "$national_url"
  NSM_DATABASE_URL=$national_url generate national
  NSM_DATABASE_URL=$multi_url generate multi
  for url in "$national_url" "$multi_url"; do
    $BIN/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True).execute('VACUUM ANALYZE')" "$url"
  done
  measure postgres "NSM_DATABASE_URL=$national_url" "NSM_DATABASE_URL=$multi_url"
fi
