/*
 * 督办单 and 督查通报 through a real duband on Jilin 2012, one database for
 * the whole binary (one test: the cases build on each other, and a site
 * costs seconds).  duband's clock is DUBAN_NOW, 2012-09-20 09:00 and
 * later 2012-10-11 09:00 (one restart); the sweep's clock is the day it
 * is given (duban_sweep(date), as duband's timer gives it today), so
 * moving the clock is sweeping a later day.
 *
 *   - a 督办单 is dated on a working day: a milestone that turns its task
 *     red on a Saturday gets its 督办单 on the Monday, its 办理时限 three
 *     working days from there; on a 调休 Sunday (worked), that Sunday
 *     (both swept in a transaction rolled back, before duband starts);
 *   - the sweep issues 督〔2012〕1号 and 2号 for 职业与成人教育处's two
 *     overdue milestones, once however often it runs; their colour climbs
 *     蓝 -> 黄 (5 working days) -> 红 (10, across the National Day
 *     holiday), each step in the history;
 *   - who sees what: the general office, an inspector and a leader all,
 *     the office and its clerk their own, another office nothing;
 *   - the office's clerk signs for one (签收), once; the print view says
 *     who and when;
 *   - the general office issues one by hand, numbered next; bad input is
 *     a problem naming the field and changes nothing, nor takes a number;
 *   - each notice goes to its office through the outbox, its subject and
 *     text saying the task's light; it stands in the office's 待办 until
 *     签收ed, and in its task's history, issued and signed for;
 *   - a change of the rules is kept, old and new;
 *   - a 通报 drafted from a closed round, edited (If-Match), issued as
 *     督查通报〔2012〕第1期, reads byte for byte the same after more history;
 *     its figures are the history's as of the round's close: issued after a
 *     milestone was done, or drafted again later, they are the draft's;
 *     the tasks it names have it in their history; an issued one refuses
 *     changes, a draft is the general office's;
 *   - `duban notice show|rules` and `duban bulletin list` read them out.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define N(o, k)	json_integer_value(json_object_get((o), (k)))
#define IS(o, k, v) cr_expect(S(o, k) != NULL && strcmp(S(o, k), (v)) == 0, "%s: %s", \
	(k), S(o, k) ? S(o, k) : "(null)")

static const char OFFICE[] = "职业与成人教育处";

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*general, *inspector, *leader, *office, *other, *clerk;
	char		*county;	/* another organisation's general office */
};

/* duband, with its clock at now. */
static void
daemon_at(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	if (s->d.pid > 0)
		t_daemon_stop(&s->d);
	t_daemon_start(&s->d, s->db, NULL, env);
	free(env_now);
}

static void days_off(struct site *);

static void
site_start(struct site *s)
{

	memset(s, 0, sizeof *s);
	s->db = t_db_create();
	t_cli_ok(s->db, (const char *[]){ "plan", "load", t_src("plans/jilin-2012.yaml"), NULL });
	t_cli_ok(s->db, (const char *[]){ "calendar", "load",
	    t_src("plans/calendar/cn-workdays.yaml"), NULL });
	t_cli_ok(s->db, (const char *[]){ "office", "set", OFFICE, "--email",
	    "zhijiao@example.gov.cn", NULL });
	s->c = t_connect(s->db);
	s->general = t_token(s->db, "general", NULL);
	s->inspector = t_token(s->db, "inspector", NULL);
	s->office = t_token(s->db, "office", OFFICE);
	s->other = t_token(s->db, "office", "财务审计处");
	s->clerk = t_person_token(s->db, "zhangwei", "张伟", OFFICE, "clerk");
	s->leader = t_person_token(s->db, "yangfq", "杨凤琴", NULL, "leader");
	t_cli_ok(s->db, (const char *[]){ "org", "add", "昌邑区教育局", "--parent", "吉林市教育局",
	    NULL });
	{
		struct t_run	 r;

		t_cli(&r, s->db, (const char *[]){ "token", "create", "--quiet", "--role", "general",
		    "--org", "昌邑区教育局", NULL });
		cr_assert_eq(r.status, 0, "%s", r.err);
		s->county = xstrndup(r.out, strcspn(r.out, "\n"));
		t_run_free(&r);
	}
	days_off(s);	/* before duband's own sweep */
	daemon_at(s, "2012-09-20T09:00+08:00");
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->general);
	free(s->inspector);
	free(s->leader);
	free(s->office);
	free(s->other);
	free(s->clerk);
	free(s->county);
	free(s->db);
}

