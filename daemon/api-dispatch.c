/*
 * Dispatch rounds (调度):
 *   GET    /api/v1/dispatches                    the rounds
 *   POST   /api/v1/dispatches                    open one (general office);
 *          {counties: true | [name, ...]} asks the county bureaus for
 *          their copies too (上级督办下级: api-counties.c has their steps)
 *   GET    /api/v1/dispatches/{id}               who has reported
 *   POST   /api/v1/dispatches/{id}/close         the 调度汇总 (general office)
 *   POST   /api/v1/dispatches/{id}/offices/{office}/submit   {confirm?}
 *   POST   /api/v1/dispatches/{id}/offices/{office}/return   {reason}
 *   POST   /api/v1/dispatches/{id}/offices/{office}/accept
 *          an office's report in the round: a clerk submits it to the
 *          head, the head returns it or 报送s it, the general office
 *          accepts (采纳) or returns it (duban_api_office_report)
 *   POST   /api/v1/dispatches/{id}/offices/{office}/urge
 *          催办: at once, through the outbox, once a day (general office)
 *   GET    /api/v1/offices/{office}/report       the office's drafts and
 *                                                reports in hand
 *   POST   /api/v1/offices/{office}/report/submit|return|accept
 *          the same, outside rounds (日常报送)
 *   POST   /api/v1/dispatches/{id}/counties/{org}/submit|return|accept
 *          a county bureau's report in its city's round: its general
 *          office 报送s, the city's accepts or returns it
 *          (duban_api_dispatch_county; api-counties.c has the rest)
 * The database decides what each round is; these check the request's
 * shape, so that a problem names the field.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "query.h"

static void
dispatches_list(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->now;
	params[1] = r->token_hash;
	(void)http_query(r, QUERY_DISPATCH_LIST, 2, params, http_json_row);
}

/*
 * The body's fields are checked for shape first (body.c), so that the
 * problem names the field; the function checks what needs the database.
 */
static void
dispatch_open(struct req *r)
{
	const char	*params[3];
	char		*text;

	if ((text = http_json_text_for(r, &body_dispatch_open)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = text;
	params[2] = r->now;
	(void)http_query(r, QUERY_DISPATCH_OPEN, 3, params, http_status_json);
	free(text);
}

static void
dispatch_get(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[4];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[3] = r->token_hash;
	params[0] = r->param;
	params[1] = r->now;
	/* Where the notices went, and what servers answered: general only. */
	params[2] = r->role == ROLE_GENERAL ? "true" : "false";
	r->notfound = "调度不存在";
	(void)http_query(r, QUERY_DISPATCH_GET, 4, params, http_json_row);
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

/* A county's step: as an office's, by a county bureau (70-dispatch.sql). */
static const char QUERY_COUNTY_STEP[] =
    "SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300"
    " THEN r->'body' ELSE r END::text"
    " FROM duban_api_dispatch_county($1, $2::bigint, $3, $4, $5::jsonb, $6::timestamptz) AS r";

/*
 * A step of an office's report (query QUERY_OFFICE_REPORT_STEP) or a
 * county's (QUERY_COUNTY_STEP): the body is {confirm?: bool} for submit,
 * {reason: string} for return, {} for accept (or no body at all).
 */
static void
step(struct req *r, const char *query, const char *round, const char *office,
    const char *action)
{
	const char	*params[6];
	char		*text;

	if ((text = http_json_text_for(r, &body_report_step)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = round;
	params[2] = office;
	params[3] = action;
	params[4] = text;
	params[5] = r->now;
	(void)http_query(r, query, 6, params, http_status_json);
	free(text);
}

static void
report_step(struct req *r, const char *round, const char *office, const char *action)
{
	step(r, QUERY_OFFICE_REPORT_STEP, round, office, action);
}

static void
county_submit(struct req *r)
{
	step(r, QUERY_COUNTY_STEP, r->param, r->param2, "submit");
}

static void
county_return(struct req *r)
{
	step(r, QUERY_COUNTY_STEP, r->param, r->param2, "return");
}

static void
county_accept(struct req *r)
{
	step(r, QUERY_COUNTY_STEP, r->param, r->param2, "accept");
}

static void
round_submit(struct req *r)
{
	report_step(r, r->param, r->param2, "submit");
}

static void
round_return(struct req *r)
{
	report_step(r, r->param, r->param2, "return");
}

static void
round_accept(struct req *r)
{
	report_step(r, r->param, r->param2, "accept");
}

static void
standing_submit(struct req *r)
{
	report_step(r, NULL, r->param, "submit");
}

static void
standing_return(struct req *r)
{
	report_step(r, NULL, r->param, "return");
}

static void
standing_accept(struct req *r)
{
	report_step(r, NULL, r->param, "accept");
}

static void
round_urge(struct req *r)
{
	const char	*params[4];

	if (http_no_body(r) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = r->param2;
	params[3] = r->now;
	(void)http_query(r, QUERY_DISPATCH_URGE, 4, params, http_status_json);
}

static void
office_reports(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[3];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = r->now;
	(void)http_query(r, QUERY_OFFICE_REPORTS, 3, params, http_status_json);
}

const struct route api_dispatch_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/dispatches", ROLE_INSPECTOR, dispatches_list, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches", ROLE_GENERAL, dispatch_open, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/dispatches/{id}", ROLE_INSPECTOR, dispatch_get, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/close", ROLE_GENERAL, dispatch_close, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/offices/{office}/submit", ROLE_OFFICE,
	    round_submit, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/offices/{office}/return", ROLE_OFFICE,
	    round_return, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/offices/{office}/accept", ROLE_GENERAL,
	    round_accept, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/offices/{office}/urge", ROLE_GENERAL,
	    round_urge, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/offices/{office}/report", ROLE_INSPECTOR, office_reports, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{office}/report/submit", ROLE_OFFICE,
	    standing_submit, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{office}/report/return", ROLE_OFFICE,
	    standing_return, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{office}/report/accept", ROLE_GENERAL,
	    standing_accept, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/counties/{org}/submit", ROLE_GENERAL,
	    county_submit, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/counties/{org}/return", ROLE_GENERAL,
	    county_return, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/counties/{org}/accept", ROLE_GENERAL,
	    county_accept, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
