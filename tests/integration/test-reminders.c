/*
 * Reminders with real parts: the Jilin 2012 plan driven through a year
 * of simulated dates on China's calendar; mail to a real SMTP server and
 * webhooks to a real HTTP receiver on loopback, their contents decoded
 * by independent parsers; retries while the receiver is down; kill -9 in
 * the middle of delivering; two instances on one database.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "deadline.h"
#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char CALENDAR[] = DUBAN_SOURCE_DIR "/plans/calendar/cn-workdays.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define N(o, k)	json_integer_value(json_object_get((o), (k)))

/* A database with Jilin 2012 and the calendar (made once per run, a
 * copy per test). */
static char *
jilin_db(void)
{
	static const char *const load[] = { "plan", "load", JILIN, NULL };
	static const char *const cal[] = { "calendar", "load", CALENDAR, NULL };
	static const struct t_setup setup = { { load, cal }, NULL, 0 };

	return (t_db_snapshot("reminders-jilin", t_setup_build, (void *)&setup));
}

static char *
config_file(const char *extra)
{
	char	*path = xprintf("%s/duband-%d.conf", t_tmpdir(), getpid());
	char	*text = xprintf("delivery_poll_ms = 100\nretry_base_ms = 100\n"
	    "retry_max_ms = 400\ndelivery_lease = 60\ndelivery_timeout = 30\nsweep_interval = 3600\n%s", extra);

	t_write_file(path, text, strlen(text));
	free(text);
	return (path);
}

/* ---------------------------------------------------------------- */

Test(reminders, a_simulated_year_of_jilin_2012, .timeout = 300)
{
	char		*db = jilin_db(), *want, *got, *line;
	PGconn		*c = t_connect(db);
	PGresult	*res;
	const char	*p[1];
	char		 day[11];
	struct ymd	 d = { 2012, 1, 1 };
	FILE		*f;
	size_t		 len = 0;
	long		 n;
	int		 i;

	/* Every day from 1 January 2012 to 31 January 2013, in order. */
	for (n = date_to_days(&d); n <= date_to_days(&(struct ymd){ 2013, 1, 31 }); n++) {
		struct ymd	 x;

		date_from_days(n, &x);
		date_format(&x, day);
		p[0] = day;
		PQclear(PQexecParams(c, "SELECT duban_sweep($1::date)", 1, NULL, p, NULL,
		    NULL, 0));
	}
	/* Nothing on a day off: not on the National Day week, not on a weekend. */
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder r JOIN workday_seq w "
	    "ON w.day = r.send_on WHERE NOT w.is_workday", 0, NULL), 0);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder WHERE send_on "
	    "BETWEEN '2012-10-01' AND '2012-10-07'", 0, NULL), 0);

	/* Each 督办单 the sweep issued went to its office, once, on the day
	 * or (issued on a day off) the next working day (68-notices.sql); the
	 * set of those is test-notices.c's. */
	cr_expect_gt(t_query_long(c, "SELECT count(*) FROM notice", 0, NULL), 0);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM notice n JOIN reminder r"
	    " ON r.key = 'notice.n' || n.id AND r.kind = 'notice' AND r.office_id = n.office_id"
	    " AND r.send_on = (SELECT min(w.day) FROM workday_seq w WHERE w.is_workday"
	    " AND w.day >= n.issued_on)", 0, NULL),
	    t_query_long(c, "SELECT count(*) FROM notice", 0, NULL));
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder WHERE kind = 'notice'", 0,
	    NULL), t_query_long(c, "SELECT count(*) FROM notice", 0, NULL));
	/* Every chase says its task's light in its subject. */
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder WHERE kind IN ('due_soon',"
	    " 'overdue', 'escalation') AND subject !~ '^【[红黄绿灰]灯】【'", 0, NULL), 0);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder WHERE kind = 'overdue'"
	    " AND payload->'light'->>'light' <> 'red'", 0, NULL), 0,
	    "a milestone overdue makes its task red");

	/* The exact set of the plan's reminders, as a user would read it. */
	res = PQexec(c, "SELECT r.send_on || ' ' || r.kind || ' ' || coalesce(o.name, '—')"
	    " || ' ' || coalesce(t.label || ' ' || m.title || ' ' || m.due_on, r.period)"
	    " FROM reminder r LEFT JOIN office o ON o.id = r.office_id"
	    " LEFT JOIN milestone m ON m.id = r.milestone_id"
	    " LEFT JOIN task t ON t.id = m.task_id"
	    " WHERE r.kind <> 'notice'"
	    " ORDER BY r.send_on, r.kind, o.name, t.label, m.title");
	f = open_memstream(&got, &len);
	for (i = 0; i < PQntuples(res); i++)
		fprintf(f, "%s\n", PQgetvalue(res, i, 0));
	fclose(f);
	PQclear(res);
	want = t_read_file(DUBAN_SOURCE_DIR "/tests/fixtures/reminders/jilin-2012.txt", NULL);
	/* Compare line by line so that a difference names its line. */
	{
		char	*ws = NULL, *gs = NULL, *wl, *gl;

		wl = strtok_r(want, "\n", &ws);
		gl = strtok_r(got, "\n", &gs);
		for (i = 1; wl != NULL || gl != NULL; i++) {
			if (wl != NULL && *wl == '#') {
				wl = strtok_r(NULL, "\n", &ws);
				i--;
				continue;
			}
			cr_assert(wl != NULL && gl != NULL && strcmp(wl, gl) == 0,
			    "reminder %d: got 「%s」, want 「%s」", i, gl ? gl : "(none)",
			    wl ? wl : "(none)");
			wl = strtok_r(NULL, "\n", &ws);
			gl = strtok_r(NULL, "\n", &gs);
		}
	}
	line = NULL;
	free(line);
	free(want);
	free(got);
	PQfinish(c);
	free(db);
}

