/*
 * duban assess score | load | grade: the year-end 考核 score.
 *   score  each office's score as of a day, line by line, computed by
 *          duban_assess_report (85-assess.sql) as GET /api/v1/assess
 *          does, rendered by lib/assess (table here, JSON, CSV, XLSX)
 *   load   a year's rule table (docs/assess-format.md), read and checked
 *          by lib/assess, stored by duban_assess_rules_load
 *   grade  领导评价, through duband's POST /api/v1/assess/grades, so that
 *          the general office's token says who entered it
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "assess.h"
#include "clock.h"
#include "db.h"
#include "diag.h"
#include "duban.h"
#include "xmalloc.h"

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define G(o, k)	json_object_get((o), (k))

static const char QUERY_ASSESS[] =
    "SELECT status, body::text FROM duban_assess_report($1::int, $2::date, $3::bigint,"
    " $4::timestamptz, NULL)";
static const char QUERY_ASSESS_LOAD[] =
    "SELECT status, body::text FROM duban_assess_rules_load($1::jsonb, $2, $3, $4,"
    " $5::timestamptz)";

static const char *const formats[] = { "table", "json", "csv", "xlsx", NULL };

/* The totals, then each office's lines, as tables. */
static void
print_table(const json_t *r)
{
	static const char *const lhead[] = { "规则", "任务", "事项", "日期", "分值", "说明" };
	static const int lwidth[] = { 0, 0, 16, 0, 0, 40 };
	const json_t	*cols = G(r, "columns"), *o, *c, *l;
	const char	**head, **cells, *cur = NULL;
	struct table	*t;
	size_t		 nc = json_array_size(cols) + 3, i, j;
	char		(*num)[32];

	printf("%lld 年度目标管理考核（截至 %s；规则：%s）\n\n",
	    (long long)json_integer_value(G(r, "year")), S(r, "as_of"),
	    S(G(r, "rules"), "title"));
	head = xcalloc(nc, sizeof *head);
	cells = xcalloc(nc, sizeof *cells);
	num = xcalloc(nc, sizeof *num);
	head[0] = "排名";
	head[1] = "处室";
	json_array_foreach(cols, j, c)
		head[2 + j] = S(c, "label");
	head[nc - 1] = "总分";
	t = table_new((int)nc, head, NULL);
	json_array_foreach(G(r, "offices"), i, o) {
		assess_number(G(o, "rank"), num[0], sizeof num[0]);
		cells[0] = num[0];
		cells[1] = S(o, "office");
		json_array_foreach(cols, j, c) {
			assess_number(G(G(o, "subtotals"), S(c, "rule")), num[2 + j],
			    sizeof num[0]);
			cells[2 + j] = num[2 + j];
		}
		assess_number(G(o, "total"), num[nc - 1], sizeof num[0]);
		cells[nc - 1] = num[nc - 1];
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);

	t = NULL;
	json_array_foreach(G(r, "lines"), i, l) {
		if (cur == NULL || strcmp(cur, S(l, "office")) != 0) {
			if (t != NULL) {
				table_print(t, stdout);
				table_free(t);
			}
			cur = S(l, "office");
			printf("\n%s评分明细\n", cur);
			t = table_new(6, lhead, lwidth);
		}
		assess_number(G(l, "points"), num[0], sizeof num[0]);
		cells[0] = S(l, "rule_label");
		cells[1] = S(l, "task") ? S(l, "task") : "";
		cells[2] = S(l, "item") ? S(l, "item") : "";
		cells[3] = S(l, "on") ? S(l, "on") : "";
		cells[4] = num[0];
		cells[5] = S(l, "detail") ? S(l, "detail") : "";
		table_add(t, cells);
	}
	if (t != NULL) {
		table_print(t, stdout);
		table_free(t);
	}
	free(head);
	free(cells);
	free(num);
}

