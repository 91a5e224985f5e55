/*
 * A plan file's changes before they happen: `duban plan load --dry-run`
 * and POST /api/v1/plans/preview show the new, changed and withdrawn
 * tasks, targets and milestones (with what has been reported against
 * them) and the offices that would appear, and change nothing; POST
 * /api/v1/plans/load applies exactly what the preview showed, all or
 * nothing, and refuses (409) when the plans changed in between.  Only the
 * general office may do either.  Real duband, real PostgreSQL.
 *
 * The site: Jilin 2012 and China's calendar, on 20 September 2012.  The
 * changed file: task 1's deadline moves from 全年 to 2012年9月 and its
 * lead office becomes 组干科 (a new office); task 9 is deleted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char CALENDAR[] = DUBAN_SOURCE_DIR "/plans/calendar/cn-workdays.yaml";
static const char NOW[] = "DUBAN_NOW=2012-09-20T09:00+08:00";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define N(o, k)	json_integer_value(json_object_get((o), (k)))

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*general, *office, *inspector, *clerk, *gperson;
	char		*changed;	/* the changed file's text */
	size_t		 len;
	char		*path;		/* and where it is written */
};

/* Replaces the first once of from in *s by to. */
static void
replace(char **s, const char *from, const char *to)
{
	char	*at = strstr(*s, from), *out;

	cr_assert_not_null(at, "“%s” is not in the plan", from);
	out = xprintf("%.*s%s%s", (int)(at - *s), *s, to, at + strlen(from));
	free(*s);
	*s = out;
}

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "general", NULL, NULL, NULL, "general" },
	{ "office", NULL, NULL, "财务审计处", "office" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
	{ "clerk", "liuyang", "刘洋", "财务审计处", "clerk" },
	{ "gperson", "wangli", "王丽", "局办公室", "general" },
};

/* The snapshot every site copies: the plan and the calendar loaded, the
 * tokens kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static const char *const CAL[] = { "calendar", "load", CALENDAR, NULL };
static struct t_setup SETUP = { { LOAD, CAL }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

static void
site_start(struct site *s)
{
	const char	*env[] = { NOW, NULL };
	char		*cut;
	size_t		 len;

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("plan_preview", t_setup_build, &SETUP);
	s->c = t_connect(s->db);
	s->general = t_kept(s->db, "general");
	s->office = t_kept(s->db, "office");
	s->inspector = t_kept(s->db, "inspector");
	s->clerk = t_kept(s->db, "clerk");
	s->gperson = t_kept(s->db, "gperson");
	t_daemon_start(&s->d, s->db, NULL, env);

	s->changed = t_read_file(JILIN, &len);
	replace(&s->changed, "        deadline: 全年\n        leaders: [于海波, 韩非, 张彦明]\n"
	    "        lead: {office: 财务审计处, person: 陈伟}",
	    "        deadline: 2012年9月\n        leaders: [于海波, 韩非, 张彦明]\n"
	    "        lead: {office: 组干科, person: 陈伟}");
	cut = strstr(s->changed, "      - key: \"9\"");
	cr_assert_not_null(cut);
	*cut = '\0';
	s->len = strlen(s->changed);
	s->path = xprintf("%s/jilin-2012.yaml", t_tmpdir());
	t_write_file(s->path, s->changed, s->len);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->general);
	free(s->office);
	free(s->inspector);
	free(s->clerk);
	free(s->gperson);
	free(s->changed);
	free(s->path);
	free(s->db);
}

/* The item of a preview: op, what, task label and (for a change) field. */
static json_t *
item(json_t *pv, const char *op, const char *what, const char *label,
    const char *field)
{
	json_t	*x;
	size_t	 i;

	json_array_foreach(json_object_get(pv, "items"), i, x)
		if (strcmp(S(x, "op"), op) == 0 && strcmp(S(x, "what"), what) == 0 &&
		    S(x, "label") != NULL && strcmp(S(x, "label"), label) == 0 &&
		    (field == NULL || (S(x, "field") != NULL &&
		    strcmp(S(x, "field"), field) == 0)))
			return (x);
	return (NULL);
}

