/*
 * The working-day calendar: each year's State Council notice as loaded
 * from plans/calendar/cn-workdays.yaml (the days off and the weekend days
 * worked, 调休, as the notices list them; the working days a year then
 * has, counted independently from another compilation of the notices);
 * and the warning when the calendar lacks a year, with the clock at
 * 1 December 2026 and no 2027 notice: the general office's weekly
 * reminder, /metrics, `duban calendar show`, `duban reminder preview`
 * and the 总览's API, until a 2027 calendar is loaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "xmalloc.h"

static const char JILIN[] = DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml";
static const char CALENDAR[] = DUBAN_SOURCE_DIR "/plans/calendar/cn-workdays.yaml";
static const char TEST_2027[] = DUBAN_SOURCE_DIR "/tests/fixtures/calendar/test-2027.yaml";

#define S(o, k)	json_string_value(json_object_get((o), (k)))

/* What a command prints (it must succeed), allocated. */
static char *
cli_out(const char *db, const char *const *args)
{
	struct t_run	 r;
	char		*out;

	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "duban %s %s: %s%s", args[0], args[1], r.out, r.err);
	out = xstrdup(r.out);
	t_run_free(&r);
	return (out);
}

#define EXPECT_IN(hay, needle) \
	cr_expect(strstr((hay), (needle)) != NULL, "「%s」 not in:\n%s", (needle), (hay))
#define EXPECT_NOT_IN(hay, needle) \
	cr_expect(strstr((hay), (needle)) == NULL, "「%s」 in:\n%s", (needle), (hay))

/* ---------------------------------------------------------------- */
/* The years added from their notices */

struct year {
	int		 year;
	const char	*number;	/* the notice's 文号 */
	const char	*holidays;	/* "name from~to", in order, ";" apart */
	const char	*workdays;	/* the 调休 working days, in order */
	int		 working_days;	/* in the calendar year */
};

/*
 * Typed from each notice's text (国办发明电; see the file's comments for
 * the numbers).  working_days was counted from NateScarlet/holiday-cn's
 * compilation of the same notices, not from this file.
 */
static const struct year years[] = {
	{ 2014, "〔2013〕28号",
	  "元旦 2014-01-01~2014-01-01;春节 2014-01-31~2014-02-06;"
	  "清明节 2014-04-05~2014-04-07;劳动节 2014-05-01~2014-05-03;"
	  "端午节 2014-06-02~2014-06-02;中秋节 2014-09-08~2014-09-08;"
	  "国庆节 2014-10-01~2014-10-07",
	  "2014-01-26 2014-02-08 2014-05-04 2014-09-28 2014-10-11", 250 },
	{ 2015, "〔2014〕28号",
	  "元旦 2015-01-01~2015-01-03;春节 2015-02-18~2015-02-24;"
	  "清明节 2015-04-05~2015-04-06;劳动节 2015-05-01~2015-05-01;"
	  "端午节 2015-06-20~2015-06-22;抗战胜利70周年纪念日 2015-09-03~2015-09-05;"
	  "中秋节 2015-09-27~2015-09-27;国庆节 2015-10-01~2015-10-07",
	  "2015-01-04 2015-02-15 2015-02-28 2015-09-06 2015-10-10", 249 },
	{ 2016, "〔2015〕18号",
	  "元旦 2016-01-01~2016-01-01;春节 2016-02-07~2016-02-13;"
	  "清明节 2016-04-04~2016-04-04;劳动节 2016-05-01~2016-05-02;"
	  "端午节 2016-06-09~2016-06-11;中秋节 2016-09-15~2016-09-17;"
	  "国庆节 2016-10-01~2016-10-07",
	  "2016-02-06 2016-02-14 2016-06-12 2016-09-18 2016-10-08 2016-10-09", 250 },
	{ 2023, "〔2022〕16号",
	  "元旦 2022-12-31~2023-01-02;春节 2023-01-21~2023-01-27;"
	  "清明节 2023-04-05~2023-04-05;劳动节 2023-04-29~2023-05-03;"
	  "端午节 2023-06-22~2023-06-24;中秋节、国庆节 2023-09-29~2023-10-06",
	  "2023-01-28 2023-01-29 2023-04-23 2023-05-06 2023-06-25 2023-10-07 2023-10-08", 249 },
	{ 2024, "〔2023〕7号",
	  "元旦 2024-01-01~2024-01-01;春节 2024-02-10~2024-02-17;"
	  "清明节 2024-04-04~2024-04-06;劳动节 2024-05-01~2024-05-05;"
	  "端午节 2024-06-10~2024-06-10;中秋节 2024-09-15~2024-09-17;"
	  "国庆节 2024-10-01~2024-10-07",
	  "2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 "
	  "2024-09-29 2024-10-12", 251 },
};

