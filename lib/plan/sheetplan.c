/*
 * Reading the 任务分解表 (sheetplan.h): the workbook becomes the tree a
 * YAML plan file would give, and plan_from_tree() validates it.
 *
 * A node's position is its cell: the row in the low 21 bits of its line
 * (Excel's last row, 1048576, fits), the sheet's index (enum
 * sp_sheet_id) above them, the column as its column.  Diagnostics that
 * the validator adds are turned back into cells of named sheets at the
 * end (fix_diags), "第 N 行" in their messages too.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "date.h"
#include "plan.h"
#include "sheetplan.h"
#include "sheetplan-int.h"
#include "xlsx.h"
#include "xmalloc.h"
#include "ytree.h"

/* ---------------------------------------------------------------- */
/* The 任务分解表 */

struct task_row {
	unsigned	 first, last;	/* its rows */
	struct ynode	*map;
	char		*key;		/* explicit or made */
	int		 nsubs;
};

/* A task's column the reader reads (预警 is shown, never read). */
static int
is_task_field(size_t k)
{
	return (sp_task_cols[k].task && sp_task_cols[k].kind != SP_SHOWN);
}

/* The own value (not through a merge from above) of field k at row. */
static const struct xlsx_cell *
own(const struct table *t, unsigned row, size_t k)
{
	const struct xlsx_cell	*x;
	unsigned		 c = sp_col_of(t, k);
	int			 merged;

	if (c == 0 || (x = sp_cell_at(t, row, c, &merged)) == NULL || merged ||
	    (sp_blank(x->value) && !x->formula))
		return (NULL);
	return (x);
}

/* Guesses a target's kind from its unit (documented in 说明). */
static const char *
kind_of_unit(const char *unit)
{
	static const char *const amounts[] = { "元", "万元", "亿元", "平方米",
	    "万平方米", NULL };
	size_t	 i;

	if (strcmp(unit, "%") == 0 || strcmp(unit, "％") == 0)
		return ("ratio");
	if (strchr(unit, '/') != NULL)
		return ("rate");
	for (i = 0; amounts[i] != NULL; i++)
		if (strcmp(unit, amounts[i]) == 0)
			return ("amount");
	return ("count");
}

/* One target row into the task's targets. */
static void
read_target(struct sp *s, const struct table *t, struct ynode *task,
    unsigned row, size_t pos)
{
	static const size_t fields[] = { TC_TKEY, TC_TNAME, TC_TKIND,
	    TC_TVALUE, TC_TUNIT, TC_TQUAL, TC_TBASE, TC_TDEADLINE, TC_TTEXT };
	struct ynode	*m, *list;
	size_t		 i;
	char		 buf[24];

	for (i = 0; i < NITEMS(fields); i++)
		if (sp_col_of(t, fields[i]) != 0 &&
		    sp_cell_at(t, row, sp_col_of(t, fields[i]), &(int){0}) != NULL &&
		    !sp_blank(sp_cell_at(t, row, sp_col_of(t, fields[i]), &(int){0})->value))
			break;
	if (i == NITEMS(fields))
		return;
	list = sp_subseq(task, "targets", POS(SH_TASKS, row), 1);
	m = sp_node(YN_MAP, POS(SH_TASKS, row), (int)(sp_col_of(t, TC_TNAME) ?
	    sp_col_of(t, TC_TNAME) : 1));
	for (i = 0; i < NITEMS(fields); i++)
		sp_put_field(s, t, m, row, fields[i]);
	if (ytree_get(m, "key") == NULL) {
		snprintf(buf, sizeof buf, "%zu", pos);
		sp_put(m, "key", sp_scalar(buf, 0, m->line, m->col));
	}
	if (ytree_get(m, "kind") == NULL && ytree_get(m, "unit") != NULL &&
	    ytree_get(m, "unit")->type == YN_SCALAR)
		sp_put(m, "kind", sp_scalar(kind_of_unit(ytree_get(m, "unit")->str), 0,
		    m->line, m->col));
	sp_push(list, m);
}