static void
sweep(struct site *s, const char *day)
{
	char	*r = t_query(s->c, "SELECT duban_sweep($1::date)::text", 1, (const char *[]){ day });

	cr_assert_not_null(r);
	free(r);
}

/* GET path as token: the status, the answer in *out (may be NULL). */
static long
get(struct site *s, const char *token, const char *path, json_t **out)
{
	return (t_call(&s->d, "GET", path, token, NULL, out));
}

/* A problem's field, which must be want, and the status, which must be status. */
static void
expect_problem(struct site *s, const char *method, const char *path, const char *token,
    const char *body, long status, const char *field)
{
	json_t	*p = NULL;
	long	 got = t_call(&s->d, method, path, token, body, &p);

	cr_expect_eq(got, status, "%s %s %s: %ld", method, path, body ? body : "", got);
	if (field != NULL)
		IS(p, "field", field);
	json_decref(p);
}

/* The notice's history as "action:colour,..." */
static char *
history(const json_t *n)
{
	const json_t	*e;
	size_t		 i;
	char		*out = xstrdup(""), *x;

	json_array_foreach(json_object_get(n, "history"), i, e) {
		x = xprintf("%s%s%s:%s", out, i ? "," : "", S(e, "action"),
		    S(e, "colour") ? S(e, "colour") : "-");
		free(out);
		out = x;
	}
	return (out);
}

/* How many 督办单 the token's 待办 holds. */
static size_t
todo_notices(struct site *s, const char *token)
{
	const json_t	*it;
	json_t		*t;
	size_t		 i, n = 0;

	cr_assert_eq(get(s, token, "/api/v1/todo", &t), 200);
	json_array_foreach(json_object_get(t, "items"), i, it)
		if (strcmp(S(it, "kind"), "notice") == 0)
			n++;
	json_decref(t);
	return (n);
}

/* The new values of the rows of field in task's history as the task
 * page reads it (GET /api/v1/tasks/{id}), a line each, or NULL. */
static char *
task_history(struct site *s, long task, const char *field)
{
	const json_t	*e;
	json_t		*t;
	char		 path[64], *out = NULL;
	size_t		 i;

	snprintf(path, sizeof path, "/api/v1/tasks/%ld", task);
	cr_assert_eq(get(s, s->general, path, &t), 200);
	json_array_foreach(json_object_get(t, "history"), i, e)
		if (strcmp(S(e, "field"), field) == 0) {
			char *x = xprintf("%s%s%s", out ? out : "", out ? "\n" : "", S(e, "new"));

			free(out);
			out = x;
		}
	json_decref(t);
	return (out);
}

/* The print view of the only notice, and its number and date. */
static char *
only_notice_html(struct site *s)
{
	cr_assert_eq(t_query_long(s->c, "SELECT count(*) FROM notice", 0, NULL), 1);
	return (t_query(s->c, "SELECT duban_notice_html(duban_notice_json(n, NULL)::jsonb)"
	    " FROM notice n", 0, NULL));
}

/*
 * 职业与成人教育处's 寒假期培训 moved (in a transaction rolled back) to a
 * Friday, 1 June 2012: overdue from Saturday 2 June, a day off; its
 * 督办单 is issued on Monday 4 June and due three working days later, on
 * the 7th (from the Saturday it would be the 6th).  Moved to Saturday 31
 * March, a 调休 working day: overdue on Sunday 1 April, also worked, and
 * issued that day; due on 9 April, the 清明 holiday (2-4 April) and the
 * weekend not counted.
 */
