/*
 * The HTTP side: evhttp with explicit limits, a cap on open connections,
 * routing to the api-*.c tables, and the replies (JSON, RFC 7807
 * problem+json).  Every request that gets here is answered exactly once,
 * through http_reply(), which also records its metrics.
 */
#include <sys/queue.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "duband.h"
#include "log.h"
#include "xmalloc.h"

/* libevent's own limit for bodies; ours (max_body) answers in JSON. */
#define HARD_BODY_FACTOR	4

static const struct route *const route_tables[] = {
	api_health_routes,
	api_read_routes,
	api_write_routes,
	api_reminder_routes,
	api_report_routes,
	api_session_routes,
	NULL
};

/* ---------------------------------------------------------------- */
/* Open connections: a set of evhttp_connection pointers. */

struct connset {
	void	**v;
	size_t	  cap;
};

static struct connset conns;

static size_t
slot(const void *p, size_t cap)
{
	uintptr_t	 h = (uintptr_t)p;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return ((size_t)(h >> 7) & (cap - 1));
}

static int
connset_has(const void *p)
{
	size_t	 i;

	if (conns.cap == 0)
		return (0);
	for (i = slot(p, conns.cap); conns.v[i] != NULL; i = (i + 1) & (conns.cap - 1))
		if (conns.v[i] == p)
			return (1);
	return (0);
}

static void
connset_add(void *p, int max)
{
	size_t	 i, want = 16;

	while (want < (size_t)max * 2 + 2)
		want *= 2;
	if (conns.cap < want) {
		/* Sized for the configured cap, at most half full. */
		struct connset	 old = conns;

		conns.cap = want;
		conns.v = xcalloc(want, sizeof *conns.v);
		for (i = 0; i < old.cap; i++)
			if (old.v[i] != NULL)
				connset_add(old.v[i], max);
		free(old.v);
	}
	for (i = slot(p, conns.cap); conns.v[i] != NULL; i = (i + 1) & (conns.cap - 1))
		;
	conns.v[i] = p;
}

static void
connset_del(const void *p)
{
	size_t	 i, j, k;

	if (conns.cap == 0)
		return;
	for (i = slot(p, conns.cap); conns.v[i] != p; i = (i + 1) & (conns.cap - 1))
		if (conns.v[i] == NULL)
			return;
	conns.v[i] = NULL;
	/* Backward-shift the cluster after the hole (linear probing). */
	for (j = (i + 1) & (conns.cap - 1); conns.v[j] != NULL;
	    j = (j + 1) & (conns.cap - 1)) {
		k = slot(conns.v[j], conns.cap);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			conns.v[i] = conns.v[j];
			conns.v[j] = NULL;
			i = j;
		}
	}
}

static void
set_listening(struct server *s, int on)
{
	struct evconnlistener	*l;

	if (s->bound == NULL || s->listening == on)
		return;
	l = evhttp_bound_socket_get_listener(s->bound);
	if (on)
		evconnlistener_enable(l);
	else
		evconnlistener_disable(l);
	s->listening = on;
	if (!on)
		log_warnx("HTTP 连接数达到上限 %d，暂停接受新连接", s->cfg.max_connections);
	else
		log_info("HTTP 连接数回落，恢复接受新连接");
}

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct server	*s = arg;

	connset_del(evcon);
	s->connections--;
	if (!s->stopping && s->connections < s->cfg.max_connections)
		set_listening(s, 1);
}

/* Counts a connection the first time a request arrives on it. */
static int
track_connection(struct server *s, struct evhttp_connection *evcon)
{
	if (evcon == NULL || connset_has(evcon))
		return (0);
	if (s->connections >= s->cfg.max_connections)
		return (-1);
	connset_add(evcon, s->cfg.max_connections);
	s->connections++;
	evhttp_connection_set_closecb(evcon, conn_closed, s);
	if (s->connections >= s->cfg.max_connections)
		set_listening(s, 0);
	return (0);
}

