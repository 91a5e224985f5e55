-- 上级督办下级 (migration 0027): the county bureaus' copies of a city's
-- tasks assigned to 各县（市）区, their shares, and the city's roll-up.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- Is task p_task assigned to the county bureau p_county?  When one of
-- its 责任处室 or 协调部门 is the counties as a body (各县（市）区,
-- 各县区教育局 …: a collective whose name starts with 各县) or that
-- county bureau by name.
CREATE OR REPLACE FUNCTION duban_task_for_county(p_task bigint, p_county organisation)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM task_role r JOIN office o ON o.id = r.office_id
		WHERE r.task_id = p_task AND r.role IN ('lead', 'responsible', 'coordinator')
		  AND ((o.kind = 'group' AND o.name LIKE '各县%') OR o.name = p_county.name))
$$;

-- Makes every copy that is missing, and keeps each copy's title and
-- deadlines those of its city task (the same deadline).  Run after
-- every plan load and when a county bureau is added.  The number of
-- tasks made.
CREATE OR REPLACE FUNCTION duban_county_sync(p_now timestamptz) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	x	record;
	v_plan	bigint;
	v_task	bigint;
	n	int := 0;
BEGIN
	FOR x IN
		SELECT t.*, p.key AS plan_key, p.year AS plan_year, p.title AS plan_title,
		       p.kind AS plan_kind, p.source_file, c.id AS county_id, c.name AS county
		  FROM task t JOIN plan p ON p.id = t.plan_id
		  JOIN organisation c ON c.parent_id = p.org_id AND c.kind = 'county_bureau'
		 WHERE p.origin = 'file' AND t.withdrawn_at IS NULL
		   AND NOT EXISTS (SELECT 1 FROM county_task k
				WHERE k.city_task_id = t.id AND k.org_id = c.id)
		   AND duban_task_for_county(t.id, c)
		 ORDER BY p.id, c.id, t.position
	LOOP
		SELECT id INTO v_plan FROM plan
		 WHERE origin = 'county' AND city_plan_id = x.plan_id AND org_id = x.county_id;
		IF v_plan IS NULL THEN
			INSERT INTO plan (key, org_id, year, title, kind, source_file, source_note,
			    origin, city_plan_id, created_at, loaded_at)
			VALUES (x.plan_key || '-' || x.county_id, x.county_id, x.plan_year,
			    x.plan_title || '（' || x.county || '承担部分）', x.plan_kind,
			    x.source_file, '由上级计划分解', 'county', x.plan_id, p_now, p_now)
			RETURNING id INTO v_plan;
		END IF;
		INSERT INTO task (plan_id, key, number, label, title, body, goal, work, measures,
		    deadline, deadline_form, deadline_text, position, updated_at)
		VALUES (v_plan, x.key, x.number, x.label, x.title, x.body, x.goal, x.work,
		    x.measures, x.deadline, x.deadline_form, x.deadline_text, x.position, p_now)
		RETURNING id INTO v_task;
		INSERT INTO county_task (city_task_id, org_id, task_id, created_at)
		VALUES (x.id, x.county_id, v_task, p_now);
		WITH made AS (
			INSERT INTO target (task_id, key, name, kind, value, unit, qualifier, baseline,
			    deadline, deadline_form, body, position, created_at, updated_at)
			SELECT v_task, g.key, g.name, g.kind, g.value, g.unit, g.qualifier, NULL,
			       g.deadline, g.deadline_form, g.body, g.position, p_now, p_now
			  FROM target g WHERE g.task_id = x.id AND g.withdrawn_at IS NULL
			RETURNING id, key)
		INSERT INTO county_target (city_target_id, org_id, target_id)
		SELECT g.id, x.county_id, m.id FROM made m JOIN target g
		    ON g.task_id = x.id AND g.key = m.key;
		INSERT INTO milestone (task_id, key, kind, title, due_on, due_form, body, position,
		    created_at, updated_at)
		SELECT v_task, m.key, m.kind, m.title, m.due_on, m.due_form, m.body, m.position,
		       p_now, p_now
		  FROM milestone m WHERE m.task_id = x.id AND m.withdrawn_at IS NULL;
		n := n + 1;
	END LOOP;
	-- The same deadline and title as the city's task.
	UPDATE task c SET deadline = t.deadline, deadline_form = t.deadline_form,
	       deadline_text = t.deadline_text, title = t.title, version = c.version + 1,
	       updated_at = p_now
	  FROM county_task k JOIN task t ON t.id = k.city_task_id
	 WHERE c.id = k.task_id
	   AND (c.deadline, c.title) IS DISTINCT FROM (t.deadline, t.title);
	RETURN n;
