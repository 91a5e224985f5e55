-- Reminders: what is due on a day, to whom, and the sweep into the outbox.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The reminder schedules, each one set-based statement over the working
-- days of the sweep window, and the sweep that puts them in the outbox.
--
--   digest      N working days before a quarter ends, to every lead office
--               with open tasks in a plan (季度督查): due this quarter,
--               overdue, targets behind pace, targets not reported yet,
--               tasks without an update
--   due_soon    K working days before a milestone's date, to its lead office
--   overdue     the first working day after it, to its lead office
--   escalation  M working days after that (督办), to the task's responsible
--               leaders and the plan's general office
--   summary     the first working day after a quarter, to the general office
--
-- Dates are computed on workday_seq, so a reminder whose nominal day is
-- not a working day is sent on the working day before it.
--
-- Each task a reminder names carries its 红黄绿灯 (duban_task_lights, the
-- task page's): a chase's and a digest's as of the day it is sent, a
-- summary's as of the day after the quarter (the day its statuses are
-- taken).  Digests and summaries count their tasks by light, and say the
-- red and yellow in their subjects (…：未完成任务 5 项，其中红灯 1 项、黄灯 2 项).

-- A milestone chased on its own: not a parent task's summed-up deadline.
CREATE OR REPLACE FUNCTION duban_milestone_chased(m milestone) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT m.withdrawn_at IS NULL AND m.status <> 'done'
	   AND NOT (m.kind = 'deadline' AND EXISTS (
		SELECT 1 FROM task c WHERE c.parent_id = m.task_id AND c.withdrawn_at IS NULL))
$$;

