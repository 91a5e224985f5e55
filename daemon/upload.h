/*
 * Request bodies that are never whole in memory (佐证材料 up to 20 MB).
 *
 * evhttp reads a request's whole body into memory before it hands the
 * request over, and libevent 2.1 has no hook between a server request's
 * head and its body.  So each connection's bufferevent is a filter over
 * the socket's (evhttp_set_bevcb), and the filter sees the bytes first:
 *
 *   - At a request boundary it waits for the request's first line.  A
 *     request whose method and path the match callback calls an upload
 *     (POST /api/v1/targets/{id}/files, ...) has its head passed to
 *     evhttp rewritten: Content-Length: 0, Expect and Transfer-Encoding
 *     dropped, and an X-Duban-Upload header naming the upload with a
 *     random nonce.  evhttp hands the bodiless request over at once;
 *     http.c finds the upload by the nonce and the connection.
 *   - The handler checks who asks and what, then pulls the body in
 *     pieces (upload_next), each only once it has finished with the one
 *     before: the filter moves no more bytes off the socket's buffer than
 *     the piece asked for, and the socket's buffer has a high-water mark,
 *     so a connection holds at most a piece and the mark.  The bytes all
 *     uploads hold are capped (upload_memory); past the cap upload_next
 *     refuses and the handler answers 503 with Retry-After.
 *   - Any other request passes through untouched.  The filter goes back
 *     to waiting for a request line only when an answer is sent and evhttp
 *     has consumed everything passed to it (so it is at a boundary as
 *     evhttp sees it); pipelined requests stay with evhttp.
 *   - An answer sent before the body was read makes the filter discard
 *     the rest of the body (or, when the client waits for 100 Continue or
 *     the body cannot be framed, close the connection after the answer).
 *
 * A body must have a Content-Length: a chunked upload is answered 411.
 * A client that goes away or stalls (past the connection's read timeout,
 * or the upload's own deadline) ends its upload with UPLOAD_GONE.
 *
 * The same filter keeps each connection honest from its accept: a
 * connection counts from then (so that the cap on connections holds for
 * those that never send a whole request), one address may hold at most
 * max_per_client, and a request's head must be in within header_timeout
 * seconds of its first byte (of the accept, for the first): a client
 * past either is answered 503 or 408 and closed.
 *
 * On the way out, the filter replaces libevent's own HTML error pages
 * with problem+json (conn-errors.h).
 *
 * Called by http.c (set-up and requests) and the upload handlers
 * (api-files.c); calls conn-errors.c.
 */
#ifndef DUBAN_UPLOAD_H
#define DUBAN_UPLOAD_H

#include <stddef.h>
#include <stdint.h>

#include <event2/bufferevent.h>
#include <event2/event.h>

struct uploads;
struct upload;

/* Connections, for /metrics. */
struct uploads_stats {
	int		 open;		/* from accept to close */
	int		 asking;	/* with a request being answered */
	unsigned long	 refused_client;	/* past max_per_client */
	unsigned long	 header_timeouts;	/* a head not in in time */
};

/* Is "METHOD path" (the path without its query) an upload route? */
typedef int	(*upload_match_fn)(const char *method, const char *path, void *arg);

struct uploads	*uploads_new(struct event_base *, upload_match_fn, void *arg);
void		 uploads_free(struct uploads *);
/* Limits: bytes all uploads may hold; one upload's deadline (seconds);
 * the largest head the filter reads before passing a request on; the
 * connections one address may hold; the seconds a request's head may
 * take from its first byte (or from the accept). */
void		 uploads_limits(struct uploads *, size_t memory, int timeout,
		    size_t max_headers, int per_client, int header_timeout);
/* Called as each connection opens (accepted) and closes. */
void		 uploads_set_conn_cbs(struct uploads *, void (*opened)(void *),
		    void (*closed)(void *), void *arg);
void		 uploads_stats(struct uploads *, struct uploads_stats *);
/* A request arrived whole on bev: its head is in time. */
void		 uploads_request(struct uploads *, struct bufferevent *bev);
/* The bufferevent for a new connection (evhttp_set_bevcb's callback). */
struct bufferevent *uploads_bev(struct event_base *, void *uploads);
/* Bytes held now, uploads receiving now (metrics). */
void		 uploads_counts(struct uploads *, size_t *held, int *active);

/*
 * A request arrived on bev with header value nonce (X-Duban-Upload): the
 * upload it announces, now owned by the caller (upload_release), or NULL
 * if it is not one of this connection's.
 */
struct upload	*uploads_take(struct uploads *, struct bufferevent *bev,
		    const char *nonce);
/*
 * An answer is about to be sent on bev for a request that had upload u
 * (or NULL).  Returns 1 when the answer must close the connection.
 */
int		 uploads_answering(struct uploads *, struct bufferevent *bev,
		    struct upload *u);

/* The body's length (Content-Length), or -1 when it had none (chunked). */
int64_t		 upload_length(const struct upload *);
/* Why the head could not be taken as an upload, or NULL. */
const char	*upload_problem(const struct upload *);

enum upload_event {
	UPLOAD_MORE,	/* a piece; more follows */
	UPLOAD_END,	/* the last piece (may be empty) */
	UPLOAD_GONE	/* the client went away or stalled: no more */
};
typedef void	(*upload_cb)(struct upload *, enum upload_event,
		    const unsigned char *data, size_t len, void *arg);

/*
 * Asks for the next piece of at most want bytes; cb is called once, from
 * the loop, never from inside upload_next.  Returns 0, or -1 when the
 * cap on bytes held would be passed (answer 503; cb is not called).
 */
int		 upload_next(struct upload *, size_t want, upload_cb, void *arg);
/* The caller is done with u (answered, or gave up): frees it. */
void		 upload_release(struct upload *);

#endif
