/*
 * Plan drafts (draft.h): lines, paragraphs, the outline of numbered
 * items, the labelled fields, and the YAML written from them.  The
 * targets and the office lists are read in draft-scan.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "draft-int.h"
#include "hash.h"
#include "utf8.h"
#include "xmalloc.h"
#include "ytree.h"

#define MAX_LINES	200000
#define MAX_NODES	5000
#define HEAD_MAX	40	/* code points of a heading line */
#define HEAD_LONG	30	/* a first sentence longer is not a heading */
#define SCALAR_MAX	60000	/* bytes of one text in the YAML */

/* ---------------------------------------------------------------- */
/* Strings */

void
str_add(struct str *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void
str_adds(struct str *b, const char *s)
{
	str_add(b, s, strlen(s));
}

int
starts(const char *s, const char *lit)
{
	return (strncmp(s, lit, strlen(lit)) == 0);
}

int
ends(const char *s, const char *lit)
{
	size_t	 n = strlen(s), m = strlen(lit);

	return (n >= m && memcmp(s + n - m, lit, m) == 0);
}

uint32_t
cp_at(const char *s, size_t *len)
{
	uint32_t	 c;
	size_t		 n = utf8_decode(s, &c);

	if (len != NULL)
		*len = n;
	return (c);
}

int
is_han(uint32_t c)
{
	return ((c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 &&
	    c <= 0x4DBF) || c == 0x3007);
}

static size_t
cps(const char *s)
{
	return (utf8_chars(s, strlen(s)));
}

/* Removes the spaces the printed layout put between Chinese characters
 * and numbers ("1000 元 / 年"); keeps those between two ASCII words. */
char *
despace(const char *s)
{
	size_t	 n = strlen(s), i, o = 0;
	char	*out = xmalloc(n + 1);

	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '\t') {
			if (o > 0 && isalnum((unsigned char)out[o - 1]) &&
			    isalnum((unsigned char)s[i + 1]))
				out[o++] = ' ';
			continue;
		}
		out[o++] = s[i];
	}
	out[o] = '\0';
	return (out);
}

/* ---------------------------------------------------------------- */
/* Lines */

/*
 * One line of the document as the draft reads it: controls dropped,
 * full-width spaces and digits made ASCII, runs of spaces made one,
 * Markdown heading marks and rules removed.  *heading is set for a
 * Markdown heading, *rule for a rule (a paragraph break).
 */
static char *
line_clean(const char *s, size_t n, int *heading, int *rule)
{
	struct str	 b = { 0 };
	size_t		 i = 0, l;
	uint32_t	 c;
	char		*t, ch;
	int		 sp = 0;

	*heading = *rule = 0;
	str_add(&b, "", 0);
	while (i < n) {
		c = cp_at(s + i, &l);
		i += l;
		if (c == '\t') {
			str_add(&b, "\t", 1);
			sp = 0;
			continue;
		}
		if (c == ' ' || c == 0x3000 || c == 0xA0 || c == 0x2002 ||
		    c == 0x2003 || c == 0x2009) {
			if (!sp && b.n > 0)
				str_add(&b, " ", 1);
			sp = 1;
			continue;
		}
		sp = 0;
		if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0xFEFF ||
		    c == 0x2028 || c == 0x2029 || c == 0xFFFD ||
		    (c >= 0x200B && c <= 0x200F))
			continue;
		if (c >= 0xFF10 && c <= 0xFF19) {
			ch = (char)('0' + (c - 0xFF10));
			str_add(&b, &ch, 1);
		} else if (c == 0xFF05)
			str_add(&b, "%", 1);
		else
			str_add(&b, s + i - l, l);
	}
	/* Trim. */
	while (b.n > 0 && (b.s[b.n - 1] == ' ' || b.s[b.n - 1] == '\t'))
		b.s[--b.n] = '\0';
	t = b.s;
	while (*t == ' ' || *t == '\t')
		t++;
	if (*t == '#') {
		while (*t == '#')
			t++;
		while (*t == ' ')
			t++;
		*heading = 1;
	} else if (*t == '>' && t[1] == ' ')
		t += 2;
	if (strlen(t) >= 3 && strspn(t, "-=*_ ") == strlen(t)) {
		*rule = 1;
		t += strlen(t);
	}
	t = xstrdup(t);
	free(b.s);
	return (t);
}

