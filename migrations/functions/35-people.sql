-- People: accounts, signing in with a password, throttling, and the
-- tokens that act for a person.  Passwords arrive here already hashed
-- (Argon2id, by duban or by duband's workers): PostgreSQL never sees one.
-- Every function answers (status, body): 2xx with the object, or a
-- problem (duban_api_problem) naming the field.  The CLI and duband call
-- the same functions; who may call them is checked by the caller (the
-- CLI runs on the database host; duband lets the general office and
-- administrators in).
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The permission class of a person's tokens (api_token.role): what the
-- routes check.  Clerks and heads write their office's tasks; the
-- general office everything; leaders, inspectors and administrators
-- read (administrators also manage accounts).
CREATE OR REPLACE FUNCTION duban_person_class(p_role text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_role IN ('clerk', 'head') THEN 'office'
		    WHEN p_role = 'general' THEN 'general'
		    ELSE 'inspector' END
$$;

CREATE OR REPLACE FUNCTION duban_account_json(a account) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', a.id, 'login', a.login, 'name', a.name,
	    'office_id', a.office_id, 'office', (SELECT name FROM office WHERE id = a.office_id),
	    'org', coalesce((SELECT name FROM organisation WHERE id = a.org_id), '全部单位'),
	    'role', a.role, 'must_change', a.must_change, 'disabled', a.disabled_at IS NOT NULL,
	    'disabled_at', a.disabled_at, 'created_at', a.created_at, 'created_by', a.created_by,
	    'password_at', a.password_at,
	    'person', (SELECT name FROM person WHERE id = a.person_id),
	    'last_signin', (SELECT max(s.at) FROM signin_attempt s
			     WHERE s.login = a.login AND s.ok))
$$;

-- Creates an account.  p_office is a name, alias or id (duban_office_find);
-- clerks and heads need one, the others may have one.  p_hash is the
-- Argon2id hash of the first password; p_must_change makes the first
-- sign-in change it.
CREATE OR REPLACE FUNCTION duban_user_create(p_login text, p_name text, p_office text,
    p_org text, p_role text, p_hash text, p_must_change boolean, p_actor text,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_office	bigint;
	v_org		bigint;
	v_found		json;
	a		account;
BEGIN
	status := 422;
	IF p_login IS NULL OR p_login !~ '^[a-z0-9][a-z0-9._-]{1,62}$' THEN
		body := duban_api_problem(422, '登录名不符合要求',
		    '登录名应为 2 至 63 个小写字母、数字、点、连字符或下划线，以字母或数字开头',
		    'login');
		RETURN;
	END IF;
	IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 64 THEN
		body := duban_api_problem(422, '姓名不符合要求', '姓名不能为空，且不超过 64 个字符',
		    'name');
		RETURN;
	END IF;
	body := duban_text_problem('name', '姓名', p_name);
	IF body IS NOT NULL THEN
		status := 400;
		RETURN;
	END IF;
	IF p_role IS NULL OR p_role NOT IN ('clerk', 'head', 'general', 'leader', 'inspector',
	    'admin') THEN
		body := duban_api_problem(422, '角色不符合要求',
		    '角色应为 clerk（经办人）、head（处室负责人）、general（局办公室督办员）、'
		    'leader（分管领导）、inspector（督查人员）或 admin（系统管理员）', 'role');
		RETURN;
	END IF;
	IF p_office IS NOT NULL THEN
		v_found := duban_office_find(p_office, p_org, 'office');
		IF (v_found->>'status')::int <> 200 THEN
			status := (v_found->>'status')::int;
			body := v_found;
			RETURN;
		END IF;
		v_office := (v_found->'body'->>'id')::bigint;
	ELSIF p_role IN ('clerk', 'head') THEN
		body := duban_api_problem(422, '缺少所属处室', '经办人和处室负责人须指定所属处室',
		    'office');
		RETURN;
	ELSE
		-- Without an office, the organisation the account belongs to
		-- (tenants): --org, or the only one there is.
		v_found := duban_org_pick(p_org);
		IF (v_found->>'status')::int <> 200 THEN
			status := (v_found->>'status')::int;
			body := v_found;
			RETURN;
		END IF;
		v_org := (v_found->'body'->>'id')::bigint;
	END IF;
	IF p_hash IS NULL OR p_hash !~ '^\$argon2id\$' THEN
		status := 500;
		body := duban_api_problem(500, '服务器内部错误', '密码哈希不是 Argon2id', 'password');
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM account WHERE login = p_login) THEN
		status := 409;
		body := duban_api_problem(409, '登录名已被使用',
		    '已有登录名为“' || p_login || '”的账号', 'login');
		RETURN;
	END IF;
	INSERT INTO account (login, name, office_id, org_id, role, password, must_change,
	    password_at, created_at, created_by, person_id)
	VALUES (p_login, btrim(p_name), v_office, v_org, p_role, p_hash, p_must_change, p_now,
	    p_now, p_actor,
	    -- A leader is the person of that name the plans name (if only one).
	    CASE WHEN p_role = 'leader' THEN (SELECT min(pe.id) FROM person pe
		WHERE pe.name = btrim(p_name) HAVING count(*) = 1) END)
	RETURNING * INTO a;
	INSERT INTO account_log (at, account_id, actor, action, note)
	VALUES (p_now, a.id, p_actor, 'created', a.role);
	status := 201;
	body := duban_account_json(a);
END $$;

CREATE OR REPLACE FUNCTION duban_user_list(p_office bigint DEFAULT NULL) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(duban_account_json(a) ORDER BY o.name NULLS FIRST, a.login), '[]')
	  FROM account a LEFT JOIN office o ON o.id = a.office_id
	 WHERE p_office IS NULL OR a.office_id = p_office
