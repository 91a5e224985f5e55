/*
 * The quarterly report as XLSX, read back by a real reader: LibreOffice
 * (headless, with a private profile) converts every sheet to CSV three
 * times: with every formula recalculated (so a wrong formula shows),
 * with the results stored in the file (what a viewer that does not
 * recalculate shows: it must be the same), and with the formulas
 * themselves (so the figures are formulas, not numbers).  The CSVs must
 * say what the JSON says.
 *
 * DUBAN_REPORT_XLSX_KEEP=DIR keeps the workbooks and CSVs in DIR.  The
 * reader (LibreOffice and the CSV parser) is in xlsx-read.c; this file
 * holds what each sheet must say.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "report.h"
#include "report-xlsx.h"
#include "support.h"
#include "xlsx-read.h"
#include "xmalloc.h"

/* A report fixture (tests/fixtures/reports/NAME). */
static json_t *
load(const char *name)
{
	char	*rel = xprintf("tests/fixtures/reports/%s", name);
	json_t	*r = t_load_json(rel);

	free(rel);
	return (r);
}

static void
expect_cell(const char *got, const char *want, const char *ctx, const char *what)
{
	cr_expect(strcmp(got, want) == 0, "%s: %s: got 「%s」, want 「%s」", ctx, what,
	    got, want);
}

static void
expect_count(const char *got, long long want, const char *ctx, const char *what)
{
	char	 buf[32];

	snprintf(buf, sizeof buf, "%lld", want);
	expect_cell(got, buf, ctx, what);
}

/*
 * A ratio as LibreOffice shows 0.0%: blank for null; else exactly what the
 * other formats print (report_percent): the JSON's shares are rounded to
 * a tenth of a percent already, so that a reader rounds nothing again.
 */
static void
expect_percent(const char *got, const json_t *want, const char *ctx,
    const char *what)
{
	char	 pct[64];

	if (!json_is_number(want)) {
		expect_cell(got, "", ctx, what);
		return;
	}
	report_percent(want, pct, sizeof pct);
	expect_cell(got, pct, ctx, what);
}

/* ------------------------------------------------------------------
 * What each sheet must say.
 */


/* The results stored with the formulas are what LibreOffice computes. */
static void
expect_stored_results(const struct book *b, const char *ctx)
{
	size_t	 i, r, c;

	for (i = 0; i < NSHEETS; i++) {
		if (strcmp(b->shown[i].text, b->stored[i].text) == 0)
			continue;
		for (r = 0; r < b->shown[i].n; r++)
			for (c = 0; c < b->shown[i].rows[r].n; c++)
				cr_expect(strcmp(cell(&b->shown[i], r, c),
				    cell(&b->stored[i], r, c)) == 0,
				    "%s: %s row %zu col %zu: recalculated 「%s」, "
				    "stored 「%s」", ctx, sheets[i], r + 1, c + 1,
				    cell(&b->shown[i], r, c), cell(&b->stored[i], r, c));
		cr_expect_fail("%s: %s: stored results differ from LibreOffice's",
		    ctx, sheets[i]);
	}
}

/* A formula, not a number: the cell's formula starts with prefix. */
static void
expect_formula(const char *got, const char *prefix, const char *ctx,
    const char *what)
{
	cr_expect(strncmp(got, prefix, strlen(prefix)) == 0,
	    "%s: %s: 「%s」 is not a formula %s…", ctx, what, got, prefix);
}

