/*
 * 延期申请: an office asks for a milestone's date to move, the general
 * office approves or rejects it; the milestone, its history, the lists
 * and the quarterly report (now and as of an earlier date) say so; every
 * refusal leaves the database as it was.  Real duband, real PostgreSQL,
 * on an injected clock (DUBAN_NOW).
 *
 * The plan: jilin-2012, task 5① (开展义务教育阶段教师交流工作), led by
 * 人事处, whose 完成时限 milestone is due 2012-09-30.
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
#define N(o, k)	json_integer_value(json_object_get((o), (k)))
#define JSON	"Content-Type: application/json"

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	long		 ms;		/* 5①'s 完成时限 */
	char		 ms_s[24];
	long		 task;
	long		 ms_other;	/* a milestone 人事处 may not write */
	char		*general, *office, *other, *inspector, *clerk, *leader, *gperson;
};

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "general", NULL, NULL, NULL, "general" },
	{ "office", NULL, NULL, "人事处", "office" },
	{ "other", NULL, NULL, "财务审计处", "office" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
	{ "clerk", "liuyang", "刘洋", "人事处", "clerk" },
	{ "leader", "yangfq", "杨凤琴", NULL, "leader" },
	{ "gperson", "wangli", "王丽", "局办公室", "general" },
};

/* The snapshot the sites copy: the plan (a path) loaded, the tokens kept. */
static void
site_build(const char *db, void *plan)
{
	const char	*load[] = { "plan", "load", plan, NULL };

	t_cli_ok(db, load);
	t_keep_who(db, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0]);
}

static void
site_start_plan(struct site *s, const char *now, const char *plan)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };
	char		*tag, *text;

	memset(s, 0, sizeof *s);
	/* A snapshot per plan text. */
	tag = t_tag("extensions", text = t_read_file(plan, NULL));
	s->db = t_db_snapshot(tag, site_build, (void *)plan);
	free(text);
	free(tag);
	s->c = t_connect(s->db);
	s->ms = t_query_long(s->c, "SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id"
	    " WHERE t.label = '5①' AND m.kind = 'deadline'", 0, NULL);
	snprintf(s->ms_s, sizeof s->ms_s, "%ld", s->ms);
	s->task = t_query_long(s->c, "SELECT task_id FROM milestone WHERE id = $1::bigint", 1,
	    (const char *[]){ s->ms_s });
	s->ms_other = t_query_long(s->c, "SELECT m.id FROM milestone m JOIN task t"
	    " ON t.id = m.task_id WHERE t.label = '1' AND m.kind = 'deadline'", 0, NULL);
	EXPECT_STR(t_query(s->c, "SELECT due_on::text FROM milestone WHERE id = $1::bigint", 1,
	    (const char *[]){ s->ms_s }), "2012-09-30");
	s->general = t_kept(s->db, "general");
	s->office = t_kept(s->db, "office");
	s->other = t_kept(s->db, "other");
	s->inspector = t_kept(s->db, "inspector");
	s->clerk = t_kept(s->db, "clerk");
	s->leader = t_kept(s->db, "leader");
	s->gperson = t_kept(s->db, "gperson");
	t_daemon_start(&s->d, s->db, NULL, env);
	free(env_now);
}

static void
site_start(struct site *s, const char *now)
{
	site_start_plan(s, now, JILIN);
}

static void
site_restart(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	t_daemon_stop(&s->d);
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
	free(s->other);
	free(s->inspector);
	free(s->clerk);
	free(s->leader);
	free(s->gperson);
	free(s->db);
}

/* One call: its status, and its answer parsed (if out). */
/* A request to the site's duband (t_call). */
#define call(s, ...)	t_call(&(s)->d, __VA_ARGS__)

static char *
ms_path(long ms)
{
	return (xprintf("/api/v1/milestones/%ld/extensions", ms));
}

/* Asks for the milestone to move to date; the request's id on 201. */
static long
ask(struct site *s, const char *token, long ms, const char *date, long want)
{
	char	*path = ms_path(ms), *body = xprintf("{\"new_date\":\"%s\","
	    "\"reason\":\"交流教师名单须待县区核定后方能确定\"}", date);
	json_t	*j;
	long	 status, id = 0;

	status = call(s, "POST", path, token, body, &j);
	cr_expect_eq(status, want, "%s", json_dumps(j, 0));
	if (status == 201)
		id = N(j, "id");
	json_decref(j);
	free(path);
	free(body);
	return (id);
}

