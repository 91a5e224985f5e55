/*
 * Steps of the 督办 cycle: 签收 of tasks a plan assigns, reminders to
 * 签收 through the outbox, 批示 by leaders and the general office, and
 * each office's 待办.  Real duband, real PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define JSON	"Content-Type: application/json"

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*finance, *personnel, *general, *inspector;
	long		 task1;
};

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "finance", NULL, NULL, "财务审计处", "office" },
	{ "personnel", NULL, NULL, "人事处", "office" },
	{ "general", NULL, NULL, NULL, "general" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
};

/* The snapshot every site copies: Jilin 2012 loaded on 20 February 2012
 * (a Monday), the tokens kept. */
static void
site_build(const char *db, void *arg)
{
	const char	*load[] = { "plan", "load", JILIN, NULL };

	(void)arg;
	setenv("DUBAN_NOW", "2012-02-20T09:00+08:00", 1);
	t_cli_ok(db, load);
	unsetenv("DUBAN_NOW");
	t_keep_who(db, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0]);
}

/* Jilin 2012 loaded on 20 February 2012; duband at now. */
static void
site_start(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	s->db = t_db_snapshot("workflow", site_build, NULL);
	s->finance = t_kept(s->db, "finance");
	s->personnel = t_kept(s->db, "personnel");
	s->general = t_kept(s->db, "general");
	s->inspector = t_kept(s->db, "inspector");
	t_daemon_start(&s->d, s->db, NULL, env);
	s->c = t_connect(s->db);
	s->task1 = t_query_long(s->c, "SELECT id FROM task WHERE key = '1'", 0, NULL);
	free(env_now);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->finance);
	free(s->personnel);
	free(s->general);
	free(s->inspector);
	free(s->db);
}

/* A request to the site's duband (t_call). */
#define call(s, ...)	t_call(&(s)->d, __VA_ARGS__)

/* How many items of a kind the 待办 of a token holds. */
static long
todo_count(struct site *s, const char *token, const char *kind)
{
	json_t	*j, *it;
	size_t	 i;
	long	 n = 0;

	cr_assert_eq(call(s, "GET", "/api/v1/todo", token, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "items"), i, it)
		if (strcmp(S(it, "kind"), kind) == 0)
			n++;
	json_decref(j);
	return (n);
}

Test(workflow, a_loaded_plan_is_signed_for_by_the_offices_it_assigns, .timeout = 120)
{
	struct site	 s;
	json_t		*j, *it;
	char		*path, *fp;
	long		 before;
	size_t		 i;
	int		 found = 0;

	site_start(&s, "2012-02-21T09:00+08:00");
	/* Assigned at the loader's clock, to the lead and responsible offices. */
	EXPECT_STR(t_query(s.c, "SELECT string_agg(o.name, '、' ORDER BY o.name)"
	    " FROM assignment a JOIN office o ON o.id = a.office_id WHERE a.task_id = $1::bigint",
	    1, (const char *[]){ "1" }), "基础教育处、职业与成人教育处、财务审计处");
	EXPECT_STR(t_query(s.c, "SELECT DISTINCT to_char(assigned_at AT TIME ZONE"
	    " 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') FROM assignment", 0, NULL), "2012-02-20 09:00");

	/* 财务审计处's 待办: its tasks to 签收. */
	before = todo_count(&s, s.finance, "acknowledge");
	cr_expect(before >= 1, "%ld", before);

	/* Refusals change nothing. */
	path = xprintf("/api/v1/tasks/%ld/acknowledge", s.task1);
	fp = t_fingerprint(s.c);
	cr_expect_eq(call(&s, "POST", path, NULL, NULL, NULL), 401);
	cr_expect_eq(call(&s, "POST", path, s.inspector, NULL, NULL), 403);
	cr_expect_eq(call(&s, "POST", path, s.general, NULL, &j), 403);
	cr_expect(strstr(S(j, "detail"), "承办处室") != NULL, "%s", S(j, "detail"));
	json_decref(j);
	cr_expect_eq(call(&s, "POST", path, s.personnel, NULL, &j), 403);
	cr_expect(strstr(S(j, "detail"), "不是这项任务的牵头或责任处室") != NULL, "%s",
	    S(j, "detail"));
	json_decref(j);
	cr_expect_eq(call(&s, "POST", "/api/v1/tasks/999999/acknowledge", s.finance, NULL,
	    NULL), 404);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	/* The lead office signs; again is no error, and the first stands. */
	cr_expect_eq(call(&s, "POST", path, s.finance, NULL, &j), 201);
	cr_expect_str_eq(S(j, "office"), "财务审计处");
	cr_expect_str_eq(S(j, "acknowledged_by"), "财务审计处");
	json_decref(j);
	cr_expect_eq(call(&s, "POST", path, s.finance, NULL, NULL), 200);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM progress WHERE field = 'acknowledged'"
	    " AND source = 'workflow'", 0, NULL), 1);
	cr_expect_eq(todo_count(&s, s.finance, "acknowledge"), before - 1);

	/* The task says who signed, and the history has it. */
	free(path);
	path = xprintf("/api/v1/tasks/%ld", s.task1);
	cr_expect_eq(call(&s, "GET", path, s.inspector, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "assignments"), i, it)
		if (strcmp(S(it, "office"), "财务审计处") == 0) {
			found = 1;
			cr_expect(json_is_true(json_object_get(it, "lead")));
			cr_expect(json_is_string(json_object_get(it, "acknowledged_at")));
		} else
			cr_expect(json_is_null(json_object_get(it, "acknowledged_at")), "%s",
			    S(it, "office"));
	cr_expect(found);
	json_decref(j);
	free(path);
	site_stop(&s);
}

