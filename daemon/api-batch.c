/*
 * 批量填报: an office's whole 填报表 at once.
 *   GET /api/v1/offices/{office}/report/rows?dispatch=ID
 *          the table: one row per target and milestone of the office's
 *          tasks (of the round's plans when dispatch is given), with the
 *          reported values, 上期 and the office's drafts (its own people
 *          only): duban_api_office_rows
 *   PUT /api/v1/offices/{office}/report
 *          {"dispatch": ID or null, "rows": [{"kind", "id", "version",
 *          fields...}], "submit"?: bool, "confirm"?: bool}: every row
 *          checked as PATCH checks it, all saved (as the office's drafts,
 *          or directly for a token that writes directly) or none, each
 *          problem naming its row and field; then, with submit, the
 *          report submitted as POST .../report/submit does, in the same
 *          transaction: duban_api_office_batch
 * Both are in migrations/functions/73-batch.sql.  Here the body's shape
 * is checked (an object of those keys, rows an array of at most
 * BATCH_ROWS_MAX objects: body.c), so that a malformed request costs no query;
 * the values of each row are the database's to check, where a file's
 * rows (the XLSX 填报表) are checked the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "query.h"

static void
batch_rows(struct req *r)
{
	static const char *const allowed[] = { "dispatch", NULL };
	const char	*params[4], *d;
	size_t		 i;

	if (http_query_only(r, allowed) != 0)
		return;
	if ((d = http_query_arg(r, "dispatch")) != NULL && *d != '\0') {
		for (i = 0; d[i] != '\0'; i++)
			if (d[i] < '0' || d[i] > '9' || i >= 18) {
				http_problem(r, 400, "请求内容有误", "dispatch 应为调度编号",
				    "dispatch", NULL);
				return;
			}
	} else
		d = NULL;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = d;
	params[3] = r->now;
	(void)http_query(r, QUERY_OFFICE_ROWS, 4, params, http_status_json);
}

static void
batch_put(struct req *r)
{
	const char	*params[4];
	json_t		*body;
	char		*text;

	if ((body = http_json_for(r, &body_batch_put)) == NULL)
		return;
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = text;
	params[3] = r->now;
	(void)http_query(r, QUERY_OFFICE_BATCH, 4, params, http_status_json);
	free(text);
}

const struct route api_batch_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/offices/{office}/report/rows", ROLE_INSPECTOR, batch_rows, 0 },
	{ EVHTTP_REQ_PUT, "/api/v1/offices/{office}/report", ROLE_OFFICE, batch_put, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
