#include <stdlib.h>
#include <string.h>

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
