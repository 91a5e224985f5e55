#!/bin/bash
# Benchmark: the year-end 考核 score for 100 offices over a year of
# history, through duband (GET /api/v1/assess, as the general office),
# beside the bare SQL behind it (duban_api_assess: the JSON delivered to
# psql).  Prints both times (best of RUNS, sequential) and their ratio
# (goal: <= 2), and the same for the XLSX 考核表 (rendered on duband's
# worker pool) against the same bare SQL.
#
#   bench/assess.sh [TASKS] [RUNS]      (default 2000 tasks, 5 runs)
source "$(dirname "$0")/../scripts/common.sh"

TASKS=${1:-2000}
RUNS=${2:-5}
deps_install "${DUBAN_PACKAGES[@]}"
[ -n "${BENCH_NOBUILD:-}" ] || build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
DPID=
# BENCH_KEEP=1 keeps the cluster, to look at the data afterwards.
trap '[ -n "$DPID" ] && kill $DPID 2>/dev/null; wait 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || "$DUBAN_ROOT/scripts/pg" destroy benchassess; rm -rf "$WORK"' EXIT

NOW=2027-01-15T09:00+08:00
server=$(pg_start benchassess test)
psql "$server dbname=postgres" -Xq -c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" calendar load "$DUBAN_ROOT/plans/calendar/cn-workdays.yaml" >/dev/null
sed 's/^year: 2012/year: 2026/' "$DUBAN_ROOT/plans/assess/default.yaml" >"$WORK/rules.yaml"
DUBAN_NOW=2026-01-01T09:00+08:00 "$BIN/cli/duban" assess load "$WORK/rules.yaml" >/dev/null
GENERAL=$("$BIN/cli/duban" token create --quiet --role general)
GHASH=$(printf '%s' "$GENERAL" | sha256sum | cut -c1-64)

# A year: TASKS tasks led by 100 offices, each with a responsible office,
# a deadline and two phases; a third of the phases done on time, a third
# late, the rest never; twelve monthly rounds to all 100 offices, with
# reports on time, late and missing, returns and re-reports; extensions
# (some tasks twice); a third of the tasks 办结 early; 领导评价 for each
# office, entered twice.
psql "$DUBAN_DB" -Xq -v ON_ERROR_STOP=1 <<SQL >/dev/null
INSERT INTO organisation (name) VALUES ('基准测试市教育局');
INSERT INTO office (org_id, name, kind)
SELECT 1, '处室' || i, 'office' FROM generate_series(1, 100) i;
INSERT INTO plan (key, org_id, year, title, source_file, created_at, completion_review)
VALUES ('bench', 1, 2026, '基准测试方案', 'bench', '2026-01-01', false);
INSERT INTO task (plan_id, key, number, label, title, deadline, position, lead_office_id)
SELECT 1, i::text, i::text, i::text, '民生实事第' || i || '项',
       make_date(2026, 6 + i % 7, 1) + interval '1 month - 1 day', i, 1 + i % 100
  FROM generate_series(1, $TASKS) i;
INSERT INTO task_role (task_id, role, office_id, position)
SELECT t.id, 'lead', 1 + t.id % 100, 1 FROM task t
UNION ALL
SELECT t.id, 'responsible', 1 + (t.id * 7 + 3) % 100, 2 FROM task t;
INSERT INTO milestone (task_id, key, kind, title, due_on, position, created_at)
SELECT t.id, CASE k WHEN 3 THEN 'deadline' ELSE 'phase' || k END,
       CASE k WHEN 3 THEN 'deadline' ELSE 'phase' END,
       CASE k WHEN 3 THEN '完成时限' ELSE '阶段' || k END,
       CASE k WHEN 3 THEN t.deadline ELSE date '2026-01-01' + ((t.id * 7 + k * 97) % 300)::int END,
       k, '2026-01-01'
  FROM task t, generate_series(1, 3) k;
-- Milestones done: on time (t % 3 = 0), late (t % 3 = 1), never.
INSERT INTO progress (at, actor, office_id, source, plan_id, task_id, milestone_id, field,
    old_value, new_value)
SELECT m.due_on + CASE m.task_id % 3 WHEN 0 THEN -3 ELSE 5 END + time '10:00', '处室',
       1 + m.task_id % 100, 'api', 1, m.task_id, m.id, f.field, f.old, f.new
  FROM milestone m
 CROSS JOIN LATERAL (VALUES ('status', 'pending', 'done'),
	('completed_on', NULL, (m.due_on + CASE m.task_id % 3 WHEN 0 THEN -10 ELSE 5 END)::text))
	f(field, old, new)
 WHERE m.task_id % 3 <> 2;
UPDATE milestone m SET status = 'done',
       completed_on = m.due_on + CASE m.task_id % 3 WHEN 0 THEN -10 ELSE 5 END
 WHERE m.task_id % 3 <> 2;
-- Twelve rounds, to every office.
INSERT INTO dispatch (title, due_on, opened_at, opened_by, closed_at, closed_by, summary)
SELECT '2026年' || k || '月进展调度', make_date(2026, k, 10),
       make_date(2026, k, 1) + time '09:00', 'bench',
       make_date(2026, k, 20) + time '09:00', 'bench', '{}'
  FROM generate_series(1, 12) k;
