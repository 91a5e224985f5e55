/*
 * Scoring plan drafts against the shipped plans (draft-score.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "date.h"
#include "deadline.h"
#include "diag.h"
#include "docx.h"
#include "draft-score.h"
#include "draft.h"
#include "plan.h"
#include "xmalloc.h"

const char *const score_names[SC_COUNT] = { "tasks", "targets", "lead",
    "responsible", "deadlines" };

double
score_recall(const struct score *s, enum score_cat c)
{
	return (s->shipped[c] == 0 ? 1.0 : (double)s->hit[c] / s->shipped[c]);
}

double
score_precision(const struct score *s, enum score_cat c)
{
	return (s->drafted[c] == 0 ? 1.0 : (double)s->hit[c] / s->drafted[c]);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		if (f != NULL)
			fclose(f);
		return (NULL);
	}
	buf = xmalloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return (buf);
}

/* A title or number as compared: no spaces, no final stop, brackets and
 * the 、 or . after a number left out. */
static char *
norm(const char *s)
{
	static const char *const drop[] = { " ", "（", "）", "(", ")", "、",
	    ".", "．", "。", "；", "：", NULL };
	char	*out = xmalloc(strlen(s) + 1), *o = out;

	while (*s != '\0') {
		int k;

		for (k = 0; drop[k] != NULL; k++)
			if (strncmp(s, drop[k], strlen(drop[k])) == 0)
				break;
		if (drop[k] != NULL) {
			s += strlen(drop[k]);
			continue;
		}
		*o++ = *s++;
	}
	*o = '\0';
	return (out);
}

static int
same_task(json_t *a, json_t *b)
{
	char	*ta = norm(json_string_value(json_object_get(a, "title")));
	char	*tb = norm(json_string_value(json_object_get(b, "title")));
	char	*na = norm(json_string_value(json_object_get(a, "number")));
	char	*nb = norm(json_string_value(json_object_get(b, "number")));
	int	 r = strcmp(ta, tb) == 0 && strcmp(na, nb) == 0;

	free(ta);
	free(tb);
	free(na);
	free(nb);
	return (r);
}

/* A target's value in the unit it is compared in (sums in 元). */
static void
target_norm(json_t *t, double *v, char **unit)
{
	const char	*u = json_string_value(json_object_get(t, "unit"));
	const char	*val = json_string_value(json_object_get(t, "value"));

	*v = val ? strtod(val, NULL) : 0;
	*unit = norm(u ? u : "");
	if (strcmp(*unit, "万元") == 0) {
		*v *= 1e4;
		strcpy(*unit, "元");
	} else if (strcmp(*unit, "亿元") == 0) {
		*v *= 1e8;
		strcpy(*unit, "元");
	}
}

static size_t
targets_hit(json_t *a, json_t *b)
{
	json_t	*ta = json_object_get(a, "targets");
	json_t	*tb = json_object_get(b, "targets");
	size_t	 i, k, hit = 0, nb = json_array_size(tb);
	char	*used = xcalloc(nb + 1, 1);

	for (i = 0; i < json_array_size(ta); i++) {
		double va, vb;
		char *ua, *ub;

		target_norm(json_array_get(ta, i), &va, &ua);
		for (k = 0; k < nb; k++) {
			if (used[k])
				continue;
			target_norm(json_array_get(tb, k), &vb, &ub);
			int eq = fabs(va - vb) < 1e-6 && strcmp(ua, ub) == 0;

			free(ub);
			if (eq) {
				used[k] = 1;
				hit++;
				break;
			}
		}
		free(ua);
	}
	free(used);
	return (hit);
}

static size_t
roles_count(json_t *t, const char *role)
{
	json_t	*r;
	size_t	 i, n = 0;

	json_array_foreach(json_object_get(t, "roles"), i, r)
		n += strcmp(json_string_value(json_object_get(r, "role")),
		    role) == 0;
	return (n);
}

static size_t
roles_hit(json_t *a, json_t *b, const char *role)
{
	json_t	*r, *s;
	size_t	 i, k, hit = 0;

	json_array_foreach(json_object_get(a, "roles"), i, r) {
		if (strcmp(json_string_value(json_object_get(r, "role")),
		    role) != 0)
			continue;
		json_array_foreach(json_object_get(b, "roles"), k, s)
			if (strcmp(json_string_value(json_object_get(s, "role")),
			    role) == 0 && json_equal(json_object_get(r,
			    "office"), json_object_get(s, "office"))) {
				hit++;
				break;
			}
	}
	return (hit);
}

/*
 * Each task's deadline as a date in the given year ("due"): its form
 * parsed against that year, or the latest of its subtasks'.  So a draft
 * whose year is wrong is still judged on the deadlines it read.
 */
