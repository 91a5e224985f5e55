#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "load.h"
#include "plan.h"
#include "sheetplan.h"
#include "xmalloc.h"

const char LOAD_SQL[] = "SELECT duban_load_files($1::jsonb, $2, $3::timestamptz)::text";
const char DIR_LOAD_SQL[] =
    "SELECT duban_load_directory($1::jsonb, $2, $3::timestamptz)::text";
const char PREVIEW_SQL[] =
    "SELECT duban_plan_preview($1::jsonb, $2, $3::timestamptz)::text";

json_t *
load_read_files(char *const *paths, int npaths, struct diags *d)
{
	json_t		*plans = json_array(), *p, *keys = json_object();
	size_t		 before = diags_errors(d);
	const char	*key;
	int		 i;

	for (i = 0; i < npaths; i++) {
		if ((p = plan_read_file(paths[i], d)) == NULL)
			continue;
		key = json_string_value(json_object_get(p, "key"));
		if (json_object_get(keys, key) != NULL) {
			diags_add(d, paths[i], 1, 1, "计划键“%s”与 %s 重复：每个计划须有唯一的 key",
			    key, json_string_value(json_object_get(keys, key)));
			json_decref(p);
			continue;
		}
		json_object_set_new(keys, key, json_string(paths[i]));
		json_array_append_new(plans, p);
	}
	json_decref(keys);
	if (diags_errors(d) != before) {
		json_decref(plans);
		return (NULL);
	}
	return (plans);
}

/* Drops the null members of every object in v, at any depth. */
static void
drop_nulls(json_t *v)
{
	const char	*k;
	json_t		*m;
	void		*tmp;
	size_t		 i;

	if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, k, m) {
			if (json_is_null(m))
				json_object_del(v, k);
			else
				drop_nulls(m);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, m)
			drop_nulls(m);
	}
}

/*
 * Only the tasks': they are read by jsonb_to_recordset, where a missing
 * key is NULL.  The plan's own members are left as they are (its lights
 * are kept as the file gave them, nulls included).
 */
char *
load_dump(json_t *plans)
{
	json_t	*p;
	size_t	 i;

	json_array_foreach(plans, i, p)
		drop_nulls(json_object_get(p, "tasks"));
	return (json_dumps(plans, JSON_COMPACT));
}

/* Rows of a COPY FROM STDIN, sent a piece at a time. */
struct copybuf {
	PGconn	*conn;
	char	*data;
	size_t	 len, cap;
};

#define COPYBUF_PIECE	(256 * 1024)

static void
copybuf_init(struct copybuf *b, PGconn *conn)
{
	b->conn = conn;
	b->cap = COPYBUF_PIECE + 4096;
	b->data = xmalloc(b->cap);
	b->len = 0;
}

static void
copybuf_add(struct copybuf *b, const char *p, size_t n)
{
	if (b->len + n > b->cap) {
		while (b->len + n > b->cap)
			b->cap *= 2;
		b->data = xreallocarray(b->data, b->cap, 1);
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

/* Sends what is buffered once it is a piece (or all of it, if all). */
static int
copybuf_flush(struct copybuf *b, int all)
{
	if (b->len == 0 || (!all && b->len < COPYBUF_PIECE))
		return (0);
	if (PQputCopyData(b->conn, b->data, (int)b->len) != 1)
		return (-1);
	b->len = 0;
	return (0);
}

static void
copybuf_free(struct copybuf *b)
{
	free(b->data);
}

/* Runs one statement of the staging with no result rows. */
static int
exec_ok(PGconn *conn, const char *sql, ExecStatusType want, char **cause)
{
	PGresult	*res = PQexec(conn, sql);
	int		 ok = PQresultStatus(res) == want;

	if (!ok)
		*cause = db_error(conn, res);
	PQclear(res);
	return (ok ? 0 : -1);
}

/* Appends s to b as a field of COPY's text format. */
static void
copy_field(struct copybuf *b, const char *s)
{
	const char	*p;
	char		 c;

	for (p = s; (c = *p) != '\0'; p++) {
		switch (c) {
		case '\\': copybuf_add(b, "\\\\", 2); break;
		case '\n': copybuf_add(b, "\\n", 2); break;
		case '\r': copybuf_add(b, "\\r", 2); break;
		case '\t': copybuf_add(b, "\\t", 2); break;
		default: copybuf_add(b, p, 1); break;
		}
	}
}

/* A JSON string's text, escaped for JSON and then for COPY. */
static void
copy_json_string(struct copybuf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t		 i, run = 0;
	unsigned char	 c;
	char		 u[8];

	copybuf_add(b, "\"", 1);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		copybuf_add(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"': copybuf_add(b, "\\\\\"", 3); break;
		case '\\': copybuf_add(b, "\\\\\\\\", 4); break;
		case '\n': copybuf_add(b, "\\\\n", 3); break;
		case '\r': copybuf_add(b, "\\\\r", 3); break;
		case '\t': copybuf_add(b, "\\\\t", 3); break;
		default:
			memcpy(u, "\\\\u00", 5);
			u[5] = hex[c >> 4];
			u[6] = hex[c & 15];
			copybuf_add(b, u, 7);
			break;
		}
	}
	copybuf_add(b, s + run, len - run);
	copybuf_add(b, "\"", 1);
}

