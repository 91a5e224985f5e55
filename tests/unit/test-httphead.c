/*
 * An upload request's head as duband's connection filter reads it and
 * what evhttp is given instead (lib/base/httphead.h).
 */
#include <string.h>

#include <criterion/criterion.h>

#include "httphead.h"

static const char MARK[] = "X-Duban-Upload: 00000000000000aa";

static void
parse(const char *head, struct httphead *h)
{
	httphead_parse(head, strlen(head), MARK, h);
}

Test(httphead, rewritten_without_its_body)
{
	struct httphead	 h;

	parse("POST /api/v1/targets/3/files?name=a.pdf HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5328\r\nExpect: 100-continue\r\nX-Duban-Upload: forged\r\n"
	    "Authorization: Bearer t\r\n\r\n", &h);
	cr_assert_null(h.problem);
	cr_expect_eq(h.length, 5328);
	cr_expect_eq(h.expect, 1);
	cr_expect_str_eq(h.rewritten, "POST /api/v1/targets/3/files?name=a.pdf HTTP/1.1\r\n"
	    "Host: x\r\nAuthorization: Bearer t\r\nContent-Length: 0\r\n"
	    "X-Duban-Upload: 00000000000000aa\r\n\r\n");
	httphead_free(&h);
	/* Bare LF line ends, as evhttp takes them too. */
	parse("POST /x HTTP/1.1\nContent-Length:  7 \n\n", &h);
	cr_expect_null(h.problem);
	cr_expect_eq(h.length, 7);
	httphead_free(&h);
}

Test(httphead, what_cannot_be_framed_is_a_problem)
{
	static const char *const bad[] = {
		"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
		"POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		"POST /x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
		"POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"POST /x HTTP/1.1\r\nContent-Length: 5\r\n Folded: on\r\n\r\n",
		"POST /x HTTP/1.1\r\nNo colon here\r\n\r\n",
		"POST /x HTTP/1.1\r\nA\x01: b\r\n\r\n",
		"POST /x\rY HTTP/1.1\r\n\r\n",
		"",
	};
	struct httphead	 h;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		parse(bad[i], &h);
		cr_expect_not_null(h.problem, "case %zu taken", i);
		cr_expect_null(memchr(h.rewritten, '\r', strlen(h.rewritten) - 1) == NULL ? NULL :
		    strstr(h.rewritten, "\r\r"), "case %zu: %s", i, h.rewritten);
		httphead_free(&h);
	}
}
