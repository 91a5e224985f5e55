#!/bin/bash
# backup-restore: a base backup and the WAL archive, restored into a fresh
# cluster, serve every history row (docs/deployment.md, "备份与恢复").
#
#   tests/ha/backup.sh DUBAN DUBAND     (ctest runs it with the ASan build)
#
# A private cluster with archive_mode on gets the shipped plans and writes
# through duband; pg_basebackup copies it; more writes follow, reaching
# the restore only through the archived WAL (point-in-time recovery to
# the end of the archive).  The source is then stopped and the backup
# restored into a new data directory; duband started on it must show the
# same history through the API, and the history tables the same rows.
set -euo pipefail
source "$(dirname "$0")/../../scripts/common.sh"

fail() { printf 'backup-restore: %s\n' "$*" >&2; exit 1; }
[ $# = 2 ] || fail "用法：backup.sh DUBAN DUBAND"
CLI=$1
DAEMON=$2
NAME=test-backup-$(basename "$(dirname "$(dirname "$CLI")")")
T_START=$EPOCHREALTIME

pg_user_ensure
for d in wal base dst; do
	pg_stop "$NAME-$d"
	rm -rf "$(pg_dir "$NAME-$d")"
done
arch=$(pg_dir "$NAME-wal")
base=$(pg_dir "$NAME-base")
dst=$(pg_dir "$NAME-dst")
mkdir -p "$arch" "$base" "$dst"
is_root && chown "$DUBAN_USER:" "$arch" "$base" "$dst"
DAEMON_PID=""
ok=0
cleanup() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	pg_stop "$NAME-src"
	pg_stop "$NAME-dst"
	if [ "$ok" = 1 ]; then
		for d in src wal base dst; do rm -rf "$(pg_dir "$NAME-$d")"; done
	else
		echo "backup-restore: 失败；文件在 $(dirname "$arch")/$NAME-*" >&2
	fi
}
trap cleanup EXIT

