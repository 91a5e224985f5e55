/*
 * The quarterly report's shared wording, and its plain formats: JSON,
 * CSV (UTF-8 with a BOM, RFC 4180 quoting) and Markdown.  HTML and XLSX
 * are in report-html.c and report-xlsx.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "markdown.h"
#include "percent.h"
#include "report.h"
#include "words.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		json_integer_value(json_object_get((o), (k)))

static const struct {
	const char	*name;
	enum report_format fmt;
	const char	*type, *ext;
} formats[] = {
	{ "json", REPORT_JSON, "application/json", "json" },
	{ "csv", REPORT_CSV, "text/csv; charset=utf-8", "csv" },
	{ "md", REPORT_MD, "text/markdown; charset=utf-8", "md" },
	{ "markdown", REPORT_MD, "text/markdown; charset=utf-8", "md" },
	{ "html", REPORT_HTML, "text/html; charset=utf-8", "html" },
	{ "xlsx", REPORT_XLSX,
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx" },
};

int
report_format_parse(const char *s, enum report_format *out)
{
	size_t	 i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(s, formats[i].name) == 0) {
			*out = formats[i].fmt;
			return (0);
		}
	return (-1);
}

int
report_view_parse(const char *s, enum report_view *out)
{
	static const char *const names[] = { "tasks", "targets", "offices", "supervise" };
	size_t	 i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (enum report_view)i;
			return (0);
		}
	return (-1);
}

const char *
report_content_type(enum report_format f)
{
	size_t	 i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (formats[i].fmt == f)
			return (formats[i].type);
	return ("application/octet-stream");
}

const char *
report_extension(enum report_format f)
{
	size_t	 i;

	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (formats[i].fmt == f)
			return (formats[i].ext);
	return ("bin");
}

char *
report_filename(const json_t *r, enum report_format f)
{
	const char	*org = S(r, "organisation"), *q = S(r, "quarter");

	return (xprintf("%s-%s-季度督查.%s", org ? org : "duban", q ? q : "",
	    report_extension(f)));
}

/* ------------------------------------------------------------------ */

const char *
report_status_label(const char *s)
{
	return (word_or(VOCAB_TASK_STATUS, s, ""));
}

void
report_number(const json_t *v, char *buf, size_t len)
{
	char	*dot, *end;

	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return;
	}
	if (!json_is_real(v)) {
		snprintf(buf, len, "—");
		return;
	}
	/* Up to four decimals, trailing zeros dropped: 14.6, 0.5, 1200. */
	snprintf(buf, len, "%.4f", json_real_value(v));
	if ((dot = strchr(buf, '.')) != NULL) {
		end = buf + strlen(buf) - 1;
		while (end > dot && *end == '0')
			*end-- = '\0';
		if (end == dot)
			*end = '\0';
	}
	if (strcmp(buf, "-0") == 0)
		snprintf(buf, len, "0");
}

void
report_percent(const json_t *v, char *buf, size_t len)
{
	percent_json(v, buf, len);
}

void
report_required(const json_t *g, char *buf, size_t len)
{
	const char	*q = S(g, "qualifier"), *unit = S(g, "unit");
	char		 num[64], vu[128];

	report_number(json_object_get(g, "value"), num, sizeof num);
	if (unit == NULL)
		unit = "";
	/* The qualifier's pattern has one %s: the value with its unit. */
	snprintf(vu, sizeof vu, "%s%s", num, unit);
	snprintf(buf, len, q != NULL && strstr(word(VOCAB_QUALIFIER, q), "%s") != NULL ?
	    word(VOCAB_QUALIFIER, q) : "%s", vu);
}

void
report_target_phrase(const json_t *g, char *buf, size_t len)
{
	const json_t	*cur = json_object_get(g, "current");
	char		 c[64], req[160], pct[32];

	report_required(g, req, sizeof req);
	if (!json_is_number(cur)) {
		snprintf(buf, len, "要求%s，%s", req, report_target_flag(g));
		return;
	}
	report_number(cur, c, sizeof c);
	report_percent(json_object_get(g, "percent"), pct, sizeof pct);
	snprintf(buf, len, "%s%s / %s（%s）", c, S(g, "unit") ? S(g, "unit") : "", req, pct);
}

const char *
report_target_flag(const json_t *g)
{
	if (!json_is_number(json_object_get(g, "current")))
		return (word(VOCAB_TARGET_STATE,
		    json_is_true(json_object_get(g, "late")) ? "late" : "unreported"));
	if (json_is_true(json_object_get(g, "behind")))
		return (word(VOCAB_TASK_STATUS, "behind"));
	return ("");
}

