/*
 * Test support: a fresh database per test copied from duban_template in
 * the suite's own PostgreSQL cluster, and running the real duban CLI.
 */
#ifndef DUBAN_TEST_SUPPORT_H
#define DUBAN_TEST_SUPPORT_H

#include <stdlib.h>

#include <criterion/criterion.h>
#include <jansson.h>
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

/*
 * A database shared by the tests of one run (one test binary) that only
 * read it, made on first use: a migrated copy on which the CLI arguments
 * load (NULL-terminated, may be NULL) have run.  The first test to ask
 * makes it under a name of its own and renames it when it is ready, so
 * no test sees it half made.  Dropped when the run ends.  Returns its
 * conninfo.
 */
char		*t_db_shared(const char *tag, const char *const *load);
/* A new database of this process copied from the run's snapshot tag,
 * which build(db, arg) makes from a fresh database in the first test
 * that asks (each test binary runs its tests one after another).  What
 * build keeps with t_keep (tokens, ids) each copy reads with t_kept. */
char		*t_db_snapshot(const char *tag, void (*build)(const char *db, void *arg),
		    void *arg);
void		 t_keep(const char *db, const char *name, const char *value);
char		*t_kept(const char *db, const char *name);
/* Someone a test acts as: a token (login NULL: t_token) or a person's
 * account and a token acting for them (t_person_token), kept as name. */
struct t_who {
	const char	*name, *login, *person, *office, *role;
};
/* In a snapshot's build: makes the n tokens, in order, and keeps them. */
void		 t_keep_who(const char *db, const struct t_who *, size_t n);
/* The usual snapshot's set-up: up to four CLI commands (their arguments,
 * NULL-terminated) run in order, then the n tokens of who made and kept. */
struct t_setup {
	const char *const	*cli[4];
	const struct t_who	*who;
	size_t			 n;
};
/* A build for t_db_snapshot: arg is a struct t_setup. */
void		 t_setup_build(const char *db, void *setup);
/* A snapshot tag for a variant of a set-up: prefix and a hash of variant
 * (allocated). */
char		*t_tag(const char *prefix, const char *variant);

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
/* The same, with input (may be NULL) on its standard input. */
void		 t_cli_input(struct t_run *, const char *db, const char *const *args,
		    const char *input);
void		 t_run_free(struct t_run *);
/* The CLI, which must succeed (the test fails with its output if not). */
void		 t_cli_ok(const char *db, const char *const *args);

/* Path of a file in the source tree (static buffer per call). */
char		*t_src(const char *relpath);
/* A fresh temporary directory, removed when the test process exits. */
const char	*t_tmpdir(void);
char		*t_read_file(const char *path, size_t *len);
void		 t_write_file(const char *path, const char *data, size_t len);
/* A JSON file of the source tree (fails the test if it does not parse). */
json_t		*t_load_json(const char *relpath);

/* The five shipped plan files, as CLI arguments. */
extern const char *const t_plan_files[];

/* ---------------------------------------------------------------- */
/* duband, started for a test, and HTTP to it. */

struct t_daemon {
	pid_t	 pid;
	char	 url[96];	/* http://127.0.0.1:PORT, "" until READY=1 */
	char	*log;		/* path of its stderr */
	int	 notify;	/* our end of its NOTIFY_SOCKET */
	char	*notify_path;
};

/*
 * Starts duband against db with --listen 127.0.0.1:0 (the kernel picks
 * the port, so no other process can take it first), extra arguments
 * (NULL-terminated, may be NULL) and environment settings ("KEY=VALUE",
 * NULL-terminated, may be NULL).  Returns when it has sent READY=1, as
 * systemd would see it, with url set to the address it announced with
 * it (STATUS=listening ADDRESS); fails the test if it announced none.
 * A restarted duband has a new address: use the new url.
 */
void	 t_daemon_start(struct t_daemon *, const char *db,
	    const char *const *args, const char *const *env);
