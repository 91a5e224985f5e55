/*
 * 上级督办下级 (issue 13, part 2): 吉林市教育局 supervises its county
 * bureaus 船营区教育局 and 昌邑区教育局 through their copies of its
 * tasks for 各县（市）区 (33-counties.sql), with 长春市教育局 as the other
 * tenant.  The city opens a dispatch round to its counties (70-dispatch.
 * sql); 船营's general office sees it among its rounds, reports on its
 * copies and 报送s, the city accepts; a county's report rolls up into the
 * city's task (each county's value and status, the sum) and into the
 * 县（市）区 ranking of 总览 and of the quarterly report (JSON, CSV);
 * another city reaches none of it.
 *
 * One database snapshot and one duband for the binary, on 3 September
 * 2012 (2012Q3): the copies' two phases of task 7 (29 February, 31
 * August) are due.
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

static const char NOW[] = "2012-09-03T09:00+08:00";

/* The callers: a general office token of each organisation. */
enum { JL, CY, CX, CC, NCALLERS };
static const char *const ORG[NCALLERS] = { "吉林市教育局", "船营区教育局", "昌邑区教育局",
    "长春市教育局" };
static const char *const KEEP[NCALLERS] = { "jl", "cy", "cx", "cc" };

static void
build(const char *db, void *arg)
{
	const char	*load[] = { "plan", "load", DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml", NULL };
	const char	*cc[] = { "org", "add", "长春市教育局", NULL };
	const char	*cy[] = { "org", "add", "船营区教育局", "--parent", "吉林市教育局", NULL };
	const char	*cx[] = { "org", "add", "昌邑区教育局", "--parent", "吉林市教育局", NULL };
	const char	*tok[] = { "token", "create", "--role", "general", "--org", NULL,
	    "--quiet", NULL };
	struct t_run	 r;
	size_t		 i;

	(void)arg;
	t_cli_ok(db, load);
	t_cli_ok(db, cc);
	t_cli_ok(db, cy);
	t_cli_ok(db, cx);
	for (i = 0; i < NCALLERS; i++) {
		tok[5] = ORG[i];
		t_cli(&r, db, tok);
		cr_assert_eq(r.status, 0, "%s: %s", ORG[i], r.err);
		r.out[strcspn(r.out, "\n")] = '\0';
		t_keep(db, KEEP[i], r.out);
		t_run_free(&r);
	}
}

struct site {
	char		*db;
	PGconn		*c;
	struct t_daemon	 d;
	char		*tok[NCALLERS];
};

static void
site_start(struct site *s)
{
	char		*env[2];
	size_t		 i;

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("counties", build, NULL);
	s->c = t_connect(s->db);
	for (i = 0; i < NCALLERS; i++)
		s->tok[i] = t_kept(s->db, KEEP[i]);
	env[0] = xprintf("DUBAN_NOW=%s", NOW);
	env[1] = NULL;
	t_daemon_start(&s->d, s->db, NULL, (const char *const *)env);
	free(env[0]);
}

static void
site_stop(struct site *s)
{
	size_t	 i;

	t_daemon_stop(&s->d);
	PQfinish(s->c);
	for (i = 0; i < NCALLERS; i++)
		free(s->tok[i]);
	free(s->db);
}

/* method path as caller, the status; the answer in *out if asked. */
static long
call(struct site *s, int who, const char *method, const char *path, const char *body,
    json_t **out)
{
	return (t_call(&s->d, method, path, s->tok[who], body, out));
}

/* The element of array a whose key k is v, or NULL. */
static json_t *
find(const json_t *a, const char *k, const char *v)
{
	json_t	*x;
	size_t	 i;

	json_array_foreach(a, i, x)
		if (S(x, k) != NULL && strcmp(S(x, k), v) == 0)
			return (x);
	return (NULL);
}

/* The county ranking of a report or the overview: 船营 first, having done
 * both of its phases that are due (on time), 昌邑 second with none. */
static void
expect_ranking(const json_t *doc, const char *what)
{
	const json_t	*a = json_object_get(doc, "counties"), *cy, *cx;

	cr_assert(json_is_array(a), "%s has the county ranking", what);
	cr_expect_eq(json_array_size(a), 2, "%s: two counties", what);
	cy = json_array_get(a, 0);
	cx = json_array_get(a, 1);
	cr_assert(cy != NULL && cx != NULL);
	EXPECT_STR(xstrdup(S(cy, "name")), "船营区教育局");
	EXPECT_STR(xstrdup(S(cx, "name")), "昌邑区教育局");
	cr_expect_eq(I(cy, "rank"), 1, "%s: 船营 first", what);
	cr_expect_eq(I(cx, "rank"), 2, "%s: 昌邑 second", what);
	cr_expect_eq(I(cy, "milestones_due"), 2, "%s: 船营's due phases", what);
	cr_expect_eq(I(cy, "milestones_done"), 2, "%s", what);
	cr_expect_eq(I(cy, "milestones_on_time"), 2, "%s", what);
	cr_expect_eq(json_number_value(json_object_get(cy, "completion_rate")), 1, "%s", what);
	cr_expect_eq(I(cx, "milestones_due"), 2, "%s", what);
	cr_expect_eq(I(cx, "milestones_overdue"), 2, "%s: 昌邑's phases overdue", what);
	cr_expect_eq(json_number_value(json_object_get(cx, "completion_rate")), 0, "%s", what);
	cr_expect_eq(I(cy, "targets_reported"), 1, "%s: 船营 reported one target", what);
	cr_expect(S(doc, "county_ranking_rule") != NULL &&
	    strstr(S(doc, "county_ranking_rule"), "并列同一名次") != NULL, "%s: the rule", what);
}

/* How many of who's 待办 items are of kind (any when NULL) and name org
 * (any when NULL). */
static int
todo_has(struct site *s, int who, const char *kind, const char *org)
{
	json_t	*out, *x;
	size_t	 i;
	int	 n = 0;

	cr_assert_eq(call(s, who, "GET", "/api/v1/todo", NULL, &out), 200);
	json_array_foreach(json_object_get(out, "items"), i, x) {
		if (kind != NULL && (S(x, "kind") == NULL || strcmp(S(x, "kind"), kind) != 0))
			continue;
		if (org != NULL && (S(x, "org") == NULL || strcmp(S(x, "org"), org) != 0))
			continue;
		n++;
	}
	json_decref(out);
	return (n);
}

Test(counties, a_city_round_reaches_its_counties_and_their_reports_roll_up, .timeout = 120)
{
	struct site	 s;
	json_t		*out, *x, *g;
	struct t_run	 r;
	char		*id, *path, *tokfile, *city_target, *city_task, *copy_target, *phase[2];
	const char	*cyp, *ccp;
	size_t		 i;
	long		 st;
	int		 seen = 0;

	site_start(&s);

	/* 长春 cannot open a round on 吉林's plan: not there. */
	cr_expect_eq(call(&s, CC, "POST", "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],"
	    "\"counties\":true,\"due_on\":\"2012-09-10\"}", NULL), 404);

	/* 吉林 opens a round to its counties alone, with the CLI. */
	tokfile = xprintf("%s/jl.token", t_tmpdir());
	t_write_file(tokfile, s.tok[JL], strlen(s.tok[JL]));
	{
		const char *open[] = { "dispatch", "open", "--plan", "jilin-2012", "--due",
		    "2012-09-10", "--title", "九月县区进展调度", "--counties", "--server", s.d.url,
		    "--token-file", tokfile, "--json", NULL };
		json_error_t e;

		t_cli(&r, s.db, open);
		cr_assert_eq(r.status, 0, "%s", r.err);
		out = json_loads(r.out, 0, &e);
		cr_assert_not_null(out, "%s: %s", e.text, r.out);
		t_run_free(&r);
	}
	cr_expect_eq(json_array_size(json_object_get(out, "offices")), 0, "no city office asked");
	cr_expect_eq(json_array_size(json_object_get(out, "counties")), 2);
	x = find(json_object_get(out, "counties"), "name", "船营区教育局");
	cr_assert_not_null(x);
	EXPECT_STR(xstrdup(S(x, "state")), "pending");
	cr_expect_eq(I(x, "tasks"), 9, "船营's copies");
	id = xprintf("%lld", (long long)I(out, "id"));
	json_decref(out);

	/* 船营 sees the round among its rounds; 长春 has none of them. */
	cr_assert_eq(call(&s, CY, "GET", "/api/v1/county-rounds", NULL, &out), 200);
	cr_assert_eq(json_array_size(out), 1, "船营 sees its part only");
	x = json_array_get(out, 0);
	EXPECT_STR(xstrdup(S(x, "title")), "九月县区进展调度");
	EXPECT_STR(xstrdup(S(json_object_get(x, "county"), "name")), "船营区教育局");
	EXPECT_STR(xstrdup(S(json_object_get(x, "county"), "state_label")), "未报送");
	cr_expect(json_is_true(json_object_get(x, "may_submit")), "船营's own to 报送");
	json_decref(out);
	cr_assert_eq(call(&s, CC, "GET", "/api/v1/county-rounds", NULL, &out), 200);
	cr_expect_eq(json_array_size(out), 0, "长春 sees no round of 吉林's");
	json_decref(out);
	/* …and in its 待办, to 报送; not the city's nor 长春's to do yet. */
	cr_expect_eq(todo_has(&s, CY, "county_round", "船营区教育局"), 1, "船营's 待办");
	cr_expect_eq(todo_has(&s, JL, "county_decide", NULL), 0, "nothing for 吉林 yet");
	cr_expect_eq(todo_has(&s, CC, NULL, "船营区教育局"), 0, "nothing for 长春");

	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局", id);
	cr_assert_eq(call(&s, CY, "GET", path, NULL, &out), 200);
	cr_expect_eq(json_array_size(json_object_get(out, "tasks")), 9);
	cr_expect(json_is_integer(json_object_get(json_array_get(json_object_get(out, "tasks"), 0),
	    "city_task_id")), "each copy names its city task");
	json_decref(out);
	cr_expect_eq(call(&s, CC, "GET", path, NULL, NULL), 404, "another city");
	cr_expect_eq(call(&s, CX, "GET", path, NULL, NULL), 404, "another county");
	free(path);
	path = xprintf("/api/v1/dispatches/%s", id);
	cr_expect_eq(call(&s, CY, "GET", path, NULL, NULL), 404, "the city's round whole");
	free(path);

	/* 报送 with nothing written asks for a confirmation first. */
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局/submit", id);
	cr_assert_eq(call(&s, CY, "POST", path, "{}", &out), 422);
	EXPECT_STR(xstrdup(S(out, "field")), "confirm");
	json_decref(out);

	/* The city shares out 3000 of 普通高中受助学生 (8000) to 船营: the
	 * city's write, not the county's report. */
	city_target = t_query(s.c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND g.key = 'hs-students'",
	    0, NULL);
	cr_assert_not_null(city_target);
	city_task = t_query(s.c, "SELECT task_id FROM target WHERE id = $1::bigint", 1,
	    (const char *[]){ city_target });
	copy_target = t_query(s.c, "SELECT k.target_id FROM county_target k JOIN organisation o"
	    " ON o.id = k.org_id WHERE k.city_target_id = $1::bigint AND o.name = '船营区教育局'",
	    1, (const char *[]){ city_target });
	cr_assert_not_null(copy_target);
	{
		char *share = xprintf("/api/v1/targets/%s/counties/船营区教育局", city_target);

		cr_assert_eq(call(&s, JL, "PUT", share, "{\"share\":3000}", NULL), 200);
		free(share);
	}
	cr_expect_eq(call(&s, CY, "POST", path, "{}", NULL), 422, "still nothing of its own");

	/* 船营's general office reports on its copies: 1200 of 3000, and the
	 * two phases of task 7 done on time. */
	{
		char *p = xprintf("/api/v1/targets/%s", copy_target);

		cr_expect_eq(call(&s, CY, "PATCH", p, "{\"current\":1200}", NULL), 200);
		free(p);
	}
	for (i = 0; i < 2; i++) {
		const char *keys[] = { "寒假期培训", "暑假期培训" };
		char *p;

		phase[i] = t_query(s.c, "SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id"
		    " JOIN plan p ON p.id = t.plan_id JOIN organisation o ON o.id = p.org_id"
		    " WHERE o.name = '船营区教育局' AND m.title = $1", 1, &keys[i]);
		cr_assert_not_null(phase[i], "%s", keys[i]);
		p = xprintf("/api/v1/milestones/%s", phase[i]);
		st = call(&s, CY, "PATCH", p, i == 0 ?
		    "{\"status\":\"done\",\"completed_on\":\"2012-02-20\"}" :
		    "{\"status\":\"done\",\"completed_on\":\"2012-08-30\"}", NULL);
		cr_expect_eq(st, 200, "%s: %ld", keys[i], st);
		free(p);
		free(phase[i]);
	}

	/* Only the county's own general office 报送s its report. */
	cr_expect_eq(call(&s, CC, "POST", path, "{}", NULL), 404, "another city");
	cr_expect_eq(call(&s, CX, "POST", path, "{}", NULL), 404, "another county");
	cr_expect_eq(call(&s, JL, "POST", path, "{}", NULL), 403, "the city itself");
	cr_assert_eq(call(&s, CY, "POST", path, "{}", &out), 200);
	EXPECT_STR(xstrdup(S(out, "state")), "reported");
	json_decref(out);
	free(path);
	/* Reported: off 船营's 待办, on 吉林's to 采纳 or 退回. */
	cr_expect_eq(todo_has(&s, CY, "county_round", NULL), 0, "船营 has reported");
	cr_expect_eq(todo_has(&s, JL, "county_decide", "船营区教育局"), 1, "吉林's 待办");
	cr_expect_eq(todo_has(&s, CC, NULL, "船营区教育局"), 0, "still nothing for 长春");

	/* The city sees each county's state, and accepts 船营's. */
	path = xprintf("/api/v1/dispatches/%s", id);
	cr_assert_eq(call(&s, JL, "GET", path, NULL, &out), 200);
	x = find(json_object_get(out, "counties"), "name", "船营区教育局");
	cr_assert_not_null(x);
	EXPECT_STR(xstrdup(S(x, "state")), "reported");
	/* Its own: the figure, and each phase's status and date; not the
	 * city's share. */
	cr_expect_eq(I(x, "writes"), 5, "船营's writes: %lld", (long long)I(x, "writes"));
	x = find(json_object_get(out, "counties"), "name", "昌邑区教育局");
	cr_assert_not_null(x);
	EXPECT_STR(xstrdup(S(x, "state")), "pending");
	cr_expect_eq(I(json_object_get(out, "counts"), "counties_reported"), 1);
	json_decref(out);
	free(path);
	path = xprintf("/api/v1/dispatches/%s/counties/昌邑区教育局/accept", id);
	cr_expect_eq(call(&s, JL, "POST", path, NULL, NULL), 409, "昌邑 has not reported");
	free(path);
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局/accept", id);
	cr_expect_eq(call(&s, CY, "POST", path, NULL, NULL), 403, "not the county's to accept");
	cr_assert_eq(call(&s, JL, "POST", path, NULL, &out), 200);
	EXPECT_STR(xstrdup(S(out, "state_label")), "已采纳");
	json_decref(out);
	free(path);
	/* The city closes the round: each county's state, and in the 调度汇总. */
	{
		const char *close[] = { "dispatch", "close", id, "--server", s.d.url,
		    "--token-file", tokfile, NULL };

		t_cli(&r, s.db, close);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "县（市）区 2 个") != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "县（市）区：昌邑区教育局（未报送）、船营区教育局（已采纳）") != NULL,
		    "%s", r.out);
		t_run_free(&r);
	}

	/* The roll-up on the city's task: each county's value and status, the sum. */
	path = xprintf("/api/v1/tasks/%s", city_task);
	cr_assert_eq(call(&s, JL, "GET", path, NULL, &out), 200);
	json_array_foreach(json_object_get(json_object_get(out, "counties"), "counties"), i, x) {
		cr_expect(S(x, "status") != NULL, "each county's status");
		g = find(json_object_get(x, "targets"), "name", "普通高中受助学生");
		cr_assert_not_null(g);
		if (strcmp(S(x, "org"), "船营区教育局") == 0) {
			cr_expect_eq(json_number_value(json_object_get(g, "value")), 3000);
			cr_expect_eq(json_number_value(json_object_get(g, "current")), 1200);
		} else {
			cr_expect_eq(json_number_value(json_object_get(g, "value")), 8000);
			cr_expect(json_is_null(json_object_get(g, "current")));
		}
		seen++;
	}
	cr_expect_eq(seen, 2, "both counties");
	g = find(json_object_get(json_object_get(out, "counties"), "sums"), "name", "普通高中受助学生");
	cr_assert_not_null(g);
	cr_expect_eq(json_number_value(json_object_get(g, "assigned")), 11000);
	cr_expect_eq(json_number_value(json_object_get(g, "current")), 1200);
	cr_expect_eq(I(g, "reported"), 1);
	json_decref(out);
	free(path);

	/* 总览 over the city's plan ranks its counties; a county cannot open it. */
	cr_assert_eq(call(&s, JL, "GET", "/api/v1/overview?plan=jilin-2012", NULL, &out), 200);
	expect_ranking(out, "总览");
	json_decref(out);
	cr_expect_eq(call(&s, CY, "GET", "/api/v1/overview?plan=jilin-2012", NULL, NULL), 404);

	/* The quarterly report: JSON and the CSV of the ranking; another
	 * city cannot read it.  (Reports of plans without counties are
	 * unchanged: the report fixtures.) */
	cr_assert_eq(call(&s, JL, "GET", "/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3"
	    "&format=json", NULL, &out), 200);
	expect_ranking(out, "季度报告");
	json_decref(out);
	cr_expect_eq(call(&s, CC, "GET", "/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3"
	    "&format=json", NULL, NULL), 404);
	{
		struct t_http	 h;
		char		*url = xprintf("%s/api/v1/reports/quarterly?plan=jilin-2012"
		    "&quarter=2012Q3&format=csv&view=counties", s.d.url);

		t_http(&h, "GET", url, s.tok[JL], NULL, NULL);
		cr_assert_eq(h.status, 200, "%s", h.body);
		cyp = strstr(h.body, "1,船营区教育局,9,");
		ccp = strstr(h.body, "2,昌邑区教育局,9,");
		cr_expect(strstr(h.body, "排名,县（市）区,承担任务") != NULL, "%s", h.body);
		cr_expect(cyp != NULL && ccp != NULL && cyp < ccp, "%s", h.body);
		cr_expect(strstr(h.body, "100.0%") != NULL, "船营's completion: %s", h.body);
		t_http_free(&h);
		free(url);
	}

	free(id);
	free(tokfile);
	free(city_target);
	free(city_task);
	free(copy_target);
	site_stop(&s);
}