static void
days_off(struct site *s)
{
	static const char move[] = "UPDATE milestone SET due_on = $1::date WHERE key = 'winter'";
	char	*html;

	t_exec(s->c, "BEGIN");
	PQclear(PQexecParams(s->c, move, 1, NULL, (const char *[]){ "2012-06-01" }, NULL,
	    NULL, 0));
	sweep(s, "2012-06-02");
	sweep(s, "2012-06-03");
	cr_expect_eq(t_query_long(s->c, "SELECT count(*) FROM notice", 0, NULL), 0,
	    "a 督办单 issued on a day off");
	sweep(s, "2012-06-04");
	html = only_notice_html(s);
	cr_expect(strstr(html, "督〔2012〕1号") != NULL, "%s", html);
	cr_expect(strstr(html, "<th scope=\"row\">签发</th><td>局办公室　2012年6月4日</td>")
	    != NULL, "%s", html);
	cr_expect(strstr(html, "<th scope=\"row\">办理时限</th><td>2012年6月7日前</td>") != NULL,
	    "%s", html);
	cr_expect(strstr(html, "至2012年6月4日仍未完成，已逾期3天") != NULL, "%s", html);
	cr_expect(strstr(html, "请于2012年6月7日前将办理情况") != NULL, "%s", html);
	free(html);
	t_exec(s->c, "ROLLBACK");

	t_exec(s->c, "BEGIN");
	PQclear(PQexecParams(s->c, move, 1, NULL, (const char *[]){ "2012-03-31" }, NULL,
	    NULL, 0));
	sweep(s, "2012-04-01");
	html = only_notice_html(s);
	cr_expect(strstr(html, "<th scope=\"row\">签发</th><td>局办公室　2012年4月1日</td>")
	    != NULL, "%s", html);
	cr_expect(strstr(html, "<th scope=\"row\">办理时限</th><td>2012年4月9日前</td>") != NULL,
	    "%s", html);
	free(html);
	t_exec(s->c, "ROLLBACK");
}

