/*
 * The XLSX reader (lib/sheet/xlsx.h): workbooks written by libxlsxwriter,
 * by LibreOffice and in the way WPS writes shared strings, read back
 * exactly; hostile packages refused with their message, in bounded
 * memory.
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <xlsxwriter.h>

#include "support.h"
#include "xlsx-read.h"
#include "xlsx.h"
#include "xmalloc.h"
#include "zipw.h"

#define NS	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
		"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define RELNS	"xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\""
#define RT	"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

static const char wb_rels[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<Relationships " RELNS ">"
    "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" RT "sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>"
    "</Relationships>";
static const char wb[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    "<workbook " NS "><sheets><sheet name=\"填报表\" sheetId=\"1\" r:id=\"rId1\"/>"
    "</sheets></workbook>";
static const char sst_empty[] = "<sst " NS "/>";

/* A package of the workbook, its relationships, sst and sheet. */
static char *
pkg(const char *sheet, const char *sst, size_t *len)
{
	struct zipw_entry e[] = {
		{ .name = "[Content_Types].xml", .data = "<Types/>" },
		{ .name = "xl/workbook.xml", .data = wb },
		{ .name = "xl/_rels/workbook.xml.rels", .data = wb_rels },
		{ .name = "xl/sharedStrings.xml", .data = sst },
		{ .name = "xl/worksheets/sheet1.xml", .data = sheet },
	};

	return (zipw(e, 5, len));
}

static char *
sheet_of(const char *rows)
{
	return (xprintf("<worksheet " NS "><sheetData>%s</sheetData></worksheet>",
	    rows));
}

/* Reads buf expecting a refusal whose message holds want. */
static void
refused(const char *buf, size_t len, const struct xlsx_limits *lim,
    const char *want)
{
	char			*cause = NULL;
	struct xlsx_book	*b = xlsx_read(buf, len, lim, &cause);

	cr_assert_null(b, "read, expected a refusal with “%s”", want);
	cr_assert_not_null(cause);
	cr_expect(strstr(cause, want) != NULL, "“%s” does not say “%s”",
	    cause, want);
	free(cause);
}

static struct xlsx_book *
read_ok(const char *buf, size_t len)
{
	char			*cause = NULL;
	struct xlsx_book	*b = xlsx_read(buf, len, NULL, &cause);

	cr_assert_not_null(b, "refused: %s", cause);
	return (b);
}

static const char *
value_at(const struct xlsx_sheet *sh, const char *ref)
{
	unsigned		 r, c;
	const struct xlsx_cell	*cell;

	cr_assert_eq(xlsx_parse_ref(ref, &r, &c), 0);
	cell = xlsx_cell(sh, r, c);
	return (cell != NULL ? cell->value : NULL);
}

static char *
slurp(const char *path, size_t *len)
{
	char *s = t_read_file(path, len);

	cr_assert_not_null(s, "%s", path);
	return (s);
}

Test(xlsx, references)
{
	char		ref[XLSX_REF_MAX];
	unsigned	r, c;

	xlsx_ref(7, 5, ref);
	cr_expect_str_eq(ref, "E7");
	xlsx_ref(XLSX_MAX_ROWS, XLSX_MAX_COLS, ref);
	cr_expect_str_eq(ref, "XFD1048576");
	xlsx_ref(1, 27, ref);
	cr_expect_str_eq(ref, "AA1");
	cr_expect_eq(xlsx_parse_ref("$AA$10", &r, &c), 0);
	cr_expect(r == 10 && c == 27);
	cr_expect_eq(xlsx_parse_ref("XFE1", &r, &c), -1);
	cr_expect_eq(xlsx_parse_ref("A1048577", &r, &c), -1);
	cr_expect_eq(xlsx_parse_ref("A0", &r, &c), -1);
	cr_expect_eq(xlsx_parse_ref("a1", &r, &c), -1);
	cr_expect_eq(xlsx_parse_ref("A1B", &r, &c), -1);
	cr_expect_eq(xlsx_parse_ref("", &r, &c), -1);
}

/* ---------------------------------------------------------------- */
/* Real writers */

