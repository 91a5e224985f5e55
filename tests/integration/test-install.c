/*
 * `cmake --install` puts everything where Debian expects it, and the
 * systemd unit passes `systemd-analyze verify` and rates 2.0 or lower in
 * `systemd-analyze security --offline=true`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <criterion/criterion.h>

#include "support.h"
#include "xmalloc.h"

static int
run(char **out, const char *cmd)
{
	char	 buf[65536];
	FILE	*p = popen(cmd, "r");
	size_t	 n;
	int	 st;

	cr_assert_not_null(p);
	n = fread(buf, 1, sizeof buf - 1, p);
	buf[n] = '\0';
	st = pclose(p);
	if (out != NULL)
		*out = xstrdup(buf);
	return (WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

static const char *const installed[] = {
	"/usr/bin/duban", "/usr/sbin/duband", "/lib/systemd/system/duband.service",
	"/usr/lib/sysusers.d/duban.conf", "/etc/duban/duband.conf",
	"/usr/share/doc/duban/examples/duband.conf",
	"/usr/share/man/man1/duban.1", "/usr/share/man/man5/duban-plan.5",
	"/usr/share/man/man8/duband.8", "/usr/share/duban/plans/jilin-2012.yaml",
	NULL
};

Test(install, files_unit_and_sandbox, .timeout = 120)
{
	const char	*root = t_tmpdir();
	char		*cmd, *out, *path, *score;
	struct stat	 st;
	double		 level;
	int		 i;

	cmd = xprintf("DESTDIR='%s/root' cmake --install '%s' --prefix /usr 2>&1",
	    root, DUBAN_BINARY_DIR);
	cr_assert_eq(run(&out, cmd), 0, "%s", out);
	free(cmd);
	free(out);
	for (i = 0; installed[i] != NULL; i++) {
		path = xprintf("%s/root%s", root, installed[i]);
		cr_expect_eq(stat(path, &st), 0, "%s is not installed", installed[i]);
		free(path);
	}

	/* verify checks that the commands exist: point them at the staging root. */
	cmd = xprintf("sed 's|/usr/sbin/duband|%s/root/usr/sbin/duband|g' "
	    "'%s/root/lib/systemd/system/duband.service' > '%s/duband.service' && "
	    "systemd-analyze verify --man=no '%s/duband.service' 2>&1", root, root,
	    root, root);
	cr_expect_eq(run(&out, cmd), 0, "systemd-analyze verify: %s", out);
	cr_expect_str_empty(out, "systemd-analyze verify complained: %s", out);
	free(cmd);
	free(out);

	cmd = xprintf("systemd-analyze security --offline=true "
	    "'%s/root/lib/systemd/system/duband.service' 2>&1", root);
	run(&out, cmd);
	score = strstr(out, "Overall exposure level for duband.service: ");
	cr_assert_not_null(score, "%s", out);
	level = strtod(score + strlen("Overall exposure level for duband.service: "),
	    NULL);
	cr_expect_leq(level, 2.0, "exposure %.1f: %s", level, out);
	free(cmd);
	free(out);

	/* The unit's own check, as ExecStartPre runs it. */
	cmd = xprintf("'%s/root/usr/sbin/duband' -n --config '%s/root/etc/duban/duband.conf'"
	    " --plans '%s/root/usr/share/duban/plans' 2>&1", root, root, root);
	cr_expect_eq(run(&out, cmd), 0, "%s", out);
	cr_expect_str_eq(out, "configuration OK\n");
	free(cmd);
	free(out);
}
