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
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "utf8.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define G(o, k)		json_object_get((o), (k))

#define SANS	"\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\"," \
		"\"SimHei\",sans-serif"
#define SERIF	"\"Noto Serif CJK SC\",\"Source Han Serif SC\",\"Songti SC\"," \
		"\"SimSun\",serif"

/* The statuses in the order the document lists them. */
static const char *const statuses[] = {
	"done", "on_track", "behind", "overdue", "unassigned"
};
#define NSTATUSES	(sizeof statuses / sizeof statuses[0])

/* Chart colours, one per status (the same as the stylesheet's). */
static const char *const status_colours[] = {
	"#2e7d32", "#1f5a96", "#b86e00", "#c62828", "#7a7a7a"
};

struct html {
	FILE		*f;
	const json_t	*r;
	int		 has_asof;
	long		 asof;		/* days since 1970-01-01 */
	double		 year_share;	/* of the as-of year passed; < 0: unknown */
};

/* ------------------------------------------------------------------
 * Escaping and numbers.
 */

/* Text or an attribute value: the five specials escaped, C0 controls
 * other than tab and line breaks dropped. */
static void
esc(FILE *f, const char *s)
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
static void
esc_or(FILE *f, const char *s, const char *dflt)
{
	if (s == NULL || *s == '\0')
		fputs(dflt, f);
	else
		esc(f, s);
}

/*
 * The inside of a CSS string in a <style> element: quotes, backslashes,
 * line breaks and anything that could end the element (<, >, &) as hex
 * escapes.
 */
static void
css_str(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	for (; *s != '\0'; s++) {
		if (strchr("\"'\\<>&", *s) != NULL || (unsigned char)*s < 0x20)
			fprintf(f, "\\%x ", (unsigned)(unsigned char)*s);
		else
			fputc(*s, f);
	}
}

static void
put_number(FILE *f, const json_t *v)
{
	char	 buf[64];

	report_number(v, buf, sizeof buf);
	esc(f, buf);
}

static void
put_percent(FILE *f, const json_t *v)
{
	char	 buf[64];

	report_percent(v, buf, sizeof buf);
	esc(f, buf);
}

/* A computed ratio, worded as report_percent words one. */
static void
percent_of(double x, char *buf, size_t len)
{
	json_t	*v = isfinite(x) ? json_real(x) : NULL;

	report_percent(v, buf, len);
	json_decref(v);
}

/* A JSON number that is finite; 0 (and *out untouched) otherwise. */
static int
number(const json_t *v, double *out)
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
static double
count(const json_t *v)
{
	double	 x = 0;

	if (!number(v, &x) || x < 0)
		return (0);
	return (x);
}

/* A coordinate that is safe to print: finite and bounded. */
static double
fin(double x)
{
	if (!isfinite(x))
		return (0);
	if (x > 1e6)
		return (1e6);
	if (x < -1e6)
		return (-1e6);
	return (x);
}

static double
clamp01(double x)
{
	if (!isfinite(x) || x < 0)
		return (0);
	return (x > 1 ? 1 : x);
}

static const char *
status_class(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < NSTATUSES; i++)
		if (strcmp(s, statuses[i]) == 0)
			return (statuses[i]);
	return ("other");
}

static const char *
status_colour(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < NSTATUSES; i++)
		if (strcmp(s, statuses[i]) == 0)
			return (status_colours[i]);
	return ("#555555");
}

/* ------------------------------------------------------------------
 * Dates: "YYYY-MM-DD" as days since 1970-01-01.
 */

static int
leap(int y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

static int
month_days(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return (m == 2 && leap(y) ? 29 : days[m - 1]);
}

/* Days from the civil date (H. Hinnant's algorithm); y in 1..9999. */
static long
civil_days(int y, int m, int d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static int
parse_date(const char *s, int *y, int *m, int *d)
{
	char	 tail;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) != 3)
		return (-1);
	if (*y < 1 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 ||
	    *d > month_days(*y, *m))
		return (-1);
	return (0);
}

/* ------------------------------------------------------------------
 * The document's head: the stylesheet.
 */

