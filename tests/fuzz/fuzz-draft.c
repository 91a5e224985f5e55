/*
 * libFuzzer harness for plan drafts (lib/plan/draft.h) and the DOCX text
 * reader (lib/sheet/docx.h): any bytes, read as a DOCX when they look
 * like a zip package and as text otherwise, then drafted.  A refusal must
 * say why; a draft must be a valid plan file (plan_parse takes it: no
 * errors; warnings may be), never a crash, a leak or a hang.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "docx.h"
#include "draft.h"
#include "plan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct draft_opts	 o = { .file = "fuzz.txt", .year = 2026 };
	struct draft		 dr;
	struct diags		 d;
	char			*text, *cause = NULL;
	size_t			 tlen;
	int			 unsupported;
	json_t			*p;

	text = docx_document_text(NULL, (const char *)data, size, &tlen,
	    &unsupported, &cause);
	if (text == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		return (0);
	}
	if (draft_make(text, tlen, &o, &dr, &cause) != 0) {
		free(text);
		if (cause == NULL)
			abort();	/* a refusal always says why */
		free(cause);
		return (0);
	}
	free(text);
	diags_init(&d);
	p = plan_parse("draft.yaml", dr.yaml, dr.len, &d);
	if (p == NULL) {
		fwrite(dr.yaml, 1, dr.len, stderr);
		diags_print(&d, stderr);
		abort();	/* every draft passes plan check */
	}
	json_decref(p);
	diags_free(&d);
	draft_free(&dr);
	return (0);
}
