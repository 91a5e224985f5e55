-- 延期申请: requests to move a milestone's date, and their decisions.
-- Every function answers (status, body): 2xx with the object, or a
-- problem (duban_api_problem) naming the field; nothing changes on a
-- problem.  duband and `duban extension` (through duband) call the same
-- functions with the caller's token hash, which is checked here again.
-- Each step is a row of milestone_extension and of the progress history
-- (source 'extension'); an approval's row is the milestone's 'due_on'
-- change, so a report as of an earlier moment reads the earlier date.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The part a token's holder plays, for the record: a person's role
-- (clerk, head, general, ...), or the token's class (office, general).
CREATE OR REPLACE FUNCTION duban_token_part(tok api_token) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT a.role FROM account a WHERE a.id = tok.account_id), tok.role)
$$;

-- A required text of at most 2000 characters in p_body: NULL if it is
-- one, else the problem naming the field.
CREATE OR REPLACE FUNCTION duban_extension_reason_problem(p_body jsonb, p_field text)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_body IS NULL OR NOT (p_body ? p_field) OR p_body->p_field = 'null'::jsonb
		     OR (jsonb_typeof(p_body->p_field) = 'string'
			 AND btrim(p_body->>p_field) = '') THEN
			duban_api_problem(422, '缺少理由', '请填写理由（' || p_field || '）', p_field)
		WHEN jsonb_typeof(p_body->p_field) <> 'string' THEN
			duban_api_problem(422, '理由应为文字', p_field || ' 应为文字', p_field)
		WHEN length(p_body->>p_field) > 2000 THEN
			duban_api_problem(422, '理由过长', '理由不超过 2000 字', p_field)
		ELSE duban_text_problem(p_field, '理由', p_body->>p_field)
	END
$$;

-- POST /api/v1/milestones/{id}/extensions {new_date, reason}: 201 with
-- the request, pending.  Who may ask: whoever may write the task (its
-- lead or responsible office, the general office).  When: on or before
-- the milestone's due date (p_now's day in Asia/Shanghai), while it is
-- not done and no other request for it is pending; new_date must be
-- later than its current due date.
CREATE OR REPLACE FUNCTION duban_extension_request(p_token text, p_milestone bigint,
    p_body jsonb, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	tok		api_token;
	m		milestone;
	t		task;
	e		milestone_extension;
	v_new		date;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO m FROM milestone WHERE id = p_milestone FOR UPDATE;
	IF NOT FOUND THEN
		body := CASE WHEN tok.id IS NULL THEN duban_api_check(tok, NULL)
			ELSE duban_api_problem(404, '节点不存在',
			    '没有编号为 ' || p_milestone || ' 的节点') END;
		status := (body->>'status')::int;
		RETURN;
	END IF;
	SELECT * INTO t FROM task WHERE id = m.task_id;
	body := duban_api_check(tok, t.id);
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	status := 409;
	IF m.withdrawn_at IS NOT NULL OR t.withdrawn_at IS NOT NULL THEN
		body := duban_api_problem(409, '已撤销',
		    '这个节点（或它的任务）已从计划中撤销，不能申请延期');
		RETURN;
	END IF;

	status := 422;
	IF p_body IS NULL OR NOT (p_body ? 'new_date') OR p_body->'new_date' = 'null'::jsonb THEN
		body := duban_api_problem(422, '缺少延期后的日期',
		    '请在 new_date 中给出延期后的日期（YYYY-MM-DD）', 'new_date');
		RETURN;
	END IF;
	IF jsonb_typeof(p_body->'new_date') <> 'string'
	   OR (p_body->>'new_date') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
		body := duban_api_problem(422, '日期格式有误',
		    'new_date 应为 YYYY-MM-DD 形式的日期', 'new_date');
		RETURN;
	END IF;
	BEGIN
		v_new := (p_body->>'new_date')::date;
	EXCEPTION WHEN datetime_field_overflow OR invalid_datetime_format THEN
		body := duban_api_problem(422, '日期无效',
		    '“' || (p_body->>'new_date') || '”不是存在的日期', 'new_date');
		RETURN;
	END;
	body := duban_extension_reason_problem(p_body, 'reason');
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	IF v_new <= m.due_on THEN
		body := duban_api_problem(422, '延期后的日期应晚于原定日期',
		    '节点现定 ' || m.due_on || ' 完成，延期后的日期 ' || v_new || ' 须晚于它',
		    'new_date');
		RETURN;
	END IF;
	IF v_new > m.due_on + 3653 THEN
		body := duban_api_problem(422, '延期后的日期过远',
		    '延期不超过十年', 'new_date');
		RETURN;
	END IF;

	status := 409;
	IF m.status = 'done' THEN
		body := duban_api_problem(409, '节点已完成', '已完成的节点不需要延期',
		    NULL, duban_milestone_json(m));
		RETURN;
	END IF;
	IF v_today > m.due_on THEN
		body := duban_api_problem(409, '节点已到期',
		    '延期须在节点到期（' || m.due_on || '）前申请；今天是 ' || v_today,
		    NULL, duban_milestone_json(m));
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM milestone_extension x
		    WHERE x.milestone_id = m.id AND x.state IN ('pending', 'reviewed')) THEN
		body := duban_api_problem(409, '已有待审批的延期申请',
		    '这个节点已有一份待审批的延期申请，审批后才能再次申请', NULL,
		    (SELECT duban_extension_json(x) FROM milestone_extension x
		      WHERE x.milestone_id = m.id AND x.state IN ('pending', 'reviewed')));
		RETURN;
	END IF;

	INSERT INTO milestone_extension (milestone_id, task_id, due_on, new_due_on, reason,
	    requested_at, requested_by, requested_role, requested_office_id,
	    requested_token_id, requested_account_id)
	VALUES (m.id, t.id, m.due_on, v_new, btrim(p_body->>'reason'), p_now, tok.label,
	    duban_token_part(tok), tok.office_id, tok.id, tok.account_id)
	RETURNING * INTO e;
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    milestone_id, field, old_value, new_value, note)
	VALUES (p_now, tok.label, tok.office_id, tok.id, 'extension', t.plan_id, t.id, m.id,
	    'extension_requested', m.due_on::text, v_new::text, e.reason);
	status := 201;
	body := duban_extension_json(e);
