#!/bin/bash
# valgrind over the release binaries (the ASan build cannot run under
# it): the CLI's reads and checks, and duband serving reads, writes and
# bad requests, then shutting down.  Any error or definite leak fails.
# It runs against a throwaway cluster of its own (var/valgrind).
source "$(dirname "$0")/../scripts/common.sh"

# The release tree (scripts/test builds it; the valgrind test names it).
BIN=${DUBAN_VALGRIND_BIN:-$DUBAN_ROOT/build}
[ -x "$BIN/cli/duban" ] && [ -x "$BIN/daemon/duband" ] ||
	die "valgrind: $BIN 中没有发布版本的 duban 与 duband（先运行 scripts/test，或 cmake --build build）"
server=$(pg_start valgrind test)
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
for f in "$DUBAN_ROOT"/tests/fixtures/seeds/0*.txt \
	"$DUBAN_ROOT"/tests/fixtures/draft/sample.docx; do
	"${VG[@]}" "$BIN/cli/duban" plan draft "$f" >/dev/null 2>&1 ||
		die "valgrind: duban plan draft $f"
done
"${VG[@]}" "$BIN/cli/duban" task list --json >/dev/null
# The 任务分解表: exported, read back, the template, a refused workbook.
"${VG[@]}" "$BIN/cli/duban" plan export jilin-2012 -o "$LOG.xlsx" 2>/dev/null
"${VG[@]}" "$BIN/cli/duban" plan export jilin-2012 --format yaml >/dev/null
"${VG[@]}" "$BIN/cli/duban" plan check "$LOG.xlsx" >/dev/null
"${VG[@]}" "$BIN/cli/duban" plan template -o "$LOG.t.xlsx"
rc=0
"${VG[@]}" "$BIN/cli/duban" plan check "$LOG.t.xlsx" "$LOG.xlsx" "$LOG.xlsx" \
	>/dev/null 2>&1 || rc=$?
[ "$rc" = 65 ] || die "valgrind: plan check of a workbook twice exited $rc"
rm -f "$LOG.xlsx" "$LOG.t.xlsx"
"${VG[@]}" "$BIN/cli/duban" task show 1 >/dev/null
for f in html xlsx csv md json; do
	if ! DUBAN_NOW=2012-11-01T09:00+08:00 "${VG[@]}" "$BIN/cli/duban" report quarterly \
		--plan jilin-2012 --quarter 2012Q3 -o "$LOG.$f" 2>"$LOG.err"; then
		cat "$LOG.err" >&2
		die "valgrind: duban report quarterly --format $f"
	fi
	rm -f "$LOG.$f" "$LOG.err"
done
rc=0
"${VG[@]}" "$BIN/cli/duban" plan check "$DUBAN_ROOT"/tests/fixtures/bad-plans/*.yaml \
	>/dev/null 2>&1 || rc=$?
[ "$rc" = 65 ] || die "valgrind: plan check of the bad plans exited $rc"
TOKEN=$("$BIN/cli/duban" token create --quiet --org 吉林市教育局 --role office --office 财务审计处)
# A webhook nobody listens on: the dispatch request below is rendered,
# attempted and scheduled for a retry.
"$BIN/cli/duban" office set 财务审计处 --webhook http://127.0.0.1:1/hook >/dev/null

"${VG[@]}" "$BIN/daemon/duband" --config /dev/null --listen 127.0.0.1:0 \
	--plans "$DUBAN_ROOT/plans" --web "$DUBAN_ROOT/daemon/web" 2>"$LOG" &
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
# The texts beside 完成情况, and a value asked about (422, confirmable).
curl -s "${auth[@]}" -X PATCH -d '{"problems":"资金未到位","next_steps":"督促拨付","coordination":"需财政局协调"}' \
	"$url/api/v1/milestones/$M" >/dev/null
G=$(psql "$DB" -XAt -c "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id
	JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND g.key = 'hs-students'")
curl -s "${auth[@]}" -X PATCH -d '{"current":30000}' "$url/api/v1/targets/$G" | grep -q confirmable ||
	die "valgrind: a value over three times the target is not asked about"
curl -s "${auth[@]}" -X PATCH -d '{"current":30000,"confirm":true,"problems":"含结转"}' \
	"$url/api/v1/targets/$G" >/dev/null
# The same write twice with its Idempotency-Key: written once, answered twice.
for i in 1 2; do
	curl -s "${auth[@]}" -X PATCH -H 'Idempotency-Key: valgrind-1' \
		-d '{"note":"重试"}' "$url/api/v1/targets/$G" >/dev/null
done
curl -s "${auth[@]}" -X PATCH -H 'Idempotency-Key: valgrind-1' \
	-d '{"note":"另一请求"}' "$url/api/v1/targets/$G" | grep -q Idempotency-Key ||
	die "valgrind: the same key with another body was not refused"
curl -s "$url/api/v1/tasks" >/dev/null
curl -s "$url/metrics" >/dev/null
GTOKEN=$("$BIN/cli/duban" token create --quiet --org 吉林市教育局 --role general)
for f in xlsx html json; do
	curl -s -H "Authorization: Bearer $GTOKEN" \
		"$url/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3&format=$f" >/dev/null
done
curl -s -H "Authorization: Bearer $GTOKEN" -d '{"plans":["jilin-2012"],"due_on":"2099-01-01"}' \
	"$url/api/v1/dispatches" >/dev/null
for _ in $(seq 300); do
	[ "$(psql "$DB" -XAt -c 'SELECT count(*) FROM delivery_attempt')" != 0 ] && break
	sleep 0.1
done
[ "$(psql "$DB" -XAt -c 'SELECT count(*) FROM delivery_attempt')" != 0 ] ||
	die "valgrind: duband did not attempt the dispatch request"
curl -s -H "Authorization: Bearer $GTOKEN" -X POST "$url/api/v1/dispatches/1/close" >/dev/null
feed=$(curl -s -H "Authorization: Bearer $GTOKEN" -X POST "$url/api/v1/offices/1/feeds" |
	sed -n 's/.*"url":"\([^"]*\)".*/\1/p')
