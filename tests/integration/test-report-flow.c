/*
 * 报送 with people: what a clerk saves is a draft the office alone sees;
 * the clerk submits the office's report to the head, who returns it or
 * 报送s it; the general office 退回s it with a reason or 采纳s it.  Who
 * may take each step, as a matrix, each refusal changing nothing; the
 * coverage check; a round's states as they stood at earlier moments.
 * Real duband, real PostgreSQL.
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
#define FINANCE	"%E8%B4%A2%E5%8A%A1%E5%AE%A1%E8%AE%A1%E5%A4%84"	/* 财务审计处 */

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*clerk, *head, *gperson, *leader, *inspector, *other, *office, *general;
	long		 target;		/* task 1's 普通高中受助学生 */
	long		 milestone;		/* a milestone of task 1 */
	long		 task1, task6;
	long		 round;
};

/* A request to the site's duband (t_call). */
#define call(s, ...)	t_call(&(s)->d, __VA_ARGS__)

/* Jilin 2012, its people, and a round for 财务审计处 and 发展规划处
 * opened at 09:00 on Monday 3 September 2012, due on the 14th; duband's
 * clock at now. */
static void
site_start(struct site *s, const char *now)
{
	const char	*load[] = { "plan", "load", JILIN, NULL };
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };
	struct t_run	 r;

	memset(s, 0, sizeof *s);
	s->db = t_db_create();
	t_cli(&r, s->db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	s->clerk = t_person_token(s->db, "wangli", "王丽", "财务审计处", "clerk");
	s->head = t_person_token(s->db, "zhaogang", "赵刚", "财务审计处", "head");
	s->gperson = t_person_token(s->db, "sunmei", "孙梅", NULL, "general");
	s->leader = t_person_token(s->db, "lijun", "李军", NULL, "leader");
	s->other = t_person_token(s->db, "zhoujie", "周杰", "发展规划处", "clerk");
	s->inspector = t_token(s->db, "inspector", NULL);
	s->office = t_token(s->db, "office", "财务审计处");
	s->general = t_token(s->db, "general", NULL);
	s->c = t_connect(s->db);
	s->task1 = t_query_long(s->c, "SELECT id FROM task WHERE key = '1'", 0, NULL);
	s->task6 = t_query_long(s->c, "SELECT id FROM task WHERE key = '6'", 0, NULL);
	s->target = t_query_long(s->c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL);
	s->milestone = t_query_long(s->c, "SELECT min(m.id) FROM milestone m"
	    " JOIN task t ON t.id = m.task_id WHERE t.key = '1'", 0, NULL);
	t_exec(s->c, "INSERT INTO dispatch (title, due_on, opened_at, opened_by)"
	    " VALUES ('2012年9月进展调度', '2012-09-14', '2012-09-03T09:00+08:00', '局办公室')");
	s->round = t_query_long(s->c, "SELECT max(id) FROM dispatch", 0, NULL);
	t_exec(s->c, "INSERT INTO dispatch_plan SELECT d.id, p.id FROM dispatch d, plan p"
	    " WHERE p.key = 'jilin-2012'");
	t_exec(s->c, "INSERT INTO dispatch_office SELECT d.id, o.id FROM dispatch d, office o"
	    " WHERE o.name IN ('财务审计处', '发展规划处')");
	t_daemon_start(&s->d, s->db, NULL, env);
	free(env_now);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->clerk);
	free(s->head);
	free(s->gperson);
	free(s->leader);
	free(s->other);
	free(s->inspector);
	free(s->office);
	free(s->general);
	free(s->db);
}

/* 财务审计处's state in the round, as duband shows it. */
static char *
round_state(struct site *s, const char *token)
{
	json_t	*j, *o;
	size_t	 i;
	char	*path = xprintf("/api/v1/dispatches/%ld", s->round), *state = NULL;

	cr_assert_eq(call(s, "GET", path, token, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "offices"), i, o)
		if (strcmp(S(o, "name"), "财务审计处") == 0)
			state = xstrdup(S(o, "state_label"));
	json_decref(j);
	free(path);
	cr_assert_not_null(state);
	return (state);
}

static long
step(struct site *s, const char *action, const char *token, const char *body, json_t **out)
{
	char	*path = xprintf("/api/v1/dispatches/%ld/offices/%s/%s", s->round,
	    FINANCE, action);
	long	 st = call(s, "POST", path, token, body, out);

	free(path);
	return (st);
}

