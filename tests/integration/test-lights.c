/*
 * 红黄绿灯 and 临期 (migrations/functions/62-lights.sql) and the fair
 * ranking (60-reports.sql), as the quarterly report's JSON gives them.
 *
 * One database and one duband for the binary, at 1 November 2012, 10:00
 * Beijing time: a small plan whose targets fall due on 25 December, so
 * that 序时进度 on 1 November is exactly 306/360 = 85%, and figures are
 * written at the thresholds' edges; a second plan with its own
 * thresholds in its file; and Jilin 2012, whose offices finish their
 * milestones so that two share the first rank.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define I(o, k)	json_integer_value(json_object_get((o), (k)))

static const char NOW[] = "2012-11-01T10:00+08:00";

/* Targets of 100 due 25 December: on 1 November 85% of their time has
 * gone.  Reported 75 is exactly 10 points behind (green: only MORE than
 * the threshold turns a light), 74 is 11 (yellow), 55 exactly 30
 * (yellow, not red), 54 is 31 (red).  Task f is not reported (its
 * report date, the end of Q1, long gone: grey); g has a milestone due
 * on the fifth working day after 1 November (临期), h on the sixth (not
 * yet), i names no lead office. */
static const char EDGES[] =
"duban-plan: 1\n"
"plan:\n"
"  key: lights-2012\n"
"  title: 红黄绿灯测试计划\n"
"  year: 2012\n"
"  issuer: 测试市教育局\n"
"  issued_on: 2012-01-10\n"
"  source: {file: lights.txt}\n"
"  completion_review: no\n"
"  lights: {yellow: 10, red: 30, due_soon_days: 5}\n"
"offices:\n"
"  - {name: 甲处}\n"
"  - {name: 乙处}\n"
"tasks:\n"
"  - {key: a, number: '1', title: 恰落后十个百分点, deadline: 2012-12-25, lead: {office: 甲处},\n"
"     targets: [{key: t, name: 指标甲, kind: count, value: 100, unit: 个}]}\n"
"  - {key: b, number: '2', title: 落后十一个百分点, deadline: 2012-12-25, lead: {office: 甲处},\n"
"     targets: [{key: t, name: 指标乙, kind: count, value: 100, unit: 个}]}\n"
"  - {key: c, number: '3', title: 恰落后三十个百分点, deadline: 2012-12-25, lead: {office: 乙处},\n"
"     targets: [{key: t, name: 指标丙, kind: count, value: 100, unit: 个}]}\n"
"  - {key: d, number: '4', title: 落后三十一个百分点, deadline: 2012-12-25, lead: {office: 乙处},\n"
"     targets: [{key: t, name: 指标丁, kind: count, value: 100, unit: 个}]}\n"
"  - {key: f, number: '5', title: 未填报, deadline: 2012-12-25, lead: {office: 乙处},\n"
"     targets: [{key: t, name: 指标戊, kind: count, value: 100, unit: 个}]}\n"
"  - {key: g, number: '6', title: 临期, deadline: 2012-12-31, lead: {office: 甲处},\n"
"     milestones: [{key: m, title: 第五个工作日到期, due: 2012-11-08}]}\n"
"  - {key: h, number: '7', title: 尚未临期, deadline: 2012-12-31, lead: {office: 甲处},\n"
"     milestones: [{key: m, title: 第六个工作日到期, due: 2012-11-09}]}\n"
"  - {key: i, number: '8', title: 未明确牵头处室, deadline: 2012-12-25,\n"
"     targets: [{key: t, name: 指标己, kind: count, value: 100, unit: 个}]}\n";

/* The same figure as task c (30 points behind) under the plan's own
 * thresholds of 5 and 20: red. */
