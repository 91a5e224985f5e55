/*
 * The quarterly report as HTML: what a reader of the printed document
 * would see for each stored report (tests/fixtures/reports), escaping,
 * degenerate and hostile input, determinism, linear size, and the real
 * reader: headless Chromium prints it to PDF and takes a screenshot.
 *
 * DUBAN_REPORT_HTML_KEEP=DIR keeps the HTML, PDF and PNG in DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>

#include "report.h"
#include "support.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define G(o, k)		json_object_get((o), (k))

#define CHROMIUM	"/usr/bin/chromium"
#define CHROMIUM_TIMEOUT 60	/* seconds; a start takes 5, 20 under load */

/* A report fixture (tests/fixtures/reports/NAME). */
static json_t *
load(const char *name)
{
	char	*rel = xprintf("tests/fixtures/reports/%s", name);
	json_t	*r = t_load_json(rel);

	free(rel);
	return (r);
}

/* Renders r; the HTML, or fails the test. */
static char *
render(const json_t *r, size_t *lenp)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);
	int	 rc;

	cr_assert(f != NULL);
	rc = report_html(r, f, &cause);
	fclose(f);
	cr_assert_eq(rc, 0, "report_html: %s", cause ? cause : "?");
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

static size_t
occurrences(const char *hay, const char *needle)
{
	size_t	 n = 0, len = strlen(needle);

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += len;
	}
	return (n);
}

/* HTML-escaped, as the document must show it. */
static char *
escaped(const char *s)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	for (; s != NULL && *s != '\0'; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
	fclose(f);
	return (buf);
}

static void
expect_has(const char *html, const char *what, const char *ctx)
{
	cr_expect(strstr(html, what) != NULL, "%s: 「%s」 missing", ctx, what);
}

static void
expect_has_escaped(const char *html, const char *what, const char *ctx)
{
	char	*e = escaped(what);

	expect_has(html, e, ctx);
	free(e);
}

/* The row of the n-th task (1-based), as an allocated string. */
static char *
task_row(const char *html, size_t n)
{
	char	 id[64];
	const char *p, *end;

	snprintf(id, sizeof id, "<tr id=\"task-%zu\"", n);
	if ((p = strstr(html, id)) == NULL || (end = strstr(p, "</tr>")) == NULL)
		return (NULL);
	return (xstrndup(p, (size_t)(end - p)));
}

/* No NaN or infinity in any SVG: each chart's coordinates are finite. */
static void
expect_finite_svg(const char *html, const char *ctx)
{
	const char	*p = html, *end;
	char		*svg;

	while ((p = strstr(p, "<svg")) != NULL) {
		end = strstr(p, "</svg>");
		cr_assert(end != NULL, "%s: unterminated <svg>", ctx);
		svg = xstrndup(p, (size_t)(end - p));
		cr_expect(strcasestr(svg, "nan") == NULL && strcasestr(svg, "inf") == NULL,
		    "%s: NaN or infinity in an SVG", ctx);
		free(svg);
		p = end;
	}
}

/* ------------------------------------------------------------------ */

/* Parameters are copied to the test's process: names, not pointers. */
struct fixture {
	char	 name[64];
};

static struct fixture fixtures[] = {
	{ "jilin-2012Q3.json" }, { "jilin-2012Q4-partial.json" },
	{ "changchun-2017Q2.json" }, { "changchun-2021Q4.json" },
	{ "linyi-2019Q3.json" },
};

ParameterizedTestParameters(report_html, fixture)
{
	return (cr_make_param_array(struct fixture, fixtures,
	    sizeof fixtures / sizeof fixtures[0]));
}

