/*
 * The quarterly report's plain formats (CSV and Markdown) with hostile
 * user text: formulas in CSV cells are neutralised and stay visible as
 * text; Markdown syntax in user text is escaped and shown as written.
 * The stored reports are tests/fixtures/reports; each test puts its own
 * text into one of them.  Robots' messages (lib/remind/render.c) are
 * Markdown too and are checked here the same way: GitHub's renderer
 * (cmark-gfm, with raw HTML allowed, as some chat clients do) reads
 * both, and nothing of the user's text may become a tag or a link.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "render.h"
#include "report.h"
#include "support.h"
#include "xmalloc.h"

#define G(o, k)		json_object_get((o), (k))

/* jilin-2012Q3 with the first task's last update's note set to note. */
static json_t *
with_note(const char *note)
{
	json_t	*r = t_load_json("tests/fixtures/reports/jilin-2012Q3.json");
	json_t	*t = json_array_get(G(r, "tasks"), 0), *u = G(t, "last_update");

	cr_assert(json_is_object(t));
	if (!json_is_object(u)) {
		u = json_object();
		json_object_set_new(t, "last_update", u);
	}
	json_object_set_new(u, "note", json_string(note));
	json_object_del(u, "problems");
	json_object_del(u, "next_steps");
	json_object_del(u, "coordination");
	json_object_set_new(t, "instructions", json_array());
	return (r);
}

static char *
render(int (*fn)(const json_t *, FILE *, char **), const json_t *r)
{
	char	*buf = NULL, *cause = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	cr_assert(f != NULL);
	cr_assert_eq(fn(r, f, &cause), 0, "%s", cause ? cause : "?");
	fclose(f);
	return (buf);
}

static int
csv_tasks(const json_t *r, FILE *f, char **cause)
{
	return (report_csv(r, VIEW_TASKS, f, cause));
}

static int
csv_targets(const json_t *r, FILE *f, char **cause)
{
	return (report_csv(r, VIEW_TARGETS, f, cause));
}

Test(report_csv, formulas_are_neutralised)
{
	static const struct { const char *note, *cell; } cases[] = {
		{ "=IMPORTXML(\"http://x.example/\",\"//a\")",
		  ",\"'=IMPORTXML(\"\"http://x.example/\"\",\"\"//a\"\")\"," },
		{ "+1+cmd|' /C calc'!A0", ",\"'+1+cmd|' /C calc'!A0\"," },
		{ "-2+3", ",\"'-2+3\"," },
		{ "@SUM(A1:A9)", ",\"'@SUM(A1:A9)\"," },
		{ "\t=1+1", ",\"'\t=1+1\"," },
		{ "\r=1+1", ",\"'\r=1+1\"," },
		/* A plain number is a number; text after = elsewhere is text. */
		{ "-3", ",-3," },
		{ "完成 =1+1", ",完成 =1+1," },
	};
	size_t	 i;
	json_t	*r;
	char	*csv;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = with_note(cases[i].note);
		csv = render(csv_tasks, r);
		cr_expect(strstr(csv, cases[i].cell) != NULL,
		    "note %s: want %s in\n%.600s", cases[i].note, cases[i].cell,
		    strstr(csv, "\r\n1,") ? strstr(csv, "\r\n1,") : csv);
		free(csv);
		json_decref(r);
	}
}

/* A negative baseline in the targets' numeric columns stays a number. */
Test(report_csv, negative_numbers_stay_numbers)
{
	json_t	*r = with_note("x"), *g;
	char	*csv;

	g = json_array_get(G(json_array_get(G(r, "tasks"), 0), "targets"), 0);
	json_object_set_new(g, "baseline", json_integer(-5));
	json_object_set_new(g, "current", json_real(-2.5));
	json_object_set_new(g, "percent", json_real(-0.125));
	json_object_set_new(g, "name", json_string("=HYPERLINK(\"http://x.example\")"));
	csv = render(csv_targets, r);
	cr_expect(strstr(csv, ",\"'=HYPERLINK(\"\"http://x.example\"\")\",%,25%,-5,-2.5,"
	    "-12.5%,") != NULL, "%.800s", csv);
	free(csv);
	json_decref(r);
}

/* Hostile user text, and how it must read once rendered (HTML-escaped). */
#define HOSTILE	"<img src=x onerror=alert(1)> [点此领取](http://evil.example/) " \
	"![](http://evil.example/t.png) **加粗** _斜_ `代码`\n# 标题\n- 列表\n1. 序号"

