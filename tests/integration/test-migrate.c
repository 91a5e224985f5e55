/*
 * Migrations against a real database: applied once each, edits refused,
 * a newer schema refused, a failing migration leaves nothing behind.
 */
#include <stdlib.h>
#include <string.h>

#include <criterion/criterion.h>

#include "migrate.h"
#include "support.h"

static PGconn *
fresh_empty(void)
{
	char	*ci = t_db_create();
	PGconn	*c = t_connect(ci);

	/* t_db_create copies a migrated template: start from nothing. */
	t_exec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	free(ci);
	return (c);
}

/* How many repeatable files (migrations/functions) the binary has. */
static int
code_files(void)
{
	const struct migration	*m;
	int			 n = 0;

	for (m = migrations_builtin; m->sql != NULL; m++)
		n += m->code;
	return (n);
}

/* How many numbered migrations it has (numbers may have a gap: one
 * reserved for a branch not merged yet). */
static int
version_files(void)
{
	const struct migration	*m;
	int			 n = 0;

	for (m = migrations_builtin; m->sql != NULL; m++)
		n += !m->code;
	return (n);
}

Test(migrate, applies_each_once)
{
	PGconn			*c = fresh_empty();
	struct migrate_done	 applied, pending;
	char			*cause = NULL;
	int			 cur;

	cr_assert_gt(code_files(), 0);
	cr_assert_eq(migrate_check(c, migrations_builtin, &cur, &pending,
	    &cause), MIGRATE_OK);
	cr_expect_eq(cur, 0);
	cr_expect_eq(pending.versions, version_files());
	cr_expect_eq(pending.code, code_files());
	cr_assert_eq(migrate_apply(c, migrations_builtin, &applied, &cause),
	    MIGRATE_OK, "%s", cause ? cause : "");
	cr_expect_eq(applied.versions, version_files());
	cr_expect_eq(applied.code, code_files());
	cr_assert_eq(migrate_apply(c, migrations_builtin, &applied, &cause),
	    MIGRATE_OK);
	cr_expect_eq(applied.versions, 0);
	cr_expect_eq(applied.code, 0, "unchanged functions are not applied again");
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM schema_migration",
	    0, NULL), version_files());
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM schema_code",
	    0, NULL), code_files());
	cr_assert_eq(migrate_check(c, migrations_builtin, &cur, &pending,
	    &cause), MIGRATE_OK);
	cr_expect_eq(pending.versions + pending.code, 0);
	PQfinish(c);
}

/*
 * A changed function file is applied again, whole, on the next migrate;
 * the numbered migrations are not touched.
 */
Test(migrate, a_changed_function_file_is_reapplied)
{
	PGconn			*c = fresh_empty();
	struct migration	 list[3] = {
		{ 1, "0001-t", "CREATE TABLE t (a int);", 0 },
		{ 1, "functions/10-f", "CREATE OR REPLACE FUNCTION f() RETURNS int "
		    "LANGUAGE sql AS 'SELECT 1';", 1 },
		{ 0, NULL, NULL, 0 }
	};
	struct migrate_done	 applied, pending;
	char			*cause = NULL;
	int			 cur;

	cr_assert_eq(migrate_apply(c, list, &applied, &cause), MIGRATE_OK);
	cr_expect_eq(applied.versions, 1);
	cr_expect_eq(applied.code, 1);
	EXPECT_STR(t_query(c, "SELECT f()", 0, NULL), "1");
	list[1].sql = "CREATE OR REPLACE FUNCTION f() RETURNS int "
	    "LANGUAGE sql AS 'SELECT 2';";
	cr_assert_eq(migrate_check(c, list, &cur, &pending, &cause), MIGRATE_OK);
	cr_expect_eq(pending.versions, 0);
	cr_expect_eq(pending.code, 1);
	cr_assert_eq(migrate_apply(c, list, &applied, &cause), MIGRATE_OK);
	cr_expect_eq(applied.versions, 0);
	cr_expect_eq(applied.code, 1);
	EXPECT_STR(t_query(c, "SELECT f()", 0, NULL), "2");
	PQfinish(c);
}