/* ---------------------------------------------------------------- */
/* Replies */

static const char *
reason(int status)
{
	switch (status) {
	case 200: return ("OK");
	case 201: return ("Created");
	case 202: return ("Accepted");
	case 204: return ("No Content");
	case 400: return ("Bad Request");
	case 401: return ("Unauthorized");
	case 403: return ("Forbidden");
	case 404: return ("Not Found");
	case 405: return ("Method Not Allowed");
	case 409: return ("Conflict");
	case 413: return ("Payload Too Large");
	case 415: return ("Unsupported Media Type");
	case 500: return ("Internal Server Error");
	case 503: return ("Service Unavailable");
	}
	return ("Unknown");
}

static const char *
method_name(enum evhttp_cmd_type m)
{
	switch (m) {
	case EVHTTP_REQ_GET: return ("GET");
	case EVHTTP_REQ_POST: return ("POST");
	case EVHTTP_REQ_HEAD: return ("HEAD");
	case EVHTTP_REQ_PUT: return ("PUT");
	case EVHTTP_REQ_DELETE: return ("DELETE");
	case EVHTTP_REQ_OPTIONS: return ("OPTIONS");
	case EVHTTP_REQ_TRACE: return ("TRACE");
	case EVHTTP_REQ_CONNECT: return ("CONNECT");
	case EVHTTP_REQ_PATCH: return ("PATCH");
	}
	return ("?");
}

static void
flushed(struct evhttp_request *ev, void *arg)
{
	struct server	*s = arg;

	(void)ev;
	s->unflushed--;
	server_check_stopped(s);
}

static void
req_free(struct req *r)
{
	if (r->have_query)
		evhttp_clear_headers(&r->query);
	free(r->path);
	free(r->param);
	free(r->office);
	free(r->token_hash);
	free(r->label);
	free(r->session_hash);
	free(r->csrf);
	free(r);
}

void
http_reply(struct req *r, int status, const char *ctype, const char *body,
    size_t len)
{
	struct server		*s = r->srv;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->ev);
	struct evbuffer		*buf = evbuffer_new();
	struct timespec		 t1;
	double			 secs;
	const char		*method = method_name(evhttp_request_get_command(r->ev));

	evhttp_add_header(h, "Content-Type", ctype);
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (s->stopping)
		evhttp_add_header(h, "Connection", "close");
	evbuffer_add(buf, body, len);
	if (evhttp_request_get_connection(r->ev) != NULL) {
		s->unflushed++;
		evhttp_request_set_on_complete_cb(r->ev, flushed, s);
	}
	/* An orphaned request (client gone) is freed by evhttp_send_reply. */
	evhttp_send_reply(r->ev, status, reason(status), buf);
	evbuffer_free(buf);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - r->t0.tv_sec) +
	    (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e9;
	metrics_record(s->metrics, r->route ? r->route->pattern : "(other)",
	    method, status, secs);
	if (status >= 500)
		log_warnx("%s %s → %d（%.1f 毫秒）", method, r->path ? r->path : "?",
		    status, secs * 1000);
	else
		log_debug("%s %s → %d（%.1f 毫秒）", method, r->path ? r->path : "?",
		    status, secs * 1000);
	req_free(r);
	s->inflight--;
	server_check_stopped(s);
}

void
http_reply_json(struct req *r, int status, const char *json, const char *etag)
{
	if (etag != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "ETag",
		    etag);
	http_reply(r, status, "application/json; charset=utf-8", json, strlen(json));
}

void
http_problem(struct req *r, int status, const char *title, const char *detail,
    const char *field, json_t *extra)
{
	json_t	*p;
	char	*text, *type;

	type = xprintf("urn:duban:problem:%d", status);
	p = json_pack("{s:s, s:s, s:i}", "type", type, "title", title,
	    "status", status);
	if (detail != NULL)
		json_object_set_new(p, "detail", json_string(detail));
	if (field != NULL)
		json_object_set_new(p, "field", json_string(field));
	if (r->path != NULL)
		json_object_set_new(p, "instance", json_string(r->path));
	if (extra != NULL) {
		json_object_update(p, extra);
		json_decref(extra);
	}
	text = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
	http_reply(r, status, "application/problem+json; charset=utf-8", text,
	    strlen(text));
	free(text);
	free(type);
	json_decref(p);
}

