/*
 * The working-day calendar files (plans/calendar/NAME.yaml): for each year,
 * the State Council notice's days off and adjusted working days.  Read
 * with the same bounded YAML reader as plans, and flattened to the JSON
 * that duban_load_calendar() takes: {years: [{year, source, days:
 * [{day, kind, name}]}]}.
 */
#ifndef DUBAN_CALENDAR_H
#define DUBAN_CALENDAR_H

#include <jansson.h>

#include "diag.h"

json_t	*calendar_read_file(const char *path, struct diags *);

#endif