static void
deadlines_at(json_t *plan, int year)
{
	json_t		*tasks = json_object_get(plan, "tasks"), *t, *latest;
	const char	*form, *parent, *prev;
	struct ymd	 due;
	char		*cause = NULL, iso[11];
	size_t		 i;

	latest = json_object();
	for (i = json_array_size(tasks); i-- > 0;) {
		t = json_array_get(tasks, i);
		form = json_string_value(json_object_get(t, "deadline_form"));
		if (form != NULL && deadline_parse(form, year, &due, &cause) == 0) {
			date_format(&due, iso);
			json_object_set_new(t, "due", json_string(iso));
		} else if (json_object_get(latest, json_string_value(
		    json_object_get(t, "key"))) != NULL)
			json_object_set(t, "due", json_object_get(latest,
			    json_string_value(json_object_get(t, "key"))));
		else
			json_object_set(t, "due", json_object_get(t,
			    "deadline"));
		free(cause);
		cause = NULL;
		parent = json_string_value(json_object_get(t, "parent"));
		if (parent == NULL)
			continue;
		prev = json_string_value(json_object_get(latest, parent));
		if (prev == NULL || strcmp(prev, json_string_value(
		    json_object_get(t, "due"))) < 0)
			json_object_set(latest, parent, json_object_get(t, "due"));
	}
	json_decref(latest);
}

static void
count(json_t *plan, size_t *n)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(json_object_get(plan, "tasks"), i, t) {
		n[SC_TASKS]++;
		n[SC_DEADLINE]++;
		n[SC_TARGETS] += json_array_size(json_object_get(t, "targets"));
		n[SC_LEAD] += roles_count(t, "lead");
		n[SC_RESP] += roles_count(t, "responsible");
	}
}

int
score_seed(const char *doc, const char *planpath, int year, struct score *s,
    char **cause)
{
	struct draft_opts o = { 0 };
	struct draft	 dr;
	struct diags	 d;
	json_t		*dp, *sp, *a, *b;
	char		*buf, *text, *slash;
	size_t		 len, tlen, i, k;
	int		 unsup;

	memset(s, 0, sizeof *s);
	if ((buf = slurp(doc, &len)) == NULL) {
		*cause = xprintf("cannot read %s", doc);
		return (-1);
	}
	slash = strrchr(doc, '/');
	text = docx_document_text(slash ? slash + 1 : doc, buf, len, &tlen,
	    &unsup, cause);
	free(buf);
	if (text == NULL)
		return (-1);
	o.file = slash ? slash + 1 : doc;
	o.year = year;
	if (draft_make(text, tlen, &o, &dr, cause) != 0) {
		free(text);
		return (-1);
	}
	free(text);
	s->checks = dr.checks;
	diags_init(&d);
	dp = plan_parse("draft.yaml", dr.yaml, dr.len, &d);
	/* Refused: errors (warnings alone leave the plan). */
	if (dp == NULL) {
		char *p = NULL;
		size_t n = 0;
		FILE *f = open_memstream(&p, &n);

		diags_print(&d, f);
		fclose(f);
		s->problems = p;
	}
	diags_free(&d);
	draft_free(&dr);
	diags_init(&d);
	sp = plan_read_file(planpath, &d);
	diags_free(&d);
	if (dp == NULL || sp == NULL) {
		json_decref(dp);
		json_decref(sp);
		*cause = xprintf("%s", dp == NULL ? "the draft is not a valid plan" :
		    "the shipped plan is not valid");
		return (dp == NULL ? 0 : -1);
	}
	s->year_right = json_integer_value(json_object_get(dp, "year")) ==
	    json_integer_value(json_object_get(sp, "year"));
	deadlines_at(dp, (int)json_integer_value(json_object_get(sp, "year")));
	deadlines_at(sp, (int)json_integer_value(json_object_get(sp, "year")));
	count(dp, s->drafted);
	count(sp, s->shipped);
	size_t nd = json_array_size(json_object_get(dp, "tasks"));
	char *used = xcalloc(nd + 1, 1);

	json_array_foreach(json_object_get(sp, "tasks"), i, b) {
		for (k = 0; k < nd; k++) {
			a = json_array_get(json_object_get(dp, "tasks"), k);
			if (!used[k] && same_task(a, b))
				break;
		}
		if (k == nd)
			continue;
		used[k] = 1;
		s->hit[SC_TASKS]++;
		s->hit[SC_TARGETS] += targets_hit(a, b);
		s->hit[SC_LEAD] += roles_hit(a, b, "lead");
		s->hit[SC_RESP] += roles_hit(a, b, "responsible");
		s->hit[SC_DEADLINE] += json_equal(json_object_get(a, "due"),
		    json_object_get(b, "due"));
	}
	free(used);
	json_decref(dp);
	json_decref(sp);
	return (0);
}
