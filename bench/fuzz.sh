#!/bin/sh
# Fuzzing: each libFuzzer harness (tests/fuzz) for FUZZ_SECONDS (600 by
# default) over its seed corpus, in build-fuzz/ (clang); prints the
# executions and coverage per harness and fails on any crash.
#
#   bench/fuzz.sh [HARNESS...]        FUZZ_SECONDS=60 bench/fuzz.sh xlsx
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
exec "$root/tests/fuzz/run.sh" "${FUZZ_BUILD:-$root/build-fuzz}" \
	"${FUZZ_SECONDS:-600}" "$@"
