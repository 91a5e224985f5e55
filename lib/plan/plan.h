/*
 * Plan files: reading, validating and normalising a plan (see
 * docs/plan-format.md) into the JSON document that the database function
 * duban_load_plans() takes.  Nothing here touches the database, so
 * `duban plan check` and the unit tests use it alone.
 */
#ifndef DUBAN_PLAN_H
#define DUBAN_PLAN_H

#include <stddef.h>

#include <jansson.h>

#include "diag.h"

#define PLAN_FORMAT_VERSION	1
#define PLAN_MAX_TASK_DEPTH	3
/* Plan keys that begin so are the 督办事项 lists (jiaoban-ORG-YEAR) that
 * the general office makes in the database; no plan file may use one. */
#define PLAN_RESERVED_PREFIX	"jiaoban-"

/*
 * Validates buf[0..len), the contents of the plan file named file.
 * Returns the normalised plan, or NULL after adding diagnostics.  All
 * problems that can be found are reported, not just the first.
 */
json_t	*plan_parse(const char *file, const char *buf, size_t len,
	    struct diags *);

/*
 * Validates a plan already read into a tree (ytree.h): a YAML file's, or
 * the one lib/plan/sheetplan.c builds from a 任务分解表 workbook, whose
 * nodes' positions stand for cells.  The tree is not freed.  Returns the
 * normalised plan, or NULL after adding diagnostics.
 */
struct ynode;
json_t	*plan_from_tree(const char *file, const struct ynode *root,
	    struct diags *);

/*
 * Parses the plan file called name held in buf[0..len): a 任务分解表
 * workbook when name ends in .xlsx (sheetplan.h), else a YAML plan file.
 * Sets the plan's plan_file (name's last component) and file_sha256 (of
 * the bytes).  Returns the plan or NULL with diagnostics.
 */
json_t	*plan_read_buffer(const char *name, const void *buf, size_t len,
	    struct diags *);

/*
 * Reads the file at path (refusing files over the size limit without
 * reading them) and parses it as plan_read_buffer() does.  Returns the
 * plan or NULL with diagnostics.
 */
json_t	*plan_read_file(const char *path, struct diags *);
/*
 * Parses the contents buf[0..len) of a plan file named name (only its
 * last component is kept, as plan_file) and notes its SHA-256.
 */
json_t	*plan_read_buffer(const char *name, const void *buf, size_t len,
	    struct diags *);

#endif
