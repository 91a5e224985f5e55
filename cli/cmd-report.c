/*
 * duban report quarterly: the quarterly inspection report (季度督查) of
 * a plan, several, or every plan of a bureau, in five formats.  Computed
 * in PostgreSQL as of the quarter's last day (see docs/report-format.md)
 * and rendered by lib/report*.c, as duband does for the API.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "clock.h"
#include "db.h"
#include "duban.h"
#include "log.h"
#include "query.h"
#include "report.h"
#include "words.h"
#include "xmalloc.h"

#define S(o, k)	json_string_value(json_object_get((o), (k)))

/* The format a file name asks for: "x.xlsx" -> xlsx; -1 if none. */
static int
format_of_path(const char *path, enum report_format *f)
{
	const char	*dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return (-1);
	return (report_format_parse(dot + 1, f));
}

/*
 * Writes the rendering to path through a temporary file beside it, so
 * that a failure leaves no half-written report (and an old one intact).
 */
static int
write_file(const json_t *report, enum report_format fmt, enum report_view view,
    const char *path)
{
	char	*tmp = xprintf("%s.XXXXXX", path), *cause = NULL;
	FILE	*f;
	int	 fd;

	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "wb")) == NULL) {
		fprintf(stderr, "duban：无法创建 %s：%s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(tmp);
		return (EXIT_CANTCREAT);
	}
	if (report_render(report, fmt, view, f, &cause) != 0) {
		fprintf(stderr, "duban：无法生成报告：%s\n", cause);
		free(cause);
		fclose(f);
		unlink(tmp);
		free(tmp);
		return (EXIT_SOFTWARE);
	}
	if (fchmod(fd, 0644) != 0 || fflush(f) != 0 || fsync(fd) != 0 ||
	    fclose(f) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "duban：无法写入 %s：%s\n", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return (EXIT_CANTCREAT);
	}
	free(tmp);
	return (0);
}

/* What --format and --view take (report.c parses them). */
static const char *const formats[] = { "html", "xlsx", "csv", "md", "json", NULL };
static const char *const views[] = { "tasks", "targets", "offices", "supervise",
    "counties", NULL };

