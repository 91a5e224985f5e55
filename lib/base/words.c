#include <stddef.h>
#include <string.h>

#include "words.h"

struct word {
	const char	*code;
	const char	*text;
};

static const struct word task_status[] = {
	{ "done", "已完成" }, { "completing", "待办结审核" }, { "on_track", "按期推进" },
	{ "behind", "滞后" }, { "overdue", "逾期" }, { "unreported", "未填报" },
	{ "unassigned", "未明确牵头处室" }, { NULL, NULL }
};
/* 红黄绿灯 (migrations/functions/62-lights.sql): a task's or a target's
 * progress against 序时进度, by its plan's thresholds. */
static const struct word light[] = {
	{ "green", "绿灯" }, { "yellow", "黄灯" }, { "red", "红灯" }, { "grey", "灰灯" },
	{ NULL, NULL }
};
static const struct word milestone_status[] = {
	{ "pending", "未开始" }, { "in_progress", "进行中" }, { "done", "已完成" },
	{ "blocked", "受阻" }, { NULL, NULL }
};
/*
 * A target against the share of its time gone (时间过半、任务过半).  late
 * is the quarterly report's: no value after its report date.
 */
static const struct word target_state[] = {
	{ "done", "已达到" }, { "behind", "滞后于时间进度" },
	{ "on_track", "与时间进度相符" }, { "unmeasured", "不计进度" },
	{ "unreported", "未填报" }, { "late", "逾期未报" }, { NULL, NULL }
};
static const struct word reminder_kind[] = {
	{ "digest", "季度督查" }, { "due_soon", "临期提醒" }, { "overdue", "逾期提醒" },
	{ "escalation", "督办" }, { "summary", "季度汇总" }, { "dispatch", "进展调度" },
	{ "acknowledge", "签收提醒" }, { "acknowledge_late", "逾期未签收" },
	{ "instruction", "批示" }, { "report_due", "汇报提醒" }, { "completion", "办结审核" },
	{ "calendar", "工作日历" }, { "notice", "督办单" }, { "county_chase", "县区催办" },
	{ NULL, NULL }
};
static const struct word delivery_status[] = {
	{ "pending", "待发送" }, { "sending", "发送中" }, { "sent", "已发送" },
	{ "failed", "发送失败" }, { NULL, NULL }
};
static const struct word channel[] = {
	{ "email", "邮件" }, { "webhook", "Webhook" }, { "wecom", "企业微信群机器人" },
	{ "dingtalk", "钉钉群机器人" }, { NULL, NULL }
};
static const struct word dispatch_state[] = {
	{ "reported", "已报送" }, { "reported_late", "逾期报送" },
	{ "pending", "未报送" }, { "late", "逾期未报" },
	{ "draft", "草稿" }, { "submitted", "待审核" }, { "returned", "退回" },
	{ "accepted", "已采纳" }, { "missing", "未报送" }, { NULL, NULL }
};
static const struct word round_state[] = {
	{ "open", "进行中" }, { "closed", "已结束" }, { NULL, NULL }
};
/*
 * How a document qualifies a target's value: each a pattern in which %s
 * stands for the value with its unit ("不低于95%", "8000名以上").
 */
