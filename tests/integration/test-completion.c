/*
 * 办结审核: the lead office's head asks to close a task, the general
 * office returns it with a reason or approves it; the task's status, its
 * history, the quarterly report (now and as of an earlier date) and the
 * outbox say so; every refusal leaves the database as it was; the plan
 * field completion_review.  Real duband, real PostgreSQL, on an injected
 * clock (DUBAN_NOW).
 *
 * The plan: jilin-2012 with completion_review: yes (the shipped file says
 * no), task 5① (开展义务教育阶段教师交流工作), led by 人事处.
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
#define IS(o, k, v) cr_expect(S(o, k) != NULL && strcmp(S(o, k), (v)) == 0, "%s: %s", \
	(k), S(o, k) ? S(o, k) : "(null)")
#define JSON	"Content-Type: application/json"
#define NOTE	"{\"note\":\"交流教师已全部到岗，名单已报市政府备案\"}"

struct site {
	char		*db;
	char		*plan;		/* the plan file loaded */
	struct t_daemon	 d;
	PGconn		*c;
	long		 task;		/* 5① */
	char		 task_s[24];
	char		*general, *office, *other, *inspector, *clerk, *head, *leader,
			*gperson, *admin, *otherhead;
};

/* jilin-2012.yaml with completion_review: value (NULL: the line left out),
 * written to the test's folder as name; the path, allocated. */
static char *
jilin_with(const char *value, const char *name)
{
	const char	*line = "  completion_review: no\n";
	char		*yaml, *at, *text, *path;
	size_t		 len;

	yaml = t_read_file(JILIN, &len);
	at = strstr(yaml, line);
	cr_assert_not_null(at, "the shipped plan says completion_review: no");
	text = value == NULL ? xprintf("%.*s%s", (int)(at - yaml), yaml, at + strlen(line)) :
	    xprintf("%.*s  completion_review: %s\n%s", (int)(at - yaml), yaml, value,
	    at + strlen(line));
	path = xprintf("%s/%s", t_tmpdir(), name);
	t_write_file(path, text, strlen(text));
	free(text);
	free(yaml);
	return (path);
}

/* The accounts and tokens the tests act as, made once per run in the
 * snapshot the sites copy. */
static const struct t_who PEOPLE[] = {
	{ "general", NULL, NULL, NULL, "general" },
	{ "office", NULL, NULL, "人事处", "office" },
	{ "other", NULL, NULL, "财务审计处", "office" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
	{ "clerk", "liuyang", "刘洋", "人事处", "clerk" },
	{ "head", "zhaomin", "赵敏", "人事处", "head" },
	{ "otherhead", "sunli", "孙丽", "财务审计处", "head" },
	{ "leader", "yangfq", "杨凤琴", NULL, "leader" },
	{ "gperson", "wangli", "王丽", "局办公室", "general" },
	{ "admin", "admin1", "周强", NULL, "admin" },
};

/* The snapshot: the plan with completion_review: review loaded, and the
 * people's tokens kept. */
static void
site_build(const char *db, void *arg)
{
	const char	*load[] = { "plan", "load", NULL, NULL };
	struct t_run	 r;
	char		*plan;

	plan = jilin_with(arg, "jilin-2012-review.yaml");
	load[2] = plan;
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	free(plan);
	t_keep_who(db, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0]);
}

/* The site with the plan's completion_review: review (a value, or a value
 * and more lines of the plan header). */
static void
site_start_with(struct site *s, const char *now, const char *review)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };
	char		*tag = t_tag("completion", review);

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot(tag, site_build, (void *)review);
	free(tag);
	s->plan = jilin_with(review, "jilin-2012-review.yaml");
	s->c = t_connect(s->db);
	cr_assert_eq(t_query_long(s->c, "SELECT count(*) FROM plan WHERE completion_review",
	    0, NULL), 1);
	s->task = t_query_long(s->c, "SELECT id FROM task WHERE label = '5①'", 0, NULL);
	snprintf(s->task_s, sizeof s->task_s, "%ld", s->task);
	EXPECT_STR(t_query(s->c, "SELECT o.name FROM task_lead l JOIN office o"
	    " ON o.id = l.office_id WHERE l.task_id = $1::bigint", 1,
	    (const char *[]){ s->task_s }), "人事处");
	s->general = t_kept(s->db, "general");
	s->office = t_kept(s->db, "office");
	s->other = t_kept(s->db, "other");
	s->inspector = t_kept(s->db, "inspector");
	s->clerk = t_kept(s->db, "clerk");
	s->head = t_kept(s->db, "head");
	s->otherhead = t_kept(s->db, "otherhead");
	s->leader = t_kept(s->db, "leader");
	s->gperson = t_kept(s->db, "gperson");
	s->admin = t_kept(s->db, "admin");
	t_daemon_start(&s->d, s->db, NULL, env);
	free(env_now);
}

