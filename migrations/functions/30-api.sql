-- The API's writes and the objects it answers with; tokens.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- duband caches tokens for reads; a revocation tells it at once.
CREATE OR REPLACE FUNCTION api_token_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('duban_tokens', coalesce(NEW.id, OLD.id)::text);
	RETURN NULL;
END $$;

-- A problem keeps the nulls of the value it carries: a 409's current
-- milestone says "completed_on": null, not nothing.  Only the problem's
-- own absent members are left out.
CREATE OR REPLACE FUNCTION duban_api_problem(p_status int, p_title text, p_detail text,
    p_field text DEFAULT NULL, p_current json DEFAULT NULL)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT (jsonb_build_object('status', p_status, 'title', p_title)
		|| CASE WHEN p_detail IS NULL THEN '{}'::jsonb
			ELSE jsonb_build_object('detail', p_detail) END
		|| CASE WHEN p_field IS NULL THEN '{}'::jsonb
			ELSE jsonb_build_object('field', p_field) END
		|| CASE WHEN p_current IS NULL THEN '{}'::jsonb
			ELSE jsonb_build_object('current', p_current) END)::json
$$;

-- Who last wrote a milestone or target (through the API or the CLI): a
-- reader of a 409 sees whose change won.
CREATE OR REPLACE FUNCTION duban_updated_by(p_task bigint, p_target bigint, p_milestone bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('actor', h.actor, 'office', o.name, 'at', h.at)
	  FROM progress h LEFT JOIN office o ON o.id = h.office_id
	 WHERE h.task_id = p_task AND h.source IN ('api', 'cli')
	   AND (h.target_id = p_target OR h.milestone_id = p_milestone)
	 ORDER BY h.at DESC, h.id DESC
	 LIMIT 1
$$;

-- A request to move a milestone's date (延期申请, 37-extensions.sql), with
-- each step's person, office, part, moment and reason; leader_review says
-- that the plan asks its 分管领导 to decide after the general office.
CREATE OR REPLACE FUNCTION duban_extension_json(e milestone_extension) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', e.id, 'milestone_id', e.milestone_id, 'task_id', e.task_id,
		'milestone', m.title, 'task', t.label, 'task_title', t.title,
		'due_on', e.due_on, 'new_due_on', e.new_due_on, 'reason', e.reason,
		'state', e.state,
		'requested_at', e.requested_at, 'requested_by', e.requested_by,
		'requested_role', e.requested_role,
		'requested_office', (SELECT name FROM office WHERE id = e.requested_office_id),
		'reviewed_at', e.reviewed_at, 'reviewed_by', e.reviewed_by,
		'reviewed_role', e.reviewed_role,
		'reviewed_office', (SELECT name FROM office WHERE id = e.reviewed_office_id),
		'review_reason', e.review_reason,
		'decided_at', e.decided_at, 'decided_by', e.decided_by,
		'decided_role', e.decided_role,
		'decided_office', (SELECT name FROM office WHERE id = e.decided_office_id),
		'decision_reason', e.decision_reason,
		'leader_review', p.extension_review = 'leader')
	  FROM milestone m JOIN task t ON t.id = m.task_id JOIN plan p ON p.id = t.plan_id
	 WHERE m.id = e.milestone_id
$$;

-- A milestone; original_due_on is its date before its first approved
-- extension (null if never extended), extensions how many were approved,
-- extension_requests every request, oldest first.
CREATE OR REPLACE FUNCTION duban_milestone_json(m milestone) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', m.id, 'task_id', m.task_id, 'key', m.key, 'kind', m.kind,
		'title', m.title, 'due_on', m.due_on, 'due_form', m.due_form,
		'original_due_on', m.original_due_on, 'extensions', m.extensions,
		'extension_requests', (SELECT coalesce(json_agg(duban_extension_json(e)
						ORDER BY e.id), '[]')
					 FROM milestone_extension e WHERE e.milestone_id = m.id),
		'status', m.status, 'completed_on', m.completed_on, 'note', m.note,
		'outcome', m.outcome, 'problems', m.problems, 'next_steps', m.next_steps,
		'coordination', m.coordination, 'evidence_url', m.evidence_url,
		'version', m.version, 'updated_at', m.updated_at,
		'updated_by', duban_updated_by(m.task_id, NULL, m.id),
		'withdrawn', m.withdrawn_at IS NOT NULL)
