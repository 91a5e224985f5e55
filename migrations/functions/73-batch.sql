-- 批量填报: an office's 填报表 (one row per target and milestone of its
-- tasks) and the batch that saves a whole table in one transaction.
-- The rows are read by GET /api/v1/offices/{office}/report/rows, `duban
-- report rows` and the XLSX 填报表; the batch is PUT
-- /api/v1/offices/{office}/report.  Nothing here checks a value twice:
-- each row goes through what PATCH goes through (duban_draft_save, or
-- duban_*_merge and duban_*_write for a token that writes directly), and
-- the 报送 is duban_api_office_report's.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The instant 上期 is read at: the end of the previous quarter, i.e. the
-- first moment (00:00 Beijing time) of the quarter p_now is in.  A value
-- reported at exactly that moment belongs to the new quarter.
CREATE OR REPLACE FUNCTION duban_quarter_start(p_now timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$
	SELECT date_trunc('quarter', p_now AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
$$;

-- A reported field (target current, milestone status) as it stood just
-- before p_cut, from the progress history: the last value written before
-- it; else the value the first write after it replaced; else (never
-- written) p_now_value, what it is now.
CREATE OR REPLACE FUNCTION duban_field_at(p_task bigint, p_target bigint, p_milestone bigint,
    p_field text, p_cut timestamptz, p_now_value text)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT v FROM (
		(SELECT h.new_value AS v, 0 AS o FROM progress h
		  WHERE h.task_id = p_task AND h.field = p_field AND h.at < p_cut
		    AND (h.target_id = p_target OR h.milestone_id = p_milestone)
		  ORDER BY h.at DESC, h.id DESC LIMIT 1)
		UNION ALL
		(SELECT h.old_value, 1 FROM progress h
		  WHERE h.task_id = p_task AND h.field = p_field AND h.at >= p_cut
		    AND (h.target_id = p_target OR h.milestone_id = p_milestone)
		  ORDER BY h.at, h.id LIMIT 1)
		UNION ALL
		SELECT p_now_value, 2) x
	 ORDER BY o LIMIT 1
$$;

-- An office's 填报表 at p_now: one row per target and per milestone (not
-- withdrawn) of the tasks it leads or is responsible for (those its
-- people may write, duban_office_may_write: a 责任处室 reports on them
-- too), in every plan, or in the plans of round p_dispatch when given.
-- Ordered by plan (year, key), task position, then the task's targets
-- (by position) before its milestones (by date, position), as the task
-- page lists each.  p_tok decides whether drafts show: only the office's
-- own tokens (its people, its script token) see its drafts.
--
-- {"office": {id, name}, "dispatch": {id, title, due, due_on, closed} or
--  null, "previous_at": the instant 上期 is read at (duban_quarter_start),
--  "own": whether the drafts are shown, "may_edit": whether p_tok may
--  save this table, "report": the office's report in hand {id, state,
--  state_label} or null, "rows": [
--  {"row": 1.., "kind": "target"|"milestone", "id", "version",
--   "plan": key, "task": {id, number, title},
--   "name": 指标 or 节点,
--   "goal": target {value, unit, qualifier, baseline, deadline} (the
--           words for the qualifier are lib/base/words.c's: render it
--           with report_required() or the pages' fmtRequired());
--           milestone {due_on, due_form, kind},
--   "unit": the target's unit (null for a milestone),
--   "previous": 上期, the target's current (number) or the milestone's
--           status (code) just before previous_at,
--   "current": the target's reported value (null for a milestone),
--   "status", "completed_on": the milestone's (null for a target),
--   "note", "outcome", "problems", "next_steps", "coordination", and
--   "evidence_url" (milestones): the reported texts,
--   "draft": the office's unsent patch for the item (the PATCH fields,
--           as they would be written) or null,
--   "locked": the office's report awaits its head (待审核), or this
--           item's draft is in it: a person of the office cannot change it,
--   "files": the item's 佐证材料 in force (not superseded), oldest first,
--           each as duban_file_json gives it: the submitted ones, and the
--           office's pending ones (its unsent report's) for those who may
--           see them (duban_file_visible: its own people, the general
--           office)}]}
CREATE OR REPLACE FUNCTION duban_office_rows(p_office bigint, p_dispatch bigint, p_tok api_token,
    p_now timestamptz)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_cut		timestamptz := duban_quarter_start(p_now);
	v_own		boolean := coalesce(p_tok.role = 'office' AND p_tok.office_id = p_office, false);
	v_waiting	boolean;
	v_report	office_report;
	v_rows		jsonb;
