/*
 * The 任务分解表 with a database and the real CLI: every shipped plan,
 * loaded from YAML, exported with `duban plan export --format xlsx` and
 * loaded from the workbook into a fresh database, gives the same
 * `duban task list --json` and the same plan document; a workbook saved
 * again by LibreOffice loads as the same plan; and every workbook of the
 * malformed corpus is refused by `duban plan load`, naming its cell,
 * with the database unchanged; and duband answers the same workbook
 * and the template, their 预警 column the tasks' lights on the as-of day.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "diag.h"
#include "sheetplan.h"
#include "support.h"
#include "unit/sheetplan-corpus.h"
#include "unit/xlsx-read.h"
#include "xlsx.h"
#include "xmalloc.h"

static const char NOW[] = "DUBAN_NOW=2012-09-10T10:00:00+08:00";

static char *
run_ok(const char *db, const char *const *args)
{
	struct t_run	 r;
	char		*out;

	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "duban %s %s: %d\n%s", args[0], args[1],
	    r.status, r.err);
	out = r.out;
	r.out = NULL;
	t_run_free(&r);
	return (out);
}

static const char *const keys[] = { "baicheng-poverty", "changchun-2017",
    "changchun-2021", "jilin-2012", "linyi-2019", NULL };

/* The tasks and the plan document of each key, as the CLI prints them. */
static char *
state(const char *db, const char *const *which)
{
	const char *const list[] = { "task", "list", "--json", NULL };
	char	*s = run_ok(db, list), *d, *t;

	for (; *which != NULL; which++) {
		const char *const doc[] = { "plan", "export", *which, "--format",
		    "yaml", NULL };

		d = run_ok(db, doc);
		t = xprintf("%s\n---- %s\n%s", s, *which, d);
		free(s);
		free(d);
		s = t;
	}
	return (s);
}

/* Every shipped plan: YAML into one database, exported, the workbooks
 * into another; the tasks and the plans read back the same. */
Test(sheetplan_db, every_shipped_plan_round_trips, .timeout = 240)
{
	const char	*load[8] = { "plan", "load" }, *load2[8] = { "plan", "load" };
	const char	*check[8] = { "plan", "check" };
	char		*xlsx[5], *db, *a, *b, *out;
	size_t		 i;

	putenv((char *)NOW);
	for (i = 0; keys[i] != NULL; i++) {
		load[2 + i] = t_plan_files[i];
		xlsx[i] = xprintf("%s/%s.xlsx", t_tmpdir(), keys[i]);
		load2[2 + i] = check[2 + i] = xlsx[i];
	}
	db = t_db_create();
	free(run_ok(db, load));
	for (i = 0; keys[i] != NULL; i++) {
		const char *const export[] = { "plan", "export", keys[i],
		    "--format", "xlsx", "-o", xlsx[i], NULL };

		free(run_ok(db, export));
	}
	a = state(db, keys);
	out = run_ok(NULL, check);
	cr_expect(strstr(out, "有效") != NULL, "%s", out);
	free(out);
	/* --format yaml writes plan files that check as the same plans. */
	for (i = 0; keys[i] != NULL; i++) {
		char *yaml = xprintf("%s/%s.yaml", t_tmpdir(), keys[i]);
		const char *const export[] = { "plan", "export", keys[i],
		    "--format", "yaml", "-o", yaml, NULL };
		const char *const ycheck[] = { "plan", "check", yaml, NULL };

		free(run_ok(db, export));
		out = run_ok(NULL, ycheck);
		cr_expect(strstr(out, "有效") != NULL, "%s", out);
		free(out);
		free(yaml);
	}
	free(db);
	db = t_db_create();	/* the first is dropped */
	free(run_ok(db, load2));
	b = state(db, keys);
	cr_expect_str_eq(a, b, "the plans loaded from their workbooks differ");
	free(a);
	free(b);
	free(db);
	for (i = 0; keys[i] != NULL; i++)
		free(xlsx[i]);
}

/* A real reader: LibreOffice opens the export and saves it again; that
 * workbook loads as the same plan. */
