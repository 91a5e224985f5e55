/*
 * duban task list: tasks of the loaded plans, filtered.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "duban.h"
#include "percent.h"
#include "query.h"
#include "words.h"
#include "xmalloc.h"

/* "18所、3000个 等3项": the targets of a task, short. */
static char *
targets_cell(json_t *targets)
{
	json_t	*g;
	size_t	 i;
	char	*s = xstrdup(""), *tmp, *num;

	json_array_foreach(targets, i, g) {
		if (i == 2) {
			tmp = xprintf("%s 等%zu项", s, json_array_size(targets));
			free(s);
			return (tmp);
		}
		num = json_dumps(json_object_get(g, "value"), JSON_ENCODE_ANY);
		tmp = xprintf("%s%s%s%s", s, i ? "、" : "", num,
		    json_string_value(json_object_get(g, "unit")));
		free(num);
		free(s);
		s = tmp;
	}
	return (s);
}

/* A task's status as --status takes it. */
static const char *const task_statuses[] = { "done", "completing", "on_track", "behind",
    "overdue", "unreported", NULL };

static int
cmd_task_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "ID", "计划", "编号", "任务", "牵头处室",
	    "完成时限", "状态", "指标" };
	static const int widths[] = { 0, 0, 0, 36, 16, 0, 0, 28 };
	const char		*params[QUERY_TASK_LIST_NPARAMS] = { NULL };
	char			 today[11], *cause;
	json_t			*tasks, *tk;
	struct table		*t;
	PGconn			*conn;
	size_t			 i;
	int			 rc;

	params[0] = args_get(args, "plan");
	params[1] = args_get(args, "office");
	params[2] = args_get(args, "due-before");
	params[3] = args_has(args, "unassigned") ? "true" : NULL;
	params[4] = args_get(args, "status");
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_today(today);
	params[5] = today;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	tasks = cmd_query_json(conn, QUERY_TASK_LIST, QUERY_TASK_LIST_NPARAMS,
	    params);
	PQfinish(conn);
	if (tasks == NULL)
		return (EXIT_SOFTWARE);
	if (args_has(args, "json")) {
		json_dumpf(tasks, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(tasks);
		return (0);
	}
	t = table_new(8, headers, widths);
	json_array_foreach(tasks, i, tk) {
		const char	*lead = json_string_value(json_object_get(tk,
		    "lead_office"));
		char		*tg = targets_cell(json_object_get(tk, "targets"));
		char		*id = xprintf("%lld", (long long)json_integer_value(
		    json_object_get(tk, "id")));
		const char	*cells[] = { id,
		    json_string_value(json_object_get(tk, "plan")),
		    json_string_value(json_object_get(tk, "number")),
		    json_string_value(json_object_get(tk, "title")),
		    lead ? lead : "（未明确）",
		    json_string_value(json_object_get(tk, "deadline")),
		    word_or(VOCAB_TASK_STATUS,
		    json_string_value(json_object_get(tk, "status")), "—"), tg };

		table_add(t, cells);
		free(tg);
		free(id);
	}
	if (json_array_size(tasks) == 0)
		term_printf(stdout, "没有符合条件的任务\n");
	else {
		table_print(t, stdout);
		term_printf(stdout, "共 %zu 项\n", json_array_size(tasks));
	}
	table_free(t);
	json_decref(tasks);
	return (0);
}

const struct cmd_entry cmd_task_list_entry = {
	.name = "task list",
	.summary = "列出任务",
	.args = {
		.options = (const struct args_option[]){
			{ "plan", 'p', "计划",
			  .help = "只列该计划（键或编号）的任务" },
			{ "office", 'o', "处室",
			  .help = "只列该处室牵头或负责的任务（名称或别名）" },
			{ "due-before", 'b', "日期", ARGS_DATE,
			  .help = "只列完成时限早于该日期（YYYY-MM-DD）的任务" },
			{ "unassigned", 'u', NULL,
			  .help = "只列未明确牵头处室的任务" },
			{ "status", 's', "状态", ARGS_CHOICE, task_statuses,
			  .help = "只列该状态的任务：done（已完成）、completing（待办结审核）、\n"
			  "on_track（按期推进）、"
			  "behind（滞后）、overdue（逾期）、unreported（未填报）；\n"
			  "以今天（或 DUBAN_NOW）为准" },
			{ "json", 'j', NULL,
			  .help = "以 JSON 数组输出；每个任务含 plan、key、number、title、\n"
			  "parent、lead_office、deadline、targets（name、value、unit）" },
			{ NULL } },
	},
	.exec = cmd_task_list,
};

