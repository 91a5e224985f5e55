/*
 * Stored texts and control characters: every route that stores a text a
 * user wrote refuses one with a control character other than newline
 * and tab (400, problem+json naming the field, nothing written), and a
 * text that holds one already (stored before the rule) reaches the
 * terminal made visible by `duban task show` and `duban dispatch show`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";

#define JSON	"Content-Type: application/json"
#define FINANCE	"%E8%B4%A2%E5%8A%A1%E5%AE%A1%E8%AE%A1%E5%A4%84"	/* 财务审计处 */

static char		*db, *general, *clerk, *inspector;
static PGconn		*conn;
static struct t_daemon	 d;
static char		*milestone, *task;

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "general", NULL, NULL, NULL, "general" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
	{ "clerk", "wangli", "王丽", "财务审计处", "clerk" },
};

/* The snapshot every test copies: the plan loaded, the tokens kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static struct t_setup SETUP = { { LOAD }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

static void
setup(void)
{
	const char	*env[] = { "DUBAN_NOW=2012-09-10T10:00:00+08:00", NULL };

	db = t_db_snapshot("texts", t_setup_build, &SETUP);
	general = t_kept(db, "general");
	inspector = t_kept(db, "inspector");
	clerk = t_kept(db, "clerk");
	conn = t_connect(db);
	task = t_query(conn, "SELECT t.id FROM task t JOIN plan p ON p.id = t.plan_id"
	    " WHERE p.key = 'jilin-2012' AND t.key = '1'", 0, NULL);
	milestone = t_query(conn, "SELECT m.id FROM milestone m WHERE m.task_id = $1"
	    " AND m.key = 'deadline'", 1, (const char *[]){ task });
	cr_assert(task != NULL && milestone != NULL);
	t_daemon_start(&d, db, NULL, env);
}

static void
teardown(void)
{
	t_daemon_stop(&d);
	PQfinish(conn);
}

TestSuite(texts, .init = setup, .fini = teardown, .timeout = 180);

/* One call; its status, and its body in *body (to free). */
static long
call(const char *method, const char *path, const char *token, const char *json,
    char **body)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", d.url, path);
	long		 status;

	t_http(&h, method, url, token, json, json ? JSON : NULL);
	status = h.status;
	if (status >= 400)
		cr_expect(strstr(h.headers, "application/problem+json") != NULL,
		    "%s %s: %s", method, path, h.headers);
	*body = xstrdup(h.body ? h.body : "");
	t_http_free(&h);
	free(url);
	return (status);
}

Test(texts, control_characters_are_refused_naming_the_field)
{
	/* ESC, CR, BEL and C1's CSI, JSON-escaped as a client sends them. */
	static const char *const bad[] = { "\\u001b[31m红字", "覆盖\\r完成", "\\u0007",
	    "\\u009b31m" };
	struct {
		const char	*method, *path, *token, *fmt, *field;
	} routes[] = {
		{ "PATCH", "/api/v1/milestones/%s", clerk,
		  "{\"note\":\"%s\"}", "note" },
		{ "PUT", "/api/v1/offices/" FINANCE "/report", clerk,
		  "{\"rows\":[{\"kind\":\"milestone\",\"id\":%s,\"version\":1,"
		  "\"outcome\":\"%s\"}]}", "outcome" },
		{ "POST", "/api/v1/milestones/%s/extensions", clerk,
		  "{\"new_date\":\"2013-03-31\",\"reason\":\"%s\"}", "reason" },
		{ "POST", "/api/v1/dispatches", general,
		  "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-09-20\",\"title\":\"%s\"}",
		  "title" },
		{ "POST", "/api/v1/jiaoban", general,
		  "{\"title\":\"%s\",\"basis_kind\":\"instruction\",\"basis\":\"批示\","
		  "\"lead_office\":\"财务审计处\",\"deadline\":\"2012-12-31\"}", "title" },
		{ "POST", "/api/v1/users", general,
		  "{\"login\":\"evil\",\"name\":\"%s\",\"office\":\"财务审计处\","
		  "\"role\":\"clerk\"}", "name" },
	};
	char	*fp1, *fp2, *path, *json, *body, *want;
	size_t	 i, k;
	long	 st;

	fp1 = t_fingerprint(conn);
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		path = strstr(routes[i].path, "%s") ?
		    xprintf(routes[i].path, milestone) : xstrdup(routes[i].path);
		for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			/* The batch's row names its milestone before the text. */
			json = strncmp(routes[i].fmt, "{\"rows\"", 7) == 0 ?
			    xprintf(routes[i].fmt, milestone, bad[k]) :
			    xprintf(routes[i].fmt, bad[k]);
			st = call(routes[i].method, path, routes[i].token, json, &body);
			cr_expect_eq(st, 400, "%s %s %s: %ld %s", routes[i].method, path,
			    json, st, body);
			want = xprintf("\"field\":\"%s\"", routes[i].field);
			cr_expect(strstr(body, want) != NULL, "%s: %s", json, body);
			cr_expect(strstr(body, "控制字符") != NULL, "%s: %s", json, body);
			free(want);
			free(body);
			free(json);
		}
		free(path);
	}
	fp2 = t_fingerprint(conn);
	cr_expect_str_eq(fp1, fp2, "a refused text changed the database");
	free(fp1);
	free(fp2);

	/* Newlines and tabs are text. */
	path = xprintf("/api/v1/milestones/%s", milestone);
	st = call("PATCH", path, clerk, "{\"note\":\"第一行\\n第二行\\t完\"}", &body);
	cr_expect_eq(st, 200, "%s", body);
	free(body);
	free(path);
}

Test(texts, terminals_see_stored_controls_made_visible)
{
	const char	*show[] = { "task", "show", task, NULL };
	const char	*params[] = { milestone };
	struct t_run	 r;

	/* Stored before the rule existed: straight into the table. */
	free(t_query(conn, "UPDATE milestone SET note = E'\\x1b[2J\\x1b]0;x\\x07清屏'"
	    " || E'\\r' || chr(155) || '31m' WHERE id = $1 RETURNING id", 1, params));
	t_cli(&r, db, show);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strchr(r.out, '\x1b') == NULL && strchr(r.out, '\a') == NULL &&
	    strchr(r.out, '\r') == NULL && strstr(r.out, "\xc2\x9b") == NULL,
	    "raw controls reach the terminal:\n%s", r.out);
	cr_expect(strstr(r.out, "^[[2J^[]0;x^G清屏^M\\u009b31m") != NULL, "%s", r.out);
	t_run_free(&r);
}
