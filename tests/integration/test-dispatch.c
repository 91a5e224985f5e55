/*
 * Dispatch rounds (调度) and calendar feeds, as the general office and
 * the offices' staff meet them: a round opened for three offices, two
 * report, the third is late and chased by mail on the next working day,
 * the round closes with its 调度汇总; a feed fetched and parsed by a real
 * iCalendar parser (python3-icalendar), moved, cached and revoked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char CALENDAR[] = DUBAN_SOURCE_DIR "/plans/calendar/cn-workdays.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))

static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static const char *const CAL[] = { "calendar", "load", CALENDAR, NULL };
static struct t_setup SETUP = { { LOAD, CAL }, NULL, 0 };

/* A fresh copy of the run's snapshot: Jilin 2012 and the calendar. */
static char *
jilin_db(void)
{
	return (t_db_snapshot("dispatch", t_setup_build, &SETUP));
}

static void
start_at(struct t_daemon *d, const char *db, const char *now, const char *conf)
{
	char		*env0 = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env0, NULL };
	const char	*args[] = { "--config", conf, NULL };

	t_daemon_start(d, db, args, env);
	free(env0);
}

/* The CLI as the general office runs it, against duband at d. */
static void
cli_as(struct t_run *r, const char *db, const struct t_daemon *d, const char *token,
    const char *const *args)
{
	setenv("DUBAN_SERVER", d->url, 1);
	setenv("DUBAN_TOKEN", token, 1);
	t_cli(r, db, args);
	unsetenv("DUBAN_SERVER");
	unsetenv("DUBAN_TOKEN");
}

