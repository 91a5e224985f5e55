/*
 * The malformed 任务分解表 corpus (sheetplan-corpus.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <xlsxwriter.h>

#include "sheetplan-corpus.h"
#include "support.h"
#include "xlsx.h"
#include "xmalloc.h"
#include "zipw.h"

static struct corpus_sheet *
sheet(struct corpus_book *b, const char *name)
{
	size_t	 i;

	for (i = 0; i < b->nsheets; i++)
		if (strcmp(b->sheets[i].name, name) == 0)
			return (&b->sheets[i]);
	cr_assert(b->nsheets < CORPUS_SHEETS);
	memset(&b->sheets[b->nsheets], 0, sizeof b->sheets[0]);
	b->sheets[b->nsheets].name = name;
	return (&b->sheets[b->nsheets++]);
}

/* Sets (or with NULL, removes) a cell. */
static void
set(struct corpus_book *b, const char *name, const char *ref, const char *v)
{
	struct corpus_sheet	*s = sheet(b, name);
	size_t			 i;

	for (i = 0; i < s->ncells; i++)
		if (strcmp(s->cells[i].ref, ref) == 0)
			break;
	if (v == NULL) {
		if (i < s->ncells)
			s->cells[i] = s->cells[--s->ncells];
		return;
	}
	if (i == s->ncells) {
		cr_assert(s->ncells < CORPUS_CELLS);
		snprintf(s->cells[i].ref, sizeof s->cells[i].ref, "%s", ref);
		s->ncells++;
	}
	s->cells[i].value = v;
}

static void
merge(struct corpus_book *b, const char *name, const char *range)
{
	struct corpus_sheet *s = sheet(b, name);

	cr_assert(s->nmerges < CORPUS_MERGES);
	s->merges[s->nmerges++] = range;
}

static void
unmerge(struct corpus_book *b, const char *name, const char *range)
{
	struct corpus_sheet	*s = sheet(b, name);
	size_t			 i;

	for (i = 0; i < s->nmerges; i++)
		if (strcmp(s->merges[i], range) == 0) {
			s->merges[i] = s->merges[--s->nmerges];
			return;
		}
}

static void
drop(struct corpus_book *b, const char *name)
{
	size_t	 i;

	for (i = 0; i < b->nsheets; i++)
		if (strcmp(b->sheets[i].name, name) == 0) {
			memmove(&b->sheets[i], &b->sheets[i + 1],
			    (b->nsheets - i - 1) * sizeof b->sheets[0]);
			b->nsheets--;
			return;
		}
}

#define T	"任务分解表"
#define P	"计划"

void
corpus_base(struct corpus_book *b)
{
	static const char *const plan[][2] = {
		{ "A1", "项目" }, { "B1", "内容" },
		{ "A2", "计划键" }, { "B2", "t-2012" },
		{ "A3", "标题" }, { "B3", "测试计划" },
		{ "A4", "年度" }, { "B4", "#2012" },
		{ "A5", "发文单位" }, { "B5", "吉林市教育局" },
		{ "A6", "来源文件" }, { "B6", "x.txt" },
		{ "A7", "默认完成时限" }, { "B7", "全年" },
	};
	static const char *const tasks[][2] = {
		{ "A1", "序号" }, { "B1", "类别" }, { "C1", "任务" }, { "D1", "指标" },
		{ "E1", "目标值" }, { "F1", "单位" }, { "G1", "完成时限" },
		{ "H1", "牵头处室" }, { "I1", "责任处室" }, { "J1", "任务键" },
		{ "A2", "1" }, { "B2", "具体实事" }, { "C2", "资助困难学生" },
		{ "D2", "受助学生" }, { "E2", "#8000" }, { "F2", "名" },
		{ "G2", "全年" }, { "H2", "财务审计处" }, { "I2", "基础教育处" },
		{ "J2", "a1" },
		{ "D3", "资助资金" }, { "E3", "#1200" }, { "F3", "万元" },
		{ "A4", "2" }, { "B4", "具体实事" }, { "C4", "校舍维修" },
		{ "G4", "2012年9月" }, { "H4", "教育基建办公室" }, { "J4", "a2" },
	};
	static const char *const merges[] = { "A2:A3", "B2:B3", "C2:C3",
	    "G2:G3", "H2:H3", "I2:I3", "J2:J3" };
	size_t	 i;

	memset(b, 0, sizeof *b);
	sheet(b, T);
	for (i = 0; i < sizeof tasks / sizeof tasks[0]; i++)
		set(b, T, tasks[i][0], tasks[i][1]);
	for (i = 0; i < sizeof merges / sizeof merges[0]; i++)
		merge(b, T, merges[i]);
	for (i = 0; i < sizeof plan / sizeof plan[0]; i++)
		set(b, P, plan[i][0], plan[i][1]);
}

