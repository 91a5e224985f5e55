/*
 * The HTTP transport (see http.h): evhttp with explicit limits, a cap on
 * open connections, the request objects and the replies.  Every request
 * that gets here is answered exactly once, through http_reply(), which
 * also records its metrics.
 */
#include <sys/queue.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "body.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "upload.h"
#include "xmalloc.h"

/* libevent's own limit for bodies; ours (max_body, max_fill_body for
 * the XLSX 填报表, max_plan_body for plan files) answer in JSON. */
#define HARD_BODY_FACTOR	4

/* Open connections: a set of evhttp_connection pointers. */
struct connset {
	void	**v;
	size_t	  cap;
};

struct http {
	const struct config	*cfg;
	struct pool		*pool;
	struct metrics		*metrics;
	struct evhttp		*evhttp;
	struct evhttp_bound_socket *bound;
	struct connset		 conns;
	int			 connections;	/* open HTTP connections, from accept */
	unsigned long		 paused;	/* times the cap paused accepting */
	unsigned long		 shed_fd;	/* accepted and closed: no descriptors */
	int			 reserve_fd;	/* kept to shed with when none is left */
	struct event		*resume_ev;	/* accepting again after running out */
	struct event		*burst_ev;	/* accepting again on the next pass */
	struct timeval		 burst_tv;	/* the loop's pass the burst is of */
	int			 burst;		/* accepted in that pass */
	int			 listening;	/* accepting new ones */
	int			 inflight;	/* requests not yet answered */
	int			 unflushed;	/* answers not yet written out */
	int			 closing;	/* http_close() was called */

	http_handler		 handler;
	void			*handler_arg;
	struct uploads		*uploads;
	int			(*stream_match)(const char *, const char *, void *);
	void			*stream_arg;
	void			(*idle_cb)(void *);
	void			*idle_arg;
	struct req		*streams;	/* answers being streamed */
	struct event_base	*base;
};

/* ---------------------------------------------------------------- */
/* Open connections */

static size_t
slot(const void *p, size_t cap)
{
	uintptr_t	 h = (uintptr_t)p;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return ((size_t)(h >> 7) & (cap - 1));
}

static int
connset_has(const struct connset *cs, const void *p)
{
	size_t	 i;

	if (cs->cap == 0)
		return (0);
	for (i = slot(p, cs->cap); cs->v[i] != NULL; i = (i + 1) & (cs->cap - 1))
		if (cs->v[i] == p)
			return (1);
	return (0);
}

static void
connset_add(struct connset *cs, void *p, int max)
{
	size_t	 i, want = 16;

	while (want < (size_t)max * 2 + 2)
		want *= 2;
	if (cs->cap < want) {
		/* Sized for the configured cap, at most half full. */
		struct connset	 old = *cs;

		cs->cap = want;
		cs->v = xcalloc(want, sizeof *cs->v);
		for (i = 0; i < old.cap; i++)
			if (old.v[i] != NULL)
				connset_add(cs, old.v[i], max);
		free(old.v);
	}
	for (i = slot(p, cs->cap); cs->v[i] != NULL; i = (i + 1) & (cs->cap - 1))
		;
	cs->v[i] = p;
}

static void
connset_del(struct connset *cs, const void *p)
{
	size_t	 i, j, k;

	if (cs->cap == 0)
		return;
	for (i = slot(p, cs->cap); cs->v[i] != p; i = (i + 1) & (cs->cap - 1))
		if (cs->v[i] == NULL)
			return;
	cs->v[i] = NULL;
	/* Backward-shift the cluster after the hole (linear probing). */
	for (j = (i + 1) & (cs->cap - 1); cs->v[j] != NULL;
	    j = (j + 1) & (cs->cap - 1)) {
		k = slot(cs->v[j], cs->cap);
		if ((j > i && (k <= i || k > j)) || (j < i && (k <= i && k > j))) {
			cs->v[i] = cs->v[j];
			cs->v[j] = NULL;
			i = j;
		}
	}
}

