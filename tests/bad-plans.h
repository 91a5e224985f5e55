/*
 * The malformed-plan corpus as Criterion parameters: read from the
 * fixture directory, one entry per file, with its expectation.
 */
#ifndef DUBAN_TEST_BAD_PLANS_H
#define DUBAN_TEST_BAD_PLANS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#define bad_plans_die(...) do {					\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

struct bad_plan {
	char	name[256];
	char	path[1536];
	int	line;
	int	col;
	char	msg[512];
};

static inline int
bad_plan_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct bad_plan *)a)->name,
	    ((const struct bad_plan *)b)->name));
}

/* Parameters live in memory Criterion shares with the test processes. */
static inline struct criterion_test_params
bad_plans_params(void)
{
	const char	*dir = DUBAN_SOURCE_DIR "/tests/fixtures/bad-plans";
	struct bad_plan	*v;
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0, cap = 128;
	char		 first[1024];
	FILE		*f;

	v = cr_malloc(cap * sizeof *v);
	if ((d = opendir(dir)) == NULL)
		bad_plans_die("%s: cannot open", dir);
	while ((de = readdir(d)) != NULL && n < cap) {
		size_t	 len = strlen(de->d_name);
		char	*p;

		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		memset(&v[n], 0, sizeof v[n]);
		snprintf(v[n].name, sizeof v[n].name, "%s", de->d_name);
		snprintf(v[n].path, sizeof v[n].path, "%s/%s", dir, de->d_name);
		if ((f = fopen(v[n].path, "rb")) == NULL ||
		    fgets(first, sizeof first, f) == NULL ||
		    sscanf(first, "# expect: %d:%d:", &v[n].line, &v[n].col) != 2 ||
		    (p = strchr(strchr(strchr(first, ':') + 1, ':') + 1, ':')) == NULL)
			bad_plans_die("%s: first line must be # expect: LINE:COL: text",
			    v[n].path);
		fclose(f);
		p++;
		while (*p == ' ')
			p++;
		p[strcspn(p, "\r\n")] = '\0';
		snprintf(v[n].msg, sizeof v[n].msg, "%s", p);
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof *v, bad_plan_cmp);
	return (cr_make_param_array(struct bad_plan, v, n, NULL));
}

#endif
