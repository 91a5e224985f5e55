/*
 * Reading the 任务分解表's cells (sheetplan-int.h): the tree's nodes,
 * a cell's value as a node of its column's kind, a sheet's header row
 * and merged ranges, the simple sheets (one mapping per row) and the
 * 计划 sheet.  The 任务分解表 itself is sheetplan.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "sheetplan.h"
#include "sheetplan-int.h"
#include "xlsx.h"
#include "xmalloc.h"
#include "ytree.h"

/* ---------------------------------------------------------------- */
/* Building the tree */

struct ynode *
sp_node(enum ynode_type type, int line, int col)
{
	struct ynode	*n = xcalloc(1, sizeof *n);

	n->type = type;
	n->line = line;
	n->col = col;
	return (n);
}

struct ynode *
sp_scalar(const char *s, int plain, int line, int col)
{
	struct ynode	*n = sp_node(YN_SCALAR, line, col);

	n->str = xstrdup(s);
	n->len = strlen(s);
	n->plain = plain;
	return (n);
}

/* Appends kid (a mapping's value: sp_put() adds the key).  A mapping's cap
 * counts pairs, as ytree.c's does, and unused slots stay NULL. */
void
sp_push(struct ynode *parent, struct ynode *kid)
{
	size_t	 per = parent->type == YN_MAP ? 2 : 1, i;

	if (parent->n + 1 > parent->cap) {
		size_t	 old = parent->cap;

		parent->cap = old < 4 ? 8 : 2 * old;
		parent->kids = xreallocarray(parent->kids, parent->cap * per,
		    sizeof *parent->kids);
		for (i = old * per; i < parent->cap * per; i++)
			parent->kids[i] = NULL;
	}
	if (parent->type == YN_MAP)
		parent->kids[2 * parent->n + 1] = kid;
	else
		parent->kids[parent->n] = kid;
	parent->n++;
}

/* map[key] = value; the key node stands at the value's cell. */
void
sp_put(struct ynode *map, const char *key, struct ynode *v)
{
	sp_push(map, v);
	map->kids[2 * (map->n - 1)] = sp_scalar(key, 1, v->line, v->col);
	v->kline = v->line;
	v->kcol = v->col;
}

/* The value of key in map, made a mapping if it is not there yet. */
struct ynode *
sp_submap(struct ynode *map, const char *key, int line, int col)
{
	struct ynode	*m;

	if ((m = ytree_get(map, key)) != NULL)
		return (m);
	m = sp_node(YN_MAP, line, col);
	sp_put(map, key, m);
	return (m);
}

struct ynode *
sp_subseq(struct ynode *map, const char *key, int line, int col)
{
	struct ynode	*s;

	if ((s = ytree_get(map, key)) != NULL)
		return (s);
	s = sp_node(YN_SEQ, line, col);
	sp_put(map, key, s);
	return (s);
}

/* ---------------------------------------------------------------- */
/* Reading cells */



void
sp_err(struct sp *s, enum sp_sheet_id sheet, unsigned row, unsigned col,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	diags_add_cell(s->d, s->file, sp_sheets[sheet].name, (int)row,
	    (int)col, "%s", msg);
	free(msg);
	s->failed = 1;
}

void
sp_book_err(struct sp *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	diags_add_cell(s->d, s->file, "", 0, 0, "%s", msg);
	free(msg);
	s->failed = 1;
}

int
sp_blank(const char *s)
{
	/* ASCII white space and U+3000 (the full-width space). */
	while (*s != '\0') {
		if (isspace((unsigned char)*s))
			s++;
		else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
			s += 3;
		else
			return (0);
	}
	return (1);
}

/* The cell holding (row, col)'s value: a merged range's first cell. */
const struct xlsx_cell *
sp_cell_at(const struct table *t, unsigned row, unsigned col, int *merged)
{
	const struct xlsx_merge	*m;
	unsigned		 k = 0;

	*merged = 0;
	if (row > t->head && row <= t->last && col <= t->ncols)
		k = t->merge[(size_t)(row - t->head - 1) * t->ncols + col - 1];
	if (k != 0) {
		m = &t->sh->merges[k - 1];
		*merged = row != m->row1;
		return (xlsx_cell(t->sh, m->row1, m->col1));
	}
	return (xlsx_cell(t->sh, row, col));
}

