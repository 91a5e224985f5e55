/*
 * duband: one libevent loop serving the HTTP JSON API and the pages over
 * a pool of non-blocking PostgreSQL connections, and sending reminders.
 * See duband(8).  This file: options, the -n check, and what start-up
 * does before serving (migrations, plans); then server.c takes over.
 *
 * The modules, in layers: each calls only modules in the layers below
 * its own (scripts/check-calls, the daemon-layers test, reads the calls
 * from the object files and fails on any cycle).  A lower module reaches
 * a higher one only through a callback the higher one registered ("cb").
 *
 *   main.c       options, -n, migrations and plans at start-up
 *   ------------------------------------------------------------------
 *   server.c     lifecycle: builds and frees the rest, signals, the stop
 *                condition (asks each module whether it is idle), the
 *                watchdog, READY/STOPPING, the public base address
 *   ------------------------------------------------------------------
 *   api-*.c      the route groups' handlers (api.h)
 *   reload.c     SIGHUP: files read off the loop         -> apply cb
 *   ------------------------------------------------------------------
 *   auth.c       who is asking, and may they: the gate
 *   idem.c       Idempotency-Key: taken, marked with the
 *                write, the answer kept                  -> req hooks
 *   ------------------------------------------------------------------
 *   router.c     route tables, 404, 405                  -> gate cb,
 *                                                           pages cb
 *   web.c        the pages, from memory
 *   http-reply.c answers built from database rows (status
 *                and body, JSON rows, failed queries)
 *   ------------------------------------------------------------------
 *   http.c       transport: evhttp, limits, connections,
 *                requests, replies                       -> handler cb,
 *                                                           idle cb
 *   outbox.c     reminders: sweeps, claims, deliveries   -> idle cb
 *   ------------------------------------------------------------------
 *   pool.c       PostgreSQL, non-blocking                -> state cb,
 *                                                           notify cb
 *   fetch.c      libcurl on the loop
 *   work.c       worker threads
 *   metrics.c    counters and histograms
 *   site.c       the public base address
 *   body.c       write requests' JSON bodies, checked (pure)
 *   conn-errors.c  libevent's error pages as problem+json (pure)
 *   config.c     the configuration table
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "diag.h"
#include "load.h"
#include "log.h"
#include "migrate.h"
#include "server.h"
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
check_only(const struct config *cfg)
{
	struct diags	 d;
	json_t		*plans;
	char		**paths, *cause;
	int		 n;

	if (*cfg->plans != '\0') {
		if (load_list_dir(cfg->plans, &paths, &n, &cause) != 0) {
			fprintf(stderr, "duband：%s\n", cause);
			free(cause);
			return (EX_CONFIG);
		}
		diags_init(&d);
		plans = load_read_files(paths, n, &d);
		diags_print(&d, stderr);
		diags_free(&d);
		load_free_list(paths, n);
		if (plans == NULL)
			return (EX_DATAERR);
		json_decref(plans);
	}
	printf("configuration OK\n");
	return (0);
}

/* The plans of the directory that the page has loaded anew since. */
static void
log_skipped(json_t *report)
{
	json_t	*r;
	size_t	 i;

	json_array_foreach(report, i, r)
		if (json_is_true(json_object_get(r, "skipped")))
			log_notice("计划 %s 未按计划目录重新导入：局办公室（%s）已于 %.16s "
			    "在页面导入了新的版本", json_string_value(json_object_get(r, "plan")),
			    json_string_value(json_object_get(r, "uploaded_by")),
			    json_string_value(json_object_get(r, "uploaded_at")));
}

/*
 * Before the loop runs: connect (waiting for a database that is still
 * starting), apply pending migrations, load the plans directory.
 * Blocking is fine here; nothing is being served yet.
 */
