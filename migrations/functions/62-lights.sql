-- 红黄绿灯 and 临期: a task's or a target's light from its reported
-- progress against 序时进度, by its plan's thresholds (migrations/
-- 0025-lights.sql), and the general office's changes of those thresholds.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.
--
-- The lights (docs/report-format.md, "Lights"):
--   green   on pace (按期), or done; also a target not reported while its
--           report date has not passed (nothing is due from it yet)
--   yellow  behind 序时进度 by MORE than the plan's first threshold
--           (points: 10 by default; exactly 10 points behind is green)
--   red     behind by more than the second threshold (30), or overdue: a
--           milestone past its date and not done, a target past its
--           deadline and not reached
--   grey    未填报: nothing reported although a report was due (逾期未报);
--           for a task, none of its targets reported and one of them late
-- due_soon (临期) is apart from the light: not done, and a milestone (a
-- target's deadline) on or after the as-of day and within the plan's
-- due_soon_days working days of it (0: never).

-- A light's order of gravity, for the worst of several: green 0, grey 1,
-- yellow 2, red 3.
CREATE OR REPLACE FUNCTION duban_light_rank(p_light text) RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_light WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 WHEN 'grey' THEN 1 ELSE 0 END
$$;

-- The light of one target: from its completion (NULL when it does not
-- accumulate or is not reported), the share of its time gone (elapsed),
-- whether it is reported, whether its report date has passed (late),
-- whether its deadline has passed (p_past), and the thresholds in points.
-- The gap is compared on exact values: 0.4 against 0.5 is 10 points,
-- not more than 10.
CREATE OR REPLACE FUNCTION duban_target_light(p_completion numeric, p_elapsed numeric,
    p_reported boolean, p_late boolean, p_past boolean, p_yellow numeric, p_red numeric)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_completion >= 1 THEN 'green'
		WHEN p_past AND (p_completion IS NOT NULL OR NOT p_reported) THEN 'red'
		WHEN NOT p_reported THEN CASE WHEN p_late THEN 'grey' ELSE 'green' END
		WHEN p_completion IS NULL THEN 'green'
		WHEN (p_elapsed - p_completion) * 100 > p_red THEN 'red'
		WHEN (p_elapsed - p_completion) * 100 > p_yellow THEN 'yellow'
		ELSE 'green'
	END
$$;

-- A task's light: green when done; red when a milestone it is judged by
-- is overdue; else the worst of its targets' lights, where a target's
-- grey counts only when the task has reported none (p_unreported: its
-- status is 未填报); green without any.
CREATE OR REPLACE FUNCTION duban_task_light(p_done boolean, p_overdue boolean,
    p_worst int, p_grey boolean, p_unreported boolean)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_done THEN 'green'
		WHEN p_overdue OR p_worst >= 3 THEN 'red'
		WHEN p_worst = 2 THEN 'yellow'
		WHEN p_grey AND p_unreported THEN 'grey'
		ELSE 'green'
	END
$$;

-- The last day that is 临期 on p_on for a plan that warns p_days working
-- days ahead: the p_days-th working day after p_on; NULL when p_days is 0
-- (no warning) or the calendar does not reach.
CREATE OR REPLACE FUNCTION duban_due_soon_until(p_on date, p_days int)
RETURNS date LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_days > 0 THEN duban_workday_add(p_on, p_days) END
$$;

-- A plan's thresholds as they stood at p_at: the new values of the last
-- change before it, else the old values of the first change after it,
-- else the plan's own (so that a report as of an earlier day judges by
-- the thresholds of then, as it does by the values of then).
CREATE OR REPLACE FUNCTION duban_plan_lights_at(p_plan bigint, p_at timestamptz,
    OUT yellow numeric, OUT red numeric, OUT due_soon_days int)
LANGUAGE sql STABLE AS $$
	SELECT coalesce(b.yellow, a.old_yellow, p.light_yellow),
	       coalesce(b.red, a.old_red, p.light_red),
	       coalesce(b.due_soon_days, a.old_due_soon_days, p.due_soon_days)
	  FROM plan p
	  LEFT JOIN LATERAL (SELECT c.yellow, c.red, c.due_soon_days FROM plan_lights_change c
			      WHERE c.plan_id = p.id AND c.at < p_at
			      ORDER BY c.at DESC, c.id DESC LIMIT 1) b ON true
	  LEFT JOIN LATERAL (SELECT c.old_yellow, c.old_red, c.old_due_soon_days
			       FROM plan_lights_change c
			      WHERE c.plan_id = p.id AND c.at >= p_at
			      ORDER BY c.at, c.id LIMIT 1) a ON true
	 WHERE p.id = p_plan
