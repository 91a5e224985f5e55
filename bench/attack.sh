#!/bin/bash
# Benchmark: progress updates (PATCH /api/v1/milestones/{id}, wrk, 8
# clients) through duband, alone, while 3,000 slow connections from
# ADDRS loopback addresses (default 1) each send a byte every 3 s (a slow-header
# attack), and alone again.  Prints the rates, the attacked rate's ratio
# to the mean of the two alone (goal: 0.8 or better), the latencies,
# duband's CPU use alone, under the attack alone and under both, the
# attacker's and the machine's, /metrics' refusals and the lines duband
# logged.  PERF=FILE records duband under perf during the attacked phase.
#
#   bench/attack.sh [SECONDS] [CONNECTIONS]      (default 15 s, 3000)
#
# Uses the release build in build/ and a throwaway PostgreSQL cluster
# under var/bench-attack; needs wrk (installed if missing) and python3.
source "$(dirname "$0")/../scripts/common.sh"

SECS=${1:-15}
CONNS=${2:-3000}
ADDRS=${ADDRS:-1}	# source addresses (127.0.0.10 on); more than one spreads past max_per_client
deps_install "${DUBAN_PACKAGES[@]}" wrk python3
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
trap 'kill $APID $DPID 2>/dev/null; wait $DPID 2>/dev/null; "$DUBAN_ROOT/scripts/pg" destroy bench-attack; rm -rf "$WORK"' EXIT

server=$(pg_start bench-attack test)
psql "$server dbname=postgres" -Xq -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" plan load "$DUBAN_ROOT"/plans/*.yaml >/dev/null
TOKEN=$("$BIN/cli/duban" token create --quiet --org 吉林市教育局 --role general)
read -r MIN MAX < <(psql "$DUBAN_DB" -XAt -F' ' -c 'SELECT min(id), max(id) FROM milestone')

printf 'log_level = notice\nmax_connections = 4096\n' >"$WORK/duband.conf"
PORT=18094
( ulimit -n 1024; exec "$BIN/daemon/duband" --config "$WORK/duband.conf" \
	--listen 127.0.0.1:$PORT 2>"$WORK/duband.log" ) &
DPID=$!
for _ in $(seq 100); do
	curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
	sleep 0.1
done

cat >"$WORK/patch.lua" <<LUA
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
local n = 0
request = function()
	n = n + 1
	return wrk.format("PATCH", "/api/v1/milestones/" .. math.random($MIN, $MAX),
		{ ["Authorization"] = "Bearer $TOKEN", ["Content-Type"] = "application/json" },
		'{"note":"bench ' .. n .. ' ' .. math.random(1000000000) .. '"}')
end
LUA
cat >"$WORK/slow.py" <<'PY'
import asyncio, sys
port, conns, secs, addrs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
async def one(i):
	try:
		r, w = await asyncio.open_connection('127.0.0.1', port,
		    local_addr=('127.0.0.%d' % (10 + i % addrs), 0))
		w.write(b'G')
		while True:
			await asyncio.sleep(3)
			w.write(b'E')
			await w.drain()
	except Exception:
		pass	# cut by duband (408) or refused: the attacker reconnects
	await asyncio.sleep(1)
	await one(i)
async def main():
	tasks = [asyncio.create_task(one(i)) for i in range(conns)]
	await asyncio.sleep(secs)
asyncio.run(main())
PY

# Requests per second; wrk's whole report in $WORK/wrk-$1.
rps() {
	wrk -t2 -c8 -d"${SECS}s" --latency -s "$WORK/patch.lua" \
		"http://127.0.0.1:$PORT/api/v1/milestones/1" >"$WORK/wrk-$1"
	awk '/Requests\/sec/ { print $2 }' "$WORK/wrk-$1"
}
latency() { awk '$1 == "50%" { p50 = $2 } $1 == "99%" { p99 = $2 }
	END { printf "%s / %s", p50, p99 }' "$WORK/wrk-$1"; }
cpu() { awk '{ print $14 + $15 }' "/proc/${1:-$DPID}/stat"; }
# All CPUs' ticks: busy (user, nice, system, irq, softirq) and in all.
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
ticks() { awk '/^cpu / { s = 0; for (i = 2; i <= 9; i++) s += $i; print s }' /proc/stat; }

# Warm up first: the plan was just loaded (autovacuum, cold caches).
SECS=5 rps warmup >/dev/null
s0=$(cpu)
alone=$(rps alone)
s1=$(cpu)
python3 "$WORK/slow.py" $PORT "$CONNS" $((SECS + 10)) "$ADDRS" &
APID=$!
sleep 1
w0=$(cpu)
sleep 4		# the attack in place
w1=$(cpu)
t0=$(cpu); a0=$(cpu $APID); b0=$(busy); k0=$(ticks)
if [ -n "${PERF:-}" ]; then	# PERF=file: where duband spends its time under the attack
	perf record -g -p $DPID -o "$PERF" -- sleep "$SECS" 2>/dev/null &
	PERFPID=$!
fi
attacked=$(rps attacked)
t1=$(cpu); a1=$(cpu $APID); b1=$(busy); k1=$(ticks)
[ -n "${PERF:-}" ] && wait $PERFPID
health=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/healthz")
metrics=$(curl -s "http://127.0.0.1:$PORT/metrics")
kill $APID 2>/dev/null || true
wait $APID 2>/dev/null || true
# Alone again: each PATCH adds a history row, and the machine is shared,
# so a later phase may be slower for reasons of its own.  The attacked
# rate is compared with the mean of the phases before and after it.
sleep 2
after=$(rps after)

printf '\n%-40s %12s\n' "PATCH /api/v1/milestones/{id}, 8 clients" "requests/s"
printf '%-40s %12.0f\n' "alone" "$alone"
printf '%-40s %12.0f\n' "under $CONNS slow connections" "$attacked"
printf '%-40s %12.0f\n' "alone again" "$after"
printf '%-40s %12.2f  (goal: 0.8)\n' "ratio to the mean of both alone" \
	"$(echo "2 * $attacked / ($alone + $after)" | bc -l)"
printf '%-40s %12.2f\n' "ratio to the first alone" "$(echo "$attacked / $alone" | bc -l)"
printf 'latency p50 / p99: alone %s, under the attack %s, alone again %s\n' \
	"$(latency alone)" "$(latency attacked)" "$(latency after)"
hz=$(getconf CLK_TCK)
printf 'duband CPU (%% of one core): alone %.0f%%, the attack alone %.0f%%, both %.0f%%; /healthz answered in %s s\n' \
	"$(echo "($s1 - $s0) / $hz / $SECS * 100" | bc -l)" \
	"$(echo "($w1 - $w0) / $hz / 4 * 100" | bc -l)" \
	"$(echo "($t1 - $t0) / $hz / $SECS * 100" | bc -l)" "$health"
# On one machine the attacker's CPU is taken from duband, PostgreSQL and wrk.
printf 'the attacker: %.0f%% of one core; the whole machine busy %.0f%% (%d cores)\n' \
	"$(echo "($a1 - $a0) / $hz / $SECS * 100" | bc -l)" \
	"$(echo "($b1 - $b0) / ($k1 - $k0) * 100" | bc -l)" "$(nproc)"
grep -E '^duban_http_connections_(refused_total|waiting)|^duban_http_accept_paused' <<<"$metrics"
printf 'duband logged %s lines (%s bytes)\n' "$(wc -l <"$WORK/duband.log")" \
	"$(wc -c <"$WORK/duband.log")"
