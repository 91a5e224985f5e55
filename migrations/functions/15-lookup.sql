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

-- Exactly one office: {status: 200, body: {id, name, org}}, or a problem
-- naming p_field: 404 when there is none, 409 when the name is in
-- several organisations (they are listed, to choose one with --org).
CREATE OR REPLACE FUNCTION duban_office_find(p_key text, p_org text,
    p_field text DEFAULT 'office')
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN count(*) = 1 THEN json_build_object('status', 200, 'body',
			json_build_object('id', min(m.id), 'name', min(m.name), 'org', min(m.org)))
		WHEN count(*) = 0 THEN duban_api_problem(404, '处室不存在',
			'没有名为“' || p_key || '”的处室' ||
			CASE WHEN p_org IS NULL THEN '' ELSE '（' || p_org || '）' END ||
			'：duban office list 列出全部处室', p_field)
		ELSE duban_api_problem(409, '处室名称不唯一',
			'“' || p_key || '”在多个单位中都有（' ||
			string_agg(m.org, '、' ORDER BY m.org) || '）：请指定单位（--org）', p_field)
	END
	  FROM duban_office_match(p_key, p_org) m
$$;

-- The same for a person (a responsible leader, say): by name or id.
CREATE OR REPLACE FUNCTION duban_person_find(p_key text, p_org text,
    p_field text DEFAULT 'person')
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN count(*) = 1 THEN json_build_object('status', 200, 'body',
			json_build_object('id', min(p.id), 'name', min(p.name), 'org', min(g.name)))
		WHEN count(*) = 0 THEN duban_api_problem(404, '人员不存在',
			'没有名为“' || p_key || '”的人员' ||
			CASE WHEN p_org IS NULL THEN '' ELSE '（' || p_org || '）' END, p_field)
		ELSE duban_api_problem(409, '人员姓名不唯一',
			'“' || p_key || '”在多个单位中都有（' ||
			string_agg(g.name, '、' ORDER BY g.name) || '）：请指定单位（--org）', p_field)
	END
	  FROM person p JOIN organisation g ON g.id = p.org_id
	 WHERE (p.name = p_key OR (p_key ~ '^[0-9]{1,18}$' AND p.id = p_key::bigint))
	   AND (p_org IS NULL OR g.name = p_org)
$$;

-- Every office with how many tasks it leads and is responsible for, by
-- organisation, kind and name.  With p_recipients each carries its
-- recipients of reminders (mail addresses and robot URLs, which hold
-- their keys: for the general office and the CLI only).
CREATE OR REPLACE FUNCTION duban_office_list(p_recipients boolean)
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
		  FROM office f JOIN organisation g ON g.id = f.org_id) x
$$;
