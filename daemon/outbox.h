/*
 * The outbox, worked from the loop: a sweep every sweep_interval puts
 * what is due today into it; deliveries are claimed under a lease, sent
 * by SMTP or webhook (fetch.c), and marked sent, or retried with backoff,
 * then failed.  At least once: a claim whose process died is taken again
 * when its lease runs out.  Messages link to site_base(), and to the
 * pages when site_pages() says duband serves them.
 *
 * Uses pool.c, fetch.c and site.c.  Called by server.c, which hears
 * through the idle callback when a sweep, a claim or a delivery has
 * finished (outbox_idle() may have become true); and by api-health.c
 * for its counts.
 */
#ifndef DUBAN_OUTBOX_H
#define DUBAN_OUTBOX_H

#include <event2/event.h>

struct config;
struct pool;
struct site;
struct outbox;

/*
 * An outbox on base, reading cfg (which the caller keeps, and may change:
 * see outbox_apply_config), querying pool and linking to site.
 */
struct outbox	*outbox_new(struct event_base *, const struct config *cfg,
		    struct pool *, const struct site *);
void		 outbox_set_idle_cb(struct outbox *, void (*)(void *), void *arg);
/* The configuration changed: new timers (none when reminders = 0). */
void		 outbox_apply_config(struct outbox *);
/* The database is up: sweep now, then deliver. */
void		 outbox_wake(struct outbox *);
/* Something may be waiting to be sent (NOTIFY duban_outbox). */
void		 outbox_notify(struct outbox *);
/* Stopping: no new sweep or claim; what is under way goes on. */
void		 outbox_close(struct outbox *);
/* No sweep, claim or delivery is under way. */
int		 outbox_idle(struct outbox *);
void		 outbox_stats(struct outbox *, unsigned long long *sent,
		    unsigned long long *failed, int *inflight);
/* Stops every transfer (their leases will expire) and frees. */
void		 outbox_free(struct outbox *);

#endif
