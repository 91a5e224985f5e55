/*
 * The XLSX 填报表 (fill.h): written with libxlsxwriter, read back with
 * lib/sheet's reader.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "fill.h"
#include "hash.h"
#include "report.h"
#include "words.h"
#include "xlsx.h"
#include "xmalloc.h"

#define S(o, k)		json_string_value(json_object_get((o), (k)))
#define MAGIC		"duban 填报表"
#define FORMAT		"1"
#define ID_FIRST_ROW	7		/* 标识's first row of rows, from 1 */
#define DIGEST_LEN	16
#define ROWS_MAX	100000

/* The columns; F to J are the office's to fill. */
enum { C_NO, C_TASK, C_NAME, C_GOAL, C_PREV, C_VALUE, C_NOTE, C_OUTCOME,
    C_PROBLEMS, C_NEXT };
#define FIRST_OPEN	C_VALUE

static const char *const heads[FILL_COLS] = {
	"序号", "任务", "指标", "目标", "上期", "截至本期", "完成情况",
	"取得成效", "存在问题", "下步措施",
};
static const double widths[FILL_COLS] = { 6, 30, 30, 22, 12, 12, 30, 30, 30, 30 };
/* The batch's field for each open column. */
static const char *const text_fields[FILL_COLS] = {
	[C_NOTE] = "note", [C_OUTCOME] = "outcome", [C_PROBLEMS] = "problems",
	[C_NEXT] = "next_steps",
};
static const char *const statuses[] = { "pending", "in_progress", "done",
    "blocked", NULL };

static void
digest(const char *s, char out[DIGEST_LEN + 1])
{
	char	hex[SHA256_HEX_LEN + 1];

	sha256_hex(s, strlen(s), hex);
	memcpy(out, hex, DIGEST_LEN);
	out[DIGEST_LEN] = '\0';
}

/* ---------------------------------------------------------------- */
/* A row's cells as text */

/* The row's value of key, its draft's when the draft has it. */
static const json_t *
field(const json_t *row, const char *key)
{
	const json_t	*d = json_object_get(row, "draft");

	if (json_is_object(d) && json_object_get(d, key) != NULL)
		return (json_object_get(d, key));
	return (json_object_get(row, key));
}

static int
is_target(const json_t *row)
{
	return (S(row, "kind") != NULL && strcmp(S(row, "kind"), "target") == 0);
}

/* A number as written to and compared with: exact (%.17g is enough to
 * come back to the same double). */
static void
number_text(const json_t *v, char *buf, size_t len)
{
	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.17g", json_real_value(v));
	else
		buf[0] = '\0';
}

/* The text of each cell of a row (cells[c] allocated, "" when empty). */
static void
row_cells(const json_t *row, size_t n, char *cells[FILL_COLS])
{
	const json_t	*task = json_object_get(row, "task");
	const json_t	*goal = json_object_get(row, "goal");
	const json_t	*v;
	char		 buf[512];
	const char	*s;

	cells[C_NO] = xprintf("%zu", n);
	cells[C_TASK] = xprintf("%s%s%s", S(task, "number") ? S(task, "number") : "",
	    S(task, "number") ? " " : "", S(task, "title") ? S(task, "title") : "");
	cells[C_NAME] = xstrdup(S(row, "name") ? S(row, "name") : "");
	if (is_target(row)) {
		report_required(goal, buf, sizeof buf);
		cells[C_GOAL] = S(goal, "deadline") != NULL ?
		    xprintf("%s（%s前）", buf, S(goal, "deadline")) : xstrdup(buf);
		report_number(json_object_get(row, "previous"), buf, sizeof buf);
		cells[C_PREV] = xstrdup(json_is_number(json_object_get(row,
		    "previous")) ? buf : "");
		number_text(field(row, "current"), buf, sizeof buf);
		cells[C_VALUE] = xstrdup(buf);
	} else {
		s = S(goal, "due_form") != NULL ? S(goal, "due_form") :
		    S(goal, "due_on");
		cells[C_GOAL] = s != NULL ? xprintf("%s完成", s) : xstrdup("");
		cells[C_PREV] = xstrdup(word_or(VOCAB_MILESTONE_STATUS,
		    S(row, "previous"), ""));
		cells[C_VALUE] = xstrdup(word_or(VOCAB_MILESTONE_STATUS,
		    json_string_value(field(row, "status")), ""));
	}
	for (int c = C_NOTE; c <= C_NEXT; c++) {
		v = field(row, text_fields[c]);
		cells[c] = xstrdup(json_is_string(v) ? json_string_value(v) : "");
	}
}

