/*
 * The workbook read back by LibreOffice as CSV (xlsx-read.h).
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "report.h"
#include "support.h"
#include "xlsx-read.h"
#include "xmalloc.h"

const char *const sheets[NSHEETS] = {
	"总体", "任务", "指标", "处室", "督办事项", "节点进度",
};

static char *
read_binary(const char *path, size_t *lenp)
{
	char	*buf = NULL, chunk[65536];
	size_t	 len = 0, n;
	FILE	*in = fopen(path, "rb"), *out;

	if (in == NULL)
		return (NULL);
	out = open_memstream(&buf, &len);
	cr_assert(out != NULL);
	while ((n = fread(chunk, 1, sizeof chunk, in)) > 0)
		fwrite(chunk, 1, n, out);
	fclose(in);
	fclose(out);
	*lenp = len;
	return (buf);
}

static int
contains(const char *buf, size_t len, const char *what)
{
	return (memmem(buf, len, what, strlen(what)) != NULL);
}

static void
csv_push_field(struct row *r, const char *s, size_t len)
{
	r->f = xreallocarray(r->f, r->n + 1, sizeof *r->f);
	r->f[r->n++] = xstrndup(s, len);
}

int
csv_parse(struct csv *c, const char *path)
{
	const char	*p;
	char		*field = NULL;
	size_t		 flen = 0, len;
	FILE		*fb;
	struct row	 cur = { NULL, 0 };
	int		 quoted = 0, any = 0;

	memset(c, 0, sizeof *c);
	if ((c->text = read_binary(path, &len)) == NULL)
		return (-1);
	fb = open_memstream(&field, &flen);
	for (p = c->text; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '"' && p[1] == '"') {
				fputc('"', fb);
				p++;
			} else if (*p == '"')
				quoted = 0;
			else
				fputc(*p, fb);
			continue;
		}
		if (*p == '"') {
			quoted = any = 1;
		} else if (*p == ',') {
			fflush(fb);
			csv_push_field(&cur, field, flen);
			rewind(fb);
			flen = 0;
			fflush(fb);
		} else if (*p == '\r' && p[1] == '\n') {
			continue;
		} else if (*p == '\n') {
			fflush(fb);
			csv_push_field(&cur, field, flen);
			rewind(fb);
			flen = 0;
			fflush(fb);
			c->rows = xreallocarray(c->rows, c->n + 1, sizeof *c->rows);
			c->rows[c->n++] = cur;
			cur.f = NULL;
			cur.n = 0;
			any = 0;
		} else {
			fputc(*p, fb);
			any = 1;
		}
	}
	fflush(fb);
	if (any || flen > 0 || cur.n > 0) {
		csv_push_field(&cur, field, flen);
		c->rows = xreallocarray(c->rows, c->n + 1, sizeof *c->rows);
		c->rows[c->n++] = cur;
	}
	fclose(fb);
	free(field);
	return (0);
}

void
csv_free(struct csv *c)
{
	size_t	 i, j;

	for (i = 0; i < c->n; i++) {
		for (j = 0; j < c->rows[i].n; j++)
			free(c->rows[i].f[j]);
		free(c->rows[i].f);
	}
	free(c->rows);
	free(c->text);
	memset(c, 0, sizeof *c);
}

/* A cell, "" past the end. */
const char *
cell(const struct csv *c, size_t row, size_t col)
{
	if (row >= c->n || col >= c->rows[row].n)
		return ("");
	return (c->rows[row].f[col]);
}

/* The row whose first cell is label, or -1. */
long
find_row(const struct csv *c, const char *label)
{
	size_t	 i;

	for (i = 0; i < c->n; i++)
		if (strcmp(cell(c, i, 0), label) == 0)
			return ((long)i);
	return (-1);
}

/* The column of a table's header (row 2), or fails. */
size_t
col_of(const struct csv *c, const char *head, const char *ctx)
{
	size_t	 i;

	for (i = 0; c->n > 1 && i < c->rows[1].n; i++)
		if (strcmp(c->rows[1].f[i], head) == 0)
			return (i);
	t_fatal("%s: no column 「%s」", ctx, head);
}

/* The figure next to a label on 总体. */
const char *
figure(const struct csv *c, const char *label, const char *ctx)
{
	long	 i = find_row(c, label);

	cr_expect(i >= 0, "%s: no row 「%s」", ctx, label);
	return (i >= 0 ? cell(c, (size_t)i, 1) : "");
}

/* ------------------------------------------------------------------
 * The real reader.
 */

static void
mkdirs(const char *path)
{
	char	*p, *s = xstrdup(path);

	for (p = s + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(s, 0700);
			*p = '/';
		}
	cr_assert(mkdir(s, 0700) == 0 || errno == EEXIST, "mkdir %s: %s", s,
	    strerror(errno));
	free(s);
}