static void
site_start(struct site *s, const char *now)
{
	site_start_with(s, now, "yes");
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
	free(s->head);
	free(s->otherhead);
	free(s->leader);
	free(s->gperson);
	free(s->admin);
	free(s->plan);
	free(s->db);
}

/* One call: its status, and its answer parsed (if out). */
/* A request to the site's duband (t_call). */
#define call(s, ...)	t_call(&(s)->d, __VA_ARGS__)

/* POST /api/v1/tasks/{task}/completion[/action]. */
static long
post(struct site *s, const char *token, const char *action, const char *body, json_t **out)
{
	char	*path = action == NULL ? xprintf("/api/v1/tasks/%ld/completion", s->task) :
	    xprintf("/api/v1/tasks/%ld/completion/%s", s->task, action);
	long	 status;

	status = call(s, "POST", path, token, body, out);
	free(path);
	return (status);
}

/* GET /api/v1/tasks/{task} as token. */
static json_t *
task(struct site *s, const char *token)
{
	char	*path = xprintf("/api/v1/tasks/%ld", s->task);
	json_t	*j;

	cr_assert_eq(call(s, "GET", path, token, NULL, &j), 200);
	free(path);
	return (j);
}

/* The task's status on day (duban_task_status), as every list judges it. */
static char *
status_on(struct site *s, const char *day)
{
	return (t_query(s->c, "SELECT duban_task_status($1::bigint, $2::date)", 2,
	    (const char *[]){ s->task_s, day }));
}

/* 5①'s row of the quarterly report, as the CLI makes it (DUBAN_NOW now). */
static json_t *
report_row(struct site *s, const char *now, const char *quarter, const char *as_of,
    json_t **summary)
{
	const char	*args[] = { "report", "quarterly", "--plan", "jilin-2012", "--quarter",
	    quarter, "--format", "json", as_of ? "--as-of" : NULL, as_of, NULL };
	struct t_run	 r;
	json_t		*rep, *t, *row = NULL;
	size_t		 i;

	setenv("DUBAN_NOW", now, 1);
	t_cli(&r, s->db, args);
	unsetenv("DUBAN_NOW");
	cr_assert_eq(r.status, 0, "%s", r.err);
	rep = json_loads(r.out, 0, NULL);
	cr_assert_not_null(rep);
	t_run_free(&r);
	json_array_foreach(json_object_get(rep, "tasks"), i, t)
		if (strcmp(S(t, "label"), "5①") == 0)
			row = json_incref(t);
	if (summary != NULL)
		*summary = json_incref(json_object_get(rep, "summary"));
	json_decref(rep);
	cr_assert_not_null(row);
	return (row);
}

