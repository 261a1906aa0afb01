#!/usr/bin/env bash
# `npm test`: type check, lint + format check, then every *.test.ts(x) under src/, test/ and e2e/ with
# node's test runner, on SQLite and on a PostgreSQL cluster (docs/decisions/0003-test-databases-and-ci.md).
#
#   bash scripts/run-tests.sh                      everything
#   bash scripts/run-tests.sh src/x.test.ts ...    only these test files (checks still run)
#
# Environment:
#   KYOSO_TEST_PG_URL       admin URL of a PostgreSQL server on which tests may CREATE DATABASE. When
#                           unset, a private throwaway cluster is started (scripts/pg-test-cluster.sh,
#                           with its own state file, so that concurrent runs never share or stop each
#                           other's) and stopped when this script exits. To reuse one across runs:
#                           export KYOSO_TEST_PG_URL=$(bash scripts/pg-test-cluster.sh start)
#   KYOSO_TEST_CONCURRENCY  test files run at once (default: CPU cores; node's own default is one
#                           less). Each test file creates its own database(s), so files may run
#                           concurrently; the test processes wait on PostgreSQL and Chromium a lot.
# Fails if any step fails, if any test was skipped or todo, or if no test ran. The TAP report is
# kept in test-results/node-test.tap.
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=node_modules/.bin
[ -x "$BIN/tsc" ] || {
  echo "run-tests: $BIN/tsc not found; run npm ci first" >&2
  exit 1
}

echo "== tsc --noEmit"
"$BIN/tsc" --noEmit

echo "== biome check ."
"$BIN/biome" check .

# Test files: the arguments, else every *.test.ts(x) (node 20's --test has no glob support).
if [ $# -gt 0 ]; then
  files=("$@")
else
  dirs=()
  for d in src test e2e; do [ -d "$d" ] && dirs+=("$d"); done
  files=()
  if [ ${#dirs[@]} -gt 0 ]; then
    mapfile -t files < <(find "${dirs[@]}" -type f \( -name '*.test.ts' -o -name '*.test.tsx' \) | sort)
  fi
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "run-tests: no *.test.ts or *.test.tsx file found under src/, test/ or e2e/" >&2
  exit 1
fi

# PostgreSQL: the given server, else a private throwaway cluster.
if [ -z "${KYOSO_TEST_PG_URL:-}" ]; then
  state_dir=$(mktemp -d "${TMPDIR:-/tmp}/kyoso-pgstate-XXXXXX")
  export KYOSO_PG_STATE=$state_dir/cluster.env
  # shellcheck disable=SC2317 # called by the EXIT trap
  stop_cluster() {
    bash scripts/pg-test-cluster.sh stop || true
    rm -rf "$state_dir"
  }
  trap stop_cluster EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  KYOSO_TEST_PG_URL=$(bash scripts/pg-test-cluster.sh start)
fi
export KYOSO_TEST_PG_URL
echo "== node --test (${#files[@]} files; PostgreSQL at $KYOSO_TEST_PG_URL)"

mkdir -p test-results
tap=test-results/node-test.tap
rm -f "$tap"
status=0
node --import tsx --test --test-concurrency="${KYOSO_TEST_CONCURRENCY:-$(nproc)}" \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}" || status=$?

# Lists skipped/todo tests, prints the closing summary; fails on skips, todos or no test at all.
node scripts/check-no-skips.mjs "$tap" || { [ "$status" != 0 ] || status=1; }
exit "$status"
