/*
 * duban plan export | template: a loaded plan written back as a
 * 任务分解表 workbook (or a plan-format YAML file), and the empty
 * template.  The plan comes from duban_plan_document()
 * (migrations/functions/12-plan-export.sql); the workbook's, with the
 * tasks' lights for its 预警 column, from duban_plan_sheet_document(),
 * which the daemon's GET /api/v1/plans/{key}/export.xlsx calls too; the
 * workbook is written by lib/plan/sheetplan-write.c, which the daemon
 * uses too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "duban.h"
#include "report.h"
#include "sheetplan.h"
#include "xmalloc.h"

/* Each in a one-element array: [null] when there is no such plan (a bare
 * null is no JSON document to cmd_query_json). */
static const char PLAN_DOCUMENT_SQL[] =
    "SELECT jsonb_build_array(duban_plan_document($1))::text";
static const char PLAN_SHEET_SQL[] =
    "SELECT jsonb_build_array(duban_plan_sheet_document($1, $2::date, $3::timestamptz))::text";

/* Writes with write() to path, or to standard output for NULL or "-". */
static int
output(const char *path, int (*write)(const json_t *, FILE *, char **),
    const json_t *doc)
{
	FILE	*f = stdout;
	char	*cause = NULL;
	int	 rc;

	if (path != NULL && strcmp(path, "-") != 0 &&
	    (f = fopen(path, "wb")) == NULL) {
		fprintf(stderr, "duban：无法写入 %s：%s\n", path, strerror(errno));
		return (EXIT_CANTCREAT);
	}
	rc = write(doc, f, &cause);
	if (f == stdout) {
		if (fflush(f) != 0 && rc == 0) {
			cause = xprintf("写入失败：%s", strerror(errno));
			rc = -1;
		}
	} else if (fclose(f) != 0 && rc == 0) {
		cause = xprintf("无法写入 %s：%s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0) {
		fprintf(stderr, "duban：%s\n", cause ? cause : "写入失败");
		free(cause);
		return (EXIT_CANTCREAT);
	}
	return (0);
}

static int
write_xlsx(const json_t *doc, FILE *f, char **cause)
{
	return (report_via_file(sheetplan_write, doc, f, cause));
}

static int
write_template(const json_t *doc, FILE *f, char **cause)
{
	return (report_via_file(sheetplan_template, doc, f, cause));
}

static int
cmd_plan_export(struct cmd_ctx *ctx, struct args *args)
{
	const char	*key = args_value(args, 0);
	const char	*format = args_get(args, "format");
	const char	*out = args_get(args, "output");
	const char	*params[3] = { key, args_get(args, "as-of"), NULL };
	PGconn		*conn;
	json_t		*got, *doc;
	char		 now[CLOCK_ISO_LEN], *cause;
	int		 rc, yaml = format != NULL && strcmp(format, "yaml") == 0;

	if (!yaml && (out == NULL || strcmp(out, "-") == 0) && isatty(1)) {
		fprintf(stderr, "duban plan export：XLSX 不能输出到终端，请用 -o 指定文件\n");
		return (EXIT_USAGE);
	}
	if (yaml && params[1] != NULL) {
		fprintf(stderr, "duban plan export：--as-of 只用于任务分解表（XLSX）的预警列\n");
		return (EXIT_USAGE);
	}
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_now_iso(now);
	params[2] = now;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	got = yaml ? cmd_query_json(conn, PLAN_DOCUMENT_SQL, 1, params) :
	    cmd_query_json(conn, PLAN_SHEET_SQL, 3, params);
	PQfinish(conn);
	if (got == NULL)
		return (EXIT_SOFTWARE);
	doc = json_incref(json_array_get(got, 0));
	json_decref(got);
	if (doc == NULL)
		return (EXIT_SOFTWARE);
	if (json_is_null(doc)) {
		fprintf(stderr, "duban plan export：没有计划键为“%s”的计划（duban plan list 列出已导入的计划）\n",
		    key);
		json_decref(doc);
		return (EXIT_NOINPUT);
	}
	rc = output(out, yaml ? sheetplan_yaml : write_xlsx, doc);
	if (rc == 0 && out != NULL && strcmp(out, "-") != 0)
		fprintf(stderr, "%s：已导出到 %s\n", key, out);
	json_decref(doc);
	return (rc);
}

static const char *const formats[] = { "xlsx", "yaml", NULL };

const struct cmd_entry cmd_plan_export_entry = {
	.name = "plan export",
	.summary = "把已导入的计划导出为任务分解表（XLSX）或计划文件（YAML）",
	.args = {
		.options = (const struct args_option[]){
			{ "format", 'f', "格式", ARGS_CHOICE, formats,
			    .help = "xlsx（默认，任务分解表）或 yaml（计划文件）" },
			{ "output", 'o', "文件", .help = "写入的文件；默认标准输出" },
			{ "as-of", 'a', "日期", ARGS_DATE,
			    .help = "任务分解表“预警”列的灯号按哪一天判定（YYYY-MM-DD）；默认今天" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "计划键" }, { NULL } },
		.wrong = "请给出一个计划键（duban plan list 列出已导入的计划）",
	},
	.help = "导出的任务分解表可用 duban plan check / duban plan load 读回，得到同一计划；\n"
	    "已撤销的任务、指标和节点不导出。\n"
	    "任务分解表末列“预警”为各任务截至 --as-of（默认今天）的红黄绿灯，只供查阅，导入时不读。\n",
	.exec = cmd_plan_export,
};

static int
cmd_plan_template(struct cmd_ctx *ctx, struct args *args)
{
	const char	*out = args_get(args, "output");

	(void)ctx;
	return (output(out, write_template, NULL));
}

const struct cmd_entry cmd_plan_template_entry = {
	.name = "plan template",
	.summary = "写出空白的任务分解表模板（含表头、示例行和“说明”工作表）",
	.args = {
		.options = (const struct args_option[]){
			{ "output", 'o', "文件", .flags = ARGS_REQUIRED,
			    .help = "写入的文件，如 任务分解表.xlsx" },
			{ NULL } },
	},
	.exec = cmd_plan_template,
};
