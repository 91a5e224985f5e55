-- A loaded plan written back as a plan document: the plan format's own
-- structure (docs/plan-format.md) as JSON, which `duban plan export`
-- writes as a 任务分解表 workbook or a YAML file, and which
-- GET /api/v1/plans/{key}/export.xlsx (daemon/api-plan-sheet.c) writes
-- as the workbook.  One home: both call duban_plan_document().
-- Repeatable: re-applied whole whenever it changes.  CREATE OR REPLACE only
-- (and the DROP below of a signature that changed).
--
-- What is written is the plan as it stands: withdrawn sections, tasks,
-- targets and milestones are left out; each task carries its deadline
-- as the form the file gave (全年, 2012年9月), so no default_deadline is
-- needed; offices and people are those the plan names, with the kinds,
-- aliases, offices and titles the database holds.  Empty fields and
-- empty lists are left out, as a person writing the file would.

-- duban_api_plan_document(token, key) has taken the as-of day and the
-- time since the 任务分解表 has its 预警 column.
DROP FUNCTION IF EXISTS duban_api_plan_document(text, text);

-- A task's own fields (without its subtasks).
CREATE OR REPLACE FUNCTION duban_plan_task_fields(t task) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_strip_nulls(jsonb_build_object(
	    'key', t.key, 'number', t.number, 'title', t.title, 'text', t.body,
	    'goal', t.goal, 'work', t.work, 'measures', t.measures,
	    'deadline', coalesce(t.deadline_form, CASE WHEN NOT EXISTS (
		SELECT 1 FROM task s WHERE s.parent_id = t.id AND s.withdrawn_at IS NULL)
		THEN t.deadline::text END),
	    'deadline_text', t.deadline_text, 'phone', t.phone,
	    'leaders', (SELECT jsonb_agg(pe.name ORDER BY r.position)
			  FROM task_role r JOIN person pe ON pe.id = r.person_id
			 WHERE r.task_id = t.id AND r.role = 'leader'),
	    'lead', (SELECT jsonb_strip_nulls(jsonb_build_object('office', o.name,
			    'person', pe.name))
		       FROM task_role r LEFT JOIN office o ON o.id = r.office_id
		       LEFT JOIN person pe ON pe.id = r.person_id
		      WHERE r.task_id = t.id AND r.role = 'lead'
		      ORDER BY r.position LIMIT 1),
	    'responsible', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
			    'office', o.name, 'person', pe.name)) ORDER BY r.position)
			      FROM task_role r LEFT JOIN office o ON o.id = r.office_id
			      LEFT JOIN person pe ON pe.id = r.person_id
			     WHERE r.task_id = t.id AND r.role = 'responsible'),
	    'coordinating', (SELECT jsonb_agg(o.name ORDER BY r.position)
			       FROM task_role r JOIN office o ON o.id = r.office_id
			      WHERE r.task_id = t.id AND r.role = 'coordinator'),
	    'targets', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
			    'key', g.key, 'name', g.name, 'kind', g.kind,
			    'value', g.value::text, 'unit', g.unit, 'qualifier', g.qualifier,
			    'baseline', g.baseline::text,
			    'deadline', coalesce(g.deadline_form, g.deadline::text),
			    'text', g.body)) ORDER BY g.position)
			  FROM target g WHERE g.task_id = t.id AND g.withdrawn_at IS NULL),
	    'milestones', (SELECT jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
			    'key', m.key, 'title', m.title,
			    'due', coalesce(m.due_form, m.due_on::text), 'text', m.body))
			    ORDER BY m.position)
			     FROM milestone m
			    WHERE m.task_id = t.id AND m.kind = 'phase' AND m.withdrawn_at IS NULL)))
$$;

