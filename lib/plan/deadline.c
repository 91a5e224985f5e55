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

static void
strip_suffixes(char *s)
{
	static const char *suffix[] = { "之前", "以前", "前", "完成", "止", NULL };
	size_t		 len, n;
	int		 i, again = 1;

	while (again) {
		again = 0;
		len = strlen(s);
		while (len > 0 && isspace((unsigned char)s[len - 1]))
			s[--len] = '\0';
		for (i = 0; suffix[i] != NULL; i++) {
			n = strlen(suffix[i]);
			if (len > n && strcmp(s + len - n, suffix[i]) == 0) {
				s[len - n] = '\0';
				again = 1;
				break;
			}
		}
	}
}

static int
set_or_fail(struct ymd *out, int y, int m, int d)
{
	if (!date_valid(y, m, d))
		return (-1);
	out->y = y;
	out->m = m;
	out->d = d;
	return (0);
}

/*
 * The part after an optional year: what period of year y it names.
 * Returns 0 on success, -1 if the text is not a form, -2 if it is a form
 * naming a date that does not exist (its fields are left in *out).
 */
static int
parse_period(struct cur *c, int y, struct ymd *out)
{
	int	 m, d, q;

	if (*c->p == '\0' || cur_eat(c, "全年") || cur_eat(c, "年内") ||
	    cur_eat(c, "年底") || cur_eat(c, "年末") || cur_eat(c, "底") ||
	    cur_eat(c, "末") || cur_eat(c, "年度"))
		return (*c->p == '\0' ? set_or_fail(out, y, 12, 31) : -1);
	if (cur_eat(c, "上半年"))
		return (*c->p == '\0' ? set_or_fail(out, y, 6, 30) : -1);
	if (cur_eat(c, "下半年"))
		return (*c->p == '\0' ? set_or_fail(out, y, 12, 31) : -1);
	if (cur_eat(c, "寒假"))
		return (*c->p == '\0' ?
		    set_or_fail(out, y, 2, date_days_in_month(y, 2)) : -1);
	if (cur_eat(c, "暑假"))
		return (*c->p == '\0' ? set_or_fail(out, y, 8, 31) : -1);
	if ((q = parse_quarter(c)) > 0)
		return (*c->p == '\0' ?
		    set_or_fail(out, y, q * 3, date_days_in_month(y, q * 3)) : -1);
	if ((c->p[0] == 'Q' || c->p[0] == 'q') && c->p[1] >= '1' &&
	    c->p[1] <= '4' && c->p[2] == '\0') {
		q = c->p[1] - '0';
		return (set_or_fail(out, y, q * 3,
		    date_days_in_month(y, q * 3)));
	}
	if ((m = parse_small(c)) < 0 || !cur_eat(c, "月"))
		return (-1);
	if (*c->p == '\0' || cur_eat(c, "底") || cur_eat(c, "末") ||
	    cur_eat(c, "份") || cur_eat(c, "月底")) {
		if (*c->p != '\0')
			return (-1);
		out->y = y; out->m = m; out->d = 0;
		if (m < 1 || m > 12)
			return (-2);
		return (set_or_fail(out, y, m, date_days_in_month(y, m)));
	}
	if ((d = parse_small(c)) < 0 || !(cur_eat(c, "日") || cur_eat(c, "号")))
		return (-1);
	if (*c->p != '\0')
		return (-1);
	out->y = y; out->m = m; out->d = d;
	return (set_or_fail(out, y, m, d) == 0 ? 0 : -2);
}

int
deadline_parse(const char *form, int plan_year, struct ymd *out, char **cause)
{
	struct ymd	 r = { 0, 0, 0 };
	struct cur	 c;
	char		*s, *p;
	int		 y, rc;
	size_t		 len;

	len = strlen(form);
	if (len == 0 || len > 200) {
		*cause = xstrdup(len == 0 ? "完成时限为空" : "完成时限过长");
		return (-1);
	}
	/* Drop surrounding space and the suffixes 前 / 完成 (10月底前). */
	while (isspace((unsigned char)*form))
		form++;
	s = xstrdup(form);
	strip_suffixes(s);
	for (p = s; *p != '\0'; p++)
		if (*p == ' ' || *p == '\t')
			memmove(p, p + 1, strlen(p));

	if (strlen(s) == 10 && s[4] == '-' && s[7] == '-' &&
	    isdigit((unsigned char)s[0])) {
		if (date_parse_iso(s, &r) != 0) {
			xasprintf(cause, "日期不存在或格式错误：“%s”（应为 YYYY-MM-DD）",
			    form);
			free(s);
			return (-1);
		}
		rc = 0;
	} else {
		c.p = s;
		y = plan_year;
		if (strncmp(s, "全年", strlen("全年")) != 0 &&
		    (y = parse_year(&c)) >= 0) {
			if (!cur_eat(&c, "年")) {
				rc = -1;
				goto done;
			}
			(void)cur_eat(&c, "年");	/* 2013年年底 */
			if (cur_eat(&c, "年底") || cur_eat(&c, "年末")) {
				rc = *c.p == '\0' ? set_or_fail(&r, y, 12, 31) : -1;
				goto done;
			}
		} else
			y = plan_year;
		rc = parse_period(&c, y, &r);
	}
done:
	if (rc == -1) {
		xasprintf(cause, "无法识别的完成时限：“%s”（可用：YYYY-MM-DD、全年、"
		    "年内、2012年9月、2012年10月底、上半年、第三季度、寒假、暑假）",
		    form);
		free(s);
		return (-1);
	}
	if (rc == -2) {
		if (r.d == 0)
			xasprintf(cause, "日期不存在：“%s”（没有 %d 月）", form, r.m);
		else
			xasprintf(cause, "日期不存在：“%s”（%d年%d月%d日）", form,
			    r.y, r.m, r.d);
		free(s);
		return (-1);
	}
	free(s);
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
