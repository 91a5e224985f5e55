/*
 * Reading the 任务分解表 (sheetplan.h): the workbook becomes the tree a
 * YAML plan file would give, and plan_from_tree() validates it.
 *
 * A node's position is its cell: the row in the low 21 bits of its line
 * (Excel's last row, 1048576, fits), the sheet's index (enum
 * sp_sheet_id) above them, the column as its column.  Diagnostics that
 * the validator adds are turned back into cells of named sheets at the
 * end (fix_diags), "第 N 行" in their messages too.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "plan.h"
#include "sheetplan.h"
#include "sheetplan-int.h"
#include "xlsx.h"
#include "xmalloc.h"
#include "ytree.h"

#define ROW_BITS	21
#define ROW_MASK	((1 << ROW_BITS) - 1)
#define POS(sheet, row)	((int)(((unsigned)(sheet) << ROW_BITS) | (row)))

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

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

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

/* ---------------------------------------------------------------- */
/* Building the tree */

static struct ynode *
node(enum ynode_type type, int line, int col)
{
	struct ynode	*n = xcalloc(1, sizeof *n);

	n->type = type;
	n->line = line;
	n->col = col;
	return (n);
}

static struct ynode *
scalar(const char *s, int plain, int line, int col)
{
	struct ynode	*n = node(YN_SCALAR, line, col);

	n->str = xstrdup(s);
	n->len = strlen(s);
	n->plain = plain;
	return (n);
}

/* Appends kid (a mapping's value: put() adds the key).  A mapping's cap
 * counts pairs, as ytree.c's does, and unused slots stay NULL. */
static void
push(struct ynode *parent, struct ynode *kid)
{
	size_t	 per = parent->type == YN_MAP ? 2 : 1, i;

	if (parent->n + 1 > parent->cap) {
		size_t	 old = parent->cap;

		parent->cap = old < 4 ? 8 : 2 * old;
		parent->kids = xreallocarray(parent->kids, parent->cap * per,
		    sizeof *parent->kids);
		for (i = old * per; i < parent->cap * per; i++)
			parent->kids[i] = NULL;
	}
	if (parent->type == YN_MAP)
		parent->kids[2 * parent->n + 1] = kid;
	else
		parent->kids[parent->n] = kid;
	parent->n++;
}

/* map[key] = value; the key node stands at the value's cell. */
static void
put(struct ynode *map, const char *key, struct ynode *v)
{
	push(map, v);
	map->kids[2 * (map->n - 1)] = scalar(key, 1, v->line, v->col);
	v->kline = v->line;
	v->kcol = v->col;
}

/* The value of key in map, made a mapping if it is not there yet. */
static struct ynode *
submap(struct ynode *map, const char *key, int line, int col)
{
	struct ynode	*m;

	if ((m = ytree_get(map, key)) != NULL)
		return (m);
	m = node(YN_MAP, line, col);
	put(map, key, m);
	return (m);
}

static struct ynode *
subseq(struct ynode *map, const char *key, int line, int col)
{
	struct ynode	*s;

	if ((s = ytree_get(map, key)) != NULL)
		return (s);
	s = node(YN_SEQ, line, col);
	put(map, key, s);
	return (s);
}

/* ---------------------------------------------------------------- */
/* Reading cells */

struct sp {
	const char		*file;
	struct diags		*d;
	const struct xlsx_book	*book;
	int			 failed;
};

struct table {
	const struct xlsx_sheet	*sh;
	enum sp_sheet_id	 id;
	const struct sp_col	*cols;		/* the sheet's columns */
	size_t			 ncols;
	int			 map[SHEETPLAN_MAX_COLS + 1];	/* sheet column -> col, or -1 */
	unsigned		 head;		/* the header row */
	unsigned		 last;		/* the last row with a value */
	/* The merged range covering (row, col): its index + 1, or 0;
	 * rows from head + 1. */
	unsigned		*merge;
};

static void err(struct sp *, enum sp_sheet_id, unsigned row, unsigned col,
    const char *, ...) __attribute__((format(printf, 5, 6)));

static void
err(struct sp *s, enum sp_sheet_id sheet, unsigned row, unsigned col,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	diags_add_cell(s->d, s->file, sp_sheets[sheet].name, (int)row,
	    (int)col, "%s", msg);
	free(msg);
	s->failed = 1;
}

static void book_err(struct sp *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
book_err(struct sp *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	diags_add_cell(s->d, s->file, "", 0, 0, "%s", msg);
	free(msg);
	s->failed = 1;
}

static int
blank(const char *s)
{
	/* ASCII white space and U+3000 (the full-width space). */
	while (*s != '\0') {
		if (isspace((unsigned char)*s))
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			return (0);
	}
	return (1);
}

/* The cell holding (row, col)'s value: a merged range's first cell. */
static const struct xlsx_cell *
cell_at(const struct table *t, unsigned row, unsigned col, int *merged)
{
	const struct xlsx_merge	*m;
	unsigned		 k = 0;

	*merged = 0;
	if (row > t->head && row <= t->last && col <= t->ncols)
		k = t->merge[(size_t)(row - t->head - 1) * t->ncols + col - 1];
	if (k != 0) {
		m = &t->sh->merges[k - 1];
		*merged = row != m->row1;
		return (xlsx_cell(t->sh, m->row1, m->col1));
	}
	return (xlsx_cell(t->sh, row, col));
}

/* A number's text as the plan format writes it: 3000, 95.5. */
static char *
number_text(const char *v)
{
	char	*end;
	double	 x;

	errno = 0;
	x = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || errno != 0 || !isfinite(x) ||
	    fabs(x) >= 1e15 || (x != 0 && fabs(x) < 1e-6))
		return (NULL);
	if (x == floor(x))
		return (xprintf("%.0f", x));
	return (xprintf("%.10g", x));
}

