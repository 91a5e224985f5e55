/*
 * The 任务分解表's sheets and columns, shared by its reader
 * (sheetplan.c) and its writer (sheetplan-write.c): one table, so what
 * is written is what is read, and the template's 说明 sheet says what
 * the reader accepts.
 */
#ifndef DUBAN_SHEETPLAN_INT_H
#define DUBAN_SHEETPLAN_INT_H

#include <stddef.h>

enum sp_kind {
	SP_TEXT,	/* text (a number cell is read as its digits) */
	SP_NUM,		/* a number cell: never text, never a formula */
	SP_DATE,	/* a deadline form or date as text, or a date cell */
	SP_LIST,	/* names separated by 、 ， ； or line breaks */
	SP_ENUM,	/* one of labels (Chinese) or of their codes */
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

#endif
