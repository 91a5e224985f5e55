/*
 * duban dispatch open | show | close | list: dispatch rounds (进展调度),
 * through duband's API: the general office asks lead offices for their
 * progress by a date; each office's report goes out (submit: a clerk to
 * the head, the head 报送s), the general office accepts or returns it
 * (accept, return); late offices are chased by the outbox; closing gives
 * the 调度汇总.  duban dispatch review: whether a bureau's reports go
 * through the office's head.  上级督办下级: open --counties (or --county
 * NAME) asks the county bureaus for their copies of the plans' tasks;
 * submit, return and accept --county take a county's report instead of
 * an office's (api-counties.c); chase --county 催办s a county that has
 * not 报送ed (the sweep also does, after the round's date).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "duban.h"
#include "render.h"
#include "report.h"
#include "words.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		((long long)json_integer_value(json_object_get((o), (k))))

/* The options every dispatch command takes. */
#define API_OPTIONS \
	{ "server", 'S', "URL", \
	  .help = "duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080" }, \
	{ "token-file", 'T', "文件", \
	  .help = "令牌文件，默认取环境变量 DUBAN_TOKEN；发起和结束调度须局办公室\n" \
	  "（general）的令牌，查看可用任何令牌" }, \
	{ "json", 'j', NULL, .help = "以 JSON 输出" }

static const struct args_option api_options[] = { API_OPTIONS, { NULL } };

#define OPEN_WRONG	"请给出 --plan（可多次）和 --due"

/* Whom the opening reached: an office with no recipient was not told. */
static void
notified(const json_t *d)
{
	const json_t	*o;
	size_t		 i, told = 0, n = 0;
	size_t		 nc = json_array_size(json_object_get(d, "counties"));
	char		*none = xstrdup("");

	json_array_foreach(json_object_get(d, "offices"), i, o) {
		n++;
		if (json_integer_value(json_object_get(o, "recipients")) > 0)
			told++;
		else {
			char *x = xprintf("%s%s%s", none, *none ? "、" : "", S(o, "name"));

			free(none);
			none = x;
		}
	}
	term_printf(stdout, "已发起调度");
	if (n > 0 && told == n)
		term_printf(stdout, "，已向 %zu 个处室发出报送通知", n);
	else if (n > 0)
		term_printf(stdout, "，已向 %zu 个处室发出报送通知；%s未设置接收人，未能通知"
		    "（duban office set … 设置接收人后可用 duban dispatch urge 催办）", told, none);
	/* The counties' general offices see the round on their 调度 page. */
	if (nc > 0)
		term_printf(stdout, "%s请 %zu 个县（市）区教育局报送其承担任务的进展（由其局办公室报送）",
		    n > 0 ? "；" : "，", nc);
	term_printf(stdout, "。\n\n");
	free(none);
}

/* The county bureaus a round asks (上级督办下级), each with its state. */
static void
print_counties(const json_t *counties)
{
	static const char *const head[] = { "县（市）区", "承担任务", "未完成", "报送情况",
	    "首次更新", "更新次数", "催办" };
	const json_t	*c;
	const char	*cells[7], *chased;
	struct table	*t;
	char		 n1[24], n2[24], n3[24], w[17], *state;
	size_t		 i;

	if (json_array_size(counties) == 0)
		return;
	term_printf(stdout, "\n县（市）区 %zu 个：\n", json_array_size(counties));
	t = table_new(7, head, NULL);
	json_array_foreach(counties, i, c) {
		snprintf(n1, sizeof n1, "%lld", N(c, "tasks"));
		snprintf(n2, sizeof n2, "%lld", N(c, "open_tasks"));
		snprintf(n3, sizeof n3, "%lld", N(c, "writes"));
		state = S(c, "reason") != NULL ? xprintf("%s：%s",
		    word(VOCAB_DISPATCH_STATE, S(c, "state")), S(c, "reason")) :
		    xstrdup(word(VOCAB_DISPATCH_STATE, S(c, "state")));
		cells[0] = S(c, "name");
		cells[1] = n1;
		cells[2] = n2;
		cells[3] = state;
		cells[4] = cmd_when(S(c, "first_at"), w);
		cells[5] = n3;
		chased = S(json_object_get(c, "chases"), "label");
		cells[6] = chased != NULL ? chased : "—";
		table_add(t, cells);
		free(state);
	}
	table_print(t, stdout);
	table_free(t);
}

