/*
 * 办结审核: the lead office asks to close a task, the general office
 * approves or returns the request.
 *   POST /api/v1/tasks/{id}/completion           {note}: 201, pending
 *   POST /api/v1/tasks/{id}/completion/approve   {reason?}: 已办结
 *   POST /api/v1/tasks/{id}/completion/return    {reason}: back to the office
 *
 * Each is one SQL function (38-completion.sql), which checks the token
 * again (the head of the lead office, or its office token, asks; the
 * general office decides), validates the body (naming the field), and
 * writes the request, its decision, the progress history and the
 * outbox's message in one transaction.  Here only the body's shape is
 * checked: a JSON object with known fields.  `duban task complete` and
 * `duban task completion` call these routes.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "xmalloc.h"

static const char QUERY_COMPLETION_REQUEST[] =
    "SELECT status, body::text FROM duban_completion_request($1, $2::bigint, $3::jsonb,"
    " $4::timestamptz)";
static const char QUERY_COMPLETION_DECIDE[] =
    "SELECT status, body::text FROM duban_completion_decide($1, $2::bigint, $3::boolean,"
    " $4::jsonb, $5::timestamptz)";

static void
completion_request(struct req *r)
{
	const char	*params[4];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_completion_request)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, QUERY_COMPLETION_REQUEST, 4, params, http_status_json);
	free(doc);
}

static void
completion_decide(struct req *r, int approve)
{
	const char	*params[5];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_completion_decide)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = approve ? "true" : "false";
	params[3] = doc;
	params[4] = r->now;
	(void)http_query(r, QUERY_COMPLETION_DECIDE, 5, params, http_status_json);
	free(doc);
}

static void
completion_approve(struct req *r)
{
	completion_decide(r, 1);
}

static void
completion_return(struct req *r)
{
	completion_decide(r, 0);
}

/* The routes let every signed-in caller through (a leader's token is of
 * the inspector class): the SQL says whose step it is (the lead office's
 * head or office token, the general office), so that a refusal names why. */
const struct route api_completion_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/tasks/{id}/completion", ROLE_INSPECTOR,
	  completion_request, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/tasks/{id}/completion/approve", ROLE_INSPECTOR,
	  completion_approve, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/tasks/{id}/completion/return", ROLE_INSPECTOR,
	  completion_return, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
