/*
 * The table of commands, their help and usage errors, and what the
 * commands share (the database connection, the actor).
 */
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "db.h"
#include "duban.h"
#include "query.h"
#include "xmalloc.h"

static const struct cmd_entry *const cmd_table[] = {
	&cmd_db_migrate_entry,
	&cmd_db_status_entry,
	&cmd_plan_check_entry,
	&cmd_plan_draft_entry,
	&cmd_plan_load_entry,
	&cmd_plan_list_entry,
	&cmd_plan_lights_entry,
	&cmd_plan_export_entry,
	&cmd_plan_template_entry,
	&cmd_task_list_entry,
	&cmd_task_show_entry,
	&cmd_milestone_update_entry,
	&cmd_extension_request_entry,
	&cmd_extension_list_entry,
	&cmd_extension_approve_entry,
	&cmd_extension_reject_entry,
	&cmd_jiaoban_create_entry,
	&cmd_jiaoban_list_entry,
	&cmd_completion_request_entry,
	&cmd_completion_approve_entry,
	&cmd_completion_return_entry,
	&cmd_target_set_entry,
	&cmd_dispatch_open_entry,
	&cmd_dispatch_show_entry,
	&cmd_dispatch_close_entry,
	&cmd_dispatch_list_entry,
	&cmd_dispatch_submit_entry,
	&cmd_dispatch_return_entry,
	&cmd_dispatch_accept_entry,
	&cmd_dispatch_review_entry,
	&cmd_dispatch_urge_entry,
	&cmd_dispatch_chase_entry,
	&cmd_report_quarterly_entry,
	&cmd_report_rows_entry,
	&cmd_report_fill_entry,
	&cmd_report_upload_entry,
	&cmd_assess_score_entry,
	&cmd_assess_load_entry,
	&cmd_assess_grade_entry,
	&cmd_reminder_preview_entry,
	&cmd_reminder_list_entry,
	&cmd_reminder_retry_entry,
	&cmd_reminder_sweep_entry,
	&cmd_reminder_config_entry,
	&cmd_org_add_entry,
	&cmd_org_list_entry,
	&cmd_county_share_entry,
	&cmd_county_assign_entry,
	&cmd_office_list_entry,
	&cmd_office_set_entry,
	&cmd_person_set_entry,
	&cmd_calendar_load_entry,
	&cmd_calendar_show_entry,
	&cmd_calendar_close_entry,
	&cmd_calendar_open_entry,
	&cmd_feed_create_entry,
	&cmd_feed_list_entry,
	&cmd_feed_revoke_entry,
	&cmd_notice_list_entry,
	&cmd_notice_show_entry,
	&cmd_notice_issue_entry,
	&cmd_notice_ack_entry,
	&cmd_notice_rules_entry,
	&cmd_bulletin_draft_entry,
	&cmd_bulletin_edit_entry,
	&cmd_bulletin_issue_entry,
	&cmd_bulletin_show_entry,
	&cmd_bulletin_list_entry,
	&cmd_token_create_entry,
	&cmd_token_list_entry,
	&cmd_token_revoke_entry,
	&cmd_token_verify_entry,
	&cmd_user_create_entry,
	&cmd_user_list_entry,
	&cmd_user_disable_entry,
	&cmd_user_enable_entry,
	&cmd_user_password_entry,
	NULL
};

/* Whether e's name is group followed by a space. */
static int
in_group(const struct cmd_entry *e, const char *group)
{
	size_t	 len = strlen(group);

	return (strncmp(e->name, group, len) == 0 && e->name[len] == ' ');
}

const struct cmd_entry *
cmd_find(const char *group, const char *action)
{
	const struct cmd_entry *const	*e;

	for (e = cmd_table; *e != NULL; e++)
		if (in_group(*e, group) &&
		    strcmp((*e)->name + strlen(group) + 1, action) == 0)
			return (*e);
	return (NULL);
}

int
cmd_group_known(const char *group)
{
	const struct cmd_entry *const	*e;

	for (e = cmd_table; *e != NULL; e++)
		if (in_group(*e, group))
			return (1);
	return (0);
}

/* The commands of group (every command when NULL), aligned. */
static void
print_names(const char *group, FILE *f)
{
	const struct cmd_entry *const	*e;
	int				 width = 0, len;

	for (e = cmd_table; *e != NULL; e++)
		if ((group == NULL || in_group(*e, group)) &&
		    (len = (int)strlen((*e)->name)) > width)
			width = len;
	for (e = cmd_table; *e != NULL; e++)
		if (group == NULL || in_group(*e, group))
			fprintf(f, "  %-*s  %s\n", width, (*e)->name, (*e)->summary);
}

void
cmd_print_list(FILE *f)
{
	fprintf(f, "命令：\n");
	print_names(NULL, f);
}

void
cmd_print_group(const char *group, FILE *f)
{
	fprintf(f, "用法：duban %s 操作 [选项] [参数]\n\n操作：\n", group);
	print_names(group, f);
	fprintf(f, "\n（duban %s 操作 --help 查看各操作的说明）\n", group);
}

void
cmd_print_help(const struct cmd_entry *e, FILE *f)
{
	char	*syn = args_synopsis(&e->args);

	fprintf(f, "用法：duban %s%s%s\n%s\n", e->name, *syn != '\0' ? " " : "",
	    syn, e->summary);
	free(syn);
	if (e->help != NULL)
		fprintf(f, "\n%s", e->help);
	args_print_help(&e->args, "选项", f);
}

int
cmd_usage_error(const struct cmd_entry *e, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *syn = args_synopsis(&e->args);

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "duban %s：%s\n用法：duban %s%s%s\n（duban %s --help 查看说明）\n",
	    e->name, msg, e->name, *syn != '\0' ? " " : "", syn, e->name);
	free(msg);
	free(syn);
	return (EXIT_USAGE);
}

