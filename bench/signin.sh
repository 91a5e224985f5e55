#!/bin/bash
# Benchmark: signing in with a password.  Prints Argon2id's parameters,
# the time one sign-in takes (the median of 10, one after another), then
# fires N sign-ins at once (default 20) while /healthz is asked every
# 20 ms, and prints how many health checks were answered and the slowest
# of them, beside the slowest with no sign-in running.  Hashing runs on
# duband's workers, so /healthz must keep answering.
#
#   bench/signin.sh [N]
#
# Uses the release build in build/ and a throwaway cluster under var/bench.
source "$(dirname "$0")/../scripts/common.sh"

N=${1:-20}
deps_install "${DUBAN_PACKAGES[@]}"
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
BIN=$DUBAN_ROOT/build
WORK=$(mktemp -d)
trap 'kill $DPID 2>/dev/null; wait $DPID 2>/dev/null; "$DUBAN_ROOT/scripts/pg" destroy bench; rm -rf "$WORK"' EXIT

server=$(pg_start bench test)
psql "$server dbname=postgres" -Xq -c 'CREATE DATABASE bench' >/dev/null
export DUBAN_DB="$server dbname=bench"
"$BIN/cli/duban" db migrate >/dev/null
"$BIN/cli/duban" plan load "$DUBAN_ROOT"/plans/jilin-2012.yaml >/dev/null
for i in $(seq "$N"); do
	echo "Bench-Password-$i" | "$BIN/cli/duban" user create --login "u$i" --name "测试$i" \
		--office 财务审计处 --role clerk --password-stdin >/dev/null
done

"$BIN/daemon/duband" --config /dev/null --listen 127.0.0.1:0 2>"$WORK/duband.log" &
DPID=$!
for _ in $(seq 300); do
	URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$WORK/duband.log" | head -1 || true)
	[ -n "$URL" ] && curl -sf "$URL/healthz" >/dev/null && break
	sleep 0.1
done
[ -n "$URL" ] || die "duband did not start: $(cat "$WORK/duband.log")"

signin() {	# signin I -> prints HTTP status and seconds
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
		-d "{\"login\":\"u$1\",\"password\":\"Bench-Password-$1\"}" "$URL/api/v1/session"
}
export -f signin
export URL

# health checks every 20 ms until the file $1 appears; one line each.
probe() {
	while [ ! -e "$1" ]; do
		curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 5 "$URL/healthz"
		sleep 0.02
	done
}

echo "Argon2id: m=19456 KiB, t=2, p=1 (lib/base/password.h); $(nproc) cores"
for i in $(seq 10); do signin 1; done | awk '{ print $2 }' | sort -n | sed -n 5p |
	awk '{ printf "one sign-in, alone: %.0f ms (median of 10)\n", $1 * 1000 }'

probe "$WORK/idle.stop" >"$WORK/idle" &
sleep 1
touch "$WORK/idle.stop"
wait $!

probe "$WORK/burst.stop" >"$WORK/burst" &
PP=$!
seq "$N" | xargs -P "$N" -I{} bash -c 'signin {}' >"$WORK/signins"
touch "$WORK/burst.stop"
wait $PP

ok=$(awk '$1 == 201' "$WORK/signins" | wc -l)
awk -v n="$N" -v ok="$ok" '{ if ($2 > m) m = $2 } END {
	printf "%d sign-ins at once: %d answered 201, the slowest in %.0f ms\n", n, ok, m * 1000 }' \
	"$WORK/signins"
awk '{ t++; if ($1 == 200) a++; if ($2 > m) m = $2 } END {
	printf "/healthz while they ran: %d of %d answered 200, the slowest in %.1f ms\n", a, t, m * 1000 }' \
	"$WORK/burst"
awk '{ if ($2 > m) m = $2 } END { printf "/healthz with nothing running: the slowest in %.1f ms\n", m * 1000 }' \
	"$WORK/idle"
[ "$ok" = "$N" ] || die "not every sign-in succeeded"
