/*
 * The 考核 score's renderings: CSV (the lines) and the XLSX 考核表 (a
 * sheet of totals, a sheet of lines).  In the 考核表 each office's
 * subtotal per rule is a SUMIFS over the lines sheet, its total a SUM and
 * its rank a RANK, each with the database's result cached, so that a
 * spreadsheet that recalculates gives the same numbers.  A4 landscape,
 * fit to the page's width, headings in Chinese.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "assess.h"
#include "report.h"
#include "xmalloc.h"

#define S(o, k)	json_string_value(json_object_get((o), (k)))
#define G(o, k)	json_object_get((o), (k))

#define FONT		"宋体"
#define SH_TOTALS	"考核汇总"
#define SH_LINES	"评分明细"
#define HEAD_ROW	2	/* both sheets: title, subtitle, headings */

static const struct {
	const char		*name;
	enum assess_format	 fmt;
	const char		*ctype;
	const char		*ext;
} formats[] = {
	{ "table", ASSESS_TABLE, "text/plain; charset=utf-8", "txt" },
	{ "json", ASSESS_JSON, "application/json", "json" },
	{ "csv", ASSESS_CSV, "text/csv; charset=utf-8", "csv" },
	{ "xlsx", ASSESS_XLSX,
	  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx" },
};

int
assess_format_parse(const char *s, enum assess_format *f)
{
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(s, formats[i].name) == 0) {
			*f = formats[i].fmt;
			return (0);
		}
	return (-1);
}

const char *
assess_content_type(enum assess_format f)
{
	return (formats[f].ctype);
}

char *
assess_filename(const json_t *r, enum assess_format f)
{
	return (xprintf("%lld年度考核表（截至%s）.%s",
	    (long long)json_integer_value(G(r, "year")), S(r, "as_of") ? S(r, "as_of") : "",
	    formats[f].ext));
}

void
assess_number(const json_t *v, char *buf, size_t len)
{
	char	*p;

	if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v)) {
		snprintf(buf, len, "%.4f", json_real_value(v));
		/* 7.5000 -> 7.5, 2.0000 -> 2 */
		if ((p = strchr(buf, '.')) != NULL) {
			for (p += strlen(p) - 1; *p == '0'; p--)
				*p = '\0';
			if (*p == '.')
				*p = '\0';
		}
		if (strcmp(buf, "-0") == 0)
			snprintf(buf, len, "0");
	} else
		snprintf(buf, len, "0");
}

/* ---------------------------------------------------------------- */
/* CSV */

static void
csv_field(FILE *f, const char *s, int last)
{
	fputc('"', f);
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputs(last ? "\"\r\n" : "\",", f);
}

static int
assess_csv(const json_t *r, FILE *f)
{
	static const char *const head[] = { "处室", "规则", "任务", "任务名称", "事项",
	    "日期", "比例", "分值", "说明" };
	const json_t	*l;
	size_t		 i, c;
	char		 share[32], pts[32];

	fputs("\xef\xbb\xbf", f);
	for (c = 0; c < 9; c++)
		csv_field(f, head[c], c == 8);
	json_array_foreach(G(r, "lines"), i, l) {
		assess_number(G(l, "share"), share, sizeof share);
		assess_number(G(l, "points"), pts, sizeof pts);
		csv_field(f, S(l, "office"), 0);
		csv_field(f, S(l, "rule_label"), 0);
		csv_field(f, S(l, "task"), 0);
		csv_field(f, S(l, "task_title"), 0);
		csv_field(f, S(l, "item"), 0);
		csv_field(f, S(l, "on"), 0);
		csv_field(f, share, 0);
		csv_field(f, pts, 0);
		csv_field(f, S(l, "detail"), 1);
	}
	return (0);
}

/* ---------------------------------------------------------------- */
/* XLSX */

struct axl {
	lxw_workbook	*wb;
	lxw_format	*title, *sub, *head, *text, *wrap, *num, *bold_num;
	lxw_error	 error;
	const char	*where;
};

