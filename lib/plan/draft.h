/*
 * Plan drafts: a document's text (a bureau's 工作方案, 工作要点, 实施意见
 * or 民生清单, as plain UTF-8 text) in, a YAML plan file (see
 * docs/plan-format.md) out, for a person to review and then load.
 *
 * The draft guesses what the document's layout says: the plan header
 * (title, issuer, 文号, year, date of issue), sections and tasks from the
 * numbering (一、 （一） 1. （1） ① 年度任务一：), titles, 工作目标 and the
 * other labelled fields, targets with their values and units, deadlines
 * (完成时限 lines, "X月底前完成" in the text), and the offices and people
 * of the 牵头处室 / 责任处室 / 责任科室 / 责任单位 / 责任领导 / 协调部门
 * lines, with a short form of an office's name tied to its full name.
 * Every guess it is not sure of carries a "# 待核对：…" comment.  The
 * draft passes `duban plan check` as written.
 *
 * Pure: no files, no clock, no database.  Time and memory are bounded
 * for any input (DRAFT_MAX_INPUT bytes, at most a few passes over it).
 * Called by the CLI (duban plan draft), duband (POST
 * /api/v1/plans/draft, on a worker) and the tests; calls deadline.h.
 */
#ifndef DUBAN_DRAFT_H
#define DUBAN_DRAFT_H

#include <stddef.h>

#define DRAFT_MAX_INPUT		(2u << 20)	/* bytes of text */

struct draft_opts {
	const char	*file;		/* the source file's name (source.file) */
	const char	*sha256;	/* its hash, or NULL: hash of the text */
	int		 year;		/* the year to use when the text has none */
};

struct draft {
	char		*yaml;		/* the plan file, NUL-terminated */
	size_t		 len;
	size_t		 checks;	/* how many "# 待核对" comments */
	size_t		 tasks;		/* how many tasks were found */
};

/*
 * Drafts a plan from text[0..len).  Returns 0 and fills *out (free with
 * draft_free), or -1 with *cause set to an allocated Chinese message
 * (text too long, not UTF-8, no numbered items found).
 */
int	draft_make(const char *text, size_t len, const struct draft_opts *,
	    struct draft *out, char **cause);
void	draft_free(struct draft *);

#endif
