/*
 * The XLSX report's cells, formats and table frames over libxlsxwriter,
 * each keeping the workbook's first error (report-xlsx.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "date.h"
#include "report-xlsx.h"
#include "utf8.h"
#include "xmalloc.h"

/* Excel holds 32,767 characters in a cell; longer text is cut. */
#define CELL_CHARS	32000

#define FONT		"宋体"

/* Keeps the first error, with where it happened (what: a step, or NULL
 * for the cell at row, col). */
void
xlsx_check(struct xl *x, lxw_error e, const struct sheet *sh, const char *what,
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

void
xlsx_put_str(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
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
	xlsx_check(x, worksheet_write_string(sh->ws, row, col, s, f), sh, NULL, row, col);
	free(cut);
}

void
xlsx_put_blank(struct xl *x, const struct sheet *sh, lxw_row_t row,
    lxw_col_t col, lxw_format *f)
{
	if (x->error != LXW_NO_ERROR)
		return;
	xlsx_check(x, worksheet_write_blank(sh->ws, row, col, f), sh, NULL, row, col);
}

void
xlsx_put_num(struct xl *x, const struct sheet *sh, lxw_row_t row, lxw_col_t col,
    double v, lxw_format *f)
{
	if (x->error != LXW_NO_ERROR)
		return;
	xlsx_check(x, worksheet_write_number(sh->ws, row, col, v, f), sh, NULL, row, col);
}

/* A JSON number, or a blank cell for null. */
void
xlsx_put_json(struct xl *x, const struct sheet *sh, lxw_row_t row,
    lxw_col_t col, const json_t *v, lxw_format *f)
{
	if (json_is_number(v))
		xlsx_put_num(x, sh, row, col, json_number_value(v), f);
	else
		xlsx_put_blank(x, sh, row, col, f);
}

/* Excel's dates start in 1900. */
void
xlsx_put_date(struct xl *x, const struct sheet *sh, lxw_row_t row,
    lxw_col_t col, const char *iso)
{
	struct ymd	 ymd;
	lxw_datetime	 d;

	if (x->error != LXW_NO_ERROR)
		return;
	if (iso == NULL) {
		xlsx_put_blank(x, sh, row, col, x->date);
		return;
	}
	if (date_parse_iso(iso, &ymd) != 0 || ymd.y < 1900) {
		xlsx_put_str(x, sh, row, col, iso, x->center);
		return;
	}
	memset(&d, 0, sizeof d);
	d.year = ymd.y;
	d.month = ymd.m;
	d.day = ymd.d;
	xlsx_check(x, worksheet_write_datetime(sh->ws, row, col, &d, x->date),
	    sh, NULL, row, col);
}

/* A formula with a numeric result. */
void
xlsx_put_fnum(struct xl *x, const struct sheet *sh, lxw_row_t row,
    lxw_col_t col, const char *formula, lxw_format *f, double v)
{
	if (x->error != LXW_NO_ERROR)
		return;
	xlsx_check(x, worksheet_write_formula_num(sh->ws, row, col, formula, f, v), sh,
	    NULL, row, col);
}

/* A formula with a text result ("" for a blank one). */
void
xlsx_put_fstr(struct xl *x, const struct sheet *sh, lxw_row_t row,
    lxw_col_t col, const char *formula, lxw_format *f, const char *v)
{
	if (x->error != LXW_NO_ERROR)
		return;
	xlsx_check(x, worksheet_write_formula_str(sh->ws, row, col, formula, f, v), sh,
	    NULL, row, col);
}

/* One line across columns first..last. */
void
xlsx_put_merged(struct xl *x, const struct sheet *sh, lxw_row_t row,
    lxw_col_t first, lxw_col_t last, const char *s, lxw_format *f)
{
	if (x->error != LXW_NO_ERROR)
		return;
	if (first == last) {
		xlsx_put_str(x, sh, row, first, s, f);
		return;
	}
	xlsx_check(x, worksheet_merge_range(sh->ws, row, first, row, last, s ? s : "", f),
	    sh, NULL, row, first);
}

/* A line of wrapped text across columns of total width: tall enough. */
void
xlsx_put_line(struct xl *x, const struct sheet *sh, lxw_row_t row,
    lxw_col_t last, double width, const char *s, lxw_format *f,
    double line_height)
{
	size_t	 per = width > 4 ? (size_t)width - 2 : 2, lines;

	if (s == NULL)
		s = "";
	lines = utf8_width(s) / per + 1;
	if (lines > 10)
		lines = 10;
	xlsx_put_merged(x, sh, row, 0, last, s, f);
	if (x->error == LXW_NO_ERROR)
		xlsx_check(x, worksheet_set_row(sh->ws, row, line_height * (double)lines,
		    NULL), sh, "（行高）", 0, 0);
}

/* "'任务'!$H$2:$H$14": column col of a table, from its header to last. */
void
xlsx_range(char *buf, size_t len, const char *sheet, lxw_col_t col,
    lxw_row_t last)
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
new_format(struct xl *x, int flags, double size, const char *num,
    lxw_color_t color)
{
	lxw_format	*f;

	if (x->error != LXW_NO_ERROR)
		return (NULL);
	if ((f = workbook_add_format(x->wb)) == NULL) {
		xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, NULL, "单元格格式", 0, 0);
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

void
xlsx_formats(struct xl *x)
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
	/* Dates as documents write them: 2012年9月30日. */
	x->date = new_format(x, cell | FF_CENTER | FF_WRAP, 10.5, "yyyy\"年\"m\"月\"d\"日\"", 0);
	x->behind = new_format(x, cell | FF_CENTER | FF_BOLD, 10.5, NULL, 0xC55A11);
	x->empty = new_format(x, FF_BORDER | FF_CENTER, 10.5, NULL, 0x595959);
	x->st_done = new_format(x, cell | FF_WRAP | FF_CENTER, 10.5, NULL, 0x00703C);
	x->st_behind = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL,
	    0xC55A11);
	x->st_overdue = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL,
	    0xC00000);
	x->st_unreported = new_format(x, cell | FF_WRAP | FF_CENTER, 10.5, NULL, 0x767676);
	x->st_unassigned = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5,
	    NULL, 0x7030A0);
	/* 红黄绿灯 in the bureau's colours, the word in the cell. */
	x->lt_green = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL, 0xFFFFFF);
	x->lt_yellow = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL, 0x000000);
	x->lt_red = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL, 0xFFFFFF);
	x->lt_grey = new_format(x, cell | FF_WRAP | FF_CENTER | FF_BOLD, 10.5, NULL, 0xFFFFFF);
	if (x->error == LXW_NO_ERROR) {
		format_set_bg_color(x->lt_green, 0x2E7D32);
		format_set_bg_color(x->lt_yellow, 0xF2C200);
		format_set_bg_color(x->lt_red, 0xC62828);
		format_set_bg_color(x->lt_grey, 0x6F6F6F);
	}
}