/*
 * v as JSON in COPY's text format, in one pass (json_dumps and then an
 * escape of its text took twice as long).  Objects' null members are
 * left out: jsonb_to_record reads a missing key as NULL.
 */
static void
copy_json(struct copybuf *b, const json_t *v)
{
	const char	*k;
	json_t		*m;
	size_t		 i;
	char		 num[32];
	int		 first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		copybuf_add(b, "{", 1);
		json_object_foreach((json_t *)v, k, m) {
			if (json_is_null(m))
				continue;
			if (!first)
				copybuf_add(b, ",", 1);
			first = 0;
			copy_json_string(b, k, strlen(k));
			copybuf_add(b, ":", 1);
			copy_json(b, m);
		}
		copybuf_add(b, "}", 1);
		break;
	case JSON_ARRAY:
		copybuf_add(b, "[", 1);
		json_array_foreach(v, i, m) {
			if (i > 0)
				copybuf_add(b, ",", 1);
			copy_json(b, m);
		}
		copybuf_add(b, "]", 1);
		break;
	case JSON_STRING:
		copy_json_string(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		copybuf_add(b, num, (size_t)snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v)));
		break;
	case JSON_REAL:
		copybuf_add(b, num, (size_t)snprintf(num, sizeof num, "%.17g", json_real_value(v)));
		break;
	case JSON_TRUE:
		copybuf_add(b, "true", 4);
		break;
	case JSON_FALSE:
		copybuf_add(b, "false", 5);
		break;
	case JSON_NULL:
		copybuf_add(b, "null", 4);
		break;
	}
}

/*
 * The plans' tasks go to the database ahead of the call, a row each
 * (COPY into duban_stage_task, read by duban_load_plan): the database
 * reads each task while the next is written, where one parameter of
 * the whole plans had it wait for all of them first (bench/import.sh:
 * a 7 MB document, 0.1 s to write and 0.1 s more to read).  The tasks
 * leave the plans, which say "tasks_staged"; held keeps them, to be
 * freed once the call is sent.  In the transaction the caller began.
 */
static int
stage_tasks(PGconn *conn, json_t *plans, json_t *held, char **cause)
{
	struct copybuf	 b;
	json_t		*p, *tasks, *t;
	size_t		 i, j;
	char		 n[24];
	int		 rc = 0;

	if (exec_ok(conn, "CREATE TEMP TABLE duban_stage_task (plan text, n int, task jsonb)"
	    " ON COMMIT DROP", PGRES_COMMAND_OK, cause) != 0 ||
	    exec_ok(conn, "COPY duban_stage_task FROM STDIN", PGRES_COPY_IN, cause) != 0)
		return (-1);
	copybuf_init(&b, conn);
	json_array_foreach(plans, i, p) {
		if ((tasks = json_object_get(p, "tasks")) == NULL)
			tasks = json_array();	/* a plan of no tasks */
		else
			json_incref(tasks);
		json_array_foreach(tasks, j, t) {
			copy_field(&b, json_string_value(json_object_get(p, "key")));
			snprintf(n, sizeof n, "\t%zu\t", j + 1);
			copybuf_add(&b, n, strlen(n));
			copy_json(&b, t);
			copybuf_add(&b, "\n", 1);
			if (copybuf_flush(&b, 0) != 0) {
				rc = -1;
				break;
			}
		}
		json_array_append_new(held, tasks);
		if (rc != 0)
			break;
		json_object_del(p, "tasks");
		json_object_set_new(p, "tasks_staged", json_true());
	}
	if (rc == 0)
		rc = copybuf_flush(&b, 1);
	if (PQputCopyEnd(conn, rc == 0 ? NULL : "staging failed") != 1)
		rc = -1;
	copybuf_free(&b);
	if (rc == 0) {
		PGresult *res = PQgetResult(conn), *more;

		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			*cause = db_error(conn, res);
			rc = -1;
		}
		PQclear(res);
		while ((more = PQgetResult(conn)) != NULL)
			PQclear(more);
	}
	if (rc != 0 && *cause == NULL)
		*cause = db_error(conn, NULL);
	return (rc);
}

/*
 * Runs sql ($1 the plans, $2 the actor, $3 now) and parses its one value,
 * in one transaction with the staging of the tasks; a preview (dry) is
 * rolled back whatever it did.  Consumes plans: they are freed while the
 * database works on them (a big plan's tree took a tenth of a second to
 * free: bench/import.sh).
 */
