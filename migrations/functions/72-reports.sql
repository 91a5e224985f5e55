-- 报送: drafts, an office's report and its steps (submit to the head,
-- 报送, 退回, 采纳).  See migrations/0014-reports.sql for the model.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION duban_draft_json(d draft) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', d.id, 'target_id', d.target_id,
	    'milestone_id', d.milestone_id, 'fields', d.patch, 'base_version', d.base_version,
	    'saved_at', d.saved_at, 'saved_by', d.saved_by, 'saved_role', d.saved_role,
	    'locked', d.report_id IS NOT NULL)
$$;

-- The drafts of a task that p_office may see (its own); none for others.
CREATE OR REPLACE FUNCTION duban_task_drafts_json(p_task bigint, p_office bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(duban_draft_json(d) ORDER BY d.id), '[]')
	  FROM draft d WHERE d.task_id = p_task AND d.office_id = p_office
$$;

-- Saves what a person of an office wrote to a target (p_target) or a
-- milestone (p_milestone) as the office's draft, merged with the draft
-- already there.  The merged fields are checked as a direct write would
-- be.  A draft that comes back to the reported values is dropped.  A
-- draft in a report awaiting the head is locked (409).
--
-- A confirmed value ({"confirm": true}, duban_target_merge) keeps its
-- confirmation in the draft, so that the 报送 does not ask again: the
-- draft's confirm stays while its value does, and goes when a new value
-- comes without one.
CREATE OR REPLACE FUNCTION duban_draft_save(tok api_token, t task, p_target bigint,
    p_milestone bigint, p_patch jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	d		draft;
	g		target;
	m		milestone;
	v		record;
	v_patch		jsonb;
	v_same		boolean;
	v_version	int;
	v_body		jsonb;
BEGIN
	SELECT * INTO d FROM draft x
	 WHERE x.office_id = tok.office_id
	   AND (x.target_id = p_target OR x.milestone_id = p_milestone) FOR UPDATE;
	IF d.report_id IS NOT NULL THEN
		RETURN duban_api_problem(409, '报告待审核，暂不能修改',
		    '本处室的报告已提交处室负责人审核，其中的内容暂不能修改；如需修改，请处室负责人退回后再改');
	END IF;
	v_patch := (coalesce(d.patch, '{}'::jsonb) - 'confirm') || (p_patch - 'confirm');
	IF p_target IS NOT NULL AND (p_patch->'confirm' = 'true'::jsonb
	    OR (d.patch->'confirm' = 'true'::jsonb AND NOT p_patch ? 'current')) THEN
		v_patch := v_patch || '{"confirm": true}';
	END IF;
	IF p_target IS NOT NULL THEN
		SELECT * INTO g FROM target WHERE id = p_target;
		SELECT * INTO v FROM duban_target_merge(g, v_patch);
		IF v.problem IS NOT NULL THEN
			RETURN v.problem;
		END IF;
		v_same := (g.current, g.note, g.outcome, g.problems, g.next_steps, g.coordination)
			  IS NOT DISTINCT FROM
			  (v.current, v.note, v.outcome, v.problems, v.next_steps, v.coordination);
		v_version := g.version;
		v_body := duban_target_json(g, v_today)::jsonb;
	ELSE
		SELECT * INTO m FROM milestone WHERE id = p_milestone;
		SELECT * INTO v FROM duban_milestone_merge(m, v_patch, v_today);
		IF v.problem IS NOT NULL THEN
			RETURN v.problem;
		END IF;
		-- The day it was done is the day the office said so, not the
		-- day of the 报送.
		IF v.status = 'done' AND NOT v_patch ? 'completed_on' THEN
			v_patch := v_patch || jsonb_build_object('completed_on', v.completed_on);
		END IF;
		v_same := (m.status, m.completed_on, m.note, m.outcome, m.evidence_url,
			   m.problems, m.next_steps, m.coordination)
			  IS NOT DISTINCT FROM
			  (v.status, v.completed_on, v.note, v.outcome, v.evidence_url,
			   v.problems, v.next_steps, v.coordination);
		v_version := m.version;
		v_body := duban_milestone_json(m)::jsonb;
	END IF;
	IF v_same THEN
		DELETE FROM draft WHERE id = d.id;
		RETURN json_build_object('status', 200, 'body', v_body || '{"draft": null}');
	END IF;
	IF d.id IS NULL THEN
		INSERT INTO draft (office_id, plan_id, task_id, target_id, milestone_id, patch,
		    base_version, created_at, saved_at, saved_by, saved_role, account_id, token_id)
		VALUES (tok.office_id, t.plan_id, t.id, p_target, p_milestone, v_patch, v_version,
		    p_now, p_now, tok.label, duban_token_part(tok), tok.account_id, tok.id)
		RETURNING * INTO d;
	ELSE
		UPDATE draft SET patch = v_patch, base_version = v_version, saved_at = p_now,
		       saved_by = tok.label, saved_role = duban_token_part(tok),
		       account_id = tok.account_id, token_id = tok.id
		 WHERE id = d.id
		RETURNING * INTO d;
	END IF;
	RETURN json_build_object('status', 200,
	    'body', v_body || jsonb_build_object('draft', duban_draft_json(d)));
END $$;

-- A report's state at p_at: its last step's, or NULL before its first.
CREATE OR REPLACE FUNCTION duban_report_state_at(p_report bigint, p_at timestamptz)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT s.state FROM office_report_step s
	 WHERE s.report_id = p_report AND s.at <= p_at
	 ORDER BY s.at DESC, s.id DESC LIMIT 1
$$;

CREATE OR REPLACE FUNCTION duban_report_state_label(s text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE s WHEN 'submitted' THEN '待审核' WHEN 'returned' THEN '退回'
		      WHEN 'reported' THEN '已报送' WHEN 'accepted' THEN '已采纳'
		      ELSE s END
$$;

CREATE OR REPLACE FUNCTION duban_report_json(r office_report) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', r.id, 'office_id', r.office_id,
	    'office', (SELECT name FROM office WHERE id = r.office_id),
	    'dispatch_id', r.dispatch_id,
	    'dispatch', (SELECT title FROM dispatch WHERE id = r.dispatch_id),
	    'due_on', (SELECT due_on FROM dispatch WHERE id = r.dispatch_id),
	    'state', r.state, 'state_label', duban_report_state_label(r.state),
	    'created_at', r.created_at, 'updated_at', r.updated_at,
	    'reported_at', r.reported_at,
	    'locked_drafts', (SELECT count(*) FROM draft d WHERE d.report_id = r.id),
	    'steps', (SELECT coalesce(json_agg(json_build_object('at', s.at,
			'action', s.action, 'state', s.state,
			'state_label', duban_report_state_label(s.state),
			'actor', s.actor, 'role', s.role,
			'office', (SELECT name FROM office WHERE id = s.office_id),
			'reason', s.reason, 'items', s.items, 'uncovered', s.uncovered)
			ORDER BY s.at, s.id), '[]')
		      FROM office_report_step s WHERE s.report_id = r.id))
$$;

-- What a draft carries, for a step's record: the item, its task and the
-- fields.
CREATE OR REPLACE FUNCTION duban_draft_item(d draft) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('task_id', d.task_id, 'number', t.label,
	    'target_id', d.target_id, 'milestone_id', d.milestone_id,
	    'what', coalesce(g.name, m.title), 'fields', d.patch,
	    'saved_by', d.saved_by, 'saved_at', d.saved_at, 'first_saved_at', d.created_at)
	  FROM task t
	  LEFT JOIN target g ON g.id = d.target_id
	  LEFT JOIN milestone m ON m.id = d.milestone_id
	 WHERE t.id = d.task_id
$$;

-- An office's tasks in a round that neither a draft of this submission
-- nor a direct write since the round opened covers: what 报送 names.
CREATE OR REPLACE FUNCTION duban_report_uncovered(p_dispatch bigint, p_office bigint,
    p_report bigint, p_now timestamptz)
RETURNS jsonb LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('task_id', t.id, 'number', t.label,
		'title', t.title) ORDER BY p.year, p.key, t.position), '[]')
	  FROM task t
	  JOIN plan p ON p.id = t.plan_id
	  JOIN dispatch_plan x ON x.plan_id = t.plan_id AND x.dispatch_id = p_dispatch
	  JOIN task_lead tl ON tl.task_id = t.id AND tl.office_id = p_office
	  JOIN dispatch d ON d.id = p_dispatch
	 WHERE t.withdrawn_at IS NULL
	   AND NOT EXISTS (SELECT 1 FROM task c WHERE c.parent_id = t.id AND c.withdrawn_at IS NULL)
	   AND duban_task_status(t.id, (p_now AT TIME ZONE 'Asia/Shanghai')::date) <> 'done'
	   AND NOT EXISTS (SELECT 1 FROM draft r WHERE r.task_id = t.id AND r.office_id = p_office
			      AND (r.report_id IS NULL OR r.report_id = p_report))
	   AND NOT EXISTS (SELECT 1 FROM progress h WHERE h.task_id = t.id
			      AND h.office_id = p_office AND h.source IN ('api', 'cli')
			      AND h.at >= d.opened_at)