/* A number's text as the plan format writes it: 3000, 95.5. */
static char *
number_text(const char *v)
{
	char	*end;
	double	 x;

	errno = 0;
	x = strtod(v, &end);
	if (*v == '\0' || *end != '\0' || errno != 0 || !isfinite(x) ||
	    fabs(x) >= 1e15 || (x != 0 && fabs(x) < 1e-6))
		return (NULL);
	if (x == floor(x))
		return (xprintf("%.0f", x));
	return (xprintf("%.10g", x));
}

/* An Excel date serial (1900 system) as ISO text, or NULL. */
static char *
serial_date(const char *v)
{
	char		*end;
	long		 n;
	struct ymd	 d = { 1899, 12, 30 };
	char		 buf[11];

	errno = 0;
	n = strtol(v, &end, 10);
	/* 2000-01-01 .. 2100-12-31 */
	if (*end != '\0' || errno != 0 || n < 36526 || n > 73415)
		return (NULL);
	date_from_days(date_to_days(&d) + n, &d);
	date_format(&d, buf);
	return (xstrdup(buf));
}

/*
 * The scalar node for cell (row, col) of column c, or NULL when it is
 * empty or wrong (reported).
 */
struct ynode *
sp_cell_node(struct sp *s, const struct table *t, unsigned row, unsigned col,
    const struct sp_col *c)
{
	const struct xlsx_cell	*x;
	char			 ref[XLSX_REF_MAX];
	char			*text = NULL;
	const char		*code;
	int			 merged, plain = 0, line = POS(t->id, row);
	struct ynode		*n;

	if ((x = sp_cell_at(t, row, col, &merged)) == NULL || sp_blank(x->value))
		return (NULL);
	xlsx_ref(x->row, x->col, ref);
	if (x->formula) {
		if (!merged)
			sp_err(s, t->id, x->row, x->col, "“%s”列的单元格 %s 是公式：计划中的内容须为值，"
			    "请复制后“选择性粘贴—数值”", c->head, ref);
		return (NULL);
	}
	if (x->type == XLSX_BOOL || x->type == XLSX_ERROR) {
		if (!merged)
			sp_err(s, t->id, x->row, x->col, "“%s”列应为%s，单元格 %s 是%s值“%s”",
			    c->head, c->kind == SP_NUM ? "数字" : "文字", ref,
			    x->type == XLSX_BOOL ? "逻辑" : "错误", x->value);
		return (NULL);
	}
	switch (c->kind) {
	case SP_NUM:
		if (x->type != XLSX_NUMBER) {
			if (!merged)
				sp_err(s, t->id, x->row, x->col, "“%s”列应为数字单元格，%s 是文字“%s”"
				    "（数字不带单位、千位分隔符和引号）", c->head, ref, x->value);
			return (NULL);
		}
		if ((text = number_text(x->value)) == NULL) {
			if (!merged)
				sp_err(s, t->id, x->row, x->col, "“%s”列的数字“%s”超出可用范围",
				    c->head, x->value);
			return (NULL);
		}
		plain = 1;
		break;
	case SP_DATE:
		if (x->type == XLSX_NUMBER) {
			if ((text = serial_date(x->value)) == NULL) {
				if (!merged)
					sp_err(s, t->id, x->row, x->col, "“%s”列的单元格 %s 是数字 %s，"
					    "不是 2000 到 2100 年间的日期：请写成日期单元格或文字（如 全年、2012年9月）",
					    c->head, ref, x->value);
				return (NULL);
			}
		} else if (x->type == XLSX_DATE)
			text = xprintf("%.10s", x->value);
		else
			text = xstrdup(x->value);
		break;
	case SP_ENUM:
		if ((code = sp_code(c, x->value)) == NULL) {
			char	*list = xstrdup(""), *tmp;
			size_t	 i;

			for (i = 0; c->labels[i] != NULL; i += 2) {
				tmp = xprintf("%s%s%s", list, i ? "、" : "",
				    c->labels[i]);
				free(list);
				list = tmp;
			}
			if (!merged)
				sp_err(s, t->id, x->row, x->col, "“%s”列应为 %s 之一，实际为“%s”",
				    c->head, list, x->value);
			free(list);
			return (NULL);
		}
		text = xstrdup(code);
		break;
	default:
		if (x->type == XLSX_NUMBER)
			text = number_text(x->value);
		if (text == NULL)
			text = xstrdup(x->value);
		break;
	}
	n = sp_scalar(text, plain, line, (int)col);
	free(text);
	return (n);
}

