/*
 * The quarterly report as HTML: one self-contained HTML5 document
 * (UTF-8, no scripts, no external resources) laid out for printing on
 * A4, with inline SVG charts: the status counts, a progress bar per
 * task, a bar chart of the lead offices and a burn-up of milestones
 * through the year.  The wide task table goes on landscape pages.
 *
 * Every string from the report is escaped; the output depends on the
 * JSON alone (no clock), and its size and the time to make it grow
 * linearly with the report.  Numbers are worded by report.c's helpers so
 * that the HTML says what the other formats say.
 *
 * This file writes the document and its sections; the charts are in
 * report-html-chart.c and the stylesheet in report-html-css.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "report.h"
#include "report-html.h"
#include "xmalloc.h"

const char *const html_statuses[HTML_NSTATUSES] = {
	"done", "on_track", "behind", "overdue", "unreported", "unassigned"
};

/* ------------------------------------------------------------------
 * Escaping and numbers.
 */

/* Text or an attribute value: the five specials escaped, C0 controls
 * other than tab and line breaks dropped. */
void
html_esc(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n' &&
			    *s != '\r')
				break;
			fputc(*s, f);
		}
	}
}

/* Escaped text, or dflt (our own wording) when there is none. */
void
html_esc_or(FILE *f, const char *s, const char *dflt)
{
	if (s == NULL || *s == '\0')
		fputs(dflt, f);
	else
		html_esc(f, s);
}

void
html_put_number(FILE *f, const json_t *v)
{
	char	 buf[64];

	report_number(v, buf, sizeof buf);
	html_esc(f, buf);
}

static void
put_percent(FILE *f, const json_t *v)
{
	char	 buf[64];

	report_percent(v, buf, sizeof buf);
	html_esc(f, buf);
}

/* o's avg_completion with what it is over: "80.0%（已填报 4/49）". */
static void
put_average(FILE *f, const json_t *o, const char *reported, const char *of)
{
	char	 buf[96];

	report_average(G(o, "avg_completion"), G(o, reported), G(o, of), buf, sizeof buf);
	html_esc(f, buf);
}

/* An ISO date as documents write it, 2012年9月30日; dflt when there is
 * none. */
static void
put_date(FILE *f, const char *iso, const char *dflt)
{
	char	 buf[64];

	if (iso == NULL || *iso == '\0') {
		fputs(dflt, f);
		return;
	}
	report_date_cn(iso, buf, sizeof buf);
	html_esc(f, buf);
}

/* A task's or a target's light, with its word (never colour alone),
 * then 临期 and, for a task without a lead office, that flag. */
static void
light_badge(FILE *f, const json_t *item)
{
	const char	*l = S(item, "light");

	if (l != NULL && *report_light_label(l) != '\0')
		fprintf(f, "<span class=\"lt lt-%s\">%s</span>", l, report_light_label(l));
	if (json_is_true(G(item, "due_soon")))
		fputs("<span class=\"soon\">" REPORT_DUE_SOON "</span>", f);
	if (json_is_true(G(item, "unassigned")))
		fputs("<span class=\"flag\">" REPORT_NO_LEAD "</span>", f);
}

/* A JSON number that is finite; 0 (and *out untouched) otherwise. */
int
html_number(const json_t *v, double *out)
{
	double	 x;

	if (!json_is_number(v))
		return (0);
	x = json_number_value(v);
	if (!isfinite(x))
		return (0);
	*out = x;
	return (1);
}

/* A count for arithmetic: a JSON number, else 0; never below 0. */
double
html_count(const json_t *v)
{
	double	 x = 0;

	if (!html_number(v, &x) || x < 0)
		return (0);
	return (x);
}

int
html_status_index(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < HTML_NSTATUSES; i++)
		if (strcmp(s, html_statuses[i]) == 0)
			return (i);
	return (-1);
}

static const char *
status_class(const char *s)
{
	int	 i = html_status_index(s);

	return (i >= 0 ? html_statuses[i] : "other");
}

