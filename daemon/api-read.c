/*
 * Reads: plans, tasks, offices, milestones, targets.  Each is one query
 * whose single column is the JSON to send, built by PostgreSQL with the
 * same queries the CLI uses (lib/store/query.c).
 */
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "clock.h"
#include "deadline.h"
#include "query.h"
#include "words.h"
#include "xmalloc.h"

/* Within what the token ($2, $3) reaches: another tenant's is not found. */
static const char QUERY_MILESTONE_GET[] =
    "SELECT duban_milestone_json(m)::text, m.version FROM milestone m"
    " JOIN task t ON t.id = m.task_id JOIN plan p ON p.id = t.plan_id"
    " WHERE m.id = $1::bigint AND p.org_id = ANY ((SELECT duban_token_reach($2::text))::bigint[])";
static const char QUERY_TARGET_GET[] =
    "SELECT duban_target_json(g, $2::date)::text, g.version FROM target g"
    " JOIN task t ON t.id = g.task_id JOIN plan p ON p.id = t.plan_id"
    " WHERE g.id = $1::bigint AND p.org_id = ANY ((SELECT duban_token_reach($3::text))::bigint[])";

static void
plans_list(struct req *r)
{
	static const char *const none[] = { NULL };

	if (http_query_only(r, none) != 0)
		return;
	(void)http_query(r, QUERY_PLAN_LIST, 1, (const char *[]){ r->token_hash },
	    http_json_row);
}

static void
plan_get(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[3];

	if (http_query_only(r, none) != 0)
		return;
	clock_today(r->today);
	params[0] = r->param;
	params[1] = r->today;
	params[2] = r->token_hash;
	r->notfound = "计划不存在";
	(void)http_query(r, QUERY_PLAN_GET, 3, params, http_json_row);
}

static void
tasks_list(struct req *r)
{
	static const char *const allowed[] = { "plan", "office", "status",
	    "due_before", "unassigned", NULL };
	static const char *const statuses[] = { "done", "completing", "on_track", "behind",
	    "overdue", "unreported", NULL };
	const char	*params[QUERY_TASK_LIST_NPARAMS] = { NULL };
	const char	*v;
	struct ymd	 d;
	int		 i;

	if (http_query_only(r, allowed) != 0)
		return;
	params[0] = http_query_arg(r, "plan");
	params[1] = http_query_arg(r, "office");
	if ((v = http_query_arg(r, "due_before")) != NULL) {
		if (date_parse_iso(v, &d) != 0) {
			http_problem(r, 400, "请求参数有误",
			    "due_before 应为存在的日期（YYYY-MM-DD）", "due_before", NULL);
			return;
		}
		params[2] = v;
	}
	if ((v = http_query_arg(r, "unassigned")) != NULL) {
		if (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)
			params[3] = "true";
		else if (strcmp(v, "false") != 0 && strcmp(v, "0") != 0) {
			http_problem(r, 400, "请求参数有误",
			    "unassigned 应为 true 或 false", "unassigned", NULL);
			return;
		}
	}
	if ((v = http_query_arg(r, "status")) != NULL) {
		for (i = 0; statuses[i] != NULL; i++)
			if (strcmp(v, statuses[i]) == 0)
				break;
		if (strcmp(v, "unassigned") == 0)
			params[3] = "true";
		else if (statuses[i] == NULL) {
			http_problem(r, 400, "请求参数有误",
			    "status 应为 done（已完成）、completing（待办结审核）、on_track（按期推进）、"
			    "behind（滞后）、overdue（逾期）、unreported（未填报）或 unassigned"
			    "（未明确牵头处室）",
			    "status", NULL);
			return;
		} else
			params[4] = v;
	}
	clock_today(r->today);
	params[5] = r->today;
	params[6] = r->token_hash;
	(void)http_query(r, QUERY_TASK_LIST, QUERY_TASK_LIST_NPARAMS, params,
	    http_json_row);
}

static void
task_get(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[5];
	char		 office[24];

	if (http_query_only(r, none) != 0)
		return;
	clock_today(r->today);
	snprintf(office, sizeof office, "%lld", r->office_id);
	params[0] = r->param;
	params[1] = r->today;
	/* Whether the caller may edit it: the pages show editors by it. */
	params[2] = r->role == ROLE_GENERAL ? "general" : r->role == ROLE_OFFICE ?
	    "office" : "inspector";
	params[3] = office;
	/* Whether the caller may ask to close it, or decide (办结审核). */
	params[4] = r->token_hash;
	r->notfound = "任务不存在";
	(void)http_query(r, QUERY_TASK_GET, 5, params, http_json_row);
}

static void
offices_list(struct req *r)
{
	static const char *const none[] = { NULL };
	const char	*params[2];

	if (http_query_only(r, none) != 0)
		return;
	/* Robot URLs carry their keys: the general office's to see. */
	params[0] = r->role == ROLE_GENERAL ? "true" : "false";
	params[1] = r->token_hash;
	(void)http_query(r, QUERY_OFFICE_LIST, 2, params, http_json_row);
}

static void
milestone_get(struct req *r)
{
	const char	*params[2] = { r->param, r->token_hash };

	r->notfound = "节点不存在";
	(void)http_query(r, QUERY_MILESTONE_GET, 2, params, http_json_row);
}

static void
target_get(struct req *r)
{
	const char	*params[3] = { r->param, r->today, r->token_hash };

	r->notfound = "指标不存在";
	clock_today(r->today);
	(void)http_query(r, QUERY_TARGET_GET, 3, params, http_json_row);
}

/*
 * GET /api/v1/words: the words users read for each code (lib/base/words.c),
 * for the pages; the same for everyone, so no sign-in is needed.
 */
static void
words_get(struct req *r)
{
	static const char *const none[] = { NULL };
	json_t		*w;
	char		*text;

	if (http_query_only(r, none) != 0)
		return;
	w = words_json();
	text = json_dumps(w, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(w);
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Cache-Control",
	    "no-cache");
	http_reply_json(r, 200, text, NULL);
	free(text);
}

const struct route api_read_routes[] = {
	{ EVHTTP_REQ_GET, "/api/v1/words", ROLE_NONE, words_get, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/plans", ROLE_INSPECTOR, plans_list, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/plans/{key}", ROLE_INSPECTOR, plan_get, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/tasks", ROLE_INSPECTOR, tasks_list, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/tasks/{id}", ROLE_INSPECTOR, task_get, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/offices", ROLE_INSPECTOR, offices_list, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/milestones/{id}", ROLE_INSPECTOR, milestone_get, 0 },
	{ EVHTTP_REQ_GET, "/api/v1/targets/{id}", ROLE_INSPECTOR, target_get, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