-- A chased milestone's task's 红黄绿灯 and 临期 on the day the reminder is
-- sent (62-lights.sql, duban_task_lights, with the subject's tag):
-- PL/pgSQL, whose body is bound when it runs, because 62-lights.sql is
-- applied after this file.
CREATE OR REPLACE FUNCTION duban_reminder_light(p_task bigint, p_on date) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	v	jsonb := duban_task_lights(p_task, p_on)::jsonb;
BEGIN
	RETURN v - 'targets' || jsonb_build_object('tag', duban_light_tag(v->>'light'));
END $$;

-- Tasks counted by light: {red, yellow, green, grey}.
CREATE OR REPLACE FUNCTION duban_light_counts(p_lights text[]) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
	SELECT json_build_object(
	    'red', (SELECT count(*) FROM unnest(p_lights) l WHERE l = 'red'),
	    'yellow', (SELECT count(*) FROM unnest(p_lights) l WHERE l = 'yellow'),
	    'green', (SELECT count(*) FROM unnest(p_lights) l WHERE l = 'green'),
	    'grey', (SELECT count(*) FROM unnest(p_lights) l WHERE l = 'grey'))
$$;

-- What a digest's or summary's subject adds of its lights: "，其中红灯 1
-- 项、黄灯 2 项", the red and yellow that there are; "" when none.
CREATE OR REPLACE FUNCTION duban_light_counts_text(p json) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce('，其中' || nullif(concat_ws('、',
	    CASE WHEN (p->>'red')::int > 0 THEN '红灯 ' || (p->>'red') || ' 项' END,
	    CASE WHEN (p->>'yellow')::int > 0 THEN '黄灯 ' || (p->>'yellow') || ' 项' END), ''), '')
$$;

-- Reminders to send on the working days in (p_from, p_to].
-- The sweep's queries are large joins that run once: compiling them
-- (JIT) costs more than it saves.
CREATE OR REPLACE FUNCTION duban_reminders_due(p_from date, p_to date)
RETURNS TABLE (key text, kind text, plan_id bigint, office_id bigint,
    milestone_id bigint, period text, send_on date, subject text, payload json)
LANGUAGE sql STABLE AS $$
WITH cfg AS (
	SELECT * FROM reminder_config WHERE id = 1
), send_days AS MATERIALIZED (
	SELECT w.day, w.seq FROM workday_seq w
	 WHERE w.is_workday AND w.day > p_from AND w.day <= p_to
), quarters AS (
	SELECT y, q, make_date(y, 3 * q - 2, 1) AS qstart,
	       (make_date(y, 3 * q - 2, 1) + interval '3 months - 1 day')::date AS qend
	  FROM generate_series(extract(year FROM p_from)::int - 1,
			       extract(year FROM p_to)::int + 1) y,
	       generate_series(1, 4) q
),
-- ---- per milestone: due soon, overdue, escalation -----------------
chase_rows AS MATERIALIZED (
	SELECT sd.day AS send_on, k.kind, m, t, p, t.lead_office_id AS office_id,
	       o.name AS office, k.days
	  FROM send_days sd CROSS JOIN cfg
	 CROSS JOIN LATERAL (VALUES
		('due_soon', sd.seq + cfg.due_soon_days, cfg.due_soon_days),
		('overdue', sd.seq - 1, 1),
		('escalation', sd.seq - cfg.escalate_after - 1, cfg.escalate_after + 1)
	       ) AS k(kind, due_seq, days)
	  JOIN workday_seq dd ON dd.seq = k.due_seq
	  JOIN milestone m ON m.due_on = dd.day AND m.withdrawn_at IS NULL
			  AND m.status <> 'done'
	  JOIN task t ON t.id = m.task_id AND t.withdrawn_at IS NULL
	  JOIN plan p ON p.id = t.plan_id
	  LEFT JOIN office o ON o.id = t.lead_office_id
	 -- A parent's summed-up 完成时限 is its sub-items', not chased itself.
	 WHERE NOT (m.kind = 'deadline' AND EXISTS (
		SELECT 1 FROM task c WHERE c.parent_id = t.id AND c.withdrawn_at IS NULL))
),
-- The lights once a task and day, however many of its milestones are
-- chased that day.
chase_lights AS MATERIALIZED (
	SELECT x.task_id, x.day, duban_reminder_light(x.task_id, x.day) AS light
	  FROM (SELECT DISTINCT (r.t).id AS task_id, r.send_on AS day FROM chase_rows r) x
),
chase AS (
	SELECT r.*, l.light
	  FROM chase_rows r
	  JOIN chase_lights l ON l.task_id = (r.t).id AND l.day = r.send_on
),
-- ---- quarterly digests --------------------------------------------
digest_days AS MATERIALIZED (
	SELECT q.*, sd.day AS send_on,
	       (SELECT w.day FROM workday_seq w WHERE w.is_workday AND w.seq = qe.seq) AS report_by
	  FROM quarters q CROSS JOIN cfg
	  JOIN workday_seq qe ON qe.day = q.qend
	  JOIN send_days sd ON sd.seq = qe.seq - cfg.digest_days
),
-- Tasks a lead office answers for in that quarter: of a plan of the
-- quarter's year, or of an earlier plan and due in it or later; with a
-- milestone still open.
open_tasks AS MATERIALIZED (
	SELECT dd.y, dd.q, dd.qstart, dd.qend, dd.send_on, dd.report_by, t.id AS task_id,
	       t.label, t.title, t.position, t.deadline, p.id AS plan_id,
	       p.year AS plan_year, t.lead_office_id AS office_id,
	       EXISTS (SELECT 1 FROM task c WHERE c.parent_id = t.id
			AND c.withdrawn_at IS NULL) AS has_subtasks
	  FROM digest_days dd
	  JOIN plan p ON p.year <= dd.y
	  JOIN task t ON t.plan_id = p.id AND t.withdrawn_at IS NULL
	   AND t.lead_office_id IS NOT NULL
	   AND (p.year = dd.y OR t.deadline >= dd.qstart)
),
-- Each open task's open milestones (a parent's summed-up 完成时限 aside).
open_ms AS MATERIALIZED (
	SELECT ot.*, m.title AS m_title, m.due_on, m.status
	  FROM open_tasks ot
	  JOIN milestone m ON m.task_id = ot.task_id AND m.withdrawn_at IS NULL
			  AND m.status <> 'done'
	 WHERE NOT (m.kind = 'deadline' AND ot.has_subtasks)
),
-- Tasks with a milestone still open: what a lead office answers for.
active AS (
	SELECT DISTINCT ON (y, q, task_id) y, q, qstart, send_on, report_by, task_id, label,
	       title, position, deadline, plan_id, plan_year, office_id
	  FROM open_ms
),
-- Their lights on the day the digest is sent, once a task and day: the
-- task page's (duban_task_lights).
digest_lights AS MATERIALIZED (
	SELECT x.task_id, x.send_on, duban_reminder_light(x.task_id, x.send_on)->>'light' AS light
	  FROM (SELECT DISTINCT a.task_id, a.send_on FROM active a) x
),
-- The digests' lines, narrow, with what orders them.
digest_items AS (
	SELECT y, q, send_on, report_by, office_id, plan_id, task_id,
	       CASE WHEN due_on < send_on THEN 'overdue' ELSE 'due' END AS part,
	       label, title, m_title, due_on, status, NULL::text AS target,
	       NULL::numeric AS value, NULL::text AS unit, NULL::numeric AS current,
	       NULL::numeric AS completion, NULL::numeric AS elapsed,
	       due_on AS o1, position AS o2, 0 AS o3
	  FROM open_ms
	 WHERE due_on <= qend
	UNION ALL
	SELECT a.y, a.q, a.send_on, a.report_by, a.office_id, a.plan_id, a.task_id, 'behind',
	       a.label, a.title, NULL,
	       NULL, NULL, g.name, g.value, g.unit, g.current,
	       duban_ratio(x.completion), duban_ratio(x.elapsed), NULL, a.position, g.position
	  FROM active a
	  JOIN target g ON g.task_id = a.task_id AND g.withdrawn_at IS NULL
	 CROSS JOIN LATERAL (SELECT duban_target_completion(g) AS completion,
		duban_time_elapsed(a.plan_year, coalesce(g.deadline, a.deadline),
		    a.send_on) AS elapsed) x
	 WHERE x.completion < x.elapsed
	UNION ALL
	-- Figures not reported yet: due by report_by, not behind.
	SELECT a.y, a.q, a.send_on, a.report_by, a.office_id, a.plan_id, a.task_id, 'unreported',
	       a.label, a.title, NULL, NULL, NULL, g.name, g.value, g.unit, NULL,
	       NULL, NULL, NULL, a.position, g.position
	  FROM active a
	  JOIN target g ON g.task_id = a.task_id AND g.withdrawn_at IS NULL
	 WHERE g.current IS NULL
	UNION ALL
	SELECT a.y, a.q, a.send_on, a.report_by, a.office_id, a.plan_id, a.task_id,
	       CASE WHEN EXISTS (SELECT 1 FROM progress h WHERE h.task_id = a.task_id
				  AND h.source = 'api' AND h.at >= a.qstart
				  AND h.at < a.send_on + 1)
		    THEN 'task' ELSE 'stale' END,
	       a.label, a.title, NULL, a.deadline, NULL, NULL, NULL, NULL, NULL,
	       NULL, NULL, NULL, a.position, 0
	  FROM active a
),
-- Aggregated from rows already in order (one sort, not one per list),
-- the JSON made only here; each line with its task's light, and the
-- tasks counted by light (each active task has one 'task' or 'stale'
-- line).
digests AS (
	SELECT i.y, i.q, i.send_on, i.report_by, i.office_id, i.plan_id,
	       coalesce(json_agg(json_build_object('task', i.label, 'title', i.title,
		   'light', i.light, 'milestone', i.m_title, 'due_on', i.due_on,
		   'status', i.status))
		   FILTER (WHERE i.part = 'due'), '[]'::json) AS due,
	       coalesce(json_agg(json_build_object('task', i.label, 'title', i.title,
		   'light', i.light, 'milestone', i.m_title, 'due_on', i.due_on,
		   'status', i.status))
		   FILTER (WHERE i.part = 'overdue'), '[]'::json) AS overdue,
	       coalesce(json_agg(json_build_object('task', i.label, 'title', i.title,
		   'light', i.light, 'target', i.target, 'value', i.value, 'unit', i.unit,
		   'current', i.current, 'completion', i.completion,
		   'elapsed', i.elapsed))
		   FILTER (WHERE i.part = 'behind'), '[]'::json) AS behind,
	       coalesce(json_agg(json_build_object('task', i.label, 'title', i.title,
		   'light', i.light, 'target', i.target, 'value', i.value, 'unit', i.unit))
		   FILTER (WHERE i.part = 'unreported'), '[]'::json) AS unreported,
	       coalesce(json_agg(json_build_object('task', i.label, 'title', i.title,
		   'light', i.light, 'deadline', i.due_on))
		   FILTER (WHERE i.part = 'stale'), '[]'::json) AS stale,
	       count(*) FILTER (WHERE i.part IN ('task', 'stale')) AS tasks,
	       duban_light_counts(array_agg(i.light) FILTER (WHERE i.part IN ('task', 'stale')))
		   AS lights
	  FROM (SELECT di.*, l.light FROM digest_items di
		  JOIN digest_lights l ON l.task_id = di.task_id AND l.send_on = di.send_on
		 ORDER BY di.y, di.q, di.office_id, di.plan_id, di.send_on, di.report_by, di.o1,
			  di.o2, di.o3) i
	 GROUP BY i.y, i.q, i.office_id, i.plan_id, i.send_on, i.report_by
),
-- ---- quarter summaries --------------------------------------------
summary_days AS (
	SELECT q.*, sd.day AS send_on
	  FROM quarters q
	  JOIN workday_seq qe ON qe.day = q.qend
	  JOIN send_days sd ON sd.seq = qe.seq + 1
),
-- Each task judged as of the day after the quarter: its status and its
-- light (the task page's, duban_task_lights).
summary_tasks AS (
	SELECT sd.y, sd.q, sd.qend, sd.send_on, t, p, t.lead_office_id AS office_id,
	       duban_task_status(t.id, sd.qend + 1) AS status,
	       duban_reminder_light(t.id, sd.qend + 1)->>'light' AS light
	  FROM summary_days sd
	  JOIN task t ON t.withdrawn_at IS NULL AND t.parent_id IS NULL
	  JOIN plan p ON p.id = t.plan_id
	 WHERE p.year <= sd.y
	   AND (p.year = sd.y OR t.deadline >= make_date(sd.y, 3 * sd.q - 2, 1))
),
summaries AS (
	SELECT st.y, st.q, st.send_on, (st.p).id AS plan_id,
	       count(*) AS tasks,
	       count(*) FILTER (WHERE st.status = 'done') AS done,
	       count(*) FILTER (WHERE st.status = 'on_track') AS on_track,
	       count(*) FILTER (WHERE st.status = 'behind') AS behind,
	       count(*) FILTER (WHERE st.status = 'overdue') AS overdue,
	       count(*) FILTER (WHERE st.status = 'unreported') AS unreported,
	       count(*) FILTER (WHERE st.office_id IS NULL) AS unassigned,
	       duban_light_counts(array_agg(st.light)) AS lights,
	       coalesce(json_agg(json_build_object('task', (st.t).label,
		   'title', (st.t).title, 'light', st.light, 'office', o.name,
		   'deadline', (st.t).deadline))
		   FILTER (WHERE st.status = 'overdue'), '[]'::json) AS overdue_tasks,
	       coalesce(json_agg(json_build_object('task', (st.t).label,
		   'title', (st.t).title, 'light', st.light))
		   FILTER (WHERE st.office_id IS NULL), '[]'::json) AS unassigned_tasks
	  FROM summary_tasks st
	  LEFT JOIN office o ON o.id = st.office_id
	 GROUP BY st.y, st.q, st.send_on, (st.p).id
)
SELECT concat_ws('.', c.kind, 'p' || (c.p).id, 'o' || coalesce(c.office_id, 0),
		 (c.m).due_on, 'm' || (c.m).id),
       c.kind, (c.p).id, c.office_id, (c.m).id, (c.m).due_on::text, c.send_on,
       coalesce(c.light->>'tag', '') || CASE c.kind WHEN 'due_soon' THEN '【临期提醒】' WHEN 'overdue' THEN '【逾期提醒】'
		   ELSE '【督办】' END
	 || (c.t).label || ' ' || (c.t).title || '：' || (c.m).title || '（' || (c.m).due_on || '）',
       json_build_object('kind', c.kind,
	   'key', concat_ws('.', c.kind, 'p' || (c.p).id, 'o' || coalesce(c.office_id, 0),
			    (c.m).due_on, 'm' || (c.m).id),
	   'plan', duban_plan_json(c.p), 'office', c.office,
	   'task', json_build_object('id', (c.t).id, 'number', (c.t).label, 'title', (c.t).title),
	   'milestone', json_build_object('id', (c.m).id, 'title', (c.m).title,
	       'due_on', (c.m).due_on, 'status', (c.m).status),
	   'working_days', c.days, 'send_on', c.send_on, 'light', c.light,
	   'leaders', (SELECT coalesce(json_agg(pe.name ORDER BY r.position), '[]'::json)
			 FROM task_role r JOIN person pe ON pe.id = r.person_id
			WHERE r.task_id = (c.t).id AND r.role = 'leader'))
  FROM chase c
UNION ALL
SELECT concat_ws('.', 'digest', 'p' || d.plan_id, 'o' || d.office_id, d.y || 'Q' || d.q),
       'digest', d.plan_id, d.office_id, NULL, d.y || 'Q' || d.q, d.send_on,
       '【季度督查】' || o.name || ' · ' || p.title || ' · ' || duban_quarter_label(d.y, d.q)
	 || '：未完成任务 ' || d.tasks || ' 项' || duban_light_counts_text(d.lights),
       json_build_object('kind', 'digest',
	   'key', concat_ws('.', 'digest', 'p' || d.plan_id, 'o' || d.office_id, d.y || 'Q' || d.q),
	   'plan', duban_plan_json(p), 'office', o.name,
	   'quarter', d.y || 'Q' || d.q, 'quarter_label', duban_quarter_label(d.y, d.q),
	   'send_on', d.send_on, 'report_by', d.report_by, 'tasks', d.tasks,
	   'lights', d.lights,
	   'due', d.due, 'overdue', d.overdue, 'behind', d.behind,
	   'unreported', d.unreported, 'stale', d.stale)
  FROM digests d
  JOIN plan p ON p.id = d.plan_id
  JOIN office o ON o.id = d.office_id
UNION ALL
SELECT concat_ws('.', 'summary', 'p' || s.plan_id,
		 'o' || coalesce(duban_general_office(s.plan_id), 0), s.y || 'Q' || s.q),
       'summary', s.plan_id, duban_general_office(s.plan_id), NULL, s.y || 'Q' || s.q,
       s.send_on,
       '【季度汇总】' || p.title || ' · ' || duban_quarter_label(s.y, s.q)
	 || '：共 ' || s.tasks || ' 项任务' || duban_light_counts_text(s.lights),
       json_build_object('kind', 'summary',
	   'key', concat_ws('.', 'summary', 'p' || s.plan_id,
			    'o' || coalesce(duban_general_office(s.plan_id), 0), s.y || 'Q' || s.q),
	   'plan', duban_plan_json(p),
	   'office', (SELECT name FROM office WHERE id = duban_general_office(s.plan_id)),
	   'quarter', s.y || 'Q' || s.q, 'quarter_label', duban_quarter_label(s.y, s.q),
	   'send_on', s.send_on,
	   'counts', json_build_object('tasks', s.tasks, 'done', s.done,
	       'on_track', s.on_track, 'behind', s.behind, 'overdue', s.overdue,
	       'unreported', s.unreported, 'unassigned', s.unassigned),
	   'lights', s.lights,
	   'overdue', s.overdue_tasks, 'unassigned', s.unassigned_tasks)
  FROM summaries s
  JOIN plan p ON p.id = s.plan_id
$$ SET jit = off;

-- Who gets a reminder: the office it concerns (r.office_id: the lead
-- office; for a late 签收, a 办结申请 or a calendar lacking a year the general
-- office); for escalations the task's responsible leaders and the plan's
-- general office; for summaries the general office.
CREATE OR REPLACE FUNCTION duban_reminder_recipients(r reminder)
RETURNS SETOF recipient LANGUAGE sql STABLE AS $$
	SELECT rc.* FROM recipient rc
	 WHERE r.kind IN ('digest', 'due_soon', 'overdue', 'dispatch', 'acknowledge',
			  'acknowledge_late', 'instruction', 'completion', 'report_due',
			  'calendar', 'notice', 'county_chase')
	   AND rc.office_id = r.office_id
	UNION
	SELECT rc.* FROM recipient rc
	  JOIN task_role tr ON tr.person_id = rc.person_id AND tr.role = 'leader'
	  JOIN milestone m ON m.task_id = tr.task_id
	 WHERE r.kind = 'escalation' AND m.id = r.milestone_id
	UNION
	SELECT rc.* FROM recipient rc
	 WHERE r.kind IN ('escalation', 'summary')
	   AND rc.office_id = duban_general_office(r.plan_id)
$$;
