/*
 * Calendar dates: the proleptic Gregorian calendar, years 1 to 9999,
 * with no time of day and no time zone (clock.h turns a time into the
 * date in Asia/Shanghai).  The one home of date arithmetic in duban:
 * leap years, month lengths, ISO 8601 text and day counts.
 */
#ifndef DUBAN_DATE_H
#define DUBAN_DATE_H

struct ymd {
	int	y, m, d;
};

int	date_is_leap(int y);
/* The days in month m of year y; 0 if m is not 1 to 12. */
int	date_days_in_month(int y, int m);
/* Whether the date exists (and its year is 1 to 9999). */
int	date_valid(int y, int m, int d);
/* Parses exactly "YYYY-MM-DD" and checks the date exists.  0, or -1 (for
 * NULL too) and *out may be changed. */
int	date_parse_iso(const char *, struct ymd *);
/* Writes "YYYY-MM-DD" into buf, which must hold 11 bytes. */
void	date_format(const struct ymd *, char buf[11]);
int	date_cmp(const struct ymd *, const struct ymd *);
/* Days since 1970-01-01 (proleptic Gregorian), and back. */
long	date_to_days(const struct ymd *);
void	date_from_days(long, struct ymd *);
/* The day of the week: 0 Monday ... 6 Sunday. */
int	date_weekday(const struct ymd *);

#endif