/*
 * The same, without waiting for READY=1 (for a start that must fail, or
 * for several started at once); url stays "" until t_daemon_wait_ready
 * or t_daemon_wait_notify sees the address.
 */
void	 t_daemon_spawn(struct t_daemon *, const char *db,
	    const char *const *args, const char *const *env);
/* Waits for READY=1 and the address that comes with it, as t_daemon_start. */
void	 t_daemon_wait_ready(struct t_daemon *);
/*
 * Waits for the next sd_notify message containing want; fails after 60 s.
 * Sets url from any STATUS=listening ADDRESS it reads on the way.
 */
void	 t_daemon_wait_notify(struct t_daemon *, const char *want);
/* Sends a signal. */
void	 t_daemon_kill(struct t_daemon *, int sig);
/* Waits for it to exit; returns its exit status (128 + signal if killed). */
int	 t_daemon_wait(struct t_daemon *);
/* Stops it (SIGTERM) if running and cleans up; fails if it exits non-zero. */
void	 t_daemon_stop(struct t_daemon *);
/* Everything it has logged so far. */
char	*t_daemon_log(struct t_daemon *);

struct t_http {
	long	 status;
	char	*body;
	size_t	 len;		/* of body, which may hold NULs */
	char	*headers;	/* raw response headers */
};

/*
 * One request.  token may be NULL; body may be NULL; extra is a header
 * line ("If-Match: \"2\""), several separated by CRLF, or NULL.
 */
void	 t_http(struct t_http *, const char *method, const char *url,
	    const char *token, const char *body, const char *extra);
void	 t_http_free(struct t_http *);
/*
 * method path (under d's address) with a JSON body (may be NULL): the
 * status, and the answer parsed into *out when out is not NULL (the test
 * fails if it is not JSON).
 */
long	 t_call(const struct t_daemon *, const char *method, const char *path,
	    const char *token, const char *body, json_t **out);
/* The same with a body of bodylen bytes (a file). */
void	 t_http_bytes(struct t_http *, const char *method, const char *url,
	    const char *token, const void *body, size_t bodylen, const char *extra);
/* A response header's value (allocated), or NULL. */
char	*t_http_header(const struct t_http *, const char *name);
/*
 * 佐证材料: POSTs data as a file called name to base (duband's address)
 * followed by path (".../files"), query ("&supersedes=3") appended to
 * ?name=; the status, and the answer parsed if out is not NULL.
 */
long	 t_upload(const char *base, const char *path, const char *token,
	    const char *name, const void *data, size_t len, const char *query,
	    json_t **out);

/* Creates a token with the CLI; returns it. */
char	*t_token(const char *db, const char *role, const char *office);
/* A person's account and a script token acting for them (office may be NULL). */
char	*t_person_token(const char *db, const char *login, const char *name,
	    const char *office, const char *role);

/* ---------------------------------------------------------------- */
/* Receivers (tests/receivers): one JSON line per message. */

/*
 * A receiver binds port 0 on 127.0.0.1 and reports the port it got on
 * its first line ({"ready": PORT}); t_sink_* return once it has.  Every
 * receiver and duband still running when the test process exits is
 * killed then, also after a failed assertion.
 */
struct t_sink {
	pid_t	 pid;
	int	 fd;		/* its standard output */
	int	 port;		/* the port it bound */
	char	 buf[1 << 16];
	size_t	 len;
	char	*control;	/* the webhook receiver's control file */
};

void	 t_sink_smtp(struct t_sink *);
void	 t_sink_webhook(struct t_sink *);
/* Sets the webhook receiver's mode: "", "down", "slow 300", "refuse". */
void	 t_sink_mode(struct t_sink *, const char *mode);
/* The next message (a JSON object), or NULL after timeout seconds. */
json_t	*t_sink_next(struct t_sink *, int timeout);
void	 t_sink_stop(struct t_sink *);
/* Waits (bounded) until sql returns want; fails after 60 s. */
void	 t_wait_for(PGconn *, const char *sql, const char *want);

#endif
