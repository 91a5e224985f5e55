/*
 * libFuzzer harness for an upload request's head as duband's connection
 * filter reads it (lib/base/httphead.h).  Whatever the bytes, the head
 * evhttp is given is well framed: header lines end in CRLF, it ends with
 * the empty line, it says Content-Length: 0 exactly once and names the
 * upload; no NUL, CR or LF inside a line; a problem or a length >= 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httphead.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char MARK[] = "X-Duban-Upload: 0123456789abcdef";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct httphead	 h;
	const char	*p, *q, *end;
	int		 lengths = 0;

	httphead_parse((const char *)data, size, MARK, &h);
	if (h.rewritten == NULL || h.len < 4 || memchr(h.rewritten, '\0', h.len) != NULL ||
	    memcmp(h.rewritten + h.len - 4, "\r\n\r\n", 4) != 0)
		abort();
	end = h.rewritten + h.len;
	/* Every LF ends a line with CR before it; no lone CR. */
	for (p = h.rewritten; p < end; p++) {
		if (*p == '\n' && (p == h.rewritten || p[-1] != '\r'))
			abort();
		if (*p == '\r' && (p + 1 == end || p[1] != '\n'))
			abort();
	}
	/* After the request line, each line is "Name: value"; one says
	 * Content-Length, and it says 0. */
	p = memchr(h.rewritten, '\n', h.len) + 1;
	while (p < end - 2) {
		q = memchr(p, '\r', (size_t)(end - p));
		if (q == p)
			break;
		if (memchr(p, ':', (size_t)(q - p)) == NULL)
			abort();
		if ((size_t)(q - p) >= 15 && strncasecmp(p, "content-length:", 15) == 0) {
			if ((size_t)(q - p) != 17 || p[16] != '0')
				abort();
			lengths++;
		}
		p = q + 2;
	}
	if (lengths != 1 || strstr(h.rewritten, MARK) == NULL)
		abort();
	if (h.problem == NULL && h.length < 0)
		abort();
	httphead_free(&h);
	return (0);
}