static void
notices(struct site *s)
{
	json_t		*l, *n;
	char		*fp, *fp2, path[96];
	long		 first, task;

	/* Issued on escalation, numbered, once. */
	sweep(s, "2012-09-20");
	sweep(s, "2012-09-20");
	cr_assert_eq(get(s, s->general, "/api/v1/duban-notices?year=2012", &l), 200);
	cr_assert_eq(json_array_size(json_object_get(l, "notices")), 2, "two notices");
	n = json_array_get(json_object_get(l, "notices"), 1);	/* newest first */
	IS(n, "number", "督〔2012〕1号");
	IS(n, "office", OFFICE);
	IS(n, "trigger", "overdue");
	IS(n, "colour", "blue");
	IS(n, "handle_by", "2012-09-25");	/* 3 working days */
	cr_expect(strstr(S(n, "matter"), "寒假期培训") != NULL, "%s", S(n, "matter"));
	cr_expect(strstr(S(n, "basis"), "《吉林市教育局2012年落实民生实事工作方案》") != NULL);
	IS(json_array_get(json_object_get(l, "notices"), 0), "number", "督〔2012〕2号");
	first = N(n, "id");
	json_decref(l);
	snprintf(path, sizeof path, "/api/v1/duban-notices/%ld", first);

	/* Sent to the office through the outbox, once each, saying the light
	 * of its task (a milestone overdue: red). */
	EXPECT_STR(t_query(s->c, "SELECT r.subject FROM reminder r JOIN notice n"
	    " ON r.key = 'notice.n' || n.id WHERE n.seq = 1", 0, NULL),
	    "【督办单】督〔2012〕1号 【红灯】7 继续实施“上岗技能无偿援助计划”");
	cr_expect_eq(t_query_long(s->c, "SELECT count(*) FROM delivery d JOIN reminder r"
	    " ON r.id = d.reminder_id WHERE r.kind = 'notice'"
	    " AND d.address = 'zhijiao@example.gov.cn'", 0, NULL), 2);
	{
		char	*rid = t_query(s->c, "SELECT r.id FROM reminder r JOIN notice n"
			    " ON r.key = 'notice.n' || n.id WHERE n.seq = 1", 0, NULL);
		char	*rpath = xprintf("/api/v1/reminders/%s", rid);
		json_t	*rem;

		cr_assert_eq(get(s, s->general, rpath, &rem), 200);
		cr_expect(strstr(S(rem, "text"), "职业与成人教育处：") != NULL, "%s", S(rem, "text"));
		cr_expect(strstr(S(rem, "text"), "签发督办单 督〔2012〕1号（蓝色督办，逾期未完成）")
		    != NULL, "%s", S(rem, "text"));
		cr_expect(strstr(S(rem, "text"), "办理时限：2012-09-25 前") != NULL, "%s",
		    S(rem, "text"));
		cr_expect(strstr(S(rem, "text"), "【红灯】2 个节点逾期未完成。") != NULL, "%s",
		    S(rem, "text"));
		json_decref(rem);
		free(rpath);
		free(rid);
	}
	/* In the office's 待办, not another office's. */
	cr_expect_eq(todo_notices(s, s->office), 2);
	cr_expect_eq(todo_notices(s, s->other), 0);
	/* In its task's history (both are the same task's). */
	task = t_query_long(s->c, "SELECT task_id FROM notice WHERE seq = 1", 0, NULL);
	EXPECT_STR(task_history(s, task, "notice"),
	    "督〔2012〕1号（蓝色督办，逾期未完成）承办处室：职业与成人教育处；办理时限：2012年9月25日前\n"
	    "督〔2012〕2号（蓝色督办，逾期未完成）承办处室：职业与成人教育处；办理时限：2012年9月25日前");

	/* Who sees what. */
	cr_expect_eq(get(s, s->general, path, NULL), 200);
	cr_expect_eq(get(s, s->inspector, path, NULL), 200);
	cr_expect_eq(get(s, s->leader, path, NULL), 200);
	cr_expect_eq(get(s, s->office, path, NULL), 200);
	cr_expect_eq(get(s, s->clerk, path, NULL), 200);
	cr_expect_eq(get(s, s->other, path, NULL), 403);
	cr_expect_eq(get(s, NULL, path, NULL), 401);
	cr_assert_eq(get(s, s->other, "/api/v1/duban-notices", &l), 200);
	cr_expect_eq(json_array_size(json_object_get(l, "notices")), 0, "another office's are not listed");
	json_decref(l);
	cr_assert_eq(get(s, s->clerk, "/api/v1/duban-notices", &l), 200);
	cr_expect_eq(json_array_size(json_object_get(l, "notices")), 2);
	json_decref(l);
	expect_problem(s, "GET", "/api/v1/duban-notices?office=%E8%81%8C%E4%B8%9A%E4%B8%8E%E6"
	    "%88%90%E4%BA%BA%E6%95%99%E8%82%B2%E5%A4%84", s->other, NULL, 403, "office");
	expect_problem(s, "GET", "/api/v1/duban-notices?year=12", s->general, NULL, 400, "year");

	/* The colour climbs while the item stays open. */
	sweep(s, "2012-09-26");		/* 4 working days */
	cr_assert_eq(get(s, s->office, path, &n), 200);
	IS(n, "colour", "blue");
	json_decref(n);
	sweep(s, "2012-09-27");		/* 5 */
	cr_assert_eq(get(s, s->office, path, &n), 200);
	IS(n, "colour", "yellow");
	json_decref(n);
	sweep(s, "2012-10-09");		/* 9: 9-28, 9-29 (a Saturday worked), then the holiday */
	cr_assert_eq(get(s, s->office, path, &n), 200);
	IS(n, "colour", "yellow");
	json_decref(n);
	sweep(s, "2012-10-10");		/* 10 */
	cr_assert_eq(get(s, s->office, path, &n), 200);
	IS(n, "colour", "red");
	IS(n, "colour_label", "红色");
	EXPECT_STR(history(n), "issued:blue,colour:yellow,colour:red");
	json_decref(n);

	/* 签收: the office's people, once; duband's clock moves on too. */
	daemon_at(s, "2012-10-11T09:00+08:00");
	snprintf(path, sizeof path, "/api/v1/duban-notices/%ld/acknowledge", first);
	expect_problem(s, "POST", path, s->general, NULL, 403, NULL);
	expect_problem(s, "POST", path, s->other, NULL, 404, NULL);
	expect_problem(s, "POST", path, s->clerk, "{\"note\":1}", 422, "note");
	cr_assert_eq(t_call(&s->d, "POST", path, s->clerk, "{\"note\":\"收到，立即办理\"}", &n), 200);
	cr_expect(json_is_object(json_object_get(n, "acknowledged")));
	IS(json_object_get(n, "acknowledged"), "role", "clerk");
	cr_expect(strncmp(S(json_object_get(n, "acknowledged"), "at"), "2012-10-11T09:00", 16) == 0,
	    "签收 at duband's time: %s", S(json_object_get(n, "acknowledged"), "at"));
	EXPECT_STR(history(n), "issued:blue,colour:yellow,colour:red,acknowledged:red");
	json_decref(n);
	expect_problem(s, "POST", path, s->office, NULL, 409, NULL);
	/* Signed for: out of the 待办, into the task's history. */
	cr_expect_eq(todo_notices(s, s->office), 1);
	EXPECT_STR(task_history(s, task, "notice_acknowledged"), "督〔2012〕1号：收到，立即办理");
	{
		struct t_http	 h;
		char		*url = xprintf("%s/api/v1/duban-notices/%ld?format=html",
				    s->d.url, first);

		t_http(&h, "GET", url, s->office, NULL, NULL);
		cr_expect_eq(h.status, 200);
		cr_expect(strstr(h.body, "签收人：") != NULL && strstr(h.body, "张伟") != NULL,
		    "the print view names who signed");
		cr_expect(strstr(h.body, "督〔2012〕1号") != NULL);
		cr_expect(strstr(h.body, "红色督办") != NULL);
		cr_expect(strstr(h.body, "@page") != NULL, "print CSS");
		t_http_free(&h);
		free(url);
	}

	/* A change of the rules is kept, old and new; the same values again
	 * are no change. */
	cr_assert_eq(t_call(&s->d, "PUT", "/api/v1/duban-notices/rules?plan=jilin-2012",
	    s->general, "{\"feedback_days\":4}", NULL), 200);
	cr_assert_eq(t_call(&s->d, "PUT", "/api/v1/duban-notices/rules?plan=jilin-2012",
	    s->general, "{\"feedback_days\":4}", NULL), 200);
	cr_assert_eq(t_call(&s->d, "PUT", "/api/v1/duban-notices/rules?plan=jilin-2012",
	    s->general, "{\"feedback_days\":3}", NULL), 200);
	cr_assert_eq(get(s, s->office, "/api/v1/duban-notices/rules?plan=jilin-2012", &n), 200);
	{
		const json_t *hs = json_object_get(n, "history"), *h0 = json_array_get(hs, 0);

		cr_expect_eq(json_array_size(hs), 2, "two changes");
		cr_expect_eq(N(json_object_get(h0, "from"), "feedback_days"), 4, "newest first");
		cr_expect_eq(N(json_object_get(h0, "to"), "feedback_days"), 3);
		cr_expect_eq(N(json_object_get(json_array_get(hs, 1), "from"), "feedback_days"), 3);
		IS(h0, "by", S(json_array_get(hs, 1), "by"));
	}
	json_decref(n);

	/* By hand: bad input changes nothing and takes no number. */
	task = t_query_long(s->c, "SELECT id FROM task WHERE label = '5①'", 0, NULL);
	fp = t_fingerprint(s->c);
	expect_problem(s, "POST", "/api/v1/duban-notices", s->general, "{\"task\":\"5①\"}", 400, "task");
	expect_problem(s, "POST", "/api/v1/duban-notices", s->general, "{\"task\":999999}", 404, "task");
	{
		char *b1 = xprintf("{\"task\":%ld,\"handle_by\":\"2012-02-30\"}", task);
		char *b2 = xprintf("{\"task\":%ld,\"office\":\"没有这个处\"}", task);
		char *b3 = xprintf("{\"task\":%ld,\"matter\":\"\\u0007\"}", task);
		char *b4 = xprintf("{\"task\":%ld,\"colour\":\"red\"}", task);

		expect_problem(s, "POST", "/api/v1/duban-notices", s->general, b1, 400, "handle_by");
		expect_problem(s, "POST", "/api/v1/duban-notices", s->general, b2, 404, "office");
		expect_problem(s, "POST", "/api/v1/duban-notices", s->general, b3, 400, "matter");
		expect_problem(s, "POST", "/api/v1/duban-notices", s->general, b4, 400, "colour");
		expect_problem(s, "POST", "/api/v1/duban-notices", s->office, b1, 403, NULL);
		free(b1);
		free(b2);
		free(b3);
		free(b4);
	}
	/* Another organisation's task and plan are not there (tenants). */
	{
		char *b5 = xprintf("{\"task\":%ld}", task);

		expect_problem(s, "POST", "/api/v1/duban-notices", s->county, b5, 404, "task");
		free(b5);
	}
	expect_problem(s, "GET", "/api/v1/duban-notices/rules?plan=jilin-2012", s->county, NULL,
	    404, "plan");
	expect_problem(s, "PUT", "/api/v1/duban-notices/rules?plan=jilin-2012", s->county,
	    "{\"feedback_days\":5}", 404, "plan");
	cr_expect_eq(todo_notices(s, s->county), 0);
	fp2 = t_fingerprint(s->c);
	cr_expect_str_eq(fp, fp2, "refused requests changed the database");
	free(fp);
	free(fp2);
	{
		char *body = xprintf("{\"task\":%ld,\"handle_by\":\"2012-10-19\"}", task);
		long last = t_query_long(s->c, "SELECT max(seq) FROM notice", 0, NULL);
		char *want = xprintf("督〔2012〕%ld号", last + 1);

		cr_assert_eq(t_call(&s->d, "POST", "/api/v1/duban-notices", s->general, body, &n), 201);
		IS(n, "number", want);
		IS(n, "trigger", "manual");
		IS(n, "office", "人事处");
		IS(n, "handle_by", "2012-10-19");
		IS(n, "issued_on", "2012-10-11");
		json_decref(n);
		free(body);
		free(want);
	}
}