static void
cells_free(char *cells[FILL_COLS])
{
	for (int c = 0; c < FILL_COLS; c++)
		free(cells[c]);
}

/* ---------------------------------------------------------------- */
/* Writing */

struct fw {
	lxw_workbook	*wb;
	lxw_worksheet	*ws, *id;
	lxw_format	*title, *note, *head, *locked, *open, *open_num;
	lxw_error	 error;
};

static void
check(struct fw *w, lxw_error e)
{
	if (e != LXW_NO_ERROR && w->error == LXW_NO_ERROR)
		w->error = e;
}

static void
formats(struct fw *w)
{
	w->title = workbook_add_format(w->wb);
	format_set_bold(w->title);
	format_set_font_size(w->title, 14);
	format_set_align(w->title, LXW_ALIGN_CENTER);
	w->note = workbook_add_format(w->wb);
	format_set_font_color(w->note, 0x595959);
	format_set_text_wrap(w->note);
	w->head = workbook_add_format(w->wb);
	format_set_bold(w->head);
	format_set_border(w->head, LXW_BORDER_THIN);
	format_set_bg_color(w->head, 0xD9D9D9);
	format_set_align(w->head, LXW_ALIGN_CENTER);
	w->locked = workbook_add_format(w->wb);
	format_set_border(w->locked, LXW_BORDER_THIN);
	format_set_bg_color(w->locked, 0xF2F2F2);
	format_set_text_wrap(w->locked);
	format_set_align(w->locked, LXW_ALIGN_VERTICAL_TOP);
	w->open = workbook_add_format(w->wb);
	format_set_border(w->open, LXW_BORDER_THIN);
	format_set_text_wrap(w->open);
	format_set_align(w->open, LXW_ALIGN_VERTICAL_TOP);
	format_set_unlocked(w->open);
	w->open_num = workbook_add_format(w->wb);
	format_set_border(w->open_num, LXW_BORDER_THIN);
	format_set_align(w->open_num, LXW_ALIGN_VERTICAL_TOP);
	format_set_unlocked(w->open_num);
}

/* Data validation of F over rows r1..r2 (0-based) of one kind. */
static void
validate(struct fw *w, int target, lxw_row_t r1, lxw_row_t r2)
{
	static const char *names[5];
	lxw_data_validation	 dv;

	memset(&dv, 0, sizeof dv);
	if (target) {
		dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
		dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
		dv.value_number = 0;
		dv.error_title = "应为数字";
		dv.error_message = "指标的“截至本期”应为不小于 0 的数字";
	} else {
		for (int i = 0; statuses[i] != NULL; i++)
			names[i] = word(VOCAB_MILESTONE_STATUS, statuses[i]);
		names[4] = NULL;
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		dv.value_list = (char **)names;
		dv.error_title = "状态有误";
		dv.error_message = "节点的“截至本期”应为未开始、进行中、已完成或受阻";
	}
	check(w, worksheet_data_validation_range(w->ws, r1, C_VALUE, r2, C_VALUE,
	    &dv));
}

static void
id_string(struct fw *w, lxw_row_t r, lxw_col_t c, const char *s)
{
	if (*s != '\0')
		check(w, worksheet_write_string(w->id, r, c, s, NULL));
}

