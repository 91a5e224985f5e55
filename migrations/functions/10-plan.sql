-- The plan model: the append-only history, lead offices, loading plans.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION progress_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '进度历史只能追加，不能修改或删除 (progress is append-only)'
	    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE OR REPLACE VIEW task_lead AS
SELECT t.id AS task_id, t.lead_office_id AS office_id, t.lead_basis AS basis
  FROM task t;

-- ------------------------------------------------------------------
-- Loading plans.  duban_load_plans() takes the JSON that `duban plan
-- load` builds from validated plan files (lib/plan/plan.c) and upserts them,
-- set-based, in the caller's single statement: all or nothing.
CREATE OR REPLACE FUNCTION duban_doc_tasks(doc jsonb)
RETURNS TABLE (key text, section text, parent text, number text, label text, title text,
    body text, goal text, work text, measures text, deadline date,
    deadline_form text, deadline_text text, "position" int, roles jsonb,
    targets jsonb, milestones jsonb)
LANGUAGE sql IMMUTABLE AS $$
	SELECT x.key, x.section, x.parent, x.number, x.label, x.title, x."text", x.goal,
	       x.work, x.measures, x.deadline, x.deadline_form, x.deadline_text,
	       x.position, x.roles, x.targets, x.milestones
	  FROM jsonb_to_recordset(doc->'tasks') AS x(key text, section text,
	       parent text, number text, label text, title text, "text" text, goal text,
	       work text, measures text, deadline date, deadline_form text,
	       deadline_text text, position int, roles jsonb, targets jsonb,
	       milestones jsonb)
$$;

