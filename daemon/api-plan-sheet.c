/*
 * The 任务分解表 (lib/plan/sheetplan.h) over HTTP:
 *   GET /api/v1/plans/{key}/export.xlsx[?as_of=YYYY-MM-DD]
 *          the loaded plan (duban_api_plan_document, over the function
 *          `duban plan export` calls too) written as a 任务分解表
 *          workbook, its 预警 column the tasks' lights on as_of (today
 *          without); the general office and inspectors only
 *   GET /api/v1/plans/template.xlsx
 *          the empty template: header rows, widths, an example task and
 *          the 说明 sheet (what `duban plan template` writes)
 * Workbooks are written on a worker thread (work.h), never on the loop.
 * This group is matched before api-read.c's, whose /api/v1/plans/{key}
 * would take "template.xlsx" for a plan key.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "api.h"
#include "clock.h"
#include "date.h"
#include "log.h"
#include "report.h"
#include "sheetplan.h"
#include "work.h"
#include "xmalloc.h"

static const char PLAN_DOCUMENT_SQL[] =
    "SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300"
    " THEN r->'body' ELSE r END::text"
    "  FROM duban_api_plan_document($1, $2, $3::date, $4::timestamptz) AS r";

static const char *const no_params[] = { NULL };

struct sheet_job {
	struct req	*r;
	char		*text;		/* the plan document; NULL: the template */
	char		*body;
	size_t		 len;
	char		*filename;
	char		*cause;
};

static void
job_free(struct sheet_job *j)
{
	free(j->text);
	free(j->body);
	free(j->filename);
	free(j->cause);
	free(j);
}

/* On a worker: the workbook.  Nothing of the loop's is touched. */
static void
render_run(void *arg)
{
	struct sheet_job	*j = arg;
	json_error_t		 jerr;
	json_t			*doc = NULL;
	FILE			*f;
	int			 rc;

	if (j->text != NULL &&
	    (doc = json_loads(j->text, 0, &jerr)) == NULL) {
		j->cause = xprintf("无法解析计划：%s", jerr.text);
		return;
	}
	j->filename = doc != NULL ? sheetplan_filename(doc) :
	    xstrdup("任务分解表模板.xlsx");
	if ((f = open_memstream(&j->body, &j->len)) == NULL) {
		j->cause = xstrdup("内存不足");
		json_decref(doc);
		return;
	}
	rc = report_via_file(doc != NULL ? sheetplan_write : sheetplan_template,
	    doc, f, &j->cause);
	if (fclose(f) != 0 || rc != 0) {
		free(j->body);
		j->body = NULL;
	}
	json_decref(doc);
}

/* Back on the loop: answer. */
static void
render_done(void *arg)
{
	struct sheet_job	*j = arg;
	struct req		*r = j->r;
	char			*cd;

	if (j->body == NULL) {
		log_warnx("无法生成任务分解表：%s", j->cause ? j->cause : "?");
		http_problem(r, 500, "无法生成任务分解表", j->cause, NULL, NULL);
	} else {
		cd = http_disposition("attachment", j->filename, "duban-plan.xlsx");
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Disposition", cd);
		free(cd);
		http_reply(r, 200, SHEETPLAN_CONTENT_TYPE, j->body, j->len);
	}
	job_free(j);
}

static void
submit(struct req *r, struct sheet_job *j)
{
	const struct api	*api = r->app;

	if (work_submit(api->work, render_run, render_done, j) != 0) {
		job_free(j);
		http_unavailable(r, "正在生成的文件过多，请稍后再试");
	}
}

static void
document_got(PGresult *res, const char *err, void *arg)
{
	struct sheet_job	*j = arg;
	struct req		*r = j->r;
	int			 status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		job_free(j);
		http_db_error(r, res, err);
		return;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	if (status != 200) {
		job_free(j);
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
		return;
	}
	j->text = xstrdup(PQgetvalue(res, 0, 1));
	submit(r, j);
}

static void
plan_export(struct req *r)
{
	static const char *const allowed[] = { "as_of", NULL };
	struct sheet_job	*j;
	struct ymd		 d;
	const char		*params[4];

	if (http_query_only(r, allowed) != 0)
		return;
	params[2] = http_query_arg(r, "as_of");
	if (params[2] != NULL && date_parse_iso(params[2], &d) != 0) {
		http_problem(r, 400, "请求参数有误", "as_of 应为 YYYY-MM-DD", "as_of", NULL);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->r = r;
	params[0] = r->token_hash;
	params[1] = r->param;
	clock_now_iso(r->now);
	params[3] = r->now;
	if (http_query_for(r, PLAN_DOCUMENT_SQL, 4, params, document_got, j) != 0)
		job_free(j);
}

static void
plan_template(struct req *r)
{
	struct sheet_job	*j;

	if (http_query_only(r, no_params) != 0)
		return;
	j = xcalloc(1, sizeof *j);
	j->r = r;
	submit(r, j);
}

const struct route api_plan_sheet_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/plans/template.xlsx", ROLE_INSPECTOR, plan_template, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/plans/{key}/export.xlsx", ROLE_INSPECTOR, plan_export, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
