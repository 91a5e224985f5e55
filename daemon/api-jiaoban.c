/*
 * 督办事项 (交办): tasks the general office enters from the pages.
 *   POST  /api/v1/jiaoban                 {title, basis_kind, basis, text,
 *                                          lead_office, lead_person, cooperate,
 *                                          leaders, deadline, report_every,
 *                                          targets}: 201, numbered in the
 *                                          year's list
 *   GET   /api/v1/jiaoban?year=           the year's list
 *   PATCH /api/v1/jiaoban/{id}            any of those fields but targets
 *   POST  /api/v1/jiaoban/{id}/withdraw   {reason}
 *
 * Each is one SQL function (67-jiaoban.sql), which checks the token again
 * (the general office and administrators write; everyone signed in
 * reads), validates the body (naming the field), and writes the task, its
 * roles, milestone, targets, assignments and history in one transaction.
 * Here only the body's shape is checked: a JSON object with known fields.
 * `duban jiaoban` calls these routes.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "xmalloc.h"

static const char QUERY_JIAOBAN_CREATE[] =
    "SELECT status, body::text FROM duban_jiaoban_create($1, $2::jsonb, $3::timestamptz)";
static const char QUERY_JIAOBAN_PATCH[] =
    "SELECT status, body::text FROM duban_jiaoban_patch($1, $2::bigint, $3::jsonb,"
    " $4::timestamptz)";
static const char QUERY_JIAOBAN_WITHDRAW[] =
    "SELECT status, body::text FROM duban_jiaoban_withdraw($1, $2::bigint, $3::jsonb,"
    " $4::timestamptz)";
static const char QUERY_JIAOBAN_LIST[] =
    "SELECT status, body::text FROM duban_jiaoban_list($1, $2::int, $3::timestamptz)";

static void
jiaoban_create(struct req *r)
{
	const char	*params[3];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_jiaoban_create)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = doc;
	params[2] = r->now;
	(void)http_query(r, QUERY_JIAOBAN_CREATE, 3, params, http_status_json);
	free(doc);
}

static void
jiaoban_patch(struct req *r)
{
	const char	*params[4];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_jiaoban_patch)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, QUERY_JIAOBAN_PATCH, 4, params, http_status_json);
	free(doc);
}

static void
jiaoban_withdraw(struct req *r)
{
	const char	*params[4];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_jiaoban_withdraw)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, QUERY_JIAOBAN_WITHDRAW, 4, params, http_status_json);
	free(doc);
}

static void
jiaoban_list(struct req *r)
{
	static const char *const allowed[] = { "year", NULL };
	const char	*params[3], *year;
	size_t		 i;

	if (http_query_only(r, allowed) != 0)
		return;
	year = http_query_arg(r, "year");
	if (year != NULL) {
		for (i = 0; year[i] >= '0' && year[i] <= '9'; i++)
			;
		if (i != 4 || year[i] != '\0') {
			http_problem(r, 400, "请求参数有误", "year 应为四位数的年份", "year", NULL);
			return;
		}
	}
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = year;
	params[2] = r->now;
	(void)http_query(r, QUERY_JIAOBAN_LIST, 3, params, http_status_json);
}

/*
 * Every signed-in caller reaches the functions: an administrator's
 * token is of the inspector class, and the SQL says who may write.
 */
const struct route api_jiaoban_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/jiaoban", ROLE_INSPECTOR, jiaoban_create, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/jiaoban", ROLE_INSPECTOR, jiaoban_list, 0 },
	{ EVHTTP_REQ_PATCH, "/api/v1/jiaoban/{id}", ROLE_INSPECTOR, jiaoban_patch, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/jiaoban/{id}/withdraw", ROLE_INSPECTOR, jiaoban_withdraw,
	  0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
