/*
 * Signing in to the pages, and what they open with:
 *   POST   /api/v1/session     {login, password} or {token}: a session
 *                              cookie for the person or the token
 *   GET    /api/v1/session     who is signed in, and the CSRF secret
 *   DELETE /api/v1/session     sign out
 *   POST   /api/v1/session/password  {password, new_password}: change
 *                              one's own password (the only write a
 *                              person who must change it may make)
 *   GET    /api/v1/overview    the current quarter's figures (总览)
 *
 * A password is checked on the crypt workers (Argon2id, work.c), never
 * on the loop.  Sign-ins are throttled per login and per address by the
 * database (duban_signin_begin: 429 with Retry-After), and every failure
 * is logged with the login and the address, never the password.  An
 * unknown login is checked against a dummy hash, so that it takes as
 * long as a wrong password.
 *
 * The cookie is HttpOnly and SameSite=Strict (Secure behind HTTPS), and
 * only its SHA-256 is stored.  A write made with the cookie must carry
 * the session's CSRF secret in X-CSRF-Token (auth.c checks it); the page
 * keeps that secret in memory, and never sees the token again.
 */
#include <sys/queue.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "auth.h"
#include "clock.h"
#include "config.h"
#include "hash.h"
#include "log.h"
#include "password.h"
#include "query.h"
#include "work.h"
#include "xmalloc.h"

#define COOKIE		"duban_session"
#define TOKEN_MAX_LEN	256
#define LOGIN_MAX_LEN	64

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

/* A cookie and a CSRF secret for a session about to open; -1 (answered). */
static int
session_secrets(struct req *r, char **cookie, char **csrf, char shash[SHA256_HEX_LEN + 1])
{
	*cookie = token_new("");
	*csrf = token_new("");
	if (*cookie == NULL || *csrf == NULL) {
		free(*cookie);
		free(*csrf);
		http_problem(r, 500, "服务器内部错误", "无法生成随机数", NULL, NULL);
		return (-1);
	}
	sha256_hex(*cookie, strlen(*cookie), shash);
	return (0);
}

/* The address a request came from, for throttling and the log. */
static char *
peer(struct req *r)
{
	struct evhttp_connection	*c = evhttp_request_get_connection(r->ev);
	char				*addr = NULL;
	ev_uint16_t			 port;

	if (c != NULL)
		evhttp_connection_get_peer(c, &addr, &port);
	return (xstrdup(addr != NULL && *addr != '\0' ? addr : "unknown"));
}

/* Signing in with a password: the steps, in order. */
struct signin {
	struct req	*r;
	char		*login, *password, *address;
	char		*hash;		/* the account's, or NULL */
	char		*account_id;	/* as text, or NULL */
	int		 ok;
	char		*cookie, *csrf;
};

static void
signin_free(struct signin *s)
{
	if (s->password != NULL) {
		explicit_bzero(s->password, strlen(s->password));
		free(s->password);
	}
	free(s->login);
	free(s->address);
	free(s->hash);
	free(s->account_id);
	free(s->cookie);
	free(s->csrf);
	free(s);
}

/*
 * What an unknown login is checked against: a hash of nothing anyone
 * types, made once (by the first worker that needs it).
 */
static pthread_once_t	 dummy_once = PTHREAD_ONCE_INIT;
static char		 dummy_hash[PASSWORD_HASH_MAX];

static void
dummy_make(void)
{
	if (password_hash("duban: no such account", dummy_hash) != 0)
		dummy_hash[0] = '\0';
}

/* On a worker. */
static void
signin_verify(void *arg)
{
	struct signin	*s = arg;

	if (s->hash != NULL && s->account_id != NULL)
		s->ok = password_verify(s->hash, s->password);
	else {
		pthread_once(&dummy_once, dummy_make);
		(void)password_verify(dummy_hash, s->password);
		s->ok = 0;
	}
	explicit_bzero(s->password, strlen(s->password));
}