END $$;

-- May the holder of tok decide, as the task's 分管领导, a request of task
-- p_task?  A person whose account is a leader's, named (by name) among
-- the task's or its parent's leaders, or any leader where none is named.
CREATE OR REPLACE FUNCTION duban_extension_leader(tok api_token, p_task bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	WITH named AS (
		SELECT pe.name FROM task_role r JOIN person pe ON pe.id = r.person_id
		  JOIN task t ON r.task_id IN (t.id, t.parent_id)
		 WHERE t.id = p_task AND r.role = 'leader'
	)
	SELECT EXISTS (SELECT 1 FROM account a
			WHERE a.id = tok.account_id AND a.role = 'leader' AND a.disabled_at IS NULL
			  AND (NOT EXISTS (SELECT 1 FROM named)
			       OR a.name IN (SELECT name FROM named)))
$$;

-- POST /api/v1/extensions/{id}/approve|reject {reason}: 200 with the
-- request.  The general office decides; where the plan says
-- extension_review: leader, its approval is a review (state reviewed) and
-- the task's 分管领导 then approves or rejects.  An approval moves the
-- milestone's due date, keeps its first date in original_due_on and
-- counts the extension; the history's 'due_on' row carries the reason.
CREATE OR REPLACE FUNCTION duban_extension_decide(p_token text, p_id bigint,
    p_approve boolean, p_body jsonb, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	e		milestone_extension;
	m		milestone;
	t		task;
	v_leader	boolean;
	v_review	boolean;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		body := duban_api_check(tok, NULL);
		status := 401;
		RETURN;
	END IF;
	IF tok.role <> 'general' AND NOT EXISTS (SELECT 1 FROM account a
	    WHERE a.id = tok.account_id AND a.role = 'leader') THEN
		status := 403;
		body := duban_api_problem(403, '无权审批', '延期申请由局办公室审批');
		RETURN;
	END IF;
	SELECT * INTO e FROM milestone_extension WHERE id = p_id FOR UPDATE;
	IF NOT FOUND OR NOT duban_tok_sees_task(tok, e.task_id) THEN
		status := 404;
		body := duban_api_problem(404, '延期申请不存在', '没有编号为 ' || p_id || ' 的延期申请');
		RETURN;
	END IF;
	SELECT * INTO m FROM milestone WHERE id = e.milestone_id FOR UPDATE;
	SELECT * INTO t FROM task WHERE id = m.task_id;
	v_leader := (SELECT extension_review = 'leader' FROM plan WHERE id = t.plan_id);
	-- Whose step it is.
	IF e.state = 'pending' AND tok.role <> 'general' THEN
		status := 403;
		body := duban_api_problem(403, '无权审批', '延期申请由局办公室审批');
		RETURN;
	END IF;
	IF e.state = 'reviewed' AND NOT duban_extension_leader(tok, t.id) THEN
		status := 403;
		body := duban_api_problem(403, '无权审批',
		    '局办公室已同意这份延期申请，须由这项任务的分管领导审批', NULL,
		    duban_extension_json(e));
		RETURN;
	END IF;
	status := 409;
	IF e.state NOT IN ('pending', 'reviewed') THEN
		body := duban_api_problem(409, '延期申请已审批',
		    '这份延期申请已于 ' || to_char(e.decided_at AT TIME ZONE 'Asia/Shanghai',
		    'YYYY-MM-DD HH24:MI') || ' 审批', NULL, duban_extension_json(e));
		RETURN;
	END IF;
	body := duban_extension_reason_problem(p_body, 'reason');
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	IF p_approve AND (m.withdrawn_at IS NOT NULL OR t.withdrawn_at IS NOT NULL) THEN
		body := duban_api_problem(409, '已撤销',
		    '这个节点（或它的任务）已从计划中撤销，不能延期', NULL, duban_extension_json(e));
		RETURN;
	END IF;
	IF p_approve AND e.new_due_on <= m.due_on THEN
		body := duban_api_problem(409, '节点日期已变更',
		    '节点现定 ' || m.due_on || ' 完成，不早于申请的日期 ' || e.new_due_on,
		    NULL, duban_extension_json(e));
		RETURN;
	END IF;

	-- The general office's yes, where the leader decides next.
	v_review := p_approve AND v_leader AND e.state = 'pending';
	IF v_review THEN
		UPDATE milestone_extension
		   SET state = 'reviewed', reviewed_at = p_now, reviewed_by = tok.label,
		       reviewed_role = duban_token_part(tok), reviewed_office_id = tok.office_id,
		       reviewed_token_id = tok.id, reviewed_account_id = tok.account_id,
		       review_reason = btrim(p_body->>'reason')
		 WHERE id = e.id
		RETURNING * INTO e;
	ELSE
		UPDATE milestone_extension
		   SET state = CASE WHEN p_approve THEN 'approved' ELSE 'rejected' END,
		       decided_at = p_now, decided_by = tok.label,
		       decided_role = duban_token_part(tok), decided_office_id = tok.office_id,
		       decided_token_id = tok.id, decided_account_id = tok.account_id,
		       decision_reason = btrim(p_body->>'reason')
		 WHERE id = e.id
		RETURNING * INTO e;
	END IF;
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    milestone_id, field, old_value, new_value, note)
	VALUES (p_now, tok.label, tok.office_id, tok.id, 'extension', t.plan_id, t.id, m.id,
	    CASE WHEN v_review THEN 'extension_reviewed'
		 WHEN p_approve THEN 'due_on' ELSE 'extension_rejected' END,
	    m.due_on::text, e.new_due_on::text, btrim(p_body->>'reason'));
	IF p_approve AND NOT v_review THEN
		UPDATE milestone
		   SET original_due_on = coalesce(original_due_on, due_on), due_on = e.new_due_on,
		       extensions = extensions + 1, version = version + 1, updated_at = p_now
		 WHERE id = m.id;
	END IF;
	status := 200;
	body := duban_extension_json(e);
END $$;

-- GET /api/v1/extensions?state=: the requests, newest first.  An office
-- sees those of the tasks it may write; the general office, leaders and
-- inspectors all.
CREATE OR REPLACE FUNCTION duban_extension_list(p_token text, p_state text,
    OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok		api_token;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		status := 401;
		body := duban_api_check(tok, NULL);
		RETURN;
	END IF;
	IF p_state IS NOT NULL AND p_state NOT IN ('pending', 'reviewed', 'approved', 'rejected') THEN
		status := 422;
		body := duban_api_problem(422, '状态有误',
		    'state 应为 pending（待审批）、reviewed（待分管领导审批）、approved（已批准）'
		    '或 rejected（未批准）', 'state');
		RETURN;
	END IF;
	status := 200;
	SELECT coalesce(json_agg(duban_extension_json(e) ORDER BY e.requested_at DESC, e.id DESC),
	       '[]')
	  INTO body
	  FROM milestone_extension e
	 WHERE (p_state IS NULL OR e.state = p_state)
	   AND (tok.role <> 'office' OR duban_office_may_write(tok.office_id, e.task_id))
	   AND duban_tok_sees_task(tok, e.task_id);
END $$;