Test(xlsx, reads_what_libxlsxwriter_writes)
{
	char			*dir = workdir(), *path, *buf;
	lxw_workbook		*w;
	lxw_worksheet		*s1, *s2, *s3;
	struct xlsx_book	*b;
	const struct xlsx_sheet	*sh;
	const struct xlsx_cell	*c;
	size_t			 len;

	path = xprintf("%s/w.xlsx", dir);
	w = workbook_new(path);
	s1 = workbook_add_worksheet(w, "填报表");
	s2 = workbook_add_worksheet(w, "标识");
	s3 = workbook_add_worksheet(w, "深藏");
	worksheet_write_string(s1, 0, 0, "财务审计处 2025年第三季度", NULL);
	worksheet_merge_range(s1, 0, 0, 0, 9, "财务审计处 2025年第三季度", NULL);
	worksheet_write_string(s1, 1, 0, "序号", NULL);
	worksheet_write_string(s1, 2, 0, "序号", NULL);	/* shared twice */
	worksheet_write_number(s1, 6, 4, 12.5, NULL);
	worksheet_write_number(s1, 6, 5, 60000, NULL);
	worksheet_write_boolean(s1, 7, 0, 1, NULL);
	worksheet_write_formula_num(s1, 7, 1, "=E7*2", NULL, 25);
	worksheet_write_formula_str(s1, 7, 2, "=\"甲\"&\"乙\"", NULL, "甲乙");
	worksheet_write_string(s1, 8, 2, "  前后空格  \n第二行", NULL);
	worksheet_write_string(s2, 0, 0, "office=7", NULL);
	worksheet_hide(s2);
	worksheet_write_string(s3, 0, 0, "x", NULL);
	worksheet_hide(s3);
	workbook_define_name(w, "填报区", "=填报表!$E$4:$J$30");
	cr_assert_eq(workbook_close(w), LXW_NO_ERROR);

	buf = slurp(path, &len);
	b = read_ok(buf, len);
	cr_assert_eq(b->nsheets, 3);
	cr_expect_str_eq(b->sheets[0].name, "填报表");
	cr_expect_eq(b->sheets[0].state, XLSX_VISIBLE);
	cr_expect_eq(b->sheets[1].state, XLSX_HIDDEN);
	sh = xlsx_sheet(b, "填报表");
	cr_assert_not_null(sh);
	cr_expect_str_eq(value_at(sh, "A1"), "财务审计处 2025年第三季度");
	cr_expect_str_eq(value_at(sh, "A2"), "序号");
	cr_expect_str_eq(value_at(sh, "A3"), "序号");
	c = xlsx_cell(sh, 7, 5);
	cr_assert_not_null(c);
	cr_expect_str_eq(c->ref, "E7");
	cr_expect_eq(c->type, XLSX_NUMBER);
	cr_expect_str_eq(c->value, "12.5");
	cr_expect_str_eq(value_at(sh, "F7"), "60000");
	c = xlsx_cell(sh, 8, 1);
	cr_expect(c->type == XLSX_BOOL && strcmp(c->value, "1") == 0);
	c = xlsx_cell(sh, 8, 2);
	cr_expect(c->formula && c->type == XLSX_NUMBER &&
	    strcmp(c->value, "25") == 0);
	c = xlsx_cell(sh, 8, 3);
	cr_expect(c->formula && c->type == XLSX_STR &&
	    strcmp(c->value, "甲乙") == 0);
	cr_expect_str_eq(value_at(sh, "C9"), "  前后空格  \n第二行");
	cr_expect_null(xlsx_cell(sh, 5, 5));
	cr_assert_eq(sh->nmerges, 1);
	cr_expect(sh->merges[0].row1 == 1 && sh->merges[0].col1 == 1 &&
	    sh->merges[0].row2 == 1 && sh->merges[0].col2 == 10);
	cr_expect_not_null(xlsx_merged(sh, 1, 7));
	cr_expect_null(xlsx_merged(sh, 2, 1));
	cr_assert_eq(b->nnames, 1);
	cr_expect_str_eq(b->names[0].name, "填报区");
	cr_expect_str_eq(b->names[0].value, "填报表!$E$4:$J$30");
	cr_expect_str_eq(value_at(xlsx_sheet(b, "标识"), "A1"), "office=7");
	xlsx_free(b);
	free(buf);
	free(path);
	workdir_done(dir);
}

