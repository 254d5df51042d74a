#!/usr/bin/env bash
# Runs the test suite, installing what it needs first (scripts/setup.sh --no-run).
# Extra arguments go to pytest.  pytest's exit code 5 ("no tests collected") is an error
# here: a green run must have run tests.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-run || exit $?
VENV=${VENV:-.venv}

# The core never imports the front ends (store, batch, web, export): import-linter's contract
# in pyproject.toml.
"$VENV/bin/lint-imports" --no-cache >/dev/null || { "$VENV/bin/lint-imports" --no-cache; exit 1; }

# A real PostgreSQL server for the store tests: a throw-away cluster, stopped on exit.
eval "$(scripts/pg_test_server.sh start)" || { echo "test: could not start PostgreSQL" >&2; exit 1; }
trap 'scripts/pg_test_server.sh stop "$PG_TEST_DIR"' EXIT
export DIGITIZE_TEST_PG_URL DIGITIZE_TEST_REQUIRE_PG=1

"$VENV/bin/python" -m pytest -q "$@"
status=$?
if [ $status -eq 5 ]; then
  echo "test: pytest collected no tests (exit 5): treated as a failure" >&2
  exit 1
fi
[ $status -ne 0 ] && exit $status

# Benchmark smoke test on the ~40-image quick set: it must run end to end on every
# variant without an engine failure; no accuracy or timing thresholds (see BENCHMARKS.md).
if [ $# -eq 0 ] && [ "${DIGITIZE_TEST_BENCH:-1}" != "0" ]; then
  "$VENV/bin/digitize" bench --quick --jobs 2 --fail-on-errors -o bench-out/ci-quick > bench-out-ci-quick.log 2>&1
  status=$?
  tail -n 40 bench-out-ci-quick.log
  [ $status -ne 0 ] && { echo "test: benchmark smoke test failed" >&2; exit $status; }
fi

# The paddle extra pulls its own OpenCV flavour (opencv-contrib-python), so its tests run
# in an environment of their own.  Skipped when pytest arguments select a subset, or with
# DIGITIZE_TEST_PADDLE=0.
if [ $# -eq 0 ] && [ "${DIGITIZE_TEST_PADDLE:-1}" != "0" ]; then
  VENV=.venv-paddle EXTRAS=paddle,dev scripts/setup.sh --no-run || exit $?
  .venv-paddle/bin/python -m pytest -q -m paddle -p no:cacheprovider tests
  status=$?
  if [ $status -eq 5 ]; then
    echo "test: no paddle tests collected (exit 5): treated as a failure" >&2
    exit 1
  fi
fi
exit $status
