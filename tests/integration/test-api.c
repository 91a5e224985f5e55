/*
 * duband's API, driven over HTTP against a real database: every route,
 * the permission matrix, bad bodies, stale and concurrent writes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static char		*db;
static PGconn		*conn;
static struct t_daemon	 d;
static char		*general, *office, *other, *inspector;
/* Jilin 2012 project 1 (lead: 财务审计处) and 3 (教育技术装备处). */
static char		*own_milestone, *own_target, *other_milestone, *other_target;
static char		*task1;

static char *
id_of(const char *sql)
{
	char	*v = t_query(conn, sql, 0, NULL);

	if (v == NULL)
		t_fatal("no row: %s", sql);
	return (v);
}

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "general", NULL, NULL, NULL, "general" },
	{ "office", NULL, NULL, "财务审计处", "office" },
	{ "other", NULL, NULL, "教育技术装备处", "office" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
};

/* The snapshot every test copies: the five plans loaded, the tokens kept. */
static void
build(const char *made, void *arg)
{
	const char	*args[16] = { "plan", "load" };
	int		 i;

	(void)arg;
	for (i = 0; t_plan_files[i] != NULL; i++)
		args[2 + i] = t_plan_files[i];
	t_cli_ok(made, args);
	t_keep_who(made, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0]);
}

static void
setup(void)
{
	static const char *const env[] = { "DUBAN_NOW=2012-10-15T09:00+08:00", NULL };

	db = t_db_snapshot("api", build, NULL);
	conn = t_connect(db);
	general = t_kept(db, "general");
	office = t_kept(db, "office");
	other = t_kept(db, "other");
	inspector = t_kept(db, "inspector");
	own_milestone = id_of("SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND t.key = '1'"
	    " AND m.key = 'deadline'");
	own_target = id_of("SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND t.key = '1'"
	    " AND g.key = 'hs-students'");
	other_milestone = id_of("SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND t.key = '3'"
	    " AND m.key = 'deadline'");
	other_target = id_of("SELECT min(g.id) FROM target g JOIN task t ON t.id = g.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012' AND t.key = '3'");
	task1 = id_of("SELECT t.id FROM task t JOIN plan p ON p.id = t.plan_id"
	    " WHERE p.key = 'jilin-2012' AND t.key = '1'");
	t_daemon_start(&d, db, NULL, env);
}

static void
teardown(void)
{
	t_daemon_stop(&d);
	PQfinish(conn);
}

TestSuite(api, .init = setup, .fini = teardown, .timeout = 120);

static char *
url(const char *fmt, const char *arg)
{
	char	*path = xprintf(fmt, arg ? arg : "");
	char	*u = xprintf("%s%s", d.url, path);

	free(path);
	return (u);
}

static json_t *
get_json(const char *path, const char *token, long want)
{
	struct t_http	 h;
	json_t		*j;
	char		*u = url("%s", path);

	t_http(&h, "GET", u, token, NULL, NULL);
	cr_assert_eq(h.status, want, "GET %s: %ld, want %ld: %s", path, h.status,
	    want, h.body);
	j = json_loads(h.body, 0, NULL);
	cr_assert_not_null(j, "GET %s: not JSON: %s", path, h.body);
	t_http_free(&h);
	free(u);
	return (j);
}

/* "key key …" of a task array. */
static char *
keys(json_t *a)
{
	json_t	*t;
	size_t	 i;
	char	*s = xstrdup(""), *n;

	json_array_foreach(a, i, t) {
		n = xprintf("%s%s%s", s, i ? " " : "",
		    json_string_value(json_object_get(t, "key")));
		free(s);
		s = n;
	}
	return (s);
}

#define EXPECT_KEYS(path, want) do {					\
	json_t *j_ = get_json((path), inspector, 200);			\
	char *k_ = keys(j_);						\
	cr_expect_str_eq(k_, (want), "%s", (path));			\
	free(k_);							\
	json_decref(j_);						\
} while (0)