static void
head(struct html *h)
{
	FILE	*f = h->f;
	char	 title[256];

	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"duban\">\n<title>", f);
	html_esc(f, S(h->r, "organisation"));
	if (S(h->r, "organisation") != NULL)
		fputs(" ", f);
	report_title(h->r, title, sizeof title);
	html_esc(f, title);
	fputs("</title>\n<style>\n", f);
	html_css(h);
	fputs("</style>\n</head>\n<body>\n", f);
}

/* ------------------------------------------------------------------
 * 1. The header.
 */

static void
header(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*p, *period = G(h->r, "period");
	char		 title[256];
	size_t		 i;

	fputs("<header class=\"doc-head\">\n", f);
	if (S(h->r, "organisation") != NULL) {
		fputs("<div class=\"org\">", f);
		html_esc(f, S(h->r, "organisation"));
		fputs("</div>\n", f);
	}
	fputs("<h1>", f);
	report_title(h->r, title, sizeof title);
	html_esc(f, title);
	fputs("</h1>\n", f);
	json_array_foreach(G(h->r, "plans"), i, p) {
		fputs("<p class=\"plan\">依据：《", f);
		html_esc_or(f, S(p, "title"), "（未命名计划）");
		fputs("》", f);
		if (S(p, "document_number") != NULL || S(p, "issued_on") != NULL) {
			fputs("（", f);
			html_esc(f, S(p, "document_number"));
			if (S(p, "document_number") != NULL && S(p, "issued_on") != NULL)
				fputs("，", f);
			if (S(p, "issued_on") != NULL) {
				put_date(f, S(p, "issued_on"), "");
				fputs("印发", f);
			}
			fputs("）", f);
		}
		fputs("</p>\n", f);
	}
	fputs("<p class=\"period\">统计期间：", f);
	put_date(f, S(period, "from"), "—");
	fputs(" 至 ", f);
	put_date(f, S(period, "to"), "—");
	fputs("　　<span class=\"running\">数据截至 ", f);
	put_date(f, S(h->r, "as_of"), "—");
	if (!json_is_true(G(h->r, "final")))
		fputs("（本季度尚未结束）", f);
	fputs("</span></p>\n</header>\n", f);
}

/* ------------------------------------------------------------------
 * 2. 总体情况: figures, a sentence, the status chart, the milestones
 * and targets.
 */

static void
figure_box(FILE *f, const char *cls, const char *value, const char *caption)
{
	fprintf(f, "<div class=\"fig%s%s\"><span class=\"v\">", cls ? " st-" : "",
	    cls ? cls : "");
	html_esc(f, value);
	fprintf(f, "</span><span class=\"k\">%s</span></div>\n", caption);
}

