/*
 * Plan parsing: what the loader receives from a valid file, and hostile
 * input refused in bounded time and memory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "diag.h"
#include "plan.h"
#include "support.h"
#include "xmalloc.h"
#include "ytree.h"

static const char HEADER[] =
    "duban-plan: 1\n"
    "plan:\n"
    "  key: t-2012\n"
    "  title: 测试计划\n"
    "  year: 2012\n"
    "  issuer: 吉林市教育局\n"
    "  source: {file: x.txt}\n";

static json_t *
parse(const char *body, struct diags *d)
{
	char	*doc = xprintf("%s%s", HEADER, body);
	json_t	*p;

	diags_init(d);
	p = plan_parse("t.yaml", doc, strlen(doc), d);
	free(doc);
	return (p);
}

static json_t *
task(json_t *plan, const char *key)
{
	json_t	*t;
	size_t	 i;

	json_array_foreach(json_object_get(plan, "tasks"), i, t)
		if (strcmp(json_string_value(json_object_get(t, "key")), key) == 0)
			return (t);
	t_fatal("no task %s", key);
}

#define S(o, k) json_string_value(json_object_get((o), (k)))

Test(plan, subtasks_take_their_own_deadlines_and_the_parent_the_latest)
{
	struct diags	 d;
	json_t		*p, *t, *ms;

	p = parse("tasks:\n"
	    "  - key: '5'\n"
	    "    number: '5'\n"
	    "    title: 均衡发展\n"
	    "    subtasks:\n"
	    "      - {key: 5-1, number: ①, title: 交流, deadline: 2012年9月}\n"
	    "      - {key: 5-3, number: ③, title: 装备, deadline: 2012年10月}\n", &d);
	diags_print(&d, stderr);
	cr_assert_not_null(p);
	cr_expect_str_eq(S(task(p, "5-1"), "deadline"), "2012-09-30");
	cr_expect_str_eq(S(task(p, "5-1"), "label"), "5①");
	cr_expect_str_eq(S(task(p, "5-1"), "parent"), "5");
	t = task(p, "5");
	cr_expect_str_eq(S(t, "deadline"), "2012-10-31");
	ms = json_array_get(json_object_get(t, "milestones"), 0);
	cr_expect_str_eq(S(ms, "key"), "deadline");
	cr_expect_str_eq(S(ms, "title"), "完成时限");
	cr_expect_str_eq(S(ms, "due"), "2012-10-31");
	json_decref(p);
	diags_free(&d);
}

Test(plan, default_deadline_and_phases)
{
	struct diags	 d;
	json_t		*p, *ms;

	p = parse("  default_deadline: 全年\n"
	    "tasks:\n"
	    "  - key: '7'\n"
	    "    number: '7'\n"
	    "    title: 技能培训\n"
	    "    milestones:\n"
	    "      - {key: winter, title: 寒假期培训, due: 寒假}\n"
	    "      - {key: summer, title: 暑假期培训, due: 暑假}\n", &d);
	diags_print(&d, stderr);
	cr_assert_not_null(p);
	ms = json_object_get(task(p, "7"), "milestones");
	cr_assert_eq(json_array_size(ms), 3);
	cr_expect_str_eq(S(json_array_get(ms, 0), "due"), "2012-12-31");
	cr_expect_str_eq(S(json_array_get(ms, 0), "due_form"), "全年");
	cr_expect_str_eq(S(json_array_get(ms, 1), "due"), "2012-02-29");
	cr_expect_str_eq(S(json_array_get(ms, 2), "due"), "2012-08-31");
	json_decref(p);
	diags_free(&d);
}

/* completion_evidence: yes for 办结 with 佐证材料; left out, no. */
Test(plan, completion_evidence_yes_and_left_out)
{
	struct diags	 d;
	json_t		*p;

	p = parse("  completion_evidence: yes\n"
	    "  default_deadline: 全年\n"
	    "tasks:\n"
	    "  - {key: '1', number: '1', title: 学位}\n", &d);
	diags_print(&d, stderr);
	cr_assert_not_null(p);
	cr_expect(json_is_true(json_object_get(p, "completion_evidence")));
	json_decref(p);
	diags_free(&d);

	p = parse("  default_deadline: 全年\n"
	    "tasks:\n"
	    "  - {key: '1', number: '1', title: 学位}\n", &d);
	diags_print(&d, stderr);
	cr_assert_not_null(p);
	cr_expect(json_is_false(json_object_get(p, "completion_evidence")));
	json_decref(p);
	diags_free(&d);
}