static long
target_id(PGconn *c, const char *task, const char *key)
{
	const char	*p[2] = { task, key };

	return (t_query_long(c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = $1 AND g.key = $2", 2, p));
}

static void
patch_target(const struct t_daemon *d, const char *token, long id, const char *body)
{
	struct t_http	 h;
	char		*url = xprintf("%s/api/v1/targets/%ld", d->url, id);

	t_http(&h, "PATCH", url, token, body, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);
	free(url);
}

/*
 * The mail with this subject, among what arrives (a round's request
 * shares the outbox with the day's other reminders; their order is not
 * the test's business).
 */
static json_t *
mail_titled(struct t_sink *smtp, const char *subject)
{
	json_t	*m;
	int	 i;

	for (i = 0; i < 20 && (m = t_sink_next(smtp, 60)) != NULL; i++) {
		if (S(m, "subject") != NULL && strcmp(S(m, "subject"), subject) == 0)
			return (m);
		json_decref(m);
	}
	cr_assert_fail("no mail 「%s」 arrived", subject);
	return (NULL);
}

/* The line of a table that starts with name. */
static char *
line_of(const char *text, const char *name)
{
	const char	*p = text, *end;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, strlen(name)) == 0) {
			end = strchr(p, '\n');
			return (end ? xstrndup(p, (size_t)(end - p)) : xstrdup(p));
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return (xstrdup(""));
}

Test(dispatch, a_round_from_request_to_summary, .timeout = 180)
{
	char		*db = jilin_db(), *general, *finance, *planning, *vocational;
	char		*conf, *cfg, *line;
	const char	*open[] = { "dispatch", "open", "--plan", "jilin-2012",
	    "--office", "财务审计处", "--office", "发展规划处", "--office", "职业与成人教育处",
	    "--due", "2012-09-14", "--request", "请更新节点状态和指标完成值", NULL };
	const char	*show[] = { "dispatch", "show", "1", NULL };
	const char	*close_[] = { "dispatch", "close", "1", NULL };
	struct t_daemon	 d;
	struct t_sink	 smtp;
	struct t_run	 r;
	json_t		*mail;
	PGconn		*c;

	t_sink_smtp(&smtp);
	{
		const char *set[] = { "office", "set", "职业与成人教育处", "--email",
		    "zhicheng@example.gov.cn", NULL };

		t_cli_ok(db, set);
	}
	general = t_token(db, "general", NULL);
	finance = t_token(db, "office", "财务审计处");
	planning = t_token(db, "office", "发展规划处");
	vocational = t_token(db, "office", "职业与成人教育处");
	cfg = xprintf("smtp_url = smtp://127.0.0.1:%d\nsmtp_tls = no\n"
	    "smtp_from = duban@jledu.gov.cn\ndelivery_poll_ms = 100\n", smtp.port);
	conf = xprintf("%s/duband-dispatch.conf", t_tmpdir());
	t_write_file(conf, cfg, strlen(cfg));
	c = t_connect(db);

	/* Monday 3 September: the round opens; every office is asked. */
	start_at(&d, db, "2012-09-03T09:00+08:00", conf);
	cli_as(&r, db, &d, general, open);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "已发起调度，已向 1 个处室发出报送通知；发展规划处、财务审计处"
	    "未设置接收人，未能通知") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "报送截止：2012-09-14") != NULL, "%s", r.out);
	line = line_of(r.out, "职业与成人教育处");
	cr_expect(strstr(line, "未报送") != NULL, "%s", line);
	free(line);
	t_run_free(&r);
	mail = mail_titled(&smtp, "【进展调度】2012年9月进展调度：请于 9月14日前报送进展");
	cr_expect_str_eq(S(mail, "to"), "职业与成人教育处 <zhicheng@example.gov.cn>");
	cr_expect(strstr(S(mail, "text"), "【7】继续实施“上岗技能无偿援助计划”") != NULL, "%s",
	    S(mail, "text"));
	cr_expect(strstr(S(mail, "text"), "调度要求：请更新节点状态和指标完成值") != NULL);
	json_decref(mail);

	/* Two offices report by writing. */
	patch_target(&d, finance, target_id(c, "1", "hs-students"),
	    "{\"current\":7000,\"note\":\"秋季学期资助 7000 名\"}");
	patch_target(&d, planning, target_id(c, "2", "new-kindergartens"),
	    "{\"current\":6,\"note\":\"新建 6 所\"}");
	cli_as(&r, db, &d, general, show);
	cr_assert_eq(r.status, 0, "%s", r.err);
	line = line_of(r.out, "财务审计处");
	cr_expect(strstr(line, "已报送") != NULL, "%s", line);
	free(line);
	line = line_of(r.out, "职业与成人教育处");
	cr_expect(strstr(line, "未报送") != NULL, "%s", line);
	free(line);
	t_run_free(&r);
	/* An office cannot open or close rounds. */
	{
		const char *mine[] = { "dispatch", "close", "1", NULL };

		cli_as(&r, db, &d, finance, mine);
		cr_expect_eq(r.status, 77, "%s", r.err);
		cr_expect(strstr(r.err, "只有局办公室") != NULL, "%s", r.err);
		t_run_free(&r);
	}
	/* 催办: at once, once a day, only an office that has not reported;
	 * the round shows what was sent and that it arrived. */
	{
		const char *urge[] = { "dispatch", "urge", "1", "职业与成人教育处", NULL };
		const char *urge_fin[] = { "dispatch", "urge", "1", "财务审计处", NULL };

		cli_as(&r, db, &d, finance, urge);
		cr_expect_eq(r.status, 77, "%s", r.err);
		t_run_free(&r);
		cli_as(&r, db, &d, general, urge);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "已催办职业与成人教育处（未报送）：已向该处室的 1 个接收人发出催办")
		    != NULL, "%s", r.out);
		t_run_free(&r);
		mail = mail_titled(&smtp, "【催办】2012年9月进展调度：请贵处室抓紧报送进展（要求 9月14日前）");
		cr_expect(strstr(S(mail, "text"), "局办公室就“2012年9月进展调度”催办") != NULL, "%s",
		    S(mail, "text"));
		json_decref(mail);
		cli_as(&r, db, &d, general, urge);
		cr_expect_eq(r.status, 75, "%s", r.err);
		cr_expect(strstr(r.err, "今天已催办过该处室") != NULL, "%s", r.err);
		t_run_free(&r);
		cli_as(&r, db, &d, general, urge_fin);
		cr_expect_eq(r.status, 75, "%s", r.err);
		cr_expect(strstr(r.err, "该处室本轮已报送") != NULL, "%s", r.err);
		t_run_free(&r);
		t_wait_for(c, "SELECT n->'deliveries'->0->>'status'"
		    " FROM json_array_elements(duban_dispatch_json(1, now())->'offices') o,"
		    " json_array_elements(o->'notices') n"
		    " WHERE o->>'name' = '职业与成人教育处' AND n->>'stage' = 'urge'", "sent");
		cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder WHERE key LIKE"
		    " 'dispatch.1.%.urge.2012-09-03'", 0, NULL), 1);
		/* Where the notices went is the general office's to see only. */
		cr_expect_eq(t_query_long(c, "SELECT count(*) FROM delivery WHERE reminder_id IN"
		    " (SELECT id FROM reminder WHERE key LIKE 'dispatch.1.%')", 0, NULL) > 0, 1);
		cr_expect_eq(t_query_long(c, "SELECT (strpos(duban_dispatch_view(1, now(), true)::text,"
		    " 'zhicheng@') > 0)::int", 0, NULL), 1);
		cr_expect_eq(t_query_long(c, "SELECT strpos(duban_dispatch_view(1, now(), false)::text,"
		    " '@')", 0, NULL), 0);
	}
	t_daemon_stop(&d);

	/* Monday 17 September, the first working day after Friday the 14th:
	 * the late office is chased, once, and only it. */
	start_at(&d, db, "2012-09-17T09:00+08:00", conf);
	mail = mail_titled(&smtp, "【催报】2012年9月进展调度：贵处室尚未报送进展（要求 9月14日前）");
	cr_expect_str_eq(S(mail, "to"), "职业与成人教育处 <zhicheng@example.gov.cn>");
	cr_expect(strstr(S(mail, "text"), "截至目前尚未收到贵处室的报送") != NULL);
	json_decref(mail);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder WHERE key LIKE "
	    "'dispatch.1.%.late'", 0, NULL), 1);
	cli_as(&r, db, &d, general, show);
	line = line_of(r.out, "职业与成人教育处");
	cr_expect(strstr(line, "逾期未报") != NULL, "%s", line);
	free(line);
	cr_expect(strstr(r.out, "已报送 2 个（其中逾期报送 0 个），未报送 1 个（其中逾期未报 1 个）")
	    != NULL, "%s", r.out);
	t_run_free(&r);

	/* The round closes: the 调度汇总. */
	cli_as(&r, db, &d, general, close_);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "未报送：职业与成人教育处") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "【1】实施“困难家庭学生爱心助学工程”（财务审计处") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "财务审计处：普通高中受助学生（完成值 — → 7000名）；"
	    "完成情况：秋季学期资助 7000 名") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "仍需督办：牵头处室本轮未报送；本轮无进展更新") != NULL, "%s",
	    r.out);
	cr_expect(strstr(r.out, "【5】实施义务教育均衡发展促进工程（未明确牵头处室）\n") != NULL,
	    "%s", r.out);
	t_run_free(&r);
	/* Closed is closed: 409, and the summary stays as it was. */
	cli_as(&r, db, &d, general, close_);
	cr_expect_eq(r.status, 75, "%s", r.err);
	cr_expect(strstr(r.err, "调度已结束") != NULL, "%s", r.err);
	t_run_free(&r);
	/* A write after closing is not this round's. */
	patch_target(&d, vocational, target_id(c, "7", "trainees"), "{\"current\":1500}");
	cli_as(&r, db, &d, general, show);
	line = line_of(r.out, "职业与成人教育处");
	cr_expect(strstr(line, "逾期未报") != NULL, "%s", line);
	free(line);
	t_run_free(&r);

	t_daemon_stop(&d);
	t_sink_stop(&smtp);
	PQfinish(c);
	free(general);
	free(finance);
	free(planning);
	free(vocational);
	free(cfg);
	free(conf);
	free(db);
}

