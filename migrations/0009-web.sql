-- Web sessions: a token is exchanged once for a session cookie; the
-- browser keeps only the cookie (HttpOnly), never the token.  Only the
-- cookie's SHA-256 is stored.  A session dies with its token (revoked),
-- at its expiry, or at sign-out; duband is told (NOTIFY duban_tokens).

CREATE TABLE web_session (
	id		bigserial PRIMARY KEY,
	hash		text NOT NULL UNIQUE,		-- SHA-256 (hex) of the cookie
	token_id	bigint NOT NULL REFERENCES api_token (id),
	csrf		text NOT NULL,			-- sent back on every write
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL
);
CREATE INDEX web_session_expires ON web_session (expires_at);

CREATE TRIGGER web_session_changed AFTER DELETE ON web_session
	FOR EACH ROW EXECUTE FUNCTION api_token_notify();

-- Opens a session for a live token: {role, office, office_id, label,
-- expires_at}, or NULL when the token is unknown or revoked.  Sessions
-- long expired are swept away on the way.
CREATE FUNCTION duban_session_open(p_token_hash text, p_session_hash text, p_csrf text,
    p_ttl int)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	s	web_session;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token_hash AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN NULL;
	END IF;
	DELETE FROM web_session WHERE expires_at < now() - interval '1 day';
	INSERT INTO web_session (hash, token_id, csrf, expires_at)
	VALUES (p_session_hash, tok.id, p_csrf, now() + make_interval(secs => p_ttl))
	RETURNING * INTO s;
	RETURN json_build_object('role', tok.role, 'office_id', tok.office_id,
	    'office', (SELECT name FROM office WHERE id = tok.office_id),
	    'label', tok.label, 'expires_at', s.expires_at);
END $$;

-- The session behind a cookie: as QUERY_TOKEN_AUTH's columns, then the
-- token's hash (the writes check it again) and the CSRF secret.
CREATE FUNCTION duban_session_auth(p_session_hash text)
RETURNS TABLE (token_id bigint, role text, office_id bigint, office text, label text,
    token_hash text, csrf text, expires_at timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT t.id, t.role, t.office_id, o.name, t.label, t.hash, s.csrf, s.expires_at
	  FROM web_session s
	  JOIN api_token t ON t.id = s.token_id
	  LEFT JOIN office o ON o.id = t.office_id
	 WHERE s.hash = p_session_hash AND s.expires_at > now() AND t.revoked_at IS NULL
$$;

-- The 总览 the pages open with: the current quarter's report over the
-- given plans, or every plan.
CREATE FUNCTION duban_api_overview(p_plans text[], p_now timestamptz,
    OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_plans	text[] := p_plans;
BEGIN
	IF cardinality(v_plans) IS NULL OR cardinality(v_plans) = 0 THEN
		SELECT array_agg(key ORDER BY year, key) INTO v_plans FROM plan;
	END IF;
	IF v_plans IS NULL THEN
		status := 200;
		body := json_build_object('plans', '[]'::json, 'tasks', '[]'::json,
		    'offices', '[]'::json, 'supervise', '[]'::json, 'as_of', v_today);
		RETURN;
	END IF;
	SELECT r.status, r.body INTO status, body
	  FROM duban_api_report_quarterly(v_plans, NULL,
		extract(year FROM v_today) || 'Q' || extract(quarter FROM v_today),
		NULL, p_now) r;
END $$;

-- A problem keeps the nulls of the value it carries: a 409's current
-- milestone says "completed_on": null, not nothing.  Only the problem's
-- own absent members are left out.
CREATE OR REPLACE FUNCTION duban_api_problem(p_status int, p_title text, p_detail text,
    p_field text DEFAULT NULL, p_current json DEFAULT NULL)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT (jsonb_build_object('status', p_status, 'title', p_title)
		|| CASE WHEN p_detail IS NULL THEN '{}'::jsonb
			ELSE jsonb_build_object('detail', p_detail) END
		|| CASE WHEN p_field IS NULL THEN '{}'::jsonb
			ELSE jsonb_build_object('field', p_field) END
		|| CASE WHEN p_current IS NULL THEN '{}'::jsonb
			ELSE jsonb_build_object('current', p_current) END)::json
$$;

-- Who last wrote a milestone or target (through the API or the CLI): a
-- reader of a 409 sees whose change won.
CREATE FUNCTION duban_updated_by(p_task bigint, p_target bigint, p_milestone bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('actor', h.actor, 'office', o.name, 'at', h.at)
	  FROM progress h LEFT JOIN office o ON o.id = h.office_id
	 WHERE h.task_id = p_task AND h.source IN ('api', 'cli')
	   AND (h.target_id = p_target OR h.milestone_id = p_milestone)
	 ORDER BY h.at DESC, h.id DESC
	 LIMIT 1
$$;

CREATE OR REPLACE FUNCTION duban_milestone_json(m milestone) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', m.id, 'task_id', m.task_id, 'key', m.key, 'kind', m.kind,
		'title', m.title, 'due_on', m.due_on, 'due_form', m.due_form,
		'status', m.status, 'completed_on', m.completed_on, 'note', m.note,
		'outcome', m.outcome, 'evidence_url', m.evidence_url,
		'version', m.version, 'updated_at', m.updated_at,
		'updated_by', duban_updated_by(m.task_id, NULL, m.id),
		'withdrawn', m.withdrawn_at IS NOT NULL)
$$;

CREATE OR REPLACE FUNCTION duban_target_json(g target) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', g.id, 'task_id', g.task_id, 'key', g.key, 'name', g.name,
		'kind', g.kind, 'value', g.value, 'unit', g.unit,
		'qualifier', g.qualifier, 'baseline', g.baseline,
		'deadline', g.deadline, 'current', g.current,
		'completion', duban_target_completion(g),
		'note', g.note, 'outcome', g.outcome, 'current_at', g.current_at,
		'version', g.version, 'updated_at', g.updated_at,
		'updated_by', duban_updated_by(g.task_id, g.id, NULL),
		'withdrawn', g.withdrawn_at IS NOT NULL)
$$;
