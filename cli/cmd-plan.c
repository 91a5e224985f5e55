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

/* A value of a plan field as the preview shows it: short, on one line. */
static char *
preview_value(const json_t *v)
{
	const char	*s;
	char		*out;
	size_t		 n, i, chars;

	if (v == NULL || json_is_null(v))
		return (xstrdup("（空）"));
	if (!json_is_string(v))
		return (json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT));
	s = json_string_value(v);
	/* At most 40 characters, newlines as spaces. */
	for (n = 0, chars = 0; s[n] != '\0' && chars < 40; n++)
		if (((unsigned char)s[n] & 0xc0) != 0x80)
			chars++;
	while (((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	out = xprintf("%.*s%s", (int)n, s, s[n] != '\0' ? "…" : "");
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == '\n' || out[i] == '\r' || out[i] == '\t')
			out[i] = ' ';
	return (out);
}

/* What has been reported against an item: "已有进度 3 条" / "已报 1200 个". */
static void
preview_reported(const json_t *r, FILE *f)
{
	const json_t	*cur;
	char		*v;

	if (r == NULL)
		return;
	if ((cur = json_object_get(r, "current")) != NULL) {
		v = preview_value(cur);
		term_printf(f, "（已报 %s %s）", v,
		    json_string_value(json_object_get(r, "unit")));
		free(v);
	} else if (json_object_get(r, "entries") != NULL)
		fprintf(f, "（已有进度 %lld 条）", (long long)json_integer_value(
		    json_object_get(r, "entries")));
	else if (json_object_get(r, "status") != NULL)
		fprintf(f, "（节点已填报）");
}

/*
 * Prints a preview (migrations/functions/11-plan-preview.sql): per
 * plan, what comes, goes and changes, then the new offices and totals.
 */
static void
preview_print(const json_t *pv, FILE *f)
{
	static const char *const ops[][2] = { { "new", "新增" },
	    { "withdrawn", "撤销" }, { "restored", "恢复" }, { "changed", "修改" } };
	static const char *const whats[][2] = { { "plan", "计划" },
	    { "task", "任务" }, { "target", "指标" }, { "milestone", "节点" } };
	const json_t	*p, *it, *o, *c = json_object_get(pv, "counts");
	size_t		 i, j, k;
	const char	*op, *what, *label;
	char		*old, *new;

	json_array_foreach(json_object_get(pv, "plans"), i, p) {
		const char *key = json_string_value(json_object_get(p, "key"));

		term_printf(f, "计划 %s（%s）%s\n", key,
		    json_string_value(json_object_get(p, "title")),
		    json_is_true(json_object_get(p, "created")) ? "：新计划" : "：");
		json_array_foreach(json_object_get(pv, "items"), j, it) {
			if (strcmp(json_string_value(json_object_get(it, "plan")),
			    key) != 0)
				continue;
			op = json_string_value(json_object_get(it, "op"));
			what = json_string_value(json_object_get(it, "what"));
			label = json_string_value(json_object_get(it, "label"));
			for (k = 0; k < 4 && strcmp(ops[k][0], op) != 0; k++)
				;
			fputs(k < 4 ? ops[k][1] : op, f);
			for (k = 0; k < 4 && strcmp(whats[k][0], what) != 0; k++)
				;
			fputs(k < 4 ? whats[k][1] : what, f);
			if (label != NULL && strcmp(what, "task") == 0)
				term_printf(f, " %s", label);
			term_printf(f, " %s", json_string_value(json_object_get(it,
			    "title")));
			if (label != NULL && strcmp(what, "task") != 0)
				term_printf(f, "（任务 %s）", label);
			if (strcmp(op, "changed") == 0) {
				old = preview_value(json_object_get(it, "old"));
				new = preview_value(json_object_get(it, "new"));
				term_printf(f, "：%s：%s → %s", json_string_value(
				    json_object_get(it, "field_label")), old, new);
				free(old);
				free(new);
			}
			preview_reported(json_object_get(it, "reported"), f);
			fputc('\n', f);
		}
	}
	json_array_foreach(json_object_get(pv, "offices"), i, o)
		term_printf(f, "新建处室 %s（%s）\n",
		    json_string_value(json_object_get(o, "name")),
		    json_string_value(json_object_get(o, "org")));
	fprintf(f, "合计：新增任务 %lld 项，撤销 %lld 项，恢复 %lld 项，修改 %lld 处，新建处室 %lld 个。"
	    "以上为预览，数据库未作任何修改。\n",
	    (long long)json_integer_value(json_object_get(c, "new")),
	    (long long)json_integer_value(json_object_get(c, "withdrawn")),
	    (long long)json_integer_value(json_object_get(c, "restored")),
	    (long long)json_integer_value(json_object_get(c, "changed")),
	    (long long)json_integer_value(json_object_get(c, "offices")));
}

static int
cmd_plan_load(struct cmd_ctx *ctx, struct args *args)
{
	struct diags		 d;
	json_t			*plans, *report;
	PGconn			*conn;
	char			*actor, *cause, now[48];
	int			 rc, dry;

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
	dry = args_has(args, "dry-run");
	report = dry ? load_preview(conn, plans, actor, &cause) :
	    load_plans(conn, plans, actor, &cause);	/* consumes plans */
	free(actor);
	PQfinish(conn);
	if (report == NULL) {
		fprintf(stderr, "duban plan load：%s，未导入任何内容：%s\n",
		    dry ? "预览失败" : "导入失败", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	if (dry && args_has(args, "json")) {
		json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
	} else if (dry)
		preview_print(report, stdout);
	else
		load_print_report(report, stdout);
	json_decref(report);
	return (0);
}

const struct cmd_entry cmd_plan_load_entry = {
	.name = "plan load",
	.summary = "导入计划文件：全部文件在一个事务中导入，任何一处有误则都不导入",
	.args = {
		.options = (const struct args_option[]){
			{ "dry-run", 'n', NULL, .help = "只预览将要发生的变化（新增、修改、撤销的任务、指标、节点及新建的处室），不写入数据库" },
			{ "json", 'j', NULL, .help = "与 --dry-run 同用：以 JSON 输出预览" },
			{ NULL } },
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
	plans = cmd_query_json(conn, QUERY_PLAN_LIST, 1, (const char *[]){ NULL });
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