static void
set_listening(struct http *h, int on)
{
	struct evconnlistener	*l;

	if (h->bound == NULL || h->listening == on)
		return;
	l = evhttp_bound_socket_get_listener(h->bound);
	if (on)
		evconnlistener_enable(l);
	else
		evconnlistener_disable(l);
	h->listening = on;
	if (!on)
		log_warnx("HTTP 连接数达到上限 %d，暂停接受新连接", h->cfg->max_connections);
	else
		log_info("HTTP 连接数回落，恢复接受新连接");
}

/*
 * A connection was accepted (upload.c's filter counts them all).
 * libevent accepts all that are waiting, each set up at once: a wave of
 * an attacker's (thousands, refused for their address a moment later)
 * held the requests already in behind it.  So at most ACCEPT_BURST are
 * taken in one pass of the loop; the listener rests until the next,
 * after what else was ready has run.
 */
#define ACCEPT_BURST	16

static void
conn_opened(void *arg)
{
	static const struct timeval	 next_pass = { 0, 0 };
	struct http			*h = arg;
	struct timeval			 now;

	h->connections++;
	if (h->connections >= h->cfg->max_connections) {
		if (h->listening)
			h->paused++;
		set_listening(h, 0);
		return;
	}
	event_base_gettimeofday_cached(h->base, &now);
	if (!timercmp(&now, &h->burst_tv, ==)) {
		h->burst_tv = now;
		h->burst = 0;
	}
	if (++h->burst >= ACCEPT_BURST && h->listening && h->bound != NULL) {
		evconnlistener_disable(evhttp_bound_socket_get_listener(h->bound));
		h->listening = 0;	/* quietly: a pause of one pass */
		evtimer_add(h->burst_ev, &next_pass);
	}
}

static void
burst_over(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;

	(void)fd;
	(void)what;
	h->burst = 0;
	if (!h->closing && h->connections < h->cfg->max_connections &&
	    !evtimer_pending(h->resume_ev, NULL) && h->bound != NULL && !h->listening) {
		evconnlistener_enable(evhttp_bound_socket_get_listener(h->bound));
		h->listening = 1;
	}
}

static void
conn_gone(void *arg)
{
	struct http	*h = arg;

	h->connections--;
	/* Not during a burst's pause: burst_over ends that. */
	if (!h->closing && h->connections < h->cfg->max_connections &&
	    (h->resume_ev == NULL || !evtimer_pending(h->resume_ev, NULL)) &&
	    (h->burst_ev == NULL || !evtimer_pending(h->burst_ev, NULL)))
		set_listening(h, 1);
}

static void
conn_closed(struct evhttp_connection *evcon, void *arg)
{
	struct http	*h = arg;
	struct req	*r;

	for (r = h->streams; r != NULL; r = r->stream_next)
		if (r->stream_conn == evcon) {
			r->stream_gone = 1;
			r->stream_conn = NULL;
			if (r->stream_written != NULL)
				event_active(r->stream_ev, EV_TIMEOUT, 0);
		}
	connset_del(&h->conns, evcon);
}

/* Knows a connection the first time a request arrives on it. */
static int
track_connection(struct http *h, struct evhttp_connection *evcon)
{
	evutil_socket_t	 fd;
	int		 one = 1;

	if (evcon == NULL)
		return (0);
	uploads_request(h->uploads, evhttp_connection_get_bufferevent(evcon));
	if (connset_has(&h->conns, evcon))
		return (0);
	/*
	 * A reply goes out as soon as it is written.  With Nagle's algorithm
	 * a reply larger than a segment waited, on a kept-alive connection,
	 * for the client's delayed ACK of the first: 40 ms a task list.
	 */
	fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
	if (fd >= 0)
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	connset_add(&h->conns, evcon, h->cfg->max_connections);
	evhttp_connection_set_closecb(evcon, conn_closed, h);
	return (0);
}