static void
check_summary(const json_t *r, const struct book *b, const char *ctx)
{
	const struct csv *c = &b->shown[0], *f = &b->formulas[0];
	const json_t	*s = G(r, "summary"), *ms = G(s, "milestones");
	const json_t	*tg = G(s, "targets");
	json_t		*rate;
	char		*plans, want[512], cn[32];
	long		 i;
	int		 found_plans = 0, found_as_of = 0;

	expect_cell(cell(c, 0, 0), S(r, "organisation"), ctx, "总体 A1");
	/* The title the plans' kind gives (工作要点落实情况 for Linyi 2019);
	 * a document from before kinds: 民生实事. */
	if (S(r, "title") != NULL)
		snprintf(want, sizeof want, "%s", S(r, "title"));
	else
		snprintf(want, sizeof want, "%s民生实事督查报告", S(r, "quarter_label"));
	expect_cell(cell(c, 1, 0), want, ctx, "总体 A2");
	plans = report_plans_title(r);
	report_date_cn(S(r, "as_of"), cn, sizeof cn);
	snprintf(want, sizeof want, "数据截至：%s%s", cn,
	    json_is_true(G(r, "final")) ? "" : "（本季度尚未结束）");
	for (i = 0; i < 8; i++) {
		if (strstr(cell(c, (size_t)i, 0), plans) != NULL)
			found_plans = 1;
		if (strcmp(cell(c, (size_t)i, 0), want) == 0)
			found_as_of = 1;
	}
	cr_expect(found_plans, "%s: no 「%s」 on 总体", ctx, plans);
	cr_expect(found_as_of, "%s: no 「%s」 on 总体", ctx, want);
	free(plans);

	expect_count(figure(c, "任务总数", ctx), N(s, "tasks"), ctx, "任务总数");
	expect_count(figure(c, "已完成", ctx), N(s, "done"), ctx, "已完成");
	expect_count(figure(c, "按期推进", ctx), N(s, "on_track"), ctx, "按期推进");
	expect_count(figure(c, "滞后", ctx), N(s, "behind"), ctx, "滞后");
	expect_count(figure(c, "逾期", ctx), N(s, "overdue"), ctx, "逾期");
	expect_count(figure(c, "未填报", ctx), N(s, "unreported"), ctx, "未填报");
	expect_count(figure(c, "未明确牵头处室", ctx), N(s, "unassigned"), ctx,
	    "未明确牵头处室");
	expect_percent(figure(c, "完成率", ctx), G(s, "completion"), ctx, "完成率");

	expect_count(figure(c, "节点总数", ctx), N(ms, "total"), ctx, "节点总数");
	expect_count(figure(c, "应完成节点", ctx), N(ms, "due"), ctx, "应完成节点");
	expect_count(figure(c, "已完成节点", ctx), N(ms, "done"), ctx, "已完成节点");
	expect_count(figure(c, "按时完成节点", ctx), N(ms, "on_time"), ctx,
	    "按时完成节点");
	expect_count(figure(c, "逾期节点", ctx), N(ms, "overdue"), ctx, "逾期节点");
	expect_count(figure(c, "本季度到期节点", ctx), N(ms, "due_this_quarter"), ctx,
	    "本季度到期节点");
	rate = N(ms, "due") > 0 ?
	    json_real((double)N(ms, "on_time") / (double)N(ms, "due")) : json_null();
	expect_percent(figure(c, "按时完成率", ctx), rate, ctx, "按时完成率");
	json_decref(rate);

	expect_count(figure(c, "指标总数", ctx), N(tg, "total"), ctx, "指标总数");
	expect_count(figure(c, "按累计进度计算的指标", ctx), N(tg, "measured"), ctx,
	    "按累计进度计算的指标");
	expect_count(figure(c, "其中已填报", ctx), N(tg, "measured_reported"), ctx,
	    "其中已填报");
	expect_count(figure(c, "滞后指标", ctx), N(tg, "behind"), ctx, "滞后指标");
	expect_count(figure(c, "未填报指标", ctx), N(tg, "unreported"), ctx, "未填报指标");
	expect_count(figure(c, "其中逾期未报", ctx), N(tg, "late"), ctx, "其中逾期未报");
	expect_percent(figure(c, "指标平均完成率", ctx), G(tg, "avg_completion"), ctx,
	    "指标平均完成率");
	/* The average says what it is over. */
	snprintf(want, sizeof want, "已填报 %lld/%lld：", N(tg, "measured_reported"),
	    N(tg, "measured"));
	i = find_row(c, "指标平均完成率");
	cr_expect(i >= 0 && strncmp(cell(c, (size_t)i, 2), want, strlen(want)) == 0,
	    "%s: 指标平均完成率's note 「%s」, want 「%s…」", ctx,
	    i >= 0 ? cell(c, (size_t)i, 2) : "", want);
	expect_count(figure(c, "需督办事项", ctx),
	    (long long)json_array_size(G(r, "supervise")), ctx, "需督办事项");

	/* The counts are formulas over the other sheets. */
	expect_formula(figure(f, "任务总数", ctx), "=COUNTA(", ctx, "任务总数");
	cr_expect(strstr(figure(f, "任务总数", ctx), "任务") != NULL,
	    "%s: 任务总数 not over 任务: 「%s」", ctx, figure(f, "任务总数", ctx));
	expect_formula(figure(f, "已完成", ctx), "=COUNTIF(", ctx, "已完成");
	expect_formula(figure(f, "逾期", ctx), "=COUNTIF(", ctx, "逾期");
	expect_formula(figure(f, "完成率", ctx), "=IF(", ctx, "完成率");
	expect_formula(figure(f, "节点总数", ctx), "=SUMIF(", ctx, "节点总数");
	expect_formula(figure(f, "滞后指标", ctx), "=COUNTIF(", ctx, "滞后指标");
	expect_formula(figure(f, "未填报指标", ctx), "=COUNTIF(", ctx, "未填报指标");
	expect_formula(figure(f, "其中已填报", ctx), "=COUNTIFS(", ctx, "其中已填报");
	expect_formula(figure(f, "指标平均完成率", ctx), "=IF(", ctx, "指标平均完成率");
	cr_expect(strstr(figure(f, "指标平均完成率", ctx), "AVERAGEIF") != NULL,
	    "%s: 指标平均完成率: 「%s」", ctx, figure(f, "指标平均完成率", ctx));
}