Test(dispatch, bad_requests_name_the_field, .timeout = 60)
{
	static const struct { const char *body; long status; const char *field; } cases[] = {
		{ "{\"plans\":[\"jilin-2012\"]}", 400, "due_on" },
		{ "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-09-01\"}", 400, "due_on" },
		{ "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-02-30\"}", 400, "due_on" },
		{ "{\"plans\":[\"nope\"],\"due_on\":\"2012-09-14\"}", 404, "plans" },
		{ "{\"plans\":[],\"due_on\":\"2012-09-14\"}", 400, "plans" },
		{ "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-09-14\",\"offices\":[\"无此处\"]}",
		  404, "offices" },
		{ "{\"plans\":\"jilin-2012\",\"due_on\":\"2012-09-14\"}", 400, "plans" },
		{ "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-09-14\",\"colour\":1}", 400, "colour" },
		{ "{\"plans\":[\"jilin-2012\"],\"due_on\":14}", 400, "due_on" },
	};
	char		*db = jilin_db(), *general, *office, *url, *want, *before, *after;
	struct t_daemon	 d;
	struct t_http	 h;
	PGconn		*c = t_connect(db);
	size_t		 i;

	char		*conf = xprintf("%s/quiet.conf", t_tmpdir());

	/* No sweeps: the outbox must change only by what is asked. */
	t_write_file(conf, "reminders = 0\n", strlen("reminders = 0\n"));
	general = t_token(db, "general", NULL);
	office = t_token(db, "office", "财务审计处");
	start_at(&d, db, "2012-09-03T09:00+08:00", conf);
	free(conf);
	url = xprintf("%s/api/v1/dispatches", d.url);
	before = t_query(c, "SELECT count(*)::text || '/' || (SELECT count(*) FROM reminder)"
	    " FROM dispatch", 0, NULL);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t_http(&h, "POST", url, general, cases[i].body, NULL);
		cr_expect_eq(h.status, cases[i].status, "case %zu: %s", i, h.body);
		want = xprintf("\"field\":\"%s\"", cases[i].field);
		cr_expect(strstr(h.body, want) != NULL, "case %zu: %s", i, h.body);
		free(want);
		t_http_free(&h);
	}
	t_http(&h, "POST", url, office, "{\"plans\":[\"jilin-2012\"],\"due_on\":\"2012-09-14\"}",
	    NULL);
	cr_expect_eq(h.status, 403, "%s", h.body);
	t_http_free(&h);
	after = t_query(c, "SELECT count(*)::text || '/' || (SELECT count(*) FROM reminder)"
	    " FROM dispatch", 0, NULL);
	cr_expect_str_eq(after, before, "a refused request changed nothing");
	free(before);
	free(after);
	/* No such round. */
	free(url);
	url = xprintf("%s/api/v1/dispatches/99/close", d.url);
	t_http(&h, "POST", url, general, NULL, NULL);
	cr_expect_eq(h.status, 404, "%s", h.body);
	t_http_free(&h);
	free(url);
	t_daemon_stop(&d);
	PQfinish(c);
	free(general);
	free(office);
	free(db);
}