ParameterizedTest(struct fixture *fx, report_html, fixture)
{
	const char	*name[] = { fx->name };
	json_t		*r = load(*name), *t, *s, *ms, *tg, *o;
	char		*html, *row, want[512], num[64], cn[32];
	const char	*status;
	size_t		 i, len, ntasks, noffices;

	html = render(r, &len);
	cr_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0, "%s: no doctype", *name);
	expect_has(html, "<html lang=\"zh-CN\">", *name);
	expect_has(html, "<meta charset=\"utf-8\">", *name);
	cr_expect(strstr(html, "<script") == NULL, "%s: a script", *name);
	cr_expect(strstr(html, "http://") == NULL && strstr(html, "https://") == NULL &&
	    strstr(html, "@import") == NULL && strstr(html, "url(") == NULL,
	    "%s: an external resource", *name);

	/* The header: the title the plans' kind gives (工作要点落实情况 for
	 * Changchun 2021 and Linyi 2019), with the quarter. */
	cr_assert_not_null(S(r, "title"), "%s: no title", *name);
	cr_expect(strncmp(S(r, "title"), S(r, "quarter_label"),
	    strlen(S(r, "quarter_label"))) == 0, "%s: %s", *name, S(r, "title"));
	snprintf(want, sizeof want, "<h1>%s</h1>", S(r, "title"));
	expect_has(html, want, *name);
	snprintf(want, sizeof want, "<title>%s %s</title>", S(r, "organisation"),
	    S(r, "title"));
	expect_has(html, want, *name);
	expect_has_escaped(html, S(r, "organisation"), *name);
	json_array_foreach(G(r, "plans"), i, o) {
		expect_has_escaped(html, S(o, "title"), *name);
		if (S(o, "document_number") != NULL)
			expect_has_escaped(html, S(o, "document_number"), *name);
	}
	/* Dates as documents write them. */
	report_date_cn(S(r, "as_of"), cn, sizeof cn);
	snprintf(want, sizeof want, "数据截至 %s%s", cn,
	    json_is_true(G(r, "final")) ? "</span>" : "（本季度尚未结束）");
	expect_has(html, want, *name);

	/* The summary's counts, in its sentence. */
	s = G(r, "summary");
	ms = G(s, "milestones");
	tg = G(s, "targets");
	report_number(G(s, "tasks"), num, sizeof num);
	snprintf(want, sizeof want, "本季度督查%s任务 %s 项", S(r, "plan_kind"), num);
	expect_has(html, want, *name);
	{
		static const char *const st[] = { "done", "on_track", "behind", "overdue",
		    "unreported", "unassigned" };

		for (i = 0; i < 6; i++) {
			report_number(G(s, st[i]), num, sizeof num);
			snprintf(want, sizeof want, "%s %s 项", report_status_label(st[i]), num);
			expect_has(html, want, *name);
		}
	}
	report_percent(G(s, "completion"), num, sizeof num);
	snprintf(want, sizeof want, "完成率 %s", num);
	expect_has(html, want, *name);
	report_number(G(ms, "total"), num, sizeof num);
	snprintf(want, sizeof want, "共设节点 %s 个", num);
	expect_has(html, want, *name);
	report_number(G(ms, "overdue"), num, sizeof num);
	snprintf(want, sizeof want, "逾期 %s 个", num);
	expect_has(html, want, *name);
	report_number(G(tg, "total"), num, sizeof num);
	snprintf(want, sizeof want, "量化指标 %s 个", num);
	expect_has(html, want, *name);
	report_percent(G(tg, "avg_completion"), num, sizeof num);
	snprintf(want, sizeof want, "平均完成率 %s（已填报 %lld/%lld）", num,
	    (long long)json_integer_value(G(tg, "measured_reported")),
	    (long long)json_integer_value(G(tg, "measured")));
	if (json_integer_value(G(tg, "measured")) > 0)
		expect_has(html, want, *name);
	report_number(G(tg, "unreported"), num, sizeof num);
	snprintf(want, sizeof want, "未填报 %s 个", num);
	expect_has(html, want, *name);

	/* Each task's row: its label, title, lead office and status. */
	ntasks = json_array_size(G(r, "tasks"));
	json_array_foreach(G(r, "tasks"), i, t) {
		char	*e;

		row = task_row(html, i + 1);
		cr_assert(row != NULL, "%s: no row for task %s", *name, S(t, "label"));
		e = escaped(S(t, "label"));
		snprintf(want, sizeof want, "<td class=\"c lbl\">%s</td>", e);
		free(e);
		expect_has(row, want, S(t, "label"));
		expect_has_escaped(row, S(t, "title"), S(t, "label"));
		status = S(t, "status");
		snprintf(want, sizeof want, "<span class=\"st st-%s\">%s</span>", status,
		    report_status_label(status));
		expect_has(row, want, S(t, "label"));
		if (S(t, "lead_office") == NULL)
			expect_has(row, "<td class=\"none\">未明确牵头处室</td>", S(t, "label"));
		else
			expect_has_escaped(row, S(t, "lead_office"), S(t, "label"));
		cr_expect_eq(occurrences(row, "<svg"), 1, "%s: task %s: %zu bars", *name,
		    S(t, "label"), occurrences(row, "<svg"));
		if (json_is_object(G(t, "last_update")) && S(G(t, "last_update"), "note"))
			expect_has_escaped(row, S(G(t, "last_update"), "note"), S(t, "label"));
		free(row);
	}

	/* One progress bar a task, the status chart, the office chart (when
	 * an office is ranked: one with nothing due is listed apart, in
	 * words) and the burn-up. */
	noffices = 0;
	json_array_foreach(G(r, "offices"), i, o)
		noffices += json_is_integer(G(o, "rank"));
	cr_expect_eq(occurrences(html, "<svg class=\"progress\""), ntasks, "%s", *name);
	cr_expect_eq(occurrences(html, "<svg class=\"chart status-chart\""), 1);
	cr_expect_eq(occurrences(html, "<svg class=\"chart office-chart\""),
	    noffices > 0 ? 1 : 0, "%s", *name);
	cr_expect_eq(occurrences(html, "<svg class=\"chart burnup-chart\""), 1);
	cr_expect_eq(occurrences(html, "<svg"), ntasks + 2 + (noffices > 0),
	    "%s: %zu <svg", *name, occurrences(html, "<svg"));
	cr_expect_eq(occurrences(html, "</svg>"), occurrences(html, "<svg"));
	if (json_array_size(G(r, "offices")) == 0)
		expect_has(html, "暂无处室排名", *name);
	json_array_foreach(G(r, "offices"), i, o)
		expect_has_escaped(html, S(o, "name"), *name);
	json_array_foreach(G(r, "supervise"), i, o)
		expect_has_escaped(html, S(o, "title"), *name);
	if (json_array_size(G(r, "supervise")) == 0)
		expect_has(html, "<p class=\"empty\">无。</p>", *name);
	for (i = 1; i <= 12; i++) {
		snprintf(want, sizeof want, ">%zu月</text>", i);
		expect_has(html, want, *name);
	}

	/* The footer's 落款 (organisation and day, no "duban 生成") and the
	 * page numbers. */
	cr_expect(strstr(html, "duban 生成") == NULL, "%s: duban 生成", *name);
	snprintf(want, sizeof want, "<div class=\"sign\"><span>%s</span><span>%s</span></div>",
	    S(r, "organisation"), cn);
	expect_has(html, want, *name);
	expect_has(html, "counter(pages)", *name);
	expect_has(html, "@page wide{size:A4 landscape", *name);
	expect_finite_svg(html, *name);
	cr_expect(len > 10000, "%s: only %zu bytes", *name, len);
	cr_expect(strcmp(html + len - 8, "</html>\n") == 0);

	free(html);
	json_decref(r);
}

