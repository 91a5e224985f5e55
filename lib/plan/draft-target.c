/*
 * Plan drafts (draft.h): the quantitative targets in a task's texts, a
 * number with a unit the documents use (所, 个, 名, 人, 万元, %, Mbps,
 * 平方米, 元/年/生 …), less the numbers that are not targets: increments
 * ("扩大5%"), baselines ("在20%的基础上"), parts of a stated total ("…共
 * 80个点"), breakdowns in brackets, counts of places ("9个县").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "draft-int.h"
#include "utf8.h"
#include "xmalloc.h"

#define MAX_TARGETS	200	/* per task */
#define MAX_SPANS	64
#define WINDOW		600	/* bytes of a clause looked at */

static const struct unit {
	const char	*word;
	const char	*kind;
} units[] = {
	{ "万平方米", "amount" }, { "平方米", "amount" }, { "万元", "amount" },
	{ "亿元", "amount" }, { "Mbps", "amount" }, { "%", "ratio" },
	{ "万册", "count" }, { "万人次", "count" }, { "人次", "count" },
	{ "万人", "count" }, { "万个", "count" }, { "所", "count" },
	{ "个", "count" }, { "名", "count" }, { "人", "count" },
	{ "套", "count" }, { "册", "count" }, { "间", "count" },
	{ "台", "count" }, { "校", "count" }, { "家", "count" },
	{ "辆", "count" }, { "座", "count" }, { "元", "amount" },
	{ NULL, NULL }
};

/* Words before a number that make it a change, not a target. */
static const char *const changes[] = { "扩大", "提高", "增加", "增长",
    "降低", "下降", "减少", "第", NULL };

static const char *const clause_seps[] = { "，", "。", "；", "：", ";",
    "\n", NULL };

static size_t
sep_at(const char *s, int dun)
{
	for (int k = 0; clause_seps[k] != NULL; k++)
		if (starts(s, clause_seps[k]))
			return (strlen(clause_seps[k]));
	if (dun && starts(s, "、"))
		return (3);
	return (0);
}

/*
 * The clause around pos: [*b, *e).  With dun, 、 also separates.  Looks
 * at most WINDOW bytes either way, so that a text of one endless clause
 * full of numbers is still read in linear time.
 */
static void
clause(const char *s, size_t pos, int dun, size_t *b, size_t *e)
{
	size_t	 i, l, lo = pos > WINDOW ? pos - WINDOW : 0;

	while (lo < pos && (s[lo] & 0xC0) == 0x80)
		lo++;
	*b = lo;
	for (i = lo; i < pos; i += l) {
		l = sep_at(s + i, dun);
		if (l > 0)
			*b = i + l;
		else
			cp_at(s + i, &l);
	}
	for (i = pos; s[i] != '\0' && i < pos + WINDOW &&
	    sep_at(s + i, dun) == 0; i += l)
		cp_at(s + i, &l);
	*e = i;
}

/* Bracketed spans holding three numbers or more: breakdowns. */
static size_t
breakdowns(const char *s, size_t (*span)[2])
{
	size_t	 n = 0, i = 0, start = 0, l;
	int	 depth = 0, nums = 0;

	while (s[i] != '\0') {
		if ((l = open_paren_len(s + i)) > 0) {
			if (depth++ == 0) {
				start = i;
				nums = 0;
			}
		} else if ((l = close_paren_len(s + i)) > 0) {
			if (depth > 0 && --depth == 0 && nums >= 3 &&
			    n < MAX_SPANS) {
				span[n][0] = start;
				span[n][1] = i;
				n++;
			}
		} else {
			if (depth > 0 && isdigit((unsigned char)s[i]) &&
			    (i == 0 || !isdigit((unsigned char)s[i - 1])))
				nums++;
			cp_at(s + i, &l);
		}
		i += l;
	}
	return (n);
}

static int
ends_with_n(const char *s, size_t n, const char *w)
{
	size_t	 m = strlen(w);

	return (n >= m && memcmp(s + n - m, w, m) == 0);
}

/*
 * The unit of a sum of money per something, from the words before it:
 * "每名学生每年资助1500元" 元/年/生, "每人每月300元" 元/人/月, "每月800元"
 * 元/月.  NULL when none is said.
 */