static void
data_row(struct fw *w, const json_t *row, size_t i)
{
	lxw_row_t	 r = (lxw_row_t)(FILL_FIRST_ROW - 1 + i);
	lxw_row_t	 ir = (lxw_row_t)(ID_FIRST_ROW - 1 + i);
	char		*cells[FILL_COLS], d[DIGEST_LEN + 1], buf[32];
	const json_t	*cur;

	row_cells(row, i + 1, cells);
	check(w, worksheet_write_number(w->ws, r, C_NO, (double)(i + 1), w->locked));
	for (int c = C_TASK; c < FILL_COLS; c++) {
		lxw_format *f = c < FIRST_OPEN ? w->locked : w->open;

		if (c == C_VALUE && is_target(row) &&
		    json_is_number(cur = field(row, "current")))
			check(w, worksheet_write_number(w->ws, r, c,
			    json_number_value(cur), w->open_num));
		else if (cells[c][0] != '\0')
			check(w, worksheet_write_string(w->ws, r, c, cells[c], f));
		else
			check(w, worksheet_write_blank(w->ws, r, c,
			    c == C_VALUE ? w->open_num : f));
	}
	/* 标识: row, kind, id, version, digests of A-E, F as written,
	 * digests of G-J. */
	id_string(w, ir, 0, cells[C_NO]);
	id_string(w, ir, 1, S(row, "kind") ? S(row, "kind") : "");
	snprintf(buf, sizeof buf, "%lld",
	    (long long)json_integer_value(json_object_get(row, "id")));
	id_string(w, ir, 2, buf);
	snprintf(buf, sizeof buf, "%lld",
	    (long long)json_integer_value(json_object_get(row, "version")));
	id_string(w, ir, 3, buf);
	for (int c = 0; c < FILL_COLS; c++) {
		if (c == C_VALUE) {
			if (is_target(row))
				id_string(w, ir, 4 + c, cells[c]);
			else
				id_string(w, ir, 4 + c, json_is_string(field(row,
				    "status")) ? json_string_value(field(row,
				    "status")) : "");
			continue;
		}
		digest(cells[c], d);
		id_string(w, ir, (lxw_col_t)(4 + c), d);
	}
	cells_free(cells);
}

int
fill_xlsx(const json_t *body, const char *path, char **cause)
{
	lxw_workbook_options	 opt;
	lxw_protection		 prot;
	struct fw		 w;
	const json_t		*rows = json_object_get(body, "rows");
	const json_t		*office = json_object_get(body, "office");
	const json_t		*dispatch = json_object_get(body, "dispatch");
	const json_t		*row;
	char			*title, *note, buf[64], *tmp = getenv("TMPDIR");
	size_t			 i, start = 0, n = json_array_size(rows);
	lxw_error		 e;

	memset(&w, 0, sizeof w);
	memset(&opt, 0, sizeof opt);
	opt.tmpdir = tmp != NULL && *tmp != '\0' ? tmp : NULL;
	if ((w.wb = workbook_new_opt(path, &opt)) == NULL) {
		*cause = xprintf("无法创建 XLSX 工作簿 %s", path);
		return (-1);
	}
	formats(&w);
	w.ws = workbook_add_worksheet(w.wb, FILL_SHEET);
	w.id = workbook_add_worksheet(w.wb, FILL_ID_SHEET);

	if (json_is_object(dispatch))
		title = xprintf("%s填报表——%s（%s前报送）", S(office, "name"),
		    S(dispatch, "title") ? S(dispatch, "title") : "",
		    S(dispatch, "due_on") ? S(dispatch, "due_on") : "");
	else
		title = xprintf("%s填报表", S(office, "name"));
	snprintf(buf, sizeof buf, "%.10s", S(body, "previous_at") ?
	    S(body, "previous_at") : "");
	note = xprintf("“上期”为 %s 前的填报值。灰色列已锁定；请在“截至本期”"
	    "至“下步措施”五列填写（指标填数字，节点选状态），保存后上传。"
	    "请勿增删行或改动工作表结构。", buf);
	check(&w, worksheet_merge_range(w.ws, 0, 0, 0, FILL_COLS - 1, title,
	    w.title));
	check(&w, worksheet_merge_range(w.ws, 1, 0, 1, FILL_COLS - 1, note,
	    w.note));
	worksheet_set_row(w.ws, 1, 32, NULL);
	for (int c = 0; c < FILL_COLS; c++) {
		worksheet_set_column(w.ws, c, c, widths[c], NULL);
		check(&w, worksheet_write_string(w.ws, FILL_FIRST_ROW - 2, c,
		    heads[c], w.head));
	}
	worksheet_freeze_panes(w.ws, FILL_FIRST_ROW - 1, 3);

	id_string(&w, 0, 0, MAGIC);
	id_string(&w, 0, 1, FORMAT);
	id_string(&w, 1, 0, "office");
	snprintf(buf, sizeof buf, "%lld",
	    (long long)json_integer_value(json_object_get(office, "id")));
	id_string(&w, 1, 1, buf);
	id_string(&w, 1, 2, S(office, "name") ? S(office, "name") : "");
	id_string(&w, 2, 0, "dispatch");
	if (json_is_object(dispatch)) {
		snprintf(buf, sizeof buf, "%lld",
		    (long long)json_integer_value(json_object_get(dispatch, "id")));
		id_string(&w, 2, 1, buf);
	}
	id_string(&w, 3, 0, "rows");
	snprintf(buf, sizeof buf, "%zu", n);
	id_string(&w, 3, 1, buf);

	json_array_foreach(rows, i, row) {
		data_row(&w, row, i);
		if (i + 1 == n || is_target(json_array_get(rows, i + 1)) !=
		    is_target(row)) {
			validate(&w, is_target(row),
			    (lxw_row_t)(FILL_FIRST_ROW - 1 + start),
			    (lxw_row_t)(FILL_FIRST_ROW - 1 + i));
			start = i + 1;
		}
	}
	memset(&prot, 0, sizeof prot);
	prot.format_columns = 1;
	prot.format_rows = 1;
	worksheet_protect(w.ws, NULL, &prot);
	worksheet_protect(w.id, NULL, NULL);
	worksheet_hide(w.id);
	worksheet_activate(w.ws);
	free(title);
	free(note);
	if (w.error != LXW_NO_ERROR) {
		*cause = xprintf("无法生成填报表：%s", lxw_strerror(w.error));
		lxw_workbook_free(w.wb);
		return (-1);
	}
	errno = 0;
	if ((e = workbook_close(w.wb)) != LXW_NO_ERROR) {
		*cause = xprintf("无法写入填报表 %s：%s", path, lxw_strerror(e));
		return (-1);
	}
	return (0);
}