/*
 * Splits a list cell: one name per line when the cell has line breaks
 * (what the export writes, since a name may hold a 、: 各县（市、区）);
 * else at 、，；,; outside brackets.  An empty item stays (责任人 keeps
 * its places).
 */
struct ynode *
sp_list_node(const struct ynode *v)
{
	static const char *const seps[] = { "、", "，", "；", ",", ";", NULL };
	static const char *const open[] = { "（", "(", "〔", "【", "《", NULL };
	static const char *const close[] = { "）", ")", "〕", "】", "》", NULL };
	struct ynode	*seq = sp_node(YN_SEQ, v->line, v->col);
	const char	*p = v->str, *start = v->str;
	int		 lines = strchr(v->str, '\n') != NULL, depth = 0;
	size_t		 i, k;
	char		*item;

	for (;;) {
		k = 0;
		if (lines) {
			if (*p == '\n')
				k = 1;
		} else {
			for (i = 0; *p != '\0' && open[i] != NULL; i++)
				if (strncmp(p, open[i], strlen(open[i])) == 0)
					depth++;
			for (i = 0; *p != '\0' && close[i] != NULL; i++)
				if (strncmp(p, close[i], strlen(close[i])) == 0 &&
				    depth > 0)
					depth--;
			for (i = 0; depth == 0 && *p != '\0' && seps[i] != NULL; i++)
				if (strncmp(p, seps[i], strlen(seps[i])) == 0) {
					k = strlen(seps[i]);
					break;
				}
		}
		if (*p == '\0' || k > 0) {
			item = xprintf("%.*s", (int)(p - start), start);
			sp_push(seq, sp_scalar(item, 0, v->line, v->col));
			free(item);
			if (*p == '\0')
				break;
			p += k;
			start = p;
		} else
			p++;
	}
	return (seq);
}

/* ---------------------------------------------------------------- */
/* Tables: the header row, the merges, cells outside */

static size_t
common_chars(const char *a, const char *b)
{
	size_t	 n = 0, k;
	const char *p;

	/* UTF-8 characters of a that occur in b. */
	for (p = a; *p != '\0'; p += k) {
		char	 ch[5];

		for (k = 1; (p[k] & 0xc0) == 0x80 && k < 4; k++)
			;
		snprintf(ch, sizeof ch, "%.*s", (int)k, p);
		if (strstr(b, ch) != NULL)
			n++;
	}
	return (n);
}

/* "；是否应为“X”" for the column most like head, or "". */
char *
sp_suggest(const struct sp_col *cols, size_t ncols, const char *head)
{
	size_t	 i, best = 0, score = 0, n;

	for (i = 0; i < ncols; i++)
		if ((n = common_chars(head, cols[i].head)) > score) {
			score = n;
			best = i;
		}
	if (score == 0)
		return (xstrdup(""));
	return (xprintf("；是否应为“%s”", cols[best].head));
}

char *
sp_all_heads(const struct sp_col *cols, size_t ncols)
{
	char	*list = xstrdup(""), *tmp;
	size_t	 i;

	for (i = 0; i < ncols; i++) {
		tmp = xprintf("%s%s%s", list, i ? "、" : "", cols[i].head);
		free(list);
		list = tmp;
	}
	return (list);
}

