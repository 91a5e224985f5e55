/*
 * Organisations as tenants: two cities (吉林市教育局 with its county
 * 船营区教育局, and 长春市教育局), a token of each as each role, and
 * every read route that takes a plan, task, milestone or target, and the
 * lists, asked by each: a token reaches its own organisation and those
 * under it; another tenant's objects are not found (404), lists leave
 * them out, and a write to them changes nothing.  Real duband, real
 * PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

#define NT	3		/* tenants: the city, its county, the other city */
enum { JL, CY, CC };
static const char *const PLAN[NT] = { "jilin-2012", "chuanying-2012", "changchun-2017" };
static const char *const QUARTER[NT] = { "2012Q3", "2012Q3", "2017Q3" };

/* The callers: each token, and which tenants it reaches. */
static const struct caller {
	const char	*name, *role, *office, *org;
	int		 sees[NT];
} CALLERS[] = {
	{ "jl-general", "general", NULL, "吉林市教育局", { 1, 1, 0 } },
	{ "jl-office", "office", "人事处", "吉林市教育局", { 1, 1, 0 } },
	{ "jl-inspector", "inspector", NULL, "吉林市教育局", { 1, 1, 0 } },
	{ "cy-general", "general", NULL, "船营区教育局", { 0, 1, 0 } },
	{ "cy-office", "office", "基础教育科", "船营区教育局", { 0, 1, 0 } },
	{ "cc-general", "general", NULL, "长春市教育局", { 0, 0, 1 } },
	{ "cc-inspector", "inspector", NULL, "长春市教育局", { 0, 0, 1 } },
	{ "all-inspector", "inspector", NULL, "全部", { 1, 1, 1 } },
};
#define NCALLERS	(sizeof CALLERS / sizeof CALLERS[0])

static void
build(const char *db, void *arg)
{
	const char	*load[] = { "plan", "load", DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml",
	    DUBAN_SOURCE_DIR "/plans/changchun-2017.yaml",
	    DUBAN_SOURCE_DIR "/tests/fixtures/tenants/chuanying-2012.yaml", NULL };
	const char	*county[] = { "org", "add", "昌邑区教育局", "--parent", "吉林市教育局", NULL };
	const char	*rules[] = { "assess", "load", DUBAN_SOURCE_DIR "/plans/assess/default.yaml",
	    NULL };
	const char	*args[] = { "token", "create", "--role", NULL, "--org", NULL, "--quiet",
	    NULL, NULL, NULL };
	struct t_run	 r;
	size_t		 i;

	PGconn		*c;

	(void)arg;
	t_cli_ok(db, load);
	t_cli_ok(db, county);
	/* A clerk in each of 吉林 and 船营 (user create, Argon2: once, here). */
	{
		const char *jl[] = { "user", "create", "--login", "jlclerk", "--name", "吉林经办人",
		    "--role", "clerk", "--office", "财务审计处", "--org", "吉林市教育局",
		    "--password-stdin", NULL };
		const char *cy[] = { "user", "create", "--login", "cyclerk", "--name", "船营经办人",
		    "--role", "clerk", "--office", "基础教育科", "--org", "船营区教育局",
		    "--password-stdin", NULL };

		t_cli_input(&r, db, jl, "Tenant-Test-2012\n");
		cr_assert_eq(r.status, 0, "%s", r.err);
		t_run_free(&r);
		t_cli_input(&r, db, cy, "Tenant-Test-2012\n");
		cr_assert_eq(r.status, 0, "%s", r.err);
		t_run_free(&r);
	}
	/* In force from the start of the year the sites are read in. */
	setenv("DUBAN_NOW", "2012-01-04T09:00+08:00", 1);
	t_cli_ok(db, rules);
	unsetenv("DUBAN_NOW");
	/* 督办单 for the milestones overdue on 11 October (吉林's and 船营's). */
	c = t_connect(db);
	free(t_query(c, "SELECT duban_sweep('2012-10-11')::text", 0, NULL));
	PQfinish(c);
	for (i = 0; i < NCALLERS; i++) {
		args[3] = CALLERS[i].role;
		args[5] = CALLERS[i].org;
		args[7] = CALLERS[i].office ? "--office" : NULL;
		args[8] = CALLERS[i].office;
		t_cli(&r, db, args);
		cr_assert_eq(r.status, 0, "%s: %s", CALLERS[i].name, r.err);
		r.out[strcspn(r.out, "\n")] = '\0';
		t_keep(db, CALLERS[i].name, r.out);
		t_run_free(&r);
	}
}

struct site {
	char		*db;
	PGconn		*c;
	struct t_daemon	 d;
	char		*tok[NCALLERS];
	char		*task[NT], *milestone[NT], *target[NT], *notice[NT];
};

