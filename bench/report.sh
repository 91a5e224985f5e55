#!/bin/bash
# Benchmark: the quarterly report over a plan of 1,000, 2,000 and 5,000
# tasks, beside the bare SQL behind it (duban_report_quarterly(), the
# JSON the renderers read).  Prints, per size and format, the time of
# `duban report quarterly` and its ratio to the bare SQL (goal: <= 2),
# and the time per task, which should stay flat as the plan grows.
#
#   bench/report.sh [SIZES...]      (default 1000 2000 5000)
source "$(dirname "$0")/../scripts/common.sh"

SIZES=("$@")
((${#SIZES[@]} > 0)) || SIZES=(1000 2000 5000)
deps_install "${DUBAN_PACKAGES[@]}"
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
# BENCH_KEEP=1 keeps the cluster, to look at the plans afterwards.
trap '[ -n "${BENCH_KEEP:-}" ] || "$DUBAN_ROOT/scripts/pg" destroy benchreport; rm -rf "$WORK"' EXIT

server=$(pg_start benchreport test)
export DUBAN_NOW=2026-11-01T09:00+08:00

now_ms() { date +%s%3N; }

# best N CMD...: the lowest wall time of N runs, in ms.
best() {
	local n=$1 i t0 t b=
	shift
	for ((i = 0; i < n; i++)); do
		t0=$(now_ms)
		"$@" >/dev/null 2>&1
		t=$(($(now_ms) - t0))
		if [ -z "$b" ] || ((t < b)); then b=$t; fi
	done
	echo "$b"
}

printf '%-7s %-6s %10s %10s %8s %12s\n' tasks format "report ms" "bare ms" ratio "µs per task"
for T in "${SIZES[@]}"; do
	db=bench$T
	psql "$server dbname=postgres" -Xq -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" \
		-c "CREATE DATABASE $db" >/dev/null
	export DUBAN_DB="$server dbname=$db"
	"$BIN/cli/duban" db migrate >/dev/null
	# A year's plan: T tasks led by 200 offices, each with a deadline and
	# two phases, three targets (two that accumulate, one standard), and
	# a history of updates through the year (four writes a task).
	psql "$DUBAN_DB" -Xq -v ON_ERROR_STOP=1 <<SQL >/dev/null
INSERT INTO organisation (name) VALUES ('基准测试市教育局');
INSERT INTO office (org_id, name, kind)
SELECT 1, '处室' || i, 'office' FROM generate_series(1, 200) i;
INSERT INTO plan (key, org_id, year, title, source_file, created_at)
VALUES ('bench', 1, 2026, '基准测试方案', 'bench', '2026-01-01');
INSERT INTO task (plan_id, key, number, label, title, goal, deadline, position)
SELECT 1, i::text, i::text, i::text, '民生实事第' || i || '项', '年度目标：完成第' || i || '项',
       make_date(2026, 6 + i % 7, 1) + interval '1 month - 1 day', i
  FROM generate_series(1, $T) i;
INSERT INTO task_role (task_id, role, office_id, position)
SELECT t.id, 'lead', 1 + t.id % 200, 1 FROM task t;
INSERT INTO milestone (task_id, key, kind, title, due_on, position, created_at)
SELECT t.id, CASE k WHEN 3 THEN 'deadline' ELSE 'phase' || k END,
       CASE k WHEN 3 THEN 'deadline' ELSE 'phase' END,
       CASE k WHEN 3 THEN '完成时限' ELSE '阶段' || k END,
       CASE k WHEN 3 THEN t.deadline ELSE date '2026-01-01' + ((t.id * 7 + k * 97) % 300)::int END,
       k, '2026-01-01'
  FROM task t, generate_series(1, 3) k;
INSERT INTO target (task_id, key, name, kind, value, unit, position, created_at)
SELECT t.id, 'g' || k, '指标' || k, CASE k WHEN 3 THEN 'rate' ELSE 'count' END,
       100 * k, '个', k, '2026-01-01'
  FROM task t, generate_series(1, 3) k;
-- The history: two target updates and two milestone updates a task.
INSERT INTO progress (at, actor, office_id, source, plan_id, task_id, target_id, field,
    old_value, new_value, note, outcome)
SELECT timestamptz '2026-03-01 10:00+08' + (g.task_id % 200) * interval '1 day',
       '处室', 1, 'api', 1, g.task_id, g.id, 'current', NULL, (g.value * 0.4)::text,
       '上半年完成四成', '受益群众'
  FROM target g WHERE g.kind = 'count'
UNION ALL
SELECT timestamptz '2026-08-01 10:00+08' + (g.task_id % 60) * interval '1 day',
       '处室', 1, 'api', 1, g.task_id, g.id, 'current', (g.value * 0.4)::text,
       (g.value * 0.8)::text, '三季度完成八成', '受益群众'
  FROM target g WHERE g.kind = 'count';
UPDATE target g SET current = g.value * 0.8 WHERE g.kind = 'count';
INSERT INTO progress (at, actor, office_id, source, plan_id, task_id, milestone_id, field,
    old_value, new_value, note)
SELECT m.due_on - 2 + time '10:00', '处室', 1, 'api', 1, m.task_id, m.id, f.field,
       f.old, f.new, '按期完成'
  FROM milestone m
 CROSS JOIN LATERAL (VALUES ('status', 'pending', 'done'),
		   ('completed_on', NULL, (m.due_on - 2)::text)) f(field, old, new)
 WHERE m.kind = 'phase' AND m.task_id % 3 <> 0 AND m.due_on < '2026-09-30';
UPDATE milestone m SET status = 'done', completed_on = m.due_on - 2
 WHERE m.kind = 'phase' AND m.task_id % 3 <> 0 AND m.due_on < '2026-09-30';
ANALYZE;
SQL
	# The bare SQL: the report's query, its JSON delivered to a client
	# (psql, writing it away) and nothing else.
	cat >"$WORK/bare.sql" <<SQL
SELECT duban_report_quarterly(ARRAY[1::bigint], '2026-07-01', '2026-09-30',
    '2026-09-30', '2026-09-30', '2026-10-01 00:00+08');
SQL
	bare=$(best 3 psql "$DUBAN_DB" -X -q -At -o /dev/null -f "$WORK/bare.sql")
	for f in json csv md html xlsx; do
		ms=$(best 3 "$BIN/cli/duban" report quarterly --plan bench --quarter 2026Q3 \
			--format "$f" -o "$WORK/r.$f")
		printf '%-7s %-6s %10s %10s %8.2f %12.0f\n' "$T" "$f" "$ms" "$bare" \
			"$(echo "$ms / $bare" | bc -l)" "$(echo "$ms * 1000 / $T" | bc -l)"
	done
	printf '%-7s %-6s %10s\n' "$T" "(size)" "$(stat -c %s "$WORK/r.html") B html, $(stat -c %s "$WORK/r.xlsx") B xlsx"
done