/* An answer was sent or written out: maybe the server may stop now. */
static void
idle_check(struct http *h)
{
	if (h->idle_cb != NULL)
		h->idle_cb(h->idle_arg);
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

const char *
http_method_name(enum evhttp_cmd_type m)
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
	struct http	*h = arg;

	(void)ev;
	h->unflushed--;
	idle_check(h);
}

/*
 * The hooks hear of the answer once: before it is sent, or now.  Returns
 * 1 if they hold it (http_reply_held sends it).
 */
static int
req_hooks_done(struct req *r, int status, const char *ctype, const char *body,
    size_t len)
{
	const struct req_hooks	*hooks = r->hooks;

	r->hooks = NULL;
	return (hooks != NULL && hooks->done(r, status, ctype, body, len) && status != 0);
}

static void
req_free(struct req *r)
{
	(void)req_hooks_done(r, 0, NULL, NULL, 0);
	free(r->held_ctype);
	free(r->held_body);
	if (r->have_query)
		evhttp_clear_headers(&r->query);
	free(r->path);
	free(r->param);
	free(r->param2);
	free(r->office);
	free(r->token_hash);
	free(r->label);
	free(r->person_role);
	free(r->login);
	free(r->session_hash);
	free(r->csrf);
	upload_release(r->upload);
	if (r->stream_ev != NULL)
		event_free(r->stream_ev);
	free(r);
}

static void	reply_send(struct req *, int, const char *, const char *, size_t);

void
http_reply(struct req *r, int status, const char *ctype, const char *body,
    size_t len)
{
	if (req_hooks_done(r, status, ctype, body, len)) {
		r->held_status = status;
		r->held_ctype = xstrdup(ctype);
		r->held_body = xmalloc(len + 1);
		memcpy(r->held_body, body, len);
		r->held_len = len;
		return;
	}
	reply_send(r, status, ctype, body, len);
}

void
http_reply_held(struct req *r)
{
	reply_send(r, r->held_status, r->held_ctype, r->held_body, r->held_len);
}

/* Sends the answer and frees r. */
static void
reply_send(struct req *r, int status, const char *ctype, const char *body, size_t len)
{
	struct http		*hp = r->http;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->ev);
	struct evbuffer		*buf = evbuffer_new();
	struct timespec		 t1;
	double			 secs;
	const char		*method = http_method_name(evhttp_request_get_command(r->ev));

	evhttp_add_header(h, "Content-Type", ctype);
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (hp->closing)
		evhttp_add_header(h, "Connection", "close");
	evbuffer_add(buf, body, len);
	if (evhttp_request_get_connection(r->ev) != NULL &&
	    uploads_answering(hp->uploads, evhttp_connection_get_bufferevent(
	    evhttp_request_get_connection(r->ev)), r->upload))
		evhttp_add_header(h, "Connection", "close");
	if (evhttp_request_get_connection(r->ev) != NULL) {
		hp->unflushed++;
		evhttp_request_set_on_complete_cb(r->ev, flushed, hp);
	}
	/* An orphaned request (client gone) is freed by evhttp_send_reply. */
	evhttp_send_reply(r->ev, status, reason(status), buf);
	evbuffer_free(buf);

	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - r->t0.tv_sec) +
	    (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e9;
	metrics_record(hp->metrics, r->name ? r->name : "(other)", method, status,
	    secs);
	if (status >= 500)
		log_warnx("%s %s → %d（%.1f 毫秒）", method, r->path ? r->path : "?",
		    status, secs * 1000);
	else
		log_debug("%s %s → %d（%.1f 毫秒）", method, r->path ? r->path : "?",
		    status, secs * 1000);
	req_free(r);
	hp->inflight--;
	idle_check(hp);
}

static void
stream_fire(evutil_socket_t fd, short what, void *arg)
{
	struct req	*r = arg;
	void		(*fn)(struct req *, int, void *) = r->stream_written;

	(void)fd;
	(void)what;
	if (fn == NULL)
		return;
	r->stream_written = NULL;
	fn(r, !r->stream_gone, r->stream_arg);
}