void
http_unavailable(struct req *r, const char *why)
{
	char	 secs[16];

	snprintf(secs, sizeof secs, "%d", r->srv->cfg.retry_after);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Retry-After",
	    secs);
	http_problem(r, 503, "服务暂时不可用", why, NULL, NULL);
}

void
http_db_error(struct req *r, PGresult *res, const char *err)
{
	const char	*state;

	if (res == NULL) {
		http_unavailable(r, err ? err : "数据库不可用");
		return;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	if (state != NULL && (strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strncmp(state, "53", 2) == 0)) {
		http_unavailable(r, "数据库暂时不可用");
		return;
	}
	log_warnx("查询失败（%s）：%s", r->path ? r->path : "?",
	    PQresultErrorMessage(res));
	http_problem(r, 500, "服务器内部错误", "查询失败，已记录日志", NULL, NULL);
}

void
http_json_row(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	char		 etag[32];

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		http_problem(r, 404, r->notfound ? r->notfound : "不存在",
		    "没有这个编号的记录", NULL, NULL);
		return;
	}
	if (PQnfields(res) > 1 && !PQgetisnull(res, 0, 1)) {
		snprintf(etag, sizeof etag, "\"%s\"", PQgetvalue(res, 0, 1));
		http_reply_json(r, 200, PQgetvalue(res, 0, 0), etag);
	} else
		http_reply_json(r, 200, PQgetvalue(res, 0, 0), NULL);
}

void
http_problem_text(struct req *r, int status, const char *text)
{
	json_t		*out = json_loads(text, 0, NULL), *cur;
	const char	*title, *detail, *field;

	if (out == NULL) {
		http_problem(r, 500, "服务器内部错误", "无法解析数据库的应答", NULL, NULL);
		return;
	}
	title = json_string_value(json_object_get(out, "title"));
	detail = json_string_value(json_object_get(out, "detail"));
	field = json_string_value(json_object_get(out, "field"));
	cur = json_object_get(out, "current");
	if (status == 401)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "WWW-Authenticate", "Bearer realm=\"duban\"");
	http_problem(r, status, title ? title : "请求失败", detail, field,
	    cur ? json_pack("{s:O}", "current", cur) : NULL);
	json_decref(out);
}

void
http_status_json(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	char		 etag[32];
	int		 status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_db_error(r, res, err);
		return;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	if (status >= 300) {
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
		return;
	}
	/* The object, as the database built it: sent as it is. */
	if (PQnfields(res) > 2 && !PQgetisnull(res, 0, 2)) {
		snprintf(etag, sizeof etag, "\"%s\"", PQgetvalue(res, 0, 2));
		http_reply_json(r, status, PQgetvalue(res, 0, 1), etag);
	} else
		http_reply_json(r, status, PQgetvalue(res, 0, 1), NULL);
}

int
http_query(struct req *r, const char *sql, int n, const char *const *params,
    pool_cb cb)
{
	return (http_query_for(r, sql, n, params, cb, r));
}

int
http_query_for(struct req *r, const char *sql, int n, const char *const *params,
    pool_cb cb, void *arg)
{
	if (pool_query(r->srv->pool, sql, n, params, cb, arg) != 0) {
		http_unavailable(r, pool_alive(r->srv->pool) ? "数据库繁忙，请稍后再试" :
		    "数据库不可用");
		return (-1);
	}
	return (0);
}

const char *
http_query_arg(struct req *r, const char *key)
{
	return (r->have_query ? evhttp_find_header(&r->query, key) : NULL);
}

