/*
 * The CLI's client for duband's API (writes go through the daemon, which
 * owns the rules and the history): libcurl, one request at a time.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "duban.h"
#include "hash.h"
#include "xmalloc.h"

#define RESPONSE_MAX	(16 * 1024 * 1024)

struct sink {
	char	*buf;
	size_t	 len;
	int	 overflow;
};

static size_t
collect(char *p, size_t size, size_t n, void *arg)
{
	struct sink	*s = arg;
	size_t		 add = size * n;

	if (s->len + add > RESPONSE_MAX) {
		s->overflow = 1;
		return (0);
	}
	s->buf = xreallocarray(s->buf, s->len + add + 1, 1);
	memcpy(s->buf + s->len, p, add);
	s->len += add;
	s->buf[s->len] = '\0';
	return (add);
}

/* The token: $DUBAN_TOKEN, or the first line of --token-file. */
char *
api_token(const char *file, char **cause)
{
	const char	*env = getenv("DUBAN_TOKEN");
	char		 line[512];
	FILE		*f;

	if (file == NULL && env != NULL && *env != '\0')
		return (xstrdup(env));
	if (file == NULL) {
		*cause = xstrdup("没有令牌：请设置环境变量 DUBAN_TOKEN，或用 --token-file 指定令牌文件");
		return (NULL);
	}
	if ((f = fopen(file, "r")) == NULL) {
		xasprintf(cause, "无法读取令牌文件 %s", file);
		return (NULL);
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '\0') {
		xasprintf(cause, "令牌文件 %s 是空的", file);
		return (NULL);
	}
	return (xstrdup(line));
}

const char *
api_server(const char *arg)
{
	const char	*env = getenv("DUBAN_SERVER");

	if (arg != NULL)
		return (arg);
	if (env != NULL && *env != '\0')
		return (env);
	return ("http://127.0.0.1:8080");
}

/* Retries of a write whose answer did not come (see api_transfer). */
#define RETRY_LOST	1
#define RETRY_BUSY	5
#define RETRY_WAIT_MAX	5

/* Whether curl's error leaves it open that the request arrived. */
static int
answer_lost(CURLcode rc)
{
	return (rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
	    rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE ||
	    rc == CURLE_OPERATION_TIMEDOUT);
}

/* One attempt; *wait set to a 409's Retry-After (seconds), else 0. */
static CURLcode
transfer_once(const char *method, const char *url, struct curl_slist *h,
    const char *body, size_t len, long *status, struct sink *s, long *wait)
{
	CURL			*c;
	CURLcode		 rc;
	struct curl_header	*ra;

	*wait = 0;
	if ((c = curl_easy_init()) == NULL)
		return (CURLE_FAILED_INIT);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	if (body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	if ((rc = curl_easy_perform(c)) == CURLE_OK) {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
		if (*status == 409 && curl_easy_header(c, "Retry-After", 0,
		    CURLH_HEADER, -1, &ra) == CURLHE_OK) {
			*wait = strtol(ra->value, NULL, 10);
			if (*wait < 1)
				*wait = 1;
			if (*wait > RETRY_WAIT_MAX)
				*wait = RETRY_WAIT_MAX;
		}
	}
	curl_easy_cleanup(c);
	return (rc);
}

/*
 * A write (any method but GET and HEAD) carries a fresh Idempotency-Key
 * and is sent again with the same key when its answer was lost (once) or
 * when duband says the first is still running (409 with Retry-After): it
 * is written at most once either way (duband(8), "Idempotent writes").
 */
int
api_transfer(const char *method, const char *url, const char *token,
    const char *ctype, const char *body, size_t len, const char *accept,
    long *status, char **out, size_t *outlen, char **cause)
{
	CURLcode		 rc;
	struct curl_slist	*h = NULL;
	struct sink		 s = { NULL, 0, 0 };
	char			*auth, *ct = NULL, *acc, *key = NULL, *ik = NULL;
	int			 lost = 0, busy = 0;
	long			 wait;

	*out = NULL;
	*outlen = 0;
	auth = xprintf("Authorization: Bearer %s", token);
	acc = xprintf("Accept: %s", accept);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, acc);
	if (body != NULL) {
		ct = xprintf("Content-Type: %s", ctype);
		h = curl_slist_append(h, ct);
	}
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		if ((key = token_new("dbi_")) == NULL) {
			*cause = xstrdup("无法生成 Idempotency-Key：系统没有提供随机数");
			rc = CURLE_FAILED_INIT;
			goto done;
		}
		ik = xprintf("Idempotency-Key: %s", key);
		h = curl_slist_append(h, ik);
	}
	for (;;) {
		free(s.buf);
		memset(&s, 0, sizeof s);
		rc = transfer_once(method, url, h, body, len, status, &s, &wait);
		if (key != NULL && rc != CURLE_OK && answer_lost(rc) &&
		    lost++ < RETRY_LOST)
			continue;
		if (key != NULL && rc == CURLE_OK && wait > 0 && busy++ < RETRY_BUSY) {
			sleep((unsigned)wait);
			continue;
		}
		break;
	}
	if (rc != CURLE_OK)
		xasprintf(cause, "无法访问 %s：%s", url, curl_easy_strerror(rc));
