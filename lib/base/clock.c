#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "xmalloc.h"

#define SHANGHAI_OFFSET	(8 * 3600)

static int	 fixed;		/* DUBAN_NOW is set */
static time_t	 fixed_at;	/* its value */
static struct timespec read_at;	/* the real time it was read at */
static int	 anchored;	/* read_at is the database's (clock_anchor) */

static int
digits(const char *s, int n, int *out)
{
	int	 i, v = 0;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return (0);
}

int
clock_parse(const char *s, time_t *out)
{
	struct ymd	 d;
	int		 hh = 0, mm = 0, ss = 0, oh = 0, om = 0, sign = 1;
	size_t		 len = strlen(s);
	const char	*p;
	long		 days;

	if (len < 10 || digits(s, 4, &d.y) || s[4] != '-' ||
	    digits(s + 5, 2, &d.m) || s[7] != '-' || digits(s + 8, 2, &d.d) ||
	    !date_valid(d.y, d.m, d.d))
		return (-1);
	p = s + 10;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (digits(p, 2, &hh) || p[2] != ':' || digits(p + 3, 2, &mm))
			return (-1);
		p += 5;
		if (*p == ':') {
			if (digits(p + 1, 2, &ss))
				return (-1);
			p += 3;
			/* Fractions of a second (PostgreSQL writes them): dropped. */
			if (*p == '.' && isdigit((unsigned char)p[1]))
				for (p++; isdigit((unsigned char)*p); p++)
					;
		}
		if (hh > 23 || mm > 59 || ss > 60)
			return (-1);
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (digits(p + 1, 2, &oh))
			return (-1);
		p += 3;
		if (*p == ':')
			p++;
		if (digits(p, 2, &om))
			return (-1);
		p += 2;
	} else if (*p == '\0') {
		/* No offset: a time in Asia/Shanghai, as everything here. */
		oh = 8;
	}
	if (*p != '\0')
		return (-1);
	days = date_to_days(&d);
	*out = (time_t)(days * 86400 + hh * 3600 + mm * 60 + ss) -
	    sign * (oh * 3600 + om * 60);
	return (0);
}

int
clock_init(char **cause)
{
	const char	*env = getenv("DUBAN_NOW");
	time_t		 t;

	if (env == NULL || *env == '\0') {
		fixed = anchored = 0;
		return (0);
	}
	if (clock_parse(env, &t) != 0) {
		xasprintf(cause, "DUBAN_NOW 的值“%s”不是有效的时间（如 2012-09-20T09:00+08:00）",
		    env);
		return (-1);
	}
	/* Read again with the same value (a reload): the clock runs on. */
	if (fixed && anchored && t == fixed_at)
		return (0);
	fixed = 1;
	anchored = 0;
	fixed_at = t;
	clock_gettime(CLOCK_REALTIME, &read_at);
	return (0);
}

int
clock_fixed(time_t *at)
{
	if (fixed && at != NULL)
		*at = fixed_at;
	return (fixed);
}

void
clock_anchor(time_t secs, long usecs)
{
	if (!fixed)
		return;
	read_at.tv_sec = secs;
	read_at.tv_nsec = usecs * 1000;
	anchored = 1;
}

/* Now, to the microsecond: DUBAN_NOW's time moving on, or the real one. */
static void
clock_now_ts(struct timespec *ts)
{
	struct timespec	 real;

	clock_gettime(CLOCK_REALTIME, &real);
	if (!fixed) {
		*ts = real;
		return;
	}
	ts->tv_sec = fixed_at + (real.tv_sec - read_at.tv_sec);
	ts->tv_nsec = real.tv_nsec - read_at.tv_nsec;
	if (ts->tv_nsec < 0) {
		ts->tv_nsec += 1000000000L;
		ts->tv_sec--;
	}
}

time_t
clock_now(void)
{
	struct timespec	 ts;

	clock_now_ts(&ts);
	return (ts.tv_sec);
}

void
clock_date(time_t t, struct ymd *out)
{
	long	 secs = (long)t + SHANGHAI_OFFSET;
	long	 days = secs / 86400;

	if (secs % 86400 < 0)
		days--;
	date_from_days(days, out);
}

void
clock_tm(time_t t, struct tm *tm)
{
	time_t	 local = t + SHANGHAI_OFFSET;

	gmtime_r(&local, tm);
}

void
clock_today(char buf[11])
{
	struct ymd	 d;

	clock_date(clock_now(), &d);
	date_format(&d, buf);
}

void
clock_format(time_t t, char buf[26])
{
	struct ymd	 d;
	long		 secs = (long)t + SHANGHAI_OFFSET;
	long		 s = secs % 86400;

	if (s < 0)
		s += 86400;
	clock_date(t, &d);
	snprintf(buf, 26, "%04d-%02d-%02dT%02ld:%02ld:%02ld+08:00",
	    d.y, d.m, d.d, s / 3600, s / 60 % 60, s % 60);
}

void
clock_now_iso(char buf[CLOCK_ISO_LEN])
{
	struct timespec	 ts;
	char		 base[32];

	clock_now_ts(&ts);
	clock_format(ts.tv_sec, base);
	/* "2012-09-20T09:00:00" ".123456" "+08:00": writes a moment apart
	 * are told apart (a write just after a round closes is not in it). */
	snprintf(buf, CLOCK_ISO_LEN, "%.19s.%06d%.6s", base, (int)(ts.tv_nsec / 1000 % 1000000), base + 19);
}
