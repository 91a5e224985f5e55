/*
 * The read queries that the CLI and the daemon share.  Each returns one
 * row with one column: a JSON document built by PostgreSQL, so both
 * front ends print exactly the same objects.
 */
#ifndef DUBAN_QUERY_H
#define DUBAN_QUERY_H

/* Plans: no parameters.  A JSON array of plan summaries. */
extern const char QUERY_PLAN_LIST[];

/*
 * Tasks, filtered:
 *   $1 plan (key or id) or NULL
 *   $2 office (name or alias; lead or responsible) or NULL
 *   $3 due before (ISO date, deadline strictly earlier) or NULL
 *   $4 'true' for tasks without a lead office only, else NULL / 'false'
 * A JSON array of task objects.
 */
extern const char QUERY_TASK_LIST[];
#define QUERY_TASK_LIST_NPARAMS 4

#endif