static const struct word qualifier[] = {
	{ "at_least", "不低于%s" }, { "more_than", "%s以上" }, { "about", "约%s" },
	{ "at_most", "不超过%s" }, { NULL, NULL }
};
static const struct word task_role[] = {
	{ "lead", "牵头处室" }, { "responsible", "责任处室" }, { "leader", "分管领导" },
	{ "coordinator", "配合部门" }, { NULL, NULL }
};
static const struct word task_role_short[] = {
	{ "lead", "牵头" }, { "responsible", "负责" }, { NULL, NULL }
};
static const struct word plan_role[] = {
	{ "leading_group_head", "领导组组长" },
	{ "leading_group_member", "领导组成员" },
	{ "chief_dispatcher", "总调度" }, { "general_office", "负责综合调度汇总的处室" },
	{ "responsible_unit", "落实责任处室（单位）" }, { NULL, NULL }
};
static const struct word account_role[] = {
	{ "general", "局办公室" }, { "office", "处室" }, { "inspector", "督查" },
	{ NULL, NULL }
};
static const struct word person_role[] = {
	{ "clerk", "经办人" }, { "head", "处室负责人" }, { "general", "局办公室督办员" },
	{ "leader", "分管领导" }, { "inspector", "督查人员" }, { "admin", "系统管理员" },
	{ NULL, NULL }
};
static const struct word office_kind[] = {
	{ "office", "处室" }, { "unit", "直属单位" }, { "department", "协作部门" },
	{ "group", "集体" }, { NULL, NULL }
};
static const struct word field[] = {
	{ "current", "完成值" }, { "status", "状态" }, { "completed_on", "完成日期" },
	{ "note", "完成情况" }, { "outcome", "取得成效" }, { "problems", "存在问题" },
	{ "next_steps", "下步措施" }, { "coordination", "需协调事项" },
	{ "evidence_url", "佐证材料" }, { "value", "目标值" },
	{ "deadline", "完成时限" }, { "due_on", "节点日期" },
	{ "lead_office", "牵头处室" }, { "created", "新增" }, { "withdrawn", "撤销" },
	{ "title", "名称" }, { "acknowledged", "签收" }, { "instruction", "批示" },
	{ "extension_requested", "申请延期" },
	{ "extension_reviewed", "局办公室同意延期" }, { "extension_rejected", "延期未批准" },
	{ "completion_requested", "申请办结" }, { "completion_approved", "同意办结" },
	{ "completion_returned", "退回办结申请" },
	{ "basis_kind", "督办依据类别" }, { "basis", "督办依据" }, { "text", "事项内容" },
	{ "lead_person", "牵头人" }, { "cooperate", "配合处室" }, { "leaders", "责任领导" },
	{ "report_every", "汇报频次" }, { "report_by", "报送期限" },
	{ "notice", "督办单" }, { "notice_acknowledged", "督办单签收" },
	{ "bulletin", "督查通报" },
	{ NULL, NULL }
};
/* What a 督办事项 rests on (督办依据). */
static const struct word basis_kind[] = {
	{ "instruction", "领导批示" }, { "meeting", "会议议定" }, { "document", "文件要求" },
	{ "other", "其他" }, { NULL, NULL }
};
/* How often a 督办事项's lead office reports (汇报频次). */
static const struct word report_every[] = {
	{ "day", "每日" }, { "week", "每周" }, { "month", "每月" }, { "quarter", "每季度" },
	{ NULL, NULL }
};
static const struct word extension_state[] = {
	{ "pending", "待审批" }, { "reviewed", "待分管领导审批" }, { "approved", "已批准" },
	{ "rejected", "未批准" }, { NULL, NULL }
};
/* A 办结申请, and a task's 办结 as a whole (none: nobody has asked). */
static const struct word task_completion[] = {
	{ "none", "未申请办结" }, { "pending", "待办结审核" }, { "approved", "已办结" },
	{ "returned", "已退回" }, { NULL, NULL }
};

static const struct {
	const char		*name;
	const struct word	*words;
} vocabs[VOCAB_COUNT] = {
	[VOCAB_TASK_STATUS] = { "task_status", task_status },
	[VOCAB_LIGHT] = { "light", light },
	[VOCAB_MILESTONE_STATUS] = { "milestone_status", milestone_status },
	[VOCAB_TARGET_STATE] = { "target_state", target_state },
	[VOCAB_REMINDER_KIND] = { "reminder_kind", reminder_kind },
	[VOCAB_DELIVERY_STATUS] = { "delivery_status", delivery_status },
	[VOCAB_CHANNEL] = { "channel", channel },
	[VOCAB_DISPATCH_STATE] = { "dispatch_state", dispatch_state },
	[VOCAB_ROUND_STATE] = { "round_state", round_state },
	[VOCAB_QUALIFIER] = { "qualifier", qualifier },
	[VOCAB_TASK_ROLE] = { "task_role", task_role },
	[VOCAB_TASK_ROLE_SHORT] = { "task_role_short", task_role_short },
	[VOCAB_PLAN_ROLE] = { "plan_role", plan_role },
	[VOCAB_ACCOUNT_ROLE] = { "account_role", account_role },
	[VOCAB_OFFICE_KIND] = { "office_kind", office_kind },
	[VOCAB_FIELD] = { "field", field },
	[VOCAB_PERSON_ROLE] = { "person_role", person_role },
	[VOCAB_EXTENSION_STATE] = { "extension_state", extension_state },
	[VOCAB_BASIS_KIND] = { "basis_kind", basis_kind },
	[VOCAB_REPORT_EVERY] = { "report_every", report_every },
	[VOCAB_TASK_COMPLETION] = { "task_completion", task_completion },
};

const char *
word(enum vocab v, const char *code)
{
	const struct word	*w;

	if (code == NULL)
		return (NULL);
	if ((unsigned)v >= VOCAB_COUNT)
		return (code);
	for (w = vocabs[v].words; w->code != NULL; w++)
		if (strcmp(w->code, code) == 0)
			return (w->text);
	return (code);
}

const char *
word_or(enum vocab v, const char *code, const char *none)
{
	return (code == NULL ? none : word(v, code));
}

json_t *
words_json(void)
{
	const struct word	*w;
	json_t			*all = json_object(), *one;
	int			 v;

	for (v = 0; v < VOCAB_COUNT; v++) {
		one = json_object();
		for (w = vocabs[v].words; w->code != NULL; w++)
			json_object_set_new(one, w->code, json_string(w->text));
		json_object_set_new(all, vocabs[v].name, one);
	}
	return (all);
}
