/*
 * Upgrades from a real old database: each dump in tests/fixtures/upgrade
 * (made by tests/fixtures/upgrade/make-dump.sh with a release's binaries
 * after real use: plans, writes through duband, a dispatch round,
 * reminders with their deliveries, sessions, feeds) is restored into an
 * empty database and migrated by the binaries under test.  Every row that
 * was there is still there, unchanged, and duban works on the result.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support.h"
#include "xmalloc.h"

/*
 * Columns ("table.column") whose values a migration is allowed to change,
 * with the reason; every other column of their tables is still compared.
 * A migration that rewrites rows adds its column here, and a test of its
 * own for what it rewrites.
 */
static const char *const rewritten[] = {
	"plan.kind",	/* 0021: one of four kinds (test plan_kinds_are_mapped) */
	NULL
};

/* Each table of the dump (but the migrator's own) and its columns. */
static const char TABLES_SQL[] =
    "SELECT coalesce(json_object_agg(t, cols ORDER BY t), '{}')::text FROM ("
    " SELECT c.table_name AS t,"
    "        array_agg(c.column_name::text ORDER BY c.ordinal_position) AS cols"
    "   FROM information_schema.columns c"
    "   JOIN information_schema.tables b USING (table_schema, table_name)"
    "  WHERE c.table_schema = 'public' AND b.table_type = 'BASE TABLE'"
    "    AND c.table_name NOT IN ('schema_migration', 'schema_code')"
    "  GROUP BY c.table_name) x";

/* A row count and a hash of the rows of one table over given columns. */
static const char FP_FUNCTION_SQL[] =
    "CREATE FUNCTION pg_temp.fingerprint(p_table text, p_cols text[])"
    " RETURNS text LANGUAGE plpgsql AS $$"
    " DECLARE v text;"
    " BEGIN"
    "  EXECUTE format('SELECT count(*) || '' '' || md5(coalesce(string_agg(r, E''\\n'''"
    "   || ' ORDER BY r), '''')) FROM (SELECT ROW(%s)::text AS r FROM %I) s',"
    "   (SELECT string_agg(format('%I', c), ', ') FROM unnest(p_cols) c), p_table)"
    "   INTO v;"
    "  RETURN v;"
    " END $$";

static const char FINGERPRINTS_SQL[] =
    "SELECT json_object_agg(key, pg_temp.fingerprint(key,"
    "   ARRAY(SELECT json_array_elements_text(value))) ORDER BY key)::text"
    "  FROM json_each($1::json)";

/* Fingerprints of the tables named in columns (a JSON object), now. */
static json_t *
fingerprints(const char *db, const char *columns)
{
	PGconn		*c = t_connect(db);
	const char	*params[1] = { columns };
	char		*text;
	json_t		*fp;

	t_exec(c, FP_FUNCTION_SQL);
	text = t_query(c, FINGERPRINTS_SQL, 1, params);
	PQfinish(c);
	fp = json_loads(text, 0, NULL);
	cr_assert_not_null(fp, "fingerprints: %s", text);
	free(text);
	return (fp);
}

/* Restores a gzipped plain-text dump with psql; fails the test on error. */
static void
restore(const char *dump, const char *db)
{
	pid_t	 pid;
	int	 status;

	pid = fork();
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c",
		    "gzip -dc \"$1\" | psql -X -q -v ON_ERROR_STOP=1 -o /dev/null \"$2\"",
		    "sh", dump, db, (char *)NULL);
		_exit(127);
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "restoring %s failed", dump);
}

/* columns (TABLES_SQL's JSON) without the rewritten ones.  Allocated. */
static char *
unrewritten(const char *columns)
{
	const char *const	*r;
	json_t			*all = json_loads(columns, 0, NULL), *cols;
	size_t			 i;
	char			*out, *table;

	cr_assert_not_null(all, "%s", columns);
	for (r = rewritten; *r != NULL; r++) {
		table = xstrdup(*r);
		*strchr(table, '.') = '\0';
		cols = json_object_get(all, table);
		for (i = 0; i < json_array_size(cols); i++)
			if (strcmp(json_string_value(json_array_get(cols, i)),
			    strchr(*r, '.') + 1) == 0)
				json_array_remove(cols, i--);
		free(table);
	}
	out = json_dumps(all, JSON_COMPACT);
	json_decref(all);
	return (out);
}

static void
upgrade_one(const char *dump)
{
	char		*db = t_db_create(), *columns, *all;
	const char	*migrate[] = { "db", "migrate", NULL };
	const char	*status[] = { "db", "status", NULL };
	const char	*table;
	json_t		*before, *after, *v;
	struct t_run	 run;
	PGconn		*c;

	/* An empty database, as on the server the dump came from. */
	c = t_connect(db);
	t_exec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	PQfinish(c);
	restore(dump, db);
	c = t_connect(db);
	all = t_query(c, TABLES_SQL, 0, NULL);
	PQfinish(c);
	columns = unrewritten(all);
	free(all);
	before = fingerprints(db, columns);
	cr_assert_gt(json_object_size(before), 10, "%s holds too few tables", dump);
	cr_assert(strcmp(json_string_value(json_object_get(before, "progress")),
	    "0 d41d8cd98f00b204e9800998ecf8427e") != 0, "%s has no history", dump);

	t_cli(&run, db, migrate);
	cr_assert_eq(run.status, 0, "%s: duban db migrate: %s%s", dump, run.out,
	    run.err);
	t_run_free(&run);
	t_cli(&run, db, status);
	cr_expect_eq(run.status, 0, "%s: after migrating, db status: %s%s", dump,
	    run.out, run.err);
	t_run_free(&run);

	after = fingerprints(db, columns);
	json_object_foreach(before, table, v) {
		cr_expect_str_eq(json_string_value(json_object_get(after, table)),
		    json_string_value(v), "%s: table %s changed in the upgrade "
		    "(rows and hash before: %s)", dump, table, json_string_value(v));
	}
	json_decref(before);
	json_decref(after);
	free(columns);
	free(db);
}