-- The plan's tasks, each with its subtasks nested (at most three levels,
-- as the format allows), keyed by task id; the top level's parent_id is
-- NULL.
CREATE OR REPLACE FUNCTION duban_plan_task_docs(p_plan bigint)
RETURNS TABLE (id bigint, parent_id bigint, section_id bigint, "position" int, doc jsonb)
LANGUAGE sql STABLE AS $$
	WITH t AS (
		SELECT t.id, t.parent_id, t.section_id, t.position,
		       duban_plan_task_fields(t) AS doc
		  FROM task t WHERE t.plan_id = p_plan AND t.withdrawn_at IS NULL
	), l3 AS (
		SELECT t.id, t.parent_id, t.section_id, t.position, t.doc FROM t
		 WHERE NOT EXISTS (SELECT 1 FROM t c WHERE c.parent_id = t.id)
	), l2 AS (
		SELECT t.id, t.parent_id, t.section_id, t.position,
		       t.doc || coalesce((SELECT jsonb_build_object('subtasks',
			    jsonb_agg(c.doc ORDER BY c.position))
			  FROM l3 c WHERE c.parent_id = t.id
			 HAVING count(*) > 0), '{}') AS doc
		  FROM t
		 WHERE NOT EXISTS (SELECT 1 FROM t c JOIN t g ON g.parent_id = c.id
				    WHERE c.parent_id = t.id)
	), l1 AS (
		SELECT t.id, t.parent_id, t.section_id, t.position,
		       t.doc || coalesce((SELECT jsonb_build_object('subtasks',
			    jsonb_agg(c.doc ORDER BY c.position))
			  FROM l2 c WHERE c.parent_id = t.id
			 HAVING count(*) > 0), '{}') AS doc
		  FROM t
	)
	SELECT l1.id, l1.parent_id, l1.section_id, l1.position, l1.doc FROM l1
$$;

-- The plan document of the plan keyed p_key, or NULL when there is none.
CREATE OR REPLACE FUNCTION duban_plan_document(p_key text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH p AS (
		SELECT p.*, o.name AS issuer, o.kind AS issuer_kind, po.name AS parent_org
		  FROM plan p JOIN organisation o ON o.id = p.org_id
		  LEFT JOIN organisation po ON po.id = o.parent_id
		 WHERE p.key = p_key
	), docs AS (
		SELECT d.* FROM p, duban_plan_task_docs(p.id) d
	), named AS (
		-- The offices and people the plan names.
		SELECT r.office_id, r.person_id
		  FROM p JOIN task t ON t.plan_id = p.id AND t.withdrawn_at IS NULL
		  JOIN task_role r ON r.task_id = t.id
		UNION
		SELECT r.office_id, r.person_id FROM p JOIN plan_role r ON r.plan_id = p.id
	), people AS (
		SELECT pe.* FROM person pe WHERE pe.id IN (SELECT person_id FROM named)
	), offices AS (
		SELECT o.* FROM office o
		 WHERE o.id IN (SELECT office_id FROM named UNION SELECT office_id FROM people)
	)
	SELECT jsonb_strip_nulls(jsonb_build_object(
	    'duban-plan', 1,
	    'plan', jsonb_build_object(
		'key', p.key, 'title', p.title, 'year', p.year, 'year_basis', p.year_basis,
		'issuer', p.issuer, 'issuer_kind', p.issuer_kind, 'parent_org', p.parent_org,
		'document_number', p.document_number, 'issued_on', p.issued_on::text,
		'kind', p.kind, 'phone', p.phone,
		'source', jsonb_build_object('file', p.source_file, 'sha256', p.source_sha256,
		    'note', p.source_note),
		'preamble', p.preamble, 'extension_review', p.extension_review,
		'completion_review', CASE WHEN p.completion_review THEN 'yes' ELSE 'no' END,
		'completion_evidence', CASE WHEN p.completion_evidence THEN 'yes' ELSE 'no' END),
	    'offices', (SELECT jsonb_agg(jsonb_build_object('name', o.name, 'kind', o.kind)
			    || CASE WHEN cardinality(o.aliases) > 0
				THEN jsonb_build_object('aliases', to_jsonb(o.aliases))
				ELSE '{}' END ORDER BY o.id)
			  FROM offices o),
	    'people', (SELECT jsonb_agg(jsonb_build_object('name', pe.name,
			    'office', (SELECT name FROM office WHERE id = pe.office_id),
			    'title', pe.title) ORDER BY pe.id)
			 FROM people pe),
	    'plan_roles', (SELECT jsonb_agg(jsonb_build_object('role', r.role,
			    'person', (SELECT name FROM person WHERE id = r.person_id),
			    'office', (SELECT name FROM office WHERE id = r.office_id))
			    ORDER BY r.position)
			     FROM plan_role r WHERE r.plan_id = p.id),
	    'sections', (SELECT jsonb_agg(jsonb_build_object('key', s.key, 'number', s.number,
			    'title', s.title, 'text', s.body,
			    'tasks', (SELECT jsonb_agg(d.doc ORDER BY d.position) FROM docs d
				       WHERE d.section_id = s.id AND d.parent_id IS NULL))
			    ORDER BY s.position)
			   FROM section s WHERE s.plan_id = p.id AND s.withdrawn_at IS NULL),
	    'tasks', (SELECT jsonb_agg(d.doc ORDER BY d.position) FROM docs d
		       WHERE d.section_id IS NULL AND d.parent_id IS NULL)))
	  FROM p
$$;

-- The 任务分解表's 预警 column (lib/plan/sheetplan-write.c): each task's
-- 红黄绿灯 on p_on as the task page judges it (duban_task_lights,
-- 62-lights.sql), by task key: {"1": "red", "5-1": "green", …}.  Left out
-- (the cell empty): a task done on p_on, and every task when p_on is
-- before the plan started (its 印发日期, or 1 January of its year when
-- later).  PL/pgSQL: its callees' files are applied after this one.
CREATE OR REPLACE FUNCTION duban_plan_sheet_lights(p_plan bigint, p_on date) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT coalesce(jsonb_object_agg(t.key, duban_task_lights(t.id, p_on)->>'light'),
			'{}')
		  FROM task t JOIN plan p ON p.id = t.plan_id
		 WHERE t.plan_id = p_plan AND t.withdrawn_at IS NULL
		   AND p_on >= greatest(p.issued_on, make_date(p.year, 1, 1))
		   AND duban_task_status(t.id, p_on) <> 'done');
