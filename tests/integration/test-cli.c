/*
 * The CLI as a user meets it: exit codes, help, the task table's
 * alignment and the JSON fields, against the real database.
 *
 * These tests only read the database, so the run shares one, with the
 * five plans loaded once, instead of making and loading one per test
 * (which cost more than the tests).  A test that writes needs a
 * database of its own (t_db_create).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "utf8.h"
#include "xmalloc.h"

static char	*db;

/* Sets db to the run's shared database, with the five plans loaded. */
static void
load_all(void)
{
	const char	*args[16] = { "plan", "load" };
	int		 i;

	for (i = 0; t_plan_files[i] != NULL; i++)
		args[2 + i] = t_plan_files[i];
	db = t_db_shared("cli", args);
}

TestSuite(cli, .init = load_all);


static json_t *
tasks_json(const char *const *extra)
{
	const char	*args[16] = { "task", "list", "--json" };
	struct t_run	 r;
	json_t		*doc;
	json_error_t	 e;
	int		 i;

	for (i = 0; extra[i] != NULL; i++)
		args[3 + i] = extra[i];
	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	doc = json_loads(r.out, 0, &e);
	cr_assert_not_null(doc, "not JSON: %s", e.text);
	cr_assert(json_is_array(doc));
	t_run_free(&r);
	return (doc);
}

/* "plan:key" of every task in a list, space-separated. */
static char *
keys_of(json_t *tasks)
{
	json_t	*t;
	size_t	 i;
	char	*s = xstrdup(""), *n;

	json_array_foreach(tasks, i, t) {
		n = xprintf("%s%s%s:%s", s, i ? " " : "",
		    json_string_value(json_object_get(t, "plan")),
		    json_string_value(json_object_get(t, "key")));
		free(s);
		s = n;
	}
	return (s);
}

Test(cli, check_accepts_the_shipped_plans)
{
	const char	*args[16] = { "plan", "check" };
	struct t_run	 r;
	int		 i;

	for (i = 0; t_plan_files[i] != NULL; i++)
		args[2 + i] = t_plan_files[i];
	t_cli(&r, NULL, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "jilin-2012.yaml：有效（jilin-2012，任务 12 项") != NULL,
	    "%s", r.out);
	cr_expect_str_empty(r.err);
	t_run_free(&r);
}

Test(cli, task_json_has_the_documented_fields)
{
	const char	*none[] = { NULL };
	json_t		*doc = tasks_json(none), *t, *g;
	size_t		 i;

	cr_expect_eq(json_array_size(doc), 87);
	json_array_foreach(doc, i, t) {
		cr_expect(json_is_integer(json_object_get(t, "id")));
		cr_expect(json_is_string(json_object_get(t, "plan")));
		cr_expect(json_is_string(json_object_get(t, "key")));
		cr_expect(json_is_string(json_object_get(t, "number")));
		cr_expect(json_is_string(json_object_get(t, "title")));
		cr_expect(json_object_get(t, "parent") != NULL);
		cr_expect(json_object_get(t, "lead_office") != NULL);
		cr_expect(json_is_string(json_object_get(t, "deadline")));
		cr_expect(strlen(json_string_value(json_object_get(t, "deadline"))) == 10);
		cr_expect(json_is_array(json_object_get(t, "targets")));
	}
	t = json_array_get(doc, 0);
	cr_expect_str_eq(json_string_value(json_object_get(t, "plan")), "jilin-2012",
	    "plans in year order");
	cr_expect(json_is_null(json_object_get(t, "parent")));
	cr_expect_str_eq(json_string_value(json_object_get(t, "lead_office")), "财务审计处");
	g = json_array_get(json_object_get(t, "targets"), 1);
	cr_expect_str_eq(json_string_value(json_object_get(g, "name")),
	    "普通高中每名受助学生每年资助标准");
	cr_expect_eq(json_integer_value(json_object_get(g, "value")), 1500);
	cr_expect_str_eq(json_string_value(json_object_get(g, "unit")), "元/年/生");
	json_decref(doc);
}

