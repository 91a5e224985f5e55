/*
 * The five shipped plans, loaded through the real CLI into a real
 * database: facts of the source documents, as a user would look them up.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "support.h"
#include "xmalloc.h"

static char	*db;
static PGconn	*conn;

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
	conn = t_connect(db);
}

static void
done(void)
{
	PQfinish(conn);
	free(db);
}

TestSuite(plans, .init = load_all, .fini = done);

/*
 * A field of a task, looked up by plan and task key, or two joined by a
 * space (NULL if either is): lead, basis, label, title, deadline,
 * deadline_form, deadline_text, parent (its key), section ("number title").
 */
static char *
task_q(const char *plan, const char *key, const char *field, const char *field2)
{
	const char	*p[] = { plan, key, field, field2 };

	return (t_query(conn,
	    "SELECT CASE WHEN $4::text IS NULL THEN j ->> $3"
	    "            ELSE (j ->> $3) || ' ' || (j ->> $4) END"
	    "  FROM (SELECT json_build_object('lead', lo.name, 'basis', tl.basis,"
	    "          'label', t.label, 'title', t.title, 'deadline', t.deadline,"
	    "          'deadline_form', t.deadline_form, 'deadline_text', t.deadline_text,"
	    "          'parent', (SELECT key FROM task WHERE id = t.parent_id),"
	    "          'section', (SELECT number || ' ' || title FROM section"
	    "                       WHERE id = t.section_id)) AS j"
	    "          FROM task t JOIN plan p ON p.id = t.plan_id"
	    "          LEFT JOIN task_lead tl ON tl.task_id = t.id"
	    "          LEFT JOIN office lo ON lo.id = tl.office_id"
	    "         WHERE p.key = $1 AND t.key = $2) x", 4, p));
}

/* The task's roles of one kind, "office person" joined by "、". */
static char *
roles(const char *plan, const char *key, const char *role)
{
	const char	*p[] = { plan, key, role };

	return (t_query(conn,
	    "SELECT string_agg(concat_ws(' ', o.name, pe.name), '、' ORDER BY r.position) "
	    "FROM task_role r JOIN task t ON t.id = r.task_id "
	    "JOIN plan p ON p.id = t.plan_id "
	    "LEFT JOIN office o ON o.id = r.office_id "
	    "LEFT JOIN person pe ON pe.id = r.person_id "
	    "WHERE p.key = $1 AND t.key = $2 AND r.role = $3", 3, p));
}

/* A task's targets as "value unit" joined by "、", in document order. */
static char *
targets(const char *plan, const char *key)
{
	const char	*p[] = { plan, key };

	return (t_query(conn,
	    "SELECT string_agg(g.value::text || g.unit, '、' ORDER BY g.position) "
	    "FROM target g JOIN task t ON t.id = g.task_id "
	    "JOIN plan p ON p.id = t.plan_id WHERE p.key = $1 AND t.key = $2",
	    2, p));
}


static long
count(const char *sql, const char *plan)
{
	const char	*p[] = { plan };

	return (t_query_long(conn, sql, plan ? 1 : 0, plan ? p : NULL));
}

Test(plans, task_counts_of_each_document)
{
	static const char top[] = "SELECT count(*) FROM task t JOIN plan p "
	    "ON p.id = t.plan_id WHERE p.key = $1 AND t.parent_id IS NULL";
	static const char all[] = "SELECT count(*) FROM task t JOIN plan p "
	    "ON p.id = t.plan_id WHERE p.key = $1";

	cr_expect_eq(count(top, "changchun-2017"), 12, "Changchun 2017: 12 tasks");
	cr_expect_eq(count(top, "jilin-2012"), 9, "Jilin 2012: 9 projects");
	cr_expect_eq(count(all, "jilin-2012"), 12, "Jilin 5 has ①②③");
	cr_expect_eq(count(top, "changchun-2021"), 35, "Changchun 2021: 35 points");
	cr_expect_eq(count("SELECT count(*) FROM section s JOIN plan p ON "
	    "p.id = s.plan_id WHERE p.key = $1", "changchun-2021"), 9);
	cr_expect_eq(count(top, "linyi-2019"), 12);
	cr_expect_eq(count(top, "baicheng-poverty"), 16);
}

