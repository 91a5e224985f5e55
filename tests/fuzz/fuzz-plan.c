/*
 * libFuzzer harness for the plan reader (lib/plan/plan.h, plan_parse):
 * any bytes as a plan file.
 */
#include <stdint.h>
#include <stdlib.h>

#include <jansson.h>

#include "diag.h"
#include "plan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diags	 d;
	json_t		*plan;

	diags_init(&d);
	plan = plan_parse("fuzz.yaml", (const char *)data, size, &d);
	if (plan == NULL && d.n == 0)
		abort();	/* a refusal always says why */
	json_decref(plan);
	diags_free(&d);
	return (0);
}
