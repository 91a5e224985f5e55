/*
 * Idempotent writes: a write (POST, PUT, PATCH, DELETE) sent with an
 * Idempotency-Key header is run at most once per key and caller; a retry
 * with the same key and the same request gets the first answer again
 * (Idempotent-Replayed: true) and writes nothing; the same key with
 * another request is 422.
 *
 * The key is taken in the database before the route runs
 * (duban_idempotency_begin, migrations/functions/78-idempotency.sql),
 * with a fencing number; every query the route then sends is wrapped so
 * that the same statement, in the same transaction as its write, marks
 * the key applied, and fails (writing nothing) if the fence was lost;
 * the answer is stored when it is sent.  See docs/man/duband.8 for what
 * a retry gets when duband stops between the write and the answer.
 *
 * Streamed routes (ROUTE_STREAM) and routes that need no token are run
 * as they are; so are requests without the header.
 *
 * Uses http.c (queries, answers, the request's hooks) and the pool and
 * configuration in struct api.  Called by auth.c once the caller may
 * use the route.
 */
#ifndef DUBAN_IDEM_H
#define DUBAN_IDEM_H

#include "http.h"

/* The longest key taken: 255 printable ASCII characters. */
#define IDEM_KEY_MAX	255

/* Runs r's route (authorized), through its Idempotency-Key if any. */
void	idem_run(struct req *);

#endif
