/*
 * The queries that the CLI and the daemon share.  Reads return one row
 * with one column: a JSON document built by PostgreSQL, so both front
 * ends print exactly the same objects.
 */
#ifndef DUBAN_QUERY_H
#define DUBAN_QUERY_H

/* Plans: no parameters.  A JSON array of plan summaries. */
extern const char QUERY_PLAN_LIST[];

/*
 * Tasks, filtered:
 *   $1 plan (key or id) or NULL
 *   $2 office (name, alias or id; lead or responsible) or NULL
 *   $3 due before (ISO date, deadline strictly earlier) or NULL
 *   $4 'true' for tasks without a lead office only, else NULL / 'false'
 *   $5 status (done, on_track, behind, overdue) or NULL
 *   $6 the date statuses are judged on (today)
 * A JSON array of task objects.
 */
extern const char QUERY_TASK_LIST[];
#define QUERY_TASK_LIST_NPARAMS 6

/*
 * One task with targets, milestones, roles, subtasks, history: $1 id, $2 today,
 * $3 the reader's role and $4 its office id (both may be NULL; they only
 * decide may_edit).  No row if none.
 */
extern const char QUERY_TASK_GET[];
/* One plan with roles, sections and task summaries: $1 key or id, $2 today. */
extern const char QUERY_PLAN_GET[];
/* Offices with the number of tasks each leads and is responsible for. */
extern const char QUERY_OFFICE_LIST[];

/* A live token by its hash: id, role, office_id, office name, label. */
extern const char QUERY_TOKEN_AUTH[];

/*
 * Writes: $1 token hash, $2 id, $3 expected version or NULL, $4 the
 * patch (JSON), $5 now (the time the history records).  One row: the HTTP status; the new object
 * (200) or a problem {status, title, detail, field, current}; the new
 * version (200).
 */
extern const char QUERY_MILESTONE_PATCH[];
extern const char QUERY_TARGET_PATCH[];

/* The quarterly report (see query.c for the parameters). */
extern const char QUERY_REPORT_QUARTERLY[];
/* A calendar feed by token hash. */
extern const char QUERY_FEED[];
/* Dispatch rounds. */
extern const char QUERY_DISPATCH_OPEN[];
extern const char QUERY_DISPATCH_CLOSE[];
extern const char QUERY_DISPATCH_GET[];
extern const char QUERY_DISPATCH_LIST[];

#endif
