/*
 * Idempotent writes against a real duband and PostgreSQL: a write sent
 * again with its Idempotency-Key gets the first answer and writes
 * nothing, also when the first answer was lost because the client hung
 * up before it came; the same key with another body is 422; another key,
 * or the same key from another token, is another write.  PATCH on a
 * target (a progress history row per write), POST and DELETE on an
 * office's recipients.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <arpa/inet.h>
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

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*office, *office2, *general;
	long		 target, renshi;
	char		*target_url;
};

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "office", NULL, NULL, "财务审计处", "office" },
	{ "office2", NULL, NULL, "财务审计处", "office" },
	{ "general", NULL, NULL, NULL, "general" },
};

/* The snapshot every site copies: the plan loaded, the tokens kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static struct t_setup SETUP = { { LOAD }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

static void
site_start(struct site *s)
{
	static const char *const env[] = { "DUBAN_NOW=2012-10-15T09:00+08:00", NULL };

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("idempotency", t_setup_build, &SETUP);
	s->office = t_kept(s->db, "office");
	s->office2 = t_kept(s->db, "office2");
	s->general = t_kept(s->db, "general");
	s->c = t_connect(s->db);
	s->target = t_query_long(s->c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " WHERE t.key = '1' AND g.key = 'hs-students'", 0, NULL);
	s->renshi = t_query_long(s->c, "SELECT id FROM office WHERE name = '人事处'", 0, NULL);
	t_daemon_start(&s->d, s->db, NULL, env);
	s->target_url = xprintf("%s/api/v1/targets/%ld", s->d.url, s->target);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->office);
	free(s->office2);
	free(s->general);
	free(s->target_url);
	free(s->db);
}

static long
history(struct site *s)
{
	return (t_query_long(s->c, "SELECT count(*) FROM progress WHERE source = 'api'",
	    0, NULL));
}

static long
target_version(struct site *s)
{
	char		 id[24];
	const char	*p[] = { id };

	snprintf(id, sizeof id, "%ld", s->target);
	return (t_query_long(s->c, "SELECT version FROM target WHERE id = $1::bigint",
	    1, p));
}

/* A request with an Idempotency-Key (NULL: none). */
static void
keyed(struct t_http *h, const char *method, const char *url, const char *token,
    const char *body, const char *key)
{
	char	*extra = key ? xprintf("Idempotency-Key: %s", key) : NULL;

	t_http(h, method, url, token, body, extra);
	free(extra);
}

static int
replayed(const struct t_http *h)
{
	char	*v = t_http_header(h, "Idempotent-Replayed");
	int	 yes = v != NULL && strcmp(v, "true") == 0;

	free(v);
	return (yes);
}

static const char *
field(const struct t_http *h)
{
	static char	 buf[64];
	json_t		*j = json_loads(h->body, 0, NULL);

	snprintf(buf, sizeof buf, "%s", j ? json_string_value(json_object_get(j, "field")) ?
	    json_string_value(json_object_get(j, "field")) : "" : "");
	json_decref(j);
	return (buf);
}

Test(idempotency, same_key_same_body_writes_once)
{
	struct site	 s;
	struct t_http	 a, b;
	char		*ea, *eb;

	site_start(&s);
	keyed(&a, "PATCH", s.target_url, s.office, "{\"current\":5}", "k-1");
	cr_assert_eq(a.status, 200, "%s", a.body);
	cr_expect(!replayed(&a));
	keyed(&b, "PATCH", s.target_url, s.office, "{\"current\":5}", "k-1");
	cr_assert_eq(b.status, 200, "%s", b.body);
	cr_expect(replayed(&b), "the retry is not marked Idempotent-Replayed");
	cr_expect_eq(a.len, b.len);
	cr_expect_str_eq(b.body, a.body, "the retry's answer differs from the first");
	ea = t_http_header(&a, "ETag");
	eb = t_http_header(&b, "ETag");
	cr_assert(ea != NULL && eb != NULL);
	cr_expect_str_eq(eb, ea);
	cr_expect_eq(history(&s), 1, "a retry added a history row");
	cr_expect_eq(target_version(&s), 2, "the target was written twice");
	free(ea);
	free(eb);
	t_http_free(&a);
	t_http_free(&b);
	site_stop(&s);
}