static void
bulletins(struct site *s)
{
	json_t		*b, *b2, *round;
	struct t_http	 h;
	char		*html1, *url, path[96], *json1, *json2, *fig1, *body2;
	long		 id, target, milestone;

	/* A round: 财务审计处 reports on time, the others do not. */
	cr_assert_eq(t_call(&s->d, "POST", "/api/v1/dispatches", s->general,
	    "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-10-15\"}", &round), 201);
	target = t_query_long(s->c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " JOIN task_lead l ON l.task_id = t.id JOIN office o ON o.id = l.office_id"
	    " WHERE o.name = '财务审计处' ORDER BY g.id LIMIT 1", 0, NULL);
	snprintf(path, sizeof path, "/api/v1/targets/%ld", target);
	cr_assert_eq(t_call(&s->d, "PATCH", path, s->other, "{\"note\":\"已按计划推进\"}", NULL), 200);
	snprintf(path, sizeof path, "/api/v1/dispatches/%lld/close", N(round, "id"));
	cr_assert_eq(t_call(&s->d, "POST", path, s->general, NULL, NULL), 200);

	/* Bad input: named. */
	expect_problem(s, "POST", "/api/v1/bulletins", s->general, "{}", 400, "round");
	expect_problem(s, "POST", "/api/v1/bulletins", s->general, "{\"quarter\":\"2012Q5\"}", 400, "quarter");
	expect_problem(s, "POST", "/api/v1/bulletins", s->general, "{\"quarter\":\"2012Q4\"}", 409, "quarter");
	expect_problem(s, "POST", "/api/v1/bulletins", s->general, "{\"round\":99999}", 404, "round");
	expect_problem(s, "POST", "/api/v1/bulletins", s->office, "{\"round\":1}", 403, NULL);

	/* The draft. */
	{
		char *body = xprintf("{\"round\":%lld}", N(round, "id"));

		cr_assert_eq(t_call(&s->d, "POST", "/api/v1/bulletins", s->general, body, &b), 201);
		free(body);
	}
	id = N(b, "id");
	IS(b, "state", "draft");
	cr_expect(json_is_null(json_object_get(b, "number")));
	{
		const json_t *f = json_object_get(b, "figures"), *r0;

		r0 = json_array_get(json_object_get(f, "rounds"), 0);
		cr_expect_eq(N(r0, "on_time"), 1, "财务审计处 reported on time");
		cr_expect_gt(N(r0, "missing"), 0);
		cr_expect_eq(N(json_object_get(f, "milestones"), "overdue"), 3);
		cr_expect(strstr(S(b, "overview"), "按时报送1个") != NULL, "%s", S(b, "overview"));
	}
	fig1 = json_dumps(json_object_get(b, "figures"), JSON_SORT_KEYS | JSON_COMPACT);
	body2 = xprintf("{\"round\":%lld}", N(round, "id"));
	json_decref(round);

	/* After the round: an overdue milestone done.  The figures are the
	 * round's, as of its close. */
	milestone = t_query_long(s->c, "SELECT milestone_id FROM notice WHERE seq = 2", 0, NULL);
	snprintf(path, sizeof path, "/api/v1/milestones/%ld", milestone);
	cr_assert_eq(t_call(&s->d, "PATCH", path, s->office,
	    "{\"status\":\"done\",\"completed_on\":\"2012-10-11\"}", NULL), 200);

	/* Edited with the version read; a stale one or a bad field refused. */
	snprintf(path, sizeof path, "/api/v1/bulletins/%ld", id);
	expect_problem(s, "PATCH", path, s->general, "{\"red_head\":\"yes\"}", 400, "red_head");
	expect_problem(s, "PATCH", path, s->general, "{\"title\":\"\"}", 400, "title");
	expect_problem(s, "PATCH", path, s->general, "{\"figures\":{}}", 400, "figures");
	expect_problem(s, "PATCH", path, s->general, "{\"version\":7,\"title\":\"x\"}", 409, "version");
	expect_problem(s, "PATCH", path, s->office, "{\"title\":\"x\"}", 403, NULL);
	cr_assert_eq(t_call(&s->d, "PATCH", path, s->general, "{\"version\":1,\"red_head\":true,"
	    "\"remarks\":\"本轮调度中，多数处室未按时报送。\",\"requirements\":\"一、各处室要立即补报进展。\\n"
	    "二、逾期事项要限期整改。\"}", &b2), 200);
	cr_expect_eq(N(b2, "version"), 2);
	json_decref(b2);
	json_decref(b);
	/* A draft is the general office's. */
	cr_expect_eq(get(s, s->office, path, NULL), 404);

	/* Issued: numbered, dated, archived. */
	snprintf(path, sizeof path, "/api/v1/bulletins/%ld/issue", id);
	expect_problem(s, "POST", path, s->general, "{\"version\":1}", 409, "version");
	cr_assert_eq(t_call(&s->d, "POST", path, s->general, "{\"version\":2}", &b), 200);
	IS(b, "number", "督查通报〔2012〕第1期");
	IS(b, "issued_on", "2012-10-11");
	IS(b, "state", "issued");
	EXPECT_STR(json_dumps(json_object_get(b, "figures"), JSON_SORT_KEYS | JSON_COMPACT), fig1,
	    "issued after the milestone was done, the figures are the draft's");
	json_decref(b);
	/* The tasks it names (通报批评) have it in their history. */
	cr_expect_eq(t_query_long(s->c, "SELECT count(*) FROM task t WHERE EXISTS (SELECT 1"
	    " FROM json_array_elements(duban_task_history_json(t.id)) x"
	    " WHERE x->>'field' = 'bulletin')", 0, NULL), 2,
	    "the three overdue milestones' two tasks (two milestones of task 7)");
	{
		char *line = task_history(s, t_query_long(s->c, "SELECT task_id FROM notice"
		    " WHERE seq = 2", 0, NULL), "bulletin");

		cr_expect(line != NULL && strncmp(line, "督查通报〔2012〕第1期《", strlen("督查通报〔2012〕第1期《")) == 0
		    && strstr(line, "》通报批评：节点“") != NULL && strstr(line, "逾期") != NULL,
		    "%s", line ? line : "(none)");
		free(line);
	}
	expect_problem(s, "POST", path, s->general, NULL, 409, NULL);
	snprintf(path, sizeof path, "/api/v1/bulletins/%ld", id);
	expect_problem(s, "PATCH", path, s->general, "{\"title\":\"改\"}", 409, NULL);

	url = xprintf("%s/api/v1/bulletins/%ld?format=html", s->d.url, id);
	t_http(&h, "GET", url, s->office, NULL, NULL);
	cr_assert_eq(h.status, 200);
	cr_expect(strstr(h.body, "督 查 通 报") != NULL, "红头");
	cr_expect(strstr(h.body, "〔2012〕第1期") != NULL);
	cr_expect(strstr(h.body, "2012年10月11日") != NULL, "the date in Chinese form");
	cr_expect(strstr(h.body, "吉林市教育局办公室") != NULL, "落款");
	cr_expect(strstr(h.body, "二、逾期事项要限期整改。") != NULL);
	html1 = h.body;
	h.body = NULL;
	t_http_free(&h);
	json1 = t_query(s->c, "SELECT content::text FROM bulletin WHERE id = $1::bigint", 1,
	    (const char *[]){ path + strlen("/api/v1/bulletins/") });

	/* More history: milestones done, more writes, a sweep. */
	milestone = t_query_long(s->c, "SELECT milestone_id FROM notice WHERE seq = 1", 0, NULL);
	snprintf(path, sizeof path, "/api/v1/milestones/%ld", milestone);
	cr_assert_eq(t_call(&s->d, "PATCH", path, s->office,
	    "{\"status\":\"done\",\"completed_on\":\"2012-10-11\"}", NULL), 200);
	sweep(s, "2012-10-12");

	/* Reproduced: the same document, byte for byte, and the same content. */
	t_http(&h, "GET", url, s->inspector, NULL, NULL);
	cr_assert_eq(h.status, 200);
	cr_expect(strcmp(h.body, html1) == 0, "the issued 通报 changed after more history");
	t_http_free(&h);
	snprintf(path, sizeof path, "%ld", id);
	json2 = t_query(s->c, "SELECT content::text FROM bulletin WHERE id = $1::bigint", 1,
	    (const char *[]){ path });
	cr_expect_str_eq(json1, json2);
	/* The notices of the milestones done are closed, in their history. */
	cr_expect_eq(t_query_long(s->c, "SELECT count(*) FROM notice_event WHERE action = 'closed'"
	    " AND note = '节点已完成'", 0, NULL), 2);
	/* The same round drafted again, later: the same figures. */
	cr_assert_eq(t_call(&s->d, "POST", "/api/v1/bulletins", s->general, body2, &b), 201);
	EXPECT_STR(json_dumps(json_object_get(b, "figures"), JSON_SORT_KEYS | JSON_COMPACT), fig1,
	    "drafted again after more history");
	json_decref(b);
	free(body2);
	free(fig1);
	/* The archive refuses any change, even in SQL. */
	{
		PGresult *res = PQexec(s->c, "UPDATE bulletin SET title = '改' WHERE state = 'issued'");

		cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR);
		PQclear(res);
	}
	free(url);
	free(html1);
	free(json1);
	free(json2);
}