END $$;

-- The city sets a county's share of a city target: PUT
-- /api/v1/targets/{id}/counties/{org} and `duban county share` (p_token
-- NULL: the CLI).  The county's copy takes it as its value; the change
-- is in the copy's history.
CREATE OR REPLACE FUNCTION duban_county_share(p_token text, p_target bigint, p_org text,
    p_body jsonb, p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	p_share	numeric;
	tok	api_token;
	k	county_target;
	g	target;
	c	target;
	t	task;
BEGIN
	IF p_token IS NOT NULL THEN
		SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
		IF tok.id IS NULL OR tok.role <> 'general' THEN
			body := duban_api_check(tok, NULL);
			IF body IS NULL THEN
				body := duban_api_problem(403, '无权分配', '各县（市）区的分解指标由局办公室分配');
			END IF;
			status := (body->>'status')::int;
			RETURN;
		END IF;
	END IF;
	SELECT * INTO g FROM target WHERE id = p_target;
	IF g.id IS NULL OR (p_token IS NOT NULL AND NOT duban_tok_sees_task(tok, g.task_id)) THEN
		status := 404;
		body := duban_api_problem(404, '指标不存在', '没有编号为 ' || p_target || ' 的指标');
		RETURN;
	END IF;
	SELECT k2.* INTO k FROM county_target k2 JOIN organisation o ON o.id = k2.org_id
	 WHERE k2.city_target_id = p_target AND (o.name = p_org OR o.id::text = p_org);
	IF k.target_id IS NULL THEN
		status := 404;
		body := duban_api_problem(404, '没有分解到该县（市）区',
		    '指标 ' || p_target || ' 没有分解到“' || coalesce(p_org, '') ||
		    '”：只有交由各县（市）区承担的任务分解到其下级单位', 'org');
		RETURN;
	END IF;
	IF jsonb_typeof(p_body->'share') = 'number' THEN
		p_share := (p_body->>'share')::numeric;
	END IF;
	IF p_share IS NULL OR p_share < 0 OR p_share > 1e12 THEN
		status := 400;
		body := duban_api_problem(400, '分解数值有误', '分解数值应为不小于 0 的数', 'share');
		RETURN;
	END IF;
	SELECT * INTO c FROM target WHERE id = k.target_id FOR UPDATE;
	SELECT * INTO t FROM task WHERE id = c.task_id;
	UPDATE county_target SET share = p_share, share_at = p_now, share_by = p_actor
	 WHERE city_target_id = k.city_target_id AND org_id = k.org_id;
	IF c.value IS DISTINCT FROM p_share THEN
		UPDATE target SET value = p_share, version = version + 1, updated_at = p_now
		 WHERE id = c.id;
		INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
		    target_id, field, old_value, new_value, note)
		VALUES (p_now, coalesce(tok.label, p_actor), tok.office_id, tok.id,
		    CASE WHEN p_token IS NULL THEN 'cli' ELSE 'api' END, t.plan_id, t.id, c.id,
		    'value', c.value::text, p_share::text, '上级分解指标');
	END IF;
	status := 200;
	body := duban_county_rollup(g.task_id, (p_now AT TIME ZONE 'Asia/Shanghai')::date);
END $$;

-- The city's view of a task's copies: each county's copy (its plan,
-- status on p_today and targets: share and reported value), and for
-- each additive target (a count or an amount) the sums over the
-- counties.  NULL when the task has no copies.
CREATE OR REPLACE FUNCTION duban_county_rollup(p_task bigint, p_today date) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN EXISTS (SELECT 1 FROM county_task WHERE city_task_id = p_task) THEN
	json_build_object(
	'counties', (SELECT json_agg(json_build_object('org', o.name, 'org_id', o.id,
			'task_id', k.task_id, 'plan', p.key,
			'status', duban_task_status(k.task_id, p_today),
			'targets', (SELECT coalesce(json_agg(json_build_object(
				'city_target_id', ck.city_target_id, 'target_id', g.id,
				'name', g.name, 'unit', g.unit, 'value', g.value,
				'share_set', ck.share IS NOT NULL, 'current', g.current,
				'completion', duban_target_completion(g)) ORDER BY g.position), '[]')
				FROM county_target ck JOIN target g ON g.id = ck.target_id
				WHERE ck.org_id = k.org_id AND g.task_id = k.task_id))
			ORDER BY o.name)
		  FROM county_task k JOIN organisation o ON o.id = k.org_id
		  JOIN task ct ON ct.id = k.task_id JOIN plan p ON p.id = ct.plan_id
		 WHERE k.city_task_id = p_task),
	'sums', (SELECT coalesce(json_agg(json_build_object('target_id', g.id, 'name', g.name,
			'unit', g.unit, 'value', g.value,
			'assigned', (SELECT sum(c.value) FROM county_target ck
				JOIN target c ON c.id = ck.target_id WHERE ck.city_target_id = g.id),
			'current', (SELECT sum(c.current) FROM county_target ck
				JOIN target c ON c.id = ck.target_id WHERE ck.city_target_id = g.id),
			'reported', (SELECT count(c.current) FROM county_target ck
				JOIN target c ON c.id = ck.target_id WHERE ck.city_target_id = g.id),
			'counties', (SELECT count(*) FROM county_target ck
				WHERE ck.city_target_id = g.id)) ORDER BY g.position), '[]')
		  FROM target g WHERE g.task_id = p_task AND g.withdrawn_at IS NULL
		   AND g.kind IN ('count', 'amount')))
	END
