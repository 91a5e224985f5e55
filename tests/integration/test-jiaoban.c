/*
 * 督办事项 (交办): the general office enters a task from the pages; it is
 * numbered in the year's list, assigned to its lead office to 签收, read
 * like any task (the task list, the 待办, the quarterly report), changed
 * and withdrawn with its history, never touched by plan loads, and its
 * 汇报频次 reminds the lead office on the right working days.  Every
 * refusal leaves the database as it was.  Real duband, real PostgreSQL,
 * on an injected clock (DUBAN_NOW).
 *
 * The site: Jilin 2012 and China's calendar, on Monday 5 March 2012.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char CALENDAR[] = DUBAN_SOURCE_DIR "/plans/calendar/cn-workdays.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define N(o, k)	json_integer_value(json_object_get((o), (k)))
#define JSON	"Content-Type: application/json"

/* A whole 督办事项, as the form sends it. */
#define ITEM(title, office, every) \
	"{\"title\":\"" title "\",\"basis_kind\":\"instruction\"," \
	"\"basis\":\"于海波副局长2012年3月1日在《教育信息》第8期上的批示\"," \
	"\"text\":\"对全市中小学校舍开展安全隐患排查，建立台账，限期整改。\"," \
	"\"lead_office\":\"" office "\",\"lead_person\":\"张明\"," \
	"\"cooperate\":[\"教育基建办公室\"],\"leaders\":[\"于海波\"]," \
	"\"deadline\":\"2012-12-31\",\"report_every\":\"" every "\"," \
	"\"targets\":[{\"name\":\"排查学校\",\"value\":120,\"unit\":\"所\"}]}"

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	/* legacy tokens (no person) */
	char		*general, *office, *inspector;
	/* people's tokens */
	char		*clerk, *head, *gperson, *leader, *iperson, *admin;
};

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "general", NULL, NULL, NULL, "general" },
	{ "office", NULL, NULL, "财务审计处", "office" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
	{ "clerk", "liuyang", "刘洋", "人事处", "clerk" },
	{ "head", "zhaogang", "赵刚", "财务审计处", "head" },
	{ "gperson", "wangli", "王丽", "局办公室", "general" },
	{ "leader", "yuhaibo", "于海波", NULL, "leader" },
	{ "iperson", "sunjie", "孙杰", NULL, "inspector" },
	{ "admin", "admin", "系统管理员", NULL, "admin" },
};

/* The snapshot every site copies: the plan and the calendar loaded, the
 * tokens kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static const char *const CAL[] = { "calendar", "load", CALENDAR, NULL };
static struct t_setup SETUP = { { LOAD, CAL }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

static void
site_start(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("jiaoban", t_setup_build, &SETUP);
	s->c = t_connect(s->db);
	s->general = t_kept(s->db, "general");
	s->office = t_kept(s->db, "office");
	s->inspector = t_kept(s->db, "inspector");
	s->clerk = t_kept(s->db, "clerk");
	s->head = t_kept(s->db, "head");
	s->gperson = t_kept(s->db, "gperson");
	s->leader = t_kept(s->db, "leader");
	s->iperson = t_kept(s->db, "iperson");
	s->admin = t_kept(s->db, "admin");
	t_daemon_start(&s->d, s->db, NULL, env);
	free(env_now);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->general);
	free(s->office);
	free(s->inspector);
	free(s->clerk);
	free(s->head);
	free(s->gperson);
	free(s->leader);
	free(s->iperson);
	free(s->admin);
	free(s->db);
}

/* The last answer's body, for the messages of failed expectations. */
static char	 last[8192];

/* One call: its status, and its answer parsed (if out). */
/* A request to the site's duband (t_call). */
#define call(s, ...)	t_call(&(s)->d, __VA_ARGS__)

/* Creates a 督办事项 as token; its id. */
static long
create(struct site *s, const char *token, const char *body)
{
	json_t	*j;
	long	 id;

	cr_assert_eq(call(s, "POST", "/api/v1/jiaoban", token, body, &j), 201, "%s", last);
	id = N(j, "id");
	json_decref(j);
	return (id);
}

/* Whether a JSON array of objects has one whose member k is the integer v. */
static int
has_id(const json_t *a, const char *k, long v)
{
	const json_t	*it;
	size_t		 i;

	json_array_foreach(a, i, it)
		if (json_integer_value(json_object_get(it, k)) == v)
			return (1);
	return (0);
}

