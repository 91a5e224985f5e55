#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "hash.h"
#include "migrate.h"
#include "xmalloc.h"

/* pg_advisory_lock key: "duban" migrations, an arbitrary constant. */
#define MIGRATE_LOCK	"4469625061"

int
migrate_latest(const struct migration *list)
{
	int	 v = 0;

	for (; list->sql != NULL; list++)
		if (!list->code && list->version > v)
			v = list->version;
	return (v);
}

static const struct migration *
find(const struct migration *list, int version)
{
	for (; list->sql != NULL; list++)
		if (!list->code && list->version == version)
			return (list);
	return (NULL);
}

static int
table_exists(PGconn *conn, const char *name, int *exists, char **cause)
{
	const char *const	 params[1] = { name };
	PGresult		*res;

	if ((res = db_exec(conn, "SELECT to_regclass($1) IS NOT NULL", 1, params,
	    cause)) == NULL)
		return (-1);
	*exists = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	return (0);
}

/*
 * Compares what the database recorded with the list.  Fills done[i] for
 * each numbered entry already applied and each repeatable file whose
 * text the database has.
 */
static enum migrate_result
verify(PGconn *conn, const struct migration *list, int *done, int *current,
    struct migrate_done *pending, char **cause)
{
	const struct migration	*m;
	PGresult		*res;
	char			 sum[SHA256_HEX_LEN + 1];
	int			 i, n, v, latest = migrate_latest(list);

	*current = 0;
	pending->versions = pending->code = 0;
	if (table_exists(conn, "schema_migration", &n, cause) != 0)
		return (MIGRATE_ERROR);
	if (n) {
		if ((res = db_exec(conn, "SELECT version, name, checksum FROM "
		    "schema_migration ORDER BY version", 0, NULL, cause)) == NULL)
			return (MIGRATE_ERROR);
		for (i = 0; i < PQntuples(res); i++) {
			v = atoi(PQgetvalue(res, i, 0));
			if (v > *current)
				*current = v;
			if ((m = find(list, v)) == NULL) {
				if (v > latest)
					xasprintf(cause, "数据库结构版本（%d，迁移 %s）比本程序支持的版本（%d）新："
					    "请升级 duban 后再使用这个数据库", v,
					    PQgetvalue(res, i, 1), latest);
				else
					xasprintf(cause, "数据库中已应用的迁移 %s 在本程序中不存在",
					    PQgetvalue(res, i, 1));
				PQclear(res);
				return (v > latest ? MIGRATE_NEWER : MIGRATE_EDITED);
			}
			sha256_hex(m->sql, strlen(m->sql), sum);
			if (strcmp(sum, PQgetvalue(res, i, 2)) != 0) {
				xasprintf(cause, "迁移 %s 在应用后被修改过（校验和 %.12s… 与数据库记录的 "
				    "%.12s… 不符）：已应用的迁移不能修改，请撤回修改，把变更写成一个新的迁移"
				    "（函数和视图的修改写在 migrations/functions/ 中）",
				    m->name, sum, PQgetvalue(res, i, 2));
				PQclear(res);
				return (MIGRATE_EDITED);
			}
			done[m - list] = 1;
		}
		PQclear(res);
	}
	if (table_exists(conn, "schema_code", &n, cause) != 0)
		return (MIGRATE_ERROR);
	if (n) {
		if ((res = db_exec(conn, "SELECT name, checksum FROM schema_code",
		    0, NULL, cause)) == NULL)
			return (MIGRATE_ERROR);
		for (m = list; m->sql != NULL; m++) {
			if (!m->code)
				continue;
			sha256_hex(m->sql, strlen(m->sql), sum);
			for (i = 0; i < PQntuples(res); i++)
				if (strcmp(PQgetvalue(res, i, 0), m->name) == 0 &&
				    strcmp(PQgetvalue(res, i, 1), sum) == 0)
					done[m - list] = 1;
		}
		PQclear(res);
	}
	for (m = list; m->sql != NULL; m++)
		if (!done[m - list]) {
			if (m->code)
				pending->code++;
			else
				pending->versions++;
		}
	return (MIGRATE_OK);
}

static size_t
count(const struct migration *list)
{
	size_t	 n = 0;

	while (list[n].sql != NULL)
		n++;
	return (n);
}

enum migrate_result
migrate_check(PGconn *conn, const struct migration *list, int *current,
    struct migrate_done *pending, char **cause)
{
	int			*done = xcalloc(count(list) + 1, sizeof *done);
	enum migrate_result	 r;

	r = verify(conn, list, done, current, pending, cause);
	free(done);
	return (r);
}

/*
 * Runs a file's text (several statements, no parameters) inside the
 * caller's transaction.  On error, says which file and line.
 */
