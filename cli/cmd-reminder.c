/*
 * duban reminder preview | sweep | list | show | retry | config: the
 * supervision reminders and their outbox.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "duban.h"
#include "query.h"
#include "render.h"
#include "words.h"
#include "xmalloc.h"

static PGresult *
query(PGconn *conn, const char *what, const char *sql, int n,
    const char *const *params)
{
	PGresult	*res;
	char		*cause;

	if ((res = db_exec(conn, sql, n, params, &cause)) == NULL) {
		fprintf(stderr, "duban reminder %s：%s\n", what, cause);
		free(cause);
	}
	return (res);
}

static int
cmd_reminder_preview(struct cmd_ctx *ctx, struct args *args)
{
	const char		*office = args_get(args, "office"), *params[2];
	char			 date[11], *text;
	json_t			*payload;
	PGconn			*conn;
	PGresult		*res, *cal;
	int			 rc, i, brief = args_has(args, "brief");

	if ((rc = cmd_today(args_get(args, "date"), date)) != 0)
		return (rc);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = date;
	params[1] = office;
	cal = query(conn, "preview", "SELECT w.is_workday, c.name,"
	    " to_char($1::date, 'YYYY年FMMM月FMDD日'),"
	    " (ARRAY['一','二','三','四','五','六','日'])[extract(isodow FROM $1::date)]"
	    " FROM workday_seq w LEFT JOIN calendar_day c ON c.day = w.day"
	    " WHERE w.day = $1::date", 1, params);
	res = query(conn, "preview",
	    "SELECT d.kind, d.subject, d.payload::text, d.key,"
	    "       (SELECT string_agg(rc.channel || ' ' || rc.address, '，' ORDER BY rc.id)"
	    "          FROM duban_reminder_recipients(ROW(0, d.key, d.kind, d.plan_id,"
	    "               d.office_id, d.milestone_id, d.period, d.send_on, d.subject,"
	    "               d.payload, now())::reminder) rc)"
	    "  FROM duban_reminders_due_all($1::date - 1, $1::date) d"
	    " WHERE $2::text IS NULL"
	    "    OR d.office_id IN (SELECT id FROM duban_office_match($2, NULL))"
	    " ORDER BY d.kind, d.key", 2, params);
	/* What the calendar lacks on that day, before what it sends. */
	if (res != NULL && cal != NULL &&
	    cmd_calendar_warnings(conn, date, NULL, stdout) < 0) {
		PQclear(res);
		res = NULL;
	}
	PQfinish(conn);
	if (res == NULL || cal == NULL) {
		PQclear(res);
		PQclear(cal);
		return (EXIT_SOFTWARE);
	}
	if (PQntuples(cal) == 0) {
		printf("%s 不在日历范围内\n", date);
	} else if (strcmp(PQgetvalue(cal, 0, 0), "t") != 0) {
		printf("%s（星期%s）不是工作日%s%s%s：不发送提醒；落在这一天的提醒提前到前一个工作日发送\n",
		    PQgetvalue(cal, 0, 2), PQgetvalue(cal, 0, 3),
		    PQgetisnull(cal, 0, 1) ? "" : "（", PQgetvalue(cal, 0, 1),
		    PQgetisnull(cal, 0, 1) ? "" : "）");
	} else {
		printf("%s（星期%s）%s将发送 %d 条提醒：\n", PQgetvalue(cal, 0, 2),
		    PQgetvalue(cal, 0, 3), office ? office : "", PQntuples(res));
		for (i = 0; i < PQntuples(res); i++) {
			printf("\n%s %d. [%s] %s\n", brief ? "" : "────────", i + 1,
			    word(VOCAB_REMINDER_KIND, PQgetvalue(res, i, 0)), PQgetvalue(res, i, 1));
			printf("   接收：%s\n", PQgetisnull(res, i, 4) ?
			    "（尚未设置接收人：duban office set）" : PQgetvalue(res, i, 4));
			if (brief)
				continue;
			payload = json_loads(PQgetvalue(res, i, 2), 0, NULL);
			text = render_text(payload, PQgetvalue(res, i, 1));
			printf("\n%s", text);
			free(text);
			json_decref(payload);
		}
	}
	PQclear(res);
	PQclear(cal);
	return (0);
}

