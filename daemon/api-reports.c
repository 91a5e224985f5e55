/*
 * The quarterly report (季度督查报告):
 *   GET    /api/v1/reports/quarterly?plan=&org=&quarter=&as_of=&format=&view=
 * The report is computed by PostgreSQL and rendered on a worker thread
 * (work.c), so a large XLSX does not stop the loop.  Dispatch rounds are
 * in api-dispatch.c, calendar feeds in api-feeds.c.
 */
#include <sys/queue.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "deadline.h"
#include "log.h"
#include "query.h"
#include "report.h"
#include "work.h"
#include "xmalloc.h"

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

#define REPORT_HTML_CSP	"default-src 'none'; style-src 'unsafe-inline'; img-src data:; " \
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

/* Back on the loop: answer. */
static void
render_done(void *arg)
{
	struct render_job	*j = arg;
	struct req		*r = j->r;
	char			*cd, *fallback;

	if (j->body == NULL) {
		log_warnx("无法生成报告：%s", j->cause ? j->cause : "?");
		http_problem(r, 500, "无法生成报告", j->cause, NULL, NULL);
	} else {
		fallback = xprintf("duban-report.%s", report_extension(j->fmt));
		cd = http_disposition(j->fmt == REPORT_XLSX || j->fmt == REPORT_CSV ?
		    "attachment" : "inline", j->filename, fallback);
		free(fallback);
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Disposition", cd);
		free(cd);
		/*
		 * The HTML report is one self-contained document: its CSS is
		 * inline (<style> and style=""), its charts inline SVG, and it
		 * loads nothing; so nothing else may run or load, whatever a
		 * text in it might say.  (X-Content-Type-Options: nosniff is
		 * http_reply's, on every answer.)
		 */
		if (j->fmt == REPORT_HTML)
			evhttp_add_header(evhttp_request_get_output_headers(r->ev),
			    "Content-Security-Policy", REPORT_HTML_CSP);
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
	const struct api	*api = r->app;
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
	if (work_submit(api->work, render_run, render_done, j) != 0) {
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
	const char		*params[6] = { NULL }, *v;
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
		    "view 只用于 CSV，应为 tasks、targets、offices、supervise 或 counties", "view", NULL);
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
	params[5] = r->token_hash;
	/* Queued, report_got owns j; refused, r has had its 503. */
	if (http_query_for(r, QUERY_REPORT_QUARTERLY, 6, params, report_got, j) != 0)
		free(j);
	free(text);
	return;
fail:
	json_decref(plans);
	free(j);
}

const struct route api_report_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/reports/quarterly", ROLE_INSPECTOR, report_quarterly, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
