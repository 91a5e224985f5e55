/*
 * What the files of the plan drafter share (draft.c: paragraphs and
 * the outline; draft-mark.c: item numbers and field labels; draft-scan.c:
 * the header, tables, offices and deadlines; draft-target.c: targets;
 * draft-emit.c: the YAML).  Not for use outside them.
 */
#ifndef DUBAN_DRAFT_INT_H
#define DUBAN_DRAFT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "draft.h"

struct str {
	char	*s;
	size_t	 n, cap;
};

/* The kinds of item numbers, in no particular order: the document's
 * own order of use makes the outline. */
enum mk {
	MK_NONE = 0,
	MK_CN,		/* 一、 */
	MK_PCN,		/* （一） */
	MK_AR,		/* 1. 1、 */
	MK_PAR,		/* （1） ⑴ */
	MK_CIRC,	/* ① */
	MK_TASKN,	/* 年度任务一： */
	MK_COUNT,
	MK_ROOT
};

/* The labelled fields of an item; L_BODY is its unlabelled text. */
enum lab {
	L_NONE = 0,
	L_BODY,
	L_GOAL,
	L_WORK,
	L_MEAS,
	L_DEADLINE,
	L_LEADERS,
	L_LEAD,
	L_RESP,
	L_COORD,
	L_COUNT
};

enum role { R_NONE = 0, R_TASK, R_SUBTASK, R_SECTION, R_FOLDED };

struct node {
	enum mk		 kind;
	char		*number;
	char		*head;		/* the heading or first sentence */
	struct node	*parent;
	struct node	**kids;
	size_t		 nkids;
	size_t		 id;
	int		 depth;		/* the root 0 */
	struct str	 f[L_COUNT];
	unsigned	 fields;	/* bit per labelled field present */
	enum lab	 cur;		/* where plain paragraphs go */
	enum lab	 in_field;	/* the parent's field it began in */
	int		 marked_fields;	/* has "⑴工作目标：" style fields */
	enum role	 role;
	char		*key;		/* for the YAML */
	int		 head_cut;	/* head is a long sentence's first clause */
};

struct office {
	char		*name;
	char		*full;		/* the full name it abbreviates, or NULL */
	int		 used;		/* named in a task */
};

struct doc {
	const struct draft_opts	*opts;
	char		**para;
	size_t		 npara;
	struct node	*root;
	struct node	**nodes;
	size_t		 nnodes;
	char		*title, *issuer, *docnum, *issued, *kind;
	int		 year;
	int		 fallback_year;	/* opts->year within a plan's range */
	const char	*title_check, *issuer_check, *year_check;
	struct office	*offices;
	size_t		 noffices;
};

/* One person or office of a role line. */
struct who {
	char	*office;
	char	*person;
	int	 unsure;
};

/* A target found in a task's text. */
struct target {
	char	*value;		/* as a YAML number */
	char	*unit;
	const char *kind;	/* count, amount, ratio, rate */
	const char *qual;	/* or NULL */
	char	*baseline;	/* or NULL */
	char	*name;
	char	*text;
	int	 unsure;	/* the unit was inferred */
};

/* An item number read (draft-mark.c). */
struct mark {
	enum mk		 kind;
	char		*number;	/* as written, without its 、 or . */
	const char	*rest;		/* the text after the mark */
};

/* draft.c */
void		 str_add(struct str *, const char *, size_t);
void		 str_adds(struct str *, const char *);
int		 starts(const char *, const char *);
int		 ends(const char *, const char *);
uint32_t	 cp_at(const char *, size_t *);
int		 is_han(uint32_t);
char		*despace(const char *);
int		 is_title_line(const char *);
void		 doc_free(struct doc *);
/* draft-mark.c */
int		 is_cn_digit(uint32_t);
int		 mark_at(const char *, struct mark *);
int		 is_marked(const char *);
enum lab	 label_at(const char *, const char **);
const char	*label_name(enum lab);
size_t		 open_paren_len(const char *);
size_t		 close_paren_len(const char *);

/* draft-scan.c */
char		**tables(char **, size_t *);
void		 header(struct doc *, const char *, size_t);
struct who	*who_list(const char *, size_t *);
char		**name_list(const char *, size_t *);
void		 who_free(struct who *, size_t);
void		 names_free(char **, size_t);
const char	*office_note(struct doc *, const char *);
void		 offices_collect(struct doc *);
void		 offices_free(struct doc *);
char		*deadline_find(const char *, int, int *);
char		*body_deadline(const char *, int);
int		 cps_le(const char *, size_t);
struct who	*subjects_find(const char *, size_t *);

/* draft-target.c */
struct target	*targets_find(const struct node *, size_t *);
void		 targets_free(struct target *, size_t);

/* draft-emit.c */
void		 emit(struct doc *, struct draft *);

#endif