Test(completion, requested_returned_requested_again_approved, .timeout = 240)
{
	struct site	 s;
	json_t		*j, *c, *h, *row, *sum;
	size_t		 i;
	int		 steps = 0;

	site_start(&s, "2012-09-03T09:00+08:00");
	/* Before anyone asks: the panel says who may do what. */
	j = task(&s, s.head);
	c = json_object_get(j, "completion");
	cr_expect(json_is_true(json_object_get(c, "review")));
	cr_expect_str_eq(S(c, "state"), "none");
	cr_expect(json_is_true(json_object_get(c, "may_request")));
	cr_expect(json_is_false(json_object_get(c, "may_decide")));
	json_decref(j);
	j = task(&s, s.clerk);
	cr_expect(json_is_false(json_object_get(json_object_get(j, "completion"),
	    "may_request")), "a clerk may not ask");
	json_decref(j);

	/* The head of 人事处 asks. */
	cr_assert_eq(post(&s, s.head, NULL, NOTE, &j), 201);
	cr_expect_str_eq(S(j, "state"), "pending");
	cr_expect_str_eq(S(j, "requested_by"), "赵敏");
	cr_expect_str_eq(S(j, "requested_role"), "head");
	cr_expect_str_eq(S(j, "requested_office"), "人事处");
	cr_expect_str_eq(S(j, "note"), "交流教师已全部到岗，名单已报市政府备案");
	json_decref(j);
	j = task(&s, s.gperson);
	cr_expect_str_eq(S(j, "status"), "completing");
	c = json_object_get(j, "completion");
	cr_expect_str_eq(S(c, "state"), "pending");
	cr_expect(json_is_true(json_object_get(c, "may_decide")));
	cr_expect(json_is_false(json_object_get(c, "may_request")));
	json_decref(j);
	/* One open request at a time. */
	cr_expect_eq(post(&s, s.office, NULL, NOTE, NULL), 409);

	/* The general office returns it, two days later: a reason is required. */
	site_restart(&s, "2012-09-05T10:00+08:00");
	cr_expect_eq(post(&s, s.gperson, "return", "{}", &j), 422);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	cr_assert_eq(post(&s, s.gperson, "return", "{\"reason\":\"请补充县区交流名单\"}", &j),
	    200);
	cr_expect_str_eq(S(j, "state"), "returned");
	cr_expect_str_eq(S(j, "decided_by"), "王丽");
	cr_expect_str_eq(S(j, "decided_role"), "general");
	cr_expect_str_eq(S(j, "decided_office"), "局办公室");
	cr_expect_str_eq(S(j, "decision_reason"), "请补充县区交流名单");
	json_decref(j);
	j = task(&s, s.head);
	cr_expect_str_neq(S(j, "status"), "completing");
	cr_expect_str_neq(S(j, "status"), "done");
	c = json_object_get(j, "completion");
	cr_expect_str_eq(S(c, "state"), "returned");
	cr_expect(json_is_true(json_object_get(c, "may_request")), "asked again after a return");
	json_decref(j);
	/* Nothing pending: nothing to decide. */
	cr_expect_eq(post(&s, s.general, "approve", "{}", NULL), 409);

	/* The office asks again (its own token), and the general office approves. */
	site_restart(&s, "2012-09-10T09:00+08:00");
	cr_assert_eq(post(&s, s.office, NULL, "{\"note\":\"已补充县区交流名单\"}", NULL), 201);
	site_restart(&s, "2012-09-20T16:00+08:00");
	cr_assert_eq(post(&s, s.gperson, "approve", "{\"reason\":\"同意办结\"}", &j), 200);
	cr_expect_str_eq(S(j, "state"), "approved");
	json_decref(j);
	j = task(&s, s.inspector);
	cr_expect_str_eq(S(j, "status"), "done");
	c = json_object_get(j, "completion");
	cr_expect_str_eq(S(c, "state"), "approved");
	cr_expect_eq(json_array_size(json_object_get(c, "requests")), 2);
	/* Every step in the history: person, office, text. */
	json_array_foreach(json_object_get(j, "history"), i, h) {
		if (strcmp(S(h, "source"), "completion") != 0)
			continue;
		switch (steps++) {
		case 0:
			cr_expect_str_eq(S(h, "field"), "completion_requested");
			cr_expect_str_eq(S(h, "actor"), "赵敏");
			cr_expect_str_eq(S(h, "office"), "人事处");
			cr_expect_str_eq(S(h, "note"), "交流教师已全部到岗，名单已报市政府备案");
			break;
		case 1:
			cr_expect_str_eq(S(h, "field"), "completion_returned");
			cr_expect_str_eq(S(h, "actor"), "王丽");
			cr_expect_str_eq(S(h, "note"), "请补充县区交流名单");
			break;
		case 2:
			cr_expect_str_eq(S(h, "field"), "completion_requested");
			cr_expect_str_eq(S(h, "office"), "人事处");
			break;
		case 3:
			cr_expect_str_eq(S(h, "field"), "completion_approved");
			cr_expect_str_eq(S(h, "note"), "同意办结");
			break;
		}
	}
	cr_expect_eq(steps, 4);
	json_decref(j);
	/* Closed: no more requests, no more decisions. */
	cr_expect_eq(post(&s, s.head, NULL, NOTE, NULL), 409);
	cr_expect_eq(post(&s, s.general, "return", "{\"reason\":\"x\"}", NULL), 409);
	/* The rows record the whole cycle, and the approval does not touch
	 * the milestones. */
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM task_completion", 0, NULL), 2);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM progress WHERE source = 'completion'"
	    " AND milestone_id IS NOT NULL", 0, NULL), 0);

	/* The status as it stood on each day (5①'s targets are not reported:
	 * 未填报 when nothing is pending or approved). */
	EXPECT_STR(status_on(&s, "2012-09-02"), "unreported");
	EXPECT_STR(status_on(&s, "2012-09-04"), "completing");
	EXPECT_STR(status_on(&s, "2012-09-06"), "unreported");
	EXPECT_STR(status_on(&s, "2012-09-19"), "completing");
	EXPECT_STR(status_on(&s, "2012-09-20"), "done");

	/* The quarterly report as of 15 September: 待办结审核; the quarter
	 * made after: 已完成. */
	row = report_row(&s, "2012-10-08T09:00+08:00", "2012Q3", "2012-09-15", &sum);
	cr_expect_str_eq(S(row, "status"), "completing");
	cr_expect_eq(N(sum, "completing"), 1);
	cr_expect_eq(N(sum, "done"), 0);
	json_decref(row);
	json_decref(sum);
	row = report_row(&s, "2012-10-08T09:00+08:00", "2012Q3", "2012-09-06", NULL);
	cr_expect_str_eq(S(row, "status"), "unreported", "returned on the 5th");
	json_decref(row);
	row = report_row(&s, "2012-10-08T09:00+08:00", "2012Q3", NULL, &sum);
	cr_expect_str_eq(S(row, "status"), "done");
	cr_expect_eq(N(sum, "completing"), 0);
	json_decref(row);
	json_decref(sum);

	/* The outbox: the general office heard of both requests, 人事处 of
	 * the return and the approval. */
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM reminder r JOIN office o"
	    " ON o.id = r.office_id WHERE r.kind = 'completion' AND o.name = '局办公室'", 0, NULL),
	    2);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM reminder r JOIN office o"
	    " ON o.id = r.office_id WHERE r.kind = 'completion' AND o.name = '人事处'", 0, NULL),
	    2);
	site_stop(&s);
}

