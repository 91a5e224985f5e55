/*
 * The HTML report's charts, as inline SVG: the status counts, a progress
 * bar per task, the lead offices' rates and the burn-up of milestones
 * through the year.  Every coordinate passes through fin(), so that no
 * JSON makes a chart print NaN or an absurd coordinate.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "percent.h"
#include "report.h"
#include "report-html.h"
#include "utf8.h"
#include "xmalloc.h"

/* Chart colours, one per status (the same as the stylesheet's). */
static const char *const status_colours[HTML_NSTATUSES] = {
	"#1b5e20", "#43a047", "#b86e00", "#c62828", "#a3a3a3", "#7a7a7a"
};

/* A computed ratio, worded as report_percent words one. */
static void
percent_of(double x, char *buf, size_t len)
{
	percent_double(x, buf, len);
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
status_colour(const char *s)
{
	int	 i = html_status_index(s);

	return (i >= 0 ? status_colours[i] : "#555555");
}

void
html_status_chart(struct html *h, const json_t *s)
{
	FILE	*f = h->f;
	double	 v[HTML_NSTATUSES], max, w;
	char	 num[64];
	size_t	 i;
	const double lw = 86, bw = 128, rh = 24, top = 4;

	max = html_count(G(s, "tasks"));
	for (i = 0; i < HTML_NSTATUSES; i++) {
		v[i] = html_count(G(s, html_statuses[i]));
		if (v[i] > max)
			max = v[i];
	}
	fprintf(f, "<svg class=\"chart status-chart\" viewBox=\"0 0 260 %.0f\" "
	    "role=\"img\" aria-label=\"各状态任务数\">\n", top * 2 + rh * HTML_NSTATUSES);
	for (i = 0; i < HTML_NSTATUSES; i++) {
		w = max > 0 ? bw * v[i] / max : 0;
		report_number(G(s, html_statuses[i]), num, sizeof num);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" "
		    "text-anchor=\"end\" fill=\"#222\">%s</text>\n",
		    lw - 6, top + i * rh + 15.5, report_status_label(html_statuses[i]));
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" "
		    "fill=\"#f0f0f0\"/>\n", lw, top + i * rh + 4, bw);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"14\" "
		    "fill=\"%s\"/>\n", lw, top + i * rh + 4, fin(w), status_colours[i]);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#000\">",
		    lw + bw + 6, top + i * rh + 15.5);
		html_esc(f, num);
		fputs(" 项</text>\n", f);
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"#000\" stroke-width=\"0.8\"/>\n", lw, top, lw,
	    top + rh * HTML_NSTATUSES);
	fputs("</svg>\n", f);
}

/*
 * A task's progress: the average of its targets' percent where there is
 * one (a reported value), else, for a task without targets, its done
 * milestones' share.  Its time: the largest elapsed of its targets, else
 * the share of the year passed.  0 when unknown (or nothing reported).
 */
static int
task_progress(const struct html *h, const json_t *t, double *done, double *time)
{
	const json_t	*g, *ms = G(t, "milestones");
	double		 x, sum = 0, el = -1, total;
	size_t		 i, n = 0;
	int		 have = 0;

	json_array_foreach(G(t, "targets"), i, g) {
		if (html_number(G(g, "percent"), &x)) {
			sum += x;
			n++;
		}
		if (html_number(G(g, "elapsed"), &x) && x > el)
			el = x;
	}
	if (n > 0) {
		*done = sum / (double)n;
		have = 1;
	} else if (json_array_size(G(t, "targets")) > 0) {
		/* Targets, none reported: 未填报, not the milestones' 0%. */
		have = 0;
	} else if ((total = html_count(G(ms, "total"))) > 0) {
		*done = html_count(G(ms, "done")) / total;
		have = 1;
	}
	*time = el >= 0 ? el : h->year_share;
	return (have);
}

void
html_progress_cell(const struct html *h, const json_t *t)
{
	FILE		*f = h->f;
	const json_t	*g;
	double		 done = 0, time = -1, w, x;
	char		 pct[64], tpct[64];
	size_t		 i, ntg = json_array_size(G(t, "targets")), nrep = 0;
	int		 have;

	have = task_progress(h, t, &done, &time);
	json_array_foreach(G(t, "targets"), i, g)
		if (html_number(G(g, "percent"), &x))
			nrep++;
	percent_of(done, pct, sizeof pct);
	percent_of(time, tpct, sizeof tpct);
	w = have ? 100 * clamp01(done) : 0;

	fputs("<td class=\"prog\"><svg class=\"progress\" viewBox=\"0 0 100 9\" "
	    "preserveAspectRatio=\"none\" role=\"img\" aria-label=\"", f);
	if (have)
		fprintf(f, "完成 %s", pct);
	else if (ntg > 0)
		fputs(report_status_label("unreported"), f);
	else
		fputs("暂无进度数据", f);
	if (ntg > 0)
		fprintf(f, "，已填报 %zu/%zu", nrep, ntg);
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
	else if (ntg > 0)
		fprintf(f, "<span class=\"muted\">%s</span>", report_status_label("unreported"));
	else
		fputs("<span class=\"muted\">暂无数据</span>", f);
	if (ntg > 0)
		fprintf(f, "<span class=\"el\">已填报 %zu/%zu</span>", nrep, ntg);
	if (time >= 0)
		fprintf(f, "<span class=\"el\">时间进度 %s</span>", tpct);
	fputs("</div></td>", f);
}

