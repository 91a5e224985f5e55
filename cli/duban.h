/*
 * The duban command-line tool: each cmd-*.c file exports its commands as
 * `const struct cmd_entry` values, gathered in cmd.c's table.  An entry
 * declares its options and operands once (args.h); cmd.c parses them,
 * answers --help and usage errors, and calls exec with the result.
 */
#ifndef DUBAN_CLI_H
#define DUBAN_CLI_H

#include <stdio.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "args.h"

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
	const char		*name;		/* "plan load": group and action */
	const char		*summary;	/* one line, Chinese */
	struct args_spec	 args;		/* its options and operands */
	const char		*help;		/* more to say, or NULL */
	/* Runs with the parsed and checked arguments; returns the exit code. */
	int			(*exec)(struct cmd_ctx *, struct args *);
};

extern const struct cmd_entry cmd_db_migrate_entry;
extern const struct cmd_entry cmd_db_status_entry;
extern const struct cmd_entry cmd_plan_check_entry;
extern const struct cmd_entry cmd_plan_draft_entry;
extern const struct cmd_entry cmd_plan_load_entry;
extern const struct cmd_entry cmd_plan_list_entry;
extern const struct cmd_entry cmd_plan_lights_entry;
extern const struct cmd_entry cmd_plan_export_entry;
extern const struct cmd_entry cmd_plan_template_entry;
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
extern const struct cmd_entry cmd_org_add_entry;
extern const struct cmd_entry cmd_org_list_entry;
extern const struct cmd_entry cmd_county_share_entry;
extern const struct cmd_entry cmd_county_assign_entry;
extern const struct cmd_entry cmd_office_list_entry;
extern const struct cmd_entry cmd_office_set_entry;
extern const struct cmd_entry cmd_person_set_entry;
extern const struct cmd_entry cmd_token_create_entry;
extern const struct cmd_entry cmd_token_list_entry;
extern const struct cmd_entry cmd_token_revoke_entry;
extern const struct cmd_entry cmd_token_verify_entry;
extern const struct cmd_entry cmd_user_create_entry;
extern const struct cmd_entry cmd_user_list_entry;
extern const struct cmd_entry cmd_user_disable_entry;
extern const struct cmd_entry cmd_user_enable_entry;
extern const struct cmd_entry cmd_user_password_entry;
extern const struct cmd_entry cmd_extension_request_entry;
extern const struct cmd_entry cmd_extension_list_entry;
extern const struct cmd_entry cmd_extension_approve_entry;
extern const struct cmd_entry cmd_extension_reject_entry;
extern const struct cmd_entry cmd_jiaoban_create_entry;
extern const struct cmd_entry cmd_jiaoban_list_entry;
extern const struct cmd_entry cmd_completion_request_entry;
extern const struct cmd_entry cmd_completion_approve_entry;
extern const struct cmd_entry cmd_completion_return_entry;
extern const struct cmd_entry cmd_milestone_update_entry;
extern const struct cmd_entry cmd_target_set_entry;
extern const struct cmd_entry cmd_report_quarterly_entry;
extern const struct cmd_entry cmd_report_rows_entry;
extern const struct cmd_entry cmd_report_fill_entry;
extern const struct cmd_entry cmd_report_upload_entry;
extern const struct cmd_entry cmd_dispatch_open_entry;
extern const struct cmd_entry cmd_dispatch_show_entry;
extern const struct cmd_entry cmd_dispatch_close_entry;
extern const struct cmd_entry cmd_dispatch_list_entry;
extern const struct cmd_entry cmd_dispatch_submit_entry;
extern const struct cmd_entry cmd_dispatch_return_entry;
extern const struct cmd_entry cmd_dispatch_accept_entry;
extern const struct cmd_entry cmd_dispatch_review_entry;
extern const struct cmd_entry cmd_dispatch_urge_entry;
extern const struct cmd_entry cmd_dispatch_chase_entry;
extern const struct cmd_entry cmd_feed_create_entry;
extern const struct cmd_entry cmd_feed_list_entry;
extern const struct cmd_entry cmd_feed_revoke_entry;
extern const struct cmd_entry cmd_notice_list_entry;
extern const struct cmd_entry cmd_notice_show_entry;
extern const struct cmd_entry cmd_notice_issue_entry;
extern const struct cmd_entry cmd_notice_ack_entry;
extern const struct cmd_entry cmd_notice_rules_entry;
extern const struct cmd_entry cmd_bulletin_draft_entry;
extern const struct cmd_entry cmd_bulletin_edit_entry;
extern const struct cmd_entry cmd_bulletin_issue_entry;
extern const struct cmd_entry cmd_bulletin_show_entry;
extern const struct cmd_entry cmd_bulletin_list_entry;
extern const struct cmd_entry cmd_assess_score_entry;
extern const struct cmd_entry cmd_assess_load_entry;
extern const struct cmd_entry cmd_assess_grade_entry;

