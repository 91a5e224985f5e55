#!/bin/bash
# Benchmark: one deployment for a province (issue 13).  100 bureaus as
# tenants -- a province's department, 9 city bureaus under it and 10
# county bureaus under each city -- each with its plan of 50 tasks:
# 5,000 tasks, 20,000 targets and 1,000,000 milestones in all.
#
# The plans are real plan files (bench/gen-plan.sh, with issuer,
# issuer_kind and parent_org), loaded by `duban plan load`; the bulk of
# the milestones (198 more a task, weekly 调度 points a file would list)
# and a year's history of reports on them (what the API writes: targets'
# values, milestones done) are then added in SQL, as those writes would
# make them, since a million through the loader would take long.
#
# Measured, each the median of RUNS runs, side by side with the bare SQL:
#   (a) the reminder sweep on the Q3 digest day (duban_sweep, which
#       `duban reminder sweep` and duband's sweep run), against the bare
#       SQL that selects the same due reminders and writes nothing
#       (duban_reminders_due_all over the same window).  Goal <= 1.5.
#   (b) a county's quarterly report: GET /api/v1/reports/quarterly as
#       the county's own token (format json; and html, rendered) and
#       `duban report quarterly --org COUNTY`, against the bare SQL
#       behind them (duban_report_quarterly on the county's plan, its
#       JSON delivered to psql).  Goal <= 2.  A city's report over itself
#       and its ten counties is shown beside it.
#
#   bench/province.sh [RUNS]        (default 5)
#
# BENCH_KEEP=1 keeps the cluster (var/benchprov) and prints how to reach it.
source "$(dirname "$0")/../scripts/common.sh"

RUNS=${1:-5}
deps_install "${DUBAN_PACKAGES[@]}"
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
chmod 755 "$WORK"
DPID=
trap '[ -z "$DPID" ] || kill "$DPID" 2>/dev/null; wait 2>/dev/null;
	[ -n "${BENCH_KEEP:-}" ] || "$DUBAN_ROOT/scripts/pg" destroy benchprov; rm -rf "$WORK"' EXIT

server=$(pg_start benchprov test)
psql "$server dbname=postgres" -Xq -c "SET client_min_messages = warning" \
	-c 'DROP DATABASE IF EXISTS bench' -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
export DUBAN_NOW=2025-11-01T09:00+08:00
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" calendar load "$DUBAN_ROOT"/plans/calendar/*.yaml >/dev/null

