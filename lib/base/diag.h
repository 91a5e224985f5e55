/*
 * Diagnostics: problems found in an input file, each with a position,
 * printed as "FILE:LINE:COLUMN: message" (lines and columns from 1,
 * columns counted in characters).  A problem is an error (the input is
 * refused) or a warning (printed "FILE:LINE:COLUMN: 警告：message"; the
 * input is accepted unless the caller is strict, as `duban plan check
 * --strict` is).  Whether reading failed is diags_errors(), never n.
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
/* The errors added so far, including any dropped past DIAG_MAX. */
size_t	diags_errors(const struct diags *);
/* The warnings kept. */
size_t	diags_warnings(const struct diags *);
void	diags_print(const struct diags *, FILE *);

#endif
