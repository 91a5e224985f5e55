/*
 * Numbers, ids and dates outside their ranges, sent to every route that
 * takes one (query parameters, bodies, the If-Match header): each is
 * answered 400 with a problem+json naming the field (404 where the
 * value is an id or name looked up, 422 where the route answers so for
 * every check of its body), never 500, and
 * nothing is written.  And an id of the router's greatest length (18
 * digits) is 404 or 400 on every route with an {id}, never 500.
 *
 * One duband over one database for the whole table; the database's
 * fingerprint before and after says nothing was written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";

/* A bad value: where it goes and which field the problem must name. */
struct bad {
	const char	*method;
	const char	*path;		/* TARGET, MILESTONE, TASK: an id of one */
	const char	*body;
	const char	*header;	/* an extra header line, or NULL */
	const char	*field;
	int		 status;	/* 0 for 400 */
};

#define DISPATCH(x)	"{\"plans\":[\"jilin-2012\"],\"offices\":[\"财务审计处\"]," \
			"\"title\":\"调度\",\"due_on\":\"2012-09-30\"," x "}"
#define NEST10(x)	"[[[[[[[[[[" x "]]]]]]]]]]"
#define NEST40(x)	NEST10(NEST10(NEST10(NEST10(x))))
#define JIAOBAN(x)	"{\"title\":\"交办\",\"text\":\"事项\",\"basis_kind\":\"other\"," \
			"\"basis\":\"会议\",\"lead_office\":\"财务审计处\"," x "}"

