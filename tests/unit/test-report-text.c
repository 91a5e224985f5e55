/*
 * The quarterly report's plain formats (CSV and Markdown) with hostile
 * user text: formulas in CSV cells are neutralised and stay visible as
 * text; Markdown syntax in user text is escaped and shown as written.
 * The stored reports are tests/fixtures/reports; each test puts its own
 * text into one of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "report.h"
#include "support.h"
#include "xmalloc.h"

#define G(o, k)		json_object_get((o), (k))

/* jilin-2012Q3 with the first task's last update's note set to note. */
static json_t *
with_note(const char *note)
{
	json_t	*r = t_load_json("tests/fixtures/reports/jilin-2012Q3.json");
	json_t	*t = json_array_get(G(r, "tasks"), 0), *u = G(t, "last_update");

	cr_assert(json_is_object(t));
	if (!json_is_object(u)) {
		u = json_object();
		json_object_set_new(t, "last_update", u);
	}
	json_object_set_new(u, "note", json_string(note));
	json_object_del(u, "problems");
	json_object_del(u, "next_steps");
	json_object_del(u, "coordination");
	json_object_set_new(t, "instructions", json_array());
	return (r);
}

static char *
render(int (*fn)(const json_t *, FILE *, char **), const json_t *r)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	cr_assert(f != NULL);
	cr_assert_eq(fn(r, f, &cause), 0, "%s", cause ? cause : "?");
	fclose(f);
	return (buf);
}

static int
csv_tasks(const json_t *r, FILE *f, char **cause)
{
	return (report_csv(r, VIEW_TASKS, f, cause));
}

static int
csv_targets(const json_t *r, FILE *f, char **cause)
{
	return (report_csv(r, VIEW_TARGETS, f, cause));
}

Test(report_csv, formulas_are_neutralised)
{
	static const struct { const char *note, *cell; } cases[] = {
		{ "=IMPORTXML(\"http://x.example/\",\"//a\")",
		  ",\"'=IMPORTXML(\"\"http://x.example/\"\",\"\"//a\"\")\"," },
		{ "+1+cmd|' /C calc'!A0", ",\"'+1+cmd|' /C calc'!A0\"," },
		{ "-2+3", ",\"'-2+3\"," },
		{ "@SUM(A1:A9)", ",\"'@SUM(A1:A9)\"," },
		{ "\t=1+1", ",\"'\t=1+1\"," },
		{ "\r=1+1", ",\"'\r=1+1\"," },
		/* A plain number is a number; text after = elsewhere is text. */
		{ "-3", ",-3," },
		{ "完成 =1+1", ",完成 =1+1," },
	};
	size_t	 i;
	json_t	*r;
	char	*csv;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = with_note(cases[i].note);
		csv = render(csv_tasks, r);
		cr_expect(strstr(csv, cases[i].cell) != NULL,
		    "note %s: want %s in\n%.600s", cases[i].note, cases[i].cell,
		    strstr(csv, "\r\n1,") ? strstr(csv, "\r\n1,") : csv);
		free(csv);
		json_decref(r);
	}
}

/* A negative baseline in the targets' numeric columns stays a number. */
Test(report_csv, negative_numbers_stay_numbers)
{
	json_t	*r = with_note("x"), *g;
	char	*csv;

	g = json_array_get(G(json_array_get(G(r, "tasks"), 0), "targets"), 0);
	json_object_set_new(g, "baseline", json_integer(-5));
	json_object_set_new(g, "current", json_real(-2.5));
	json_object_set_new(g, "percent", json_real(-0.125));
	json_object_set_new(g, "name", json_string("=HYPERLINK(\"http://x.example\")"));
	csv = render(csv_targets, r);
	cr_expect(strstr(csv, ",\"'=HYPERLINK(\"\"http://x.example\"\")\",%,25%,-5,-2.5,"
	    "-12.5%,") != NULL, "%.800s", csv);
	free(csv);
	json_decref(r);
}
