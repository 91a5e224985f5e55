/*
 * The 任务分解表 (lib/plan/sheetplan.h) without a database: every shipped
 * plan written as a workbook reads back as the same normalised plan as
 * its YAML file; the template reads as a valid plan; bureau-style
 * merged cells are understood; and the malformed corpus (sheetplan-bad.c,
 * built here with libxlsxwriter) is refused naming each cell.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "diag.h"
#include "plan.h"
#include "report.h"
#include "sheetplan.h"
#include "sheetplan-corpus.h"
#include "support.h"
#include "xmalloc.h"
#include "ytree.h"

/* A YAML tree as the plan document the export gives (numbers as text). */
static json_t *
tree_json(const struct ynode *n)
{
	json_t	*o;
	size_t	 i;

	switch (n->type) {
	case YN_MAP:
		o = json_object();
		for (i = 0; i < n->n; i++)
			json_object_set_new(o, YMAP_KEY(n, i)->str,
			    tree_json(YMAP_VAL(n, i)));
		return (o);
	case YN_SEQ:
		o = json_array();
		for (i = 0; i < n->n; i++)
			json_array_append_new(o, tree_json(n->kids[i]));
		return (o);
	default:
		if (ytree_is_null(n))
			return (json_null());
		return (json_string(n->str));
	}
}

static json_t *
yaml_doc(const char *path)
{
	struct diags	 d;
	struct ynode	*root;
	size_t		 len;
	char		*buf;
	json_t		*doc;

	diags_init(&d);
	buf = t_read_file(path, &len);
	root = ytree_parse(path, buf, len, &d);
	cr_assert(root != NULL);
	doc = tree_json(root);
	ytree_free(root);
	free(buf);
	diags_free(&d);
	return (doc);
}

/* doc written as a workbook, in memory. */
static char *
workbook(const json_t *doc, size_t *len)
{
	char	*buf = NULL, *cause = NULL;
	FILE	*f = open_memstream(&buf, len);

	cr_assert(f != NULL);
	cr_assert(report_via_file(sheetplan_write, doc, f, &cause) == 0, "%s",
	    cause ? cause : "");
	fclose(f);
	return (buf);
}

static char *
diag_text(const struct diags *d)
{
	char	*buf = NULL;
	size_t	 len;
	FILE	*f = open_memstream(&buf, &len);

	diags_print(d, f);
	fclose(f);
	return (buf);
}

/* With SHEETPLAN_SEEDS=DIR, the workbooks are kept there: the fuzz
 * harness's seeds (tests/fuzz/corpus/sheetplan). */
static void
seed(const char *name, const char *buf, size_t len)
{
	const char	*dir = getenv("SHEETPLAN_SEEDS");
	char		*path;

	if (dir == NULL || *dir == '\0')
		return;
	path = xprintf("%s/%s.xlsx", dir, name);
	t_write_file(path, buf, len);
	free(path);
}

static void
roundtrip(const char *name)
{
	char		*path = xprintf("%s/plans/%s.yaml", DUBAN_SOURCE_DIR, name);
	char		*yaml, *xlsx, *text, *a, *b;
	size_t		 ylen, xlen;
	struct diags	 d;
	json_t		*doc, *want, *got;

	doc = yaml_doc(path);
	yaml = t_read_file(path, &ylen);
	diags_init(&d);
	want = plan_parse(path, yaml, ylen, &d);
	cr_assert(want != NULL);
	xlsx = workbook(doc, &xlen);
	seed(name, xlsx, xlen);
	got = sheetplan_parse("x.xlsx", xlsx, xlen, &d);
	text = diag_text(&d);
	cr_assert(got != NULL, "%s: %s", name, text);
	a = json_dumps(want, JSON_INDENT(1) | JSON_SORT_KEYS);
	b = json_dumps(got, JSON_INDENT(1) | JSON_SORT_KEYS);
	if (strcmp(a, b) != 0) {
		char *pa = xprintf("/tmp/%s-want.json", name);
		char *pb = xprintf("/tmp/%s-got.json", name);

		t_write_file(pa, a, strlen(a));
		t_write_file(pb, b, strlen(b));
		cr_expect_fail("%s: the workbook reads as a different plan (see %s)",
		    name, pb);
		free(pa);
		free(pb);
	}
	free(a);
	free(b);
	free(text);
	json_decref(doc);
	json_decref(want);
	json_decref(got);
	diags_free(&d);
	free(xlsx);
	free(yaml);
	free(path);
}