static const char style[] =
":root{--done:#2e7d32;--on:#1f5a96;--behind:#b86e00;--over:#c62828;"
"--none:#6f6f6f;--head:#ececec}\n"
"*{box-sizing:border-box;-webkit-print-color-adjust:exact;"
"print-color-adjust:exact}\n"
"html{font-family:" SERIF ";font-size:10.5pt;line-height:1.6;color:#000;"
"background:#fff}\n"
"body{margin:0}\n"
"h1,h2,h3,th,.fig,.sans,.doc-head .org,svg text{font-family:" SANS "}\n"
"@media screen{body{max-width:1160px;margin:0 auto;padding:24px 32px}}\n"
"@page{size:A4;margin:18mm 18mm 20mm;"
"@bottom-center{content:\"第 \" counter(page) \" 页 共 \" counter(pages) \" 页\";"
"font-family:" SERIF ";font-size:9pt;color:#222}}\n"
"@page wide{size:A4 landscape;margin:14mm 12mm 16mm}\n"
".doc-head{text-align:center;border-bottom:1.5pt solid #b3261e;"
"padding-bottom:3mm;margin-bottom:4mm}\n"
".doc-head .org{font-size:15pt;font-weight:700;letter-spacing:.35em;"
"color:#b3261e;margin-bottom:1mm}\n"
"h1{font-size:19pt;font-weight:700;margin:0 0 2mm;letter-spacing:.04em;"
"line-height:1.35}\n"
".doc-head p{margin:.5mm 0;font-size:10pt}\n"
".doc-head .running{font-weight:700}\n"
"h2{font-size:13pt;font-weight:700;margin:6mm 0 2.5mm;padding-bottom:.8mm;"
"border-bottom:.75pt solid #000;break-after:avoid;page-break-after:avoid}\n"
"h3{font-size:10.5pt;font-weight:700;margin:4mm 0 1.5mm;break-after:avoid}\n"
"p.lead{text-indent:2em;margin:0 0 3mm;text-align:justify}\n"
".figs{display:grid;grid-template-columns:repeat(7,1fr);border:.75pt solid #000;"
"margin:0 0 3mm;break-inside:avoid}\n"
".fig{text-align:center;padding:1.5mm 1mm;border-left:.5pt solid #888}\n"
".fig:first-child{border-left:0}\n"
".fig .v{display:block;font-size:16pt;font-weight:700;line-height:1.25;"
"font-variant-numeric:tabular-nums}\n"
".fig .k{display:block;font-size:8.5pt;color:#222;line-height:1.3}\n"
".overview{display:grid;grid-template-columns:42% 1fr;gap:6mm;align-items:start;"
"break-inside:avoid}\n"
".overview table{margin:0 0 2.5mm}\n"
"table{width:100%;border-collapse:collapse;font-size:9pt;line-height:1.45;"
"margin:1.5mm 0 3mm}\n"
"th,td{border:.5pt solid #555;padding:1mm 1.4mm;vertical-align:top;text-align:left}\n"
"th{background:var(--head);font-weight:700;text-align:center;vertical-align:middle}\n"
"thead{display:table-header-group}\n"
"tr{break-inside:avoid;page-break-inside:avoid}\n"
".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
".c{text-align:center}\n"
".nw{white-space:nowrap}\n"
".st{font-family:" SANS ";font-weight:700;white-space:nowrap}\n"
".st-done{color:var(--done)}.st-on_track{color:var(--on)}"
".st-behind{color:var(--behind)}.st-overdue{color:var(--over)}"
".st-unassigned,.st-other{color:var(--none)}\n"
".fig.st-done .v{color:var(--done)}.fig.st-on_track .v{color:var(--on)}"
".fig.st-behind .v{color:var(--behind)}.fig.st-overdue .v{color:var(--over)}"
".fig.st-unassigned .v{color:var(--none)}\n"
".sub{display:block;font-weight:400;color:#444;font-size:.92em}\n"
".none{color:var(--none)}\n"
".bad{color:var(--over)}\n"
".warn{color:var(--behind)}\n"
".muted{color:#555}\n"
".empty{color:#333;margin:1mm 0 3mm;text-indent:2em}\n"
"section.wide{page:wide}\n"
"table.tasks{table-layout:fixed;font-size:7.8pt;line-height:1.4}\n"
"table.tasks th{font-size:7.8pt;padding:.8mm .4mm}\n"
"table.tasks .st{white-space:normal}\n"
"table.tasks td{padding:.8mm 1mm;overflow-wrap:anywhere}\n"
"table.tasks td.title{font-weight:700}\n"
"table.tasks tr.d1 td.title{padding-left:3.5mm;font-weight:400}\n"
"table.tasks tr.d2 td.title{padding-left:6mm;font-weight:400}\n"
"table.tasks tr.d1 td.lbl,table.tasks tr.d2 td.lbl{font-weight:400}\n"
"table.tasks td.lbl{font-weight:700}\n"
"table.tasks .date{font-size:7.2pt;white-space:nowrap}\n"
".goal p{margin:0 0 .8mm}\n"
"ul.tg,ul.od{margin:0;padding:0;list-style:none}\n"
"ul.tg{font-size:7.4pt;line-height:1.35}\n"
"ul.tg li{margin:0 0 .3mm;padding-left:.8em;text-indent:-.8em}\n"
"ul.tg li::before{content:\"·\";display:inline-block;width:.8em;text-indent:0}\n"
"ul.tg .tn{color:#222}\n"
"ul.tg li.behind .tp{color:var(--behind)}\n"
"ul.od li{color:var(--over);margin-top:.6mm;font-size:.95em}\n"
"td.note{white-space:pre-line}\n"
"svg{display:block;overflow:visible}\n"
"svg.progress{width:100%;height:9px;margin:.6mm 0 .4mm}\n"
".pl b{font-family:" SANS ";font-variant-numeric:tabular-nums}\n"
".pl .el{display:block;color:#555;font-size:.92em}\n"
".ms div{white-space:nowrap}\n"
"svg.chart{width:100%;max-width:180mm;height:auto;margin:1mm auto 2mm}\n"
"svg.status-chart{max-width:95mm}\n"
"figure{margin:0;break-inside:avoid}\n"
"figcaption{font-size:9pt;color:#333;text-align:center;margin-bottom:2mm}\n"
"table.series{font-size:8pt}\n"
"table.offices{font-size:8.5pt}\n"
"table.offices th{white-space:nowrap;padding:1mm .8mm}\n"
"table.series th,table.series td{padding:.5mm 1mm}\n"
"table.series th[scope=row]{text-align:left;white-space:nowrap}\n"
".doc-foot{margin-top:8mm;padding-top:1.5mm;border-top:.5pt solid #000;"
"font-size:9pt;color:#222;display:flex;justify-content:space-between;gap:4mm}\n";

/* Running heads and feet on every page but the first. */
static void
page_boxes(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*p;
	size_t		 i, n = 0;

	fputs("@page{@top-left{content:\"", f);
	css_str(f, S(h->r, "organisation"));
	fputs("\";font-family:" SANS ";font-size:8pt;color:#555}"
	    "@top-right{content:\"", f);
	css_str(f, S(h->r, "quarter_label"));
	fputs("民生实事督查报告\";font-family:" SANS ";font-size:8pt;color:#555}"
	    "@bottom-left{content:\"duban 生成\";font-family:" SERIF ";"
	    "font-size:8pt;color:#555}"
	    "@bottom-right{content:\"", f);
	json_array_foreach(G(h->r, "plans"), i, p) {
		if (S(p, "document_number") == NULL || *S(p, "document_number") == '\0')
			continue;
		if (n++ > 0)
			fputs("、", f);
		css_str(f, S(p, "document_number"));
	}
	fputs("\";font-family:" SERIF ";font-size:8pt;color:#555}}\n", f);
	fputs("@page:first{@top-left{content:none}@top-right{content:none}}\n", f);
}

