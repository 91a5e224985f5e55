#!/bin/bash
# Benchmark: the three-machine layout of docs/deployment.md (三台机器),
# tried on this one machine with a network namespace per machine:
# duban-m1..m3, 10.213.0.1..3/24 on a bridge, each with its own loopback;
# the host is 10.213.0.254 on the bridge, a client.  As the document lays
# it out, with its settings (its addresses replaced; files under
# var/bench-ha3/mN instead of /etc and /var/lib):
#   m1, m2  etcd member, Patroni + PostgreSQL 15 (synchronous_mode),
#           HAProxy 127.0.0.1:5000 to the primary, duband :8080
#   m3      etcd member, HAProxy :443 (TLS) in front of both duband
# Writers (bench/failover.sh's, each write with an Idempotency-Key) PATCH
# targets through m3's HAProxy while reminders go out to a webhook receiver
# on m3.  Then, each round:
#   1. 整机宕机: the machine holding the primary dies: its link goes down
#      (packets dropped, no resets) and every process in its namespace
#      gets SIGKILL at the same moment.  The other database machine must
#      take over; then the dead one boots again (link up, its services
#      started) and must rejoin as the synchronous replica.
#   2. 网络隔离: the primary's machine loses its link, nothing is killed.
#      Writers inside it, on its own duband, must stop being answered 200
#      and its HAProxy must stop leading to a primary (Patroni demotes it
#      when it loses etcd); the other side promotes its replica; once the
#      link is back the old primary rejoins as the synchronous replica.
# Prints a table: seconds to the new leader and to the first write
# answered 200, requests answered 503, other failures, the longest
# request, writes answered 200 missing from the history afterwards (goal
# 0: any exits 1), the seconds the isolated primary took to stop leading
# writes anywhere, the rejoin; then the reminder keys delivered twice.
#
#   bench/ha-machines.sh [ROUNDS]      (as root; default 1 round; WRITERS=4)
#
# HA3_TTL, HA3_LOOP_WAIT, HA3_RETRY_TIMEOUT set Patroni's timing (default:
# the document's 30, 10, 10).  HA3_DCS=etcd3 has Patroni use etcd's v3
# API instead of the document's v2 (etcd: in Patroni's configuration,
# ETCD_ENABLE_V2 in etcd's): with Debian 12's Patroni 3.0.2 a partition
# can then cost acknowledged writes (docs/deployment.md says why).
# HA3_HEAL_AFTER=N: the partition lasts at least N seconds (by default it
# ends as soon as the other side has taken over).  HA3_KEEP=1 keeps
# var/bench-ha3 (the logs); it is kept anyway when the bench fails.  Uses
# the release build in build/.
source "$(dirname "$0")/../scripts/common.sh"
ROUNDS=${1:-1}
WRITERS=${WRITERS:-4}
HA_NAME=bench-ha3
source "$DUBAN_ROOT/scripts/ha-lib.sh"
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || die "用法：bench/ha-machines.sh [轮数]"
is_root || die "本基准须以 root 运行：它要创建网络命名空间（ip netns）、网桥和 veth"

: "${HA3_TTL:=30}" "${HA3_LOOP_WAIT:=10}" "${HA3_RETRY_TIMEOUT:=10}"
: "${HA3_DCS:=etcd}" "${HA3_HEAL_AFTER:=0}"
[[ $HA3_DCS =~ ^etcd3?$ ]] || die "HA3_DCS 只能是 etcd3（etcd 的 v3 接口）或 etcd（v2 接口）"
[[ $HA3_HEAL_AFTER =~ ^[0-9]+$ ]] || die "HA3_HEAL_AFTER 应为秒数"
NET=10.213.0
HOST_IP=$NET.254
BR=duban-br0
URL=https://$NET.3
# Each write with an Idempotency-Key, as the CLI sends (ha_writer).
export HA_WRITER_KEY=ha3-$EPOCHSECONDS
# Reminders are due on this day (tests/ha/failover.sh's).
NOW=2012-09-24T09:00+08:00

deps_install "${DUBAN_PACKAGES[@]}" "${DUBAN_HA_PACKAGES[@]}" openssl
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDUBAN_TESTS=OFF
for m in 1 2 3; do
	if ip netns list | grep -qw "duban-m$m"; then
		die "网络命名空间 duban-m$m 已存在：另一次运行尚未结束，或上次运行被强行终止（确认后用 ip netns del duban-m$m 删除，并 ip link del $BR）"
	fi
