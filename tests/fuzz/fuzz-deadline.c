/*
 * libFuzzer harness for the deadline forms (lib/plan/deadline.h): the
 * first byte picks the plan's year (2000-2063), the rest is the form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "deadline.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ymd	 out;
	char		*form, *cause = NULL;
	int		 year;

	if (size == 0)
		return (0);
	year = 2000 + (data[0] & 63);
	if ((form = malloc(size)) == NULL)
		return (0);
	memcpy(form, data + 1, size - 1);
	form[size - 1] = '\0';
	if (deadline_parse(form, year, &out, &cause) == 0) {
		if (cause != NULL || out.y < year || out.y > year + 10)
			abort();
	} else {
		if (cause == NULL)
			abort();
		free(cause);
	}
	free(form);
	return (0);
}
