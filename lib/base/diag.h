/*
 * Diagnostics: problems found in an input file, each with a position,
 * printed as "FILE:LINE:COLUMN: message" (lines and columns from 1,
 * columns counted in characters).
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
	char	*msg;
};

struct diags {
	struct diag	*v;
	size_t		 n;
	size_t		 cap;
	int		 truncated;
};

void	diags_init(struct diags *);
void	diags_free(struct diags *);
void	diags_add(struct diags *, const char *file, int line, int col,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void	diags_print(const struct diags *, FILE *);
/* Where a problem is, as printed before its message ("FILE:LINE:COL";
 * just FILE for one about the whole file); allocated. */
char	*diag_where(const struct diag *);

#endif