static void
print_round(const json_t *d)
{
	static const char *const head[] = { "处室", "牵头任务", "未完成", "报送情况",
	    "首次报送", "更新次数" };
	const json_t	*c = json_object_get(d, "counts"), *o, *p;
	const char	*cells[6];
	struct table	*t;
	char		 n1[24], n2[24], n3[24], w[17];
	size_t		 i;

	term_printf(stdout, "调度 %lld：%s\n", N(d, "id"), S(d, "title"));
	term_printf(stdout, "计划：");
	json_array_foreach(json_object_get(d, "plans"), i, p)
		term_printf(stdout, "%s《%s》", i ? "、" : "", S(p, "title"));
	term_printf(stdout, "\n报送截止：%s；%s\n", S(d, "due_on"),
	    word(VOCAB_ROUND_STATE, S(d, "state")));
	if (S(d, "request") != NULL)
		term_printf(stdout, "要求：%s\n", S(d, "request"));
	/* A round that asks only counties has no office table. */
	if (json_array_size(json_object_get(d, "offices")) == 0 &&
	    json_array_size(json_object_get(d, "counties")) > 0) {
		print_counties(json_object_get(d, "counties"));
		return;
	}
	term_printf(stdout, "处室 %lld 个：已报送 %lld 个（其中逾期报送 %lld 个），未报送 %lld 个"
	    "（其中逾期未报 %lld 个）\n\n", N(c, "offices"), N(c, "reported"),
	    N(c, "reported_late"), N(c, "missing"), N(c, "late"));
	t = table_new(6, head, NULL);
	json_array_foreach(json_object_get(d, "offices"), i, o) {
		snprintf(n1, sizeof n1, "%lld", N(o, "tasks"));
		snprintf(n2, sizeof n2, "%lld", N(o, "open_tasks"));
		snprintf(n3, sizeof n3, "%lld", N(o, "writes"));
		cells[0] = S(o, "name");
		cells[1] = n1;
		cells[2] = n2;
		cells[3] = word(VOCAB_DISPATCH_STATE, S(o, "state"));
		cells[4] = cmd_when(S(o, "first_at"), w);
		cells[5] = n3;
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	print_counties(json_object_get(d, "counties"));
}

/* A change in the summary, in a line: what, old → new, the notes. */
static void
print_change(const json_t *c)
{
	const char	*field = S(c, "field"), *old = S(c, "old"), *new = S(c, "new");
	const char	*unit = S(c, "unit");
	char		 w[17];

	term_printf(stdout, "    %s %s：%s", cmd_when(S(c, "at"), w), S(c, "by") ? S(c, "by") : "",
	    S(c, "what") ? S(c, "what") : "");
	if (field != NULL && strcmp(field, "status") == 0)
		term_printf(stdout, "（状态 %s → %s）", render_status(old), render_status(new));
	else if (field != NULL && strcmp(field, "current") == 0)
		term_printf(stdout, "（完成值 %s%s → %s%s）", old ? old : "—", old && unit ? unit : "",
		    new ? new : "—", new && unit ? unit : "");
	else if (field != NULL && strcmp(field, "note") != 0)
		term_printf(stdout, "（%s %s → %s）",
		    strcmp(field, "completed_on") == 0 ? "完成日期" : field,
		    old ? old : "—", new ? new : "—");
	if (S(c, "note") != NULL)
		term_printf(stdout, "；完成情况：%s", S(c, "note"));
	if (S(c, "outcome") != NULL)
		term_printf(stdout, "；取得成效：%s", S(c, "outcome"));
	if (S(c, "problems") != NULL)
		term_printf(stdout, "；存在问题：%s", S(c, "problems"));
	if (S(c, "next_steps") != NULL)
		term_printf(stdout, "；下步措施：%s", S(c, "next_steps"));
	if (S(c, "coordination") != NULL)
		term_printf(stdout, "；需协调事项：%s", S(c, "coordination"));
	term_printf(stdout, "\n");
}

/* A task's 佐证材料 in the 调度汇总, as they stood at the close: a line
 * per target or milestone that has any. */
static void
print_files(const json_t *items)
{
	const json_t	*x;
	char		*phrase;
	size_t		 i;

	if (json_array_size(items) == 0) {
		term_printf(stdout, "  佐证材料：无\n");
		return;
	}
	term_printf(stdout, "  佐证材料：\n");
	json_array_foreach(items, i, x) {
		phrase = report_files_phrase(json_object_get(x, "files"));
		term_printf(stdout, "    %s：%s\n", S(x, "what") ? S(x, "what") : "", phrase);
		free(phrase);
	}
}

static void
print_summary(const json_t *d)
{
	const json_t	*s = json_object_get(d, "summary"), *c, *o, *t, *x;
	char		*missing, w[17];
	size_t		 i, j, k = 0;

	if (!json_is_object(s))
		return;
	c = json_object_get(s, "counts");
	term_printf(stdout, "\n调度汇总（%s 结束；%s以来的变化）\n", cmd_when(S(s, "closed_at"), w),
	    S(s, "since") ? "上一轮调度结束" : "计划开始");
	term_printf(stdout, "处室 %lld 个，已报送 %lld 个，未报送 %lld 个；任务 %lld 项，本轮有更新 %lld 项；"
	    "佐证材料 %lld 件\n",
	    N(c, "offices"), N(c, "reported"), N(c, "missing"), N(c, "tasks"),
	    N(c, "changed"), N(c, "files"));
	json_array_foreach(json_object_get(s, "offices"), i, o) {
		if (strcmp(S(o, "state"), "pending") != 0 && strcmp(S(o, "state"), "late") != 0)
			continue;
		term_printf(stdout, k++ ? "、%s" : "未报送：%s", S(o, "name"));
	}
	if (k > 0)
		term_printf(stdout, "\n");
	/* The counties asked (上级督办下级), each with where it stood. */
	json_array_foreach(json_object_get(s, "counties"), i, o) {
		term_printf(stdout, "%s%s（%s", i ? "、" : "县（市）区：", S(o, "name"),
		    S(o, "state_label"));
		if (N(o, "chases") > 0)
			term_printf(stdout, "，已催办 %lld 次", N(o, "chases"));
		term_printf(stdout, "）");
	}
	if (json_array_size(json_object_get(s, "counties")) > 0)
		term_printf(stdout, "\n");
	json_array_foreach(json_object_get(s, "tasks"), i, t) {
		if (S(t, "lead_office") == NULL)
			term_printf(stdout, "\n【%s】%s（%s）\n", S(t, "label"), S(t, "title"),
			    report_status_label(S(t, "status")));
		else
			term_printf(stdout, "\n【%s】%s（%s，%s）\n", S(t, "label"), S(t, "title"),
			    S(t, "lead_office"), report_status_label(S(t, "status")));
		if (json_array_size(json_object_get(t, "changes")) == 0)
			term_printf(stdout, "  本轮更新：无\n");
		else {
			term_printf(stdout, "  本轮更新：\n");
			json_array_foreach(json_object_get(t, "changes"), j, x)
				print_change(x);
		}
		print_files(json_object_get(t, "files"));
		missing = report_join(json_object_get(t, "missing"), "；");
		if (*missing != '\0')
			term_printf(stdout, "  仍需督办：%s\n", missing);
		free(missing);
	}
}

static int
cmd_dispatch_open(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const fields[][2] = { { "due", "due_on" },
	    { "title", "title" }, { "request", "request" } };
	json_t			*body = json_object(), *plans = json_array();
	json_t			*offices = json_array(), *counties = json_array(), *out;
	const char		*v;
	size_t			 i;
	int			 n, rc;

	(void)ctx;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if ((v = args_get(args, fields[i][0])) != NULL)
			json_object_set_new(body, fields[i][1], json_string(v));
	for (n = 0; (v = args_nth(args, "plan", n)) != NULL; n++)
		json_array_append_new(plans, json_string(v));
	for (n = 0; (v = args_nth(args, "office", n)) != NULL; n++)
		json_array_append_new(offices, json_string(v));
	for (n = 0; (v = args_nth(args, "county", n)) != NULL; n++)
		json_array_append_new(counties, json_string(v));
	if (json_array_size(counties) > 0)
		json_object_set(body, "counties", counties);
	else if (args_has(args, "counties"))
		json_object_set_new(body, "counties", json_true());
	json_object_set(body, "plans", plans);
	if (json_array_size(offices) > 0)
		json_object_set(body, "offices", offices);
	if ((rc = api_call("POST", args_get(args, "server"),
	    args_get(args, "token-file"), "/api/v1/dispatches", body, 201, &out)) != 0)
		goto out;
	if (args_has(args, "json"))
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else {
		notified(out);
		print_round(out);
	}
	json_decref(out);
out:
	json_decref(body);
	json_decref(plans);
	json_decref(offices);
	json_decref(counties);
	return (rc);
}

/* show and close: an id, the API options. */
static int
round_cmd(struct args *args, int close)
{
	const char	*id = args_value(args, 0);
	char		*path;
	json_t		*out;
	int		 rc;

	path = xprintf("/api/v1/dispatches/%s%s", id, close ? "/close" : "");
	rc = api_call(close ? "POST" : "GET", args_get(args, "server"),
	    args_get(args, "token-file"), path, NULL, 200, &out);
	free(path);
	if (rc != 0)
		return (rc);
	if (args_has(args, "json"))
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else {
		if (close)
			term_printf(stdout, "已结束调度。\n\n");
		print_round(out);
		print_summary(out);
	}
	json_decref(out);
	return (0);
}

static int
cmd_dispatch_show(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (round_cmd(args, 0));
}

static int
cmd_dispatch_close(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (round_cmd(args, 1));
}

static int
cmd_dispatch_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const head[] = { "编号", "标题", "计划", "报送截止", "状态",
	    "已报送", "未报送" };
	const char		*cells[7];
	struct table		*t;
	json_t			*out, *d;
	char			 id[24], rep[24], mis[24], *plans;
	size_t			 i;
	int			 rc;

	(void)ctx;
	if ((rc = api_call("GET", args_get(args, "server"), args_get(args, "token-file"),
	    "/api/v1/dispatches", NULL, 200, &out)) != 0)
		return (rc);
	if (args_has(args, "json")) {
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(out);
		return (0);
	}
	t = table_new(7, head, NULL);
	json_array_foreach(out, i, d) {
		const json_t *c = json_object_get(d, "counts");

		snprintf(id, sizeof id, "%lld", N(d, "id"));
		snprintf(rep, sizeof rep, "%lld", N(c, "reported"));
		snprintf(mis, sizeof mis, "%lld", N(c, "missing"));
		plans = report_join(json_object_get(d, "plans"), "、");
		cells[0] = id;
		cells[1] = S(d, "title");
		cells[2] = plans;
		cells[3] = S(d, "due_on");
		cells[4] = word(VOCAB_ROUND_STATE, S(d, "state"));
		cells[5] = rep;
		cells[6] = mis;
		table_add(t, cells);
		free(plans);
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(out);
	return (0);
}

/* submit, return, accept: a round, an office, the API options. */
static int
report_cmd(struct args *args, const char *action)
{
	const char	*id = args_value(args, 0), *office = args_value(args, 1);
	char		*path, *enc;
	json_t		*out, *b = json_object(), *st;
	size_t		 i;
	int		 rc;

	if (strcmp(action, "submit") == 0 && args_has(args, "confirm"))
		json_object_set_new(b, "confirm", json_true());
	if (strcmp(action, "return") == 0)
		json_object_set_new(b, "reason", json_string(args_get(args, "reason")));
	enc = curl_easy_escape(NULL, office, 0);
	path = xprintf("/api/v1/dispatches/%s/%s/%s/%s", id,
	    args_has(args, "county") ? "counties" : "offices", enc, action);
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"), path,
	    b, 200, &out);
	free(path);
	curl_free(enc);
	json_decref(b);
	if (rc != 0)
		return (rc);
	if (args_has(args, "json"))
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else if (args_has(args, "county"))
		term_printf(stdout, "%s：%s%s%s\n", S(out, "name"), S(out, "state_label"),
		    S(out, "reason") ? "：" : "", S(out, "reason") ? S(out, "reason") : "");
	else {
		term_printf(stdout, "%s：%s（%s）\n", S(out, "office"), S(out, "state_label"),
		    S(out, "dispatch"));
		if (S(out, "note") != NULL)
			term_printf(stdout, "%s\n", S(out, "note"));
		json_array_foreach(json_object_get(out, "steps"), i, st)
			term_printf(stdout, "  %.16s %s（%s）%s%s%s\n", S(st, "at"), S(st, "actor"),
			    S(st, "role"), S(st, "state_label"),
			    S(st, "reason") ? "：" : "", S(st, "reason") ? S(st, "reason") : "");
	}
	json_decref(out);
	return (0);
}

