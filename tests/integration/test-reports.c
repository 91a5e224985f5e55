/*
 * The quarterly inspection report on a fixed data set: the Jilin 2012
 * plan with updates made through duband at simulated dates.  Its figures
 * (totals, percentages, statuses, the ranking) are asserted as a user
 * reads them; last quarter's report comes out byte for byte the same
 * after later updates; every shipped plan renders in all five formats;
 * the API serves them to inspectors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define I(o, k)	json_integer_value(json_object_get((o), (k)))
#define R(o, k)	json_number_value(json_object_get((o), (k)))

static long
target_id(PGconn *c, const char *task, const char *key)
{
	const char	*p[2] = { task, key };

	return (t_query_long(c, "SELECT g.id FROM target g JOIN task t ON t.id = g.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012'"
	    " AND t.key = $1 AND g.key = $2", 2, p));
}

static long
milestone_id(PGconn *c, const char *task, const char *key)
{
	const char	*p[2] = { task, key };

	return (t_query_long(c, "SELECT m.id FROM milestone m JOIN task t ON t.id = m.task_id"
	    " JOIN plan p ON p.id = t.plan_id WHERE p.key = 'jilin-2012'"
	    " AND t.key = $1 AND m.key = $2", 2, p));
}

/* PATCH one milestone or target as token, through duband; must be 200. */
static void
patch(struct t_daemon *d, const char *token, const char *what, long id,
    const char *body)
{
	struct t_http	 h;
	char		*url = xprintf("%s/api/v1/%s/%ld", d->url, what, id);

	t_http(&h, "PATCH", url, token, body, NULL);
	cr_assert_eq(h.status, 200, "PATCH %s: %ld %s", url, h.status, h.body);
	t_http_free(&h);
	free(url);
}

struct scene {
	char	*db;
	PGconn	*c;
	char	*finance, *planning, *vocational, *personnel, *general;
};

static void
with_daemon_at(struct scene *s, const char *now, struct t_daemon *d)
{
	char		*env0 = xprintf("DUBAN_NOW=%s", now);
	const char	*env[] = { env0, NULL };
	const char	*args[] = { "--config", "/dev/null", NULL };

	t_daemon_start(d, s->db, args, env);
	free(env0);
}

/* A database with Jilin 2012 loaded (made once per run, copied per test). */
static char *
jilin_db(void)
{
	static const char *const load[] = { "plan", "load", JILIN, NULL };
	static const struct t_setup setup = { { load }, NULL, 0 };

	return (t_db_snapshot("reports-jilin", t_setup_build, (void *)&setup));
}

/*
 * The year so far, as the offices wrote it: on 1 March the vocational
 * office's winter term; on 20 June finance's first figures; on 10
 * September personnel finish 5①; on 28 September planning's kindergartens.
 */
static void
scene_build(const char *db, void *arg)
{
	const char	*load[] = { "plan", "load", JILIN, NULL };
	struct scene	*s = arg;
	struct t_daemon	 d;
	char		*body;

	s->db = (char *)db;
	t_cli_ok(s->db, load);
	s->c = t_connect(s->db);
	s->finance = t_token(s->db, "office", "财务审计处");
	s->planning = t_token(s->db, "office", "发展规划处");
	s->vocational = t_token(s->db, "office", "职业与成人教育处");
	s->personnel = t_token(s->db, "office", "人事处");
	s->general = t_token(s->db, "general", NULL);

	with_daemon_at(s, "2012-03-01T10:00+08:00", &d);
	patch(&d, s->vocational, "milestones", milestone_id(s->c, "7", "winter"),
	    "{\"status\":\"done\",\"completed_on\":\"2012-02-28\","
	    "\"note\":\"寒假期培训 1200 人\",\"outcome\":\"1200 名下岗失业人员取得上岗技能\"}");
	patch(&d, s->vocational, "targets", target_id(s->c, "7", "trainees"),
	    "{\"current\":1200}");
	t_daemon_stop(&d);

	with_daemon_at(s, "2012-06-20T10:00+08:00", &d);
	patch(&d, s->finance, "targets", target_id(s->c, "1", "hs-students"),
	    "{\"current\":6400,\"note\":\"春季学期资助 6400 名\"}");
	patch(&d, s->finance, "targets", target_id(s->c, "1", "hs-funds"),
	    "{\"current\":960}");
	t_daemon_stop(&d);

	with_daemon_at(s, "2012-09-10T10:00+08:00", &d);
	patch(&d, s->personnel, "targets", target_id(s->c, "5-1", "exchange-schools"),
	    "{\"current\":90}");
	patch(&d, s->personnel, "targets", target_id(s->c, "5-1", "exchange-teachers"),
	    "{\"current\":200}");
	patch(&d, s->personnel, "milestones", milestone_id(s->c, "5-1", "deadline"),
	    "{\"status\":\"done\",\"completed_on\":\"2012-09-10\","
	    "\"note\":\"90 所学校 200 名教师完成交流\",\"outcome\":\"城乡师资差距缩小\"}");
	t_daemon_stop(&d);

	with_daemon_at(s, "2012-09-28T10:00+08:00", &d);
	body = xprintf("{\"current\":12,\"note\":\"新建幼儿园 12 所全部开工\"}");
	patch(&d, s->planning, "targets", target_id(s->c, "2", "new-kindergartens"), body);
	free(body);
	patch(&d, s->planning, "targets", target_id(s->c, "2", "expanded-kindergartens"),
	    "{\"current\":5}");
	t_daemon_stop(&d);

	t_keep(db, "finance", s->finance);
	t_keep(db, "planning", s->planning);
	t_keep(db, "vocational", s->vocational);
	t_keep(db, "personnel", s->personnel);
	t_keep(db, "general", s->general);
	PQfinish(s->c);
	free(s->finance);
	free(s->planning);
	free(s->vocational);
	free(s->personnel);
	free(s->general);
}

