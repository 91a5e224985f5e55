/*
 * Accounts, for the general office (局办公室) and administrators:
 *   GET  /api/v1/users                    every account
 *   POST /api/v1/users                    {login, name, office, org, role}:
 *                                         201 with a one-time password
 *   POST /api/v1/users/{login}/disable    ends its sessions and tokens now
 *   POST /api/v1/users/{login}/enable
 *   POST /api/v1/users/{login}/password   a new one-time password
 *
 * The same SQL functions as `duban user` (35-people.sql).  A one-time
 * password is made and hashed on the crypt workers, shown once in the
 * answer, and must be changed at the first sign-in.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "log.h"
#include "password.h"
#include "work.h"
#include "xmalloc.h"

/* The general office, or an administrator: -1 (answered 403) otherwise. */
static int
may_manage(struct req *r)
{
	if (r->role == ROLE_GENERAL ||
	    (r->person_role != NULL && strcmp(r->person_role, "admin") == 0))
		return (0);
	http_problem(r, 403, "无权操作", "账号只能由局办公室或系统管理员管理", NULL, NULL);
	return (-1);
}

/* Who is acting, for the account's log: the person's login, or the token. */
static char *
actor(const struct req *r)
{
	if (r->login != NULL)
		return (xprintf("%s（%s）", r->label != NULL ? r->label : "", r->login));
	return (xprintf("令牌 %lld（%s）", r->token_id, r->label != NULL ? r->label : ""));
}

static void
users_list(struct req *r)
{
	static const char *const none[] = { NULL };

	if (may_manage(r) != 0 || http_query_only(r, none) != 0)
		return;
	(void)http_query(r, "SELECT 200, duban_user_list_for($1)::text", 1,
	    (const char *[]){ r->token_hash }, http_status_json);
}

/* A one-time password, made and hashed on a worker, then saved. */
struct onetime {
	struct req	*r;
	char		*password;		/* shown once */
	char		 hash[PASSWORD_HASH_MAX];
	int		 failed;
	/* For a new account. */
	char		*login, *name, *office, *org, *role;
};

static void
onetime_free(struct onetime *o)
{
	if (o->password != NULL) {
		explicit_bzero(o->password, strlen(o->password));
		free(o->password);
	}
	free(o->login);
	free(o->name);
	free(o->office);
	free(o->org);
	free(o->role);
	free(o);
}

static void
onetime_run(void *arg)
{
	struct onetime	*o = arg;

	if ((o->password = password_new()) == NULL || password_hash(o->password, o->hash) != 0)
		o->failed = 1;
}

/* The account as saved, with its one-time password added. */
static void
onetime_saved(PGresult *res, const char *err, void *arg)
{
	struct onetime	*o = arg;
	struct req	*r = o->r;
	json_t		*out;
	char		*text;
	int		 status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		onetime_free(o);
		http_db_error(r, res, err);
		return;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	if (status >= 300) {
		onetime_free(o);
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
		return;
	}
	if ((out = json_loads(PQgetvalue(res, 0, 1), 0, NULL)) == NULL) {
		onetime_free(o);
		http_problem(r, 500, "服务器内部错误", "无法解析数据库的应答", NULL, NULL);
		return;
	}
	log_notice("账号“%s”：%s", json_string_value(json_object_get(out, "login")),
	    status == 201 ? "已创建" : "密码已重置");
	json_object_set_new(out, "password", json_string(o->password));
	text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(out);
	onetime_free(o);
	/* The password is in the body: no cache may keep it. */
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Cache-Control", "no-store");
	http_reply_json(r, status, text, NULL);
	explicit_bzero(text, strlen(text));
	free(text);
}

