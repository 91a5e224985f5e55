/*
 * The 任务分解表: a plan as an XLSX workbook, the way bureaus keep their
 * task breakdowns (docs/plan-format.md, "任务分解表（XLSX）").
 *
 * Reading: the workbook is read with lib/sheet's bounded reader and
 * turned into the same tree of mappings, sequences and scalars that a
 * YAML plan file gives (ytree.h), each node's position standing for its
 * cell; the tree is then validated by plan_from_tree(), the YAML files'
 * own validator, so every rule of the plan format applies, and each
 * problem names its sheet and cell: "FILE:任务分解表!F12: message".
 *
 * Writing: a plan document (the plan-format YAML structure as JSON:
 * what migrations/functions/12-plan-export.sql's duban_plan_document()
 * returns) written as such a workbook with libxlsxwriter, and the empty
 * template with its 说明 sheet.
 *
 * Callers: plan.c (plan_read_buffer, by suffix), the CLI's `duban plan
 * export | template`, daemon/api-plan-sheet.c (on a worker thread), the
 * tests and tests/fuzz/fuzz-sheetplan.c.
 * Calls: lib/sheet/xlsx.h, plan.c, libxlsxwriter, libyaml (the YAML
 * writer).
 */
#ifndef DUBAN_SHEETPLAN_H
#define DUBAN_SHEETPLAN_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "diag.h"

#define SHEETPLAN_TASKS		"任务分解表"
#define SHEETPLAN_PLAN		"计划"
#define SHEETPLAN_HELP		"说明"
#define SHEETPLAN_MAX_ROWS	100000u		/* rows of any sheet */
#define SHEETPLAN_MAX_COLS	64u		/* columns of any sheet */
#define SHEETPLAN_CONTENT_TYPE	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* Whether name ends in .xlsx (any case). */
int	 sheetplan_is_xlsx(const char *name);

/*
 * Reads the 任务分解表 workbook in buf[0..len) (file names it in
 * messages).  Returns the normalised plan, as plan_parse() does, or NULL
 * after adding diagnostics, each at its sheet and cell.
 */
json_t	*sheetplan_parse(const char *file, const void *buf, size_t len,
	    struct diags *);

/*
 * Writes doc (a plan document: {"duban-plan", "plan", "offices",
 * "people", "plan_roles", "sections", "tasks"}) as a 任务分解表 workbook
 * at path.  doc's "lights" ({task key: "red", …}, what
 * duban_plan_sheet_document() adds) fill the 预警 column, which the
 * reader does not read; without them it is empty.  Returns 0, or -1 and
 * *cause (allocated, Chinese).
 */
int	 sheetplan_write(const json_t *doc, const char *path, char **cause);
/* The empty template: header rows, widths, one filled example task and
 * the 说明 sheet; doc is ignored (the signature is sheetplan_write's). */
int	 sheetplan_template(const json_t *doc, const char *path, char **cause);
/* "jilin-2012-任务分解表.xlsx", allocated. */
char	*sheetplan_filename(const json_t *doc);

/* Writes doc as a plan-format YAML file to f.  Returns 0 or -1 and *cause. */
int	 sheetplan_yaml(const json_t *doc, FILE *f, char **cause);

#endif