Test(reminders, preview_shows_what_would_be_sent)
{
	char		*db = jilin_db();
	const char	*a1[] = { "reminder", "preview", "--date", "2012-09-24", "--office",
	    "人事处", NULL };
	const char	*a2[] = { "reminder", "preview", "--date", "2012-10-03", NULL };
	const char	*a3[] = { "reminder", "preview", "--date", "2012-09-26", "--brief",
	    NULL };
	const char	*a4[] = { "reminder", "preview", "--date", "2012-09-26", "--office",
	    "人事处", NULL };
	struct t_run	 r;
	PGconn		*c = t_connect(db);

	t_cli(&r, db, a1);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "2012年9月24日（星期一）人事处将发送 1 条提醒") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "【季度督查】人事处 · 吉林市教育局2012年落实民生实事工作方案 · "
	    "2012年第三季度：未完成任务 1 项\n") != NULL, "no red or yellow task: %s", r.out);
	cr_expect(strstr(r.out, "请于 2012-09-29 前调度上报") != NULL,
	    "the report date is the quarter's last working day, a 调休 Saturday: %s", r.out);
	/* Each task with its light on the day the digest is sent. */
	cr_expect(strstr(r.out, "1. 【灰灯】【5①】开展义务教育阶段教师交流工作：完成时限，2012-09-30，"
	    "未开始") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "按序时进度判定：红灯 0 项，黄灯 0 项，绿灯 0 项，灰灯（应报未报）1 项。")
	    != NULL, "%s", r.out);
	/* Its figures, not reported yet: to report, not 滞后 (they were listed
	 * as behind at 0%). */
	cr_expect(strstr(r.out, "三、进度滞后的指标（时间过半、任务过半）（0 项）") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "四、尚未填报的指标（2 项）") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "2. 【灰灯】【5①】开展义务教育阶段教师交流工作：义务教育阶段交流教师，"
	    "目标 200名") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "未报（0%）") == NULL, "%s", r.out);
	cr_expect(strstr(r.out, "尚未设置接收人") != NULL);
	t_run_free(&r);

	t_cli(&r, db, a2);
	cr_expect(strstr(r.out, "2012年10月3日（星期三）不是工作日（中秋节、国庆节）") != NULL,
	    "%s", r.out);
	t_run_free(&r);

	t_cli(&r, db, a3);
	cr_expect(strstr(r.out, "[临期提醒] 【灰灯】【临期提醒】5① 开展义务教育阶段教师交流工作："
	    "完成时限（2012-09-30）") != NULL, "3 working days before Saturday 9-29, a 调休 "
	    "working day and the last one by 9-30; its task grey, its figures not reported: %s",
	    r.out);
	t_run_free(&r);
	/* The message says the light, why, and the 临期. */
	t_cli(&r, db, a4);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "【灰灯】指标应报未报；【临期】距完成时限还有 3 个工作日。") != NULL,
	    "%s", r.out);
	t_run_free(&r);
	/*
	 * Digests and the summary count their tasks by light in the subject:
	 * 职业与成人教育处's task overdue (red); 财务审计处's task 6 half done
	 * with 73% of its year gone, 23 points behind (yellow).
	 */
	t_exec(c, "UPDATE target g SET current = 9471 FROM task t WHERE t.id = g.task_id"
	    " AND t.label = '6' AND g.key = 'students'");
	t_cli(&r, db, (const char *[]){ "reminder", "preview", "--date", "2012-09-24", "--brief",
	    NULL });
	cr_expect(strstr(r.out, "【季度督查】职业与成人教育处 · 吉林市教育局2012年落实民生实事工作方案 · "
	    "2012年第三季度：未完成任务 1 项，其中红灯 1 项\n") != NULL, "%s", r.out);
	t_run_free(&r);
	t_cli(&r, db, (const char *[]){ "reminder", "preview", "--date", "2012-09-24", "--office",
	    "财务审计处", NULL });
	cr_expect(strstr(r.out, "【季度督查】财务审计处 · 吉林市教育局2012年落实民生实事工作方案 · "
	    "2012年第三季度：未完成任务 2 项，其中黄灯 1 项\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "1. 【黄灯】【6】实施低保家庭中小学生午餐免费补贴政策：全市低保家庭中小学生"
	    "（补贴参照基数），目标 18942人，已完成 9471人（50.0%），时间已过 73.0%") != NULL,
	    "%s", r.out);
	t_run_free(&r);
	/* The summary: the lights as of the day after the quarter. */
	t_cli(&r, db, (const char *[]){ "reminder", "preview", "--date", "2012-10-08", NULL });
	cr_expect(strstr(r.out, "【季度汇总】吉林市教育局2012年落实民生实事工作方案 · 2012年第三季度："
	    "共 9 项任务，其中红灯 2 项、黄灯 1 项\n") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "按序时进度判定：红灯 2 项，黄灯 1 项，绿灯 2 项，灰灯（应报未报）4 项。")
	    != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "2. 【红灯】【7】继续实施“上岗技能无偿援助计划”（职业与成人教育处，"
	    "完成时限 2012-10-31）") != NULL, "%s", r.out);
	t_run_free(&r);
	/* A preview sends nothing and stores nothing. */
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM reminder", 0, NULL), 0);
	PQfinish(c);
	free(db);
}