/*
 * Other requests: the same key with another body, method or path (422),
 * another key, the same key from another token (other writes), keys
 * that are not keys (400).
 */
Test(idempotency, other_requests)
{
	struct site	 s;
	struct t_http	 h;
	char		 longkey[300];

	site_start(&s);
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", "k-2");
	cr_assert_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":6}", "k-2");
	cr_expect_eq(h.status, 422, "%s", h.body);
	cr_expect_str_eq(field(&h), "Idempotency-Key");
	cr_expect(strstr(h.headers, "application/problem+json") != NULL);
	t_http_free(&h);
	keyed(&h, "DELETE", s.target_url, s.office, NULL, "k-2");
	cr_expect(h.status == 422 || h.status == 405, "%ld %s", h.status, h.body);
	t_http_free(&h);
	cr_expect_eq(history(&s), 1);
	cr_expect_eq(target_version(&s), 2);

	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":6}", "k-3");
	cr_expect_eq(h.status, 200, "%s", h.body);
	cr_expect(!replayed(&h));
	t_http_free(&h);
	/* The same key from another token does not collide with the first. */
	keyed(&h, "PATCH", s.target_url, s.office2, "{\"current\":7}", "k-2");
	cr_expect_eq(h.status, 200, "%s", h.body);
	cr_expect(!replayed(&h));
	t_http_free(&h);
	cr_expect_eq(history(&s), 3);
	cr_expect_eq(target_version(&s), 4);

	memset(longkey, 'k', 256);
	longkey[256] = '\0';
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":8}", longkey);
	cr_expect_eq(h.status, 400, "%s", h.body);
	cr_expect_str_eq(field(&h), "Idempotency-Key");
	t_http_free(&h);
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":8}", "键-1");
	cr_expect_eq(h.status, 400, "%s", h.body);
	cr_expect_str_eq(field(&h), "Idempotency-Key");
	t_http_free(&h);
	cr_expect_eq(history(&s), 3);
	longkey[255] = '\0';
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":8}", longkey);
	cr_expect_eq(h.status, 200, "255 characters are a key: %s", h.body);
	t_http_free(&h);
	cr_expect_eq(history(&s), 4);
	site_stop(&s);
}

/* POST and DELETE: an office's recipient, added and removed once each. */
Test(idempotency, post_and_delete)
{
	struct site	 s;
	struct t_http	 a, b, c, d;
	char		*url, *del;
	json_t		*j;
	long		 id;

	site_start(&s);
	url = xprintf("%s/api/v1/offices/%ld/recipients", s.d.url, s.renshi);
	keyed(&a, "POST", url, s.general,
	    "{\"channel\":\"email\",\"address\":\"renshi@jledu.gov.cn\"}", "p-1");
	cr_assert_eq(a.status, 201, "%s", a.body);
	keyed(&b, "POST", url, s.general,
	    "{\"channel\":\"email\",\"address\":\"renshi@jledu.gov.cn\"}", "p-1");
	cr_expect_eq(b.status, 201, "%s", b.body);
	cr_expect(replayed(&b));
	cr_expect_str_eq(b.body, a.body);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM recipient r JOIN office o"
	    " ON o.id = r.office_id WHERE o.name = '人事处' AND r.address = 'renshi@jledu.gov.cn'",
	    0, NULL), 1, "the retried POST added a second recipient");
	j = json_loads(a.body, 0, NULL);
	id = (long)json_integer_value(json_object_get(j, "id"));
	json_decref(j);
	cr_assert(id > 0, "%s", a.body);
	del = xprintf("%s/api/v1/recipients/%ld", s.d.url, id);
	keyed(&c, "DELETE", del, s.general, NULL, "d-1");
	cr_assert_eq(c.status, 200, "%s", c.body);
	keyed(&d, "DELETE", del, s.general, NULL, "d-1");
	cr_expect_eq(d.status, 200, "the retried DELETE: %ld %s", d.status, d.body);
	cr_expect(replayed(&d));
	cr_expect_str_eq(d.body, c.body);
	t_http_free(&a);
	t_http_free(&b);
	t_http_free(&c);
	t_http_free(&d);
	free(url);
	free(del);
	site_stop(&s);
}

