/*
 * duban extension request | list | approve | reject: 延期申请, through
 * duband's /api/v1/milestones/{id}/extensions and /api/v1/extensions, so
 * that the token says who asks or decides, and the same SQL functions
 * (37-extensions.sql) check and record it as for every other client.
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

static const char *const states[] = { "pending", "reviewed", "approved", "rejected", "all",
    NULL };

/* The value of a string member, or "—". */
static const char *
str(const json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return (s != NULL && *s != '\0' ? s : "—");
}

/* One request in a line: "延期申请 3（节点 12 开展调研）：2012-09-30 → 2012-10-31，待审批". */
static void
print_one(const char *what, const json_t *x)
{
	printf("延期申请 %lld（节点 %lld %s）%s：%s → %s，%s\n",
	    (long long)json_integer_value(json_object_get(x, "id")),
	    (long long)json_integer_value(json_object_get(x, "milestone_id")),
	    str(x, "milestone"), what, str(x, "due_on"), str(x, "new_due_on"),
	    word_or(VOCAB_EXTENSION_STATE, str(x, "state"), "—"));
}

static int
cmd_extension_request(struct cmd_ctx *ctx, struct args *args)
{
	const char	*id = args_value(args, 0);
	json_t		*body = json_object(), *out = NULL;
	char		*path;
	int		 rc;

	(void)ctx;
	if (args_has(args, "date"))
		json_object_set_new(body, "new_date", json_string(args_get(args, "date")));
	if (args_has(args, "reason"))
		json_object_set_new(body, "reason", json_string(args_get(args, "reason")));
	path = xprintf("/api/v1/milestones/%s/extensions", id);
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"), path,
	    body, 201, &out);
	free(path);
	json_decref(body);
	if (rc != 0)
		return (rc);
	print_one("已提交", out);
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_extension_request_entry = {
	.name = "extension request",
	.summary = "通过 duband 为节点申请延期（须在节点到期前，写明理由）",
	.args = {
		.options = (const struct args_option[]){
			{ "date", 'd', "日期", ARGS_DATE, .flags = ARGS_REQUIRED,
			  .help = "延期后的日期 YYYY-MM-DD，须晚于节点现定日期" },
			{ "reason", 'r', "理由", .help = "申请延期的理由（必填）" },
			SERVER_OPTIONS,
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "节点编号", .kind = ARGS_ID }, { NULL } },
		.wrong = "请给出一个节点编号",
	},
	.exec = cmd_extension_request,
};

static int
cmd_extension_list(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const headers[] = { "编号", "任务", "节点", "原定", "申请延至",
	    "状态", "申请人", "理由", "审批人", "审批意见" };
	const char	*state = args_has(args, "state") ? args_get(args, "state") : "pending";
	struct table	*tb;
	json_t		*out = NULL, *x;
	char		*path, id[24], *asked, *decided;
	size_t		 i;
	int		 rc;

	(void)ctx;
	path = strcmp(state, "all") == 0 ? xstrdup("/api/v1/extensions") :
	    xprintf("/api/v1/extensions?state=%s", state);
	rc = api_call("GET", args_get(args, "server"), args_get(args, "token-file"), path,
	    NULL, 200, &out);
	free(path);
	if (rc != 0)
		return (rc);
	if (json_array_size(out) == 0) {
		printf("没有%s的延期申请。\n", strcmp(state, "all") == 0 ? "" :
		    word(VOCAB_EXTENSION_STATE, state));
		json_decref(out);
		return (0);
	}
	tb = table_new(10, headers, NULL);
	json_array_foreach(out, i, x) {
		const char	*cells[10];

		snprintf(id, sizeof id, "%lld",
		    (long long)json_integer_value(json_object_get(x, "id")));
		asked = xprintf("%s（%s）", str(x, "requested_by"), str(x, "requested_office"));
		decided = json_is_string(json_object_get(x, "decided_by")) ?
		    xprintf("%s（%s）", str(x, "decided_by"), str(x, "decided_office")) :
		    xstrdup("—");
		cells[0] = id;
		cells[1] = str(x, "task");
		cells[2] = str(x, "milestone");
		cells[3] = str(x, "due_on");
		cells[4] = str(x, "new_due_on");
		cells[5] = word_or(VOCAB_EXTENSION_STATE, str(x, "state"), "—");
		cells[6] = asked;
		cells[7] = str(x, "reason");
		cells[8] = decided;
		cells[9] = str(x, "decision_reason");
		table_add(tb, cells);
		free(asked);
		free(decided);
	}
	table_print(tb, stdout);
	table_free(tb);
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_extension_list_entry = {
	.name = "extension list",
	.summary = "列出延期申请（默认待审批的；处室只看本处室的任务）",
	.args = {
		.options = (const struct args_option[]){
			{ "state", 's', "状态", .kind = ARGS_CHOICE, .choices = states,
			  .help = "pending 待审批（默认）、reviewed 待分管领导审批、approved 已批准、\n"
			  "rejected 未批准、all 全部" },
			SERVER_OPTIONS,
			{ NULL } },
	},
	.exec = cmd_extension_list,
};

static int
extension_decide(struct args *args, const char *action, const char *done)
{
	const char	*id = args_value(args, 0);
	json_t		*body = json_object(), *out = NULL;
	char		*path;
	int		 rc;

	if (args_has(args, "reason"))
		json_object_set_new(body, "reason", json_string(args_get(args, "reason")));
	path = xprintf("/api/v1/extensions/%s/%s", id, action);
	rc = api_call("POST", args_get(args, "server"), args_get(args, "token-file"), path,
	    body, 200, &out);
	free(path);
	json_decref(body);
	if (rc != 0)
		return (rc);
	print_one(done, out);
	json_decref(out);
	return (0);
}

static int
cmd_extension_approve(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (extension_decide(args, "approve", "已批准"));
}

static int
cmd_extension_reject(struct cmd_ctx *ctx, struct args *args)
{
	(void)ctx;
	return (extension_decide(args, "reject", "未批准"));
}

#define DECIDE_ARGS(what) { \
	.options = (const struct args_option[]){ \
		{ "reason", 'r', "理由", .help = what "的理由（必填）" }, \
		SERVER_OPTIONS, \
		{ NULL } }, \
	.operands = (const struct args_operand[]){ \
		{ .name = "申请编号", .kind = ARGS_ID, \
		  .help = "延期申请的编号（duban extension list）" }, { NULL } }, \
	.wrong = "请给出一个延期申请编号", \
}

const struct cmd_entry cmd_extension_approve_entry = {
	.name = "extension approve",
	.summary = "批准延期申请（局办公室；计划要求时，再由分管领导）：节点日期改为申请的日期",
	.args = DECIDE_ARGS("批准"),
	.exec = cmd_extension_approve,
};

const struct cmd_entry cmd_extension_reject_entry = {
	.name = "extension reject",
	.summary = "不批准延期申请（局办公室或分管领导），节点日期不变",
	.args = DECIDE_ARGS("不批准"),
	.exec = cmd_extension_reject,
};
