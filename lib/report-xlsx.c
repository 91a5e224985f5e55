/*
 * The quarterly report as an XLSX workbook (libxlsxwriter), for the
 * bureau's staff to open in Excel or WPS: one sheet per view, with real
 * formulas where a figure follows from others (the summary's counts, the
 * completion of a target, an office's on-time rate) and number formats
 * that show them as the other formats do.
 *
 * Every formula is written with its result, computed here from the JSON
 * the same way the formula computes it, so that a viewer that does not
 * recalculate (a phone, a preview) still shows the right numbers.
 *
 * Every table has its title in row 1, its header in row 2 and its rows
 * from row 3.  The summary's formulas use ranges from the header row to
 * the last row, which are never upside down, even for an empty table:
 * COUNTA(...)-1 discounts the header, and no header matches a COUNTIF.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "log.h"
#include "report.h"
#include "utf8.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		json_integer_value(json_object_get((o), (k)))

/* The sheets, as the formulas name them. */
#define SH_SUMMARY	"总体"
#define SH_TASKS	"任务"
#define SH_TARGETS	"指标"
#define SH_OFFICES	"处室"
#define SH_SUPERVISE	"督办事项"
#define SH_BURNUP	"节点进度"

#define HEAD_ROW	1	/* the header of every table (row 2) */
#define FIRST_ROW	2	/* its first row (row 3) */

/* Excel holds 32,767 characters in a cell; longer text is cut. */
#define CELL_CHARS	32000

#define FONT		"宋体"
#define NO_LEAD		"未明确牵头处室"
#define LEVEL_TOP	"事项"
#define LEVEL_SUB	"子项"
#define METHOD_ACC	"累计进度"
#define METHOD_STD	"对照标准"
#define BEHIND		"滞后"

struct column {
	const char	*head;
	double		 width;
};

/* 任务: one row per task, a subtask after its parent. */
enum {
	T_LABEL, T_TITLE, T_GOAL, T_LEAD, T_UNITS, T_LEADERS, T_DEADLINE,
	T_STATUS, T_MS_TOTAL, T_MS_DUE, T_MS_DONE, T_MS_ON_TIME, T_MS_OVERDUE,
	T_MS_QUARTER, T_NOTE, T_OUTCOME, T_UPDATED, T_LEVEL, T_NCOLS
};
static const struct column task_cols[T_NCOLS] = {
	{ "序号", 6 }, { "民生事项名称", 24 }, { "年度任务目标", 48 },
	{ "牵头处室", 14 }, { "责任单位", 22 }, { "分管领导", 12 },
	{ "完成时限", 11.5 }, { "状态", 10 }, { "节点总数", 7 },
	{ "应完成节点", 7 }, { "已完成节点", 7 }, { "按时完成节点", 7 },
	{ "逾期节点", 7 }, { "本季度到期节点", 8 }, { "截至本期完成情况", 36 },
	{ "取得成效", 28 }, { "最近更新", 11.5 }, { "层级", 6 },
};

/* 指标: one row per target. */
enum {
	G_LABEL, G_TITLE, G_LEAD, G_NAME, G_REQUIRED, G_UNIT, G_BASELINE,
	G_VALUE, G_CURRENT, G_METHOD, G_COMPLETION, G_ELAPSED, G_BEHIND,
	G_DEADLINE, G_NCOLS
};
static const struct column target_cols[G_NCOLS] = {
	{ "序号", 6 }, { "民生事项名称", 22 }, { "牵头处室", 14 }, { "指标", 30 },
	{ "要求表述", 16 }, { "单位", 9 }, { "基数", 9 }, { "要求", 9 },
	{ "截至本期", 9 }, { "计算方式", 10 }, { "完成比例", 9 },
	{ "时间进度", 9 }, { "是否滞后", 8 }, { "完成时限", 11.5 },
};

/* 处室: one row per lead office, ranked. */
enum {
	O_RANK, O_NAME, O_TASKS, O_DONE, O_OVERDUE_TASKS, O_BEHIND_TASKS,
	O_DUE, O_ON_TIME, O_RATE, O_OVERDUE, O_AVG, O_NCOLS
};
static const struct column office_cols[O_NCOLS] = {
	{ "排名", 6 }, { "处室", 20 }, { "牵头任务", 8 }, { "已完成", 8 },
	{ "逾期任务", 8 }, { "滞后任务", 8 }, { "应完成节点", 8 },
	{ "按时完成节点", 8 }, { "按时完成率", 10 }, { "逾期节点", 8 },
	{ "指标平均完成率", 10 },
};

/* 督办事项: tasks not done that are overdue, behind or led by no one. */
enum { V_LABEL, V_TITLE, V_LEAD, V_STATUS, V_REASONS, V_NCOLS };
static const struct column supervise_cols[V_NCOLS] = {
	{ "序号", 6 }, { "民生事项名称", 30 }, { "牵头处室", 16 }, { "状态", 12 },
	{ "督办事由", 72 },
};

/* 节点进度: the burn-up of milestones through the year. */
enum { B_DATE, B_PLANNED, B_DONE, B_NCOLS };
static const struct column burnup_cols[B_NCOLS] = {
	{ "日期", 12 }, { "计划应完成", 11 }, { "实际完成", 11 },
};

/* Formulas spell a column as one letter. */
_Static_assert(T_NCOLS <= 26 && G_NCOLS <= 26 && O_NCOLS <= 26 &&
    V_NCOLS <= 26 && B_NCOLS <= 26, "a column past Z");
#define COL(c)		((char)('A' + (c)))

struct sheet {
	lxw_worksheet	*ws;
	const char	*name;
};

/* What the summary's formulas compute, for their results. */
struct totals {
	lxw_row_t	 task_last;	/* last row of each table, or HEAD_ROW */
	lxw_row_t	 target_last;
	lxw_row_t	 supervise_last;
	long		 tasks, done, on_track, behind, overdue, unassigned;
	long		 ms_total, ms_due, ms_done, ms_on_time, ms_overdue, ms_quarter;
	long		 targets, measured, targets_behind;
	double		 completion_sum;
	long		 supervise;
};

struct xl {
	lxw_workbook	*wb;
	lxw_error	 error;		/* the first one */
	char		 where[160];	/* and where it happened */
	char		*page_header;