done:
	curl_slist_free_all(h);
	free(auth);
	free(acc);
	free(ct);
	free(ik);
	free(key);
	if (rc != CURLE_OK) {
		free(s.buf);
		return (-1);
	}
	*out = s.buf;
	*outlen = s.len;
	return (0);
}

int
api_request(const char *method, const char *url, const char *token,
    const char *body, long *status, json_t **out, char **cause)
{
	json_error_t	 jerr;
	char		*buf;
	size_t		 len;

	*out = NULL;
	if (api_transfer(method, url, token, "application/json", body,
	    body != NULL ? strlen(body) : 0, "application/json", status, &buf,
	    &len, cause) != 0)
		return (-1);
	if (len > 0 && (*out = json_loadb(buf, len, 0, &jerr)) == NULL) {
		xasprintf(cause, "服务器的应答不是 JSON（HTTP %ld）", *status);
		free(buf);
		return (-1);
	}
	free(buf);
	return (0);
}

int
api_call(const char *method, const char *server, const char *token_file,
    const char *path, const json_t *body, long want, json_t **out)
{
	char	*url, *token, *text = NULL, *cause;
	long	 status = 0;
	int	 rc;

	*out = NULL;
	if ((token = api_token(token_file, &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_CONFIG);
	}
	url = xprintf("%s%s", api_server(server), path);
	if (body != NULL)
		text = json_dumps(body, JSON_COMPACT);
	rc = api_request(method, url, token, text, &status, out, &cause);
	free(text);
	free(url);
	free(token);
	if (rc != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_UNAVAIL);
	}
	if (status != want) {
		rc = api_problem_exit(status, *out);
		json_decref(*out);
		*out = NULL;
		return (rc);
	}
	return (0);
}

int
api_problem_exit(long status, json_t *problem)
{
	return (problem_exit(status, problem, 1));
}

int
problem_exit(long status, json_t *problem, int http)
{
	const char	*title = json_string_value(json_object_get(problem, "title"));
	const char	*detail = json_string_value(json_object_get(problem, "detail"));
	const char	*field = json_string_value(json_object_get(problem, "field"));

	fprintf(stderr, "duban：%s", title ? title : "请求失败");
	if (http)
		fprintf(stderr, "（HTTP %ld）", status);
	if (detail != NULL)
		fprintf(stderr, "：%s", detail);
	if (field != NULL)
		fprintf(stderr, "［字段 %s］", field);
	fputc('\n', stderr);
	/* A value the server asks about (duban target set --confirm). */
	if (json_is_true(json_object_get(problem, "confirmable")))
		fputs("duban：如确认填报值无误，请加 --confirm 重新执行\n", stderr);
	switch (status) {
	case 400:
	case 422:
		return (EXIT_DATAERR);
	case 401:
	case 403:
		return (EXIT_NOPERM);
	case 404:
		return (EXIT_NOINPUT);
	case 409:
		return (EXIT_TEMPFAIL);
	case 503:
		return (EXIT_UNAVAIL);
	}
	return (EXIT_SOFTWARE);
}