static void
summary(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*s = G(h->r, "summary");
	const json_t	*ms = G(s, "milestones"), *tg = G(s, "targets");
	char		 v[64];
	size_t		 i;

	fputs("<section class=\"summary\">\n<h2>一、总体情况</h2>\n", f);

	report_task_noun(h->r, v, sizeof v);
	fputs("<p class=\"lead\">本季度督查", f);
	html_esc(f, v);
	fputs(" ", f);
	html_put_number(f, G(s, "tasks"));
	fputs(" 项，其中", f);
	for (i = 0; i < HTML_NSTATUSES; i++) {
		fprintf(f, "%s%s ", i > 0 ? "、" : "", report_status_label(html_statuses[i]));
		html_put_number(f, G(s, html_statuses[i]));
		fputs(" 项", f);
	}
	fputs("，完成率 ", f);
	put_percent(f, G(s, "completion"));
	fputs("。共设节点 ", f);
	html_put_number(f, G(ms, "total"));
	fputs(" 个，已到期 ", f);
	html_put_number(f, G(ms, "due"));
	fputs(" 个，已完成 ", f);
	html_put_number(f, G(ms, "done"));
	fputs(" 个（按时完成 ", f);
	html_put_number(f, G(ms, "on_time"));
	fputs(" 个），逾期 ", f);
	html_put_number(f, G(ms, "overdue"));
	fputs(" 个，本季度到期 ", f);
	html_put_number(f, G(ms, "due_this_quarter"));
	fputs(" 个；量化指标 ", f);
	html_put_number(f, G(tg, "total"));
	fputs(" 个，其中按累计进度计算的 ", f);
	html_put_number(f, G(tg, "measured"));
	fputs(" 个，滞后 ", f);
	html_put_number(f, G(tg, "behind"));
	fputs(" 个，未填报 ", f);
	html_put_number(f, G(tg, "unreported"));
	fputs(" 个（其中逾期未报 ", f);
	html_put_number(f, G(tg, "late"));
	fputs(" 个），平均完成率 ", f);
	put_average(f, tg, "measured_reported", "measured");
	fputs("。</p>\n", f);

	/* The lights, 临期 and the tasks without a lead office (a flag), and
	 * how many are done out of how many: no bare "完成率 0%". */
	fputs("<div class=\"figs\">\n", f);
	report_number(G(s, "tasks"), v, sizeof v);
	figure_box(f, NULL, v, "任务总数（项）");
	if (json_is_object(G(s, "lights"))) {
		static const char *const lights[] = { "green", "yellow", "red", "grey" };
		static const char *const captions[] = { "绿灯（按期推进）", "黄灯（滞后预警）",
		    "红灯（严重滞后或逾期）", "灰灯（应报未报）" };

		for (i = 0; i < 4; i++) {
			report_number(G(G(s, "lights"), lights[i]), v, sizeof v);
			figure_box(f, lights[i], v, captions[i]);
		}
		report_number(G(s, "due_soon"), v, sizeof v);
		figure_box(f, "soon", v, REPORT_DUE_SOON);
		report_number(G(s, "without_lead"), v, sizeof v);
		figure_box(f, "unassigned", v, REPORT_NO_LEAD);
	} else
		for (i = 1; i < HTML_NSTATUSES; i++) {
			report_number(G(s, html_statuses[i]), v, sizeof v);
			figure_box(f, html_statuses[i], v, report_status_label(html_statuses[i]));
		}
	snprintf(v, sizeof v, "%lld/%lld", (long long)json_integer_value(G(s, "done")),
	    (long long)json_integer_value(G(s, "tasks")));
	figure_box(f, "done", v, "已完成（项）");
	fputs("</div>\n", f);

	fputs("<div class=\"overview\">\n<figure>\n", f);
	html_status_chart(h, s);
	fputs("<figcaption>图1　各状态任务数</figcaption>\n</figure>\n<div>\n", f);

	fputs("<table class=\"kv\">\n<thead><tr><th colspan=\"6\">节点</th></tr>\n"
	    "<tr><th>总数</th><th>已到期</th><th>已完成</th><th>按时完成</th>"
	    "<th>逾期</th><th>本季度到期</th></tr></thead>\n<tbody><tr>", f);
	{
		static const char *const keys[] = { "total", "due", "done", "on_time",
		    "overdue", "due_this_quarter" };

		for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			fputs(strcmp(keys[i], "overdue") == 0 && html_count(G(ms, keys[i])) > 0 ?
			    "<td class=\"n bad\">" : "<td class=\"n\">", f);
			html_put_number(f, G(ms, keys[i]));
			fputs("</td>", f);
		}
	}
	fputs("</tr></tbody>\n</table>\n", f);

	fputs("<table class=\"kv\">\n<thead><tr><th colspan=\"5\">量化指标</th></tr>\n"
	    "<tr><th>总数</th><th>按累计进度计算</th><th>滞后</th><th>未填报</th>"
	    "<th>平均完成率</th></tr></thead>\n<tbody><tr><td class=\"n\">", f);
	html_put_number(f, G(tg, "total"));
	fputs("</td><td class=\"n\">", f);
	html_put_number(f, G(tg, "measured"));
	fputs(html_count(G(tg, "behind")) > 0 ? "</td><td class=\"n warn\">" :
	    "</td><td class=\"n\">", f);
	html_put_number(f, G(tg, "behind"));
	fputs(html_count(G(tg, "late")) > 0 ? "</td><td class=\"n bad\">" :
	    "</td><td class=\"n\">", f);
	html_put_number(f, G(tg, "unreported"));
	fputs("</td><td class=\"n\">", f);
	put_average(f, tg, "measured_reported", "measured");
	fputs("</td></tr></tbody>\n</table>\n", f);
	fputs("</div>\n</div>\n</section>\n", f);
}

