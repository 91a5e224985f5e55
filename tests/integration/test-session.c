/*
 * Signing in to the pages: a token exchanged for an HttpOnly, SameSite
 * cookie; writes with the cookie need the CSRF secret; sign-out and a
 * revoked token end the session at once; the pages themselves are
 * served from memory with a policy that loads nothing from elsewhere.
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

struct site {
	char		*db, *token, *url;
	struct t_daemon	 d;
};

/* The snapshot every site copies: the plan loaded, 财务审计处's token kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static const struct t_who TOKEN[] = { { "token", NULL, NULL, "财务审计处", "office" } };
static struct t_setup SETUP = { { LOAD }, TOKEN, 1 };

static void
site_start(struct site *s)
{
	const char	*args[] = { "--web", DUBAN_SOURCE_DIR "/daemon/web", NULL };
	static const char *const env[] = { "DUBAN_NOW=2012-09-03T09:00+08:00", NULL };

	s->db = t_db_snapshot("session", t_setup_build, &SETUP);
	s->token = t_kept(s->db, "token");
	t_daemon_start(&s->d, s->db, args, env);
	s->url = xprintf("%s/api/v1/session", s->d.url);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	free(s->url);
	free(s->token);
	free(s->db);
}

/* Signs in; returns the cookie header line ("Cookie: duban_session=…")
 * and the CSRF secret. */
static char *
sign_in(struct site *s, char **csrf)
{
	struct t_http	 h;
	char		*body = xprintf("{\"token\":\"%s\"}", s->token), *set, *c;
	json_t		*j;

	t_http(&h, "POST", s->url, NULL, body, "Content-Type: application/json");
	cr_assert_eq(h.status, 201, "%s", h.body);
	set = t_http_header(&h, "Set-Cookie");
	cr_assert_not_null(set);
	cr_expect(strstr(set, "HttpOnly") != NULL, "%s", set);
	cr_expect(strstr(set, "SameSite=Strict") != NULL, "%s", set);
	cr_expect(strstr(set, "Path=/") != NULL, "%s", set);
	cr_expect(strstr(set, "Max-Age=28800") != NULL, "%s", set);
	cr_expect(strstr(set, "Secure") == NULL, "plain HTTP: no Secure");
	cr_expect(strstr(h.body, s->token) == NULL, "the answer does not echo the token");
	j = json_loads(h.body, 0, NULL);
	cr_expect_str_eq(S(j, "office"), "财务审计处");
	*csrf = xstrdup(S(j, "csrf"));
	json_decref(j);
	c = xprintf("Cookie: %.*s", (int)strcspn(set, ";"), set);
	free(set);
	free(body);
	t_http_free(&h);
	return (c);
}

Test(session, a_token_for_a_cookie_and_writes_need_the_csrf_secret, .timeout = 60)
{
	struct site	 s;
	struct t_http	 h;
	char		*cookie, *csrf, *url, *two;
	PGconn		*c;
	long		 id;

	site_start(&s);
	c = t_connect(s.db);
	id = t_query_long(c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL);
	cookie = sign_in(&s, &csrf);

	/* Reads with the cookie alone. */
	t_http(&h, "GET", s.url, NULL, NULL, cookie);
	cr_expect_eq(h.status, 200, "%s", h.body);
	cr_expect(strstr(h.body, "\"today\":\"2012-09-03\"") != NULL, "%s", h.body);
	t_http_free(&h);

	/* A write without the secret, as another site would send it: 403,
	 * nothing written. */
	url = xprintf("%s/api/v1/targets/%ld", s.d.url, id);
	t_http(&h, "PATCH", url, NULL, "{\"current\":7000}", cookie);
	cr_expect_eq(h.status, 403, "%s", h.body);
	t_http_free(&h);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM progress WHERE source = 'api'",
	    0, NULL), 0);
	/* With it: written, as 财务审计处. */
	two = xprintf("%s\r\nX-CSRF-Token: %s", cookie, csrf);
	t_http(&h, "PATCH", url, NULL, "{\"current\":7000}", two);
	cr_expect_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);
	EXPECT_STR(t_query(c, "SELECT actor FROM progress WHERE source = 'api'", 0, NULL),
	    "财务审计处");
	free(two);
	two = xprintf("%s\r\nX-CSRF-Token: %sx", cookie, csrf);
	t_http(&h, "PATCH", url, NULL, "{\"current\":7100}", two);
	cr_expect_eq(h.status, 403, "a wrong secret: %s", h.body);
	t_http_free(&h);
	free(two);

	/* Sign-out: the cookie is cleared and dead. */
	two = xprintf("%s\r\nX-CSRF-Token: %s", cookie, csrf);
	t_http(&h, "DELETE", s.url, NULL, NULL, two);
	cr_expect_eq(h.status, 204, "%s", h.body);
	{
		char *set = t_http_header(&h, "Set-Cookie");

		cr_expect(set != NULL && strstr(set, "Max-Age=0") != NULL, "%s", set);
		free(set);
	}
	t_http_free(&h);
	t_http(&h, "GET", s.url, NULL, NULL, cookie);
	cr_expect_eq(h.status, 401);
	t_http_free(&h);
	free(two);
	free(cookie);
	free(csrf);
	free(url);
	PQfinish(c);
	site_stop(&s);
}

