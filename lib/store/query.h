/*
 * The queries that the CLI and the daemon share.  Reads return one row
 * with one column: a JSON document built by PostgreSQL, so both front
 * ends print exactly the same objects.
 */
#ifndef DUBAN_QUERY_H
#define DUBAN_QUERY_H

/*
 * Tenants: every read here takes the reader's token hash and answers
 * only within what it reaches (duban_token_reach); NULL (the CLI, which
 * holds the database itself) reaches everything.
 */

/* Plans: $1 the token hash.  A JSON array of plan summaries. */
extern const char QUERY_PLAN_LIST[];

/*
 * Tasks, filtered:
 *   $1 plan (key or id) or NULL
 *   $2 office (name, alias or id; lead or responsible) or NULL
 *   $3 due before (ISO date, deadline strictly earlier) or NULL
 *   $4 'true' for tasks without a lead office only, else NULL / 'false'
 *   $5 status (done, on_track, behind, overdue, unreported) or NULL
 *   $6 the date statuses are judged on (today)
 *   $7 the token hash
 * A JSON array of task objects, each with its pace on $6 (avg_completion,
 * time_elapsed, completion_state, targets_measured, targets_reported:
 * duban_task_progress) and its targets' (each with completion,
 * time_elapsed, state).
 */
extern const char QUERY_TASK_LIST[];
#define QUERY_TASK_LIST_NPARAMS 7

/*
 * One task with targets, milestones, roles, subtasks, history: $1 id, $2 today,
 * $3 the reader's role and $4 its office id (both may be NULL; they only
 * decide may_edit), $5 its token's hash (it decides the 办结 panel's
 * may_request and may_decide, and what the reader reaches).  Its time_elapsed, and each
 * target's time_elapsed and state, are as on $2.  No row if none.
 */
extern const char QUERY_TASK_GET[];
/*
 * One plan with roles, sections and task summaries (each with its pace,
 * as in QUERY_TASK_LIST): $1 key or id, $2 today, $3 the token hash.
 */
extern const char QUERY_PLAN_GET[];
/*
 * Offices with the number of tasks each leads and is responsible for; $1
 * 'true' to include their recipients (addresses and robot URLs), $2 the
 * token hash.
 */
extern const char QUERY_OFFICE_LIST[];

/* A live token by its hash: id, role, office_id, office name, label, and
 * the person it acts for (account id, role, login; NULL if none), must_change
 * (always false: only a signed-in session must change a password). */
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
extern const char QUERY_OFFICE_REPORT_STEP[];
extern const char QUERY_OFFICE_REPORTS[];
/* 批量填报 (73-batch.sql): an office's 填报表 ($1 token, $2 office, $3 round
 * or NULL, $4 now) and the batch ($1 token, $2 office, $3 body, $4 now);
 * each returns status and body (or problem). */
extern const char QUERY_OFFICE_ROWS[];
extern const char QUERY_OFFICE_BATCH[];
/* The same table for the CLI, as the operator (no drafts): $1 office id,
 * $2 round or NULL, $3 now; one JSON text. */
extern const char QUERY_OFFICE_ROWS_LOCAL[];
extern const char QUERY_DISPATCH_URGE[];
extern const char QUERY_TODO[];
extern const char QUERY_DISPATCH_LIST[];

/*
 * Operations that return two columns, the HTTP status and the body (or,
 * from 300 on, the whole problem {status, title, detail, field}), as the
 * API answers them and the CLI prints them.
 *
 * Finding what a user names: $1 name, alias or id, $2 organisation name
 * or NULL, $3 the field a problem names ("office", "person").  Body
 * {id, name, org}; 404 none, 409 in several organisations.
 */
extern const char QUERY_OFFICE_FIND[];
extern const char QUERY_PERSON_FIND[];

/*
 * Recipients of reminders.  Set: $1 office id or NULL, $2 person id or
 * NULL (exactly one), $3 a JSON array of {channel, address}, $4 'true' to
 * remove them instead; every address is checked (one rule for CLI and
 * API) before anything changes.  Body {recipients, added, removed, kept}.
 * Add: $1 office id, $2 one {channel, address}; 201 and the recipient.
 * Delete: $1 recipient id.  Office recipients: $1 office id; one JSON
 * column, no row when there is no such office.
 */
extern const char QUERY_RECIPIENTS_SET[];
extern const char QUERY_RECIPIENT_ADD[];
extern const char QUERY_RECIPIENT_DELETE[];
extern const char QUERY_OFFICE_RECIPIENTS[];

/*
 * The outbox.  List: $1 the day reminders were made or NULL, $2 'true'
 * for those with a failed delivery only, $3 'true' to include each one's
 * last delivery error; one JSON column (an array, newest first, at most
 * 500).  Get: $1 id; one JSON column, NULL when none.  Retry: $1 id;
 * status and body {id, retried}; wakes every duband.
 */
extern const char QUERY_REMINDER_LIST[];
extern const char QUERY_REMINDER_GET[];
extern const char QUERY_REMINDER_RETRY[];

/*
 * Calendar feeds.  Create: $1 office id, $2 the token's SHA-256, $3 label
 * or NULL, $4 who; status and body {id, office_id, office, label}.  List:
 * one JSON column.  Revoke: $1 id; status and body {id, revoked_at,
 * already}.
 */
extern const char QUERY_FEED_CREATE[];
extern const char QUERY_FEED_LIST[];
extern const char QUERY_FEED_REVOKE[];

#endif