[ -n "$feed" ] && curl -s "$feed" >/dev/null
# The pages: a page, a sign-in, a read and a write with the cookie, sign-out.
JAR=$(mktemp)
curl -s "$url/" >/dev/null
curl -s "$url/users.html" >/dev/null
curl -s --compressed "$url/js/common.js" >/dev/null
curl -s -c "$JAR" -H 'Content-Type: application/json' -d "{\"token\":\"$TOKEN\"}" \
	"$url/api/v1/session" >/dev/null
csrf=$(curl -s -b "$JAR" "$url/api/v1/session" | sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p')
curl -s -b "$JAR" "$url/api/v1/overview" >/dev/null
curl -s -b "$JAR" -H "X-CSRF-Token: $csrf" -X PATCH -d '{"note":"网页"}' \
	"$url/api/v1/milestones/$M" >/dev/null
curl -s -b "$JAR" -X PATCH -d '{"note":"no csrf"}' "$url/api/v1/milestones/$M" >/dev/null
curl -s -b "$JAR" -H "X-CSRF-Token: $csrf" -X DELETE "$url/api/v1/session" >/dev/null
rm -f "$JAR"
# A person: made by the CLI, signing in with a password (hashed on a
# worker), changing it, a wrong one, then an administrator's reset.
PW=$("${VG[@]}" "$BIN/cli/duban" user create --login vg --org 吉林市教育局 --name 测试 --office 财务审计处 \
	--role clerk | tail -1)
JAR=$(mktemp)
curl -s -c "$JAR" -H 'Content-Type: application/json' \
	-d "{\"login\":\"vg\",\"password\":\"$PW\"}" "$url/api/v1/session" >/dev/null
csrf=$(curl -s -b "$JAR" "$url/api/v1/session" | sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p')
curl -s -b "$JAR" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
	-d "{\"password\":\"$PW\",\"new_password\":\"Valgrind-2012-ok\"}" \
	"$url/api/v1/session/password" | grep -q '"login"' ||
	die "valgrind: the password change failed"
curl -s -H 'Content-Type: application/json' -d '{"login":"vg","password":"wrong-password"}' \
	"$url/api/v1/session" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" -H 'Content-Type: application/json' \
	-d '{"login":"vg2","name":"测试二","office":"人事处","role":"head"}' \
	"$url/api/v1/users" | grep -q '"password"' || die "valgrind: POST /api/v1/users failed"
curl -s -H "Authorization: Bearer $GTOKEN" -X POST "$url/api/v1/users/vg/disable" >/dev/null
echo 'Valgrind-2012-two' | "${VG[@]}" "$BIN/cli/duban" user password vg --password-stdin \
	>/dev/null
"${VG[@]}" "$BIN/cli/duban" user list >/dev/null
rm -f "$JAR"
# 签收, 批示 and 待办.
T1=$(psql "$DB" -XAt -c "SELECT t.id FROM task t JOIN plan p ON p.id = t.plan_id
	WHERE p.key = 'jilin-2012' AND t.key = '1'")
curl -s "${auth[@]}" -X POST "$url/api/v1/tasks/$T1/acknowledge" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" -d '{"text":"请抓紧落实。"}' \
	"$url/api/v1/tasks/$T1/instructions" | grep -q '"author"' ||
	die "valgrind: POST instructions failed"
curl -s "${auth[@]}" "$url/api/v1/todo" | grep -q '"instruction"' ||
	die "valgrind: the 批示 is not in the office's 待办"
curl -s "${auth[@]}" -X POST "$url/api/v1/instructions/1/read" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" "$url/api/v1/todo" >/dev/null
# 延期申请 (at the real clock every shipped milestone is past due: the
# request is refused, through the same code), the list, a decision on none.
curl -s "${auth[@]}" -d '{"new_date":"2099-12-31","reason":"valgrind"}' \
	"$url/api/v1/milestones/$M/extensions" | grep -q '"status"' ||
	die "valgrind: POST extensions did not answer"
curl -s -H "Authorization: Bearer $GTOKEN" "$url/api/v1/extensions" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" -d '{"reason":"同意"}' \
	"$url/api/v1/extensions/999/approve" >/dev/null
# 报送: a clerk's draft, the office's report (no head: it goes out), a
# round's route (closed: refused), the office's reports by name.
echo 'Valgrind-2012-ok' | "$BIN/cli/duban" user create --login vg3 --org 吉林市教育局 --name 测试三 \
	--office 财务审计处 --role clerk --password-stdin >/dev/null
CTOKEN=$("$BIN/cli/duban" token create --quiet --user vg3)
FIN=%E8%B4%A2%E5%8A%A1%E5%AE%A1%E8%AE%A1%E5%A4%84
curl -s -H "Authorization: Bearer $CTOKEN" -X PATCH -d '{"note":"草稿"}' \
	"$url/api/v1/milestones/$M" | grep -q '"draft"' || die "valgrind: the clerk's save is no draft"
curl -s -H "Authorization: Bearer $CTOKEN" -X POST "$url/api/v1/offices/$FIN/report/submit" |
	grep -q '"reported"' || die "valgrind: the standing report did not go out"
curl -s -H "Authorization: Bearer $CTOKEN" -d '{"confirm":true}' \
	"$url/api/v1/dispatches/1/offices/$FIN/submit" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" "$url/api/v1/offices/$FIN/report" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" -d '{"reason":"请补充"}' \
	"$url/api/v1/offices/$FIN/report/return" >/dev/null
# 督办事项: entered, listed, changed, withdrawn; an office is refused.
JOUT=$(curl -s -H "Authorization: Bearer $GTOKEN" -H 'Content-Type: application/json' \
	-d '{"title":"校舍安全排查","basis_kind":"instruction","basis":"领导批示",
	"lead_office":"人事处","deadline":"'"$(date -d "+1 year" +%Y)"'-12-31","report_every":"month",
	"leaders":["于海波"],"cooperate":["财务审计处"],
	"targets":[{"name":"排查学校","value":10,"unit":"所"}]}' \
	"$url/api/v1/jiaoban")
J=$(sed -n 's/^{"id" *: *\([0-9]*\),.*/\1/p' <<<"$JOUT")
[ -n "$J" ] || die "valgrind: POST /api/v1/jiaoban failed: $JOUT"
curl -s -H "Authorization: Bearer $GTOKEN" "$url/api/v1/jiaoban?year=$(date +%Y)" |
	grep -q '"items"' || die "valgrind: GET /api/v1/jiaoban failed"
curl -s -H "Authorization: Bearer $GTOKEN" -X PATCH -H 'Content-Type: application/json' \
	-d '{"title":"校舍安全隐患排查"}' "$url/api/v1/jiaoban/$J" | grep -q '"version"' ||
	die "valgrind: PATCH /api/v1/jiaoban failed"
curl -s "${auth[@]}" -H 'Content-Type: application/json' -d '{"title":"x"}' \
	"$url/api/v1/jiaoban" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" -d '{"reason":"valgrind"}' \
	"$url/api/v1/jiaoban/$J/withdraw" | grep -q '"withdrawn" *: *true' ||
	die "valgrind: withdrawing a 督办事项 failed"
# 办结审核: refused where the plan does not ask for it; then, with the
# review on, asked, returned, asked again and approved, each through its
# route, and the task read with its completion.
curl -s "${auth[@]}" -d '{"note":"valgrind"}' "$url/api/v1/tasks/$T1/completion" |
	grep -q '不需要办结审核' || die "valgrind: POST completion was not refused"
psql "$DB" -Xq -c "UPDATE plan SET completion_review = true WHERE key = 'jilin-2012'"
curl -s "${auth[@]}" -d '{"note":"valgrind"}' "$url/api/v1/tasks/$T1/completion" |
	grep -q '"pending"' || die "valgrind: POST completion failed"
curl -s -H "Authorization: Bearer $GTOKEN" -d '{}' \
	"$url/api/v1/tasks/$T1/completion/return" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" -d '{"reason":"请补充"}' \
	"$url/api/v1/tasks/$T1/completion/return" | grep -q '"returned"' ||
	die "valgrind: POST completion/return failed"
curl -s "${auth[@]}" -d '{"note":"已补充"}' "$url/api/v1/tasks/$T1/completion" >/dev/null
curl -s -H "Authorization: Bearer $GTOKEN" -d '{"reason":"同意"}' \
	"$url/api/v1/tasks/$T1/completion/approve" | grep -q '"approved"' ||
	die "valgrind: POST completion/approve failed"
curl -s "${auth[@]}" "$url/api/v1/tasks/$T1" | grep -q '"completion"' ||
	die "valgrind: the task has no completion"
# 佐证材料: a file streamed up and down, one refused; 批量填报 and the
# XLSX 填报表 through duband and through the CLI, both under valgrind.
VGW=$(mktemp -d)
FID=$(curl -s -H "Authorization: Bearer $CTOKEN" -H 'Content-Type: application/pdf' \
	--data-binary @"$DUBAN_ROOT/tests/fixtures/evidence/验收报告.pdf" \
	"$url/api/v1/milestones/$M/files?name=a.pdf" | sed -n 's/^{"id" *: *\([0-9]*\),.*/\1/p')
[ -n "$FID" ] || die "valgrind: the evidence upload failed"
curl -s -H "Authorization: Bearer $CTOKEN" -o "$VGW/back.pdf" "$url/api/v1/files/$FID"
cmp -s "$VGW/back.pdf" "$DUBAN_ROOT/tests/fixtures/evidence/验收报告.pdf" ||
	die "valgrind: the evidence file came back changed"
curl -s -H "Authorization: Bearer $CTOKEN" --data-binary '<html></html>' \
	"$url/api/v1/milestones/$M/files?name=b.pdf" | grep -q '不接受' ||
	die "valgrind: an HTML file was not refused"
curl -s -H "Authorization: Bearer $GTOKEN" "$url/api/v1/tasks/$T1/files" >/dev/null
curl -s -H "Authorization: Bearer $CTOKEN" -X PUT -H 'Content-Type: application/json' \
	-d '{"rows":[{"kind":"milestone","id":'"$M"',"note":"批量"}]}' \
	"$url/api/v1/offices/$FIN/report" | grep -q '"rows"' || die "valgrind: the batch failed"
"${VG[@]}" "$BIN/cli/duban" report rows --office 财务审计处 >/dev/null
DUBAN_SERVER=$url DUBAN_TOKEN=$CTOKEN "${VG[@]}" "$BIN/cli/duban" report fill \
	--office 财务审计处 -O "$VGW/fill.xlsx" >/dev/null || die "valgrind: duban report fill"
DUBAN_SERVER=$url DUBAN_TOKEN=$CTOKEN "${VG[@]}" "$BIN/cli/duban" report upload \
	"$VGW/fill.xlsx" >/dev/null || die "valgrind: duban report upload"
rm -rf "$VGW"
# Into a file, then read: `curl | head -c 2` under pipefail fails
# whenever head closes the pipe before curl has written all.
curl -s -o "$LOG.export.xlsx" -H "Authorization: Bearer $GTOKEN" \
	"$url/api/v1/plans/jilin-2012/export.xlsx"
[ "$(head -c 2 "$LOG.export.xlsx")" = PK ] || die "valgrind: the 任务分解表 export failed"
rm -f "$LOG.export.xlsx"
curl -s -H "Authorization: Bearer $GTOKEN" "$url/api/v1/plans/template.xlsx" >/dev/null
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
