/*
 * Plan drafts (draft.h): what is read inside the outline's texts: the
 * plan header, tables, office and name lists, targets and deadlines.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "draft-int.h"
#include "utf8.h"
#include "xmalloc.h"

#define MAX_OFFICES	500
#define YEAR_MIN	2000	/* a plan's years (plan.c) */
#define YEAR_MAX	2100
#define NAME_MAX_BYTES	300	/* the plan reader's limit for a name */
#define DEADLINE_TEXT	300	/* bytes of a 完成时限 searched for a form */

/* ---------------------------------------------------------------- */
/* Tables: rows of tab-separated cells (DOCX tables, pasted sheets) */

static const struct column {
	const char	*word;
	const char	*label;		/* the field a cell becomes; NULL: */
} columns[] = {				/* "" the number, "*" the task */
	{ "序号", "" }, { "编号", "" },
	{ "完成时限", "完成时限" }, { "时限", "完成时限" },
	{ "完成时间", "完成时限" }, { "责任领导", "责任领导" },
	{ "分管领导", "责任领导" }, { "牵头", "牵头处室" },
	{ "协调", "协调部门" }, { "配合", "协调部门" },
	{ "责任", "责任处室" }, { "目标", "工作目标" },
	{ "措施", "工作措施" }, { "任务", "*" }, { "事项", "*" },
	{ "内容", "*" }, { "项目", "*" },
	{ NULL, NULL }
};

static char **
cells(const char *row, size_t *n)
{
	char		**v = NULL;
	const char	*p = row, *t;

	*n = 0;
	for (;;) {
		t = strchr(p, '\t');
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = t ? xstrndup(p, (size_t)(t - p)) : xstrdup(p);
		if (t == NULL || *n >= 64)
			break;
		p = t + 1;
	}
	return (v);
}

/*
 * Rewrites each run of table rows whose first row names its columns
 * (序号, 任务, 完成时限, 牵头处室…) as the paragraphs the document would
 * have had: "1、任务" and "完成时限：…".  Other rows become one
 * paragraph per cell.  Frees what it replaces.
 */
char **
tables(char **para, size_t *np)
{
	char		**out = NULL, **c;
	const char	*lab[64];
	size_t		 n = 0, i, k, nc, row = 0;
	int		 mapped = 0, have_task;

	for (i = 0; i < *np; i++) {
		if (strchr(para[i], '\t') == NULL) {
			mapped = 0;
			out = xreallocarray(out, n + 1, sizeof *out);
			out[n++] = para[i];
			continue;
		}
		c = cells(para[i], &nc);
		if (!mapped) {
			have_task = 0;
			for (k = 0; k < nc; k++) {
				lab[k] = NULL;
				for (size_t j = 0; columns[j].word; j++)
					if (strstr(c[k], columns[j].word) &&
					    cps_le(c[k], 8)) {
						lab[k] = columns[j].label;
						break;
					}
				if (lab[k] != NULL && strcmp(lab[k], "*") == 0)
					have_task = 1;
			}
			if (have_task) {
				mapped = (int)nc;
				row = 0;
				for (k = 0; k < nc; k++)
					free(c[k]);
				free(c);
				free(para[i]);
				continue;
			}
		}
		out = xreallocarray(out, n + nc + 1, sizeof *out);
		if (mapped) {
			char *num = NULL, *task = NULL;

			row++;
			for (k = 0; k < nc && k < (size_t)mapped; k++) {
				if (lab[k] && *lab[k] == '\0' && *c[k])
					num = c[k];
				else if (lab[k] && *lab[k] == '*' && !task)
					task = c[k];
			}
			if (num != NULL && (isdigit((unsigned char)*num) ||
			    cp_at(num, NULL) > 0x4E00))
				out[n++] = xprintf("%s、%s", num, task ? task : "");
			else if (num != NULL)
				out[n++] = xprintf("%s%s", num, task ? task : "");
			else
				out[n++] = xprintf("%zu、%s", row,
				    task ? task : "");
			for (k = 0; k < nc && k < (size_t)mapped; k++)
				if (lab[k] && *lab[k] != '\0' && *lab[k] != '*' &&
				    *c[k] != '\0')
					out[n++] = xprintf("%s：%s", lab[k], c[k]);
		} else
			for (k = 0; k < nc; k++)
				if (*c[k] != '\0')
					out[n++] = xstrdup(c[k]);
		for (k = 0; k < nc; k++)
			free(c[k]);
		free(c);
		free(para[i]);
	}
	free(para);
	*np = n;
	return (out);
}

