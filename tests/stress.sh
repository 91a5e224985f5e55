#!/bin/bash
# Runs the whole suite N times in a row (default 20) while stress-ng
# keeps both cores busy, to find tests that pass only on an idle machine.
# Builds once, as scripts/test does (ASan + UBSan, build-asan/), then
# runs ctest -j2 N times; prints one line per run (pass or fail, seconds,
# the failed tests) and a summary, keeps each failing run's ctest log
# under var/stress-TIME/, and exits non-zero if any run failed.
#
#   tests/stress.sh [N [CTEST-ARGS...]]     e.g. tests/stress.sh 5 -R web-
source "$(dirname "$0")/../scripts/common.sh"

N=${1:-20}
[[ $N =~ ^[1-9][0-9]*$ ]] || die "用法：tests/stress.sh [次数 [ctest 参数...]]"
shift $(($# > 0 ? 1 : 0))
BUILD=$DUBAN_ROOT/build-asan
LOGS=$DUBAN_ROOT/var/stress-$(date +%Y%m%d-%H%M%S)

deps_install "${DUBAN_PACKAGES[@]}" "${DUBAN_TEST_PACKAGES[@]}" stress-ng
web_test_deps
say "编译测试版本（ASan + UBSan，build-asan/）"
build_asan
mkdir -p "$LOGS"

# The load: one busy worker per core.  The timeout only bounds it should
# this script be killed before its trap runs (an hour a run is far more
# than a run takes).
stress=
stop_stress() {
	[ -n "$stress" ] || return 0
	kill "$stress" 2>/dev/null || true
	wait "$stress" 2>/dev/null || true
	stress=
}
trap stop_stress EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
stress-ng --cpu 2 --timeout "$((N * 3600))s" --quiet &
stress=$!
say "stress-ng --cpu 2 已启动（进程 $stress）；运行全部测试 $N 次"

failed_runs=0
for ((i = 1; i <= N; i++)); do
	log=$LOGS/run-$i.log
	start=$SECONDS
	if ctest --test-dir "$BUILD" --output-on-failure -j2 "$@" >"$log" 2>&1; then
		printf '第 %d/%d 次：通过，%d 秒\n' "$i" "$N" $((SECONDS - start))
		rm -f "$log"
	else
		failed_runs=$((failed_runs + 1))
		# ctest lists them as "  12 - web (Failed)" after this line.
		names=$(sed -n '/^The following tests FAILED:/,$s/^[[:space:]]*[0-9]* - \([^ ]*\) .*/\1/p' \
			"$log" | paste -sd ' ' -)
		printf '第 %d/%d 次：失败，%d 秒，失败的测试：%s（日志：%s）\n' "$i" "$N" \
			$((SECONDS - start)) "${names:-（ctest 未列出，见日志）}" "$log"
	fi
done
stop_stress

if ((failed_runs == 0)); then
	rmdir "$LOGS" 2>/dev/null || true
	printf '共 %d 次，全部通过\n' "$N"
	exit 0
fi
printf '共 %d 次，%d 次通过，%d 次失败；失败的日志在 %s\n' "$N" $((N - failed_runs)) \
	"$failed_runs" "$LOGS"
exit 1