	struct sheet	 summary, tasks, targets, offices, supervise, burnup;

	lxw_format	*org, *title, *info, *table_title, *head, *section;
	lxw_format	*item, *text, *indent, *center, *count, *number;
	lxw_format	*percent, *date, *behind, *empty;
	lxw_format	*st_done, *st_behind, *st_overdue, *st_unassigned;
};

/* ------------------------------------------------------------------ */

/* What went wrong, in words for the bureau's staff. */
static const char *
reason(lxw_error e)
{
	switch (e) {
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return ("内存不足");
	case LXW_ERROR_CREATING_XLSX_FILE:
		return ("无法创建文件");
	case LXW_ERROR_CREATING_TMPFILE:
		return ("无法创建临时文件");
	case LXW_ERROR_READING_TMPFILE:
		return ("无法读取临时文件");
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_PARAMETER_ERROR:
	case LXW_ERROR_ZIP_BAD_ZIP_FILE:
	case LXW_ERROR_ZIP_INTERNAL_ERROR:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return ("写入压缩文件失败");
	case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
		return ("文字超过单元格上限（32767 个字符）");
	case LXW_ERROR_32_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_128_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_255_STRING_LENGTH_EXCEEDED:
		return ("文字过长");
	case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
		return ("超出工作表的行列上限");
	case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
	case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
	case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
	case LXW_ERROR_SHEETNAME_ALREADY_USED:
		return ("工作表名称无效");
	default:
		return (lxw_strerror(e));
	}
}

/* Keeps the first error, with where it happened (what: a step, or NULL
 * for the cell at row, col). */
static void
check(struct xl *x, lxw_error e, const struct sheet *sh, const char *what,
    lxw_row_t row, lxw_col_t col)
{
	char	 cell[32];

	if (e == LXW_NO_ERROR || x->error != LXW_NO_ERROR)
		return;
	x->error = e;
	if (sh == NULL)
		snprintf(x->where, sizeof x->where, "%s", what);
	else if (what != NULL)
		snprintf(x->where, sizeof x->where, "工作表「%s」%s", sh->name, what);
	else {
		lxw_rowcol_to_cell(cell, row, col);
		snprintf(x->where, sizeof x->where, "工作表「%s」单元格 %s", sh->name,
		    cell);
	}
}

/*
 * A copy of s cut to CELL_CHARS characters and "…", if it is longer.
 * Excel counts UTF-16 units: a character past U+FFFF counts twice.
 */
static char *
cell_cut(const char *s)
{
	const char	*p;
	size_t		 n = 0;

	if (strlen(s) <= CELL_CHARS)
		return (NULL);
	for (p = s; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		n += (*p & 0xf8) == 0xf0 ? 2 : 1;
		if (n > CELL_CHARS)
			return (xprintf("%.*s…", (int)(p - s), s));
	}
	return (NULL);
}

static void
put_str(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    const char *s, lxw_format *f)
{
	char	*cut;

	if (x->error != LXW_NO_ERROR)
		return;
	if (s == NULL)
		s = "";
	if ((cut = cell_cut(s)) != NULL)
		s = cut;
	/* An empty string with a format is a blank cell with its borders. */
	check(x, worksheet_write_string(sh->ws, row, col, s, f), sh, NULL, row, col);
	free(cut);
}

static void
put_blank(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    lxw_format *f)
{
	if (x->error != LXW_NO_ERROR)
		return;
	check(x, worksheet_write_blank(sh->ws, row, col, f), sh, NULL, row, col);
}

static void
put_num(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    double v, lxw_format *f)
{
	if (x->error != LXW_NO_ERROR)
		return;
	check(x, worksheet_write_number(sh->ws, row, col, v, f), sh, NULL, row, col);
}

/* A JSON number, or a blank cell for null. */
static void
put_json(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    const json_t *v, lxw_format *f)
{
	if (json_is_number(v))
		put_num(x, sh, row, col, json_number_value(v), f);
	else
		put_blank(x, sh, row, col, f);
}

/* "2012-12-31" as a real date; a blank for NULL; anything else as text. */
static void
put_date(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    const char *iso)
{
	lxw_datetime	 d;
	int		 n = 0;

	if (x->error != LXW_NO_ERROR)
		return;
	if (iso == NULL) {
		put_blank(x, sh, row, col, x->date);
		return;
	}
	memset(&d, 0, sizeof d);
	if (sscanf(iso, "%4d-%2d-%2d%n", &d.year, &d.month, &d.day, &n) != 3 ||
	    iso[n] != '\0' || d.year < 1900 || d.year > 9999 || d.month < 1 ||
	    d.month > 12 || d.day < 1 || d.day > 31) {
		put_str(x, sh, row, col, iso, x->center);
		return;
	}
	check(x, worksheet_write_datetime(sh->ws, row, col, &d, x->date), sh, NULL,
	    row, col);
}

/* A formula with a numeric result. */
static void
put_fnum(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    const char *formula, lxw_format *f, double v)
{
	if (x->error != LXW_NO_ERROR)
		return;
	check(x, worksheet_write_formula_num(sh->ws, row, col, formula, f, v), sh,
	    NULL, row, col);
}

/* A formula with a text result ("" for a blank one). */
static void
put_fstr(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    const char *formula, lxw_format *f, const char *v)
{
	if (x->error != LXW_NO_ERROR)
		return;
	check(x, worksheet_write_formula_str(sh->ws, row, col, formula, f, v), sh,
	    NULL, row, col);
}

/* One line across columns first..last. */
static void
put_merged(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t first,
    lxw_col_t last, const char *s, lxw_format *f)
{
	if (x->error != LXW_NO_ERROR)
		return;
	if (first == last) {
		put_str(x, sh, row, first, s, f);
		return;
	}
	check(x, worksheet_merge_range(sh->ws, row, first, row, last, s ? s : "", f),
	    sh, NULL, row, first);
}

