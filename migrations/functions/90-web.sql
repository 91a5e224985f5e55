-- Web sessions and the overview page.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- Opens a session for a live token: {role, office, office_id, label,
-- expires_at}, or NULL when the token is unknown or revoked.  Sessions
-- long expired are swept away on the way.
CREATE OR REPLACE FUNCTION duban_session_open(p_token_hash text, p_session_hash text, p_csrf text,
    p_ttl int)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	a	account;
	s	web_session;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token_hash AND revoked_at IS NULL;
	SELECT * INTO a FROM account WHERE id = tok.account_id;
	IF tok.id IS NULL OR a.disabled_at IS NOT NULL THEN
		RETURN NULL;
	END IF;
	DELETE FROM web_session WHERE expires_at < now() - interval '1 day';
	INSERT INTO web_session (hash, token_id, csrf, expires_at)
	VALUES (p_session_hash, tok.id, p_csrf, now() + make_interval(secs => p_ttl))
	RETURNING * INTO s;
	RETURN json_build_object('role', tok.role, 'office_id', tok.office_id,
	    'office', (SELECT name FROM office WHERE id = tok.office_id),
	    'label', tok.label, 'login', a.login, 'name', a.name, 'person_role', a.role,
	    'must_change', false, 'expires_at', s.expires_at);
END $$;

-- The session behind a cookie: as QUERY_TOKEN_AUTH's columns, then the
-- token's hash (the writes check it again) and the CSRF secret.
CREATE OR REPLACE FUNCTION duban_session_auth(p_session_hash text)
RETURNS TABLE (token_id bigint, role text, office_id bigint, office text, label text,
    account_id bigint, person_role text, login text, must_change boolean,
    token_hash text, csrf text, expires_at timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT t.id, t.role, t.office_id, o.name, t.label,
	       a.id, a.role, a.login, t.kind = 'session' AND coalesce(a.must_change, false),
	       t.hash, s.csrf, s.expires_at
	  FROM web_session s
	  JOIN api_token t ON t.id = s.token_id
	  LEFT JOIN office o ON o.id = t.office_id
	  LEFT JOIN account a ON a.id = t.account_id
	 WHERE s.hash = p_session_hash AND s.expires_at > now() AND t.revoked_at IS NULL
	   AND a.disabled_at IS NULL
$$;

-- The 总览 the pages open with: the current quarter's report over the
-- given plans, or every plan; each task with its pace for its progress
-- bar (duban_task_progress: avg_completion, time_elapsed,
-- completion_state, and targets_reported of targets_measured, which the
-- average is over: 已填报 x/y); and calendar_missing, the years the
-- working-day calendar lacks today or for those plans (duban_calendar_missing:
-- [{year, next_year, warning}]), which the page shows first.
CREATE OR REPLACE FUNCTION duban_api_overview(p_plans text[], p_now timestamptz,
    OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_plans	text[] := p_plans;
	v_body	jsonb;
	v_cal	jsonb;
BEGIN
	IF cardinality(v_plans) IS NULL OR cardinality(v_plans) = 0 THEN
		SELECT array_agg(key ORDER BY year, key) INTO v_plans FROM plan;
	END IF;
	SELECT coalesce(jsonb_agg(jsonb_build_object('year', m.year,
		    'next_year', m.next_year, 'warning', m.warning) ORDER BY m.year), '[]')
	  INTO v_cal
	  FROM duban_calendar_missing(v_today,
		ARRAY(SELECT p.year FROM plan p WHERE p.key = ANY (v_plans))) m;
	IF v_plans IS NULL THEN
		status := 200;
		body := json_build_object('plans', '[]'::json, 'tasks', '[]'::json,
		    'offices', '[]'::json, 'supervise', '[]'::json, 'as_of', v_today,
		    'calendar_missing', v_cal);
		RETURN;
	END IF;
	SELECT r.status, r.body INTO status, body
	  FROM duban_api_report_quarterly(v_plans, NULL,
		extract(year FROM v_today) || 'Q' || extract(quarter FROM v_today),
		NULL, p_now) r;
	IF status <> 200 THEN
		RETURN;
	END IF;
	v_body := body::jsonb || jsonb_build_object('calendar_missing', v_cal);
	IF jsonb_typeof(v_body->'tasks') IS DISTINCT FROM 'array' THEN
		body := v_body::json;
		RETURN;
	END IF;
	body := jsonb_set(v_body, '{tasks}', (
		SELECT coalesce(jsonb_agg(e.t || jsonb_build_object(
			    'avg_completion', pc.avg_completion,
			    'time_elapsed', pc.time_elapsed,
			    'completion_state', pc.completion_state,
			    'targets_measured', pc.targets_measured,
			    'targets_reported', pc.targets_reported) ORDER BY e.n), '[]')
		  FROM jsonb_array_elements(v_body->'tasks') WITH ORDINALITY AS e(t, n)
		  LEFT JOIN LATERAL duban_task_progress((e.t->>'id')::bigint, e.t->>'status',
			v_today) pc ON true))::json;
END $$;
