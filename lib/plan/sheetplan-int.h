/*
 * Inside the 任务分解表 (sheetplan.h).  Its sheets and columns
 * (sheetplan-cols.c), shared by the reader and the writer
 * (sheetplan-write.c): one table, so what is written is what is read,
 * and the template's 说明 sheet says what the reader accepts.  The
 * reader's parts: sheetplan-table.c reads cells, header rows, merged
 * ranges and the simple sheets into tree nodes; sheetplan.c the
 * 任务分解表 itself and the whole.
 */
#ifndef DUBAN_SHEETPLAN_INT_H
#define DUBAN_SHEETPLAN_INT_H

#include <stddef.h>

#include <jansson.h>

#include "diag.h"
#include "ytree.h"

struct xlsx_book;
struct xlsx_cell;
struct xlsx_sheet;

enum sp_kind {
	SP_TEXT,	/* text (a number cell is read as its digits) */
	SP_NUM,		/* a number cell: never text, never a formula */
	SP_DATE,	/* a deadline form or date as text, or a date cell */
	SP_LIST,	/* names separated by 、 ， ； or line breaks */
	SP_ENUM,	/* one of labels (Chinese) or of their codes */
	SP_SHOWN,	/* written by the export for people to read, never
			 * read back: a re-import ignores what it holds */
};

struct sp_col {
	const char		*head;	/* the header as written */
	const char		*key;	/* the plan format's field */
	enum sp_kind		 kind;
	int			 task;	/* 任务分解表: a task's, not a target's */
	double			 width;	/* in characters */
	const char		*help;	/* for the 说明 sheet */
	const char *const	*labels;	/* SP_ENUM: label, code, …, NULL */
};

struct sp_sheet {
	const char		*name;
	const struct sp_col	*cols;
	size_t			 ncols;
	const char		*help;	/* what the sheet holds */
};

/* The 任务分解表's columns, in the order written. */
enum sp_task_col {
	TC_NUMBER, TC_SECTION, TC_TITLE, TC_TEXT, TC_GOAL, TC_WORK,
	TC_MEASURES, TC_TNAME, TC_TVALUE, TC_TUNIT, TC_TTEXT, TC_DEADLINE,
	TC_DEADLINE_TEXT, TC_LEAD_OFFICE, TC_LEAD_PERSON, TC_RESP_OFFICE,
	TC_RESP_PERSON, TC_LEADERS, TC_COORD, TC_PHONE, TC_REPORT, TC_KEY,
	TC_PARENT, TC_TKEY, TC_TKIND, TC_TQUAL, TC_TBASE, TC_TDEADLINE,
	TC_LIGHT,
	TC_N
};

/* The 计划 sheet's 项目 (rows): A 项目, B 内容. */
enum sp_plan_row {
	PR_KEY, PR_TITLE, PR_YEAR, PR_YEAR_BASIS, PR_ISSUER, PR_ISSUER_KIND,
	PR_PARENT_ORG, PR_DOCNUM, PR_ISSUED_ON, PR_KIND, PR_SOURCE_FILE,
	PR_SOURCE_SHA, PR_SOURCE_NOTE, PR_DEFAULT_DEADLINE, PR_PREAMBLE,
	PR_EXT_REVIEW, PR_COMPLETION_REVIEW, PR_COMPLETION_EVIDENCE, PR_PHONE,
	PR_N
};

/* The sheets, in the order written; index 0 is the 任务分解表. */
enum sp_sheet_id {
	SH_TASKS, SH_PLAN, SH_SECTIONS, SH_MILESTONES, SH_OFFICES, SH_PEOPLE,
	SH_ROLES, SH_N
};

extern const struct sp_col	 sp_task_cols[TC_N];
extern const struct sp_col	 sp_plan_rows[PR_N];
extern const struct sp_sheet	 sp_sheets[SH_N];

/* The code of a label (or the code itself), or NULL. */
const char	*sp_code(const struct sp_col *, const char *text);
/* The label of a code, or the code when it has none. */
const char	*sp_label(const struct sp_col *, const char *code);

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

