/*
 * One line per event on stderr.  In daemon mode each line starts with a
 * syslog priority prefix ("<4>") that journald understands; in CLI mode
 * lines read "duban: message".  log_warn appends strerror(errno),
 * log_warnx does not (OpenBSD's convention).
 */
#ifndef DUBAN_LOG_H
#define DUBAN_LOG_H

#include <stdarg.h>

enum log_mode {
	LOG_MODE_CLI,		/* "duban: message" */
	LOG_MODE_DAEMON		/* "<6>message" */
};

void	log_init(const char *progname, enum log_mode, int verbose);
void	log_set_verbose(int);
int	log_get_verbose(void);

void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_notice(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_crit(const char *, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
