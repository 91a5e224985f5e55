/*
 * Signing in to the pages, and what they open with:
 *   POST   /api/v1/session     {token}: a session cookie for the token
 *   GET    /api/v1/session     who is signed in, and the CSRF secret
 *   DELETE /api/v1/session     sign out
 *   GET    /api/v1/overview    the current quarter's figures (总览)
 *
 * The cookie is HttpOnly and SameSite=Strict (Secure behind HTTPS), and
 * only its SHA-256 is stored.  A write made with the cookie must carry
 * the session's CSRF secret in X-CSRF-Token (auth.c checks it); the page
 * keeps that secret in memory, and never sees the token again.
 */
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "hash.h"
#include "log.h"
#include "query.h"
#include "xmalloc.h"

#define COOKIE		"duban_session"
#define TOKEN_MAX_LEN	256

static int
secure(const struct req *r)
{
	const struct api	*api = r->app;
	const char		*mode = api->cfg->secure_cookies, *proto;

	if (strcmp(mode, "yes") == 0)
		return (1);
	if (strcmp(mode, "no") == 0)
		return (0);
	proto = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "X-Forwarded-Proto");
	return (proto != NULL && strcmp(proto, "https") == 0);
}

static void
set_cookie(struct req *r, const char *value, int max_age)
{
	char	*c = xprintf("%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s",
	    COOKIE, value, max_age, secure(r) ? "; Secure" : "");

	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie", c);
	free(c);
}

struct opening {
	struct req	*r;
	char		*cookie, *csrf;
};

static void
opened(PGresult *res, const char *err, void *arg)
{
	struct opening		*o = arg;
	struct req		*r = o->r;
	const struct api	*api = r->app;
	json_t			*out;
	char			*text;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
		http_db_error(r, res, err);
	else if (PQgetisnull(res, 0, 0)) {
		log_notice("网页登录失败：令牌无效或已吊销");
		http_problem(r, 401, "令牌无效或已吊销", "请检查令牌，或请局办公室重新发放",
		    "token", NULL);
	} else if ((out = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL)
		http_problem(r, 500, "服务器内部错误", "无法解析数据库的应答", NULL, NULL);
	else {
		json_object_set_new(out, "csrf", json_string(o->csrf));
		text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		set_cookie(r, o->cookie, api->cfg->session_ttl);
		http_reply_json(r, 201, text, NULL);
		free(text);
		json_decref(out);
	}
	free(o->cookie);
	free(o->csrf);
	free(o);
}

static void
session_open(struct req *r)
{
	const struct api	*api = r->app;
	const char		*ct = evhttp_find_header(
				    evhttp_request_get_input_headers(r->ev), "Content-Type");
	static const char *const fields[] = { "token", NULL };
	struct opening		*o;
	const char		*params[4], *tok;
	char			 thash[SHA256_HEX_LEN + 1], shash[SHA256_HEX_LEN + 1];
	char			 ttl[16];
	json_t			*body, *v;

	/* A cross-site form cannot send JSON: no signing in from elsewhere. */
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
		http_problem(r, 415, "请求内容类型有误", "请以 application/json 发送 {\"token\": 令牌}",
		    NULL, NULL);
		return;
	}
	if ((body = http_json_object(r, fields, 0)) == NULL)
		return;
	v = json_object_get(body, "token");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > TOKEN_MAX_LEN) {
		http_problem(r, 400, "请求内容有误", "请求体应为 {\"token\": 令牌}", "token", NULL);
		json_decref(body);
		return;
	}
	tok = json_string_value(v);
	sha256_hex(tok, strlen(tok), thash);
	json_decref(body);
	o = xcalloc(1, sizeof *o);
	o->r = r;
	if ((o->cookie = token_new("")) == NULL || (o->csrf = token_new("")) == NULL) {
		free(o->cookie);
		free(o);
		http_problem(r, 500, "服务器内部错误", "无法生成随机数", NULL, NULL);
		return;
	}
	sha256_hex(o->cookie, strlen(o->cookie), shash);
	snprintf(ttl, sizeof ttl, "%d", api->cfg->session_ttl);
	params[0] = thash;
	params[1] = shash;
	params[2] = o->csrf;
	params[3] = ttl;
	if (http_query_for(r, "SELECT duban_session_open($1, $2, $3, $4::int)::text",
	    4, params, opened, o) != 0) {
		free(o->cookie);
		free(o->csrf);
		free(o);
	}
}

/* Who is signed in: for the pages' header, and their CSRF secret. */
static void
session_get(struct req *r)
{
	json_t	*out;
	char	*text, today[11], now[CLOCK_ISO_LEN];

	clock_today(today);
	clock_now_iso(now);
	out = json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:s}",
	    "role", r->role == ROLE_GENERAL ? "general" : r->role == ROLE_OFFICE ?
	    "office" : "inspector",
	    "office", r->office, "label", r->label, "csrf", r->csrf,
	    "today", today, "now", now);
	if (r->office_id > 0)
		json_object_set_new(out, "office_id", json_integer(r->office_id));
	json_object_set_new(out, "session", json_boolean(r->csrf != NULL));
	text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	http_reply_json(r, 200, text, NULL);
	free(text);
	json_decref(out);
}

static void
closed(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	set_cookie(r, "", 0);
	http_reply(r, 204, "text/plain; charset=utf-8", "", 0);
}

static void
session_close(struct req *r)
{
	const struct api	*api = r->app;
	const char		*params[1];

	if (r->session_hash == NULL) {
		http_problem(r, 400, "没有登录会话", "这个请求不是用网页登录会话发出的", NULL, NULL);
		return;
	}
	auth_forget(api->auth, r->session_hash);
	params[0] = r->session_hash;
	(void)http_query(r, "DELETE FROM web_session WHERE hash = $1 RETURNING id", 1, params,
	    closed);
}

static void
overview(struct req *r)
{
	static const char *const allowed[] = { "plan", NULL };
	struct evkeyval	*kv;
	const char	*params[2];
	json_t		*plans = json_array();
	char		*text;

	if (http_query_only(r, allowed) != 0) {
		json_decref(plans);
		return;
	}
	if (r->have_query)
		TAILQ_FOREACH(kv, &r->query, next)
			if (strcmp(kv->key, "plan") == 0 && json_array_size(plans) < 64)
				json_array_append_new(plans, json_string(kv->value));
	text = json_dumps(plans, JSON_COMPACT);
	json_decref(plans);
	clock_now_iso(r->now);
	params[0] = text;
	params[1] = r->now;
	(void)http_query(r, "SELECT r.status, r.body::text FROM duban_api_overview("
	    "ARRAY(SELECT jsonb_array_elements_text($1::jsonb)), $2::timestamptz) r",
	    2, params, http_status_json);
	free(text);
}

const struct route api_session_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/session", ROLE_NONE, session_open },
	{ EVHTTP_REQ_GET, "/api/v1/session", ROLE_INSPECTOR, session_get },
	{ EVHTTP_REQ_DELETE, "/api/v1/session", ROLE_INSPECTOR, session_close },
	{ EVHTTP_REQ_GET, "/api/v1/overview", ROLE_INSPECTOR, overview },
	{ 0, NULL, 0, NULL }
};