lxw_format *
xlsx_light_format(struct xl *x, const char *light)
{
	if (light == NULL)
		return (x->center);
	if (strcmp(light, "green") == 0)
		return (x->lt_green);
	if (strcmp(light, "yellow") == 0)
		return (x->lt_yellow);
	if (strcmp(light, "red") == 0)
		return (x->lt_red);
	if (strcmp(light, "grey") == 0)
		return (x->lt_grey);
	return (x->center);
}

/*
 * libxlsxwriter cannot fit a row to its text (Excel does it only when it
 * recalculates the layout, which a file opened read-only or on a phone
 * does not): each cell's lines are estimated from its text, a line per
 * paragraph and as many more as its display width (utf8_width: a CJK
 * character is two, about what it takes in 宋体 beside a digit) needs at
 * the column's width less a unit of padding.
 */
double
xlsx_row_height(const char *const *texts, const double *widths, size_t n,
    double line_height, double min)
{
	const char	*p, *nl;
	double		 per, h;
	size_t		 i, lines, most = 1, w;
	char		*para;

	for (i = 0; i < n; i++) {
		if (texts[i] == NULL || *texts[i] == '\0')
			continue;
		per = widths[i] > 2 ? widths[i] - 1 : 1;
		lines = 0;
		for (p = texts[i]; p != NULL; p = nl != NULL ? nl + 1 : NULL) {
			nl = strchr(p, '\n');
			para = nl != NULL ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
			w = utf8_width(para);
			lines += w == 0 ? 1 : (size_t)((double)w / per) + ((double)w / per >
			    (double)(size_t)((double)w / per) ? 1 : 0);
			free(para);
		}
		if (lines > most)
			most = lines;
	}
	h = line_height * (double)most + 4;
	if (h < min)
		h = min;
	return (h > 409 ? 409 : h);
}

