#include <sys/queue.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <event2/util.h>

#include "log.h"
#include "pool.h"
#include "xmalloc.h"

#define BACKOFF_MIN_MS		100
#define BACKOFF_MAX_MS		5000
#define CONNECT_TIMEOUT_MS	10000

struct pq_query {
	TAILQ_ENTRY(pq_query)	 entry;
	char			*sql;
	int			 n;
	char			**params;
	pool_cb			 cb;
	void			*arg;
};
TAILQ_HEAD(pq_queue, pq_query);

enum conn_state {
	C_DOWN,		/* waiting to reconnect */
	C_RESOLVING,	/* evdns lookup of the host name */
	C_CONNECTING,	/* PQconnectPoll */
	C_SETUP,	/* running setup_sql */
	C_IDLE,
	C_BUSY
};

struct pconn {
	struct pool		*pool;
	int			 idx;
	enum conn_state		 state;
	PGconn			*pg;
	struct event		*io;
	struct event		*timer;		/* reconnect, connect or query timeout */
	struct pq_query		*q;		/* in flight */
	PGresult		*res;
	int			 backoff_ms;
	struct evdns_getaddrinfo_request *dns;
};

struct pool {
	struct event_base	*base;
	struct evdns_base	*dns;
	char			*conninfo;
	char			*dns_host;	/* host name to resolve, or NULL */
	char			*appname;
	char			*setup_sql;
	void			(*notify_cb)(const char *, const char *, void *);
	void			(*state_cb)(int, void *);
	void			*arg;
	struct pconn		*conns;
	int			 size;
	int			 alive;
	struct pq_queue		 queue;
	int			 queued;
	int			 queue_max;
	int			 timeout_ms;
	int			 freeing;
	unsigned long long	 queries, failures, reconnects;
};

static void	conn_start(struct pconn *);
static void	conn_fail(struct pconn *, const char *);
static void	dispatch(struct pool *);

static void
query_free(struct pq_query *q)
{
	int	 i;

	for (i = 0; i < q->n; i++)
		free(q->params[i]);
	free(q->params);
	free(q->sql);
	free(q);
}

static void
deliver(struct pool *p, struct pq_query *q, PGresult *res, const char *err)
{
	p->queries++;
	if (res == NULL)
		p->failures++;
	q->cb(res, err, q->arg);
	query_free(q);
}

static struct timeval
ms_tv(int ms)
{
	struct timeval	 tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	return (tv);
}

/* ---------------------------------------------------------------- */
/* Events on the connection's current socket */

static void	io_cb(evutil_socket_t, short, void *);

static void
arm(struct pconn *c, short what)
{
	event_del(c->io);
	event_assign(c->io, c->pool->base, PQsocket(c->pg), what, io_cb, c);
	event_add(c->io, NULL);
}

/* After sending: read always, and write while libpq has data queued. */
static int
arm_flush(struct pconn *c)
{
	int	 r = PQflush(c->pg);

	if (r == -1)
		return (-1);
	arm(c, r == 1 ? EV_READ | EV_WRITE : EV_READ);
	return (0);
}

static void
drain_notifies(struct pconn *c)
{
	PGnotify	*n;

	while ((n = PQnotifies(c->pg)) != NULL) {
		if (c->pool->notify_cb != NULL)
			c->pool->notify_cb(n->relname, n->extra, c->pool->arg);
		PQfreemem(n);
	}
}

/*
 * Reads what arrived.  Returns 1 when the statement in flight is done
 * (its result in c->res), 0 when more is to come, -1 on a broken
 * connection.
 */
static int
read_results(struct pconn *c)
{
	PGresult	*r;

	if (!PQconsumeInput(c->pg))
		return (-1);
	drain_notifies(c);
	while (!PQisBusy(c->pg)) {
		if ((r = PQgetResult(c->pg)) == NULL)
			return (1);
		/* One statement, one result; keep the last if there are more. */
		PQclear(c->res);
		c->res = r;
	}
	return (0);
}

static void
set_alive(struct pool *p, int delta)
{
	int	 was = p->alive;

	p->alive += delta;
	if ((was == 0) != (p->alive == 0) && p->state_cb != NULL && !p->freeing)
		p->state_cb(p->alive, p->arg);
}

static void
fail_queue(struct pool *p, const char *why)
{
	struct pq_query	*q;

	while ((q = TAILQ_FIRST(&p->queue)) != NULL) {
		TAILQ_REMOVE(&p->queue, q, entry);
		p->queued--;
		deliver(p, q, NULL, why);
	}
}