static const char OWN[] =
"duban-plan: 1\n"
"plan:\n"
"  key: lights-own-2012\n"
"  title: 自定阈值测试计划\n"
"  year: 2012\n"
"  issuer: 测试市教育局\n"
"  issued_on: 2012-01-10\n"
"  source: {file: own.txt}\n"
"  completion_review: no\n"
"  lights: {yellow: 5, red: 20, due_soon_days: 3}\n"
"offices:\n"
"  - {name: 甲处}\n"
"tasks:\n"
"  - {key: c, number: '1', title: 落后三十个百分点, deadline: 2012-12-25, lead: {office: 甲处},\n"
"     targets: [{key: t, name: 指标丙, kind: count, value: 100, unit: 个}]}\n"
"  - {key: n, number: '2', title: 落后七个百分点, deadline: 2012-12-25, lead: {office: 甲处},\n"
"     targets: [{key: t, name: 指标庚, kind: count, value: 100, unit: 个}]}\n"
"  - {key: g, number: '3', title: 三个工作日外, deadline: 2012-12-31, lead: {office: 甲处},\n"
"     milestones: [{key: m, title: 第五个工作日到期, due: 2012-11-08}]}\n";

static char		*db, *general, *office;
static PGconn		*conn;
static struct t_daemon	 d;

static long
item_id(const char *what, const char *plan, const char *task, const char *key)
{
	static const char targets[] = "SELECT x.id FROM target x"
	    " JOIN task t ON t.id = x.task_id JOIN plan p ON p.id = t.plan_id"
	    " WHERE p.key = $1 AND t.key = $2 AND x.key = $3";
	static const char milestones[] = "SELECT x.id FROM milestone x"
	    " JOIN task t ON t.id = x.task_id JOIN plan p ON p.id = t.plan_id"
	    " WHERE p.key = $1 AND t.key = $2 AND x.key = $3";
	const char	*p[3] = { plan, task, key };

	return (t_query_long(conn, strcmp(what, "target") == 0 ? targets : milestones, 3, p));
}

static void
patch(const char *what, const char *plan, const char *task, const char *key,
    const char *body)
{
	char	*path = xprintf("/api/v1/%s/%ld", what, item_id(strcmp(what, "targets") == 0 ?
	    "target" : "milestone", plan, task, key));
	long	 st = t_call(&d, "PATCH", path, general, body, NULL);

	cr_assert_eq(st, 200, "PATCH %s: %ld", path, st);
	free(path);
}

static void
load(const char *name, const char *yaml)
{
	char		*path = xprintf("%s/%s.yaml", t_tmpdir(), name);
	const char	*args[] = { "plan", "load", path, NULL };

	t_write_file(path, yaml, strlen(yaml));
	t_cli_ok(db, args);
	free(path);
}

/*
 * The three plans in one database the binary's tests share (t_db_shared:
 * made by the first); each test starts its own duband on it at NOW and
 * writes the figures (the same each time: a second write of a value is
 * no change).
 */
static void
setup(void)
{
	char		*jilin = xstrdup(t_src("plans/jilin-2012.yaml"));
	char		*edges = xprintf("%s/lights.yaml", t_tmpdir());
	char		*own = xprintf("%s/own.yaml", t_tmpdir());
	const char	*args[] = { "plan", "load", jilin, edges, own, NULL };
	char		*env0 = xprintf("DUBAN_NOW=%s", NOW);
	const char	*env[] = { env0, NULL };
	const char	*dargs[] = { "--config", "/dev/null", NULL };

	t_write_file(edges, EDGES, strlen(EDGES));
	t_write_file(own, OWN, strlen(OWN));
	db = t_db_shared("lights", args);
	free(jilin);
	free(edges);
	free(own);
	conn = t_connect(db);
	general = t_token(db, "general", NULL);
	office = t_token(db, "office", "甲处");
	t_daemon_start(&d, db, dargs, env);
	free(env0);

	patch("targets", "lights-2012", "a", "t", "{\"current\":75}");
	patch("targets", "lights-2012", "b", "t", "{\"current\":74}");
	patch("targets", "lights-2012", "c", "t", "{\"current\":55}");
	patch("targets", "lights-2012", "d", "t", "{\"current\":54}");
	patch("targets", "lights-2012", "i", "t", "{\"current\":90}");
	patch("targets", "lights-own-2012", "c", "t", "{\"current\":55}");
	patch("targets", "lights-own-2012", "n", "t", "{\"current\":78}");
	/* Jilin: 人事处 finished 5① (due 30 September) on 10 September,
	 * 教育技术装备处 5③ (due 31 October) on 20 October, both on time;
	 * 职业与成人教育处 the winter term of 7, not the summer's or 7's end. */
	patch("milestones", "jilin-2012", "5-1", "deadline",
	    "{\"status\":\"done\",\"completed_on\":\"2012-09-10\"}");
	patch("milestones", "jilin-2012", "5-3", "deadline",
	    "{\"status\":\"done\",\"completed_on\":\"2012-10-20\"}");
	patch("milestones", "jilin-2012", "7", "winter",
	    "{\"status\":\"done\",\"completed_on\":\"2012-02-28\"}");
}