/* The first item of a kind in a token's 待办, or NULL (the caller frees). */
static json_t *
todo_item(struct site *s, const char *token, const char *kind)
{
	json_t	*j, *it, *found = NULL;
	size_t	 i;

	cr_assert_eq(call(s, "GET", "/api/v1/todo", token, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "items"), i, it)
		if (found == NULL && strcmp(S(it, "kind"), kind) == 0)
			found = json_incref(it);
	json_decref(j);
	return (found);
}

static const char *
current_of(struct site *s)
{
	static char	 buf[64];
	char		*v = t_query(s->c, "SELECT coalesce(current::text, '—') FROM target"
	    " WHERE id = $1::bigint", 1, (const char *[]){ xprintf("%ld", s->target) });

	snprintf(buf, sizeof buf, "%s", v);
	free(v);
	return (buf);
}

Test(report_flow, a_round_from_draft_to_accepted, .timeout = 180)
{
	struct site	 s;
	json_t		*j, *it;
	char		*tpath, *gpath, *fp, *st;
	const char	*p1[1];

	site_start(&s, "2012-09-05T10:00+08:00");
	tpath = xprintf("/api/v1/targets/%ld", s.target);
	gpath = xprintf("/api/v1/tasks/%ld", s.task1);
	st = round_state(&s, s.general);
	cr_expect_str_eq(st, "未报送");
	free(st);

	/* The clerk saves: a draft.  The reported value does not move; the
	 * office sees the draft, the general office does not. */
	cr_assert_eq(call(&s, "PATCH", tpath, s.clerk,
	    "{\"current\":6500,\"note\":\"秋季学期已资助 6500 名\"}", &j), 200);
	cr_expect(json_is_null(json_object_get(j, "current")));
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(json_object_get(j,
	    "draft"), "fields"), "current")), 6500);
	json_decref(j);
	cr_expect_str_eq(current_of(&s), "—");
	cr_assert_eq(call(&s, "GET", gpath, s.head, NULL, &j), 200);
	cr_expect_eq(json_array_size(json_object_get(j, "drafts")), 1);
	json_decref(j);
	cr_assert_eq(call(&s, "GET", gpath, s.general, NULL, &j), 200);
	cr_expect_eq(json_array_size(json_object_get(j, "drafts")), 0);
	json_decref(j);
	st = round_state(&s, s.general);
	cr_expect_str_eq(st, "草稿");
	free(st);
	it = todo_item(&s, s.clerk, "dispatch");
	cr_assert_not_null(it);
	cr_expect_str_eq(S(it, "due_on"), "2012-09-14");
	cr_expect_str_eq(S(it, "state_label"), "草稿");
	json_decref(it);

	/* Submitting names the led task nothing covers, and writes nothing. */
	fp = t_fingerprint(s.c);
	cr_expect_eq(step(&s, "submit", s.clerk, NULL, &j), 422);
	cr_expect_str_eq(S(j, "field"), "confirm");
	cr_expect(strstr(S(j, "detail"), "实施低保家庭中小学生午餐免费补贴政策") != NULL, "%s",
	    S(j, "detail"));
	cr_expect_eq(json_array_size(json_object_get(json_object_get(j, "current"),
	    "uncovered")), 1);
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	/* Confirmed: to the head.  The draft is locked while it waits. */
	cr_assert_eq(step(&s, "submit", s.clerk, "{\"confirm\":true}", &j), 200);
	cr_expect_str_eq(S(j, "state_label"), "待审核");
	json_decref(j);
	st = round_state(&s, s.general);
	cr_expect_str_eq(st, "待审核");
	free(st);
	cr_expect_eq(call(&s, "PATCH", tpath, s.clerk, "{\"current\":6600}", &j), 409);
	cr_expect(strstr(S(j, "detail"), "处室负责人") != NULL, "%s", S(j, "detail"));
	json_decref(j);
	cr_expect_eq(step(&s, "submit", s.clerk, "{\"confirm\":true}", NULL), 409);
	it = todo_item(&s, s.head, "review");
	cr_assert_not_null(it);
	json_decref(it);
	it = todo_item(&s, s.clerk, "review");
	cr_expect_null(it);
	json_decref(it);

	/* The head returns it, with a reason the clerk reads in 待办. */
	cr_expect_eq(step(&s, "return", s.head, "{}", &j), 422);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	cr_assert_eq(step(&s, "return", s.head, "{\"reason\":\"请补充资助资金发放情况\"}", &j),
	    200);
	cr_expect_str_eq(S(j, "state_label"), "退回");
	json_decref(j);
	it = todo_item(&s, s.clerk, "dispatch");
	cr_assert_not_null(it);
	cr_expect_str_eq(S(it, "state_label"), "退回");
	cr_expect_str_eq(S(it, "reason"), "请补充资助资金发放情况");
	json_decref(it);

	/* Fixed and submitted again; the head 报送s it: now it is the
	 * reported value, written as the clerk, with the report. */
	cr_assert_eq(call(&s, "PATCH", tpath, s.clerk,
	    "{\"current\":7000,\"note\":\"秋季学期资助 7000 名，资金已全部发放\"}", NULL), 200);
	cr_assert_eq(step(&s, "submit", s.clerk, "{\"confirm\":true}", NULL), 200);
	cr_assert_eq(step(&s, "submit", s.head, "{\"confirm\":true}", &j), 200);
	cr_expect_str_eq(S(j, "state_label"), "已报送");
	json_decref(j);
	cr_expect_str_eq(current_of(&s), "7000");
	p1[0] = xprintf("%ld", s.target);
	EXPECT_STR(t_query(s.c, "SELECT h.actor || '|' || o.name || '|' || (h.report_id IS NOT NULL)"
	    " FROM progress h JOIN office o ON o.id = h.office_id"
	    " WHERE h.target_id = $1::bigint AND h.source = 'api'", 1, p1), "王丽|财务审计处|true");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM draft", 0, NULL), 0);
	st = round_state(&s, s.general);
	cr_expect_str_eq(st, "已报送");
	free(st);
	it = todo_item(&s, s.gperson, "decide");
	cr_assert_not_null(it);
	cr_expect_str_eq(S(it, "office"), "财务审计处");
	json_decref(it);

	/* The general office 退回s it; the clerk fixes it; it goes out again
	 * and is accepted. */
	cr_assert_eq(step(&s, "return", s.gperson, "{\"reason\":\"请说明资助标准\"}", NULL), 200);
	st = round_state(&s, s.general);
	cr_expect_str_eq(st, "退回");
	free(st);
	cr_expect_str_eq(current_of(&s), "7000");	/* what went out stays */
	it = todo_item(&s, s.clerk, "dispatch");
	cr_assert_not_null(it);
	cr_expect_str_eq(S(it, "reason"), "请说明资助标准");
	json_decref(it);
	cr_assert_eq(call(&s, "PATCH", tpath, s.clerk,
	    "{\"note\":\"秋季学期资助 7000 名，每生每年 1500 元\"}", NULL), 200);
	cr_assert_eq(step(&s, "submit", s.clerk, "{\"confirm\":true}", NULL), 200);
	cr_assert_eq(step(&s, "submit", s.head, "{\"confirm\":true}", NULL), 200);
	cr_assert_eq(step(&s, "accept", s.gperson, NULL, &j), 200);
	cr_expect_str_eq(S(j, "state_label"), "已采纳");
	cr_expect_eq(json_array_size(json_object_get(j, "steps")), 8);
	json_decref(j);
	st = round_state(&s, s.general);
	cr_expect_str_eq(st, "已采纳");
	free(st);
	cr_expect_eq(step(&s, "submit", s.clerk, "{\"confirm\":true}", NULL), 409);
	cr_expect_eq(step(&s, "accept", s.gperson, NULL, NULL), 409);

	/* Every step is recorded with the person, role and reason. */
	EXPECT_STR(t_query(s.c, "SELECT string_agg(s.action || ':' || s.actor || ':' || s.role"
	    " || coalesce(':' || s.reason, ''), ' ' ORDER BY s.id) FROM office_report_step s",
	    0, NULL),
	    "submit:王丽:clerk return:赵刚:head:请补充资助资金发放情况 submit:王丽:clerk"
	    " report:赵刚:head return:孙梅:general:请说明资助标准 submit:王丽:clerk"
	    " report:赵刚:head accept:孙梅:general");
	free((char *)p1[0]);
	free(tpath);
	free(gpath);
	site_stop(&s);
}