Test(plans, jilin_header_and_plan_roles)
{
	const char	*p[] = { "jilin-2012" };

	EXPECT_STR(t_query(conn, "SELECT document_number || ' ' || issued_on "
	    "FROM plan WHERE key = $1", 1, p), "吉市教通字〔2012〕12号 2012-02-17");
	EXPECT_STR(t_query(conn, "SELECT o.name || ' ' || pe.name FROM plan_role r "
	    "JOIN plan p ON p.id = r.plan_id JOIN office o ON o.id = r.office_id "
	    "JOIN person pe ON pe.id = r.person_id "
	    "WHERE p.key = $1 AND r.role = 'general_office'", 1, p), "局办公室 李智");
	EXPECT_STR(t_query(conn, "SELECT pe.name FROM plan_role r "
	    "JOIN plan p ON p.id = r.plan_id JOIN person pe ON pe.id = r.person_id "
	    "WHERE p.key = $1 AND r.role = 'leading_group_head'", 1, p), "陈雁");
	EXPECT_STR(t_query(conn, "SELECT pe.name FROM plan_role r "
	    "JOIN plan p ON p.id = r.plan_id JOIN person pe ON pe.id = r.person_id "
	    "WHERE p.key = $1 AND r.role = 'chief_dispatcher'", 1, p), "徐雪松");
}

Test(plans, jilin_project_1_roles)
{
	EXPECT_STR(task_q("jilin-2012", "1", "lead", "basis"),
	    "财务审计处 named");
	EXPECT_STR(roles("jilin-2012", "1", "lead"), "财务审计处 陈伟");
	EXPECT_STR(roles("jilin-2012", "1", "responsible"),
	    "基础教育处 刘长泉、职业与成人教育处 李卉坪");
	EXPECT_STR(roles("jilin-2012", "1", "leader"), "于海波、韩非、张彦明");
	EXPECT_STR(roles("jilin-2012", "1", "coordinator"),
	    "市财政局、市监察局、市审计局、市总工会、各县（市）区");
	EXPECT_STR(targets("jilin-2012", "1"),
	    "25%、1500元/年/生、8000名、1200万元、1600名、240万元、"
	    "20%、2000元/年/生、5900名、1180万元、1600名、320万元");
}

Test(plans, jilin_project_5_subitems_have_their_own_deadlines)
{
	EXPECT_STR(task_q("jilin-2012", "5-1", "label", "deadline"),
	    "5① 2012-09-30");
	EXPECT_STR(task_q("jilin-2012", "5-2", "deadline", NULL), "2012-12-31");
	EXPECT_STR(task_q("jilin-2012", "5-3", "deadline", NULL), "2012-10-31");
	EXPECT_STR(roles("jilin-2012", "5-1", "responsible"), "人事处 宿艳梅");
	EXPECT_STR(roles("jilin-2012", "5-1", "leader"), "杨凤琴");
	EXPECT_STR(roles("jilin-2012", "5-2", "responsible"), "教育基建办公室 孙金文");
	EXPECT_STR(roles("jilin-2012", "5-3", "leader"), "张彦明");
	EXPECT_STR(targets("jilin-2012", "5-1"), "90所、200名");
	EXPECT_STR(task_q("jilin-2012", "5-1", "parent", NULL),
	    "5");
	/* A sole 责任处室 leads where the document names no 牵头处室. */
	EXPECT_STR(task_q("jilin-2012", "5-1", "lead", "basis"),
	    "人事处 sole_responsible");
}

Test(plans, jilin_project_7_training_terms_are_milestones)
{
	const char	*p[] = { "jilin-2012", "7" };

	EXPECT_STR(t_query(conn, "SELECT string_agg(m.title || ' ' || m.due_on, '、' "
	    "ORDER BY m.position) FROM milestone m JOIN task t ON t.id = m.task_id "
	    "JOIN plan p ON p.id = t.plan_id WHERE p.key = $1 AND t.key = $2", 2, p),
	    "完成时限 2012-10-31、寒假期培训 2012-02-29、暑假期培训 2012-08-31");
	EXPECT_STR(task_q("jilin-2012", "7", "deadline_text", NULL),
	    "划分寒暑假两个阶段实施，2012年10月完成。");
	EXPECT_STR(targets("jilin-2012", "7"), "4000人、150万元、40个");
}

Test(plans, jilin_project_8_lead_is_written_as_an_abbreviation)
{
	EXPECT_STR(task_q("jilin-2012", "8", "lead", NULL), "体育卫生艺术教育处");
	EXPECT_STR(roles("jilin-2012", "8", "lead"), "体育卫生艺术教育处 秦德恩");
	EXPECT_STR(roles("jilin-2012", "8", "responsible"), "财务审计处 陈伟");
	cr_expect_eq(count("SELECT count(*) FROM office o JOIN organisation g ON "
	    "g.id = o.org_id WHERE g.name = '吉林市教育局' AND o.name = $1",
	    "体卫艺教育处"), 0, "the abbreviation is an alias, not a second office");
}

