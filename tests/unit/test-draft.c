/*
 * Plan drafts (duban plan draft): on each seed document, the draft passes
 * plan check and finds at least what it found when this test was written
 * (recall and precision per category against the shipped plan, see
 * draft-score.h), so a change that makes drafts worse fails; a DOCX
 * written by LibreOffice, with paragraphs and a table, read in order;
 * hostile DOCX packages refused; what the draft guesses is marked 待核对.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include "diag.h"
#include "docx.h"
#include "draft-score.h"
#include "draft.h"
#include "plan.h"
#include "support.h"
#include "xmalloc.h"
#include "zipw.h"

/*
 * What the drafts reached, per document: for each category the hits, the
 * count in the shipped plan and the count in the draft (bench/draft.sh
 * prints the same table).  A draft may do better, never worse.
 */
struct seed {
	char		 doc[32], plan[32];
	int		 year_right;
	size_t		 m[SC_COUNT][3];	/* hit, shipped, drafted */
};

static struct seed seeds[] = {
	{ "000_d8a89db21b80236c.txt", "changchun-2017.yaml", 1,
	  { { 12, 12, 12 }, { 11, 11, 11 }, { 0, 0, 0 }, { 0, 0, 0 },
	    { 12, 12, 12 } } },
	/* No year anywhere in the text: the draft takes the current one. */
	{ "001_d618e1061caa3645.txt", "baicheng-poverty.yaml", 0,
	  { { 16, 16, 16 }, { 8, 8, 8 }, { 0, 0, 0 }, { 7, 7, 7 },
	    { 16, 16, 16 } } },
	{ "002_1c6724350794c90f.txt", "jilin-2012.yaml", 1,
	  { { 12, 12, 12 }, { 51, 53, 55 }, { 3, 3, 3 }, { 14, 14, 14 },
	    { 12, 12, 12 } } },
	{ "003_60d147740aca6742.txt", "linyi-2019.yaml", 1,
	  { { 12, 12, 12 }, { 4, 4, 4 }, { 0, 0, 0 }, { 45, 45, 45 },
	    { 12, 12, 12 } } },
	{ "004_127a49a51ad6add9.txt", "changchun-2021.yaml", 1,
	  { { 35, 35, 35 }, { 11, 11, 11 }, { 0, 0, 0 }, { 0, 0, 0 },
	    { 35, 35, 35 } } },
};

ParameterizedTestParameters(draft, seeds)
{
	return (cr_make_param_array(struct seed, seeds,
	    sizeof seeds / sizeof seeds[0]));
}

ParameterizedTest(struct seed *sd, draft, seeds)
{
	struct score	 s;
	char		*doc, *plan, *cause = NULL;

	doc = xprintf("%s/tests/fixtures/seeds/%s", DUBAN_SOURCE_DIR, sd->doc);
	plan = xprintf("%s/plans/%s", DUBAN_SOURCE_DIR, sd->plan);
	cr_assert_eq(score_seed(doc, plan, 2026, &s, &cause), 0, "%s: %s",
	    sd->doc, cause ? cause : "");
	cr_assert_null(s.problems, "%s: the draft fails plan check:\n%s",
	    sd->doc, s.problems);
	cr_expect_eq(s.year_right, sd->year_right, "%s: year", sd->doc);
	for (int c = 0; c < SC_COUNT; c++) {
		struct score m = { 0 };

		m.hit[c] = sd->m[c][0];
		m.shipped[c] = sd->m[c][1];
		m.drafted[c] = sd->m[c][2];
		cr_expect_eq(s.shipped[c], m.shipped[c], "%s %s: shipped %zu",
		    sd->doc, score_names[c], s.shipped[c]);
		cr_expect_geq(score_recall(&s, c), score_recall(&m, c) - 1e-9,
		    "%s %s: recall %.3f (%zu/%zu), was %.3f", sd->doc,
		    score_names[c], score_recall(&s, c), s.hit[c],
		    s.shipped[c], score_recall(&m, c));
		cr_expect_geq(score_precision(&s, c), score_precision(&m, c) -
		    1e-9, "%s %s: precision %.3f (%zu/%zu), was %.3f", sd->doc,
		    score_names[c], score_precision(&s, c), s.hit[c],
		    s.drafted[c], score_precision(&m, c));
	}
	free(s.problems);
	free(doc);
	free(plan);
}

/* ---------------------------------------------------------------- */