/* The year so far, made once per run (scene_build) and copied per test. */
static void
scene_setup(struct scene *s)
{
	struct scene	 made;

	s->db = t_db_snapshot("reports-scene", scene_build, &made);
	s->c = t_connect(s->db);
	s->finance = t_kept(s->db, "finance");
	s->planning = t_kept(s->db, "planning");
	s->vocational = t_kept(s->db, "vocational");
	s->personnel = t_kept(s->db, "personnel");
	s->general = t_kept(s->db, "general");
}

/* After the quarter: finance reaches 8000; the summer term is reported late. */
static void
scene_october(struct scene *s)
{
	struct t_daemon	 d;

	with_daemon_at(s, "2012-10-20T10:00+08:00", &d);
	patch(&d, s->finance, "targets", target_id(s->c, "1", "hs-students"),
	    "{\"current\":8000,\"note\":\"秋季学期资助 8000 名\"}");
	patch(&d, s->vocational, "milestones", milestone_id(s->c, "7", "summer"),
	    "{\"status\":\"done\",\"completed_on\":\"2012-10-15\"}");
	t_daemon_stop(&d);
}

static void
scene_free(struct scene *s)
{
	PQfinish(s->c);
	free(s->finance);
	free(s->planning);
	free(s->vocational);
	free(s->personnel);
	free(s->general);
	free(s->db);
}

/* The report of plan (jilin-2012 when NULL) through the CLI, as of a
 * simulated now; view: a CSV's table, or NULL. */
static char *
report_of(const char *db, const char *plan, const char *now, const char *quarter,
    const char *format, const char *view)
{
	const char	*args[] = { "report", "quarterly", "--plan",
	    plan ? plan : "jilin-2012", "--quarter", quarter, "--format", format,
	    view ? "--view" : NULL, view, NULL };
	struct t_run	 r;
	char		*out;

	setenv("DUBAN_NOW", now, 1);
	t_cli(&r, db, args);
	unsetenv("DUBAN_NOW");
	cr_assert_eq(r.status, 0, "report %s %s: %s", quarter, format, r.err);
	out = r.out;
	r.out = NULL;
	t_run_free(&r);
	return (out);
}

static char *
report(const char *db, const char *now, const char *quarter, const char *format)
{
	return (report_of(db, NULL, now, quarter, format, NULL));
}

static json_t *
task_by_label(json_t *rep, const char *label)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(json_object_get(rep, "tasks"), i, t)
		if (strcmp(S(t, "label"), label) == 0)
			return (t);
	cr_assert_fail("no task %s in the report", label);
	return (NULL);
}

static json_t *
target_by_key(json_t *task, const char *key)
{
	json_t	*g;
	size_t	 i;

	json_array_foreach(json_object_get(task, "targets"), i, g)
		if (strcmp(S(g, "key"), key) == 0)
			return (g);
	cr_assert_fail("no target %s", key);
	return (NULL);
}

