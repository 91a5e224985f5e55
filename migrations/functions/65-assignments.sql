-- 签收 (an office acknowledging a task assigned to it), 批示 (a leader's
-- or the general office's instruction on a task), and the reminders
-- both send.  See migrations/0012-acknowledge-instructions.sql.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The offices that answer for a task now: its lead office, and its
-- responsible offices that are offices or units of the bureau.
CREATE OR REPLACE FUNCTION duban_duty_offices()
RETURNS TABLE (task_id bigint, office_id bigint) LANGUAGE sql STABLE AS $$
	SELECT DISTINCT x.task_id, x.office_id
	  FROM (SELECT tl.task_id, tl.office_id FROM task_lead tl
		 WHERE tl.office_id IS NOT NULL
		UNION
		SELECT r.task_id, r.office_id FROM task_role r
		 WHERE r.role = 'responsible' AND r.office_id IS NOT NULL) x
	  JOIN task t ON t.id = x.task_id AND t.withdrawn_at IS NULL
	  JOIN office o ON o.id = x.office_id AND o.kind IN ('office', 'unit')
$$;

-- Records the assignments that are new at p_now (a plan loaded or
-- changed, a 交办 made).  Returns how many.
CREATE OR REPLACE FUNCTION duban_assignments_sync(p_now timestamptz) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	INSERT INTO assignment (task_id, office_id, assigned_at)
	SELECT d.task_id, d.office_id, p_now FROM duban_duty_offices() d
	ON CONFLICT (task_id, office_id) DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

-- A task's assignments that stand now, with their 签收.
CREATE OR REPLACE FUNCTION duban_task_assignments_json(p_task bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('office_id', a.office_id, 'office', o.name,
		'lead', t.lead_office_id = a.office_id, 'assigned_at', a.assigned_at,
		'acknowledged_at', a.acknowledged_at, 'acknowledged_by', a.acknowledged_by)
		ORDER BY t.lead_office_id = a.office_id DESC, o.name), '[]')
	  FROM assignment a
	  JOIN duban_duty_offices() d ON d.task_id = a.task_id AND d.office_id = a.office_id
	  JOIN office o ON o.id = a.office_id
	  JOIN task t ON t.id = a.task_id
	 WHERE a.task_id = p_task
$$;

-- POST /api/v1/tasks/{id}/acknowledge: the asking office 签收s the task.
-- Again is no error: the first 签收 stands.
CREATE OR REPLACE FUNCTION duban_api_acknowledge(p_token text, p_task bigint,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	t	task;
	a	assignment;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		status := 401;
		body := duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
		RETURN;
	END IF;
	SELECT * INTO t FROM task WHERE id = p_task AND withdrawn_at IS NULL;
	IF t.id IS NULL OR NOT duban_tok_sees_task(tok, t.id) THEN
		status := 404;
		body := duban_api_problem(404, '任务不存在', '没有编号为 ' || p_task || ' 的任务');
		RETURN;
	END IF;
	IF tok.role <> 'office' THEN
		status := 403;
		body := duban_api_problem(403, '无权操作', '签收由承办处室进行');
		RETURN;
	END IF;
	SELECT a2.* INTO a FROM assignment a2
	  JOIN duban_duty_offices() d ON d.task_id = a2.task_id AND d.office_id = a2.office_id
	 WHERE a2.task_id = p_task AND a2.office_id = tok.office_id
	   FOR UPDATE OF a2;
	IF a.id IS NULL THEN
		status := 403;
		body := duban_api_problem(403, '无权操作', '贵处室不是这项任务的牵头或责任处室');
		RETURN;
	END IF;
	IF a.acknowledged_at IS NULL THEN
		UPDATE assignment SET acknowledged_at = p_now, acknowledged_by = tok.label,
		       token_id = tok.id
		 WHERE id = a.id;
		INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
		    field, new_value, note)
		VALUES (p_now, tok.label, tok.office_id, tok.id, 'workflow', t.plan_id, t.id,
		    'acknowledged', (SELECT name FROM office WHERE id = tok.office_id), '签收');
		status := 201;
	ELSE
		status := 200;
	END IF;
	SELECT x INTO body FROM json_array_elements(duban_task_assignments_json(p_task)) x
	 WHERE (x->>'office_id')::bigint = tok.office_id;
END $$;

