/*
 * The text of a Word document (DOCX): word/document.xml's paragraphs and
 * tables, in document order, as plain UTF-8 text for the plan drafter
 * (draft.h).  A paragraph is a line; a table row is a line of cells
 * separated by tabs (a cell's own paragraphs joined by a space); line
 * breaks inside a paragraph are kept.  Deleted text (tracked changes)
 * and field codes are left out.
 *
 * Bounded like the XLSX reader (xlsx.h): the package's size, its number
 * of entries, the part's inflated size and compression ratio (zip
 * bombs), the XML's depth and the text's length; a DTD is refused.
 * Called by the CLI (duban plan draft) and duband (POST
 * /api/v1/plans/draft, on a worker); calls libzip and expat.
 */
#ifndef DUBAN_DOCX_H
#define DUBAN_DOCX_H

#include <stddef.h>

struct docx_limits {
	size_t		input;		/* bytes of the package */
	size_t		entries;	/* files in it */
	size_t		part;		/* inflated bytes of document.xml */
	unsigned	ratio;		/* inflated over compressed, above 1 MiB */
	unsigned	depth;		/* XML nesting */
	size_t		text;		/* bytes of text produced */
};

void	docx_limits_default(struct docx_limits *);

/*
 * The text of the DOCX in buf[0..len), NUL-terminated, its length in
 * *textlen; NULL with *cause (Chinese) when it is not a DOCX, is damaged
 * or breaks a limit.  lim may be NULL for the defaults.
 */
char	*docx_text(const char *buf, size_t len, const struct docx_limits *,
	    size_t *textlen, char **cause);

/*
 * Whether a document is a DOCX: by its name (.docx) when it has one,
 * otherwise by its first bytes (a zip package).
 */
int	docx_is(const char *name, const char *buf, size_t len);

/*
 * The text of a document: the DOCX's text, or a copy of a text file's
 * bytes.  NULL with *cause, and *unsupported set when the document is of
 * a kind not read at all (.doc, .pdf, .wps: 415), not set when it is
 * damaged or too large.
 */
char	*docx_document_text(const char *name, const char *buf, size_t len,
	    size_t *textlen, int *unsupported, char **cause);

#endif