/* ------------------------------------------------------------------
 * 3. 需督办事项.
 */

static void
status_cell(FILE *f, const char *status, const char *progress)
{
	fprintf(f, "<span class=\"st st-%s\">", status_class(status));
	html_esc_or(f, report_status_label(status), "—");
	fputs("</span>", f);
	if (status != NULL && strcmp(status, "unassigned") == 0 && progress != NULL &&
	    strcmp(progress, "unassigned") != 0) {
		fprintf(f, "<span class=\"sub st-%s\">（", status_class(progress));
		html_esc(f, report_status_label(progress));
		fputs("）</span>", f);
	}
}

static void
office_cell(FILE *f, const char *office)
{
	if (office == NULL || *office == '\0')
		fputs("<td class=\"none\">未明确牵头处室</td>", f);
	else {
		fputs("<td>", f);
		html_esc(f, office);
		fputs("</td>", f);
	}
}

static void
supervise(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "supervise"), *x;
	char		*why;
	size_t		 i;

	fputs("<section class=\"supervise\">\n<h2>二、需督办事项</h2>\n", f);
	if (json_array_size(a) == 0) {
		fputs("<p class=\"empty\">无。</p>\n</section>\n", f);
		return;
	}
	fputs("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"需督办事项表\"><table class=\"supervise\">\n<colgroup><col style=\"width:7%\">"
	    "<col style=\"width:28%\"><col style=\"width:15%\"><col style=\"width:11%\">"
	    "<col></colgroup>\n<thead><tr><th>序号</th><th>民生事项名称</th>"
	    "<th>牵头处室</th><th>状态</th><th>督办事由</th></tr></thead>\n<tbody>\n", f);
	json_array_foreach(a, i, x) {
		why = report_join(G(x, "reasons"), "；");
		fputs("<tr><td class=\"c\">", f);
		html_esc(f, S(x, "label"));
		fputs("</td><td>", f);
		html_esc(f, S(x, "title"));
		fputs("</td>", f);
		office_cell(f, S(x, "lead_office"));
		fputs("<td class=\"c\">", f);
		status_cell(f, S(x, "status"), NULL);
		fputs("</td><td>", f);
		html_esc_or(f, why, "—");
		fputs("</td></tr>\n", f);
		free(why);
	}
	fputs("</tbody>\n</table></div>\n</section>\n", f);
}

/* ------------------------------------------------------------------
 * 4. 各项任务.
 */

/* Column widths in millimetres of a landscape page's 268 (with 监督电话,
 * shared out in proportion). */
static const struct {
	const char	*name;
	int		 mm;
} cols[] = {
	{ "序号", 9 }, { "类别", 13 }, { "民生事项名称", 23 },
	{ "年度任务目标", 53 }, { "牵头处室", 14 }, { "责任单位", 18 },
	{ "分管领导", 13 }, { "监督电话", 16 }, { "完成时限", 15 }, { "进度", 18 },
	{ "节点", 19 }, { "灯号与状态", 15 }, { "截至本期完成情况", 23 },
	{ "取得成效", 20 }, { "最近更新", 15 },
};
#define PHONE_COL	7

const char *
html_task_column(const struct html *h, size_t k)
{
	size_t	 i;

	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (i != PHONE_COL || h->phones) {
			if (k-- == 0)
				return (cols[i].name);
		}
	return (NULL);
}

/* An item's 佐证材料 as of the report, on a line of its own: "佐证材料：
 * 2 件：a.pdf；b.jpg"; nothing for an item without (a line of 无 under
 * each of a task's dozen targets would double the printed pages; the
 * XLSX and CSV say 无 in their column). */