/* An Excel date serial (1900 system) as ISO text, or NULL. */
static char *
serial_date(const char *v)
{
	char		*end;
	long		 n;
	struct ymd	 d = { 1899, 12, 30 };
	char		 buf[11];

	errno = 0;
	n = strtol(v, &end, 10);
	/* 2000-01-01 .. 2100-12-31 */
	if (*end != '\0' || errno != 0 || n < 36526 || n > 73415)
		return (NULL);
	date_from_days(date_to_days(&d) + n, &d);
	date_format(&d, buf);
	return (xstrdup(buf));
}

/*
 * The scalar node for cell (row, col) of column c, or NULL when it is
 * empty or wrong (reported).
 */
static struct ynode *
cell_node(struct sp *s, const struct table *t, unsigned row, unsigned col,
    const struct sp_col *c)
{
	const struct xlsx_cell	*x;
	char			 ref[XLSX_REF_MAX];
	char			*text = NULL;
	const char		*code;
	int			 merged, plain = 0, line = POS(t->id, row);
	struct ynode		*n;

	if ((x = cell_at(t, row, col, &merged)) == NULL || blank(x->value))
		return (NULL);
	xlsx_ref(x->row, x->col, ref);
	if (x->formula) {
		if (!merged)
			err(s, t->id, x->row, x->col, "“%s”列的单元格 %s 是公式：计划中的内容须为值，"
			    "请复制后“选择性粘贴—数值”", c->head, ref);
		return (NULL);
	}
	if (x->type == XLSX_BOOL || x->type == XLSX_ERROR) {
		if (!merged)
			err(s, t->id, x->row, x->col, "“%s”列应为%s，单元格 %s 是%s值“%s”",
			    c->head, c->kind == SP_NUM ? "数字" : "文字", ref,
			    x->type == XLSX_BOOL ? "逻辑" : "错误", x->value);
		return (NULL);
	}
	switch (c->kind) {
	case SP_NUM:
		if (x->type != XLSX_NUMBER) {
			if (!merged)
				err(s, t->id, x->row, x->col, "“%s”列应为数字单元格，%s 是文字“%s”"
				    "（数字不带单位、千位分隔符和引号）", c->head, ref, x->value);
			return (NULL);
		}
		if ((text = number_text(x->value)) == NULL) {
			if (!merged)
				err(s, t->id, x->row, x->col, "“%s”列的数字“%s”超出可用范围",
				    c->head, x->value);
			return (NULL);
		}
		plain = 1;
		break;
	case SP_DATE:
		if (x->type == XLSX_NUMBER) {
			if ((text = serial_date(x->value)) == NULL) {
				if (!merged)
					err(s, t->id, x->row, x->col, "“%s”列的单元格 %s 是数字 %s，"
					    "不是 2000 到 2100 年间的日期：请写成日期单元格或文字（如 全年、2012年9月）",
					    c->head, ref, x->value);
				return (NULL);
			}
		} else if (x->type == XLSX_DATE)
			text = xprintf("%.10s", x->value);
		else
			text = xstrdup(x->value);
		break;
	case SP_ENUM:
		if ((code = sp_code(c, x->value)) == NULL) {
			char	*list = xstrdup(""), *tmp;
			size_t	 i;

			for (i = 0; c->labels[i] != NULL; i += 2) {
				tmp = xprintf("%s%s%s", list, i ? "、" : "",
				    c->labels[i]);
				free(list);
				list = tmp;
			}
			if (!merged)
				err(s, t->id, x->row, x->col, "“%s”列应为 %s 之一，实际为“%s”",
				    c->head, list, x->value);
			free(list);
			return (NULL);
		}
		text = xstrdup(code);
		break;
	default:
		if (x->type == XLSX_NUMBER)
			text = number_text(x->value);
		if (text == NULL)
			text = xstrdup(x->value);
		break;
	}
	n = scalar(text, plain, line, (int)col);
	free(text);
	return (n);
}

/*
 * Splits a list cell: one name per line when the cell has line breaks
 * (what the export writes, since a name may hold a 、: 各县（市、区）);
 * else at 、，；,; outside brackets.  An empty item stays (责任人 keeps
 * its places).
 */
static struct ynode *
list_node(const struct ynode *v)
{
	static const char *const seps[] = { "、", "，", "；", ",", ";", NULL };
	static const char *const open[] = { "（", "(", "〔", "【", "《", NULL };
	static const char *const close[] = { "）", ")", "〕", "】", "》", NULL };
	struct ynode	*seq = node(YN_SEQ, v->line, v->col);
	const char	*p = v->str, *start = v->str;
	int		 lines = strchr(v->str, '\n') != NULL, depth = 0;
	size_t		 i, k;
	char		*item;

	for (;;) {
		k = 0;
		if (lines) {
			if (*p == '\n')
				k = 1;
		} else {
			for (i = 0; *p != '\0' && open[i] != NULL; i++)
				if (strncmp(p, open[i], strlen(open[i])) == 0)
					depth++;
			for (i = 0; *p != '\0' && close[i] != NULL; i++)
				if (strncmp(p, close[i], strlen(close[i])) == 0 &&
				    depth > 0)
					depth--;
			for (i = 0; depth == 0 && *p != '\0' && seps[i] != NULL; i++)
				if (strncmp(p, seps[i], strlen(seps[i])) == 0) {
					k = strlen(seps[i]);
					break;
				}
		}
		if (*p == '\0' || k > 0) {
			item = xprintf("%.*s", (int)(p - start), start);
			push(seq, scalar(item, 0, v->line, v->col));
			free(item);
			if (*p == '\0')
				break;
			p += k;
			start = p;
		} else
			p++;
	}
	return (seq);
}

/* ---------------------------------------------------------------- */
/* Tables: the header row, the merges, cells outside */

