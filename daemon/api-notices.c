/*
 * 督办单 (notices) and 督查通报 (bulletins):
 *   GET    /api/v1/duban-notices?office=&year=    the notices the caller
 *                                                 may see (an office its own)
 *   POST   /api/v1/duban-notices                  issue one by hand (general)
 *   GET    /api/v1/duban-notices/rules?plan=      when a plan's items escalate
 *   PUT    /api/v1/duban-notices/rules?plan=      change that (general)
 *   GET    /api/v1/duban-notices/{id}?format=json|html   one, or its print view
 *   POST   /api/v1/duban-notices/{id}/acknowledge 签收 (the 承办处室's people)
 *   GET    /api/v1/bulletins?year=                the 通报 (drafts: general)
 *   POST   /api/v1/bulletins                      a draft {round} | {quarter}
 *   GET    /api/v1/bulletins/{id}?format=json|html
 *   PATCH  /api/v1/bulletins/{id}                 edit a draft (If-Match)
 *   POST   /api/v1/bulletins/{id}/issue           number, date and archive it
 * The sweep issues notices as items escalate (75-sweep.sql, outbox.c).
 * Each route is one SQL function (68-notices.sql, 69-bulletins.sql) that
 * checks the token, validates the body (naming the field) and writes in
 * one transaction; here only the request's shape is checked.  The print
 * views are documents the database renders (公文 layout, print CSS), sent
 * as the HTML report is: self-contained, nothing else may load or run.
 * `duban notice` and `duban bulletin` (cli/cmd-notice.c) call these routes.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "xmalloc.h"

#define DOC_CSP	"default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; " \
	"form-action 'none'; frame-ancestors 'self'"

/* {status, body[, version]} as the SQL functions answer. */
#define STATUS_BODY(call) \
	"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300" \
	" THEN r->'body' ELSE r END::text, r->>'version' FROM " call " AS r"
/* The same, the body a document: its text. */
#define STATUS_DOC(call) \
	"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300" \
	" THEN r->>'body' ELSE r::text END FROM " call " AS r"

static const char Q_NOTICES[] = STATUS_BODY("duban_api_notices($1, $2, $3)");
static const char Q_NOTICE[] = STATUS_BODY("duban_api_notice($1, $2::bigint)");
static const char Q_NOTICE_HTML[] = STATUS_DOC("duban_api_notice_html($1, $2::bigint)");
static const char Q_NOTICE_ISSUE[] =
    STATUS_BODY("duban_api_notice_issue($1, $2::jsonb, $3::timestamptz)");
static const char Q_NOTICE_ACK[] =
    STATUS_BODY("duban_api_notice_ack($1, $2::bigint, $3::jsonb, $4::timestamptz)");
static const char Q_NOTICE_RULES[] =
    STATUS_BODY("duban_api_notice_rules($1, $2, $3::jsonb, $4::timestamptz)");
static const char Q_BULLETINS[] = STATUS_BODY("duban_api_bulletins($1, $2)");
static const char Q_BULLETIN[] = STATUS_BODY("duban_api_bulletin($1, $2::bigint, false)");
static const char Q_BULLETIN_HTML[] = STATUS_DOC("duban_api_bulletin($1, $2::bigint, true)");
static const char Q_BULLETIN_DRAFT[] =
    STATUS_BODY("duban_api_bulletin_draft($1, $2::jsonb, $3::timestamptz)");
static const char Q_BULLETIN_EDIT[] =
    STATUS_BODY("duban_api_bulletin_edit($1, $2::bigint, nullif($3, '0')::int, $4::jsonb,"
    " $5::timestamptz)");
static const char Q_BULLETIN_ISSUE[] =
    STATUS_BODY("duban_api_bulletin_issue($1, $2::bigint, nullif($3, '0')::int,"
    " $4::timestamptz)");

/* A document's answer: the HTML, or the problem. */
static void
doc_answer(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	int		 status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		http_db_error(r, res, err);
		return;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	if (status >= 300) {
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(r->ev),
	    "Content-Security-Policy", DOC_CSP);
	http_reply(r, status, "text/html; charset=utf-8", PQgetvalue(res, 0, 1),
	    (size_t)PQgetlength(res, 0, 1));
}

/* ?format=json (the default) or html: 1 for html, 0 for json, -1 after
 * answering 400. */
static int
want_html(struct req *r)
{
	static const char *const allowed[] = { "format", NULL };
	const char	*f;

	if (http_query_only(r, allowed) != 0)
		return (-1);
	if ((f = http_query_arg(r, "format")) == NULL || strcmp(f, "json") == 0)
		return (0);
	if (strcmp(f, "html") == 0)
		return (1);
	http_problem(r, 400, "格式有误", "format 应为 json 或 html", "format", NULL);
	return (-1);
}

/* ---------------------------------------------------------------- */
/* The shapes the routes share */

/* A list: the token and the query arguments allowed, in their order
 * (at most three), to the SQL function q. */
static void
list_get(struct req *r, const char *const *allowed, const char *q)
{
	const char	*params[4];
	int		 n;

	if (http_query_only(r, allowed) != 0)
		return;
	params[0] = r->token_hash;
	for (n = 0; n < 3 && allowed[n] != NULL; n++)
		params[n + 1] = http_query_arg(r, allowed[n]);
	(void)http_query(r, q, n + 1, params, http_status_json);
}

/* One document {id}: its JSON (q_json), or ?format=html its print view. */
static void
doc_get(struct req *r, const char *q_json, const char *q_html)
{
	const char	*params[2];
	int		 html;

	if ((html = want_html(r)) < 0)
		return;
	params[0] = r->token_hash;
	params[1] = r->param;
	(void)http_query(r, html ? q_html : q_json, 2, params,
	    html ? doc_answer : http_status_json);
}