/* ---------------------------------------------------------------- */
/* The header */

/* The value of a Chinese or Arabic numeral run ("二○一二", "十七"). */
static int
numeral(const char **sp, int digits_only)
{
	static const char *const d[] = { "○", "〇", "零", "一", "二", "三",
	    "四", "五", "六", "七", "八", "九" };
	const char	*s = *sp;
	int		 v = 0, seen = 0, k, ten = 0;

	if (isdigit((unsigned char)*s)) {
		while (isdigit((unsigned char)*s) && v < 100000)
			v = v * 10 + (*s++ - '0');
		*sp = s;
		return (v);
	}
	for (;;) {
		for (k = 0; k < 12; k++)
			if (starts(s, d[k]))
				break;
		if (k < 12) {
			v = (digits_only || !ten) ? v * 10 + (k < 3 ? 0 : k - 2) :
			    v + (k < 3 ? 0 : k - 2);
			s += strlen(d[k]);
			seen = 1;
		} else if (!digits_only && starts(s, "十")) {
			v = (seen ? v : 1) * 10;
			ten = 1;
			s += strlen("十");
			seen = 1;
		} else
			break;
	}
	*sp = s;
	return (seen ? v : -1);
}

/* "2012年2月17日" or "二○一二年二月十七日" as an ISO date, or NULL. */
static char *
date_of(const char *s)
{
	int	 y, m, dd;

	if ((y = numeral(&s, 1)) < YEAR_MIN || y > YEAR_MAX || !starts(s, "年"))
		return (NULL);
	s += 3;
	if ((m = numeral(&s, 0)) < 1 || m > 12 || !starts(s, "月"))
		return (NULL);
	s += 3;
	if ((dd = numeral(&s, 0)) < 1 || dd > 31 || !starts(s, "日"))
		return (NULL);
	if (!date_valid(y, m, dd))
		return (NULL);
	return (xprintf("%04d-%02d-%02d", y, m, dd));
}

/* The first year a plan may have written in s as four digits, or 0. */
static int
year_in(const char *s)
{
	for (; *s != '\0'; s++)
		if (isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
		    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
		    !isdigit((unsigned char)s[4])) {
			int y = atoi(s);

			if (y >= YEAR_MIN && y <= YEAR_MAX)
				return (y);
			s += 3;
		}
	return (0);
}

/* The year most often written "YYYY年" in the text, or 0. */
static int
year_most(const char *s, size_t len)
{
	int	 count[YEAR_MAX - YEAR_MIN + 1] = { 0 }, best = 0, y;

	for (size_t i = 0; i + 6 < len; i++)
		if (isdigit((unsigned char)s[i]) &&
		    (i == 0 || !isdigit((unsigned char)s[i - 1])) &&
		    isdigit((unsigned char)s[i + 1]) &&
		    isdigit((unsigned char)s[i + 2]) &&
		    isdigit((unsigned char)s[i + 3]) &&
		    (starts(s + i + 4, "年") || (s[i + 4] == ' ' &&
		    starts(s + i + 5, "年")))) {
			y = atoi(s + i);
			if (y >= YEAR_MIN && y <= YEAR_MAX && ++count[y -
			    YEAR_MIN] > (best ? count[best - YEAR_MIN] : 0))
				best = y;
		}
	return (best);
}

