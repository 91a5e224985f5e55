/*
 * The XLSX 填报表 (lib/report/fill.h, docs/fill-format.md):
 *   GET  /api/v1/offices/{office}/report.xlsx?dispatch=ID
 *          the office's rows (duban_api_office_rows) written as a
 *          workbook on a worker thread
 *   POST /api/v1/offices/{office}/report.xlsx?dispatch=ID
 *          a filled workbook as the body (Content-Type FILL_CONTENT_TYPE,
 *          at most max_fill_body bytes): read on a worker; refused naming
 *          each wrong cell (填报表!F7：应为数字) unless every cell is
 *          right, the workbook is this office's (and this round's, when
 *          dispatch is given) and no locked cell changed; then its
 *          changed cells are saved in one transaction by
 *          duban_api_office_batch (as PUT …/report saves a table), whose
 *          problems are mapped back to cells.  Answers {"saved": rows
 *          saved, "rows": rows in the workbook, "changed": rows sent,
 *          "office", "dispatch"}.
 * The rows and the batch are migrations/functions/73-batch.sql's.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "api.h"
#include "clock.h"
#include "config.h"
#include "fill.h"
#include "log.h"
#include "query.h"
#include "work.h"
#include "xmalloc.h"

struct fill_job {
	struct req		*r;
	char			 dispatch[24];	/* ?dispatch=, or "" */
	/* Download. */
	char			*text;		/* duban_office_rows' JSON */
	char			*body;
	size_t			 len;
	char			*filename;
	/* Upload. */
	char			*xlsx;
	size_t			 xlsx_len;
	struct fill_upload	 up;
	json_t			*errors;
	char			 office_id[24];
	/* Both. */
	char			*cause;
};

static void
job_free(struct fill_job *j)
{
	free(j->text);
	free(j->body);
	free(j->filename);
	free(j->xlsx);
	fill_upload_free(&j->up);
	json_decref(j->errors);
	free(j->cause);
	free(j);
}

/* ?dispatch=ID into j->dispatch: 0, or -1 after answering 400. */
static int
dispatch_arg(struct req *r, struct fill_job *j)
{
	static const char *const allowed[] = { "dispatch", NULL };
	const char	*d;
	size_t		 i;

	if (http_query_only(r, allowed) != 0)
		return (-1);
	if ((d = http_query_arg(r, "dispatch")) == NULL || *d == '\0')
		return (0);
	for (i = 0; d[i] != '\0'; i++)
		if (d[i] < '0' || d[i] > '9' || i >= 18) {
			http_problem(r, 400, "请求参数有误", "dispatch 应为调度编号",
			    "dispatch", NULL);
			return (-1);
		}
	snprintf(j->dispatch, sizeof j->dispatch, "%s", d);
	return (0);
}

/* Answers a problem from the database as it is; 0 for a 200 row. */
static int
status_row(struct req *r, PGresult *res, const char *err)
{
	int	status;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_db_error(r, res, err);
		return (-1);
	}
	status = atoi(PQgetvalue(res, 0, 0));
	if (status != 200) {
		http_problem_text(r, status, PQgetvalue(res, 0, 1));
		return (-1);
	}
	return (0);
}

/* ---------------------------------------------------------------- */
/* Download */

static void
render_run(void *arg)
{
	struct fill_job	*j = arg;
	json_error_t	 jerr;
	json_t		*rows;
	FILE		*f;

	if ((rows = json_loads(j->text, 0, &jerr)) == NULL) {
		j->cause = xprintf("无法解析填报表的数据：%s", jerr.text);
		return;
	}
	j->filename = fill_filename(rows);
	if ((f = open_memstream(&j->body, &j->len)) == NULL) {
		j->cause = xstrdup("内存不足");
	} else if (fill_render(rows, f, &j->cause) != 0 || fclose(f) != 0) {
		free(j->body);
		j->body = NULL;
	}
	json_decref(rows);
}

