/*
 * duban token create | list | revoke | verify: API tokens, managed on the
 * database host.  A token is printed once; only its SHA-256 is stored.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "duban.h"
#include "hash.h"
#include "query.h"
#include "xmalloc.h"

#define ROLE_WRONG	"请用 --role 指定角色（office、general 或 inspector），" \
			"或用 --user 指定令牌代表的个人账号"

/* A token that acts as a person (--user): the person's office and role. */
static int
token_for_user(const struct cmd_entry *e, struct cmd_ctx *ctx, struct args *args)
{
	const char	*params[5];
	char		*token, *actor, hash[SHA256_HEX_LEN + 1], now[CLOCK_ISO_LEN];
	json_t		*body;
	int		 rc;

	if (args_has(args, "office") || args_has(args, "org"))
		return (cmd_usage_error(e, "--user 的令牌属于本人的处室，不要用 --office"));
	if ((rc = cmd_now(now)) != 0)
		return (rc);
	if ((token = token_new("dbn_")) == NULL) {
		perror("getrandom");
		return (EXIT_SOFTWARE);
	}
	sha256_hex(token, strlen(token), hash);
	actor = cmd_actor();
	params[0] = args_get(args, "user");
	params[1] = hash;
	params[2] = args_get(args, "label");
	params[3] = actor;
	params[4] = now;
	rc = cmd_call(ctx, "SELECT status, body::text FROM duban_user_token_create($1, $2, $3,"
	    " $4, $5::timestamptz)", 5, params, &body);
	free(actor);
	if (rc == 0) {
		if (args_has(args, "quiet"))
			printf("%s\n", token);
		else
			printf("已创建令牌 %lld，代表 %s（%s）。令牌只显示这一次，请妥善保存：\n%s\n",
			    (long long)json_integer_value(json_object_get(body, "id")),
			    json_string_value(json_object_get(body, "label")),
			    args_get(args, "user"), token);
		json_decref(body);
	}
	explicit_bzero(token, strlen(token));
	free(token);
	return (rc);
}

static int
cmd_token_create(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_token_create_entry;
	const char		*role = args_get(args, "role");
	const char		*office = args_get(args, "office");
	const char		*org = args_get(args, "org");
	const char		*label = args_get(args, "label"), *params[6];
	char			*token, *actor, hash[SHA256_HEX_LEN + 1];
	char			*deflabel = NULL, idbuf[24];
	long long		 office_id = 0;
	json_t			*body;
	PGconn			*conn;
	int			 rc;

	if (args_has(args, "user"))
		return (token_for_user(e, ctx, args));
	if (strcmp(role, "office") && strcmp(role, "general") &&
	    strcmp(role, "inspector"))
		return (cmd_usage_error(e, ROLE_WRONG));
	if (strcmp(role, "office") == 0 && office == NULL)
		return (cmd_usage_error(e, "office 角色的令牌须用 --office 指定处室"));
	if (strcmp(role, "inspector") == 0 && office != NULL)
		return (cmd_usage_error(e, "inspector 角色的令牌不属于处室，不要用 --office"));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);

	if ((token = token_new("dbn_")) == NULL) {
		perror("getrandom");
		PQfinish(conn);
		return (EXIT_SOFTWARE);
	}
	if (office != NULL && (rc = cmd_lookup(conn, "office", office, org,
	    &office_id)) != 0) {
		PQfinish(conn);
		free(token);
		return (rc);
	}
	PQfinish(conn);
	sha256_hex(token, strlen(token), hash);
	actor = cmd_actor();
	if (label == NULL)
		label = deflabel = xstrdup(office != NULL ? office :
		    strcmp(role, "general") == 0 ? "局办公室（综合调度）" : "督查");
	snprintf(idbuf, sizeof idbuf, "%lld", office_id);
	params[0] = hash;
	params[1] = role;
	params[2] = office != NULL ? idbuf : NULL;
	params[3] = office != NULL ? NULL : org;
	params[4] = label;
	params[5] = actor;
	rc = cmd_call(ctx, "SELECT status, body::text FROM duban_token_create($1, $2,"
	    " $3::bigint, $4, $5, $6)", 6, params, &body);
	free(actor);
	if (rc == 0) {
		if (args_has(args, "quiet"))
			printf("%s\n", token);
		else
			printf("已创建令牌 %lld（角色 %s，%s%s%s，%s）。令牌只显示这一次，"
			    "请妥善保存：\n%s\n",
			    (long long)json_integer_value(json_object_get(body, "id")), role,
			    json_string_value(json_object_get(body, "org")),
			    office ? "，处室 " : "", office ? office : "", label, token);
		json_decref(body);
	}
	explicit_bzero(token, strlen(token));
	free(token);
	free(deflabel);
	return (rc);
}

