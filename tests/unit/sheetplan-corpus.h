/*
 * The malformed 任务分解表 corpus: a small valid workbook (corpus_base)
 * described cell by cell, and 40-odd mutations of it, each with the cell
 * its refusal must name and a phrase it must say.  Workbooks are built
 * at test time with libxlsxwriter (corpus_build); the few that no
 * writer makes (a zip bomb, broken XML, not a zip) are made with zipw.
 * Used by the unit test (the message) and the integration test (the
 * database unchanged after `duban plan load`).
 */
#ifndef DUBAN_TEST_SHEETPLAN_CORPUS_H
#define DUBAN_TEST_SHEETPLAN_CORPUS_H

#include <stddef.h>

#define CORPUS_CELLS	64
#define CORPUS_MERGES	16
#define CORPUS_SHEETS	8

/* A cell: "#123" a number, "=A1" a formula, "!TRUE" a boolean, else text. */
struct corpus_cell {
	char		 ref[8];
	const char	*value;
};

struct corpus_sheet {
	const char		*name;
	struct corpus_cell	 cells[CORPUS_CELLS];
	size_t			 ncells;
	const char		*merges[CORPUS_MERGES];	/* "A2:A3" */
	size_t			 nmerges;
};

struct corpus_book {
	struct corpus_sheet	 sheets[CORPUS_SHEETS];
	size_t			 nsheets;
	int			 raw;	/* 1 bomb, 2 bad XML, 3 not a zip */
};

struct corpus_case {
	const char	*name;
	void		(*mutate)(struct corpus_book *);
	const char	*where;		/* "任务分解表!E2", or "b.xlsx: " */
	const char	*says;
};

extern const struct corpus_case	corpus_cases[];
extern const size_t		corpus_ncases;

void	 corpus_base(struct corpus_book *);
/* The workbook, malloc'd, its length in *len. */
char	*corpus_build(const struct corpus_book *, size_t *len);

#endif
