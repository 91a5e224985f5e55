/*
 * duban notice list | show | issue | ack | rules: 督办单, and duban bulletin
 * draft | edit | issue | show | list: 督查通报, through duband's
 * /api/v1/duban-notices and /api/v1/bulletins (api-notices.c), so that
 * the token says who acts and the same SQL functions (68-notices.sql,
 * 69-bulletins.sql) check and record it as for the pages.  show --html
 * writes the printable document (公文 layout; print it to PDF from a
 * browser, as the reports are).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "duban.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		((long long)json_integer_value(json_object_get((o), (k))))

static const char *const yes_no[] = { "yes", "no", NULL };

/* The value of a string member, or "—". */
static const char *
str(const json_t *o, const char *k)
{
	const char	*s = S(o, k);

	return (s != NULL && *s != '\0' ? s : "—");
}

/* The JSON answer as it came, for --json. */
static void
print_json(const json_t *v)
{
	char	*text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

	printf("%s\n", text != NULL ? text : "null");
	free(text);
}

/* "?a=x&b=y" of the options given (values percent-encoded), or "". */
static char *
query_of(const struct args *args, const char *const *names, const char *const *keys)
{
	char	*q = xstrdup(""), *esc, *x;
	int	 i;

	for (i = 0; names[i] != NULL; i++) {
		if (!args_has(args, names[i]))
			continue;
		esc = curl_easy_escape(NULL, args_get(args, names[i]), 0);
		x = xprintf("%s%c%s=%s", q, *q ? '&' : '?', keys[i], esc);
		curl_free(esc);
		free(q);
		q = x;
	}
	return (q);
}

/*
 * GET path?format=html into the file --output (or stdout): the document.
 * 0, or the exit code after saying why.
 */
static int
save_document(const struct args *args, const char *path)
{
	const char	*out = args_get(args, "output");
	char		*token, *url, *buf = NULL, *cause;
	size_t		 len = 0;
	long		 status = 0;
	json_t		*problem;
	FILE		*f;
	int		 rc;

	if ((token = api_token(args_get(args, "token-file"), &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_CONFIG);
	}
	url = xprintf("%s%s?format=html", api_server(args_get(args, "server")), path);
	rc = api_transfer("GET", url, token, NULL, NULL, 0,
	    "text/html, application/problem+json", &status, &buf, &len, &cause);
	free(url);
	free(token);
	if (rc != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_UNAVAIL);
	}
	if (status != 200) {
		problem = buf != NULL ? json_loadb(buf, len, 0, NULL) : NULL;
		rc = api_problem_exit(status, problem);
		json_decref(problem);
		free(buf);
		return (rc);
	}
	f = out != NULL ? fopen(out, "wb") : stdout;
	if (f == NULL || fwrite(buf, 1, len, f) != len || (out != NULL && fclose(f) != 0)) {
		fprintf(stderr, "duban：无法写入 %s：%s\n", out ? out : "标准输出",
		    strerror(errno));
		free(buf);
		return (EXIT_CANTCREAT);
	}
	if (out != NULL)
		printf("已保存到 %s（%zu 字节）；用浏览器打开后打印即为 A4 文件\n", out, len);
	free(buf);
	return (0);
}

/*
 * Every command here: call a route and print its answer, as it came with
 * --json, else read out by print(answer, arg), arg being the words said
 * before it or a table's shape.  0, or the exit code after saying why.
 */
typedef void	(*print_fn)(const json_t *, const void *arg);

static int
call_print(const struct args *args, const char *method, const char *path, json_t *body,
    long want, print_fn print, const void *arg)
{
	json_t	*out;
	int	 rc;

	rc = api_call(method, args_get(args, "server"), args_get(args, "token-file"), path,
	    body, want, &out);
	if (rc != 0)
		return (rc);
	if (args_has(args, "json"))
		print_json(out);
	else
		print(out, arg);
	json_decref(out);
	return (0);
}

/* A list as a table: the array under key, ncol columns headed head, one
 * row a member: its id, then the cells row fills; empty when there is
 * none. */
struct list_shape {
	const char		 *key;
	int			  ncol;
	const char *const	 *head;
	void			(*row)(const json_t *, const char **cells);
	const char		 *empty;
};

