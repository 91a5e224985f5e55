/*
 * Write requests' JSON bodies (see body.h): the parse every write route
 * shares, and the shape checks some routes make before the database
 * sees the body, so that a bad request names its field without a query.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "date.h"
#include "utf8.h"
#include "xmalloc.h"

#define TEXT_MAX_CHARS	4000
#define URL_MAX_BYTES	2048
#define BATCH_ROWS_MAX	5000
#define DISPATCH_LIST_MAX	200

static const char BAD[] = "请求内容有误";

void
body_err_free(struct body_err *e)
{
	free(e->detail);
	free(e->field);
	e->detail = e->field = NULL;
}

static int
refuse(struct body_err *e, int status, const char *title, const char *field,
    char *detail)
{
	e->status = status;
	e->title = title;
	e->detail = detail;
	e->field = field != NULL ? xstrdup(field) : NULL;
	return (-1);
}

/* ---------------------------------------------------------------- */
/* The parse */

/*
 * The path ("targets[2].value") of the first number in v beyond a 64-bit
 * integer, read as a real; NULL if none.  prefix is v's own path.
 */
static char *
overflow_path(const json_t *v, const char *prefix)
{
	const json_t	*x;
	const char	*key;
	char		*path, *found;
	size_t		 i;

	if (json_is_real(v))
		return (fabs(json_real_value(v)) >= 9.2e18 ? xstrdup(prefix) : NULL);
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, key, x) {
			path = *prefix ? xprintf("%s.%s", prefix, key) : xstrdup(key);
			found = overflow_path(x, path);
			free(path);
			if (found != NULL)
				return (found);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x) {
			path = xprintf("%s[%zu]", prefix, i);
			found = overflow_path(x, path);
			free(path);
			if (found != NULL)
				return (found);
		}
	}
	return (NULL);
}

/* A body jansson refused for an integer too big: which field it was. */
static char *
overflow_field(const char *text, size_t len)
{
	json_t	*v = json_loadb(text, len, JSON_DECODE_INT_AS_REAL, NULL);
	char	*path = v != NULL ? overflow_path(v, "") : NULL;

	json_decref(v);
	return (path);
}

/* The key of v under which something nests deeper than max; NULL if none. */
static const char *
too_deep(const json_t *v, int max, const char *key)
{
	const json_t	*x;
	const char	*k, *found;
	size_t		 i;

	if (!json_is_object(v) && !json_is_array(v))
		return (NULL);
	if (max <= 0)
		return (key);
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, x)
			if ((found = too_deep(x, max - 1, key ? key : k)) != NULL)
				return (found);
	} else
		json_array_foreach(v, i, x)
			if ((found = too_deep(x, max - 1, key)) != NULL)
				return (found);
	return (NULL);
}

json_t *
body_parse(const char *text, size_t len, const char *const *allowed, int empty_ok,
    struct body_err *e)
{
	json_error_t	 jerr;
	json_t		*body, *v;
	const char	*key;
	char		*field;
	size_t		 bad;
	int		 k;

	memset(e, 0, sizeof *e);
	if (len == 0 && empty_ok)
		return (json_object());
	body = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (body == NULL && json_error_code(&jerr) == json_error_numeric_overflow &&
	    (field = overflow_field(text, len)) != NULL) {
		refuse(e, 400, BAD, field, xprintf("字段“%s”的数值超出范围", field));
		free(field);
		return (NULL);
	}
	if (body == NULL) {
		/* jansson quotes the input near the fault, cut at any byte:
		 * keep the quote only as far as it is UTF-8. */
		if (!utf8_valid(jerr.text, strlen(jerr.text), &bad))
			jerr.text[bad] = '\0';
	}
	if (body == NULL || !json_is_object(body)) {
		refuse(e, 400, BAD, NULL, body == NULL ?
		    xprintf("请求体不是有效的 JSON（第 %d 行第 %d 列：%s）",
		    jerr.line, jerr.column, jerr.text) : xstrdup("请求体应为 JSON 对象"));
		json_decref(body);
		return (NULL);
	}
	json_object_foreach(body, key, v) {
		for (k = 0; allowed != NULL && allowed[k] != NULL &&
		    strcmp(allowed[k], key) != 0; k++)
			;
		if (allowed != NULL && allowed[k] == NULL) {
			refuse(e, 400, BAD, key, xprintf("不认识的字段“%s”", key));
			json_decref(body);
			return (NULL);
		}
	}
	/* The object itself is the first level. */
	if ((key = too_deep(body, BODY_MAX_DEPTH, NULL)) != NULL) {
		refuse(e, 400, BAD, key, xprintf("字段“%s”嵌套过深（不超过 %d 层）", key,
		    BODY_MAX_DEPTH));
		json_decref(body);
		return (NULL);
	}
	return (body);
}