static void
head(struct html *h)
{
	FILE	*f = h->f;

	fputs("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"duban\">\n<title>", f);
	esc(f, S(h->r, "organisation"));
	if (S(h->r, "organisation") != NULL)
		fputs(" ", f);
	esc(f, S(h->r, "quarter_label"));
	fputs("民生实事督查报告</title>\n<style>\n", f);
	fputs(style, f);
	page_boxes(h);
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
	size_t		 i;

	fputs("<header class=\"doc-head\">\n", f);
	if (S(h->r, "organisation") != NULL) {
		fputs("<div class=\"org\">", f);
		esc(f, S(h->r, "organisation"));
		fputs("</div>\n", f);
	}
	fputs("<h1>", f);
	esc(f, S(h->r, "quarter_label"));
	fputs("民生实事督查报告</h1>\n", f);
	json_array_foreach(G(h->r, "plans"), i, p) {
		fputs("<p class=\"plan\">依据：《", f);
		esc_or(f, S(p, "title"), "（未命名计划）");
		fputs("》", f);
		if (S(p, "document_number") != NULL || S(p, "issued_on") != NULL) {
			fputs("（", f);
			esc(f, S(p, "document_number"));
			if (S(p, "document_number") != NULL && S(p, "issued_on") != NULL)
				fputs("，", f);
			if (S(p, "issued_on") != NULL) {
				esc(f, S(p, "issued_on"));
				fputs("印发", f);
			}
			fputs("）", f);
		}
		fputs("</p>\n", f);
	}
	fputs("<p class=\"period\">统计期间：", f);
	esc_or(f, S(period, "from"), "—");
	fputs(" 至 ", f);
	esc_or(f, S(period, "to"), "—");
	fputs("　　<span class=\"running\">数据截至 ", f);
	esc_or(f, S(h->r, "as_of"), "—");
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
	esc(f, value);
	fprintf(f, "</span><span class=\"k\">%s</span></div>\n", caption);
}