static void
check_tasks(const json_t *r, const struct book *b, const char *ctx)
{
	const struct csv *c = &b->shown[1];
	const json_t	*tasks = G(r, "tasks"), *t, *m, *u, *g;
	size_t		 i, j, row, label, title, goal, lead, deadline, status;
	size_t		 due, done, overdue, on_time, total, updated, level, note;
	char		 phrase[512], where[128], *s, cn[32];

	cr_expect_eq(c->n, 2 + json_array_size(tasks), "%s: 任务 has %zu rows, want %zu",
	    ctx, c->n, 2 + json_array_size(tasks));
	label = col_of(c, "序号", ctx);
	title = col_of(c, "民生事项名称", ctx);
	goal = col_of(c, "年度任务目标", ctx);
	lead = col_of(c, "牵头处室", ctx);
	deadline = col_of(c, "完成时限", ctx);
	status = col_of(c, "状态", ctx);
	total = col_of(c, "节点总数", ctx);
	due = col_of(c, "应完成节点", ctx);
	done = col_of(c, "已完成节点", ctx);
	on_time = col_of(c, "按时完成节点", ctx);
	overdue = col_of(c, "逾期节点", ctx);
	note = col_of(c, "截至本期完成情况", ctx);
	updated = col_of(c, "最近更新", ctx);
	level = col_of(c, "层级", ctx);

	json_array_foreach(tasks, i, t) {
		row = 2 + i;
		m = G(t, "milestones");
		u = json_is_object(G(t, "last_update")) ? G(t, "last_update") : NULL;
		snprintf(where, sizeof where, "%s 任务 %s", ctx, S(t, "label"));
		expect_cell(cell(c, row, label), S(t, "label"), where, "序号");
		expect_cell(cell(c, row, title), S(t, "title"), where, "民生事项名称");
		cr_expect(S(t, "goal") == NULL ||
		    strncmp(cell(c, row, goal), S(t, "goal"), strlen(S(t, "goal"))) == 0,
		    "%s: 年度任务目标 「%s」", where, cell(c, row, goal));
		json_array_foreach(G(t, "targets"), j, g) {
			report_target_phrase(g, phrase, sizeof phrase);
			cr_expect(strstr(cell(c, row, goal), phrase) != NULL,
			    "%s: 年度任务目标 lacks 「%s」", where, phrase);
		}
		expect_cell(cell(c, row, lead), S(t, "lead_office") ? S(t, "lead_office") :
		    "未明确牵头处室", where, "牵头处室");
		report_date_cn(S(t, "deadline"), cn, sizeof cn);
		expect_cell(cell(c, row, deadline), cn, where, "完成时限");
		expect_cell(cell(c, row, status), report_status_label(S(t, "status")),
		    where, "状态");
		expect_count(cell(c, row, total), N(m, "total"), where, "节点总数");
		expect_count(cell(c, row, due), N(m, "due"), where, "应完成节点");
		expect_count(cell(c, row, done), N(m, "done"), where, "已完成节点");
		expect_count(cell(c, row, on_time), N(m, "on_time"), where, "按时完成节点");
		expect_count(cell(c, row, overdue), N(m, "overdue"), where, "逾期节点");
		s = report_task_note(t);
		expect_cell(cell(c, row, note), s ? s : "", where, "截至本期完成情况");
		free(s);
		report_date_cn(u ? S(u, "on") : NULL, cn, sizeof cn);
		expect_cell(cell(c, row, updated), u ? cn : "", where, "最近更新");
		expect_cell(cell(c, row, level), N(t, "depth") > 0 ? "子项" : "事项", where,
		    "层级");
	}
}

