/*
 * The XLSX 填报表 round trip through a real duband and PostgreSQL:
 * 财务审计处's clerk downloads it with `duban report fill`, LibreOffice
 * (headless, through UNO: tests/fill/lo-fill.py) types values into it as
 * a person would, and `duban report upload` sends it back: the office's
 * drafts hold exactly the values typed.  A text typed into a number
 * cell, an edited locked column and another office's workbook are each
 * refused naming the cell or the office, the database unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "unit/xlsx-read.h"
#include "xlsx.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char LO_FILL[] = DUBAN_SOURCE_DIR "/tests/fill/lo-fill.py";

struct site {
	char		*db;
	struct t_daemon	 d;
	PGconn		*c;
	char		*clerk, *other;
	char		*dir;
};

static void
site_start(struct site *s)
{
	const char	*load[] = { "plan", "load", JILIN, NULL };
	const char	*env[] = { "DUBAN_NOW=2012-09-10T10:00:00+08:00", NULL };
	struct t_run	 r;

	memset(s, 0, sizeof *s);
	s->db = t_db_create();
	t_cli(&r, s->db, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	s->clerk = t_person_token(s->db, "wangli", "王丽", "财务审计处", "clerk");
	s->other = t_person_token(s->db, "zhoujie", "周杰", "发展规划处", "clerk");
	s->c = t_connect(s->db);
	t_daemon_start(&s->d, s->db, NULL, env);
	setenv("DUBAN_SERVER", s->d.url, 1);
	s->dir = workdir();
}

static void
site_stop(struct site *s)
{
	t_daemon_stop(&s->d);
	PQfinish(s->c);
	free(s->clerk);
	free(s->other);
	workdir_done(s->dir);
	free(s->db);
}

/* duban ARGS... through duband as token; the run. */
static void
cli_as(struct t_run *r, const char *token, const char *const *args)
{
	setenv("DUBAN_TOKEN", token, 1);
	t_cli(r, NULL, args);
}

/* Row numbers of the first target and the first milestone, from 标识. */
static void
find_rows(const char *path, unsigned *target, unsigned *milestone,
    long long *tid, long long *mid)
{
	struct xlsx_book	*b;
	const struct xlsx_sheet	*id;
	const struct xlsx_cell	*k, *c;
	char			*buf, *cause = NULL;
	size_t			 len;

	buf = t_read_file(path, &len);
	cr_assert_not_null(buf, "%s", path);
	b = xlsx_read(buf, len, NULL, &cause);
	cr_assert_not_null(b, "%s: %s", path, cause);
	cr_assert_eq(b->nsheets, 2);
	cr_assert_str_eq(b->sheets[0].name, "填报表");
	cr_assert_eq(b->sheets[1].state, XLSX_HIDDEN);
	id = &b->sheets[1];
	*target = *milestone = 0;
	for (unsigned r = 7; (k = xlsx_cell(id, r, 2)) != NULL; r++) {
		c = xlsx_cell(id, r, 3);
		if (*target == 0 && strcmp(k->value, "target") == 0) {
			*target = r - 3;
			*tid = atoll(c->value);
		}
		if (*milestone == 0 && strcmp(k->value, "milestone") == 0) {
			*milestone = r - 3;
			*mid = atoll(c->value);
		}
	}
	cr_assert(*target > 0 && *milestone > 0, "a target and a milestone");
	xlsx_free(b);
	free(buf);
}

/* LibreOffice fills each job of spec (lo-fill.py). */
static void
lo_fill(struct site *s, json_t *jobs)
{
	char	*prof = profile(s->dir, "lo", RECALC_NEVER);
	char	*spec = xprintf("%s/spec.json", s->dir), *text, *cmd;
	json_t	*o = json_pack("{s:s,s:o}", "profile", prof, "jobs", jobs);

	text = json_dumps(o, 0);
	t_write_file(spec, text, strlen(text));
	cmd = xprintf("HOME='%s' timeout 180 /usr/bin/python3 '%s' '%s' >'%s/lo.log' 2>&1",
	    s->dir, LO_FILL, spec, s->dir);
	cr_assert_eq(system(cmd), 0, "%s (see %s/lo.log)", cmd, s->dir);
	free(cmd);
	free(text);
	json_decref(o);
	free(spec);
	free(prof);
}

static char *
ref_of(char col, unsigned row)
{
	return (xprintf("%c%u", col, row));
}