static const struct bad BAD[] = {
	/* Integers beyond 2^63, which jansson does not parse: named all the same. */
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":99999999999999999999}", NULL,
	  "current", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1,\"version\":-99999999999999999999}",
	  NULL, "version", 0 },
	{ "PUT", "/api/v1/offices/财务审计处/report",
	  "{\"rows\":[{\"kind\":\"target\",\"id\":99999999999999999999,\"current\":1}]}",
	  NULL, "rows[0].id", 0 },
	/* The version a write was read at: an int column. */
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1}", "If-Match: \"3000000000\"",
	  "If-Match", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1}",
	  "If-Match: \"99999999999999999999\"", "If-Match", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1}", "If-Match: \"0\"", "If-Match", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1}", "If-Match: \"-3\"", "If-Match", 0 },
	{ "PATCH", "/api/v1/milestones/MILESTONE", "{\"note\":\"x\"}",
	  "If-Match: \"2147483648\"", "If-Match", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1,\"version\":3000000000}", NULL,
	  "version", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1,\"version\":0}", NULL, "version", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1,\"version\":-1}", NULL, "version", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1,\"version\":1e300}", NULL,
	  "version", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":-1}", NULL, "current", 0 },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1e300}", NULL, "current", 0 },
	{ "PATCH", "/api/v1/milestones/MILESTONE", "{\"completed_on\":\"0000-01-01\"}", NULL,
	  "completed_on", 0 },
	{ "PATCH", "/api/v1/milestones/MILESTONE", "{\"completed_on\":\"2026-02-30\"}", NULL,
	  "completed_on", 0 },
	{ "PATCH", "/api/v1/milestones/MILESTONE", "{\"completed_on\":\"99999-01-01\"}", NULL,
	  "completed_on", 0 },
	{ "PATCH", "/api/v1/milestones/MILESTONE", "{\"completed_on\":\"2012-13-01\"}", NULL,
	  "completed_on", 0 },
	/* The quarterly report. */
	{ "GET", "/api/v1/reports/quarterly?quarter=0000Q1", NULL, NULL, "quarter", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=99999Q1", NULL, NULL, "quarter", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q0", NULL, NULL, "quarter", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q5", NULL, NULL, "quarter", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q", NULL, NULL, "quarter", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=-2012Q1", NULL, NULL, "quarter", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q3&as_of=0000-01-01", NULL, NULL,
	  "as_of", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q3&as_of=2026-02-30", NULL, NULL,
	  "as_of", 0 },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q3&as_of=99999-01-01", NULL, NULL,
	  "as_of", 0 },
	/* Lists. */
	{ "GET", "/api/v1/reminders?date=0000-01-01", NULL, NULL, "date", 0 },
	{ "GET", "/api/v1/reminders?date=2026-02-30", NULL, NULL, "date", 0 },
	{ "GET", "/api/v1/reminders?date=2012-13-01", NULL, NULL, "date", 0 },
	{ "GET", "/api/v1/tasks?due_before=0000-01-01", NULL, NULL, "due_before", 0 },
	{ "GET", "/api/v1/tasks?due_before=2026-02-30", NULL, NULL, "due_before", 0 },
	{ "GET", "/api/v1/tasks?due_before=99999-01-01", NULL, NULL, "due_before", 0 },
	{ "GET", "/api/v1/jiaoban?year=0000", NULL, NULL, "year", 0 },
	{ "GET", "/api/v1/jiaoban?year=99999", NULL, NULL, "year", 0 },
	{ "GET", "/api/v1/jiaoban?year=-1", NULL, NULL, "year", 0 },
	{ "GET", "/api/v1/offices/财务审计处/report/rows?dispatch=0", NULL, NULL, "dispatch", 404 },
	{ "GET", "/api/v1/offices/财务审计处/report/rows?dispatch=9999999999999999999", NULL,
	  NULL, "dispatch", 0 },
	{ "GET", "/api/v1/offices/财务审计处/report/rows?dispatch=-1", NULL, NULL, "dispatch", 0 },
	{ "GET", "/api/v1/tasks/TASK/files?as_of=0000-01-01", NULL, NULL, "as_of", 0 },
	{ "GET", "/api/v1/tasks/TASK/files?as_of=2026-02-30", NULL, NULL, "as_of", 0 },
	/*
	 * 调度: offices and plans are names or ids, looked up: a number no
	 * office has is 404 naming the field, as a name no office has.
	 */
	{ "POST", "/api/v1/dispatches",
	  "{\"plans\":[\"jilin-2012\"],\"offices\":[\"财务审计处\"],\"title\":\"调度\","
	  "\"due_on\":\"0000-01-01\"}", NULL, "due_on", 0 },
	{ "POST", "/api/v1/dispatches",
	  "{\"plans\":[\"jilin-2012\"],\"offices\":[\"财务审计处\"],\"title\":\"调度\","
	  "\"due_on\":\"2026-02-30\"}", NULL, "due_on", 0 },
	{ "POST", "/api/v1/dispatches",
	  "{\"plans\":[\"jilin-2012\"],\"offices\":[\"财务审计处\"],\"title\":\"调度\","
	  "\"due_on\":\"99999-01-01\"}", NULL, "due_on", 0 },
	{ "POST", "/api/v1/dispatches",
	  "{\"plans\":[\"jilin-2012\"],\"offices\":[3000000000],\"title\":\"调度\","
	  "\"due_on\":\"2012-09-30\"}", NULL, "offices", 404 },
	{ "POST", "/api/v1/dispatches",
	  "{\"plans\":[\"jilin-2012\"],\"offices\":[-1],\"title\":\"调度\","
	  "\"due_on\":\"2012-09-30\"}", NULL, "offices", 404 },
	{ "POST", "/api/v1/dispatches",
	  "{\"plans\":[\"jilin-2012\"],\"offices\":[9223372036854775807],\"title\":\"调度\","
	  "\"due_on\":\"2012-09-30\"}", NULL, "offices", 404 },
	{ "POST", "/api/v1/dispatches",
	  "{\"plans\":[99999999999],\"offices\":[\"财务审计处\"],\"title\":\"调度\","
	  "\"due_on\":\"2012-09-30\"}", NULL, "plans", 404 },
	/* 批量填报. */
	{ "PUT", "/api/v1/offices/财务审计处/report",
	  "{\"rows\":[{\"kind\":\"target\",\"id\":TARGET,\"version\":3000000000,\"current\":1}]}",
	  NULL, "rows[1].version", 0 },
	{ "PUT", "/api/v1/offices/财务审计处/report",
	  "{\"rows\":[{\"kind\":\"target\",\"id\":9223372036854775807,\"current\":1}]}", NULL,
	  "rows[1].id", 0 },
	{ "PUT", "/api/v1/offices/财务审计处/report",
	  "{\"rows\":[{\"kind\":\"target\",\"id\":TARGET,\"current\":1e300}]}", NULL,
	  "rows[1].current", 0 },
	{ "PUT", "/api/v1/offices/财务审计处/report",
	  "{\"rows\":[{\"kind\":\"milestone\",\"id\":MILESTONE,\"completed_on\":\"0000-01-01\"}]}",
	  NULL, "rows[1].completed_on", 0 },
	{ "PUT", "/api/v1/offices/财务审计处/report",
	  "{\"dispatch\":9223372036854775807,\"rows\":[]}", NULL, "dispatch", 404 },
	/* 延期: its dates are 422 naming the field, as its other checks. */
	{ "POST", "/api/v1/milestones/MILESTONE/extensions",
	  "{\"new_date\":\"0000-01-01\",\"reason\":\"x\"}", NULL, "new_date", 422 },
	{ "POST", "/api/v1/milestones/MILESTONE/extensions",
	  "{\"new_date\":\"2026-02-30\",\"reason\":\"x\"}", NULL, "new_date", 422 },
	{ "POST", "/api/v1/milestones/MILESTONE/extensions",
	  "{\"new_date\":\"99999-01-01\",\"reason\":\"x\"}", NULL, "new_date", 422 },
	/* 交办. */
	{ "POST", "/api/v1/jiaoban", JIAOBAN("\"deadline\":\"0000-01-01\""), NULL, "deadline", 0 },
	{ "POST", "/api/v1/jiaoban", JIAOBAN("\"deadline\":\"2026-02-30\""), NULL, "deadline", 0 },
	{ "POST", "/api/v1/jiaoban", JIAOBAN("\"deadline\":\"99999-01-01\""), NULL, "deadline", 0 },
	{ "POST", "/api/v1/jiaoban", JIAOBAN("\"deadline\":\"2012-12-01\",\"targets\":"
	  "[{\"name\":\"x\",\"value\":1e300,\"unit\":\"个\"}]"), NULL, "targets", 0 },
	{ "POST", "/api/v1/jiaoban", JIAOBAN("\"deadline\":\"2012-12-01\",\"targets\":"
	  "[{\"name\":\"x\",\"value\":-1,\"unit\":\"个\"}]"), NULL, "targets", 0 },
	{ "POST", "/api/v1/jiaoban", JIAOBAN("\"deadline\":\"2012-12-01\","
	  "\"lead_person\":9223372036854775807"), NULL, "lead_person", 0 },
	/* Nested past BODY_MAX_DEPTH (32): refused before the database. */
	{ "POST", "/api/v1/assess/grades", "{\"year\":2012,\"office\":\"财务审计处\","
	  "\"points\":" NEST40("1") "}", NULL, "points", 0 },
};

