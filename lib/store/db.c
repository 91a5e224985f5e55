#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "db.h"
#include "xmalloc.h"

const char *
db_conninfo(const char *arg)
{
	const char	*env;

	if (arg != NULL && *arg != '\0')
		return (arg);
	if ((env = getenv("DUBAN_DB")) != NULL && *env != '\0')
		return (env);
	return (NULL);
}

PGconn *
db_connect(const char *conninfo, const char *appname, char **cause)
{
	const char *const keys[] = { "dbname", "application_name",
	    "client_encoding", "options", "connect_timeout", NULL };
	const char *const vals[] = { conninfo, appname, "UTF8",
	    "-c TimeZone=Asia/Shanghai -c DateStyle=ISO -c client_min_messages=warning", "10", NULL };
	PGconn		*conn;
	char		*msg, *nl;

	conn = PQconnectdbParams(keys, vals, 1);
	if (conn == NULL) {
		*cause = xstrdup("无法连接数据库：内存不足");
		return (NULL);
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		msg = xstrdup(PQerrorMessage(conn));
		while ((nl = strrchr(msg, '\n')) != NULL && nl[1] == '\0')
			*nl = '\0';
		for (nl = msg; *nl != '\0'; nl++)
			if (*nl == '\n')
				*nl = ' ';
		xasprintf(cause, "无法连接数据库：%s", msg);
		free(msg);
		PQfinish(conn);
		return (NULL);
	}
	return (conn);
}

char *
db_error(PGconn *conn, const PGresult *res)
{
	const char	*primary, *detail, *hint;
	char		*s;

	primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary == NULL) {
		s = xstrdup(PQerrorMessage(conn));
		s[strcspn(s, "\n")] = '\0';
		return (s);
	}
	detail = PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	hint = PQresultErrorField(res, PG_DIAG_MESSAGE_HINT);
	xasprintf(&s, "%s%s%s%s%s", primary, detail ? "（" : "",
	    detail ? detail : "", detail ? "）" : "", hint ? hint : "");
	return (s);
}

PGresult *
db_exec(PGconn *conn, const char *sql, int nparams, const char *const *params,
    char **cause)
{
	PGresult	*res;
	ExecStatusType	 st;

	res = PQexecParams(conn, sql, nparams, NULL, params, NULL, NULL, 0);
	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return (res);
	*cause = db_error(conn, res);
	PQclear(res);
	return (NULL);
}

int
db_command(PGconn *conn, const char *sql, char **cause)
{
	PGresult	*res;

	if ((res = db_exec(conn, sql, 0, NULL, cause)) == NULL)
		return (-1);
	PQclear(res);
	return (0);
}

void
db_clock_share(PGconn *conn)
{
	const char	*params[1];
	char		 at[26];
	time_t		 t;
	PGresult	*res;
	char		*cause = NULL;

	if (!clock_fixed(&t))
		return;
	/* A database not yet migrated (duban db migrate itself) has no
	 * anchors: the clock runs from when this process read it. */
	res = PQexec(conn, "SELECT to_regclass('clock_anchor') IS NOT NULL AND "
	    "to_regprocedure('duban_clock_anchor(timestamptz)') IS NOT NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1 ||
	    strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
		PQclear(res);
		return;
	}
	PQclear(res);
	clock_format(t, at);
	params[0] = at;
	if ((res = db_exec(conn, "SELECT secs, usecs FROM duban_clock_anchor($1::timestamptz)",
	    1, params, &cause)) == NULL) {
		free(cause);	/* a read-only standby: this process's clock */
		return;
	}
	clock_anchor((time_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10),
	    strtol(PQgetvalue(res, 0, 1), NULL, 10));
	PQclear(res);
}