/* ---------------------------------------------------------------- */
/* Calendar feeds */

/* The events as python3-icalendar reads them: "UID DATE SEQ SUMMARY". */
static char *
parse_ics(const char *ics)
{
	static const char script[] =
	    "import sys, icalendar\n"
	    "cal = icalendar.Calendar.from_ical(sys.stdin.buffer.read())\n"
	    "assert cal['VERSION'] == '2.0'\n"
	    "for e in cal.walk('VEVENT'):\n"
	    "    assert e['DTEND'].dt == e['DTSTART'].dt + __import__('datetime').timedelta(days=1)\n"
	    "    print(e['UID'], e['DTSTART'].dt.isoformat(), e['SEQUENCE'], e['SUMMARY'])\n"
	    "    if 'URL' in e: print('URL', e['UID'], e['URL'])\n";
	char	*in = xprintf("%s/feed.ics", t_tmpdir()), *py, *cmd, *out;
	size_t	 len;
	int	 rc;

	py = xprintf("%s/parse.py", t_tmpdir());
	t_write_file(py, script, strlen(script));
	t_write_file(in, ics, strlen(ics));
	cmd = xprintf("/usr/bin/python3 %s < %s > %s.out 2>&1", py, in, in);
	rc = system(cmd);
	free(cmd);
	cmd = xprintf("%s.out", in);
	out = t_read_file(cmd, &len);
	cr_assert_eq(rc, 0, "python3-icalendar could not read the feed: %s", out);
	free(cmd);
	free(py);
	free(in);
	return (out);
}