static size_t
common_chars(const char *a, const char *b)
{
	size_t	 n = 0, k;
	const char *p;

	/* UTF-8 characters of a that occur in b. */
	for (p = a; *p != '\0'; p += k) {
		char	 ch[5];

		for (k = 1; (p[k] & 0xc0) == 0x80 && k < 4; k++)
			;
		snprintf(ch, sizeof ch, "%.*s", (int)k, p);
		if (strstr(b, ch) != NULL)
			n++;
	}
	return (n);
}

/* "；是否应为“X”" for the column most like head, or "". */
static char *
suggest(const struct sp_col *cols, size_t ncols, const char *head)
{
	size_t	 i, best = 0, score = 0, n;

	for (i = 0; i < ncols; i++)
		if ((n = common_chars(head, cols[i].head)) > score) {
			score = n;
			best = i;
		}
	if (score == 0)
		return (xstrdup(""));
	return (xprintf("；是否应为“%s”", cols[best].head));
}

static char *
all_heads(const struct sp_col *cols, size_t ncols)
{
	char	*list = xstrdup(""), *tmp;
	size_t	 i;

	for (i = 0; i < ncols; i++) {
		tmp = xprintf("%s%s%s", list, i ? "、" : "", cols[i].head);
		free(list);
		list = tmp;
	}
	return (list);
}

/*
 * Reads the header row, the merged ranges and every cell's place.  The
 * header row is the first row; on the 任务分解表 a title row (one cell,
 * not a header) may stand above it.  Returns 0, or -1 (reported).
 */
static int
table_open(struct sp *s, struct table *t, enum sp_sheet_id id,
    const struct xlsx_sheet *sh, const char *const *required)
{
	const struct sp_sheet	*ss = &sp_sheets[id];
	size_t			 i, k, n;
	unsigned		 row, col, r;
	char			*hint, *list, ref[XLSX_REF_MAX], ref2[XLSX_REF_MAX];
	int			 bad = 0, seen[SHEETPLAN_MAX_COLS];

	memset(t, 0, sizeof *t);
	t->sh = sh;
	t->id = id;
	t->cols = ss->cols;
	t->ncols = 0;
	for (i = 0; i <= SHEETPLAN_MAX_COLS; i++)
		t->map[i] = -1;
	memset(seen, 0, sizeof seen);
	for (i = 0; i < sh->ncells && blank(sh->cells[i].value) &&
	    !sh->cells[i].formula; i++)
		;
	if (i == sh->ncells) {
		list = all_heads(ss->cols, ss->ncols);
		err(s, id, 1, 1, "工作表“%s”是空的：第一行应为表头（%s）", ss->name, list);
		free(list);
		return (-1);
	}
	row = sh->cells[i].row;
	/* A title above the header: one cell that is no column's name. */
	if (id == SH_TASKS && (i + 1 == sh->ncells || sh->cells[i + 1].row != row)) {
		for (k = 0; k < ss->ncols; k++)
			if (strcmp(ss->cols[k].head, sh->cells[i].value) == 0)
				break;
		if (k == ss->ncols) {
			for (i++; i < sh->ncells && blank(sh->cells[i].value); i++)
				;
			if (i == sh->ncells) {
				err(s, id, row + 1, 1, "工作表“%s”在标题行之下没有表头", ss->name);
				return (-1);
			}
			row = sh->cells[i].row;
		}
	}
	t->head = row;
	for (; i < sh->ncells && sh->cells[i].row == row; i++) {
		const struct xlsx_cell *x = &sh->cells[i];

		if (blank(x->value))
			continue;
		if (x->col > SHEETPLAN_MAX_COLS) {
			err(s, id, row, x->col, "表头超出第 %u 列：%s 之后不应再有内容",
			    SHEETPLAN_MAX_COLS, ss->name);
			bad = 1;
			continue;
		}
		for (k = 0; k < ss->ncols; k++)
			if (strcmp(ss->cols[k].head, x->value) == 0)
				break;
		if (k == ss->ncols) {
			hint = suggest(ss->cols, ss->ncols, x->value);
			list = all_heads(ss->cols, ss->ncols);
			err(s, id, row, x->col, "表头“%s”不是%s的列%s（可用的列：%s）",
			    x->value, ss->name, hint, list);
			free(hint);
			free(list);
			bad = 1;
			continue;
		}
		if (seen[k]) {
			xlsx_ref(row, (unsigned)seen[k], ref);
			err(s, id, row, x->col, "表头“%s”重复（%s 已有）", x->value, ref);
			bad = 1;
			continue;
		}
		seen[k] = (int)x->col;
		t->map[x->col] = (int)k;
		if (x->col > t->ncols)
			t->ncols = x->col;
	}
	for (k = 0; required != NULL && required[k] != NULL; k++) {
		for (n = 0; n < ss->ncols; n++)
			if (strcmp(ss->cols[n].head, required[k]) == 0)
				break;
		if (n < ss->ncols && !seen[n] && !bad) {
			xlsx_ref(row, t->ncols + 1, ref);
			err(s, id, row, t->ncols + 1, "表头缺少“%s”列（第 %u 行是表头；%s 处可添加）",
			    required[k], row, ref);
			bad = 1;
		}
	}
	if (bad)
		return (-1);

	/* Every cell below the header must be under a header. */
	t->last = row;
	for (; i < sh->ncells; i++) {
		const struct xlsx_cell *x = &sh->cells[i];

		if (blank(x->value) && !x->formula)
			continue;
		if (x->col > t->ncols || t->map[x->col] < 0) {
			xlsx_ref(x->row, x->col, ref);
			err(s, id, x->row, x->col, "单元格 %s 在表格之外：第 %u 行的表头在这一列没有列名，"
			    "请删除该单元格的内容或补上列名", ref, row);
			bad = 1;
			continue;
		}
		t->last = x->row;
	}
	/* Merged ranges: within the table, one column each. */
	for (k = 0; k < sh->nmerges; k++) {
		const struct xlsx_merge *m = &sh->merges[k];

		if (m->row2 < row)
			continue;
		xlsx_ref(m->row1, m->col1, ref);
		xlsx_ref(m->row2, m->col2, ref2);
		if (m->row1 <= row && (m->row2 > row || m->row1 < row)) {
			err(s, id, m->row1, m->col1, "合并单元格 %s:%s 跨过了表头行（第 %u 行）",
			    ref, ref2, row);
			bad = 1;
		} else if (m->row1 == row)
			continue;
		else if (m->col1 != m->col2) {
			err(s, id, m->row1, m->col1, "合并单元格 %s:%s 跨越多列：只能在同一列内合并上下相邻的行",
			    ref, ref2);
			bad = 1;
		} else if (m->col1 > t->ncols || t->map[m->col1] < 0) {
			err(s, id, m->row1, m->col1, "合并单元格 %s:%s 在表格之外", ref, ref2);
			bad = 1;
		} else if (m->row2 > t->last)
			t->last = m->row2;
	}
	if (bad)
		return (-1);
	if (t->last > t->head) {
		n = (size_t)(t->last - t->head) * t->ncols;
		t->merge = xcalloc(n, sizeof *t->merge);
		for (k = 0; k < sh->nmerges; k++) {
			const struct xlsx_merge *m = &sh->merges[k];

			if (m->row1 <= row)
				continue;
			for (r = m->row1; r <= m->row2; r++) {
				unsigned *slot = &t->merge[(size_t)(r - row - 1) *
				    t->ncols + m->col1 - 1];

				if (*slot != 0) {
					xlsx_ref(r, m->col1, ref);
					err(s, id, r, m->col1, "单元格 %s 属于两个合并区域", ref);
					return (-1);
				}
				*slot = (unsigned)k + 1;
			}
		}
	}
	/* Column of each known field, for callers. */
	(void)col;
	return (0);
}