/*
 * A LibreOffice profile in dir/name that recalculates on load or not;
 * its URL.
 *
 * It also says the profile has already met this LibreOffice
 * (ooSetupLastVersion): on a start after an upgrade LibreOffice runs
 * its graphics self-tests (GraphicsRenderTests.log), and a headless
 * start never records the version, so without this every conversion
 * ran them: three quarters of its CPU time, nothing to do with reading
 * the workbook.  A version far above any release keeps that true after
 * LibreOffice itself is upgraded.
 */
char *
profile(const char *dir, const char *name, int recalc)
{
	char	*user, *path, *xcu;

	user = xprintf("%s/%s/user", dir, name);
	mkdirs(user);
	path = xprintf("%s/registrymodifications.xcu", user);
	xcu = xprintf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" "
	    "xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
	    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
	    "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\">"
	    "<prop oor:name=\"OOXMLRecalcMode\" oor:op=\"fuse\">"
	    "<value>%d</value></prop></item>\n"
	    "<item oor:path=\"/org.openoffice.Setup/Product\">"
	    "<prop oor:name=\"ooSetupLastVersion\" oor:op=\"fuse\">"
	    "<value>999.9</value></prop></item>\n"
	    "</oor:items>\n", recalc);
	t_write_file(path, xcu, strlen(xcu));
	free(xcu);
	free(path);
	free(user);
	return (xprintf("file://%s/%s", dir, name));
}

/*
 * Converts the workbooks in xlsx (NULL-terminated) to CSVs in outdir
 * with one LibreOffice start, HOME in dir, the given profile and filter.
 * Killed (with what it started) after SOFFICE_TIMEOUT seconds.  Fails
 * the test unless it succeeds.
 */
void
soffice(const char *dir, const char *prof, const char *filter,
    const char *outdir, const char *const *xlsx)
{
	const char	*argv[10 + SOFFICE_FILES + 1];
	char		*env[8], *logpath, *log, *up;
	int		 status = -1, pidfd, rc, fd;
	size_t		 n = 0, i;
	struct pollfd	 pfd;
	pid_t		 pid;

	mkdirs(outdir);
	logpath = xprintf("%s/soffice.log", dir);
	up = xprintf("-env:UserInstallation=%s", prof);
	argv[n++] = SOFFICE;
	argv[n++] = "--headless";
	argv[n++] = "--norestore";
	argv[n++] = "--nolockcheck";
	argv[n++] = up;
	argv[n++] = "--convert-to";
	argv[n++] = filter;
	argv[n++] = "--outdir";
	argv[n++] = outdir;
	for (i = 0; xlsx[i] != NULL; i++) {
		cr_assert(i < SOFFICE_FILES, "soffice: more than %d files",
		    SOFFICE_FILES);
		argv[n++] = xlsx[i];
	}
	argv[n] = NULL;
	/* Its own HOME: LibreOffice will not run as root without one. */
	env[0] = xprintf("HOME=%s", dir);
	env[1] = xprintf("PATH=%s", getenv("PATH") ? getenv("PATH") :
	    "/usr/bin:/bin");
	env[2] = xstrdup("LANG=C.UTF-8");
	env[3] = xstrdup("LC_ALL=C.UTF-8");
	env[4] = xprintf("TMPDIR=%s", dir);
	env[5] = NULL;

	pid = fork();
	cr_assert(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0) {
		setpgid(0, 0);
		fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execve(SOFFICE, (char *const *)argv, env);
		_exit(127);
	}
	setpgid(pid, pid);

	/* Wait for it to exit, or for the time limit: no sleeping. */
	if ((pidfd = (int)syscall(SYS_pidfd_open, pid, 0)) == -1) {
		rc = errno;
		kill(-pid, SIGKILL);
		while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
			;
		t_fatal("pidfd_open: %s", strerror(rc));
	}
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	do
		rc = poll(&pfd, 1, SOFFICE_TIMEOUT * 1000);
	while (rc == -1 && errno == EINTR);
	if (rc == 0)
		kill(-pid, SIGKILL);
	close(pidfd);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	/* Anything it left behind in its process group. */
	kill(-pid, SIGKILL);

	for (i = 0; env[i] != NULL; i++)
		free(env[i]);
	free(up);
	if (rc == 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log = read_binary(logpath, &n);
		t_fatal("soffice %s%s: %s (status %d): %s", xlsx[0],
		    xlsx[1] != NULL ? " …" : "", rc == 0 ? "timed out" : "failed",
		    status, log ? log : "");
	}
	free(logpath);
}

