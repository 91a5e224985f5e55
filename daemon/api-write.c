/*
 * Writes: PATCH /api/v1/milestones/{id} and /api/v1/targets/{id}.
 *
 * The body is checked first (JSON, known fields, types, sizes: body.c),
 * so that a bad request names its field without touching the database.  The write
 * itself is one statement, duban_api_patch_*() (migrations/functions/30-api.sql),
 * which checks the token and the office's right to the task, refuses a
 * stale version with 409, asks for confirmation of a doubtful value (422
 * naming current, unless "confirm": true, which goes to SQL with the
 * patch and is not stored) and appends to the progress history.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "api.h"
#include "body.h"
#include "clock.h"
#include "query.h"

/* The version the client last read: If-Match or "version" (api.h). */
int
api_expected_version(struct req *r, json_t *body, long long *out)
{
	const char	*h = evhttp_find_header(evhttp_request_get_input_headers(r->ev),
	    "If-Match");
	long long	 hv = 0, bv = 0;
	char		*end;

	if (h != NULL) {
		if (strncmp(h, "W/", 2) == 0)
			h += 2;
		if (*h == '"')
			h++;
		errno = 0;
		hv = strtoll(h, &end, 10);
		/* Versions are int in the database: above 2^31 - 1 is none. */
		if (end == h || errno != 0 || hv < 1 || hv > INT_MAX ||
		    (*end != '\0' && !(*end == '"' &&
		    end[1] == '\0'))) {
			http_problem(r, 400, "请求内容有误",
			    "If-Match 应为读取时返回的 ETag（如 \"3\"）", "If-Match", NULL);
			return (-1);
		}
	}
	if (json_object_get(body, "version") != NULL)
		bv = json_integer_value(json_object_get(body, "version"));
	if (hv != 0 && bv != 0 && hv != bv) {
		http_problem(r, 400, "请求内容有误",
		    "If-Match 与请求体中的 version 不一致", "version", NULL);
		return (-1);
	}
	*out = hv ? hv : bv;
	return (0);
}

static void
patch(struct req *r, const struct body_route *br, const char *sql)
{
	const char	*params[5];
	json_t		*body, *p;
	long long	 version;
	char		*doc, vbuf[24];

	if ((body = http_json_for(r, br)) == NULL)
		return;
	if (api_expected_version(r, body, &version) != 0) {
		json_decref(body);
		return;
	}
	p = json_deep_copy(body);
	json_object_del(p, "version");
	doc = json_dumps(p, JSON_COMPACT);
	json_decref(p);
	json_decref(body);

	clock_now_iso(r->now);
	snprintf(vbuf, sizeof vbuf, "%lld", version);
	params[0] = r->token_hash;
	params[1] = r->param;
	params[2] = version ? vbuf : NULL;
	params[3] = doc;
	params[4] = r->now;
	(void)http_query(r, sql, 5, params, http_status_json);
	free(doc);
}

static void
milestone_patch(struct req *r)
{
	patch(r, &body_milestone_patch, QUERY_MILESTONE_PATCH);
}

static void
target_patch(struct req *r)
{
	patch(r, &body_target_patch, QUERY_TARGET_PATCH);
}

const struct route api_write_routes[] = {
	{ EVHTTP_REQ_PATCH, "/api/v1/milestones/{id}", ROLE_OFFICE, milestone_patch, 0 },
	{ EVHTTP_REQ_PATCH, "/api/v1/targets/{id}", ROLE_OFFICE, target_patch, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