$$;

CREATE OR REPLACE FUNCTION duban_lights_json(p_yellow numeric, p_red numeric, p_days int)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT json_build_object('yellow', p_yellow, 'red', p_red, 'due_soon_days', p_days)
$$;

-- The rule as the reports print it under their lights.
CREATE OR REPLACE FUNCTION duban_lights_rule(p_yellow numeric, p_red numeric, p_days int)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT '绿灯：按序时进度推进或已完成；黄灯：落后序时进度超过 ' || trim_scale(p_yellow)
	    || ' 个百分点；红灯：落后超过 ' || trim_scale(p_red) || ' 个百分点或已逾期；'
	    || '灰灯：应报未报（逾期未报）'
	    || CASE WHEN p_days > 0 THEN '；临期：' || p_days || ' 个工作日内到期' ELSE '' END
$$;

-- Checks the thresholds a change asks for (p_body: yellow, red,
-- due_soon_days, each optional, merged over p_plan's) and names the
-- field that is wrong: a problem (duban_api_problem), or NULL and the
-- merged values.
CREATE OR REPLACE FUNCTION duban_lights_merge(p plan, p_body jsonb,
    OUT problem json, OUT yellow numeric, OUT red numeric, OUT due_soon_days int)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	k	text;
BEGIN
	yellow := p.light_yellow;
	red := p.light_red;
	due_soon_days := p.due_soon_days;
	IF jsonb_typeof(p_body) IS DISTINCT FROM 'object' THEN
		problem := duban_api_problem(400, '请求格式有误',
		    '请求体应为 JSON 对象：{"yellow": 10, "red": 30, "due_soon_days": 5}');
		RETURN;
	END IF;
	SELECT x INTO k FROM jsonb_object_keys(p_body) x
	 WHERE x NOT IN ('yellow', 'red', 'due_soon_days', 'note') LIMIT 1;
	IF k IS NOT NULL THEN
		problem := duban_api_problem(400, '未知字段',
		    '不认识的字段“' || k || '”：可修改 yellow（黄灯阈值）、red（红灯阈值）、'
		    || 'due_soon_days（临期工作日数）和 note（说明）', k);
		RETURN;
	END IF;
	FOREACH k IN ARRAY ARRAY['yellow', 'red'] LOOP
		IF p_body ? k AND (jsonb_typeof(p_body->k) <> 'number'
		    OR (p_body->>k)::numeric < 0 OR (p_body->>k)::numeric > 100) THEN
			problem := duban_api_problem(400, '阈值有误',
			    CASE k WHEN 'yellow' THEN '黄灯' ELSE '红灯' END
			    || '阈值应为 0 到 100 之间的百分点数，而不是 ' || (p_body->k)::text, k);
			RETURN;
		END IF;
	END LOOP;
	IF p_body ? 'due_soon_days' AND (jsonb_typeof(p_body->'due_soon_days') <> 'number'
	    OR (p_body->>'due_soon_days')::numeric <> trunc((p_body->>'due_soon_days')::numeric)
	    OR (p_body->>'due_soon_days')::numeric NOT BETWEEN 0 AND 60) THEN
		problem := duban_api_problem(400, '临期天数有误',
		    '临期天数应为 0 到 60 之间的整数个工作日（0 表示不提示临期），而不是 '
		    || (p_body->'due_soon_days')::text, 'due_soon_days');
		RETURN;
	END IF;
	IF p_body ? 'note' AND jsonb_typeof(p_body->'note') NOT IN ('string', 'null') THEN
		problem := duban_api_problem(400, '说明应为文字', 'note 应为文字', 'note');
		RETURN;
	END IF;
	yellow := coalesce((p_body->>'yellow')::numeric, yellow);
	red := coalesce((p_body->>'red')::numeric, red);
	due_soon_days := coalesce((p_body->>'due_soon_days')::int, due_soon_days);
	IF red <= yellow THEN
		problem := duban_api_problem(400, '阈值有误',
		    '红灯阈值（' || trim_scale(red) || '）应大于黄灯阈值（' || trim_scale(yellow)
		    || '）', CASE WHEN p_body ? 'red' THEN 'red' ELSE 'yellow' END);
	END IF;
END $$;

-- Sets a plan's thresholds and keeps the change in plan_lights_change
-- (nothing when they are what the plan has).  The plan loader, the CLI
-- and the API all change them through here.
CREATE OR REPLACE FUNCTION duban_plan_lights_write(p_plan bigint, p_yellow numeric,
    p_red numeric, p_days int, p_source text, p_actor text, p_token bigint, p_account bigint,
    p_note text, p_now timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	p	plan;
BEGIN
	SELECT * INTO p FROM plan WHERE id = p_plan FOR UPDATE;
	IF (p.light_yellow, p.light_red, p.due_soon_days) = (p_yellow, p_red, p_days) THEN
		RETURN false;
	END IF;
	UPDATE plan SET light_yellow = p_yellow, light_red = p_red, due_soon_days = p_days
	 WHERE id = p_plan;
	INSERT INTO plan_lights_change (plan_id, at, source, actor, token_id, account_id,
	    old_yellow, old_red, old_due_soon_days, yellow, red, due_soon_days, note)
	VALUES (p_plan, p_now, p_source, p_actor, p_token, p_account, p.light_yellow,
	    p.light_red, p.due_soon_days, p_yellow, p_red, p_days, nullif(btrim(p_note), ''));
	RETURN true;
END $$;

-- A plan's thresholds and their history, newest first.
CREATE OR REPLACE FUNCTION duban_plan_lights_json(p_plan bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('plan', p.key, 'title', p.title,
	    'lights', duban_lights_json(p.light_yellow, p.light_red, p.due_soon_days),
	    'rule', duban_lights_rule(p.light_yellow, p.light_red, p.due_soon_days),
	    'history', (SELECT coalesce(json_agg(json_build_object('at', c.at,
				'source', c.source, 'actor', c.actor,
				'from', duban_lights_json(c.old_yellow, c.old_red, c.old_due_soon_days),
				'to', duban_lights_json(c.yellow, c.red, c.due_soon_days),
				'note', c.note) ORDER BY c.at DESC, c.id DESC), '[]')
			  FROM plan_lights_change c WHERE c.plan_id = p.id))
	  FROM plan p WHERE p.id = p_plan
$$;

-- The one home of a change of thresholds: `duban plan lights KEY` (p_source
-- 'cli', no token: the database's own user) and PATCH
-- /api/v1/plans/{key}/lights (duban_api_plan_lights: 'api', the general
-- office's token).  p_body: {yellow, red, due_soon_days, note}, each
-- optional.  200 with the plan's thresholds and history; 404 for no such
-- plan; 400 naming the field.  One transaction: the caller's.
CREATE OR REPLACE FUNCTION duban_plan_lights_change(p_plan text, p_body jsonb, p_actor text,
    p_source text, p_token bigint, p_account bigint, p_now timestamptz,
    OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	p	plan;
	v	record;
BEGIN
	SELECT * INTO p FROM plan WHERE key = p_plan OR id::text = p_plan
	 ORDER BY (key = p_plan) DESC LIMIT 1;
	IF p.id IS NULL THEN
		status := 404;
		body := duban_api_problem(404, '计划不存在',
		    '没有键或编号为“' || coalesce(p_plan, '') || '”的计划（duban plan list 列出已导入的计划）',
		    'plan');
		RETURN;
	END IF;
	SELECT * INTO v FROM duban_lights_merge(p, p_body);
	IF v.problem IS NOT NULL THEN
		status := 400;
		body := v.problem;
		RETURN;
	END IF;
	PERFORM duban_plan_lights_write(p.id, v.yellow, v.red, v.due_soon_days, p_source,
	    p_actor, p_token, p_account, p_body->>'note', p_now);
	status := 200;
	body := duban_plan_lights_json(p.id);
END $$;

-- PATCH /api/v1/plans/{key}/lights: the general office only.
CREATE OR REPLACE FUNCTION duban_api_plan_lights(p_token text, p_plan text, p_body jsonb,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		status := 401;
		body := duban_api_check(tok, NULL);
		status := coalesce((body->>'status')::int, 401);
		RETURN;
	END IF;
	IF tok.role <> 'general' THEN
		status := 403;
		body := duban_api_problem(403, '无权修改',
		    '红黄绿灯阈值和临期天数只能由局办公室（general 角色）修改');
		RETURN;
	END IF;
	-- Another organisation's plan is not there (tenants).
	IF NOT EXISTS (SELECT 1 FROM plan p WHERE (p.key = p_plan OR p.id::text = p_plan)
	    AND duban_tok_sees_org(tok, p.org_id))
	   AND EXISTS (SELECT 1 FROM plan p WHERE p.key = p_plan OR p.id::text = p_plan) THEN
		status := 404;
		body := duban_api_problem(404, '计划不存在', '没有键为“' || p_plan || '”的计划',
		    'plan');
		RETURN;
	END IF;
	SELECT c.status, c.body INTO status, body
	  FROM duban_plan_lights_change(p_plan, p_body, tok.label, 'api', tok.id, tok.account_id,
		p_now) c;
END $$;

-- Applies the lights a plan file gives (duban_load_plan, 10-plan.sql):
-- doc {yellow, red, due_soon_days}, or NULL when the file has none.  A
-- plan the load created (p_created) takes them as its own from the start
-- (no change: a report as of any day judges by them).  Else the plan's
-- thresholds change only when the file's lights differ from what the
-- file gave at its last load, so that re-loading an unchanged file keeps
-- a change the general office has made since; a file that drops the key
-- leaves the thresholds as they are.  Whether they changed.
CREATE OR REPLACE FUNCTION duban_plan_lights_load(p_plan bigint, doc jsonb, p_created boolean,
    p_actor text, p_now timestamptz)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
	v_doc		jsonb := CASE WHEN jsonb_typeof(doc) = 'object' THEN doc END;
	v_changed	boolean := false;
BEGIN
	IF p_created AND v_doc IS NOT NULL THEN
		UPDATE plan SET light_yellow = (v_doc->>'yellow')::numeric,
		       light_red = (v_doc->>'red')::numeric,
		       due_soon_days = (v_doc->>'due_soon_days')::int
		 WHERE id = p_plan;
	ELSIF v_doc IS NOT NULL AND v_doc IS DISTINCT FROM
	    (SELECT lights_file FROM plan WHERE id = p_plan) THEN
		v_changed := duban_plan_lights_write(p_plan, (v_doc->>'yellow')::numeric,
		    (v_doc->>'red')::numeric, (v_doc->>'due_soon_days')::int, 'load', p_actor, NULL,
		    NULL, '计划文件设定', p_now);
	END IF;
	UPDATE plan SET lights_file = v_doc
	 WHERE id = p_plan AND lights_file IS DISTINCT FROM v_doc;
	RETURN v_changed;
END $$;

-- ------------------------------------------------------------------
-- A task's lights now: what the task page (GET /api/v1/tasks/{id},
-- lib/store/query.c), `duban task show` and the reminders (50-reminders.sql,
-- 68-notices.sql) show.  The same rules as the quarterly report's
-- (60-reports.sql), judged on p_on by the values the rows hold now and
-- the plan's thresholds now: the report as of today gives the same
-- lights (tests/integration/test-lights.c compares them).

-- A target's light, 临期 and how many points it is behind 序时进度 (NULL
-- when not reported or not measured) on p_on.  Its first report date is
-- the report's: the end of the quarter it came to be in, or an earlier
-- round's date for its plan and its task's lead office.
CREATE OR REPLACE FUNCTION duban_target_light_on(g target, p_on date,
    OUT light text, OUT due_soon boolean, OUT behind numeric)
LANGUAGE sql STABLE AS $$
	SELECT duban_target_light(x.completion, x.elapsed, g.current IS NOT NULL,
		   g.current IS NULL AND r.due < p_on, x.deadline < p_on, p.light_yellow,
		   p.light_red),
	       coalesce(x.completion, 0) < 1 AND x.deadline >= p_on
		   AND x.deadline <= duban_due_soon_until(p_on, p.due_soon_days),
	       CASE WHEN g.current IS NOT NULL THEN (x.elapsed - x.completion) * 100 END
	  FROM task t JOIN plan p ON p.id = t.plan_id
	 CROSS JOIN LATERAL (SELECT coalesce(g.deadline, t.deadline) AS deadline,
		duban_completion(g.kind, g.qualifier, g.value, g.baseline, g.current) AS completion,
		duban_year_share(p.year, coalesce(g.deadline, t.deadline), p_on) AS elapsed,
		CASE WHEN g.created_at <= p.created_at
		     THEN greatest(p.issued_on, make_date(p.year, 1, 1))
		     ELSE (g.created_at AT TIME ZONE 'Asia/Shanghai')::date END AS since) x
	 CROSS JOIN LATERAL (SELECT least(duban_quarter_end(x.since),
		(SELECT min(d.due_on) FROM dispatch d
		   JOIN dispatch_plan dp ON dp.dispatch_id = d.id AND dp.plan_id = p.id
		   JOIN dispatch_office dof ON dof.dispatch_id = d.id
			AND dof.office_id = t.lead_office_id
		  WHERE d.due_on >= x.since
		    AND d.opened_at < (p_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')) AS due) r
	 WHERE t.id = g.task_id
$$;

-- A task's lights on p_on: {light, due_soon, unassigned (未明确牵头处室, a
-- flag beside the light), overdue (its milestones past their date and
-- not done), behind (the most points a target of it is behind 序时进度,
-- rounded; NULL when none is reported), days_left (working days to the
-- nearest open milestone or target deadline that is 临期; NULL when not
-- 临期), targets: [{id, light, due_soon}] (its own)}.  As the report, a
-- task with subtasks is judged by theirs too; NULL for no such task.
CREATE OR REPLACE FUNCTION duban_task_lights(p_task bigint, p_on date) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH rows AS (
		SELECT t.id, t.id = p_task AS self FROM task t
		 WHERE (t.id = p_task OR t.parent_id = p_task) AND t.withdrawn_at IS NULL
	), ms AS (
		SELECT m.due_on, m.status <> 'done' AS open,
		       duban_due_soon_until(p_on, p.due_soon_days) AS soon_until
		  FROM milestone m JOIN rows r ON r.id = m.task_id
		  JOIN task t ON t.id = m.task_id JOIN plan p ON p.id = t.plan_id
		 WHERE m.withdrawn_at IS NULL
		   AND NOT (r.self AND m.kind = 'deadline'
			    AND EXISTS (SELECT 1 FROM rows c WHERE NOT c.self))
	), tg AS (
		SELECT g.id, r.self, g.position, l.light, l.due_soon, l.behind,
		       coalesce(g.deadline, t.deadline) AS deadline
		  FROM target g JOIN rows r ON r.id = g.task_id
		  JOIN task t ON t.id = g.task_id
		 CROSS JOIN LATERAL duban_target_light_on(g, p_on) l
		 WHERE g.withdrawn_at IS NULL
	), s AS (
		SELECT duban_task_status(p_task, p_on) AS status,
		       (SELECT count(*) FROM ms WHERE ms.open AND ms.due_on < p_on) AS overdue,
		       (SELECT min(ms.due_on) FROM ms WHERE ms.open AND ms.due_on >= p_on
			   AND ms.due_on <= ms.soon_until) AS ms_soon,
		       (SELECT min(tg.deadline) FROM tg WHERE tg.due_soon) AS tg_soon,
		       (SELECT max(duban_light_rank(tg.light)) FROM tg WHERE tg.light <> 'grey')
			   AS worst,
		       (SELECT bool_or(tg.light = 'grey') FROM tg) AS grey,
		       (SELECT max(tg.behind) FROM tg) AS behind
	)
	SELECT json_build_object(
		'light', duban_task_light(s.status = 'done', s.overdue > 0, coalesce(s.worst, 0),
		    coalesce(s.grey, false), s.status = 'unreported'),
		'due_soon', s.status <> 'done' AND least(s.ms_soon, s.tg_soon) IS NOT NULL,
		'unassigned', t.lead_office_id IS NULL,
		'overdue', s.overdue,
		'behind', CASE WHEN s.behind > 0 THEN round(s.behind) END,
		'days_left', CASE WHEN s.status <> 'done' THEN
		    (SELECT w.seq FROM workday_seq w WHERE w.day = least(s.ms_soon, s.tg_soon))
		    - (SELECT w.seq FROM workday_seq w WHERE w.day = p_on) END,
		'targets', (SELECT coalesce(json_agg(json_build_object('id', tg.id,
				'light', tg.light, 'due_soon', tg.due_soon) ORDER BY tg.position), '[]')
			      FROM tg WHERE tg.self))
	  FROM task t CROSS JOIN s
	 WHERE t.id = p_task
$$;

-- 【黄灯】, 【临期】: a light as the subjects of reminders begin.
CREATE OR REPLACE FUNCTION duban_light_tag(p_light text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_light WHEN 'green' THEN '【绿灯】' WHEN 'yellow' THEN '【黄灯】'
			    WHEN 'red' THEN '【红灯】' WHEN 'grey' THEN '【灰灯】' ELSE '' END
$$;
