#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xmalloc.h"

void
diags_init(struct diags *d)
{
	d->v = NULL;
	d->n = d->cap = 0;
	d->errors = 0;
	d->truncated = 0;
}

void
diags_free(struct diags *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
		free(d->v[i].sheet);
	}
	free(d->v);
	diags_init(d);
}

/* One problem, one line: control characters (C0, DEL, C1) in quoted input
 * are escaped. */
static char *
escape(const char *s)
{
	char	*out = xmalloc(4 * strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++) {
		unsigned char	 c = (unsigned char)*s;

		if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c == '\t') {
			*o++ = '\\';
			*o++ = 't';
		} else if (c == '\r') {
			*o++ = '\\';
			*o++ = 'r';
		} else if (c < 0x20 || c == 0x7f)
			o += sprintf(o, "\\x%02x", c);
		else if (c == 0xc2 && (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f)	/* C1: U+0080..U+009F */
			o += sprintf(o, "\\u%04x", (unsigned char)*++s);
		else
			*o++ = (char)c;
	}
	*o = '\0';
	return (out);
}

static void
diags_vadd(struct diags *d, int warning, const char *file, const char *sheet,
    int line, int col, const char *fmt, va_list ap)
{
	char	*msg;

	if (!warning)
		d->errors++;
	if (d->n >= DIAG_MAX) {
		d->truncated = 1;
		return;
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof *d->v);
	}
	d->v[d->n].file = xstrdup(file);
	d->v[d->n].line = line;
	d->v[d->n].col = col;
	d->v[d->n].warning = warning;
	d->v[d->n].sheet = sheet != NULL ? xstrdup(sheet) : NULL;
	xvasprintf(&msg, fmt, ap);
	d->v[d->n].msg = escape(msg);
	free(msg);
	d->n++;
}

void
diags_add(struct diags *d, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diags_vadd(d, 0, file, NULL, line, col, fmt, ap);
	va_end(ap);
}

void
diags_warn(struct diags *d, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	diags_vadd(d, 1, file, NULL, line, col, fmt, ap);
	va_end(ap);
}

void
diags_add_cell(struct diags *d, const char *file, const char *sheet,
    int row, int col, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	if (*sheet == '\0')
		row = 1, col = 0;
	diags_vadd(d, 0, file, sheet, row, col, fmt, ap);
	va_end(ap);
}

char *
diag_where(const struct diag *g)
{
	char		 letters[8];
	unsigned	 c;
	int		 i = (int)sizeof letters - 1;

	if (g->sheet == NULL)
		return (xprintf("%d:%d", g->line, g->col));
	if (*g->sheet == '\0')
		return (xstrdup(""));
	/* The column's letters, A to XFD, as xlsx_ref() writes them. */
	letters[i] = '\0';
	for (c = g->col > 0 ? (unsigned)g->col : 1; c > 0 && i > 0; c = (c - 1) / 26)
		letters[--i] = (char)('A' + (c - 1) % 26);
	return (xprintf("%s!%s%d", g->sheet, letters + i, g->line));
}

char *
diag_at(const struct diag *g)
{
	char	*where, *at;

	if (g->sheet != NULL && *g->sheet == '\0')
		return (xstrdup(g->file));
	where = diag_where(g);
	at = xprintf("%s:%s", g->file, where);
	free(where);
	return (at);
}

size_t
diags_errors(const struct diags *d)
{
	return (d->errors);
}

size_t
diags_warnings(const struct diags *d)
{
	size_t	 i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->v[i].warning;
	return (n);
}

void
diags_print(const struct diags *d, FILE *f)
{
	size_t	 i;
	char	*where;

	for (i = 0; i < d->n; i++) {
		where = diag_at(&d->v[i]);
		fprintf(f, "%s: %s%s\n", where, d->v[i].warning ? "警告：" : "",
		    d->v[i].msg);
		free(where);
	}
	if (d->truncated)
		fprintf(f, "（问题过多，只列出前 %d 个）\n", DIAG_MAX);
}