static void
files_line(FILE *f, const json_t *files)
{
	char	*phrase;

	if (json_array_size(files) == 0)
		return;
	phrase = report_files_phrase(files);
	fputs("<div class=\"ev\">佐证材料：", f);
	html_esc(f, phrase);
	fputs("</div>", f);
	free(phrase);
}

static void
goal_cell(FILE *f, const json_t *t)
{
	const json_t	*g;
	char		 phrase[1024];
	size_t		 i;

	fputs("<td class=\"goal\">", f);
	if (S(t, "goal") != NULL && *S(t, "goal") != '\0') {
		fputs("<p>", f);
		html_esc(f, S(t, "goal"));
		fputs("</p>", f);
	}
	if (json_array_size(G(t, "targets")) > 0) {
		fputs("<ul class=\"tg\">", f);
		json_array_foreach(G(t, "targets"), i, g) {
			report_target_phrase(g, phrase, sizeof phrase);
			if (!json_is_number(G(g, "current")))
				fputs(json_is_true(G(g, "late")) ? "<li class=\"late\">" :
				    "<li class=\"unreported\">", f);
			else
				fputs(json_is_true(G(g, "behind")) ? "<li class=\"behind\">" :
				    "<li>", f);
			fputs("<span class=\"tn\">", f);
			html_esc(f, S(g, "name"));
			fputs("</span>：<span class=\"tp\">", f);
			html_esc(f, phrase);
			if (json_is_true(G(g, "behind")))
				fputs("，滞后", f);
			fputs("</span>", f);
			/* A target's yellow or red light, and 临期 (its grey is the
			 * phrase's 逾期未报 already). */
			if ((S(g, "light") != NULL && (strcmp(S(g, "light"), "yellow") == 0 ||
			    strcmp(S(g, "light"), "red") == 0)) || json_is_true(G(g, "due_soon")))
				light_badge(f, g);
			files_line(f, G(g, "files"));
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	} else if (S(t, "goal") == NULL || *S(t, "goal") == '\0')
		fputs("—", f);
	fputs("</td>", f);
}

static void
milestones_cell(FILE *f, const json_t *t)
{
	const json_t	*ms = G(t, "milestones"), *x;
	size_t		 i;

	fputs("<td class=\"ms\"><div>共 ", f);
	html_put_number(f, G(ms, "total"));
	fputs(" 个</div><div>应完成 ", f);
	html_put_number(f, G(ms, "due"));
	fputs("</div><div>已完成 ", f);
	html_put_number(f, G(ms, "done"));
	fputs(html_count(G(ms, "overdue")) > 0 ? "</div><div class=\"bad\">逾期 " :
	    "</div><div>逾期 ", f);
	html_put_number(f, G(ms, "overdue"));
	fputs("</div>", f);
	if (json_array_size(G(ms, "overdue_items")) > 0) {
		fputs("<ul class=\"od\">", f);
		json_array_foreach(G(ms, "overdue_items"), i, x) {
			fputs("<li>", f);
			html_esc_or(f, S(x, "title"), "节点");
			fputs("（", f);
			put_date(f, S(x, "due_on"), "—");
			fputs("到期，逾期 ", f);
			html_put_number(f, G(x, "days_overdue"));
			fputs(" 天）</li>", f);
		}
		fputs("</ul>", f);
	}
	if (json_array_size(G(ms, "extended_items")) > 0) {
		char	 phrase[128];

		fputs("<ul class=\"ext\">", f);
		json_array_foreach(G(ms, "extended_items"), i, x) {
			report_extended_phrase(x, phrase, sizeof phrase);
			fputs("<li>", f);
			html_esc_or(f, S(x, "title"), "节点");
			fputs("：", f);
			html_esc_or(f, phrase, "—");
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	}
	/* The milestones that have 佐证材料. */
	if (json_array_size(G(ms, "evidence_items")) > 0) {
		fputs("<ul class=\"evm\">", f);
		json_array_foreach(G(ms, "evidence_items"), i, x) {
			fputs("<li>", f);
			html_esc_or(f, S(x, "title"), "节点");
			files_line(f, G(x, "files"));
			fputs("</li>", f);
		}
		fputs("</ul>", f);
	}
	fputs("</td>", f);
}

static void
text_cell(FILE *f, const char *cls, const char *s)
{
	fprintf(f, "<td class=\"%s\">", cls);
	html_esc_or(f, s, "—");
	fputs("</td>", f);
}

static void
date_cell(FILE *f, const char *cls, const char *iso)
{
	fprintf(f, "<td class=\"%s\">", cls);
	put_date(f, iso, "—");
	fputs("</td>", f);
}

/* 截至本期完成情况: the note, then 存在问题, 下步措施 and 需协调事项 where
 * the last update has them, each a paragraph with its label. */
static void
note_cell(FILE *f, const json_t *u, const json_t *t)
{
	const struct report_text *x;
	const char	*note = S(u, "note"), *s;
	const json_t	*i;
	size_t		 k;
	int		 any = note != NULL && *note != '\0';

	fputs("<td class=\"note\">", f);
	if (any)
		html_esc(f, note);
	for (x = report_texts; x->key != NULL; x++) {
		if ((s = S(u, x->key)) == NULL || *s == '\0')
			continue;
		fprintf(f, "<p class=\"more %s\"><b>%s：</b>", x->key, x->label);
		html_esc(f, s);
		fputs("</p>", f);
		any = 1;
	}
	/* The 批示 on the task before the cut. */
	json_array_foreach(G(t, "instructions"), k, i) {
		fputs("<p class=\"more instruction\"><b>领导批示：</b>", f);
		html_esc(f, S(i, "author"));
		fputs("（", f);
		put_date(f, S(i, "on"), "");
		fputs("）：", f);
		html_esc(f, S(i, "text"));
		fputs("</p>", f);
		any = 1;
	}
	if (!any)
		html_esc_or(f, NULL, "—");
	fputs("</td>", f);
}

static void
task_row(const struct html *h, const json_t *t, size_t n)
{
	FILE		*f = h->f;
	const json_t	*u = G(t, "last_update");
	char		*s;
	long long	 depth = json_integer_value(G(t, "depth"));

	if (depth < 0)
		depth = 0;
	if (depth > 2)
		depth = 2;
	fprintf(f, "<tr id=\"task-%zu\" class=\"task d%lld\" data-status=\"%s\">",
	    n, depth, status_class(S(t, "status")));
	text_cell(f, "c lbl", S(t, "label"));
	text_cell(f, "cat", S(t, "category"));
	text_cell(f, "title", S(t, "title"));
	goal_cell(f, t);
	office_cell(f, S(t, "lead_office"));
	s = report_units(t);
	text_cell(f, "units", s);
	free(s);
	s = report_join(G(t, "leaders"), "、");
	text_cell(f, "leaders", s);
	free(s);
	if (h->phones)
		text_cell(f, "phone", S(t, "phone"));
	date_cell(f, "c deadline", S(t, "deadline"));
	html_progress_cell(h, t);
	milestones_cell(f, t);
	fputs("<td class=\"c\">", f);
	light_badge(f, t);
	status_cell(f, S(t, "status"), S(t, "progress_status"));
	fputs("</td>", f);
	if (!json_is_object(u))
		u = NULL;
	note_cell(f, u, t);
	text_cell(f, "note", S(u, "outcome"));
	fputs("<td class=\"c\"><span class=\"date\">", f);
	put_date(f, S(u, "on"), "—");
	fputs("</span>", f);
	if (S(u, "by") != NULL) {
		fputs("<span class=\"sub\">", f);
		html_esc(f, S(u, "by"));
		fputs("</span>", f);
	}
	if (html_count(G(t, "updates_this_quarter")) > 0) {
		fputs("<span class=\"sub\">本季度 ", f);
		html_put_number(f, G(t, "updates_this_quarter"));
		fputs(" 次</span>", f);
	}
	fputs("</td></tr>\n", f);
}

static void
tasks(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "tasks"), *t;
	size_t		 i;
	int		 total = 0;

	fputs("<section class=\"wide tasks\">\n<h2>三、各项任务</h2>\n", f);
	if (json_array_size(a) == 0) {
		fputs("<p class=\"empty\">无任务。</p>\n</section>\n", f);
		return;
	}
	/* How to read the table, above it: below it, the notes could be
	 * pushed onto a page of their own. */
	fputs("<div class=\"notes\"><p>说明：进度条为已填报指标的平均完成比例（无量化指标的按节点完成比例），"
	    "竖线为时间进度；未填报的指标不计入平均，也不判为滞后。", f);
	if (S(h->r, "lights_rule") != NULL) {
		fputs("</p><p>灯号：", f);
		html_esc(f, S(h->r, "lights_rule"));
		fputs("。", f);
	}
	fputs("</p></div>\n", f);
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (i != PHONE_COL || h->phones)
			total += cols[i].mm;
	fputs("<table class=\"tasks\">\n<colgroup>", f);
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (i != PHONE_COL || h->phones)
			fprintf(f, "<col style=\"width:%.2f%%\">",
			    cols[i].mm * 100.0 / total);
	fputs("</colgroup>\n<thead><tr>", f);
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (i != PHONE_COL || h->phones)
			fprintf(f, "<th>%s</th>", cols[i].name);
	fputs("</tr></thead>\n<tbody>\n", f);
	json_array_foreach(a, i, t)
		task_row(h, t, i + 1);
	fputs("</tbody>\n</table>\n</section>\n", f);
}

/* ------------------------------------------------------------------
 * 5. 各处室情况.
 */

/*
 * A ranking table: the offices' (unit 处室, their 牵头任务) or the
 * counties' (县（市）区, 承担任务 on their copies); those with nothing due
 * apart, not last, not ranked; then the rule.  The number of rows apart.
 */
static size_t
ranking(struct html *h, const json_t *a, const char *unit, const char *tasks,
    const char *rule)
{
	FILE		*f = h->f;
	const json_t	*o;
	size_t		 i, k, apart = 0;
	char		 rank[32];
	static const char *const keys[] = { "tasks", "done", "overdue_tasks",
	    "milestones_due", "milestones_done" };

	fprintf(f, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"%s排名表\">"
	    "<table class=\"offices\">\n<thead><tr><th>排名</th>"
	    "<th>%s</th><th>%s</th><th>已完成</th><th>逾期任务</th><th>到期节点</th>"
	    "<th>已完成</th><th>完成率</th><th>按时完成率</th><th>逾期节点</th>"
	    "<th>指标平均完成率</th></tr></thead>\n<tbody>\n", unit, unit, tasks);
	json_array_foreach(a, i, o) {
		if (!report_office_ranked(o)) {
			apart++;
			continue;
		}
		report_rank(o, rank, sizeof rank);
		fputs("<tr><td class=\"n c\">", f);
		html_esc(f, rank);
		fputs("</td><td>", f);
		html_esc(f, S(o, "name"));
		fputs("</td>", f);
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			fputs(strcmp(keys[k], "overdue_tasks") == 0 &&
			    html_count(G(o, keys[k])) > 0 ? "<td class=\"n bad\">" :
			    "<td class=\"n\">", f);
			html_put_number(f, G(o, keys[k]));
			fputs("</td>", f);
		}
		fputs("<td class=\"n\">", f);
		put_percent(f, G(o, "completion_rate"));
		fputs("</td><td class=\"n\">", f);
		put_percent(f, G(o, "on_time_rate"));
		fputs(html_count(G(o, "milestones_overdue")) > 0 ?
		    "</td><td class=\"n bad\">" : "</td><td class=\"n\">", f);
		html_put_number(f, G(o, "milestones_overdue"));
		fputs("</td><td class=\"n\">", f);
		put_average(f, o, "targets_reported", "targets_measured");
		fputs("</td></tr>\n", f);
	}
	if (apart == json_array_size(a))
		fprintf(f, "<tr><td colspan=\"11\" class=\"c\">本期各%s均无到期节点，暂不排名</td>"
		    "</tr>\n", unit);
	fputs("</tbody>\n</table></div>\n", f);
	if (apart > 0) {
		fputs("<p class=\"apart\"><b>" REPORT_NOTHING_DUE "（不参加排名）：</b>", f);
		k = 0;
		json_array_foreach(a, i, o)
			if (!report_office_ranked(o)) {
				fputs(k++ > 0 ? "、" : "", f);
				html_esc(f, S(o, "name"));
				fprintf(f, "（%s ", tasks);
				html_put_number(f, G(o, "tasks"));
				fputs(" 项）", f);
			}
		fputs("。</p>\n", f);
	}
	if (rule != NULL) {
		fputs("<p class=\"rule\">排名规则：", f);
		html_esc(f, rule);
		fputs("</p>\n", f);
	}
	return (apart);
}