Test(cli, filters)
{
	const char	*office[] = { "--office", "财务审计处", NULL };
	const char	*alias[] = { "--office", "体卫艺教育处", NULL };
	const char	*due[] = { "--due-before", "2012-10-01", NULL };
	const char	*un[] = { "--plan", "jilin-2012", "--unassigned", NULL };
	const char	*plan[] = { "--plan", "changchun-2017", "--unassigned", NULL };
	json_t		*d;
	char		*k;

	d = tasks_json(office);
	k = keys_of(d);
	cr_expect_str_eq(k, "jilin-2012:1 jilin-2012:2 jilin-2012:6 jilin-2012:8");
	free(k);
	json_decref(d);
	d = tasks_json(alias);
	k = keys_of(d);
	cr_expect_str_eq(k, "jilin-2012:8");
	free(k);
	json_decref(d);
	d = tasks_json(due);
	k = keys_of(d);
	cr_expect_str_eq(k, "jilin-2012:5-1");
	free(k);
	json_decref(d);
	d = tasks_json(un);
	k = keys_of(d);
	cr_expect_str_eq(k, "jilin-2012:5", "only the parent of ①②③ has no office");
	free(k);
	json_decref(d);
	d = tasks_json(plan);
	cr_expect_eq(json_array_size(d), 12);
	cr_expect(json_is_null(json_object_get(json_array_get(d, 0), "lead_office")));
	json_decref(d);
}

/* Display column where each field of a table line starts. */
static int
field_starts(const char *line, size_t *starts, int max)
{
	const char	*p = line;
	size_t		 col = 0;
	int		 n = 0, spaces = 2;
	uint32_t	 cp;

	while (*p != '\0' && *p != '\n') {
		if (*p == ' ') {
			spaces++;
			col++;
			p++;
			continue;
		}
		if (spaces >= 2 && n < max)
			starts[n++] = col;
		spaces = 0;
		p += utf8_decode(p, &cp);
		col += (size_t)utf8_cpwidth(cp);
	}
	return (n);
}

Test(cli, the_task_table_lines_up_chinese_columns)
{
	const char	*args[] = { "task", "list", "--plan", "jilin-2012", NULL };
	struct t_run	 r;
	size_t		 head[10], row[10];
	char		*line, *save = NULL, *out;
	int		 nh, nr, i, rows = 0;

	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	out = xstrdup(r.out);
	line = strtok_r(out, "\n", &save);
	nh = field_starts(line, head, 10);
	cr_assert_eq(nh, 8, "header: %s", line);
	cr_expect(strncmp(line, "ID  计划", strlen("ID  计划")) == 0);
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		if (strncmp(line, "共 ", strlen("共 ")) == 0) {
			cr_expect_str_eq(line, "共 12 项");
			break;
		}
		nr = field_starts(line, row, 10);
		/* Rows without targets have seven fields. */
		cr_assert_geq(nr, 7, "%s", line);
		for (i = 0; i < nr; i++)
			cr_expect_eq(row[i], head[i],
			    "column %d of 「%s」 starts at %zu, header at %zu", i,
			    line, row[i], head[i]);
		rows++;
	}
	cr_expect_eq(rows, 12);
	cr_expect(strstr(r.out, "5①") != NULL);
	free(out);
	t_run_free(&r);
}

Test(cli, exit_codes_follow_sysexits)
{
	const char	*unknown[] = { "frobnicate", "now", NULL };
	const char	*badopt[] = { "task", "list", "--colour", NULL };
	const char	*baddate[] = { "task", "list", "--due-before", "2012-02-30", NULL };
	const char	*list[] = { "plan", "list", NULL };
	const char	*missing[] = { "plan", "check", "/nonexistent.yaml", NULL };
	struct t_run	 r;

	t_cli(&r, db, unknown);
	cr_expect_eq(r.status, 64);
	cr_expect(strstr(r.err, "未知命令") != NULL);
	t_run_free(&r);
	t_cli(&r, db, badopt);
	cr_expect_eq(r.status, 64);
	t_run_free(&r);
	t_cli(&r, db, baddate);
	cr_expect_eq(r.status, 64);
	cr_expect(strstr(r.err, "2012-02-30") != NULL);
	t_run_free(&r);
	t_cli(&r, NULL, list);
	cr_expect_eq(r.status, 78);
	cr_expect(strstr(r.err, "DUBAN_DB") != NULL);
	t_run_free(&r);
	t_cli(&r, "host=/nonexistent-socket-dir dbname=x", list);
	cr_expect_eq(r.status, 69);
	cr_expect(strstr(r.err, "无法连接数据库") != NULL, "%s", r.err);
	t_run_free(&r);
	t_cli(&r, NULL, missing);
	cr_expect_eq(r.status, 66);
	cr_expect(strstr(r.err, "无法打开") != NULL);
	t_run_free(&r);
}