BEGIN
	SELECT * INTO v_report FROM office_report r
	 WHERE r.office_id = p_office AND r.state <> 'accepted'
	   AND (r.dispatch_id = p_dispatch OR (p_dispatch IS NULL AND r.dispatch_id IS NULL))
	 ORDER BY r.id DESC LIMIT 1;
	v_waiting := EXISTS (SELECT 1 FROM office_report r WHERE r.office_id = p_office
			       AND r.state = 'submitted'
			       AND (p_dispatch IS NULL OR r.dispatch_id = p_dispatch));
	WITH tasks AS MATERIALIZED (
		SELECT t.id, t.label, t.title, t.position, p.year, p.key AS plan_key
		  FROM task t JOIN plan p ON p.id = t.plan_id
		 WHERE t.withdrawn_at IS NULL
		   AND duban_office_may_write(p_office, t.id)
		   AND (p_dispatch IS NULL OR t.plan_id IN (SELECT x.plan_id FROM dispatch_plan x
							     WHERE x.dispatch_id = p_dispatch))
	), files AS (
		-- Every file of the table at once, grouped by item.
		SELECT f.target_id, f.milestone_id,
		       jsonb_agg(duban_file_json(f)::jsonb ORDER BY f.uploaded_at, f.id) AS list
		  FROM evidence_file f
		 WHERE f.task_id IN (SELECT id FROM tasks)
		   AND f.superseded_at IS NULL
		   AND (f.state = 'submitted' OR (f.state = 'pending' AND f.office_id = p_office
			AND coalesce(duban_file_visible(p_tok, f), false)))
		 GROUP BY f.target_id, f.milestone_id
	), items AS (
		SELECT tk.year, tk.plan_key, tk.position AS task_pos, 0 AS grp, g.position AS pos,
		       NULL::date AS due, jsonb_build_object('kind', 'target', 'id', g.id,
			'version', g.version, 'plan', tk.plan_key,
			'task', jsonb_build_object('id', tk.id, 'number', tk.label, 'title', tk.title),
			'name', g.name,
			'goal', jsonb_build_object('value', g.value, 'unit', g.unit,
			    'qualifier', g.qualifier, 'baseline', g.baseline, 'deadline', g.deadline),
			'unit', g.unit,
			'previous', to_jsonb(duban_field_at(tk.id, g.id, NULL, 'current', v_cut,
			    g.current::text)::numeric),
			'current', g.current, 'status', NULL, 'completed_on', NULL,
			'note', g.note, 'outcome', g.outcome, 'problems', g.problems,
			'next_steps', g.next_steps, 'coordination', g.coordination,
			'draft', CASE WHEN v_own THEN d.patch END,
			'locked', v_waiting OR d.report_id IS NOT NULL)
		       || jsonb_build_object('files', coalesce(fl.list, '[]')) AS j
		  FROM tasks tk JOIN target g ON g.task_id = tk.id AND g.withdrawn_at IS NULL
		  LEFT JOIN draft d ON d.office_id = p_office AND d.target_id = g.id
		  LEFT JOIN files fl ON fl.target_id = g.id
		UNION ALL
		SELECT tk.year, tk.plan_key, tk.position, 1, m.position, m.due_on,
		       jsonb_build_object('kind', 'milestone', 'id', m.id,
			'version', m.version, 'plan', tk.plan_key,
			'task', jsonb_build_object('id', tk.id, 'number', tk.label, 'title', tk.title),
			'name', m.title,
			'goal', jsonb_build_object('due_on', m.due_on, 'due_form', m.due_form,
			    'kind', m.kind),
			'unit', NULL,
			'previous', duban_field_at(tk.id, NULL, m.id, 'status', v_cut, m.status),
			'current', NULL, 'status', m.status, 'completed_on', m.completed_on,
			'note', m.note, 'outcome', m.outcome, 'problems', m.problems,
			'next_steps', m.next_steps, 'coordination', m.coordination,
			'evidence_url', m.evidence_url,
			'draft', CASE WHEN v_own THEN d.patch END,
			'locked', v_waiting OR d.report_id IS NOT NULL)
		       || jsonb_build_object('files', coalesce(fl.list, '[]'))
		  FROM tasks tk JOIN milestone m ON m.task_id = tk.id AND m.withdrawn_at IS NULL
		  LEFT JOIN draft d ON d.office_id = p_office AND d.milestone_id = m.id
		  LEFT JOIN files fl ON fl.milestone_id = m.id
	)
	SELECT coalesce(jsonb_agg(jsonb_build_object('row', n) || j ORDER BY n), '[]')
	  INTO v_rows
	  FROM (SELECT j, row_number() OVER (ORDER BY year, plan_key, task_pos, grp, due, pos,
						  (j->>'id')::bigint) AS n
		  FROM items) x;
	RETURN jsonb_build_object(
	    'office', (SELECT jsonb_build_object('id', o.id, 'name', o.name)
			 FROM office o WHERE o.id = p_office),
	    'dispatch', (SELECT jsonb_build_object('id', d.id, 'title', d.title, 'due', d.due_on,
				'due_on', d.due_on, 'closed', d.closed_at IS NOT NULL)
			   FROM dispatch d WHERE d.id = p_dispatch),
	    'previous_at', v_cut,
	    'own', v_own,
	    'may_edit', coalesce(p_tok.role = 'general', false) OR v_own,
	    'report', CASE WHEN v_report.id IS NOT NULL THEN jsonb_build_object('id', v_report.id,
			'state', v_report.state,
			'state_label', duban_report_state_label(v_report.state)) END,
	    'rows', v_rows);
