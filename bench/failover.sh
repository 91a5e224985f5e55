#!/bin/bash
# Benchmark: a failover under writes.  The cluster of scripts/ha (etcd,
# Patroni with a primary and a synchronous replica, HAProxy, two duband;
# fsync on, as in production) takes WRITERS clients PATCHing targets
# through HAProxy; the primary's postmaster gets SIGKILL, RUNS times
# (each time the old primary has rejoined as the synchronous replica
# first).  Prints, per run and as the median: seconds from the primary's
# death to the first write answered 200 after the outage, the requests
# answered 503 meanwhile (each with Retry-After), other failures (goal:
# 0), the longest request, and writes answered 200 missing from the
# history (goal: 0).
#
#   bench/failover.sh [RUNS]        (default 3; WRITERS=4)
#
# Uses the release build in build/; runs in private namespaces as root
# (its own loopback), otherwise on ports the kernel assigns.
source "$(dirname "$0")/../scripts/common.sh"
RUNS=${1:-3}
WRITERS=${WRITERS:-4}
HA_NAME=bench-ha
source "$DUBAN_ROOT/scripts/ha-lib.sh"
deps_install "${DUBAN_PACKAGES[@]}" "${DUBAN_HA_PACKAGES[@]}"
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
ha_private_net "$0" "$@" || true

ha_remove
ha_dir
trap 'touch "$HA_DIR/stop"; ha_stop >/dev/null 2>&1; ha_remove' EXIT
ha_cluster_start
db_ensure "$(ha_server)" duban
export DUBAN_DB="$(ha_server) dbname=duban"
db_fill "$HA_DUBAN" >/dev/null
TOKEN=$("$HA_DUBAN" token create --quiet --org 全部 --role general)
ha_duband_conf "$HA_DIR/duband.conf" "log_level = notice
"
ha_duband_start 1
ha_duband_start 2
mapfile -t targets < <(psql "$DUBAN_DB" -XAt -c "SELECT id FROM target ORDER BY id LIMIT $WRITERS")

printf '\n%4s %8s %10s %6s %6s %10s %6s\n' run primary "seconds" 503s other "longest/s" lost
results=()
for ((run = 1; run <= RUNS; run++)); do
	rm -f "$HA_DIR"/w-*.txt "$HA_DIR/stop"
	pids=()
	for t in "${targets[@]}"; do
		ha_writer "$t" "$TOKEN" "$HA_DIR/w-$t.txt" "$HA_DIR/stop" $((run * 1000000)) &
		pids+=($!)
	done
	until (($(cat "$HA_DIR"/w-*.txt 2>/dev/null | awk '$4 == 200' | wc -l) >= 50)); do sleep 0.1; done
	killed=$EPOCHREALTIME
	old=$(ha_kill_primary)
	until read -r secs n503 other longest after < <(ha_outage "$killed" "$HA_DIR"/w-*.txt) &&
	    ((after >= 20)); do
		sleep 0.2
	done
	touch "$HA_DIR/stop"
	wait "${pids[@]}"
	read -r secs n503 other longest after < <(ha_outage "$killed" "$HA_DIR"/w-*.txt)
	lost=0
	for t in "${targets[@]}"; do
		n=$(comm -23 <(awk '$4 == 200 { print $3 }' "$HA_DIR/w-$t.txt" | sort -u) \
			<(psql "$DUBAN_DB" -XAt -c "SELECT DISTINCT new_value::numeric::bigint FROM progress
				WHERE target_id = $t AND field = 'current'" | sort -u) | wc -l)
		lost=$((lost + n))
	done
	printf '%4d %8s %10s %6s %6s %10s %6s\n' "$run" "$old" "$secs" "$n503" "$other" "$longest" "$lost"
	results+=("$secs $n503")
	# The old primary back as the synchronous replica before the next kill.
	ha_wait patroni1 120 ha_synced
done
printf '%s\n' "${results[@]}" | sort -n | awk '{ s[NR] = $1; n[NR] = $2 }
	END { m = int((NR + 1) / 2); printf "\nmedian: %s s to the first write after the primary died, %s requests answered 503 (%d writers, 2 duband, %d cores)\n", s[m], n[m], '"$WRITERS"', '"$(nproc)"' }'
