#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "utf8.h"
#include "xmalloc.h"

#define DEADLINE_MAX_YEARS_AHEAD 10

/* ---------------------------------------------------------------- */
/* The form parser works on a cursor over the UTF-8 text. */

struct cur {
	const char	*p;
};

static int
cur_eat(struct cur *c, const char *lit)
{
	size_t	 n = strlen(lit);

	if (strncmp(c->p, lit, n) != 0)
		return (0);
	c->p += n;
	return (1);
}

/* Value of one digit, ASCII, full-width or Chinese; -1 if none. */
static int
digit_at(const char *p, size_t *len)
{
	static const char *cn[] = { "〇", "一", "二", "三", "四", "五", "六",
	    "七", "八", "九" };
	uint32_t	 cp;
	int		 i;

	if (*p >= '0' && *p <= '9') {
		*len = 1;
		return (*p - '0');
	}
	if (*p == '\0')
		return (-1);
	*len = utf8_decode(p, &cp);
	if (cp >= 0xff10 && cp <= 0xff19)	/* full-width ０-９ */
		return ((int)(cp - 0xff10));
	if (cp == 0x25cb || cp == 0x96f6)	/* ○ and 零, as in 二○一二 */
		return (0);
	for (i = 0; i < 10; i++)
		if (strncmp(p, cn[i], strlen(cn[i])) == 0)
			return (i);
	return (-1);
}

/*
 * A year: four digits in any of the digit forms (2012, ２０１２, 二○一二).
 * Returns the year, or -1 leaving the cursor alone.
 */
static int
parse_year(struct cur *c)
{
	const char	*p = c->p;
	size_t		 n;
	int		 i, v, y = 0;

	for (i = 0; i < 4; i++) {
		if ((v = digit_at(p, &n)) < 0)
			return (-1);
		y = y * 10 + v;
		p += n;
	}
	if (digit_at(p, &n) >= 0)
		return (-1);
	c->p = p;
	return (y);
}

/*
 * A small number 1..99: Arabic digits (one or two), or Chinese numerals
 * as months and days are written (九, 十, 十二, 二十一, 三十).
 * Returns the number, or -1 leaving the cursor alone.
 */
static int
parse_small(struct cur *c)
{
	const char	*p = c->p;
	size_t		 n;
	int		 v, tens = -1, units = -1;

	if ((v = digit_at(p, &n)) >= 0 && (*p & 0x80) == 0) {
		int	 r = v;

		p += n;
		if (*p >= '0' && *p <= '9') {
			r = r * 10 + (*p - '0');
			p++;
		}
		if (*p >= '0' && *p <= '9')
			return (-1);
		c->p = p;
		return (r);
	}
	if ((v = digit_at(p, &n)) >= 1 && (*p & 0x80) && strncmp(p, "〇", n) &&
	    v > 0) {
		/* 一 … 九, possibly followed by 十 */
		p += n;
		if (strncmp(p, "十", strlen("十")) == 0) {
			tens = v;
			p += strlen("十");
		} else
			units = v;
	} else if (strncmp(p, "十", strlen("十")) == 0) {
		tens = 1;
		p += strlen("十");
	} else if (v >= 0 && (*p & 0x80) && v > 0 && v < 10) {
		/* full-width single digit */
		p += n;
		c->p = p;
		return (v);
	} else
		return (-1);
	if (tens >= 0) {
		if ((v = digit_at(p, &n)) >= 1 && (*p & 0x80)) {
			units = v;
			p += n;
		} else
			units = 0;
		c->p = p;
		return (tens * 10 + units);
	}
	c->p = p;
	return (units);
}

/* Quarter number after 第 or alone: 一..四 or 1..4. */
static int
parse_quarter(struct cur *c)
{
	struct cur	 s = *c;
	int		 q;

	(void)cur_eat(&s, "第");
	if ((q = parse_small(&s)) < 1 || q > 4)
		return (-1);
	if (!cur_eat(&s, "季度"))
		return (-1);
	*c = s;
	return (q);
}

/* ---------------------------------------------------------------- */
/* Forms */

/* What parsing one form gives: a date, or why there is none. */
enum {
	DL_OK = 0,
	DL_UNKNOWN = -1,	/* not a form */
	DL_NODATE = -2,		/* a form naming a date that does not exist */
	DL_REVERSED = -3	/* a range that ends before it starts */
};

/*
 * The semesters' last days (春季学期 ends before the summer holiday, 秋季学期
 * before the winter one, in January of the next year), and the first
 * day of the autumn term (for 秋季开学前).  See docs/plan-format.md.
 */
#define SPRING_TERM_END_M	7
#define SPRING_TERM_END_D	15
#define AUTUMN_TERM_END_M	1
#define AUTUMN_TERM_END_D	15

