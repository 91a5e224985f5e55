/*
 * The deadline forms of Chinese plan documents:
 * ISO dates, 全年 / 年内, 2012年9月, 2012年10月底, 3月中旬, 上半年, 第三季度末,
 * 寒假, 春季学期, 9月开学前, ranges (3月至6月) …  Every form names a period
 * and means its last day.  See docs/plan-format.md, "Deadline forms".
 * Called by the plan reader (yfield.c, plan.c) and `duban plan draft`.
 */
#ifndef DUBAN_DEADLINE_H
#define DUBAN_DEADLINE_H

#include "date.h"

/*
 * Parses a deadline form for a plan of the given year.  On success
 * returns 0 and fills *out.  On failure returns -1 and sets *cause to an
 * allocated message in Chinese (nothing else is changed).  Dates before
 * 1 January of plan_year, or more than ten years after it, are refused.
 */
int	deadline_parse(const char *form, int plan_year, struct ymd *out,
	    char **cause);

#endif