json_t *
body_read(const struct body_route *br, const char *text, size_t len,
    struct body_err *e)
{
	json_t	*body;

	if ((body = body_parse(text, len, br->fields, br->empty_ok, e)) == NULL)
		return (NULL);
	if (br->check != NULL && br->check(body, e) != 0) {
		json_decref(body);
		return (NULL);
	}
	return (body);
}

/* ---------------------------------------------------------------- */
/* Milestones and targets (PATCH) */

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

static const struct field milestone_types[] = {
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

static const struct field target_types[] = {
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
bad(struct body_err *e, const struct field *f, const char *fmt)
{
	return (refuse(e, 400, BAD, f->name, xprintf(fmt, f->label)));
}

static int
check_value(const struct field *f, json_t *v, struct body_err *e)
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
			return (bad(e, f, "%s应为 pending（未开始）、in_progress（进行中）、"
			    "done（已完成）或 blocked（受阻）"));
		return (0);
	case F_DATE:
		if ((s = json_string_value(v)) == NULL || date_parse_iso(s, &d) != 0)
			return (bad(e, f, "%s应为存在的日期（YYYY-MM-DD）或 null"));
		return (0);
	case F_TEXT:
		if ((s = json_string_value(v)) == NULL)
			return (bad(e, f, "%s应为文本或 null"));
		if (utf8_chars(s, strlen(s)) > TEXT_MAX_CHARS)
			return (bad(e, f, "%s过长（不超过 4000 字）"));
		if (utf8_has_controls(s))
			return (bad(e, f, "%s中不能有控制字符（换行和制表符除外）"));
		return (0);
	case F_URL:
		s = json_string_value(v);
		if (s == NULL || (strncmp(s, "http://", 7) != 0 &&
		    strncmp(s, "https://", 8) != 0) || strlen(s) > URL_MAX_BYTES)
			return (bad(e, f, "%s应为 http:// 或 https:// 开头的链接（不超过 2048 字节）或 null"));
		for (i = 0; s[i] != '\0'; i++)
			if ((unsigned char)s[i] <= ' ')
				return (bad(e, f, "%s中不能有空格或控制字符"));
		return (0);
	case F_NUMBER:
		if (!json_is_number(v))
			return (bad(e, f, "%s应为数字或 null"));
		x = json_number_value(v);
		if (!isfinite(x) || x < 0 || x > 1e15)
			return (bad(e, f, "%s应为不小于 0 的数字"));
		return (0);
	case F_VERSION:
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 2147483647)
			return (bad(e, f, "%s应为正整数（读取时返回的 version）"));
		return (0);
	case F_CONFIRM:
		if (!json_is_boolean(v))
			return (bad(e, f, "%s应为 true 或 false"));
		return (0);
	}
	return (0);
}

/* Known fields, each of its type, and at least one to change. */
static int
check_patch(const struct field *types, json_t *body, struct body_err *e)
{
	const struct field	*f;
	const char		*key;
	json_t			*v;
	int			 n = 0;

	json_object_foreach(body, key, v) {
		for (f = types; f->name != NULL; f++)
			if (strcmp(f->name, key) == 0)
				break;
		if (f->name == NULL)
			return (refuse(e, 400, BAD, key, xprintf("不认识的字段“%s”", key)));
		if (check_value(f, v, e) != 0)
			return (-1);
		if (f->type != F_VERSION && f->type != F_CONFIRM)
			n++;
	}
	if (n == 0)
		return (refuse(e, 400, BAD, NULL, xstrdup("没有要修改的字段")));
	return (0);
}

static int
check_milestone(json_t *body, struct body_err *e)
{
	return (check_patch(milestone_types, body, e));
}

static int
check_target(json_t *body, struct body_err *e)
{
	return (check_patch(target_types, body, e));
}