-- Autovacuum's rule for ANALYZE (50 rows and a tenth of the table),
-- applied at once after a load wrote n rows into a table: autovacuum
-- cannot see the rows of a transaction still open, so the statements
-- after a big load were planned for the table as it had been, empty at
-- first, and nested loops over 5,000 tasks and 20,000 targets took
-- minutes (bench/import.sh).
--
-- Of the load's tables, only the columns statements join and filter on
-- are analyzed (the row count is taken either way): the statistics of
-- long texts (titles, bodies, goals) cost a sort of every value and no
-- plan reads them; autovacuum analyzes the whole table later.
CREATE OR REPLACE FUNCTION duban_analyze_grown(p_table regclass, n bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	v_cols	text := CASE p_table
		WHEN 'task'::regclass THEN ' (id, plan_id, key, parent_id, section_id, withdrawn_at)'
		WHEN 'target'::regclass THEN ' (id, task_id, key, withdrawn_at)'
		WHEN 'milestone'::regclass THEN ' (id, task_id, key, withdrawn_at)'
		WHEN 'task_role'::regclass THEN ' (task_id, role, office_id, person_id)'
		ELSE '' END;
BEGIN
	IF n > 50 + 0.1 * greatest((SELECT c.reltuples FROM pg_class c WHERE c.oid = p_table), 0) THEN
		EXECUTE format('ANALYZE %s%s', p_table, v_cols);
	END IF;
END $$;

CREATE OR REPLACE FUNCTION duban_load_plan(doc jsonb, p_actor text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	v_org		bigint;
	v_parent	bigint;
	v_plan		bigint;
	v_created	boolean := false;
	v_now		timestamptz := now();
	v_changes	int := 0;
	v_withdrawn	int := 0;
	v_roles_new	jsonb;
	v_old_lead	jsonb;
	v_changed	bigint[];
	v_full		jsonb := doc;
	n		int;
BEGIN
	-- Every statement below that names doc is planned with doc's value
	-- as a constant, copied once per mention: with a plan's thousands
	-- of tasks in it, the plan's INSERT alone copied it twenty times
	-- (bench/import.sh).  Only the statement reading the tasks names
	-- them (v_full); the others see the document without them.
	doc := doc - 'tasks';

	-- Organisations ------------------------------------------------
	IF doc->>'parent_org' IS NOT NULL THEN
		INSERT INTO organisation (name, kind) VALUES (doc->>'parent_org', 'city_bureau')
		ON CONFLICT (name) DO NOTHING;
		GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;
		SELECT id INTO v_parent FROM organisation WHERE name = doc->>'parent_org';
	END IF;
	INSERT INTO organisation AS o (name, kind, parent_id)
	VALUES (doc->>'issuer', doc->>'issuer_kind', v_parent)
	ON CONFLICT (name) DO UPDATE
	   SET kind = EXCLUDED.kind, parent_id = coalesce(EXCLUDED.parent_id, o.parent_id)
	 WHERE (o.kind, o.parent_id) IS DISTINCT FROM
	       (EXCLUDED.kind, coalesce(EXCLUDED.parent_id, o.parent_id));
	GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;
	SELECT id INTO v_org FROM organisation WHERE name = doc->>'issuer';

	-- Offices: declared ones set their kind and add their aliases;
	-- undeclared ones are only created.
	INSERT INTO office AS o (org_id, name, kind, aliases)
	SELECT v_org, x.name, x.kind, ARRAY(SELECT jsonb_array_elements_text(x.aliases))
	  FROM jsonb_to_recordset(doc->'offices') AS x(name text, kind text, aliases jsonb, declared boolean)
	 WHERE x.declared
	ON CONFLICT (org_id, name) DO UPDATE
	   SET kind = EXCLUDED.kind,
	       aliases = ARRAY(SELECT DISTINCT a FROM unnest(o.aliases || EXCLUDED.aliases) a ORDER BY a)
	 WHERE o.kind IS DISTINCT FROM EXCLUDED.kind
	    OR NOT (o.aliases @> EXCLUDED.aliases);
	GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;
	INSERT INTO office (org_id, name, kind)
	SELECT v_org, x.name, x.kind
	  FROM jsonb_to_recordset(doc->'offices') AS x(name text, kind text, declared boolean)
	 WHERE NOT x.declared
	ON CONFLICT (org_id, name) DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;

	INSERT INTO person AS p (org_id, name, office_id, title)
	SELECT v_org, x.name, o.id, x.title
	  FROM jsonb_to_recordset(doc->'people') AS x(name text, office text, title text)
	  LEFT JOIN office o ON o.org_id = v_org AND o.name = x.office
	ON CONFLICT (org_id, name) DO UPDATE
	   SET office_id = coalesce(EXCLUDED.office_id, p.office_id),
	       title = coalesce(EXCLUDED.title, p.title)
	 WHERE (p.office_id, p.title) IS DISTINCT FROM
	       (coalesce(EXCLUDED.office_id, p.office_id), coalesce(EXCLUDED.title, p.title));
	GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;

	-- The plan -------------------------------------------------------
	-- The general office's lists of 督办事项 (67-jiaoban.sql) are no
	-- file's: lib/plan/plan.c refuses their keys, and so does this.
	IF starts_with(doc->>'key', 'jiaoban-')
	   OR EXISTS (SELECT 1 FROM plan WHERE key = doc->>'key' AND origin <> 'file') THEN
		RAISE EXCEPTION '计划键“%”留给局办公室交办的督办事项清单，计划文件不能使用',
		    doc->>'key' USING ERRCODE = 'check_violation';
	END IF;
	SELECT id INTO v_plan FROM plan WHERE key = doc->>'key';
	IF v_plan IS NULL THEN
		INSERT INTO plan (key, org_id, year, year_basis, title, kind,
		    document_number, issued_on, preamble, source_file, source_sha256,
		    source_note, plan_file, file_sha256, extension_review, completion_review,
		    completion_evidence, phone)
		VALUES (doc->>'key', v_org, (doc->>'year')::int, doc->>'year_basis',
		    doc->>'title', coalesce(doc->>'kind', '民生实事'), doc->>'document_number',
		    (doc->>'issued_on')::date, doc->>'preamble', doc->>'source_file',
		    doc->>'source_sha256', doc->>'source_note', doc->>'plan_file',
		    doc->>'file_sha256', coalesce(doc->>'extension_review', 'general'),
		    -- 办结审核: a new plan has it unless its file says no.
		    coalesce((doc->>'completion_review')::boolean, true),
		    -- 办结 needs 佐证材料 only when the file says so.
		    coalesce((doc->>'completion_evidence')::boolean, false), doc->>'phone')
		RETURNING id INTO v_plan;
		v_created := true;
		v_changes := v_changes + 1;
		INSERT INTO progress (actor, source, plan_id, field, new_value, note)
		VALUES (p_actor, 'load', v_plan, 'created', doc->>'title',
		    '导入计划文件 ' || coalesce(doc->>'plan_file', ''));
	ELSE
		UPDATE plan p SET org_id = v_org, year = (doc->>'year')::int,
		    year_basis = doc->>'year_basis', title = doc->>'title',
		    kind = coalesce(doc->>'kind', '民生实事'), phone = doc->>'phone',
		    document_number = doc->>'document_number',
		    issued_on = (doc->>'issued_on')::date, preamble = doc->>'preamble',
		    source_file = doc->>'source_file', source_sha256 = doc->>'source_sha256',
		    source_note = doc->>'source_note',
		    extension_review = coalesce(doc->>'extension_review', 'general'),
		    -- A plan in the database keeps its 办结审核 unless the file says.
		    completion_review = coalesce((doc->>'completion_review')::boolean,
			p.completion_review),
		    completion_evidence = coalesce((doc->>'completion_evidence')::boolean, false),
		    loaded_at = v_now
		 WHERE p.id = v_plan
		   AND (p.org_id, p.year, p.year_basis, p.title, p.kind, p.phone,
			p.document_number, p.issued_on, p.preamble, p.source_file,
			p.source_sha256, p.source_note, p.extension_review,
			p.completion_review, p.completion_evidence)
		       IS DISTINCT FROM
		       (v_org, (doc->>'year')::int, doc->>'year_basis', doc->>'title',
			coalesce(doc->>'kind', '民生实事'), doc->>'phone',
			doc->>'document_number', (doc->>'issued_on')::date,
			doc->>'preamble', doc->>'source_file', doc->>'source_sha256',
			doc->>'source_note', coalesce(doc->>'extension_review', 'general'),
			coalesce((doc->>'completion_review')::boolean, p.completion_review),
			coalesce((doc->>'completion_evidence')::boolean, false));
		GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;
		-- Which file it came from is bookkeeping, not a change of the
		-- plan: a comment edited in the file is not reported.
		UPDATE plan p SET plan_file = doc->>'plan_file', file_sha256 = doc->>'file_sha256'
		 WHERE p.id = v_plan
		   AND (p.plan_file, p.file_sha256) IS DISTINCT FROM
		       (doc->>'plan_file', doc->>'file_sha256');
	END IF;

	-- 红黄绿灯 thresholds (62-lights.sql, called at run time: this file
	-- comes first).
	IF duban_plan_lights_load(v_plan, doc->'lights', v_created, p_actor, v_now) THEN
		v_changes := v_changes + 1;
	END IF;

	-- Plan roles: replaced as a whole when they differ.
	SELECT coalesce(jsonb_agg(jsonb_build_array(x.role, o.id, pe.id) ORDER BY x.position), '[]')
	  INTO v_roles_new
	  FROM jsonb_to_recordset(doc->'plan_roles') AS x(role text, office text, person text, position int)
	  LEFT JOIN office o ON o.org_id = v_org AND o.name = x.office
	  LEFT JOIN person pe ON pe.org_id = v_org AND pe.name = x.person;
	IF v_roles_new IS DISTINCT FROM (
	    SELECT coalesce(jsonb_agg(jsonb_build_array(role, office_id, person_id) ORDER BY position), '[]')
	      FROM plan_role WHERE plan_id = v_plan) THEN
		DELETE FROM plan_role WHERE plan_id = v_plan;
		INSERT INTO plan_role (plan_id, role, office_id, person_id, position)
		SELECT v_plan, r->>0, (r->>1)::bigint, (r->>2)::bigint, i::int
		  FROM jsonb_array_elements(v_roles_new) WITH ORDINALITY AS e(r, i);
		v_changes := v_changes + 1;
	END IF;

	-- Sections -------------------------------------------------------
	INSERT INTO section AS s (plan_id, key, number, title, body, position)
	SELECT v_plan, x.key, x.number, x.title, x."text", x.position
	  FROM jsonb_to_recordset(doc->'sections') AS x(key text, number text, title text, "text" text, position int)
	ON CONFLICT (plan_id, key) DO UPDATE
	   SET number = EXCLUDED.number, title = EXCLUDED.title, body = EXCLUDED.body,
	       position = EXCLUDED.position, withdrawn_at = NULL
	 WHERE (s.number, s.title, s.body, s.position, s.withdrawn_at) IS DISTINCT FROM
	       (EXCLUDED.number, EXCLUDED.title, EXCLUDED.body, EXCLUDED.position, NULL::timestamptz);
	GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;
	UPDATE section s SET withdrawn_at = v_now
	 WHERE s.plan_id = v_plan AND s.withdrawn_at IS NULL
	   AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(doc->'sections') e
			    WHERE e->>'key' = s.key);
	GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;

	-- Tasks ------------------------------------------------------------
	-- The file's tasks, read out of the document once, with statistics:
	-- read by each statement below instead, a plan of thousands of tasks
	-- was parsed out of the jsonb a dozen times, and the planner, which
	-- knows nothing of a function's rows, rescanned it once per task in
	-- the NOT EXISTS of the withdrawals (bench/import.sh).
	-- Its 监督电话 beside duban_doc_tasks' columns, read in the same pass
	-- (a second pass for the telephone alone read the whole array again).
	-- Only the columns statements join on are analyzed: statistics of
	-- the jsonb columns (roles, targets, milestones) cost a sort of
	-- every value and no plan reads them.
	CREATE TEMP TABLE IF NOT EXISTS duban_load_task ON COMMIT DROP AS
		SELECT d.*, NULL::text AS phone, NULL::bigint AS n
		  FROM duban_doc_tasks(NULL) d WITH NO DATA;
	TRUNCATE duban_load_task;
	-- The tasks, a row each in duban_stage_task: `duban plan load` sends
	-- them ahead (lib/store/load.c), so that the database reads them while
	-- the client writes them, and says "tasks_staged"; a document that
	-- carries its tasks (duband's page) has them staged here.
	IF NOT coalesce((v_full->>'tasks_staged')::boolean, false) THEN
		CREATE TEMP TABLE IF NOT EXISTS duban_stage_task (plan text, n int, task jsonb)
		    ON COMMIT DROP;
		DELETE FROM duban_stage_task WHERE plan = doc->>'key';
		INSERT INTO duban_stage_task
		SELECT doc->>'key', e.n, e.task
		  FROM jsonb_array_elements(v_full->'tasks') WITH ORDINALITY AS e(task, n);
	END IF;
	INSERT INTO duban_load_task
	SELECT x.key, x.section, x.parent, x.number, x.label, x.title, x."text", x.goal,
	       x.work, x.measures, x.deadline, x.deadline_form, x.deadline_text,
	       x.position, x.roles, x.targets, x.milestones, x.phone, s.n
	  FROM duban_stage_task s
	 CROSS JOIN LATERAL jsonb_to_record(s.task) AS x(key text, section text,
	       parent text, number text, label text, title text, "text" text, goal text,
	       work text, measures text, deadline date, deadline_form text,
	       deadline_text text, position int, roles jsonb, targets jsonb,
	       milestones jsonb, phone text)
	 WHERE s.plan = doc->>'key';
	ANALYZE duban_load_task (key, parent, section);

	INSERT INTO progress (actor, source, plan_id, task_id, field, old_value, new_value, note)
	SELECT p_actor, 'load', v_plan, t.id, 'deadline', t.deadline::text, x.deadline::text,
	       '计划文件修改了完成时限'
	  FROM duban_load_task x JOIN task t ON t.plan_id = v_plan AND t.key = x.key
	 WHERE t.deadline IS DISTINCT FROM x.deadline;
	INSERT INTO progress (actor, source, plan_id, task_id, field, old_value, new_value, note)
	SELECT p_actor, 'load', v_plan, t.id, 'withdrawn', 'true', 'false', '任务重新出现在计划文件中，恢复'
	  FROM duban_load_task x JOIN task t ON t.plan_id = v_plan AND t.key = x.key
	 WHERE t.withdrawn_at IS NOT NULL;

	-- The lead offices before this load (the history of a changed one
	-- below), taken before new tasks come in with theirs.
	IF NOT v_created THEN
		SELECT coalesce(jsonb_object_agg(tl.task_id::text, o.name), '{}') INTO v_old_lead
		  FROM task t JOIN task_lead tl ON tl.task_id = t.id
		  JOIN office o ON o.id = tl.office_id
		 WHERE t.plan_id = v_plan;
	END IF;

	WITH up AS (
		INSERT INTO task AS t (plan_id, section_id, key, number, label, title, body, goal,
		    work, measures, deadline, deadline_form, deadline_text, position,
		    lead_office_id, lead_basis)
		SELECT v_plan, sec.id, x.key, x.number, x.label, x.title, x.body, x.goal, x.work,
		       x.measures, x.deadline, x.deadline_form, x.deadline_text, x.position,
		       coalesce(ld.named, ld.sole),
		       CASE WHEN ld.named IS NOT NULL THEN 'named'
			    WHEN ld.sole IS NOT NULL THEN 'sole_responsible' END
		  FROM duban_load_task x
		  LEFT JOIN section sec ON sec.plan_id = v_plan AND sec.key = x.section
		  -- A new task's lead office, by duban_refresh_leads' rule, from
		  -- the roles about to be inserted: the roles' trigger then finds
		  -- it right and rewrites no task (5,000 rewritten tasks, each
		  -- checked against three foreign keys again, took 0.1 s).  A
		  -- task that exists keeps its lead until the trigger sees its
		  -- roles (EXCLUDED's lead is not used below).  All tasks' roles
		  -- in one pass: a subquery per task took 60 ms for 5,000.
		  LEFT JOIN (
			SELECT y.n,
			       (array_agg(o.id ORDER BY r.position)
				    FILTER (WHERE r.role = 'lead'))[1] AS named,
			       CASE WHEN count(DISTINCT o.id) FILTER (WHERE r.role = 'responsible'
					  AND o.kind IN ('office', 'unit')) = 1
				    THEN min(o.id) FILTER (WHERE r.role = 'responsible'
					  AND o.kind IN ('office', 'unit')) END AS sole
			  FROM duban_load_task y
			 CROSS JOIN LATERAL jsonb_to_recordset(y.roles)
			       AS r(role text, office text, position int)
			  JOIN office o ON o.org_id = v_org AND o.name = r.office
			 WHERE r.role IN ('lead', 'responsible')
			 GROUP BY y.n) ld ON ld.n = x.n
		 ORDER BY x.n	-- new tasks' ids in the file's order
		ON CONFLICT (plan_id, key) DO UPDATE
		   SET section_id = EXCLUDED.section_id, number = EXCLUDED.number,
		       label = EXCLUDED.label, title = EXCLUDED.title, body = EXCLUDED.body, goal = EXCLUDED.goal,
		       work = EXCLUDED.work, measures = EXCLUDED.measures,
		       deadline = EXCLUDED.deadline, deadline_form = EXCLUDED.deadline_form,
		       deadline_text = EXCLUDED.deadline_text, position = EXCLUDED.position,
		       withdrawn_at = NULL, version = t.version + 1, updated_at = v_now
		 WHERE (t.section_id, t.number, t.label, t.title, t.body, t.goal, t.work, t.measures,
			t.deadline, t.deadline_form, t.deadline_text, t.position, t.withdrawn_at)
		       IS DISTINCT FROM
		       (EXCLUDED.section_id, EXCLUDED.number, EXCLUDED.label, EXCLUDED.title, EXCLUDED.body,
			EXCLUDED.goal, EXCLUDED.work, EXCLUDED.measures, EXCLUDED.deadline,
			EXCLUDED.deadline_form, EXCLUDED.deadline_text, EXCLUDED.position,
			NULL::timestamptz)
		RETURNING t.id, (xmax = 0) AS inserted, t.title
	), created AS (
		INSERT INTO progress (actor, source, plan_id, task_id, field, new_value, note)
		SELECT p_actor, 'load', v_plan, up.id, 'created', up.title, '计划文件新增任务'
		  FROM up WHERE up.inserted AND NOT v_created
	)
	SELECT count(*) INTO n FROM up;
	PERFORM duban_analyze_grown('task', n);
	v_changes := v_changes + n;

	-- 监督电话 of each task (a text of its own, beside duban_doc_tasks'
	-- columns): a changed one is a change of the task, as its texts are;
	-- a task this load made or changed already is not counted twice.
	SELECT count(*) INTO n
	  FROM duban_load_task x
	  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
	 WHERE t.phone IS DISTINCT FROM x.phone AND t.updated_at <> v_now;
	v_changes := v_changes + n;
	UPDATE task t SET phone = x.phone,
	       version = t.version + CASE WHEN t.updated_at = v_now THEN 0 ELSE 1 END,
	       updated_at = v_now
	  FROM duban_load_task x
	 WHERE t.plan_id = v_plan AND t.key = x.key AND t.phone IS DISTINCT FROM x.phone;

	UPDATE task t SET parent_id = p.id, version = t.version + 1, updated_at = v_now
	  FROM duban_load_task x
	  LEFT JOIN task p ON p.plan_id = v_plan AND p.key = x.parent
	 WHERE t.plan_id = v_plan AND t.key = x.key AND t.parent_id IS DISTINCT FROM p.id;
	GET DIAGNOSTICS n = ROW_COUNT; v_changes := v_changes + n;

	WITH w AS (
		UPDATE task t SET withdrawn_at = v_now, version = t.version + 1, updated_at = v_now
		 WHERE t.plan_id = v_plan AND t.withdrawn_at IS NULL
		   AND NOT EXISTS (SELECT 1 FROM duban_load_task x WHERE x.key = t.key)
		RETURNING t.id
	), h AS (
		INSERT INTO progress (actor, source, plan_id, task_id, field, old_value, new_value, note)
		SELECT p_actor, 'load', v_plan, w.id, 'withdrawn', 'false', 'true',
		       '任务已从计划文件中删除，标记为撤销（进度保留）'
		  FROM w
	)
	SELECT count(*) INTO n FROM w;
	v_withdrawn := v_withdrawn + n;
	v_changes := v_changes + n;

	-- Roles: a task's roles are replaced as a whole when they differ;
	-- a change of its lead office goes into the history.

	IF v_created THEN
		-- Nothing to compare with: every task with roles gets them.
		SELECT coalesce(array_agg(t.id), '{}') INTO v_changed
		  FROM duban_load_task x
		  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
		 WHERE coalesce(jsonb_array_length(x.roles), 0) > 0;
	ELSE
	WITH want AS (
		SELECT t.id AS task_id,
		       coalesce(jsonb_agg(jsonb_build_array(r.role, o.id, pe.id)
				ORDER BY r.position) FILTER (WHERE r.role IS NOT NULL), '[]') AS roles
		  FROM duban_load_task x
		  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
		  LEFT JOIN LATERAL jsonb_to_recordset(x.roles)
		       AS r(role text, office text, person text, position int) ON true
		  LEFT JOIN office o ON o.org_id = v_org AND o.name = r.office
		  LEFT JOIN person pe ON pe.org_id = v_org AND pe.name = r.person
		 GROUP BY t.id
	), have AS (
		SELECT tr.task_id, jsonb_agg(jsonb_build_array(tr.role, tr.office_id, tr.person_id)
				ORDER BY tr.position) AS roles
		  FROM task_role tr JOIN task t ON t.id = tr.task_id
		 WHERE t.plan_id = v_plan
		 GROUP BY tr.task_id
	)
	SELECT coalesce(array_agg(want.task_id), '{}') INTO v_changed
	  FROM want LEFT JOIN have ON have.task_id = want.task_id
	 WHERE want.roles IS DISTINCT FROM coalesce(have.roles, '[]');
	END IF;

	IF cardinality(v_changed) > 0 THEN
		DELETE FROM task_role WHERE task_id = ANY (v_changed);
		INSERT INTO task_role (task_id, role, office_id, person_id, position)
		SELECT t.id, r.role, o.id, pe.id, r.position
		  FROM duban_load_task x
		  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
		 CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(x.roles)
		       AS (role text, office text, person text, position int))
		       WITH ORDINALITY AS r(role, office, person, position, n)
		  LEFT JOIN office o ON o.org_id = v_org AND o.name = r.office
		  LEFT JOIN person pe ON pe.org_id = v_org AND pe.name = r.person
		 WHERE t.id = ANY (v_changed)
		 ORDER BY x.n, r.n;	-- the file's order, which the roles' ids follow
		v_changes := v_changes + cardinality(v_changed);
		IF NOT v_created THEN
			INSERT INTO progress (actor, source, plan_id, task_id, field, old_value, new_value, note)
			SELECT p_actor, 'load', v_plan, t.id, 'lead_office',
			       v_old_lead->>t.id::text, o.name, '计划文件修改了牵头处室'
			  FROM task t
			  LEFT JOIN task_lead tl ON tl.task_id = t.id
			  LEFT JOIN office o ON o.id = tl.office_id
			 WHERE t.id = ANY (v_changed)
			   AND (v_old_lead->>t.id::text) IS DISTINCT FROM o.name;
		END IF;
	END IF;

	-- Targets ----------------------------------------------------------
	-- A new plan has nothing to compare with or withdraw: its targets
	-- go straight in (the staging table, its statistics and the upsert
	-- took 60 ms of 20,000 targets' load: bench/import.sh).
	IF v_created THEN
		INSERT INTO target (task_id, key, name, kind, value, unit, qualifier,
		    baseline, deadline, deadline_form, body, position)
		SELECT t.id, y.key, y.name, y.kind, y.value, y.unit, y.qualifier, y.baseline,
		       y.deadline, y.deadline_form, y."text", y.position
		  FROM duban_load_task x
		  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
		 CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(x.targets) AS (key text,
		       name text, kind text, value numeric, unit text, qualifier text,
		       baseline numeric, deadline date, deadline_form text, "text" text,
		       position int))
		       WITH ORDINALITY AS y(key, name, kind, value, unit, qualifier, baseline,
		       deadline, deadline_form, "text", position, n)
		 ORDER BY x.n, y.n;	-- the file's order, which the ids follow
		GET DIAGNOSTICS n = ROW_COUNT;
		PERFORM duban_analyze_grown('target', n);
		v_changes := v_changes + n;
	ELSE
		CREATE TEMP TABLE IF NOT EXISTS duban_load_target (
			task_id bigint, key text, name text, kind text, value numeric,
			unit text, qualifier text, baseline numeric, deadline date,
			deadline_form text, body text, position int) ON COMMIT DROP;
		TRUNCATE duban_load_target;
		INSERT INTO duban_load_target
		SELECT t.id, y.key, y.name, y.kind, y.value, y.unit, y.qualifier, y.baseline,
		       y.deadline, y.deadline_form, y."text", y.position
		  FROM duban_load_task x
		  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
		 CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(x.targets) AS (key text, name text,
		       kind text, value numeric, unit text, qualifier text, baseline numeric,
		       deadline date, deadline_form text, "text" text, position int))
		       WITH ORDINALITY AS y(key, name, kind, value, unit, qualifier, baseline,
		       deadline, deadline_form, "text", position, n)
		 ORDER BY x.n, y.n;	-- the file's order, which new targets' ids follow
		ANALYZE duban_load_target (task_id, key);

		INSERT INTO progress (actor, source, plan_id, task_id, target_id, field, old_value, new_value, note)
		SELECT p_actor, 'load', v_plan, g.task_id, g.id, 'value',
		       g.value::text || g.unit, y.value::text || y.unit, '计划文件修改了指标值'
		  FROM duban_load_target y JOIN target g ON g.task_id = y.task_id AND g.key = y.key
		 WHERE (g.value, g.unit) IS DISTINCT FROM (y.value, y.unit);

		WITH up AS (
			INSERT INTO target AS g (task_id, key, name, kind, value, unit, qualifier,
			    baseline, deadline, deadline_form, body, position)
			SELECT task_id, key, name, kind, value, unit, qualifier, baseline, deadline,
			       deadline_form, body, position
			  FROM duban_load_target
			ON CONFLICT (task_id, key) DO UPDATE
			   SET name = EXCLUDED.name, kind = EXCLUDED.kind, value = EXCLUDED.value,
			       unit = EXCLUDED.unit, qualifier = EXCLUDED.qualifier,
			       baseline = EXCLUDED.baseline, deadline = EXCLUDED.deadline,
			       deadline_form = EXCLUDED.deadline_form, body = EXCLUDED.body,
			       position = EXCLUDED.position, withdrawn_at = NULL,
			       version = g.version + 1, updated_at = v_now
			 WHERE (g.name, g.kind, g.value, g.unit, g.qualifier, g.baseline, g.deadline,
				g.deadline_form, g.body, g.position, g.withdrawn_at)
			       IS DISTINCT FROM
			       (EXCLUDED.name, EXCLUDED.kind, EXCLUDED.value, EXCLUDED.unit,
				EXCLUDED.qualifier, EXCLUDED.baseline, EXCLUDED.deadline,
				EXCLUDED.deadline_form, EXCLUDED.body, EXCLUDED.position,
				NULL::timestamptz)
			RETURNING 1
		)
		SELECT count(*) INTO n FROM up;
		PERFORM duban_analyze_grown('target', n);
		v_changes := v_changes + n;

		-- Targets of tasks in the file that the file no longer lists.
		WITH w AS (
			UPDATE target g SET withdrawn_at = v_now, version = g.version + 1, updated_at = v_now
			  FROM task t
			 WHERE g.task_id = t.id AND t.plan_id = v_plan AND g.withdrawn_at IS NULL
			   AND EXISTS (SELECT 1 FROM duban_load_task x WHERE x.key = t.key)
			   AND NOT EXISTS (SELECT 1 FROM duban_load_target y
					    WHERE y.task_id = g.task_id AND y.key = g.key)
			RETURNING g.id, g.task_id
		), h AS (
			INSERT INTO progress (actor, source, plan_id, task_id, target_id, field, old_value, new_value, note)
			SELECT p_actor, 'load', v_plan, w.task_id, w.id, 'withdrawn', 'false', 'true',
			       '指标已从计划文件中删除，标记为撤销（进度保留）'
			  FROM w
		)
		SELECT count(*) INTO n FROM w;
		v_withdrawn := v_withdrawn + n;
		v_changes := v_changes + n;
	END IF;

	-- Milestones -------------------------------------------------------
	IF v_created THEN	-- as the targets above
		INSERT INTO milestone (task_id, key, kind, title, due_on, due_form, body, position)
		SELECT t.id, y.key, y.kind, y.title, y.due, y.due_form, y."text", y.position
		  FROM duban_load_task x
		  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
		 CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(x.milestones) AS (key text,
		       kind text, title text, due date, due_form text, "text" text, position int))
		       WITH ORDINALITY AS y(key, kind, title, due, due_form, "text", position, n)
		 ORDER BY x.n, y.n;	-- the file's order, which the ids follow
		GET DIAGNOSTICS n = ROW_COUNT;
		PERFORM duban_analyze_grown('milestone', n);
		v_changes := v_changes + n;
	ELSE
		CREATE TEMP TABLE IF NOT EXISTS duban_load_milestone (
			task_id bigint, key text, kind text, title text, due_on date,
			due_form text, body text, position int) ON COMMIT DROP;
		TRUNCATE duban_load_milestone;
		INSERT INTO duban_load_milestone
		SELECT t.id, y.key, y.kind, y.title, y.due, y.due_form, y."text", y.position
		  FROM duban_load_task x
		  JOIN task t ON t.plan_id = v_plan AND t.key = x.key
		 CROSS JOIN LATERAL ROWS FROM (jsonb_to_recordset(x.milestones) AS (key text, kind text,
		       title text, due date, due_form text, "text" text, position int))
		       WITH ORDINALITY AS y(key, kind, title, due, due_form, "text", position, n)
		 ORDER BY x.n, y.n;	-- the file's order, which new milestones' ids follow
		ANALYZE duban_load_milestone (task_id, key);
		-- A milestone whose date an approved extension moved keeps it while
		-- the file still gives its original date (37-extensions.sql).
		UPDATE duban_load_milestone y SET due_on = m.due_on
		  FROM milestone m
		 WHERE m.task_id = y.task_id AND m.key = y.key
		   AND m.original_due_on IS NOT NULL AND y.due_on = m.original_due_on;

		INSERT INTO progress (actor, source, plan_id, task_id, milestone_id, field, old_value, new_value, note)
		SELECT p_actor, 'load', v_plan, m.task_id, m.id, 'due_on', m.due_on::text, y.due_on::text,
		       '计划文件修改了节点时间'
		  FROM duban_load_milestone y JOIN milestone m ON m.task_id = y.task_id AND m.key = y.key
		 WHERE m.due_on IS DISTINCT FROM y.due_on;

		WITH up AS (
			INSERT INTO milestone AS m (task_id, key, kind, title, due_on, due_form, body, position)
			SELECT task_id, key, kind, title, due_on, due_form, body, position
			  FROM duban_load_milestone
			ON CONFLICT (task_id, key) DO UPDATE
			   SET kind = EXCLUDED.kind, title = EXCLUDED.title, due_on = EXCLUDED.due_on,
			       due_form = EXCLUDED.due_form, body = EXCLUDED.body,
			       position = EXCLUDED.position, withdrawn_at = NULL,
			       version = m.version + 1, updated_at = v_now
			 WHERE (m.kind, m.title, m.due_on, m.due_form, m.body, m.position, m.withdrawn_at)
			       IS DISTINCT FROM
			       (EXCLUDED.kind, EXCLUDED.title, EXCLUDED.due_on, EXCLUDED.due_form,
				EXCLUDED.body, EXCLUDED.position, NULL::timestamptz)
			RETURNING 1
		)
		SELECT count(*) INTO n FROM up;
		PERFORM duban_analyze_grown('milestone', n);
		v_changes := v_changes + n;

		WITH w AS (
			UPDATE milestone m SET withdrawn_at = v_now, version = m.version + 1, updated_at = v_now
			  FROM task t
			 WHERE m.task_id = t.id AND t.plan_id = v_plan AND m.withdrawn_at IS NULL
			   AND EXISTS (SELECT 1 FROM duban_load_task x WHERE x.key = t.key)
			   AND NOT EXISTS (SELECT 1 FROM duban_load_milestone y
					    WHERE y.task_id = m.task_id AND y.key = m.key)
			RETURNING m.id, m.task_id
		), h AS (
			INSERT INTO progress (actor, source, plan_id, task_id, milestone_id, field, old_value, new_value, note)
			SELECT p_actor, 'load', v_plan, w.task_id, w.id, 'withdrawn', 'false', 'true',
			       '节点已从计划文件中删除，标记为撤销（进度保留）'
			  FROM w
		)
		SELECT count(*) INTO n FROM w;
		v_withdrawn := v_withdrawn + n;
		v_changes := v_changes + n;
	END IF;

	RETURN jsonb_build_object(
		'plan', doc->>'key',
		'id', v_plan,
		'created', v_created,
		'changes', v_changes,
		'withdrawn', v_withdrawn,
		'tasks', (SELECT count(*) FROM task WHERE plan_id = v_plan AND withdrawn_at IS NULL),
		'targets', (SELECT count(*) FROM target g JOIN task t ON t.id = g.task_id
			     WHERE t.plan_id = v_plan AND t.withdrawn_at IS NULL AND g.withdrawn_at IS NULL),
		'milestones', (SELECT count(*) FROM milestone m JOIN task t ON t.id = m.task_id
				WHERE t.plan_id = v_plan AND t.withdrawn_at IS NULL AND m.withdrawn_at IS NULL));