Test(workflow, signing_is_not_reporting_in_a_round, .timeout = 120)
{
	struct site	 s;
	json_t		*j, *it;
	char		*path;
	size_t		 i;

	site_start(&s, "2012-02-21T09:00+08:00");
	cr_assert_eq(call(&s, "POST", "/api/v1/dispatches", s.general,
	    "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-02-24\",\"title\":\"二月调度\"}",
	    &j), 201);
	path = xprintf("/api/v1/dispatches/%lld", (long long)json_integer_value(
	    json_object_get(j, "id")));
	json_decref(j);
	{
		char	*ack = xprintf("/api/v1/tasks/%ld/acknowledge", s.task1);

		cr_expect_eq(call(&s, "POST", ack, s.finance, NULL, NULL), 201);
		free(ack);
	}
	cr_expect_eq(call(&s, "GET", path, s.general, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "offices"), i, it)
		if (strcmp(S(it, "name"), "财务审计处") == 0)
			cr_expect_str_eq(S(it, "state"), "pending", "a 签收 is no report");
	json_decref(j);
	/* And the round stands in the office's 待办 with its date. */
	cr_expect_eq(call(&s, "GET", "/api/v1/todo", s.finance, NULL, &j), 200);
	it = json_array_get(json_object_get(j, "items"), 0);
	cr_expect_str_eq(S(it, "kind"), "dispatch");
	cr_expect_str_eq(S(it, "due_on"), "2012-02-24");
	json_decref(j);
	free(path);
	site_stop(&s);
}

/* What the sweep of a day put in the outbox, by kind and office. */
static char *
swept(struct site *s, const char *day)
{
	const char	*sweep[] = { "reminder", "sweep", "--date", day, NULL };
	struct t_run	 r;

	t_cli(&r, s->db, sweep);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	return (t_query(s->c, "SELECT coalesce(string_agg(r.kind || ' ' || o.name || ' '"
	    " || json_array_length(r.payload->'tasks'), '；' ORDER BY r.kind, o.name), '')"
	    " FROM reminder r JOIN office o ON o.id = r.office_id"
	    " WHERE r.kind LIKE 'acknowledge%' AND r.send_on = $1::date", 1,
	    (const char *[]){ day }));
}

