/*
 * duband's lifecycle (see server.h): start, signals as events, the stop
 * condition, the watchdog, READY/STOPPING, and applying a configuration.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <event2/event.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "auth.h"
#include "config.h"
#include "http.h"
#include "log.h"
#include "metrics.h"
#include "outbox.h"
#include "pool.h"
#include "reload.h"
#include "router.h"
#include "server.h"
#include "site.h"
#include "web.h"
#include "filetype.h"
#include "work.h"
#include "xmalloc.h"

/* The route groups, in the order they are matched. */
static const struct route *const server_routes[] = {
	api_health_routes,
	api_plan_sheet_routes,	/* before /api/v1/plans/{key} */
	api_lights_routes,
	api_read_routes,
	api_write_routes,
	api_reminder_routes,
	api_report_routes,
	api_dispatch_routes,
	api_feed_routes,
	api_session_routes,
	api_user_routes,
	api_workflow_routes,
	api_extension_routes,
	api_jiaoban_routes,
	api_completion_routes,
	api_file_routes,
	api_batch_routes,
	api_fill_routes,
	api_plan_routes,
	api_draft_routes,
	api_notice_routes,
	api_assess_routes,
	api_county_routes,
	NULL
};

struct server {
	struct event_base		*base;
	struct config			 cfg;	/* the running one */
	const struct config_source	*src;
	int				 verbose;	/* -v count, added to log_level */
	char				 bound[128];	/* the address listened on */

	struct pool			*pool;
	struct metrics			*metrics;
	struct work			*work;
	struct work			*crypt;
	struct work			*inspect;
	struct web			*web;	/* the pages, or NULL */
	struct auth_cache		*auth;
	struct site			*site;
	struct outbox			*outbox;
	struct http			*http;
	struct router			*router;
	struct reload			*reload;
	struct api			 api;	/* what the handlers reach */

	int				 stopping;
	int				 ready;	/* READY=1 sent */
	struct event			*ev_hup, *ev_term, *ev_int;
	struct event			*ev_watchdog, *ev_stop;
	struct event			*ev_ready;	/* READY=1 if the database is slow */
};

/* Links point at public_url, or at the address bound. */
static void
server_update_site(struct server *s)
{
	site_apply(s->site, s->cfg.public_url, s->bound, s->web != NULL);
}

/*
 * The stop condition: stopping, and every module idle.  Called by the
 * modules (through their idle callbacks) whenever something finishes.
 */
static void
server_check_stopped(void *arg)
{
	struct server	*s = arg;

	if (s->stopping && http_idle(s->http) &&
	    (s->outbox == NULL || outbox_idle(s->outbox)))
		event_base_loopexit(s->base, NULL);
}

/* The router's fallback: a page, when duband serves them. */
static int
server_page(struct req *r, void *arg)
{
	struct server	*s = arg;

	return (s->web != NULL && web_serve(s->web, r));
}

/* reload.c read a valid configuration: swap it in and apply it. */
static void
server_apply(struct config *next, struct web *web, const char *web_err, void *arg)
{
	struct server	*s = arg;

	config_keep_restart(&s->cfg, next);
	config_free(&s->cfg);
	s->cfg = *next;
	log_set_verbose(config_log_level(&s->cfg) + s->verbose);
	pool_reconfigure(s->pool, s->cfg.db, s->cfg.queue_max,
	    s->cfg.query_timeout * 1000);
	http_apply_limits(s->http);
	outbox_apply_config(s->outbox);
	log_notice("已重新加载配置");
	if (web_err != NULL)
		log_warnx("网页未重新读入，继续使用原来的：%s", web_err);
	else {
		/* Pages being sent have their bytes in evbuffers already. */
		web_free(s->web);
		s->web = web;
		web = NULL;
		if (*s->cfg.web_root == '\0') {
			web_free(s->web);
			s->web = NULL;
		}
	}
	web_free(web);
	server_update_site(s);
}

static void
on_notify(const char *channel, const char *payload, void *arg)
{
	struct server	*s = arg;

	if (strcmp(channel, "duban_tokens") == 0) {
		log_debug("令牌 %s 有变化，清空令牌缓存", payload);
		auth_flush(s->auth);
	} else if (strcmp(channel, "duban_outbox") == 0 && s->outbox != NULL)
		outbox_notify(s->outbox);
}

/*
 * READY=1 once a database connection is up, so that the first request
 * after it is served; or after a while without one, so that systemd is
 * not kept waiting by a database that went away after start-up.
 */
