/*
 * Percentages as duban prints them, in one place: a share (0..1) rounded
 * half up (四舍五入, away from zero) on its exact decimal value to a tenth
 * of a percent.  0.6635 is "66.4%", 39810/60000 "66.4%", 2/3 "66.7%",
 * 0.0005 "0.1%", 0 "0.0%", 1 "100.0%": always one decimal, as the
 * workbook's 0.0% format shows it.  The report's renderers (lib/report), the reminders (lib/remind)
 * and the CLI call it; the database rounds the shares it sends the same
 * way (duban_ratio, migrations/functions/20-status.sql), so a figure
 * rounded there prints unchanged here.
 *
 * printf("%.1f") is not used for this: it rounds the binary value, and
 * 0.6635 as a double is 0.66349999…, which it prints as 66.3.
 */
#ifndef DUBAN_PERCENT_H
#define DUBAN_PERCENT_H

#include <stddef.h>

#include <jansson.h>

/* The buffer a percentage needs. */
#define PERCENT_LEN	32

/*
 * dec, a decimal share as text ("0.6635", "-0.125", "1", "5e-05": what
 * PostgreSQL's numeric or printf's %g writes), as a percentage in buf.
 * Returns 0, or -1 (buf "—") when dec is not a number or is too large.
 */
int	 percent_decimal(const char *dec, char *buf, size_t len);
/* num/den exactly; "—" when den is 0. */
void	 percent_fraction(long long num, long long den, char *buf, size_t len);
/*
 * x taken as the decimal it reads as with 15 significant digits: the
 * decimal that was parsed into it (a JSON number the database wrote), or
 * what a short sum of such decimals is meant to be.  "—" for NaN or
 * infinity.
 */
void	 percent_double(double x, char *buf, size_t len);
/* A JSON number (an integer or a real, as percent_double); "—" for
 * anything else (null: not reported, nothing to divide by). */
void	 percent_json(const json_t *v, char *buf, size_t len);

#endif
