/*
 * Loading validated plans (plan.h) into the database: one statement,
 * duban_load_plans(), so a load is one transaction, all or nothing.
 */
#ifndef DUBAN_LOAD_H
#define DUBAN_LOAD_H

#include <jansson.h>
#include <libpq-fe.h>

#include "diag.h"

/* The statement ($1 the plans, $2 the actor, $3 now: when the tasks they
 * give offices are assigned); the daemon sends it asynchronously.
 * LOAD_SQL loads files a person names: they become the plans' source
 * again.  DIR_LOAD_SQL loads duband's plans directory: a plan the general
 * office has loaded from the page since is skipped (reported with
 * "skipped": true), not put back to the directory's file. */
extern const char LOAD_SQL[];
extern const char DIR_LOAD_SQL[];

/*
 * Reads and validates every file; returns the JSON array of plans, or
 * NULL after adding diagnostics (no file is partly accepted).  Two files
 * with the same plan key are an error.
 */
json_t	*load_read_files(char *const *paths, int npaths, struct diags *);

/*
 * The plans as the text $1 of LOAD_SQL, DIR_LOAD_SQL and PREVIEW_SQL
 * (allocated): compact, and without the tasks' null members, which read
 * as NULL in SQL all the same (a fifth less for PostgreSQL to parse as
 * jsonb: bench/import.sh).  Drops those members from plans.
 */
char	*load_dump(json_t *plans);

/*
 * Loads the plans, at clock_now_iso(), consuming them (freed while the
 * database works: the caller no longer owns plans).  Returns the report (an array with, per plan: plan,
 * id, created, changes, withdrawn, tasks, targets, milestones) or NULL
 * and sets *cause; then nothing was changed.
 */
json_t	*load_plans(PGconn *, json_t *plans, const char *actor, char **cause);
/* The same, as duband loads its plans directory (DIR_LOAD_SQL); consumes plans. */
json_t	*load_directory(PGconn *, json_t *plans, const char *actor, char **cause);

/*
 * What loading the plans would change, changing nothing: the object
 * duban_plan_preview() returns (plans, items, offices, counts, digest;
 * see migrations/functions/11-plan-preview.sql), or NULL and *cause.
 * Consumes plans, as load_plans().
 */
extern const char PREVIEW_SQL[];
json_t	*load_preview(PGconn *, json_t *plans, const char *actor, char **cause);

/*
 * Lists dir's *.yaml and *.xlsx (任务分解表) files, sorted.  Returns 0 and an allocated array
 * of allocated paths, or -1 and *cause.
 */
int	 load_list_dir(const char *dir, char ***paths, int *npaths,
	    char **cause);
void	 load_free_list(char **paths, int npaths);

/* Prints one line per plan of a load report, in Chinese. */
void	 load_print_report(json_t *report, FILE *);

#endif
