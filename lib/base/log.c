#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

/*
 * Repeated lines are limited: at most LIMIT_LINES of one message (by its
 * format) in LIMIT_SECS; the rest are counted, and the count is logged
 * when the period is over ("… 1,234 more in the last 10 s"), so that a
 * flood (every request answered 503 while PostgreSQL is down) is a few
 * lines, not a full disk.
 */
#define LIMIT_LINES	10		/* warnings and notices; not info, debug */
#define LIMIT_SECS	10
#define LIMIT_SLOTS	64

struct limit {
	const char	*fmt;
	int		 pri;
	time_t		 start;
	unsigned long	 lines, dropped;
};
static struct limit	 limits[LIMIT_SLOTS];
static pthread_mutex_t	 limit_lock = PTHREAD_MUTEX_INITIALIZER;

static void	log_line(int, const char *);

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

static time_t
monotonic(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec);
}

/* Says how many lines of each message were dropped in a period now over. */
static void
limit_flush(time_t now)
{
	char	*line;
	int	 i;

	for (i = 0; i < LIMIT_SLOTS; i++) {
		struct limit	*l = &limits[i];

		if (l->fmt == NULL || now - l->start < LIMIT_SECS)
			continue;
		if (l->dropped > 0) {
			xasprintf(&line, "（以上同类消息在 %d 秒内另有 %lu 条未记录）",
			    LIMIT_SECS, l->dropped);
			log_line(l->pri, line);
			free(line);
		}
		l->fmt = NULL;
	}
}

/* Whether a line of fmt may be written now. */
static int
limit_pass(int pri, const char *fmt)
{
	time_t		 now = monotonic();
	struct limit	*l = NULL;
	int		 i, pass;

	pthread_mutex_lock(&limit_lock);
	limit_flush(now);
	for (i = 0; i < LIMIT_SLOTS && l == NULL; i++)
		if (limits[i].fmt == fmt)
			l = &limits[i];
	for (i = 0; i < LIMIT_SLOTS && l == NULL; i++)
		if (limits[i].fmt == NULL) {
			l = &limits[i];
			l->fmt = fmt;
			l->pri = pri;
			l->start = now;
			l->lines = l->dropped = 0;
		}
	if (l == NULL)
		pass = 1;	/* more kinds of message than slots: no limit */
	else if ((pass = l->lines < LIMIT_LINES))
		l->lines++;
	else
		l->dropped++;
	pthread_mutex_unlock(&limit_lock);
	return (pass);
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char	*msg;
	char	*p;

	if ((pri == PRI_WARNING || pri == PRI_NOTICE) && !limit_pass(pri, fmt))
		return;
	xvasprintf(&msg, fmt, ap);
	/* One event, one line: never let a message break the log's framing. */
	for (p = msg; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (suffix != NULL) {
		char	*both;

		xasprintf(&both, "%s: %s", msg, suffix);
		free(msg);
		msg = both;
	}
	log_line(pri, msg);
	free(msg);
}

static void
log_line(int pri, const char *msg)
{
	char	*line;

	if (log_mode == LOG_MODE_DAEMON)
		xasprintf(&line, "<%d>%s\n", pri, msg);
	else
		xasprintf(&line, "%s: %s\n", log_progname, msg);
	fputs(line, stderr);
	fflush(stderr);
	free(line);
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
