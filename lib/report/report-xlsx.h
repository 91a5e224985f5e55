/*
 * Private to the XLSX report (report-xlsx.c): the workbook being written
 * and what its parts share.  report-xlsx.c writes the data sheets and
 * the workbook, report-xlsx-summary.c the summary sheet (总体) whose
 * formulas name the other sheets' columns, report-xlsx-cell.c the
 * cells, formats and table frames.
 *
 * Every xlsx_put_* and frame function does nothing once an error is
 * kept (the first one, with where it happened), so a sheet is written
 * without checking each cell and the error is reported once at the end.
 */
#ifndef DUBAN_REPORT_XLSX_H
#define DUBAN_REPORT_XLSX_H

#include <stddef.h>

#include <jansson.h>
#include <xlsxwriter.h>

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define N(o, k)		json_integer_value(json_object_get((o), (k)))

/* The sheets, as the formulas name them. */
#define SH_SUMMARY	"总体"
#define SH_TASKS	"任务"
#define SH_TARGETS	"指标"
#define SH_OFFICES	"处室"
#define SH_SUPERVISE	"督办事项"
#define SH_BURNUP	"节点进度"
#define SH_COUNTIES	"县（市）区"

#define XLSX_LINE	14	/* points a line of 10.5-point text takes */
#define HEAD_ROW	1	/* the header of every table (row 2) */
#define FIRST_ROW	2	/* its first row (row 3) */

/* Words that cells hold and the summary's formulas count. */
#define LEVEL_TOP	"事项"
#define LEVEL_SUB	"子项"
#define METHOD_ACC	"累计进度"
#define METHOD_STD	"对照标准"
#define BEHIND		"滞后"
#define UNREPORTED	"未填报"
#define LATE		"逾期未报"

struct column {
	const char	*head;
	double		 width;
};

/* The columns of each table (report-xlsx.c has their heads and widths). */
/* 任务: one row per task, a subtask after its parent. */
enum {
	T_LABEL, T_CATEGORY, T_TITLE, T_GOAL, T_LEAD, T_UNITS, T_LEADERS,
	T_DEADLINE, T_STATUS, T_LIGHT, T_MS_TOTAL, T_MS_DUE, T_MS_DONE, T_MS_ON_TIME,
	T_MS_OVERDUE, T_MS_QUARTER, T_NOTE, T_OUTCOME, T_UPDATED, T_FILES, T_LEVEL,
	T_PHONE,	/* 监督电话, last: only when a task of the report has one */
	T_NCOLS
};
/* 指标: one row per target. */
enum {
	G_LABEL, G_TITLE, G_LEAD, G_NAME, G_REQUIRED, G_UNIT, G_BASELINE,
	G_VALUE, G_CURRENT, G_METHOD, G_COMPLETION, G_ELAPSED, G_BEHIND,
	G_DEADLINE, G_FILES, G_NCOLS
};
/* 处室: one row per lead office, ranked. */
enum {
	O_RANK, O_NAME, O_TASKS, O_DONE, O_OVERDUE_TASKS, O_BEHIND_TASKS,
	O_DUE, O_DONE_DUE, O_DONE_RATE, O_ON_TIME, O_RATE, O_OVERDUE, O_AVG, O_REPORTED,
	O_NOTE, O_NCOLS
};
/* 督办事项: tasks not done that are overdue, behind or led by no one. */
enum { V_LABEL, V_TITLE, V_LEAD, V_STATUS, V_REASONS, V_NCOLS };
/* 节点进度: the burn-up of milestones through the year. */
enum { B_DATE, B_PLANNED, B_DONE, B_NCOLS };

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
	long		 tasks, done, on_track, behind, overdue, unreported, unassigned;
	long		 lights[4];	/* green, yellow, red, grey */
	long		 due_soon;
	long		 ms_total, ms_due, ms_done, ms_on_time, ms_overdue, ms_quarter;
	long		 targets, measured, targets_behind;
	long		 measured_reported, targets_unreported, targets_late;
	double		 completion_sum;	/* of the measured and reported */
	long		 supervise;
};

struct xl {
	lxw_workbook	*wb;
	lxw_error	 error;		/* the first one */
	char		 where[160];	/* and where it happened */
	char		*page_header;
	char		*page_footer;	/* 落款: the organisation, the day */