Test(reports, the_q3_figures_of_jilin_2012, .timeout = 240)
{
	struct scene	 s;
	char		*text;
	json_t		*rep, *sum, *ms, *t, *o, *items;
	/*
	 * A target nobody has reported is 未填报, never 滞后: tasks whose
	 * targets have no value at all (3, 5②, 5③, 6, 8) are unreported, and
	 * task 1 is judged on the two figures finance reported (80% each, on
	 * pace), not on the ten it has not.  (These were 滞后 when an
	 * unreported figure counted as 0.)
	 */
	static const struct { const char *label, *status; } statuses[] = {
		{ "1", "on_track" }, { "2", "on_track" }, { "3", "unreported" },
		{ "4", "on_track" }, { "5", "unassigned" }, { "5①", "done" },
		{ "5②", "unreported" }, { "5③", "unreported" }, { "6", "unreported" },
		{ "7", "overdue" }, { "8", "unreported" }, { "9", "on_track" },
	};
	/* name, rank (0: not ranked), on-time rate (-1: none due), overdue
	 * milestones.  Ranked on the milestones due: 人事处 did its one on
	 * time, 职业与成人教育处 one of two; the offices with nothing due are
	 * listed apart (by name), not last. */
	static const struct { const char *name; int rank; double rate; int overdue; } offices[] = {
		{ "人事处", 1, 1.0, 0 }, { "职业与成人教育处", 2, 0.5, 1 },
		{ "体育卫生艺术教育处", 0, -1, 0 }, { "发展规划处", 0, -1, 0 },
		{ "学校安全处", 0, -1, 0 }, { "教育基建办公室", 0, -1, 0 },
		{ "教育技术装备处", 0, -1, 0 }, { "监察室", 0, -1, 0 },
		{ "财务审计处", 0, -1, 0 },
	};
	size_t		 i;

	scene_setup(&s);
	text = report(s.db, "2012-10-08T09:00+08:00", "2012Q3", "json");
	rep = json_loads(text, 0, NULL);
	cr_assert(rep != NULL, "%s", text);
	free(text);

	cr_expect_str_eq(S(rep, "as_of"), "2012-09-30");
	cr_expect(json_is_true(json_object_get(rep, "final")));
	cr_expect_str_eq(S(rep, "quarter_label"), "2012年第三季度");
	sum = json_object_get(rep, "summary");
	cr_expect_eq(I(sum, "tasks"), 12);
	cr_expect_eq(I(sum, "done"), 1);
	cr_expect_eq(I(sum, "on_track"), 4);
	cr_expect_eq(I(sum, "behind"), 0);
	cr_expect_eq(I(sum, "overdue"), 1);
	cr_expect_eq(I(sum, "unreported"), 5);
	cr_expect_eq(I(sum, "unassigned"), 1);
	/* Shares come rounded half up to a tenth of a percent: 1/12. */
	cr_expect_float_eq(R(sum, "completion"), 0.083, 1e-9);
	ms = json_object_get(sum, "milestones");
	/* 15 milestones, less task 5's 完成时限, which its subtasks make up. */
	cr_expect_eq(I(ms, "total"), 14);
	cr_expect_eq(I(ms, "due"), 3);
	cr_expect_eq(I(ms, "done"), 2);
	cr_expect_eq(I(ms, "on_time"), 2);
	cr_expect_eq(I(ms, "overdue"), 1);
	cr_expect_eq(I(ms, "due_this_quarter"), 2);

	for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		cr_expect_str_eq(S(task_by_label(rep, statuses[i].label), "status"),
		    statuses[i].status, "task %s", statuses[i].label);
	/* Task 5 names no lead office: so it is shown; of its subtasks only
	 * 5① has reported (all of it), so it is not behind. */
	t = task_by_label(rep, "5");
	cr_expect(json_is_null(json_object_get(t, "lead_office")));
	cr_expect_str_eq(S(t, "progress_status"), "on_track");

	/* Targets: seven reported (an average over them, 已填报 7/49), 46
	 * not, all of those past the quarter's end (逾期未报). */
	o = json_object_get(sum, "targets");
	cr_expect_eq(I(o, "total"), 53);
	cr_expect_eq(I(o, "reported"), 7);
	cr_expect_eq(I(o, "unreported"), 46);
	cr_expect_eq(I(o, "late"), 46);
	cr_expect_eq(I(o, "measured"), 49);
	cr_expect_eq(I(o, "measured_reported"), 7);
	cr_expect_eq(I(o, "behind"), 1);	/* 7's trainees: 30% of 4000 */
	cr_expect_float_eq(R(o, "avg_completion"), 0.843, 1e-9);

	/* 时间过半、任务过半: 6400 of 8000 is 80%, the year 274/366 gone by
	 * the end of 30 September (0.7486…, 74.9%). */
	t = task_by_label(rep, "1");
	o = target_by_key(t, "hs-students");
	cr_expect_float_eq(R(o, "current"), 6400, 1e-9);
	cr_expect_float_eq(R(o, "percent"), 0.8, 1e-9);
	cr_expect_float_eq(R(o, "elapsed"), 0.749, 1e-9);
	cr_expect_float_eq(R(rep, "year_share"), 0.749, 1e-9);
	/* Its kind names it; 类别 is the task's section (四、具体实事安排). */
	cr_expect_str_eq(S(rep, "title"), "2012年第三季度民生实事督查报告");
	cr_expect_str_eq(S(rep, "plan_kind"), "民生实事");
	cr_expect_str_eq(S(t, "category"), "具体实事安排");
	cr_expect(json_is_null(json_object_get(t, "phone")));
	cr_expect(json_is_false(json_object_get(o, "behind")));
	cr_expect_str_eq(S(o, "state"), "on_track");
	/* The 25% coverage from a 20% baseline: nothing reported, so no
	 * completion (not 0%) and not behind, but 未填报, and late: the
	 * quarter is over.  (This was 0% and behind.) */
	o = target_by_key(t, "hs-coverage");
	cr_expect(json_is_null(json_object_get(o, "current")));
	cr_expect(json_is_null(json_object_get(o, "completion")));
	cr_expect(json_is_null(json_object_get(o, "percent")));
	cr_expect(json_is_false(json_object_get(o, "behind")));
	cr_expect_str_eq(S(o, "state"), "unreported");
	cr_expect(json_is_true(json_object_get(o, "late")));
	cr_expect(json_is_true(json_object_get(o, "accumulates")));
	/* A standard (元/年/生) is never behind; unreported, it is 未填报. */
	o = target_by_key(t, "hs-grant");
	cr_expect(json_is_null(json_object_get(o, "completion")));
	cr_expect(json_is_false(json_object_get(o, "behind")));
	cr_expect(json_is_false(json_object_get(o, "accumulates")));
	cr_expect_str_eq(S(o, "state"), "unreported");
	cr_expect_str_eq(S(json_object_get(t, "last_update"), "on"), "2012-06-20");
	cr_expect_str_eq(S(json_object_get(t, "last_update"), "by"), "财务审计处");

	/* The summer term, due 31 August, not done by 30 September: judged
	 * on the as-of day, 30 days late. */
	t = task_by_label(rep, "7");
	items = json_object_get(json_object_get(t, "milestones"), "overdue_items");
	cr_assert_eq(json_array_size(items), 1);
	cr_expect_str_eq(S(json_array_get(items, 0), "title"), "暑假期培训");
	cr_expect_eq(I(json_array_get(items, 0), "days_overdue"), 30);

	t = task_by_label(rep, "5①");
	cr_expect_str_eq(S(json_object_get(t, "last_update"), "note"),
	    "90 所学校 200 名教师完成交流");
	cr_expect_str_eq(S(json_object_get(t, "last_update"), "outcome"), "城乡师资差距缩小");
	cr_expect_eq(I(json_object_get(t, "milestones"), "on_time"), 1);

	/* The ranking: on what was due; nothing due, apart. */
	cr_assert_eq(json_array_size(json_object_get(rep, "offices")),
	    sizeof offices / sizeof offices[0]);
	json_array_foreach(json_object_get(rep, "offices"), i, o) {
		cr_expect_str_eq(S(o, "name"), offices[i].name, "office %zu", i);
		if (offices[i].rank > 0)
			cr_expect_eq(I(o, "rank"), offices[i].rank, "%s", S(o, "name"));
		else
			cr_expect(json_is_null(json_object_get(o, "rank")), "%s", S(o, "name"));
		cr_expect_eq(json_is_true(json_object_get(o, "ranked")), offices[i].rank > 0,
		    "%s", S(o, "name"));
		if (offices[i].rate < 0)
			cr_expect(json_is_null(json_object_get(o, "on_time_rate")), "%s",
			    S(o, "name"));
		else
			cr_expect_float_eq(R(o, "on_time_rate"), offices[i].rate, 1e-9,
			    "%s", S(o, "name"));
		cr_expect_eq(I(o, "milestones_overdue"), offices[i].overdue, "%s",
		    S(o, "name"));
	}
	/* Finance: 6400/8000 and 960/1200, averaged over those two, the
	 * reported ones of the 18 targets of tasks 1 and 6 that accumulate
	 * (four are standards in 元/年/生, 元/人/天).  (It was 8.9%, the
	 * sixteen unreported counted as 0.) */
	o = json_array_get(json_object_get(rep, "offices"), 8);
	cr_expect_float_eq(R(o, "avg_completion"), 0.8, 1e-9);
	cr_expect_eq(I(o, "targets_reported"), 2);
	cr_expect_eq(I(o, "targets_measured"), 18);
	cr_expect_eq(I(o, "behind_tasks"), 0);
	cr_expect_eq(I(o, "unreported_tasks"), 1);	/* task 6 */

	/* 督办: the overdue first, then the behind, then what is 逾期未报
	 * (the quarter over, the figure not reported), then the unassigned:
	 * every task not done with a figure missing. */
	items = json_object_get(rep, "supervise");
	o = json_array_get(items, 0);
	cr_expect_str_eq(S(o, "label"), "7");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(o, "reasons"), 0)),
	    "逾期节点 1 个");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(o, "reasons"), 2)),
	    "逾期未报：免费培训计划投入、开设培训项目");
	cr_expect_eq(json_array_size(items), 8);
	o = json_array_get(items, 7);
	cr_expect_str_eq(S(o, "label"), "8");
	cr_expect_str_eq(S(o, "status"), "unreported");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(o, "reasons"), 0)),
	    "逾期未报：全市中小学校学生免费安全桶装饮用水经费、市直学校免费安全桶装饮用水经费");
	/* 2 reported both its figures: not there. */
	json_array_foreach(items, i, o)
		cr_expect(strcmp(S(o, "label"), "2") != 0, "task 2 in 督办");

	json_decref(rep);
	scene_free(&s);
}