/* As it stood: the round's state for the office at moments of the day,
 * read from the steps (the clock of each step is the daemon's). */
Test(report_flow, a_round_reads_as_it_stood, .timeout = 120)
{
	struct site	 s;

	site_start(&s, "2012-09-05T10:00+08:00");
	t_daemon_stop(&s.d);
	/* Steps at three moments, through the SQL the daemon calls. */
	t_exec(s.c, "SELECT duban_api_patch_target(t.hash, g.id, NULL, '{\"current\":100}',"
	    " '2012-09-05T10:00+08:00') FROM api_token t, target g"
	    " WHERE t.label = '王丽' AND g.id = (SELECT g2.id FROM target g2 JOIN task k"
	    " ON k.id = g2.task_id WHERE k.key = '1' AND g2.key = 'hs-students')");
	t_exec(s.c, "SELECT duban_api_office_report(t.hash, d.id, '财务审计处', 'submit',"
	    " '{\"confirm\":true}', '2012-09-06T10:00+08:00') FROM api_token t, dispatch d"
	    " WHERE t.label = '王丽'");
	t_exec(s.c, "SELECT duban_api_office_report(t.hash, d.id, '财务审计处', 'submit',"
	    " '{\"confirm\":true}', '2012-09-17T10:00+08:00') FROM api_token t, dispatch d"
	    " WHERE t.label = '赵刚'");
	EXPECT_STR(t_query(s.c, "SELECT string_agg(duban_dispatch_state_label(o.state), ' '"
	    " ORDER BY x.at) FROM (VALUES (timestamptz '2012-09-04T10:00+08:00'),"
	    " ('2012-09-05T11:00+08:00'), ('2012-09-07T10:00+08:00'), ('2012-09-15T10:00+08:00'),"
	    " ('2012-09-18T10:00+08:00')) x(at)"
	    " CROSS JOIN LATERAL duban_dispatch_offices((SELECT max(id) FROM dispatch), x.at) o"
	    " WHERE o.name = '财务审计处'", 0, NULL),
	    "未报送 草稿 待审核 待审核 逾期报送");
	cr_expect_str_eq(current_of(&s), "100");
	/* The report as of the day before it went out reads the old value. */
	EXPECT_STR(t_query(s.c, "SELECT count(*) FROM progress WHERE at <="
	    " '2012-09-16T00:00+08:00' AND source = 'api'", 0, NULL), "0");
	t_daemon_start(&s.d, s.db, NULL, (const char *[]){ "DUBAN_NOW=2012-09-18T10:00+08:00",
	    NULL });
	site_stop(&s);
}