/* ---------------------------------------------------------------- */
/* Building */

static const char NS[] = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";

static char *
raw(int kind, size_t *len)
{
	char	*wb, *rels, *sheet1, *out;

	if (kind == 3) {
		*len = 11;
		return (xstrdup("hello world"));
	}
	wb = xprintf("<workbook %s><sheets><sheet name=\"任务分解表\" sheetId=\"1\" "
	    "r:id=\"rId1\"/></sheets></workbook>", NS);
	rels = xstrdup("<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	    "Target=\"worksheets/sheet1.xml\"/></Relationships>");
	if (kind == 2)
		sheet1 = xprintf("<worksheet %s><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
		    "<is><t>序号</t></is></c></row><row></sheetData>", NS);
	else
		sheet1 = xprintf("<worksheet %s><sheetData>", NS);
	{
		struct zipw_entry e[] = {
			{ .name = "[Content_Types].xml", .data = "<Types/>" },
			{ .name = "xl/workbook.xml", .data = wb },
			{ .name = "xl/_rels/workbook.xml.rels", .data = rels },
			{ .name = "xl/worksheets/sheet1.xml", .data = sheet1 },
			/* A bomb: 64 MiB of spaces after the start. */
			{ .name = "xl/worksheets/sheet1.xml", .data = sheet1,
			    .zeros = (size_t)1 << 26, .fill = ' ' },
		};

		if (kind == 1) {
			e[3] = e[4];
		}
		out = zipw(e, 4, len);
	}
	free(wb);
	free(rels);
	free(sheet1);
	return (out);
}

char *
corpus_build(const struct corpus_book *b, size_t *len)
{
	char			*path, *buf;
	lxw_workbook		*wb;
	lxw_worksheet		*ws;
	size_t			 i, k;
	unsigned		 row, col, r2, c2;
	int			 fd;

	if (b->raw)
		return (raw(b->raw, len));
	path = xprintf("%s/corpus-XXXXXX.xlsx", t_tmpdir());
	fd = mkstemps(path, 5);
	cr_assert(fd != -1);
	close(fd);
	wb = workbook_new(path);
	for (i = 0; i < b->nsheets; i++) {
		const struct corpus_sheet *s = &b->sheets[i];

		ws = workbook_add_worksheet(wb, s->name);
		for (k = 0; k < s->nmerges; k++) {
			char	 a[8], z[8];
			const char *colon = strchr(s->merges[k], ':');

			snprintf(a, sizeof a, "%.*s", (int)(colon - s->merges[k]),
			    s->merges[k]);
			snprintf(z, sizeof z, "%s", colon + 1);
			cr_assert(xlsx_parse_ref(a, &row, &col) == 0);
			cr_assert(xlsx_parse_ref(z, &r2, &c2) == 0);
			worksheet_merge_range(ws, row - 1, (lxw_col_t)(col - 1),
			    r2 - 1, (lxw_col_t)(c2 - 1), "", NULL);
		}
		for (k = 0; k < s->ncells; k++) {
			const char *v = s->cells[k].value;

			cr_assert(xlsx_parse_ref(s->cells[k].ref, &row, &col) == 0);
			row--;
			col--;
			if (v[0] == '#')
				worksheet_write_number(ws, row, (lxw_col_t)col,
				    strtod(v + 1, NULL), NULL);
			else if (v[0] == '=')
				worksheet_write_formula_num(ws, row, (lxw_col_t)col,
				    v, NULL, 8000);
			else if (v[0] == '!')
				worksheet_write_boolean(ws, row, (lxw_col_t)col,
				    strcmp(v + 1, "TRUE") == 0, NULL);
			else
				worksheet_write_string(ws, row, (lxw_col_t)col, v,
				    NULL);
		}
	}
	cr_assert(workbook_close(wb) == LXW_NO_ERROR);
	buf = t_read_file(path, len);
	unlink(path);
	free(path);
	return (buf);
}

