/*
 * Blocking database access for the command-line tool and for the
 * daemon's start-up (before its loop runs).  Every statement takes its
 * data as parameters; nothing here formats values into SQL.
 */
#ifndef DUBAN_DB_H
#define DUBAN_DB_H

#include <libpq-fe.h>

/*
 * The connection string: the argument if not NULL, else $DUBAN_DB.
 * Returns NULL if neither is set.
 */
const char	*db_conninfo(const char *arg);

/*
 * Connects with client_encoding UTF8 and TimeZone Asia/Shanghai.
 * Returns NULL and sets *cause on failure.
 */
PGconn		*db_connect(const char *conninfo, const char *appname,
		    char **cause);

/*
 * Runs one statement with text parameters.  Returns the result if it
 * succeeded (the caller PQclear()s it), or NULL and sets *cause.
 */
PGresult	*db_exec(PGconn *, const char *sql, int nparams,
		    const char *const *params, char **cause);

/* Runs a statement without parameters or result.  0 or -1 and *cause. */
int		 db_command(PGconn *, const char *sql, char **cause);

/*
 * Under DUBAN_NOW, runs the clock from the real time its value was first
 * used with this database (migrations/0022-clock-anchor.sql), so that
 * duband and every CLI run read the same time.  Nothing without it.
 */
void		 db_clock_share(PGconn *);

/* Formats a failed result's message, with its detail and hint. */
char		*db_error(PGconn *, const PGresult *);

#endif