/* kind: one of four, 民生实事 when left out; phone: the plan's and a
 * task's 监督电话, a number as written. */
Test(plan, kind_and_phone)
{
	struct diags	 d;
	json_t		*p;
	char		*out = NULL;
	size_t		 len = 0;
	FILE		*f;

	p = parse("  default_deadline: 全年\n"
	    "tasks:\n"
	    "  - {key: '1', number: '1', title: 学位}\n", &d);
	cr_assert_not_null(p);
	cr_expect_str_eq(S(p, "kind"), "民生实事");
	cr_expect(json_is_null(json_object_get(p, "phone")));
	cr_expect(json_is_null(json_object_get(task(p, "1"), "phone")));
	json_decref(p);
	diags_free(&d);

	p = parse("  kind: 工作要点\n"
	    "  phone: 0432-62012345\n"
	    "  default_deadline: 全年\n"
	    "tasks:\n"
	    "  - {key: '1', number: '1', title: 学位, phone: '12345、0432-6201 2345转8'}\n"
	    "  - {key: '2', number: '2', title: 校车}\n", &d);
	diags_print(&d, stderr);
	cr_assert_not_null(p);
	cr_expect_str_eq(S(p, "kind"), "工作要点");
	cr_expect_str_eq(S(p, "phone"), "0432-62012345");
	cr_expect_str_eq(S(task(p, "1"), "phone"), "12345、0432-6201 2345转8");
	cr_expect(json_is_null(json_object_get(task(p, "2"), "phone")));
	json_decref(p);
	diags_free(&d);

	/* A kind not among the four, a phone that is not a number: each
	 * where it is written, the kinds named. */
	p = parse("  kind: 民生清单\n"
	    "  phone: 请致电办公室\n"
	    "  default_deadline: 全年\n"
	    "tasks:\n"
	    "  - {key: '1', number: '1', title: 学位, phone: '12'}\n", &d);
	cr_expect_null(p);
	f = open_memstream(&out, &len);
	diags_print(&d, f);
	fclose(f);
	cr_expect(strstr(out, "t.yaml:8:9: ") != NULL, "%s", out);
	cr_expect(strstr(out, "“民生清单”无效，可用：民生实事、工作要点、实施意见、交办事项") != NULL,
	    "%s", out);
	cr_expect(strstr(out, "t.yaml:9:10: ") != NULL, "%s", out);
	cr_expect(strstr(out, "监督电话（phone）应为电话号码") != NULL, "%s", out);
	cr_expect(strstr(out, "任务“1”的监督电话") != NULL, "%s", out);
	free(out);
	diags_free(&d);
}