static struct draft
draft_of(const char *text)
{
	struct draft_opts o = { .file = "t.txt", .year = 2026 };
	struct draft	 dr;
	char		*cause = NULL;
	struct diags	 d;
	json_t		*p;

	cr_assert_eq(draft_make(text, strlen(text), &o, &dr, &cause), 0,
	    "%s", cause ? cause : "");
	diags_init(&d);
	p = plan_parse("t.yaml", dr.yaml, dr.len, &d);
	if (d.n > 0)
		diags_print(&d, stderr);
	cr_assert_not_null(p, "the draft is not a valid plan:\n%s", dr.yaml);
	json_decref(p);
	diags_free(&d);
	return (dr);
}

Test(draft, guesses_are_marked)
{
	struct draft dr = draft_of(
	    "某区教育局2024年工作要点\n"
	    "一、重点工作\n"
	    "1.建设智慧校园。全区建设智慧校园20所，9月底前完成。"
	    "（责任科室：电教馆、装备科）\n"
	    "2.配齐教师。招聘教师300名。（责任科室：人事科）\n"
	    "3.改善条件。完成时限：划分寒暑假两个阶段实施，2024年10月完成。\n"
	    "牵头处室及牵头人：基础教育科 王明。\n");

	/* A deadline read from the text, and one from a longer 完成时限. */
	cr_expect(strstr(dr.yaml, "# 待核对：完成时限取自正文“9月底前完成”\n"
	    "        deadline: 9月底\n") != NULL, "%s", dr.yaml);
	cr_expect(strstr(dr.yaml, "deadline: 2024年10月\n") != NULL, "%s",
	    dr.yaml);
	cr_expect(strstr(dr.yaml, "deadline_text: 划分寒暑假两个阶段实施，"
	    "2024年10月完成。\n") != NULL, "%s", dr.yaml);
	cr_expect(strstr(dr.yaml, "office: 基础教育科\n          person: 王明\n")
	    != NULL, "%s", dr.yaml);
	cr_expect(strstr(dr.yaml, "value: 300\n            unit: 名\n") != NULL,
	    "%s", dr.yaml);
	cr_expect(strstr(dr.yaml, "# 待核对：计划键是推测的") != NULL);
	cr_expect_gt(dr.checks, 2);
	draft_free(&dr);
}

Test(draft, short_forms_are_one_office)
{
	struct draft dr = draft_of(
	    "某市教育局2024年民生实事工作方案\n"
	    "落实责任处室：体育卫生艺术教育处、财务审计处。\n"
	    "1、学生饮用水。\n"
	    "工作目标：为学生免费提供饮用水。\n"
	    "牵头处室：体卫艺教育处\n"
	    "2、学生体检。\n"
	    "工作目标：每年体检一次。\n"
	    "责任处室：体育卫生艺术教育处\n");

	cr_expect(strstr(dr.yaml, "# 待核对：简称视为“体育卫生艺术教育处”，"
	    "请确认是同一处室\n  - name: 体育卫生艺术教育处\n    aliases:\n"
	    "      - 体卫艺教育处\n") != NULL, "%s", dr.yaml);
	draft_free(&dr);
}

Test(draft, refusals)
{
	struct draft_opts o = { .file = "t.txt", .year = 2026 };
	struct draft	 dr;
	char		*cause = NULL, *big;

	cr_expect_eq(draft_make("\xff\xfe\x00", 3, &o, &dr, &cause), -1);
	cr_expect(strstr(cause, "不是 UTF-8") != NULL, "%s", cause);
	free(cause);
	cr_expect_eq(draft_make("只有一段文字，没有编号。", 36, &o, &dr, &cause),
	    -1);
	cr_expect(strstr(cause, "未能从文件中识别出编号的条目") != NULL, "%s",
	    cause);
	free(cause);
	big = xmalloc(DRAFT_MAX_INPUT + 1);
	memset(big, 'a', DRAFT_MAX_INPUT + 1);
	cr_expect_eq(draft_make(big, DRAFT_MAX_INPUT + 1, &o, &dr, &cause), -1);
	cr_expect(strstr(cause, "文件过大") != NULL, "%s", cause);
	free(cause);
	free(big);
}

/* Many numbered items, long lines, deep numbering: bounded, and valid. */
Test(draft, large_documents)
{
	struct draft_opts o = { .file = "big.txt", .year = 2026 };
	struct draft	 dr;
	char		*cause = NULL;
	FILE		*f;
	char		*buf = NULL;
	size_t		 len = 0;
	struct diags	 d;
	json_t		*p;

	f = open_memstream(&buf, &len);
	fputs("某县教育局2025年工作要点\n", f);
	for (int i = 1; i <= 3000; i++)
		fprintf(f, "%s%d. 第%d项工作。新建学校%d所，投资%d万元。"
		    "（责任单位：科室%d、各乡镇）\n①（1）⑴（一）一、\n",
		    i % 100 == 1 ? "一、部分\n" : "", i, i, i, i * 10, i % 7);
	fclose(f);
	cr_assert_eq(draft_make(buf, len, &o, &dr, &cause), 0, "%s",
	    cause ? cause : "");
	diags_init(&d);
	p = plan_parse("big.yaml", dr.yaml, dr.len, &d);
	if (d.n > 0)
		diags_print(&d, stderr);
	cr_expect_not_null(p);
	json_decref(p);
	diags_free(&d);
	draft_free(&dr);
	free(buf);
}