/*
 * The statutory days each holiday must contain (元旦 1 January, 春节 the
 * first day of the lunar year, 清明 the solar term, 劳动节 1 May, 端午
 * 5/5 and 中秋 8/15 of the lunar calendar, 国庆 1 October), by the
 * Hong Kong Observatory's Gregorian–lunar tables.
 */
static const char *const statutory[] = {
	"2014-01-01", "2014-01-31", "2014-04-05", "2014-05-01", "2014-06-02", "2014-09-08", "2014-10-01",
	"2015-01-01", "2015-02-19", "2015-04-05", "2015-05-01", "2015-06-20", "2015-09-27", "2015-10-01",
	"2015-09-03",
	"2016-01-01", "2016-02-08", "2016-04-04", "2016-05-01", "2016-06-09", "2016-09-15", "2016-10-01",
	"2023-01-01", "2023-01-22", "2023-04-05", "2023-05-01", "2023-06-22", "2023-09-29", "2023-10-01",
	"2024-01-01", "2024-02-10", "2024-04-04", "2024-05-01", "2024-06-10", "2024-09-17", "2024-10-01",
};

Test(calendar, each_added_year_as_its_notice_says, .timeout = 120)
{
	const char	*load[] = { "calendar", "load", CALENDAR, NULL };
	char		*db = t_db_create(), *got, *out, y[8], want[160];
	PGconn		*c;
	size_t		 i;

	/* A day before December: `calendar show` warns of next year's
	 * missing notice from 1 December (the other test), and this one must
	 * not depend on the day it runs. */
	setenv("DUBAN_NOW", "2026-06-01T09:00+08:00", 1);
	t_cli_ok(db, load);
	c = t_connect(db);
	for (i = 0; i < sizeof years / sizeof years[0]; i++) {
		const char	*p[1] = { y };
		const char	*show[] = { "calendar", "show", y, NULL };

		snprintf(y, sizeof y, "%d", years[i].year);
		/* Each holiday as one range of days off, under its name. */
		got = t_query(c, "SELECT string_agg(name || ' ' || a || '~' || b, ';' ORDER BY a)"
		    " FROM (SELECT name, min(day) AS a, max(day) AS b FROM calendar_day"
		    "  WHERE year = $1::int AND kind = 'holiday' GROUP BY name) x"
		    " WHERE (SELECT count(*) FROM calendar_day d WHERE d.year = $1::int"
		    "  AND d.kind = 'holiday' AND d.name = x.name) = b - a + 1", 1, p);
		cr_expect_str_eq(got, years[i].holidays, "%s: holidays", y);
		free(got);
		got = t_query(c, "SELECT string_agg(day::text, ' ' ORDER BY day) FROM calendar_day"
		    " WHERE year = $1::int AND kind = 'workday'", 1, p);
		cr_expect_str_eq(got, years[i].workdays, "%s: 调休 working days", y);
		free(got);
		/* A 调休 working day is a Saturday or a Sunday, and works. */
		cr_expect_eq(t_query_long(c, "SELECT count(*) FROM calendar_day c JOIN workday_seq w"
		    " USING (day) WHERE c.year = $1::int AND c.kind = 'workday'"
		    " AND (extract(isodow FROM day) < 6 OR NOT w.is_workday)", 1, p), 0, "%s", y);
		/* Every day names its notice. */
		got = t_query(c, "SELECT string_agg(DISTINCT source, ' ') FROM calendar_day"
		    " WHERE year = $1::int", 1, p);
		snprintf(want, sizeof want, "国务院办公厅关于%s年部分节假日安排的通知（国办发明电%s）",
		    y, years[i].number);
		cr_expect_str_eq(got, want);
		free(got);
		/* The year's working days, as `calendar show` tells them. */
		out = cli_out(db, show);
		snprintf(want, sizeof want, "%s 年共 %d 个工作日", y, years[i].working_days);
		EXPECT_IN(out, want);
		EXPECT_NOT_IN(out, "尚未导入");
		free(out);
	}
	for (i = 0; i < sizeof statutory / sizeof statutory[0]; i++) {
		const char	*p[1] = { statutory[i] };

		cr_expect_eq(t_query_long(c, "SELECT count(*) FROM workday_seq WHERE day = $1::date"
		    " AND NOT is_workday", 1, p), 1, "%s should be a day off", statutory[i]);
	}
	/* The 2015 anniversary names its own notice; 2022's last day is 2023's 元旦. */
	got = t_query(c, "SELECT source FROM calendar_day WHERE day = '2015-09-04'", 0, NULL);
	cr_expect_str_eq(got, "国务院办公厅关于2015年部分节假日安排的通知（国办发明电〔2014〕28号）");
	free(got);
	got = t_query(c, "SELECT year || ' ' || name FROM calendar_day WHERE day = '2022-12-31'",
	    0, NULL);
	cr_expect_str_eq(got, "2023 元旦");
	free(got);
	/* The years the file holds: none missing from 2012 to 2026. */
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM generate_series(2012, 2026) y"
	    " WHERE NOT duban_calendar_has(y)", 0, NULL), 0);
	PQfinish(c);
	free(db);
}