$$;

-- A target, with its pace on p_on: time_elapsed (the share of its time
-- gone) and state (duban_pace_state), both null without p_on.
CREATE OR REPLACE FUNCTION duban_target_json(g target, p_on date) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', g.id, 'task_id', g.task_id, 'key', g.key, 'name', g.name,
		'kind', g.kind, 'value', g.value, 'unit', g.unit,
		'qualifier', g.qualifier, 'baseline', g.baseline,
		'deadline', g.deadline, 'current', g.current,
		'completion', duban_target_completion(g),
		'time_elapsed', CASE WHEN p_on IS NOT NULL THEN duban_target_elapsed(g, p_on) END,
		'state', CASE WHEN p_on IS NOT NULL THEN duban_target_state(g, p_on) END,
		'note', g.note, 'outcome', g.outcome, 'problems', g.problems,
		'next_steps', g.next_steps, 'coordination', g.coordination,
		'current_at', g.current_at,
		'version', g.version, 'updated_at', g.updated_at,
		'updated_by', duban_updated_by(g.task_id, g.id, NULL),
		'withdrawn', g.withdrawn_at IS NOT NULL)
$$;

CREATE OR REPLACE FUNCTION duban_target_json(g target) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT duban_target_json(g, NULL::date)
$$;

-- Who is writing, and may they write this task?  NULL if they may.
CREATE OR REPLACE FUNCTION duban_api_check(tok api_token, p_task bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销',
		    '请使用有效的访问令牌（Authorization: Bearer …）');
	END IF;
	-- Another organisation's task is not there at all (tenants).
	IF p_task IS NOT NULL AND NOT duban_tok_sees_task(tok, p_task) THEN
		RETURN duban_api_problem(404, '任务不存在', '没有这项任务');
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

-- What a milestone would be after p_patch, and whether that is valid:
-- problem is NULL, or the problem naming the field.  One check for a
-- direct write, a draft and a draft's 报送.  A milestone that the patch
-- marks 受阻 (or whose 需协调事项 it clears while 受阻) must say what
-- needs coordinating: that is what sends it to 需督办.
CREATE OR REPLACE FUNCTION duban_milestone_merge(m milestone, p_patch jsonb, p_today date,
    OUT problem json, OUT status text, OUT completed_on date, OUT note text,
    OUT outcome text, OUT evidence_url text, OUT problems text, OUT next_steps text,
    OUT coordination text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	status := CASE WHEN p_patch ? 'status' THEN p_patch->>'status' ELSE m.status END;
	completed_on := CASE WHEN p_patch ? 'completed_on' THEN (p_patch->>'completed_on')::date
			     WHEN p_patch ? 'status' AND status <> 'done' THEN NULL
			     ELSE m.completed_on END;
	IF status = 'done' AND completed_on IS NULL THEN
		completed_on := p_today;
	END IF;
	note := CASE WHEN p_patch ? 'note' THEN p_patch->>'note' ELSE m.note END;
	outcome := CASE WHEN p_patch ? 'outcome' THEN p_patch->>'outcome' ELSE m.outcome END;
	evidence_url := CASE WHEN p_patch ? 'evidence_url' THEN p_patch->>'evidence_url'
			     ELSE m.evidence_url END;
	problems := CASE WHEN p_patch ? 'problems' THEN p_patch->>'problems' ELSE m.problems END;
	next_steps := CASE WHEN p_patch ? 'next_steps' THEN p_patch->>'next_steps'
			   ELSE m.next_steps END;
	coordination := CASE WHEN p_patch ? 'coordination' THEN p_patch->>'coordination'
			     ELSE m.coordination END;
	IF status <> 'done' AND completed_on IS NOT NULL THEN
		problem := duban_api_problem(400, '完成日期与状态不符',
		    '只有状态为“已完成”（done）时才能填写完成日期', 'completed_on');
	ELSIF completed_on > p_today THEN
		problem := duban_api_problem(400, '完成日期不能晚于今天',
		    '完成日期 ' || completed_on || ' 晚于今天 ' || p_today, 'completed_on');
	ELSIF status = 'blocked' AND (p_patch ? 'status' OR p_patch ? 'coordination')
	      AND coalesce(btrim(coordination), '') = '' THEN
		problem := duban_api_problem(422, '请填写需协调事项',
		    '节点标为受阻时，请填写需协调事项', 'coordination');
	END IF;
END $$;

-- Writes a milestone's new fields (from duban_milestone_merge) and their
-- history, as p_actor of p_office; p_report is the report they came with.
CREATE OR REPLACE FUNCTION duban_milestone_write(m milestone, v record, p_actor text,
    p_office bigint, p_token bigint, p_report bigint, p_now timestamptz)
RETURNS milestone LANGUAGE plpgsql AS $$
DECLARE
	v_plan	bigint := (SELECT plan_id FROM task WHERE id = m.task_id);
BEGIN
	IF (m.status, m.completed_on, m.note, m.outcome, m.evidence_url, m.problems,
	    m.next_steps, m.coordination) IS NOT DISTINCT FROM
	   (v.status, v.completed_on, v.note, v.outcome, v.evidence_url, v.problems,
	    v.next_steps, v.coordination) THEN
		RETURN m;
	END IF;
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    milestone_id, field, old_value, new_value, note, outcome, problems, next_steps,
	    coordination, report_id)
	SELECT p_now, p_actor, p_office, p_token, 'api', v_plan, m.task_id, m.id,
	       c.field, c.old, c.new, v.note, v.outcome, v.problems, v.next_steps,
	       v.coordination, p_report
	  FROM (VALUES ('status', m.status, v.status),
		       ('completed_on', m.completed_on::text, v.completed_on::text),
		       ('evidence_url', m.evidence_url, v.evidence_url)) AS c(field, old, new)
	 WHERE c.old IS DISTINCT FROM c.new;
	IF NOT FOUND THEN
		-- Only the texts changed: they are the entry.
		INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
		    milestone_id, field, old_value, new_value, note, outcome, problems,
		    next_steps, coordination, report_id)
		VALUES (p_now, p_actor, p_office, p_token, 'api', v_plan, m.task_id, m.id,
		    'note', m.note, v.note, v.note, v.outcome, v.problems, v.next_steps,
		    v.coordination, p_report);
	END IF;
	UPDATE milestone SET status = v.status, completed_on = v.completed_on, note = v.note,
	       outcome = v.outcome, evidence_url = v.evidence_url, problems = v.problems,
	       next_steps = v.next_steps, coordination = v.coordination, version = version + 1,
	       updated_at = p_now
	 WHERE id = m.id
	RETURNING * INTO m;
	RETURN m;
