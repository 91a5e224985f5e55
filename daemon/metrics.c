/*
 * Prometheus metrics in the text exposition format: requests by route,
 * method and status; a latency histogram per route; the pool; open
 * connections; resident memory; whether the working-day calendar lacks a
 * year.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "xmalloc.h"

static const double buckets[] = { 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
    0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
#define NBUCKETS (sizeof buckets / sizeof buckets[0])

struct counter {
	const char		*route;		/* static: from the route table */
	char			 method[8];
	int			 status;
	unsigned long long	 n;
};

struct histogram {
	const char		*route;
	unsigned long long	 le[NBUCKETS];
	unsigned long long	 count;
	double			 sum;
};

struct metrics {
	struct counter		*c;
	size_t			 nc, capc;
	struct histogram	*h;
	size_t			 nh, caph;
};

struct metrics *
metrics_new(void)
{
	return (xcalloc(1, sizeof(struct metrics)));
}

void
metrics_free(struct metrics *m)
{
	free(m->c);
	free(m->h);
	free(m);
}

void
metrics_record(struct metrics *m, const char *route, const char *method,
    int status, double secs)
{
	struct histogram	*h = NULL;
	size_t			 i;

	for (i = 0; i < m->nc; i++)
		if (m->c[i].route == route && m->c[i].status == status &&
		    strcmp(m->c[i].method, method) == 0)
			break;
	if (i == m->nc) {
		if (m->nc == m->capc) {
			m->capc = m->capc ? m->capc * 2 : 32;
			m->c = xreallocarray(m->c, m->capc, sizeof *m->c);
		}
		memset(&m->c[i], 0, sizeof m->c[i]);
		m->c[i].route = route;
		snprintf(m->c[i].method, sizeof m->c[i].method, "%s", method);
		m->c[i].status = status;
		m->nc++;
	}
	m->c[i].n++;

	for (i = 0; i < m->nh; i++)
		if (m->h[i].route == route) {
			h = &m->h[i];
			break;
		}
	if (h == NULL) {
		if (m->nh == m->caph) {
			m->caph = m->caph ? m->caph * 2 : 16;
			m->h = xreallocarray(m->h, m->caph, sizeof *m->h);
		}
		h = &m->h[m->nh++];
		memset(h, 0, sizeof *h);
		h->route = route;
	}
	for (i = 0; i < NBUCKETS; i++)
		if (secs <= buckets[i])
			h->le[i]++;
	h->count++;
	h->sum += secs;
}

static long
resident_bytes(void)
{
	FILE	*f = fopen("/proc/self/statm", "r");
	long	 size, rss = 0;

	if (f == NULL)
		return (0);
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = 0;
	fclose(f);
	return (rss * sysconf(_SC_PAGESIZE));
}