/* Statuses as a reader would check them in jilin 2012 Q3. */
Test(report_html, jilin_statuses)
{
	json_t		*r = load("jilin-2012Q3.json"), *t;
	char		*html = render(r, NULL), *row;
	size_t		 i, seen = 0;

	json_array_foreach(G(r, "tasks"), i, t) {
		row = task_row(html, i + 1);
		cr_assert(row != NULL);
		if (strcmp(S(t, "label"), "5①") == 0) {
			/* done: 已完成, green, and not 逾期. */
			expect_has(row, "<span class=\"st st-done\">已完成</span>", "5①");
			cr_expect(strstr(row, "逾期</span>") == NULL);
			seen++;
		} else if (strcmp(S(t, "label"), "5") == 0) {
			/* No lead office: 未明确牵头处室, and what it would be
			 * (5① done, 5② and 5③ not reported: nothing behind). */
			expect_has(row, "<span class=\"st st-unassigned\">未明确牵头处室</span>"
			    "<span class=\"sub st-on_track\">（按期推进）</span>", "5");
			expect_has(row, "<tr id=\"task-5\" class=\"task d0", "5");
			seen++;
		} else if (strcmp(S(t, "label"), "5②") == 0) {
			expect_has(row, "class=\"task d1\" data-status=\"unreported\"",
			    "5② indented");
			seen++;
		} else if (strcmp(S(t, "label"), "2") == 0) {
			/* Nothing reported, the quarter over: 未填报, its figures
			 * 逾期未报, no percentage, never 滞后. */
			expect_has(row, "<span class=\"st st-unreported\">未填报</span>", "2");
			expect_has(row, "<li class=\"late\"><span class=\"tn\">各县（市）新建幼儿园"
			    "</span>：<span class=\"tp\">要求12所，逾期未报</span></li>", "2");
			expect_has(row, "aria-label=\"未填报，已填报 0/2，时间进度", "2");
			cr_expect(strstr(row, "滞后") == NULL, "2 is called 滞后: %s", row);
			cr_expect(strstr(row, "0%") == NULL, "2 shows 0%%: %s", row);
			seen++;
		} else if (strcmp(S(t, "label"), "7") == 0) {
			expect_has(row, "<span class=\"st st-overdue\">逾期</span>", "7");
			/* Judged on the as-of day, 30 September. */
			expect_has(row, "暑假期培训（2012年8月31日到期，逾期 30 天）", "7");
			expect_has(row, "<div class=\"bad\">逾期 1</div>", "7");
			seen++;
		} else if (strcmp(S(t, "label"), "1") == 0) {
			expect_has(row, "普通高中受助学生</span>：<span class=\"tp\">6400名 / "
			    "8000名以上（80.0%）", "1");
			expect_has(row, "财务审计处（牵头）、基础教育处、职业与成人教育处", "1");
			expect_has(row, "于海波、韩非、张彦明", "1");
			expect_has(row, "已发放普通高中学生资助面", "1");
			expect_has(row, "惠及学生", "1");
			expect_has(row, "2012年6月20日", "1");
			/* 時间进度: 274 of 366 days. */
			expect_has(row, "时间进度 74.9%", "1");
			/* Its two standards are not reported. */
			expect_has(row, "<span class=\"el\">已填报 10/12</span>", "1");
			seen++;
		}
		free(row);
	}
	cr_expect_eq(seen, 6);
	/* The supervise table's reasons, joined with "；". */
	expect_has(html, "逾期节点 1 个；逾期未报：上岗技能免费培训、免费培训计划投入、"
	    "开设培训项目", "supervise");
	/* The ranking, on the milestones due: 人事处 1 (its one done on
	 * time), 职业与成人教育处 2 (one of two, 50%); finance and the six
	 * others had nothing due: apart, not last, not ranked. */
	expect_has(html, "<td class=\"n c\">1</td><td>人事处</td>", "offices");
	expect_has(html, "<td class=\"n c\">2</td><td>职业与成人教育处</td>", "offices");
	expect_has(html, "<td class=\"n\">50.0%</td>", "offices");
	expect_has(html, "本期无到期事项（不参加排名）：</b>体育卫生艺术教育处（牵头任务 1 项）",
	    "offices");
	expect_has(html, "财务审计处（牵头任务 2 项）。</p>", "offices");
	expect_has(html, "排名规则：处室排名按各处室牵头任务中截至本期已到期的节点计算", "offices");
	/* The lights: tiles with their words, a badge per task. */
	expect_has(html, "<span class=\"v\">2</span><span class=\"k\">红灯（严重滞后或逾期）</span>",
	    "lights");
	expect_has(html, "<span class=\"lt lt-red\">红灯</span>", "lights");
	expect_has(html, "<span class=\"flag\">未明确牵头处室</span>", "lights");
	expect_has(html, "灯号：绿灯：按序时进度推进或已完成；黄灯：落后序时进度超过 10 个百分点", "lights");
	expect_has(html, "吉市教通字〔2012〕12号", "plan");
	free(html);
	json_decref(r);
}

