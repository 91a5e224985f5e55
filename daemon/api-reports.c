/*
 * Reports, dispatch rounds and calendar feeds:
 *   GET    /api/v1/reports/quarterly?plan=&org=&quarter=&as_of=&format=&view=
 *   GET    /api/v1/dispatches                    the rounds
 *   POST   /api/v1/dispatches                    open one (general office)
 *   GET    /api/v1/dispatches/{id}               who has reported
 *   POST   /api/v1/dispatches/{id}/close         the 调度汇总 (general office)
 *   GET    /api/v1/feeds                         calendar feeds (general office)
 *   POST   /api/v1/offices/{id}/feeds            a new feed URL, shown once
 *   DELETE /api/v1/feeds/{id}                    revoke one
 *   GET    /ical/{token}.ics                     a feed, for calendar apps
 * The report is computed by PostgreSQL and rendered on a worker thread
 * (work.c), so a large XLSX does not stop the loop.
 */
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "deadline.h"
#include "duband.h"
#include "hash.h"
#include "ical.h"
#include "log.h"
#include "query.h"
#include "report.h"
#include "utf8.h"
#include "xmalloc.h"

/* ---------------------------------------------------------------- */
/* The quarterly report */

struct render_job {
	struct req		*r;
	char			*text;		/* the report, as PostgreSQL wrote it */
	enum report_format	 fmt;
	enum report_view	 view;
	/* Out. */
	char			*body;
	size_t			 len;
	char			*cause;
	char			*filename;
};

/* On a worker: parse and render.  Nothing of the loop's is touched. */
static void
render_run(void *arg)
{
	struct render_job	*j = arg;
	json_error_t		 jerr;
	json_t			*report;
	FILE			*f;

	if ((report = json_loads(j->text, 0, &jerr)) == NULL) {
		j->cause = xprintf("无法解析报告：%s", jerr.text);
		return;
	}
	j->filename = report_filename(report, j->fmt);
	if ((f = open_memstream(&j->body, &j->len)) == NULL) {
		j->cause = xstrdup("内存不足");
		json_decref(report);
		return;
	}
	if (report_render(report, j->fmt, j->view, f, &j->cause) != 0) {
		fclose(f);
		free(j->body);
		j->body = NULL;
	} else
		fclose(f);
	json_decref(report);
}

/* attachment; filename="report.xlsx"; filename*=UTF-8''%E5%90%89... */
static char *
disposition(const char *kind, const char *name, const char *ext)
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
	out = xprintf("%s; filename=\"duban-report.%s\"; filename*=UTF-8''%s", kind, ext, buf);
	free(buf);
	return (out);
}

/* Back on the loop: answer. */
static void
render_done(void *arg)
{
	struct render_job	*j = arg;
	struct req		*r = j->r;
	char			*cd;

	if (j->body == NULL) {
		log_warnx("无法生成报告：%s", j->cause ? j->cause : "?");
		http_problem(r, 500, "无法生成报告", j->cause, NULL, NULL);
	} else {
		cd = disposition(j->fmt == REPORT_XLSX || j->fmt == REPORT_CSV ?
		    "attachment" : "inline", j->filename, report_extension(j->fmt));
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Disposition", cd);
		free(cd);
		http_reply(r, 200, report_content_type(j->fmt), j->body, j->len);
	}
	free(j->text);
	free(j->body);
	free(j->cause);
	free(j->filename);
	free(j);
}

static void
report_got(PGresult *res, const char *err, void *arg)
{
	struct render_job	*j = arg;
	struct req		*r = j->r;
	int			 status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		free(j);
		http_db_error(r, res, err);
		return;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	if (status != 200) {
		free(j);
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
		return;
	}
	if (j->fmt == REPORT_JSON) {
		/* As PostgreSQL wrote it: nothing to render. */
		http_reply_json(r, 200, PQgetvalue(res, 0, 1), NULL);
		free(j);
		return;
	}
	j->text = xstrdup(PQgetvalue(res, 0, 1));
	if (work_submit(r->srv->work, render_run, render_done, j) != 0) {
		free(j->text);
		free(j);
		http_unavailable(r, "正在生成的报告过多，请稍后再试");
	}
}