static json_t *
load_call(PGconn *conn, const char *sql, json_t *plans, const char *actor,
    int dry, char **cause)
{
	const char	*params[3];
	char		*doc, now[CLOCK_ISO_LEN];
	PGresult	*res = NULL, *more;
	json_t		*answer = NULL, *held = json_array();
	json_error_t	 jerr;
	int		 sent;

	*cause = NULL;
	if (exec_ok(conn, "BEGIN", PGRES_COMMAND_OK, cause) != 0)
		goto fail;
	if (stage_tasks(conn, plans, held, cause) != 0)
		goto fail;
	doc = json_dumps(plans, JSON_COMPACT);
	params[0] = doc;
	params[1] = actor;
	clock_now_iso(now);
	params[2] = now;
	/* libpq has the message in its buffer once this returns. */
	sent = PQsendQueryParams(conn, sql, 3, NULL, params, NULL, NULL, 0);
	free(doc);
	json_decref(plans);
	plans = NULL;
	json_decref(held);
	held = NULL;
	if (!sent) {
		*cause = db_error(conn, NULL);
		goto fail;
	}
	res = PQgetResult(conn);
	while ((more = PQgetResult(conn)) != NULL)
		PQclear(more);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		*cause = db_error(conn, res);
		goto fail;
	}
	if ((answer = json_loads(PQgetvalue(res, 0, 0), 0, &jerr)) == NULL) {
		xasprintf(cause, "无法解析数据库的答复：%s", jerr.text);
		goto fail;
	}
	PQclear(res);
	if (exec_ok(conn, dry ? "ROLLBACK" : "COMMIT", PGRES_COMMAND_OK, cause) != 0) {
		json_decref(answer);
		return (NULL);
	}
	return (answer);

fail:
	PQclear(res);
	json_decref(plans);
	json_decref(held);
	PQclear(PQexec(conn, "ROLLBACK"));
	return (NULL);
}

json_t *
load_plans(PGconn *conn, json_t *plans, const char *actor, char **cause)
{
	return (load_call(conn, LOAD_SQL, plans, actor, 0, cause));
}

json_t *
load_directory(PGconn *conn, json_t *plans, const char *actor, char **cause)
{
	return (load_call(conn, DIR_LOAD_SQL, plans, actor, 0, cause));
}

void
load_print_report(json_t *report, FILE *f)
{
	size_t	 i;
	json_t	*r;

	json_array_foreach(report, i, r) {
		const char	*key = json_string_value(json_object_get(r, "plan"));
		json_int_t	 changes = json_integer_value(json_object_get(r, "changes"));
		json_int_t	 withdrawn = json_integer_value(json_object_get(r, "withdrawn"));

		if (json_is_true(json_object_get(r, "skipped"))) {
			fprintf(f, "%s：未重新导入：局办公室（%s）已于 %.16s 在页面导入了新的版本；"
			    "要以目录中的文件为准，请用 duban plan load 导入该文件\n", key,
			    json_string_value(json_object_get(r, "uploaded_by")),
			    json_string_value(json_object_get(r, "uploaded_at")));
			continue;
		}
		if (json_is_true(json_object_get(r, "created")))
			fprintf(f, "%s：已导入（新计划）", key);
		else if (changes == 0)
			fprintf(f, "%s：无变化", key);
		else if (withdrawn == 0)
			fprintf(f, "%s：已更新（%lld 处变更）", key,
			    (long long)changes);
		else
			fprintf(f, "%s：已更新（%lld 处变更，其中 %lld 项撤销）", key,
			    (long long)changes, (long long)withdrawn);
		fprintf(f, "，任务 %lld 项，指标 %lld 个，节点 %lld 个\n",
		    (long long)json_integer_value(json_object_get(r, "tasks")),
		    (long long)json_integer_value(json_object_get(r, "targets")),
		    (long long)json_integer_value(json_object_get(r, "milestones")));
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

int
load_list_dir(const char *dir, char ***paths, int *npaths, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 n = 0, cap = 0, len;

	if ((d = opendir(dir)) == NULL) {
		xasprintf(cause, "无法打开计划目录 %s：%s", dir, strerror(errno));
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		/* Plan files: YAML, or a 任务分解表 workbook (sheetplan.h). */
		len = strlen(de->d_name);
		if (len < 6 || de->d_name[0] == '.' ||
		    (strcmp(de->d_name + len - 5, ".yaml") != 0 &&
		    !sheetplan_is_xlsx(de->d_name)))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n++] = xprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_str);
	*paths = v;
	*npaths = (int)n;
	return (0);
}

void
load_free_list(char **paths, int npaths)
{
	int	 i;

	for (i = 0; i < npaths; i++)
		free(paths[i]);
	free(paths);
}

json_t *
load_preview(PGconn *conn, json_t *plans, const char *actor, char **cause)
{
	return (load_call(conn, PREVIEW_SQL, plans, actor, 1, cause));
}
