/*
 * libevent's own error pages, as problem+json.
 *
 * libevent 2.1 answers a request it cannot read (a malformed request
 * line or header, a head past max_headers, a body past its body limit,
 * an Expect it does not know, a method not allowed) with an HTML page of
 * its own, and has no callback that would let duband answer instead
 * (2.2 has evhttp_set_errorcb).  Such a request never reaches duband's
 * handler; its answer does pass through the connection's filter
 * (upload.c) on its way out, whole, before the first byte is written.
 * There it is recognised by its exact form (a status of 400 or more,
 * Content-Type text/html and libevent's "<HTML><HEAD>\n<TITLE>" body)
 * and replaced by a problem+json of the same status, in Chinese, with
 * Connection: close, as libevent's was.
 *
 * Pure (no libevent): called by upload.c's output filter; calls xmalloc.
 */
#ifndef DUBAN_CONN_ERRORS_H
#define DUBAN_CONN_ERRORS_H

#include <stddef.h>

/*
 * p[0..len) is what is about to be written to a connection.  If it
 * begins with one of libevent's error pages, whole, the page's length in
 * *used and the answer to send instead (the caller frees it; *outlen its
 * length).  NULL otherwise: not one, or not yet whole.
 */
char	*conn_error_rewrite(const char *p, size_t len, size_t *used, size_t *outlen);

#endif
