/*
 * An upload request's head, read and rewritten (see httphead.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "httphead.h"
#include "xmalloc.h"

/* name (n bytes) is header h, case aside. */
static int
is(const char *name, size_t n, const char *h)
{
	return (strlen(h) == n && strncasecmp(name, h, n) == 0);
}

void
httphead_parse(const char *head, size_t len, const char *mark, struct httphead *out)
{
	char		*copy = xmalloc(len + 1), *line, *eol, *end, *colon, *v, *e;
	FILE		*f;
	size_t		 i, n;
	long long	 cl;
	int		 have_length = 0, chunked = 0, request = 0;

	memset(out, 0, sizeof *out);
	memcpy(copy, head, len);
	copy[len] = '\0';
	end = copy + len;
	f = open_memstream(&out->rewritten, &out->len);
	for (i = 0; i < len; i++)
		if ((copy[i] < ' ' && copy[i] != '\t' && copy[i] != '\r' && copy[i] != '\n') ||
		    copy[i] == 0x7f)
			out->problem = "请求头中有控制字符";
	for (line = copy; line < end; line = eol + 1) {
		if ((eol = memchr(line, '\n', (size_t)(end - line))) == NULL)
			break;
		*eol = '\0';
		if (eol > line && eol[-1] == '\r')
			eol[-1] = '\0';
		if (line == copy) {			/* the request line */
			for (v = line; *v != '\0'; v++)
				if (*v == '\r') {
					*v = ' ';
					out->problem = "请求行格式有误";
				}
			fprintf(f, "%s\r\n", line);
			request = 1;
			continue;
		}
		if (*line == '\0')
			break;
		if (*line == ' ' || *line == '\t' || strchr(line, '\r') != NULL ||
		    (colon = strchr(line, ':')) == NULL || colon == line) {
			out->problem = "请求头格式有误";
			continue;
		}
		n = (size_t)(colon - line);
		for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
			;
		for (e = v + strlen(v); e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		if (memchr(line, ' ', n) != NULL || memchr(line, '\t', n) != NULL) {
			out->problem = "请求头格式有误";
			continue;
		}
		if (is(line, n, "Content-Length")) {
			cl = 0;
			for (i = 0; v[i] != '\0' && i < 16; i++) {
				if (!isdigit((unsigned char)v[i]))
					break;
				cl = cl * 10 + (v[i] - '0');
			}
			if (i == 0 || v[i] != '\0' || (have_length && cl != out->length))
				out->problem = "Content-Length 有误";
			out->length = cl;
			have_length = 1;
		} else if (is(line, n, "Transfer-Encoding"))
			chunked = 1;
		else if (is(line, n, "Expect"))
			out->expect = strcasecmp(v, "100-continue") == 0;
		else if (!is(line, n, "X-Duban-Upload"))
			fprintf(f, "%.*s: %s\r\n", (int)n, line, v);
	}
	if (!request) {
		/* Not from the filter, which sends only whole heads. */
		out->problem = "请求行缺失";
		fprintf(f, "POST / HTTP/1.1\r\n");
	}
	if (chunked)
		out->problem = "上传文件须注明 Content-Length，不支持分块传输";
	fprintf(f, "Content-Length: 0\r\n%s\r\n\r\n", mark);
	fclose(f);
	free(copy);
}

void
httphead_free(struct httphead *h)
{
	free(h->rewritten);
	h->rewritten = NULL;
}