static void
signin_finished(PGresult *res, const char *err, void *arg)
{
	struct signin		*s = arg;
	struct req		*r = s->r;
	const struct api	*api = r->app;
	json_t			*out;
	char			*text;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
		http_db_error(r, res, err);
	else if (PQgetisnull(res, 0, 0)) {
		log_notice("网页登录失败：登录名“%s”，来自 %s：登录名或密码不对", s->login,
		    s->address);
		http_problem(r, 401, "登录名或密码不对", "请检查登录名和密码；忘记密码请找局办公室重置",
		    "password", NULL);
	} else if ((out = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL)
		http_problem(r, 500, "服务器内部错误", "无法解析数据库的应答", NULL, NULL);
	else {
		log_info("网页登录：登录名“%s”，来自 %s", s->login, s->address);
		json_object_set_new(out, "csrf", json_string(s->csrf));
		text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		set_cookie(r, s->cookie, api->cfg->session_ttl);
		http_reply_json(r, 201, text, NULL);
		free(text);
		json_decref(out);
	}
	signin_free(s);
}

/* Back on the loop: record the attempt, and open the session if it was right. */
static void
signin_verified(void *arg)
{
	struct signin		*s = arg;
	struct req		*r = s->r;
	const struct api	*api = r->app;
	const char		*params[9];
	char			 shash[SHA256_HEX_LEN + 1], thash[SHA256_HEX_LEN + 1];
	char			 ttl[16], *secret;

	if (session_secrets(r, &s->cookie, &s->csrf, shash) != 0) {
		s->cookie = s->csrf = NULL;
		signin_free(s);
		return;
	}
	/* The session's token: a secret nobody keeps, only its hash. */
	if ((secret = token_new("")) == NULL) {
		http_problem(r, 500, "服务器内部错误", "无法生成随机数", NULL, NULL);
		signin_free(s);
		return;
	}
	sha256_hex(secret, strlen(secret), thash);
	explicit_bzero(secret, strlen(secret));
	free(secret);
	snprintf(ttl, sizeof ttl, "%d", api->cfg->session_ttl);
	clock_now_iso(r->now);
	params[0] = s->login;
	params[1] = s->address;
	params[2] = s->ok ? s->account_id : NULL;
	params[3] = s->ok ? "true" : "false";
	params[4] = shash;
	params[5] = thash;
	params[6] = s->csrf;
	params[7] = ttl;
	params[8] = r->now;
	(void)http_query_for(r, "SELECT duban_signin_finish($1, $2, $3::bigint, $4::boolean,"
	    " $5, $6, $7, $8::int, $9::timestamptz)::text", 9, params, signin_finished, s);
}

static void
signin_begun(PGresult *res, const char *err, void *arg)
{
	struct signin		*s = arg;
	struct req		*r = s->r;
	const struct api	*api = r->app;
	json_t			*doc, *v;
	char			 secs[24];
	json_int_t		 wait;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		signin_free(s);
		return;
	}
	if ((doc = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL) {
		http_problem(r, 500, "服务器内部错误", "无法解析数据库的应答", NULL, NULL);
		signin_free(s);
		return;
	}
	wait = json_integer_value(json_object_get(doc, "retry_after"));
	if (wait > 0) {
		json_decref(doc);
		log_notice("网页登录被暂缓：登录名“%s”，来自 %s：失败次数过多，%lld 秒后可再试",
		    s->login, s->address, (long long)wait);
		snprintf(secs, sizeof secs, "%lld", (long long)wait);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Retry-After", secs);
		http_problem(r, 429, "登录失败次数过多",
		    "登录名或密码连续输错，已暂停登录，请稍后再试（每 15 分钟内最多输错 5 次）",
		    "password", json_pack("{s:I}", "retry_after", wait));
		signin_free(s);
		return;
	}
	if (json_is_string(v = json_object_get(doc, "hash")))
		s->hash = xstrdup(json_string_value(v));
	if (json_is_integer(v = json_object_get(doc, "account_id")))
		s->account_id = xprintf("%lld", (long long)json_integer_value(v));
	json_decref(doc);
	if (work_submit(api->crypt, signin_verify, signin_verified, s) != 0) {
		signin_free(s);
		http_unavailable(r, "同时登录的人过多，请稍后再试");
	}
}

static void
signin_password(struct req *r, json_t *body)
{
	json_t		*login = json_object_get(body, "login");
	json_t		*pw = json_object_get(body, "password");
	struct signin	*s;
	const char	*params[3];

	if (!json_is_string(login) || json_string_length(login) == 0 ||
	    json_string_length(login) > LOGIN_MAX_LEN) {
		http_problem(r, 400, "请求内容有误", "请填写登录名（不超过 64 个字符）", "login", NULL);
		return;
	}
	if (!json_is_string(pw) || json_string_length(pw) == 0 ||
	    json_string_length(pw) > PASSWORD_MAX_BYTES ||
	    strlen(json_string_value(pw)) != json_string_length(pw)) {
		http_problem(r, 400, "请求内容有误", "请填写密码（不超过 256 个字节）", "password",
		    NULL);
		return;
	}
	s = xcalloc(1, sizeof *s);
	s->r = r;
	s->login = xstrdup(json_string_value(login));
	s->password = xstrdup(json_string_value(pw));
	s->address = peer(r);
	clock_now_iso(r->now);
	params[0] = s->login;
	params[1] = s->address;
	params[2] = r->now;
	if (http_query_for(r, "SELECT duban_signin_begin($1, $2, $3::timestamptz)::text", 3,
	    params, signin_begun, s) != 0)
		signin_free(s);
}

static void
session_open(struct req *r)
{
	const struct api	*api = r->app;
	const char		*ct = evhttp_find_header(
				    evhttp_request_get_input_headers(r->ev), "Content-Type");
	struct opening		*o;
	const char		*params[4], *tok;
	char			 thash[SHA256_HEX_LEN + 1], shash[SHA256_HEX_LEN + 1];
	char			 ttl[16];
	json_t			*body, *v;

	/* A cross-site form cannot send JSON: no signing in from elsewhere. */
	if (ct == NULL || strncmp(ct, "application/json", 16) != 0) {
		http_problem(r, 415, "请求内容类型有误",
		    "请以 application/json 发送 {\"login\": 登录名, \"password\": 密码}"
		    "或 {\"token\": 令牌}", NULL, NULL);
		return;
	}
	if ((body = http_json_for(r, &body_signin)) == NULL)
		return;
	if (json_object_get(body, "token") == NULL) {
		signin_password(r, body);
		json_decref(body);
		return;
	}
	v = json_object_get(body, "token");
	if (!json_is_string(v) || json_string_length(v) == 0 ||
	    json_string_length(v) > TOKEN_MAX_LEN || json_object_size(body) != 1) {
		http_problem(r, 400, "请求内容有误",
		    "请求体应为 {\"login\": 登录名, \"password\": 密码} 或 {\"token\": 令牌}",
		    "token", NULL);
		json_decref(body);
		return;
	}
	tok = json_string_value(v);
	sha256_hex(tok, strlen(tok), thash);
	json_decref(body);
	o = xcalloc(1, sizeof *o);
	o->r = r;
	if (session_secrets(r, &o->cookie, &o->csrf, shash) != 0) {
		free(o);
		return;
	}
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

/* Changing one's own password: check the current one, hash the new. */
struct change {
	struct req	*r;
	char		*current, *next, *hash;
	char		 new_hash[PASSWORD_HASH_MAX];
	int		 ok, failed;
};

static void
change_free(struct change *c)
{
	if (c->current != NULL) {
		explicit_bzero(c->current, strlen(c->current));
		free(c->current);
	}
	if (c->next != NULL) {
		explicit_bzero(c->next, strlen(c->next));
		free(c->next);
	}
	free(c->hash);
	free(c);
}

static void
change_run(void *arg)
{
	struct change	*c = arg;

	c->ok = password_verify(c->hash, c->current);
	if (c->ok && password_hash(c->next, c->new_hash) != 0)
		c->failed = 1;
}

static void
change_saved(PGresult *res, const char *err, void *arg)
{
	struct change		*c = arg;
	struct req		*r = c->r;
	const struct api	*api = r->app;

	change_free(c);
	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1 &&
	    atoi(PQgetvalue(res, 0, 0)) == 200) {
		/* This instance forgets the session now: it need not change again. */
		auth_forget(api->auth, r->session_hash);
		log_notice("修改密码：登录名“%s”", r->login);
	}
	http_status_json(res, err, r);
}

static void
change_done(void *arg)
{
	struct change	*c = arg;
	struct req	*r = c->r;
	const char	*params[5];
	char		 tid[24];

	if (c->failed) {
		change_free(c);
		http_problem(r, 500, "服务器内部错误", "无法计算密码哈希", NULL, NULL);
		return;
	}
	if (!c->ok) {
		change_free(c);
		log_notice("修改密码失败：登录名“%s”：当前密码不对", r->login);
		http_problem(r, 422, "当前密码不对", "请输入正在使用的密码", "password", NULL);
		return;
	}
	snprintf(tid, sizeof tid, "%lld", r->token_id);
	clock_now_iso(r->now);
	params[0] = r->login;
	params[1] = c->new_hash;
	params[2] = tid;
	params[3] = r->login;
	params[4] = r->now;
	if (http_query_for(r, "SELECT status, body::text FROM duban_user_password($1, $2,"
	    " $3::bigint, $4, $5::timestamptz)", 5, params, change_saved, c) != 0)
		change_free(c);
}

static void
change_got(PGresult *res, const char *err, void *arg)
{
	struct change		*c = arg;
	struct req		*r = c->r;
	const struct api	*api = r->app;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		change_free(c);
		http_db_error(r, res, err);
		return;
	}
	if (PQgetisnull(res, 0, 0)) {
		change_free(c);
		http_problem(r, 401, "账号已停用", "请与局办公室联系", NULL, NULL);
		return;
	}
	c->hash = xstrdup(PQgetvalue(res, 0, 0));
	if (work_submit(api->crypt, change_run, change_done, c) != 0) {
		change_free(c);
		http_unavailable(r, "服务器繁忙，请稍后再试");
	}
}