/*
 * Last quarter's report, regenerated after this quarter's updates, is the
 * same to the byte, in every format; this quarter's shows the updates.
 */
Test(reports, a_past_quarter_is_reproducible, .timeout = 300)
{
	static const char *const formats[] = { "json", "csv", "md", "html" };
	struct scene	 s;
	char		*before[4], *after, *text;
	json_t		*rep, *t;
	size_t		 i;

	scene_setup(&s);
	for (i = 0; i < 4; i++)
		before[i] = report(s.db, "2012-10-08T09:00+08:00", "2012Q3", formats[i]);
	scene_october(&s);
	for (i = 0; i < 4; i++) {
		after = report(s.db, "2012-11-01T09:00+08:00", "2012Q3", formats[i]);
		cr_expect(strcmp(before[i], after) == 0,
		    "the Q3 report (%s) changed after October's updates", formats[i]);
		free(after);
		free(before[i]);
	}
	/* And as of a day in the quarter: 5① not yet done on 5 September. */
	{
		const char	*args[] = { "report", "quarterly", "--plan", "jilin-2012",
		    "--quarter", "2012Q3", "--as-of", "2012-09-05", "--format", "json", NULL };
		struct t_run	 r;

		setenv("DUBAN_NOW", "2012-11-01T09:00+08:00", 1);
		t_cli(&r, s.db, args);
		unsetenv("DUBAN_NOW");
		cr_assert_eq(r.status, 0, "%s", r.err);
		rep = json_loads(r.out, 0, NULL);
		cr_expect_str_eq(S(rep, "as_of"), "2012-09-05");
		cr_expect(json_is_false(json_object_get(rep, "final")));
		/* Its figures came on 10 September: 未填报 (it was 滞后). */
		cr_expect_str_eq(S(task_by_label(rep, "5①"), "status"), "unreported");
		json_decref(rep);
		t_run_free(&r);
	}

	/* Q4 so far sees October: 8000 reached; the summer term done, late. */
	text = report(s.db, "2012-11-01T09:00+08:00", "2012Q4", "json");
	rep = json_loads(text, 0, NULL);
	free(text);
	cr_expect(json_is_false(json_object_get(rep, "final")));
	cr_expect_str_eq(S(rep, "as_of"), "2012-11-01");
	t = task_by_label(rep, "1");
	cr_expect_float_eq(R(target_by_key(t, "hs-students"), "current"), 8000, 1e-9);
	/* Task 7: the summer term done (late, so not on time); now its
	 * 完成时限 of 31 October has passed undone. */
	t = task_by_label(rep, "7");
	cr_expect_eq(I(json_object_get(t, "milestones"), "done"), 2);
	cr_expect_eq(I(json_object_get(t, "milestones"), "on_time"), 1);
	cr_expect_eq(I(json_object_get(t, "milestones"), "overdue"), 1);
	cr_expect_str_eq(S(json_array_get(json_object_get(json_object_get(t, "milestones"),
	    "overdue_items"), 0), "title"), "完成时限");
	json_decref(rep);
	scene_free(&s);
}