/* A line of wrapped text across columns of total width: tall enough. */
static void
put_line(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t last,
    double width, const char *s, lxw_format *f, double line_height)
{
	size_t	 per = width > 4 ? (size_t)width - 2 : 2, lines;

	if (s == NULL)
		s = "";
	lines = utf8_width(s) / per + 1;
	if (lines > 10)
		lines = 10;
	put_merged(x, sh, row, 0, last, s, f);
	if (x->error == LXW_NO_ERROR)
		check(x, worksheet_set_row(sh->ws, row, line_height * (double)lines,
		    NULL), sh, "（行高）", 0, 0);
}

/* "'任务'!$H$2:$H$14": column col of a table, from its header to last. */
static void
range(char *buf, size_t len, const char *sheet, lxw_col_t col, lxw_row_t last)
{
	snprintf(buf, len, "'%s'!$%c$%u:$%c$%u", sheet, COL(col),
	    (unsigned)HEAD_ROW + 1, COL(col), (unsigned)last + 1);
}

/* ------------------------------------------------------------------ */

enum {
	FF_BORDER = 0x01,
	FF_WRAP = 0x02,
	FF_BOLD = 0x04,
	FF_CENTER = 0x08,
	FF_FILL = 0x10,
	FF_TOP = 0x20,
};

static lxw_format *
new_format(struct xl *x, int flags, double size, const char *num, lxw_color_t color)
{
	lxw_format	*f;

	if (x->error != LXW_NO_ERROR)
		return (NULL);
	if ((f = workbook_add_format(x->wb)) == NULL) {
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, NULL, "单元格格式", 0, 0);
		return (NULL);
	}
	format_set_font_name(f, FONT);
	format_set_font_size(f, size);
	if (flags & FF_BORDER) {
		format_set_border(f, LXW_BORDER_THIN);
		format_set_border_color(f, 0x808080);
	}
	if (flags & FF_WRAP)
		format_set_text_wrap(f);
	if (flags & FF_BOLD)
		format_set_bold(f);
	if (flags & FF_CENTER)
		format_set_align(f, LXW_ALIGN_CENTER);
	if (flags & FF_FILL)
		format_set_bg_color(f, 0xDDEBF7);
	format_set_align(f, (flags & FF_TOP) ? LXW_ALIGN_VERTICAL_TOP :
	    LXW_ALIGN_VERTICAL_CENTER);
	if (num != NULL)
		format_set_num_format(f, num);
	if (color != 0)
		format_set_font_color(f, color);
	return (f);
}

static void
formats(struct xl *x)
{
	const int	 cell = FF_BORDER | FF_TOP;

	x->org = new_format(x, FF_BOLD, 12, NULL, 0);
	x->title = new_format(x, FF_BOLD, 16, NULL, 0);
	x->info = new_format(x, FF_WRAP | FF_TOP, 10.5, NULL, 0);
	x->table_title = new_format(x, FF_BOLD, 14, NULL, 0);
	x->head = new_format(x, FF_BORDER | FF_WRAP | FF_BOLD | FF_CENTER | FF_FILL,
	    10.5, NULL, 0);
	x->section = new_format(x, FF_BORDER | FF_BOLD | FF_FILL, 10.5, NULL, 0);
	x->item = new_format(x, cell, 10.5, NULL, 0);
	x->text = new_format(x, cell | FF_WRAP, 10.5, NULL, 0);
	x->indent = new_format(x, cell | FF_WRAP, 10.5, NULL, 0);
	if (x->indent != NULL)
		format_set_indent(x->indent, 1);
	x->center = new_format(x, cell | FF_WRAP | FF_CENTER, 10.5, NULL, 0);
	x->count = new_format(x, cell | FF_CENTER, 10.5, "0", 0);
	x->number = new_format(x, cell, 10.5, "General", 0);
	x->percent = new_format(x, cell | FF_CENTER, 10.5, "0.0%", 0);
	x->date = new_format(x, cell | FF_CENTER, 10.5, "yyyy-mm-dd", 0);
	x->behind = new_format(x, cell | FF_CENTER | FF_BOLD, 10.5, NULL, 0xC55A11);
	x->empty = new_format(x, FF_BORDER | FF_CENTER, 10.5, NULL, 0x595959);
	x->st_done = new_format(x, cell | FF_WRAP | FF_CENTER, 10.5, NULL, 0x00703C);
	x->st_behind = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL,
	    0xC55A11);
	x->st_overdue = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL,
	    0xC00000);
	x->st_unassigned = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5,
	    NULL, 0x7030A0);
}

static lxw_format *
status_format(struct xl *x, const char *status)
{
	if (status == NULL)
		return (x->center);
	if (strcmp(status, "done") == 0)
		return (x->st_done);
	if (strcmp(status, "behind") == 0)
		return (x->st_behind);
	if (strcmp(status, "overdue") == 0)
		return (x->st_overdue);
	if (strcmp(status, "unassigned") == 0)
		return (x->st_unassigned);
	return (x->center);
}

static void
add_sheet(struct xl *x, struct sheet *sh, const char *name)
{
	sh->name = name;
	sh->ws = NULL;
	if (x->error != LXW_NO_ERROR)
		return;
	if ((sh->ws = workbook_add_worksheet(x->wb, name)) == NULL)
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, sh, "（新建工作表）", 0, 0);
}

/* A4, fit to one page wide, page numbers in the footer. */
static void
print_setup(struct xl *x, const struct sheet *sh, int landscape, int repeat)
{
	if (x->error != LXW_NO_ERROR)
		return;
	worksheet_set_paper(sh->ws, 9);
	if (landscape)
		worksheet_set_landscape(sh->ws);
	else
		worksheet_set_portrait(sh->ws);
	worksheet_fit_to_pages(sh->ws, 1, 0);
	worksheet_set_margins(sh->ws, 0.4, 0.4, 0.7, 0.7);
	worksheet_center_horizontally(sh->ws);
	if (repeat)
		check(x, worksheet_repeat_rows(sh->ws, HEAD_ROW, HEAD_ROW), sh,
		    "（打印标题行）", 0, 0);
	if (x->error == LXW_NO_ERROR)
		check(x, worksheet_set_header(sh->ws, x->page_header), sh,
		    "（页眉）", 0, 0);
	if (x->error == LXW_NO_ERROR)
		check(x, worksheet_set_footer(sh->ws, "&C第 &P 页 共 &N 页"), sh,
		    "（页脚）", 0, 0);
}

