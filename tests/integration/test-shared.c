/*
 * One home per operation: what the CLI and duband both offer is one SQL
 * function, so they accept and refuse the same things with the same
 * words.  Each test does the same thing both ways and compares what a
 * user sees: exit code and message from the CLI, status and problem
 * from the API.
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
static const char *const NOW[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };

#define S(o, k)	json_string_value(json_object_get((o), (k)))

static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static const char *const CAL[] = { "calendar", "load", CALENDAR, NULL };
static struct t_setup SETUP = { { LOAD, CAL }, NULL, 0 };

/* A fresh copy of the run's snapshot: Jilin 2012 and the calendar. */
static char *
jilin_db(void)
{
	return (t_db_snapshot("shared", t_setup_build, &SETUP));
}

static char *
office_id(const char *db, const char *name)
{
	PGconn		*c = t_connect(db);
	const char	*params[1] = { name };
	char		*id;

	id = t_query(c, "SELECT id FROM office WHERE name = $1", 1, params);
	PQfinish(c);
	cr_assert_not_null(id, "no office %s", name);
	return (id);
}

/*
 * Mail addresses and robot URLs: the same ones are refused by `duban
 * office set` (65) and by POST /api/v1/offices/{id}/recipients (400),
 * with the same message; the good ones are taken by both.
 */
Test(shared, one_rule_for_addresses, .timeout = 180)
{
	static const struct {
		const char	*option, *channel, *address;
		int		 good;
	} cases[] = {
		{ "--email", "email", "renshi@jledu.gov.cn", 1 },
		{ "--email", "email", "ren shi@jledu.gov.cn", 0 },
		{ "--email", "email", "renshi@jledu@gov.cn", 0 },
		{ "--email", "email", "\"人事处\" <renshi@jledu.gov.cn>", 0 },
		{ "--email", "email", "renshi@", 0 },
		{ "--email", "email", "renshi@jledu.gov.cn,x@evil.example", 0 },
		{ "--webhook", "webhook", "http://127.0.0.1:9/hook", 1 },
		{ "--wecom", "wecom", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", 1 },
		{ "--webhook", "webhook", "ftp://127.0.0.1/hook", 0 },
		{ "--dingtalk", "dingtalk", "https://", 0 },
		{ "--webhook", "webhook", "http:///hook", 0 },
		{ "--webhook", "webhook", "http://127.0.0.1/a b", 0 },
	};
	char		*db = jilin_db(), *token, *office, *url, *body, *want;
	struct t_daemon	 d;
	struct t_http	 h;
	struct t_run	 r;
	json_t		*p;
	size_t		 i;

	t_daemon_start(&d, db, NULL, NOW);
	token = t_token(db, "general", NULL);
	office = office_id(db, "人事处");
	url = xprintf("%s/api/v1/offices/%s/recipients", d.url, office);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *set[] = { "office", "set", "人事处", cases[i].option,
		    cases[i].address, NULL };

		t_cli(&r, db, set);
		p = json_pack("{s:s, s:s}", "channel", cases[i].channel, "address",
		    cases[i].address);
		body = json_dumps(p, JSON_COMPACT);
		json_decref(p);
		t_http(&h, "POST", url, token, body, NULL);
		free(body);
		if (cases[i].good) {
			cr_expect_eq(r.status, 0, "CLI refused %s: %s", cases[i].address, r.err);
			cr_expect_eq(h.status, 201, "API refused %s: %s", cases[i].address,
			    h.body);
		} else {
			cr_expect_eq(r.status, 65, "CLI took %s (exit %d)", cases[i].address,
			    r.status);
			cr_expect_eq(h.status, 400, "API took %s (%ld)", cases[i].address,
			    h.status);
			p = json_loads(h.body, 0, NULL);
			cr_expect_str_eq(S(p, "field"), "address");
			/* The CLI prints the API's words: title and detail. */
			want = xprintf("%s：%s", S(p, "title"), S(p, "detail"));
			cr_expect(strstr(r.err, want) != NULL, "CLI said 「%s」, API 「%s」",
			    r.err, want);
			free(want);
			json_decref(p);
		}
		t_http_free(&h);
		t_run_free(&r);
	}
	/* Only the good ones were kept, once each (the CLI's and the API's). */
	{
		PGconn	*c = t_connect(db);

		cr_expect_eq(t_query_long(c, "SELECT count(*) FROM recipient", 0, NULL), 3);
		PQfinish(c);
	}
	t_daemon_stop(&d);
	free(url);
	free(office);
	free(token);
	free(db);
}