static char *
rate_unit(const char *s, size_t b, size_t pos)
{
	const char	*per = NULL, *subj = NULL;
	size_t		 i, l;

	for (i = b; i < pos; i += l) {
		cp_at(s + i, &l);
		if (!starts(s + i, "每"))
			continue;
		const char *p = s + i + 3;

		if (starts(p, "学年"))
			per = "学年";
		else if (starts(p, "学期"))
			per = "学期";
		else if (starts(p, "年"))
			per = "年";
		else if (starts(p, "月"))
			per = "月";
		else if (starts(p, "天") || starts(p, "日"))
			per = "天";
		else if (starts(p, "生"))
			subj = "生";
		else if (starts(p, "人"))
			subj = "人";
		else if (starts(p, "名") || starts(p, "位")) {
			subj = "人";
			for (size_t k = 0, m; k < 8 && p + 3 < s + pos; k++) {
				p += 3;
				if (starts(p, "每"))
					break;
				if (starts(p, "生")) {
					subj = "生";
					break;
				}
				cp_at(p, &m);
				if (m != 3)
					break;
			}
		}
	}
	if (per != NULL && subj != NULL && strcmp(subj, "生") == 0)
		return (xprintf("元/%s/生", per));
	if (per != NULL && subj != NULL)
		return (xprintf("元/人/%s", per));
	if (per != NULL)
		return (xprintf("元/%s", per));
	if (subj != NULL)
		return (xprintf("元/%s", subj));
	return (NULL);
}

/* "元/年/生", "元/生·年" as written after a sum. */
static size_t
rate_written(const char *s, struct str *u)
{
	size_t	 i = 0, l;
	int	 seg;

	for (seg = 0; seg < 2 && s[i] == '/'; seg++) {
		size_t k = i + 1;

		if (starts(s + k, "学年") || starts(s + k, "学期"))
			k += 6;
		else if (is_han(cp_at(s + k, &l)))
			k += l;
		else
			break;
		if (starts(s + k, "·") && is_han(cp_at(s + k + 2, &l)))
			k += 2 + l;
		str_add(u, s + i, k - i);
		i = k;
	}
	return (i);
}

static void
target_add(struct target **v, size_t *n, struct target *t)
{
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = *t;
}

static int
seen_before(const struct target *v, size_t upto, const char *val,
    const char *unit)
{
	for (size_t i = 0; i < upto; i++)
		if (strcmp(v[i].value, val) == 0 && strcmp(v[i].unit, unit) == 0)
			return (1);
	return (0);
}

/* The targets of one text; those already found in earlier texts of the
 * task (v[0..prev)) are not repeated. */