/* The preview of the changed file, as who; its status and answer. */
static long
preview(struct site *s, const char *who, const char *name, const char *data,
    size_t len, json_t **out)
{
	return (t_upload(s->d.url, "/api/v1/plans/preview", who, name, data, len,
	    NULL, out));
}

Test(plan_preview, the_cli_dry_run_prints_the_changes_and_writes_nothing)
{
	struct site	 s;
	struct t_run	 r;
	const char	*dry[] = { "plan", "load", "--dry-run", NULL, NULL };
	const char	*json[] = { "plan", "load", "--dry-run", "--json", NULL, NULL };
	char		*fp1, *fp2;
	json_t		*pv;

	site_start(&s);
	dry[3] = s.path;
	json[4] = s.path;
	fp1 = t_fingerprint(s.c);
	t_cli(&r, s.db, dry);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "修改任务 1 实施“困难家庭学生爱心助学工程”：完成时限："
	    "2012-12-31 → 2012-09-30") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "牵头处室及牵头人：财务审计处（陈伟） → 组干科（陈伟）") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "撤销任务 9 ") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "新建处室 组干科（吉林市教育局）") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "合计：新增任务 0 项，撤销 1 项，恢复 0 项，修改 3 处，新建处室 1 个。"
	    "以上为预览，数据库未作任何修改。") != NULL, "%s", r.out);
	t_run_free(&r);
	t_cli(&r, s.db, json);
	cr_expect_eq(r.status, 0, "%s", r.err);
	pv = json_loads(r.out, 0, NULL);
	cr_assert_not_null(pv, "%s", r.out);
	cr_expect_eq(N(json_object_get(pv, "counts"), "withdrawn"), 1);
	cr_expect_null(json_object_get(pv, "report"));
	json_decref(pv);
	t_run_free(&r);
	fp2 = t_fingerprint(s.c);
	cr_expect_str_eq(fp1, fp2, "a dry run changed the database");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM office WHERE name = '组干科'",
	    0, NULL), 0);
	free(fp1);
	free(fp2);
	site_stop(&s);
}