/* What the CSV and Markdown say for the same figures. */
Test(reports, csv_and_markdown_read_right, .timeout = 240)
{
	struct scene	 s;
	char		*csv, *md, *line;

	scene_setup(&s);
	csv = report(s.db, "2012-10-08T09:00+08:00", "2012Q3", "csv");
	/* A BOM, so that Excel reads UTF-8; CRLF lines; the published columns. */
	/* 类别 always; 监督电话 not: no task of Jilin 2012 has one. */
	cr_expect(strncmp(csv, "\xEF\xBB\xBF序号,类别,民生事项名称,年度任务目标,牵头处室,"
	    "责任单位,分管领导,完成时限,指标完成情况,节点,状态,红黄绿灯,截至本期完成情况,取得成效,"
	    "最近更新,佐证材料\r\n",
	    strlen("\xEF\xBB\xBF序号,类别,民生事项名称,年度任务目标,牵头处室,责任单位,"
	    "分管领导,完成时限,指标完成情况,节点,状态,红黄绿灯,截至本期完成情况,取得成效,最近更新,"
	    "佐证材料\r\n")) == 0,
	    "%.300s", csv);
	line = strstr(csv, "\r\n7,具体实事安排,");
	cr_assert(line != NULL);
	cr_expect(strstr(line, "上岗技能免费培训：1200人 / 4000人（30.0%）") != NULL, "%.400s", line);
	cr_expect(strstr(line, "应完成 2，已完成 1，逾期 1,逾期,红灯,寒假期培训 1200 人,"
	    "1200 名下岗失业人员取得上岗技能,2012-03-01") != NULL, "%.600s", line);
	/* A figure nobody reported: 未填报, past the quarter 逾期未报; not 0%. */
	cr_expect(strstr(line, "免费培训计划投入：要求150万元，逾期未报") != NULL, "%.400s", line);
	line = strstr(csv, "\r\n5,具体实事安排,");
	cr_assert(line != NULL);
	cr_expect(strstr(line, ",未明确牵头处室,") != NULL, "%.300s", line);
	/* Its light, with the flag beside it. */
	cr_expect(strstr(line, ",绿灯；未明确牵头处室,") != NULL, "%.600s", line);
	line = strstr(csv, "\r\n8,具体实事安排,");
	cr_assert(line != NULL);
	cr_expect(strstr(line, ",未填报,") != NULL, "%.600s", line);
	free(csv);

	/* The targets' table: 滞后 only of a reported figure. */
	csv = report_of(s.db, NULL, "2012-10-08T09:00+08:00", "2012Q3", "csv", "targets");
	cr_expect(strstr(csv, ",上岗技能免费培训,人,4000人,—,1200,30.0%,89.8%,滞后,无\r\n") != NULL,
	    "%s", csv);
	cr_expect(strstr(csv, ",普通高中学生资助面,%,25%,20,—,—,74.9%,逾期未报,无\r\n") != NULL,
	    "%s", csv);
	cr_expect(strstr(csv, "0.0%,74.9%,滞后") == NULL, "%s", csv);
	free(csv);

	md = report(s.db, "2012-10-08T09:00+08:00", "2012Q3", "md");
	cr_expect(strstr(md, "# 吉林市教育局 2012年第三季度民生实事督查报告\n") != NULL);
	cr_expect(strstr(md, "共 12 项任务：已完成 1 项，按期推进 4 项，滞后 0 项，逾期 1 项，"
	    "未填报 5 项，未明确牵头处室 1 项；完成率 8.3%。") != NULL, "%.800s", md);
	cr_expect(strstr(md, "指标 53 个：滞后 1 个，未填报 46 个（其中逾期未报 46 个）；"
	    "平均完成 84.3%（已填报 7/49）。") != NULL, "%.1200s", md);
	/* The office's average is over the one figure it reported (it was
	 * 10%, its two unreported ones counted as 0). */
	/* (Markdown escapes a point after digits in a table cell.) */
	cr_expect(strstr(md, "| 2 | 职业与成人教育处 | 1 | 0 | 1 | 0 | 2 | 1 | 50\\.0% | 1 | "
	    "50\\.0% | 1 | 30\\.0%（已填报 1/3） |") != NULL, "%s", md);
	/* Nothing due: apart, not ranked; the rule under the table. */
	cr_expect(strstr(md, "本期无到期事项（不参加排名）：体育卫生艺术教育处、发展规划处、学校安全处、"
	    "教育基建办公室、教育技术装备处、监察室、财务审计处。") != NULL, "%s", md);
	cr_expect(strstr(md, "注：处室排名按各处室牵头任务中截至本期已到期的节点计算") != NULL, "%s", md);
	cr_expect(strstr(md, "- 数据截至：2012年9月30日\n") != NULL, "%.600s", md);
	free(md);
	scene_free(&s);
}

/* Every shipped plan, every format, through the CLI into files. */
Test(reports, every_plan_in_every_format, .timeout = 300)
{
	static const char *const plans[][2] = {
		{ "changchun-2017", "2017Q4" }, { "jilin-2012", "2012Q3" },
		{ "linyi-2019", "2019Q2" }, { "baicheng-poverty", "2017Q4" },
		{ "changchun-2021", "2021Q4" },
	};
	static const char *const formats[] = { "json", "csv", "md", "html", "xlsx" };
	char		*db = t_db_create(), *path, *data;
	const char	*load[10] = { "plan", "load" };
	struct t_run	 r;
	size_t		 i, j, len;

	for (i = 0; t_plan_files[i] != NULL; i++)
		load[2 + i] = t_plan_files[i];
	t_cli_ok(db, load);
	setenv("DUBAN_NOW", "2022-03-01T09:00+08:00", 1);
	for (i = 0; i < sizeof plans / sizeof plans[0]; i++)
		for (j = 0; j < sizeof formats / sizeof formats[0]; j++) {
			const char *args[] = { "report", "quarterly", "--plan", plans[i][0],
			    "--quarter", plans[i][1], "-o", NULL, NULL };

			path = xprintf("%s/%s.%s", t_tmpdir(), plans[i][0], formats[j]);
			args[7] = path;
			t_cli(&r, db, args);
			cr_expect_eq(r.status, 0, "%s %s: %s", plans[i][0], formats[j], r.err);
			t_run_free(&r);
			data = t_read_file(path, &len);
			cr_expect(len > 200, "%s is %zu bytes", path, len);
			if (j == 0)
				cr_expect(data[0] == '{');
			else if (j == 1)
				cr_expect(memcmp(data, "\xEF\xBB\xBF", 3) == 0);
			else if (j == 2)
				cr_expect(strncmp(data, "# ", 2) == 0);
			else if (j == 3)
				cr_expect(strncmp(data, "<!DOCTYPE html>", 15) == 0);
			else
				cr_expect(memcmp(data, "PK\x03\x04", 4) == 0);
			free(data);
			free(path);
		}
	unsetenv("DUBAN_NOW");
	free(db);
}

