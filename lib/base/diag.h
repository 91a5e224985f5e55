/*
 * Diagnostics: problems found in an input file, each with a position,
 * printed as "FILE:LINE:COLUMN: message" (lines and columns from 1,
 * columns counted in characters).  A problem in a spreadsheet (the
 * 任务分解表, lib/plan/sheetplan.h) names its sheet and cell instead:
 * "FILE:任务分解表!F12: message"; one in the workbook as a whole (not a
 * zip file, no such sheet) "FILE: message".  A problem is an error (the
 * input is refused) or a warning (printed "…: 警告：message"; the input is
 * accepted unless the caller is strict, as `duban plan check --strict`
 * is).  Whether reading failed is diags_errors(), never n.
 */
#ifndef DUBAN_DIAG_H
#define DUBAN_DIAG_H

#include <stddef.h>
#include <stdio.h>

#define DIAG_MAX 100	/* stop collecting after this many */

struct diag {
	char	*file;
	int	 line;
	int	 col;
	int	 warning;	/* 1: a warning, 0: an error */
	char	*msg;
	char	*sheet;	/* NULL: a text file; else line is the row and
			   col the column of a cell of this sheet ("" with
			   line 1, col 0: the workbook as a whole) */
};

struct diags {
	struct diag	*v;
	size_t		 n;
	size_t		 cap;
	size_t		 errors;	/* errors added, kept in v or not */
	int		 truncated;
};

void	diags_init(struct diags *);
void	diags_free(struct diags *);
void	diags_add(struct diags *, const char *file, int line, int col,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A warning: kept and printed like an error, but not counted as one. */
void	diags_warn(struct diags *, const char *file, int line, int col,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* A problem at a cell (row, col from 1) of sheet, or of the whole
 * workbook when sheet is "" (row and col are then ignored). */
void	diags_add_cell(struct diags *, const char *file, const char *sheet,
	    int row, int col, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/* The errors added so far, including any dropped past DIAG_MAX. */
size_t	diags_errors(const struct diags *);
/* The warnings kept. */
size_t	diags_warnings(const struct diags *);
/* Where a problem is, allocated: "任务分解表!F12", "" for a whole
 * workbook, or "12:5" for a line and column of a text file. */
char	*diag_where(const struct diag *);
/* The same with its file, as printed before its message, allocated:
 * "FILE:12:5", "FILE:任务分解表!F12", or "FILE" for the whole file. */
char	*diag_at(const struct diag *);
void	diags_print(const struct diags *, FILE *);

#endif
