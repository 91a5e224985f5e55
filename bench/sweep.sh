#!/bin/bash
# Benchmark: the quarterly reminder sweep over 1,000,000 milestones led by
# 3,000 offices, beside the bare SQL that selects the same rows (the
# open milestones, targets and tasks the digests are made of).  Prints
# both times and their ratio (goal: sweep/bare <= 1.5), then the rate of
# delivery to a webhook receiver on loopback.
#
#   bench/sweep.sh [MILESTONES]      (default 1000000)
source "$(dirname "$0")/../scripts/common.sh"

M=${1:-1000000}
T=$((M / 4))
deps_install "${DUBAN_PACKAGES[@]}" nginx-light
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
DPID=; SPID=
trap 'kill $DPID $SPID 2>/dev/null; wait 2>/dev/null; "$DUBAN_ROOT/scripts/pg" destroy benchsweep; rm -rf "$WORK"' EXIT

server=$(pg_start benchsweep test)
psql "$server dbname=postgres" -Xq -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" calendar load "$DUBAN_ROOT"/plans/calendar/*.yaml >/dev/null

say "生成 $T 项任务、$M 个节点、3000 个处室"
psql "$DUBAN_DB" -Xq -v ON_ERROR_STOP=1 <<SQL >/dev/null
INSERT INTO organisation (name) VALUES ('基准测试市教育局');
INSERT INTO office (org_id, name, kind)
SELECT 1, '处室' || i, 'office' FROM generate_series(1, 3000) i;
INSERT INTO plan (key, org_id, year, title, source_file)
VALUES ('bench-2026', 1, 2026, '基准测试方案', 'bench');
INSERT INTO task (plan_id, key, number, label, title, deadline, position)
SELECT 1, i::text, i::text, i::text, '任务' || i,
       make_date(2026, 1 + i % 12, 1) + interval '1 month - 1 day', i
  FROM generate_series(1, $T) i;
INSERT INTO task_role (task_id, role, office_id, position)
SELECT t.id, 'lead', 1 + t.id % 3000, 1 FROM task t;
-- Four milestones a task, spread over the year; a fifth of them done.
INSERT INTO milestone (task_id, key, kind, title, due_on, position, status)
SELECT t.id, CASE k WHEN 4 THEN 'deadline' ELSE 'phase' || k END,
       CASE k WHEN 4 THEN 'deadline' ELSE 'phase' END, '节点' || k,
       date '2026-01-01' + ((t.id * 7 + k * 83) % 365)::int, k,
       CASE WHEN (t.id + k) % 5 = 0 THEN 'done' ELSE 'pending' END
  FROM task t, generate_series(1, 4) k;
INSERT INTO target (task_id, key, name, kind, value, unit, position, current)
SELECT t.id, 'g', '指标', 'count', 100, '个', 1, (t.id % 100)
  FROM task t;
ANALYZE;
SQL

# The Q3 2026 digest day: five working days before 30 September.
DAY=$(psql "$DUBAN_DB" -XAt -c "SELECT duban_workday_add('2026-09-30', -5)")
say "季度督查日：$DAY"

# The bare SQL: the same reminder rows, selected and nothing else (no
# outbox, no idempotency check, no deliveries).  For scale, also the plain
# rows the digests are made of, without the JSON a message needs.
# All three run without JIT, which only slows these one-off queries.
cat >"$WORK/bare.sql" <<SQL
SET jit = off;
\\timing on
SELECT count(*), sum(length(payload::text)) FROM duban_reminders_due(date '$DAY' - 1, date '$DAY');
SQL
cat >"$WORK/rows.sql" <<SQL
SET jit = off;
\\timing on
SELECT count(*), sum(length(x.title)) FROM (
  SELECT t.lead_office_id, t.plan_id, m.title, m.due_on, m.status
    FROM task t JOIN milestone m ON m.task_id = t.id
   WHERE m.withdrawn_at IS NULL AND m.status <> 'done' AND m.due_on <= date '2026-09-30'
  UNION ALL
  SELECT t.lead_office_id, t.plan_id, g.name, NULL, NULL
    FROM task t JOIN target g ON g.task_id = t.id
   WHERE duban_target_completion(g) < duban_time_elapsed(2026, t.deadline, date '$DAY')
  UNION ALL
  SELECT t.lead_office_id, t.plan_id, t.title, t.deadline, NULL
    FROM task t
   WHERE EXISTS (SELECT 1 FROM milestone m WHERE m.task_id = t.id AND m.status <> 'done')
) x;
SQL
cat >"$WORK/sweep.sql" <<SQL
\\timing on
SELECT duban_sweep(date '$DAY');
SQL