/* Flat ODS with a merged range, rich text, a formula and a hidden sheet,
 * converted to XLSX by LibreOffice. */
static const char fods[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "
    "xmlns:of=\"urn:oasis:names:tc:opendocument:xmlns:of:1.2\" "
    "office:version=\"1.2\" office:mimetype=\"application/vnd.oasis.opendocument.spreadsheet\">"
    "<office:automatic-styles>"
    "<style:style style:name=\"ta1\" style:family=\"table\"><style:table-properties table:display=\"true\"/></style:style>"
    "<style:style style:name=\"ta2\" style:family=\"table\"><style:table-properties table:display=\"false\"/></style:style>"
    "<style:style style:name=\"T1\" style:family=\"text\"><style:text-properties fo:font-weight=\"bold\"/></style:style>"
    "</office:automatic-styles>"
    "<office:body><office:spreadsheet>"
    "<table:table table:name=\"填报表\" table:style-name=\"ta1\">"
    "<table:table-row>"
    "<table:table-cell table:number-columns-spanned=\"3\" office:value-type=\"string\"><text:p>督办填报</text:p></table:table-cell>"
    "<table:covered-table-cell/><table:covered-table-cell/>"
    "</table:table-row>"
    "<table:table-row>"
    "<table:table-cell office:value-type=\"string\"><text:p>按<text:span text:style-name=\"T1\">期</text:span>推进</text:p></table:table-cell>"
    "<table:table-cell office:value-type=\"float\" office:value=\"39810\"><text:p>39810</text:p></table:table-cell>"
    "<table:table-cell table:formula=\"of:=[.B2]*2\" office:value-type=\"float\" office:value=\"79620\"><text:p>79620</text:p></table:table-cell>"
    "</table:table-row>"
    "</table:table>"
    "<table:table table:name=\"标识\" table:style-name=\"ta2\">"
    "<table:table-row><table:table-cell office:value-type=\"string\"><text:p>v1</text:p></table:table-cell></table:table-row>"
    "</table:table>"
    "</office:spreadsheet></office:body></office:document>\n";

Test(xlsx, reads_what_libreoffice_writes)
{
	char			*dir = workdir(), *src, *prof, *out, *buf;
	const char		*files[2];
	struct xlsx_book	*b;
	const struct xlsx_sheet	*sh;
	const struct xlsx_cell	*c;
	size_t			 len;

	src = xprintf("%s/lo.fods", dir);
	t_write_file(src, fods, strlen(fods));
	prof = profile(dir, "profile", RECALC_NEVER);
	files[0] = src;
	files[1] = NULL;
	soffice(dir, prof, "xlsx:Calc MS Excel 2007 XML", dir, files);
	out = xprintf("%s/lo.xlsx", dir);
	buf = slurp(out, &len);
	b = read_ok(buf, len);
	cr_assert_eq(b->nsheets, 2);
	sh = xlsx_sheet(b, "填报表");
	cr_assert_not_null(sh);
	cr_expect_str_eq(value_at(sh, "A1"), "督办填报");
	cr_expect_str_eq(value_at(sh, "A2"), "按期推进");	/* runs joined */
	cr_expect_str_eq(value_at(sh, "B2"), "39810");
	c = xlsx_cell(sh, 2, 3);
	cr_assert_not_null(c);
	cr_expect(c->formula);
	cr_expect_str_eq(c->value, "79620");
	cr_assert_eq(sh->nmerges, 1);
	cr_expect(sh->merges[0].row1 == 1 && sh->merges[0].col2 == 3);
	cr_expect_eq(xlsx_sheet(b, "标识")->state, XLSX_HIDDEN);
	xlsx_free(b);
	free(buf);
	free(out);
	free(prof);
	free(src);
	workdir_done(dir);
}

/* Shared strings as WPS and older Excel write them: prefixed elements,
 * rich runs, phonetic hints (not text), cells and rows without r. */
Test(xlsx, wps_shared_strings_and_implicit_positions)
{
	const char *sst =
	    "<x:sst xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\" uniqueCount=\"3\">"
	    "<x:si><x:t>截至本期</x:t></x:si>"
	    "<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>已</x:t></x:r><x:r><x:t xml:space=\"preserve\">完成 </x:t></x:r>"
	    "<x:rPh sb=\"0\" eb=\"1\"><x:t>ワン</x:t></x:rPh></x:si>"
	    "<x:si><x:t>&lt;&amp;&gt;&#x4E2D;</x:t></x:si>"
	    "</x:sst>";
	const char *sheet =
	    "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	    "<x:sheetData>"
	    "<x:row><x:c t=\"s\"><x:v>0</x:v></x:c><x:c t=\"s\"><x:v>1</x:v></x:c></x:row>"
	    "<x:row r=\"5\"><x:c r=\"C5\" t=\"s\"><x:v>2</x:v></x:c><x:c t=\"inlineStr\"><x:is><x:r><x:t>内</x:t></x:r><x:r><x:t>联</x:t></x:r></x:is></x:c>"
	    "<x:c t=\"e\"><x:v>#DIV/0!</x:v></x:c><x:c s=\"3\"/></x:row>"
	    "</x:sheetData></x:worksheet>";
	struct xlsx_book	*b;
	const struct xlsx_sheet	*sh;
	size_t			 len;
	char			*buf = pkg(sheet, sst, &len);

	b = read_ok(buf, len);
	sh = &b->sheets[0];
	cr_expect_str_eq(value_at(sh, "A1"), "截至本期");
	cr_expect_str_eq(value_at(sh, "B1"), "已完成 ");
	cr_expect_str_eq(value_at(sh, "C5"), "<&>中");
	cr_expect_str_eq(value_at(sh, "D5"), "内联");
	cr_expect_eq(xlsx_cell(sh, 5, 4)->type, XLSX_INLINE);
	cr_expect_eq(xlsx_cell(sh, 5, 5)->type, XLSX_ERROR);
	cr_expect_str_eq(value_at(sh, "E5"), "#DIV/0!");
	cr_expect_null(value_at(sh, "F5"));	/* styled, no value */
	cr_expect_eq(sh->ncells, 5);
	xlsx_free(b);
	free(buf);
}

/* ---------------------------------------------------------------- */
/* Hostile and broken packages */

static long
maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_maxrss);
}