/* Every route with an {id}, with the longest id the router takes. */
static const char *const HUGE_ID[][2] = {
	{ "GET", "/api/v1/tasks/999999999999999999" },
	{ "GET", "/api/v1/milestones/999999999999999999" },
	{ "GET", "/api/v1/targets/999999999999999999" },
	{ "PATCH", "/api/v1/milestones/999999999999999999" },
	{ "PATCH", "/api/v1/targets/999999999999999999" },
	{ "GET", "/api/v1/reminders/999999999999999999" },
	{ "POST", "/api/v1/reminders/999999999999999999/retry" },
	{ "GET", "/api/v1/offices/999999999999999999/recipients" },
	{ "DELETE", "/api/v1/recipients/999999999999999999" },
	{ "GET", "/api/v1/dispatches/999999999999999999" },
	{ "POST", "/api/v1/dispatches/999999999999999999/close" },
	{ "POST", "/api/v1/dispatches/999999999999999999/offices/财务审计处/accept" },
	{ "POST", "/api/v1/dispatches/999999999999999999/offices/财务审计处/urge" },
	{ "POST", "/api/v1/dispatches/999999999999999999/counties/船营区教育局/chase" },
	{ "PUT", "/api/v1/tasks/999999999999999999/county-office" },
	{ "POST", "/api/v1/tasks/999999999999999999/completion" },
	{ "POST", "/api/v1/tasks/999999999999999999/completion/approve" },
	{ "POST", "/api/v1/tasks/999999999999999999/completion/return" },
	{ "POST", "/api/v1/milestones/999999999999999999/extensions" },
	{ "POST", "/api/v1/extensions/999999999999999999/approve" },
	{ "POST", "/api/v1/extensions/999999999999999999/reject" },
	{ "POST", "/api/v1/offices/999999999999999999/feeds" },
	{ "DELETE", "/api/v1/feeds/999999999999999999" },
	{ "PATCH", "/api/v1/jiaoban/999999999999999999" },
	{ "POST", "/api/v1/jiaoban/999999999999999999/withdraw" },
	{ "POST", "/api/v1/tasks/999999999999999999/acknowledge" },
	{ "POST", "/api/v1/tasks/999999999999999999/instructions" },
	{ "POST", "/api/v1/instructions/999999999999999999/read" },
	{ "GET", "/api/v1/files/999999999999999999" },
	{ "DELETE", "/api/v1/files/999999999999999999" },
	{ "GET", "/api/v1/tasks/999999999999999999/files" },
};