/* The task fields of its first row into map. */
static void
read_task_fields(struct sp *s, const struct table *t, struct ynode *m,
    unsigned row)
{
	static const size_t fields[] = { TC_KEY, TC_NUMBER, TC_TITLE, TC_TEXT,
	    TC_GOAL, TC_WORK, TC_MEASURES, TC_DEADLINE, TC_DEADLINE_TEXT,
	    TC_LEADERS, TC_COORD, TC_PHONE };
	struct ynode	*office, *person, *offices, *people, *lead, *resp, *r;
	size_t		 i;

	for (i = 0; i < NITEMS(fields); i++)
		sp_put_field(s, t, m, row, fields[i]);
	office = sp_field(s, t, row, TC_LEAD_OFFICE);
	person = sp_field(s, t, row, TC_LEAD_PERSON);
	if (office != NULL || person != NULL) {
		lead = sp_node(YN_MAP, office ? office->line : person->line,
		    office ? office->col : person->col);
		if (office != NULL)
			sp_put(lead, "office", office);
		if (person != NULL)
			sp_put(lead, "person", person);
		sp_put(m, "lead", lead);
	}
	offices = sp_field(s, t, row, TC_RESP_OFFICE);
	people = sp_field(s, t, row, TC_RESP_PERSON);
	if (people != NULL && offices == NULL) {
		sp_err(s, SH_TASKS, row, (unsigned)people->col, "写了责任人，但没有写责任处室");
		ytree_free(people);
		people = NULL;
	}
	if (offices != NULL) {
		struct ynode *ol = sp_list_node(offices), *pl = NULL;

		if (people != NULL) {
			pl = sp_list_node(people);
			if (pl->n > ol->n)
				sp_err(s, SH_TASKS, row, (unsigned)people->col,
				    "责任人有 %zu 个，多于责任处室（%zu 个）：责任人须与责任处室逐一对应，"
				    "某处室无责任人时留空（如“、李卉坪”）", pl->n, ol->n);
		}
		resp = sp_node(YN_SEQ, offices->line, offices->col);
		for (i = 0; i < ol->n; i++) {
			r = sp_node(YN_MAP, offices->line, offices->col);
			sp_put(r, "office", ol->kids[i]);
			ol->kids[i] = NULL;
			if (pl != NULL && i < pl->n && !sp_blank(pl->kids[i]->str)) {
				sp_put(r, "person", pl->kids[i]);
				pl->kids[i] = NULL;
			}
			sp_push(resp, r);
		}
		sp_put(m, "responsible", resp);
		ytree_free(ol);
		ytree_free(pl);
		ytree_free(offices);
		ytree_free(people);
	}
}

struct sections {
	struct ynode	*seq;		/* the plan's sections */
	int		 from_sheet;	/* the 部分 sheet gave them */
};

/* The tasks list of the section titled title (made when not from the
 * 部分 sheet), or NULL (reported). */
static struct ynode *
section_tasks(struct sp *s, struct sections *secs, const struct ynode *title)
{
	struct ynode	*m, *t;
	size_t		 i;
	char		 key[24];

	for (i = 0; i < secs->seq->n; i++) {
		m = secs->seq->kids[i];
		if (m->type == YN_MAP && (t = ytree_get(m, "title")) != NULL &&
		    t->type == YN_SCALAR && strcmp(t->str, title->str) == 0)
			return (sp_subseq(m, "tasks", title->line, title->col));
	}
	if (secs->from_sheet) {
		sp_err(s, SH_TASKS, (unsigned)(title->line & ROW_MASK),
		    (unsigned)title->col, "类别“%s”不是“部分”工作表中任何部分的标题", title->str);
		return (NULL);
	}
	m = sp_node(YN_MAP, title->line, title->col);
	snprintf(key, sizeof key, "s%zu", secs->seq->n + 1);
	sp_put(m, "key", sp_scalar(key, 0, title->line, title->col));
	sp_put(m, "title", sp_scalar(title->str, 0, title->line, title->col));
	sp_push(secs->seq, m);
	return (sp_subseq(m, "tasks", title->line, title->col));
}

