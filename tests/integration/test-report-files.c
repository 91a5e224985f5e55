/*
 * 佐证材料 in the quarterly report and the 调度汇总, as they stood at the
 * report's moment.  Real duband on an injected clock (DUBAN_NOW), real
 * PostgreSQL; the workbook read back by LibreOffice (xlsx-read.c).
 *
 * Jilin 2012.  On a target of task 1 (普通高中受助学生, 财务审计处) the
 * general office attaches 验收报告.pdf on 10 July and 现场照片.png on
 * 15 August, and on 5 September 验收报告（修订）.pdf in place of the
 * first; on 15 August also 培训签到表.pdf on task 7's milestone 寒假期
 * 培训.  A clerk's file waiting for the office's 报送 is never shown.
 * The Q3 report as of 31 July, 31 August and 30 September; two rounds
 * closed on 21 August and 11 September.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "unit/xlsx-read.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char EVIDENCE[] = DUBAN_SOURCE_DIR "/tests/fixtures/evidence/";

#define I(o, k)	((long long)json_integer_value(json_object_get((o), (k))))

struct site {
	char		*db, *general, *clerk;
	struct t_daemon	 d;
	PGconn		*c;
	long		 target, milestone;
	char		*target_name;
};

static void
at(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	if (s->d.url[0] != '\0')
		t_daemon_stop(&s->d);
	memset(&s->d, 0, sizeof s->d);
	t_daemon_start(&s->d, s->db, NULL, env);
	free(env_now);
}

/* Attaches the fixture file as name to what ("targets"/"milestones") id,
 * replacing supersedes if not 0; the file's id. */
static long long
attach(struct site *s, const char *token, const char *what, long id, const char *fixture,
    const char *name, long long supersedes, const char *state)
{
	char		*path = xprintf("%s%s", EVIDENCE, fixture), *route, *q = NULL;
	size_t		 len;
	void		*data = t_read_file(path, &len);
	json_t		*f;
	long long	 fid;

	route = xprintf("/api/v1/%s/%ld/files", what, id);
	if (supersedes != 0)
		q = xprintf("&supersedes=%lld", supersedes);
	cr_assert_eq(t_upload(s->d.url, route, token, name, data, len, q, &f), 201,
	    "%s: %s", name, json_dumps(f, 0));
	cr_expect_str_eq(S(f, "state"), state, "%s", name);
	fid = I(f, "id");
	json_decref(f);
	free(q);
	free(route);
	free(data);
	free(path);
	return (fid);
}

/* GET path as the general office: 200, the body (len in *len). */
static char *
get(struct site *s, const char *path, size_t *len)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", s->d.url, path), *body;

	t_http(&h, "GET", url, s->general, NULL, NULL);
	cr_assert_eq(h.status, 200, "GET %s: %ld %.300s", path, h.status, h.body);
	body = xmalloc(h.len + 1);
	memcpy(body, h.body, h.len);
	body[h.len] = '\0';
	if (len != NULL)
		*len = h.len;
	t_http_free(&h);
	free(url);
	return (body);
}

static json_t *
post(struct site *s, const char *path, const char *body)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", s->d.url, path);
	json_t		*j;

	t_http(&h, "POST", url, s->general, body, "Content-Type: application/json");
	cr_assert(h.status == 200 || h.status == 201, "POST %s: %ld %s", path, h.status,
	    h.body);
	j = json_loads(h.body, 0, NULL);
	cr_assert_not_null(j);
	t_http_free(&h);
	free(url);
	return (j);
}

/* The Q3 report in format fmt, as of day (NULL: the quarter's end). */
static char *
report(struct site *s, const char *fmt, const char *day, size_t *len)
{
	char	*path = xprintf("/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3"
	    "&format=%s%s%s", fmt, day ? "&as_of=" : "", day ? day : ""), *body;

	body = get(s, path, len);
	free(path);
	return (body);
}

/* The names of a files array, "a；b", "" for none. */
static char *
names(const json_t *files)
{
	char	*out = xstrdup(""), *next;
	json_t	*f;
	size_t	 i;

	json_array_foreach(files, i, f) {
		next = xprintf("%s%s%s", out, i ? "；" : "", S(f, "name"));
		free(out);
		out = next;
	}
	return (out);
}

