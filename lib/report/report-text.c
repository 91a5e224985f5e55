/*
 * The quarterly report's plain formats: CSV (UTF-8 with a BOM, RFC 4180
 * quoting), one table at a time, and Markdown, all sections.  Their
 * task, office and 督办 rows are filled in once for both; the wording is
 * report.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "markdown.h"
#include "report.h"
#include "words.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		json_integer_value(json_object_get((o), (k)))

/* ------------------------------------------------------------------
 * CSV: RFC 4180, CRLF, every field quoted when it needs to be.  The BOM
 * tells Excel the file is UTF-8 (without it, Chinese comes out garbled).
 *
 * A text cell that starts with =, +, -, @, a tab or a carriage return is
 * neutralised as OWASP's "CSV injection" page says: a single quote before
 * it, and the cell quoted, so that Excel, WPS and LibreOffice show it as
 * text instead of evaluating it (=IMPORTXML(...) would fetch a URL).  A
 * cell that is a plain number ("-3", "-12.5", "-40%") is a number, not a
 * formula, and stays as it is: the numeric columns can hold negative
 * numbers and must stay numbers.  The check is on the cell, not on the
 * column, so a note that reads just "-3" stays "-3" too (harmless).
 */

/* 1 when s is a plain decimal number, perhaps negative, perhaps a percentage. */
static int
csv_is_number(const char *s)
{
	const char	*p = s;
	int		 digits = 0;

	if (*p == '-' || *p == '+')
		p++;
	for (; *p >= '0' && *p <= '9'; p++)
		digits++;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			digits++;
	if (*p == '%')
		p++;
	return (digits > 0 && *p == '\0');
}

static int
csv_is_formula(const char *s)
{
	return (*s != '\0' && strchr("=+-@\t\r", *s) != NULL && !csv_is_number(s));
}