/*
 * Reads the header row, the merged ranges and every cell's place.  The
 * header row is the first row; on the 任务分解表 a title row (one cell,
 * not a header) may stand above it.  Returns 0, or -1 (reported).
 */
int
sp_table_open(struct sp *s, struct table *t, enum sp_sheet_id id,
    const struct xlsx_sheet *sh, const char *const *required)
{
	const struct sp_sheet	*ss = &sp_sheets[id];
	size_t			 i, k, n;
	unsigned		 row, col, r;
	char			*hint, *list, ref[XLSX_REF_MAX], ref2[XLSX_REF_MAX];
	int			 bad = 0, seen[SHEETPLAN_MAX_COLS];

	memset(t, 0, sizeof *t);
	t->sh = sh;
	t->id = id;
	t->cols = ss->cols;
	t->ncols = 0;
	for (i = 0; i <= SHEETPLAN_MAX_COLS; i++)
		t->map[i] = -1;
	memset(seen, 0, sizeof seen);
	for (i = 0; i < sh->ncells && sp_blank(sh->cells[i].value) &&
	    !sh->cells[i].formula; i++)
		;
	if (i == sh->ncells) {
		list = sp_all_heads(ss->cols, ss->ncols);
		sp_err(s, id, 1, 1, "工作表“%s”是空的：第一行应为表头（%s）", ss->name, list);
		free(list);
		return (-1);
	}
	row = sh->cells[i].row;
	/* A title above the header: one cell that is no column's name. */
	if (id == SH_TASKS && (i + 1 == sh->ncells || sh->cells[i + 1].row != row)) {
		for (k = 0; k < ss->ncols; k++)
			if (strcmp(ss->cols[k].head, sh->cells[i].value) == 0)
				break;
		if (k == ss->ncols) {
			for (i++; i < sh->ncells && sp_blank(sh->cells[i].value); i++)
				;
			if (i == sh->ncells) {
				sp_err(s, id, row + 1, 1, "工作表“%s”在标题行之下没有表头", ss->name);
				return (-1);
			}
			row = sh->cells[i].row;
		}
	}
	t->head = row;
	for (; i < sh->ncells && sh->cells[i].row == row; i++) {
		const struct xlsx_cell *x = &sh->cells[i];

		if (sp_blank(x->value))
			continue;
		if (x->col > SHEETPLAN_MAX_COLS) {
			sp_err(s, id, row, x->col, "表头超出第 %u 列：%s 之后不应再有内容",
			    SHEETPLAN_MAX_COLS, ss->name);
			bad = 1;
			continue;
		}
		for (k = 0; k < ss->ncols; k++)
			if (strcmp(ss->cols[k].head, x->value) == 0)
				break;
		if (k == ss->ncols) {
			hint = sp_suggest(ss->cols, ss->ncols, x->value);
			list = sp_all_heads(ss->cols, ss->ncols);
			sp_err(s, id, row, x->col, "表头“%s”不是%s的列%s（可用的列：%s）",
			    x->value, ss->name, hint, list);
			free(hint);
			free(list);
			bad = 1;
			continue;
		}
		if (seen[k]) {
			xlsx_ref(row, (unsigned)seen[k], ref);
			sp_err(s, id, row, x->col, "表头“%s”重复（%s 已有）", x->value, ref);
			bad = 1;
			continue;
		}
		seen[k] = (int)x->col;
		t->map[x->col] = (int)k;
		if (x->col > t->ncols)
			t->ncols = x->col;
	}
	for (k = 0; required != NULL && required[k] != NULL; k++) {
		for (n = 0; n < ss->ncols; n++)
			if (strcmp(ss->cols[n].head, required[k]) == 0)
				break;
		if (n < ss->ncols && !seen[n] && !bad) {
			xlsx_ref(row, t->ncols + 1, ref);
			sp_err(s, id, row, t->ncols + 1, "表头缺少“%s”列（第 %u 行是表头；%s 处可添加）",
			    required[k], row, ref);
			bad = 1;
		}
	}
	if (bad)
		return (-1);

	/* Every cell below the header must be under a header. */
	t->last = row;
	for (; i < sh->ncells; i++) {
		const struct xlsx_cell *x = &sh->cells[i];

		if (sp_blank(x->value) && !x->formula)
			continue;
		if (x->col > t->ncols || t->map[x->col] < 0) {
			xlsx_ref(x->row, x->col, ref);
			sp_err(s, id, x->row, x->col, "单元格 %s 在表格之外：第 %u 行的表头在这一列没有列名，"
			    "请删除该单元格的内容或补上列名", ref, row);
			bad = 1;
			continue;
		}
		t->last = x->row;
	}
	/* Merged ranges: within the table, one column each. */
	for (k = 0; k < sh->nmerges; k++) {
		const struct xlsx_merge *m = &sh->merges[k];

		if (m->row2 < row)
			continue;
		xlsx_ref(m->row1, m->col1, ref);
		xlsx_ref(m->row2, m->col2, ref2);
		if (m->row1 <= row && (m->row2 > row || m->row1 < row)) {
			sp_err(s, id, m->row1, m->col1, "合并单元格 %s:%s 跨过了表头行（第 %u 行）",
			    ref, ref2, row);
			bad = 1;
		} else if (m->row1 == row)
			continue;
		else if (m->col1 != m->col2) {
			sp_err(s, id, m->row1, m->col1, "合并单元格 %s:%s 跨越多列：只能在同一列内合并上下相邻的行",
			    ref, ref2);
			bad = 1;
		} else if (m->col1 > t->ncols || t->map[m->col1] < 0) {
			sp_err(s, id, m->row1, m->col1, "合并单元格 %s:%s 在表格之外", ref, ref2);
			bad = 1;
		} else if (m->row2 > t->last)
			t->last = m->row2;
	}
	if (bad)
		return (-1);
	if (t->last > t->head) {
		n = (size_t)(t->last - t->head) * t->ncols;
		t->merge = xcalloc(n, sizeof *t->merge);
		for (k = 0; k < sh->nmerges; k++) {
			const struct xlsx_merge *m = &sh->merges[k];

			if (m->row1 <= row)
				continue;
			for (r = m->row1; r <= m->row2; r++) {
				unsigned *slot = &t->merge[(size_t)(r - row - 1) *
				    t->ncols + m->col1 - 1];

				if (*slot != 0) {
					xlsx_ref(r, m->col1, ref);
					sp_err(s, id, r, m->col1, "单元格 %s 属于两个合并区域", ref);
					return (-1);
				}
				*slot = (unsigned)k + 1;
			}
		}
	}
	/* Column of each known field, for callers. */
	(void)col;
	return (0);
}