static void
check_targets(const json_t *r, const struct book *b, const char *ctx)
{
	const struct csv *c = &b->shown[2], *f = &b->formulas[2];
	const json_t	*t, *g;
	size_t		 i, j, row = 2, label, name, current, pct, elapsed, behind;
	char		 num[64], where[256];

	label = col_of(c, "序号", ctx);
	name = col_of(c, "指标", ctx);
	current = col_of(c, "截至本期", ctx);
	pct = col_of(c, "完成比例", ctx);
	elapsed = col_of(c, "时间进度", ctx);
	behind = col_of(c, "是否滞后", ctx);
	json_array_foreach(G(r, "tasks"), i, t) {
		json_array_foreach(G(t, "targets"), j, g) {
			snprintf(where, sizeof where, "%s 指标 %s %s", ctx, S(t, "label"),
			    S(g, "name"));
			expect_cell(cell(c, row, label), S(t, "label"), where, "序号");
			expect_cell(cell(c, row, name), S(g, "name"), where, "指标");
			if (json_is_number(G(g, "current"))) {
				report_number(G(g, "current"), num, sizeof num);
				expect_cell(cell(c, row, current), num, where, "截至本期");
			} else
				expect_cell(cell(c, row, current), "", where, "截至本期");
			expect_percent(cell(c, row, pct), G(g, "percent"), where, "完成比例");
			expect_percent(cell(c, row, elapsed), G(g, "elapsed"), where,
			    "时间进度");
			/* 滞后 only of a reported value; a blank one is 未填报. */
			expect_cell(cell(c, row, behind),
			    !json_is_number(G(g, "current")) ?
				(json_is_true(G(g, "late")) ? "逾期未报" : "未填报") :
			    json_is_true(G(g, "behind")) ? "滞后" : "", where, "是否滞后");
			expect_formula(cell(f, row, pct), "=IF(", where, "完成比例");
			expect_formula(cell(f, row, behind), "=IF(", where, "是否滞后");
			if (json_is_true(G(g, "accumulates")))
				cr_expect(strstr(cell(f, row, pct), "MIN(") != NULL,
				    "%s: 完成比例: 「%s」", where, cell(f, row, pct));
			row++;
		}
	}
	cr_expect_eq(c->n, row, "%s: 指标 has %zu rows, want %zu", ctx, c->n, row);
}

static void
check_offices(const json_t *r, const struct book *b, const char *ctx)
{
	const struct csv *c = &b->shown[3], *f = &b->formulas[3];
	const json_t	*offices = G(r, "offices"), *o;
	size_t		 i, row, rank, name, rate, avg, due, on_time, reported, done_rate, note;
	char		 where[128], want[64];

	if (json_array_size(offices) == 0) {
		cr_expect_eq(c->n, 3, "%s: 处室 has %zu rows", ctx, c->n);
		expect_cell(cell(c, 2, 0), "无（计划未明确牵头处室）", ctx, "处室");
		return;
	}
	/* The offices, a blank row, the ranking's rule. */
	cr_expect_eq(c->n, 2 + json_array_size(offices) + 2, "%s: 处室 has %zu rows", ctx,
	    c->n);
	cr_expect(strstr(cell(c, c->n - 1, 0), "并列同一名次") != NULL, "%s: 处室 rule: 「%s」",
	    ctx, cell(c, c->n - 1, 0));
	rank = col_of(c, "排名", ctx);
	name = col_of(c, "处室", ctx);
	due = col_of(c, "到期节点", ctx);
	done_rate = col_of(c, "完成率", ctx);
	note = col_of(c, "备注", ctx);
	on_time = col_of(c, "按时完成节点", ctx);
	rate = col_of(c, "按时完成率", ctx);
	avg = col_of(c, "指标平均完成率", ctx);
	reported = col_of(c, "已填报指标", ctx);
	json_array_foreach(offices, i, o) {
		row = 2 + i;
		snprintf(where, sizeof where, "%s 处室 %s", ctx, S(o, "name"));
		/* Ranked, or apart without a rank: 本期无到期事项. */
		if (json_is_integer(G(o, "rank"))) {
			expect_count(cell(c, row, rank), N(o, "rank"), where, "排名");
			expect_cell(cell(c, row, note), "", where, "备注");
		} else {
			expect_cell(cell(c, row, rank), "", where, "排名");
			expect_cell(cell(c, row, note), "本期无到期事项", where, "备注");
		}
		expect_percent(cell(c, row, done_rate), G(o, "completion_rate"), where, "完成率");
		expect_cell(cell(c, row, name), S(o, "name"), where, "处室");
		expect_count(cell(c, row, due), N(o, "milestones_due"), where,
		    "到期节点");
		expect_count(cell(c, row, on_time), N(o, "milestones_on_time"), where,
		    "按时完成节点");
		expect_percent(cell(c, row, rate), G(o, "on_time_rate"), where,
		    "按时完成率");
		expect_percent(cell(c, row, avg), G(o, "avg_completion"), where,
		    "指标平均完成率");
		snprintf(want, sizeof want, "%lld/%lld", N(o, "targets_reported"),
		    N(o, "targets_measured"));
		expect_cell(cell(c, row, reported), want, where, "已填报指标");
		expect_formula(cell(f, row, rate), "=IF(", where, "按时完成率");
	}
}