/* ---------------------------------------------------------------- */
/* The cases */

#define CASE(name)	static void name(struct corpus_book *b)

CASE(header_misspelled) { set(b, T, "C1", "任务名称"); }
CASE(header_missing) { set(b, T, "A1", NULL); set(b, T, "A2", NULL); set(b, T, "A4", NULL); }
CASE(header_duplicate) { set(b, T, "K1", "单位"); }
CASE(header_unknown) { set(b, T, "K1", "备注"); }
CASE(cell_beyond_table) { set(b, T, "L2", "多余的话"); }
CASE(cell_under_no_header) { set(b, T, "K1", NULL); set(b, T, "K4", "x"); }
CASE(text_in_number) { set(b, T, "E2", "8000"); }
CASE(unit_in_number) { set(b, T, "E3", "1200万元"); }
CASE(formula_in_number) { set(b, T, "E2", "=4000*2"); }
CASE(formula_in_text) { set(b, T, "C4", "=C2"); }
CASE(bool_in_number) { set(b, T, "E2", "!TRUE"); }
CASE(huge_number) { set(b, T, "E2", "#1e20"); }
CASE(empty_task_sheet) { drop(b, T); sheet(b, T); }
CASE(header_only)
{
	static const char *const keep[] = { "A1", "B1", "C1", "D1", "E1", "F1",
	    "G1", "H1", "I1", "J1", NULL };
	struct corpus_sheet	*s = sheet(b, T);
	size_t			 i, k;

	for (i = 0; i < s->ncells; ) {
		for (k = 0; keep[k] != NULL && strcmp(keep[k], s->cells[i].ref); k++)
			;
		if (keep[k] == NULL)
			s->cells[i] = s->cells[--s->ncells];
		else
			i++;
	}
	s->nmerges = 0;
}
CASE(missing_task_sheet) { drop(b, T); }
CASE(missing_plan_sheet) { drop(b, P); }
CASE(stray_sheet) { set(b, "Sheet2", "A1", "备注"); }
CASE(duplicate_key) { set(b, T, "J4", "a1"); }
CASE(duplicate_number) { set(b, T, "A4", "1"); }
CASE(bad_key) { set(b, T, "J4", "a 2"); }
CASE(bad_deadline) { set(b, T, "G4", "2012年13月"); }
CASE(deadline_before_year) { set(b, T, "G4", "2011年9月"); }
CASE(deadline_number) { set(b, T, "G4", "#12"); }
CASE(deadline_bool) { set(b, T, "G4", "!FALSE"); }
CASE(merge_across_tasks)
{
	/* Task 2 has two rows: H2:H4 cuts through it. */
	set(b, T, "D4", "维修学校"); set(b, T, "E4", "#10"); set(b, T, "F4", "所");
	set(b, T, "D5", "投入"); set(b, T, "E5", "#100"); set(b, T, "F5", "万元");
	unmerge(b, T, "H2:H3"); merge(b, T, "H2:H4");
}
CASE(merge_mid_task)
{
	set(b, T, "D4", "维修面积"); set(b, T, "E4", "#3"); set(b, T, "F4", "万平方米");
	set(b, T, "D5", "维修学校"); set(b, T, "E5", "#10"); set(b, T, "F5", "所");
	set(b, T, "D6", "投入"); set(b, T, "E6", "#100"); set(b, T, "F6", "万元");
	merge(b, T, "H5:H6");
}
CASE(merge_across_columns) { merge(b, T, "D4:E4"); }
CASE(merge_across_header) { merge(b, T, "K1:K2"); }
CASE(task_cell_on_target_row) { unmerge(b, T, "I2:I3"); set(b, T, "I3", "人事处"); }
CASE(first_row_no_task)
{
	unmerge(b, T, "A2:A3"); unmerge(b, T, "C2:C3");
	set(b, T, "A2", NULL); set(b, T, "C2", NULL);
}
CASE(title_missing) { set(b, T, "C4", NULL); }
CASE(unknown_office_kind)
{
	set(b, "处室", "A1", "名称"); set(b, "处室", "B1", "类别");
	set(b, "处室", "A2", "市财政局"); set(b, "处室", "B2", "衙门");
}
CASE(unknown_target_kind) { set(b, T, "K1", "指标类型"); set(b, T, "K2", "个数"); }
CASE(unknown_qualifier) { set(b, T, "K1", "指标限定"); set(b, T, "K3", "大约"); }
CASE(report_frequency) { set(b, T, "K1", "汇报频次"); set(b, T, "K4", "每月"); }
CASE(plan_item_unknown) { set(b, P, "A8", "计划名称"); set(b, P, "B8", "x"); }
CASE(plan_item_duplicate) { set(b, P, "A8", "标题"); set(b, P, "B8", "又一个标题"); }
CASE(plan_year_text) { set(b, P, "B4", "2012"); }
CASE(plan_year_range) { set(b, P, "B4", "#1999"); }
CASE(plan_key_missing) { set(b, P, "A2", NULL); set(b, P, "B2", NULL); }
CASE(plan_key_reserved) { set(b, P, "B2", "jiaoban-1-2012"); }
CASE(plan_date_bad) { set(b, P, "A8", "印发日期"); set(b, P, "B8", "2012-02-30"); }
CASE(parent_unknown) { set(b, T, "K1", "上级任务键"); set(b, T, "K4", "zz"); }
CASE(milestone_unknown_task)
{
	set(b, "节点", "A1", "任务键"); set(b, "节点", "B1", "节点");
	set(b, "节点", "C1", "完成时限");
	set(b, "节点", "A2", "zz"); set(b, "节点", "B2", "开工");
	set(b, "节点", "C2", "2012年3月");
}
CASE(milestone_bad_due)
{
	set(b, "节点", "A1", "任务键"); set(b, "节点", "B1", "节点");
	set(b, "节点", "C1", "完成时限");
	set(b, "节点", "A2", "a1"); set(b, "节点", "B2", "开工");
	set(b, "节点", "C2", "2012年2月30日");
}
CASE(more_persons_than_offices) { set(b, T, "K1", "责任人"); set(b, T, "K2", "甲、乙"); }
CASE(section_not_in_sheet)
{
	set(b, "部分", "A1", "部分键"); set(b, "部分", "B1", "标题");
	set(b, "部分", "A2", "s1"); set(b, "部分", "B2", "其他");
}
CASE(zip_bomb) { b->raw = 1; }
CASE(bad_xml) { b->raw = 2; }
CASE(not_a_zip) { b->raw = 3; }