/* duband on a copy of the snapshot, its clock at now (DUBAN_NOW). */
static void
site_start_at(struct site *s, const char *now)
{
	char		*clock = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { clock, NULL };
	size_t		 i;

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("tenants", build, NULL);
	s->c = t_connect(s->db);
	for (i = 0; i < NCALLERS; i++)
		s->tok[i] = t_kept(s->db, CALLERS[i].name);
	for (i = 0; i < NT; i++) {
		const char *p[] = { PLAN[i] };

		s->task[i] = t_query(s->c, "SELECT min(t.id) FROM task t JOIN plan p"
		    " ON p.id = t.plan_id WHERE p.key = $1", 1, p);
		s->milestone[i] = t_query(s->c, "SELECT min(m.id) FROM milestone m JOIN task t"
		    " ON t.id = m.task_id JOIN plan p ON p.id = t.plan_id WHERE p.key = $1", 1, p);
		s->target[i] = t_query(s->c, "SELECT min(g.id) FROM target g JOIN task t"
		    " ON t.id = g.task_id JOIN plan p ON p.id = t.plan_id WHERE p.key = $1", 1, p);
		cr_assert(s->task[i] && s->milestone[i] && s->target[i], "%s has objects", PLAN[i]);
		s->notice[i] = t_query(s->c, "SELECT min(n.id) FROM notice n JOIN plan p"
		    " ON p.id = n.plan_id WHERE p.key = $1", 1, p);
	}
	t_daemon_start(&s->d, s->db, NULL, env);
	free(clock);
}

/* In January 2018: every plan's year is over (2017's report is whole). */
static void
site_start(struct site *s)
{
	site_start_at(s, "2018-01-10T09:00+08:00");
}

static void
site_stop(struct site *s)
{
	size_t	 i;

	t_daemon_stop(&s->d);
	PQfinish(s->c);
	for (i = 0; i < NCALLERS; i++)
		free(s->tok[i]);
	for (i = 0; i < NT; i++) {
		free(s->task[i]);
		free(s->milestone[i]);
		free(s->target[i]);
		free(s->notice[i]);
	}
}

/* Whether the JSON array a holds an object whose key k is v. */
static int
has(json_t *a, const char *k, const char *v)
{
	size_t	 i;
	json_t	*o;

	json_array_foreach(a, i, o)
		if (json_is_string(json_object_get(o, k)) &&
		    strcmp(json_string_value(json_object_get(o, k)), v) == 0)
			return (1);
	return (0);
}

Test(tenants, every_object_route_answers_within_reach_only, .timeout = 240)
{
	struct site	 s;
	char		*path;
	size_t		 c, t, k, cells = 0;
	long		 st;

	site_start(&s);
	for (c = 0; c < NCALLERS; c++)
		for (t = 0; t < NT; t++) {
			char *paths[] = {
				xprintf("/api/v1/plans/%s", PLAN[t]),
				xprintf("/api/v1/tasks/%s", s.task[t]),
				xprintf("/api/v1/milestones/%s", s.milestone[t]),
				xprintf("/api/v1/targets/%s", s.target[t]),
				xprintf("/api/v1/tasks?plan=%s", PLAN[t]),
				xprintf("/api/v1/overview?plan=%s", PLAN[t]),
				xprintf("/api/v1/reports/quarterly?quarter=%s&plan=%s",
				    QUARTER[t], PLAN[t]),
			};

			for (k = 0; k < sizeof paths / sizeof paths[0]; k++) {
				json_t *out = NULL;

				path = paths[k];
				st = t_call(&s.d, "GET", path, s.tok[c], NULL, &out);
				if (k == 4 && st == 200) {
					/* A list: within reach it has the plan's tasks, else none. */
					cr_expect_eq(json_array_size(out) > 0, CALLERS[c].sees[t],
					    "%s GET %s: %zu tasks", CALLERS[c].name, path,
					    json_array_size(out));
				} else
					cr_expect_eq(st, CALLERS[c].sees[t] ? 200 : 404,
					    "%s GET %s: %ld", CALLERS[c].name, path, st);
				if (st == 404)
					cr_expect(json_is_string(json_object_get(out, "title")),
					    "a 404 is a problem");
				json_decref(out);
				free(path);
				cells++;
			}
		}
	/* 督办单 (2012's: 吉林's and 船营's), as the callers who see all of
	 * their reach's (not an office, which sees its own only). */
	for (c = 0; c < NCALLERS; c++)
		for (t = 0; t < NT; t++) {
			json_t *out = NULL;

			if (CALLERS[c].office != NULL || s.notice[t] == NULL)
				continue;
			path = xprintf("/api/v1/duban-notices/%s", s.notice[t]);
			st = t_call(&s.d, "GET", path, s.tok[c], NULL, &out);
			cr_expect_eq(st, CALLERS[c].sees[t] ? 200 : 404, "%s GET %s: %ld",
			    CALLERS[c].name, path, st);
			json_decref(out);
			free(path);
			cells++;
		}
	cr_assert(s.notice[JL] != NULL && s.notice[CY] != NULL, "the sweep issued 督办单");
	cr_log_info("tenant matrix: %zu cells", cells);
	site_stop(&s);
}