/* Words that open a deadline and add nothing to it (于6月底前完成). */
static const char *const prefixes[] = { "截止到", "截至", "截止", "于", NULL };

/* Words that close a deadline and add nothing to it (10月底前完成). */
static const char *const suffixes[] = { "之前", "以前", "前", "完成", "止",
    NULL };

/*
 * Range separators (3月至6月, 3-6月, 3月—6月), longest first.  The ASCII
 * hyphen is tried last and never inside an ISO date.
 */
static const char *const separators[] = { "至", "到", "——", "—", "～", "~",
    "－", "–", "-", NULL };

/* Texts that are no form, with what to write instead. */
static const struct {
	const char	*text;	/* after prefixes and suffixes are dropped */
	const char	*hint;
} hints[] = {
	{ "年", "“年前”通常指春节前，春节的日期每年不同：请写明日期，如“2月10日前”" },
	{ "季度", "未指明哪一季度：请写“第三季度”或“第三季度末”" },
	{ "季度末", "未指明哪一季度：请写“第三季度末”" },
	{ "季度底", "未指明哪一季度：请写“第三季度末”" },
	{ "月底", "未指明月份：请写“10月底”" },
	{ "月末", "未指明月份：请写“10月底”" },
	{ "学期", "未指明哪一学期：请写“春季学期”或“秋季学期”" },
	{ "学期末", "未指明哪一学期：请写“春季学期”或“秋季学期”" },
	{ "开学", "未指明哪次开学：请写“9月开学前”或“春季开学前”" },
};

static void
strip_suffixes(char *s)
{
	size_t		 len, n;
	int		 i, again = 1;

	while (again) {
		again = 0;
		len = strlen(s);
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			s[--len] = '\0';
		for (i = 0; suffixes[i] != NULL; i++) {
			n = strlen(suffixes[i]);
			if (len > n && strcmp(s + len - n, suffixes[i]) == 0) {
				s[len - n] = '\0';
				again = 1;
				break;
			}
		}
	}
}

static void
strip_prefixes(char *s)
{
	size_t		 n;
	int		 i;

	for (i = 0; prefixes[i] != NULL; i++) {
		n = strlen(prefixes[i]);
		if (strncmp(s, prefixes[i], n) == 0 && s[n] != '\0') {
			memmove(s, s + n, strlen(s + n) + 1);
			return;
		}
	}
}

/* Sets *out; DL_NODATE if the date does not exist (*out still set). */
static int
set_or_fail(struct ymd *out, int y, int m, int d)
{
	out->y = y;
	out->m = m;
	out->d = d;
	return (date_valid(y, m, d) ? DL_OK : DL_NODATE);
}

/* The last day of month m of year y (DL_NODATE if there is no month m). */
static int
month_end(struct ymd *out, int y, int m)
{
	out->y = y; out->m = m; out->d = 0;
	if (m < 1 || m > 12)
		return (DL_NODATE);
	return (set_or_fail(out, y, m, date_days_in_month(y, m)));
}

/* The day before the first of month m of year y. */
static int
day_before_month(struct ymd *out, int y, int m)
{
	out->y = y; out->m = m; out->d = 0;
	if (m < 1 || m > 12)
		return (DL_NODATE);
	return (m == 1 ? month_end(out, y - 1, 12) : month_end(out, y, m - 1));
}

/* An optional 末 or 底 (第三季度末), then the end of the text. */
static int
at_end(struct cur *c)
{
	if (!cur_eat(c, "末"))
		(void)cur_eat(c, "底");
	return (*c->p == '\0');
}

/* The part after a month number and 月: what day of month m it names. */
static int
parse_in_month(struct cur *c, int y, int m, struct ymd *out)
{
	int	 d;

	if (*c->p == '\0' || cur_eat(c, "底") || cur_eat(c, "末") ||
	    cur_eat(c, "份") || cur_eat(c, "月底") || cur_eat(c, "月末") ||
	    cur_eat(c, "下旬"))
		return (*c->p == '\0' ? month_end(out, y, m) : DL_UNKNOWN);
	if (cur_eat(c, "上旬"))
		d = 10;
	else if (cur_eat(c, "中旬"))
		d = 20;
	else if (cur_eat(c, "开学"))	/* 9月开学前: the day before */
		return (*c->p == '\0' ? day_before_month(out, y, m) :
		    DL_UNKNOWN);
	else if ((d = parse_small(c)) < 0 ||
	    !(cur_eat(c, "日") || cur_eat(c, "号")))
		return (DL_UNKNOWN);
	if (*c->p != '\0')
		return (DL_UNKNOWN);
	return (set_or_fail(out, y, m, d));
}

/*
 * The part after an optional year: what period of year y it names.
 * Returns DL_OK, DL_UNKNOWN if the text is not a form, or DL_NODATE if it
 * is a form naming a date that does not exist (its fields are left in
 * *out).
 */
