/*
 * duband's life: shutdown with a request in flight, SIGHUP with a broken
 * plan, refusing a newer schema, and PostgreSQL going away and coming
 * back while it runs.  Waiting is on duband's own sd_notify messages and
 * on the database's state, never on the clock.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";

static char *
load_jilin(const char *db)
{
	const char	*args[] = { "plan", "load", JILIN, NULL };
	struct t_run	 r;

	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	return (t_token(db, "office", "财务审计处"));
}

static char *
milestone_of(PGconn *c, const char *task)
{
	const char	*p[] = { task };
	char		*v = t_query(c, "SELECT m.id FROM milestone m JOIN task t ON "
	    "t.id = m.task_id JOIN plan p ON p.id = t.plan_id WHERE p.key = "
	    "'jilin-2012' AND t.key = $1 AND m.key = 'deadline'", 1, p);

	cr_assert_not_null(v);
	return (v);
}

static int
port_open(const struct t_daemon *d)
{
	struct sockaddr_in	 sin;
	int			 fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(strrchr(d->url, ':') + 1));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ok = connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0;
	close(fd);
	return (ok);
}

Test(daemon, sigterm_finishes_the_request_in_flight, .timeout = 120)
{
	struct t_daemon	 d;
	char		*db = t_db_create(), *tok, *m, *u, *auth;
	PGconn		*c, *lock;
	CURLM		*multi;
	CURL		*e;
	struct curl_slist *hdr;
	long		 code = 0;
	int		 running, i, waiting = 0;

	tok = load_jilin(db);
	c = t_connect(db);
	m = milestone_of(c, "1");
	t_daemon_start(&d, db, NULL, NULL);

	/* Hold the milestone's row so that the write waits in the database. */
	lock = t_connect(db);
	t_exec(lock, "BEGIN");
	{
		const char *p[] = { m };
		PQclear(PQexecParams(lock, "SELECT 1 FROM milestone WHERE id = $1 FOR UPDATE",
		    1, NULL, p, NULL, NULL, 0));
	}
	multi = curl_multi_init();
	e = curl_easy_init();
	u = xprintf("%s/api/v1/milestones/%s", d.url, m);
	auth = xprintf("Authorization: Bearer %s", tok);
	hdr = curl_slist_append(NULL, auth);
	curl_easy_setopt(e, CURLOPT_URL, u);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, "PATCH");
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, "{\"status\":\"done\",\"note\":\"关机前提交\"}");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, fwrite);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, stderr);
	curl_multi_add_handle(multi, e);

	/* Until the write is waiting for the lock: the request is in flight. */
	for (i = 0; i < 100000 && !waiting; i++) {
		curl_multi_perform(multi, &running);
		curl_multi_poll(multi, NULL, 0, 10, NULL);
		waiting = t_query_long(c, "SELECT count(*) FROM pg_stat_activity "
		    "WHERE application_name = 'duband' AND wait_event_type = 'Lock'",
		    0, NULL) > 0;
	}
	cr_assert(waiting, "the write never reached the database");

	t_daemon_kill(&d, SIGTERM);
	t_daemon_wait_notify(&d, "STOPPING=1");
	cr_expect_not(port_open(&d), "still accepting connections after SIGTERM");

	t_exec(lock, "COMMIT");
	do {
		curl_multi_perform(multi, &running);
		if (running)
			curl_multi_poll(multi, NULL, 0, 1000, NULL);
	} while (running);
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	cr_expect_eq(code, 200, "the request in flight was not finished");
	cr_expect_eq(t_daemon_wait(&d), 0, "duband did not exit cleanly");
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM progress WHERE source = 'api'"
	    " AND field = 'status' AND new_value = 'done' AND note = '关机前提交'", 0, NULL), 1);

	curl_multi_remove_handle(multi, e);
	curl_easy_cleanup(e);
	curl_multi_cleanup(multi);
	curl_slist_free_all(hdr);
	t_daemon_stop(&d);
	PQfinish(lock);
	PQfinish(c);
	free(u);
	free(auth);
	free(m);
	free(tok);
	free(db);
}