static long
decide(struct site *s, const char *token, long id, const char *action, const char *body,
    json_t **out)
{
	char	*path = xprintf("/api/v1/extensions/%ld/%s", id, action);
	long	 status;

	status = call(s, "POST", path, token, body, out);
	free(path);
	return (status);
}

static json_t *
milestone(struct site *s, long ms)
{
	char	*path = xprintf("/api/v1/milestones/%ld", ms);
	json_t	*j;

	cr_assert_eq(call(s, "GET", path, s->inspector, NULL, &j), 200);
	free(path);
	return (j);
}

/* The first item of a kind in a token's 待办, or NULL (the caller frees). */
static json_t *
todo_item(struct site *s, const char *token, const char *kind)
{
	json_t	*j, *it, *found = NULL;
	size_t	 i;

	cr_assert_eq(call(s, "GET", "/api/v1/todo", token, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "items"), i, it)
		if (found == NULL && strcmp(json_string_value(json_object_get(it, "kind")), kind) == 0)
			found = json_incref(it);
	json_decref(j);
	return (found);
}

Test(extensions, requested_approved_moves_the_date_and_keeps_the_original, .timeout = 180)
{
	struct site	 s;
	struct t_run	 r;
	json_t		*j, *x, *h;
	const char	*load[] = { "plan", "load", JILIN, NULL };
	char		*path;
	size_t		 i;
	long		 id;
	int		 asked = 0, moved = 0;

	site_start(&s, "2012-09-03T09:00+08:00");
	/* A clerk of the lead office asks. */
	path = ms_path(s.ms);
	cr_assert_eq(call(&s, "POST", path, s.clerk, "{\"new_date\":\"2012-10-31\","
	    "\"reason\":\"交流教师名单须待县区核定\"}", &j), 201);
	free(path);
	id = N(j, "id");
	cr_expect_str_eq(S(j, "state"), "pending");
	cr_expect_str_eq(S(j, "due_on"), "2012-09-30");
	cr_expect_str_eq(S(j, "new_due_on"), "2012-10-31");
	cr_expect_str_eq(S(j, "requested_by"), "刘洋");
	cr_expect_str_eq(S(j, "requested_role"), "clerk");
	cr_expect_str_eq(S(j, "requested_office"), "人事处");
	cr_expect_str_eq(S(j, "reason"), "交流教师名单须待县区核定");
	json_decref(j);

	/* Pending: the date has not moved; the lists show it to whom they should. */
	j = milestone(&s, s.ms);
	cr_expect_str_eq(S(j, "due_on"), "2012-09-30");
	cr_expect(json_is_null(json_object_get(j, "original_due_on")));
	cr_expect_eq(N(j, "extensions"), 0);
	cr_expect_eq(json_array_size(json_object_get(j, "extension_requests")), 1);
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/extensions?state=pending", s.general, NULL, &j),
	    200);
	cr_expect_eq(json_array_size(j), 1);
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/extensions?state=pending", s.office, NULL, &j),
	    200);
	cr_expect_eq(json_array_size(j), 1);
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/extensions?state=pending", s.other, NULL, &j),
	    200);
	cr_expect_eq(json_array_size(j), 0, "another office sees none");
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/extensions?state=later", s.general, NULL, &j),
	    422);
	cr_expect_str_eq(S(j, "field"), "state");
	json_decref(j);
	/* In the 待办: the general office's to decide, the office's awaited. */
	x = todo_item(&s, s.gperson, "extension_decide");
	cr_assert_not_null(x);
	cr_expect_eq(N(x, "extension_id"), id);
	cr_expect_str_eq(S(x, "new_due_on"), "2012-10-31");
	json_decref(x);
	x = todo_item(&s, s.clerk, "extension");
	cr_assert_not_null(x);
	cr_expect_str_eq(S(x, "state"), "pending");
	json_decref(x);

	/* The general office approves, two days later. */
	site_restart(&s, "2012-09-05T10:00+08:00");
	cr_assert_eq(decide(&s, s.gperson, id, "approve", "{\"reason\":\"理由充分，同意延期\"}", &j),
	    200);
	cr_expect_str_eq(S(j, "state"), "approved");
	cr_expect_str_eq(S(j, "decided_by"), "王丽");
	cr_expect_str_eq(S(j, "decided_role"), "general");
	cr_expect_str_eq(S(j, "decided_office"), "局办公室");
	cr_expect_str_eq(S(j, "decision_reason"), "理由充分，同意延期");
	json_decref(j);
	/* Decided: gone from the general office's 待办; the office reads it. */
	x = todo_item(&s, s.gperson, "extension_decide");
	cr_expect_null(x);
	json_decref(x);
	x = todo_item(&s, s.clerk, "extension");
	cr_assert_not_null(x);
	cr_expect_str_eq(S(x, "state"), "approved");
	cr_expect_str_eq(S(x, "reason"), "理由充分，同意延期");
	json_decref(x);

	j = milestone(&s, s.ms);
	cr_expect_str_eq(S(j, "due_on"), "2012-10-31");
	cr_expect_str_eq(S(j, "original_due_on"), "2012-09-30");
	cr_expect_eq(N(j, "extensions"), 1);
	x = json_array_get(json_object_get(j, "extension_requests"), 0);
	cr_expect_str_eq(S(x, "state"), "approved");
	json_decref(j);

	/* The task's history names each step's person, office and reason. */
	path = xprintf("/api/v1/tasks/%ld", s.task);
	cr_assert_eq(call(&s, "GET", path, s.inspector, NULL, &j), 200);
	free(path);
	json_array_foreach(json_object_get(j, "history"), i, h) {
		if (N(h, "milestone_id") != s.ms || strcmp(S(h, "source"), "extension") != 0)
			continue;
		if (strcmp(S(h, "field"), "extension_requested") == 0) {
			asked++;
			cr_expect_str_eq(S(h, "actor"), "刘洋");
			cr_expect_str_eq(S(h, "office"), "人事处");
			cr_expect_str_eq(S(h, "new"), "2012-10-31");
			cr_expect_str_eq(S(h, "note"), "交流教师名单须待县区核定");
		} else if (strcmp(S(h, "field"), "due_on") == 0) {
			moved++;
			cr_expect_str_eq(S(h, "actor"), "王丽");
			cr_expect_str_eq(S(h, "office"), "局办公室");
			cr_expect_str_eq(S(h, "old"), "2012-09-30");
			cr_expect_str_eq(S(h, "new"), "2012-10-31");
			cr_expect_str_eq(S(h, "note"), "理由充分，同意延期");
		}
	}
	cr_expect_eq(asked, 1);
	cr_expect_eq(moved, 1);
	json_decref(j);

	/* Reminders follow the new date: they read milestone.due_on. */
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM milestone WHERE id = $1::bigint"
	    " AND due_on = '2012-10-31'", 1, (const char *[]){ s.ms_s }), 1);

	/* Loading the plan again keeps the approved date. */
	t_cli(&r, s.db, load);
	cr_expect_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	j = milestone(&s, s.ms);
	cr_expect_str_eq(S(j, "due_on"), "2012-10-31");
	cr_expect_eq(N(j, "extensions"), 1);
	json_decref(j);

	/* Decided once: a second decision is refused. */
	cr_expect_eq(decide(&s, s.general, id, "reject", "{\"reason\":\"再议\"}", &j), 409);
	json_decref(j);
	site_stop(&s);
}

