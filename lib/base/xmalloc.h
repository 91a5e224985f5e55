/*
 * Allocation that cannot fail: on exhaustion the process logs and exits,
 * as tmux and OpenSSH do.  Every input that could make an allocation large
 * is bounded before it gets here, so running out means the machine has.
 */
#ifndef DUBAN_XMALLOC_H
#define DUBAN_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Like xasprintf, but returns the string. */
char	*xprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
