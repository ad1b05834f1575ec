#!/usr/bin/env bash
# A throw-away PostgreSQL 15 on 127.0.0.1 for the tests.
#   eval "$(bash scripts/pg.sh start)"   # prints export lines: JIBAN_TEST_PG_URL, JIBAN_PG_DIR
#   bash scripts/pg.sh stop "$JIBAN_PG_DIR"
set -euo pipefail
BIN=/usr/lib/postgresql/15/bin
cmd=${1:-}

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    dir=$(mktemp -d /tmp/jiban-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
    port=${JIBAN_PG_PORT:-$(( 20000 + RANDOM % 20000 ))}
    as_pg "$BIN/initdb" -D "$dir/data" -U jiban --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "export JIBAN_PG_DIR=$dir"
    echo "export JIBAN_TEST_PG_URL=postgres://jiban@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=${2:?usage: pg.sh stop DIR}
    as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg.sh start | stop DIR" >&2
    exit 2
    ;;
esac
