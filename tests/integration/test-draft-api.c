/*
 * Plan drafts through the CLI and a real duband: `duban plan draft` on a
 * seed document writes a file that `duban plan check` accepts, and will
 * not overwrite one; POST /api/v1/plans/draft answers the general office
 * the same draft for a text and for a DOCX, refuses other roles, and
 * names the problem of a document it cannot read (400, 413, 415).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "diag.h"
#include "plan.h"
#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR
    "/tests/fixtures/seeds/002_1c6724350794c90f.txt";
static const char SAMPLE[] = DUBAN_SOURCE_DIR
    "/tests/fixtures/draft/sample.docx";

Test(draft_api, cli)
{
	char		*out = xprintf("%s/draft-%d.yaml", t_tmpdir(), (int)getpid());
	const char	*draft[] = { "plan", "draft", JILIN, "-o", out, NULL };
	const char	*check[] = { "plan", "check", out, NULL };
	struct t_run	 r;

	unlink(out);
	t_cli(&r, NULL, draft);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, "已起草 12 项任务") != NULL, "%s", r.err);
	t_run_free(&r);
	t_cli(&r, NULL, check);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "任务 12 项") != NULL, "%s", r.out);
	t_run_free(&r);
	/* An existing file is left alone. */
	t_cli(&r, NULL, draft);
	cr_expect_eq(r.status, 73, "%s", r.err);
	cr_expect(strstr(r.err, "不覆盖已有文件") != NULL, "%s", r.err);
	t_run_free(&r);
	unlink(out);
	free(out);
}

static void
valid_plan(const char *yaml)
{
	struct diags	 d;
	json_t		*p;

	diags_init(&d);
	p = plan_parse("draft.yaml", yaml, strlen(yaml), &d);
	if (d.n > 0)
		diags_print(&d, stderr);
	cr_expect_not_null(p, "%s", yaml);
	json_decref(p);
	diags_free(&d);
}

Test(draft_api, route)
{
	struct t_daemon	 d;
	char		*db = t_db_create(), *general, *office, *doc, *big;
	size_t		 len;
	json_t		*a = NULL;
	long		 st;
	const char	*load[] = { "plan", "load", DUBAN_SOURCE_DIR
	    "/plans/jilin-2012.yaml", NULL };
	struct t_run	 r;

	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	general = t_token(db, "general", NULL);
	office = t_token(db, "office", "财务审计处");
	const char	*env[] = { "DUBAN_NOW=2031-03-01T09:00:00+08:00", NULL };

	t_daemon_start(&d, db, NULL, env);

	doc = t_read_file(JILIN, &len);
	st = t_upload(d.url, "/api/v1/plans/draft", general,
	    "002_1c6724350794c90f.txt", doc, len, NULL, &a);
	cr_assert_eq(st, 200, "%s", json_dumps(a, 0));
	cr_expect_eq(json_integer_value(json_object_get(a, "tasks")), 12);
	cr_expect_gt(json_integer_value(json_object_get(a, "checks")), 0);
	const char *y = json_string_value(json_object_get(a, "yaml"));

	cr_assert_not_null(y);
	cr_expect(strstr(y, "document_number: 吉市教通字〔2012〕12号\n") != NULL);
	cr_expect(strstr(y, "file: \"002_1c6724350794c90f.txt\"\n") != NULL);
	valid_plan(y);
	json_decref(a);

	/* Only the general office drafts plans. */
	st = t_upload(d.url, "/api/v1/plans/draft", office, "a.txt", doc, len,
	    NULL, NULL);
	cr_expect_eq(st, 403);
	free(doc);

	doc = t_read_file(SAMPLE, &len);
	st = t_upload(d.url, "/api/v1/plans/draft", general, "sample.docx",
	    doc, len, NULL, &a);
	cr_assert_eq(st, 200, "%s", json_dumps(a, 0));
	y = json_string_value(json_object_get(a, "yaml"));
	cr_expect(strstr(y, "title: 建设智慧校园30所\n") != NULL, "%s", y);
	valid_plan(y);
	json_decref(a);

	/* A document that names no year: duband's today's. */
	static const char noyear[] = "一、重点工作\n1. 建设学校。新建学校3所。\n";

	st = t_upload(d.url, "/api/v1/plans/draft", general, "无年份.txt",
	    noyear, sizeof noyear - 1, NULL, &a);
	cr_assert_eq(st, 200, "%s", json_dumps(a, 0));
	y = json_string_value(json_object_get(a, "yaml"));
	cr_expect(strstr(y, "当前年份") != NULL && strstr(y, "year: 2031\n") !=
	    NULL, "%s", y);
	json_decref(a);

	/* What cannot be read, each with its problem. */
	st = t_upload(d.url, "/api/v1/plans/draft", general, "方案.doc", doc,
	    len, NULL, &a);
	cr_expect_eq(st, 415);
	cr_expect_str_eq(json_string_value(json_object_get(a, "title")),
	    "不支持的文件类型");
	json_decref(a);
	st = t_upload(d.url, "/api/v1/plans/draft", general, "方案.docx", "PK",
	    2, NULL, &a);
	cr_expect_eq(st, 400);
	cr_expect(strstr(json_string_value(json_object_get(a, "detail")),
	    "不是 DOCX 文件") != NULL);
	json_decref(a);
	st = t_upload(d.url, "/api/v1/plans/draft", general, "方案.txt",
	    "\xb7\xbd\xb0\xb8", 4, NULL, &a);
	cr_expect_eq(st, 400);
	cr_expect(strstr(json_string_value(json_object_get(a, "detail")),
	    "不是 UTF-8") != NULL);
	json_decref(a);
	st = t_upload(d.url, "/api/v1/plans/draft", general, "空.txt", "", 0,
	    NULL, &a);
	cr_expect_eq(st, 400);
	json_decref(a);
	len = (4u << 20) + 1;
	big = xmalloc(len);
	memset(big, 'x', len);
	st = t_upload(d.url, "/api/v1/plans/draft", general, "大.txt", big, len,
	    NULL, &a);
	cr_expect_eq(st, 413);
	cr_expect_str_eq(json_string_value(json_object_get(a, "title")),
	    "文件过大");
	json_decref(a);
	free(big);
	free(doc);

	t_daemon_stop(&d);
	free(general);
	free(office);
	free(db);
}