static void
check_supervise(const json_t *r, const struct book *b, const char *ctx)
{
	const struct csv *c = &b->shown[4];
	const json_t	*items = G(r, "supervise"), *s;
	size_t		 i, row, label, title, status, why;
	char		*reasons, where[128];

	if (json_array_size(items) == 0) {
		cr_expect_eq(c->n, 3, "%s: 督办事项 has %zu rows", ctx, c->n);
		expect_cell(cell(c, 2, 0), "无", ctx, "督办事项");
		return;
	}
	cr_expect_eq(c->n, 2 + json_array_size(items), "%s: 督办事项 has %zu rows", ctx,
	    c->n);
	label = col_of(c, "序号", ctx);
	title = col_of(c, "民生事项名称", ctx);
	status = col_of(c, "状态", ctx);
	why = col_of(c, "督办事由", ctx);
	json_array_foreach(items, i, s) {
		row = 2 + i;
		snprintf(where, sizeof where, "%s 督办 %s", ctx, S(s, "label"));
		reasons = report_join(G(s, "reasons"), "；");
		expect_cell(cell(c, row, label), S(s, "label"), where, "序号");
		expect_cell(cell(c, row, title), S(s, "title"), where, "民生事项名称");
		expect_cell(cell(c, row, status), report_status_label(S(s, "status")),
		    where, "状态");
		expect_cell(cell(c, row, why), reasons, where, "督办事由");
		free(reasons);
	}
}

static void
check_burnup(const json_t *r, const struct book *b, const char *ctx)
{
	const struct csv *c = &b->shown[5];
	const json_t	*points = G(r, "burnup"), *p;
	size_t		 i, row;
	char		 where[128], cn[32];

	cr_expect_eq(c->n, 2 + json_array_size(points), "%s: 节点进度 has %zu rows",
	    ctx, c->n);
	json_array_foreach(points, i, p) {
		row = 2 + i;
		snprintf(where, sizeof where, "%s 节点进度 %s", ctx, S(p, "date"));
		report_date_cn(S(p, "date"), cn, sizeof cn);
		expect_cell(cell(c, row, 0), cn, where, "日期");
		expect_count(cell(c, row, 1), N(p, "planned"), where, "计划应完成");
		if (json_is_integer(G(p, "done")))
			expect_count(cell(c, row, 2), N(p, "done"), where, "实际完成");
		else
			expect_cell(cell(c, row, 2), "", where, "实际完成");
	}
}

static void
check_book(const json_t *r, const struct book *b, const char *ctx)
{
	size_t	 i;

	/* Every sheet's title and header, the same in all three reads. */
	for (i = 0; i < NSHEETS; i++)
		cr_expect(b->shown[i].n >= 2, "%s: %s is empty", ctx, sheets[i]);
	expect_stored_results(b, ctx);
	check_summary(r, b, ctx);
	check_tasks(r, b, ctx);
	check_targets(r, b, ctx);
	check_offices(r, b, ctx);
	check_supervise(r, b, ctx);
	check_burnup(r, b, ctx);
}

/* ------------------------------------------------------------------ */

/*
 * The report fixtures, all read at once (one LibreOffice start per view
 * for the five, not per fixture: three starts instead of fifteen); each
 * check names its fixture.
 */
static const char *const fixtures[] = {
	"jilin-2012Q3.json", "jilin-2012Q4-partial.json",
	"changchun-2017Q2.json", "changchun-2021Q4.json",
	"linyi-2019Q3.json",
};
#define NFIXTURES	(sizeof fixtures / sizeof fixtures[0])

Test(report_xlsx, fixtures, .timeout = 240)
{
	char		*dir = workdir(), base[NFIXTURES][64];
	const char	*bases[NFIXTURES];
	const json_t	*rs[NFIXTURES];
	json_t		*r[NFIXTURES];
	struct book	 b[NFIXTURES];
	size_t		 i;

	memset(b, 0, sizeof b);
	for (i = 0; i < NFIXTURES; i++) {
		r[i] = load(fixtures[i]);
		rs[i] = r[i];
		snprintf(base[i], sizeof base[i], "%.*s", (int)(strlen(fixtures[i]) - 5),
		    fixtures[i]);
		bases[i] = base[i];
	}
	books_read(b, rs, bases, NFIXTURES, dir);
	for (i = 0; i < NFIXTURES; i++) {
		check_book(r[i], &b[i], fixtures[i]);
		book_free(&b[i]);
		json_decref(r[i]);
	}
	workdir_done(dir);
}