/* ---------------------------------------------------------------- */
/* Paragraphs */

static int
is_date_line(const char *s)
{
	size_t		 l;
	uint32_t	 c;
	int		 nian = 0;

	if (!ends(s, "日"))
		return (0);
	while (*s != '\0') {
		c = cp_at(s, &l);
		if (c == 0x5E74)	/* 年 */
			nian = 1;
		else if (!(isdigit((int)(c < 128 ? c : 0)) || is_cn_digit(c) ||
		    c == 0x25CB || c == 0x3007 || c == 0x96F6 || c == 0x6708 ||
		    c == 0x65E5 || c == ' '))
			return (0);
		s += l;
	}
	return (nian);
}

static const char *const genres[] = { "工作方案", "实施方案", "工作要点",
    "实施意见", "意见", "方案", "要点", "清单", "计划", "规划", NULL };

/* A document title: short, no sentence in it, ends with its genre. */
int
is_title_line(const char *s)
{
	if (cps(s) > HEAD_MAX || strstr(s, "。") != NULL ||
	    strstr(s, "《") != NULL || strstr(s, "：") != NULL)
		return (0);
	for (size_t i = 0; genres[i] != NULL; i++)
		if (ends(s, genres[i]))
			return (1);
	return (0);
}

/* "领导组成员：…": a few characters, no punctuation, a colon. */
static int
short_label(const char *s)
{
	const char	*c = strstr(s, "："), *comma = strstr(s, "，");
	const char	*dot = strstr(s, "。");

	if (c == NULL || c == s || isdigit((unsigned char)*s) ||
	    (comma != NULL && comma < c) || (dot != NULL && dot < c))
		return (0);
	for (const char *p = s; p < c; p++)
		if (starts(p, "、") || open_paren_len(p) || close_paren_len(p))
			return (0);
	return (utf8_chars(s, (size_t)(c - s)) <= 10);
}

/* Whether a line that ends so ends its paragraph. */
static int
line_ends(const char *s, int heading)
{
	static const char *const stops[] = { "。", "！", "？", "；", "：",
	    ":", ";", "!", "?", NULL };
	struct mark	 m;
	const char	*o;
	int		 head;

	if (heading || is_date_line(s) || is_title_line(s) || ends(s, "的通知") ||
	    strchr(s, '\t') != NULL)
		return (1);
	for (size_t i = 0; stops[i] != NULL; i++)
		if (ends(s, stops[i]))
			return (1);
	if (ends(s, "）") || ends(s, ")")) {
		o = strrchr(s, '(');
		if (o == NULL || (strstr(s, "（") != NULL &&
		    strstr(s, "（") > o))
			o = strstr(s, "（");
		if (o != NULL && (strstr(o, "：") != NULL ||
		    strchr(o, ':') != NULL))
			return (1);
	}
	if (cps(s) <= 16 && (ends(s, "文件") || (strstr(s, "〔") != NULL &&
	    ends(s, "号"))))
		return (1);
	head = mark_at(s, &m) && strstr(s, "。") == NULL && cps(s) <= HEAD_MAX;
	free(m.number);
	return (head);
}

static int
line_starts(const char *s)
{
	struct mark	 m;
	const char	*v;
	int		 r;

	if (is_date_line(s) || is_title_line(s) || strchr(s, '\t') != NULL ||
	    label_at(s, &v) != L_NONE || short_label(s))
		return (1);
	r = mark_at(s, &m);
	free(m.number);
	return (r);
}

