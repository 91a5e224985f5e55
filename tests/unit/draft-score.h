/*
 * How good a plan draft is: the draft of a seed document (draft.h)
 * compared with the plan file encoding the same document (a file in plans/),
 * both read by the plan reader (plan.h), for tasks (number and title),
 * targets (value and unit, within matched tasks), lead offices,
 * responsible offices and deadlines (as dates: each task's deadline
 * form, or the latest of its subtasks', parsed with deadline.h against
 * the shipped plan's year, so that the year a draft guesses is judged
 * once, in year_right, and not again in every deadline).  Used by tests/unit/test-draft.c and bench/draft.c.
 */
#ifndef DUBAN_TEST_DRAFT_SCORE_H
#define DUBAN_TEST_DRAFT_SCORE_H

#include <stddef.h>

enum score_cat { SC_TASKS, SC_TARGETS, SC_LEAD, SC_RESP, SC_DEADLINE,
	SC_COUNT };

extern const char *const score_names[SC_COUNT];

struct score {
	size_t	 hit[SC_COUNT];		/* found in both */
	size_t	 drafted[SC_COUNT];	/* in the draft */
	size_t	 shipped[SC_COUNT];	/* in the plan file */
	size_t	 checks;		/* 待核对 comments */
	int	 year_right;		/* the draft's year is the plan's */
	char	*problems;		/* the diagnostics when plan check refuses
					   the draft (errors),
					   or NULL when it is valid */
};

/* Recall and precision; 1 when there is nothing to find (or nothing was
 * drafted). */
double	score_recall(const struct score *, enum score_cat);
double	score_precision(const struct score *, enum score_cat);

/*
 * Drafts the document at doc (with year as the fallback year) and scores
 * it against the plan file at plan.  Returns 0, or -1 when a file cannot
 * be read or the draft fails (*cause set).
 */
int	score_seed(const char *doc, const char *plan, int year,
	    struct score *, char **cause);

#endif
