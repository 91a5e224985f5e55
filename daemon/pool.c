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
	int			*lengths;	/* NULL: all text */
	int			*formats;
	int			 binres;	/* results in binary */
	pool_cb			 cb;
	void			*arg;
};
TAILQ_HEAD(pq_queue, pq_query);

enum conn_state {
	C_DOWN,		/* waiting to reconnect */
	C_RESOLVING,	/* evdns lookup of the host name */
	C_CONNECTING,	/* PQconnectPoll */
	C_SETUP,	/* running setup_sql */
	C_READY		/* in pipeline mode, ninflight queries sent */
};

struct pconn {
	struct pool		*pool;
	int			 idx;
	enum conn_state		 state;
	PGconn			*pg;
	/*
	 * While connecting, io is re-armed on the current socket after every
	 * PQconnectPoll step.  Once connected the socket is fixed: io then
	 * stays armed for reading (EV_PERSIST) and wr is added only while
	 * libpq has data it could not send, so a query costs no epoll_ctl.
	 */
	struct event		*io;
	struct event		*wr;
	int			 steady;
	struct event		*timer;		/* reconnect, connect or query timeout */
	struct pq_queue		 inflight;	/* sent, in order */
	int			 ninflight;
	int			 dirty;		/* sent since the last flush */
	PGresult		*res;		/* the head query's result so far */
	int			 backoff_ms;
	int			 lost;		/* was ready once, then failed */
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
	void			(*relisten_cb)(void *);
	void			*arg;
	struct pconn		*conns;
	int			 size;
	int			 alive;
	struct pq_queue		 queue;
	int			 queued;
	int			 queue_max;
	int			 timeout_ms;
	int			 depth;		/* queries in flight per connection */
	struct event		*kick;		/* dispatch, once per loop turn */
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
	free(q->lengths);
	free(q->formats);
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

/* Connecting: wait for what PQconnectPoll asked, on its current socket. */
static void
arm(struct pconn *c, short what)
{
	event_del(c->io);
	event_assign(c->io, c->pool->base, PQsocket(c->pg), what, io_cb, c);
	event_add(c->io, NULL);
}

/* Connected: read for as long as the connection lives. */
static void
arm_steady(struct pconn *c)
{
	if (c->steady)
		return;
	event_del(c->io);
	event_assign(c->io, c->pool->base, PQsocket(c->pg), EV_READ | EV_PERSIST,
	    io_cb, c);
	event_assign(c->wr, c->pool->base, PQsocket(c->pg), EV_WRITE, io_cb, c);
	event_add(c->io, NULL);
	c->steady = 1;
}

/* After sending: wait to write only while libpq has data queued. */
static int
arm_flush(struct pconn *c)
{
	int	 r = PQflush(c->pg);

	if (r == -1)
		return (-1);
	if (r == 1)
		event_add(c->wr, NULL);
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

/* Setup: reads the single statement's result; 1 when done, -1 broken. */
static int
read_setup(struct pconn *c)
{
	PGresult	*r;

	if (!PQconsumeInput(c->pg))
		return (-1);
	drain_notifies(c);
	while (!PQisBusy(c->pg)) {
		if ((r = PQgetResult(c->pg)) == NULL)
			return (1);
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

/* The oldest query in flight has the connection's query timer. */
static void
restart_timer(struct pconn *c)
{
	struct timeval	 tv = ms_tv(c->pool->timeout_ms);

	evtimer_del(c->timer);
	if (c->ninflight > 0)
		evtimer_add(c->timer, &tv);
}

/*
 * Sends a query in pipeline mode, followed by its own sync, so that it is
 * its own transaction and an error in it does not touch the next one.
 * Not flushed yet: dispatch() flushes each connection once.
 */
static int
send_query(struct pconn *c, struct pq_query *q)
{
	if (!PQsendQueryParams(c->pg, q->sql, q->n, NULL,
	    (const char *const *)q->params, q->lengths, q->formats, q->binres) ||
	    !PQpipelineSync(c->pg))
		return (-1);
	TAILQ_INSERT_TAIL(&c->inflight, q, entry);
	if (++c->ninflight == 1)
		restart_timer(c);
	c->dirty = 1;
	return (0);
}

/*
 * A server in recovery refuses writes (SQLSTATE 25006): after a failover
 * the connection reached a standby, or its server was demoted under it.
 * It is dropped and made again, to the primary (docs/deployment.md).
 */
static int
read_only(const PGresult *r)
{
	const char	*state;

	if (PQresultStatus(r) != PGRES_FATAL_ERROR)
		return (0);
	state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return (state != NULL && strcmp(state, "25006") == 0);
}

/*
 * Reads the results that arrived, delivering each query's when its sync
 * comes back.  Returns -1 on a broken connection, -2 on one to a server
 * that only reads.
 */
static int
read_results(struct pconn *c)
{
	struct pool	*p = c->pool;
	struct pq_query	*q;
	PGresult	*r, *res;
	int		 ro = 0;

	if (!PQconsumeInput(c->pg))
		return (-1);
	drain_notifies(c);
	while (c->ninflight > 0 && !PQisBusy(c->pg)) {
		if ((r = PQgetResult(c->pg)) == NULL)
			continue;	/* end of one query's results; its sync follows */
		if (PQresultStatus(r) != PGRES_PIPELINE_SYNC) {
			/* One statement, one result; keep the last if more. */
			PQclear(c->res);
			c->res = r;
			continue;
		}
		PQclear(r);
		q = TAILQ_FIRST(&c->inflight);
		TAILQ_REMOVE(&c->inflight, q, entry);
		c->ninflight--;
		res = c->res;
		c->res = NULL;
		restart_timer(c);
		ro |= res != NULL && read_only(res);
		/* The callback may queue more: the kick dispatches them. */
		deliver(p, q, res, res == NULL ? "数据库没有返回结果" : NULL);
		PQclear(res);
	}
	if (PQstatus(c->pg) == CONNECTION_BAD)
		return (-1);
	return (ro ? -2 : 0);
}

static void
became_ready(struct pconn *c)
{
	c->state = C_READY;
	evtimer_del(c->timer);
	if (!PQenterPipelineMode(c->pg)) {
		conn_fail(c, PQerrorMessage(c->pg));
		return;
	}
	set_alive(c->pool, 1);
	/* Back to 1 alive: state_cb has said so. */
	if (c->lost && c->pool->alive > 1 && c->pool->relisten_cb != NULL)
		c->pool->relisten_cb(c->pool->arg);
	c->lost = 0;
	dispatch(c->pool);
}

static void
io_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pconn		*c = arg;
	struct pool		*p = c->pool;
	PostgresPollingStatusType st;
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
			arm_steady(c);
			if (p->setup_sql == NULL) {
				became_ready(c);
				return;
			}
			c->state = C_SETUP;
			/* Our own fixed statement, no parameters. */
			if (!PQsendQuery(c->pg, p->setup_sql) || arm_flush(c) != 0)
				conn_fail(c, PQerrorMessage(c->pg));
		}
		return;
	case C_SETUP:
		if (what & EV_WRITE) {
			if (arm_flush(c) != 0)
				conn_fail(c, PQerrorMessage(c->pg));
			return;
		}
		if ((r = read_setup(c)) == -1)
			conn_fail(c, PQerrorMessage(c->pg));
		else if (r == 1) {
			if (PQresultStatus(c->res) != PGRES_COMMAND_OK &&
			    PQresultStatus(c->res) != PGRES_TUPLES_OK) {
				conn_fail(c, PQresultErrorMessage(c->res));
				return;
			}
			PQclear(c->res);
			c->res = NULL;
			became_ready(c);
		}
		return;
	case C_READY:
		if (what & EV_WRITE) {
			if ((r = PQflush(c->pg)) == -1)
				conn_fail(c, PQerrorMessage(c->pg));
			else if (r == 1)
				event_add(c->wr, NULL);
			return;
		}
		/* Results, notifications, or the server closing on us. */
		if ((r = read_results(c)) == -2)
			conn_fail(c, "数据库服务器只读（备库），重新连接主库");
		else if (r != 0)
			conn_fail(c, PQerrorMessage(c->pg));
		else if (!TAILQ_EMPTY(&p->queue))
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
	case C_READY:
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
	struct pq_queue	 lost;
	struct pq_query	*q;
	int		 was_alive = c->state == C_READY;
	char		*msg = xstrdup(why ? why : "");

	msg[strcspn(msg, "\n")] = '\0';
	if (!p->freeing)
		log_warnx("数据库连接 %d：%s", c->idx, msg);
	if (c->dns != NULL) {
		evdns_getaddrinfo_cancel(c->dns);
		c->dns = NULL;
	}
	event_del(c->io);
	event_del(c->wr);
	c->steady = 0;
	evtimer_del(c->timer);
	PQclear(c->res);
	c->res = NULL;
	if (c->pg != NULL)
		PQfinish(c->pg);
	c->pg = NULL;
	TAILQ_INIT(&lost);
	TAILQ_CONCAT(&lost, &c->inflight, entry);
	c->ninflight = 0;
	c->dirty = 0;
	c->state = C_DOWN;
	if (!p->freeing) {
		tv = ms_tv(c->backoff_ms);
		evtimer_add(c->timer, &tv);
		c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ?
		    BACKOFF_MAX_MS : c->backoff_ms * 2;
	}
	if (was_alive) {
		c->lost = 1;
		set_alive(p, -1);
	}
	/* Sent: their fate is unknown, so they are not retried. */
	while ((q = TAILQ_FIRST(&lost)) != NULL) {
		TAILQ_REMOVE(&lost, q, entry);
		deliver(p, q, NULL, strncmp(msg, "查询超时", strlen("查询超时")) == 0 ?
		    msg : "数据库连接中断，结果未知");
	}
	if (p->alive == 0)
		fail_queue(p, "数据库不可用");
	free(msg);
}

/* ---------------------------------------------------------------- */

/*
 * Gives waiting queries to connections: the least loaded first, up to
 * depth in flight on each, then flushes each connection once.  Queries
 * that arrive in one loop turn thus travel together.
 */
static void
dispatch(struct pool *p)
{
	struct pq_query	*q;
	struct pconn	*c, *best;
	int		 i, r;

	while ((q = TAILQ_FIRST(&p->queue)) != NULL) {
		best = NULL;
		for (i = 0; i < p->size; i++) {
			c = &p->conns[i];
			if (c->state == C_READY && c->ninflight < p->depth &&
			    (best == NULL || c->ninflight < best->ninflight))
				best = c;
		}
		if (best == NULL)
			break;
		TAILQ_REMOVE(&p->queue, q, entry);
		p->queued--;
		if (send_query(best, q) != 0) {
			/* Not sent: its fate is known, it may wait for another. */
			TAILQ_INSERT_HEAD(&p->queue, q, entry);
			p->queued++;
			conn_fail(best, PQerrorMessage(best->pg));
		}
	}
	for (i = 0; i < p->size; i++) {
		c = &p->conns[i];
		if (c->state != C_READY || !c->dirty)
			continue;
		c->dirty = 0;
		if ((r = PQflush(c->pg)) == -1)
			conn_fail(c, PQerrorMessage(c->pg));
		else if (r == 1)
			event_add(c->wr, NULL);
	}
}

static void
kick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	dispatch(arg);
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
	p->relisten_cb = o->relisten_cb;
	p->arg = o->arg;
	p->size = o->size;
	p->queue_max = o->queue_max;
	p->timeout_ms = o->query_timeout_ms;
	p->depth = o->pipeline_depth > 0 ? o->pipeline_depth : 1;
	TAILQ_INIT(&p->queue);
	p->kick = event_new(base, -1, 0, kick_cb, p);
	p->conns = xcalloc((size_t)p->size, sizeof *p->conns);
	for (i = 0; i < p->size; i++) {
		struct pconn *c = &p->conns[i];

		c->pool = p;
		c->idx = i;
		c->backoff_ms = BACKOFF_MIN_MS;
		TAILQ_INIT(&c->inflight);
		c->io = event_new(base, -1, 0, io_cb, c);
		c->wr = event_new(base, -1, 0, io_cb, c);
		c->timer = evtimer_new(base, timer_cb, c);
		conn_start(c);
	}
	return (p);
}

int
pool_query(struct pool *p, const char *sql, int n, const char *const *params,
    pool_cb cb, void *arg)
{
	return (pool_query_bin(p, sql, n, params, NULL, NULL, 0, cb, arg));
}

int
pool_query_bin(struct pool *p, const char *sql, int n, const char *const *params,
    const int *lengths, const int *formats, int binres, pool_cb cb, void *arg)
{
	struct pq_query	*q;
	int		 i;

	if (p->freeing || p->alive == 0 ||
	    p->queued >= p->queue_max + p->depth * p->size)
		return (-1);
	q = xcalloc(1, sizeof *q);
	q->sql = xstrdup(sql);
	q->n = n;
	q->binres = binres;
	q->params = xcalloc((size_t)(n > 0 ? n : 1), sizeof *q->params);
	if (formats != NULL) {
		q->lengths = xcalloc((size_t)(n > 0 ? n : 1), sizeof *q->lengths);
		q->formats = xcalloc((size_t)(n > 0 ? n : 1), sizeof *q->formats);
	}
	for (i = 0; i < n; i++) {
		if (params[i] == NULL)
			continue;
		if (formats != NULL && formats[i] == 1) {
			q->params[i] = xmalloc(lengths[i] > 0 ? (size_t)lengths[i] : 1);
			memcpy(q->params[i], params[i], (size_t)lengths[i]);
			q->lengths[i] = lengths[i];
			q->formats[i] = 1;
		} else
			q->params[i] = xstrdup(params[i]);
	}
	q->cb = cb;
	q->arg = arg;
	TAILQ_INSERT_TAIL(&p->queue, q, entry);
	p->queued++;
	/* Dispatched after the other events of this loop turn. */
	if (!event_pending(p->kick, EV_TIMEOUT, NULL))
		event_active(p->kick, EV_TIMEOUT, 0);
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
		if (p->conns[i].state == C_READY && p->conns[i].ninflight > 0)
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
		event_free(c->wr);
		event_free(c->timer);
	}
	fail_queue(p, "正在关闭");
	event_free(p->kick);
	if (p->dns != NULL)
		evdns_base_free(p->dns, 1);
	free(p->conns);
	free(p->conninfo);
	free(p->dns_host);
	free(p->appname);
	free(p->setup_sql);
	free(p);
}