static void
table_close(struct table *t)
{
	free(t->merge);
	t->merge = NULL;
}

/* The sheet column of field k, or 0 when the sheet has none. */
static unsigned
col_of(const struct table *t, size_t k)
{
	unsigned	 c;

	for (c = 1; c <= t->ncols; c++)
		if (t->map[c] == (int)k)
			return (c);
	return (0);
}

/* Field k of row, or NULL. */
static struct ynode *
field(struct sp *s, const struct table *t, unsigned row, size_t k)
{
	unsigned	 c = col_of(t, k);

	return (c == 0 ? NULL : cell_node(s, t, row, c, &t->cols[k]));
}

/* Whether row has any value (through merges too). */
static int
row_empty(const struct table *t, unsigned row)
{
	const struct xlsx_cell	*x;
	unsigned		 c;
	int			 merged;

	for (c = 1; c <= t->ncols; c++)
		if (t->map[c] >= 0 && (x = cell_at(t, row, c, &merged)) != NULL &&
		    (!blank(x->value) || x->formula))
			return (0);
	return (1);
}

/* ---------------------------------------------------------------- */
/* The simple sheets: one mapping per row */

/* Puts field k of row into map under the column's key. */
static void
put_field(struct sp *s, const struct table *t, struct ynode *map,
    unsigned row, size_t k)
{
	struct ynode	*v;

	if ((v = field(s, t, row, k)) == NULL)
		return;
	if (t->cols[k].kind == SP_LIST) {
		struct ynode *l = list_node(v);

		ytree_free(v);
		v = l;
	}
	put(map, t->cols[k].key, v);
}

/* The rows of a simple sheet as a sequence of mappings, or NULL. */
static struct ynode *
read_rows(struct sp *s, enum sp_sheet_id id, const char *const *required)
{
	const struct xlsx_sheet	*sh = xlsx_sheet(s->book, sp_sheets[id].name);
	struct table		 t;
	struct ynode		*seq, *m;
	unsigned		 row;
	size_t			 k;

	if (sh == NULL || table_open(s, &t, id, sh, required) != 0)
		return (NULL);
	seq = node(YN_SEQ, POS(id, t.head), 1);
	for (row = t.head + 1; row <= t.last; row++) {
		if (row_empty(&t, row))
			continue;
		m = node(YN_MAP, POS(id, row), 1);
		for (k = 0; k < sp_sheets[id].ncols; k++)
			put_field(s, &t, m, row, k);
		push(seq, m);
	}
	table_close(&t);
	return (seq);
}

/* The 计划 sheet: 项目 / 内容 rows into the plan mapping. */
static struct ynode *
read_plan(struct sp *s)
{
	const struct xlsx_sheet	*sh = xlsx_sheet(s->book, SHEETPLAN_PLAN);
	static const char *const required[] = { "项目", "内容", NULL };
	struct table		 t;
	struct ynode		*plan, *v, *where;
	const struct xlsx_cell	*x;
	unsigned		 row, ci, cv, seen[PR_N];
	size_t			 k;
	int			 merged;
	char			*hint, *list, ref[XLSX_REF_MAX];

	if (sh == NULL) {
		book_err(s, "缺少工作表“%s”：计划键、标题、年度、发文单位、来源文件写在这张表上（A 列项目，B 列内容）",
		    SHEETPLAN_PLAN);
		return (NULL);
	}
	if (table_open(s, &t, SH_PLAN, sh, required) != 0)
		return (NULL);
	plan = node(YN_MAP, POS(SH_PLAN, t.head), 1);
	ci = col_of(&t, 0);
	cv = col_of(&t, 1);
	memset(seen, 0, sizeof seen);
	for (row = t.head + 1; row <= t.last; row++) {
		if ((x = cell_at(&t, row, ci, &merged)) == NULL || blank(x->value)) {
			if (!row_empty(&t, row))
				err(s, SH_PLAN, row, ci, "第 %u 行有内容但没有写项目", row);
			continue;
		}
		for (k = 0; k < PR_N; k++)
			if (strcmp(sp_plan_rows[k].head, x->value) == 0)
				break;
		if (k == PR_N) {
			hint = suggest(sp_plan_rows, PR_N, x->value);
			list = all_heads(sp_plan_rows, PR_N);
			err(s, SH_PLAN, row, ci, "项目“%s”不是计划的项目%s（可用的项目：%s）",
			    x->value, hint, list);
			free(hint);
			free(list);
			continue;
		}
		if (seen[k]) {
			xlsx_ref(seen[k], ci, ref);
			err(s, SH_PLAN, row, ci, "项目“%s”重复（%s 已有）", x->value, ref);
			continue;
		}
		seen[k] = row;
		if ((v = cell_node(s, &t, row, cv, &sp_plan_rows[k])) == NULL)
			continue;
		if (strncmp(sp_plan_rows[k].key, "source.", 7) == 0) {
			where = submap(plan, "source", v->line, v->col);
			put(where, sp_plan_rows[k].key + 7, v);
		} else
			put(plan, sp_plan_rows[k].key, v);
	}
	table_close(&t);
	return (plan);
}