static void
stream_chunk_written(struct evhttp_connection *evcon, void *arg)
{
	struct req	*r = arg;

	(void)evcon;
	if (r->stream_written != NULL)
		event_active(r->stream_ev, EV_TIMEOUT, 0);
}

void
http_stream_begin(struct req *r, int status, const char *ctype, long long length)
{
	struct http		*hp = r->http;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->ev);
	char			 len[24];

	snprintf(len, sizeof len, "%lld", length);
	evhttp_add_header(h, "Content-Type", ctype);
	evhttp_add_header(h, "Content-Length", len);
	if (evhttp_find_header(h, "Cache-Control") == NULL)
		evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	if (hp->closing)
		evhttp_add_header(h, "Connection", "close");
	r->stream_conn = evhttp_request_get_connection(r->ev);
	if (r->stream_conn != NULL)
		(void)uploads_answering(hp->uploads,
		    evhttp_connection_get_bufferevent(r->stream_conn), NULL);
	r->stream_ev = event_new(hp->base, -1, 0, stream_fire, r);
	r->stream_next = hp->streams;
	hp->streams = r;
	if (r->stream_conn != NULL) {
		hp->unflushed++;
		r->stream_counted = 1;
		evhttp_request_set_on_complete_cb(r->ev, flushed, hp);
	} else
		r->stream_gone = 1;
	evhttp_send_reply_start(r->ev, status, reason(status));
	r->stream_status = status;
}

void
http_stream_write(struct req *r, const void *data, size_t len,
    void (*written)(struct req *, int, void *), void *arg)
{
	struct evbuffer	*buf;

	r->stream_written = written;
	r->stream_arg = arg;
	if (r->stream_gone || evhttp_request_get_connection(r->ev) == NULL) {
		r->stream_gone = 1;
		event_active(r->stream_ev, EV_TIMEOUT, 0);
		return;
	}
	/* Writing off while evhttp adds the piece: else upload.c's filter
	 * writes it at once and runs the write callback before evhttp has
	 * set this piece's (lost: downloads stopped after a piece).  evhttp
	 * turns it on again, the filter's flush writes the piece. */
	bufferevent_disable(evhttp_connection_get_bufferevent(
	    evhttp_request_get_connection(r->ev)), EV_WRITE);
	buf = evbuffer_new();
	evbuffer_add(buf, data, len);
	evhttp_send_reply_chunk_with_cb(r->ev, buf, stream_chunk_written, r);
	evbuffer_free(buf);
}

void
http_stream_end(struct req *r)
{
	struct http	*hp = r->http;
	struct req	**pp;
	struct timespec	 t1;
	double		 secs;

	for (pp = &hp->streams; *pp != NULL; pp = &(*pp)->stream_next)
		if (*pp == r) {
			*pp = r->stream_next;
			break;
		}
	const char	*method = http_method_name(evhttp_request_get_command(r->ev));

	/* Gone: no on-complete callback will come for what was counted. */
	if (evhttp_request_get_connection(r->ev) == NULL && r->stream_counted)
		hp->unflushed--;
	/* May free the evhttp request (the answer written out): not used after. */
	evhttp_send_reply_end(r->ev);
	r->ev = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - r->t0.tv_sec) +
	    (double)(t1.tv_nsec - r->t0.tv_nsec) / 1e9;
	metrics_record(hp->metrics, r->name ? r->name : "(other)", method,
	    r->stream_status, secs);
	req_free(r);
	hp->inflight--;
	idle_check(hp);
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

/* max_body, for http-body.c. */
int
http_max_body(const struct req *r)
{
	return (r->http->cfg->max_body);
}

