#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <criterion/hooks.h>

#include "support.h"
#include "support-int.h"
#include "xmalloc.h"

#ifndef nitems
#define nitems(a)	(sizeof (a) / sizeof (a)[0])
#endif

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
		/* Renamed to be shared (t_db_shared): gone without a word. */
		PQclear(PQexec(c, "SET client_min_messages = warning"));
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

/* A new database copied from template (FILE_COPY: a fifth of WAL_LOG's
 * time for a database this size), dropped when the next is made or the
 * process exits. */
static char *
db_copy(const char *template)
{
	static int	 n, registered;
	PGconn		*c;
	PGresult	*r;
	char		*ci, *sql;

	drop_created();
	if (!registered++)
		atexit(drop_created);
	created_db = xprintf("t_%ld_%d", (long)getpid(), ++n);
	ci = xprintf("%s dbname=postgres", t_server());
	c = t_connect(ci);
	/* Names we made ourselves: safe to put in the statement. */
	sql = xprintf("CREATE DATABASE \"%s\" TEMPLATE \"%s\" STRATEGY FILE_COPY",
	    created_db, template);
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
t_db_create(void)
{
	return (db_copy("duban_template"));
}

/* The name of the run's shared database tag, the runner being pid. */
static char *
shared_name(const char *tag, long pid)
{
	return (xprintf("t_shared_%ld_%s", pid, tag));
}

/* Renames the database this process made to name, to keep it past
 * the process (the runner drops it at the end of the run); false when
 * another test of the run kept its own under that name first. */
static int
keep_created(const char *name)
{
	const char	*state;
	PGconn		*c;
	PGresult	*res;
	char		*ci, *sql;
	int		 ok;

	c = t_connect(ci = xprintf("%s dbname=postgres", t_server()));
	free(ci);
	/* Names we made ourselves: safe to put in the statement. */
	sql = xprintf("ALTER DATABASE \"%s\" RENAME TO \"%s\"", created_db, name);
	res = PQexec(c, sql);
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	cr_assert(ok || (state != NULL && strcmp(state, "42P04") == 0), "%s: %s",
	    sql, PQerrorMessage(c));
	PQclear(res);
	PQfinish(c);
	free(sql);
	if (ok) {
		free(created_db);
		created_db = NULL;
	}
	return (ok);
}

char *
t_db_shared(const char *tag, const char *const *load)
{
	char		*name = shared_name(tag, (long)getppid()), *ci, *made;
	PGconn		*c;
	struct t_run	 r;

	ci = xprintf("%s dbname=%s", t_server(), name);
	c = PQconnectdb(ci);
	if (PQstatus(c) == CONNECTION_OK) {
		PQfinish(c);
		free(name);
		return (ci);
	}
	PQfinish(c);
	free(ci);

	/* Dropped when this process exits, unless kept first. */
	made = t_db_create();
	if (load != NULL) {
		t_cli(&r, made, load);
		cr_assert_eq(r.status, 0, "duban %s %s: %s", load[0], load[1], r.err);
		t_run_free(&r);
	}
	free(made);
	/* Another test (under --jobs) may have shared its own first. */
	keep_created(name);
	ci = xprintf("%s dbname=%s", t_server(), name);
	free(name);
	return (ci);
}

char *
t_db_snapshot(const char *tag, void (*build)(const char *db, void *arg), void *arg)
{
	char	*name = shared_name(tag, (long)getppid()), *ci, *db;
	PGconn	*c;

	ci = xprintf("%s dbname=%s", t_server(), name);
	c = PQconnectdb(ci);
	free(ci);
	if (PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		db = t_db_create();
		t_exec(c = t_connect(db), "CREATE SCHEMA t_support;"
		    " CREATE TABLE t_support.kept (name text PRIMARY KEY, value text NOT NULL)");
		PQfinish(c);
		build(db, arg);
		free(db);
		keep_created(name);
	} else
		PQfinish(c);
	db = db_copy(name);
	free(name);
	return (db);
}

void
t_keep(const char *db, const char *name, const char *value)
{
	PGconn	*c = t_connect(db);

	free(t_query(c, "INSERT INTO t_support.kept (name, value) VALUES ($1, $2)"
	    " RETURNING name", 2, (const char *[]){ name, value }));
	PQfinish(c);
}

char *
t_kept(const char *db, const char *name)
{
	PGconn	*c = t_connect(db);
	char	*v = t_query(c, "SELECT value FROM t_support.kept WHERE name = $1", 1,
	    (const char *[]){ name });

	PQfinish(c);
	cr_assert(v != NULL && *v != '\0', "nothing kept as %s", name);
	return (v);
}

void
t_keep_who(const char *db, const struct t_who *who, size_t n)
{
	char	*tok;
	size_t	 i;

	for (i = 0; i < n; i++) {
		tok = who[i].login == NULL ?
		    t_token(db, who[i].role, who[i].office) :
		    t_person_token(db, who[i].login, who[i].person,
		    who[i].office, who[i].role);
		t_keep(db, who[i].name, tok);
		free(tok);
	}
}

void
t_setup_build(const char *db, void *arg)
{
	const struct t_setup	*setup = arg;
	size_t			 i;

	for (i = 0; i < nitems(setup->cli) && setup->cli[i] != NULL; i++)
		t_cli_ok(db, setup->cli[i]);
	t_keep_who(db, setup->who, setup->n);
}

char *
t_tag(const char *prefix, const char *variant)
{
	unsigned	 h = 5381;
	const char	*p;

	for (p = variant; *p != '\0'; p++)
		h = h * 33 + (unsigned char)*p;
	return (xprintf("%s_%u", prefix, h));
}

/* The runner drops the run's shared databases when the run ends. */
ReportHook(POST_ALL)(struct criterion_global_stats *stats)
{
	const char	*path = getenv("DUBAN_TEST_CONNINFO");
	const char	*params[1];
	char		 srv[1024], *ci, *prefix, *sql;
	FILE		*f;
	PGconn		*c;
	PGresult	*res;
	int		 i;

	(void)stats;
	if (path == NULL || (f = fopen(path, "r")) == NULL)
		return;
	if (fgets(srv, sizeof srv, f) == NULL)
		srv[0] = '\0';
	fclose(f);
	srv[strcspn(srv, "\n")] = '\0';
	ci = xprintf("%s dbname=postgres", srv);
	prefix = shared_name("", (long)getpid());
	params[0] = prefix;
	c = PQconnectdb(ci);
	res = PQexecParams(c, "SELECT datname FROM pg_database"
	    " WHERE starts_with(datname, $1)", 1, NULL, params, NULL, NULL, 0);
	for (i = 0; PQresultStatus(res) == PGRES_TUPLES_OK && i < PQntuples(res); i++) {
		/* A name we made ourselves: safe to put in the statement. */
		sql = xprintf("DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
		    PQgetvalue(res, i, 0));
		PQclear(PQexec(c, sql));
		free(sql);
	}
	PQclear(res);
	PQfinish(c);
	free(prefix);
	free(ci);
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
	    " SELECT 'task_completion' || x::text FROM task_completion x UNION ALL"
	    " SELECT 'progress' || x::text FROM progress x UNION ALL"
	    " SELECT 'draft' || x::text FROM draft x UNION ALL"
	    " SELECT 'office_report' || x::text FROM office_report x UNION ALL"
	    " SELECT 'office_report_step' || x::text FROM office_report_step x) s(r)";

	return (t_query(c, sql, 0, NULL));
}

static char *
slurp_fd_len(int fd, size_t *lenp)
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
	if (lenp != NULL)
		*lenp = len;
	return (buf);
}