Test(api, reads_every_route)
{
	json_t		*j, *t;
	struct t_http	 h;
	char		*u, *etag, *path;
	const char	*k;
	struct t_run	 r;
	const char	*cli[] = { "task", "list", "--json", "--plan", "jilin-2012", NULL };
	json_t		*viacli, *v;
	size_t		 i;

	j = get_json("/api/v1/plans", inspector, 200);
	cr_expect_eq(json_array_size(j), 5);
	json_decref(j);
	j = get_json("/api/v1/plans/jilin-2012", office, 200);
	cr_expect_str_eq(json_string_value(json_object_get(j, "document_number")),
	    "吉市教通字〔2012〕12号");
	cr_expect_eq(json_array_size(json_object_get(j, "tasks")), 12);
	cr_expect(json_is_integer(json_object_get(j, "id")));
	json_decref(j);
	json_decref(get_json("/api/v1/plans/no-such-plan", inspector, 404));

	/* GET /tasks keeps every field of `duban task list --json`. */
	j = get_json("/api/v1/tasks?plan=jilin-2012", inspector, 200);
	cr_expect_eq(json_array_size(j), 12);
	t_cli(&r, db, cli);
	viacli = json_loads(r.out, 0, NULL);
	cr_assert_not_null(viacli);
	json_object_foreach(json_array_get(viacli, 0), k, v)
		cr_expect(json_object_get(json_array_get(j, 0), k) != NULL,
		    "GET /tasks lacks %s", k);
	json_decref(viacli);
	t_run_free(&r);
	json_decref(j);

	EXPECT_KEYS("/api/v1/tasks?plan=jilin-2012&office=%E8%B4%A2%E5%8A%A1%E5%AE%A1%E8%AE%A1%E5%A4%84",
	    "1 2 6 8");
	/* An office by its id, as the pages ask. */
	etag = id_of("SELECT min(id) FROM office WHERE name = '财务审计处'");
	u = xprintf("/api/v1/tasks?plan=jilin-2012&office=%s", etag);
	EXPECT_KEYS(u, "1 2 6 8");
	free(u);
	free(etag);
	EXPECT_KEYS("/api/v1/tasks?due_before=2012-10-01", "5-1");
	EXPECT_KEYS("/api/v1/tasks?plan=jilin-2012&unassigned=true", "5");
	/* On 2012-10-15: 5① (2012-09-30) and 7's terms are past due. */
	EXPECT_KEYS("/api/v1/tasks?plan=jilin-2012&status=overdue", "5 5-1 7");
	/* Nothing reported: the tasks with figures and nothing overdue are
	 * 未填报, none 滞后. */
	EXPECT_KEYS("/api/v1/tasks?plan=jilin-2012&status=unreported", "1 2 3 5-2 5-3 6 8");
	EXPECT_KEYS("/api/v1/tasks?plan=jilin-2012&status=behind", "");
	json_decref(get_json("/api/v1/tasks?status=finished", inspector, 400));
	json_decref(get_json("/api/v1/tasks?due_before=2012-02-30", inspector, 400));
	json_decref(get_json("/api/v1/tasks?colour=red", inspector, 400));

	path = xprintf("/api/v1/tasks/%s", task1);
	j = get_json(path, inspector, 200);
	free(path);
	cr_expect_str_eq(json_string_value(json_object_get(j, "lead_office")), "财务审计处");
	cr_expect_eq(json_array_size(json_object_get(j, "targets")), 12);
	cr_expect_eq(json_array_size(json_object_get(j, "milestones")), 1);
	t = json_array_get(json_object_get(j, "roles"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(t, "role")), "lead");
	cr_expect_str_eq(json_string_value(json_object_get(t, "person")), "陈伟");
	cr_expect(json_is_array(json_object_get(j, "history")));
	/* Nothing reported by 2012-10-15 while the year is 79% gone: 未填报,
	 * not 滞后 (which it was when nothing counted as 0%). */
	cr_expect_str_eq(json_string_value(json_object_get(j, "status")), "unreported");
	t = json_array_get(json_object_get(j, "targets"), 0);
	cr_expect_str_eq(json_string_value(json_object_get(t, "state")), "unreported");
	cr_expect(json_is_null(json_object_get(t, "completion")));
	cr_expect(json_is_false(json_object_get(j, "may_edit")), "inspectors read only");
	json_decref(j);
	/* may_edit tells a page whether to offer the editors. */
	path = xprintf("/api/v1/tasks/%s", task1);
	j = get_json(path, office, 200);
	cr_expect(json_is_true(json_object_get(j, "may_edit")), "财务审计处 leads task 1");
	json_decref(j);
	j = get_json(path, other, 200);
	cr_expect(json_is_false(json_object_get(j, "may_edit")), "not 教育技术装备处's task");
	json_decref(j);
	j = get_json(path, general, 200);
	cr_expect(json_is_true(json_object_get(j, "may_edit")));
	json_decref(j);
	free(path);
	json_decref(get_json("/api/v1/tasks/999999", inspector, 404));

	j = get_json("/api/v1/offices", inspector, 200);
	json_array_foreach(j, i, t)
		if (strcmp(json_string_value(json_object_get(t, "name")), "财务审计处") == 0)
			break;
	cr_assert_lt(i, json_array_size(j), "财务审计处 is not listed");
	cr_expect_eq(json_integer_value(json_object_get(t, "tasks_led")), 2,
	    "it leads Jilin 1 (named) and 6 (its sole 责任处室)");
	cr_expect_eq(json_integer_value(json_object_get(t, "tasks_responsible")), 3,
	    "responsible for Jilin 2, 6 and 8");
	json_decref(j);

	u = url("/api/v1/milestones/%s", own_milestone);
	t_http(&h, "GET", u, inspector, NULL, NULL);
	cr_expect_eq(h.status, 200);
	etag = t_http_header(&h, "ETag");
	cr_expect_str_eq(etag, "\"1\"");
	free(etag);
	t_http_free(&h);
	free(u);
	u = url("/api/v1/targets/%s", own_target);
	t_http(&h, "GET", u, inspector, NULL, NULL);
	cr_expect_eq(h.status, 200);
	j = json_loads(h.body, 0, NULL);
	cr_expect_str_eq(json_string_value(json_object_get(j, "unit")), "名");
	json_decref(j);
	t_http_free(&h);
	free(u);

	u = url("/api/v1/nothing-here", NULL);
	t_http(&h, "GET", u, inspector, NULL, NULL);
	cr_expect_eq(h.status, 404);
	cr_expect(strstr(h.headers, "application/problem+json") != NULL);
	t_http_free(&h);
	free(u);
	u = url("/api/v1/tasks", NULL);
	t_http(&h, "DELETE", u, general, NULL, NULL);
	cr_expect_eq(h.status, 405);
	etag = t_http_header(&h, "Allow");
	cr_expect_str_eq(etag, "GET");
	free(etag);
	t_http_free(&h);
	free(u);

	u = url("/healthz", NULL);
	t_http(&h, "GET", u, NULL, NULL, NULL);
	cr_expect_eq(h.status, 200);
	cr_expect(strstr(h.body, "\"database\":\"ok\"") != NULL, "%s", h.body);
	/* healthz is built by duband itself: compact. */
	t_http_free(&h);
	free(u);
	u = url("/metrics", NULL);
	t_http(&h, "GET", u, NULL, NULL, NULL);
	cr_expect_eq(h.status, 200);
	cr_expect(strstr(h.body, "duban_http_requests_total{route=\"/api/v1/tasks\","
	    "method=\"GET\",status=\"200\"}") != NULL, "%s", h.body);
	cr_expect(strstr(h.body, "duban_http_request_duration_seconds_bucket") != NULL);
	cr_expect(strstr(h.body, "duban_db_pool_in_use ") != NULL);
	cr_expect(strstr(h.body, "duban_db_pool_queue_length 0") != NULL);
	t_http_free(&h);
	free(u);
}