# The source: archiving every WAL segment it fills or is told to switch.
src_server=$(DUBAN_PG_CONF="archive_mode = on
archive_command = 'test ! -f $arch/%f && cp %p $arch/%f'" pg_start "$NAME-src" test)
db_ensure "$src_server" duban
export DUBAN_DB="$src_server dbname=duban"
db_fill "$CLI" >/dev/null
TOKEN=$("$CLI" token create --quiet --org 全部 --role general)

# duband_start: on DUBAN_DB, port 0; sets URL from the address it logs.
duband_start() {
	local log=$1 port=""
	"$DAEMON" --config /dev/null --listen 127.0.0.1:0 >"$log" 2>&1 </dev/null &
	DAEMON_PID=$!
	for _ in $(seq 300); do
		port=$(grep -o '正在监听 http://127.0.0.1:[0-9]*' "$log" | head -n 1 | sed 's/.*://' || true)
		[ -n "$port" ] && curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "duband 未能启动：$(tail -n 5 "$log")"
		sleep 0.1
	done
	[ -n "$port" ] || fail "duband 30 秒内未就绪"
	URL=http://127.0.0.1:$port
}
duband_stop() {
	kill "$DAEMON_PID"
	wait "$DAEMON_PID" || fail "duband 退出码 $?"
	DAEMON_PID=""
}
api() { curl -sf --max-time 30 -H "Authorization: Bearer $TOKEN" "$@"; }
sql() { psql "$1" -XAtq -v ON_ERROR_STOP=1 -c "$2"; }
mapfile -t targets < <(sql "$DUBAN_DB" "SELECT t.id FROM target t JOIN task k ON k.id = t.task_id
	JOIN plan p ON p.id = k.plan_id WHERE p.key = 'jilin-2012' ORDER BY t.id LIMIT 10")
# writes FROM TO: target values, each a history row.
writes() {
	local v t
	for ((v = $1; v <= $2; v++)); do
		t=${targets[v % ${#targets[@]}]}
		api -o /dev/null -X PATCH -H 'Content-Type: application/json' \
			-d "{\"current\": $v, \"confirm\": true, \"note\": \"第 $v 次填报\"}" \
			"$URL/api/v1/targets/$t" || fail "写入 $v 失败"
	done
}
# What a reader sees: every task's history through the API, as
# "ROWS MD5" (the rows counted, their fingerprint).
history_api() {
	local id
	for id in $(api "$URL/api/v1/tasks?plan=jilin-2012" | jq -r '.[].id'); do
		api "$URL/api/v1/tasks/$id" | jq -cS '[.id, (.history | length), .history]'
	done | jq -rs '"\(map(.[1]) | add) \(tostring | @base64)"' | {
		read -r n b
		printf '%s %s\n' "$n" "$(printf '%s' "$b" | md5sum | cut -d' ' -f1)"
	}
}
# The history tables themselves, row by row.
FP_SQL="SELECT (SELECT count(*) FROM progress) || ' ' ||
	(SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM progress p)"

duband_start "$(pg_dir "$NAME-src")/duband.log"
writes 1 30
as_pg "$PG_BIN/pg_basebackup" -d "$src_server dbname=postgres" -D "$base/data" -c fast --no-sync
# After the base backup: these come back only through the archive.
writes 31 60
read -r rows_before api_before < <(history_api)
sql_before=$(sql "$DUBAN_DB" "$FP_SQL")
duband_stop
last=$(sql "$DUBAN_DB" "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 300); do
	[ "$(sql "$DUBAN_DB" "SELECT coalesce(last_archived_wal >= '$last', false) FROM pg_stat_archiver")" = t ] && break
	sleep 0.1
done
[ "$(sql "$DUBAN_DB" "SELECT coalesce(last_archived_wal >= '$last', false) FROM pg_stat_archiver")" = t ] ||
	fail "WAL $last 30 秒内未归档"
pg_stop "$NAME-src"

# The restore: a copy of the base backup, WAL from the archive to its end.
as_pg cp -a "$base/data" "$dst/data"
sock=$(pg_sock "$dst")
mkdir -p "$sock"
is_root && chown "$DUBAN_USER:" "$sock"
{
	echo "unix_socket_directories = '$sock'"
	echo "archive_mode = off"
	echo "restore_command = 'cp $arch/%f %p'"
} | as_pg tee -a "$dst/data/postgresql.conf" >/dev/null
as_pg touch "$dst/data/recovery.signal"
as_pg "$PG_BIN/pg_ctl" -D "$dst/data" -l "$dst/postgresql.log" -w -t 60 start >/dev/null ||
	fail "恢复的集群未能启动，见 $dst/postgresql.log"
export DUBAN_DB="host=$sock user=duban dbname=duban"
for _ in $(seq 300); do
	[ "$(sql "$DUBAN_DB" "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && break
	sleep 0.1
done
[ "$(sql "$DUBAN_DB" "SELECT pg_is_in_recovery()")" = f ] || fail "恢复 30 秒内未完成"

duband_start "$dst/duband.log"
read -r rows_after api_after < <(history_api)
sql_after=$(sql "$DUBAN_DB" "$FP_SQL")
echo "backup-restore: 历史 $rows_before 条（接口），恢复后 $rows_after 条；progress 表 ${sql_before%% *} 行，恢复后 ${sql_after%% *} 行"
[ "$rows_before" -ge 60 ] || fail "备份前的历史太少：$rows_before"
[ "$rows_after" = "$rows_before" ] || fail "恢复后接口中的历史 $rows_after 条，备份前 $rows_before 条"
[ "$api_after" = "$api_before" ] || fail "恢复后接口返回的历史与备份前不同"
[ "$sql_after" = "$sql_before" ] || fail "恢复后 progress 表与备份前不同：$sql_after / $sql_before"
# The restored cluster takes writes again.
writes 61 61
duband_stop
printf 'backup-restore: 通过（%.0f 秒）\n' "$(bc <<<"$EPOCHREALTIME - $T_START")"
ok=1
