/*
 * What a plan's kind and 监督电话 make of its quarterly report, and the
 * one rule of 序时进度, in every format a user downloads.
 *
 * A 工作要点 of 2012 (a leap year) with two sections, a 监督电话 for the
 * plan and one task's own.  Its Q2 report as of 30 June, made on that day
 * (the quarter not over) and on 3 July (over): the title is the kind's,
 * the task tables have 类别 and 监督电话, and the share of the year gone
 * is 182/366 = 49.7% both times, in JSON, CSV, HTML and XLSX (read back
 * by LibreOffice).  A re-load that changes a number or the kind shows in
 * the next report; a kind that is none of the four is refused where it
 * is written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "unit/xlsx-read.h"
#include "xmalloc.h"

#define PLAN_PHONE	"0432-62012345"
#define TASK_PHONE	"0432-62019999"

/* The plan file with the given kind and task 1's phone. */
static char *
plan_file(const char *name, const char *kind, const char *phone)
{
	char	*path = xprintf("%s/%s.yaml", t_tmpdir(), name);
	char	*text = xprintf(
	    "duban-plan: 1\n"
	    "plan:\n"
	    "  key: kinds-2012\n"
	    "  title: 某市教育局2012年工作要点\n"
	    "  year: 2012\n"
	    "  issuer: 某市教育局\n"
	    "  kind: %s\n"
	    "  phone: \"" PLAN_PHONE "\"\n"
	    "  source: {file: kinds.txt}\n"
	    "  default_deadline: 全年\n"
	    "  completion_review: no\n"
	    "sections:\n"
	    "  - key: s1\n"
	    "    number: 一\n"
	    "    title: 着力推进教育公平\n"
	    "    tasks:\n"
	    "      - key: \"1\"\n"
	    "        number: （一）\n"
	    "        title: 扩大普惠性学前教育资源\n"
	    "        phone: \"%s\"\n"
	    "        lead: {office: 基础教育处}\n"
	    "        targets:\n"
	    "          - {key: kg, name: 新建幼儿园, kind: count, value: 20, unit: 所}\n"
	    "  - key: s2\n"
	    "    number: 二\n"
	    "    title: 着力加强队伍建设\n"
	    "    tasks:\n"
	    "      - key: \"2\"\n"
	    "        number: （一）\n"
	    "        title: 开展教师交流\n"
	    "        lead: {office: 人事处}\n", kind, phone);

	t_write_file(path, text, strlen(text));
	free(text);
	return (path);
}

static void
load(const char *db, const char *path)
{
	const char	*args[] = { "plan", "load", path, NULL };
	struct t_run	 r;

	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "plan load %s: %s%s", path, r.out, r.err);
	t_run_free(&r);
}

/* The Q2 report made at now, as of 30 June, in format (a CSV's view
 * after a comma: "csv,targets"); to a file when out is not NULL. */
static char *
report(const char *db, const char *now, const char *format, const char *out)
{
	char		*fmt = xstrdup(format), *view = strchr(fmt, ','), *text;
	const char	*args[14] = { "report", "quarterly", "--plan", "kinds-2012",
	    "--quarter", "2012Q2", "--as-of", "2012-06-30", "--format", fmt };
	size_t		 n = 10;
	struct t_run	 r;

	if (view != NULL) {
		*view++ = '\0';
		args[n++] = "--view";
		args[n++] = view;
	}
	if (out != NULL) {
		args[n++] = "-o";
		args[n++] = out;
	}
	args[n] = NULL;
	setenv("DUBAN_NOW", now, 1);
	t_cli(&r, db, args);
	unsetenv("DUBAN_NOW");
	cr_assert_eq(r.status, 0, "report %s at %s: %s", format, now, r.err);
	text = r.out;
	r.out = NULL;
	t_run_free(&r);
	free(fmt);
	return (text);
}

static void
expect_has(const char *text, const char *want, const char *ctx)
{
	cr_expect(strstr(text, want) != NULL, "%s: 「%s」 missing in\n%.3000s", ctx, want,
	    text);
}

/* The row of a CSV (as duban writes it) that starts with start. */
static char *
csv_line(const char *csv, const char *start)
{
	char		*needle = xprintf("\r\n%s", start), *line;
	const char	*p = strstr(csv, needle), *end;

	cr_assert_not_null(p, "no line %s in\n%s", start, csv);
	p += 2;
	end = strstr(p, "\r\n");
	line = xstrndup(p, end ? (size_t)(end - p) : strlen(p));
	free(needle);
	return (line);
}