/* 文号: "吉市教通字〔2012〕12号". */
static char *
docnum_find(const char *s)
{
	const char	*p, *b, *q;
	size_t		 l;

	for (p = s; (p = strstr(p, "〔")) != NULL; p += 3) {
		q = p + 3;
		if (year_in(q) == 0 || !starts(q + 4, "〕"))
			continue;
		q += 4 + 3;
		if (!isdigit((unsigned char)*q))
			continue;
		while (isdigit((unsigned char)*q))
			q++;
		if (!starts(q, "号"))
			continue;
		b = p;
		for (int k = 0; k < 12 && b > s; k++) {
			const char *t = b - 1;

			while (t > s && (*t & 0xC0) == 0x80)
				t--;
			if (!is_han(cp_at(t, &l)))
				break;
			b = t;
		}
		if (b == p)
			continue;
		return (xstrndup(b, (size_t)(q + 3 - b)));
	}
	return (NULL);
}

static int
org_line(const char *s)
{
	return (utf8_chars(s, strlen(s)) <= 16 && (ends(s, "教育局") ||
	    ends(s, "人民政府") || ends(s, "体育局") || ends(s, "委员会")) &&
	    strchr(s, ' ') == NULL);
}

void
header(struct doc *d, const char *text, size_t len)
{
	char		*t, *p;
	size_t		 i;
	int		 marks_before = 0, y;

	for (i = 0; i < d->npara && d->title == NULL; i++) {
		t = despace(d->para[i]);
		if (is_title_line(t) && !starts(t, "关于")) {
			d->title = t;
			if (marks_before)
				d->title_check = "标题取自正文之后的一行，请核对文件标题";
		} else
			free(t);
		if (is_marked(d->para[i]))
			marks_before = 1;
	}
	if (d->title == NULL) {
		d->title = despace(d->npara > 0 ? d->para[0] : "未命名计划");
		utf8_cut(d->title, 40 * 3);
		d->title_check = "未找到文件标题，暂取首行";
	}
	d->docnum = docnum_find(text);
	for (i = 0; i < d->npara && d->issued == NULL; i++) {
		t = despace(d->para[i]);
		if (utf8_chars(t, strlen(t)) <= 16)
			d->issued = date_of(t);
		free(t);
	}
	/* The year. */
	if ((y = year_in(d->title)) != 0)
		d->year = y;
	else if (d->docnum != NULL && (y = year_in(d->docnum)) != 0)
		d->year = y;
	else if (d->issued != NULL)
		d->year = atoi(d->issued);
	else if ((y = year_most(text, len)) != 0) {
		d->year = y;
		d->year_check = "年份取自正文中出现最多的年份，请核对";
	} else {
		d->year = d->fallback_year;
		d->year_check = "文件未写年份，暂取当前年份：请按印发日期更正，并在 year_basis 中说明";
	}
	/* The issuer. */
	for (i = 0; i < d->npara && d->issuer == NULL; i++) {
		t = despace(d->para[i]);
		if (utf8_chars(t, strlen(t)) <= 16 && ends(t, "文件")) {
			p = xstrndup(t, strlen(t) - strlen("文件"));
			if (org_line(p))
				d->issuer = p;
			else
				free(p);
		}
		free(t);
	}
	if (d->issuer == NULL && (p = strstr(d->title, "局")) != NULL &&
	    utf8_chars(d->title, (size_t)(p - d->title)) <= 12) {
		const char *b = d->title;

		if (year_in(b) && starts(b + 4, "年"))
			b += 4 + 3;
		/* "吉林市教育局…", not "教育局亮出…": a place first. */
		int place = 0;

		for (const char *const *w = (const char *const[]){ "市", "县",
		    "区", "省", NULL }; *w != NULL; w++) {
			const char *q = strstr(b, *w);

			place |= q != NULL && q < p;
		}
		if (p > b && place)
			d->issuer = xstrndup(b, (size_t)(p + 3 - b));
	}
	for (i = 0; i < d->npara && d->issuer == NULL; i++) {
		t = despace(d->para[i]);
		if (org_line(t))
			d->issuer = t;
		else
			free(t);
	}
	if (d->issuer == NULL && (p = strstr(text, "市教育局")) != NULL) {
		const char *b = p;

		for (int k = 0; k < 4 && b > text; k++) {
			const char *q = b - 1;

			while (q > text && (*q & 0xC0) == 0x80)
				q--;
			if (!is_han(cp_at(q, NULL)))
				break;
			b = q;
		}
		if (b < p)
			d->issuer = xstrndup(b, (size_t)(p + strlen("市教育局") -
			    b));
		d->issuer_check = "发文机关取自正文，请核对";
	}
	if (d->issuer == NULL) {
		const char *b = d->title;

		if (year_in(b) && starts(b + 4, "年"))
			b += 4 + 3;
		if ((p = strstr(b, "市")) != NULL &&
		    utf8_chars(b, (size_t)(p - b)) <= 6 && p > b)
			d->issuer = xstrndup(b, (size_t)(p + 3 - b));
		else
			d->issuer = xstrdup("（待填写）");
		d->issuer_check = "未找到发文机关，请核对";
	}
	/* The plan kinds (docs/plan-format.md): a 民生清单 is a list of
	 * 民生实事. */
	if (strstr(d->title, "民生实事") || ends(d->title, "清单"))
		d->kind = xstrdup("民生实事");
	else if (ends(d->title, "要点"))
		d->kind = xstrdup("工作要点");
	else if (ends(d->title, "意见"))
		d->kind = xstrdup("实施意见");
}

