/*
 * Plan drafts (draft.h): the YAML plan file written from the outline,
 * with a "# 待核对：…" comment above every guess.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "deadline.h"
#include "draft-int.h"
#include "hash.h"
#include "utf8.h"
#include "xmalloc.h"

#define SCALAR_MAX	60000	/* bytes of one text (the reader's limit is 64 KiB) */

struct out {
	FILE		*f;
	struct doc	*d;
	size_t		 checks;
};

/* A "# 待核对：…" line; arg (a quoted text) is shortened to one line. */
static void
check(struct out *o, int ind, const char *fmt, const char *arg)
{
	char	*a = xstrdup(arg ? arg : "");

	for (char *p = a; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
	if (strlen(a) > 120) {
		utf8_cut(a, 117);
		strcat(a, "…");
	}
	fprintf(o->f, "%*s# 待核对：", ind, "");
	fprintf(o->f, fmt, a);
	fputc('\n', o->f);
	free(a);
	o->checks++;
}

static int
plain_ok(const char *s)
{
	int	 ascii = 1;

	static const char *const words[] = { "count", "amount", "ratio",
	    "rate", "more_than", "at_least", "about", "at_most", "unit", NULL };

	for (int k = 0; words[k] != NULL; k++)
		if (strcmp(s, words[k]) == 0)
			return (1);
	if (*s == '\0' || strchr("-?:,[]{}#&*!|>'\"%@` ", *s) != NULL ||
	    strchr(s, '\n') != NULL || strchr(s, '\t') != NULL ||
	    strstr(s, ": ") != NULL || strstr(s, " #") != NULL ||
	    ends(s, ":") || ends(s, " "))
		return (0);
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = 0;
	return (!ascii);
}

static void
scalar(struct out *o, const char *s)
{
	if (plain_ok(s)) {
		fputs(s, o->f);
		return;
	}
	fputc('"', o->f);
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(o->f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", o->f);
		else if (*s == '\t')
			fputc(' ', o->f);
		else if ((unsigned char)*s < 0x20)
			continue;
		else
			fputc(*s, o->f);
	}
	fputc('"', o->f);
}

static void
kv(struct out *o, int ind, const char *k, const char *v)
{
	fprintf(o->f, "%*s%s: ", ind, "", k);
	scalar(o, v);
	fputc('\n', o->f);
}

/* A text: one line plain or quoted, several as a literal block. */
static void
text(struct out *o, int ind, const char *k, const char *v)
{
	char		*t = xstrdup(v);
	const char	*p, *e;

	if (strlen(t) > SCALAR_MAX) {
		utf8_cut(t, SCALAR_MAX);
		check(o, ind, "原文过长，已截断", NULL);
	}
	if (strchr(t, '\n') == NULL) {
		kv(o, ind, k, t);
		free(t);
		return;
	}
	fprintf(o->f, "%*s%s: |-\n", ind, "", k);
	for (p = t; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p)
			continue;
		fprintf(o->f, "%*s", ind + 2, "");
		for (const char *c = p; c < e; c++)
			fputc(*c == '\t' ? ' ' : *c, o->f);
		fputc('\n', o->f);
	}
	free(t);
}

/* A text of the document with the layout's spaces removed. */
static void
dtext(struct out *o, int ind, const char *k, const char *v)
{
	char	*t = despace(v);

	if (*t != '\0')
		text(o, ind, k, t);
	free(t);
}

/* ---------------------------------------------------------------- */

static char *
path_key(const struct node *nd)
{
	struct str	 b = { 0 };
	char		 num[24];
	const struct node *v[64];
	size_t		 n = 0;

	for (; nd != NULL && nd->parent != NULL && n < 64; nd = nd->parent)
		v[n++] = nd;
	str_add(&b, "", 0);
	while (n-- > 0) {
		size_t i;

		for (i = 0; i < v[n]->parent->nkids; i++)
			if (v[n]->parent->kids[i] == v[n])
				break;
		snprintf(num, sizeof num, "%s%zu", b.n ? "-" : "", i + 1);
		str_adds(&b, num);
	}
	return (b.s);
}