/*
 * Without approval a task is never done, however its milestones stand;
 * where the plan does not ask for the review, its milestones decide as
 * before, and a request is refused.
 */
Test(completion, milestones_alone_do_not_close_a_reviewed_task, .timeout = 180)
{
	struct site	 s;
	json_t		*j;
	char		*fp;

	site_start(&s, "2012-09-03T09:00+08:00");
	t_exec(s.c, "UPDATE milestone SET status = 'done', completed_on = '2012-09-01'"
	    " WHERE task_id = (SELECT id FROM task WHERE label = '5①')");
	/* Judged by the rest: its targets are not reported. */
	EXPECT_STR(status_on(&s, "2012-09-03"), "unreported");
	t_exec(s.c, "UPDATE plan SET completion_review = false");
	EXPECT_STR(status_on(&s, "2012-09-03"), "done");
	fp = t_fingerprint(s.c);
	cr_expect_eq(post(&s, s.head, NULL, NOTE, &j), 409);
	cr_expect(strstr(S(j, "detail"), "不要求办结审核") != NULL, "%s", S(j, "detail"));
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	site_stop(&s);
}

/*
 * completion_evidence: yes.  No request without a submitted 佐证材料 on
 * the task: a clerk's file still in the office's unsent report does not
 * count, and the refusal says so; one file the general office attached
 * (submitted at once) on a milestone of the task is enough.
 */
