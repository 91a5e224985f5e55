/*
 * A small pool of non-blocking PostgreSQL connections driven by a
 * libevent loop, with a bounded queue of waiting queries.
 *
 * Queries that arrive in one turn of the loop are dispatched together,
 * after the turn's other events, to the least loaded connections, in
 * pipeline mode: several in flight on one connection, one flush each.
 *
 * Connections are made with PQconnectStartParams/PQconnectPoll (host
 * names resolved with evdns first, so the loop never blocks on DNS), put
 * in non-blocking mode, and re-armed on the current PQsocket() after
 * every step.  A dead connection is re-made after a capped exponential
 * backoff; while no connection is alive, queries are refused at once and
 * those waiting are failed, so callers can answer 503 instead of hanging.
 * Every query has a timeout.  Notifications (LISTEN) are passed on.
 *
 * Calls no other module of the daemon's: it is tested alone.  Called by
 * http.c (a request's queries), outbox.c, reload.c, api-health.c and
 * server.c, which hears of NOTIFY and of the database going up or down
 * through the callbacks in pool_opts.
 */
#ifndef DUBAN_POOL_H
#define DUBAN_POOL_H

#include <event2/event.h>
#include <libpq-fe.h>

struct pool;

/*
 * Called exactly once per accepted query, never from inside pool_query.
 * res is the query's result (check PQresultStatus: SQL errors arrive
 * here too) and is cleared by the pool after the call.  res is NULL when
 * the query's fate is unknown or it never ran: err then says why
 * (connection lost, timeout, shutdown).
 */
typedef void	(*pool_cb)(PGresult *res, const char *err, void *arg);

struct pool_opts {
	const char	*conninfo;
	int		 size;			/* connections */
	int		 queue_max;		/* waiting queries */
	int		 query_timeout_ms;
	/*
	 * Queries in flight per connection (libpq pipeline mode, each query
	 * its own transaction); 1 turns pipelining off.
	 */
	int		 pipeline_depth;
	const char	*application_name;
	/* Run once on each new connection, e.g. "LISTEN x"; or NULL. */
	const char	*setup_sql;
	/* NOTIFY payloads; may be NULL. */
	void		(*notify_cb)(const char *channel, const char *payload,
			    void *arg);
	/* Called when the number of live connections goes to or from 0. */
	void		(*state_cb)(int alive, void *arg);
	/*
	 * Called when a connection that was lost is made again (setup_sql
	 * run again) while others stayed alive: notifications sent while it
	 * was down may have gone to no listener (the others may still be on
	 * a server that is going away).  May be NULL.
	 */
	void		(*relisten_cb)(void *arg);
	void		*arg;
};

struct pool_stats {
	int	size;		/* configured connections */
	int	alive;		/* connected and usable */
	int	busy;		/* running queries */
	int	queued;		/* queries waiting for a connection */
	unsigned long long	queries;	/* delivered since start */
	unsigned long long	failures;	/* delivered without a result */
	unsigned long long	reconnects;
};

struct pool	*pool_new(struct event_base *, const struct pool_opts *);

/*
 * Queues a query with text parameters (copied).  Returns 0 if accepted:
 * cb will be called later.  Returns -1 if refused now, because no
 * connection is alive or the queue is full: cb will not be called.
 */
int		 pool_query(struct pool *, const char *sql, int nparams,
		    const char *const *params, pool_cb cb, void *arg);

/*
 * The same, with binary parameters where formats[i] is 1 (lengths[i]
 * bytes; both arrays may be NULL for all text) and, when binres, the
 * results in binary (a bytea as its bytes).
 */
int		 pool_query_bin(struct pool *, const char *sql, int nparams,
		    const char *const *params, const int *lengths, const int *formats,
		    int binres, pool_cb cb, void *arg);

/* New limits and connection string; live connections are kept. */
void		 pool_reconfigure(struct pool *, const char *conninfo,
		    int queue_max, int query_timeout_ms);

void		 pool_stats(struct pool *, struct pool_stats *);
int		 pool_alive(struct pool *);

/* Closes every connection; pending queries get cb(NULL, "shutting down"). */
void		 pool_free(struct pool *);

#endif
