/*
 * The duban command-line tool: each cmd-*.c file exports its commands as
 * `const struct cmd_entry` values, gathered in main.c's table.
 */
#ifndef DUBAN_CLI_H
#define DUBAN_CLI_H

#include <stdio.h>

#include <jansson.h>
#include <libpq-fe.h>

/* sysexits.h values, named here so the CLI's contract is in one place. */
#define EXIT_USAGE	64	/* EX_USAGE: bad command line */
#define EXIT_DATAERR	65	/* EX_DATAERR: invalid plan data */
#define EXIT_NOINPUT	66	/* EX_NOINPUT: a file could not be read */
#define EXIT_UNAVAIL	69	/* EX_UNAVAILABLE: database unreachable */
#define EXIT_SOFTWARE	70	/* EX_SOFTWARE: a query failed */
#define EXIT_CANTCREAT	73	/* EX_CANTCREAT: an output file could not be written */
#define EXIT_TEMPFAIL	75	/* EX_TEMPFAIL: try again (a stale write) */
#define EXIT_NOPERM	77	/* EX_NOPERM: token refused */
#define EXIT_CONFIG	78	/* EX_CONFIG: no database named */

struct cmd_ctx {
	const char	*db;		/* --db, or NULL for $DUBAN_DB */
	const char	*progname;
};

struct cmd_entry {
	const char	*name;		/* "plan load" */
	const char	*usage;		/* arguments after the name */
	const char	*summary;	/* one line, Chinese */
	const char	*help;		/* option descriptions, or NULL */
	int		(*exec)(struct cmd_ctx *, int, char **);
};

extern const struct cmd_entry cmd_db_migrate_entry;
extern const struct cmd_entry cmd_db_status_entry;
extern const struct cmd_entry cmd_plan_check_entry;
extern const struct cmd_entry cmd_plan_load_entry;
extern const struct cmd_entry cmd_plan_list_entry;
extern const struct cmd_entry cmd_task_list_entry;
extern const struct cmd_entry cmd_task_show_entry;
extern const struct cmd_entry cmd_calendar_load_entry;
extern const struct cmd_entry cmd_calendar_show_entry;
extern const struct cmd_entry cmd_calendar_close_entry;
extern const struct cmd_entry cmd_calendar_open_entry;
extern const struct cmd_entry cmd_reminder_preview_entry;
extern const struct cmd_entry cmd_reminder_sweep_entry;
extern const struct cmd_entry cmd_reminder_list_entry;
extern const struct cmd_entry cmd_reminder_retry_entry;
extern const struct cmd_entry cmd_reminder_config_entry;
extern const struct cmd_entry cmd_office_list_entry;
extern const struct cmd_entry cmd_office_set_entry;
extern const struct cmd_entry cmd_person_set_entry;
extern const struct cmd_entry cmd_token_create_entry;
extern const struct cmd_entry cmd_token_list_entry;
extern const struct cmd_entry cmd_token_revoke_entry;
extern const struct cmd_entry cmd_token_verify_entry;
extern const struct cmd_entry cmd_milestone_update_entry;
extern const struct cmd_entry cmd_target_set_entry;
extern const struct cmd_entry cmd_report_quarterly_entry;
extern const struct cmd_entry cmd_dispatch_open_entry;
extern const struct cmd_entry cmd_dispatch_show_entry;
extern const struct cmd_entry cmd_dispatch_close_entry;
extern const struct cmd_entry cmd_dispatch_list_entry;
extern const struct cmd_entry cmd_feed_create_entry;
extern const struct cmd_entry cmd_feed_list_entry;
extern const struct cmd_entry cmd_feed_revoke_entry;

/* main.c */
int	cmd_usage_error(const struct cmd_entry *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	cmd_print_help(const struct cmd_entry *, FILE *);
/*
 * Connects to the database named by --db or DUBAN_DB.  On failure prints
 * why and returns NULL with *exitcode set.
 */
PGconn	*cmd_connect(struct cmd_ctx *, int *exitcode);
/* Runs a shared query returning one JSON text; NULL after printing why. */
json_t	*cmd_query_json(PGconn *, const char *sql, int n,
	    const char *const *params);
/* A record number as an argument: a positive integer. */
int	cmd_id_arg(const char *);
/* "user@host", for the history's actor column. */
char	*cmd_actor(void);

/* api.c: the client of duband's API. */
char		*api_token(const char *file, char **cause);
const char	*api_server(const char *arg);
/* 0 with *status and the parsed body (or NULL), or -1 with *cause. */
int		 api_request(const char *method, const char *url,
		    const char *token, const char *body, long *status,
		    json_t **out, char **cause);
/*
 * A call to duband: method, path (under the server), an optional JSON
 * body; 0 with *out when the status is want, else the exit code after
 * saying why (token missing 78, unreachable 69, a problem as below).
 */
int		 api_call(const char *method, const char *server,
		    const char *token_file, const char *path, const json_t *body,
		    long want, json_t **out);
/* Prints a problem+json answer; returns the matching exit code. */
int		 api_problem_exit(long status, json_t *problem);
/* The same for a problem from the database itself (no HTTP status shown). */
int		 problem_exit(long status, json_t *problem, int http);

/* table.c: a table with CJK-aware alignment. */
struct table;
struct table	*table_new(int ncols, const char *const *headers,
		    const int *maxwidth);
void		 table_add(struct table *, const char *const *cells);
void		 table_print(struct table *, FILE *);
void		 table_free(struct table *);

#endif