Test(jiaoban, created_it_is_a_task_like_any_other, .timeout = 180)
{
	struct site	 s;
	json_t		*j, *t, *x;
	char		*path, *key, *q, ids[24], ids2[24];
	long		 id, id2;
	size_t		 i;
	int		 created = 0;

	site_start(&s, "2012-03-05T09:00+08:00");
	cr_expect_eq(call(&s, "POST", "/api/v1/jiaoban", s.general,
	    ITEM("开展中小学校舍安全隐患排查", "财务审计处", "month"), &j), 201);
	id = N(j, "id");
	cr_expect_str_eq(S(j, "number"), "督办〔2012〕1号");
	cr_expect_str_eq(S(j, "title"), "开展中小学校舍安全隐患排查");
	cr_expect_str_eq(S(j, "basis_kind"), "instruction");
	cr_expect_str_eq(S(j, "lead_office"), "财务审计处");
	cr_expect_str_eq(S(j, "lead_person"), "张明");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(j, "cooperate"), 0)),
	    "教育基建办公室");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(j, "leaders"), 0)),
	    "于海波");
	cr_expect_str_eq(S(j, "deadline"), "2012-12-31");
	cr_expect_str_eq(S(j, "report_every"), "month");
	cr_expect_str_eq(S(j, "created_by"), "局办公室（综合调度）");
	key = xstrdup(S(j, "plan"));
	json_decref(j);
	snprintf(ids, sizeof ids, "%ld", id);

	/* The year's list: made on the first, titled for the year. */
	EXPECT_STR(t_query(s.c, "SELECT key ~ '^jiaoban-[0-9]+-2012$' AND title = '2012年督办交办事项'"
	    " AND origin = 'jiaoban' AND year = 2012 FROM plan WHERE origin = 'jiaoban'", 0, NULL),
	    "t");
	id2 = create(&s, s.gperson, ITEM("落实校车安全管理", "人事处", "week"));
	snprintf(ids2, sizeof ids2, "%ld", id2);
	cr_expect_eq(call(&s, "GET", "/api/v1/jiaoban?year=2012", s.inspector, NULL, &j), 200);
	cr_expect_eq(json_array_size(json_object_get(j, "items")), 2);
	x = json_array_get(json_object_get(j, "items"), 1);
	cr_expect_eq(N(x, "id"), id2);
	cr_expect_str_eq(S(x, "number"), "督办〔2012〕2号");
	cr_expect_str_eq(S(json_array_get(json_object_get(j, "plans"), 0), "title"),
	    "2012年督办交办事项");
	cr_expect(json_is_false(json_object_get(j, "may_create")), "an inspector may not");
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/jiaoban", s.general, NULL, &j), 200);
	cr_expect_eq(N(j, "year"), 2012);
	cr_expect(json_is_true(json_object_get(j, "may_create")));
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/jiaoban?year=2013", s.general, NULL, &j), 200);
	cr_expect_eq(json_array_size(json_object_get(j, "items")), 0);
	json_decref(j);

	/* In the task list, as any task; and the task page's whole. */
	cr_expect_eq(call(&s, "GET", "/api/v1/tasks", s.inspector, NULL, &j), 200);
	cr_expect(has_id(j, "id", id) && has_id(j, "id", id2));
	json_decref(j);
	q = xprintf("/api/v1/tasks?plan=%s&office=%s", key, "财务审计处");
	cr_expect_eq(call(&s, "GET", q, s.office, NULL, &j), 200);
	cr_expect_eq(json_array_size(j), 1);
	cr_expect(S(json_array_get(j, 0), "status") != NULL);
	json_decref(j);
	free(q);
	path = xprintf("/api/v1/tasks/%ld", id);
	cr_expect_eq(call(&s, "GET", path, s.office, NULL, &t), 200);
	cr_expect_str_eq(S(t, "basis"), "于海波副局长2012年3月1日在《教育信息》第8期上的批示");
	cr_expect_str_eq(S(t, "origin"), "jiaoban");
	cr_expect(json_is_true(json_object_get(t, "may_edit")), "the lead office writes it");
	x = json_array_get(json_object_get(t, "milestones"), 0);
	cr_expect_str_eq(S(x, "kind"), "deadline");
	cr_expect_str_eq(S(x, "title"), "完成时限");
	cr_expect_str_eq(S(x, "due_on"), "2012-12-31");
	x = json_array_get(json_object_get(t, "targets"), 0);
	cr_expect_str_eq(S(x, "name"), "排查学校");
	cr_expect_str_eq(S(x, "kind"), "count");
	json_array_foreach(json_object_get(t, "history"), i, x)
		if (strcmp(S(x, "field"), "created") == 0) {
			created = 1;
			cr_expect_str_eq(S(x, "actor"), "局办公室（综合调度）");
			cr_expect_str_eq(S(x, "actor_role"), "general");
			cr_expect_str_eq(S(x, "source"), "workflow");
		}
	cr_expect(created);
	json_decref(t);
	EXPECT_STR(t_query(s.c, "SELECT actor || ' ' || o.name || ' ' || actor_role || ' '"
	    " || to_char(h.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
	    " FROM progress h JOIN office o ON o.id = h.office_id"
	    " WHERE h.task_id = $1::bigint AND h.field = 'created'", 1,
	    (const char *[]){ ids2 }), "王丽 局办公室 general 2012-03-05 09:00");

	/* Assigned to its lead office (not to those cooperating), to 签收,
	 * and in that office's 待办. */
	EXPECT_STR(t_query(s.c, "SELECT string_agg(o.name, '、') FROM assignment a"
	    " JOIN office o ON o.id = a.office_id WHERE a.task_id = $1::bigint", 1,
	    (const char *[]){ ids }), "财务审计处");
	cr_expect_eq(call(&s, "GET", "/api/v1/todo", s.office, NULL, &j), 200);
	{
		int	 found = 0;

		json_array_foreach(json_object_get(j, "items"), i, x)
			if (strcmp(S(x, "kind"), "acknowledge") == 0 && N(x, "task_id") == id) {
				found = 1;
				cr_expect_str_eq(S(x, "number"), "督办〔2012〕1号");
			}
		cr_expect(found, "in 财务审计处's 待办");
	}
	json_decref(j);
	free(path);
	path = xprintf("/api/v1/tasks/%ld/acknowledge", id);
	cr_expect_eq(call(&s, "POST", path, s.head, NULL, NULL), 201);
	free(path);
	cr_expect_eq(call(&s, "GET", "/api/v1/jiaoban", s.clerk, NULL, &j), 200);
	cr_expect_str_eq(S(json_array_get(json_object_get(j, "items"), 0), "acknowledged_by"),
	    "赵刚");
	json_decref(j);

	/* The quarterly report of the list has it. */
	q = xprintf("/api/v1/reports/quarterly?plan=%s&quarter=2012Q1&format=json", key);
	cr_expect_eq(call(&s, "GET", q, s.inspector, NULL, &j), 200);
	{
		int	 found = 0;

		json_array_foreach(json_object_get(j, "tasks"), i, x)
			if (strcmp(S(x, "label"), "督办〔2012〕1号") == 0)
				found = 1;
		cr_expect(found, "the report lists it");
	}
	json_decref(j);
	free(q);
	free(key);
	site_stop(&s);
}