static void
onetime_done(void *arg)
{
	struct onetime	*o = arg;
	struct req	*r = o->r;
	const char	*params[9];
	char		*who;
	int		 rc;

	if (o->failed) {
		onetime_free(o);
		http_problem(r, 500, "服务器内部错误", "无法生成密码", NULL, NULL);
		return;
	}
	who = actor(r);
	clock_now_iso(r->now);
	if (o->role != NULL) {
		params[0] = o->login;
		params[1] = o->name;
		params[2] = o->office;
		params[3] = o->org;
		params[4] = o->role;
		params[5] = o->hash;
		params[6] = who;
		params[7] = r->now;
		params[8] = r->token_hash;
		/* Within the organisations the token reaches (95-reach-routes.sql). */
		rc = http_query_for(r, "SELECT status, body::text FROM duban_api_user_create($9,"
		    " $1, $2, $3, $4, $5, $6, true, $7, $8::timestamptz)", 9, params, onetime_saved,
		    o);
	} else {
		params[0] = r->param;
		params[1] = o->hash;
		params[2] = who;
		params[3] = r->now;
		params[4] = r->token_hash;
		rc = http_query_for(r, "SELECT status, body::text FROM duban_api_user_password($5,"
		    " $1, $2, $3, $4::timestamptz)", 5, params, onetime_saved, o);
	}
	free(who);
	if (rc != 0)
		onetime_free(o);
}

static void
onetime_submit(struct req *r, struct onetime *o)
{
	const struct api	*api = r->app;

	if (work_submit(api->crypt, onetime_run, onetime_done, o) != 0) {
		onetime_free(o);
		http_unavailable(r, "服务器繁忙，请稍后再试");
	}
}

/* A string field of at most max bytes, or NULL; -1 (answered) if wrong. */
static int
field(struct req *r, json_t *body, const char *name, size_t max, int required, char **out)
{
	json_t	*v = json_object_get(body, name);

	*out = NULL;
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return (0);
		http_problem(r, 422, "缺少必填项", "请填写这一项", name, NULL);
		return (-1);
	}
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > max ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		http_problem(r, 422, "请求内容有误", "应为不超过限定长度的非空文字", name, NULL);
		return (-1);
	}
	*out = xstrdup(json_string_value(v));
	return (0);
}

static void
users_create(struct req *r)
{
	struct onetime	*o;
	json_t		*body;

	if (may_manage(r) != 0 || (body = http_json_for(r, &body_user_create)) == NULL)
		return;
	o = xcalloc(1, sizeof *o);
	o->r = r;
	if (field(r, body, "login", 64, 1, &o->login) != 0 ||
	    field(r, body, "name", 256, 1, &o->name) != 0 ||
	    field(r, body, "office", 256, 0, &o->office) != 0 ||
	    field(r, body, "org", 256, 0, &o->org) != 0 ||
	    field(r, body, "role", 16, 1, &o->role) != 0) {
		json_decref(body);
		onetime_free(o);
		return;
	}
	json_decref(body);
	onetime_submit(r, o);
}

static void
users_reset(struct req *r)
{
	struct onetime	*o;

	if (may_manage(r) != 0 || http_no_body(r) != 0)
		return;
	o = xcalloc(1, sizeof *o);
	o->r = r;
	onetime_submit(r, o);
}

static void
users_enable(struct req *r, int enable)
{
	const char	*params[5];
	char		*who;

	if (may_manage(r) != 0 || http_no_body(r) != 0)
		return;
	who = actor(r);
	clock_now_iso(r->now);
	params[0] = r->param;
	params[1] = enable ? "true" : "false";
	params[2] = who;
	params[3] = r->now;
	params[4] = r->token_hash;
	if (http_query(r, "SELECT status, body::text FROM duban_api_user_set_enabled($5, $1,"
	    " $2::boolean, $3, $4::timestamptz)", 5, params, http_status_json) == 0)
		log_notice("账号“%s”：%s（%s）", r->param, enable ? "启用" : "停用", who);
	free(who);
}

static void
users_disable_(struct req *r)
{
	users_enable(r, 0);
}

static void
users_enable_(struct req *r)
{
	users_enable(r, 1);
}

const struct route api_user_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/users", ROLE_INSPECTOR, users_list, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/users", ROLE_INSPECTOR, users_create, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/users/{key}/disable", ROLE_INSPECTOR, users_disable_, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/users/{key}/enable", ROLE_INSPECTOR, users_enable_, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/users/{key}/password", ROLE_INSPECTOR, users_reset, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