static int
parse_period(struct cur *c, int y, struct ymd *out)
{
	int	 m, q;

	if (*c->p == '\0' || cur_eat(c, "全年") || cur_eat(c, "年内") ||
	    cur_eat(c, "年底") || cur_eat(c, "年末") || cur_eat(c, "底") ||
	    cur_eat(c, "末") || cur_eat(c, "年度"))
		return (*c->p == '\0' ? set_or_fail(out, y, 12, 31) : DL_UNKNOWN);
	if (cur_eat(c, "上半年"))
		return (at_end(c) ? set_or_fail(out, y, 6, 30) : DL_UNKNOWN);
	if (cur_eat(c, "年中"))
		return (*c->p == '\0' ? set_or_fail(out, y, 6, 30) : DL_UNKNOWN);
	if (cur_eat(c, "下半年"))
		return (at_end(c) ? set_or_fail(out, y, 12, 31) : DL_UNKNOWN);
	if (cur_eat(c, "寒假"))
		return (*c->p == '\0' ? month_end(out, y, 2) : DL_UNKNOWN);
	if (cur_eat(c, "暑假"))
		return (*c->p == '\0' ? set_or_fail(out, y, 8, 31) : DL_UNKNOWN);
	if (cur_eat(c, "春季学期"))
		return (at_end(c) ? set_or_fail(out, y, SPRING_TERM_END_M,
		    SPRING_TERM_END_D) : DL_UNKNOWN);
	if (cur_eat(c, "秋季学期"))
		return (at_end(c) ? set_or_fail(out, y + 1, AUTUMN_TERM_END_M,
		    AUTUMN_TERM_END_D) : DL_UNKNOWN);
	if (cur_eat(c, "春季开学"))	/* = 寒假 */
		return (*c->p == '\0' ? month_end(out, y, 2) : DL_UNKNOWN);
	if (cur_eat(c, "秋季开学"))	/* = 暑假 */
		return (*c->p == '\0' ? set_or_fail(out, y, 8, 31) : DL_UNKNOWN);
	if ((q = parse_quarter(c)) > 0)
		return (at_end(c) ? month_end(out, y, q * 3) : DL_UNKNOWN);
	if ((c->p[0] == 'Q' || c->p[0] == 'q') && c->p[1] >= '1' &&
	    c->p[1] <= '4' && c->p[2] == '\0')
		return (month_end(out, y, (c->p[1] - '0') * 3));
	if ((m = parse_small(c)) < 0 || !cur_eat(c, "月"))
		return (DL_UNKNOWN);
	return (parse_in_month(c, y, m, out));
}

static int
is_iso(const char *s)
{
	return (strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    isdigit((unsigned char)s[0]));
}

/*
 * One form (no range), for a plan of year y when it names none.  Sets
 * *named to the year it names or y.
 */
static int
parse_one(const char *s, int y, struct ymd *out, int *named)
{
	struct cur	 c;
	int		 fy;

	*named = y;
	if (is_iso(s)) {
		if (date_parse_iso(s, out) != 0) {
			*out = (struct ymd){ 0, 0, -1 };
			return (DL_NODATE);
		}
		*named = out->y;
		return (DL_OK);
	}
	c.p = s;
	if (strncmp(s, "全年", strlen("全年")) != 0 &&
	    (fy = parse_year(&c)) >= 0) {
		if (!cur_eat(&c, "年"))
			return (DL_UNKNOWN);
		*named = y = fy;
		(void)cur_eat(&c, "年");	/* 2013年年底 */
		if (cur_eat(&c, "年底") || cur_eat(&c, "年末"))
			return (*c.p == '\0' ? set_or_fail(out, y, 12, 31) :
			    DL_UNKNOWN);
		if (strcmp(c.p, "中") == 0)	/* 2012年中 */
			return (set_or_fail(out, y, 6, 30));
	}
	return (parse_period(&c, y, out));
}

/*
 * A range's separator in s: its position, with its length in *len, or
 * NULL.  The earliest separator in the list that s holds wins.
 */
static const char *
find_separator(const char *s, size_t *len)
{
	const char	*p;
	int	 i;

	for (i = 0; separators[i] != NULL; i++) {
		if (strcmp(separators[i], "-") == 0 && is_iso(s))
			return (NULL);
		if ((p = strstr(s, separators[i])) != NULL) {
			*len = strlen(separators[i]);
			return (p);
		}
	}
	return (NULL);
}

/*
 * A range's start written as a bare number takes its unit from the end
 * (3-6月 is 3月 to 6月, 一至三季度 is 一季度 to 三季度).  Returns the start
 * to parse, allocated.
 */