int
http_query_only(struct req *r, const char *const *allowed)
{
	struct evkeyval	*kv;
	int		 i, ok;
	char		*msg;

	if (!r->have_query)
		return (0);
	TAILQ_FOREACH(kv, &r->query, next) {
		for (ok = 0, i = 0; allowed[i] != NULL; i++)
			if (strcmp(kv->key, allowed[i]) == 0)
				ok = 1;
		if (!ok) {
			msg = xprintf("不认识的查询参数“%s”", kv->key);
			http_problem(r, 400, "请求参数有误", msg, kv->key, NULL);
			free(msg);
			return (-1);
		}
	}
	return (0);
}

char *
http_body(struct req *r, size_t *lenp)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->ev);
	size_t		 len = evbuffer_get_length(in);
	char		*s, *msg;

	if (len > (size_t)r->srv->cfg.max_body) {
		msg = xprintf("请求体 %zu 字节，上限为 %d 字节", len, r->srv->cfg.max_body);
		http_problem(r, 413, "请求体过大", msg, NULL, NULL);
		free(msg);
		return (NULL);
	}
	s = xmalloc(len + 1);
	evbuffer_copyout(in, s, len);
	s[len] = '\0';
	*lenp = len;
	return (s);
}

/* ---------------------------------------------------------------- */
/* Routing */

/* Matches path against pattern; "{id}" takes digits, "{key}" a key. */
static int
match(const char *pattern, const char *path, char **param)
{
	const char	*p = pattern, *q = path, *start;

	*param = NULL;
	while (*p != '\0') {
		if (*p == '{') {
			int	 digits = strncmp(p, "{id}", 4) == 0;

			p = strchr(p, '}') + 1;
			start = q;
			while (*q != '\0' && *q != '/') {
				if (digits ? !isdigit((unsigned char)*q) :
				    !(isalnum((unsigned char)*q) || *q == '-' ||
				    *q == '_' || *q == '.'))
					goto no;
				q++;
			}
			if (q == start || q - start > (digits ? 18 : 64))
				goto no;
			free(*param);
			*param = xstrndup(start, (size_t)(q - start));
			continue;
		}
		if (*p++ != *q++)
			goto no;
	}
	if (*q == '\0' || (q[0] == '/' && q[1] == '\0'))
		return (1);
no:
	free(*param);
	*param = NULL;
	return (0);
}

static void
route(struct req *r)
{
	enum evhttp_cmd_type	 m = evhttp_request_get_command(r->ev);
	const struct route	*rt, *const *t;
	char			*param, allow[64] = "";
	int			 path_known = 0;

	if (m == EVHTTP_REQ_HEAD)
		m = EVHTTP_REQ_GET;
	for (t = route_tables; *t != NULL; t++)
		for (rt = *t; rt->pattern != NULL; rt++) {
			if (!match(rt->pattern, r->path, &param))
				continue;
			if (rt->method != m) {
				path_known = 1;
				if (strlen(allow) + 10 < sizeof allow)
					snprintf(allow + strlen(allow),
					    sizeof allow - strlen(allow), "%s%s",
					    *allow ? ", " : "", method_name(rt->method));
				free(param);
				continue;
			}
			r->route = rt;
			r->param = param;
			auth_request(r);
			return;
		}
	/* Not the API: a page, if there is one by that name. */
	if (!path_known && m == EVHTTP_REQ_GET && strncmp(r->path, "/api/", 5) != 0 &&
	    web_serve(r))
		return;
	if (path_known) {
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Allow",
		    allow);
		http_problem(r, 405, "不支持的请求方法",
		    "这个地址不支持该请求方法，可用的方法见 Allow", NULL, NULL);
		return;
	}
	http_problem(r, 404, "地址不存在", "没有这个地址：接口都在 /api/v1 下，网页从 / 开始",
	    NULL, NULL);
}