END $$;

-- GET /api/v1/offices/{office}/report/rows?dispatch=ID and `duban report
-- rows`: the table, for the office's own people, the general office,
-- leaders and inspectors; another office's people are refused as GET
-- /api/v1/offices/{office}/report refuses them (403).
CREATE OR REPLACE FUNCTION duban_api_office_rows(p_token text, p_office text, p_dispatch bigint,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok		api_token;
	v_office	bigint;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF p_dispatch IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dispatch WHERE id = p_dispatch
						  AND duban_tok_sees_dispatch(tok, id)) THEN
		RETURN duban_api_problem(404, '调度不存在', '没有编号为 ' || p_dispatch || ' 的调度',
		    'dispatch');
	END IF;
	v_office := duban_report_office_for(p_dispatch, p_office, tok);
	IF v_office IS NULL THEN
		RETURN duban_api_problem(404, '处室不存在', CASE WHEN p_dispatch IS NULL
		    THEN '没有名为“' || p_office || '”的处室'
		    ELSE '这轮调度不含名为“' || p_office || '”的处室' END, 'office');
	END IF;
	IF tok.role = 'office' AND tok.office_id <> v_office THEN
		RETURN duban_api_problem(403, '无权查看', '只能查看本处室的报告');
	END IF;
	RETURN json_build_object('status', 200,
	    'body', duban_office_rows(v_office, p_dispatch, tok, p_now));
END $$;