Test(daemon, sighup_with_a_broken_plan_keeps_the_old_data, .timeout = 120)
{
	struct t_daemon	 d;
	char		*db = t_db_create(), *dir, *path, *text, *bad, *fp1, *fp2, *log;
	const char	*args[3];
	PGconn		*c;
	size_t		 len;

	dir = xprintf("%s/plans", t_tmpdir());
	mkdir(dir, 0755);
	path = xprintf("%s/jilin-2012.yaml", dir);
	text = t_read_file(JILIN, &len);
	t_write_file(path, text, len);
	args[0] = "--plans";
	args[1] = dir;
	args[2] = NULL;
	t_daemon_start(&d, db, args, NULL);
	c = t_connect(db);
	cr_assert_eq(t_query_long(c, "SELECT count(*) FROM task", 0, NULL), 12,
	    "loaded at start");

	/* Break it: a deadline that does not exist. */
	{
		char	*at = strstr(text, "deadline: 2012年9月");

		cr_assert_not_null(at);
		bad = xprintf("%.*sdeadline: 2012年2月30日%s", (int)(at - text), text,
		    at + strlen("deadline: 2012年9月"));
	}
	t_write_file(path, bad, strlen(bad));
	fp1 = t_fingerprint(c);
	t_daemon_kill(&d, SIGHUP);
	t_daemon_wait_notify(&d, "RELOADING=1");
	t_daemon_wait_notify(&d, "READY=1");
	fp2 = t_fingerprint(c);
	cr_expect_str_eq(fp1, fp2, "a broken plan changed the database");
	log = t_daemon_log(&d);
	cr_expect(strstr(log, "计划文件有误，未重新导入") != NULL, "%s", log);
	cr_expect(strstr(log, "jilin-2012.yaml:") != NULL && strstr(log, "日期不存在") != NULL,
	    "the log names the file and the problem: %s", log);
	free(log);
	free(fp1);
	free(fp2);

	/* Mend it, with a changed target: reloaded, recorded. */
	free(bad);
	bad = xstrdup(text);
	{
		char	*at = strstr(bad, "value: 4000");

		cr_assert_not_null(at);
		memcpy(at, "value: 4500", 11);
	}
	t_write_file(path, bad, strlen(bad));
	t_daemon_kill(&d, SIGHUP);
	t_daemon_wait_notify(&d, "RELOADING=1");
	t_daemon_wait_notify(&d, "READY=1");
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM progress WHERE field = 'value' "
	    "AND old_value = '4000人' AND new_value = '4500人'", 0, NULL), 1);
	log = t_daemon_log(&d);
	cr_expect(strstr(log, "重新导入计划：jilin-2012：已更新（1 处变更）") != NULL, "%s", log);
	free(log);

	/* Two departments written as one: loaded, and the warning is logged
	 * with its place. */
	{
		char	*at = strstr(bad, "coordinating: [市财政局, 市监察局");
		char	*warned;

		cr_assert_not_null(at);
		warned = xprintf("%.*scoordinating: [市财政局、市监察局%s", (int)(at - bad), bad,
		    at + strlen("coordinating: [市财政局, 市监察局"));
		t_write_file(path, warned, strlen(warned));
		free(warned);
	}
	t_daemon_kill(&d, SIGHUP);
	t_daemon_wait_notify(&d, "RELOADING=1");
	t_daemon_wait_notify(&d, "READY=1");
	log = t_daemon_log(&d);
	cr_expect(strstr(log, "计划文件：") != NULL && strstr(log, "jilin-2012.yaml:") != NULL &&
	    strstr(log, "警告：“市财政局、市监察局”像是两个处室") != NULL, "%s", log);
	cr_expect(strstr(log, "重新导入计划：jilin-2012：已更新") != NULL, "%s", log);
	free(log);

	t_daemon_stop(&d);
	PQfinish(c);
	free(bad);
	free(text);
	free(path);
	free(dir);
	free(db);
}

Test(daemon, a_newer_schema_is_refused_at_start, .timeout = 60)
{
	struct t_daemon	 d;
	char		*db = t_db_create(), *log;
	PGconn		*c = t_connect(db);

	t_exec(c, "INSERT INTO schema_migration VALUES (9999, '9999-from-the-future', 'x')");
	t_daemon_spawn(&d, db, NULL, NULL);
	cr_expect_eq(t_daemon_wait(&d), 78);
	log = t_daemon_log(&d);
	cr_expect(strstr(log, "拒绝启动") != NULL && strstr(log, "比本程序支持的版本") != NULL,
	    "%s", log);
	free(log);
	t_daemon_stop(&d);
	PQfinish(c);
	free(db);
}

/*
 * A delivery lease that can run out while a send is still within its
 * timeout would let a second instance send the same reminder again: such
 * a configuration is refused, naming both keys.
 */
Test(daemon, a_lease_shorter_than_a_send_is_refused, .timeout = 60)
{
	struct t_daemon	 d;
	char		*db = t_db_create(), *log;
	char		*conf = xprintf("%s/lease.conf", t_tmpdir());
	const char	*args[] = { "--config", conf, NULL };
	static const char text[] = "delivery_lease = 30\ndelivery_timeout = 30\n";

	t_write_file(conf, text, strlen(text));
	t_daemon_spawn(&d, db, args, NULL);
	cr_expect_eq(t_daemon_wait(&d), 78);
	log = t_daemon_log(&d);
	cr_expect(strstr(log, "delivery_lease（30 秒）须大于 delivery_timeout（30 秒）") != NULL,
	    "%s", log);
	free(log);
	t_daemon_stop(&d);
	free(conf);
	free(db);
}