Test(session, a_revoked_token_ends_its_sessions, .timeout = 60)
{
	struct site	 s;
	struct t_http	 h;
	struct t_run	 r;
	char		*cookie, *csrf;
	const char	*revoke[] = { "token", "revoke", NULL, NULL };
	PGconn		*c;
	char		*id;

	site_start(&s);
	cookie = sign_in(&s, &csrf);
	c = t_connect(s.db);
	id = t_query(c, "SELECT max(id)::text FROM api_token", 0, NULL);
	revoke[2] = id;
	t_cli(&r, s.db, revoke);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	/* duband hears of it (NOTIFY) and forgets the cached session. */
	t_http(&h, "GET", s.url, NULL, NULL, cookie);
	cr_expect_eq(h.status, 401, "%s", h.body);
	t_http_free(&h);
	free(id);
	free(cookie);
	free(csrf);
	PQfinish(c);
	site_stop(&s);
}

/*
 * A session cached by duband ends at its expiry instant, not when the
 * cache entry would be forgotten (token_cache_ttl, 60 s, later): a
 * session ending two seconds from now is read (and so cached), the
 * database's clock passes its end, and the next read and write are
 * refused, nothing written.  No NOTIFY tells duband anything.
 */
Test(session, an_expired_session_stops_at_once, .timeout = 60)
{
	struct site	 s;
	struct t_http	 h;
	char		*cookie, *csrf, *two, *url, *before, *after;
	PGconn		*c;
	long		 id;

	site_start(&s);
	c = t_connect(s.db);
	id = t_query_long(c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL);
	cookie = sign_in(&s, &csrf);
	/* No trigger fires on an update of web_session. */
	t_exec(c, "UPDATE web_session SET expires_at = clock_timestamp() + interval '2 seconds'");
	t_http(&h, "GET", s.url, NULL, NULL, cookie);
	cr_assert_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);

	t_wait_for(c, "SELECT bool_and(clock_timestamp() > expires_at)::text FROM web_session",
	    "true");
	before = t_fingerprint(c);
	t_http(&h, "GET", s.url, NULL, NULL, cookie);
	cr_expect_eq(h.status, 401, "a read after the expiry: %s", h.body);
	t_http_free(&h);
	two = xprintf("%s\r\nX-CSRF-Token: %s", cookie, csrf);
	url = xprintf("%s/api/v1/targets/%ld", s.d.url, id);
	t_http(&h, "PATCH", url, NULL, "{\"current\":7000}", two);
	cr_expect_eq(h.status, 401, "a write after the expiry: %s", h.body);
	t_http_free(&h);
	after = t_fingerprint(c);
	cr_expect_str_eq(after, before, "nothing written");
	free(before);
	free(after);
	free(url);
	free(two);
	free(cookie);
	free(csrf);
	PQfinish(c);
	site_stop(&s);
}

/*
 * A token revoked while duband is reconnecting to PostgreSQL: the
 * NOTIFY goes out when no connection of duband's is listening, so it is
 * lost; duband drops every cached grant when its connections come back,
 * and the next request is refused at once.
 */
Test(session, a_token_revoked_during_a_reconnect_stops_at_once, .timeout = 60)
{
	struct site	 s;
	struct t_http	 h;
	PGconn		*c;
	char		*url;
	const char	*tok;

	site_start(&s);
	tok = s.token;
	url = xprintf("%s/api/v1/plans", s.d.url);
	t_http(&h, "GET", url, tok, NULL, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);

	/*
	 * One transaction: duband's backends are ended before the revocation
	 * commits, so its NOTIFY finds them gone.
	 */
	c = t_connect(s.db);
	t_exec(c, "BEGIN");
	t_exec(c, "UPDATE api_token SET revoked_at = now() WHERE kind = 'script'"
	    " AND role = 'office'");
	t_exec(c, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
	    " WHERE application_name = 'duband' AND datname = current_database()"
	    " AND pid <> pg_backend_pid()");
	t_exec(c, "COMMIT");
	t_daemon_wait_notify(&s.d, "STATUS=database down");
	t_daemon_wait_notify(&s.d, "STATUS=database up");
	t_http(&h, "GET", url, tok, NULL, NULL);
	cr_expect_eq(h.status, 401, "the revoked token after the reconnect: %s", h.body);
	t_http_free(&h);
	free(url);
	PQfinish(c);
	site_stop(&s);
}

