-- Organisations as tenants, for the routes whose operations predate
-- them: each wraps the operation the CLI calls (which reaches every
-- organisation) with the token's reach (06-reach.sql, 32-tenants.sql).
-- Another tenant's office, recipient, reminder or feed is not found:
-- the same 404 as one that does not exist, so that nothing tells it is
-- there.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- Whether the token whose hash is p_hash (NULL: the CLI) reaches
-- organisation p_org.
CREATE OR REPLACE FUNCTION duban_hash_reaches(p_hash text, p_org bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT duban_reach_has(duban_token_reach(p_hash), p_org)
$$;

-- An office's recipients (GET /api/v1/offices/{id}/recipients), or NULL.
CREATE OR REPLACE FUNCTION duban_api_office_recipients(p_hash text, p_office bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_office_recipients(p_office)
	 WHERE duban_hash_reaches(p_hash, duban_office_org(p_office))
$$;

CREATE OR REPLACE FUNCTION duban_api_recipient_add(p_hash text, p_office bigint,
    p_item jsonb)
RETURNS json LANGUAGE sql AS $$
	SELECT CASE WHEN duban_hash_reaches(p_hash, duban_office_org(p_office))
		THEN duban_recipient_add(p_office, p_item)
		ELSE duban_api_problem(404, '处室不存在', '没有这个编号的处室', 'office') END
$$;

CREATE OR REPLACE FUNCTION duban_api_recipient_delete(p_hash text, p_id bigint)
RETURNS json LANGUAGE sql AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM recipient rc WHERE rc.id = p_id
				   AND duban_hash_reaches(p_hash, duban_recipient_org(rc)))
		THEN duban_recipient_delete(p_id)
		ELSE duban_api_problem(404, '接收方式不存在', '没有这个编号的接收方式') END
$$;

-- The outbox (GET /api/v1/reminders): the reminders of the plans and
-- offices within reach.
CREATE OR REPLACE FUNCTION duban_api_reminder_list(p_hash text, p_date date,
    p_failed boolean, p_errors boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_reminder_list_in(duban_token_reach(p_hash), p_date, p_failed, p_errors)
$$;

CREATE OR REPLACE FUNCTION duban_api_reminder_view(p_hash text, p_id bigint,
    p_secrets boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_reminder_view(r.id, p_secrets) FROM reminder r
	 WHERE r.id = p_id AND duban_hash_reaches(p_hash, duban_reminder_org(r))
$$;

CREATE OR REPLACE FUNCTION duban_api_reminder_retry(p_hash text, p_id bigint)
RETURNS json LANGUAGE sql AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM reminder r WHERE r.id = p_id
				   AND duban_hash_reaches(p_hash, duban_reminder_org(r)))
		THEN duban_reminder_retry(p_id)
		ELSE duban_api_problem(404, '提醒不存在', '没有编号为 ' || p_id || ' 的提醒') END
$$;

-- Calendar feeds: made for, listed and revoked within reach.
CREATE OR REPLACE FUNCTION duban_api_feed_create(p_hash text, p_office bigint,
    p_feed text, p_label text, p_actor text)
RETURNS json LANGUAGE sql AS $$
	SELECT CASE WHEN duban_hash_reaches(p_hash, duban_office_org(p_office))
		THEN duban_feed_create(p_office, p_feed, p_label, p_actor)
		ELSE duban_api_problem(404, '处室不存在', '没有这个编号的处室', 'office') END
$$;

CREATE OR REPLACE FUNCTION duban_api_feed_list(p_hash text)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_feed_list_in(duban_token_reach(p_hash))
$$;

CREATE OR REPLACE FUNCTION duban_api_feed_revoke(p_hash text, p_id bigint)
RETURNS json LANGUAGE sql AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM ical_feed f WHERE f.id = p_id
				   AND duban_hash_reaches(p_hash, duban_office_org(f.office_id)))
		THEN duban_feed_revoke(p_id)
		ELSE duban_api_problem(404, '日历订阅不存在', '没有编号为 ' || p_id || ' 的日历订阅') END
$$;

-- The office a token's holder means by p_key (a name, alias or id):
-- among those within reach p_reach, of organisation p_org if named, and
-- of its own organisation p_prefer first (a county bureau may have a
-- 人事处 as its city has).  duban_pick's answer: 404, 409 or the office.
CREATE OR REPLACE FUNCTION duban_office_find_in(p_key text, p_org text, p_reach bigint[],
    p_prefer bigint, p_field text)
RETURNS json LANGUAGE sql STABLE AS $$
	WITH m AS (SELECT o.id, o.name, g.name AS org, o.org_id
		     FROM duban_office_match(p_key, p_org) x
		     JOIN office o ON o.id = x.id JOIN organisation g ON g.id = o.org_id
		    WHERE duban_reach_has(p_reach, o.org_id)),
	     c AS (SELECT * FROM m WHERE m.org_id = p_prefer
		   UNION ALL
		   SELECT * FROM m WHERE NOT EXISTS (SELECT 1 FROM m WHERE m.org_id = p_prefer))
	SELECT duban_pick('处室', p_key, p_org, p_field,
		(SELECT coalesce(json_agg(json_build_object('id', c.id, 'name', c.name,
		    'org', c.org) ORDER BY c.id), '[]') FROM c))
$$;

-- Accounts (POST /api/v1/users, …/disable, …/enable, …/password): made
-- in, and managed within, the organisations the token reaches.  An
-- account made without --org or an office is of the token's own.
CREATE OR REPLACE FUNCTION duban_api_user_create(p_hash text, p_login text, p_name text,
    p_office text, p_org text, p_role text, p_password text, p_must_change boolean,
    p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	v_reach	bigint[] := duban_token_reach(p_hash);
	v_org	text := p_org;
	v_office text := p_office;
	v_found	json;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_hash AND revoked_at IS NULL;
	IF p_org IS NOT NULL THEN
		v_found := duban_org_pick(p_org);
		IF (v_found->>'status')::int = 200
		   AND NOT duban_reach_has(v_reach, (v_found->'body'->>'id')::bigint) THEN
			status := 404;
			body := duban_api_problem(404, '单位不存在', '没有名为“' || p_org ||
			    '”的单位', 'org');
			RETURN;
		END IF;
	END IF;
	IF p_office IS NOT NULL THEN
		v_found := duban_office_find_in(p_office, p_org, v_reach, tok.org_id, 'office');
		IF (v_found->>'status')::int <> 200 THEN
			status := (v_found->>'status')::int;
			body := v_found;
			RETURN;
		END IF;
		v_office := v_found->'body'->>'id';
	ELSIF p_org IS NULL AND tok.org_id IS NOT NULL THEN
		v_org := (SELECT name FROM organisation WHERE id = tok.org_id);
	END IF;
	SELECT * INTO status, body FROM duban_user_create(p_login, p_name, v_office, v_org,
	    p_role, p_password, p_must_change, p_actor, p_now);
END $$;

CREATE OR REPLACE FUNCTION duban_hash_reaches_account(p_hash text, p_login text)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM account a WHERE a.login = p_login
			  AND duban_hash_reaches(p_hash, a.org_id))
$$;

CREATE OR REPLACE FUNCTION duban_api_user_set_enabled(p_hash text, p_login text,
    p_enabled boolean, p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT duban_hash_reaches_account(p_hash, p_login) THEN
		status := 404;
		body := duban_user_missing(p_login);
		RETURN;
	END IF;
	SELECT * INTO status, body FROM duban_user_set_enabled(p_login, p_enabled, p_actor,
	    p_now);
END $$;

CREATE OR REPLACE FUNCTION duban_api_user_password(p_hash text, p_login text,
    p_password text, p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT duban_hash_reaches_account(p_hash, p_login) THEN
		status := 404;
		body := duban_user_missing(p_login);
		RETURN;
	END IF;
	SELECT * INTO status, body FROM duban_user_password(p_login, p_password, NULL,
	    p_actor, p_now);
END $$;