Test(reports, bad_requests_say_what_is_wrong)
{
	char		*db = jilin_db();
	static const struct { const char *args[10]; int status; const char *msg; } cases[] = {
		{ { "report", "quarterly", "--plan", "nope", "--quarter", "2012Q3", NULL },
		  66, "没有键或编号为“nope”的计划" },
		{ { "report", "quarterly", "--plan", "jilin-2012", "--quarter", "2012Q5", NULL },
		  65, "季度应写作 2012Q3" },
		{ { "report", "quarterly", "--plan", "jilin-2012", "--quarter", "2027Q1", NULL },
		  65, "季度尚未开始" },
		{ { "report", "quarterly", "--plan", "jilin-2012", "--quarter", "2012Q3",
		    "--as-of", "2012-06-30", NULL }, 65, "不在 2012-07-01 至 2012-09-30 之间" },
		{ { "report", "quarterly", "--plan", "jilin-2012", "--quarter", "2012Q3",
		    "--format", "pdf", NULL }, 64, "--format 的值“pdf”无效" },
		{ { "report", "quarterly", "--quarter", "2012Q3", NULL }, 64, "--plan" },
		{ { "report", "quarterly", "--plan", "jilin-2012", "--quarter", "2012Q3",
		    "-o", "/nonexistent/dir/r.html", NULL }, 73, "无法创建" },
	};
	struct t_run	 r;
	size_t		 i;

	setenv("DUBAN_NOW", "2026-11-22T09:00+08:00", 1);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t_cli(&r, db, cases[i].args);
		cr_expect_eq(r.status, cases[i].status, "case %zu: %d %s", i, r.status, r.err);
		cr_expect(strstr(r.err, cases[i].msg) != NULL, "case %zu: %s", i, r.err);
		t_run_free(&r);
	}
	unsetenv("DUBAN_NOW");
	free(db);
}

Test(reports, the_api_serves_every_format_to_inspectors, .timeout = 120)
{
	static const struct { const char *fmt, *ctype, *disp; } f[] = {
		{ "json", "application/json", NULL },
		{ "csv", "text/csv; charset=utf-8", "attachment;" },
		{ "md", "text/markdown; charset=utf-8", "inline;" },
		{ "html", "text/html; charset=utf-8", "inline;" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		  "attachment;" },
	};
	struct scene	 s;
	struct t_daemon	 d;
	struct t_http	 h;
	char		*inspector, *url, *ct, *cd;
	size_t		 i;

	scene_setup(&s);
	inspector = t_token(s.db, "inspector", NULL);
	with_daemon_at(&s, "2012-10-08T09:00+08:00", &d);
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		url = xprintf("%s/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3&format=%s",
		    d.url, f[i].fmt);
		t_http(&h, "GET", url, inspector, NULL, NULL);
		cr_expect_eq(h.status, 200, "%s: %s", f[i].fmt, h.body);
		ct = t_http_header(&h, "Content-Type");
		cr_expect(ct != NULL && strncmp(ct, f[i].ctype, strlen(f[i].ctype)) == 0,
		    "%s: %s", f[i].fmt, ct);
		cd = t_http_header(&h, "Content-Disposition");
		if (f[i].disp != NULL)
			cr_expect(cd != NULL && strncmp(cd, f[i].disp, strlen(f[i].disp)) == 0 &&
			    strstr(cd, "filename*=UTF-8''%E5%90%89%E6%9E%97") != NULL,
			    "%s: %s", f[i].fmt, cd);
		free(ct);
		free(cd);
		/*
		 * HTML comes with a Content-Security-Policy that lets nothing
		 * run or load, and needs nothing it forbids: its CSS and SVG are
		 * inline.  Every answer says nosniff.
		 */
		ct = t_http_header(&h, "Content-Security-Policy");
		if (strcmp(f[i].fmt, "html") == 0) {
			cr_expect(ct != NULL && strcmp(ct, "default-src 'none'; "
			    "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
			    "form-action 'none'; frame-ancestors 'self'") == 0, "CSP: %s", ct);
			cr_expect(strstr(h.body, "<script") == NULL && strstr(h.body, "<link") == NULL &&
			    strstr(h.body, " src=") == NULL && strstr(h.body, "url(") == NULL &&
			    strstr(h.body, "@import") == NULL && strstr(h.body, "<svg") != NULL &&
			    strstr(h.body, "<style>") != NULL,
			    "the HTML report needs what its CSP forbids");
		}
		free(ct);
		cd = t_http_header(&h, "X-Content-Type-Options");
		cr_expect(cd != NULL && strcmp(cd, "nosniff") == 0, "%s: %s", f[i].fmt, cd);
		free(cd);
		t_http_free(&h);
		free(url);
	}
	/* The same figures as the CLI's. */
	url = xprintf("%s/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3", d.url);
	t_http(&h, "GET", url, inspector, NULL, NULL);
	{
		json_t *rep = json_loads(h.body, 0, NULL);

		cr_expect_eq(I(json_object_get(rep, "summary"), "behind"), 0);
		cr_expect_eq(I(json_object_get(rep, "summary"), "unreported"), 5);
		json_decref(rep);
	}
	t_http_free(&h);
	/* No token: 401; a bad parameter names itself. */
	t_http(&h, "GET", url, NULL, NULL, NULL);
	cr_expect_eq(h.status, 401);
	t_http_free(&h);
	free(url);
	url = xprintf("%s/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3&format=pdf",
	    d.url);
	t_http(&h, "GET", url, inspector, NULL, NULL);
	cr_expect_eq(h.status, 400);
	cr_expect(strstr(h.body, "\"field\":\"format\"") != NULL, "%s", h.body);
	t_http_free(&h);
	free(url);
	url = xprintf("%s/api/v1/reports/quarterly?plan=nope&quarter=2012Q3", d.url);
	t_http(&h, "GET", url, inspector, NULL, NULL);
	cr_expect_eq(h.status, 404);
	cr_expect(strstr(h.body, "\"field\":\"plan\"") != NULL, "%s", h.body);
	t_http_free(&h);
	free(url);
	url = xprintf("%s/api/v1/reports/quarterly?plan=jilin-2012&quarter=2012Q3&bogus=1",
	    d.url);
	t_http(&h, "GET", url, inspector, NULL, NULL);
	cr_expect_eq(h.status, 400);
	t_http_free(&h);
	free(url);
	t_daemon_stop(&d);
	free(inspector);
	scene_free(&s);
}