const struct cmd_entry cmd_token_create_entry = {
	.name = "token create",
	.summary = "创建 API 令牌并显示一次（数据库中只保存其哈希）",
	.args = {
		.options = (const struct args_option[]){
			{ "role", 'r', "角色", .flags = ARGS_ONE_OF,
			  .help = "office：只能更新本处室牵头或负责的任务；general：局办公室，\n"
			  "可更新所有任务并管理令牌；inspector：督查，只读" },
			{ "user", 'u', "登录名", .flags = ARGS_ONE_OF,
			  .help = "令牌代表这个人（duban user create），以其处室和角色行事，\n"
			  "历史记下其姓名；账号停用时令牌即时失效" },
			{ "office", 'o', "处室",
			  .help = "令牌所属处室（名称或别名）；office 角色必填" },
			{ "org", 'g', "单位", .help = "令牌所属单位（局办公室和督查的令牌；“全部”为本库全部单位）；处室同名于多个单位时，指定单位" },
			{ "label", 'l', "说明", .help = "说明，记入每条进度历史" },
			{ "quiet", 'q', NULL, .help = "只输出令牌本身" },
			{ NULL } },
		.wrong = ROLE_WRONG,
	},
	.exec = cmd_token_create,
};

static int
cmd_token_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "编号", "角色", "处室", "说明",
	    "创建时间", "创建人", "状态" };
	json_t			*list, *t;
	struct table		*tb;
	PGconn			*conn;
	size_t			 i;
	int			 rc;

	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	list = cmd_query_json(conn,
	    "SELECT coalesce(json_agg(json_build_object('id', t.id, 'role', t.role,"
	    " 'office', o.name, 'label', t.label,"
	    " 'created_at', to_char(t.created_at, 'YYYY-MM-DD HH24:MI'),"
	    " 'created_by', t.created_by,"
	    " 'revoked_at', to_char(t.revoked_at, 'YYYY-MM-DD HH24:MI')) ORDER BY t.id), '[]')::text"
	    " FROM api_token t LEFT JOIN office o ON o.id = t.office_id", 0, NULL);
	PQfinish(conn);
	if (list == NULL)
		return (EXIT_SOFTWARE);
	if (args_has(args, "json")) {
		json_dumpf(list, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(list);
		return (0);
	}
	tb = table_new(7, headers, NULL);
	json_array_foreach(list, i, t) {
		char		*id = xprintf("%lld", (long long)json_integer_value(
		    json_object_get(t, "id")));
		const char	*office = json_string_value(json_object_get(t, "office"));
		const char	*revoked = json_string_value(json_object_get(t,
		    "revoked_at"));
		char		*state = revoked ? xprintf("已吊销（%s）", revoked) :
		    xstrdup("有效");
		const char	*cells[] = { id,
		    json_string_value(json_object_get(t, "role")),
		    office ? office : "—",
		    json_string_value(json_object_get(t, "label")),
		    json_string_value(json_object_get(t, "created_at")),
		    json_string_value(json_object_get(t, "created_by")), state };

		table_add(tb, cells);
		free(id);
		free(state);
	}
	if (json_array_size(list) == 0)
		printf("还没有令牌（duban token create --role general）\n");
	else
		table_print(tb, stdout);
	table_free(tb);
	json_decref(list);
	return (0);
}

const struct cmd_entry cmd_token_list_entry = {
	.name = "token list",
	.summary = "列出 API 令牌（不含令牌本身）",
	.args = {
		.options = (const struct args_option[]){
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			{ NULL } },
	},
	.exec = cmd_token_list,
};

static int
cmd_token_revoke(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_token_revoke_entry;
	const char		*id = args_value(args, 0), *params[1];
	PGconn			*conn;
	PGresult		*res;
	char			*cause, *end;
	int			 rc;

	if (strtol(id, &end, 10) <= 0 || *end != '\0')
		return (cmd_usage_error(e, "令牌编号“%s”应为正整数", id));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = id;
	res = db_exec(conn, "UPDATE api_token SET revoked_at = now()"
	    " WHERE id = $1::bigint AND revoked_at IS NULL RETURNING label",
	    1, params, &cause);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban token revoke：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	if (PQntuples(res) == 0) {
		fprintf(stderr, "duban token revoke：没有编号为 %s 的有效令牌\n", id);
		PQclear(res);
		return (EXIT_DATAERR);
	}
	printf("已吊销令牌 %s（%s），即时生效\n", id, PQgetvalue(res, 0, 0));
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_token_revoke_entry = {
	.name = "token revoke",
	.summary = "吊销 API 令牌，即时生效",
	.args = {
		.operands = (const struct args_operand[]){
			{ .name = "编号" }, { NULL } },
		.wrong = "请给出一个令牌编号",
	},
	.exec = cmd_token_revoke,
};

static int
cmd_token_verify(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_token_verify_entry;
	const char		*params[1];
	char			 line[512], hash[SHA256_HEX_LEN + 1], *cause;
	PGconn			*conn;
	PGresult		*res;
	int			 rc, ok;

	(void)args;
	if (fgets(line, sizeof line, stdin) == NULL)
		return (cmd_usage_error(e, "请从标准输入给出令牌"));
	line[strcspn(line, "\r\n")] = '\0';
	sha256_hex(line, strlen(line), hash);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = hash;
	/* The check duband makes of every bearer token. */
	res = db_exec(conn, QUERY_TOKEN_AUTH, 1, params, &cause);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban token verify：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	ok = PQntuples(res) == 1;
	if (ok)
		printf("令牌 %s 有效\n", PQgetvalue(res, 0, 0));
	else
		printf("令牌无效或已吊销\n");
	PQclear(res);
	return (ok ? 0 : 1);
}

const struct cmd_entry cmd_token_verify_entry = {
	.name = "token verify",
	.summary = "检查从标准输入读到的令牌是否有效；无效时退出码为 1",
	.args = { .input = "< 令牌" },
	.exec = cmd_token_verify,
};
