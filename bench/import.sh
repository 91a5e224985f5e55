#!/bin/bash
# Benchmark: loading a big plan.  A generated plan of TASKS tasks
# (bench/gen-plan.sh: 5,000 tasks, 20,000 targets, 10,000 milestone rows
# with the tasks' deadline milestones) is loaded with `duban plan load`
# into a freshly migrated database, beside the reference: psql COPYing
# the very rows that load wrote (every table it filled: organisation,
# office, person, plan, section, task, task_role, target, milestone,
# progress, assignment …, dumped from the loaded database) into the same
# tables of another freshly migrated database of the same cluster, in one
# committed transaction.  Both write through the same indexes, checks,
# foreign keys and triggers.  `plan load` also reads and validates the
# YAML and works out what changed; COPY only writes.  Prints each run,
# the medians and the ratio load/COPY (goal: 2 or less).
#
#   bench/import.sh [TASKS] [RUNS]        (default 5000 tasks, 3 runs each)
#
# BASELINE=/path/to/other/duban also times that binary's load (into a
# database it migrated itself) in each run, between the two others:
# before and after a change, measured in the same minutes.
#
# Uses the release build in build/ and a throwaway PostgreSQL cluster
# under var/bench-import.  PROFILE=1 also prints, for one more load, the
# time of each statement inside duban_load_plans (auto_explain).
source "$(dirname "$0")/../scripts/common.sh"

TASKS=${1:-5000}
RUNS=${2:-3}
deps_install "${DUBAN_PACKAGES[@]}" postgresql-contrib
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
chmod 755 "$WORK"	# the cluster's owner reads nothing here, psql does
trap '"$DUBAN_ROOT/scripts/pg" destroy bench-import; rm -rf "$WORK"' EXIT