static int
cmd_dispatch_submit(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (report_cmd(args, "submit"));
}

static int
cmd_dispatch_return(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (report_cmd(args, "return"));
}

static int
cmd_dispatch_accept(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (report_cmd(args, "accept"));
}

static int
cmd_dispatch_urge(struct cmd_ctx *ctx, struct args *args)
{
	const char	*id = args_value(args, 0), *office = args_value(args, 1);
	char		*path, *enc;
	json_t		*out, *n, *dl;
	size_t		 i, k;
	int		 rc;

	(void)ctx;
	enc = curl_easy_escape(NULL, office, 0);
	path = xprintf("/api/v1/dispatches/%s/offices/%s/urge", id, enc);
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"), path,
	    NULL, 201, &out);
	free(path);
	curl_free(enc);
	if (rc != 0)
		return (rc);
	if (args_has(args, "json"))
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else {
		term_printf(stdout, "已催办%s（%s）：%s\n", S(out, "office"), S(out, "state_label"),
		    S(out, "note"));
		json_array_foreach(json_object_get(out, "notices"), i, n) {
			term_printf(stdout, "  %s %s\n", S(n, "send_on"), S(n, "subject"));
			json_array_foreach(json_object_get(n, "deliveries"), k, dl)
				term_printf(stdout, "    %s %s：%s\n", word(VOCAB_CHANNEL, S(dl, "channel")),
				    S(dl, "address"), word(VOCAB_DELIVERY_STATUS, S(dl, "status")));
		}
	}
	json_decref(out);
	return (0);
}

