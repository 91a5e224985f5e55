-- Organisations as tenants: what a token reaches.  Every route's read
-- and write asks here (the SQL API functions through duban_tok_sees_*
-- in 32-tenants.sql, the daemon's C queries through duban_token_reach),
-- so the rule has one home.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- An organisation and every organisation under it, at any depth; NULL
-- (the deployment's operator, 全部单位): every organisation.
CREATE OR REPLACE FUNCTION duban_org_reach(p_org bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_org IS NULL THEN
		(SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM organisation)
	ELSE (
		WITH RECURSIVE down(id) AS (
			SELECT p_org
			UNION SELECT o.id FROM organisation o JOIN down ON o.parent_id = down.id)
		SELECT array_agg(id ORDER BY id) FROM down)
	END
$$;

-- What the token whose hash is p_hash reaches; NULL (the CLI, which
-- holds the database itself): everything; an unknown or revoked
-- token: nothing.
CREATE OR REPLACE FUNCTION duban_token_reach(p_hash text) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_hash IS NULL THEN duban_org_reach(NULL)
	ELSE coalesce((SELECT duban_org_reach(t.org_id) FROM api_token t
		WHERE t.hash = p_hash AND t.revoked_at IS NULL), '{}')
	END
$$;