Test(plan, office_aliases_resolve_to_one_office)
{
	struct diags	 d;
	json_t		*p, *roles, *o;
	size_t		 i, n = 0;

	p = parse("  default_deadline: 全年\n"
	    "offices:\n"
	    "  - {name: 体育卫生艺术教育处, aliases: [体卫艺教育处]}\n"
	    "tasks:\n"
	    "  - key: '8'\n"
	    "    number: '8'\n"
	    "    title: 饮用水\n"
	    "    lead: {office: 体卫艺教育处, person: 秦德恩}\n"
	    "    coordinating: [市财政局, 各县（市）区]\n", &d);
	diags_print(&d, stderr);
	cr_assert_not_null(p);
	roles = json_object_get(task(p, "8"), "roles");
	cr_expect_str_eq(S(json_array_get(roles, 0), "office"), "体育卫生艺术教育处");
	cr_expect_str_eq(S(json_array_get(roles, 0), "person"), "秦德恩");
	json_array_foreach(json_object_get(p, "offices"), i, o) {
		n++;
		if (strcmp(S(o, "name"), "市财政局") == 0)
			cr_expect_str_eq(S(o, "kind"), "department");
		if (strcmp(S(o, "name"), "各县（市）区") == 0)
			cr_expect_str_eq(S(o, "kind"), "group");
		cr_expect(strcmp(S(o, "name"), "体卫艺教育处") != 0,
		    "the alias must not become an office of its own");
	}
	cr_expect_eq(n, 3);
	json_decref(p);
	diags_free(&d);
}

Test(plan, every_problem_is_reported_not_just_the_first)
{
	struct diags	 d;
	json_t		*p;

	p = parse("  default_deadline: 全年\n"
	    "tasks:\n"
	    "  - {key: '1', number: '1', title: 甲, deadline: 2012-02-30}\n"
	    "  - {key: '2', number: '2', title: 乙, dedline: 全年}\n"
	    "  - {key: '1', number: '3', title: 丙}\n", &d);
	cr_expect_null(p);
	cr_assert_eq(d.n, 3, "got %zu problems", d.n);
	cr_expect_eq(d.v[0].line, 10);
	cr_expect(strstr(d.v[0].msg, "日期不存在") != NULL, "%s", d.v[0].msg);
	cr_expect_eq(d.v[1].line, 11);
	cr_expect(strstr(d.v[1].msg, "是否应为“deadline”") != NULL, "%s",
	    d.v[1].msg);
	cr_expect_eq(d.v[2].line, 12);
	cr_expect(strstr(d.v[2].msg, "任务键“1”重复") != NULL, "%s", d.v[2].msg);
	diags_free(&d);
}

/* ---------------------------------------------------------------- */
/* Office names that name two offices: warnings, the plan still read. */

Test(plan, two_offices_in_one_name_are_a_warning_with_the_position)
{
	struct diags	 d;
	json_t		*p;

	p = parse("  default_deadline: 全年\n"
	    "offices:\n"
	    "  - {name: 人力资源和社会保障局, kind: department}\n"
	    "  - {name: 各县（市、区）教育局, kind: group}\n"
	    "  - {name: 发展和改革委员会, aliases: [发改委]}\n"
	    "  - {name: 财务处及审计处}\n"
	    "tasks:\n"
	    "  - key: '1'\n"
	    "    number: '1'\n"
	    "    title: 甲\n"
	    "    lead: {office: 组干科、机关党委, person: 陈伟}\n"
	    "    responsible:\n"
	    "      - {office: 办公室（督查室）和信息中心}\n"
	    "      - {office: 科学技术和信息化局}\n"
	    "    coordinating: [市财政局与市发展和改革委员会, 团委，妇委会；工会]\n", &d);
	cr_assert_not_null(p, "warnings alone must not refuse the plan: %s",
	    d.n ? d.v[0].msg : "");
	cr_expect_eq(diags_errors(&d), 0);
	cr_assert_eq(d.n, 5, "got %zu warnings", d.n);
	cr_expect(d.v[0].warning);
	cr_expect_eq(d.v[0].line, 13);
	cr_expect_eq(d.v[0].col, 12);
	cr_expect_str_eq(d.v[0].msg, "“财务处及审计处”像是两个处室：财务处；审计处，请分开填写");
	cr_expect_eq(d.v[1].line, 18);
	cr_expect_eq(d.v[1].col, 20);
	cr_expect_str_eq(d.v[1].msg,
	    "“组干科、机关党委”像是两个处室：组干科；机关党委，请分开填写");
	cr_expect_eq(d.v[2].line, 20);
	cr_expect_str_eq(d.v[2].msg, "“办公室（督查室）和信息中心”像是两个处室："
	    "办公室（督查室）；信息中心，请分开填写");
	cr_expect_eq(d.v[3].line, 22);
	cr_expect_str_eq(d.v[3].msg, "“市财政局与市发展和改革委员会”像是两个处室："
	    "市财政局；市发展和改革委员会，请分开填写");
	cr_expect_str_eq(d.v[4].msg,
	    "“团委，妇委会；工会”像是三个处室：团委；妇委会；工会，请分开填写");
	/* The file is read as written: the warning changes nothing. */
	cr_expect_str_eq(S(json_array_get(json_object_get(task(p, "1"), "roles"),
	    0), "office"), "组干科、机关党委");
	json_decref(p);
	diags_free(&d);
}