/* One of an office's bars, at y: a rate, or none's words when it has none. */
static void
office_bar(FILE *f, const json_t *v, double lw, double pw, double y,
    const char *fill, const char *none)
{
	char	 buf[64];
	double	 x;

	report_percent(v, buf, sizeof buf);
	if (html_number(v, &x)) {
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"11\" "
		    "fill=\"%s\"/>", lw, y, fin(pw * clamp01(x)), fill);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
		    "fill=\"#000\">", fin(lw + pw * clamp01(x) + 4), y + 9.5);
		html_esc(f, buf);
	} else
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10.5\" "
		    "fill=\"#555\">%s", lw + 4, y + 9.5, none);
	fputs("</text>\n", f);
}

void
html_office_chart(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "offices"), *o;
	double		 x, lw, pw, y, rh = 34, top = 40, width = 680;
	size_t		 i, wmax = 8, w, n = 0, row;
	char		*name;
	int		 k;

	/* The ranked offices only: those with nothing due are listed apart
	 * in words, and empty bars would fill a page. */
	json_array_foreach(a, i, o) {
		if (!report_office_ranked(o))
			continue;
		n++;
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
	row = 0;
	json_array_foreach(a, i, o) {
		if (!report_office_ranked(o))
			continue;
		y = top + rh * (double)row++;
		name = utf8_truncate(S(o, "name") ? S(o, "name") : "", wmax);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
		    "text-anchor=\"end\" fill=\"#000\">", lw - 6, y + 21.5);
		html_esc(f, name);
		fputs("</text>\n", f);
		free(name);
		office_bar(f, G(o, "on_time_rate"), lw, pw, y + 5, "#1f5a96",
		    "无到期节点");
		office_bar(f, G(o, "avg_completion"), lw, pw, y + 18, "#8fb3d9",
		    "无量化指标");
	}
	fputs("</svg>\n", f);
}

/* ------------------------------------------------------------------
 * 6. 节点完成进度: the burn-up.
 */

struct point {
	long		 day;
	struct ymd	 date;
	int		 has_planned, has_done;
	double		 planned, done;
};

static int
month_end(const struct ymd *d)
{
	return (d->d == date_days_in_month(d->y, d->m));
}

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
polyline(FILE *f, const struct point *p, size_t n, int done, double x0,
    double x1, double ymax, const double *box, const char *attrs)
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
	struct ymd jan1 = { p[0].date.y, 1, 1 };
	int	 lasty = 0;

	for (i = 0; i < n; i++) {
		if (p[i].date.y < jan1.y)
			jan1.y = p[i].date.y;
		if (p[i].has_planned && p[i].planned > ymax)
			ymax = p[i].planned;
		if (p[i].has_done && p[i].done > ymax)
			ymax = p[i].done;
		if (month_end(&p[i].date))
			ends++;
		if (p[i].has_done)
			lastdone = i;
		if (p[i].has_planned)
			lastplanned = i;
	}
	x0 = (double)date_to_days(&jan1);
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
		if (!month_end(&p[i].date))
			continue;
		x = box[0] + box[2] * ((double)p[i].day - x0) / (x1 - x0);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		    "stroke=\"#000\" stroke-width=\"0.6\"/>", fin(x), box[1] + box[3],
		    fin(x), box[1] + box[3] + 4);
		if (k++ % every == 0) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" "
			    "text-anchor=\"middle\" fill=\"#333\">%d月</text>", fin(x),
			    box[1] + box[3] + 16, p[i].date.m);
			if (p[i].date.y != lasty)
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9.5\" "
				    "text-anchor=\"middle\" fill=\"#555\">%d年</text>",
				    fin(x), box[1] + box[3] + 29, p[i].date.y);
			lasty = p[i].date.y;
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
		{
			char	 cn[32];

			report_date_cn(S(h->r, "as_of"), cn, sizeof cn);
			html_esc(f, cn);
		}
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
	struct ymd	 d;

	for (i = 0; i < n; i += per) {
		fputs("<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"节点完成进度表\"><table class=\"series\">\n<thead><tr><th scope=\"col\">日期</th>", f);
		for (j = i; j < n && j < i + per; j++) {
			b = json_array_get(a, j);
			fputs("<th>", f);
			if (date_parse_iso(S(b, "date"), &d) == 0) {
				if (month_end(&d))
					fprintf(f, "%d月", d.m);
				else
					fprintf(f, "%d月%d日", d.m, d.d);
			} else
				html_esc_or(f, S(b, "date"), "—");
			fputs("</th>", f);
		}
		fputs("</tr></thead>\n<tbody><tr><th scope=\"row\">计划</th>", f);
		for (j = i; j < n && j < i + per; j++) {
			fputs("<td class=\"n\">", f);
			html_put_number(f, G(json_array_get(a, j), "planned"));
			fputs("</td>", f);
		}
		fputs("</tr>\n<tr><th scope=\"row\">实际完成</th>", f);
		for (j = i; j < n && j < i + per; j++) {
			fputs("<td class=\"n\">", f);
			html_put_number(f, G(json_array_get(a, j), "done"));
			fputs("</td>", f);
		}
		fputs("</tr></tbody>\n</table></div>\n", f);
	}
}

void
html_burnup(struct html *h)
{
	FILE		*f = h->f;
	const json_t	*a = G(h->r, "burnup"), *b;
	struct point	*p;
	size_t		 i, n = 0;

	fputs("<section class=\"burnup\">\n<h2>五、节点完成进度</h2>\n", f);
	p = xcalloc(json_array_size(a) + 1, sizeof *p);
	json_array_foreach(a, i, b) {
		if (date_parse_iso(S(b, "date"), &p[n].date) != 0)
			continue;
		p[n].day = date_to_days(&p[n].date);
		p[n].has_planned = html_number(G(b, "planned"), &p[n].planned);
		p[n].has_done = html_number(G(b, "done"), &p[n].done);
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
