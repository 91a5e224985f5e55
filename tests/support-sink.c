/*
 * The tests' receivers (tests/receivers): a real SMTP server and HTTP
 * receiver on loopback, each a python3 process whose port the kernel
 * picked, started, read, steered and stopped here.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <criterion/criterion.h>
#include <jansson.h>

#include "support.h"
#include "support-int.h"
#include "xmalloc.h"

/*
 * The receiver binds port 0 on loopback itself and prints the port the
 * kernel gave it on its first line, {"ready": PORT}: no port is guessed,
 * so none can be taken by someone else in between.
 */
static void
sink_start(struct t_sink *k, const char *script, const char *control)
{
	int		 p[2];
	json_t		*ready;
	json_int_t	 port;

	memset(k, 0, sizeof *k);
	if (pipe(p) != 0)
		t_fatal("pipe: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	if ((k->pid = fork()) == -1)
		t_fatal("fork: %s", strerror(errno));
	if (k->pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execl("/usr/bin/python3", "python3", script, control, (char *)NULL);
		_exit(127);
	}
	t_child_add(k->pid);
	close(p[1]);
	k->fd = p[0];
	if (control != NULL)
		k->control = xstrdup(control);
	ready = t_sink_next(k, 30);
	port = json_integer_value(json_object_get(ready, "ready"));
	if (port <= 0 || port > 65535)
		t_fatal("%s did not start (no {\"ready\": PORT} within 30 s)", script);
	k->port = (int)port;
	json_decref(ready);
}

void
t_sink_smtp(struct t_sink *k)
{
	sink_start(k, DUBAN_SOURCE_DIR "/tests/receivers/smtp_sink.py", NULL);
}

void
t_sink_webhook(struct t_sink *k)
{
	char	*control = xprintf("%s/webhook-%d.control", t_tmpdir(), getpid());

	t_write_file(control, "", 0);
	sink_start(k, DUBAN_SOURCE_DIR "/tests/receivers/webhook_sink.py", control);
	free(control);
}

void
t_sink_mode(struct t_sink *k, const char *mode)
{
	t_write_file(k->control, mode, strlen(mode));
}

json_t *
t_sink_next(struct t_sink *k, int timeout)
{
	struct pollfd	 pfd = { k->fd, POLLIN, 0 };
	char		*nl;
	json_t		*j;
	ssize_t		 n;

	for (;;) {
		if ((nl = memchr(k->buf, '\n', k->len)) != NULL) {
			*nl = '\0';
			j = json_loads(k->buf, 0, NULL);
			k->len -= (size_t)(nl + 1 - k->buf);
			memmove(k->buf, nl + 1, k->len);
			if (j == NULL)
				t_fatal("receiver printed something that is not JSON");
			return (j);
		}
		if (poll(&pfd, 1, timeout * 1000) <= 0)
			return (NULL);
		n = read(k->fd, k->buf + k->len, sizeof k->buf - k->len);
		if (n <= 0)
			return (NULL);
		k->len += (size_t)n;
	}
}

void
t_sink_stop(struct t_sink *k)
{
	if (k->pid > 0) {
		kill(k->pid, SIGTERM);
		waitpid(k->pid, NULL, 0);
		t_child_gone(k->pid);
		k->pid = 0;
	}
	close(k->fd);
	free(k->control);
	k->control = NULL;
}
