/*
 * libFuzzer harness for the XLSX reader (lib/sheet/xlsx.h): any bytes,
 * read with limits a little below the defaults so that one input stays
 * fast; every refusal must be a message, never a crash or a leak.
 */
#include <stdint.h>
#include <stdlib.h>

#include "xlsx.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlsx_limits	 lim;
	struct xlsx_book	*b;
	char			*cause = NULL;

	xlsx_limits_default(&lim);
	lim.part = 8u << 20;
	lim.total = 16u << 20;
	b = xlsx_read(data, size, &lim, &cause);
	if (b == NULL) {
		if (cause == NULL)
			abort();	/* a refusal always says why */
		free(cause);
		return (0);
	}
	for (size_t i = 0; i < b->nsheets; i++) {
		const struct xlsx_sheet *sh = &b->sheets[i];

		for (size_t k = 0; k < sh->ncells; k++)
			if (xlsx_cell(sh, sh->cells[k].row,
			    sh->cells[k].col) != &sh->cells[k])
				abort();	/* sorted, no duplicates */
		for (size_t k = 0; k < sh->nmerges; k++)
			if (xlsx_merged(sh, sh->merges[k].row2,
			    sh->merges[k].col2) == NULL)
				abort();
	}
	xlsx_free(b);
	return (0);
}