static void
offices(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "offices");

	fputs("<section class=\"offices\">\n<h2>四、各处室情况</h2>\n", f);
	if (json_array_size(a) == 0) {
		fputs("<p class=\"empty\">本期各项任务均未明确牵头处室，暂无处室排名。"
		    "</p>\n</section>\n", f);
		return;
	}
	if (ranking(h, a, "处室", "牵头任务", S(h->r, "ranking_rule")) < json_array_size(a)) {
		fputs("<figure>\n", f);
		html_office_chart(h);
		fputs("<figcaption>图2　参加排名的处室节点按时完成率与指标平均完成率"
		    "（按排名顺序）</figcaption>\n</figure>\n", f);
	}
	fputs("</section>\n", f);
}

/* ------------------------------------------------------------------
 * 6. 各县（市）区情况: only for plans with county copies (上级督办下级).
 */

static void
counties(struct html *h)
{
	const json_t	*a = G(h->r, "counties");

	if (!json_is_array(a))
		return;
	fputs("<section class=\"offices counties\">\n<h2>六、各县（市）区情况</h2>\n", h->f);
	(void)ranking(h, a, "县（市）区", "承担任务", S(h->r, "county_ranking_rule"));
	fputs("</section>\n", h->f);
}

/* ------------------------------------------------------------------
 * 7. The footer.
 */

