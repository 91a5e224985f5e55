-- 督办单 (notices) and 督查通报 (bulletins): see migrations/0025-notices.sql (and 0030-notice-flow.sql)
-- and README.md (督办单与督查通报).  Every API function answers
-- {status, body}: 2xx with the object, or a problem (duban_api_problem)
-- naming the field; nothing changes on a problem.  duband and `duban
-- notice|bulletin` (through duband) call the same functions with the
-- caller's token hash, which is checked here.  Functions that read the
-- dispatch rounds (70-dispatch.sql, after this file) are PL/pgSQL, whose
-- bodies are bound when they run.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION bulletin_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.state = 'issued' THEN
		RAISE EXCEPTION '已印发的督查通报不能修改或删除（%）', OLD.id
		    USING ERRCODE = 'check_violation';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;

-- ------------------------------------------------------------------
-- Words and small pieces.

-- 2012-10-10 -> 2012年10月10日, as documents write dates.
CREATE OR REPLACE FUNCTION duban_cn_date(d date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT to_char(d, 'YYYY"年"FMMM"月"FMDD"日"')
$$;

-- Text for HTML, the five specials escaped; NULL as ''.
CREATE OR REPLACE FUNCTION duban_html(s text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT replace(replace(replace(replace(replace(coalesce(s, ''),
		'&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '"', '&quot;'), '''', '&#39;')
$$;

-- Paragraphs of a text (one per line that is not blank), each a <p>.
CREATE OR REPLACE FUNCTION duban_html_paras(s text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(string_agg('<p>' || duban_html(btrim(l)) || '</p>', '' ORDER BY n), '')
	  FROM regexp_split_to_table(coalesce(s, ''), E'\r?\n') WITH ORDINALITY AS x(l, n)
	 WHERE btrim(l) <> ''
$$;

CREATE OR REPLACE FUNCTION duban_notice_colour_label(c text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE c WHEN 'blue' THEN '蓝色' WHEN 'yellow' THEN '黄色' WHEN 'red' THEN '红色' END
$$;

CREATE OR REPLACE FUNCTION duban_notice_colour_rank(c text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE c WHEN 'blue' THEN 1 WHEN 'yellow' THEN 2 WHEN 'red' THEN 3 ELSE 0 END
$$;

CREATE OR REPLACE FUNCTION duban_notice_trigger_label(t text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE t WHEN 'overdue' THEN '逾期未完成' WHEN 'due_soon' THEN '临期未完成'
		      WHEN 'late_report' THEN '逾期未报' WHEN 'manual' THEN '局办公室交办' END
$$;

-- 督〔2012〕7号
CREATE OR REPLACE FUNCTION duban_notice_number(p_year int, p_seq int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '督〔' || p_year || '〕' || p_seq || '号'
$$;

-- 督查通报〔2012〕第3期
CREATE OR REPLACE FUNCTION duban_bulletin_number(p_year int, p_seq int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '督查通报〔' || p_year || '〕第' || p_seq || '期'
$$;

-- The next number of an organisation's documents of a kind in a year:
-- the counter's row stays locked until the caller's transaction ends,
-- so two issues never share a number, and a rolled-back issue leaves no
-- gap.
CREATE OR REPLACE FUNCTION duban_notice_next(p_org bigint, p_kind text, p_year int)
RETURNS int LANGUAGE sql AS $$
	INSERT INTO notice_counter AS c (org_id, kind, year, last)
	VALUES (p_org, p_kind, p_year, 1)
	ON CONFLICT (org_id, kind, year) DO UPDATE SET last = c.last + 1
	RETURNING last
$$;

-- The moment the sweep writes for a day: now, when today is that day;
-- otherwise (a clock set by DUBAN_NOW, a sweep of a past day) the start
-- of the day in Beijing.
CREATE OR REPLACE FUNCTION duban_notice_sweep_at(p_today date) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN (now() AT TIME ZONE 'Asia/Shanghai')::date = p_today THEN now()
		    ELSE p_today::timestamp AT TIME ZONE 'Asia/Shanghai' END
$$;

-- ------------------------------------------------------------------
-- The rules: when items escalate, how the colour climbs.
--
--   on_overdue      a milestone past its date and not done     (yes)
--   soon_days       a milestone not done this many working days
--                   before its date (临期); 0: never             (3)
--   on_late_report  an office 逾期未报 in an open round          (yes)
--   yellow_days     蓝 -> 黄 after this many working days open   (5)
--   red_days        黄 -> 红 after this many working days open   (10)
--   feedback_days   反馈 due this many working days after issue  (3)

CREATE OR REPLACE FUNCTION duban_notice_rule_defaults(p_plan bigint) RETURNS notice_rule
LANGUAGE sql IMMUTABLE AS $$
	SELECT ROW(p_plan, true, 3, true, 5, 10, 3, NULL, NULL)::notice_rule
$$;

CREATE OR REPLACE FUNCTION duban_notice_rules(p_plan bigint) RETURNS notice_rule
LANGUAGE sql STABLE AS $$
	SELECT coalesce((SELECT r FROM notice_rule r WHERE r.plan_id = p_plan),
	    duban_notice_rule_defaults(p_plan))
$$;

CREATE OR REPLACE FUNCTION duban_notice_rules_json(p plan) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('plan', p.key, 'plan_title', p.title,
	    'on_overdue', r.on_overdue, 'soon_days', r.soon_days,
	    'on_late_report', r.on_late_report, 'yellow_days', r.yellow_days,
	    'red_days', r.red_days, 'feedback_days', r.feedback_days,
	    'default', r.updated_at IS NULL, 'updated_at', r.updated_at,
	    'updated_by', r.updated_by,
	    'history', (SELECT coalesce(json_agg(json_build_object('at', c.at, 'by', c.actor,
				'from', c.old_rules, 'to', c.new_rules) ORDER BY c.at DESC, c.id DESC),
				'[]')
			  FROM notice_rule_change c WHERE c.plan_id = p.id))
	  FROM duban_notice_rules(p.id) r
$$;

-- The six rules of r as notice_rule_change keeps them.
CREATE OR REPLACE FUNCTION duban_notice_rules_doc(r notice_rule) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('on_overdue', r.on_overdue, 'soon_days', r.soon_days,
	    'on_late_report', r.on_late_report, 'yellow_days', r.yellow_days,
	    'red_days', r.red_days, 'feedback_days', r.feedback_days)
$$;

-- GET /api/v1/duban-notices/rules?plan=KEY (p_body NULL), and PUT with
-- any of the rules' fields (the general office): 200 with the rules.
CREATE OR REPLACE FUNCTION duban_api_notice_rules(p_token text, p_plan text, p_body jsonb,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	p	plan;
	r	notice_rule;
	k	text;
	v	jsonb;
	v_old	jsonb;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
	END IF;
	-- Another organisation's plan is not there (tenants).
	SELECT * INTO p FROM plan x WHERE (x.key = p_plan OR x.id::text = p_plan)
	   AND duban_tok_sees_plan(tok, x.id)
	 ORDER BY x.id LIMIT 1;
	IF p.id IS NULL THEN
		RETURN duban_api_problem(404, '计划不存在',
		    '没有键或编号为“' || coalesce(p_plan, '') || '”的计划', 'plan');
	END IF;
	IF p_body IS NULL THEN
		RETURN json_build_object('status', 200, 'body', duban_notice_rules_json(p));
	END IF;
	IF tok.role <> 'general' THEN
		RETURN duban_api_problem(403, '无权修改督办规则', '督办规则由局办公室设置');
	END IF;
	r := duban_notice_rules(p.id);
	v_old := duban_notice_rules_doc(r);
	FOR k, v IN SELECT * FROM jsonb_each(p_body) LOOP
		IF k IN ('on_overdue', 'on_late_report') THEN
			IF jsonb_typeof(v) <> 'boolean' THEN
				RETURN duban_api_problem(400, '督办规则有误', k || ' 应为 true 或 false', k);
			END IF;
		ELSIF k IN ('soon_days', 'yellow_days', 'red_days', 'feedback_days') THEN
			IF jsonb_typeof(v) <> 'number' OR v::text !~ '^[0-9]{1,3}$'
			   OR (k = 'soon_days' AND v::int > 60)
			   OR (k IN ('yellow_days', 'red_days') AND (v::int < 1 OR v::int > 250))
			   OR (k = 'feedback_days' AND (v::int < 1 OR v::int > 60)) THEN
				RETURN duban_api_problem(400, '督办规则有误', k || ' 应为' ||
				    CASE k WHEN 'soon_days' THEN ' 0 至 60 的整数（工作日；0 为不发临期督办单）'
					   WHEN 'feedback_days' THEN ' 1 至 60 的整数（工作日）'
					   ELSE ' 1 至 250 的整数（工作日）' END, k);
			END IF;
		ELSE
			RETURN duban_api_problem(400, '督办规则有误', '不认识的字段 ' || k, k);
		END IF;
	END LOOP;
	r.on_overdue := coalesce((p_body->>'on_overdue')::boolean, r.on_overdue);
	r.on_late_report := coalesce((p_body->>'on_late_report')::boolean, r.on_late_report);
	r.soon_days := coalesce((p_body->>'soon_days')::int, r.soon_days);
	r.yellow_days := coalesce((p_body->>'yellow_days')::int, r.yellow_days);
	r.red_days := coalesce((p_body->>'red_days')::int, r.red_days);
	r.feedback_days := coalesce((p_body->>'feedback_days')::int, r.feedback_days);
	IF r.red_days <= r.yellow_days THEN
		RETURN duban_api_problem(400, '督办规则有误', '转红色的工作日数（red_days ' ||
		    r.red_days || '）应大于转黄色的（yellow_days ' || r.yellow_days || '）',
		    CASE WHEN p_body ? 'red_days' THEN 'red_days' ELSE 'yellow_days' END);
	END IF;
	INSERT INTO notice_rule (plan_id, on_overdue, soon_days, on_late_report, yellow_days,
	    red_days, feedback_days, updated_at, updated_by)
	VALUES (p.id, r.on_overdue, r.soon_days, r.on_late_report, r.yellow_days, r.red_days,
	    r.feedback_days, p_now, tok.label)
	ON CONFLICT (plan_id) DO UPDATE SET on_overdue = EXCLUDED.on_overdue,
	    soon_days = EXCLUDED.soon_days, on_late_report = EXCLUDED.on_late_report,
	    yellow_days = EXCLUDED.yellow_days, red_days = EXCLUDED.red_days,
	    feedback_days = EXCLUDED.feedback_days, updated_at = EXCLUDED.updated_at,
	    updated_by = EXCLUDED.updated_by;
	-- Kept, old and new, when anything changed.
	IF duban_notice_rules_doc(r) <> v_old THEN
		INSERT INTO notice_rule_change (plan_id, at, actor, token_id, account_id,
		    old_rules, new_rules)
		VALUES (p.id, p_now, tok.label, tok.id, tok.account_id, v_old,
		    duban_notice_rules_doc(r));
	END IF;
	RETURN json_build_object('status', 200, 'body', duban_notice_rules_json(p));
END $$;

-- ------------------------------------------------------------------
-- Notices: what escalates, and whether it still stands.

-- Items that escalate on p_today and have no notice for that yet:
--   overdue      a milestone not done whose date is before p_today (a
--                task with subtasks: its own 完成时限 is theirs, not
--                counted twice)
--   due_soon     a milestone not done, p_today at or after the working
--                day soon_days working days before its date
--   late_report  an office of an open round that had not reported by
--                the round's date (逾期未报, as of the start of p_today)
-- Tasks withdrawn, done, or without a lead office (no 承办处室) are left
-- out.  The plan of a round is its first.
CREATE OR REPLACE FUNCTION duban_notice_items_due(p_today date)
RETURNS TABLE (trigger text, plan_id bigint, task_id bigint, milestone_id bigint,
    dispatch_id bigint, office_id bigint, due_on date)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
BEGIN
	-- Set-based, for a province's million milestones: each plan's rules
	-- read once, 临期 as a date bound per plan (the milestones due from
	-- p_today to soon_to, a range of milestone_due); a date d is within
	-- soon_days working days when seq(d) <= seq(p_today) + soon_days,
	-- which is duban_workday_add(d, -soon_days) <= p_today.  A task's
	-- status is judged once, and only for the items left.
	RETURN QUERY
	WITH rules AS MATERIALIZED (
		SELECT p.id AS pid, r.on_overdue,
		       CASE WHEN r.soon_days > 0 THEN (SELECT max(w.day) FROM workday_seq w
			   WHERE w.seq = (SELECT s.seq FROM workday_seq s WHERE s.day = p_today)
					 + r.soon_days) END AS soon_to
		  FROM plan p CROSS JOIN LATERAL duban_notice_rules(p.id) r
	), cand AS MATERIALIZED (
		-- Overdue: read only when some plan issues them.
		SELECT 'overdue' AS trg, t.plan_id AS pid, t.id AS tid, m.id AS mid,
		       m.due_on AS due, m.kind
		  FROM milestone m
		  JOIN task t ON t.id = m.task_id
		  JOIN rules r ON r.pid = t.plan_id
		 WHERE m.due_on < p_today AND r.on_overdue
		   AND EXISTS (SELECT 1 FROM rules x WHERE x.on_overdue)
		   AND m.withdrawn_at IS NULL AND m.status <> 'done'
		UNION ALL
		-- 临期: the milestones due from p_today to the furthest bound.
		SELECT 'due_soon', t.plan_id, t.id, m.id, m.due_on, m.kind
		  FROM milestone m
		  JOIN task t ON t.id = m.task_id
		  JOIN rules r ON r.pid = t.plan_id
		 WHERE m.due_on >= p_today AND m.due_on <= r.soon_to
		   AND m.due_on <= (SELECT max(x.soon_to) FROM rules x)
		   AND m.withdrawn_at IS NULL AND m.status <> 'done'
	), live AS MATERIALIZED (
		SELECT c.trg, c.pid, c.tid, c.mid, l.office_id AS oid, c.due
		  FROM cand c
		  JOIN task t ON t.id = c.tid
		  JOIN task_lead l ON l.task_id = t.id
		 WHERE t.withdrawn_at IS NULL AND l.office_id IS NOT NULL
		   AND NOT (c.kind = 'deadline' AND EXISTS (SELECT 1 FROM task s
				WHERE s.parent_id = t.id AND s.withdrawn_at IS NULL))
	), todo AS MATERIALIZED (
		SELECT c.* FROM live c
		 WHERE NOT EXISTS (SELECT 1 FROM notice n WHERE n.milestone_id = c.mid
				     AND n.trigger = c.trg)
	), st AS MATERIALIZED (
		SELECT x.tid, duban_task_status(x.tid, p_today) AS status
		  FROM (SELECT DISTINCT d.tid FROM todo d) x
	)
	SELECT d.trg, d.pid, d.tid, d.mid, NULL::bigint, d.oid, d.due
	  FROM todo d JOIN st ON st.tid = d.tid
	 WHERE st.status <> 'done';

	RETURN QUERY
	SELECT 'late_report'::text, y.pid, NULL::bigint, NULL::bigint, y.did, o.office_id, y.due
	  FROM (SELECT d.id AS did, d.due_on AS due, (SELECT min(dp.plan_id) FROM dispatch_plan dp
						       WHERE dp.dispatch_id = d.id) AS pid
		  FROM dispatch d
		 WHERE d.closed_at IS NULL AND d.due_on < p_today) y
	 CROSS JOIN LATERAL duban_dispatch_offices(y.did,
		 p_today::timestamp AT TIME ZONE 'Asia/Shanghai') o
	 WHERE o.state = 'late' AND (duban_notice_rules(y.pid)).on_late_report
	   AND NOT EXISTS (SELECT 1 FROM notice n WHERE n.trigger = 'late_report'
			    AND n.dispatch_id = y.did AND n.office_id = o.office_id);
END $$;

-- Whether a notice's item still stands on p_today (its colour climbs
-- while it does): the milestone (or, by hand without one, the task) not
-- done and not withdrawn; the office not yet reported in a round still
-- open.  NULL when it stands, else why it no longer does.
CREATE OR REPLACE FUNCTION duban_notice_ended(n notice, p_today date) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	m	milestone;
	t	task;
	d	dispatch;
	v_state	text;
BEGIN
	IF n.trigger = 'late_report' THEN
		SELECT * INTO d FROM dispatch WHERE id = n.dispatch_id;
		SELECT o.state INTO v_state
		  FROM duban_dispatch_offices(d.id, (p_today + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') o
		 WHERE o.office_id = n.office_id;
		IF duban_dispatch_state_reported(v_state) THEN
			RETURN '已补报进展';
		ELSIF d.closed_at IS NOT NULL THEN
			RETURN '调度已结束';
		END IF;
		RETURN NULL;
	END IF;
	SELECT * INTO t FROM task WHERE id = n.task_id;
	IF t.withdrawn_at IS NOT NULL THEN
		RETURN '任务已撤销';
	END IF;
	IF n.milestone_id IS NOT NULL THEN
		SELECT * INTO m FROM milestone WHERE id = n.milestone_id;
		IF m.withdrawn_at IS NOT NULL THEN
			RETURN '节点已撤销';
		ELSIF m.status = 'done' THEN
			RETURN '节点已完成';
		ELSIF n.trigger = 'due_soon' AND m.due_on < p_today THEN
			-- The next level: the overdue notice the sweep issues.
			RETURN '节点已逾期，转为逾期督办';
		END IF;
	END IF;
	IF duban_task_status(t.id, p_today) = 'done' THEN
		RETURN '任务已完成';
	END IF;
	RETURN NULL;
END $$;

-- The colour a notice has reached on p_today: 蓝 when issued, 黄 after
-- yellow_days working days, 红 after red_days (its plan's rules).
CREATE OR REPLACE FUNCTION duban_notice_colour_on(n notice, p_today date) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN x.days >= r.red_days THEN 'red'
		    WHEN x.days >= r.yellow_days THEN 'yellow' ELSE 'blue' END
	  FROM (SELECT coalesce((SELECT w.seq FROM workday_seq w WHERE w.day = p_today), 0)
		     - coalesce((SELECT w.seq FROM workday_seq w WHERE w.day = n.issued_on), 0)
		     AS days) x,
	       duban_notice_rules(n.plan_id) r
$$;

-- What a notice says unless the general office writes it: 督办事项,
-- 督办依据, 办理时限, 反馈要求 (and the date it names).
CREATE OR REPLACE FUNCTION duban_notice_texts(p_trigger text, p_plan bigint, p_task bigint,
    p_milestone bigint, p_dispatch bigint, p_today date,
    OUT matter text, OUT basis text, OUT handle_by date, OUT feedback_by date,
    OUT feedback text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	p	plan;
	t	task;
	m	milestone;
	d	dispatch;
	v_go	text;
BEGIN
	SELECT * INTO p FROM plan WHERE id = p_plan;
	SELECT * INTO t FROM task WHERE id = p_task;
	SELECT * INTO m FROM milestone WHERE id = p_milestone;
	SELECT * INTO d FROM dispatch WHERE id = p_dispatch;
	v_go := coalesce((SELECT name FROM office WHERE id = duban_general_office(p.id)), '局办公室');
	feedback_by := duban_workday_add(p_today, (duban_notice_rules(p.id)).feedback_days);
	basis := '《' || p.title || '》' || coalesce('（' || p.document_number || '）', '') ||
	    CASE WHEN t.id IS NOT NULL THEN '第' || t.label || '项“' || t.title || '”' ELSE '' END ||
	    CASE WHEN d.id IS NOT NULL THEN '；' || d.title || '（要求' || duban_cn_date(d.due_on) ||
		'前报送）' ELSE '' END;
	matter := CASE p_trigger
	    WHEN 'overdue' THEN '任务' || t.label || '“' || t.title || '”的节点“' || m.title ||
		'”完成时限为' || duban_cn_date(m.due_on) || '，至' || duban_cn_date(p_today) ||
		'仍未完成，已逾期' || (p_today - m.due_on) || '天。'
	    WHEN 'due_soon' THEN '任务' || t.label || '“' || t.title || '”的节点“' || m.title ||
		'”将于' || duban_cn_date(m.due_on) || '到期，目前尚未完成。'
	    WHEN 'late_report' THEN '“' || d.title || '”要求各处室于' || duban_cn_date(d.due_on) ||
		'前报送工作进展，贵处室逾期未报。'
	    ELSE '任务' || t.label || '“' || t.title || '”' ||
		coalesce('的节点“' || m.title || '”', '') || '的落实情况。' END;
	handle_by := CASE WHEN p_trigger = 'due_soon' THEN m.due_on ELSE feedback_by END;
	feedback := CASE WHEN p_trigger = 'late_report' THEN
		'请于' || duban_cn_date(feedback_by) || '前在督办系统中补报本轮工作进展，并书面说明逾期未报的原因，报' || v_go || '。'
	    ELSE '请于' || duban_cn_date(feedback_by) || '前将办理情况（进展、存在问题和下一步措施）书面反馈' ||
		v_go || '；办结后及时在督办系统中更新进展。' END;
END $$;

-- Issues one notice, numbered, with its 'issued' event.  Texts left
-- NULL are duban_notice_texts'.
CREATE OR REPLACE FUNCTION duban_notice_insert(p_trigger text, p_plan bigint, p_task bigint,
    p_milestone bigint, p_dispatch bigint, p_office bigint, p_matter text, p_basis text,
    p_handle_by date, p_feedback text, p_today date, p_at timestamptz, p_actor text,
    p_role text, p_token bigint, p_account bigint, p_actor_office bigint)
RETURNS notice LANGUAGE plpgsql AS $$
DECLARE
	x	record;
	n	notice;
	v_org	bigint := (SELECT org_id FROM plan WHERE id = p_plan);
	v_year	int := extract(year FROM p_today)::int;
BEGIN
	x := duban_notice_texts(p_trigger, p_plan, p_task, p_milestone, p_dispatch, p_today);
	INSERT INTO notice (org_id, year, seq, trigger, plan_id, task_id, milestone_id, dispatch_id,
	    office_id, matter, basis, handle_by, feedback, feedback_by, colour, issued_on,
	    issued_at, issued_by, token_id)
	VALUES (v_org, v_year, duban_notice_next(v_org, 'notice', v_year), p_trigger, p_plan,
	    p_task, p_milestone, p_dispatch, p_office, coalesce(p_matter, x.matter),
	    coalesce(p_basis, x.basis), coalesce(p_handle_by, x.handle_by),
	    coalesce(p_feedback, x.feedback), x.feedback_by, 'blue', p_today, p_at, p_actor,
	    p_token)
	RETURNING * INTO n;
	INSERT INTO notice_event (notice_id, at, action, colour, actor, role, office_id,
	    token_id, account_id, note)
	VALUES (n.id, p_at, 'issued', 'blue', p_actor, p_role, p_actor_office, p_token,
	    p_account, duban_notice_number(n.year, n.seq) || ' ' ||
	    duban_notice_trigger_label(n.trigger));
	PERFORM duban_notice_enqueue(n, p_today);
	RETURN n;
END $$;

-- What a task's history says of a notice issued in p_colour:
-- 督〔2012〕7号（蓝色督办，逾期未完成）承办处室：人事处；办理时限：2012年10月15日前
-- (duban_task_history_json, 69-bulletins.sql).
CREATE OR REPLACE FUNCTION duban_notice_history_text(n notice, p_colour text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT duban_notice_number(n.year, n.seq) || '（' || duban_notice_colour_label(p_colour)
	    || '督办，' || duban_notice_trigger_label(n.trigger) || '）承办处室：'
	    || (SELECT name FROM office WHERE id = n.office_id) || '；办理时限：'
	    || duban_cn_date(n.handle_by) || '前'
$$;

-- Sends an issued notice to its 承办处室 through the outbox: a reminder of
-- kind 'notice' (lib/remind/render.c words it), to the office's
-- recipients (duban_reminder_recipients), with the task's 红黄绿灯 on
-- p_today.  Once per notice.  Sent on p_today when it is a working day;
-- else it waits for the next, whose sweep (75-sweep.sql) gives it its
-- deliveries, as every reminder is sent on working days only.
CREATE OR REPLACE FUNCTION duban_notice_enqueue(n notice, p_today date) RETURNS int
LANGUAGE plpgsql AS $$
BEGIN
	RETURN duban_notice_enqueue_lit(n, p_today, CASE WHEN n.task_id IS NOT NULL THEN
	    duban_reminder_light(n.task_id, p_today) END);
END $$;

-- The same with the task's light given (p_light: duban_reminder_light of
-- its task on p_today; NULL without a task): the sweep reads each task's
-- once for all its notices.
CREATE OR REPLACE FUNCTION duban_notice_enqueue_lit(n notice, p_today date, p_light jsonb)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	v_key	text := 'notice.n' || n.id;
	v_send	date := coalesce((SELECT min(w.day) FROM workday_seq w
				   WHERE w.is_workday AND w.day >= p_today), p_today);
	v_light	jsonb := p_light;
BEGIN
	INSERT INTO reminder (key, kind, plan_id, office_id, milestone_id, period, send_on,
	    subject, payload)
	SELECT v_key, 'notice', n.plan_id, n.office_id, n.milestone_id, 'n' || n.id, v_send,
	       '【督办单】' || duban_notice_number(n.year, n.seq) || ' ' || coalesce(v_light->>'tag', '')
	       || coalesce((SELECT t.label || ' ' || t.title FROM task t WHERE t.id = n.task_id),
			   (SELECT d.title FROM dispatch d WHERE d.id = n.dispatch_id), ''),
	       json_build_object('kind', 'notice', 'key', v_key,
		   'plan', (SELECT duban_plan_json(p) FROM plan p WHERE p.id = n.plan_id),
		   'office', (SELECT name FROM office WHERE id = n.office_id),
		   'task', (SELECT json_build_object('id', t.id, 'number', t.label, 'title', t.title)
			      FROM task t WHERE t.id = n.task_id),
		   'notice', duban_notice_json(n, NULL::api_token)::jsonb - 'history'
			     - 'may_acknowledge' - 'plan',
		   'light', v_light, 'send_on', v_send)
	ON CONFLICT (key) DO NOTHING;
	IF v_send > p_today THEN
		RETURN 0;
	END IF;
	RETURN duban_reminder_deliver_now(v_key);	-- 65-assignments.sql
END $$;

-- The sweep's part (75-sweep.sql): issues the notices due on p_today,
-- closes those whose item no longer stands, and steps the colour of the
-- others.  Idempotent: a second run the same day changes nothing.
-- Notices are issued on working days only (China's calendar, 40-calendar.sql:
-- weekends and holidays off, a 调休 Saturday or Sunday worked): an item
-- that comes due on a day off is issued by the next working day's sweep,
-- so the notice is dated that day (issued_on, its number's year), judged
-- as of it, and its 办理时限 and 反馈 counted in working days from it;
-- a day off's sweep only closes and colours the open ones.
-- Set-based (a province's first sweep issues ~100,000 at once): the
-- notices are numbered in the order of their items (due date, trigger,
-- milestone, round, office) from each organisation's notice_counter,
-- and judged with each task's status read once.
CREATE OR REPLACE FUNCTION duban_notice_sweep(p_today date, p_at timestamptz)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_issued	int := 0;
	v_colour	int := 0;
	v_closed	int := 0;
	v_year		int := extract(year FROM p_today)::int;
	v_ids		bigint[];
BEGIN
	-- Ids in the items' order, and each organisation's numbers after its
	-- counter's last, in the same order (nextval above the sorted
	-- subquery: one number a row, as the rows come).
	WITH items AS MATERIALIZED (
		SELECT y.*, nextval(pg_get_serial_sequence('notice', 'id')) AS id
		  FROM (SELECT x.*, row_number() OVER (PARTITION BY x.org_id ORDER BY x.k) AS rn,
			       count(*) OVER (PARTITION BY x.org_id) AS cnt
			  FROM (SELECT row_number() OVER (ORDER BY i.due_on, i.trigger,
					i.milestone_id, i.dispatch_id, i.office_id) AS k,
				       i.*, p.org_id
				  FROM duban_notice_items_due(p_today) i
				  LEFT JOIN plan p ON p.id = i.plan_id
				 -- None on a day off (a one-time filter: not even
				 -- looked for).
				 WHERE coalesce(duban_is_workday(p_today), true)) x
			 ORDER BY x.k) y
	), ctr AS (
		INSERT INTO notice_counter AS c (org_id, kind, year, last)
		SELECT i.org_id, 'notice', v_year, count(*)
		  FROM items i GROUP BY i.org_id ORDER BY i.org_id
		ON CONFLICT (org_id, kind, year) DO UPDATE SET last = c.last + EXCLUDED.last
		RETURNING c.org_id, c.last
	), ins AS (
		INSERT INTO notice (id, org_id, year, seq, trigger, plan_id, task_id, milestone_id,
		    dispatch_id, office_id, matter, basis, handle_by, feedback, feedback_by, colour,
		    issued_on, issued_at, issued_by, token_id)
		SELECT i.id, i.org_id, v_year, (ctr.last - i.cnt + i.rn)::int, i.trigger, i.plan_id,
		       i.task_id, i.milestone_id, i.dispatch_id, i.office_id, x.matter, x.basis,
		       x.handle_by, x.feedback, x.feedback_by, 'blue', p_today, p_at, '督办系统', NULL
		  FROM items i
		  LEFT JOIN ctr ON ctr.org_id = i.org_id
		 CROSS JOIN LATERAL duban_notice_texts(i.trigger, i.plan_id, i.task_id,
			i.milestone_id, i.dispatch_id, p_today) x
		 ORDER BY i.id
		RETURNING notice.id, notice.year, notice.seq, notice.trigger
	), ev AS (
		INSERT INTO notice_event (notice_id, at, action, colour, actor, role, office_id,
		    token_id, account_id, note)
		SELECT ins.id, p_at, 'issued', 'blue', '督办系统', 'system', NULL, NULL, NULL,
		       duban_notice_number(ins.year, ins.seq) || ' ' ||
		       duban_notice_trigger_label(ins.trigger)
		  FROM ins ORDER BY ins.id
		RETURNING 1
	)
	SELECT count(*), coalesce(array_agg(ins.id ORDER BY ins.id), '{}') INTO v_issued, v_ids
	  FROM ins;
	-- Each to its 承办处室 through the outbox.
	PERFORM sum(z.r) FROM (
		WITH lit AS MATERIALIZED (
			SELECT x.task_id, duban_reminder_light(x.task_id, p_today) AS light
			  FROM (SELECT DISTINCT n.task_id FROM notice n
				 WHERE n.id = ANY (v_ids) AND n.task_id IS NOT NULL) x
		)
		SELECT duban_notice_enqueue_lit(n, p_today, lit.light) AS r
		  FROM notice n LEFT JOIN lit ON lit.task_id = n.task_id
		 WHERE n.id = ANY (v_ids) ORDER BY n.id) z;

	-- The open notices judged: why each no longer stands (NULL: it does),
	-- else the colour it has reached.
	WITH o AS MATERIALIZED (
		SELECT n.* FROM notice n
		 WHERE n.closed_at IS NULL AND n.issued_on <= p_today
		 ORDER BY n.id FOR UPDATE
	), rounds AS MATERIALIZED (
		SELECT x.did, s.office_id, s.state
		  FROM (SELECT DISTINCT o.dispatch_id AS did FROM o
			 WHERE o.trigger = 'late_report') x
		 CROSS JOIN LATERAL duban_dispatch_offices(x.did,
			(p_today + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') s
	), pre AS MATERIALIZED (
		SELECT o.id, o.colour, o.plan_id, o.issued_on, o.task_id,
		       o.trigger = 'late_report' AS is_round,
		       CASE WHEN o.trigger = 'late_report' THEN
				CASE WHEN duban_dispatch_state_reported((SELECT r.state FROM rounds r
					WHERE r.did = o.dispatch_id AND r.office_id = o.office_id))
				     THEN '已补报进展'
				     WHEN d.closed_at IS NOT NULL THEN '调度已结束' END
			    WHEN t.withdrawn_at IS NOT NULL THEN '任务已撤销'
			    WHEN o.milestone_id IS NULL THEN NULL
			    WHEN m.withdrawn_at IS NOT NULL THEN '节点已撤销'
			    WHEN m.status = 'done' THEN '节点已完成'
			    -- The next level: the overdue notice the sweep issues.
			    WHEN o.trigger = 'due_soon' AND m.due_on < p_today
				THEN '节点已逾期，转为逾期督办' END AS why
		  FROM o
		  LEFT JOIN task t ON t.id = o.task_id
		  LEFT JOIN milestone m ON m.id = o.milestone_id
		  LEFT JOIN dispatch d ON d.id = o.dispatch_id
	), st AS MATERIALIZED (
		SELECT x.task_id, duban_task_status(x.task_id, p_today) AS status
		  FROM (SELECT DISTINCT pre.task_id FROM pre
			 WHERE pre.why IS NULL AND NOT pre.is_round) x
	), rules AS MATERIALIZED (
		SELECT x.plan_id, r.yellow_days, r.red_days
		  FROM (SELECT DISTINCT pre.plan_id FROM pre) x
		 CROSS JOIN LATERAL duban_notice_rules(x.plan_id) r
	), judged AS MATERIALIZED (
		SELECT pre.id, pre.colour,
		       coalesce(pre.why, CASE WHEN NOT pre.is_round AND st.status = 'done'
					      THEN '任务已完成' END) AS why,
		       CASE WHEN w.days >= r.red_days THEN 'red'
			    WHEN w.days >= r.yellow_days THEN 'yellow' ELSE 'blue' END AS reached,
		       w.raw
		  FROM pre
		  LEFT JOIN st ON st.task_id = pre.task_id
		  JOIN rules r ON r.plan_id = pre.plan_id
		 CROSS JOIN LATERAL (SELECT
			coalesce((SELECT s.seq FROM workday_seq s WHERE s.day = p_today), 0)
			- coalesce((SELECT s.seq FROM workday_seq s WHERE s.day = pre.issued_on), 0)
			  AS days,
			(SELECT s.seq FROM workday_seq s WHERE s.day = p_today)
			- (SELECT s.seq FROM workday_seq s WHERE s.day = pre.issued_on) AS raw) w
	), ch AS MATERIALIZED (
		SELECT j.id, j.why, j.colour,
		       CASE WHEN j.why IS NULL THEN j.reached END AS up,
		       CASE WHEN j.why IS NULL THEN '签发后' || j.raw || '个工作日仍未办结，升为' ||
			    duban_notice_colour_label(j.reached) || '督办' END AS note
		  FROM judged j
		 WHERE j.why IS NOT NULL
		    OR duban_notice_colour_rank(j.reached) > duban_notice_colour_rank(j.colour)
	), upd AS (
		UPDATE notice n
		   SET closed_at = CASE WHEN ch.why IS NOT NULL THEN p_at ELSE n.closed_at END,
		       colour = coalesce(ch.up, n.colour)
		  FROM ch WHERE n.id = ch.id
		RETURNING n.id
	), ev AS (
		INSERT INTO notice_event (notice_id, at, action, colour, actor, role, note)
		SELECT ch.id, p_at, CASE WHEN ch.why IS NOT NULL THEN 'closed' ELSE 'colour' END,
		       coalesce(ch.up, ch.colour), '督办系统', 'system', coalesce(ch.why, ch.note)
		  FROM ch ORDER BY ch.id
		RETURNING 1
	)
	SELECT count(*) FILTER (WHERE ch.why IS NOT NULL), count(*) FILTER (WHERE ch.why IS NULL)
	  INTO v_closed, v_colour
	  FROM ch;
	RETURN jsonb_build_object('issued', v_issued, 'colour', v_colour, 'closed', v_closed);
END $$;

-- ------------------------------------------------------------------
-- Notices as the API shows them.

-- May the holder of tok see notices of office p_office?  The general
-- office, leaders and inspectors see all within their reach (tenants);
-- an office its own.
CREATE OR REPLACE FUNCTION duban_notice_may_see(tok api_token, p_office bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT (tok.role IN ('general', 'inspector') AND duban_tok_sees_org(tok,
		(SELECT org_id FROM office WHERE id = p_office)))
	    OR tok.office_id = p_office
$$;

-- May the holder of tok sign for notice n?  The 承办处室's people (a
-- clerk, its head) or its own token; once.
CREATE OR REPLACE FUNCTION duban_notice_ack_problem(tok api_token, n notice)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN tok.id IS NULL THEN duban_api_problem(401, '令牌无效或已吊销', '请重新登录')
		WHEN tok.role <> 'office' OR tok.office_id IS DISTINCT FROM n.office_id THEN
			duban_api_problem(403, '无权签收', '督办单由承办处室“' ||
			    (SELECT name FROM office WHERE id = n.office_id) || '”签收')
		WHEN n.acked_at IS NOT NULL THEN
			duban_api_problem(409, '已签收', '这份督办单已由' || n.acked_by || '于' ||
			    to_char(n.acked_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') ||
			    '签收')
	END
$$;

CREATE OR REPLACE FUNCTION duban_notice_json(n notice, tok api_token) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', n.id, 'number', duban_notice_number(n.year, n.seq), 'year', n.year,
		'seq', n.seq, 'trigger', n.trigger,
		'trigger_label', duban_notice_trigger_label(n.trigger),
		'colour', n.colour, 'colour_label', duban_notice_colour_label(n.colour),
		'matter', n.matter, 'basis', n.basis,
		'office', (SELECT name FROM office WHERE id = n.office_id),
		'handle_by', n.handle_by, 'feedback', n.feedback, 'feedback_by', n.feedback_by,
		'issued_on', n.issued_on, 'issued_at', n.issued_at, 'issued_by', n.issued_by,
		'issuer', coalesce((SELECT name FROM office WHERE id = duban_general_office(n.plan_id)),
		    '局办公室'),
		'organisation', (SELECT name FROM organisation WHERE id = n.org_id),
		'plan', (SELECT duban_plan_json(p) FROM plan p WHERE p.id = n.plan_id),
		'task', (SELECT json_build_object('id', t.id, 'label', t.label, 'title', t.title)
			   FROM task t WHERE t.id = n.task_id),
		'milestone', (SELECT json_build_object('id', m.id, 'title', m.title,
				'due_on', m.due_on, 'status', m.status)
				FROM milestone m WHERE m.id = n.milestone_id),
		'dispatch', (SELECT json_build_object('id', d.id, 'title', d.title, 'due_on', d.due_on)
			       FROM dispatch d WHERE d.id = n.dispatch_id),
		'state', CASE WHEN n.closed_at IS NULL THEN 'open' ELSE 'closed' END,
		'closed_at', n.closed_at,
		'acknowledged', CASE WHEN n.acked_at IS NOT NULL THEN json_build_object(
			'at', n.acked_at, 'by', n.acked_by, 'role', n.acked_role) END,
		'may_acknowledge', tok.id IS NOT NULL AND duban_notice_ack_problem(tok, n) IS NULL,
		'history', (SELECT coalesce(json_agg(json_build_object('at', e.at,
				'action', e.action, 'colour', e.colour, 'by', e.actor, 'role', e.role,
				'office', (SELECT name FROM office WHERE id = e.office_id),
				'note', e.note) ORDER BY e.at, e.id), '[]')
			      FROM notice_event e WHERE e.notice_id = n.id))
$$;

-- GET /api/v1/duban-notices?office=&year=: the notices the caller may
-- see, newest first; an office asking for another's is refused.
CREATE OR REPLACE FUNCTION duban_api_notices(p_token text, p_office text, p_year text)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok		api_token;
	v_office	bigint;
	v_year		int;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
	END IF;
	IF p_year IS NOT NULL THEN
		IF p_year !~ '^[0-9]{4}$' THEN
			RETURN duban_api_problem(400, '年度有误', 'year 应为四位年份，如 2012', 'year');
		END IF;
		v_year := p_year::int;
	END IF;
	IF p_office IS NOT NULL THEN
		SELECT min(m.id) INTO v_office FROM duban_office_match(p_office, NULL) m;
		IF v_office IS NULL THEN
			RETURN duban_api_problem(404, '处室不存在', '没有名为“' || p_office || '”的处室',
			    'office');
		END IF;
		IF NOT duban_notice_may_see(tok, v_office) THEN
			RETURN duban_api_problem(403, '无权查看', '处室只能查看发给本处室的督办单', 'office');
		END IF;
	ELSIF tok.role = 'office' THEN
		v_office := tok.office_id;
	END IF;
	RETURN json_build_object('status', 200, 'body', json_build_object(
	    'notices', coalesce((SELECT json_agg(duban_notice_json(n, tok)
				ORDER BY n.issued_at DESC, n.id DESC)
			FROM notice n
		       WHERE (v_office IS NULL OR n.office_id = v_office)
			 AND (v_year IS NULL OR n.year = v_year)
			 AND duban_notice_may_see(tok, n.office_id)), '[]'),
	    'may_issue', tok.role = 'general'));
END $$;

-- GET /api/v1/duban-notices/{id}: the notice, or 404 / 403.
CREATE OR REPLACE FUNCTION duban_api_notice(p_token text, p_id bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
	n	notice;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
	END IF;
	SELECT * INTO n FROM notice WHERE id = p_id;
	IF n.id IS NULL OR NOT duban_tok_sees_org(tok, n.org_id) THEN
		RETURN duban_api_problem(404, '督办单不存在', '没有编号为 ' || p_id || ' 的督办单');
	END IF;
	IF NOT duban_notice_may_see(tok, n.office_id) THEN
		RETURN duban_api_problem(403, '无权查看', '处室只能查看发给本处室的督办单');
	END IF;
	RETURN json_build_object('status', 200, 'body', duban_notice_json(n, tok));
END $$;

-- The same as a printable document: {status, body: the HTML}.
CREATE OR REPLACE FUNCTION duban_api_notice_html(p_token text, p_id bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	r	json := duban_api_notice(p_token, p_id);
BEGIN
	IF (r->>'status')::int <> 200 THEN
		RETURN r;
	END IF;
	RETURN json_build_object('status', 200, 'body', duban_notice_html((r->'body')::jsonb));
END $$;

-- POST /api/v1/duban-notices (the general office, by hand): {task (id),
-- milestone? (id, of the task), office? (name; default the task's lead
-- office), matter?, basis?, handle_by? (YYYY-MM-DD), feedback?}.  201
-- with the notice.
CREATE OR REPLACE FUNCTION duban_api_notice_issue(p_token text, p_body jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	t		task;
	m		milestone;
	n		notice;
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_office	bigint;
	v_handle	date;
	v_problem	json;
	k		text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
	END IF;
	IF tok.role <> 'general' THEN
		RETURN duban_api_problem(403, '无权签发督办单', '督办单由局办公室（general 角色）签发');
	END IF;
	IF jsonb_typeof(p_body->'task') IS DISTINCT FROM 'number'
	   OR (p_body->>'task') !~ '^[0-9]{1,18}$' THEN
		RETURN duban_api_problem(400, '缺少任务', '请在 task 中给出要督办的任务编号', 'task');
	END IF;
	SELECT * INTO t FROM task WHERE id = (p_body->>'task')::bigint;
	-- Another organisation's task is not there (tenants).
	IF t.id IS NULL OR t.withdrawn_at IS NOT NULL OR NOT duban_tok_sees_task(tok, t.id) THEN
		RETURN duban_api_problem(404, '任务不存在', '没有编号为 ' || (p_body->>'task') ||
		    ' 的任务（或已撤销）', 'task');
	END IF;
	IF p_body ? 'milestone' AND p_body->'milestone' <> 'null'::jsonb THEN
		IF jsonb_typeof(p_body->'milestone') <> 'number'
		   OR (p_body->>'milestone') !~ '^[0-9]{1,18}$' THEN
			RETURN duban_api_problem(400, '节点有误', 'milestone 应为节点编号', 'milestone');
		END IF;
		SELECT * INTO m FROM milestone WHERE id = (p_body->>'milestone')::bigint
		   AND task_id = t.id AND withdrawn_at IS NULL;
		IF m.id IS NULL THEN
			RETURN duban_api_problem(404, '节点不存在', '任务' || t.label ||
			    '没有编号为 ' || (p_body->>'milestone') || ' 的节点', 'milestone');
		END IF;
	END IF;
	IF p_body ? 'office' AND p_body->'office' <> 'null'::jsonb THEN
		SELECT min(o.id) INTO v_office FROM duban_office_match(p_body->>'office', NULL) o
		  JOIN office f ON f.id = o.id JOIN plan p ON p.org_id = f.org_id
		 WHERE p.id = t.plan_id;
		IF v_office IS NULL THEN
			RETURN duban_api_problem(404, '处室不存在', '本单位没有名为“' ||
			    (p_body->>'office') || '”的处室', 'office');
		END IF;
	ELSE
		SELECT l.office_id INTO v_office FROM task_lead l WHERE l.task_id = t.id;
		IF v_office IS NULL THEN
			RETURN duban_api_problem(400, '缺少承办处室',
			    '这项任务未明确牵头处室：请在 office 中指定承办处室', 'office');
		END IF;
	END IF;
	IF p_body ? 'handle_by' AND p_body->'handle_by' <> 'null'::jsonb THEN
		IF jsonb_typeof(p_body->'handle_by') <> 'string'
		   OR (p_body->>'handle_by') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
			RETURN duban_api_problem(400, '办理时限有误', 'handle_by 应为日期（YYYY-MM-DD）',
			    'handle_by');
		END IF;
		BEGIN
			v_handle := (p_body->>'handle_by')::date;
		EXCEPTION WHEN others THEN
			RETURN duban_api_problem(400, '办理时限有误', '“' || (p_body->>'handle_by') ||
			    '”不是有效的日期', 'handle_by');
		END;
		IF v_handle < v_today THEN
			RETURN duban_api_problem(400, '办理时限已过', '办理时限 ' || v_handle ||
			    ' 早于今天 ' || v_today, 'handle_by');
		END IF;
	END IF;
	FOREACH k IN ARRAY ARRAY['matter', 'basis', 'feedback'] LOOP
		v_problem := duban_completion_text_problem(p_body, k, false,
		    CASE k WHEN 'matter' THEN '督办事项' WHEN 'basis' THEN '督办依据' ELSE '反馈要求' END);
		IF v_problem IS NOT NULL THEN
			RETURN v_problem;
		END IF;
	END LOOP;
	n := duban_notice_insert('manual', t.plan_id, t.id, m.id, NULL, v_office,
	    nullif(btrim(p_body->>'matter'), ''), nullif(btrim(p_body->>'basis'), ''), v_handle,
	    nullif(btrim(p_body->>'feedback'), ''), v_today, p_now, tok.label,
	    duban_token_part(tok), tok.id, tok.account_id, tok.office_id);
	RETURN json_build_object('status', 201, 'body', duban_notice_json(n, tok));
END $$;

-- POST /api/v1/duban-notices/{id}/acknowledge {note?}: the 承办处室 signs
-- for it (签收): who and when.  200 with the notice.
CREATE OR REPLACE FUNCTION duban_api_notice_ack(p_token text, p_id bigint, p_body jsonb,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	n		notice;
	v_problem	json;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
	END IF;
	SELECT * INTO n FROM notice WHERE id = p_id FOR UPDATE;
	IF n.id IS NULL OR NOT duban_notice_may_see(tok, n.office_id) THEN
		RETURN duban_api_problem(404, '督办单不存在', '没有编号为 ' || p_id || ' 的督办单');
	END IF;
	v_problem := duban_notice_ack_problem(tok, n);
	IF v_problem IS NOT NULL THEN
		RETURN duban_api_problem((v_problem->>'status')::int, v_problem->>'title',
		    v_problem->>'detail', NULL, duban_notice_json(n, tok));
	END IF;
	v_problem := duban_completion_text_problem(p_body, 'note', false, '签收意见');
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	UPDATE notice SET acked_at = p_now, acked_by = tok.label, acked_role = duban_token_part(tok),
	       acked_token_id = tok.id, acked_account_id = tok.account_id
	 WHERE id = n.id
	RETURNING * INTO n;
	INSERT INTO notice_event (notice_id, at, action, colour, actor, role, office_id,
	    token_id, account_id, note)
	VALUES (n.id, p_now, 'acknowledged', n.colour, tok.label, duban_token_part(tok),
	    tok.office_id, tok.id, tok.account_id, nullif(btrim(p_body->>'note'), ''));
	RETURN json_build_object('status', 200, 'body', duban_notice_json(n, tok));
END $$;

-- ------------------------------------------------------------------
-- Printing: the documents as one self-contained HTML page each, laid out
-- as 公文 (GB/T 9704: A4, 仿宋 body, 黑体 headings, the title in 小标宋,
-- margins 37/26/35/28 mm), printed by the browser as the reports are (the
-- print CSS below, @page A4); on a screen the page is drawn as a sheet.
-- The fonts are named in order with the free CJK fonts as fallbacks.

CREATE OR REPLACE FUNCTION duban_doc_css() RETURNS text
LANGUAGE sql IMMUTABLE AS $css$
	SELECT $$
*{box-sizing:border-box;-webkit-print-color-adjust:exact;print-color-adjust:exact}
@page{size:A4;margin:37mm 26mm 35mm 28mm}
html{background:#e8e8e8}
body{margin:0;color:#000;font-family:"FangSong","仿宋","FangSong_GB2312","仿宋_GB2312","STFangsong","Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;font-size:16pt;line-height:1.75}
.sheet{background:#fff;width:210mm;max-width:100%;margin:8mm auto;padding:37mm 26mm 35mm 28mm;box-shadow:0 1px 6px rgba(0,0,0,.25)}
h1,.title{font-family:"FZXiaoBiaoSong-B05S","方正小标宋简体","STZhongsong","Noto Serif CJK SC","Source Han Serif SC","SimSun",serif;font-weight:700;font-size:22pt;line-height:1.45;text-align:center;margin:0 0 1em}
h2{font-family:"SimHei","黑体","STHeiti","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei",sans-serif;font-weight:400;font-size:16pt;margin:0;text-indent:2em}
h3{font-family:"KaiTi","楷体","STKaiti","Noto Serif CJK SC",serif;font-weight:700;font-size:16pt;margin:0;text-indent:2em}
p{margin:0;text-indent:2em;text-align:justify}
p.to,p.flush{text-indent:0}
.red-head{color:#c00;text-align:center;font-family:"FZXiaoBiaoSong-B05S","方正小标宋简体","Noto Serif CJK SC","SimSun",serif;font-weight:700;font-size:34pt;letter-spacing:.3em;line-height:1.3;margin:0}
.issue-no{text-align:center;margin:.3em 0 0}
.issue-line{display:flex;justify-content:space-between;margin:.3em 0 0}
.rule{border:0;border-top:2px solid #c00;margin:.4em 0 1.2em}
.rule.black{border-top-color:#000}
.doc-no{text-align:right;margin:0 0 .8em}
.sign{display:flex;justify-content:flex-end;margin:2em 4em 0 0;break-inside:avoid}
.sign div{text-align:center}
.sign p{text-align:center;text-indent:0}
@page notice{margin:25mm 22mm 22mm 24mm}
main.notice{page:notice}
.notice .red-head{font-size:30pt}
.notice .note{margin-top:.6em}
ol.items{margin:0;padding:0 0 0 4em}
.draft-mark{border:2px dashed #c00;color:#c00;text-align:center;text-indent:0;margin:0 0 1em;font-family:"SimHei","Noto Sans CJK SC",sans-serif}
table.form{width:100%;border-collapse:collapse;margin:0 0 1em;table-layout:fixed}
table.form th,table.form td{border:1px solid #000;padding:.3em .6em;vertical-align:top;text-align:left;font-size:14pt;line-height:1.55}
table.form th{width:6.2em;font-family:"SimHei","黑体","Noto Sans CJK SC","Source Han Sans SC",sans-serif;font-weight:400;text-align:center;vertical-align:middle}
.ladder{display:inline-block;padding:0 .6em;border:2px solid currentColor;font-family:"SimHei","黑体","Noto Sans CJK SC",sans-serif}
.ladder.blue{color:#1d4fa0}
.ladder.yellow{color:#7a5b00;background:#ffd84a;border-color:#b88a00}
.ladder.red{color:#fff;background:#c00;border-color:#c00}
.band{height:6mm;margin:0 0 4mm}
.band.blue{background:#1d4fa0}.band.yellow{background:#f2c200}.band.red{background:#c00}
.sig{display:inline-block;min-width:7em;border-bottom:1px solid #000}
.note{font-size:12pt;text-indent:0;color:#333}
@media screen and (max-width:700px){.sheet{margin:0;padding:8mm 5mm;box-shadow:none}body{font-size:14pt}h1,.title{font-size:19pt}.red-head{font-size:24pt}table.form th{width:4.6em}}
@media print{html{background:#fff}.sheet{width:auto;margin:0;padding:0;box-shadow:none}tr,.sign{break-inside:avoid}h2{break-after:avoid}}
$$
$css$;

-- A 督办单 (its JSON, duban_notice_json) as a document.
CREATE OR REPLACE FUNCTION duban_notice_html(n jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
	    || '<meta name="viewport" content="width=device-width, initial-scale=1">'
	    || '<title>' || duban_html(n->>'number') || ' 督办单</title><style>' || duban_doc_css()
	    || '</style></head><body><main class="sheet notice">'
	    || '<div class="band ' || duban_html(n->>'colour') || '"></div>'
	    || '<p class="red-head">督 办 单</p>'
	    || '<div class="issue-line"><span>' || duban_html(n->>'issuer') || '</span><span>'
	    || duban_html(n->>'number') || '</span></div><hr class="rule">'
	    || '<table class="form"><tbody>'
	    || '<tr><th scope="row">督办等级</th><td><span class="ladder ' || duban_html(n->>'colour')
	    || '">' || duban_html(n->>'colour_label') || '督办</span>（'
	    || duban_html(n->>'trigger_label') || '）</td></tr>'
	    || '<tr><th scope="row">督办事项</th><td>' || duban_html(n->>'matter') || '</td></tr>'
	    || '<tr><th scope="row">督办依据</th><td>' || duban_html(n->>'basis') || '</td></tr>'
	    || '<tr><th scope="row">承办处室</th><td>' || duban_html(n->>'office') || '</td></tr>'
	    || '<tr><th scope="row">办理时限</th><td>' || duban_cn_date((n->>'handle_by')::date)
	    || '前</td></tr>'
	    || '<tr><th scope="row">反馈要求</th><td>' || duban_html(n->>'feedback') || '</td></tr>'
	    || '<tr><th scope="row">签发</th><td>' || duban_html(n->>'issuer') || '　'
	    || duban_cn_date((n->>'issued_on')::date) || '</td></tr>'
	    || '<tr><th scope="row">签收</th><td>'
	    || CASE WHEN n->'acknowledged' IS NOT NULL AND n->'acknowledged' <> 'null'::jsonb THEN
		   '签收人：' || duban_html(n#>>'{acknowledged,by}') || '<br>签收时间：'
		   || duban_cn_date(((n#>>'{acknowledged,at}')::timestamptz AT TIME ZONE 'Asia/Shanghai')::date)
		   || ' ' || to_char((n#>>'{acknowledged,at}')::timestamptz AT TIME ZONE 'Asia/Shanghai', 'HH24:MI')
	       ELSE '签收人：<span class="sig"></span><br>签收时间：<span class="sig"></span>' END
	    || '</td></tr></tbody></table>'
	    || '<p class="note">注：督办单按蓝、黄、红三级管理，签发后逾期仍未办结的，依规则逐级升级。'
	    || '请承办处室在督办系统中签收，并按反馈要求报送办理情况。</p>'
	    || '</main></body></html>'
$$;