static void
teardown(void)
{
	t_daemon_stop(&d);
	PQfinish(conn);
	free(general);
	free(office);
	free(db);
}

TestSuite(lights, .init = setup, .fini = teardown, .timeout = 120);

/* The report of plan as of as_of (NULL: today) in Q4, through duband. */
static json_t *
report(const char *plan, const char *as_of)
{
	char	*path = xprintf("/api/v1/reports/quarterly?plan=%s&quarter=2012Q4%s%s", plan,
	    as_of ? "&as_of=" : "", as_of ? as_of : "");
	json_t	*r = NULL;
	long	 st = t_call(&d, "GET", path, general, NULL, &r);

	cr_assert_eq(st, 200, "%s: %ld", path, st);
	free(path);
	return (r);
}

static json_t *
task(json_t *r, const char *title)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(json_object_get(r, "tasks"), i, t)
		if (strcmp(S(t, "title"), title) == 0)
			return (t);
	cr_assert_fail("no task %s", title);
	return (NULL);
}

static void
expect_light(json_t *r, const char *title, const char *light, int due_soon)
{
	json_t	*t = task(r, title);

	cr_expect_str_eq(S(t, "light"), light, "%s", title);
	cr_expect_eq(json_is_true(json_object_get(t, "due_soon")), due_soon, "%s: due_soon",
	    title);
}

Test(lights, at_the_thresholds_edges)
{
	json_t	*r = report("lights-2012", NULL), *t, *g;

	cr_expect_str_eq(S(r, "as_of"), "2012-11-01");
	/* 306/360 of the time gone. */
	g = json_array_get(json_object_get(task(r, "恰落后十个百分点"), "targets"), 0);
	cr_expect_float_eq(json_number_value(json_object_get(g, "elapsed")), 0.85, 1e-9);
	cr_expect_str_eq(S(g, "light"), "green");
	expect_light(r, "恰落后十个百分点", "green", 0);
	expect_light(r, "落后十一个百分点", "yellow", 0);
	expect_light(r, "恰落后三十个百分点", "yellow", 0);
	expect_light(r, "落后三十一个百分点", "red", 0);
	/* 未填报, its report date passed: grey. */
	expect_light(r, "未填报", "grey", 0);
	/* 临期 within five working days (2, 5, 6, 7, 8 November), apart
	 * from the light; the sixth working day is not yet. */
	expect_light(r, "临期", "green", 1);
	expect_light(r, "尚未临期", "green", 0);
	/* No lead office: a flag beside its light, which it keeps. */
	t = task(r, "未明确牵头处室");
	cr_expect_str_eq(S(t, "light"), "green");
	cr_expect(json_is_true(json_object_get(t, "unassigned")));
	cr_expect_str_eq(S(t, "status"), "unassigned");
	cr_expect_str_eq(S(t, "progress_status"), "on_track");
	cr_expect_eq(I(json_object_get(json_object_get(r, "summary"), "lights"), "yellow"), 2);
	cr_expect_eq(I(json_object_get(r, "summary"), "due_soon"), 1);
	cr_expect(strstr(S(r, "lights_rule"), "黄灯：落后序时进度超过 10 个百分点") != NULL, "%s",
	    S(r, "lights_rule"));
	json_decref(r);
}

