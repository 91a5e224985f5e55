-- The API: bearer tokens bound to roles, task status, and the writes
-- lead offices make, each one statement that checks who may write,
-- refuses stale versions and appends to the progress history.

CREATE TABLE api_token (
	id		bigserial PRIMARY KEY,
	hash		text NOT NULL UNIQUE,	-- SHA-256 (hex) of the token
	role		text NOT NULL CHECK (role IN ('office', 'general', 'inspector')),
	office_id	bigint REFERENCES office (id),
	label		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	created_by	text NOT NULL,
	revoked_at	timestamptz,
	CHECK (role <> 'office' OR office_id IS NOT NULL)
);

ALTER TABLE progress ADD CONSTRAINT progress_token
	FOREIGN KEY (token_id) REFERENCES api_token (id);
-- Progress notes carry two texts: what was done (note, 完成情况) and what
-- it achieved (outcome, 取得成效).
ALTER TABLE progress ADD COLUMN outcome text;
ALTER TABLE milestone ADD COLUMN outcome text;
ALTER TABLE target ADD COLUMN note text;
ALTER TABLE target ADD COLUMN outcome text;

-- duband caches tokens for reads; a revocation tells it at once.
CREATE FUNCTION api_token_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('duban_tokens', coalesce(NEW.id, OLD.id)::text);
	RETURN NULL;
END $$;
CREATE TRIGGER api_token_changed AFTER UPDATE OR DELETE ON api_token
	FOR EACH ROW EXECUTE FUNCTION api_token_notify();

-- An office may write a task it leads or is responsible for.
CREATE FUNCTION duban_office_may_write(p_office bigint, p_task bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM task_role r
			WHERE r.task_id = p_task AND r.office_id = p_office
			  AND r.role IN ('lead', 'responsible'))
	    OR EXISTS (SELECT 1 FROM task_lead l
			WHERE l.task_id = p_task AND l.office_id = p_office)
$$;

-- ------------------------------------------------------------------
-- Status of a task on a date.
--   done      every milestone is done
--   overdue   a milestone is past its due date and not done (逾期)
--   behind    a target's completion is behind the share of its time
--             that has passed: 时间过半、任务过半, generalised (滞后)
--   on_track  otherwise (按期推进)
-- A task with subtasks is judged by its subtasks' milestones and targets
-- and its own phases; its own 完成时限 milestone is theirs, summed up.
-- Whether it has a lead office (未明确牵头处室) is a separate fact.

-- Completion of a target, 0..1, or NULL when it does not accumulate
-- (a standard such as 1000 元/年/生, or an upper bound).
CREATE FUNCTION duban_target_completion(g target) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN g.kind = 'rate' OR g.qualifier = 'at_most' THEN NULL
		WHEN g.value <= coalesce(g.baseline, 0) THEN NULL
		ELSE greatest(0, least(1,
			(coalesce(g.current, g.baseline, 0) - coalesce(g.baseline, 0))
			/ (g.value - coalesce(g.baseline, 0))))
	END
$$;

-- Share of the target's time that has passed on p_on, 0..1: from the
-- start of the plan's year to the target's (or its task's) deadline.
CREATE FUNCTION duban_time_elapsed(p_year int, p_deadline date, p_on date)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT greatest(0, least(1,
		(p_on - make_date(p_year, 1, 1))::numeric
		/ greatest(1, p_deadline - make_date(p_year, 1, 1) + 1)))
$$;

CREATE FUNCTION duban_task_status(p_task bigint, p_on date)
RETURNS text LANGUAGE sql STABLE AS $$
	WITH tasks AS (
		SELECT t.id, t.deadline, (t.id = p_task) AS self,
		       EXISTS (SELECT 1 FROM task c WHERE c.parent_id = t.id
				  AND c.withdrawn_at IS NULL) AS has_subtasks
		  FROM task t
		 WHERE (t.id = p_task OR t.parent_id = p_task) AND t.withdrawn_at IS NULL
	), ms AS (
		SELECT m.status, m.due_on FROM milestone m JOIN tasks t ON t.id = m.task_id
		 WHERE m.withdrawn_at IS NULL
		   AND NOT (t.self AND t.has_subtasks AND m.kind = 'deadline')
	)
	SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM ms WHERE ms.status <> 'done') THEN 'done'
		WHEN EXISTS (SELECT 1 FROM ms WHERE ms.status <> 'done' AND ms.due_on < p_on)
			THEN 'overdue'
		WHEN EXISTS (
			SELECT 1 FROM target g JOIN tasks t ON t.id = g.task_id
			  JOIN task tt ON tt.id = g.task_id JOIN plan p ON p.id = tt.plan_id
			 WHERE g.withdrawn_at IS NULL
			   AND duban_target_completion(g) <
			       duban_time_elapsed(p.year, coalesce(g.deadline, t.deadline), p_on))
			THEN 'behind'
		ELSE 'on_track'
	END