/* Splits the text into paragraphs, joining the printed page's lines. */
static char **
paragraphs(const char *text, size_t len, size_t *np)
{
	char		**v = NULL, *ln;
	size_t		 n = 0, cap = 0, i = 0, e, lines = 0;
	struct str	 cur = { 0 };
	int		 prev_ends = 1, heading, rule;

	while (i < len && lines < MAX_LINES) {
		for (e = i; e < len && text[e] != '\n'; e++)
			;
		ln = line_clean(text + i, e - i, &heading, &rule);
		i = e + 1;
		lines++;
		if (*ln == '\0') {
			if (rule)
				prev_ends = 1;
			free(ln);
			continue;
		}
		if (cur.n > 0 && (prev_ends || line_starts(ln))) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[n++] = cur.s;
			memset(&cur, 0, sizeof cur);
		}
		if (cur.n > 0 && isalnum((unsigned char)cur.s[cur.n - 1]) &&
		    isalnum((unsigned char)ln[0]))
			str_add(&cur, " ", 1);
		str_adds(&cur, ln);
		prev_ends = line_ends(ln, heading);
		free(ln);
	}
	if (cur.n > 0) {
		if (n == cap)
			v = xreallocarray(v, cap + 1, sizeof *v);
		v[n++] = cur.s;
	}
	*np = n;
	return (v);
}

/* ---------------------------------------------------------------- */
/* The outline */

static struct node *
node_new(struct doc *d, enum mk kind, char *number, struct node *parent)
{
	struct node	*nd = xcalloc(1, sizeof *nd);

	nd->kind = kind;
	nd->number = number;
	nd->parent = parent;
	nd->id = d->nnodes;
	if (parent != NULL) {
		parent->kids = xreallocarray(parent->kids, parent->nkids + 1,
		    sizeof *parent->kids);
		parent->kids[parent->nkids++] = nd;
		nd->depth = parent->depth + 1;
		nd->in_field = parent->cur;
	} else
		nd->depth = 1;
	d->nodes = xreallocarray(d->nodes, d->nnodes + 1, sizeof *d->nodes);
	d->nodes[d->nnodes++] = nd;
	nd->cur = L_BODY;
	return (nd);
}

static void
field_add(struct node *nd, enum lab l, const char *s)
{
	struct str	*f = &nd->f[l];

	if (*s == '\0')
		return;
	if (f->n > 0)
		str_add(f, "\n", 1);
	str_adds(f, s);
	if (l != L_BODY)
		nd->fields |= 1u << l;
}

/*
 * Adds the labelled fields of a paragraph to nd: every label that starts
 * the paragraph or follows a sentence's end ("牵头处室及牵头人：…。责任处室
 * 及责任人：…"), each up to the next.
 */
static void
fields_add(struct node *nd, const char *s, enum lab first, const char *val)
{
	const char	*p = val, *v2, *cut = NULL;
	enum lab	 l = first, l2 = L_NONE;
	char		*t;
	size_t		 k;

	for (;;) {
		for (cut = NULL, p = val; *p != '\0'; p++) {
			if (starts(p, "。") || starts(p, "；")) {
				k = 3;
				while (p[k] == ' ')
					k++;
				if ((l2 = label_at(p + k, &v2)) != L_NONE) {
					cut = p;
					break;
				}
			}
		}
		t = cut ? xstrndup(val, (size_t)(cut - val)) : xstrdup(val);
		field_add(nd, l, t);
		free(t);
		nd->cur = l;
		if (cut == NULL)
			break;
		l = l2;
		val = v2;
	}
	(void)s;
}

/*
 * Takes a parenthesised field out of a body paragraph: "…。（责任科室、
 * 单位：学前办、规划财务科）".  Returns the paragraph without it.
 */
