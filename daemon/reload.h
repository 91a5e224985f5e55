/*
 * SIGHUP: the configuration file, the pages and the plans are read and
 * checked on a thread, off the loop (reading files is disk I/O), and the
 * result is handed back to the loop through a pipe.  A configuration
 * with an error is logged and the running one kept; a good one is handed
 * to the apply callback, which swaps it in.  Plans go through the same
 * all-or-nothing loader as `duban plan load`, as one statement, so a
 * broken file changes nothing in the database.  Systemd hears RELOADING=1
 * at the start and READY=1 at the end.
 *
 * Uses config.c, web.c (reading the pages) and pool.c (loading the
 * plans).  Called by server.c, which it answers only through the apply
 * callback.
 */
#ifndef DUBAN_RELOAD_H
#define DUBAN_RELOAD_H

#include <event2/event.h>

struct config;
struct config_source;
struct pool;
struct web;
struct reload;

/*
 * A valid configuration was read: next, with its strings, is the
 * callback's to keep, and so is web, the pages under next's web_root;
 * web is NULL when web_root is empty, or when web_err says why the pages
 * could not be read.  Runs on the loop, before the plans are loaded.
 */
typedef void	(*reload_apply_cb)(struct config *next, struct web *web,
		    const char *web_err, void *arg);

/*
 * Reloads on base, reading the configuration as src says (the caller
 * keeps src) and loading plans through pool.  NULL if no pipe.
 */
struct reload	*reload_new(struct event_base *, struct pool *,
		    const struct config_source *src, reload_apply_cb, void *arg);
/* Starts a reload; one asked for while another runs follows it. */
void		 reload_start(struct reload *);
/* Stopping: no reload starts any more. */
void		 reload_close(struct reload *);
/* Waits for a thread still reading files, drops what it read, frees. */
void		 reload_free(struct reload *);

#endif