END $$;

-- A target's counterpart of duban_milestone_merge.  A new value that
-- looks like a slip asks for confirmation (422 naming current) unless
-- the patch says {"confirm": true}: more than three times the target's
-- value, or, for a target that accumulates, less than the value
-- reported before.  Only a value that changes is asked about, so a
-- confirmed value is not asked about again when its texts change.
CREATE OR REPLACE FUNCTION duban_target_merge(g target, p_patch jsonb,
    OUT problem json, OUT current numeric, OUT note text, OUT outcome text,
    OUT problems text, OUT next_steps text, OUT coordination text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	current := CASE WHEN p_patch ? 'current' THEN (p_patch->>'current')::numeric
			ELSE g.current END;
	note := CASE WHEN p_patch ? 'note' THEN p_patch->>'note' ELSE g.note END;
	outcome := CASE WHEN p_patch ? 'outcome' THEN p_patch->>'outcome' ELSE g.outcome END;
	problems := CASE WHEN p_patch ? 'problems' THEN p_patch->>'problems' ELSE g.problems END;
	next_steps := CASE WHEN p_patch ? 'next_steps' THEN p_patch->>'next_steps'
			   ELSE g.next_steps END;
	coordination := CASE WHEN p_patch ? 'coordination' THEN p_patch->>'coordination'
			     ELSE g.coordination END;
	IF current IS NULL OR current IS NOT DISTINCT FROM g.current
	   OR p_patch->'confirm' = 'true'::jsonb THEN
		RETURN;
	END IF;
	IF g.value > 0 AND current > 3 * g.value THEN
		problem := (duban_api_problem(422, '请核实填报值',
		    '填报值 ' || trim_scale(current) || ' 超过目标值 ' || trim_scale(g.value) ||
		    ' 的三倍，请核实；如确认无误，请勾选确认后再保存', 'current')::jsonb
		    || '{"confirmable": true}')::json;
	ELSIF g.current IS NOT NULL AND current < g.current
	      AND duban_accumulates(g.kind, g.qualifier, g.value, g.baseline) THEN
		problem := (duban_api_problem(422, '请核实填报值',
		    '累计值由 ' || trim_scale(g.current) || ' 下降为 ' || trim_scale(current) ||
		    '，请核实；如确认无误，请勾选确认后再保存', 'current')::jsonb
		    || '{"confirmable": true}')::json;
	END IF;
END $$;

CREATE OR REPLACE FUNCTION duban_target_write(g target, v record, p_actor text,
    p_office bigint, p_token bigint, p_report bigint, p_now timestamptz)
RETURNS target LANGUAGE plpgsql AS $$
BEGIN
	IF (g.current, g.note, g.outcome, g.problems, g.next_steps, g.coordination)
	   IS NOT DISTINCT FROM
	   (v.current, v.note, v.outcome, v.problems, v.next_steps, v.coordination) THEN
		RETURN g;
	END IF;
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    target_id, field, old_value, new_value, note, outcome, problems, next_steps,
	    coordination, report_id)
	VALUES (p_now, p_actor, p_office, p_token, 'api',
	    (SELECT plan_id FROM task WHERE id = g.task_id), g.task_id, g.id,
	    CASE WHEN g.current IS DISTINCT FROM v.current THEN 'current' ELSE 'note' END,
	    CASE WHEN g.current IS DISTINCT FROM v.current THEN g.current::text ELSE g.note END,
	    CASE WHEN g.current IS DISTINCT FROM v.current THEN v.current::text ELSE v.note END,
	    v.note, v.outcome, v.problems, v.next_steps, v.coordination, p_report);
	UPDATE target SET current = v.current,
	       current_at = CASE WHEN current IS DISTINCT FROM v.current THEN p_now ELSE current_at END,
	       note = v.note, outcome = v.outcome, problems = v.problems,
	       next_steps = v.next_steps, coordination = v.coordination,
	       version = version + 1, updated_at = p_now
	 WHERE id = g.id
	RETURNING * INTO g;
	RETURN g;