struct row {
	const char	*who;
	const char	*token;
	long		 get, submit, ret, accept;
};

/* Who may take which step: every role against every report route, each
 * refusal leaving the database as it was. */
Test(report_flow, who_may_take_which_step, .timeout = 180)
{
	struct site	 s;
	struct row	 rows[7];
	const char	*routes[3] = { "submit", "return", "accept" };
	char		*fp, *path, *sp;
	size_t		 i, k;
	long		 want, got;

	site_start(&s, "2012-09-05T10:00+08:00");
	/* Nothing to submit, nothing to decide: every allowed caller gets a
	 * 409 or 422 that names why, a refused one 401 or 403. */
	rows[0] = (struct row){ "nobody", NULL, 401, 401, 401, 401 };
	rows[1] = (struct row){ "inspector", s.inspector, 200, 403, 403, 403 };
	rows[2] = (struct row){ "leader", s.leader, 200, 403, 403, 403 };
	rows[3] = (struct row){ "other office", s.other, 403, 403, 403, 403 };
	rows[4] = (struct row){ "clerk", s.clerk, 200, 422, 403, 403 };
	rows[5] = (struct row){ "head", s.head, 200, 422, 409, 403 };
	rows[6] = (struct row){ "general", s.gperson, 200, 403, 409, 409 };
	fp = t_fingerprint(s.c);
	for (i = 0; i < 7; i++) {
		got = call(&s, "GET", "/api/v1/offices/" FINANCE "/report", rows[i].token,
		    NULL, NULL);
		cr_expect_eq(got, rows[i].get, "GET report as %s: %ld", rows[i].who, got);
		for (k = 0; k < 3; k++) {
			want = k == 0 ? rows[i].submit : k == 1 ? rows[i].ret : rows[i].accept;
			path = xprintf("/api/v1/dispatches/%ld/offices/%s/%s", s.round,
			    FINANCE, routes[k]);
			got = call(&s, "POST", path, rows[i].token,
			    k == 1 ? "{\"reason\":\"补充\"}" : NULL, NULL);
			cr_expect_eq(got, want, "%s as %s: %ld", routes[k], rows[i].who, got);
			free(path);
			/* Outside rounds, the same answers, save that a
			 * submission with no drafts is a 422 too. */
			sp = xprintf("/api/v1/offices/%s/report/%s", FINANCE, routes[k]);
			got = call(&s, "POST", sp, rows[i].token,
			    k == 1 ? "{\"reason\":\"补充\"}" : NULL, NULL);
			cr_expect_eq(got, want, "standing %s as %s: %ld", routes[k], rows[i].who,
			    got);
			free(sp);
		}
	}
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	/* 催办 is the general office's alone; a refusal sends nothing. */
	path = xprintf("/api/v1/dispatches/%ld/offices/%s/urge", s.round, FINANCE);
	for (i = 0; i < 6; i++) {
		want = i == 0 ? 401 : 403;
		got = call(&s, "POST", path, rows[i].token, NULL, NULL);
		cr_expect_eq(got, want, "urge as %s: %ld", rows[i].who, got);
	}
	cr_expect_eq(call(&s, "POST", path, s.office, NULL, NULL), 403, "the office's own token");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM reminder WHERE key LIKE '%.urge.%'",
	    0, NULL), 0);
	cr_expect_eq(call(&s, "POST", path, s.gperson, NULL, NULL), 201);
	cr_expect_eq(call(&s, "POST", path, s.general, NULL, NULL), 409, "once a day");
	free(path);
	/* A round that does not exist, an office not in it. */
	cr_expect_eq(call(&s, "POST", "/api/v1/dispatches/99999/offices/" FINANCE "/submit",
	    s.clerk, NULL, NULL), 404);
	path = xprintf("/api/v1/dispatches/%ld/offices/%%E4%%BA%%BA%%E4%%BA%%8B%%E5%%A4%%84/submit",
	    s.round);	/* 人事处 */
	cr_expect_eq(call(&s, "POST", path, s.clerk, NULL, NULL), 404);
	free(path);
	/* Bad bodies name the field. */
	path = xprintf("/api/v1/dispatches/%ld/offices/%s/submit", s.round, FINANCE);
	cr_expect_eq(call(&s, "POST", path, s.clerk, "{\"confirm\":\"yes\"}", NULL), 400);
	cr_expect_eq(call(&s, "POST", path, s.clerk, "{\"other\":1}", NULL), 400);
	free(path);
	/* Drafts are the office's: another office's clerk cannot write this
	 * task at all, and the drafts never show outside the office. */
	path = xprintf("/api/v1/targets/%ld", s.target);
	cr_expect_eq(call(&s, "PATCH", path, s.other, "{\"current\":1}", NULL), 403);
	free(path);
	site_stop(&s);
}

