#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "support.h"
#include "xmalloc.h"

const char *const t_plan_files[] = {
	DUBAN_SOURCE_DIR "/plans/baicheng-poverty.yaml",
	DUBAN_SOURCE_DIR "/plans/changchun-2017.yaml",
	DUBAN_SOURCE_DIR "/plans/changchun-2021.yaml",
	DUBAN_SOURCE_DIR "/plans/jilin-2012.yaml",
	DUBAN_SOURCE_DIR "/plans/linyi-2019.yaml",
	NULL
};

static char	*server;
static char	*created_db;
static char	*tmpdir;

const char *
t_server(void)
{
	const char	*path = getenv("DUBAN_TEST_CONNINFO");
	char		*s;
	size_t		 len;

	if (server != NULL)
		return (server);
	if (path == NULL)
		t_fatal("DUBAN_TEST_CONNINFO is not set: run the suite with ctest");
	s = t_read_file(path, &len);
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
		s[--len] = '\0';
	if (len == 0)
		t_fatal("%s is empty: the db-start fixture failed", path);
	server = s;
	return (server);
}

PGconn *
t_connect(const char *conninfo)
{
	PGconn	*c = PQconnectdb(conninfo);

	if (PQstatus(c) != CONNECTION_OK)
		t_fatal("connect %s: %s", conninfo, PQerrorMessage(c));
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return (c);
}

static void
drop_created(void)
{
	PGconn	*c;
	char	*ci, *sql;

	if (created_db == NULL)
		return;
	ci = xprintf("%s dbname=postgres", t_server());
	c = PQconnectdb(ci);
	if (PQstatus(c) == CONNECTION_OK) {
		/* A name we made ourselves: safe to put in the statement. */
		sql = xprintf("DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
		    created_db);
		PQclear(PQexec(c, sql));
		free(sql);
	}
	PQfinish(c);
	free(ci);
	free(created_db);
	created_db = NULL;
}

char *
t_db_create(void)
{
	static int	 n;
	PGconn		*c;
	PGresult	*r;
	char		*ci, *sql;

	if (created_db != NULL)
		drop_created();
	else
		atexit(drop_created);
	created_db = xprintf("t_%ld_%d", (long)getpid(), ++n);
	ci = xprintf("%s dbname=postgres", t_server());
	c = t_connect(ci);
	sql = xprintf("CREATE DATABASE \"%s\" TEMPLATE duban_template",
	    created_db);
	r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		t_fatal("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
	free(sql);
	free(ci);
	return (xprintf("%s dbname=%s", t_server(), created_db));
}

char *
t_query(PGconn *c, const char *sql, int n, const char *const *params)
{
	PGresult	*r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	char		*v = NULL;

	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		t_fatal("%s: %s", sql, PQerrorMessage(c));
	if (PQntuples(r) > 0 && !PQgetisnull(r, 0, 0))
		v = xstrdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	return (v);
}

long
t_query_long(PGconn *c, const char *sql, int n, const char *const *params)
{
	char	*v = t_query(c, sql, n, params);
	long	 l;

	if (v == NULL)
		t_fatal("%s: NULL result", sql);
	l = strtol(v, NULL, 10);
	free(v);
	return (l);
}

void
t_exec(PGconn *c, const char *sql)
{
	PGresult	*r = PQexec(c, sql);

	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK)
		t_fatal("%s: %s", sql, PQerrorMessage(c));
	PQclear(r);
}

char *
t_fingerprint(PGconn *c)
{
	static const char sql[] =
	    "SELECT md5(coalesce(string_agg(r, E'\\n' ORDER BY r), '')) FROM ("
	    " SELECT 'organisation' || x::text FROM organisation x UNION ALL"
	    " SELECT 'office' || x::text FROM office x UNION ALL"
	    " SELECT 'person' || x::text FROM person x UNION ALL"
	    " SELECT 'plan' || x::text FROM plan x UNION ALL"
	    " SELECT 'plan_role' || x::text FROM plan_role x UNION ALL"
	    " SELECT 'section' || x::text FROM section x UNION ALL"
	    " SELECT 'task' || x::text FROM task x UNION ALL"
	    " SELECT 'task_role' || x::text FROM task_role x UNION ALL"
	    " SELECT 'target' || x::text FROM target x UNION ALL"
	    " SELECT 'milestone' || x::text FROM milestone x UNION ALL"
	    " SELECT 'progress' || x::text FROM progress x) s(r)";

	return (t_query(c, sql, 0, NULL));
}

static char *
slurp_fd(int fd)
{
	size_t	 len = 0, cap = 4096;
	char	*buf = xmalloc(cap);
	ssize_t	 n;

	lseek(fd, 0, SEEK_SET);
	for (;;) {
		if (len + 1 >= cap)
			buf = xreallocarray(buf, cap *= 2, 1);
		n = read(fd, buf + len, cap - len - 1);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (buf);
}

void
t_cli(struct t_run *run, const char *db, const char *const *args)
{
	char	 outp[] = "/tmp/duban-test-out-XXXXXX";
	char	 errp[] = "/tmp/duban-test-err-XXXXXX";
	int	 out = mkstemp(outp), err = mkstemp(errp), status, n = 0;
	char	**argv;
	pid_t	 pid;

	if (out == -1 || err == -1)
		t_fatal("mkstemp: %s", strerror(errno));
	unlink(outp);
	unlink(errp);
	while (args[n] != NULL)
		n++;
	argv = xcalloc((size_t)n + 2, sizeof *argv);
	argv[0] = (char *)DUBAN_CLI;
	memcpy(argv + 1, args, (size_t)n * sizeof *argv);
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		t_fatal("fork: %s", strerror(errno));
	if (pid == 0) {
		dup2(out, 1);
		dup2(err, 2);
		if (db != NULL)
			setenv("DUBAN_DB", db, 1);
		else
			unsetenv("DUBAN_DB");
		execv(DUBAN_CLI, argv);
		_exit(127);
	}
	free(argv);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	run->status = WIFEXITED(status) ? WEXITSTATUS(status) :
	    128 + WTERMSIG(status);
	run->out = slurp_fd(out);
	run->err = slurp_fd(err);
	close(out);
	close(err);
}

void
t_run_free(struct t_run *run)
{
	free(run->out);
	free(run->err);
	run->out = run->err = NULL;
}

char *
t_src(const char *relpath)
{
	static char	 buf[4096];

	snprintf(buf, sizeof buf, "%s/%s", DUBAN_SOURCE_DIR, relpath);
	return (buf);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

static void
rm_tmpdir(void)
{
	if (tmpdir != NULL)
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(tmpdir);
	tmpdir = NULL;
}

const char *
t_tmpdir(void)
{
	char	 tmpl[] = "/tmp/duban-test-XXXXXX";

	if (tmpdir != NULL)
		return (tmpdir);
	if (mkdtemp(tmpl) == NULL)
		t_fatal("mkdtemp: %s", strerror(errno));
	tmpdir = xstrdup(tmpl);
	atexit(rm_tmpdir);
	return (tmpdir);
}

char *
t_read_file(const char *path, size_t *lenp)
{
	int	 fd = open(path, O_RDONLY);
	char	*s;

	if (fd == -1)
		t_fatal("open %s: %s", path, strerror(errno));
	s = slurp_fd(fd);
	close(fd);
	if (lenp != NULL)
		*lenp = strlen(s);
	return (s);
}

void
t_write_file(const char *path, const char *data, size_t len)
{
	FILE	*f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		t_fatal("write %s: %s", path, strerror(errno));
}
