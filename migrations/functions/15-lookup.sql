-- Finding an office or a person by what a user types: one home for the
-- lookup every command and route uses.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- Offices whose name or alias is p_key, or whose id it is (digits),
-- within the organisation named p_org when given.
CREATE OR REPLACE FUNCTION duban_office_match(p_key text, p_org text)
RETURNS TABLE (id bigint, name text, org text) LANGUAGE sql STABLE AS $$
	SELECT o.id, o.name, g.name
	  FROM office o JOIN organisation g ON g.id = o.org_id
	 WHERE (o.name = p_key OR p_key = ANY (o.aliases)
		OR (p_key ~ '^[0-9]{1,18}$' AND o.id = p_key::bigint))
	   AND (p_org IS NULL OR g.name = p_org)
$$;

-- People whose name is p_key, or whose id it is, likewise.
CREATE OR REPLACE FUNCTION duban_person_match(p_key text, p_org text)
RETURNS TABLE (id bigint, name text, org text) LANGUAGE sql STABLE AS $$
	SELECT p.id, p.name, g.name
	  FROM person p JOIN organisation g ON g.id = p.org_id
	 WHERE (p.name = p_key OR (p_key ~ '^[0-9]{1,18}$' AND p.id = p_key::bigint))
	   AND (p_org IS NULL OR g.name = p_org)
$$;

-- The one of p_found (an array of {id, name, org}) that a user meant by
-- p_key: {status: 200, body: {id, name, org}}, or a problem naming
-- p_field: 404 when there is none, 409 when the name is in several
-- organisations (listed, to choose one with --org).  p_what is what is
-- looked for: 处室 or 人员.
CREATE OR REPLACE FUNCTION duban_pick(p_what text, p_key text, p_org text,
    p_field text, p_found json)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE json_array_length(p_found)
		WHEN 1 THEN json_build_object('status', 200, 'body', p_found->0)
		WHEN 0 THEN duban_api_problem(404, p_what || '不存在',
			'没有名为“' || p_key || '”的' || p_what ||
			CASE WHEN p_org IS NULL THEN '' ELSE '（' || p_org || '）' END ||
			CASE WHEN p_what = '处室' THEN '：duban office list 列出全部处室' ELSE '' END,
			p_field)
		ELSE duban_api_problem(409, p_what || '名称不唯一',
			'“' || p_key || '”在多个单位中都有（' ||
			(SELECT string_agg(x->>'org', '、' ORDER BY x->>'org')
			   FROM json_array_elements(p_found) x) ||
			'）：请指定单位（--org）', p_field)
	END
$$;

CREATE OR REPLACE FUNCTION duban_office_find(p_key text, p_org text,
    p_field text DEFAULT 'office')
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_pick('处室', p_key, p_org, p_field,
		(SELECT coalesce(json_agg(m), '[]') FROM duban_office_match(p_key, p_org) m))
$$;

CREATE OR REPLACE FUNCTION duban_person_find(p_key text, p_org text,
    p_field text DEFAULT 'person')
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_pick('人员', p_key, p_org, p_field,
		(SELECT coalesce(json_agg(m), '[]') FROM duban_person_match(p_key, p_org) m))
$$;

-- Every office with how many tasks it leads and is responsible for, by
-- organisation, kind and name.  With p_recipients each carries its
-- recipients of reminders (mail addresses and robot URLs, which hold
-- their keys: for the general office and the CLI only).
CREATE OR REPLACE FUNCTION duban_office_list(p_recipients boolean, p_hash text)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(x ORDER BY x.organisation, x.kind, x.name), '[]') FROM (
		SELECT f.id, f.name, f.kind, f.aliases, g.name AS organisation,
		       (SELECT count(*) FROM task_lead tl JOIN task t ON t.id = tl.task_id
			 WHERE tl.office_id = f.id AND t.withdrawn_at IS NULL) AS tasks_led,
		       (SELECT count(DISTINCT r.task_id) FROM task_role r JOIN task t ON t.id = r.task_id
			 WHERE r.office_id = f.id AND r.role = 'responsible'
			   AND t.withdrawn_at IS NULL) AS tasks_responsible,
		       CASE WHEN p_recipients THEN
			(SELECT coalesce(json_agg(json_build_object('channel', rc.channel,
				'address', rc.address) ORDER BY rc.id), '[]')
			   FROM recipient rc WHERE rc.office_id = f.id) END AS recipients
		  FROM office f JOIN organisation g ON g.id = f.org_id
		 WHERE f.org_id = ANY (duban_token_reach(p_hash))) x
$$;

-- Every office (the CLI).
CREATE OR REPLACE FUNCTION duban_office_list(p_recipients boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_office_list(p_recipients, NULL)
$$;