/* cmd.c: the table of commands, their help, and what they share. */
/* The command "group action", or NULL. */
const struct cmd_entry *cmd_find(const char *group, const char *action);
/* Whether some command's name starts with the word group. */
int	cmd_group_known(const char *group);
/* "命令：" and every command with its summary, aligned. */
void	cmd_print_list(FILE *);
/* The actions of a group with their summaries. */
void	cmd_print_group(const char *group, FILE *);
/* "用法：duban NAME ...", the summary, the help and the option list. */
void	cmd_print_help(const struct cmd_entry *, FILE *);
/*
 * Parses argv (argv[0] is the action word) against the entry's table and
 * runs it: --help prints the help (exit 0), a usage error prints why and
 * the usage line (exit 64), else exec's exit code.
 */
int	cmd_exec(const struct cmd_entry *, struct cmd_ctx *, int argc,
	    char **argv);
/* Prints "duban NAME：message" and the usage line; returns EXIT_USAGE. */
int	cmd_usage_error(const struct cmd_entry *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * Connects to the database named by --db or DUBAN_DB.  On failure prints
 * why and returns NULL with *exitcode set.
 */
PGconn	*cmd_connect(struct cmd_ctx *, int *exitcode);
/* Runs a shared query returning one JSON text; NULL after printing why. */
json_t	*cmd_query_json(PGconn *, const char *sql, int n,
	    const char *const *params);
/*
 * Runs a shared operation: a query answering two columns, the HTTP status
 * and the body or problem (query.h).  Returns 0 with *body, which the
 * caller frees, below 300; else prints the problem and returns its exit
 * code (400 65, 404 66, 409 75; see problem_exit).
 */
int	cmd_status_query(PGconn *, const char *sql, int n,
	    const char *const *params, json_t **body);
/* The same on a connection of its own (made and closed here). */
int	cmd_call(struct cmd_ctx *, const char *sql, int n,
	    const char *const *params, json_t **body);
/*
 * The one office (what "office") or person (what "person") a user names
 * by name, alias or id, within the organisation org (may be NULL): 0 with
 * *id, else the exit code (65) after saying why (none, or several).
 */
int	cmd_lookup(PGconn *, const char *what, const char *key, const char *org,
	    long long *id);
/*
 * A time as the database sends it in JSON ("2012-09-10T10:00:00+08:00",
 * Beijing time: the connection's TimeZone) to the minute, "2012-09-10
 * 10:00", in buf; "—" for NULL.
 */
const char	*cmd_when(const char *iso, char buf[17]);
/* "user@host", for the history's actor column. */
char	*cmd_actor(void);
/* Now (DUBAN_NOW if set), as the writes record it; 0, or EXIT_USAGE after
 * saying that DUBAN_NOW is not a time. */
int	 cmd_now(char buf[48]);
/* date (a checked YYYY-MM-DD) if given, else today (DUBAN_NOW's day if
 * set), in buf; 0, or EXIT_USAGE after saying that DUBAN_NOW is not a
 * time. */
int	 cmd_today(const char *date, char buf[11]);
/*
 * Prints to f each year the working-day calendar lacks as of day (and
 * year, if not NULL): duban_calendar_missing()'s warnings.  The number
 * printed, or -1 after saying why.
 */
int	 cmd_calendar_warnings(PGconn *, const char *day, const char *year,
	    FILE *f);

/* api.c: the client of duband's API. */
char		*api_token(const char *file, char **cause);
const char	*api_server(const char *arg);
/*
 * Any request: a body of len bytes of type ctype (or NULL), what to
 * accept; 0 with *status and the answer's bytes (*out allocated, or NULL
 * when empty), or -1 with *cause.
 */
int		 api_transfer(const char *method, const char *url,
		    const char *token, const char *ctype, const char *body,
		    size_t len, const char *accept, long *status, char **out,
		    size_t *outlen, char **cause);
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
/* The options of a command that goes through duband. */
#define CLI_SERVER_OPTIONS \
	{ "server", 'S', "URL", \
	  .help = "duband 地址，默认 $DUBAN_SERVER 或 http://127.0.0.1:8080" }, \
	{ "token-file", 'T', "文件", .help = "令牌文件；默认取环境变量 DUBAN_TOKEN" }
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
/* User text to a terminal, control characters made visible (^[). */
void		 term_puts(FILE *, const char *);
void		 term_printf(FILE *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

#endif