now_ms() { date +%s%3N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# med CMD...: the median wall time of RUNS runs of CMD, in ms.
med() {
	local i t0 ts=()
	for ((i = 0; i < RUNS; i++)); do
		t0=$(now_ms)
		"$@" >/dev/null
		ts+=($(($(now_ms) - t0)))
	done
	printf '%s\n' "${ts[@]}" | median
}

# The bureaus and their plan files: the province first, then each city
# and its counties (a load creates a plan's parent_org if it is new).
PROV=某省教育厅
CITY1=某省第1市教育局
COUNTY=某省第1市第1县教育局
files=()
plan() {	# plan N ISSUER KIND [PARENT]
	PLAN_KEY=prov-$1 PLAN_ISSUER=$2 PLAN_ISSUER_KIND=$3 PLAN_PARENT=${4:-} PLAN_SECTIONS=5 \
		"$DUBAN_ROOT/bench/gen-plan.sh" 50 >"$WORK/p$1.yaml"
	files+=("$WORK/p$1.yaml")
}
plan 0 "$PROV" other
for c in $(seq 1 9); do
	plan "$c" "某省第${c}市教育局" city_bureau "$PROV"
	for k in $(seq 1 10); do
		plan "$((c * 100 + k))" "某省第${c}市第${k}县教育局" county_bureau "某省第${c}市教育局"
	done
done
say "导入 ${#files[@]} 个单位的计划（每个 50 项任务）"
t0=$(now_ms)
"$BIN/cli/duban" plan load "${files[@]}" >/dev/null
say "plan load：$(($(now_ms) - t0)) ms"

say "补足节点至 1,000,000 个，写入一年的填报历史"
t0=$(now_ms)
psql "$DUBAN_DB" -Xq -v ON_ERROR_STOP=1 <<'SQL' >/dev/null
-- Rows made here reference rows that exist by construction: their
-- foreign keys are not checked row by row (a million checks).
SET session_replication_role = replica;
-- 198 more milestones a task: 调度 points through the year, as a file
-- listing them would load them (a new plan's milestones have no history);
-- nine in ten of those due before 20 September done, on time, as the
-- API records it (status and completed_on, in the history below).
INSERT INTO milestone (task_id, key, kind, title, due_on, due_form, position, status,
    completed_on, created_at, updated_at)
SELECT t.id, 'w' || k, 'phase', '第' || k || '次调度', d, NULL, 10 + k,
       CASE WHEN d < '2025-09-20' AND (t.id + k) % 10 <> 0 THEN 'done' ELSE 'pending' END,
       CASE WHEN d < '2025-09-20' AND (t.id + k) % 10 <> 0 THEN d - 1 END,
       p.loaded_at, p.loaded_at
  FROM task t JOIN plan p ON p.id = t.plan_id, generate_series(1, 198) k,
       LATERAL (SELECT date '2025-01-02' + ((k * 359) / 198 + t.id % 3)::int AS d) dd;
INSERT INTO progress (at, actor, office_id, source, plan_id, task_id, milestone_id, field,
    old_value, new_value, note)
SELECT m.completed_on + time '10:00', '牵头处室', t.lead_office_id, 'api', t.plan_id,
       m.task_id, m.id, f.field, f.old, f.new, '按期完成'
  FROM milestone m JOIN task t ON t.id = m.task_id
 CROSS JOIN LATERAL (VALUES ('status', 'pending', 'done'),
		   ('completed_on', NULL, m.completed_on::text)) f(field, old, new)
 WHERE m.status = 'done';
-- A target's value twice a year.
INSERT INTO progress (at, actor, office_id, source, plan_id, task_id, target_id, field,
    old_value, new_value, note)
SELECT timestamptz '2025-06-20 10:00+08' + (g.task_id % 20) * interval '1 day',
       '牵头处室', t.lead_office_id, 'api', t.plan_id, g.task_id, g.id, 'current', NULL,
       (g.value * 0.4)::text, '上半年完成四成'
  FROM target g JOIN task t ON t.id = g.task_id
UNION ALL
SELECT timestamptz '2025-09-10 10:00+08' + (g.task_id % 20) * interval '1 day',
       '牵头处室', t.lead_office_id, 'api', t.plan_id, g.task_id, g.id, 'current',
       (g.value * 0.4)::text, (g.value * (0.5 + (g.id % 5) * 0.1))::text, '三季度进展'
  FROM target g JOIN task t ON t.id = g.task_id WHERE g.task_id % 4 <> 0;
UPDATE target g SET current = g.value * CASE WHEN g.task_id % 4 = 0 THEN 0.4
	ELSE 0.5 + (g.id % 5) * 0.1 END;
RESET session_replication_role;
VACUUM ANALYZE;
SQL
# 督办单 (68-notices.sql) are issued by the same sweep.  Issued for a
# year's overdue milestones at once (96,011 here), the first sweep takes
# about 8 minutes: they are inserted in one statement, but each is still
# sent to its office one at a time.  With NOTICES=1 they are left on; else
# each plan's notice rules are set off, so that no notice is issued; the
# sweep's notice step still looks for items to issue (about 0.1 s, the
# rules read once per plan).
if [ "${NOTICES:-0}" != 1 ]; then
	psql "$DUBAN_DB" -Xq -c "INSERT INTO notice_rule (plan_id, on_overdue, soon_days,
		on_late_report, yellow_days, red_days, feedback_days, updated_at, updated_by)
		SELECT id, false, 0, false, 5, 10, 3, now(), 'bench/province.sh' FROM plan" >/dev/null
fi
say "$(($(now_ms) - t0)) ms"
psql "$DUBAN_DB" -XAt -F ' ' -c "SELECT (SELECT count(*) FROM organisation), (SELECT count(*) FROM plan),
	(SELECT count(*) FROM task), (SELECT count(*) FROM target), (SELECT count(*) FROM milestone),
	(SELECT count(*) FROM progress)" | {
	read -r o p t g m h
	printf '单位 %s，计划 %s，任务 %s，指标 %s，节点 %s，历史 %s 行\n' "$o" "$p" "$t" "$g" "$m" "$h"
}

