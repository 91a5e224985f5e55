/*
 * duband's answers built from the database: the {status, body} rows of the
 * SQL API functions (a problem from SQL passed on as problem+json), a JSON
 * row, a failed query, and Content-Disposition for downloads.  Called by
 * the route handlers; calls http_problem and http_unavailable (http.c),
 * never the other way round (scripts/check-calls).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "http.h"
#include "log.h"
#include "xmalloc.h"

char *
http_disposition(const char *kind, const char *name, const char *fallback)
{
	static const char hex[] = "0123456789ABCDEF";
	char	*buf = NULL, *out;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_')
			fputc(*p, f);
		else
			fprintf(f, "%%%c%c", hex[*p >> 4], hex[*p & 15]);
	}
	fclose(f);
	out = xprintf("%s; filename=\"%s\"; filename*=UTF-8''%s", kind, fallback, buf);
	free(buf);
	return (out);
}

void
http_reply_json(struct req *r, int status, const char *json, const char *etag)
{
	if (etag != NULL)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev), "ETag",
		    etag);
	http_reply(r, status, "application/json; charset=utf-8", json, strlen(json));
}

void
http_db_error(struct req *r, PGresult *res, const char *err)
{
	const char	*state;

	if (res == NULL) {
		http_unavailable(r, err ? err : "数据库不可用");
		return;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	/* 25006: a standby, reached during a failover (pool.c reconnects). */
	if (state != NULL && (strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57", 2) == 0 || strncmp(state, "53", 2) == 0 ||
	    strcmp(state, "25006") == 0)) {
		http_unavailable(r, "数据库暂时不可用");
		return;
	}
	log_warnx("查询失败（%s）：%s", r->path ? r->path : "?",
	    PQresultErrorMessage(res));
	http_problem(r, 500, "服务器内部错误", "查询失败，已记录日志", NULL, NULL);
}

void
http_json_row(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	char		 etag[32];

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0)) {
		http_problem(r, 404, r->notfound ? r->notfound : "不存在",
		    "没有这个编号的记录", NULL, NULL);
		return;
	}
	if (PQnfields(res) > 1 && !PQgetisnull(res, 0, 1)) {
		snprintf(etag, sizeof etag, "\"%s\"", PQgetvalue(res, 0, 1));
		http_reply_json(r, 200, PQgetvalue(res, 0, 0), etag);
	} else
		http_reply_json(r, 200, PQgetvalue(res, 0, 0), NULL);
}

void
http_problem_text(struct req *r, int status, const char *text)
{
	json_t		*out = json_loads(text, 0, NULL), *cur, *extra;
	const char	*title, *detail, *field;

	if (out == NULL) {
		http_problem(r, 500, "服务器内部错误", "无法解析数据库的应答", NULL, NULL);
		return;
	}
	title = json_string_value(json_object_get(out, "title"));
	detail = json_string_value(json_object_get(out, "detail"));
	field = json_string_value(json_object_get(out, "field"));
	cur = json_object_get(out, "current");
	if (status == 401)
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "WWW-Authenticate", "Bearer realm=\"duban\"");
	extra = cur ? json_pack("{s:O}", "current", cur) : NULL;
	/* A value the writer may confirm ({"confirm": true}, 30-api.sql). */
	if (json_is_true(json_object_get(out, "confirmable"))) {
		if (extra == NULL)
			extra = json_object();
		json_object_set_new(extra, "confirmable", json_true());
	}
	/* Each problem of a batch (73-batch.sql), naming its row and field. */
	if (json_is_array(json_object_get(out, "errors"))) {
		if (extra == NULL)
			extra = json_object();
		json_object_set(extra, "errors", json_object_get(out, "errors"));
	}
	http_problem(r, status, title ? title : "请求失败", detail, field, extra);
	json_decref(out);
}

void
http_status_json(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	char		 etag[32];
	int		 status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_db_error(r, res, err);
		return;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	if (status >= 300) {
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
		return;
	}
	/* The object, as the database built it: sent as it is. */
	if (PQnfields(res) > 2 && !PQgetisnull(res, 0, 2)) {
		snprintf(etag, sizeof etag, "\"%s\"", PQgetvalue(res, 0, 2));
		http_reply_json(r, status, PQgetvalue(res, 0, 1), etag);
	} else
		http_reply_json(r, status, PQgetvalue(res, 0, 1), NULL);
}
