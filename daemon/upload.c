/*
 * Request bodies that are never whole in memory (see upload.h): a filter
 * bufferevent in front of each connection that takes an upload's body
 * away from evhttp and hands it over in pieces, as asked.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>

#include "conn-errors.h"
#include "httphead.h"
#include "log.h"
#include "upload.h"
#include "xmalloc.h"

/* What the socket's buffer may hold before reading pauses. */
#define SOCKET_HIGH	(64 * 1024)
/* A head larger than this is evhttp's to refuse. */
#define LINE_MAX_BYTES	8192
/* Past this, a body answered before it was read is not worth reading. */
#define DISCARD_MAX	((int64_t)32 * 1024 * 1024)

enum ustate {
	U_HEAD,		/* at a request boundary: waiting for its first line */
	U_PASS,		/* not an upload: everything goes to evhttp */
	U_WAIT,		/* an upload's head went on; its body waits */
	U_BODY,		/* the body goes to the upload, piece by piece */
	U_AFTER,	/* the body was read; the answer is awaited */
	U_DISCARD,	/* the rest of a body answered early is dropped */
	U_DROP		/* a body that cannot be framed: dropped until close */
};

/* Connections from one address. */
struct client {
	char		 addr[INET6_ADDRSTRLEN];
	int		 n;
	struct client	*next;
};

struct uconn {
	struct uploads		*ups;
	struct event		*born;		/* its descriptor is known */
	struct event		*late;		/* a request's head is late */
	char			 addr[INET6_ADDRSTRLEN];
	int			 counted;	/* in its client's count */
	int			 asked;		/* a request arrived, unanswered */
	int			 begun;		/* a request's first bytes arrived */
	struct bufferevent	*bev;		/* the filter evhttp uses */
	struct bufferevent	*sock;		/* the socket's, under it */
	struct event		*flush;		/* output added before it was enabled */
	struct event		*writable;	/* the socket can take more */
	enum ustate		 state;
	int64_t			 remaining;	/* body bytes not read yet */
	struct upload		*up;		/* the body's upload, if any */
	struct uconn		*next;		/* hash chain */
};

struct upload {
	struct uploads		*ups;
	struct uconn		*conn;		/* NULL once the connection is gone */
	uint64_t		 nonce;
	int64_t			 length;
	const char		*problem;
	int			 expect;	/* the client waits for 100 Continue */
	int			 continued;	/* ... and was told to go on */
	int			 taken;		/* a request claimed it */
	int			 gone;
	struct evbuffer		*buf;
	size_t			 want;		/* the piece asked for; 0: none */
	size_t			 reserved;	/* counted in ups->held */
	upload_cb		 cb;
	void			*arg;
	struct event		*deliver;
	struct event		*deadline;
};

struct uploads {
	struct event_base	*base;
	upload_match_fn		 match;
	void			*arg;
	size_t			 memory;	/* cap on bytes held */
	size_t			 held;
	int			 active;
	int			 timeout;
	size_t			 max_headers;
	struct uconn		**tab;		/* connections by bev */
	size_t			 cap, n;
	int			 freed;		/* freed when its last connection is */
	/* Every connection, from its accept. */
	void			(*opened)(void *);
	void			(*closed)(void *);
	void			*cbarg;
	int			 per_client;	/* connections one address may hold */
	int			 header_timeout;	/* seconds for a request's head */
	struct uploads_stats	 stats;
	struct client		**clients;	/* by address */
	size_t			 nclients;
};

#define CLIENT_BUCKETS	1024

static unsigned
addr_hash(const char *s)
{
	unsigned	 h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return (h % CLIENT_BUCKETS);
}

/* One more connection from addr: its count now. */
static int
client_add(struct uploads *ups, const char *addr)
{
	struct client	*cl;
	unsigned	 b = addr_hash(addr);

	if (ups->clients == NULL)
		ups->clients = xcalloc(CLIENT_BUCKETS, sizeof *ups->clients);
	for (cl = ups->clients[b]; cl != NULL; cl = cl->next)
		if (strcmp(cl->addr, addr) == 0)
			return (++cl->n);
	cl = xcalloc(1, sizeof *cl);
	snprintf(cl->addr, sizeof cl->addr, "%s", addr);
	cl->n = 1;
	cl->next = ups->clients[b];
	ups->clients[b] = cl;
	ups->nclients++;
	return (1);
}