const struct corpus_case corpus_cases[] = {
	{ "header_misspelled", header_misspelled, "任务分解表!C1", "是否应为“任务”" },
	{ "header_missing", header_missing, "任务分解表!K1", "缺少“序号”列" },
	{ "header_duplicate", header_duplicate, "任务分解表!K1", "重复（F1 已有）" },
	{ "header_unknown", header_unknown, "任务分解表!K1", "不是任务分解表的列" },
	{ "cell_beyond_table", cell_beyond_table, "任务分解表!L2", "在表格之外" },
	{ "cell_under_no_header", cell_under_no_header, "任务分解表!K4", "在表格之外" },
	{ "text_in_number", text_in_number, "任务分解表!E2", "应为数字单元格" },
	{ "unit_in_number", unit_in_number, "任务分解表!E3", "1200万元" },
	{ "formula_in_number", formula_in_number, "任务分解表!E2", "是公式" },
	{ "formula_in_text", formula_in_text, "任务分解表!C4", "是公式" },
	{ "bool_in_number", bool_in_number, "任务分解表!E2", "逻辑值" },
	{ "huge_number", huge_number, "任务分解表!E2", "超出可用范围" },
	{ "empty_task_sheet", empty_task_sheet, "任务分解表!A1", "是空的" },
	{ "header_only", header_only, "任务分解表!A2", "没有任何任务" },
	{ "missing_task_sheet", missing_task_sheet, "b.xlsx: ", "缺少工作表“任务分解表”" },
	{ "missing_plan_sheet", missing_plan_sheet, "b.xlsx: ", "缺少工作表“计划”" },
	{ "stray_sheet", stray_sheet, "b.xlsx: ", "工作表“Sheet2”不是任务分解表的一部分" },
	{ "duplicate_key", duplicate_key, "任务分解表!J4", "任务键“a1”重复（第 2 行已使用）" },
	{ "duplicate_number", duplicate_number, "任务分解表!A4", "序号“1”" },
	{ "bad_key", bad_key, "任务分解表!J4", "a 2" },
	{ "bad_deadline", bad_deadline, "任务分解表!G4", "任务“a2”" },
	{ "deadline_before_year", deadline_before_year, "任务分解表!G4", "2011" },
	{ "deadline_number", deadline_number, "任务分解表!G4", "不是 2000 到 2100 年间的日期" },
	{ "deadline_bool", deadline_bool, "任务分解表!G4", "逻辑值" },
	{ "merge_across_tasks", merge_across_tasks, "任务分解表!H2", "H2:H4 与任务的行不对齐" },
	{ "merge_mid_task", merge_mid_task, "任务分解表!H5", "从任务的中间开始" },
	{ "merge_across_columns", merge_across_columns, "任务分解表!D4", "跨越多列" },
	{ "merge_across_header", merge_across_header, "任务分解表!K1", "跨过了表头行" },
	{ "task_cell_on_target_row", task_cell_on_target_row, "任务分解表!I3", "只能写在任务的第一行" },
	{ "first_row_no_task", first_row_no_task, "任务分解表!A2", "没有序号和任务" },
	{ "title_missing", title_missing, "任务分解表!A4", "title" },
	{ "unknown_office_kind", unknown_office_kind, "处室!B2", "衙门" },
	{ "unknown_target_kind", unknown_target_kind, "任务分解表!K2", "数量、金额、比例、标准" },
	{ "unknown_qualifier", unknown_qualifier, "任务分解表!K3", "大约" },
	{ "report_frequency", report_frequency, "任务分解表!K4", "汇报频次" },
	{ "plan_item_unknown", plan_item_unknown, "计划!A8", "不是计划的项目" },
	{ "plan_item_duplicate", plan_item_duplicate, "计划!A8", "重复（A3 已有）" },
	{ "plan_year_text", plan_year_text, "计划!B4", "应为数字单元格" },
	{ "plan_year_range", plan_year_range, "计划!B4", "2000 到 2100" },
	{ "plan_key_missing", plan_key_missing, "计划!A1", "key" },
	{ "plan_key_reserved", plan_key_reserved, "计划!B2", "jiaoban-" },
	{ "plan_date_bad", plan_date_bad, "计划!B8", "issued_on" },
	{ "parent_unknown", parent_unknown, "任务分解表!K4", "上级任务键“zz”" },
	{ "milestone_unknown_task", milestone_unknown_task, "节点!A2", "任务键“zz”" },
	{ "milestone_bad_due", milestone_bad_due, "节点!C2", "2012年2月30日" },
	{ "more_persons_than_offices", more_persons_than_offices, "任务分解表!K2", "多于责任处室" },
	{ "section_not_in_sheet", section_not_in_sheet, "任务分解表!B2", "不是“部分”工作表中任何部分的标题" },
	{ "zip_bomb", zip_bomb, "b.xlsx: ", "不能作为任务分解表读取" },
	{ "bad_xml", bad_xml, "b.xlsx: ", "不能作为任务分解表读取" },
	{ "not_a_zip", not_a_zip, "b.xlsx: ", "不能作为任务分解表读取" },
};
const size_t corpus_ncases = sizeof corpus_cases / sizeof corpus_cases[0];
