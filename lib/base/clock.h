/*
 * The clock.  Tests set DUBAN_NOW (an ISO 8601 time with offset, e.g.
 * 2012-09-20T09:00+08:00) instead of waiting for time to pass.  Dates are
 * Asia/Shanghai: UTC+8 all year (China has not used summer time since
 * 1991), computed here without the process's TZ.
 */
#ifndef DUBAN_CLOCK_H
#define DUBAN_CLOCK_H

#include <time.h>

#include "date.h"

/*
 * Parses DUBAN_NOW if set.  Returns 0, or -1 with *cause when it is set
 * but not a time.  Call once at start (and on reload).
 */
int	clock_init(char **cause);
/* Whether DUBAN_NOW is set; its instant in *at (at may be NULL). */
int	clock_fixed(time_t *at);
/*
 * DUBAN_NOW's clock runs from this real time (seconds, microseconds),
 * not from when this process read it: the time its value was first used
 * with the database (lib/store/db.h db_clock_share), so that duband and
 * the CLI read the same time.
 */
void	clock_anchor(time_t secs, long usecs);
/* Parses an ISO 8601 time; 0 or -1. */
int	clock_parse(const char *, time_t *);
/* Now: DUBAN_NOW's time, moving on from its anchor (when it was first
 * used with the database, or read), or the real one. */
time_t	clock_now(void);
/* The date in Asia/Shanghai of a time. */
void	clock_date(time_t, struct ymd *);
/* The broken-down time in Asia/Shanghai (tm_gmtoff and tm_zone are
 * UTC's). */
void	clock_tm(time_t, struct tm *);
/* Today in Asia/Shanghai, as "YYYY-MM-DD". */
void	clock_today(char buf[11]);

/* A time as ISO 8601 in Asia/Shanghai: "2012-09-20T09:00:00+08:00". */
void	clock_format(time_t, char buf[26]);
/* Now, to the microsecond ("2012-09-20T09:00:00.123456+08:00"): what
 * the writes record as their time. */
#define CLOCK_ISO_LEN	48
void	clock_now_iso(char buf[CLOCK_ISO_LEN]);

#endif