Test(fill, libreoffice_round_trip, .timeout = 240)
{
	struct site	 s;
	struct t_run	 r;
	char		*blank, *good, *text, *locked, *theirs, *fp, *want;
	char		*f1, *g1, *f2, *i2, *c1;
	unsigned	 tr, mr;
	long long	 tid, mid;
	json_t		*jobs;
	char		 id[24];

	site_start(&s);
	blank = xprintf("%s/blank.xlsx", s.dir);
	good = xprintf("%s/good.xlsx", s.dir);
	text = xprintf("%s/text.xlsx", s.dir);
	locked = xprintf("%s/locked.xlsx", s.dir);
	theirs = xprintf("%s/theirs.xlsx", s.dir);
	{
		const char *a[] = { "report", "fill", "--office", "财务审计处",
		    "-O", blank, NULL };
		const char *b[] = { "report", "fill", "--office", "发展规划处",
		    "-O", theirs, NULL };

		cli_as(&r, s.clerk, a);
		cr_assert_eq(r.status, 0, "report fill: %s", r.err);
		cr_expect(strstr(r.out, "填报表已保存到") != NULL, "%s", r.out);
		t_run_free(&r);
		cli_as(&r, s.other, b);
		cr_assert_eq(r.status, 0, "report fill (发展规划处): %s", r.err);
		t_run_free(&r);
	}
	find_rows(blank, &tr, &mr, &tid, &mid);
	f1 = ref_of('F', tr);
	g1 = ref_of('G', tr);
	c1 = ref_of('C', tr);
	f2 = ref_of('F', mr);
	i2 = ref_of('I', mr);
	jobs = json_pack("[{s:s,s:s,s:{s:s,s:s,s:s,s:s}},"
	    "{s:s,s:s,s:{s:s,s:s}},"
	    "{s:s,s:s,s:b,s:{s:s}}]",
	    "in", blank, "out", good, "cells", f1, "20", g1, "已完成 3 项审计",
	    f2, "已完成", i2, "无",
	    "in", blank, "out", text, "cells", f1, "约四万", g1, "x",
	    "in", blank, "out", locked, "unprotect", 1, "cells", c1, "改过的指标");
	lo_fill(&s, jobs);

	fp = t_fingerprint(s.c);
	/* A text in a number cell: named, nothing saved. */
	{
		const char *a[] = { "report", "upload", text, NULL };

		cli_as(&r, s.clerk, a);
		cr_expect_neq(r.status, 0);
		want = xprintf("填报表!%s：应为数字", f1);
		cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
		cr_expect(strstr(r.err, "整张表均未保存") != NULL, "%s", r.err);
		free(want);
		t_run_free(&r);
	}
	/* An edited locked column. */
	{
		const char *a[] = { "report", "upload", locked, NULL };

		cli_as(&r, s.clerk, a);
		cr_expect_neq(r.status, 0);
		want = xprintf("填报表!%s：“指标”列已锁定", c1);
		cr_expect(strstr(r.err, want) != NULL, "%s", r.err);
		free(want);
		t_run_free(&r);
	}
	/* Another office's workbook, sent to 财务审计处. */
	{
		const char *a[] = { "report", "upload", "--office", "财务审计处",
		    theirs, NULL };

		cli_as(&r, s.clerk, a);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, "这份填报表不是“财务审计处”的") != NULL,
		    "%s", r.err);
		t_run_free(&r);
	}
	/* And the right one of another round. */
	{
		const char *a[] = { "report", "upload", "--dispatch", "99", good, NULL };

		cli_as(&r, s.clerk, a);
		cr_expect_neq(r.status, 0);
		cr_expect(strstr(r.err, "不是调度 99 的") != NULL, "%s", r.err);
		t_run_free(&r);
	}
	{
		char *now = t_fingerprint(s.c);

		cr_expect_str_eq(now, fp, "a refused upload changed the database");
		free(now);
	}

	/* The filled one: exactly the values typed, as drafts. */
	{
		const char *a[] = { "report", "upload", good, "--json", NULL };
		const char *p[1];
		char *patch;

		cli_as(&r, s.clerk, a);
		cr_assert_eq(r.status, 0, "upload: %s\n%s", r.err, t_daemon_log(&s.d));
		cr_expect(strstr(r.out, "\"saved\": 2") != NULL, "%s", r.out);
		t_run_free(&r);
		cr_expect_eq(t_query_long(s.c, "SELECT count(*) FROM draft", 0, NULL), 2);
		snprintf(id, sizeof id, "%lld", tid);
		p[0] = id;
		patch = t_query(s.c, "SELECT patch::text FROM draft WHERE target_id = $1",
		    1, p);
		cr_expect_str_eq(patch, "{\"note\": \"已完成 3 项审计\", \"current\": 20}");
		free(patch);
		snprintf(id, sizeof id, "%lld", mid);
		patch = t_query(s.c, "SELECT patch::text FROM draft WHERE milestone_id = $1",
		    1, p);
		cr_expect(strstr(patch, "\"status\": \"done\"") != NULL &&
		    strstr(patch, "\"problems\": \"无\"") != NULL, "%s", patch);
		free(patch);
	}
	/* Downloaded again, the drafts are in it. */
	{
		const char *a[] = { "report", "fill", "--office", "财务审计处",
		    "-O", blank, NULL };
		unsigned t2, m2;
		long long x, y;

		cli_as(&r, s.clerk, a);
		cr_assert_eq(r.status, 0, "%s", r.err);
		t_run_free(&r);
		find_rows(blank, &t2, &m2, &x, &y);
		cr_expect_eq(t2, tr);
	}
	free(fp);
	free(f1);
	free(g1);
	free(c1);
	free(f2);
	free(i2);
	free(blank);
	free(good);
	free(text);
	free(locked);
	free(theirs);
	site_stop(&s);
}