static void
print_list(const json_t *out, const void *arg)
{
	const struct list_shape	*l = arg;
	const json_t		*x;
	struct table		*t;
	const char		*cells[8];
	char			 id[24];
	size_t			 i;

	if (json_array_size(json_object_get(out, l->key)) == 0) {
		printf("%s\n", l->empty);
		return;
	}
	t = table_new(l->ncol, l->head, NULL);
	json_array_foreach(json_object_get(out, l->key), i, x) {
		snprintf(id, sizeof id, "%lld", N(x, "id"));
		cells[0] = id;
		l->row(x, cells + 1);
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
}

/* list: GET base?names… (the options given). */
static int
list_call(const struct args *args, const char *base, const char *const *names,
    const struct list_shape *l)
{
	char	*q = query_of(args, names, names), *path = xprintf("%s%s", base, q);
	int	 rc;

	rc = call_print(args, "GET", path, NULL, 200, print_list, l);
	free(q);
	free(path);
	return (rc);
}

/* show: GET path, or with --html its printable document. */
static int
show_call(const struct args *args, const char *path, print_fn print)
{
	if (args_has(args, "html"))
		return (save_document(args, path));
	return (call_print(args, "GET", path, NULL, 200, print, NULL));
}

#define DOC_OPTIONS \
	{ "html", 0, NULL, .help = "输出可打印的文件（HTML，公文格式；用浏览器打印为 PDF）" }, \
	{ "output", 'o', "文件", .help = "与 --html 同用：写入文件，默认输出到标准输出" }, \
	{ "json", 'j', NULL, .help = "以 JSON 输出" }

#define ID_OPERAND(what) \
	.operands = (const struct args_operand[]){ \
		{ .name = what "编号", .kind = ARGS_ID, .help = what "的编号（list 的 ID 列）" }, \
		{ NULL } }, \
	.wrong = "请给出一个" what "编号"

/* ---------------------------------------------------------------- */
/* 督办单 */

static void
print_notice(const json_t *n, const void *what)
{
	const json_t	*ack = json_object_get(n, "acknowledged"), *e;
	char		 w[17];
	size_t		 i;

	if (what != NULL)
		printf("%s\n", (const char *)what);

	term_printf(stdout, "%s　%s督办（%s）%s\n", str(n, "number"), str(n, "colour_label"),
	    str(n, "trigger_label"), json_is_string(json_object_get(n, "closed_at")) ?
	    "　已办结" : "");
	term_printf(stdout, "督办事项：%s\n督办依据：%s\n承办处室：%s\n办理时限：%s 前\n反馈要求：%s\n",
	    str(n, "matter"), str(n, "basis"), str(n, "office"), str(n, "handle_by"),
	    str(n, "feedback"));
	term_printf(stdout, "签发：%s %s\n", str(n, "issuer"), str(n, "issued_on"));
	if (json_is_object(ack))
		term_printf(stdout, "签收：%s %s\n", str(ack, "by"), cmd_when(S(ack, "at"), w));
	else
		printf("签收：未签收\n");
	printf("经过：\n");
	json_array_foreach(json_object_get(n, "history"), i, e)
		term_printf(stdout, "  %s  %s  %s\n", cmd_when(S(e, "at"), w), str(e, "by"),
		    str(e, "note"));
}

static void
notice_row(const json_t *n, const char **c)
{
	static const char *const keys[] = { "number", "colour_label", "trigger_label",
	    "office", "handle_by" };
	size_t	 k;

	for (k = 0; k < 5; k++)
		c[k] = str(n, keys[k]);
	c[5] = json_is_object(json_object_get(n, "acknowledged")) ? "已签收" : "未签收";
}

static int
cmd_notice_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const names[] = { "office", "year", NULL };
	static const char *const head[] = { "ID", "编号", "等级", "事由", "承办处室",
	    "办理时限", "签收" };

	static const struct list_shape l = { "notices", 7, head, notice_row, "没有督办单。" };

	(void)ctx;
	return (list_call(args, "/api/v1/duban-notices", names, &l));
}

static int
cmd_notice_show(struct cmd_ctx *ctx, struct args *args)
{
	char	*path = xprintf("/api/v1/duban-notices/%s", args_value(args, 0));
	int	 rc;

	(void)ctx;
	rc = show_call(args, path, print_notice);
	free(path);
	return (rc);
}

