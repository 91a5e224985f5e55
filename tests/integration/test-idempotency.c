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

#include <netinet/in.h>
#include <arpa/inet.h>
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

static void
site_start(struct site *s)
{
	static const char *const env[] = { "DUBAN_NOW=2012-10-15T09:00+08:00", NULL };
	const char	*load[] = { "plan", "load", JILIN, NULL };
	struct t_run	 r;

	memset(s, 0, sizeof *s);
	s->db = t_db_create();
	t_cli(&r, s->db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	s->office = t_token(s->db, "office", "财务审计处");
	s->office2 = t_token(s->db, "office", "财务审计处");
	s->general = t_token(s->db, "general", NULL);
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

Test(idempotency, same_key_other_body_is_422)
{
	struct site	 s;
	struct t_http	 a, b, c;

	site_start(&s);
	keyed(&a, "PATCH", s.target_url, s.office, "{\"current\":5}", "k-2");
	cr_assert_eq(a.status, 200, "%s", a.body);
	keyed(&b, "PATCH", s.target_url, s.office, "{\"current\":6}", "k-2");
	cr_expect_eq(b.status, 422, "%s", b.body);
	cr_expect_str_eq(field(&b), "Idempotency-Key");
	cr_expect(strstr(b.headers, "application/problem+json") != NULL);
	/* Another method or path with the key is another request too. */
	keyed(&c, "DELETE", s.target_url, s.office, NULL, "k-2");
	cr_expect(c.status == 422 || c.status == 405, "%ld %s", c.status, c.body);
	cr_expect_eq(history(&s), 1);
	cr_expect_eq(target_version(&s), 2);
	t_http_free(&a);
	t_http_free(&b);
	t_http_free(&c);
	site_stop(&s);
}

Test(idempotency, other_keys_and_other_tokens_are_other_writes)
{
	struct site	 s;
	struct t_http	 a, b, c;

	site_start(&s);
	keyed(&a, "PATCH", s.target_url, s.office, "{\"current\":5}", "k-3");
	keyed(&b, "PATCH", s.target_url, s.office, "{\"current\":6}", "k-4");
	/* The same key from another token does not collide with the first. */
	keyed(&c, "PATCH", s.target_url, s.office2, "{\"current\":7}", "k-3");
	cr_expect_eq(a.status, 200, "%s", a.body);
	cr_expect_eq(b.status, 200, "%s", b.body);
	cr_expect_eq(c.status, 200, "%s", c.body);
	cr_expect(!replayed(&b) && !replayed(&c));
	cr_expect_eq(history(&s), 3);
	cr_expect_eq(target_version(&s), 4);
	t_http_free(&a);
	t_http_free(&b);
	t_http_free(&c);
	site_stop(&s);
}

Test(idempotency, bad_keys_are_400)
{
	struct site	 s;
	struct t_http	 h;
	char		 longkey[300];

	site_start(&s);
	memset(longkey, 'k', 256);
	longkey[256] = '\0';
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", longkey);
	cr_expect_eq(h.status, 400, "%s", h.body);
	cr_expect_str_eq(field(&h), "Idempotency-Key");
	t_http_free(&h);
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", "键-1");
	cr_expect_eq(h.status, 400, "%s", h.body);
	cr_expect_str_eq(field(&h), "Idempotency-Key");
	t_http_free(&h);
	longkey[255] = '\0';
	keyed(&h, "PATCH", s.target_url, s.office, "{\"current\":5}", longkey);
	cr_expect_eq(h.status, 200, "255 characters are a key: %s", h.body);
	t_http_free(&h);
	cr_expect_eq(history(&s), 1);
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