/* Task keys: their own numbers when these are 1, 2, 3 … and unique. */
static void
keys(struct doc *d)
{
	int	 arabic = 1;

	for (size_t i = 1; i < d->nnodes && arabic; i++) {
		struct node *a = d->nodes[i];

		if (a->role != R_TASK)
			continue;
		if (a->kind != MK_AR)
			arabic = 0;
		for (size_t k = 1; k < i && arabic; k++)
			if (d->nodes[k]->role == R_TASK &&
			    strcmp(d->nodes[k]->number, a->number) == 0)
				arabic = 0;
	}
	for (size_t i = 1; i < d->nnodes; i++) {
		struct node *a = d->nodes[i];

		if (a->role == R_TASK && arabic)
			a->key = xstrdup(a->number);
		else if (a->role == R_TASK || a->role == R_SUBTASK)
			a->key = path_key(a);
		else if (a->role == R_SECTION) {
			char *p = path_key(a);

			a->key = xprintf("s%s", p);
			free(p);
		}
	}
}

static void
who_emit(struct out *o, int ind, const struct who *w, int item)
{
	fprintf(o->f, "%*s%soffice: ", ind, "", item ? "- " : "");
	scalar(o, w->office);
	fputc('\n', o->f);
	if (w->person != NULL) {
		fprintf(o->f, "%*sperson: ", ind + (item ? 2 : 0), "");
		scalar(o, w->person);
		fputc('\n', o->f);
	}
}

static void
list(struct out *o, int ind, const char *k, char **v, size_t n)
{
	if (n == 0)
		return;
	fprintf(o->f, "%*s%s:\n", ind, "", k);
	for (size_t i = 0; i < n; i++) {
		fprintf(o->f, "%*s- ", ind + 2, "");
		scalar(o, v[i]);
		fputc('\n', o->f);
	}
}

static void
roles(struct out *o, int ind, const struct node *nd)
{
	struct who	*lead = NULL, *resp = NULL, *all = NULL;
	size_t		 nl = 0, nr = 0, na = 0, i, k;
	char		**names;
	size_t		 nn;

	if (nd->f[L_LEADERS].n) {
		names = name_list(nd->f[L_LEADERS].s, &nn);
		list(o, ind, "leaders", names, nn);
		names_free(names, nn);
	}
	if (nd->f[L_LEAD].n)
		lead = who_list(nd->f[L_LEAD].s, &nl);
	if (nd->f[L_RESP].n)
		resp = who_list(nd->f[L_RESP].s, &nr);
	if (nl > 0) {
		if (lead[0].unsure)
			check(o, ind, "处室与人名连写，已按“%s”拆分", lead[0].office);
		fprintf(o->f, "%*slead:\n", ind, "");
		who_emit(o, ind + 2, &lead[0], 0);
	}
	/* The responsible: the 责任处室, and any second 牵头处室. */
	all = xcalloc(nl + nr + 1, sizeof *all);
	for (i = 0; i < nl + nr; i++) {
		struct who *w = i < nl ? &lead[i] : &resp[i - nl];
		int dup = i == 0 && nl > 0;

		for (k = 0; k < na; k++)
			dup |= strcmp(all[k].office, w->office) == 0;
		if (nl > 0 && strcmp(lead[0].office, w->office) == 0)
			dup = 1;
		if (!dup)
			all[na++] = *w;
	}
	if (na == 0 && nl == 0) {
		struct str b = { 0 };

		str_add(&b, "", 0);
		if (nd->head)
			str_adds(&b, nd->head);
		str_adds(&b, "。");
		if (nd->f[L_BODY].n)
			str_adds(&b, nd->f[L_BODY].s);
		free(resp);
		resp = subjects_find(b.s, &nr);
		free(b.s);
		all = xreallocarray(all, nr + 1, sizeof *all);
		for (i = 0; i < nr; i++)
			all[na++] = resp[i];
		if (na > 0)
			check(o, ind, "文中未列责任单位，以下取自“%s要……”等句的主语",
			    all[0].office);
	}
	if (na > 0) {
		fprintf(o->f, "%*sresponsible:\n", ind, "");
		for (i = 0; i < na; i++) {
			if (all[i].unsure && nl + nr > 0)
				check(o, ind + 2, "处室与人名连写，已按“%s”拆分",
				    all[i].office);
			who_emit(o, ind + 2, &all[i], 1);
		}
	}
	free(all);
	who_free(lead, nl);
	who_free(resp, nr);
	if (nd->f[L_COORD].n) {
		struct who *c = who_list(nd->f[L_COORD].s, &nn);
		char **v = xcalloc(nn + 1, sizeof *v);

		for (i = 0; i < nn; i++)
			v[i] = c[i].office;
		list(o, ind, "coordinating", v, nn);
		free(v);
		who_free(c, nn);
	}
}