/* A bureau that does not ask its heads: the clerk's submission goes out
 * at once; outside rounds, a standing report. */
Test(report_flow, without_the_heads_review_and_outside_rounds, .timeout = 180)
{
	struct site	 s;
	json_t		*j;
	char		*mpath;

	site_start(&s, "2012-09-05T10:00+08:00");
	mpath = xprintf("/api/v1/milestones/%ld", s.milestone);

	/* Standing report: the clerk's milestone, to the head, 报送, 采纳. */
	cr_assert_eq(call(&s, "PATCH", mpath, s.clerk,
	    "{\"status\":\"in_progress\",\"note\":\"已下达资金\"}", NULL), 200);
	cr_expect_eq(call(&s, "POST", "/api/v1/offices/" FINANCE "/report/submit", s.clerk,
	    NULL, &j), 200);
	cr_expect_str_eq(S(j, "state_label"), "待审核");
	json_decref(j);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM milestone WHERE note = '已下达资金'",
	    0, NULL), 0);
	cr_expect_eq(call(&s, "POST", "/api/v1/offices/" FINANCE "/report/submit", s.head,
	    NULL, &j), 200);
	cr_expect_str_eq(S(j, "state_label"), "已报送");
	json_decref(j);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM milestone WHERE note = '已下达资金'",
	    0, NULL), 1);
	cr_expect_eq(call(&s, "POST", "/api/v1/offices/" FINANCE "/report/accept", s.gperson,
	    NULL, NULL), 200);

	/* Review off: straight out, and the answer says why. */
	t_exec(s.c, "SELECT duban_review_by_head_set(NULL, false)");
	cr_assert_eq(call(&s, "PATCH", mpath, s.clerk, "{\"note\":\"资金已全部下达\"}", NULL), 200);
	cr_expect_eq(call(&s, "POST", "/api/v1/offices/" FINANCE "/report/submit", s.clerk,
	    NULL, &j), 200);
	cr_expect_str_eq(S(j, "state_label"), "已报送");
	cr_expect(strstr(S(j, "note"), "不要求处室负责人审核") != NULL, "%s", S(j, "note"));
	json_decref(j);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM milestone"
	    " WHERE note = '资金已全部下达'", 0, NULL), 1);

	/* An office's own script token writes directly, as before. */
	cr_assert_eq(call(&s, "PATCH", mpath, s.office, "{\"note\":\"脚本直接写入\"}", NULL), 200);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM milestone WHERE note = '脚本直接写入'",
	    0, NULL), 1);
	free(mpath);
	site_stop(&s);
}

