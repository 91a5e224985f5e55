/*
 * Writes: PATCH /api/v1/milestones/{id} and /api/v1/targets/{id}.
 *
 * The body is checked here (JSON, known fields, types, sizes), so that a
 * bad request names its field without touching the database.  The write
 * itself is one statement, duban_api_patch_*() (migrations/functions/30-api.sql),
 * which checks the token and the office's right to the task, refuses a
 * stale version with 409, asks for confirmation of a doubtful value (422
 * naming current, unless "confirm": true, which goes to SQL with the
 * patch and is not stored) and appends to the progress history.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>

#include "api.h"
#include "clock.h"
#include "deadline.h"
#include "query.h"
#include "utf8.h"
#include "xmalloc.h"

#define TEXT_MAX_CHARS	4000
#define URL_MAX_BYTES	2048

enum ftype {
	F_STATUS,	/* a milestone status */
	F_DATE,		/* ISO date or null */
	F_TEXT,		/* string or null, bounded */
	F_URL,		/* http(s) URL or null */
	F_NUMBER,	/* non-negative number or null */
	F_VERSION,	/* positive integer */
	F_CONFIRM	/* boolean: the writer confirms a value asked about */
};

struct field {
	const char	*name;
	enum ftype	 type;
	const char	*label;		/* for messages */
};

static const struct field milestone_fields[] = {
	{ "status", F_STATUS, "状态" },
	{ "completed_on", F_DATE, "完成日期" },
	{ "note", F_TEXT, "完成情况" },
	{ "outcome", F_TEXT, "取得成效" },
	{ "problems", F_TEXT, "存在问题" },
	{ "next_steps", F_TEXT, "下步措施" },
	{ "coordination", F_TEXT, "需协调事项" },
	{ "evidence_url", F_URL, "佐证材料链接" },
	{ "version", F_VERSION, "版本" },
	{ "confirm", F_CONFIRM, "确认" },
	{ NULL, 0, NULL }
};

static const struct field target_fields[] = {
	{ "current", F_NUMBER, "当前完成值" },
	{ "note", F_TEXT, "完成情况" },
	{ "outcome", F_TEXT, "取得成效" },
	{ "problems", F_TEXT, "存在问题" },
	{ "next_steps", F_TEXT, "下步措施" },
	{ "coordination", F_TEXT, "需协调事项" },
	{ "version", F_VERSION, "版本" },
	{ "confirm", F_CONFIRM, "确认" },
	{ NULL, 0, NULL }
};

static int
bad(struct req *r, const char *field, const char *fmt, const char *label)
{
	char	*msg = xprintf(fmt, label);

	http_problem(r, 400, "请求内容有误", msg, field, NULL);
	free(msg);
	return (-1);
}

static int
check_value(struct req *r, const struct field *f, json_t *v)
{
	const char	*s;
	struct ymd	 d;
	double		 x;
	size_t		 i;

	if (json_is_null(v) && f->type != F_STATUS && f->type != F_VERSION &&
	    f->type != F_CONFIRM)
		return (0);
	switch (f->type) {
	case F_STATUS:
		s = json_string_value(v);
		if (s == NULL || (strcmp(s, "pending") && strcmp(s, "in_progress") &&
		    strcmp(s, "done") && strcmp(s, "blocked")))
			return (bad(r, f->name, "%s应为 pending（未开始）、in_progress（进行中）、"
			    "done（已完成）或 blocked（受阻）", f->label));
		return (0);
	case F_DATE:
		if ((s = json_string_value(v)) == NULL || date_parse_iso(s, &d) != 0)
			return (bad(r, f->name, "%s应为存在的日期（YYYY-MM-DD）或 null",
			    f->label));
		return (0);
	case F_TEXT:
		if ((s = json_string_value(v)) == NULL)
			return (bad(r, f->name, "%s应为文本或 null", f->label));
		if (utf8_chars(s, strlen(s)) > TEXT_MAX_CHARS)
			return (bad(r, f->name, "%s过长（不超过 4000 字）", f->label));
		if (utf8_has_controls(s))
			return (bad(r, f->name, "%s中不能有控制字符（换行和制表符除外）",
			    f->label));
		return (0);
	case F_URL:
		s = json_string_value(v);
		if (s == NULL || (strncmp(s, "http://", 7) != 0 &&
		    strncmp(s, "https://", 8) != 0) || strlen(s) > URL_MAX_BYTES)
			return (bad(r, f->name, "%s应为 http:// 或 https:// 开头的链接（不超过 2048 字节）或 null",
			    f->label));
		for (i = 0; s[i] != '\0'; i++)
			if ((unsigned char)s[i] <= ' ')
				return (bad(r, f->name, "%s中不能有空格或控制字符",
				    f->label));
		return (0);
	case F_NUMBER:
		if (!json_is_number(v))
			return (bad(r, f->name, "%s应为数字或 null", f->label));
		x = json_number_value(v);
		if (!isfinite(x) || x < 0 || x > 1e15)
			return (bad(r, f->name, "%s应为不小于 0 的数字", f->label));
		return (0);
	case F_VERSION:
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 2147483647)
			return (bad(r, f->name, "%s应为正整数（读取时返回的 version）",
			    f->label));
		return (0);
	case F_CONFIRM:
		if (!json_is_boolean(v))
			return (bad(r, f->name, "%s应为 true 或 false", f->label));
		return (0);
	}
	return (0);
}

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
patch(struct req *r, const struct field *fields, const char *sql)
{
	const struct field	*f;
	const char		*key, *params[5];
	json_t			*body, *v, *p;
	long long		 version;
	char			*doc, *msg, vbuf[24];
	int			 n = 0;

	if ((body = http_json_object(r, NULL, 0)) == NULL)
		return;
	json_object_foreach(body, key, v) {
		for (f = fields; f->name != NULL; f++)
			if (strcmp(f->name, key) == 0)
				break;
		if (f->name == NULL) {
			msg = xprintf("不认识的字段“%s”", key);
			http_problem(r, 400, "请求内容有误", msg, key, NULL);
			free(msg);
			json_decref(body);
			return;
		}
		if (check_value(r, f, v) != 0) {
			json_decref(body);
			return;
		}
		if (f->type != F_VERSION && f->type != F_CONFIRM)
			n++;
	}
	if (n == 0) {
		http_problem(r, 400, "请求内容有误", "没有要修改的字段", NULL, NULL);
		json_decref(body);
		return;
	}
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
	patch(r, milestone_fields, QUERY_MILESTONE_PATCH);
}

static void
target_patch(struct req *r)
{
	patch(r, target_fields, QUERY_TARGET_PATCH);
}

const struct route api_write_routes[] = {
	{ EVHTTP_REQ_PATCH, "/api/v1/milestones/{id}", ROLE_OFFICE, milestone_patch, 0 },
	{ EVHTTP_REQ_PATCH, "/api/v1/targets/{id}", ROLE_OFFICE, target_patch, 0 },
	{ 0, NULL, ROLE_NONE, NULL, 0 }
};
