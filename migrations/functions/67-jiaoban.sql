-- 督办事项 (交办): tasks the general office enters from the pages, each in
-- the year's list of 交办事项 of its lead office's organisation (a plan of
-- origin 'jiaoban', key jiaoban-<organisation id>-<year>, made on the
-- year's first).  A 督办事项 is a task like any other: its 完成时限 is a
-- 'deadline' milestone as a plan file's is, its offices and leaders are
-- task_role rows, its targets target rows, so reminders, statuses,
-- reports, 签收 and the task page work on it unchanged.  Besides: its
-- 督办依据 (basis_kind, basis) and its 汇报频次 (report_every), which makes
-- the lead office a reminder to report once a period.
--
-- Every function answers (status, body): 2xx with the object, or a
-- problem (duban_api_problem) naming the field; nothing changes on a
-- problem.  duband and `duban jiaoban` (through duband) call the same
-- functions with the caller's token hash, checked here.  Each write is
-- one transaction with its rows of the progress history (source
-- 'workflow': a step of the 督办 cycle, not a progress report), naming
-- the person, their office, their part and the moment.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- Who enters and changes 督办事项: the general office (its tokens and its
-- people), and administrators.  NULL if tok may, else the problem.
CREATE OR REPLACE FUNCTION duban_jiaoban_check(tok api_token) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN tok.id IS NULL THEN
			duban_api_problem(401, '令牌无效或已吊销', '请重新登录')
		WHEN tok.role = 'general' THEN NULL
		WHEN EXISTS (SELECT 1 FROM account a WHERE a.id = tok.account_id
			       AND a.role = 'admin' AND a.disabled_at IS NULL) THEN NULL
		ELSE duban_api_problem(403, '无权操作', '督办事项由局办公室交办和调整')
	END
$$;

-- The 督办依据 kinds and the 汇报频次, as the API carries them.
CREATE OR REPLACE FUNCTION duban_jiaoban_basis_kinds() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['instruction', 'meeting', 'document', 'other'] $$;
CREATE OR REPLACE FUNCTION duban_jiaoban_periods() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['day', 'week', 'month', 'quarter'] $$;

-- A 督办事项 as the API answers it, with its status on p_today.
CREATE OR REPLACE FUNCTION duban_jiaoban_json(t task, p_today date) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', t.id, 'plan', p.key, 'plan_id', p.id, 'year', p.year,
		'seq', t.position, 'number', t.label, 'title', t.title,
		'basis_kind', t.basis_kind, 'basis', t.basis, 'text', t.body,
		'lead_office', lo.name, 'lead_office_id', t.lead_office_id,
		'lead_person', (SELECT pe.name FROM task_role r JOIN person pe ON pe.id = r.person_id
				 WHERE r.task_id = t.id AND r.role = 'lead'
				 ORDER BY r.position LIMIT 1),
		'cooperate', (SELECT coalesce(json_agg(o.name ORDER BY r.position), '[]')
			       FROM task_role r JOIN office o ON o.id = r.office_id
			      WHERE r.task_id = t.id AND r.role = 'coordinator'),
		'leaders', (SELECT coalesce(json_agg(pe.name ORDER BY r.position), '[]')
			     FROM task_role r JOIN person pe ON pe.id = r.person_id
			    WHERE r.task_id = t.id AND r.role = 'leader'),
		'deadline', coalesce(m.due_on, t.deadline), 'report_every', t.report_every,
		'status', CASE WHEN t.withdrawn_at IS NULL THEN duban_task_status(t.id, p_today) END,
		'withdrawn', t.withdrawn_at IS NOT NULL, 'withdrawn_at', t.withdrawn_at,
		'version', t.version,
		'acknowledged_at', a.acknowledged_at, 'acknowledged_by', a.acknowledged_by,
		'assigned_at', a.assigned_at,
		'targets', (SELECT coalesce(json_agg(json_build_object('id', g.id, 'name', g.name,
				'kind', g.kind, 'value', g.value, 'unit', g.unit,
				'qualifier', g.qualifier, 'current', g.current) ORDER BY g.position), '[]')
			     FROM target g WHERE g.task_id = t.id AND g.withdrawn_at IS NULL),
		'created_at', c.at, 'created_by', c.actor)
	  FROM plan p
	  LEFT JOIN office lo ON lo.id = t.lead_office_id
	  LEFT JOIN milestone m ON m.task_id = t.id AND m.key = 'deadline'
	  LEFT JOIN assignment a ON a.task_id = t.id AND a.office_id = t.lead_office_id
	  LEFT JOIN LATERAL (SELECT h.at, h.actor FROM progress h
			      WHERE h.task_id = t.id AND h.field = 'created'
			      ORDER BY h.id LIMIT 1) c ON true
	 WHERE p.id = t.plan_id
$$;

