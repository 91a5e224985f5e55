/*
 * Work off the loop: jobs run on a few worker threads, taken from a
 * bounded queue, and finish on the loop, where their done callback runs
 * (api-reports.c renders reports this way; api-session.c and api-users.c
 * hash passwords in a pool of their own).  The threads touch nothing
 * of the loop's: a job owns its input and output until it comes back.
 * Calls no other module.
 */
#ifndef DUBAN_WORK_H
#define DUBAN_WORK_H

#include <event2/event.h>

typedef void	(*work_fn)(void *);

struct work;

/*
 * threads workers (at most 8), finishing their jobs on base, with at
 * most queue_max jobs waiting or running.  Fatal if no pipe.
 */
struct work	*work_new(struct event_base *, int threads, int queue_max);
/*
 * Runs fn(arg) on a worker, then done(arg) on the loop.  Returns 0, or
 * -1 when the queue is full or no worker runs (answer 503): then
 * neither is called.
 */
int		 work_submit(struct work *, work_fn fn, work_fn done, void *arg);
/* Waits for the workers; a finished job's done is still called. */
void		 work_free(struct work *);

#endif
