/*
 * libFuzzer harness for the rewrite of libevent's own error pages
 * (daemon/conn-errors.h), over whatever bytes could be on their way out
 * of a connection.  When it takes a page, it takes no more than it was
 * given, and what it answers instead is one whole HTTP/1.x problem+json
 * whose Content-Length is its body's; never a crash, a leak or a read
 * past the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conn-errors.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*copy, *out;
	const char	*body, *cl;
	size_t		 used, outlen;

	/* Exactly size bytes, so that ASan sees any read past them. */
	copy = malloc(size ? size : 1);
	memcpy(copy, data, size);
	out = conn_error_rewrite(copy, size, &used, &outlen);
	free(copy);
	if (out == NULL)
		return (0);
	if (used > size || used < 12 || outlen != strlen(out) ||
	    strncmp(out, "HTTP/1.", 7) != 0 ||
	    strstr(out, "\r\nContent-Type: application/problem+json") == NULL ||
	    (body = strstr(out, "\r\n\r\n")) == NULL ||
	    (cl = strstr(out, "\r\nContent-Length: ")) == NULL ||
	    strtoul(cl + 18, NULL, 10) != strlen(body + 4))
		abort();
	free(out);
	return (0);
}