-- The year's list of organisation p_org, made if it is not there yet.
CREATE OR REPLACE FUNCTION duban_jiaoban_plan(p_org bigint, p_year int, tok api_token,
    p_now timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_plan	bigint;
	v_what	text := '（局办公室交办）';
BEGIN
	SELECT id INTO v_plan FROM plan WHERE org_id = p_org AND year = p_year
	   AND origin = 'jiaoban';
	IF v_plan IS NOT NULL THEN
		RETURN v_plan;
	END IF;
	INSERT INTO plan (key, org_id, year, title, kind, source_file, source_note, plan_file,
	    origin, created_at, loaded_at)
	VALUES ('jiaoban-' || p_org || '-' || p_year, p_org, p_year, p_year || '年督办交办事项',
	    '交办事项', v_what, '局办公室在督办系统中交办的督办事项', v_what, 'jiaoban',
	    p_now, p_now)
	ON CONFLICT (org_id, year) WHERE origin = 'jiaoban' DO NOTHING
	RETURNING id INTO v_plan;
	IF v_plan IS NULL THEN
		-- Made meanwhile by another 交办.
		SELECT id INTO v_plan FROM plan WHERE org_id = p_org AND year = p_year
		   AND origin = 'jiaoban';
	ELSE
		INSERT INTO progress (at, actor, office_id, token_id, actor_role, source, plan_id,
		    field, new_value, note)
		VALUES (p_now, tok.label, tok.office_id, tok.id, duban_token_part(tok), 'workflow',
		    v_plan, 'created', p_year || '年督办交办事项', '建立本年度督办交办事项清单');
	END IF;
	RETURN v_plan;
END $$;

-- ------------------------------------------------------------------
-- The fields of a 督办事项, checked: each present field of p_body (all
-- required ones when p_create) is valid, or problem names it.  p_org is
-- the organisation offices and people are looked up in (NULL on create:
-- the lead office's).  vals carries the values, resolved:
--   title, basis_kind, basis, text, lead_office (id), org (id),
--   lead_person (name or null), cooperate [office ids],
--   leaders [person ids], deadline (date), report_every, targets [...]
-- A key is in vals only if the field was given.
CREATE OR REPLACE FUNCTION duban_jiaoban_fields(p_body jsonb, p_create boolean,
    p_org bigint, p_today date, OUT problem json, OUT vals jsonb)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v		jsonb;
	x		jsonb;
	v_found		json;
	v_org		bigint := p_org;
	v_orgname	text;
	v_lead		bigint;
	v_ids		jsonb;
	v_date		date;
	v_kind		text;
	i		int;
BEGIN
	vals := '{}';
	p_body := coalesce(p_body, '{}');

	-- title: 事项名称, required.
	IF p_create OR p_body ? 'title' THEN
		v := p_body->'title';
		IF v IS NULL OR jsonb_typeof(v) <> 'string' OR btrim(v #>> '{}') = '' THEN
			problem := duban_api_problem(400, '缺少事项名称', '请填写督办事项的名称（title）',
			    'title');
			RETURN;
		END IF;
		IF length(btrim(v #>> '{}')) > 200 THEN
			problem := duban_api_problem(400, '事项名称过长', '事项名称不超过 200 个字',
			    'title');
			RETURN;
		END IF;
		problem := duban_text_problem('title', '事项名称', v #>> '{}');
		IF problem IS NOT NULL THEN
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('title', btrim(v #>> '{}'));
	END IF;

	-- basis_kind: 督办依据的类别, required.
	IF p_create OR p_body ? 'basis_kind' THEN
		v := p_body->'basis_kind';
		IF v IS NULL OR jsonb_typeof(v) <> 'string'
		   OR NOT (v #>> '{}') = ANY (duban_jiaoban_basis_kinds()) THEN
			problem := duban_api_problem(400, '督办依据类别有误',
			    'basis_kind 应为 instruction（领导批示）、meeting（会议议定）、'
			    'document（文件要求）或 other（其他）', 'basis_kind');
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('basis_kind', v #>> '{}');
	END IF;

	-- basis: 督办依据, required (which 批示, which meeting).
	IF p_create OR p_body ? 'basis' THEN
		v := p_body->'basis';
		IF v IS NULL OR jsonb_typeof(v) <> 'string' OR btrim(v #>> '{}') = '' THEN
			problem := duban_api_problem(400, '缺少督办依据',
			    '请写明督办依据（basis），如某领导某日的批示、某次会议的议定事项', 'basis');
			RETURN;
		END IF;
		IF length(btrim(v #>> '{}')) > 2000 THEN
			problem := duban_api_problem(400, '督办依据过长', '督办依据不超过 2000 个字',
			    'basis');
			RETURN;
		END IF;
		problem := duban_text_problem('basis', '督办依据', v #>> '{}');
		IF problem IS NOT NULL THEN
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('basis', btrim(v #>> '{}'));
	END IF;

	-- text: 事项内容 and 工作要求, optional.
	IF p_body ? 'text' AND p_body->'text' <> 'null'::jsonb THEN
		v := p_body->'text';
		IF jsonb_typeof(v) <> 'string' OR length(v #>> '{}') > 4000 THEN
			problem := duban_api_problem(400, '事项内容有误',
			    '事项内容（text）应为不超过 4000 个字的文字', 'text');
			RETURN;
		END IF;
		problem := duban_text_problem('text', '事项内容', v #>> '{}');
		IF problem IS NOT NULL THEN
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('text', nullif(btrim(v #>> '{}'), ''));
	ELSIF p_body ? 'text' THEN
		vals := vals || jsonb_build_object('text', NULL);
	END IF;

	-- lead_office: 牵头处室, required; an office or unit of the bureau.
	IF p_create OR p_body ? 'lead_office' THEN
		v := p_body->'lead_office';
		IF v IS NULL OR jsonb_typeof(v) NOT IN ('string', 'number')
		   OR btrim(v #>> '{}') = '' THEN
			problem := duban_api_problem(400, '缺少牵头处室', '请选择牵头处室（lead_office）',
			    'lead_office');
			RETURN;
		END IF;
		v_orgname := (SELECT name FROM organisation WHERE id = v_org);
		v_found := duban_office_find(btrim(v #>> '{}'), v_orgname, 'lead_office');
		IF (v_found->>'status')::int <> 200 THEN
			problem := v_found;
			RETURN;
		END IF;
		v_lead := (v_found->'body'->>'id')::bigint;
		IF (SELECT kind FROM office WHERE id = v_lead) NOT IN ('office', 'unit') THEN
			problem := duban_api_problem(400, '牵头处室有误',
			    '“' || (v_found->'body'->>'name') || '”不是本局的处室或直属单位，不能牵头',
			    'lead_office');
			RETURN;
		END IF;
		v_org := (SELECT org_id FROM office WHERE id = v_lead);
		vals := vals || jsonb_build_object('lead_office', v_lead, 'org', v_org);
	END IF;
	v_orgname := (SELECT name FROM organisation WHERE id = v_org);

	-- lead_person: 牵头人, optional: a name.
	IF p_body ? 'lead_person' AND p_body->'lead_person' <> 'null'::jsonb THEN
		v := p_body->'lead_person';
		IF jsonb_typeof(v) <> 'string' OR length(btrim(v #>> '{}')) > 64 THEN
			problem := duban_api_problem(400, '牵头人有误',
			    '牵头人（lead_person）应为不超过 64 个字的姓名', 'lead_person');
			RETURN;
		END IF;
		problem := duban_text_problem('lead_person', '牵头人', v #>> '{}');
		IF problem IS NOT NULL THEN
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('lead_person', nullif(btrim(v #>> '{}'), ''));
	ELSIF p_body ? 'lead_person' THEN
		vals := vals || jsonb_build_object('lead_person', NULL);
	END IF;

	-- cooperate: 配合处室, optional: offices of the organisation.
	IF p_body ? 'cooperate' AND p_body->'cooperate' <> 'null'::jsonb THEN
		v := p_body->'cooperate';
		IF jsonb_typeof(v) <> 'array' THEN
			problem := duban_api_problem(400, '配合处室有误',
			    '配合处室（cooperate）应为处室名称的列表', 'cooperate');
			RETURN;
		END IF;
		v_ids := '[]';
		FOR x IN SELECT e FROM jsonb_array_elements(v) e LOOP
			IF jsonb_typeof(x) NOT IN ('string', 'number') OR btrim(x #>> '{}') = '' THEN
				problem := duban_api_problem(400, '配合处室有误',
				    '配合处室（cooperate）应为处室名称的列表', 'cooperate');
				RETURN;
			END IF;
			v_found := duban_office_find(btrim(x #>> '{}'), v_orgname, 'cooperate');
			IF (v_found->>'status')::int <> 200 THEN
				problem := v_found;
				RETURN;
			END IF;
			IF v_ids @> jsonb_build_array((v_found->'body'->>'id')::bigint) THEN
				problem := duban_api_problem(400, '配合处室重复',
				    '“' || (v_found->'body'->>'name') || '”列了两次', 'cooperate');
				RETURN;
			END IF;
			v_ids := v_ids || jsonb_build_array((v_found->'body'->>'id')::bigint);
		END LOOP;
		IF coalesce((vals->>'lead_office')::bigint, -1) IN
		   (SELECT e::bigint FROM jsonb_array_elements_text(v_ids) e) THEN
			problem := duban_api_problem(400, '配合处室有误',
			    '牵头处室不必再列为配合处室', 'cooperate');
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('cooperate', v_ids);
	ELSIF p_body ? 'cooperate' THEN
		vals := vals || jsonb_build_object('cooperate', '[]'::jsonb);
	END IF;

	-- leaders: 责任领导, optional: people of the organisation.
	IF p_body ? 'leaders' AND p_body->'leaders' <> 'null'::jsonb THEN
		v := p_body->'leaders';
		IF jsonb_typeof(v) <> 'array' THEN
			problem := duban_api_problem(400, '责任领导有误',
			    '责任领导（leaders）应为姓名的列表', 'leaders');
			RETURN;
		END IF;
		v_ids := '[]';
		FOR x IN SELECT e FROM jsonb_array_elements(v) e LOOP
			IF jsonb_typeof(x) <> 'string' OR btrim(x #>> '{}') = '' THEN
				problem := duban_api_problem(400, '责任领导有误',
				    '责任领导（leaders）应为姓名的列表', 'leaders');
				RETURN;
			END IF;
			v_found := duban_person_find(btrim(x #>> '{}'), v_orgname, 'leaders');
			IF (v_found->>'status')::int <> 200 THEN
				problem := v_found;
				RETURN;
			END IF;
			IF NOT v_ids @> jsonb_build_array((v_found->'body'->>'id')::bigint) THEN
				v_ids := v_ids || jsonb_build_array((v_found->'body'->>'id')::bigint);
			END IF;
		END LOOP;
		vals := vals || jsonb_build_object('leaders', v_ids);
	ELSIF p_body ? 'leaders' THEN
		vals := vals || jsonb_build_object('leaders', '[]'::jsonb);
	END IF;

	-- deadline: 完成时限, required: a date, today or later.
	IF p_create OR p_body ? 'deadline' THEN
		v := p_body->'deadline';
		IF v IS NULL OR v = 'null'::jsonb THEN
			problem := duban_api_problem(400, '缺少完成时限',
			    '请填写完成时限（deadline，YYYY-MM-DD）', 'deadline');
			RETURN;
		END IF;
		IF jsonb_typeof(v) <> 'string' OR (v #>> '{}') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
			problem := duban_api_problem(400, '完成时限格式有误',
			    '完成时限（deadline）应为 YYYY-MM-DD 形式的日期', 'deadline');
			RETURN;
		END IF;
		BEGIN
			v_date := (v #>> '{}')::date;
		EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
			problem := duban_api_problem(400, '完成时限无效',
			    '“' || (v #>> '{}') || '”不是存在的日期', 'deadline');
			RETURN;
		END;
		IF v_date < p_today THEN
			problem := duban_api_problem(400, '完成时限已过',
			    '完成时限 ' || v_date || ' 早于今天 ' || p_today, 'deadline');
			RETURN;
		END IF;
		IF v_date > p_today + 3653 THEN
			problem := duban_api_problem(400, '完成时限过远', '完成时限不超过十年',
			    'deadline');
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('deadline', v_date);
	END IF;

	-- report_every: 汇报频次, optional.
	IF p_body ? 'report_every' AND p_body->'report_every' <> 'null'::jsonb THEN
		v := p_body->'report_every';
		IF jsonb_typeof(v) <> 'string' OR NOT (v #>> '{}') = ANY (duban_jiaoban_periods()) THEN
			problem := duban_api_problem(400, '汇报频次有误',
			    '汇报频次（report_every）应为 day（每日）、week（每周）、month（每月）'
			    '或 quarter（每季度）', 'report_every');
			RETURN;
		END IF;
		vals := vals || jsonb_build_object('report_every', v #>> '{}');
	ELSIF p_body ? 'report_every' THEN
		vals := vals || jsonb_build_object('report_every', NULL);
	END IF;

	-- targets: 目标指标, optional, as a plan file's: name, value, unit,
	-- kind (count when not said), qualifier.
	IF p_body ? 'targets' AND p_body->'targets' <> 'null'::jsonb THEN
		v := p_body->'targets';
		IF jsonb_typeof(v) <> 'array' OR jsonb_array_length(v) > 50 THEN
			problem := duban_api_problem(400, '目标指标有误',
			    '目标指标（targets）应为不超过 50 项的列表', 'targets');
			RETURN;
		END IF;
		v_ids := '[]';
		i := 0;
		FOR x IN SELECT e FROM jsonb_array_elements(v) e LOOP
			i := i + 1;
			IF jsonb_typeof(x) <> 'object' THEN
				x := '{}';
			END IF;
			v_kind := coalesce(x->>'kind', 'count');
			IF NOT (x ? 'name')
			   OR jsonb_typeof(x->'name') IS DISTINCT FROM 'string'
			   OR btrim(x->>'name') = '' OR length(x->>'name') > 200
			   OR jsonb_typeof(x->'value') IS DISTINCT FROM 'number'
			   OR jsonb_typeof(x->'unit') IS DISTINCT FROM 'string'
			   OR length(x->>'unit') > 20
			   OR duban_text_has_controls(x->>'name')
			   OR duban_text_has_controls(x->>'unit')
			   OR v_kind NOT IN ('count', 'amount', 'ratio', 'rate')
			   OR (x ? 'qualifier' AND x->'qualifier' <> 'null'::jsonb
			       AND (x->>'qualifier') NOT IN ('more_than', 'at_least', 'about', 'at_most'))
			   OR EXISTS (SELECT 1 FROM jsonb_object_keys(x) k
				       WHERE k NOT IN ('name', 'value', 'unit', 'kind', 'qualifier')) THEN
				problem := duban_api_problem(400, '目标指标有误',
				    '第 ' || i || ' 项指标应写明名称（name）、目标值（value，数字）和单位'
				    '（unit），类别（kind）为 count、amount、ratio 或 rate', 'targets');
				RETURN;
			END IF;
			-- As a progress report's current value (duban_batch_*): 0 to 10^15.
			IF (x->>'value')::numeric < 0 OR (x->>'value')::numeric > 1e15 THEN
				problem := duban_api_problem(400, '目标指标有误',
				    '第 ' || i || ' 项指标的目标值（value）应为 0 至 10^15 之间的数字',
				    'targets');
				RETURN;
			END IF;
			v_ids := v_ids || jsonb_build_array(jsonb_build_object('name', btrim(x->>'name'),
			    'value', x->'value', 'unit', x->>'unit', 'kind', v_kind,
			    'qualifier', x->'qualifier', 'position', i));
		END LOOP;
		vals := vals || jsonb_build_object('targets', v_ids);
	END IF;
END $$;

-- Sets a 督办事项's roles from vals (duban_jiaoban_fields): the lead
-- office with its person, the cooperating offices, the leaders; each
-- part only if vals has it.
CREATE OR REPLACE FUNCTION duban_jiaoban_roles(t task, p_org bigint, vals jsonb)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	v_office	bigint;
	v_person	bigint;
BEGIN
	IF vals ? 'lead_office' OR vals ? 'lead_person' THEN
		SELECT office_id, person_id INTO v_office, v_person FROM task_role
		 WHERE task_id = t.id AND role = 'lead' ORDER BY position LIMIT 1;
		v_office := coalesce((vals->>'lead_office')::bigint, v_office);
		IF vals ? 'lead_person' THEN
			v_person := NULL;
			IF vals->>'lead_person' IS NOT NULL THEN
				INSERT INTO person (org_id, name, office_id)
				VALUES (p_org, vals->>'lead_person', v_office)
				ON CONFLICT (org_id, name) DO NOTHING;
				SELECT id INTO v_person FROM person
				 WHERE org_id = p_org AND name = vals->>'lead_person';
			END IF;
		END IF;
		DELETE FROM task_role WHERE task_id = t.id AND role = 'lead';
		INSERT INTO task_role (task_id, role, office_id, person_id, position)
		VALUES (t.id, 'lead', v_office, v_person, 1);
	END IF;
	IF vals ? 'cooperate' THEN
		DELETE FROM task_role WHERE task_id = t.id AND role = 'coordinator';
		INSERT INTO task_role (task_id, role, office_id, position)
		SELECT t.id, 'coordinator', e::bigint, i::int
		  FROM jsonb_array_elements_text(vals->'cooperate') WITH ORDINALITY AS x(e, i);
	END IF;
	IF vals ? 'leaders' THEN
		DELETE FROM task_role WHERE task_id = t.id AND role = 'leader';
		INSERT INTO task_role (task_id, role, person_id, position)
		SELECT t.id, 'leader', e::bigint, i::int
		  FROM jsonb_array_elements_text(vals->'leaders') WITH ORDINALITY AS x(e, i);
	END IF;
END $$;

-- The texts a 督办事项's fields read as in its history.
CREATE OR REPLACE FUNCTION duban_jiaoban_field_texts(p_task bigint)
RETURNS TABLE (field text, value text) LANGUAGE sql STABLE AS $$
	SELECT 'title', t.title FROM task t WHERE t.id = p_task
	UNION ALL SELECT 'basis_kind', t.basis_kind FROM task t WHERE t.id = p_task
	UNION ALL SELECT 'basis', t.basis FROM task t WHERE t.id = p_task
	UNION ALL SELECT 'text', t.body FROM task t WHERE t.id = p_task
	UNION ALL SELECT 'lead_office', (SELECT o.name FROM task_role r JOIN office o
		ON o.id = r.office_id WHERE r.task_id = p_task AND r.role = 'lead'
		ORDER BY r.position LIMIT 1)
	UNION ALL SELECT 'lead_person', (SELECT pe.name FROM task_role r JOIN person pe
		ON pe.id = r.person_id WHERE r.task_id = p_task AND r.role = 'lead'
		ORDER BY r.position LIMIT 1)
	UNION ALL SELECT 'cooperate', (SELECT string_agg(o.name, '、' ORDER BY r.position)
		FROM task_role r JOIN office o ON o.id = r.office_id
		WHERE r.task_id = p_task AND r.role = 'coordinator')
	UNION ALL SELECT 'leaders', (SELECT string_agg(pe.name, '、' ORDER BY r.position)
		FROM task_role r JOIN person pe ON pe.id = r.person_id
		WHERE r.task_id = p_task AND r.role = 'leader')
	UNION ALL SELECT 'deadline', t.deadline::text FROM task t WHERE t.id = p_task
	UNION ALL SELECT 'report_every', t.report_every FROM task t WHERE t.id = p_task
$$;

-- ------------------------------------------------------------------
-- POST /api/v1/jiaoban {title, basis_kind, basis, text, lead_office,
-- lead_person, cooperate, leaders, deadline, report_every, targets}:
-- 201 with the 督办事项, numbered 督办〔YEAR〕N号 in its year's list; its
-- offices are assigned at p_now, to 签收.
CREATE OR REPLACE FUNCTION duban_jiaoban_create(p_token text, p_body jsonb,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_year		int := extract(year FROM (p_now AT TIME ZONE 'Asia/Shanghai'))::int;
	tok		api_token;
	f		record;
	v_plan		bigint;
	v_seq		int;
	t		task;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	body := duban_jiaoban_check(tok);
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	-- A tenant's own 交办 list: its offices first (a county may have the same names).
	SELECT * INTO f FROM duban_jiaoban_fields(p_body, true, tok.org_id, v_today);
	IF f.problem IS NOT NULL THEN
		body := f.problem;
		status := (body->>'status')::int;
		RETURN;
	END IF;

	v_plan := duban_jiaoban_plan((f.vals->>'org')::bigint, v_year, tok, p_now);
	-- One number at a time in a list.
	PERFORM 1 FROM plan WHERE id = v_plan FOR UPDATE;
	SELECT coalesce(max(position), 0) + 1 INTO v_seq FROM task WHERE plan_id = v_plan;
	INSERT INTO task (plan_id, key, number, label, title, body, deadline, deadline_form,
	    position, basis_kind, basis, report_every, updated_at)
	VALUES (v_plan, 'j' || v_seq, v_seq::text, '督办〔' || v_year || '〕' || v_seq || '号',
	    f.vals->>'title', f.vals->>'text', (f.vals->>'deadline')::date, f.vals->>'deadline',
	    v_seq, f.vals->>'basis_kind', f.vals->>'basis', f.vals->>'report_every', p_now)
	RETURNING * INTO t;
	PERFORM duban_jiaoban_roles(t, (f.vals->>'org')::bigint, f.vals);
	-- The 完成时限 as a plan file's task has it (lib/plan/plan.c).
	INSERT INTO milestone (task_id, key, kind, title, due_on, due_form, position, updated_at)
	VALUES (t.id, 'deadline', 'deadline', '完成时限', t.deadline, t.deadline_form, 1, p_now);
	INSERT INTO target (task_id, key, name, kind, value, unit, qualifier, position,
	    updated_at)
	SELECT t.id, 'g' || (x->>'position'), x->>'name', x->>'kind', (x->>'value')::numeric,
	       x->>'unit', x->>'qualifier', (x->>'position')::int, p_now
	  FROM jsonb_array_elements(coalesce(f.vals->'targets', '[]')) x;
	INSERT INTO progress (at, actor, office_id, token_id, actor_role, source, plan_id,
	    task_id, field, new_value, note)
	VALUES (p_now, tok.label, tok.office_id, tok.id, duban_token_part(tok), 'workflow',
	    v_plan, t.id, 'created', t.title, '交办督办事项 ' || t.label || '：' || t.basis);
	PERFORM duban_assignments_sync(p_now);
	SELECT * INTO t FROM task WHERE id = t.id;
	status := 201;
	body := duban_jiaoban_json(t, v_today);
END $$;

-- A 督办事项 by id for a change: the task, or the problem (401, 403,
-- 404, 409 when withdrawn).
CREATE OR REPLACE FUNCTION duban_jiaoban_get_for_change(tok api_token, p_task bigint,
    OUT t task, OUT problem json)
LANGUAGE plpgsql AS $$
BEGIN
	problem := duban_jiaoban_check(tok);
	IF problem IS NOT NULL THEN
		RETURN;
	END IF;
	SELECT x.* INTO t FROM task x JOIN plan p ON p.id = x.plan_id
	 WHERE x.id = p_task AND p.origin = 'jiaoban'
	   FOR UPDATE OF x;
	IF t.id IS NULL OR NOT duban_tok_sees_task(tok, t.id) THEN
		problem := duban_api_problem(404, '督办事项不存在',
		    '没有编号为 ' || p_task || ' 的督办事项（计划文件中的任务不在此调整）');
		RETURN;
	END IF;
	IF t.withdrawn_at IS NOT NULL THEN
		problem := duban_api_problem(409, '督办事项已撤销',
		    t.label || ' 已于 ' || to_char(t.withdrawn_at AT TIME ZONE 'Asia/Shanghai',
		    'YYYY-MM-DD HH24:MI') || ' 撤销，不能再调整');
	END IF;
END $$;

-- PATCH /api/v1/jiaoban/{task} {any of the fields but targets}: 200
-- with the 督办事项; each field that changed is a row of its history.
CREATE OR REPLACE FUNCTION duban_jiaoban_patch(p_token text, p_task bigint, p_body jsonb,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	tok		api_token;
	g		record;
	f		record;
	t		task;
	v_org		bigint;
	v_before	jsonb;
	n		int;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO g FROM duban_jiaoban_get_for_change(tok, p_task);
	IF g.problem IS NOT NULL THEN
		body := g.problem;
		status := (body->>'status')::int;
		RETURN;
	END IF;
	t := g.t;
	IF p_body ? 'targets' THEN
		status := 400;
		body := duban_api_problem(400, '指标不在此调整',
		    '目标指标的完成值由牵头处室在任务页面填报', 'targets');
		RETURN;
	END IF;
	SELECT org_id INTO v_org FROM plan WHERE id = t.plan_id;
	SELECT * INTO f FROM duban_jiaoban_fields(p_body, false, v_org, v_today);
	IF f.problem IS NOT NULL THEN
		body := f.problem;
		status := (body->>'status')::int;
		RETURN;
	END IF;
	IF (f.vals->>'org')::bigint IS DISTINCT FROM NULL AND (f.vals->>'org')::bigint <> v_org THEN
		status := 400;
		body := duban_api_problem(400, '牵头处室有误',
		    '牵头处室应为本单位的处室', 'lead_office');
		RETURN;
	END IF;

	SELECT jsonb_object_agg(x.field, x.value) INTO v_before
	  FROM duban_jiaoban_field_texts(t.id) x;
	UPDATE task x
	   SET title = coalesce(f.vals->>'title', x.title),
	       basis_kind = coalesce(f.vals->>'basis_kind', x.basis_kind),
	       basis = coalesce(f.vals->>'basis', x.basis),
	       body = CASE WHEN f.vals ? 'text' THEN f.vals->>'text' ELSE x.body END,
	       deadline = coalesce((f.vals->>'deadline')::date, x.deadline),
	       deadline_form = coalesce(f.vals->>'deadline', x.deadline_form),
	       report_every = CASE WHEN f.vals ? 'report_every' THEN f.vals->>'report_every'
				   ELSE x.report_every END
	 WHERE x.id = t.id
	RETURNING x.* INTO t;
	PERFORM duban_jiaoban_roles(t, v_org, f.vals);
	IF f.vals ? 'deadline' THEN
		UPDATE milestone
		   SET due_on = t.deadline, due_form = t.deadline_form,
		       version = version + 1, updated_at = p_now
		 WHERE task_id = t.id AND key = 'deadline' AND due_on <> t.deadline;
	END IF;

	INSERT INTO progress (at, actor, office_id, token_id, actor_role, source, plan_id,
	    task_id, field, old_value, new_value, note)
	SELECT p_now, tok.label, tok.office_id, tok.id, duban_token_part(tok), 'workflow',
	       t.plan_id, t.id, x.field, v_before->>x.field, x.value, '调整督办事项'
	  FROM duban_jiaoban_field_texts(t.id) x
	 WHERE (v_before->>x.field) IS DISTINCT FROM x.value;
	GET DIAGNOSTICS n = ROW_COUNT;
	-- The 完成时限 milestone's date too, as a plan file's change writes it
	-- (the reports read a date as it stood from these rows).
	INSERT INTO progress (at, actor, office_id, token_id, actor_role, source, plan_id,
	    task_id, milestone_id, field, old_value, new_value, note)
	SELECT p_now, tok.label, tok.office_id, tok.id, duban_token_part(tok), 'workflow',
	       t.plan_id, t.id, m.id, 'due_on', v_before->>'deadline', t.deadline::text,
	       '调整督办事项'
	  FROM milestone m
	 WHERE m.task_id = t.id AND m.key = 'deadline'
	   AND (v_before->>'deadline') IS DISTINCT FROM t.deadline::text;
	IF n > 0 THEN
		UPDATE task x SET version = x.version + 1, updated_at = p_now WHERE x.id = t.id
		RETURNING x.* INTO t;
		PERFORM duban_assignments_sync(p_now);
	END IF;
	status := 200;
	body := duban_jiaoban_json(t, v_today);
END $$;

-- POST /api/v1/jiaoban/{task}/withdraw {reason}: 200 with the 督办事项,
-- withdrawn (it keeps its number; its history stays).
CREATE OR REPLACE FUNCTION duban_jiaoban_withdraw(p_token text, p_task bigint,
    p_body jsonb, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	tok		api_token;
	g		record;
	t		task;
	v_reason	text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO g FROM duban_jiaoban_get_for_change(tok, p_task);
	IF g.problem IS NOT NULL THEN
		body := g.problem;
		status := (body->>'status')::int;
		RETURN;
	END IF;
	t := g.t;
	IF p_body IS NULL OR jsonb_typeof(p_body->'reason') IS DISTINCT FROM 'string'
	   OR btrim(p_body->>'reason') = '' OR length(p_body->>'reason') > 2000 THEN
		status := 400;
		body := duban_api_problem(400, '缺少撤销理由',
		    '请写明撤销的理由（reason，不超过 2000 个字）', 'reason');
		RETURN;
	END IF;
	body := duban_text_problem('reason', '撤销理由', p_body->>'reason');
	IF body IS NOT NULL THEN
		status := 400;
		RETURN;
	END IF;
	v_reason := btrim(p_body->>'reason');
	UPDATE task x SET withdrawn_at = p_now, version = x.version + 1, updated_at = p_now
	 WHERE x.id = t.id
	RETURNING x.* INTO t;
	INSERT INTO progress (at, actor, office_id, token_id, actor_role, source, plan_id,
	    task_id, field, old_value, new_value, note)
	VALUES (p_now, tok.label, tok.office_id, tok.id, duban_token_part(tok), 'workflow',
	    t.plan_id, t.id, 'withdrawn', 'false', 'true', v_reason);
	status := 200;
	body := duban_jiaoban_json(t, v_today);
END $$;

-- GET /api/v1/jiaoban?year=: the year's 督办事项 (of every organisation's
-- list), in number order, withdrawn ones too (marked); and the leaders
-- one may name (people the plans name as 责任领导, and leaders'
-- accounts).  Anyone signed in reads it, as GET /api/v1/tasks.
CREATE OR REPLACE FUNCTION duban_jiaoban_list(p_token text, p_year int, p_now timestamptz,
    OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_year		int := coalesce(p_year, extract(year FROM v_today)::int);
	tok		api_token;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		status := 401;
		body := duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
		RETURN;
	END IF;
	IF v_year NOT BETWEEN 2000 AND 2100 THEN
		status := 400;
		body := duban_api_problem(400, '年度有误', 'year 应为 2000 至 2100 之间的年份',
		    'year');
		RETURN;
	END IF;
	status := 200;
	body := json_build_object(
	    'year', v_year, 'today', v_today,
	    'may_create', duban_jiaoban_check(tok) IS NULL,
	    'plans', (SELECT coalesce(json_agg(json_build_object('key', p.key, 'id', p.id,
			'title', p.title, 'organisation', o.name) ORDER BY o.name), '[]')
		       FROM plan p JOIN organisation o ON o.id = p.org_id
		      WHERE p.origin = 'jiaoban' AND p.year = v_year
			AND duban_tok_sees_org(tok, p.org_id)),
	    'years', (SELECT coalesce(json_agg(DISTINCT p.year ORDER BY p.year), '[]')
		       FROM plan p WHERE p.origin = 'jiaoban' AND duban_tok_sees_org(tok, p.org_id)),
	    'items', (SELECT coalesce(json_agg(duban_jiaoban_json(t, v_today)
			ORDER BY p.org_id, t.position), '[]')
		       FROM task t JOIN plan p ON p.id = t.plan_id
		      WHERE p.origin = 'jiaoban' AND p.year = v_year
			AND duban_tok_sees_org(tok, p.org_id)),
	    'leaders', (SELECT coalesce(json_agg(DISTINCT pe.name), '[]')
			  FROM person pe
			 WHERE EXISTS (SELECT 1 FROM task_role r WHERE r.person_id = pe.id
					 AND r.role = 'leader')
			    OR EXISTS (SELECT 1 FROM account a WHERE a.person_id = pe.id
					 AND a.role = 'leader' AND a.disabled_at IS NULL)));
END $$;

-- ------------------------------------------------------------------
-- Reminders to report (汇报频次), on the working days in (p_from, p_to]:
-- a task with report_every, open (its 完成时限 not done) and not yet due,
-- reminds its lead office on each working day ('day'), or on the first
-- working day of each week, month or quarter, after the day it was
-- assigned and up to its 完成时限: one reminder per plan, office and day,
-- listing the tasks.  The columns are duban_reminders_due's.
CREATE OR REPLACE FUNCTION duban_report_reminders_due(p_from date, p_to date)
RETURNS TABLE (key text, kind text, plan_id bigint, office_id bigint,
    milestone_id bigint, period text, send_on date, subject text, payload json)
LANGUAGE sql STABLE AS $$
WITH send_days AS MATERIALIZED (
	SELECT w.day,
	       NOT EXISTS (SELECT 1 FROM workday_seq x WHERE x.is_workday AND x.day < w.day
			    AND x.day >= date_trunc('week', w.day)::date) AS week_first,
	       NOT EXISTS (SELECT 1 FROM workday_seq x WHERE x.is_workday AND x.day < w.day
			    AND x.day >= date_trunc('month', w.day)::date) AS month_first,
	       NOT EXISTS (SELECT 1 FROM workday_seq x WHERE x.is_workday AND x.day < w.day
			    AND x.day >= date_trunc('quarter', w.day)::date) AS quarter_first
	  FROM workday_seq w
	 WHERE w.is_workday AND w.day > p_from AND w.day <= p_to
), due AS (
	SELECT sd.day AS send_on, t.plan_id, t.lead_office_id AS office_id,
	       json_agg(json_build_object('id', t.id, 'number', t.label, 'title', t.title,
		   'every', t.report_every, 'deadline', m.due_on) ORDER BY t.position) AS tasks
	  FROM send_days sd
	  JOIN task t ON t.report_every IS NOT NULL AND t.withdrawn_at IS NULL
		     AND t.lead_office_id IS NOT NULL
	  JOIN milestone m ON m.task_id = t.id AND m.key = 'deadline'
			  AND m.withdrawn_at IS NULL AND m.status <> 'done'
	  JOIN assignment a ON a.task_id = t.id AND a.office_id = t.lead_office_id
	 WHERE sd.day > (a.assigned_at AT TIME ZONE 'Asia/Shanghai')::date
	   AND sd.day <= m.due_on
	   AND CASE t.report_every WHEN 'day' THEN true WHEN 'week' THEN sd.week_first
		    WHEN 'month' THEN sd.month_first ELSE sd.quarter_first END
	 GROUP BY sd.day, t.plan_id, t.lead_office_id
)
SELECT concat_ws('.', 'report_due', 'p' || d.plan_id, 'o' || d.office_id, d.send_on),
       'report_due', d.plan_id, d.office_id, NULL::bigint, d.send_on::text, d.send_on,
       '【汇报提醒】' || o.name || ' · ' || p.title || '（' || json_array_length(d.tasks) || ' 项）',
       json_build_object('kind', 'report_due',
	   'key', concat_ws('.', 'report_due', 'p' || d.plan_id, 'o' || d.office_id, d.send_on),
	   'plan', duban_plan_json(p), 'office', o.name, 'send_on', d.send_on, 'tasks', d.tasks)
  FROM due d
  JOIN plan p ON p.id = d.plan_id
  JOIN office o ON o.id = d.office_id
$$ SET jit = off;