/* Horizontal bars of the status counts. */
static void
status_chart(struct html *h, const json_t *s)
{
	FILE	*f = h->f;
	double	 v[NSTATUSES], max, w;
	char	 num[64];
	size_t	 i;
	const double lw = 86, bw = 128, rh = 24, top = 4;

	max = count(G(s, "tasks"));
	for (i = 0; i < NSTATUSES; i++) {
		v[i] = count(G(s, statuses[i]));
		if (v[i] > max)
			max = v[i];
	}
	fprintf(f, "<svg class=\"chart status-chart\" viewBox=\"0 0 260 %.0f\" "
	    "role=\"img\" aria-label=\"各状态任务数\">\n", top * 2 + rh * NSTATUSES);
	for (i = 0; i < NSTATUSES; i++) {
		w = max > 0 ? bw * v[i] / max : 0;
		report_number(G(s, statuses[i]), num, sizeof num);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		    "text-anchor=\"end\" fill=\"#222\">%s</text>\n",
		    lw - 6, top + i * rh + 15.5, report_status_label(statuses[i]));
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" "
		    "fill=\"#f0f0f0\"/>\n", lw, top + i * rh + 4, bw);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" "
		    "fill=\"%s\"/>\n", lw, top + i * rh + 4, fin(w), status_colours[i]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#000\">",
		    lw + bw + 6, top + i * rh + 15.5);
		esc(f, num);
		fputs(" 项</text>\n", f);
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#000\" stroke-width=\"0.8\"/>\n", lw, top, lw,
	    top + rh * NSTATUSES);
	fputs("</svg>\n", f);
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

	fputs("<p class=\"lead\">本季度督查民生实事任务 ", f);
	put_number(f, G(s, "tasks"));
	fputs(" 项，其中", f);
	for (i = 0; i < NSTATUSES; i++) {
		fprintf(f, "%s%s ", i > 0 ? "、" : "", report_status_label(statuses[i]));
		put_number(f, G(s, statuses[i]));
		fputs(" 项", f);
	}
	fputs("，完成率 ", f);
	put_percent(f, G(s, "completion"));
	fputs("。共设节点 ", f);
	put_number(f, G(ms, "total"));
	fputs(" 个，已到期 ", f);
	put_number(f, G(ms, "due"));
	fputs(" 个，已完成 ", f);
	put_number(f, G(ms, "done"));
	fputs(" 个（按时完成 ", f);
	put_number(f, G(ms, "on_time"));
	fputs(" 个），逾期 ", f);
	put_number(f, G(ms, "overdue"));
	fputs(" 个，本季度到期 ", f);
	put_number(f, G(ms, "due_this_quarter"));
	fputs(" 个；量化指标 ", f);
	put_number(f, G(tg, "total"));
	fputs(" 个，其中按累计进度计算的 ", f);
	put_number(f, G(tg, "measured"));
	fputs(" 个，滞后 ", f);
	put_number(f, G(tg, "behind"));
	fputs(" 个，平均完成率 ", f);
	put_percent(f, G(tg, "avg_completion"));
	fputs("。</p>\n", f);

	fputs("<div class=\"figs\">\n", f);
	report_number(G(s, "tasks"), v, sizeof v);
	figure_box(f, NULL, v, "任务总数（项）");
	for (i = 0; i < NSTATUSES; i++) {
		report_number(G(s, statuses[i]), v, sizeof v);
		figure_box(f, statuses[i], v, report_status_label(statuses[i]));
	}
	report_percent(G(s, "completion"), v, sizeof v);
	figure_box(f, NULL, v, "任务完成率");
	fputs("</div>\n", f);

	fputs("<div class=\"overview\">\n<figure>\n", f);
	status_chart(h, s);
	fputs("<figcaption>图1　各状态任务数</figcaption>\n</figure>\n<div>\n", f);

	fputs("<table class=\"kv\">\n<thead><tr><th colspan=\"6\">节点</th></tr>\n"
	    "<tr><th>总数</th><th>已到期</th><th>已完成</th><th>按时完成</th>"
	    "<th>逾期</th><th>本季度到期</th></tr></thead>\n<tbody><tr>", f);
	{
		static const char *const keys[] = { "total", "due", "done", "on_time",
		    "overdue", "due_this_quarter" };

		for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
			fputs(strcmp(keys[i], "overdue") == 0 && count(G(ms, keys[i])) > 0 ?
			    "<td class=\"n bad\">" : "<td class=\"n\">", f);
			put_number(f, G(ms, keys[i]));
			fputs("</td>", f);
		}
	}
	fputs("</tr></tbody>\n</table>\n", f);

	fputs("<table class=\"kv\">\n<thead><tr><th colspan=\"4\">量化指标</th></tr>\n"
	    "<tr><th>总数</th><th>按累计进度计算</th><th>滞后</th><th>平均完成率</th></tr>"
	    "</thead>\n<tbody><tr><td class=\"n\">", f);
	put_number(f, G(tg, "total"));
	fputs("</td><td class=\"n\">", f);
	put_number(f, G(tg, "measured"));
	fputs(count(G(tg, "behind")) > 0 ? "</td><td class=\"n warn\">" :
	    "</td><td class=\"n\">", f);
	put_number(f, G(tg, "behind"));
	fputs("</td><td class=\"n\">", f);
	put_percent(f, G(tg, "avg_completion"));
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
	esc_or(f, report_status_label(status), "—");
	fputs("</span>", f);
	if (status != NULL && strcmp(status, "unassigned") == 0 && progress != NULL &&
	    strcmp(progress, "unassigned") != 0) {
		fprintf(f, "<span class=\"sub st-%s\">（", status_class(progress));
		esc(f, report_status_label(progress));
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
		esc(f, office);
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
	fputs("<table class=\"supervise\">\n<colgroup><col style=\"width:7%\">"
	    "<col style=\"width:28%\"><col style=\"width:15%\"><col style=\"width:11%\">"
	    "<col></colgroup>\n<thead><tr><th>序号</th><th>民生事项名称</th>"
	    "<th>牵头处室</th><th>状态</th><th>督办事由</th></tr></thead>\n<tbody>\n", f);
	json_array_foreach(a, i, x) {
		why = report_join(G(x, "reasons"), "；");
		fputs("<tr><td class=\"c\">", f);
		esc(f, S(x, "label"));
		fputs("</td><td>", f);
		esc(f, S(x, "title"));
		fputs("</td>", f);
		office_cell(f, S(x, "lead_office"));
		fputs("<td class=\"c\">", f);
		status_cell(f, S(x, "status"), NULL);
		fputs("</td><td>", f);
		esc_or(f, why, "—");
		fputs("</td></tr>\n", f);
		free(why);
	}
	fputs("</tbody>\n</table>\n</section>\n", f);
}

/* ------------------------------------------------------------------
 * 4. 各项任务.
 */

/*
 * A task's progress: the average of its targets' percent where there is
 * one, else its done milestones' share.  Its time: the largest elapsed of
 * its targets, else the share of the year passed.  0 when unknown.
 */
static int
task_progress(const struct html *h, const json_t *t, double *done, double *time)
{
	const json_t	*g, *ms = G(t, "milestones");
	double		 x, sum = 0, el = -1, total;
	size_t		 i, n = 0;
	int		 have = 0;

	json_array_foreach(G(t, "targets"), i, g) {
		if (number(G(g, "percent"), &x)) {
			sum += x;
			n++;
		}
		if (number(G(g, "elapsed"), &x) && x > el)
			el = x;
	}
	if (n > 0) {
		*done = sum / (double)n;
		have = 1;
	} else if ((total = count(G(ms, "total"))) > 0) {
		*done = count(G(ms, "done")) / total;
		have = 1;
	}
	*time = el >= 0 ? el : h->year_share;
	return (have);
}