$$;

-- The accounts the token whose hash is p_hash reaches (tenants): those of
-- its organisation and those under it; a token of every organisation's
-- (全部单位) sees all, those of no organisation too.
CREATE OR REPLACE FUNCTION duban_user_list_for(p_hash text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(duban_account_json(a) ORDER BY o.name NULLS FIRST, a.login), '[]')
	  FROM account a LEFT JOIN office o ON o.id = a.office_id
	 WHERE (SELECT t.org_id IS NULL FROM api_token t WHERE t.hash = p_hash)
	    OR a.org_id = ANY (duban_token_reach(p_hash))
$$;

CREATE OR REPLACE FUNCTION duban_user_missing(p_login text) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
	SELECT duban_api_problem(404, '账号不存在',
	    '没有登录名为“' || coalesce(p_login, '') || '”的账号：duban user list 列出全部账号',
	    'login')
$$;

-- Ends a person's sessions and, with p_scripts, their script tokens too;
-- p_keep is a session token to spare (a person changing their own
-- password stays signed in there).  The NOTIFY of api_token's trigger
-- makes every duband forget them at once.
CREATE OR REPLACE FUNCTION duban_user_revoke(p_account bigint, p_scripts boolean,
    p_keep bigint, p_now timestamptz) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	UPDATE api_token SET revoked_at = p_now
	 WHERE account_id = p_account AND revoked_at IS NULL
	   AND (p_scripts OR kind = 'session') AND id IS DISTINCT FROM p_keep;
	GET DIAGNOSTICS n = ROW_COUNT;
	DELETE FROM web_session s USING api_token t
	 WHERE t.id = s.token_id AND t.account_id = p_account AND t.revoked_at IS NOT NULL;
	RETURN n;
END $$;

