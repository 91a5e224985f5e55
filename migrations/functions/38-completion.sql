-- 办结审核: the lead office's head asks to close a task, the general office
-- approves it (已办结) or returns it with a reason.  See
-- migrations/0014-completion.sql.  Every function answers (status, body):
-- 2xx with the object, or a problem (duban_api_problem) naming the field;
-- nothing changes on a problem.  duband and `duban task complete|
-- completion` (through duband) call the same functions with the caller's
-- token hash, which is checked here again.  Each step is a row of
-- task_completion and of the progress history (source 'completion'); the
-- status (duban_task_status, duban_report_quarterly) reads the requests
-- by their moments, so a report as of an earlier date sees the state then.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION duban_completion_json(c task_completion) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', c.id, 'task_id', c.task_id, 'task', t.label, 'task_title', t.title,
		'note', c.note, 'state', c.state,
		'requested_at', c.requested_at, 'requested_by', c.requested_by,
		'requested_role', c.requested_role,
		'requested_office', (SELECT name FROM office WHERE id = c.requested_office_id),
		'decided_at', c.decided_at, 'decided_by', c.decided_by,
		'decided_role', c.decided_role,
		'decided_office', (SELECT name FROM office WHERE id = c.decided_office_id),
		'decision_reason', c.decision_reason)
	  FROM task t WHERE t.id = c.task_id
$$;

-- May the holder of tok ask to close task t?  NULL if so, else the
-- problem.  The task's lead office asks: its head (处室负责人), or the
-- office's own token (which predates accounts and stands for the office);
-- not a clerk, not another office, not the general office.
CREATE OR REPLACE FUNCTION duban_completion_request_check(tok api_token, t task)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN tok.id IS NULL THEN
			duban_api_problem(401, '令牌无效或已吊销', '请重新登录')
		WHEN tok.role <> 'office' THEN
			duban_api_problem(403, '无权申请办结', '办结申请由任务的牵头处室负责人提出')
		WHEN NOT EXISTS (SELECT 1 FROM task_lead l
				  WHERE l.task_id = t.id AND l.office_id = tok.office_id) THEN
			duban_api_problem(403, '无权申请办结',
			    '办结申请由任务的牵头处室提出：这项任务不由“' ||
			    (SELECT name FROM office WHERE id = tok.office_id) || '”牵头')
		WHEN tok.account_id IS NOT NULL AND duban_token_part(tok) <> 'head' THEN
			duban_api_problem(403, '无权申请办结',
			    '办结申请须由处室负责人提出，经办人不能提出；请报处室负责人申请')
	END
$$;

-- May the holder of tok decide a request?  The general office only.
CREATE OR REPLACE FUNCTION duban_completion_decide_check(tok api_token)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN tok.id IS NULL THEN
			duban_api_problem(401, '令牌无效或已吊销', '请重新登录')
		WHEN tok.role <> 'general' THEN
			duban_api_problem(403, '无权审核', '办结申请由局办公室审核')
	END
$$;

-- An optional (p_required false) or required text of at most 2000
-- characters in p_body: NULL if it is one, else the problem naming it.
CREATE OR REPLACE FUNCTION duban_completion_text_problem(p_body jsonb, p_field text,
    p_required boolean, p_what text)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_body IS NULL OR NOT (p_body ? p_field) OR p_body->p_field = 'null'::jsonb
		     OR (jsonb_typeof(p_body->p_field) = 'string'
			 AND btrim(p_body->>p_field) = '') THEN
			CASE WHEN p_required THEN
				duban_api_problem(422, '缺少' || p_what,
				    '请填写' || p_what || '（' || p_field || '）', p_field)
			END
		WHEN jsonb_typeof(p_body->p_field) <> 'string' THEN
			duban_api_problem(422, p_what || '应为文字', p_field || ' 应为文字', p_field)
		WHEN length(p_body->>p_field) > 2000 THEN
			duban_api_problem(422, p_what || '过长', p_what || '不超过 2000 字', p_field)
		ELSE duban_text_problem(p_field, p_what, p_body->>p_field)
	END
$$;

