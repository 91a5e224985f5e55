/*
 * The quarterly report's formats table, its shared wording and JSON.
 * CSV and Markdown are in report-text.c, HTML in report-html.c, XLSX in
 * report-xlsx.c.
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
	static const char *const names[] = { "tasks", "targets", "offices", "supervise",
	    "counties" };
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
