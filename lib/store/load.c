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

/*
 * Runs sql ($1 the plans, $2 the actor, $3 now) and parses its one value.
 * Consumes plans: they are freed while the database works on them (a big
 * plan's tree took a tenth of a second to free: bench/import.sh).
 */
static json_t *
load_call(PGconn *conn, const char *sql, json_t *plans, const char *actor,
    char **cause)
{
	const char	*params[3];
	char		*doc, now[CLOCK_ISO_LEN];
	PGresult	*res, *more;
	ExecStatusType	 st;
	json_t		*answer;
	json_error_t	 jerr;
	int		 sent;

	doc = load_dump(plans);
	params[0] = doc;
	params[1] = actor;
	clock_now_iso(now);
	params[2] = now;
	/* libpq has the message in its buffer once this returns. */
	sent = PQsendQueryParams(conn, sql, 3, NULL, params, NULL, NULL, 0);
	free(doc);
	json_decref(plans);
	if (!sent) {
		*cause = db_error(conn, NULL);
		return (NULL);
	}
	res = PQgetResult(conn);
	while ((more = PQgetResult(conn)) != NULL)
		PQclear(more);
	st = PQresultStatus(res);
	if (st != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		*cause = db_error(conn, res);
		PQclear(res);
		return (NULL);
	}
	answer = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	PQclear(res);
	if (answer == NULL)
		xasprintf(cause, "无法解析数据库的答复：%s", jerr.text);
	return (answer);
}

json_t *
load_plans(PGconn *conn, json_t *plans, const char *actor, char **cause)
{
	return (load_call(conn, LOAD_SQL, plans, actor, cause));
}

json_t *
load_directory(PGconn *conn, json_t *plans, const char *actor, char **cause)
{
	return (load_call(conn, DIR_LOAD_SQL, plans, actor, cause));
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
	return (load_call(conn, PREVIEW_SQL, plans, actor, cause));
}