static void
password_change(struct req *r)
{
	json_t		*body, *cur, *next;
	struct change	*c;
	const char	*why, *params[1];

	if (r->login == NULL || r->session_hash == NULL) {
		http_problem(r, 400, "没有个人登录会话",
		    "只有用登录名和密码登录网页的人才能在这里修改自己的密码", NULL, NULL);
		return;
	}
	if ((body = http_json_for(r, &body_password_change)) == NULL)
		return;
	cur = json_object_get(body, "password");
	next = json_object_get(body, "new_password");
	if (!json_is_string(cur) || json_string_length(cur) == 0 ||
	    json_string_length(cur) > PASSWORD_MAX_BYTES) {
		http_problem(r, 400, "请求内容有误", "请填写当前密码", "password", NULL);
		json_decref(body);
		return;
	}
	if (!json_is_string(next) || strlen(json_string_value(next)) != json_string_length(next)) {
		http_problem(r, 400, "请求内容有误", "请填写新密码", "new_password", NULL);
		json_decref(body);
		return;
	}
	if ((why = password_weak(json_string_value(next), r->login)) != NULL ||
	    strcmp(json_string_value(next), json_string_value(cur)) == 0) {
		http_problem(r, 422, "新密码不符合要求", why != NULL ? why :
		    "新密码不能与当前密码相同", "new_password", NULL);
		json_decref(body);
		return;
	}
	c = xcalloc(1, sizeof *c);
	c->r = r;
	c->current = xstrdup(json_string_value(cur));
	c->next = xstrdup(json_string_value(next));
	json_decref(body);
	params[0] = r->login;
	if (http_query_for(r, "SELECT duban_user_hash($1)", 1, params, change_got, c) != 0)
		change_free(c);
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
	if (r->login != NULL) {
		json_object_set_new(out, "login", json_string(r->login));
		json_object_set_new(out, "person_role", json_string(r->person_role));
		json_object_set_new(out, "must_change", json_boolean(r->must_change));
	}
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
	const char	*params[3];
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
	params[2] = r->token_hash;
	(void)http_query(r, "SELECT r.status, r.body::text FROM duban_api_overview_for($3,"
	    "ARRAY(SELECT jsonb_array_elements_text($1::jsonb)), $2::timestamptz) r",
	    3, params, http_status_json);
	free(text);
}

const struct route api_session_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/session", ROLE_NONE, session_open, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/session", ROLE_INSPECTOR, session_get,
	  ROUTE_BEFORE_CHANGE },
	{ EVHTTP_REQ_DELETE, "/api/v1/session", ROLE_INSPECTOR, session_close,
	  ROUTE_BEFORE_CHANGE },
	{ EVHTTP_REQ_POST, "/api/v1/session/password", ROLE_INSPECTOR, password_change,
	  ROUTE_BEFORE_CHANGE },
	{ EVHTTP_REQ_GET, "/api/v1/overview", ROLE_INSPECTOR, overview, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