$$;

-- ------------------------------------------------------------------
-- JSON shapes the API returns.

CREATE FUNCTION duban_milestone_json(m milestone) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', m.id, 'task_id', m.task_id, 'key', m.key, 'kind', m.kind,
		'title', m.title, 'due_on', m.due_on, 'due_form', m.due_form,
		'status', m.status, 'completed_on', m.completed_on, 'note', m.note,
		'outcome', m.outcome, 'evidence_url', m.evidence_url,
		'version', m.version, 'updated_at', m.updated_at,
		'withdrawn', m.withdrawn_at IS NOT NULL)
$$;

CREATE FUNCTION duban_target_json(g target) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', g.id, 'task_id', g.task_id, 'key', g.key, 'name', g.name,
		'kind', g.kind, 'value', g.value, 'unit', g.unit,
		'qualifier', g.qualifier, 'baseline', g.baseline,
		'deadline', g.deadline, 'current', g.current,
		'completion', duban_target_completion(g),
		'note', g.note, 'outcome', g.outcome, 'current_at', g.current_at,
		'version', g.version, 'updated_at', g.updated_at,
		'withdrawn', g.withdrawn_at IS NOT NULL)
$$;

-- ------------------------------------------------------------------
-- Writes.  Each returns {status, body} or {status, title, detail,
-- field, current}: the daemon turns it into the HTTP answer.

CREATE FUNCTION duban_api_problem(p_status int, p_title text, p_detail text,
    p_field text DEFAULT NULL, p_current json DEFAULT NULL)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT json_strip_nulls(json_build_object('status', p_status,
		'title', p_title, 'detail', p_detail, 'field', p_field,
		'current', p_current))
$$;

-- Who is writing, and may they write this task?  NULL if they may.
CREATE FUNCTION duban_api_check(tok api_token, p_task bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销',
		    '请使用有效的访问令牌（Authorization: Bearer …）');
	END IF;
	IF tok.role = 'inspector' THEN
		RETURN duban_api_problem(403, '无权修改', '督查人员的令牌只能查看，不能修改');
	END IF;
	IF tok.role = 'office' AND NOT duban_office_may_write(tok.office_id, p_task) THEN
		RETURN duban_api_problem(403, '无权修改',
		    '只能更新本处室牵头或负责的任务：这项任务不由“' ||
		    (SELECT name FROM office WHERE id = tok.office_id) || '”牵头或负责');
	END IF;
	RETURN NULL;
END $$;