Test(lights, a_plans_own_thresholds)
{
	json_t	*r = report("lights-own-2012", NULL);

	/* 30 points behind: red by 20; 7 behind: yellow by 5; 临期 three
	 * working days ahead: 8 November is the fifth. */
	expect_light(r, "落后三十个百分点", "red", 0);
	expect_light(r, "落后七个百分点", "yellow", 0);
	expect_light(r, "三个工作日外", "green", 0);
	cr_expect(strstr(S(r, "lights_rule"), "红灯：落后超过 20 个百分点") != NULL, "%s",
	    S(r, "lights_rule"));
	json_decref(r);
}

Test(lights, the_general_office_changes_them_with_history)
{
	json_t	*out = NULL, *r, *h;
	long	 st;

	/* Only the general office; a problem names the field. */
	st = t_call(&d, "PATCH", "/api/v1/plans/lights-2012/lights", office,
	    "{\"yellow\":5}", &out);
	cr_expect_eq(st, 403);
	json_decref(out);
	st = t_call(&d, "PATCH", "/api/v1/plans/lights-2012/lights", general,
	    "{\"yellow\":25,\"red\":20}", &out);
	cr_expect_eq(st, 400);
	cr_expect_str_eq(S(out, "field"), "red");
	json_decref(out);
	st = t_call(&d, "PATCH", "/api/v1/plans/lights-2012/lights", general,
	    "{\"due_soon_days\":-1}", &out);
	cr_expect_eq(st, 400);
	cr_expect_str_eq(S(out, "field"), "due_soon_days");
	json_decref(out);
	st = t_call(&d, "PATCH", "/api/v1/plans/nope/lights", general, "{\"red\":40}", &out);
	cr_expect_eq(st, 404);
	json_decref(out);

	/* 11 points behind is green by a yellow of 12. */
	st = t_call(&d, "PATCH", "/api/v1/plans/lights-2012/lights", general,
	    "{\"yellow\":12,\"note\":\"局务会议决定\"}", &out);
	cr_assert_eq(st, 200);
	cr_expect_eq(I(json_object_get(out, "lights"), "yellow"), 12);
	cr_expect_eq(I(json_object_get(out, "lights"), "red"), 30);
	h = json_array_get(json_object_get(out, "history"), 0);
	cr_expect_eq(I(json_object_get(h, "from"), "yellow"), 10);
	cr_expect_eq(I(json_object_get(h, "to"), "yellow"), 12);
	cr_expect_str_eq(S(h, "note"), "局务会议决定");
	cr_expect_str_eq(S(h, "source"), "api");
	json_decref(out);
	r = report("lights-2012", NULL);
	expect_light(r, "落后十一个百分点", "green", 0);
	json_decref(r);
	/* A report as of the day before judges by the thresholds of then. */
	r = report("lights-2012", "2012-10-31");
	cr_expect(strstr(S(r, "lights_rule"), "超过 10 个百分点") != NULL, "%s",
	    S(r, "lights_rule"));
	json_decref(r);
	/* Re-loading the unchanged file keeps the general office's change. */
	load("lights", EDGES);
	r = report("lights-2012", NULL);
	cr_expect(strstr(S(r, "lights_rule"), "超过 12 个百分点") != NULL, "%s",
	    S(r, "lights_rule"));
	json_decref(r);
	/* Put back, for the other tests. */
	st = t_call(&d, "PATCH", "/api/v1/plans/lights-2012/lights", general,
	    "{\"yellow\":10}", NULL);
	cr_expect_eq(st, 200);
}

/*
 * The ranking on Jilin 2012 as of 1 November: ranked on the milestones
 * due, ties sharing a rank (1, 1, 3); the offices with nothing due
 * apart, not ranked, not last.
 */