/* ---------------------------------------------------------------- */
/* 批量填报 */

/* The shape of one row: 0, or -1 naming rows[N].FIELD. */
static int
row_shape(size_t n, json_t *row, struct body_err *e)
{
	const char	*why = NULL, *field = "";
	json_t		*v;
	char		*where;

	if (!json_is_object(row))
		why = "应为 JSON 对象";
	else if (!json_is_string(v = json_object_get(row, "kind")) ||
	    (strcmp(json_string_value(v), "target") != 0 &&
	    strcmp(json_string_value(v), "milestone") != 0)) {
		why = "kind 应为 target（指标）或 milestone（节点）";
		field = ".kind";
	} else if (!json_is_integer(v = json_object_get(row, "id")) ||
	    json_integer_value(v) < 1) {
		why = "id 应为指标或节点的编号";
		field = ".id";
	}
	if (why == NULL)
		return (0);
	where = xprintf("rows[%zu]%s", n + 1, field);
	refuse(e, 400, BAD, where, xprintf("第 %zu 行：%s", n + 1, why));
	free(where);
	return (-1);
}

static int
check_batch(json_t *body, struct body_err *e)
{
	json_t	*rows, *v, *row;
	size_t	 i;

	rows = json_object_get(body, "rows");
	if (!json_is_array(rows) || json_array_size(rows) > BATCH_ROWS_MAX)
		return (refuse(e, 400, BAD, "rows",
		    xprintf("rows 应为填报表各行的数组（不超过 %d 行）", BATCH_ROWS_MAX)));
	v = json_object_get(body, "dispatch");
	if (v != NULL && !json_is_null(v) && !(json_is_integer(v) && json_integer_value(v) > 0))
		return (refuse(e, 400, BAD, "dispatch", xstrdup("dispatch 应为调度编号或 null")));
	if (((v = json_object_get(body, "submit")) != NULL && !json_is_boolean(v)) ||
	    ((v = json_object_get(body, "confirm")) != NULL && !json_is_boolean(v)))
		return (refuse(e, 400, BAD, json_object_get(body, "submit") == v ?
		    "submit" : "confirm", xstrdup("submit 和 confirm 应为 true 或 false")));
	json_array_foreach(rows, i, row)
		if (row_shape(i, row, e) != 0)
			return (-1);
	return (0);
}

/* ---------------------------------------------------------------- */
/* Dispatch rounds */

static int
check_dispatch(json_t *body, struct body_err *e)
{
	const char	*key;
	json_t		*v, *x;
	size_t		 i;

	json_object_foreach(body, key, v) {
		/* counties: true (every county bureau) or their names. */
		if (strcmp(key, "counties") == 0 && json_is_boolean(v))
			continue;
		if (strcmp(key, "plans") == 0 || strcmp(key, "offices") == 0 ||
		    strcmp(key, "counties") == 0) {
			if (!json_is_array(v) || json_array_size(v) > DISPATCH_LIST_MAX)
				return (refuse(e, 400, BAD, key,
				    xprintf("%s 应为不超过 200 项的数组", key)));
			json_array_foreach(v, i, x)
				if (!json_is_string(x) && !json_is_integer(x))
					return (refuse(e, 400, BAD, key,
					    xprintf("%s 的每一项应为名称（字符串）或编号", key)));
		} else if (!json_is_string(v))
			return (refuse(e, 400, BAD, key, xprintf("%s 应为字符串", key)));
	}
	return (0);
}

/* ---------------------------------------------------------------- */
/* Others */

/* 批示: text, a string without NUL (its length the database's to check). */
static int
check_instruct(json_t *body, struct body_err *e)
{
	json_t	*text = json_object_get(body, "text");

	if (!json_is_string(text) || strlen(json_string_value(text)) != json_string_length(text))
		return (refuse(e, 422, "批示内容不符合要求", "text",
		    xstrdup("请填写批示内容（text）")));
	return (0);
}

/* A feed: no body, {}, or {"label": name}. */
static int
check_feed(json_t *body, struct body_err *e)
{
	json_t	*v;

	if ((v = json_object_get(body, "label")) != NULL && !json_is_string(v))
		return (refuse(e, 400, BAD, "label",
		    xstrdup("label 应为字符串（订阅的名称，不超过 100 字）")));
	return (0);
}