/* 催办 of a county (上级督办下级): the city's general office or inspector. */
static int
cmd_dispatch_chase(struct cmd_ctx *ctx, struct args *args)
{
	const char	*id = args_value(args, 0);
	char		*path, *enc;
	json_t		*out, *rem;
	int		 rc;

	(void)ctx;
	enc = curl_easy_escape(NULL, args_get(args, "county"), 0);
	path = xprintf("/api/v1/dispatches/%s/counties/%s/chase", id, enc);
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"), path,
	    NULL, 201, &out);
	free(path);
	curl_free(enc);
	if (rc != 0)
		return (rc);
	rem = json_object_get(out, "reminder");
	if (args_has(args, "json"))
		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	else
		term_printf(stdout, "%s\n%s：%s（%s）\n%s\n", S(rem, "subject"),
		    S(json_object_get(out, "county"), "name"),
		    S(json_object_get(out, "county"), "state_label"),
		    S(json_object_get(json_object_get(out, "county"), "chases"), "label"),
		    S(out, "note"));
	json_decref(out);
	return (0);
}

/* Runs on the database host, as the other settings do. */
static int
cmd_dispatch_review(struct cmd_ctx *ctx, struct args *args)
{
	const char	*params[2];
	json_t		*body;
	int		 rc, on = strcmp(args_value(args, 0), "on") == 0;

	if (!on && strcmp(args_value(args, 0), "off") != 0) {
		fprintf(stderr, "duban dispatch review: 请给出 on 或 off，而不是“%s”\n",
		    args_value(args, 0));
		return (64);
	}
	params[0] = args_get(args, "org");
	params[1] = on ? "true" : "false";
	rc = cmd_call(ctx, "SELECT 200, json_build_object('changed',"
	    " duban_review_by_head_set($1, $2::boolean))::text", 2, params, &body);
	if (rc != 0)
		return (rc);
	term_printf(stdout, on ? "已开启处室负责人审核：经办人提交的报告须经处室负责人审核后报送（%lld 个单位有变化）\n" :
	    "已关闭处室负责人审核：经办人提交的报告直接报送（%lld 个单位有变化）\n",
	    N(body, "changed"));
	json_decref(body);
	return (0);
}

