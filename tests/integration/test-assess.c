/*
 * 考核: the Jilin 2012 year replayed through the CLI and a real duband
 * on an injected clock (DUBAN_NOW per step), scored by the shipped rule
 * table, and compared line by line with a fixture computed by hand
 * (tests/fixtures/assess/jilin-2012.json): at year end, and as of
 * earlier days.  The 考核表 read back by LibreOffice with recalculation;
 * the API's answer to each role; bad rule files named FILE:LINE:COLUMN.
 *
 * The replay is made once per run (the first case to need it) and
 * shared under t_db_shared's naming, so the run's end drops it:
 *   2012-03-01  rules and calendar loaded; round 一季度进展调度 (财务审计处,
 *               人事处, 职业与成人教育处, by 3-09); 职业与成人教育处 reports
 *               寒假期培训 done on 2-28
 *   2012-03-12  财务审计处 reports a target of task 1 (late); round closed
 *   2012-06-20  round 二季度进展调度 (职业与成人教育处, 教育技术装备处, by
 *               6-29); both report
 *   2012-06-25  the general office returns 教育技术装备处's report (退回)
 *   2012-07-10  教育技术装备处 reports again; 人事处's 5① extended to 10-31
 *   2012-08-20  暑假期培训 done; 5① extended again, to 11-30
 *   2012-10-15  task 7 done (its 完成时限 10-31)
 *   2013-01-10  学校安全处 reports task 4 done on 2012-12-20; 领导评价:
 *               人事处 18, 职业与成人教育处 15 then 16
 * 人事处 never reports in the first round; 5③ is never done.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "unit/xlsx-read.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char RULES[] = DUBAN_SOURCE_DIR "/plans/assess/default.yaml";
static const char CALENDAR[] = DUBAN_SOURCE_DIR "/plans/calendar/cn-workdays.yaml";
static const char LATER[] = "2013-01-15T09:00:00+08:00";

struct replay {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*general, *caiwu, *renshi, *zhiye, *zhuangbei, *anquan;
};

/* Restarts duband on the clock now; the CLI reads the same clock. */
static void
step(struct replay *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	if (s->d.url[0] != '\0')
		t_daemon_stop(&s->d);
	memset(&s->d, 0, sizeof s->d);
	t_daemon_start(&s->d, s->db, NULL, env);
	setenv("DUBAN_NOW", now, 1);
	setenv("DUBAN_SERVER", s->d.url, 1);
	free(env_now);
}

/* The CLI as the holder of token (NULL: none), which must succeed. */
static void
as(struct replay *s, const char *token, const char *const *args)
{
	if (token != NULL)
		setenv("DUBAN_TOKEN", token, 1);
	else
		unsetenv("DUBAN_TOKEN");
	t_cli_ok(s->db, args);
}

/* The id of task label's milestone title, as text (static buffer). */
static const char *
ms(struct replay *s, const char *label, const char *title)
{
	static char	 buf[4][24];
	static int	 n;
	char		*v;

	v = t_query(s->c, "SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id"
	    " WHERE t.label = $1 AND m.title = $2", 2, (const char *[]){ label, title });
	cr_assert_not_null(v, "milestone %s %s", label, title);
	n = (n + 1) % 4;
	snprintf(buf[n], sizeof buf[n], "%s", v);
	free(v);
	return (buf[n]);
}

/* Asks for an extension of milestone id to date as 人事处; the general
 * office approves it. */
static void
extend(struct replay *s, const char *id, const char *date)
{
	char	*req;

	as(s, s->renshi, (const char *[]){ "extension", "request", id, "--date", date,
	    "--reason", "交流人员名单需报市人社局备案", NULL });
	req = t_query(s->c, "SELECT max(id) FROM milestone_extension", 0, NULL);
	as(s, s->general, (const char *[]){ "extension", "approve", req, "--reason",
	    "理由充分，同意", NULL });
	free(req);
}