/*
 * A table's frame: column widths, its title, its header, panes frozen
 * under the header, an autofilter over its rows if filter (last is the
 * last row, HEAD_ROW when it has none) and the print setup.
 */
static void
table(struct xl *x, const struct sheet *sh, const char *title,
    const struct column *cols, lxw_col_t n, lxw_row_t last, lxw_col_t freeze,
    int filter)
{
	lxw_col_t	 c;

	for (c = 0; c < n && x->error == LXW_NO_ERROR; c++)
		check(x, worksheet_set_column(sh->ws, c, c, cols[c].width, NULL), sh,
		    "（列宽）", 0, 0);
	put_merged(x, sh, 0, 0, n - 1, title, x->table_title);
	if (x->error == LXW_NO_ERROR)
		check(x, worksheet_set_row(sh->ws, 0, 26, NULL), sh, "（行高）", 0, 0);
	for (c = 0; c < n; c++)
		put_str(x, sh, HEAD_ROW, c, cols[c].head, x->head);
	if (x->error == LXW_NO_ERROR)
		check(x, worksheet_set_row(sh->ws, HEAD_ROW, 42, NULL), sh,
		    "（行高）", 0, 0);
	if (x->error != LXW_NO_ERROR)
		return;
	worksheet_freeze_panes(sh->ws, FIRST_ROW, freeze);
	if (filter && last > HEAD_ROW)
		check(x, worksheet_autofilter(sh->ws, HEAD_ROW, 0, last, n - 1), sh,
		    "（筛选）", 0, 0);
	print_setup(x, sh, 1, 1);
}

/* ------------------------------------------------------------------ */

static const char *
lead_office(const json_t *t)
{
	return (S(t, "lead_office") ? S(t, "lead_office") : NO_LEAD);
}

/* 年度任务目标: the goal, then a line per target. */
static char *
goal_text(const json_t *t)
{
	const char	*goal = S(t, "goal");
	char		*buf = NULL, phrase[512];
	size_t		 len = 0, i;
	FILE		*f;
	json_t		*g;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	if (goal != NULL)
		fputs(goal, f);
	json_array_foreach(json_object_get(t, "targets"), i, g) {
		report_target_phrase(g, phrase, sizeof phrase);
		if (ftell(f) > 0)
			fputc('\n', f);
		fprintf(f, "%s：%s", S(g, "name") ? S(g, "name") : "", phrase);
	}
	fclose(f);
	return (buf);
}

static void
tasks_sheet(struct xl *x, const json_t *r, struct totals *tt)
{
	const struct sheet *sh = &x->tasks;
	const json_t	*tasks = json_object_get(r, "tasks"), *t, *m, *u;
	const char	*label, *status;
	char		*s, title[256];
	lxw_format	*name;
	lxw_row_t	 row;
	size_t		 i;
	int		 sub;

	tt->task_last = HEAD_ROW + (lxw_row_t)json_array_size(tasks);
	snprintf(title, sizeof title, "各项任务完成情况（数据截至 %s）",
	    S(r, "as_of") ? S(r, "as_of") : "");
	table(x, sh, title, task_cols, T_NCOLS, tt->task_last, T_TITLE + 1, 1);

	for (i = 0; i < json_array_size(tasks) && x->error == LXW_NO_ERROR; i++) {
		t = json_array_get(tasks, i);
		row = FIRST_ROW + (lxw_row_t)i;
		m = json_object_get(t, "milestones");
		u = json_object_get(t, "last_update");
		if (!json_is_object(u))
			u = NULL;
		sub = N(t, "depth") > 0;
		name = sub ? x->indent : x->text;
		status = S(t, "status");
		label = report_status_label(status);

		put_str(x, sh, row, T_LABEL, S(t, "label"), name);
		put_str(x, sh, row, T_TITLE, S(t, "title"), name);
		s = goal_text(t);
		put_str(x, sh, row, T_GOAL, s, x->text);
		free(s);
		put_str(x, sh, row, T_LEAD, lead_office(t), x->text);
		s = report_units(t);
		put_str(x, sh, row, T_UNITS, s, x->text);
		free(s);
		s = report_join(json_object_get(t, "leaders"), "、");
		put_str(x, sh, row, T_LEADERS, s, x->text);
		free(s);
		put_date(x, sh, row, T_DEADLINE, S(t, "deadline"));
		put_str(x, sh, row, T_STATUS, label, status_format(x, status));
		put_num(x, sh, row, T_MS_TOTAL, (double)N(m, "total"), x->count);
		put_num(x, sh, row, T_MS_DUE, (double)N(m, "due"), x->count);
		put_num(x, sh, row, T_MS_DONE, (double)N(m, "done"), x->count);
		put_num(x, sh, row, T_MS_ON_TIME, (double)N(m, "on_time"), x->count);
		put_num(x, sh, row, T_MS_OVERDUE, (double)N(m, "overdue"), x->count);
		put_num(x, sh, row, T_MS_QUARTER, (double)N(m, "due_this_quarter"),
		    x->count);
		put_str(x, sh, row, T_NOTE, u ? S(u, "note") : NULL, x->text);
		put_str(x, sh, row, T_OUTCOME, u ? S(u, "outcome") : NULL, x->text);
		put_date(x, sh, row, T_UPDATED, u ? S(u, "on") : NULL);
		put_str(x, sh, row, T_LEVEL, sub ? LEVEL_SUB : LEVEL_TOP, x->center);

		/* As the summary's COUNTIF and SUMIF see them. */
		tt->tasks++;
		if (strcmp(label, report_status_label("done")) == 0)
			tt->done++;
		else if (strcmp(label, report_status_label("on_track")) == 0)
			tt->on_track++;
		else if (strcmp(label, report_status_label("behind")) == 0)
			tt->behind++;
		else if (strcmp(label, report_status_label("overdue")) == 0)
			tt->overdue++;
		else if (strcmp(label, report_status_label("unassigned")) == 0)
			tt->unassigned++;
		if (!sub) {
			/* A parent's counts hold its subtasks'. */
			tt->ms_total += N(m, "total");
			tt->ms_due += N(m, "due");
			tt->ms_done += N(m, "done");
			tt->ms_on_time += N(m, "on_time");
			tt->ms_overdue += N(m, "overdue");
			tt->ms_quarter += N(m, "due_this_quarter");
		}
	}
}