static void
csv_field(FILE *f, const char *s, int last)
{
	const char	*p;
	int		 formula;

	if (s == NULL)
		s = "";
	formula = csv_is_formula(s);
	if (formula || strpbrk(s, "\",\r\n") != NULL || *s == ' ' ||
	    (*s != '\0' && s[strlen(s) - 1] == ' ')) {
		fputc('"', f);
		if (formula)
			fputc('\'', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	} else
		fputs(s, f);
	fputs(last ? "\r\n" : ",", f);
}

static void
csv_row(FILE *f, const char *const *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		csv_field(f, v[i], i + 1 == n);
}

/* The milestones of a task row: "应完成 3，已完成 2，逾期 1", then each
 * extended one: "；名称：2012年12月31日，已延期（原定 2012年9月30日）". */
static char *
milestone_phrase(const json_t *m)
{
	char	*buf = NULL, phrase[128];
	size_t	 len = 0, i;
	FILE	*f = open_memstream(&buf, &len);
	json_t	*x;

	if (f == NULL)
		fatal("open_memstream");
	fprintf(f, "应完成 %lld，已完成 %lld，逾期 %lld",
	    (long long)N(m, "due"), (long long)N(m, "done"), (long long)N(m, "overdue"));
	json_array_foreach(json_object_get(m, "extended_items"), i, x) {
		report_extended_phrase(x, phrase, sizeof phrase);
		fprintf(f, "；%s：%s", S(x, "title") ? S(x, "title") : "节点", phrase);
	}
	fclose(f);
	return (buf);
}

/* All of a task's targets in one cell: "名称：phrase；名称：phrase". */
static char *
targets_phrase(const json_t *t)
{
	char	*buf = NULL, phrase[512];
	size_t	 len = 0, i;
	FILE	*f = open_memstream(&buf, &len);
	json_t	*g;

	if (f == NULL)
		fatal("open_memstream");
	json_array_foreach(json_object_get(t, "targets"), i, g) {
		report_target_phrase(g, phrase, sizeof phrase);
		fprintf(f, "%s%s：%s", i > 0 ? "；" : "", S(g, "name"), phrase);
	}
	fclose(f);
	return (buf);
}

static const char *
lead_office(const json_t *t)
{
	return (S(t, "lead_office") ? S(t, "lead_office") : "未明确牵头处室");
}

static void
last_update(const json_t *t, const char **on, const char **outcome)
{
	const json_t	*u = json_object_get(t, "last_update");

	*on = json_is_object(u) ? S(u, "on") : NULL;
	*outcome = json_is_object(u) ? S(u, "outcome") : NULL;
}

/*
 * The rows CSV and Markdown share: each fills the cells of one row; the
 * strings they point at live in the struct until its _free.
 */
#define TASK_NCOLS	17
#define TASK_PHONE	7	/* 监督电话: only when a task of the report has one */
static const char *const task_head[TASK_NCOLS] = { "序号", "类别", "民生事项名称",
    "年度任务目标", "牵头处室", "责任单位", "分管领导", "监督电话", "完成时限",
    "指标完成情况", "节点", "状态", "红黄绿灯", "截至本期完成情况", "取得成效",
    "最近更新", "佐证材料" };

struct task_cells {
	const char	*v[TASK_NCOLS];
	char		*ms, *tg, *un, *ld, *note, *files;
	char		 light[128], deadline[32], on[32];
};

/* A row's cells; dates as documents write them (2012年9月30日) if cn,
 * else ISO (CSV). */
static void
task_cells(const json_t *t, struct task_cells *c, int cn)
{
	const char	*on, *outcome;

	last_update(t, &on, &outcome);
	report_light_phrase(t, c->light, sizeof c->light);
	if (cn) {
		report_date_cn(S(t, "deadline"), c->deadline, sizeof c->deadline);
		report_date_cn(on, c->on, sizeof c->on);
	} else {
		snprintf(c->deadline, sizeof c->deadline, "%s",
		    S(t, "deadline") ? S(t, "deadline") : "");
		snprintf(c->on, sizeof c->on, "%s", on ? on : "");
	}
	c->note = report_task_note(t);
	c->ms = milestone_phrase(json_object_get(t, "milestones"));
	c->tg = targets_phrase(t);
	c->un = report_units(t);
	c->ld = report_join(json_object_get(t, "leaders"), "、");
	c->files = report_task_files(t);
	c->v[0] = S(t, "label");
	c->v[1] = S(t, "category");
	c->v[2] = S(t, "title");
	c->v[3] = S(t, "goal");
	c->v[4] = lead_office(t);
	c->v[5] = c->un;
	c->v[6] = c->ld;
	c->v[TASK_PHONE] = S(t, "phone");
	c->v[8] = S(t, "deadline") ? c->deadline : NULL;
	c->v[9] = c->tg;
	c->v[10] = c->ms;
	c->v[11] = report_status_label(S(t, "status"));
	c->v[12] = c->light;
	c->v[13] = c->note;
	c->v[14] = outcome;
	c->v[15] = on ? c->on : NULL;
	c->v[16] = c->files;
}

/*
 * The task columns a table of r shows, of cols[0..n) (indices into
 * task_head), into out; their number.  监督电话 only when a task has one.
 */
static size_t
task_columns(const json_t *r, const size_t *cols, size_t n, size_t *out)
{
	size_t	 i, k = 0;
	int	 phones = report_has_phones(r);

	for (i = 0; i < n; i++)
		if (cols[i] != TASK_PHONE || phones)
			out[k++] = cols[i];
	return (k);
}

/* The cells v[cols[0..n)] into out. */
static void
pick(const char *const *v, const size_t *cols, size_t n, const char **out)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		out[i] = v[cols[i]];
}

static void
task_cells_free(struct task_cells *c)
{
	free(c->ms);
	free(c->tg);
	free(c->un);
	free(c->ld);
	free(c->note);
	free(c->files);
}

/* The ranking's columns: 完成率 and 按时完成率 rank (60-reports.sql);
 * an office with nothing due has no rank and says so in 备注. */
#define OFFICE_NCOLS	14
static const char *const office_head[OFFICE_NCOLS] = { "排名", "处室", "牵头任务",
    "已完成", "逾期任务", "滞后任务", "到期节点", "已完成到期节点", "完成率",
    "按时完成节点", "按时完成率", "逾期节点", "指标平均完成率", "备注" };
/* The 县（市）区 ranking (33-counties.sql) has the offices' columns and
 * rule, on the counties' copies of the city's tasks. */
static const char *const county_head[OFFICE_NCOLS] = { "排名", "县（市）区", "承担任务",
    "已完成", "逾期任务", "滞后任务", "到期节点", "已完成到期节点", "完成率",
    "按时完成节点", "按时完成率", "逾期节点", "指标平均完成率", "备注" };

struct office_cells {
	const char	*v[OFFICE_NCOLS];
	char		 n[OFFICE_NCOLS][64];
};

