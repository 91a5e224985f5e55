/*
 * The schema: two kinds of SQL file, compiled into the binaries (see
 * docs/schema.md).
 *
 *  - Numbered migrations (migrations/NNNN-what.sql) change tables and
 *    data.  Each is applied once, in order, in its own transaction, and
 *    recorded in schema_migration with the SHA-256 of its text.  One that
 *    was edited after it was applied is refused, and so is a database
 *    whose schema is newer than the binary.
 *  - Repeatable files (migrations/functions/NN-what.sql) hold functions
 *    and views, written with CREATE OR REPLACE.  After the numbered
 *    migrations, all of them are applied again, in name order and in one
 *    transaction, whenever one of them differs from what schema_code
 *    recorded or a numbered migration was just applied.
 */
#ifndef DUBAN_MIGRATE_H
#define DUBAN_MIGRATE_H

#include <libpq-fe.h>

struct migration {
	int		 version;	/* numbered: its number; code: position */
	const char	*name;		/* "0003-reminders", "functions/20-status" */
	const char	*sql;
	int		 code;		/* a repeatable file of functions and views */
};

/*
 * Generated from migrations/ at build time: the numbered migrations in
 * order, then the repeatable files in order; ends with a zero entry.
 */
extern const struct migration migrations_builtin[];

enum migrate_result {
	MIGRATE_OK = 0,
	MIGRATE_ERROR = -1,	/* database error: *cause says which */
	MIGRATE_EDITED = -2,	/* an applied migration's text changed */
	MIGRATE_NEWER = -3	/* the database has migrations we lack */
};

/* What a migration run did (or, from migrate_check, would do). */
struct migrate_done {
	int	versions;	/* numbered migrations applied (pending) */
	int	code;		/* repeatable files applied (out of date) */
};

/* The highest number among the numbered migrations of a list. */
int	migrate_latest(const struct migration *);

/*
 * Checks the database against the list without changing anything:
 * *current receives the highest applied version (0 for none), *pending
 * how many numbered migrations are not yet applied and how many
 * repeatable files differ from what the database has.
 */
enum migrate_result migrate_check(PGconn *, const struct migration *,
	    int *current, struct migrate_done *pending, char **cause);

/*
 * Applies what is pending, holding an advisory lock so that two
 * migrators do not race: each numbered migration in its own
 * transaction, then the repeatable files together in one.  *done says
 * what was applied.  On error, numbered migrations applied before it stay
 * and the repeatable files are as they were.
 */
enum migrate_result migrate_apply(PGconn *, const struct migration *,
	    struct migrate_done *done, char **cause);

#endif
