/*
 * The recall and precision of plan drafts (duban plan draft) on the seed
 * documents, against the shipped plans: one line per document and
 * category.  Run by bench/draft.sh; the same comparison as the test
 * (tests/unit/draft-score.c).
 *
 *   duban-bench-draft SOURCE_DIR
 */
#include <stdio.h>
#include <stdlib.h>

#include "draft-score.h"
#include "xmalloc.h"

/* Each seed document and the plan file that encodes it. */
static const char *const seeds[][2] = {
	{ "000_d8a89db21b80236c.txt", "changchun-2017.yaml" },
	{ "001_d618e1061caa3645.txt", "baicheng-poverty.yaml" },
	{ "002_1c6724350794c90f.txt", "jilin-2012.yaml" },
	{ "003_60d147740aca6742.txt", "linyi-2019.yaml" },
	{ "004_127a49a51ad6add9.txt", "changchun-2021.yaml" },
};

int
main(int argc, char **argv)
{
	struct score	 s;
	char		*doc, *plan, *cause = NULL;
	int		 rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: duban-bench-draft SOURCE_DIR\n");
		return (64);
	}
	printf("%-26s %-12s %6s %6s %9s %9s\n", "document", "category",
	    "recall", "prec.", "found", "drafted");
	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
		doc = xprintf("%s/tests/fixtures/seeds/%s", argv[1], seeds[i][0]);
		plan = xprintf("%s/plans/%s", argv[1], seeds[i][1]);
		/* The year a draft takes when its document states none. */
		if (score_seed(doc, plan, 2026, &s, &cause) != 0) {
			fprintf(stderr, "%s: %s\n", doc, cause);
			free(cause);
			rc = 1;
		} else {
			for (int c = 0; c < SC_COUNT; c++)
				printf("%-26s %-12s %6.2f %6.2f %4zu/%-4zu %9zu\n",
				    seeds[i][0], score_names[c],
				    score_recall(&s, c), score_precision(&s, c),
				    s.hit[c], s.shipped[c], s.drafted[c]);
			printf("%-26s %-12s %s\n", seeds[i][0], "year",
			    s.year_right ? "right" : "wrong");
			printf("%-26s %-12s %zu%s\n", seeds[i][0], "checks",
			    s.checks, s.problems ? "  (plan check FAILS)" : "");
			if (s.problems)
				fputs(s.problems, stderr);
			free(s.problems);
		}
		free(doc);
		free(plan);
	}
	return (rc);
}