Test(plan, a_warning_does_not_hide_an_error)
{
	struct diags	 d;
	json_t		*p;

	p = parse("tasks:\n"
	    "  - {key: '1', number: '1', title: 甲, deadline: 全年,\n"
	    "     lead: {office: 组干科和机关党委}}\n"
	    "  - {key: '2', number: '2', title: 乙, deadline: 尽快}\n", &d);
	cr_expect_null(p);
	cr_expect_eq(diags_errors(&d), 1);
	cr_expect_eq(diags_warnings(&d), 1);
	diags_free(&d);
}

Test(diag, warnings_print_as_such_and_errors_are_counted_past_the_limit)
{
	struct diags	 d;
	char		*buf = NULL;
	size_t		 len = 0, i;
	FILE		*f;

	diags_init(&d);
	for (i = 0; i < DIAG_MAX; i++)
		diags_warn(&d, "a.yaml", 3, 7, "名称“%s”可疑", "甲、乙");
	diags_add(&d, "a.yaml", 9, 1, "出错");
	cr_expect_eq(d.n, DIAG_MAX);
	cr_expect_eq(diags_errors(&d), 1, "an error past the limit still counts");
	cr_expect_eq(diags_warnings(&d), DIAG_MAX);
	f = open_memstream(&buf, &len);
	diags_print(&d, f);
	fclose(f);
	cr_expect(strncmp(buf, "a.yaml:3:7: 警告：名称“甲、乙”可疑\n",
	    strlen("a.yaml:3:7: 警告：名称“甲、乙”可疑\n")) == 0, "%.80s", buf);
	free(buf);
	diags_free(&d);
}

/* ---------------------------------------------------------------- */
/* Control characters in names and texts: refused where they are. */

Test(plan, control_characters_are_refused_at_their_field)
{
	struct diags	 d;
	json_t		*p;

	p = parse("tasks:\n"
	    "  - key: '1'\n"
	    "    number: '1'\n"
	    "    title: \"红\\e[31m字\"\n"
	    "    text: \"第一行\\n第二行\\t缩进\"\n"
	    "    deadline: 全年\n"
	    "    lead: {office: \"办公室\\x9b\", person: \"陈\\r伟\"}\n"
	    "    leaders: [\"王\\u0085五\"]\n"
	    "    measures: \"回车\\r覆盖\"\n", &d);
	cr_expect_null(p);
	cr_assert_eq(diags_errors(&d), 5, "got %zu", diags_errors(&d));
	cr_expect_eq(d.v[0].line, 11);
	cr_expect_eq(d.v[0].col, 12);
	cr_expect(strstr(d.v[0].msg, "字段“title”中有控制字符") != NULL, "%s",
	    d.v[0].msg);
	cr_expect(strstr(d.v[0].msg, "\\x1b") != NULL, "shown escaped: %s",
	    d.v[0].msg);
	cr_expect_eq(d.v[1].line, 16);
	cr_expect(strstr(d.v[1].msg, "字段“measures”中有控制字符") != NULL, "%s",
	    d.v[1].msg);
	cr_expect_eq(d.v[2].line, 14);
	cr_expect(strstr(d.v[2].msg, "处室名称") != NULL &&
	    strstr(d.v[2].msg, "中有控制字符") != NULL, "%s", d.v[2].msg);
	cr_expect_eq(d.v[3].line, 14);
	cr_expect(strstr(d.v[3].msg, "人员姓名") != NULL, "%s", d.v[3].msg);
	cr_expect_eq(d.v[4].line, 15);
	cr_expect(strstr(d.v[4].msg, "责任领导") != NULL &&
	    strstr(d.v[4].msg, "控制字符") != NULL, "%s", d.v[4].msg);
	diags_free(&d);
}