best() {	# best FILE: the lowest of three runs, in ms
	local f=$1 i t b=
	for i in 1 2 3; do
		psql "$DUBAN_DB" -X -q -c "UPDATE reminder_config SET last_swept = NULL" \
			-c "DELETE FROM delivery" -c "DELETE FROM reminder" >/dev/null
		t=$(psql "$DUBAN_DB" -X -q -f "$f" | awk '/^Time:/ { print $2 }' | tail -1)
		if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}
bare=$(best "$WORK/bare.sql")
rows=$(best "$WORK/rows.sql")
sweep=$(best "$WORK/sweep.sql")
n=$(psql "$DUBAN_DB" -XAt -c "SELECT count(*) FROM reminder")
printf '\n%-46s %12s\n' "quarterly sweep into the outbox" "$sweep ms"
printf '%-46s %12s\n' "bare SQL selecting the same reminder rows" "$bare ms"
printf '%-46s %12.2f   (goal: <= 1.5)\n' "ratio sweep/bare" "$(echo "$sweep / $bare" | bc -l)"
printf '%-46s %12s\n' "(plain item rows, no JSON, for scale)" "$rows ms"
printf '%-46s %12s\n' "reminders made" "$n"

# Delivery rate: every reminder of that day to a webhook on loopback,
# received by nginx (the tests' Python receiver manages ~300 a second).
PORT=18402
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<NGINX
pid $WORK/nginx/pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $WORK/nginx;
	client_max_body_size 16m;
	server {
		listen 127.0.0.1:$PORT;
		location / { default_type application/json; return 200 '{"errcode":0,"errmsg":"ok"}'; }
	}
}
NGINX
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
SPID=$!
psql "$DUBAN_DB" -Xq -c "INSERT INTO recipient (office_id, channel, address)
	SELECT id, 'webhook', 'http://127.0.0.1:$PORT/o' || id FROM office" \
	-c "INSERT INTO delivery (reminder_id, recipient_id, channel, address)
	SELECT r.id, rc.id, rc.channel, rc.address FROM reminder r
	  JOIN recipient rc ON rc.office_id = r.office_id" >/dev/null
total=$(psql "$DUBAN_DB" -XAt -c "SELECT count(*) FROM delivery")
printf 'delivery_concurrency = 16\ndelivery_poll_ms = 100\nreminders = 1\nsweep_interval = 86400\nlog_level = notice\n' >"$WORK/d.conf"
start=$(date +%s.%N)
DUBAN_NOW="${DAY}T09:00+08:00" "$BIN/daemon/duband" --config "$WORK/d.conf" \
	--listen 127.0.0.1:18403 2>"$WORK/duband.log" &
DPID=$!
while [ "$(psql "$DUBAN_DB" -XAt -c "SELECT count(*) FROM delivery WHERE status <> 'sent'")" != 0 ]; do
	sleep 0.2
done
end=$(date +%s.%N)
printf '%-40s %12.0f /s   (%s deliveries in %.1f s, 16 at a time)\n' "delivery rate to a local webhook" \
	"$(echo "$total / ($end - $start)" | bc -l)" "$total" "$(echo "$end - $start" | bc -l)"