static void
client_del(struct uploads *ups, const char *addr)
{
	struct client	**pp, *cl;

	for (pp = &ups->clients[addr_hash(addr)]; (cl = *pp) != NULL; pp = &cl->next)
		if (strcmp(cl->addr, addr) == 0) {
			if (--cl->n == 0) {
				*pp = cl->next;
				free(cl);
				ups->nclients--;
			}
			return;
		}
}

static void
uploads_destroy(struct uploads *ups)
{
	free(ups->tab);
	free(ups->clients);
	free(ups);
}

/* ---------------------------------------------------------------- */
/* Connections by their bufferevent */

static size_t
bucket(const void *p, size_t cap)
{
	uintptr_t	 h = (uintptr_t)p;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return ((size_t)(h >> 7) & (cap - 1));
}

static void
conn_add(struct uploads *ups, struct uconn *c)
{
	struct uconn	**old = ups->tab, *x, *nx;
	size_t		  i, oldcap = ups->cap;

	if (ups->n + 1 > ups->cap) {
		ups->cap = ups->cap ? ups->cap * 2 : 64;
		ups->tab = xcalloc(ups->cap, sizeof *ups->tab);
		for (i = 0; i < oldcap; i++)
			for (x = old[i]; x != NULL; x = nx) {
				nx = x->next;
				x->next = ups->tab[bucket(x->bev, ups->cap)];
				ups->tab[bucket(x->bev, ups->cap)] = x;
			}
		free(old);
	}
	i = bucket(c->bev, ups->cap);
	c->next = ups->tab[i];
	ups->tab[i] = c;
	ups->n++;
}

static struct uconn *
conn_find(struct uploads *ups, const struct bufferevent *bev)
{
	struct uconn	*c;

	if (ups->cap == 0 || bev == NULL)
		return (NULL);
	for (c = ups->tab[bucket(bev, ups->cap)]; c != NULL; c = c->next)
		if (c->bev == bev)
			return (c);
	return (NULL);
}

static void
conn_del(struct uploads *ups, struct uconn *c)
{
	struct uconn	**pp;

	for (pp = &ups->tab[bucket(c->bev, ups->cap)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			ups->n--;
			return;
		}
}

/* ---------------------------------------------------------------- */
/* Uploads */

static void
unreserve(struct upload *u)
{
	if (u->reserved > 0) {
		u->ups->held -= u->reserved;
		u->ups->active--;
		u->reserved = 0;
	}
}

/* Calls the waiting callback, if any, from the loop. */
static void
schedule(struct upload *u)
{
	if (u->cb != NULL && !event_pending(u->deliver, EV_TIMEOUT, NULL))
		event_active(u->deliver, EV_TIMEOUT, 0);
}

static void
set_gone(struct upload *u)
{
	if (u->gone)
		return;
	u->gone = 1;
	if (u->conn != NULL) {
		u->conn->up = NULL;
		/* The connection is not to be trusted with another request. */
		u->conn->state = U_DROP;
		u->conn = NULL;
	}
	schedule(u);
}

static void
deliver(evutil_socket_t fd, short what, void *arg)
{
	struct upload		*u = arg;
	upload_cb		 cb = u->cb;
	size_t			 len = evbuffer_get_length(u->buf), n;
	int			 end;
	unsigned char		*data;

	(void)fd;
	(void)what;
	if (cb == NULL)
		return;
	end = u->conn == NULL || (u->conn->state != U_BODY);
	if (u->gone) {
		u->cb = NULL;
		cb(u, UPLOAD_GONE, NULL, 0, u->arg);
		return;
	}
	if (len < u->want && !end)
		return;		/* woken early: wait for the piece */
	n = len < u->want ? len : u->want;
	u->cb = NULL;
	/* Taken out first: cb may ask for the next piece, or release u. */
	data = xmalloc(n > 0 ? n : 1);
	evbuffer_remove(u->buf, data, n);
	cb(u, end && n == len ? UPLOAD_END : UPLOAD_MORE, data, n, u->arg);
	free(data);
}

static void
deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	set_gone(arg);
}