Test(sheetplan, baicheng_poverty_round_trips) { roundtrip("baicheng-poverty"); }
Test(sheetplan, changchun_2017_round_trips) { roundtrip("changchun-2017"); }
Test(sheetplan, changchun_2021_round_trips) { roundtrip("changchun-2021"); }
Test(sheetplan, jilin_2012_round_trips) { roundtrip("jilin-2012"); }
Test(sheetplan, linyi_2019_round_trips) { roundtrip("linyi-2019"); }

Test(sheetplan, the_template_is_a_valid_plan)
{
	char		*buf = NULL, *cause = NULL, *text;
	size_t		 len;
	FILE		*f = open_memstream(&buf, &len);
	struct diags	 d;
	json_t		*p;

	cr_assert(report_via_file(sheetplan_template, NULL, f, &cause) == 0);
	fclose(f);
	seed("template", buf, len);
	diags_init(&d);
	p = sheetplan_parse("template.xlsx", buf, len, &d);
	text = diag_text(&d);
	cr_assert(p != NULL, "%s", text);
	cr_expect_eq(json_array_size(json_object_get(p, "tasks")), 1);
	json_decref(p);
	free(text);
	diags_free(&d);
	free(buf);
}

/* ---------------------------------------------------------------- */
/* Workbooks as bureaus make them */

static json_t *
parse_book(const struct corpus_book *b, char **text)
{
	struct diags	 d;
	size_t		 len;
	char		*buf = corpus_build(b, &len);
	json_t		*p;

	diags_init(&d);
	p = sheetplan_parse("b.xlsx", buf, len, &d);
	*text = diag_text(&d);
	diags_free(&d);
	free(buf);
	return (p);
}

Test(sheetplan, merged_task_cells_cover_the_target_rows)
{
	struct corpus_book	 b;
	json_t			*p, *t, *g;
	char			*text;

	corpus_base(&b);
	p = parse_book(&b, &text);
	cr_assert(p != NULL, "%s", text);
	/* Task 1 spans rows 2-3 (two targets), task 2 row 4. */
	t = json_array_get(json_object_get(p, "tasks"), 0);
	g = json_object_get(t, "targets");
	cr_expect_eq(json_array_size(g), 2);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(g, 1),
	    "value")), "1200");
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(g, 1),
	    "kind")), "amount");
	cr_expect_str_eq(json_string_value(json_object_get(t, "deadline")),
	    "2012-12-31");
	cr_expect_eq(json_array_size(json_object_get(p, "tasks")), 2);
	json_decref(p);
	free(text);
}

/* A 类别 merged over whole tasks applies to each. */
Test(sheetplan, a_category_merged_over_several_tasks)
{
	struct corpus_book	 b;
	struct corpus_sheet	*s;
	json_t			*p, *secs;
	char			*text;
	size_t			 i;

	corpus_base(&b);
	s = &b.sheets[0];
	for (i = 0; i < s->nmerges; i++)
		if (strcmp(s->merges[i], "B2:B3") == 0)
			s->merges[i] = "B2:B4";
	for (i = 0; i < s->ncells; i++)
		if (strcmp(s->cells[i].ref, "B4") == 0)
			s->cells[i] = s->cells[--s->ncells];
	p = parse_book(&b, &text);
	cr_assert(p != NULL, "%s", text);
	secs = json_object_get(p, "sections");
	cr_expect_eq(json_array_size(secs), 1);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(
	    json_object_get(p, "tasks"), 1), "section")), "s1");
	json_decref(p);
	free(text);
}

/* The malformed corpus: each refused, naming its cell.  The parameter
 * is an index: a test may run in a fresh process image. */
ParameterizedTestParameters(sheetplan, malformed)
{
	static size_t	*idx;
	size_t		 i;

	idx = cr_malloc(corpus_ncases * sizeof *idx);
	for (i = 0; i < corpus_ncases; i++)
		idx[i] = i;
	return (cr_make_param_array(size_t, idx, corpus_ncases));
}

ParameterizedTest(size_t *i, sheetplan, malformed)
{
	const struct corpus_case *c = &corpus_cases[*i];
	struct corpus_book	 b;
	json_t			*p;
	char			*text;

	corpus_base(&b);
	c->mutate(&b);
	if (c->mutate != NULL && b.raw == 0 && *i % 8 == 0) {
		size_t	 len;
		char	*buf = corpus_build(&b, &len);

		seed(c->name, buf, len);
		free(buf);
	}
	p = parse_book(&b, &text);
	cr_expect(p == NULL, "%s: accepted", c->name);
	cr_expect(strstr(text, c->where) != NULL, "%s: want 「%s」 in:\n%s",
	    c->name, c->where, text);
	cr_expect(strstr(text, c->says) != NULL, "%s: want 「%s」 in:\n%s",
	    c->name, c->says, text);
	json_decref(p);
	free(text);
}
