#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for Kyoso's tests (see docs/decisions/0003-test-databases-and-ci.md).
#
#   scripts/pg-test-cluster.sh start   start a cluster (or reuse the running one); prints its admin URL
#   scripts/pg-test-cluster.sh url     prints the running cluster's URL; exit 1 if none runs
#   scripts/pg-test-cluster.sh stop    stops the cluster and deletes its files (no-op if none runs)
#   scripts/pg-test-cluster.sh bin     prints the directory holding initdb/pg_ctl; exit 1 if none found
#
# The cluster lives in a temp dir (${TMPDIR:-/tmp}/kyoso-pg-XXXXXX): data dir, unix socket dir and
# log. It listens on 127.0.0.1 only, on a free port, with trust auth and fsync off: test data only.
# Its port and dir are kept in a state file (default .tmp/pg-test-cluster.env in the repo; override
# with KYOSO_PG_STATE, e.g. for a private cluster) so that `url` and `stop` find it. PG_BIN may name
# the binaries' directory.
# initdb refuses to run as root, so as root every server command runs as the `postgres` OS user.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE=${KYOSO_PG_STATE:-$ROOT/.tmp/pg-test-cluster.env}

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

# Directory with initdb, pg_ctl and psql: $PG_BIN, else initdb on PATH (symlinks resolved, so that
# the sibling pg_ctl/psql of the same version are used), else the newest /usr/lib/postgresql/*/bin.
find_bin() {
  local d
  if [ -n "${PG_BIN:-}" ]; then
    [ -x "$PG_BIN/initdb" ] && echo "$PG_BIN" && return 0
    return 1
  fi
  if d=$(command -v initdb 2>/dev/null); then
    d=$(dirname "$(readlink -f "$d")")
    [ -x "$d/pg_ctl" ] && echo "$d" && return 0
  fi
  for d in $(printf "%s\n" /usr/lib/postgresql/*/bin /usr/pgsql-*/bin /usr/local/pgsql/bin | sort -rV); do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && echo "$d" && return 0
  done
  return 1
}

# Runs a server command as the cluster's owner: `postgres` when we are root, else ourselves.
# It runs from the cluster dir, since postgres may not be allowed into the caller's cwd (e.g. /root),
# and without fd 9 (the lock below), which the server would otherwise keep open, holding the lock.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    (cd "$DIR" && runuser -u postgres -- "$@" 9>&-)
  else
    (cd "$DIR" && "$@" 9>&-)
  fi
}

load_state() {
  [ -s "$STATE" ] || return 1
  # shellcheck source=/dev/null
  . "$STATE"
  DIR=${PG_TEST_DIR:-} PORT=${PG_TEST_PORT:-} BIN=${PG_TEST_BIN:-}
  [ -n "$DIR" ] && [ -n "$PORT" ] && [ -n "$BIN" ]
}

is_running() {
  load_state && [ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" status -D "$DIR/data" >/dev/null 2>&1
}

url() { echo "postgres://postgres@127.0.0.1:$PORT/postgres"; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

cleanup() {
  if load_state; then
    if [ -d "$DIR/data" ]; then
      as_owner "$BIN/pg_ctl" stop -D "$DIR/data" -m fast -w -t 30 >/dev/null 2>&1 ||
        as_owner "$BIN/pg_ctl" stop -D "$DIR/data" -m immediate -w >/dev/null 2>&1 || true
    fi
    case "$DIR" in */kyoso-pg-*) rm -rf "$DIR" ;; esac
  fi
  rm -f "$STATE"
}

start() {
  if is_running; then
    url
    return 0
  fi
  cleanup # stale state from a cluster that is gone (killed, machine restarted): forget it
  BIN=$(find_bin) || die "initdb/pg_ctl not found; install PostgreSQL (Debian: apt-get install postgresql postgresql-contrib) or set PG_BIN"

  DIR=$(mktemp -d "${TMPDIR:-/tmp}/kyoso-pg-XXXXXX")
  if [ "$(id -u)" = 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres: "$DIR"
    runuser -u postgres -- test -w "$DIR" || {
      rm -rf "$DIR"
      die "user postgres cannot write to $DIR; set TMPDIR to a directory it can reach"
    }
  fi
  as_owner mkdir -m 700 "$DIR/data" "$DIR/sock"

  if ! as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust --locale=C.UTF-8 --encoding=UTF8 \
    --no-sync >"$DIR/initdb.log" 2>&1; then
    cat "$DIR/initdb.log" >&2
    rm -rf "$DIR"
    die "initdb failed"
  fi
  # Trust only local connections: the unix socket (inside $DIR) and 127.0.0.1.
  printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' | as_owner tee "$DIR/data/pg_hba.conf" >/dev/null

  # The port is picked before the server binds it: retry if another process took it meanwhile.
  local attempt
  for attempt in 1 2 3; do
    PORT=$(free_port)
    as_owner tee -a "$DIR/data/postgresql.conf" >/dev/null <<EOF
# kyoso test cluster (attempt $attempt); later lines override earlier ones
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR/sock'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    printf 'PG_TEST_DIR=%q\nPG_TEST_PORT=%q\nPG_TEST_BIN=%q\n' "$DIR" "$PORT" "$BIN" >"$STATE.new"
    if as_owner "$BIN/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t 60 >/dev/null 2>&1; then
      mv "$STATE.new" "$STATE"
      break
    fi
    rm -f "$STATE.new"
    if [ "$attempt" = 3 ]; then
      tail -n 30 "$DIR/server.log" >&2 || true
      rm -rf "$DIR"
      die "the server did not start (log above)"
    fi
  done

  # Kyoso's migrations need pg_trgm (contrib): prove it can be created, and leave no trace of the test.
  local psql=$BIN/psql
  [ -x "$psql" ] || psql=psql
  if ! "$psql" -X -q -v ON_ERROR_STOP=1 "$(url)" >/dev/null 2>"$DIR/trgm.log" <<'SQL'; then
begin;
create extension pg_trgm;
select similarity('kyoso', 'kyoto');
rollback;
SQL
    cat "$DIR/trgm.log" >&2
    cleanup
    die "the pg_trgm extension is not available; install PostgreSQL's contrib modules (Debian: apt-get install postgresql-contrib)"
  fi
  url
}

# start and stop hold a lock on the state file, so that concurrent calls do not start two clusters.
lock() {
  mkdir -p "$(dirname "$STATE")"
  exec 9>"$STATE.lock"
  flock 9
}

cmd=${1:-}
case "$cmd" in
start)
  lock
  start
  ;;
stop)
  lock
  cleanup
  ;;
url)
  is_running || die "no test cluster is running (start one with: $0 start)"
  url
  ;;
bin) find_bin || die "initdb/pg_ctl not found" ;;
*) die "usage: $0 start|stop|url|bin" ;;
esac