static json_t *
task_of(const json_t *r, const char *label)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(G(r, "tasks"), i, t)
		if (strcmp(S(t, "label"), label) == 0)
			return (t);
	cr_assert_fail("no task %s", label);
	return (NULL);
}

/* What each as-of day must show. */
static const struct when {
	const char	*day;		/* as_of; NULL: the quarter's end */
	const char	*base;		/* the workbook's name */
	const char	*target;	/* the target's files, "a；b" */
	const char	*milestone;	/* 寒假期培训's, "" for none */
	int		 total;
} whens[] = {
	{ "2012-07-31", "jul", "验收报告.pdf", "", 1 },
	{ "2012-08-31", "aug", "验收报告.pdf；现场照片.png", "培训签到表.pdf", 3 },
	{ NULL, "sep", "现场照片.png；验收报告（修订）.pdf", "培训签到表.pdf", 3 },
};
#define NWHENS	(sizeof whens / sizeof whens[0])

static void
check_json(const json_t *r, const struct when *w)
{
	json_t		*t1 = task_of(r, "1"), *t7 = task_of(r, "7"), *g, *items;
	char		*got;
	size_t		 i;
	const char	*day = w->day ? w->day : "2012-09-30";

	cr_expect_str_eq(S(r, "as_of"), day);
	json_array_foreach(G(t1, "targets"), i, g) {
		got = names(G(g, "files"));
		cr_expect_str_eq(got, strcmp(S(g, "name"), "普通高中受助学生") == 0 ?
		    w->target : "", "%s: %s", day, S(g, "name"));
		free(got);
	}
	items = G(G(t7, "milestones"), "evidence_items");
	if (*w->milestone == '\0')
		cr_expect_eq(json_array_size(items), 0, "%s: 7's milestones", day);
	else {
		cr_assert_eq(json_array_size(items), 1, "%s: 7's milestones", day);
		cr_expect_str_eq(S(json_array_get(items, 0), "title"), "寒假期培训");
		got = names(G(json_array_get(items, 0), "files"));
		cr_expect_str_eq(got, w->milestone, "%s: 寒假期培训", day);
		free(got);
	}
	cr_expect_eq(I(G(G(r, "summary"), "files"), "total"), w->total, "%s", day);
}

/* "2 件：a；b" for "a；b". */
static char *
phrase(const char *list)
{
	int	 n = 1;

	for (const char *p = list; (p = strstr(p, "；")) != NULL; p += strlen("；"))
		n++;
	return (xprintf("%d 件：%s", n, list));
}

static void
check_html(const char *html, const struct when *w)
{
	char	*p = phrase(w->target), *want = xprintf("佐证材料：%s", p);

	free(p);
	cr_expect(strstr(html, want) != NULL, "%s: HTML lacks 「%s」", w->base, want);
	free(want);
	p = phrase("培训签到表.pdf");
	want = xprintf("寒假期培训<div class=\"ev\">佐证材料：%s</div>", p);
	cr_expect((strstr(html, want) != NULL) == (*w->milestone != '\0'), "%s: 「%s」",
	    w->base, want);
	free(want);
	free(p);
	cr_expect(strstr(html, "草稿照片.png") == NULL, "%s: a pending file shown", w->base);
	if (w->day != NULL && strcmp(w->day, "2012-07-31") == 0)
		cr_expect(strstr(html, "现场照片.png") == NULL, "%s: a later file shown",
		    w->base);
}

/* Markdown's task table and the CSV of targets: the target's row has
 * its files' phrase at the end of the cell (the row) after start. */
static void
check_plain(const char *text, const char *start, const char *end, const struct when *w)
{
	const char	*p = strstr(text, start), *e;
	char		*want = phrase(w->target), *tail = xprintf("%s%s", want, end);

	cr_assert(p != NULL, "%s: no 「%s」", w->base, start);
	e = strstr(p, end);
	cr_expect(e != NULL && (size_t)(e - p) >= strlen(want) &&
	    strncmp(e - strlen(want), want, strlen(want)) == 0,
	    "%s: 「%s」 lacks 「%s」 at its end: %.300s", w->base, start, tail, p);
	free(tail);
	free(want);
}