/* A secret shown once (a feed's address) is not kept, nor shown again. */
Test(idempotency, secrets_are_not_kept)
{
	struct site	 s;
	struct t_http	 a, b;
	char		*url;

	site_start(&s);
	url = xprintf("%s/api/v1/offices/%ld/feeds", s.d.url, s.renshi);
	keyed(&a, "POST", url, s.general, "{\"label\":\"人事处日历\"}", "f-1");
	cr_assert_eq(a.status, 201, "%s", a.body);
	cr_expect(strstr(a.body, "/ical/dbf_") != NULL, "%s", a.body);
	keyed(&b, "POST", url, s.general, "{\"label\":\"人事处日历\"}", "f-1");
	cr_expect_eq(b.status, 409, "%s", b.body);
	cr_expect(strstr(b.body, "dbf_") == NULL, "the secret was sent again: %s", b.body);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM ical_feed", 0, NULL), 1);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM idempotency_key"
	    " WHERE key = 'f-1' AND status = 201 AND body IS NULL AND headers IS NULL",
	    0, NULL), 1, "the answer with its secret was kept");
	t_http_free(&a);
	t_http_free(&b);
	free(url);
	site_stop(&s);
}

/*
 * The connection is cut before the answer: the client sends the whole
 * request and hangs up at once.  The retry with the same key gets the
 * answer, and the history has one row.
 */
Test(idempotency, answer_lost_then_retried)
{
	struct site		 s;
	struct sockaddr_in	 sin;
	struct t_http		 h;
	char			*req, *p;
	const char		*body = "{\"current\":8}";
	int			 fd, port;
	json_t			*j;

	site_start(&s);
	cr_assert_eq(sscanf(s.d.url, "http://127.0.0.1:%d", &port), 1);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0);
	req = xprintf("PATCH /api/v1/targets/%ld HTTP/1.1\r\nHost: x\r\n"
	    "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
	    "Idempotency-Key: cut-1\r\nContent-Length: %zu\r\n\r\n%s",
	    s.target, s.office, strlen(body), body);
	cr_assert_eq(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	close(fd);
	/* duband wrote it and kept the answer nobody read. */
	t_wait_for(s.c, "SELECT count(*) FROM idempotency_key"
	    " WHERE key = 'cut-1' AND status IS NOT NULL", "1");
	cr_expect_eq(history(&s), 1);

	keyed(&h, "PATCH", s.target_url, s.office, body, "cut-1");
	cr_assert_eq(h.status, 200, "%s", h.body);
	cr_expect(replayed(&h));
	j = json_loads(h.body, 0, NULL);
	cr_assert(j != NULL, "%s", h.body);
	p = json_dumps(json_object_get(j, "current"), JSON_ENCODE_ANY);
	cr_expect_str_eq(p, "8", "the answer: %s", h.body);
	free(p);
	json_decref(j);
	cr_expect_eq(history(&s), 1, "the retry wrote a second history row");
	cr_expect_eq(target_version(&s), 2);
	t_http_free(&h);
	free(req);
	site_stop(&s);
}

/* ---------------------------------------------------------------- */
/* A key left behind by a duband that stopped (rows put in by hand). */