INSERT INTO dispatch_plan SELECT d.id, 1 FROM dispatch d;
INSERT INTO dispatch_office SELECT d.id, o.id FROM dispatch d, office o;
-- Reports: on time, late (office % 5 = 1), missing (office % 7 = 3).
INSERT INTO office_report (office_id, dispatch_id, state, created_at, updated_at, reported_at)
SELECT x.office_id, x.dispatch_id, 'reported', d.opened_at, d.opened_at,
       d.due_on + CASE x.office_id % 5 WHEN 1 THEN 3 ELSE -2 END + time '10:00'
  FROM dispatch_office x JOIN dispatch d ON d.id = x.dispatch_id
 WHERE x.office_id % 7 <> 3;
INSERT INTO office_report_step (report_id, at, action, state, actor, role)
SELECT r.id, r.reported_at, 'report', 'reported', 'bench', 'head' FROM office_report r;
-- Returned by the general office (office % 4 = 0), then reported again.
INSERT INTO office_report_step (report_id, at, action, state, actor, role, reason)
SELECT r.id, r.reported_at + interval '1 day', 'return', 'returned', 'bench', 'general', '请补充'
  FROM office_report r WHERE r.office_id % 4 = 0;
INSERT INTO office_report_step (report_id, at, action, state, actor, role)
SELECT r.id, r.reported_at + interval '2 days', 'report', 'reported', 'bench', 'head'
  FROM office_report r WHERE r.office_id % 4 = 0;
-- Extensions: every fifth task once, every tenth twice.
INSERT INTO milestone_extension (milestone_id, task_id, due_on, new_due_on, reason, state,
    requested_at, requested_by, requested_role, requested_office_id, decided_at, decided_by,
    decided_role, decision_reason)
SELECT m.id, m.task_id, m.due_on, m.due_on + 30 * n, '理由', 'approved',
       m.due_on - 20 + time '09:00' + n * interval '1 hour', '处室', 'head',
       1 + m.task_id % 100, m.due_on - 19 + time '09:00' + n * interval '1 hour', 'bench',
       'general', '同意'
  FROM milestone m, generate_series(1, 2) n
 WHERE m.kind = 'deadline' AND m.task_id % 5 = 0 AND (n = 1 OR m.task_id % 10 = 0);
INSERT INTO assess_grade (year, office_id, points, note, at, actor)
SELECT 2026, o.id, 10 + o.id % 10, '评价', timestamptz '2027-01-05 10:00+08' + n * interval '1 day', 'bench'
  FROM office o, generate_series(1, 2) n;
ANALYZE;
SQL

now_ms() { date +%s%3N; }
best() {	# best CMD...: the lowest wall time of RUNS runs, in ms
	local i t0 t b=
	for ((i = 0; i < RUNS; i++)); do
		t0=$(now_ms)
		"$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; tail -5 "$WORK/duband.log" >&2; exit 1; }
		t=$(($(now_ms) - t0))
		if [ -z "$b" ] || ((t < b)); then b=$t; fi
	done
	echo "$b"
}

# The bare SQL: the statement duband runs, its JSON delivered to psql.
cat >"$WORK/bare.sql" <<SQL
SELECT status, body::text FROM duban_api_assess('$GHASH', 2026, '2026-12-31', '$NOW');
SQL
lines=$(psql "$DUBAN_DB" -XAtq -c "SELECT json_array_length(body->'lines') FROM duban_api_assess('$GHASH', 2026, '2026-12-31', '$NOW')")

PORT=${PORT:-18093}
printf 'log_level = notice\n' >"$WORK/duband.conf"
DUBAN_NOW=$NOW "$BIN/daemon/duband" --config "$WORK/duband.conf" --listen 127.0.0.1:$PORT \
	2>"$WORK/duband.log" &
DPID=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
	sleep 0.1
done
URL="http://127.0.0.1:$PORT/api/v1/assess?year=2026&as_of=2026-12-31"
get() { curl -sf -o "$WORK/out.$1" -H "Authorization: Bearer $GENERAL" "$URL&format=$1"; }

bare=$(best psql "$DUBAN_DB" -X -q -At -o /dev/null -f "$WORK/bare.sql")
json=$(best get json)
xlsx=$(best get xlsx)
printf '%s tasks, 100 offices, %s lines, best of %s\n' "$TASKS" "$lines" "$RUNS"
printf '%-24s %8s %8s %7s\n' "" "ms" "bare ms" ratio
printf '%-24s %8s %8s %7.2f\n' "GET /api/v1/assess json" "$json" "$bare" "$(echo "$json / $bare" | bc -l)"
printf '%-24s %8s %8s %7.2f\n' "GET /api/v1/assess xlsx" "$xlsx" "$bare" "$(echo "$xlsx / $bare" | bc -l)"
printf '(%s B json, %s B xlsx)\n' "$(stat -c %s "$WORK/out.json")" "$(stat -c %s "$WORK/out.xlsx")"
