/*
 * Percentages rounded half up on the decimal value (see percent.h): the
 * share's decimal digits are read as text, moved three places (tenths of
 * a percent), and the first digit dropped decides the rounding.  No
 * binary floating point touches the digits.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "percent.h"

/* Tenths of a percent fit in this many digits (and far more than any
 * share a report holds). */
#define MAX_DIGITS	17

static void
put_tenths(unsigned long long t, int negative, char *buf, size_t len)
{
	const char	*sign = negative && t > 0 ? "-" : "";

	snprintf(buf, len, "%s%llu.%llu%%", sign, t / 10, t % 10);
}

int
percent_decimal(const char *s, char *buf, size_t len)
{
	char		 d[64];
	size_t		 n = 0, i, keep;
	long		 exp10 = 0, e;
	int		 negative = 0, any = 0, point = 0, round_up;
	unsigned long long t = 0;
	char		*end;

	if (s == NULL)
		goto bad;
	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	/* The digits without the point, and where the point was. */
	for (; *s != '\0'; s++) {
		if (*s == '.' && !point) {
			point = 1;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			break;
		any = 1;
		if (n == 0 && *s == '0') {	/* leading zeros say nothing */
			if (point)
				exp10--;
			continue;
		}
		if (n >= sizeof d - 1)
			goto bad;
		d[n++] = *s;
		if (point)
			exp10--;
	}
	if (!any)
		goto bad;
	if (*s == 'e' || *s == 'E') {
		e = strtol(s + 1, &end, 10);
		if (end == s + 1 || *end != '\0' || e > 40 || e < -400)
			goto bad;
		exp10 += e;
	} else if (*s != '\0')
		goto bad;
	d[n] = '\0';

	/* The value is d × 10^exp10; in tenths of a percent, × 10^(exp10+3). */
	exp10 += 3;
	if (exp10 >= 0) {
		if ((long)n + exp10 > MAX_DIGITS)
			goto bad;
		for (i = 0; i < n; i++)
			t = t * 10 + (unsigned long long)(d[i] - '0');
		for (e = 0; e < exp10; e++)
			t *= 10;
	} else {
		/* Drop the last -exp10 digits; the first of them rounds. */
		keep = (size_t)-exp10 >= n ? 0 : n - (size_t)-exp10;
		if (keep > MAX_DIGITS)
			goto bad;
		for (i = 0; i < keep; i++)
			t = t * 10 + (unsigned long long)(d[i] - '0');
		round_up = (size_t)-exp10 <= n && d[keep] >= '5';
		t += round_up;
	}
	put_tenths(t, negative, buf, len);
	return (0);
bad:
	snprintf(buf, len, "—");
	return (-1);
}

void
percent_fraction(long long num, long long den, char *buf, size_t len)
{
	unsigned long long n, q, r;
	int		 negative;

	if (den == 0) {
		snprintf(buf, len, "—");
		return;
	}
	negative = (num < 0) != (den < 0);
	n = num < 0 ? 0ULL - (unsigned long long)num : (unsigned long long)num;
	q = den < 0 ? 0ULL - (unsigned long long)den : (unsigned long long)den;
	/* Tenths of a percent: n × 1000 / q, half up: remainder × 2 ≥ q. */
	if (n > (~0ULL) / 1000) {
		snprintf(buf, len, "—");
		return;
	}
	r = n * 1000 % q;
	put_tenths(n * 1000 / q + (r >= q - r), negative, buf, len);
}

void
percent_double(double x, char *buf, size_t len)
{
	char	 dec[64];

	if (!isfinite(x)) {
		snprintf(buf, len, "—");
		return;
	}
	snprintf(dec, sizeof dec, "%.15g", x);
	(void)percent_decimal(dec, buf, len);
}

void
percent_json(const json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		percent_fraction(json_integer_value(v), 1, buf, len);
	else if (json_is_real(v))
		percent_double(json_real_value(v), buf, len);
	else
		snprintf(buf, len, "—");
}
