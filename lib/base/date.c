#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"

int
date_is_leap(int y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

int
date_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m < 1 || m > 12)
		return (0);
	if (m == 2 && date_is_leap(y))
		return (29);
	return (days[m - 1]);
}

int
date_valid(int y, int m, int d)
{
	return (y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= date_days_in_month(y, m));
}

int
date_parse_iso(const char *s, struct ymd *out)
{
	int	 i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return (-1);
	out->y = atoi(s);
	out->m = atoi(s + 5);
	out->d = atoi(s + 8);
	return (date_valid(out->y, out->m, out->d) ? 0 : -1);
}

void
date_format(const struct ymd *d, char buf[11])
{
	/* The range check keeps the compiler's truncation analysis happy. */
	int	 y = d->y % 10000, m = d->m % 100, dd = d->d % 100;

	buf[0] = (char)('0' + y / 1000);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + dd / 10);
	buf[9] = (char)('0' + dd % 10);
	buf[10] = '\0';
}

int
date_cmp(const struct ymd *a, const struct ymd *b)
{
	if (a->y != b->y)
		return (a->y < b->y ? -1 : 1);
	if (a->m != b->m)
		return (a->m < b->m ? -1 : 1);
	if (a->d != b->d)
		return (a->d < b->d ? -1 : 1);
	return (0);
}

/* Howard Hinnant's days_from_civil / civil_from_days. */
long
date_to_days(const struct ymd *d)
{
	long	 y = d->y - (d->m <= 2);
	long	 era = (y >= 0 ? y : y - 399) / 400;
	long	 yoe = y - era * 400;
	long	 doy = (153 * (d->m + (d->m > 2 ? -3 : 9)) + 2) / 5 + d->d - 1;
	long	 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return (era * 146097 + doe - 719468);
}

void
date_from_days(long z, struct ymd *out)
{
	long	 era, doe, yoe, y, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	out->d = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->m = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->y = (int)(y + (out->m <= 2));
}

int
date_weekday(const struct ymd *d)
{
	/* 1970-01-01 was a Thursday. */
	long	 n = date_to_days(d);

	return ((int)(((n % 7) + 7 + 3) % 7));
}