/* ---------------------------------------------------------------- */
/* Delivery */

/* Messages from a receiver until n have arrived; fails after 60 s. */
static json_t *
receive(struct t_sink *k, size_t n)
{
	json_t	*all = json_array(), *m;

	while (json_array_size(all) < n) {
		if ((m = t_sink_next(k, 60)) == NULL)
			t_fatal("only %zu of %zu messages arrived", json_array_size(all), n);
		json_array_append_new(all, m);
	}
	return (all);
}

static json_t *
by_path(json_t *all, const char *path)
{
	json_t	*m;
	size_t	 i;

	json_array_foreach(all, i, m)
		if (strcmp(S(m, "path"), path) == 0)
			return (m);
	t_fatal("nothing posted to %s", path);
}

Test(reminders, mail_and_webhooks_arrive_intact, .timeout = 120)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = jilin_db(), *conf, *u[3], *cfg, *key;
	struct t_sink	 smtp, hook;
	struct t_daemon	 d;
	json_t		*mail, *hooks, *m;
	const char	*args[3];
	struct timespec	 t0, t1;
	PGconn		*c;

	t_sink_smtp(&smtp);
	t_sink_webhook(&hook);
	u[0] = xprintf("http://127.0.0.1:%d/generic", hook.port);
	u[1] = xprintf("http://127.0.0.1:%d/wecom", hook.port);
	u[2] = xprintf("http://127.0.0.1:%d/dingtalk", hook.port);
	{
		const char *set[] = { "office", "set", "人事处", "--email",
		    "renshi@example.gov.cn", "--webhook", u[0], "--wecom", u[1],
		    "--dingtalk", u[2], NULL };

		t_cli_ok(db, set);
	}
	/* With pages served, each message links to where the office acts on it. */
	cfg = xprintf("smtp_url = smtp://127.0.0.1:%d\nsmtp_tls = no\n"
	    "smtp_from = duban@jledu.gov.cn\npublic_url = https://duban.jledu.gov.cn/\n"
	    "web_root = %s/daemon/web\n", smtp.port, DUBAN_SOURCE_DIR);
	conf = config_file(cfg);
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	t_daemon_start(&d, db, args, env);

	mail = t_sink_next(&smtp, 60);
	cr_assert_not_null(mail, "no mail arrived");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	hooks = receive(&hook, 3);
	c = t_connect(db);
	key = t_query(c, "SELECT key FROM reminder WHERE kind = 'digest' AND office_id = "
	    "(SELECT id FROM office WHERE name = '人事处')", 0, NULL);
	cr_assert_not_null(key);

	/* The mail, as Python's email package decodes it. */
	cr_expect_str_eq(S(mail, "subject"),
	    "【季度督查】人事处 · 吉林市教育局2012年落实民生实事工作方案 · 2012年第三季度：未完成任务 1 项");
	cr_expect_str_eq(S(mail, "to"), "人事处 <renshi@example.gov.cn>");
	cr_expect_str_eq(S(mail, "from"), "督办系统 <duban@jledu.gov.cn>");
	/*
	 * Dated when it was sent: duband's clock starts at DUBAN_NOW and runs
	 * on, so no earlier than 09:00:00 and no later than the time this test
	 * has taken since duband started.
	 */
	{
		char	 mon[4], tz[6];
		int	 day, year, hh, mm, ss, n;
		long	 took = (long)(t1.tv_sec - t0.tv_sec) + 1;

		n = sscanf(S(mail, "date"), "Mon, %d %3s %d %d:%d:%d %5s", &day, mon, &year,
		    &hh, &mm, &ss, tz);
		cr_expect(n == 7 && day == 24 && strcmp(mon, "Sep") == 0 && year == 2012 &&
		    strcmp(tz, "+0800") == 0 && hh == 9 && mm * 60 + ss <= took,
		    "Date: %s (sent within %ld s of 09:00:00)", S(mail, "date"), took);
	}
	{
		char *mid = xprintf("<%s@duban>", key);

		cr_expect_str_eq(S(mail, "message_id"), mid, "the key is the Message-ID");
		free(mid);
	}
	cr_expect_str_eq(S(mail, "key"), key);
	cr_expect_str_eq(S(mail, "content_type"), "multipart/alternative");
	cr_expect(strstr(S(mail, "raw_headers"), "Subject: =?UTF-8?B?") != NULL,
	    "the subject is RFC 2047 encoded on the wire");
	cr_expect(strstr(S(mail, "text"), "【5①】开展义务教育阶段教师交流工作") != NULL, "%s",
	    S(mail, "text"));
	cr_expect(strstr(S(mail, "text"), "请于 2012-09-29 前调度上报") != NULL);
	cr_expect(strstr(S(mail, "html"), "<h2>【季度督查】人事处") != NULL, "%s", S(mail, "html"));
	cr_expect(strstr(S(mail, "html"), "<li>【灰灯】【5①】开展义务教育阶段教师交流工作") != NULL,
	    "%s", S(mail, "html"));
	cr_expect(strstr(S(mail, "text"),
	    "在督办网页上查看和更新：https://duban.jledu.gov.cn/mine.html\n") != NULL, "%s",
	    S(mail, "text"));
	cr_expect(strstr(S(mail, "html"),
	    "<a href=\"https://duban.jledu.gov.cn/mine.html\">在督办网页上查看和更新</a>") != NULL,
	    "%s", S(mail, "html"));

	/* The three webhooks. */
	m = by_path(hooks, "/generic");
	cr_expect_str_eq(S(m, "key"), key, "X-Duban-Key header");
	cr_expect_str_eq(S(json_object_get(m, "body"), "key"), key, "key in the JSON");
	cr_expect_str_eq(S(json_object_get(m, "body"), "kind"), "digest");
	cr_expect_str_eq(S(json_object_get(m, "body"), "recipient"), "人事处");
	cr_expect_str_eq(S(json_object_get(json_object_get(json_object_get(m, "body"),
	    "payload"), "plan"), "document_number"), "吉市教通字〔2012〕12号");
	cr_expect_str_eq(S(m, "content_type"), "application/json; charset=utf-8");
	cr_expect_str_eq(S(json_object_get(json_object_get(m, "body"), "payload"), "link"),
	    "https://duban.jledu.gov.cn/mine.html");
	/* Each task of the digest with its light, and the lights counted. */
	{
		json_t	*pl = json_object_get(json_object_get(m, "body"), "payload");

		cr_expect_str_eq(S(json_array_get(json_object_get(pl, "due"), 0), "light"), "grey");
		cr_expect_str_eq(S(json_array_get(json_object_get(pl, "stale"), 0), "light"), "grey");
		cr_expect_eq(N(json_object_get(pl, "lights"), "grey"), 1);
		cr_expect_eq(N(json_object_get(pl, "lights"), "red"), 0);
	}
	m = by_path(hooks, "/wecom");
	cr_expect_str_eq(S(json_object_get(m, "body"), "msgtype"), "markdown");
	cr_expect(strstr(S(json_object_get(json_object_get(m, "body"), "markdown"), "content"),
	    "### 【季度督查】人事处") != NULL);
	cr_expect(strstr(S(json_object_get(json_object_get(m, "body"), "markdown"), "content"),
	    "[在督办网页上查看和更新](https://duban.jledu.gov.cn/mine.html)") != NULL);
	m = by_path(hooks, "/dingtalk");
	cr_expect_str_eq(S(json_object_get(json_object_get(m, "body"), "markdown"), "title"),
	    "【季度督查】人事处 · 吉林市教育局2012年落实民生实事工作方案 · 2012年第三季度：未完成任务 1 项");

	t_wait_for(c, "SELECT count(*) FILTER (WHERE status = 'sent') || '/' || count(*) "
	    "FROM delivery", "4/4");
	t_daemon_stop(&d);
	t_sink_stop(&smtp);
	t_sink_stop(&hook);
	json_decref(mail);
	json_decref(hooks);
	PQfinish(c);
	free(key);
	free(cfg);
	free(conf);
	free(u[0]);
	free(u[1]);
	free(u[2]);
	free(db);
}

