/*
 * duband: one libevent loop serving the HTTP JSON API over a pool of
 * non-blocking PostgreSQL connections.  See docs/duband.8.
 *
 *   main.c       options, start-up, signals, watchdog, shutdown
 *   reload.c     SIGHUP: configuration and plans, read off the loop
 *   http.c       evhttp set-up, limits, connection cap, routing, replies
 *   auth.c       bearer tokens and their cache
 *   metrics.c    Prometheus counters and histograms
 *   outbox.c     reminders: sweeps, claims, delivery by SMTP and webhooks
 *   fetch.c      libcurl's multi interface on the loop
 *   api-*.c      the routes, one group per file
 */
#ifndef DUBAN_DUBAND_H
#define DUBAN_DUBAND_H

#include <pthread.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "clock.h"
#include "config.h"
#include "pool.h"

#define EXIT_USAGE	64
#define EXIT_DATAERR	65
#define EXIT_UNAVAIL	69
#define EXIT_SOFTWARE	70
#define EXIT_CONFIG	78

struct metrics;
struct auth_cache;
struct outbox;
struct req;

enum role {
	ROLE_NONE = 0,		/* no token needed */
	ROLE_INSPECTOR,		/* reads */
	ROLE_OFFICE,		/* reads; writes its own tasks */
	ROLE_GENERAL		/* everything */
};

struct server {
	struct event_base	*base;
	struct config		 cfg;
	/* What the command line said: wins over the file on every reload. */
	char			*config_path;
	int			 config_given;
	char			*flag_listen, *flag_db, *flag_plans, *flag_web;
	int			 verbose;	/* -v count, added to log_level */

	struct pool		*pool;
	struct evhttp		*http;
	struct evhttp_bound_socket *bound;
	struct metrics		*metrics;
	struct work		*work;		/* report rendering */
	struct web		*web;		/* the pages, in memory */
	struct auth_cache	*auth;
	struct outbox		*outbox;

	int			 connections;	/* open HTTP connections */
	int			 listening;	/* accepting new ones */
	int			 inflight;	/* requests not yet answered */
	int			 unflushed;	/* answers not yet written out */
	int			 stopping;
	time_t			 started;

	struct event		*ev_hup, *ev_term, *ev_int;
	struct event		*ev_watchdog, *ev_stop;
	struct event		*ev_reload;	/* a reload thread finished */
	int			 reload_pipe[2];
	int			 reloading, reload_again;
	pthread_t		 reload_tid;
	int			 reload_thread;	/* reload_tid not yet joined */
	int			 ready;		/* READY=1 sent */
	struct event		*ev_ready;	/* sends it if the database is slow */
};

/* A route: method, path pattern ("/api/v1/tasks/{id}"), who may call. */
struct route {
	enum evhttp_cmd_type	 method;
	const char		*pattern;
	enum role		 role;
	void			(*handler)(struct req *);
};

/* An HTTP request in flight. */
struct req {
	struct server		*srv;
	struct evhttp_request	*ev;
	const struct route	*route;
	char			*path;
	char			*param;		/* the {id} of the pattern */
	struct evkeyvalq	 query;
	int			 have_query;
	struct timespec		 t0;
	/* Who is asking, once authenticated. */
	enum role		 role;
	long long		 token_id;
	long long		 office_id;
	char			*office;
	char			*token_hash;	/* the token's, also for a session */
	char			*label;		/* the token's label */
	char			*session_hash;	/* signed in with the cookie */
	char			*csrf;		/* the session's CSRF secret */
	char			 today[11];
	char			 now[CLOCK_ISO_LEN];
	const char		*notfound;	/* 404 title for an empty result */
};

/* http.c */
int		 http_start(struct server *);
void		 http_apply_limits(struct server *);
void		 http_stop_listening(struct server *);
/* The address actually bound ("127.0.0.1:43123" when asked for port 0). */
void		 http_bound_address(struct server *, char *, size_t);
const char	*http_site_base(struct server *, char *, size_t);
/* Answers the request (once); records metrics and frees it. */
void		 http_reply(struct req *, int status, const char *ctype,
		    const char *body, size_t len);