static void
replay_run(struct replay *s)
{
	const char	*m;
	char		*round, *target;

	s->c = t_connect(s->db);
	t_cli_ok(s->db, (const char *[]){ "plan", "load", JILIN, NULL });
	s->general = t_token(s->db, "general", NULL);
	s->caiwu = t_token(s->db, "office", "财务审计处");
	s->renshi = t_token(s->db, "office", "人事处");
	s->zhiye = t_token(s->db, "office", "职业与成人教育处");
	s->zhuangbei = t_token(s->db, "office", "教育技术装备处");
	s->anquan = t_token(s->db, "office", "学校安全处");

	step(s, "2012-03-01T09:00:00+08:00");
	as(s, NULL, (const char *[]){ "calendar", "load", CALENDAR, NULL });
	as(s, NULL, (const char *[]){ "assess", "load", RULES, NULL });
	as(s, s->general, (const char *[]){ "dispatch", "open", "--plan", "jilin-2012",
	    "--due", "2012-03-09", "--title", "一季度进展调度", "--office", "财务审计处",
	    "--office", "人事处", "--office", "职业与成人教育处", NULL });
	m = ms(s, "7", "寒假期培训");
	as(s, s->zhiye, (const char *[]){ "milestone", "update", m, "--status", "done",
	    "--completed-on", "2012-02-28", "--note", "寒假期培训已完成", NULL });

	step(s, "2012-03-12T10:00:00+08:00");
	target = t_query(s->c, "SELECT min(g.id) FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.label = '1'", 0, NULL);
	as(s, s->caiwu, (const char *[]){ "target", "set", target, "100", "--confirm", NULL });
	free(target);
	round = t_query(s->c, "SELECT id FROM dispatch WHERE title = '一季度进展调度'", 0, NULL);
	as(s, s->general, (const char *[]){ "dispatch", "close", round, NULL });
	free(round);

	step(s, "2012-06-20T09:00:00+08:00");
	as(s, s->general, (const char *[]){ "dispatch", "open", "--plan", "jilin-2012",
	    "--due", "2012-06-29", "--title", "二季度进展调度", "--office", "职业与成人教育处",
	    "--office", "教育技术装备处", NULL });
	round = t_query(s->c, "SELECT id FROM dispatch WHERE title = '二季度进展调度'", 0, NULL);
	as(s, s->zhuangbei, (const char *[]){ "dispatch", "submit", round, "教育技术装备处",
	    "--confirm", NULL });
	as(s, s->zhiye, (const char *[]){ "dispatch", "submit", round, "职业与成人教育处",
	    "--confirm", NULL });

	step(s, "2012-06-25T09:00:00+08:00");
	as(s, s->general, (const char *[]){ "dispatch", "return", round, "教育技术装备处",
	    "--reason", "未附佐证材料，请补充后重新报送", NULL });

	step(s, "2012-07-10T09:00:00+08:00");
	as(s, s->zhuangbei, (const char *[]){ "dispatch", "submit", round, "教育技术装备处",
	    "--confirm", NULL });
	free(round);
	m = ms(s, "5①", "完成时限");
	extend(s, m, "2012-10-31");

	step(s, "2012-08-20T09:00:00+08:00");
	as(s, s->zhiye, (const char *[]){ "milestone", "update", ms(s, "7", "暑假期培训"),
	    "--status", "done", NULL });
	extend(s, ms(s, "5①", "完成时限"), "2012-11-30");

	step(s, "2012-10-15T09:00:00+08:00");
	as(s, s->zhiye, (const char *[]){ "milestone", "update", ms(s, "7", "完成时限"),
	    "--status", "done", NULL });

	step(s, "2013-01-10T10:00:00+08:00");
	as(s, s->anquan, (const char *[]){ "milestone", "update", ms(s, "4", "完成时限"),
	    "--status", "done", "--completed-on", "2012-12-20", NULL });
	as(s, s->general, (const char *[]){ "assess", "grade", "--year", "2012", "--office",
	    "人事处", "--points", "18", "--note", "工作扎实", NULL });
	as(s, s->general, (const char *[]){ "assess", "grade", "--year", "2012", "--office",
	    "职业与成人教育处", "--points", "15", NULL });
	as(s, s->general, (const char *[]){ "assess", "grade", "--year", "2012", "--office",
	    "职业与成人教育处", "--points", "16", "--note", "复核后调整", NULL });
	t_daemon_stop(&s->d);
	memset(&s->d, 0, sizeof s->d);
}

