/*
 * A small, bounded XLSX reader: the workbook's sheets by name, each
 * sheet's cells (row, column, A1 reference, type and the text exactly as
 * stored), merged ranges, sheet visibility and defined names.
 *
 * The package is opened from memory with libzip and every XML part is
 * streamed through expat in pieces (never inflated whole).  Every size
 * that could grow with the input is bounded by struct xlsx_limits; the
 * first limit reached stops the read with a Chinese message naming what
 * was too big.  DTDs (and so entity expansion) are refused.
 *
 * Callers: the 填报表 upload (daemon/api-fill.c, the CLI), the
 * 任务分解表 import, the fuzz harness tests/fuzz/fuzz-xlsx.c.
 * Calls: libzip, expat, lib/base (allocation only).
 */
#ifndef DUBAN_XLSX_H
#define DUBAN_XLSX_H

#include <stddef.h>

#define XLSX_MAX_ROWS	1048576u	/* Excel's last row */
#define XLSX_MAX_COLS	16384u		/* Excel's last column, XFD */
#define XLSX_REF_MAX	16		/* "XFD1048576" and its NUL fit */

/* What every read is held to; xlsx_limits_default() fills the defaults. */
struct xlsx_limits {
	size_t		input;		/* compressed bytes (the buffer) */
	size_t		entries;	/* zip entries */
	size_t		part;		/* uncompressed bytes of one part */
	size_t		total;		/* uncompressed bytes of all parts read */
	unsigned	ratio;		/* uncompressed / compressed, per part */
	size_t		strings;	/* shared strings */
	size_t		string_bytes;	/* their total bytes */
	size_t		cells;		/* cells with a value, per sheet */
	size_t		book_cells;	/* the same, in the whole workbook */
	unsigned	rows;		/* highest row number */
	unsigned	cols;		/* highest column number */
	size_t		text;		/* bytes of one cell's (or string's) text */
	unsigned	depth;		/* XML element nesting */
	size_t		sheets;		/* sheets in the workbook */
	size_t		names;		/* defined names */
};

void	xlsx_limits_default(struct xlsx_limits *);

enum xlsx_type {
	XLSX_NUMBER,		/* t="n" or none: the number's text, e.g. "12.5" */
	XLSX_SHARED,		/* t="s": the shared string's text */
	XLSX_INLINE,		/* t="inlineStr": the inline text */
	XLSX_STR,		/* t="str": a formula's text result */
	XLSX_BOOL,		/* t="b": "0" or "1" */
	XLSX_ERROR,		/* t="e": "#DIV/0!" … */
	XLSX_DATE,		/* t="d": an ISO 8601 text */
};

struct xlsx_cell {
	unsigned	 row;		/* from 1 */
	unsigned	 col;		/* from 1 (A) */
	char		 ref[XLSX_REF_MAX];	/* "E7" */
	enum xlsx_type	 type;
	int		 formula;	/* has <f>: value is the cached result */
	unsigned	 style;		/* s="": index into the cell formats */
	const char	*value;		/* never NULL; UTF-8 */
};

/* A merged range, first and last cell inclusive. */
struct xlsx_merge {
	unsigned	 row1, col1, row2, col2;
};

enum xlsx_state {
	XLSX_VISIBLE,
	XLSX_HIDDEN,
	XLSX_VERY_HIDDEN,	/* hidden and not listed by Excel's 取消隐藏 */
};

struct xlsx_sheet {
	char			*name;
	enum xlsx_state		 state;
	int			 worksheet;	/* 0 for a chart or dialog sheet */
	struct xlsx_cell	*cells;		/* by row, then column */
	size_t			 ncells;
	struct xlsx_merge	*merges;
	size_t			 nmerges;
};

/* <definedName>: sheet is the index of the sheet it is local to, or -1. */
struct xlsx_name {
	char	*name;
	char	*value;		/* e.g. "填报表!$A$1:$J$20" */
	int	 sheet;
	int	 hidden;
};

struct xlsx_book {
	struct xlsx_sheet	*sheets;	/* in the workbook's order */
	size_t			 nsheets;
	struct xlsx_name	*names;
	size_t			 nnames;
	/* private */
	char			**strings;
	size_t			 nstrings;
};

/*
 * Reads the workbook in buf[0..len) (not copied, not kept).  lim may be
 * NULL for the defaults.  Returns the book, or NULL with *cause set to an
 * allocated Chinese message: what was wrong or too big, where (the part,
 * its line and column for bad XML; the sheet and cell, "填报表!E7", for a
 * cell).  Nothing is left allocated on failure.
 */
struct xlsx_book	*xlsx_read(const void *buf, size_t len,
			    const struct xlsx_limits *lim, char **cause);
void			 xlsx_free(struct xlsx_book *);

/* The sheet of that name, or NULL. */
const struct xlsx_sheet	*xlsx_sheet(const struct xlsx_book *, const char *name);
/* The cell at row, col (from 1), or NULL when it holds no value. */
const struct xlsx_cell	*xlsx_cell(const struct xlsx_sheet *, unsigned row,
			    unsigned col);
/* The merged range holding row, col, or NULL. */
const struct xlsx_merge	*xlsx_merged(const struct xlsx_sheet *, unsigned row,
			    unsigned col);

/* Writes "E7" for row 7, column 5 into ref (XLSX_REF_MAX bytes). */
void	xlsx_ref(unsigned row, unsigned col, char *ref);
/*
 * Parses an A1 reference ("E7", "$E$7"); 0 with *row and *col set (from
 * 1), or -1 when it is not one or lies beyond XFD1048576.
 */
int	xlsx_parse_ref(const char *s, unsigned *row, unsigned *col);

#endif