-- The outbox: a message about request c of task t (kind 'completion'),
-- to the plan's general office for a request, to the lead office for a
-- decision.  p_step: requested, approved or returned.
CREATE OR REPLACE FUNCTION duban_completion_notify(c task_completion, t task, p_step text,
    p_now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	p	plan;
	v_to	bigint;
	v_key	text := 'completion.c' || c.id || '.' || p_step;
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	n	int;
BEGIN
	SELECT * INTO p FROM plan WHERE id = t.plan_id;
	v_to := CASE WHEN p_step = 'requested' THEN duban_general_office(p.id)
		     ELSE (SELECT office_id FROM task_lead WHERE task_id = t.id) END;
	IF v_to IS NULL THEN
		RETURN;
	END IF;
	INSERT INTO reminder (key, kind, plan_id, office_id, period, send_on, subject, payload)
	VALUES (v_key, 'completion', p.id, v_to, 'c' || c.id || '.' || p_step, v_today,
	    CASE p_step WHEN 'requested' THEN '【办结审核】' WHEN 'approved' THEN '【已办结】'
		 ELSE '【办结申请退回】' END || t.label || ' ' || t.title,
	    json_build_object('kind', 'completion', 'key', v_key, 'step', p_step,
		'plan', duban_plan_json(p), 'office', (SELECT name FROM office WHERE id = v_to),
		'task', json_build_object('id', t.id, 'number', t.label, 'title', t.title,
		    'lead_office', (SELECT o.name FROM task_lead l JOIN office o ON o.id = l.office_id
				     WHERE l.task_id = t.id)),
		'completion', duban_completion_json(c), 'send_on', v_today))
	ON CONFLICT (key) DO NOTHING;
	INSERT INTO delivery (reminder_id, recipient_id, channel, address)
	SELECT r.id, rc.id, rc.channel, rc.address
	  FROM reminder r CROSS JOIN LATERAL duban_reminder_recipients(r) rc
	 WHERE r.key = v_key
	ON CONFLICT (reminder_id, recipient_id) DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		PERFORM pg_notify('duban_outbox', n::text);
	END IF;
END $$;

-- 佐证材料 for 办结 (plan.completion_evidence): how many files support
-- task p_task at p_at, submitted and not superseded, on any target or
-- milestone of the task or of its subtasks that stands.  One is enough:
-- a task is closed on the strength of one 验收报告 or 完成情况说明 as
-- often as on one file per figure, and the general office, who reviews
-- the request, judges whether what is attached suffices.  PL/pgSQL: the
-- files' functions (77-evidence.sql) are made after this file.
CREATE OR REPLACE FUNCTION duban_task_evidence_count(p_task bigint, p_at timestamptz)
RETURNS bigint LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (SELECT count(*)
	  FROM (SELECT g.id AS target_id, NULL::bigint AS milestone_id
		  FROM target g JOIN task x ON x.id = g.task_id
		 WHERE (x.id = p_task OR x.parent_id = p_task) AND g.withdrawn_at IS NULL
		UNION ALL
		SELECT NULL, m.id
		  FROM milestone m JOIN task x ON x.id = m.task_id
		 WHERE (x.id = p_task OR x.parent_id = p_task) AND m.withdrawn_at IS NULL) i
	 CROSS JOIN LATERAL duban_item_files_at(i.target_id, i.milestone_id, p_at) f);
END $$;

-- The problem of a request to close task t at p_now for want of 佐证材料,
-- or NULL: the plan does not require them, or the task has one.
CREATE OR REPLACE FUNCTION duban_completion_evidence_problem(t task, p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_pending	bigint;
BEGIN
	IF NOT (SELECT completion_evidence FROM plan WHERE id = t.plan_id)
	    OR duban_task_evidence_count(t.id, p_now) > 0 THEN
		RETURN NULL;
	END IF;
	SELECT count(*) INTO v_pending FROM evidence_file f JOIN task x ON x.id = f.task_id
	 WHERE (x.id = t.id OR x.parent_id = t.id) AND f.state = 'pending';
	RETURN duban_api_problem(422, '缺少佐证材料',
	    '本计划要求办结须附佐证材料：任务' || coalesce(t.label || ' ', '') || '“' ||
	    t.title || '”的指标和节点尚无已报送的佐证材料' ||
	    CASE WHEN v_pending > 0 THEN '（已上传 ' || v_pending ||
		 ' 件，尚未随填报报送）' ELSE '' END ||
	    '；请先在指标或节点的填报中上传验收报告、完成情况说明等材料并报送，再申请办结',
	    'files');
END $$;

-- POST /api/v1/tasks/{id}/completion {note}: 201 with the request,
-- pending.  Who: duban_completion_request_check.  When: the task's plan
-- asks for the review, the task stands, and no request of it is pending
-- or approved.
CREATE OR REPLACE FUNCTION duban_completion_request(p_token text, p_task bigint,
    p_body jsonb, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	t		task;
	c		task_completion;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		body := duban_completion_request_check(tok, NULL);
		status := 401;
		RETURN;
	END IF;
	SELECT * INTO t FROM task WHERE id = p_task FOR UPDATE;
	IF NOT FOUND OR NOT duban_tok_sees_task(tok, t.id) THEN
		status := 404;
		body := duban_api_problem(404, '任务不存在', '没有编号为 ' || p_task || ' 的任务');
		RETURN;
	END IF;
	body := duban_completion_request_check(tok, t);
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	body := duban_completion_text_problem(p_body, 'note', true, '办结说明');
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	status := 409;
	IF t.withdrawn_at IS NOT NULL THEN
		body := duban_api_problem(409, '已撤销', '这项任务已从计划中撤销，不能申请办结');
		RETURN;
	END IF;
	IF NOT (SELECT completion_review FROM plan WHERE id = t.plan_id) THEN
		body := duban_api_problem(409, '不需要办结审核',
		    '这项任务所属的计划不要求办结审核：节点全部完成即为已完成');
		RETURN;
	END IF;
	SELECT * INTO c FROM task_completion x
	 WHERE x.task_id = t.id AND x.state IN ('pending', 'approved');
	IF c.state = 'approved' THEN
		body := duban_api_problem(409, '任务已办结',
		    '这项任务已于 ' || to_char(c.decided_at AT TIME ZONE 'Asia/Shanghai',
		    'YYYY-MM-DD HH24:MI') || ' 办结', NULL, duban_completion_json(c));
		RETURN;
	END IF;
	IF c.state = 'pending' THEN
		body := duban_api_problem(409, '已有待审核的办结申请',
		    '这项任务已有一份待审核的办结申请，审核后才能再次申请', NULL,
		    duban_completion_json(c));
		RETURN;
	END IF;
	body := duban_completion_evidence_problem(t, p_now);
	IF body IS NOT NULL THEN
		status := 422;
		RETURN;
	END IF;

	INSERT INTO task_completion (task_id, note, requested_at, requested_by, requested_role,
	    requested_office_id, requested_token_id, requested_account_id)
	VALUES (t.id, btrim(p_body->>'note'), p_now, tok.label, duban_token_part(tok),
	    tok.office_id, tok.id, tok.account_id)
	RETURNING * INTO c;
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    field, note)
	VALUES (p_now, tok.label, tok.office_id, tok.id, 'completion', t.plan_id, t.id,
	    'completion_requested', c.note);
	PERFORM duban_completion_notify(c, t, 'requested', p_now);
	status := 201;
	body := duban_completion_json(c);
END $$;

-- POST /api/v1/tasks/{id}/completion/approve {reason?} and
-- .../completion/return {reason}: 200 with the request, decided.  The
-- general office decides the task's pending request; an approval closes
-- the task (its milestones are not rewritten), a return sends it back to
-- the office with the reason, and the office may ask again.
CREATE OR REPLACE FUNCTION duban_completion_decide(p_token text, p_task bigint,
    p_approve boolean, p_body jsonb, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	t		task;
	c		task_completion;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	body := duban_completion_decide_check(tok);
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	SELECT * INTO t FROM task WHERE id = p_task FOR UPDATE;
	IF NOT FOUND OR NOT duban_tok_sees_task(tok, t.id) THEN
		status := 404;
		body := duban_api_problem(404, '任务不存在', '没有编号为 ' || p_task || ' 的任务');
		RETURN;
	END IF;
	body := duban_completion_text_problem(p_body, 'reason', NOT p_approve,
	    CASE WHEN p_approve THEN '审核意见' ELSE '退回理由' END);
	IF body IS NOT NULL THEN
		status := (body->>'status')::int;
		RETURN;
	END IF;
	SELECT * INTO c FROM task_completion x WHERE x.task_id = t.id AND x.state = 'pending'
	   FOR UPDATE;
	IF c.id IS NULL THEN
		status := 409;
		body := duban_api_problem(409, '没有待审核的办结申请',
		    '这项任务没有待审核的办结申请', NULL,
		    (SELECT duban_completion_json(x) FROM task_completion x WHERE x.task_id = t.id
		      ORDER BY x.requested_at DESC, x.id DESC LIMIT 1));
		RETURN;
	END IF;
	IF p_approve AND t.withdrawn_at IS NOT NULL THEN
		status := 409;
		body := duban_api_problem(409, '已撤销', '这项任务已从计划中撤销，不能办结', NULL,
		    duban_completion_json(c));
		RETURN;
	END IF;

	UPDATE task_completion
	   SET state = CASE WHEN p_approve THEN 'approved' ELSE 'returned' END,
	       decided_at = p_now, decided_by = tok.label, decided_role = duban_token_part(tok),
	       decided_office_id = tok.office_id, decided_token_id = tok.id,
	       decided_account_id = tok.account_id,
	       decision_reason = nullif(btrim(p_body->>'reason'), '')
	 WHERE id = c.id
	RETURNING * INTO c;
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    field, note)
	VALUES (p_now, tok.label, tok.office_id, tok.id, 'completion', t.plan_id, t.id,
	    CASE WHEN p_approve THEN 'completion_approved' ELSE 'completion_returned' END,
	    c.decision_reason);
	PERFORM duban_completion_notify(c, t, c.state, p_now);
	status := 200;
	body := duban_completion_json(c);
END $$;

-- The task page's 办结 panel (GET /api/v1/tasks/{id}: completion): whether
-- the plan asks for the review, the state (none, pending, approved,
-- returned: the latest request's), that request, every request, and
-- whether the holder of p_token may ask or decide now.
CREATE OR REPLACE FUNCTION duban_task_completion_json(p_task bigint, p_token text)
RETURNS json LANGUAGE sql STABLE AS $$
	WITH tok AS (
		SELECT tk FROM api_token tk WHERE tk.hash = p_token AND tk.revoked_at IS NULL
	), t AS (
		SELECT t, p.completion_review, p.completion_evidence
		  FROM task t JOIN plan p ON p.id = t.plan_id
		 WHERE t.id = p_task
	), reqs AS (
		SELECT c FROM task_completion c WHERE c.task_id = p_task
	), cur AS (
		SELECT r.c FROM reqs r ORDER BY (r.c).requested_at DESC, (r.c).id DESC LIMIT 1
	), st AS (
		SELECT coalesce((SELECT (cur.c).state FROM cur), 'none') AS state
	)
	SELECT json_build_object(
		'review', t.completion_review,
		-- 佐证材料: whether the plan requires them, and how many the
		-- task has now.
		'evidence_required', t.completion_evidence,
		'evidence_files', duban_task_evidence_count((t.t).id, 'infinity'),
		'state', st.state,
		'request', (SELECT duban_completion_json(cur.c) FROM cur),
		'requests', (SELECT coalesce(json_agg(duban_completion_json(r.c)
				ORDER BY (r.c).requested_at, (r.c).id), '[]') FROM reqs r),
		'may_request', t.completion_review AND (t.t).withdrawn_at IS NULL
			AND st.state IN ('none', 'returned')
			AND EXISTS (SELECT 1 FROM tok
				     WHERE duban_completion_request_check(tok.tk, t.t) IS NULL),
		'may_decide', st.state = 'pending'
			AND EXISTS (SELECT 1 FROM tok
				     WHERE duban_completion_decide_check(tok.tk) IS NULL))
	  FROM t, st
$$;