static char *
slurp_fd(int fd)
{
	return (slurp_fd_len(fd, NULL));
}

void
t_cli(struct t_run *run, const char *db, const char *const *args)
{
	t_cli_input(run, db, args, NULL);
}

void
t_cli_input(struct t_run *run, const char *db, const char *const *args,
    const char *input)
{
	char	 inp[] = "/tmp/duban-test-in-XXXXXX";
	int	 in = -1;
	char	 outp[] = "/tmp/duban-test-out-XXXXXX";
	char	 errp[] = "/tmp/duban-test-err-XXXXXX";
	int	 out = mkstemp(outp), err = mkstemp(errp), status, n = 0;
	char	**argv;
	pid_t	 pid;

	if (out == -1 || err == -1)
		t_fatal("mkstemp: %s", strerror(errno));
	unlink(outp);
	unlink(errp);
	if (input != NULL) {
		if ((in = mkstemp(inp)) == -1)
			t_fatal("mkstemp: %s", strerror(errno));
		unlink(inp);
		if (write(in, input, strlen(input)) != (ssize_t)strlen(input) ||
		    lseek(in, 0, SEEK_SET) != 0)
			t_fatal("write: %s", strerror(errno));
	}
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
		if (in != -1)
			dup2(in, 0);
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
	if (in != -1)
		close(in);
}