/* The supervise items' labels, "7 5" for two. */
static char *
supervise_labels(json_t *rep)
{
	char	*buf = NULL;
	size_t	 len = 0, i;
	FILE	*f = open_memstream(&buf, &len);
	json_t	*x;

	cr_assert(f != NULL);
	json_array_foreach(json_object_get(rep, "supervise"), i, x)
		fprintf(f, "%s%s", i > 0 ? " " : "", S(x, "label"));
	fclose(f);
	return (buf);
}

static json_t *
report_json(const char *db, const char *now, const char *quarter)
{
	char	*text = report(db, now, quarter, "json");
	json_t	*rep = json_loads(text, 0, NULL);

	cr_assert(rep != NULL, "%s", text);
	free(text);
	return (rep);
}

/*
 * Issue 10: before anyone reports, Jilin 2012 is 未填报, not 滞后, and its
 * 需督办 has nothing for want of figures until the first report date, the
 * end of the quarter the plan was issued in (31 March), has passed; then
 * every figure still missing is 逾期未报, with that reason.  What was
 * 督办 before stays: the task that names no lead office (5), and an
 * overdue milestone (7's winter term, due 29 February).
 */
Test(reports, jilin_2012_before_anyone_reports, .timeout = 240)
{
	char		*db = jilin_db(), *md, *html, *labels;
	json_t		*rep, *sum, *t, *g, *x;
	size_t		 i, j;

	/* 20 February: nothing reported, nothing due. */
	rep = report_json(db, "2012-02-20T09:00+08:00", "2012Q1");
	sum = json_object_get(rep, "summary");
	cr_expect_eq(I(sum, "behind"), 0);
	cr_expect_eq(I(sum, "unreported"), 9);	/* every task with targets */
	cr_expect_eq(I(sum, "on_track"), 2);	/* 4 and 9 have none */
	cr_expect_eq(I(sum, "unassigned"), 1);
	cr_expect_eq(I(json_object_get(sum, "targets"), "behind"), 0);
	cr_expect_eq(I(json_object_get(sum, "targets"), "unreported"), 53);
	cr_expect_eq(I(json_object_get(sum, "targets"), "late"), 0);
	cr_expect(json_is_null(json_object_get(json_object_get(sum, "targets"),
	    "avg_completion")));
	json_array_foreach(json_object_get(rep, "tasks"), i, t) {
		cr_expect_str_neq(S(t, "status"), "behind", "task %s", S(t, "label"));
		cr_expect_str_neq(S(t, "progress_status"), "behind", "task %s",
		    S(t, "label"));
		json_array_foreach(json_object_get(t, "targets"), j, g) {
			cr_expect_str_eq(S(g, "state"), "unreported", "%s", S(g, "name"));
			cr_expect(json_is_null(json_object_get(g, "completion")), "%s",
			    S(g, "name"));
			cr_expect(json_is_false(json_object_get(g, "behind")), "%s",
			    S(g, "name"));
			cr_expect(json_is_false(json_object_get(g, "late")), "%s",
			    S(g, "name"));
		}
	}
	cr_expect_str_eq(S(task_by_label(rep, "1"), "status"), "unreported");
	/* 需督办: only the task no lead office is named for. */
	labels = supervise_labels(rep);
	cr_expect_str_eq(labels, "5");
	free(labels);
	x = json_array_get(json_object_get(rep, "supervise"), 0);
	cr_expect_eq(json_array_size(json_object_get(x, "reasons")), 1);
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(x, "reasons"), 0)),
	    "未明确牵头处室");
	json_decref(rep);

	/* What a reader sees: 未填报, no 滞后, no 0%. */
	md = report(db, "2012-02-20T09:00+08:00", "2012Q1", "md");
	cr_expect(strstr(md, "共 12 项任务：已完成 0 项，按期推进 2 项，滞后 0 项，逾期 0 项，"
	    "未填报 9 项，未明确牵头处室 1 项；完成率 0.0%。") != NULL, "%.1000s", md);
	cr_expect(strstr(md, "指标 53 个：滞后 0 个，未填报 53 个（其中逾期未报 0 个）；"
	    "平均完成 —（已填报 0/49）。") != NULL, "%.1000s", md);
	cr_expect(strstr(md, "普通高中学生资助面：要求25%，未填报；") != NULL, "%s", md);
	cr_expect(strstr(md, "| 1 | 具体实事安排 | 实施“困难家庭学生爱心助学工程” |") != NULL);
	cr_expect(strstr(md, "| 2012年12月31日 | 各县（市）新建幼儿园：要求12所，未填报；"
	    "各县（市）改扩建幼儿园：要求5所，未填报 | 应完成 0，已完成 0，逾期 0 | 未填报 |")
	    != NULL, "%s", md);
	cr_expect(strstr(md, "指标滞后") == NULL && strstr(md, "逾期未报：") == NULL, "%s", md);
	cr_expect(strstr(md, "| 5 | 实施义务教育均衡发展促进工程 | 未明确牵头处室 | 未明确牵头处室 |"
	    " 未明确牵头处室 |") != NULL, "%s", md);
	free(md);
	html = report(db, "2012-02-20T09:00+08:00", "2012Q1", "html");
	cr_expect(strstr(html, "未填报 9 项") != NULL);
	cr_expect(strstr(html, "，滞后</span>") == NULL && strstr(html, "逾期未报：") == NULL);
	cr_expect(strstr(html, "<span class=\"st st-unreported\">未填报</span>") != NULL);
	free(html);

	/* 30 March: the winter term is overdue (逾期, as ever); the figures
	 * are not yet due. */
	rep = report_json(db, "2012-03-30T09:00+08:00", "2012Q1");
	labels = supervise_labels(rep);
	cr_expect_str_eq(labels, "7 5");
	free(labels);
	x = json_array_get(json_object_get(rep, "supervise"), 0);
	cr_expect_eq(json_array_size(json_object_get(x, "reasons")), 1);
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(x, "reasons"), 0)),
	    "逾期节点 1 个");
	cr_expect_eq(I(json_object_get(json_object_get(rep, "summary"), "targets"), "late"), 0);
	json_decref(rep);

	/* Q1's report as of its last day, 31 March: the report date is that
	 * day, not passed on it (数据截至 31 March): 未填报, not yet late. */
	rep = report_json(db, "2012-04-05T09:00+08:00", "2012Q1");
	cr_expect_eq(I(json_object_get(json_object_get(rep, "summary"), "targets"), "late"), 0);
	json_decref(rep);

	/* The report date passed (Q2 as of 5 April): every missing figure is
	 * 逾期未报, still 未填报 (never 滞后), its task grey and in 督办 with
	 * that reason. */
	rep = report_json(db, "2012-04-05T09:00+08:00", "2012Q2");
	cr_expect_str_eq(S(task_by_label(rep, "2"), "light"), "grey");
	sum = json_object_get(rep, "summary");
	cr_expect_eq(I(sum, "behind"), 0);
	cr_expect_eq(I(sum, "unreported"), 8);		/* 7 is overdue */
	cr_expect_eq(I(json_object_get(sum, "targets"), "late"), 53);
	labels = supervise_labels(rep);
	cr_expect_str_eq(labels, "7 1 2 3 5 5① 5② 5③ 6 8");
	free(labels);
	x = json_array_get(json_object_get(rep, "supervise"), 1);
	cr_expect_str_eq(S(x, "status"), "unreported");
	cr_expect(strncmp(json_string_value(json_array_get(json_object_get(x, "reasons"), 0)),
	    "逾期未报：普通高中学生资助面、普通高中每名受助学生每年资助标准、",
	    strlen("逾期未报：普通高中学生资助面、普通高中每名受助学生每年资助标准、")) == 0,
	    "%s", json_string_value(json_array_get(json_object_get(x, "reasons"), 0)));
	x = json_array_get(json_object_get(rep, "supervise"), 4);
	cr_expect_str_eq(S(x, "label"), "5");
	cr_expect_str_eq(json_string_value(json_array_get(json_object_get(x, "reasons"), 1)),
	    "未明确牵头处室");
	json_decref(rep);
	md = report(db, "2012-04-05T09:00+08:00", "2012Q2", "md");
	cr_expect(strstr(md, "| 2 | 实施“学前教育三年行动计划” | 发展规划处 | 未填报 | "
	    "逾期未报：各县（市）新建幼儿园、各县（市）改扩建幼儿园 |") != NULL, "%s", md);
	cr_expect(strstr(md, "各县（市）新建幼儿园：要求12所，逾期未报；") != NULL, "%s", md);
	cr_expect(strstr(md, "指标滞后") == NULL && strstr(md, "| 滞后 |") == NULL, "%s", md);
	free(md);
	free(db);
}