Test(tenants, lists_leave_out_other_tenants, .timeout = 120)
{
	struct site	 s;
	json_t		*out;
	size_t		 c, t, i;
	json_t		*o;

	site_start(&s);
	for (c = 0; c < NCALLERS; c++) {
		cr_assert_eq(t_call(&s.d, "GET", "/api/v1/plans", s.tok[c], NULL, &out), 200);
		for (t = 0; t < NT; t++)
			cr_expect_eq(has(out, "key", PLAN[t]), CALLERS[c].sees[t],
			    "%s: plan %s listed", CALLERS[c].name, PLAN[t]);
		json_decref(out);

		cr_assert_eq(t_call(&s.d, "GET", "/api/v1/tasks", s.tok[c], NULL, &out), 200);
		for (t = 0; t < NT; t++)
			cr_expect_eq(has(out, "plan", PLAN[t]), CALLERS[c].sees[t],
			    "%s: tasks of %s listed", CALLERS[c].name, PLAN[t]);
		json_decref(out);

		cr_assert_eq(t_call(&s.d, "GET", "/api/v1/offices", s.tok[c], NULL, &out), 200);
		json_array_foreach(out, i, o) {
			const char *org = json_string_value(json_object_get(o, "organisation"));
			int want = strcmp(org, "吉林市教育局") == 0 ? CALLERS[c].sees[JL] :
			    strcmp(org, "船营区教育局") == 0 ? CALLERS[c].sees[CY] :
			    strcmp(org, "长春市教育局") == 0 ? CALLERS[c].sees[CC] : 1;

			cr_expect(want, "%s sees office %s of %s", CALLERS[c].name,
			    json_string_value(json_object_get(o, "name")), org);
		}
		json_decref(out);

		/* 督办单: only those of organisations within reach. */
		if (CALLERS[c].office == NULL) {
			cr_assert_eq(t_call(&s.d, "GET", "/api/v1/duban-notices", s.tok[c], NULL,
			    &out), 200);
			json_array_foreach(json_object_get(out, "notices"), i, o) {
				json_t *p = json_object_get(o, "plan");
				const char *key = json_is_string(p) ? json_string_value(p) :
				    json_string_value(json_object_get(p, "key"));

				for (t = 0; t < NT; t++)
					if (key != NULL && strcmp(key, PLAN[t]) == 0)
						cr_expect(CALLERS[c].sees[t], "%s sees 督办单 of %s",
						    CALLERS[c].name, key);
			}
			cr_expect_eq(json_array_size(json_object_get(out, "notices")) > 0,
			    CALLERS[c].sees[JL] || CALLERS[c].sees[CY], "%s: 督办单 listed",
			    CALLERS[c].name);
			json_decref(out);
		}

		/* Accounts: the general office manages those within reach. */
		if (strcmp(CALLERS[c].role, "general") == 0) {
			cr_assert_eq(t_call(&s.d, "GET", "/api/v1/users", s.tok[c], NULL, &out), 200);
			cr_expect_eq(has(out, "login", "jlclerk"), CALLERS[c].sees[JL], "%s: jlclerk",
			    CALLERS[c].name);
			cr_expect_eq(has(out, "login", "cyclerk"), CALLERS[c].sees[CY], "%s: cyclerk",
			    CALLERS[c].name);
			json_decref(out);
		}

		/* 考核: an organisation scores its own offices only. */
		if (CALLERS[c].office == NULL && strcmp(CALLERS[c].org, "全部") != 0) {
			long st = t_call(&s.d, "GET", "/api/v1/assess?year=2012", s.tok[c], NULL,
			    &out);
			char *dump = json_dumps(out, 0);

			cr_assert_eq(st, 200, "%s assess: %ld %s", CALLERS[c].name, st, dump);
			free(dump);
			{
				char *text = json_dumps(json_object_get(out, "offices"), 0);

				/* 吉林's 人事处 and 船营's 基础教育科 are each scored by their own. */
				cr_expect_eq(strstr(text, "财务审计处") != NULL,
				    strcmp(CALLERS[c].org, "吉林市教育局") == 0, "%s: %s", CALLERS[c].name,
				    text);
				cr_expect_eq(strstr(text, "基础教育科") != NULL,
				    strcmp(CALLERS[c].org, "船营区教育局") == 0, "%s: %s", CALLERS[c].name,
				    text);
				free(text);
			}
			json_decref(out);
		}

		/* The 总览 and the report without plans: the caller's own. */
		cr_assert_eq(t_call(&s.d, "GET", "/api/v1/overview", s.tok[c], NULL, &out), 200,
		    "%s overview", CALLERS[c].name);
		{
			char *text = json_dumps(out, 0);

			for (t = 0; t < NT; t++) {
				/* Quoted: a county's copy of jilin-2012 is jilin-2012-N. */
				char *key = xprintf("\"%s\"", PLAN[t]);

				cr_expect_eq(strstr(text, key) != NULL, CALLERS[c].sees[t],
				    "%s: overview has %s", CALLERS[c].name, PLAN[t]);
				free(key);
			}
			free(text);
		}
		json_decref(out);
	}
	site_stop(&s);
}