static int
prepare_database(const struct config *cfg)
{
	enum migrate_result	 r;
	struct diags		 d;
	PGconn			*conn = NULL;
	json_t			*plans, *report;
	char			*cause = NULL, **paths;
	struct migrate_done	 applied;
	int			 i, n;

	for (i = 0; i < STARTUP_DB_ATTEMPTS; i++) {
		if ((conn = db_connect(cfg->db, "duband", &cause)) != NULL)
			break;
		if (i == 0)
			log_warnx("%s；等待数据库启动", cause);
		free(cause);
		sleep(1);
	}
	if (conn == NULL) {
		log_crit("%d 秒内无法连接数据库，退出", STARTUP_DB_ATTEMPTS);
		return (EX_UNAVAILABLE);
	}
	r = migrate_apply(conn, migrations_builtin, &applied, &cause);
	if (r != MIGRATE_OK) {
		log_crit("拒绝启动：%s", cause);
		free(cause);
		PQfinish(conn);
		return (r == MIGRATE_ERROR ? EX_SOFTWARE : EX_CONFIG);
	}
	if (applied.versions > 0)
		log_notice("已应用 %d 个数据库迁移，结构版本 %d", applied.versions,
		    migrate_latest(migrations_builtin));
	if (applied.code > 0)
		log_notice("已更新数据库中的函数和视图（%d 个文件）", applied.code);
	db_clock_share(conn);	/* DUBAN_NOW: the CLI's clock too */
	if (*cfg->plans != '\0') {
		if (load_list_dir(cfg->plans, &paths, &n, &cause) != 0) {
			log_crit("%s", cause);
			free(cause);
			PQfinish(conn);
			return (EX_CONFIG);
		}
		diags_init(&d);
		plans = load_read_files(paths, n, &d);
		load_free_list(paths, n);
		for (size_t k = 0; k < d.n; k++) {
			if (d.v[k].warning)
				log_warnx("%s:%d:%d: 警告：%s", d.v[k].file,
				    d.v[k].line, d.v[k].col, d.v[k].msg);
			else
				log_crit("%s:%d:%d: %s", d.v[k].file,
				    d.v[k].line, d.v[k].col, d.v[k].msg);
		}
		if (plans == NULL) {
			diags_free(&d);
			PQfinish(conn);
			return (EX_DATAERR);
		}
		diags_free(&d);
		report = load_directory(conn, plans, "duband（启动时导入）", &cause);
		if (report == NULL) {
			log_crit("导入计划失败：%s", cause);
			free(cause);
			PQfinish(conn);
			return (EX_SOFTWARE);
		}
		log_skipped(report);
		json_decref(report);
		log_notice("已导入计划目录 %s（%d 个文件）", cfg->plans, n);
	}
	PQfinish(conn);
	return (0);
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
	/* Read again by every reload: the command line wins over the file. */
	struct config_source	 src = { .path = CONFIG_DEFAULT_PATH };
	struct config		 cfg;
	char			*cause;
	int			 ch, check = 0, verbose = 0, rc;

	while ((ch = getopt_long(argc, argv, "nc:l:vhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			check = 1;
			break;
		case 'c':
			src.path = optarg;
			src.must_exist = 1;
			break;
		case 'l':
			src.listen = optarg;
			break;
		case 'd':
			src.db = optarg;
			break;
		case 'p':
			src.plans = optarg;
			break;
		case 'w':
			src.web = optarg;
			break;
		case 'e':
			config_write_example(stdout);
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
			return (0);
		default:
			usage(stderr);
			return (EX_USAGE);
		}
	}
	if (optind != argc) {
		usage(stderr);
		return (EX_USAGE);
	}
	log_init("duband", LOG_MODE_DAEMON, 1);
	if (config_load(&src, &cfg, &cause) != 0) {
		log_crit("%s", cause);
		free(cause);
		return (EX_CONFIG);
	}
	log_set_verbose(config_log_level(&cfg) + verbose);
	if (clock_init(&cause) != 0) {
		log_crit("%s", cause);
		free(cause);
		rc = EX_CONFIG;
		goto out;
	}
	if (check) {
		rc = check_only(&cfg);
		goto out;
	}
	if (*cfg.db == '\0') {
		log_crit("未指定数据库：请在配置文件中写 db，或设置 DUBAN_DB，或使用 --db");
		rc = EX_CONFIG;
		goto out;
	}
	log_notice("duband %s 启动（libevent %s，libpq %d）", DUBAN_VERSION,
	    event_get_version(), PQlibVersion());
	signal(SIGPIPE, SIG_IGN);
	if ((rc = prepare_database(&cfg)) != 0)
		goto out;
	return (server_run(&cfg, &src, verbose));
out:
	config_free(&cfg);
	return (rc);
}
