/*
 * Writing the 任务分解表 (sheetplan.h) with libxlsxwriter, from a plan
 * document (the plan-format structure as JSON), and the same document
 * as a plan-format YAML file.  The columns are sheetplan-int.h's, the
 * reader's own, so what is written here reads back as the same plan.
 */
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>
#include <yaml.h>

#include "sheetplan.h"
#include "sheetplan-int.h"
#include "words.h"
#include "xmalloc.h"

#define S(o, k)	json_string_value(json_object_get((o), (k)))

struct w {
	lxw_workbook	*wb;
	lxw_format	*head, *cell, *num, *title;
	int		 err;
};

static void
check(struct w *w, lxw_error e)
{
	if (e != LXW_NO_ERROR)
		w->err = (int)e;
}

static void
formats(struct w *w)
{
	w->head = workbook_add_format(w->wb);
	format_set_bold(w->head);
	format_set_border(w->head, LXW_BORDER_THIN);
	format_set_align(w->head, LXW_ALIGN_CENTER);
	format_set_align(w->head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(w->head);
	format_set_bg_color(w->head, 0xDDEBF7);
	w->cell = workbook_add_format(w->wb);
	format_set_border(w->cell, LXW_BORDER_THIN);
	format_set_text_wrap(w->cell);
	format_set_align(w->cell, LXW_ALIGN_VERTICAL_TOP);
	w->num = workbook_add_format(w->wb);
	format_set_border(w->num, LXW_BORDER_THIN);
	format_set_align(w->num, LXW_ALIGN_VERTICAL_TOP);
	format_set_num_format(w->num, "General");
	w->title = workbook_add_format(w->wb);
	format_set_bold(w->title);
	format_set_text_wrap(w->title);
	format_set_align(w->title, LXW_ALIGN_VERTICAL_TOP);
}

/* Text or nothing: an empty cell keeps its border. */
static void
text(struct w *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (s != NULL && *s != '\0')
		check(w, worksheet_write_string(ws, r, c, s, w->cell));
	else
		check(w, worksheet_write_blank(ws, r, c, w->cell));
}

static void
number(struct w *w, lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const json_t *v)
{
	const char	*s = json_string_value(v);

	if (json_is_number(v))
		check(w, worksheet_write_number(ws, r, c, json_number_value(v),
		    w->num));
	else if (s != NULL && *s != '\0')
		check(w, worksheet_write_number(ws, r, c, strtod(s, NULL), w->num));
	else
		check(w, worksheet_write_blank(ws, r, c, w->cell));
}

static lxw_worksheet *
sheet(struct w *w, const struct sp_sheet *ss)
{
	lxw_worksheet	*ws = workbook_add_worksheet(w->wb, ss->name);
	size_t		 k;

	for (k = 0; k < ss->ncols; k++) {
		worksheet_set_column(ws, (lxw_col_t)k, (lxw_col_t)k,
		    ss->cols[k].width, NULL);
		check(w, worksheet_write_string(ws, 0, (lxw_col_t)k,
		    ss->cols[k].head, w->head));
	}
	worksheet_freeze_panes(ws, 1, 0);
	return (ws);
}

/* The strings (or each object's field) of a list, one per line: a name
 * may hold a 、 (各县（市、区）), never a line break. */
static char *
joined(const json_t *list, const char *field, int *any)
{
	char		*out = xstrdup(""), *tmp;
	const char	*s;
	size_t		 i;
	json_t		*v;

	if (any != NULL)
		*any = 0;
	json_array_foreach(list, i, v) {
		s = field != NULL ? S(v, field) : json_string_value(v);
		if (s != NULL && any != NULL)
			*any = 1;
		tmp = xprintf("%s%s%s", out, i ? "\n" : "", s ? s : "");
		free(out);
		out = tmp;
	}
	return (out);
}

/* ---------------------------------------------------------------- */
/* The 任务分解表 */

struct rows {
	struct w	*w;
	lxw_worksheet	*ws, *ms;
	lxw_row_t	 r, mr;
	const json_t	*lights;	/* the document's: task key -> light */
};

/* A task cell: merged over the task's rows when it has several. */
static void
task_cell(struct rows *x, unsigned n, int col, const char *s)
{
	if (n > 1)
		check(x->w, worksheet_merge_range(x->ws, x->r, (lxw_col_t)col,
		    x->r + n - 1, (lxw_col_t)col, s ? s : "", x->w->cell));
	else
		text(x->w, x->ws, x->r, (lxw_col_t)col, s);
}

static void
write_task(struct rows *x, const json_t *t, const char *section,
    const char *parent)
{
	const json_t	*targets = json_object_get(t, "targets"), *g, *m;
	const json_t	*lead = json_object_get(t, "lead");
	unsigned	 n = json_array_size(targets) > 0 ?
			    (unsigned)json_array_size(targets) : 1, i;
	char		*s;
	int		 any;
	size_t		 k;

	task_cell(x, n, TC_NUMBER, S(t, "number"));
	task_cell(x, n, TC_SECTION, parent ? NULL : section);
	task_cell(x, n, TC_TITLE, S(t, "title"));
	task_cell(x, n, TC_TEXT, S(t, "text"));
	task_cell(x, n, TC_GOAL, S(t, "goal"));
	task_cell(x, n, TC_WORK, S(t, "work"));
	task_cell(x, n, TC_MEASURES, S(t, "measures"));
	task_cell(x, n, TC_DEADLINE, S(t, "deadline"));
	task_cell(x, n, TC_DEADLINE_TEXT, S(t, "deadline_text"));
	task_cell(x, n, TC_LEAD_OFFICE, S(lead, "office"));
	task_cell(x, n, TC_LEAD_PERSON, S(lead, "person"));
	s = joined(json_object_get(t, "responsible"), "office", NULL);
	task_cell(x, n, TC_RESP_OFFICE, s);
	free(s);
	s = joined(json_object_get(t, "responsible"), "person", &any);
	task_cell(x, n, TC_RESP_PERSON, any ? s : NULL);
	free(s);
	s = joined(json_object_get(t, "leaders"), NULL, NULL);
	task_cell(x, n, TC_LEADERS, s);
	free(s);
	s = joined(json_object_get(t, "coordinating"), NULL, NULL);
	task_cell(x, n, TC_COORD, s);
	free(s);
	task_cell(x, n, TC_PHONE, S(t, "phone"));
	task_cell(x, n, TC_REPORT, NULL);
	task_cell(x, n, TC_KEY, S(t, "key"));
	task_cell(x, n, TC_PARENT, parent);
	task_cell(x, n, TC_LIGHT, S(x->lights, S(t, "key")) != NULL ?
	    word_or(VOCAB_LIGHT, S(x->lights, S(t, "key")), NULL) : NULL);
	for (i = 0; i < n; i++) {
		g = json_array_get(targets, i);
		text(x->w, x->ws, x->r + i, TC_TKEY, S(g, "key"));
		text(x->w, x->ws, x->r + i, TC_TNAME, S(g, "name"));
		text(x->w, x->ws, x->r + i, TC_TKIND, S(g, "kind") ?
		    sp_label(&sp_task_cols[TC_TKIND], S(g, "kind")) : NULL);
		number(x->w, x->ws, x->r + i, TC_TVALUE, json_object_get(g, "value"));
		text(x->w, x->ws, x->r + i, TC_TUNIT, S(g, "unit"));
		text(x->w, x->ws, x->r + i, TC_TQUAL, S(g, "qualifier") ?
		    sp_label(&sp_task_cols[TC_TQUAL], S(g, "qualifier")) : NULL);
		number(x->w, x->ws, x->r + i, TC_TBASE, json_object_get(g, "baseline"));
		text(x->w, x->ws, x->r + i, TC_TDEADLINE, S(g, "deadline"));
		text(x->w, x->ws, x->r + i, TC_TTEXT, S(g, "text"));
	}
	x->r += n;
	json_array_foreach(json_object_get(t, "milestones"), k, m) {
		text(x->w, x->ms, x->mr, 0, S(t, "key"));
		text(x->w, x->ms, x->mr, 1, S(m, "key"));
		text(x->w, x->ms, x->mr, 2, S(m, "title"));
		text(x->w, x->ms, x->mr, 3, S(m, "due"));
		text(x->w, x->ms, x->mr, 4, S(m, "text"));
		x->mr++;
	}
	json_array_foreach(json_object_get(t, "subtasks"), k, m)
		write_task(x, m, section, S(t, "key"));
}

static void
write_plan(struct w *w, const json_t *plan)
{
	lxw_worksheet	*ws = sheet(w, &sp_sheets[SH_PLAN]);
	const json_t	*src = json_object_get(plan, "source"), *v;
	const struct sp_col *c;
	lxw_row_t	 r = 1;
	size_t		 k;

	for (k = 0; k < PR_N; k++) {
		c = &sp_plan_rows[k];
		if (strncmp(c->key, "source.", 7) == 0)
			v = json_object_get(src, c->key + 7);
		else
			v = json_object_get(plan, c->key);
		check(w, worksheet_write_string(ws, r, 0, c->head, w->title));
		if (c->kind == SP_NUM)
			number(w, ws, r, 1, v);
		else if (c->kind == SP_ENUM && json_is_string(v))
			text(w, ws, r, 1, sp_label(c, json_string_value(v)));
		else
			text(w, ws, r, 1, json_string_value(v));
		r++;
	}
}

/* Rows of a simple sheet from a list of objects, one column per key. */
static void
write_list(struct w *w, enum sp_sheet_id id, const json_t *list)
{
	const struct sp_sheet	*ss = &sp_sheets[id];
	lxw_worksheet		*ws;
	const json_t		*o, *v;
	size_t			 i, k;
	char			*s;

	if (json_array_size(list) == 0)
		return;
	ws = sheet(w, ss);
	json_array_foreach(list, i, o) {
		for (k = 0; k < ss->ncols; k++) {
			v = json_object_get(o, ss->cols[k].key);
			if (ss->cols[k].kind == SP_LIST) {
				s = joined(v, NULL, NULL);
				text(w, ws, (lxw_row_t)i + 1, (lxw_col_t)k, s);
				free(s);
			} else if (ss->cols[k].kind == SP_ENUM && json_is_string(v))
				text(w, ws, (lxw_row_t)i + 1, (lxw_col_t)k,
				    sp_label(&ss->cols[k], json_string_value(v)));
			else
				text(w, ws, (lxw_row_t)i + 1, (lxw_col_t)k,
				    json_string_value(v));
		}
	}
}

static void
write_help(struct w *w)
{
	lxw_worksheet	*ws = workbook_add_worksheet(w->wb, SHEETPLAN_HELP);
	static const char *const heads[] = { "工作表", "列或项目", "填写说明", "计划文件字段" };
	lxw_row_t	 r = 1;
	size_t		 i, k;

	worksheet_set_column(ws, 0, 0, 12, NULL);
	worksheet_set_column(ws, 1, 1, 14, NULL);
	worksheet_set_column(ws, 2, 2, 80, NULL);
	worksheet_set_column(ws, 3, 3, 20, NULL);
	for (k = 0; k < 4; k++)
		check(w, worksheet_write_string(ws, 0, (lxw_col_t)k, heads[k], w->head));
	for (i = 0; i < SH_N; i++) {
		const struct sp_sheet *ss = &sp_sheets[i];
		const struct sp_col *cols = i == SH_PLAN ? sp_plan_rows : ss->cols;
		size_t n = i == SH_PLAN ? PR_N : ss->ncols;

		text(w, ws, r, 0, ss->name);
		check(w, worksheet_write_string(ws, r, 1, "（整张表）", w->title));
		text(w, ws, r, 2, ss->help);
		text(w, ws, r, 3, "");
		r++;
		for (k = 0; k < n; k++) {
			text(w, ws, r, 0, ss->name);
			text(w, ws, r, 1, cols[k].head);
			text(w, ws, r, 2, cols[k].help);
			text(w, ws, r, 3, cols[k].kind == SP_SHOWN ? "（不导入）" :
			    cols[k].key);
			r++;
		}
	}
	text(w, ws, r, 0, "");
	text(w, ws, r, 1, "（全部）");
	text(w, ws, r, 2, "计划中的数字、日期须为值，不得为公式；导入时逐格检查，出错时指明工作表和单元格（如 任务分解表!F12），"
	    "任何一处有误则整个文件都不导入。规则与 YAML 计划文件相同（docs/plan-format.md）。");
	text(w, ws, r, 3, "");
}

int
sheetplan_write(const json_t *doc, const char *path, char **cause)
{
	lxw_workbook_options	 opt;
	struct w		 w;
	struct rows		 x;
	const json_t		*sections = json_object_get(doc, "sections");
	const json_t		*s, *t;
	size_t			 i, k;
	char			*tmp = getenv("TMPDIR");
	lxw_error		 e;

	memset(&w, 0, sizeof w);
	memset(&opt, 0, sizeof opt);
	opt.tmpdir = tmp != NULL && *tmp != '\0' ? tmp : NULL;
	if ((w.wb = workbook_new_opt(path, &opt)) == NULL) {
		*cause = xprintf("无法创建 XLSX 工作簿 %s", path);
		return (-1);
	}
	formats(&w);
	memset(&x, 0, sizeof x);
	x.w = &w;
	x.ws = sheet(&w, &sp_sheets[SH_TASKS]);
	x.r = 1;
	x.lights = json_object_get(doc, "lights");
	write_plan(&w, json_object_get(doc, "plan"));
	if (json_array_size(sections) > 0) {
		lxw_worksheet *ss = sheet(&w, &sp_sheets[SH_SECTIONS]);

		json_array_foreach(sections, i, s) {
			text(&w, ss, (lxw_row_t)i + 1, 0, S(s, "key"));
			text(&w, ss, (lxw_row_t)i + 1, 1, S(s, "number"));
			text(&w, ss, (lxw_row_t)i + 1, 2, S(s, "title"));
			text(&w, ss, (lxw_row_t)i + 1, 3, S(s, "text"));
		}
	}
	x.ms = sheet(&w, &sp_sheets[SH_MILESTONES]);
	x.mr = 1;
	json_array_foreach(sections, i, s)
		json_array_foreach(json_object_get(s, "tasks"), k, t)
			write_task(&x, t, S(s, "title"), NULL);
	json_array_foreach(json_object_get(doc, "tasks"), k, t)
		write_task(&x, t, NULL, NULL);
	write_list(&w, SH_OFFICES, json_object_get(doc, "offices"));
	write_list(&w, SH_PEOPLE, json_object_get(doc, "people"));
	write_list(&w, SH_ROLES, json_object_get(doc, "plan_roles"));
	write_help(&w);
	e = workbook_close(w.wb);
	if (e != LXW_NO_ERROR || w.err != 0) {
		*cause = xprintf("无法写出任务分解表：%s", lxw_strerror(e != LXW_NO_ERROR ?
		    e : (lxw_error)w.err));
		return (-1);
	}
	return (0);
}

/* The template's example: one section, one task with two targets. */
static json_t *
example(void)
{
	return (json_pack("{s:i, s:{s:s, s:s, s:i, s:s, s:s, s:s, s:{s:s}, s:s, s:s}, "
	    "s:[{s:s, s:s}], s:[{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:s, s:s, "
	    "s:{s:s, s:s}, s:[{s:s}], s:[s], s:[s], "
	    "s:[{s:s, s:s, s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s, s:s, s:s, s:s}], "
	    "s:[{s:s, s:s, s:s}]}]}]}",
	    "duban-plan", 1,
	    "plan", "key", "example-2026", "title", "某市教育局2026年民生实事工作方案（示例，请替换）",
	    "year", 2026, "issuer", "某市教育局", "document_number", "某教发〔2026〕1号",
	    "kind", "民生实事", "source", "file", "某市教育局2026年民生实事工作方案.docx",
	    "default_deadline", "全年", "completion_review", "yes",
	    "offices", "name", "市财政局", "kind", "department",
	    "sections", "key", "s1", "number", "一", "title", "具体实事安排",
	    "tasks", "key", "1", "number", "1", "title", "扩大普惠性学前教育资源",
	    "goal", "新建、改扩建公办幼儿园，增加普惠性学位。", "deadline", "2026年9月",
	    "deadline_text", "2026年9月底前完工，秋季学期投入使用",
	    "lead", "office", "基础教育处", "person", "张明",
	    "responsible", "office", "发展规划处",
	    "leaders", "王强", "coordinating", "市财政局",
	    "targets", "key", "kindergartens", "name", "新建、改扩建公办幼儿园", "kind", "count",
	    "value", "10", "unit", "所", "text", "新建、改扩建公办幼儿园10所",
	    "key", "places", "name", "新增普惠性学位", "kind", "count", "value", "3000",
	    "unit", "个", "qualifier", "more_than", "text", "新增普惠性学位3000多个",
	    "milestones", "key", "start", "title", "开工", "due", "2026年4月"));
}

int
sheetplan_template(const json_t *doc, const char *path, char **cause)
{
	json_t	*ex = example();
	int	 rc;

	(void)doc;
	rc = sheetplan_write(ex, path, cause);
	json_decref(ex);
	return (rc);
}

char *
sheetplan_filename(const json_t *doc)
{
	const char	*key = S(json_object_get(doc, "plan"), "key");

	return (xprintf("%s-任务分解表.xlsx", key != NULL ? key : "plan"));
}

/* ---------------------------------------------------------------- */
/* YAML */

/* Keys in the order the plan format lists them; others after, sorted. */
static const char *const key_order[] = { "duban-plan", "plan", "offices",
    "people", "plan_roles", "sections", "tasks", "key", "number", "name",
    "role", "title", "year", "year_basis", "issuer", "issuer_kind",
    "parent_org", "document_number", "issued_on", "kind", "phone", "source",
    "file", "sha256", "note", "default_deadline", "preamble",
    "extension_review", "completion_review", "completion_evidence", "aliases",
    "office", "person", "text", "goal", "work", "measures", "value", "unit",
    "qualifier", "baseline", "deadline", "due", "deadline_text", "leaders",
    "lead", "responsible", "coordinating", "targets", "milestones",
    "subtasks", NULL };
/* Fields whose text is a number, written without quotes. */
static const char *const numeric[] = { "duban-plan", "year", "value",
    "baseline", NULL };

static int
in_list(const char *const *list, const char *s)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return (1);
	return (0);
}