void
sp_table_close(struct table *t)
{
	free(t->merge);
	t->merge = NULL;
}

/* The sheet column of field k, or 0 when the sheet has none. */
unsigned
sp_col_of(const struct table *t, size_t k)
{
	unsigned	 c;

	for (c = 1; c <= t->ncols; c++)
		if (t->map[c] == (int)k)
			return (c);
	return (0);
}

/* Field k of row, or NULL. */
struct ynode *
sp_field(struct sp *s, const struct table *t, unsigned row, size_t k)
{
	unsigned	 c = sp_col_of(t, k);

	return (c == 0 ? NULL : sp_cell_node(s, t, row, c, &t->cols[k]));
}

/* Whether row has any value the reader reads (through merges too). */
int
sp_row_empty(const struct table *t, unsigned row)
{
	const struct xlsx_cell	*x;
	unsigned		 c;
	int			 merged;

	for (c = 1; c <= t->ncols; c++)
		if (t->map[c] >= 0 && t->cols[t->map[c]].kind != SP_SHOWN &&
		    (x = sp_cell_at(t, row, c, &merged)) != NULL &&
		    (!sp_blank(x->value) || x->formula))
			return (0);
	return (1);
}

/* ---------------------------------------------------------------- */
/* The simple sheets: one mapping per row */