/*
 * DUBAN_NOW: before the command reads the clock, take duband's (the
 * real time the value was first used with the database, migrations/
 * 0022-clock-anchor.sql), so both read the same time.  Without a
 * database at hand the clock runs from now; a bad value is reported
 * where the command reads the clock.
 */
static void
share_clock(struct cmd_ctx *ctx)
{
	const char	*conninfo = db_conninfo(ctx->db);
	PGconn		*conn;
	char		*cause;

	if (getenv("DUBAN_NOW") == NULL || conninfo == NULL)
		return;
	if (clock_init(&cause) != 0) {
		free(cause);
		return;
	}
	if ((conn = db_connect(conninfo, "duban", &cause)) == NULL) {
		free(cause);
		return;
	}
	db_clock_share(conn);
	PQfinish(conn);
}

int
cmd_exec(const struct cmd_entry *e, struct cmd_ctx *ctx, int argc, char **argv)
{
	struct args	*args;
	char		*cause;
	int		 rc;

	switch (args_parse(&e->args, argc, argv, 0, &args, &cause)) {
	case ARGS_HELP:
		cmd_print_help(e, stdout);
		return (0);
	case ARGS_ERROR:
		rc = cmd_usage_error(e, "%s", cause);
		free(cause);
		return (rc);
	case ARGS_OK:
		break;
	}
	share_clock(ctx);
	rc = e->exec(ctx, args);
	args_free(args);
	return (rc);
}

PGconn *
cmd_connect(struct cmd_ctx *ctx, int *exitcode)
{
	const char	*conninfo = db_conninfo(ctx->db);
	PGconn		*conn;
	char		*cause;

	if (conninfo == NULL) {
		fprintf(stderr, "duban：未指定数据库：请设置环境变量 DUBAN_DB 或使用 --db 连接串\n");
		*exitcode = EXIT_CONFIG;
		return (NULL);
	}
	if ((conn = db_connect(conninfo, "duban", &cause)) == NULL) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		*exitcode = EXIT_UNAVAIL;
		return (NULL);
	}
	return (conn);
}

json_t *
cmd_query_json(PGconn *conn, const char *sql, int n, const char *const *params)
{
	PGresult	*res;
	json_t		*doc;
	json_error_t	 jerr;
	char		*cause;

	if ((res = db_exec(conn, sql, n, params, &cause)) == NULL) {
		fprintf(stderr, "duban：查询失败：%s\n", cause);
		free(cause);
		return (NULL);
	}
	doc = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	PQclear(res);
	if (doc == NULL)
		fprintf(stderr, "duban：无法解析查询结果：%s\n", jerr.text);
	return (doc);
}

int
cmd_status_query(PGconn *conn, const char *sql, int n, const char *const *params,
    json_t **body)
{
	PGresult	*res;
	json_t		*doc;
	char		*cause;
	int		 status;

	*body = NULL;
	if ((res = db_exec(conn, sql, n, params, &cause)) == NULL) {
		fprintf(stderr, "duban：查询失败：%s\n", cause);
		free(cause);
		return (EXIT_SOFTWARE);
	}
	status = atoi(PQgetvalue(res, 0, 0));
	doc = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
	PQclear(res);
	if (doc == NULL) {
		fprintf(stderr, "duban：无法解析查询结果\n");
		return (EXIT_SOFTWARE);
	}
	if (status >= 300) {
		status = problem_exit(status, doc, 0);
		json_decref(doc);
		return (status);
	}
	*body = doc;
	return (0);
}

int
cmd_call(struct cmd_ctx *ctx, const char *sql, int n, const char *const *params,
    json_t **body)
{
	PGconn	*conn;
	int	 rc;

	*body = NULL;
	if ((conn = cmd_connect(ctx, &rc)) == NULL)
		return (rc);
	rc = cmd_status_query(conn, sql, n, params, body);
	PQfinish(conn);
	return (rc);
}

int
cmd_lookup(PGconn *conn, const char *what, const char *key, const char *org,
    long long *id)
{
	const char	*params[3] = { key, org, what };
	json_t		*body;
	int		 rc;

	rc = cmd_status_query(conn, strcmp(what, "person") == 0 ? QUERY_PERSON_FIND :
	    QUERY_OFFICE_FIND, 3, params, &body);
	if (rc != 0)
		/* A name that is not there, or is in several places: bad data. */
		return (rc == EXIT_SOFTWARE ? rc : EXIT_DATAERR);
	*id = json_integer_value(json_object_get(body, "id"));
	json_decref(body);
	return (0);
}

const char *
cmd_when(const char *iso, char buf[17])
{
	if (iso == NULL || strlen(iso) < 16)
		return ("—");
	memcpy(buf, iso, 16);
	buf[10] = ' ';
	buf[16] = '\0';
	return (buf);
}

int
cmd_now(char buf[CLOCK_ISO_LEN])
{
	char	*cause;

	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_now_iso(buf);
	return (0);
}

int
cmd_today(const char *date, char buf[11])
{
	char	*cause;

	if (date != NULL) {
		snprintf(buf, 11, "%s", date);
		return (0);
	}
	if (clock_init(&cause) != 0) {
		fprintf(stderr, "duban：%s\n", cause);
		free(cause);
		return (EXIT_USAGE);
	}
	clock_today(buf);
	return (0);
}

char *
cmd_actor(void)
{
	struct passwd	*pw = getpwuid(getuid());
	char		 host[256];

	if (gethostname(host, sizeof host) != 0)
		strcpy(host, "localhost");
	host[sizeof host - 1] = '\0';
	return (xprintf("%s@%s", pw ? pw->pw_name : "unknown", host));
}