Test(report_kinds, title_columns_and_year_share_in_every_format, .timeout = 240)
{
	static const char *const nows[] = {
		"2012-06-30T16:00+08:00",	/* the quarter still running */
		"2012-07-03T09:00+08:00",	/* over */
	};
	char		*db = t_db_create(), *path = plan_file("kinds", "工作要点", TASK_PHONE);
	char		*text, *line, *dir, *out, *prof, *xlsx[2];
	const char	*files[3];
	json_t		*j, *t;
	struct csv	 c;
	size_t		 i, col;
	long		 row;

	load(db, path);
	dir = workdir();
	out = xprintf("%s/shown", dir);
	for (i = 0; i < 2; i++) {
		const char	*ctx = nows[i];

		/* JSON: the kind's title; each task's 类别 and 监督电话 (its
		 * own, else the plan's); 182 of 366 days gone by the end of
		 * 30 June, whether the quarter is over or not. */
		text = report(db, nows[i], "json", NULL);
		j = json_loads(text, 0, NULL);
		cr_assert_not_null(j, "%s", text);
		free(text);
		cr_expect_eq(json_is_true(json_object_get(j, "final")), i == 1, "%s", ctx);
		cr_expect_str_eq(S(j, "title"), "2012年第二季度工作要点落实情况督查报告", "%s", ctx);
		cr_expect_str_eq(S(j, "plan_kind"), "工作要点", "%s", ctx);
		cr_expect_float_eq(json_number_value(G(j, "year_share")), 0.497, 1e-9, "%s", ctx);
		t = json_array_get(G(j, "tasks"), 0);
		cr_expect_str_eq(S(t, "category"), "着力推进教育公平", "%s", ctx);
		cr_expect_str_eq(S(t, "phone"), TASK_PHONE, "%s", ctx);
		cr_expect_float_eq(json_number_value(G(json_array_get(G(t, "targets"), 0),
		    "elapsed")), 0.497, 1e-9, "%s", ctx);
		t = json_array_get(G(j, "tasks"), 1);
		cr_expect_str_eq(S(t, "category"), "着力加强队伍建设", "%s", ctx);
		cr_expect_str_eq(S(t, "phone"), PLAN_PHONE, "%s", ctx);
		json_decref(j);

		/* CSV: the published columns with 类别 and 监督电话. */
		text = report(db, nows[i], "csv", NULL);
		expect_has(text, "\xEF\xBB\xBF序号,类别,民生事项名称,年度任务目标,牵头处室,"
		    "责任单位,分管领导,监督电话,完成时限,", ctx);
		line = csv_line(text, "一（一）,");
		expect_has(line, "一（一）,着力推进教育公平,扩大普惠性学前教育资源,", ctx);
		expect_has(line, ",基础教育处,基础教育处,," TASK_PHONE ",2012-12-31,", ctx);
		free(line);
		line = csv_line(text, "二（一）,");
		expect_has(line, ",人事处,人事处,," PLAN_PHONE ",2012-12-31,", ctx);
		free(line);
		free(text);
		text = report(db, nows[i], "csv,targets", NULL);
		expect_has(text, ",新建幼儿园,所,20所,—,—,—,49.7%,逾期未报,", ctx);
		free(text);

		/* Markdown: the title, and the columns. */
		text = report(db, nows[i], "md", NULL);
		expect_has(text, "# 某市教育局 2012年第二季度工作要点落实情况督查报告\n", ctx);
		expect_has(text, "| 序号 | 类别 | 民生事项名称 | 牵头处室 | 责任单位 | 分管领导 | "
		    "监督电话 | 完成时限 |", ctx);
		expect_has(text, "| 一（一） | 着力推进教育公平 | 扩大普惠性学前教育资源 | "
		    "基础教育处 | 基础教育处 |  | " TASK_PHONE " | 2012年12月31日 |", ctx);
		free(text);

		/* HTML: the title, the columns, the time marker's share. */
		text = report(db, nows[i], "html", NULL);
		expect_has(text, "<h1>2012年第二季度工作要点落实情况督查报告</h1>", ctx);
		expect_has(text, "<title>某市教育局 2012年第二季度工作要点落实情况督查报告</title>",
		    ctx);
		expect_has(text, "<th>序号</th><th>类别</th><th>民生事项名称</th>", ctx);
		expect_has(text, "<th>分管领导</th><th>监督电话</th><th>完成时限</th>", ctx);
		expect_has(text, ">着力推进教育公平<", ctx);
		expect_has(text, ">" TASK_PHONE "<", ctx);
		expect_has(text, ">" PLAN_PHONE "<", ctx);
		expect_has(text, "时间进度 49.7%", ctx);
		expect_has(text, "本季度督查工作要点任务 2 项", ctx);
		cr_expect(strstr(text, "民生实事") == NULL, "%s: 民生实事 in a 工作要点's report", ctx);
		free(text);

		xlsx[i] = xprintf("%s/kinds-%zu.xlsx", dir, i);
		free(report(db, nows[i], "xlsx", xlsx[i]));
		files[i] = xlsx[i];
	}
	files[2] = NULL;

	/* XLSX, as LibreOffice shows it. */
	prof = profile(dir, "profile", RECALC_NEVER);
	soffice(dir, prof, CSV_SHOWN, out, files);
	for (i = 0; i < 2; i++) {
		char	*base = xprintf("kinds-%zu", i);

		sheet_csv(&c, out, base, "总体");
		expect_has(c.text, "2012年第二季度工作要点落实情况督查报告", base);
		csv_free(&c);

		sheet_csv(&c, out, base, "任务");
		row = find_row(&c, "一（一）");
		cr_assert(row >= 0, "%s: no task 一（一）", base);
		col = col_of(&c, "类别", base);
		cr_expect_str_eq(cell(&c, (size_t)row, col), "着力推进教育公平", "%s", base);
		col = col_of(&c, "监督电话", base);
		cr_expect_str_eq(cell(&c, (size_t)row, col), TASK_PHONE, "%s", base);
		row = find_row(&c, "二（一）");
		cr_assert(row >= 0, "%s: no task 二（一）", base);
		cr_expect_str_eq(cell(&c, (size_t)row, col), PLAN_PHONE, "%s", base);
		csv_free(&c);

		sheet_csv(&c, out, base, "指标");
		row = find_row(&c, "一（一）");
		cr_assert(row >= 0, "%s: no target of 一（一）", base);
		col = col_of(&c, "时间进度", base);
		cr_expect_str_eq(cell(&c, (size_t)row, col), "49.7%", "%s: 时间进度", base);
		csv_free(&c);
		free(base);
		free(xlsx[i]);
	}
	free(prof);
	free(out);
	workdir_done(dir);
	free(path);
	free(db);
}

