/*
 * The malformed-plan corpus through `duban plan load`, next to a good
 * file: the user sees FILE:LINE:COLUMN and the database does not change.
 *
 * A refused load must change nothing, so every case can start from one
 * database (a good plan already loaded) and compare its fingerprint
 * before and after its own load: the run shares that database instead
 * of making one per case, which cost more than the case itself.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "support.h"
#include "xmalloc.h"

#include "bad-plans.h"

ParameterizedTestParameters(bad_plans_db, load_changes_nothing)
{
	return (bad_plans_params());
}

ParameterizedTest(struct bad_plan *c, bad_plans_db, load_changes_nothing,
    .timeout = 60)
{
	const char	*first[] = { "plan", "load", t_plan_files[3], NULL };
	const char	*args[] = { "plan", "load", t_plan_files[1], c->path, NULL };
	char		*db, *fp1, *fp2, *where;
	PGconn		*conn;
	struct t_run	 r;

	db = t_db_shared("bad_plans", first);
	conn = t_connect(db);
	fp1 = t_fingerprint(conn);

	t_cli(&r, db, args);
	cr_expect_eq(r.status, 65, "%s: exit %d\n%s", c->name, r.status, r.err);
	where = xprintf("%s:%d:%d: ", c->path, c->line, c->col);
	cr_expect(strncmp(r.err, where, strlen(where)) == 0,
	    "%s: stderr starts 「%.200s」, want 「%s」", c->name, r.err, where);
	cr_expect(strstr(r.err, c->msg) != NULL, "%s: 「%s」 not in 「%.300s」",
	    c->name, c->msg, r.err);
	t_run_free(&r);

	fp2 = t_fingerprint(conn);
	cr_expect_str_eq(fp1, fp2, "%s: the database changed", c->name);
	PQfinish(conn);
	free(where);
	free(fp1);
	free(fp2);
	free(db);
}