static void
render_done(void *arg)
{
	struct fill_job	*j = arg;
	struct req	*r = j->r;
	char		*cd;

	if (j->body == NULL) {
		log_warnx("无法生成填报表：%s", j->cause ? j->cause : "?");
		http_problem(r, 500, "无法生成填报表", j->cause, NULL, NULL);
	} else {
		cd = http_disposition("attachment", j->filename, "duban-fill.xlsx");
		evhttp_add_header(evhttp_request_get_output_headers(r->ev),
		    "Content-Disposition", cd);
		free(cd);
		http_reply(r, 200, FILL_CONTENT_TYPE, j->body, j->len);
	}
	job_free(j);
}

static void
rows_got(PGresult *res, const char *err, void *arg)
{
	struct fill_job	*j = arg;
	struct req	*r = j->r;
	const struct api *api = r->app;

	if (status_row(r, res, err) != 0) {
		job_free(j);
		return;
	}
	j->text = xstrdup(PQgetvalue(res, 0, 1));
	if (work_submit(api->work, render_run, render_done, j) != 0) {
		job_free(j);
		http_unavailable(r, "正在生成的报告过多，请稍后再试");
	}
}

static void
fill_get(struct req *r)
{
	struct fill_job	*j = xcalloc(1, sizeof *j);
	const char	*params[4];

	j->r = r;
	if (dispatch_arg(r, j) != 0) {
		job_free(j);
		return;
	}
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = j->dispatch[0] != '\0' ? j->dispatch : NULL;
	params[3] = r->now;
	if (http_query_for(r, QUERY_OFFICE_ROWS, 4, params, rows_got, j) != 0)
		job_free(j);
}

/* ---------------------------------------------------------------- */
/* Upload */

static void
read_run(void *arg)
{
	struct fill_job	*j = arg;

	(void)fill_read(j->xlsx, j->xlsx_len, &j->up, &j->errors);
	free(j->xlsx);
	j->xlsx = NULL;
}

/* 400 naming every wrong cell, nothing saved. */
static void
cells_problem(struct req *r, json_t *errors)
{
	const json_t	*first = json_array_get(errors, 0);
	const char	*cell = json_string_value(json_object_get(first, "cell"));
	const char	*detail = json_string_value(json_object_get(first, "detail"));
	size_t		 n = json_array_size(errors);
	char		*msg;

	msg = xprintf("%s%s%s%s。整张表均未保存", cell ? cell : "", cell ? "：" : "",
	    detail ? detail : "", n > 1 ? "；另有其他单元格有问题，见 errors" : "");
	http_problem(r, 400, "填报表有误", msg, cell,
	    json_pack("{s:O}", "errors", errors));
	free(msg);
}

static void
batch_got(PGresult *res, const char *err, void *arg)
{
	struct fill_job	*j = arg;
	struct req	*r = j->r;
	json_t		*body, *cells, *answer;
	json_error_t	 jerr;
	int		 status;
	char		*text;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK ||
	    PQntuples(res) != 1) {
		http_db_error(r, res, err);
		goto done;
	}
	status = atoi(PQgetvalue(res, 0, 0));
	body = json_loads(PQgetvalue(res, 0, 1), 0, &jerr);
	if (status != 200) {
		if (json_object_get(body, "errors") != NULL) {
			cells = fill_problem_cells(body, j->up.cells);
			text = json_dumps(cells, JSON_COMPACT);
			http_problem_text(r, status, text);
			free(text);
			json_decref(cells);
		} else
			http_problem_text(r, status, PQgetvalue(res, 0, 1));
		json_decref(body);
		goto done;
	}
	answer = json_pack("{s:O?,s:I,s:I,s:O?,s:O?}",
	    "saved", json_object_get(body, "saved"),
	    "rows", (json_int_t)j->up.nrows,
	    "changed", (json_int_t)json_array_size(json_object_get(j->up.batch,
	    "rows")),
	    "office", json_object_get(body, "office"),
	    "dispatch", json_object_get(body, "dispatch"));
	text = json_dumps(answer, JSON_COMPACT);
	http_reply_json(r, 200, text, NULL);
	free(text);
	json_decref(answer);
	json_decref(body);
done:
	job_free(j);
}

/* The office's table as the uploader may see it: its id, to compare
 * with the workbook's; then the batch. */
