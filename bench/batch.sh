#!/bin/bash
# Benchmark: 批量填报, a table of 100 rows saved as an office's drafts in
# one request (PUT /api/v1/offices/{office}/report) through duband, beside
# pgbench running the statement duband runs (duban_api_office_batch) with
# the same body, the same token and the same number of clients, against
# the same database (every shipped plan; the office with the most rows; a
# clerk of it).  Every call writes: each row's draft is saved again.
# Prints batches per second, rows per second and the ratio
# duband/pgbench (goal: 0.8 or better).
#
#   bench/batch.sh [SECONDS]        (default 10 per run)
#
# Uses the release build in build/ and a throwaway PostgreSQL cluster
# under var/bench-batch; needs wrk and pgbench (installed if missing).
source "$(dirname "$0")/../scripts/common.sh"

SECS=${1:-10}
ROWS=${ROWS:-100}
deps_install "${DUBAN_PACKAGES[@]}" wrk postgresql-contrib
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
trap 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null; "$DUBAN_ROOT/scripts/pg" destroy bench-batch; rm -rf "$WORK"' EXIT

NOW=2025-10-15T10:00+08:00
server=$(pg_start bench-batch test)
psql "$server dbname=postgres" -Xq -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
# Beside them, a plan whose office has a table of 100 rows (the shipped
# plans' longest is 30): ten tasks of nine targets and a milestone each.
{
	printf 'duban-plan: 1\nplan:\n  key: bench-batch\n  title: 基准测试工作要点\n'
	printf '  year: 2025\n  issuer: 基准市教育局\n  issuer_kind: city_bureau\n  source: {file: bench-batch.txt}\n'
	printf '  default_deadline: 全年\noffices:\n  - {name: 基准处, kind: office}\n'
	printf '  - {name: 局办公室, kind: office}\n'
	printf 'plan_roles:\n  - {role: general_office, office: 局办公室}\nsections:\n'
	printf '  - key: s1\n    number: 一\n    title: 重点工作\n    tasks:\n'
	for t in $(seq 10); do
		printf '      - key: "%d"\n        number: "%d"\n        title: 基准任务%d\n' "$t" "$t" "$t"
		printf '        deadline: 全年\n        lead: {office: 基准处}\n        targets:\n'
		for g in $(seq 9); do
			printf '          - {key: g%d, name: 指标%d-%d, kind: count, value: %d, unit: 个}\n' \
				"$g" "$t" "$g" $((100 * g))
		done
		printf '        milestones:\n          - {key: m1, title: 节点%d, due: 2025年12月}\n' "$t"
	done
} >"$WORK/bench-batch.yaml"
DUBAN_NOW=2025-09-01T09:00+08:00 "$BIN/cli/duban" plan load "$DUBAN_ROOT"/plans/*.yaml \
	"$WORK/bench-batch.yaml" >/dev/null

# The office whose 填报表 is longest, and a clerk of it.
OFFICE=$(psql "$DUBAN_DB" -XAtq -c "
	SELECT o.name FROM office o
	 CROSS JOIN LATERAL (SELECT (SELECT count(*) FROM target g JOIN task t ON t.id = g.task_id
				      WHERE duban_office_may_write(o.id, t.id))
				  + (SELECT count(*) FROM milestone m JOIN task t ON t.id = m.task_id
				      WHERE duban_office_may_write(o.id, t.id)) AS n) c
	 ORDER BY c.n DESC, o.id LIMIT 1")
printf 'Bench-Batch-2025\n' | "$BIN/cli/duban" user create --login bench-clerk --org 吉林市教育局 --name 基准经办人 \
	--role clerk --office "$OFFICE" --password-stdin >/dev/null
TOKEN=$("$BIN/cli/duban" token create --user bench-clerk --quiet)
HASH=$(printf '%s' "$TOKEN" | sha256sum | cut -c1-64)

# The body: the first $ROWS rows of its table, each target at its goal,
# each milestone 进行中, with the four texts.
psql "$DUBAN_DB" -XAtq -v o="$OFFICE" -v n="$ROWS" -v now="$NOW" >"$WORK/body.json" <<'SQL'
SELECT jsonb_build_object('rows', jsonb_agg(jsonb_build_object('kind', r->>'kind',
	'id', (r->>'id')::bigint, 'version', (r->>'version')::int,
	'note', '本季度按计划推进第' || (r->>'row') || '项工作',
	'outcome', '取得阶段性成效', 'problems', '暂无', 'next_steps', '继续推进')
	|| CASE r->>'kind' WHEN 'target' THEN jsonb_build_object('current', r->'goal'->'value')
	   ELSE '{"status": "in_progress"}' END ORDER BY (r->>'row')::int))
  FROM jsonb_array_elements(duban_office_rows((SELECT id FROM office WHERE name = :'o'), NULL,
	NULL::api_token, :'now')->'rows') r
 WHERE (r->>'row')::int <= :n;
SQL
n=$(grep -o '"kind"' "$WORK/body.json" | wc -l)

POOL=${POOL:-4}
DEPTH=${DEPTH:-4}
printf 'pool_size = %s\npipeline_depth = %s\nlog_level = notice\nmax_connections = 1024\nmax_body = 1048576\n' \
	"$POOL" "$DEPTH" >"$WORK/duband.conf"
PORT=18093
DUBAN_NOW=$NOW "$BIN/daemon/duband" --config "$WORK/duband.conf" --listen 127.0.0.1:$PORT \
	2>"$WORK/duband.log" &
DPID=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
	sleep 0.1
done
OFFICE_ID=$(psql "$DUBAN_DB" -XAtq -v o="$OFFICE" <<<"SELECT id FROM office WHERE name = :'o'")
URL="http://127.0.0.1:$PORT/api/v1/offices/$OFFICE_ID/report"
status=$(curl -s -o "$WORK/first.json" -w '%{http_code}' -X PUT -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' --data-binary @"$WORK/body.json" "$URL")
if [ "$status" != 200 ]; then
	echo "duband refused the batch ($status):" >&2
	head -c 2000 "$WORK/first.json" >&2
	exit 1
fi

"$BIN/bench/duban-bench-sql" office-batch >"$WORK/batch.sql"
cat >"$WORK/batch.lua" <<LUA
local f = io.open("$WORK/body.json")
wrk.method = "PUT"
wrk.body = f:read("*a")
f:close()
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
LUA

wrk_rps() {	# wrk_rps CLIENTS
	local out
	out=$(wrk -t1 -c"$1" -d"${SECS}s" -s "$WORK/batch.lua" "$URL")
	if grep -q 'Non-2xx' <<<"$out"; then
		echo "duband answered errors:" >&2
		echo "$out" >&2
		exit 1
	fi
	awk '/Requests\/sec/ { print $2 }' <<<"$out"
}
pg_tps() {	# pg_tps CLIENTS
	pgbench -n -M extended -c "$1" -j 1 -T "$SECS" -f "$WORK/batch.sql" \
		-D "p1=$HASH" -D "p2=$OFFICE_ID" -D "p3=$(tr -d '\n' <"$WORK/body.json")" \
		-D "p4=$NOW" "$DUBAN_DB" 2>&1 | awk '/^tps = / { print $3 }'
}

printf '\n%s：%s 行一批（PUT /api/v1/offices/{office}/report）\n' "$OFFICE" "$n"
printf '%8s %12s %12s %12s %8s\n' clients "duband/s" "pgbench/s" "rows/s" ratio
for c in 1 4; do
	d=$(wrk_rps "$c")
	p=$(pg_tps "$c")
	printf '%8d %12.1f %12.1f %12.0f %8.2f\n' "$c" "$d" "$p" "$(echo "$d * $n" | bc -l)" \
		"$(echo "$d / $p" | bc -l)"
done
printf '\npool_size %s, pipeline_depth %s; body %s bytes; %s s per run, %s cores\n' \
	"$POOL" "$DEPTH" "$(wc -c <"$WORK/body.json")" "$SECS" "$(nproc)"
