/*
 * 考核: the year-end score's rule file and its renderings.
 *
 * The rule file (docs/assess-format.md) is YAML, read with the plan
 * layer's reader (ytree.h, yfield.h) so that every problem is reported
 * as FILE:LINE:COLUMN in Chinese; `duban assess load` sends what it gives
 * to duban_assess_rules_load (migrations/functions/85-assess.sql).
 *
 * The score itself is computed in PostgreSQL (duban_assess_report); this
 * module renders its JSON as CSV and as the XLSX 考核表 (a sheet of
 * totals whose sums and ranks are formulas, and a sheet of the lines),
 * for the CLI and for duband's worker threads alike: it touches no
 * global state.  Layer: base and plan (lib/CMakeLists.txt).
 */
#ifndef DUBAN_ASSESS_H
#define DUBAN_ASSESS_H

#include <stdio.h>

#include <jansson.h>

#include "diag.h"

/*
 * Parses a rule file's contents buf[0..len) (file names it in
 * messages): {year, title, rules: {points, shares, deductions, bonus,
 * leader_evaluation}} with every number as decimal text and every
 * optional rule filled in with its default; or NULL after adding at
 * least one diagnostic.
 */
json_t	*assess_rules_parse(const char *file, const char *buf, size_t len,
	    struct diags *);
/*
 * Reads and parses the rule file at path; its SHA-256 (hex) in sha.
 * NULL after adding at least one diagnostic.
 */
json_t	*assess_rules_read_file(const char *path, char sha[65], struct diags *);

enum assess_format {
	ASSESS_TABLE,		/* the CLI's own */
	ASSESS_JSON,
	ASSESS_CSV,
	ASSESS_XLSX
};

/* "table", "json", "csv", "xlsx": 0 with *f, or -1. */
int		 assess_format_parse(const char *, enum assess_format *);
const char	*assess_content_type(enum assess_format);
/* A file name for the report: "2012年度考核表（截至2012-12-31）.xlsx";
 * allocated. */
char		*assess_filename(const json_t *report, enum assess_format);

/* A number of the report (a JSON number) as people write it: 10, 7.5,
 * -2; "0" for anything else. */
void		 assess_number(const json_t *, char *buf, size_t len);

/*
 * Writes the report (duban_assess_report's body) as CSV (with a BOM,
 * the lines, one a row) or XLSX to f.  0, or -1 with *cause allocated.
 * ASSESS_JSON writes it as it is; ASSESS_TABLE is refused.
 */
int		 assess_render(const json_t *report, enum assess_format, FILE *f,
		    char **cause);

#endif