Test(jiaoban, every_invalid_field_is_named_and_nothing_changes, .timeout = 180)
{
	static const struct {
		const char	*body;
		long		 status;
		const char	*field;
	} bad[] = {
		{ "{}", 400, "title" },
		{ "{\"title\":\"  \"}", 400, "title" },
		{ "{\"title\":1}", 400, "title" },
		{ "{\"title\":\"事项\"}", 400, "basis_kind" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"批示\"}", 400, "basis_kind" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\"}", 400, "basis" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\"}",
		  400, "lead_office" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"宣传处\"}", 404, "lead_office" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"市财政局\",\"deadline\":\"2012-06-30\"}", 400, "lead_office" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"cooperate\":[\"宣传处\"],"
		  "\"deadline\":\"2012-06-30\"}", 404, "cooperate" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"cooperate\":\"财务审计处\","
		  "\"deadline\":\"2012-06-30\"}", 400, "cooperate" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"leaders\":[\"无名氏\"],"
		  "\"deadline\":\"2012-06-30\"}", 404, "leaders" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\"}", 400, "deadline" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"deadline\":\"六月底\"}", 400, "deadline" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"deadline\":\"2012-02-30\"}", 400, "deadline" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"deadline\":\"2012-03-02\"}", 400, "deadline" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"deadline\":\"2012-06-30\","
		  "\"report_every\":\"year\"}", 400, "report_every" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"deadline\":\"2012-06-30\","
		  "\"targets\":[{\"name\":\"培训教师\",\"value\":\"五百\",\"unit\":\"人\"}]}",
		  400, "targets" },
		{ "{\"title\":\"事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		  "\"lead_office\":\"人事处\",\"deadline\":\"2012-06-30\","
		  "\"targets\":[\"培训教师\"]}", 400, "targets" },
	};
	struct site	 s;
	json_t		*j;
	char		*fp, *path;
	size_t		 i;
	long		 id;

	site_start(&s, "2012-03-05T09:00+08:00");
	fp = t_fingerprint(s.c);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_eq(call(&s, "POST", "/api/v1/jiaoban", s.general, bad[i].body, &j),
		    bad[i].status, "%s: %s", bad[i].body, last);
		cr_expect(S(j, "field") != NULL && strcmp(S(j, "field"), bad[i].field) == 0,
		    "%s: field %s, want %s", bad[i].body, S(j, "field"), bad[i].field);
		json_decref(j);
	}
	/* Shapes duband refuses before the database. */
	cr_expect_eq(call(&s, "POST", "/api/v1/jiaoban", s.general, "{\"titel\":\"x\"}", NULL),
	    400);
	cr_expect_eq(call(&s, "POST", "/api/v1/jiaoban", s.general, "[1]", NULL), 400);
	cr_expect_eq(call(&s, "POST", "/api/v1/jiaoban", s.general, "", NULL), 400);
	cr_expect_eq(call(&s, "GET", "/api/v1/jiaoban?year=12", s.general, NULL, &j), 400);
	cr_expect_str_eq(S(j, "field"), "year");
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	/* A change is checked the same way, field by field. */
	id = create(&s, s.general, ITEM("规范中小学办学行为", "人事处", "month"));
	path = xprintf("/api/v1/jiaoban/%ld", id);
	fp = t_fingerprint(s.c);
	cr_expect_eq(call(&s, "PATCH", path, s.general, "{\"deadline\":\"2012-03-01\"}", &j), 400);
	cr_expect_str_eq(S(j, "field"), "deadline");
	json_decref(j);
	cr_expect_eq(call(&s, "PATCH", path, s.general, "{\"lead_office\":\"宣传处\"}", &j), 404);
	cr_expect_str_eq(S(j, "field"), "lead_office");
	json_decref(j);
	cr_expect_eq(call(&s, "PATCH", path, s.general, "{\"title\":\"\"}", &j), 400);
	cr_expect_str_eq(S(j, "field"), "title");
	json_decref(j);
	cr_expect_eq(call(&s, "PATCH", path, s.general, "{\"targets\":[]}", NULL), 400);
	cr_expect_eq(call(&s, "PATCH", "/api/v1/jiaoban/999999", s.general, "{\"title\":\"x\"}",
	    NULL), 404);
	{
		/* A plan file's task is not a 督办事项. */
		char	*other = xprintf("/api/v1/jiaoban/%ld", t_query_long(s.c,
		    "SELECT min(id) FROM task WHERE plan_id = (SELECT id FROM plan"
		    " WHERE key = 'jilin-2012')", 0, NULL));

		cr_expect_eq(call(&s, "PATCH", other, s.general, "{\"title\":\"x\"}", NULL), 404);
		free(other);
	}
	free(path);
	path = xprintf("/api/v1/jiaoban/%ld/withdraw", id);
	cr_expect_eq(call(&s, "POST", path, s.general, "{\"reason\":\" \"}", &j), 400);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	cr_expect_eq(call(&s, "POST", path, s.general, "{}", &j), 400);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	free(path);
	site_stop(&s);
}