/* ---------------------------------------------------------------- */
/* DOCX */

Test(draft, docx_from_libreoffice)
{
	char	*path = xprintf("%s/tests/fixtures/draft/sample.docx",
	    DUBAN_SOURCE_DIR);
	char	*buf, *text, *cause = NULL;
	size_t	 len, tlen;
	int	 unsup;
	FILE	*f = fopen(path, "rb");

	cr_assert_not_null(f);
	buf = xmalloc(1 << 20);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	text = docx_document_text("sample.docx", buf, len, &tlen, &unsup,
	    &cause);
	cr_assert_not_null(text, "%s", cause);
	/* Paragraphs, then the table's rows as tab-separated cells, then
	 * the paragraphs after it. */
	const char *p1 = strstr(text, "1. 新建幼儿园。");
	const char *row = strstr(text, "3\t资助家庭经济困难学生，每生每年资助1500元"
	    "\t全年\t财务审计处\t基础教育处、职业与成人教育处\n");
	const char *p3 = strstr(text, "三、保障措施");

	cr_expect(p1 != NULL && row != NULL && p3 != NULL && p1 < row &&
	    row < p3, "%s", text);

	struct draft dr = draft_of(text);

	cr_expect(strstr(dr.yaml, "title: 新建幼儿园\n") != NULL, "%s", dr.yaml);
	cr_expect(strstr(dr.yaml, "deadline: 2024年9月\n") != NULL);
	cr_expect(strstr(dr.yaml, "title: 建设智慧校园30所\n        deadline: "
	    "2024年12月\n        lead:\n          office: 教育技术装备处\n"
	    "        responsible:\n          - office: 发展规划处\n") != NULL,
	    "%s", dr.yaml);
	cr_expect(strstr(dr.yaml, "unit: 元/年/生\n") != NULL);
	draft_free(&dr);
	free(text);
	free(buf);
	free(path);
}

static const char CT[] = "<?xml version=\"1.0\"?><Types xmlns=\"http://"
    "schemas.openxmlformats.org/package/2006/content-types\"/>";

static char *
docx_try(const char *xml, size_t zeros, char **cause)
{
	struct zipw_entry e[2] = {
		{ .name = "[Content_Types].xml", .data = CT },
		{ .name = "word/document.xml", .data = xml, .zeros = zeros,
		  .fill = ' ' },
	};
	size_t	 len, tlen;
	char	*zip = zipw(e, 2, &len), *t;

	t = docx_text(zip, len, NULL, &tlen, cause);
	free(zip);
	return (t);
}

Test(draft, docx_refusals)
{
	char	*cause = NULL, *t;

	t = docx_try("<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"x\">]>"
	    "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>&a;</w:t></w:r>"
	    "</w:p></w:body></w:document>", 0, &cause);
	cr_expect_null(t);
	cr_expect(strstr(cause, "DTD") != NULL, "%s", cause);
	free(cause);
	/* 80 MiB of spaces in a few kilobytes. */
	t = docx_try("<w:document xmlns:w=\"w\"><w:body>", 80u << 20, &cause);
	cr_expect_null(t);
	cr_expect(strstr(cause, "zip 炸弹") != NULL, "%s", cause);
	free(cause);
	static const char notzip[] = "PK\x03\x04 not really a zip file at all";

	t = docx_text(notzip, sizeof notzip - 1, NULL, &(size_t){ 0 }, &cause);
	cr_expect_null(t);
	cr_expect(strstr(cause, "DOCX") != NULL, "%s", cause);
	free(cause);
	int unsup;

	t = docx_document_text("方案.doc", "x", 1, &(size_t){ 0 }, &unsup,
	    &cause);
	cr_expect_null(t);
	cr_expect_eq(unsup, 1);
	free(cause);
	/* Deep nesting. */
	struct str_buf { char *s; size_t n; } b = { 0 };
	FILE *f = open_memstream(&b.s, &b.n);

	fputs("<w:document xmlns:w=\"w\">", f);
	for (int i = 0; i < 1000; i++)
		fputs("<w:x>", f);
	fclose(f);
	t = docx_try(b.s, 0, &cause);
	cr_expect_null(t);
	cr_expect(strstr(cause, "嵌套过深") != NULL, "%s", cause);
	free(cause);
	free(b.s);
}