/*
 * A dispatch round's date is a report date too, for the offices it asks:
 * on 1 March the general office asks finance for its figures by 10 March;
 * finance reports one.  On 12 March its others are 逾期未报, another
 * office's are not (their date is the quarter's end), and the one it
 * reported counts in the average by itself (已填报 1/18).
 */
Test(reports, a_dispatch_round_date_is_a_report_date, .timeout = 240)
{
	struct scene	 s;
	struct t_daemon	 d;
	struct t_http	 h;
	char		*url, *labels, *md;
	json_t		*rep, *x, *o;
	size_t		 i;

	memset(&s, 0, sizeof s);
	s.db = jilin_db();
	s.c = t_connect(s.db);
	s.finance = t_token(s.db, "office", "财务审计处");
	s.general = t_token(s.db, "general", NULL);

	with_daemon_at(&s, "2012-03-01T10:00+08:00", &d);
	url = xprintf("%s/api/v1/dispatches", d.url);
	t_http(&h, "POST", url, s.general, "{\"plans\":[\"jilin-2012\"],"
	    "\"offices\":[\"财务审计处\"],\"due_on\":\"2012-03-10\","
	    "\"title\":\"2012年3月进展调度\"}", NULL);
	cr_assert_eq(h.status, 201, "%s", h.body);
	t_http_free(&h);
	free(url);
	patch(&d, s.finance, "targets", target_id(s.c, "1", "hs-students"),
	    "{\"current\":2000}");
	t_daemon_stop(&d);

	/* 9 March: the round's date has not passed. */
	rep = report_json(s.db, "2012-03-09T09:00+08:00", "2012Q1");
	labels = supervise_labels(rep);
	cr_expect_str_eq(labels, "7 5");
	free(labels);
	json_decref(rep);

	/* 12 March: finance's other figures are 逾期未报; task 2's (发展规划处,
	 * not in the round) are only 未填报. */
	rep = report_json(s.db, "2012-03-12T09:00+08:00", "2012Q1");
	labels = supervise_labels(rep);
	cr_expect_str_eq(labels, "7 1 6 5");
	free(labels);
	x = json_array_get(json_object_get(rep, "supervise"), 1);
	cr_expect_str_eq(S(x, "status"), "on_track");	/* 2000 of 8000 in March */
	cr_expect(strstr(json_string_value(json_array_get(json_object_get(x, "reasons"), 0)),
	    "普通高中受助学生") == NULL);
	cr_expect(json_is_false(json_object_get(target_by_key(task_by_label(rep, "2"),
	    "new-kindergartens"), "late")));
	json_array_foreach(json_object_get(rep, "offices"), i, o)
		if (strcmp(S(o, "name"), "财务审计处") == 0) {
			cr_expect_float_eq(R(o, "avg_completion"), 0.25, 1e-9);
			cr_expect_eq(I(o, "targets_reported"), 1);
			cr_expect_eq(I(o, "targets_measured"), 18);
		}
	json_decref(rep);
	md = report(s.db, "2012-03-12T09:00+08:00", "2012Q1", "md");
	/* Nothing of finance's was due: listed apart, not ranked (its
	 * average is in the JSON above and the CSV's offices view). */
	cr_expect(strstr(md, "本期无到期事项（不参加排名）：人事处、体育卫生艺术教育处、发展规划处、"
	    "学校安全处、教育基建办公室、教育技术装备处、监察室、财务审计处。") != NULL, "%s", md);
	free(md);
	scene_free(&s);
}
