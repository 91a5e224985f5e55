#!/bin/bash
# Benchmark: evidence files (佐证材料) of 10 MB uploaded through duband
# (POST /api/v1/targets/{id}/files, streamed into PostgreSQL in pieces)
# beside psql's \lo_import of the same files into the same database, one
# after another and CLIENTS at a time.  Prints MB/s and the ratio
# duband/\lo_import (goal: 0.5 or better), and duband's peak resident
# memory (VmHWM) after CLIENTS uploads at once.
#
#   bench/upload.sh [FILES] [CLIENTS]      (default 20 files, 10 at once)
#
# Uses the release build in build/ and a throwaway PostgreSQL cluster
# under var/bench-upload.
source "$(dirname "$0")/../scripts/common.sh"

FILES=${1:-20}
CLIENTS=${2:-10}
deps_install "${DUBAN_PACKAGES[@]}"
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
trap 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null; "$DUBAN_ROOT/scripts/pg" destroy bench-upload; rm -rf "$WORK"' EXIT

server=$(pg_start bench-upload test)
psql "$server dbname=postgres" -Xq -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" plan load "$DUBAN_ROOT/plans/jilin-2012.yaml" >/dev/null
GENERAL=$("$BIN/cli/duban" token create --quiet --role general)
TARGET=$(psql "$DUBAN_DB" -XAt -c 'SELECT min(id) FROM target')

# FILES files of 10 MB: a PDF's head, then bytes of their own.
for i in $(seq "$FILES"); do
	{ cat "$DUBAN_ROOT/tests/fixtures/evidence/验收报告.pdf"
	  head -c $((10 * 1024 * 1024 - $(stat -c %s "$DUBAN_ROOT/tests/fixtures/evidence/验收报告.pdf"))) \
		/dev/urandom; } >"$WORK/f$i.pdf"
done
MB=$((FILES * 10))

printf 'pool_size = 4\nlog_level = notice\n' >"$WORK/duband.conf"
PORT=18093
"$BIN/daemon/duband" --config "$WORK/duband.conf" --listen 127.0.0.1:$PORT \
	2>"$WORK/duband.log" &
DPID=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
	sleep 0.1
done

now() { date +%s.%N; }
up() {	# up I: one upload through duband
	curl -sf -o /dev/null -H "Authorization: Bearer $GENERAL" -H 'Content-Type: application/pdf' \
		--data-binary @"$WORK/f$1.pdf" \
		"http://127.0.0.1:$PORT/api/v1/targets/$TARGET/files?name=f$1.pdf" ||
		{ echo "upload $1 failed" >&2; exit 1; }
}
lo() {	# lo I: the same file through \lo_import, in its own transaction
	psql "$DUBAN_DB" -XqAt -c "\\lo_import '$WORK/f$1.pdf'" >/dev/null
}
run() {	# run FN PARALLEL: seconds for all files
	local t0 t1
	t0=$(now)
	seq "$FILES" | xargs -P "$2" -I{} bash -c "$1 {}"
	t1=$(now)
	echo "$t1 - $t0" | bc -l
}
export -f up lo
export WORK GENERAL PORT TARGET DUBAN_DB

printf '\n%-32s %8s %12s %12s %8s\n' "10 MB files" clients "duband MB/s" "lo_import MB/s" ratio
for p in 1 "$CLIENTS"; do
	d=$(run up "$p")
	l=$(run lo "$p")
	printf '%-32s %8d %12.1f %12.1f %8.2f\n' "$FILES files" "$p" "$(echo "$MB / $d" | bc -l)" \
		"$(echo "$MB / $l" | bc -l)" "$(echo "$l / $d" | bc -l)"
done
printf '\nduband peak resident memory (VmHWM): %s\n' \
	"$(awk '/VmHWM/ { print $2, $3 }' "/proc/$DPID/status")"
printf 'stored: %s files, %s MB in chunks; %s cores\n' \
	"$(psql "$DUBAN_DB" -XAt -c "SELECT count(*) FROM evidence_file WHERE state = 'submitted'")" \
	"$(psql "$DUBAN_DB" -XAt -c 'SELECT sum(length(data)) / 1048576 FROM evidence_chunk')" "$(nproc)"