static int
run_file(PGconn *conn, const struct migration *m, char **cause)
{
	PGresult	*res;
	const char	*pos, *p, *what = m->code ? "函数文件" : "迁移";
	char		*err;
	int		 line = 1, k;

	res = PQexec(conn, m->sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK ||
	    PQresultStatus(res) == PGRES_TUPLES_OK) {
		PQclear(res);
		return (0);
	}
	err = db_error(conn, res);
	pos = PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION);
	if (pos != NULL) {
		/* The position counts characters; lines are what people read. */
		for (k = atoi(pos), p = m->sql; *p != '\0' && k > 1; p++) {
			if ((*p & 0xc0) != 0x80)
				k--;
			if (*p == '\n')
				line++;
		}
		xasprintf(cause, "%s %s 第 %d 行失败：%s", what, m->name, line, err);
	} else
		xasprintf(cause, "%s %s 失败：%s", what, m->name, err);
	free(err);
	PQclear(res);
	return (-1);
}

static int
apply_one(PGconn *conn, const struct migration *m, char **cause)
{
	const char	*params[3];
	char		 sum[SHA256_HEX_LEN + 1], ver[16];
	PGresult	*res;

	if (db_command(conn, "BEGIN", cause) != 0)
		return (-1);
	if (run_file(conn, m, cause) != 0) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return (-1);
	}
	sha256_hex(m->sql, strlen(m->sql), sum);
	snprintf(ver, sizeof ver, "%d", m->version);
	params[0] = ver;
	params[1] = m->name;
	params[2] = sum;
	if ((res = db_exec(conn, "INSERT INTO schema_migration (version, name, "
	    "checksum) VALUES ($1, $2, $3)", 3, params, cause)) == NULL) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return (-1);
	}
	PQclear(res);
	return (db_command(conn, "COMMIT", cause));
}

/*
 * Every repeatable file, in order, in one transaction; schema_code then
 * holds exactly their names and checksums.  Returns how many, or -1.
 */
static int
apply_code(PGconn *conn, const struct migration *list, char **cause)
{
	const struct migration	*m;
	const char		*params[2];
	char			 sum[SHA256_HEX_LEN + 1];
	PGresult		*res;
	int			 n = 0;

	if (db_command(conn, "BEGIN", cause) != 0)
		return (-1);
	if (db_command(conn, "DELETE FROM schema_code", cause) != 0)
		goto fail;
	for (m = list; m->sql != NULL; m++) {
		if (!m->code)
			continue;
		if (run_file(conn, m, cause) != 0)
			goto fail;
		sha256_hex(m->sql, strlen(m->sql), sum);
		params[0] = m->name;
		params[1] = sum;
		if ((res = db_exec(conn, "INSERT INTO schema_code (name, checksum) "
		    "VALUES ($1, $2)", 2, params, cause)) == NULL)
			goto fail;
		PQclear(res);
		n++;
	}
	if (db_command(conn, "COMMIT", cause) != 0)
		return (-1);
	return (n);
fail:
	PQclear(PQexec(conn, "ROLLBACK"));
	return (-1);
}

enum migrate_result
migrate_apply(PGconn *conn, const struct migration *list,
    struct migrate_done *applied, char **cause)
{
	const char *const	 lock[] = { MIGRATE_LOCK };
	const struct migration	*m;
	struct migrate_done	 pending;
	enum migrate_result	 r = MIGRATE_OK;
	PGresult		*res;
	int			*done, current, n;
	char			*ignore;

	applied->versions = applied->code = 0;
	if ((res = db_exec(conn, "SELECT pg_advisory_lock($1::bigint)", 1, lock,
	    cause)) == NULL)
		return (MIGRATE_ERROR);
	PQclear(res);
	done = xcalloc(count(list) + 1, sizeof *done);
	if (db_command(conn, "CREATE TABLE IF NOT EXISTS schema_migration ("
	    "version int PRIMARY KEY, name text NOT NULL, "
	    "checksum text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())", cause) != 0 ||
	    db_command(conn, "CREATE TABLE IF NOT EXISTS schema_code ("
	    "name text PRIMARY KEY, checksum text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())", cause) != 0) {
		r = MIGRATE_ERROR;
		goto out;
	}
	if ((r = verify(conn, list, done, &current, &pending, cause)) != MIGRATE_OK)
		goto out;
	for (m = list; m->sql != NULL; m++) {
		if (m->code || done[m - list])
			continue;
		if (m->version < current) {
			xasprintf(cause, "迁移 %s 早于数据库已应用的版本 %d，却没有被应用过："
			    "迁移只能按编号递增追加", m->name, current);
			r = MIGRATE_EDITED;
			goto out;
		}
		if (apply_one(conn, m, cause) != 0) {
			r = MIGRATE_ERROR;
			goto out;
		}
		applied->versions++;
	}
	/*
	 * A numbered migration may have dropped or changed what a function
	 * or view relies on: then they are all applied again, changed or not.
	 */
	if (pending.code > 0 || applied->versions > 0) {
		if ((n = apply_code(conn, list, cause)) < 0) {
			r = MIGRATE_ERROR;
			goto out;
		}
		applied->code = n;
	}
out:
	free(done);
	if ((res = db_exec(conn, "SELECT pg_advisory_unlock($1::bigint)", 1, lock,
	    &ignore)) != NULL)
		PQclear(res);
	else
		free(ignore);
	return (r);
}