/* An office that is not there: the same answer from every command. */
Test(shared, one_office_lookup, .timeout = 120)
{
	const char *const cmds[][8] = {
		{ "office", "set", "不存在处", "--email", "a@b.cn", NULL },
		{ "feed", "create", "--office", "不存在处", NULL },
		{ "token", "create", "--role", "office", "--office", "不存在处", NULL },
	};
	char		*db = jilin_db();
	struct t_run	 r;
	size_t		 i;

	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		t_cli(&r, db, cmds[i]);
		cr_expect_eq(r.status, 65, "duban %s %s: exit %d", cmds[i][0], cmds[i][1],
		    r.status);
		cr_expect(strstr(r.err, "没有名为“不存在处”的处室") != NULL, "duban %s %s: %s",
		    cmds[i][0], cmds[i][1], r.err);
		t_run_free(&r);
	}
	free(db);
}

/*
 * The outbox read and mended both ways: the same reminders listed, a
 * retry from either side queues the failed deliveries again.
 */
Test(shared, one_outbox, .timeout = 180)
{
	const char	*set[] = { "office", "set", "人事处", "--email", "renshi@jledu.gov.cn",
	    NULL };
	const char	*sweep[] = { "reminder", "sweep", "--date", "2012-09-24", NULL };
	const char	*list[] = { "reminder", "list", "--date", "2012-09-24", NULL };
	char		*db = jilin_db(), *token, *url, *id, *line;
	struct t_daemon	 d;
	struct t_http	 h;
	struct t_run	 r;
	json_t		*a, *x;
	size_t		 i;
	PGconn		*c;

	t_cli_ok(db, set);
	t_cli_ok(db, sweep);
	/* A delivery that failed, to retry. */
	c = t_connect(db);
	t_exec(c, "UPDATE delivery SET status = 'failed', attempts = 5,"
	    " last_error = 'connection refused' WHERE id = (SELECT min(id) FROM delivery)");
	id = t_query(c, "SELECT reminder_id FROM delivery WHERE status = 'failed'", 0, NULL);
	/* duband must not send anything meanwhile: no SMTP server is set. */
	t_daemon_start(&d, db, NULL, NOW);
	token = t_token(db, "general", NULL);

	url = xprintf("%s/api/v1/reminders?date=2012-09-24", d.url);
	t_http(&h, "GET", url, token, NULL, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	a = json_loads(h.body, 0, NULL);
	t_http_free(&h);
	free(url);
	cr_assert_gt(json_array_size(a), 0);
	t_cli(&r, db, list);
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* Every reminder the API lists is a row of the CLI's, in the same order. */
	line = r.out;
	json_array_foreach(a, i, x) {
		char *want = xprintf("\n%lld ", json_integer_value(json_object_get(x, "id")));

		line = strstr(line, want);
		cr_expect(line != NULL, "reminder %s not in the CLI's list (in order):\n%s",
		    want + 1, r.out);
		free(want);
		if (line == NULL)
			break;
		line++;
	}
	cr_expect(strstr(r.out, "connection refused") != NULL, "%s", r.out);
	t_run_free(&r);
	json_decref(a);

	/*
	 * Who sees what: where a delivery went and what the server answered
	 * (cut to 500 characters) for the general office; the office and the
	 * channel kind for an inspector and an office, never the address or
	 * the error, in the outbox or in one reminder.
	 */
	t_exec(c, "UPDATE delivery SET last_error = 'connection refused' || repeat('x', 2000)"
	    " WHERE status = 'failed'");
	{
		const char	*who[] = { token, t_token(db, "inspector", NULL),
		    t_token(db, "office", "人事处") };
		int		 k;

		for (k = 0; k < 3; k++) {
			json_t	*dl;

			url = xprintf("%s/api/v1/reminders/%s", d.url, id);
			t_http(&h, "GET", url, who[k], NULL, NULL);
			cr_assert_eq(h.status, 200, "%s", h.body);
			a = json_loads(h.body, 0, NULL);
			dl = json_array_get(json_object_get(a, "deliveries"), 0);
			cr_assert_not_null(dl, "%s", h.body);
			cr_expect_str_eq(S(dl, "channel"), "email");
			cr_expect_str_eq(S(dl, "office"), "人事处");
			cr_expect_str_eq(S(dl, "status"), "failed");
			if (k == 0) {
				cr_expect_str_eq(S(dl, "address"), "renshi@jledu.gov.cn");
				cr_expect_eq(strlen(S(dl, "last_error")), 500);
			} else {
				cr_expect(strstr(h.body, "renshi@") == NULL, "%s", h.body);
				cr_expect(strstr(h.body, "connection refused") == NULL, "%s", h.body);
				cr_expect_null(json_object_get(dl, "address"));
				cr_expect_null(json_object_get(dl, "last_error"));
			}
			json_decref(a);
			t_http_free(&h);
			free(url);
			url = xprintf("%s/api/v1/reminders?failed=true", d.url);
			t_http(&h, "GET", url, who[k], NULL, NULL);
			cr_assert_eq(h.status, 200, "%s", h.body);
			if (k == 0)
				cr_expect(strstr(h.body, "connection refused") != NULL, "%s", h.body);
			else
				cr_expect(strstr(h.body, "connection refused") == NULL, "%s", h.body);
			t_http_free(&h);
			free(url);
			if (k > 0)
				free((char *)who[k]);
		}
	}

	/* Retried from the API: queued again, and the CLI then finds none failed. */
	url = xprintf("%s/api/v1/reminders/%s/retry", d.url, id);
	t_http(&h, "POST", url, token, "", NULL);
	cr_expect_eq(h.status, 200, "%s", h.body);
	a = json_loads(h.body, 0, NULL);
	cr_expect_eq(json_integer_value(json_object_get(a, "retried")), 1, "%s", h.body);
	json_decref(a);
	t_http_free(&h);
	free(url);
	{
		const char *failed[] = { "reminder", "list", "--failed", NULL };

		t_cli(&r, db, failed);
		cr_expect_eq(r.status, 0);
		cr_expect(strstr(r.out, "没有发送失败的提醒") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	/* The same retry from the CLI: nothing failed any more, 0 queued. */
	{
		const char *retry[] = { "reminder", "retry", id, NULL };

		t_cli(&r, db, retry);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "0 份发送失败的将重新发送") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	/* An unknown one: 404 from the API, 66 from the CLI, the same words. */
	{
		const char *retry[] = { "reminder", "retry", "999999", NULL };

		url = xprintf("%s/api/v1/reminders/999999/retry", d.url);
		t_http(&h, "POST", url, token, "", NULL);
		cr_expect_eq(h.status, 404, "%s", h.body);
		t_cli(&r, db, retry);
		cr_expect_eq(r.status, 66);
		cr_expect(strstr(r.err, "没有编号为 999999 的提醒") != NULL, "%s", r.err);
		cr_expect(strstr(h.body, "没有编号为 999999 的提醒") != NULL, "%s", h.body);
		t_run_free(&r);
		t_http_free(&h);
		free(url);
	}
	t_daemon_stop(&d);
	PQfinish(c);
	free(id);
	free(token);
	free(db);
}

/* A feed made by the CLI, listed and revoked through the API, and back. */
Test(shared, one_feed, .timeout = 180)
{
	const char	*create[] = { "feed", "create", "--office", "人事处", "--label",
	    "人事处日历", NULL };
	const char	*revoke[] = { "feed", "revoke", NULL, NULL };
	char		*db = jilin_db(), *token, *url, *id;
	struct t_daemon	 d;
	struct t_http	 h;
	struct t_run	 r;
	json_t		*a;

	t_cli_ok(db, create);
	t_daemon_start(&d, db, NULL, NOW);
	token = t_token(db, "general", NULL);
	url = xprintf("%s/api/v1/feeds", d.url);
	t_http(&h, "GET", url, token, NULL, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	a = json_loads(h.body, 0, NULL);
	cr_assert_eq(json_array_size(a), 1, "%s", h.body);
	cr_expect_str_eq(S(json_array_get(a, 0), "label"), "人事处日历");
	cr_expect_str_eq(S(json_array_get(a, 0), "office"), "人事处");
	id = xprintf("%lld", json_integer_value(json_object_get(json_array_get(a, 0), "id")));
	json_decref(a);
	t_http_free(&h);
	free(url);

	/* Revoked through the API; the CLI then says it already was (65). */
	url = xprintf("%s/api/v1/feeds/%s", d.url, id);
	t_http(&h, "DELETE", url, token, NULL, NULL);
	cr_expect_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);
	revoke[2] = id;
	t_cli(&r, db, revoke);
	cr_expect_eq(r.status, 65);
	cr_expect(strstr(r.err, "已于") != NULL && strstr(r.err, "吊销") != NULL, "%s", r.err);
	t_run_free(&r);
	/* The CLI's list shows it revoked. */
	{
		const char *list[] = { "feed", "list", NULL };

		t_cli(&r, db, list);
		cr_expect(strstr(r.out, "已吊销 ") != NULL && strstr(r.out, "有效") == NULL,
		    "%s", r.out);
		t_run_free(&r);
	}
	/* A label over 100 characters: refused by both, in the same words. */
	{
		char	 label[400] = "";
		const char *longer[] = { "feed", "create", "--office", "人事处", "--label",
		    label, NULL };
		char	*body, *office = office_id(db, "人事处"), *u;
		int	 k;

		for (k = 0; k < 101; k++)
			strcat(label, "日");
		t_cli(&r, db, longer);
		cr_expect_eq(r.status, 65, "%s", r.err);
		body = xprintf("{\"label\":\"%s\"}", label);
		u = xprintf("%s/api/v1/offices/%s/feeds", d.url, office);
		t_http(&h, "POST", u, token, body, NULL);
		cr_expect_eq(h.status, 400, "%s", h.body);
		cr_expect(strstr(h.body, "1 至 100 个字") != NULL, "%s", h.body);
		cr_expect(strstr(r.err, "1 至 100 个字") != NULL, "%s", r.err);
		t_http_free(&h);
		t_run_free(&r);
		free(u);
		free(body);
		free(office);
	}
	t_daemon_stop(&d);
	free(url);
	free(id);
	free(token);
	free(db);
}