Test(completion, evidence_required_before_the_request, .timeout = 180)
{
	struct site	 s;
	json_t		*j, *f, *c;
	char		*fp, *path;
	size_t		 len;
	void		*pdf = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/evidence/验收报告.pdf",
	    &len);
	long		 target, milestone;

	site_start_with(&s, "2012-09-03T09:00+08:00", "yes\n  completion_evidence: yes");
	cr_assert_eq(t_query_long(s.c, "SELECT count(*) FROM plan WHERE completion_evidence",
	    0, NULL), 1);
	target = t_query_long(s.c, "SELECT min(g.id) FROM target g JOIN task t"
	    " ON t.id = g.task_id WHERE t.label = '5①'", 0, NULL);
	milestone = t_query_long(s.c, "SELECT min(m.id) FROM milestone m JOIN task t"
	    " ON t.id = m.task_id WHERE t.label = '5①'", 0, NULL);
	j = task(&s, s.head);
	c = json_object_get(j, "completion");
	cr_expect(json_is_true(json_object_get(c, "evidence_required")));
	cr_expect_eq(N(c, "evidence_files"), 0);
	json_decref(j);

	/* Nothing attached: refused, naming the task, nothing written. */
	fp = t_fingerprint(s.c);
	cr_expect_eq(post(&s, s.head, NULL, NOTE, &j), 422);
	IS(j, "title", "缺少佐证材料");
	IS(j, "field", "files");
	cr_expect(strstr(S(j, "detail"), "5①") != NULL &&
	    strstr(S(j, "detail"), "开展义务教育阶段教师交流工作") != NULL &&
	    strstr(S(j, "detail"), "尚无已报送的佐证材料") != NULL, "%s", S(j, "detail"));
	json_decref(j);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);

	/* A clerk's file waits for the office's 报送: still refused. */
	path = xprintf("/api/v1/targets/%ld/files", target);
	cr_assert_eq(t_upload(s.d.url, path, s.clerk, "交流名单.pdf", pdf, len, NULL, &f), 201);
	IS(f, "state", "pending");
	json_decref(f);
	free(path);
	cr_expect_eq(post(&s, s.head, NULL, NOTE, &j), 422);
	cr_expect(strstr(S(j, "detail"), "已上传 1 件，尚未随填报报送") != NULL, "%s",
	    S(j, "detail"));
	json_decref(j);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM task_completion", 0, NULL), 0);

	/* The general office's file is submitted at once: the request goes. */
	path = xprintf("/api/v1/milestones/%ld/files", milestone);
	cr_assert_eq(t_upload(s.d.url, path, s.general, "验收报告.pdf", pdf, len, NULL, &f), 201);
	IS(f, "state", "submitted");
	json_decref(f);
	free(path);
	j = task(&s, s.head);
	cr_expect_eq(N(json_object_get(j, "completion"), "evidence_files"), 1);
	json_decref(j);
	cr_expect_eq(post(&s, s.head, NULL, NOTE, &j), 201);
	IS(j, "state", "pending");
	json_decref(j);

	free(pdf);
	site_stop(&s);
}

/*
 * Every route, every kind of caller: who may, and refusals that change
 * nothing (the rows, the history and the outbox).
 */
