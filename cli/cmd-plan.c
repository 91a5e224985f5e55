/*
 * duban plan check | load | list: plan files and loaded plans.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "duban.h"
#include "load.h"
#include "migrate.h"
#include "plan.h"
#include "query.h"
#include "xmalloc.h"

/* Diagnostics that are about reading the file, not its data. */
static int
only_io_errors(const struct diags *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].line != 0 && !d->v[i].warning)
			return (0);
	return (diags_errors(d) > 0);
}

static int
cmd_plan_check(struct cmd_ctx *ctx, struct args *args)
{
	char *const		*argv = args_values(args);
	struct diags		 d;
	json_t			*plan, *t, *keys = json_object();
	size_t			 i, targets, milestones, before, warned;
	int			 f, rc = 0, strict = args_has(args, "strict");

	(void)ctx;
	diags_init(&d);
	for (f = 0; f < args_count(args); f++) {
		before = diags_errors(&d);
		warned = diags_warnings(&d);
		if ((plan = plan_read_file(argv[f], &d)) == NULL)
			continue;
		const char *key = json_string_value(json_object_get(plan, "key"));
		if (json_object_get(keys, key) != NULL) {
			diags_add(&d, argv[f], 1, 1, "计划键“%s”与 %s 重复", key,
			    json_string_value(json_object_get(keys, key)));
			json_decref(plan);
			continue;
		}
		json_object_set_new(keys, key, json_string(argv[f]));
		targets = milestones = 0;
		json_array_foreach(json_object_get(plan, "tasks"), i, t) {
			targets += json_array_size(json_object_get(t, "targets"));
			milestones += json_array_size(json_object_get(t,
			    "milestones"));
		}
		warned = diags_warnings(&d) - warned;
		if (diags_errors(&d) == before && (warned == 0 || !strict))
			printf("%s：有效（%s，任务 %zu 项，指标 %zu 个，节点 %zu 个%s）\n",
			    argv[f], key,
			    json_array_size(json_object_get(plan, "tasks")),
			    targets, milestones, warned > 0 ? "；有警告" : "");
		json_decref(plan);
	}
	json_decref(keys);
	diags_print(&d, stderr);
	if (diags_errors(&d) > 0)
		rc = only_io_errors(&d) ? EXIT_NOINPUT : EXIT_DATAERR;
	else if (strict && diags_warnings(&d) > 0) {
		fprintf(stderr, "duban plan check：有 %zu 个警告（--strict 视为错误）\n",
		    diags_warnings(&d));
		rc = EXIT_DATAERR;
	}
	diags_free(&d);
	return (rc);
}

const struct cmd_entry cmd_plan_check_entry = {
	.name = "plan check",
	.summary = "检查计划文件（不连接数据库）；有问题时逐条输出 文件:行:列: 说明，退出码 65（文件无法读取为 66）；"
	    "警告（如一个处室名称里写了两个处室）也逐条输出，退出码仍为 0",
	.args = {
		.options = (const struct args_option[]){
			{ "strict", 's', NULL, .help = "警告也视为错误：有警告时退出码 65" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "文件", .flags = ARGS_MULTI }, { NULL } },
		.wrong = "请给出至少一个计划文件",
	},
	.exec = cmd_plan_check,
};

/*
 * Refuses to go on when the schema is not what this binary expects,
 * saying what to do.  Returns 0 when it is.
 */
static int
require_schema(PGconn *conn)
{
	enum migrate_result	 r;
	struct migrate_done	 pending;
	int			 current;
	char			*cause = NULL;

	r = migrate_check(conn, migrations_builtin, &current, &pending, &cause);
	if (r != MIGRATE_OK) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (r == MIGRATE_ERROR ? EXIT_SOFTWARE : EXIT_DATAERR);
	}
	if (pending.versions > 0 || pending.code > 0) {
		fprintf(stderr, "duban：数据库结构尚未更新（版本 %d，需要 %d）：请先运行 duban db migrate\n",
		    current, migrate_latest(migrations_builtin));
		return (EXIT_CONFIG);
	}
	return (0);
}