#define S(o, k)	json_string_value(json_object_get((o), (k)))

/* "office（person）、…" for one kind of role. */
static char *
roles_of(json_t *roles, const char *kind)
{
	json_t		*r;
	size_t		 i;
	char		*s = NULL, *n;
	const char	*office, *person;

	json_array_foreach(roles, i, r) {
		if (strcmp(S(r, "role"), kind) != 0)
			continue;
		office = S(r, "office");
		person = S(r, "person");
		if (office != NULL && person != NULL)
			n = xprintf("%s%s%s（%s）", s ? s : "", s ? "、" : "", office, person);
		else
			n = xprintf("%s%s%s", s ? s : "", s ? "、" : "", office ? office : person);
		free(s);
		s = n;
	}
	return (s);
}

static char *
num(json_t *v)
{
	return (json_is_null(v) || v == NULL ? xstrdup("—") :
	    json_dumps(v, JSON_ENCODE_ANY));
}

static int
cmd_task_show(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const kinds[] = { "lead", "responsible", "leader",
	    "coordinator" };
	static const char *const th[] = { "编号", "指标", "目标", "当前", "完成度" };
	static const char *const mh[] = { "编号", "节点", "时间", "状态", "完成情况" };
	static const char *const hh[] = { "时间", "处室/来源", "内容", "原值", "新值", "说明" };
	static const int tw[] = { 0, 30, 0, 0, 0 };
	static const int mw[] = { 0, 20, 0, 0, 30 };
	static const int hw[] = { 0, 16, 0, 16, 16, 30 };
	const char		*task_id = args_value(args, 0), *params[5] = { NULL };
	char			 today[11], *cause, *s;
	json_t			*t, *x;
	struct table		*tb;
	PGconn			*conn;
	size_t			 i, k;
	int			 rc;

	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_today(today);
	params[0] = task_id;
	params[1] = today;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	{
		PGresult *res = db_exec(conn, QUERY_TASK_GET, 5, params, &cause);

		PQfinish(conn);
		if (res == NULL) {
			fprintf(stderr, "duban：查询失败：%s\n", cause);
			free(cause);
			return (EXIT_SOFTWARE);
		}
		if (PQntuples(res) == 0) {
			fprintf(stderr, "duban：没有编号为 %s 的任务\n", task_id);
			PQclear(res);
			return (EXIT_NOINPUT);
		}
		t = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		PQclear(res);
	}
	if (t == NULL)
		return (EXIT_SOFTWARE);
	if (args_has(args, "json")) {
		json_dumpf(t, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(t);
		return (0);
	}
	term_printf(stdout, "任务 %lld · %s · %s %s\n", (long long)json_integer_value(json_object_get(t, "id")),
	    S(t, "plan"), S(t, "number"), S(t, "title"));
	if (S(t, "section") != NULL)
		term_printf(stdout, "部分：%s\n", S(t, "section"));
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		s = roles_of(json_object_get(t, "roles"), kinds[k]);
		if (s != NULL || k == 0)
			term_printf(stdout, "%s：%s\n", word(VOCAB_TASK_ROLE, kinds[k]),
			    s ? s : "（未明确）");
		free(s);
	}
	term_printf(stdout, "完成时限：%s%s%s%s　状态：%s\n", S(t, "deadline"),
	    S(t, "deadline_form") ? "（" : "", S(t, "deadline_form") ? S(t, "deadline_form") : "",
	    S(t, "deadline_form") ? "）" : "", word_or(VOCAB_TASK_STATUS, S(t, "status"), "—"));
	{
		json_t	*cp = json_object_get(t, "completion"), *c = json_object_get(cp, "request");

		if (json_is_true(json_object_get(cp, "review")))
			term_printf(stdout, "办结审核：%s%s%s\n", word_or(VOCAB_TASK_COMPLETION, S(cp, "state"), "—"),
			    S(c, "decision_reason") ? "　意见：" : "",
			    S(c, "decision_reason") ? S(c, "decision_reason") : "");
	}
	if (S(t, "goal") != NULL)
		term_printf(stdout, "工作目标：%s\n", S(t, "goal"));

	if (json_array_size(json_object_get(t, "targets")) > 0) {
		term_printf(stdout, "\n指标：\n");
		tb = table_new(5, th, tw);
		json_array_foreach(json_object_get(t, "targets"), i, x) {
			char *id = xprintf("%lld", (long long)json_integer_value(json_object_get(x, "id")));
			char *v = num(json_object_get(x, "value")), *c = num(json_object_get(x, "current"));
			char *goal = xprintf("%s%s", v, S(x, "unit"));
			char *cur = json_is_null(json_object_get(x, "current")) ?
			    xstrdup(word(VOCAB_TARGET_STATE, "unreported")) :
			    xprintf("%s%s", c, S(x, "unit"));
			json_t *cp = json_object_get(x, "completion");
			char *pct = xmalloc(PERCENT_LEN);

			percent_json(cp, pct, PERCENT_LEN);
			const char *cells[] = { id, S(x, "name"), goal, cur, pct };

			table_add(tb, cells);
			free(id); free(v); free(c); free(goal); free(cur); free(pct);
		}
		table_print(tb, stdout);
		table_free(tb);
	}
	term_printf(stdout, "\n节点：\n");
	tb = table_new(5, mh, mw);
	json_array_foreach(json_object_get(t, "milestones"), i, x) {
		char *id = xprintf("%lld", (long long)json_integer_value(json_object_get(x, "id")));
		const char *note = S(x, "note");
		const char *cells[] = { id, S(x, "title"), S(x, "due_on"),
		    word_or(VOCAB_MILESTONE_STATUS, S(x, "status"), "—"), note ? note : "" };

		table_add(tb, cells);
		free(id);
	}
	table_print(tb, stdout);
	table_free(tb);
	if (json_array_size(json_object_get(t, "history")) > 0) {
		term_printf(stdout, "\n进度历史：\n");
		tb = table_new(6, hh, hw);
		json_array_foreach(json_object_get(t, "history"), i, x) {
			char at[17];
			const char *who = S(x, "office") ? S(x, "office") : S(x, "actor");
			int st = strcmp(S(x, "field"), "status") == 0;
			const char *cells[] = { cmd_when(S(x, "at"), at), who,
			    word_or(VOCAB_FIELD, S(x, "field"), ""),
			    S(x, "old") ? (st ? word(VOCAB_MILESTONE_STATUS, S(x, "old")) : S(x, "old")) : "",
			    S(x, "new") ? (st ? word(VOCAB_MILESTONE_STATUS, S(x, "new")) : S(x, "new")) : "",
			    S(x, "note") ? S(x, "note") : "" };

			table_add(tb, cells);
		}
		table_print(tb, stdout);
		table_free(tb);
	}
	json_decref(t);
	return (0);
}

const struct cmd_entry cmd_task_show_entry = {
	.name = "task show",
	.summary = "显示一项任务：职责、指标、节点（及其编号）和进度历史",
	.args = {
		.options = (const struct args_option[]){
			{ "json", 'j', NULL,
			  .help = "以 JSON 输出（与 GET /api/v1/tasks/编号 相同）" },
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "编号", .kind = ARGS_ID }, { NULL } },
		.wrong = "请给出一个任务编号（duban task list 的 ID 列）",
	},
	.exec = cmd_task_show,
};