/* A plan whose lead office names two offices: a warning, not an error. */
static const char TWO_OFFICES[] =
    "duban-plan: 1\n"
    "plan:\n"
    "  key: liangge-2024\n"
    "  title: 测试市教育局2024年工作要点\n"
    "  year: 2024\n"
    "  issuer: 测试市教育局\n"
    "  source: {file: yaodian.txt}\n"
    "tasks:\n"
    "  - key: '1'\n"
    "    number: '1'\n"
    "    title: 加强干部队伍建设\n"
    "    lead: {office: 组干科、机关党委}\n"
    "    deadline: 3月中旬\n";

Test(cli, two_offices_in_one_name_warn_and_strict_refuses, .timeout = 120)
{
	char		*path = xprintf("%s/liangge.yaml", t_tmpdir());
	const char	*check[] = { "plan", "check", path, NULL };
	const char	*strict[] = { "plan", "check", "--strict", path, NULL };
	const char	*load[] = { "plan", "load", path, NULL };
	const char	*warning = ":12:20: 警告：“组干科、机关党委”像是两个处室："
	    "组干科；机关党委，请分开填写";
	char		*fresh, *n;
	PGconn		*conn;
	struct t_run	 r;

	t_write_file(path, TWO_OFFICES, strlen(TWO_OFFICES));
	t_cli(&r, NULL, check);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, warning) != NULL, "%s", r.err);
	cr_expect(strstr(r.out, "有效") != NULL, "%s", r.out);
	t_run_free(&r);

	t_cli(&r, NULL, strict);
	cr_expect_eq(r.status, 65, "%s", r.err);
	cr_expect(strstr(r.err, warning) != NULL, "%s", r.err);
	cr_expect(strstr(r.err, "--strict") != NULL, "%s", r.err);
	cr_expect(strstr(r.out, "有效") == NULL, "%s", r.out);
	t_run_free(&r);

	/* plan load says so and loads the file as written. */
	fresh = t_db_create();
	t_cli(&r, fresh, load);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.err, warning) != NULL, "%s", r.err);
	t_run_free(&r);
	conn = t_connect(fresh);
	n = t_query(conn, "SELECT t.deadline::text || ' ' || o.name FROM task t"
	    " JOIN plan p ON p.id = t.plan_id JOIN task_role r ON r.task_id = t.id"
	    " AND r.role = 'lead' JOIN office o ON o.id = r.office_id"
	    " WHERE p.key = 'liangge-2024'", 0, NULL);
	cr_expect_str_eq(n, "2024-03-20 组干科、机关党委");
	free(n);
	PQfinish(conn);
	free(fresh);
	free(path);
}

/*
 * Texts with the characters that JSON and COPY each escape (quotes,
 * backslashes, tabs, new lines) reach the database as written: plan load
 * sends tasks as COPY rows of JSON (lib/store/load.c).  Loading the same
 * file again changes nothing.
 */
static const char ESCAPES[] =
    "duban-plan: 1\n"
    "plan:\n"
    "  key: zhuanyi-2024\n"
    "  title: 测试市教育局2024年工作要点\n"
    "  year: 2024\n"
    "  issuer: 测试市教育局\n"
    "  source: {file: zhuanyi.txt}\n"
    "offices:\n"
    "  - {name: 基教科, kind: office}\n"
    "tasks:\n"
    "  - key: '1'\n"
    "    number: '1'\n"
    "    title: \"“双减”\\\"落实\\\" C:\\\\路径\\\\文件\\t制表\"\n"
    "    goal: |\n"
    "      第一行\\n不是换行\n"
    "      第二行\t有制表符\n"
    "    lead: {office: 基教科}\n"
    "    deadline: 6月30日前\n";

Test(cli, texts_with_escapes_load_as_written, .timeout = 120)
{
	char		*path = xprintf("%s/zhuanyi.yaml", t_tmpdir());
	const char	*load[] = { "plan", "load", path, NULL };
	char		*fresh = t_db_create(), *v;
	PGconn		*conn;
	struct t_run	 r;

	t_write_file(path, ESCAPES, strlen(ESCAPES));
	t_cli(&r, fresh, load);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "已导入（新计划）") != NULL, "%s", r.out);
	t_run_free(&r);
	conn = t_connect(fresh);
	v = t_query(conn, "SELECT title FROM task WHERE key = '1'", 0, NULL);
	cr_expect_str_eq(v, "“双减”\"落实\" C:\\路径\\文件\t制表");
	free(v);
	v = t_query(conn, "SELECT goal FROM task WHERE key = '1'", 0, NULL);
	cr_expect_str_eq(v, "第一行\\n不是换行\n第二行\t有制表符");
	free(v);
	v = t_query(conn, "SELECT o.name || ' ' || t.lead_basis FROM task t"
	    " JOIN office o ON o.id = t.lead_office_id WHERE t.key = '1'", 0, NULL);
	cr_expect_str_eq(v, "基教科 named");
	free(v);
	PQfinish(conn);

	t_cli(&r, fresh, load);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "zhuanyi-2024：无变化") != NULL, "%s", r.out);
	t_run_free(&r);
	free(fresh);
	free(path);
}