static void
targets(struct out *o, int ind, const struct node *nd)
{
	struct target	*v;
	size_t		 n;

	v = targets_find(nd, &n);
	if (n > 0)
		fprintf(o->f, "%*stargets:\n", ind, "");
	for (size_t i = 0; i < n; i++) {
		char key[32];

		if (v[i].unsure)
			check(o, ind + 2, "单位“%s”由上下文推断", v[i].unit);
		snprintf(key, sizeof key, "t%zu", i + 1);
		fprintf(o->f, "%*s- key: %s\n", ind + 2, "", key);
		kv(o, ind + 4, "name", v[i].name);
		kv(o, ind + 4, "kind", v[i].kind);
		fprintf(o->f, "%*svalue: %s\n", ind + 4, "", v[i].value);
		kv(o, ind + 4, "unit", v[i].unit);
		if (v[i].qual)
			kv(o, ind + 4, "qualifier", v[i].qual);
		if (v[i].baseline)
			fprintf(o->f, "%*sbaseline: %s\n", ind + 4, "",
			    v[i].baseline);
		kv(o, ind + 4, "text", v[i].text);
	}
	targets_free(v, n);
}

static void
deadline(struct out *o, int ind, const struct node *nd)
{
	char	*dl = NULL, *t;
	int	 unsure = 0;

	if (nd->f[L_DEADLINE].n) {
		dl = deadline_find(nd->f[L_DEADLINE].s, o->d->year, &unsure);
		t = despace(nd->f[L_DEADLINE].s);
		if (dl == NULL) {
			check(o, ind, "完成时限“%s”未能识别，暂按计划的默认时限", t);
		} else {
			if (unsure)
				check(o, ind, "完成时限取自“%s”", t);
			kv(o, ind, "deadline", dl);
		}
		if (dl == NULL || unsure)
			text(o, ind, "deadline_text", t);
		free(t);
		free(dl);
		return;
	}
	for (enum lab l = L_BODY; l <= L_MEAS && dl == NULL; l++)
		if (nd->f[l].n)
			dl = body_deadline(nd->f[l].s, o->d->year);
	if (dl == NULL && nd->head != NULL)
		dl = body_deadline(nd->head, o->d->year);
	if (dl != NULL) {
		check(o, ind, "完成时限取自正文“%s前完成”", dl);
		kv(o, ind, "deadline", dl);
		free(dl);
	}
}

static void
task(struct out *o, int ind, struct node *nd)
{
	char	*title;

	fprintf(o->f, "%*s- key: ", ind, "");
	scalar(o, nd->key);
	fputc('\n', o->f);
	ind += 2;
	kv(o, ind, "number", nd->number);
	if (nd->head_cut)
		check(o, ind, "首句较长，标题取其第一个分句", NULL);
	title = despace(nd->head ? nd->head : "");
	while (ends(title, "。") || ends(title, "；") || ends(title, "："))
		title[strlen(title) - 3] = '\0';
	if (*title == '\0') {
		free(title);
		title = xstrdup(nd->number);
		check(o, ind, "未找到标题，暂以编号代替", NULL);
	}
	text(o, ind, "title", title);
	free(title);
	if (nd->f[L_BODY].n)
		dtext(o, ind, "text", nd->f[L_BODY].s);
	if (nd->f[L_GOAL].n)
		dtext(o, ind, "goal", nd->f[L_GOAL].s);
	if (nd->f[L_WORK].n)
		dtext(o, ind, "work", nd->f[L_WORK].s);
	if (nd->f[L_MEAS].n)
		dtext(o, ind, "measures", nd->f[L_MEAS].s);
	deadline(o, ind, nd);
	roles(o, ind, nd);
	targets(o, ind, nd);
	int subs = 0;

	for (size_t i = 0; i < nd->nkids; i++)
		if (nd->kids[i]->role == R_SUBTASK) {
			if (!subs++)
				fprintf(o->f, "%*ssubtasks:\n", ind, "");
			task(o, ind + 2, nd->kids[i]);
		}
}