static void
report_quarterly(struct req *r)
{
	static const char *const allowed[] = { "plan", "org", "quarter", "as_of",
	    "format", "view", NULL };
	struct render_job	*j;
	struct evkeyval		*kv;
	struct ymd		 d;
	const char		*params[5] = { NULL }, *v;
	json_t			*plans = json_array();
	char			*list, *save = NULL, *s, *text;

	if (http_query_only(r, allowed) != 0) {
		json_decref(plans);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->r = r;
	j->fmt = REPORT_JSON;
	j->view = VIEW_TASKS;
	if ((v = http_query_arg(r, "format")) != NULL && report_format_parse(v, &j->fmt) != 0) {
		http_problem(r, 400, "请求参数有误",
		    "format 应为 html、xlsx、csv、md 或 json", "format", NULL);
		goto fail;
	}
	if ((v = http_query_arg(r, "view")) != NULL && (report_view_parse(v, &j->view) != 0 ||
	    j->fmt != REPORT_CSV)) {
		http_problem(r, 400, "请求参数有误",
		    "view 只用于 CSV，应为 tasks、targets、offices 或 supervise", "view", NULL);
		goto fail;
	}
	if ((v = http_query_arg(r, "as_of")) != NULL) {
		if (date_parse_iso(v, &d) != 0) {
			http_problem(r, 400, "请求参数有误", "as_of 应为 YYYY-MM-DD", "as_of", NULL);
			goto fail;
		}
		params[3] = v;
	}
	/* plan=a&plan=b, or plan=a,b */
	if (r->have_query) {
		TAILQ_FOREACH(kv, &r->query, next) {
			if (strcmp(kv->key, "plan") != 0)
				continue;
			list = xstrdup(kv->value);
			for (s = strtok_r(list, ",", &save); s != NULL;
			    s = strtok_r(NULL, ",", &save))
				json_array_append_new(plans, json_string(s));
			free(list);
		}
	}
	if (json_array_size(plans) > 64) {
		http_problem(r, 400, "请求参数有误", "一次最多 64 个计划", "plan", NULL);
		goto fail;
	}
	if (json_array_size(plans) > 0 && http_query_arg(r, "org") != NULL) {
		http_problem(r, 400, "请求参数有误", "plan 和 org 只能给出一个", "org", NULL);
		goto fail;
	}
	if ((params[2] = http_query_arg(r, "quarter")) == NULL) {
		http_problem(r, 400, "缺少参数", "请给出 quarter（如 2012Q3）", "quarter", NULL);
		goto fail;
	}
	params[1] = http_query_arg(r, "org");
	text = json_array_size(plans) > 0 ? json_dumps(plans, JSON_COMPACT) : NULL;
	json_decref(plans);
	params[0] = text;
	clock_now_iso(r->now);
	params[4] = r->now;
	/* Queued, report_got owns j; refused, r has had its 503. */
	if (http_query_for(r, QUERY_REPORT_QUARTERLY, 5, params, report_got, j) != 0)
		free(j);
	free(text);
	return;
fail:
	json_decref(plans);
	free(j);
}

/* ---------------------------------------------------------------- */
/* Dispatch rounds */

static void
dispatches_list(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[1];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->now;
	(void)http_query(r, QUERY_DISPATCH_LIST, 1, params, http_json_row);
}

/*
 * The body's fields are checked here for shape (so that the problem
 * names the field); the function checks what needs the database.
 */
static void
dispatch_open(struct req *r)
{
	static const char *const fields[] = { "plans", "offices", "due_on", "title",
	    "request", NULL };
	const char	*params[3], *key;
	json_error_t	 jerr;
	json_t		*body, *v, *x;
	size_t		 len, i;
	char		*text, *msg;
	int		 k;

	if ((text = http_body(r, &len)) == NULL)
		return;
	body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	free(text);
	if (body == NULL || !json_is_object(body)) {
		msg = body == NULL ? xprintf("请求体不是有效的 JSON（第 %d 行第 %d 列：%s）",
		    jerr.line, jerr.column, jerr.text) : xstrdup("请求体应为 JSON 对象");
		http_problem(r, 400, "请求内容有误", msg, NULL, NULL);
		free(msg);
		json_decref(body);
		return;
	}
	json_object_foreach(body, key, v) {
		for (k = 0; fields[k] != NULL && strcmp(fields[k], key) != 0; k++)
			;
		if (fields[k] == NULL) {
			msg = xprintf("不认识的字段“%s”", key);
			http_problem(r, 400, "请求内容有误", msg, key, NULL);
			goto bad;
		}
		if (strcmp(key, "plans") == 0 || strcmp(key, "offices") == 0) {
			if (!json_is_array(v) || json_array_size(v) > 200) {
				msg = xprintf("%s 应为不超过 200 项的数组", key);
				http_problem(r, 400, "请求内容有误", msg, key, NULL);
				goto bad;
			}
			json_array_foreach(v, i, x)
				if (!json_is_string(x) && !json_is_integer(x)) {
					msg = xprintf("%s 的每一项应为名称（字符串）或编号", key);
					http_problem(r, 400, "请求内容有误", msg, key, NULL);
					goto bad;
				}
		} else if (!json_is_string(v)) {
			msg = xprintf("%s 应为字符串", key);
			http_problem(r, 400, "请求内容有误", msg, key, NULL);
			goto bad;
		}
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = text;
	params[2] = r->now;
	(void)http_query(r, QUERY_DISPATCH_OPEN, 3, params, http_status_json);
	free(text);
	return;
bad:
	free(msg);
	json_decref(body);
}

static void
dispatch_get(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0)
		return;
	clock_now_iso(r->now);
	params[0] = r->param;
	params[1] = r->now;
	r->notfound = "调度不存在";
	(void)http_query(r, QUERY_DISPATCH_GET, 2, params, http_json_row);
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

/* ---------------------------------------------------------------- */
/* Calendar feeds */

static void
feeds_list(struct req *r)
{
	static const char *const none[] = { NULL };

	if (http_query_only(r, none) != 0)
		return;
	(void)http_query(r,
	    "SELECT coalesce(json_agg(json_build_object('id', f.id, 'office_id', f.office_id,"
	    "         'office', o.name, 'label', f.label, 'created_at', f.created_at,"
	    "         'created_by', f.created_by, 'revoked_at', f.revoked_at)"
	    "       ORDER BY f.id), '[]')::text"
	    "  FROM ical_feed f JOIN office o ON o.id = f.office_id", 0, NULL, http_json_row);
}

struct feed_new {
	struct req	*r;
	char		*token;
};

static void
feed_created(PGresult *res, const char *err, void *arg)
{
	struct feed_new	*fn = arg;
	struct req	*r = fn->r;
	const char	*base = r->srv->cfg.public_url;
	json_t		*out;
	char		*text, *url, addr[64];

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK)
		http_db_error(r, res, err);
	else if (PQntuples(res) == 0)
		http_problem(r, 404, "处室不存在", "没有这个编号的处室", NULL, NULL);
	else {
		if (base == NULL || *base == '\0') {
			http_bound_address(r->srv, addr, sizeof addr);
			url = xprintf("http://%s/ical/%s.ics", addr, fn->token);
		} else
			url = xprintf("%s/ical/%s.ics", base, fn->token);
		out = json_pack("{s:I, s:s, s:s, s:s}", "id",
		    (json_int_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10),
		    "office", PQgetvalue(res, 0, 1), "label", PQgetvalue(res, 0, 2),
		    "url", url);
		text = json_dumps(out, JSON_COMPACT | JSON_PRESERVE_ORDER);
		http_reply_json(r, 201, text, NULL);
		free(text);
		free(url);
		json_decref(out);
	}
	free(fn->token);
	free(fn);
}

static void
feed_create(struct req *r)
{
	struct feed_new	*fn;
	const char	*params[4];
	char		 hash[SHA256_HEX_LEN + 1], *text, *label = NULL, tok[24];
	json_t		*body = NULL, *v;
	size_t		 len;

	if ((text = http_body(r, &len)) == NULL)
		return;
	if (len > 0) {
		body = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
		v = json_object_get(body, "label");
		if (!json_is_object(body) || json_object_size(body) > (v ? 1u : 0u) ||
		    (v != NULL && (!json_is_string(v) ||
		    utf8_chars(json_string_value(v), json_string_length(v)) > 100))) {
			http_problem(r, 400, "请求内容有误",
			    "请求体可为空，或为 {\"label\": 名称（不超过 100 字）}", "label", NULL);
			json_decref(body);
			free(text);
			return;
		}
		if (v != NULL)
			label = xstrdup(json_string_value(v));
		json_decref(body);
	}
	free(text);
	fn = xcalloc(1, sizeof *fn);
	fn->r = r;
	if ((fn->token = token_new("dbf_")) == NULL) {
		free(fn);
		free(label);
		http_problem(r, 500, "服务器内部错误", "无法生成随机令牌", NULL, NULL);
		return;
	}
	sha256_hex(fn->token, strlen(fn->token), hash);
	params[0] = r->param;
	params[1] = hash;
	params[2] = label;
	snprintf(tok, sizeof tok, "%lld", r->token_id);
	params[3] = tok;
	if (http_query_for(r,
	    "INSERT INTO ical_feed (office_id, hash, label, created_by)"
	    " SELECT o.id, $2, coalesce($3, o.name || '日历'),"
	    "        coalesce((SELECT label FROM api_token WHERE id = $4::bigint), 'API')"
	    "   FROM office o WHERE o.id = $1::bigint"
	    " RETURNING id, (SELECT name FROM office WHERE id = $1::bigint), label",
	    4, params, feed_created, fn) != 0) {
		free(fn->token);
		free(fn);
	}
	free(label);
}

static void
feed_revoke(struct req *r)
{
	const char	*params[1];

	params[0] = r->param;
	r->notfound = "日历订阅不存在";
	(void)http_query(r,
	    "UPDATE ical_feed SET revoked_at = coalesce(revoked_at, now())"
	    " WHERE id = $1::bigint"
	    " RETURNING json_build_object('id', id, 'revoked_at', revoked_at)::text",
	    1, params, http_json_row);
}

static void
feed_got(PGresult *res, const char *err, void *arg)
{
	struct req	*r = arg;
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	const char	*inm = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
			    "If-None-Match");
	char		*ics, hash[SHA256_HEX_LEN + 1], etag[24], base[320];
	json_t		*feed;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		http_db_error(r, res, err);
		return;
	}
	if (PQntuples(res) == 0 || PQgetisnull(res, 0, 0) ||
	    (feed = json_loads(PQgetvalue(res, 0, 0), 0, NULL)) == NULL) {
		http_problem(r, 404, "日历订阅不存在", "这个订阅地址无效或已吊销", NULL, NULL);
		return;
	}
	/* The ETag is of the events, not of DTSTAMP: unchanged, not sent. */
	sha256_hex(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), hash);
	snprintf(etag, sizeof etag, "\"%.16s\"", hash);
	evhttp_add_header(h, "ETag", etag);
	evhttp_add_header(h, "Cache-Control", "private, max-age=300");
	if (inm != NULL && strcmp(inm, etag) == 0) {
		json_decref(feed);
		http_reply(r, 304, "text/calendar; charset=utf-8", "", 0);
		return;
	}
	ics = ical_render(feed, clock_now(), http_site_base(r->srv, base, sizeof base));
	json_decref(feed);
	http_reply(r, 200, "text/calendar; charset=utf-8", ics, strlen(ics));
	free(ics);
}

