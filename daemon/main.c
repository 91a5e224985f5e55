/*
 * duband: options, start-up (configuration, migrations, plans), the
 * loop, signals as events, the systemd watchdog, and shutdown.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>
#include <systemd/sd-daemon.h>

#include "clock.h"
#include "db.h"
#include "diag.h"
#include "duband.h"
#include "load.h"
#include "log.h"
#include "migrate.h"
#include "xmalloc.h"

#define STARTUP_DB_ATTEMPTS	30

static void
usage(FILE *f)
{
	fprintf(f, "用法：duband [-n] [-v] [-c 配置文件] [-l 地址:端口] [--db 连接串] [--plans 目录]"
	    " [--web 目录]\n"
	    "  -n, --check          只检查配置和计划文件，输出 configuration OK 后退出\n"
	    "  -c, --config 文件    配置文件（默认 %s）\n"
	    "  -l, --listen 地址    HTTP 监听地址，如 127.0.0.1:8080\n"
	    "      --db 连接串      PostgreSQL 连接串（也可用环境变量 DUBAN_DB）\n"
	    "      --plans 目录     启动和 SIGHUP 时导入的计划目录\n"
	    "      --web 目录       网页文件目录（配置项 web_root）\n"
	    "      --example-config 输出带说明的配置文件样例\n"
	    "  -v                   日志比 log_level 详细一级（可重复）\n"
	    "信号：SIGHUP 重新加载配置和计划；SIGTERM/SIGINT 停止接受请求，处理完后退出。\n",
	    CONFIG_DEFAULT_PATH);
}


/* -n: the configuration and the plans, checked without side effects. */
static int
check_only(struct server *s)
{
	struct diags	 d;
	json_t		*plans;
	char		**paths, *cause;
	int		 n;

	if (*s->cfg.plans != '\0') {
		if (load_list_dir(s->cfg.plans, &paths, &n, &cause) != 0) {
			fprintf(stderr, "duband：%s\n", cause);
			free(cause);
			return (EXIT_CONFIG);
		}
		diags_init(&d);
		plans = load_read_files(paths, n, &d);
		diags_print(&d, stderr);
		diags_free(&d);
		load_free_list(paths, n);
		if (plans == NULL)
			return (EXIT_DATAERR);
		json_decref(plans);
	}
	printf("configuration OK\n");
	return (0);
}

/*
 * Before the loop runs: connect (waiting for a database that is still
 * starting), apply pending migrations, load the plans directory.
 * Blocking is fine here; nothing is being served yet.
 */