static int
emit(yaml_emitter_t *em, yaml_event_t *ev)
{
	return (yaml_emitter_emit(em, ev) ? 0 : -1);
}

static int
emit_str(yaml_emitter_t *em, const char *s, int plain)
{
	yaml_event_t		 ev;
	yaml_scalar_style_t	 style;

	if (plain)
		style = YAML_PLAIN_SCALAR_STYLE;
	else if (strchr(s, '\n') != NULL)
		style = YAML_LITERAL_SCALAR_STYLE;
	else
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
	    (int)strlen(s), plain, !plain, style);
	return (emit(em, &ev));
}

static int
emit_value(yaml_emitter_t *em, const json_t *v, const char *key)
{
	yaml_event_t	 ev;
	const json_t	*x;
	size_t		 i;
	char		 buf[32];

	switch (json_typeof(v)) {
	case JSON_OBJECT: {
		const char	*k;
		json_t		*done = json_object();
		const char	*order[256];
		size_t		 n = 0;

		yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_MAPPING_STYLE);
		if (emit(em, &ev) != 0)
			goto fail;
		for (i = 0; key_order[i] != NULL; i++)
			if (json_object_get(v, key_order[i]) != NULL && n < 256) {
				order[n++] = key_order[i];
				json_object_set_new(done, key_order[i], json_true());
			}
		json_object_foreach((json_t *)v, k, x)
			if (json_object_get(done, k) == NULL && n < 256)
				order[n++] = k;
		json_decref(done);
		for (i = 0; i < n; i++) {
			x = json_object_get(v, order[i]);
			if (json_is_null(x))
				continue;
			if (emit_str(em, order[i], 1) != 0 ||
			    emit_value(em, x, order[i]) != 0)
				return (-1);
		}
		yaml_mapping_end_event_initialize(&ev);
		return (emit(em, &ev));
	fail:
		json_decref(done);
		return (-1);
	}
	case JSON_ARRAY:
		yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
		    YAML_BLOCK_SEQUENCE_STYLE);
		if (emit(em, &ev) != 0)
			return (-1);
		json_array_foreach(v, i, x)
			if (emit_value(em, x, NULL) != 0)
				return (-1);
		yaml_sequence_end_event_initialize(&ev);
		return (emit(em, &ev));
	case JSON_STRING:
		return (emit_str(em, json_string_value(v), key != NULL &&
		    in_list(numeric, key)));
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		return (emit_str(em, buf, 1));
	case JSON_REAL:
		snprintf(buf, sizeof buf, "%.15g", json_real_value(v));
		return (emit_str(em, buf, 1));
	case JSON_TRUE:
		return (emit_str(em, "yes", 1));
	case JSON_FALSE:
		return (emit_str(em, "no", 1));
	default:
		return (emit_str(em, "", 1));
	}
}