Test(plan_preview, the_page_route_shows_what_was_reported_and_changes_nothing)
{
	struct site	 s;
	json_t		*pv, *x, *body;
	char		*fp1, *fp2, *target, *path, *b;

	site_start(&s);
	/* Task 9's progress has been reported. */
	target = t_query(s.c, "SELECT m.id::text FROM milestone m JOIN task t ON t.id = m.task_id "
	    "WHERE t.key = '9' ORDER BY m.position LIMIT 1", 0, NULL);
	path = xprintf("/api/v1/milestones/%s", target);
	cr_assert_eq(t_call(&s.d, "PATCH", path, s.general,
	    "{\"status\":\"in_progress\",\"note\":\"已开展专项检查\"}", &body), 200,
	    "%s", json_dumps(body, 0));
	json_decref(body);
	free(path);
	free(target);

	fp1 = t_fingerprint(s.c);
	cr_assert_eq(preview(&s, s.general, "jilin-2012.yaml", s.changed, s.len, &pv), 200);
	x = item(pv, "changed", "task", "1", "deadline");
	cr_assert_not_null(x, "%s", json_dumps(pv, 0));
	cr_expect_str_eq(S(x, "old"), "2012-12-31");
	cr_expect_str_eq(S(x, "new"), "2012-09-30");
	cr_expect_str_eq(S(x, "field_label"), "完成时限");
	x = item(pv, "withdrawn", "task", "9", NULL);
	cr_assert_not_null(x);
	/* What has been reported on it is shown, so no one withdraws work unseen. */
	cr_expect_eq(N(json_object_get(x, "reported"), "entries"), 1, "%s",
	    json_dumps(x, 0));
	cr_expect_str_eq(S(json_array_get(json_object_get(pv, "offices"), 0), "name"), "组干科");
	cr_expect_eq(N(json_object_get(pv, "counts"), "withdrawn"), 1);
	cr_expect_eq(strlen(S(pv, "digest")), 32);
	fp2 = t_fingerprint(s.c);
	cr_expect_str_eq(fp1, fp2, "a preview changed the database");
	free(fp2);

	/* Two offices written as one: a warning with its place, shown with
	 * the preview, which still goes ahead. */
	b = xstrdup(s.changed);
	replace(&b, "lead: {office: 组干科, person: 陈伟}", "lead: {office: 组干科、机关党委, person: 陈伟}");
	cr_assert_eq(preview(&s, s.general, "jilin-2012.yaml", b, strlen(b), &body), 200);
	x = json_array_get(json_object_get(body, "warnings"), 0);
	cr_assert_not_null(x, "%s", json_dumps(body, 0));
	cr_expect(strstr(S(x, "message"), "像是两个处室") != NULL, "%s", S(x, "message"));
	cr_expect(strncmp(S(x, "where"), "jilin-2012.yaml:", 16) == 0, "%s", S(x, "where"));
	json_decref(body);
	free(b);

	/* The same file previewed twice: the same digest. */
	cr_assert_eq(preview(&s, s.gperson, "jilin-2012.yaml", s.changed, s.len, &body), 200);
	cr_expect_str_eq(S(body, "digest"), S(pv, "digest"));
	json_decref(body);

	/* An unchanged file: nothing to do. */
	{
		size_t	 len;
		char	*orig = t_read_file(JILIN, &len);

		cr_assert_eq(preview(&s, s.general, "jilin-2012.yaml", orig, len, &body), 200);
		cr_expect_eq(json_array_size(json_object_get(body, "items")), 0);
		cr_expect_eq(json_array_size(json_object_get(body, "offices")), 0);
		json_decref(body);
		free(orig);
	}
	/* The plan's own 任务分解表, exported: nothing to do either; the same
	 * workbook with a deadline no one can read: refused at its cell. */
	{
		char		*xlsx = xprintf("%s/jilin.xlsx", t_tmpdir()), *data;
		const char	*exp[] = { "plan", "export", "jilin-2012", "--format", "xlsx",
		    "--output", xlsx, NULL };
		size_t		 len;

		t_cli_ok(s.db, exp);
		data = t_read_file(xlsx, &len);
		cr_assert_eq(preview(&s, s.general, "任务分解表.xlsx", data, len, &body), 200);
		cr_expect_eq(json_array_size(json_object_get(body, "items")), 0, "%s",
		    json_dumps(body, 0));
		json_decref(body);
		/* Not a workbook at all, though named one. */
		cr_assert_eq(preview(&s, s.general, "任务分解表.xlsx", "PK\3\4garbage", 11,
		    &body), 400);
		cr_expect(strncmp(S(json_array_get(json_object_get(body, "errors"), 0), "where"),
		    "任务分解表.xlsx", strlen("任务分解表.xlsx")) == 0, "%s", json_dumps(body, 0));
		json_decref(body);
		free(data);
		free(xlsx);
	}
	/* A broken file: every problem at FILE:LINE:COLUMN, nothing changed. */
	b = xstrdup(s.changed);
	replace(&b, "deadline: 2012年9月", "deadline: 2012年13月");
	cr_assert_eq(preview(&s, s.general, "吉林.yaml", b, strlen(b), &body), 400);
	cr_expect_str_eq(S(body, "field"), "file");
	x = json_array_get(json_object_get(body, "errors"), 0);
	cr_expect(strncmp(S(x, "where"), "吉林.yaml:", strlen("吉林.yaml:")) == 0, "%s",
	    S(x, "where"));
	cr_expect(strstr(S(body, "detail"), "计划未导入") != NULL, "%s", S(body, "detail"));
	json_decref(body);
	free(b);
	fp2 = t_fingerprint(s.c);
	cr_expect_str_eq(fp1, fp2, "a refused preview changed the database");
	free(fp1);
	free(fp2);
	json_decref(pv);
	site_stop(&s);
}