/* md rendered by cmark-gfm to HTML (tables on, raw HTML let through). */
static char *
cmark(const char *md)
{
	char	*in = xprintf("%s/text-%d.md", t_tmpdir(), (int)getpid());
	char	*cmd = xprintf("cmark-gfm -e table --unsafe '%s'", in), *html;
	char	 buf[4096];
	size_t	 n, len = 0;
	FILE	*p, *f;

	t_write_file(in, md, strlen(md));
	p = popen(cmd, "r");
	cr_assert(p != NULL);
	f = open_memstream(&html, &len);
	while ((n = fread(buf, 1, sizeof buf, p)) > 0)
		fwrite(buf, 1, n, f);
	fclose(f);
	cr_assert_eq(pclose(p), 0, "%s failed (is cmark-gfm installed?)", cmd);
	unlink(in);
	free(in);
	free(cmd);
	return (html);
}

static size_t
occurrences(const char *hay, const char *needle)
{
	size_t	 n = 0;

	while ((hay = strstr(hay, needle)) != NULL) {
		n++;
		hay += strlen(needle);
	}
	return (n);
}

/*
 * Nothing of HOSTILE became markup in html: it has each tag as often as
 * plain, the same document with a plain text instead; and HOSTILE's
 * words are all there, as written.
 */
static void
expect_inert(const char *html, const char *plain, const char *what)
{
	static const char *const markup[] = { "<img", "<a ", "<strong>", "<em>",
	    "<code>", "<h1>", "<ul>", "<ol>", "<li>", "<p>" };
	static const char *const words[] = { "&lt;img src=x onerror=alert(1)&gt;",
	    "[点此领取](http://evil.example/)", "![](http://evil.example/t.png)",
	    "**加粗**", "_斜_", "`代码`", "# 标题", "- 列表", "1. 序号" };
	size_t	 i;

	for (i = 0; i < sizeof markup / sizeof markup[0]; i++)
		cr_expect_eq(occurrences(html, markup[i]), occurrences(plain, markup[i]),
		    "%s: %s from user text in\n%s", what, markup[i], html);
	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		cr_expect(strstr(html, words[i]) != NULL, "%s: no %s in\n%s", what,
		    words[i], html);
}

static char *
report_md_html(const char *note)
{
	json_t	*r = with_note(note);
	char	*md = render(report_markdown, r), *html = cmark(md);

	free(md);
	json_decref(r);
	return (html);
}

Test(report_markdown, user_text_shows_as_written)
{
	char	*html = report_md_html(HOSTILE), *plain = report_md_html("按计划推进");

	/* The task table still is a table; in a cell, line breaks are <br>. */
	cr_expect_eq(occurrences(html, "<table>"), occurrences(plain, "<table>"), "%s", html);
	cr_expect(strstr(html, "代码`<br># 标题<br>- 列表<br>1. 序号") != NULL, "%s", html);
	expect_inert(html, plain, "report");
	free(html);
	free(plain);
}

static char *
robot_md_html(const char *text)
{
	json_t	*p = json_pack("{s:s, s:s, s:s, s:s, s:{s:s}, s:{s:s, s:s},"
	    " s:{s:s, s:s, s:s, s:s}}",
	    "kind", "instruction", "office", "财务审计处", "key", "instruction-1",
	    "link", "http://duban.example/tasks/1",
	    "plan", "title", "吉林市教育局2012年度为民办实事项目",
	    "task", "number", "1", "title", "实施“爱心助学工程”",
	    "instruction", "author", "于海波", "role", "leader", "at", "2012-10-15T09:00",
	    "text", text);
	char	*md, *html;

	cr_assert_not_null(p);
	md = render_markdown(p, "【领导批示】实施“爱心助学工程”");
	html = cmark(md);
	free(md);
	json_decref(p);
	return (html);
}

Test(robot_markdown, user_text_shows_as_written)
{
	char	*html = robot_md_html(HOSTILE), *plain = robot_md_html("抓紧落实");

	expect_inert(html, plain, "robot");
	/* duband's own link stays a link. */
	cr_expect(strstr(html, "<a href=\"http://duban.example/tasks/1\">在督办网页上查看和更新</a>")
	    != NULL, "%s", html);
	free(html);
	free(plain);
}