/* The replay, as the run's snapshot: the tokens the cases use kept in it. */
static void
replay_build(const char *db, void *arg)
{
	struct replay	*s = arg;

	s->db = (char *)db;
	replay_run(s);
	t_keep(db, "general", s->general);
	t_keep(db, "caiwu", s->caiwu);
	t_keep(db, "renshi", s->renshi);
	t_keep(db, "zhiye", s->zhiye);
	PQfinish(s->c);
	free(s->general);
	free(s->caiwu);
	free(s->renshi);
	free(s->zhiye);
	free(s->zhuangbei);
	free(s->anquan);
}

/* A copy of the replayed database, made by the first case that asks. */
static char *
replayed(struct replay *s)
{
	struct replay	 b;

	memset(s, 0, sizeof *s);
	memset(&b, 0, sizeof b);
	s->db = t_db_snapshot("assess", replay_build, &b);
	s->c = t_connect(s->db);
	return (s->db);
}

static char *
token_of(struct replay *s, const char *who)
{
	return (t_kept(s->db, who));
}

/* `duban assess score --year 2012 [--as-of day] [--office office]
 * --format json`, on a later day. */
static json_t *
score(struct replay *s, const char *day, const char *office)
{
	const char	*args[11] = { "assess", "score", "--year", "2012", "--format", "json" };
	struct t_run	 r;
	json_t		*j;
	int		 n = 6;

	if (day != NULL) {
		args[n++] = "--as-of";
		args[n++] = day;
	}
	if (office != NULL) {
		args[n++] = "--office";
		args[n++] = office;
	}
	args[n] = NULL;
	setenv("DUBAN_NOW", LATER, 1);
	t_cli(&r, s->db, args);
	cr_assert_eq(r.status, 0, "assess score: %s", r.err);
	j = json_loads(r.out, 0, NULL);
	cr_assert_not_null(j, "%s", r.out);
	t_run_free(&r);
	return (j);
}

