/*
 * Prints one of the shared queries (lib/store/query.c) as a pgbench script, its
 * $n parameters replaced by pgbench variables :p1, :p2, … (or NULL for
 * those named on the command line as absent), so pgbench runs exactly
 * the statement duband runs.
 *
 *   duban-bench-sql task-list 2 3 4 5    (parameters 2-5 are NULL)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

int
main(int argc, char **argv)
{
	const char	*q, *p;
	int		 i, n, null[10] = { 0 };

	if (argc < 2) {
		fprintf(stderr, "usage: duban-bench-sql task-list|milestone-patch|todo|office-batch [NULL-param ...]\n");
		return (64);
	}
	if (strcmp(argv[1], "task-list") == 0)
		q = QUERY_TASK_LIST;
	else if (strcmp(argv[1], "milestone-patch") == 0)
		q = QUERY_MILESTONE_PATCH;
	else if (strcmp(argv[1], "todo") == 0)
		q = QUERY_TODO;
	else if (strcmp(argv[1], "office-batch") == 0)
		q = QUERY_OFFICE_BATCH;
	else
		return (64);
	for (i = 2; i < argc; i++)
		if ((n = atoi(argv[i])) > 0 && n < 10)
			null[n] = 1;
	for (p = q; *p != '\0'; p++) {
		if (*p == '$' && isdigit((unsigned char)p[1])) {
			n = p[1] - '0';
			if (null[n])
				fputs("NULL", stdout);
			else
				printf(":p%d", n);
			p++;
			continue;
		}
		putchar(*p);
	}
	printf(";\n");
	return (0);
}
