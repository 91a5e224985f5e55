/*
 * Plan drafts: item numbers (一、（一）1.（1）① and the rest) and the
 * labels of the fields (牵头处室：, 责任领导：…) at the start of a line.
 * Used by draft.c (paragraphs, the outline) and draft-scan.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "draft-int.h"
#include "xmalloc.h"

static const char cn_digits[] = "一二三四五六七八九十";

/* Whether c is a Chinese numeral of an item number. */
int
is_cn_digit(uint32_t c)
{
	const char	*p = cn_digits;
	uint32_t	 d;
	size_t		 l;

	while (*p != '\0') {
		d = cp_at(p, &l);
		if (d == c)
			return (1);
		p += l;
	}
	return (0);
}

/* Length in bytes of the run of Chinese numerals at s (at most 4). */
static size_t
cn_run(const char *s)
{
	size_t	 n = 0, l, k = 0;

	while (k < 4 && is_cn_digit(cp_at(s + n, &l))) {
		n += l;
		k++;
	}
	return (n);
}

static const struct label {
	const char	*word;
	enum lab	 lab;
} labels[] = {
	{ "牵头处室及牵头人", L_LEAD }, { "牵头科室及牵头人", L_LEAD },
	{ "牵头单位及牵头人", L_LEAD }, { "牵头处室（单位）", L_LEAD },
	{ "牵头科室（单位）", L_LEAD }, { "牵头处室", L_LEAD },
	{ "牵头科室", L_LEAD }, { "牵头单位", L_LEAD }, { "牵头部门", L_LEAD },
	{ "责任处室及责任人", L_RESP }, { "责任科室及责任人", L_RESP },
	{ "责任单位及责任人", L_RESP }, { "责任处室（单位）", L_RESP },
	{ "责任科室（单位）", L_RESP }, { "责任科室、单位", L_RESP },
	{ "责任处室、单位", L_RESP }, { "责任处室", L_RESP },
	{ "责任科室", L_RESP }, { "责任单位", L_RESP }, { "责任部门", L_RESP },
	{ "责任领导", L_LEADERS }, { "分管领导", L_LEADERS },
	{ "协调部门", L_COORD }, { "协调单位", L_COORD },
	{ "配合部门", L_COORD }, { "配合单位", L_COORD },
	{ "工作目标", L_GOAL }, { "工作任务", L_WORK }, { "工作措施", L_MEAS },
	{ "完成时限", L_DEADLINE }, { "完成时间", L_DEADLINE },
	{ NULL, L_NONE }
};

const char *
label_name(enum lab l)
{
	for (size_t i = 0; labels[i].word != NULL; i++)
		if (labels[i].lab == l)
			return (labels[i].word);
	return ("");
}

/*
 * Whether a label ("完成时限：") starts at s.  Returns it and sets *val to
 * what follows the colon; L_NONE if not.
 */
enum lab
label_at(const char *s, const char **val)
{
	const char	*p;

	for (size_t i = 0; labels[i].word != NULL; i++) {
		if (!starts(s, labels[i].word))
			continue;
		p = s + strlen(labels[i].word);
		while (*p == ' ')
			p++;
		if (starts(p, "："))
			p += strlen("：");
		else if (*p == ':')
			p++;
		else
			continue;
		while (*p == ' ')
			p++;
		*val = p;
		return (labels[i].lab);
	}
	return (L_NONE);
}

size_t
open_paren_len(const char *s)
{
	if (*s == '(')
		return (1);
	if (starts(s, "（"))
		return (strlen("（"));
	return (0);
}

size_t
close_paren_len(const char *s)
{
	if (*s == ')')
		return (1);
	if (starts(s, "）"))
		return (strlen("）"));
	return (0);
}

/* Reads the item number that starts s, if any. */
int
mark_at(const char *s, struct mark *m)
{
	size_t		 n, o, l, k;
	uint32_t	 c;
	const char	*p;

	memset(m, 0, sizeof *m);
	c = cp_at(s, &l);
	/* ① … ⑳ and ⑴ … ⒇ */
	if (c >= 0x2460 && c <= 0x2473) {
		m->kind = MK_CIRC;
		n = l;
		goto done;
	}
	if (c >= 0x2474 && c <= 0x2487) {
		m->kind = MK_PAR;
		n = l;
		goto done;
	}
	/* 一、 */
	if ((n = cn_run(s)) > 0) {
		p = s + n;
		if (starts(p, "、") || starts(p, "．")) {
			m->kind = MK_CN;
			m->number = xstrndup(s, n);
			m->rest = p + 3;
			goto rest;
		}
	}
	/* （一） (1) */
	if ((o = open_paren_len(s)) > 0) {
		p = s + o;
		while (*p == ' ')
			p++;
		if ((n = cn_run(p)) > 0)
			m->kind = MK_PCN;
		else {
			for (n = 0; n < 3 && isdigit((unsigned char)p[n]); n++)
				;
			if (n > 0 && !isdigit((unsigned char)p[n]))
				m->kind = MK_PAR;
		}
		if (m->kind != MK_NONE) {
			p += n;
			while (*p == ' ')
				p++;
			if ((k = close_paren_len(p)) > 0) {
				n = (size_t)(p + k - s);
				goto done;
			}
			m->kind = MK_NONE;
		}
	}
	/* 1. 1、 1． 1- */
	for (n = 0; n < 3 && isdigit((unsigned char)s[n]); n++)
		;
	if (n > 0 && !isdigit((unsigned char)s[n])) {
		p = s + n;
		if ((*p == '.' || *p == '-') && !isdigit((unsigned char)p[1])) {
			m->kind = MK_AR;
			m->number = xstrndup(s, n);
			m->rest = p + 1;
			goto rest;
		}
		if (starts(p, "、") || starts(p, "．")) {
			m->kind = MK_AR;
			m->number = xstrndup(s, n);
			m->rest = p + 3;
			goto rest;
		}
	}
	/* 年度任务一： (at most 4 characters, 任务, numerals, a colon) */
	for (p = s, k = 0; k <= 4 && *p != '\0'; k++) {
		if (starts(p, "任务") && (n = cn_run(p + 6)) > 0) {
			const char *q = p + 6 + n;

			if (*q == '\0' || starts(q, "：") || *q == ':' ||
			    *q == ' ') {
				m->kind = MK_TASKN;
				m->number = xstrndup(s, (size_t)(q - s));
				if (starts(q, "："))
					q += 3;
				else if (*q != '\0')
					q++;
				m->rest = q;
				goto rest;
			}
		}
		c = cp_at(p, &l);
		if (!is_han(c))
			break;
		p += l;
	}
	return (0);
done:
	m->number = xstrndup(s, n);
	m->rest = s + n;
rest:
	while (*m->rest == ' ')
		m->rest++;
	return (1);
}

/* Whether s begins with an item number. */
int
is_marked(const char *s)
{
	struct mark	 m;
	int		 r = mark_at(s, &m);

	free(m.number);
	return (r);
}