/* ---------------------------------------------------------------- */
/* December without next year's notice */

/* The general office's calendar reminders: "send_on subject", in order. */
static char *
calendar_reminders(PGconn *c)
{
	return (t_query(c, "SELECT coalesce(string_agg(r.send_on || ' ' || o.name || ' '"
	    " || r.subject, '；' ORDER BY r.send_on), '') FROM reminder r"
	    " JOIN office o ON o.id = r.office_id WHERE r.kind = 'calendar'", 0, NULL));
}

static void
sweep(const char *db, const char *day)
{
	const char	*args[] = { "reminder", "sweep", "--date", day, NULL };

	t_cli_ok(db, args);
}

/* GET a path of the daemon's: the status, and the body in *body. */
static long
get(const struct t_daemon *d, const char *path, const char *token, char **body)
{
	struct t_http	 h;
	char		*url = xprintf("%s%s", d->url, path);
	long		 status;

	t_http(&h, "GET", url, token, NULL, NULL);
	free(url);
	status = h.status;
	*body = xstrdup(h.body ? h.body : "");
	t_http_free(&h);
	return (status);
}

#define WARN_2027	"2027 年节假日安排尚未导入"
#define ONE_WEEK	"2026-12-01 局办公室 【工作日历】2027 年节假日安排尚未导入"
#define TWO_WEEKS	ONE_WEEK "；2026-12-07 局办公室 【工作日历】2027 年节假日安排尚未导入"