Test(session, bad_sign_ins_are_refused, .timeout = 60)
{
	struct site	 s;
	struct t_http	 h;

	site_start(&s);
	t_http(&h, "POST", s.url, NULL, "{\"token\":\"dbn_nope\"}", "Content-Type: application/json");
	cr_expect_eq(h.status, 401, "%s", h.body);
	cr_expect(t_http_header(&h, "Set-Cookie") == NULL);
	t_http_free(&h);
	/* A form post from another site: not JSON, refused. */
	t_http(&h, "POST", s.url, NULL, "token=x", "Content-Type: application/x-www-form-urlencoded");
	cr_expect_eq(h.status, 415, "%s", h.body);
	t_http_free(&h);
	t_http(&h, "POST", s.url, NULL, "{\"token\":1}", "Content-Type: application/json");
	cr_expect_eq(h.status, 400, "%s", h.body);
	cr_expect(strstr(h.body, "\"field\":\"token\"") != NULL, "%s", h.body);
	t_http_free(&h);
	site_stop(&s);
}

Test(session, pages_are_served_with_a_strict_policy, .timeout = 60)
{
	struct site	 s;
	struct t_http	 h;
	char		*url, *v, *etag, *inm;

	site_start(&s);
	url = xprintf("%s/", s.d.url);
	t_http(&h, "GET", url, NULL, NULL, NULL);
	cr_expect_eq(h.status, 200);
	cr_expect(strncmp(h.body, "<!DOCTYPE html>", 15) == 0, "%.80s", h.body);
	v = t_http_header(&h, "Content-Security-Policy");
	cr_expect(v != NULL && strstr(v, "default-src 'self'") != NULL, "%s", v);
	free(v);
	v = t_http_header(&h, "Content-Type");
	cr_expect_str_eq(v, "text/html; charset=utf-8");
	free(v);
	etag = t_http_header(&h, "ETag");
	t_http_free(&h);
	inm = xprintf("If-None-Match: %s", etag);
	t_http(&h, "GET", url, NULL, NULL, inm);
	cr_expect_eq(h.status, 304);
	t_http_free(&h);
	free(inm);

	/* Gzip for a browser that takes it: another ETag, the same bytes once
	 * curl has unpacked them; none for one that refuses it. */
	t_http(&h, "GET", url, NULL, NULL, "Accept-Encoding: br, gzip");
	cr_expect_eq(h.status, 200);
	cr_expect((unsigned char)h.body[0] == 0x1f && (unsigned char)h.body[1] == 0x8b,
	    "not gzip: %.20s", h.body);
	v = t_http_header(&h, "Content-Encoding");
	cr_expect_str_eq(v, "gzip");
	free(v);
	v = t_http_header(&h, "Vary");
	cr_expect_str_eq(v, "Accept-Encoding");
	free(v);
	v = t_http_header(&h, "ETag");
	cr_expect_str_neq(v, etag, "one ETag for two representations");
	t_http_free(&h);
	inm = xprintf("Accept-Encoding: gzip\r\nIf-None-Match: %s", v);
	t_http(&h, "GET", url, NULL, NULL, inm);
	cr_expect_eq(h.status, 304);
	t_http_free(&h);
	free(inm);
	inm = xprintf("If-None-Match: %s", v);
	t_http(&h, "GET", url, NULL, NULL, inm);
	cr_expect_eq(h.status, 200, "the gzip ETag does not match the plain page");
	t_http_free(&h);
	free(v);
	t_http(&h, "GET", url, NULL, NULL, "Accept-Encoding: gzip;q=0, identity");
	cr_expect(strncmp(h.body, "<!DOCTYPE html>", 15) == 0, "%.20s", h.body);
	cr_expect_null(t_http_header(&h, "Content-Encoding"));
	t_http_free(&h);
	{
		char	*cmd = xprintf("curl -sf --compressed '%s/js/editor.js' | "
		    "cmp -s - '%s/daemon/web/js/editor.js'", s.d.url, DUBAN_SOURCE_DIR);

		cr_expect_eq(system(cmd), 0, "the unpacked script differs from the file");
		free(cmd);
	}

	free(url);
	url = xprintf("%s/no-such-page.html", s.d.url);
	t_http(&h, "GET", url, NULL, NULL, NULL);
	cr_expect_eq(h.status, 404);
	t_http_free(&h);
	free(url);
	free(etag);
	site_stop(&s);
}