int64_t
upload_length(const struct upload *u)
{
	return (u->length);
}

const char *
upload_problem(const struct upload *u)
{
	return (u->problem);
}

int
upload_next(struct upload *u, size_t want, upload_cb cb, void *arg)
{
	struct uploads	*ups = u->ups;
	struct uconn	*c = u->conn;
	struct timeval	 tv;
	size_t		 need = 2 * want + SOCKET_HIGH;	/* buffer, piece */

	if (u->reserved == 0) {
		if (ups->held + need > ups->memory)
			return (-1);
		ups->held += need;
		ups->active++;
		u->reserved = need;
		tv.tv_sec = ups->timeout;
		tv.tv_usec = 0;
		evtimer_add(u->deadline, &tv);
	}
	u->want = want;
	u->cb = cb;
	u->arg = arg;
	if (c != NULL && c->state == U_WAIT) {
		c->state = c->remaining > 0 ? U_BODY : U_AFTER;
		if (u->expect && !u->continued && c->remaining > 0) {
			/*
			 * Straight to the socket: nothing else is being written
			 * (the answer before was written out, the next is not
			 * begun), and evhttp must not take it for an answer.
			 */
			static const char go[] = "HTTP/1.1 100 Continue\r\n\r\n";

			if (send(bufferevent_getfd(c->sock), go, sizeof go - 1,
			    MSG_NOSIGNAL) == (ssize_t)sizeof go - 1)
				u->continued = 1;
		}
	}
	if (c != NULL && c->state == U_BODY) {
		/* evhttp stopped reading while it waits for the answer. */
		bufferevent_enable(c->bev, EV_READ);
		bufferevent_flush(c->bev, EV_READ, BEV_NORMAL);
	}
	schedule(u);
	return (0);
}

void
upload_release(struct upload *u)
{
	if (u == NULL)
		return;
	if (u->conn != NULL && u->conn->up == u)
		u->conn->up = NULL;
	unreserve(u);
	event_free(u->deliver);
	event_free(u->deadline);
	evbuffer_free(u->buf);
	free(u);
}

static struct upload *
upload_new(struct uconn *c, int64_t length, int expect, const char *problem)
{
	struct upload	*u = xcalloc(1, sizeof *u);

	u->ups = c->ups;
	u->conn = c;
	u->length = length;
	u->expect = expect;
	u->problem = problem;
	arc4random_buf(&u->nonce, sizeof u->nonce);
	u->buf = evbuffer_new();
	u->deliver = event_new(c->ups->base, -1, 0, deliver, u);
	u->deadline = evtimer_new(c->ups->base, deadline, u);
	return (u);
}

/* ---------------------------------------------------------------- */
/* The filter */

/*
 * The head (len bytes at p) of an upload request: passed to dst rewritten
 * (httphead.h), the upload made.
 */
static void
take_head(struct uconn *c, const char *p, size_t len, struct evbuffer *dst)
{
	struct httphead	 hh;
	struct upload	*u;
	char		 mark[64];

	u = upload_new(c, 0, 0, NULL);
	snprintf(mark, sizeof mark, "X-Duban-Upload: %016" PRIx64, u->nonce);
	httphead_parse(p, len, mark, &hh);
	u->length = hh.problem ? -1 : hh.length;
	u->expect = hh.expect;
	u->problem = hh.problem;
	evbuffer_add(dst, hh.rewritten, hh.len);
	httphead_free(&hh);
	c->up = u;
	c->remaining = u->problem ? 0 : u->length;
	c->state = u->problem ? U_DROP : U_WAIT;
}