/* An address's display name holds one recipient, whatever it says. */
static void
expect_one_address(const json_t *list, const char *name, const char *addr)
{
	const json_t	*a = json_array_get(list, 0);
	char		*got = json_dumps(list, JSON_ENCODE_ANY);

	cr_expect_eq(json_array_size(list), 1, "%s", got);
	cr_expect_str_eq(json_string_value(json_array_get(a, 0)), name, "%s", got);
	cr_expect_str_eq(json_string_value(json_array_get(a, 1)), addr, "%s", got);
	free(got);
}

Test(reminders, display_names_are_one_recipient, .timeout = 120)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	static const char evil[] = "HR, Evil <evil@attacker.example>";
	const char	*set[] = { "office", "set", "人事处", "--email",
	    "renshi@example.gov.cn", NULL };
	const char	*params[] = { evil };
	char		*db = jilin_db(), *conf, *cfg;
	const char	*args[3];
	struct t_sink	 smtp;
	struct t_daemon	 d;
	json_t		*mail;
	PGconn		*c;

	t_cli_ok(db, set);
	c = t_connect(db);
	/* An ASCII name with a comma and an address in it, as a plan could
	 * name a unit. */
	free(t_query(c, "UPDATE office SET name = $1 WHERE name = '人事处' RETURNING id",
	    1, params));
	t_sink_smtp(&smtp);
	cfg = xprintf("smtp_url = smtp://127.0.0.1:%d\nsmtp_tls = no\n"
	    "smtp_from = duban@jledu.gov.cn\nsmtp_from_name = Duban \"Bot\", ops\\x\n",
	    smtp.port);
	conf = config_file(cfg);
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	t_daemon_start(&d, db, args, env);
	mail = t_sink_next(&smtp, 60);
	cr_assert_not_null(mail, "no mail arrived");
	expect_one_address(json_object_get(mail, "to_addresses"), evil,
	    "renshi@example.gov.cn");
	expect_one_address(json_object_get(mail, "from_addresses"), "Duban \"Bot\", ops\\x",
	    "duban@jledu.gov.cn");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(mail, "rcpt_tos"), 0)),
	    "renshi@example.gov.cn");
	t_daemon_stop(&d);
	t_sink_stop(&smtp);
	json_decref(mail);
	PQfinish(c);
	free(cfg);
	free(conf);
	free(db);
}