-- The deliveries of the reminder p_key, to its recipients
-- (duban_reminder_recipients), made now rather than by the next sweep,
-- and duband's outbox woken.  How many are new.
CREATE OR REPLACE FUNCTION duban_reminder_deliver_now(p_key text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	INSERT INTO delivery (reminder_id, recipient_id, channel, address)
	SELECT r.id, rc.id, rc.channel, rc.address
	  FROM reminder r CROSS JOIN LATERAL duban_reminder_recipients(r) rc
	 WHERE r.key = p_key
	ON CONFLICT (reminder_id, recipient_id) DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		PERFORM pg_notify('duban_outbox', n::text);
	END IF;
	RETURN n;
END $$;

-- ------------------------------------------------------------------
-- 批示

CREATE OR REPLACE FUNCTION duban_instruction_json(i instruction, p_office bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', i.id, 'task_id', i.task_id, 'at', i.at,
	    'author', i.author, 'author_role', i.author_role,
	    'office', (SELECT name FROM office WHERE id = i.office_id), 'text', i.body,
	    'read', CASE WHEN p_office IS NOT NULL THEN EXISTS (SELECT 1 FROM instruction_read r
		     WHERE r.instruction_id = i.id AND r.office_id = p_office) END,
	    'read_by', (SELECT coalesce(json_agg(json_build_object('office', o.name,
		     'at', r.read_at, 'by', r.read_by) ORDER BY r.read_at), '[]')
		      FROM instruction_read r JOIN office o ON o.id = r.office_id
		     WHERE r.instruction_id = i.id))
$$;

CREATE OR REPLACE FUNCTION duban_task_instructions_json(p_task bigint, p_office bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(duban_instruction_json(i, p_office) ORDER BY i.at, i.id), '[]')
	  FROM instruction i WHERE i.task_id = p_task
$$;

-- Who may write a 批示 on a task: the general office on any; a leader
-- (an account of role 'leader' that is a person the plan names) on the
-- tasks, and their sub-items, they are 责任领导 of.  NULL if they may.
CREATE OR REPLACE FUNCTION duban_instruct_check(tok api_token, t task) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN tok.role = 'general' THEN NULL
		WHEN EXISTS (SELECT 1 FROM account a
			      JOIN task_role r ON r.person_id = a.person_id AND r.role = 'leader'
			     WHERE a.id = tok.account_id AND a.role = 'leader'
			       AND r.task_id IN (t.id, t.parent_id)) THEN NULL
		WHEN EXISTS (SELECT 1 FROM account a WHERE a.id = tok.account_id
			       AND a.role = 'leader') THEN
			duban_api_problem(403, '无权操作', '领导只能对自己负责的任务作出批示')
		ELSE duban_api_problem(403, '无权操作', '批示由责任领导或局办公室作出')
	END
$$;

-- POST /api/v1/tasks/{id}/instructions {text}: a 批示.  It stands in
-- the task's history, and its lead office is notified at once (the
-- outbox: reminder kind 'instruction').
CREATE OR REPLACE FUNCTION duban_api_instruct(p_token text, p_task bigint, p_text text,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	t	task;
	p	plan;
	i	instruction;
	v_role	text;
	v_lead	bigint;
	v_key	text;
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		status := 401;
		body := duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
		RETURN;
	END IF;
	SELECT * INTO t FROM task WHERE id = p_task AND withdrawn_at IS NULL;
	IF t.id IS NULL OR NOT duban_tok_sees_task(tok, t.id) THEN
		status := 404;
		body := duban_api_problem(404, '任务不存在', '没有编号为 ' || p_task || ' 的任务');
		RETURN;
	END IF;
	body := duban_instruct_check(tok, t);
	IF body IS NOT NULL THEN
		status := 403;
		RETURN;
	END IF;
	IF p_text IS NULL OR length(btrim(p_text)) = 0 OR length(p_text) > 2000 THEN
		status := 422;
		body := duban_api_problem(422, '批示内容不符合要求', '批示不能为空，且不超过 2000 个字',
		    'text');
		RETURN;
	END IF;
	body := duban_text_problem('text', '批示内容', p_text);
	IF body IS NOT NULL THEN
		status := 400;
		RETURN;
	END IF;
	v_role := CASE WHEN tok.role = 'general' THEN 'general' ELSE 'leader' END;
	INSERT INTO instruction (task_id, at, author, author_role, office_id, token_id, body)
	VALUES (t.id, p_now, tok.label, v_role, tok.office_id, tok.id, btrim(p_text))
	RETURNING * INTO i;
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
	    field, new_value, note)
	VALUES (p_now, tok.label, tok.office_id, tok.id, 'workflow', t.plan_id, t.id,
	    'instruction', i.body, '批示');

	-- The lead office hears of it now.
	SELECT * INTO p FROM plan WHERE id = t.plan_id;
	SELECT office_id INTO v_lead FROM task_lead WHERE task_id = t.id;
	IF v_lead IS NOT NULL THEN
		v_key := 'instruction.i' || i.id;
		INSERT INTO reminder (key, kind, plan_id, office_id, period, send_on, subject,
		    payload)
		VALUES (v_key, 'instruction', p.id, v_lead, 'i' || i.id, v_today,
		    '【批示】' || t.label || ' ' || t.title,
		    json_build_object('kind', 'instruction', 'key', v_key,
			'plan', duban_plan_json(p), 'office', (SELECT name FROM office WHERE id = v_lead),
			'task', json_build_object('id', t.id, 'number', t.label, 'title', t.title),
			'instruction', json_build_object('author', i.author, 'role', v_role,
			    'at', i.at, 'text', i.body), 'send_on', v_today));
		PERFORM duban_reminder_deliver_now(v_key);
	END IF;
	status := 201;
	body := duban_instruction_json(i, NULL);