/* What a user sees of the upgraded database: the history, the report. */
static void
still_works(const char *dump)
{
	char		*db = t_db_create(), *id;
	const char	*list[] = { "task", "list", "--plan", "jilin-2012", "--json", NULL };
	const char	*report[] = { "report", "quarterly", "--plan", "jilin-2012",
	    "--quarter", "2012Q3", "--format", "csv", NULL };
	const char	*migrate[] = { "db", "migrate", NULL };
	const char	*show[5] = { "task", "show", NULL, NULL, NULL };
	struct t_run	 run;
	json_t		*tasks;
	PGconn		*c;

	c = t_connect(db);
	t_exec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	PQfinish(c);
	restore(dump, db);
	t_cli(&run, db, migrate);
	cr_assert_eq(run.status, 0, "%s", run.err);
	t_run_free(&run);

	t_cli(&run, db, list);
	cr_assert_eq(run.status, 0, "%s", run.err);
	tasks = json_loads(run.out, 0, NULL);
	cr_assert(json_array_size(tasks) == 12, "Jilin 2012 has 12 tasks: %s", run.out);
	id = xprintf("%lld", json_integer_value(json_object_get(
	    json_array_get(tasks, 0), "id")));
	json_decref(tasks);
	t_run_free(&run);

	/* Task 1's history: the writes made through duband before the upgrade. */
	show[2] = id;
	t_cli(&run, db, show);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_expect(strstr(run.out, "第三批已发放") != NULL, "%s", run.out);
	cr_expect(strstr(run.out, "局办公室代为填报") != NULL, "%s", run.out);
	t_run_free(&run);

	t_cli(&run, db, report);
	cr_assert_eq(run.status, 0, "%s", run.err);
	cr_expect(strstr(run.out, "6400") != NULL, "the Q3 report shows 6400: %s",
	    run.out);
	t_run_free(&run);
	free(id);
	free(db);
}

/* Every dump in tests/fixtures/upgrade, oldest first. */
static char **
dumps(size_t *n)
{
	const char	*dir = DUBAN_SOURCE_DIR "/tests/fixtures/upgrade";
	struct dirent	**ents;
	char		**v;
	int		 i, k;

	k = scandir(dir, &ents, NULL, alphasort);
	cr_assert_gt(k, 0, "%s", dir);
	v = xcalloc((size_t)k + 1, sizeof *v);
	*n = 0;
	for (i = 0; i < k; i++) {
		size_t	 len = strlen(ents[i]->d_name);

		if (len > 7 && strcmp(ents[i]->d_name + len - 7, ".sql.gz") == 0)
			v[(*n)++] = xprintf("%s/%s", dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return (v);
}

Test(upgrade, every_row_survives, .timeout = 300)
{
	size_t	 i, n;
	char	**v = dumps(&n);

	cr_assert_gt(n, 0, "no dumps in tests/fixtures/upgrade");
	for (i = 0; i < n; i++) {
		upgrade_one(v[i]);
		free(v[i]);
	}
	free(v);
}

/* 0021: each plan's kind is one of the four, by what it was. */
static void
kinds_mapped(const char *dump)
{
	char		*db = t_db_create(), *got;
	const char	*migrate[] = { "db", "migrate", NULL };
	struct t_run	 run;
	PGconn		*c;
	/* The shipped plans' kinds as the dumps' releases loaded them
	 * (changchun-2017 said 民生清单), and the 督办交办 lists. */
	static const char want_sql[] =
	    "SELECT coalesce(string_agg(p.key || '=' || p.kind, ' ' ORDER BY p.key), '')"
	    "  FROM plan p WHERE p.kind IS DISTINCT FROM CASE"
	    "   WHEN p.origin = 'jiaoban' THEN '交办事项'"
	    "   WHEN p.key IN ('linyi-2019', 'changchun-2021') THEN '工作要点'"
	    "   WHEN p.key = 'baicheng-poverty' THEN '实施意见'"
	    "   ELSE '民生实事' END";

	c = t_connect(db);
	t_exec(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public");
	PQfinish(c);
	restore(dump, db);
	t_cli(&run, db, migrate);
	cr_assert_eq(run.status, 0, "%s", run.err);
	t_run_free(&run);
	c = t_connect(db);
	got = t_query(c, want_sql, 0, NULL);
	cr_expect_str_eq(got, "", "%s: plans of another kind: %s", dump, got);
	free(got);
	got = t_query(c, "SELECT count(*) FROM plan WHERE key = 'jilin-2012'", 0, NULL);
	cr_expect_str_eq(got, "1", "%s: no jilin-2012", dump);
	free(got);
	PQfinish(c);
	free(db);
}

Test(upgrade, plan_kinds_are_mapped, .timeout = 300)
{
	size_t	 i, n;
	char	**v = dumps(&n);

	for (i = 0; i < n; i++) {
		kinds_mapped(v[i]);
		free(v[i]);
	}
	free(v);
}

Test(upgrade, the_upgraded_database_works, .timeout = 300)
{
	size_t	 i, n;
	char	**v = dumps(&n);

	for (i = 0; i < n; i++) {
		still_works(v[i]);
		free(v[i]);
	}
	free(v);
}