static void
send_ready(struct server *s)
{
	if (s->ready)
		return;
	s->ready = 1;
	sd_notifyf(0, "READY=1\nSTATUS=listening %s", s->bound);
}

static void
on_ready_timer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	send_ready(arg);
}

static void
on_db_state(int alive, void *arg)
{
	static int	 ever;
	struct server	*s = arg;

	/*
	 * No connection was listening for NOTIFY duban_tokens for a while:
	 * a revocation may have been missed.  Every token and session is
	 * asked again.
	 */
	auth_flush(s->auth);
	if (alive) {
		send_ready(s);
		if (s->outbox != NULL)
			outbox_wake(s->outbox);
	}
	if (alive && !ever)
		log_info("数据库连接就绪");
	else if (alive)
		log_notice("数据库连接已恢复");
	ever |= alive;
	/* Also for whoever watches the service: tests wait on it. */
	sd_notify(0, alive ? "STATUS=database up" : "STATUS=database down");
	if (alive)
		return;
	log_warnx("所有数据库连接都已断开：请求将答 503，连接会自动重试");
}

/*
 * A lost connection is back while others stayed up: what was notified
 * meanwhile may have reached no listener.  Read it again.
 */
static void
on_relisten(void *arg)
{
	struct server	*s = arg;

	auth_flush(s->auth);
	if (s->outbox != NULL)
		outbox_notify(s->outbox);
}