Test(extensions, rejected_with_a_reason_leaves_the_date, .timeout = 180)
{
	struct site	 s;
	json_t		*j;
	char		*fp;
	long		 id;

	site_start(&s, "2012-09-03T09:00+08:00");
	id = ask(&s, s.office, s.ms, "2012-11-30", 201);

	fp = t_fingerprint(s.c);
	cr_expect_eq(decide(&s, s.general, id, "reject", NULL, &j), 422);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	cr_expect_eq(decide(&s, s.general, id, "reject", "{\"reason\":\"  \"}", &j), 422);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	cr_expect_eq(decide(&s, s.general, id, "reject", "{\"why\":\"x\"}", &j), 400);
	json_decref(j);
	cr_expect_eq(decide(&s, s.general, id + 100, "reject", "{\"reason\":\"x\"}", &j), 404);
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	cr_assert_eq(decide(&s, s.general, id, "reject", "{\"reason\":\"时限为市政府确定，不予延期\"}",
	    &j), 200);
	cr_expect_str_eq(S(j, "state"), "rejected");
	cr_expect_str_eq(S(j, "decision_reason"), "时限为市政府确定，不予延期");
	json_decref(j);
	j = milestone(&s, s.ms);
	cr_expect_str_eq(S(j, "due_on"), "2012-09-30");
	cr_expect(json_is_null(json_object_get(j, "original_due_on")));
	cr_expect_eq(N(j, "extensions"), 0);
	json_decref(j);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM progress WHERE milestone_id ="
	    " $1::bigint AND field = 'extension_rejected' AND note = '时限为市政府确定，不予延期'",
	    1, (const char *[]){ s.ms_s }), 1);

	/* Rejected, it is no longer pending: the office may ask again. */
	ask(&s, s.office, s.ms, "2012-10-15", 201);
	site_stop(&s);
}

