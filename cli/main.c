/*
 * duban: the command-line tool.  `duban GROUP ACTION [options] [args]`.
 */
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "duban.h"
#include "log.h"
#include "xmalloc.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_db_migrate_entry,
	&cmd_db_status_entry,
	&cmd_plan_check_entry,
	&cmd_plan_load_entry,
	&cmd_plan_list_entry,
	&cmd_task_list_entry,
	&cmd_task_show_entry,
	&cmd_milestone_update_entry,
	&cmd_target_set_entry,
	&cmd_dispatch_open_entry,
	&cmd_dispatch_show_entry,
	&cmd_dispatch_close_entry,
	&cmd_dispatch_list_entry,
	&cmd_report_quarterly_entry,
	&cmd_reminder_preview_entry,
	&cmd_reminder_list_entry,
	&cmd_reminder_retry_entry,
	&cmd_reminder_sweep_entry,
	&cmd_reminder_config_entry,
	&cmd_office_list_entry,
	&cmd_office_set_entry,
	&cmd_person_set_entry,
	&cmd_calendar_load_entry,
	&cmd_calendar_show_entry,
	&cmd_calendar_close_entry,
	&cmd_calendar_open_entry,
	&cmd_feed_create_entry,
	&cmd_feed_list_entry,
	&cmd_feed_revoke_entry,
	&cmd_token_create_entry,
	&cmd_token_list_entry,
	&cmd_token_revoke_entry,
	&cmd_token_verify_entry,
	NULL
};

static void
usage(FILE *f)
{
	const struct cmd_entry *const *e;

	fprintf(f, "用法：duban [--db 连接串] 命令 [选项] [参数]\n\n命令：\n");
	for (e = cmd_table; *e != NULL; e++)
		fprintf(f, "  %-18s %s\n", (*e)->name, (*e)->summary);
	fprintf(f, "\n全局选项：\n"
	    "  --db 连接串   PostgreSQL 连接串（libpq conninfo），默认取环境变量 DUBAN_DB\n"
	    "  -v            输出更多信息\n"
	    "  --version     显示版本\n"
	    "  --help        显示本帮助；每个命令都接受 --help\n\n"
	    "详见 duban(1)、duban-plan(5)。\n");
}

void
cmd_print_help(const struct cmd_entry *e, FILE *f)
{
	fprintf(f, "用法：duban %s %s\n%s\n", e->name, e->usage, e->summary);
	if (e->help != NULL)
		fprintf(f, "\n%s", e->help);
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "duban %s：%s\n用法：duban %s %s\n（duban %s --help 查看说明）\n",
	    e->name, msg, e->name, e->usage, e->name);
	free(msg);
	return (EXIT_USAGE);
}

PGconn *
cmd_connect(struct cmd_ctx *ctx, int *exitcode)
{
	const char	*conninfo = db_conninfo(ctx->db);
	PGconn		*conn;
	char		*cause;

	if (conninfo == NULL) {
		fprintf(stderr, "duban：未指定数据库：请设置环境变量 DUBAN_DB 或使用 --db 连接串\n");
		*exitcode = EXIT_CONFIG;
		return (NULL);
	}
	if ((conn = db_connect(conninfo, "duban", &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		*exitcode = EXIT_UNAVAIL;
		return (NULL);
	}
	return (conn);
}

json_t *
cmd_query_json(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult	*res;
	json_t		*doc;
	json_error_t	 jerr;
	char		*cause;

	if ((res = db_exec(conn, sql, n, params, &cause)) == NULL) {
		fprintf(stderr, "duban：查询失败：%s\n", cause);
		free(cause);
		return (NULL);
	}
	doc = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	PQclear(res);
	if (doc == NULL)
		fprintf(stderr, "duban：无法解析查询结果：%s\n", jerr.text);
	return (doc);
}

int
cmd_id_arg(const char *s)
{
	char	*end;

	return (strtoll(s, &end, 10) > 0 && *end == '\0');
}

char *
cmd_actor(void)
{
	struct passwd	*pw = getpwuid(getuid());
	char		 host[256];

	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	return (xprintf("%s@%s", pw ? pw->pw_name : "unknown", host));
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry *const *e;
	struct cmd_ctx	 ctx = { NULL, "duban" };
	char		 name[64];
	int		 ch, verbose = 0, help = 0;

	/* Options before the command only: "+" stops at the first word. */
	while ((ch = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			ctx.db = optarg;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return (0);
		case 'V':
			printf("duban %s\n", DUBAN_VERSION);
			return (0);
		default:
			usage(stderr);
			return (EXIT_USAGE);
		}
	}
	log_init("duban", LOG_MODE_CLI, verbose);
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return (EXIT_USAGE);
	}
	if (argc >= 1 && strcmp(argv[0], "help") == 0) {
		if (argc == 1) {
			usage(stdout);
			return (0);
		}
		help = 1;
		argv++;
		argc--;
	}
	for (e = cmd_table; argc >= 2 && *e != NULL; e++) {
		snprintf(name, sizeof name, "%s %s", argv[0], argv[1]);
		if (strcmp((*e)->name, name) != 0)
			continue;
		/*
		 * Each command sees argv from its action word.  optind = 0
		 * makes glibc start afresh (the "+" parse above left state).
		 */
		if (help) {
			cmd_print_help(*e, stdout);
			return (0);
		}
		optind = 0;
		return ((*e)->exec(&ctx, argc - 1, argv + 1));
	}
	fprintf(stderr, "duban：未知命令“%s%s%s”\n\n", argv[0], argc >= 2 ? " " : "",
	    argc >= 2 ? argv[1] : "");
	usage(stderr);
	return (EXIT_USAGE);
}
