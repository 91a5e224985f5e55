#!/bin/sh
# Builds the libFuzzer harnesses (clang, -DDUBAN_FUZZ=ON) in BUILD and
# runs each for SECONDS over its committed corpus (tests/fuzz/corpus/NAME,
# read only: new inputs go to a scratch folder), then prints per harness
# the executions, the coverage (libFuzzer's cov: edges and ft: features)
# and whether it crashed.  Exits 1 if any harness crashed, leaked or
# timed out; the input is kept in BUILD/fuzz-artifacts/.
#
#   tests/fuzz/run.sh BUILD SECONDS [HARNESS...]
#
# Used by the fuzz-smoke test (a few seconds each) and bench/fuzz.sh.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$1
seconds=$2
shift 2
harnesses=${*:-xlsx plan sheetplan deadline httphead draft body connerr}

targets=
for h in $harnesses; do targets="$targets fuzz-$h"; done
CC=${FUZZ_CC:-clang} cmake -S "$root" -B "$build" -DDUBAN_FUZZ=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
# shellcheck disable=SC2086
cmake --build "$build" -j "$(nproc)" --target $targets -- --no-print-directory >/dev/null

artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"
failed=0
printf '%-10s %12s %8s %8s %10s %s\n' harness execs cov ft exec/s result
for h in $harnesses; do
	scratch=$(mktemp -d)
	log=$build/fuzz-$h.log
	rc=0
	dict=
	[ -f "$root/tests/fuzz/$h.dict" ] && dict="-dict=$root/tests/fuzz/$h.dict"
	# shellcheck disable=SC2086
	"$build/tests/fuzz/fuzz-$h" $dict -max_total_time="$seconds" -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/$h-" \
		"$scratch" "$root/tests/fuzz/corpus/$h" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		result="CRASH (see $log)"
		failed=1
		grep -E '^==[0-9]+==ERROR|SUMMARY|Test unit written' "$log" >&2 || true
	fi
	printf '%-10s %12s %8s %8s %10s %s\n' "$h" "${execs:-?}" "${cov:-?}" \
		"${ft:-?}" "${speed:-?}" "$result"
	rm -rf "$scratch"
done
exit $failed