Test(extensions, refused_requests_change_nothing, .timeout = 180)
{
	static const struct {
		const char	*body;
		long		 status;
		const char	*field;
		const char	*says;
	} cases[] = {
		{ "{\"new_date\":\"2012-09-30\",\"reason\":\"x\"}", 422, "new_date", "须晚于" },
		{ "{\"new_date\":\"2012-08-31\",\"reason\":\"x\"}", 422, "new_date", "须晚于" },
		{ "{\"new_date\":\"2012-02-30\",\"reason\":\"x\"}", 422, "new_date", "不是存在的日期" },
		{ "{\"new_date\":\"下月底\",\"reason\":\"x\"}", 422, "new_date", "YYYY-MM-DD" },
		{ "{\"reason\":\"x\"}", 422, "new_date", "new_date" },
		{ "{\"new_date\":\"2012-10-31\"}", 422, "reason", "理由" },
		{ "{\"new_date\":\"2012-10-31\",\"reason\":\"\"}", 422, "reason", "理由" },
		{ "{\"new_date\":\"2012-10-31\",\"reason\":7}", 422, "reason", "文字" },
		{ "{\"new_date\":\"2012-10-31\",\"reason\":\"x\",\"by\":1}", 400, "by", "by" },
		{ "[1]", 400, NULL, "" },
		{ "", 422, "new_date", "new_date" },
	};
	struct site	 s;
	json_t		*j;
	char		*fp, *path, *got;
	size_t		 i;
	long		 late, id;

	site_start(&s, "2012-09-03T09:00+08:00");
	path = ms_path(s.ms);
	fp = t_fingerprint(s.c);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_expect_eq(call(&s, "POST", path, s.office, cases[i].body, &j), cases[i].status,
		    "case %zu: %s", i, cases[i].body);
		got = json_dumps(j, 0);
		if (cases[i].field != NULL)
			cr_expect(S(j, "field") && strcmp(S(j, "field"), cases[i].field) == 0,
			    "case %zu: %s", i, got);
		cr_expect(strstr(got, cases[i].says) != NULL, "case %zu: %s", i, got);
		free(got);
		json_decref(j);
	}
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	/* After its due date: 暑假期培训 was due 2012-08-31. */
	late = t_query_long(s.c, "SELECT id FROM milestone WHERE key = 'summer'", 0, NULL);
	fp = t_fingerprint(s.c);
	free(path);
	path = ms_path(late);
	cr_expect_eq(call(&s, "POST", path, s.general, "{\"new_date\":\"2012-10-31\","
	    "\"reason\":\"x\"}", &j), 409);
	cr_expect(strstr(S(j, "detail"), "到期") != NULL, "%s", S(j, "detail"));
	json_decref(j);
	free(path);
	cr_expect_eq(call(&s, "POST", "/api/v1/milestones/99999/extensions", s.general,
	    "{\"new_date\":\"2012-10-31\",\"reason\":\"x\"}", &j), 404);
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	/* One pending request at a time. */
	id = ask(&s, s.office, s.ms, "2012-10-31", 201);
	fp = t_fingerprint(s.c);
	ask(&s, s.clerk, s.ms, "2012-11-30", 409);
	ask(&s, s.general, s.ms, "2012-11-30", 409);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	/* On the due date itself it may still be asked; the day after, not. */
	cr_expect_eq(decide(&s, s.general, id, "reject", "{\"reason\":\"不同意\"}", NULL), 200);
	site_restart(&s, "2012-09-30T23:00+08:00");
	id = ask(&s, s.office, s.ms, "2012-10-31", 201);
	cr_expect_eq(decide(&s, s.general, id, "reject", "{\"reason\":\"不同意\"}", NULL), 200);
	site_restart(&s, "2012-10-01T00:10+08:00");
	fp = t_fingerprint(s.c);
	ask(&s, s.office, s.ms, "2012-10-31", 409);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	site_stop(&s);
}