static void
ax_check(struct axl *x, lxw_error e, const char *where)
{
	if (e != LXW_NO_ERROR && x->error == LXW_NO_ERROR) {
		x->error = e;
		x->where = where;
	}
}

static lxw_format *
ax_format(struct axl *x, int bold, double size, int wrap, int border, const char *num)
{
	lxw_format	*f = workbook_add_format(x->wb);

	format_set_font_name(f, FONT);
	format_set_font_size(f, size);
	if (bold)
		format_set_bold(f);
	if (wrap)
		format_set_text_wrap(f);
	format_set_align(f, LXW_ALIGN_VERTICAL_CENTER);
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	if (num != NULL)
		format_set_num_format(f, num);
	return (f);
}

static double
ax_value(const json_t *v)
{
	return (json_is_number(v) ? json_number_value(v) : 0);
}

/* Page setup: A4 landscape, one page wide, headings repeated. */
static void
ax_page(struct axl *x, lxw_worksheet *ws, const char *footer)
{
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_set_margins(ws, 0.4, 0.4, 0.7, 0.7);
	ax_check(x, worksheet_repeat_rows(ws, HEAD_ROW, HEAD_ROW), "（重复标题行）");
	ax_check(x, worksheet_set_footer(ws, footer), "（页脚）");
}

static void
ax_titles(struct axl *x, lxw_worksheet *ws, const json_t *r, int lastcol, const char *what)
{
	char	*t, *sub;

	t = xprintf("%lld年度目标管理考核%s", (long long)json_integer_value(G(r, "year")),
	    what);
	sub = xprintf("考核时点：%s　考核规则：%s%s%s", S(r, "as_of"),
	    S(G(r, "rules"), "title"), S(r, "office") ? "　处室：" : "",
	    S(r, "office") ? S(r, "office") : "");
	ax_check(x, worksheet_merge_range(ws, 0, 0, 0, lastcol, t, x->title), "（标题）");
	ax_check(x, worksheet_merge_range(ws, 1, 0, 1, lastcol, sub, x->sub), "（副标题）");
	worksheet_set_row(ws, 0, 28, NULL);
	worksheet_set_row(ws, HEAD_ROW, 30, NULL);
	free(t);
	free(sub);
}

/* The lines, one a row from HEAD_ROW + 1; their count. */
static size_t
ax_lines(struct axl *x, lxw_worksheet *ws, const json_t *r)
{
	static const char *const head[] = { "处室", "规则", "任务", "任务名称",
	    "事项（节点、调度）", "日期", "比例", "分值", "说明" };
	static const double width[] = { 16, 10, 6, 28, 20, 11, 6, 7, 40 };
	const json_t	*l;
	lxw_row_t	 row;
	size_t		 i;
	lxw_col_t	 c;

	for (c = 0; c < 9; c++) {
		worksheet_set_column(ws, c, c, width[c], NULL);
		ax_check(x, worksheet_write_string(ws, HEAD_ROW, c, head[c], x->head),
		    SH_LINES);
	}
	ax_titles(x, ws, r, 8, "评分明细");
	json_array_foreach(G(r, "lines"), i, l) {
		row = (lxw_row_t)(HEAD_ROW + 1 + i);
		worksheet_write_string(ws, row, 0, S(l, "office"), x->text);
		worksheet_write_string(ws, row, 1, S(l, "rule_label"), x->text);
		worksheet_write_string(ws, row, 2, S(l, "task") ? S(l, "task") : "", x->text);
		worksheet_write_string(ws, row, 3, S(l, "task_title") ? S(l, "task_title") : "",
		    x->wrap);
		worksheet_write_string(ws, row, 4, S(l, "item") ? S(l, "item") : "", x->wrap);
		worksheet_write_string(ws, row, 5, S(l, "on") ? S(l, "on") : "", x->text);
		worksheet_write_number(ws, row, 6, ax_value(G(l, "share")), x->num);
		worksheet_write_number(ws, row, 7, ax_value(G(l, "points")), x->num);
		ax_check(x, worksheet_write_string(ws, row, 8,
		    S(l, "detail") ? S(l, "detail") : "", x->wrap), SH_LINES);
	}
	ax_page(x, ws, "&C评分明细　第 &P 页 共 &N 页");
	return (json_array_size(G(r, "lines")));
}