Test(reminders, long_messages_fit_the_robots_limits, .timeout = 120)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = t_db_create(), *path, *conf, *u[2], *url;
	struct t_sink	 hook;
	struct t_daemon	 d;
	const char	*args[3], *load[4] = { "plan", "load", NULL, NULL };
	json_t		*all, *m;
	FILE		*f;
	size_t		 len, i;
	char		*yaml = NULL, *content;
	int		 k;

	/* One office leading 80 tasks, all due this quarter. */
	f = open_memstream(&yaml, &len);
	fprintf(f, "duban-plan: 1\nplan:\n  key: long-2012\n  title: 长消息测试方案\n"
	    "  year: 2012\n  issuer: 吉林市教育局\n  source: {file: t.txt}\ntasks:\n");
	for (k = 1; k <= 80; k++)
		fprintf(f, "  - {key: '%d', number: '%d', title: 第%d项实施校园设施改造与提升工程，"
		    "逐校逐项抓好落实, deadline: 2012-09-28, lead: {office: 财务审计处}}\n",
		    k, k, k);
	fclose(f);
	path = xprintf("%s/long.yaml", t_tmpdir());
	t_write_file(path, yaml, len);
	load[2] = path;
	{
		const char *cal[] = { "calendar", "load", CALENDAR, NULL };

		t_cli_ok(db, load);
		t_cli_ok(db, cal);
	}
	t_sink_webhook(&hook);
	u[0] = xprintf("http://127.0.0.1:%d/wecom", hook.port);
	u[1] = xprintf("http://127.0.0.1:%d/dingtalk", hook.port);
	{
		const char *set[] = { "office", "set", "财务审计处", "--wecom", u[0],
		    "--dingtalk", u[1], NULL };

		t_cli_ok(db, set);
	}
	conf = config_file("public_url = https://duban.jledu.gov.cn\n");
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	t_daemon_start(&d, db, args, env);
	/* The digest and the due-soon notices, to both robots. */
	all = receive(&hook, 2);
	json_array_foreach(all, i, m) {
		json_t	*md = json_object_get(json_object_get(m, "body"), "markdown");

		if (strcmp(S(m, "path"), "/wecom") == 0) {
			content = (char *)S(md, "content");
			cr_expect_leq(strlen(content), 4096, "WeCom content is %zu bytes",
			    strlen(content));
		} else {
			content = (char *)S(md, "text");
			cr_expect_leq(strlen(content), 20000);
		}
		if (strstr(S(m, "key"), "digest") != NULL && strcmp(S(m, "path"), "/wecom") == 0) {
			url = xprintf("全文见 https://duban.jledu.gov.cn/api/v1/reminders/");
			cr_expect(strstr(content, url) != NULL, "no link in the cut digest");
			free(url);
		}
	}
	t_daemon_stop(&d);
	t_sink_stop(&hook);
	json_decref(all);
	free(yaml);
	free(path);
	free(conf);
	free(u[0]);
	free(u[1]);
	free(db);
}

