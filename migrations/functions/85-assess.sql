-- 考核: the year-end score of each office (目标管理考核), line by line.
-- The rule tables and 领导评价 are migration 0026's; the file format and
-- the rules' meaning are docs/assess-format.md.  `duban assess score`
-- and GET /api/v1/assess call duban_assess_report (the API through
-- duban_api_assess, which says what the caller may see); `duban assess
-- load` calls duban_assess_rules_load; POST /api/v1/assess/grades (and
-- `duban assess grade` through it) duban_api_assess_grade.
--
-- Reproducible: only what happened before the cut counts, read from the
-- history tables by their moments (progress, office_report_step,
-- milestone_extension, task_completion, assess_grade); the rule table is
-- the newest loaded for the year by the moment of computing (rules are
-- how the year is judged, often settled after it).
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The rules' codes, in the order of the 考核表's columns, with the
-- headings users read.
CREATE OR REPLACE FUNCTION duban_assess_rule_label(p_rule text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE p_rule
		WHEN 'base' THEN '基础分'
		WHEN 'overdue_milestone' THEN '节点逾期'
		WHEN 'late_report' THEN '逾期报送'
		WHEN 'missing_report' THEN '逾期未报'
		WHEN 'returned' THEN '退回'
		WHEN 'extension' THEN '多次延期'
		WHEN 'early_completion' THEN '提前办结'
		WHEN 'leader' THEN '领导评价'
		ELSE p_rule END
$$;

CREATE OR REPLACE FUNCTION duban_assess_rule_codes() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT ARRAY['base', 'overdue_milestone', 'late_report', 'missing_report', 'returned',
	    'extension', 'early_completion', 'leader']
$$;

-- The rule table in force for p_year at p_now: the newest loaded by then.
CREATE OR REPLACE FUNCTION duban_assess_rule_at(p_year int, p_now timestamptz)
RETURNS assess_rule LANGUAGE sql STABLE AS $$
	SELECT * FROM assess_rule r
	 WHERE r.year = p_year AND r.loaded_at <= p_now
	 ORDER BY r.loaded_at DESC, r.id DESC LIMIT 1
$$;

-- The end of day p_as_of (Beijing time), or p_now if that is earlier or
-- no day is given: what a score as of that day counts up to (exclusive).
CREATE OR REPLACE FUNCTION duban_assess_cut(p_as_of date, p_now timestamptz)
RETURNS timestamptz LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p_as_of IS NULL THEN p_now
		    ELSE least(p_now, (p_as_of + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') END
$$;

-- Every line of every office's score for the plans of p_year, counting
-- what happened before p_cut, by the rules r (an assess_rule's rules):
--   base               each task (not withdrawn by the cut), to its lead
--                      offices (share lead) and responsible offices of
--                      the bureau (share responsible)
--   overdue_milestone  each milestone whose due date (as it stood) was
--                      over by the cut and that was not done by it, on
--                      or before that date; shared as base
--   late_report        each dispatch round an office first reported to
--                      after its date (逾期报送)
--   missing_report     each round whose date was over by the cut with
--                      nothing reported (逾期未报)
--   returned           each report the general office returned (退回),
--                      and each 办结 request returned, to its office
--   extension          each extension granted to a task beyond the free
--                      ones (free_extensions), to the office that asked
--   early_completion   each task done (办结) before its deadline by at
--                      least early_workdays working days; shared as base
--   leader             the newest 领导评价 entered by the cut
-- points carry their sign; share is the office's part (1 when whole).
-- PL/pgSQL with custom plans, as duban_report_quarterly; without JIT,
-- whose compiling (1.7 s) costs far more than the query it speeds.
CREATE OR REPLACE FUNCTION duban_assess_lines(p_year int, p_cut timestamptz, r jsonb,
    p_orgs bigint[])
RETURNS TABLE (office_id bigint, office text, rule text, task_id bigint, task text,
    task_title text, item text, dispatch_id bigint, on_day date, at timestamptz,
    share numeric, points numeric, detail text)
LANGUAGE plpgsql STABLE AS $$
#variable_conflict use_column
DECLARE
	v_on		date := (p_cut AT TIME ZONE 'Asia/Shanghai')::date;
	v_plans		bigint[];
	v_task		numeric := coalesce((r->'points'->>'task')::numeric, 0);
	v_lead		numeric := coalesce((r->'shares'->>'lead')::numeric, 100) / 100;
	v_resp		numeric := coalesce((r->'shares'->>'responsible')::numeric, 0) / 100;
	v_overdue	numeric := coalesce((r->'deductions'->>'overdue_milestone')::numeric, 0);
	v_late		numeric := coalesce((r->'deductions'->>'late_report')::numeric, 0);
	v_missing	numeric := coalesce((r->'deductions'->>'missing_report')::numeric, 0);
	v_returned	numeric := coalesce((r->'deductions'->>'returned')::numeric, 0);
	v_ext		numeric := coalesce((r->'deductions'->>'extension')::numeric, 0);
	v_free		int := coalesce((r->'deductions'->>'free_extensions')::int, 1);
	v_early		numeric := coalesce((r->'bonus'->>'early_completion')::numeric, 0);
	v_early_days	int := coalesce((r->'bonus'->>'early_workdays')::int, 0);
BEGIN
	-- The plans of the organisations assessed (tenants; NULL: all).
	SELECT array_agg(p.id) INTO v_plans FROM plan p WHERE p.year = p_year
	   AND (p_orgs IS NULL OR p.org_id = ANY (p_orgs));
	IF v_plans IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY
	WITH
	-- A field's value at the cut, where the history knows it (as
	-- duban_report_quarterly reads it).
	hist AS MATERIALIZED (
		SELECT DISTINCT ON (h.task_id, h.milestone_id, h.field)
		       h.task_id, h.milestone_id, h.field,
		       CASE WHEN h.at < p_cut THEN h.new_value ELSE h.old_value END AS value
		  FROM progress h
		 WHERE h.plan_id = ANY (v_plans) AND h.task_id IS NOT NULL
		   AND h.target_id IS NULL
		   AND h.field IN ('deadline', 'due_on', 'status', 'completed_on')
		 ORDER BY h.task_id, h.milestone_id, h.field, (h.at < p_cut) DESC,
			  CASE WHEN h.at < p_cut THEN h.at END DESC,
			  CASE WHEN h.at >= p_cut THEN h.at END,
			  CASE WHEN h.at < p_cut THEN -h.id ELSE h.id END
	),
	tasks AS MATERIALIZED (
		SELECT t.id, t.label, t.title, t.parent_id, t.lead_office_id, p.completion_review,
		       coalesce(hd.value::date, t.deadline) AS deadline,
		       EXISTS (SELECT 1 FROM task c WHERE c.parent_id = t.id
				  AND (c.withdrawn_at IS NULL OR c.withdrawn_at >= p_cut))
			   AS has_subtasks
		  FROM task t JOIN plan p ON p.id = t.plan_id
		  LEFT JOIN hist hd ON hd.task_id = t.id AND hd.milestone_id IS NULL
			AND hd.field = 'deadline'
		 WHERE t.plan_id = ANY (v_plans)
		   AND (t.withdrawn_at IS NULL OR t.withdrawn_at >= p_cut)
	),
	-- Each task's offices and their parts: its lead offices whole, the
	-- bureau's own responsible offices (not collectives, not outside
	-- departments) by the responsible share.
	roles AS MATERIALIZED (
		SELECT DISTINCT ON (x.task_id, x.office_id) x.task_id, x.office_id, x.share
		  FROM (SELECT t.id AS task_id, t.lead_office_id AS office_id, v_lead AS share,
			       0 AS pref
			  FROM tasks t WHERE t.lead_office_id IS NOT NULL
			UNION ALL
			SELECT tr.task_id, tr.office_id,
			       CASE tr.role WHEN 'lead' THEN v_lead ELSE v_resp END,
			       CASE tr.role WHEN 'lead' THEN 1 ELSE 2 END
			  FROM task_role tr JOIN tasks t ON t.id = tr.task_id
			  JOIN office o ON o.id = tr.office_id AND o.kind IN ('office', 'unit')
			 WHERE tr.role IN ('lead', 'responsible')) x
		 ORDER BY x.task_id, x.office_id, x.pref
	),
	-- Milestones as they stood at the cut; a task with subtasks leaves
	-- its 完成时限 to theirs.
	ms AS MATERIALIZED (
		SELECT m.id, m.task_id, m.title, t.parent_id,
		       coalesce(hu.value::date, m.due_on) AS due_on,
		       CASE WHEN hs.milestone_id IS NOT NULL THEN hs.value ELSE m.status END
			   AS status,
		       CASE WHEN hc.milestone_id IS NOT NULL THEN hc.value::date
			    ELSE m.completed_on END AS completed_on
		  FROM milestone m JOIN tasks t ON t.id = m.task_id
		  LEFT JOIN hist hu ON hu.milestone_id = m.id AND hu.field = 'due_on'
		  LEFT JOIN hist hs ON hs.milestone_id = m.id AND hs.field = 'status'
		  LEFT JOIN hist hc ON hc.milestone_id = m.id AND hc.field = 'completed_on'
		 WHERE (m.withdrawn_at IS NULL OR m.withdrawn_at >= p_cut)
		   AND NOT (t.has_subtasks AND m.kind = 'deadline')
	),
	-- When each task was done (办结), by the cut: under 办结审核 the day
	-- its request was approved; else the day its last milestone (its
	-- subtasks' too) was completed, all of them being done.
	done AS MATERIALIZED (
		SELECT t.id AS task_id,
		       CASE WHEN t.completion_review THEN a.approved_on
			    WHEN mg.n > 0 AND mg.all_done THEN mg.last_on END AS on_day
		  FROM tasks t
		  LEFT JOIN (SELECT x.tid, count(*) AS n, max(x.completed_on) AS last_on,
				    bool_and(x.status = 'done' AND x.completed_on IS NOT NULL)
					AS all_done
			       FROM (SELECT m.task_id AS tid, m.status, m.completed_on FROM ms m
				     UNION ALL
				     SELECT m.parent_id, m.status, m.completed_on FROM ms m
				      WHERE m.parent_id IS NOT NULL) x
			      GROUP BY x.tid) mg ON mg.tid = t.id
		  LEFT JOIN (SELECT c.task_id,
				    (min(c.decided_at) AT TIME ZONE 'Asia/Shanghai')::date
					AS approved_on
			       FROM task_completion c
			      WHERE c.state = 'approved' AND c.decided_at < p_cut
			      GROUP BY c.task_id) a ON a.task_id = t.id
	),
	-- The rounds of the year's plans opened by the cut, and when each of
	-- their offices first reported: a head's 报送, or a direct write in
	-- the round's window (duban_dispatch_offices' rule).
	rounds AS MATERIALIZED (
		SELECT d.id, d.title, d.due_on, d.opened_at, d.closed_at, x.office_id,
		       (d.due_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS due_end,
		       least(rs.first_at, dw.first_at) AS first_at
		  FROM dispatch d JOIN dispatch_office x ON x.dispatch_id = d.id
		  LEFT JOIN (SELECT rp.dispatch_id, rp.office_id, min(st.at) AS first_at
			       FROM office_report rp
			       JOIN office_report_step st ON st.report_id = rp.id
			      WHERE rp.dispatch_id IS NOT NULL AND st.action = 'report'
				AND st.at < p_cut
			      GROUP BY rp.dispatch_id, rp.office_id) rs
			ON rs.dispatch_id = d.id AND rs.office_id = x.office_id
		  LEFT JOIN (SELECT dp.dispatch_id, h.office_id, min(h.at) AS first_at
			       FROM progress h
			       JOIN dispatch_plan dp ON dp.plan_id = h.plan_id
			       JOIN dispatch d2 ON d2.id = dp.dispatch_id
			      WHERE h.plan_id = ANY (v_plans) AND h.report_id IS NULL
				AND h.source IN ('api', 'cli') AND h.office_id IS NOT NULL
				AND h.at >= d2.opened_at AND h.at < p_cut
				AND (d2.closed_at IS NULL OR h.at <= d2.closed_at)
			      GROUP BY dp.dispatch_id, h.office_id) dw
			ON dw.dispatch_id = d.id AND dw.office_id = x.office_id
		 WHERE d.opened_at < p_cut
		   AND EXISTS (SELECT 1 FROM dispatch_plan dp WHERE dp.dispatch_id = d.id
				  AND dp.plan_id = ANY (v_plans))
	),
	-- Each step of the reports, with the state the report was in before.
	steps AS (
		SELECT st.*, lag(st.state) OVER (PARTITION BY st.report_id
			ORDER BY st.at, st.id) AS before
		  FROM office_report_step st WHERE st.at < p_cut
	),
	-- Extensions granted, numbered per task in the order granted.
	ext AS (
		SELECT e.*, row_number() OVER (PARTITION BY e.task_id
			ORDER BY e.decided_at, e.id) AS n
		  FROM milestone_extension e JOIN tasks t ON t.id = e.task_id
		 WHERE e.state = 'approved' AND e.decided_at < p_cut
	),
	lines AS (
		SELECT ro.office_id, 'base' AS rule, t.id AS task_id, NULL::text AS item,
		       NULL::bigint AS dispatch_id, NULL::date AS on_day,
		       NULL::timestamptz AS at, ro.share, v_task * ro.share AS points,
		       NULL::text AS detail
		  FROM tasks t JOIN roles ro ON ro.task_id = t.id
		UNION ALL
		SELECT ro.office_id, 'overdue_milestone', m.task_id, m.title, NULL, m.due_on,
		       NULL, ro.share, -v_overdue * ro.share,
		       CASE WHEN m.status = 'done' AND m.completed_on IS NOT NULL
			    THEN '完成时限 ' || m.due_on || '，' || m.completed_on || ' 完成'
			    ELSE '完成时限 ' || m.due_on || '，截至考核时点未完成' END
		  FROM ms m JOIN roles ro ON ro.task_id = m.task_id
		 WHERE m.due_on < v_on
		   AND NOT (m.status = 'done' AND m.completed_on IS NOT NULL
			    AND m.completed_on <= m.due_on)
		UNION ALL
		SELECT rd.office_id, 'late_report', NULL, rd.title, rd.id,
		       (rd.first_at AT TIME ZONE 'Asia/Shanghai')::date, rd.first_at, 1, -v_late,
		       '报送时限 ' || rd.due_on || '，' ||
		       to_char(rd.first_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') ||
		       ' 报送'
		  FROM rounds rd WHERE rd.first_at >= rd.due_end
		UNION ALL
		SELECT rd.office_id, 'missing_report', NULL, rd.title, rd.id, rd.due_on, rd.due_end,
		       1, -v_missing, '报送时限 ' || rd.due_on || '，截至考核时点未报送'
		  FROM rounds rd WHERE rd.first_at IS NULL AND rd.due_end <= p_cut
		UNION ALL
		SELECT rp.office_id, 'returned', NULL,
		       coalesce(d.title, '日常报送'), rp.dispatch_id,
		       (s.at AT TIME ZONE 'Asia/Shanghai')::date, s.at, 1, -v_returned,
		       '报告被局办公室退回：' || s.reason
		  FROM steps s JOIN office_report rp ON rp.id = s.report_id
		  LEFT JOIN dispatch d ON d.id = rp.dispatch_id
		 -- the general office's: of a report that had gone out
		 WHERE s.action = 'return' AND s.before = 'reported'
		   AND (rp.dispatch_id IS NULL
			OR EXISTS (SELECT 1 FROM dispatch_plan dp WHERE dp.dispatch_id = rp.dispatch_id
				      AND dp.plan_id = ANY (v_plans)))
		UNION ALL
		SELECT coalesce(c.requested_office_id, t.lead_office_id), 'returned', t.id,
		       '办结申请', NULL, (c.decided_at AT TIME ZONE 'Asia/Shanghai')::date,
		       c.decided_at, 1, -v_returned, '办结申请被退回：' || c.decision_reason
		  FROM task_completion c JOIN tasks t ON t.id = c.task_id
		 WHERE c.state = 'returned' AND c.decided_at < p_cut
		UNION ALL
		SELECT coalesce(e.requested_office_id, t.lead_office_id), 'extension', t.id, m.title,
		       NULL, (e.decided_at AT TIME ZONE 'Asia/Shanghai')::date, e.decided_at, 1,
		       -v_ext, '第 ' || e.n || ' 次延期：' || e.due_on || ' 延至 ' || e.new_due_on
		  FROM ext e JOIN tasks t ON t.id = e.task_id JOIN milestone m ON m.id = e.milestone_id
		 WHERE e.n > v_free
		UNION ALL
		SELECT ro.office_id, 'early_completion', t.id, NULL, NULL, dn.on_day, NULL,
		       ro.share, v_early * ro.share,
		       dn.on_day || ' 办结，完成时限 ' || t.deadline
		  FROM tasks t JOIN done dn ON dn.task_id = t.id
		  JOIN roles ro ON ro.task_id = t.id
		 WHERE dn.on_day < t.deadline
		   AND (v_early_days <= 0 OR
			(SELECT wd.seq FROM workday_seq wd WHERE wd.day = t.deadline) -
			(SELECT wd.seq FROM workday_seq wd WHERE wd.day = dn.on_day) >= v_early_days)
		UNION ALL
		SELECT * FROM (
			SELECT DISTINCT ON (g.office_id) g.office_id, 'leader', NULL::bigint,
			       NULL::text, NULL::bigint, (g.at AT TIME ZONE 'Asia/Shanghai')::date,
			       g.at, 1::numeric, g.points,
			       coalesce(g.actor || '：' || g.note, g.actor)
			  FROM assess_grade g
			 WHERE g.year = p_year AND g.at < p_cut
			 ORDER BY g.office_id, g.at DESC, g.id DESC) lg
	)
	SELECT l.office_id, o.name, l.rule, l.task_id, t.label, t.title, l.item, l.dispatch_id,
	       l.on_day, l.at, trim_scale(round(l.share, 4)), trim_scale(round(l.points, 4)),
	       l.detail
	  FROM lines l JOIN office o ON o.id = l.office_id
	  LEFT JOIN task t ON t.id = l.task_id
	 WHERE l.office_id IS NOT NULL;
END $$ SET jit = off;

-- The score of p_year as of the end of day p_as_of (NULL: now) by the
-- rules in force at p_now: {year, as_of, cut, computed_at, rules,
-- columns, offices: [{office, subtotals, total, rank}], lines}.  With
-- p_office (an office id) only that office's lines; the table of totals
-- is always every office's.  Ranks: by total, highest first, ties share
-- a rank (1, 1, 3).  Status 200, or a problem naming the field.
CREATE OR REPLACE FUNCTION duban_assess_report(p_year int, p_as_of date, p_office bigint,
    p_now timestamptz, p_orgs bigint[], OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_rule	assess_rule;
	v_cut	timestamptz;
BEGIN
	IF p_year IS NULL OR p_year NOT BETWEEN 2000 AND 2100 THEN
		status := 400;
		body := duban_api_problem(400, '考核年度有误', '考核年度应为 2000 至 2100 之间的年份',
		    'year');
		RETURN;
	END IF;
	IF p_as_of IS NOT NULL AND p_as_of < make_date(p_year, 1, 1) THEN
		status := 400;
		body := duban_api_problem(400, '考核时点有误', '考核时点 ' || p_as_of ||
		    ' 早于考核年度 ' || p_year || ' 年的开始', 'as_of');
		RETURN;
	END IF;
	v_rule := duban_assess_rule_at(p_year, p_now);
	IF v_rule.id IS NULL THEN
		status := 404;
		body := duban_api_problem(404, '尚无考核规则', '尚未载入 ' || p_year ||
		    ' 年度的考核规则（duban assess load 规则文件）', 'year');
		RETURN;
	END IF;
	v_cut := duban_assess_cut(p_as_of, p_now);
	status := 200;
	WITH lines AS MATERIALIZED (
		SELECT * FROM duban_assess_lines(p_year, v_cut, v_rule.rules, p_orgs)
	), totals AS (
		SELECT l.office_id, l.office, sum(l.points) AS total,
		       jsonb_object_agg(l.rule, l.points) AS subtotals
		  FROM (SELECT x.office_id, x.office, x.rule, sum(x.points) AS points
			  FROM lines x GROUP BY x.office_id, x.office, x.rule) l
		 GROUP BY l.office_id, l.office
	), ranked AS (
		SELECT t.*, rank() OVER (ORDER BY t.total DESC) AS rank
		  FROM totals t
	)
	SELECT json_build_object(
		'year', p_year,
		'as_of', ((v_cut - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date,
		'cut', v_cut, 'computed_at', p_now,
		'office', (SELECT name FROM office WHERE id = p_office),
		'rules', json_build_object('id', v_rule.id, 'title', v_rule.title,
			'loaded_at', v_rule.loaded_at, 'loaded_by', v_rule.loaded_by,
			'source_file', v_rule.source_file, 'sha256', v_rule.source_sha256,
			'rules', v_rule.rules),
		'columns', (SELECT json_agg(json_build_object('rule', c,
				'label', duban_assess_rule_label(c)) ORDER BY n)
			      FROM unnest(duban_assess_rule_codes()) WITH ORDINALITY AS u(c, n)),
		'offices', coalesce((SELECT json_agg(json_build_object('office_id', r.office_id,
				'office', r.office, 'subtotals', r.subtotals, 'total', r.total,
				'rank', r.rank) ORDER BY r.rank, r.office)
			FROM ranked r), '[]'),
		'lines', coalesce((SELECT json_agg(json_build_object('office', l.office,
				'rule', l.rule, 'rule_label', duban_assess_rule_label(l.rule),
				'task', l.task, 'task_title', l.task_title, 'item', l.item,
				'dispatch_id', l.dispatch_id, 'on', l.on_day, 'at', l.at,
				'share', l.share, 'points', l.points, 'detail', l.detail)
				ORDER BY l.office, array_position(duban_assess_rule_codes(), l.rule),
				    l.on_day NULLS FIRST, l.task, l.item, l.at)
			FROM lines l WHERE p_office IS NULL OR l.office_id = p_office), '[]'))
	  INTO body;
END $$ SET jit = off;

-- GET /api/v1/assess: the general office, leaders and inspectors see
-- every office's lines; an office sees the table of totals and its own
-- lines.  p_year and p_as_of as the query gave them (checked in duband).
CREATE OR REPLACE FUNCTION duban_api_assess(p_token text, p_year int, p_as_of date,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		body := duban_api_check(tok, NULL);
		status := (body->>'status')::int;
		RETURN;
	END IF;
	SELECT r.status, r.body INTO status, body
	  FROM duban_assess_report(p_year, p_as_of,
		CASE WHEN tok.role = 'office' THEN tok.office_id END, p_now,
		-- An organisation assesses its own offices (tenants).
		CASE WHEN tok.org_id IS NOT NULL THEN ARRAY[tok.org_id] END) r;
END $$;

-- The grades of an office and a year, newest first: the history.
CREATE OR REPLACE FUNCTION duban_assess_grades_json(p_year int, p_office bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('id', g.id, 'points', g.points,
		'note', g.note, 'at', g.at, 'by', g.actor) ORDER BY g.at DESC, g.id DESC), '[]')
	  FROM assess_grade g WHERE g.year = p_year AND g.office_id = p_office
$$;

-- POST /api/v1/assess/grades {year, office, points, note?}: 领导评价,
-- by the general office; points from 0 to the rule table's maximum.
-- 201 with {year, office, points, note, at, by, history}.
CREATE OR REPLACE FUNCTION duban_api_assess_grade(p_token text, p_body jsonb,
    p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	v_year		int;
	v_rule		assess_rule;
	v_max		numeric;
	v_points	numeric;
	v_office	bigint;
	v_n		int;
	v_problem	json;
	g		assess_grade;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		body := duban_api_check(tok, NULL);
		status := (body->>'status')::int;
		RETURN;
	END IF;
	status := 400;
	IF tok.role <> 'general' THEN
		status := 403;
		body := duban_api_problem(403, '无权评分', '领导评价分由局办公室（general 角色）录入');
		RETURN;
	END IF;
	IF jsonb_typeof(p_body->'year') IS DISTINCT FROM 'number'
	   OR (p_body->>'year') !~ '^[0-9]{4}$' THEN
		body := duban_api_problem(400, '考核年度有误', 'year 应为年份，如 2012', 'year');
		RETURN;
	END IF;
	v_year := (p_body->>'year')::int;
	v_rule := duban_assess_rule_at(v_year, p_now);
	IF v_rule.id IS NULL THEN
		status := 404;
		body := duban_api_problem(404, '尚无考核规则', '尚未载入 ' || v_year ||
		    ' 年度的考核规则（duban assess load 规则文件）', 'year');
		RETURN;
	END IF;
	IF jsonb_typeof(p_body->'office') IS DISTINCT FROM 'string'
	   OR btrim(p_body->>'office') = '' THEN
		body := duban_api_problem(400, '缺少处室', '请在 office 中给出处室名称', 'office');
		RETURN;
	END IF;
	SELECT count(DISTINCT f.id), min(f.id) INTO v_n, v_office
	  FROM office f
	 WHERE f.kind IN ('office', 'unit')
	   AND f.org_id IN (SELECT p.org_id FROM plan p WHERE p.year = v_year)
	   AND (tok.org_id IS NULL OR f.org_id = tok.org_id)
	   AND (f.name = btrim(p_body->>'office') OR btrim(p_body->>'office') = ANY (f.aliases)
		OR f.id::text = btrim(p_body->>'office'));
	IF v_n = 0 THEN
		status := 404;
		body := duban_api_problem(404, '处室不存在', v_year || ' 年度的计划中没有名为“' ||
		    (p_body->>'office') || '”的处室', 'office');
		RETURN;
	ELSIF v_n > 1 THEN
		status := 409;
		body := duban_api_problem(409, '处室名称不唯一', '有多个处室名为“' ||
		    (p_body->>'office') || '”，请用处室编号', 'office');
		RETURN;
	END IF;
	v_max := (v_rule.rules->'leader_evaluation'->>'max')::numeric;
	IF jsonb_typeof(p_body->'points') IS DISTINCT FROM 'number' THEN
		body := duban_api_problem(400, '分值有误', 'points 应为数字', 'points');
		RETURN;
	END IF;
	v_points := (p_body->>'points')::numeric;
	IF v_points < 0 OR v_points > coalesce(v_max, 0) OR scale(v_points) > 2 THEN
		body := duban_api_problem(400, '分值超出范围', '领导评价分应在 0 至 ' ||
		    coalesce(v_max, 0) || ' 之间，至多两位小数', 'points');
		RETURN;
	END IF;
	IF p_body ? 'note' AND p_body->'note' <> 'null'::jsonb THEN
		v_problem := duban_completion_text_problem(p_body, 'note', false, '评价说明');
		IF v_problem IS NOT NULL THEN
			body := v_problem;
			status := (v_problem->>'status')::int;
			RETURN;
		END IF;
	END IF;
	INSERT INTO assess_grade (year, office_id, points, note, at, actor, token_id, account_id)
	VALUES (v_year, v_office, v_points, nullif(btrim(p_body->>'note'), ''), p_now,
	    tok.label, tok.id, tok.account_id)
	RETURNING * INTO g;
	status := 201;
	body := json_build_object('id', g.id, 'year', g.year,
	    'office', (SELECT name FROM office WHERE id = g.office_id), 'points', g.points,
	    'note', g.note, 'at', g.at, 'by', g.actor, 'max', v_max,
	    'history', duban_assess_grades_json(g.year, g.office_id));
END $$;

-- `duban assess load`: a rule table read and checked by the loader
-- (lib/assess/assess-rules.c), {year, title, rules}.  A table equal to
-- the one in force is not loaded again (200, unchanged); else 201 with
-- the new one and the number of earlier loads for the year.
CREATE OR REPLACE FUNCTION duban_assess_rules_load(p_doc jsonb, p_file text, p_sha256 text,
    p_actor text, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql AS $$
DECLARE
	v_year	int := (p_doc->>'year')::int;
	v_cur	assess_rule;
	v_new	assess_rule;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('duban_assess_rules'), v_year);
	v_cur := duban_assess_rule_at(v_year, p_now);
	IF v_cur.id IS NOT NULL AND v_cur.rules = p_doc->'rules'
	   AND v_cur.title = p_doc->>'title' THEN
		status := 200;
		body := json_build_object('id', v_cur.id, 'year', v_year, 'title', v_cur.title,
		    'loaded_at', v_cur.loaded_at, 'unchanged', true);
		RETURN;
	END IF;
	INSERT INTO assess_rule (year, title, rules, source_file, source_sha256, loaded_at,
	    loaded_by)
	VALUES (v_year, p_doc->>'title', p_doc->'rules', p_file, p_sha256, p_now, p_actor)
	RETURNING * INTO v_new;
	status := 201;
	body := json_build_object('id', v_new.id, 'year', v_year, 'title', v_new.title,
	    'loaded_at', v_new.loaded_at, 'unchanged', false,
	    'replaces', v_cur.id,
	    'plans', (SELECT count(*) FROM plan p WHERE p.year = v_year));
END $$;
