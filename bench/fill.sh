#!/bin/bash
# Benchmark: reading an uploaded XLSX 填报表 (lib/report/fill.c over
# lib/sheet/xlsx.c) of 2,000 rows, and 500 and 10,000 to see that the
# time per row stays flat: the best of 5 reads, its time per row, and the
# process's peak resident memory (getrusage).  Release build in build/.
#
#   bench/fill.sh [ROWS...]        (default 500 2000 10000)
source "$(dirname "$0")/../scripts/common.sh"

SIZES=("$@")
((${#SIZES[@]} > 0)) || SIZES=(500 2000 10000)
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
for n in "${SIZES[@]}"; do
	"$DUBAN_ROOT/build/bench/duban-bench-fill" "$n" 5
done