static void
cli_as(struct t_run *r, struct site *s, const char *token, const char *const *args)
{
	setenv("DUBAN_SERVER", s->d.url, 1);
	setenv("DUBAN_TOKEN", token, 1);
	t_cli(r, s->db, args);
	unsetenv("DUBAN_SERVER");
	unsetenv("DUBAN_TOKEN");
}

/* `duban dispatch submit|return|accept` and `duban dispatch review`. */
Test(report_flow, from_the_command_line, .timeout = 180)
{
	struct site	 s;
	struct t_run	 r;
	char		*tpath, round[24];

	site_start(&s, "2012-09-05T10:00+08:00");
	snprintf(round, sizeof round, "%ld", s.round);
	tpath = xprintf("/api/v1/targets/%ld", s.target);
	cr_assert_eq(call(&s, "PATCH", tpath, s.clerk, "{\"current\":7000}", NULL), 200);

	/* Without --confirm, the uncovered task is named; nothing changes. */
	cli_as(&r, &s, s.clerk, (const char *[]){ "dispatch", "submit", round, "财务审计处",
	    NULL });
	cr_expect_neq(r.status, 0);
	cr_expect(strstr(r.err, "实施低保家庭中小学生午餐免费补贴政策") != NULL, "%s", r.err);
	t_run_free(&r);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM office_report", 0, NULL), 0);

	cli_as(&r, &s, s.clerk, (const char *[]){ "dispatch", "submit", round, "财务审计处",
	    "--confirm", NULL });
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "财务审计处：待审核") != NULL, "%s", r.out);
	t_run_free(&r);

	/* 退回 needs a reason. */
	cli_as(&r, &s, s.head, (const char *[]){ "dispatch", "return", round, "财务审计处",
	    NULL });
	cr_expect_eq(r.status, 64, "%s", r.err);
	t_run_free(&r);
	cli_as(&r, &s, s.head, (const char *[]){ "dispatch", "submit", round, "财务审计处",
	    "--confirm", NULL });
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "财务审计处：已报送") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "王丽（clerk）待审核") != NULL, "%s", r.out);
	t_run_free(&r);
	cli_as(&r, &s, s.gperson, (const char *[]){ "dispatch", "accept", round, "财务审计处",
	    NULL });
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "财务审计处：已采纳") != NULL, "%s", r.out);
	t_run_free(&r);

	/* The bureau's setting, on the database host. */
	t_cli(&r, s.db, (const char *[]){ "dispatch", "review", "off", NULL });
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "已关闭处室负责人审核") != NULL, "%s", r.out);
	t_run_free(&r);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM organisation WHERE review_by_head",
	    0, NULL), 0);
	t_cli(&r, s.db, (const char *[]){ "dispatch", "review", "maybe", NULL });
	cr_expect_eq(r.status, 64, "%s", r.err);
	t_run_free(&r);
	free(tpath);
	site_stop(&s);
}