$$;

-- A county copy's city task (for the county's task page), or NULL; with
-- the copy's 报送期限 (report_by: the date its city's open round asks
-- the county to 报送 by, set when the round opens, 70-dispatch.sql) and
-- that round.
CREATE OR REPLACE FUNCTION duban_county_city_task(p_task bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('task_id', k.city_task_id, 'plan', p.key, 'label', t.label,
		'org', o.name, 'report_by', k.report_by,
		'report_by_dispatch', CASE WHEN k.report_by IS NOT NULL THEN
			(SELECT json_build_object('id', d.id, 'title', d.title, 'due_on', d.due_on)
			   FROM dispatch d WHERE d.id = k.report_by_dispatch) END)
	  FROM county_task k JOIN task t ON t.id = k.city_task_id
	  JOIN plan p ON p.id = t.plan_id JOIN organisation o ON o.id = p.org_id
	 WHERE k.task_id = p_task
$$;

-- PUT /api/v1/tasks/{id}/county-office {office} and `duban county assign
-- TASK --office NAME`: a county bureau's general office names the office
-- (科室) of its own that undertakes its copy of a city task (承办科室:
-- the copy's lead office).  That office's people then fill in the
-- copy's rows themselves (duban_office_may_write: its own tasks only)
-- for the city's rounds, and the county's general office 报送s the
-- county's report as before.  The change is in the copy's history
-- (lead_office), and the office is asked to 签收 it as any assignment.
-- Only the county's own general office (p_token NULL: the CLI); the
-- city's tokens read the copy but 403 here; another tenant's task is not
-- there (404).  200 with {task_id, office, previous}.
CREATE OR REPLACE FUNCTION duban_api_county_office(p_token text, p_task bigint, p_body jsonb,
    p_actor text, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	k		county_task;
	t		task;
	v_name		text;
	v_office	bigint;
	v_old		text;
BEGIN
	IF p_token IS NOT NULL THEN
		SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
		IF tok.id IS NULL THEN
			RETURN duban_api_check(tok, NULL);
		END IF;
	END IF;
	SELECT * INTO t FROM task WHERE id = p_task FOR UPDATE;
	IF t.id IS NULL OR (p_token IS NOT NULL AND NOT duban_tok_sees_task(tok, p_task)) THEN
		RETURN duban_api_problem(404, '任务不存在', '没有编号为 ' || p_task || ' 的任务');
	END IF;
	SELECT * INTO k FROM county_task WHERE task_id = p_task;
	IF k.task_id IS NULL THEN
		RETURN duban_api_problem(409, '不是县（市）区承担的任务',
		    '任务 ' || p_task || ' 不是上级交由县（市）区承担的任务副本：本单位的任务由计划文件或交办确定牵头处室');
	END IF;
	IF p_token IS NOT NULL AND NOT (tok.role = 'general' AND tok.org_id = k.org_id) THEN
		RETURN duban_api_problem(403, '无权确定承办科室',
		    '承办科室由承担任务的县（市）区教育局办公室（general 角色）确定');
	END IF;
	IF jsonb_typeof(p_body->'office') IS DISTINCT FROM 'string'
	   OR btrim(p_body->>'office') = '' THEN
		RETURN duban_api_problem(400, '缺少承办科室', '请在 office 中给出本单位承办的科室名称',
		    'office');
	END IF;
	v_name := btrim(p_body->>'office');
	SELECT o.id INTO v_office FROM office o
	 WHERE o.org_id = k.org_id AND o.name = v_name AND o.kind IN ('office', 'unit');
	IF v_office IS NULL THEN
		RETURN duban_api_problem(404, '科室不存在', '“' ||
		    (SELECT name FROM organisation WHERE id = k.org_id) || '”没有名为“' || v_name ||
		    '”的科室或直属单位', 'office');
	END IF;
	SELECT o.name INTO v_old FROM office o WHERE o.id = t.lead_office_id;
	IF t.lead_office_id IS DISTINCT FROM v_office THEN
		DELETE FROM task_role WHERE task_id = p_task AND role = 'lead';
		INSERT INTO task_role (task_id, role, office_id, position)
		VALUES (p_task, 'lead', v_office, 1);
		INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id,
		    field, old_value, new_value, note)
		VALUES (p_now, coalesce(tok.label, p_actor), tok.office_id, tok.id,
		    CASE WHEN p_token IS NULL THEN 'cli' ELSE 'api' END, t.plan_id, t.id,
		    'lead_office', v_old, v_name, '县（市）区确定承办科室');
		PERFORM duban_assignments_sync(p_now);
	END IF;
	RETURN json_build_object('status', 200, 'body', json_build_object('task_id', p_task,
	    'office', v_name, 'previous', v_old));
END $$;

-- 县（市）区排名: the county bureaus with copies of the plans p_plans
-- (their city's), ranked on those copies by the rule the quarterly report
-- ranks offices by (60-reports.sql, office_ranked): of the copies'
-- milestones due by the as-of day, the share done (完成率), then the share
-- done on time (按时完成率), exact values; equal keys share a rank (1, 1,
-- 3); a county with nothing due is listed apart (rank null, ranked
-- false).  The figures are the copies' own quarterly report
-- (duban_report_quarterly over every county's copy plans at once, the
-- same quarter, as-of day and cut), so they are judged as the city's
-- tasks are, history and all, and taken apart by plan: a copy is a task
-- row of its own (copies have no subtasks), its milestones its own, and
-- a due milestone is done or overdue (done = due - overdue).  Tasks are
-- counted by progress: a copy names no lead office until the county
-- gives it one, and its status would say only 未明确牵头处室.  NULL when
-- none of the plans has county copies (the report then has no county
-- section).
CREATE OR REPLACE FUNCTION duban_county_ranking(p_plans bigint[], p_from date, p_to date,
    p_as_of date, p_on date, p_cut timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_plans	bigint[];
	v_rep	jsonb;
BEGIN
	SELECT array_agg(id ORDER BY id) INTO v_plans FROM plan
	 WHERE origin = 'county' AND city_plan_id = ANY (p_plans);
	IF v_plans IS NULL THEN
		RETURN NULL;
	END IF;
	v_rep := duban_report_quarterly(v_plans, p_from, p_to, p_as_of, p_on, p_cut)::jsonb;
	RETURN (
	WITH c AS (
		SELECT o.id, o.name, array_agg(p.key ORDER BY p.id) AS keys
		  FROM plan p JOIN organisation o ON o.id = p.org_id
		 WHERE p.id = ANY (v_plans)
		 GROUP BY o.id, o.name
	), t AS MATERIALIZED (
		SELECT p.org_id, e.t, (e.t->'milestones'->>'due')::int AS due,
		       (e.t->'milestones'->>'overdue')::int AS overdue,
		       (e.t->'milestones'->>'on_time')::int AS on_time
		  FROM jsonb_array_elements(v_rep->'tasks') e(t)
		  JOIN plan p ON p.key = e.t->>'plan' AND p.id = ANY (v_plans)
	), f AS (
		SELECT t.org_id, count(*) AS tasks,
		       count(*) FILTER (WHERE t.t->>'progress_status' = 'done') AS done,
		       count(*) FILTER (WHERE t.t->>'progress_status' = 'overdue') AS overdue_tasks,
		       count(*) FILTER (WHERE t.t->>'progress_status' = 'behind') AS behind_tasks,
		       count(*) FILTER (WHERE t.t->>'progress_status' = 'unreported') AS unreported_tasks,
		       sum(t.due) AS ms_due, sum(t.due - t.overdue) AS ms_done_due,
		       sum(t.on_time) AS ms_on_time, sum(t.overdue) AS ms_overdue,
		       json_build_object(
			   'green', count(*) FILTER (WHERE t.t->>'light' = 'green'),
			   'yellow', count(*) FILTER (WHERE t.t->>'light' = 'yellow'),
			   'red', count(*) FILTER (WHERE t.t->>'light' = 'red'),
			   'grey', count(*) FILTER (WHERE t.t->>'light' = 'grey')) AS lights
		  FROM t GROUP BY t.org_id
	), g AS (
		-- Completion averaged over the targets reported (未填报 is not 0%).
		SELECT t.org_id, avg((x.g->>'completion')::numeric) AS avg_completion,
		       count(*) FILTER (WHERE x.g->'accumulates' = 'true') AS measured,
		       count(*) FILTER (WHERE x.g->'accumulates' = 'true'
					  AND jsonb_typeof(x.g->'current') = 'number') AS measured_reported
		  FROM t CROSS JOIN LATERAL jsonb_array_elements(t.t->'targets') x(g)
		 GROUP BY t.org_id
	), ranked AS (
		SELECT c.id, c.name, c.keys, coalesce(f.tasks, 0) AS tasks,
		       coalesce(f.done, 0) AS done, coalesce(f.overdue_tasks, 0) AS overdue_tasks,
		       coalesce(f.behind_tasks, 0) AS behind_tasks,
		       coalesce(f.unreported_tasks, 0) AS unreported_tasks,
		       coalesce(f.ms_due, 0) AS ms_due, coalesce(f.ms_done_due, 0) AS ms_done_due,
		       coalesce(f.ms_on_time, 0) AS ms_on_time, coalesce(f.ms_overdue, 0) AS ms_overdue,
		       f.lights, g.avg_completion, coalesce(g.measured, 0) AS measured,
		       coalesce(g.measured_reported, 0) AS measured_reported,
		       CASE WHEN f.ms_due > 0 THEN f.ms_done_due::numeric / f.ms_due END AS done_rate,
		       CASE WHEN f.ms_due > 0 THEN f.ms_on_time::numeric / f.ms_due END AS on_time_rate,
		       CASE WHEN f.ms_due > 0 THEN rank() OVER (PARTITION BY f.ms_due > 0
			    ORDER BY f.ms_done_due::numeric / nullif(f.ms_due, 0) DESC,
				     f.ms_on_time::numeric / nullif(f.ms_due, 0) DESC) END AS rank
		  FROM c LEFT JOIN f ON f.org_id = c.id LEFT JOIN g ON g.org_id = c.id
	)
	SELECT json_agg(json_build_object('org_id', id, 'name', name, 'plans', keys,
		'tasks', tasks, 'done', done, 'overdue_tasks', overdue_tasks,
		'behind_tasks', behind_tasks, 'unreported_tasks', unreported_tasks,
		'milestones_due', ms_due, 'milestones_done', ms_done_due,
		'milestones_on_time', ms_on_time, 'milestones_overdue', ms_overdue,
		'completion_rate', duban_ratio(done_rate), 'on_time_rate', duban_ratio(on_time_rate),
		'avg_completion', duban_ratio(avg_completion), 'targets_measured', measured,
		'targets_reported', measured_reported,
		'lights', coalesce(lights, json_build_object('green', 0, 'yellow', 0, 'red', 0,
			'grey', 0)),
		'rank', rank, 'ranked', rank IS NOT NULL)
		ORDER BY rank NULLS LAST, name COLLATE "C")
	  FROM ranked);
END $$;

-- The rule printed under the county ranking.
CREATE OR REPLACE FUNCTION duban_county_ranking_rule() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '县（市）区排名按各县（市）区承担的上级任务（分解到本县区的任务副本）中截至本期已到期的节点计算：'
	    || '先比完成率（已完成的到期节点占到期节点的比例），再比按时完成率（按时完成的占到期节点的比例），'
	    || '由高到低排列；两项都相同的并列同一名次，其后名次顺延（如 1、1、3）。本期无到期节点的县（市）区'
	    || '另列为“本期无到期事项”，不参加排名。'
$$;

-- The quarterly report p_report (duban_report_quarterly's, for the plans
-- p_plans) with the county ranking added at its end, as 'counties' and
-- 'county_ranking_rule', when the plans have county copies; else the
-- report as it is, text for text (so reports of plans without counties
-- do not change).  Spliced as text: the report runs to megabytes and
-- keeps its keys' order.
CREATE OR REPLACE FUNCTION duban_county_report(p_report json, p_plans bigint[], p_from date,
    p_to date, p_as_of date, p_on date, p_cut timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_rank	json := duban_county_ranking(p_plans, p_from, p_to, p_as_of, p_on, p_cut);
	v_text	text;
BEGIN
	IF v_rank IS NULL OR p_report IS NULL THEN
		RETURN p_report;
	END IF;
	v_text := rtrim(p_report::text);
	RETURN (left(v_text, -1) || ', "counties" : ' || v_rank::text
	    || ', "county_ranking_rule" : ' || to_json(duban_county_ranking_rule())::text
	    || '}')::json;
END $$;