Test(xlsx, zip_bombs_refused_in_bounded_memory)
{
	struct zipw_entry e[] = {
		{ .name = "xl/workbook.xml", .data = wb },
		{ .name = "xl/_rels/workbook.xml.rels", .data = wb_rels },
		{ .name = "xl/sharedStrings.xml", .data = "<sst>", .zeros = (size_t)1 << 30,
		    .fill = ' ' },
		{ .name = "xl/worksheets/sheet1.xml", .data = "<worksheet/>" },
	};
	struct xlsx_limits	 lim;
	size_t			 len;
	char			*buf;
	long			 before = maxrss_kb();

	/* 1 GB of zeros, declared honestly: refused before inflating. */
	buf = zipw(e, 4, &len);
	cr_expect(len < 4u << 20, "the bomb is %zu bytes", len);
	refused(buf, len, NULL, "xl/sharedStrings.xml 解压后 1073741829 字节");
	/* The same declaring 100 bytes: counted as it inflates. */
	free(buf);
	e[2].declared = 100;
	buf = zipw(e, 4, &len);
	refused(buf, len, NULL, "xl/sharedStrings.xml 解压后超过每个文件 "
	    "67108864 字节的上限");
	/* The total over all parts. */
	xlsx_limits_default(&lim);
	lim.ratio = 100000;
	lim.part = 1u << 30;
	lim.total = 10u << 20;
	refused(buf, len, &lim, "解压总量超过 10485760 字节");
	free(buf);
	/* 20 MB of spaces, under the part's limit: the ratio. */
	e[2].zeros = 20u << 20;
	buf = zipw(e, 4, &len);
	refused(buf, len, NULL, "xl/sharedStrings.xml 的压缩比超过 100 倍的上限");
	free(buf);
	cr_expect(maxrss_kb() - before < 200 * 1024,
	    "resident memory grew by %ld kB", maxrss_kb() - before);
}