/* ---------------------------------------------------------------- */
/* The 任务分解表 */

struct task_row {
	unsigned	 first, last;	/* its rows */
	struct ynode	*map;
	char		*key;		/* explicit or made */
	int		 nsubs;
};

static int
is_task_field(size_t k)
{
	return (sp_task_cols[k].task);
}

/* The own value (not through a merge from above) of field k at row. */
static const struct xlsx_cell *
own(const struct table *t, unsigned row, size_t k)
{
	const struct xlsx_cell	*x;
	unsigned		 c = col_of(t, k);
	int			 merged;

	if (c == 0 || (x = cell_at(t, row, c, &merged)) == NULL || merged ||
	    (blank(x->value) && !x->formula))
		return (NULL);
	return (x);
}

/* Guesses a target's kind from its unit (documented in 说明). */
static const char *
kind_of_unit(const char *unit)
{
	static const char *const amounts[] = { "元", "万元", "亿元", "平方米",
	    "万平方米", NULL };
	size_t	 i;

	if (strcmp(unit, "%") == 0 || strcmp(unit, "％") == 0)
		return ("ratio");
	if (strchr(unit, '/') != NULL)
		return ("rate");
	for (i = 0; amounts[i] != NULL; i++)
		if (strcmp(unit, amounts[i]) == 0)
			return ("amount");
	return ("count");
}

/* One target row into the task's targets. */
static void
read_target(struct sp *s, const struct table *t, struct ynode *task,
    unsigned row, size_t pos)
{
	static const size_t fields[] = { TC_TKEY, TC_TNAME, TC_TKIND,
	    TC_TVALUE, TC_TUNIT, TC_TQUAL, TC_TBASE, TC_TDEADLINE, TC_TTEXT };
	struct ynode	*m, *list;
	size_t		 i;
	char		 buf[24];

	for (i = 0; i < NITEMS(fields); i++)
		if (col_of(t, fields[i]) != 0 &&
		    cell_at(t, row, col_of(t, fields[i]), &(int){0}) != NULL &&
		    !blank(cell_at(t, row, col_of(t, fields[i]), &(int){0})->value))
			break;
	if (i == NITEMS(fields))
		return;
	list = subseq(task, "targets", POS(SH_TASKS, row), 1);
	m = node(YN_MAP, POS(SH_TASKS, row), (int)(col_of(t, TC_TNAME) ?
	    col_of(t, TC_TNAME) : 1));
	for (i = 0; i < NITEMS(fields); i++)
		put_field(s, t, m, row, fields[i]);
	if (ytree_get(m, "key") == NULL) {
		snprintf(buf, sizeof buf, "%zu", pos);
		put(m, "key", scalar(buf, 0, m->line, m->col));
	}
	if (ytree_get(m, "kind") == NULL && ytree_get(m, "unit") != NULL &&
	    ytree_get(m, "unit")->type == YN_SCALAR)
		put(m, "kind", scalar(kind_of_unit(ytree_get(m, "unit")->str), 0,
		    m->line, m->col));
	push(list, m);
}

/* The task fields of its first row into map. */
static void
read_task_fields(struct sp *s, const struct table *t, struct ynode *m,
    unsigned row)
{
	static const size_t fields[] = { TC_KEY, TC_NUMBER, TC_TITLE, TC_TEXT,
	    TC_GOAL, TC_WORK, TC_MEASURES, TC_DEADLINE, TC_DEADLINE_TEXT,
	    TC_LEADERS, TC_COORD, TC_PHONE };
	struct ynode	*office, *person, *offices, *people, *lead, *resp, *r;
	size_t		 i;

	for (i = 0; i < NITEMS(fields); i++)
		put_field(s, t, m, row, fields[i]);
	office = field(s, t, row, TC_LEAD_OFFICE);
	person = field(s, t, row, TC_LEAD_PERSON);
	if (office != NULL || person != NULL) {
		lead = node(YN_MAP, office ? office->line : person->line,
		    office ? office->col : person->col);
		if (office != NULL)
			put(lead, "office", office);
		if (person != NULL)
			put(lead, "person", person);
		put(m, "lead", lead);
	}
	offices = field(s, t, row, TC_RESP_OFFICE);
	people = field(s, t, row, TC_RESP_PERSON);
	if (people != NULL && offices == NULL) {
		err(s, SH_TASKS, row, (unsigned)people->col, "写了责任人，但没有写责任处室");
		ytree_free(people);
		people = NULL;
	}
	if (offices != NULL) {
		struct ynode *ol = list_node(offices), *pl = NULL;

		if (people != NULL) {
			pl = list_node(people);
			if (pl->n > ol->n)
				err(s, SH_TASKS, row, (unsigned)people->col,
				    "责任人有 %zu 个，多于责任处室（%zu 个）：责任人须与责任处室逐一对应，"
				    "某处室无责任人时留空（如“、李卉坪”）", pl->n, ol->n);
		}
		resp = node(YN_SEQ, offices->line, offices->col);
		for (i = 0; i < ol->n; i++) {
			r = node(YN_MAP, offices->line, offices->col);
			put(r, "office", ol->kids[i]);
			ol->kids[i] = NULL;
			if (pl != NULL && i < pl->n && !blank(pl->kids[i]->str)) {
				put(r, "person", pl->kids[i]);
				pl->kids[i] = NULL;
			}
			push(resp, r);
		}
		put(m, "responsible", resp);
		ytree_free(ol);
		ytree_free(pl);
		ytree_free(offices);
		ytree_free(people);
	}
}

