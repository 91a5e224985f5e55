/*
 * The 任务分解表's sheets and columns (sheetplan-int.h): one table for
 * the reader, the writer and the template's 说明 sheet.
 */
#include <string.h>
#include <strings.h>

#include "sheetplan.h"
#include "sheetplan-int.h"

/* ---------------------------------------------------------------- */
/* The sheets and their columns */

static const char *const kind_labels[] = { "数量", "count", "金额", "amount",
    "比例", "ratio", "标准", "rate", NULL };
static const char *const qual_labels[] = { "多", "more_than", "以上", "at_least",
    "约", "about", "不超过", "at_most", NULL };
static const char *const org_labels[] = { "市级教育局", "city_bureau",
    "县级教育局", "county_bureau", "人民政府", "government", "其他", "other",
    NULL };
static const char *const review_labels[] = { "局办公室", "general",
    "局办公室和分管领导", "leader", NULL };
static const char *const yesno_labels[] = { "是", "yes", "否", "no", NULL };
static const char *const office_labels[] = { "内设处室", "office", "直属单位",
    "unit", "外部门", "department", "集体", "group", NULL };
static const char *const role_labels[] = { "领导组组长", "leading_group_head",
    "领导组成员", "leading_group_member", "总调度", "chief_dispatcher",
    "综合调度汇总处室", "general_office", "落实责任处室", "responsible_unit",
    NULL };

const struct sp_col sp_task_cols[TC_N] = {
	[TC_NUMBER] = { "序号", "number", SP_TEXT, 1, 7,
	    "任务的序号，照文件原样：一、（一）、1、①；必填", NULL },
	[TC_SECTION] = { "类别", "section", SP_TEXT, 1, 16,
	    "任务所属的部分（文件的大标题），与“部分”工作表的标题一致；不属于任何部分的任务留空", NULL },
	[TC_TITLE] = { "任务", "title", SP_TEXT, 1, 30,
	    "任务名称，照文件原样；必填", NULL },
	[TC_TEXT] = { "内容", "text", SP_TEXT, 1, 40,
	    "没有进一步分项的工作要点正文", NULL },
	[TC_GOAL] = { "工作目标", "goal", SP_TEXT, 1, 30, "工作目标", NULL },
	[TC_WORK] = { "工作任务", "work", SP_TEXT, 1, 40, "工作任务", NULL },
	[TC_MEASURES] = { "工作措施", "measures", SP_TEXT, 1, 30, "工作措施", NULL },
	[TC_TNAME] = { "指标", "name", SP_TEXT, 0, 24,
	    "量化指标所计的事项，如“新增普惠性幼儿园”；一项任务有几个指标就占几行，任务各列可合并", NULL },
	[TC_TVALUE] = { "目标值", "value", SP_NUM, 0, 10,
	    "指标的目标数值，须为数字单元格（不带单位和千位分隔符，不用公式）", NULL },
	[TC_TUNIT] = { "单位", "unit", SP_TEXT, 0, 8, "如 所、个、名、万元、%、元/年/生", NULL },
	[TC_TTEXT] = { "指标说明", "text", SP_TEXT, 0, 30, "指标在文件中的原话", NULL },
	[TC_DEADLINE] = { "完成时限", "deadline", SP_DATE, 1, 12,
	    "如 全年、2012年9月、9月底前、第三季度、2012-09-30，或日期单元格；留空则用计划的默认完成时限", NULL },
	[TC_DEADLINE_TEXT] = { "完成时限说明", "deadline_text", SP_TEXT, 1, 20,
	    "完成时限的原话，比时限本身说得更多时填写", NULL },
	[TC_LEAD_OFFICE] = { "牵头处室", "lead.office", SP_TEXT, 1, 14, "牵头处室（单位）", NULL },
	[TC_LEAD_PERSON] = { "牵头人", "lead.person", SP_TEXT, 1, 8, "牵头处室的负责人", NULL },
	[TC_RESP_OFFICE] = { "责任处室", "responsible", SP_LIST, 1, 20,
	    "责任处室（单位），多个用顿号分隔", NULL },
	[TC_RESP_PERSON] = { "责任人", "responsible.person", SP_LIST, 1, 14,
	    "与责任处室逐一对应的责任人，用顿号分隔；某处室无责任人时该位置留空（如“、李卉坪”）", NULL },
	[TC_LEADERS] = { "责任领导", "leaders", SP_LIST, 1, 14, "责任领导，多个用顿号分隔", NULL },
	[TC_COORD] = { "协调部门", "coordinating", SP_LIST, 1, 20,
	    "协调部门（单位），多个用顿号分隔", NULL },
	[TC_PHONE] = { "监督电话", "phone", SP_TEXT, 1, 14, "任务的监督电话", NULL },
	[TC_REPORT] = { "汇报频次", "report_every", SP_TEXT, 1, 10,
	    "计划格式尚无汇报频次：此列须留空（督办事项的汇报频次在网页上设置）", NULL },
	[TC_KEY] = { "任务键", "key", SP_TEXT, 1, 8,
	    "任务的稳定标识（字母、数字、-、_、.）；留空则按顺序编为 1、2、3…（子任务为 上级键-1…）；重新导入时靠它对应原有任务，建议填写", NULL },
	[TC_PARENT] = { "上级任务键", "parent", SP_TEXT, 1, 10,
	    "子任务（如①②③）所属任务的任务键；上级任务须在前面的行", NULL },
	[TC_TKEY] = { "指标键", "key", SP_TEXT, 0, 10,
	    "指标在任务内的稳定标识；留空则按顺序编为 1、2、3…", NULL },
	[TC_TKIND] = { "指标类型", "kind", SP_ENUM, 0, 8,
	    "数量、金额、比例、标准；留空则按单位推定：%为比例，含“/”为标准，元、万元、亿元、平方米为金额，其余为数量",
	    kind_labels },
	[TC_TQUAL] = { "指标限定", "qualifier", SP_ENUM, 0, 8,
	    "多（…多）、以上（…以上、不低于）、约（约、左右）、不超过；没有则留空", qual_labels },
	[TC_TBASE] = { "指标基数", "baseline", SP_NUM, 0, 8,
	    "文件给出的起点数值（在20%的基础上 → 20），数字单元格", NULL },
	[TC_TDEADLINE] = { "指标时限", "deadline", SP_DATE, 0, 12,
	    "指标的完成时限与任务不同时填写", NULL },
	/* After every column the reader reads: shown, never read. */
	[TC_LIGHT] = { "预警", "light", SP_SHOWN, 1, 8,
	    "导出时填写：截至导出日任务的红黄绿灯（红灯、黄灯、绿灯、灰灯），尚未开始或已完成的任务为空；"
	    "只供查阅，导入时不读此列，可留空或删除", NULL },
};

