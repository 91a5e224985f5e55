/*
 * duban reminder preview | sweep | list | show | retry | config: the
 * supervision reminders and their outbox.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "deadline.h"
#include "duban.h"
#include "render.h"
#include "xmalloc.h"

static const char *
kind_zh(const char *k)
{
	if (strcmp(k, "digest") == 0)
		return ("季度督查");
	if (strcmp(k, "due_soon") == 0)
		return ("临期提醒");
	if (strcmp(k, "overdue") == 0)
		return ("逾期提醒");
	if (strcmp(k, "escalation") == 0)
		return ("督办");
	if (strcmp(k, "summary") == 0)
		return ("季度汇总");
	if (strcmp(k, "dispatch") == 0)
		return ("进展调度");
	return (k);
}

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
date_arg(const struct cmd_entry *e, const char *s, char buf[11])
{
	struct ymd	 d;

	if (date_parse_iso(s, &d) != 0)
		return (cmd_usage_error(e, "日期“%s”无效，应为 YYYY-MM-DD", s));
	date_format(&d, buf);
	return (0);
}

static int
today(char buf[11])
{
	char	*cause;

	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_today(buf);
	return (0);
}

static int
cmd_reminder_preview(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "office", required_argument, NULL, 'o' },
		{ "brief", no_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_reminder_preview_entry;
	const char		*office = NULL, *params[2];
	char			 date[11] = "", *text;
	json_t			*payload;
	PGconn			*conn;
	PGresult		*res, *cal;
	int			 ch, rc, i, brief = 0;

	while ((ch = getopt_long(argc, argv, "d:o:bh", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			if ((rc = date_arg(e, optarg, date)) != 0)
				return (rc);
			break;
		case 'o':
			office = optarg;
			break;
		case 'b':
			brief = 1;
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
	if (*date == '\0' && (rc = today(date)) != 0)
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
	    "  FROM duban_reminders_due($1::date - 1, $1::date) d"
	    "  LEFT JOIN office o ON o.id = d.office_id"
	    " WHERE $2::text IS NULL OR o.name = $2 OR $2 = ANY (o.aliases)"
	    " ORDER BY d.kind, d.key", 2, params);
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
			    kind_zh(PQgetvalue(res, i, 0)), PQgetvalue(res, i, 1));
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
	.usage = "[--date 日期] [--office 处室] [--brief]",
	.summary = "显示某个日期（默认今天）将发送的提醒及其内容，不发送",
	.help = "  --date    日期 YYYY-MM-DD；不是工作日时说明原因\n"
	    "  --office  只看某处室的提醒（名称或别名）\n"
	    "  --brief   只列标题和接收人\n",
	.exec = cmd_reminder_preview,
};

static int
cmd_reminder_sweep(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "date", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_reminder_sweep_entry;
	const char		*params[1];
	char			 date[11] = "";
	PGconn			*conn;
	PGresult		*res;
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
		if (ch == 'd') {
			if ((rc = date_arg(e, optarg, date)) != 0)
				return (rc);
		} else if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		} else
			return (cmd_usage_error(e, "无效的选项"));
	}
	if (*date == '\0' && (rc = today(date)) != 0)
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
	.usage = "[--date 日期]",
	.summary = "把截至某日（默认今天）应发的提醒放入发件箱（duband 会定时自动执行）",
	.help = NULL,
	.exec = cmd_reminder_sweep,
};

static int
cmd_reminder_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "failed", no_argument, NULL, 'f' },
		{ "date", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const headers[] = { "编号", "日期", "类别", "处室", "标题",
	    "已发", "待发", "失败", "最近错误" };
	static const int widths[] = { 0, 0, 0, 14, 40, 0, 0, 0, 30 };
	const struct cmd_entry	*e = &cmd_reminder_list_entry;
	const char		*params[2] = { NULL, NULL };
	char			 date[11];
	struct table		*t;
	PGconn			*conn;
	PGresult		*res;
	int			 ch, rc, i;

	while ((ch = getopt_long(argc, argv, "fd:h", opts, NULL)) != -1) {
		if (ch == 'f')
			params[0] = "true";
		else if (ch == 'd') {
			if ((rc = date_arg(e, optarg, date)) != 0)
				return (rc);
			params[1] = date;
		} else if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		} else
			return (cmd_usage_error(e, "无效的选项"));
	}
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	res = query(conn, "list",
	    "SELECT r.id, r.send_on, r.kind, coalesce(o.name, '—'), r.subject,"
	    "       count(d.id) FILTER (WHERE d.status = 'sent'),"
	    "       count(d.id) FILTER (WHERE d.status IN ('pending', 'sending')),"
	    "       count(d.id) FILTER (WHERE d.status = 'failed'),"
	    "       coalesce(max(d.last_error), '')"
	    "  FROM reminder r LEFT JOIN office o ON o.id = r.office_id"
	    "  LEFT JOIN delivery d ON d.reminder_id = r.id"
	    " WHERE ($2::date IS NULL OR r.send_on = $2::date)"
	    " GROUP BY r.id, o.name"
	    " HAVING NOT coalesce($1::bool, false)"
	    "     OR count(d.id) FILTER (WHERE d.status = 'failed') > 0"
	    " ORDER BY r.send_on DESC, r.id DESC LIMIT 500", 2, params);
	PQfinish(conn);
	if (res == NULL)
		return (EXIT_SOFTWARE);
	if (PQntuples(res) == 0) {
		printf(params[0] ? "没有发送失败的提醒\n" : "发件箱是空的\n");
		PQclear(res);
		return (0);
	}
	t = table_new(9, headers, widths);
	for (i = 0; i < PQntuples(res); i++) {
		const char *cells[] = { PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    kind_zh(PQgetvalue(res, i, 2)), PQgetvalue(res, i, 3),
		    PQgetvalue(res, i, 4), PQgetvalue(res, i, 5), PQgetvalue(res, i, 6),
		    PQgetvalue(res, i, 7), PQgetvalue(res, i, 8) };

		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_reminder_list_entry = {
	.name = "reminder list",
	.usage = "[--failed] [--date 日期]",
	.summary = "列出发件箱中的提醒及发送情况",
	.help = "  --failed  只列有发送失败的提醒（可用 duban reminder retry 重发）\n"
	    "  --date    只列该日（YYYY-MM-DD）生成的提醒\n",
	.exec = cmd_reminder_list,
};

static int
cmd_reminder_retry(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_reminder_retry_entry;
	const char		*params[1];
	PGconn			*conn;
	PGresult		*res;
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		}
		return (cmd_usage_error(e, "无效的选项"));
	}
	if (optind + 1 != argc || !cmd_id_arg(argv[optind]))
		return (cmd_usage_error(e, "请给出提醒编号（duban reminder list 的编号）"));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = argv[optind];
	res = query(conn, "retry",
	    "WITH r AS (UPDATE delivery SET status = 'pending', next_attempt_at = now(),"
	    "           claimed_by = NULL, claimed_until = NULL"
	    "            WHERE reminder_id = $1::bigint AND status = 'failed' RETURNING id),"
	    " n AS (SELECT pg_notify('duban_outbox', count(*)::text) FROM r)"
	    " SELECT (SELECT count(*) FROM r), (SELECT count(*) FROM n),"
	    "        EXISTS (SELECT 1 FROM reminder WHERE id = $1::bigint)", 1, params);
	PQfinish(conn);
	if (res == NULL)
		return (EXIT_SOFTWARE);
	if (strcmp(PQgetvalue(res, 0, 2), "t") != 0) {
		fprintf(stderr, "duban reminder retry：没有编号为 %s 的提醒\n", argv[optind]);
		PQclear(res);
		return (EXIT_NOINPUT);
	}
	printf("提醒 %s：%s 份发送失败的将重新发送\n", argv[optind], PQgetvalue(res, 0, 0));
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_reminder_retry_entry = {
	.name = "reminder retry",
	.usage = "编号",
	.summary = "重新发送一条提醒中发送失败的各份",
	.help = NULL,
	.exec = cmd_reminder_retry,
};

static int
cmd_reminder_config(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "digest-days", required_argument, NULL, 'n' },
		{ "due-soon-days", required_argument, NULL, 'k' },
		{ "escalate-after", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_reminder_config_entry;
	const char		*params[3] = { NULL, NULL, NULL };
	PGconn			*conn;
	PGresult		*res;
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "n:k:m:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			params[0] = optarg;
			break;
		case 'k':
			params[1] = optarg;
			break;
		case 'm':
			params[2] = optarg;
			break;
		case 'h':
			cmd_print_help(e, stdout);
			return (0);
		default:
			return (cmd_usage_error(e, "无效的选项"));
		}
	}
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	res = query(conn, "config",
	    "UPDATE reminder_config SET digest_days = coalesce($1::int, digest_days),"
	    " due_soon_days = coalesce($2::int, due_soon_days),"
	    " escalate_after = coalesce($3::int, escalate_after) WHERE id = 1"
	    " RETURNING digest_days, due_soon_days, escalate_after, last_swept", 3, params);
	PQfinish(conn);
	if (res == NULL)
		return (EXIT_DATAERR);
	printf("季度督查：季度结束前 %s 个工作日\n临期提醒：节点到期前 %s 个工作日\n"
	    "逾期提醒：到期后第一个工作日\n督办：逾期超过 %s 个工作日\n季度汇总：季度结束后第一个工作日\n"
	    "已处理到：%s\n", PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1),
	    PQgetvalue(res, 0, 2), PQgetisnull(res, 0, 3) ? "（尚未运行）" :
	    PQgetvalue(res, 0, 3));
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_reminder_config_entry = {
	.name = "reminder config",
	.usage = "[--digest-days N] [--due-soon-days K] [--escalate-after M]",
	.summary = "显示或修改提醒的时间安排（以工作日计）",
	.help = "  不带选项时显示当前安排。\n"
	    "  --digest-days N     季度督查提醒在季末前 N 个工作日发出（0–30，默认 5）\n"
	    "  --due-soon-days K   节点到期前 K 个工作日发到期提醒（1–30，默认 3）\n"
	    "  --escalate-after M  逾期满 M 个工作日仍未完成，次日向责任领导和局办公室督办（1–60，默认 5）\n",
	.exec = cmd_reminder_config,
};