Test(xlsx, huge_shared_string_tables_refused)
{
	struct xlsx_limits	 lim;
	char			*sst, *sheet = sheet_of(""), *buf, *p;
	size_t			 len, n = 1100000, i;

	/* 1.1 million strings. */
	sst = xmalloc(n * 13 + 1024);
	p = sst + sprintf(sst, "<sst " NS ">");
	for (i = 0; i < n; i++)
		p += sprintf(p, "<si><t/></si>");
	sprintf(p, "</sst>");
	buf = pkg(sheet, sst, &len);
	refused(buf, len, NULL, "共享字符串超过 1000000 条上限");
	xlsx_limits_default(&lim);
	free(buf);
	free(sst);
	/* 40 strings of 1 MB: the total. */
	sst = xmalloc((41u << 20) + 1024);
	p = sst + sprintf(sst, "<sst " NS ">");
	for (i = 0; i < 40; i++) {
		p += sprintf(p, "<si><t>");
		memset(p, 'x', 1u << 20);
		p += 1u << 20;
		p += sprintf(p, "</t></si>");
	}
	sprintf(p, "</sst>");
	buf = pkg(sheet, sst, &len);
	lim.ratio = 100000;
	lim.text = 2u << 20;
	refused(buf, len, &lim, "共享字符串总长超过 33554432 字节上限");
	/* One string beyond the text limit. */
	refused(buf, len, NULL, "xl/sharedStrings.xml：文字超过 98301 字节上限");
	free(buf);
	free(sst);
	free(sheet);
}

Test(xlsx, deep_xml_and_entities_refused)
{
	char	*deep, *p, *buf;
	size_t	 len;
	const char *laughs =
	    "<?xml version=\"1.0\"?><!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">"
	    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
	    "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>"
	    "<sst " NS "><si><t>&c;</t></si></sst>";
	const char *external =
	    "<?xml version=\"1.0\"?><!DOCTYPE sst SYSTEM \"file:///etc/passwd\">"
	    "<sst " NS "/>";

	deep = xmalloc(100 * 8 + 512);
	p = deep + sprintf(deep, "<worksheet " NS ">");
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "<a>");
	for (int i = 0; i < 100; i++)
		p += sprintf(p, "</a>");
	sprintf(p, "</worksheet>");
	buf = pkg(deep, sst_empty, &len);
	refused(buf, len, NULL, "xl/worksheets/sheet1.xml：XML 元素嵌套超过 64 层上限");
	free(buf);
	buf = pkg("<worksheet/>", laughs, &len);
	refused(buf, len, NULL, "xl/sharedStrings.xml：含有 DTD 声明");
	free(buf);
	buf = pkg("<worksheet/>", external, &len);
	refused(buf, len, NULL, "含有 DTD 声明");
	free(buf);
	buf = pkg("<worksheet>\n<sheetData><row></sheetData>", sst_empty, &len);
	refused(buf, len, NULL, "xl/worksheets/sheet1.xml:2:");
	free(buf);
	free(deep);
}