struct sections {
	struct ynode	*seq;		/* the plan's sections */
	int		 from_sheet;	/* the 部分 sheet gave them */
};

/* The tasks list of the section titled title (made when not from the
 * 部分 sheet), or NULL (reported). */
static struct ynode *
section_tasks(struct sp *s, struct sections *secs, const struct ynode *title)
{
	struct ynode	*m, *t;
	size_t		 i;
	char		 key[24];

	for (i = 0; i < secs->seq->n; i++) {
		m = secs->seq->kids[i];
		if (m->type == YN_MAP && (t = ytree_get(m, "title")) != NULL &&
		    t->type == YN_SCALAR && strcmp(t->str, title->str) == 0)
			return (subseq(m, "tasks", title->line, title->col));
	}
	if (secs->from_sheet) {
		err(s, SH_TASKS, (unsigned)(title->line & ROW_MASK),
		    (unsigned)title->col, "类别“%s”不是“部分”工作表中任何部分的标题", title->str);
		return (NULL);
	}
	m = node(YN_MAP, title->line, title->col);
	snprintf(key, sizeof key, "s%zu", secs->seq->n + 1);
	put(m, "key", scalar(key, 0, title->line, title->col));
	put(m, "title", scalar(title->str, 0, title->line, title->col));
	push(secs->seq, m);
	return (subseq(m, "tasks", title->line, title->col));
}

/* The task whose key is key, or NULL. */
static struct task_row *
find_task(struct task_row *tasks, size_t n, const char *key)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (tasks[i].key != NULL && strcmp(tasks[i].key, key) == 0)
			return (&tasks[i]);
	return (NULL);
}

/* Checks that a merged range lines up with the tasks' rows. */
static void
check_merges(struct sp *s, const struct table *t, const struct task_row *tasks,
    size_t ntasks)
{
	const struct xlsx_sheet	*sh = t->sh;
	size_t			 k, a, b;
	char			 ref[XLSX_REF_MAX], ref2[XLSX_REF_MAX];

	for (k = 0; k < sh->nmerges; k++) {
		const struct xlsx_merge *m = &sh->merges[k];

		if (m->row1 <= t->head || m->row1 == m->row2)
			continue;
		for (a = 0; a < ntasks && tasks[a].last < m->row1; a++)
			;
		for (b = a; b < ntasks && tasks[b].last < m->row2; b++)
			;
		xlsx_ref(m->row1, m->col1, ref);
		xlsx_ref(m->row2, m->col2, ref2);
		if (a == ntasks || m->row1 < tasks[a].first)
			err(s, SH_TASKS, m->row1, m->col1, "合并单元格 %s:%s 不属于任何任务：请从任务的第一行开始合并",
			    ref, ref2);
		else if (b != a)
			err(s, SH_TASKS, m->row1, m->col1, "合并单元格 %s:%s 跨越了两项任务（第 %u 行和第 %u 行各起一项）："
			    "合并范围须与任务的行对齐", ref, ref2, tasks[a].first,
			    b < ntasks ? tasks[b].first : tasks[a].last + 1);
		else if (is_task_field((size_t)t->map[m->col1]) &&
		    m->row1 != tasks[a].first)
			err(s, SH_TASKS, m->row1, m->col1, "合并单元格 %s:%s 从任务的中间开始：“%s”列的合并须从任务的第一行（第 %u 行）开始",
			    ref, ref2, sp_task_cols[t->map[m->col1]].head, tasks[a].first);
	}
}

/* Two tasks under one heading (a section, a parent, or none) with the
 * same 序号 are a slip of the pen, or a task entered twice. */
static void
same_number(struct sp *s, json_t *seen, const struct ynode *list,
    const struct ynode *task, unsigned row)
{
	const struct ynode	*n = ytree_get(task, "number");
	json_t			*prev;
	char			*k;

	if (n == NULL || n->type != YN_SCALAR)
		return;
	k = xprintf("%p|%s", (const void *)list, n->str);
	if ((prev = json_object_get(seen, k)) != NULL)
		err(s, SH_TASKS, row, (unsigned)n->col, "序号“%s”与第 %lld 行重复：同一类别"
		    "（或同一上级任务）下的序号不应重复", n->str,
		    (long long)json_integer_value(prev));
	else
		json_object_set_new(seen, k, json_integer(row));
	free(k);
}