lxw_format *
xlsx_status_format(struct xl *x, const char *status)
{
	if (status == NULL)
		return (x->center);
	if (strcmp(status, "done") == 0)
		return (x->st_done);
	if (strcmp(status, "behind") == 0)
		return (x->st_behind);
	if (strcmp(status, "overdue") == 0)
		return (x->st_overdue);
	if (strcmp(status, "unreported") == 0)
		return (x->st_unreported);
	if (strcmp(status, "unassigned") == 0)
		return (x->st_unassigned);
	return (x->center);
}

void
xlsx_add_sheet(struct xl *x, struct sheet *sh, const char *name)
{
	sh->name = name;
	sh->ws = NULL;
	if (x->error != LXW_NO_ERROR)
		return;
	if ((sh->ws = workbook_add_worksheet(x->wb, name)) == NULL)
		xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, sh, "（新建工作表）", 0, 0);
}

/* A4, fit to one page wide, page numbers in the footer. */
void
xlsx_print_setup(struct xl *x, const struct sheet *sh, int landscape,
    int repeat)
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
		xlsx_check(x, worksheet_repeat_rows(sh->ws, HEAD_ROW, HEAD_ROW),
		    sh,
		    "（打印标题行）", 0, 0);
	if (x->error == LXW_NO_ERROR)
		xlsx_check(x, worksheet_set_header(sh->ws, x->page_header), sh,
		    "（页眉）", 0, 0);
	if (x->error == LXW_NO_ERROR)
		xlsx_check(x, worksheet_set_footer(sh->ws, x->page_footer), sh,
		    "（页脚）", 0, 0);
}

/*
 * A table's frame: column widths, its title, its header, panes frozen
 * under the header, an autofilter over its rows if filter (last is the
 * last row, HEAD_ROW when it has none) and the print setup.
 */
void
xlsx_table(struct xl *x, const struct sheet *sh, const char *title,
    const struct column *cols, lxw_col_t n, lxw_row_t last, lxw_col_t freeze,
    int filter)
{
	const char	*heads[26];	/* a table has at most 26 columns */
	double		 widths[26];
	lxw_col_t	 c;

	for (c = 0; c < n && x->error == LXW_NO_ERROR; c++)
		xlsx_check(x, worksheet_set_column(sh->ws, c, c, cols[c].width, NULL), sh,
		    "（列宽）", 0, 0);
	xlsx_put_merged(x, sh, 0, 0, n - 1, title, x->table_title);
	if (x->error == LXW_NO_ERROR)
		xlsx_check(x, worksheet_set_row(sh->ws, 0, 26, NULL), sh, "（行高）", 0, 0);
	for (c = 0; c < n; c++) {
		xlsx_put_str(x, sh, HEAD_ROW, c, cols[c].head, x->head);
		heads[c] = cols[c].head;
		widths[c] = cols[c].width;
	}
	/* The header as tall as its narrowest column's words need. */
	if (x->error == LXW_NO_ERROR)
		xlsx_check(x, worksheet_set_row(sh->ws, HEAD_ROW,
		    xlsx_row_height(heads, widths, n, XLSX_LINE, 42), NULL), sh,
		    "（行高）", 0, 0);
	if (x->error != LXW_NO_ERROR)
		return;
	worksheet_freeze_panes(sh->ws, FIRST_ROW, freeze);
	if (filter && last > HEAD_ROW)
		xlsx_check(x, worksheet_autofilter(sh->ws, HEAD_ROW, 0, last, n - 1), sh,
		    "（筛选）", 0, 0);
	xlsx_print_setup(x, sh, 1, 1);
}