Test(api, tokens_are_required)
{
	struct t_http	 h;
	char		*u = url("/api/v1/tasks", NULL), *w;

	t_http(&h, "GET", u, NULL, NULL, NULL);
	cr_expect_eq(h.status, 401);
	w = t_http_header(&h, "WWW-Authenticate");
	cr_expect_not_null(w);
	free(w);
	cr_expect(strstr(h.body, "需要有效的访问令牌") != NULL, "%s", h.body);
	t_http_free(&h);
	t_http(&h, "GET", u, "dbn_not-a-real-token", NULL, NULL);
	cr_expect_eq(h.status, 401);
	t_http_free(&h);
	t_http(&h, "GET", u, NULL, NULL, "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l");
	cr_expect_eq(h.status, 401);
	t_http_free(&h);
	free(u);
}

/* ---------------------------------------------------------------- */
/* Who may write what. */

struct cell {
	const char	*who;
	const char	**token;
	int		 own;		/* the task of 财务审计处 */
	long		 want;
};

static long
history_count(void)
{
	return (t_query_long(conn, "SELECT count(*) FROM progress WHERE source = 'api'",
	    0, NULL));
}

Test(api, permission_matrix)
{
	static const char	*none = NULL, *bad = "dbn_forged";
	const char		*revoked;
	struct cell		 cells[] = {
		{ "no token", &none, 1, 401 },
		{ "forged token", &bad, 1, 401 },
		{ "revoked token", &revoked, 1, 401 },
		{ "inspector", (const char **)&inspector, 1, 403 },
		{ "office, another's task", (const char **)&other, 1, 403 },
		{ "office, own task", (const char **)&office, 1, 200 },
		{ "general", (const char **)&general, 0, 200 },
		{ "office, not its task", (const char **)&office, 0, 403 },
	};
	static const char *const routes[][2] = {
		{ "/api/v1/milestones/%s", "{\"note\":\"%s 已检查\"}" },
		{ "/api/v1/targets/%s", "{\"current\":%d}" },
	};
	struct t_http	 h;
	struct t_run	 r;
	const char	*rv[] = { "token", "revoke", NULL, NULL };
	char		*tok, *id, *u, *body, *fp1, *fp2, *who;
	size_t		 i, k;
	long		 n;

	tok = t_token(db, "office", "财务审计处");
	revoked = tok;
	id = t_query(conn, "SELECT max(id)::text FROM api_token", 0, NULL);
	rv[2] = id;
	t_cli(&r, db, rv);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);

	for (k = 0; k < 2; k++)
		for (i = 0; i < sizeof cells / sizeof cells[0]; i++) {
			const char *target = k == 0 ?
			    (cells[i].own ? own_milestone : other_milestone) :
			    (cells[i].own ? own_target : other_target);

			u = url(routes[k][0], target);
			body = k == 0 ? xprintf(routes[k][1], cells[i].who) :
			    xprintf("{\"current\":%zu}", 100 + i);
			fp1 = t_fingerprint(conn);
			n = history_count();
			t_http(&h, "PATCH", u, *cells[i].token, body, NULL);
			cr_expect_eq(h.status, cells[i].want, "%s %s: %ld, want %ld: %s",
			    cells[i].who, routes[k][0], h.status, cells[i].want, h.body);
			fp2 = t_fingerprint(conn);
			if (cells[i].want == 200) {
				cr_expect_eq(history_count(), n + 1, "%s: one history row",
				    cells[i].who);
				who = t_query(conn, "SELECT coalesce(o.name, '—') || ' ' || "
				    "h.actor FROM progress h LEFT JOIN office o ON o.id = h.office_id "
				    "ORDER BY h.id DESC LIMIT 1", 0, NULL);
				cr_expect_str_eq(who, cells[i].own && cells[i].token ==
				    (const char **)&office ? "财务审计处 财务审计处" :
				    "— 局办公室（综合调度）", "%s", cells[i].who);
				free(who);
			} else {
				cr_expect_str_eq(fp1, fp2, "%s %s changed the database",
				    cells[i].who, routes[k][0]);
				cr_expect(strstr(h.headers, "application/problem+json") != NULL);
			}
			free(fp1);
			free(fp2);
			t_http_free(&h);
			free(body);
			free(u);
		}
	free(tok);
	free(id);
}

