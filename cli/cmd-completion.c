/*
 * duban completion request | approve | return: 办结审核, through duband's
 * /api/v1/tasks/{id}/completion, so that the token says who asks or
 * decides, and the same SQL functions (38-completion.sql) check and
 * record it as for every other client.
 */
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "words.h"
#include "xmalloc.h"

#define SERVER_OPTIONS \
	{ "server", 'S', "URL", \
	  .help = "duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080" }, \
	{ "token-file", 'T', "文件", .help = "令牌文件；默认取环境变量 DUBAN_TOKEN" }

/* The value of a string member, or "—". */
static const char *
str(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return (s != NULL && *s != '\0' ? s : "—");
}

/* One request in a line: "任务 5①（开展义务教育阶段教师交流工作）办结申请已提交：待办结审核". */
static void
print_one(const char *what, const json_t *c)
{
	printf("任务 %s（%s）%s：%s\n", str(c, "task"), str(c, "task_title"), what,
	    word_or(VOCAB_TASK_COMPLETION, str(c, "state"), "—"));
	if (json_is_string(json_object_get(c, "decision_reason")))
		printf("审核意见：%s\n", str(c, "decision_reason"));
}

static int
post(struct args *args, const char *action, const char *field, int want, const char *done)
{
	const char	*id = args_value(args, 0);
	json_t		*body = json_object(), *out = NULL;
	char		*path;
	int		 rc;

	if (args_has(args, field))
		json_object_set_new(body, field, json_string(args_get(args, field)));
	path = action == NULL ? xprintf("/api/v1/tasks/%s/completion", id) :
	    xprintf("/api/v1/tasks/%s/completion/%s", id, action);
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"), path,
	    body, want, &out);
	free(path);
	json_decref(body);
	if (rc != 0)
		return (rc);
	print_one(done, out);
	json_decref(out);
	return (0);
}

static int
cmd_completion_request(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (post(args, NULL, "note", 201, "办结申请已提交"));
}

static int
cmd_completion_approve(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (post(args, "approve", "reason", 200, "办结申请已同意"));
}

static int
cmd_completion_return(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (post(args, "return", "reason", 200, "办结申请已退回"));
}

#define TASK_OPERAND \
	.operands = (const struct args_operand[]){ \
		{ .name = "任务编号", .kind = ARGS_ID, \
		  .help = "任务的编号（duban task list 的 ID 列）" }, { NULL } }, \
	.wrong = "请给出一个任务编号"

const struct cmd_entry cmd_completion_request_entry = {
	.name = "completion request",
	.summary = "通过 duband 申请办结一项任务（牵头处室负责人或处室令牌，写明办结说明）",
	.args = {
		.options = (const struct args_option[]){
			{ "note", 'n', "说明", .help = "办结说明：任务完成的情况（必填）" },
			SERVER_OPTIONS,
			{ NULL } },
		TASK_OPERAND,
	},
	.exec = cmd_completion_request,
};

const struct cmd_entry cmd_completion_approve_entry = {
	.name = "completion approve",
	.summary = "同意办结申请（局办公室）：任务即为已办结",
	.args = {
		.options = (const struct args_option[]){
			{ "reason", 'r', "意见", .help = "审核意见（可不填）" },
			SERVER_OPTIONS,
			{ NULL } },
		TASK_OPERAND,
	},
	.exec = cmd_completion_approve,
};

const struct cmd_entry cmd_completion_return_entry = {
	.name = "completion return",
	.summary = "退回办结申请（局办公室，写明理由）：任务退回牵头处室继续落实",
	.args = {
		.options = (const struct args_option[]){
			{ "reason", 'r', "理由", .help = "退回的理由（必填）" },
			SERVER_OPTIONS,
			{ NULL } },
		TASK_OPERAND,
	},
	.exec = cmd_completion_return,
};