-- Disables or enables an account.  Disabling ends its sessions and
-- revokes its script tokens at once; enabling does not bring them back
-- (the person signs in again; a script needs a new token).
CREATE OR REPLACE FUNCTION duban_user_set_enabled(p_login text, p_enabled boolean,
    p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	a	account;
	n	int := 0;
BEGIN
	SELECT * INTO a FROM account WHERE login = p_login FOR UPDATE;
	IF a.id IS NULL THEN
		status := 404;
		body := duban_user_missing(p_login);
		RETURN;
	END IF;
	status := 200;
	IF (a.disabled_at IS NULL) = p_enabled THEN
		body := duban_account_json(a);
		RETURN;
	END IF;
	IF p_enabled THEN
		UPDATE account SET disabled_at = NULL WHERE id = a.id RETURNING * INTO a;
	ELSE
		UPDATE account SET disabled_at = p_now WHERE id = a.id RETURNING * INTO a;
		n := duban_user_revoke(a.id, true, NULL, p_now);
	END IF;
	INSERT INTO account_log (at, account_id, actor, action, note)
	VALUES (p_now, a.id, p_actor, CASE WHEN p_enabled THEN 'enabled' ELSE 'disabled' END,
	    CASE WHEN NOT p_enabled THEN '吊销令牌和会话 ' || n || ' 个' END);
	body := duban_account_json(a);
END $$;

-- Sets a password (already hashed).  An administrator's reset
-- (p_session NULL) makes the next sign-in change it and ends every
-- session; a person changing their own (p_session: the token of the
-- session they do it from) keeps that session and ends the others.
CREATE OR REPLACE FUNCTION duban_user_password(p_login text, p_hash text,
    p_session bigint, p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	a	account;
BEGIN
	SELECT * INTO a FROM account WHERE login = p_login FOR UPDATE;
	IF a.id IS NULL THEN
		status := 404;
		body := duban_user_missing(p_login);
		RETURN;
	END IF;
	IF p_hash IS NULL OR p_hash !~ '^\$argon2id\$' THEN
		status := 500;
		body := duban_api_problem(500, '服务器内部错误', '密码哈希不是 Argon2id', 'password');
		RETURN;
	END IF;
	UPDATE account SET password = p_hash, password_at = p_now,
	       must_change = p_session IS NULL
	 WHERE id = a.id RETURNING * INTO a;
	PERFORM duban_user_revoke(a.id, false, p_session, p_now);
	INSERT INTO account_log (at, account_id, actor, action)
	VALUES (p_now, a.id, p_actor,
	    CASE WHEN p_session IS NULL THEN 'password_reset' ELSE 'password_changed' END);
	status := 200;
	body := duban_account_json(a);
END $$;

-- A script token that acts as a person (duban token create --user).
CREATE OR REPLACE FUNCTION duban_user_token_create(p_login text, p_hash text, p_label text,
    p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	a	account;
	t	api_token;
BEGIN
	SELECT * INTO a FROM account WHERE login = p_login;
	IF a.id IS NULL THEN
		status := 404;
		body := duban_user_missing(p_login);
		RETURN;
	END IF;
	IF a.disabled_at IS NOT NULL THEN
		status := 409;
		body := duban_api_problem(409, '账号已停用',
		    '账号“' || a.login || '”已停用，不能为其创建令牌', 'user');
		RETURN;
	END IF;
	INSERT INTO api_token (hash, role, office_id, label, created_at, created_by,
	    account_id, kind)
	VALUES (p_hash, duban_person_class(a.role), a.office_id, a.name, p_now, p_actor,
	    a.id, 'script')
	RETURNING * INTO t;
	INSERT INTO account_log (at, account_id, actor, action, note)
	VALUES (p_now, a.id, p_actor, 'token_created', coalesce(p_label, '') || '（令牌 ' ||
	    t.id || '）');
	status := 201;
	body := json_build_object('id', t.id, 'role', t.role, 'office', (SELECT name FROM office
	    WHERE id = t.office_id), 'label', t.label, 'account', duban_account_json(a));
END $$;

-- ------------------------------------------------------------------
-- Signing in with a password, in two steps around the hashing (which
-- duband does on a worker thread, off its loop):
--   duban_signin_begin   is this login or address throttled?  If not,
--                        the hash to verify against (a live account's,
--                        or NULL: the caller verifies against a dummy
--                        hash all the same, so that an unknown login
--                        takes as long as a wrong password).
--   duban_signin_finish  records the attempt; on success opens a
--                        session: a session token for the person, and
--                        the web_session the cookie stands for.
-- Throttling: 5 failures of a login within 15 minutes (since its last
-- success) lock it until 15 minutes after the first of them; 20
-- failures from one address within 15 minutes likewise lock the address.

CREATE OR REPLACE FUNCTION duban_signin_wait(p_login text, p_address text,
    p_now timestamptz) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT greatest(0, coalesce(max(w), 0))::int FROM (
		SELECT ceil(extract(epoch FROM (min(f.at) + interval '15 minutes' - p_now))) AS w
		  FROM (SELECT s.at FROM signin_attempt s
			 WHERE s.login = p_login AND NOT s.ok AND s.at > p_now - interval '15 minutes'
			   AND s.at > coalesce((SELECT max(k.at) FROM signin_attempt k
						 WHERE k.login = p_login AND k.ok), '-infinity')
			 ORDER BY s.at DESC LIMIT 5) f
		HAVING count(*) >= 5
		UNION ALL
		SELECT ceil(extract(epoch FROM (min(f.at) + interval '15 minutes' - p_now)))
		  FROM (SELECT s.at FROM signin_attempt s
			 WHERE s.address = p_address AND NOT s.ok
			   AND s.at > p_now - interval '15 minutes'
			 ORDER BY s.at DESC LIMIT 20) f
		HAVING count(*) >= 20) x
$$;

-- {retry_after} when throttled; else {account_id, hash} (both null for
-- an unknown or disabled login, or one without a password).
CREATE OR REPLACE FUNCTION duban_signin_begin(p_login text, p_address text,
    p_now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN duban_signin_wait(p_login, p_address, p_now) > 0
		THEN json_build_object('retry_after', duban_signin_wait(p_login, p_address, p_now))
		ELSE json_build_object('retry_after', 0,
			'account_id', (SELECT a.id FROM account a WHERE a.login = p_login
					AND a.disabled_at IS NULL AND a.password IS NOT NULL),
			'hash', (SELECT a.password FROM account a WHERE a.login = p_login
				  AND a.disabled_at IS NULL))
	END
$$;

-- Records an attempt; when p_ok, opens a session for the account:
-- returns what GET /api/v1/session answers (without the CSRF secret), or
-- NULL for a failed attempt.  p_token_hash is the SHA-256 of a fresh
-- secret nobody keeps: the session token's.
CREATE OR REPLACE FUNCTION duban_signin_finish(p_login text, p_address text,
    p_account bigint, p_ok boolean, p_session_hash text, p_token_hash text, p_csrf text,
    p_ttl int, p_now timestamptz) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	a	account;
	t	api_token;
	s	web_session;
BEGIN
	IF p_ok THEN
		SELECT * INTO a FROM account WHERE id = p_account AND disabled_at IS NULL;
	END IF;
	INSERT INTO signin_attempt (at, login, address, ok)
	VALUES (p_now, left(p_login, 64), p_address, a.id IS NOT NULL);
	DELETE FROM signin_attempt WHERE at < p_now - interval '90 days';
	IF a.id IS NULL THEN
		RETURN NULL;
	END IF;
	DELETE FROM web_session WHERE expires_at < now() - interval '1 day';
	INSERT INTO api_token (hash, role, office_id, label, created_at, created_by,
	    account_id, kind)
	VALUES (p_token_hash, duban_person_class(a.role), a.office_id, a.name, p_now,
	    a.login, a.id, 'session')
	RETURNING * INTO t;
	INSERT INTO web_session (hash, token_id, csrf, expires_at)
	VALUES (p_session_hash, t.id, p_csrf, now() + make_interval(secs => p_ttl))
	RETURNING * INTO s;
	RETURN json_build_object('role', t.role, 'office_id', t.office_id,
	    'office', (SELECT name FROM office WHERE id = t.office_id),
	    'label', t.label, 'login', a.login, 'name', a.name, 'person_role', a.role,
	    'must_change', a.must_change, 'expires_at', s.expires_at);
END $$;

-- The hash a signed-in person's current password has, to check it
-- before a change (NULL if the account is gone or disabled).
CREATE OR REPLACE FUNCTION duban_user_hash(p_login text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT password FROM account WHERE login = p_login AND disabled_at IS NULL
$$;
