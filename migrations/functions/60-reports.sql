-- The quarterly report, computed from the history as of a date.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The report's title as the plans' kind names it, for quarter p_q of
-- p_year: 2012年第三季度民生实事督查报告, …工作要点落实情况督查报告,
-- …实施意见落实情况督查报告, …交办事项办理情况督查报告; plans of
-- several kinds (p_kind NULL): 2012年第三季度督查报告.
CREATE OR REPLACE FUNCTION duban_report_title(p_year int, p_q int, p_kind text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT duban_quarter_label(p_year, p_q) || CASE p_kind
		WHEN '民生实事' THEN '民生实事'
		WHEN '工作要点' THEN '工作要点落实情况'
		WHEN '实施意见' THEN '实施意见落实情况'
		WHEN '交办事项' THEN '交办事项办理情况'
		ELSE '' END || '督查报告'
$$;

-- The report as JSON (see docs/report-format.md): for the plans p_plans,
-- the quarter [p_from, p_to], as the data stood at p_cut (exclusive),
-- shown as of p_as_of.  Statuses are judged on p_on, the as-of day (as
-- 数据截至 says): a milestone due that day is not overdue in the report,
-- and counts as due only once done; the next day's report has it overdue.
-- Lights (红黄绿灯, 临期) by each plan's thresholds at p_cut (62-lights.sql).
--
-- A target is reported when it has a value at p_cut (only the API and
-- the CLI write one).  One that has none is 未填报: never 0%, never 滞后;
-- averages are over reported values.  It is 逾期未报, and its task goes
-- to 督办, once its first report date has passed by p_on: the end of the
-- quarter in which the target came to be (the plan's issue, or 1 January
-- of its year, for a target the plan came with), or the date of a
-- dispatch round opened before p_cut for its plan and its lead office,
-- whichever comes first.
--
-- PL/pgSQL, with custom plans only: planned for the actual plans and
-- dates, not for an unknown parameter (a generic plan takes the plan's
-- tasks for one row and joins by nested loops: 4 s for 1,000 tasks).
CREATE OR REPLACE FUNCTION duban_report_quarterly(p_plans bigint[], p_from date, p_to date,
    p_as_of date, p_on date, p_cut timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
BEGIN
RETURN (
WITH
-- Each field's value at p_cut, where the history knows it.
hist AS MATERIALIZED (
	SELECT DISTINCT ON (h.task_id, h.target_id, h.milestone_id, h.field)
	       h.task_id, h.target_id, h.milestone_id, h.field,
	       h.at < p_cut AS before,
	       CASE WHEN h.at < p_cut THEN h.new_value ELSE h.old_value END AS value
	  FROM progress h
	 WHERE h.plan_id = ANY (p_plans) AND h.task_id IS NOT NULL
	   AND h.field IN ('created', 'withdrawn', 'deadline', 'lead_office', 'value',
			   'due_on', 'status', 'completed_on', 'current')
	 ORDER BY h.task_id, h.target_id, h.milestone_id, h.field, (h.at < p_cut) DESC,
		  CASE WHEN h.at < p_cut THEN h.at END DESC,
		  CASE WHEN h.at >= p_cut THEN h.at END,
		  CASE WHEN h.at < p_cut THEN -h.id ELSE h.id END
),
-- Each entity's last write by an office before p_cut: its texts.
notes AS MATERIALIZED (
	SELECT DISTINCT ON (h.task_id, h.target_id, h.milestone_id)
	       h.task_id, h.target_id, h.milestone_id, h.at, h.note, h.outcome, h.problems,
	       h.next_steps, h.coordination, h.actor
	  FROM progress h
	 WHERE h.plan_id = ANY (p_plans) AND h.source IN ('api', 'cli') AND h.at < p_cut
	 ORDER BY h.task_id, h.target_id, h.milestone_id, h.at DESC, h.id DESC
),
-- The plans, with their 红黄绿灯 thresholds as they stood at p_cut and
-- the last day that is 临期 (62-lights.sql; called at run time).
plans AS MATERIALIZED (
	SELECT p.*, o.name AS org_name, lt.yellow AS l_yellow, lt.red AS l_red,
	       lt.due_soon_days AS l_days, duban_due_soon_until(p_on, lt.due_soon_days) AS soon_until
	  FROM plan p JOIN organisation o ON o.id = p.org_id
	 CROSS JOIN LATERAL duban_plan_lights_at(p.id, p_cut) lt
	 WHERE p.id = ANY (p_plans)
),
tasks0 AS MATERIALIZED (
	SELECT t.id, t.plan_id, t.parent_id, t.section_id, t.key, t.number, t.label,
	       t.title, t.goal, t.position, p.year, p.key AS plan_key, p.position_base,
	       -- 类别 (its section's title) and 监督电话 (its own, a subtask's
	       -- parent's, or its plan's).
	       sec.title AS category, coalesce(t.phone, par.phone, p.phone) AS phone,
	       CASE WHEN hd.task_id IS NOT NULL THEN hd.value::date ELSE t.deadline END AS deadline,
	       CASE WHEN hl.task_id IS NULL THEN t.lead_office_id
		    ELSE (SELECT o.id FROM office o WHERE o.org_id = p.org_id AND o.name = hl.value)
	       END AS lead_office_id,
	       t.lead_basis
	  FROM task t
	  JOIN (SELECT pl.id, pl.key, pl.year, pl.org_id, pl.phone,
		       row_number() OVER (ORDER BY pl.year, pl.key) * 100000 AS position_base
		  FROM plans pl) p ON p.id = t.plan_id
	  LEFT JOIN section sec ON sec.id = t.section_id
	  LEFT JOIN task par ON par.id = t.parent_id
	  LEFT JOIN hist hc ON hc.task_id = t.id AND hc.target_id IS NULL
		AND hc.milestone_id IS NULL AND hc.field = 'created'
	  LEFT JOIN hist hw ON hw.task_id = t.id AND hw.target_id IS NULL
		AND hw.milestone_id IS NULL AND hw.field = 'withdrawn'
	  LEFT JOIN hist hd ON hd.task_id = t.id AND hd.target_id IS NULL
		AND hd.milestone_id IS NULL AND hd.field = 'deadline'
	  LEFT JOIN hist hl ON hl.task_id = t.id AND hl.target_id IS NULL
		AND hl.milestone_id IS NULL AND hl.field = 'lead_office'
	 WHERE (hc.task_id IS NULL OR hc.before)
	   AND CASE WHEN hw.task_id IS NOT NULL THEN hw.value <> 'true'
		    ELSE t.withdrawn_at IS NULL END
),
tasks AS MATERIALIZED (
	SELECT t.*, pp.parent_id IS NOT NULL AS has_subtasks,
	       coalesce(par.position, t.position) * 1000
		   + CASE WHEN t.parent_id IS NULL THEN 0 ELSE t.position END
		   + t.position_base AS sort
	  FROM tasks0 t
	  LEFT JOIN tasks0 par ON par.id = t.parent_id
	  LEFT JOIN (SELECT DISTINCT parent_id FROM tasks0) pp ON pp.parent_id = t.id
),
ms AS MATERIALIZED (
	SELECT m.id, m.task_id, m.kind, m.title, m.key, m.position,
	       CASE WHEN hd.milestone_id IS NOT NULL THEN hd.value::date ELSE m.due_on END AS due_on,
	       CASE WHEN hs.milestone_id IS NOT NULL THEN hs.value ELSE m.status END AS status,
	       CASE WHEN hk.milestone_id IS NOT NULL THEN hk.value::date ELSE m.completed_on END
		   AS completed_on,
	       -- Its own, or a parent's 完成时限 that its subtasks make up.
	       NOT (m.kind = 'deadline' AND t.has_subtasks) AS own,
	       -- Extensions approved before p_cut (37-extensions.sql): the
	       -- date before the first, and how many.
	       xe.original_due_on, coalesce(xe.extensions, 0) AS extensions,
	       p.soon_until
	  FROM milestone m
	  JOIN tasks t ON t.id = m.task_id
	  JOIN plans p ON p.id = t.plan_id
	  LEFT JOIN hist hw ON hw.milestone_id = m.id AND hw.field = 'withdrawn'
	  LEFT JOIN hist hd ON hd.milestone_id = m.id AND hd.field = 'due_on'
	  LEFT JOIN hist hs ON hs.milestone_id = m.id AND hs.field = 'status'
	  LEFT JOIN hist hk ON hk.milestone_id = m.id AND hk.field = 'completed_on'
	  LEFT JOIN LATERAL (SELECT (array_agg(x.due_on ORDER BY x.decided_at, x.id))[1]
				    AS original_due_on, count(*) AS extensions
			       FROM milestone_extension x
			      WHERE x.milestone_id = m.id AND x.state = 'approved'
				AND x.decided_at < p_cut) xe ON xe.extensions > 0
	 WHERE (m.created_at < p_cut OR m.created_at <= p.created_at)
	   AND CASE WHEN hw.milestone_id IS NOT NULL THEN hw.value <> 'true'
		    ELSE m.withdrawn_at IS NULL END
),
-- The dates of the dispatch rounds opened before p_cut, for each plan
-- and office they asked: report dates.
rounds AS MATERIALIZED (
	SELECT dp.plan_id, dof.office_id, array_agg(d.due_on) AS dues
	  FROM dispatch d
	  JOIN dispatch_plan dp ON dp.dispatch_id = d.id
	  JOIN dispatch_office dof ON dof.dispatch_id = d.id
	 WHERE dp.plan_id = ANY (p_plans) AND d.opened_at < p_cut
	 GROUP BY dp.plan_id, dof.office_id
),
tg AS MATERIALIZED (
	SELECT g.id, g.task_id, g.key, g.name, g.kind, g.unit, g.qualifier, g.baseline,
	       g.position, g.body, coalesce(g.deadline, t.deadline) AS deadline, v.value, c.current,
	       c.current IS NOT NULL AS reported,
	       duban_accumulates(g.kind, g.qualifier, v.value, g.baseline) AS accumulates,
	       x.completion,
	       duban_percent(g.kind, g.qualifier, v.value, g.baseline, c.current) AS percent,
	       x.elapsed,
	       duban_pace_state(x.completion, x.elapsed, c.current IS NOT NULL) AS state,
	       c.current IS NULL AND r.due < p_on AS late,
	       duban_target_light(x.completion, x.elapsed, c.current IS NOT NULL,
		   c.current IS NULL AND r.due < p_on, coalesce(g.deadline, t.deadline) < p_on,
		   p.l_yellow, p.l_red) AS light,
	       coalesce(x.completion, 0) < 1 AND coalesce(g.deadline, t.deadline) >= p_on
		   AND coalesce(g.deadline, t.deadline) <= p.soon_until AS due_soon
	  FROM target g
	  JOIN tasks t ON t.id = g.task_id
	  JOIN plans p ON p.id = t.plan_id
	  LEFT JOIN hist hw ON hw.target_id = g.id AND hw.field = 'withdrawn'
	  LEFT JOIN hist hv ON hv.target_id = g.id AND hv.field = 'value'
	  LEFT JOIN hist hc ON hc.target_id = g.id AND hc.field = 'current'
	 CROSS JOIN LATERAL (SELECT CASE WHEN hv.target_id IS NOT NULL
				 THEN duban_leading_number(hv.value) ELSE g.value END AS value) v
	 CROSS JOIN LATERAL (SELECT CASE WHEN hc.target_id IS NOT NULL
				 THEN hc.value::numeric ELSE g.current END AS current) c
	 CROSS JOIN LATERAL (SELECT
		duban_completion(g.kind, g.qualifier, v.value, g.baseline, c.current) AS completion,
		duban_year_share(t.year, coalesce(g.deadline, t.deadline), p_as_of) AS elapsed,
		CASE WHEN g.created_at <= p.created_at
		     THEN greatest(p.issued_on, make_date(t.year, 1, 1))
		     ELSE (g.created_at AT TIME ZONE 'Asia/Shanghai')::date END AS since) x
	 -- Its first report date (see the head of this function).
	 LEFT JOIN rounds rd ON rd.plan_id = t.plan_id AND rd.office_id = t.lead_office_id
	 CROSS JOIN LATERAL (SELECT least(duban_quarter_end(x.since),
		(SELECT min(u) FROM unnest(rd.dues) u WHERE u >= x.since)) AS due) r
	 WHERE (g.created_at < p_cut OR g.created_at <= p.created_at)
	   AND CASE WHEN hw.target_id IS NOT NULL THEN hw.value <> 'true'
		    ELSE g.withdrawn_at IS NULL END
),
-- 佐证材料: each target's and milestone's files as they stood at p_cut
-- (77-evidence.sql): submitted before it and not superseded then.  The
-- cut is exclusive and duban_item_files_at's moment inclusive: a
-- microsecond, timestamptz's resolution, before the cut.
files AS MATERIALIZED (
	SELECT i.target_id, i.milestone_id,
	       json_agg(duban_file_json(f) ORDER BY f.submitted_at, f.id) AS files
	  FROM (SELECT g.id AS target_id, NULL::bigint AS milestone_id FROM tg g
		UNION ALL
		SELECT NULL, m.id FROM ms m) i
	 CROSS JOIN LATERAL duban_item_files_at(i.target_id, i.milestone_id,
		p_cut - interval '1 microsecond') f
	 GROUP BY i.target_id, i.milestone_id
),
-- What a task row is judged by: its own milestones and targets and, for
-- a task with subtasks, theirs.
judged_ms AS MATERIALIZED (
	SELECT t.id AS row_id, m.* FROM tasks t JOIN ms m ON m.task_id = t.id AND m.own
	UNION ALL
	SELECT t.parent_id, m.* FROM tasks t JOIN ms m ON m.task_id = t.id
	 WHERE t.parent_id IS NOT NULL
),
judged_tg AS MATERIALIZED (
	SELECT t.id AS row_id, g.* FROM tasks t JOIN tg g ON g.task_id = t.id
	UNION ALL
	SELECT t.parent_id, g.* FROM tasks t JOIN tg g ON g.task_id = t.id
	 WHERE t.parent_id IS NOT NULL
),
ms_stats AS (
	SELECT row_id,
	       count(*) AS total,
	       count(*) FILTER (WHERE due_on < p_on OR (due_on = p_on AND status = 'done')) AS due,
	       count(*) FILTER (WHERE status = 'done') AS done,
	       count(*) FILTER (WHERE status <> 'done' AND due_on < p_on) AS overdue,
	       count(*) FILTER (WHERE due_on BETWEEN p_from AND p_to) AS due_this_quarter,
	       count(*) FILTER (WHERE status = 'done' AND due_on <= p_on
				  AND completed_on <= due_on) AS on_time,
	       bool_or(status <> 'done' AND due_on >= p_on AND due_on <= soon_until) AS soon
	  FROM judged_ms GROUP BY row_id
),
tg_stats AS (
	SELECT row_id, bool_or(state = 'behind') AS behind, bool_or(reported) AS reported,
	       avg(completion) AS avg_completion,
	       max(duban_light_rank(light)) FILTER (WHERE light <> 'grey') AS worst,
	       bool_or(light = 'grey') AS grey, bool_or(due_soon) AS soon
	  FROM judged_tg GROUP BY row_id
),
-- A task's last update, and the latest texts of its milestones and
-- targets (a later write of a figure alone does not blank them).
last_note AS (
	SELECT n.task_id, max(n.at) AS at,
	       (array_agg(n.actor ORDER BY n.at DESC))[1] AS actor,
	       (array_agg(n.note ORDER BY n.at DESC)
		    FILTER (WHERE coalesce(n.note, '') <> ''))[1] AS note,
	       (array_agg(n.outcome ORDER BY n.at DESC)
		    FILTER (WHERE coalesce(n.outcome, '') <> ''))[1] AS outcome,
	       (array_agg(n.problems ORDER BY n.at DESC)
		    FILTER (WHERE coalesce(n.problems, '') <> ''))[1] AS problems,
	       (array_agg(n.next_steps ORDER BY n.at DESC)
		    FILTER (WHERE coalesce(n.next_steps, '') <> ''))[1] AS next_steps,
	       (array_agg(n.coordination ORDER BY n.at DESC)
		    FILTER (WHERE coalesce(n.coordination, '') <> ''))[1] AS coordination
	  FROM notes n GROUP BY n.task_id
),
quarter_updates AS (
	SELECT h.task_id, count(*) AS n
	  FROM progress h
	 WHERE h.plan_id = ANY (p_plans) AND h.source IN ('api', 'cli')
	   AND h.at >= (p_from::timestamp AT TIME ZONE 'Asia/Shanghai') AND h.at < p_cut
	 GROUP BY h.task_id
),
roles AS (
	SELECT r.task_id,
	       json_agg(pe.name ORDER BY r.position) FILTER (WHERE r.role = 'leader') AS leaders,
	       json_agg(coalesce(o.name, pe.name) ORDER BY r.position)
		   FILTER (WHERE r.role = 'responsible') AS responsible,
	       json_agg(coalesce(o.name, pe.name) ORDER BY r.position)
		   FILTER (WHERE r.role = 'coordinator') AS coordinators,
	       min(pe.name) FILTER (WHERE r.role = 'lead' AND pe.id IS NOT NULL) AS lead_person
	  FROM task_role r JOIN tasks t ON t.id = r.task_id
	  LEFT JOIN office o ON o.id = r.office_id
	  LEFT JOIN person pe ON pe.id = r.person_id
	 GROUP BY r.task_id
),
-- 办结审核 (38-completion.sql): a request approved before p_cut, or one
-- pending at p_cut, for the tasks of plans that ask for the review.
closing AS MATERIALIZED (
	SELECT c.task_id,
	       bool_or(c.state = 'approved' AND c.decided_at < p_cut) AS approved,
	       bool_or(c.decided_at IS NULL OR c.decided_at >= p_cut) AS pending
	  FROM task_completion c
	  JOIN tasks t ON t.id = c.task_id
	  JOIN plans p ON p.id = t.plan_id AND p.completion_review
	 WHERE c.requested_at < p_cut
	 GROUP BY c.task_id
),
trow AS MATERIALIZED (
	SELECT t.*, o.name AS lead_office,
	       coalesce(s.total, 0) AS ms_total, coalesce(s.due, 0) AS ms_due,
	       coalesce(s.done, 0) AS ms_done, coalesce(s.overdue, 0) AS ms_overdue,
	       coalesce(s.due_this_quarter, 0) AS ms_due_this_quarter,
	       coalesce(s.on_time, 0) AS ms_on_time,
	       g.avg_completion, g.worst AS tg_worst, coalesce(g.grey, false) AS tg_grey,
	       coalesce(s.soon, false) OR coalesce(g.soon, false) AS soon,
	       CASE WHEN cl.approved THEN 'done'
		    WHEN cl.pending THEN 'completing'
		    WHEN coalesce(s.total, 0) = coalesce(s.done, 0)
			 AND NOT (SELECT p.completion_review FROM plans p WHERE p.id = t.plan_id)
			THEN 'done'
		    WHEN s.overdue > 0 THEN 'overdue'
		    WHEN g.behind THEN 'behind'
		    WHEN NOT g.reported THEN 'unreported'
		    ELSE 'on_track' END AS progress_status
	  FROM tasks t
	  LEFT JOIN office o ON o.id = t.lead_office_id
	  LEFT JOIN ms_stats s ON s.row_id = t.id
	  LEFT JOIN tg_stats g ON g.row_id = t.id
	  LEFT JOIN closing cl ON cl.task_id = t.id
),
judged AS MATERIALIZED (
	SELECT r.*,
	       CASE WHEN r.progress_status <> 'done' AND r.lead_office_id IS NULL
		    THEN 'unassigned' ELSE r.progress_status END AS status,
	       duban_task_light(r.progress_status = 'done', r.ms_overdue > 0,
		   coalesce(r.tg_worst, 0), r.tg_grey, r.progress_status = 'unreported') AS light,
	       r.progress_status <> 'done' AND r.soon AS due_soon
	  FROM trow r
),
targets_agg AS (
	SELECT g.task_id, json_agg(json_build_object('id', g.id, 'key', g.key,
		'name', g.name, 'kind', g.kind, 'unit', g.unit,
		'qualifier', g.qualifier, 'baseline', g.baseline,
		'value', g.value, 'current', g.current, 'accumulates', g.accumulates,
		'completion', duban_ratio(g.completion), 'percent', duban_ratio(g.percent),
		'elapsed', duban_ratio(g.elapsed), 'deadline', g.deadline,
		'state', g.state, 'behind', g.state = 'behind', 'late', g.late,
		'light', g.light, 'due_soon', coalesce(g.due_soon, false),
		'files', coalesce(fl.files, '[]'))
		ORDER BY g.position) AS targets
	  FROM tg g LEFT JOIN files fl ON fl.target_id = g.id
	 GROUP BY g.task_id
),
-- A task's milestones that have 佐证材料, with them.
ms_files_agg AS (
	SELECT m.task_id, json_agg(json_build_object('id', m.id, 'title', m.title,
		'due_on', m.due_on, 'files', fl.files) ORDER BY m.due_on, m.position) AS items
	  FROM ms m JOIN files fl ON fl.milestone_id = m.id
	 GROUP BY m.task_id
),
overdue_agg AS (
	SELECT m.row_id, json_agg(json_build_object('id', m.id, 'title', m.title,
		'due_on', m.due_on, 'days_overdue', p_on - m.due_on)
		ORDER BY m.due_on, m.position) AS items
	  FROM judged_ms m
	 WHERE m.status <> 'done' AND m.due_on < p_on
	 GROUP BY m.row_id
),
extended_agg AS (
	SELECT m.row_id, json_agg(json_build_object('id', m.id, 'title', m.title,
		'due_on', m.due_on, 'original_due_on', m.original_due_on,
		'extensions', m.extensions)
		ORDER BY m.due_on, m.position) AS items
	  FROM judged_ms m
	 WHERE m.extensions > 0
	 GROUP BY m.row_id
),
behind_agg AS (
	SELECT g.row_id, string_agg(g.name, '、' ORDER BY g.position) AS names
	  FROM judged_tg g WHERE g.state = 'behind'
	 GROUP BY g.row_id
),
-- 逾期未报: targets with no value after their first report date.
late_agg AS (
	SELECT g.row_id, string_agg(g.name, '、' ORDER BY g.position) AS names
	  FROM judged_tg g WHERE g.late
	 GROUP BY g.row_id
),
own_stats AS (
	SELECT m.task_id,
	       count(*) FILTER (WHERE m.due_on < p_on
				  OR (m.due_on = p_on AND m.status = 'done')) AS due,
	       count(*) FILTER (WHERE m.status = 'done' AND (m.due_on < p_on
				  OR m.due_on = p_on)) AS done_due,
	       count(*) FILTER (WHERE m.status = 'done' AND m.due_on <= p_on
				  AND m.completed_on <= m.due_on) AS on_time,
	       count(*) FILTER (WHERE m.status <> 'done' AND m.due_on < p_on) AS overdue
	  FROM ms m WHERE m.own GROUP BY m.task_id
),
office_completion AS (
	SELECT j.lead_office_id, avg(g.completion) AS avg_completion,
	       count(*) FILTER (WHERE g.accumulates) AS measured,
	       count(*) FILTER (WHERE g.accumulates AND g.reported) AS measured_reported
	  FROM judged j JOIN tg g ON g.task_id = j.id
	 WHERE j.lead_office_id IS NOT NULL
	 GROUP BY j.lead_office_id
),
task_json AS (
	SELECT r.sort, r.status, r.id,
	       json_build_object(
		'id', r.id, 'plan', r.plan_key, 'key', r.key, 'label', r.label,
		'number', r.number, 'title', r.title, 'goal', r.goal,
		'category', r.category, 'phone', r.phone,
		'parent_id', r.parent_id, 'depth', CASE WHEN r.parent_id IS NULL THEN 0 ELSE 1 END,
		'deadline', r.deadline,
		'lead_office', r.lead_office, 'lead_office_id', r.lead_office_id,
		'lead_basis', CASE WHEN r.lead_office_id IS NOT NULL THEN r.lead_basis END,
		'lead_person', ro.lead_person,
		'leaders', coalesce(ro.leaders, '[]'), 'responsible', coalesce(ro.responsible, '[]'),
		'coordinators', coalesce(ro.coordinators, '[]'),
		'status', r.status, 'progress_status', r.progress_status,
		-- 红黄绿灯 and 临期 (62-lights.sql); 未明确牵头处室 as a flag
		-- beside them.
		'light', r.light, 'due_soon', r.due_soon,
		'unassigned', r.lead_office_id IS NULL,
		'targets', coalesce(ta.targets, '[]'),
		'milestones', json_build_object('total', r.ms_total, 'due', r.ms_due,
			'done', r.ms_done, 'overdue', r.ms_overdue,
			'due_this_quarter', r.ms_due_this_quarter, 'on_time', r.ms_on_time,
			'overdue_items', coalesce(oa.items, '[]'),
			'extended_items', coalesce(ea.items, '[]'),
			'evidence_items', coalesce(mf.items, '[]')),
		'updates_this_quarter', coalesce(qu.n, 0),
		'last_update', CASE WHEN ln.task_id IS NOT NULL THEN json_build_object(
			'at', ln.at, 'on', (ln.at AT TIME ZONE 'Asia/Shanghai')::date,
			'by', ln.actor, 'note', ln.note, 'outcome', ln.outcome,
			'problems', ln.problems, 'next_steps', ln.next_steps,
			'coordination', ln.coordination) END,
		-- 批示 on the task before the cut (65-assignments.sql).
		'instructions', (SELECT coalesce(json_agg(json_build_object('at', i.at,
				'on', (i.at AT TIME ZONE 'Asia/Shanghai')::date,
				'author', i.author, 'text', i.body) ORDER BY i.at, i.id), '[]')
			   FROM instruction i WHERE i.task_id = r.id AND i.at < p_cut)
	       ) AS j
	  FROM judged r
	  LEFT JOIN roles ro ON ro.task_id = r.id
	  LEFT JOIN last_note ln ON ln.task_id = r.id
	  LEFT JOIN quarter_updates qu ON qu.task_id = r.id
	  LEFT JOIN targets_agg ta ON ta.task_id = r.id
	  LEFT JOIN overdue_agg oa ON oa.row_id = r.id
	  LEFT JOIN extended_agg ea ON ea.row_id = r.id
	  LEFT JOIN ms_files_agg mf ON mf.task_id = r.id
),
-- Offices: each task row counts for its lead office, with its own
-- milestones (not a parent's sum of its subtasks').
office_rows AS (
	SELECT j.lead_office_id AS office_id, j.lead_office AS name,
	       count(*) AS tasks,
	       count(*) FILTER (WHERE j.status = 'done') AS done,
	       count(*) FILTER (WHERE j.progress_status = 'overdue') AS overdue_tasks,
	       count(*) FILTER (WHERE j.progress_status = 'behind') AS behind_tasks,
	       count(*) FILTER (WHERE j.progress_status = 'unreported') AS unreported_tasks,
	       sum(coalesce(o.due, 0)) AS ms_due, sum(coalesce(o.on_time, 0)) AS ms_on_time,
	       sum(coalesce(o.done_due, 0)) AS ms_done_due,
	       sum(coalesce(o.overdue, 0)) AS ms_overdue,
	       min(c.avg_completion) AS avg_completion,
	       coalesce(min(c.measured), 0) AS targets_measured,
	       coalesce(min(c.measured_reported), 0) AS targets_reported
	  FROM judged j
	  LEFT JOIN own_stats o ON o.task_id = j.id
	  LEFT JOIN office_completion c ON c.lead_office_id = j.lead_office_id
	 WHERE j.lead_office_id IS NOT NULL
	 GROUP BY j.lead_office_id, j.lead_office
),
-- The ranking (处室排名) is on what each office was asked to have done
-- by the as-of day: its led tasks' milestones due by then.  Ranked by
-- the share of them done (完成率), then the share done on time (按时完成率),
-- exact values; equal keys share a rank, the next rank counting them
-- (1, 1, 3).  An office with nothing due is not ranked (rank null,
-- ranked false): it is listed apart, 本期无到期事项, not last.
office_ranked AS (
	SELECT o.*,
	       CASE WHEN o.ms_due > 0 THEN o.ms_on_time::numeric / o.ms_due END AS on_time_rate,
	       CASE WHEN o.ms_due > 0 THEN o.ms_done_due::numeric / o.ms_due END AS done_rate,
	       CASE WHEN o.ms_due > 0 THEN rank() OVER (PARTITION BY o.ms_due > 0
		    ORDER BY o.ms_done_due::numeric / nullif(o.ms_due, 0) DESC,
			     o.ms_on_time::numeric / nullif(o.ms_due, 0) DESC) END AS rank
	  FROM office_rows o
),
own_ms AS MATERIALIZED (
	SELECT m.* FROM ms m WHERE m.own
),
-- 受阻: milestones 受阻 at p_cut whose office named, in its last write
-- before p_cut, what needs coordinating (需协调事项).
blocked_agg AS (
	SELECT m.row_id, array_agg('节点受阻（' || m.title || '），需协调：' || n.coordination
			ORDER BY m.due_on, m.position) AS reasons
	  FROM judged_ms m
	  JOIN notes n ON n.milestone_id = m.id
	 WHERE m.status = 'blocked' AND coalesce(btrim(n.coordination), '') <> ''
	 GROUP BY m.row_id
),
-- 督办: what is overdue, behind, not reported after its report date
-- (逾期未报), blocked with something to coordinate (受阻), or led by no
-- one.  A value merely not reported yet is not.
supervise AS (
	SELECT j.id, j.label, j.title, j.lead_office, j.status, j.sort,
	       CASE WHEN j.progress_status = 'overdue' THEN 1
		    WHEN j.progress_status = 'behind' THEN 2
		    WHEN bl.reasons IS NOT NULL THEN 3
		    WHEN l.names IS NOT NULL THEN 4 ELSE 5 END AS severity,
	       array_remove(ARRAY[
		   CASE WHEN j.ms_overdue > 0 THEN '逾期节点 ' || j.ms_overdue || ' 个' END,
		   CASE WHEN b.names IS NOT NULL THEN '指标滞后：' || b.names END,
		   CASE WHEN l.names IS NOT NULL THEN '逾期未报：' || l.names END,
		   CASE WHEN j.lead_office_id IS NULL THEN '未明确牵头处室' END], NULL)
		   || coalesce(bl.reasons, '{}') AS reasons
	  FROM judged j
	  LEFT JOIN behind_agg b ON b.row_id = j.id
	  LEFT JOIN late_agg l ON l.row_id = j.id
	  LEFT JOIN blocked_agg bl ON bl.row_id = j.id
	 WHERE j.status <> 'done'
	   AND (j.progress_status IN ('overdue', 'behind') OR j.lead_office_id IS NULL
		OR l.names IS NOT NULL OR bl.reasons IS NOT NULL)
),
months AS (
	SELECT (make_date(y.min_year, 1, 1) + (k || ' months')::interval
		+ interval '1 month - 1 day')::date AS day
	  FROM (SELECT min(year) AS min_year, max(year) AS max_year FROM plans) y,
	       generate_series(0, 12 * (y.max_year - y.min_year + 1) - 1) k
),
burnup AS (
	SELECT d.day,
	       (SELECT count(*) FROM own_ms m WHERE m.due_on <= d.day) AS planned,
	       CASE WHEN d.day <= p_as_of THEN
		    (SELECT count(*) FROM own_ms m WHERE m.status = 'done'
			AND coalesce(m.completed_on, p_as_of) <= d.day) END AS done
	  FROM (SELECT day FROM months UNION SELECT p_as_of) d
)
SELECT json_build_object(
	'kind', 'quarterly',
	'quarter', extract(year FROM p_from) || 'Q' || extract(quarter FROM p_from),
	'quarter_label', duban_quarter_label(extract(year FROM p_from)::int,
					     extract(quarter FROM p_from)::int),
	'period', json_build_object('from', p_from, 'to', p_to),
	'as_of', p_as_of,
	-- The quarter is over at the cut.
	'final', p_cut >= ((p_to + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),
	-- 序时进度: the share of the as-of year gone by the end of the as-of day.
	'year_share', duban_ratio(duban_year_share(extract(year FROM p_as_of)::int,
		make_date(extract(year FROM p_as_of)::int, 12, 31), p_as_of)),
	-- The plans' kind when they share one (it names the report), and the
	-- report's title: 2012年第三季度民生实事督查报告.
	'plan_kind', (SELECT CASE WHEN count(DISTINCT kind) = 1 THEN min(kind) END FROM plans),
	'title', duban_report_title(extract(year FROM p_from)::int,
		extract(quarter FROM p_from)::int,
		(SELECT CASE WHEN count(DISTINCT kind) = 1 THEN min(kind) END FROM plans)),
	'organisation', (SELECT string_agg(DISTINCT org_name, '、') FROM plans),
	'plans', (SELECT json_agg(json_build_object('id', p.id, 'key', p.key, 'title', p.title,
			'kind', p.kind, 'phone', p.phone,
			'year', p.year, 'document_number', p.document_number,
			'issued_on', p.issued_on, 'organisation', p.org_name,
			'lights', duban_lights_json(p.l_yellow, p.l_red, p.l_days))
		     ORDER BY p.year, p.key) FROM plans p),
	-- How the lights are given (one rule, or each plan's when they differ)
	-- and how offices are ranked: the formats print them under their
	-- tables.
	'lights_rule', (SELECT CASE WHEN count(DISTINCT (l_yellow, l_red, l_days)) = 1
			THEN min(duban_lights_rule(l_yellow, l_red, l_days))
			ELSE string_agg(title || '：' || duban_lights_rule(l_yellow, l_red, l_days),
					E'\n' ORDER BY year, key) END FROM plans),
	'ranking_rule', '处室排名按各处室牵头任务中截至本期已到期的节点计算：先比完成率（已完成的到期节点'
		|| '占到期节点的比例），再比按时完成率（按时完成的占到期节点的比例），由高到低排列；'
		|| '两项都相同的并列同一名次，其后名次顺延（如 1、1、3）。本期无到期节点的处室另列为'
		|| '“本期无到期事项”，不参加排名。',
	'summary', (SELECT json_build_object(
		'tasks', count(*),
		'done', count(*) FILTER (WHERE status = 'done'),
		'completing', count(*) FILTER (WHERE status = 'completing'),
		'on_track', count(*) FILTER (WHERE status = 'on_track'),
		'behind', count(*) FILTER (WHERE status = 'behind'),
		'overdue', count(*) FILTER (WHERE status = 'overdue'),
		'unreported', count(*) FILTER (WHERE status = 'unreported'),
		'unassigned', count(*) FILTER (WHERE status = 'unassigned'),
		-- 红黄绿灯 and 临期 of the task rows; tasks without a lead office
		-- (a flag, whatever their light).
		'lights', json_build_object(
			'green', count(*) FILTER (WHERE light = 'green'),
			'yellow', count(*) FILTER (WHERE light = 'yellow'),
			'red', count(*) FILTER (WHERE light = 'red'),
			'grey', count(*) FILTER (WHERE light = 'grey')),
		'due_soon', count(*) FILTER (WHERE due_soon),
		'without_lead', count(*) FILTER (WHERE lead_office_id IS NULL),
		'completion', duban_ratio(CASE WHEN count(*) > 0
			THEN count(*) FILTER (WHERE status = 'done')::numeric / count(*) END),
		'milestones', (SELECT json_build_object('total', count(*),
			'due', count(*) FILTER (WHERE due_on < p_on
						  OR (due_on = p_on AND status = 'done')),
			'done', count(*) FILTER (WHERE status = 'done'),
			'overdue', count(*) FILTER (WHERE status <> 'done' AND due_on < p_on),
			'on_time', count(*) FILTER (WHERE status = 'done' AND due_on <= p_on
						      AND completed_on <= due_on),
			'due_this_quarter', count(*) FILTER (WHERE due_on BETWEEN p_from AND p_to),
			'extended', count(*) FILTER (WHERE extensions > 0))
			FROM own_ms),
		'targets', (SELECT json_build_object('total', count(*),
			'reported', count(*) FILTER (WHERE reported),
			'unreported', count(*) FILTER (WHERE NOT reported),
			'late', count(*) FILTER (WHERE late),
			'measured', count(*) FILTER (WHERE accumulates),
			'measured_reported', count(*) FILTER (WHERE accumulates AND reported),
			'behind', count(*) FILTER (WHERE state = 'behind'),
			'avg_completion', duban_ratio(avg(completion))) FROM tg),
		-- 佐证材料 in the report, and the items that have them.
		'files', (SELECT json_build_object(
			'total', coalesce(sum(json_array_length(fl.files)), 0),
			'targets', count(fl.target_id), 'milestones', count(fl.milestone_id))
			FROM files fl))
		FROM judged),
	'tasks', (SELECT json_agg(j ORDER BY sort) FROM task_json),
	'offices', coalesce((SELECT json_agg(json_build_object('id', office_id, 'name', name,
			'tasks', tasks, 'done', done, 'overdue_tasks', overdue_tasks,
			'behind_tasks', behind_tasks, 'unreported_tasks', unreported_tasks,
			'milestones_due', ms_due,
			'milestones_on_time', ms_on_time, 'milestones_overdue', ms_overdue,
			'milestones_done', ms_done_due,
			'completion_rate', duban_ratio(done_rate),
			'on_time_rate', duban_ratio(on_time_rate),
			'avg_completion', duban_ratio(avg_completion),
			'targets_measured', targets_measured, 'targets_reported', targets_reported,
			'rank', rank, 'ranked', rank IS NOT NULL)
		     ORDER BY rank NULLS LAST, name COLLATE "C") FROM office_ranked), '[]'),
	'supervise', coalesce((SELECT json_agg(json_build_object('id', id, 'label', label,
			'title', title, 'lead_office', lead_office, 'status', status,
			'reasons', array_to_json(reasons)) ORDER BY severity, sort)
		FROM supervise), '[]'),
	'burnup', (SELECT json_agg(json_build_object('date', day, 'planned', planned, 'done', done)
		    ORDER BY day) FROM burnup)
));
END $$ SET jit = off SET plan_cache_mode = force_custom_plan SET enable_nestloop = off;

-- The report for a request: plans named by key or id (or every plan of
-- an organisation), a quarter, optionally an earlier date to see it as it
-- stood then.  Returns the HTTP status and the report, or a problem (see
-- 0002) -- as two columns, not one object: the report runs to megabytes,
-- and json operators would parse it again to take it out.
CREATE OR REPLACE FUNCTION duban_api_report_quarterly(p_plans text[], p_org text, p_quarter text,
    p_as_of date, p_now timestamptz, OUT status int, OUT body json)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_ids	bigint[];
	v_bad	text;
	v_from	date;
	v_to	date;
	v_on	date;
	v_judge	date;
	v_cut	timestamptz;
BEGIN
	SELECT q_from, q_to INTO v_from, v_to FROM duban_quarter_bounds(p_quarter);
	IF v_from IS NULL THEN
		status := 400;
		body := duban_api_problem(400, '季度格式有误',
		    '季度应写作 2012Q3 这样的形式，而不是“' || coalesce(p_quarter, '') || '”',
		    'quarter');
		RETURN;
	END IF;
	IF cardinality(p_plans) > 0 THEN
		SELECT s INTO v_bad FROM unnest(p_plans) s
		 WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.key = s OR p.id::text = s) LIMIT 1;
		IF v_bad IS NOT NULL THEN
			status := 404;
			body := duban_api_problem(404, '计划不存在',
			    '没有键或编号为“' || v_bad || '”的计划（duban plan list 列出已导入的计划）',
			    'plan');
			RETURN;
		END IF;
		SELECT array_agg(DISTINCT p.id) INTO v_ids FROM plan p
		 WHERE p.key = ANY (p_plans) OR p.id::text = ANY (p_plans);
	ELSIF p_org IS NOT NULL THEN
		SELECT array_agg(p.id) INTO v_ids FROM plan p JOIN organisation o ON o.id = p.org_id
		 WHERE o.name = p_org;
		IF v_ids IS NULL THEN
			status := 404;
			body := duban_api_problem(404, '单位不存在或没有计划',
			    '没有名为“' || p_org || '”且已导入计划的单位', 'org');
			RETURN;
		END IF;
	ELSE
		status := 400;
		body := duban_api_problem(400, '缺少计划', '请给出计划（plan）或单位（org）', 'plan');
		RETURN;
	END IF;
	IF v_from > v_today THEN
		status := 400;
		body := duban_api_problem(400, '季度尚未开始',
		    p_quarter || ' 从 ' || v_from || ' 开始，今天是 ' || v_today, 'quarter');
		RETURN;
	END IF;
	v_on := least(v_to, v_today);
	IF p_as_of IS NOT NULL THEN
		IF p_as_of < v_from OR p_as_of > v_to THEN
			status := 400;
			body := duban_api_problem(400, '日期不在季度内',
			    '截至日期 ' || p_as_of || ' 不在 ' || v_from || ' 至 ' || v_to || ' 之间',
			    'as_of');
			RETURN;
		END IF;
		IF p_as_of > v_today THEN
			status := 400;
			body := duban_api_problem(400, '日期晚于今天',
			    '截至日期 ' || p_as_of || ' 晚于今天 ' || v_today, 'as_of');
			RETURN;
		END IF;
		v_on := p_as_of;
	END IF;
	-- The end of v_on in Beijing time, or now if that is today.  Things
	-- are judged on the as-of day itself, as 数据截至 says: a milestone
	-- due that day is not overdue in the report (it is in the next one).
	IF v_on >= v_today THEN
		v_cut := p_now;
	ELSE
		v_cut := (v_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
	END IF;
	v_judge := v_on;
	status := 200;
	body := duban_report_quarterly(v_ids, v_from, v_to, v_on, v_judge, v_cut);
	-- 县（市）区排名, when the plans have county copies (33-counties.sql).
	body := duban_county_report(body, v_ids, v_from, v_to, v_on, v_judge, v_cut);
END $$;