static int
cmd_notice_issue(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const texts[] = { "office", "matter", "basis", "feedback", NULL };
	json_t	*body = json_object();
	int	 rc, i;

	(void)ctx;
	json_object_set_new(body, "task", json_integer(strtoll(args_get(args, "task"), NULL, 10)));
	if (args_has(args, "milestone"))
		json_object_set_new(body, "milestone",
		    json_integer(strtoll(args_get(args, "milestone"), NULL, 10)));
	if (args_has(args, "handle-by"))
		json_object_set_new(body, "handle_by", json_string(args_get(args, "handle-by")));
	for (i = 0; texts[i] != NULL; i++)
		if (args_has(args, texts[i]))
			json_object_set_new(body, texts[i], json_string(args_get(args, texts[i])));
	rc = call_print(args, "POST", "/api/v1/duban-notices", body, 201, print_notice,
	    "已签发督办单：");
	json_decref(body);
	return (rc);
}

static int
cmd_notice_ack(struct cmd_ctx *ctx, struct args *args)
{
	json_t	*body = json_object();
	char	*path = xprintf("/api/v1/duban-notices/%s/acknowledge", args_value(args, 0));
	int	 rc;

	(void)ctx;
	if (args_has(args, "note"))
		json_object_set_new(body, "note", json_string(args_get(args, "note")));
	rc = call_print(args, "POST", path, body, 200, print_notice, "已签收：");
	free(path);
	json_decref(body);
	return (rc);
}

/* The rules, and their changes (newest first): who, when, what from what. */
static void
print_rules(const json_t *out, const void *arg)
{
	static const char *const keys[] = { "on_overdue", "soon_days", "on_late_report",
	    "yellow_days", "red_days", "feedback_days", NULL };
	static const char *const labels[] = { "逾期签发", "临期督办天数", "逾期未报签发",
	    "转黄色天数", "转红色天数", "反馈期限天数" };
	const json_t	*h, *from, *to;
	char		 w[17], *a, *b;
	size_t		 i;
	int		 k;

	(void)arg;
	term_printf(stdout, "《%s》的督办规则%s：\n", str(out, "plan_title"),
	    json_is_true(json_object_get(out, "default")) ? "（默认）" : "");
	printf("  节点逾期未完成即签发督办单：%s\n",
	    json_is_true(json_object_get(out, "on_overdue")) ? "是" : "否");
	if (N(out, "soon_days") > 0)
		printf("  临期督办：到期前 %lld 个工作日仍未完成即签发\n", N(out, "soon_days"));
	else
		printf("  临期督办：不签发\n");
	printf("  调度逾期未报即签发督办单：%s\n",
	    json_is_true(json_object_get(out, "on_late_report")) ? "是" : "否");
	printf("  签发后 %lld 个工作日仍未办结升为黄色，%lld 个工作日升为红色\n",
	    N(out, "yellow_days"), N(out, "red_days"));
	printf("  反馈期限：签发后 %lld 个工作日\n", N(out, "feedback_days"));
	json_array_foreach(json_object_get(out, "history"), i, h) {
		if (i == 0)
			printf("修改记录：\n");
		term_printf(stdout, "  %s %s：", cmd_when(S(h, "at"), w), str(h, "by"));
		from = json_object_get(h, "from");
		to = json_object_get(h, "to");
		for (k = 0; keys[k] != NULL; k++) {
			if (json_equal(json_object_get(from, keys[k]), json_object_get(to, keys[k])))
				continue;
			a = json_dumps(json_object_get(from, keys[k]), JSON_ENCODE_ANY);
			b = json_dumps(json_object_get(to, keys[k]), JSON_ENCODE_ANY);
			printf("%s %s → %s；", labels[k], a, b);
			free(a);
			free(b);
		}
		printf("\n");
	}
}