/*
 * 完成比例 reproduces the JSON's percent (duban_percent()): for a target
 * that accumulates, the share of the way from the baseline (or 0) to the
 * required value, a blank 截至本期 counting as the baseline; for a
 * standard (a rate, or 不超过), 截至本期 over the required value.
 */
static void
targets_sheet(struct xl *x, const json_t *r, struct totals *tt)
{
	const struct sheet *sh = &x->targets;
	const json_t	*tasks = json_object_get(r, "tasks"), *t, *targets, *g;
	const json_t	*base, *value, *cur, *elapsed;
	char		 fm[512], req[160], title[256];
	lxw_row_t	 row = FIRST_ROW, n = 0;
	size_t		 i, j;
	double		 b, v, c, done;
	unsigned	 a1;
	int		 acc, late;

	for (i = 0; i < json_array_size(tasks); i++)
		n += (lxw_row_t)json_array_size(json_object_get(json_array_get(tasks, i),
		    "targets"));
	tt->target_last = HEAD_ROW + n;
	snprintf(title, sizeof title, "各项指标完成情况（数据截至 %s）",
	    S(r, "as_of") ? S(r, "as_of") : "");
	table(x, sh, title, target_cols, G_NCOLS, tt->target_last, G_TITLE + 1, 1);

	for (i = 0; i < json_array_size(tasks) && x->error == LXW_NO_ERROR; i++) {
		t = json_array_get(tasks, i);
		targets = json_object_get(t, "targets");
		for (j = 0; j < json_array_size(targets) && x->error == LXW_NO_ERROR;
		    j++, row++) {
			g = json_array_get(targets, j);
			a1 = (unsigned)row + 1;
			base = json_object_get(g, "baseline");
			value = json_object_get(g, "value");
			cur = json_object_get(g, "current");
			elapsed = json_object_get(g, "elapsed");
			acc = json_is_number(json_object_get(g, "completion"));
			report_required(g, req, sizeof req);

			put_str(x, sh, row, G_LABEL, S(t, "label"), x->text);
			put_str(x, sh, row, G_TITLE, S(t, "title"), x->text);
			put_str(x, sh, row, G_LEAD, lead_office(t), x->text);
			put_str(x, sh, row, G_NAME, S(g, "name"), x->text);
			put_str(x, sh, row, G_REQUIRED, req, x->text);
			put_str(x, sh, row, G_UNIT, S(g, "unit"), x->center);
			put_json(x, sh, row, G_BASELINE, base, x->number);
			put_json(x, sh, row, G_VALUE, value, x->number);
			put_json(x, sh, row, G_CURRENT, cur, x->number);
			put_str(x, sh, row, G_METHOD, acc ? METHOD_ACC : METHOD_STD,
			    x->center);
			put_json(x, sh, row, G_ELAPSED, elapsed, x->percent);
			put_date(x, sh, row, G_DEADLINE, S(g, "deadline"));
			tt->targets++;

			if (acc) {
				b = json_is_number(base) ? json_number_value(base) : 0;
				v = json_number_value(value);
				c = json_is_number(cur) ? json_number_value(cur) : b;
				done = v - b > 0 ? fmin(1, fmax(0, (c - b) / (v - b))) :
				    json_number_value(json_object_get(g, "completion"));
				snprintf(fm, sizeof fm, "=MIN(1,MAX(0,(IF(%c%u=\"\",N(%c%u),"
				    "%c%u)-N(%c%u))/(%c%u-N(%c%u))))",
				    COL(G_CURRENT), a1, COL(G_BASELINE), a1, COL(G_CURRENT),
				    a1, COL(G_BASELINE), a1, COL(G_VALUE), a1,
				    COL(G_BASELINE), a1);
				put_fnum(x, sh, row, G_COMPLETION, fm, x->percent, done);

				late = json_is_number(elapsed) &&
				    done < json_number_value(elapsed);
				snprintf(fm, sizeof fm, "=IF(AND(ISNUMBER(%c%u),%c%u<%c%u),"
				    "\"%s\",\"\")", COL(G_COMPLETION), a1,
				    COL(G_COMPLETION), a1, COL(G_ELAPSED), a1, BEHIND);
				put_fstr(x, sh, row, G_BEHIND, fm, x->behind,
				    late ? BEHIND : "");
				tt->measured++;
				tt->completion_sum += done;
				if (late)
					tt->targets_behind++;
			} else {
				snprintf(fm, sizeof fm, "=IF(OR(%c%u=\"\",N(%c%u)=0),\"\","
				    "%c%u/%c%u)", COL(G_CURRENT), a1, COL(G_VALUE), a1,
				    COL(G_CURRENT), a1, COL(G_VALUE), a1);
				if (json_is_number(cur) && json_is_number(value) &&
				    json_number_value(value) != 0)
					put_fnum(x, sh, row, G_COMPLETION, fm, x->percent,
					    json_number_value(cur) /
					    json_number_value(value));
				else
					put_fstr(x, sh, row, G_COMPLETION, fm, x->percent, "");
				put_blank(x, sh, row, G_BEHIND, x->behind);
			}
		}
	}
}