Test(tenants, writes_reach_no_other_tenant_and_change_nothing, .timeout = 120)
{
	struct site	 s;
	char		*path, *before, *after;
	json_t		*out;
	long		 st;

	site_start(&s);
	/* 长春 on 吉林's milestone and target, 船营 on its city's: not there. */
	before = t_fingerprint(s.c);
	path = xprintf("/api/v1/milestones/%s", s.milestone[JL]);
	st = t_call(&s.d, "PATCH", path, s.tok[5], "{\"status\":\"done\"}", &out);
	cr_expect_eq(st, 404, "长春 on 吉林's milestone: %ld", st);
	json_decref(out);
	st = t_call(&s.d, "PATCH", path, s.tok[3], "{\"status\":\"done\"}", &out);
	cr_expect_eq(st, 404, "船营 on 吉林's milestone: %ld", st);
	json_decref(out);
	free(path);
	path = xprintf("/api/v1/targets/%s", s.target[CC]);
	st = t_call(&s.d, "PATCH", path, s.tok[0], "{\"current\":1}", &out);
	cr_expect_eq(st, 404, "吉林 on 长春's target: %ld", st);
	json_decref(out);
	free(path);
	st = t_call(&s.d, "PATCH", "/api/v1/plans/jilin-2012/lights", s.tok[5],
	    "{\"yellow\":5,\"red\":20}", &out);
	cr_expect_eq(st, 404, "长春 on 吉林's lights: %ld", st);
	json_decref(out);
	after = t_fingerprint(s.c);
	cr_expect_str_eq(after, before, "refused writes changed nothing");
	cr_expect_eq(t_query_long(s.c, "SELECT light_yellow FROM plan WHERE key = 'jilin-2012'",
	    0, NULL), 10, "吉林's thresholds as they were");
	free(before);
	free(after);

	/* The city supervises its county: its general office may write there. */
	path = xprintf("/api/v1/milestones/%s", s.milestone[CY]);
	st = t_call(&s.d, "PATCH", path, s.tok[0], "{\"status\":\"in_progress\"}", &out);
	cr_expect_eq(st, 200, "吉林 on 船营's milestone: %ld", st);
	json_decref(out);
	free(path);
	site_stop(&s);
}

Test(tenants, tokens_and_accounts_name_their_organisation, .timeout = 120)
{
	char		*db = t_db_create();
	const char	*load[] = { "plan", "load", DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml",
	    DUBAN_SOURCE_DIR "/plans/changchun-2017.yaml", NULL };
	const char	*bare[] = { "token", "create", "--role", "general", NULL };
	const char	*nowhere[] = { "token", "create", "--role", "general", "--org", "船营区",
	    NULL };
	const char	*leader[] = { "user", "create", "--login", "yangfq", "--name", "杨凤琴",
	    "--role", "leader", "--password-stdin", NULL };
	const char	*cycle[] = { "org", "add", "吉林市教育局", "--parent", "船营区教育局", NULL };
	const char	*county[] = { "org", "add", "船营区教育局", "--parent", "吉林市教育局", NULL };
	const char	*list[] = { "org", "list", NULL };
	struct t_run	 r;
	PGconn		*c;
	char		*before;

	t_cli_ok(db, load);
	c = t_connect(db);
	before = t_query(c, "SELECT count(*) || '/' || (SELECT count(*) FROM account)"
	    " FROM api_token", 0, NULL);
	/* Two cities: a token or account must say which. */
	t_cli(&r, db, bare);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "请指明单位") != NULL && strstr(r.err, "长春市教育局") != NULL,
	    "%s", r.err);
	t_run_free(&r);
	t_cli(&r, db, nowhere);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "没有名为“船营区”的单位") != NULL, "%s", r.err);
	t_run_free(&r);
	t_cli_input(&r, db, leader, "Jilin-Edu-2012-pw\n");
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "请指明单位") != NULL, "%s", r.err);
	t_run_free(&r);
	EXPECT_STR(t_query(c, "SELECT count(*) || '/' || (SELECT count(*) FROM account)"
	    " FROM api_token", 0, NULL), before);

	t_cli_ok(db, county);
	t_cli(&r, db, cycle);
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "不能隶属于自己或自己的下级") != NULL, "%s", r.err);
	t_run_free(&r);
	t_cli(&r, db, list);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "船营区教育局") != NULL && strstr(r.out, "县（市）区教育局") != NULL,
	    "%s", r.out);
	t_run_free(&r);
	free(before);
	PQfinish(c);
	free(db);
}

/* 上级督办下级: 吉林's tasks for 各县（市）区 are copied into each county
 * bureau's space; the city sets a county's share; the county reports on
 * its copy; the city reads each county's value and the sum. */