static void
on_stop_timer(evutil_socket_t fd, short what, void *arg)
{
	struct server	*s = arg;
	int		 conns, inflight;

	(void)fd;
	(void)what;
	http_counts(s->http, &conns, &inflight);
	log_warnx("%d 个请求在 %d 秒内未完成，强制退出", inflight,
	    s->cfg.shutdown_timeout);
	event_base_loopexit(s->base, NULL);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server	*s = arg;
	struct timeval	 tv;
	int		 conns, inflight;

	(void)what;
	if (sig == SIGHUP) {
		if (!s->stopping)
			reload_start(s->reload);
		return;
	}
	if (s->stopping) {
		log_notice("再次收到信号，立即退出");
		event_base_loopbreak(s->base);
		return;
	}
	http_counts(s->http, &conns, &inflight);
	log_notice("收到 %s：停止接受新请求，处理完进行中的 %d 个请求后退出",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT", inflight);
	s->stopping = 1;
	http_close(s->http);
	outbox_close(s->outbox);
	reload_close(s->reload);
	sd_notify(0, "STOPPING=1");
	tv.tv_sec = s->cfg.shutdown_timeout;
	tv.tv_usec = 0;
	s->ev_stop = evtimer_new(s->base, on_stop_timer, s);
	evtimer_add(s->ev_stop, &tv);
	server_check_stopped(s);
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	/* Sent from the loop: a stuck loop stops the pings. */
	sd_notify(0, "WATCHDOG=1");
}

/* Frees what start-up made, however far it got. */
static void
server_free(struct server *s)
{
	/* First: a finished job would still answer its request. */
	work_free(s->work);
	work_free(s->crypt);
	work_free(s->inspect);
	web_free(s->web);
	s->web = NULL;
	if (s->outbox != NULL)
		outbox_close(s->outbox);
	/* Queries still waiting are failed: their requests are answered. */
	if (s->pool != NULL)
		pool_free(s->pool);
	if (s->outbox != NULL)
		outbox_free(s->outbox);
	http_free(s->http);
	router_free(s->router);
	if (s->ev_hup != NULL) {
		event_free(s->ev_hup);
		event_free(s->ev_term);
		event_free(s->ev_int);
	}
	reload_free(s->reload);
	if (s->ev_watchdog != NULL)
		event_free(s->ev_watchdog);
	if (s->ev_stop != NULL)
		event_free(s->ev_stop);
	if (s->ev_ready != NULL)
		event_free(s->ev_ready);
	if (s->auth != NULL)
		auth_free(s->auth);
	if (s->metrics != NULL)
		metrics_free(s->metrics);
	site_free(s->site);
	filetype_end();
	config_free(&s->cfg);
	if (s->base != NULL)
		event_base_free(s->base);
	free(s);
}

int
server_run(struct config *cfg, const struct config_source *src, int verbose)
{
	struct server		*s;
	struct pool_opts	 po;
	struct timeval		 tv;
	uint64_t		 wd_usec;
	size_t			 i;
	char			*cause;
	int			 rc;

	s = xcalloc(1, sizeof *s);
	s->cfg = *cfg;
	memset(cfg, 0, sizeof *cfg);
	s->src = src;
	s->verbose = verbose;
	s->api.started = time(NULL);
	/*
	 * With the changelist, epoll_ctl calls are coalesced until the next
	 * epoll_wait: evhttp enables and disables a connection's events
	 * several times per request.
	 */
	{
		struct event_config *ec = event_config_new();

		event_config_set_flag(ec, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
		s->base = event_base_new_with_config(ec);
		event_config_free(ec);
		if (s->base == NULL)
			s->base = event_base_new();
	}
	s->metrics = metrics_new();
	/* Reports: two renderers.  Passwords: two hashers (19 MiB each) and
	 * room for a burst of sign-ins, answered 503 beyond it. */
	s->work = work_new(s->base, 2, 16);
	s->crypt = work_new(s->base, 2, 64);
	/* Evidence files' types: quick, but never on the loop. */
	s->inspect = work_new(s->base, 2, 512);
	if (filetype_init(&cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		rc = EX_CONFIG;
		goto out;
	}
	if (*s->cfg.web_root != '\0') {
		/* Pages that cannot be read are no reason not to serve the API. */
		if ((s->web = web_load(s->cfg.web_root, &cause)) == NULL) {
			log_warnx("不提供网页：%s", cause);
			free(cause);
		} else
			log_notice("网页：%s（%zu 个文件）", s->cfg.web_root, web_count(s->web));
	}
	s->auth = auth_new(&s->cfg);
	s->site = site_new();
	memset(&po, 0, sizeof po);
	po.conninfo = s->cfg.db;
	po.size = s->cfg.pool_size;
	po.queue_max = s->cfg.queue_max;
	po.query_timeout_ms = s->cfg.query_timeout * 1000;
	po.pipeline_depth = s->cfg.pipeline_depth;
	po.application_name = "duband";
	po.setup_sql = "LISTEN duban_tokens; LISTEN duban_outbox";
	po.notify_cb = on_notify;
	po.state_cb = on_db_state;
	po.relisten_cb = on_relisten;
	po.arg = s;
	s->pool = pool_new(s->base, &po);
	s->outbox = outbox_new(s->base, &s->cfg, s->pool, s->site);
	outbox_set_idle_cb(s->outbox, server_check_stopped, s);

	s->api.cfg = &s->cfg;
	s->api.pool = s->pool;
	s->api.work = s->work;
	s->api.crypt = s->crypt;
	s->api.inspect = s->inspect;
	s->api.auth = s->auth;
	s->api.metrics = s->metrics;
	s->api.outbox = s->outbox;
	s->api.site = s->site;
	s->router = router_new(&s->api);
	for (i = 0; server_routes[i] != NULL; i++)
		router_add(s->router, server_routes[i]);
	router_set_gate(s->router, auth_request, s->auth);
	router_set_fallback(s->router, server_page, s);
	s->http = http_new(s->base, &s->cfg, s->pool, s->metrics);
	http_set_handler(s->http, router_dispatch, s->router);
	http_set_stream_match(s->http, router_streams, s->router);
	http_set_idle_cb(s->http, server_check_stopped, s);
	if (http_listen(s->http) != 0) {
		rc = EX_UNAVAILABLE;
		goto out;
	}
	http_bound_address(s->http, s->bound, sizeof s->bound);
	server_update_site(s);

	if ((s->reload = reload_new(s->base, s->pool, s->src, server_apply, s)) == NULL)
		fatal("pipe");
	s->ev_hup = evsignal_new(s->base, SIGHUP, on_signal, s);
	s->ev_term = evsignal_new(s->base, SIGTERM, on_signal, s);
	s->ev_int = evsignal_new(s->base, SIGINT, on_signal, s);
	evsignal_add(s->ev_hup, NULL);
	evsignal_add(s->ev_term, NULL);
	evsignal_add(s->ev_int, NULL);
	if (sd_watchdog_enabled(0, &wd_usec) > 0) {
		tv.tv_sec = (time_t)(wd_usec / 2 / 1000000);
		tv.tv_usec = (suseconds_t)(wd_usec / 2 % 1000000);
		s->ev_watchdog = event_new(s->base, -1, EV_PERSIST, on_watchdog, s);
		event_add(s->ev_watchdog, &tv);
	}
	log_notice("正在监听 http://%s", s->bound);
	tv.tv_sec = 10;
	tv.tv_usec = 0;
	s->ev_ready = evtimer_new(s->base, on_ready_timer, s);
	evtimer_add(s->ev_ready, &tv);

	event_base_dispatch(s->base);

	log_notice("duband 已退出");
	rc = 0;
out:
	server_free(s);
	return (rc);
}