static char *
range_start(const char *left, const char *right)
{
	struct cur	 c = { left }, r = { right };

	(void)cur_eat(&c, "第");
	if (parse_small(&c) < 0 || *c.p != '\0')
		return (xstrdup(left));
	if (parse_year(&r) >= 0 && !cur_eat(&r, "年"))
		return (xstrdup(left));
	(void)cur_eat(&r, "第");
	if (parse_small(&r) < 0)
		return (xstrdup(left));
	if (strncmp(r.p, "月", strlen("月")) == 0)
		return (xprintf("%s月", left));
	if (strncmp(r.p, "季度", strlen("季度")) == 0)
		return (xprintf("%s季度", left));
	return (xstrdup(left));
}

/*
 * A form or a range of two (3月至6月: the end of the range; the end
 * takes the start's year when it names none: 2013年3月至6月).
 */
static int
parse_range(const char *s, int plan_year, struct ymd *out)
{
	struct ymd	 start;
	const char	*right, *sep;
	char		*left, *start_form;
	size_t		 len;
	int		 rc, named;

	if ((sep = find_separator(s, &len)) == NULL || sep == s ||
	    sep[len] == '\0')
		return (parse_one(s, plan_year, out, &named));
	right = sep + len;
	while (strncmp(right, "—", strlen("—")) == 0)	/* 3月———6月 */
		right += strlen("—");
	start_form = xstrndup(s, (size_t)(sep - s));
	left = range_start(start_form, right);
	free(start_form);
	rc = parse_one(left, plan_year, &start, &named);
	free(left);
	if (rc != DL_OK) {
		*out = start;
		return (rc);
	}
	if ((rc = parse_one(right, named, out, &named)) != DL_OK)
		return (rc);
	return (date_cmp(&start, out) > 0 ? DL_REVERSED : DL_OK);
}

int
deadline_parse(const char *form, int plan_year, struct ymd *out, char **cause)
{
	struct ymd	 r = { 0, 0, 0 };
	char		*s, *p, *q;
	int		 rc;
	size_t		 len, i;

	len = strlen(form);
	if (len == 0 || len > 200) {
		*cause = xstrdup(len == 0 ? "完成时限为空" : "完成时限过长");
		return (-1);
	}
	if (utf8_has_controls(form)) {
		*cause = xstrdup("完成时限中有控制字符（换行和制表符除外），请删去");
		return (-1);
	}
	/* Drop surrounding space and the words around the form (于…前完成). */
	while (isspace((unsigned char)*form))
		form++;
	s = xstrdup(form);
	strip_suffixes(s);
	for (p = q = s; *p != '\0'; p++)	/* 2012 年 9 月 */
		if (*p != ' ' && *p != '\t')
			*q++ = *p;
	*q = '\0';
	strip_prefixes(s);
	rc = parse_range(s, plan_year, &r);

	if (rc == DL_UNKNOWN) {
		for (i = 0; i < sizeof hints / sizeof hints[0]; i++)
			if (strcmp(s, hints[i].text) == 0)
				break;
		if (i < sizeof hints / sizeof hints[0])
			xasprintf(cause, "无法识别的完成时限：“%s”（%s）", form,
			    hints[i].hint);
		else
			xasprintf(cause, "无法识别的完成时限：“%s”（可用：YYYY-MM-DD、"
			    "全年、年底前、2012年9月、10月底、3月中旬、6月30日前、上半年、"
			    "第三季度末、寒假、暑假、春季学期、秋季学期、9月开学前、3月至6月，"
			    "全部写法见 docs/plan-format.md）", form);
		free(s);
		return (-1);
	}
	if (rc == DL_NODATE) {
		if (r.d == -1)
			xasprintf(cause, "日期不存在或格式错误：“%s”（应为 YYYY-MM-DD）",
			    form);
		else if (r.d == 0)
			xasprintf(cause, "日期不存在：“%s”（没有 %d 月）", form, r.m);
		else
			xasprintf(cause, "日期不存在：“%s”（%d年%d月%d日）", form,
			    r.y, r.m, r.d);
		free(s);
		return (-1);
	}
	free(s);
	if (rc == DL_REVERSED) {
		xasprintf(cause, "完成时限“%s”的时间范围结束（%04d-%02d-%02d）早于开始",
		    form, r.y, r.m, r.d);
		return (-1);
	}
	if (r.y < plan_year) {
		xasprintf(cause, "完成时限“%s”（%04d-%02d-%02d）早于计划年度 %d 年",
		    form, r.y, r.m, r.d, plan_year);
		return (-1);
	}
	if (r.y > plan_year + DEADLINE_MAX_YEARS_AHEAD) {
		xasprintf(cause, "完成时限“%s”（%04d-%02d-%02d）晚于计划年度 %d 年之后"
		    " %d 年", form, r.y, r.m, r.d, plan_year,
		    DEADLINE_MAX_YEARS_AHEAD);
		return (-1);
	}
	*out = r;
	return (0);
}
