/* Shared between the test support files (support.c, support-sink.c). */
#ifndef DUBAN_SUPPORT_INT_H
#define DUBAN_SUPPORT_INT_H

#include <sys/types.h>

/* A child the test process kills at exit unless it was waited for. */
void	t_child_add(pid_t);
void	t_child_gone(pid_t);

#endif
