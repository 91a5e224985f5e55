/*
 * duban feed create | list | revoke: an office's calendar feed (iCalendar)
 * at a URL with its own token, for staff to subscribe to from their
 * calendar apps.  Like API tokens, the token is printed once and only its
 * SHA-256 is kept; revoking one feed leaves the office's others working.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "duban.h"
#include "hash.h"
#include "utf8.h"
#include "xmalloc.h"

static int
cmd_feed_create(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "office", required_argument, NULL, 'o' },
		{ "org", required_argument, NULL, 'g' },
		{ "label", required_argument, NULL, 'l' },
		{ "server", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_feed_create_entry;
	const char		*office = NULL, *org = NULL, *label = NULL;
	const char		*server = NULL, *params[5];
	char			*token, *actor, *cause, hash[SHA256_HEX_LEN + 1];
	PGconn			*conn;
	PGresult		*res;
	int			 ch, rc, n;

	while ((ch = getopt_long(argc, argv, "o:g:l:S:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			office = optarg;
			break;
		case 'g':
			org = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'S':
			server = optarg;
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
	if (office == NULL)
		return (cmd_usage_error(e, "请用 --office 指定处室"));
	if (label != NULL && utf8_chars(label, strlen(label)) > 100)
		return (cmd_usage_error(e, "--label 不能超过 100 个字"));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	if ((token = token_new("dbf_")) == NULL) {
		perror("getrandom");
		PQfinish(conn);
		return (EXIT_SOFTWARE);
	}
	sha256_hex(token, strlen(token), hash);
	actor = cmd_actor();
	params[0] = hash;
	params[1] = office;
	params[2] = org;
	params[3] = label;
	params[4] = actor;
	/* The office by name or alias; --org when the name is in several. */
	res = db_exec(conn,
	    "WITH f AS (SELECT o.id, o.name, g.name AS org FROM office o"
	    "            JOIN organisation g ON g.id = o.org_id"
	    "           WHERE (o.name = $2 OR $2 = ANY (o.aliases))"
	    "             AND ($3::text IS NULL OR g.name = $3)),"
	    " chk AS (SELECT count(*) AS n, string_agg(org, '、') AS orgs FROM f),"
	    " ins AS (INSERT INTO ical_feed (office_id, hash, label, created_by)"
	    "         SELECT f.id, $1, coalesce($4, f.name || '日历'), $5 FROM f, chk"
	    "          WHERE chk.n = 1 RETURNING id)"
	    " SELECT (SELECT id FROM ins), chk.n, chk.orgs FROM chk",
	    5, params, &cause);
	free(actor);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban：无法创建日历订阅：%s\n", cause);
		free(cause);
		free(token);
		return (EXIT_SOFTWARE);
	}
	n = atoi(PQgetvalue(res, 0, 1));
	if (n != 1) {
		if (n == 0)
			fprintf(stderr, "duban：没有名为“%s”的处室（duban office list 列出全部处室）\n",
			    office);
		else
			fprintf(stderr, "duban：“%s”在多个单位中都有（%s），请用 --org 指定\n",
			    office, PQgetvalue(res, 0, 2));
		PQclear(res);
		free(token);
		return (EXIT_DATAERR);
	}
	printf("已创建日历订阅 %s（%s）。订阅地址只显示这一次，请妥善保存：\n%s/ical/%s.ics\n",
	    PQgetvalue(res, 0, 0), office, api_server(server), token);
	PQclear(res);
	free(token);
	return (0);
}

static int
cmd_feed_list(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const head[] = { "编号", "处室", "名称", "创建", "创建人", "状态" };
	const struct cmd_entry	*e = &cmd_feed_list_entry;
	const char		*cells[6];
	struct table		*t;
	PGconn			*conn;
	PGresult		*res;
	char			*cause;
	int			 ch, rc, i, j;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		}
		return (cmd_usage_error(e, "无效的选项"));
	}
	if (optind != argc)
		return (cmd_usage_error(e, "多余的参数“%s”", argv[optind]));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	res = db_exec(conn,
	    "SELECT f.id, o.name, f.label,"
	    "       to_char(f.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'),"
	    "       f.created_by,"
	    "       CASE WHEN f.revoked_at IS NULL THEN '有效' ELSE '已吊销 ' ||"
	    "         to_char(f.revoked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') END"
	    "  FROM ical_feed f JOIN office o ON o.id = f.office_id ORDER BY f.id",
	    0, NULL, &cause);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban：查询失败：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	t = table_new(6, head, NULL);
	for (i = 0; i < PQntuples(res); i++) {
		for (j = 0; j < 6; j++)
			cells[j] = PQgetvalue(res, i, j);
		table_add(t, cells);
	}
	table_print(t, stdout);
	table_free(t);
	PQclear(res);
	return (0);
}

static int
cmd_feed_revoke(struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const struct cmd_entry	*e = &cmd_feed_revoke_entry;
	const char		*params[1];
	PGconn			*conn;
	PGresult		*res;
	char			*cause;
	int			 ch, rc;

	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (ch == 'h') {
			cmd_print_help(e, stdout);
			return (0);
		}
		return (cmd_usage_error(e, "无效的选项"));
	}
	if (optind + 1 != argc || !cmd_id_arg(argv[optind]))
		return (cmd_usage_error(e, "请给出一个订阅编号（duban feed list 的编号列）"));
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	params[0] = argv[optind];
	res = db_exec(conn,
	    "UPDATE ical_feed SET revoked_at = now()"
	    " WHERE id = $1::bigint AND revoked_at IS NULL RETURNING id",
	    1, params, &cause);
	PQfinish(conn);
	if (res == NULL) {
		fprintf(stderr, "duban：吊销失败：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	/* As duban token revoke: an unknown or already revoked one is 65. */
	rc = PQntuples(res) == 1 ? 0 : EXIT_DATAERR;
	if (rc == 0)
		printf("已吊销日历订阅 %s，其地址即时失效\n", argv[optind]);
	else
		fprintf(stderr, "duban：没有编号为 %s 的有效日历订阅\n", argv[optind]);
	PQclear(res);
	return (rc);
}

const struct cmd_entry cmd_feed_create_entry = {
	.name = "feed create",
	.usage = "--office 处室 [--org 单位] [--label 名称] [--server URL]",
	.summary = "为处室创建日历订阅地址（iCalendar），可在手机或电脑日历中订阅节点和完成时限",
	.help = "  --office  处室名称（或别名）\n"
	    "  --org     处室名称在多个单位中都有时，指定单位\n"
	    "  --label   订阅的名称（默认“处室日历”）\n"
	    "  --server  订阅地址中的服务器：日历应用能访问到的 duband 对外地址（如 duband 的\n"
	    "            public_url）；默认 $DUBAN_SERVER 或 http://127.0.0.1:8080\n",
	.exec = cmd_feed_create,
};

const struct cmd_entry cmd_feed_list_entry = {
	.name = "feed list",
	.usage = "",
	.summary = "列出日历订阅（不含地址中的令牌）",
	.help = NULL,
	.exec = cmd_feed_list,
};

const struct cmd_entry cmd_feed_revoke_entry = {
	.name = "feed revoke",
	.usage = "编号",
	.summary = "吊销一个日历订阅，其地址即时失效",
	.help = NULL,
	.exec = cmd_feed_revoke,
};
