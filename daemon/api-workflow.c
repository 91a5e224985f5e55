/*
 * Steps of the 督办 cycle beside progress:
 *   POST /api/v1/tasks/{id}/acknowledge     签收, by an office that answers
 *                                           for the task
 *   POST /api/v1/tasks/{id}/instructions    {text}: a 批示, by the general
 *                                           office or the task's 责任领导
 *   POST /api/v1/instructions/{id}/read     the office has read a 批示
 *   GET  /api/v1/todo                       the asker's 待办
 * Each is one SQL function (65-assignments.sql) that checks the token
 * again and writes the history in the same transaction.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "query.h"
#include "xmalloc.h"

/* A step with no body: sql($1 token, $2 the {id}, $3 now). */
static void
step(struct req *r, const char *sql)
{
	const char	*params[3];

	if (http_no_body(r) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = r->now;
	(void)http_query(r, sql, 3, params, http_status_json);
}

static void
acknowledge(struct req *r)
{
	step(r, "SELECT status, body::text FROM duban_api_acknowledge($1, $2::bigint,"
	    " $3::timestamptz)");
}

static void
instruct(struct req *r)
{
	const char	*params[4];
	json_t		*body, *text;

	if ((body = http_json_for(r, &body_instruct)) == NULL)
		return;
	text = json_object_get(body, "text");
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = json_string_value(text);
	params[3] = r->now;
	(void)http_query(r, "SELECT status, body::text FROM duban_api_instruct($1, $2::bigint,"
	    " $3, $4::timestamptz)", 4, params, http_status_json);
	json_decref(body);
}

static void
instruction_read(struct req *r)
{
	step(r, "SELECT status, body::text FROM duban_api_instruction_read($1, $2::bigint,"
	    " $3::timestamptz)");
}

static void
todo(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->now;
	(void)http_query(r, QUERY_TODO, 2, params, http_status_json);
}

const struct route api_workflow_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/tasks/{id}/acknowledge", ROLE_OFFICE, acknowledge, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/tasks/{id}/instructions", ROLE_INSPECTOR, instruct, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/instructions/{id}/read", ROLE_OFFICE, instruction_read, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/todo", ROLE_INSPECTOR, todo, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
