/*
 * Calendar feeds:
 *   GET    /api/v1/feeds                         the feeds (general office)
 *   POST   /api/v1/offices/{id}/feeds            a new feed URL, shown once
 *   DELETE /api/v1/feeds/{id}                    revoke one
 *   GET    /ical/{token}.ics                     a feed, for calendar apps
 * Feed URLs, and the events' links to the pages, start with the one
 * public base address (site.h).
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "hash.h"
#include "ical.h"
#include "query.h"
#include "site.h"
#include "utf8.h"
#include "xmalloc.h"

static void
feeds_list(struct req *r)
{
	static const char *const none[] = { NULL };

	if (http_query_only(r, none) != 0)
		return;
	(void)http_query(r, QUERY_FEED_LIST, 1, (const char *[]){ r->token_hash },
	    http_json_row);
}

struct feed_new {
	struct req	*r;
	char		*token;
};

/* duban_feed_create's answer, with the feed's address (shown once). */
static void
feed_created(PGresult *res, const char *err, void *arg)
{
	struct feed_new		*fn = arg;
	struct req		*r = fn->r;
	const struct api	*api = r->app;
	json_t			*out;
	char			*text, *url;
	int			 status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1)
		http_db_error(r, res, err);
	else if ((status = atoi(PQgetvalue(res, 0, 0))) >= 300)
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
	else if ((out = json_loads(PQgetvalue(res, 0, 1), 0, NULL)) == NULL)
		http_problem(r, 500, "服务器内部错误", "无法解析数据库的应答", NULL, NULL);
	else {
		url = xprintf("%s/ical/%s.ics", site_base(api->site), fn->token);
		json_object_set_new(out, "url", json_string(url));
		text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		/* The URL is the feed's credential: nothing may keep it. */
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Cache-Control", "no-store");
		http_reply_json(r, 201, text, NULL);
		free(text);
		free(url);
		json_decref(out);
	}
	free(fn->token);
	free(fn);
}

static void
feed_create(struct req *r)
{
	struct feed_new	*fn;
	const char	*params[5];
	char		 hash[SHA256_HEX_LEN + 1], *label = NULL;
	json_t		*body, *v;

	/* No body, {}, or {"label": name}. */
	if ((body = http_json_for(r, &body_feed_create)) == NULL)
		return;
	v = json_object_get(body, "label");
	if (v != NULL)
		label = xstrdup(json_string_value(v));
	json_decref(body);
	fn = xcalloc(1, sizeof *fn);
	fn->r = r;
	if ((fn->token = token_new("dbf_")) == NULL) {
		free(fn);
		free(label);
		http_problem(r, 500, "服务器内部错误", "无法生成随机令牌", NULL, NULL);
		return;
	}
	sha256_hex(fn->token, strlen(fn->token), hash);
	params[0] = r->param;
	params[1] = hash;
	params[2] = label;
	params[3] = r->label != NULL ? r->label : "API";
	params[4] = r->token_hash;
	if (http_query_for(r, QUERY_FEED_CREATE, 5, params, feed_created, fn) != 0) {
		free(fn->token);
		free(fn);
	}
	free(label);
}

static void
feed_revoke(struct req *r)
{
	const char	*params[2];

	params[0] = r->param;
	params[1] = r->token_hash;
	(void)http_query(r, QUERY_FEED_REVOKE, 2, params, http_status_json);
}

static void
feed_got(PGresult *res, const char *err, void *arg)
{
	struct req		*r = arg;
	const struct api	*api = r->app;
	struct evkeyvalq	*h = evhttp_request_get_output_headers(r->ev);
	const char		*inm = evhttp_find_header(
				    evhttp_request_get_input_headers(r->ev), "If-None-Match");
	char			*ics, hash[SHA256_HEX_LEN + 1], etag[24];
	json_t			*feed;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0) ||
	    (feed = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL) {
		http_problem(r, 404, "日历订阅不存在", "这个订阅地址无效或已吊销", NULL, NULL);
		return;
	}
	/* The ETag is of the events, not of DTSTAMP: unchanged, not sent. */
	sha256_hex(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), hash);
	snprintf(etag, sizeof etag, "\"%.16s\"", hash);
	evhttp_add_header(h, "ETag", etag);
	evhttp_add_header(h, "Cache-Control", "private, max-age=300");
	if (inm != NULL && strcmp(inm, etag) == 0) {
		json_decref(feed);
		http_reply(r, 304, "text/calendar; charset=utf-8", "", 0);
		return;
	}
	ics = ical_render(feed, clock_now(), site_pages(api->site));
	json_decref(feed);
	http_reply(r, 200, "text/calendar; charset=utf-8", ics, strlen(ics));
	free(ics);
}

/* GET /ical/{token}.ics: the token is the credential, as calendar apps
 * send no Authorization header. */
static void
feed_get(struct req *r)
{
	const char	*params[1];
	char		 hash[SHA256_HEX_LEN + 1];
	size_t		 n = strlen(r->param);

	if (n < 5 || strcmp(r->param + n - 4, ".ics") != 0) {
		http_problem(r, 404, "日历订阅不存在", "订阅地址应以 .ics 结尾", NULL, NULL);
		return;
	}
	r->param[n - 4] = '\0';
	sha256_hex(r->param, strlen(r->param), hash);
	params[0] = hash;
	(void)http_query(r, QUERY_FEED, 1, params, feed_got);
}

const struct route api_feed_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/feeds", ROLE_GENERAL, feeds_list, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{id}/feeds", ROLE_GENERAL, feed_create, 0 },
	{ EVHTTP_REQ_DELETE, "/api/v1/feeds/{id}", ROLE_GENERAL, feed_revoke, 0 },
	{ EVHTTP_REQ_GET, "/ical/{key}", ROLE_NONE, feed_get, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
