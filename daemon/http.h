/*
 * The HTTP transport: evhttp with explicit limits, a cap on open
 * connections (listening pauses at the cap and resumes below it), the
 * request objects, and the replies: JSON, RFC 7807 problem+json, 503
 * with Retry-After.  It knows no routes: each request that arrives whole
 * is handed to the handler set with http_set_handler (router.c).
 *
 * Every request is answered exactly once, through http_reply(), which
 * records its metrics and frees it; every other reply function ends in
 * http_reply().  Whenever an answer has been sent or written out, the
 * idle callback is called, so that the server can see whether it may
 * stop (http_idle()).
 *
 * Uses pool.c (a request's queries) and metrics.c (each answer's time).
 * Called by router.c, auth.c, web.c, the api-*.c handlers and server.c;
 * calls none of them.
 */
#ifndef DUBAN_HTTP_H
#define DUBAN_HTTP_H

#include <stddef.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "clock.h"
#include "pool.h"

struct config;
struct metrics;
struct route;
struct body_route;
struct http;
struct req;

/* Who is asking, and who may call a route (router.h). */
enum role {
	ROLE_NONE = 0,		/* no token needed */
	ROLE_INSPECTOR,		/* reads */
	ROLE_OFFICE,		/* reads; writes its own tasks */
	ROLE_GENERAL		/* everything */
};

/*
 * Hooks on one request (idem.c sets them): its queries are sent through
 * query instead of the pool (which returns as pool_query does), and
 * done hears its answer before it is sent (status 0: r is freed without
 * one that could be kept, e.g. a streamed answer).  done is called once.
 * If done returns 1 (never for status 0), the answer is held, a copy in
 * r, until the hook calls http_reply_held(r): an answer is sent only
 * once what the hook does with it has been done.
 */
struct req_hooks {
	int	(*query)(struct req *, const char *sql, int n,
		    const char *const *params, pool_cb, void *arg);
	int	(*done)(struct req *, int status, const char *ctype,
		    const char *body, size_t len);
};

/* An HTTP request in flight, from its arrival to its answer. */
struct req {
	struct http		*http;
	struct evhttp_request	*ev;
	void			*app;		/* the handlers' context (router.c) */
	const struct route	*route;		/* the route matched (router.c) */
	const char		*name;		/* its pattern, for metrics */
	char			*path;
	char			*param;		/* the {id} of the pattern */
	char			*param2;	/* its second parameter ({office}) */
	struct evkeyvalq	 query;
	int			 have_query;
	struct timespec		 t0;
	/* Who is asking, once authenticated (auth.c); freed with r. */
	enum role		 role;
	long long		 token_id;
	long long		 office_id;
	char			*office;
	char			*token_hash;	/* the token's, also for a session */
	char			*label;		/* the token's label */
	long long		 account_id;	/* the person, if the token is one's */
	char			*person_role;	/* clerk, head, general, ..., admin */
	char			*login;
	int			 must_change;	/* before anything else */
	char			*session_hash;	/* signed in with the cookie */
	char			*csrf;		/* the session's CSRF secret */
	char			 today[11];
	char			 now[CLOCK_ISO_LEN];
	const char		*notfound;	/* 404 title for an empty result */
	/* The body, streamed (upload.h), for a ROUTE_STREAM route; NULL if
	 * it came whole (pipelined, or another path spelling): then it is
	 * in the evhttp request, within max_body. */
	struct upload		*upload;
	/* An answer streamed piece by piece (http_stream_*). */
	struct evhttp_connection *stream_conn;
	struct event		*stream_ev;
	void			(*stream_written)(struct req *, int, void *);
	void			*stream_arg;
	int			 stream_gone;
	int			 stream_status;
	int			 stream_counted;	/* in unflushed */
	struct req		*stream_next;
	/* Its hooks, if any, and their state. */
	const struct req_hooks	*hooks;
	void			*hooks_arg;
	/* An answer held for its hook (req_hooks.done returned 1). */
	int			 held_status;
	char			*held_ctype, *held_body;
	size_t			 held_len;
};

/* Takes a request that arrived whole; must see that it is answered. */
typedef void	(*http_handler)(struct req *, void *arg);

/*
 * The transport on base, reading its limits from cfg (which the caller
 * keeps, and may change: see http_apply_limits) and querying pool.  It
 * does not listen yet.
 */
struct http	*http_new(struct event_base *, const struct config *cfg,
		    struct pool *, struct metrics *);
void		 http_set_handler(struct http *, http_handler, void *arg);
/* Which requests' bodies stream (router_streams). */
void		 http_set_stream_match(struct http *,
		    int (*)(const char *method, const char *path, void *), void *arg);