static void
offices_sheet(struct xl *x, const json_t *r)
{
	const struct sheet *sh = &x->offices;
	const json_t	*offices = json_object_get(r, "offices"), *o;
	char		 fm[256];
	lxw_row_t	 row, n = (lxw_row_t)json_array_size(offices);
	size_t		 i;
	unsigned	 a1;
	long		 due;

	table(x, sh, "各处室完成情况（按逾期节点、按时完成率、指标平均完成率排名）",
	    office_cols, O_NCOLS, HEAD_ROW + n, O_NAME + 1, 1);
	if (n == 0)
		put_merged(x, sh, FIRST_ROW, 0, O_NCOLS - 1, "无（计划未明确牵头处室）",
		    x->empty);
	for (i = 0; i < n && x->error == LXW_NO_ERROR; i++) {
		o = json_array_get(offices, i);
		row = FIRST_ROW + (lxw_row_t)i;
		a1 = (unsigned)row + 1;
		due = N(o, "milestones_due");

		put_num(x, sh, row, O_RANK, (double)N(o, "rank"), x->count);
		put_str(x, sh, row, O_NAME, S(o, "name"), x->text);
		put_num(x, sh, row, O_TASKS, (double)N(o, "tasks"), x->count);
		put_num(x, sh, row, O_DONE, (double)N(o, "done"), x->count);
		put_num(x, sh, row, O_OVERDUE_TASKS, (double)N(o, "overdue_tasks"),
		    x->count);
		put_num(x, sh, row, O_BEHIND_TASKS, (double)N(o, "behind_tasks"),
		    x->count);
		put_num(x, sh, row, O_DUE, (double)due, x->count);
		put_num(x, sh, row, O_ON_TIME, (double)N(o, "milestones_on_time"),
		    x->count);
		snprintf(fm, sizeof fm, "=IF(%c%u>0,%c%u/%c%u,\"\")", COL(O_DUE), a1,
		    COL(O_ON_TIME), a1, COL(O_DUE), a1);
		if (due > 0)
			put_fnum(x, sh, row, O_RATE, fm, x->percent,
			    (double)N(o, "milestones_on_time") / (double)due);
		else
			put_fstr(x, sh, row, O_RATE, fm, x->percent, "");
		put_num(x, sh, row, O_OVERDUE, (double)N(o, "milestones_overdue"),
		    x->count);
		put_json(x, sh, row, O_AVG, json_object_get(o, "avg_completion"),
		    x->percent);
	}
}

static void
supervise_sheet(struct xl *x, const json_t *r, struct totals *tt)
{
	const struct sheet *sh = &x->supervise;
	const json_t	*items = json_object_get(r, "supervise"), *s;
	const char	*status;
	char		*why;
	lxw_row_t	 row, n = (lxw_row_t)json_array_size(items);
	size_t		 i;

	/* The "无" row has no 状态: the summary's COUNTA counts none. */
	tt->supervise_last = n > 0 ? HEAD_ROW + n : FIRST_ROW;
	table(x, sh, "需督办事项（未完成且逾期、滞后或未明确牵头处室）",
	    supervise_cols, V_NCOLS, HEAD_ROW + n, 0, 1);
	if (n == 0)
		put_merged(x, sh, FIRST_ROW, 0, V_NCOLS - 1, "无", x->empty);
	for (i = 0; i < n && x->error == LXW_NO_ERROR; i++) {
		s = json_array_get(items, i);
		row = FIRST_ROW + (lxw_row_t)i;
		status = S(s, "status");
		why = report_join(json_object_get(s, "reasons"), "；");
		put_str(x, sh, row, V_LABEL, S(s, "label"), x->text);
		put_str(x, sh, row, V_TITLE, S(s, "title"), x->text);
		put_str(x, sh, row, V_LEAD, S(s, "lead_office") ? S(s, "lead_office") :
		    NO_LEAD, x->text);
		put_str(x, sh, row, V_STATUS, report_status_label(status),
		    status_format(x, status));
		put_str(x, sh, row, V_REASONS, why, x->text);
		free(why);
		tt->supervise++;
	}
}

static void
burnup_chart(struct xl *x, lxw_row_t last)
{
	const struct sheet *sh = &x->burnup;
	lxw_chart_options opt;
	lxw_chart	*chart;
	lxw_chart_series *series;
	lxw_col_t	 c;

	if (x->error != LXW_NO_ERROR)
		return;
	if ((chart = workbook_add_chart(x->wb, LXW_CHART_LINE)) == NULL) {
		check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, sh, "（图表）", 0, 0);
		return;
	}
	chart_title_set_name(chart, "节点完成进度（累计）");
	for (c = B_PLANNED; c <= B_DONE; c++) {
		if ((series = chart_add_series(chart, NULL, NULL)) == NULL) {
			check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, sh, "（图表）", 0, 0);
			return;
		}
		chart_series_set_categories(series, sh->name, FIRST_ROW, B_DATE, last,
		    B_DATE);
		chart_series_set_values(series, sh->name, FIRST_ROW, c, last, c);
		chart_series_set_name_range(series, sh->name, HEAD_ROW, c);
		chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
	}
	chart_axis_set_num_format(chart->x_axis, "yyyy-mm");
	chart_axis_set_name(chart->y_axis, "节点数");
	chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
	memset(&opt, 0, sizeof opt);
	opt.x_scale = 1.5;
	opt.y_scale = 1.4;
	check(x, worksheet_insert_chart_opt(sh->ws, HEAD_ROW, B_NCOLS + 1, chart,
	    &opt), sh, "（图表）", 0, 0);
}

static void
burnup_sheet(struct xl *x, const json_t *r)
{
	const struct sheet *sh = &x->burnup;
	const json_t	*points = json_object_get(r, "burnup"), *p;
	lxw_row_t	 row, n = (lxw_row_t)json_array_size(points);
	size_t		 i;

	table(x, sh, "节点进度（累计）", burnup_cols, B_NCOLS, HEAD_ROW + n, 0,
	    0);
	for (i = 0; i < n && x->error == LXW_NO_ERROR; i++) {
		p = json_array_get(points, i);
		row = FIRST_ROW + (lxw_row_t)i;
		put_date(x, sh, row, B_DATE, S(p, "date"));
		put_json(x, sh, row, B_PLANNED, json_object_get(p, "planned"), x->count);
		put_json(x, sh, row, B_DONE, json_object_get(p, "done"), x->count);
	}
	if (n > 0)
		burnup_chart(x, HEAD_ROW + n);
}

/* ------------------------------------------------------------------ */

/* 总体: the figures, as formulas over the other sheets. */
enum { F_ITEM, F_VALUE, F_NOTE, F_NCOLS };
static const struct column summary_cols[F_NCOLS] = {
	{ "项目", 24 }, { "数值", 12 }, { "说明", 46 },
};

static void
figure_num(struct xl *x, lxw_row_t *row, const char *item, const char *formula,
    double v, lxw_format *f, const char *note)
{
	const struct sheet *sh = &x->summary;

	put_str(x, sh, *row, F_ITEM, item, x->item);
	put_fnum(x, sh, *row, F_VALUE, formula, f, v);
	put_str(x, sh, *row, F_NOTE, note, x->text);
	(*row)++;
}

