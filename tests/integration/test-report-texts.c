/*
 * More of what a report holds: 存在问题, 下步措施 and 需协调事项 beside
 * 完成情况 and 取得成效, on milestones, targets and their history; a value
 * that looks like a slip (over three times the target, a cumulative value
 * going down) asks for confirmation, on a direct write, a draft and its
 * 报送 alike; a milestone 受阻 must say what needs coordinating, and goes
 * to 需督办 in the quarterly report (as of the moment) and the 调度汇总.
 * Real duband, real PostgreSQL; duband's clock is DUBAN_NOW.
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
	char		*clerk, *head, *general;
	long		 target;	/* task 1's 普通高中受助学生: 8000 名, accumulates */
	long		 milestone;	/* a milestone of task 1 */
	long		 task1;
	long		 round;
	char		*tpath, *mpath;
};

/* A request to the site's duband (t_call). */
#define call(s, ...)	t_call(&(s)->d, __VA_ARGS__)

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "clerk", "wangli", "王丽", "财务审计处", "clerk" },
	{ "head", "zhaogang", "赵刚", "财务审计处", "head" },
	{ "general", NULL, NULL, NULL, "general" },
};

/* The snapshot every site copies: the plan loaded, the tokens kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static struct t_setup SETUP = { { LOAD }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

/* Jilin 2012, a clerk and a head of 财务审计处, and a round for it opened
 * on 3 September 2012; duband's clock at now. */
static void
site_start(struct site *s, const char *now)
{
	char		*env_now = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env_now, NULL };

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("report_texts", t_setup_build, &SETUP);
	s->clerk = t_kept(s->db, "clerk");
	s->head = t_kept(s->db, "head");
	s->general = t_kept(s->db, "general");
	s->c = t_connect(s->db);
	s->task1 = t_query_long(s->c, "SELECT id FROM task WHERE key = '1'", 0, NULL);
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
	    " WHERE o.name = '财务审计处'");
	s->tpath = xprintf("/api/v1/targets/%ld", s->target);
	s->mpath = xprintf("/api/v1/milestones/%ld", s->milestone);
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
	free(s->general);
	free(s->tpath);
	free(s->mpath);
	free(s->db);
}

static char *
current_of(struct site *s)
{
	char	*id = xprintf("%ld", s->target);
	char	*v = t_query(s->c, "SELECT coalesce(current::text, '—') FROM target"
	    " WHERE id = $1::bigint", 1, (const char *[]){ id });

	free(id);
	return (v);
}

/* A PATCH that must be refused with status and field (NULL: none),
 * changing nothing; the problem's detail is returned (the caller frees). */
static char *
refused(struct site *s, const char *path, const char *token, const char *body, long status,
    const char *field)
{
	char	*fp = t_fingerprint(s->c), *detail;
	json_t	*j;

	cr_assert_eq(call(s, "PATCH", path, token, body, &j), status, "%s", body);
	if (field == NULL)
		cr_expect_null(json_object_get(j, "field"), "%s", body);
	else
		cr_expect_str_eq(S(j, "field") ? S(j, "field") : "(none)", field, "%s", body);
	detail = xstrdup(S(j, "detail") ? S(j, "detail") : "");
	json_decref(j);
	EXPECT_STR(t_fingerprint(s->c), fp);
	free(fp);
	return (detail);
}