/* A line as the fixture writes it: 规则|任务|事项|分值. */
static char *
line_key(const json_t *l)
{
	char	 pts[32];
	double	 v = json_number_value(json_object_get(l, "points"));

	snprintf(pts, sizeof pts, "%g", v);
	return (xprintf("%s|%s|%s|%s", S(l, "rule_label"), S(l, "task") ? S(l, "task") : "",
	    S(l, "item") ? S(l, "item") : "", pts));
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The office's lines of the report, sorted, joined by newlines. */
static char *
lines_of(const json_t *r, const char *office)
{
	const json_t	*l;
	char		**v = xcalloc(json_array_size(json_object_get(r, "lines")) + 1,
			    sizeof *v), *out = xstrdup(""), *next;
	size_t		 i, n = 0;

	json_array_foreach(json_object_get(r, "lines"), i, l)
		if (strcmp(S(l, "office"), office) == 0)
			v[n++] = line_key(l);
	qsort(v, n, sizeof *v, cmp_str);
	for (i = 0; i < n; i++) {
		next = xprintf("%s%s\n", out, v[i]);
		free(out);
		free(v[i]);
		out = next;
	}
	free(v);
	return (out);
}

/* The fixture's lines, sorted the same way. */
static char *
fixture_lines(const json_t *want)
{
	json_t	*l;
	size_t	 i, n = json_array_size(want);
	char	**v = xcalloc(n + 1, sizeof *v), *out = xstrdup(""), *next;

	json_array_foreach(want, i, l)
		v[i] = xstrdup(json_string_value(l));
	qsort(v, n, sizeof *v, cmp_str);
	for (i = 0; i < n; i++) {
		next = xprintf("%s%s\n", out, v[i]);
		free(out);
		free(v[i]);
		out = next;
	}
	free(v);
	return (out);
}

static const json_t *
office_row(const json_t *r, const char *office)
{
	const json_t	*o;
	size_t		 i;

	json_array_foreach(json_object_get(r, "offices"), i, o)
		if (strcmp(S(o, "office"), office) == 0)
			return (o);
	return (NULL);
}

/* Every office of the fixture for day: total, rank and (where given)
 * lines; and no office the fixture does not name. */
static void
check_day(const json_t *r, const char *day)
{
	json_t		*fx = t_load_json("tests/fixtures/assess/jilin-2012.json");
	const json_t	*want = json_object_get(fx, day), *w, *o;
	const char	*office;
	char		*got, *exp;

	cr_assert_not_null(want, "fixture has no %s", day);
	cr_expect_str_eq(S(r, "as_of"), day);
	cr_expect_eq(json_array_size(json_object_get(r, "offices")), json_object_size(want),
	    "%s: %zu offices scored", day, json_array_size(json_object_get(r, "offices")));
	json_object_foreach((json_t *)want, office, w) {
		o = office_row(r, office);
		cr_assert_not_null(o, "%s: %s not scored", day, office);
		cr_expect_eq(json_number_value(json_object_get(o, "total")),
		    json_number_value(json_object_get(w, "total")), "%s %s: total %g, want %g",
		    day, office, json_number_value(json_object_get(o, "total")),
		    json_number_value(json_object_get(w, "total")));
		cr_expect_eq(json_integer_value(json_object_get(o, "rank")),
		    json_integer_value(json_object_get(w, "rank")), "%s %s: rank", day, office);
		if (json_object_get(w, "lines") == NULL)
			continue;
		got = lines_of(r, office);
		exp = fixture_lines(json_object_get(w, "lines"));
		cr_expect_str_eq(got, exp, "%s %s", day, office);
		free(got);
		free(exp);
	}
	json_decref(fx);
}

static void
replay_free(struct replay *s)
{
	PQfinish(s->c);
	free(s->db);
}

Test(assess, year_end_line_by_line, .timeout = 240)
{
	struct replay	 s;
	json_t		*r;

	replayed(&s);
	r = score(&s, "2013-01-10", NULL);
	check_day(r, "2013-01-10");
	/* Each line says which rule; the rules say which table. */
	cr_expect_str_eq(S(json_object_get(r, "rules"), "title"), "2012年度目标管理责任考核评分细则");
	json_decref(r);
	replay_free(&s);
}

Test(assess, as_of_earlier_days, .timeout = 240)
{
	static const char *const days[] = { "2012-12-31", "2012-06-30", "2012-02-29" };
	struct replay	 s;
	json_t		*r;

	replayed(&s);
	for (size_t i = 0; i < 3; i++) {
		r = score(&s, days[i], NULL);
		check_day(r, days[i]);
		json_decref(r);
	}
	/* An office's own view: the totals of all, its own lines only. */
	r = score(&s, "2013-01-10", "人事处");
	cr_expect_eq(json_array_size(json_object_get(r, "offices")), 10);
	cr_expect_eq(json_array_size(json_object_get(r, "lines")), 5);
	json_decref(r);
	replay_free(&s);
}

/* The column headed head on 考核汇总 (its third row: title, subtitle,
 * headings). */
static size_t
head_col(const struct csv *c, const char *head)
{
	for (size_t i = 0; c->n > 2 && i < c->rows[2].n; i++)
		if (strcmp(c->rows[2].f[i], head) == 0)
			return (i);
	t_fatal("考核汇总: no column 「%s」", head);
}

/* The 考核表 converted by LibreOffice, recalculating on load: the same
 * totals and ranks as the database's. */
Test(assess, xlsx_recalculated, .timeout = 240)
{
	struct replay	 s;
	struct csv	 tot;
	struct t_run	 r;
	json_t		*fx, *want, *w;
	const char	*dir, *office, *files[2];
	char		*path, *prof, *outdir;
	long		 row;
	size_t		 tcol, rcol;

	replayed(&s);
	dir = t_tmpdir();
	path = xprintf("%s/kaohe.xlsx", dir);
	setenv("DUBAN_NOW", LATER, 1);
	t_cli(&r, s.db, (const char *[]){ "assess", "score", "--year", "2012", "--as-of",
	    "2013-01-10", "--output", path, NULL });
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	prof = profile(dir, "recalc", RECALC_ALWAYS);
	outdir = xprintf("%s/out", dir);
	files[0] = path;
	files[1] = NULL;
	soffice(dir, prof, CSV_SHOWN, outdir, files);
	sheet_csv(&tot, outdir, "kaohe", "考核汇总");
	tcol = head_col(&tot, "总分");
	rcol = head_col(&tot, "排名");
	fx = t_load_json("tests/fixtures/assess/jilin-2012.json");
	want = json_object_get(fx, "2013-01-10");
	json_object_foreach(want, office, w) {
		row = find_row(&tot, office);
		cr_assert(row >= 0, "%s not in 考核汇总", office);
		cr_expect_eq(atof(cell(&tot, (size_t)row, tcol)),
		    json_number_value(json_object_get(w, "total")), "%s 总分 %s", office,
		    cell(&tot, (size_t)row, tcol));
		cr_expect_eq(atol(cell(&tot, (size_t)row, rcol)),
		    json_integer_value(json_object_get(w, "rank")), "%s 排名 %s", office,
		    cell(&tot, (size_t)row, rcol));
	}
	csv_free(&tot);
	json_decref(fx);
	free(outdir);
	free(prof);
	free(path);
	replay_free(&s);
}

/* Who sees what through GET /api/v1/assess, and who may grade. */
Test(assess, api_roles, .timeout = 240)
{
	struct replay	 s;
	struct t_daemon	 d;
	const char	*env[] = { "DUBAN_NOW=2013-01-15T09:00:00+08:00", NULL };
	const char	*q = "/api/v1/assess?year=2012&as_of=2013-01-10";
	char		*general, *renshi, *inspector, *leader;
	json_t		*j;

	replayed(&s);
	general = token_of(&s, "general");
	renshi = token_of(&s, "renshi");
	inspector = t_token(s.db, "inspector", NULL);
	leader = t_person_token(s.db, "fenguan", "于海波", NULL, "leader");
	memset(&d, 0, sizeof d);
	t_daemon_start(&d, s.db, NULL, env);

	/* The general office, inspectors and leaders: every line. */
	cr_assert_eq(t_call(&d, "GET", q, general, NULL, &j), 200);
	check_day(j, "2013-01-10");
	json_decref(j);
	cr_assert_eq(t_call(&d, "GET", q, inspector, NULL, &j), 200);
	cr_expect_eq(json_array_size(json_object_get(j, "lines")), 41);
	json_decref(j);
	cr_assert_eq(t_call(&d, "GET", q, leader, NULL, &j), 200);
	cr_expect_eq(json_array_size(json_object_get(j, "lines")), 41);
	json_decref(j);
	/* An office: every office's totals, its own lines. */
	cr_assert_eq(t_call(&d, "GET", q, renshi, NULL, &j), 200);
	cr_expect_eq(json_array_size(json_object_get(j, "offices")), 10);
	cr_expect_eq(json_array_size(json_object_get(j, "lines")), 5);
	cr_expect_str_eq(S(j, "office"), "人事处");
	json_decref(j);
	cr_expect_eq(t_call(&d, "GET", q, NULL, NULL, NULL), 401);

	/* Bad parameters name their field. */
	cr_assert_eq(t_call(&d, "GET", "/api/v1/assess?year=12", general, NULL, &j), 400);
	cr_expect_str_eq(S(j, "field"), "year");
	json_decref(j);
	cr_assert_eq(t_call(&d, "GET", "/api/v1/assess?year=2012&as_of=2012-13-01", general,
	    NULL, &j), 400);
	cr_expect_str_eq(S(j, "field"), "as_of");
	json_decref(j);
	cr_assert_eq(t_call(&d, "GET", "/api/v1/assess?year=2012&as_of=2011-12-31", general,
	    NULL, &j), 400);
	cr_expect_str_eq(S(j, "field"), "as_of");
	json_decref(j);
	cr_assert_eq(t_call(&d, "GET", "/api/v1/assess?year=2013", general, NULL, &j), 404);
	cr_expect_str_eq(S(j, "field"), "year");
	json_decref(j);

	/* 领导评价: the general office only, within the rules' maximum. */
	cr_assert_eq(t_call(&d, "POST", "/api/v1/assess/grades", renshi,
	    "{\"year\": 2012, \"office\": \"人事处\", \"points\": 20}", &j), 403);
	json_decref(j);
	cr_assert_eq(t_call(&d, "POST", "/api/v1/assess/grades", general,
	    "{\"year\": 2012, \"office\": \"人事处\", \"points\": 25}", &j), 400);
	cr_expect_str_eq(S(j, "field"), "points");
	json_decref(j);
	cr_assert_eq(t_call(&d, "POST", "/api/v1/assess/grades", general,
	    "{\"year\": 2012, \"office\": \"无此处\", \"points\": 5}", &j), 404);
	cr_expect_str_eq(S(j, "field"), "office");
	json_decref(j);

	/* The 考核表 comes from the worker pool as a workbook. */
	{
		struct t_http	 h;
		char		*url = xprintf("%s%s&format=xlsx", d.url, q), *ct;

		t_http(&h, "GET", url, general, NULL, NULL);
		cr_expect_eq(h.status, 200);
		cr_expect(h.len > 4 && memcmp(h.body, "PK", 2) == 0);
		ct = t_http_header(&h, "Content-Type");
		cr_expect(ct != NULL && strstr(ct, "spreadsheetml") != NULL, "%s", ct);
		free(ct);
		t_http_free(&h);
		free(url);
	}
	t_daemon_stop(&d);
	free(general);
	free(renshi);
	free(inspector);
	free(leader);
	replay_free(&s);
}

/* A bad rule file is refused with FILE:LINE:COLUMN, before any database. */
Test(assess, bad_rule_files)
{
	static const struct {
		const char	*text;
		const char	*want;	/* after FILE: */
	} cases[] = {
		{ "duban-assess: 1\nyear: 2012\ntitle: t\npoints:\n  task: 10\nshares:\n"
		  "  lead: 150%\n", ":7:9: shares（分担比例）的“lead”应在 0% 至 100% 之间" },
		{ "duban-assess: 1\nyear: 2012\ntitle: t\npoints:\n  tasks: 10\n",
		  ":5:3: " },
		{ "duban-assess: 1\nyear: 2012\ntitle: t\npoints:\n  task: \"10\"\n",
		  ":5:9: points（基础分）的“task”应为数字，不应加引号" },
		{ "duban-assess: 1\nyear: 1999\ntitle: t\npoints:\n  task: 10\n",
		  ":2:7: 考核年度应为 2000 至 2100 之间的年份" },
		{ "duban-assess: 1\nyear: 2012\ntitle: t\npoints:\n  task: 10\ndeductions:\n"
		  "  late_report: 一分\n", ":7:16: deductions（扣分）的“late_report”应为非负数" },
		{ "duban-assess: 2\nyear: 2012\ntitle: t\npoints: {task: 10}\n",
		  ":1:15: 不支持的考核规则格式版本“2”" },
	};
	const char	*dir = t_tmpdir();
	struct t_run	 r;
	char		*path, *want;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = xprintf("%s/bad-%zu.yaml", dir, i);
		t_write_file(path, cases[i].text, strlen(cases[i].text));
		t_cli(&r, NULL, (const char *[]){ "assess", "load", path, NULL });
		want = xprintf("%s%s", path, cases[i].want);
		cr_expect_eq(r.status, 65, "case %zu: exit %d", i, r.status);
		cr_expect(strstr(r.err, want) != NULL, "case %zu: want 「%s」 in 「%s」", i, want,
		    r.err);
		free(want);
		t_run_free(&r);
		free(path);
	}
}