/*
 * Every route, every kind of caller: who may, and refusals that change
 * nothing.  Each caller's request, or the general office's when it may
 * not ask, is decided (rejected) by the general office before the next
 * caller's turn; the general office comes last and approves.
 */
Test(extensions, who_may_do_what, .timeout = 240)
{
	struct site	 s;
	struct {
		const char	*who;
		const char	*token;
		long		 ask, list, decide;
	} callers[] = {
		{ "无令牌", NULL, 401, 401, 403 },
		{ "督查人员", NULL, 403, 200, 403 },
		{ "其他处室", NULL, 403, 200, 403 },
		{ "牵头处室", NULL, 201, 200, 403 },
		{ "经办人", NULL, 201, 200, 403 },
		{ "分管领导", NULL, 403, 200, 403 },
		{ "局办公室", NULL, 201, 200, 200 },
	};
	json_t		*j;
	char		*fp, *path;
	const char	*body = "{\"new_date\":\"2012-10-31\",\"reason\":\"名单待核定\"}";
	size_t		 i;
	long		 id, status;

	site_start(&s, "2012-09-03T09:00+08:00");
	callers[1].token = s.inspector;
	callers[2].token = s.other;
	callers[3].token = s.office;
	callers[4].token = s.clerk;
	callers[5].token = s.leader;
	callers[6].token = s.gperson;
	/* Without a token, the gate answers 401 before the route's role. */
	callers[0].decide = 401;

	path = ms_path(s.ms);
	for (i = 0; i < sizeof callers / sizeof callers[0]; i++) {
		fp = t_fingerprint(s.c);
		status = call(&s, "POST", path, callers[i].token, body, &j);
		cr_expect_eq(status, callers[i].ask, "%s asks: %ld", callers[i].who, status);
		id = status == 201 ? N(j, "id") : 0;
		json_decref(j);
		if (status != 201)
			EXPECT_STR(t_fingerprint(s.c), fp);
		free(fp);
		if (id == 0)
			id = ask(&s, s.general, s.ms, "2012-10-31", 201);

		status = call(&s, "GET", "/api/v1/extensions?state=pending", callers[i].token,
		    NULL, &j);
		cr_expect_eq(status, callers[i].list, "%s lists: %ld", callers[i].who, status);
		json_decref(j);

		fp = t_fingerprint(s.c);
		if (callers[i].decide == 200) {
			status = decide(&s, callers[i].token, id, "approve",
			    "{\"reason\":\"同意\"}", NULL);
			cr_expect_eq(status, 200, "%s approves: %ld", callers[i].who, status);
			free(fp);
			continue;
		}
		status = decide(&s, callers[i].token, id, "approve", "{\"reason\":\"同意\"}",
		    NULL);
		cr_expect_eq(status, callers[i].decide, "%s approves: %ld", callers[i].who,
		    status);
		status = decide(&s, callers[i].token, id, "reject", "{\"reason\":\"不同意\"}",
		    NULL);
		cr_expect_eq(status, callers[i].decide, "%s rejects: %ld", callers[i].who,
		    status);
		EXPECT_STR(t_fingerprint(s.c), fp);
		free(fp);
		cr_assert_eq(decide(&s, s.general, id, "reject", "{\"reason\":\"不同意\"}", NULL),
		    200);
	}
	free(path);
	j = milestone(&s, s.ms);
	cr_expect_str_eq(S(j, "due_on"), "2012-10-31");
	cr_expect_eq(json_array_size(json_object_get(j, "extension_requests")), 7);
	json_decref(j);
	site_stop(&s);
}