static int
yaml_out(void *f, unsigned char *buf, size_t len)
{
	return (fwrite(buf, 1, len, f) == len);
}

int
sheetplan_yaml(const json_t *doc, FILE *f, char **cause)
{
	yaml_emitter_t	 em;
	yaml_event_t	 ev;
	int		 rc = -1;

	if (!yaml_emitter_initialize(&em)) {
		*cause = xstrdup("内存不足");
		return (-1);
	}
	yaml_emitter_set_output(&em, yaml_out, f);
	yaml_emitter_set_unicode(&em, 1);
	yaml_emitter_set_width(&em, -1);
	yaml_emitter_set_indent(&em, 2);
	yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
	if (emit(&em, &ev) != 0)
		goto out;
	yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
	if (emit(&em, &ev) != 0 || emit_value(&em, doc, NULL) != 0)
		goto out;
	yaml_document_end_event_initialize(&ev, 1);
	if (emit(&em, &ev) != 0)
		goto out;
	yaml_stream_end_event_initialize(&ev);
	if (emit(&em, &ev) != 0 || !yaml_emitter_flush(&em))
		goto out;
	rc = 0;
out:
	if (rc != 0)
		*cause = xprintf("无法写出 YAML：%s", em.problem ? em.problem :
		    "写入失败");
	yaml_emitter_delete(&em);
	return (rc);
}