static enum bufferevent_filter_result
at_boundary(struct uconn *c, struct evbuffer *src, struct evbuffer *dst)
{
	struct evbuffer_ptr	 p;
	size_t			 eol_len, len = evbuffer_get_length(src), at, n;
	char			*line, *sp, *sp2, *q, *head;

	p = evbuffer_search_eol(src, NULL, &eol_len, EVBUFFER_EOL_CRLF);
	if (p.pos < 0) {
		if (len > LINE_MAX_BYTES)
			goto pass;
		return (BEV_NEED_MORE);
	}
	if ((size_t)p.pos > LINE_MAX_BYTES)
		goto pass;
	line = xmalloc((size_t)p.pos + 1);
	evbuffer_copyout(src, line, (size_t)p.pos);
	line[p.pos] = '\0';
	if ((sp = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp + 1, ' ')) == NULL) {
		free(line);
		goto pass;
	}
	*sp = *sp2 = '\0';
	if ((q = strchr(sp + 1, '?')) != NULL)
		*q = '\0';
	if (!c->ups->match(line, sp + 1, c->ups->arg)) {
		free(line);
		goto pass;
	}
	free(line);

	/* An upload: its whole head, up to the empty line. */
	at = (size_t)p.pos + eol_len;
	for (;;) {
		struct evbuffer_ptr	 start;

		if (evbuffer_ptr_set(src, &start, at, EVBUFFER_PTR_SET) != 0)
			return (BEV_NEED_MORE);
		p = evbuffer_search_eol(src, &start, &eol_len, EVBUFFER_EOL_CRLF);
		if (p.pos < 0) {
			if (len > c->ups->max_headers)
				goto pass;
			return (BEV_NEED_MORE);
		}
		n = (size_t)p.pos - at;
		at = (size_t)p.pos + eol_len;
		if (at > c->ups->max_headers)
			goto pass;
		if (n == 0)
			break;
	}
	head = xmalloc(at + 1);
	evbuffer_remove(src, head, at);
	head[at] = '\0';
	take_head(c, head, at, dst);
	free(head);
	return (BEV_OK);

pass:
	c->state = U_PASS;
	evbuffer_add_buffer(dst, src);
	return (BEV_OK);
}

static void	arm_late(struct uconn *);

static enum bufferevent_filter_result
filter_in(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct uconn	*c = arg;
	struct upload	*u = c->up;
	size_t		 len = evbuffer_get_length(src), n, have;

	(void)limit;
	(void)mode;
	/* A request's first byte: its head has header_timeout to come in. */
	if (!c->asked && len > 0 && !c->begun &&
	    (c->state == U_HEAD || c->state == U_PASS)) {
		c->begun = 1;
		arm_late(c);
	}
	switch (c->state) {
	case U_HEAD:
		return (at_boundary(c, src, dst));
	case U_PASS:
		evbuffer_add_buffer(dst, src);
		return (BEV_OK);
	case U_WAIT:
	case U_AFTER:
		return (BEV_NEED_MORE);
	case U_BODY:
		if (u == NULL || len == 0)
			return (BEV_NEED_MORE);
		have = evbuffer_get_length(u->buf);
		if (have >= u->want)
			return (BEV_NEED_MORE);
		n = u->want - have;
		if ((int64_t)n > c->remaining)
			n = (size_t)c->remaining;
		if (n > len)
			n = len;
		evbuffer_remove_buffer(src, u->buf, n);
		c->remaining -= (int64_t)n;
		if (c->remaining == 0)
			c->state = U_AFTER;
		if (evbuffer_get_length(u->buf) >= u->want || c->remaining == 0)
			schedule(u);
		return (n > 0 ? BEV_OK : BEV_NEED_MORE);
	case U_DISCARD:
		n = (int64_t)len > c->remaining ? (size_t)c->remaining : len;
		evbuffer_drain(src, n);
		c->remaining -= (int64_t)n;
		if (c->remaining == 0)
			c->state = U_HEAD;
		return (n > 0 ? BEV_OK : BEV_NEED_MORE);
	case U_DROP:
		evbuffer_drain(src, len);
		return (BEV_NEED_MORE);
	}
	return (BEV_ERROR);
}

/*
 * Output: written to the socket here, not through the socket's buffer.
 * A filter tells evhttp its answer is written as soon as the filter has
 * passed it on; had it gone to the socket's buffer, evhttp would then
 * close a Connection: close connection with the answer still in it.
 * So the filter passes nothing on: it writes what the socket takes, and
 * what stays waits for the socket to be writable (c->writable).
 */