static void
office_cells(const json_t *o, struct office_cells *c)
{
	static const char *const ints[OFFICE_NCOLS] = { NULL, NULL, "tasks", "done",
	    "overdue_tasks", "behind_tasks", "milestones_due", "milestones_done", NULL,
	    "milestones_on_time", NULL, "milestones_overdue", NULL, NULL };
	size_t	 k;

	for (k = 0; k < OFFICE_NCOLS; k++) {
		c->n[k][0] = '\0';
		if (ints[k] != NULL)
			snprintf(c->n[k], sizeof c->n[k], "%lld", (long long)N(o, ints[k]));
		c->v[k] = c->n[k];
	}
	report_rank(o, c->n[0], sizeof c->n[0]);
	report_percent(json_object_get(o, "completion_rate"), c->n[8], sizeof c->n[8]);
	report_percent(json_object_get(o, "on_time_rate"), c->n[10], sizeof c->n[10]);
	report_average(json_object_get(o, "avg_completion"),
	    json_object_get(o, "targets_reported"), json_object_get(o, "targets_measured"),
	    c->n[12], sizeof c->n[12]);
	c->v[1] = S(o, "name");
	c->v[13] = report_office_ranked(o) ? "" : REPORT_NOTHING_DUE;
}

#define SUPERVISE_NCOLS	5
static const char *const supervise_head[SUPERVISE_NCOLS] = { "序号", "民生事项名称",
    "牵头处室", "状态", "督办事由" };

struct supervise_cells {
	const char	*v[SUPERVISE_NCOLS];
	char		*why;
};

static void
supervise_cells(const json_t *x, struct supervise_cells *c)
{
	c->why = report_join(json_object_get(x, "reasons"), "；");
	c->v[0] = S(x, "label");
	c->v[1] = S(x, "title");
	c->v[2] = S(x, "lead_office") ? S(x, "lead_office") : "未明确牵头处室";
	c->v[3] = report_status_label(S(x, "status"));
	c->v[4] = c->why;
}

static void
csv_tasks(const json_t *r, FILE *f)
{
	static const size_t all[TASK_NCOLS] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
	    11, 12, 13, 14, 15, 16 };
	struct task_cells	 c;
	const char		*v[TASK_NCOLS];
	size_t			 cols[TASK_NCOLS], n, i;
	json_t			*t;

	n = task_columns(r, all, TASK_NCOLS, cols);
	pick(task_head, cols, n, v);
	csv_row(f, v, n);
	json_array_foreach(json_object_get(r, "tasks"), i, t) {
		task_cells(t, &c, 0);
		pick(c.v, cols, n, v);
		csv_row(f, v, n);
		task_cells_free(&c);
	}
}

static void
csv_targets(const json_t *r, FILE *f)
{
	static const char *const head[] = { "序号", "民生事项名称", "牵头处室", "指标",
	    "单位", "要求", "基数", "截至本期", "完成比例", "时间进度", "是否滞后",
	    "佐证材料" };
	const char	*v[12];
	char		 req[160], base[64], cur[64], pct[32], el[32], *files;
	json_t		*t, *g;
	size_t		 i, j;

	csv_row(f, head, 12);
	json_array_foreach(json_object_get(r, "tasks"), i, t) {
		json_array_foreach(json_object_get(t, "targets"), j, g) {
			report_required(g, req, sizeof req);
			report_number(json_object_get(g, "baseline"), base, sizeof base);
			report_number(json_object_get(g, "current"), cur, sizeof cur);
			report_percent(json_object_get(g, "percent"), pct, sizeof pct);
			report_percent(json_object_get(g, "elapsed"), el, sizeof el);
			v[0] = S(t, "label");
			v[1] = S(t, "title");
			v[2] = lead_office(t);
			v[3] = S(g, "name");
			v[4] = S(g, "unit");
			v[5] = req;
			v[6] = base;
			v[7] = cur;
			v[8] = pct;
			v[9] = el;
			v[10] = report_target_flag(g);
			v[11] = files = report_files_phrase(json_object_get(g, "files"));
			csv_row(f, v, 12);
			free(files);
		}
	}
}

/* A ranking: the offices', or the counties' (key "counties"). */
static void
csv_ranking(const json_t *r, const char *key, const char *const *head, FILE *f)
{
	struct office_cells	 c;
	json_t			*o;
	size_t			 i;

	csv_row(f, head, OFFICE_NCOLS);
	json_array_foreach(json_object_get(r, key), i, o) {
		office_cells(o, &c);
		csv_row(f, c.v, OFFICE_NCOLS);
	}
}

