/*
 * duban db migrate | status: the schema.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "migrate.h"

static int
help_only(const struct cmd_entry *e, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		}
		return (cmd_usage_error(e, "无效的选项"));
	}
	if (optind != argc)
		return (cmd_usage_error(e, "多余的参数“%s”", argv[optind]));
	return (-1);
}

static int
exit_for(enum migrate_result r)
{
	switch (r) {
	case MIGRATE_OK:
		return (0);
	case MIGRATE_ERROR:
		return (EXIT_SOFTWARE);
	case MIGRATE_EDITED:
	case MIGRATE_NEWER:
		return (EXIT_DATAERR);
	}
	return (EXIT_SOFTWARE);
}

static int
cmd_db_migrate(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum migrate_result	 r;
	PGconn			*conn;
	char			*cause = NULL;
	int			 rc, applied;

	if ((rc = help_only(&cmd_db_migrate_entry, argc, argv)) >= 0)
		return (rc);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	r = migrate_apply(conn, migrations_builtin, &applied, &cause);
	PQfinish(conn);
	if (r != MIGRATE_OK) {
		fprintf(stderr, "duban db migrate：%s\n", cause);
		if (applied > 0)
			fprintf(stderr, "（出错前已应用 %d 个迁移）\n", applied);
		free(cause);
		return (exit_for(r));
	}
	if (applied == 0)
		printf("数据库结构已是最新（版本 %d），无需迁移\n",
		    migrate_latest(migrations_builtin));
	else
		printf("已应用 %d 个迁移，数据库结构版本 %d\n", applied,
		    migrate_latest(migrations_builtin));
	return (0);
}

const struct cmd_entry cmd_db_migrate_entry = {
	.name = "db migrate",
	.usage = "",
	.summary = "应用尚未应用的数据库迁移（每个迁移一个事务）",
	.help = NULL,
	.exec = cmd_db_migrate,
};

static int
cmd_db_status(struct cmd_ctx *ctx, int argc, char **argv)
{
	enum migrate_result	 r;
	PGconn			*conn;
	char			*cause = NULL;
	int			 rc, current, pending;

	if ((rc = help_only(&cmd_db_status_entry, argc, argv)) >= 0)
		return (rc);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	r = migrate_check(conn, migrations_builtin, &current, &pending, &cause);
	PQfinish(conn);
	if (r != MIGRATE_OK) {
		fprintf(stderr, "duban db status：%s\n", cause);
		free(cause);
		return (exit_for(r));
	}
	printf("数据库结构版本 %d，本程序版本 %d，待应用迁移 %d 个\n", current,
	    migrate_latest(migrations_builtin), pending);
	return (pending > 0 ? 1 : 0);
}

const struct cmd_entry cmd_db_status_entry = {
	.name = "db status",
	.usage = "",
	.summary = "显示数据库结构版本；有待应用的迁移时退出码为 1",
	.help = NULL,
	.exec = cmd_db_status,
};