Test(completion, who_may_do_what, .timeout = 300)
{
	struct site	 s;
	struct {
		const char	*who;
		const char	*token;
		long		 ask, decide;
	} callers[] = {
		{ "无令牌", NULL, 401, 401 },
		{ "经办人", NULL, 403, 403 },
		{ "处室负责人", NULL, 201, 403 },
		{ "牵头处室令牌", NULL, 201, 403 },
		{ "其他处室负责人", NULL, 403, 403 },
		{ "其他处室令牌", NULL, 403, 403 },
		{ "分管领导", NULL, 403, 403 },
		{ "督查人员", NULL, 403, 403 },
		{ "系统管理员", NULL, 403, 403 },
		{ "局办公室", NULL, 403, 200 },
		{ "局办公室令牌", NULL, 403, 200 },
	};
	/* The daemon's own sweep may add reminders of other kinds meanwhile. */
	static const char *const outbox =
	    "SELECT count(*) FROM reminder WHERE kind = 'completion'";
	json_t		*j;
	char		*fp;
	size_t		 i;
	long		 status, mail;

	site_start(&s, "2012-09-03T09:00+08:00");
	callers[1].token = s.clerk;
	callers[2].token = s.head;
	callers[3].token = s.office;
	callers[4].token = s.otherhead;
	callers[5].token = s.other;
	callers[6].token = s.leader;
	callers[7].token = s.inspector;
	callers[8].token = s.admin;
	callers[9].token = s.gperson;
	callers[10].token = s.general;

	for (i = 0; i < sizeof callers / sizeof callers[0]; i++) {
		/* Asking. */
		fp = t_fingerprint(s.c);
		mail = t_query_long(s.c, outbox, 0, NULL);
		status = post(&s, callers[i].token, NULL, NOTE, &j);
		cr_expect_eq(status, callers[i].ask, "%s asks: %ld %s", callers[i].who, status,
		    S(j, "detail"));
		if (status == 403)
			cr_expect(S(j, "detail") != NULL && strstr(S(j, "detail"), "办结") != NULL,
			    "%s: the refusal says why: %s", callers[i].who, S(j, "detail"));
		json_decref(j);
		if (status != 201) {
			EXPECT_STR(t_fingerprint(s.c), fp);
			cr_expect_eq(t_query_long(s.c, outbox, 0, NULL), mail);
			cr_assert_eq(post(&s, s.head, NULL, NOTE, NULL), 201);
		}
		free(fp);

		/* Deciding. */
		fp = t_fingerprint(s.c);
		mail = t_query_long(s.c, outbox, 0, NULL);
		if (callers[i].decide == 200) {
			cr_expect_eq(post(&s, callers[i].token, "return", "{\"reason\":\"请补充材料\"}",
			    NULL), 200, "%s returns", callers[i].who);
			free(fp);
			continue;
		}
		status = post(&s, callers[i].token, "approve", "{\"reason\":\"同意\"}", NULL);
		cr_expect_eq(status, callers[i].decide, "%s approves: %ld", callers[i].who, status);
		status = post(&s, callers[i].token, "return", "{\"reason\":\"不同意\"}", NULL);
		cr_expect_eq(status, callers[i].decide, "%s returns: %ld", callers[i].who, status);
		EXPECT_STR(t_fingerprint(s.c), fp);
		cr_expect_eq(t_query_long(s.c, outbox, 0, NULL), mail);
		free(fp);
		cr_assert_eq(post(&s, s.general, "return", "{\"reason\":\"请补充材料\"}", NULL), 200);
	}
	/* The last word: the general office approves. */
	cr_assert_eq(post(&s, s.head, NULL, NOTE, NULL), 201);
	cr_expect_eq(post(&s, s.gperson, "approve", NULL, NULL), 200, "a reason is optional");
	j = task(&s, s.inspector);
	cr_expect_str_eq(S(j, "status"), "done");
	json_decref(j);
	/* No such task. */
	cr_expect_eq(call(&s, "POST", "/api/v1/tasks/99999/completion", s.head, NOTE, NULL), 404);
	cr_expect_eq(call(&s, "POST", "/api/v1/tasks/99999/completion/approve", s.general, "{}",
	    NULL), 404);
	site_stop(&s);
}