static char *
inline_fields(struct node *nd, const char *s)
{
	const char	*p, *v, *e;
	size_t		 o, c;
	enum lab	 l;
	char		*t, *rest;

	for (p = s; *p != '\0'; p++) {
		if ((o = open_paren_len(p)) == 0)
			continue;
		if ((l = label_at(p + o, &v)) == L_NONE)
			continue;
		for (e = v; *e != '\0' && close_paren_len(e) == 0; e++)
			;
		t = xstrndup(v, (size_t)(e - v));
		field_add(nd, l, t);
		free(t);
		c = close_paren_len(e);
		rest = xprintf("%.*s%s", (int)(p - s), s, e + c);
		return (rest);
	}
	return (xstrdup(s));
}

/*
 * Adds text to nd's current field, and the labelled fields that follow
 * a sentence's end in it ("…完成。完成时限：2012年10月").
 */
static void
text_add(struct node *nd, const char *t)
{
	const char	*p, *v;
	size_t		 k;
	enum lab	 l;
	char		*before;

	while (*t == ' ')
		t++;
	if ((l = label_at(t, &v)) != L_NONE) {
		fields_add(nd, t, l, v);
		return;
	}
	for (p = t; *p != '\0'; p++) {
		if (!starts(p, "。") && !starts(p, "；"))
			continue;
		for (k = 3; p[k] == ' '; k++)
			;
		if ((l = label_at(p + k, &v)) == L_NONE)
			continue;
		before = xstrndup(t, (size_t)(p + 3 - t));
		field_add(nd, nd->cur == L_NONE ? L_BODY : nd->cur, before);
		free(before);
		fields_add(nd, p + k, l, v);
		return;
	}
	field_add(nd, nd->cur == L_NONE ? L_BODY : nd->cur, t);
}

/* Adds a plain paragraph to nd: its title when it has none yet. */
static void
plain_add(struct node *nd, const char *s)
{
	char	*t = inline_fields(nd, s);

	if (nd->head == NULL && nd->kind != MK_ROOT)
		nd->head = xstrdup(t);
	else if (*t != '\0')
		text_add(nd, t);
	free(t);
}

/* The stack of open items: one per kind of numbering in use. */
struct stack {
	struct node	*v[MK_COUNT + 2];
	size_t		 n;
};

static struct node *
stack_top(struct stack *st)
{
	return (st->v[st->n - 1]);
}

static void
outline(struct doc *d, char **para, size_t np)
{
	struct stack	 st;
	struct mark	 m;
	struct node	*nd, *top;
	const char	*val;
	enum lab	 l;
	size_t		 i, k;

	d->root = node_new(d, MK_ROOT, NULL, NULL);
	d->root->depth = 0;
	st.v[0] = d->root;
	st.n = 1;
	for (i = 0; i < np; i++) {
		const char *s = para[i];
		int marked = mark_at(s, &m);

		if (d->nnodes >= MAX_NODES) {
			free(m.number);
			field_add(stack_top(&st), L_BODY, s);
			continue;
		}
		l = label_at(marked ? m.rest : s, &val);
		if (l != L_NONE && (!marked || m.kind == MK_PAR ||
		    m.kind == MK_CIRC)) {
			top = stack_top(&st);
			if (marked) {
				/* "⑶工作措施：" belongs to the item whose fields
				 * are so numbered, above any ① inside it. */
				for (k = st.n; k > 1; k--)
					if (st.v[k - 1]->marked_fields)
						break;
				if (k > 1) {
					st.n = k;
					top = stack_top(&st);
				}
				top->marked_fields = 1;
			}
			free(m.number);
			if (top == d->root) {
				field_add(top, L_BODY, s);
				continue;
			}
			fields_add(top, s, l, val);
			continue;
		}
		if (!marked) {
			plain_add(stack_top(&st), s);
			continue;
		}
		for (k = st.n; k > 1; k--)
			if (st.v[k - 1]->kind == m.kind)
				break;
		if (k > 1)
			st.n = k - 1;
		if (st.n >= MK_COUNT + 1)
			st.n = MK_COUNT;
		nd = node_new(d, m.kind, m.number, stack_top(&st));
		st.v[st.n++] = nd;
		if (*m.rest != '\0') {
			char *t = inline_fields(nd, m.rest);
			const char *dot = strstr(t, "。");

			const char *comma = strstr(t, "，");

			/* A heading is short: of a long first sentence, its
			 * first clause. */
			if (comma != NULL && (dot == NULL || comma < dot) &&
			    utf8_chars(t, (size_t)((dot ? dot : t + strlen(t)) -
			    t)) > HEAD_LONG && utf8_chars(t, (size_t)(comma -
			    t)) >= 4 && nd->head == NULL) {
				nd->head = xstrndup(t, (size_t)(comma - t));
				nd->head_cut = 1;
				text_add(nd, comma + 3);
			} else if (dot != NULL && nd->head == NULL) {
				nd->head = xstrndup(t, (size_t)(dot - t));
				text_add(nd, dot + 3);
			} else if (nd->head == NULL)
				nd->head = xstrdup(t);
			else
				text_add(nd, t);
			free(t);
		}
	}
}

