/*
 * Re-loading: unchanged files change nothing; changes update in place
 * with history; removed items are withdrawn, never deleted; a failed
 * load leaves the database as it was.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"
#include "xmalloc.h"

static const char V1[] =
    "duban-plan: 1\n"
    "plan:\n"
    "  key: reload-2012\n"
    "  title: 重新导入测试方案\n"
    "  year: 2012\n"
    "  issuer: 吉林市教育局\n"
    "  source: {file: test.txt}\n"
    "  default_deadline: 全年\n"
    "tasks:\n"
    "  - key: '1'\n"
    "    number: '1'\n"
    "    title: 爱心助学\n"
    "    lead: {office: 财务审计处, person: 陈伟}\n"
    "    targets:\n"
    "      - {key: students, name: 受助学生, kind: count, value: 8000, unit: 名}\n"
    "  - key: '2'\n"
    "    number: '2'\n"
    "    title: 学前教育\n"
    "    deadline: 2012年9月\n"
    "    lead: {office: 发展规划处}\n"
    "  - key: '3'\n"
    "    number: '3'\n"
    "    title: 数字化教育\n"
    "    milestones:\n"
    "      - {key: network, title: 三级网络互通, due: 2012年10月}\n";

static char	*db;
static PGconn	*conn;
static char	*path;

static void
setup(void)
{
	db = t_db_create();
	conn = t_connect(db);
	path = xprintf("%s/reload.yaml", t_tmpdir());
}

static void
teardown(void)
{
	PQfinish(conn);
	free(db);
	free(path);
}

TestSuite(reload, .init = setup, .fini = teardown);

static void
load_text(const char *text, int want_status, struct t_run *r)
{
	const char	*args[] = { "plan", "load", path, NULL };

	t_write_file(path, text, strlen(text));
	t_cli(r, db, args);
	cr_assert_eq(r->status, want_status, "plan load: exit %d, want %d\n%s%s",
	    r->status, want_status, r->out, r->err);
}

/* V1 with one substitution. */
static char *
edit(const char *from, const char *to)
{
	const char	*at = strstr(V1, from);

	cr_assert_not_null(at, "V1 lacks 「%s」", from);
	return (xprintf("%.*s%s%s", (int)(at - V1), V1, to, at + strlen(from)));
}

static long
history(const char *field)
{
	const char	*p[] = { field };

	return (t_query_long(conn, "SELECT count(*) FROM progress WHERE field = $1",
	    1, p));
}

Test(reload, shipped_plans_twice_change_nothing)
{
	const char	*load[16] = { "plan", "load" };
	const char	*list[] = { "task", "list", "--json", NULL };
	struct t_run	 r, before, after;
	char		*fp1, *fp2;
	int		 i;

	for (i = 0; t_plan_files[i] != NULL; i++)
		load[2 + i] = t_plan_files[i];
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "jilin-2012：已导入（新计划）") != NULL, "%s", r.out);
	t_run_free(&r);
	t_cli(&before, db, list);
	fp1 = t_fingerprint(conn);

	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	for (i = 0; t_plan_files[i] != NULL; i++) {
		const char	*base = strrchr(t_plan_files[i], '/') + 1;
		char		*want = xprintf("%.*s：无变化", (int)(strlen(base) - 5), base);

		cr_expect(strstr(r.out, want) != NULL, "「%s」 not in:\n%s", want, r.out);
		free(want);
	}
	t_run_free(&r);
	fp2 = t_fingerprint(conn);
	t_cli(&after, db, list);
	cr_expect_str_eq(fp1, fp2, "the database changed on an unchanged re-load");
	cr_expect_str_eq(before.out, after.out, "task list --json changed");
	cr_expect(strlen(before.out) > 1000);
	free(fp1);
	free(fp2);
	t_run_free(&before);
	t_run_free(&after);
}

Test(reload, a_changed_target_value_is_updated_and_recorded)
{
	struct t_run	 r;
	char		*v2;

	load_text(V1, 0, &r);
	t_run_free(&r);
	v2 = edit("value: 8000", "value: 8500");
	load_text(v2, 0, &r);
	cr_expect(strstr(r.out, "reload-2012：已更新（1 处变更）") != NULL, "%s", r.out);
	t_run_free(&r);
	cr_expect_eq(t_query_long(conn, "SELECT value FROM target WHERE key = 'students'",
	    0, NULL), 8500);
	EXPECT_STR(t_query(conn, "SELECT old_value || ' → ' || new_value || ' ' || "
	    "source FROM progress WHERE field = 'value'", 0, NULL), "8000名 → 8500名 load");
	free(v2);
}

