/*
 * 批量填报: 财务审计处's whole 填报表 as one request (PUT
 * /api/v1/offices/{office}/report).  A clerk's batch is saved as the
 * office's drafts, exactly as sent; a batch with one bad row (a text in
 * a number, a status that does not exist, a stale version) saves nothing
 * and names the row and field; the head's batch with submit writes the
 * values into the history; another office's clerk and an inspector are
 * refused (the inspector may read the table).  Real duband, real
 * PostgreSQL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define I(o, k)	json_integer_value(json_object_get((o), (k)))
#define JSON	"Content-Type: application/json"
#define FINANCE	"%E8%B4%A2%E5%8A%A1%E5%AE%A1%E8%AE%A1%E5%A4%84"	/* 财务审计处 */
#define REPORT	"/api/v1/offices/" FINANCE "/report"
#define ROWS	"/api/v1/offices/" FINANCE "/report/rows"

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*clerk, *head, *other, *inspector;
};

/* A request to the site's duband (t_call). */
#define call(s, ...)	t_call(&(s)->d, __VA_ARGS__)

/* The tokens the tests act as, made once per run in the snapshot. */
static const struct t_who PEOPLE[] = {
	{ "clerk", "wangli", "王丽", "财务审计处", "clerk" },
	{ "head", "zhaogang", "赵刚", "财务审计处", "head" },
	{ "other", "zhoujie", "周杰", "发展规划处", "clerk" },
	{ "inspector", NULL, NULL, NULL, "inspector" },
};

/* The snapshot every site copies: the plan loaded, the tokens kept. */
static const char *const LOAD[] = { "plan", "load", JILIN, NULL };
static struct t_setup SETUP = { { LOAD }, PEOPLE, sizeof PEOPLE / sizeof PEOPLE[0] };

static void
site_start(struct site *s)
{
	const char	*env[] = { "DUBAN_NOW=2012-09-10T10:00:00+08:00", NULL };

	memset(s, 0, sizeof *s);
	s->db = t_db_snapshot("batch", t_setup_build, &SETUP);
	s->clerk = t_kept(s->db, "clerk");
	s->head = t_kept(s->db, "head");
	s->other = t_kept(s->db, "other");
	s->inspector = t_kept(s->db, "inspector");
	s->c = t_connect(s->db);
	t_daemon_start(&s->d, s->db, NULL, env);
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->clerk);
	free(s->head);
	free(s->other);
	free(s->inspector);
	free(s->db);
}

/* The table as token sees it. */
static json_t *
table(struct site *s, const char *token)
{
	json_t	*t;
	long	 st = call(s, "GET", ROWS, token, NULL, &t);

	cr_assert_eq(st, 200, "GET rows: %ld %s", st, json_dumps(t, 0));
	return (t);
}

/* A target's value in the batch: its goal, one less on every other row
 * (never more than the goal, so that nothing asks for confirmation). */
static json_int_t
value(const json_t *row, size_t i)
{
	json_int_t	 v = (json_int_t)json_number_value(json_object_get(
	    json_object_get(row, "goal"), "value"));

	return (v > 0 && i % 2 == 1 ? v - 1 : v);
}

/*
 * A batch filling every row of the table: each target about its goal,
 * each milestone 进行中, and
 * the four texts naming the row.
 */
static json_t *
fill(const json_t *t, const char *tag)
{
	json_t		*rows = json_array(), *row, *x;
	size_t		 i;
	char		 buf[128];

	json_array_foreach(json_object_get(t, "rows"), i, row) {
		x = json_pack("{s:s, s:I, s:I}", "kind", S(row, "kind"), "id",
		    (json_int_t)I(row, "id"), "version", (json_int_t)I(row, "version"));
		if (strcmp(S(row, "kind"), "target") == 0)
			json_object_set_new(x, "current", json_integer(value(row, i)));
		else
			json_object_set_new(x, "status", json_string("in_progress"));
		snprintf(buf, sizeof buf, "%s第%zu行完成情况", tag, i + 1);
		json_object_set_new(x, "note", json_string(buf));
		snprintf(buf, sizeof buf, "%s第%zu行取得成效", tag, i + 1);
		json_object_set_new(x, "outcome", json_string(buf));
		snprintf(buf, sizeof buf, "%s第%zu行存在问题", tag, i + 1);
		json_object_set_new(x, "problems", json_string(buf));
		snprintf(buf, sizeof buf, "%s第%zu行下步措施", tag, i + 1);
		json_object_set_new(x, "next_steps", json_string(buf));
		json_array_append_new(rows, x);
	}
	return (json_pack("{s:o}", "rows", rows));
}

static char *
text(json_t *j)
{
	return (json_dumps(j, JSON_COMPACT));
}

