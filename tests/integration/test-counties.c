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

/* The callers: a general office token of each organisation; 吉林's
 * inspector and an office of it; an office (科室) of 船营. */
enum { JL, CY, CX, CC, JLI, JLO, CYO, NCALLERS };
static const char *const ORG[NCALLERS] = { "吉林市教育局", "船营区教育局", "昌邑区教育局",
    "长春市教育局", "吉林市教育局", "吉林市教育局", "船营区教育局" };
static const char *const ROLE[NCALLERS] = { "general", "general", "general", "general",
    "inspector", "office", "office" };
static const char *const OFFICE[NCALLERS] = { NULL, NULL, NULL, NULL, NULL, "人事处",
    "基础教育科" };
static const char *const KEEP[NCALLERS] = { "jl", "cy", "cx", "cc", "jli", "jlo", "cyo" };

/*
 * The callers' tokens are made as `duban token create` makes them, in
 * SQL (the CLI's own is tested in test-tenants and test-api): one
 * process fewer each in the build.
 */
static void
keep_token(const char *db, PGconn *c, size_t i)
{
	char		*tok = xprintf("dbn_counties_%s", KEEP[i]);
	const char	*p[] = { tok, ROLE[i], OFFICE[i], ORG[i] };
	char		*st;

	st = t_query(c, "SELECT status FROM duban_token_create("
	    "encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2,"
	    " (SELECT o.id FROM office o JOIN organisation g ON g.id = o.org_id"
	    "   WHERE o.name = $3 AND g.name = $4),"
	    " CASE WHEN $3::text IS NULL THEN $4 END,"
	    " coalesce($3, CASE $2 WHEN 'general' THEN '局办公室（综合调度）' ELSE '督查' END),"
	    " 'test')", 4, p);
	cr_assert(st != NULL && strcmp(st, "201") == 0, "%s: %s", KEEP[i], st);
	free(st);
	t_keep(db, KEEP[i], tok);
	free(tok);
}