Test(reload, deadline_and_lead_office_changes_go_into_the_history)
{
	struct t_run	 r;
	char		*v2, *v3;

	load_text(V1, 0, &r);
	t_run_free(&r);
	v2 = edit("deadline: 2012年9月", "deadline: 2012年10月底");
	v3 = xprintf("%s", v2);
	free(v2);
	v2 = v3;
	{
		char *at = strstr(v2, "lead: {office: 发展规划处}");
		cr_assert_not_null(at);
		v3 = xprintf("%.*slead: {office: 基础教育处}%s", (int)(at - v2), v2,
		    at + strlen("lead: {office: 发展规划处}"));
	}
	load_text(v3, 0, &r);
	t_run_free(&r);
	EXPECT_STR(t_query(conn, "SELECT old_value || ' → ' || new_value FROM "
	    "progress WHERE field = 'deadline'", 0, NULL), "2012-09-30 → 2012-10-31");
	EXPECT_STR(t_query(conn, "SELECT old_value || ' → ' || new_value FROM "
	    "progress WHERE field = 'lead_office'", 0, NULL), "发展规划处 → 基础教育处");
	EXPECT_STR(t_query(conn, "SELECT due_on::text FROM milestone m JOIN task t "
	    "ON t.id = m.task_id WHERE t.key = '2' AND m.key = 'deadline'", 0, NULL),
	    "2012-10-31");
	free(v2);
	free(v3);
}

Test(reload, a_removed_task_is_withdrawn_with_its_progress_and_can_return)
{
	struct t_run	 r;
	char		*v2;
	const char	*task3 =
	    "  - key: '3'\n"
	    "    number: '3'\n"
	    "    title: 数字化教育\n"
	    "    milestones:\n"
	    "      - {key: network, title: 三级网络互通, due: 2012年10月}\n";

	load_text(V1, 0, &r);
	t_run_free(&r);
	/* Progress that a lead office recorded. */
	t_exec(conn, "UPDATE milestone SET status = 'done', note = '已完成' "
	    "WHERE key = 'network'");
	v2 = edit(task3, "");
	load_text(v2, 0, &r);
	cr_expect(strstr(r.out, "其中 3 项撤销") == NULL, "only the task is withdrawn: %s",
	    r.out);
	cr_expect(strstr(r.out, "任务 2 项") != NULL, "%s", r.out);
	t_run_free(&r);
	cr_expect_eq(t_query_long(conn, "SELECT count(*) FROM task WHERE key = '3' "
	    "AND withdrawn_at IS NOT NULL", 0, NULL), 1, "withdrawn, not deleted");
	EXPECT_STR(t_query(conn, "SELECT status || ' ' || note FROM milestone "
	    "WHERE key = 'network'", 0, NULL), "done 已完成", "progress kept");
	cr_expect_eq(history("withdrawn"), 1);
	{
		const char	*list[] = { "task", "list", "--json", NULL };

		t_cli(&r, db, list);
		cr_expect(strstr(r.out, "数字化教育") == NULL,
		    "a withdrawn task is not listed");
		t_run_free(&r);
	}

	load_text(V1, 0, &r);
	t_run_free(&r);
	cr_expect_eq(t_query_long(conn, "SELECT count(*) FROM task WHERE key = '3' "
	    "AND withdrawn_at IS NULL", 0, NULL), 1, "restored");
	EXPECT_STR(t_query(conn, "SELECT status FROM milestone "
	    "WHERE key = 'network'", 0, NULL), "done");
	cr_expect_eq(history("withdrawn"), 2, "the restoration is in the history");
	free(v2);
}

Test(reload, a_bad_file_among_good_ones_loads_nothing)
{
	const char	*args[] = { "plan", "load", path, NULL, NULL };
	char		*bad = xprintf("%s/bad.yaml", t_tmpdir()), *fp1, *fp2;
	char		*v2 = edit("value: 8000", "value: 八千");
	struct t_run	 r;

	load_text(V1, 0, &r);
	t_run_free(&r);
	fp1 = t_fingerprint(conn);
	t_write_file(bad, v2, strlen(v2));
	args[2] = t_plan_files[0];	/* good, not loaded yet */
	args[3] = bad;
	t_cli(&r, db, args);
	cr_expect_eq(r.status, 65);
	cr_expect(strstr(r.err, "bad.yaml:15:") != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "未导入任何内容") != NULL, "%s", r.err);
	t_run_free(&r);
	fp2 = t_fingerprint(conn);
	cr_expect_str_eq(fp1, fp2);
	free(fp1);
	free(fp2);
	free(bad);
	free(v2);
}

Test(reload, a_database_error_in_the_second_plan_rolls_back_the_first)
{
	const char	*args[] = { "plan", "load", NULL, NULL, NULL };
	char		*other = xprintf("%s/other.yaml", t_tmpdir()), *fp1, *fp2;
	char		*v2 = edit("key: reload-2012", "key: reload-b");
	struct t_run	 r;

	/* A rule the database enforces and the checker does not know. */
	t_exec(conn, "ALTER TABLE task ADD CONSTRAINT test_no_digital "
	    "CHECK (title <> '数字化教育')");
	fp1 = t_fingerprint(conn);
	t_write_file(other, v2, strlen(v2));
	args[2] = t_plan_files[3];	/* jilin-2012: fine */
	args[3] = other;		/* fails inside the database */
	t_cli(&r, db, args);
	cr_expect_eq(r.status, 70, "exit %d: %s", r.status, r.err);
	cr_expect(strstr(r.err, "导入失败，未导入任何内容") != NULL, "%s", r.err);
	t_run_free(&r);
	fp2 = t_fingerprint(conn);
	cr_expect_str_eq(fp1, fp2, "jilin-2012 was half-loaded");
	cr_expect_eq(t_query_long(conn, "SELECT count(*) FROM plan", 0, NULL), 0);
	free(fp1);
	free(fp2);
	free(other);
	free(v2);
}