/*
 * The proof that the reads above recalculate: a workbook whose stored
 * results are wrong shows LibreOffice's own.
 */
Test(report_xlsx, libreoffice_recalculates, .timeout = 120)
{
	char		*dir = workdir(), *xlsx, *always, *never, *out;
	const char	*files[2];
	lxw_workbook	*wb;
	lxw_worksheet	*a, *t;
	struct csv	 c;

	xlsx = xprintf("%s/wrong.xlsx", dir);
	wb = workbook_new(xlsx);
	cr_assert_not_null(wb);
	a = workbook_add_worksheet(wb, "总体");
	t = workbook_add_worksheet(wb, "任务");
	cr_assert(a != NULL && t != NULL);
	cr_assert_eq(worksheet_write_formula_num(a, 0, 0, "=1+1", NULL, 5), 0);
	cr_assert_eq(worksheet_write_formula_num(a, 1, 0,
	    "=COUNTIF('任务'!$A$1:$A$3,\"已完成\")", NULL, 7), 0);
	cr_assert_eq(worksheet_write_string(t, 0, 0, "状态", NULL), 0);
	cr_assert_eq(worksheet_write_string(t, 1, 0, "已完成", NULL), 0);
	cr_assert_eq(worksheet_write_string(t, 2, 0, "逾期", NULL), 0);
	cr_assert_eq(workbook_close(wb), 0);

	always = profile(dir, "profile-recalc", RECALC_ALWAYS);
	never = profile(dir, "profile-stored", RECALC_NEVER);
	files[0] = xlsx;
	files[1] = NULL;
	out = xprintf("%s/shown", dir);
	soffice(dir, always, CSV_SHOWN, out, files);
	sheet_csv(&c, out, "wrong", "总体");
	expect_cell(cell(&c, 0, 0), "2", "recalculated", "=1+1");
	expect_cell(cell(&c, 1, 0), "1", "recalculated", "COUNTIF");
	csv_free(&c);
	sheet_csv(&c, out, "wrong", "任务");
	expect_cell(cell(&c, 1, 0), "已完成", "recalculated", "任务 A2");
	csv_free(&c);
	free(out);

	/* And the other profile really shows what the file stores. */
	out = xprintf("%s/stored", dir);
	soffice(dir, never, CSV_SHOWN, out, files);
	sheet_csv(&c, out, "wrong", "总体");
	expect_cell(cell(&c, 0, 0), "5", "stored", "=1+1");
	expect_cell(cell(&c, 1, 0), "7", "stored", "COUNTIF");
	csv_free(&c);
	free(out);

	free(always);
	free(never);
	free(xlsx);
	workdir_done(dir);
}

/*
 * A report with nothing in it, and one with hostile text: empty tables
 * make zeros and blanks (no #DIV/0!, no header counted), text that looks
 * like a formula stays text, text too long for a cell is cut.  Both are
 * read with the same LibreOffice starts.
 */