	struct sheet	 summary, tasks, targets, offices, supervise, burnup;
	struct sheet	 counties;	/* only for plans with county copies */

	lxw_format	*org, *title, *info, *table_title, *head, *section;
	lxw_format	*item, *text, *indent, *center, *count, *number;
	lxw_format	*percent, *date, *behind, *empty;
	lxw_format	*st_done, *st_behind, *st_overdue, *st_unreported, *st_unassigned;
	lxw_format	*lt_green, *lt_yellow, *lt_red, *lt_grey;	/* 红黄绿灯 */
};

/* report-xlsx-cell.c */
/* Keeps the first error, with where it happened (what: a step, or NULL
 * for the cell at row, col; sh NULL for the workbook). */
void	 xlsx_check(struct xl *, lxw_error, const struct sheet *sh,
	    const char *what, lxw_row_t row, lxw_col_t col);
/* Text (NULL as ""), cut to what a cell holds. */
void	 xlsx_put_str(struct xl *, const struct sheet *, lxw_row_t, lxw_col_t,
	    const char *, lxw_format *);
void	 xlsx_put_blank(struct xl *, const struct sheet *, lxw_row_t,
	    lxw_col_t, lxw_format *);
void	 xlsx_put_num(struct xl *, const struct sheet *, lxw_row_t, lxw_col_t,
	    double, lxw_format *);
/* A JSON number, or a blank cell for null. */
void	 xlsx_put_json(struct xl *, const struct sheet *, lxw_row_t, lxw_col_t,
	    const json_t *, lxw_format *);
/* "2012-12-31" as a real date; a blank for NULL; anything else as text. */
void	 xlsx_put_date(struct xl *, const struct sheet *, lxw_row_t,
	    lxw_col_t, const char *iso);
/* A formula with a numeric result, or a text one ("" for a blank). */
void	 xlsx_put_fnum(struct xl *, const struct sheet *, lxw_row_t,
	    lxw_col_t, const char *formula, lxw_format *, double);
void	 xlsx_put_fstr(struct xl *, const struct sheet *, lxw_row_t,
	    lxw_col_t, const char *formula, lxw_format *, const char *);
/* One line across columns first..last. */
void	 xlsx_put_merged(struct xl *, const struct sheet *, lxw_row_t,
	    lxw_col_t first, lxw_col_t last, const char *, lxw_format *);
/* A line of wrapped text across columns 0..last of total width, its row
 * tall enough for it. */
void	 xlsx_put_line(struct xl *, const struct sheet *, lxw_row_t,
	    lxw_col_t last, double width, const char *, lxw_format *,
	    double line_height);
/* "'任务'!$H$2:$H$14": column col of a table, from its header to last. */
void	 xlsx_range(char *buf, size_t len, const char *sheet, lxw_col_t col,
	    lxw_row_t last);
/* The workbook's formats, into x. */
void	 xlsx_formats(struct xl *);
/* The format of a status cell. */
lxw_format *xlsx_status_format(struct xl *, const char *status);
/* The format of a light's cell: its colour filled in. */
lxw_format *xlsx_light_format(struct xl *, const char *light);
/*
 * How tall a row must be to show every line of its wrapped cells: texts
 * (NULL for none) in columns of widths (Excel's units, about one digit;
 * a CJK character takes two), at line_height points a line; at least
 * min, at most Excel's 409.
 */
double	 xlsx_row_height(const char *const *texts, const double *widths, size_t n,
	    double line_height, double min);
void	 xlsx_add_sheet(struct xl *, struct sheet *, const char *name);
/* A4, fit to one page wide, page numbers in the footer; the header row
 * repeated on every page if repeat. */
void	 xlsx_print_setup(struct xl *, const struct sheet *, int landscape,
	    int repeat);
/*
 * A table's frame: column widths, its title, its header, panes frozen
 * under the header, an autofilter over its rows if filter (last is the
 * last row, HEAD_ROW when it has none) and the print setup.
 */
void	 xlsx_table(struct xl *, const struct sheet *, const char *title,
	    const struct column *, lxw_col_t n, lxw_row_t last, lxw_col_t freeze,
	    int filter);

/* report-xlsx-summary.c: 总体, written last, from the totals. */
void	 xlsx_summary_sheet(struct xl *, const json_t *report,
	    const struct totals *);

#endif