Test(report_html, partial_quarter_says_so)
{
	json_t	*r = load("jilin-2012Q4-partial.json");
	char	*html = render(r, NULL);

	expect_has(html, "数据截至 2012年11月1日（本季度尚未结束）", "header");
	expect_has(html, "2012年第四季度民生实事督查报告", "title");
	/* The as-of day is a column of the burn-up's table. */
	expect_has(html, "<th>11月1日</th>", "burnup");
	free(html);
	json_decref(r);
}

Test(report_html, escapes_everything)
{
	json_t		*r = load("jilin-2012Q3.json"), *t;
	const char	*evil = "<script>alert(\"x\")</script> & 测试";
	const char	*quote = "O'Brien \"处\" <b>";
	char		*html;

	t = json_array_get(G(r, "tasks"), 0);
	json_object_set_new(t, "title", json_string(evil));
	json_object_set_new(t, "lead_office", json_string(quote));
	json_object_set_new(json_object_get(t, "last_update"), "note",
	    json_string("</td></tr></table><img src=x onerror=alert(1)>"));
	json_object_set_new(json_array_get(G(t, "targets"), 0), "unit",
	    json_string("<i>"));
	json_object_set_new(json_array_get(G(r, "supervise"), 0), "title",
	    json_string(evil));
	json_object_set_new(json_array_get(G(r, "offices"), 0), "name",
	    json_string(evil));
	json_object_set_new(r, "organisation", json_string("</title><script>x</script>"));
	json_object_set_new(r, "quarter_label", json_string("\"}</style><script>"));
	json_object_set_new(json_array_get(G(r, "plans"), 0), "document_number",
	    json_string("\"}</style><script>y</script>\\"));

	html = render(r, NULL);
	expect_has(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 测试",
	    "title");
	expect_has(html, "O&#39;Brien &quot;处&quot; &lt;b&gt;", "office");
	expect_has(html, "&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;img", "note");
	expect_has(html, "&lt;i&gt;", "unit");
	cr_expect(strstr(html, "<script") == NULL, "a raw <script>");
	cr_expect(strstr(html, "<img") == NULL, "a raw <img>");
	cr_expect(strstr(html, "\"处\" <b>") == NULL && strstr(html, "<i>") == NULL);
	/* Inside the stylesheet's running heads: hex escapes. */
	cr_expect_eq(occurrences(html, "</style>"), 1);
	cr_expect_eq(occurrences(html, "</title>"), 1);
	expect_has(html, "\\22 }\\3c /style\\3e \\3c script\\3e y", "css");
	/* Still one row a task, one bar a task. */
	cr_expect_eq(occurrences(html, "<svg class=\"progress\""),
	    json_array_size(G(r, "tasks")));
	free(html);
	json_decref(r);
}

