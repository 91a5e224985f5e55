/*
 * Schema migrations: numbered SQL files (migrations/NNNN-what.sql),
 * compiled into the binaries.  Each is applied once, in its own
 * transaction, and recorded in schema_migration with the SHA-256 of its
 * text.  A migration that was edited after it was applied is refused, and
 * so is a database whose schema is newer than the binary.
 */
#ifndef DUBAN_MIGRATE_H
#define DUBAN_MIGRATE_H

#include <libpq-fe.h>

struct migration {
	int		 version;
	const char	*name;
	const char	*sql;
};

/* Generated from migrations/ at build time; ends with a zero entry. */
extern const struct migration migrations_builtin[];

enum migrate_result {
	MIGRATE_OK = 0,
	MIGRATE_ERROR = -1,	/* database error: *cause says which */
	MIGRATE_EDITED = -2,	/* an applied migration's text changed */
	MIGRATE_NEWER = -3	/* the database has migrations we lack */
};

/* The highest version in a migration list. */
int	migrate_latest(const struct migration *);

/*
 * Checks the database against the list without changing anything:
 * *current receives the highest applied version (0 for none) and
 * *pending how many are not yet applied.
 */
enum migrate_result migrate_check(PGconn *, const struct migration *,
	    int *current, int *pending, char **cause);

/*
 * Applies what is pending, each in its own transaction, holding an
 * advisory lock so that two migrators do not race.  *applied receives how
 * many were applied.  On error, migrations applied before it stay.
 */
enum migrate_result migrate_apply(PGconn *, const struct migration *,
	    int *applied, char **cause);

#endif