void
http_unavailable(struct req *r, const char *why)
{
	char	 secs[16];

	snprintf(secs, sizeof secs, "%d", r->http->cfg->retry_after);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Retry-After",
	    secs);
	http_problem(r, 503, "服务暂时不可用", why, NULL, NULL);
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
	if ((r->hooks != NULL ? r->hooks->query(r, sql, n, params, cb, arg) :
	    pool_query(r->http->pool, sql, n, params, cb, arg)) != 0) {
		http_unavailable(r, pool_alive(r->http->pool) ? "数据库繁忙，请稍后再试" :
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

/* ---------------------------------------------------------------- */
/* Requests and the listener */

static void	resume_accepting(evutil_socket_t, short, void *);

static int
stream_match(const char *method, const char *path, void *arg)
{
	struct http	*h = arg;

	return (h->stream_match != NULL && !h->closing &&
	    h->stream_match(method, path, h->stream_arg));
}

static void
gencb(struct evhttp_request *ev, void *arg)
{
	struct http		*h = arg;
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(ev);
	const char		*path, *query;
	struct req		*r;
	size_t			 len;

	r = xcalloc(1, sizeof *r);
	r->http = h;
	r->ev = ev;
	clock_gettime(CLOCK_MONOTONIC, &r->t0);
	h->inflight++;
	(void)track_connection(h, evhttp_request_get_connection(ev));
	if (evhttp_request_get_connection(ev) != NULL)
		r->upload = uploads_take(h->uploads, evhttp_connection_get_bufferevent(
		    evhttp_request_get_connection(ev)), evhttp_find_header(
		    evhttp_request_get_input_headers(ev), "X-Duban-Upload"));
	if (h->closing) {
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
	h->handler(r, h->handler_arg);
}

struct http *
http_new(struct event_base *base, const struct config *cfg, struct pool *pool,
    struct metrics *metrics)
{
	struct http	*h = xcalloc(1, sizeof *h);

	h->base = base;
	h->cfg = cfg;
	h->pool = pool;
	h->metrics = metrics;
	h->evhttp = evhttp_new(base);
	/* Every method libevent knows reaches the router, which answers
	 * one it does not route 405 (or 404) as problem+json. */
	evhttp_set_allowed_methods(h->evhttp, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_PATCH | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_TRACE |
	    EVHTTP_REQ_CONNECT);
	evhttp_set_gencb(h->evhttp, gencb, h);
	h->uploads = uploads_new(base, stream_match, h);
	uploads_set_conn_cbs(h->uploads, conn_opened, conn_gone, h);
	evhttp_set_bevcb(h->evhttp, uploads_bev, h->uploads);
	h->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	h->resume_ev = evtimer_new(base, resume_accepting, h);
	h->burst_ev = evtimer_new(base, burst_over, h);
	return (h);
}

void
http_set_stream_match(struct http *h, int (*fn)(const char *, const char *, void *),
    void *arg)
{
	h->stream_match = fn;
	h->stream_arg = arg;
}

void
http_upload_counts(struct http *h, size_t *held, int *active)
{
	uploads_counts(h->uploads, held, active);
}

void
http_set_handler(struct http *h, http_handler fn, void *arg)
{
	h->handler = fn;
	h->handler_arg = arg;
}

void
http_set_idle_cb(struct http *h, void (*fn)(void *), void *arg)
{
	h->idle_cb = fn;
	h->idle_arg = arg;
}

void
http_apply_limits(struct http *h)
{
	ev_ssize_t	hard = (ev_ssize_t)h->cfg->max_body * HARD_BODY_FACTOR;

	if (hard < (ev_ssize_t)h->cfg->max_fill_body + 4096)
		hard = (ev_ssize_t)h->cfg->max_fill_body + 4096;
	if (hard < (ev_ssize_t)h->cfg->max_plan_body + 4096)
		hard = (ev_ssize_t)h->cfg->max_plan_body + 4096;
	evhttp_set_max_body_size(h->evhttp, hard);
	evhttp_set_max_headers_size(h->evhttp, h->cfg->max_headers);
	evhttp_set_timeout(h->evhttp, h->cfg->http_timeout);
	uploads_limits(h->uploads, (size_t)h->cfg->upload_memory, h->cfg->upload_timeout,
	    (size_t)h->cfg->max_headers, h->cfg->max_per_client, h->cfg->header_timeout);
	if (!h->closing && h->connections < h->cfg->max_connections)
		set_listening(h, 1);
	else if (h->connections >= h->cfg->max_connections)
		set_listening(h, 0);
}

/*
 * accept() failed for want of descriptors: the pending connection would
 * make the listener fire again at once, spinning.  Shed it with the
 * reserve descriptor, and stop accepting for a moment (resume_accepting),
 * or until a connection closes.
 */
static struct http	*listener_owner;

static void
resume_accepting(evutil_socket_t fd, short what, void *arg)
{
	struct http	*h = arg;

	(void)fd;
	(void)what;
	if (h->reserve_fd < 0)
		h->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (!h->closing && h->connections < h->cfg->max_connections)
		set_listening(h, 1);
}

static void
accept_failed(struct evconnlistener *l, void *arg)
{
	struct http	*h = listener_owner;
	struct timeval	 tv = { 0, 200 * 1000 };
	int		 err = EVUTIL_SOCKET_ERROR(), fd;

	(void)arg;
	if (h == NULL)
		return;
	if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
		if (h->reserve_fd >= 0) {
			close(h->reserve_fd);
			h->reserve_fd = -1;
			if ((fd = accept(evconnlistener_get_fd(l), NULL, NULL)) >= 0) {
				close(fd);
				h->shed_fd++;
			}
		}
		log_warnx("文件描述符用尽（%s），暂停接受新连接", strerror(err));
	} else
		log_warnx("接受连接失败：%s", strerror(err));
	set_listening(h, 0);
	evtimer_add(h->resume_ev, &tv);
}

int
http_listen(struct http *h)
{
	char		*host, *colon;
	long		 port;

	host = xstrdup(h->cfg->listen);
	colon = strrchr(host, ':');
	*colon = '\0';
	port = strtol(colon + 1, NULL, 10);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	if (port < 0 || port > 65535 ||
	    (h->bound = evhttp_bind_socket_with_handle(h->evhttp, host,
	    (ev_uint16_t)port)) == NULL) {
		log_warn("无法在 %s 上监听", h->cfg->listen);
		free(host);
		return (-1);
	}
	free(host);
	h->listening = 1;
	evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(h->bound),
	    accept_failed);
	listener_owner = h;
	http_apply_limits(h);
	return (0);
}

void
http_bound_address(struct http *h, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof ss;
	char			 host[INET6_ADDRSTRLEN];
	int			 port;

	if (h->bound == NULL || getsockname(evhttp_bound_socket_get_fd(h->bound),
	    (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(buf, len, "%s", h->cfg->listen);
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

static void
stop_listening(struct http *h)
{
	if (h->bound != NULL) {
		evhttp_del_accept_socket(h->evhttp, h->bound);
		h->bound = NULL;
	}
	h->listening = 0;
}

void
http_close(struct http *h)
{
	h->closing = 1;
	stop_listening(h);
}

int
http_idle(struct http *h)
{
	return (h->inflight == 0 && h->unflushed <= 0);
}

void
http_counts(struct http *h, int *connections, int *inflight)
{
	*connections = h->connections;
	*inflight = h->inflight;
}

void
http_conn_stats(struct http *h, struct http_conn_stats *st)
{
	struct uploads_stats	 u;

	uploads_stats(h->uploads, &u);
	st->open = h->connections;
	st->waiting = u.open - u.asking;
	st->refused_client = u.refused_client;
	st->header_timeouts = u.header_timeouts;
	st->paused = h->paused;
	st->shed_fd = h->shed_fd;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	stop_listening(h);
	evhttp_free(h->evhttp);
	uploads_free(h->uploads);
	if (h->resume_ev != NULL)
		event_free(h->resume_ev);
	if (h->burst_ev != NULL)
		event_free(h->burst_ev);
	if (h->reserve_fd >= 0)
		close(h->reserve_fd);
	free(h->conns.v);
	free(h);
}