static void
csv_supervise(const json_t *r, FILE *f)
{
	struct supervise_cells	 c;
	json_t			*x;
	size_t			 i;

	csv_row(f, supervise_head, SUPERVISE_NCOLS);
	json_array_foreach(json_object_get(r, "supervise"), i, x) {
		supervise_cells(x, &c);
		csv_row(f, c.v, SUPERVISE_NCOLS);
		free(c.why);
	}
}

int
report_csv(const json_t *r, enum report_view view, FILE *f, char **cause)
{
	(void)cause;
	fputs("\xEF\xBB\xBF", f);
	switch (view) {
	case VIEW_TASKS:
		csv_tasks(r, f);
		break;
	case VIEW_TARGETS:
		csv_targets(r, f);
		break;
	case VIEW_OFFICES:
		csv_ranking(r, "offices", office_head, f);
		break;
	case VIEW_COUNTIES:
		csv_ranking(r, "counties", county_head, f);
		break;
	case VIEW_SUPERVISE:
		csv_supervise(r, f);
		break;
	}
	return (0);
}

/* ------------------------------------------------------------------
 * Markdown (GitHub tables): for pasting into a wiki or a chat.
 */

/* A table cell: Markdown's specials escaped, line breaks as <br>. */
static void
md_cell(FILE *f, const char *s)
{
	fputs(" ", f);
	markdown_escape(f, s, "<br>");
	fputs(" |", f);
}

static void
md_row(FILE *f, const char *const *v, size_t n)
{
	size_t	 i;

	fputs("|", f);
	for (i = 0; i < n; i++)
		md_cell(f, v[i]);
	fputs("\n", f);
}

static void
md_head(FILE *f, const char *const *v, size_t n)
{
	size_t	 i;

	md_row(f, v, n);
	fputs("|", f);
	for (i = 0; i < n; i++)
		fputs(" --- |", f);
	fputs("\n", f);
}

/* A rule the report states under a table: "注：…", escaped. */
static void
md_note(FILE *f, const char *s)
{
	if (s == NULL || *s == '\0')
		return;
	fputs("注：", f);
	markdown_escape(f, s, "<br>");
	fputs("\n\n", f);
}

/* A ranking (the offices', or the counties'): the ranked rows; those
 * with nothing due apart, not last; then the rule. */
static void
md_ranking(FILE *f, const json_t *rows, const char *const *head, const char *rule)
{
	const json_t	*o;
	size_t		 i, apart = 0;

	md_head(f, head, OFFICE_NCOLS - 1);
	json_array_foreach(rows, i, o) {
		struct office_cells	 c;

		if (!report_office_ranked(o)) {
			apart++;
			continue;
		}
		office_cells(o, &c);
		md_row(f, c.v, OFFICE_NCOLS - 1);
	}
	fputs("\n", f);
	if (apart > 0) {
		fputs(REPORT_NOTHING_DUE "（不参加排名）：", f);
		apart = 0;
		json_array_foreach(rows, i, o)
			if (!report_office_ranked(o)) {
				fputs(apart++ > 0 ? "、" : "", f);
				markdown_escape(f, S(o, "name"), NULL);
			}
		fputs("。\n\n", f);
	}
	md_note(f, rule);
}