/*
 * What a hostile receiver answers (half characters, bytes that are not
 * UTF-8, far too much) is kept as a short, well-formed last_error: the
 * delivery is marked failed, not left sending.
 */
Test(reminders, a_receivers_garbage_is_cut, .timeout = 120)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = jilin_db(), *conf, *url, *err;
	struct t_sink	 hook;
	struct t_daemon	 d;
	const char	*args[3];
	json_t		*m;
	PGconn		*c;

	t_sink_webhook(&hook);
	t_sink_mode(&hook, "garbage");
	url = xprintf("http://127.0.0.1:%d/generic", hook.port);
	{
		const char *set[] = { "office", "set", "人事处", "--webhook", url, NULL };

		t_cli_ok(db, set);
	}
	conf = config_file("retry_attempts = 1\n");
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	t_daemon_start(&d, db, args, env);
	m = t_sink_next(&hook, 60);
	cr_assert_not_null(m, "nothing sent");
	json_decref(m);
	c = t_connect(db);
	t_wait_for(c, "SELECT status FROM delivery", "failed");
	err = t_query(c, "SELECT last_error FROM delivery", 0, NULL);
	cr_expect(strncmp(err, "HTTP 500：x错错", strlen("HTTP 500：x错错")) == 0, "%s", err);
	cr_expect(t_query_long(c, "SELECT length(last_error) FROM delivery", 0, NULL) <= 500);
	cr_expect(t_query_long(c, "SELECT octet_length(last_error) FROM delivery", 0, NULL)
	    <= 320, "%s", err);
	free(err);
	t_daemon_stop(&d);
	t_sink_stop(&hook);
	PQfinish(c);
	free(url);
	free(conf);
	free(db);
}

Test(reminders, a_receiver_that_is_down_gets_it_later, .timeout = 120)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = jilin_db(), *conf, *url, *key;
	struct t_sink	 hook;
	struct t_daemon	 d;
	const char	*args[3];
	json_t		*m;
	PGconn		*c;
	int		 refused = 0;

	t_sink_webhook(&hook);
	t_sink_mode(&hook, "down");
	url = xprintf("http://127.0.0.1:%d/generic", hook.port);
	{
		const char *set[] = { "office", "set", "人事处", "--webhook", url, NULL };

		t_cli_ok(db, set);
	}
	conf = config_file("retry_attempts = 20\n");
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	t_daemon_start(&d, db, args, env);
	/* Refused twice, then the receiver comes back. */
	while (refused < 2) {
		m = t_sink_next(&hook, 60);
		cr_assert_not_null(m, "no attempt while the receiver was down");
		cr_assert(!json_is_true(json_object_get(m, "accepted")));
		refused++;
		json_decref(m);
	}
	t_sink_mode(&hook, "");
	do {
		m = t_sink_next(&hook, 60);
		cr_assert_not_null(m, "never delivered after the receiver came back");
		if (json_is_true(json_object_get(m, "accepted")))
			break;
		json_decref(m);
	} while (1);
	c = t_connect(db);
	key = t_query(c, "SELECT key FROM reminder WHERE kind = 'digest' AND office_id = "
	    "(SELECT id FROM office WHERE name = '人事处')", 0, NULL);
	cr_expect_str_eq(S(m, "key"), key);
	json_decref(m);
	t_wait_for(c, "SELECT status FROM delivery", "sent");
	cr_expect_geq(t_query_long(c, "SELECT count(*) FROM delivery_attempt WHERE NOT ok",
	    0, NULL), 2, "the failed attempts are recorded");
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM delivery_attempt WHERE ok", 0,
	    NULL), 1);
	cr_expect(t_query_long(c, "SELECT attempts FROM delivery", 0, NULL) >= 3);
	{
		char *err = t_query(c, "SELECT detail FROM delivery_attempt WHERE NOT ok "
		    "ORDER BY id LIMIT 1", 0, NULL);

		cr_expect(err != NULL && strstr(err, "HTTP 503") != NULL, "%s", err);
		free(err);
	}
	t_daemon_stop(&d);
	t_sink_stop(&hook);
	PQfinish(c);
	free(key);
	free(url);
	free(conf);
	free(db);
}