/*
 * Who may do what: the general office (its legacy token and its people)
 * and administrators write; everyone signed in reads; every refusal
 * leaves the database as it was.
 */
Test(jiaoban, who_may_do_what, .timeout = 240)
{
	struct site	 s;
	struct {
		const char	*who;
		const char	*token;
		int		 writes;
	} callers[10];
	char		*fp, *patch, *withdraw;
	size_t		 i, n = 0;
	long		 id, st;

	site_start(&s, "2012-03-05T09:00+08:00");
#define CALLER(w, t, y) do { callers[n].who = (w); callers[n].token = (t); \
	callers[n].writes = (y); n++; } while (0)
	CALLER("clerk", s.clerk, 0);
	CALLER("head", s.head, 0);
	CALLER("general", s.gperson, 1);
	CALLER("leader", s.leader, 0);
	CALLER("inspector", s.iperson, 0);
	CALLER("admin", s.admin, 1);
	CALLER("office token", s.office, 0);
	CALLER("general token", s.general, 1);
	CALLER("inspector token", s.inspector, 0);
	CALLER("no token", NULL, 0);
#undef CALLER
	id = create(&s, s.general, ITEM("推进学校食堂标准化建设", "财务审计处", "week"));
	patch = xprintf("/api/v1/jiaoban/%ld", id);
	withdraw = xprintf("/api/v1/jiaoban/%ld/withdraw", id);

	fp = t_fingerprint(s.c);
	for (i = 0; i < n; i++) {
		long	want = callers[i].token == NULL ? 401 : 403;

		if (callers[i].writes)
			continue;
		cr_expect_eq(call(&s, "POST", "/api/v1/jiaoban", callers[i].token,
		    ITEM("不应建立", "人事处", "day"), NULL), want, "%s", callers[i].who);
		cr_expect_eq(call(&s, "PATCH", patch, callers[i].token, "{\"title\":\"改名\"}",
		    NULL), want, "%s", callers[i].who);
		cr_expect_eq(call(&s, "POST", withdraw, callers[i].token,
		    "{\"reason\":\"不再需要\"}", NULL), want, "%s", callers[i].who);
		st = call(&s, "GET", "/api/v1/jiaoban", callers[i].token, NULL, NULL);
		cr_expect_eq(st, callers[i].token == NULL ? 401 : 200, "%s", callers[i].who);
	}
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	free(patch);
	free(withdraw);

	/* Those who may: each enters, changes and withdraws one. */
	for (i = 0; i < n; i++) {
		json_t	*j;

		if (!callers[i].writes)
			continue;
		id = create(&s, callers[i].token, ITEM("各自交办的事项", "人事处", "quarter"));
		patch = xprintf("/api/v1/jiaoban/%ld", id);
		withdraw = xprintf("/api/v1/jiaoban/%ld/withdraw", id);
		cr_expect_eq(call(&s, "PATCH", patch, callers[i].token,
		    "{\"report_every\":\"month\"}", &j), 200, "%s", callers[i].who);
		cr_expect_str_eq(S(j, "report_every"), "month");
		json_decref(j);
		cr_expect_eq(call(&s, "POST", withdraw, callers[i].token,
		    "{\"reason\":\"已并入其他事项\"}", &j), 200, "%s", callers[i].who);
		cr_expect(json_is_true(json_object_get(j, "withdrawn")));
		json_decref(j);
		cr_expect_eq(call(&s, "GET", "/api/v1/jiaoban", callers[i].token, NULL, NULL), 200);
		free(patch);
		free(withdraw);
	}
	EXPECT_STR(t_query(s.c, "SELECT string_agg(DISTINCT actor_role, ',' ORDER BY actor_role)"
	    " FROM progress WHERE field = 'withdrawn' AND source = 'workflow'", 0, NULL),
	    "admin,general");
	site_stop(&s);
}