static int
cmd_notice_rules(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const nums[] = { "soon", "yellow", "red", "feedback", NULL };
	static const char *const numkeys[] = { "soon_days", "yellow_days", "red_days",
	    "feedback_days", NULL };
	static const char *const flags[] = { "overdue", "late-report", NULL };
	static const char *const flagkeys[] = { "on_overdue", "on_late_report", NULL };
	static const char *const planname[] = { "plan", NULL };
	json_t		*body = NULL;
	char		*q, *path;
	int		 rc, i;

	(void)ctx;
	for (i = 0; nums[i] != NULL; i++)
		if (args_has(args, nums[i])) {
			if (body == NULL)
				body = json_object();
			json_object_set_new(body, numkeys[i],
			    json_integer(strtoll(args_get(args, nums[i]), NULL, 10)));
		}
	for (i = 0; flags[i] != NULL; i++)
		if (args_has(args, flags[i])) {
			if (body == NULL)
				body = json_object();
			json_object_set_new(body, flagkeys[i],
			    json_boolean(strcmp(args_get(args, flags[i]), "yes") == 0));
		}
	q = query_of(args, planname, planname);
	path = xprintf("/api/v1/duban-notices/rules%s", q);
	free(q);
	rc = call_print(args, body != NULL ? "PUT" : "GET", path, body, 200, print_rules, NULL);
	free(path);
	json_decref(body);
	return (rc);
}