/* GET /ical/{token}.ics: the token is the credential, as calendar apps
 * send no Authorization header. */
static void
feed_get(struct req *r)
{
	const char	*params[1];
	char		 hash[SHA256_HEX_LEN + 1];
	size_t		 n = strlen(r->param);

	if (n < 5 || strcmp(r->param + n - 4, ".ics") != 0) {
		http_problem(r, 404, "日历订阅不存在", "订阅地址应以 .ics 结尾", NULL, NULL);
		return;
	}
	r->param[n - 4] = '\0';
	sha256_hex(r->param, strlen(r->param), hash);
	params[0] = hash;
	(void)http_query(r, QUERY_FEED, 1, params, feed_got);
}

const struct route api_report_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/reports/quarterly", ROLE_INSPECTOR, report_quarterly },
	{ EVHTTP_REQ_GET, "/api/v1/dispatches", ROLE_INSPECTOR, dispatches_list },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches", ROLE_GENERAL, dispatch_open },
	{ EVHTTP_REQ_GET, "/api/v1/dispatches/{id}", ROLE_INSPECTOR, dispatch_get },
	{ EVHTTP_REQ_POST, "/api/v1/dispatches/{id}/close", ROLE_GENERAL, dispatch_close },
	{ EVHTTP_REQ_GET, "/api/v1/feeds", ROLE_GENERAL, feeds_list },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{id}/feeds", ROLE_GENERAL, feed_create },
	{ EVHTTP_REQ_DELETE, "/api/v1/feeds/{id}", ROLE_GENERAL, feed_revoke },
	{ EVHTTP_REQ_GET, "/ical/{key}", ROLE_NONE, feed_get },
	{ 0, NULL, 0, NULL }
};