/* The numbers of a section's enclosing items: "三（一）". */
static char *
section_number(const struct node *nd)
{
	const struct node *v[64];
	size_t		 n = 0;
	struct str	 b = { 0 };

	for (; nd != NULL && nd->parent != NULL && n < 64; nd = nd->parent)
		v[n++] = nd;
	str_add(&b, "", 0);
	while (n-- > 0)
		if (v[n]->number)
			str_adds(&b, v[n]->number);
	return (b.s);
}

static int
holds_task(const struct node *nd)
{
	if (nd->role == R_TASK || nd->role == R_SUBTASK)
		return (1);
	for (size_t i = 0; i < nd->nkids; i++)
		if (holds_task(nd->kids[i]))
			return (1);
	return (0);
}

static void
flatten(const struct node *nd, struct str *b)
{
	if (b->n > 0)
		str_add(b, "\n", 1);
	if (nd->number)
		str_adds(b, nd->number);
	if (nd->kind == MK_CN || nd->kind == MK_AR)
		str_adds(b, "、");
	if (nd->head)
		str_adds(b, nd->head);
	if (nd->f[L_BODY].n) {
		str_add(b, "\n", 1);
		str_adds(b, nd->f[L_BODY].s);
	}
	for (enum lab l = L_GOAL; l < L_COUNT; l++)
		if (nd->f[l].n) {
			str_add(b, "\n", 1);
			str_adds(b, label_name(l));
			str_adds(b, "：");
			str_adds(b, nd->f[l].s);
		}
	for (size_t i = 0; i < nd->nkids; i++)
		flatten(nd->kids[i], b);
}

/* What is not a task or a section: the root's text, and the items that
 * hold no task (指导思想, 保障措施 …). */
static char *
preamble(const struct doc *d)
{
	struct str	 b = { 0 };

	str_add(&b, "", 0);
	if (d->root->f[L_BODY].n)
		str_adds(&b, d->root->f[L_BODY].s);
	for (size_t i = 0; i < d->root->nkids; i++)
		if (!holds_task(d->root->kids[i]))
			flatten(d->root->kids[i], &b);
		else if (d->root->kids[i]->role == R_NONE &&
		    d->root->kids[i]->f[L_BODY].n) {
			str_add(&b, "\n", 1);
			str_adds(&b, d->root->kids[i]->f[L_BODY].s);
		}
	return (b.s);
}

static void
offices(struct out *o)
{
	struct doc	*d = o->d;
	int		 any = 0;

	/* A short form of a short form: keep only the first link. */
	for (size_t i = 0; i < d->noffices; i++)
		for (size_t k = 0; k < d->noffices; k++)
			if (d->offices[i].full != NULL && d->offices[k].full &&
			    strcmp(d->offices[k].name, d->offices[i].full) == 0)
				d->offices[i].full = NULL;
	for (size_t k = 0; k < d->noffices; k++) {
		struct office *f = &d->offices[k];
		int aliases = 0, unit;

		if (f->full != NULL)
			continue;
		for (size_t i = 0; i < d->noffices; i++)
			aliases += d->offices[i].full == f->name;
		unit = f->used && (ends(f->name, "中心") || ends(f->name, "馆"));
		if (!aliases && !unit)
			continue;
		if (!any++)
			fputs("offices:\n", o->f);
		if (aliases)
			check(o, 2, "简称视为“%s”，请确认是同一处室", f->name);
		fputs("  - name: ", o->f);
		scalar(o, f->name);
		fputc('\n', o->f);
		if (unit)
			fputs("    kind: unit\n", o->f);
		if (aliases) {
			fputs("    aliases:\n", o->f);
			for (size_t i = 0; i < d->noffices; i++)
				if (d->offices[i].full == f->name) {
					fputs("      - ", o->f);
					scalar(o, d->offices[i].name);
					fputc('\n', o->f);
				}
		}
	}
}

