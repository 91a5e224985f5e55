/*
 * Percentages rounded half up (四舍五入) on the decimal value
 * (lib/base/percent.c): the figures the issue names, the ones binary
 * rounding gets wrong, and what the database hands the renderers.
 */
#include <math.h>
#include <stdio.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "percent.h"

static void
expect_decimal(const char *dec, const char *want)
{
	char	 buf[PERCENT_LEN];

	cr_expect_eq(percent_decimal(dec, buf, sizeof buf), 0, "%s", dec);
	cr_expect_str_eq(buf, want, "%s", dec);
}

static void
expect_fraction(long long num, long long den, const char *want)
{
	char	 buf[PERCENT_LEN];

	percent_fraction(num, den, buf, sizeof buf);
	cr_expect_str_eq(buf, want, "%lld/%lld", num, den);
}

Test(percent, the_published_figures)
{
	expect_decimal("0.6635", "66.4%");
	expect_decimal("0.0005", "0.1%");
	expect_fraction(39810, 60000, "66.4%");
	expect_fraction(2, 3, "66.7%");
	expect_fraction(1, 8, "12.5%");
	/* Always one decimal, as the workbook's 0.0% shows it. */
	expect_fraction(0, 1, "0.0%");
	expect_decimal("0", "0.0%");
	expect_decimal("1", "100.0%");
}

Test(percent, half_up_on_the_decimal_not_the_binary_value)
{
	char	 buf[PERCENT_LEN], naive[PERCENT_LEN];

	/* What printf makes of the double. */
	snprintf(naive, sizeof naive, "%.1f%%", 0.6635 * 100);
	cr_expect_str_eq(naive, "66.3%", "this libc rounds 0.6635 binary-wise: %s", naive);
	percent_double(0.6635, buf, sizeof buf);
	cr_expect_str_eq(buf, "66.4%");
	percent_double(39810.0 / 60000.0, buf, sizeof buf);
	cr_expect_str_eq(buf, "66.4%");
	percent_double(0.0005, buf, sizeof buf);
	cr_expect_str_eq(buf, "0.1%");
	percent_double(1.0 / 3, buf, sizeof buf);
	cr_expect_str_eq(buf, "33.3%");
	/* Just under a half stays down, exactly. */
	expect_decimal("0.66349999", "66.3%");
	expect_decimal("0.00049", "0.0%");
	expect_fraction(66349, 100000, "66.3%");
	expect_fraction(6635, 10000, "66.4%");
	/* Half up is away from zero, as PostgreSQL's round() on numeric. */
	expect_decimal("-0.6635", "-66.4%");
	expect_fraction(-1, 8, "-12.5%");
	expect_decimal("-0.0004", "0.0%");
}

Test(percent, decimals_as_the_database_and_printf_write_them)
{
	char	 buf[PERCENT_LEN];

	expect_decimal("0.66350000000000000000", "66.4%");	/* numeric */
	expect_decimal("0.664", "66.4%");			/* duban_ratio */
	expect_decimal("5e-05", "0.0%");				/* %g */
	expect_decimal("5E-04", "0.1%");
	expect_decimal("1.5e2", "15000.0%");
	expect_decimal(".5", "50.0%");
	expect_decimal("+0.125", "12.5%");
	expect_decimal("0.99996", "100.0%");
	expect_decimal("0.9994", "99.9%");
	expect_decimal("0.0095", "1.0%");
	cr_expect_eq(percent_decimal("abc", buf, sizeof buf), -1);
	cr_expect_str_eq(buf, "—");
	cr_expect_eq(percent_decimal("0.5x", buf, sizeof buf), -1);
	cr_expect_eq(percent_decimal("", buf, sizeof buf), -1);
	cr_expect_eq(percent_decimal(NULL, buf, sizeof buf), -1);
	cr_expect_eq(percent_decimal("1e999", buf, sizeof buf), -1);
	cr_expect_eq(percent_decimal("123456789012345678", buf, sizeof buf), -1);
	expect_fraction(1, 0, "—");
	percent_double(NAN, buf, sizeof buf);
	cr_expect_str_eq(buf, "—");
}

Test(percent, json_numbers)
{
	char	 buf[PERCENT_LEN];
	json_t	*v = json_loads("[0.6635, 1, 0, null, \"0.5\", 0.749]", JSON_DECODE_ANY, NULL);

	cr_assert_not_null(v);
	percent_json(json_array_get(v, 0), buf, sizeof buf);
	cr_expect_str_eq(buf, "66.4%");
	percent_json(json_array_get(v, 1), buf, sizeof buf);
	cr_expect_str_eq(buf, "100.0%");
	percent_json(json_array_get(v, 2), buf, sizeof buf);
	cr_expect_str_eq(buf, "0.0%");
	percent_json(json_array_get(v, 3), buf, sizeof buf);
	cr_expect_str_eq(buf, "—");
	percent_json(json_array_get(v, 4), buf, sizeof buf);
	cr_expect_str_eq(buf, "—");
	percent_json(json_array_get(v, 5), buf, sizeof buf);
	cr_expect_str_eq(buf, "74.9%");
	json_decref(v);
}