const struct cmd_entry cmd_dispatch_open_entry = {
	.name = "dispatch open",
	.summary = "发起进展调度：请各牵头处室在某日前报送进展，并立即通知它们",
	.args = {
		.options = (const struct args_option[]){
			{ "plan", 'p', "计划", .flags = ARGS_REQUIRED | ARGS_MULTI,
			  .help = "计划的键或编号，可多次给出", .missing = OPEN_WRONG },
			{ "due", 'd', "日期", ARGS_DATE, .flags = ARGS_REQUIRED,
			  .help = "报送截止日期 YYYY-MM-DD；逾期未报的处室在其后第一个工作日收到催报",
			  .missing = OPEN_WRONG },
			{ "office", 'o', "处室", .flags = ARGS_MULTI,
			  .help = "只调度这些处室（可多次）；默认：这些计划中尚有未完成任务的全部牵头处室\n"
			  "（给出 --counties 或 --county 而未给出 --office 时只调度县（市）区）" },
			{ "counties", 'C', NULL,
			  .help = "同时调度承担这些计划任务的全部县（市）区教育局（上级督办下级）" },
			{ "county", 'c', "县（市）区", .flags = ARGS_MULTI,
			  .help = "只调度这些县（市）区教育局（可多次）" },
			{ "title", 't', "标题", .help = "标题，默认“YYYY年M月进展调度”" },
			{ "request", 'r', "要求", .help = "调度要求（随通知发出）" },
			API_OPTIONS,
			{ NULL } },
		.wrong = OPEN_WRONG,
	},
	.exec = cmd_dispatch_open,
};