Test(report_xlsx, degenerate_and_hostile, .timeout = 120)
{
	static const char empty_json[] = "{\"kind\": \"quarterly\", "
	    "\"quarter\": \"2013Q1\", \"quarter_label\": \"2013年第一季度\", "
	    "\"period\": {\"from\": \"2013-01-01\", \"to\": \"2013-03-31\"}, "
	    "\"as_of\": \"2013-02-15\", \"final\": false, "
	    "\"organisation\": \"某市教育局\", \"plans\": [], "
	    "\"summary\": {\"tasks\": 0, \"done\": 0, \"on_track\": 0, \"behind\": 0, "
	    "\"overdue\": 0, \"unassigned\": 0, \"completion\": null, "
	    "\"milestones\": {\"total\": 0, \"due\": 0, \"done\": 0, \"overdue\": 0, "
	    "\"on_time\": 0, \"due_this_quarter\": 0}, "
	    "\"targets\": {\"total\": 0, \"measured\": 0, \"behind\": 0, "
	    "\"avg_completion\": null}}, "
	    "\"tasks\": [], \"offices\": [], \"supervise\": [], \"burnup\": []}";
	static const char *const base[] = { "empty", "hostile" };
	char		*dir = workdir(), *note, *want, *title;
	const json_t	*reports[2];
	json_t		*empty, *r, *t, *tasks;
	json_error_t	 err;
	struct book	 books[2], *b;
	size_t		 i, col;

	empty = json_loads(empty_json, 0, &err);
	cr_assert_not_null(empty, "%s", err.text);

	/* One task with hostile text, taken from a real report. */
	r = load("jilin-2012Q3.json");
	tasks = G(r, "tasks");
	t = json_deep_copy(json_array_get(tasks, 0));
	json_array_clear(tasks);
	json_array_append_new(tasks, t);
	json_object_set_new(t, "title", json_string("=1+1"));
	json_object_set_new(t, "goal", json_string("\"引号\"，逗号,\n换行 & <标签>"));
	note = xmalloc(40000 * 3 + 1);
	for (i = 0; i < 40000; i++)
		memcpy(note + 3 * i, "很", 3);
	note[40000 * 3] = '\0';
	json_object_set_new(json_object_get(t, "last_update"), "note",
	    json_string(note));
	/* A second task whose update says what stands in the way. */
	t = json_deep_copy(t);
	json_array_append_new(tasks, t);
	json_object_set_new(t, "label", json_string("2"));
	json_object_set_new(json_object_get(t, "last_update"), "note",
	    json_string("已资助7000名"));
	json_object_set_new(json_object_get(t, "last_update"), "problems",
	    json_string("部分县区审核滞后"));
	json_object_set_new(json_object_get(t, "last_update"), "coordination",
	    json_string("=请财政局加快拨付"));
	json_object_set_new(r, "organisation", json_string("A&B \"教育局\""));
	json_object_set_new(r, "quarter_label", json_string("2012年第三季度&"));
	json_object_set_new(r, "title", json_string("2012年第三季度&民生实事督查报告"));

	memset(books, 0, sizeof books);
	reports[0] = empty;
	reports[1] = r;
	books_read(books, reports, base, 2, dir);

	b = &books[0];
	check_book(empty, b, "empty");
	expect_cell(figure(&b->shown[0], "完成率", "empty"), "", "empty", "完成率");
	book_free(b);
	json_decref(empty);

	b = &books[1];
	expect_cell(cell(&b->shown[0], 0, 0), "A&B \"教育局\"", "hostile", "总体 A1");
	expect_cell(cell(&b->shown[0], 1, 0), "2012年第三季度&民生实事督查报告",
	    "hostile", "总体 A2");
	expect_count(figure(&b->shown[0], "任务总数", "hostile"), 2, "hostile",
	    "任务总数");
	col = col_of(&b->shown[1], "民生事项名称", "hostile");
	title = xstrdup(cell(&b->shown[1], 2, col));
	expect_cell(title, "=1+1", "hostile", "民生事项名称");
	free(title);
	col = col_of(&b->shown[1], "年度任务目标", "hostile");
	cr_expect(strncmp(cell(&b->shown[1], 2, col), "\"引号\"，逗号,\n换行 & <标签>",
	    strlen("\"引号\"，逗号,\n换行 & <标签>")) == 0, "hostile: 年度任务目标 「%s」",
	    cell(&b->shown[1], 2, col));
	col = col_of(&b->shown[1], "截至本期完成情况", "hostile");
	want = xprintf("%.*s…", 32000 * 3, note);
	cr_expect(strcmp(cell(&b->shown[1], 2, col), want) == 0,
	    "hostile: the note is not cut to 32000 characters (%zu bytes)",
	    strlen(cell(&b->shown[1], 2, col)));
	free(want);
	expect_cell(cell(&b->shown[1], 3, col),
	    "已资助7000名\n存在问题：部分县区审核滞后\n需协调事项：=请财政局加快拨付",
	    "hostile", "截至本期完成情况 with 存在问题 and 需协调事项");
	free(note);
	book_free(b);
	json_decref(r);
	workdir_done(dir);
}

/* A file it cannot write: -1 and a cause in Chinese, nothing leaked. */
Test(report_xlsx, unwritable_path)
{
	json_t	*r = load("jilin-2012Q3.json");
	char	*cause = NULL;

	cr_expect_eq(report_xlsx(r, "/nonexistent-duban-dir/x.xlsx", &cause), -1);
	cr_assert_not_null(cause);
	cr_expect(strstr(cause, "无法写入 XLSX 文件 /nonexistent-duban-dir/x.xlsx") !=
	    NULL, "cause: %s", cause);
	cr_expect(access("/nonexistent-duban-dir/x.xlsx", F_OK) == -1);
	free(cause);
	json_decref(r);
}

