#!/bin/bash
# ha-failover: the primary PostgreSQL killed under load.
#
#   tests/ha/failover.sh DUBAN DUBAND     (ctest runs it with the ASan build)
#
# A real cluster from scripts/ha-lib.sh (etcd, Patroni with a primary and a
# synchronous replica, HAProxy) and two duband instances behind HAProxy.
# Writes stream through HAProxy to both instances and reminders are being
# delivered to a webhook receiver on loopback when the primary's postmaster
# gets SIGKILL; Patroni promotes the replica.  Then:
#   - every write answered 200 is in the history (0 lost);
#   - every other answer was 503 with Retry-After, none hung;
#   - every reminder key arrived exactly once;
#   - one duband killed, writes through HAProxy still succeed.
#
# Run as root it runs in a private network, PID and mount namespace
# (unshare): the cluster's fixed loopback ports cannot meet anything else,
# and everything it started dies with it.  Without namespaces it takes
# ports the kernel assigned and fails, saying so, if one is taken after.
set -euo pipefail

fail() { printf 'ha-failover: %s\n' "$*" >&2; exit 1; }

[ $# = 2 ] || fail "用法：failover.sh DUBAN DUBAND"
for c in patroni etcd haproxy jq ip python3; do
	command -v "$c" >/dev/null ||
		fail "缺少 $c：高可用测试需要软件包 patroni etcd-server haproxy jq iproute2（scripts/test 会安装它们）"
done
source "$(dirname "$0")/../../scripts/common.sh"
HA_DUBAN=$1
HA_DUBAND=$2
HA_NAME=test-ha-$(basename "$(dirname "$(dirname "$HA_DUBAN")")")
HA_FAST=1
source "$DUBAN_ROOT/scripts/ha-lib.sh"
if ha_private_net "$0" "$@"; then
	echo "ha-failover: 在独立的网络命名空间中运行（固定端口）"
else
	echo "ha-failover: 无法使用网络命名空间，改用内核分配的端口"
fi

T_START=$EPOCHREALTIME
note() { printf 'ha-failover: [%5.1f 秒] %s\n' "$(bc <<<"$EPOCHREALTIME - $T_START")" "$*"; }
ha_remove
ha_dir
ok=0
cleanup() {
	[ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null
	touch "$HA_DIR/stop-writers" 2>/dev/null || true
	if [ "$ok" = 1 ] && [ -z "${HA_KEEP:-}" ]; then
		ha_stop now >/dev/null 2>&1 || true
		ha_remove
	else
		ha_stop >/dev/null 2>&1 || true
		note "失败；日志在 $HA_DIR（duband1.log duband2.log patroni1.log patroni2.log haproxy.log writes-*.txt sink.out）" >&2
	fi
}
trap cleanup EXIT

ha_cluster_start
note "集群就绪（$(ha_leader) 为主库，另一节点为同步备库）"
db_ensure "$(ha_server)" duban
export DUBAN_DB="$(ha_server) dbname=duban"
db_fill "$HA_DUBAN" >/dev/null
note "已迁移并导入计划和工作日历"

# The webhook receiver of the reminder tests, slow enough that deliveries
# are under way when the primary dies.
control=$HA_DIR/sink.control
echo "slow 2500" >"$control"
python3 "$DUBAN_ROOT/tests/receivers/webhook_sink.py" "$control" >"$HA_DIR/sink.out" &
SINK_PID=$!
for _ in $(seq 100); do
	sink_port=$(head -n 1 "$HA_DIR/sink.out" | jq -r '.ready // empty' 2>/dev/null || true)
	[ -n "$sink_port" ] && break
	sleep 0.1
done
[ -n "$sink_port" ] || fail "webhook 接收端未启动"
i=0
setters=()
for office in 财务审计处 发展规划处 教育技术装备处 学校安全处 人事处 教育基建办公室 \
    职业与成人教育处 体育卫生艺术教育处 监察室 局办公室; do
	"$HA_DUBAN" office set "$office" --webhook "http://127.0.0.1:$sink_port/o$i" >/dev/null &
	setters+=($!)
	i=$((i + 1))
done
for p in "${setters[@]}"; do
	wait "$p" || fail "设置处室的 webhook 失败"
done
TOKEN=$("$HA_DUBAN" token create --quiet --org 全部 --role general)
note "webhook 接收端就绪"

# One delivery at a time per instance, results recorded every 200 ms;
# the lease (60 s) outlasts the failover by far.
ha_duband_conf "$HA_DIR/duband.conf" "delivery_concurrency = 1
delivery_poll_ms = 200
delivery_lease = 60
delivery_timeout = 5
"
export DUBAN_NOW=2012-09-24T09:00+08:00
ha_duband_start 1
ha_duband_start 2
sql() { psql "$DUBAN_DB" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }
for _ in $(seq 300); do
	[ "$(sql 'SELECT count(*) > 0 FROM delivery' 2>/dev/null)" = t ] && break
	sleep 0.2
done
want=$(sql 'SELECT count(*) FROM delivery')
note "两个 duband 就绪，已生成提醒 $want 份"
((want > 5)) || fail "提醒太少（$want 份），无法检验故障切换中的发送"
read -r t1 t2 < <(sql "SELECT string_agg(id::text, ' ') FROM (SELECT t.id FROM target t
	JOIN task k ON k.id = t.task_id JOIN plan p ON p.id = k.plan_id
	WHERE p.key = 'jilin-2012' ORDER BY t.id LIMIT 2) x")

ha_writer "$t1" "$TOKEN" "$HA_DIR/writes-$t1.txt" "$HA_DIR/stop-writers" &
W1=$!
ha_writer "$t2" "$TOKEN" "$HA_DIR/writes-$t2.txt" "$HA_DIR/stop-writers" &
W2=$!
count200() { cat "$HA_DIR"/writes-*.txt 2>/dev/null | awk '$4 == 200' | wc -l; }
arrived() { grep -c '"key"' "$HA_DIR/sink.out" || true; }
for _ in $(seq 300); do
	(($(count200) >= 10 && $(arrived) >= 1)) && break
	sleep 0.1
done
before=$(arrived)
((before < want)) || fail "故障前已发完全部提醒，无法检验"

# The primary dies.
t_kill=$EPOCHREALTIME
old=$(ha_kill_primary)
note "已向主库 $old 的 postmaster 发送 SIGKILL（此前已收到 $before/$want 份提醒）"
# The replica becomes the leader, and writes go through again.
new=""
for _ in $(seq 600); do
	new=$(ha_leader 2>/dev/null || true)
	[ -n "$new" ] && [ "$new" != "$old" ] && break
	sleep 0.1
done
[ -n "$new" ] && [ "$new" != "$old" ] || fail "60 秒内没有提升新的主库"
# Writes fail, then go through again: ten answered 200 after the first
# failure.
resumed() { (($(ha_outage "$t_kill" "$HA_DIR"/writes-*.txt | cut -d' ' -f5) >= 10)); }
for _ in $(seq 600); do
	resumed && break
	sleep 0.1
done
resumed || fail "主库切换后 60 秒内写入没有恢复"
touch "$HA_DIR/stop-writers"
wait "$W1" "$W2" || true

# Every write answered 200 is in the history; every other answer was a
# 503 with Retry-After.
lost=0
for t in "$t1" "$t2"; do
	awk '$4 == 200 { print $3 }' "$HA_DIR/writes-$t.txt" | sort -u >"$HA_DIR/ok-$t.txt"
	sql "SELECT new_value::numeric::bigint FROM progress
		WHERE target_id = $t AND field = 'current'" | sort -u >"$HA_DIR/db-$t.txt"
	n=$(comm -23 "$HA_DIR/ok-$t.txt" "$HA_DIR/db-$t.txt" | wc -l)
	lost=$((lost + n))
done
total=$(cat "$HA_DIR"/writes-*.txt | wc -l)
ok200=$(count200)
read -r t_resume n503 _ t_max _ < <(ha_outage "$t_kill" "$HA_DIR"/writes-*.txt)
other=$(cat "$HA_DIR"/writes-*.txt | awk '$4 != 200 && !($4 == 503 && $5 != "")')
note "写入 $total 次，200 共 $ok200 次，503 共 $n503 次；主库死亡后 ${t_resume} 秒首次写入成功；单次请求最长 ${t_max} 秒；丢失 $lost 次"
[ "$lost" = 0 ] || fail "答 200 的写入有 $lost 次不在历史中"
[ -z "$other" ] || fail "除 200 和带 Retry-After 的 503 外的应答：$(head -n 5 <<<"$other")"

# Every reminder key exactly once.
for _ in $(seq 600); do
	[ "$(sql "SELECT count(*) FILTER (WHERE status <> 'sent') FROM delivery")" = 0 ] && break
	sleep 0.1
done
[ "$(sql "SELECT count(*) FILTER (WHERE status <> 'sent') FROM delivery")" = 0 ] ||
	fail "60 秒后仍有未发送的提醒：$(sql "SELECT string_agg(id || ' ' || status, ', ') FROM delivery WHERE status <> 'sent'")"
jq -r 'select(.key) | .key' "$HA_DIR/sink.out" | sort | uniq -c >"$HA_DIR/keys.txt"
keys=$(wc -l <"$HA_DIR/keys.txt")
dups=$(awk '$1 > 1' "$HA_DIR/keys.txt" | wc -l)
note "提醒 $want 份，收到不同的键 $keys 个，重复 $dups 个"
[ "$dups" = 0 ] || fail "重复发送的提醒：$(awk '$1 > 1' "$HA_DIR/keys.txt" | head -n 5)"
[ "$keys" = "$want" ] || fail "应收到 $want 个键，收到 $keys 个"

# One duband dies; the other carries on behind HAProxy.  Writes start
# once it is gone: until then (an ASan process takes a while to exit) its
# socket still takes a connection and then resets it, which HAProxy
# answers 502 since a PATCH cannot be retried.
pid=$(ha_pid duband1)
kill -KILL "$pid"
for _ in $(seq 300); do
	[ -d "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ] || break
	sleep 0.1
done
[ ! -d "/proc/$pid" ] || [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" = Z ] ||
	fail "duband1 收到 SIGKILL 30 秒后仍未退出"
# Each write as the CLI sends it, with an Idempotency-Key, resent with
# the same key when HAProxy answers 502 (a request that reached duband1
# as it died: HAProxy cannot resend a PATCH itself) or 503; the count of
# history rows below shows each was written exactly once.
for v in $(seq 1001 1020); do
	for try in 1 2 3; do
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X PATCH \
			-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
			-H "Idempotency-Key: ha-failover-$v" \
			-d "{\"current\": $v, \"confirm\": true}" \
			"http://127.0.0.1:$HA_PORT_HTTP/api/v1/targets/$t1") || true
		[ "$code" = 502 ] || [ "$code" = 503 ] || break
		note "duband1 被杀后，第 $((v - 1000)) 次写入答 $code，以同一 Idempotency-Key 重发（第 $try 次）"
	done
	[ "$code" = 200 ] || fail "duband1 被杀后，经 HAProxy 的第 $((v - 1000)) 次写入答 $code"
done
[ "$(sql "SELECT count(*) FROM progress WHERE target_id = $t1 AND field = 'current'
	AND new_value::numeric BETWEEN 1001 AND 1020")" = 20 ] || fail "duband1 被杀后的写入不全或重复"
note "duband1 被杀后，经 HAProxy 的 20 次写入全部成功"
note "通过"
ok=1
