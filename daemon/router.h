/*
 * Routing: the route tables (one group per api-*.c file, see api.h),
 * matched in the order they were added; a path that matches with
 * another method is answered 405 with Allow, one that matches nothing
 * 404, after the fallback (the pages) has had its chance at a GET
 * outside /api/.  A matched request goes to the gate (auth.c), which
 * decides whether the caller may use the route and runs its handler.
 *
 * Uses http.c for the 404 and 405 answers.  Called by http.c through
 * the handler server.c set (router_dispatch); reaches the gate and the
 * fallback only through the callbacks server.c registered.
 */
#ifndef DUBAN_ROUTER_H
#define DUBAN_ROUTER_H

#include "http.h"

/* A route: method, path pattern ("/api/v1/tasks/{id}"), who may call. */
struct route {
	enum evhttp_cmd_type	 method;
	const char		*pattern;	/* {id}: digits; {key}: a key */
	enum role		 role;
	void			(*handler)(struct req *);
	int			 flags;
};
/* The route may be called by a person who must first change their
 * password (the sign-in's own routes); all others answer 403 to them. */
#define ROUTE_BEFORE_CHANGE	0x1
/* The route takes a file: its body is streamed to the handler in pieces
 * (upload.h), never read whole. */
#define ROUTE_STREAM		0x2

/* Takes a request whose r->route is set; must see that it is answered. */
typedef void	(*router_gate)(struct req *, void *arg);
/* A GET outside /api/ that no route knows: answered (1), or not (0). */
typedef int	(*router_fallback)(struct req *, void *arg);

/* A router whose requests carry app as r->app (the handlers' context). */
struct router	*router_new(void *app);
void		 router_free(struct router *);
/* Adds a table ending in a NULL pattern; kept, not copied. */
void		 router_add(struct router *, const struct route *table);
void		 router_set_gate(struct router *, router_gate, void *arg);
void		 router_set_fallback(struct router *, router_fallback, void *arg);

/* Whether METHOD path (raw, without its query) is a ROUTE_STREAM route. */
int		 router_streams(const char *method, const char *path, void *router);

/* The http_handler (http_set_handler): routes r, or answers 404/405. */
void		 router_dispatch(struct req *, void *router);

#endif