const struct cmd_entry cmd_reminder_preview_entry = {
	.name = "reminder preview",
	.summary = "显示某个日期（默认今天）将发送的提醒及其内容，不发送",
	.args = {
		.options = (const struct args_option[]){
			{ "date", 'd', "日期", ARGS_DATE,
			  .help = "日期 YYYY-MM-DD；不是工作日时说明原因" },
			{ "office", 'o', "处室",
			  .help = "只看某处室的提醒（名称或别名）" },
			{ "brief", 'b', NULL, .help = "只列标题和接收人" },
			{ NULL } },
	},
	.exec = cmd_reminder_preview,
};

static int
cmd_reminder_sweep(struct cmd_ctx *ctx, struct args *args)
{
	const char		*params[1];
	char			 date[11];
	PGconn			*conn;
	PGresult		*res;
	int			 rc;

	if ((rc = cmd_today(args_get(args, "date"), date)) != 0)
		return (rc);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = date;
	res = query(conn, "sweep", "SELECT r->>'reminders', r->>'deliveries', r->>'from'"
	    " FROM duban_sweep($1::date) r", 1, params);
	PQfinish(conn);
	if (res == NULL)
		return (EXIT_SOFTWARE);
	printf("%s：新提醒 %s 条，待发送 %s 份（补查 %s 之后至 %s 的各日）\n", date,
	    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), date);
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_reminder_sweep_entry = {
	.name = "reminder sweep",
	.summary = "把截至某日（默认今天）应发的提醒放入发件箱（duband 会定时自动执行）",
	.args = {
		.options = (const struct args_option[]){
			{ "date", 'd', "日期", ARGS_DATE,
			  .help = "日期 YYYY-MM-DD，默认今天（或 DUBAN_NOW）" },
			{ NULL } },
	},
	.exec = cmd_reminder_sweep,
};

static int
cmd_reminder_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "编号", "日期", "类别", "处室", "标题",
	    "已发", "待发", "失败", "最近错误" };
	static const int widths[] = { 0, 0, 0, 14, 40, 0, 0, 0, 30 };
	const char		*params[3];
	struct table		*t;
	PGconn			*conn;
	json_t			*list, *x;
	size_t			 i;
	char			*n[4];
	const char		*first_org = NULL;
	int			 rc, k, several = 0, w[9];

	params[0] = args_get(args, "date");
	params[1] = args_has(args, "failed") ? "true" : "false";
	params[2] = "true";	/* the errors: the CLI is the operator's */
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	list = cmd_query_json(conn, QUERY_REMINDER_LIST, 4, params);
	PQfinish(conn);
	if (list == NULL)
		return (EXIT_SOFTWARE);
	if (json_array_size(list) == 0) {
		printf(args_has(args, "failed") ? "没有发送失败的提醒\n" : "发件箱是空的\n");
		json_decref(list);
		return (0);
	}
	/* Offices of more than one organisation in the list (a city's and
	 * its counties' 局办公室): each named with its organisation. */
	json_array_foreach(list, i, x) {
		const char *org = json_string_value(json_object_get(x, "org"));

		if (org == NULL)
			continue;
		if (first_org == NULL)
			first_org = org;
		else if (strcmp(org, first_org) != 0)
			several = 1;
	}
	memcpy(w, widths, sizeof w);
	if (several)
		w[3] = 0;	/* the office with its organisation, whole */
	t = table_new(9, headers, w);
	json_array_foreach(list, i, x) {
		static const char *const counts[] = { "id", "sent", "pending", "failed" };
		const char *org = json_string_value(json_object_get(x, "org"));
		char *named = NULL;

		for (k = 0; k < 4; k++)
			n[k] = xprintf("%lld", json_integer_value(json_object_get(x, counts[k])));
		{
			const char *office = json_string_value(json_object_get(x, "office"));
			const char *err = json_string_value(json_object_get(x, "last_error"));

			/* A county's chase may have no office to go to (a county
			 * bureau with no offices yet): the county, then. */
			if (several && office != NULL && org != NULL)
				office = named = xprintf("%s（%s）", office, org);
			else if (office == NULL && org != NULL)
				office = org;
			const char *cells[] = { n[0],
			    json_string_value(json_object_get(x, "send_on")),
			    word(VOCAB_REMINDER_KIND,
			    json_string_value(json_object_get(x, "kind"))),
			    office ? office : "—",
			    json_string_value(json_object_get(x, "subject")),
			    n[1], n[2], n[3], err ? err : "" };

			table_add(t, cells);
		}
		free(named);
		for (k = 0; k < 4; k++)
			free(n[k]);
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(list);
	return (0);
}