Test(api, a_stale_write_is_refused_with_the_newer_value)
{
	struct t_http	 h;
	char		*u = url("/api/v1/milestones/%s", own_milestone), *etag;
	json_t		*j;

	t_http(&h, "PATCH", u, office, "{\"status\":\"in_progress\",\"note\":\"甲\"}",
	    "If-Match: \"1\"");
	cr_assert_eq(h.status, 200, "%s", h.body);
	etag = t_http_header(&h, "ETag");
	cr_expect_str_eq(etag, "\"2\"");
	free(etag);
	t_http_free(&h);
	/* Someone who read version 1 writes: refused, and shown version 2. */
	t_http(&h, "PATCH", u, general, "{\"status\":\"done\"}", "If-Match: \"1\"");
	cr_expect_eq(h.status, 409);
	j = json_loads(h.body, 0, NULL);
	cr_assert_not_null(j);
	cr_expect_str_eq(json_string_value(json_object_get(j, "field")), "version");
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(j, "current"),
	    "note")), "甲");
	cr_expect_eq(json_integer_value(json_object_get(json_object_get(j, "current"),
	    "version")), 2);
	/* The current value keeps its empty fields, and says whose write won. */
	cr_expect(json_is_null(json_object_get(json_object_get(j, "current"), "completed_on")),
	    "%s", h.body);
	cr_expect_str_eq(json_string_value(json_object_get(json_object_get(json_object_get(j,
	    "current"), "updated_by"), "office")), "财务审计处", "%s", h.body);
	json_decref(j);
	t_http_free(&h);
	/* The version in the body works too. */
	t_http(&h, "PATCH", u, office, "{\"status\":\"done\",\"version\":2}", NULL);
	cr_expect_eq(h.status, 200, "%s", h.body);
	j = json_loads(h.body, 0, NULL);
	cr_expect_str_eq(json_string_value(json_object_get(j, "completed_on")),
	    "2012-10-15", "done without a date is done today (DUBAN_NOW)");
	json_decref(j);
	t_http_free(&h);
	free(u);
}

