/*
 * Idempotent writes (see idem.h and migrations/0020-idempotency.sql).
 *
 * The order of events for a write sent with a key:
 *   1. duban_idempotency_begin takes the key (its own transaction), or
 *      says what to answer instead: the stored answer, 422, or 409;
 *   2. the route runs; each query it sends is wrapped so that the same
 *      statement calls duban_idempotency_applied(claim), which marks the
 *      key applied with the write, or fails the write if the claim was
 *      lost (taken over after duband stopped, see below);
 *   3. the answer is stored by duban_idempotency_finish, and sent once
 *      that is done (a 5xx is not stored: the key is released if
 *      nothing was written).
 * If duband stops between 1 and 2, the claim is abandoned and a retry
 * takes it over once it is older than twice the query timeout.  If it
 * stops between 2 and 3, the write is in the database but its answer is
 * not: a retry gets 409 saying so and writes nothing.
 */
#include <sys/queue.h>

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "api.h"
#include "clock.h"
#include "config.h"
#include "hash.h"
#include "idem.h"
#include "log.h"
#include "xmalloc.h"

#define BEGIN_SQL \
	"SELECT outcome, claim, status, headers::text, content_type, body" \
	"  FROM duban_idempotency_begin($1, $2, $3, $4, $5, $6::timestamptz, $7::int)"
#define FINISH_SQL \
	"SELECT duban_idempotency_finish($1::bigint, $2::int, $3::jsonb, $4, $5::bytea)"
/* The route's query as w, each of its rows marking the claim ($N). */
#define WRAP_SQL \
	"WITH w AS (%s) SELECT w.* FROM w WHERE duban_idempotency_applied($%d::bigint)"

/* A request holding a key. */
struct idem {
	struct pool	*pool;
	char		 claim[24];
};

static int	idem_query(struct req *, const char *, int, const char *const *,
		    pool_cb, void *);
static int	idem_done(struct req *, int, const char *, const char *, size_t);

static const struct req_hooks idem_hooks = { idem_query, idem_done };

/* A key as RFC draft-ietf-httpapi-idempotency-key-header allows it here. */
static int
key_valid(const char *k)
{
	size_t	 i;

	for (i = 0; k[i] != '\0'; i++)
		if (k[i] < 0x20 || k[i] > 0x7e || i >= IDEM_KEY_MAX)
			return (0);
	return (i > 0);
}

/* The SHA-256 of what makes two requests the same one. */
static void
request_hash(struct req *r, const char *method, char out[SHA256_HEX_LEN + 1])
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->ev);
	const char	*uri = evhttp_request_get_uri(r->ev);
	const char	*im = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
			    "If-Match");
	size_t		 blen = evbuffer_get_length(in);
	unsigned char	*body = blen ? evbuffer_pullup(in, -1) : NULL;
	char		*head = xprintf("%s\n%s\n%s\n", method, uri ? uri : "",
			    im ? im : "");
	size_t		 hlen = strlen(head);
	char		*all = xmalloc(hlen + blen + 1);

	memcpy(all, head, hlen);
	if (blen)
		memcpy(all + hlen, body, blen);
	sha256_hex(all, hlen + blen, out);
	free(all);
	free(head);
}

static void
replay(struct req *r, PGresult *res)
{
	struct evkeyvalq	*out = evhttp_request_get_output_headers(r->ev);
	json_t			*h = json_loads(PQgetvalue(res, 0, 3), 0, NULL);
	const char		*name;
	json_t			*v;
	unsigned char		*body;
	size_t			 len = 0;

	json_object_foreach(h, name, v)
		if (json_is_string(v))
			evhttp_add_header(out, name, json_string_value(v));
	json_decref(h);
	evhttp_add_header(out, "Idempotent-Replayed", "true");
	body = PQunescapeBytea((const unsigned char *)PQgetvalue(res, 0, 5), &len);
	http_reply(r, atoi(PQgetvalue(res, 0, 2)), PQgetvalue(res, 0, 4),
	    body ? (const char *)body : "", body ? len : 0);
	PQfreemem(body);
}

static void
begun(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	struct api	*api = r->app;
	struct idem	*x;
	const char	*outcome;
	char		 secs[16];

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_db_error(r, res, err);
		return;
	}
	outcome = PQgetvalue(res, 0, 0);
	if (strcmp(outcome, "claimed") == 0) {
		x = xcalloc(1, sizeof *x);
		x->pool = api->pool;
		snprintf(x->claim, sizeof x->claim, "%s", PQgetvalue(res, 0, 1));
		r->hooks = &idem_hooks;
		r->hooks_arg = x;
		r->route->handler(r);
	} else if (strcmp(outcome, "replay") == 0 && PQgetisnull(res, 0, 5))
		http_problem(r, 409, "请求已处理", "以同一 Idempotency-Key 发出的请求已经完成；"
		    "其答复含一次性的机密（如初始密码、订阅地址、登录凭据），不予重发，"
		    "请重新读取以查看结果", "Idempotency-Key", NULL);
	else if (strcmp(outcome, "replay") == 0)
		replay(r, res);
	else if (strcmp(outcome, "mismatch") == 0)
		http_problem(r, 422, "Idempotency-Key 已被使用",
		    "该 Idempotency-Key 已用于另一项请求（方法、地址或内容不同）；"
		    "新的请求应使用新的 Idempotency-Key", "Idempotency-Key", NULL);
	else if (strcmp(outcome, "busy") == 0) {
		snprintf(secs, sizeof secs, "%d", 1);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Retry-After", secs);
		http_problem(r, 409, "请求正在处理",
		    "以同一 Idempotency-Key 发出的请求尚在处理，请稍后重试",
		    "Idempotency-Key", NULL);
	} else
		http_problem(r, 409, "请求已处理，答复未能保存",
		    "以同一 Idempotency-Key 发出的请求已经写入，但当时服务中断，答复未能保存；"
		    "请重新读取以查看结果，不要重复提交", "Idempotency-Key", NULL);
}