Test(plan_preview, confirming_applies_exactly_what_was_shown)
{
	struct site	 s;
	json_t		*pv, *done;
	char		*fp1, *fp2, *q, *digest;
	struct t_run	 r;
	const char	*dry[] = { "plan", "load", "--dry-run", NULL, NULL };

	site_start(&s);
	cr_assert_eq(preview(&s, s.general, "jilin-2012.yaml", s.changed, s.len, &pv), 200);
	digest = xstrdup(S(pv, "digest"));
	json_decref(pv);

	fp1 = t_fingerprint(s.c);
	/* Without the digest, or with another: refused, nothing changed. */
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/load", s.general, "jilin-2012.yaml",
	    s.changed, s.len, NULL, NULL), 428);
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/load", s.general, "jilin-2012.yaml",
	    s.changed, s.len, "&digest=0123456789abcdef0123456789abcdef", &done), 409);
	cr_expect_str_eq(S(done, "field"), "digest");
	json_decref(done);
	fp2 = t_fingerprint(s.c);
	cr_expect_str_eq(fp1, fp2);
	free(fp1);
	free(fp2);

	q = xprintf("&digest=%s", digest);
	cr_assert_eq(t_upload(s.d.url, "/api/v1/plans/load", s.general, "jilin-2012.yaml",
	    s.changed, s.len, q, &done), 200);
	cr_expect_str_eq(S(done, "digest"), digest);
	json_decref(done);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM task WHERE key = '9' "
	    "AND withdrawn_at IS NOT NULL", 0, NULL), 1);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM task WHERE key = '1' "
	    "AND deadline = '2012-09-30'", 0, NULL), 1);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM progress WHERE source = 'load' "
	    "AND field = 'deadline' AND new_value = '2012-09-30'", 0, NULL), 1);
	/* Confirmed again: the plans have changed since that preview. */
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/load", s.general, "jilin-2012.yaml",
	    s.changed, s.len, q, NULL), 409);
	/* The CLI sees what the page loaded: nothing left to change. */
	dry[3] = s.path;
	t_cli(&r, s.db, dry);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "合计：新增任务 0 项，撤销 0 项，恢复 0 项，修改 0 处") != NULL,
	    "%s", r.out);
	t_run_free(&r);

	/* duband restarted with a plans directory holding the older file:
	 * the page's version stays, and the log says why. */
	{
		char		*dir = xprintf("%s/plans", t_tmpdir()), *file, *text, *log;
		const char	*args[] = { "--plans", dir, NULL };
		const char	*env[] = { NOW, NULL };
		const char	*load[] = { "plan", "load", JILIN, NULL };
		size_t		 len;

		cr_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
		file = xprintf("%s/jilin-2012.yaml", dir);
		text = t_read_file(JILIN, &len);
		t_write_file(file, text, len);
		t_daemon_stop(&s.d);
		t_daemon_start(&s.d, s.db, args, env);
		cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM task WHERE key = '1' "
		    "AND deadline = '2012-09-30'", 0, NULL), 1);
		log = t_daemon_log(&s.d);
		cr_expect(strstr(log, "计划 jilin-2012 未按计划目录重新导入：局办公室") != NULL,
		    "%s", log);
		free(log);
		/* A person loading the file makes it the source again. */
		t_cli(&r, s.db, load);
		cr_expect_eq(r.status, 0, "%s", r.err);
		t_run_free(&r);
		cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM task WHERE key = '1' "
		    "AND deadline = '2012-12-31'", 0, NULL), 1);
		cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM plan WHERE "
		    "uploaded_at IS NOT NULL", 0, NULL), 0);
		free(text);
		free(file);
		free(dir);
	}
	free(q);
	free(digest);
	site_stop(&s);
}

