# The high-availability cluster on one machine, on loopback: etcd (one
# member), two PostgreSQL 15 nodes managed by Patroni (a primary and a
# synchronous replica), HAProxy in front of the primary (checked through
# Patroni's REST API) and of two duband instances.  Sourced, after
# common.sh, by scripts/ha, tests/ha/failover.sh and bench/failover.sh,
# bench/syncrep.sh.  docs/deployment.md explains the choices.
#
# Everything lives in $HA_DIR (./var/$HA_NAME, or where pg_dir puts it)
# and runs as $DUBAN_USER when we are root, as the private PostgreSQL does.
# shellcheck shell=bash

HA_NAME=${HA_NAME:-ha}
# Fixed loopback ports, each overridable.  Not etcd's and PostgreSQL's own
# (2379, 5432): a machine may run those already.
: "${HA_PORT_ETCD:=23790}" "${HA_PORT_ETCD_PEER:=23800}"
: "${HA_PORT_PG1:=25431}" "${HA_PORT_PG2:=25432}"
: "${HA_PORT_REST1:=28008}" "${HA_PORT_REST2:=28009}"
: "${HA_PORT_DB:=25430}" "${HA_PORT_HTTP:=8090}"
: "${HA_PORT_DUBAND1:=8091}" "${HA_PORT_DUBAND2:=8092}"
: "${HA_PORT_STATS:=28404}"
HA_PORT_VARS=(HA_PORT_ETCD HA_PORT_ETCD_PEER HA_PORT_PG1 HA_PORT_PG2
	HA_PORT_REST1 HA_PORT_REST2 HA_PORT_DB HA_PORT_HTTP HA_PORT_DUBAND1
	HA_PORT_DUBAND2 HA_PORT_STATS)
: "${HA_DUBAN:=$DUBAN_ROOT/build/cli/duban}" "${HA_DUBAND:=$DUBAN_ROOT/build/daemon/duband}"
# HA_FAST=1 (tests): no fsync.  Synchronous replication stays on.
: "${HA_FAST:=0}"

ha_dir() {
	HA_DIR=$(pg_dir "$HA_NAME")
}

