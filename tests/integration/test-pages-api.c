/*
 * What the pages take from duband rather than work out themselves: the
 * pace of a target (time_elapsed, state) and of a task (avg_completion,
 * time_elapsed, completion_state), in a task, the task list, a plan and
 * the overview, each the number duban_time_elapsed gives; and the frame
 * the pages share, put into each page when duband loads them.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		json_number_value(json_object_get((o), (k)))
#define TODAY		"2012-09-20"

static char		*db, *general, *office;
static PGconn		*conn;
static struct t_daemon	 d;

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "general", NULL, NULL, NULL, "general" },
	{ "office", NULL, NULL, "财务审计处", "office" },
};

/* The snapshot every test copies: the plan loaded, the tokens kept. */
static const char *const LOAD[] = { "plan", "load", DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml", NULL };
static struct t_setup SETUP = { { LOAD }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

static void
setup(void)
{
	static const char *const env[] = { "DUBAN_NOW=" TODAY "T09:00+08:00", NULL };
	const char	*args[] = { "--web", DUBAN_SOURCE_DIR "/daemon/web", NULL };

	db = t_db_snapshot("pages_api", t_setup_build, &SETUP);
	conn = t_connect(db);
	general = t_kept(db, "general");
	office = t_kept(db, "office");
	t_daemon_start(&d, db, args, env);
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

TestSuite(pages_api, .init = setup, .fini = teardown, .timeout = 120);

/* A GET (or a write with a body) answered 200 with JSON: the JSON. */
static json_t *
call(const char *method, const char *path, const char *token, const char *body)
{
	struct t_http	 h;
	json_error_t	 e;
	json_t		*j;
	char		*url = xprintf("%s%s", d.url, path);

	t_http(&h, method, url, token, body, body ? "Content-Type: application/json" : NULL);
	cr_assert_eq(h.status, 200, "%s %s: %ld %s", method, path, h.status, h.body);
	if ((j = json_loads(h.body, 0, &e)) == NULL)
		t_fatal("%s: %s: %s", path, e.text, h.body);
	t_http_free(&h);
	free(url);
	return (j);
}

/* A number from SQL, as the JSON carries it (NAN for NULL). */
static double
sql_number(const char *sql, const char *param)
{
	const char	*params[1] = { param };
	char		*v = t_query(conn, sql, param ? 1 : 0, params);
	double		 x = v ? strtod(v, NULL) : NAN;

	free(v);
	return (x);
}

static long
id_of(const char *sql)
{
	return (t_query_long(conn, sql, 0, NULL));
}

/* A target's id in Jilin 2012 project 1. */
static long
target1(const char *key)
{
	const char	*params[1] = { key };

	return (t_query_long(conn, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = $1", 1, params));
}

/* The rule the pages show, as the header of 20-status.sql states it:
 * 滞后 is judged on reported values only. */
static const char *
pace_state(const json_t *completion, double elapsed, int reported)
{
	double	c;

	if (!reported)
		return ("unreported");
	if (!json_is_number(completion))
		return ("unmeasured");
	c = json_number_value(completion);
	if (c >= 1)
		return ("done");
	if (c < elapsed)
		return ("behind");
	return ("on_track");
}

/* Whether a target accumulates (has a completion once reported): not a
 * standard, not an upper bound, above its baseline. */
static int
accumulates(const json_t *g)
{
	const char	*q = S(g, "qualifier");
	double		 b = json_is_number(json_object_get(g, "baseline")) ?
	    json_number_value(json_object_get(g, "baseline")) : 0;

	return (strcmp(S(g, "kind"), "rate") != 0 && (q == NULL || strcmp(q, "at_most") != 0) &&
	    json_number_value(json_object_get(g, "value")) > b);
}

static void
expect_number(const json_t *v, double want, const char *what)
{
	cr_expect(json_is_number(v), "%s: not a number", what);
	cr_expect(fabs(json_number_value(v) - want) < 1e-12, "%s: %.17g, want %.17g", what,
	    json_number_value(v), want);
}

static void
patch_target(long id, const char *body, const char *want_state)
{
	char	*path = xprintf("/api/v1/targets/%ld", id);
	json_t	*j = call("PATCH", path, office, body);

	/* The answer to a write carries the pace too: the page redraws from it. */
	cr_expect_str_eq(S(j, "state"), want_state, "%s", body);
	expect_number(json_object_get(j, "time_elapsed"),
	    sql_number("SELECT duban_time_elapsed(2012, '2012-12-31', '" TODAY "')", NULL),
	    "time_elapsed of a write's answer");
	json_decref(j);
	free(path);
}

Test(pages_api, a_target_carries_the_share_of_its_time_gone_and_its_state)
{
	long		 task = id_of("SELECT id FROM task WHERE key = '1'");
	char		*path = xprintf("/api/v1/tasks/%ld", task);
	json_t		*t, *g;
	size_t		 i;
	const char	*sql = "SELECT duban_time_elapsed(p.year, coalesce(g.deadline, t.deadline),"
	    " '" TODAY "') FROM target g JOIN task t ON t.id = g.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE g.id = $1::bigint";

	patch_target(target1("hs-students"), "{\"current\":7200}", "on_track");
	patch_target(target1("hs-funds"), "{\"current\":1200}", "done");
	patch_target(target1("hs-grant"), "{\"current\":1500}", "unmeasured");

	t = call("GET", path, general, NULL);
	cr_assert_eq(json_array_size(json_object_get(t, "targets")), 12);
	json_array_foreach(json_object_get(t, "targets"), i, g) {
		char	 id[24];
		double	 want;

		snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(g, "id")));
		want = sql_number(sql, id);
		expect_number(json_object_get(g, "time_elapsed"), want, S(g, "key"));
		cr_expect_str_eq(S(g, "state"), pace_state(json_object_get(g, "completion"), want,
		    json_is_number(json_object_get(g, "current"))), "%s", S(g, "key"));
		if (strcmp(S(g, "key"), "hs-students") == 0)
			cr_expect_str_eq(S(g, "state"), "on_track");
		else if (strcmp(S(g, "key"), "hs-funds") == 0)
			cr_expect_str_eq(S(g, "state"), "done");
		else if (strcmp(S(g, "key"), "hs-grant") == 0)
			cr_expect_str_eq(S(g, "state"), "unmeasured", "a standard (1500 元/年/生)");
		else if (strcmp(S(g, "key"), "hs-coverage") == 0) {
			/* Nothing reported by 20 September: 未填报, not 0% and
			 * 滞后 (which it was when nothing counted as 0). */
			cr_expect_str_eq(S(g, "state"), "unreported");
			cr_expect(json_is_null(json_object_get(g, "completion")));
		} else if (strcmp(S(g, "key"), "vs-grant") == 0)
			cr_expect_str_eq(S(g, "state"), "unreported", "a standard not reported");
	}
	cr_expect(json_is_true(json_object_get(t, "may_edit")));
	json_decref(t);
	free(path);
}

Test(pages_api, the_states_in_sql)
{
	/* completion (NULL: none), share of time gone, reported. */
	static const struct {
		const char	*completion, *elapsed, *reported, *want;
	} cases[] = {
		{ NULL, "0.5", "true", "unmeasured" },
		{ "1", "0.5", "true", "done" },
		{ "1.2", "1", "true", "done" },
		{ "0.2", "0.5", "true", "behind" },
		{ "0", "0.5", "true", "behind" },
		/* Not reported: 未填报, never 滞后 (this was behind). */
		{ "0", "0.5", "false", "unreported" },
		{ NULL, "0.5", "false", "unreported" },
		{ "0", "0", "false", "unreported" },
		{ "0.5", "0.5", "true", "on_track" },
	};
	size_t	 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char	*params[3] = { cases[i].completion, cases[i].elapsed,
		    cases[i].reported };

		EXPECT_STR(t_query(conn, "SELECT duban_pace_state($1::numeric, $2::numeric,"
		    " $3::boolean)", 3, params), cases[i].want);
	}
	/* A figure not yet reported is just that, whatever the date; it
	 * has no completion (not 0%). */
	EXPECT_STR(t_query(conn, "SELECT duban_target_state(g, '2012-12-01') FROM target g"
	    " JOIN task t ON t.id = g.task_id WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL),
	    "unreported");
	EXPECT_STR(t_query(conn, "SELECT coalesce(duban_target_completion(g)::text, 'null')"
	    " FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL), "null");
	EXPECT_STR(t_query(conn, "SELECT duban_target_state(g, '2012-01-01') FROM target g"
	    " JOIN task t ON t.id = g.task_id WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL),
	    "unreported");
	EXPECT_STR(t_query(conn, "SELECT duban_target_elapsed(g, '2012-01-01') FROM target g"
	    " JOIN task t ON t.id = g.task_id WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL),
	    "0");
}

/* A task's average: its own targets that have a completion (those that
 * accumulate and are reported). */
static json_t *
average_of(const json_t *targets)
{
	const json_t	*g;
	double		 sum = 0;
	size_t		 i, n = 0;

	json_array_foreach(targets, i, g)
		if (json_is_number(json_object_get(g, "completion"))) {
			sum += json_number_value(json_object_get(g, "completion"));
			n++;
		}
	return (n ? json_real(sum / (double)n) : json_null());
}

static const json_t *
by_id(const json_t *a, json_int_t id)
{
	const json_t	*x;
	size_t		 i;

	json_array_foreach(a, i, x)
		if (json_integer_value(json_object_get(x, "id")) == id)
			return (x);
	return (NULL);
}

static void
expect_same_pace(const json_t *a, const json_t *b, const char *where)
{
	static const char *const keys[] = { "avg_completion", "time_elapsed", NULL };
	int		 i;

	for (i = 0; keys[i] != NULL; i++) {
		const json_t *x = json_object_get(a, keys[i]), *y = json_object_get(b, keys[i]);

		cr_expect(json_is_null(x) ? json_is_null(y) :
		    json_is_number(y) && fabs(json_number_value(x) - json_number_value(y)) < 1e-9,
		    "%s: %s of task %s differs", where, keys[i], S(a, "number"));
	}
	cr_expect_str_eq(S(a, "completion_state"), S(b, "completion_state"), "%s: task %s",
	    where, S(a, "number"));
}

Test(pages_api, a_task_in_a_list_carries_its_pace_and_the_overview_the_same)
{
	json_t		*list, *ov, *plan, *avg;
	const json_t	*t;
	size_t		 i;
	int		 measured = 0;

	patch_target(target1("hs-students"), "{\"current\":7200}", "on_track");
	list = call("GET", "/api/v1/tasks?plan=jilin-2012", general, NULL);
	ov = call("GET", "/api/v1/overview", general, NULL);
	plan = call("GET", "/api/v1/plans/jilin-2012", general, NULL);
	cr_assert_eq(json_array_size(list), 12);
	json_array_foreach(list, i, t) {
		json_int_t	 id = json_integer_value(json_object_get(t, "id"));
		const json_t	*o = by_id(json_object_get(ov, "tasks"), id);
		const json_t	*p = by_id(json_object_get(plan, "tasks"), id);
		const json_t	*g;
		size_t		 k;
		double		 elapsed;
		long long	 nmeasured = 0, nreported = 0;
		const char	*want;

		elapsed = sql_number("SELECT duban_time_elapsed(2012, $1::date, '" TODAY "')",
		    S(t, "deadline"));
		expect_number(json_object_get(t, "time_elapsed"), elapsed, S(t, "number"));
		avg = average_of(json_object_get(t, "targets"));
		if (json_is_null(avg))
			cr_expect(json_is_null(json_object_get(t, "avg_completion")), "task %s",
			    S(t, "number"));
		else {
			expect_number(json_object_get(t, "avg_completion"), json_real_value(avg),
			    S(t, "number"));
			measured++;
		}
		json_array_foreach(json_object_get(t, "targets"), k, g) {
			if (accumulates(g)) {
				nmeasured++;
				if (json_is_number(json_object_get(g, "current")))
					nreported++;
			}
			cr_expect(json_is_string(json_object_get(g, "state")), "task %s", S(t, "number"));
		}
		/* The average says what it is over: 已填报 reported/measured. */
		cr_expect_eq(N(t, "targets_measured"), nmeasured, "task %s", S(t, "number"));
		cr_expect_eq(N(t, "targets_reported"), nreported, "task %s", S(t, "number"));
		want = strcmp(S(t, "status"), "done") == 0 ? "done" :
		    nmeasured == 0 ? "unmeasured" : nreported == 0 ? "unreported" :
		    pace_state(avg, elapsed, 1);
		cr_expect_str_eq(S(t, "completion_state"), want, "task %s", S(t, "number"));
		json_decref(avg);

		cr_assert_not_null(o, "task %s is not in the overview", S(t, "number"));
		expect_same_pace(t, o, "overview");
		cr_assert_not_null(p, "task %s is not in the plan", S(t, "number"));
		expect_same_pace(t, p, "plan");
	}
	cr_expect(measured > 0);
	/* Project 1: 7,200 of 8,000, the one of its ten accumulating figures
	 * reported, on pace; the nine unreported neither count as 0 nor
	 * make it 滞后 (they did). */
	t = by_id(list, id_of("SELECT id FROM task WHERE key = '1'"));
	expect_number(json_object_get(t, "avg_completion"), 0.9, "task 1's average");
	cr_expect_eq(N(t, "targets_reported"), 1);
	cr_expect_eq(N(t, "targets_measured"), 10);
	cr_expect_str_eq(S(t, "completion_state"), "on_track");
	cr_expect_str_eq(S(t, "status"), "on_track");
	json_decref(plan);
	json_decref(ov);
	json_decref(list);
}

/* ---------------------------------------------------------------- frame */

static int
count(const char *hay, const char *needle)
{
	int	 n = 0;

	for (hay = strstr(hay, needle); hay != NULL; hay = strstr(hay + 1, needle))
		n++;
	return (n);
}

static char *
page(const char *url_base, const char *path, long want_status)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", url_base, path), *body;

	t_http(&h, "GET", url, NULL, NULL, NULL);
	cr_expect_eq(h.status, want_status, "%s: %ld", path, h.status);
	body = xstrdup(h.body ? h.body : "");
	t_http_free(&h);
	free(url);
	return (body);
}

Test(pages_api, every_page_is_served_with_the_frame_and_itself_marked)
{
	static const struct {
		const char	*path, *link;
	} pages[] = {
		{ "/", "<a href=\"index.html\" aria-current=\"page\">总览</a>" },
		{ "/index.html", "<a href=\"index.html\" aria-current=\"page\">总览</a>" },
		{ "/mine.html", "<a href=\"mine.html\" aria-current=\"page\">我的任务</a>" },
		{ "/dispatch.html", "<a href=\"dispatch.html\" aria-current=\"page\">调度</a>" },
		{ "/reports.html", "<a href=\"reports.html\" aria-current=\"page\">报告</a>" },
		{ "/users.html", "<a href=\"users.html\" aria-current=\"page\">账号管理</a>" },
		{ "/task.html", NULL },
	};
	size_t	 i;
	char	*b;

	for (i = 0; i < sizeof pages / sizeof pages[0]; i++) {
		b = page(d.url, pages[i].path, 200);
		cr_expect(strncmp(b, "<!DOCTYPE html>", 15) == 0, "%s", pages[i].path);
		cr_expect_eq(count(b, "<meta charset=\"utf-8\">"), 1, "%s", pages[i].path);
		cr_expect_eq(count(b, "<header"), 1, "%s", pages[i].path);
		cr_expect_eq(count(b, "<nav class=\"nav\" aria-label=\"主导航\">"), 1, "%s", pages[i].path);
		cr_expect_eq(count(b, "<footer"), 1, "%s", pages[i].path);
		cr_expect_eq(count(b, "<!--#"), 0, "%s: a marker left", pages[i].path);
		/* Only the page itself is marked (任务详情 by its crumbs only). */
		cr_expect_eq(count(b, "aria-current"), 1, "%s", pages[i].path);
		if (pages[i].link != NULL)
			cr_expect(strstr(b, pages[i].link) != NULL, "%s", b);
		else
			cr_expect(strstr(b, "<span aria-current=\"page\" id=\"crumb\">") != NULL, "%s", b);
		free(b);
	}
	b = page(d.url, "/login.html", 200);
	cr_expect_eq(count(b, "<header"), 1);
	cr_expect_eq(count(b, "<nav"), 0, "the login page has no navigation");
	cr_expect_eq(count(b, "<!--#"), 0);
	free(b);
	free(page(d.url, "/frame.html", 404));
}

Test(pages_api, a_frame_part_a_page_names_must_exist_and_a_bad_reload_keeps_the_pages)
{
	static const char frame[] =
	    "<!-- how the parts go -->\n"
	    "<!--#part top -->\n"
	    "<nav><a class=\"brand\" href=\"a.html\">x</a> <a href=\"a.html\">A</a> "
	    "<a href=\"b.html\">B</a></nav>\n\n"
	    "<!--#part end-->\n"
	    "<footer>f</footer>\n";
	static const char a[] = "<!DOCTYPE html>\n<body>\n<!--#frame top-->\n<main>a</main>\n"
	    "<!--#frame end-->\n</body>\n";
	static const char bad[] = "<!DOCTYPE html>\n<!--#frame nope-->\n";
	const char	*dir = t_tmpdir();
	char		*path, *b, *log;
	const char	*args[] = { "--web", dir, NULL };
	struct t_daemon	 w;

	path = xprintf("%s/frame.html", dir);
	t_write_file(path, frame, sizeof frame - 1);
	free(path);
	path = xprintf("%s/a.html", dir);
	t_write_file(path, a, sizeof a - 1);
	free(path);
	t_daemon_start(&w, db, args, NULL);
	b = page(w.url, "/a.html", 200);
	cr_expect_str_eq(b, "<!DOCTYPE html>\n<body>\n"
	    "<nav><a class=\"brand\" href=\"a.html\">x</a> <a href=\"a.html\" aria-current=\"page\">A</a> "
	    "<a href=\"b.html\">B</a></nav>\n<main>a</main>\n<footer>f</footer>\n</body>\n");
	free(b);

	/* A page naming a part there is not: the reload is refused, the pages stay. */
	path = xprintf("%s/b.html", dir);
	t_write_file(path, bad, sizeof bad - 1);
	free(path);
	t_daemon_kill(&w, SIGHUP);
	t_daemon_wait_notify(&w, "RELOADING=1");
	t_daemon_wait_notify(&w, "READY=1");
	log = t_daemon_log(&w);
	cr_expect(strstr(log, "网页未重新读入") != NULL && strstr(log, "nope") != NULL, "%s", log);
	free(log);
	free(page(w.url, "/a.html", 200));
	free(page(w.url, "/b.html", 404));
	t_daemon_stop(&w);
}