static void	flush_out(evutil_socket_t, short, void *);

/*
 * One of libevent's own error pages at the head of what is to be written
 * (conn-errors.h): replaced by its problem+json.  Cheap for anything
 * else: the first piece is looked at, and only an error status is read
 * further.  Called with the buffer's callbacks off (the filter's).
 */
static void
libevent_page(struct evbuffer *src)
{
	struct evbuffer_iovec	 v;
	size_t			 len, used, outlen;
	char			*out;
	const char		*p;

	if (evbuffer_peek(src, -1, NULL, &v, 1) < 1 || v.iov_len < 12)
		return;
	p = v.iov_base;
	if (strncmp(p, "HTTP/1.", 7) != 0 || (p[9] != '4' && p[9] != '5'))
		return;
	len = evbuffer_get_length(src);
	if (len > 4096)
		len = 4096;	/* libevent's pages are a few hundred bytes */
	if ((p = (const char *)evbuffer_pullup(src, (ev_ssize_t)len)) == NULL ||
	    (out = conn_error_rewrite(p, len, &used, &outlen)) == NULL)
		return;
	evbuffer_drain(src, used);
	evbuffer_prepend(src, out, outlen);
	free(out);
}

static enum bufferevent_filter_result
filter_out(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t limit,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct uconn		*c = arg;
	struct evbuffer_iovec	 v[16];
	struct msghdr		 msg;
	evutil_socket_t		 fd = bufferevent_getfd(c->sock);
	ssize_t			 w;
	int			 n, wrote = 0;

	(void)dst;
	(void)limit;
	(void)mode;
	libevent_page(src);
	while (evbuffer_get_length(src) > 0) {
		n = evbuffer_peek(src, 1024 * 1024, NULL, v, 16);
		if (n > 16)
			n = 16;
		memset(&msg, 0, sizeof msg);
		msg.msg_iov = (struct iovec *)v;
		msg.msg_iovlen = (size_t)n;
		w = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (w > 0) {
			evbuffer_drain(src, (size_t)w);
			wrote = 1;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (event_get_fd(c->writable) != fd) {
				event_del(c->writable);
				event_assign(c->writable, c->ups->base, fd, EV_WRITE,
				    flush_out, c);
			}
			event_add(c->writable, NULL);
			break;
		}
		/* The client is gone: evhttp hears of it as a write error. */
		evbuffer_drain(src, evbuffer_get_length(src));
		bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR | BEV_EVENT_WRITING,
		    BEV_TRIG_DEFER_CALLBACKS);
		return (BEV_ERROR);
	}
	return (wrote ? BEV_OK : BEV_NEED_MORE);
}

static void
flush_out(evutil_socket_t fd, short what, void *arg)
{
	struct uconn	*c = arg;

	(void)fd;
	(void)what;
	bufferevent_flush(c->bev, EV_WRITE, BEV_NORMAL);
}

/* evhttp adds its answer, then enables writing: write it out after. */
static void
out_added(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
	struct uconn	*c = arg;

	(void)buf;
	if (info->n_added > 0 && !event_pending(c->flush, EV_TIMEOUT, NULL))
		event_active(c->flush, EV_TIMEOUT, 0);
}

/*
 * Refuses a connection no request of which is being answered: an
 * answer straight to the socket, then evhttp is told the connection
 * failed, and frees it.
 */
static void
shed(struct uconn *c, int status, const char *title, const char *detail)
{
	char	*body, *msg;

	if (status == 0)
		goto close;
	body = xprintf("{\"type\":\"urn:duban:problem:%d\",\"title\":\"%s\",\"status\":%d,"
	    "\"detail\":\"%s\"}", status, title, status, detail);
	msg = xprintf("HTTP/1.1 %d %s\r\nContent-Type: application/problem+json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s", status,
	    status == 408 ? "Request Timeout" : "Service Unavailable", strlen(body),
	    status == 503 ? "Retry-After: 5\r\n" : "", body);
	(void)send(bufferevent_getfd(c->sock), msg, strlen(msg), MSG_NOSIGNAL | MSG_DONTWAIT);
	free(msg);
	free(body);
close:
	c->state = U_DROP;
	bufferevent_trigger_event(c->bev, BEV_EVENT_ERROR | BEV_EVENT_READING,
	    BEV_TRIG_DEFER_CALLBACKS);
}