void
t_cli_ok(const char *db, const char *const *args)
{
	struct t_run	 r;

	t_cli(&r, db, args);
	cr_assert_eq(r.status, 0, "duban %s %s: %s%s", args[0], args[1], r.out, r.err);
	t_run_free(&r);
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
	/* The length read: a binary file (XLSX) holds NUL bytes. */
	s = slurp_fd_len(fd, lenp);
	close(fd);
	return (s);
}

json_t *
t_load_json(const char *relpath)
{
	json_error_t	 err;
	char		*path = xprintf("%s/%s", DUBAN_SOURCE_DIR, relpath);
	json_t		*j = json_load_file(path, 0, &err);

	if (j == NULL)
		t_fatal("%s:%d: %s", path, err.line, err.text);
	free(path);
	return (j);
}

void
t_write_file(const char *path, const char *data, size_t len)
{
	FILE	*f = fopen(path, "wb");

	if (f == NULL || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		t_fatal("write %s: %s", path, strerror(errno));
}

/* ---------------------------------------------------------------- */
/* duband */

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <curl/curl.h>

/*
 * Children (duband, receivers) still running: killed when the test
 * process exits, also after a failed assertion, so none outlives it.
 */
static pid_t	 children[16];

static void
kill_children(void)
{
	size_t	 i;

	for (i = 0; i < nitems(children); i++) {
		if (children[i] > 0) {
			kill(children[i], SIGKILL);
			waitpid(children[i], NULL, 0);
			children[i] = 0;
		}
	}
}

void
t_child_add(pid_t pid)
{
	static int	 registered;
	size_t		 i;

	if (!registered) {
		atexit(kill_children);
		registered = 1;
	}
	for (i = 0; i < nitems(children); i++) {
		if (children[i] == 0) {
			children[i] = pid;
			return;
		}
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	t_fatal("more than %zu children at once", nitems(children));
}

/* The child has been waited for. */
void
t_child_gone(pid_t pid)
{
	size_t	 i;

	for (i = 0; i < nitems(children); i++)
		if (children[i] == pid)
			children[i] = 0;
}

/*
 * duband binds its --listen address (port 0: one the kernel picks) and
 * says which in the message that carries READY=1:
 * "READY=1\nSTATUS=listening 127.0.0.1:PORT".
 */
static void
notify_address(struct t_daemon *d, const char *msg)
{
	static const char	 key[] = "STATUS=listening ";
	const char		*p;
	size_t			 n;

	for (p = msg; p != NULL; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, key, sizeof key - 1) != 0)
			continue;
		p += sizeof key - 1;
		n = strcspn(p, "\n");
		if (n == 0 || n + sizeof "http://" > sizeof d->url)
			t_fatal("duband announced an address it cannot have: %s", msg);
		snprintf(d->url, sizeof d->url, "http://%.*s", (int)n, p);
		return;
	}
}