Test(completion, bad_bodies_name_the_field_and_change_nothing, .timeout = 180)
{
	static const struct {
		const char	*action;
		const char	*body;
		long		 status;
		const char	*field;
		const char	*says;
	} cases[] = {
		{ NULL, "{}", 422, "note", "办结说明" },
		{ NULL, "{\"note\":null}", 422, "note", "办结说明" },
		{ NULL, "{\"note\":\"  \"}", 422, "note", "办结说明" },
		{ NULL, "{\"note\":7}", 422, "note", "文字" },
		{ NULL, "{\"note\":[\"x\"]}", 422, "note", "文字" },
		{ NULL, "{\"note\":\"x\",\"by\":1}", 400, "by", "by" },
		{ NULL, "[1]", 400, NULL, "" },
		{ NULL, "not json", 400, NULL, "" },
		{ NULL, "", 422, "note", "note" },
		{ "return", "{}", 422, "reason", "退回理由" },
		{ "return", "", 422, "reason", "退回理由" },
		{ "return", "{\"reason\":\"\"}", 422, "reason", "退回理由" },
		{ "return", "{\"reason\":false}", 422, "reason", "文字" },
		{ "return", "{\"why\":\"x\"}", 400, "why", "why" },
		{ "approve", "{\"reason\":7}", 422, "reason", "文字" },
		{ "approve", "{\"note\":\"x\"}", 400, "note", "note" },
	};
	struct site	 s;
	json_t		*j;
	char		*fp, *got, *big, *body;
	size_t		 i;

	site_start(&s, "2012-09-03T09:00+08:00");
	fp = t_fingerprint(s.c);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (i == 9) {
			/* The decisions need a request to decide. */
			cr_assert_eq(post(&s, s.head, NULL, NOTE, NULL), 201);
			free(fp);
			fp = t_fingerprint(s.c);
		}
		cr_expect_eq(post(&s, i < 9 ? s.head : s.general, cases[i].action, cases[i].body,
		    &j), cases[i].status, "case %zu: %s", i, cases[i].body);
		got = json_dumps(j, 0);
		if (cases[i].field != NULL)
			cr_expect(S(j, "field") && strcmp(S(j, "field"), cases[i].field) == 0,
			    "case %zu: %s", i, got);
		cr_expect(strstr(got, cases[i].says) != NULL, "case %zu: %s", i, got);
		free(got);
		json_decref(j);
	}
	/* Too long. */
	big = xmalloc(2002 * 3 + 1);
	for (i = 0; i < 2001; i++)
		memcpy(big + 3 * i, "办", 3);
	big[3 * 2001] = '\0';
	body = xprintf("{\"reason\":\"%s\"}", big);
	cr_expect_eq(post(&s, s.general, "return", body, &j), 422);
	cr_expect_str_eq(S(j, "field"), "reason");
	json_decref(j);
	free(body);
	free(big);
	EXPECT_STR(t_fingerprint(s.c), fp);
	free(fp);
	site_stop(&s);
}

/* completion_review in the plan file: yes, no, or absent (new: yes;
 * already loaded: as it was); anything else is an error at its place. */
Test(completion, the_plan_field, .timeout = 180)
{
	char		*db = t_db_create(), *absent, *no, *yes, *bad, *msg;
	const char	*load[] = { "plan", "load", NULL, NULL };
	const char	*check[] = { "plan", "check", NULL, NULL };
	struct t_run	 r;
	PGconn		*c;
	static const char *const q = "SELECT completion_review::text FROM plan";

	absent = jilin_with(NULL, "jilin-absent.yaml");
	no = jilin_with("no", "jilin-no.yaml");
	yes = jilin_with("yes", "jilin-yes.yaml");
	bad = jilin_with("maybe", "jilin-maybe.yaml");
	c = t_connect(db);

	/* A new plan without the field: reviewed. */
	load[2] = absent;
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	EXPECT_STR(t_query(c, q, 0, NULL), "true");
	/* Said no, then left out: stays no. */
	load[2] = no;
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	EXPECT_STR(t_query(c, q, 0, NULL), "false");
	load[2] = absent;
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	EXPECT_STR(t_query(c, q, 0, NULL), "false");
	/* Said yes, then left out: stays yes. */
	load[2] = yes;
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	EXPECT_STR(t_query(c, q, 0, NULL), "true");
	load[2] = absent;
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	EXPECT_STR(t_query(c, q, 0, NULL), "true");

	/* maybe: FILE:LINE:COLUMN, at the value. */
	check[2] = bad;
	t_cli(&r, db, check);
	cr_expect_eq(r.status, 65, "%s", r.err);
	{
		size_t	 len;
		char	*text = t_read_file(bad, &len), *at = strstr(text, "completion_review: maybe");
		int	 line = 1;

		cr_assert_not_null(at);
		for (char *p = text; p < at; p++)
			line += *p == '\n';
		msg = xprintf("%s:%d:22: ", bad, line);
		free(text);
	}
	cr_expect(strncmp(r.err, msg, strlen(msg)) == 0, "%s", r.err);
	cr_expect(strstr(r.err, "completion_review") != NULL && strstr(r.err, "maybe") != NULL,
	    "%s", r.err);
	free(msg);
	t_run_free(&r);
	load[2] = bad;
	t_cli(&r, db, load);
	cr_expect_neq(r.status, 0);
	t_run_free(&r);
	EXPECT_STR(t_query(c, q, 0, NULL), "true");

	PQfinish(c);
	free(absent);
	free(no);
	free(yes);
	free(bad);
	free(db);
}