/* Writes the rendering to path through a temporary file beside it. */
static int
write_file(const json_t *r, enum assess_format fmt, const char *path)
{
	char	*tmp = xprintf("%s.XXXXXX", path), *cause = NULL;
	FILE	*f = NULL;
	int	 fd, rc = EXIT_CANTCREAT;

	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "wb")) == NULL) {
		fprintf(stderr, "duban：无法创建 %s：%s\n", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(tmp);
		return (EXIT_CANTCREAT);
	}
	if (assess_render(r, fmt, f, &cause) != 0) {
		fprintf(stderr, "duban：无法生成考核表：%s\n", cause);
		free(cause);
		fclose(f);
		rc = EXIT_SOFTWARE;
	} else if (fchmod(fd, 0644) != 0 || fflush(f) != 0 || fsync(fd) != 0 ||
	    fclose(f) != 0 || rename(tmp, path) != 0)
		fprintf(stderr, "duban：无法写入 %s：%s\n", path, strerror(errno));
	else
		rc = 0;
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return (rc);
}

static int
cmd_assess_score(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_assess_score_entry;
	const char		*params[4], *out = args_get(args, "output"), *dot;
	enum assess_format	 fmt = ASSESS_TABLE;
	json_t			*r;
	PGconn			*conn;
	long long		 office;
	char			 now[CLOCK_ISO_LEN], id[24], *cause;
	int			 rc;

	if (args_has(args, "format"))
		(void)assess_format_parse(args_get(args, "format"), &fmt);
	else if (out != NULL && ((dot = strrchr(out, '.')) == NULL ||
	    assess_format_parse(dot + 1, &fmt) != 0))
		return (cmd_usage_error(e, "无法从文件名“%s”判断格式，请用 --format 指定", out));
	if (fmt == ASSESS_XLSX && out == NULL && isatty(STDOUT_FILENO))
		return (cmd_usage_error(e, "XLSX 是二进制文件，请用 -o 指定输出文件"));
	if (fmt == ASSESS_TABLE && out != NULL)
		return (cmd_usage_error(e, "表格只输出到终端；写入文件请用 --format json、csv 或 xlsx"));
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_now_iso(now);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = args_get(args, "year");
	params[1] = args_get(args, "as-of");
	params[2] = NULL;
	params[3] = now;
	if (args_has(args, "office")) {
		if ((rc = cmd_lookup(conn, "office", args_get(args, "office"), NULL,
		    &office)) != 0) {
			PQfinish(conn);
			return (rc);
		}
		snprintf(id, sizeof id, "%lld", office);
		params[2] = id;
	}
	rc = cmd_status_query(conn, QUERY_ASSESS, 4, params, &r);
	PQfinish(conn);
	if (rc != 0)
		return (rc);
	if (fmt == ASSESS_TABLE)
		print_table(r);
	else if (out != NULL) {
		if ((rc = write_file(r, fmt, out)) == 0)
			fprintf(stderr, "duban：已生成 %s\n", out);
	} else if (assess_render(r, fmt, stdout, &cause) != 0) {
		fprintf(stderr, "duban：无法生成考核表：%s\n", cause);
		free(cause);
		rc = EXIT_SOFTWARE;
	} else
		rc = fflush(stdout) == 0 ? 0 : EXIT_CANTCREAT;
	json_decref(r);
	return (rc);
}

const struct cmd_entry cmd_assess_score_entry = {
	.name = "assess score",
	.summary = "计算各处室的年终考核得分（逐条列明依据，可按任一时点重现）",
	.args = {
		.options = (const struct args_option[]){
			{ "year", 'y', "年度", ARGS_YEAR, .flags = ARGS_REQUIRED,
			  .help = "考核年度（计划年度），如 2012" },
			{ "as-of", 'a', "日期", ARGS_DATE,
			  .help = "按该日结束时的历史计算（默认现在）" },
			{ "office", 'o', "处室",
			  .help = "只列这个处室的明细（汇总表仍含全部处室）" },
			{ "format", 'f', "格式", ARGS_CHOICE, formats,
			  .help = "table（默认）、json、csv（明细，带 BOM）、xlsx（考核表，含公式）；\n"
			  "给出 -o 时可由文件扩展名判断" },
			{ "output", 'O', "文件",
			  .help = "写入文件（先写临时文件再改名，失败时不留半个文件）" },
			{ NULL } },
	},
	.help = "规则为该年度最新载入的考核规则（duban assess load）；只计截至考核时点已发生的事项。",
	.exec = cmd_assess_score,
};