static void
progress_cell(const struct html *h, const json_t *t)
{
	FILE		*f = h->f;
	double		 done = 0, time = -1, w;
	char		 pct[64], tpct[64];
	int		 have;

	have = task_progress(h, t, &done, &time);
	percent_of(done, pct, sizeof pct);
	percent_of(time, tpct, sizeof tpct);
	w = have ? 100 * clamp01(done) : 0;

	fputs("<td class=\"prog\"><svg class=\"progress\" viewBox=\"0 0 100 9\" "
	    "preserveAspectRatio=\"none\" role=\"img\" aria-label=\"", f);
	if (have)
		fprintf(f, "完成 %s", pct);
	else
		fputs("暂无进度数据", f);
	if (time >= 0)
		fprintf(f, "，时间进度 %s", tpct);
	fputs("\">", f);
	fputs("<rect x=\"0\" y=\"0\" width=\"100\" height=\"9\" fill=\"#ececec\"/>", f);
	if (have)
		fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%.2f\" height=\"9\" "
		    "fill=\"%s\"/>", fin(w), status_colour(S(t, "status")));
	if (time >= 0)
		fprintf(f, "<line x1=\"%.2f\" y1=\"-1.5\" x2=\"%.2f\" y2=\"10.5\" "
		    "stroke=\"#000\" stroke-width=\"1.2\" "
		    "vector-effect=\"non-scaling-stroke\"/>",
		    fin(100 * clamp01(time)), fin(100 * clamp01(time)));
	fputs("<rect x=\"0\" y=\"0\" width=\"100\" height=\"9\" fill=\"none\" "
	    "stroke=\"#777\" stroke-width=\"0.5\" vector-effect=\"non-scaling-stroke\"/>"
	    "</svg>", f);
	fputs("<div class=\"pl\">", f);
	if (have)
		fprintf(f, "<b>%s</b>", pct);
	else
		fputs("<span class=\"muted\">暂无数据</span>", f);
	if (time >= 0)
		fprintf(f, "<span class=\"el\">时间进度 %s</span>", tpct);
	fputs("</div></td>", f);
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
		esc(f, S(t, "goal"));
		fputs("</p>", f);
	}
	if (json_array_size(G(t, "targets")) > 0) {
		fputs("<ul class=\"tg\">", f);
		json_array_foreach(G(t, "targets"), i, g) {
			report_target_phrase(g, phrase, sizeof phrase);
			fputs(json_is_true(G(g, "behind")) ? "<li class=\"behind\">" :
			    "<li>", f);
			fputs("<span class=\"tn\">", f);
			esc(f, S(g, "name"));
			fputs("</span>：<span class=\"tp\">", f);
			esc(f, phrase);
			if (json_is_true(G(g, "behind")))
				fputs("，滞后", f);
			fputs("</span></li>", f);
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
	put_number(f, G(ms, "total"));
	fputs(" 个</div><div>应完成 ", f);
	put_number(f, G(ms, "due"));
	fputs("</div><div>已完成 ", f);
	put_number(f, G(ms, "done"));
	fputs(count(G(ms, "overdue")) > 0 ? "</div><div class=\"bad\">逾期 " :
	    "</div><div>逾期 ", f);
	put_number(f, G(ms, "overdue"));
	fputs("</div>", f);
	if (json_array_size(G(ms, "overdue_items")) > 0) {
		fputs("<ul class=\"od\">", f);
		json_array_foreach(G(ms, "overdue_items"), i, x) {
			fputs("<li>", f);
			esc_or(f, S(x, "title"), "节点");
			fputs("（", f);
			esc_or(f, S(x, "due_on"), "—");
			fputs(" 到期，逾期 ", f);
			put_number(f, G(x, "days_overdue"));
			fputs(" 天）</li>", f);
		}
		fputs("</ul>", f);
	}
	fputs("</td>", f);
}

static void
text_cell(FILE *f, const char *cls, const char *s)
{
	fprintf(f, "<td class=\"%s\">", cls);
	esc_or(f, s, "—");
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
	text_cell(f, "title", S(t, "title"));
	goal_cell(f, t);
	office_cell(f, S(t, "lead_office"));
	s = report_units(t);
	text_cell(f, "units", s);
	free(s);
	s = report_join(G(t, "leaders"), "、");
	text_cell(f, "leaders", s);
	free(s);
	text_cell(f, "c date", S(t, "deadline"));
	progress_cell(h, t);
	milestones_cell(f, t);
	fputs("<td class=\"c\">", f);
	status_cell(f, S(t, "status"), S(t, "progress_status"));
	fputs("</td>", f);
	if (!json_is_object(u))
		u = NULL;
	text_cell(f, "note", S(u, "note"));
	text_cell(f, "note", S(u, "outcome"));
	fputs("<td class=\"c\"><span class=\"date\">", f);
	esc_or(f, S(u, "on"), "—");
	fputs("</span>", f);
	if (S(u, "by") != NULL) {
		fputs("<span class=\"sub\">", f);
		esc(f, S(u, "by"));
		fputs("</span>", f);
	}
	if (count(G(t, "updates_this_quarter")) > 0) {
		fputs("<span class=\"sub\">本季度 ", f);
		put_number(f, G(t, "updates_this_quarter"));
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
	/* Column widths in millimetres of a landscape page's 268. */
	static const struct {
		const char	*name;
		int		 mm;
	} cols[] = {
		{ "序号", 9 }, { "民生事项名称", 23 }, { "年度任务目标", 66 },
		{ "牵头处室", 14 }, { "责任单位", 18 }, { "分管领导", 13 },
		{ "完成时限", 15 }, { "进度", 18 }, { "节点", 19 }, { "状态", 15 },
		{ "截至本期完成情况", 23 }, { "取得成效", 20 }, { "最近更新", 15 },
	};

	fputs("<section class=\"wide tasks\">\n<h2>三、各项任务</h2>\n", f);
	if (json_array_size(a) == 0) {
		fputs("<p class=\"empty\">无任务。</p>\n</section>\n", f);
		return;
	}
	fputs("<table class=\"tasks\">\n<colgroup>", f);
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		fprintf(f, "<col style=\"width:%.2f%%\">", cols[i].mm * 100.0 / 268);
	fputs("</colgroup>\n<thead><tr>", f);
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++)
		fprintf(f, "<th>%s</th>", cols[i].name);
	fputs("</tr></thead>\n<tbody>\n", f);
	json_array_foreach(a, i, t)
		task_row(h, t, i + 1);
	fputs("</tbody>\n</table>\n<p class=\"muted\" style=\"font-size:8pt\">"
	    "注：进度条为指标平均完成比例（无量化指标的按节点完成比例），"
	    "竖线为时间进度。</p>\n</section>\n", f);
}

/* ------------------------------------------------------------------
 * 5. 各处室情况.
 */

static void
office_chart(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "offices"), *o;
	double		 x, lw, pw, y, rh = 34, top = 40, width = 680;
	size_t		 i, wmax = 8, w, n = json_array_size(a);
	char		 buf[64], *name;
	int		 k;

	json_array_foreach(a, i, o) {
		if (S(o, "name") != NULL && (w = utf8_width(S(o, "name"))) > wmax)
			wmax = w;
	}
	if (wmax > 28)
		wmax = 28;
	lw = 12 + 6 * (double)wmax;	/* 12-unit text: 6 units a column */
	pw = width - lw - 64;

	fprintf(f, "<svg class=\"chart office-chart\" viewBox=\"0 0 %.0f %.0f\" "
	    "role=\"img\" aria-label=\"各处室节点按时完成率与指标平均完成率\">\n",
	    width, top + rh * (double)n + 26);
	/* Legend. */
	fprintf(f, "<rect x=\"%.1f\" y=\"4\" width=\"12\" height=\"9\" fill=\"#1f5a96\"/>"
	    "<text x=\"%.1f\" y=\"12.5\" font-size=\"11\" fill=\"#000\">节点按时完成率</text>\n",
	    lw, lw + 16);
	fprintf(f, "<rect x=\"%.1f\" y=\"4\" width=\"12\" height=\"9\" fill=\"#8fb3d9\"/>"
	    "<text x=\"%.1f\" y=\"12.5\" font-size=\"11\" fill=\"#000\">指标平均完成率</text>\n",
	    lw + 120, lw + 136);
	/* Grid and axis labels, 0..100%. */
	for (k = 0; k <= 4; k++) {
		x = lw + pw * k / 4;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"%s\" stroke-width=\"0.6\"/>\n", x, top - 4, x,
		    top + rh * (double)n, k == 0 ? "#000" : "#cccccc");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
		    "text-anchor=\"middle\" fill=\"#333\">%d%%</text>\n", x, top - 8, k * 25);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
		    "text-anchor=\"middle\" fill=\"#333\">%d%%</text>\n", x,
		    top + rh * (double)n + 14, k * 25);
	}
	json_array_foreach(a, i, o) {
		y = top + rh * (double)i;
		name = utf8_truncate(S(o, "name") ? S(o, "name") : "", wmax);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
		    "text-anchor=\"end\" fill=\"#000\">", lw - 6, y + 21.5);
		esc(f, name);
		fputs("</text>\n", f);
		free(name);

		report_percent(G(o, "on_time_rate"), buf, sizeof buf);
		if (number(G(o, "on_time_rate"), &x)) {
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"11\" "
			    "fill=\"#1f5a96\"/>", lw, y + 5, fin(pw * clamp01(x)));
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
			    "fill=\"#000\">", fin(lw + pw * clamp01(x) + 4), y + 14.5);
			esc(f, buf);
		} else
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
			    "fill=\"#555\">无到期节点", lw + 4, y + 14.5);
		fputs("</text>\n", f);

		report_percent(G(o, "avg_completion"), buf, sizeof buf);
		if (number(G(o, "avg_completion"), &x)) {
			fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"11\" "
			    "fill=\"#8fb3d9\"/>", lw, y + 18, fin(pw * clamp01(x)));
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
			    "fill=\"#000\">", fin(lw + pw * clamp01(x) + 4), y + 27.5);
			esc(f, buf);
		} else
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
			    "fill=\"#555\">无量化指标", lw + 4, y + 27.5);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
}