Test(calendar, december_without_next_years_notice, .timeout = 180)
{
	const char	*load[] = { "plan", "load", JILIN, NULL };
	const char	*cal[] = { "calendar", "load", CALENDAR, NULL };
	const char	*cal27[] = { "calendar", "load", TEST_2027, NULL };
	const char	*set[] = { "office", "set", "局办公室", "--email",
	    "bangongshi@example.gov.cn", NULL };
	const char	*show[] = { "calendar", "show", "2026", NULL };
	const char	*show27[] = { "calendar", "show", "2027", NULL };
	const char	*preview1[] = { "reminder", "preview", "--date", "2026-12-01", NULL };
	const char	*preview2[] = { "reminder", "preview", "--date", "2026-12-02", NULL };
	const char	*env[] = { "DUBAN_NOW=2026-12-08T09:00+08:00", NULL };
	const char	*args[] = { "--config", "/dev/null", NULL };
	char		*db = t_db_create(), *got, *out, *token;
	struct t_daemon	 d;
	json_t		*j, *m;
	PGconn		*c;

	t_cli_ok(db, load);
	t_cli_ok(db, cal);
	t_cli_ok(db, set);
	c = t_connect(db);

	/* November: nothing to say yet. */
	setenv("DUBAN_NOW", "2026-11-30T09:00+08:00", 1);
	out = cli_out(db, show);
	EXPECT_NOT_IN(out, "尚未导入");
	free(out);
	sweep(db, "2026-11-30");
	got = calendar_reminders(c);
	cr_expect_str_eq(got, "");
	free(got);

	/* Tuesday 1 December: the general office is told, once that week. */
	setenv("DUBAN_NOW", "2026-12-01T09:00+08:00", 1);
	out = cli_out(db, show);
	EXPECT_IN(out, WARN_2027);
	EXPECT_IN(out, "2027 年的提醒只按周末计算");
	EXPECT_IN(out, "国务院办公厅关于2027年部分节假日安排的通知");
	EXPECT_IN(out, "duban calendar load");
	EXPECT_IN(out, "2026 年共");		/* 2026 itself is still listed */
	free(out);
	out = cli_out(db, preview1);
	EXPECT_IN(out, "【注意】" WARN_2027);
	EXPECT_IN(out, "[工作日历] 【工作日历】2027 年节假日安排尚未导入");
	EXPECT_IN(out, "bangongshi@example.gov.cn");
	free(out);
	sweep(db, "2026-12-01");
	sweep(db, "2026-12-02");
	sweep(db, "2026-12-04");
	got = calendar_reminders(c);
	cr_expect_str_eq(got, ONE_WEEK);
	free(got);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM delivery d JOIN reminder r"
	    " ON r.id = d.reminder_id WHERE r.kind = 'calendar'"
	    " AND d.address = 'bangongshi@example.gov.cn'", 0, NULL), 1);
	/* Later that week the preview warns, but sends nothing new. */
	out = cli_out(db, preview2);
	EXPECT_IN(out, "【注意】" WARN_2027);
	EXPECT_NOT_IN(out, "[工作日历]");
	free(out);
	/* The next week, again: Monday 7 December. */
	sweep(db, "2026-12-07");
	got = calendar_reminders(c);
	cr_expect_str_eq(got, TWO_WEEKS);
	free(got);

	/* duband on 8 December: /metrics and the 总览 say it too. */
	t_daemon_start(&d, db, args, env);
	token = t_token(db, "inspector", NULL);
	cr_assert_eq(get(&d, "/metrics", NULL, &out), 200);
	EXPECT_IN(out, "\nduban_calendar_next_year_loaded 0\n");
	EXPECT_IN(out, "\nduban_calendar_years_missing 1\n");
	free(out);
	cr_assert_eq(get(&d, "/api/v1/overview", token, &out), 200, "%s", out);
	j = json_loads(out, 0, NULL);
	cr_assert(j != NULL, "%s", out);
	cr_expect_eq(json_array_size(json_object_get(j, "calendar_missing")), 1, "%s", out);
	m = json_array_get(json_object_get(j, "calendar_missing"), 0);
	cr_expect_eq(json_integer_value(json_object_get(m, "year")), 2027);
	cr_expect(json_is_true(json_object_get(m, "next_year")));
	cr_expect(S(m, "warning") != NULL && strstr(S(m, "warning"), WARN_2027) != NULL,
	    "%s", out);
	json_decref(j);
	free(out);
	/* The daemon's own sweep added nothing this week. */
	got = calendar_reminders(c);
	cr_expect_str_eq(got, TWO_WEEKS);
	free(got);

	/* 2027 is loaded: the warning is gone everywhere, and so is the reminder. */
	t_cli_ok(db, cal27);
	cr_assert_eq(get(&d, "/metrics", NULL, &out), 200);
	EXPECT_IN(out, "\nduban_calendar_next_year_loaded 1\n");
	EXPECT_IN(out, "\nduban_calendar_years_missing 0\n");
	free(out);
	cr_assert_eq(get(&d, "/api/v1/overview", token, &out), 200, "%s", out);
	j = json_loads(out, 0, NULL);
	cr_expect_eq(json_array_size(json_object_get(j, "calendar_missing")), 0, "%s", out);
	json_decref(j);
	free(out);
	t_daemon_stop(&d);
	setenv("DUBAN_NOW", "2026-12-14T09:00+08:00", 1);
	out = cli_out(db, show);
	EXPECT_NOT_IN(out, "尚未导入");
	free(out);
	out = cli_out(db, show27);
	EXPECT_IN(out, "测试用日历");
	EXPECT_NOT_IN(out, "尚未导入");
	free(out);
	sweep(db, "2026-12-14");
	got = calendar_reminders(c);
	cr_expect_str_eq(got, TWO_WEEKS);
	free(got);

	/* A year the calendar does not hold is said so, not silently counted. */
	{
		const char	*show2030[] = { "calendar", "show", "2030", NULL };

		out = cli_out(db, show2030);
		EXPECT_IN(out, "2030 年节假日安排尚未导入");
		EXPECT_IN(out, "2030 年的提醒只按周末计算");
		free(out);
	}
	/* In January, this year's notice missing is said as well. */
	setenv("DUBAN_NOW", "2031-01-05T09:00+08:00", 1);
	out = cli_out(db, show);
	EXPECT_IN(out, "2031 年节假日安排尚未导入");
	free(out);
	unsetenv("DUBAN_NOW");
	free(token);
	PQfinish(c);
	free(db);
}