/* Bytes uploads hold and uploads receiving (metrics). */
void		 http_upload_counts(struct http *, size_t *held, int *active);
/* Called after each answer is sent and after it is written out. */
void		 http_set_idle_cb(struct http *, void (*)(void *), void *arg);
/* Binds cfg->listen.  Returns 0, or -1 (logged) if it cannot. */
int		 http_listen(struct http *);
/* The configuration's limits changed: apply them. */
void		 http_apply_limits(struct http *);
/* The address actually bound ("127.0.0.1:43123" when asked for port 0). */
void		 http_bound_address(struct http *, char *, size_t);
/*
 * Stopping: no new connections; a request still arriving on an open one
 * is answered 503; every answer says Connection: close.
 */
void		 http_close(struct http *);
/* No request is waiting for its answer and every answer is written. */
int		 http_idle(struct http *);
/* Open connections and requests not yet answered, for metrics and logs. */
void		 http_counts(struct http *, int *connections, int *inflight);
/* What the connection caps did, for metrics. */
struct http_conn_stats {
	int		 open;			/* from accept to close */
	int		 waiting;		/* with no whole request yet */
	unsigned long	 refused_client;	/* past max_per_client */
	unsigned long	 header_timeouts;	/* past header_timeout */
	unsigned long	 paused;		/* max_connections reached */
	unsigned long	 shed_fd;		/* no descriptor left */
};
void		 http_conn_stats(struct http *, struct http_conn_stats *);
/* Stops listening, and frees evhttp with its connections. */
void		 http_free(struct http *);

/* "GET", "POST", ... */
const char	*http_method_name(enum evhttp_cmd_type);

/* Answers the request (once); records metrics and frees it. */
int		 http_max_body(const struct req *);
void		 http_reply_held(struct req *);
void		 http_reply(struct req *, int status, const char *ctype,
		    const char *body, size_t len);
void		 http_reply_json(struct req *, int status, const char *json,
		    const char *etag);
/* An RFC 7807 answer; extra (may be NULL) is merged in and released. */
void		 http_problem(struct req *, int status, const char *title,
		    const char *detail, const char *field, json_t *extra);
/* A problem built by the database ({title, detail, field, current,
 * confirmable, errors}). */
void		 http_problem_text(struct req *, int status, const char *json);
/* 503 with Retry-After: the database is not answering. */
void		 http_unavailable(struct req *, const char *why);
/* Answers a failed query: 503 if the database went away, else 500. */
void		 http_db_error(struct req *, PGresult *, const char *err);

/*
 * An answer of a known length sent piece by piece (a file): begin, then
 * write each piece once the one before is written out — written(r, ok,
 * arg) is called from the loop when it is (ok 1) or when the client went
 * away (ok 0) — and end (also after the client went away), which records
 * the metrics and frees r.
 */
void		 http_stream_begin(struct req *, int status, const char *ctype,
		    long long length);
void		 http_stream_write(struct req *, const void *, size_t,
		    void (*written)(struct req *, int ok, void *), void *arg);
void		 http_stream_end(struct req *);
/* "attachment; filename=\"fallback\"; filename*=UTF-8''..." (RFC 6266,
 * 5987) for a file called name (UTF-8). */
char		*http_disposition(const char *kind, const char *name,
		    const char *fallback);

/* A query parameter, or NULL. */
const char	*http_query_arg(struct req *, const char *);
/* Checks that every query parameter is one of allowed (NULL-terminated);
 * -1 after answering 400. */
int		 http_query_only(struct req *, const char *const *allowed);
/* The request body as a string, NUL-terminated; NULL after answering 413. */
char		*http_body(struct req *, size_t *len);
/*
 * The request body as a JSON object (the caller frees it) whose keys are
 * all among allowed (NULL-terminated; NULL: any).  An empty body is an
 * empty object when empty_ok.  NULL after answering: 413, or 400 for a
 * body that is not JSON (line and column given), not an object, nested
 * past BODY_MAX_DEPTH, or has a field not allowed (named): body.c.
 */
json_t		*http_json_object(struct req *, const char *const *allowed,
		    int empty_ok);
/* The same for a route of body.h's: its keys, then its shape check. */
json_t		*http_json_for(struct req *, const struct body_route *);
char		*http_json_text_for(struct req *, const struct body_route *);
/* The same object as compact JSON text, for a SQL function (the caller
 * frees it); NULL when already answered. */
char		*http_json_text(struct req *, const char *const *allowed, int empty_ok);
/* A body that must be empty or {}: 0, or -1 after answering 400 or 413. */
int		 http_no_body(struct req *);

/*
 * Sends a query for this request: 0, and cb will be called; or -1 after
 * answering 503 itself, when the pool refuses it.
 */
int		 http_query(struct req *, const char *sql, int n,
		    const char *const *params, pool_cb);
/* The same, with a callback argument of the caller's (which must lead
 * back to r). */
int		 http_query_for(struct req *, const char *sql, int n,
		    const char *const *params, pool_cb cb, void *arg);
/*
 * Query callbacks that answer the request: one row of one JSON column
 * (and a version for the ETag), 404 when empty; or a row of an HTTP
 * status and the body or problem (and a version), as the SQL API
 * functions return them.
 */
void		 http_json_row(PGresult *, const char *err, void *req);
void		 http_status_json(PGresult *, const char *err, void *req);

#endif