static void
offices(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "offices"), *o;
	size_t		 i, k;
	static const char *const keys[] = { "tasks", "done", "overdue_tasks",
	    "milestones_due", "milestones_on_time" };

	fputs("<section class=\"offices\">\n<h2>四、各处室情况</h2>\n", f);
	if (json_array_size(a) == 0) {
		fputs("<p class=\"empty\">本期各项任务均未明确牵头处室，暂无处室排名。"
		    "</p>\n</section>\n", f);
		return;
	}
	fputs("<table class=\"offices\">\n<thead><tr><th>排名</th><th>处室</th>"
	    "<th>牵头任务</th><th>已完成</th><th>逾期任务</th><th>应完成节点</th>"
	    "<th>按时完成</th><th>按时完成率</th><th>逾期节点</th><th>指标平均完成率</th>"
	    "</tr></thead>\n<tbody>\n", f);
	json_array_foreach(a, i, o) {
		fputs("<tr><td class=\"n c\">", f);
		put_number(f, G(o, "rank"));
		fputs("</td><td>", f);
		esc(f, S(o, "name"));
		fputs("</td>", f);
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			fputs(strcmp(keys[k], "overdue_tasks") == 0 &&
			    count(G(o, keys[k])) > 0 ? "<td class=\"n bad\">" :
			    "<td class=\"n\">", f);
			put_number(f, G(o, keys[k]));
			fputs("</td>", f);
		}
		fputs("<td class=\"n\">", f);
		put_percent(f, G(o, "on_time_rate"));
		fputs(count(G(o, "milestones_overdue")) > 0 ?
		    "</td><td class=\"n bad\">" : "</td><td class=\"n\">", f);
		put_number(f, G(o, "milestones_overdue"));
		fputs("</td><td class=\"n\">", f);
		put_percent(f, G(o, "avg_completion"));
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n<figure>\n", f);
	office_chart(h);
	fputs("<figcaption>图2　各处室节点按时完成率与指标平均完成率"
	    "（按排名顺序）</figcaption>\n</figure>\n</section>\n", f);
}

/* ------------------------------------------------------------------
 * 6. 节点完成进度: the burn-up.
 */

struct point {
	long		 day;
	int		 y, m, d;
	int		 has_planned, has_done;
	double		 planned, done;
};

/* A step of 1, 2 or 5 times a power of ten giving at most six ticks. */
static double
nice_step(double max)
{
	double	 raw = max / 5, mag, step;

	if (!(raw > 1))
		return (1);
	mag = pow(10, floor(log10(raw)));
	if (raw <= mag)
		step = mag;
	else if (raw <= 2 * mag)
		step = 2 * mag;
	else if (raw <= 5 * mag)
		step = 5 * mag;
	else
		step = 10 * mag;
	return (step);
}

