/*
 * Deadline forms: every form the documents use, and the errors a plan
 * author will meet.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "deadline.h"

/* Criterion copies parameters into its workers: no pointers inside. */
struct good {
	char	form[64];
	int	year;
	char	want[11];
};

ParameterizedTestParameters(deadline, forms)
{
	static struct good cases[] = {
		{ "2012-09-30", 2012, "2012-09-30" },
		{ "全年", 2012, "2012-12-31" },
		{ "年内", 2017, "2017-12-31" },
		{ "年底", 2012, "2012-12-31" },
		{ "年底前", 2012, "2012-12-31" },
		{ "2012年底", 2012, "2012-12-31" },
		{ "2013年年底", 2012, "2013-12-31" },
		{ "2012年9月", 2012, "2012-09-30" },
		{ "2012年10月", 2012, "2012-10-31" },
		{ "2012年10月底", 2012, "2012-10-31" },
		{ "2012年10月完成", 2012, "2012-10-31" },
		{ "10月底前", 2012, "2012-10-31" },
		{ "2月", 2012, "2012-02-29" },
		{ "2月", 2019, "2019-02-28" },
		{ "九月", 2012, "2012-09-30" },
		{ "十二月", 2012, "2012-12-31" },
		{ "9月15日", 2012, "2012-09-15" },
		{ "二○一二年九月", 2012, "2012-09-30" },
		{ "２０１２年９月", 2012, "2012-09-30" },
		{ "上半年", 2019, "2019-06-30" },
		{ "下半年", 2019, "2019-12-31" },
		{ "第一季度", 2012, "2012-03-31" },
		{ "第三季度", 2012, "2012-09-30" },
		{ "三季度", 2012, "2012-09-30" },
		{ "第4季度", 2012, "2012-12-31" },
		{ "Q2", 2012, "2012-06-30" },
		{ "寒假", 2012, "2012-02-29" },
		{ "暑假", 2019, "2019-08-31" },
		{ "2012年3月31日", 2012, "2012-03-31" },
		{ " 全年 ", 2012, "2012-12-31" },
	};

	return (cr_make_param_array(struct good, cases,
	    sizeof cases / sizeof cases[0]));
}

ParameterizedTest(struct good *c, deadline, forms)
{
	struct ymd	 d;
	char		*cause = NULL, buf[11];

	cr_assert_eq(deadline_parse(c->form, c->year, &d, &cause), 0,
	    "「%s」 (plan year %d) should parse: %s", c->form, c->year,
	    cause ? cause : "");
	date_format(&d, buf);
	cr_expect_str_eq(buf, c->want, "「%s」 → %s, want %s", c->form, buf,
	    c->want);
}

struct bad {
	char	form[64];
	int	year;
	char	msg[128];	/* part of the message */
};

ParameterizedTestParameters(deadline, errors)
{
	static struct bad cases[] = {
		{ "2012-02-30", 2012, "日期不存在" },
		{ "2011-02-29", 2011, "日期不存在" },
		{ "2012-13-01", 2012, "日期不存在" },
		{ "2月30日", 2012, "日期不存在" },
		{ "13月", 2012, "日期不存在" },
		{ "2011年12月", 2012, "早于计划年度 2012 年" },
		{ "2011-12-31", 2012, "早于计划年度" },
		{ "2030年", 2012, "晚于计划年度" },
		{ "尽快", 2012, "无法识别的完成时限" },
		{ "第五季度", 2012, "无法识别" },
		{ "2012年9月份底", 2012, "无法识别" },
		{ "", 2012, "为空" },
		{ "12/31", 2012, "无法识别" },
	};

	return (cr_make_param_array(struct bad, cases,
	    sizeof cases / sizeof cases[0]));
}

ParameterizedTest(struct bad *c, deadline, errors)
{
	struct ymd	 d = { 1, 2, 3 };
	char		*cause = NULL;

	cr_assert_eq(deadline_parse(c->form, c->year, &d, &cause), -1,
	    "「%s」 should be refused", c->form);
	cr_assert_not_null(cause);
	cr_expect(strstr(cause, c->msg) != NULL, "「%s」: got 「%s」, want 「%s」",
	    c->form, cause, c->msg);
	cr_expect(d.y == 1 && d.m == 2 && d.d == 3, "output changed on error");
	free(cause);
}

Test(date, days_round_trip)
{
	struct ymd	 d = { 1999, 12, 31 }, back;
	long		 n;

	for (n = date_to_days(&d); n < date_to_days(&d) + 365 * 40; n++) {
		date_from_days(n, &back);
		cr_assert_eq(date_to_days(&back), n);
		cr_assert(date_valid(back.y, back.m, back.d));
	}
	d = (struct ymd){ 1970, 1, 1 };
	cr_assert_eq(date_to_days(&d), 0);
	d = (struct ymd){ 2012, 3, 1 };
	date_from_days(date_to_days(&d) - 1, &back);
	cr_assert(back.y == 2012 && back.m == 2 && back.d == 29);
}
