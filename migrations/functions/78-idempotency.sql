-- Idempotent writes (see migrations/0020-idempotency.sql for the model
-- and daemon/idem.h for the caller): duband takes a key with
-- duban_idempotency_begin before running a write route, wraps each of the
-- route's queries so that the same transaction calls
-- duban_idempotency_applied, and stores the answer it sent with
-- duban_idempotency_finish.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- Takes p_key for a request, or says what a retry should get:
--   claimed   the key is this request's now (claim: its fence): run it;
--   replay    the first answer (status, headers, content_type, body);
--   mismatch  the key was used for another request (422);
--   busy      the first request is still running, or its answer is
--             being stored (409, Retry-After);
--   unknown   the first request wrote, but its answer was never stored
--             (duband or the database connection went away in between).
-- A claim without an answer for p_stale seconds of real time was
-- abandoned by a duband that stopped: if it wrote nothing it is taken
-- over with a new fence, else it is 'unknown'.  Keys older than 24 hours
-- on p_now are forgotten.
CREATE OR REPLACE FUNCTION duban_idempotency_begin(p_scope text, p_key text,
    p_method text, p_path text, p_hash text, p_now timestamptz, p_stale int)
RETURNS TABLE (outcome text, claim bigint, status int, headers jsonb,
    content_type text, body bytea)
LANGUAGE plpgsql AS $$
DECLARE
	k	idempotency_key;
	v_claim	bigint;
BEGIN
	LOOP
		INSERT INTO idempotency_key AS i (scope, key, method, path,
		    request_hash, claim, claimed_at, created_at)
		VALUES (p_scope, p_key, p_method, p_path, p_hash,
		    nextval('idempotency_claim'), clock_timestamp(), p_now)
		ON CONFLICT ON CONSTRAINT idempotency_key_pkey DO NOTHING
		RETURNING i.claim INTO v_claim;
		IF v_claim IS NOT NULL THEN
			RETURN QUERY SELECT 'claimed', v_claim, NULL::int, NULL::jsonb,
			    NULL::text, NULL::bytea;
			RETURN;
		END IF;
		SELECT * INTO k FROM idempotency_key i
		 WHERE i.scope = p_scope AND i.key = p_key FOR UPDATE;
		IF NOT FOUND THEN
			CONTINUE;		-- forgotten meanwhile: take it
		END IF;
		IF k.created_at < p_now - interval '24 hours' THEN
			DELETE FROM idempotency_key i WHERE i.claim = k.claim;
			CONTINUE;
		END IF;
		IF k.request_hash <> p_hash THEN
			RETURN QUERY SELECT 'mismatch', NULL::bigint, NULL::int,
			    jsonb_build_object('method', k.method, 'path', k.path),
			    NULL::text, NULL::bytea;
		ELSIF k.status IS NOT NULL THEN
			RETURN QUERY SELECT 'replay', NULL::bigint, k.status, k.headers,
			    k.content_type, k.body;
		ELSIF k.claimed_at > clock_timestamp() - make_interval(secs => p_stale) THEN
			RETURN QUERY SELECT 'busy', NULL::bigint, NULL::int, NULL::jsonb,
			    NULL::text, NULL::bytea;
		ELSIF k.applied THEN
			RETURN QUERY SELECT 'unknown', NULL::bigint, NULL::int, NULL::jsonb,
			    NULL::text, NULL::bytea;
		ELSE
			UPDATE idempotency_key i
			   SET claim = nextval('idempotency_claim'),
			       claimed_at = clock_timestamp()
			 WHERE i.claim = k.claim
			RETURNING i.claim INTO v_claim;
			RETURN QUERY SELECT 'claimed', v_claim, NULL::int, NULL::jsonb,
			    NULL::text, NULL::bytea;
		END IF;
		RETURN;
	END LOOP;
END $$;

-- Called by each query of a route holding claim p_claim, in that query's
-- own transaction: marks the key applied.  Raises (and so undoes the
-- query's write) when the claim is no longer held: taken over, or
-- already answered.
CREATE OR REPLACE FUNCTION duban_idempotency_applied(p_claim bigint)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
	UPDATE idempotency_key SET applied = true
	 WHERE claim = p_claim AND status IS NULL;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'idempotency claim % is no longer held', p_claim
		    USING ERRCODE = 'P0001';
	END IF;
	RETURN true;
END $$;

-- The answer duband sent for claim p_claim.  A 4xx or 2xx answer is
-- stored for retries.  A 5xx answer is not: if the route wrote nothing
-- the key is released (a retry runs the request again); if it wrote,
-- the key stays 'unknown'.
CREATE OR REPLACE FUNCTION duban_idempotency_finish(p_claim bigint, p_status int,
    p_headers jsonb, p_content_type text, p_body bytea)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	IF p_status >= 500 THEN
		DELETE FROM idempotency_key
		 WHERE claim = p_claim AND NOT applied AND status IS NULL;
		RETURN;
	END IF;
	UPDATE idempotency_key
	   SET status = p_status, headers = p_headers,
	       content_type = p_content_type, body = p_body
	 WHERE claim = p_claim AND status IS NULL;
END $$;

-- Forgets the keys older than 24 hours (the daily sweep, 75-sweep.sql).
CREATE OR REPLACE FUNCTION duban_idempotency_sweep(p_before timestamptz)
RETURNS int LANGUAGE sql AS $$
	WITH d AS (DELETE FROM idempotency_key WHERE created_at < p_before
	    RETURNING 1)
	SELECT count(*)::int FROM d
$$;