/* `duban` as the holder of token, through duband: its output, which
 * must hold each of want (NULL-ended). */
static void
cli_says(struct site *s, const char *token, const char *const *args, ...)
{
	struct t_run	 r;
	const char	*want;
	va_list		 ap;

	setenv("DUBAN_SERVER", s->d.url, 1);
	setenv("DUBAN_TOKEN", token, 1);
	t_cli(&r, s->db, args);
	cr_expect_eq(r.status, 0, "%s: %s", args[1], r.err);
	va_start(ap, args);
	while ((want = va_arg(ap, const char *)) != NULL)
		cr_expect(strstr(r.out, want) != NULL, "duban %s %s: no 「%s」 in\n%s", args[0],
		    args[1], want, r.out);
	va_end(ap);
	t_run_free(&r);
	unsetenv("DUBAN_TOKEN");
}

/* The commands (cli/cmd-notice.c) read the same routes out. */
static void
commands(struct site *s)
{
	char	*first = t_query(s->c, "SELECT id FROM notice WHERE seq = 1", 0, NULL);

	cli_says(s, s->office, (const char *[]){ "notice", "show", first, NULL },
	    "督〔2012〕1号　红色督办（逾期未完成）", "签收：张伟", "经过：", NULL);
	cli_says(s, s->general, (const char *[]){ "notice", "rules", "--plan", "jilin-2012",
	    NULL }, "反馈期限：签发后 3 个工作日", "修改记录：", "反馈期限天数 4 → 3；",
	    "反馈期限天数 3 → 4；", NULL);
	cli_says(s, s->general, (const char *[]){ "bulletin", "list", NULL },
	    "督查通报〔2012〕第1期", "已印发", "草稿", NULL);
	free(first);
}

Test(notices, escalate_acknowledge_bulletin, .timeout = 120)
{
	struct site	s;

	site_start(&s);
	notices(&s);
	bulletins(&s);
	commands(&s);
	site_stop(&s);
}