/* 存在问题, 下步措施 and 需协调事项 follow the note, each a labelled
 * paragraph, escaped, and only where the last update has them. */
Test(report_html, texts_beside_the_note)
{
	json_t		*r = load("jilin-2012Q3.json"), *u;
	char		*html;

	u = json_object_get(json_array_get(G(r, "tasks"), 0), "last_update");
	cr_assert(json_is_object(u));
	json_object_set_new(u, "problems", json_string("部分县区审核滞后 <b>"));
	json_object_set_new(u, "next_steps", json_string(""));
	json_object_set_new(u, "coordination", json_string("请财政局加快拨付"));
	html = render(r, NULL);
	expect_has(html, "<p class=\"more problems\"><b>存在问题：</b>部分县区审核滞后 &lt;b&gt;</p>",
	    "problems");
	expect_has(html, "<p class=\"more coordination\"><b>需协调事项：</b>请财政局加快拨付</p>",
	    "coordination");
	cr_expect(strstr(html, "下步措施：") == NULL, "an empty 下步措施 is shown");
	cr_expect_eq(occurrences(html, "<p class=\"more "), 2);
	free(html);
	json_decref(r);
}

Test(report_html, same_json_same_bytes)
{
	json_t	*r = load("jilin-2012Q3.json"), *copy;
	char	*a, *b;
	size_t	 la, lb;

	a = render(r, &la);
	copy = json_deep_copy(r);
	b = render(copy, &lb);
	cr_expect_eq(la, lb);
	cr_expect(la == lb && memcmp(a, b, la) == 0, "two renderings differ");
	free(a);
	free(b);
	json_decref(copy);
	json_decref(r);
}

