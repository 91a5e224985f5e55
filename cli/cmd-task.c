/*
 * duban task list: tasks of the loaded plans, filtered.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "deadline.h"
#include "duban.h"
#include "query.h"
#include "xmalloc.h"

static const char *zh_task_status(const char *);

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

static int
cmd_task_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "plan", required_argument, NULL, 'p' },
		{ "office", required_argument, NULL, 'o' },
		{ "due-before", required_argument, NULL, 'b' },
		{ "unassigned", no_argument, NULL, 'u' },
		{ "status", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const headers[] = { "ID", "计划", "编号", "任务", "牵头处室",
	    "完成时限", "状态", "指标" };
	static const int widths[] = { 0, 0, 0, 36, 16, 0, 0, 28 };
	const struct cmd_entry	*e = &cmd_task_list_entry;
	const char		*params[QUERY_TASK_LIST_NPARAMS] = { NULL };
	static const char *const statuses[] = { "done", "on_track", "behind",
	    "overdue", NULL };
	struct ymd		 due;
	char			 today[11], *cause;
	json_t			*tasks, *tk;
	struct table		*t;
	PGconn			*conn;
	size_t			 i;
	int			 ch, rc, json = 0;

	while ((ch = getopt_long(argc, argv, "p:o:b:us:jh", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			params[0] = optarg;
			break;
		case 'o':
			params[1] = optarg;
			break;
		case 'b':
			if (date_parse_iso(optarg, &due) != 0)
				return (cmd_usage_error(e, "--due-before 的日期“%s”无效，应为 YYYY-MM-DD",
				    optarg));
			params[2] = optarg;
			break;
		case 'u':
			params[3] = "true";
			break;
		case 's':
			for (i = 0; statuses[i] != NULL; i++)
				if (strcmp(optarg, statuses[i]) == 0)
					break;
			if (statuses[i] == NULL)
				return (cmd_usage_error(e, "--status 的值“%s”无效（done、on_track、behind、overdue）",
				    optarg));
			params[4] = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			cmd_print_help(e, stdout);
			return (0);
		default:
			return (cmd_usage_error(e, "无效的选项"));
		}
	}
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_today(today);
	params[5] = today;
	if (optind != argc)
		return (cmd_usage_error(e, "多余的参数“%s”", argv[optind]));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	tasks = cmd_query_json(conn, QUERY_TASK_LIST, QUERY_TASK_LIST_NPARAMS,
	    params);
	PQfinish(conn);
	if (tasks == NULL)
		return (EXIT_SOFTWARE);
	if (json) {
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
		    zh_task_status(json_string_value(json_object_get(tk, "status"))), tg };

		table_add(t, cells);
		free(tg);
		free(id);
	}
	if (json_array_size(tasks) == 0)
		printf("没有符合条件的任务\n");
	else {
		table_print(t, stdout);
		printf("共 %zu 项\n", json_array_size(tasks));
	}
	table_free(t);
	json_decref(tasks);
	return (0);
}

const struct cmd_entry cmd_task_list_entry = {
	.name = "task list",
	.usage = "[--plan 计划] [--office 处室] [--due-before 日期] [--unassigned] [--status 状态] [--json]",
	.summary = "列出任务",
	.help =
	    "  --plan 计划         只列该计划（键或编号）的任务\n"
	    "  --office 处室       只列该处室牵头或负责的任务（名称或别名）\n"
	    "  --due-before 日期   只列完成时限早于该日期（YYYY-MM-DD）的任务\n"
	    "  --unassigned        只列未明确牵头处室的任务\n"
	    "  --status 状态       只列该状态的任务：done（已完成）、on_track（按期推进）、\n"
	    "                      behind（滞后）、overdue（逾期）；以今天（或 DUBAN_NOW）为准\n"
	    "  --json              以 JSON 数组输出；每个任务含 plan、key、number、title、\n"
	    "                      parent、lead_office、deadline、targets（name、value、unit）\n",
	.exec = cmd_task_list,
};

static const char *
zh_task_status(const char *s)
{
	if (s == NULL)
		return ("—");
	if (strcmp(s, "done") == 0)
		return ("已完成");
	if (strcmp(s, "on_track") == 0)
		return ("按期推进");
	if (strcmp(s, "behind") == 0)
		return ("滞后");
	if (strcmp(s, "overdue") == 0)
		return ("逾期");
	if (strcmp(s, "pending") == 0)
		return ("未开始");
	if (strcmp(s, "in_progress") == 0)
		return ("进行中");
	if (strcmp(s, "blocked") == 0)
		return ("受阻");
	return (s);
}

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

static const char *
zh_field(const char *f)
{
	static const char *const names[][2] = {
		{ "status", "状态" }, { "completed_on", "完成日期" },
		{ "note", "完成情况" }, { "evidence_url", "佐证材料" },
		{ "current", "当前完成值" }, { "value", "指标值" },
		{ "deadline", "完成时限" }, { "due_on", "节点时间" },
		{ "lead_office", "牵头处室" }, { "withdrawn", "撤销" },
		{ "created", "新建" },
	};
	size_t	 i;

	for (i = 0; f != NULL && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(f, names[i][0]) == 0)
			return (names[i][1]);
	return (f ? f : "");
}

static int
cmd_task_show(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const kinds[][2] = { { "lead", "牵头处室" },
	    { "responsible", "责任处室" }, { "leader", "责任领导" },
	    { "coordinator", "协调部门" } };
	static const char *const th[] = { "编号", "指标", "目标", "当前", "完成度" };
	static const char *const mh[] = { "编号", "节点", "时间", "状态", "完成情况" };
	static const char *const hh[] = { "时间", "处室/来源", "内容", "原值", "新值", "说明" };
	static const int tw[] = { 0, 30, 0, 0, 0 };
	static const int mw[] = { 0, 20, 0, 0, 30 };
	static const int hw[] = { 0, 16, 0, 16, 16, 30 };
	const struct cmd_entry	*e = &cmd_task_show_entry;
	const char		*params[4] = { NULL };
	char			 today[11], *cause, *s;
	json_t			*t, *x;
	struct table		*tb;
	PGconn			*conn;
	size_t			 i, k;
	int			 ch, rc, json = 0;

	while ((ch = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		} else
			return (cmd_usage_error(e, "无效的选项"));
	}
	if (optind + 1 != argc || !cmd_id_arg(argv[optind]))
		return (cmd_usage_error(e, "请给出一个任务编号（duban task list 的 ID 列）"));
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_today(today);
	params[0] = argv[optind];
	params[1] = today;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	{
		PGresult *res = db_exec(conn, QUERY_TASK_GET, 4, params, &cause);

		PQfinish(conn);
		if (res == NULL) {
			fprintf(stderr, "duban：查询失败：%s\n", cause);
			free(cause);
			return (EXIT_SOFTWARE);
		}
		if (PQntuples(res) == 0) {
			fprintf(stderr, "duban：没有编号为 %s 的任务\n", argv[optind]);
			PQclear(res);
			return (EXIT_NOINPUT);
		}
		t = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
		PQclear(res);
	}
	if (t == NULL)
		return (EXIT_SOFTWARE);
	if (json) {
		json_dumpf(t, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(t);
		return (0);
	}
	printf("任务 %lld · %s · %s %s\n", (long long)json_integer_value(json_object_get(t, "id")),
	    S(t, "plan"), S(t, "number"), S(t, "title"));
	if (S(t, "section") != NULL)
		printf("部分：%s\n", S(t, "section"));
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		s = roles_of(json_object_get(t, "roles"), kinds[k][0]);
		if (s != NULL || k == 0)
			printf("%s：%s\n", kinds[k][1], s ? s : "（未明确）");
		free(s);
	}
	printf("完成时限：%s%s%s%s　状态：%s\n", S(t, "deadline"),
	    S(t, "deadline_form") ? "（" : "", S(t, "deadline_form") ? S(t, "deadline_form") : "",
	    S(t, "deadline_form") ? "）" : "", zh_task_status(S(t, "status")));
	if (S(t, "goal") != NULL)
		printf("工作目标：%s\n", S(t, "goal"));

	if (json_array_size(json_object_get(t, "targets")) > 0) {
		printf("\n指标：\n");
		tb = table_new(5, th, tw);
		json_array_foreach(json_object_get(t, "targets"), i, x) {
			char *id = xprintf("%lld", (long long)json_integer_value(json_object_get(x, "id")));
			char *v = num(json_object_get(x, "value")), *c = num(json_object_get(x, "current"));
			char *goal = xprintf("%s%s", v, S(x, "unit"));
			char *cur = json_is_null(json_object_get(x, "current")) ? xstrdup("未报") :
			    xprintf("%s%s", c, S(x, "unit"));
			json_t *cp = json_object_get(x, "completion");
			char *pct = json_is_number(cp) ? xprintf("%.0f%%", json_number_value(cp) * 100) :
			    xstrdup("—");
			const char *cells[] = { id, S(x, "name"), goal, cur, pct };

			table_add(tb, cells);
			free(id); free(v); free(c); free(goal); free(cur); free(pct);
		}
		table_print(tb, stdout);
		table_free(tb);
	}
	printf("\n节点：\n");
	tb = table_new(5, mh, mw);
	json_array_foreach(json_object_get(t, "milestones"), i, x) {
		char *id = xprintf("%lld", (long long)json_integer_value(json_object_get(x, "id")));
		const char *note = S(x, "note");
		const char *cells[] = { id, S(x, "title"), S(x, "due_on"),
		    zh_task_status(S(x, "status")), note ? note : "" };

		table_add(tb, cells);
		free(id);
	}
	table_print(tb, stdout);
	table_free(tb);
	if (json_array_size(json_object_get(t, "history")) > 0) {
		printf("\n进度历史：\n");
		tb = table_new(6, hh, hw);
		json_array_foreach(json_object_get(t, "history"), i, x) {
			char *at = xstrndup(S(x, "at"), 16);
			const char *who = S(x, "office") ? S(x, "office") : S(x, "actor");
			int st = strcmp(S(x, "field"), "status") == 0;
			const char *cells[] = { at, who, zh_field(S(x, "field")),
			    S(x, "old") ? (st ? zh_task_status(S(x, "old")) : S(x, "old")) : "",
			    S(x, "new") ? (st ? zh_task_status(S(x, "new")) : S(x, "new")) : "",
			    S(x, "note") ? S(x, "note") : "" };

			at[10] = ' ';
			table_add(tb, cells);
			free(at);
		}
		table_print(tb, stdout);
		table_free(tb);
	}
	json_decref(t);
	return (0);
}

const struct cmd_entry cmd_task_show_entry = {
	.name = "task show",
	.usage = "编号 [--json]",
	.summary = "显示一项任务：职责、指标、节点（及其编号）和进度历史",
	.help = "  --json  以 JSON 输出（与 GET /api/v1/tasks/编号 相同）\n",
	.exec = cmd_task_show,
};