/* The descriptor is set: whose connection is it? */
static void
born(evutil_socket_t unused, short what, void *arg)
{
	struct uconn		*c = arg;
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	evutil_socket_t		 fd = bufferevent_getfd(c->sock);

	(void)unused;
	(void)what;
	if (fd < 0 || getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, c->addr,
		    sizeof c->addr);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, c->addr,
		    sizeof c->addr);
	else
		snprintf(c->addr, sizeof c->addr, "local");
	c->counted = 1;
	if (client_add(c->ups, c->addr) > c->ups->per_client && !c->asked) {
		c->ups->stats.refused_client++;
		log_warnx("来自 %s 的连接超过每个地址 %d 个的上限，已关闭", c->addr,
		    c->ups->per_client);
		/* Closed without a word: nothing was asked, and a client that
		 * sends a request later would take an answer for its own. */
		shed(c, 0, NULL, NULL);
	}
}

/* A request's head did not come in time (slow or silent clients). */
static void
late(evutil_socket_t fd, short what, void *arg)
{
	struct uconn	*c = arg;

	(void)fd;
	(void)what;
	if (c->asked)
		return;
	c->ups->stats.header_timeouts++;
	log_notice("%s 的请求头未在 %d 秒内收全，已断开", *c->addr ? c->addr : "客户端",
	    c->ups->header_timeout);
	/*
	 * A request begun and not finished is answered 408; a connection
	 * that sent nothing (a browser's spare, kept for later) is closed
	 * without a word, as a browser expects of an idle one.
	 */
	if (c->begun)
		shed(c, 408, "请求超时", "请求头未在规定时间内收全");
	else
		shed(c, 0, NULL, NULL);
}

static void
arm_late(struct uconn *c)
{
	struct timeval	 tv = { c->ups->header_timeout, 0 };

	evtimer_add(c->late, &tv);
}

static void
set_asked(struct uconn *c, int on)
{
	c->begun = 0;
	if (c->asked == on)
		return;
	c->asked = on;
	c->ups->stats.asking += on ? 1 : -1;
	if (on)
		evtimer_del(c->late);
}

static void
conn_free(void *arg)
{
	struct uconn	*c = arg;

	event_free(c->flush);
	event_free(c->writable);
	event_free(c->born);
	event_free(c->late);
	set_asked(c, 0);
	if (c->counted)
		client_del(c->ups, c->addr);
	c->ups->stats.open--;
	if (c->ups->closed != NULL)
		c->ups->closed(c->ups->cbarg);

	if (c->up != NULL) {
		if (c->up->taken)
			set_gone(c->up);
		else
			upload_release(c->up);
	}
	conn_del(c->ups, c);
	/* A connection's bufferevent may be finalized after evhttp is gone. */
	if (c->ups->freed && c->ups->n == 0)
		uploads_destroy(c->ups);
	free(c);
}

struct bufferevent *
uploads_bev(struct event_base *base, void *arg)
{
	struct uploads		*ups = arg;
	struct bufferevent	*sock, *bev;
	struct uconn		*c;

	if ((sock = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE)) == NULL)
		return (NULL);
	c = xcalloc(1, sizeof *c);
	c->ups = ups;
	c->state = U_HEAD;
	c->sock = sock;
	bev = bufferevent_filter_new(sock, filter_in, filter_out, BEV_OPT_CLOSE_ON_FREE,
	    conn_free, c);
	if (bev == NULL) {
		bufferevent_free(sock);
		free(c);
		return (NULL);
	}
	c->bev = bev;
	c->flush = event_new(base, -1, 0, flush_out, c);
	/* Its descriptor is set later (evhttp sets it): assigned on use. */
	c->writable = event_new(base, -1, 0, flush_out, c);
	evbuffer_add_cb(bufferevent_get_output(bev), out_added, c);
	c->born = event_new(base, -1, 0, born, c);
	c->late = evtimer_new(base, late, c);
	event_active(c->born, EV_TIMEOUT, 0);
	arm_late(c);
	ups->stats.open++;
	if (ups->opened != NULL)
		ups->opened(ups->cbarg);
	conn_add(ups, c);
	/* evhttp is called only with bytes to read, never for an upload's. */
	bufferevent_setwatermark(bev, EV_READ, 1, 0);
	bufferevent_setwatermark(sock, EV_READ, 0, SOCKET_HIGH);
	return (bev);
}