/* A new one from a JSON body of the fields: q(token, body, now). */
static void
doc_create(struct req *r, const char *const *fields, const char *q)
{
	const char	*params[3];
	char		*doc;

	if ((doc = http_json_text(r, fields, 0)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = doc;
	params[2] = r->now;
	(void)http_query(r, q, 3, params, http_status_json);
	free(doc);
}

/* ---------------------------------------------------------------- */
/* 督办单 */

static void
notices_list(struct req *r)
{
	static const char *const allowed[] = { "office", "year", NULL };

	list_get(r, allowed, Q_NOTICES);
}

static void
notice_get(struct req *r)
{
	doc_get(r, Q_NOTICE, Q_NOTICE_HTML);
}

static void
notice_issue(struct req *r)
{
	static const char *const fields[] = { "task", "milestone", "office", "matter",
	    "basis", "handle_by", "feedback", NULL };

	doc_create(r, fields, Q_NOTICE_ISSUE);
}

static void
notice_ack(struct req *r)
{
	static const char *const fields[] = { "note", NULL };
	const char	*params[4];
	char		*doc;

	if ((doc = http_json_text(r, fields, 1)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, Q_NOTICE_ACK, 4, params, http_status_json);
	free(doc);
}

/* GET (no body) and PUT (the rules to change) share the function. */
static void
notice_rules(struct req *r, int put)
{
	static const char *const allowed[] = { "plan", NULL };
	static const char *const fields[] = { "on_overdue", "soon_days", "on_late_report",
	    "yellow_days", "red_days", "feedback_days", NULL };
	const char	*params[4];
	char		*doc = NULL;

	if (http_query_only(r, allowed) != 0)
		return;
	if (http_query_arg(r, "plan") == NULL) {
		http_problem(r, 400, "缺少计划", "请在查询参数 plan 中给出计划的键", "plan", NULL);
		return;
	}
	if (put && (doc = http_json_text(r, fields, 0)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = http_query_arg(r, "plan");
	params[2] = doc;
	params[3] = r->now;
	(void)http_query(r, Q_NOTICE_RULES, 4, params, http_status_json);
	free(doc);
}

static void
notice_rules_get(struct req *r)
{
	notice_rules(r, 0);
}

static void
notice_rules_put(struct req *r)
{
	notice_rules(r, 1);
}

/* ---------------------------------------------------------------- */
/* 督查通报 */

static void
bulletins_list(struct req *r)
{
	static const char *const allowed[] = { "year", NULL };

	list_get(r, allowed, Q_BULLETINS);
}

static void
bulletin_get(struct req *r)
{
	doc_get(r, Q_BULLETIN, Q_BULLETIN_HTML);
}

static void
bulletin_draft(struct req *r)
{
	static const char *const fields[] = { "round", "quarter", "plans", NULL };

	doc_create(r, fields, Q_BULLETIN_DRAFT);
}

/* PATCH {title?, remarks?, requirements?, signer?, red_head?, version?}
 * and issue {version?}: the version read, from If-Match or the body. */
static void
bulletin_write(struct req *r, int issue)
{
	static const char *const edit_fields[] = { "title", "remarks", "requirements",
	    "signer", "red_head", "version", NULL };
	static const char *const issue_fields[] = { "version", NULL };
	const char	*params[5];
	json_t		*body, *v;
	long long	 version;
	char		 vbuf[24], *doc;

	if ((body = http_json_object(r, issue ? issue_fields : edit_fields, issue)) == NULL)
		return;
	if ((v = json_object_get(body, "version")) != NULL &&
	    (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > 2147483647)) {
		json_decref(body);
		http_problem(r, 400, "请求内容有误", "version 应为正整数（读取时返回的 version）",
		    "version", NULL);
		return;
	}
	if (api_expected_version(r, body, &version) != 0) {
		json_decref(body);
		return;
	}
	json_object_del(body, "version");
	snprintf(vbuf, sizeof vbuf, "%lld", version);
	doc = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	if (issue) {
		params[2] = vbuf;
		params[3] = r->now;
		(void)http_query(r, Q_BULLETIN_ISSUE, 4, params, http_status_json);
	} else {
		params[2] = vbuf;
		params[3] = doc;
		params[4] = r->now;
		(void)http_query(r, Q_BULLETIN_EDIT, 5, params, http_status_json);
	}
	free(doc);
}

static void
bulletin_edit(struct req *r)
{
	bulletin_write(r, 0);
}

static void
bulletin_issue(struct req *r)
{
	bulletin_write(r, 1);
}

const struct route api_notice_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/duban-notices", ROLE_INSPECTOR, notices_list, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/duban-notices", ROLE_GENERAL, notice_issue, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/duban-notices/rules", ROLE_INSPECTOR, notice_rules_get, 0 },
	{ EVHTTP_REQ_PUT, "/api/v1/duban-notices/rules", ROLE_GENERAL, notice_rules_put, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/duban-notices/{id}", ROLE_INSPECTOR, notice_get, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/duban-notices/{id}/acknowledge", ROLE_OFFICE,
	    notice_ack, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/bulletins", ROLE_INSPECTOR, bulletins_list, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/bulletins", ROLE_GENERAL, bulletin_draft, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/bulletins/{id}", ROLE_INSPECTOR, bulletin_get, 0 },
	{ EVHTTP_REQ_PATCH, "/api/v1/bulletins/{id}", ROLE_GENERAL, bulletin_edit, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/bulletins/{id}/issue", ROLE_GENERAL, bulletin_issue, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
