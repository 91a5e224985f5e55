/*
 * libevent's own error pages, as problem+json (see conn-errors.h).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conn-errors.h"
#include "xmalloc.h"

static const char PAGE[] = "<HTML><HEAD>\n<TITLE>";
static const char END[] = "</BODY></HTML>\n";

/* What each status libevent answers by itself means to the client. */
static void
words(int status, const char **reason, const char **title, const char **detail)
{
	switch (status) {
	case 400:
		*reason = "Bad Request";
		*title = "请求格式有误";
		*detail = "请求行或请求头无法解析（方法、地址、协议版本、请求头的格式或 Content-Length），或请求头超过上限";
		return;
	case 405:
	case 501:
		*reason = status == 405 ? "Method Not Allowed" : "Not Implemented";
		*title = "不支持的请求方法";
		*detail = "服务不支持该请求方法";
		return;
	case 413:
		*reason = "Payload Too Large";
		*title = "请求过大";
		*detail = "请求头或请求体超过服务允许的上限";
		return;
	case 417:
		*reason = "Expectation Failed";
		*title = "无法满足 Expect 请求头";
		*detail = "Expect 请求头只支持 100-continue";
		return;
	case 503:
		*reason = "Service Unavailable";
		*title = "服务暂时不可用";
		*detail = "服务繁忙，请稍后再试";
		return;
	}
	*reason = "Error";
	*title = "请求未能处理";
	*detail = "服务无法处理该请求";
}

/* The value of header name in the head h[0..len), or NULL; *vlen its length. */
static const char *
header(const char *h, size_t len, const char *name, size_t *vlen)
{
	const char	*p = h, *end = h + len, *eol;
	size_t		 n = strlen(name);

	while (p < end && (eol = memmem(p, (size_t)(end - p), "\r\n", 2)) != NULL) {
		if ((size_t)(eol - p) > n && p[n] == ':' && strncasecmp(p, name, n) == 0) {
			p += n + 1;
			while (p < eol && (*p == ' ' || *p == '\t'))
				p++;
			*vlen = (size_t)(eol - p);
			return (p);
		}
		p = eol + 2;
	}
	return (NULL);
}

char *
conn_error_rewrite(const char *p, size_t len, size_t *used, size_t *outlen)
{
	const char	*eoh, *ct, *cl, *reason, *title, *detail;
	size_t		 hlen, ctlen, cllen, blen = 0, i;
	char		*body, *out;
	int		 status;

	if (len < 12 || (strncmp(p, "HTTP/1.1 ", 9) != 0 && strncmp(p, "HTTP/1.0 ", 9) != 0))
		return (NULL);
	for (status = 0, i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return (NULL);
		status = status * 10 + (p[i] - '0');
	}
	if (status < 400 || (eoh = memmem(p, len, "\r\n\r\n", 4)) == NULL)
		return (NULL);
	hlen = (size_t)(eoh - p) + 4;
	if ((ct = header(p, hlen - 2, "Content-Type", &ctlen)) == NULL ||
	    ctlen != 9 || strncasecmp(ct, "text/html", 9) != 0)
		return (NULL);
	if ((cl = header(p, hlen - 2, "Content-Length", &cllen)) != NULL) {
		if (cllen == 0 || cllen > 6)
			return (NULL);
		for (i = 0; i < cllen; i++) {
			if (cl[i] < '0' || cl[i] > '9')
				return (NULL);
			blen = blen * 10 + (size_t)(cl[i] - '0');
		}
	} else {
		/* Refusing a HEAD request, libevent 2.1 leaves the length
		 * out and sends the page all the same: it is the rest, up
		 * to the page's end. */
		blen = len - hlen;
		if (blen < sizeof END - 1 ||
		    memcmp(p + len - (sizeof END - 1), END, sizeof END - 1) != 0)
			return (NULL);
	}
	if (len - hlen < blen || blen < sizeof PAGE - 1 ||
	    memcmp(p + hlen, PAGE, sizeof PAGE - 1) != 0)
		return (NULL);
	words(status, &reason, &title, &detail);
	body = xprintf("{\"type\":\"urn:duban:problem:%d\",\"title\":\"%s\",\"status\":%d,"
	    "\"detail\":\"%s\"}", status, title, status, detail);
	/* The version libevent answered with (that of the request). */
	out = xprintf("HTTP/1.%c %d %s\r\n"
	    "Content-Type: application/problem+json; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nCache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n%s",
	    p[7], status, reason, strlen(body), body);
	free(body);
	*used = hlen + blen;
	*outlen = strlen(out);
	return (out);
}
