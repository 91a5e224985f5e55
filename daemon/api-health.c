/*
 * GET /healthz (the process and the database) and GET /metrics
 * (Prometheus, with whether the working-day calendar lacks a year).
 * Neither needs a token: they say nothing about plans.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "api.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "metrics.h"
#include "outbox.h"
#include "pool.h"
#include "xmalloc.h"

static void
health_reply(struct req *r, int db_ok)
{
	const struct api	*api = r->app;
	struct pool_stats	 ps;
	char			*text, secs[16];
	json_t			*j;

	pool_stats(api->pool, &ps);
	j = json_pack("{s:s, s:s, s:s, s:I, s:{s:i, s:i, s:i, s:i}}",
	    "status", db_ok ? "ok" : "unavailable",
	    "database", db_ok ? "ok" : "down",
	    "version", DUBAN_VERSION,
	    "uptime_seconds", (json_int_t)(time(NULL) - api->started),
	    "pool", "size", ps.size, "alive", ps.alive, "in_use", ps.busy,
	    "queued", ps.queued);
	text = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (!db_ok) {
		snprintf(secs, sizeof secs, "%d", api->cfg->retry_after);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Retry-After", secs);
	}
	http_reply_json(r, db_ok ? 200 : 503, text, NULL);
	free(text);
	json_decref(j);
}

static void
health_checked(PGresult *res, const char *err, void *arg)
{
	(void)err;
	health_reply(arg, res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK);
}

static void
healthz(struct req *r)
{
	const struct api	*api = r->app;

	/* A real round trip: an idle pool can be holding dead connections. */
	if (pool_query(api->pool, "SELECT 1", 0, NULL, health_checked, r) != 0)
		health_reply(r, 0);
}

static void
metrics_reply(struct req *r, PGresult *cal)
{
	const struct api	*api = r->app;
	struct metrics_gauges	 g;
	char			*text;

	memset(&g, 0, sizeof g);
	g.calendar_next_loaded = g.calendar_missing = -1;
	if (cal != NULL && PQresultStatus(cal) == PGRES_TUPLES_OK && PQntuples(cal) == 1) {
		g.calendar_next_loaded = strcmp(PQgetvalue(cal, 0, 0), "t") == 0;
		g.calendar_missing = atoi(PQgetvalue(cal, 0, 1));
	}
	pool_stats(api->pool, &g.pool);
	if (api->outbox != NULL)
		outbox_stats(api->outbox, &g.sent, &g.failed, &g.delivering);
	http_counts(r->http, &g.connections, &g.inflight);
	{
		struct http_conn_stats	 cs;

		http_conn_stats(r->http, &cs);
		g.conn_waiting = cs.waiting;
		g.refused_client = cs.refused_client;
		g.header_timeouts = cs.header_timeouts;
		g.paused = cs.paused;
		g.shed_fd = cs.shed_fd;
	}
	g.started = api->started;
	text = metrics_render(api->metrics, &g);

	http_reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", text,
	    strlen(text));
	free(text);
}

static void
metrics_calendar(PGresult *res, const char *err, void *arg)
{
	(void)err;
	metrics_reply(arg, res);
}

/* The metrics, with the calendar's when the database answers. */
static void
metrics(struct req *r)
{
	const struct api	*api = r->app;
	const char		*params[1] = { r->now };

	clock_now_iso(r->now);
	if (pool_query(api->pool, "SELECT duban_calendar_has(extract(year FROM d)::int + 1),"
	    " (SELECT count(*) FROM duban_calendar_missing(d))"
	    " FROM (SELECT ($1::timestamptz AT TIME ZONE 'Asia/Shanghai')::date AS d) x",
	    1, params, metrics_calendar, r) != 0)
		metrics_reply(r, NULL);
}

const struct route api_health_routes[] = {
	{ EVHTTP_REQ_GET, "/healthz", ROLE_NONE, healthz, 0 },
	{ EVHTTP_REQ_GET, "/metrics", ROLE_NONE, metrics, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