/* The round that show and close take. */
#define ROUND_ID \
	(const struct args_operand[]){ { .name = "编号", .kind = ARGS_ID }, { NULL } }
#define ROUND_WRONG	"请给出一个调度编号（duban dispatch list）"

const struct cmd_entry cmd_dispatch_show_entry = {
	.name = "dispatch show",
	.summary = "显示一轮调度：各处室是否已报送、谁逾期；已结束的显示调度汇总",
	.args = {
		.options = api_options,
		.operands = ROUND_ID,
		.wrong = ROUND_WRONG,
	},
	.exec = cmd_dispatch_show,
};

const struct cmd_entry cmd_dispatch_close_entry = {
	.name = "dispatch close",
	.summary = "结束一轮调度，生成调度汇总：各任务本轮的变化和仍需督办的事项",
	.args = {
		.options = api_options,
		.operands = ROUND_ID,
		.wrong = ROUND_WRONG,
	},
	.exec = cmd_dispatch_close,
};

const struct cmd_entry cmd_dispatch_list_entry = {
	.name = "dispatch list",
	.summary = "列出各轮调度",
	.args = { .options = api_options },
	.exec = cmd_dispatch_list,
};

/* The round and the office that submit, return and accept take. */
#define ROUND_OFFICE \
	(const struct args_operand[]){ { .name = "编号", .kind = ARGS_ID }, \
	    { .name = "处室" }, { NULL } }
