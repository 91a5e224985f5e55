/*
 * Plan files from the general office's page:
 *   POST /api/v1/plans/preview?name=FILE
 *          the file as the body (YAML, or the 任务分解表 XLSX, by the
 *          name's suffix; at most max_plan_body bytes): read and checked
 *          on a worker; refused with every problem at FILE:LINE:COLUMN or
 *          at its sheet and cell; else what loading it would change
 *          (duban_plan_preview: new, changed and withdrawn tasks, targets
 *          and milestones with what has been reported against them, new
 *          offices, a digest), changing nothing.
 *   POST /api/v1/plans/load?name=FILE&digest=D
 *          the same file again with the preview's digest: loaded, all or
 *          nothing, if what it changes is what the preview showed; 409 if
 *          the plans changed meanwhile (preview again).
 * Both call duban_api_plan_load (migrations/functions/11-plan-preview.sql),
 * which `duban plan load [--dry-run]` shares through duban_plan_changes.
 */
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "api.h"
#include "clock.h"
#include "config.h"
#include "diag.h"
#include "plan.h"
#include "utf8.h"
#include "work.h"
#include "xmalloc.h"

#define PLAN_NAME_MAX	255	/* bytes of a file name */

static const char QUERY_PLAN_LOAD[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_plan_load($1, $2::jsonb, $3::timestamptz, $4::boolean, $5) AS r";

struct plan_job {
	struct req	*r;
	char		*name;
	char		*buf;
	size_t		 len;
	int		 apply;
	char		*digest;
	json_t		*plans;		/* the parsed plan, as an array of one */
	struct diags	 d;
};

static void
job_free(struct plan_job *j)
{
	free(j->name);
	free(j->buf);
	free(j->digest);
	json_decref(j->plans);
	diags_free(&j->d);
	free(j);
}

/* Problems as JSON: [{where, message, warning}]. */
static json_t *
diags_json(const struct diags *d)
{
	json_t	*list = json_array();
	char	*where;
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		where = diag_at(&d->v[i]);
		json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "where",
		    where, "message", d->v[i].msg, "warning", d->v[i].warning));
		free(where);
	}
	return (list);
}

/* On a worker: read and check the file. */
static void
parse_run(void *arg)
{
	struct plan_job	*j = arg;
	json_t		*plan;

	if ((plan = plan_read_buffer(j->name, j->buf, j->len, &j->d)) != NULL) {
		/* Warnings (an office name that seems to be two) go with
		 * the plan to the preview, which shows them. */
		if (j->d.n > 0)
			json_object_set_new(plan, "warnings", diags_json(&j->d));
		j->plans = json_array();
		json_array_append_new(j->plans, plan);
	}
	free(j->buf);
	j->buf = NULL;
}

/* 400 with every problem found, each at its place; the first error
 * in the detail. */
static void
diags_problem(struct req *r, const struct diags *d)
{
	const struct diag	*first = &d->v[0];
	char			*where, *msg;
	size_t			 i;

	for (i = 0; i < d->n; i++)
		if (!d->v[i].warning) {
			first = &d->v[i];
			break;
		}
	where = diag_at(first);
	msg = xprintf("%s：%s%s。计划未导入，数据库未作任何修改", where, first->msg,
	    d->n > 1 ? "；另有其他问题，见 errors" : "");
	http_problem(r, 400, "计划文件有误", msg, "file",
	    json_pack("{s:o}", "errors", diags_json(d)));
	free(msg);
	free(where);
}

static void
parse_done(void *arg)
{
	struct plan_job	*j = arg;
	struct req	*r = j->r;
	const char	*params[5];
	char		*doc;

	if (j->plans == NULL) {
		diags_problem(r, &j->d);
		job_free(j);
		return;
	}
	doc = json_dumps(j->plans, JSON_COMPACT);
	clock_now_iso(r->now);
	params[0] = r->token_hash;
	params[1] = doc;
	params[2] = r->now;
	params[3] = j->apply ? "true" : "false";
	params[4] = j->digest;
	(void)http_query(r, QUERY_PLAN_LOAD, 5, params, http_status_json);
	free(doc);
	job_free(j);
}

static void
plan_post(struct req *r, int apply)
{
	static const char *const allowed[] = { "name", "digest", NULL };
	const struct api *api = r->app;
	struct evbuffer	*in = evhttp_request_get_input_buffer(r->ev);
	size_t		 len = evbuffer_get_length(in);
	const char	*name = http_query_arg(r, "name");
	const char	*digest = http_query_arg(r, "digest");
	struct plan_job	*j;
	char		*msg;

	if (http_query_only(r, allowed) != 0)
		return;
	if (name == NULL || *name == '\0' || strlen(name) > PLAN_NAME_MAX ||
	    strchr(name, '/') != NULL || utf8_has_controls(name)) {
		http_problem(r, 400, "请给出文件名",
		    "请在查询参数 name 中给出计划文件的文件名（UTF-8，百分号编码），"
		    "如 ?name=jilin-2012.yaml 或 ?name=%E4%BB%BB%E5%8A%A1%E5%88%86%E8%A7%A3%E8%A1%A8.xlsx",
		    "name", NULL);
		return;
	}
	if (!apply && digest != NULL) {
		http_problem(r, 400, "预览不需要 digest", "digest 只用于确认导入（/load）",
		    "digest", NULL);
		return;
	}
	if (len == 0) {
		http_problem(r, 400, "文件为空", "请求体应为计划文件的内容", "file", NULL);
		return;
	}
	if (len > (size_t)api->cfg->max_plan_body) {
		msg = xprintf("计划文件 %zu 字节，上限为 %d 字节", len,
		    api->cfg->max_plan_body);
		http_problem(r, 413, "计划文件过大", msg, "file", NULL);
		free(msg);
		return;
	}
	j = xcalloc(1, sizeof *j);
	j->r = r;
	j->apply = apply;
	j->name = xstrdup(name);
	j->digest = digest ? xstrdup(digest) : NULL;
	diags_init(&j->d);
	j->len = len;
	j->buf = xmalloc(len + 1);
	evbuffer_copyout(in, j->buf, len);
	j->buf[len] = '\0';
	if (work_submit(api->work, parse_run, parse_done, j) != 0) {
		job_free(j);
		http_unavailable(r, "正在处理的文件过多，请稍后再试");
	}
}

static void
plan_preview(struct req *r)
{
	plan_post(r, 0);
}

static void
plan_load(struct req *r)
{
	plan_post(r, 1);
}

const struct route api_plan_routes[] = {
	{ EVHTTP_REQ_POST, "/api/v1/plans/preview", ROLE_GENERAL, plan_preview, 0 },
	{ EVHTTP_REQ_POST, "/api/v1/plans/load", ROLE_GENERAL, plan_load, 0 },
	{ 0, NULL, 0, NULL, 0 }
};