static const char *const batch_fields[] = { "dispatch", "rows", "submit", "confirm",
    NULL };
static const char *const dispatch_fields[] = { "plans", "offices", "counties", "due_on",
    "title", "request", NULL };
static const char *const step_fields[] = { "confirm", "reason", NULL };
static const char *const reason_fields[] = { "reason", NULL };
static const char *const note_fields[] = { "note", NULL };
static const char *const extension_fields[] = { "new_date", "reason", NULL };
static const char *const jiaoban_create_fields[] = { "title", "basis_kind", "basis",
    "text", "lead_office", "lead_person", "cooperate", "leaders", "deadline",
    "report_every", "targets", NULL };
static const char *const jiaoban_patch_fields[] = { "title", "basis_kind", "basis",
    "text", "lead_office", "lead_person", "cooperate", "leaders", "deadline",
    "report_every", NULL };
static const char *const assess_fields[] = { "year", "office", "points", "note", NULL };
static const char *const text_fields[] = { "text", NULL };
static const char *const label_fields[] = { "label", NULL };
static const char *const user_fields[] = { "login", "name", "office", "org", "role",
    NULL };
static const char *const signin_fields[] = { "token", "login", "password", NULL };
static const char *const password_fields[] = { "password", "new_password", NULL };
static const char *const no_fields[] = { NULL };

/* Their keys are their typed tables' (check_patch names any other). */
const struct body_route body_milestone_patch = { "PATCH /api/v1/milestones/{id}",
    NULL, 0, check_milestone };
const struct body_route body_target_patch = { "PATCH /api/v1/targets/{id}",
    NULL, 0, check_target };
const struct body_route body_batch_put = { "PUT /api/v1/offices/{office}/report",
    batch_fields, 0, check_batch };
const struct body_route body_dispatch_open = { "POST /api/v1/dispatches",
    dispatch_fields, 0, check_dispatch };
const struct body_route body_report_step = { "POST .../submit|return|accept",
    step_fields, 1, NULL };
const struct body_route body_extension_request = {
    "POST /api/v1/milestones/{id}/extensions", extension_fields, 1, NULL };
const struct body_route body_extension_decide = {
    "POST /api/v1/extensions/{id}/approve|reject", reason_fields, 1, NULL };
const struct body_route body_jiaoban_create = { "POST /api/v1/jiaoban",
    jiaoban_create_fields, 0, NULL };
const struct body_route body_jiaoban_patch = { "PATCH /api/v1/jiaoban/{id}",
    jiaoban_patch_fields, 0, NULL };
const struct body_route body_jiaoban_withdraw = {
    "POST /api/v1/jiaoban/{id}/withdraw", reason_fields, 0, NULL };
const struct body_route body_completion_request = {
    "POST /api/v1/tasks/{id}/completion", note_fields, 1, NULL };
const struct body_route body_completion_decide = {
    "POST /api/v1/tasks/{id}/completion/approve|return", reason_fields, 1, NULL };
const struct body_route body_assess_grade = { "POST /api/v1/assess/grades",
    assess_fields, 0, NULL };
const struct body_route body_instruct = { "POST /api/v1/tasks/{id}/instructions",
    text_fields, 0, check_instruct };
const struct body_route body_feed_create = { "POST /api/v1/offices/{id}/feeds", label_fields, 1,
    check_feed };
const struct body_route body_user_create = { "POST /api/v1/users", user_fields, 0,
    NULL };
const struct body_route body_signin = { "POST /api/v1/session", signin_fields, 0,
    NULL };
const struct body_route body_password_change = { "POST /api/v1/session/password",
    password_fields, 0, NULL };
const struct body_route body_empty = { "(a route without a body)", no_fields, 1,
    NULL };

const struct body_route *const body_routes[] = {
	&body_milestone_patch, &body_target_patch, &body_batch_put,
	&body_dispatch_open, &body_report_step, &body_extension_request,
	&body_extension_decide, &body_jiaoban_create, &body_jiaoban_patch,
	&body_jiaoban_withdraw, &body_completion_request, &body_completion_decide,
	&body_assess_grade, &body_instruct, &body_feed_create, &body_user_create,
	&body_signin, &body_password_change, &body_empty, NULL
};