/*
 * Odd but not wrong, or wrong in a way with no one field: never 500.
 * BIG is a string of 20,000 characters.
 */
static const char *const ODD[][3] = {
	{ "GET", "/api/v1/tasks?office=99999999999999999999", NULL },
	{ "GET", "/api/v1/tasks?plan=99999999999999999999", NULL },
	{ "GET", "/api/v1/tasks?office=BIG", NULL },
	{ "GET", "/api/v1/plans/99999999999999999999", NULL },
	{ "GET", "/api/v1/plans/BIG", NULL },
	{ "GET", "/api/v1/reports/quarterly?quarter=BIG", NULL },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q3&org=BIG", NULL },
	{ "GET", "/api/v1/reports/quarterly?quarter=2012Q3&plan=99999999999999999999", NULL },
	{ "GET", "/api/v1/extensions?state=BIG", NULL },
	{ "GET", "/api/v1/overview?plan=99999999999999999999", NULL },
	{ "GET", "/api/v1/offices/99999999999999999999/report/rows", NULL },
	{ "GET", "/api/v1/offices/BIG/report/rows", NULL },
	{ "GET", "/api/v1/offices/财务审计处/report.xlsx?dispatch=9999999999999999999", NULL },
	{ "GET", "/api/v1/offices/财务审计处/report?dispatch=9999999999999999999", NULL },
	{ "POST", "/api/v1/targets/TARGET/files?name=a.txt&supersedes=9999999999999999999",
	  "x" },
	{ "POST", "/api/v1/targets/TARGET/files?name=a.txt&supersedes=999999999999999999",
	  "x" },
	{ "POST", "/api/v1/dispatches", "{\"plans\":[\"jilin-2012\"],\"offices\":[\"财务审计处\"],"
	  "\"title\":\"BIG\",\"due_on\":\"2012-09-30\"}" },
	{ "POST", "/api/v1/users", "{\"login\":\"BIG\",\"name\":\"x\",\"role\":\"clerk\","
	  "\"office\":\"财务审计处\"}" },
	{ "POST", "/api/v1/users", "{\"login\":\"zhang\",\"name\":\"x\",\"role\":\"clerk\","
	  "\"office\":99999999999999999999}" },
	{ "POST", "/api/v1/offices/99999999999999999999/recipients",
	  "{\"channel\":\"email\",\"address\":\"a@b.cn\"}" },
	{ "POST", "/api/v1/offices/1/recipients", "{\"channel\":\"email\",\"address\":\"BIG\"}" },
	{ "POST", "/api/v1/offices/1/feeds", "{\"label\":\"BIG\"}" },
	{ "PATCH", "/api/v1/targets/TARGET", "{\"current\":1,\"note\":\"BIG\"}" },
	{ "POST", "/api/v1/jiaoban", "{\"title\":\"BIG\"}" },
	{ "POST", "/api/v1/tasks/TASK/instructions", "{\"text\":\"BIG\"}" },
	{ "POST", "/api/v1/tasks/TASK/completion", "{\"note\":\"BIG\"}" },
	{ "POST", "/api/v1/session", "{\"login\":\"BIG\",\"password\":\"BIG\"}" },
	{ "GET", "/ical/BIG", NULL },
};

