/*
 * Reminders and their recipients:
 *   GET    /api/v1/reminders[?date=&failed=true]   the outbox
 *   GET    /api/v1/reminders/{id}                  one, rendered, with deliveries
 *   POST   /api/v1/reminders/{id}/retry            resend its failed deliveries
 *   GET    /api/v1/offices/{id}/recipients         an office's addresses and robots
 *   POST   /api/v1/offices/{id}/recipients         add one {channel, address}
 *   DELETE /api/v1/recipients/{id}                 remove one
 * Changes are for the general office; reading the outbox for anyone.
 */
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "duband.h"
#include "render.h"
#include "xmalloc.h"

static void
reminders_list(struct req *r)
{
	static const char *const allowed[] = { "date", "failed", NULL };
	const char	*params[2] = { NULL, NULL }, *v;
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
	(void)http_query(r,
	    "SELECT coalesce(json_agg(x ORDER BY x.send_on DESC, x.id DESC), '[]')::text FROM ("
	    " SELECT r.id, r.key, r.kind, r.send_on, r.subject, o.name AS office,"
	    "        count(d.id) FILTER (WHERE d.status = 'sent') AS sent,"
	    "        count(d.id) FILTER (WHERE d.status IN ('pending', 'sending')) AS pending,"
	    "        count(d.id) FILTER (WHERE d.status = 'failed') AS failed"
	    "   FROM reminder r LEFT JOIN office o ON o.id = r.office_id"
	    "   LEFT JOIN delivery d ON d.reminder_id = r.id"
	    "  WHERE ($1::date IS NULL OR r.send_on = $1::date)"
	    "  GROUP BY r.id, o.name"
	    " HAVING NOT coalesce($2::bool, false)"
	    "     OR count(d.id) FILTER (WHERE d.status = 'failed') > 0"
	    "  ORDER BY r.send_on DESC, r.id DESC LIMIT 500) x", 2, params, http_json_row);
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
	if (PQntuples(res) == 0) {
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
	const char	*params[1] = { r->param };

	(void)http_query(r,
	    "SELECT json_build_object('id', r.id, 'key', r.key, 'kind', r.kind,"
	    "  'send_on', r.send_on, 'subject', r.subject, 'payload', r.payload,"
	    "  'deliveries', (SELECT coalesce(json_agg(json_build_object('id', d.id,"
	    "     'channel', d.channel, 'address', d.address, 'status', d.status,"
	    "     'attempts', d.attempts, 'last_error', d.last_error, 'sent_at', d.sent_at,"
	    "     'next_attempt_at', d.next_attempt_at) ORDER BY d.id), '[]')"
	    "     FROM delivery d WHERE d.reminder_id = r.id))::text"
	    "  FROM reminder r WHERE r.id = $1::bigint", 1, params, reminder_got);
}

static void
reminder_retry(struct req *r)
{
	const char	*params[1] = { r->param };

	r->notfound = "提醒不存在";
	(void)http_query(r,
	    "WITH x AS (SELECT id FROM reminder WHERE id = $1::bigint),"
	    " u AS (UPDATE delivery SET status = 'pending', next_attempt_at = now(),"
	    "        claimed_by = NULL, claimed_until = NULL"
	    "        WHERE reminder_id = $1::bigint AND status = 'failed' RETURNING id),"
	    " n AS (SELECT pg_notify('duban_outbox', 'retry') FROM u LIMIT 1)"
	    " SELECT json_build_object('id', x.id, 'retried', (SELECT count(*) FROM u),"
	    "   'notified', (SELECT count(*) FROM n))::text FROM x", 1, params, http_json_row);
}

static void
recipients_list(struct req *r)
{
	const char	*params[1] = { r->param };

	r->notfound = "处室不存在";
	(void)http_query(r,
	    "SELECT json_build_object('office_id', o.id, 'office', o.name,"
	    "  'recipients', (SELECT coalesce(json_agg(json_build_object('id', rc.id,"
	    "     'channel', rc.channel, 'address', rc.address) ORDER BY rc.id), '[]')"
	    "     FROM recipient rc WHERE rc.office_id = o.id))::text"
	    "  FROM office o WHERE o.id = $1::bigint", 1, params, http_json_row);
}

static void
recipient_added(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	if (PQntuples(res) == 0) {
		http_problem(r, 404, "处室不存在", "没有这个编号的处室", NULL, NULL);
		return;
	}
	http_reply_json(r, 201, PQgetvalue(res, 0, 0), NULL);
}

static void
recipient_add(struct req *r)
{
	const char	*params[3], *channel, *address, *key;
	json_t		*b, *v;
	size_t		 len;
	char		*text;

	if ((text = http_body(r, &len)) == NULL)
		return;
	b = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	free(text);
	if (!json_is_object(b)) {
		http_problem(r, 400, "请求内容有误", "请求体应为 JSON 对象 {channel, address}",
		    NULL, NULL);
		json_decref(b);
		return;
	}
	json_object_foreach(b, key, v)
		if (strcmp(key, "channel") != 0 && strcmp(key, "address") != 0) {
			char	*msg = xprintf("不认识的字段“%s”", key);

			http_problem(r, 400, "请求内容有误", msg, key, NULL);
			free(msg);
			json_decref(b);
			return;
		}
	channel = json_string_value(json_object_get(b, "channel"));
	address = json_string_value(json_object_get(b, "address"));
	if (channel == NULL || (strcmp(channel, "email") && strcmp(channel, "webhook") &&
	    strcmp(channel, "wecom") && strcmp(channel, "dingtalk"))) {
		http_problem(r, 400, "请求内容有误",
		    "channel 应为 email、webhook、wecom 或 dingtalk", "channel", NULL);
		json_decref(b);
		return;
	}
	if (address == NULL || strlen(address) > 2000 || strpbrk(address, " \t\r\n\"<>") ||
	    (strcmp(channel, "email") == 0 ? strchr(address, '@') == NULL :
	    strncmp(address, "http://", 7) != 0 && strncmp(address, "https://", 8) != 0)) {
		http_problem(r, 400, "请求内容有误", strcmp(channel, "email") == 0 ?
		    "address 应为邮件地址" : "address 应为 http:// 或 https:// 开头的链接",
		    "address", NULL);
		json_decref(b);
		return;
	}
	params[0] = r->param;
	params[1] = channel;
	params[2] = address;
	(void)http_query(r,
	    "WITH o AS (SELECT id FROM office WHERE id = $1::bigint),"
	    " i AS (INSERT INTO recipient (office_id, channel, address)"
	    "       SELECT o.id, $2, $3 FROM o ON CONFLICT DO NOTHING RETURNING id)"
	    " SELECT json_build_object('id', coalesce((SELECT id FROM i),"
	    "   (SELECT id FROM recipient WHERE office_id = o.id AND channel = $2"
	    "     AND address = $3)), 'office_id', o.id, 'channel', $2::text,"
	    "   'address', $3::text)::text FROM o", 3, params, recipient_added);
	json_decref(b);
}

static void
recipient_delete(struct req *r)
{
	const char	*params[1] = { r->param };

	r->notfound = "接收方式不存在";
	/* Recipients that were sent to stay, for the record. */
	(void)http_query(r,
	    "WITH d AS (DELETE FROM recipient rc WHERE rc.id = $1::bigint"
	    "  AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.recipient_id = rc.id)"
	    "  RETURNING id),"
	    " k AS (SELECT id FROM recipient WHERE id = $1::bigint)"
	    " SELECT CASE WHEN (SELECT id FROM d) IS NOT NULL"
	    "   THEN json_build_object('id', $1::bigint, 'deleted', true)::text"
	    "   WHEN (SELECT id FROM k) IS NOT NULL"
	    "   THEN json_build_object('id', $1::bigint, 'deleted', false,"
	    "     'detail', '已有发送记录，保留以便核查')::text END", 1, params, http_json_row);
}

const struct route api_reminder_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/reminders", ROLE_INSPECTOR, reminders_list },
	{ EVHTTP_REQ_GET, "/api/v1/reminders/{id}", ROLE_INSPECTOR, reminder_get },
	{ EVHTTP_REQ_POST, "/api/v1/reminders/{id}/retry", ROLE_GENERAL, reminder_retry },
	{ EVHTTP_REQ_GET, "/api/v1/offices/{id}/recipients", ROLE_GENERAL, recipients_list },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{id}/recipients", ROLE_GENERAL, recipient_add },
	{ EVHTTP_REQ_DELETE, "/api/v1/recipients/{id}", ROLE_GENERAL, recipient_delete },
	{ 0, NULL, ROLE_NONE, NULL }
};
