-- What loading plan files would change, before it changes anything.
--
-- The preview is the load itself, run and rolled back: duban_plan_changes
-- takes a picture of the plans' tasks, targets and milestones, loads the
-- files with duban_load_plans (the one loader), takes the picture again
-- and compares.  duban_plan_preview undoes it all; duban_plan_apply keeps
-- it when the changes are the ones the user saw (their digest), so what
-- the general office confirms is exactly what happens.  Callers: the CLI
-- (`plan load --dry-run`) and duband (POST /api/v1/plans/preview, /load).

-- The names of a task's office or person roles, in the document's order:
-- "教育发展规划处（张三）、基础教育处".
CREATE OR REPLACE FUNCTION duban_task_role_text(p_task bigint, p_role text)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT string_agg(coalesce(o.name, pe.name)
		|| CASE WHEN o.name IS NOT NULL AND pe.name IS NOT NULL
			THEN '（' || pe.name || '）' ELSE '' END, '、' ORDER BY r.position)
	  FROM task_role r
	  LEFT JOIN office o ON o.id = r.office_id
	  LEFT JOIN person pe ON pe.id = r.person_id
	 WHERE r.task_id = p_task AND r.role = p_role
$$;

-- Every plan, task, target and milestone of the plans keyed p_keys, with
-- the fields a plan file sets (f) and what has been reported against it
-- (reported).  k names the item stably across loads; task_k its task's;
-- ord sorts the items as the plan reads.
CREATE OR REPLACE FUNCTION duban_plan_items(p_keys text[])
RETURNS TABLE (k text, task_k text, what text, plan text, label text, title text,
    withdrawn boolean, f jsonb, reported jsonb, ord text)
LANGUAGE sql STABLE AS $$
	SELECT 'plan/' || p.key, NULL, 'plan', p.key, NULL, p.title, false,
	       jsonb_build_object('title', p.title, 'year', p.year, 'issuer', og.name,
		   'kind', p.kind, 'document_number', p.document_number,
		   'issued_on', p.issued_on, 'phone', p.phone),
	       NULL::jsonb, p.key
	  FROM plan p JOIN organisation og ON og.id = p.org_id
	 WHERE p.key = ANY (p_keys)
	UNION ALL
	SELECT 'task/' || p.key || '/' || t.key, 'task/' || p.key || '/' || t.key, 'task',
	       p.key, t.label, t.title, t.withdrawn_at IS NOT NULL,
	       jsonb_build_object('title', t.title, 'number', t.number,
		   'section', s.title, 'parent', pt.label, 'goal', t.goal, 'body', t.body,
		   'work', t.work, 'measures', t.measures, 'deadline', t.deadline,
		   'deadline_text', t.deadline_text, 'phone', t.phone,
		   'lead', duban_task_role_text(t.id, 'lead'),
		   'responsible', duban_task_role_text(t.id, 'responsible'),
		   'leader', duban_task_role_text(t.id, 'leader'),
		   'coordinator', duban_task_role_text(t.id, 'coordinator')),
	       (SELECT CASE WHEN count(*) > 0 THEN jsonb_build_object('entries', count(*),
			'last_at', max(h.at)) END
		  FROM progress h WHERE h.task_id = t.id AND h.source <> 'load'),
	       p.key || '/' || lpad(t.position::text, 6, '0') || '/0'
	  FROM plan p JOIN task t ON t.plan_id = p.id
	  LEFT JOIN section s ON s.id = t.section_id
	  LEFT JOIN task pt ON pt.id = t.parent_id
	 WHERE p.key = ANY (p_keys)
	UNION ALL
	SELECT 'target/' || p.key || '/' || t.key || '/' || g.key,
	       'task/' || p.key || '/' || t.key, 'target', p.key, t.label, g.name,
	       g.withdrawn_at IS NOT NULL,
	       jsonb_build_object('name', g.name, 'kind', g.kind, 'value', g.value,
		   'unit', g.unit, 'qualifier', g.qualifier, 'baseline', g.baseline,
		   'deadline', g.deadline, 'body', g.body),
	       CASE WHEN g.current IS NOT NULL THEN jsonb_build_object('current', g.current,
		   'unit', g.unit, 'at', g.current_at) END,
	       p.key || '/' || lpad(t.position::text, 6, '0') || '/1/' || lpad(g.position::text, 6, '0')
	  FROM plan p JOIN task t ON t.plan_id = p.id JOIN target g ON g.task_id = t.id
	 WHERE p.key = ANY (p_keys)
	UNION ALL
	SELECT 'milestone/' || p.key || '/' || t.key || '/' || m.key,
	       'task/' || p.key || '/' || t.key, 'milestone', p.key, t.label, m.title,
	       m.withdrawn_at IS NOT NULL,
	       jsonb_build_object('title', m.title, 'kind', m.kind, 'due_on', m.due_on,
		   'body', m.body),
	       CASE WHEN m.status <> 'pending' THEN jsonb_build_object('status', m.status,
		   'completed_on', m.completed_on) END,
	       p.key || '/' || lpad(t.position::text, 6, '0') || '/2/' || lpad(m.position::text, 6, '0')
	  FROM plan p JOIN task t ON t.plan_id = p.id JOIN milestone m ON m.task_id = t.id
	 WHERE p.key = ANY (p_keys)