/* Column letters of column c (0: A). */
static void
ax_col(lxw_col_t c, char buf[4])
{
	if (c < 26)
		snprintf(buf, 4, "%c", 'A' + c);
	else
		snprintf(buf, 4, "%c%c", 'A' + c / 26 - 1, 'A' + c % 26);
}

/*
 * The totals: 处室, each rule's subtotal (the last, 领导评价), 总分, 排名.
 * With every office's lines present (formulas) the subtotals are SUMIFS
 * over the lines sheet; an office's own view has only its lines, so
 * its subtotals are the database's numbers.
 */
static void
ax_totals(struct axl *x, lxw_worksheet *ws, const json_t *r, size_t nlines)
{
	const json_t	*cols = G(r, "columns"), *offices = G(r, "offices"), *o, *c;
	size_t		 ncols = json_array_size(cols), i, j, n = json_array_size(offices);
	lxw_col_t	 tcol = (lxw_col_t)(1 + ncols), rcol = tcol + 1;
	lxw_row_t	 row, first = HEAD_ROW + 1, last = (lxw_row_t)(HEAD_ROW + n);
	int		 formulas = json_is_null(G(r, "office")) || G(r, "office") == NULL;
	char		 a[4], b[4], *fml, ln_last[16];

	worksheet_set_column(ws, 0, 0, 18, NULL);
	worksheet_set_column(ws, 1, rcol, 9, NULL);
	worksheet_write_string(ws, HEAD_ROW, 0, "处室", x->head);
	json_array_foreach(cols, j, c)
		worksheet_write_string(ws, HEAD_ROW, (lxw_col_t)(1 + j), S(c, "label"), x->head);
	worksheet_write_string(ws, HEAD_ROW, tcol, "总分", x->head);
	worksheet_write_string(ws, HEAD_ROW, rcol, "排名", x->head);
	ax_titles(x, ws, r, rcol, "汇总表");
	snprintf(ln_last, sizeof ln_last, "%zu", HEAD_ROW + 1 + (nlines > 0 ? nlines : 1));

	json_array_foreach(offices, i, o) {
		row = (lxw_row_t)(first + i);
		worksheet_write_string(ws, row, 0, S(o, "office"), x->text);
		json_array_foreach(cols, j, c) {
			double v = ax_value(G(G(o, "subtotals"), S(c, "rule")));

			ax_col((lxw_col_t)(1 + j), a);
			if (formulas) {
				fml = xprintf("=SUMIFS('" SH_LINES "'!$H$%d:$H$%s,"
				    "'" SH_LINES "'!$A$%d:$A$%s,$A%u,"
				    "'" SH_LINES "'!$B$%d:$B$%s,%s$%d)",
				    HEAD_ROW + 2, ln_last, HEAD_ROW + 2, ln_last, row + 1,
				    HEAD_ROW + 2, ln_last, a, HEAD_ROW + 1);
				ax_check(x, worksheet_write_formula_num(ws, row,
				    (lxw_col_t)(1 + j), fml, x->num, v), SH_TOTALS);
				free(fml);
			} else
				worksheet_write_number(ws, row, (lxw_col_t)(1 + j), v, x->num);
		}
		ax_col(1, a);
		ax_col((lxw_col_t)ncols, b);
		fml = xprintf("=SUM(%s%u:%s%u)", a, row + 1, b, row + 1);
		ax_check(x, worksheet_write_formula_num(ws, row, tcol, fml, x->bold_num,
		    ax_value(G(o, "total"))), SH_TOTALS);
		free(fml);
		ax_col(tcol, a);
		fml = xprintf("=RANK(%s%u,$%s$%u:$%s$%u)", a, row + 1, a, first + 1, a,
		    last + 1);
		ax_check(x, worksheet_write_formula_num(ws, row, rcol, fml, x->num,
		    ax_value(G(o, "rank"))), SH_TOTALS);
		free(fml);
	}
	row = (lxw_row_t)(first + n + 1);
	fml = xprintf("说明：各项小计为“" SH_LINES "”中该处室该规则分值之和%s；总分为各项之和；"
	    "排名按总分从高到低，总分相同者名次相同。",
	    formulas ? "" : "（本表仅含本处室的明细，小计为数值）");
	worksheet_merge_range(ws, row, 0, row, rcol, fml, x->wrap);
	worksheet_set_row(ws, row, 30, NULL);
	free(fml);
	ax_page(x, ws, "&C考核汇总表　第 &P 页 共 &N 页");
}