static void
check_xlsx(const char *out, const struct when *w)
{
	struct csv	 c;
	size_t		 col, name, r;
	long		 row;
	char		*want;

	sheet_csv(&c, out, w->base, "指标");
	col = col_of(&c, "佐证材料", w->base);
	name = col_of(&c, "指标", w->base);
	for (r = 2; r < c.n; r++)
		if (strcmp(cell(&c, r, name), "普通高中受助学生") == 0)
			break;
	cr_assert(r < c.n, "%s: 指标 has no 普通高中受助学生", w->base);
	want = phrase(w->target);
	cr_expect_str_eq(cell(&c, r, col), want, "%s: 指标 佐证材料", w->base);
	free(want);
	/* Another target: none. */
	cr_expect_str_eq(cell(&c, r + 1, col), "无", "%s: the next target", w->base);
	csv_free(&c);

	sheet_csv(&c, out, w->base, "任务");
	col = col_of(&c, "佐证材料", w->base);
	row = find_row(&c, "7");
	cr_assert(row >= 0);
	if (*w->milestone == '\0')
		cr_expect_str_eq(cell(&c, (size_t)row, col), "无", "%s: 任务 7", w->base);
	else
		cr_expect_str_eq(cell(&c, (size_t)row, col), "寒假期培训：1 件：培训签到表.pdf",
		    "%s: 任务 7", w->base);
	row = find_row(&c, "1");
	cr_assert(row >= 0);
	{
		char	*p = phrase(w->target);

		want = xprintf("普通高中受助学生：%s", p);
		free(p);
	}
	cr_expect_str_eq(cell(&c, (size_t)row, col), want, "%s: 任务 1", w->base);
	free(want);
	csv_free(&c);
}

/* The round's 调度汇总: task 1's and 7's files, as closed. */
static void
check_summary(struct site *s, long long round, const char *target, const char *text_day)
{
	char	*path = xprintf("/api/v1/dispatches/%lld", round), *body, *got;
	json_t	*d, *t, *x, *one = NULL, *seven = NULL;
	size_t	 i;

	body = get(s, path, NULL);
	d = json_loads(body, 0, NULL);
	cr_assert_not_null(d);
	json_array_foreach(G(G(d, "summary"), "tasks"), i, t) {
		if (strcmp(S(t, "label"), "1") == 0)
			one = G(t, "files");
		if (strcmp(S(t, "label"), "7") == 0)
			seven = G(t, "files");
	}
	cr_assert(one != NULL && seven != NULL, "%s", body);
	cr_assert_eq(json_array_size(one), 1, "%s", body);
	x = json_array_get(one, 0);
	cr_expect_str_eq(S(x, "what"), "普通高中受助学生");
	got = names(G(x, "files"));
	cr_expect_str_eq(got, target, "round %lld", round);
	free(got);
	cr_expect_eq(I(x, "count"), 2);
	cr_assert_eq(json_array_size(seven), 1, "%s", body);
	cr_expect_str_eq(S(json_array_get(seven, 0), "what"), "寒假期培训");
	cr_expect_eq(I(G(G(d, "summary"), "counts"), "files"), 3, "round %lld", round);
	json_decref(d);
	free(body);
	free(path);

	/* duban dispatch show says the same. */
	{
		char		 id[24];
		const char	*show[] = { "dispatch", "show", id, NULL };
		struct t_run	 r;
		char		*p = phrase(target);
		char		*want = xprintf("  佐证材料：\n    普通高中受助学生：%s\n", p);

		free(p);

		snprintf(id, sizeof id, "%lld", round);
		setenv("DUBAN_SERVER", s->d.url, 1);
		setenv("DUBAN_TOKEN", s->general, 1);
		t_cli(&r, s->db, show);
		unsetenv("DUBAN_SERVER");
		unsetenv("DUBAN_TOKEN");
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, want) != NULL, "%s: 「%s」 in\n%s", text_day, want,
		    r.out);
		cr_expect(strstr(r.out, "    寒假期培训：1 件：培训签到表.pdf\n") != NULL, "%s",
		    r.out);
		cr_expect(strstr(r.out, "佐证材料 3 件") != NULL, "%s", r.out);
		free(want);
		t_run_free(&r);
	}
}