/* Puts field k of row into map under the column's key. */
void
sp_put_field(struct sp *s, const struct table *t, struct ynode *map,
    unsigned row, size_t k)
{
	struct ynode	*v;

	if ((v = sp_field(s, t, row, k)) == NULL)
		return;
	if (t->cols[k].kind == SP_LIST) {
		struct ynode *l = sp_list_node(v);

		ytree_free(v);
		v = l;
	}
	sp_put(map, t->cols[k].key, v);
}

/* The rows of a simple sheet as a sequence of mappings, or NULL. */
struct ynode *
sp_read_rows(struct sp *s, enum sp_sheet_id id, const char *const *required)
{
	const struct xlsx_sheet	*sh = xlsx_sheet(s->book, sp_sheets[id].name);
	struct table		 t;
	struct ynode		*seq, *m;
	unsigned		 row;
	size_t			 k;

	if (sh == NULL || sp_table_open(s, &t, id, sh, required) != 0)
		return (NULL);
	seq = sp_node(YN_SEQ, POS(id, t.head), 1);
	for (row = t.head + 1; row <= t.last; row++) {
		if (sp_row_empty(&t, row))
			continue;
		m = sp_node(YN_MAP, POS(id, row), 1);
		for (k = 0; k < sp_sheets[id].ncols; k++)
			sp_put_field(s, &t, m, row, k);
		sp_push(seq, m);
	}
	sp_table_close(&t);
	return (seq);
}

/* The 计划 sheet: 项目 / 内容 rows into the plan mapping. */
struct ynode *
sp_read_plan(struct sp *s)
{
	const struct xlsx_sheet	*sh = xlsx_sheet(s->book, SHEETPLAN_PLAN);
	static const char *const required[] = { "项目", "内容", NULL };
	struct table		 t;
	struct ynode		*plan, *v, *where;
	const struct xlsx_cell	*x;
	unsigned		 row, ci, cv, seen[PR_N];
	size_t			 k;
	int			 merged;
	char			*hint, *list, ref[XLSX_REF_MAX];

	if (sh == NULL) {
		sp_book_err(s, "缺少工作表“%s”：计划键、标题、年度、发文单位、来源文件写在这张表上（A 列项目，B 列内容）",
		    SHEETPLAN_PLAN);
		return (NULL);
	}
	if (sp_table_open(s, &t, SH_PLAN, sh, required) != 0)
		return (NULL);
	plan = sp_node(YN_MAP, POS(SH_PLAN, t.head), 1);
	ci = sp_col_of(&t, 0);
	cv = sp_col_of(&t, 1);
	memset(seen, 0, sizeof seen);
	for (row = t.head + 1; row <= t.last; row++) {
		if ((x = sp_cell_at(&t, row, ci, &merged)) == NULL || sp_blank(x->value)) {
			if (!sp_row_empty(&t, row))
				sp_err(s, SH_PLAN, row, ci, "第 %u 行有内容但没有写项目", row);
			continue;
		}
		for (k = 0; k < PR_N; k++)
			if (strcmp(sp_plan_rows[k].head, x->value) == 0)
				break;
		if (k == PR_N) {
			hint = sp_suggest(sp_plan_rows, PR_N, x->value);
			list = sp_all_heads(sp_plan_rows, PR_N);
			sp_err(s, SH_PLAN, row, ci, "项目“%s”不是计划的项目%s（可用的项目：%s）",
			    x->value, hint, list);
			free(hint);
			free(list);
			continue;
		}
		if (seen[k]) {
			xlsx_ref(seen[k], ci, ref);
			sp_err(s, SH_PLAN, row, ci, "项目“%s”重复（%s 已有）", x->value, ref);
			continue;
		}
		seen[k] = row;
		if ((v = sp_cell_node(s, &t, row, cv, &sp_plan_rows[k])) == NULL)
			continue;
		if (strncmp(sp_plan_rows[k].key, "source.", 7) == 0) {
			where = sp_submap(plan, "source", v->line, v->col);
			sp_put(where, sp_plan_rows[k].key + 7, v);
		} else
			sp_put(plan, sp_plan_rows[k].key, v);
	}
	sp_table_close(&t);
	return (plan);
}
