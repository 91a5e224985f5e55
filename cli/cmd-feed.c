/*
 * duban feed create | list | revoke: an office's calendar feed (iCalendar)
 * at a URL with its own token, for staff to subscribe to from their
 * calendar apps.  Like API tokens, the token is printed once and only its
 * SHA-256 is kept; revoking one feed leaves the office's others working.
 */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "duban.h"
#include "hash.h"
#include "query.h"
#include "xmalloc.h"

static int
cmd_feed_create(struct cmd_ctx *ctx, struct args *args)
{
	const char	*server = args_get(args, "server"), *params[5];
	char		*token, *actor, hash[SHA256_HEX_LEN + 1], idbuf[24];
	long long	 office;
	json_t		*body;
	PGconn		*conn;
	int		 rc;

	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	if ((rc = cmd_lookup(conn, "office", args_get(args, "office"),
	    args_get(args, "org"), &office)) != 0) {
		PQfinish(conn);
		return (rc);
	}
	if ((token = token_new("dbf_")) == NULL) {
		perror("getrandom");
		PQfinish(conn);
		return (EXIT_SOFTWARE);
	}
	sha256_hex(token, strlen(token), hash);
	actor = cmd_actor();
	snprintf(idbuf, sizeof idbuf, "%lld", office);
	params[0] = idbuf;
	params[1] = hash;
	params[2] = args_get(args, "label");
	params[3] = actor;
	params[4] = NULL;	/* the CLI reaches every organisation */
	rc = cmd_status_query(conn, QUERY_FEED_CREATE, 5, params, &body);
	free(actor);
	PQfinish(conn);
	if (rc == 0) {
		printf("已创建日历订阅 %lld（%s）。订阅地址只显示这一次，请妥善保存：\n%s/ical/%s.ics\n",
		    (long long)json_integer_value(json_object_get(body, "id")),
		    json_string_value(json_object_get(body, "office")),
		    api_server(server), token);
		json_decref(body);
	}
	free(token);
	return (rc);
}

static int
cmd_feed_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const head[] = { "编号", "处室", "名称", "创建", "创建人", "状态" };
	struct table		*t;
	PGconn			*conn;
	json_t			*feeds, *f;
	size_t			 i;
	char			*id, *state, created[17], revoked[17];
	int			 rc;

	(void)args;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	feeds = cmd_query_json(conn, QUERY_FEED_LIST, 1, (const char *[]){ NULL });
	PQfinish(conn);
	if (feeds == NULL)
		return (EXIT_SOFTWARE);
	t = table_new(6, head, NULL);
	json_array_foreach(feeds, i, f) {
		const char *rev = json_string_value(json_object_get(f, "revoked_at"));

		id = xprintf("%lld", json_integer_value(json_object_get(f, "id")));
		state = rev == NULL ? xstrdup("有效") :
		    xprintf("已吊销 %.10s", cmd_when(rev, revoked));
		{
			const char *cells[] = { id,
			    json_string_value(json_object_get(f, "office")),
			    json_string_value(json_object_get(f, "label")),
			    cmd_when(json_string_value(json_object_get(f, "created_at")),
			    created),
			    json_string_value(json_object_get(f, "created_by")), state };

			table_add(t, cells);
		}
		free(id);
		free(state);
	}
	table_print(t, stdout);
	table_free(t);
	json_decref(feeds);
	return (0);
}

static int
cmd_feed_revoke(struct cmd_ctx *ctx, struct args *args)
{
	const char	*id = args_value(args, 0), *params[2] = { id, NULL };
	json_t		*body;
	int		 rc;

	if ((rc = cmd_call(ctx, QUERY_FEED_REVOKE, 2, params, &body)) != 0)
		return (rc == EXIT_NOINPUT ? EXIT_DATAERR : rc);
	/* As duban token revoke: one already revoked is 65. */
	if (json_is_true(json_object_get(body, "already"))) {
		fprintf(stderr, "duban：日历订阅 %s 已于 %.10s 吊销\n", id,
		    json_string_value(json_object_get(body, "revoked_at")));
		rc = EXIT_DATAERR;
	} else
		printf("已吊销日历订阅 %s，其地址即时失效\n", id);
	json_decref(body);
	return (rc);
}

const struct cmd_entry cmd_feed_create_entry = {
	.name = "feed create",
	.summary = "为处室创建日历订阅地址（iCalendar），可在手机或电脑日历中订阅节点和完成时限",
	.args = {
		.options = (const struct args_option[]){
			{ "office", 'o', "处室", .flags = ARGS_REQUIRED,
			  .help = "处室名称（或别名）",
			  .missing = "请用 --office 指定处室" },
			{ "org", 'g', "单位",
			  .help = "处室名称在多个单位中都有时，指定单位" },
			{ "label", 'l', "名称",
			  .help = "订阅的名称（默认“处室日历”）" },
			{ "server", 'S', "URL",
			  .help = "订阅地址中的服务器：日历应用能访问到的 duband 对外地址（如 duband 的\n"
			  "public_url）；默认 $DUBAN_SERVER 或 http://127.0.0.1:8080" },
			{ NULL } },
	},
	.exec = cmd_feed_create,
};

const struct cmd_entry cmd_feed_list_entry = {
	.name = "feed list",
	.summary = "列出日历订阅（不含地址中的令牌）",
	.exec = cmd_feed_list,
};

const struct cmd_entry cmd_feed_revoke_entry = {
	.name = "feed revoke",
	.summary = "吊销一个日历订阅，其地址即时失效",
	.args = {
		.operands = (const struct args_operand[]){
			{ .name = "编号", .kind = ARGS_ID }, { NULL } },
		.wrong = "请给出一个订阅编号（duban feed list 的编号列）",
	},
	.exec = cmd_feed_revoke,
};
