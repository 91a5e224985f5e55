/*
 * duban task list: tasks of the loaded plans, filtered.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deadline.h"
#include "duban.h"
#include "query.h"
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
	static const char *const headers[] = { "计划", "编号", "任务", "牵头处室",
	    "完成时限", "指标" };
	static const int widths[] = { 0, 0, 36, 16, 0, 28 };
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

	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_today(today);
	params[5] = today;
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
	t = table_new(6, headers, widths);
	json_array_foreach(tasks, i, tk) {
		const char	*lead = json_string_value(json_object_get(tk,
		    "lead_office"));
		char		*tg = targets_cell(json_object_get(tk, "targets"));
		const char	*cells[] = {
		    json_string_value(json_object_get(tk, "plan")),
		    json_string_value(json_object_get(tk, "number")),
		    json_string_value(json_object_get(tk, "title")),
		    lead ? lead : "（未明确）",
		    json_string_value(json_object_get(tk, "deadline")), tg };

		table_add(t, cells);
		free(tg);
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