Test(api, bad_bodies_name_their_field_and_change_nothing)
{
	static const struct { const char *body; const char *field; long want; } m[] = {
		{ "{\"status\":", NULL, 400 },
		{ "[1, 2]", NULL, 400 },
		{ "{}", NULL, 400 },
		{ "", NULL, 400 },
		{ "{\"stauts\":\"done\"}", "stauts", 400 },
		{ "{\"status\":\"finished\"}", "status", 400 },
		{ "{\"status\":null}", "status", 400 },
		{ "{\"completed_on\":\"2012-02-30\"}", "completed_on", 400 },
		{ "{\"status\":\"done\",\"completed_on\":\"2013-01-01\"}", "completed_on", 400 },
		{ "{\"status\":\"pending\",\"completed_on\":\"2012-05-01\"}", "completed_on", 400 },
		{ "{\"note\":123}", "note", 400 },
		{ "{\"evidence_url\":\"ftp://x/y\"}", "evidence_url", 400 },
		{ "{\"evidence_url\":\"http://a b\"}", "evidence_url", 400 },
		{ "{\"version\":0,\"note\":\"x\"}", "version", 400 },
		{ "{\"note\":\"a\",\"note\":\"b\"}", NULL, 400 },
		{ "{\"note\":\"\xff\xfe\"}", NULL, 400 },
		{ "{\"note\":\"x\",\"version\":\"2\"}", "version", 400 },
	};
	static const struct { const char *body; const char *field; } t[] = {
		{ "{\"current\":-1}", "current" },
		{ "{\"current\":\"12\"}", "current" },
		{ "{\"current\":1e400}", NULL },
		{ "{\"value\":5}", "value" },
	};
	struct t_http	 h;
	char		*u, *fp1, *fp2, *want;
	size_t		 i;

	fp1 = t_fingerprint(conn);
	u = url("/api/v1/milestones/%s", own_milestone);
	for (i = 0; i < sizeof m / sizeof m[0]; i++) {
		t_http(&h, "PATCH", u, office, m[i].body, NULL);
		cr_expect_eq(h.status, m[i].want, "%s: %ld %s", m[i].body, h.status, h.body);
		cr_expect(strstr(h.headers, "application/problem+json") != NULL);
		if (m[i].field != NULL) {
			want = xprintf("\"field\":\"%s\"", m[i].field);
			cr_expect(strstr(h.body, want) != NULL, "%s: %s", m[i].body, h.body);
			free(want);
		}
		t_http_free(&h);
	}
	free(u);
	u = url("/api/v1/targets/%s", own_target);
	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		t_http(&h, "PATCH", u, office, t[i].body, NULL);
		cr_expect_eq(h.status, 400, "%s: %ld %s", t[i].body, h.status, h.body);
		if (t[i].field != NULL) {
			want = xprintf("\"field\":\"%s\"", t[i].field);
			cr_expect(strstr(h.body, want) != NULL, "%s: %s", t[i].body, h.body);
			free(want);
		}
		t_http_free(&h);
	}
	free(u);
	fp2 = t_fingerprint(conn);
	cr_expect_str_eq(fp1, fp2);
	free(fp1);
	free(fp2);
}