/* Puts in key for the office's PATCH of body, as duband would have. */
static void
leave_key(struct site *s, const char *key, const char *body,
    const char *claimed_ago, const char *applied, const char *created)
{
	char		 id[24];
	const char	*p[] = { s->office, id, body, claimed_ago, applied, created,
			    key };
	char		*out;

	snprintf(id, sizeof id, "%ld", s->target);
	out = t_query(s->c, "INSERT INTO idempotency_key (scope, key, method, path,"
	    " request_hash, claim, claimed_at, created_at, applied)"
	    " SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex'), $7, 'PATCH',"
	    " '/api/v1/targets/' || $2,"
	    " encode(sha256(convert_to('PATCH' || chr(10) || '/api/v1/targets/' || $2"
	    "   || chr(10) || chr(10) || $3, 'UTF8')), 'hex'),"
	    " nextval('idempotency_claim'), clock_timestamp() - $4::interval,"
	    " $6::timestamptz, $5::boolean RETURNING 'ok'", 7, p);
	free(out);
}

Test(idempotency, keys_left_behind)
{
	struct site	 s;
	struct t_http	 h;
	char		*ra, *out;

	site_start(&s);
	/* Taken a moment ago: the first request is still running. */
	leave_key(&s, "busy", "{\"current\":5}", "0 seconds", "false",
	    "2012-10-15T09:00+08:00");
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", "busy");
	cr_expect_eq(h.status, 409, "%s", h.body);
	cr_expect_str_eq(field(&h), "Idempotency-Key");
	ra = t_http_header(&h, "Retry-After");
	cr_expect(ra != NULL, "no Retry-After");
	free(ra);
	t_http_free(&h);
	cr_expect_eq(history(&s), 0);

	/* Written, but duband stopped before the answer: not written again. */
	leave_key(&s, "unknown", "{\"current\":5}", "1 hour", "true",
	    "2012-10-15T08:00+08:00");
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", "unknown");
	cr_expect_eq(h.status, 409, "%s", h.body);
	cr_expect(strstr(h.body, "答复未能保存") != NULL, "%s", h.body);
	t_http_free(&h);
	cr_expect_eq(history(&s), 0, "written again");

	/* Taken, nothing written, duband stopped: taken over, written once. */
	leave_key(&s, "abandoned", "{\"current\":5}", "1 hour", "false",
	    "2012-10-15T08:00+08:00");
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", "abandoned");
	cr_expect_eq(h.status, 200, "%s", h.body);
	cr_expect(!replayed(&h));
	t_http_free(&h);
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", "abandoned");
	cr_expect_eq(h.status, 200, "%s", h.body);
	cr_expect(replayed(&h));
	t_http_free(&h);
	cr_expect_eq(history(&s), 1);

	/* Used two days ago for another request: forgotten, free again. */
	leave_key(&s, "old", "{\"current\":1}", "1 hour", "true",
	    "2012-10-13T09:00+08:00");
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":6}", "old");
	cr_expect_eq(h.status, 200, "%s", h.body);
	t_http_free(&h);
	cr_expect_eq(history(&s), 2);

	/* The daily sweep forgets those older than a day. */
	t_exec(s.c, "UPDATE idempotency_key SET created_at = '2012-10-13T09:00+08:00'"
	    " WHERE key <> 'busy'");
	out = t_query(s.c, "SELECT duban_sweep('2012-10-15')::text", 0, NULL);
	free(out);
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM idempotency_key", 0, NULL), 1);
	site_stop(&s);
}

/*
 * The fence, in SQL: a write wrapped as duband wraps it, for a claim that
 * is no longer held (taken over), fails whole and leaves no history.
 */
Test(idempotency, a_write_without_its_claim_writes_nothing)
{
	struct site	 s;
	char		 id[24];
	const char	*p[] = { NULL, id, "99999" };
	PGresult	*res;

	site_start(&s);
	p[0] = s.office;
	snprintf(id, sizeof id, "%ld", s.target);
	res = PQexecParams(s.c, "WITH w AS (SELECT * FROM duban_api_patch_target("
	    "encode(sha256(convert_to($1, 'UTF8')), 'hex'), $2::bigint, NULL,"
	    " '{\"current\":5}'::jsonb, '2012-10-15T09:00+08:00'))"
	    " SELECT w.* FROM w WHERE duban_idempotency_applied($3::bigint)",
	    3, NULL, p, NULL, NULL, 0);
	cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "%s", PQresultErrorMessage(res));
	PQclear(res);
	cr_expect_eq(history(&s), 0);
	cr_expect_eq(target_version(&s), 1);
	site_stop(&s);
}