END $$;

-- POST /api/v1/instructions/{id}/read: the asking office has read it.
CREATE OR REPLACE FUNCTION duban_api_instruction_read(p_token text, p_id bigint,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	i	instruction;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		status := 401;
		body := duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
		RETURN;
	END IF;
	SELECT * INTO i FROM instruction WHERE id = p_id;
	IF i.id IS NULL OR NOT duban_tok_sees_task(tok, i.task_id) THEN
		status := 404;
		body := duban_api_problem(404, '批示不存在', '没有编号为 ' || p_id || ' 的批示');
		RETURN;
	END IF;
	IF tok.role <> 'office' OR NOT duban_office_may_write(tok.office_id, i.task_id) THEN
		status := 403;
		body := duban_api_problem(403, '无权操作', '批示由任务的牵头或责任处室阅知');
		RETURN;
	END IF;
	INSERT INTO instruction_read (instruction_id, office_id, read_at, read_by)
	VALUES (i.id, tok.office_id, p_now, tok.label)
	ON CONFLICT DO NOTHING;
	status := 200;
	body := duban_instruction_json(i, tok.office_id);
END $$;

-- ------------------------------------------------------------------
-- Reminders to 签收, on the working days in (p_from, p_to]: an office
-- with tasks unacknowledged acknowledge_days working days after they were
-- assigned is reminded (one reminder per plan and day of assignment);
-- acknowledge_escalate_days working days later the plan's general office
-- is told.  The columns are duban_reminders_due's.
CREATE OR REPLACE FUNCTION duban_acknowledge_reminders_due(p_from date, p_to date)
RETURNS TABLE (key text, kind text, plan_id bigint, office_id bigint,
    milestone_id bigint, period text, send_on date, subject text, payload json)
LANGUAGE sql STABLE AS $$
WITH cfg AS (
	SELECT * FROM reminder_config WHERE id = 1
), open AS (
	-- Unacknowledged assignments that stand, with the working-day count of
	-- the day they were made (the working day on or before it).
	SELECT a.task_id, a.office_id, t.plan_id,
	       (a.assigned_at AT TIME ZONE 'Asia/Shanghai')::date AS day, w.seq
	  FROM assignment a
	  JOIN duban_duty_offices() d ON d.task_id = a.task_id AND d.office_id = a.office_id
	  JOIN task t ON t.id = a.task_id
	  JOIN workday_seq w ON w.day = (a.assigned_at AT TIME ZONE 'Asia/Shanghai')::date
	 WHERE a.remind AND a.acknowledged_at IS NULL
), due AS (
	SELECT k.kind, o.plan_id, o.office_id, o.day, sd.day AS send_on, k.days,
	       json_agg(json_build_object('id', t.id, 'number', t.label, 'title', t.title)
		   ORDER BY t.position) AS tasks
	  FROM open o CROSS JOIN cfg
	 CROSS JOIN LATERAL (VALUES
		('acknowledge', o.seq + cfg.acknowledge_days, cfg.acknowledge_days),
		('acknowledge_late', o.seq + cfg.acknowledge_days + cfg.acknowledge_escalate_days,
		 cfg.acknowledge_days + cfg.acknowledge_escalate_days)) AS k(kind, at_seq, days)
	  JOIN workday_seq sd ON sd.seq = k.at_seq AND sd.is_workday
	  JOIN task t ON t.id = o.task_id
	 WHERE sd.day > p_from AND sd.day <= p_to
	 GROUP BY k.kind, o.plan_id, o.office_id, o.day, sd.day, k.days
)
SELECT concat_ws('.', d.kind, 'p' || d.plan_id, 'o' || d.office_id, d.day),
       d.kind, d.plan_id,
       CASE d.kind WHEN 'acknowledge' THEN d.office_id ELSE duban_general_office(d.plan_id) END,
       NULL::bigint, d.day::text, d.send_on,
       CASE d.kind WHEN 'acknowledge' THEN '【签收提醒】' ELSE '【督办】未签收：' END
	 || o.name || ' · ' || p.title || '（' || json_array_length(d.tasks) || ' 项）',
       json_build_object('kind', d.kind,
	   'key', concat_ws('.', d.kind, 'p' || d.plan_id, 'o' || d.office_id, d.day),
	   'plan', duban_plan_json(p), 'office', o.name, 'assigned_on', d.day,
	   'working_days', d.days, 'send_on', d.send_on, 'tasks', d.tasks)
  FROM due d
  JOIN plan p ON p.id = d.plan_id
  JOIN office o ON o.id = d.office_id
$$ SET jit = off;

-- What the 待办 of the asking token holds: GET /api/v1/todo.
--   acknowledge     tasks of the office not yet 签收ed (office)
--   instruction     批示 on the office's tasks not yet read (office)
--   dispatch        open rounds the office has not reported in (未报送,
--                   草稿, 退回 with the reason, 逾期未报), with their due
--                   dates (office)
--   review          reports awaiting the head (head; a round's or a
--                   standing one)
--   report_returned a standing report returned (office)
--   drafts          the office's drafts not yet sent (office)
--   decide          reports that went out, awaiting 采纳 or 退回 (general)
--   extension       the office's 延期申请, open or decided in the last
--                   seven days (office)
--   extension_decide 延期申请 awaiting the general office, or (reviewed)
--                   the task's 分管领导
--   unacknowledged  offices that have not 签收ed for longer than the
--                   reminder allows (general)
--   completion_ready     tasks of the office whose milestones are all
--                        done, that its head may ask to close (head, or
--                        the office's token; plans with 办结审核)
--   completion_returned  requests to close returned to the office (office)
--   completion_review    requests to close waiting (general)
--   notice          督办单 to the office not yet 签收ed (office)
--   county_fill     an open round of its city asking the office's county
--                   bureau, with copies the office undertakes (office)
--   county_round    a round of its city for the county to 报送, with the
--                   city's chases (the county's general)
--   county_decide   a county's 报送 awaiting 采纳 or 退回 (the city's general)
-- Each item: {kind, title, task_id, due_on, ...}; count is their number.
CREATE OR REPLACE FUNCTION duban_api_todo(p_token text, p_now timestamptz,
    OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
	v_items	json;
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_head	boolean;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	v_head := duban_token_part(tok) IN ('head', 'office');
	IF tok.id IS NULL THEN
		status := 401;
		body := duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
		RETURN;
	END IF;
	IF tok.role = 'office' THEN
		SELECT coalesce(json_agg(x.item ORDER BY x.o1, x.o2, x.o3), '[]') INTO v_items FROM (
			SELECT 1 AS o1, a.assigned_at::text AS o2, t.position AS o3,
			       json_build_object('kind', 'acknowledge', 'task_id', t.id,
				'number', t.label, 'title', t.title, 'plan', p.title,
				'assigned_at', a.assigned_at) AS item
			  FROM assignment a
			  JOIN duban_duty_offices() d ON d.task_id = a.task_id
			   AND d.office_id = a.office_id
			  JOIN task t ON t.id = a.task_id JOIN plan p ON p.id = t.plan_id
			 WHERE a.office_id = tok.office_id AND a.acknowledged_at IS NULL
			UNION ALL
			SELECT 2, i.at::text, t.position,
			       json_build_object('kind', 'instruction', 'task_id', t.id,
				'number', t.label, 'title', t.title, 'instruction_id', i.id,
				'author', i.author, 'at', i.at, 'text', i.body)
			  FROM instruction i JOIN task t ON t.id = i.task_id
			 WHERE duban_office_may_write(tok.office_id, t.id)
			   AND NOT EXISTS (SELECT 1 FROM instruction_read r
					    WHERE r.instruction_id = i.id AND r.office_id = tok.office_id)
			UNION ALL
			SELECT 0, d.due_on::text, 0,
			       json_build_object('kind', CASE WHEN s.state = 'submitted'
					THEN 'review' ELSE 'dispatch' END,
				'dispatch_id', d.id, 'office', s.name,
				'title', d.title, 'due_on', d.due_on, 'state', s.state,
				'state_label', duban_dispatch_state_label(s.state),
				'reason', s.reason, 'tasks', s.tasks)
			  FROM dispatch d
			 CROSS JOIN LATERAL duban_dispatch_offices(d.id, p_now) s
			 WHERE d.closed_at IS NULL AND s.office_id = tok.office_id
			   AND (s.state IN ('pending', 'late', 'draft', 'returned')
				OR (s.state = 'submitted' AND v_head))
			UNION ALL
			-- Outside rounds: a standing report returned, or awaiting
			-- the head.
			SELECT 0, r.updated_at::text, 1,
			       json_build_object('kind', CASE WHEN r.state = 'submitted'
					THEN 'review' ELSE 'report_returned' END,
				'report_id', r.id, 'office', o.name, 'title', '日常报送',
				'state', r.state, 'state_label', duban_report_state_label(r.state),
				'reason', (SELECT s.reason FROM office_report_step s
					    WHERE s.report_id = r.id AND s.action = 'return'
					    ORDER BY s.at DESC, s.id DESC LIMIT 1))
			  FROM office_report r JOIN office o ON o.id = r.office_id
			 WHERE r.dispatch_id IS NULL AND r.office_id = tok.office_id
			   AND (r.state = 'returned' OR (r.state = 'submitted' AND v_head))
			UNION ALL
			-- 延期申请 of the office's tasks: awaiting a decision, or
			-- decided in the last seven days.
			SELECT 4, coalesce(e.decided_at, e.requested_at)::text, 0,
			       json_build_object('kind', 'extension', 'extension_id', e.id,
				'task_id', t.id, 'number', t.label, 'title', t.title,
				'milestone', m.title, 'due_on', e.due_on, 'new_due_on', e.new_due_on,
				'state', e.state, 'reason', e.decision_reason,
				'decided_at', e.decided_at, 'decided_by', e.decided_by)
			  FROM milestone_extension e
			  JOIN milestone m ON m.id = e.milestone_id
			  JOIN task t ON t.id = e.task_id
			 WHERE duban_office_may_write(tok.office_id, t.id)
			   AND (e.state IN ('pending', 'reviewed')
				OR e.decided_at > p_now - interval '7 days')
			UNION ALL
			-- 办结审核 (38-completion.sql): requests returned to the lead
			-- office, and, for its head (or its office token), the tasks
			-- whose milestones are all done and that may be closed.
			SELECT 3, c.state, t.position,
			       json_build_object('kind', CASE c.state WHEN 'returned'
					THEN 'completion_returned' ELSE 'completion_ready' END,
				'task_id', t.id, 'number', t.label, 'title', t.title, 'plan', p.title,
				'reason', c.decision_reason, 'at', c.decided_at)
			  FROM task t
			  JOIN task_lead l ON l.task_id = t.id AND l.office_id = tok.office_id
			  JOIN plan p ON p.id = t.plan_id AND p.completion_review
			  LEFT JOIN LATERAL (SELECT x.state, x.decision_reason, x.decided_at
					       FROM task_completion x WHERE x.task_id = t.id
					      ORDER BY x.requested_at DESC, x.id DESC LIMIT 1) c ON true
			 WHERE t.withdrawn_at IS NULL
			   AND (c.state = 'returned'
				OR (c.state IS NULL
				    AND (tok.account_id IS NULL OR duban_token_part(tok) = 'head')
				    AND EXISTS (SELECT 1 FROM milestone m WHERE m.task_id = t.id
						   AND m.withdrawn_at IS NULL)
				    AND NOT EXISTS (SELECT 1 FROM milestone m WHERE m.task_id = t.id
						       AND m.withdrawn_at IS NULL
						       AND m.status <> 'done')))
			UNION ALL
			-- 督办单 sent to the office and not yet 签收ed (68-notices.sql),
			-- within the token's reach (tenants).
			SELECT 0, n.issued_at::text, 0,
			       json_build_object('kind', 'notice', 'notice_id', n.id,
				'notice_number', duban_notice_number(n.year, n.seq),
				'title', duban_notice_number(n.year, n.seq) || ' ' ||
				    duban_notice_colour_label(n.colour) || '督办（' ||
				    duban_notice_trigger_label(n.trigger) || '），待签收：' ||
				    coalesce(t.label || ' ' || t.title, n.matter),
				'matter', n.matter, 'task_id', n.task_id, 'number', t.label,
				'colour', n.colour, 'due_on', n.handle_by, 'issued_on', n.issued_on)
			  FROM notice n LEFT JOIN task t ON t.id = n.task_id
			 WHERE n.office_id = tok.office_id AND n.acked_at IS NULL
			   AND n.org_id = ANY (duban_token_reach(p_token))
			UNION ALL
			-- 上级督办下级 (70-dispatch.sql): an open round of the city
			-- asking the office's county bureau, while the county has
			-- not 报送ed, with copies the office undertakes (承办科室,
			-- 33-counties.sql): to fill in by the round's date; the
			-- county's general office 报送s.  With the city's chases.
			SELECT 0, d.due_on::text, 0,
			       json_build_object('kind', 'county_fill', 'dispatch_id', d.id,
				'org', c.name, 'title', d.title, 'due_on', d.due_on,
				'state', c.state, 'state_label', duban_dispatch_state_label(c.state),
				'reason', c.reason, 'tasks', n.tasks,
				'chases', duban_county_chases_json(d.id, c.org_id))
			  FROM (SELECT DISTINCT x.dispatch_id FROM dispatch_county x
				 WHERE x.org_id = tok.org_id) x
			  JOIN dispatch d ON d.id = x.dispatch_id AND d.closed_at IS NULL
			 CROSS JOIN LATERAL (SELECT count(*) AS tasks FROM dispatch_county y
				JOIN task t ON t.plan_id = y.plan_id AND t.withdrawn_at IS NULL
			       WHERE y.dispatch_id = d.id AND y.org_id = tok.org_id
				 AND duban_office_may_write(tok.office_id, t.id)) n
			 CROSS JOIN LATERAL duban_dispatch_counties(d.id, p_now) c
			 WHERE n.tasks > 0 AND c.org_id = tok.org_id
			   AND c.state IN ('pending', 'late', 'draft', 'returned')
			UNION ALL
			-- Drafts not yet sent.
			SELECT 3, '', 0,
			       json_build_object('kind', 'drafts', 'count', count(*),
				'title', '草稿 ' || count(*) || ' 项尚未报送')
			  FROM draft x
			 WHERE x.office_id = tok.office_id AND x.report_id IS NULL
			HAVING count(*) > 0) x;
	ELSIF tok.role = 'general' THEN
		SELECT coalesce(json_agg(x.item ORDER BY x.o1, x.o2), '[]') INTO v_items FROM (
		SELECT 0 AS o1, r.updated_at::text AS o2,
		       json_build_object('kind', 'decide', 'report_id', r.id,
			'dispatch_id', r.dispatch_id, 'office_id', r.office_id, 'office', o.name,
			'title', coalesce(d.title, '日常报送'), 'due_on', d.due_on,
			'reported_at', r.reported_at, 'state', r.state,
			'state_label', duban_report_state_label(r.state)) AS item
		  FROM office_report r JOIN office o ON o.id = r.office_id
		  LEFT JOIN dispatch d ON d.id = r.dispatch_id
		 WHERE r.state = 'reported' AND d.closed_at IS NULL
		   AND duban_tok_sees_org(tok, o.org_id)
		UNION ALL
		-- 上级督办下级 (70-dispatch.sql): a round the city asked of this
		-- county bureau, for its general office to 报送; for the city, a
		-- county's 报送 awaiting 采纳 or 退回.
		SELECT 0, d.due_on::text,
		       json_build_object('kind', CASE WHEN c.org_id = tok.org_id
					THEN 'county_round' ELSE 'county_decide' END,
			'dispatch_id', d.id, 'org_id', c.org_id, 'org', c.name, 'title', d.title,
			'due_on', d.due_on, 'state', c.state,
			'state_label', duban_dispatch_state_label(c.state), 'reason', c.reason,
			'chases', duban_county_chases_json(d.id, c.org_id))
		  FROM dispatch d
		 CROSS JOIN LATERAL duban_dispatch_counties(d.id, p_now) c
		 WHERE d.closed_at IS NULL
		   AND EXISTS (SELECT 1 FROM dispatch_county x WHERE x.dispatch_id = d.id)
		   AND ((c.org_id = tok.org_id
			 AND c.state IN ('pending', 'late', 'draft', 'returned'))
			OR (c.org_id IS DISTINCT FROM tok.org_id
			    AND c.state IN ('reported', 'reported_late')
			    AND duban_tok_sees_dispatch(tok, d.id)))
		UNION ALL
		-- 延期申请 awaiting the general office.
		SELECT 0, e.requested_at::text,
		       json_build_object('kind', 'extension_decide', 'extension_id', e.id,
			'task_id', t.id, 'number', t.label, 'title', t.title, 'milestone', m.title,
			'office', o.name, 'due_on', e.due_on, 'new_due_on', e.new_due_on,
			'reason', e.reason, 'requested_by', e.requested_by)
		  FROM milestone_extension e
		  JOIN milestone m ON m.id = e.milestone_id
		  JOIN task t ON t.id = e.task_id
		  LEFT JOIN office o ON o.id = e.requested_office_id
		 WHERE e.state = 'pending' AND duban_tok_sees_task(tok, t.id)
		UNION ALL
		-- 办结申请 waiting for the general office (38-completion.sql).
		SELECT 2, c.requested_at::text,
		       json_build_object('kind', 'completion_review', 'task_id', t.id,
			'number', t.label, 'title', t.title, 'plan', p.title,
			'office', o.name, 'by', c.requested_by, 'at', c.requested_at,
			'note', c.note)
		  FROM task_completion c JOIN task t ON t.id = c.task_id
		  JOIN plan p ON p.id = t.plan_id
		  LEFT JOIN office o ON o.id = c.requested_office_id
		 WHERE c.state = 'pending' AND duban_tok_sees_task(tok, t.id)
		UNION ALL
		SELECT 1, u.since::text, json_build_object('kind', 'unacknowledged',
			'office_id', u.office_id, 'office', o.name, 'tasks', u.n,
			'since', u.since)
		  FROM (SELECT a.office_id, count(*) AS n, min(a.assigned_at) AS since
			  FROM assignment a
			  JOIN duban_duty_offices() d ON d.task_id = a.task_id
			   AND d.office_id = a.office_id
			  JOIN workday_seq w ON w.day = (a.assigned_at AT TIME ZONE 'Asia/Shanghai')::date
			  JOIN workday_seq wt ON wt.day = v_today
			 CROSS JOIN reminder_config c
			 WHERE a.acknowledged_at IS NULL AND a.remind
			   AND wt.seq - w.seq >= c.acknowledge_days
			 GROUP BY a.office_id) u
		  JOIN office o ON o.id = u.office_id
		 WHERE duban_tok_sees_org(tok, o.org_id)) x;
	ELSIF (SELECT a.role FROM account a WHERE a.id = tok.account_id) = 'leader' THEN
		-- A 分管领导: 延期申请 the general office reviewed, on the tasks
		-- they lead, awaiting their decision.
		SELECT coalesce(json_agg(json_build_object('kind', 'extension_decide',
			'extension_id', e.id, 'task_id', t.id, 'number', t.label, 'title', t.title,
			'milestone', m.title, 'office', o.name, 'due_on', e.due_on,
			'new_due_on', e.new_due_on, 'reason', e.reason,
			'requested_by', e.requested_by) ORDER BY e.reviewed_at), '[]')
		  INTO v_items
		  FROM milestone_extension e
		  JOIN milestone m ON m.id = e.milestone_id
		  JOIN task t ON t.id = e.task_id
		  LEFT JOIN office o ON o.id = e.requested_office_id
		 WHERE e.state = 'reviewed' AND duban_extension_leader(tok, t.id);
	ELSE
		-- Inspectors: nothing to do, only to read.
		v_items := '[]';
	END IF;
	status := 200;
	body := json_build_object('count', json_array_length(v_items), 'items', v_items,
	    'as_of', v_today);
END $$;