const struct sp_col sp_plan_rows[PR_N] = {
	[PR_KEY] = { "计划键", "key", SP_TEXT, 0, 0,
	    "计划的稳定标识：小写字母、数字和 -，如 jilin-2012；必填", NULL },
	[PR_TITLE] = { "标题", "title", SP_TEXT, 0, 0, "文件标题，照原样；必填", NULL },
	[PR_YEAR] = { "年度", "year", SP_NUM, 0, 0, "计划所属年度（数字单元格）；必填", NULL },
	[PR_YEAR_BASIS] = { "年度依据", "year_basis", SP_TEXT, 0, 0,
	    "文件未写明年度时，说明按哪一年", NULL },
	[PR_ISSUER] = { "发文单位", "issuer", SP_TEXT, 0, 0, "如 吉林市教育局；必填", NULL },
	[PR_ISSUER_KIND] = { "发文单位类别", "issuer_kind", SP_ENUM, 0, 0,
	    "市级教育局（默认）、县级教育局、人民政府、其他", org_labels },
	[PR_PARENT_ORG] = { "上级单位", "parent_org", SP_TEXT, 0, 0,
	    "县级教育局所属的市级教育局", NULL },
	[PR_DOCNUM] = { "文号", "document_number", SP_TEXT, 0, 0,
	    "如 吉市教通字〔2012〕12号", NULL },
	[PR_ISSUED_ON] = { "印发日期", "issued_on", SP_DATE, 0, 0,
	    "如 2012-02-17，或日期单元格", NULL },
	[PR_KIND] = { "文种", "kind", SP_TEXT, 0, 0,
	    "民生实事、民生清单、工作要点、实施意见", NULL },
	[PR_SOURCE_FILE] = { "来源文件", "source.file", SP_TEXT, 0, 0,
	    "所依据文件的文件名；必填", NULL },
	[PR_SOURCE_SHA] = { "来源文件哈希", "source.sha256", SP_TEXT, 0, 0,
	    "来源文件的 SHA-256（64 位十六进制）", NULL },
	[PR_SOURCE_NOTE] = { "来源说明", "source.note", SP_TEXT, 0, 0,
	    "整理时的说明", NULL },
	[PR_DEFAULT_DEADLINE] = { "默认完成时限", "default_deadline", SP_DATE, 0, 0,
	    "未写完成时限的任务所用的时限，如 全年", NULL },
	[PR_PREAMBLE] = { "前言", "preamble", SP_TEXT, 0, 0,
	    "任务之前的文字：指导思想、总体要求、通知正文", NULL },
	[PR_EXT_REVIEW] = { "延期审批", "extension_review", SP_ENUM, 0, 0,
	    "延期申请由谁决定：局办公室（默认）、局办公室和分管领导", review_labels },
	[PR_COMPLETION_REVIEW] = { "办结审核", "completion_review", SP_ENUM, 0, 0,
	    "办结是否须局办公室审核：是、否", yesno_labels },
	[PR_COMPLETION_EVIDENCE] = { "办结佐证", "completion_evidence", SP_ENUM, 0, 0,
	    "办结申请是否须附佐证材料：是、否（默认）", yesno_labels },
	[PR_PHONE] = { "监督电话", "phone", SP_TEXT, 0, 0, "计划的监督电话", NULL },
};