void
report_average(const json_t *avg, const json_t *reported, const json_t *of,
    char *buf, size_t len)
{
	char	 pct[32];

	report_percent(avg, pct, sizeof pct);
	if (!json_is_integer(of) || !json_is_integer(reported))
		snprintf(buf, len, "%s", pct);
	else if (json_integer_value(of) <= 0)
		snprintf(buf, len, "—");
	else
		snprintf(buf, len, "%s（已填报 %lld/%lld）", pct,
		    (long long)json_integer_value(reported),
		    (long long)json_integer_value(of));
}

char *
report_join(const json_t *a, const char *sep)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f = open_memstream(&buf, &len);
	json_t	*v;

	if (f == NULL)
		fatal("open_memstream");
	json_array_foreach(a, i, v) {
		if (i > 0)
			fputs(sep, f);
		if (json_is_string(v))
			fputs(json_string_value(v), f);
	}
	fclose(f);
	return (buf);
}

void
report_title(const json_t *r, char *buf, size_t len)
{
	const char	*ql = S(r, "quarter_label");

	if (S(r, "title") != NULL)
		snprintf(buf, len, "%s", S(r, "title"));
	else
		snprintf(buf, len, "%s民生实事督查报告", ql ? ql : "");
}

void
report_task_noun(const json_t *r, char *buf, size_t len)
{
	const char	*kind = S(r, "plan_kind");

	if (json_object_get(r, "plan_kind") == NULL)
		kind = "民生实事";	/* a document from before kinds */
	snprintf(buf, len, "%s任务", kind ? kind : "");
}

char *
report_plans_title(const json_t *r)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f = open_memstream(&buf, &len);
	json_t	*p;

	if (f == NULL)
		fatal("open_memstream");
	json_array_foreach(json_object_get(r, "plans"), i, p) {
		if (i > 0)
			fputs("、", f);
		fputs(S(p, "title") ? S(p, "title") : "", f);
	}
	fclose(f);
	return (buf);
}

char *
report_document_numbers(const json_t *r)
{
	char		*buf = NULL;
	size_t		 len = 0, i, n = 0;
	FILE		*f = open_memstream(&buf, &len);
	const json_t	*p;

	if (f == NULL)
		fatal("open_memstream");
	json_array_foreach(json_object_get(r, "plans"), i, p) {
		if (S(p, "document_number") == NULL ||
		    *S(p, "document_number") == '\0')
			continue;
		if (n++ > 0)
			fputs("、", f);
		fputs(S(p, "document_number"), f);
	}
	fclose(f);
	return (buf);
}

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