void
idem_run(struct req *r)
{
	struct api		*api = r->app;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(r->ev);
	const char		*key, *params[7];
	char			 hash[SHA256_HEX_LEN + 1], now[CLOCK_ISO_LEN], stale[16];

	key = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "Idempotency-Key");
	if (key == NULL || r->token_hash == NULL || (r->route->flags & ROUTE_STREAM) ||
	    (m != EVHTTP_REQ_POST && m != EVHTTP_REQ_PUT && m != EVHTTP_REQ_PATCH &&
	    m != EVHTTP_REQ_DELETE)) {
		r->route->handler(r);
		return;
	}
	if (!key_valid(key)) {
		http_problem(r, 400, "请求头有误",
		    "Idempotency-Key 应为 1 至 255 个可打印的 ASCII 字符",
		    "Idempotency-Key", NULL);
		return;
	}
	request_hash(r, http_method_name(m), hash);
	clock_now_iso(now);
	snprintf(stale, sizeof stale, "%d", 2 * api->cfg->query_timeout);
	params[0] = r->token_hash;
	params[1] = key;
	params[2] = http_method_name(m);
	params[3] = r->path ? r->path : "";
	params[4] = hash;
	params[5] = now;
	params[6] = stale;
	(void)http_query_for(r, BEGIN_SQL, 7, params, begun, r);
}

/* The hooks: each query of the route marks the claim with its write. */
static int
idem_query(struct req *r, const char *sql, int n, const char *const *params,
    pool_cb cb, void *arg)
{
	struct idem	 *x = r->hooks_arg;
	const char	**p = xcalloc((size_t)n + 1, sizeof *p);
	char		 *w = xprintf(WRAP_SQL, sql, n + 1);
	int		  rc;

	if (n > 0)
		memcpy(p, params, (size_t)n * sizeof *p);
	p[n] = x->claim;
	rc = pool_query(x->pool, w, n + 1, p, cb, arg);
	free(w);
	free(p);
	return (rc);
}

/* The answer is stored (or could not be): now it is sent, if it waits. */
static void
finished(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
		log_warnx("未能保存 Idempotency-Key 的答复：%s", res ? PQresultErrorMessage(res) :
		    err ? err : "?");
	if (r != NULL)
		http_reply_held(r);
}

/*
 * An answer no cache may keep (Cache-Control: no-store set by the route:
 * a one-time password, a feed's URL) or that opens a session: kept
 * without its headers and body, and a retry is told so.
 */
static int
secret(struct req *r)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->ev);
	const char		*cc = evhttp_find_header(h, "Cache-Control");

	return (evhttp_find_header(h, "Set-Cookie") != NULL ||
	    (cc != NULL && strstr(cc, "no-store") != NULL));
}

/*
 * Stores the answer before it is sent: the client that has it can retry
 * and be answered the same (a retry that came while the answer was being
 * stored was told 409, the request still in progress).  Returns 1 when
 * the answer waits for finished.
 */
static int
idem_done(struct req *r, int status, const char *ctype, const char *body,
    size_t len)
{
	struct idem		*x = r->hooks_arg;
	struct evkeyval		*kv;
	json_t			*h = json_object();
	char			*headers, sbuf[16];
	const char		*params[5];
	int			 lengths[5] = { 0, 0, 0, 0, (int)len };
	int			 formats[5] = { 0, 0, 0, 0, 1 };
	int			 held;

	r->hooks_arg = NULL;
	/* The headers the route set (ETag, Location, ...), not the transport's. */
	if (status != 0)
		TAILQ_FOREACH(kv, evhttp_request_get_output_headers(r->ev), next)
			json_object_set_new(h, kv->key, json_string(kv->value));
	headers = json_dumps(h, JSON_COMPACT);
	json_decref(h);
	snprintf(sbuf, sizeof sbuf, "%d", status != 0 ? status : 500);
	params[0] = x->claim;
	params[1] = sbuf;
	params[2] = headers;
	params[3] = ctype ? ctype : "";
	params[4] = body ? body : "";
	if (status != 0 && secret(r)) {
		/* Only that it was answered is kept. */
		params[2] = params[3] = params[4] = NULL;
		lengths[4] = 0;
	}
	held = pool_query_bin(x->pool, FINISH_SQL, 5, params, lengths, formats, 0,
	    finished, status != 0 ? r : NULL) == 0;
	if (!held)
		log_warnx("未能保存 Idempotency-Key 的答复：数据库繁忙或不可用");
	free(headers);
	free(x);
	return (held && status != 0);
}