# ---- (a) the sweep ------------------------------------------------
# The Q3 2025 digest day: five working days before 30 September.
DAY=$(psql "$DUBAN_DB" -XAt -c "SELECT duban_workday_add('2025-09-30', -digest_days)
	FROM reminder_config WHERE id = 1")
# Each run inside a transaction that is rolled back, timed by psql
# (\timing) around the one statement, so every run sweeps the same day
# from the same state.
timed() {	# timed SQL: the ms psql reports for SQL, run in a rolled-back transaction
	psql "$DUBAN_DB" -Xq -c 'SET jit = off' -c 'BEGIN' -c '\timing on' -c "$1" \
		-c '\timing off' -c 'ROLLBACK' -o /dev/null 2>&1 |
		sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | head -1
}
runs() {	# runs SQL: the median of RUNS
	local i
	for ((i = 0; i < RUNS; i++)); do timed "$1"; done | median
}
psql "$DUBAN_DB" -Xq -c "UPDATE reminder_config SET last_swept = date '$DAY' - 1" >/dev/null
bare=$(runs "SELECT count(*), sum(length(payload::text))
	FROM duban_reminders_due_all(date '$DAY' - 1, date '$DAY')")
sweep=$(runs "SELECT duban_sweep(date '$DAY')")
# The same sweep as `duban reminder sweep` runs it (its own process and
# connection), once, committed.
t0=$(now_ms)
DUBAN_NOW="${DAY}T17:00+08:00" "$BIN/cli/duban" reminder sweep >/dev/null
cli=$(($(now_ms) - t0))
nrem=$(psql "$DUBAN_DB" -XAt -c "SELECT count(*) FROM reminder")

# ---- (b) the reports ----------------------------------------------
tok=$("$BIN/cli/duban" token create --quiet --role general --org "$COUNTY")
ctok=$("$BIN/cli/duban" token create --quiet --role general --org "$CITY1")
county_plans=$(psql "$DUBAN_DB" -XAt -c "SELECT array_agg(p.id) FROM plan p
	JOIN organisation o ON o.id = p.org_id WHERE o.name = '$COUNTY'")
city_plans=$(psql "$DUBAN_DB" -XAt -c "SELECT array_agg(p.id) FROM plan p
	WHERE p.org_id = ANY (duban_org_reach((SELECT id FROM organisation WHERE name = '$CITY1')))")
bare_report() {	# bare_report PLANS: the SQL behind the report, its JSON to psql
	printf "SELECT duban_report_quarterly('%s'::bigint[], '2025-07-01', '2025-09-30',
	    '2025-09-30', '2025-09-30', '2025-10-01 00:00+08');\n" "$1" >"$WORK/r.sql"
	psql "$DUBAN_DB" -X -q -At -o /dev/null -f "$WORK/r.sql"
}
printf 'reminders = 0\nlog_level = notice\n' >"$WORK/d.conf"
"$BIN/daemon/duband" --config "$WORK/d.conf" --listen 127.0.0.1:0 2>"$WORK/duband.log" &
DPID=$!
for _ in $(seq 100); do
	addr=$(sed -n 's|.*正在监听 http://\([^ ]*\).*|\1|p' "$WORK/duband.log" | head -1)
	[ -z "$addr" ] || break
	sleep 0.1
done
[ -n "$addr" ] || die "duband 未启动：$(cat "$WORK/duband.log")"
get() {	# get TOKEN QUERY
	curl -sf -o /dev/null -H "Authorization: Bearer $1" \
		"http://$addr/api/v1/reports/quarterly?$2"
}
get "$tok" "quarter=2025Q3" || die "县级令牌取报告失败"
b_county=$(med bare_report "$county_plans")
r_json=$(med get "$tok" "quarter=2025Q3")
r_html=$(med get "$tok" "quarter=2025Q3&format=html")
r_cli=$(med "$BIN/cli/duban" report quarterly --org "$COUNTY" --quarter 2025Q3 --format json -o "$WORK/r.json")
b_city=$(med bare_report "$city_plans")
c_json=$(med get "$ctok" "quarter=2025Q3")

ratio() { echo "$1 / $2" | bc -l; }
printf '\n省级规模：%s 个单位，中位数取自 %s 次，%s 核\n' 100 "$RUNS" "$(nproc)"
printf '%-58s %8s %8s %7s\n' "" "ms" "bare ms" "ratio"
printf '%-58s %8s %8s %7.2f  (goal <= 1.5)\n' "(a) sweep, Q3 digest day $DAY (duban_sweep)" "$sweep" "$bare" "$(ratio "$sweep" "$bare")"
printf '%-58s %8s %8s %7.2f\n' "    duban reminder sweep (CLI, end to end, once)" "$cli" "$bare" "$(ratio "$cli" "$bare")"
printf '%-58s %8s\n' "    reminders made" "$nrem"
printf '%-58s %8s %8s %7.2f  (goal <= 2)\n' "(b) county report, GET json, county token" "$r_json" "$b_county" "$(ratio "$r_json" "$b_county")"
printf '%-58s %8s %8s %7.2f\n' "    county report, GET html (rendered)" "$r_html" "$b_county" "$(ratio "$r_html" "$b_county")"
printf '%-58s %8s %8s %7.2f\n' "    duban report quarterly --org COUNTY --format json" "$r_cli" "$b_county" "$(ratio "$r_cli" "$b_county")"
printf '%-58s %8s %8s %7.2f\n' "    city report (itself + 10 counties), GET json" "$c_json" "$b_city" "$(ratio "$c_json" "$b_city")"
if [ -n "${BENCH_KEEP:-}" ]; then
	printf '\nDUBAN_DB=%q  county token: %s\n' "$DUBAN_DB" "$tok"
fi
