/*
 * 考核 (the year-end score):
 *   GET  /api/v1/assess?year=2012&as_of=2012-12-31&format=json|csv|xlsx
 *   POST /api/v1/assess/grades  {year, office, points, note?}: 领导评价
 *
 * The score is duban_api_assess (85-assess.sql): the general office,
 * leaders and inspectors see every office's lines, an office the table
 * of totals and its own lines; `duban assess score` calls the function
 * behind it, duban_assess_report.  CSV and the XLSX 考核表 are rendered
 * by lib/assess on a worker thread (work.h), never on the loop.  A
 * grade is duban_api_assess_grade, which checks that the caller is the
 * general office and names the field of any problem.
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "body.h"
#include "assess.h"
#include "clock.h"
#include "date.h"
#include "log.h"
#include "work.h"
#include "xmalloc.h"

static const char QUERY_API_ASSESS[] =
    "SELECT status, body::text FROM duban_api_assess($1, $2::int, $3::date, $4::timestamptz)";
static const char QUERY_API_ASSESS_GRADE[] =
    "SELECT status, body::text FROM duban_api_assess_grade($1, $2::jsonb, $3::timestamptz)";

struct assess_job {
	struct req		*r;
	char			*text;		/* the score, as PostgreSQL wrote it */
	enum assess_format	 fmt;
	/* Out. */
	char			*body;
	size_t			 len;
	char			*cause;
	char			*filename;
};

/* On a worker: parse and render; nothing of the loop's is touched. */
static void
assess_render_run(void *arg)
{
	struct assess_job	*j = arg;
	json_error_t		 jerr;
	json_t			*report;
	FILE			*f;

	if ((report = json_loads(j->text, 0, &jerr)) == NULL) {
		j->cause = xprintf("无法解析考核结果：%s", jerr.text);
		return;
	}
	j->filename = assess_filename(report, j->fmt);
	if ((f = open_memstream(&j->body, &j->len)) == NULL) {
		j->cause = xstrdup("内存不足");
		json_decref(report);
		return;
	}
	if (assess_render(report, j->fmt, f, &j->cause) != 0) {
		fclose(f);
		free(j->body);
		j->body = NULL;
	} else
		fclose(f);
	json_decref(report);
}

/* Back on the loop: answer. */
static void
assess_render_done(void *arg)
{
	struct assess_job	*j = arg;
	struct req		*r = j->r;
	char			*cd;

	if (j->body == NULL) {
		log_warnx("无法生成考核表：%s", j->cause ? j->cause : "?");
		http_problem(r, 500, "无法生成考核表", j->cause, NULL, NULL);
	} else {
		cd = http_disposition("attachment", j->filename,
		    j->fmt == ASSESS_XLSX ? "duban-assess.xlsx" : "duban-assess.csv");
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Disposition", cd);
		free(cd);
		http_reply(r, 200, assess_content_type(j->fmt), j->body, j->len);
	}
	free(j->text);
	free(j->body);
	free(j->cause);
	free(j->filename);
	free(j);
}

static void
assess_got(PGresult *res, const char *err, void *arg)
{
	struct assess_job	*j = arg;
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
	if (j->fmt == ASSESS_JSON) {
		http_reply_json(r, 200, PQgetvalue(res, 0, 1), NULL);
		free(j);
		return;
	}
	j->text = xstrdup(PQgetvalue(res, 0, 1));
	if (work_submit(api->work, assess_render_run, assess_render_done, j) != 0) {
		free(j->text);
		free(j);
		http_unavailable(r, "正在生成的考核表过多，请稍后再试");
	}
}

/* Whether s is a year of four digits. */
static int
is_year(const char *s)
{
	return (s != NULL && strlen(s) == 4 && strspn(s, "0123456789") == 4);
}

static void
assess_get(struct req *r)
{
	static const char *const allowed[] = { "year", "as_of", "format", NULL };
	struct assess_job	*j;
	struct ymd		 d;
	const char		*params[4], *v;

	if (http_query_only(r, allowed) != 0)
		return;
	j = xcalloc(1, sizeof *j);
	j->r = r;
	j->fmt = ASSESS_JSON;
	if ((v = http_query_arg(r, "format")) != NULL &&
	    (assess_format_parse(v, &j->fmt) != 0 || j->fmt == ASSESS_TABLE)) {
		http_problem(r, 400, "请求参数有误", "format 应为 json、csv 或 xlsx", "format",
		    NULL);
		free(j);
		return;
	}
	if (!is_year(v = http_query_arg(r, "year"))) {
		http_problem(r, 400, "考核年度有误", v == NULL ? "请给出 year（如 2012）" :
		    "year 应为四位数的年份，如 2012", "year", NULL);
		free(j);
		return;
	}
	params[1] = v;
	if ((v = http_query_arg(r, "as_of")) != NULL && date_parse_iso(v, &d) != 0) {
		http_problem(r, 400, "考核时点有误", "as_of 应为 YYYY-MM-DD 形式的日期", "as_of",
		    NULL);
		free(j);
		return;
	}
	params[2] = v;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[3] = r->now;
	/* Queued, assess_got owns j; refused, r has had its 503. */
	if (http_query_for(r, QUERY_API_ASSESS, 4, params, assess_got, j) != 0)
		free(j);
}

static void
assess_grade(struct req *r)
{
	const char	*params[3];
	char		*doc;

	if ((doc = http_json_text_for(r, &body_assess_grade)) == NULL)
		return;
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = doc;
	params[2] = r->now;
	(void)http_query(r, QUERY_API_ASSESS_GRADE, 3, params, http_status_json);
	free(doc);
}

/* Every signed-in caller passes the gate: the SQL says what each sees,
 * and that only the general office grades (naming why). */
const struct route api_assess_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/assess", ROLE_INSPECTOR, assess_get, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/assess/grades", ROLE_INSPECTOR, assess_grade, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