Test(report_texts, texts_round_trip_into_history, .timeout = 120)
{
	struct site	 s;
	json_t		*j, *h, *x, *last = NULL;
	char		*d, *big;
	size_t		 i;
	const char	*p1[1];

	site_start(&s, "2012-09-05T10:00+08:00");
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.general,
	    "{\"current\":7000,\"note\":\"秋季学期已资助 7000 名\",\"problems\":\"部分县区审核滞后\","
	    "\"next_steps\":\"10月底前完成复核\",\"coordination\":\"请财政局加快拨付\"}", &j), 200);
	cr_expect_str_eq(S(j, "problems"), "部分县区审核滞后");
	cr_expect_str_eq(S(j, "next_steps"), "10月底前完成复核");
	cr_expect_str_eq(S(j, "coordination"), "请财政局加快拨付");
	json_decref(j);
	cr_assert_eq(call(&s, "PATCH", s.mpath, s.general,
	    "{\"status\":\"in_progress\",\"problems\":\"资金未到位\",\"next_steps\":\"督促拨付\"}",
	    &j), 200);
	cr_expect_str_eq(S(j, "problems"), "资金未到位");
	cr_expect(json_is_null(json_object_get(j, "coordination")));
	json_decref(j);
	/* A text alone is an entry too; null clears it. */
	cr_assert_eq(call(&s, "PATCH", s.mpath, s.general, "{\"problems\":null}", &j), 200);
	cr_expect(json_is_null(json_object_get(j, "problems")));
	cr_expect_str_eq(S(j, "next_steps"), "督促拨付");
	json_decref(j);

	/* The history rows carry them, in the database and in the task. */
	p1[0] = xprintf("%ld", s.target);
	EXPECT_STR(t_query(s.c, "SELECT problems || '|' || next_steps || '|' || coordination"
	    " FROM progress WHERE target_id = $1::bigint AND source = 'api'", 1, p1),
	    "部分县区审核滞后|10月底前完成复核|请财政局加快拨付");
	free((char *)p1[0]);
	d = xprintf("/api/v1/tasks/%ld", s.task1);
	cr_assert_eq(call(&s, "GET", d, s.general, NULL, &j), 200);
	free(d);
	h = json_object_get(j, "history");
	json_array_foreach(h, i, x)
		if (json_integer_value(json_object_get(x, "target_id")) == s.target)
			last = x;
	cr_assert_not_null(last);
	cr_expect_str_eq(S(last, "coordination"), "请财政局加快拨付");
	cr_expect_str_eq(S(last, "next_steps"), "10月底前完成复核");
	last = NULL;
	json_array_foreach(h, i, x)
		if (json_integer_value(json_object_get(x, "milestone_id")) == s.milestone)
			last = x;
	cr_assert_not_null(last);
	cr_expect(json_is_null(json_object_get(last, "problems")));
	cr_expect_str_eq(S(last, "next_steps"), "督促拨付");
	json_decref(j);

	/* The body's shape is checked before the database. */
	d = refused(&s, s.tpath, s.general, "{\"problems\":5}", 400, "problems");
	cr_expect(strstr(d, "存在问题") != NULL, "%s", d);
	free(d);
	d = refused(&s, s.tpath, s.general, "{\"current\":7100,\"confirm\":\"yes\"}", 400,
	    "confirm");
	free(d);
	free(refused(&s, s.mpath, s.general, "{\"confirm\":true}", 400, NULL));
	big = xmalloc(4 * 4001 + 64);
	strcpy(big, "{\"coordination\":\"");
	for (i = 0; i < 4001; i++)
		strcat(big, "协");
	strcat(big, "\"}");
	d = refused(&s, s.mpath, s.general, big, 400, "coordination");
	cr_expect(strstr(d, "4000") != NULL, "%s", d);
	free(d);
	free(big);
	site_stop(&s);
}

Test(report_texts, doubtful_values_ask_for_confirmation, .timeout = 120)
{
	struct site	 s;
	json_t		*j;
	char		*d;

	site_start(&s, "2012-09-05T10:00+08:00");
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.general, "{\"current\":7000}", NULL), 200);

	/* Going down: asked, nothing written; confirmed: written. */
	d = refused(&s, s.tpath, s.general, "{\"current\":6000,\"note\":\"核减重复人数\"}", 422,
	    "current");
	cr_expect(strstr(d, "累计值由 7000 下降为 6000") != NULL, "%s", d);
	free(d);
	EXPECT_STR(current_of(&s), "7000");
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.general,
	    "{\"current\":6000,\"note\":\"核减重复人数\",\"confirm\":true}", &j), 200);
	cr_expect_str_eq(S(j, "note"), "核减重复人数");
	cr_expect_null(json_object_get(j, "confirm"));
	json_decref(j);
	EXPECT_STR(current_of(&s), "6000");

	/* More than three times 8000: asked, with the figures. */
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.general, "{\"current\":30000}", &j), 422);
	cr_expect_str_eq(S(j, "field"), "current");
	cr_expect(json_is_true(json_object_get(j, "confirmable")));
	cr_expect(strstr(S(j, "detail"), "填报值 30000 超过目标值 8000 的三倍") != NULL, "%s",
	    S(j, "detail"));
	json_decref(j);
	EXPECT_STR(current_of(&s), "6000");
	/* Exactly three times is not asked about; a little more is. */
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.general, "{\"current\":24000}", NULL), 200);
	free(refused(&s, s.tpath, s.general, "{\"current\":24000.5}", 422, "current"));
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.general,
	    "{\"current\":30000,\"confirm\":true}", NULL), 200);
	EXPECT_STR(current_of(&s), "30000");
	/* A confirmed value is not asked about again when its texts change. */
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.general,
	    "{\"current\":30000,\"problems\":\"含往年结转人数\"}", NULL), 200);
	site_stop(&s);
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

/* A clerk's draft: confirmed once, not asked again when the draft's texts
 * change, nor at the 报送; a new value without confirmation is asked. */