/* The task keyed key (on an earlier row), or NULL. */
static struct task_row *
find_task(struct sp *s, const char *key)
{
	json_t	*i = json_object_get(s->keys, key);

	return (i != NULL ? &s->tasks[json_integer_value(i)] : NULL);
}

/* The index of the task holding row: the first ending at or after it
 * (ntasks when none does). */
static size_t
task_at(const struct task_row *tasks, size_t ntasks, unsigned row)
{
	size_t	 lo = 0, hi = ntasks, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (tasks[mid].last < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* Checks that a merged range lines up with the tasks' rows. */
static void
check_merges(struct sp *s, const struct table *t, const struct task_row *tasks,
    size_t ntasks)
{
	const struct xlsx_sheet	*sh = t->sh;
	size_t			 k, a, b;
	char			 ref[XLSX_REF_MAX], ref2[XLSX_REF_MAX];

	for (k = 0; k < sh->nmerges; k++) {
		const struct xlsx_merge *m = &sh->merges[k];

		if (m->row1 <= t->head || m->row1 == m->row2)
			continue;
		a = task_at(tasks, ntasks, m->row1);
		b = task_at(tasks, ntasks, m->row2);
		xlsx_ref(m->row1, m->col1, ref);
		xlsx_ref(m->row2, m->col2, ref2);
		if (a == ntasks || m->row1 < tasks[a].first)
			sp_err(s, SH_TASKS, m->row1, m->col1, "合并单元格 %s:%s 不属于任何任务：请从任务的第一行开始合并",
			    ref, ref2);
		else if (b != a && (m->row1 != tasks[a].first || b == ntasks ||
		    m->row2 != tasks[b].last))
			/* Several whole tasks may share a cell (a 类别 over
			 * its tasks); a merge may not cut through one. */
			sp_err(s, SH_TASKS, m->row1, m->col1, "合并单元格 %s:%s 与任务的行不对齐：合并几项任务时，"
			    "须从一项任务的第一行（此处第 %u 行）合并到另一项任务的最后一行（第 %u 行起的任务止于第 %u 行）",
			    ref, ref2, tasks[a].first, b < ntasks ? tasks[b].first :
			    tasks[ntasks - 1].first, b < ntasks ? tasks[b].last :
			    tasks[ntasks - 1].last);
		else if (b == a && is_task_field((size_t)t->map[m->col1]) &&
		    m->row1 != tasks[a].first)
			sp_err(s, SH_TASKS, m->row1, m->col1, "合并单元格 %s:%s 从任务的中间开始：“%s”列的合并须从任务的第一行（第 %u 行）开始",
			    ref, ref2, sp_task_cols[t->map[m->col1]].head, tasks[a].first);
	}
}

/* Two tasks under one heading (a section, a parent, or none) with the
 * same 序号 are a slip of the pen, or a task entered twice. */
static void
same_number(struct sp *s, json_t *seen, const struct ynode *list,
    const struct ynode *task, unsigned row)
{
	const struct ynode	*n = ytree_get(task, "number");
	json_t			*prev;
	char			*k;

	if (n == NULL || n->type != YN_SCALAR)
		return;
	k = xprintf("%p|%s", (const void *)list, n->str);
	if ((prev = json_object_get(seen, k)) != NULL)
		sp_err(s, SH_TASKS, row, (unsigned)n->col, "序号“%s”与第 %lld 行重复：同一类别"
		    "（或同一上级任务）下的序号不应重复", n->str,
		    (long long)json_integer_value(prev));
	else
		json_object_set_new(seen, k, json_integer(row));
	free(k);
}

static void
read_tasks(struct sp *s, struct ynode *root, struct sections *secs)
{
	static const char *const required[] = { "序号", "任务", NULL };
	const struct xlsx_sheet	*sh = xlsx_sheet(s->book, SHEETPLAN_TASKS);
	struct table		 t;
	struct task_row		*tasks = NULL, *tr, *parent;
	size_t			 ntasks = 0, cap = 0, i, k, ntop = 0, ntargets;
	unsigned		 row, c;
	struct ynode		*top = NULL, *v, *list, *sec, *pk;
	const struct xlsx_cell	*x;
	char			 ref[XLSX_REF_MAX];
	json_t			*nums = json_object();

	if (sh == NULL) {
		json_decref(nums);
		sp_book_err(s, "缺少工作表“%s”：任务写在这张表上（第一行为表头：序号、类别、任务…）",
		    SHEETPLAN_TASKS);
		return;
	}
	if (sp_table_open(s, &t, SH_TASKS, sh, required) != 0) {
		json_decref(nums);
		return;
	}
	/* Where each task begins and ends. */
	for (row = t.head + 1; row <= t.last; row++) {
		if (sp_row_empty(&t, row))
			continue;
		if (own(&t, row, TC_NUMBER) != NULL || own(&t, row, TC_TITLE) != NULL) {
			if (ntasks == cap) {
				cap = cap ? 2 * cap : 16;
				tasks = xreallocarray(tasks, cap, sizeof *tasks);
			}
			memset(&tasks[ntasks], 0, sizeof *tasks);
			tasks[ntasks].first = tasks[ntasks].last = row;
			ntasks++;
			continue;
		}
		if (ntasks == 0) {
			c = sp_col_of(&t, TC_NUMBER);
			sp_err(s, SH_TASKS, row, c, "表头下的第一行数据（第 %u 行）没有序号和任务：每项任务从写有序号、任务的一行开始",
			    row);
			goto out;
		}
		tasks[ntasks - 1].last = row;
		/* A task's own columns are written on its first row only. */
		for (k = 0; k < TC_N; k++)
			if (is_task_field(k) && (x = own(&t, row, k)) != NULL) {
				xlsx_ref(x->row, x->col, ref);
				sp_err(s, SH_TASKS, x->row, x->col, "“%s”属于任务，只能写在任务的第一行（第 %u 行）"
				    "或用合并单元格覆盖该任务的各行；%s 所在的行没有序号和任务",
				    sp_task_cols[k].head, tasks[ntasks - 1].first, ref);
			}
	}
	if (ntasks == 0) {
		sp_err(s, SH_TASKS, t.head + 1, 1, "任务分解表在表头（第 %u 行）之下没有任何任务", t.head);
		goto out;
	}
	s->tasks = tasks;	/* find_task()'s, for parents and milestones */
	s->ntasks = ntasks;
	check_merges(s, &t, tasks, ntasks);
	if (s->failed)
		goto out;

	for (i = 0; i < ntasks; i++) {
		tr = &tasks[i];
		row = tr->first;
		tr->map = sp_node(YN_MAP, POS(SH_TASKS, row), 1);
		read_task_fields(s, &t, tr->map, row);
		if ((v = sp_field(s, &t, row, TC_REPORT)) != NULL) {
			sp_err(s, SH_TASKS, row, (unsigned)v->col, "计划格式尚无“汇报频次”：此列须留空"
			    "（督办事项的汇报频次在网页上设置）；实际为“%s”", v->str);
			ytree_free(v);
		}
		ntargets = 0;
		for (row = tr->first; row <= tr->last; row++)
			read_target(s, &t, tr->map, row, ++ntargets);
		/* Its parent, its key. */
		parent = NULL;
		if ((pk = sp_field(s, &t, tr->first, TC_PARENT)) != NULL) {
			parent = find_task(s, pk->str);
			if (parent != NULL && parent->map == NULL)
				parent = NULL;
			if (parent == NULL)
				sp_err(s, SH_TASKS, tr->first, (unsigned)pk->col,
				    "上级任务键“%s”不是前面任何一行任务的任务键", pk->str);
		}
		if ((v = ytree_get(tr->map, "key")) != NULL && v->type == YN_SCALAR)
			tr->key = xstrdup(v->str);
		else {
			if (parent != NULL)
				tr->key = xprintf("%s-%d", parent->key,
				    parent->nsubs + 1);
			else
				tr->key = xprintf("%zu", ntop + 1);
			sp_put(tr->map, "key", sp_scalar(tr->key, 0,
			    POS(SH_TASKS, tr->first), (int)(sp_col_of(&t, TC_KEY) ?
			    sp_col_of(&t, TC_KEY) : 1)));
		}
		sec = sp_field(s, &t, tr->first, TC_SECTION);
		list = NULL;
		if (parent != NULL) {
			parent->nsubs++;
			list = sp_subseq(parent->map, "subtasks", tr->map->line, 1);
			if (sec != NULL)
				sp_err(s, SH_TASKS, tr->first, (unsigned)sec->col,
				    "子任务不写类别：它属于上级任务“%s”的类别", pk->str);
		} else if (pk != NULL) {
			ytree_free(tr->map);	/* reported */
			tr->map = NULL;
		} else {
			ntop++;
			if (sec != NULL)
				list = section_tasks(s, secs, sec);
			else {
				if (top == NULL)
					top = sp_subseq(root, "tasks", tr->map->line, 1);
				list = top;
			}
		}
		/* A task in the tree stays reachable as a parent, and by its
		 * key from the 节点 sheet. */
		if (list != NULL) {
			same_number(s, nums, list, tr->map, tr->first);
			sp_push(list, tr->map);
			if (json_object_get(s->keys, tr->key) == NULL)
				json_object_set_new(s->keys, tr->key,
				    json_integer((json_int_t)i));
		} else {
			ytree_free(tr->map);
			tr->map = NULL;
		}
		ytree_free(sec);
		ytree_free(pk);
	}
out:
	s->tasks = tasks;
	s->ntasks = ntasks;
	json_decref(nums);
	sp_table_close(&t);
}

/* The 节点 sheet: each milestone into its task's milestones. */
static void
read_milestones(struct sp *s)
{
	struct ynode	*rows, *m, *ms, *tk, *task, *list;
	size_t		 i, j;
	char		 buf[24];

	if ((rows = sp_read_rows(s, SH_MILESTONES, (const char *const[]){
	    "任务键", "节点", "完成时限", NULL })) == NULL)
		return;
	for (i = 0; i < rows->n; i++) {
		m = rows->kids[i];
		if ((tk = ytree_get(m, "task")) == NULL) {
			sp_err(s, SH_MILESTONES, (unsigned)(m->line & ROW_MASK), 1,
			    "节点没有写任务键");
			continue;
		}
		task = find_task(s, tk->str) != NULL ? find_task(s, tk->str)->map : NULL;
		if (task == NULL) {
			sp_err(s, SH_MILESTONES, (unsigned)(tk->line & ROW_MASK),
			    (unsigned)tk->col, "任务键“%s”不是任务分解表中任何任务的任务键", tk->str);
			continue;
		}
		list = sp_subseq(task, "milestones", m->line, 1);
		/* The task key is the sheet's, not the milestone's. */
		ms = sp_node(YN_MAP, m->line, m->col);
		for (j = 0; j < m->n; j++)
			if (strcmp(YMAP_KEY(m, j)->str, "task") != 0) {
				sp_put(ms, YMAP_KEY(m, j)->str, YMAP_VAL(m, j));
				m->kids[2 * j + 1] = NULL;
			}
		m = ms;
		if (ytree_get(m, "key") == NULL) {
			snprintf(buf, sizeof buf, "p%zu", list->n + 1);
			sp_put(m, "key", sp_scalar(buf, 0, m->line, m->col));
		}
		sp_push(list, m);
	}
	ytree_free(rows);
}

/* ---------------------------------------------------------------- */
/* The validator's diagnostics, back at their cells */

static void
fix_diags(struct diags *d, size_t from)
{
	size_t		 i;
	unsigned	 idx;
	char		*p, *q, *msg;
	long		 n;

	for (i = from; i < d->n; i++) {
		struct diag *g = &d->v[i];

		if (g->sheet != NULL)
			continue;
		idx = (unsigned)g->line >> ROW_BITS;
		if (idx >= SH_N)
			idx = SH_TASKS;
		g->sheet = xstrdup(sp_sheets[idx].name);
		g->line &= ROW_MASK;
		if (g->col < 1)
			g->col = 1;
		/* "第 N 行" that the validator wrote with a position. */
		msg = g->msg;
		for (p = msg; (p = strstr(p, "第 ")) != NULL; p = q) {
			q = p + strlen("第 ");
			n = strtol(q, &q, 10);
			if (n > ROW_MASK) {
				char *fixed = xprintf("%.*s第 %ld%s", (int)(p - msg),
				    msg, n & ROW_MASK, q);
				size_t off = (size_t)(p - msg);

				free(msg);
				msg = fixed;
				q = msg + off + 1;
			}
		}
		g->msg = msg;
	}
}

/* ---------------------------------------------------------------- */

json_t *
sheetplan_parse(const char *file, const void *buf, size_t len,
    struct diags *d)
{
	struct xlsx_limits	 lim;
	struct xlsx_book	*book;
	struct sp		 s;
	struct sections		 secs;
	struct ynode		*root, *plan, *v;
	char			*cause = NULL;
	json_t			*out = NULL;
	size_t			 i, before = d->n, errors = diags_errors(d);

	xlsx_limits_default(&lim);
	lim.input = 4u << 20;
	lim.part = 32u << 20;
	lim.total = 64u << 20;
	lim.cells = 400000;
	lim.book_cells = 800000;
	lim.rows = SHEETPLAN_MAX_ROWS;
	lim.sheets = 32;
	if ((book = xlsx_read(buf, len, &lim, &cause)) == NULL) {
		diags_add_cell(d, file, "", 0, 0, "不能作为任务分解表读取：%s", cause);
		free(cause);
		return (NULL);
	}
	memset(&s, 0, sizeof s);
	s.keys = json_object();
	s.file = file;
	s.d = d;
	s.book = book;

	/* Sheets that are neither ours nor empty are refused. */
	for (i = 0; i < book->nsheets; i++) {
		size_t	 k;

		for (k = 0; k < SH_N; k++)
			if (strcmp(book->sheets[i].name, sp_sheets[k].name) == 0)
				break;
		if (k == SH_N && strcmp(book->sheets[i].name, SHEETPLAN_HELP) != 0 &&
		    book->sheets[i].ncells > 0)
			sp_book_err(&s, "工作表“%s”不是任务分解表的一部分：可有的工作表为 任务分解表、计划、部分、节点、"
			    "处室、人员、计划角色、说明；请删除它或移到别的文件", book->sheets[i].name);
	}

	root = sp_node(YN_MAP, POS(SH_TASKS, 1), 1);
	sp_put(root, "duban-plan", sp_scalar("1", 1, POS(SH_TASKS, 1), 1));
	if ((plan = sp_read_plan(&s)) != NULL)
		sp_put(root, "plan", plan);
	if ((v = sp_read_rows(&s, SH_OFFICES, (const char *const[]){ "名称",
	    NULL })) != NULL)
		sp_put(root, "offices", v);
	if ((v = sp_read_rows(&s, SH_PEOPLE, (const char *const[]){ "姓名",
	    NULL })) != NULL)
		sp_put(root, "people", v);
	if ((v = sp_read_rows(&s, SH_ROLES, (const char *const[]){ "角色",
	    NULL })) != NULL)
		sp_put(root, "plan_roles", v);
	memset(&secs, 0, sizeof secs);
	if ((secs.seq = sp_read_rows(&s, SH_SECTIONS, (const char *const[]){
	    "部分键", "标题", NULL })) != NULL)
		secs.from_sheet = 1;
	else
		secs.seq = sp_node(YN_SEQ, POS(SH_TASKS, 1), 2);
	sp_put(root, "sections", secs.seq);
	read_tasks(&s, root, &secs);
	read_milestones(&s);

	if (!s.failed)
		out = plan_from_tree(file, root, d);
	ytree_free(root);
	xlsx_free(book);
	for (i = 0; i < s.ntasks; i++)
		free(s.tasks[i].key);
	free(s.tasks);
	json_decref(s.keys);
	fix_diags(d, before);
	if (diags_errors(d) != errors) {
		json_decref(out);
		return (NULL);
	}
	return (out);
}