-- The words for the fields a batch row may carry, in its messages.
CREATE OR REPLACE FUNCTION duban_batch_field_label(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_key WHEN 'current' THEN '当前完成值' WHEN 'status' THEN '状态'
		WHEN 'completed_on' THEN '完成日期' WHEN 'note' THEN '完成情况'
		WHEN 'outcome' THEN '取得成效' WHEN 'problems' THEN '存在问题'
		WHEN 'next_steps' THEN '下步措施' WHEN 'coordination' THEN '需协调事项'
		WHEN 'evidence_url' THEN '佐证材料链接' WHEN 'confirm' THEN '确认' END
$$;

-- Whether one field of a batch row has the type PATCH takes (daemon/api-write.c
-- checks a PATCH body the same way before it reaches SQL; a batch may come
-- from a file, so its rows are checked here, where a bad cast would
-- otherwise end the whole statement): NULL, or why not.
CREATE OR REPLACE FUNCTION duban_batch_field_problem(p_kind text, p_key text, v jsonb)
RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	t	text := jsonb_typeof(v);
BEGIN
	IF p_key IN ('note', 'outcome', 'problems', 'next_steps', 'coordination') THEN
		IF t NOT IN ('string', 'null') THEN
			RETURN '应为文本';
		ELSIF char_length(v->>0) > 4000 THEN
			RETURN '过长（不超过 4000 字）';
		ELSIF duban_text_has_controls(v->>0) THEN
			RETURN '中不能有控制字符（换行和制表符除外）';
		END IF;
		RETURN NULL;
	ELSIF p_key = 'confirm' THEN
		RETURN CASE WHEN t <> 'boolean' THEN '应为 true 或 false' END;
	ELSIF p_kind = 'target' AND p_key = 'current' THEN
		IF t = 'null' THEN
			RETURN NULL;
		ELSIF t <> 'number' THEN
			RETURN '应为数字';
		ELSIF v::text::numeric < 0 OR v::text::numeric > 1e15 THEN
			RETURN '应为不小于 0 的数字';
		END IF;
		RETURN NULL;
	ELSIF p_kind = 'milestone' AND p_key = 'status' THEN
		IF t <> 'string' OR v->>0 NOT IN ('pending', 'in_progress', 'done', 'blocked') THEN
			RETURN '应为 pending（未开始）、in_progress（进行中）、done（已完成）或 blocked（受阻）';
		END IF;
		RETURN NULL;
	ELSIF p_kind = 'milestone' AND p_key = 'completed_on' THEN
		IF t = 'null' THEN
			RETURN NULL;
		ELSIF t <> 'string' OR v->>0 !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
			RETURN '应为存在的日期（YYYY-MM-DD）';
		END IF;
		BEGIN
			PERFORM (v->>0)::date;
		EXCEPTION WHEN others THEN
			RETURN '应为存在的日期（YYYY-MM-DD）';
		END;
		RETURN NULL;
	ELSIF p_kind = 'milestone' AND p_key = 'evidence_url' THEN
		IF t = 'null' THEN
			RETURN NULL;
		ELSIF t <> 'string' OR v->>0 !~ '^https?://[^[:space:][:cntrl:]]+$'
		      OR octet_length(v->>0) > 2048 THEN
			RETURN '应为 http:// 或 https:// 开头的链接';
		END IF;
		RETURN NULL;
	END IF;
	RETURN '不是可填报的字段';
END $$;

-- PUT /api/v1/offices/{office}/report: the whole 填报表 in one
-- transaction.  Body {"dispatch": id or null, "rows": [{"kind":
-- "target"|"milestone", "id", "version"?, and any PATCH field of that
-- kind}], "submit"?: boolean, "confirm"?: boolean}.
--
-- Every row is checked as PATCH checks it (the office's right to the
-- task, a withdrawn item, a stale version, then duban_draft_save or the
-- merge functions) and every problem is collected; if any row fails,
-- nothing is saved and the answer names each: status 403 (a row outside
-- what this token may write), else 400 (bad values, unknown items), else
-- 409 (stale versions, locked drafts), else 422 (values that need
-- "confirm": true on their row), with "field": "rows[N].FIELD" (the
-- first problem) and "errors": [{"row": N (1-based, the request's
-- order), "kind", "id", "field", "status", "title", "detail", "current"?
-- (the item now, on 409), "confirmable"?}].
--
-- When every row is valid they are saved, as the office's drafts for a
-- person of the office (as if PATCHed one by one), directly for the
-- office's script token and the general office.  With "submit": true the
-- office's report is then submitted in the same transaction by
-- duban_api_office_report (the round's when "dispatch" is given; its
-- "confirm" is the body's): if it refuses, nothing is saved either and
-- its problem is the answer.
--
-- 200 {..duban_office_rows after the save.., "saved": rows that changed
-- something, "report": what the submit answered, or null}.
CREATE OR REPLACE FUNCTION duban_api_office_batch(p_token text, p_office text, p_body jsonb,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	tok		api_token;
	v_dispatch	bigint;
	v_office	bigint;
	v_office_name	text;
	v_drafts	boolean;
	x		jsonb;
	i		bigint;
	v_kind		text;
	v_id		bigint;
	v_version	int;
	v_patch		jsonb;
	v_key		text;
	v_why		text;
	v_seen		jsonb := '{}';
	g		target;
	m		milestone;
	t		task;
	v		record;
	v_problem	json;
	v_res		json;
	v_what		text;
	v_errors	jsonb := '[]';
	v_saved		int := 0;
	v_submit	json;
	v_status	int;
	v_first		jsonb;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL OR tok.role = 'inspector' THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF jsonb_typeof(p_body) IS DISTINCT FROM 'object'
	   OR jsonb_typeof(p_body->'rows') IS DISTINCT FROM 'array' THEN
		RETURN duban_api_problem(400, '请求内容有误', 'rows 应为数组（填报表的各行）', 'rows');
	END IF;
	IF coalesce(jsonb_typeof(p_body->'dispatch'), 'null') NOT IN ('null', 'number') THEN
		RETURN duban_api_problem(400, '请求内容有误', 'dispatch 应为调度编号或 null', 'dispatch');
	END IF;
	IF coalesce(jsonb_typeof(p_body->'submit'), 'boolean') <> 'boolean' THEN
		RETURN duban_api_problem(400, '请求内容有误', 'submit 应为 true 或 false', 'submit');
	END IF;
	v_dispatch := (p_body->>'dispatch')::bigint;
	IF v_dispatch IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dispatch WHERE id = v_dispatch) THEN
		RETURN duban_api_problem(404, '调度不存在', '没有编号为 ' || v_dispatch || ' 的调度',
		    'dispatch');
	END IF;
	v_office := duban_report_office_for(v_dispatch, p_office, tok);
	IF v_office IS NULL THEN
		RETURN duban_api_problem(404, '处室不存在', CASE WHEN v_dispatch IS NULL
		    THEN '没有名为“' || p_office || '”的处室'
		    ELSE '这轮调度不含名为“' || p_office || '”的处室' END, 'office');
	END IF;
	SELECT name INTO v_office_name FROM office WHERE id = v_office;
	IF tok.role = 'office' AND tok.office_id <> v_office THEN
		RETURN duban_api_problem(403, '无权填报',
		    '只有“' || v_office_name || '”的人员可以填报本处室的报告');
	END IF;
	v_drafts := duban_token_drafts(tok);

	BEGIN	-- undone as a whole when a row or the submit fails
	FOR x, i IN SELECT e, n FROM jsonb_array_elements(p_body->'rows') WITH ORDINALITY AS r(e, n)
	LOOP
		v_problem := NULL;
		v_what := NULL;
		v_kind := x->>'kind';
		v_id := NULL;
		v_version := NULL;
		v_patch := '{}';
		g := NULL;
		m := NULL;
		IF jsonb_typeof(x) IS DISTINCT FROM 'object' THEN
			v_problem := duban_api_problem(400, '请求内容有误', '每一行应为 JSON 对象');
		ELSIF v_kind IS NULL OR v_kind NOT IN ('target', 'milestone') THEN
			v_problem := duban_api_problem(400, '请求内容有误',
			    'kind 应为 target（指标）或 milestone（节点）', 'kind');
		ELSIF jsonb_typeof(x->'id') IS DISTINCT FROM 'number'
		      OR (x->>'id') !~ '^[0-9]{1,18}$' THEN
			v_problem := duban_api_problem(400, '请求内容有误', 'id 应为指标或节点的编号', 'id');
		ELSIF x ? 'version' AND x->'version' <> 'null'::jsonb
		      AND (jsonb_typeof(x->'version') <> 'number' OR (x->>'version') !~ '^[0-9]{1,9}$'
			   OR (x->>'version')::int < 1) THEN
			v_problem := duban_api_problem(400, '请求内容有误',
			    'version 应为正整数（读取时返回的 version）', 'version');
		END IF;
		IF v_problem IS NULL THEN
			v_id := (x->>'id')::bigint;
			v_version := (x->>'version')::int;
			v_patch := x - 'kind' - 'id' - 'version';
			FOR v_key IN SELECT jsonb_object_keys(v_patch) LOOP
				v_why := duban_batch_field_problem(v_kind, v_key, v_patch->v_key);
				IF v_why IS NOT NULL THEN
					v_problem := duban_api_problem(400, '填报内容有误',
					    CASE WHEN v_why = '不是可填报的字段'
						 THEN '“' || v_key || '”' || v_why
						 ELSE coalesce(duban_batch_field_label(v_key), v_key) || v_why
					    END, v_key);
					EXIT;
				END IF;
			END LOOP;
		END IF;
		IF v_problem IS NULL AND v_seen ? (v_kind || v_id) THEN
			v_problem := duban_api_problem(400, '请求内容有误',
			    '与第 ' || (v_seen->>(v_kind || v_id)) || ' 行是同一项', 'id');
		END IF;
		IF v_problem IS NULL THEN
			v_seen := v_seen || jsonb_build_object(v_kind || v_id, i);
			IF v_kind = 'target' THEN
				SELECT * INTO g FROM target WHERE id = v_id FOR UPDATE;
				v_what := '指标“' || g.name || '”';
			ELSE
				SELECT * INTO m FROM milestone WHERE id = v_id FOR UPDATE;
				v_what := '节点“' || m.title || '”';
			END IF;
			SELECT * INTO t FROM task WHERE id = coalesce(g.task_id, m.task_id);
			IF t.id IS NULL THEN
				v_problem := duban_api_problem(404, CASE v_kind WHEN 'target' THEN '指标不存在'
				    ELSE '节点不存在' END, '没有编号为 ' || v_id || ' 的' ||
				    CASE v_kind WHEN 'target' THEN '指标' ELSE '节点' END, 'id');
			ELSIF NOT duban_office_may_write(v_office, t.id)
			      OR (v_dispatch IS NOT NULL AND t.plan_id NOT IN (SELECT plan_id
					FROM dispatch_plan WHERE dispatch_id = v_dispatch)) THEN
				v_problem := duban_api_problem(403, '不在本处室的填报表中',
				    v_what || '所属任务不由“' || v_office_name || '”牵头或负责' ||
				    CASE WHEN v_dispatch IS NOT NULL THEN '，或不在这轮调度之内' ELSE '' END,
				    'id');
			ELSE
				v_problem := duban_api_check(tok, t.id);
			END IF;
		END IF;
		IF v_problem IS NULL AND (t.withdrawn_at IS NOT NULL
		    OR coalesce(g.withdrawn_at, m.withdrawn_at) IS NOT NULL) THEN
			v_problem := duban_api_problem(409, '已撤销', v_what || '（或它的任务）已从计划中撤销',
			    'id');
		END IF;
		IF v_problem IS NULL AND v_version IS NOT NULL
		   AND v_version <> coalesce(g.version, m.version) THEN
			v_problem := duban_api_problem(409, '数据已被他人修改',
			    '提交所依据的版本是 ' || v_version || '，当前版本是 ' ||
			    coalesce(g.version, m.version) || '：请查看最新内容后重新提交', 'version',
			    CASE v_kind WHEN 'target' THEN duban_target_json(g, v_today)
				ELSE duban_milestone_json(m) END);
		END IF;
		-- A row that changes no field (only its key, or only confirm)
		-- is read, checked and left alone.
		IF v_problem IS NULL AND EXISTS (SELECT 1 FROM jsonb_object_keys(v_patch) k
						   WHERE k <> 'confirm') THEN
			IF v_drafts THEN
				v_res := duban_draft_save(tok, t, g.id, m.id, v_patch, p_now);
				IF (v_res->>'status')::int <> 200 THEN
					v_problem := v_res;
				ELSE
					v_saved := v_saved + 1;
				END IF;
			ELSIF v_kind = 'target' THEN
				SELECT * INTO v FROM duban_target_merge(g, v_patch);
				v_problem := v.problem;
				IF v_problem IS NULL THEN
					PERFORM duban_target_write(g, v, tok.label, tok.office_id, tok.id,
					    NULL, p_now);
					v_saved := v_saved + 1;
				END IF;
			ELSE
				SELECT * INTO v FROM duban_milestone_merge(m, v_patch, v_today);
				v_problem := v.problem;
				IF v_problem IS NULL THEN
					PERFORM duban_milestone_write(m, v, tok.label, tok.office_id, tok.id,
					    NULL, p_now);
					v_saved := v_saved + 1;
				END IF;
			END IF;
		END IF;
		IF v_problem IS NOT NULL THEN
			v_errors := v_errors || jsonb_build_array(jsonb_build_object('row', i,
			    'kind', v_kind, 'id', v_id, 'field', coalesce(v_problem->>'field', 'id'))
			    || (v_problem::jsonb - 'field')
			    || CASE WHEN v_what IS NOT NULL THEN jsonb_build_object('what', v_what)
				    ELSE '{}' END);
		END IF;
	END LOOP;
	IF jsonb_array_length(v_errors) > 0 THEN
		RAISE SQLSTATE 'DUB01';
	END IF;
	IF p_body->'submit' = 'true'::jsonb THEN
		v_submit := duban_api_office_report(p_token, v_dispatch, v_office::text, 'submit',
		    jsonb_build_object('confirm', coalesce(p_body->'confirm' = 'true'::jsonb, false)),
		    p_now);
		IF (v_submit->>'status')::int <> 200 THEN
			RAISE SQLSTATE 'DUB01';
		END IF;
	END IF;
	EXCEPTION WHEN SQLSTATE 'DUB01' THEN
		-- Every row's save (and the submit's steps) are undone; the
		-- variables keep what the rows said.
		IF jsonb_array_length(v_errors) = 0 THEN
			RETURN v_submit;
		END IF;
		v_status := CASE
			WHEN v_errors @> '[{"status": 403}]' THEN 403
			WHEN v_errors @> '[{"status": 400}]' OR v_errors @> '[{"status": 404}]' THEN 400
			WHEN v_errors @> '[{"status": 409}]' THEN 409
			ELSE 422 END;
		v_first := v_errors->0;
		RETURN (duban_api_problem(v_status,
		    CASE v_status WHEN 403 THEN '无权填报' WHEN 400 THEN '填报内容有误'
			WHEN 409 THEN '数据已被他人修改或暂不能修改' ELSE '请核实填报值' END,
		    '第 ' || (v_first->>'row') || ' 行' ||
		    coalesce('（' || (v_first->>'what') || '）', '') || '：' ||
		    coalesce(v_first->>'detail', v_first->>'title') ||
		    CASE WHEN jsonb_array_length(v_errors) > 1
			 THEN '；另有 ' || (jsonb_array_length(v_errors) - 1) || ' 行有问题'
			 ELSE '' END || '。整张表均未保存',
		    'rows[' || (v_first->>'row') || '].' || (v_first->>'field'))::jsonb
		    || jsonb_build_object('errors', v_errors))::json;
	END;
	RETURN json_build_object('status', 200, 'body',
	    duban_office_rows(v_office, v_dispatch, tok, p_now)
	    || jsonb_build_object('saved', v_saved, 'report', v_submit->'body'));
END $$;
