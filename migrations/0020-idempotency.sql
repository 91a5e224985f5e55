-- Idempotent writes: a request's Idempotency-Key, the request it stands
-- for and, once sent, its answer (see migrations/functions/78-idempotency.sql
-- and docs/man/duband.8, "Idempotent writes").
--
-- A key is scoped to the token that sent it (a session: its token), so
-- two callers never collide.  request_hash is the SHA-256 duband computes
-- over the method, the URI, If-Match and the body: the same key with
-- another request is refused (422).
--
-- The row goes through three states, each its own transaction:
--   claimed   duband took the key before running the route (claim is a
--             fencing number: the route's queries succeed only while they
--             hold it, so a takeover can never write twice);
--   applied   a query of the route committed, in the same transaction as
--             its write (applied = true);
--   answered  the answer duband sent is stored (status is set) and is
--             what a retry gets.
-- Keys are forgotten after 24 hours (the daily sweep, and on reuse).

CREATE SEQUENCE idempotency_claim;

CREATE TABLE idempotency_key (
	scope		text NOT NULL,			-- the token's SHA-256
	key		text NOT NULL CHECK (length(key) BETWEEN 1 AND 255
			    AND key ~ '^[\x20-\x7e]+$'),
	method		text NOT NULL,
	path		text NOT NULL,
	request_hash	text NOT NULL CHECK (request_hash ~ '^[0-9a-f]{64}$'),
	claim		bigint NOT NULL UNIQUE,		-- the fence
	claimed_at	timestamptz NOT NULL,		-- real time: abandoned claims
	created_at	timestamptz NOT NULL,		-- duban's clock: expiry
	applied		boolean NOT NULL DEFAULT false,
	status		int CHECK (status BETWEEN 100 AND 499),
	headers		jsonb,				-- ETag, Location, ...
	content_type	text,
	body		bytea,
	PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_key_created ON idempotency_key (created_at);