/* ------------------------------------------------------------------
 * The task sheet as it prints: read from the file's own XML (libzip),
 * since LibreOffice's CSV has no row heights or page setup.
 */

/* An entry of the workbook at path, NUL-terminated, allocated. */
static char *
zip_entry(const char *path, const char *name)
{
	zip_t		*z;
	zip_file_t	*zf;
	zip_stat_t	 st;
	char		*buf;
	int		 err;

	z = zip_open(path, ZIP_RDONLY, &err);
	cr_assert(z != NULL, "zip_open %s: %d", path, err);
	cr_assert_eq(zip_stat(z, name, 0, &st), 0, "%s: no %s", path, name);
	buf = xmalloc(st.size + 1);
	cr_assert((zf = zip_fopen(z, name, 0)) != NULL);
	cr_assert_eq(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	buf[st.size] = '\0';
	zip_fclose(zf);
	zip_close(z);
	return (buf);
}

/* Row r's height in points as the sheet sets it, or -1. */
static double
row_height(const char *xml, unsigned r)
{
	char	 tag[32];
	const char *p, *ht, *end;

	snprintf(tag, sizeof tag, "<row r=\"%u\" ", r);
	if ((p = strstr(xml, tag)) == NULL || (end = strchr(p, '>')) == NULL)
		return (-1);
	if ((ht = strstr(p, " ht=\"")) == NULL || ht > end)
		return (-1);
	return (strtod(ht + 5, NULL));
}

Test(report_xlsx, task_rows_hold_their_text_and_print_across_a4_landscape)
{
	json_t		*r = load("jilin-2012Q3.json"), *t;
	char		*path, *xml, *cause = NULL;
	const char	*texts[2] = { NULL, NULL };
	double		 widths[2] = { 48, 10 }, ht;
	size_t		 i, lines;

	path = xprintf("%s/duban-xlsx-rows-%d.xlsx", getenv("TMPDIR") ? getenv("TMPDIR") :
	    "/tmp", (int)getpid());
	cr_assert_eq(report_xlsx(r, path, &cause), 0, "%s", cause ? cause : "");
	xml = zip_entry(path, "xl/worksheets/sheet2.xml");	/* 任务 */

	/* Fit to one page wide (as many tall as it takes), A4 (paper 9),
	 * landscape. */
	cr_expect(strstr(xml, "<pageSetUpPr fitToPage=\"1\"/>") != NULL, "fit to page");
	cr_expect(strstr(xml, "<pageSetup paperSize=\"9\" fitToHeight=\"0\" "
	    "orientation=\"landscape\"/>") != NULL, "A4 landscape, one page wide");
	/* The 落款 in the footer: the organisation and the day, no duban. */
	cr_expect(strstr(xml, "<oddFooter>&amp;L吉林市教育局&amp;C第 &amp;P 页 共 &amp;N 页"
	    "&amp;R2012年9月30日</oddFooter>") != NULL, "footer");
	cr_expect(strstr(xml, "duban") == NULL, "duban in the 任务 sheet");

	/* Each task's row holds at least a line for its goal and one per
	 * target (年度任务目标 lists them a line each): task 1's twelve
	 * targets are not cut to one line. */
	json_array_foreach(G(r, "tasks"), i, t) {
		lines = json_array_size(G(t, "targets")) +
		    (S(t, "goal") != NULL && *S(t, "goal") != '\0');
		ht = row_height(xml, (unsigned)(3 + i));
		cr_expect(ht >= 14.0 * (double)(lines > 0 ? lines : 1),
		    "task %s: row %zu is %.0f pt for %zu lines", S(t, "label"), 3 + i, ht, lines);
		cr_expect(ht <= 409, "task %s: %.0f pt", S(t, "label"), ht);
	}
	cr_expect(row_height(xml, 3) > 14 * 13, "task 1: %.0f pt", row_height(xml, 3));

	/* The estimate: 60 CJK characters (120 units) in a column of 48, 47
	 * a line after the padding: 3 lines of 14 points and 4 of margin; a
	 * line break starts a line; the tallest cell decides. */
	texts[0] = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
	    "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十";
	cr_expect_float_eq(xlsx_row_height(texts, widths, 2, 14, 20), 46, 1e-9);
	texts[1] = "甲\n乙\n丙\n丁";
	cr_expect_float_eq(xlsx_row_height(texts, widths, 2, 14, 20), 60, 1e-9);
	texts[0] = texts[1] = NULL;
	cr_expect_float_eq(xlsx_row_height(texts, widths, 2, 14, 20), 20, 1e-9);

	unlink(path);
	free(path);
	free(xml);
	json_decref(r);
}