void
t_daemon_wait_notify(struct t_daemon *d, const char *want)
{
	char		 buf[4096];
	ssize_t		 n;
	struct timeval	 tv = { 60, 0 };
	char		*log;

	setsockopt(d->notify, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	for (;;) {
		n = recv(d->notify, buf, sizeof buf - 1, 0);
		if (n < 0) {
			log = t_daemon_log(d);
			cr_log_error("%s", log);
			free(log);
			t_fatal("duband sent no %s within 60 s (its log is above)", want);
		}
		buf[n] = '\0';
		notify_address(d, buf);
		if (strstr(buf, want) != NULL)
			return;
	}
}

void
t_daemon_spawn(struct t_daemon *d, const char *db, const char *const *args,
    const char *const *env)
{
	struct sockaddr_un	 sun;
	const char		*argv[32];
	int			 n = 0, i, fd;

	static int	 seq;

	memset(d, 0, sizeof *d);
	seq++;
	d->log = xprintf("%s/duband-%d-%d.log", t_tmpdir(), getpid(), seq);
	d->notify_path = xprintf("%s/notify-%d-%d", t_tmpdir(), getpid(), seq);
	unlink(d->notify_path);
	d->notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", d->notify_path);
	if (bind(d->notify, (struct sockaddr *)&sun, sizeof sun) != 0)
		t_fatal("bind %s: %s", d->notify_path, strerror(errno));

	argv[n++] = DUBAN_DAEMON;
	argv[n++] = "--config";
	argv[n++] = "/dev/null";
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	for (i = 0; args != NULL && args[i] != NULL; i++) {
		if ((size_t)n + 2 > nitems(argv))
			t_fatal("too many arguments for duband");
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	fflush(stdout);
	fflush(stderr);
	if ((d->pid = fork()) == -1)
		t_fatal("fork: %s", strerror(errno));
	if (d->pid == 0) {
		fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
		dup2(fd, 2);
		dup2(fd, 1);
		setenv("DUBAN_DB", db, 1);
		setenv("NOTIFY_SOCKET", d->notify_path, 1);
		for (i = 0; env != NULL && env[i] != NULL; i++)
			putenv((char *)env[i]);
		execv(DUBAN_DAEMON, (char *const *)argv);
		_exit(127);
	}
	t_child_add(d->pid);
}

void
t_daemon_wait_ready(struct t_daemon *d)
{
	char	*log;

	t_daemon_wait_notify(d, "READY=1");
	if (d->url[0] == '\0') {
		log = t_daemon_log(d);
		cr_log_error("%s", log);
		free(log);
		t_fatal("duband sent READY=1 without STATUS=listening ADDRESS "
		    "(its log is above)");
	}
}

void
t_daemon_start(struct t_daemon *d, const char *db, const char *const *args,
    const char *const *env)
{
	t_daemon_spawn(d, db, args, env);
	t_daemon_wait_ready(d);
}

void
t_daemon_kill(struct t_daemon *d, int sig)
{
	if (d->pid > 0)
		kill(d->pid, sig);
}

int
t_daemon_wait(struct t_daemon *d)
{
	int	 status;

	if (d->pid <= 0)
		return (-1);
	while (waitpid(d->pid, &status, 0) == -1 && errno == EINTR)
		;
	t_child_gone(d->pid);
	d->pid = 0;
	return (WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

void
t_daemon_stop(struct t_daemon *d)
{
	int	 rc;
	char	*log;

	if (d->pid > 0) {
		t_daemon_kill(d, SIGTERM);
		if ((rc = t_daemon_wait(d)) != 0) {
			log = t_daemon_log(d);
			cr_log_error("%s", log);
			free(log);
			t_fatal("duband exited %d (its log is above)", rc);
		}
	}
	close(d->notify);
	unlink(d->notify_path);
	free(d->notify_path);
	free(d->log);
	d->notify_path = d->log = NULL;
}

char *
t_daemon_log(struct t_daemon *d)
{
	return (t_read_file(d->log, NULL));
}

void
t_wait_for(PGconn *c, const char *sql, const char *want)
{
	char	*v = NULL;
	int	 i;

	/* A condition in the database, checked a bounded number of times. */
	for (i = 0; i < 3000; i++) {
		free(v);
		v = t_query(c, sql, 0, NULL);
		if (v != NULL && strcmp(v, want) == 0) {
			free(v);
			return;
		}
		usleep(20000);
	}
	t_fatal("%s: still %s, want %s", sql, v ? v : "NULL", want);
}

/* A person's account (password Jilin-Edu-2012-pw, no forced change) and
 * a script token acting for them: `duban user create --password-stdin`
 * and `duban token create --user`. */
char *t_person_token(const char *db, const char *login, const char *name, const char *office,
    const char *role)
{
	const char	*create[] = { "user", "create", "--login", login, "--name", name,
	    "--role", role, "--password-stdin", office ? "--office" : "--org",
	    office ? office : "全部", NULL };
	const char	*token[] = { "token", "create", "--user", login, "--quiet", NULL };
	struct t_run	 r;
	char		*tok;

	t_cli_input(&r, db, create, "Jilin-Edu-2012-pw\n");
	cr_assert_eq(r.status, 0, "%s", r.err);
	t_run_free(&r);
	t_cli(&r, db, token);
	cr_assert_eq(r.status, 0, "%s", r.err);
	tok = xstrndup(r.out, strcspn(r.out, "\n"));
	t_run_free(&r);
	return (tok);
}