Test(report_html, degenerate_input)
{
	static const char *const docs[] = {
		"{}",
		"{\"kind\":\"quarterly\",\"tasks\":[],\"offices\":[],\"supervise\":[],"
		"\"burnup\":[],\"plans\":[],\"summary\":{\"tasks\":null,\"done\":null,"
		"\"on_track\":null,\"behind\":null,\"overdue\":null,\"unassigned\":null,"
		"\"completion\":null,\"milestones\":null,\"targets\":null}}",
		"{\"tasks\":null,\"offices\":null,\"supervise\":null,\"burnup\":null,"
		"\"summary\":null,\"period\":null,\"plans\":null,\"as_of\":null}",
		/* Wrong types everywhere, and a task that is nothing. */
		"{\"tasks\":[{},null,7,{\"targets\":[{},null],\"milestones\":{\"total\":0,"
		"\"overdue_items\":[{}]},\"last_update\":5,\"leaders\":[1,null],"
		"\"depth\":-3,\"status\":\"<x>\"}],\"offices\":[{},null],"
		"\"supervise\":[{},{\"reasons\":[null,1]}],\"burnup\":[{},null,"
		"{\"date\":\"2012-13-45\"},{\"date\":\"x\"}],\"summary\":{\"tasks\":\"x\"},"
		"\"plans\":[{},null],\"as_of\":\"2012-02-30\",\"organisation\":7}",
		/* Extremes: huge, negative and out-of-range numbers. */
		"{\"as_of\":\"2012-09-30\",\"summary\":{\"tasks\":0,\"done\":1e308,"
		"\"behind\":-5},\"tasks\":[{\"label\":\"1\",\"title\":\"t\",\"status\":\"done\","
		"\"targets\":[{\"percent\":1e308,\"elapsed\":-4},{\"percent\":-1e308,"
		"\"elapsed\":1e300}],\"milestones\":{\"total\":0,\"done\":5}},"
		"{\"milestones\":{\"total\":3,\"done\":9}}],"
		"\"offices\":[{\"name\":\"很长很长很长很长很长很长很长很长很长很长"
		"很长很长很长的处室名称\","
		"\"on_time_rate\":1e300,\"avg_completion\":-1}],"
		"\"burnup\":[{\"date\":\"2012-01-31\",\"planned\":1e300,\"done\":-1},"
		"{\"date\":\"2012-01-31\",\"planned\":0,\"done\":0},"
		"{\"date\":\"2099-12-31\",\"planned\":3,\"done\":null}]}",
		/* One burn-up point, all zero. */
		"{\"as_of\":\"2012-01-31\",\"burnup\":[{\"date\":\"2012-01-31\","
		"\"planned\":0,\"done\":0}]}",
	};
	json_error_t	 err;
	json_t		*r;
	char		*html, *cause = NULL;
	size_t		 i, len;
	FILE		*f;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		r = json_loads(docs[i], 0, &err);
		cr_assert(r != NULL, "doc %zu: %s", i, err.text);
		html = render(r, &len);
		cr_expect(strncmp(html, "<!DOCTYPE html>", 15) == 0, "doc %zu", i);
		cr_expect(strcmp(html + len - 8, "</html>\n") == 0, "doc %zu", i);
		cr_expect(strstr(html, "<x>") == NULL, "doc %zu", i);
		cr_expect_eq(occurrences(html, "<svg class=\"progress\""),
		    occurrences(html, "<tr id=\"task-"), "doc %zu", i);
		expect_finite_svg(html, docs[i]);
		free(html);
		json_decref(r);
	}

	/* Empty arrays: the reader is told there is nothing. */
	r = json_loads(docs[1], 0, &err);
	html = render(r, NULL);
	expect_has(html, "<p class=\"empty\">无。</p>", "supervise");
	expect_has(html, "无任务", "tasks");
	expect_has(html, "暂无处室排名", "offices");
	expect_has(html, "暂无节点进度数据", "burnup");
	expect_has(html, "本季度督查民生实事任务 — 项", "summary");
	free(html);
	json_decref(r);

	/* Not an object: an error in Chinese, nothing else. */
	r = json_array();
	f = open_memstream(&html, &len);
	cr_expect_eq(report_html(r, f, &cause), -1);
	fclose(f);
	cr_expect(cause != NULL && strstr(cause, "JSON 对象") != NULL);
	free(cause);
	free(html);
	json_decref(r);
}

