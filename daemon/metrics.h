/*
 * Prometheus metrics: requests answered by route, method and status and
 * a latency histogram per route, recorded by http.c for every answer;
 * rendered with the gauges and counters other modules keep, which the
 * caller gathers (api-health.c).  Includes nothing of the daemon's but
 * pool.h's statistics; calls no other module.
 */
#ifndef DUBAN_METRICS_H
#define DUBAN_METRICS_H

#include <time.h>

#include "pool.h"

struct metrics;

/* What other modules count, at the time of rendering. */
struct metrics_gauges {
	struct pool_stats	 pool;
	unsigned long long	 sent;		/* deliveries by this process */
	unsigned long long	 failed;
	int			 delivering;	/* deliveries being sent */
	int			 connections;	/* open HTTP connections, from accept */
	int			 conn_waiting;	/* ... with no whole request yet */
	unsigned long		 refused_client;	/* past max_per_client */
	unsigned long		 header_timeouts;	/* past header_timeout */
	unsigned long		 paused;		/* max_connections reached */
	unsigned long		 shed_fd;		/* closed: no descriptor left */
	int			 inflight;	/* requests not yet answered */
	time_t			 started;
	/* The working-day calendar, or -1 when the database did not say:
	 * next year's notice loaded (0, 1); the years it lacks today
	 * (duban_calendar_missing). */
	int			 calendar_next_loaded;
	int			 calendar_missing;
};

struct metrics	*metrics_new(void);
void		 metrics_free(struct metrics *);
/* route is kept, not copied: a pattern of a route table, or a literal. */
void		 metrics_record(struct metrics *, const char *route,
		    const char *method, int status, double seconds);
/* The text exposition format, allocated. */
char		*metrics_render(struct metrics *, const struct metrics_gauges *);

#endif
