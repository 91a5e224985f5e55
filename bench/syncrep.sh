#!/bin/bash
# Benchmark: the price of the second copy.  bench/api.sh's write workload
# (PATCH /api/v1/milestones/{id} through duband, and pgbench running the
# same function) on three databases, all with fsync on:
#   sync    the primary of scripts/ha's cluster, through HAProxy, with its
#           synchronous replica (a commit waits for the replica's flush);
#   local   the same primary and path, synchronous_commit = local (the
#           replica still streams, nobody waits for it);
#   single  one private PostgreSQL on a Unix socket, as bench/api.sh uses.
# Prints each rate and the ratios sync/single and sync/local.
#
#   bench/syncrep.sh [SECONDS]        (default 10 per run)
#
# Runs in private namespaces as root (its own loopback), otherwise on
# ports the kernel assigns.
source "$(dirname "$0")/../scripts/common.sh"
SECS=${1:-10}
HA_NAME=bench-syncrep
source "$DUBAN_ROOT/scripts/ha-lib.sh"
deps_install "${DUBAN_PACKAGES[@]}" "${DUBAN_HA_PACKAGES[@]}" wrk postgresql-contrib
build "$DUBAN_ROOT/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
ha_private_net "$0" "$@" || true

ha_remove
ha_dir
trap 'ha_stop >/dev/null 2>&1; ha_remove' EXIT
ha_cluster_start
server=$(ha_server)

# api_writes: bench/api.sh's PATCH lines as "CLIENTS DUBAND PGBENCH".
api_writes() {
	BENCH_WRITES_ONLY=1 "$DUBAN_ROOT/bench/api.sh" "$SECS" 2>/dev/null |
		awk '/^PATCH/ { print $3, $4, $5 }'
}
say "synchronous replication (cluster primary through HAProxy)"
sync=$(BENCH_SERVER=$server api_writes)
psql "$server dbname=postgres" -Xq -c 'ALTER ROLE duban SET synchronous_commit = local'
say "synchronous_commit = local on the same primary"
local_=$(BENCH_SERVER=$server api_writes)
psql "$server dbname=postgres" -Xq -c 'ALTER ROLE duban RESET synchronous_commit'
say "single node (private cluster, Unix socket, fsync on)"
single=$(BENCH_DURABLE=1 api_writes)

printf '\n%-8s %10s %10s %10s %11s %11s %11s %10s %10s\n' clients "sync/s" "local/s" \
	"single/s" "pgb sync" "pgb local" "pgb single" sync/single sync/local
join <(echo "$sync") <(echo "$local_") | join - <(echo "$single") |
	while read -r c ds ps dl pl d1 p1; do
		printf '%-8s %10.0f %10.0f %10.0f %11.0f %11.0f %11.0f %10.2f %10.2f\n' "$c" \
			"$ds" "$dl" "$d1" "$ps" "$pl" "$p1" "$(bc -l <<<"$ds / $d1")" \
			"$(bc -l <<<"$ds / $dl")"
	done
printf '(duband requests/s and pgbench transactions/s; %s s per run, %s cores)\n' "$SECS" "$(nproc)"