static void
read_tasks(struct sp *s, struct ynode *root, struct sections *secs)
{
	static const char *const required[] = { "序号", "任务", NULL };
	const struct xlsx_sheet	*sh = xlsx_sheet(s->book, SHEETPLAN_TASKS);
	struct table		 t;
	struct task_row		*tasks = NULL, *tr, *parent;
	size_t			 ntasks = 0, cap = 0, i, k, ntop = 0, ntargets;
	unsigned		 row, c;
	struct ynode		*top = NULL, *v, *list, *sec, *pk;
	const struct xlsx_cell	*x;
	char			 ref[XLSX_REF_MAX];
	json_t			*nums = json_object();

	if (sh == NULL) {
		json_decref(nums);
		book_err(s, "缺少工作表“%s”：任务写在这张表上（第一行为表头：序号、类别、任务…）",
		    SHEETPLAN_TASKS);
		return;
	}
	if (table_open(s, &t, SH_TASKS, sh, required) != 0) {
		json_decref(nums);
		return;
	}
	/* Where each task begins and ends. */
	for (row = t.head + 1; row <= t.last; row++) {
		if (row_empty(&t, row))
			continue;
		if (own(&t, row, TC_NUMBER) != NULL || own(&t, row, TC_TITLE) != NULL) {
			if (ntasks == cap) {
				cap = cap ? 2 * cap : 16;
				tasks = xreallocarray(tasks, cap, sizeof *tasks);
			}
			memset(&tasks[ntasks], 0, sizeof *tasks);
			tasks[ntasks].first = tasks[ntasks].last = row;
			ntasks++;
			continue;
		}
		if (ntasks == 0) {
			c = col_of(&t, TC_NUMBER);
			err(s, SH_TASKS, row, c, "表头下的第一行数据（第 %u 行）没有序号和任务：每项任务从写有序号、任务的一行开始",
			    row);
			goto out;
		}
		tasks[ntasks - 1].last = row;
		/* A task's own columns are written on its first row only. */
		for (k = 0; k < TC_N; k++)
			if (is_task_field(k) && (x = own(&t, row, k)) != NULL) {
				xlsx_ref(x->row, x->col, ref);
				err(s, SH_TASKS, x->row, x->col, "“%s”属于任务，只能写在任务的第一行（第 %u 行）"
				    "或用合并单元格覆盖该任务的各行；%s 所在的行没有序号和任务",
				    sp_task_cols[k].head, tasks[ntasks - 1].first, ref);
			}
	}
	if (ntasks == 0) {
		err(s, SH_TASKS, t.head + 1, 1, "任务分解表在表头（第 %u 行）之下没有任何任务", t.head);
		goto out;
	}
	check_merges(s, &t, tasks, ntasks);
	if (s->failed)
		goto out;

	for (i = 0; i < ntasks; i++) {
		tr = &tasks[i];
		row = tr->first;
		tr->map = node(YN_MAP, POS(SH_TASKS, row), 1);
		read_task_fields(s, &t, tr->map, row);
		if ((v = field(s, &t, row, TC_REPORT)) != NULL) {
			err(s, SH_TASKS, row, (unsigned)v->col, "计划格式尚无“汇报频次”：此列须留空"
			    "（督办事项的汇报频次在网页上设置）；实际为“%s”", v->str);
			ytree_free(v);
		}
		ntargets = 0;
		for (row = tr->first; row <= tr->last; row++)
			read_target(s, &t, tr->map, row, ++ntargets);
		/* Its parent, its key. */
		parent = NULL;
		if ((pk = field(s, &t, tr->first, TC_PARENT)) != NULL) {
			parent = find_task(tasks, i, pk->str);
			if (parent != NULL && parent->map == NULL)
				parent = NULL;
			if (parent == NULL)
				err(s, SH_TASKS, tr->first, (unsigned)pk->col,
				    "上级任务键“%s”不是前面任何一行任务的任务键", pk->str);
		}
		if ((v = ytree_get(tr->map, "key")) != NULL && v->type == YN_SCALAR)
			tr->key = xstrdup(v->str);
		else {
			if (parent != NULL)
				tr->key = xprintf("%s-%d", parent->key,
				    parent->nsubs + 1);
			else
				tr->key = xprintf("%zu", ntop + 1);
			put(tr->map, "key", scalar(tr->key, 0,
			    POS(SH_TASKS, tr->first), (int)(col_of(&t, TC_KEY) ?
			    col_of(&t, TC_KEY) : 1)));
		}
		sec = field(s, &t, tr->first, TC_SECTION);
		list = NULL;
		if (parent != NULL) {
			parent->nsubs++;
			list = subseq(parent->map, "subtasks", tr->map->line, 1);
			if (sec != NULL)
				err(s, SH_TASKS, tr->first, (unsigned)sec->col,
				    "子任务不写类别：它属于上级任务“%s”的类别", pk->str);
		} else if (pk != NULL) {
			ytree_free(tr->map);	/* reported */
			tr->map = NULL;
		} else {
			ntop++;
			if (sec != NULL)
				list = section_tasks(s, secs, sec);
			else {
				if (top == NULL)
					top = subseq(root, "tasks", tr->map->line, 1);
				list = top;
			}
		}
		/* A task in the tree stays reachable as a parent. */
		if (list != NULL) {
			same_number(s, nums, list, tr->map, tr->first);
			push(list, tr->map);
		} else {
			ytree_free(tr->map);
			tr->map = NULL;
		}
		ytree_free(sec);
		ytree_free(pk);
	}
out:
	for (i = 0; i < ntasks; i++)
		free(tasks[i].key);
	free(tasks);
	json_decref(nums);
	table_close(&t);
}

/* The task (a mapping with a number) keyed key in the tree, or NULL. */
static struct ynode *
tree_task(struct ynode *n, const char *key, int depth)
{
	struct ynode	*k, *found;
	size_t		 i;

	if (depth > 16)
		return (NULL);
	if (n->type == YN_MAP) {
		if (depth > 0 && ytree_get(n, "number") != NULL &&
		    (k = ytree_get(n, "key")) != NULL && k->type == YN_SCALAR &&
		    strcmp(k->str, key) == 0)
			return (n);
		for (i = 0; i < n->n; i++)
			if (YMAP_VAL(n, i)->type != YN_SCALAR &&
			    (found = tree_task(YMAP_VAL(n, i), key, depth + 1)) != NULL)
				return (found);
	} else if (n->type == YN_SEQ)
		for (i = 0; i < n->n; i++)
			if ((found = tree_task(n->kids[i], key, depth + 1)) != NULL)
				return (found);
	return (NULL);
}