# ha_ports_from_kernel: every port one the kernel assigned (all bound at
# once, so distinct, then closed).  For the tests when no private network
# namespace can be had; a collision afterwards is caught by ha_port_free
# and by each process's start being checked.
ha_ports_from_kernel() {
	local ports v i=0
	# shellcheck disable=SC2207
	ports=($(python3 -c '
import socket, sys
n = int(sys.argv[1])
ss = [socket.socket() for _ in range(n)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))' "${#HA_PORT_VARS[@]}"))
	for v in "${HA_PORT_VARS[@]}"; do
		printf -v "$v" '%s' "${ports[i]}"
		i=$((i + 1))
	done
}

# ha_private_net COMMAND...: as root, re-runs COMMAND (the calling script
# and its arguments) in private network, PID and mount namespaces, where
# the fixed loopback ports cannot meet anything else and whatever it
# started dies with it; there, brings loopback up.  Without namespaces
# (or with HA_NO_NETNS=1, to try that path),
# takes ports from the kernel.  Returns 0 in a namespace.
ha_private_net() {
	if [ "${HA_IN_NETNS:-}" != 1 ] && [ -z "${HA_NO_NETNS:-}" ] && is_root &&
	    unshare --net --pid --mount --fork --kill-child --mount-proc true 2>/dev/null; then
		exec unshare --net --pid --mount --fork --kill-child --mount-proc \
			env HA_IN_NETNS=1 "$@"
	fi
	if [ "${HA_IN_NETNS:-}" = 1 ]; then
		ip link set lo up
		return 0
	fi
	ha_ports_from_kernel
	return 1
}

# Fails, saying so, when something listens on the port already.
ha_port_free() {
	if [ -n "$(ss -Hltn "sport = :$1")" ]; then
		die "端口 127.0.0.1:$1 已被占用（$2）：请停止占用它的程序，或用环境变量 $3 另选端口"
	fi
}

# ha_spawn NAME COMMAND...: runs COMMAND in the background as the
# cluster's owner, output in NAME.log, pid in NAME.pid.  With HA_NETNS set
# (root only), in that network namespace (ip netns) and an IPC namespace
# of its own, as on a machine of its own (bench/ha-machines.sh): nothing
# forks on the way, so the pid is COMMAND's.
ha_spawn() {
	local name=$1 ns=()
	shift
	[ -z "${HA_NETNS:-}" ] || ns=(ip netns exec "$HA_NETNS" unshare --ipc)
	if is_root; then
		(cd / && exec "${ns[@]}" setpriv --reuid="$DUBAN_USER" --regid="$DUBAN_USER" \
			--clear-groups -- "$@") >"$HA_DIR/$name.log" 2>&1 </dev/null &
	else
		("$@") >"$HA_DIR/$name.log" 2>&1 </dev/null &
	fi
	echo $! >"$HA_DIR/$name.pid"
}

# The pid of NAME's process, if it still runs that program (a pid file
# left by a machine's restart may name another process by now).
ha_pid() {
	local pid comm
	pid=$(cat "$HA_DIR/$1.pid" 2>/dev/null) || return 1
	comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
	case $1 in
	duband*) [ "$comm" = duband ] ;;
	patroni*) [ "$comm" = patroni ] ;;
	*) [ "$comm" = "$1" ] ;;
	esac && printf '%s\n' "$pid"
}
ha_running() {
	local pid
	pid=$(ha_pid "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# ha_wait NAME SECONDS COMMAND...: until COMMAND succeeds; fails if NAME's
# process died (a port taken, say) or after SECONDS.
ha_wait() {
	local name=$1 secs=$2 t=0
	shift 2
	until "$@" >/dev/null 2>&1; do
		ha_running "$name" ||
			die "$name 未能启动（端口可能已被占用），见 $HA_DIR/$name.log：$(tail -n 5 "$HA_DIR/$name.log")"
		((t++ < secs * 5)) || die "$name 在 $secs 秒内未就绪，见 $HA_DIR/$name.log"
		sleep 0.2
	done
}

ha_secret() {
	local f=$HA_DIR/secret-$1
	[ -s "$f" ] || (umask 077 && od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$f")
	cat "$f"
}

# libpq conninfo of the primary through HAProxy (database left out).
ha_server() {
	printf 'host=127.0.0.1 port=%s user=duban password=%s connect_timeout=3' \
		"$HA_PORT_DB" "$(ha_secret su)"
}

ha_write_patroni() {
	local i=$1 pg rest sock fsync=on nosync=""
	pg=HA_PORT_PG$i
	rest=HA_PORT_REST$i
	sock=$HA_DIR/sock$i
	((${#sock} < 90)) || sock=/tmp/duban-ha-$(printf '%s' "$HA_DIR" | sha256sum | cut -c1-12)-$i
	mkdir -p "$sock"
	if [ "$HA_FAST" = 1 ]; then
		fsync=off
		nosync="  - no-sync"
	fi
	cat >"$HA_DIR/node$i.yml" <<EOF
scope: duban
namespace: /duban/
name: node$i
log:
  level: WARNING
restapi:
  listen: 127.0.0.1:${!rest}
  connect_address: 127.0.0.1:${!rest}
etcd3:
  hosts: 127.0.0.1:$HA_PORT_ETCD
bootstrap:
  dcs:
    # Quick failover on one machine: a dead primary is noticed within a
    # second (loop_wait) and, because primary_start_timeout is 0, the
    # synchronous replica is promoted rather than the primary restarted.
    ttl: 10
    loop_wait: 1
    retry_timeout: 3
    maximum_lag_on_failover: 1048576
    primary_start_timeout: 0
    synchronous_mode: true
    postgresql:
      use_pg_rewind: true
      parameters:
        wal_log_hints: 'on'
        max_connections: 200
        max_wal_senders: 10
        wal_keep_size: 256MB
        fsync: '$fsync'
  initdb:
  - encoding: UTF8
  - locale: C
$nosync
postgresql:
  listen: 127.0.0.1:${!pg}
  connect_address: 127.0.0.1:${!pg}
  data_dir: $HA_DIR/node$i
  bin_dir: $PG_BIN
  pgpass: $HA_DIR/node$i.pgpass
  # The replica is a copy of a small database: no need to spread the
  # checkpoint it starts from.
  basebackup:
  - checkpoint: fast
$nosync
  authentication:
    superuser:
      username: duban
      password: '$(ha_secret su)'
    replication:
      username: replicator
      password: '$(ha_secret repl)'
  parameters:
    unix_socket_directories: '$sock'
    timezone: Asia/Shanghai
    log_timezone: Asia/Shanghai
    shared_buffers: 64MB
  pg_hba:
  - local all duban peer
  - host replication replicator 127.0.0.1/32 scram-sha-256
  - host all all 127.0.0.1/32 scram-sha-256
EOF
	chmod 600 "$HA_DIR/node$i.yml"
	is_root && chown "$DUBAN_USER:" "$HA_DIR/node$i.yml" "$sock"
	return 0
}

ha_write_haproxy() {
	cat >"$HA_DIR/haproxy.cfg" <<EOF
global
	maxconn 2000

defaults
	timeout connect 2s
	timeout check 1s
	# duband's pool keeps its connections open for as long as it runs.
	timeout client 30m
	timeout server 30m

# The primary, as Patroni's REST API says (GET /primary answers 200 on
# the leader only); sessions to a node that stops being it are cut.
listen postgres
	bind 127.0.0.1:$HA_PORT_DB
	mode tcp
	option httpchk GET /primary
	http-check expect status 200
	default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
	server node1 127.0.0.1:$HA_PORT_PG1 check port $HA_PORT_REST1
	server node2 127.0.0.1:$HA_PORT_PG2 check port $HA_PORT_REST2

# The two duband instances.  /healthz answers 503 while the database is
# failing over: the instance is alive and answers 503 with Retry-After
# itself, so 503 counts as up.  A connection refused (an instance killed)
# is tried on the other one.
listen duband
	bind 127.0.0.1:$HA_PORT_HTTP
	mode http
	balance roundrobin
	timeout client 60s
	timeout server 60s
	option httpchk GET /healthz
	http-check expect rstatus ^(200|503)\$
	retries 2
	option redispatch
	default-server inter 500ms fall 2 rise 1
	server duband1 127.0.0.1:$HA_PORT_DUBAND1 check
	server duband2 127.0.0.1:$HA_PORT_DUBAND2 check

listen stats
	bind 127.0.0.1:$HA_PORT_STATS
	mode http
	stats enable
	stats uri /
EOF
}

ha_etcd_healthy() { curl -sf "http://127.0.0.1:$HA_PORT_ETCD/health" | grep -q '"health":"true"'; }

ha_cluster_json() { curl -sf --max-time 2 "http://127.0.0.1:$HA_PORT_REST1/cluster" ||
	curl -sf --max-time 2 "http://127.0.0.1:$HA_PORT_REST2/cluster"; }

# The leader's name (node1, node2), when there is one running.
ha_leader() {
	ha_cluster_json | jq -er '.members[] | select(.role == "leader" and
		.state == "running") | .name'
}

# A leader and a synchronous standby that streams from it.
ha_synced() {
	ha_cluster_json | jq -e '([.members[] | select(.role == "leader" and
		.state == "running")] | length == 1) and ([.members[] |
		select(.role == "sync_standby" and (.state == "streaming" or
		.state == "running"))] | length == 1)' | grep -q true
}

# ha_cluster_start: etcd, both Patroni nodes (one bootstraps, the other
# copies it), HAProxy; returns when the replica is synchronous.
ha_cluster_start() {
	local i v
	ha_dir
	pg_user_ensure
	mkdir -p "$HA_DIR"
	is_root && chown "$DUBAN_USER:" "$HA_DIR"
	chmod 700 "$HA_DIR"
	for v in "${HA_PORT_VARS[@]}"; do
		ha_port_free "${!v}" "$v" "$v"
	done
	ha_write_haproxy
	for i in 1 2; do ha_write_patroni $i; done
	ha_spawn etcd etcd --name duban-ha --data-dir "$HA_DIR/etcd" \
		--listen-client-urls "http://127.0.0.1:$HA_PORT_ETCD" \
		--advertise-client-urls "http://127.0.0.1:$HA_PORT_ETCD" \
		--listen-peer-urls "http://127.0.0.1:$HA_PORT_ETCD_PEER" \
		--initial-advertise-peer-urls "http://127.0.0.1:$HA_PORT_ETCD_PEER" \
		--initial-cluster "duban-ha=http://127.0.0.1:$HA_PORT_ETCD_PEER" \
		--log-level warn
	ha_wait etcd 30 ha_etcd_healthy
	# Both at once: one wins the race to initialise the cluster, the
	# other copies it and becomes its synchronous replica.
	ha_spawn patroni1 patroni "$HA_DIR/node1.yml"
	ha_spawn patroni2 patroni "$HA_DIR/node2.yml"
	ha_wait patroni1 120 ha_synced
	ha_spawn haproxy haproxy -db -f "$HA_DIR/haproxy.cfg"
	ha_wait haproxy 30 psql "$(ha_server) dbname=postgres" -XAtqc 'SELECT 1'
}

# ha_duband_conf FILE [LINES]: duband's configuration for the cluster.
ha_duband_conf() {
	{
		printf 'db = %s dbname=duban\n' "$(ha_server)"
		echo "retry_after = 1"
		echo "query_timeout = 10"
		printf '%s' "${2:-}"
	} >"$1"
	chmod 600 "$1"
}

# ha_duband_start I [duband options...]: instance I (1 or 2) on its port,
# as the invoking user, with $HA_DIR/duband.conf.
ha_duband_start() {
	local i=$1 port
	shift
	port=HA_PORT_DUBAND$i
	"$HA_DUBAND" --config "$HA_DIR/duband.conf" --listen "127.0.0.1:${!port}" "$@" \
		>"$HA_DIR/duband$i.log" 2>&1 </dev/null &
	echo $! >"$HA_DIR/duband$i.pid"
	ha_wait "duband$i" 60 curl -sf "http://127.0.0.1:${!port}/healthz"
}

# The postmaster of the current primary, killed with SIGKILL.  Prints the
# node's name.
ha_kill_primary() {
	local leader pid
	leader=$(ha_leader) || die "没有正在运行的主库"
	pid=$(head -n 1 "$HA_DIR/$leader/postmaster.pid") || die "读不到 $leader 的 postmaster.pid"
	kill -KILL "$pid"
	printf '%s\n' "$leader"
}

# ha_writer TARGET TOKEN OUT STOP [FROM [URL]]: PATCHes TARGET's value
# with FROM+1, FROM+2 … through HAProxy (or the duband at URL) until the
# file STOP exists; one line per request in OUT: start, end (epoch
# seconds), value, HTTP status, Retry-After.  With HA_WRITER_KEY set, each
# request has an Idempotency-Key of its own (HA_WRITER_KEY-TARGET-VALUE),
# as the CLI sends.
ha_writer() {
	local target=$1 token=$2 out=$3 stop=$4 v=${5:-0} t0 res key=()
	local url=${6:-http://127.0.0.1:$HA_PORT_HTTP}
	while [ ! -e "$stop" ]; do
		v=$((v + 1))
		t0=$EPOCHREALTIME
		[ -z "${HA_WRITER_KEY:-}" ] || key=(-H "Idempotency-Key: $HA_WRITER_KEY-$target-$v")
		res=$(curl -s -o /dev/null -w '%{http_code} %header{retry-after}' --max-time 30 \
			-X PATCH -H "Authorization: Bearer $token" "${key[@]}" \
			-H 'Content-Type: application/json' \
			-d "{\"current\": $v, \"confirm\": true, \"note\": \"第 $v 次\"}" \
			"$url/api/v1/targets/$target") || true
		echo "$t0 $EPOCHREALTIME $v $res" >>"$out"
	done
}

# ha_outage KILLED FILE...: from ha_writer's lines and the moment the
# primary was killed, "SECONDS N503 NOTHER MAX AFTER": seconds from the kill
# to the end of the first write answered 200 that started after the last
# one that failed (-1 while none has failed, or none has come through
# since), the 503s, the other failures, the longest request, and the
# writes answered 200 since the last failure.  (The killed postmaster's
# backends may serve a little longer: writes start failing only then.)
ha_outage() {
	local killed=$1
	shift
	cat "$@" | sort -n | awk -v k="$killed" '
		{ s[NR] = $1; e[NR] = $2; c[NR] = $4; d = $2 - $1; if (d > max) max = d }
		$4 == 503 { n503++ } $4 != 200 && $4 != 503 { other++ }
		$1 > k && $4 != 200 { last = $1 }
		END {
			first = -1
			for (i = 1; i <= NR; i++)
				if (last != "" && s[i] > last && c[i] == 200) {
					if (first < 0 || e[i] - k < first)
						first = e[i] - k
					after++
				}
			printf "%.1f %d %d %.2f %d\n", first, n503, other, max, after
		}'
}

# Stops whatever runs, in the reverse order; Patroni stops its PostgreSQL.
# ha_stop now: SIGKILL at once (the files are removed next), then
# PostgreSQL stopped in immediate mode.
ha_stop() {
	local n pid t sig=TERM
	[ "${1:-}" = now ] && sig=KILL
	ha_dir
	for n in duband1 duband2 haproxy patroni2 patroni1 etcd; do
		pid=$(ha_pid "$n") || continue
		kill -"$sig" "$pid" 2>/dev/null || continue
		for ((t = 0; t < 150; t++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL "$pid" 2>/dev/null || true
	done
	# A PostgreSQL whose Patroni was killed goes on: stop it too.
	for n in node1 node2; do
		if [ -f "$HA_DIR/$n/PG_VERSION" ]; then
			as_pg "$PG_BIN/pg_ctl" -D "$HA_DIR/$n" -m immediate stop >/dev/null 2>&1 || true
		fi
	done
	return 0
}

ha_remove() {
	ha_dir
	rm -rf "$HA_DIR" /tmp/duban-ha-"$(printf '%s' "$HA_DIR" | sha256sum | cut -c1-12)"-*
	rm -f "$DUBAN_ROOT/var/$HA_NAME"
}