static void
polyline(FILE *f, const struct point *p, size_t n, int done, double x0, double x1,
    double ymax, const double *box, const char *attrs)
{
	double	 x, y;
	size_t	 i, k = 0;

	fputs("<polyline points=\"", f);
	for (i = 0; i < n; i++) {
		if (done ? !p[i].has_done : !p[i].has_planned)
			continue;
		x = box[0] + box[2] * ((double)p[i].day - x0) / (x1 - x0);
		y = box[1] + box[3] - box[3] * (done ? p[i].done : p[i].planned) / ymax;
		fprintf(f, "%s%.1f,%.1f", k++ > 0 ? " " : "", fin(x), fin(y));
	}
	fprintf(f, "\" fill=\"none\" %s/>\n", attrs);
}

static void
burnup_chart(struct html *h, const struct point *p, size_t n)
{
	FILE	*f = h->f;
	double	 x0, x1, ymax = 0, step, v, x, y;
	double	 box[4] = { 46, 40, 680 - 46 - 30, 300 - 40 - 52 };
	size_t	 i, ends = 0, every, k, lastdone = n, lastplanned = n;
	int	 miny = p[0].y, lasty = 0;

	for (i = 0; i < n; i++) {
		if (p[i].y < miny)
			miny = p[i].y;
		if (p[i].has_planned && p[i].planned > ymax)
			ymax = p[i].planned;
		if (p[i].has_done && p[i].done > ymax)
			ymax = p[i].done;
		if (p[i].d == month_days(p[i].y, p[i].m))
			ends++;
		if (p[i].has_done)
			lastdone = i;
		if (p[i].has_planned)
			lastplanned = i;
	}
	x0 = (double)civil_days(miny, 1, 1);
	x1 = x0 + 1;
	for (i = 0; i < n; i++)
		if ((double)p[i].day > x1)
			x1 = (double)p[i].day;
	step = nice_step(ymax);
	ymax = step * ceil(ymax / step);
	if (!(ymax > 0))
		ymax = step;
	every = ends > 12 ? (ends + 11) / 12 : 1;

	fputs("<svg class=\"chart burnup-chart\" viewBox=\"0 0 680 300\" role=\"img\" "
	    "aria-label=\"节点完成进度：计划与实际完成的累计节点数\">\n", f);
	/* Legend. */
	fprintf(f, "<line x1=\"%.1f\" y1=\"11\" x2=\"%.1f\" y2=\"11\" stroke=\"#777\" "
	    "stroke-width=\"2\" stroke-dasharray=\"5 3\"/>"
	    "<text x=\"%.1f\" y=\"15\" font-size=\"11\" fill=\"#000\">计划（应完成节点累计）"
	    "</text>\n", box[0], box[0] + 22, box[0] + 27);
	fprintf(f, "<line x1=\"%.1f\" y1=\"11\" x2=\"%.1f\" y2=\"11\" stroke=\"#2e7d32\" "
	    "stroke-width=\"2.5\"/>"
	    "<text x=\"%.1f\" y=\"15\" font-size=\"11\" fill=\"#000\">实际完成（累计）"
	    "</text>\n", box[0] + 170, box[0] + 192, box[0] + 197);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
	    "fill=\"#333\">（个）</text>\n", box[0] - 4, box[1] - 10);
	/* Y grid and ticks. */
	for (v = 0; v <= ymax + step / 2; v += step) {
		y = box[1] + box[3] - box[3] * v / ymax;
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"%s\" stroke-width=\"0.6\"/>", box[0], fin(y),
		    box[0] + box[2], fin(y), v == 0 ? "#000" : "#dddddd");
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
		    "text-anchor=\"end\" fill=\"#333\">%.0f</text>\n", box[0] - 5,
		    fin(y + 3.5), fin(v));
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#000\" stroke-width=\"0.8\"/>\n", box[0], box[1], box[0],
	    box[1] + box[3]);
	/* X: month ends. */
	for (i = 0, k = 0; i < n; i++) {
		if (p[i].d != month_days(p[i].y, p[i].m))
			continue;
		x = box[0] + box[2] * ((double)p[i].day - x0) / (x1 - x0);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#000\" stroke-width=\"0.6\"/>", fin(x), box[1] + box[3],
		    fin(x), box[1] + box[3] + 4);
		if (k++ % every == 0) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
			    "text-anchor=\"middle\" fill=\"#333\">%d月</text>", fin(x),
			    box[1] + box[3] + 16, p[i].m);
			if (p[i].y != lasty)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9.5\" "
				    "text-anchor=\"middle\" fill=\"#555\">%d年</text>",
				    fin(x), box[1] + box[3] + 29, p[i].y);
			lasty = p[i].y;
		}
		fputs("\n", f);
	}
	/* The as-of day. */
	if (h->has_asof && (double)h->asof >= x0 && (double)h->asof <= x1) {
		x = box[0] + box[2] * ((double)h->asof - x0) / (x1 - x0);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#b3261e\" stroke-width=\"1\" stroke-dasharray=\"3 2\"/>",
		    fin(x), box[1] - 6, fin(x), box[1] + box[3]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
		    "text-anchor=\"%s\" fill=\"#b3261e\">数据截至 ", fin(x), box[1] - 9,
		    x > box[0] + box[2] - 60 ? "end" : x < box[0] + 60 ? "start" : "middle");
		esc(f, S(h->r, "as_of"));
		fputs("</text>\n", f);
	}
	polyline(f, p, n, 0, x0, x1, ymax, box,
	    "stroke=\"#777\" stroke-width=\"2\" stroke-dasharray=\"5 3\"");
	polyline(f, p, n, 1, x0, x1, ymax, box,
	    "stroke=\"#2e7d32\" stroke-width=\"2.5\" stroke-linejoin=\"round\"");
	for (i = 0; i < n; i++) {
		if (!p[i].has_done)
			continue;
		fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.6\" fill=\"#2e7d32\"/>",
		    fin(box[0] + box[2] * ((double)p[i].day - x0) / (x1 - x0)),
		    fin(box[1] + box[3] - box[3] * p[i].done / ymax));
	}
	fputs("\n", f);
	/* The last values, at the lines' ends. */
	if (lastplanned < n) {
		i = lastplanned;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
		    "text-anchor=\"start\" fill=\"#444\">%.0f</text>\n",
		    fin(box[0] + box[2] * ((double)p[i].day - x0) / (x1 - x0) + 5),
		    fin(box[1] + box[3] - box[3] * p[i].planned / ymax + 4),
		    fin(p[i].planned));
	}
	if (lastdone < n) {
		i = lastdone;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
		    "font-weight=\"700\" text-anchor=\"start\" fill=\"#2e7d32\">%.0f</text>\n",
		    fin(box[0] + box[2] * ((double)p[i].day - x0) / (x1 - x0) + 5),
		    fin(box[1] + box[3] - box[3] * p[i].done / ymax + 14),
		    fin(p[i].done));
	}
	fputs("</svg>\n", f);
}