const struct cmd_entry cmd_notice_list_entry = {
	.name = "notice list",
	.summary = "列出督办单（处室只看到发给本处室的）",
	.args = {
		.options = (const struct args_option[]){
			{ "office", 'o', "处室", .help = "只列出该处室承办的" },
			{ "year", 'y', "年度", .kind = ARGS_YEAR, .help = "只列出该年度的" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_notice_list,
};

const struct cmd_entry cmd_notice_show_entry = {
	.name = "notice show",
	.summary = "查看一份督办单及其经过（签发、升级、签收）；--html 输出可打印的督办单",
	.args = {
		.options = (const struct args_option[]){ DOC_OPTIONS, CLI_SERVER_OPTIONS, { NULL } },
		ID_OPERAND("督办单"),
	},
	.exec = cmd_notice_show,
};

const struct cmd_entry cmd_notice_issue_entry = {
	.name = "notice issue",
	.summary = "签发督办单（局办公室）：督办一项任务或其节点",
	.args = {
		.options = (const struct args_option[]){
			{ "task", 't', "任务编号", .kind = ARGS_ID, .flags = ARGS_REQUIRED,
			  .help = "要督办的任务（duban task list 的 ID 列）" },
			{ "milestone", 'm', "节点编号", .kind = ARGS_ID, .help = "要督办的节点（可不填）" },
			{ "office", 0, "处室", .help = "承办处室，默认任务的牵头处室" },
			{ "matter", 0, "文字", .help = "督办事项，默认按任务和节点生成" },
			{ "basis", 0, "文字", .help = "督办依据，默认“《计划》第X项”" },
			{ "handle-by", 0, "日期", .kind = ARGS_DATE,
			  .help = "办理时限，默认签发后的反馈期限" },
			{ "feedback", 0, "文字", .help = "反馈要求，默认按规则生成" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_notice_issue,
};

const struct cmd_entry cmd_notice_ack_entry = {
	.name = "notice ack",
	.summary = "签收督办单（承办处室的经办人、负责人或处室令牌）",
	.args = {
		.options = (const struct args_option[]){
			{ "note", 'n', "意见", .help = "签收意见（可不填）" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
		ID_OPERAND("督办单"),
	},
	.exec = cmd_notice_ack,
};

const struct cmd_entry cmd_notice_rules_entry = {
	.name = "notice rules",
	.summary = "查看或修改一个计划的督办规则（何时签发督办单、何时升级；修改须局办公室）",
	.args = {
		.options = (const struct args_option[]){
			{ "plan", 'p', "计划", .flags = ARGS_REQUIRED, .help = "计划的键" },
			{ "overdue", 0, "yes|no", .kind = ARGS_CHOICE, .choices = yes_no,
			  .help = "节点逾期未完成时是否签发" },
			{ "soon", 0, "天数", .help = "到期前几个工作日仍未完成即签发（0 为不签发）" },
			{ "late-report", 0, "yes|no", .kind = ARGS_CHOICE, .choices = yes_no,
			  .help = "调度逾期未报时是否签发" },
			{ "yellow", 0, "天数", .help = "签发后几个工作日仍未办结升为黄色" },
			{ "red", 0, "天数", .help = "签发后几个工作日仍未办结升为红色" },
			{ "feedback", 0, "天数", .help = "反馈期限：签发后几个工作日" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_notice_rules,
};

/* ---------------------------------------------------------------- */
/* 督查通报 */

static void
print_bulletin(const json_t *b, const void *what)
{
	const json_t	*f = json_object_get(b, "figures"), *x;
	size_t		 i;

	if (what != NULL)
		printf("%s\n", (const char *)what);

	term_printf(stdout, "%s　%s（%s，版本 %lld）\n",
	    json_is_string(json_object_get(b, "number")) ? str(b, "number") : "督查通报（草稿）",
	    str(b, "title"), strcmp(str(b, "state"), "issued") == 0 ? "已印发" : "草稿",
	    N(b, "version"));
	if (json_is_string(json_object_get(b, "issued_on")))
		term_printf(stdout, "印发日期：%s　落款：%s\n", str(b, "issued_on"), str(b, "signer"));
	term_printf(stdout, "一、总体情况\n  %s\n", str(b, "overview"));
	if (json_is_string(json_object_get(b, "remarks")))
		term_printf(stdout, "  %s\n", str(b, "remarks"));
	printf("二、表扬\n  ");
	json_array_foreach(json_object_get(f, "praised"), i, x)
		term_printf(stdout, "%s%s", i ? "、" : "", json_string_value(x));
	printf("%s\n", json_array_size(json_object_get(f, "praised")) ? "" : "（无）");
	printf("三、通报批评\n");
	json_array_foreach(json_object_get(f, "missing_reports"), i, x)
		term_printf(stdout, "  %s：“%s”%s\n", str(x, "office"), str(x, "round"),
		    json_is_true(json_object_get(x, "late")) ? "逾期报送" : "未报送");
	json_array_foreach(json_object_get(f, "overdue_items"), i, x)
		term_printf(stdout, "  %s：任务%s“%s”的节点“%s”逾期 %lld 天\n", str(x, "office"),
		    str(x, "task"), str(x, "task_title"), str(x, "milestone"), N(x, "days"));
	json_array_foreach(json_object_get(f, "returned"), i, x)
		term_printf(stdout, "  %s：%s被退回 %lld 次\n", str(x, "office"), str(x, "what"),
		    N(x, "times"));
	term_printf(stdout, "四、下一步要求\n%s\n", str(b, "requirements"));
}

static int
cmd_bulletin_draft(struct cmd_ctx *ctx, struct args *args)
{
	json_t	*body = json_object(), *plans;
	int	 rc, i;

	(void)ctx;
	if (args_has(args, "round"))
		json_object_set_new(body, "round",
		    json_integer(strtoll(args_get(args, "round"), NULL, 10)));
	if (args_has(args, "quarter"))
		json_object_set_new(body, "quarter", json_string(args_get(args, "quarter")));
	if (args_has(args, "plan")) {
		plans = json_array();
		for (i = 0; i < args_has(args, "plan"); i++)
			json_array_append_new(plans, json_string(args_nth(args, "plan", i)));
		json_object_set_new(body, "plans", plans);
	}
	rc = call_print(args, "POST", "/api/v1/bulletins", body, 201, print_bulletin,
	    "已起草督查通报（草稿，可修改后印发）：");
	json_decref(body);
	return (rc);
}

static int
cmd_bulletin_edit(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const texts[] = { "title", "remarks", "requirements", "signer", NULL };
	json_t	*body = json_object();
	char	*path = xprintf("/api/v1/bulletins/%s", args_value(args, 0));
	int	 rc, i;

	(void)ctx;
	for (i = 0; texts[i] != NULL; i++)
		if (args_has(args, texts[i]))
			json_object_set_new(body, texts[i], json_string(args_get(args, texts[i])));
	if (args_has(args, "red-head"))
		json_object_set_new(body, "red_head",
		    json_boolean(strcmp(args_get(args, "red-head"), "yes") == 0));
	if (args_has(args, "version"))
		json_object_set_new(body, "version",
		    json_integer(strtoll(args_get(args, "version"), NULL, 10)));
	rc = call_print(args, "PATCH", path, body, 200, print_bulletin, "已修改：");
	free(path);
	json_decref(body);
	return (rc);
}

static int
cmd_bulletin_issue(struct cmd_ctx *ctx, struct args *args)
{
	json_t	*body = json_object();
	char	*path = xprintf("/api/v1/bulletins/%s/issue", args_value(args, 0));
	int	 rc;

	(void)ctx;
	if (args_has(args, "version"))
		json_object_set_new(body, "version",
		    json_integer(strtoll(args_get(args, "version"), NULL, 10)));
	rc = call_print(args, "POST", path, body, 200, print_bulletin, "已印发并存档：");
	free(path);
	json_decref(body);
	return (rc);
}

static int
cmd_bulletin_show(struct cmd_ctx *ctx, struct args *args)
{
	char	*path = xprintf("/api/v1/bulletins/%s", args_value(args, 0));
	int	 rc;

	(void)ctx;
	rc = show_call(args, path, print_bulletin);
	free(path);
	return (rc);
}

static void
bulletin_row(const json_t *b, const char **c)
{
	c[0] = str(b, "number");
	c[1] = str(b, "title");
	c[2] = strcmp(str(b, "state"), "issued") == 0 ? "已印发" : "草稿";
	c[3] = str(b, "issued_on");
}

static int
cmd_bulletin_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const names[] = { "year", NULL };
	static const char *const head[] = { "ID", "编号", "标题", "状态", "日期" };

	static const struct list_shape l = { "bulletins", 5, head, bulletin_row, "没有督查通报。" };

	(void)ctx;
	return (list_call(args, "/api/v1/bulletins", names, &l));
}

const struct cmd_entry cmd_bulletin_draft_entry = {
	.name = "bulletin draft",
	.summary = "起草督查通报（局办公室）：一轮已结束的调度，或一个已结束的季度",
	.args = {
		.options = (const struct args_option[]){
			{ "round", 'r', "调度编号", .kind = ARGS_ID, .flags = ARGS_ONE_OF,
			  .help = "已结束的调度（duban dispatch list 的 ID 列）" },
			{ "quarter", 'q', "季度", .flags = ARGS_ONE_OF, .help = "已结束的季度，如 2012Q3" },
			{ "plan", 'p', "计划", .flags = ARGS_MULTI,
			  .help = "与 --quarter 同用：通报的计划（键，可多次），默认该年度的全部计划" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
		.wrong = "请给出 --round 或 --quarter 其中之一",
	},
	.exec = cmd_bulletin_draft,
};

const struct cmd_entry cmd_bulletin_edit_entry = {
	.name = "bulletin edit",
	.summary = "修改督查通报草稿（局办公室）：标题、补充说明、下一步要求、落款、红头",
	.args = {
		.options = (const struct args_option[]){
			{ "title", 0, "标题", .help = "通报标题" },
			{ "remarks", 0, "文字", .help = "总体情况的补充说明" },
			{ "requirements", 0, "文字", .help = "下一步要求（每行一段）" },
			{ "signer", 0, "落款", .help = "落款单位" },
			{ "red-head", 0, "yes|no", .kind = ARGS_CHOICE, .choices = yes_no,
			  .help = "是否使用红头" },
			{ "version", 'v', "版本", .kind = ARGS_ID,
			  .help = "读取时的版本：他人已修改时不覆盖" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
		ID_OPERAND("通报"),
	},
	.exec = cmd_bulletin_edit,
};

const struct cmd_entry cmd_bulletin_issue_entry = {
	.name = "bulletin issue",
	.summary = "印发督查通报（局办公室）：编号、注明日期并存档，此后不能修改",
	.args = {
		.options = (const struct args_option[]){
			{ "version", 'v', "版本", .kind = ARGS_ID,
			  .help = "读取时的版本：他人已修改时不印发" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
		ID_OPERAND("通报"),
	},
	.exec = cmd_bulletin_issue,
};

const struct cmd_entry cmd_bulletin_show_entry = {
	.name = "bulletin show",
	.summary = "查看督查通报；--html 输出可打印的通报（公文格式）",
	.args = {
		.options = (const struct args_option[]){ DOC_OPTIONS, CLI_SERVER_OPTIONS, { NULL } },
		ID_OPERAND("通报"),
	},
	.exec = cmd_bulletin_show,
};

const struct cmd_entry cmd_bulletin_list_entry = {
	.name = "bulletin list",
	.summary = "列出督查通报（草稿仅局办公室可见）",
	.args = {
		.options = (const struct args_option[]){
			{ "year", 'y', "年度", .kind = ARGS_YEAR, .help = "只列出该年度的" },
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			CLI_SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_bulletin_list,
};