Test(cli, every_command_has_help)
{
	static const char *const cmds[][2] = {
		{ "db", "migrate" }, { "db", "status" }, { "plan", "check" },
		{ "plan", "load" }, { "plan", "list" }, { "task", "list" },
		{ "task", "show" }, { "milestone", "update" }, { "target", "set" },
		{ "token", "create" }, { "token", "list" }, { "token", "revoke" },
		{ "token", "verify" }, { "reminder", "preview" }, { "reminder", "list" },
		{ "reminder", "retry" }, { "reminder", "sweep" }, { "reminder", "config" },
		{ "office", "list" }, { "office", "set" }, { "person", "set" },
		{ "calendar", "load" }, { "calendar", "show" }, { "calendar", "close" },
		{ "calendar", "open" }, { "dispatch", "submit" }, { "dispatch", "return" },
		{ "dispatch", "accept" }, { "dispatch", "review" }, { "dispatch", "urge" },
	};
	const char	*top[] = { "--help", NULL };
	struct t_run	 r;
	size_t		 i;

	for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		const char	*args[] = { cmds[i][0], cmds[i][1], "--help", NULL };

		t_cli(&r, NULL, args);
		cr_expect_eq(r.status, 0, "%s %s --help", cmds[i][0], cmds[i][1]);
		cr_expect(strncmp(r.out, "用法：duban ", strlen("用法：duban ")) == 0,
		    "%s", r.out);
		t_run_free(&r);
	}
	t_cli(&r, NULL, top);
	cr_expect_eq(r.status, 0);
	cr_expect(strstr(r.out, "task list") != NULL);
	t_run_free(&r);
}

/* "duban help plan check" shows the help; it must not run the check. */
Test(cli, help_word_shows_help_without_running)
{
	const char	*args[] = { "help", "plan", "check", NULL };
	const char	*now[] = { "task", "list", "--help", NULL };
	struct t_run	 r;

	t_cli(&r, NULL, args);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strstr(r.out, "用法：duban plan check") != NULL, "%s", r.out);
	t_run_free(&r);
	/* A bad clock is no reason to refuse --help. */
	setenv("DUBAN_NOW", "not-a-date", 1);
	t_cli(&r, NULL, now);
	unsetenv("DUBAN_NOW");
	cr_expect_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
}

/* Whether text has a line that starts with "  " and then name and a space. */
static int
lists(const char *text, const char *name)
{
	char	*line = xprintf("\n  %s ", name);
	int	 found = strstr(text, line) != NULL;

	free(line);
	return (found);
}

Test(cli, a_group_lists_its_actions)
{
	const char	*help[] = { "plan", "--help", NULL };
	const char	*word[] = { "help", "plan", NULL };
	const char	*bare[] = { "plan", NULL };
	struct t_run	 r, w;

	t_cli(&r, NULL, help);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect_str_empty(r.err);
	cr_expect(lists(r.out, "plan check"), "%s", r.out);
	cr_expect(lists(r.out, "plan load"), "%s", r.out);
	cr_expect(lists(r.out, "plan list"), "%s", r.out);
	cr_expect(!lists(r.out, "task list"), "only the group: %s", r.out);
	cr_expect(strstr(r.out, "导入计划文件") != NULL, "with summaries: %s", r.out);

	t_cli(&w, NULL, word);
	cr_expect_eq(w.status, 0, "%s", w.err);
	cr_expect_str_eq(w.out, r.out, "duban help plan is duban plan --help");
	t_run_free(&w);
	t_run_free(&r);

	/* The group alone is a usage error that says what it offers. */
	t_cli(&r, NULL, bare);
	cr_expect_eq(r.status, 64);
	cr_expect_str_empty(r.out);
	cr_expect(lists(r.err, "plan check") && lists(r.err, "plan load") &&
	    lists(r.err, "plan list"), "%s", r.err);
	t_run_free(&r);
}