Test(report_files, as_they_stood_at_each_moment, .timeout = 240)
{
	struct site	 s;
	const char	*load[] = { "plan", "load", JILIN, NULL };
	const char	*files[NWHENS + 1];
	struct t_run	 r;
	long long	 a, round1, round2;
	json_t		*j, *rep;
	char		*body, *dir, *out, *prof, *xlsx[NWHENS];
	size_t		 i, len;

	memset(&s, 0, sizeof s);
	s.db = t_db_create();
	t_cli(&r, s.db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	s.general = t_token(s.db, "general", NULL);
	s.clerk = t_person_token(s.db, "wangli", "王丽", "财务审计处", "clerk");
	s.c = t_connect(s.db);
	s.target = t_query_long(s.c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.name = '普通高中受助学生'", 0, NULL);
	s.milestone = t_query_long(s.c, "SELECT m.id FROM milestone m JOIN task t"
	    " ON t.id = m.task_id WHERE t.key = '7' AND m.key = 'winter'", 0, NULL);

	at(&s, "2012-07-10T10:00+08:00");
	a = attach(&s, s.general, "targets", s.target, "验收报告.pdf", "验收报告.pdf", 0,
	    "submitted");
	attach(&s, s.clerk, "targets", s.target, "现场照片.png", "草稿照片.png", 0, "pending");

	at(&s, "2012-08-15T10:00+08:00");
	attach(&s, s.general, "targets", s.target, "现场照片.png", "现场照片.png", 0,
	    "submitted");
	attach(&s, s.general, "milestones", s.milestone, "验收报告.pdf", "培训签到表.pdf", 0,
	    "submitted");
	j = post(&s, "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],"
	    "\"offices\":[\"财务审计处\",\"职业与成人教育处\"],\"due_on\":\"2012-08-20\"}");
	round1 = I(j, "id");
	json_decref(j);

	at(&s, "2012-08-21T10:00+08:00");
	body = xprintf("/api/v1/dispatches/%lld/close", round1);
	json_decref(post(&s, body, "{}"));
	free(body);
	j = post(&s, "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],"
	    "\"offices\":[\"财务审计处\",\"职业与成人教育处\"],\"due_on\":\"2012-09-10\"}");
	round2 = I(j, "id");
	json_decref(j);

	at(&s, "2012-09-05T10:00+08:00");
	attach(&s, s.general, "targets", s.target, "验收报告.pdf", "验收报告（修订）.pdf", a,
	    "submitted");

	at(&s, "2012-09-11T10:00+08:00");
	body = xprintf("/api/v1/dispatches/%lld/close", round2);
	json_decref(post(&s, body, "{}"));
	free(body);

	/* The 调度汇总s, as each round closed: the superseded report in the
	 * first, its revision in the second. */
	check_summary(&s, round1, "验收报告.pdf；现场照片.png", "round 1");
	check_summary(&s, round2, "现场照片.png；验收报告（修订）.pdf", "round 2");

	/* The report, on 8 October, as of three days. */
	at(&s, "2012-10-08T09:00+08:00");
	dir = workdir();
	out = xprintf("%s/shown", dir);
	for (i = 0; i < NWHENS; i++) {
		body = report(&s, "json", whens[i].day, NULL);
		rep = json_loads(body, 0, NULL);
		cr_assert_not_null(rep);
		check_json(rep, &whens[i]);
		json_decref(rep);
		free(body);

		body = report(&s, "html", whens[i].day, NULL);
		check_html(body, &whens[i]);
		free(body);

		body = report(&s, "md", whens[i].day, NULL);
		check_plain(body, "| 普通高中受助学生：", " |", &whens[i]);
		free(body);
		body = report(&s, "csv&view=targets", whens[i].day, NULL);
		check_plain(body, ",普通高中受助学生,", "\r\n", &whens[i]);
		free(body);

		body = report(&s, "xlsx", whens[i].day, &len);
		xlsx[i] = xprintf("%s/%s.xlsx", dir, whens[i].base);
		t_write_file(xlsx[i], body, len);
		files[i] = xlsx[i];
		free(body);
	}
	files[NWHENS] = NULL;
	prof = profile(dir, "profile", RECALC_NEVER);
	soffice(dir, prof, CSV_SHOWN, out, files);
	for (i = 0; i < NWHENS; i++) {
		check_xlsx(out, &whens[i]);
		free(xlsx[i]);
	}
	free(prof);
	free(out);
	workdir_done(dir);

	t_daemon_stop(&s.d);
	PQfinish(s.c);
	free(s.general);
	free(s.clerk);
	free(s.db);
}