/* The burn-up's figures, at most thirteen columns a table. */
static void
burnup_table(FILE *f, const json_t *a)
{
	const json_t	*b;
	size_t		 i, j, n = json_array_size(a), per = 13;
	int		 y, m, d;

	for (i = 0; i < n; i += per) {
		fputs("<table class=\"series\">\n<thead><tr><th scope=\"col\">日期</th>", f);
		for (j = i; j < n && j < i + per; j++) {
			b = json_array_get(a, j);
			fputs("<th>", f);
			if (parse_date(S(b, "date"), &y, &m, &d) == 0) {
				if (d == month_days(y, m))
					fprintf(f, "%d月", m);
				else
					fprintf(f, "%d月%d日", m, d);
			} else
				esc_or(f, S(b, "date"), "—");
			fputs("</th>", f);
		}
		fputs("</tr></thead>\n<tbody><tr><th scope=\"row\">计划</th>", f);
		for (j = i; j < n && j < i + per; j++) {
			fputs("<td class=\"n\">", f);
			put_number(f, G(json_array_get(a, j), "planned"));
			fputs("</td>", f);
		}
		fputs("</tr>\n<tr><th scope=\"row\">实际完成</th>", f);
		for (j = i; j < n && j < i + per; j++) {
			fputs("<td class=\"n\">", f);
			put_number(f, G(json_array_get(a, j), "done"));
			fputs("</td>", f);
		}
		fputs("</tr></tbody>\n</table>\n", f);
	}
}

static void
burnup(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "burnup"), *b;
	struct point	*p;
	size_t		 i, n = 0;

	fputs("<section class=\"burnup\">\n<h2>五、节点完成进度</h2>\n", f);
	p = xcalloc(json_array_size(a) + 1, sizeof *p);
	json_array_foreach(a, i, b) {
		if (parse_date(S(b, "date"), &p[n].y, &p[n].m, &p[n].d) != 0)
			continue;
		p[n].day = civil_days(p[n].y, p[n].m, p[n].d);
		p[n].has_planned = number(G(b, "planned"), &p[n].planned);
		p[n].has_done = number(G(b, "done"), &p[n].done);
		if (p[n].planned < 0 || p[n].planned > 1e12)
			p[n].has_planned = 0;
		if (p[n].done < 0 || p[n].done > 1e12)
			p[n].has_done = 0;
		n++;
	}
	if (n == 0) {
		fputs("<p class=\"empty\">暂无节点进度数据。</p>\n</section>\n", f);
		free(p);
		return;
	}
	fputs("<figure>\n", f);
	burnup_chart(h, p, n);
	fputs("<figcaption>图3　节点完成进度（累计节点数，虚线为计划，实线为实际完成）"
	    "</figcaption>\n</figure>\n", f);
	burnup_table(f, a);
	fputs("</section>\n", f);
	free(p);
}

/* ------------------------------------------------------------------
 * 7. The footer.
 */

static void
footer(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*p;
	size_t		 i, n = 0;

	fputs("<footer class=\"doc-foot\"><span>本报告由 duban 生成</span><span>", f);
	json_array_foreach(G(h->r, "plans"), i, p) {
		if (S(p, "document_number") == NULL || *S(p, "document_number") == '\0')
			continue;
		fputs(n++ > 0 ? "、" : "依据文件：", f);
		esc(f, S(p, "document_number"));
	}
	fputs("</span></footer>\n</body>\n</html>\n", f);
}

int
report_html(const json_t *r, FILE *f, char **cause)
{
	struct html	 h;
	int		 y, m, d;

	if (!json_is_object(r)) {
		*cause = xstrdup("报告数据格式错误：应为 JSON 对象");
		return (-1);
	}
	memset(&h, 0, sizeof h);
	h.f = f;
	h.r = r;
	h.year_share = -1;
	if (parse_date(S(r, "as_of"), &y, &m, &d) == 0) {
		h.has_asof = 1;
		h.asof = civil_days(y, m, d);
		h.year_share = (double)(h.asof - civil_days(y, 1, 1) + 1) /
		    (leap(y) ? 366 : 365);
	}

	head(&h);
	header(&h);
	summary(&h);
	supervise(&h);
	tasks(&h);
	offices(&h);
	burnup(&h);
	footer(&h);
	if (ferror(f)) {
		*cause = xstrdup("写入 HTML 报告失败");
		return (-1);
	}
	return (0);
}