/* The 节点 sheet: each milestone into its task's milestones. */
static void
read_milestones(struct sp *s, struct ynode *root)
{
	struct ynode	*rows, *m, *ms, *tk, *task, *list;
	size_t		 i, j;
	char		 buf[24];

	if ((rows = read_rows(s, SH_MILESTONES, (const char *const[]){
	    "任务键", "节点", "完成时限", NULL })) == NULL)
		return;
	for (i = 0; i < rows->n; i++) {
		m = rows->kids[i];
		if ((tk = ytree_get(m, "task")) == NULL) {
			err(s, SH_MILESTONES, (unsigned)(m->line & ROW_MASK), 1,
			    "节点没有写任务键");
			continue;
		}
		task = tree_task(root, tk->str, 0);
		if (task == NULL) {
			err(s, SH_MILESTONES, (unsigned)(tk->line & ROW_MASK),
			    (unsigned)tk->col, "任务键“%s”不是任务分解表中任何任务的任务键", tk->str);
			continue;
		}
		list = subseq(task, "milestones", m->line, 1);
		/* The task key is the sheet's, not the milestone's. */
		ms = node(YN_MAP, m->line, m->col);
		for (j = 0; j < m->n; j++)
			if (strcmp(YMAP_KEY(m, j)->str, "task") != 0) {
				put(ms, YMAP_KEY(m, j)->str, YMAP_VAL(m, j));
				m->kids[2 * j + 1] = NULL;
			}
		m = ms;
		if (ytree_get(m, "key") == NULL) {
			snprintf(buf, sizeof buf, "p%zu", list->n + 1);
			put(m, "key", scalar(buf, 0, m->line, m->col));
		}
		push(list, m);
	}
	ytree_free(rows);
}

/* ---------------------------------------------------------------- */
/* The validator's diagnostics, back at their cells */

static void
fix_diags(struct diags *d, size_t from)
{
	size_t		 i;
	unsigned	 idx;
	char		*p, *q, *msg;
	long		 n;

	for (i = from; i < d->n; i++) {
		struct diag *g = &d->v[i];

		if (g->sheet != NULL)
			continue;
		idx = (unsigned)g->line >> ROW_BITS;
		if (idx >= SH_N)
			idx = SH_TASKS;
		g->sheet = xstrdup(sp_sheets[idx].name);
		g->line &= ROW_MASK;
		if (g->col < 1)
			g->col = 1;
		/* "第 N 行" that the validator wrote with a position. */
		msg = g->msg;
		for (p = msg; (p = strstr(p, "第 ")) != NULL; p = q) {
			q = p + strlen("第 ");
			n = strtol(q, &q, 10);
			if (n > ROW_MASK) {
				char *fixed = xprintf("%.*s第 %ld%s", (int)(p - msg),
				    msg, n & ROW_MASK, q);
				size_t off = (size_t)(p - msg);

				free(msg);
				msg = fixed;
				q = msg + off + 1;
			}
		}
		g->msg = msg;
	}
}

/* ---------------------------------------------------------------- */

json_t *
sheetplan_parse(const char *file, const void *buf, size_t len,
    struct diags *d)
{
	struct xlsx_limits	 lim;
	struct xlsx_book	*book;
	struct sp		 s;
	struct sections		 secs;
	struct ynode		*root, *plan, *v;
	char			*cause = NULL;
	json_t			*out = NULL;
	size_t			 i, before = d->n;

	xlsx_limits_default(&lim);
	lim.input = 4u << 20;
	lim.part = 32u << 20;
	lim.total = 64u << 20;
	lim.cells = 400000;
	lim.book_cells = 800000;
	lim.rows = SHEETPLAN_MAX_ROWS;
	lim.sheets = 32;
	if ((book = xlsx_read(buf, len, &lim, &cause)) == NULL) {
		diags_add_cell(d, file, "", 0, 0, "不能作为任务分解表读取：%s", cause);
		free(cause);
		return (NULL);
	}
	memset(&s, 0, sizeof s);
	s.file = file;
	s.d = d;
	s.book = book;

	/* Sheets that are neither ours nor empty are refused. */
	for (i = 0; i < book->nsheets; i++) {
		size_t	 k;

		for (k = 0; k < SH_N; k++)
			if (strcmp(book->sheets[i].name, sp_sheets[k].name) == 0)
				break;
		if (k == SH_N && strcmp(book->sheets[i].name, SHEETPLAN_HELP) != 0 &&
		    book->sheets[i].ncells > 0)
			book_err(&s, "工作表“%s”不是任务分解表的一部分：可有的工作表为 任务分解表、计划、部分、节点、"
			    "处室、人员、计划角色、说明；请删除它或移到别的文件", book->sheets[i].name);
	}

	root = node(YN_MAP, POS(SH_TASKS, 1), 1);
	put(root, "duban-plan", scalar("1", 1, POS(SH_TASKS, 1), 1));
	if ((plan = read_plan(&s)) != NULL)
		put(root, "plan", plan);
	if ((v = read_rows(&s, SH_OFFICES, (const char *const[]){ "名称",
	    NULL })) != NULL)
		put(root, "offices", v);
	if ((v = read_rows(&s, SH_PEOPLE, (const char *const[]){ "姓名",
	    NULL })) != NULL)
		put(root, "people", v);
	if ((v = read_rows(&s, SH_ROLES, (const char *const[]){ "角色",
	    NULL })) != NULL)
		put(root, "plan_roles", v);
	memset(&secs, 0, sizeof secs);
	if ((secs.seq = read_rows(&s, SH_SECTIONS, (const char *const[]){
	    "部分键", "标题", NULL })) != NULL)
		secs.from_sheet = 1;
	else
		secs.seq = node(YN_SEQ, POS(SH_TASKS, 1), 2);
	put(root, "sections", secs.seq);
	read_tasks(&s, root, &secs);
	read_milestones(&s, root);

	if (!s.failed)
		out = plan_from_tree(file, root, d);
	ytree_free(root);
	xlsx_free(book);
	fix_diags(d, before);
	if (d->n != before) {
		json_decref(out);
		return (NULL);
	}
	return (out);
}