Test(cli, an_action_helps_from_either_side)
{
	const char	*word[] = { "help", "plan", "load", NULL };
	const char	*flag[] = { "plan", "load", "--help", NULL };
	const char	*shortf[] = { "plan", "load", "-h", NULL };
	struct t_run	 r, f;

	/* No database: the help must not try to load anything. */
	t_cli(&r, NULL, word);
	cr_expect_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "用法：duban plan load 文件... [--dry-run] [--json]\n",
	    strlen("用法：duban plan load 文件... [--dry-run] [--json]\n")) == 0, "%s", r.out);
	cr_expect(strstr(r.out, "任何一处有误则都不导入") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "文件中删去的任务、指标、节点标记为撤销") != NULL,
	    "%s", r.out);
	cr_expect(strstr(r.out, "-h, --help") != NULL, "%s", r.out);
	t_cli(&f, NULL, flag);
	cr_expect_eq(f.status, 0, "%s", f.err);
	cr_expect_str_eq(f.out, r.out);
	t_run_free(&f);
	t_cli(&f, NULL, shortf);
	cr_expect_eq(f.status, 0, "%s", f.err);
	cr_expect_str_eq(f.out, r.out);
	t_run_free(&f);
	t_run_free(&r);
}

/* The help's option list: each description starts in one column. */
Test(cli, option_help_is_aligned)
{
	const char	*args[] = { "task", "list", "--help", NULL };
	struct t_run	 r;
	size_t		 starts[4], col = 0;
	char		*out, *line, *save = NULL;
	int		 n, options = 0, in = 0;

	t_cli(&r, NULL, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_expect(strncmp(r.out, "用法：duban task list [--plan 计划] [--office 处室] "
	    "[--due-before 日期] [--unassigned] [--status 状态] [--json]\n",
	    strlen("用法：duban task list [--plan 计划] [--office 处室] "
	    "[--due-before 日期] [--unassigned] [--status 状态] [--json]\n")) == 0,
	    "%s", r.out);
	out = xstrdup(r.out);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "选项：") == 0) {
			in = 1;
			continue;
		}
		if (!in)
			continue;
		n = field_starts(line, starts, 4);
		if (strncmp(line, "  -", 3) == 0) {
			/* "  -b, --due-before 日期  只列…": option, then its help. */
			cr_assert_geq(n, 2, "%s", line);
			if (col == 0)
				col = starts[1];
			cr_expect_eq(starts[1], col, "「%s」", line);
			options++;
		} else {
			/* A description's second line, under its first. */
			cr_expect_eq(n, 1, "%s", line);
			cr_expect_eq(starts[0], col, "「%s」", line);
		}
	}
	cr_expect_eq(options, 7, "six options and --help: %s", r.out);
	cr_expect(strstr(r.out, "  -s, --status 状态") != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "behind（滞后）、overdue（逾期）、unreported（未填报）；")
	    != NULL, "%s", r.out);
	cr_expect(strstr(r.out, "以今天（或 DUBAN_NOW）为准") != NULL, "%s", r.out);
	free(out);
	t_run_free(&r);
}

Test(cli, usage_errors_name_what_is_wrong)
{
	static const struct { const char *args[6]; const char *says; } cases[] = {
		{ { "task", "list", "--colour", NULL }, "未知的选项“--colour”" },
		{ { "task", "list", "-Z", NULL }, "未知的选项“-Z”" },
		{ { "task", "list", "--plan", NULL }, "选项“--plan”需要一个值" },
		{ { "task", "list", "--json=yes", NULL }, "选项“--json”不接受值" },
		{ { "task", "list", "--status", "late", NULL },
		  "--status 的值“late”无效（done、completing、on_track、behind、overdue、unreported）" },
		{ { "task", "list", "stray", NULL }, "多余的参数“stray”" },
		{ { "task", "show", "x1", NULL },
		  "请给出一个任务编号（duban task list 的 ID 列）" },
		{ { "calendar", "close", "2012-12-28", NULL },
		  "请用 --reason 说明停止办公的原因" },
		{ { "reminder", "preview", "--date", "2012-13-01", NULL },
		  "--date 的日期“2012-13-01”无效，应为 YYYY-MM-DD" },
	};
	struct t_run	 r;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t_cli(&r, NULL, cases[i].args);
		cr_expect_eq(r.status, 64, "case %zu: %d %s", i, r.status, r.err);
		cr_expect(strstr(r.err, cases[i].says) != NULL, "case %zu: %s", i, r.err);
		/* The usage line and where to read more follow the reason. */
		cr_expect(strstr(r.err, "\n用法：duban ") != NULL, "case %zu: %s", i, r.err);
		cr_expect(strstr(r.err, " --help 查看说明") != NULL, "case %zu: %s", i, r.err);
		cr_expect_str_empty(r.out, "case %zu", i);
		t_run_free(&r);
	}
}