int
fill_render(const json_t *body, FILE *f, char **cause)
{
	return (report_via_file(fill_xlsx, body, f, cause));
}

char *
fill_filename(const json_t *body)
{
	const char *name = S(json_object_get(body, "office"), "name");

	return (xprintf("%s填报表.xlsx", name != NULL ? name : ""));
}

/* ---------------------------------------------------------------- */
/* Reading */

struct fr {
	const struct xlsx_sheet	*ws, *id;
	json_t			*errors;
};

static void err(struct fr *, unsigned row, unsigned col, const char *, ...)
    __attribute__((format(printf, 4, 5)));

/* Adds an error at 填报表!<row,col> (row 0: none). */
static void
err(struct fr *f, unsigned row, unsigned col, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg, *cell = NULL, ref[XLSX_REF_MAX];

	if (json_array_size(f->errors) >= FILL_MAX_ERRORS)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (row > 0) {
		xlsx_ref(row, col, ref);
		cell = xprintf("%s!%s", FILL_SHEET, ref);
	}
	json_array_append_new(f->errors, json_pack("{s:s?,s:s}", "cell", cell,
	    "detail", msg));
	free(cell);
	free(msg);
}

static const char *
text_at(const struct xlsx_sheet *sh, unsigned row, unsigned col)
{
	const struct xlsx_cell *c = xlsx_cell(sh, row, col);

	return (c != NULL ? c->value : "");
}

/* A whole decimal number, spaces around allowed: 0, or -1. */
static int
parse_number(const char *s, double *out)
{
	char	*end;
	double	 v;

	while (*s == ' ')
		s++;
	if (*s == '\0')
		return (-1);
	errno = 0;
	v = strtod(s, &end);
	while (*end == ' ')
		end++;
	if (errno != 0 || *end != '\0' || !isfinite(v) ||
	    strpbrk(s, "xXpPnNiI") != NULL)	/* no hex, nan, inf */
		return (-1);
	*out = v;
	return (0);
}

static int
same_number(double a, double b)
{
	return (fabs(a - b) <= 1e-9 * fmax(1, fabs(a)));
}

/* F of a target row: 1 and *v set when it changed, 0 when not, -1 after
 * an error. */
static int
read_target_value(struct fr *f, unsigned r, const char *orig, json_t **v)
{
	const struct xlsx_cell	*c = xlsx_cell(f->ws, r, C_VALUE + 1);
	double			 x, o;
	int			 had = parse_number(orig, &o) == 0;

	if (c == NULL || (c->type != XLSX_NUMBER && c->value[strspn(c->value,
	    " ")] == '\0')) {
		if (!had)
			return (0);
		*v = json_null();
		return (1);
	}
	if (c->type == XLSX_BOOL || c->type == XLSX_ERROR ||
	    c->type == XLSX_DATE || parse_number(c->value, &x) != 0) {
		err(f, r, C_VALUE + 1, "应为数字（指标的截至本期完成值），现为“%.40s”",
		    c->value);
		return (-1);
	}
	if (x < 0) {
		err(f, r, C_VALUE + 1, "应为不小于 0 的数字");
		return (-1);
	}
	if (had && same_number(x, o))
		return (0);
	*v = json_real(x);
	if (x == floor(x) && fabs(x) < 1e15) {
		json_decref(*v);
		*v = json_integer((json_int_t)x);
	}
	return (1);
}

