#!/bin/bash
# valgrind over the release binaries (the ASan build cannot run under
# it): the CLI's reads and checks, and duband serving reads, writes and
# bad requests, then shutting down.  Any error or definite leak fails.
# It runs against a throwaway cluster of its own (var/valgrind).
source "$(dirname "$0")/../scripts/common.sh"

server=$(pg_start valgrind test)
BIN=$DUBAN_ROOT/build
VG=(valgrind -q --error-exitcode=99 --leak-check=full
	--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect)
DB="$server dbname=duban_valgrind"
LOG=$(mktemp)
trap 'rm -f "$LOG"; "$DUBAN_ROOT/scripts/pg" destroy valgrind' EXIT

psql "$server dbname=postgres" -Xq \
	-c 'CREATE DATABASE duban_valgrind' >/dev/null
export DUBAN_DB=$DB
"${VG[@]}" "$BIN/cli/duban" db migrate >/dev/null
"${VG[@]}" "$BIN/cli/duban" plan check "$DUBAN_ROOT"/plans/*.yaml >/dev/null
"${VG[@]}" "$BIN/cli/duban" plan load "$DUBAN_ROOT"/plans/*.yaml >/dev/null
"${VG[@]}" "$BIN/cli/duban" task list --json >/dev/null
"${VG[@]}" "$BIN/cli/duban" task show 1 >/dev/null
rc=0
"${VG[@]}" "$BIN/cli/duban" plan check "$DUBAN_ROOT"/tests/fixtures/bad-plans/*.yaml \
	>/dev/null 2>&1 || rc=$?
[ "$rc" = 65 ] || die "valgrind: plan check of the bad plans exited $rc"
TOKEN=$("$BIN/cli/duban" token create --quiet --role office --office 财务审计处)

"${VG[@]}" "$BIN/daemon/duband" --config /dev/null --listen 127.0.0.1:0 \
	--plans "$DUBAN_ROOT/plans" 2>"$LOG" &
pid=$!
for _ in $(seq 600); do
	url=$(grep -o 'http://127.0.0.1:[0-9]*' "$LOG" | head -1 || true)
	[ -n "$url" ] && curl -sf "$url/healthz" >/dev/null && break
	sleep 0.1
done
[ -n "$url" ] || die "valgrind: duband did not start: $(cat "$LOG")"
M=$(psql "$DB" -XAt -c "SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id
	JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND t.key = '1' AND m.key = 'deadline'")
auth=(-H "Authorization: Bearer $TOKEN")
curl -s "${auth[@]}" "$url/api/v1/tasks?plan=jilin-2012" >/dev/null
curl -s "${auth[@]}" "$url/api/v1/tasks/1" >/dev/null
curl -s "${auth[@]}" -X PATCH -d '{"status":"done","note":"valgrind"}' "$url/api/v1/milestones/$M" >/dev/null
curl -s "${auth[@]}" -X PATCH -H 'If-Match: "1"' -d '{"note":"stale"}' "$url/api/v1/milestones/$M" >/dev/null
curl -s "${auth[@]}" -X PATCH -d '{"status":' "$url/api/v1/milestones/$M" >/dev/null
curl -s "$url/api/v1/tasks" >/dev/null
curl -s "$url/metrics" >/dev/null
kill -HUP "$pid"
curl -s "${auth[@]}" "$url/api/v1/plans" >/dev/null
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
if [ "$rc" != 0 ]; then
	cat "$LOG" >&2
	die "valgrind: duband exited $rc"
fi
say "valgrind：duban 和 duband 均无内存错误和泄漏"
