#!/bin/bash
# Benchmark: progress updates (PATCH /api/v1/milestones/{id}, wrk, 8
# clients) through duband, alone and while 3,000 slow connections from
# ADDRS loopback addresses (default 1) each send a byte every 3 s (a slow-header
# attack).  Prints both rates and their ratio (goal: 0.8 or better),
# duband's CPU use during the attack, /metrics' refusals and the lines
# it logged.
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

rps() {
	wrk -t2 -c8 -d"${SECS}s" -s "$WORK/patch.lua" "http://127.0.0.1:$PORT/api/v1/milestones/1" |
		awk '/Requests\/sec/ { print $2 }'
}
cpu() { awk '{ print $14 + $15 }' "/proc/${1:-$DPID}/stat"; }
# All CPUs' busy ticks (user, nice, system, irq, softirq).
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }

alone=$(rps)
python3 "$WORK/slow.py" $PORT "$CONNS" $((SECS + 10)) "$ADDRS" &
APID=$!
sleep 5		# the attack in place
t0=$(cpu); a0=$(cpu $APID); b0=$(busy)
if [ -n "${PERF:-}" ]; then	# PERF=file: where duband spends its time under the attack
	perf record -g -p $DPID -o "$PERF" -- sleep "$SECS" 2>/dev/null &
	PERFPID=$!
fi
attacked=$(rps)
t1=$(cpu); a1=$(cpu $APID); b1=$(busy)
[ -n "${PERF:-}" ] && wait $PERFPID
health=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$PORT/healthz")
metrics=$(curl -s "http://127.0.0.1:$PORT/metrics")
wait $APID 2>/dev/null

printf '\n%-40s %12s\n' "PATCH /api/v1/milestones/{id}, 8 clients" "requests/s"
printf '%-40s %12.0f\n' "alone" "$alone"
printf '%-40s %12.0f\n' "under $CONNS slow connections" "$attacked"
printf '%-40s %12.2f  (goal: 0.8)\n' "ratio" "$(echo "$attacked / $alone" | bc -l)"
printf 'duband CPU during the attack: %.0f%% of one core; /healthz answered in %s s\n' \
	"$(echo "($t1 - $t0) / $(getconf CLK_TCK) / $SECS * 100" | bc -l)" "$health"
# On one machine the attacker's CPU is taken from duband, PostgreSQL and wrk.
printf 'the attacker: %.0f%% of one core; the whole machine: %.0f%% of %d cores\n' \
	"$(echo "($a1 - $a0) / $(getconf CLK_TCK) / $SECS * 100" | bc -l)" \
	"$(echo "($b1 - $b0) / $(getconf CLK_TCK) / $SECS / $(nproc) * 100" | bc -l)" "$(nproc)"
grep -E '^duban_http_connections_(refused_total|waiting)|^duban_http_accept_paused' <<<"$metrics"
printf 'duband logged %s lines (%s bytes)\n' "$(wc -l <"$WORK/duband.log")" \
	"$(wc -c <"$WORK/duband.log")"