static const struct sp_col plan_cols[] = {
	{ "项目", "", SP_TEXT, 0, 16, "见下表各项", NULL },
	{ "内容", "", SP_TEXT, 0, 60, "", NULL },
};
static const struct sp_col section_cols[] = {
	{ "部分键", "key", SP_TEXT, 0, 8, "部分的稳定标识，如 s4；必填", NULL },
	{ "序号", "number", SP_TEXT, 0, 8, "部分的序号，照原样：四、三（一）", NULL },
	{ "标题", "title", SP_TEXT, 0, 30, "部分的标题；任务分解表的“类别”列写它；必填", NULL },
	{ "说明", "text", SP_TEXT, 0, 40, "部分标题下的文字", NULL },
};
static const struct sp_col milestone_cols[] = {
	{ "任务键", "task", SP_TEXT, 0, 8, "节点所属任务的任务键；必填", NULL },
	{ "节点键", "key", SP_TEXT, 0, 10, "节点在任务内的稳定标识（deadline 保留）；留空则编为 p1、p2…", NULL },
	{ "节点", "title", SP_TEXT, 0, 24, "节点名称，如 寒假期培训；必填", NULL },
	{ "完成时限", "due", SP_DATE, 0, 12, "节点的完成时限；必填", NULL },
	{ "说明", "text", SP_TEXT, 0, 40, "节点的原话", NULL },
};
static const struct sp_col office_cols[] = {
	{ "名称", "name", SP_TEXT, 0, 20, "处室或单位的全称；必填", NULL },
	{ "类别", "kind", SP_ENUM, 0, 10, "内设处室（默认）、直属单位、外部门、集体", office_labels },
	{ "别名", "aliases", SP_LIST, 0, 24, "文件中的其他写法，多个用顿号分隔", NULL },
};
static const struct sp_col person_cols[] = {
	{ "姓名", "name", SP_TEXT, 0, 10, "姓名；必填", NULL },
	{ "处室", "office", SP_TEXT, 0, 20, "所在处室", NULL },
	{ "职务", "title", SP_TEXT, 0, 12, "如 局长", NULL },
};
static const struct sp_col role_cols[] = {
	{ "角色", "role", SP_ENUM, 0, 16,
	    "领导组组长、领导组成员、总调度、综合调度汇总处室、落实责任处室；必填", role_labels },
	{ "人员", "person", SP_TEXT, 0, 10, "担任该角色的人", NULL },
	{ "处室", "office", SP_TEXT, 0, 20, "担任该角色的处室（人员、处室至少填一项）", NULL },
};

const struct sp_sheet sp_sheets[SH_N] = {
	[SH_TASKS] = { SHEETPLAN_TASKS, sp_task_cols, TC_N,
	    "第一行为表头，其下每行一个指标；没有指标的任务占一行。任务各列只写在任务的第一行，或合并单元格覆盖该任务的各行" },
	[SH_PLAN] = { SHEETPLAN_PLAN, plan_cols, NITEMS(plan_cols),
	    "计划本身：A 列为项目，B 列为内容，每项一行" },
	[SH_SECTIONS] = { "部分", section_cols, NITEMS(section_cols),
	    "文件的各部分（大标题），可省略：省略时按任务分解表“类别”列出现的顺序编为 s1、s2…" },
	[SH_MILESTONES] = { "节点", milestone_cols, NITEMS(milestone_cols),
	    "文件写明的阶段节点，可省略；每项任务另有“完成时限”节点，不必列出" },
	[SH_OFFICES] = { "处室", office_cols, NITEMS(office_cols),
	    "处室和单位的声明，可省略：未声明的按名称推定类别" },
	[SH_PEOPLE] = { "人员", person_cols, NITEMS(person_cols), "人员的声明，可省略" },
	[SH_ROLES] = { "计划角色", role_cols, NITEMS(role_cols),
	    "领导组、总调度、综合调度汇总处室等计划一级的角色，可省略" },
};

const char *
sp_code(const struct sp_col *c, const char *text)
{
	size_t	 i;

	for (i = 0; c->labels != NULL && c->labels[i] != NULL; i += 2)
		if (strcmp(c->labels[i], text) == 0 ||
		    strcmp(c->labels[i + 1], text) == 0)
			return (c->labels[i + 1]);
	return (NULL);
}

const char *
sp_label(const struct sp_col *c, const char *code)
{
	size_t	 i;

	for (i = 0; c->labels != NULL && c->labels[i] != NULL; i += 2)
		if (strcmp(c->labels[i + 1], code) == 0)
			return (c->labels[i]);
	return (code);
}

int
sheetplan_is_xlsx(const char *name)
{
	size_t	 n = strlen(name);

	return (n >= 5 && strcasecmp(name + n - 5, ".xlsx") == 0);
}