static int
prepare_database(struct server *s)
{
	enum migrate_result	 r;
	struct diags		 d;
	PGconn			*conn = NULL;
	json_t			*plans, *report;
	char			*cause = NULL, **paths;
	int			 i, applied, n;

	for (i = 0; i < STARTUP_DB_ATTEMPTS; i++) {
		if ((conn = db_connect(s->cfg.db, "duband", &cause)) != NULL)
			break;
		if (i == 0)
			log_warnx("%s；等待数据库启动", cause);
		free(cause);
		sleep(1);
	}
	if (conn == NULL) {
		log_crit("%d 秒内无法连接数据库，退出", STARTUP_DB_ATTEMPTS);
		return (EXIT_UNAVAIL);
	}
	r = migrate_apply(conn, migrations_builtin, &applied, &cause);
	if (r != MIGRATE_OK) {
		log_crit("拒绝启动：%s", cause);
		free(cause);
		PQfinish(conn);
		return (r == MIGRATE_ERROR ? EXIT_SOFTWARE : EXIT_CONFIG);
	}
	if (applied > 0)
		log_notice("已应用 %d 个数据库迁移，结构版本 %d", applied,
		    migrate_latest(migrations_builtin));
	if (*s->cfg.plans != '\0') {
		if (load_list_dir(s->cfg.plans, &paths, &n, &cause) != 0) {
			log_crit("%s", cause);
			free(cause);
			PQfinish(conn);
			return (EXIT_CONFIG);
		}
		diags_init(&d);
		plans = load_read_files(paths, n, &d);
		load_free_list(paths, n);
		if (plans == NULL) {
			for (size_t k = 0; k < d.n; k++)
				log_crit("%s:%d:%d: %s", d.v[k].file, d.v[k].line,
				    d.v[k].col, d.v[k].msg);
			diags_free(&d);
			PQfinish(conn);
			return (EXIT_DATAERR);
		}
		diags_free(&d);
		report = load_plans(conn, plans, "duband（启动时导入）", &cause);
		json_decref(plans);
		if (report == NULL) {
			log_crit("导入计划失败：%s", cause);
			free(cause);
			PQfinish(conn);
			return (EXIT_SOFTWARE);
		}
		json_decref(report);
		log_notice("已导入计划目录 %s（%d 个文件）", s->cfg.plans, n);
	}
	PQfinish(conn);
	return (0);
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
	char	 addr[128];

	if (s->ready)
		return;
	s->ready = 1;
	http_bound_address(s, addr, sizeof addr);
	sd_notifyf(0, "READY=1\nSTATUS=listening %s", addr);
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

static void
on_stop_timer(evutil_socket_t fd, short what, void *arg)
{
	struct server	*s = arg;

	(void)fd;
	(void)what;
	log_warnx("%d 个请求在 %d 秒内未完成，强制退出", s->inflight,
	    s->cfg.shutdown_timeout);
	event_base_loopexit(s->base, NULL);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct server	*s = arg;
	struct timeval	 tv;

	(void)what;
	if (sig == SIGHUP) {
		if (!s->stopping)
			reload_start(s);
		return;
	}
	if (s->stopping) {
		log_notice("再次收到信号，立即退出");
		event_base_loopbreak(s->base);
		return;
	}
	log_notice("收到 %s：停止接受新请求，处理完进行中的 %d 个请求后退出",
	    sig == SIGTERM ? "SIGTERM" : "SIGINT", s->inflight);
	s->stopping = 1;
	http_stop_listening(s);
	outbox_close(s->outbox);
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
	web_free(s->web);
	if (s->outbox != NULL)
		outbox_close(s->outbox);
	if (s->pool != NULL)
		pool_free(s->pool);
	if (s->outbox != NULL)
		outbox_free(s->outbox);
	if (s->bound != NULL)
		http_stop_listening(s);
	if (s->http != NULL)
		evhttp_free(s->http);
	if (s->ev_hup != NULL) {
		event_free(s->ev_hup);
		event_free(s->ev_term);
		event_free(s->ev_int);
	}
	if (s->ev_reload != NULL) {
		reload_shutdown(s);
		event_free(s->ev_reload);
		close(s->reload_pipe[0]);
		close(s->reload_pipe[1]);
	}
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
	config_free(&s->cfg);
	if (s->base != NULL)
		event_base_free(s->base);
	free(s->config_path);
	free(s);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "check", no_argument, NULL, 'n' },
		{ "config", required_argument, NULL, 'c' },
		{ "listen", required_argument, NULL, 'l' },
		{ "db", required_argument, NULL, 'd' },
		{ "plans", required_argument, NULL, 'p' },
		{ "web", required_argument, NULL, 'w' },
		{ "example-config", no_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct server		*s;
	struct pool_opts	 po;
	struct timeval		 tv;
	uint64_t		 wd_usec;
	char			*cause, addr[128];
	int			 ch, check = 0, verbose = 0, rc;

	s = xcalloc(1, sizeof *s);
	s->config_path = xstrdup(CONFIG_DEFAULT_PATH);
	while ((ch = getopt_long(argc, argv, "nc:l:vhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			check = 1;
			break;
		case 'c':
			free(s->config_path);
			s->config_path = xstrdup(optarg);
			s->config_given = 1;
			break;
		case 'l':
			s->flag_listen = optarg;
			break;
		case 'd':
			s->flag_db = optarg;
			break;
		case 'p':
			s->flag_plans = optarg;
			break;
		case 'w':
			s->flag_web = optarg;
			break;
		case 'e':
			config_write_example(stdout);
			free(s->config_path);
			free(s);
			return (0);
		case 'v':
			verbose++;
			break;
		case 'h':
		case 'V':
			if (ch == 'h')
				usage(stdout);
			else
				printf("duband %s\n", DUBAN_VERSION);
			free(s->config_path);
			free(s);
			return (0);
		default:
			usage(stderr);
			free(s->config_path);
			free(s);
			return (EXIT_USAGE);
		}
	}
	if (optind != argc) {
		usage(stderr);
		free(s->config_path);
		free(s);
		return (EXIT_USAGE);
	}
	log_init("duband", LOG_MODE_DAEMON, 1);
	if (server_read_config(s, &s->cfg, &cause) != 0) {
		log_crit("%s", cause);
		free(cause);
		free(s->config_path);
		free(s);
		return (EXIT_CONFIG);
	}
	s->verbose = verbose;
	log_set_verbose(config_log_level(&s->cfg) + verbose);
	if (clock_init(&cause) != 0) {
		log_crit("%s", cause);
		free(cause);
		rc = EXIT_CONFIG;
		goto out;
	}
	if (check) {
		rc = check_only(s);
		goto out;
	}
	if (*s->cfg.db == '\0') {
		log_crit("未指定数据库：请在配置文件中写 db，或设置 DUBAN_DB，或使用 --db");
		rc = EXIT_CONFIG;
		goto out;
	}
	log_notice("duband %s 启动（libevent %s，libpq %d）", DUBAN_VERSION,
	    event_get_version(), PQlibVersion());
	signal(SIGPIPE, SIG_IGN);
	if ((rc = prepare_database(s)) != 0)
		goto out;

	s->started = time(NULL);
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
	s->work = work_new(s->base);
	if (*s->cfg.web_root != '\0') {
		/* Pages that cannot be read are no reason not to serve the API. */
		if ((s->web = web_load(s->cfg.web_root, &cause)) == NULL) {
			log_warnx("不提供网页：%s", cause);
			free(cause);
		} else
			log_notice("网页：%s（%zu 个文件）", s->cfg.web_root, web_count(s->web));
	}
	s->auth = auth_new();
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
	po.arg = s;
	s->outbox = outbox_new(s);
	s->pool = pool_new(s->base, &po);
	if (http_start(s) != 0) {
		rc = EXIT_UNAVAIL;
		goto out;
	}
	if (reload_init(s) != 0)
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
	http_bound_address(s, addr, sizeof addr);
	log_notice("正在监听 http://%s", addr);
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