/* The CSV of one sheet that soffice wrote for base.xlsx. */
void
sheet_csv(struct csv *c, const char *outdir, const char *base, const char *sheet)
{
	char	*path = xprintf("%s/%s-%s.csv", outdir, base, sheet);

	if (csv_parse(c, path) == -1)
		t_fatal("LibreOffice wrote no %s", path);
	free(path);
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return (remove(path));
}

/*
 * A fresh directory for one test, removed at its end (or kept), and in
 * any case with t_tmpdir() when the test's process exits.
 */
char *
workdir(void)
{
	char	*tmpl = xprintf("%s/xlsx-XXXXXX", t_tmpdir());

	cr_assert(mkdtemp(tmpl) != NULL, "mkdtemp: %s", strerror(errno));
	return (tmpl);
}

void
workdir_done(char *dir)
{
	const char	*keep = getenv("DUBAN_REPORT_XLSX_KEEP");
	char		*cmd;

	if (keep != NULL && *keep != '\0') {
		mkdirs(keep);
		cmd = xprintf("cp -r '%s'/* '%s'/", dir, keep);
		cr_expect(system(cmd) == 0, "%s", cmd);
		free(cmd);
	}
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
}


/*
 * Writes r to dir/base.xlsx and reads it back three ways.  The file must
 * be a zip (PK) with a sheet per view (and a chart when there is a
 * burn-up).
 */
void
book_read(struct book *b, const json_t *r, const char *dir, const char *base)
{
	books_read(b, &r, &base, 1, dir);
}

/* The CSVs of one of a book's three reads, in views[] order. */
static struct csv *
book_view(struct book *b, size_t view)
{
	return (view == 0 ? b->shown : view == 1 ? b->stored : b->formulas);
}

/*
 * The same for n reports at once: every workbook written and checked,
 * then all of them read with one LibreOffice start per view.
 */
void
books_read(struct book *b, const json_t *const *r, const char *const *base,
    size_t n, const char *dir)
{
	static const struct {
		const char	*name;		/* its directory */
		const char	*filter;
		int		 recalc;	/* the profile: prof[recalc] */
	} views[] = {
		{ "shown", CSV_SHOWN, RECALC_ALWAYS },
		{ "stored", CSV_SHOWN, RECALC_NEVER },
		{ "formulas", CSV_FORMULAS, RECALC_NEVER },
	};
	const char	*files[SOFFICE_FILES + 1];
	char		*xlsx[SOFFICE_FILES], *cause, *prof[2], *buf, *out;
	size_t		 len, k, v, i;
	int		 rc;

	cr_assert(n >= 1 && n <= SOFFICE_FILES, "books_read: %zu books", n);
	for (k = 0; k < n; k++) {
		xlsx[k] = xprintf("%s/%s.xlsx", dir, base[k]);
		cause = NULL;
		rc = report_xlsx(r[k], xlsx[k], &cause);
		cr_assert_eq(rc, 0, "report_xlsx %s: %s", base[k], cause ? cause : "?");
		cr_assert_null(cause);
		buf = read_binary(xlsx[k], &len);
		cr_assert(buf != NULL && len > 4 && memcmp(buf, "PK\3\4", 4) == 0,
		    "%s: not a zip", xlsx[k]);
		cr_expect(contains(buf, len, "xl/worksheets/sheet6.xml"),
		    "%s: six sheets", base[k]);
		cr_expect(contains(buf, len, "xl/charts/chart1.xml") ==
		    (json_array_size(G(r[k], "burnup")) > 0),
		    "%s: a chart iff a burn-up", base[k]);
		free(buf);
		files[k] = xlsx[k];
	}
	files[n] = NULL;

	prof[RECALC_ALWAYS] = profile(dir, "profile-recalc", RECALC_ALWAYS);
	prof[RECALC_NEVER] = profile(dir, "profile-stored", RECALC_NEVER);
	for (v = 0; v < sizeof views / sizeof views[0]; v++) {
		out = xprintf("%s/%s", dir, views[v].name);
		soffice(dir, prof[views[v].recalc], views[v].filter, out, files);
		for (k = 0; k < n; k++)
			for (i = 0; i < NSHEETS; i++)
				sheet_csv(&book_view(&b[k], v)[i], out, base[k],
				    sheets[i]);
		free(out);
	}
	free(prof[RECALC_ALWAYS]);
	free(prof[RECALC_NEVER]);
	for (k = 0; k < n; k++)
		free(xlsx[k]);
}

void
book_free(struct book *b)
{
	size_t	 i;

	for (i = 0; i < NSHEETS; i++) {
		csv_free(&b->shown[i]);
		csv_free(&b->stored[i]);
		csv_free(&b->formulas[i]);
	}
}