int
cps_le(const char *s, size_t n)
{
	return (utf8_chars(s, strlen(s)) <= n);
}

/* ---------------------------------------------------------------- */
/* Lists of offices and names */

static void
piece_add(char ***v, size_t *n, const char *s, size_t len)
{
	static const char *const lead[] = { "以及", "及", "和", "等", NULL };
	static const char *const generic[] = { "单位", "部门", "科室", "处室",
	    NULL };
	char	*t;

	while (len > 0 && (*s == ' ')) {
		s++;
		len--;
	}
	for (int k = 0; lead[k] != NULL; k++)
		if (len > strlen(lead[k]) && strncmp(s, lead[k],
		    strlen(lead[k])) == 0) {
			s += strlen(lead[k]);
			len -= strlen(lead[k]);
			break;
		}
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len >= 3 && memcmp(s + len - 3, "等", 3) == 0)
		len -= 3;
	if (len == 0 || len > NAME_MAX_BYTES)
		return;
	t = xstrndup(s, len);
	for (int k = 0; generic[k] != NULL && *n > 0; k++)
		if (strcmp(t, generic[k]) == 0) {
			char *j = xprintf("%s、%s", (*v)[*n - 1], t);

			free((*v)[*n - 1]);
			(*v)[*n - 1] = j;
			free(t);
			return;
		}
	if (*n >= MAX_OFFICES) {
		free(t);
		return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = t;
}

/* Splits a list at 、，；。 and "以及", not inside brackets. */
static char **
pieces(const char *s, size_t *n)
{
	static const char *const seps[] = { "、", "，", "；", "。", ",", ";",
	    "\n", "以及", NULL };
	char		**v = NULL;
	const char	*b = s;
	size_t		 l, k;
	int		 depth = 0;

	*n = 0;
	while (*s != '\0') {
		if (open_paren_len(s) > 0) {
			depth++;
			s += open_paren_len(s);
			continue;
		}
		if ((l = close_paren_len(s)) > 0) {
			if (depth > 0)
				depth--;
			s += l;
			continue;
		}
		for (k = 0; depth == 0 && seps[k] != NULL; k++)
			if (starts(s, seps[k]))
				break;
		if (depth == 0 && seps[k] == NULL && (starts(s, "及各") ||
		    starts(s, "和各")))
			k = 0, l = 3;
		else if (depth == 0 && seps[k] != NULL)
			l = strlen(seps[k]);
		else {
			cp_at(s, &l);
			s += l;
			continue;
		}
		piece_add(&v, n, b, (size_t)(s - b));
		s += l;
		b = s;
	}
	piece_add(&v, n, b, (size_t)(s - b));
	return (v);
}

void
names_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
who_free(struct who *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].office);
		free(w[i].person);
	}
	free(w);
}

