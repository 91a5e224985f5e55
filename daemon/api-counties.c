/*
 * 上级督办下级: the city's general office sets a county bureau's share of
 * a city target (the county's copy takes it as its value).
 *   PUT /api/v1/targets/{id}/counties/{org}   {share}: the task's roll-up
 * One SQL function (33-counties.sql), which checks the token, the target
 * (within reach), the county and the value, and writes the share and the
 * copy's history in one transaction; `duban county share` calls it too.
 * The roll-up itself is part of GET /api/v1/tasks/{id} ("counties").
 */
#include <stdlib.h>

#include "api.h"
#include "clock.h"

static const char QUERY_COUNTY_SHARE[] =
    "SELECT status, body::text FROM duban_county_share($1, $2::bigint, $3, $4::jsonb, NULL,"
    " $5::timestamptz)";

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

const struct route api_county_routes[] = {
	{ EVHTTP_REQ_PUT, "/api/v1/targets/{id}/counties/{org}", ROLE_GENERAL, county_share, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