/* ---------------------------------------------------------------- */
/* Tasks and sections */

static int
has_fields(const struct node *nd)
{
	return ((nd->fields & ~(1u << L_BODY)) != 0);
}

static int
ancestor_is_task(const struct node *nd)
{
	for (nd = nd->parent; nd != NULL; nd = nd->parent)
		if (nd->role == R_TASK || nd->role == R_SUBTASK)
			return (1);
	return (0);
}

/* Folds an item that is not a task into the text of its parent. */
static void
fold(struct node *nd)
{
	struct node	*p = nd->parent;
	struct str	 b = { 0 };
	enum lab	 into;

	for (size_t i = 0; i < nd->nkids; i++)
		if (nd->kids[i]->role == R_NONE)
			fold(nd->kids[i]);
	into = nd->in_field;
	if (into == L_NONE || into == L_LEAD || into == L_RESP ||
	    into == L_LEADERS || into == L_COORD || into == L_DEADLINE)
		into = L_BODY;
	str_adds(&b, nd->number ? nd->number : "");
	if (nd->kind == MK_CN || nd->kind == MK_AR)
		str_adds(&b, "、");
	if (nd->head != NULL)
		str_adds(&b, nd->head);
	if (nd->f[L_BODY].n > 0) {
		if (nd->head != NULL && !ends(nd->head, "。"))
			str_adds(&b, "。");
		str_adds(&b, nd->f[L_BODY].s);
	}
	if (b.n > 0)
		field_add(p, into, b.s);
	free(b.s);
	nd->role = R_FOLDED;
}

/*
 * Chooses the tasks.  Where items carry labelled fields (完成时限, 责任处室,
 * 工作目标…), the topmost such items are the tasks and such items inside
 * them their subtasks; otherwise the items that have nothing below them,
 * under a heading, are.  The items holding tasks are sections; the rest
 * is preamble.
 */
static void
choose(struct doc *d)
{
	struct node	*nd;
	size_t		 i, k;
	int		 any = 0;

	for (i = 1; i < d->nnodes; i++)
		if (has_fields(d->nodes[i]))
			any = 1;
	for (i = 1; i < d->nnodes; i++) {
		nd = d->nodes[i];
		if (any) {
			if (!has_fields(nd))
				continue;
			nd->role = ancestor_is_task(nd) ? R_SUBTASK : R_TASK;
		} else if (nd->nkids == 0 && nd->depth >= 2)
			nd->role = R_TASK;
	}
	if (!any) {
		/* A flat list: the items themselves. */
		for (i = 1, k = 0; i < d->nnodes; i++)
			k += d->nodes[i]->role == R_TASK;
		if (k == 0)
			for (i = 1; i < d->nnodes; i++)
				if (d->nodes[i]->nkids == 0)
					d->nodes[i]->role = R_TASK;
	}
	/* A subtask's parent must be a task: deeper ones fold. */
	for (i = 1; i < d->nnodes; i++) {
		nd = d->nodes[i];
		if (nd->role == R_SUBTASK && nd->parent->role != R_TASK &&
		    nd->parent->role != R_SUBTASK)
			nd->role = R_NONE;
		if (nd->role == R_SUBTASK && nd->depth > 0) {
			int lv = 0;

			for (struct node *p = nd; p != NULL; p = p->parent)
				if (p->role == R_TASK || p->role == R_SUBTASK)
					lv++;
			if (lv > 3)
				nd->role = R_NONE;
		}
	}
	/* Inside a task, what is not a subtask is its text, in order. */
	for (i = 1; i < d->nnodes; i++) {
		nd = d->nodes[i];
		if (nd->role == R_NONE && (nd->parent->role == R_TASK ||
		    nd->parent->role == R_SUBTASK))
			fold(nd);
	}
	/* Sections: the items that hold tasks. */
	for (i = 1; i < d->nnodes; i++) {
		nd = d->nodes[i];
		if (nd->role == R_TASK && nd->parent != d->root)
			nd->parent->role = nd->parent->role == R_NONE ?
			    R_SECTION : nd->parent->role;
	}
}

