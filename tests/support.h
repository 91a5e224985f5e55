/*
 * Test support: a fresh database per test copied from duban_template in
 * the suite's own PostgreSQL cluster, and running the real duban CLI.
 */
#ifndef DUBAN_TEST_SUPPORT_H
#define DUBAN_TEST_SUPPORT_H

#include <stdlib.h>

#include <criterion/criterion.h>
#include <libpq-fe.h>

/* Expects an allocated string (freed here) to equal want. */
#define EXPECT_STR(got, want, ...) do {					\
	char *g_ = (got);						\
	cr_expect(g_ != NULL && strcmp(g_, (want)) == 0,		\
	    "%s: got 「%s」, want 「%s」", #got, g_ ? g_ : "(null)", (want));	\
	free(g_);							\
} while (0)

/* Fails the current test with a message; never returns. */
#define t_fatal(...) do { cr_assert_fail(__VA_ARGS__); abort(); } while (0)

/* The cluster's conninfo, without a database name. */
const char	*t_server(void);

/*
 * Creates a fresh, migrated database and returns its conninfo.  It is
 * dropped when the test process exits.
 */
char		*t_db_create(void);

PGconn		*t_connect(const char *conninfo);
/* First column of the first row, as an allocated string; NULL for NULL. */
char		*t_query(PGconn *, const char *sql, int n,
		    const char *const *params);
long		 t_query_long(PGconn *, const char *sql, int n,
		    const char *const *params);
/* Runs a statement that must succeed. */
void		 t_exec(PGconn *, const char *sql);

/*
 * A hash of every row of every table duban owns: equal before and after
 * means the database did not change.
 */
char		*t_fingerprint(PGconn *);

struct t_run {
	int	 status;	/* exit status, or 128 + signal */
	char	*out;
	char	*err;
};

/*
 * Runs the duban CLI with DUBAN_DB set to db (unset when NULL) and the
 * given arguments (NULL-terminated, without argv[0]).
 */
void		 t_cli(struct t_run *, const char *db, const char *const *args);
void		 t_run_free(struct t_run *);

/* Path of a file in the source tree (static buffer per call). */
char		*t_src(const char *relpath);
/* A fresh temporary directory, removed when the test process exits. */
const char	*t_tmpdir(void);
char		*t_read_file(const char *path, size_t *len);
void		 t_write_file(const char *path, const char *data, size_t len);

/* The five shipped plan files, as CLI arguments. */
extern const char *const t_plan_files[];

#endif
