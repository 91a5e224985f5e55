#!/bin/bash
# Benchmark: progress updates and task lists through duband, beside
# pgbench running the same statement with the same number of clients
# against the same database.  Prints requests per second, the ratio
# duband/pgbench (goal: 0.9 or better) and duband's peak resident
# memory (goal: under 32 MB at 32 clients).
#
#   bench/api.sh [SECONDS]        (default 10 per run)
#
# Uses the release build in build/ and a throwaway PostgreSQL cluster
# under var/bench; needs wrk and pgbench (installed if missing).
# BENCH_SERVER=CONNINFO uses that server instead (its database bench is
# made anew: bench/syncrep.sh gives the HA cluster's primary);
# BENCH_DURABLE=1 makes the throwaway cluster with fsync and synchronous
# commit on; BENCH_WRITES_ONLY=1 runs the PATCH workload only.
source "$(dirname "$0")/../scripts/common.sh"

SECS=${1:-10}
deps_install "${DUBAN_PACKAGES[@]}" wrk postgresql-contrib
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
if [ -n "${BENCH_SERVER:-}" ]; then
	trap 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null; rm -rf "$WORK"' EXIT
	server=$BENCH_SERVER
	psql "$server dbname=postgres" -Xq -c 'DROP DATABASE IF EXISTS bench' >/dev/null
else
	trap 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null; "$DUBAN_ROOT/scripts/pg" destroy bench; rm -rf "$WORK"' EXIT
	"$DUBAN_ROOT/scripts/pg" destroy bench
	if [ "${BENCH_DURABLE:-}" = 1 ]; then
		server=$(pg_start bench)
	else
		server=$(pg_start bench test)
	fi
fi
psql "$server dbname=postgres" -Xq -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" plan load "$DUBAN_ROOT"/plans/*.yaml >/dev/null
TOKEN=$("$BIN/cli/duban" token create --quiet --org 吉林市教育局 --role general)
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -c1-64)
read -r MIN MAX < <(psql "$DUBAN_DB" -XAt -F' ' -c 'SELECT min(id), max(id) FROM milestone')
TODAY=$(TZ=Asia/Shanghai date +%F)

POOL=${POOL:-4}
DEPTH=${DEPTH:-4}
printf 'pool_size = %s\npipeline_depth = %s\nlog_level = notice\nmax_connections = 1024\n' \
	"$POOL" "$DEPTH" >"$WORK/duband.conf"
PORT=18090
"$BIN/daemon/duband" --config "$WORK/duband.conf" --listen 127.0.0.1:$PORT \
	2>"$WORK/duband.log" &
DPID=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
	sleep 0.1
done

# --- the statements ---------------------------------------------------
# The write: the function duband calls for PATCH /milestones/{id}, with a
# new note each time so that every call writes (as the HTTP side does).
{
	echo "\\set p2 random($MIN, $MAX)"
	echo "\\set n random(1, 1000000000)"
	"$BIN/bench/duban-bench-sql" milestone-patch 3 |
		sed "s/:p4::jsonb/json_build_object('note', 'bench ' || :n)::jsonb/"
} >"$WORK/patch.sql"
"$BIN/bench/duban-bench-sql" task-list 2 3 4 5 >"$WORK/list.sql"

cat >"$WORK/patch.lua" <<LUA
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local n = 0
request = function()
	n = n + 1
	local id = math.random($MIN, $MAX)
	return wrk.format("PATCH", "/api/v1/milestones/" .. id,
		{ ["Authorization"] = "Bearer $TOKEN", ["Content-Type"] = "application/json" },
		'{"note":"bench ' .. n .. ' ' .. math.random(1000000000) .. '"}')
end
LUA
cat >"$WORK/list.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

wrk_rps() {	# wrk_rps CLIENTS SCRIPT PATH
	local out
	out=$(wrk -t2 -c"$1" -d"${SECS}s" -s "$2" "http://127.0.0.1:$PORT$3")
	if grep -q 'Non-2xx' <<<"$out"; then
		echo "duband answered errors:" >&2
		echo "$out" >&2
		exit 1
	fi
	awk '/Requests\/sec/ { print $2 }' <<<"$out"
}

pg_tps() {	# pg_tps CLIENTS SCRIPT [-D ...]
	local c=$1 script=$2
	shift 2
	pgbench -n -M extended -c "$c" -j 2 -T "$SECS" -f "$script" "$@" "$DUBAN_DB" 2>&1 |
		awk '/^tps = / { print $3 }'
}

printf '\n%-34s %8s %12s %12s %8s\n' "workload" clients "duband/s" "pgbench/s" ratio
for c in 8 32; do
	d=$(wrk_rps "$c" "$WORK/patch.lua" /api/v1/milestones/1)
	p=$(pg_tps "$c" "$WORK/patch.sql" -D "p1=$HASH" -D "p5=$TODAY")
	printf '%-34s %8d %12.0f %12.0f %8.2f\n' "PATCH /api/v1/milestones/{id}" "$c" "$d" "$p" \
		"$(echo "$d / $p" | bc -l)"
	[ "${BENCH_WRITES_ONLY:-}" = 1 ] && continue
	d=$(wrk_rps "$c" "$WORK/list.lua" "/api/v1/tasks?plan=jilin-2012")
	p=$(pg_tps "$c" "$WORK/list.sql" -D p1=jilin-2012 -D "p6=$TODAY")
	printf '%-34s %8d %12.0f %12.0f %8.2f\n' "GET /api/v1/tasks?plan=jilin-2012" "$c" "$d" "$p" \
		"$(echo "$d / $p" | bc -l)"
done
hwm=$(awk '/VmHWM/ { print $2 }' "/proc/$DPID/status")
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$DPID/status")
printf '\nduband resident memory: %.1f MB now, %.1f MB peak (goal: under 32 MB)\n' \
	"$(echo "$rss / 1024" | bc -l)" "$(echo "$hwm / 1024" | bc -l)"
printf 'pool_size %s, pipeline_depth %s, %s s per run, %s cores\n' "$POOL" "$DEPTH" \
	"$SECS" "$(nproc)"
