#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

/* syslog(3) priorities, without pulling in <syslog.h>'s openlog state. */
#define PRI_CRIT	2
#define PRI_ERR		3
#define PRI_WARNING	4
#define PRI_NOTICE	5
#define PRI_INFO	6
#define PRI_DEBUG	7

static const char	*log_progname = "duban";
static enum log_mode	 log_mode = LOG_MODE_CLI;
static int		 log_verbose;

void
log_init(const char *progname, enum log_mode mode, int verbose)
{
	log_progname = progname;
	log_mode = mode;
	log_verbose = verbose;
}

void
log_set_verbose(int v)
{
	log_verbose = v;
}

int
log_get_verbose(void)
{
	return (log_verbose);
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char	*msg, *line;
	char	*p;

	xvasprintf(&msg, fmt, ap);
	/* One event, one line: never let a message break the log's framing. */
	for (p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_mode == LOG_MODE_DAEMON)
		xasprintf(&line, "<%d>%s%s%s\n", pri, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	else
		xasprintf(&line, "%s: %s%s%s\n", log_progname, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
	fputs(line, stderr);
	fflush(stderr);
	free(line);
	free(msg);
}

#define LOG_FN(name, pri, cond)					\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	 ap;							\
									\
	if (!(cond))							\
		return;							\
	va_start(ap, fmt);						\
	log_vwrite(pri, fmt, ap, NULL);					\
	va_end(ap);							\
}

LOG_FN(log_debug, PRI_DEBUG, log_verbose > 1)
LOG_FN(log_info, PRI_INFO, log_verbose > 0)
LOG_FN(log_notice, PRI_NOTICE, 1)
LOG_FN(log_warnx, PRI_WARNING, 1)
LOG_FN(log_crit, PRI_CRIT, 1)

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(PRI_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	log_vwrite(PRI_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	exit(70);	/* EX_SOFTWARE */
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vwrite(PRI_ERR, fmt, ap, NULL);
	va_end(ap);
	exit(70);
}