Test(tenants, a_county_reports_its_share_and_the_city_sees_the_roll_up, .timeout = 120)
{
	struct site	 s;
	char		*city_task, *city_target, *copy_target, *path, *before, *after;
	json_t		*out, *c, *sum;
	size_t		 i;
	long		 st;
	int		 seen = 0;

	site_start(&s);
	/* 二（一）'s count target 普通高中受助学生 (8000 名), and 船营's copy. */
	city_target = t_query(s.c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND g.key = 'hs-students'",
	    0, NULL);
	city_task = t_query(s.c, "SELECT task_id FROM target WHERE id = $1::bigint", 1,
	    (const char *[]){ city_target });
	copy_target = t_query(s.c, "SELECT k.target_id FROM county_target k JOIN organisation o"
	    " ON o.id = k.org_id WHERE k.city_target_id = $1::bigint AND o.name = '船营区教育局'",
	    1, (const char *[]){ city_target });
	cr_assert_not_null(copy_target, "船营 has its copy of the target");
	EXPECT_STR(t_query(s.c, "SELECT string_agg(o.name || ':' || c.deadline, ',' ORDER BY o.name)"
	    " FROM county_task k JOIN organisation o ON o.id = k.org_id JOIN task c ON c.id = k.task_id"
	    " JOIN task t ON t.id = k.city_task_id WHERE k.city_task_id = $1::bigint"
	    " AND c.deadline = t.deadline", 1, (const char *[]){ city_task }),
	    "昌邑区教育局:2012-12-31,船营区教育局:2012-12-31");

	/* Refused: a bad share, another city, the county itself; nothing changes. */
	before = t_fingerprint(s.c);
	path = xprintf("/api/v1/targets/%s/counties/船营区教育局", city_target);
	st = t_call(&s.d, "PUT", path, s.tok[0], "{\"share\":-1}", &out);
	{
		char *dump = json_dumps(out, 0);

		cr_expect_eq(st, 400, "%ld %s", st, dump);
		free(dump);
	}
	EXPECT_STR(xstrdup(json_string_value(json_object_get(out, "field"))), "share");
	json_decref(out);
	cr_expect_eq(t_call(&s.d, "PUT", path, s.tok[5], "{\"share\":3000}", NULL), 404);
	cr_expect_eq(t_call(&s.d, "PUT", path, s.tok[3], "{\"share\":3000}", NULL), 404);
	after = t_fingerprint(s.c);
	cr_expect_str_eq(after, before);
	free(before);
	free(after);

	/* The city shares out 3000; 船营 reports 1200 on its copy. */
	cr_assert_eq(t_call(&s.d, "PUT", path, s.tok[0], "{\"share\":3000}", NULL), 200);
	free(path);
	path = xprintf("/api/v1/targets/%s", copy_target);
	st = t_call(&s.d, "PATCH", path, s.tok[3], "{\"current\":1200}", &out);
	cr_expect_eq(st, 200, "船营 reports on its copy: %ld", st);
	json_decref(out);
	free(path);

	/* The county cannot open the city's task; the city sees the roll-up. */
	path = xprintf("/api/v1/tasks/%s", city_task);
	cr_expect_eq(t_call(&s.d, "GET", path, s.tok[3], NULL, NULL), 404);
	cr_assert_eq(t_call(&s.d, "GET", path, s.tok[0], NULL, &out), 200);
	json_array_foreach(json_object_get(json_object_get(out, "counties"), "counties"), i, c) {
		json_t *g, *tg = json_object_get(c, "targets");
		size_t k;

		json_array_foreach(tg, k, g) {
			if (strcmp(json_string_value(json_object_get(g, "name")), "普通高中受助学生"))
				continue;
			if (strcmp(json_string_value(json_object_get(c, "org")), "船营区教育局") == 0) {
				cr_expect_eq(json_number_value(json_object_get(g, "value")), 3000);
				cr_expect_eq(json_number_value(json_object_get(g, "current")), 1200);
				seen++;
			} else {
				/* No share set: the city's whole target. */
				cr_expect_eq(json_number_value(json_object_get(g, "value")), 8000);
				cr_expect(json_is_null(json_object_get(g, "current")));
				seen++;
			}
		}
	}
	cr_expect_eq(seen, 2, "both counties' parts are shown");
	json_array_foreach(json_object_get(json_object_get(out, "counties"), "sums"), i, sum)
		if (strcmp(json_string_value(json_object_get(sum, "name")), "普通高中受助学生") == 0) {
			cr_expect_eq(json_number_value(json_object_get(sum, "assigned")), 11000);
			cr_expect_eq(json_number_value(json_object_get(sum, "current")), 1200);
			cr_expect_eq(json_integer_value(json_object_get(sum, "reported")), 1);
			seen++;
		}
	cr_expect_eq(seen, 3, "the target's sum is shown");
	json_decref(out);
	free(path);
	free(city_task);
	free(city_target);
	free(copy_target);
	site_stop(&s);
}

/* One cell of the route matrix: caller c asks; the answer must be want. */
static size_t cells_checked;

static void
probe(const struct site *s, size_t c, const char *method, const char *path,
    const char *body, long want)
{
	json_t	*out = NULL;
	long	 st = t_call(&s->d, method, path, s->tok[c], body, &out);
	char	*dump = out ? json_dumps(out, 0) : NULL;

	if (st != want && dump != NULL)
		fprintf(stderr, "%s %s %s: %s\n", CALLERS[c].name, method, path, dump);
	cr_expect_eq(st, want, "%s %s %s: %ld, want %ld", CALLERS[c].name, method, path, st,
	    want);
	if (st >= 400 && out != NULL)
		cr_expect(json_is_string(json_object_get(out, "title")), "%s %s: a problem",
		    method, path);
	free(dump);
	json_decref(out);
	cells_checked++;
}

/* The same, with the path made from a format and an id. */
static void
probe_id(const struct site *s, size_t c, const char *method, const char *fmt, long id,
    const char *body, long want)
{
	char	*path = xprintf(fmt, id);

	probe(s, c, method, path, body, want);
	free(path);
}

/* Caller c makes something (as its tenant's own): the new object's id. */
static long
make(const struct site *s, size_t c, const char *method, const char *path, const char *body)
{
	json_t	*out = NULL;
	long	 st = t_call(&s->d, method, path, s->tok[c], body, &out), id;
	char	*dump = out ? json_dumps(out, 0) : NULL;

	cr_assert(st == 200 || st == 201, "%s %s %s: %ld %s", CALLERS[c].name, method, path, st,
	    dump ? dump : "");
	id = json_integer_value(json_object_get(out, "id"));
	free(dump);
	json_decref(out);
	return (id);
}