static void
send_query(struct pconn *c, struct pq_query *q)
{
	struct timeval	 tv = ms_tv(c->pool->timeout_ms);

	if (!PQsendQueryParams(c->pg, q->sql, q->n, NULL,
	    (const char *const *)q->params, NULL, NULL, 0)) {
		/* Not sent: its fate is known, so it may wait for another. */
		TAILQ_INSERT_HEAD(&c->pool->queue, q, entry);
		c->pool->queued++;
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	c->q = q;
	c->state = C_BUSY;
	evtimer_add(c->timer, &tv);
	if (arm_flush(c) != 0)
		conn_fail(c, PQerrorMessage(c->pg));
}

static void
became_idle(struct pconn *c)
{
	c->state = C_IDLE;
	evtimer_del(c->timer);
	arm(c, EV_READ);
}

static void
io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pconn		*c = arg;
	struct pool		*p = c->pool;
	PostgresPollingStatusType st;
	struct pq_query		*q;
	PGresult		*res;
	int			 r;

	(void)fd;
	switch (c->state) {
	case C_CONNECTING:
		st = PQconnectPoll(c->pg);
		if (st == PGRES_POLLING_READING)
			arm(c, EV_READ);
		else if (st == PGRES_POLLING_WRITING)
			arm(c, EV_WRITE);
		else if (st == PGRES_POLLING_FAILED)
			conn_fail(c, PQerrorMessage(c->pg));
		else {
			PQsetnonblocking(c->pg, 1);
			c->backoff_ms = BACKOFF_MIN_MS;
			if (p->setup_sql == NULL) {
				became_idle(c);
				set_alive(p, 1);
				dispatch(p);
				return;
			}
			c->state = C_SETUP;
			/* Our own fixed statement, no parameters. */
			if (!PQsendQuery(c->pg, p->setup_sql) || arm_flush(c) != 0)
				conn_fail(c, PQerrorMessage(c->pg));
		}
		return;
	case C_SETUP:
		if ((what & EV_WRITE) && arm_flush(c) != 0) {
			conn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		if ((r = read_results(c)) == -1)
			conn_fail(c, PQerrorMessage(c->pg));
		else if (r == 1) {
			if (PQresultStatus(c->res) != PGRES_COMMAND_OK &&
			    PQresultStatus(c->res) != PGRES_TUPLES_OK) {
				conn_fail(c, PQresultErrorMessage(c->res));
				return;
			}
			PQclear(c->res);
			c->res = NULL;
			became_idle(c);
			set_alive(p, 1);
			dispatch(p);
		}
		return;
	case C_IDLE:
		/* Notifications, or the server closing the connection. */
		if (!PQconsumeInput(c->pg) || PQstatus(c->pg) == CONNECTION_BAD) {
			conn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		drain_notifies(c);
		arm(c, EV_READ);
		return;
	case C_BUSY:
		if ((what & EV_WRITE) && (r = PQflush(c->pg)) != 0) {
			if (r == -1)
				conn_fail(c, PQerrorMessage(c->pg));
			else
				arm(c, EV_READ | EV_WRITE);
			if (r == -1 || !(what & EV_READ))
				return;
		}
		if ((r = read_results(c)) == -1) {
			conn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		if (r == 0) {
			arm(c, EV_READ);
			return;
		}
		q = c->q;
		res = c->res;
		c->q = NULL;
		c->res = NULL;
		became_idle(c);
		/* The callback may queue more; this connection is free for it. */
		deliver(p, q, res, NULL);
		PQclear(res);
		dispatch(p);
		return;
	case C_DOWN:
	case C_RESOLVING:
		return;
	}
}

/* ---------------------------------------------------------------- */
/* Connecting */

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pconn	*c = arg;
	char		 msg[64];

	(void)fd;
	(void)what;
	switch (c->state) {
	case C_DOWN:
		conn_start(c);
		break;
	case C_BUSY:
		snprintf(msg, sizeof msg, "查询超时（%d 毫秒）", c->pool->timeout_ms);
		conn_fail(c, msg);
		break;
	default:
		conn_fail(c, "连接数据库超时");
		break;
	}
}

static void
conn_connect(struct pconn *c, const char *hostaddr)
{
	struct pool	*p = c->pool;
	const char	*keys[8], *vals[8];
	struct timeval	 tv = ms_tv(CONNECT_TIMEOUT_MS);
	char		 opts[160];
	int		 n = 0;

	snprintf(opts, sizeof opts, "-c TimeZone=Asia/Shanghai -c DateStyle=ISO "
	    "-c client_min_messages=warning -c statement_timeout=%d",
	    p->timeout_ms);
	keys[n] = "dbname";		vals[n++] = p->conninfo;
	keys[n] = "application_name";	vals[n++] = p->appname;
	keys[n] = "client_encoding";	vals[n++] = "UTF8";
	keys[n] = "options";		vals[n++] = opts;
	if (hostaddr != NULL) {
		keys[n] = "hostaddr";	vals[n++] = hostaddr;
	}
	keys[n] = NULL;
	vals[n] = NULL;

	c->pg = PQconnectStartParams(keys, vals, 1);
	if (c->pg == NULL || PQstatus(c->pg) == CONNECTION_BAD) {
		conn_fail(c, c->pg ? PQerrorMessage(c->pg) : "内存不足");
		return;
	}
	c->state = C_CONNECTING;
	evtimer_add(c->timer, &tv);
	/* As libpq says: start as if PQconnectPoll had asked to write. */
	arm(c, EV_WRITE);
}

static void
dns_cb(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct pconn	*c = arg;
	char		 addr[INET6_ADDRSTRLEN];
	const void	*src;

	c->dns = NULL;
	if (err != 0 || ai == NULL) {
		char	 msg[256];

		if (err == EVUTIL_EAI_CANCEL)
			return;
		snprintf(msg, sizeof msg, "无法解析数据库主机名“%s”：%s",
		    c->pool->dns_host, evutil_gai_strerror(err));
		if (ai != NULL)
			evutil_freeaddrinfo(ai);
		conn_fail(c, msg);
		return;
	}
	if (ai->ai_family == AF_INET6)
		src = &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
	else
		src = &((struct sockaddr_in *)ai->ai_addr)->sin_addr;
	evutil_inet_ntop(ai->ai_family, src, addr, sizeof addr);
	evutil_freeaddrinfo(ai);
	conn_connect(c, addr);
}

static void
conn_start(struct pconn *c)
{
	struct evutil_addrinfo	 hints;
	struct timeval		 tv = ms_tv(CONNECT_TIMEOUT_MS);

	c->pool->reconnects++;
	if (c->pool->dns_host == NULL) {
		conn_connect(c, NULL);
		return;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	c->state = C_RESOLVING;
	evtimer_add(c->timer, &tv);
	c->dns = evdns_getaddrinfo(c->pool->dns, c->pool->dns_host, NULL, &hints,
	    dns_cb, c);
}

static void
conn_fail(struct pconn *c, const char *why)
{
	struct pool	*p = c->pool;
	struct timeval	 tv;
	struct pq_query	*q = c->q;
	int		 was_alive = c->state == C_IDLE || c->state == C_BUSY;
	char		*msg = xstrdup(why ? why : "");

	msg[strcspn(msg, "\n")] = '\0';
	if (!p->freeing)
		log_warnx("数据库连接 %d：%s", c->idx, msg);
	if (c->dns != NULL) {
		evdns_getaddrinfo_cancel(c->dns);
		c->dns = NULL;
	}
	event_del(c->io);
	evtimer_del(c->timer);
	PQclear(c->res);
	c->res = NULL;
	if (c->pg != NULL)
		PQfinish(c->pg);
	c->pg = NULL;
	c->q = NULL;
	c->state = C_DOWN;
	if (!p->freeing) {
		tv = ms_tv(c->backoff_ms);
		evtimer_add(c->timer, &tv);
		c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ?
		    BACKOFF_MAX_MS : c->backoff_ms * 2;
	}
	if (was_alive)
		set_alive(p, -1);
	if (q != NULL)
		deliver(p, q, NULL, "数据库连接中断，结果未知");
	if (p->alive == 0)
		fail_queue(p, "数据库不可用");
	free(msg);
}

/* ---------------------------------------------------------------- */

static void
dispatch(struct pool *p)
{
	struct pq_query	*q;
	int		 i;

	for (i = 0; i < p->size && !TAILQ_EMPTY(&p->queue); i++) {
		if (p->conns[i].state != C_IDLE)
			continue;
		q = TAILQ_FIRST(&p->queue);
		TAILQ_REMOVE(&p->queue, q, entry);
		p->queued--;
		send_query(&p->conns[i], q);
	}
}

/* A host name that needs a lookup: not a socket directory, not numeric. */
static char *
needs_dns(const char *conninfo)
{
	PQconninfoOption	*opts, *o;
	const char		*host = NULL, *hostaddr = NULL;
	char			*out = NULL, *err = NULL;
	unsigned char		 buf[sizeof(struct in6_addr)];

	if ((opts = PQconninfoParse(conninfo, &err)) == NULL) {
		PQfreemem(err);
		return (NULL);	/* libpq will say what is wrong */
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "hostaddr") == 0)
			hostaddr = o->val;
	}
	if (host != NULL && *host != '\0' && host[0] != '/' && host[0] != '@' &&
	    (hostaddr == NULL || *hostaddr == '\0') &&
	    strchr(host, ',') == NULL && inet_pton(AF_INET, host, buf) != 1 &&
	    inet_pton(AF_INET6, host, buf) != 1)
		out = xstrdup(host);
	PQconninfoFree(opts);
	return (out);
}

struct pool *
pool_new(struct event_base *base, const struct pool_opts *o)
{
	struct pool	*p = xcalloc(1, sizeof *p);
	int		 i;

	p->base = base;
	p->conninfo = xstrdup(o->conninfo);
	p->dns_host = needs_dns(o->conninfo);
	if (p->dns_host != NULL)
		p->dns = evdns_base_new(base, EVDNS_BASE_INITIALIZE_NAMESERVERS);
	p->appname = xstrdup(o->application_name ? o->application_name : "duband");
	p->setup_sql = o->setup_sql ? xstrdup(o->setup_sql) : NULL;
	p->notify_cb = o->notify_cb;
	p->state_cb = o->state_cb;
	p->arg = o->arg;
	p->size = o->size;
	p->queue_max = o->queue_max;
	p->timeout_ms = o->query_timeout_ms;
	TAILQ_INIT(&p->queue);
	p->conns = xcalloc((size_t)p->size, sizeof *p->conns);
	for (i = 0; i < p->size; i++) {
		struct pconn *c = &p->conns[i];

		c->pool = p;
		c->idx = i;
		c->backoff_ms = BACKOFF_MIN_MS;
		c->io = event_new(base, -1, 0, io_cb, c);
		c->timer = evtimer_new(base, timer_cb, c);
		conn_start(c);
	}
	return (p);
}

int
pool_query(struct pool *p, const char *sql, int n, const char *const *params,
    pool_cb cb, void *arg)
{
	struct pq_query	*q;
	int		 i;

	if (p->freeing || p->alive == 0 || p->queued >= p->queue_max)
		return (-1);
	q = xcalloc(1, sizeof *q);
	q->sql = xstrdup(sql);
	q->n = n;
	q->params = xcalloc((size_t)(n > 0 ? n : 1), sizeof *q->params);
	for (i = 0; i < n; i++)
		q->params[i] = params[i] ? xstrdup(params[i]) : NULL;
	q->cb = cb;
	q->arg = arg;
	TAILQ_INSERT_TAIL(&p->queue, q, entry);
	p->queued++;
	dispatch(p);
	return (0);
}

void
pool_reconfigure(struct pool *p, const char *conninfo, int queue_max,
    int query_timeout_ms)
{
	p->queue_max = queue_max;
	p->timeout_ms = query_timeout_ms;
	if (strcmp(p->conninfo, conninfo) != 0) {
		free(p->conninfo);
		p->conninfo = xstrdup(conninfo);
		free(p->dns_host);
		p->dns_host = needs_dns(conninfo);
		if (p->dns_host != NULL && p->dns == NULL)
			p->dns = evdns_base_new(p->base,
			    EVDNS_BASE_INITIALIZE_NAMESERVERS);
	}
}

void
pool_stats(struct pool *p, struct pool_stats *s)
{
	int	 i;

	memset(s, 0, sizeof *s);
	s->size = p->size;
	s->alive = p->alive;
	s->queued = p->queued;
	for (i = 0; i < p->size; i++)
		if (p->conns[i].state == C_BUSY)
			s->busy++;
	s->queries = p->queries;
	s->failures = p->failures;
	s->reconnects = p->reconnects;
}

int
pool_alive(struct pool *p)
{
	return (p->alive);
}

void
pool_free(struct pool *p)
{
	int	 i;

	p->freeing = 1;
	for (i = 0; i < p->size; i++) {
		struct pconn *c = &p->conns[i];

		if (c->state != C_DOWN)
			conn_fail(c, "正在关闭");
		event_free(c->io);
		event_free(c->timer);
	}
	fail_queue(p, "正在关闭");
	if (p->dns != NULL)
		evdns_base_free(p->dns, 1);
	free(p->conns);
	free(p->conninfo);
	free(p->dns_host);
	free(p->appname);
	free(p->setup_sql);
	free(p);
}