done
if ip link show "$BR" >/dev/null 2>&1; then
	die "网桥 $BR 已存在：另一次运行尚未结束，或上次运行被强行终止（确认后用 ip link del $BR 删除）"
fi
# A veth whose namespace was deleted goes when the kernel has dismantled
# that namespace, a moment later.
for m in 1 2 3; do
	for ((t = 0; t < 300; t++)); do
		ip link show "duban-v$m" >/dev/null 2>&1 || continue 2
		sleep 0.2
	done
	die "上次运行留下的 duban-v$m 60 秒内未消失"
done

ha_remove
ha_dir
BASE=$HA_DIR
T_START=$EPOCHREALTIME
note() { printf '==> [%6.1f 秒] %s\n' "$(bc <<<"$EPOCHREALTIME - $T_START")" "$*" >&2; }
since() { bc <<<"scale=1; ($EPOCHREALTIME - $1) / 1"; }

# --- The machines ----------------------------------------------------------

on() {
	local m=$1
	shift
	ip netns exec "duban-m$m" "$@"
}

# net CMD...: runs an ip(8) command, saying which one failed.
net() { "$@" || die "网络设置失败：$*"; }
net_setup() {
	local m
	net ip link add "$BR" type bridge
	net ip addr add "$HOST_IP/24" dev "$BR"
	net ip link set "$BR" up
	for m in 1 2 3; do
		net ip netns add "duban-m$m"
		net ip link add "duban-v$m" type veth peer name eth0 netns "duban-m$m"
		net ip link set "duban-v$m" master "$BR" up
		net on "$m" ip addr add "$NET.$m/24" dev eth0
		net on "$m" ip link set eth0 up
		net on "$m" ip link set lo up
	done
	# HAProxy binds :443 as the unprivileged user.
	net on 3 sysctl -qw net.ipv4.ip_unprivileged_port_start=0
}

# kill_all M: SIGKILL to every process in machine M, until none is left
# (a postmaster may fork while we kill).
kill_all() {
	local m=$1 pids t
	for ((t = 0; t < 100; t++)); do
		pids=$(ip netns pids "duban-m$m" 2>/dev/null) || return 0
		[ -n "$pids" ] || return 0
		# shellcheck disable=SC2086
		kill -KILL $pids 2>/dev/null || true
		((t == 0)) || sleep 0.05
	done
	die "机器 m$m 的进程杀不尽：$(ip netns pids "duban-m$m" | tr '\n' ' ')"
}

net_teardown() {
	local m
	for m in 1 2 3; do
		ip netns list | grep -qw "duban-m$m" || continue
		kill_all "$m"
		# The pair goes at once; a namespace whose sockets still
		# hold its devices may take a while to go, with its eth0.
		ip link del "duban-v$m" 2>/dev/null || true
		ip netns del "duban-m$m"
	done
	ip link del "$BR" 2>/dev/null || true
}

# mspawn M NAME COMMAND...: COMMAND on machine M as the cluster's owner
# (ha_spawn), logs and pid in var/bench-ha3/mM; returns once the process
# runs COMMAND (not one of the wrappers on the way).
mspawn() {
	local m=$1 name=$2 t
	shift 2
	# In a subshell: the process is not one of this shell's jobs (no
	# "Killed" when its machine dies).
	(HA_DIR=$BASE/m$m HA_NETNS=duban-m$m ha_spawn "$name" "$@")
	for ((t = 0; t < 100; t++)); do
		HA_DIR=$BASE/m$m ha_running "$name" && return 0
		kill -0 "$(cat "$BASE/m$m/$name.pid")" 2>/dev/null ||
			die "m$m 上的 $name 未能启动，见 $BASE/m$m/$name.log：$(tail -n 5 "$BASE/m$m/$name.log")"
		sleep 0.05
	done
	die "m$m 上的 $name 5 秒内未能启动"
}
mwait() {
	local m=$1
	shift
	HA_DIR=$BASE/m$m ha_wait "$@"
}