Test(workflow, unsigned_tasks_remind_the_office_then_the_general_office, .timeout = 120)
{
	struct site	 s;
	char		*path, *subject, *finance_n;

	site_start(&s, "2012-02-21T09:00+08:00");
	finance_n = t_query(s.c, "SELECT count(*)::text FROM assignment a JOIN office o"
	    " ON o.id = a.office_id WHERE o.name = '财务审计处'", 0, NULL);
	/* Before three working days: nothing. */
	EXPECT_STR(swept(&s, "2012-02-22"), "");
	/* 财务审计处 signs one of its tasks on the 22nd. */
	path = xprintf("/api/v1/tasks/%ld/acknowledge", s.task1);
	cr_expect_eq(call(&s, "POST", path, s.finance, NULL, NULL), 201);
	free(path);
	/* Thursday 23 February, three working days on: each office with
	 * tasks unsigned is reminded of them (财务审计处 of one fewer). */
	{
		char	*got = swept(&s, "2012-02-23");
		char	*want_part = xprintf("acknowledge 财务审计处 %ld",
		    strtol(finance_n, NULL, 10) - 1);

		cr_expect(strstr(got, want_part) != NULL, "%s", got);
		cr_expect(strstr(got, "acknowledge_late") == NULL, "%s", got);
		free(want_part);
		free(got);
	}
	subject = t_query(s.c, "SELECT subject FROM reminder WHERE kind = 'acknowledge'"
	    " AND office_id = (SELECT id FROM office WHERE name = '财务审计处')", 0, NULL);
	cr_expect(subject != NULL && strncmp(subject, "【签收提醒】财务审计处", 33) == 0, "%s",
	    subject);
	free(subject);
	/* Two working days later (Monday the 27th): the general office hears
	 * of every office still unsigned. */
	EXPECT_STR(swept(&s, "2012-02-24"), "");
	{
		char	*got = swept(&s, "2012-02-27");

		cr_expect(strstr(got, "acknowledge_late 局办公室") != NULL, "%s", got);
		free(got);
	}
	/* The general office's 待办 lists the offices late to sign. */
	t_daemon_stop(&s.d);
	{
		const char	*env[] = { "DUBAN_NOW=2012-02-27T09:00+08:00", NULL };
		json_t		*j, *it;

		t_daemon_start(&s.d, s.db, NULL, env);
		cr_expect_eq(call(&s, "GET", "/api/v1/todo", s.general, NULL, &j), 200);
		cr_expect(json_integer_value(json_object_get(j, "count")) >= 1);
		it = json_array_get(json_object_get(j, "items"), 0);
		cr_expect_str_eq(S(it, "kind"), "unacknowledged");
		json_decref(j);
	}
	free(finance_n);
	site_stop(&s);
}

