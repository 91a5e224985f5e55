/*
 * duban db migrate | status: the schema.
 */
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "migrate.h"

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
cmd_db_migrate(struct cmd_ctx *ctx, struct args *args)
{
	enum migrate_result	 r;
	PGconn			*conn;
	struct migrate_done	 applied;
	char			*cause = NULL;
	int			 rc;

	(void)args;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	r = migrate_apply(conn, migrations_builtin, &applied, &cause);
	PQfinish(conn);
	if (r != MIGRATE_OK) {
		fprintf(stderr, "duban db migrate：%s\n", cause);
		if (applied.versions > 0)
			fprintf(stderr, "（出错前已应用 %d 个迁移）\n", applied.versions);
		free(cause);
		return (exit_for(r));
	}
	if (applied.versions == 0 && applied.code == 0)
		printf("数据库结构已是最新（版本 %d），无需迁移\n",
		    migrate_latest(migrations_builtin));
	else if (applied.versions == 0)
		printf("数据库结构版本 %d；已更新函数和视图（%d 个文件）\n",
		    migrate_latest(migrations_builtin), applied.code);
	else
		printf("已应用 %d 个迁移，数据库结构版本 %d；已更新函数和视图（%d 个文件）\n",
		    applied.versions, migrate_latest(migrations_builtin), applied.code);
	return (0);
}

const struct cmd_entry cmd_db_migrate_entry = {
	.name = "db migrate",
	.summary = "应用尚未应用的数据库迁移（每个迁移一个事务）",
	.exec = cmd_db_migrate,
};

static int
cmd_db_status(struct cmd_ctx *ctx, struct args *args)
{
	enum migrate_result	 r;
	PGconn			*conn;
	struct migrate_done	 pending;
	char			*cause = NULL;
	int			 rc, current;

	(void)args;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	r = migrate_check(conn, migrations_builtin, &current, &pending, &cause);
	PQfinish(conn);
	if (r != MIGRATE_OK) {
		fprintf(stderr, "duban db status：%s\n", cause);
		free(cause);
		return (exit_for(r));
	}
	printf("数据库结构版本 %d，本程序版本 %d，待应用迁移 %d 个，待更新的函数文件 %d 个\n",
	    current, migrate_latest(migrations_builtin), pending.versions, pending.code);
	return (pending.versions > 0 || pending.code > 0 ? 1 : 0);
}

const struct cmd_entry cmd_db_status_entry = {
	.name = "db status",
	.summary = "显示数据库结构版本；有待应用的迁移时退出码为 1",
	.exec = cmd_db_status,
};
