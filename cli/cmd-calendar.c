/*
 * duban calendar load | show | close | open: China's working-day calendar
 * (the State Council's notices) and the bureau's own closures; and the
 * warning that it lacks a year (duban_calendar_missing), which `duban
 * reminder preview` prints too.
 */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "db.h"
#include "diag.h"
#include "duban.h"
#include "xmalloc.h"

static int
cmd_calendar_load(struct cmd_ctx *ctx, struct args *args)
{
	struct diags		 d;
	json_t			*all = json_array(), *c;
	PGconn			*conn;
	PGresult		*res;
	const char		*params[1];
	char			*doc, *cause;
	int			 rc, i;

	diags_init(&d);
	for (i = 0; i < args_count(args); i++)
		if ((c = calendar_read_file(args_value(args, i), &d)) != NULL)
			json_array_append_new(all, c);
	if (diags_errors(&d) > 0) {
		diags_print(&d, stderr);
		diags_free(&d);
		json_decref(all);
		return (EXIT_DATAERR);
	}
	diags_free(&d);
	if ((conn = cmd_connect(ctx, &rc)) == NULL) {
		json_decref(all);
		return (rc);
	}
	doc = json_dumps(all, JSON_COMPACT);
	params[0] = doc;
	res = db_exec(conn, "SELECT (SELECT coalesce(sum(duban_load_calendar(c)), 0)"
	    "          FROM jsonb_array_elements($1::jsonb) c),"
	    "       (SELECT string_agg(DISTINCT y->>'year', '、' ORDER BY y->>'year')"
	    "          FROM jsonb_array_elements($1::jsonb) c,"
	    "               jsonb_array_elements(c->'years') y)", 1, params, &cause);
	free(doc);
	json_decref(all);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban calendar load：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	printf("已导入工作日历（%s 年），更新 %s 天\n", PQgetvalue(res, 0, 1),
	    PQgetvalue(res, 0, 0));
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_calendar_load_entry = {
	.name = "calendar load",
	.summary = "导入国务院节假日安排（放假和调休上班日）",
	.args = {
		.operands = (const struct args_operand[]){
			{ .name = "文件", .flags = ARGS_MULTI }, { NULL } },
		.wrong = "请给出日历文件",
	},
	.exec = cmd_calendar_load,
};

int
cmd_calendar_warnings(PGconn *conn, const char *day, const char *year, FILE *f)
{
	const char	*params[2] = { day, year };
	PGresult	*res;
	char		*cause;
	int		 i, n;

	res = db_exec(conn, "SELECT warning FROM duban_calendar_missing($1::date,"
	    " CASE WHEN $2::int IS NOT NULL THEN ARRAY[$2::int] END)", 2, params,
	    &cause);
	if (res == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (-1);
	}
	for (i = 0; i < PQntuples(res); i++)
		fprintf(f, "【注意】%s\n", PQgetvalue(res, i, 0));
	n = PQntuples(res);
	PQclear(res);
	return (n);
}

static int
cmd_calendar_show(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "日期", "星期", "安排", "名称", "依据" };
	static const int widths[] = { 0, 0, 0, 0, 50 };
	static const char *const wd[] = { "一", "二", "三", "四", "五", "六", "日" };
	const char		*params[1];
	char			*cause, year[8], today[11];
	struct table		*t;
	PGconn			*conn;
	PGresult		*res;
	int			 rc, i, warned;

	snprintf(year, sizeof year, "%s", args_value(args, 0));
	if ((rc = cmd_today(NULL, today)) != 0)
		return (rc);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = year;
	res = db_exec(conn, "SELECT day, extract(isodow FROM day)::int, kind, name, source,"
	    " (SELECT count(*) FROM workday_seq w WHERE w.is_workday"
	    "   AND extract(year FROM w.day) = $1::int)"
	    " FROM calendar_day WHERE extract(year FROM day) = $1::int ORDER BY day",
	    1, params, &cause);
	if (res == NULL) {
		PQfinish(conn);
		fprintf(stderr, "duban calendar show：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	/* What the calendar lacks, today and for this year, first. */
	warned = cmd_calendar_warnings(conn, today, year, stdout);
	PQfinish(conn);
	if (warned < 0) {
		PQclear(res);
		return (EXIT_SOFTWARE);
	}
	if (PQntuples(res) == 0) {
		if (warned == 0)
			printf("%s 年没有节假日安排：按周一至周五工作计算\n", year);
		PQclear(res);
		return (0);
	}
	if (warned > 0)
		putchar('\n');
	t = table_new(5, headers, widths);
	for (i = 0; i < PQntuples(res); i++) {
		const char *kind = PQgetvalue(res, i, 2);
		const char *cells[] = { PQgetvalue(res, i, 0),
		    wd[atoi(PQgetvalue(res, i, 1)) - 1],
		    strcmp(kind, "holiday") == 0 ? "放假" :
		    strcmp(kind, "workday") == 0 ? "上班（调休）" : "本局停止办公",
		    PQgetvalue(res, i, 3), PQgetvalue(res, i, 4) };

		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	printf("%s 年共 %s 个工作日\n", year, PQgetvalue(res, 0, 5));
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_calendar_show_entry = {
	.name = "calendar show",
	.summary = "显示某年的放假、调休上班和本局停止办公的日期",
	.args = {
		.operands = (const struct args_operand[]){
			{ .name = "年份", .kind = ARGS_YEAR }, { NULL } },
		.wrong = "请给出年份",
	},
	.exec = cmd_calendar_show,
};

static int
closure(struct cmd_ctx *ctx, const struct cmd_entry *e, struct args *args,
    int close)
{
	const char	*day = args_value(args, 0), *params[2];
	const char	*reason = args_get(args, "reason");
	PGconn		*conn;
	PGresult	*res;
	char		*cause;
	int		 rc;

	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = day;
	params[1] = reason;
	res = close ?
	    db_exec(conn, "INSERT INTO calendar_day (day, kind, name, source)"
		" VALUES ($1::date, 'closure', $2, 'bureau')"
		" ON CONFLICT (day) DO UPDATE SET kind = 'closure', name = $2,"
		" source = 'bureau', year = NULL", 2, params, &cause) :
	    db_exec(conn, "DELETE FROM calendar_day WHERE day = $1::date"
		" AND source = 'bureau'", 1, params, &cause);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban %s：%s\n", e->name, cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	if (close)
		printf("%s 记为本局停止办公（%s）：这一天的提醒提前到前一个工作日\n",
		    day, reason);
	else
		printf("%s：%s\n", day, atoi(PQcmdTuples(res)) ?
		    "已取消本局停止办公" : "不是本局停止办公的日子，未作修改");
	PQclear(res);
	return (0);
}

static int
cmd_calendar_close(struct cmd_ctx *ctx, struct args *args)
{
	return (closure(ctx, &cmd_calendar_close_entry, args, 1));
}

static int
cmd_calendar_open(struct cmd_ctx *ctx, struct args *args)
{
	return (closure(ctx, &cmd_calendar_open_entry, args, 0));
}

/* The day, as close and open take it. */
#define CLOSURE_DAY \
	(const struct args_operand[]){ { .name = "日期", .kind = ARGS_DATE }, { NULL } }
#define CLOSURE_WRONG "请给出一个日期（YYYY-MM-DD）"

const struct cmd_entry cmd_calendar_close_entry = {
	.name = "calendar close",
	.summary = "记录本局停止办公的日子（不发提醒，算作非工作日）",
	.args = {
		.options = (const struct args_option[]){
			{ "reason", 'r', "原因", .flags = ARGS_REQUIRED,
			  .help = "停止办公的原因，随日历显示",
			  .missing = "请用 --reason 说明停止办公的原因" },
			{ NULL } },
		.operands = CLOSURE_DAY,
		.wrong = CLOSURE_WRONG,
	},
	.exec = cmd_calendar_close,
};

const struct cmd_entry cmd_calendar_open_entry = {
	.name = "calendar open",
	.summary = "取消本局停止办公的日子",
	.args = {
		.options = (const struct args_option[]){
			{ "reason", 'r', "原因",
			  .help = "可以给出，不记录（与 calendar close 写法相同）" },
			{ NULL } },
		.operands = CLOSURE_DAY,
		.wrong = CLOSURE_WRONG,
	},
	.exec = cmd_calendar_open,
};