static int
cmd_report_quarterly(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_report_quarterly_entry;
	const char		*params[6] = { NULL }, *out = args_get(args, "output");
	const char		*v;
	enum report_format	 fmt = REPORT_MD;
	enum report_view	 view = VIEW_TASKS;
	json_t			*plans = json_array(), *report;
	PGresult		*res;
	PGconn			*conn;
	char			 now[CLOCK_ISO_LEN], *plans_text = NULL, *cause;
	int			 n, rc, have_fmt, have_view, status;

	for (n = 0; (v = args_nth(args, "plan", n)) != NULL; n++)
		json_array_append_new(plans, json_string(v));
	params[1] = args_get(args, "org");
	params[2] = args_get(args, "quarter");
	params[3] = args_get(args, "as-of");
	if ((have_fmt = args_has(args, "format")) &&
	    report_format_parse(args_get(args, "format"), &fmt) != 0)
		fatalx("report: format %s not parsed", args_get(args, "format"));
	if ((have_view = args_has(args, "view")) &&
	    report_view_parse(args_get(args, "view"), &view) != 0)
		fatalx("report: view %s not parsed", args_get(args, "view"));
	if (!have_fmt && out != NULL && format_of_path(out, &fmt) != 0) {
		json_decref(plans);
		return (cmd_usage_error(e, "无法从文件名“%s”判断格式，请用 --format 指定", out));
	}
	if (have_view && fmt != REPORT_CSV) {
		json_decref(plans);
		return (cmd_usage_error(e, "--view 只用于 CSV（其他格式包含全部内容）"));
	}
	if (fmt == REPORT_XLSX && out == NULL && isatty(STDOUT_FILENO)) {
		json_decref(plans);
		return (cmd_usage_error(e, "XLSX 是二进制文件，请用 -o 指定输出文件"));
	}
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		json_decref(plans);
		return (EXIT_USAGE);
	}
	clock_now_iso(now);
	if (json_array_size(plans) > 0)
		plans_text = json_dumps(plans, JSON_COMPACT);
	json_decref(plans);
	params[0] = plans_text;
	params[4] = now;
	if ((conn = cmd_connect(ctx, &rc)) == NULL) {
		free(plans_text);
		return (rc);
	}
	res = db_exec(conn, QUERY_REPORT_QUARTERLY, 6, params, &cause);
	PQfinish(conn);
	free(plans_text);
	if (res == NULL) {
		fprintf(stderr, "duban：查询失败：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	status = atoi(PQgetvalue(res, 0, 0));
	report = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	PQclear(res);
	if (report == NULL) {
		fprintf(stderr, "duban：无法解析报告\n");
		return (EXIT_SOFTWARE);
	}
	if (status != 200) {
		rc = problem_exit(status, report, 0);
		json_decref(report);
		return (rc);
	}
	if (out != NULL) {
		rc = write_file(report, fmt, view, out);
		if (rc == 0)
			fprintf(stderr, "duban：已生成 %s\n", out);
	} else if (report_render(report, fmt, view, stdout, &cause) != 0) {
		fprintf(stderr, "duban：无法生成报告：%s\n", cause);
		free(cause);
		rc = EXIT_SOFTWARE;
	} else
		rc = fflush(stdout) == 0 ? 0 : EXIT_CANTCREAT;
	json_decref(report);
	return (rc);
}

#define QUARTERLY_WRONG	"请给出 --quarter，以及 --plan（可多次）或 --org 之一"

const struct cmd_entry cmd_report_quarterly_entry = {
	.name = "report quarterly",
	.summary = "生成季度督查报告（按季度末的进度历史计算，可重现）",
	.args = {
		.options = (const struct args_option[]){
			{ "quarter", 'q', "季度", .flags = ARGS_REQUIRED,
			  .help = "季度，如 2012Q3", .missing = QUARTERLY_WRONG },
			{ "plan", 'p', "计划", .flags = ARGS_ONE_OF | ARGS_MULTI,
			  .help = "计划的键或编号（duban plan list），可多次给出" },
			{ "org", 'g', "单位", .flags = ARGS_ONE_OF,
			  .help = "某单位（如 吉林市教育局）的全部计划" },
			{ "as-of", 'a', "日期", ARGS_DATE,
			  .help = "按季度内更早的某日的数据生成（默认季度最后一天；季度未结束时为今天）" },
			{ "format", 'f', "格式", ARGS_CHOICE, formats,
			  .help = "html（A4 打印，含图表）、xlsx（含公式）、csv（带 BOM，Excel 可直接打开）、\n"
			  "md（默认）、json；给出 -o 时可由文件扩展名判断" },
			{ "view", 'w', "表", ARGS_CHOICE, views,
			  .help = "CSV 的内容：tasks（默认，各项任务）、targets（指标）、offices（处室）、\n"
			  "supervise（需督办事项）、counties（县（市）区排名，有分解到县区的任务时）" },
			{ "output", 'o', "文件",
			  .help = "写入文件（先写临时文件再改名，失败时不留半个文件）" },
			{ NULL } },
		.wrong = QUARTERLY_WRONG,
	},
	.exec = cmd_report_quarterly,
};

/*
 * duban report rows: an office's 填报表 (批量填报), one line per target
 * and milestone of its tasks, with 上期 and 截至本期, as GET
 * /api/v1/offices/{office}/report/rows answers it (duban_office_rows,
 * 73-batch.sql), read as the operator: the office's drafts are its own
 * and not shown.
 */
static void
rows_value(const json_t *row, const char *key, char *buf, size_t len)
{
	const json_t	*v = json_object_get(row, key);
	const char	*unit = S(row, "unit");
	char		 num[64];

	if (strcmp(S(row, "kind"), "milestone") == 0) {
		snprintf(buf, len, "%s", word_or(VOCAB_MILESTONE_STATUS,
		    json_string_value(strcmp(key, "current") == 0 ?
		    json_object_get(row, "status") : v), "—"));
		return;
	}
	if (!json_is_number(v)) {
		snprintf(buf, len, "未填报");
		return;
	}
	report_number(v, num, sizeof num);
	snprintf(buf, len, "%s%s", num, unit ? unit : "");
}

static int
cmd_report_rows(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const head[] = { "行", "任务", "指标（节点）", "目标", "上期",
	    "截至本期", "完成情况", "存在问题" };
	static const int width[] = { 0, 16, 24, 16, 14, 14, 24, 24 };
	const json_t	*row, *goal, *d;
	const char	*params[3], *cells[8];
	json_t		*body;
	struct table	*t;
	PGconn		*conn;
	long long	 office;
	char		 now[CLOCK_ISO_LEN], id[24], n[24], task[512], req[160], prev[96];
	char		 cur[96], *cause;
	size_t		 i;
	int		 rc;

	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_now_iso(now);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	if ((rc = cmd_lookup(conn, "office", args_get(args, "office"), NULL, &office)) != 0) {
		PQfinish(conn);
		return (rc);
	}
	snprintf(id, sizeof id, "%lld", office);
	params[0] = id;
	params[1] = args_get(args, "dispatch");
	params[2] = now;
	body = cmd_query_json(conn, QUERY_OFFICE_ROWS_LOCAL, 3, params);
	PQfinish(conn);
	if (body == NULL)
		return (EXIT_SOFTWARE);
	d = json_object_get(body, "dispatch");
	if (params[1] != NULL && json_is_null(d)) {
		fprintf(stderr, "duban：没有编号为 %s 的调度\n", params[1]);
		json_decref(body);
		return (EXIT_NOINPUT);
	}
	if (args_has(args, "json")) {
		json_dumpf(body, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(body);
		return (0);
	}
	printf("%s填报表", S(json_object_get(body, "office"), "name"));
	if (json_is_object(d))
		printf("（调度 %lld：%s，%s 前报送）",
		    (long long)json_integer_value(json_object_get(d, "id")), S(d, "title"),
		    S(d, "due_on"));
	printf("：%zu 行；上期为 %.10s 零时的数值\n\n", json_array_size(json_object_get(body,
	    "rows")), S(body, "previous_at"));
	t = table_new(8, head, width);
	json_array_foreach(json_object_get(body, "rows"), i, row) {
		goal = json_object_get(row, "goal");
		snprintf(n, sizeof n, "%lld", (long long)json_integer_value(json_object_get(row,
		    "row")));
		snprintf(task, sizeof task, "%s %s", S(json_object_get(row, "task"), "number"),
		    S(json_object_get(row, "task"), "title"));
		if (strcmp(S(row, "kind"), "target") == 0)
			report_required(goal, req, sizeof req);
		else
			snprintf(req, sizeof req, "%s 前", S(goal, "due_on"));
		rows_value(row, "previous", prev, sizeof prev);
		rows_value(row, "current", cur, sizeof cur);
		cells[0] = n;
		cells[1] = task;
		cells[2] = S(row, "name");
		cells[3] = req;
		cells[4] = prev;
		cells[5] = cur;
		cells[6] = S(row, "note") ? S(row, "note") : "";
		cells[7] = S(row, "problems") ? S(row, "problems") : "";
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(body);
	return (0);
}

const struct cmd_entry cmd_report_rows_entry = {
	.name = "report rows",
	.summary = "查看处室的填报表（批量填报：每个指标、节点一行，含上期和截至本期）",
	.args = {
		.options = (const struct args_option[]){
			{ "office", 'o', "处室", .flags = ARGS_REQUIRED,
			  .help = "处室名称、简称或编号" },
			{ "dispatch", 'd', "编号", ARGS_ID,
			  .help = "只列这轮调度所含计划的任务（默认全部计划）" },
			{ "json", 'j', NULL, .help = "以 JSON 输出（与 GET /api/v1/offices/{处室}/report/rows 相同）" },
			{ NULL } },
	},
	.exec = cmd_report_rows,
};