/* Every row of the batch is the draft that table t shows for it. */
static void
assert_drafts(const json_t *t, const json_t *batch)
{
	const json_t	*rows = json_object_get(t, "rows");
	json_t		*sent, *row, *want;
	size_t		 i;

	cr_assert_eq(json_array_size(rows), json_array_size(json_object_get(batch, "rows")));
	json_array_foreach(json_object_get(batch, "rows"), i, sent) {
		row = json_array_get(rows, i);
		cr_assert_eq(I(row, "id"), I(sent, "id"));
		want = json_deep_copy(sent);
		json_object_del(want, "kind");
		json_object_del(want, "id");
		json_object_del(want, "version");
		cr_assert(json_equal(json_object_get(row, "draft"), want),
		    "row %zu: draft %s, sent %s", i + 1,
		    json_dumps(json_object_get(row, "draft"), JSON_COMPACT),
		    json_dumps(want, JSON_COMPACT));
		json_decref(want);
	}
}

Test(batch, clerk_saves_whole_table_as_drafts)
{
	struct site	 s;
	json_t		*t, *batch, *ans, *inspected;
	char		*body;
	long		 st, n;

	site_start(&s);
	t = table(&s, s.clerk);
	/* 财务审计处 leads tasks 1 and 6 and is responsible for 2 and 8:
	 * every target and milestone of the four. */
	n = t_query_long(s.c, "SELECT (SELECT count(*) FROM target g WHERE duban_office_may_write("
	    "(SELECT id FROM office WHERE name = '财务审计处'), g.task_id))"
	    " + (SELECT count(*) FROM milestone m WHERE duban_office_may_write("
	    "(SELECT id FROM office WHERE name = '财务审计处'), m.task_id))", 0, NULL);
	cr_assert_eq((long)json_array_size(json_object_get(t, "rows")), n);
	cr_assert_gt(n, 20);
	cr_assert_str_eq(S(json_object_get(t, "office"), "name"), "财务审计处");
	batch = fill(t, "");
	body = text(batch);
	st = call(&s, "PUT", REPORT, s.clerk, body, &ans);
	cr_assert_eq(st, 200, "%s", json_dumps(ans, 0));
	cr_assert_eq(I(ans, "saved"), n);
	assert_drafts(ans, batch);
	cr_assert_eq(t_query_long(s.c, "SELECT count(*) FROM draft", 0, NULL), n);
	cr_assert_eq(t_query_long(s.c, "SELECT count(*) FROM progress WHERE source = 'api'", 0,
	    NULL), 0, "a clerk's batch reports nothing yet");
	json_decref(ans);

	/* Read back: the same drafts; an inspector sees the table without them. */
	json_decref(t);
	t = table(&s, s.clerk);
	assert_drafts(t, batch);
	inspected = table(&s, s.inspector);
	cr_assert(json_is_null(json_object_get(json_array_get(json_object_get(inspected, "rows"),
	    0), "draft")));
	cr_assert(json_is_false(json_object_get(inspected, "may_edit")));
	json_decref(inspected);

	/* The inspector may not write, another office's clerk may neither
	 * read nor write: nothing changes. */
	{
		char	*fp = t_fingerprint(s.c), *fp2;

		cr_assert_eq(call(&s, "PUT", REPORT, s.inspector, body, &ans), 403);
		json_decref(ans);
		cr_assert_eq(call(&s, "PUT", REPORT, s.other, body, &ans), 403);
		cr_assert_str_eq(S(ans, "title"), "无权填报");
		json_decref(ans);
		cr_assert_eq(call(&s, "GET", ROWS, s.other, NULL, &ans), 403);
		json_decref(ans);
		fp2 = t_fingerprint(s.c);
		cr_assert_str_eq(fp, fp2);
		free(fp);
		free(fp2);
	}
	free(body);
	json_decref(batch);
	json_decref(t);
	site_stop(&s);
}

/* One bad row among good ones: nothing saved, the row and field named. */
static void
refused(struct site *s, json_t *batch, size_t bad, const char *field, long want,
    const char *detail)
{
	char	*fp = t_fingerprint(s->c), *fp2, *body = text(batch), where[64];
	json_t	*ans, *err;
	long	 st;

	st = call(s, "PUT", REPORT, s->clerk, body, &ans);
	cr_assert_eq(st, want, "%ld %s", st, json_dumps(ans, 0));
	snprintf(where, sizeof where, "rows[%zu].%s", bad, field);
	cr_assert_str_eq(S(ans, "field"), where);
	cr_assert_eq(json_array_size(json_object_get(ans, "errors")), 1, "%s",
	    json_dumps(ans, 0));
	err = json_array_get(json_object_get(ans, "errors"), 0);
	cr_assert_eq(I(err, "row"), (long)bad);
	cr_assert_str_eq(S(err, "field"), field);
	cr_assert_eq(I(err, "status"), want);
	cr_assert(strstr(S(err, "detail"), detail) != NULL, "%s", S(err, "detail"));
	cr_assert(strstr(S(ans, "detail"), "整张表均未保存") != NULL, "%s", S(ans, "detail"));
	if (want == 409)
		cr_assert_not_null(json_object_get(json_object_get(err, "current"), "version"));
	fp2 = t_fingerprint(s->c);
	cr_assert_str_eq(fp, fp2, "a refused batch changed the database");
	json_decref(ans);
	free(body);
	free(fp);
	free(fp2);
}