int
report_markdown(const json_t *r, FILE *f, char **cause)
{
	const json_t	*s = json_object_get(r, "summary");
	const json_t	*ms = json_object_get(s, "milestones");
	const json_t	*tg = json_object_get(s, "targets");
	static const size_t md_task_cols[] = { 0, 1, 2, 4, 5, 6, TASK_PHONE, 8, 9,
	    10, 11, 12, 13, 14, 16 };
	const json_t	*lights = json_object_get(s, "lights");
	const char	*v[TASK_NCOLS] = { NULL };
	size_t		 cols[TASK_NCOLS], ncols;
	char		*plans = report_plans_title(r), pct[32], avg[64], title[256];
	char		 from[32], to[32], asof[32];
	json_t		*t, *x;
	size_t		 i;

	(void)cause;
	report_title(r, title, sizeof title);
	fputs("# ", f);
	markdown_escape(f, S(r, "organisation"), NULL);
	fputs(" ", f);
	markdown_escape(f, title, NULL);
	fputs("\n\n", f);
	fputs("- 计划：", f);
	markdown_escape(f, plans, NULL);
	fputs("\n", f);
	report_date_cn(S(json_object_get(r, "period"), "from"), from, sizeof from);
	report_date_cn(S(json_object_get(r, "period"), "to"), to, sizeof to);
	report_date_cn(S(r, "as_of"), asof, sizeof asof);
	fprintf(f, "- 统计期间：%s 至 %s\n", from, to);
	fprintf(f, "- 数据截至：%s%s\n\n", asof,
	    json_is_true(json_object_get(r, "final")) ? "" : "（本季度尚未结束）");
	free(plans);

	report_percent(json_object_get(s, "completion"), pct, sizeof pct);
	report_average(json_object_get(tg, "avg_completion"),
	    json_object_get(tg, "measured_reported"), json_object_get(tg, "measured"),
	    avg, sizeof avg);
	fprintf(f, "## 总体情况\n\n");
	fprintf(f, "共 %lld 项任务：已完成 %lld 项，按期推进 %lld 项，滞后 %lld 项，"
	    "逾期 %lld 项，未填报 %lld 项，未明确牵头处室 %lld 项；完成率 %s。\n\n",
	    (long long)N(s, "tasks"), (long long)N(s, "done"), (long long)N(s, "on_track"),
	    (long long)N(s, "behind"), (long long)N(s, "overdue"),
	    (long long)N(s, "unreported"), (long long)N(s, "unassigned"), pct);
	if (json_is_object(lights))
		fprintf(f, "红黄绿灯：绿灯 %lld 项，黄灯 %lld 项，红灯 %lld 项，灰灯 %lld 项；"
		    "临期 %lld 项。\n\n", (long long)N(lights, "green"),
		    (long long)N(lights, "yellow"), (long long)N(lights, "red"),
		    (long long)N(lights, "grey"), (long long)N(s, "due_soon"));
	fprintf(f, "节点 %lld 个：已到期 %lld 个，已完成 %lld 个（按时 %lld 个），逾期 %lld 个；"
	    "本季度到期 %lld 个。指标 %lld 个：滞后 %lld 个，未填报 %lld 个（其中逾期未报 "
	    "%lld 个）；平均完成 %s。\n\n",
	    (long long)N(ms, "total"), (long long)N(ms, "due"), (long long)N(ms, "done"),
	    (long long)N(ms, "on_time"), (long long)N(ms, "overdue"),
	    (long long)N(ms, "due_this_quarter"), (long long)N(tg, "total"),
	    (long long)N(tg, "behind"), (long long)N(tg, "unreported"),
	    (long long)N(tg, "late"), avg);

	fprintf(f, "## 需督办事项\n\n");
	if (json_array_size(json_object_get(r, "supervise")) == 0)
		fprintf(f, "无。\n\n");
	else {
		struct supervise_cells	 c;

		md_head(f, supervise_head, SUPERVISE_NCOLS);
		json_array_foreach(json_object_get(r, "supervise"), i, x) {
			supervise_cells(x, &c);
			md_row(f, c.v, SUPERVISE_NCOLS);
			free(c.why);
		}
		fputs("\n", f);
	}

	/* The task table without the long 年度任务目标, and the date. */
	fprintf(f, "## 各项任务\n\n");
	ncols = task_columns(r, md_task_cols, sizeof md_task_cols / sizeof md_task_cols[0],
	    cols);
	pick(task_head, cols, ncols, v);
	md_head(f, v, ncols);
	json_array_foreach(json_object_get(r, "tasks"), i, t) {
		struct task_cells	 c;

		task_cells(t, &c, 1);
		pick(c.v, cols, ncols, v);
		md_row(f, v, ncols);
		task_cells_free(&c);
	}
	fputs("\n", f);
	md_note(f, S(r, "lights_rule"));

	fprintf(f, "## 各处室情况\n\n");
	md_ranking(f, json_object_get(r, "offices"), office_head, S(r, "ranking_rule"));
	/* 县（市）区排名: only for plans with county copies. */
	if (json_is_array(json_object_get(r, "counties"))) {
		fprintf(f, "## 各县（市）区情况\n\n");
		md_ranking(f, json_object_get(r, "counties"), county_head,
		    S(r, "county_ranking_rule"));
	}
	return (0);
}
