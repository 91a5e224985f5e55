/*
 * The head of an upload request as duband's connection filter reads it
 * (daemon/upload.c), before evhttp does: the request line and the header
 * lines, each ending in LF or CRLF, up to the empty line.  What evhttp is
 * given instead is rewritten: the same request line and headers, without
 * Content-Length, Transfer-Encoding, Expect and X-Duban-Upload, then
 * "Content-Length: 0" and the line naming the upload.  Anything the
 * filter could not frame exactly — a folded line, a line without a
 * colon, a control character, two Content-Lengths that differ, a
 * chunked body — is a problem: the connection is answered and closed.
 *
 * Calls nothing but the C library; fuzzed (tests/fuzz/fuzz-httphead.c).
 */
#ifndef DUBAN_HTTPHEAD_H
#define DUBAN_HTTPHEAD_H

#include <stddef.h>

struct httphead {
	char		*rewritten;	/* the head evhttp is given */
	size_t		 len;
	long long	 length;	/* the body's Content-Length (0 if none) */
	int		 expect;	/* Expect: 100-continue */
	const char	*problem;	/* why the body cannot be taken, or NULL */
};

/* Reads len bytes of head; mark is the line that names the upload
 * ("X-Duban-Upload: …", without its line end). */
void	httphead_parse(const char *head, size_t len, const char *mark,
	    struct httphead *);
void	httphead_free(struct httphead *);

#endif
