/*
 * duban token create | list | revoke | verify: API tokens, managed on the
 * database host.  A token is printed once; only its SHA-256 is stored.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "duban.h"
#include "hash.h"
#include "xmalloc.h"

static const struct option help_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int
cmd_token_create(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' },
		{ "office", required_argument, NULL, 'o' },
		{ "org", required_argument, NULL, 'g' },
		{ "label", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_token_create_entry;
	const char		*role = NULL, *office = NULL, *org = NULL;
	const char		*label = NULL, *params[6];
	char			*token, *actor, *cause, hash[SHA256_HEX_LEN + 1];
	char			*deflabel = NULL;
	PGconn			*conn;
	PGresult		*res;
	int			 ch, rc, quiet = 0;

	while ((ch = getopt_long(argc, argv, "r:o:g:l:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			role = optarg;
			break;
		case 'o':
			office = optarg;
			break;
		case 'g':
			org = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'q':
			quiet = 1;
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
	if (role == NULL || (strcmp(role, "office") && strcmp(role, "general") &&
	    strcmp(role, "inspector")))
		return (cmd_usage_error(e, "请用 --role 指定角色：office、general 或 inspector"));
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
	sha256_hex(token, strlen(token), hash);
	actor = cmd_actor();
	if (label == NULL)
		label = deflabel = xstrdup(office != NULL ? office :
		    strcmp(role, "general") == 0 ? "局办公室（综合调度）" : "督查");
	params[0] = hash;
	params[1] = role;
	params[2] = office;
	params[3] = org;
	params[4] = label;
	params[5] = actor;
	/*
	 * The office by name or alias; ambiguous across organisations
	 * unless --org says which.
	 */
	res = db_exec(conn,
	    "WITH f AS (SELECT o.id, g.name AS org FROM office o"
	    "            JOIN organisation g ON g.id = o.org_id"
	    "           WHERE ($3::text IS NOT NULL)"
	    "             AND (o.name = $3 OR $3 = ANY (o.aliases))"
	    "             AND ($4::text IS NULL OR g.name = $4)),"
	    " chk AS (SELECT count(*) AS n, string_agg(org, '、') AS orgs FROM f),"
	    " ins AS (INSERT INTO api_token (hash, role, office_id, label, created_by)"
	    "         SELECT $1, $2, (SELECT id FROM f), $5, $6 FROM chk"
	    "          WHERE ($3::text IS NULL AND chk.n = 0) OR chk.n = 1"
	    "         RETURNING id)"
	    " SELECT (SELECT id FROM ins), chk.n, chk.orgs FROM chk",
	    6, params, &cause);
	free(actor);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban token create：%s\n", cause);
		free(cause);
		free(token);
		free(deflabel);
		return (EXIT_SOFTWARE);
	}
	if (PQgetisnull(res, 0, 0)) {
		if (atoi(PQgetvalue(res, 0, 1)) == 0)
			fprintf(stderr, "duban token create：没有名为“%s”的处室%s%s\n", office,
			    org ? "（在 " : "", org ? org : "");
		else
			fprintf(stderr, "duban token create：处室“%s”在多个单位中都有（%s）：请用 --org 指定\n",
			    office, PQgetvalue(res, 0, 2));
		PQclear(res);
		free(token);
		free(deflabel);
		return (EXIT_DATAERR);
	}
	if (quiet)
		printf("%s\n", token);
	else
		printf("已创建令牌 %s（角色 %s%s%s，%s）。令牌只显示这一次，请妥善保存：\n%s\n",
		    PQgetvalue(res, 0, 0), role, office ? "，处室 " : "",
		    office ? office : "", label, token);
	PQclear(res);
	free(token);
	free(deflabel);
	return (0);
}

const struct cmd_entry cmd_token_create_entry = {
	.name = "token create",
	.usage = "--role office|general|inspector [--office 处室] [--org 单位] [--label 说明] [--quiet]",
	.summary = "创建 API 令牌并显示一次（数据库中只保存其哈希）",
	.help = "  --role       office：只能更新本处室牵头或负责的任务；general：局办公室，\n"
	    "               可更新所有任务并管理令牌；inspector：督查，只读\n"
	    "  --office     令牌所属处室（名称或别名）；office 角色必填\n"
	    "  --org        处室同名于多个单位时，指定单位\n"
	    "  --label      说明，记入每条进度历史\n"
	    "  --quiet      只输出令牌本身\n",
	.exec = cmd_token_create,
};

static int
cmd_token_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const headers[] = { "编号", "角色", "处室", "说明",
	    "创建时间", "创建人", "状态" };
	const struct cmd_entry	*e = &cmd_token_list_entry;
	json_t			*list, *t;
	struct table		*tb;
	PGconn			*conn;
	size_t			 i;
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
	if (json) {
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
	.usage = "[--json]",
	.summary = "列出 API 令牌（不含令牌本身）",
	.help = "  --json  以 JSON 输出\n",
	.exec = cmd_token_list,
};

static int
cmd_token_revoke(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_token_revoke_entry;
	const char		*params[1];
	PGconn			*conn;
	PGresult		*res;
	char			*cause, *end;
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "h", help_opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		}
		return (cmd_usage_error(e, "无效的选项"));
	}
	if (optind + 1 != argc)
		return (cmd_usage_error(e, "请给出一个令牌编号"));
	if (strtol(argv[optind], &end, 10) <= 0 || *end != '\0')
		return (cmd_usage_error(e, "令牌编号“%s”应为正整数", argv[optind]));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = argv[optind];
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
		fprintf(stderr, "duban token revoke：没有编号为 %s 的有效令牌\n", argv[optind]);
		PQclear(res);
		return (EXIT_DATAERR);
	}
	printf("已吊销令牌 %s（%s），即时生效\n", argv[optind], PQgetvalue(res, 0, 0));
	PQclear(res);
	return (0);
}

const struct cmd_entry cmd_token_revoke_entry = {
	.name = "token revoke",
	.usage = "编号",
	.summary = "吊销 API 令牌，即时生效",
	.help = NULL,
	.exec = cmd_token_revoke,
};

static int
cmd_token_verify(struct cmd_ctx *ctx, int argc, char **argv)
{
	const struct cmd_entry	*e = &cmd_token_verify_entry;
	const char		*params[1];
	char			 line[512], hash[SHA256_HEX_LEN + 1], *cause;
	PGconn			*conn;
	PGresult		*res;
	int			 ch, rc, ok;

	while ((ch = getopt_long(argc, argv, "h", help_opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		}
		return (cmd_usage_error(e, "无效的选项"));
	}
	if (fgets(line, sizeof line, stdin) == NULL)
		return (cmd_usage_error(e, "请从标准输入给出令牌"));
	line[strcspn(line, "\r\n")] = '\0';
	sha256_hex(line, strlen(line), hash);
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = hash;
	res = db_exec(conn, "SELECT id FROM api_token WHERE hash = $1"
	    " AND revoked_at IS NULL", 1, params, &cause);
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
	.usage = "< 令牌",
	.summary = "检查从标准输入读到的令牌是否有效；无效时退出码为 1",
	.help = NULL,
	.exec = cmd_token_verify,
};