/* A name as the plan reader takes it: no spaces at all. */
static char *
nospace(const char *s)
{
	char	*t = xstrdup(s), *o = t;

	for (; *s != '\0'; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n')
			*o++ = *s;
	*o = '\0';
	return (t);
}

/* Joins the tokens of a person's name padded with spaces ("韩 非"). */
static char *
person_of(const char *s)
{
	char	*t = despace(s);
	size_t	 n = utf8_chars(t, strlen(t));

	if (n < 2 || n > 4) {
		free(t);
		return (NULL);
	}
	for (const char *p = t; *p != '\0';) {
		size_t l;

		if (!is_han(cp_at(p, &l))) {
			free(t);
			return (NULL);
		}
		p += l;
	}
	return (t);
}

static const char *const suffixes[] = { "办公室", "处", "科", "室", "中心",
    "馆", "局", "办", "站", NULL };

/*
 * "基础教育处 刘长泉；职业与成人教育处 李卉坪" as offices and people.
 * Returns an array of *n.
 */
struct who *
who_list(const char *s, size_t *n)
{
	char		**v;
	size_t		 nv, i;
	struct who	*w;

	v = pieces(s, &nv);
	w = xcalloc(nv + 1, sizeof *w);
	*n = 0;
	for (i = 0; i < nv; i++) {
		char *sp = strchr(v[i], ' ');
		struct who *x = &w[*n];

		if (sp != NULL && (x->person = person_of(sp + 1)) != NULL) {
			/*
			 * The office is what is before the name on its line: a
			 * piece that began on a line before (a bracket left
			 * open) is not part of it (found by tests/fuzz/fuzz-draft).
			 */
			const char *o = v[i];

			for (const char *q = v[i]; q < sp; q++)
				if (*q == '\n' || *q == '\t')
					o = q + 1;
			x->office = xstrndup(o, (size_t)(sp - o));
			x->unsure |= o != v[i];
		} else {
			x->office = nospace(v[i]);
			/* "财务审计处陈伟": an office's suffix, then a name. */
			for (int k = 0; suffixes[k] != NULL; k++) {
				char *at = strstr(x->office, suffixes[k]);
				char *p;

				if (at == NULL || at == x->office)
					continue;
				at += strlen(suffixes[k]);
				if (*at != '\0' && (p = person_of(at)) != NULL) {
					int office_like = 0;

					for (int j = 0; suffixes[j]; j++)
						office_like |= ends(p,
						    suffixes[j]);
					if (office_like) {
						free(p);
						continue;
					}
					x->person = p;
					*at = '\0';
					x->unsure = 1;
					break;
				}
			}
		}
		if (*x->office == '\0') {
			free(x->office);
			free(x->person);
			memset(x, 0, sizeof *x);
			continue;
		}
		(*n)++;
	}
	names_free(v, nv);
	return (w);
}

/* "于海波、韩 非、张彦明" or "王英华 杨凤琴" as names. */
char **
name_list(const char *s, size_t *n)
{
	char		**v, **out = NULL;
	size_t		 nv, i;
	struct str	 cur = { 0 };

	v = pieces(s, &nv);
	*n = 0;
	for (i = 0; i < nv; i++) {
		const char *p = v[i], *e;

		/* Words of one character are halves of a padded name. */
		while (*p != '\0') {
			while (*p == ' ')
				p++;
			if (*p == '\0')
				break;
			e = strchr(p, ' ');
			if (e == NULL)
				e = p + strlen(p);
			str_add(&cur, p, (size_t)(e - p));
			if (cur.n > NAME_MAX_BYTES) {
				free(cur.s);
				memset(&cur, 0, sizeof cur);
			} else if (utf8_chars(cur.s, cur.n) >= 2) {
				out = xreallocarray(out, *n + 1, sizeof *out);
				out[(*n)++] = cur.s;
				memset(&cur, 0, sizeof cur);
			}
			p = e;
		}
	}
	if (cur.n > 0) {
		out = xreallocarray(out, *n + 1, sizeof *out);
		out[(*n)++] = cur.s;
	}
	names_free(v, nv);
	return (out);
}

/* ---------------------------------------------------------------- */
/* Offices: short forms tied to full names */

static int
abbreviates(const char *a, const char *b)
{
	size_t		 la, lb, i = 0, j = 0, l;
	uint32_t	 ca, cb;

	la = utf8_chars(a, strlen(a));
	lb = utf8_chars(b, strlen(b));
	if (la < 3 || la >= lb || starts(a, "各") || starts(b, "各"))
		return (0);
	if (cp_at(a, NULL) != cp_at(b, NULL))
		return (0);
	if (strcmp(a + strlen(a) - 3, b + strlen(b) - 3) != 0)
		return (0);
	while (a[i] != '\0' && b[j] != '\0') {
		ca = cp_at(a + i, &l);
		cb = cp_at(b + j, NULL);
		if (ca == cb)
			i += l;
		cp_at(b + j, &l);
		j += l;
	}
	return (a[i] == '\0');
}

static struct office *
office_get(struct doc *d, const char *name, int used)
{
	for (size_t i = 0; i < d->noffices; i++)
		if (strcmp(d->offices[i].name, name) == 0) {
			d->offices[i].used |= used;
			return (&d->offices[i]);
		}
	if (d->noffices >= MAX_OFFICES)
		return (NULL);
	d->offices = xreallocarray(d->offices, d->noffices + 1,
	    sizeof *d->offices);
	d->offices[d->noffices].name = xstrdup(name);
	d->offices[d->noffices].full = NULL;
	d->offices[d->noffices].used = used;
	return (&d->offices[d->noffices++]);
}

static void
offices_from(struct doc *d, const char *s, int used)
{
	struct who	*w;
	size_t		 n;

	w = who_list(s, &n);
	for (size_t i = 0; i < n; i++)
		office_get(d, w[i].office, used);
	who_free(w, n);
}

/*
 * Gathers every office named in a role line, in the tasks and anywhere
 * else ("民生实事落实责任处室（单位）：…"), and ties each short form to the
 * full name it abbreviates (体卫艺教育处 → 体育卫生艺术教育处).
 */
void
offices_collect(struct doc *d)
{
	const char	*v;
	enum lab	 l;

	for (size_t i = 1; i < d->nnodes; i++) {
		struct node *nd = d->nodes[i];

		if (nd->role != R_TASK && nd->role != R_SUBTASK)
			continue;
		if (nd->f[L_LEAD].n)
			offices_from(d, nd->f[L_LEAD].s, 1);
		if (nd->f[L_RESP].n)
			offices_from(d, nd->f[L_RESP].s, 1);
	}
	for (size_t i = 0; i < d->npara; i++)
		for (const char *p = d->para[i]; *p != '\0'; p++) {
			if ((*p & 0xC0) == 0x80)
				continue;
			l = label_at(p, &v);
			if (l == L_LEAD || l == L_RESP) {
				const char *e = strstr(v, "。");
				char *t = e ? xstrndup(v, (size_t)(e - v)) :
				    xstrdup(v);

				offices_from(d, t, 0);
				free(t);
			}
		}
	for (size_t i = 0; i < d->noffices; i++) {
		if (!d->offices[i].used)
			continue;
		for (size_t k = 0; k < d->noffices; k++)
			if (k != i && abbreviates(d->offices[i].name,
			    d->offices[k].name) && d->offices[k].full == NULL) {
				d->offices[i].full = d->offices[k].name;
				break;
			}
	}
}

void
offices_free(struct doc *d)
{
	for (size_t i = 0; i < d->noffices; i++)
		free(d->offices[i].name);
	free(d->offices);
}

/*
 * Subjects of an 实施意见's sentences: "各县（市、区）要…", "市直相关部门和
 * 各县（市、区）要…", "各县（市、区）政府是责任主体".
 */
struct who *
subjects_find(const char *s, size_t *n)
{
	struct who	*w = NULL;
	const char	*p = s, *e;
	size_t		 l;

	*n = 0;
	while (*p != '\0' && *n < 16) {
		if (starts(p, "各") || starts(p, "市直")) {
			for (e = p; *e != '\0' && e - p < 72; e += l) {
				if (starts(e, "要") || starts(e, "是责任主体") ||
				    starts(e, "，") || starts(e, "。") ||
				    starts(e, "；"))
					break;
				cp_at(e, &l);
			}
			if (starts(e, "要") || starts(e, "是责任主体")) {
				char *t = xstrndup(p, (size_t)(e - p));
				char *x = t;
				char **v;
				size_t nv;

				/* "A和B": two subjects. */
				while ((x = strstr(x, "和")) != NULL)
					memcpy(x, "、", 3);
				v = pieces(t, &nv);
				for (size_t i = 0; i < nv; i++) {
					int dup = 0;

					if (!starts(v[i], "各") &&
					    !starts(v[i], "市直"))
						continue;
					for (size_t k = 0; k < *n; k++)
						dup |= strcmp(w[k].office,
						    v[i]) == 0;
					if (dup)
						continue;
					w = xreallocarray(w, *n + 1, sizeof *w);
					w[*n].office = nospace(v[i]);
					w[*n].person = NULL;
					w[*n].unsure = 0;
					(*n)++;
				}
				names_free(v, nv);
				free(t);
			}
		}
		/* The next sentence. */
		for (e = p; *e != '\0' && !starts(e, "。") && !starts(e, "；");
		    e++)
			;
		if (*e == '\0')
			break;
		p = e + 3;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	return (w);
}

/* ---------------------------------------------------------------- */
/* Deadlines */

/* The longest deadline form ending at s + end, or NULL. */
static char *
form_before(const char *s, size_t end, int year)
{
	struct ymd	 due;
	char		*cause = NULL, *t;
	size_t		 b = end, k, best = end;

	for (k = 0; k < 12 && b > 0; k++) {
		b--;
		while (b > 0 && (s[b] & 0xC0) == 0x80)
			b--;
		t = xstrndup(s + b, end - b);
		if (deadline_parse(t, year, &due, &cause) == 0)
			best = b;
		free(cause);
		cause = NULL;
		free(t);
	}
	if (best == end)
		return (NULL);
	t = xstrndup(s + best, end - best);
	if (ends(t, "完成") && strlen(t) > strlen("完成"))
		t[strlen(t) - strlen("完成")] = '\0';
	return (t);
}

/*
 * The deadline a 完成时限 text states: the text itself when it is a form;
 * else the last form in it (*unsure set).  In a task's text (body set),
 * only "…前完成" counts.  NULL when none.
 */
char *
deadline_find(const char *text, int year, int *unsure)
{
	struct ymd	 due;
	char		*t = despace(text), *cause = NULL, *f = NULL, *g;
	size_t		 n = strlen(t);

	*unsure = 0;
	if (n > DEADLINE_TEXT) {
		utf8_cut(t, DEADLINE_TEXT);
		n = strlen(t);
	}
	while (n > 0 && (ends(t, "。") || ends(t, "；"))) {
		n -= 3;
		t[n] = '\0';
	}
	if (deadline_parse(t, year, &due, &cause) == 0)
		return (t);
	free(cause);
	for (size_t i = 1; i <= n; i++) {
		if (i < n && (t[i] & 0xC0) == 0x80)
			continue;
		if (i < n && (isdigit((unsigned char)t[i]) ||
		    starts(t + i, "日") || starts(t + i, "月") ||
		    starts(t + i, "底") || starts(t + i, "末")))
			continue;
		if ((g = form_before(t, i, year)) != NULL) {
			free(f);
			f = g;
		}
	}
	free(t);
	*unsure = 1;
	return (f);
}

/* A "…前完成" in a task's text: "9月底前完成", "2012年10月前完成". */
char *
body_deadline(const char *text, int year)
{
	char		*t = despace(text), *f = NULL;
	const char	*p;

	int		 k = 0;

	for (p = t; f == NULL && k++ < 10 && (p = strstr(p, "前完成")) != NULL;
	    p += 3)
		f = form_before(t, (size_t)(p - t), year);
	free(t);
	return (f);
}
