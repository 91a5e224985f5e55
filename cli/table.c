/*
 * Terminal output of user text: the tables the CLI prints (columns lined
 * up by display width, cells cut to a column's width) and term_printf,
 * the one way the show commands print what users wrote.  Both make
 * control characters visible (^[ for ESC, \u009b for C1) so that a
 * stored text cannot move the cursor, change colours or hide text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duban.h"
#include "log.h"
#include "utf8.h"
#include "xmalloc.h"

struct table {
	int	  ncols;
	char	**headers;
	int	 *maxwidth;	/* 0: no limit */
	char	***rows;
	size_t	  nrows, cap;
};

struct table *
table_new(int ncols, const char *const *headers, const int *maxwidth)
{
	struct table	*t = xcalloc(1, sizeof *t);
	int		 i;

	t->ncols = ncols;
	t->headers = xcalloc((size_t)ncols, sizeof *t->headers);
	t->maxwidth = xcalloc((size_t)ncols, sizeof *t->maxwidth);
	for (i = 0; i < ncols; i++) {
		t->headers[i] = xstrdup(headers[i]);
		t->maxwidth[i] = maxwidth ? maxwidth[i] : 0;
	}
	return (t);
}

/*
 * Writes s to f with the control characters other than newline and tab
 * made visible: C0 and DEL in caret notation (ESC is ^[, DEL ^?), C1
 * (U+0080..U+009F) as \u0080.
 */
void
term_puts(FILE *f, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;

	for (; *s != '\0'; s++) {
		if ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)
			fprintf(f, "^%c", *s ^ 0x40);
		else if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] <= 0x9f)
			fprintf(f, "\\u%04x", *++s);
		else
			fputc(*s, f);
	}
}

void
term_printf(FILE *f, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	term_puts(f, s);
	free(s);
}

/* Cells lose line breaks, show their controls and are cut to the
 * column's width. */
static char *
cell(const char *s, int max)
{
	char	*flat = NULL, *p, *out;
	size_t	 len = 0;
	FILE	*f = open_memstream(&flat, &len);

	if (f == NULL)
		fatal("open_memstream");
	term_puts(f, s ? s : "");
	fclose(f);
	for (p = flat; *p != '\0'; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	if (max <= 0)
		return (flat);
	out = utf8_truncate(flat, (size_t)max);
	free(flat);
	return (out);
}

void
table_add(struct table *t, const char *const *cells)
{
	int	 i;

	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
	}
	t->rows[t->nrows] = xcalloc((size_t)t->ncols, sizeof (char *));
	for (i = 0; i < t->ncols; i++)
		t->rows[t->nrows][i] = cell(cells[i], t->maxwidth[i]);
	t->nrows++;
}

static void
pad(FILE *f, const char *s, size_t width, int last)
{
	size_t	 w = utf8_width(s);

	fputs(s, f);
	if (last)
		return;
	for (; w < width + 2; w++)
		fputc(' ', f);
}

void
table_print(struct table *t, FILE *f)
{
	size_t	*width = xcalloc((size_t)t->ncols, sizeof *width), r, w;
	int	 i;

	for (i = 0; i < t->ncols; i++)
		width[i] = utf8_width(t->headers[i]);
	for (r = 0; r < t->nrows; r++)
		for (i = 0; i < t->ncols; i++)
			if ((w = utf8_width(t->rows[r][i])) > width[i])
				width[i] = w;
	for (i = 0; i < t->ncols; i++)
		pad(f, t->headers[i], width[i], i == t->ncols - 1);
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++)
			pad(f, t->rows[r][i], width[i], i == t->ncols - 1);
		fputc('\n', f);
	}
	free(width);
}

void
table_free(struct table *t)
{
	size_t	 r;
	int	 i;

	for (r = 0; r < t->nrows; r++) {
		for (i = 0; i < t->ncols; i++)
			free(t->rows[r][i]);
		free(t->rows[r]);
	}
	for (i = 0; i < t->ncols; i++)
		free(t->headers[i]);
	free(t->rows);
	free(t->headers);
	free(t->maxwidth);
	free(t);
}
