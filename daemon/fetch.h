/*
 * libcurl's multi interface driven by a libevent loop (the "hiperfifo"
 * pattern): transfers for the outbox (SMTP and webhooks) run in the
 * loop without blocking it.  Calls no other module of the daemon's;
 * called by outbox.c.
 */
#ifndef DUBAN_FETCH_H
#define DUBAN_FETCH_H

#include <curl/curl.h>
#include <event2/event.h>

struct fetch;

/*
 * Called once per transfer: ok when libcurl finished it without error;
 * status is the HTTP (or SMTP) response code, body the first bytes of
 * the answer (NUL-terminated), error libcurl's message when not ok.
 */
typedef void	(*fetch_cb)(int ok, long status, const char *body,
		    const char *error, void *arg);

struct fetch	*fetch_new(struct event_base *);
/*
 * Runs a prepared easy handle; fetch owns it, and frees `owned` (an
 * allocation the transfer reads from) and `list` (a curl_slist the caller
 * set as headers or mail recipients) when it is done.
 */
void		 fetch_start(struct fetch *, CURL *, struct curl_slist *list,
		    void *owned, fetch_cb, void *arg);
int		 fetch_running(struct fetch *);
/* Stops every transfer; each callback gets ok 0 and status -1. */
void		 fetch_free(struct fetch *);

#endif