static void
office_got(PGresult *res, const char *err, void *arg)
{
	struct fill_job	*j = arg;
	struct req	*r = j->r;
	json_t		*rows;
	json_error_t	 jerr;
	json_int_t	 office;
	const char	*params[4], *name;
	char		*text, *msg;

	if (status_row(r, res, err) != 0) {
		job_free(j);
		return;
	}
	rows = json_loads(PQgetvalue(res, 0, 1), 0, &jerr);
	office = json_integer_value(json_object_get(json_object_get(rows,
	    "office"), "id"));
	name = json_string_value(json_object_get(json_object_get(rows,
	    "office"), "name"));
	if (office != j->up.office) {
		msg = xprintf("这份填报表不是“%s”的（是另一处室的填报表），"
		    "请下载本处室的填报表后填写。整张表均未保存", name ? name : "");
		http_problem(r, 400, "填报表不属于本处室", msg, "office", NULL);
		free(msg);
		json_decref(rows);
		job_free(j);
		return;
	}
	json_decref(rows);
	text = json_dumps(j->up.batch, JSON_COMPACT);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = text;
	params[3] = r->now;
	if (http_query_for(r, QUERY_OFFICE_BATCH, 4, params, batch_got, j) != 0)
		job_free(j);
	free(text);
}

static void
read_done(void *arg)
{
	struct fill_job	*j = arg;
	struct req	*r = j->r;
	const char	*params[4];
	char		 d[24], *msg;

	if (j->errors != NULL) {
		cells_problem(r, j->errors);
		job_free(j);
		return;
	}
	if (j->up.dispatch > 0)
		snprintf(d, sizeof d, "%lld", j->up.dispatch);
	else
		d[0] = '\0';
	if (j->dispatch[0] != '\0' && strcmp(j->dispatch, d) != 0) {
		msg = d[0] != '\0' ?
		    xprintf("这份填报表属于调度 %s，不是调度 %s：请下载这轮调度的填报表后填写。"
		    "整张表均未保存", d, j->dispatch) :
		    xprintf("这份填报表不属于任何一轮调度，不是调度 %s 的：请下载这轮调度的"
		    "填报表后填写。整张表均未保存", j->dispatch);
		http_problem(r, 400, "填报表不属于这轮调度", msg, "dispatch", NULL);
		free(msg);
		job_free(j);
		return;
	}
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = d[0] != '\0' ? d : NULL;
	params[3] = r->now;
	if (http_query_for(r, QUERY_OFFICE_ROWS, 4, params, office_got, j) != 0)
		job_free(j);
}

static void
fill_post(struct req *r)
{
	const struct api *api = r->app;
	struct evkeyvalq *h = evhttp_request_get_input_headers(r->ev);
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->ev);
	const char	*ct = evhttp_find_header(h, "Content-Type");
	size_t		 len = evbuffer_get_length(in);
	struct fill_job	*j;
	char		*msg;

	if (ct == NULL || strncmp(ct, FILL_CONTENT_TYPE,
	    strlen(FILL_CONTENT_TYPE)) != 0) {
		http_problem(r, 415, "请上传 XLSX 文件",
		    "Content-Type 应为 " FILL_CONTENT_TYPE "（Excel 工作簿）",
		    "Content-Type", NULL);
		return;
	}
	if (len > (size_t)api->cfg->max_fill_body) {
		msg = xprintf("填报表 %zu 字节，上限为 %d 字节", len,
		    api->cfg->max_fill_body);
		http_problem(r, 413, "填报表过大", msg, NULL, NULL);
		free(msg);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->r = r;
	if (dispatch_arg(r, j) != 0) {
		job_free(j);
		return;
	}
	j->xlsx_len = len;
	j->xlsx = xmalloc(len + 1);
	evbuffer_copyout(in, j->xlsx, len);
	if (work_submit(api->work, read_run, read_done, j) != 0) {
		job_free(j);
		http_unavailable(r, "正在处理的文件过多，请稍后再试");
	}
}

const struct route api_fill_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/offices/{office}/report.xlsx", ROLE_INSPECTOR, fill_get, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/offices/{office}/report.xlsx", ROLE_OFFICE, fill_post, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
