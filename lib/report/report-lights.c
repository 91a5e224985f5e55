/*
 * The report's 红黄绿灯, 临期, 处室排名 and 落款 in words, for every format
 * (report.h): what the database decided (migrations/functions/
 * 62-lights.sql, 60-reports.sql), worded once so that the formats say the
 * same thing.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "words.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))

const char *
report_light_label(const char *light)
{
	if (light == NULL)
		return ("");
	return (word_or(VOCAB_LIGHT, light, ""));
}

void
report_light_phrase(const json_t *item, char *buf, size_t len)
{
	const char	*l = report_light_label(S(item, "light"));

	snprintf(buf, len, "%s%s%s%s", *l != '\0' ? l : "—",
	    json_is_true(json_object_get(item, "due_soon")) ? "（" REPORT_DUE_SOON "）" : "",
	    json_is_true(json_object_get(item, "unassigned")) ? "；" : "",
	    json_is_true(json_object_get(item, "unassigned")) ? REPORT_NO_LEAD : "");
}

int
report_office_ranked(const json_t *o)
{
	const json_t	*ranked = json_object_get(o, "ranked");

	if (json_is_boolean(ranked))
		return (json_is_true(ranked));
	return (json_is_integer(json_object_get(o, "rank")));
}

void
report_rank(const json_t *o, char *buf, size_t len)
{
	if (report_office_ranked(o))
		snprintf(buf, len, "%lld",
		    (long long)json_integer_value(json_object_get(o, "rank")));
	else
		snprintf(buf, len, "—");
}

void
report_signature(const json_t *r, char *org, size_t orglen, char *date, size_t datelen)
{
	snprintf(org, orglen, "%s", S(r, "organisation") ? S(r, "organisation") : "");
	report_date_cn(S(r, "as_of"), date, datelen);
}