/* The index of the first row of kind in the batch (0-based). */
static size_t
first(json_t *batch, const char *kind)
{
	json_t	*row;
	size_t	 i;

	json_array_foreach(json_object_get(batch, "rows"), i, row)
		if (strcmp(S(row, "kind"), kind) == 0)
			return (i);
	cr_assert_fail("no %s row", kind);
	return (0);
}

Test(batch, one_bad_row_saves_nothing)
{
	struct site	 s;
	json_t		*t, *batch, *row, *ans;
	size_t		 k;
	char		*body;

	site_start(&s);
	/* Some drafts already there: a refused batch must leave them be. */
	t = table(&s, s.clerk);
	batch = fill(t, "旧");
	body = text(batch);
	cr_assert_eq(call(&s, "PUT", REPORT, s.clerk, body, &ans), 200);
	json_decref(ans);
	free(body);
	json_decref(batch);

	batch = fill(t, "新");
	k = first(batch, "target") + 2;
	row = json_array_get(json_object_get(batch, "rows"), k);
	json_object_set_new(row, "current", json_string("三百"));
	refused(&s, batch, k + 1, "current", 400, "应为数字");
	json_decref(batch);

	batch = fill(t, "新");
	k = first(batch, "milestone");
	row = json_array_get(json_object_get(batch, "rows"), k);
	json_object_set_new(row, "status", json_string("finished"));
	refused(&s, batch, k + 1, "status", 400, "in_progress");
	json_decref(batch);

	/* Someone else wrote row 3's item since the table was read. */
	t_exec(s.c, "UPDATE target SET version = version + 1 WHERE id = (SELECT min(id) + 2"
	    " FROM target)");
	batch = fill(t, "新");
	k = 0;
	json_array_foreach(json_object_get(batch, "rows"), k, row)
		if (strcmp(S(row, "kind"), "target") == 0 && I(row, "id") ==
		    t_query_long(s.c, "SELECT min(id) + 2 FROM target", 0, NULL))
			break;
	cr_assert_lt(k, json_array_size(json_object_get(batch, "rows")));
	refused(&s, batch, k + 1, "version", 409, "当前版本是 2");
	json_decref(batch);
	json_decref(t);
	site_stop(&s);
}

Test(batch, head_submits_into_the_history)
{
	struct site	 s;
	json_t		*t, *batch, *ans, *sent;
	char		*body, *v, id[24];
	size_t		 i;

	site_start(&s);
	t = table(&s, s.head);
	batch = fill(t, "");
	json_object_set_new(batch, "submit", json_true());
	body = text(batch);
	cr_assert_eq(call(&s, "PUT", REPORT, s.head, body, &ans), 200, "%s", json_dumps(ans, 0));
	cr_assert_str_eq(S(json_object_get(ans, "report"), "state"), "reported");
	cr_assert_eq(t_query_long(s.c, "SELECT count(*) FROM draft", 0, NULL), 0);
	json_array_foreach(json_object_get(batch, "rows"), i, sent) {
		const char	*p[1] = { id };

		snprintf(id, sizeof id, "%lld", (long long)I(sent, "id"));
		if (strcmp(S(sent, "kind"), "target") == 0) {
			v = t_query(s.c, "SELECT new_value || '|' || note FROM progress"
			    " WHERE target_id = $1 AND field = 'current' AND report_id IS NOT NULL",
			    1, p);
			cr_assert_not_null(v, "target %s not in the history", id);
			cr_assert_eq(atoll(v), I(sent, "current"), "%s", v);
		} else {
			v = t_query(s.c, "SELECT new_value || '|' || note FROM progress"
			    " WHERE milestone_id = $1 AND field = 'status' AND report_id IS NOT NULL",
			    1, p);
			cr_assert_not_null(v, "milestone %s not in the history", id);
			cr_assert(strncmp(v, "in_progress|", 12) == 0, "%s", v);
		}
		cr_assert_str_eq(strchr(v, '|') + 1, S(sent, "note"));
		free(v);
	}
	/* The table now shows the reported values and no drafts. */
	json_decref(t);
	t = table(&s, s.head);
	json_array_foreach(json_object_get(t, "rows"), i, sent) {
		cr_assert(json_is_null(json_object_get(sent, "draft")));
		cr_assert_str_eq(S(sent, "note"), S(json_array_get(json_object_get(batch, "rows"), i),
		    "note"));
	}
	json_decref(ans);
	free(body);
	json_decref(batch);
	json_decref(t);
	site_stop(&s);
}
