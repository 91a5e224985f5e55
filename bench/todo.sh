#!/bin/bash
# Benchmark: each person's 待办 (GET /api/v1/todo) through duband, beside
# pgbench running the statement duband runs (duban_api_todo), with the
# same number of clients, against the same database: every shipped plan
# loaded six weeks earlier (so the general office's list of offices late
# to 签收 is full), a dispatch round open over all of them, and reports
# waiting at each step.  Prints requests per second and the ratio
# duband/pgbench (goal: 0.8 or better at 8 clients) for the general
# office and for a lead office.
#
#   bench/todo.sh [SECONDS]        (default 10 per run)
#
# Uses the release build in build/ and a throwaway PostgreSQL cluster
# under var/bench; needs wrk and pgbench (installed if missing).
source "$(dirname "$0")/../scripts/common.sh"

SECS=${1:-10}
deps_install "${DUBAN_PACKAGES[@]}" wrk postgresql-contrib
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
trap 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null; "$DUBAN_ROOT/scripts/pg" destroy bench; rm -rf "$WORK"' EXIT

LOADED=2025-09-01T09:00+08:00
NOW=2025-10-15T10:00+08:00
server=$(pg_start bench test)
psql "$server dbname=postgres" -Xq -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" calendar load "$DUBAN_ROOT/plans/calendar/cn-workdays.yaml" >/dev/null
DUBAN_NOW=$LOADED "$BIN/cli/duban" plan load "$DUBAN_ROOT"/plans/*.yaml >/dev/null
GENERAL=$("$BIN/cli/duban" token create --quiet --org 吉林市教育局 --role general)
OFFICE=$("$BIN/cli/duban" token create --quiet --org 吉林市教育局 --role office --office 财务审计处)
hash() { printf '%s' "$1" | sha256sum | cut -c1-64; }
GHASH=$(hash "$GENERAL")
OHASH=$(hash "$OFFICE")

# A round over every plan, due in a week; each lead office's report at a
# step of its own (a third went out and await 采纳, a third returned, the
# rest not yet), so that every branch of the 待办 has rows.
psql "$DUBAN_DB" -XAtq -v ON_ERROR_STOP=1 -v g="$GHASH" -v now="$NOW" <<'SQL' >/dev/null
SELECT duban_api_dispatch_open(:'g', jsonb_build_object('plans',
	(SELECT jsonb_agg(key) FROM plan), 'due_on', '2025-10-22'), :'now');
INSERT INTO office_report (office_id, dispatch_id, state, created_at, updated_at, reported_at)
SELECT x.office_id, x.dispatch_id,
       CASE x.office_id % 3 WHEN 0 THEN 'reported' WHEN 1 THEN 'returned' ELSE 'submitted' END,
       :'now', :'now', :'now'
  FROM dispatch_office x;
INSERT INTO office_report_step (report_id, at, action, state, actor, role, reason)
SELECT r.id, :'now', CASE r.state WHEN 'reported' THEN 'report' WHEN 'returned' THEN 'return'
			 ELSE 'submit' END, r.state, 'bench', 'head',
       CASE r.state WHEN 'returned' THEN '请补充' END
  FROM office_report r;
SQL

POOL=${POOL:-4}
DEPTH=${DEPTH:-4}
printf 'pool_size = %s\npipeline_depth = %s\nlog_level = notice\nmax_connections = 1024\n' \
	"$POOL" "$DEPTH" >"$WORK/duband.conf"
PORT=18091
DUBAN_NOW=$NOW "$BIN/daemon/duband" --config "$WORK/duband.conf" --listen 127.0.0.1:$PORT \
	2>"$WORK/duband.log" &
DPID=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
	sleep 0.1
done

"$BIN/bench/duban-bench-sql" todo >"$WORK/todo.sql"
items() {	# items TOKEN: how many items the 待办 holds
	curl -s -H "Authorization: Bearer $1" "http://127.0.0.1:$PORT/api/v1/todo" |
		sed -n 's/^{"count" : \([0-9]*\).*/\1/p; s/^{"count":\([0-9]*\).*/\1/p'
}
wrk_rps() {	# wrk_rps CLIENTS TOKEN
	local out
	out=$(wrk -t2 -c"$1" -d"${SECS}s" -H "Authorization: Bearer $2" \
		"http://127.0.0.1:$PORT/api/v1/todo")
	if grep -q 'Non-2xx' <<<"$out"; then
		echo "duband answered errors:" >&2
		echo "$out" >&2
		exit 1
	fi
	awk '/Requests\/sec/ { print $2 }' <<<"$out"
}
pg_tps() {	# pg_tps CLIENTS HASH
	pgbench -n -M extended -c "$1" -j 2 -T "$SECS" -f "$WORK/todo.sql" \
		-D "p1=$2" -D "p2=$NOW" "$DUBAN_DB" 2>&1 | awk '/^tps = / { print $3 }'
}

printf '\n%-28s %6s %8s %12s %12s %8s\n' "GET /api/v1/todo as" items clients "duband/s" \
	"pgbench/s" ratio
for who in general office; do
	if [ $who = general ]; then tok=$GENERAL h=$GHASH; else tok=$OFFICE h=$OHASH; fi
	n=$(items "$tok")
	for c in 8 32; do
		d=$(wrk_rps "$c" "$tok")
		p=$(pg_tps "$c" "$h")
		printf '%-28s %6s %8d %12.0f %12.0f %8.2f\n' "$who" "$n" "$c" "$d" "$p" \
			"$(echo "$d / $p" | bc -l)"
	done
done
printf '\npool_size %s, pipeline_depth %s; %s plans, %s tasks; %s s per run, %s cores\n' \
	"$POOL" "$DEPTH" \
	"$(psql "$DUBAN_DB" -XAt -c 'SELECT count(*) FROM plan')" \
	"$(psql "$DUBAN_DB" -XAt -c 'SELECT count(*) FROM task')" "$SECS" "$(nproc)"