$$;

-- A field's name as the pages and the CLI show it.
CREATE OR REPLACE FUNCTION duban_plan_field_label(p_what text, p_field text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_what || '.' || p_field
		WHEN 'plan.title' THEN '计划名称' WHEN 'plan.year' THEN '年度'
		WHEN 'plan.issuer' THEN '发文单位' WHEN 'plan.kind' THEN '类型'
		WHEN 'plan.document_number' THEN '文号' WHEN 'plan.issued_on' THEN '印发日期'
		WHEN 'plan.phone' THEN '监督电话' WHEN 'task.phone' THEN '监督电话'
		WHEN 'task.title' THEN '任务名称' WHEN 'task.number' THEN '序号'
		WHEN 'task.section' THEN '所属部分' WHEN 'task.parent' THEN '上级任务'
		WHEN 'task.goal' THEN '工作目标' WHEN 'task.body' THEN '内容'
		WHEN 'task.work' THEN '工作任务' WHEN 'task.measures' THEN '工作措施'
		WHEN 'task.deadline' THEN '完成时限' WHEN 'task.deadline_text' THEN '完成时限（原文）'
		WHEN 'task.lead' THEN '牵头处室及牵头人' WHEN 'task.responsible' THEN '责任处室及责任人'
		WHEN 'task.leader' THEN '责任领导' WHEN 'task.coordinator' THEN '协调部门'
		WHEN 'target.name' THEN '指标名称' WHEN 'target.kind' THEN '指标类型'
		WHEN 'target.value' THEN '目标值' WHEN 'target.unit' THEN '单位'
		WHEN 'target.qualifier' THEN '限定' WHEN 'target.baseline' THEN '基数'
		WHEN 'target.deadline' THEN '完成时限' WHEN 'target.body' THEN '原文'
		WHEN 'milestone.title' THEN '节点名称' WHEN 'milestone.kind' THEN '节点类型'
		WHEN 'milestone.due_on' THEN '完成时限' WHEN 'milestone.body' THEN '说明'
		ELSE p_field END
$$;

-- Loads docs (as duban_load_plans) and returns what that changed:
--   plans     [{key, title, created}]
--   items     [{op: new | withdrawn | restored | changed, what: plan | task
--             | target | milestone, plan, label, title, field, field_label,
--             old, new, reported}], in the plans' order; the targets and
--             milestones of a new or withdrawn task go with it, unlisted
--   offices   [{org, name, kind}] that the load created
--   counts    {new, withdrawn, restored, changed, offices}
--   digest    md5 of plans, items and offices: the same changes, the same digest
--   report    duban_load_plans' own answer
-- It writes: the caller decides whether the transaction stands.
CREATE OR REPLACE FUNCTION duban_plan_changes(docs jsonb, p_actor text, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_keys		text[] := ARRAY(SELECT d->>'key' FROM jsonb_array_elements(docs) d);
	v_before	jsonb;
	v_after		jsonb;
	v_office	bigint := (SELECT coalesce(max(id), 0) FROM office);
	v_report	jsonb;
	v_plans		jsonb;
	v_items		jsonb;
	v_offices	jsonb;
BEGIN
	SELECT coalesce(jsonb_agg(to_jsonb(i)), '[]') INTO v_before
	  FROM duban_plan_items(v_keys) i;
	v_report := duban_load_plans(docs, p_actor, p_now);
	SELECT coalesce(jsonb_agg(to_jsonb(i)), '[]') INTO v_after
	  FROM duban_plan_items(v_keys) i;

	WITH b AS (
		SELECT * FROM jsonb_to_recordset(v_before) AS x(k text, task_k text, what text,
		    plan text, label text, title text, withdrawn boolean, f jsonb, reported jsonb,
		    ord text)
	), a AS (
		SELECT * FROM jsonb_to_recordset(v_after) AS x(k text, task_k text, what text,
		    plan text, label text, title text, withdrawn boolean, f jsonb, reported jsonb,
		    ord text)
	), e AS (
		SELECT a.ord, 0 AS sub, a.what, a.task_k, 'new' AS op, a.plan, a.label, a.title,
		       NULL::text AS field, NULL::jsonb AS old, a.f AS new, NULL::jsonb AS reported
		  FROM a LEFT JOIN b ON b.k = a.k
		 WHERE b.k IS NULL AND NOT a.withdrawn AND a.what <> 'plan'
		UNION ALL
		SELECT a.ord, 0, a.what, a.task_k, 'withdrawn', a.plan, a.label, a.title,
		       NULL, NULL, NULL, b.reported
		  FROM a JOIN b ON b.k = a.k
		 WHERE a.withdrawn AND NOT b.withdrawn
		UNION ALL
		SELECT a.ord, 0, a.what, a.task_k, 'restored', a.plan, a.label, a.title,
		       NULL, NULL, NULL, b.reported
		  FROM a JOIN b ON b.k = a.k
		 WHERE NOT a.withdrawn AND b.withdrawn
		UNION ALL
		SELECT a.ord, 1, a.what, a.task_k, 'changed', a.plan, a.label, a.title,
		       fk, b.f->fk, a.f->fk, b.reported
		  FROM a JOIN b ON b.k = a.k
		 CROSS JOIN LATERAL jsonb_object_keys(a.f) fk
		 WHERE NOT a.withdrawn AND (a.f->fk) IS DISTINCT FROM (b.f->fk)
	), whole AS (
		-- Tasks that come or go whole: their targets and milestones go with them.
		SELECT task_k FROM e WHERE what = 'task' AND op IN ('new', 'withdrawn', 'restored')
	)
	SELECT coalesce(jsonb_agg(jsonb_strip_nulls(jsonb_build_object(
		   'op', e.op, 'what', e.what, 'plan', e.plan, 'label', e.label, 'title', e.title,
		   'field', e.field, 'field_label', duban_plan_field_label(e.what, e.field),
		   'old', e.old, 'new', e.new, 'reported', e.reported))
		   ORDER BY e.ord, e.sub, e.field), '[]')
	  INTO v_items
	  FROM e
	 WHERE e.what IN ('plan', 'task') OR e.task_k NOT IN (SELECT task_k FROM whole);

	SELECT coalesce(jsonb_agg(jsonb_build_object('key', a->>'plan', 'title', a->>'title',
		   'created', NOT EXISTS (SELECT 1 FROM jsonb_array_elements(v_before) b
					   WHERE b->>'k' = a->>'k'))
		   ORDER BY a->>'ord'), '[]')
	  INTO v_plans
	  FROM jsonb_array_elements(v_after) a WHERE a->>'what' = 'plan';

	SELECT coalesce(jsonb_agg(jsonb_build_object('org', og.name, 'name', o.name,
		   'kind', o.kind) ORDER BY o.id), '[]')
	  INTO v_offices
	  FROM office o JOIN organisation og ON og.id = o.org_id
	 WHERE o.id > v_office;

	RETURN jsonb_build_object('plans', v_plans, 'items', v_items, 'offices', v_offices,
	    'counts', jsonb_build_object(
		'new', (SELECT count(*) FROM jsonb_array_elements(v_items) i
			 WHERE i->>'op' = 'new' AND i->>'what' = 'task'),
		'withdrawn', (SELECT count(*) FROM jsonb_array_elements(v_items) i
			       WHERE i->>'op' = 'withdrawn' AND i->>'what' = 'task'),
		'restored', (SELECT count(*) FROM jsonb_array_elements(v_items) i
			      WHERE i->>'op' = 'restored' AND i->>'what' = 'task'),
		'changed', (SELECT count(*) FROM jsonb_array_elements(v_items) i
			     WHERE NOT (i->>'op' IN ('new', 'withdrawn', 'restored')
					AND i->>'what' = 'task')),
		'offices', jsonb_array_length(v_offices)),
	    'digest', md5(jsonb_build_array(v_plans, v_items, v_offices)::text),
	    'report', v_report);
END $$;

-- What loading docs would change; nothing is changed.
CREATE OR REPLACE FUNCTION duban_plan_preview(docs jsonb, p_actor text, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v	jsonb;
BEGIN
	BEGIN
		v := duban_plan_changes(docs, p_actor, p_now);
		RAISE EXCEPTION 'preview: undone' USING ERRCODE = 'DBPV0';
	EXCEPTION WHEN SQLSTATE 'DBPV0' THEN
		NULL;	-- the load is undone; v holds what it did
	END;
	RETURN v - 'report';
END $$;

-- Loads docs when what it changes is what the preview with p_digest
-- showed (NULL: whatever it changes).  Raises serialization_failure,
-- changing nothing, when another change came in between.
CREATE OR REPLACE FUNCTION duban_plan_apply(docs jsonb, p_actor text, p_now timestamptz,
    p_digest text)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v	jsonb := duban_plan_changes(docs, p_actor, p_now);
BEGIN
	IF p_digest IS NOT NULL AND v->>'digest' <> p_digest THEN
		RAISE EXCEPTION '预览之后计划已有变化，请重新预览后再确认导入'
		    USING ERRCODE = 'serialization_failure';
	END IF;
	RETURN v;
END $$;

-- The API: the general office only.  200 with the preview or the applied
-- changes; 400 when the loader refuses the plans; 409 when the plans
-- changed after the preview the user confirms.
CREATE OR REPLACE FUNCTION duban_api_plan_load(p_token text, docs jsonb, p_now timestamptz,
    p_apply boolean, p_digest text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	v	jsonb;
	v_issuer text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF tok.role <> 'general' THEN
		RETURN duban_api_problem(403, '无权导入计划', '计划由局办公室导入');
	END IF;
	-- Tenants: only plans of organisations within the token's reach,
	-- registered already, and keys that are not another tenant's plan's.
	SELECT d->>'issuer' INTO v_issuer FROM jsonb_array_elements(docs) d
	 WHERE NOT coalesce(duban_tok_sees_org(tok,
			(SELECT id FROM organisation WHERE name = d->>'issuer')), false)
	    OR EXISTS (SELECT 1 FROM plan p WHERE p.key = d->>'key'
			AND NOT duban_tok_sees_org(tok, p.org_id))
	 LIMIT 1;
	IF FOUND THEN
		RETURN duban_api_problem(403, '无权导入该单位的计划',
		    '计划的发文单位“' || coalesce(v_issuer, '') ||
		    '”不是本单位或本单位的下级单位（或计划键已为其他单位所用）：请由该单位的局办公室导入',
		    'issuer');
	END IF;
	IF p_apply AND p_digest IS NULL THEN
		RETURN duban_api_problem(428, '请先预览',
		    '确认导入须附上预览给出的 digest，以免导入未经预览的变化', 'digest');
	END IF;
	BEGIN
		IF p_apply THEN
			v := duban_plan_apply(docs, tok.label, p_now, p_digest) - 'report';
			-- The page's plan is not put back by duband's directory.
			UPDATE plan SET uploaded_at = p_now, uploaded_by = tok.label
			 WHERE key IN (SELECT d->>'key' FROM jsonb_array_elements(docs) d);
			RETURN json_build_object('status', 200, 'body', v);
		END IF;
		-- The reader's warnings (lib/base/diag.h) are shown with the preview.
		RETURN json_build_object('status', 200, 'body',
		    duban_plan_preview(docs, tok.label, p_now) || jsonb_build_object('warnings',
			(SELECT coalesce(jsonb_agg(w), '[]') FROM jsonb_array_elements(docs) d,
				jsonb_array_elements(coalesce(d->'warnings', '[]')) w)));
	EXCEPTION
		WHEN serialization_failure THEN
			RETURN duban_api_problem(409, '计划已有变化', SQLERRM, 'digest');
		WHEN check_violation OR raise_exception THEN
			RETURN duban_api_problem(400, '计划无法导入', SQLERRM);
	END;
END $$;

-- Loading plan files named by a person (`duban plan load`): the files
-- are the plans' source again, even those the page loaded last.
CREATE OR REPLACE FUNCTION duban_load_files(docs jsonb, p_actor text, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
	UPDATE plan SET uploaded_at = NULL, uploaded_by = NULL
	 WHERE key IN (SELECT d->>'key' FROM jsonb_array_elements(docs) d)
	   AND uploaded_at IS NOT NULL;
	RETURN duban_load_plans(docs, p_actor, p_now);
END $$;

-- duband's plans directory (at start, on SIGHUP): every plan but those
-- the general office loaded from the page since, which are reported as
-- {plan, skipped: true, uploaded_at, uploaded_by}.
CREATE OR REPLACE FUNCTION duban_load_directory(docs jsonb, p_actor text, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_load		jsonb;
	v_skipped	jsonb;
BEGIN
	SELECT coalesce(jsonb_agg(d ORDER BY n), '[]') INTO v_load
	  FROM jsonb_array_elements(docs) WITH ORDINALITY AS x(d, n)
	 WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.key = x.d->>'key'
			      AND p.uploaded_at IS NOT NULL);
	SELECT coalesce(jsonb_agg(jsonb_build_object('plan', p.key, 'skipped', true,
		   'uploaded_at', p.uploaded_at, 'uploaded_by', p.uploaded_by) ORDER BY p.key), '[]')
	  INTO v_skipped
	  FROM plan p
	 WHERE p.uploaded_at IS NOT NULL
	   AND p.key IN (SELECT d->>'key' FROM jsonb_array_elements(docs) d);
	RETURN duban_load_plans(v_load, p_actor, p_now) || v_skipped;
END $$;