END $$;

-- The plan document as the 任务分解表 writes it: duban_plan_document()'s,
-- with the day its lights are judged on (as_of: p_as_of, else today in
-- Beijing at p_now) and the lights (duban_plan_sheet_lights), which the
-- workbook shows and a re-import ignores.  NULL when there is no plan.
CREATE OR REPLACE FUNCTION duban_plan_sheet_document(p_key text, p_as_of date,
    p_now timestamptz) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT duban_plan_document(p_key) || jsonb_build_object('as_of', x.on_day,
	    'lights', duban_plan_sheet_lights(p.id, x.on_day))
	  FROM plan p
	 CROSS JOIN LATERAL (SELECT coalesce(p_as_of,
		(p_now AT TIME ZONE 'Asia/Shanghai')::date) AS on_day) x
	 WHERE p.key = p_key
$$;

-- GET /api/v1/plans/{key}/export.xlsx[?as_of=]: {status, body} with the
-- plan document and its lights on p_as_of (today at p_now without);
-- for the general office and inspectors (an office's token reads its
-- own tasks, not whole plans written out).
CREATE OR REPLACE FUNCTION duban_api_plan_document(p_token text, p_key text, p_as_of date,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
	v_doc	jsonb;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF tok.role NOT IN ('general', 'inspector') THEN
		RETURN duban_api_problem(403, '无权导出', '只有局办公室和督查人员可以导出计划的任务分解表');
	END IF;
	-- Another tenant's plan is not there (32-tenants.sql).
	IF NOT coalesce(duban_tok_sees_org(tok, (SELECT org_id FROM plan WHERE key = p_key)),
	    false) THEN
		RETURN duban_api_problem(404, '计划不存在', '没有计划键为“' || p_key || '”的计划', 'key');
	END IF;
	v_doc := duban_plan_sheet_document(p_key, p_as_of, p_now);
	IF v_doc IS NULL THEN
		RETURN duban_api_problem(404, '计划不存在', '没有计划键为“' || p_key || '”的计划', 'key');
	END IF;
	RETURN json_build_object('status', 200, 'body', v_doc);
END $$;