static void
footer(struct html *h)
{
	FILE		*f = h->f;
	char		*numbers = report_document_numbers(h->r);
	char		 org[256], date[64];

	/* The 落款: the organisation and the day, in Chinese form. */
	report_signature(h->r, org, sizeof org, date, sizeof date);
	fputs("<footer class=\"doc-foot\"><div class=\"basis\">", f);
	if (*numbers != '\0') {
		fputs("依据文件：", f);
		html_esc(f, numbers);
	}
	free(numbers);
	fputs("</div><div class=\"sign\">", f);
	if (*org != '\0') {
		fputs("<span>", f);
		html_esc(f, org);
		fputs("</span>", f);
	}
	fputs("<span>", f);
	html_esc(f, date);
	fputs("</span></div></footer>\n</body>\n</html>\n", f);
}

int
report_html(const json_t *r, FILE *f, char **cause)
{
	struct html	 h;
	struct ymd	 d;

	if (!json_is_object(r)) {
		*cause = xstrdup("报告数据格式错误：应为 JSON 对象");
		return (-1);
	}
	memset(&h, 0, sizeof h);
	h.f = f;
	h.r = r;
	h.phones = report_has_phones(r);
	/* 序时进度 as the database computed it (duban_year_share), so that
	 * every format shows the same share. */
	h.year_share = json_is_number(G(r, "year_share")) ?
	    json_number_value(G(r, "year_share")) : -1;
	if (date_parse_iso(S(r, "as_of"), &d) == 0) {
		h.has_asof = 1;
		h.asof = date_to_days(&d);
	}

	head(&h);
	header(&h);
	summary(&h);
	supervise(&h);
	tasks(&h);
	offices(&h);
	html_burnup(&h);
	counties(&h);
	footer(&h);
	if (ferror(f)) {
		*cause = xstrdup("写入 HTML 报告失败");
		return (-1);
	}
	return (0);
}