Test(feeds, an_office_calendar_parses_moves_and_revokes, .timeout = 120)
{
	char		*db = jilin_db(), *feed_url, *events, *etag, *yaml, *moved, *path;
	const char	*create[] = { "feed", "create", "--office", "职业与成人教育处", "--server",
	    NULL, NULL };
	struct t_daemon	 d;
	struct t_http	 h;
	struct t_run	 r;
	char		*hdr, *nl, *conf, *want, *task7;
	PGconn		*c;

	/* duband serves the pages: each event links to its task's page. */
	conf = xprintf("%s/web.conf", t_tmpdir());
	want = xprintf("web_root = %s/daemon/web\n", DUBAN_SOURCE_DIR);
	t_write_file(conf, want, strlen(want));
	free(want);
	start_at(&d, db, "2012-09-03T09:00+08:00", conf);
	create[5] = d.url;
	t_cli(&r, db, create);
	cr_assert_eq(r.status, 0, "%s", r.err);
	nl = strstr(r.out, "\nhttp://");
	cr_assert(nl != NULL, "%s", r.out);
	feed_url = xstrndup(nl + 1, strcspn(nl + 1, "\n"));
	t_run_free(&r);

	/* No login: the URL's token is the credential. */
	t_http(&h, "GET", feed_url, NULL, NULL, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	hdr = t_http_header(&h, "Content-Type");
	cr_expect_str_eq(hdr, "text/calendar; charset=utf-8");
	free(hdr);
	cr_expect(strstr(h.body, "\r\n") != NULL, "lines end in CRLF");
	events = parse_ics(h.body);
	/* Task 7's two terms and its 完成时限, and task 1 where the office is responsible. */
	cr_expect(strstr(events, "jilin-2012.7.winter@duban 2012-02-29 0 7 继续实施“上岗技能无偿援助计划”：寒假期培训\n")
	    != NULL, "%s", events);
	cr_expect(strstr(events, "jilin-2012.7.summer@duban 2012-08-31 0 ") != NULL, "%s", events);
	cr_expect(strstr(events, "jilin-2012.7.deadline@duban 2012-10-31 0 完成时限：7 ") != NULL,
	    "%s", events);
	cr_expect(strstr(events, "jilin-2012.1.deadline@duban 2012-12-31 0 ") != NULL, "%s", events);
	c = t_connect(db);
	task7 = t_query(c, "SELECT t.id FROM task t JOIN plan p ON p.id = t.plan_id"
	    " WHERE p.key = 'jilin-2012' AND t.key = '7'", 0, NULL);
	PQfinish(c);
	want = xprintf("URL jilin-2012.7.winter@duban %s/task.html?id=%s\n", d.url, task7);
	cr_expect(strstr(events, want) != NULL, "%s", events);
	free(want);
	free(task7);
	free(conf);
	free(events);
	etag = t_http_header(&h, "ETag");
	t_http_free(&h);

	/* Unchanged: 304 to a calendar app that sends its ETag. */
	hdr = xprintf("If-None-Match: %s", etag);
	t_http(&h, "GET", feed_url, NULL, NULL, hdr);
	cr_expect_eq(h.status, 304);
	t_http_free(&h);

	/* The plan moves task 7's 完成时限 to the end of November: the same
	 * event, a new date, SEQUENCE 1. */
	yaml = t_read_file(JILIN, NULL);
	moved = strstr(yaml, "deadline: 2012年10月\n        deadline_text: 划分寒暑假");
	cr_assert(moved != NULL);
	memcpy(moved + strlen("deadline: 2012年1"), "1", 1);
	path = xprintf("%s/jilin-2012.yaml", t_tmpdir());
	t_write_file(path, yaml, strlen(yaml));
	{
		const char *load[] = { "plan", "load", path, NULL };

		t_cli_ok(db, load);
	}
	t_http(&h, "GET", feed_url, NULL, NULL, hdr);
	cr_expect_eq(h.status, 200, "a changed feed is sent again");
	events = parse_ics(h.body);
	cr_expect(strstr(events, "jilin-2012.7.deadline@duban 2012-11-30 1 完成时限：7 ") != NULL,
	    "%s", events);
	free(events);
	t_http_free(&h);

	/* Revoked: gone at once. */
	{
		const char *revoke[] = { "feed", "revoke", "1", NULL };

		t_cli_ok(db, revoke);
	}
	t_http(&h, "GET", feed_url, NULL, NULL, NULL);
	cr_expect_eq(h.status, 404);
	t_http_free(&h);
	/* A made-up token is the same 404. */
	free(feed_url);
	feed_url = xprintf("%s/ical/dbf_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics", d.url);
	t_http(&h, "GET", feed_url, NULL, NULL, NULL);
	cr_expect_eq(h.status, 404);
	t_http_free(&h);

	t_daemon_stop(&d);
	free(hdr);
	free(etag);
	free(yaml);
	free(path);
	free(feed_url);
	free(db);
}