/*
 * A node's position is its cell: the row in the low ROW_BITS bits of its
 * line (Excel's last row, 1048576, fits), the sheet (enum sp_sheet_id)
 * above them, the column as its column.
 */
#define ROW_BITS	21
#define ROW_MASK	((1 << ROW_BITS) - 1)
#define POS(sheet, row)	((int)(((unsigned)(sheet) << ROW_BITS) | (row)))

/* One reading: the file, its problems, the workbook. */
struct task_row;
struct sp {
	const char		*file;
	struct diags		*d;
	const struct xlsx_book	*book;
	int			 failed;
	/* The 任务分解表's tasks, and their keys (key -> index). */
	struct task_row		*tasks;
	size_t			 ntasks;
	json_t			*keys;
};

/* A sheet's table: its header row, its columns, its merged ranges. */
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

/* Nodes of the tree (freed with ytree_free). */
struct ynode	*sp_node(enum ynode_type, int line, int col);
struct ynode	*sp_scalar(const char *, int plain, int line, int col);
/* Appends to a sequence (or a mapping's value: sp_put adds the key). */
void		 sp_push(struct ynode *, struct ynode *);
/* map[key] = v, the key node at v's cell. */
void		 sp_put(struct ynode *map, const char *key, struct ynode *v);
/* The mapping / sequence at key in map, made if it is not there. */
struct ynode	*sp_submap(struct ynode *map, const char *key, int line, int col);
struct ynode	*sp_subseq(struct ynode *map, const char *key, int line, int col);

/* A problem at a cell of a sheet, or of the whole workbook. */
void	 sp_err(struct sp *, enum sp_sheet_id, unsigned row, unsigned col,
	    const char *, ...) __attribute__((format(printf, 5, 6)));
void	 sp_book_err(struct sp *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

/* Whether text is empty or white space (U+3000 too). */
int	 sp_blank(const char *);
/* The cell holding (row, col)'s value (a merged range's first cell);
 * *merged when (row, col) is not that cell. */
const struct xlsx_cell *sp_cell_at(const struct table *, unsigned row,
	    unsigned col, int *merged);
/* The scalar of cell (row, col) read as column c, or NULL when empty or
 * wrong (reported). */
struct ynode	*sp_cell_node(struct sp *, const struct table *, unsigned row,
	    unsigned col, const struct sp_col *c);
/* A list cell split into a sequence (one name per line, or 、，；). */
struct ynode	*sp_list_node(const struct ynode *);
/* "；是否应为“X”" for the column most like head, or "" (allocated). */
char	*sp_suggest(const struct sp_col *, size_t, const char *head);
/* "序号、类别、…" (allocated). */
char	*sp_all_heads(const struct sp_col *, size_t);

/*
 * Reads the header row (on the 任务分解表, below an optional title
 * row), the merged ranges and every cell's place; required: headers that
 * must be there (NULL-terminated).  0, or -1 (reported).
 */
int	 sp_table_open(struct sp *, struct table *, enum sp_sheet_id,
	    const struct xlsx_sheet *, const char *const *required);
void	 sp_table_close(struct table *);
/* The sheet column of field k, or 0. */
unsigned sp_col_of(const struct table *, size_t k);
/* Field k of row as a node, or NULL. */
struct ynode	*sp_field(struct sp *, const struct table *, unsigned row, size_t k);
/* Whether row holds nothing (through merges too). */
int	 sp_row_empty(const struct table *, unsigned row);
/* Field k of row into map under its key (a list split). */
void	 sp_put_field(struct sp *, const struct table *, struct ynode *map,
	    unsigned row, size_t k);
/* A simple sheet's rows as a sequence of mappings, or NULL (none, or
 * reported). */
struct ynode	*sp_read_rows(struct sp *, enum sp_sheet_id,
	    const char *const *required);
/* The 计划 sheet as the plan mapping, or NULL (reported). */
struct ynode	*sp_read_plan(struct sp *);

#endif