static void
scan(const char *s, struct target **v, size_t *n, size_t prev)
{
	size_t		 span[MAX_SPANS][2], nspan, i, j, k, cb, ce, sb, se;
	const struct unit *u;
	struct str	 val, unit;
	char		*baseline = NULL;

	nspan = breakdowns(s, span);
	for (i = 0; s[i] != '\0' && *n < MAX_TARGETS; i++) {
		if (starts(s + i, "。")) {
			free(baseline);
			baseline = NULL;
		}
		if (!isdigit((unsigned char)s[i]) || (i > 0 &&
		    (isalnum((unsigned char)s[i - 1]) || s[i - 1] == '.' ||
		    s[i - 1] == ',' || s[i - 1] == '-' || s[i - 1] == '+')))
			continue;
		memset(&val, 0, sizeof val);
		memset(&unit, 0, sizeof unit);
		for (j = i; isdigit((unsigned char)s[j]) || (s[j] == ',' &&
		    isdigit((unsigned char)s[j + 1]) &&
		    isdigit((unsigned char)s[j + 2]) &&
		    isdigit((unsigned char)s[j + 3]) &&
		    !isdigit((unsigned char)s[j + 4])); j++)
			if (s[j] != ',' && val.n < 15)
				str_add(&val, s + j, 1);
		if (s[j] == '.' && isdigit((unsigned char)s[j + 1])) {
			str_add(&val, ".", 1);
			for (j++; isdigit((unsigned char)s[j]); j++)
				if (val.n < 20)
					str_add(&val, s + j, 1);
		}
		k = j;
		while (s[k] == ' ')
			k++;
		const char *qual = NULL;

		if (starts(s + k, "多") || starts(s + k, "余")) {
			qual = "more_than";
			k += 3;
		}
		for (u = units; u->word != NULL; u++)
			if (starts(s + k, u->word))
				break;
		if (u->word == NULL || val.n == 0 || (val.n > 1 &&
		    val.s[0] == '0' && val.s[1] != '.')) {
			free(val.s);
			i = j - 1;
			continue;
		}
		size_t after = k + strlen(u->word);
		int skip = 0, unsure = 0;
		const char *kind = u->kind;

		str_adds(&unit, u->word);
		if (strcmp(u->kind, "count") == 0) {
			uint32_t c = cp_at(s + after, NULL);

			if (c == 0x53BF || c == 0x533A || c == 0x4E61 ||
			    c == 0x9547 || starts(s + after, "百分点"))
				skip = 1;	/* 县 区 乡 镇 */
		}
		for (int c = 0; changes[c] != NULL; c++)
			if (ends_with_n(s, i, changes[c]))
				skip = 1;
		if (strcmp(u->word, "%") == 0 && starts(s + after, "的基础上")) {
			free(baseline);
			baseline = xstrdup(val.s);
			skip = 1;
		}
		for (size_t p = 0; p < nspan; p++)
			if (i > span[p][0] && i < span[p][1])
				skip = 1;
		clause(s, i, 0, &cb, &ce);
		if (strcmp(kind, "count") == 0)
			for (size_t p = after; p + 3 < ce; p++)
				if (starts(s + p, "共") &&
				    isdigit((unsigned char)s[p + 3]))
					skip = 1;
		clause(s, i, 1, &sb, &se);
		/* "每个乡镇至少办好1所": a standard for each, not a total. */
		if (strcmp(kind, "count") == 0)
			for (size_t p = cb; p < i; p++)
				if (starts(s + p, "每"))
					skip = 1;
		if (!skip && strcmp(u->word, "元") == 0) {
			char *r;

			if (s[after] == '/')
				after += rate_written(s + after, &unit);
			else if (starts(s + after, "生均")) {
				str_adds(&unit, "/生");
				unsure = 1;
			} else if ((r = rate_unit(s, sb, i)) != NULL) {
				free(unit.s);
				memset(&unit, 0, sizeof unit);
				str_adds(&unit, r);
				free(r);
				unsure = 1;
			}
			if (strchr(unit.s, '/') != NULL)
				kind = "rate";
		}
		if (!skip && seen_before(*v, prev, val.s, unit.s))
			skip = 1;
		if (skip) {
			free(val.s);
			free(unit.s);
			i = after - 1;
			continue;
		}
		if (ends_with_n(s, i, "约") || ends_with_n(s, i, "近"))
			qual = "about";
		else if (ends_with_n(s, i, "不低于") || ends_with_n(s, i, "不少于"))
			qual = "at_least";
		else if (ends_with_n(s, i, "不超过"))
			qual = "at_most";
		size_t q = after;

		if (starts(s + after, "以上")) {
			qual = "at_least";
			q += 6;
		} else if (starts(s + after, "左右")) {
			qual = "about";
			q += 6;
		}

		struct target t = { 0 };
		struct str name = { 0 };

		t.value = val.s;
		t.unit = unit.s;
		t.kind = strcmp(u->word, "%") == 0 ? "ratio" : kind;
		t.qual = qual;
		if (baseline != NULL && strcmp(u->word, "%") == 0) {
			t.baseline = baseline;
			baseline = NULL;
		}
		t.unsure = unsure;
		str_add(&name, "", 0);
		str_add(&name, s + sb, i - sb);
		if (q < se)
			str_add(&name, s + q, se - q);
		if (starts(name.s, "其中"))
			memmove(name.s, name.s + 6, strlen(name.s + 6) + 1);
		utf8_cut(name.s, 40 * 3);
		if (name.s[0] == '\0') {
			free(name.s);
			name.s = xstrdup("指标");
		}
		t.name = name.s;
		t.text = xstrndup(s + cb, ce - cb);
		utf8_cut(t.text, 200);
		target_add(v, n, &t);
		i = q - 1;
	}
	free(baseline);
}

/* The targets of a task: its title, text and fields, in that order. */
struct target *
targets_find(const struct node *nd, size_t *n)
{
	static const enum lab order[] = { L_BODY, L_GOAL, L_WORK, L_MEAS };
	struct target	*v = NULL;
	char		*t;
	size_t		 prev;

	*n = 0;
	if (nd->head != NULL) {
		t = despace(nd->head);
		scan(t, &v, n, 0);
		free(t);
	}
	for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
		if (nd->f[order[k]].n == 0)
			continue;
		prev = *n;
		t = despace(nd->f[order[k]].s);
		scan(t, &v, n, prev);
		free(t);
	}
	return (v);
}

void
targets_free(struct target *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].value);
		free(v[i].unit);
		free(v[i].baseline);
		free(v[i].name);
		free(v[i].text);
	}
	free(v);
}
