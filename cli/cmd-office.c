/*
 * duban office list | office set | person set: who receives reminders,
 * by mail and by robot (generic webhook, WeCom, DingTalk).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "duban.h"
#include "xmalloc.h"

/* A mail address: something@something, no spaces or brackets. */
static int
email_ok(const char *s)
{
	const char	*at = strchr(s, '@');

	return (at != NULL && at != s && at[1] != '\0' && strchr(at + 1, '@') == NULL &&
	    strpbrk(s, " \t\r\n<>,;\"") == NULL && strlen(s) < 255);
}

static int
url_ok(const char *s)
{
	return ((strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0) &&
	    strpbrk(s, " \t\r\n\"") == NULL && strlen(s) < 2048);
}

static int
set_recipients(struct cmd_ctx *ctx, const struct cmd_entry *e, int argc,
    char **argv, int person)
{
	static const struct option opts[] = {
		{ "org", required_argument, NULL, 'g' },
		{ "email", required_argument, NULL, 'e' },
		{ "webhook", required_argument, NULL, 'w' },
		{ "wecom", required_argument, NULL, 'q' },
		{ "dingtalk", required_argument, NULL, 'd' },
		{ "remove", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	json_t		*add = json_array();
	const char	*org = NULL, *params[5];
	char		*doc, *cause;
	PGconn		*conn;
	PGresult	*res;
	int		 ch, rc, remove = 0;

	while ((ch = getopt_long(argc, argv, "g:e:w:q:d:rh", opts, NULL)) != -1) {
		const char *channel = NULL;

		switch (ch) {
		case 'g':
			org = optarg;
			continue;
		case 'r':
			remove = 1;
			continue;
		case 'h':
			cmd_print_help(e, stdout);
			json_decref(add);
			return (0);
		case 'e':
			if (!email_ok(optarg)) {
				json_decref(add);
				return (cmd_usage_error(e, "邮件地址“%s”无效", optarg));
			}
			channel = "email";
			break;
		case 'w':
		case 'q':
		case 'd':
			if (!url_ok(optarg)) {
				json_decref(add);
				return (cmd_usage_error(e, "地址“%s”应为 http:// 或 https:// 开头的链接",
				    optarg));
			}
			channel = ch == 'w' ? "webhook" : ch == 'q' ? "wecom" : "dingtalk";
			break;
		default:
			json_decref(add);
			return (cmd_usage_error(e, "无效的选项"));
		}
		json_array_append_new(add, json_pack("{s:s, s:s}", "channel", channel,
		    "address", optarg));
	}
	if (optind + 1 != argc) {
		json_decref(add);
		return (cmd_usage_error(e, "请给出%s", person ? "人员姓名" : "处室名称"));
	}
	if (json_array_size(add) == 0) {
		json_decref(add);
		return (cmd_usage_error(e, "请至少给出一个 --email、--webhook、--wecom 或 --dingtalk"));
	}
	if ((conn = cmd_connect(ctx, &rc)) == NULL) {
		json_decref(add);
		return (rc);
	}
	doc = json_dumps(add, JSON_COMPACT);
	json_decref(add);
	params[0] = argv[optind];
	params[1] = org;
	params[2] = doc;
	params[3] = person ? "person" : "office";
	params[4] = remove ? "true" : "false";
	/* Who, unambiguously; then add (or remove) in one statement. */
	res = db_exec(conn,
	    "WITH who AS ("
	    "  SELECT o.id, g.name AS org FROM office o JOIN organisation g ON g.id = o.org_id"
	    "   WHERE $4 = 'office' AND (o.name = $1 OR $1 = ANY (o.aliases))"
	    "     AND ($2::text IS NULL OR g.name = $2)"
	    "  UNION ALL"
	    "  SELECT p.id, g.name FROM person p JOIN organisation g ON g.id = p.org_id"
	    "   WHERE $4 = 'person' AND p.name = $1 AND ($2::text IS NULL OR g.name = $2)),"
	    " one AS (SELECT id FROM who WHERE (SELECT count(*) FROM who) = 1),"
	    " want AS (SELECT x->>'channel' AS channel, x->>'address' AS address"
	    "            FROM jsonb_array_elements($3::jsonb) x),"
	    " ins AS (INSERT INTO recipient (office_id, person_id, channel, address)"
	    "         SELECT CASE WHEN $4 = 'office' THEN one.id END,"
	    "                CASE WHEN $4 = 'person' THEN one.id END, w.channel, w.address"
	    "           FROM one, want w WHERE NOT $5::bool"
	    "         ON CONFLICT DO NOTHING RETURNING id),"
	    " del AS (DELETE FROM recipient r USING one, want w"
	    "          WHERE $5::bool AND r.channel = w.channel AND r.address = w.address"
	    "            AND CASE WHEN $4 = 'office' THEN r.office_id ELSE r.person_id END = one.id"
	    "            AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.recipient_id = r.id)"
	    "         RETURNING r.id)"
	    " SELECT (SELECT count(*) FROM who), (SELECT string_agg(org, '、') FROM who),"
	    "        (SELECT count(*) FROM ins), (SELECT count(*) FROM del)",
	    5, params, &cause);
	free(doc);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban %s：%s\n", e->name, cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	rc = atoi(PQgetvalue(res, 0, 0));
	if (rc != 1) {
		fprintf(stderr, rc == 0 ? "duban %s：没有“%s”%s\n" :
		    "duban %s：“%s”在多个单位中都有（%s）：请用 --org 指定\n", e->name,
		    argv[optind], rc == 0 ? "" : PQgetvalue(res, 0, 1));
		PQclear(res);
		return (EXIT_DATAERR);
	}
	if (remove)
		printf("%s：删除接收方式 %s 个%s\n", argv[optind], PQgetvalue(res, 0, 3),
		    "（已发送过的保留，以便核查）");
	else
		printf("%s：新增接收方式 %s 个\n", argv[optind], PQgetvalue(res, 0, 2));
	PQclear(res);
	return (0);
}

#define RECIPIENT_HELP \
	"  --email 地址       接收提醒的邮件地址（可多次）\n" \
	"  --webhook URL      通用 JSON webhook\n" \
	"  --wecom URL        企业微信群机器人地址\n" \
	"  --dingtalk URL     钉钉群机器人地址\n" \
	"  --remove           删除给出的接收方式\n" \
	"  --org 单位         同名时指定单位\n"

static int
cmd_office_set(struct cmd_ctx *ctx, int argc, char **argv)
{
	return (set_recipients(ctx, &cmd_office_set_entry, argc, argv, 0));
}

const struct cmd_entry cmd_office_set_entry = {
	.name = "office set",
	.usage = "处室 [--email 地址] [--webhook URL] [--wecom URL] [--dingtalk URL] [--remove] [--org 单位]",
	.summary = "设置处室接收提醒的邮件地址和群机器人",
	.help = RECIPIENT_HELP,
	.exec = cmd_office_set,
};

static int
cmd_person_set(struct cmd_ctx *ctx, int argc, char **argv)
{
	return (set_recipients(ctx, &cmd_person_set_entry, argc, argv, 1));
}

const struct cmd_entry cmd_person_set_entry = {
	.name = "person set",
	.usage = "姓名 [--email 地址] [--webhook URL] [--wecom URL] [--dingtalk URL] [--remove] [--org 单位]",
	.summary = "设置人员（如责任领导）接收督办通知的方式",
	.help = RECIPIENT_HELP,
	.exec = cmd_person_set,
};

static int
cmd_office_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const headers[] = { "编号", "单位", "处室", "类别", "牵头任务",
	    "接收方式" };
	static const int widths[] = { 0, 0, 0, 0, 0, 60 };
	const struct cmd_entry	*e = &cmd_office_list_entry;
	struct table		*t;
	PGconn			*conn;
	PGresult		*res;
	char			*cause;
	int			 ch, rc, i;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		}
		return (cmd_usage_error(e, "无效的选项"));
	}
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	res = db_exec(conn,
	    "SELECT o.id, g.name, o.name, o.kind,"
	    "       (SELECT count(*) FROM task_lead tl JOIN task t ON t.id = tl.task_id"
	    "         WHERE tl.office_id = o.id AND t.withdrawn_at IS NULL),"
	    "       coalesce((SELECT string_agg(r.channel || ' ' || r.address, '，' ORDER BY r.id)"
	    "                   FROM recipient r WHERE r.office_id = o.id), '')"
	    "  FROM office o JOIN organisation g ON g.id = o.org_id"
	    " WHERE o.kind IN ('office', 'unit') ORDER BY g.name, o.name", 0, NULL, &cause);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban office list：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	t = table_new(6, headers, widths);
	for (i = 0; i < PQntuples(res); i++) {
		const char *kind = PQgetvalue(res, i, 3);
		const char *cells[] = { PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2), strcmp(kind, "office") == 0 ? "处室" : "直属单位",
		    PQgetvalue(res, i, 4), PQgetvalue(res, i, 5) };

		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_office_list_entry = {
	.name = "office list",
	.usage = "",
	.summary = "列出各单位的处室、牵头任务数和接收提醒的方式",
	.help = NULL,
	.exec = cmd_office_list,
};