void
emit(struct doc *d, struct draft *dr)
{
	struct out	 o = { 0 };
	char		*body = NULL, *pre, sha[SHA256_HEX_LEN + 1];
	size_t		 blen = 0, i;
	FILE		*f;
	int		 top = 0;

	keys(d);
	offices_collect(d);
	o.d = d;
	o.f = open_memstream(&body, &blen);
	fputs("duban-plan: 1\nplan:\n", o.f);
	check(&o, 2, "计划键是推测的，请改为有意义的英文键（如 地名-年份）", NULL);
	fprintf(o.f, "  key: plan-%d-", d->year);
	sha256_hex(d->issuer, strlen(d->issuer), sha);
	fprintf(o.f, "%.6s\n", sha);
	if (d->title_check)
		check(&o, 2, "%s", d->title_check);
	kv(&o, 2, "title", d->title);
	if (d->year_check)
		check(&o, 2, "%s", d->year_check);
	fprintf(o.f, "  year: %d\n", d->year);
	if (d->issuer_check)
		check(&o, 2, "%s", d->issuer_check);
	kv(&o, 2, "issuer", d->issuer);
	if (d->docnum)
		kv(&o, 2, "document_number", d->docnum);
	if (d->issued)
		fprintf(o.f, "  issued_on: %s\n", d->issued);
	if (d->kind)
		kv(&o, 2, "kind", d->kind);
	fputs("  source:\n", o.f);
	kv(&o, 4, "file", d->opts->file && *d->opts->file ?
	    d->opts->file : "document.txt");
	if (d->opts->sha256 != NULL && strlen(d->opts->sha256) ==
	    SHA256_HEX_LEN && strspn(d->opts->sha256, "0123456789abcdef") ==
	    SHA256_HEX_LEN)
		fprintf(o.f, "    sha256: \"%s\"\n", d->opts->sha256);
	fputs("  default_deadline: 全年\n", o.f);
	pre = preamble(d);
	if (*pre != '\0')
		dtext(&o, 2, "preamble", pre);
	free(pre);
	offices(&o);
	for (i = 1; i < d->nnodes; i++) {
		struct node *s = d->nodes[i];

		if (s->role != R_SECTION)
			continue;
		if (!top++)
			fputs("sections:\n", o.f);
		fprintf(o.f, "  - key: %s\n", s->key);
		char *num = section_number(s);

		kv(&o, 4, "number", num);
		free(num);
		char *t = despace(s->head ? s->head : s->number);

		while (ends(t, "。"))
			t[strlen(t) - 3] = '\0';
		text(&o, 4, "title", *t ? t : s->number);
		free(t);
		if (s->f[L_BODY].n)
			dtext(&o, 4, "text", s->f[L_BODY].s);
		fputs("    tasks:\n", o.f);
		for (size_t k = 0; k < s->nkids; k++)
			if (s->kids[k]->role == R_TASK)
				task(&o, 6, s->kids[k]);
	}
	top = 0;
	for (i = 0; i < d->root->nkids; i++)
		if (d->root->kids[i]->role == R_TASK) {
			if (!top++)
				fputs("tasks:\n", o.f);
			task(&o, 2, d->root->kids[i]);
		}
	fclose(o.f);

	f = open_memstream(&dr->yaml, &dr->len);
	fputs("# duban plan draft 从“", f);
	for (const char *p = d->opts->file && *d->opts->file ?
	    d->opts->file : "文件"; *p != '\0'; p++)
		fputc((unsigned char)*p < 0x20 || *p == 0x7F ? '?' : *p, f);
	fputs("”起草的计划草稿。\n", f);
	fprintf(f, "# 标有“待核对”的 %zu 处是推测：请逐条核对、改正后删去该注释，"
	    "再用 duban plan check 检查，duban plan load 载入。\n", o.checks);
	fwrite(body, 1, blen, f);
	fclose(f);
	free(body);
	dr->checks = o.checks;
}