Test(reminders, permanent_failures_stay_visible_and_can_be_retried, .timeout = 120)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = jilin_db(), *conf, *url, *rid;
	struct t_sink	 hook;
	struct t_daemon	 d;
	const char	*args[3];
	struct t_run	 r;
	json_t		*m;
	PGconn		*c;

	t_sink_webhook(&hook);
	t_sink_mode(&hook, "refuse");	/* 200 with a robot's error code */
	url = xprintf("http://127.0.0.1:%d/wecom", hook.port);
	{
		const char *set[] = { "office", "set", "人事处", "--wecom", url, NULL };

		t_cli_ok(db, set);
	}
	conf = config_file("retry_attempts = 2\n");
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	t_daemon_start(&d, db, args, env);
	c = t_connect(db);
	t_wait_for(c, "SELECT status FROM delivery", "failed");
	{
		const char *list[] = { "reminder", "list", "--failed", NULL };

		t_cli(&r, db, list);
		cr_expect(strstr(r.out, "机器人拒绝") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	t_sink_mode(&hook, "");
	rid = t_query(c, "SELECT reminder_id FROM delivery", 0, NULL);
	{
		const char *retry[] = { "reminder", "retry", rid, NULL };

		t_cli(&r, db, retry);
		cr_expect_eq(r.status, 0, "%s", r.err);
		cr_expect(strstr(r.out, "1 份发送失败的将重新发送") != NULL, "%s", r.out);
		t_run_free(&r);
	}
	do {
		m = t_sink_next(&hook, 60);
		cr_assert_not_null(m, "the retry never came");
		if (json_is_true(json_object_get(m, "accepted")))
			break;
		json_decref(m);
	} while (1);
	json_decref(m);
	t_wait_for(c, "SELECT status FROM delivery", "sent");
	t_daemon_stop(&d);
	t_sink_stop(&hook);
	PQfinish(c);
	free(rid);
	free(url);
	free(conf);
	free(db);
}

/* Every lead office of Jilin 2012 gets reminders by webhook. */
static int
all_offices_to(const char *db, struct t_sink *hook)
{
	static const char *const offices[] = { "财务审计处", "发展规划处", "教育技术装备处",
	    "学校安全处", "人事处", "教育基建办公室", "职业与成人教育处", "体育卫生艺术教育处",
	    "监察室", "局办公室", NULL };
	char	*url;
	int	 i;

	for (i = 0; offices[i] != NULL; i++) {
		url = xprintf("http://127.0.0.1:%d/o%d", hook->port, i);
		{
			const char *set[] = { "office", "set", offices[i], "--webhook", url, NULL };

			t_cli_ok(db, set);
		}
		free(url);
	}
	return (i);
}

Test(reminders, kill_9_in_the_middle_loses_none, .timeout = 180)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = jilin_db(), *conf;
	struct t_sink	 hook;
	struct t_daemon	 d;
	const char	*args[3];
	json_t		*seen = json_object(), *m;
	PGconn		*c;
	long		 want;
	int		 received = 0;

	t_sink_webhook(&hook);
	t_sink_mode(&hook, "slow 300");
	all_offices_to(db, &hook);
	/* Claims of the killed instance are taken over when their lease ends. */
	conf = config_file("delivery_concurrency = 2\ndelivery_lease = 6\n"
	    "delivery_timeout = 5\n");
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	t_daemon_start(&d, db, args, env);
	c = t_connect(db);
	/* Three delivered, then the process dies without a word. */
	while (received < 3) {
		m = t_sink_next(&hook, 60);
		cr_assert_not_null(m);
		json_object_set_new(seen, S(m, "key"), json_true());
		received++;
		json_decref(m);
	}
	t_daemon_kill(&d, SIGKILL);
	cr_assert_eq(t_daemon_wait(&d), 128 + SIGKILL);
	t_daemon_stop(&d);
	want = t_query_long(c, "SELECT count(*) FROM delivery", 0, NULL);
	cr_assert_gt(want, 3, "too few deliveries to interrupt: %ld", want);

	t_sink_mode(&hook, "");
	t_daemon_start(&d, db, args, env);
	while ((long)json_object_size(seen) < want) {
		m = t_sink_next(&hook, 60);
		cr_assert_not_null(m, "%zu of %ld keys arrived", json_object_size(seen), want);
		json_object_set_new(seen, S(m, "key"), json_true());
		received++;
		json_decref(m);
	}
	t_wait_for(c, "SELECT count(*) FILTER (WHERE status <> 'sent') FROM delivery", "0");
	/* At least once: only what was in flight at the kill may come twice. */
	cr_expect_leq(received - want, 2, "%d messages for %ld keys", received, want);
	cr_expect_eq(t_query_long(c, "SELECT count(DISTINCT r.key) FROM reminder r "
	    "JOIN delivery d ON d.reminder_id = r.id", 0, NULL), want);
	t_daemon_stop(&d);
	t_sink_stop(&hook);
	json_decref(seen);
	PQfinish(c);
	free(conf);
	free(db);
}