Test(api, oversized_and_truncated_requests)
{
	struct t_http		 h;
	struct sockaddr_in	 sin;
	char			*u = url("/api/v1/milestones/%s", own_milestone);
	char			*big, *req;
	size_t			 n;
	int			 fd, port;
	json_t			*j;

	/* Over max_body (64 KiB): a problem+json 413. */
	n = 70 * 1024;
	big = xmalloc(n + 32);
	snprintf(big, n + 32, "{\"note\":\"%0*d\"}", (int)n, 0);
	t_http(&h, "PATCH", u, office, big, NULL);
	cr_expect_eq(h.status, 413, "%ld", h.status);
	cr_expect(strstr(h.body, "请求体过大") != NULL, "%s", h.body);
	t_http_free(&h);
	free(big);
	/* Far over it: libevent refuses it while reading. */
	n = 1024 * 1024;
	big = xmalloc(n + 32);
	snprintf(big, n + 32, "{\"note\":\"%0*d\"}", (int)n, 0);
	t_http(&h, "PATCH", u, office, big, NULL);
	cr_expect(h.status == 413 || h.status == 0, "%ld", h.status);
	t_http_free(&h);
	free(big);

	/* A body cut short, then the connection dropped. */
	port = atoi(strrchr(d.url, ':') + 1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	req = xprintf("PATCH /api/v1/milestones/%s HTTP/1.1\r\nHost: x\r\n"
	    "Authorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{\"note\":",
	    own_milestone, office);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	close(fd);
	free(req);
	/* Garbage instead of a request line. */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
	cr_assert_eq(write(fd, "\x01\x02 garbage\r\n\r\n", 14), 14);
	close(fd);

	/* The daemon is still there and unchanged. */
	t_http(&h, "GET", u, office, NULL, NULL);
	cr_expect_eq(h.status, 200);
	j = json_loads(h.body, 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(j, "version")), 1, "%s", h.body);
	json_decref(j);
	t_http_free(&h);
	free(u);
}