/* Twice the tasks, offices, supervise items: twice the bytes (linear). */
Test(report_html, size_is_linear)
{
	json_t		*base = load("jilin-2012Q3.json"), *r;
	const char	*arrays[] = { "tasks", "offices", "supervise" };
	size_t		 sizes[2], i, k, times, n;
	char		*html;

	for (k = 0; k < 2; k++) {
		r = json_deep_copy(base);
		times = k == 0 ? 100 : 200;
		for (i = 0; i < 3; i++) {
			json_t	*a = json_deep_copy(G(base, arrays[i]));

			for (n = 1; n < times; n++)
				json_array_extend(G(r, arrays[i]), a);
			json_decref(a);
		}
		html = render(r, &sizes[k]);
		free(html);
		json_decref(r);
	}
	cr_expect(sizes[1] > sizes[0] * 19 / 10 && sizes[1] < sizes[0] * 21 / 10,
	    "sizes %zu and %zu", sizes[0], sizes[1]);
	json_decref(base);
}

/* ------------------------------------------------------------------
 * The real reader: Debian's headless Chromium.
 */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static void
rm_tree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Runs Chromium with args (NULL-terminated), HOME and its profile in
 * dir, its output in dir/chromium.log.  Killed (with what it started)
 * after CHROMIUM_TIMEOUT seconds.  Its exit status, or 128 + signal.
 */
