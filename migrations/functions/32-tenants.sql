-- Organisations as tenants: what a token may see and do (the reach
-- itself is in 06-reach.sql, which the lookups before this file use).
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION duban_tok_sees_org(tok api_token, p_org bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT tok.org_id IS NULL OR p_org = ANY (duban_org_reach(tok.org_id))
$$;

CREATE OR REPLACE FUNCTION duban_tok_sees_plan(tok api_token, p_plan bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT duban_tok_sees_org(tok, (SELECT org_id FROM plan WHERE id = p_plan))
$$;

CREATE OR REPLACE FUNCTION duban_tok_sees_task(tok api_token, p_task bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT duban_tok_sees_org(tok, (SELECT p.org_id FROM task t JOIN plan p
		ON p.id = t.plan_id WHERE t.id = p_task))
$$;

-- Whether a reach (NULL: the CLI's, everything) holds organisation
-- p_org; something of no organisation (NULL) is the deployment
-- operator's, held only by a reach of every organisation.
CREATE OR REPLACE FUNCTION duban_reach_has(p_reach bigint[], p_org bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT p_reach IS NULL OR p_org = ANY (p_reach)
	    OR (p_org IS NULL AND p_reach @> duban_org_reach(NULL))
$$;

-- The organisation an office, a recipient or a reminder belongs to.
CREATE OR REPLACE FUNCTION duban_office_org(p_office bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT org_id FROM office WHERE id = p_office
$$;

CREATE OR REPLACE FUNCTION duban_recipient_org(rc recipient) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT org_id FROM office WHERE id = rc.office_id),
			(SELECT org_id FROM person WHERE id = rc.person_id))
$$;

-- A reminder is its plan's, or else the office's it concerns.
CREATE OR REPLACE FUNCTION duban_reminder_org(r reminder) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT org_id FROM plan WHERE id = r.plan_id),
			(SELECT org_id FROM office WHERE id = r.office_id))
$$;

-- A dispatch round is within reach when every plan it covers is.
CREATE OR REPLACE FUNCTION duban_tok_sees_dispatch(tok api_token, p_dispatch bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT NOT EXISTS (SELECT 1 FROM dispatch_plan x JOIN plan p ON p.id = x.plan_id
			    WHERE x.dispatch_id = p_dispatch
			      AND NOT duban_tok_sees_org(tok, p.org_id))
$$;

-- The organisation a user means by p_name for --org: {status, body:
-- {id, name}}; 全部 (or all): the deployment's operator, id null.
CREATE OR REPLACE FUNCTION duban_org_pick(p_name text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE
	WHEN p_name IN ('全部', '全部单位', 'all') THEN
		json_build_object('status', 200, 'body', json_build_object('id', NULL, 'name', '全部单位'))
	WHEN p_name IS NULL THEN
		CASE WHEN (SELECT count(*) FROM organisation WHERE parent_id IS NULL) = 1 THEN
			json_build_object('status', 200, 'body', (SELECT json_build_object('id', id,
			    'name', name) FROM organisation WHERE parent_id IS NULL))
		WHEN NOT EXISTS (SELECT 1 FROM organisation) THEN
			duban_api_problem(422, '尚无单位',
			    '库中还没有单位：先导入计划（duban plan load）或 duban org add', 'org')
		ELSE duban_api_problem(422, '请指明单位',
			'库中有 ' || (SELECT count(*) FROM organisation WHERE parent_id IS NULL) ||
			' 个互不隶属的单位（' || (SELECT string_agg(name, '、' ORDER BY id)
			FROM organisation WHERE parent_id IS NULL) ||
			'）：用 --org 指明所属单位，或 --org 全部', 'org')
		END
	ELSE coalesce((SELECT json_build_object('status', 200, 'body',
		json_build_object('id', id, 'name', name)) FROM organisation WHERE name = p_name),
		duban_api_problem(404, '单位不存在', '没有名为“' || p_name ||
		    '”的单位：duban org list 列出全部单位', 'org'))
	END
$$;

-- duban org add: a new organisation (a county bureau under its city,
-- say), or the parent and kind of one that exists.
CREATE OR REPLACE FUNCTION duban_org_add(p_name text, p_parent text, p_kind text,
    OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_parent	bigint;
	v_id		bigint;
BEGIN
	status := 422;
	IF p_name IS NULL OR length(btrim(p_name)) NOT BETWEEN 1 AND 64 THEN
		body := duban_api_problem(422, '单位名称不符合要求', '单位名称不能为空，且不超过 64 个字符',
		    'name');
		RETURN;
	END IF;
	body := duban_text_problem('name', '单位名称', p_name);
	IF body IS NOT NULL THEN
		status := 400;
		RETURN;
	END IF;
	IF p_kind NOT IN ('city_bureau', 'county_bureau', 'government', 'other') THEN
		body := duban_api_problem(422, '单位类别不符合要求',
		    '类别应为 city_bureau（市教育局）、county_bureau（县（市）区教育局）、'
		    'government（人民政府）或 other', 'kind');
		RETURN;
	END IF;
	IF p_parent IS NOT NULL THEN
		SELECT id INTO v_parent FROM organisation WHERE name = p_parent;
		IF NOT FOUND THEN
			status := 404;
			body := duban_api_problem(404, '上级单位不存在', '没有名为“' || p_parent ||
			    '”的单位：duban org list 列出全部单位', 'parent');
			RETURN;
		END IF;
	END IF;
	BEGIN
		INSERT INTO organisation AS o (name, kind, parent_id)
		VALUES (p_name, p_kind, v_parent)
		ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind,
			parent_id = EXCLUDED.parent_id
		RETURNING id INTO v_id;
	EXCEPTION WHEN check_violation THEN
		body := duban_api_problem(422, '上级单位不符合要求', SQLERRM, 'parent');
		RETURN;
	END;
	-- A county bureau added under a city takes its share of the city's
	-- tasks for the counties (33-counties.sql).
	PERFORM duban_county_sync(now());
	status := 200;
	body := (SELECT json_build_object('id', o.id, 'name', o.name, 'kind', o.kind,
		'parent', (SELECT name FROM organisation WHERE id = o.parent_id))
		FROM organisation o WHERE o.id = v_id);
END
$$;

-- duban org list: every organisation, with its parent and how much it holds.
CREATE OR REPLACE FUNCTION duban_org_list() RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('id', o.id, 'name', o.name, 'kind', o.kind,
		'parent', p.name,
		'plans', (SELECT count(*) FROM plan WHERE org_id = o.id),
		'offices', (SELECT count(*) FROM office WHERE org_id = o.id),
		'accounts', (SELECT count(*) FROM account WHERE org_id = o.id))
		ORDER BY o.id), '[]')
	  FROM organisation o LEFT JOIN organisation p ON p.id = o.parent_id
$$;

-- The plans a request over plans (the 总览, the quarterly report) is
-- about, within what the token p_hash reaches: the plans asked for
-- (each must be within reach: 404 naming plan otherwise), or the
-- organisation asked for (within reach, or 404 naming org), or, when
-- neither is given, every plan within reach.  A token that reaches every
-- organisation, and the CLI (p_hash NULL), get what they asked for.
CREATE OR REPLACE FUNCTION duban_scope_plans(p_hash text, p_plans text[], p_org text,
    OUT problem json, OUT plans text[])
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_reach	bigint[] := duban_token_reach(p_hash);
	v_bad	text;
BEGIN
	plans := p_plans;
	IF p_hash IS NULL OR (SELECT org_id IS NULL FROM api_token WHERE hash = p_hash) THEN
		RETURN;
	END IF;
	IF cardinality(p_plans) > 0 THEN
		SELECT k INTO v_bad FROM unnest(p_plans) k
		 WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE (p.key = k OR p.id::text = k)
			AND p.org_id = ANY (v_reach))
		 LIMIT 1;
		IF v_bad IS NOT NULL THEN
			problem := duban_api_problem(404, '计划不存在', '没有编号为“' || v_bad ||
			    '”的计划', 'plan');
		END IF;
		RETURN;
	END IF;
	IF p_org IS NOT NULL THEN
		IF NOT EXISTS (SELECT 1 FROM organisation WHERE name = p_org
		    AND id = ANY (v_reach)) THEN
			problem := duban_api_problem(404, '单位不存在', '没有名为“' || p_org ||
			    '”的单位', 'org');
		END IF;
		RETURN;
	END IF;
	plans := ARRAY(SELECT p.key FROM plan p WHERE p.org_id = ANY (v_reach)
		ORDER BY p.year, p.key);
	IF cardinality(plans) = 0 THEN
		problem := duban_api_problem(404, '本单位尚无计划',
		    '本单位及所属单位还没有导入计划', 'plan');
	END IF;
END
$$;

CREATE OR REPLACE FUNCTION duban_api_overview_for(p_hash text, p_plans text[],
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	s	record;
BEGIN
	s := duban_scope_plans(p_hash, p_plans, NULL);
	IF s.problem IS NOT NULL THEN
		status := (s.problem->>'status')::int;
		body := s.problem;
		RETURN;
	END IF;
	SELECT o.status, o.body INTO status, body FROM duban_api_overview(s.plans, p_now) o;
END
$$;

CREATE OR REPLACE FUNCTION duban_api_report_quarterly_for(p_hash text, p_plans text[],
    p_org text, p_quarter text, p_as_of date, p_now timestamptz,
    OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	s	record;
BEGIN
	s := duban_scope_plans(p_hash, p_plans, p_org);
	IF s.problem IS NOT NULL THEN
		status := (s.problem->>'status')::int;
		body := s.problem;
		RETURN;
	END IF;
	SELECT o.status, o.body INTO status, body
	  FROM duban_api_report_quarterly(s.plans, p_org, p_quarter, p_as_of, p_now) o;
END
$$;

-- duban token create --role: a token of an office (its organisation is
-- the office's), or of the general office or an inspector of the
-- organisation p_org names (duban_org_pick: the only one, or 全部).
CREATE OR REPLACE FUNCTION duban_token_create(p_hash text, p_role text, p_office bigint,
    p_org text, p_label text, p_actor text, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_found	json;
	v_org	bigint;
	t	api_token;
BEGIN
	IF p_office IS NULL THEN
		v_found := duban_org_pick(p_org);
		IF (v_found->>'status')::int <> 200 THEN
			status := (v_found->>'status')::int;
			body := v_found;
			RETURN;
		END IF;
		v_org := (v_found->'body'->>'id')::bigint;
	END IF;
	INSERT INTO api_token (hash, role, office_id, org_id, label, created_by)
	VALUES (p_hash, p_role, p_office, v_org, p_label, p_actor)
	RETURNING * INTO t;
	status := 201;
	body := json_build_object('id', t.id, 'role', t.role,
		'office', (SELECT name FROM office WHERE id = t.office_id),
		'org', coalesce((SELECT name FROM organisation WHERE id = t.org_id), '全部单位'),
		'label', t.label);
END
$$;