Test(api, two_concurrent_updates_one_wins)
{
	CURLM		*multi = curl_multi_init();
	CURL		*e[2];
	struct curl_slist *hdr[2] = { NULL, NULL };
	char		*u = url("/api/v1/milestones/%s", own_milestone), *auth[2];
	const char	*body[2] = { "{\"note\":\"甲处填写\"}", "{\"note\":\"乙处填写\"}" };
	long		 code[2];
	int		 running, i, ok = 0, conflict = 0;

	for (i = 0; i < 2; i++) {
		e[i] = curl_easy_init();
		auth[i] = xprintf("Authorization: Bearer %s", i ? general : office);
		hdr[i] = curl_slist_append(NULL, auth[i]);
		hdr[i] = curl_slist_append(hdr[i], "If-Match: \"1\"");
		curl_easy_setopt(e[i], CURLOPT_URL, u);
		curl_easy_setopt(e[i], CURLOPT_CUSTOMREQUEST, "PATCH");
		curl_easy_setopt(e[i], CURLOPT_POSTFIELDS, body[i]);
		curl_easy_setopt(e[i], CURLOPT_HTTPHEADER, hdr[i]);
		curl_easy_setopt(e[i], CURLOPT_WRITEFUNCTION, fwrite);
		curl_easy_setopt(e[i], CURLOPT_WRITEDATA, stderr);
		curl_multi_add_handle(multi, e[i]);
	}
	do {
		curl_multi_perform(multi, &running);
		if (running)
			curl_multi_poll(multi, NULL, 0, 1000, NULL);
	} while (running);
	for (i = 0; i < 2; i++) {
		curl_easy_getinfo(e[i], CURLINFO_RESPONSE_CODE, &code[i]);
		ok += code[i] == 200;
		conflict += code[i] == 409;
		curl_multi_remove_handle(multi, e[i]);
		curl_easy_cleanup(e[i]);
		curl_slist_free_all(hdr[i]);
		free(auth[i]);
	}
	curl_multi_cleanup(multi);
	cr_expect(ok == 1 && conflict == 1, "got %ld and %ld", code[0], code[1]);
	cr_expect_eq(t_query_long(conn, "SELECT count(*) FROM progress WHERE source = 'api'",
	    0, NULL), 1, "exactly one write in the history");
	free(u);
}

Test(api, a_revoked_token_stops_working_at_once)
{
	struct t_http	 h;
	struct t_run	 r;
	const char	*rv[] = { "token", "revoke", NULL, NULL };
	char		*tok = t_token(db, "office", "财务审计处"), *id;
	char		*u = url("/api/v1/milestones/%s", own_milestone);
	int		 i;

	t_http(&h, "GET", u, tok, NULL, NULL);
	cr_expect_eq(h.status, 200);
	t_http_free(&h);
	id = t_query(conn, "SELECT max(id)::text FROM api_token", 0, NULL);
	rv[2] = id;
	t_cli(&r, db, rv);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	/* Writes check the token in their own transaction. */
	t_http(&h, "PATCH", u, tok, "{\"note\":\"x\"}", NULL);
	cr_expect_eq(h.status, 401, "%s", h.body);
	t_http_free(&h);
	/*
	 * Reads are served from a cache that NOTIFY empties; the request
	 * after the notification arrives is refused.  Bounded by requests,
	 * not by time.
	 */
	for (i = 0; i < 500; i++) {
		t_http(&h, "GET", u, tok, NULL, NULL);
		if (h.status == 401)
			break;
		t_http_free(&h);
	}
	cr_expect_eq(h.status, 401, "still accepted after %d requests", i);
	t_http_free(&h);
	free(tok);
	free(id);
	free(u);
}

Test(api, the_history_says_who_and_what)
{
	struct t_http	 h;
	char		*u = url("/api/v1/targets/%s", own_target), *path;
	json_t		*j, *hist, *last;

	t_http(&h, "PATCH", u, office, "{\"current\":8200,\"note\":\"已资助8200名\","
	    "\"outcome\":\"无一人因贫辍学\"}", NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);
	path = xprintf("/api/v1/tasks/%s", task1);
	j = get_json(path, inspector, 200);
	hist = json_object_get(j, "history");
	last = json_array_get(hist, json_array_size(hist) - 1);
	cr_expect_str_eq(json_string_value(json_object_get(last, "field")), "current");
	cr_expect(json_is_null(json_object_get(last, "old")));
	cr_expect_str_eq(json_string_value(json_object_get(last, "new")), "8200");
	cr_expect_str_eq(json_string_value(json_object_get(last, "office")), "财务审计处");
	cr_expect_str_eq(json_string_value(json_object_get(last, "note")), "已资助8200名");
	cr_expect_str_eq(json_string_value(json_object_get(last, "outcome")), "无一人因贫辍学");
	cr_expect_str_eq(json_string_value(json_object_get(last, "source")), "api");
	json_decref(j);
	free(path);
	free(u);
}
