/*
 * The XLSX reader's worksheets: a sheet's cells with their values, and
 * its merged ranges, each held to the reader's limits.  Called by
 * xlsx.c (xlsx_read) for each sheet of the workbook; uses its parser of
 * one part (xlsx-int.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xlsx-int.h"
#include "xmalloc.h"

static int
parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long	v = 0;

	if (*s == '\0')
		return (-1);
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return (-1);
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return (-1);
	}
	*out = v;
	return (0);
}

static void
cell_start(struct xp *x, const char **attr)
{
	const struct xlsx_limits *lim = x->rd->lim;
	const char	*r = xlsx_attr(attr, "r"), *t = xlsx_attr(attr, "t");
	const char	*s = xlsx_attr(attr, "s");
	unsigned	 row, col;
	unsigned long	 v;

	memset(&x->cell, 0, sizeof x->cell);
	x->has_value = 0;
	if (r != NULL) {
		if (xlsx_parse_ref(r, &row, &col) != 0) {
			xlsx_xp_fail(x, "%s：单元格引用有误：%.40s", x->sheet, r);
			return;
		}
	} else {
		row = x->row != 0 ? x->row : 1;
		col = x->col + 1;
	}
	xlsx_ref(row, col, x->where);
	if (row > lim->rows) {
		xlsx_xp_fail(x, "%s!%s：行号超过 %u 的上限", x->sheet, x->where,
		    lim->rows);
		return;
	}
	if (col > lim->cols) {
		xlsx_xp_fail(x, "%s!%s：列号超过 %u 的上限", x->sheet, x->where,
		    lim->cols);
		return;
	}
	x->row = row;
	x->col = col;
	x->cell.row = row;
	x->cell.col = col;
	memcpy(x->cell.ref, x->where, sizeof x->cell.ref);
	if (t == NULL || strcmp(t, "n") == 0)
		x->cell.type = XLSX_NUMBER;
	else if (strcmp(t, "s") == 0)
		x->cell.type = XLSX_SHARED;
	else if (strcmp(t, "inlineStr") == 0)
		x->cell.type = XLSX_INLINE;
	else if (strcmp(t, "str") == 0)
		x->cell.type = XLSX_STR;
	else if (strcmp(t, "b") == 0)
		x->cell.type = XLSX_BOOL;
	else if (strcmp(t, "e") == 0)
		x->cell.type = XLSX_ERROR;
	else if (strcmp(t, "d") == 0)
		x->cell.type = XLSX_DATE;
	else {
		xlsx_xp_fail(x, "%s!%s：单元格类型“%.20s”未知", x->sheet, x->where,
		    t);
		return;
	}
	if (s != NULL && parse_uint(s, 0xffffff, &v) == 0)
		x->cell.style = (unsigned)v;
	xlsx_text_reset(x);
}

static void
cell_end(struct xp *x)
{
	struct rd	*rd = x->rd;
	struct xlsx_sheet *sh = x->sh;
	struct xlsx_cell *c = &x->cell;
	unsigned long	 i;

	if (!x->has_value)
		goto done;
	if (sh->ncells >= rd->lim->cells) {
		xlsx_xp_fail(x, "工作表“%s”有值的单元格超过 %zu 个上限",
		    x->sheet, rd->lim->cells);
		return;
	}
	if (rd->book_cells >= rd->lim->book_cells) {
		xlsx_xp_fail(x, "工作簿有值的单元格超过 %zu 个上限",
		    rd->lim->book_cells);
		return;
	}
	if (c->type == XLSX_SHARED) {
		if (parse_uint(xlsx_text_get(x), 4000000000UL, &i) != 0 ||
		    i >= rd->book->nstrings) {
			xlsx_xp_fail(x, "%s!%s：共享字符串编号“%.20s”不存在",
			    x->sheet, x->where, xlsx_text_get(x));
			return;
		}
		c->value = rd->book->strings[i];
	} else
		c->value = xstrndup(xlsx_text_get(x), x->len);
	if (sh->ncells == x->cells_cap) {
		x->cells_cap = x->cells_cap == 0 ? 256 : x->cells_cap * 2;
		sh->cells = xreallocarray(sh->cells, x->cells_cap,
		    sizeof *sh->cells);
	}
	sh->cells[sh->ncells++] = *c;
	rd->book_cells++;
done:
	x->where[0] = '\0';
	x->capture = 0;
}

static void
merge_add(struct xp *x, const char *ref)
{
	struct xlsx_sheet *sh = x->sh;
	struct xlsx_merge  m;
	const char	  *s = ref;

	if (ref == NULL)
		return;
	if (xlsx_ref_at(&s, &m.row1, &m.col1) != 0)
		goto bad;
	if (*s == ':') {
		s++;
		if (xlsx_ref_at(&s, &m.row2, &m.col2) != 0)
			goto bad;
	} else {
		m.row2 = m.row1;
		m.col2 = m.col1;
	}
	if (*s != '\0' || m.row2 < m.row1 || m.col2 < m.col1)
		goto bad;
	if (sh->nmerges >= x->rd->lim->cells) {
		xlsx_xp_fail(x, "工作表“%s”的合并单元格超过 %zu 个上限", x->sheet,
		    x->rd->lim->cells);
		return;
	}
	if (sh->nmerges == x->merges_cap) {
		x->merges_cap = x->merges_cap == 0 ? 16 : x->merges_cap * 2;
		sh->merges = xreallocarray(sh->merges, x->merges_cap,
		    sizeof *sh->merges);
	}
	sh->merges[sh->nmerges++] = m;
	return;
bad:
	xlsx_xp_fail(x, "%s：合并单元格范围有误：%.40s", x->sheet, ref);
}

static void
sheet_start(struct xp *x, enum el e, enum el parent, const char **attr)
{
	const char	*r;
	unsigned long	 v;

	switch (e) {
	case E_ROW:
		if (parent != E_SHEETDATA)
			return;
		if ((r = xlsx_attr(attr, "r")) != NULL) {
			if (parse_uint(r, x->rd->lim->rows, &v) != 0 ||
			    v == 0) {
				xlsx_xp_fail(x, "%s：第“%.20s”行的行号有误或超过 %u "
				    "的上限", x->sheet, r, x->rd->lim->rows);
				return;
			}
			x->row = (unsigned)v;
		} else
			x->row++;
		x->col = 0;
		break;
	case E_C:
		if (parent == E_ROW)
			cell_start(x, attr);
		break;
	case E_V:
		if (parent == E_C) {
			xlsx_text_reset(x);
			x->has_value = 1;
			x->capture = 1;
		}
		break;
	case E_F:
		if (parent == E_C)
			x->cell.formula = 1;
		break;
	case E_IS:
		if (parent == E_C) {
			xlsx_text_reset(x);
			x->has_value = 1;
		}
		break;
	case E_T:
		if (parent == E_IS || (parent == E_R && x->depth >= 3 &&
		    x->stack[x->depth - 3] == E_IS))
			x->capture = 1;
		break;
	case E_MERGECELL:
		if (parent == E_MERGECELLS)
			merge_add(x, xlsx_attr(attr, "ref"));
		break;
	default:
		break;
	}
}

static void
sheet_end(struct xp *x, enum el e, enum el parent)
{
	if (e == E_C && parent == E_ROW)
		cell_end(x);
	else if (e == E_V || e == E_T)
		x->capture = 0;
}

static int
cmp_cells(const void *a, const void *b)
{
	const struct xlsx_cell *x = a, *y = b;

	if (x->row != y->row)
		return (x->row < y->row ? -1 : 1);
	if (x->col != y->col)
		return (x->col < y->col ? -1 : 1);
	return (0);
}

int
xlsx_sheet_read(struct rd *rd, size_t i, char **cause)
{
	struct xlsx_sheet	*sh = &rd->book->sheets[i];
	const struct rel	*r = xlsx_rel_find(rd, rd->sheet_rid[i], NULL);
	struct xp		 x;
	int			 sorted = 1;

	if (r == NULL) {
		*cause = xprintf("工作表“%s”的关系编号 %.40s 不存在", sh->name,
		    rd->sheet_rid[i]);
		return (-1);
	}
	if (strcmp(r->type, "worksheet") != 0)
		return (0);	/* a chart sheet, a dialog sheet: no cells */
	sh->worksheet = 1;
	memset(&x, 0, sizeof x);
	x.sh = sh;
	x.sheet = sh->name;
	x.start = sheet_start;
	x.end = sheet_end;
	if (xlsx_part_parse(rd, &x, r->target, 0, cause) != 0)
		return (-1);
	for (size_t k = 1; k < sh->ncells; k++)
		if (cmp_cells(&sh->cells[k - 1], &sh->cells[k]) >= 0) {
			sorted = 0;
			break;
		}
	if (!sorted) {
		qsort(sh->cells, sh->ncells, sizeof *sh->cells, cmp_cells);
		for (size_t k = 1; k < sh->ncells; k++)
			if (cmp_cells(&sh->cells[k - 1], &sh->cells[k]) == 0) {
				*cause = xprintf("%s!%s：单元格重复出现",
				    sh->name, sh->cells[k].ref);
				return (-1);
			}
	}
	return (0);
}

/* ---------------------------------------------------------------- */
/* Looking up (xlsx.h) */

const struct xlsx_cell *
xlsx_cell(const struct xlsx_sheet *sh, unsigned row, unsigned col)
{
	struct xlsx_cell key;

	key.row = row;
	key.col = col;
	return (bsearch(&key, sh->cells, sh->ncells, sizeof *sh->cells,
	    cmp_cells));
}

const struct xlsx_merge *
xlsx_merged(const struct xlsx_sheet *sh, unsigned row, unsigned col)
{
	for (size_t i = 0; i < sh->nmerges; i++) {
		const struct xlsx_merge *m = &sh->merges[i];

		if (row >= m->row1 && row <= m->row2 && col >= m->col1 &&
		    col <= m->col2)
			return (&m[0]);
	}
	return (NULL);
}