/* A shell command; its output in *out if out is not NULL. */
static int
sh(char **out, const char *fmt, ...)
{
	va_list	 ap;
	char	*cmd, buf[4096];
	FILE	*p;
	size_t	 n;
	int	 st;

	va_start(ap, fmt);
	xvasprintf(&cmd, fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	st = pclose(p);
	if (out != NULL)
		*out = xstrndup(buf, strcspn(buf, "\n"));
	free(cmd);
	return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

Test(daemon, postgresql_restarts_under_it, .timeout = 300)
{
	struct t_daemon	 d;
	struct t_http	 h;
	char		*server, *db, *tok, *u, *body, *name, *retry, *ms[2];
	PGconn		*c;
	json_t		*answered = json_array(), *v;
	size_t		 i;
	int		 k, ok = 0, unavailable = 0;
	const char	*args[] = { "db", "migrate", NULL };
	struct t_run	 r;

	/* A cluster of its own: stopping the shared one would hurt others. */
	name = xprintf("restart-%d", getpid());
	cr_assert_eq(sh(&server, "'%s/scripts/pg' start %s test", DUBAN_SOURCE_DIR,
	    name), 0);
	cr_assert_eq(sh(NULL, "psql '%s dbname=postgres' -Xqc 'CREATE DATABASE duban'",
	    server), 0);
	db = xprintf("%s dbname=duban", server);
	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	tok = load_jilin(db);
	c = t_connect(db);
	ms[0] = milestone_of(c, "1");
	ms[1] = milestone_of(c, "6");
	PQfinish(c);
	t_daemon_start(&d, db, NULL, NULL);

	u = xprintf("%s/api/v1/milestones/%s", d.url, ms[0]);
	t_http(&h, "PATCH", u, tok, "{\"note\":\"停机前\"}", NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	json_array_append_new(answered, json_string("停机前"));
	t_http_free(&h);
	free(u);

	cr_assert_eq(sh(NULL, "'%s/scripts/pg' stop %s", DUBAN_SOURCE_DIR, name), 0);
	t_daemon_wait_notify(&d, "STATUS=database down");
	for (k = 0; k < 4; k++) {
		u = xprintf("%s/api/v1/milestones/%s", d.url, ms[k % 2]);
		body = xprintf("{\"note\":\"停机中 %d\"}", k);
		t_http(&h, "PATCH", u, tok, body, NULL);
		cr_expect_eq(h.status, 503, "%s", h.body);
		retry = t_http_header(&h, "Retry-After");
		cr_expect_not_null(retry, "503 without Retry-After");
		free(retry);
		t_http_free(&h);
		free(body);
		free(u);
	}
	u = xprintf("%s/healthz", d.url);
	t_http(&h, "GET", u, NULL, NULL, NULL);
	cr_expect_eq(h.status, 503);
	t_http_free(&h);
	free(u);

	cr_assert_eq(sh(NULL, "'%s/scripts/pg' start %s", DUBAN_SOURCE_DIR, name), 0);
	t_daemon_wait_notify(&d, "STATUS=database up");
	for (k = 0; k < 10; k++) {
		u = xprintf("%s/api/v1/milestones/%s", d.url, ms[k % 2]);
		body = xprintf("{\"note\":\"恢复后 %d\"}", k);
		t_http(&h, "PATCH", u, tok, body, NULL);
		if (h.status == 200) {
			ok++;
			json_array_append_new(answered, json_sprintf("恢复后 %d", k));
		} else {
			cr_expect_eq(h.status, 503, "%s", h.body);
			unavailable++;
		}
		t_http_free(&h);
		free(body);
		free(u);
	}
	cr_expect_eq(ok, 10, "%d of 10 writes failed after the database came back", 10 - ok);

	/* Every write answered 200 is in the history. */
	c = t_connect(db);
	json_array_foreach(answered, i, v) {
		const char *p[] = { json_string_value(v) };

		cr_expect_eq(t_query_long(c, "SELECT count(*) FROM progress WHERE "
		    "source = 'api' AND note = $1", 1, p), 1, "lost: %s", p[0]);
	}
	PQfinish(c);
	t_daemon_stop(&d);
	sh(NULL, "'%s/scripts/pg' destroy %s", DUBAN_SOURCE_DIR, name);
	json_decref(answered);
	free(ms[0]);
	free(ms[1]);
	free(tok);
	free(db);
	free(server);
	free(name);
	(void)unavailable;
}