$$;

-- The 报送 itself: every draft the report carries is checked first (so a
-- refusal writes nothing), then written as the person who saved it, with
-- the report's id on its history rows, and dropped.
CREATE OR REPLACE FUNCTION duban_report_apply(r office_report, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	d	draft;
	g	target;
	m	milestone;
	v	record;
BEGIN
	FOR d IN SELECT * FROM draft WHERE report_id = r.id ORDER BY id LOOP
		IF d.target_id IS NOT NULL THEN
			SELECT * INTO g FROM target WHERE id = d.target_id FOR UPDATE;
			SELECT * INTO v FROM duban_target_merge(g, d.patch);
			IF g.withdrawn_at IS NOT NULL THEN
				v.problem := duban_api_problem(409, '已撤销',
				    '指标“' || g.name || '”已从计划中撤销');
			END IF;
		ELSE
			SELECT * INTO m FROM milestone WHERE id = d.milestone_id FOR UPDATE;
			SELECT * INTO v FROM duban_milestone_merge(m, d.patch, v_today);
			IF m.withdrawn_at IS NOT NULL THEN
				v.problem := duban_api_problem(409, '已撤销',
				    '节点“' || m.title || '”已从计划中撤销');
			END IF;
		END IF;
		IF v.problem IS NOT NULL THEN
			RETURN (v.problem::jsonb || jsonb_build_object('detail',
			    '草稿“' || coalesce(g.name, m.title) || '”不能报送：' ||
			    coalesce(v.problem->>'detail', v.problem->>'title')))::json;
		END IF;
	END LOOP;
	FOR d IN SELECT * FROM draft WHERE report_id = r.id ORDER BY id LOOP
		IF d.target_id IS NOT NULL THEN
			SELECT * INTO g FROM target WHERE id = d.target_id;
			SELECT * INTO v FROM duban_target_merge(g, d.patch);
			PERFORM duban_target_write(g, v, d.saved_by, d.office_id, d.token_id, r.id, p_now);
		ELSE
			SELECT * INTO m FROM milestone WHERE id = d.milestone_id;
			SELECT * INTO v FROM duban_milestone_merge(m, d.patch, v_today);
			PERFORM duban_milestone_write(m, v, d.saved_by, d.office_id, d.token_id, r.id,
			    p_now);
		END IF;
	END LOOP;
	DELETE FROM draft WHERE report_id = r.id;
	PERFORM duban_file_submit(r.id, p_now);
	RETURN NULL;
END $$;

-- The office a report route names (p_office: a name, alias or id): in a
-- round, one of the round's offices; outside rounds, preferring the
-- caller's own.
CREATE OR REPLACE FUNCTION duban_report_office(p_dispatch bigint, p_office text,
    p_mine bigint)
RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT o.id FROM duban_office_match(p_office, NULL) o
	 WHERE p_dispatch IS NULL OR EXISTS (SELECT 1 FROM dispatch_office x
					      WHERE x.dispatch_id = p_dispatch
						AND x.office_id = o.id)
	 ORDER BY (o.id = p_mine) DESC NULLS LAST, o.id LIMIT 1
$$;

-- The same, as the holder of tok means it: among the offices within its
-- reach (tenants), its own office first, then those of its own
-- organisation (a county bureau may have a 人事处 as its city has).
CREATE OR REPLACE FUNCTION duban_report_office_for(p_dispatch bigint, p_office text,
    tok api_token)
RETURNS bigint LANGUAGE sql STABLE AS $$
	SELECT o.id FROM office o
	 WHERE (o.name = p_office OR p_office = ANY (o.aliases)
		OR (p_office ~ '^[0-9]{1,18}$' AND o.id = p_office::bigint))
	   AND duban_tok_sees_org(tok, o.org_id)
	   AND (p_dispatch IS NULL OR EXISTS (SELECT 1 FROM dispatch_office x
					       WHERE x.dispatch_id = p_dispatch
						 AND x.office_id = o.id))
	 ORDER BY (o.id = tok.office_id) DESC NULLS LAST, (o.org_id = tok.org_id) DESC NULLS LAST,
		  o.id
	 LIMIT 1
$$;


-- POST /api/v1/dispatches/{id}/offices/{office}/submit|return|accept and,
-- outside rounds (p_dispatch NULL), /api/v1/offices/{office}/report/….
--   submit  a person of the office: a clerk's goes to the head (待审核)
--           where the bureau reviews and the office has a head; a
--           head's (or the office's script token's) 报送s, carrying the
--           office's drafts and any a clerk submitted.  In a round, the
--           office's led tasks that nothing covers are named (422, field
--           confirm) unless {"confirm": true}.
--   return  {reason}: the office's head, a report awaiting them (the
--           drafts unlock); the general office, a report that went out.
--   accept  the general office, a report that went out: 已采纳.
-- Every step is a row of office_report_step; 200 with the report.
CREATE OR REPLACE FUNCTION duban_api_office_report(p_token text, p_dispatch bigint,
    p_office text, p_action text, p_body jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	d		dispatch;
	r		office_report;
	v_office	bigint;
	v_office_name	text;
	v_part		text;
	v_head		boolean;
	v_confirm	boolean := false;
	v_items		jsonb;
	v_uncovered	jsonb := NULL;
	v_review	boolean;
	v_problem	json;
	v_state		text;
	v_action	text;
	v_note		text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF p_dispatch IS NOT NULL THEN
		SELECT * INTO d FROM dispatch WHERE id = p_dispatch FOR UPDATE;
		IF NOT FOUND OR NOT duban_tok_sees_dispatch(tok, d.id) THEN
			RETURN duban_api_problem(404, '调度不存在', '没有编号为 ' || p_dispatch || ' 的调度');
		END IF;
	END IF;
	v_office := duban_report_office_for(p_dispatch, p_office, tok);
	IF v_office IS NULL THEN
		RETURN duban_api_problem(404, '处室不存在', CASE WHEN p_dispatch IS NULL
		    THEN '没有名为“' || p_office || '”的处室'
		    ELSE '这轮调度不含名为“' || p_office || '”的处室' END, 'office');
	END IF;
	SELECT name INTO v_office_name FROM office WHERE id = v_office;
	v_part := duban_token_part(tok);
	-- A person's head role, or the office's own script token, decides
	-- for the office.
	v_head := tok.role = 'office' AND v_part IN ('head', 'office');

	IF p_action = 'submit' AND NOT (tok.role = 'office' AND tok.office_id = v_office) THEN
		RETURN duban_api_problem(403, '无权报送',
		    '只有“' || v_office_name || '”的人员可以提交或报送本处室的报告');
	ELSIF p_action = 'return' AND NOT (tok.role = 'general'
	    OR (v_head AND tok.office_id = v_office)) THEN
		RETURN duban_api_problem(403, '无权退回',
		    '只有“' || v_office_name || '”的处室负责人或局办公室可以退回本处室的报告');
	ELSIF p_action = 'accept' AND tok.role <> 'general' THEN
		RETURN duban_api_problem(403, '无权采纳', '只有局办公室（general 角色）可以采纳报告');
	END IF;
	IF d.closed_at IS NOT NULL THEN
		RETURN duban_api_problem(409, '调度已结束', '这轮调度已于 ' ||
		    to_char(d.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') ||
		    ' 结束，不能再报送、退回或采纳');
	END IF;

	IF p_dispatch IS NOT NULL THEN
		SELECT * INTO r FROM office_report
		 WHERE dispatch_id = p_dispatch AND office_id = v_office FOR UPDATE;
	ELSE
		SELECT * INTO r FROM office_report
		 WHERE dispatch_id IS NULL AND office_id = v_office AND state <> 'accepted'
		 ORDER BY id DESC LIMIT 1 FOR UPDATE;
	END IF;

	IF p_action IN ('return', 'accept') THEN
		IF p_action = 'return' THEN
			v_problem := duban_extension_reason_problem(p_body, 'reason');
			IF v_problem IS NOT NULL THEN
				RETURN v_problem;
			END IF;
		END IF;
		IF tok.role = 'general' AND r.state IS DISTINCT FROM 'reported' THEN
			RETURN duban_api_problem(409, '没有待采纳的报告', '“' || v_office_name || '”' ||
			    CASE r.state WHEN 'accepted' THEN '的报告已采纳'
				WHEN 'returned' THEN '的报告已退回，尚未重新报送'
				WHEN 'submitted' THEN '的报告尚在处室负责人审核中'
				ELSE '尚未报送' END, NULL,
			    CASE WHEN r.id IS NOT NULL THEN duban_report_json(r) END);
		END IF;
		IF tok.role <> 'general' AND r.state IS DISTINCT FROM 'submitted' THEN
			RETURN duban_api_problem(409, '没有待审核的报告',
			    '本处室没有等待处室负责人审核的报告', NULL,
			    CASE WHEN r.id IS NOT NULL THEN duban_report_json(r) END);
		END IF;
		v_state := CASE p_action WHEN 'accept' THEN 'accepted' ELSE 'returned' END;
		IF p_action = 'return' AND tok.role <> 'general' THEN
			UPDATE draft SET report_id = NULL WHERE report_id = r.id;
			PERFORM duban_file_unlock(r.id);
		END IF;
		UPDATE office_report SET state = v_state, updated_at = p_now WHERE id = r.id
		RETURNING * INTO r;
		INSERT INTO office_report_step (report_id, at, action, state, actor, role, office_id,
		    token_id, account_id, reason)
		VALUES (r.id, p_now, p_action, v_state, tok.label, v_part, tok.office_id, tok.id,
		    tok.account_id, nullif(btrim(p_body->>'reason'), ''));
		RETURN json_build_object('status', 200, 'body', duban_report_json(r));
	END IF;

	-- submit
	IF p_body ? 'confirm' THEN
		IF jsonb_typeof(p_body->'confirm') <> 'boolean' THEN
			RETURN duban_api_problem(400, '确认应为 true 或 false', 'confirm 应为 true 或 false',
			    'confirm');
		END IF;
		v_confirm := (p_body->>'confirm')::boolean;
	END IF;
	IF r.state = 'accepted' THEN
		RETURN duban_api_problem(409, '报告已采纳', '“' || v_office_name ||
		    '”本轮的报告已被局办公室采纳，不能再次报送', NULL, duban_report_json(r));
	END IF;
	IF r.state = 'submitted' AND NOT v_head THEN
		RETURN duban_api_problem(409, '报告待审核', '本处室的报告已提交，正等待处室负责人审核',
		    NULL, duban_report_json(r));
	END IF;
	SELECT coalesce(jsonb_agg(duban_draft_item(x) ORDER BY x.task_id, x.id), '[]')
	  INTO v_items
	  FROM draft x
	 WHERE x.office_id = v_office AND (x.report_id IS NULL OR x.report_id = r.id)
	   AND (p_dispatch IS NULL OR x.plan_id IN (SELECT plan_id FROM dispatch_plan
						     WHERE dispatch_id = p_dispatch));
	IF r.state = 'reported' AND jsonb_array_length(v_items) = 0
	    AND NOT duban_file_pending(v_office, p_dispatch, r.id) THEN
		RETURN duban_api_problem(409, '报告已报送', '“' || v_office_name ||
		    '”的报告已报送，没有新的草稿可再报送', NULL, duban_report_json(r));
	END IF;
	IF p_dispatch IS NOT NULL THEN
		v_uncovered := duban_report_uncovered(p_dispatch, v_office, r.id, p_now);
		IF jsonb_array_length(v_uncovered) > 0 AND NOT v_confirm THEN
			RETURN duban_api_problem(422, '有牵头任务本次未填报',
			    '以下牵头任务本次既未填报也无更新：' ||
			    (SELECT string_agg(coalesce(u->>'number' || ' ', '') || (u->>'title'), '；')
			       FROM jsonb_array_elements(v_uncovered) u) ||
			    '。如确无新进展，请确认后再报送（confirm）', 'confirm',
			    json_build_object('uncovered', v_uncovered));
		END IF;
		IF jsonb_array_length(v_uncovered) = 0 THEN
			v_uncovered := NULL;
		END IF;
	ELSIF jsonb_array_length(v_items) = 0
	    AND NOT duban_file_pending(v_office, p_dispatch, r.id) THEN
		RETURN duban_api_problem(422, '没有可报送的内容', '本处室没有尚未报送的草稿');
	END IF;

	IF r.id IS NULL THEN
		INSERT INTO office_report (office_id, dispatch_id, state, created_at, updated_at)
		VALUES (v_office, p_dispatch, 'submitted', p_now, p_now)
		RETURNING * INTO r;
	END IF;
	UPDATE draft x SET report_id = r.id
	 WHERE x.office_id = v_office AND x.report_id IS NULL
	   AND (p_dispatch IS NULL OR x.plan_id IN (SELECT plan_id FROM dispatch_plan
						     WHERE dispatch_id = p_dispatch));
	PERFORM duban_file_lock(v_office, p_dispatch, r.id);

	-- A clerk's report waits for the head, where the bureau asks for it
	-- and the office has a head to ask.
	v_review := NOT v_head
		AND (SELECT g.review_by_head FROM office o JOIN organisation g ON g.id = o.org_id
		      WHERE o.id = v_office)
		AND EXISTS (SELECT 1 FROM account a WHERE a.office_id = v_office
			      AND a.role = 'head' AND a.disabled_at IS NULL);
	IF v_review THEN
		v_state := 'submitted';
		v_action := 'submit';
	ELSE
		v_problem := duban_report_apply(r, p_now);
		IF v_problem IS NOT NULL THEN
			RETURN v_problem;
		END IF;
		v_state := 'reported';
		v_action := 'report';
		IF NOT v_head THEN
			v_note := CASE WHEN (SELECT g.review_by_head FROM office o
					      JOIN organisation g ON g.id = o.org_id WHERE o.id = v_office)
				  THEN '本处室没有处室负责人账号，报告直接报送'
				  ELSE '本单位不要求处室负责人审核，报告直接报送' END;
		END IF;
	END IF;
	UPDATE office_report SET state = v_state, updated_at = p_now,
	       reported_at = CASE WHEN v_state = 'reported' THEN coalesce(reported_at, p_now)
				  ELSE reported_at END
	 WHERE id = r.id
	RETURNING * INTO r;
	INSERT INTO office_report_step (report_id, at, action, state, actor, role, office_id,
	    token_id, account_id, reason, items, uncovered)
	VALUES (r.id, p_now, v_action, v_state, tok.label, v_part, tok.office_id, tok.id,
	    tok.account_id, v_note, v_items, v_uncovered);
	RETURN json_build_object('status', 200,
	    'body', duban_report_json(r)::jsonb || jsonb_build_object('note', v_note));
END $$;

-- GET /api/v1/offices/{office}/report: what an office has in hand — its
-- drafts (only the office itself sees them), its standing report and
-- its reports in open rounds.  The general office, leaders and
-- inspectors see the reports without the drafts.
CREATE OR REPLACE FUNCTION duban_api_office_reports(p_token text, p_office text,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok		api_token;
	v_office	bigint;
	v_own		boolean;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	v_office := duban_report_office_for(NULL, p_office, tok);
	IF v_office IS NULL THEN
		RETURN duban_api_problem(404, '处室不存在', '没有名为“' || p_office || '”的处室', 'office');
	END IF;
	v_own := tok.role = 'office' AND tok.office_id = v_office;
	IF tok.role = 'office' AND NOT v_own THEN
		RETURN duban_api_problem(403, '无权查看', '只能查看本处室的报告');
	END IF;
	RETURN json_build_object('status', 200, 'body', json_build_object(
	    'office_id', v_office, 'office', (SELECT name FROM office WHERE id = v_office),
	    'review_by_head', (SELECT g.review_by_head FROM office o
				JOIN organisation g ON g.id = o.org_id WHERE o.id = v_office),
	    'drafts', CASE WHEN v_own THEN (SELECT coalesce(json_agg(duban_draft_item(x)
				ORDER BY x.task_id, x.id), '[]')
			      FROM draft x WHERE x.office_id = v_office) END,
	    'rounds', (SELECT coalesce(json_agg(json_build_object('dispatch_id', dd.id,
				'title', dd.title, 'due_on', dd.due_on, 'state', s.state,
				'state_label', duban_dispatch_state_label(s.state),
				'drafts', CASE WHEN v_own THEN (SELECT count(*) FROM draft x
					    WHERE x.office_id = v_office AND x.plan_id IN
						(SELECT plan_id FROM dispatch_plan
						  WHERE dispatch_id = dd.id)) END,
				'report', (SELECT duban_report_json(r) FROM office_report r
					    WHERE r.dispatch_id = dd.id AND r.office_id = v_office))
				ORDER BY dd.due_on, dd.id), '[]')
			 FROM dispatch dd
			 CROSS JOIN LATERAL duban_dispatch_offices(dd.id, p_now) s
			WHERE dd.closed_at IS NULL AND s.office_id = v_office),
	    'standing', (SELECT coalesce(json_agg(duban_report_json(r) ORDER BY r.id DESC), '[]')
			   FROM office_report r
			  WHERE r.dispatch_id IS NULL AND r.office_id = v_office
			    AND r.state <> 'accepted')));
END $$;

-- Whether a bureau's reports go through the office's head: `duban
-- dispatch review`.  p_org NULL: every bureau.  Returns how many changed.
CREATE OR REPLACE FUNCTION duban_review_by_head_set(p_org text, p_on boolean)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	UPDATE organisation SET review_by_head = p_on
	 WHERE (p_org IS NULL OR name = p_org) AND review_by_head <> p_on;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;
