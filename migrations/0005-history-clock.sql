-- History on the injectable clock, and what an as-of report needs.
--
-- The writes record the time the daemon's clock gives (DUBAN_NOW in
-- tests), not the database's: a report "as of 30 September" must see
-- exactly the writes made by then.  Targets and milestones learn when
-- they appeared, so that one a later re-load added is not in an earlier
-- quarter's report (tasks already have their 'created' history).

DROP FUNCTION duban_api_patch_milestone(text, bigint, int, jsonb, date);
DROP FUNCTION duban_api_patch_target(text, bigint, int, jsonb, date);

CREATE FUNCTION duban_api_patch_milestone(p_token text, p_id bigint,
    p_version int, p_patch jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	p_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
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

	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    milestone_id, field, old_value, new_value, note, outcome)
	SELECT p_now, tok.label, tok.office_id, tok.id, 'api', t.plan_id, t.id, m.id,
	       c.field, c.old, c.new, v_note, v_outcome
	  FROM (VALUES ('status', m.status, v_status),
		       ('completed_on', m.completed_on::text, v_completed::text),
		       ('evidence_url', m.evidence_url, v_evidence)) AS c(field, old, new)
	 WHERE c.old IS DISTINCT FROM c.new;
	IF NOT FOUND THEN
		-- Only the texts changed: they are the entry.
		INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
		    milestone_id, field, old_value, new_value, note, outcome)
		VALUES (p_now, tok.label, tok.office_id, tok.id, 'api', t.plan_id, t.id, m.id,
		    'note', m.note, v_note, v_note, v_outcome);
	END IF;

	UPDATE milestone SET status = v_status, completed_on = v_completed, note = v_note,
	       outcome = v_outcome, evidence_url = v_evidence, version = version + 1,
	       updated_at = p_now
	 WHERE id = m.id
	RETURNING * INTO m;
	RETURN json_build_object('status', 200, 'body', duban_milestone_json(m));
END $$;

CREATE FUNCTION duban_api_patch_target(p_token text, p_id bigint,
    p_version int, p_patch jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	p_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
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

	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    target_id, field, old_value, new_value, note, outcome)
	VALUES (p_now, tok.label, tok.office_id, tok.id, 'api', t.plan_id, t.id, g.id,
	    CASE WHEN g.current IS DISTINCT FROM v_current THEN 'current' ELSE 'note' END,
	    CASE WHEN g.current IS DISTINCT FROM v_current THEN g.current::text ELSE g.note END,
	    CASE WHEN g.current IS DISTINCT FROM v_current THEN v_current::text ELSE v_note END,
	    v_note, v_outcome);

	UPDATE target SET current = v_current,
	       current_at = CASE WHEN current IS DISTINCT FROM v_current THEN p_now ELSE current_at END,
	       note = v_note, outcome = v_outcome, version = version + 1, updated_at = p_now
	 WHERE id = g.id
	RETURNING * INTO g;
	RETURN json_build_object('status', 200, 'body', duban_target_json(g));
END $$;


ALTER TABLE target ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE milestone ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
-- Those there before this migration came with their plans.
UPDATE target g SET created_at = p.created_at FROM task t JOIN plan p ON p.id = t.plan_id
 WHERE t.id = g.task_id;
UPDATE milestone m SET created_at = p.created_at FROM task t JOIN plan p ON p.id = t.plan_id
 WHERE t.id = m.task_id;

-- The reports read a plan's history at once, in time order.
CREATE INDEX progress_target ON progress (target_id, at) WHERE target_id IS NOT NULL;
CREATE INDEX progress_milestone ON progress (milestone_id, at) WHERE milestone_id IS NOT NULL;