/* The quarterly report: 已延期（原定…）, on time against the new date, and
 * as of a date before the approval, the original date. */
Test(extensions, reports_show_the_extension_as_it_stood, .timeout = 240)
{
	struct site	 s;
	struct t_run	 r;
	json_t		*rep, *t, *ms;
	char		*path, *body;
	size_t		 i;
	long		 id;

	site_start(&s, "2012-09-03T09:00+08:00");
	id = ask(&s, s.office, s.ms, "2012-10-31", 201);
	site_restart(&s, "2012-09-20T10:00+08:00");
	cr_assert_eq(decide(&s, s.general, id, "approve", "{\"reason\":\"同意\"}", NULL), 200);
	/* Done on 20 October: late against 30 September, on time against 31 October. */
	site_restart(&s, "2012-10-20T10:00+08:00");
	path = xprintf("/api/v1/milestones/%ld", s.ms);
	body = xstrdup("{\"status\":\"done\",\"completed_on\":\"2012-10-20\"}");
	cr_assert_eq(call(&s, "PATCH", path, s.office, body, NULL), 200);
	free(path);
	free(body);

	setenv("DUBAN_NOW", "2012-11-05T09:00+08:00", 1);
	{
		const char *md[] = { "report", "quarterly", "--plan", "jilin-2012",
		    "--quarter", "2012Q4", "--format", "md", NULL };
		const char *js[] = { "report", "quarterly", "--plan", "jilin-2012",
		    "--quarter", "2012Q4", "--format", "json", NULL };

		t_cli(&r, s.db, md);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "完成时限：2012年10月31日，已延期（原定 2012年9月30日）") != NULL,
		    "%s", r.out);
		t_run_free(&r);
		t_cli(&r, s.db, js);
		cr_assert_eq(r.status, 0, "%s", r.err);
		rep = json_loads(r.out, 0, NULL);
		cr_assert_not_null(rep);
		t_run_free(&r);
	}
	json_array_foreach(json_object_get(rep, "tasks"), i, t) {
		if (strcmp(S(t, "label"), "5①") != 0)
			continue;
		ms = json_object_get(t, "milestones");
		cr_expect_eq(N(ms, "due"), 1);
		cr_expect_eq(N(ms, "done"), 1);
		cr_expect_eq(N(ms, "on_time"), 1, "on time against the approved date");
		cr_expect_eq(N(ms, "overdue"), 0);
		cr_expect_str_eq(S(json_array_get(json_object_get(ms, "extended_items"), 0),
		    "original_due_on"), "2012-09-30");
	}
	cr_expect_eq(N(json_object_get(json_object_get(rep, "summary"), "milestones"),
	    "extended"), 1);
	json_decref(rep);

	/* The third quarter as of 10 September, before the approval: due
	 * on 30 September, in that quarter, and not extended. */
	{
		const char *md[] = { "report", "quarterly", "--plan", "jilin-2012",
		    "--quarter", "2012Q3", "--as-of", "2012-09-10", "--format", "md", NULL };
		const char *js[] = { "report", "quarterly", "--plan", "jilin-2012",
		    "--quarter", "2012Q3", "--as-of", "2012-09-10", "--format", "json", NULL };
		const char *fin[] = { "report", "quarterly", "--plan", "jilin-2012",
		    "--quarter", "2012Q3", "--format", "json", NULL };

		t_cli(&r, s.db, md);
		cr_assert_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "已延期") == NULL, "%s", r.out);
		t_run_free(&r);
		t_cli(&r, s.db, js);
		cr_assert_eq(r.status, 0, "%s", r.err);
		rep = json_loads(r.out, 0, NULL);
		t_run_free(&r);
		json_array_foreach(json_object_get(rep, "tasks"), i, t) {
			if (strcmp(S(t, "label"), "5①") != 0)
				continue;
			ms = json_object_get(t, "milestones");
			cr_expect_eq(N(ms, "due_this_quarter"), 1, "still due on 30 September");
			cr_expect_eq(json_array_size(json_object_get(ms, "extended_items")), 0);
		}
		json_decref(rep);
		/* The whole quarter, made after: extended, not due in it. */
		t_cli(&r, s.db, fin);
		cr_assert_eq(r.status, 0, "%s", r.err);
		rep = json_loads(r.out, 0, NULL);
		t_run_free(&r);
		json_array_foreach(json_object_get(rep, "tasks"), i, t) {
			if (strcmp(S(t, "label"), "5①") != 0)
				continue;
			ms = json_object_get(t, "milestones");
			cr_expect_eq(N(ms, "due_this_quarter"), 0);
			cr_expect_eq(json_array_size(json_object_get(ms, "extended_items")), 1);
		}
		json_decref(rep);
	}
	unsetenv("DUBAN_NOW");
	site_stop(&s);
}