static int
cmd_plan_load(struct cmd_ctx *ctx, struct args *args)
{
	struct diags		 d;
	json_t			*plans, *report;
	PGconn			*conn;
	char			*actor, *cause, now[48];
	int			 rc;

	/* Every file is validated before the database is touched. */
	diags_init(&d);
	plans = load_read_files(args_values(args), args_count(args), &d);
	if (plans == NULL) {
		diags_print(&d, stderr);
		fprintf(stderr, "duban plan load：计划文件有误，未导入任何内容\n");
		rc = only_io_errors(&d) ? EXIT_NOINPUT : EXIT_DATAERR;
		diags_free(&d);
		return (rc);
	}
	diags_print(&d, stderr);	/* warnings: loaded all the same */
	diags_free(&d);

	if ((conn = cmd_connect(ctx, &rc)) == NULL) {
		json_decref(plans);
		return (rc);
	}
	if ((rc = require_schema(conn)) != 0) {
		PQfinish(conn);
		json_decref(plans);
		return (rc);
	}
	if ((rc = cmd_now(now)) != 0) {	/* the clock the load records */
		PQfinish(conn);
		json_decref(plans);
		return (rc);
	}
	actor = cmd_actor();
	report = load_plans(conn, plans, actor, &cause);
	free(actor);
	PQfinish(conn);
	json_decref(plans);
	if (report == NULL) {
		fprintf(stderr, "duban plan load：导入失败，未导入任何内容：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	load_print_report(report, stdout);
	json_decref(report);
	return (0);
}

const struct cmd_entry cmd_plan_load_entry = {
	.name = "plan load",
	.summary = "导入计划文件：全部文件在一个事务中导入，任何一处有误则都不导入",
	.args = {
		.operands = (const struct args_operand[]){
			{ .name = "文件", .flags = ARGS_MULTI }, { NULL } },
		.wrong = "请给出至少一个计划文件",
	},
	.help = "重新导入未改动的文件不做任何修改；修改过的指标值、完成时限、牵头处室记入进度历史；\n"
	    "文件中删去的任务、指标、节点标记为撤销，不删除，进度保留。\n",
	.exec = cmd_plan_load,
};

static int
cmd_plan_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "编号", "计划", "年度", "发文单位",
	    "文号", "任务", "指标", "未明确牵头" };
	static const int widths[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	json_t			*plans, *p;
	struct table		*t;
	PGconn			*conn;
	size_t			 i;
	int			 rc;

	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	if ((rc = require_schema(conn)) != 0) {
		PQfinish(conn);
		return (rc);
	}
	plans = cmd_query_json(conn, QUERY_PLAN_LIST, 0, NULL);
	PQfinish(conn);
	if (plans == NULL)
		return (EXIT_SOFTWARE);
	if (args_has(args, "json")) {
		json_dumpf(plans, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(plans);
		return (0);
	}
	t = table_new(8, headers, widths);
	json_array_foreach(plans, i, p) {
		char	*id = xprintf("%lld", (long long)json_integer_value(
		    json_object_get(p, "id")));
		char	*year = xprintf("%lld", (long long)json_integer_value(
		    json_object_get(p, "year")));
		char	*tasks = xprintf("%lld", (long long)json_integer_value(
		    json_object_get(p, "tasks")));
		char	*targets = xprintf("%lld", (long long)json_integer_value(
		    json_object_get(p, "targets")));
		char	*un = xprintf("%lld", (long long)json_integer_value(
		    json_object_get(p, "unassigned")));
		const char *doc = json_string_value(json_object_get(p,
		    "document_number"));
		const char *cells[] = { id,
		    json_string_value(json_object_get(p, "key")), year,
		    json_string_value(json_object_get(p, "issuer")),
		    doc ? doc : "—", tasks, targets, un };

		table_add(t, cells);
		free(id);
		free(year);
		free(tasks);
		free(targets);
		free(un);
	}
	if (json_array_size(plans) == 0)
		printf("尚未导入任何计划（duban plan load plans/*.yaml）\n");
	else
		table_print(t, stdout);
	table_free(t);
	json_decref(plans);
	return (0);
}

const struct cmd_entry cmd_plan_list_entry = {
	.name = "plan list",
	.summary = "列出已导入的计划",
	.args = {
		.options = (const struct args_option[]){
			{ "json", 'j', NULL, .help = "以 JSON 数组输出" },
			{ NULL } },
	},
	.exec = cmd_plan_list,
};