struct upload *
uploads_take(struct uploads *ups, struct bufferevent *bev, const char *nonce)
{
	struct uconn	*c = conn_find(ups, bev);
	char		 want[17];

	if (c == NULL || c->up == NULL || c->up->taken || nonce == NULL)
		return (NULL);
	snprintf(want, sizeof want, "%016" PRIx64, c->up->nonce);
	if (strcmp(want, nonce) != 0)
		return (NULL);
	c->up->taken = 1;
	return (c->up);
}

int
uploads_answering(struct uploads *ups, struct bufferevent *bev, struct upload *u)
{
	struct uconn	*c = conn_find(ups, bev);

	if (c == NULL)
		return (0);
	set_asked(c, 0);
	if (u != NULL && c->up == u) {
		c->up = NULL;
		u->conn = NULL;
		switch (c->state) {
		case U_WAIT:
		case U_BODY:
			/* Answered before the body was read. */
			if (u->expect && !u->continued) {
				c->state = U_DROP;
				return (1);
			}
			if (c->remaining > DISCARD_MAX) {
				c->state = U_DROP;
				return (1);
			}
			c->state = c->remaining > 0 ? U_DISCARD : U_HEAD;
			if (c->remaining > 0)
				bufferevent_enable(c->bev, EV_READ);
			return (0);
		case U_AFTER:
			c->state = U_HEAD;
			return (0);
		default:
			return (c->state == U_DROP);
		}
	}
	if (c->state == U_DROP)
		return (1);
	/* Back at a boundary only where evhttp has consumed all it was given. */
	if (c->state == U_PASS &&
	    evbuffer_get_length(bufferevent_get_input(c->bev)) == 0)
		c->state = U_HEAD;
	return (0);
}

struct uploads *
uploads_new(struct event_base *base, upload_match_fn match, void *arg)
{
	struct uploads	*ups = xcalloc(1, sizeof *ups);

	ups->base = base;
	ups->match = match;
	ups->arg = arg;
	ups->memory = 64 * 1024 * 1024;
	ups->timeout = 600;
	ups->max_headers = 16384;
	ups->per_client = 64;
	ups->header_timeout = 10;
	return (ups);
}

void
uploads_limits(struct uploads *ups, size_t memory, int timeout, size_t max_headers,
    int per_client, int header_timeout)
{
	ups->memory = memory;
	ups->timeout = timeout;
	ups->max_headers = max_headers;
	ups->per_client = per_client;
	ups->header_timeout = header_timeout;
}

void
uploads_set_conn_cbs(struct uploads *ups, void (*opened)(void *),
    void (*closed)(void *), void *arg)
{
	ups->opened = opened;
	ups->closed = closed;
	ups->cbarg = arg;
}

void
uploads_stats(struct uploads *ups, struct uploads_stats *st)
{
	*st = ups->stats;
}

void
uploads_request(struct uploads *ups, struct bufferevent *bev)
{
	struct uconn	*c = conn_find(ups, bev);

	if (c != NULL)
		set_asked(c, 1);
}

void
uploads_counts(struct uploads *ups, size_t *held, int *active)
{
	*held = ups->held;
	*active = ups->active;
}

void
uploads_free(struct uploads *ups)
{
	if (ups == NULL)
		return;
	ups->freed = 1;
	/* Whoever heard of closed connections (http.c) is gone too. */
	ups->closed = NULL;
	if (ups->n == 0)
		uploads_destroy(ups);
}