/* A re-load with another number or kind: the next report has them. */
Test(report_kinds, a_reload_changes_the_number_and_the_title, .timeout = 120)
{
	char		*db = t_db_create(), *path = plan_file("kinds", "工作要点", TASK_PHONE);
	char		*text;
	json_t		*j;

	load(db, path);
	free(path);
	path = plan_file("kinds-2", "实施意见", "0432-62010000");
	load(db, path);
	text = report(db, "2012-07-03T09:00+08:00", "json", NULL);
	j = json_loads(text, 0, NULL);
	cr_assert_not_null(j, "%s", text);
	cr_expect_str_eq(S(j, "title"), "2012年第二季度实施意见落实情况督查报告");
	cr_expect_str_eq(S(json_array_get(G(j, "tasks"), 0), "phone"), "0432-62010000");
	cr_expect_str_eq(S(json_array_get(G(j, "plans"), 0), "kind"), "实施意见");
	json_decref(j);
	free(text);
	free(path);

	/* The four titles, and plans of several kinds. */
	{
		PGconn	*c = t_connect(db);

		text = t_query(c, "SELECT string_agg(duban_report_title(2012, 3, k), ' '"
		    " ORDER BY o) FROM unnest(ARRAY['民生实事', '工作要点', '实施意见',"
		    " '交办事项', NULL]) WITH ORDINALITY AS x(k, o)", 0, NULL);
		cr_expect_str_eq(text, "2012年第三季度民生实事督查报告 "
		    "2012年第三季度工作要点落实情况督查报告 2012年第三季度实施意见落实情况督查报告 "
		    "2012年第三季度交办事项办理情况督查报告 2012年第三季度督查报告");
		free(text);
		/* 0.6635 half up on the numeric, not the double. */
		text = t_query(c, "SELECT duban_ratio(39810::numeric / 60000) || ' ' ||"
		    " duban_ratio(0.0005) || ' ' || duban_year_share(2012, '2012-12-31', "
		    "'2012-06-30')::numeric(6,4) || ' ' || duban_time_elapsed(2012, "
		    "'2012-12-31', '2012-07-01')::numeric(6,4)", 0, NULL);
		cr_expect_str_eq(text, "0.664 0.001 0.4973 0.4973");
		free(text);
		PQfinish(c);
	}
	free(db);
}

/* A kind that is none of the four: an error where it is written. */
Test(report_kinds, an_unknown_kind_is_refused_at_its_place, .timeout = 60)
{
	char		*path = plan_file("bad-kind", "民生清单", TASK_PHONE);
	const char	*args[] = { "plan", "check", path, NULL };
	char		*want = xprintf("%s:7:9:", path);
	struct t_run	 r;

	t_cli(&r, NULL, args);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "民生实事、工作要点、实施意见、交办事项") != NULL, "%s", r.err);
	t_run_free(&r);
	free(want);
	free(path);
}
