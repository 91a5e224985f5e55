/*
 * Calendar dates and the deadline forms of Chinese plan documents:
 * ISO dates, 全年 / 年内, 2012年9月, 2012年10月底, 上半年, 第三季度, 寒假 …
 * Every form names a period and means its last day.  See
 * docs/plan-format.md, "Deadline forms".
 */
#ifndef DUBAN_DEADLINE_H
#define DUBAN_DEADLINE_H

struct ymd {
	int	y, m, d;
};

int	date_is_leap(int y);
int	date_days_in_month(int y, int m);
int	date_valid(int y, int m, int d);
/* Parses exactly "YYYY-MM-DD" and checks the date exists.  0 or -1. */
int	date_parse_iso(const char *, struct ymd *);
/* Writes "YYYY-MM-DD" into buf, which must hold 11 bytes. */
void	date_format(const struct ymd *, char buf[11]);
int	date_cmp(const struct ymd *, const struct ymd *);
/* Days since 1970-01-01 (proleptic Gregorian), and back. */
long	date_to_days(const struct ymd *);
void	date_from_days(long, struct ymd *);

/*
 * Parses a deadline form for a plan of the given year.  On success
 * returns 0 and fills *out.  On failure returns -1 and sets *cause to an
 * allocated message in Chinese (nothing else is changed).  Dates before
 * 1 January of plan_year, or more than ten years after it, are refused.
 */
int	deadline_parse(const char *form, int plan_year, struct ymd *out,
	    char **cause);

#endif