void		 http_reply_json(struct req *, int status, const char *json,
		    const char *etag);
/* An RFC 7807 answer; extra (may be NULL) is merged in and released. */
void		 http_problem(struct req *, int status, const char *title,
		    const char *detail, const char *field, json_t *extra);
/* 503 with Retry-After: the database is not answering. */
void		 http_unavailable(struct req *, const char *why);
/* Answers a failed query: 503 if the database went away, else 500. */
void		 http_db_error(struct req *, PGresult *, const char *err);
/* A query parameter, or NULL. */
const char	*http_query_arg(struct req *, const char *);
/* Checks that every query parameter is one of allowed (NULL-terminated). */
int		 http_query_only(struct req *, const char *const *allowed);
/* The request body as a string, NUL-terminated; NULL after answering. */
char		*http_body(struct req *, size_t *len);
/* Sends a query for this request; answers 503 itself when refused. */
/*
 * Query callbacks that answer the request: one row of one JSON column
 * (and a version for the ETag), 404 when empty; or a row of an HTTP
 * status and the body or problem (and a version), as the SQL API
 * functions return them.
 */
void		 http_json_row(PGresult *, const char *err, void *req);
void		 http_status_json(PGresult *, const char *err, void *req);
/* A problem built by the database ({title, detail, field, current}). */
void		 http_problem_text(struct req *, int status, const char *json);
int		 http_query(struct req *, const char *sql, int n,
		    const char *const *params, pool_cb);
/* The same, with a callback argument of the caller's (which must lead
 * back to r). */
int		 http_query_for(struct req *, const char *sql, int n,
		    const char *const *params, pool_cb cb, void *arg);
void		 server_check_stopped(struct server *);

/* auth.c */
struct auth_cache *auth_new(void);
void		 auth_free(struct auth_cache *);
void		 auth_flush(struct auth_cache *);
/* Authenticates r, then runs its route's handler or answers 401/403. */
void		 auth_request(struct req *);
/* Sign-out: forget a session now (others hear of it by NOTIFY). */
void		 auth_forget(struct auth_cache *, const char *hash);

/* metrics.c */
struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);
void		 metrics_record(struct metrics *, const char *route,
		    const char *method, int status, double seconds);
char		*metrics_render(struct server *);

/* reload.c */
int		 reload_init(struct server *);
void		 reload_start(struct server *);
void		 reload_shutdown(struct server *);
/* Reads the configuration as the command line and files say; 0 or -1. */
int		 server_read_config(struct server *, struct config *, char **);

/* outbox.c */
struct outbox	*outbox_new(struct server *);
void		 outbox_apply_config(struct outbox *);
void		 outbox_wake(struct outbox *);
void		 outbox_notify(struct outbox *);
void		 outbox_close(struct outbox *);
int		 outbox_inflight(struct outbox *);
void		 outbox_stats(struct outbox *, unsigned long long *sent,
		    unsigned long long *failed, int *inflight);
void		 outbox_free(struct outbox *);

/* The route tables. */
extern const struct route api_read_routes[];
extern const struct route api_write_routes[];
extern const struct route api_health_routes[];
extern const struct route api_reminder_routes[];
extern const struct route api_report_routes[];
extern const struct route api_session_routes[];

/* web.c: the pages, read into memory (at start, and by reload.c). */
struct web;
struct web	*web_load(const char *dir, char **cause);
void		 web_free(struct web *);
size_t		 web_count(const struct web *);
/* A GET of a page: answered (1), or not one (0). */
int		 web_serve(struct req *);

/* work.c: jobs on worker threads, finished on the loop. */
typedef void	(*work_fn)(void *);
struct work	*work_new(struct event_base *);
/* Runs fn(arg) on a worker, then done(arg) on the loop; -1 if the queue
 * is full (answer 503). */
int		 work_submit(struct work *, work_fn fn, work_fn done, void *arg);
void		 work_free(struct work *);

#endif