static void
build(const char *db, void *arg)
{
	const char	*load[] = { "plan", "load", DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml", NULL };
	const char	*cc[] = { "org", "add", "长春市教育局", NULL };
	const char	*cy[] = { "org", "add", "船营区教育局", "--parent", "吉林市教育局", NULL };
	const char	*cx[] = { "org", "add", "昌邑区教育局", "--parent", "吉林市教育局", NULL };
	/* 船营's own plan names its 局办公室 and 科室; 昌邑 has none. */
	const char	*own[] = { "plan", "load",
	    DUBAN_SOURCE_DIR "/tests/fixtures/counties/chuanying-own-2012.yaml", NULL };
	PGconn		*c;
	size_t		 i;

	(void)arg;
	t_cli_ok(db, load);
	t_cli_ok(db, cc);
	t_cli_ok(db, cy);
	t_cli_ok(db, cx);
	t_cli_ok(db, own);
	c = t_connect(db);
	/* 船营's 局办公室 receives by mail (duban office set's function). */
	free(t_query(c, "SELECT duban_recipients_set(o.id, NULL,"
	    " '[{\"channel\":\"email\",\"address\":\"bgs@chuanying.example.cn\"}]', false)::text"
	    " FROM office o JOIN organisation g ON g.id = o.org_id"
	    " WHERE o.name = '局办公室' AND g.name = '船营区教育局'", 0, NULL));
	for (i = 0; i < NCALLERS; i++)
		keep_token(db, c, i);
	PQfinish(c);
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

/* The daily sweep as duband runs it, on day. */
static void
sweep(struct site *s, const char *day)
{
	free(t_query(s->c, "SELECT duban_sweep($1::date)::text", 1, &day));
}

/* How many 催办 of counties the outbox holds. */
static long
chases(struct site *s)
{
	return (t_query_long(s->c, "SELECT count(*) FROM reminder WHERE kind = 'county_chase'",
	    0, NULL));
}

/* The subject of the county's chase of day, or NULL. */
static char *
chase_subject(struct site *s, const char *org, const char *day)
{
	const char *p[] = { org, day };

	return (t_query(s->c, "SELECT r.subject FROM reminder r JOIN organisation o"
	    " ON r.key LIKE 'county_chase.%.' || o.id || '.' || $2"
	    " WHERE r.kind = 'county_chase' AND o.name = $1", 2, p));
}

/* The next 催办 of a county the webhook receiver gets (other reminders to
 * the same office, such as the calendar's, may come in between). */
static json_t *
hook_chase(struct t_sink *hook)
{
	json_t	*m;
	int	 i;

	for (i = 0; i < 20 && (m = t_sink_next(hook, 60)) != NULL; i++) {
		if (S(m, "key") != NULL && strncmp(S(m, "key"), "county_chase.", 13) == 0)
			return (m);
		json_decref(m);
	}
	cr_assert_fail("no 催办 reached the webhook");
	return (NULL);
}

/* A reminder's deliveries by channel, as "channel:status/attempts" (for
 * the webhook, once it has gone out). */
static void
expect_sent_once(struct site *s, const char *key)
{
	char	*sql = xprintf("SELECT string_agg(d.status || '/' || d.attempts, ',')"
	    " FROM delivery d JOIN reminder r ON r.id = d.reminder_id"
	    " WHERE d.channel = 'webhook' AND r.key = '%s'", key);

	t_wait_for(s->c, sql, "sent/1");
	free(sql);
}

/*
 * Issue 13's gaps: a county round moves the copies' 报送期限 (report_by)
 * to its date when earlier, in their history; the county's general
 * office names which of its 科室 fills in a copy, and that 科室 writes
 * its rows (only its rows) while the 办公室 keeps 报送; the city chases
 * (催办) a county that has not 报送ed, by hand (general office or
 * inspector, once a day) and the sweep by itself on the first working
 * day after the date and every 2 working days after, not after the
 * county 报送s nor after the round closes; each chase is a reminder to
 * the county's 局办公室 with a text in the 督办 tone, in the round's
 * history and in the county's 待办.
 */
Test(counties, a_county_that_has_not_reported_is_chased, .timeout = 120)
{
	struct site	 s;
	struct t_sink	 hook;
	json_t		*out, *x, *m;
	char		*a, *b, *path, *copy_target, *copy_task, *other_phase, *n;
	const char	*p[1];
	long		 st;
	size_t		 i;
	int		 seen = 0;

	site_start(&s);

	/* Two county rounds: the later one first (20 September), then one
	 * due on Wednesday 5 September. */
	cr_assert_eq(call(&s, JL, "POST", "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],"
	    "\"counties\":true,\"due_on\":\"2012-09-20\",\"title\":\"九月下旬县区调度\"}", &out), 201);
	a = xprintf("%lld", (long long)I(out, "id"));
	json_decref(out);
	cr_assert_eq(call(&s, JL, "POST", "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],"
	    "\"counties\":true,\"due_on\":\"2012-09-05\",\"title\":\"九月县区进展调度\"}", &out), 201);
	b = xprintf("%lld", (long long)I(out, "id"));
	json_decref(out);
	path = xprintf("/api/v1/dispatches/%s/close", a);
	cr_assert_eq(call(&s, JL, "POST", path, NULL, NULL), 200);
	free(path);

	/* 船营's copy of 普通高中受助学生's task: its 报送期限 is the
	 * earlier round's date, and its history says how it moved. */
	copy_target = t_query(s.c, "SELECT k.target_id FROM county_target k"
	    " JOIN organisation o ON o.id = k.org_id JOIN target g ON g.id = k.city_target_id"
	    " WHERE g.key = 'hs-students' AND o.name = '船营区教育局'", 0, NULL);
	cr_assert_not_null(copy_target);
	p[0] = copy_target;
	copy_task = t_query(s.c, "SELECT task_id FROM target WHERE id = $1::bigint", 1, p);
	path = xprintf("/api/v1/tasks/%s", copy_task);
	cr_assert_eq(call(&s, CYO, "GET", path, NULL, &out), 200);
	x = json_object_get(out, "city_task");
	EXPECT_STR(xstrdup(S(x, "report_by")), "2012-09-05");
	EXPECT_STR(xstrdup(S(json_object_get(x, "report_by_dispatch"), "title")), "九月县区进展调度");
	json_decref(out);
	free(path);
	p[0] = copy_task;
	n = t_query(s.c, "SELECT string_agg(coalesce(old_value, '—') || '→' || new_value, ','"
	    " ORDER BY id) FROM progress WHERE task_id = $1::bigint AND field = 'report_by'", 1, p);
	EXPECT_STR(n, "—→2012-09-20,2012-09-20→2012-09-05");

	/* 船营's 办公室 gives the copy to its 基础教育科; only it may. */
	path = xprintf("/api/v1/tasks/%s/county-office", copy_task);
	cr_expect_eq(call(&s, CC, "PUT", path, "{\"office\":\"基础教育科\"}", NULL), 404, "长春");
	cr_expect_eq(call(&s, JL, "PUT", path, "{\"office\":\"基础教育科\"}", NULL), 403,
	    "the city does not divide the county's work");
	cr_expect_eq(call(&s, CYO, "PUT", path, "{\"office\":\"基础教育科\"}", NULL), 403,
	    "a 科室 does not");
	cr_assert_eq(call(&s, CY, "PUT", path, "{\"office\":\"教研室\"}", &out), 404);
	EXPECT_STR(xstrdup(S(out, "field")), "office");
	json_decref(out);
	cr_assert_eq(call(&s, CY, "PUT", path, "{\"office\":\"基础教育科\"}", &out), 200);
	EXPECT_STR(xstrdup(S(out, "office")), "基础教育科");
	json_decref(out);
	free(path);
	/* The 科室 fills in its row, not another copy's, and does not 报送. */
	path = xprintf("/api/v1/targets/%s", copy_target);
	st = call(&s, CYO, "PATCH", path, "{\"current\":500}", NULL);
	cr_expect_eq(st, 200, "基础教育科 fills in its copy: %ld", st);
	free(path);
	other_phase = t_query(s.c, "SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id"
	    " JOIN plan p ON p.id = t.plan_id JOIN organisation o ON o.id = p.org_id"
	    " WHERE o.name = '船营区教育局' AND p.origin = 'county' AND m.title = '寒假期培训'",
	    0, NULL);
	cr_assert_not_null(other_phase);
	/* The 办公室 gives that copy to another 科室, with the CLI. */
	{
		char *task = t_query(s.c, "SELECT task_id FROM milestone WHERE id = $1::bigint", 1,
		    (const char *[]){ other_phase });
		const char *assign[] = { "county", "assign", task, "--office", "计划财务科", NULL };
		struct t_run r;

		t_cli(&r, s.db, assign);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "的承办科室：计划财务科") != NULL, "%s", r.out);
		t_run_free(&r);
		free(task);
	}
	path = xprintf("/api/v1/milestones/%s", other_phase);
	cr_expect_eq(call(&s, CYO, "PATCH", path, "{\"status\":\"done\"}", NULL), 403,
	    "another copy is not the 科室's");
	free(path);
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局/submit", b);
	cr_expect_eq(call(&s, CYO, "POST", path, "{}", NULL), 403, "the 办公室 报送s");
	free(path);
	/* The 科室's 待办: the round, by its date. */
	cr_assert_eq(call(&s, CYO, "GET", "/api/v1/todo", NULL, &out), 200);
	json_array_foreach(json_object_get(out, "items"), i, x)
		if (strcmp(S(x, "kind"), "county_fill") == 0) {
			EXPECT_STR(xstrdup(S(x, "title")), "九月县区进展调度");
			EXPECT_STR(xstrdup(S(x, "due_on")), "2012-09-05");
			cr_expect_eq(I(x, "tasks"), 1);
			seen++;
		}
	cr_expect_eq(seen, 1, "the round in the 科室's 待办");
	json_decref(out);

	/* 船营's 办公室 takes its mail on a robot too (a webhook here). */
	t_sink_webhook(&hook);
	{
		char *office = t_query(s.c, "SELECT o.id FROM office o JOIN organisation g"
		    " ON g.id = o.org_id WHERE o.name = '局办公室' AND g.name = '船营区教育局'", 0, NULL);
		char *rp = xprintf("/api/v1/offices/%s/recipients", office);
		char *rb = xprintf("{\"channel\":\"webhook\",\"address\":"
		    "\"http://127.0.0.1:%d/chuanying\"}", hook.port);

		cr_assert_eq(call(&s, CY, "POST", rp, rb, NULL), 201);
		free(office);
		free(rp);
		free(rb);
	}

	/* 催办 by hand, on 3 September: 船营 by the city's office ... */
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局/chase", b);
	cr_expect_eq(call(&s, CC, "POST", path, NULL, NULL), 404, "长春");
	cr_expect_eq(call(&s, CX, "POST", path, NULL, NULL), 404, "another county");
	cr_expect_eq(call(&s, CY, "POST", path, NULL, NULL), 403, "the county itself");
	cr_expect_eq(call(&s, JLO, "POST", path, NULL, NULL), 403, "a 处室 of the city");
	cr_assert_eq(call(&s, JL, "POST", path, NULL, &out), 201);
	x = json_object_get(out, "reminder");
	EXPECT_STR(xstrdup(S(x, "subject")),
	    "【催办】吉林市教育局“九月县区进展调度”：船营区教育局尚未报送，请于9月5日前报送");
	cr_expect_eq(I(x, "recipients"), 2, "船营's 局办公室: its mail and its robot");
	cr_expect(strstr(S(out, "note"), "已向“船营区教育局”局办公室的 2 个接收人发出催办") != NULL,
	    "%s", S(out, "note"));
	/* It goes out through the outbox, once. */
	m = hook_chase(&hook);
	EXPECT_STR(xstrdup(S(m, "key")), S(x, "key"));
	EXPECT_STR(xstrdup(S(json_object_get(m, "body"), "kind")), "county_chase");
	EXPECT_STR(xstrdup(S(json_object_get(m, "body"), "subject")), S(x, "subject"));
	cr_expect(strstr(S(json_object_get(m, "body"), "text"), "请于 2012-09-05 前组织有关科室") !=
	    NULL, "%s", S(json_object_get(m, "body"), "text"));
	json_decref(m);
	expect_sent_once(&s, S(x, "key"));
	json_decref(out);
	cr_assert_eq(call(&s, JLI, "POST", path, NULL, &out), 409, "once a day");
	EXPECT_STR(xstrdup(S(out, "title")), "今日已催办");
	EXPECT_STR(xstrdup(S(out, "field")), "org");
	json_decref(out);
	free(path);
	/* ... and 昌邑, which has no 局办公室 yet, by the inspector with
	 * the CLI. */
	{
		char *tokfile = xprintf("%s/jli.token", t_tmpdir());
		const char *chase[] = { "dispatch", "chase", b, "--county", "昌邑区教育局",
		    "--server", s.d.url, "--token-file", tokfile, NULL };
		struct t_run r;

		t_write_file(tokfile, s.tok[JLI], strlen(s.tok[JLI]));
		t_cli(&r, s.db, chase);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "【催办】吉林市教育局“九月县区进展调度”：昌邑区教育局尚未报送，"
		    "请于9月5日前报送\n昌邑区教育局：未报送（已催办 1 次，最近 9月3日）\n") != NULL,
		    "%s", r.out);
		cr_expect(strstr(r.out, "尚无局办公室") != NULL, "%s", r.out);
		t_run_free(&r);
		free(tokfile);
	}
	path = xprintf("/api/v1/dispatches/%s/counties/昌邑区教育局/chase", b);
	cr_expect_eq(call(&s, JL, "POST", path, NULL, NULL), 409, "昌邑 was chased today");
	free(path);
	cr_expect_eq(chases(&s), 2);

	/* The city's view of the round, 船营's steps and its 待办. */
	path = xprintf("/api/v1/dispatches/%s", b);
	cr_assert_eq(call(&s, JL, "GET", path, NULL, &out), 200);
	x = json_object_get(find(json_object_get(out, "counties"), "name", "船营区教育局"), "chases");
	cr_expect_eq(I(x, "count"), 1);
	EXPECT_STR(xstrdup(S(x, "label")), "已催办 1 次，最近 9月3日");
	json_decref(out);
	free(path);
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局", b);
	cr_assert_eq(call(&s, CY, "GET", path, NULL, &out), 200);
	x = find(json_object_get(out, "steps"), "action", "chase");
	cr_assert_not_null(x, "the chase is in the round's history");
	cr_expect(S(x, "actor") != NULL && S(x, "at") != NULL);
	cr_expect(strstr(S(x, "subject"), "【催办】") != NULL);
	json_decref(out);
	free(path);
	cr_assert_eq(call(&s, CY, "GET", "/api/v1/todo", NULL, &out), 200);
	x = find(json_object_get(out, "items"), "kind", "county_round");
	cr_assert_not_null(x);
	EXPECT_STR(xstrdup(S(json_object_get(x, "chases"), "label")), "已催办 1 次，最近 9月3日");
	json_decref(out);

	/* The sweep: nothing on the date itself; on Thursday 6 September,
	 * the first working day after it, each county once, however often
	 * it runs; nothing on Friday. */
	sweep(&s, "2012-09-05");
	cr_expect_eq(chases(&s), 2, "not on the date");
	sweep(&s, "2012-09-06");
	/* A recipient 船营's 局办公室 adds that day gets the day's chase from
	 * the next sweep, as it would any reminder of its office's. */
	free(t_query(s.c, "SELECT duban_recipient_add(o.id,"
	    " '{\"channel\":\"email\",\"address\":\"duban@chuanying.example.cn\"}')::text"
	    " FROM office o JOIN organisation g ON g.id = o.org_id"
	    " WHERE o.name = '局办公室' AND g.name = '船营区教育局'", 0, NULL));
	sweep(&s, "2012-09-06");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM delivery d"
	    " JOIN reminder r ON r.id = d.reminder_id"
	    " WHERE r.kind = 'county_chase' AND r.send_on = '2012-09-06'"
	    "   AND d.address = 'duban@chuanying.example.cn'", 0, NULL), 1,
	    "the recipient added later got no chase");
	cr_expect_eq(chases(&s), 4, "both counties, once");
	EXPECT_STR(chase_subject(&s, "昌邑区教育局", "2012-09-06"),
	    "【催办】吉林市教育局“九月县区进展调度”：昌邑区教育局尚未报送，请于9月7日前报送");
	sweep(&s, "2012-09-07");
	cr_expect_eq(chases(&s), 4, "every 2 working days");
	/* What 船营's 局办公室 receives: the text, to its address. */
	n = t_query(s.c, "SELECT r.id FROM reminder r JOIN organisation o"
	    " ON r.key = 'county_chase.' || $1 || '.' || o.id || '.2012-09-06'"
	    " WHERE o.name = '船营区教育局'", 1, (const char *[]){ b });
	cr_assert_not_null(n);
	path = xprintf("/api/v1/reminders/%s", n);
	free(n);
	cr_assert_eq(call(&s, CY, "GET", path, NULL, &out), 200);
	EXPECT_STR(xstrdup(S(out, "kind")), "county_chase");
	cr_expect_eq(json_array_size(json_object_get(out, "deliveries")), 3,
	    "mail, robot and the mail added that day");
	EXPECT_STR(xstrdup(S(json_array_get(json_object_get(out, "deliveries"), 0), "office")),
	    "局办公室");
	/* The outbox as the operator lists it: each county's 局办公室 named
	 * with its county; 昌邑, which has no offices, by its name. */
	{
		const char	*list[] = { "reminder", "list", NULL };
		struct t_run	 run;

		t_cli(&run, s.db, list);
		cr_expect_eq(run.status, 0, "%s", run.err);
		cr_expect(strstr(run.out, "局办公室（船营区教育局）") != NULL &&
		    strstr(run.out, "县区催办  昌邑区教育局  ") != NULL, "%s", run.out);
		t_run_free(&run);
	}
	m = hook_chase(&hook);
	EXPECT_STR(xstrdup(S(m, "key")), S(json_object_get(out, "payload"), "key"));
	json_decref(m);
	expect_sent_once(&s, S(json_object_get(out, "payload"), "key"));
	cr_expect_eq(I(json_object_get(out, "payload"), "chase"), 2, "the second chase");
	{
		const char *t = S(out, "text");

		cr_assert_not_null(t);
		cr_expect(strncmp(t, "船营区教育局：", strlen("船营区教育局：")) == 0, "%s", t);
		cr_expect(strstr(t, "吉林市教育局于 2012-09-03 开展“九月县区进展调度”，要求各县（市）区于"
		    " 2012-09-05 前报送承担任务的进展。截至 2012-09-06，贵局尚未报送。请于 2012-09-07"
		    " 前组织有关科室") != NULL, "%s", t);
		cr_expect(strstr(t, "（第 2 次催办）") != NULL, "%s", t);
		cr_expect(strstr(t, "承办科室：基础教育科") != NULL, "%s", t);
	}
	json_decref(out);
	free(path);
	cr_expect_eq(call(&s, CC, "GET", "/api/v1/reminders?date=2012-09-06", NULL, &out), 200);
	json_array_foreach(out, i, x)
		cr_expect(S(x, "kind") == NULL || strcmp(S(x, "kind"), "county_chase") != 0,
		    "长春 sees no chase of 吉林's counties");
	json_decref(out);

	/* 船营's 办公室 报送s: the sweep of Monday 10 September chases only
	 * 昌邑; closed, the round is chased no more. */
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局/submit", b);
	cr_assert_eq(call(&s, CY, "POST", path, "{}", NULL), 200);
	free(path);
	sweep(&s, "2012-09-10");
	cr_expect_eq(chases(&s), 5, "昌邑 alone");
	n = chase_subject(&s, "船营区教育局", "2012-09-10");
	cr_expect_null(n, "not after 报送: %s", n);
	free(n);
	n = chase_subject(&s, "昌邑区教育局", "2012-09-10");
	cr_expect_not_null(n);
	free(n);
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局/chase", b);
	cr_assert_eq(call(&s, JL, "POST", path, NULL, &out), 409, "reported");
	EXPECT_STR(xstrdup(S(out, "title")), "无需催办");
	json_decref(out);
	free(path);
	/* The city returns 船营's report: returned and not 报送ed again, it
	 * is chased on Wednesday 12 September with the reason. */
	path = xprintf("/api/v1/dispatches/%s/counties/船营区教育局/return", b);
	cr_assert_eq(call(&s, JL, "POST", path, "{\"reason\":\"受助学生数未附名单，请补充后重新报送\"}",
	    NULL), 200);
	free(path);
	sweep(&s, "2012-09-12");
	cr_expect_eq(chases(&s), 7, "both again");
	EXPECT_STR(chase_subject(&s, "船营区教育局", "2012-09-12"), "【催办】吉林市教育局"
	    "“九月县区进展调度”：船营区教育局的报告已退回，尚未重新报送，请于9月13日前报送");
	n = t_query(s.c, "SELECT r.id FROM reminder r JOIN organisation o"
	    " ON r.key = 'county_chase.' || $1 || '.' || o.id || '.2012-09-12'"
	    " WHERE o.name = '船营区教育局'", 1, (const char *[]){ b });
	path = xprintf("/api/v1/reminders/%s", n);
	free(n);
	cr_assert_eq(call(&s, JL, "GET", path, NULL, &out), 200);
	cr_expect(strstr(S(out, "text"), "贵局报告已被退回，尚未重新报送。") != NULL &&
	    strstr(S(out, "text"), "退回理由：受助学生数未附名单，请补充后重新报送") != NULL,
	    "%s", S(out, "text"));
	json_decref(out);
	free(path);
	/* The 调度汇总 says how often each county was chased. */
	{
		char *tokfile = xprintf("%s/jl.token", t_tmpdir());
		const char *close[] = { "dispatch", "close", b, "--server", s.d.url,
		    "--token-file", tokfile, NULL };
		struct t_run r;

		t_write_file(tokfile, s.tok[JL], strlen(s.tok[JL]));
		t_cli(&r, s.db, close);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "县（市）区：昌邑区教育局（未报送，已催办 4 次）、"
		    "船营区教育局（退回，已催办 3 次）") != NULL, "%s", r.out);
		t_run_free(&r);
		free(tokfile);
	}
	sweep(&s, "2012-09-14");
	cr_expect_eq(chases(&s), 7, "closed");
	path = xprintf("/api/v1/dispatches/%s/counties/昌邑区教育局/chase", b);
	cr_expect_eq(call(&s, JL, "POST", path, NULL, NULL), 409, "closed");
	free(path);
	/* A later round gives the copies its date: theirs was a closed round's. */
	cr_assert_eq(call(&s, JL, "POST", "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],"
	    "\"counties\":true,\"due_on\":\"2012-09-28\",\"title\":\"九月底县区调度\"}", NULL), 201);
	p[0] = copy_task;
	n = t_query(s.c, "SELECT report_by::text FROM county_task WHERE task_id = $1::bigint", 1, p);
	EXPECT_STR(n, "2012-09-28");

	free(a);
	free(b);
	free(copy_target);
	free(copy_task);
	free(other_phase);
	t_sink_stop(&hook);
	site_stop(&s);
}