char *
metrics_render(struct metrics *m, const struct metrics_gauges *g)
{
	const struct pool_stats	*ps = &g->pool;
	char			*buf = NULL;
	size_t			 len = 0, i, j;
	FILE			*f = open_memstream(&buf, &len);

	fputs("# HELP duban_http_requests_total HTTP requests answered, by route, method and status.\n"
	    "# TYPE duban_http_requests_total counter\n", f);
	for (i = 0; i < m->nc; i++)
		fprintf(f, "duban_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %llu\n",
		    m->c[i].route, m->c[i].method, m->c[i].status, m->c[i].n);
	fputs("# HELP duban_http_request_duration_seconds Time from request to answer, by route.\n"
	    "# TYPE duban_http_request_duration_seconds histogram\n", f);
	for (i = 0; i < m->nh; i++) {
		for (j = 0; j < NBUCKETS; j++)
			fprintf(f, "duban_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
			    m->h[i].route, buckets[j], m->h[i].le[j]);
		fprintf(f, "duban_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n",
		    m->h[i].route, m->h[i].count);
		fprintf(f, "duban_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
		    m->h[i].route, m->h[i].sum);
		fprintf(f, "duban_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
		    m->h[i].route, m->h[i].count);
	}
	fprintf(f, "# HELP duban_deliveries_total Reminder deliveries by this process, by result.\n"
	    "# TYPE duban_deliveries_total counter\n"
	    "duban_deliveries_total{result=\"sent\"} %llu\n"
	    "duban_deliveries_total{result=\"failed\"} %llu\n"
	    "# HELP duban_deliveries_in_flight Deliveries being sent.\n"
	    "# TYPE duban_deliveries_in_flight gauge\n"
	    "duban_deliveries_in_flight %d\n", g->sent, g->failed, g->delivering);
	fprintf(f, "# HELP duban_db_pool_size Configured database connections.\n"
	    "# TYPE duban_db_pool_size gauge\nduban_db_pool_size %d\n"
	    "# HELP duban_db_pool_alive Database connections that are up.\n"
	    "# TYPE duban_db_pool_alive gauge\nduban_db_pool_alive %d\n"
	    "# HELP duban_db_pool_in_use Database connections running a query.\n"
	    "# TYPE duban_db_pool_in_use gauge\nduban_db_pool_in_use %d\n"
	    "# HELP duban_db_pool_queue_length Queries waiting for a connection.\n"
	    "# TYPE duban_db_pool_queue_length gauge\nduban_db_pool_queue_length %d\n"
	    "# HELP duban_db_queries_total Queries answered by the pool.\n"
	    "# TYPE duban_db_queries_total counter\nduban_db_queries_total %llu\n"
	    "# HELP duban_db_query_failures_total Queries that got no result (connection lost, timeout).\n"
	    "# TYPE duban_db_query_failures_total counter\nduban_db_query_failures_total %llu\n"
	    "# HELP duban_db_connects_total Connection attempts.\n"
	    "# TYPE duban_db_connects_total counter\nduban_db_connects_total %llu\n"
	    "# HELP duban_http_connections_open Open HTTP connections.\n"
	    "# TYPE duban_http_connections_open gauge\nduban_http_connections_open %d\n"
	    "# HELP duban_http_requests_in_flight Requests not yet answered.\n"
	    "# TYPE duban_http_requests_in_flight gauge\nduban_http_requests_in_flight %d\n"
	    "# HELP process_resident_memory_bytes Resident memory.\n"
	    "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %ld\n"
	    "# HELP process_start_time_seconds Start time of the process.\n"
	    "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %lld\n",
	    ps->size, ps->alive, ps->busy, ps->queued, ps->queries, ps->failures,
	    ps->reconnects, g->connections, g->inflight, resident_bytes(),
	    (long long)g->started);
	fprintf(f, "# HELP duban_http_connections_waiting Open HTTP connections with no whole request yet.\n"
	    "# TYPE duban_http_connections_waiting gauge\nduban_http_connections_waiting %d\n"
	    "# HELP duban_http_connections_refused_total Connections refused or closed by a cap.\n"
	    "# TYPE duban_http_connections_refused_total counter\n"
	    "duban_http_connections_refused_total{cap=\"max_per_client\"} %lu\n"
	    "duban_http_connections_refused_total{cap=\"header_timeout\"} %lu\n"
	    "duban_http_connections_refused_total{cap=\"descriptors\"} %lu\n"
	    "# HELP duban_http_accept_paused_total Times max_connections paused accepting.\n"
	    "# TYPE duban_http_accept_paused_total counter\nduban_http_accept_paused_total %lu\n",
	    g->conn_waiting, g->refused_client, g->header_timeouts, g->shed_fd, g->paused);
	if (g->calendar_next_loaded >= 0)
		fprintf(f, "# HELP duban_calendar_next_year_loaded Whether next year's State Council holiday notice is loaded.\n"
		    "# TYPE duban_calendar_next_year_loaded gauge\nduban_calendar_next_year_loaded %d\n"
		    "# HELP duban_calendar_years_missing Years the working-day calendar lacks today (this year; from 1 December the next): their reminders count weekends only.\n"
		    "# TYPE duban_calendar_years_missing gauge\nduban_calendar_years_missing %d\n",
		    g->calendar_next_loaded, g->calendar_missing);
	fclose(f);
	return (buf);
}