/* A broken function file changes nothing and names its file and line. */
Test(migrate, a_failing_function_file_changes_nothing)
{
	PGconn			*c = fresh_empty();
	struct migration	 list[4] = {
		{ 1, "0001-t", "CREATE TABLE t (a int);", 0 },
		{ 1, "functions/10-f", "CREATE OR REPLACE FUNCTION f() RETURNS int "
		    "LANGUAGE sql AS 'SELECT 1';", 1 },
		{ 2, "functions/20-g", "CREATE OR REPLACE FUNCTION g() RETURNS int "
		    "LANGUAGE sql AS 'SELECT 1';", 1 },
		{ 0, NULL, NULL, 0 }
	};
	struct migrate_done	 applied;
	char			*cause = NULL;

	cr_assert_eq(migrate_apply(c, list, &applied, &cause), MIGRATE_OK);
	list[1].sql = "CREATE OR REPLACE FUNCTION f() RETURNS int "
	    "LANGUAGE sql AS 'SELECT 2';";
	list[2].sql = "-- g\nCREATE OR REPLACE FUNCTION g() RETURNS int "
	    "LANGUAGE sql AS 'SELECT 2' NO SUCH CLAUSE;";
	cr_assert_eq(migrate_apply(c, list, &applied, &cause), MIGRATE_ERROR);
	cr_expect(strstr(cause, "函数文件 functions/20-g 第 2 行失败") != NULL, "%s",
	    cause);
	free(cause);
	/* f is as it was: the files are applied together or not at all. */
	EXPECT_STR(t_query(c, "SELECT f()", 0, NULL), "1");
	PQfinish(c);
}

Test(migrate, an_edited_migration_is_refused)
{
	PGconn			*c = fresh_empty();
	struct migration	 edited[2] = {
		{ 1, "0001-plan-model", "CREATE TABLE x (a int);", 0 },
		{ 0, NULL, NULL, 0 }
	};
	struct migrate_done	 applied;
	char			*cause = NULL;

	cr_assert_eq(migrate_apply(c, edited, &applied, &cause), MIGRATE_OK);
	edited[0].sql = "CREATE TABLE x (a bigint);";
	cr_assert_eq(migrate_apply(c, edited, &applied, &cause), MIGRATE_EDITED);
	cr_expect_eq(applied.versions, 0);
	cr_expect(strstr(cause, "0001-plan-model 在应用后被修改过") != NULL, "%s",
	    cause);
	free(cause);
	PQfinish(c);
}

Test(migrate, a_newer_schema_is_refused)
{
	PGconn			*c = fresh_empty();
	struct migrate_done	 applied, pending;
	char			*cause = NULL;
	int			 cur;

	cr_assert_eq(migrate_apply(c, migrations_builtin, &applied, &cause),
	    MIGRATE_OK);
	t_exec(c, "INSERT INTO schema_migration VALUES (9999, '9999-future', 'x')");
	cr_assert_eq(migrate_check(c, migrations_builtin, &cur, &pending,
	    &cause), MIGRATE_NEWER);
	cr_expect(strstr(cause, "比本程序支持的版本") != NULL, "%s", cause);
	free(cause);
	cause = NULL;
	cr_expect_eq(migrate_apply(c, migrations_builtin, &applied, &cause),
	    MIGRATE_NEWER);
	free(cause);
	PQfinish(c);
}

Test(migrate, a_failing_migration_leaves_nothing)
{
	PGconn			*c = fresh_empty();
	struct migration	 bad[3] = {
		{ 1, "0001-ok", "CREATE TABLE ok (a int);", 0 },
		{ 2, "0002-bad", "CREATE TABLE half (a int);\nSELECT no_such_column FROM ok;", 0 },
		{ 0, NULL, NULL, 0 }
	};
	struct migrate_done	 applied;
	char			*cause = NULL;

	cr_assert_eq(migrate_apply(c, bad, &applied, &cause), MIGRATE_ERROR);
	cr_expect_eq(applied.versions, 1);
	cr_expect(strstr(cause, "迁移 0002-bad 第 2 行失败") != NULL, "%s", cause);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM pg_tables "
	    "WHERE tablename = 'half'", 0, NULL), 0);
	cr_expect_eq(t_query_long(c, "SELECT max(version) FROM schema_migration",
	    0, NULL), 1);
	free(cause);
	PQfinish(c);
}