/* ---------------------------------------------------------------- */
/* The CLI: a key on every write, sent again when the answer is lost. */

/* Reads one HTTP message (headers and a Content-Length body) into buf. */
static size_t
read_message(int fd, char *buf, size_t cap)
{
	size_t	 len = 0, want = 0;
	ssize_t	 n;
	char	*end, *cl;

	for (;;) {
		buf[len] = '\0';
		if (want == 0 && (end = strstr(buf, "\r\n\r\n")) != NULL) {
			cl = strstr(buf, "\r\nContent-Length:");
			want = (size_t)(end + 4 - buf) + (cl != NULL && cl < end ?
			    strtoul(cl + 17, NULL, 10) : 0);
		}
		if (want != 0 && len >= want)
			return (len);
		if (len + 1 >= cap || (n = read(fd, buf + len, cap - len - 1)) <= 0)
			return (len);
		len += (size_t)n;
	}
}

/*
 * A proxy in front of duband that passes every request on, but hangs up
 * on the first client once duband has answered it, without the answer.
 * Returns its pid; *port is where it listens.
 */
static pid_t
lossy_proxy(int upstream, int *port)
{
	struct sockaddr_in	 sin;
	socklen_t		 slen = sizeof sin;
	static char		 buf[1 << 20];
	int			 ls, c, u, first = 1;
	size_t			 len;
	pid_t			 pid;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	cr_assert(bind(ls, (struct sockaddr *)&sin, sizeof sin) == 0);
	cr_assert(listen(ls, 4) == 0);
	cr_assert(getsockname(ls, (struct sockaddr *)&sin, &slen) == 0);
	*port = ntohs(sin.sin_port);
	if ((pid = fork()) != 0) {
		cr_assert(pid > 0);
		close(ls);
		return (pid);
	}
	for (;; first = 0) {
		if ((c = accept(ls, NULL, NULL)) < 0)
			_exit(1);
		len = read_message(c, buf, sizeof buf);
		sin.sin_port = htons((uint16_t)upstream);
		u = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(u, (struct sockaddr *)&sin, sizeof sin) != 0 ||
		    write(u, buf, len) != (ssize_t)len)
			_exit(1);
		len = read_message(u, buf, sizeof buf);
		if (!first && write(c, buf, len) != (ssize_t)len)
			_exit(1);
		close(u);
		close(c);
	}
}

Test(idempotency, the_cli_sends_a_key_and_retries_with_it)
{
	struct site	 s;
	struct t_run	 r;
	char		*file, *server, id[24];
	const char	*args[] = { "target", "set", id, "9", "--server", NULL,
			    "--token-file", NULL, NULL };
	int		 port, upstream;
	pid_t		 proxy;

	site_start(&s);
	cr_assert_eq(sscanf(s.d.url, "http://127.0.0.1:%d", &upstream), 1);
	proxy = lossy_proxy(upstream, &port);
	snprintf(id, sizeof id, "%ld", s.target);
	file = xprintf("%s/idem-token", t_tmpdir());
	t_write_file(file, s.office, strlen(s.office));
	server = xprintf("http://127.0.0.1:%d", port);
	args[5] = server;
	args[7] = file;
	t_cli(&r, s.db, args);
	kill(proxy, SIGKILL);
	waitpid(proxy, NULL, 0);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "当前完成值 9") != NULL, "%s", r.out);
	cr_expect_eq(history(&s), 1, "the CLI's retry wrote twice");
	cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM idempotency_key"
	    " WHERE key LIKE 'dbi\\_%' AND status = 200", 0, NULL), 1);
	t_run_free(&r);
	free(file);
	free(server);
	site_stop(&s);
}