/* Whether GET path as caller c lists anything whose text holds needle. */
static int
lists(const struct site *s, size_t c, const char *path, const char *needle)
{
	json_t	*out = NULL;
	char	*text;
	int	 found;

	cr_assert_eq(t_call(&s->d, "GET", path, s->tok[c], NULL, &out), 200, "%s GET %s",
	    CALLERS[c].name, path);
	text = json_dumps(out, 0);
	found = strstr(text, needle) != NULL;
	free(text);
	json_decref(out);
	cells_checked++;
	return (found);
}

/*
 * Every other route that names an object, as another tenant would ask:
 * 长春's general office and inspector, and 船营's (the county asking for
 * its city's) on 吉林's reminders, recipients, feeds, evidence files,
 * 延期申请, 督办交办事项, instructions, 办结, rounds, office reports, the
 * 填报表, 通报, accounts, 考核 and plan files.  Each is not found (404)
 * or, for a plan file that names another organisation, refused (403);
 * nothing changes; lists leave 吉林's out.
 */
Test(tenants, every_other_route_keeps_to_its_tenant, .timeout = 240)
{
	enum { JLG = 0, JLO = 1, JLI = 2, CYG = 3, CYO = 4, CCG = 5, CCI = 6 };
	struct site	 s;
	char		*task, *ms, *tg, *office, *before, *after, *body, *path;
	long		 recipient, feed, ext, jb, instr, round, bulletin, file, reminder;
	long		 cround, cxcopy;
	size_t		 k;
	static const size_t others[] = { CCG, CCI, CYG };
	char		 yaml[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
	char		*plan, *png;
	size_t		 planlen, pnglen;

	site_start_at(&s, "2012-09-20T09:00+08:00");
	/* A task 人事处 leads, a milestone of it still open, and a target. */
	task = t_query(s.c, "SELECT min(t.id) FROM task t JOIN plan p ON p.id = t.plan_id"
	    " JOIN task_lead l ON l.task_id = t.id JOIN office o ON o.id = l.office_id"
	    " WHERE p.key = 'jilin-2012' AND o.name = '人事处'"
	    " AND EXISTS (SELECT 1 FROM milestone m WHERE m.task_id = t.id AND m.due_on > '2012-09-20')"
	    " AND EXISTS (SELECT 1 FROM target g WHERE g.task_id = t.id)", 0, NULL);
	cr_assert_not_null(task, "人事处 leads a task of 吉林 with an open milestone");
	ms = t_query(s.c, "SELECT min(id) FROM milestone WHERE task_id = $1::bigint"
	    " AND due_on > '2012-09-20'", 1, (const char *[]){ task });
	tg = t_query(s.c, "SELECT min(id) FROM target WHERE task_id = $1::bigint", 1,
	    (const char *[]){ task });
	office = t_query(s.c, "SELECT o.id FROM office o JOIN organisation g ON g.id = o.org_id"
	    " WHERE o.name = '人事处' AND g.name = '吉林市教育局'", 0, NULL);

	/* 吉林 makes one of each (its own, within its reach). */
	path = xprintf("/api/v1/offices/%s/recipients", office);
	recipient = make(&s, JLG, "POST", path,
	    "{\"channel\":\"email\",\"address\":\"renshi@jledu.gov.cn\"}");
	free(path);
	path = xprintf("/api/v1/offices/%s/feeds", office);
	feed = make(&s, JLG, "POST", path, "{\"label\":\"人事处日历\"}");
	free(path);
	path = xprintf("/api/v1/milestones/%s/extensions", ms);
	ext = make(&s, JLO, "POST", path, "{\"new_date\":\"2012-10-31\",\"reason\":\"待财政拨款\"}");
	free(path);
	jb = make(&s, JLG, "POST", "/api/v1/jiaoban", "{\"title\":\"排查校舍安全隐患\","
	    "\"basis_kind\":\"instruction\",\"basis\":\"局长批示\",\"text\":\"建立台账，限期整改。\","
	    "\"lead_office\":\"人事处\",\"lead_person\":\"张明\",\"deadline\":\"2012-11-30\","
	    "\"report_every\":\"month\"}");
	path = xprintf("/api/v1/tasks/%s/instructions", task);
	instr = make(&s, JLG, "POST", path, "{\"text\":\"请加快进度\"}");
	free(path);
	round = make(&s, JLG, "POST", "/api/v1/dispatches",
	    "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-10-15\",\"title\":\"九月调度\"}");
	/* A 通报 needs a round that is over: an earlier one, closed. */
	path = xprintf("/api/v1/dispatches/%ld/close", round);
	make(&s, JLG, "POST", path, "{}");
	free(path);
	body = xprintf("{\"round\":%ld}", round);
	bulletin = make(&s, JLG, "POST", "/api/v1/bulletins", body);
	free(body);
	round = make(&s, JLG, "POST", "/api/v1/dispatches",
	    "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-10-19\",\"title\":\"十月调度\"}");
	/* A round to the counties (上级督办下级), and a copy of 昌邑's. */
	cround = make(&s, JLG, "POST", "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],"
	    "\"counties\":true,\"due_on\":\"2012-10-19\",\"title\":\"十月县区调度\"}");
	cxcopy = t_query_long(s.c, "SELECT min(k.task_id) FROM county_task k"
	    " JOIN organisation o ON o.id = k.org_id WHERE o.name = '昌邑区教育局'", 0, NULL);
	path = xprintf("/api/v1/targets/%s/files", tg);
	png = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/现场照片.png", &pnglen);
	cr_assert_eq(t_upload(s.d.url, path, s.tok[JLO], "现场照片.png", png, pnglen, NULL, NULL),
	    201);
	free(path);
	file = t_query_long(s.c, "SELECT max(id) FROM evidence_file", 0, NULL);
	reminder = t_query_long(s.c, "SELECT min(r.id) FROM reminder r JOIN plan p"
	    " ON p.id = r.plan_id WHERE p.key = 'jilin-2012'", 0, NULL);
	cr_assert(reminder > 0, "吉林 has reminders (the 11 October sweep)");

	before = t_fingerprint(s.c);
	for (k = 0; k < sizeof others / sizeof others[0]; k++) {
		size_t	 c = others[k];
		int	 general = strcmp(CALLERS[c].role, "general") == 0;
		long	 gen404 = general ? 404 : 403;

		/* Reminders and where they go. */
		probe_id(&s, c, "GET", "/api/v1/reminders/%ld", reminder, NULL, 404);
		probe_id(&s, c, "POST", "/api/v1/reminders/%ld/retry", reminder, NULL, gen404);
		probe_id(&s, c, "GET", "/api/v1/offices/%ld/recipients", atol(office), NULL, gen404);
		probe_id(&s, c, "POST", "/api/v1/offices/%ld/recipients", atol(office),
		    "{\"channel\":\"email\",\"address\":\"x@cc.gov.cn\"}", gen404);
		probe_id(&s, c, "DELETE", "/api/v1/recipients/%ld", recipient, NULL, gen404);
		/* Calendar feeds. */
		probe_id(&s, c, "POST", "/api/v1/offices/%ld/feeds", atol(office),
		    "{\"label\":\"x\"}", gen404);
		probe_id(&s, c, "DELETE", "/api/v1/feeds/%ld", feed, NULL, gen404);
		/* Evidence files. */
		probe_id(&s, c, "GET", "/api/v1/files/%ld", file, NULL, 404);
		probe_id(&s, c, "GET", "/api/v1/tasks/%ld/files", atol(task), NULL, 404);
		/* 延期, 交办, 批示, 办结. */
		probe_id(&s, c, "POST", "/api/v1/extensions/%ld/approve", ext,
		    "{\"reason\":\"同意\"}", gen404);
		probe_id(&s, c, "POST", "/api/v1/extensions/%ld/reject", ext,
		    "{\"reason\":\"不同意\"}", gen404);
		probe_id(&s, c, "PATCH", "/api/v1/jiaoban/%ld", jb, "{\"title\":\"改名\"}", gen404);
		probe_id(&s, c, "POST", "/api/v1/jiaoban/%ld/withdraw", jb,
		    "{\"reason\":\"撤回\"}", gen404);
		probe_id(&s, c, "POST", "/api/v1/tasks/%ld/instructions", atol(task),
		    "{\"text\":\"越权批示\"}", 404);
		probe_id(&s, c, "POST", "/api/v1/tasks/%ld/completion/approve", atol(task), "{}",
		    gen404);
		probe_id(&s, c, "POST", "/api/v1/tasks/%ld/completion/return", atol(task),
		    "{\"reason\":\"退回\"}", gen404);
		/* The round, office reports and the 填报表. */
		probe_id(&s, c, "POST", "/api/v1/dispatches/%ld/close", round, "{}", gen404);
		probe_id(&s, c, "POST", "/api/v1/dispatches/%ld/offices/人事处/accept", round,
		    "{}", gen404);
		probe_id(&s, c, "POST", "/api/v1/dispatches/%ld/offices/人事处/urge", round,
		    "{}", gen404);
		probe(&s, c, "GET", "/api/v1/offices/财务审计处/report", NULL, 404);
		probe(&s, c, "GET", "/api/v1/offices/财务审计处/report/rows", NULL, 404);
		probe(&s, c, "GET", "/api/v1/offices/财务审计处/report.xlsx", NULL, 404);
		probe(&s, c, "POST", "/api/v1/offices/财务审计处/report/accept", "{}", gen404);
		/* 上级督办下级: 催办 of a county (the county itself may not), a
		 * county's 承办科室 (not on 吉林's task nor on 昌邑's copy). */
		probe_id(&s, c, "POST", "/api/v1/dispatches/%ld/counties/船营区教育局/chase",
		    cround, NULL, c == CYG ? 403 : 404);
		probe_id(&s, c, "PUT", "/api/v1/tasks/%ld/county-office", atol(task),
		    "{\"office\":\"基础教育科\"}", gen404);
		probe_id(&s, c, "PUT", "/api/v1/tasks/%ld/county-office", cxcopy,
		    "{\"office\":\"基础教育科\"}", gen404);
		/* 通报. */
		probe_id(&s, c, "GET", "/api/v1/bulletins/%ld", bulletin, NULL, 404);
		probe_id(&s, c, "PATCH", "/api/v1/bulletins/%ld", bulletin,
		    "{\"version\":1,\"requirements\":\"x\"}", gen404);
		probe_id(&s, c, "POST", "/api/v1/bulletins/%ld/issue", bulletin,
		    "{\"version\":1}", gen404);
		/* The plan as a 任务分解表. */
		probe(&s, c, "GET", "/api/v1/plans/jilin-2012/export.xlsx", NULL, 404);
		/* Accounts of 吉林. */
		probe(&s, c, "POST", "/api/v1/users/jlclerk/disable", NULL, general ? 404 : 403);
		probe(&s, c, "POST", "/api/v1/users/jlclerk/password", NULL, general ? 404 : 403);
		probe(&s, c, "POST", "/api/v1/users", "{\"login\":\"intruder\",\"name\":\"外人\","
		    "\"office\":\"财务审计处\",\"role\":\"clerk\"}", general ? 404 : 403);
		/* 考核 points for 吉林's office. */
		probe(&s, c, "POST", "/api/v1/assess/grades",
		    "{\"year\":2012,\"office\":\"财务审计处\",\"points\":20}", gen404);

		/* Lists leave 吉林's out. */
		cr_expect(!lists(&s, c, "/api/v1/reminders", "人事处"), "%s: reminders",
		    CALLERS[c].name);
		if (general)
			cr_expect(!lists(&s, c, "/api/v1/feeds", "人事处日历"), "%s: feeds",
			    CALLERS[c].name);
		cr_expect(!lists(&s, c, "/api/v1/todo", "请加快进度"), "%s: 待办",
		    CALLERS[c].name);
		cr_expect(!lists(&s, c, "/api/v1/extensions", "待财政拨款"), "%s: 延期",
		    CALLERS[c].name);
		cr_expect(!lists(&s, c, "/api/v1/jiaoban?year=2012", "排查校舍安全隐患"),
		    "%s: 交办", CALLERS[c].name);
		cr_expect(!lists(&s, c, "/api/v1/bulletins", "九月调度"), "%s: 通报",
		    CALLERS[c].name);
	}
	/* Offices of the county on the city's tasks and files. */
	probe_id(&s, CYO, "POST", "/api/v1/tasks/%ld/acknowledge", atol(task), "{}", 404);
	probe_id(&s, CYO, "POST", "/api/v1/instructions/%ld/read", instr, "{}", 404);
	probe_id(&s, CYO, "POST", "/api/v1/tasks/%ld/completion", atol(task),
	    "{\"note\":\"越权办结\"}", 404);
	probe_id(&s, CYO, "POST", "/api/v1/milestones/%ld/extensions", atol(ms),
	    "{\"new_date\":\"2012-10-31\",\"reason\":\"越权\"}", 404);
	probe_id(&s, CYO, "DELETE", "/api/v1/files/%ld", file, NULL, 404);
	probe_id(&s, CYO, "POST", "/api/v1/dispatches/%ld/offices/人事处/submit", round, "{}",
	    404);
	probe_id(&s, CYO, "POST", "/api/v1/dispatches/%ld/counties/船营区教育局/chase", cround,
	    NULL, 403);
	probe_id(&s, CYO, "PUT", "/api/v1/tasks/%ld/county-office", cxcopy,
	    "{\"office\":\"基础教育科\"}", 403);
	probe(&s, CYO, "PUT", "/api/v1/offices/财务审计处/report", "{\"rows\":[]}", 404);
	probe(&s, CYO, "POST", "/api/v1/offices/财务审计处/report/submit", "{}", 404);
	probe_id(&s, CYO, "POST", "/api/v1/duban-notices/%ld/acknowledge", atol(s.notice[JL]),
	    "{\"note\":\"收到\"}", 404);
	path = xprintf("/api/v1/targets/%s/files", tg);
	cr_expect_eq(t_upload(s.d.url, path, s.tok[CYO], "现场照片.png", png, pnglen, NULL, NULL),
	    404, "船营 uploads to 吉林's target");
	free(path);
	path = xprintf("/api/v1/progress/%ld/files", t_query_long(s.c, "SELECT max(h.id)"
	    " FROM progress h JOIN plan p ON p.id = h.plan_id WHERE p.key = 'jilin-2012'"
	    " AND (h.target_id IS NOT NULL OR h.milestone_id IS NOT NULL)", 0, NULL));
	cr_expect_eq(t_upload(s.d.url, path, s.tok[CYO], "现场照片.png", png, pnglen, NULL, NULL),
	    404, "船营 uploads to 吉林's history");
	cells_checked += 2;
	free(path);
	free(png);
	/* A plan file of 吉林, uploaded by 长春's general office. */
	plan = t_read_file(yaml, &planlen);
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/preview", s.tok[CCG], "jilin-2012.yaml",
	    plan, planlen, NULL, NULL), 403, "长春 previews 吉林's plan");
	cr_expect_eq(t_upload(s.d.url, "/api/v1/plans/load", s.tok[CCG], "jilin-2012.yaml",
	    plan, planlen, NULL, NULL), 403, "长春 loads 吉林's plan");
	free(plan);

	after = t_fingerprint(s.c);
	cr_expect_str_eq(after, before, "nothing another tenant asked changed anything");
	/* 吉林's own still sees its own. */
	cr_expect(lists(&s, JLG, "/api/v1/extensions", "待财政拨款"), "吉林 sees its 延期");
	cr_expect(lists(&s, JLG, "/api/v1/feeds", "人事处日历"), "吉林 sees its feed");
	cr_log_info("other routes: %zu cells", cells_checked);
	free(before);
	free(after);
	free(task);
	free(ms);
	free(tg);
	free(office);
	site_stop(&s);
}