Test(lights, the_ranking_on_jilin_2012)
{
	static const struct { const char *name; int rank; } ranked[] = {
		{ "人事处", 1 }, { "教育技术装备处", 1 }, { "职业与成人教育处", 3 },
	};
	json_t	*r = report("jilin-2012", NULL), *o;
	size_t	 i, apart = 0;

	json_array_foreach(json_object_get(r, "offices"), i, o) {
		if (i < 3) {
			cr_expect_str_eq(S(o, "name"), ranked[i].name, "office %zu", i);
			cr_expect_eq(I(o, "rank"), ranked[i].rank, "%s", S(o, "name"));
			cr_expect(json_is_true(json_object_get(o, "ranked")));
			continue;
		}
		/* 财务审计处 and the others: nothing was due. */
		cr_expect(json_is_null(json_object_get(o, "rank")), "%s", S(o, "name"));
		cr_expect(json_is_false(json_object_get(o, "ranked")), "%s", S(o, "name"));
		cr_expect_eq(I(o, "milestones_due"), 0, "%s", S(o, "name"));
		apart++;
	}
	cr_expect_eq(apart, 6);
	o = json_array_get(json_object_get(r, "offices"), 2);
	/* The winter term of three due: 33.3% done, on time. */
	cr_expect_eq(I(o, "milestones_due"), 3);
	cr_expect_eq(I(o, "milestones_done"), 1);
	cr_expect_float_eq(json_number_value(json_object_get(o, "completion_rate")), 0.333,
	    1e-9);
	cr_expect(strstr(S(r, "ranking_rule"), "并列同一名次") != NULL);
	json_decref(r);
}

/*
 * The task page's lights (GET /api/v1/tasks/{id}, duban_task_lights from
 * the rows as they are) are the report's as of today (from the history),
 * task by task and target by target, on the three plans; the page says
 * why (the points behind, the milestones overdue) and how long is left.
 */
static void
same_as_report(const char *plan)
{
	json_t	*r = report(plan, NULL), *t, *p, *g, *pg;
	size_t	 i, j;
	char	*path;

	json_array_foreach(json_object_get(r, "tasks"), i, t) {
		path = xprintf("/api/v1/tasks/%lld", I(t, "id"));
		cr_assert_eq(t_call(&d, "GET", path, general, NULL, &p), 200, "%s", path);
		cr_expect_str_eq(S(p, "light"), S(t, "light"), "%s %s", plan, S(t, "title"));
		cr_expect_eq(json_is_true(json_object_get(p, "due_soon")),
		    json_is_true(json_object_get(t, "due_soon")), "%s %s: due_soon", plan,
		    S(t, "title"));
		cr_expect_eq(json_is_true(json_object_get(p, "unassigned")),
		    json_is_true(json_object_get(t, "unassigned")), "%s %s: unassigned", plan,
		    S(t, "title"));
		json_array_foreach(json_object_get(t, "targets"), j, g) {
			pg = json_array_get(json_object_get(p, "targets"), j);
			cr_expect_eq(I(pg, "id"), I(g, "id"));
			cr_expect_str_eq(S(pg, "light"), S(g, "light"), "%s %s", plan, S(g, "name"));
			cr_expect_eq(json_is_true(json_object_get(pg, "due_soon")),
			    json_is_true(json_object_get(g, "due_soon")), "%s %s: due_soon", plan,
			    S(g, "name"));
		}
		json_decref(p);
		free(path);
	}
	json_decref(r);
}

Test(lights, the_task_page_says_the_reports_lights)
{
	json_t	*r, *p, *l;
	char	*path;

	same_as_report("lights-2012");
	same_as_report("lights-own-2012");
	same_as_report("jilin-2012");

	/* Why: 31 points behind; 临期 with five working days left. */
	r = report("lights-2012", NULL);
	path = xprintf("/api/v1/tasks/%lld", I(task(r, "落后三十一个百分点"), "id"));
	cr_assert_eq(t_call(&d, "GET", path, general, NULL, &p), 200);
	l = json_object_get(p, "lights");
	cr_expect_eq(I(l, "behind"), 31);
	cr_expect_eq(I(l, "overdue"), 0);
	cr_expect(json_is_null(json_object_get(l, "days_left")));
	cr_expect(strstr(S(p, "lights_rule"), "黄灯：落后序时进度超过 10 个百分点") != NULL);
	json_decref(p);
	free(path);
	path = xprintf("/api/v1/tasks/%lld", I(task(r, "临期"), "id"));
	cr_assert_eq(t_call(&d, "GET", path, general, NULL, &p), 200);
	cr_expect_eq(I(json_object_get(p, "lights"), "days_left"), 5);
	json_decref(p);
	free(path);
	json_decref(r);
}