void
report_date_cn(const char *iso, char *buf, size_t len)
{
	int	 y, m, d, n = 0;

	if (iso != NULL && strlen(iso) == 10 &&
	    sscanf(iso, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10)
		snprintf(buf, len, "%d年%d月%d日", y, m, d);
	else
		snprintf(buf, len, "%s", iso != NULL ? iso : "—");
}

void
report_extended_phrase(const json_t *x, char *buf, size_t len)
{
	char	 now[32], was[32], times[32] = "";

	report_date_cn(S(x, "due_on"), now, sizeof now);
	report_date_cn(S(x, "original_due_on"), was, sizeof was);
	if (N(x, "extensions") > 1)
		snprintf(times, sizeof times, " %lld 次", (long long)N(x, "extensions"));
	snprintf(buf, len, "%s，已延期%s（原定 %s）", now, times, was);
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

int
report_has_phones(const json_t *r)
{
	const json_t	*t;
	size_t		 i;

	json_array_foreach(json_object_get(r, "tasks"), i, t)
		if (S(t, "phone") != NULL && *S(t, "phone") != '\0')
			return (1);
	return (0);
}

char *
report_units(const json_t *t)
{
	char	*rest = report_join(json_object_get(t, "responsible"), "、"), *out;
	const char *lead = S(t, "lead_office");

	if (lead == NULL)
		return (rest);
	if (*rest == '\0' || strcmp(rest, lead) == 0)
		out = xstrdup(lead);
	else if (strncmp(rest, lead, strlen(lead)) == 0)
		out = xstrdup(rest);
	else
		out = xprintf("%s（牵头）、%s", lead, rest);
	free(rest);
	return (out);
}

const struct report_text report_texts[] = {
	{ "problems", "存在问题" }, { "next_steps", "下步措施" },
	{ "coordination", "需协调事项" }, { NULL, NULL }
};

char *
report_note_text(const json_t *u)
{
	const struct report_text *x;
	const char	*note, *s;
	char		*out = NULL, *next;

	if (!json_is_object(u))
		return (NULL);
	if ((note = S(u, "note")) != NULL && *note != '\0')
		out = xstrdup(note);
	for (x = report_texts; x->key != NULL; x++) {
		if ((s = S(u, x->key)) == NULL || *s == '\0')
			continue;
		next = xprintf("%s%s%s：%s", out ? out : "", out ? "\n" : "",
		    x->label, s);
		free(out);
		out = next;
	}
	return (out);
}

/* The task's cell of 截至本期完成情况: the last update's texts, then each
 * 批示 on the task before the cut (领导批示：author（date）：text). */
char *
report_task_note(const json_t *t)
{
	const json_t	*i;
	char		*out = report_note_text(json_object_get(t, "last_update")), *next;
	size_t		 k;

	json_array_foreach(json_object_get(t, "instructions"), k, i) {
		next = xprintf("%s%s领导批示：%s（%s）：%s", out ? out : "", out ? "\n" : "",
		    S(i, "author"), S(i, "on"), S(i, "text"));
		free(out);
		out = next;
	}
	return (out);
}

char *
report_files_phrase(const json_t *files)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;
	json_t	*x;

	if (json_array_size(files) == 0)
		return (xstrdup("无"));
	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	fprintf(f, "%zu 件：", json_array_size(files));
	json_array_foreach(files, i, x)
		fprintf(f, "%s%s", i > 0 ? "；" : "", S(x, "name") ? S(x, "name") : "");
	fclose(f);
	return (buf);
}

/* One line of a task's 佐证材料: "名称：phrase", after a line break but
 * the first. */
static void
files_line(FILE *f, const char *what, const json_t *files)
{
	char	*phrase;

	if (json_array_size(files) == 0)
		return;
	phrase = report_files_phrase(files);
	fprintf(f, "%s%s：%s", ftell(f) > 0 ? "\n" : "", what ? what : "", phrase);
	free(phrase);
}

char *
report_task_files(const json_t *t)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;
	json_t	*x;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	json_array_foreach(json_object_get(t, "targets"), i, x)
		files_line(f, S(x, "name"), json_object_get(x, "files"));
	json_array_foreach(json_object_get(json_object_get(t, "milestones"),
	    "evidence_items"), i, x)
		files_line(f, S(x, "title") ? S(x, "title") : "节点",
		    json_object_get(x, "files"));
	if (ftell(f) == 0)
		fputs("无", f);
	fclose(f);
	return (buf);
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
#define TASK_NCOLS	16
#define TASK_PHONE	7	/* 监督电话: only when a task of the report has one */
static const char *const task_head[TASK_NCOLS] = { "序号", "类别", "民生事项名称",
    "年度任务目标", "牵头处室", "责任单位", "分管领导", "监督电话", "完成时限",
    "指标完成情况", "节点", "状态", "截至本期完成情况", "取得成效", "最近更新",
    "佐证材料" };

struct task_cells {
	const char	*v[TASK_NCOLS];
	char		*ms, *tg, *un, *ld, *note, *files;
};

static void
task_cells(const json_t *t, struct task_cells *c)
{
	const char	*on, *outcome;

	last_update(t, &on, &outcome);
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
	c->v[8] = S(t, "deadline");
	c->v[9] = c->tg;
	c->v[10] = c->ms;
	c->v[11] = report_status_label(S(t, "status"));
	c->v[12] = c->note;
	c->v[13] = outcome;
	c->v[14] = on;
	c->v[15] = c->files;
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

#define OFFICE_NCOLS	11
static const char *const office_head[OFFICE_NCOLS] = { "排名", "处室", "牵头任务",
    "已完成", "逾期任务", "滞后任务", "应完成节点", "按时完成节点", "按时完成率",
    "逾期节点", "指标平均完成率" };

struct office_cells {
	const char	*v[OFFICE_NCOLS];
	char		 n[OFFICE_NCOLS][64];
};

static void
office_cells(const json_t *o, struct office_cells *c)
{
	static const char *const ints[OFFICE_NCOLS] = { "rank", NULL, "tasks", "done",
	    "overdue_tasks", "behind_tasks", "milestones_due", "milestones_on_time",
	    NULL, "milestones_overdue", NULL };
	size_t	 k;

	for (k = 0; k < OFFICE_NCOLS; k++) {
		if (ints[k] != NULL)
			snprintf(c->n[k], sizeof c->n[k], "%lld", (long long)N(o, ints[k]));
		c->v[k] = c->n[k];
	}
	report_percent(json_object_get(o, "on_time_rate"), c->n[8], sizeof c->n[8]);
	report_average(json_object_get(o, "avg_completion"),
	    json_object_get(o, "targets_reported"), json_object_get(o, "targets_measured"),
	    c->n[10], sizeof c->n[10]);
	c->v[1] = S(o, "name");
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
	    11, 12, 13, 14, 15 };
	struct task_cells	 c;
	const char		*v[TASK_NCOLS];
	size_t			 cols[TASK_NCOLS], n, i;
	json_t			*t;

	n = task_columns(r, all, TASK_NCOLS, cols);
	pick(task_head, cols, n, v);
	csv_row(f, v, n);
	json_array_foreach(json_object_get(r, "tasks"), i, t) {
		task_cells(t, &c);
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

static void
csv_offices(const json_t *r, FILE *f)
{
	struct office_cells	 c;
	json_t			*o;
	size_t			 i;

	csv_row(f, office_head, OFFICE_NCOLS);
	json_array_foreach(json_object_get(r, "offices"), i, o) {
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
		csv_offices(r, f);
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

int
report_markdown(const json_t *r, FILE *f, char **cause)
{
	const json_t	*s = json_object_get(r, "summary");
	const json_t	*ms = json_object_get(s, "milestones");
	const json_t	*tg = json_object_get(s, "targets");
	static const size_t md_task_cols[] = { 0, 1, 2, 4, 5, 6, TASK_PHONE, 8, 9,
	    10, 11, 12, 13, 15 };
	const char	*v[TASK_NCOLS] = { NULL };
	size_t		 cols[TASK_NCOLS], ncols;
	char		*plans = report_plans_title(r), pct[32], avg[64], title[256];
	json_t		*t, *o, *x;
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
	fprintf(f, "- 统计期间：%s 至 %s\n", S(json_object_get(r, "period"), "from"),
	    S(json_object_get(r, "period"), "to"));
	fprintf(f, "- 数据截至：%s%s\n\n", S(r, "as_of"),
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

		task_cells(t, &c);
		pick(c.v, cols, ncols, v);
		md_row(f, v, ncols);
		task_cells_free(&c);
	}
	fputs("\n", f);

	fprintf(f, "## 各处室情况\n\n");
	md_head(f, office_head, OFFICE_NCOLS);
	json_array_foreach(json_object_get(r, "offices"), i, o) {
		struct office_cells	 c;

		office_cells(o, &c);
		md_row(f, c.v, OFFICE_NCOLS);
	}
	return (0);
}

/* ------------------------------------------------------------------ */

int
report_via_file(int (*write)(const json_t *, const char *, char **),
    const json_t *r, FILE *f, char **cause)
{
	const char	*dir = getenv("TMPDIR");
	char		*path, buf[65536];
	size_t		 n;
	FILE		*in;
	int		 fd, rc = -1;

	path = xprintf("%s/duban-report-XXXXXX.xlsx", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemps(path, 5)) == -1) {
		*cause = xprintf("无法创建临时文件 %s：%s", path, strerror(errno));
		free(path);
		return (-1);
	}
	close(fd);
	if (write(r, path, cause) != 0)
		goto out;
	if ((in = fopen(path, "rb")) == NULL) {
		*cause = xprintf("无法读取 %s：%s", path, strerror(errno));
		goto out;
	}
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, f);
	fclose(in);
	rc = 0;
out:
	unlink(path);
	free(path);
	return (rc);
}

int
report_render(const json_t *r, enum report_format fmt, enum report_view view,
    FILE *f, char **cause)
{
	int	 rc = -1;

	switch (fmt) {
	case REPORT_JSON:
		/* 15 digits: a share the database rounded (0.836) reads so,
		 * not as the double's 0.83599999999999997. */
		rc = json_dumpf(r, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
		    JSON_REAL_PRECISION(15)) == 0 ? 0 : -1;
		if (rc == 0)
			fputc('\n', f);
		else
			*cause = xstrdup("无法输出 JSON");
		break;
	case REPORT_CSV:
		rc = report_csv(r, view, f, cause);
		break;
	case REPORT_MD:
		rc = report_markdown(r, f, cause);
		break;
	case REPORT_HTML:
		rc = report_html(r, f, cause);
		break;
	case REPORT_XLSX:
		rc = report_via_file(report_xlsx, r, f, cause);
		break;
	}
	if (rc == 0 && ferror(f)) {
		*cause = xprintf("写入失败：%s", strerror(errno));
		rc = -1;
	}
	return (rc);
}