static int
cmd_assess_load(struct cmd_ctx *ctx, struct args *args)
{
	const char	*path = args_value(args, 0), *params[5];
	struct diags	 d;
	json_t		*doc, *body;
	PGconn		*conn;
	char		 sha[65], now[CLOCK_ISO_LEN], *text, *actor, *cause;
	int		 rc;

	diags_init(&d);
	doc = assess_rules_read_file(path, sha, &d);
	diags_print(&d, stderr);
	diags_free(&d);
	if (doc == NULL)
		return (access(path, R_OK) == 0 ? EXIT_DATAERR : EXIT_NOINPUT);
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		json_decref(doc);
		return (EXIT_USAGE);
	}
	clock_now_iso(now);
	if ((conn = cmd_connect(ctx, &rc)) == NULL) {
		json_decref(doc);
		return (rc);
	}
	text = json_dumps(doc, JSON_COMPACT);
	actor = cmd_actor();
	params[0] = text;
	params[1] = path;
	params[2] = sha;
	params[3] = actor;
	params[4] = now;
	rc = cmd_status_query(conn, QUERY_ASSESS_LOAD, 5, params, &body);
	PQfinish(conn);
	free(text);
	free(actor);
	if (rc == 0) {
		if (json_is_true(G(body, "unchanged")))
			printf("%lld 年度考核规则“%s”未变，无需重新载入\n",
			    (long long)json_integer_value(G(body, "year")), S(body, "title"));
		else
			printf("已载入 %lld 年度考核规则“%s”%s\n",
			    (long long)json_integer_value(G(body, "year")), S(body, "title"),
			    json_is_integer(G(body, "replaces")) ? "（取代此前载入的规则）" : "");
		if (json_integer_value(G(body, "plans")) == 0 &&
		    !json_is_true(G(body, "unchanged")))
			printf("注意：尚未导入 %lld 年度的计划\n",
			    (long long)json_integer_value(G(body, "year")));
		json_decref(body);
	}
	json_decref(doc);
	return (rc);
}

const struct cmd_entry cmd_assess_load_entry = {
	.name = "assess load",
	.summary = "载入年度考核规则（YAML，见 docs/assess-format.md；重新载入即修改，留有历史）",
	.args = {
		.operands = (const struct args_operand[]){ { .name = "规则文件" }, { NULL } },
	},
	.exec = cmd_assess_load,
};

static int
cmd_assess_grade(struct cmd_ctx *ctx, struct args *args)
{
	json_t		*body, *out = NULL, *pts;
	char		*end, n[32];
	double		 v;
	int		 rc;

	(void)ctx;
	v = strtod(args_get(args, "points"), &end);
	if (*end != '\0' || end == args_get(args, "points"))
		return (cmd_usage_error(&cmd_assess_grade_entry, "--points 应为数字，而不是“%s”",
		    args_get(args, "points")));
	/* As written, so that 18.5 stays 18.5. */
	pts = json_loads(args_get(args, "points"), JSON_DECODE_ANY, NULL);
	if (pts == NULL)
		pts = json_real(v);
	body = json_pack("{s:i, s:s, s:o}", "year", atoi(args_get(args, "year")),
	    "office", args_get(args, "office"), "points", pts);
	if (args_has(args, "note"))
		json_object_set_new(body, "note", json_string(args_get(args, "note")));
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"),
	    "/api/v1/assess/grades", body, 201, &out);
	json_decref(body);
	if (rc != 0)
		return (rc);
	assess_number(G(out, "points"), n, sizeof n);
	printf("已录入 %s %lld 年度领导评价 %s 分（满分 ", S(out, "office"),
	    (long long)json_integer_value(G(out, "year")), n);
	assess_number(G(out, "max"), n, sizeof n);
	printf("%s 分）；历次录入 %zu 次\n", n, json_array_size(G(out, "history")));
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_assess_grade_entry = {
	.name = "assess grade",
	.summary = "录入处室的领导评价分（局办公室；经 duband，留有历史）",
	.args = {
		.options = (const struct args_option[]){
			{ "year", 'y', "年度", ARGS_YEAR, .flags = ARGS_REQUIRED,
			  .help = "考核年度" },
			{ "office", 'o', "处室", .flags = ARGS_REQUIRED,
			  .help = "处室名称、简称或编号" },
			{ "points", 'p', "分值", .flags = ARGS_REQUIRED,
			  .help = "0 至考核规则的领导评价满分，至多两位小数" },
			{ "note", 'n', "说明", .help = "评价说明" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_assess_grade,
};