# poll SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds;
# fails after SECONDS.
poll() {
	local end=$((EPOCHSECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		((EPOCHSECONDS < end)) || return 1
		sleep 0.2
	done
}
# until_ok SECONDS WHAT COMMAND...: the same, dying after SECONDS.
until_ok() {
	local secs=$1 what=$2
	shift 2
	poll "$secs" "$@" || die "$secs 秒内未能$what"
}

# --- Configuration, as docs/deployment.md shows it ---------------------------

secret() { HA_DIR=$BASE ha_secret "$1"; }

# The libpq conninfo duband and the CLI use on m1 and m2: the local HAProxy.
db_conninfo() {
	printf 'host=127.0.0.1 port=5000 user=duban password=%s dbname=duban connect_timeout=3' \
		"$(secret duban)"
}

write_etcd() {
	local m=$1 d=$BASE/m$1 ip=$NET.$1
	cat >"$d/etcd.env" <<EOF
ETCD_NAME="m$m"
ETCD_DATA_DIR="$d/etcd"
ETCD_LISTEN_PEER_URLS="http://$ip:2380"
ETCD_LISTEN_CLIENT_URLS="http://$ip:2379,http://127.0.0.1:2379"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://$ip:2380"
ETCD_ADVERTISE_CLIENT_URLS="http://$ip:2379"
ETCD_INITIAL_CLUSTER="m1=http://$NET.1:2380,m2=http://$NET.2:2380,m3=http://$NET.3:2380"
ETCD_INITIAL_CLUSTER_STATE="new"
ETCD_INITIAL_CLUSTER_TOKEN="duban-etcd"
ETCD_LOG_LEVEL="warn"
EOF
	[ "$HA3_DCS" = etcd3 ] || echo 'ETCD_ENABLE_V2="true"' >>"$d/etcd.env"
	return 0
}

# The document's /etc/patroni/config.yml; unix_socket_directories is
# added because the three "machines" share one file system (Debian's
# /var/run/postgresql would be one socket directory for both nodes).
write_patroni() {
	local m=$1 d=$BASE/m$1 ip=$NET.$1
	mkdir -p "$d/run"
	cat >"$d/patroni.yml" <<EOF
scope: duban
namespace: /duban/
name: m$m
restapi:
  listen: $ip:8008
  connect_address: $ip:8008
$HA3_DCS:
  hosts: $NET.1:2379,$NET.2:2379,$NET.3:2379
bootstrap:
  dcs:
    ttl: $HA3_TTL
    loop_wait: $HA3_LOOP_WAIT
    retry_timeout: $HA3_RETRY_TIMEOUT
    maximum_lag_on_failover: 1048576
    primary_start_timeout: 0
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_log_hints: 'on'
        max_connections: 200
        wal_keep_size: 1GB
        archive_mode: 'on'
        archive_command: 'test ! -f $BASE/backup/wal/%f && cp %p $BASE/backup/wal/%f'
        timezone: Asia/Shanghai
  initdb:
  - encoding: UTF8
  - locale: C.UTF-8
postgresql:
  listen: $ip,127.0.0.1:5432
  connect_address: $ip:5432
  data_dir: $d/pgdata
  bin_dir: $PG_BIN
  pgpass: $d/pgpass
  authentication:
    superuser:   {username: postgres,   password: '$(secret su)'}
    replication: {username: replicator, password: '$(secret repl)'}
    rewind:      {username: rewinder,   password: '$(secret rewind)'}
  parameters:
    unix_socket_directories: '$d/run'
  pg_hba:
  - local all all peer
  - host replication replicator $NET.0/24 scram-sha-256
  - host replication replicator 127.0.0.1/32 scram-sha-256
  - host all all $NET.0/24 scram-sha-256
  - host all all 127.0.0.1/32 scram-sha-256
EOF
}

# Debian's /etc/haproxy/haproxy.cfg (its defaults: timeouts, errorfiles),
# less what one system-wide instance alone may have: the chroot, the
# user switch, daemon mode, the stats socket, syslog.
haproxy_debian() {
	[ -f /etc/haproxy/haproxy.cfg ] || die "找不到 Debian 的 /etc/haproxy/haproxy.cfg（软件包 haproxy）"
	sed -E '/^[[:space:]]*(log[[:space:]]+\/dev\/log|chroot|stats socket|stats timeout|user|group|daemon)([[:space:]]|$)/d' \
		/etc/haproxy/haproxy.cfg
}

write_haproxy_db() {
	local d=$BASE/m$1
	{
		haproxy_debian
		cat <<EOF

listen postgres
	bind 127.0.0.1:5000
	mode tcp
	timeout client 30m
	timeout server 30m
	option httpchk GET /primary
	http-check expect status 200
	default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
	server m1 $NET.1:5432 check port 8008
	server m2 $NET.2:5432 check port 8008
EOF
	} >"$d/haproxy.cfg"
}

write_haproxy_http() {
	local d=$BASE/m3
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=duban.example.gov.cn \
		-addext "subjectAltName=DNS:duban.example.gov.cn,IP:$NET.3" \
		-keyout "$d/duban.key" -out "$d/duban.crt" 2>/dev/null
	cat "$d/duban.crt" "$d/duban.key" >"$d/duban.pem"
	{
		haproxy_debian
		cat <<EOF

listen duband
	bind :443 ssl crt $d/duban.pem
	mode http
	balance roundrobin
	timeout connect 1s
	timeout check 5s
	timeout client 60s
	timeout server 60s
	option httpchk GET /healthz
	http-check expect rstatus ^(200|503)\$
	retries 2
	option redispatch
	default-server inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
	server m1 $NET.1:8080 check
	server m2 $NET.2:8080 check
EOF
	} >"$d/haproxy.cfg"
}

# The document's /etc/duban/duband.conf, and what tests/ha/failover.sh
# sets for its reminders: one delivery at a time per instance, results
# recorded every 200 ms, a lease far longer than a failover.
write_duband() {
	local d=$BASE/m$1
	cat >"$d/duband.conf" <<EOF
db = $(db_conninfo)
listen = $NET.$1:8080
public_url = https://duban.example.gov.cn
retry_after = 5
secure_cookies = yes
log_level = notice
delivery_concurrency = 1
delivery_poll_ms = 200
delivery_lease = 60
delivery_timeout = 5
EOF
}

# --- Starting and watching -----------------------------------------------------

etcd_healthy() { curl -sf --max-time 1 "http://$NET.$1:2379/health" | grep -q '"health":"true"'; }
member_json() { curl -sf --max-time 1 "http://$NET.$1:8008/cluster"; }
# is_leader M: machine M's Patroni says M is the running leader.
is_leader() {
	[ "$(member_json "$1" | jq -r '.members[] | select(.role == "leader" and
		.state == "running") | .name')" = "m$1" ]
}
# The machine (1 or 2) whose PostgreSQL is the primary.
primary() {
	local m
	for m in 1 2; do
		is_leader "$m" && { echo "$m"; return 0; }
	done
	return 1
}
# synced M R: as M's Patroni sees it, M leads and R is its synchronous
# standby, streaming.
synced() {
	member_json "$1" | jq -e --arg l "m$1" --arg r "m$2" '
		any(.members[]; .name == $l and .role == "leader" and .state == "running") and
		any(.members[]; .name == $r and .role == "sync_standby" and
			(.state == "streaming" or .state == "running"))' | grep -q true
}
duband_answers() {
	[[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$NET.$1:8080/healthz") =~ ^(200|503)$ ]]
}

start_etcd() {
	local m=$1
	# shellcheck disable=SC1090
	(set -a && . "$BASE/m$m/etcd.env" && mspawn "$m" etcd etcd)
}
start_patroni() { mspawn "$1" patroni patroni "$BASE/m$1/patroni.yml"; }
start_haproxy() { mspawn "$1" haproxy haproxy -db -f "$BASE/m$1/haproxy.cfg"; }
start_duband() { mspawn "$1" duband env DUBAN_NOW="$NOW" "$HA_DUBAND" --config "$BASE/m$1/duband.conf"; }

# boot M: machine M comes back after it died: link up, its services
# started as systemd would at boot (their earlier logs kept as *.N.log).
BOOTS=0
boot() {
	local m=$1 f
	BOOTS=$((BOOTS + 1))
	for f in "$BASE/m$m"/*.log; do
		mv "$f" "${f%.log}.$BOOTS.log"
	done
	ip link set "duban-v$m" up
	start_etcd "$m"
	start_patroni "$m"
	start_haproxy "$m"
	start_duband "$m"
	mwait "$m" etcd 60 etcd_healthy "$m"
	mwait "$m" duband 60 duband_answers "$m"
}

sql() {
	local m=$1
	on "$m" psql "$(db_conninfo)" -XAtq -v ON_ERROR_STOP=1 -c "$2"
}

# --- Writers -------------------------------------------------------------------

# writers_start DIR FROM [M]: a writer per target of TARGETS (ISOLATED
# with M) into DIR/w-TARGET.txt until DIR/stop exists: from the host
# through m3's HAProxy, or inside machine M on its own duband.
declare -A WPIDS=()
writers_start() {
	local dir=$1 from=$2 m=${3:-} t
	mkdir -p "$dir"
	rm -f "$dir"/w-*.txt "$dir/stop"
	WPIDS[$dir]=""
	if [ -z "$m" ]; then
		for t in "${TARGETS[@]}"; do
			ha_writer "$t" "$TOKEN" "$dir/w-$t.txt" "$dir/stop" "$from" "$URL" &
			WPIDS[$dir]+=" $!"
		done
	else
		for t in "${ISOLATED[@]}"; do
			on "$m" bash -c "$(declare -f ha_writer)"'; ha_writer "$@"' ha_writer \
				"$t" "$TOKEN" "$dir/w-$t.txt" "$dir/stop" "$from" "http://$NET.$m:8080" &
			WPIDS[$dir]+=" $!"
		done
	fi
}
# writers_stop DIR: stops DIR's writers (each ends its request first:
# curl's --max-time 30 bounds it).
writers_stop() {
	touch "$1/stop"
	# shellcheck disable=SC2086
	wait ${WPIDS[$1]} 2>/dev/null || true
	unset "WPIDS[$1]"
}
ok_count() { cat "$1"/w-*.txt 2>/dev/null | awk '$4 == 200' | wc -l; }
# at_least DIR N [DIR N]: DIR's writers have had N writes answered 200.
at_least() {
	(($(ok_count "$1") >= $2)) || return 1
	[ $# -le 2 ] || at_least "${@:3}"
}
# resumed DIR T0: 20 writes answered 200 after the last failure since T0
# (false while none has failed).
resumed() { (($(ha_outage "$2" "$1"/w-*.txt | cut -d' ' -f5) >= 20)); }
# ok_since DIR T: the last 20 writes that started after T were answered 200.
ok_since() {
	cat "$1"/w-*.txt | sort -n | awk -v t="$2" '$1 > t { n = $4 == 200 ? n + 1 : 0 }
		END { exit !(n >= 20) }'
}

# lost M DIR...: writes answered 200 missing from the history (asked on
# machine M, through its HAProxy).
lost() {
	local m=$1 dir f t n=0
	shift
	for dir in "$@"; do
		for f in "$dir"/w-*.txt; do
			[ -e "$f" ] || continue
			t=${f##*/w-}
			t=${t%.txt}
			n=$((n + $(comm -23 <(awk '$4 == 200 { print $3 }' "$f" | sort -u) \
				<(sql "$m" "SELECT DISTINCT new_value::numeric::bigint FROM progress
					WHERE target_id = $t AND field = 'current'" | sort -u) | wc -l)))
		done
	done
	echo "$n"
}

# --- Scenarios -------------------------------------------------------------------

ROWS=()
LOST=0
FAILED=0
load1() { cut -d' ' -f1 /proc/loadavg; }
# How many times machine M's Patroni ran pg_rewind (in its current log).
rewinds() { grep -c 'running pg_rewind' "$BASE/m$1/patroni.log" 2>/dev/null || true; }
yes_no() { if (($1 > 0)); then echo 是; else echo 否; fi; }
# synced_seen_by R L: R's Patroni sees L lead and itself as L's
# synchronous standby.
synced_seen_by() {
	member_json "$1" | jq -e --arg l "m$2" --arg r "m$1" '
		any(.members[]; .name == $l and .role == "leader" and .state == "running") and
		any(.members[]; .name == $r and .role == "sync_standby")' | grep -q true
}
# rejoined: a leader and the other machine its synchronous standby,
# streaming, as both Patroni see it; prints the leader (m1, m2).
rejoined() {
	local l
	l=$(primary) || return 1
	synced "$l" $((3 - l)) && synced_seen_by $((3 - l)) "$l" && echo "m$l"
}
# outage T0 T1 DIR: ha_outage over DIR's requests that started before T1
# (T1 empty: all), followed by how many of the 503s had no Retry-After
# (HAProxy's own: no instance up).
outage() {
	cat "$3"/w-*.txt | awk -v t="$2" 't == "" || $1 < t' >"$3/before.txt"
	printf '%s %s\n' "$(ha_outage "$1" "$3/before.txt")" \
		"$(awk '$4 == 503 && $5 == ""' "$3/before.txt" | wc -l)"
	rm -f "$3/before.txt"
}
# settle DIR T: waits (bounded) for a leader with its synchronous standby,
# then for 20 writes answered 200 after the last failure since T.  Prints
# the seconds the first took and the leader; fails on a timeout.
settle() {
	local t1=$EPOCHREALTIME leader secs
	poll 300 rejoined || return 1
	secs=$(since "$t1")
	leader=$(rejoined) || return 1
	poll 120 ok_since "$1" "$2" || return 1
	echo "$secs $leader"
}
# settled DIR T: settle, setting the caller's rejoin and leader; on a
# timeout rejoin is 超时, leader what there is, FAILED is set and it fails.
settled() {
	if read -r rejoin leader < <(settle "$1" "$2"); then
		return 0
	fi
	rejoin=超时
	leader=$(rejoined || echo 无)
	FAILED=1
	return 1
}
# lost_now DIR...: writes answered 200 missing from the history, asked of
# the leader through its machine's HAProxy.
lost_now() {
	local p
	p=$(primary) || { echo "?"; return; }
	lost "$p" "$@"
}

# 1. The machine holding the primary dies.
machine_dies() {
	local r=$1 m s t0 t_leader load secs n503 other longest rejoin leader n rw noretry
	local dir=$BASE/writes
	m=$(primary) || die "没有主库"
	s=$((3 - m))
	writers_start "$dir" $((r * 1000000))
	until_ok 120 "在故障前得到 50 次成功写入" at_least "$dir" 50
	load=$(load1)
	t0=$EPOCHREALTIME
	ip link set "duban-v$m" down
	kill_all "$m"
	note "第 $r 轮：m$m（主库）整机宕机：断开网络并杀死其全部进程"
	until_ok 300 "让 m$s 成为主库" is_leader "$s"
	t_leader=$(since "$t0")
	note "m$s 成为主库（${t_leader} 秒）"
	until_ok 300 "恢复写入" resumed "$dir" "$t0"
	read -r secs n503 other longest _ noretry < <(outage "$t0" "" "$dir")
	note "写入在 ${secs} 秒后恢复；503 共 $n503 次（其中 HAProxy 自己的、无 Retry-After 的 $noretry 次），其他失败 $other 次，最长请求 ${longest} 秒"
	boot "$m"
	if settled "$dir" "$t0"; then
		note "m$m 重新启动，${rejoin} 秒后集群复原（主库 $leader）"
	else
		note "m$m 重新启动后，300 秒内集群未复原（一个主库和它的同步备库）或写入未恢复"
	fi
	writers_stop "$dir"
	n=$(lost_now "$dir")
	[ "$n" = 0 ] || LOST=1
	rw=$(yes_no "$(rewinds "$m")")
	note "答 200 而不在历史中的写入：$n 次；pg_rewind：$rw"
	ROWS+=("| $r | 整机宕机 | m$m | m$s | $t_leader | $secs | $n503（$noretry） | $other | $longest | — | — | — | $rejoin | $leader | $rw | $n | $load |")
}

# fenced M: machine M's HAProxy no longer leads to a primary (no server,
# or one in recovery).
fenced() {
	local out
	if ! out=$(on "$1" psql "$(db_conninfo) connect_timeout=2" -XAtqc 'SELECT pg_is_in_recovery()' 2>/dev/null); then
		return 0
	fi
	[ "$out" = t ]
}
heal_due() { (($(since "$1" | cut -d. -f1) >= HA3_HEAL_AFTER)); }

# 2. The primary's machine loses its link; nothing is killed.
partition() {
	local r=$1 m s t0 t1 t_leader="" t_fenced="" t_resumed="" load
	local secs n503 other longest n rw rw0 iso_ok after_heal rejoin leader end noretry
	local dir=$BASE/writes iso=$BASE/writes-isolated
	m=$(primary) || die "没有主库"
	s=$((3 - m))
	rw0=$(rewinds "$m")
	writers_start "$dir" $((r * 1000000 + 500000))
	writers_start "$iso" $((r * 1000000 + 500000)) "$m"
	until_ok 120 "在隔离前得到成功写入" at_least "$dir" 50 "$iso" 10
	load=$(load1)
	t0=$EPOCHREALTIME
	ip link set "duban-v$m" down
	note "第 $r 轮：m$m（主库）网络隔离，不杀进程"
	end=$((EPOCHSECONDS + 300))
	while [ -z "$t_leader" ] || [ -z "$t_fenced" ] || [ -z "$t_resumed" ] || ! heal_due "$t0"; do
		((EPOCHSECONDS < end)) ||
			die "隔离后 300 秒内：新主库 ${t_leader:-无}、旧主库停写 ${t_fenced:-否}、恢复写入 ${t_resumed:-否}"
		[ -n "$t_fenced" ] || ! fenced "$m" || t_fenced=$(since "$t0")
		[ -n "$t_leader" ] || ! is_leader "$s" || t_leader=$(since "$t0")
		[ -n "$t_resumed" ] || ! resumed "$dir" "$t0" || t_resumed=$(since "$t0")
		sleep 0.2
	done
	note "旧主库 m$m 在 ${t_fenced} 秒后不再经 HAProxy 接受写入；m$s 在 ${t_leader} 秒后成为主库"
	writers_stop "$iso"
	# What the isolated side answered 200 after the cut (synchronous
	# replication: nothing, unless replicated just before).
	iso_ok=$(cat "$iso"/w-*.txt | awk -v k="$t0" '$1 > k && $4 == 200' | wc -l)
	t1=$EPOCHREALTIME
	read -r secs n503 other longest _ noretry < <(outage "$t0" "$t1" "$dir")
	ip link set "duban-v$m" up
	note "m$m 恢复网络（隔离 $(since "$t0") 秒）"
	if settled "$dir" "$t1"; then
		note "恢复网络 ${rejoin} 秒后集群复原（主库 $leader）"
	else
		note "恢复网络后，300 秒内集群未复原（一个主库和它的同步备库）或写入未恢复"
	fi
	writers_stop "$dir"
	after_heal=$(cat "$dir"/w-*.txt | awk -v t="$t1" '$1 >= t && $4 != 200' | wc -l)
	n=$(lost_now "$dir" "$iso")
	[ "$n" = 0 ] || LOST=1
	rw=$(yes_no $(($(rewinds "$m") - rw0)))
	note "隔离期间写入在 ${secs} 秒后恢复，503 共 $n503 次（其中 HAProxy 自己的、无 Retry-After 的 $noretry 次），其他失败 $other 次，最长请求 ${longest} 秒；隔离侧在隔离后答 200 共 $iso_ok 次；恢复网络后失败 $after_heal 次；答 200 而不在历史中的写入：$n 次；pg_rewind：$rw"
	ROWS+=("| $r | 网络隔离 | m$m | m$s | $t_leader | $secs | $n503（$noretry） | $other | $longest | $t_fenced | $iso_ok | $after_heal | $rejoin | $leader | $rw | $n | $load |")
}

all_sent() {
	[ "$(sql "$(primary)" "SELECT count(*) FILTER (WHERE status <> 'sent') FROM delivery")" = 0 ]
}

# --- Run -------------------------------------------------------------------------

ok=0
cleanup() {
	local dir
	for dir in "${!WPIDS[@]}"; do touch "$dir/stop"; done
	net_teardown
	wait 2>/dev/null || true
	if [ "$ok" = 1 ] && [ -z "${HA3_KEEP:-}" ]; then
		ha_remove
	else
		printf 'duban: 日志保留在 %s（mN/*.log）\n' "$BASE" >&2
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

pg_user_ensure
mkdir -p "$BASE/backup/wal" "$BASE/m1" "$BASE/m2" "$BASE/m3"
chmod 700 "$BASE"
net_setup
for m in 1 2 3; do write_etcd "$m"; done
for m in 1 2; do
	write_patroni "$m"
	write_haproxy_db "$m"
	write_duband "$m"
done
write_haproxy_http
chown -R "$DUBAN_USER:" "$BASE"
chmod 600 "$BASE"/m*/*.yml "$BASE"/m*/*.conf "$BASE/m3/duban.pem" "$BASE/m3/duban.key"
export CURL_CA_BUNDLE=$BASE/m3/duban.crt

note "三台机器：m1 $NET.1、m2 $NET.2、m3 $NET.3（网络命名空间 duban-m1..3，网桥 $BR）"
for m in 1 2 3; do start_etcd "$m"; done
for m in 1 2 3; do mwait "$m" etcd 60 etcd_healthy "$m"; done
note "etcd 三个成员就绪"
# The document's order: m1 first, then m2.
start_patroni 1
mwait 1 patroni 120 is_leader 1
start_patroni 2
mwait 2 patroni 300 synced 1 2
start_haproxy 1
start_haproxy 2
note "Patroni：m1 为主库，m2 为同步备库（ttl $HA3_TTL，loop_wait $HA3_LOOP_WAIT，retry_timeout $HA3_RETRY_TIMEOUT）"
# HAProxy counts a server up until its checks fail: in its first seconds
# a connection may reach the replica.  Four in a row to the primary.
leads_to_primary() {
	local i
	for i in 1 2 3 4; do
		[ "$(on "$1" env PGPASSWORD="$(secret su)" psql -h 127.0.0.1 -p 5000 -U postgres \
			-d postgres -XAtqc 'SELECT pg_is_in_recovery()')" = f ] || return 1
	done
}
mwait 1 haproxy 30 leads_to_primary 1
on 1 env PGPASSWORD="$(secret su)" psql -h 127.0.0.1 -p 5000 -U postgres -d postgres -Xq \
	-v ON_ERROR_STOP=1 -c "CREATE ROLE duban LOGIN PASSWORD '$(secret duban)'" \
	-c 'CREATE DATABASE duban OWNER duban' >/dev/null
export DUBAN_DB
DUBAN_DB=$(db_conninfo)
m1_duban() { on 1 "$HA_DUBAN" "$@"; }
db_fill m1_duban >/dev/null
note "已经 m1 的 HAProxy 迁移数据库并导入计划和工作日历"

# The webhook receiver of the reminder tests, on m3 (which never fails).
control=$BASE/m3/sink.control
echo "slow 2500" >"$control"
# tests/receivers/webhook_sink.py listens on loopback: its server and
# handler here, on m3's address.
on 3 python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
import webhook_sink as w
address = sys.argv[3]
sys.argv = ["webhook_sink", sys.argv[2]]
s = w.Server((address, 0), w.Handler)
w.emit({"ready": s.server_address[1]})
s.serve_forever()
' "$DUBAN_ROOT/tests/receivers" "$control" "$NET.3" >"$BASE/m3/sink.out" 2>"$BASE/m3/sink.log" &
until_ok 10 "启动 webhook 接收端" grep -q ready "$BASE/m3/sink.out"
sink_port=$(head -n 1 "$BASE/m3/sink.out" | jq -r .ready)
i=0
for office in 财务审计处 发展规划处 教育技术装备处 学校安全处 人事处 教育基建办公室 \
    职业与成人教育处 体育卫生艺术教育处 监察室 局办公室; do
	m1_duban office set "$office" --webhook "http://$NET.3:$sink_port/o$i" >/dev/null
	i=$((i + 1))
done
TOKEN=$(m1_duban token create --quiet --org 全部 --role general)
mapfile -t TARGETS < <(sql 1 "SELECT id FROM target ORDER BY id LIMIT $WRITERS")
mapfile -t ISOLATED < <(sql 1 "SELECT id FROM target ORDER BY id OFFSET $WRITERS LIMIT 2")

start_duband 1
start_duband 2
start_haproxy 3
mwait 1 duband 60 curl -sf "http://$NET.1:8080/healthz"
mwait 2 duband 60 curl -sf "http://$NET.2:8080/healthz"
mwait 3 haproxy 30 curl -sf "$URL/healthz"
have_deliveries() { [ "$(sql 1 'SELECT count(*) > 0 FROM delivery')" = t ]; }
until_ok 60 "生成提醒" have_deliveries
want=$(sql 1 'SELECT count(*) FROM delivery')
note "两个 duband 就绪（经 m3 的 HAProxy：$URL），已生成提醒 $want 份，正在发往 m3 上的接收端"

for ((r = 1; r <= ROUNDS; r++)); do
	machine_dies "$r"
	((FAILED == 0)) || break
	partition "$r"
	((FAILED == 0)) || break
done

# Every reminder sent, and each key once.  (A claim of the machine that
# died waits out its lease, 60 s.)
sent=是
poll $((60 + 120)) all_sent || { sent=否; FAILED=1; }
jq -r 'select(.key) | .key' "$BASE/m3/sink.out" | sort | uniq -c >"$BASE/keys.txt"
keys=$(wc -l <"$BASE/keys.txt")
dups=$(awk '$1 > 1' "$BASE/keys.txt" | wc -l)

printf '\n三机高可用（网络命名空间）：Patroni %s，%s，ttl %s、loop_wait %s、retry_timeout %s；%s 个写入端经 m3 的 HAProxy，隔离场景另有 %s 个在旧主库所在机器上；%s 核\n\n' \
	"$(patroni --version | cut -d' ' -f2)" "$HA3_DCS" "$HA3_TTL" "$HA3_LOOP_WAIT" "$HA3_RETRY_TIMEOUT" \
	"$WRITERS" "${#ISOLATED[@]}" "$(nproc)"
echo "| 轮次 | 场景 | 原主库 | 新主库 | 选出新主库/秒 | 恢复写入/秒 | 503（无 Retry-After） | 其他失败 | 最长请求/秒 | 旧主库停写/秒 | 隔离侧答 200 | 恢复网络后失败 | 复原/秒 | 之后主库 | pg_rewind | 丢失 | 负载 |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
printf '\n提醒 %s 份，全部发出：%s；收到不同的键 %s 个，重复 %s 个\n' "$want" "$sent" "$keys" "$dups"
((LOST == 0)) || die "有答 200 的写入不在历史中（见上表「丢失」列）"
((FAILED == 0)) || die "集群未能复原，或提醒未发完（见上）"
ok=1