static void
gencb(struct evhttp_request *ev, void *arg)
{
	struct server		*s = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(ev);
	const char		*path, *query;
	struct req		*r;
	size_t			 len;

	r = xcalloc(1, sizeof *r);
	r->srv = s;
	r->ev = ev;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	s->inflight++;
	if (track_connection(s, evhttp_request_get_connection(ev)) != 0) {
		evhttp_add_header(evhttp_request_get_output_headers(ev),
		    "Connection", "close");
		http_unavailable(r, "连接数已达上限");
		return;
	}
	if (s->stopping) {
		http_unavailable(r, "服务正在关闭");
		return;
	}
	path = uri ? evhttp_uri_get_path(uri) : NULL;
	if (path == NULL || *path != '/' ||
	    (r->path = evhttp_uridecode(path, 0, &len)) == NULL ||
	    strlen(r->path) != len) {
		http_problem(r, 400, "请求地址有误", "地址无法解析", NULL, NULL);
		return;
	}
	if ((query = evhttp_uri_get_query(uri)) != NULL) {
		TAILQ_INIT(&r->query);
		r->have_query = 1;
		if (evhttp_parse_query_str(query, &r->query) != 0) {
			http_problem(r, 400, "请求参数有误", "查询字符串无法解析", NULL,
			    NULL);
			return;
		}
	}
	route(r);
}

void
http_apply_limits(struct server *s)
{
	evhttp_set_max_body_size(s->http,
	    (ev_ssize_t)s->cfg.max_body * HARD_BODY_FACTOR);
	evhttp_set_max_headers_size(s->http, s->cfg.max_headers);
	evhttp_set_timeout(s->http, s->cfg.http_timeout);
	if (!s->stopping && s->connections < s->cfg.max_connections)
		set_listening(s, 1);
	else if (s->connections >= s->cfg.max_connections)
		set_listening(s, 0);
}

int
http_start(struct server *s)
{
	char		*host, *colon;
	long		 port;

	s->http = evhttp_new(s->base);
	evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PATCH | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
	evhttp_set_gencb(s->http, gencb, s);
	host = xstrdup(s->cfg.listen);
	colon = strrchr(host, ':');
	*colon = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (port < 0 || port > 65535 ||
	    (s->bound = evhttp_bind_socket_with_handle(s->http, host,
	    (ev_uint16_t)port)) == NULL) {
		log_warn("无法在 %s 上监听", s->cfg.listen);
		free(host);
		return (-1);
	}
	free(host);
	s->listening = 1;
	http_apply_limits(s);
	return (0);
}

void
http_bound_address(struct server *s, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	char			 host[INET6_ADDRSTRLEN];
	int			 port;

	if (s->bound == NULL || getsockname(evhttp_bound_socket_get_fd(s->bound),
	    (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(buf, len, "%s", s->cfg.listen);
		return;
	}
	if (ss.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host,
		    sizeof host);
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(buf, len, "[%s]:%d", host, port);
	} else {
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host,
		    sizeof host);
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(buf, len, "%s:%d", host, port);
	}
}

void
http_stop_listening(struct server *s)
{
	if (s->bound != NULL) {
		evhttp_del_accept_socket(s->http, s->bound);
		s->bound = NULL;
	}
	s->listening = 0;
}

void
server_check_stopped(struct server *s)
{
	if (s->stopping && s->inflight == 0 && s->unflushed <= 0 &&
	    (s->outbox == NULL || outbox_inflight(s->outbox) == 0))
		event_base_loopexit(s->base, NULL);
}

/*
 * The address of the pages, for links in feeds and reminders: public_url,
 * else this listener's address, without a trailing slash; NULL when
 * duband serves no pages.
 */
const char *
http_site_base(struct server *s, char *buf, size_t len)
{
	char	addr[64];
	size_t	n;

	if (s->web == NULL)
		return (NULL);
	if (*s->cfg.public_url != '\0')
		snprintf(buf, len, "%s", s->cfg.public_url);
	else {
		http_bound_address(s, addr, sizeof addr);
		snprintf(buf, len, "http://%s", addr);
	}
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == '/')
		buf[--n] = '\0';
	return (buf);
}