Test(jiaoban, changed_and_withdrawn_with_its_history, .timeout = 180)
{
	struct site	 s;
	json_t		*j;
	char		*path, *ids, *fp;
	long		 id;

	site_start(&s, "2012-03-05T09:00+08:00");
	id = create(&s, s.general, ITEM("推进校园安保工作", "财务审计处", "month"));
	ids = xprintf("%ld", id);
	path = xprintf("/api/v1/jiaoban/%ld", id);

	/* Nothing changed: no history, same version. */
	fp = t_fingerprint(s.c);
	cr_expect_eq(call(&s, "PATCH", path, s.general,
	    "{\"title\":\"推进校园安保工作\",\"report_every\":\"month\"}", NULL), 200);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	cr_expect_eq(call(&s, "PATCH", path, s.gperson,
	    "{\"title\":\"推进校园安保和视频监控建设\",\"deadline\":\"2012-10-31\","
	    "\"lead_office\":\"学校安全处\",\"leaders\":[\"于海波\",\"杨凤琴\"],"
	    "\"report_every\":\"week\"}", &j), 200);
	cr_expect_str_eq(S(j, "lead_office"), "学校安全处");
	cr_expect_str_eq(S(j, "deadline"), "2012-10-31");
	cr_expect_eq(N(j, "version"), 2);
	json_decref(j);
	EXPECT_STR(t_query(s.c, "SELECT string_agg(field || '：' || coalesce(old_value, '—')"
	    " || ' → ' || coalesce(new_value, '—') || '（' || actor || '，' || actor_role || '）',"
	    " '；' ORDER BY field) FROM progress WHERE task_id = $1::bigint"
	    " AND note = '调整督办事项'", 1, (const char *[]){ ids }),
	    "deadline：2012-12-31 → 2012-10-31（王丽，general）；"
	    "due_on：2012-12-31 → 2012-10-31（王丽，general）；"
	    "lead_office：财务审计处 → 学校安全处（王丽，general）；"
	    "leaders：于海波 → 于海波、杨凤琴（王丽，general）；"
	    "report_every：month → week（王丽，general）；"
	    "title：推进校园安保工作 → 推进校园安保和视频监控建设（王丽，general）");
	/* The milestone moved; the new lead office is assigned to 签收. */
	EXPECT_STR(t_query(s.c, "SELECT due_on::text FROM milestone WHERE task_id = $1::bigint"
	    " AND kind = 'deadline'", 1, (const char *[]){ ids }), "2012-10-31");
	EXPECT_STR(t_query(s.c, "SELECT string_agg(o.name, '、' ORDER BY o.name) FROM assignment a"
	    " JOIN office o ON o.id = a.office_id WHERE a.task_id = $1::bigint", 1,
	    (const char *[]){ ids }), "学校安全处、财务审计处");
	cr_expect_eq(call(&s, "GET", "/api/v1/todo", s.office, NULL, &j), 200);
	cr_expect_eq(N(j, "count"), t_query_long(s.c, "SELECT count(*) FROM assignment a"
	    " JOIN duban_duty_offices() d USING (task_id, office_id) JOIN office o"
	    " ON o.id = a.office_id WHERE o.name = '财务审计处'", 0, NULL));
	json_decref(j);

	/* Withdrawn: gone from the task list, kept (marked) in the year's. */
	free(path);
	path = xprintf("/api/v1/jiaoban/%ld/withdraw", id);
	cr_expect_eq(call(&s, "POST", path, s.general, "{\"reason\":\"已纳入年度民生实事\"}", &j),
	    200);
	cr_expect(json_is_true(json_object_get(j, "withdrawn")));
	json_decref(j);
	EXPECT_STR(t_query(s.c, "SELECT note FROM progress WHERE task_id = $1::bigint"
	    " AND field = 'withdrawn'", 1, (const char *[]){ ids }), "已纳入年度民生实事");
	cr_expect_eq(call(&s, "GET", "/api/v1/tasks", s.general, NULL, &j), 200);
	cr_expect(!has_id(j, "id", id));
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/jiaoban", s.general, NULL, &j), 200);
	cr_expect(json_is_true(json_object_get(json_array_get(json_object_get(j, "items"), 0),
	    "withdrawn")));
	json_decref(j);
	fp = t_fingerprint(s.c);
	cr_expect_eq(call(&s, "POST", path, s.general, "{\"reason\":\"再次撤销\"}", NULL), 409);
	free(path);
	path = xprintf("/api/v1/jiaoban/%ld", id);
	cr_expect_eq(call(&s, "PATCH", path, s.general, "{\"title\":\"x\"}", NULL), 409);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	/* Numbers are not reused. */
	create(&s, s.general, ITEM("后续事项", "人事处", "month"));
	EXPECT_STR(t_query(s.c, "SELECT string_agg(label, ',' ORDER BY position) FROM task t"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.origin = 'jiaoban'", 0, NULL),
	    "督办〔2012〕1号,督办〔2012〕2号");
	free(path);
	free(ids);
	site_stop(&s);
}

/* What a 交办 list's rows hash to: its plan, tasks, roles, milestones, targets. */
static char *
list_hash(PGconn *c)
{
	return (t_query(c, "SELECT md5(concat("
	    " (SELECT string_agg(p::text, '|' ORDER BY p.id) FROM plan p WHERE origin = 'jiaoban'),"
	    " (SELECT string_agg(t::text, '|' ORDER BY t.id) FROM task t JOIN plan p"
	    "   ON p.id = t.plan_id WHERE p.origin = 'jiaoban'),"
	    " (SELECT string_agg(r::text, '|' ORDER BY r.id) FROM task_role r JOIN task t"
	    "   ON t.id = r.task_id JOIN plan p ON p.id = t.plan_id WHERE p.origin = 'jiaoban'),"
	    " (SELECT string_agg(m::text, '|' ORDER BY m.id) FROM milestone m JOIN task t"
	    "   ON t.id = m.task_id JOIN plan p ON p.id = t.plan_id WHERE p.origin = 'jiaoban'),"
	    " (SELECT string_agg(g::text, '|' ORDER BY g.id) FROM target g JOIN task t"
	    "   ON t.id = g.task_id JOIN plan p ON p.id = t.plan_id WHERE p.origin = 'jiaoban'),"
	    " (SELECT string_agg(h::text, '|' ORDER BY h.id) FROM progress h JOIN plan p"
	    "   ON p.id = h.plan_id WHERE p.origin = 'jiaoban')))", 0, NULL));
}

Test(jiaoban, plan_loads_leave_the_list_alone, .timeout = 240)
{
	struct site	 s;
	struct t_run	 r;
	const char	*args[16] = { "plan", "load" };
	char		*before, *yaml, *text, *file, *key, *fp;
	const char	*at;
	size_t		 i, len;

	site_start(&s, "2012-03-05T09:00+08:00");
	create(&s, s.general, ITEM("开展教师培训", "人事处", "month"));
	before = list_hash(s.c);
	for (i = 0; t_plan_files[i] != NULL; i++)
		args[i + 2] = t_plan_files[i];
	args[i + 2] = NULL;
	t_cli_ok(s.db, args);
	EXPECT_STR(list_hash(s.c), before);
	free(before);

	/* A plan file may not take a list's key: FILE:LINE:COLUMN says where. */
	key = t_query(s.c, "SELECT key FROM plan WHERE origin = 'jiaoban'", 0, NULL);
	yaml = t_read_file(JILIN, &len);
	at = strstr(yaml, "  key: jilin-2012\n");
	cr_assert_not_null(at);
	text = xprintf("%.*s  key: %s\n%s", (int)(at - yaml), yaml, key,
	    at + strlen("  key: jilin-2012\n"));
	file = xprintf("%s/reserved.yaml", t_tmpdir());
	t_write_file(file, text, strlen(text));
	fp = t_fingerprint(s.c);
	{
		const char	*load[] = { "plan", "load", file, NULL };
		const char	*check[] = { "plan", "check", file, NULL };
		char		*want = xprintf("%s:3:8:", file);

		t_cli(&r, s.db, load);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
		cr_expect(strstr(r.err, "督办交办事项") != NULL, "%s", r.err);
		t_run_free(&r);
		t_cli(&r, s.db, check);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
		t_run_free(&r);
		free(want);
	}
	EXPECT_STR(t_fingerprint(s.c), fp);
	/* Nor, should one get past the file's check, does the database take it. */
	{
		PGresult *res = PQexecParams(s.c, "SELECT duban_load_plans(jsonb_build_array("
		    "jsonb_build_object('key', $1::text, 'issuer', '吉林市教育局',"
		    " 'issuer_kind', 'city_bureau')), 'test', now())", 1, NULL,
		    (const char *[]){ key }, NULL, NULL, 0);

		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
		cr_expect(strstr(PQresultErrorMessage(res), "督办事项清单") != NULL, "%s",
		    PQresultErrorMessage(res));
		PQclear(res);
	}
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	free(file);
	free(text);
	free(yaml);
	free(key);
	site_stop(&s);
}

/* The sweep of a day, as `duban reminder sweep --date`. */
static void
sweep(struct site *s, const char *day)
{
	const char	*args[] = { "reminder", "sweep", "--date", day, NULL };

	t_cli_ok(s->db, args);
}

/* The days report_due reminders went to an office, in order. */
static char *
report_days(struct site *s, const char *office, const char *from, const char *to)
{
	return (t_query(s->c, "SELECT coalesce(string_agg(to_char(r.send_on, 'MM-DD'), ' '"
	    " ORDER BY r.send_on), '') FROM reminder r JOIN office o ON o.id = r.office_id"
	    " WHERE r.kind = 'report_due' AND o.name = $1 AND r.send_on BETWEEN $2::date"
	    " AND $3::date", 3, (const char *[]){ office, from, to }));
}

/*
 * 汇报频次 on China's 2012 calendar: 清明 is 2–4 April, made up on
 * Saturday 31 March and Sunday 1 April; 劳动节 29 April – 1 May, made up
 * on Saturday 28 April.  Assigned on Monday 5 March.
 */
Test(jiaoban, report_every_reminds_on_the_right_working_days, .timeout = 240)
{
	struct site	 s;
	long		 before;
	json_t		*j;

	site_start(&s, "2012-03-05T09:00+08:00");
	create(&s, s.general, ITEM("每日汇报的事项", "财务审计处", "day"));
	create(&s, s.general, ITEM("每周汇报的事项", "人事处", "week"));
	create(&s, s.general, ITEM("每月汇报的事项", "基础教育处", "month"));
	create(&s, s.general, ITEM("每季度汇报的事项", "职业与成人教育处", "quarter"));
	{
		/* A weekly one due soon stops at its 完成时限. */
		json_t	*x;

		cr_assert_eq(call(&s, "POST", "/api/v1/jiaoban", s.general,
		    "{\"title\":\"短期事项\",\"basis_kind\":\"meeting\",\"basis\":\"局长办公会\","
		    "\"lead_office\":\"发展规划处\",\"deadline\":\"2012-03-20\","
		    "\"report_every\":\"week\"}", &x), 201);
		json_decref(x);
	}
	{
		/* The monthly one's office can be reached by mail. */
		const char *set[] = { "office", "set", "基础教育处", "--email",
		    "jijiao@example.gov.cn", NULL };

		t_cli_ok(s.db, set);
	}
	sweep(&s, "2012-03-05");
	sweep(&s, "2012-03-06");
	sweep(&s, "2012-04-05");
	sweep(&s, "2012-05-05");
	sweep(&s, "2012-06-04");
	sweep(&s, "2012-07-04");

	/* Not on the day it was given; then each working day. */
	EXPECT_STR(report_days(&s, "财务审计处", "2012-03-01", "2012-03-09"),
	    "03-06 03-07 03-08 03-09");
	EXPECT_STR(report_days(&s, "财务审计处", "2012-03-29", "2012-04-06"),
	    "03-29 03-30 03-31 04-01 04-05 04-06");
	/* Weekly: each week's first working day (5 April after 清明). */
	EXPECT_STR(report_days(&s, "人事处", "2012-03-01", "2012-04-30"),
	    "03-12 03-19 03-26 04-05 04-09 04-16 04-23");
	/* Monthly and quarterly: the first working day of the month or quarter. */
	EXPECT_STR(report_days(&s, "基础教育处", "2012-03-01", "2012-07-31"),
	    "04-01 05-02 06-01 07-02");
	EXPECT_STR(report_days(&s, "职业与成人教育处", "2012-03-01", "2012-07-31"),
	    "04-01 07-02");
	EXPECT_STR(report_days(&s, "发展规划处", "2012-03-01", "2012-07-31"), "03-12 03-19");

	/* Once: a sweep again adds nothing. */
	before = t_query_long(s.c, "SELECT count(*) FROM reminder WHERE kind = 'report_due'", 0,
	    NULL);
	sweep(&s, "2012-07-04");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM reminder WHERE kind = 'report_due'",
	    0, NULL), before);
	EXPECT_STR(t_query(s.c, "SELECT subject FROM reminder WHERE kind = 'report_due'"
	    " AND send_on = '2012-04-01' AND office_id = (SELECT id FROM office"
	    " WHERE name = '基础教育处')", 0, NULL),
	    "【汇报提醒】基础教育处 · 2012年督办交办事项（1 项）");
	/* And it goes to the office's recipients. */
	EXPECT_STR(t_query(s.c, "SELECT string_agg(d.address, ' ') FROM delivery d"
	    " JOIN reminder r ON r.id = d.reminder_id WHERE r.kind = 'report_due'"
	    " AND r.send_on = '2012-04-01'", 0, NULL), "jijiao@example.gov.cn");
	/* `duban reminder preview` shows it too (the sweep's own list). */
	{
		const char	*pv[] = { "reminder", "preview", "--date", "2012-04-01",
		    "--office", "基础教育处", "--brief", NULL };
		struct t_run	 r;

		t_cli(&r, s.db, pv);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "[汇报提醒] 【汇报提醒】基础教育处 · 2012年督办交办事项（1 项）")
		    != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "接收：email jijiao@example.gov.cn") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	/* Its text, as the outbox renders it. */
	{
		long	rid = t_query_long(s.c, "SELECT id FROM reminder WHERE kind = 'report_due'"
		    " AND send_on = '2012-04-01' AND office_id = (SELECT id FROM office"
		    " WHERE name = '基础教育处')", 0, NULL);
		char	*p = xprintf("/api/v1/reminders/%ld", rid);

		cr_expect_eq(call(&s, "GET", p, s.general, NULL, &j), 200);
		cr_expect(strstr(S(j, "text"), "每月汇报") != NULL, "%s", S(j, "text"));
		json_decref(j);
		free(p);
	}
	site_stop(&s);
}

