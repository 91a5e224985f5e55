/*
 * Where duband's links point: the public base address, computed once
 * each time a configuration is applied (at start and on every reload, by
 * server.c) and read by everyone who hands out a link: the calendar
 * feeds (api-feeds.c) and the reminders (outbox.c).  Includes nothing of
 * the daemon's.
 */
#ifndef DUBAN_SITE_H
#define DUBAN_SITE_H

struct site;

struct site	*site_new(void);
void		 site_free(struct site *);

/*
 * Sets the base address: public_url when it is not empty, else
 * "http://" and bound (the address the listener is bound to), without
 * any trailing '/', so that base + "/path" never has "//" after the
 * host.  pages says whether duband serves the web pages there.
 */
void		 site_apply(struct site *, const char *public_url,
		    const char *bound, int pages);

/* The base address ("https://duban.example.gov.cn/duban"); never NULL. */
const char	*site_base(const struct site *);

/* The base address when duband serves the pages there, else NULL. */
const char	*site_pages(const struct site *);

#endif