static int
assess_xlsx(const json_t *r, const char *path, char **cause)
{
	lxw_workbook_options	 opt;
	lxw_doc_properties	 p;
	lxw_worksheet		*totals, *lines;
	struct axl		 x;
	lxw_error		 e;
	char			*tmp = getenv("TMPDIR"), *title;
	size_t			 n;

	memset(&x, 0, sizeof x);
	memset(&opt, 0, sizeof opt);
	opt.tmpdir = tmp != NULL && *tmp != '\0' ? tmp : NULL;
	if ((x.wb = workbook_new_opt(path, &opt)) == NULL) {
		*cause = xprintf("无法创建 XLSX 工作簿 %s", path);
		return (-1);
	}
	x.title = ax_format(&x, 1, 16, 0, 0, NULL);
	format_set_align(x.title, LXW_ALIGN_CENTER);
	x.sub = ax_format(&x, 0, 10, 0, 0, NULL);
	x.head = ax_format(&x, 1, 11, 1, 1, NULL);
	format_set_align(x.head, LXW_ALIGN_CENTER);
	format_set_bg_color(x.head, 0xD9D9D9);
	x.text = ax_format(&x, 0, 11, 0, 1, NULL);
	x.wrap = ax_format(&x, 0, 11, 1, 1, NULL);
	x.num = ax_format(&x, 0, 11, 0, 1, NULL);
	x.bold_num = ax_format(&x, 1, 11, 0, 1, NULL);

	totals = workbook_add_worksheet(x.wb, SH_TOTALS);
	lines = workbook_add_worksheet(x.wb, SH_LINES);
	if (totals == NULL || lines == NULL) {
		lxw_workbook_free(x.wb);
		*cause = xstrdup("无法添加工作表");
		return (-1);
	}
	n = ax_lines(&x, lines, r);
	ax_totals(&x, totals, r, n);

	title = xprintf("%lld年度目标管理考核表", (long long)json_integer_value(G(r, "year")));
	memset(&p, 0, sizeof p);
	p.title = title;
	p.subject = "年终考核";
	p.author = "duban";
	ax_check(&x, workbook_set_properties(x.wb, &p), "文档属性");
	free(title);
	if (x.error != LXW_NO_ERROR) {
		*cause = xprintf("无法生成 XLSX：%s：%s", x.where, lxw_strerror(x.error));
		lxw_workbook_free(x.wb);
		return (-1);
	}
	errno = 0;
	if ((e = workbook_close(x.wb)) != LXW_NO_ERROR) {
		*cause = xprintf("无法写入 XLSX 文件 %s：%s", path, lxw_strerror(e));
		return (-1);
	}
	return (0);
}

int
assess_render(const json_t *r, enum assess_format fmt, FILE *f, char **cause)
{
	int	 rc = -1;

	switch (fmt) {
	case ASSESS_JSON:
		rc = json_dumpf(r, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
		fputc('\n', f);
		break;
	case ASSESS_CSV:
		rc = assess_csv(r, f);
		break;
	case ASSESS_XLSX:
		rc = report_via_file(assess_xlsx, r, f, cause);
		break;
	case ASSESS_TABLE:
		*cause = xstrdup("表格只用于命令行");
		return (-1);
	}
	if (rc == 0 && ferror(f)) {
		*cause = xprintf("写入失败：%s", strerror(errno));
		rc = -1;
	} else if (rc != 0 && *cause == NULL)
		*cause = xstrdup("写入失败");
	return (rc);
}