Test(reminders, two_instances_send_each_key_once, .timeout = 180)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = jilin_db(), *conf;
	struct t_sink	 hook;
	struct t_daemon	 a, b;
	const char	*args[3];
	json_t		*seen = json_object(), *m;
	PGconn		*c;
	long		 want, attempts;

	t_sink_webhook(&hook);
	t_sink_mode(&hook, "slow 50");
	all_offices_to(db, &hook);
	/*
	 * No instance dies here, so no claim may run out while its transfer
	 * can still be going on: a lease longer than the delivery timeout
	 * (30 s).  With the 2 s of the tests that kill duband, a receiver or a
	 * machine that stalls for 2 s lets an instance (either one) claim the
	 * delivery again and send its key twice: at least once, as designed
	 * for a crash, but not what this test is about.
	 */
	conf = config_file("delivery_concurrency = 3\n");
	args[0] = "--config";
	args[1] = conf;
	args[2] = NULL;
	/* Both start at once, so that both sweep and both claim. */
	t_daemon_spawn(&a, db, args, env);
	t_daemon_spawn(&b, db, args, env);
	t_daemon_wait_ready(&a);
	t_daemon_wait_ready(&b);
	c = t_connect(db);
	/* A sweep makes all of today's deliveries in one statement. */
	t_wait_for(c, "SELECT count(*) > 0 FROM delivery", "t");
	want = t_query_long(c, "SELECT count(*) FROM delivery", 0, NULL);
	cr_assert_gt(want, 5);
	/* Read as they come, so that the receiver never waits for us. */
	while ((long)json_object_size(seen) < want) {
		m = t_sink_next(&hook, 60);
		cr_assert_not_null(m, "%zu of %ld keys arrived", json_object_size(seen), want);
		cr_expect_null(json_object_get(seen, S(m, "key")), "%s arrived twice",
		    S(m, "key"));
		json_object_set_new(seen, S(m, "key"), json_true());
		json_decref(m);
	}
	t_wait_for(c, "SELECT count(*) FILTER (WHERE status <> 'sent') FROM delivery", "0");
	attempts = t_query_long(c, "SELECT count(*) FROM delivery_attempt", 0, NULL);
	if (attempts != want) {
		/* Which delivery was tried again, by whom, and why. */
		char *why = t_query(c, "SELECT string_agg(a.delivery_id || ' ' || a.instance"
		    " || ' ' || a.ok || ' ' || coalesce(a.detail, '') || ' ' || a.at,"
		    " E'\\n' ORDER BY a.id) FROM delivery_attempt a WHERE a.delivery_id IN"
		    " (SELECT delivery_id FROM delivery_attempt GROUP BY 1 HAVING count(*) > 1)",
		    0, NULL);

		cr_log_error("attempts of the deliveries tried more than once:\n%s",
		    why ? why : "(none)");
		free(why);
		why = t_daemon_log(&a);
		cr_log_error("first instance's log:\n%s", why);
		free(why);
		why = t_daemon_log(&b);
		cr_log_error("second instance's log:\n%s", why);
		free(why);
	}
	cr_expect_eq(attempts, want, "one attempt per delivery: %ld attempts for %ld",
	    attempts, want);
	cr_expect_eq(t_query_long(c, "SELECT count(DISTINCT instance) FROM delivery_attempt",
	    0, NULL) >= 1, 1);
	t_daemon_stop(&a);
	t_daemon_stop(&b);
	/* Both stopped, their transfers over: nothing more came. */
	m = t_sink_next(&hook, 0);
	cr_expect_null(m, "a message beyond the %ld deliveries: %s", want,
	    m ? S(m, "key") : "");
	json_decref(m);
	t_sink_stop(&hook);
	json_decref(seen);
	PQfinish(c);
	free(conf);
	free(db);
}