static int
read_status(struct fr *f, unsigned r, const char *orig, json_t **v)
{
	const char	*s = text_at(f->ws, r, C_VALUE + 1);

	for (int i = 0; statuses[i] != NULL; i++)
		if (strcmp(s, word(VOCAB_MILESTONE_STATUS, statuses[i])) == 0) {
			if (strcmp(statuses[i], orig) == 0)
				return (0);
			*v = json_string(statuses[i]);
			return (1);
		}
	if (*s == '\0')
		err(f, r, C_VALUE + 1, "请选择节点的状态：未开始、进行中、已完成或受阻");
	else
		err(f, r, C_VALUE + 1, "状态“%.40s”不存在，应为未开始、进行中、已完成或受阻",
		    s);
	return (-1);
}

static int
parse_id(const char *s, long long *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < 1)
		return (-1);
	*out = v;
	return (0);
}

static void
read_row(struct fr *f, size_t i, struct fill_upload *u)
{
	unsigned	 ir = (unsigned)(ID_FIRST_ROW + i);
	unsigned	 r = (unsigned)(FILL_FIRST_ROW + i);
	const char	*kind = text_at(f->id, ir, 2);
	long long	 id, version;
	char		 d[DIGEST_LEN + 1], ref[XLSX_REF_MAX], *cell;
	json_t		*row, *cells, *v = NULL;
	int		 target = strcmp(kind, "target") == 0, bad = 0, rc;
	size_t		 nerr = json_array_size(f->errors);

	if ((!target && strcmp(kind, "milestone") != 0) ||
	    parse_id(text_at(f->id, ir, 3), &id) != 0 ||
	    parse_id(text_at(f->id, ir, 4), &version) != 0) {
		err(f, 0, 0, "“%s”工作表第 %u 行有误：填报表已损坏，请重新下载",
		    FILL_ID_SHEET, ir);
		return;
	}
	row = json_pack("{s:s,s:I,s:I}", "kind", kind, "id", (json_int_t)id,
	    "version", (json_int_t)version);
	xlsx_ref(r, C_NAME + 1, ref);
	cells = json_pack("{s:s+,s:s+,s:s+}", "row", FILL_SHEET "!", ref,
	    "id", FILL_SHEET "!", ref, "version", FILL_SHEET "!", ref);
	for (int c = 0; c < FILL_COLS; c++) {
		if (c == C_VALUE)
			continue;
		digest(text_at(f->ws, r, (unsigned)c + 1), d);
		if (strcmp(d, text_at(f->id, ir, (unsigned)(5 + c))) == 0)
			continue;
		if (c < FIRST_OPEN) {
			err(f, r, (unsigned)c + 1, "“%s”列已锁定，不能修改（原内容已被改动）",
			    heads[c]);
			bad = 1;
			continue;
		}
		json_object_set_new(row, text_fields[c],
		    *text_at(f->ws, r, (unsigned)c + 1) != '\0' ?
		    json_string(text_at(f->ws, r, (unsigned)c + 1)) : json_null());
		xlsx_ref(r, (unsigned)c + 1, ref);
		cell = xprintf("%s!%s", FILL_SHEET, ref);
		json_object_set_new(cells, text_fields[c], json_string(cell));
		free(cell);
	}
	rc = target ? read_target_value(f, r, text_at(f->id, ir, 5 + C_VALUE), &v) :
	    read_status(f, r, text_at(f->id, ir, 5 + C_VALUE), &v);
	if (rc == 1) {
		json_object_set_new(row, target ? "current" : "status", v);
		xlsx_ref(r, C_VALUE + 1, ref);
		cell = xprintf("%s!%s", FILL_SHEET, ref);
		json_object_set_new(cells, target ? "current" : "status",
		    json_string(cell));
		free(cell);
	}
	if (!bad && rc >= 0 && json_array_size(f->errors) == nerr &&
	    json_object_size(row) > 3) {
		json_array_append(json_object_get(u->batch, "rows"), row);
		json_array_append(u->cells, cells);
	}
	json_decref(row);
	json_decref(cells);
}

