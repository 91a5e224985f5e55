/*
 * duban office list | office set | person set: who receives reminders,
 * by mail and by robot (generic webhook, WeCom, DingTalk).
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "duban.h"
#include "query.h"
#include "words.h"
#include "xmalloc.h"

/*
 * office set / person set: the addresses are checked, added or removed
 * by duban_recipients_set, as the API's are (one rule for both).
 */
static int
set_recipients(struct cmd_ctx *ctx, const struct cmd_entry *e,
    struct args *args, int person)
{
	json_t		*add = json_array(), *body;
	const char	*who = args_value(args, 0), *params[4];
	const char	*channel, *address;
	char		*doc, idbuf[24];
	long long	 id;
	PGconn		*conn;
	int		 rc, i;

	/* In the order given: the channel is the option's name. */
	for (i = 0; (address = args_at(args, i, &channel)) != NULL; i++)
		if (strcmp(channel, "email") == 0 || strcmp(channel, "webhook") == 0 ||
		    strcmp(channel, "wecom") == 0 || strcmp(channel, "dingtalk") == 0)
			json_array_append_new(add, json_pack("{s:s, s:s}", "channel",
			    channel, "address", address));
	if (json_array_size(add) == 0) {
		json_decref(add);
		return (cmd_usage_error(e, "请至少给出一个 --email、--webhook、--wecom 或 --dingtalk"));
	}
	if ((conn = cmd_connect(ctx, &rc)) == NULL) {
		json_decref(add);
		return (rc);
	}
	if ((rc = cmd_lookup(conn, person ? "person" : "office", who,
	    args_get(args, "org"), &id)) != 0) {
		PQfinish(conn);
		json_decref(add);
		return (rc);
	}
	doc = json_dumps(add, JSON_COMPACT);
	json_decref(add);
	snprintf(idbuf, sizeof idbuf, "%lld", id);
	params[0] = person ? NULL : idbuf;
	params[1] = person ? idbuf : NULL;
	params[2] = doc;
	params[3] = args_has(args, "remove") ? "true" : "false";
	rc = cmd_status_query(conn, QUERY_RECIPIENTS_SET, 4, params, &body);
	free(doc);
	PQfinish(conn);
	if (rc != 0)
		return (rc);
	if (args_has(args, "remove"))
		printf("%s：删除接收方式 %lld 个%s\n", who,
		    (long long)json_integer_value(json_object_get(body, "removed")),
		    json_integer_value(json_object_get(body, "kept")) > 0 ?
		    "（已发送过的保留，以便核查）" : "");
	else
		printf("%s：新增接收方式 %lld 个\n", who,
		    (long long)json_integer_value(json_object_get(body, "added")));
	json_decref(body);
	return (0);
}

/* The options of office set and person set. */
static const struct args_option recipient_options[] = {
	{ "email", 'e', "地址", .flags = ARGS_MULTI,
	  .help = "接收提醒的邮件地址（可多次）" },
	{ "webhook", 'w', "URL", .flags = ARGS_MULTI, .help = "通用 JSON webhook" },
	{ "wecom", 'q', "URL", .flags = ARGS_MULTI, .help = "企业微信群机器人地址" },
	{ "dingtalk", 'd', "URL", .flags = ARGS_MULTI, .help = "钉钉群机器人地址" },
	{ "remove", 'r', NULL, .help = "删除给出的接收方式" },
	{ "org", 'g', "单位", .help = "同名时指定单位" },
	{ NULL }
};

static int
cmd_office_set(struct cmd_ctx *ctx, struct args *args)
{
	return (set_recipients(ctx, &cmd_office_set_entry, args, 0));
}

const struct cmd_entry cmd_office_set_entry = {
	.name = "office set",
	.summary = "设置处室接收提醒的邮件地址和群机器人",
	.args = {
		.options = recipient_options,
		.operands = (const struct args_operand[]){
			{ .name = "处室" }, { NULL } },
		.wrong = "请给出处室名称",
	},
	.exec = cmd_office_set,
};

static int
cmd_person_set(struct cmd_ctx *ctx, struct args *args)
{
	return (set_recipients(ctx, &cmd_person_set_entry, args, 1));
}

const struct cmd_entry cmd_person_set_entry = {
	.name = "person set",
	.summary = "设置人员（如责任领导）接收督办通知的方式",
	.args = {
		.options = recipient_options,
		.operands = (const struct args_operand[]){
			{ .name = "姓名" }, { NULL } },
		.wrong = "请给出人员姓名",
	},
	.exec = cmd_person_set,
};

static int
cmd_office_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "编号", "单位", "处室", "类别", "牵头任务",
	    "接收方式" };
	static const int widths[] = { 0, 0, 0, 0, 0, 60 };
	static const char *const params[2] = { "true", NULL };
	struct table		*t;
	PGconn			*conn;
	json_t			*offices, *o, *rc;
	size_t			 i, k;
	char			*id, *led, *to, *tmp;
	const char		*kind;
	int			 code;

	(void)args;
	if ((conn = cmd_connect(ctx, &code)) == NULL)
		return (code);
	offices = cmd_query_json(conn, QUERY_OFFICE_LIST, 2, params);
	PQfinish(conn);
	if (offices == NULL)
		return (EXIT_SOFTWARE);
	t = table_new(6, headers, widths);
	json_array_foreach(offices, i, o) {
		kind = json_string_value(json_object_get(o, "kind"));
		/* Reminders go to the bureau's own offices and units. */
		if (strcmp(kind, "office") != 0 && strcmp(kind, "unit") != 0)
			continue;
		id = xprintf("%lld", json_integer_value(json_object_get(o, "id")));
		led = xprintf("%lld", json_integer_value(json_object_get(o, "tasks_led")));
		to = xstrdup("");
		json_array_foreach(json_object_get(o, "recipients"), k, rc) {
			tmp = xprintf("%s%s%s %s", to, *to ? "，" : "",
			    json_string_value(json_object_get(rc, "channel")),
			    json_string_value(json_object_get(rc, "address")));
			free(to);
			to = tmp;
		}
		{
			const char *cells[] = { id,
			    json_string_value(json_object_get(o, "organisation")),
			    json_string_value(json_object_get(o, "name")),
			    word(VOCAB_OFFICE_KIND, kind), led, to };

			table_add(t, cells);
		}
		free(id);
		free(led);
		free(to);
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(offices);
	return (0);
}

const struct cmd_entry cmd_office_list_entry = {
	.name = "office list",
	.summary = "列出各单位的处室、牵头任务数和接收提醒的方式",
	.exec = cmd_office_list,
};