/* A ratio: num / den with a percent format, blank when den is 0. */
static void
figure_ratio(struct xl *x, lxw_row_t *row, const char *item, lxw_row_t num,
    lxw_row_t den, double v, int blank, const char *note)
{
	const struct sheet *sh = &x->summary;
	char		 fm[128];

	snprintf(fm, sizeof fm, "=IF(%c%u>0,%c%u/%c%u,\"\")", COL(F_VALUE),
	    (unsigned)den + 1, COL(F_VALUE), (unsigned)num + 1, COL(F_VALUE),
	    (unsigned)den + 1);
	put_str(x, sh, *row, F_ITEM, item, x->item);
	if (blank)
		put_fstr(x, sh, *row, F_VALUE, fm, x->percent, "");
	else
		put_fnum(x, sh, *row, F_VALUE, fm, x->percent, v);
	put_str(x, sh, *row, F_NOTE, note, x->text);
	(*row)++;
}

static void
section(struct xl *x, lxw_row_t *row, const char *name)
{
	put_merged(x, &x->summary, *row, 0, F_NCOLS - 1, name, x->section);
	(*row)++;
}

/* A COUNTIF of the tasks' 状态 column. */
static void
status_figure(struct xl *x, lxw_row_t *row, const struct totals *tt,
    const char *status, long v)
{
	const char	*label = report_status_label(status);
	char		 fm[256], col[64];

	range(col, sizeof col, SH_TASKS, T_STATUS, tt->task_last);
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")", col, label);
	figure_num(x, row, label, fm, (double)v, x->count, NULL);
}

/* A SUMIF of a milestone column over the top-level tasks. */
static void
milestone_figure(struct xl *x, lxw_row_t *row, const struct totals *tt,
    const char *item, lxw_col_t col, long v, const char *note)
{
	char		 fm[256], level[64], sum[64];

	range(level, sizeof level, SH_TASKS, T_LEVEL, tt->task_last);
	range(sum, sizeof sum, SH_TASKS, col, tt->task_last);
	snprintf(fm, sizeof fm, "=SUMIF(%s,\"%s\",%s)", level, LEVEL_TOP, sum);
	figure_num(x, row, item, fm, (double)v, x->count, note);
}

/* The plans' document numbers: "吉市教通字〔2012〕12号、…". */
static char *
document_numbers(const json_t *r)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f;
	json_t	*p;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	json_array_foreach(json_object_get(r, "plans"), i, p) {
		if (S(p, "document_number") == NULL)
			continue;
		if (ftell(f) > 0)
			fputs("、", f);
		fputs(S(p, "document_number"), f);
	}
	fclose(f);
	return (buf);
}

static void
summary_sheet(struct xl *x, const json_t *r, const struct totals *tt)
{
	const struct sheet *sh = &x->summary;
	const json_t	*period = json_object_get(r, "period");
	const char	*ql = S(r, "quarter_label") ? S(r, "quarter_label") : "";
	char		*s, *plans, fm[256], col[64], col2[64];
	double		 width = 0;
	lxw_row_t	 row = 0, tasks_row, done_row, ms_due_row, ms_on_time_row;
	lxw_row_t	 measured_row;
	lxw_col_t	 c;

	for (c = 0; c < F_NCOLS && x->error == LXW_NO_ERROR; c++) {
		check(x, worksheet_set_column(sh->ws, c, c, summary_cols[c].width, NULL),
		    sh, "（列宽）", 0, 0);
		width += summary_cols[c].width;
	}

	put_line(x, sh, row++, F_NCOLS - 1, width, S(r, "organisation"), x->org, 20);
	s = xprintf("%s民生实事督查报告", ql);
	put_line(x, sh, row++, F_NCOLS - 1, width / 1.5, s, x->title, 26);
	free(s);
	plans = report_plans_title(r);
	s = xprintf("计划：%s", plans);
	put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
	free(s);
	free(plans);
	plans = document_numbers(r);
	if (*plans != '\0') {
		s = xprintf("文号：%s", plans);
		put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
		free(s);
	}
	free(plans);
	s = xprintf("统计期间：%s 至 %s", S(period, "from") ? S(period, "from") : "",
	    S(period, "to") ? S(period, "to") : "");
	put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
	free(s);
	s = xprintf("数据截至：%s%s", S(r, "as_of") ? S(r, "as_of") : "",
	    json_is_true(json_object_get(r, "final")) ? "" : "（本季度尚未结束）");
	put_line(x, sh, row++, F_NCOLS - 1, width, s, x->info, 16);
	free(s);
	row++;

	for (c = 0; c < F_NCOLS; c++)
		put_str(x, sh, row, c, summary_cols[c].head, x->head);
	row++;

	section(x, &row, "任务");
	tasks_row = row;
	range(col, sizeof col, SH_TASKS, T_LEVEL, tt->task_last);
	snprintf(fm, sizeof fm, "=COUNTA(%s)-1", col);
	figure_num(x, &row, "任务总数", fm, (double)tt->tasks, x->count,
	    "任务表的行数，子项各占一行");
	done_row = row;
	status_figure(x, &row, tt, "done", tt->done);
	status_figure(x, &row, tt, "on_track", tt->on_track);
	status_figure(x, &row, tt, "behind", tt->behind);
	status_figure(x, &row, tt, "overdue", tt->overdue);
	status_figure(x, &row, tt, "unassigned", tt->unassigned);
	figure_ratio(x, &row, "完成率", done_row, tasks_row,
	    tt->tasks > 0 ? (double)tt->done / (double)tt->tasks : 0, tt->tasks == 0,
	    "已完成 ÷ 任务总数");

	section(x, &row, "节点");
	milestone_figure(x, &row, tt, "节点总数", T_MS_TOTAL, tt->ms_total,
	    "按事项合计，子项的节点已计入其所属事项");
	ms_due_row = row;
	milestone_figure(x, &row, tt, "应完成节点", T_MS_DUE, tt->ms_due,
	    "到期日已过的节点");
	milestone_figure(x, &row, tt, "已完成节点", T_MS_DONE, tt->ms_done, NULL);
	ms_on_time_row = row;
	milestone_figure(x, &row, tt, "按时完成节点", T_MS_ON_TIME, tt->ms_on_time,
	    "在到期日前（含当日）完成");
	figure_ratio(x, &row, "按时完成率", ms_on_time_row, ms_due_row,
	    tt->ms_due > 0 ? (double)tt->ms_on_time / (double)tt->ms_due : 0,
	    tt->ms_due == 0, "按时完成节点 ÷ 应完成节点");
	milestone_figure(x, &row, tt, "逾期节点", T_MS_OVERDUE, tt->ms_overdue,
	    "已到期而未完成");
	milestone_figure(x, &row, tt, "本季度到期节点", T_MS_QUARTER, tt->ms_quarter,
	    NULL);

	section(x, &row, "指标");
	range(col, sizeof col, SH_TARGETS, G_METHOD, tt->target_last);
	snprintf(fm, sizeof fm, "=COUNTA(%s)-1", col);
	figure_num(x, &row, "指标总数", fm, (double)tt->targets, x->count, NULL);
	measured_row = row;
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")", col, METHOD_ACC);
	figure_num(x, &row, "按累计进度计算的指标", fm, (double)tt->measured,
	    x->count, "不含标准类指标（如资助标准、不超过某值）");
	range(col2, sizeof col2, SH_TARGETS, G_BEHIND, tt->target_last);
	snprintf(fm, sizeof fm, "=COUNTIF(%s,\"%s\")", col2, BEHIND);
	figure_num(x, &row, "滞后指标", fm, (double)tt->targets_behind, x->count,
	    "完成比例低于时间进度");
	range(col2, sizeof col2, SH_TARGETS, G_COMPLETION, tt->target_last);
	snprintf(fm, sizeof fm, "=IF(%c%u>0,AVERAGEIF(%s,\"%s\",%s),\"\")",
	    COL(F_VALUE), (unsigned)measured_row + 1, col, METHOD_ACC, col2);
	put_str(x, sh, row, F_ITEM, "指标平均完成率", x->item);
	if (tt->measured > 0)
		put_fnum(x, sh, row, F_VALUE, fm, x->percent,
		    tt->completion_sum / (double)tt->measured);
	else
		put_fstr(x, sh, row, F_VALUE, fm, x->percent, "");
	put_str(x, sh, row, F_NOTE, "按累计进度计算的指标完成比例的平均值", x->text);
	row++;

	section(x, &row, "督办");
	range(col, sizeof col, SH_SUPERVISE, V_STATUS, tt->supervise_last);
	snprintf(fm, sizeof fm, "=COUNTA(%s)-1", col);
	figure_num(x, &row, "需督办事项", fm, (double)tt->supervise, x->count,
	    "未完成且逾期、滞后或未明确牵头处室");

	print_setup(x, sh, 0, 0);
}