const struct cmd_entry cmd_reminder_list_entry = {
	.name = "reminder list",
	.summary = "列出发件箱中的提醒及发送情况",
	.args = {
		.options = (const struct args_option[]){
			{ "failed", 'f', NULL,
			  .help = "只列有发送失败的提醒（可用 duban reminder retry 重发）" },
			{ "date", 'd', "日期", ARGS_DATE,
			  .help = "只列该日（YYYY-MM-DD）生成的提醒" },
			{ NULL } },
	},
	.exec = cmd_reminder_list,
};

static int
cmd_reminder_retry(struct cmd_ctx *ctx, struct args *args)
{
	const char	*id = args_value(args, 0), *params[2] = { id, NULL };
	json_t		*body;
	int		 rc;

	if ((rc = cmd_call(ctx, QUERY_REMINDER_RETRY, 2, params, &body)) != 0)
		return (rc);
	printf("提醒 %s：%lld 份发送失败的将重新发送\n", id,
	    (long long)json_integer_value(json_object_get(body, "retried")));
	json_decref(body);
	return (0);
}

const struct cmd_entry cmd_reminder_retry_entry = {
	.name = "reminder retry",
	.summary = "重新发送一条提醒中发送失败的各份",
	.args = {
		.operands = (const struct args_operand[]){
			{ .name = "编号", .kind = ARGS_ID }, { NULL } },
		.wrong = "请给出提醒编号（duban reminder list 的编号）",
	},
	.exec = cmd_reminder_retry,
};

static int
cmd_reminder_config(struct cmd_ctx *ctx, struct args *args)
{
	const char		*params[5];
	PGconn			*conn;
	PGresult		*res;
	int			 rc;

	params[0] = args_get(args, "digest-days");
	params[1] = args_get(args, "due-soon-days");
	params[2] = args_get(args, "escalate-after");
	params[3] = args_get(args, "acknowledge-days");
	params[4] = args_get(args, "acknowledge-escalate");
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	res = query(conn, "config",
	    "UPDATE reminder_config SET digest_days = coalesce($1::int, digest_days),"
	    " due_soon_days = coalesce($2::int, due_soon_days),"
	    " escalate_after = coalesce($3::int, escalate_after),"
	    " acknowledge_days = coalesce($4::int, acknowledge_days),"
	    " acknowledge_escalate_days = coalesce($5::int, acknowledge_escalate_days) WHERE id = 1"
	    " RETURNING digest_days, due_soon_days, escalate_after, last_swept,"
	    " acknowledge_days, acknowledge_escalate_days", 5, params);
	PQfinish(conn);
	if (res == NULL)
		return (EXIT_DATAERR);
	printf("季度督查：季度结束前 %s 个工作日\n临期提醒：节点到期前 %s 个工作日\n"
	    "逾期提醒：到期后第一个工作日\n督办：逾期超过 %s 个工作日\n季度汇总：季度结束后第一个工作日\n"
	    "签收提醒：交办后 %s 个工作日未签收\n未签收告知局办公室：再过 %s 个工作日\n"
	    "已处理到：%s\n", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
	    PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 5),
	    PQgetisnull(res, 0, 3) ? "（尚未运行）" : PQgetvalue(res, 0, 3));
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_reminder_config_entry = {
	.name = "reminder config",
	.summary = "显示或修改提醒的时间安排（以工作日计）",
	.help = "不带选项时显示当前安排。\n",
	.args = {
		.options = (const struct args_option[]){
			{ "digest-days", 'n', "N",
			  .help = "季度督查提醒在季末前 N 个工作日发出（0–30，默认 5）" },
			{ "due-soon-days", 'k', "K",
			  .help = "节点到期前 K 个工作日发到期提醒（1–30，默认 3）" },
			{ "escalate-after", 'm', "M",
			  .help = "逾期满 M 个工作日仍未完成，次日向责任领导和局办公室督办（1–60，默认 5）" },
			{ "acknowledge-days", 'a', "A",
			  .help = "交办满 A 个工作日仍未签收，提醒承办处室（1–30，默认 3）" },
			{ "acknowledge-escalate", 'e', "E",
			  .help = "签收提醒后再过 E 个工作日仍未签收，告知局办公室（1–30，默认 2）" },
			{ NULL } },
	},
	.exec = cmd_reminder_config,
};