/* s with each placeholder replaced by its id. */
static char *
fill(const char *s, const char *const ids[][2], size_t n)
{
	char		*out = xstrdup(s), *p, *next;
	size_t		 i;

	for (i = 0; i < n; i++)
		while ((p = strstr(out, ids[i][0])) != NULL) {
			next = xprintf("%.*s%s%s", (int)(p - out), out, ids[i][1],
			    p + strlen(ids[i][0]));
			free(out);
			out = next;
		}
	return (out);
}

Test(validation, out_of_range_values_are_400_naming_the_field, .timeout = 120)
{
	const char	*load[] = { "plan", "load", JILIN, NULL };
	static const char *const env[] = { "DUBAN_NOW=2012-09-03T09:00+08:00", NULL };
	struct t_daemon	 d;
	struct t_run	 r;
	struct t_http	 h;
	char		*db, *token, *before, *after, *url, *body, *ids[3], *big;
	const char	*sub[4][2] = { { "TARGET", NULL }, { "MILESTONE", NULL },
	    { "TASK", NULL }, { "BIG", NULL } };
	PGconn		*c;
	json_t		*j;
	size_t		 i;
	int		 k;

	db = t_db_create();
	t_cli(&r, db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	token = t_token(db, "general", NULL);
	c = t_connect(db);
	ids[0] = t_query(c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL);
	ids[1] = t_query(c, "SELECT min(id)::text FROM milestone", 0, NULL);
	ids[2] = t_query(c, "SELECT min(id)::text FROM task", 0, NULL);
	for (k = 0; k < 3; k++)
		sub[k][1] = ids[k];
	t_daemon_start(&d, db, NULL, env);
	before = t_fingerprint(c);

	for (i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
		const struct bad *b = &BAD[i];
		char		*path = fill(b->path, sub, 3);

		url = xprintf("%s%s", d.url, path);
		body = b->body ? fill(b->body, sub, 3) : NULL;
		t_http(&h, b->method, url, token, body, b->header);
		cr_expect_eq(h.status, b->status ? b->status : 400, "%s %s %s %s: %ld %s",
		    b->method, path,
		    body ? body : "", b->header ? b->header : "", h.status, h.body);
		j = json_loads(h.body, 0, NULL);
		cr_expect_str_eq(json_string_value(json_object_get(j, "field")) ?
		    json_string_value(json_object_get(j, "field")) : "(none)", b->field,
		    "%s %s %s: %s", b->method, path, body ? body : "", h.body);
		json_decref(j);
		t_http_free(&h);
		free(body);
		free(url);
		free(path);
	}
	for (i = 0; i < sizeof HUGE_ID / sizeof HUGE_ID[0]; i++) {
		url = xprintf("%s%s", d.url, HUGE_ID[i][1]);
		t_http(&h, HUGE_ID[i][0], url, token,
		    strcmp(HUGE_ID[i][0], "GET") && strcmp(HUGE_ID[i][0], "DELETE") ? "{}" : NULL,
		    NULL);
		cr_expect(h.status == 404 || h.status == 400 || h.status == 422,
		    "%s %s: %ld %s",
		    HUGE_ID[i][0], HUGE_ID[i][1], h.status, h.body);
		t_http_free(&h);
		free(url);
	}

	big = xmalloc(20001);
	memset(big, 'x', 20000);
	big[20000] = '\0';
	sub[3][1] = big;
	for (i = 0; i < sizeof ODD / sizeof ODD[0]; i++) {
		char	*path = fill(ODD[i][1], sub, 4);

		url = xprintf("%s%s", d.url, path);
		body = ODD[i][2] ? fill(ODD[i][2], sub, 4) : NULL;
		t_http(&h, ODD[i][0], url, token, body, NULL);
		cr_expect(h.status > 0 && h.status < 500, "%s %.200s %.200s: %ld %s",
		    ODD[i][0], ODD[i][1], ODD[i][2] ? ODD[i][2] : "", h.status, h.body);
		t_http_free(&h);
		free(body);
		free(url);
		free(path);
	}
	free(big);

	after = t_fingerprint(c);
	cr_expect_str_eq(after, before, "something was written");
	free(before);
	free(after);
	for (k = 0; k < 3; k++)
		free(ids[k]);
	PQfinish(c);
	t_daemon_stop(&d);
	free(token);
	free(db);
}