/* ------------------------------------------------------------------ */

/* The page header: the report's name left, the sheet's right. */
static char *
page_header(const json_t *r)
{
	const char	*ql = S(r, "quarter_label") ? S(r, "quarter_label") : "";
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	fputs("&L", f);
	for (; *ql != '\0'; ql++) {
		if (*ql == '&')
			fputc('&', f);
		fputc(*ql, f);
	}
	fputs("民生实事督查报告&R&A", f);
	fclose(f);
	return (buf);
}

static void
properties(struct xl *x, const json_t *r)
{
	lxw_doc_properties	 p;
	char			*title, *plans;

	if (x->error != LXW_NO_ERROR)
		return;
	title = xprintf("%s%s民生实事督查报告",
	    S(r, "organisation") ? S(r, "organisation") : "",
	    S(r, "quarter_label") ? S(r, "quarter_label") : "");
	plans = report_plans_title(r);
	memset(&p, 0, sizeof p);
	p.title = title;
	p.subject = "季度督查报告";
	p.author = "duban";
	p.company = (char *)S(r, "organisation");
	p.comments = plans;
	check(x, workbook_set_properties(x->wb, &p), NULL, "文档属性", 0, 0);
	free(title);
	free(plans);
}

int
report_xlsx(const json_t *r, const char *path, char **cause)
{
	lxw_workbook_options	 opt;
	struct totals		 tt;
	struct xl		 x;
	lxw_error		 e;
	char			*tmp = getenv("TMPDIR");
	int			 saved;

	memset(&x, 0, sizeof x);
	memset(&tt, 0, sizeof tt);
	memset(&opt, 0, sizeof opt);
	opt.tmpdir = tmp != NULL && *tmp != '\0' ? tmp : NULL;
	if ((x.wb = workbook_new_opt(path, &opt)) == NULL) {
		*cause = xprintf("无法创建 XLSX 工作簿 %s", path);
		return (-1);
	}
	x.page_header = page_header(r);

	formats(&x);
	add_sheet(&x, &x.summary, SH_SUMMARY);
	add_sheet(&x, &x.tasks, SH_TASKS);
	add_sheet(&x, &x.targets, SH_TARGETS);
	add_sheet(&x, &x.offices, SH_OFFICES);
	add_sheet(&x, &x.supervise, SH_SUPERVISE);
	add_sheet(&x, &x.burnup, SH_BURNUP);
	properties(&x, r);

	/* The summary last: its results are the other sheets' totals. */
	tasks_sheet(&x, r, &tt);
	targets_sheet(&x, r, &tt);
	offices_sheet(&x, r);
	supervise_sheet(&x, r, &tt);
	burnup_sheet(&x, r);
	summary_sheet(&x, r, &tt);
	free(x.page_header);

	if (x.error != LXW_NO_ERROR) {
		*cause = xprintf("无法生成 XLSX：%s：%s", x.where, reason(x.error));
		lxw_workbook_free(x.wb);
		return (-1);
	}
	/* workbook_close frees the workbook, whatever it returns. */
	errno = 0;
	if ((e = workbook_close(x.wb)) != LXW_NO_ERROR) {
		saved = errno;
		if (saved != 0 && (e == LXW_ERROR_CREATING_XLSX_FILE ||
		    e == LXW_ERROR_CREATING_TMPFILE))
			*cause = xprintf("无法写入 XLSX 文件 %s：%s（%s）", path,
			    reason(e), strerror(saved));
		else
			*cause = xprintf("无法写入 XLSX 文件 %s：%s", path, reason(e));
		return (-1);
	}
	return (0);
}
