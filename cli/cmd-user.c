/*
 * duban user create | list | disable | enable | password: people's
 * accounts, managed on the database host.  The same SQL functions as
 * duband's /api/v1/users (35-people.sql).  A new account, and a reset,
 * get a one-time password, printed once, that the first sign-in must
 * change; --password-stdin reads one instead (it must pass the strength
 * rule, and need not be changed).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "db.h"
#include "duban.h"
#include "password.h"
#include "words.h"
#include "xmalloc.h"

static const char *const roles[] = { "clerk", "head", "general", "leader", "inspector",
    "admin", NULL };

/*
 * The password to set: read from stdin (checked against the rule), or a
 * new one-time one.  Hashes it into hash.  Returns 0, or an exit code
 * after saying why.
 */
static int
password_get(const struct cmd_entry *e, struct args *args, const char *login,
    char **pw, int *onetime, char hash[PASSWORD_HASH_MAX])
{
	char		 line[PASSWORD_MAX_BYTES + 2];
	const char	*why;

	*pw = NULL;
	*onetime = !args_has(args, "password-stdin");
	if (*onetime) {
		if ((*pw = password_new()) == NULL) {
			perror("getrandom");
			return (EXIT_SOFTWARE);
		}
	} else {
		if (fgets(line, sizeof line, stdin) == NULL)
			return (cmd_usage_error(e, "请从标准输入给出密码"));
		if (strchr(line, '\n') == NULL && !feof(stdin))
			return (cmd_usage_error(e, "密码过长：不能超过 256 个字节"));
		line[strcspn(line, "\r\n")] = '\0';
		if ((why = password_weak(line, login)) != NULL) {
			explicit_bzero(line, sizeof line);
			return (cmd_usage_error(e, "%s", why));
		}
		*pw = xstrdup(line);
		explicit_bzero(line, sizeof line);
	}
	if (password_hash(*pw, hash) != 0) {
		fprintf(stderr, "duban %s：无法计算密码哈希\n", e->name);
		explicit_bzero(*pw, strlen(*pw));
		free(*pw);
		*pw = NULL;
		return (EXIT_SOFTWARE);
	}
	return (0);
}

static void
password_drop(char *pw)
{
	if (pw != NULL) {
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
}

static int
cmd_user_create(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_user_create_entry;
	const char		*login = args_get(args, "login"), *params[9];
	char			 hash[PASSWORD_HASH_MAX], now[CLOCK_ISO_LEN];
	char			*pw, *actor;
	json_t			*body;
	int			 rc, onetime;

	if ((rc = cmd_now(now)) != 0 ||
	    (rc = password_get(e, args, login, &pw, &onetime, hash)) != 0)
		return (rc);
	actor = cmd_actor();
	params[0] = login;
	params[1] = args_get(args, "name");
	params[2] = args_get(args, "office");
	params[3] = args_get(args, "org");
	params[4] = args_get(args, "role");
	params[5] = hash;
	params[6] = onetime ? "true" : "false";
	params[7] = actor;
	params[8] = now;
	rc = cmd_call(ctx, "SELECT status, body::text FROM duban_user_create($1, $2, $3, $4,"
	    " $5, $6, $7::boolean, $8, $9::timestamptz)", 9, params, &body);
	free(actor);
	if (rc != 0) {
		password_drop(pw);
		return (rc);
	}
	printf("已创建账号 %s（%s，%s%s%s）。\n", login,
	    json_string_value(json_object_get(body, "name")),
	    word(VOCAB_PERSON_ROLE, args_get(args, "role")),
	    json_is_string(json_object_get(body, "office")) ? "，" : "",
	    json_is_string(json_object_get(body, "office")) ?
	    json_string_value(json_object_get(body, "office")) : "");
	if (onetime)
		printf("初始密码只显示这一次，请当面或以保密方式交给本人；首次登录须修改：\n%s\n", pw);
	json_decref(body);
	password_drop(pw);
	return (0);
}

const struct cmd_entry cmd_user_create_entry = {
	.name = "user create",
	.summary = "创建个人账号，显示一次初始密码（首次登录须修改）",
	.args = {
		.options = (const struct args_option[]){
			{ "login", 'l', "登录名", .flags = ARGS_REQUIRED,
			  .help = "2 至 63 个小写字母、数字、点、连字符或下划线" },
			{ "name", 'n', "姓名", .flags = ARGS_REQUIRED, .help = "本人姓名，记入历史" },
			{ "office", 'o', "处室",
			  .help = "所属处室（名称或别名）；经办人和处室负责人必填" },
			{ "org", 'g', "单位", .help = "账号所属单位（不属处室的账号；“全部”为本库全部单位）；处室同名于多个单位时，指定单位" },
			{ "role", 'r', "角色", .kind = ARGS_CHOICE, .choices = roles,
			  .flags = ARGS_REQUIRED,
			  .help = "clerk 经办人：填报本处室任务；head 处室负责人：审核、报送；\n"
			  "general 局办公室督办员；leader 分管领导；inspector 督查人员：只读；\n"
			  "admin 系统管理员：管理账号" },
			{ "password-stdin", 0, NULL,
			  .help = "从标准输入读入密码，而不生成初始密码（须符合强度要求）" },
			{ NULL } },
	},
	.exec = cmd_user_create,
};

static int
cmd_user_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "登录名", "姓名", "角色", "处室", "状态",
	    "最近登录", "创建" };
	json_t		*list, *u;
	struct table	*tb;
	size_t		 i;
	int		 rc;

	if ((rc = cmd_call(ctx, "SELECT 200, duban_user_list()::text", 0, NULL, &list)) != 0)
		return (rc);
	if (args_has(args, "json")) {
		json_dumpf(list, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', stdout);
		json_decref(list);
		return (0);
	}
	tb = table_new(7, headers, NULL);
	json_array_foreach(list, i, u) {
		char		 last[17], made[17];
		const char	*office = json_string_value(json_object_get(u, "office"));
		const char	*cells[] = {
		    json_string_value(json_object_get(u, "login")),
		    json_string_value(json_object_get(u, "name")),
		    word(VOCAB_PERSON_ROLE, json_string_value(json_object_get(u, "role"))),
		    office != NULL ? office : "—",
		    json_is_true(json_object_get(u, "disabled")) ? "已停用" :
		    json_is_true(json_object_get(u, "must_change")) ? "待首次修改密码" : "正常",
		    cmd_when(json_string_value(json_object_get(u, "last_signin")), last),
		    cmd_when(json_string_value(json_object_get(u, "created_at")), made) };

		table_add(tb, cells);
	}
	if (json_array_size(list) == 0)
		printf("还没有个人账号（duban user create）\n");
	else
		table_print(tb, stdout);
	table_free(tb);
	json_decref(list);
	return (0);
}