/* ---------------------------------------------------------------- */

int
draft_make(const char *text, size_t len, const struct draft_opts *o,
    struct draft *out, char **cause)
{
	struct doc	 d;
	size_t		 bad, i;

	memset(out, 0, sizeof *out);
	*cause = NULL;
	if (len > DRAFT_MAX_INPUT) {
		*cause = xprintf("文件过大：文本 %zu 字节，上限 %u 字节", len,
		    DRAFT_MAX_INPUT);
		return (-1);
	}
	if (memchr(text, '\0', len) != NULL || !utf8_valid(text, len, &bad)) {
		*cause = xprintf("文件不是 UTF-8 编码的文本（第 %zu 字节起无法识别）："
		    "请另存为 UTF-8 文本或 DOCX 后再起草",
		    memchr(text, '\0', len) != NULL ?
		    (size_t)((const char *)memchr(text, '\0', len) - text) + 1 :
		    bad + 1);
		return (-1);
	}
	memset(&d, 0, sizeof d);
	d.opts = o;
	d.fallback_year = o->year < 2000 ? 2000 : o->year > 2100 ? 2100 :
	    o->year;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	d.para = paragraphs(text, len, &d.npara);
	d.para = tables(d.para, &d.npara);
	outline(&d, d.para, d.npara);
	choose(&d);
	for (i = 1; i < d.nnodes; i++)
		out->tasks += d.nodes[i]->role == R_TASK ||
		    d.nodes[i]->role == R_SUBTASK;
	if (out->tasks == 0) {
		*cause = xprintf("未能从文件中识别出编号的条目（一、（一）1. ①"
		    "或“年度任务一：”）：无法起草任务");
		doc_free(&d);
		return (-1);
	}
	header(&d, text, len);
	emit(&d, out);
	doc_free(&d);
	if (out->len > YTREE_MAX_FILE) {
		*cause = xprintf("起草的计划文件 %zu 字节，超过计划文件 %u 字节的上限："
		    "请把文件分成几部分分别起草", out->len, YTREE_MAX_FILE);
		draft_free(out);
		return (-1);
	}
	return (0);
}

void
doc_free(struct doc *d)
{
	for (size_t i = 0; i < d->npara; i++)
		free(d->para[i]);
	free(d->para);
	for (size_t i = 0; i < d->nnodes; i++) {
		struct node *nd = d->nodes[i];

		free(nd->number);
		free(nd->head);
		free(nd->key);
		for (size_t k = 0; k < L_COUNT; k++)
			free(nd->f[k].s);
		free(nd->kids);
		free(nd);
	}
	free(d->nodes);
	offices_free(d);
	free(d->title);
	free(d->issuer);
	free(d->docnum);
	free(d->issued);
	free(d->kind);
}

void
draft_free(struct draft *dr)
{
	free(dr->yaml);
	memset(dr, 0, sizeof *dr);
}