/* ---------------------------------------------------------------- */
/* Hostile input: each refused with a position, in bounded memory. */

static void
expect_file_refused(const char *path, int line, int col, const char *msg)
{
	struct diags	 d;
	json_t		*p;

	diags_init(&d);
	p = plan_read_file(path, &d);
	cr_expect_null(p);
	cr_assert_geq(d.n, 1);
	cr_expect_eq(d.v[0].line, line, "line %d, want %d", d.v[0].line, line);
	cr_expect_eq(d.v[0].col, col, "col %d, want %d", d.v[0].col, col);
	cr_expect(strstr(d.v[0].msg, msg) != NULL, "「%s」 lacks 「%s」",
	    d.v[0].msg, msg);
	json_decref(p);
	diags_free(&d);
}

Test(hostile, scalar_of_100_MB_is_refused_before_it_is_read, .timeout = 60)
{
	char	*path = xprintf("%s/big.yaml", t_tmpdir());
	FILE	*f = fopen(path, "w");
	size_t	 i;
	char	 chunk[65536];

	cr_assert_not_null(f);
	fputs("duban-plan: 1\nplan:\n  title: \"", f);
	memset(chunk, 'x', sizeof chunk);
	for (i = 0; i < 100 * 16; i++)
		fwrite(chunk, 1, sizeof chunk, f);
	fputs("\"\n", f);
	fclose(f);
	expect_file_refused(path, 1, 1, "文件过大");
	free(path);
}

Test(hostile, scalar_over_64_KiB_names_its_position)
{
	char	*path = xprintf("%s/long.yaml", t_tmpdir());
	size_t	 n = 70000, len;
	char	*doc = xmalloc(n + 200);

	len = (size_t)sprintf(doc, "duban-plan: 1\nplan:\n  key: x\n  title: ");
	memset(doc + len, 'x', n);
	len += n;
	len += (size_t)sprintf(doc + len, "\n");
	t_write_file(path, doc, len);
	expect_file_refused(path, 4, 10, "文本过长");
	free(doc);
	free(path);
}

Test(hostile, too_many_nodes)
{
	char	*path = xprintf("%s/nodes.yaml", t_tmpdir());
	size_t	 n = YTREE_MAX_NODES + 10, i, len;
	char	*doc = xmalloc(2 * n + 100);

	len = (size_t)sprintf(doc, "x: [");
	for (i = 0; i < n; i++) {
		doc[len++] = '1';
		doc[len++] = ',';
	}
	len += (size_t)sprintf(doc + len, "1]\n");
	t_write_file(path, doc, len);
	/* Nodes: mapping, key, list, then items from column 5, two apart. */
	expect_file_refused(path, 1, 2 * (YTREE_MAX_NODES - 2) + 3, "节点过多");
	free(doc);
	free(path);
}

Test(hostile, missing_file)
{
	struct diags	 d;

	diags_init(&d);
	cr_expect_null(plan_read_file("/nonexistent/plan.yaml", &d));
	cr_assert_eq(d.n, 1);
	cr_expect(strstr(d.v[0].msg, "无法打开") != NULL);
	diags_free(&d);
}