server=$(pg_start bench-import test)
export DUBAN_NOW=2025-03-01T09:00+08:00
n=0
fresh() {	# fresh [DUBAN]: a new database migrated by DUBAN, its conninfo in $db
	n=$((n + 1))
	psql "$server dbname=postgres" -Xq -c "CREATE DATABASE bench$n" >/dev/null
	db="$server dbname=bench$n"
	DUBAN_DB=$db "${1:-$BIN/cli/duban}" db migrate >/dev/null
}
now() { date +%s.%N; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$DUBAN_ROOT/bench/gen-plan.sh" "$TASKS" >"$WORK/plan.yaml"
"$BIN/cli/duban" plan check "$WORK/plan.yaml" >/dev/null

# The tables a load fills: those with rows after it, in an order that
# satisfies their foreign keys (a table after those it references).
fresh
empty=$db
fresh
DUBAN_DB=$db "$BIN/cli/duban" plan load "$WORK/plan.yaml" >/dev/null
tables=$(psql "$db" -XAtq <<'SQL'
WITH RECURSIVE t AS (
	SELECT c.oid, c.relname FROM pg_class c
	 WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
	   AND c.relname NOT LIKE 'schema%'
), dep AS (
	SELECT conrelid AS child, confrelid AS parent FROM pg_constraint
	 WHERE contype = 'f' AND conrelid <> confrelid
), lvl AS (
	SELECT t.oid, 0 AS depth FROM t
	UNION ALL
	SELECT d.child, l.depth + 1 FROM lvl l JOIN dep d ON d.parent = l.oid
	 WHERE l.depth < 20
)
SELECT t.relname FROM t JOIN lvl USING (oid)
 GROUP BY t.relname ORDER BY max(lvl.depth), t.relname;
SQL
)
copied=()
for t in $tables; do
	rows=$(psql "$db" -XAtq -c "SELECT count(*) FROM $t")
	before=$(psql "$empty" -XAtq -c "SELECT count(*) FROM $t")
	[ "$rows" -gt "$before" ] || continue
	# Only the rows the load added (a migrated database has some).
	psql "$db" -Xq -c "\\copy $t TO '$WORK/$t.copy'" >/dev/null
	if [ "$before" -gt 0 ]; then
		psql "$empty" -Xq -c "\\copy $t TO '$WORK/$t.before'" >/dev/null
		sort "$WORK/$t.before" >"$WORK/$t.b"
		sort "$WORK/$t.copy" | comm -23 - "$WORK/$t.b" >"$WORK/$t.new"
		mv "$WORK/$t.new" "$WORK/$t.copy"
	fi
	copied+=("$t:$(wc -l <"$WORK/$t.copy")")
done
{
	echo 'BEGIN;'
	for tc in "${copied[@]}"; do
		echo "\\copy ${tc%%:*} FROM '$WORK/${tc%%:*}.copy'"
	done
	echo 'COMMIT;'
} >"$WORK/copy.sql"

load_s=()
copy_s=()
base_s=()
for r in $(seq "$RUNS"); do
	fresh
	t0=$(now)
	DUBAN_DB=$db "$BIN/cli/duban" plan load "$WORK/plan.yaml" >/dev/null
	t1=$(now)
	load_s+=("$(echo "$t1 - $t0" | bc -l)")
	if [ -n "${BASELINE:-}" ]; then
		fresh "$BASELINE"
		t0=$(now)
		DUBAN_DB=$db "$BASELINE" plan load "$WORK/plan.yaml" >/dev/null
		t1=$(now)
		base_s+=("$(echo "$t1 - $t0" | bc -l)")
		printf '第 %d 次：BASELINE plan load %.2f s\n' "$r" "${base_s[-1]}"
	fi
	fresh
	t0=$(now)
	psql "$db" -Xq -v ON_ERROR_STOP=1 -f "$WORK/copy.sql" >/dev/null
	t1=$(now)
	copy_s+=("$(echo "$t1 - $t0" | bc -l)")
	printf '第 %d 次：plan load %.2f s，COPY %.2f s\n' "$r" "${load_s[-1]}" "${copy_s[-1]}"
done
L=$(printf '%s\n' "${load_s[@]}" | median)
C=$(printf '%s\n' "${copy_s[@]}" | median)

printf '\n计划：%s 项任务，文件 %s 字节\n' "$TASKS" "$(wc -c <"$WORK/plan.yaml")"
printf 'COPY 的行：%s\n' "${copied[*]}"
printf '%-12s %10s\n' "" "中位数/s"
printf '%-12s %10.2f\n' "plan load" "$L" "COPY" "$C"
printf 'load/COPY = %.2f（目标 ≤ 2）；%s 次，%s 核\n' "$(echo "$L / $C" | bc -l)" "$RUNS" "$(nproc)"
if [ -n "${BASELINE:-}" ]; then
	B=$(printf '%s\n' "${base_s[@]}" | median)
	printf 'BASELINE plan load %.2f s：BASELINE/COPY = %.2f\n' "$B" "$(echo "$B / $C" | bc -l)"
fi
printf '负载（load average）：%s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

if [ "${PROFILE:-0}" = 1 ]; then
	# The statements of duban_load_plans that took 20 ms or more, from
	# auto_explain (without ANALYZE, which would slow every statement).
	fresh
	for set in "session_preload_libraries = 'auto_explain'" \
	    "auto_explain.log_min_duration = 20" "auto_explain.log_nested_statements = on"; do
		psql "$db" -Xq -c "ALTER DATABASE bench$n SET $set" >/dev/null
	done
	log=$(pg_dir bench-import)/postgresql.log
	start=$(wc -l <"$log")
	DUBAN_DB=$db "$BIN/cli/duban" plan load "$WORK/plan.yaml" >/dev/null
	printf '\n%s\n' "plan load 中耗时 20 ms 以上的语句（ms）："
	tail -n +"$((start + 1))" "$log" | awk '
		/duration: [0-9.]+ ms/ { match($0, /duration: [0-9.]+/); d = substr($0, RSTART + 10, RLENGTH - 10); want = 1; next }
		want && /Query Text:/ { sub(/.*Query Text: */, ""); q = $0; more = 2; want = 0; next }
		more > 0 { q = q " " $0; if (--more == 0) { gsub(/[ \t]+/, " ", q); printf "%10.1f  %.100s\n", d, q } }' |
		sort -rn | head -25
fi