#define ROUND_OFFICE_WRONG	"请给出调度编号和处室名称，如 duban dispatch submit 1 财务审计处"
/* --county: the operand is a county bureau, the step its report's. */
#define COUNTY_OPTION \
	{ "county", 'c', NULL, .help = "第二个参数是县（市）区教育局：报送、退回或采纳该县（市）区的报告" }
static const struct args_option county_api_options[] = { COUNTY_OPTION, API_OPTIONS, { NULL } };

const struct cmd_entry cmd_dispatch_submit_entry = {
	.name = "dispatch submit",
	.summary = "提交本处室的报告：经办人提交处室负责人审核，处室负责人审核后报送",
	.args = {
		.options = (const struct args_option[]){
			{ "confirm", 'y', NULL,
			  .help = "确认报送：有牵头任务本次既未填报也无更新时仍然报送" },
			COUNTY_OPTION,
			API_OPTIONS,
			{ NULL } },
		.operands = ROUND_OFFICE,
		.wrong = ROUND_OFFICE_WRONG,
	},
	.exec = cmd_dispatch_submit,
};

const struct cmd_entry cmd_dispatch_return_entry = {
	.name = "dispatch return",
	.summary = "退回处室的报告并说明理由：处室负责人退回经办人，局办公室退回处室",
	.args = {
		.options = (const struct args_option[]){
			{ "reason", 'r', "理由", .flags = ARGS_REQUIRED,
			  .help = "退回理由（处室在待办中看到）" },
			COUNTY_OPTION,
			API_OPTIONS,
			{ NULL } },
		.operands = ROUND_OFFICE,
		.wrong = ROUND_OFFICE_WRONG,
	},
	.exec = cmd_dispatch_return,
};

const struct cmd_entry cmd_dispatch_accept_entry = {
	.name = "dispatch accept",
	.summary = "采纳处室已报送的报告（局办公室）",
	.args = {
		.options = county_api_options,
		.operands = ROUND_OFFICE,
		.wrong = ROUND_OFFICE_WRONG,
	},
	.exec = cmd_dispatch_accept,
};

const struct cmd_entry cmd_dispatch_review_entry = {
	.name = "dispatch review",
	.summary = "开启或关闭处室负责人审核（默认开启）",
	.args = {
		.options = (const struct args_option[]){
			{ "org", 'g', "单位", .help = "只设置这个单位；默认全部单位" },
			{ NULL } },
		.operands = (const struct args_operand[]){ { .name = "on|off" }, { NULL } },
		.wrong = "请给出 on 或 off",
	},
	.exec = cmd_dispatch_review,
};

const struct cmd_entry cmd_dispatch_urge_entry = {
	.name = "dispatch urge",
	.summary = "催办：立即通知尚未报送的处室（每个处室每天至多一次）",
	.args = {
		.options = api_options,
		.operands = ROUND_OFFICE,
		.wrong = ROUND_OFFICE_WRONG,
	},
	.exec = cmd_dispatch_urge,
};

const struct cmd_entry cmd_dispatch_chase_entry = {
	.name = "dispatch chase",
	.summary = "催办县（市）区：立即通知尚未报送的县（市）区教育局办公室（每个县（市）区每天至多一次）",
	.args = {
		.options = (const struct args_option[]){
			{ "county", 'c', "县（市）区", .flags = ARGS_REQUIRED,
			  .help = "要催办的县（市）区教育局",
			  .missing = "请用 --county 指定要催办的县（市）区教育局" },
			API_OPTIONS,
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "编号", .kind = ARGS_ID }, { NULL } },
		.wrong = "请给出调度编号，如 duban dispatch chase 1 --county 船营区教育局",
	},
	.exec = cmd_dispatch_chase,
};