END $$;

-- Does what this token saves wait for its office's 报送?  A person of an
-- office (clerk or head, or a script token acting for one) drafts; an
-- office's own script token, the general office and the CLI write
-- directly.
CREATE OR REPLACE FUNCTION duban_token_drafts(tok api_token) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT tok.role = 'office' AND tok.account_id IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION duban_api_patch_milestone(p_token text, p_id bigint,
    p_version int, p_patch jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	p_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	tok		api_token;
	m		milestone;
	t		task;
	problem		json;
	v		record;
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
	IF duban_token_drafts(tok) THEN
		RETURN duban_draft_save(tok, t, NULL, m.id, p_patch, p_now);
	END IF;
	SELECT * INTO v FROM duban_milestone_merge(m, p_patch, p_today);
	IF v.problem IS NOT NULL THEN
		RETURN v.problem;
	END IF;
	m := duban_milestone_write(m, v, tok.label, tok.office_id, tok.id, NULL, p_now);
	RETURN json_build_object('status', 200, 'body', duban_milestone_json(m));
END $$;

CREATE OR REPLACE FUNCTION duban_api_patch_target(p_token text, p_id bigint,
    p_version int, p_patch jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	p_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	tok		api_token;
	g		target;
	t		task;
	problem		json;
	v		record;
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
		    NULL, duban_target_json(g, p_today));
	END IF;
	IF p_version IS NOT NULL AND p_version <> g.version THEN
		RETURN duban_api_problem(409, '数据已被他人修改',
		    '提交所依据的版本是 ' || p_version || '，当前版本是 ' || g.version ||
		    '：请查看最新内容后重新提交', 'version', duban_target_json(g, p_today));
	END IF;
	IF duban_token_drafts(tok) THEN
		RETURN duban_draft_save(tok, t, g.id, NULL, p_patch, p_now);
	END IF;
	SELECT * INTO v FROM duban_target_merge(g, p_patch);
	IF v.problem IS NOT NULL THEN
		RETURN v.problem;
	END IF;
	g := duban_target_write(g, v, tok.label, tok.office_id, tok.id, NULL, p_now);
	RETURN json_build_object('status', 200, 'body', duban_target_json(g, p_today));
END $$;
