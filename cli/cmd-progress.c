/*
 * duban milestone update | target set: progress, written through duband's
 * API so that the daemon's rules (who may change what) and its history
 * apply to the command line as to every other client.
 */
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "words.h"
#include "xmalloc.h"

/* Options both commands take. */
#define COMMON_OPTIONS \
	{ "note", 'n', "完成情况", .help = "完成情况" }, \
	{ "outcome", 'O', "取得成效", .help = "取得成效" }, \
	{ "problems", 'P', "存在问题", .help = "存在问题" }, \
	{ "next-steps", 'N', "下步措施", .help = "下步措施" }, \
	{ "coordination", 'C', "需协调事项", \
	  .help = "需协调事项；节点标为受阻（blocked）时必填" }, \
	{ "if-match", 'm', "版本", \
	  .help = "读取时的版本；若他人已修改，拒绝写入（退出码 75）" }, \
	{ "server", 'S', "URL", \
	  .help = "duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080" }, \
	{ "token-file", 'T', "文件", .help = "令牌文件；默认取环境变量 DUBAN_TOKEN" }

/* The body's fields from the options of both commands. */
static void
common_fields(struct args *args, json_t *body)
{
	static const char *const texts[][2] = { { "note", "note" },
	    { "outcome", "outcome" }, { "problems", "problems" },
	    { "next-steps", "next_steps" }, { "coordination", "coordination" } };
	size_t	 i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (args_has(args, texts[i][0]))
			json_object_set_new(body, texts[i][1],
			    json_string(args_get(args, texts[i][0])));
	if (args_has(args, "if-match"))
		json_object_set_new(body, "version",
		    json_integer(strtoll(args_get(args, "if-match"), NULL, 10)));
}

/*
 * PATCHes body (which it frees) to /api/v1/what/id through duband: 0 with
 * *out, or the exit code after saying why.
 */
static int
patch(struct args *args, const char *what, const char *id, json_t *body,
    json_t **out)
{
	char	*path = xprintf("/api/v1/%s/%s", what, id);
	int	 rc;

	rc = api_call("PATCH", args_get(args, "server"), args_get(args, "token-file"),
	    path, body, 200, out);
	free(path);
	json_decref(body);
	return (rc);
}

static int
cmd_milestone_update(struct cmd_ctx *ctx, struct args *args)
{
	static const char *const fields[][2] = { { "status", "status" },
	    { "completed-on", "completed_on" }, { "evidence-url", "evidence_url" } };
	const struct cmd_entry	*e = &cmd_milestone_update_entry;
	const char		*id = args_value(args, 0);
	json_t			*body = json_object(), *out = NULL;
	size_t			 i;
	int			 rc;

	(void)ctx;
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (args_has(args, fields[i][0]))
			json_object_set_new(body, fields[i][1],
			    json_string(args_get(args, fields[i][0])));
	common_fields(args, body);
	if (json_object_size(body) == 0) {
		json_decref(body);
		return (cmd_usage_error(e, "没有要修改的内容（--status、--note 等）"));
	}
	if ((rc = patch(args, "milestones", id, body, &out)) != 0)
		return (rc);
	printf("节点 %s（%s）已更新：%s%s%s，版本 %lld\n", id,
	    json_string_value(json_object_get(out, "title")),
	    word_or(VOCAB_MILESTONE_STATUS,
	    json_string_value(json_object_get(out, "status")), "—"),
	    json_is_string(json_object_get(out, "completed_on")) ? "，完成于 " : "",
	    json_is_string(json_object_get(out, "completed_on")) ?
	    json_string_value(json_object_get(out, "completed_on")) : "",
	    (long long)json_integer_value(json_object_get(out, "version")));
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_milestone_update_entry = {
	.name = "milestone update",
	.summary = "通过 duband 更新节点的进展（写入进度历史）",
	.args = {
		.options = (const struct args_option[]){
			{ "status", 's', "状态",
			  .help = "pending（未开始）、in_progress（进行中）、done（已完成）、blocked（受阻）" },
			{ "completed-on", 'c', "日期", ARGS_DATE,
			  .help = "完成日期 YYYY-MM-DD；状态为 done 而不写时取今天" },
			{ "evidence-url", 'u', "链接", .help = "佐证材料的链接" },
			COMMON_OPTIONS,
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "编号", .kind = ARGS_ID }, { NULL } },
		.wrong = "请给出一个节点编号",
	},
	.exec = cmd_milestone_update,
};

static int
cmd_target_set(struct cmd_ctx *ctx, struct args *args)
{
	const struct cmd_entry	*e = &cmd_target_set_entry;
	const char		*id = args_value(args, 0), *value = args_value(args, 1);
	json_t			*body = json_object(), *out = NULL, *num;
	json_error_t		 jerr;
	char			*shown;
	int			 rc;

	(void)ctx;
	common_fields(args, body);
	num = json_loads(value, JSON_DECODE_ANY, &jerr);
	if (num == NULL || !json_is_number(num)) {
		json_decref(num);
		json_decref(body);
		return (cmd_usage_error(e, "当前完成值“%s”应为数字", value));
	}
	json_object_set_new(body, "current", num);
	if (args_has(args, "confirm"))
		json_object_set_new(body, "confirm", json_true());
	if ((rc = patch(args, "targets", id, body, &out)) != 0)
		return (rc);
	shown = json_dumps(json_object_get(out, "current"), JSON_ENCODE_ANY);
	printf("指标 %s（%s）当前完成值 %s%s（目标 %g%s），版本 %lld\n", id,
	    json_string_value(json_object_get(out, "name")), shown,
	    json_string_value(json_object_get(out, "unit")),
	    json_number_value(json_object_get(out, "value")),
	    json_string_value(json_object_get(out, "unit")),
	    (long long)json_integer_value(json_object_get(out, "version")));
	free(shown);
	json_decref(out);
	return (0);
}

const struct cmd_entry cmd_target_set_entry = {
	.name = "target set",
	.summary = "通过 duband 设置指标的当前完成值（写入进度历史）",
	.args = {
		.options = (const struct args_option[]){
			{ "confirm", 'y', NULL,
			  .help = "确认填报值无误：超过目标值三倍或累计值下降时仍然写入" },
			COMMON_OPTIONS,
			{ NULL } },
		.operands = (const struct args_operand[]){
			{ .name = "编号", .kind = ARGS_ID,
			  .help = "指标编号（duban task show 的指标列表）" },
			{ .name = "数值",
			  .help = "当前完成值，按指标的单位（如 3000、95.5）" },
			{ NULL } },
		.wrong = "请给出指标编号和当前完成值",
	},
	.exec = cmd_target_set,
};
