/*
 * 上级督办下级: the city's general office and its county bureaus.
 *   PUT  /api/v1/targets/{id}/counties/{org}   {share}: the task's roll-up
 *        (the city sets a county's share of a city target; the county's
 *        copy takes it as its value)
 *   GET  /api/v1/dispatches/{id}/counties/{org}
 *        a county's part of its city's dispatch round: what is asked, its
 *        state, its copies of the round's tasks and its report's steps
 *   GET  /api/v1/county-rounds   the open rounds asking the counties the
 *        token reaches, each with the county's state (a county's 待办)
 *   POST /api/v1/dispatches/{id}/counties/{org}/chase
 *        the city's general office or inspector 催办s a county that has
 *        not 报送ed (the sweep does it by itself after the round's date)
 *   PUT  /api/v1/tasks/{id}/county-office   {office}: a county's general
 *        office names its office (承办科室) that fills in its copy
 * One SQL function per route (33-counties.sql, 70-dispatch.sql), which
 * checks the token, what it reaches, and the request, and writes in one
 * transaction; `duban county share` calls the same.  A county's steps in
 * a round (submit, return, accept) are with the offices' in
 * api-dispatch.c.  The roll-up itself is part of GET /api/v1/tasks/{id}
 * ("counties"); the round's per-county states are part of GET
 * /api/v1/dispatches/{id} ("counties").
 */
#include <stdlib.h>

#include "api.h"
#include "clock.h"

static const char QUERY_COUNTY_SHARE[] =
    "SELECT status, body::text FROM duban_county_share($1, $2::bigint, $3, $4::jsonb, NULL,"
    " $5::timestamptz)";
/* {status, body} or a problem, as QUERY_DISPATCH_OPEN's (lib/store/query.c). */
#define STATUS_OR_PROBLEM(call)						\
    "SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300"	\
    " THEN r->'body' ELSE r END::text FROM " call " AS r"
static const char QUERY_COUNTY_ROUND[] = STATUS_OR_PROBLEM(
    "duban_api_dispatch_county_get($1, $2::bigint, $3, $4::timestamptz)");
static const char QUERY_COUNTY_ROUNDS[] = STATUS_OR_PROBLEM(
    "duban_api_county_rounds($1, $2::timestamptz)");
static const char QUERY_COUNTY_CHASE[] = STATUS_OR_PROBLEM(
    "duban_api_dispatch_county_chase($1, $2::bigint, $3, $4::timestamptz)");
static const char QUERY_COUNTY_OFFICE[] = STATUS_OR_PROBLEM(
    "duban_api_county_office($1, $2::bigint, $3::jsonb, NULL, $4::timestamptz)");

static void
county_share(struct req *r)
{
	static const char *const fields[] = { "share", NULL };
	const char	*params[5];
	char		*doc;

	if ((doc = http_json_text(r, fields, 0)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = r->param2;
	params[3] = doc;
	params[4] = r->now;
	(void)http_query(r, QUERY_COUNTY_SHARE, 5, params, http_status_json);
	free(doc);
}

static void
county_round(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[4];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = r->param2;
	params[3] = r->now;
	(void)http_query(r, QUERY_COUNTY_ROUND, 4, params, http_status_json);
}

static void
county_rounds(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->now;
	(void)http_query(r, QUERY_COUNTY_ROUNDS, 2, params, http_status_json);
}

static void
county_chase(struct req *r)
{
	const char	*params[4];

	if (http_no_body(r) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = r->param2;
	params[3] = r->now;
	(void)http_query(r, QUERY_COUNTY_CHASE, 4, params, http_status_json);
}

static void
county_office(struct req *r)
{
	static const char *const fields[] = { "office", NULL };
	const char	*params[4];
	char		*doc;

	if ((doc = http_json_text(r, fields, 0)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, QUERY_COUNTY_OFFICE, 4, params, http_status_json);
	free(doc);
}

const struct route api_county_routes[] = {
	{ EVHTTP_REQ_PUT, "/api/v1/targets/{id}/counties/{org}", ROLE_GENERAL, county_share, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/dispatches/{id}/counties/{org}", ROLE_INSPECTOR,
	    county_round, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/county-rounds", ROLE_INSPECTOR, county_rounds, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/counties/{org}/chase", ROLE_INSPECTOR,
	    county_chase, 0 },
	{ EVHTTP_REQ_PUT, "/api/v1/tasks/{id}/county-office", ROLE_GENERAL, county_office, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