END $$;

-- Loads an array of plans.  Called as one statement, it is one
-- transaction: if any plan fails, none is loaded.
-- Loads plans, all or nothing; the tasks they give offices anew are
-- assigned at p_now (the loader's clock), for the offices to 签收.
CREATE OR REPLACE FUNCTION duban_load_plans(docs jsonb, p_actor text, p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	i	int;
	out	jsonb := '[]';
BEGIN
	-- One loader at a time: two concurrent loads of one plan would race
	-- on the same rows; the second waits and then finds nothing to do.
	PERFORM pg_advisory_xact_lock(hashtext('duban_load_plans'));
	-- By index: jsonb_array_elements would first copy every plan into
	-- a tuplestore, on disk for a big one.
	FOR i IN 0 .. jsonb_array_length(docs) - 1 LOOP
		out := out || jsonb_build_array(duban_load_plan(docs->i, p_actor));
	END LOOP;
	PERFORM duban_assignments_sync(p_now);
	-- 上级督办下级: the county bureaus' copies (33-counties.sql).
	PERFORM duban_county_sync(p_now);
	RETURN out;
END $$;

-- The rule (as in 0001): the 牵头处室 the document names, or, where it
-- names none but exactly one 责任处室 of the bureau itself (an office or
-- unit, not a collective), that one.  Recomputed for the given tasks.
CREATE OR REPLACE FUNCTION duban_refresh_leads(p_tasks bigint[]) RETURNS void
LANGUAGE sql AS $$
	WITH ids AS (SELECT DISTINCT unnest(p_tasks) AS id),
	d AS (
		SELECT i.id AS task_id, coalesce(l.office_id, r.office_id) AS office_id,
		       CASE WHEN l.office_id IS NOT NULL THEN 'named'
			    WHEN r.office_id IS NOT NULL THEN 'sole_responsible' END AS basis
		  FROM ids i
		  LEFT JOIN LATERAL (
			SELECT tr.office_id FROM task_role tr
			 WHERE tr.task_id = i.id AND tr.role = 'lead'
			   AND tr.office_id IS NOT NULL
			 ORDER BY tr.position LIMIT 1) l ON true
		  LEFT JOIN LATERAL (
			SELECT min(tr.office_id) AS office_id FROM task_role tr
			  JOIN office o ON o.id = tr.office_id
			 WHERE tr.task_id = i.id AND tr.role = 'responsible'
			   AND o.kind IN ('office', 'unit')
			HAVING count(DISTINCT tr.office_id) = 1) r ON true)
	UPDATE task t SET lead_office_id = d.office_id, lead_basis = d.basis
	  FROM d
	 WHERE t.id = d.task_id
	   AND (t.lead_office_id, t.lead_basis) IS DISTINCT FROM (d.office_id, d.basis);
$$;

-- A bulk insert (a whole city's plans in one statement) arrives before
-- autovacuum has seen the new rows: the planner would take task_role for
-- the empty table it last saw and scan it once per task and office.
-- ANALYZE counts this transaction's own rows, so refresh with true
-- statistics once the insert is big for the table (autovacuum's rule,
-- duban_analyze_grown: 5,000 tasks' 17,000 roles took 6 s without).
-- Tasks are reached by their ids, whatever the statistics of task.
CREATE OR REPLACE FUNCTION task_role_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	ids bigint[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY(SELECT DISTINCT task_id FROM new_rows);
		PERFORM duban_analyze_grown('task_role', (SELECT count(*) FROM new_rows));
	ELSE
		ids := ARRAY(SELECT DISTINCT task_id FROM old_rows);
	END IF;
	PERFORM duban_refresh_leads(ids);
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION office_kind_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM duban_refresh_leads(ARRAY(
		SELECT DISTINCT r.task_id FROM task_role r
		  JOIN new_rows n ON n.id = r.office_id));
	RETURN NULL;
END $$;

-- The general office of a plan: the office its plan roles name for
-- 综合调度汇总, or else its organisation's 局办公室.
CREATE OR REPLACE FUNCTION duban_general_office(p_plan bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce(
	    (SELECT r.office_id FROM plan_role r WHERE r.plan_id = p_plan
	      AND r.role = 'general_office' AND r.office_id IS NOT NULL
	      ORDER BY r.position LIMIT 1),
	    (SELECT o.id FROM office o JOIN plan p ON p.org_id = o.org_id
	      WHERE p.id = p_plan AND o.name = '局办公室'))
$$;
