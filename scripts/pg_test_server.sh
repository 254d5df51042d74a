#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests (Debian's postgresql package):
#   eval "$(scripts/pg_test_server.sh start)"   # prints export DIGITIZE_TEST_PG_URL=... PG_TEST_DIR=...
#   scripts/pg_test_server.sh stop "$PG_TEST_DIR"
# The cluster lives in a temporary folder, listens on 127.0.0.1 and a free port only,
# trusts local connections (it holds test data only) and is deleted by "stop".
set -euo pipefail
cmd=${1:-}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "pg_test_server: PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 4; }
as_owner() {
  # initdb and postgres refuse to run as root: run them as the postgres system user then.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
case "$cmd" in
  start)
    dir=$(mktemp -d /tmp/digitize-pg.XXXXXX)
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bindir/initdb" -D "$dir/data" -U digitize --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U digitize digitize_test
    echo "export DIGITIZE_TEST_PG_URL=postgresql+psycopg://digitize@127.0.0.1:$port/digitize_test PG_TEST_DIR=$dir"
    ;;
  stop)
    dir=${2:?usage: pg_test_server.sh stop DIR}
    [ -d "$dir/data" ] && as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *) echo "usage: pg_test_server.sh start | stop DIR" >&2; exit 2 ;;
esac