/* `duban extension list | approve | reject` through duband, as the token says. */
Test(extensions, the_cli_lists_approves_and_rejects, .timeout = 180)
{
	struct site	 s;
	struct t_run	 r;
	char		*tokfile, *server;
	long		 id;

	site_start(&s, "2012-09-03T09:00+08:00");
	tokfile = xprintf("%s/general.token", t_tmpdir());
	t_write_file(tokfile, s.general, strlen(s.general));
	server = s.d.url;
	id = ask(&s, s.office, s.ms, "2012-10-31", 201);
	{
		const char *list[] = { "extension", "list", "--server", server, "--token-file",
		    tokfile, NULL };
		const char *none[] = { "extension", "approve", "1", "--server", server,
		    "--token-file", tokfile, NULL };
		const char *ok[] = { "extension", "approve", "1", "--reason", "同意",
		    "--server", server, "--token-file", tokfile, NULL };
		char *fp;

		cr_assert_eq(id, 1);
		t_cli(&r, s.db, list);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "待审批") != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "2012-10-31") != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "交流教师名单") != NULL, "%s", r.out);
		t_run_free(&r);

		fp = t_fingerprint(s.c);
		t_cli(&r, s.db, none);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, "理由") != NULL, "%s", r.err);
		t_run_free(&r);
		EXPECT_STR(t_fingerprint(s.c), fp);
		free(fp);

		t_cli(&r, s.db, ok);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "已批准") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	id = ask(&s, s.office, s.ms, "2012-11-30", 201);
	{
		const char *rej[] = { "extension", "reject", "2", "--reason", "不再延期",
		    "--server", server, "--token-file", tokfile, NULL };
		const char *all[] = { "extension", "list", "--state", "all", "--server", server,
		    "--token-file", tokfile, NULL };

		t_cli(&r, s.db, rej);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "未批准") != NULL, "%s", r.out);
		t_run_free(&r);
		t_cli(&r, s.db, all);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "已批准") != NULL && strstr(r.out, "未批准") != NULL,
		    "%s", r.out);
		t_run_free(&r);
	}
	free(tokfile);
	site_stop(&s);
}

/*
 * extension_review: leader: the general office's yes is a review, and the
 * task's 分管领导 (5①'s is 杨凤琴) decides; no one else may take that step.
 */