Test(report_texts, a_confirmation_goes_with_the_draft, .timeout = 120)
{
	struct site	 s;
	json_t		*j;
	const char	*p1[1];

	site_start(&s, "2012-09-05T10:00+08:00");
	free(refused(&s, s.tpath, s.clerk, "{\"current\":30000}", 422, "current"));
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.clerk,
	    "{\"current\":30000,\"confirm\":true}", &j), 200);
	cr_expect(json_is_true(json_object_get(json_object_get(json_object_get(j, "draft"),
	    "fields"), "confirm")));
	json_decref(j);
	EXPECT_STR(current_of(&s), "—");
	cr_assert_eq(call(&s, "PATCH", s.tpath, s.clerk,
	    "{\"problems\":\"含往年结转人数\",\"coordination\":\"请统计处核对口径\"}", NULL), 200);
	/* A value changed without confirming drops the confirmation. */
	free(refused(&s, s.tpath, s.clerk, "{\"current\":31000}", 422, "current"));

	cr_assert_eq(step(&s, "submit", s.clerk, "{\"confirm\":true}", NULL), 200);
	cr_assert_eq(step(&s, "submit", s.head, "{\"confirm\":true}", &j), 200);
	cr_expect_str_eq(S(j, "state_label"), "已报送");
	json_decref(j);
	EXPECT_STR(current_of(&s), "30000");
	p1[0] = xprintf("%ld", s.target);
	EXPECT_STR(t_query(s.c, "SELECT actor || '|' || problems || '|' || coordination"
	    " FROM progress WHERE target_id = $1::bigint AND source = 'api'", 1, p1),
	    "王丽|含往年结转人数|请统计处核对口径");
	free((char *)p1[0]);
	site_stop(&s);
}

/* Whether the quarterly report as of a day names task 1 for 受阻. */
static int
supervised_for_block(struct site *s, const char *as_of, const char *want)
{
	char	*path = xprintf("/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3%s%s",
	    as_of ? "&as_of=" : "", as_of ? as_of : "");
	json_t	*j, *x, *r;
	size_t	 i, k;
	int	 found = 0;

	cr_assert_eq(call(s, "GET", path, s->general, NULL, &j), 200);
	json_array_foreach(json_object_get(j, "supervise"), i, x) {
		if (json_integer_value(json_object_get(x, "id")) != s->task1)
			continue;
		json_array_foreach(json_object_get(x, "reasons"), k, r)
			if (strstr(json_string_value(r), want) != NULL)
				found = 1;
	}
	json_decref(j);
	free(path);
	return (found);
}

Test(report_texts, blocked_needs_coordination_and_is_supervised, .timeout = 180)
{
	struct site	 s;
	json_t		*j, *t, *x;
	struct t_http	 h;
	char		*d, *url, *title;
	size_t		 i, k;
	int		 found = 0;

	site_start(&s, "2012-09-05T10:00+08:00");
	d = refused(&s, s.mpath, s.general, "{\"status\":\"blocked\"}", 422, "coordination");
	cr_expect_str_eq(d, "节点标为受阻时，请填写需协调事项");
	free(d);
	free(refused(&s, s.mpath, s.general,
	    "{\"status\":\"blocked\",\"coordination\":\"  \"}", 422, "coordination"));
	/* A clerk's draft is checked the same way. */
	free(refused(&s, s.mpath, s.clerk, "{\"status\":\"blocked\"}", 422, "coordination"));
	cr_expect(!supervised_for_block(&s, NULL, "受阻"));

	cr_assert_eq(call(&s, "PATCH", s.mpath, s.general,
	    "{\"status\":\"blocked\",\"coordination\":\"需财政局追加配套资金\"}", &j), 200);
	cr_expect_str_eq(S(j, "status"), "blocked");
	title = xstrdup(S(j, "title"));
	json_decref(j);
	/* Clearing it while 受阻 is refused as well. */
	free(refused(&s, s.mpath, s.general, "{\"coordination\":null}", 422, "coordination"));

	d = xprintf("节点受阻（%s），需协调：需财政局追加配套资金", title);
	cr_expect(supervised_for_block(&s, NULL, d), "%s", d);
	cr_expect(!supervised_for_block(&s, "2012-09-04", "受阻"));
	/* The report's text shows the 需协调事项 with the task. */
	url = xprintf("%s/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3&format=md",
	    s.d.url);
	t_http(&h, "GET", url, s.general, NULL, NULL);
	cr_expect_eq(h.status, 200);
	cr_expect(strstr(h.body, "需协调事项：需财政局追加配套资金") != NULL);
	t_http_free(&h);
	free(url);

	/* The 调度汇总 names it among what is missing. */
	url = xprintf("/api/v1/dispatches/%ld/close", s.round);
	cr_assert_eq(call(&s, "POST", url, s.general, NULL, &j), 200);
	free(url);
	json_array_foreach(json_object_get(json_object_get(j, "summary"), "tasks"), i, t)
		if (json_integer_value(json_object_get(t, "id")) == s.task1)
			json_array_foreach(json_object_get(t, "missing"), k, x)
				if (strcmp(json_string_value(x), d) == 0)
					found = 1;
	cr_expect(found, "the 调度汇总 does not name the block");
	json_decref(j);
	free(d);
	free(title);
	site_stop(&s);
}
