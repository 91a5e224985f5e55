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
 * BATCH_ROWS_MAX objects), so that a malformed request costs no query;
 * the values of each row are the database's to check, where a file's
 * rows (the XLSX 填报表) are checked the same way.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "query.h"
#include "xmalloc.h"

#define BATCH_ROWS_MAX	5000

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

/* The shape of one row: 0, or -1 after answering 400 naming rows[N].FIELD. */
static int
row_shape(struct req *r, size_t n, json_t *row)
{
	const char	*why = NULL, *field = "";
	json_t		*v;
	char		*where, *msg;

	if (!json_is_object(row))
		why = "应为 JSON 对象";
	else if (!json_is_string(v = json_object_get(row, "kind")) ||
	    (strcmp(json_string_value(v), "target") != 0 &&
	    strcmp(json_string_value(v), "milestone") != 0)) {
		why = "kind 应为 target（指标）或 milestone（节点）";
		field = ".kind";
	} else if (!json_is_integer(v = json_object_get(row, "id")) ||
	    json_integer_value(v) < 1) {
		why = "id 应为指标或节点的编号";
		field = ".id";
	}
	if (why == NULL)
		return (0);
	where = xprintf("rows[%zu]%s", n + 1, field);
	msg = xprintf("第 %zu 行：%s", n + 1, why);
	http_problem(r, 400, "请求内容有误", msg, where, NULL);
	free(msg);
	free(where);
	return (-1);
}

static void
batch_put(struct req *r)
{
	static const char *const fields[] = { "dispatch", "rows", "submit", "confirm", NULL };
	const char	*params[4];
	json_t		*body, *rows, *v, *row;
	size_t		 i;
	char		*text, *msg;

	if ((body = http_json_object(r, fields, 0)) == NULL)
		return;
	rows = json_object_get(body, "rows");
	if (!json_is_array(rows) || json_array_size(rows) > BATCH_ROWS_MAX) {
		msg = xprintf("rows 应为填报表各行的数组（不超过 %d 行）", BATCH_ROWS_MAX);
		http_problem(r, 400, "请求内容有误", msg, "rows", NULL);
		free(msg);
		goto done;
	}
	v = json_object_get(body, "dispatch");
	if (v != NULL && !json_is_null(v) && !(json_is_integer(v) && json_integer_value(v) > 0)) {
		http_problem(r, 400, "请求内容有误", "dispatch 应为调度编号或 null", "dispatch",
		    NULL);
		goto done;
	}
	if (((v = json_object_get(body, "submit")) != NULL && !json_is_boolean(v)) ||
	    ((v = json_object_get(body, "confirm")) != NULL && !json_is_boolean(v))) {
		http_problem(r, 400, "请求内容有误", "submit 和 confirm 应为 true 或 false",
		    json_object_get(body, "submit") == v ? "submit" : "confirm", NULL);
		goto done;
	}
	json_array_foreach(rows, i, row)
		if (row_shape(r, i, row) != 0)
			goto done;
	text = json_dumps(body, JSON_COMPACT);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = text;
	params[3] = r->now;
	(void)http_query(r, QUERY_OFFICE_BATCH, 4, params, http_status_json);
	free(text);
done:
	json_decref(body);
}

const struct route api_batch_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/offices/{office}/report/rows", ROLE_INSPECTOR, batch_rows, 0 },
	{ EVHTTP_REQ_PUT, "/api/v1/offices/{office}/report", ROLE_OFFICE, batch_put, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
