/*
 * Dispatch rounds (调度):
 *   GET    /api/v1/dispatches                    the rounds
 *   POST   /api/v1/dispatches                    open one (general office)
 *   GET    /api/v1/dispatches/{id}               who has reported
 *   POST   /api/v1/dispatches/{id}/close         the 调度汇总 (general office)
 * The database decides what each round is; these check the request's
 * shape, so that a problem names the field.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "query.h"
#include "xmalloc.h"

static void
dispatches_list(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[1];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->now;
	(void)http_query(r, QUERY_DISPATCH_LIST, 1, params, http_json_row);
}

/*
 * The body's fields are checked here for shape (so that the problem
 * names the field); the function checks what needs the database.
 */
static void
dispatch_open(struct req *r)
{
	static const char *const fields[] = { "plans", "offices", "due_on", "title",
	    "request", NULL };
	const char	*params[3], *key;
	json_t		*body, *v, *x;
	size_t		 i;
	char		*text, *msg;

	if ((body = http_json_object(r, fields, 0)) == NULL)
		return;
	json_object_foreach(body, key, v) {
		if (strcmp(key, "plans") == 0 || strcmp(key, "offices") == 0) {
			if (!json_is_array(v) || json_array_size(v) > 200) {
				msg = xprintf("%s 应为不超过 200 项的数组", key);
				http_problem(r, 400, "请求内容有误", msg, key, NULL);
				goto bad;
			}
			json_array_foreach(v, i, x)
				if (!json_is_string(x) && !json_is_integer(x)) {
					msg = xprintf("%s 的每一项应为名称（字符串）或编号", key);
					http_problem(r, 400, "请求内容有误", msg, key, NULL);
					goto bad;
				}
		} else if (!json_is_string(v)) {
			msg = xprintf("%s 应为字符串", key);
			http_problem(r, 400, "请求内容有误", msg, key, NULL);
			goto bad;
		}
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = text;
	params[2] = r->now;
	(void)http_query(r, QUERY_DISPATCH_OPEN, 3, params, http_status_json);
	free(text);
	return;
bad:
	free(msg);
	json_decref(body);
}

static void
dispatch_get(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->param;
	params[1] = r->now;
	r->notfound = "调度不存在";
	(void)http_query(r, QUERY_DISPATCH_GET, 2, params, http_json_row);
}

static void
dispatch_close(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[3];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = r->now;
	(void)http_query(r, QUERY_DISPATCH_CLOSE, 3, params, http_status_json);
}

const struct route api_dispatch_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/dispatches", ROLE_INSPECTOR, dispatches_list, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches", ROLE_GENERAL, dispatch_open, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/dispatches/{id}", ROLE_INSPECTOR, dispatch_get, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/close", ROLE_GENERAL, dispatch_close, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