static int
chromium(const char *dir, const char *const *args)
{
	const char	*argv[32];
	char		*profile, *logpath, *env[8];
	int		 status = -1, pidfd, rc, fd;
	size_t		 n = 0, i;
	struct pollfd	 pfd;
	pid_t		 pid;

	profile = xprintf("--user-data-dir=%s/profile", dir);
	logpath = xprintf("%s/chromium.log", dir);
	argv[n++] = CHROMIUM;
	argv[n++] = "--headless";
	argv[n++] = "--no-sandbox";
	argv[n++] = "--disable-gpu";
	argv[n++] = "--no-first-run";
	argv[n++] = "--no-default-browser-check";
	argv[n++] = "--disable-breakpad";
	argv[n++] = profile;
	for (i = 0; args[i] != NULL && n < 31; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	env[0] = xprintf("HOME=%s", dir);
	env[1] = xprintf("XDG_CONFIG_HOME=%s/.config", dir);
	env[2] = xprintf("XDG_CACHE_HOME=%s/.cache", dir);
	env[3] = xprintf("PATH=%s", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
	env[4] = xstrdup("LANG=C.UTF-8");
	env[5] = NULL;

	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execve(CHROMIUM, (char *const *)argv, env);
		_exit(127);
	}
	setpgid(pid, pid);

	/* Wait for it to exit, or for the time limit: no sleeping. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	cr_assert(pidfd != -1, "pidfd_open: %s", strerror(errno));
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	do
		rc = poll(&pfd, 1, CHROMIUM_TIMEOUT * 1000);
	while (rc == -1 && errno == EINTR);
	close(pidfd);
	/*
	 * Too slow, or done but with helpers left behind in its process
	 * group: end them while it is unreaped, so the group is still ours.
	 */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	cr_expect(rc != 0, "chromium took more than %d s", CHROMIUM_TIMEOUT);

	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(profile);
	free(logpath);
	if (WIFEXITED(status))
		return (WEXITSTATUS(status));
	return (128 + WTERMSIG(status));
}

static char *
read_binary(const char *path, size_t *lenp)
{
	char	*buf = NULL;
	size_t	 len = 0, n;
	char	 chunk[65536];
	FILE	*in = fopen(path, "rb"), *out;

	if (in == NULL)
		return (NULL);
	out = open_memstream(&buf, &len);
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(in);
	fclose(out);
	*lenp = len;
	return (buf);
}

/* Pages of a PDF Chromium made: its page objects. */
static size_t
pdf_pages(const char *pdf, size_t len)
{
	size_t	 n = 0, i;

	for (i = 0; i + 11 <= len; i++)
		if (memcmp(pdf + i, "/Type /Page", 11) == 0 &&
		    (i + 11 == len || pdf[i + 11] != 's'))
			n++;
	return (n);
}

static void
keep(const char *path, const char *as)
{
	const char	*dir = getenv("DUBAN_REPORT_HTML_KEEP");
	char		*buf, *dst;
	size_t		 len;

	if (dir == NULL || (buf = read_binary(path, &len)) == NULL)
		return;
	dst = xprintf("%s/%s", dir, as);
	t_write_file(dst, buf, len);
	free(dst);
	free(buf);
}

static void
print_and_shoot(const char *fixture, const char *stem, size_t min_pages, int shoot)
{
	json_t	*r = load(fixture);
	char	 tmpl[] = "/tmp/duban-report-html-XXXXXX";
	char	*html, *htmlpath, *pdfpath, *pngpath, *url, *arg, *arg2, *buf, *log;
	size_t	 len, pages;
	int	 rc;

	if (access(CHROMIUM, X_OK) != 0)
		t_fatal("%s is not installed (apt-get install chromium fonts-noto-cjk)",
		    CHROMIUM);
	cr_assert(mkdtemp(tmpl) != NULL, "mkdtemp: %s", strerror(errno));
	html = render(r, &len);
	htmlpath = xprintf("%s/report.html", tmpl);
	pdfpath = xprintf("%s/report.pdf", tmpl);
	pngpath = xprintf("%s/report.png", tmpl);
	t_write_file(htmlpath, html, len);
	url = xprintf("file://%s", htmlpath);

	/*
	 * One start prints and, if asked, shoots: a start is most of the
	 * time this takes, and the window size only sets the screenshot's
	 * (the PDF's pages are A4 either way).
	 */
	arg = xprintf("--print-to-pdf=%s", pdfpath);
	arg2 = xprintf("--screenshot=%s", pngpath);
	{
		const char *args[] = { "--no-pdf-header-footer", arg, url, NULL };
		const char *both[] = { "--no-pdf-header-footer", arg,
		    "--hide-scrollbars", arg2, "--window-size=1240,1754", url, NULL };

		rc = chromium(tmpl, shoot ? both : args);
	}
	log = xprintf("%s/chromium.log", tmpl);
	if (rc != 0 && (buf = read_binary(log, &len)) != NULL) {
		fprintf(stderr, "chromium: %.*s\n", (int)len, buf);
		free(buf);
	}
	cr_expect_eq(rc, 0, "%s: chromium --print-to-pdf%s exited %d", fixture,
	    shoot ? " --screenshot" : "", rc);
	free(arg);
	free(arg2);
	buf = read_binary(pdfpath, &len);
	cr_assert(buf != NULL, "%s: no PDF", fixture);
	cr_expect(len > 5 && memcmp(buf, "%PDF-", 5) == 0, "%s: not a PDF", fixture);
	cr_expect(len > 30000, "%s: a PDF of %zu bytes", fixture, len);
	pages = pdf_pages(buf, len);
	cr_expect(pages >= min_pages, "%s: %zu pages, want %zu or more", fixture, pages,
	    min_pages);
	free(buf);

	if (shoot) {
		static const unsigned char sig[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		    0x1a, '\n' };

		buf = read_binary(pngpath, &len);
		cr_assert(buf != NULL, "%s: no PNG", fixture);
		cr_expect(len > 8 && memcmp(buf, sig, 8) == 0, "%s: not a PNG", fixture);
		cr_expect(len > 10 * 1024, "%s: a PNG of %zu bytes", fixture, len);
		free(buf);
	}

	buf = xprintf("%s.html", stem);
	keep(htmlpath, buf);
	free(buf);
	buf = xprintf("%s.pdf", stem);
	keep(pdfpath, buf);
	free(buf);
	if (shoot) {
		buf = xprintf("%s.png", stem);
		keep(pngpath, buf);
		free(buf);
	}

	rm_tree(tmpl);
	free(log);
	free(url);
	free(htmlpath);
	free(pdfpath);
	free(pngpath);
	free(html);
	json_decref(r);
}

Test(report_html, chromium_prints_jilin, .timeout = 90)
{
	/* Portrait summary, landscape task table, portrait offices. */
	print_and_shoot("jilin-2012Q3.json", "jilin-2012Q3", 3, 1);
}

Test(report_html, chromium_prints_changchun_without_offices, .timeout = 90)
{
	print_and_shoot("changchun-2017Q2.json", "changchun-2017Q2", 2, 0);
}