Test(xlsx, broken_and_odd_packages_refused)
{
	char		*sheet = sheet_of("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>");
	char		*buf, *cut;
	size_t		 len;
	struct zipw_entry e[] = {
		{ .name = "xl/workbook.xml", .data = wb },
		{ .name = "xl/_rels/workbook.xml.rels", .data = wb_rels },
		{ .name = "xl/sharedStrings.xml", .data = sst_empty },
		{ .name = "xl/worksheets/sheet1.xml", .data = sheet },
		{ .name = "xl/../../etc/passwd", .data = "x" },
	};

	refused("hello, world", 12, NULL, "不是 XLSX 文件（不是 zip 压缩包）");
	refused("", 0, NULL, "不是 XLSX 文件");
	buf = zipw(e, 5, &len);
	refused(buf, len, NULL, "文件名不安全（绝对路径或含“..”）：xl/../../etc/passwd");
	free(buf);
	e[4].name = "/etc/passwd";
	buf = zipw(e, 5, &len);
	refused(buf, len, NULL, "文件名不安全");
	free(buf);
	e[4].name = "xl/media/a.bin";
	e[4].flags = 1;
	buf = zipw(e, 5, &len);
	refused(buf, len, NULL, "已加密，不予读取：xl/media/a.bin");
	free(buf);
	e[4].flags = 0;
	e[4].name = "xl/WORKBOOK.xml";
	buf = zipw(e, 5, &len);
	refused(buf, len, NULL, "文件名重复");
	free(buf);
	/* Truncated: half of a good package. */
	buf = zipw(e, 4, &len);
	xlsx_free(read_ok(buf, len));
	cut = xmalloc(len / 2);
	memcpy(cut, buf, len / 2);
	refused(cut, len / 2, NULL, "不是");
	free(cut);
	free(buf);
	/* No workbook. */
	buf = zipw(e + 1, 3, &len);
	refused(buf, len, NULL, "缺少 xl/workbook.xml");
	free(buf);
	free(sheet);
}

Test(xlsx, sheet_contents_refused_naming_the_cell)
{
	struct xlsx_limits	 lim;
	char			*sheet, *buf;
	size_t			 len;

#define SHEET_REFUSED(rows, l, want) do {				\
	sheet = sheet_of(rows);						\
	buf = pkg(sheet, "<sst " NS "><si><t>a</t></si></sst>", &len);	\
	refused(buf, len, l, want);					\
	free(buf);							\
	free(sheet);							\
} while (0)
	SHEET_REFUSED("<row><c r=\"XFE1\"><v>1</v></c></row>", NULL,
	    "填报表：单元格引用有误：XFE1");
	SHEET_REFUSED("<row><c r=\"E7\" t=\"s\"><v>5</v></c></row>", NULL,
	    "填报表!E7：共享字符串编号“5”不存在");
	SHEET_REFUSED("<row><c r=\"E7\" t=\"zz\"><v>5</v></c></row>", NULL,
	    "填报表!E7：单元格类型“zz”未知");
	SHEET_REFUSED("<row><c r=\"A2\"><v>1</v></c></row><row><c r=\"A2\"><v>2</v></c></row>",
	    NULL, "填报表!A2：单元格重复出现");
	xlsx_limits_default(&lim);
	lim.text = 4;
	SHEET_REFUSED("<row><c r=\"E7\" t=\"inlineStr\"><is><t>12345</t></is></c></row>",
	    &lim, "填报表!E7：文字超过 4 字节上限");
	xlsx_limits_default(&lim);
	lim.rows = 100;
	SHEET_REFUSED("<row r=\"101\"><c r=\"A101\"><v>1</v></c></row>", &lim,
	    "第“101”行的行号有误或超过 100 的上限");
	SHEET_REFUSED("<row><c r=\"A101\"><v>1</v></c></row>", &lim,
	    "填报表!A101：行号超过 100 的上限");
	lim.cols = 10;
	SHEET_REFUSED("<row><c r=\"K1\"><v>1</v></c></row>", &lim,
	    "填报表!K1：列号超过 10 的上限");
	lim.cells = 2;
	SHEET_REFUSED("<row><c><v>1</v></c><c><v>1</v></c><c><v>1</v></c></row>",
	    &lim, "工作表“填报表”有值的单元格超过 2 个上限");
	lim.sheets = 0;
	SHEET_REFUSED("", &lim, "工作表超过 0 个上限");
#undef SHEET_REFUSED
}

Test(xlsx, limits_on_the_input_and_entries)
{
	struct xlsx_limits	 lim;
	char			*sheet = sheet_of(""), *buf;
	size_t			 len;

	buf = pkg(sheet, sst_empty, &len);
	xlsx_limits_default(&lim);
	lim.input = len - 1;
	refused(buf, len, &lim, "文件过大");
	lim.input = len;
	lim.entries = 4;
	refused(buf, len, &lim, "压缩包内文件过多：5 个，上限 4 个");
	free(buf);
	free(sheet);
}