Test(plans, changchun_2017_targets_and_no_lead_offices)
{
	EXPECT_STR(targets("changchun-2017", "4"), "18所、3000个、730所");
	EXPECT_STR(targets("changchun-2017", "1"), "1000元/年/生、1000元/年/生、2000元/年/生");
	EXPECT_STR(targets("changchun-2017", "2"), "800元/月");
	EXPECT_STR(targets("changchun-2017", "6"), "8所、10000个");
	EXPECT_STR(task_q("changchun-2017", "5", "deadline_form", "deadline"),
	    "年内 2017-12-31");
	cr_expect_eq(count("SELECT count(*) FROM task t JOIN plan p ON p.id = t.plan_id "
	    "JOIN task_lead tl ON tl.task_id = t.id WHERE p.key = $1 "
	    "AND tl.office_id IS NOT NULL", "changchun-2017"), 0,
	    "the report names no lead office: none is invented");
	cr_expect_eq(count("SELECT count(*) FROM task_role r JOIN task t ON "
	    "t.id = r.task_id JOIN plan p ON p.id = t.plan_id WHERE p.key = $1",
	    "changchun-2017"), 0);
}

Test(plans, changchun_2021_points)
{
	EXPECT_STR(task_q("changchun-2021", "1", "title", NULL), "加强党对教育的全面领导");
	EXPECT_STR(task_q("changchun-2021", "35", "title", NULL), "推进信访维稳工作");
	EXPECT_STR(targets("changchun-2021", "11"), "95%、10所");
	{
		const char *p[] = { "changchun-2021", "11" };

		EXPECT_STR(t_query(conn, "SELECT g.qualifier FROM target g"
		    " JOIN task t ON t.id = g.task_id JOIN plan p ON p.id = t.plan_id"
		    " WHERE p.key = $1 AND t.key = $2 AND g.unit = '%'", 2, p), "at_least");
	}
	EXPECT_STR(targets("changchun-2021", "30"), "100所");
	EXPECT_STR(targets("changchun-2021", "26"), "12所");
	EXPECT_STR(task_q("changchun-2021", "11", "section", NULL), "三 强化优质办学，集优发展实现高质量");
}

Test(plans, linyi_items_and_their_offices)
{
	EXPECT_STR(task_q("linyi-2019", "2-1", "label", "title"),
	    "二（一） 实施农村公办幼儿园建设与提升工程");
	EXPECT_STR(roles("linyi-2019", "2-1", "responsible"),
	    "学前办、规划财务科、各县区教育和体育局");
	EXPECT_STR(roles("linyi-2019", "3-2", "responsible"),
	    "基教科、规划财务科、资助中心、各县区教育和体育局");
	EXPECT_STR(roles("linyi-2019", "4-1", "responsible"),
	    "职成科、各县区教育和体育局、各中等职业学校");
	EXPECT_STR(task_q("linyi-2019", "4-1", "lead", "basis"),
	    "职成科 sole_responsible");
	cr_expect_null(task_q("linyi-2019", "2-1", "lead", NULL),
	    "two offices named and none said to lead: no lead office");
	EXPECT_STR(roles("linyi-2019", "5-2", "responsible"),
	    "电教馆、规划财务科、各县区教育和体育局");
	EXPECT_STR(targets("linyi-2019", "5-1"), "400人");
	EXPECT_STR(targets("linyi-2019", "5-2"), "100%、100Mbps");
	{
		const char *p[] = { "linyi-2019", "5-1", "summer" };

		EXPECT_STR(t_query(conn, "SELECT m.due_on::text FROM milestone m"
		    " JOIN task t ON t.id = m.task_id JOIN plan p ON p.id = t.plan_id"
		    " WHERE p.key = $1 AND t.key = $2 AND m.key = $3", 3, p), "2019-08-31");
	}
	EXPECT_STR(task_q("linyi-2019", "3-3", "deadline", NULL), "2019-12-31");
}

Test(plans, baicheng_subsidies_and_quarterly_inspections)
{
	const char	*p[] = { "baicheng-poverty" };

	EXPECT_STR(targets("baicheng-poverty", "1-5"), "300元/人/月、500元/人/月");
	EXPECT_STR(targets("baicheng-poverty", "2-2"), "1000元/年/生、1250元/年/生、2000元/学年/生");
	EXPECT_STR(t_query(conn, "SELECT year || ' ' || (year_basis IS NOT NULL) "
	    "FROM plan WHERE key = $1", 1, p), "2017 true");
	EXPECT_STR(t_query(conn, "SELECT string_agg(m.due_on::text, ' ' ORDER BY m.due_on) "
	    "FROM milestone m JOIN task t ON t.id = m.task_id JOIN plan p ON "
	    "p.id = t.plan_id WHERE p.key = $1 AND t.key = '4-4' AND m.kind = 'phase'",
	    1, p), "2017-03-31 2017-06-30 2017-09-30 2017-12-31 2017-12-31");
}

Test(plans, every_task_has_its_deadline_milestone)
{
	cr_expect_eq(count("SELECT count(*) FROM task t WHERE NOT EXISTS ("
	    "SELECT 1 FROM milestone m WHERE m.task_id = t.id AND m.kind = 'deadline' "
	    "AND m.due_on = t.deadline)", NULL), 0);
	cr_expect_eq(count("SELECT count(*) FROM task", NULL), 87);
}