Test(workflow, instructions_from_leaders_reach_the_lead_office, .timeout = 120)
{
	struct site	 s;
	struct t_run	 r;
	const char	*mk[] = { "user", "create", "--login", "yuhaibo", "--name", "于海波",
	    "--role", "leader", "--password-stdin", NULL };
	const char	*tk[] = { "token", "create", "--user", "yuhaibo", "--quiet", NULL };
	char		*leader, *path, *other, *fp, *read;
	json_t		*j;
	long		 id, other_id;

	site_start(&s, "2012-03-05T09:00+08:00");
	t_cli_input(&r, s.db, mk, "Yu-Haibo-2012\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	EXPECT_STR(t_query(s.c, "SELECT p.name FROM account a JOIN person p ON p.id = a.person_id"
	    " WHERE a.login = 'yuhaibo'", 0, NULL), "于海波");
	t_cli(&r, s.db, tk);
	cr_assert_eq(r.status, 0, "%s", r.err);
	leader = xstrndup(r.out, strcspn(r.out, "\n"));
	t_run_free(&r);

	/* 于海波 is 责任领导 of task 1: his 批示 stands, and 财务审计处 hears. */
	path = xprintf("/api/v1/tasks/%ld/instructions", s.task1);
	cr_expect_eq(call(&s, "POST", path, leader,
	    "{\"text\":\"请抓紧落实资助资金，确保按时足额发放。\"}", &j), 201);
	cr_expect_str_eq(S(j, "author"), "于海波");
	cr_expect_str_eq(S(j, "author_role"), "leader");
	id = (long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	EXPECT_STR(t_query(s.c, "SELECT o.name || '：' || (r.subject = '【批示】' || t.label"
	    " || ' ' || t.title) FROM reminder r JOIN office o ON o.id = r.office_id"
	    " JOIN task t ON t.id = (r.payload->'task'->>'id')::bigint"
	    " WHERE r.kind = 'instruction'", 0, NULL), "财务审计处：true");
	EXPECT_STR(t_query(s.c, "SELECT actor || ' ' || new_value FROM progress"
	    " WHERE field = 'instruction'", 0, NULL),
	    "于海波 请抓紧落实资助资金，确保按时足额发放。");

	/* Not on a task he does not lead; not offices or inspectors; not
	 * empty.  Nothing written. */
	other_id = t_query_long(s.c, "SELECT min(t.id) FROM task t WHERE NOT EXISTS ("
	    " SELECT 1 FROM task_role r JOIN person p ON p.id = r.person_id"
	    "  WHERE r.role = 'leader' AND p.name = '于海波' AND r.task_id IN (t.id, t.parent_id))",
	    0, NULL);
	other = xprintf("/api/v1/tasks/%ld/instructions", other_id);
	fp = t_fingerprint(s.c);
	cr_expect_eq(call(&s, "POST", other, leader, "{\"text\":\"请落实。\"}", &j), 403);
	cr_expect(strstr(S(j, "detail"), "自己负责的任务") != NULL, "%s", S(j, "detail"));
	json_decref(j);
	cr_expect_eq(call(&s, "POST", path, s.finance, "{\"text\":\"x\"}", NULL), 403);
	cr_expect_eq(call(&s, "POST", path, s.inspector, "{\"text\":\"x\"}", NULL), 403);
	cr_expect_eq(call(&s, "POST", path, NULL, "{\"text\":\"x\"}", NULL), 401);
	cr_expect_eq(call(&s, "POST", path, leader, "{\"text\":\"  \"}", &j), 422);
	cr_expect_str_eq(S(j, "field"), "text");
	json_decref(j);
	cr_expect_eq(call(&s, "POST", path, leader, "{\"txt\":\"x\"}", NULL), 400);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	/* The general office may on any task. */
	cr_expect_eq(call(&s, "POST", other, s.general, "{\"text\":\"请局办公室跟踪。\"}", NULL),
	    201);

	/* In 财务审计处's 待办 until it has read it. */
	cr_expect_eq(todo_count(&s, s.finance, "instruction"), 1);
	read = xprintf("/api/v1/instructions/%ld/read", id);
	cr_expect_eq(call(&s, "POST", read, s.personnel, NULL, NULL), 403);
	cr_expect_eq(call(&s, "POST", read, s.finance, NULL, &j), 200);
	cr_expect(json_is_true(json_object_get(j, "read")));
	json_decref(j);
	cr_expect_eq(todo_count(&s, s.finance, "instruction"), 0);
	{
		char	*tp = xprintf("/api/v1/tasks/%ld", s.task1);
		json_t	*in;

		cr_expect_eq(call(&s, "GET", tp, s.general, NULL, &j), 200);
		in = json_array_get(json_object_get(j, "instructions"), 0);
		cr_expect_str_eq(S(in, "text"), "请抓紧落实资助资金，确保按时足额发放。");
		cr_expect_str_eq(S(json_array_get(json_object_get(in, "read_by"), 0), "office"),
		    "财务审计处");
		json_decref(j);
		free(tp);
	}
	/* The quarterly report carries it under the task, as of its day. */
	{
		struct t_http	 h;
		char		*u1 = xprintf("%s/api/v1/reports/quarterly?plan=jilin-2012"
		    "&quarter=2012Q1&format=md", s.d.url);
		char		*u2 = xprintf("%s&as_of=2012-03-04", u1);

		t_http(&h, "GET", u1, s.general, NULL, NULL);
		cr_expect_eq(h.status, 200, "%s", h.body);
		cr_expect(strstr(h.body, "领导批示：于海波（2012-03-05）：请抓紧落实资助资金，"
		    "确保按时足额发放。") != NULL, "%s", h.body);
		t_http_free(&h);
		t_http(&h, "GET", u2, s.general, NULL, NULL);
		cr_expect_eq(h.status, 200, "%s", h.body);
		cr_expect(strstr(h.body, "领导批示") == NULL, "before it was written: %s", h.body);
		t_http_free(&h);
		free(u1);
		free(u2);
	}
	free(read);
	free(other);
	free(path);
	free(leader);
	site_stop(&s);
}