int
fill_read(const void *buf, size_t len, struct fill_upload *u, json_t **errors)
{
	struct xlsx_limits	 lim;
	struct xlsx_book	*b;
	struct fr		 f;
	char			*cause = NULL;
	long long		 n;

	memset(u, 0, sizeof *u);
	memset(&f, 0, sizeof f);
	f.errors = json_array();
	*errors = NULL;
	xlsx_limits_default(&lim);
	lim.input = FILL_MAX_UPLOAD;
	lim.part = 32u << 20;
	lim.total = 64u << 20;
	if ((b = xlsx_read(buf, len, &lim, &cause)) == NULL) {
		err(&f, 0, 0, "%s", cause);
		free(cause);
		*errors = f.errors;
		return (-1);
	}
	f.ws = xlsx_sheet(b, FILL_SHEET);
	f.id = xlsx_sheet(b, FILL_ID_SHEET);
	if (f.ws == NULL || f.id == NULL ||
	    strcmp(text_at(f.id, 1, 1), MAGIC) != 0) {
		err(&f, 0, 0, "不是本系统导出的填报表（缺少“%s”或“%s”工作表）："
		    "请先下载本处室的填报表，在其中填写后上传", FILL_SHEET,
		    FILL_ID_SHEET);
		goto fail;
	}
	if (strcmp(text_at(f.id, 1, 2), FORMAT) != 0 ||
	    parse_id(text_at(f.id, 2, 2), &u->office) != 0 ||
	    (*text_at(f.id, 3, 2) != '\0' &&
	    parse_id(text_at(f.id, 3, 2), &u->dispatch) != 0) ||
	    parse_id(text_at(f.id, 4, 2), &n) != 0 || n > ROWS_MAX) {
		err(&f, 0, 0, "填报表的“%s”工作表已损坏，请重新下载", FILL_ID_SHEET);
		goto fail;
	}
	u->nrows = (size_t)n;
	u->batch = json_pack("{s:o,s:[]}", "dispatch", u->dispatch > 0 ?
	    json_integer(u->dispatch) : json_null(), "rows");
	u->cells = json_array();
	for (size_t i = 0; i < u->nrows; i++)
		read_row(&f, i, u);
	if (json_array_size(f.errors) > 0)
		goto fail;
	xlsx_free(b);
	json_decref(f.errors);
	return (0);
fail:
	xlsx_free(b);
	fill_upload_free(u);
	*errors = f.errors;
	return (-1);
}

long long
fill_office(const void *buf, size_t len)
{
	struct xlsx_book	*b;
	const struct xlsx_sheet	*id;
	char			*cause = NULL;
	long long		 office = -1;

	if ((b = xlsx_read(buf, len, NULL, &cause)) == NULL) {
		free(cause);
		return (-1);
	}
	if ((id = xlsx_sheet(b, FILL_ID_SHEET)) != NULL &&
	    strcmp(text_at(id, 1, 1), MAGIC) == 0 &&
	    parse_id(text_at(id, 2, 2), &office) != 0)
		office = -1;
	xlsx_free(b);
	return (office);
}

void
fill_upload_free(struct fill_upload *u)
{
	json_decref(u->batch);
	json_decref(u->cells);
	u->batch = u->cells = NULL;
}

json_t *
fill_problem_cells(const json_t *problem, const json_t *cells)
{
	json_t		*p = json_deep_copy(problem), *e, *errs;
	const char	*cell, *detail, *what;
	char		*s, *top;
	size_t		 i, n;

	errs = json_object_get(p, "errors");
	n = json_array_size(errs);
	json_array_foreach(errs, i, e) {
		json_int_t	 row = json_integer_value(json_object_get(e, "row"));
		const json_t	*c = json_array_get(cells, (size_t)(row - 1));

		cell = S(c, S(e, "field") ? S(e, "field") : "row");
		if (cell == NULL)
			cell = S(c, "row");
		if (cell == NULL)
			continue;
		detail = S(e, "detail") ? S(e, "detail") : S(e, "title");
		what = S(e, "what");
		s = xprintf("%s：%s%s%s", cell, what ? what : "", what ? "，" : "",
		    detail ? detail : "");
		if (i == 0) {
			top = xprintf("%s%s。整张表均未保存", s,
			    n > 1 ? "；另有其他单元格有问题" : "");
			json_object_set_new(p, "detail", json_string(top));
			json_object_set_new(p, "field", json_string(cell));
			free(top);
		}
		/* detail and what point into e: replaced last. */
		json_object_set_new(e, "cell", json_string(cell));
		json_object_set_new(e, "detail", json_string(s));
		free(s);
	}
	return (p);
}