Test(plan_preview, only_the_general_office_may_and_bad_requests_are_refused)
{
	struct site	 s;
	struct {
		const char	*who;
		const char	*token;
		long		 want;
	} cells[6];
	size_t		 i, k;
	char		*fp1, *fp2;
	static const char *const paths[] = { "/api/v1/plans/preview", "/api/v1/plans/load" };
	struct t_http	 h;
	char		*u, *big;
	json_t		*j;

	site_start(&s);
	cells[0].who = "no token";	cells[0].token = NULL;		cells[0].want = 401;
	cells[1].who = "forged";	cells[1].token = "dbn_forged";	cells[1].want = 401;
	cells[2].who = "inspector";	cells[2].token = s.inspector;	cells[2].want = 403;
	cells[3].who = "office";	cells[3].token = s.office;	cells[3].want = 403;
	cells[4].who = "clerk";		cells[4].token = s.clerk;	cells[4].want = 403;
	cells[5].who = "general";	cells[5].token = s.general;	cells[5].want = 200;
	fp1 = t_fingerprint(s.c);
	for (k = 0; k < 2; k++)
		for (i = 0; i < 6; i++) {
			long	 want = cells[i].want;

			/* The general office's load without a digest: 428. */
			if (k == 1 && want == 200)
				want = 428;
			cr_expect_eq(t_upload(s.d.url, paths[k], cells[i].token,
			    "jilin-2012.yaml", s.changed, s.len, NULL, NULL), want,
			    "%s %s", cells[i].who, paths[k]);
		}
	fp2 = t_fingerprint(s.c);
	cr_expect_str_eq(fp1, fp2);
	free(fp1);
	free(fp2);

	/* Bad requests: each names its field. */
	/* No name. */
	u = xprintf("%s/api/v1/plans/preview", s.d.url);
	t_http_bytes(&h, "POST", u, s.general, s.changed, s.len, NULL);
	cr_expect_eq(h.status, 400);
	j = json_loads(h.body, 0, NULL);
	cr_expect_str_eq(S(j, "field"), "name");
	json_decref(j);
	t_http_free(&h);
	free(u);
	/* An empty file. */
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/preview", s.general, "a.yaml", "", 0,
	    NULL, &j), 400);
	cr_expect_str_eq(S(j, "field"), "file");
	json_decref(j);
	/* Too big: 413 before it is read. */
	big = xmalloc(4 * 1024 * 1024 + 1);
	memset(big, '#', 4 * 1024 * 1024 + 1);
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/preview", s.general, "a.yaml", big,
	    4 * 1024 * 1024 + 1, NULL, &j), 413);
	cr_expect_str_eq(S(j, "field"), "file");
	json_decref(j);
	free(big);
	/* A digest on a preview. */
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/preview", s.general, "a.yaml",
	    s.changed, s.len, "&digest=x", &j), 400);
	cr_expect_str_eq(S(j, "field"), "digest");
	json_decref(j);
	site_stop(&s);
}

/*
 * One clock (DUBAN_NOW): a write made through duband is in the report
 * the CLI makes a moment later with the same DUBAN_NOW.  Each used to run
 * its own clock from when it started, so the CLI's "now" was before
 * duband's write and the write was missing.
 */
Test(plan_preview, duband_and_the_cli_read_one_clock)
{
	struct site	 s;
	struct t_run	 r;
	const char	*report[] = { "report", "quarterly", "--quarter", "2012Q3", "--plan",
	    "jilin-2012", "--format", "json", NULL };
	char		*id, *path;
	json_t		*j, *t, *g;
	size_t		 i, k;
	int		 found = 0;

	site_start(&s);
	id = t_query(s.c, "SELECT g.id::text FROM target g JOIN task t ON t.id = g.task_id "
	    "WHERE t.key = '1' ORDER BY g.position LIMIT 1", 0, NULL);
	path = xprintf("/api/v1/targets/%s", id);
	cr_assert_eq(t_call(&s.d, "PATCH", path, s.general, "{\"current\":21}", &j), 200);
	json_decref(j);
	setenv("DUBAN_NOW", NOW + strlen("DUBAN_NOW="), 1);
	t_cli(&r, s.db, report);
	unsetenv("DUBAN_NOW");
	cr_assert_eq(r.status, 0, "%s", r.err);
	j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	json_array_foreach(json_object_get(j, "tasks"), i, t)
		json_array_foreach(json_object_get(t, "targets"), k, g)
			if (json_is_number(json_object_get(g, "current")) &&
			    json_number_value(json_object_get(g, "current")) == 21)
				found = 1;
	cr_expect(found, "the report made by the CLI has the value written through duband: %s",
	    r.out);
	json_decref(j);
	t_run_free(&r);
	/* One clock for this DUBAN_NOW, anchored once. */
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM clock_anchor "
	    "WHERE fixed_at = '2012-09-20T09:00+08:00'", 0, NULL), 1);
	free(id);
	free(path);
	site_stop(&s);
}