Test(sheetplan_db, libreoffice_saves_a_workbook_that_loads_the_same, .timeout = 240)
{
	char		*dir = workdir(), *in, *outdir, *again;
	char		*prof = profile(dir, "lo", RECALC_NEVER);
	const char *const load[] = { "plan", "load",
	    DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml", NULL };
	char		*db1, *db2, *a, *b;

	putenv((char *)NOW);
	in = xprintf("%s/jilin-2012.xlsx", dir);
	outdir = xprintf("%s/lo", dir);
	again = xprintf("%s/jilin-2012.xlsx", outdir);
	db1 = t_db_create();
	free(run_ok(db1, load));
	{
		const char *const export[] = { "plan", "export", "jilin-2012",
		    "-o", in, NULL };

		free(run_ok(db1, export));
	}
	a = state(db1, (const char *const[]){ "jilin-2012", NULL });
	soffice(dir, prof, "xlsx:Calc MS Excel 2007 XML", outdir,
	    (const char *const[]){ in, NULL });
	db2 = t_db_create();	/* db1 is dropped */
	{
		const char *const load2[] = { "plan", "load", again, NULL };

		free(run_ok(db2, load2));
	}
	b = state(db2, (const char *const[]){ "jilin-2012", NULL });
	cr_expect_str_eq(a, b, "the workbook LibreOffice saved loads differently");
	free(a);
	free(b);
	free(db1);
	free(db2);
	free(in);
	free(outdir);
	free(again);
	free(prof);
	workdir_done(dir);
}

/* The template, from the CLI, is a plan `duban plan check` accepts. */
Test(sheetplan_db, the_template_checks)
{
	char		*path = xprintf("%s/template.xlsx", t_tmpdir()), *out;
	const char *const tmpl[] = { "plan", "template", "-o", path, NULL };
	const char *const check[] = { "plan", "check", path, NULL };

	free(run_ok(NULL, tmpl));
	out = run_ok(NULL, check);
	cr_expect(strstr(out, "example-2026") != NULL, "%s", out);
	free(out);
	free(path);
}

/* ---------------------------------------------------------------- */
/* The malformed corpus against a loaded database */

#define BATCH	10	/* files per `plan load`: their problems stay under DIAG_MAX */

/* Every malformed workbook is refused at its cell and changes nothing. */
Test(sheetplan_db, the_malformed_corpus_changes_nothing, .timeout = 240)
{
	const char *const plans[] = { "plan", "load",
	    DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml", NULL };
	struct corpus_book	 b;
	struct t_run		 r;
	PGconn			*conn;
	char			*db, **path, *buf, *dir, *before, *after;
	char			*want;
	const char		*args[BATCH + 3];
	size_t			 len, i, k, n;

	path = xcalloc(corpus_ncases, sizeof *path);
	db = t_db_create();
	free(run_ok(db, plans));
	conn = t_connect(db);
	before = t_fingerprint(conn);
	for (i = 0; i < corpus_ncases; i++) {
		corpus_base(&b);
		corpus_cases[i].mutate(&b);
		buf = corpus_build(&b, &len);
		dir = xprintf("%s/%s", t_tmpdir(), corpus_cases[i].name);
		cr_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
		path[i] = xprintf("%s/b.xlsx", dir);
		t_write_file(path[i], buf, len);
		free(dir);
		free(buf);
	}
	for (i = 0; i < corpus_ncases; i += BATCH) {
		n = corpus_ncases - i < BATCH ? corpus_ncases - i : BATCH;
		args[0] = "plan";
		args[1] = "load";
		for (k = 0; k < n; k++)
			args[2 + k] = path[i + k];
		args[2 + n] = NULL;
		t_cli(&r, db, args);
		cr_expect_eq(r.status, 65, "exit %d\n%s", r.status, r.err);
		cr_expect(strstr(r.err, "未导入任何内容") != NULL, "%s", r.err);
		for (k = 0; k < n; k++) {
			const struct corpus_case *c = &corpus_cases[i + k];

			/* "DIR/b.xlsx:任务分解表!E2: …" or "DIR/b.xlsx: …" */
			want = strcmp(c->where, "b.xlsx: ") == 0 ?
			    xprintf("%s: ", path[i + k]) :
			    xprintf("%s:%s: ", path[i + k], c->where);
			cr_expect(strstr(r.err, want) != NULL, "%s: want 「%s」 in:\n%s",
			    c->name, want, r.err);
			cr_expect(strstr(r.err, c->says) != NULL, "%s: want 「%s」 in:\n%s",
			    c->name, c->says, r.err);
			free(want);
		}
		t_run_free(&r);
	}
	after = t_fingerprint(conn);
	cr_expect_str_eq(before, after, "the database changed");
	for (i = 0; i < corpus_ncases; i++)
		free(path[i]);
	free(path);
	PQfinish(conn);
	free(before);
	free(after);
	free(db);
}

/* ---------------------------------------------------------------- */
/* duband */

/* The plan a workbook in memory reads as, without its file's marks. */
static json_t *
read_back(const char *buf, size_t len)
{
	struct diags	 d;
	json_t		*p;

	diags_init(&d);
	p = sheetplan_parse("x.xlsx", buf, len, &d);
	cr_assert(p != NULL, "the workbook does not read back (%zu problems)", d.n);
	diags_free(&d);
	return (p);
}

/* The 任务分解表's header: its last two columns. */
static char *
last_heads(const struct xlsx_sheet *sh)
{
	const struct xlsx_cell	*a = NULL, *b = NULL;
	size_t			 i;

	for (i = 0; i < sh->ncells && sh->cells[i].row == 1; i++) {
		a = b;
		b = &sh->cells[i];
	}
	return (xprintf("%s %s", a ? a->value : "", b ? b->value : ""));
}

/* What the 预警 column shows, task by task: "任务键:预警;…" (a workbook
 * in memory). */
static char *
light_cells(const char *buf, size_t len, char **heads)
{
	struct xlsx_book	*b;
	const struct xlsx_sheet	*sh;
	const struct xlsx_cell	*x, *l;
	char			*cause = NULL, *out = xstrdup(""), *tmp;
	unsigned		 key = 0, light = 0;
	size_t			 i;

	b = xlsx_read(buf, len, NULL, &cause);
	cr_assert_not_null(b, "%s", cause);
	sh = xlsx_sheet(b, SHEETPLAN_TASKS);
	cr_assert_not_null(sh);
	for (i = 0; i < sh->ncells && sh->cells[i].row == 1; i++) {
		if (strcmp(sh->cells[i].value, "任务键") == 0)
			key = sh->cells[i].col;
		if (strcmp(sh->cells[i].value, "预警") == 0)
			light = sh->cells[i].col;
	}
	cr_assert(key > 0 && light > 0, "no 任务键 or 预警 column");
	*heads = last_heads(sh);
	for (i = 0; i < sh->ncells; i++) {
		x = &sh->cells[i];
		if (x->row == 1 || x->col != key)
			continue;
		l = xlsx_cell(sh, x->row, light);
		tmp = xprintf("%s%s:%s;", out, x->value, l ? l->value : "");
		free(out);
		out = tmp;
	}
	xlsx_free(b);
	return (out);
}

/* GET url as token answers status, its body saying says (unless NULL). */
static void
get_says(const char *url, const char *token, long status, const char *says)
{
	struct t_http	 h;

	t_http(&h, "GET", url, token, NULL, NULL);
	cr_expect_eq(h.status, status, "%s: %s", url, h.body);
	if (says != NULL)
		cr_expect(strstr(h.body, says) != NULL, "%s: %s", url, h.body);
	t_http_free(&h);
}

/* The same of `duban plan export jilin-2012 --as-of as_of -o path`. */
static char *
cli_light_cells(const char *db, const char *path, const char *as_of)
{
	const char *const export[] = { "plan", "export", "jilin-2012", "--as-of", as_of,
	    "-o", path, NULL };
	char	*file, *heads, *got;
	size_t	 len;

	free(run_ok(db, export));
	file = t_read_file(path, &len);
	got = light_cells(file, len, &heads);
	free(heads);
	free(file);
	return (got);
}

Test(sheetplan_db, duband_exports_the_plan_and_the_template, .timeout = 120)
{
	const char *const load[] = { "plan", "load",
	    DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml", NULL };
	char		*db, *general, *inspector, *office, *url, *path, *ct, *cd;
	char		*file;
	struct t_daemon	 d;
	struct t_http	 h;
	json_t		*a, *b;
	size_t		 len;

	db = t_db_create();
	free(run_ok(db, load));
	general = t_token(db, "general", NULL);
	inspector = t_token(db, "inspector", NULL);
	office = t_token(db, "office", "财务审计处");
	path = xprintf("%s/cli.xlsx", t_tmpdir());
	{
		const char *const export[] = { "plan", "export", "jilin-2012",
		    "-o", path, NULL };

		free(run_ok(db, export));
	}
	t_daemon_start(&d, db, NULL, NULL);

	/* The same plan as the CLI's export. */
	url = xprintf("%s/api/v1/plans/jilin-2012/export.xlsx", d.url);
	t_http(&h, "GET", url, general, NULL, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	ct = t_http_header(&h, "Content-Type");
	cr_expect(ct != NULL && strstr(ct, "spreadsheetml") != NULL, "%s", ct);
	cd = t_http_header(&h, "Content-Disposition");
	cr_expect(cd != NULL && strstr(cd, "attachment") != NULL, "%s", cd);
	a = read_back(h.body, h.len);
	file = t_read_file(path, &len);
	b = read_back(file, len);
	cr_expect(json_equal(a, b), "duband's workbook and the CLI's differ");
	json_decref(a);
	json_decref(b);
	free(file);
	free(ct);
	free(cd);
	t_http_free(&h);
	free(url);

	/*
	 * The 预警 column, last, after every column the reader reads: the
	 * tasks' lights on 20 September 2012 as the task page judges them.
	 * Task 7's first milestone is overdue (red); task 6 has half its
	 * figure with 72% of the year gone (yellow); task 9 is done (empty);
	 * the others have reported nothing that was due (grey) or nothing
	 * due yet (green).  The CLI's --as-of says the same; before the plan
	 * began, nothing.
	 */
	{
		static const char want[] = "1:灰灯;2:灰灯;3:灰灯;4:绿灯;5:灰灯;5-1:灰灯;5-2:灰灯;"
		    "5-3:灰灯;6:黄灯;7:红灯;8:灰灯;9:;";
		PGconn	*c = t_connect(db);
		char	*got, *heads;

		t_exec(c, "UPDATE target g SET current = 9471 FROM task t WHERE t.id = g.task_id"
		    " AND t.key = '6' AND g.key = 'students'");
		t_exec(c, "UPDATE milestone m SET status = 'done' FROM task t WHERE t.id = m.task_id"
		    " AND t.key = '9'");
		PQfinish(c);
		url = xprintf("%s/api/v1/plans/jilin-2012/export.xlsx?as_of=2012-09-20", d.url);
		t_http(&h, "GET", url, inspector, NULL, NULL);
		cr_assert_eq(h.status, 200, "%s", h.body);
		got = light_cells(h.body, h.len, &heads);
		EXPECT_STR(got, want);
		EXPECT_STR(heads, "指标时限 预警");
		t_http_free(&h);
		free(url);
		EXPECT_STR(cli_light_cells(db, path, "2012-09-20"), want);
		EXPECT_STR(cli_light_cells(db, path, "2011-12-31"),
		    "1:;2:;3:;4:;5:;5-1:;5-2:;5-3:;6:;7:;8:;9:;");
		/* A plan that is not there is said so (it was a JSON parse error). */
		{
			struct t_run	 r;

			t_cli(&r, db, (const char *[]){ "plan", "export", "no-such-plan", "-o", path,
			    NULL });
			cr_expect_eq(r.status, 66, "%s", r.err);
			cr_expect(strstr(r.err, "没有计划键为“no-such-plan”的计划") != NULL, "%s", r.err);
			t_run_free(&r);
		}
	}

	url = xprintf("%s/api/v1/plans/jilin-2012/export.xlsx", d.url);
	get_says(url, inspector, 200, NULL);
	get_says(url, office, 403, "局办公室和督查人员");
	get_says(url, NULL, 401, NULL);
	free(url);
	url = xprintf("%s/api/v1/plans/jilin-2012/export.xlsx?as_of=2012-13-01", d.url);
	get_says(url, general, 400, "\"as_of\"");
	free(url);
	url = xprintf("%s/api/v1/plans/no-such-plan/export.xlsx", d.url);
	get_says(url, general, 404, "no-such-plan");
	free(url);

	/* The template: a plan that reads. */
	url = xprintf("%s/api/v1/plans/template.xlsx", d.url);
	t_http(&h, "GET", url, general, NULL, NULL);
	cr_assert_eq(h.status, 200, "%s", h.body);
	a = read_back(h.body, h.len);
	cr_expect_str_eq(json_string_value(json_object_get(a, "key")), "example-2026");
	json_decref(a);
	t_http_free(&h);
	free(url);

	t_daemon_stop(&d);
	free(path);
	free(general);
	free(inspector);
	free(office);
	free(db);
}
