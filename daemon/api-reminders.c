/*
 * Reminders and their recipients:
 *   GET    /api/v1/reminders[?date=&failed=true]   the outbox
 *   GET    /api/v1/reminders/{id}                  one, rendered, with deliveries
 *   POST   /api/v1/reminders/{id}/retry            resend its failed deliveries
 *   GET    /api/v1/offices/{id}/recipients         an office's addresses and robots
 *   POST   /api/v1/offices/{id}/recipients         add one {channel, address}
 *   DELETE /api/v1/recipients/{id}                 remove one
 * Changes are for the general office; reading the outbox for anyone, but
 * delivery addresses and errors only for the general office.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "deadline.h"
#include "query.h"
#include "render.h"
#include "xmalloc.h"

static void
reminders_list(struct req *r)
{
	static const char *const allowed[] = { "date", "failed", NULL };
	const char	*params[4] = { NULL, NULL, NULL, NULL }, *v;
	struct ymd	 d;

	if (http_query_only(r, allowed) != 0)
		return;
	if ((v = http_query_arg(r, "date")) != NULL) {
		if (date_parse_iso(v, &d) != 0) {
			http_problem(r, 400, "请求参数有误", "date 应为 YYYY-MM-DD", "date", NULL);
			return;
		}
		params[0] = v;
	}
	if ((v = http_query_arg(r, "failed")) != NULL)
		params[1] = strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ? "true" : "false";
	/* What a receiving server answered is for the general office only. */
	params[2] = r->role == ROLE_GENERAL ? "true" : "false";
	params[3] = r->token_hash;
	(void)http_query(r, QUERY_REMINDER_LIST, 4, params, http_json_row);
}

static void
reminder_got(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	json_t		*j, *payload;
	char		*text, *out;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		http_problem(r, 404, "提醒不存在", "没有这个编号的提醒", NULL, NULL);
		return;
	}
	j = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	payload = json_object_get(j, "payload");
	text = render_text(payload, json_string_value(json_object_get(j, "subject")));
	json_object_set_new(j, "text", json_string(text));
	out = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	http_reply_json(r, 200, out, NULL);
	free(out);
	free(text);
	json_decref(j);
}

static void
reminder_get(struct req *r)
{
	const char	*params[3] = { r->param, NULL, r->token_hash };

	/*
	 * Where each delivery went (robot URLs carry their key) and what the
	 * receiving server answered: the general office's only.
	 */
	params[1] = r->role == ROLE_GENERAL ? "true" : "false";
	(void)http_query(r, QUERY_REMINDER_GET, 3, params, reminder_got);
}

static void
reminder_retry(struct req *r)
{
	const char	*params[2] = { r->param, r->token_hash };

	(void)http_query(r, QUERY_REMINDER_RETRY, 2, params, http_status_json);
}

static void
recipients_list(struct req *r)
{
	const char	*params[2] = { r->param, r->token_hash };

	r->notfound = "处室不存在";
	(void)http_query(r, QUERY_OFFICE_RECIPIENTS, 2, params, http_json_row);
}

static void
recipient_add(struct req *r)
{
	static const char *const fields[] = { "channel", "address", NULL };
	const char	*params[3], *key;
	json_t		*b, *v;
	char		*text;

	if ((b = http_json_object(r, fields, 0)) == NULL)
		return;
	json_object_foreach(b, key, v) {
		if (!json_is_string(v)) {
			char	*msg = xprintf("%s 应为字符串", key);

			http_problem(r, 400, "请求内容有误", msg, key, NULL);
			free(msg);
			json_decref(b);
			return;
		}
	}
	/* The address itself is checked where the CLI's are: in the database. */
	text = json_dumps(b, JSON_COMPACT);
	params[0] = r->param;
	params[1] = text;
	params[2] = r->token_hash;
	(void)http_query(r, QUERY_RECIPIENT_ADD, 3, params, http_status_json);
	free(text);
	json_decref(b);
}

static void
recipient_delete(struct req *r)
{
	const char	*params[2] = { r->param, r->token_hash };

	(void)http_query(r, QUERY_RECIPIENT_DELETE, 2, params, http_status_json);
}

const struct route api_reminder_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/reminders", ROLE_INSPECTOR, reminders_list, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/reminders/{id}", ROLE_INSPECTOR, reminder_get, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/reminders/{id}/retry", ROLE_GENERAL, reminder_retry, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/offices/{id}/recipients", ROLE_GENERAL, recipients_list, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{id}/recipients", ROLE_GENERAL, recipient_add, 0 },
	{ EVHTTP_REQ_DELETE, "/api/v1/recipients/{id}", ROLE_GENERAL, recipient_delete, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