CREATE FUNCTION duban_api_patch_milestone(p_token text, p_id bigint,
    p_version int, p_patch jsonb, p_today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	m		milestone;
	t		task;
	problem		json;
	v_status	text;
	v_completed	date;
	v_note		text;
	v_outcome	text;
	v_evidence	text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO m FROM milestone WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		IF tok.id IS NULL THEN
			RETURN duban_api_check(tok, NULL);
		END IF;
		RETURN duban_api_problem(404, '节点不存在', '没有编号为 ' || p_id || ' 的节点');
	END IF;
	SELECT * INTO t FROM task WHERE id = m.task_id;
	problem := duban_api_check(tok, t.id);
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	IF m.withdrawn_at IS NOT NULL OR t.withdrawn_at IS NOT NULL THEN
		RETURN duban_api_problem(409, '已撤销', '这个节点（或它的任务）已从计划中撤销，不能再更新',
		    NULL, duban_milestone_json(m));
	END IF;
	IF p_version IS NOT NULL AND p_version <> m.version THEN
		RETURN duban_api_problem(409, '数据已被他人修改',
		    '提交所依据的版本是 ' || p_version || '，当前版本是 ' || m.version ||
		    '：请查看最新内容后重新提交', 'version', duban_milestone_json(m));
	END IF;

	v_status := CASE WHEN p_patch ? 'status' THEN p_patch->>'status' ELSE m.status END;
	v_completed := CASE WHEN p_patch ? 'completed_on' THEN (p_patch->>'completed_on')::date
			    WHEN p_patch ? 'status' AND v_status <> 'done' THEN NULL
			    ELSE m.completed_on END;
	IF v_status = 'done' AND v_completed IS NULL THEN
		v_completed := p_today;
	END IF;
	IF v_status <> 'done' AND v_completed IS NOT NULL THEN
		RETURN duban_api_problem(400, '完成日期与状态不符',
		    '只有状态为“已完成”（done）时才能填写完成日期', 'completed_on');
	END IF;
	IF v_completed > p_today THEN
		RETURN duban_api_problem(400, '完成日期不能晚于今天',
		    '完成日期 ' || v_completed || ' 晚于今天 ' || p_today, 'completed_on');
	END IF;
	v_note := CASE WHEN p_patch ? 'note' THEN p_patch->>'note' ELSE m.note END;
	v_outcome := CASE WHEN p_patch ? 'outcome' THEN p_patch->>'outcome' ELSE m.outcome END;
	v_evidence := CASE WHEN p_patch ? 'evidence_url' THEN p_patch->>'evidence_url'
			   ELSE m.evidence_url END;

	IF (m.status, m.completed_on, m.note, m.outcome, m.evidence_url) IS NOT DISTINCT FROM
	   (v_status, v_completed, v_note, v_outcome, v_evidence) THEN
		RETURN json_build_object('status', 200, 'body', duban_milestone_json(m));
	END IF;

	INSERT INTO progress (actor, office_id, token_id, source, plan_id, task_id,
	    milestone_id, field, old_value, new_value, note, outcome)
	SELECT tok.label, tok.office_id, tok.id, 'api', t.plan_id, t.id, m.id,
	       c.field, c.old, c.new, v_note, v_outcome
	  FROM (VALUES ('status', m.status, v_status),
		       ('completed_on', m.completed_on::text, v_completed::text),
		       ('evidence_url', m.evidence_url, v_evidence)) AS c(field, old, new)
	 WHERE c.old IS DISTINCT FROM c.new;
	IF NOT FOUND THEN
		-- Only the texts changed: they are the entry.
		INSERT INTO progress (actor, office_id, token_id, source, plan_id, task_id,
		    milestone_id, field, old_value, new_value, note, outcome)
		VALUES (tok.label, tok.office_id, tok.id, 'api', t.plan_id, t.id, m.id,
		    'note', m.note, v_note, v_note, v_outcome);
	END IF;

	UPDATE milestone SET status = v_status, completed_on = v_completed, note = v_note,
	       outcome = v_outcome, evidence_url = v_evidence, version = version + 1,
	       updated_at = now()
	 WHERE id = m.id
	RETURNING * INTO m;
	RETURN json_build_object('status', 200, 'body', duban_milestone_json(m));
END $$;

CREATE FUNCTION duban_api_patch_target(p_token text, p_id bigint,
    p_version int, p_patch jsonb, p_today date)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	g		target;
	t		task;
	problem		json;
	v_current	numeric;
	v_note		text;
	v_outcome	text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO g FROM target WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		IF tok.id IS NULL THEN
			RETURN duban_api_check(tok, NULL);
		END IF;
		RETURN duban_api_problem(404, '指标不存在', '没有编号为 ' || p_id || ' 的指标');
	END IF;
	SELECT * INTO t FROM task WHERE id = g.task_id;
	problem := duban_api_check(tok, t.id);
	IF problem IS NOT NULL THEN
		RETURN problem;
	END IF;
	IF g.withdrawn_at IS NOT NULL OR t.withdrawn_at IS NOT NULL THEN
		RETURN duban_api_problem(409, '已撤销', '这个指标（或它的任务）已从计划中撤销，不能再更新',
		    NULL, duban_target_json(g));
	END IF;
	IF p_version IS NOT NULL AND p_version <> g.version THEN
		RETURN duban_api_problem(409, '数据已被他人修改',
		    '提交所依据的版本是 ' || p_version || '，当前版本是 ' || g.version ||
		    '：请查看最新内容后重新提交', 'version', duban_target_json(g));
	END IF;
	v_current := CASE WHEN p_patch ? 'current' THEN (p_patch->>'current')::numeric
			  ELSE g.current END;
	v_note := CASE WHEN p_patch ? 'note' THEN p_patch->>'note' ELSE g.note END;
	v_outcome := CASE WHEN p_patch ? 'outcome' THEN p_patch->>'outcome' ELSE g.outcome END;
	IF (g.current, g.note, g.outcome) IS NOT DISTINCT FROM (v_current, v_note, v_outcome) THEN
		RETURN json_build_object('status', 200, 'body', duban_target_json(g));
	END IF;

	INSERT INTO progress (actor, office_id, token_id, source, plan_id, task_id,
	    target_id, field, old_value, new_value, note, outcome)
	VALUES (tok.label, tok.office_id, tok.id, 'api', t.plan_id, t.id, g.id,
	    CASE WHEN g.current IS DISTINCT FROM v_current THEN 'current' ELSE 'note' END,
	    CASE WHEN g.current IS DISTINCT FROM v_current THEN g.current::text ELSE g.note END,
	    CASE WHEN g.current IS DISTINCT FROM v_current THEN v_current::text ELSE v_note END,
	    v_note, v_outcome);

	UPDATE target SET current = v_current,
	       current_at = CASE WHEN current IS DISTINCT FROM v_current THEN now() ELSE current_at END,
	       note = v_note, outcome = v_outcome, version = version + 1, updated_at = now()
	 WHERE id = g.id
	RETURNING * INTO g;
	RETURN json_build_object('status', 200, 'body', duban_target_json(g));
END $$;
