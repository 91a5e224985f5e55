/*
 * The links duband hands out, in feed URLs, calendar events and
 * reminders, all start with one public base address: public_url, or
 * the address duband listens on, without a trailing '/', worked out
 * when the configuration is applied, at start and again on SIGHUP.  A
 * public_url that ends in '/' must not give "//" after the host.
 */
#include <signal.h>
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

static char *
jilin_db(void)
{
	const char	*load[] = { "plan", "load", JILIN, NULL };
	const char	*cal[] = { "calendar", "load", CALENDAR, NULL };
	char		*db = t_db_create();

	t_cli_ok(db, load);
	t_cli_ok(db, cal);
	return (db);
}

/* duband's configuration file: the pages served, public_url as given. */
static void
write_config(const char *path, const char *public_url)
{
	char	*text = xprintf("web_root = %s/daemon/web\ndelivery_poll_ms = 100\n"
	    "sweep_interval = 3600\npublic_url = %s\n", DUBAN_SOURCE_DIR, public_url);

	t_write_file(path, text, strlen(text));
	free(text);
}

/* No "//" after the scheme's. */
static void
expect_one_slash(const char *url)
{
	const char	*p = strstr(url, "://");

	cr_expect(p != NULL && strstr(p + 3, "//") == NULL,
	    "「%s」 has \"//\" after the host", url);
}

/* A new feed for the office: the URL duband hands out for it. */
static char *
feed_url(const struct t_daemon *d, const char *token, const char *office)
{
	struct t_http	 h;
	json_t		*j;
	char		*url, *out;

	url = xprintf("%s/api/v1/offices/%s/feeds", d->url, office);
	t_http(&h, "POST", url, token, "{}", NULL);
	cr_assert_eq(h.status, 201, "%s", h.body);
	j = json_loads(h.body, 0, NULL);
	cr_assert(S(j, "url") != NULL, "%s", h.body);
	out = xstrdup(S(j, "url"));
	json_decref(j);
	t_http_free(&h);
	free(url);
	return (out);
}

/* The text after prefix; fails if s does not start with it. */
static const char *
after(const char *s, const char *prefix)
{
	cr_assert(strncmp(s, prefix, strlen(prefix)) == 0, "「%s」 does not start with 「%s」",
	    s, prefix);
	return (s + strlen(prefix));
}

static void
reload(struct t_daemon *d)
{
	t_daemon_kill(d, SIGHUP);
	t_daemon_wait_notify(d, "RELOADING=1");
	t_daemon_wait_notify(d, "READY=1");
}

Test(links, one_base_address_at_start_and_after_reload, .timeout = 180)
{
	static const char *const env[] = { "DUBAN_NOW=2012-09-24T09:00+08:00", NULL };
	char		*db = jilin_db(), *conf, *token, *office, *url, *ics, *want, *p, *hook_url;
	const char	*args[] = { "--config", NULL, NULL };
	struct t_daemon	 d;
	struct t_sink	 hook;
	struct t_http	 h;
	json_t		*m, *body;
	PGconn		*c;
	int		 i, links;

	/* 人事处's 季度督查 digest is due on 24 September 2012. */
	t_sink_webhook(&hook);
	hook_url = xprintf("http://127.0.0.1:%d/generic", hook.port);
	{
		const char *set[] = { "office", "set", "人事处", "--webhook", hook_url, NULL };

		t_cli_ok(db, set);
	}
	conf = xprintf("%s/links.conf", t_tmpdir());
	write_config(conf, "http://example.test/duban/");
	args[1] = conf;
	t_daemon_start(&d, db, args, env);
	token = t_token(db, "general", NULL);
	c = t_connect(db);
	office = t_query(c, "SELECT id FROM office WHERE name = '职业与成人教育处'", 0, NULL);
	PQfinish(c);

	/* The feed's URL, under public_url without its '/'. */
	url = feed_url(&d, token, office);
	(void)after(url, "http://example.test/duban/ical/dbf_");
	expect_one_slash(url);
	p = xprintf("%s%s", d.url, url + strlen("http://example.test/duban"));
	free(url);

	/* Its events link to their tasks' pages, under the same base. */
	t_http(&h, "GET", p, NULL, NULL, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	free(p);
	ics = xstrdup(h.body);
	t_http_free(&h);
	/* Unfolded (RFC 5545: CRLF and a space continue a line). */
	while ((p = strstr(ics, "\r\n ")) != NULL)
		memmove(p, p + 3, strlen(p + 3) + 1);
	links = 0;
	for (p = ics; (p = strstr(p, "\nURL:")) != NULL; p++) {
		url = xstrndup(p + 5, strcspn(p + 5, "\r\n"));
		(void)after(url, "http://example.test/duban/task.html?id=");
		expect_one_slash(url);
		free(url);
		links++;
	}
	cr_expect_gt(links, 0, "no event links to its task:\n%s", ics);
	free(ics);

	/* The digest links to 我的任务, under the same base. */
	for (i = 0; i < 20; i++) {
		m = t_sink_next(&hook, 60);
		cr_assert_not_null(m, "no digest reached the webhook");
		body = json_object_get(m, "body");
		if (S(body, "kind") != NULL && strcmp(S(body, "kind"), "digest") == 0) {
			const char *link = S(json_object_get(body, "payload"), "link");

			cr_expect(link != NULL &&
			    strcmp(link, "http://example.test/duban/mine.html") == 0,
			    "the digest links to 「%s」", link ? link : "(nothing)");
			json_decref(m);
			break;
		}
		json_decref(m);
	}
	cr_expect_lt(i, 20, "no digest among the first 20 messages");

	/* Reloaded with another public_url: the new base, worked out again. */
	write_config(conf, "https://duban.jledu.gov.cn//");
	reload(&d);
	url = feed_url(&d, token, office);
	(void)after(url, "https://duban.jledu.gov.cn/ical/dbf_");
	expect_one_slash(url);
	free(url);

	/* Without public_url: the address duband listens on. */
	write_config(conf, "");
	reload(&d);
	url = feed_url(&d, token, office);
	want = xprintf("%s/ical/dbf_", d.url);
	(void)after(url, want);
	expect_one_slash(url);
	free(want);
	free(url);

	t_daemon_stop(&d);
	t_sink_stop(&hook);
	free(hook_url);
	free(office);
	free(token);
	free(conf);
	free(db);
}
