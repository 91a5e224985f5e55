/*
 * The tests' HTTP client (libcurl) against a real duband: requests with
 * a token or a session, uploads, their status, headers and body; and a
 * token made with the CLI.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <criterion/criterion.h>
#include <curl/curl.h>

#include "support.h"
#include "xmalloc.h"

struct t_body {
	char	*buf;
	size_t	 len;
};

static size_t
t_collect(char *p, size_t size, size_t n, void *arg)
{
	struct t_body	*s = arg;

	s->buf = xreallocarray(s->buf, s->len + size * n + 1, 1);
	memcpy(s->buf + s->len, p, size * n);
	s->len += size * n;
	s->buf[s->len] = '\0';
	return (size * n);
}

void
t_http(struct t_http *h, const char *method, const char *url,
    const char *token, const char *body, const char *extra)
{
	t_http_bytes(h, method, url, token, body, body ? strlen(body) : 0, extra);
}

long
t_upload(const char *base, const char *path, const char *token, const char *name,
    const void *data, size_t len, const char *query, json_t **out)
{
	struct t_http	 h;
	CURL		*c = curl_easy_init();
	char		*n = curl_easy_escape(c, name, 0), *url;
	long		 status;

	url = xprintf("%s%s?name=%s%s", base, path, n, query ? query : "");
	curl_free(n);
	curl_easy_cleanup(c);
	t_http_bytes(&h, "POST", url, token, data, len,
	    "Content-Type: application/octet-stream");
	status = h.status;
	if (out != NULL) {
		*out = json_loads(h.body, 0, NULL);
		cr_assert_not_null(*out, "POST %s: %ld %s", path, status, h.body);
	}
	t_http_free(&h);
	free(url);
	return (status);
}

void
t_http_bytes(struct t_http *h, const char *method, const char *url,
    const char *token, const void *body, size_t bodylen, const char *extra)
{
	CURL			*c = curl_easy_init();
	struct curl_slist	*hdr = NULL;
	const char		*p;
	char			*line;
	size_t			 n;
	struct t_body		 b = { xstrdup(""), 0 }, hh = { xstrdup(""), 0 };
	char			*auth = NULL;
	CURLcode		 rc;

	if (token != NULL) {
		auth = xprintf("Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, auth);
	}
	/* extra may hold several lines, separated by CRLF. */
	for (p = extra; p != NULL && *p != '\0'; p += n, p += strspn(p, "\r\n")) {
		n = strcspn(p, "\r\n");
		line = xstrndup(p, n);
		hdr = curl_slist_append(hdr, line);
		free(line);
	}
	hdr = curl_slist_append(hdr, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, t_collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, t_collect);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &hh);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)bodylen);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	rc = curl_easy_perform(c);
	h->status = 0;
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	h->body = b.buf;
	h->len = b.len;
	h->headers = hh.buf;
	curl_slist_free_all(hdr);
	curl_easy_cleanup(c);
	free(auth);
}

long
t_call(const struct t_daemon *d, const char *method, const char *path, const char *token,
    const char *body, json_t **out)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", d->url, path);
	long		 status;

	t_http(&h, method, url, token, body, body ? "Content-Type: application/json" : NULL);
	status = h.status;
	if (out != NULL) {
		*out = json_loads(h.body, JSON_DECODE_ANY, NULL);
		cr_assert_not_null(*out, "%s %s: %s", method, path, h.body);
	}
	t_http_free(&h);
	free(url);
	return (status);
}

void
t_http_free(struct t_http *h)
{
	free(h->body);
	free(h->headers);
	h->body = h->headers = NULL;
}

char *
t_http_header(const struct t_http *h, const char *name)
{
	const char	*p = h->headers;
	size_t		 n = strlen(name);

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			p += n + 1;
			while (*p == ' ')
				p++;
			return (xstrndup(p, strcspn(p, "\r\n")));
		}
		p = strchr(p, '\n');
		if (p != NULL)
			p++;
	}
	return (NULL);
}

char *
t_token(const char *db, const char *role, const char *office)
{
	/* Without an office, every organisation's (the tenant rules have
	 * their own test, test-tenants.c). */
	const char	*args[] = { "token", "create", "--quiet", "--role", role,
	    office ? "--office" : "--org", office ? office : "全部", NULL };
	struct t_run	 r;
	char		*tok;

	t_cli(&r, db, args);
	if (r.status != 0)
		t_fatal("token create: %s", r.err);
	tok = xstrndup(r.out, strcspn(r.out, "\n"));
	t_run_free(&r);
	return (tok);
}
