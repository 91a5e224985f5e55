/*
 * The malformed-plan corpus (tests/fixtures/bad-plans): one case per
 * file.  Each file's first line says what the checker must report:
 *	# expect: LINE:COLUMN: part of the message
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "diag.h"
#include "plan.h"
#include "support.h"

#include "bad-plans.h"

ParameterizedTestParameters(bad_plans, reported_where_and_what)
{
	return (bad_plans_params());
}

ParameterizedTest(struct bad_plan *c, bad_plans, reported_where_and_what)
{
	struct diags	 d;
	json_t		*p;

	diags_init(&d);
	p = plan_read_file(c->path, &d);
	cr_expect_null(p, "%s: accepted", c->name);
	cr_assert_geq(d.n, 1, "%s: no problem reported", c->name);
	cr_expect_eq(d.v[0].line, c->line, "%s: line %d, want %d (%s)", c->name,
	    d.v[0].line, c->line, d.v[0].msg);
	cr_expect_eq(d.v[0].col, c->col, "%s: column %d, want %d (%s)", c->name,
	    d.v[0].col, c->col, d.v[0].msg);
	cr_expect(strstr(d.v[0].msg, c->msg) != NULL, "%s: 「%s」 lacks 「%s」",
	    c->name, d.v[0].msg, c->msg);
	json_decref(p);
	diags_free(&d);
}
