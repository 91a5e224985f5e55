/*
 * The CLI as a user meets it: exit codes, help, the task table's
 * alignment and the JSON fields, against the real database.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "utf8.h"
#include "xmalloc.h"

static char	*db;

static void
load_all(void)
{
	const char	*args[16] = { "plan", "load" };
	struct t_run	 r;
	int		 i;

	db = t_db_create();
	for (i = 0; t_plan_files[i] != NULL; i++)
		args[2 + i] = t_plan_files[i];
	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "plan load failed: %s", r.err);
	t_run_free(&r);
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
		{ "calendar", "open" },
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
