/*
 * 红黄绿灯 thresholds of a plan (migrations/functions/62-lights.sql):
 *   PATCH /api/v1/plans/{key}/lights   {yellow, red, due_soon_days, note}
 *          the general office only: the points behind 序时进度 that turn a
 *          light yellow and red, and the working days before a deadline
 *          that are 临期; 200 with the plan's thresholds and their
 *          history; 400 naming the field; 403 for anyone else.
 * One SQL function, duban_plan_lights_change, which `duban plan lights`
 * calls too; here only the body's shape is checked (a JSON object of
 * those fields).
 */
#include <stdlib.h>

#include "api.h"
#include "clock.h"

static const char QUERY_PLAN_LIGHTS[] =
    "SELECT status, body::text FROM duban_api_plan_lights($1, $2, $3::jsonb,"
    " $4::timestamptz)";

static void
plan_lights(struct req *r)
{
	static const char *const fields[] = { "yellow", "red", "due_soon_days", "note",
	    NULL };
	const char	*params[4];
	char		*doc;

	if ((doc = http_json_text(r, fields, 0)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, QUERY_PLAN_LIGHTS, 4, params, http_status_json);
	free(doc);
}

/* Every signed-in caller reaches the SQL, which says that only the
 * general office may change them. */
const struct route api_lights_routes[] = {
	{ EVHTTP_REQ_PATCH, "/api/v1/plans/{key}/lights", ROLE_INSPECTOR, plan_lights, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