Test(extensions, where_the_plan_says_the_leader_decides_after_the_general_office,
    .timeout = 180)
{
	struct site	 s;
	json_t		*j, *h;
	char		*yaml, *plan, *fp, *other, *path, *text;
	size_t		 len, i;
	long		 id;
	int		 reviewed = 0, moved = 0;

	yaml = t_read_file(JILIN, &len);
	cr_assert_not_null(strstr(yaml, "\nplan:\n"));
	text = xprintf("%.*s  extension_review: leader\n%s",
	    (int)(strstr(yaml, "\nplan:\n") + 7 - yaml), yaml, strstr(yaml, "\nplan:\n") + 7);
	plan = xprintf("%s/jilin-2012.yaml", t_tmpdir());
	t_write_file(plan, text, strlen(text));
	free(text);
	free(yaml);
	site_start_plan(&s, "2012-09-03T09:00+08:00", plan);
	other = t_person_token(s.db, "hanfei", "韩非", NULL, "leader");

	id = ask(&s, s.office, s.ms, "2012-10-31", 201);
	/* The leader may not go first. */
	fp = t_fingerprint(s.c);
	cr_expect_eq(decide(&s, s.leader, id, "approve", "{\"reason\":\"同意\"}", NULL), 403);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	cr_assert_eq(decide(&s, s.gperson, id, "approve", "{\"reason\":\"拟同意，报分管领导\"}",
	    &j), 200);
	cr_expect_str_eq(S(j, "state"), "reviewed");
	cr_expect_str_eq(S(j, "reviewed_by"), "王丽");
	cr_expect_str_eq(S(j, "review_reason"), "拟同意，报分管领导");
	cr_expect(json_is_true(json_object_get(j, "leader_review")));
	cr_expect(json_is_null(json_object_get(j, "decided_at")));
	json_decref(j);
	j = milestone(&s, s.ms);
	cr_expect_str_eq(S(j, "due_on"), "2012-09-30", "not moved until the leader decides");
	cr_expect_eq(N(j, "extensions"), 0);
	json_decref(j);
	cr_expect_eq(call(&s, "GET", "/api/v1/extensions?state=reviewed", s.leader, NULL, &j),
	    200);
	cr_expect_eq(json_array_size(j), 1);
	json_decref(j);
	/* The task's 分管领导 has it in the 待办; another leader does not. */
	j = todo_item(&s, s.leader, "extension_decide");
	cr_assert_not_null(j);
	cr_expect_eq(N(j, "extension_id"), id);
	json_decref(j);
	j = todo_item(&s, other, "extension_decide");
	cr_expect_null(j);
	json_decref(j);

	/* Still open: no second request; not the general office again, not
	 * an office, not another leader. */
	fp = t_fingerprint(s.c);
	ask(&s, s.office, s.ms, "2012-11-30", 409);
	cr_expect_eq(decide(&s, s.general, id, "approve", "{\"reason\":\"同意\"}", &j), 403);
	cr_expect(strstr(S(j, "detail"), "分管领导") != NULL, "%s", S(j, "detail"));
	json_decref(j);
	cr_expect_eq(decide(&s, s.office, id, "approve", "{\"reason\":\"同意\"}", NULL), 403);
	cr_expect_eq(decide(&s, other, id, "approve", "{\"reason\":\"同意\"}", NULL), 403);
	cr_expect_eq(decide(&s, s.leader, id, "approve", "{}", &j), 422);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	cr_assert_eq(decide(&s, s.leader, id, "approve", "{\"reason\":\"同意延期\"}", &j), 200);
	cr_expect_str_eq(S(j, "state"), "approved");
	cr_expect_str_eq(S(j, "decided_by"), "杨凤琴");
	cr_expect_str_eq(S(j, "decided_role"), "leader");
	json_decref(j);
	j = milestone(&s, s.ms);
	cr_expect_str_eq(S(j, "due_on"), "2012-10-31");
	cr_expect_str_eq(S(j, "original_due_on"), "2012-09-30");
	cr_expect_eq(N(j, "extensions"), 1);
	json_decref(j);

	path = xprintf("/api/v1/tasks/%ld", s.task);
	cr_assert_eq(call(&s, "GET", path, s.inspector, NULL, &j), 200);
	free(path);
	json_array_foreach(json_object_get(j, "history"), i, h) {
		if (N(h, "milestone_id") != s.ms)
			continue;
		if (strcmp(S(h, "field"), "extension_reviewed") == 0) {
			reviewed++;
			cr_expect_str_eq(S(h, "actor"), "王丽");
			cr_expect_str_eq(S(h, "note"), "拟同意，报分管领导");
		} else if (strcmp(S(h, "field"), "due_on") == 0) {
			moved++;
			cr_expect_str_eq(S(h, "actor"), "杨凤琴");
			cr_expect_str_eq(S(h, "note"), "同意延期");
		}
	}
	cr_expect_eq(reviewed, 1);
	cr_expect_eq(moved, 1);
	json_decref(j);
	free(other);
	free(plan);
	site_stop(&s);
}
