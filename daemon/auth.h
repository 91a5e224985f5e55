/*
 * Authentication: who is asking (a bearer token, or the pages' session
 * cookie) and whether they may call the route the router matched.  Both
 * are looked up by their SHA-256 and kept for token_cache_ttl seconds;
 * the cache is flushed when the database says a token or session
 * changed (auth_flush, on NOTIFY duban_tokens) and whenever the
 * database goes down or comes back, since a NOTIFY sent meanwhile is
 * lost.  A cached session stops at its own expiry instant.
 *
 * Uses http.c (queries, 401 and 403), router.h's struct route and idem.c.
 * Called by the router through the gate server.c registers
 * (auth_request), by server.c (the cache's life, NOTIFY) and by
 * api-session.c (sign-out).
 */
#ifndef DUBAN_AUTH_H
#define DUBAN_AUTH_H

#include "http.h"

struct config;
struct auth_cache;

/* A cache reading its time to live from cfg, which the caller keeps. */
struct auth_cache *auth_new(const struct config *cfg);
void		 auth_free(struct auth_cache *);
/* Forgets every token and session. */
void		 auth_flush(struct auth_cache *);
/* Sign-out: forgets a session now (others hear of it by NOTIFY). */
void		 auth_forget(struct auth_cache *, const char *hash);

/*
 * The router's gate (router_set_gate, with the cache as arg):
 * authenticates r and fills in who is asking, then runs r->route's
 * handler through its Idempotency-Key (idem.h), or answers 401 or 403
 * (503 when the database cannot say).
 * A route with ROLE_NONE runs at once.
 */
void		 auth_request(struct req *, void *cache);

#endif
