/*
 * 延期申请: requests to move a milestone's date, and their decisions.
 *   POST /api/v1/milestones/{id}/extensions   {new_date, reason}: 201, pending
 *   GET  /api/v1/extensions?state=            the requests an office may see
 *   POST /api/v1/extensions/{id}/approve      {reason}: the date moves (or,
 *                                             where the plan asks, the task's
 *                                             分管领导 decides next)
 *   POST /api/v1/extensions/{id}/reject       {reason}
 *
 * Each is one SQL function (37-extensions.sql), which checks the token
 * again, validates the body (naming the field), and writes the request,
 * its decision and the progress history in one transaction.  Here only
 * the body's shape is checked: a JSON object with known fields.
 * `duban extension` calls these routes.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "xmalloc.h"

static const char QUERY_EXTENSION_REQUEST[] =
    "SELECT status, body::text FROM duban_extension_request($1, $2::bigint, $3::jsonb,"
    " $4::timestamptz)";
static const char QUERY_EXTENSION_DECIDE[] =
    "SELECT status, body::text FROM duban_extension_decide($1, $2::bigint, $3::boolean,"
    " $4::jsonb, $5::timestamptz)";
static const char QUERY_EXTENSION_LIST[] =
    "SELECT status, body::text FROM duban_extension_list($1, $2)";

static void
extension_request(struct req *r)
{
	const char	*params[4];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_extension_request)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, QUERY_EXTENSION_REQUEST, 4, params, http_status_json);
	free(doc);
}

static void
extension_decide(struct req *r, int approve)
{
	const char	*params[5];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_extension_decide)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = approve ? "true" : "false";
	params[3] = doc;
	params[4] = r->now;
	(void)http_query(r, QUERY_EXTENSION_DECIDE, 5, params, http_status_json);
	free(doc);
}

static void
extension_approve(struct req *r)
{
	extension_decide(r, 1);
}

static void
extension_reject(struct req *r)
{
	extension_decide(r, 0);
}

static void
extension_list(struct req *r)
{
	static const char *const allowed[] = { "state", NULL };
	const char	*params[2];

	if (http_query_only(r, allowed) != 0)
		return;
	params[0] = r->token_hash;
	params[1] = http_query_arg(r, "state");
	(void)http_query(r, QUERY_EXTENSION_LIST, 2, params, http_status_json);
}

const struct route api_extension_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/milestones/{id}/extensions", ROLE_OFFICE,
	  extension_request, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/extensions", ROLE_INSPECTOR, extension_list, 0 },
	/* A leader's token is of the inspector class: the SQL says whose
	 * step it is (the general office's, or the task's 分管领导's). */
	{ EVHTTP_REQ_POST, "/api/v1/extensions/{id}/approve", ROLE_INSPECTOR,
	  extension_approve, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/extensions/{id}/reject", ROLE_INSPECTOR,
	  extension_reject, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