Test(cli, an_unknown_action_lists_the_group)
{
	const char	*args[] = { "plan", "frobnicate", NULL };
	struct t_run	 r;

	t_cli(&r, NULL, args);
	cr_expect_eq(r.status, 64);
	cr_expect(strstr(r.err, "未知命令“plan frobnicate”") != NULL, "%s", r.err);
	cr_expect(lists(r.err, "plan check") && lists(r.err, "plan load") &&
	    lists(r.err, "plan list"), "%s", r.err);
	cr_expect(!lists(r.err, "task list"), "only the group: %s", r.err);
	cr_expect_str_empty(r.out);
	t_run_free(&r);
}

/* Every command that duban --help lists answers --help. */
Test(cli, every_listed_command_answers_help)
{
	const char	*top[] = { "--help", NULL };
	struct t_run	 r, h;
	char		*out, *line, *save = NULL, *usage;
	char		 group[32], action[32];
	int		 in = 0, n = 0;

	t_cli(&r, NULL, top);
	cr_assert_eq(r.status, 0, "%s", r.err);
	out = xstrdup(r.out);
	for (line = strtok_r(out, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strcmp(line, "命令：") == 0) {
			in = 1;
			continue;
		}
		if (!in)
			continue;
		/* "  group action  summary", until the next heading. */
		if (strncmp(line, "  ", 2) != 0 ||
		    sscanf(line, "%31s %31s", group, action) != 2)
			break;
		{
			const char	*args[] = { group, action, "--help", NULL };

			t_cli(&h, NULL, args);
		}
		usage = xprintf("用法：duban %s %s", group, action);
		cr_expect_eq(h.status, 0, "%s %s --help: %s", group, action, h.err);
		cr_expect(strncmp(h.out, usage, strlen(usage)) == 0,
		    "%s %s --help: %s", group, action, h.out);
		cr_expect(strstr(h.out, "\n选项：\n") != NULL, "%s", h.out);
		cr_expect_str_empty(h.err, "%s %s --help", group, action);
		free(usage);
		t_run_free(&h);
		n++;
	}
	cr_expect_geq(n, 33, "commands listed: %d\n%s", n, r.out);
	free(out);
	t_run_free(&r);
}

/* The short forms and the order of options and operands, as before. */
Test(cli, short_options_and_operands_anywhere)
{
	const char	*lng[] = { "--plan", "jilin-2012", "--unassigned", NULL };
	const char	*shrt[] = { "-p", "jilin-2012", "-u", NULL };
	json_t		*a = tasks_json(lng), *b = tasks_json(shrt);
	char		*ka = keys_of(a), *kb = keys_of(b), *id;
	struct t_run	 r1, r2;

	cr_expect_str_eq(kb, ka);
	id = xprintf("%lld", (long long)json_integer_value(json_object_get(
	    json_array_get(a, 0), "id")));
	{
		const char	*before[] = { "task", "show", "--json", id, NULL };
		const char	*after[] = { "task", "show", id, "-j", NULL };

		t_cli(&r1, db, before);
		t_cli(&r2, db, after);
		cr_expect_eq(r1.status, 0, "%s", r1.err);
		cr_expect_eq(r2.status, 0, "%s", r2.err);
		cr_expect(r1.out[0] == '{', "%s", r1.out);
		cr_expect_str_eq(r1.out, r2.out);
		t_run_free(&r1);
		t_run_free(&r2);
	}
	free(id);
	free(ka);
	free(kb);
	json_decref(a);
	json_decref(b);
}

Test(cli, plan_list)
{
	const char	*args[] = { "plan", "list", "--json", NULL };
	const char	*table[] = { "plan", "list", NULL };
	struct t_run	 r;
	json_t		*d;

	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0);
	d = json_loads(r.out, 0, NULL);
	cr_assert_not_null(d);
	cr_expect_eq(json_array_size(d), 5);
	cr_expect_str_eq(json_string_value(json_object_get(json_array_get(d, 0),
	    "document_number")), "吉市教通字〔2012〕12号");
	json_decref(d);
	t_run_free(&r);
	t_cli(&r, db, table);
	cr_expect(strstr(r.out, "changchun-2017") != NULL);
	t_run_free(&r);
}