/* `duban completion request | approve | return` through duband. */
Test(completion, the_cli_asks_returns_and_approves, .timeout = 180)
{
	struct site	 s;
	struct t_run	 r;
	char		*gfile, *hfile, *server, *id;

	site_start(&s, "2012-09-03T09:00+08:00");
	gfile = xprintf("%s/general.token", t_tmpdir());
	t_write_file(gfile, s.general, strlen(s.general));
	hfile = xprintf("%s/head.token", t_tmpdir());
	t_write_file(hfile, s.head, strlen(s.head));
	server = s.d.url;
	id = s.task_s;
	{
		const char *none[] = { "completion", "request", id, "--server", server,
		    "--token-file", hfile, NULL };
		const char *ask[] = { "completion", "request", id, "--note", "交流教师已到岗",
		    "--server", server, "--token-file", hfile, NULL };
		const char *ret0[] = { "completion", "return", id, "--server", server,
		    "--token-file", gfile, NULL };
		const char *ret[] = { "completion", "return", id, "--reason", "请补充名单",
		    "--server", server, "--token-file", gfile, NULL };
		const char *ok[] = { "completion", "approve", id, "--server", server,
		    "--token-file", gfile, NULL };
		const char *show[] = { "task", "show", id, NULL };
		char *fp = t_fingerprint(s.c);

		t_cli(&r, s.db, none);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, "办结说明") != NULL, "%s", r.err);
		t_run_free(&r);
		EXPECT_STR(t_fingerprint(s.c), fp);
		free(fp);

		t_cli(&r, s.db, ask);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "待办结审核") != NULL, "%s", r.out);
		t_run_free(&r);
		t_cli(&r, s.db, ret0);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, "退回理由") != NULL, "%s", r.err);
		t_run_free(&r);
		t_cli(&r, s.db, ret);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "已退回") != NULL && strstr(r.out, "请补充名单") != NULL,
		    "%s", r.out);
		t_run_free(&r);
		t_cli(&r, s.db, ask);
		cr_expect_eq(r.status, 0, "%s", r.err);
		t_run_free(&r);
		t_cli(&r, s.db, ok);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "已办结") != NULL, "%s", r.out);
		t_run_free(&r);
		t_cli(&r, s.db, show);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "办结审核：已办结") != NULL, "%s", r.out);
		cr_expect(strstr(r.out, "申请办结") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	free(gfile);
	free(hfile);
	site_stop(&s);
}

/* 待办: the head sees tasks it may close and returned requests; the
 * general office the requests to review. */
Test(completion, the_todo_lists_what_each_must_do, .timeout = 180)
{
	struct site	 s;
	json_t		*j, *it;
	size_t		 i;
	int		 found;

	site_start(&s, "2012-09-03T09:00+08:00");
	t_exec(s.c, "UPDATE milestone SET status = 'done', completed_on = '2012-09-01'"
	    " WHERE task_id = (SELECT id FROM task WHERE label = '5①')");
#define HAS(tok, kind) do { \
	cr_assert_eq(call(&s, "GET", "/api/v1/todo", (tok), NULL, &j), 200); \
	found = 0; \
	json_array_foreach(json_object_get(j, "items"), i, it) \
		if (strcmp(S(it, "kind"), (kind)) == 0 && N(it, "task_id") == s.task) \
			found++; \
	json_decref(j); \
} while (0)
	HAS(s.head, "completion_ready");
	cr_expect_eq(found, 1, "the head may ask to close 5①");
	HAS(s.clerk, "completion_ready");
	cr_expect_eq(found, 0, "a clerk may not");
	cr_assert_eq(post(&s, s.head, NULL, NOTE, NULL), 201);
	HAS(s.head, "completion_ready");
	cr_expect_eq(found, 0);
	HAS(s.gperson, "completion_review");
	cr_expect_eq(found, 1, "the general office has it to review");
	cr_assert_eq(post(&s, s.general, "return", "{\"reason\":\"请补充名单\"}", NULL), 200);
	HAS(s.gperson, "completion_review");
	cr_expect_eq(found, 0);
	HAS(s.office, "completion_returned");
	cr_expect_eq(found, 1, "the office sees the return");
#undef HAS
	site_stop(&s);
}