/* `duban jiaoban create | list` through duband, as the token says. */
Test(jiaoban, the_cli_creates_and_lists, .timeout = 180)
{
	struct site	 s;
	struct t_run	 r;
	char		*tokfile, *offfile, *fp;

	site_start(&s, "2012-03-05T09:00+08:00");
	tokfile = xprintf("%s/general.token", t_tmpdir());
	t_write_file(tokfile, s.general, strlen(s.general));
	offfile = xprintf("%s/office.token", t_tmpdir());
	t_write_file(offfile, s.office, strlen(s.office));
	{
		const char *mk[] = { "jiaoban", "create", "--title", "做好春季学期开学工作",
		    "--basis-kind", "会议", "--basis", "2012年第3次局长办公会议定事项",
		    "--office", "基础教育处", "--deadline", "2012-04-30", "--every", "周",
		    "--leader", "于海波", "--cooperate", "人事处、财务审计处",
		    "--server", s.d.url, "--token-file", tokfile, NULL };
		const char *bad[] = { "jiaoban", "create", "--title", "x", "--basis-kind", "批示",
		    "--basis", "y", "--office", "宣传处", "--deadline", "2012-04-30",
		    "--server", s.d.url, "--token-file", tokfile, NULL };
		const char *no[] = { "jiaoban", "create", "--title", "x", "--basis-kind", "批示",
		    "--basis", "y", "--office", "人事处", "--deadline", "2012-04-30",
		    "--server", s.d.url, "--token-file", offfile, NULL };
		const char *ls[] = { "jiaoban", "list", "--year", "2012", "--server", s.d.url,
		    "--token-file", offfile, NULL };

		t_cli(&r, s.db, mk);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "督办〔2012〕1号") != NULL, "%s", r.out);
		t_run_free(&r);
		EXPECT_STR(t_query(s.c, "SELECT basis_kind || ' ' || report_every || ' ' ||"
		    " (SELECT string_agg(o.name, '、' ORDER BY r.position) FROM task_role r"
		    "  JOIN office o ON o.id = r.office_id WHERE r.task_id = t.id"
		    "  AND r.role = 'coordinator') FROM task t WHERE t.label = '督办〔2012〕1号'",
		    0, NULL), "meeting week 人事处、财务审计处");

		fp = t_fingerprint(s.c);
		t_cli(&r, s.db, bad);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, "宣传处") != NULL, "%s", r.err);
		t_run_free(&r);
		t_cli(&r, s.db, no);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, "局办公室") != NULL, "%s", r.err);
		t_run_free(&r);
		EXPECT_STR(t_fingerprint(s.c), fp);
		free(fp);

		t_cli(&r, s.db, ls);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "做好春季学期开学工作") != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "会议议定：2012年第3次局长办公会议定事项") != NULL, "%s",
		    r.out);
		cr_expect(strstr(r.out, "每周") != NULL && strstr(r.out, "未签收") != NULL, "%s",
		    r.out);
		t_run_free(&r);
	}
	free(tokfile);
	free(offfile);
	site_stop(&s);
}