const struct cmd_entry cmd_user_list_entry = {
	.name = "user list",
	.summary = "列出个人账号",
	.args = {
		.options = (const struct args_option[]){
			{ "json", 'j', NULL, .help = "以 JSON 输出" },
			{ NULL } },
	},
	.exec = cmd_user_list,
};

static int
user_enable(struct cmd_ctx *ctx, struct args *args, int enable)
{
	const char	*params[4];
	char		*actor, now[CLOCK_ISO_LEN];
	json_t		*body;
	int		 rc;

	if ((rc = cmd_now(now)) != 0)
		return (rc);
	actor = cmd_actor();
	params[0] = args_value(args, 0);
	params[1] = enable ? "true" : "false";
	params[2] = actor;
	params[3] = now;
	rc = cmd_call(ctx, "SELECT status, body::text FROM duban_user_set_enabled($1,"
	    " $2::boolean, $3, $4::timestamptz)", 4, params, &body);
	free(actor);
	if (rc != 0)
		return (rc);
	printf(enable ? "已启用账号 %s（%s）；本人须重新登录，脚本令牌须重新创建\n" :
	    "已停用账号 %s（%s）；其登录会话和令牌即时失效\n", args_value(args, 0),
	    json_string_value(json_object_get(body, "name")));
	json_decref(body);
	return (0);
}

static int
cmd_user_disable(struct cmd_ctx *ctx, struct args *args)
{
	return (user_enable(ctx, args, 0));
}

static int
cmd_user_enable(struct cmd_ctx *ctx, struct args *args)
{
	return (user_enable(ctx, args, 1));
}

#define LOGIN_OPERAND (const struct args_operand[]){ { .name = "登录名" }, { NULL } }

const struct cmd_entry cmd_user_disable_entry = {
	.name = "user disable",
	.summary = "停用账号：其登录会话和令牌即时失效",
	.args = { .operands = LOGIN_OPERAND, .wrong = "请给出一个登录名" },
	.exec = cmd_user_disable,
};

const struct cmd_entry cmd_user_enable_entry = {
	.name = "user enable",
	.summary = "重新启用已停用的账号",
	.args = { .operands = LOGIN_OPERAND, .wrong = "请给出一个登录名" },
	.exec = cmd_user_enable,
};

static int
cmd_user_password(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_user_password_entry;
	const char		*login = args_value(args, 0), *params[5];
	char			 hash[PASSWORD_HASH_MAX], now[CLOCK_ISO_LEN], *pw, *actor;
	json_t			*body;
	int			 rc, onetime;

	if ((rc = cmd_now(now)) != 0 ||
	    (rc = password_get(e, args, login, &pw, &onetime, hash)) != 0)
		return (rc);
	actor = cmd_actor();
	params[0] = login;
	params[1] = hash;
	params[2] = NULL;
	params[3] = actor;
	params[4] = now;
	rc = cmd_call(ctx, "SELECT status, body::text FROM duban_user_password($1, $2,"
	    " $3::bigint, $4, $5::timestamptz)", 5, params, &body);
	free(actor);
	if (rc != 0) {
		password_drop(pw);
		return (rc);
	}
	printf("已重置账号 %s（%s）的密码，其登录会话即时失效。\n", login,
	    json_string_value(json_object_get(body, "name")));
	if (onetime)
		printf("新的初始密码只显示这一次；下次登录须修改：\n%s\n", pw);
	else
		printf("下次登录须修改密码。\n");
	json_decref(body);
	password_drop(pw);
	return (0);
}

const struct cmd_entry cmd_user_password_entry = {
	.name = "user password",
	.summary = "重置账号的密码（显示一次新的初始密码，下次登录须修改）",
	.args = {
		.options = (const struct args_option[]){
			{ "password-stdin", 0, NULL,
			  .help = "从标准输入读入新密码，而不生成（须符合强度要求）" },
			{ NULL } },
		.operands = LOGIN_OPERAND,
		.wrong = "请给出一个登录名",
	},
	.exec = cmd_user_password,
};
