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

Test(migrate, applies_each_once)
{
	PGconn	*c = fresh_empty();
	char	*cause = NULL;
	int	 applied, cur, pending;

	cr_assert_eq(migrate_check(c, migrations_builtin, &cur, &pending,
	    &cause), MIGRATE_OK);
	cr_expect_eq(cur, 0);
	cr_expect_eq(pending, migrate_latest(migrations_builtin));
	cr_assert_eq(migrate_apply(c, migrations_builtin, &applied, &cause),
	    MIGRATE_OK, "%s", cause ? cause : "");
	cr_expect_eq(applied, migrate_latest(migrations_builtin));
	cr_assert_eq(migrate_apply(c, migrations_builtin, &applied, &cause),
	    MIGRATE_OK);
	cr_expect_eq(applied, 0);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM schema_migration",
	    0, NULL), migrate_latest(migrations_builtin));
	PQfinish(c);
}

Test(migrate, an_edited_migration_is_refused)
{
	PGconn			*c = fresh_empty();
	struct migration	 edited[2] = {
		{ 1, "0001-plan-model", "CREATE TABLE x (a int);" },
		{ 0, NULL, NULL }
	};
	char			*cause = NULL;
	int			 applied;

	cr_assert_eq(migrate_apply(c, edited, &applied, &cause), MIGRATE_OK);
	edited[0].sql = "CREATE TABLE x (a bigint);";
	cr_assert_eq(migrate_apply(c, edited, &applied, &cause), MIGRATE_EDITED);
	cr_expect_eq(applied, 0);
	cr_expect(strstr(cause, "0001-plan-model 在应用后被修改过") != NULL, "%s",
	    cause);
	free(cause);
	PQfinish(c);
}

Test(migrate, a_newer_schema_is_refused)
{
	PGconn	*c = fresh_empty();
	char	*cause = NULL;
	int	 applied, cur, pending;

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
		{ 1, "0001-ok", "CREATE TABLE ok (a int);" },
		{ 2, "0002-bad", "CREATE TABLE half (a int);\nSELECT no_such_column FROM ok;" },
		{ 0, NULL, NULL }
	};
	char			*cause = NULL;
	int			 applied;

	cr_assert_eq(migrate_apply(c, bad, &applied, &cause), MIGRATE_ERROR);
	cr_expect_eq(applied, 1);
	cr_expect(strstr(cause, "迁移 0002-bad 第 2 行失败") != NULL, "%s", cause);
	cr_expect_eq(t_query_long(c, "SELECT count(*) FROM pg_tables "
	    "WHERE tablename = 'half'", 0, NULL), 0);
	cr_expect_eq(t_query_long(c, "SELECT max(version) FROM schema_migration",
	    0, NULL), 1);
	free(cause);
	PQfinish(c);
}
