-- Status, completion and pace: what every report, page and reminder judges by.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- An office may write a task it leads or is responsible for.
CREATE OR REPLACE FUNCTION duban_office_may_write(p_office bigint, p_task bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM task_role r
			WHERE r.task_id = p_task AND r.office_id = p_office
			  AND r.role IN ('lead', 'responsible'))
	    OR EXISTS (SELECT 1 FROM task_lead l
			WHERE l.task_id = p_task AND l.office_id = p_office)
$$;

-- ------------------------------------------------------------------
-- Status of a task on a date.
--   done        every milestone is done; where the plan asks for 办结审核
--               (plan.completion_review), instead: a request to close it
--               was approved by the end of that day (Beijing time)
--   completing  the plan asks for 办结审核 and a request to close it was
--               pending at the end of that day (待办结审核)
--   overdue     a milestone is past its due date and not done (逾期)
--   behind      a reported target's completion is behind the share of
--               its time that has passed: 时间过半、任务过半, generalised
--               (滞后).  A target nobody has reported is never behind.
--   unreported  the task has targets and none of them has a reported
--               value (未填报): nothing to judge its pace by
--   on_track    otherwise (按期推进)
-- A task with subtasks is judged by its subtasks' milestones and targets
-- and its own phases; its own 完成时限 milestone is theirs, summed up.
-- Under 办结审核 a task whose milestones are all done but which is not
-- approved is judged by the rest (on_track, or behind/unreported by its
-- targets): never done.  The requests of a task with subtasks are its own.
-- Whether it has a lead office (未明确牵头处室) is a separate fact; whether
-- an unreported value is overdue (逾期未报) is the report's, which knows
-- the report dates (duban_report_quarterly).
--
-- A target is reported when it has a current value: only the API and the
-- CLI write one (a plan never does), and the history keeps when.

-- Whether a target accumulates towards its value (so that a completion
-- can be worked out once a value is reported): not a standard such as
-- 1000 元/年/生 (kind rate), not an upper bound, and above its baseline.
CREATE OR REPLACE FUNCTION duban_accumulates(p_kind text, p_qualifier text, p_value numeric,
    p_baseline numeric)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
	SELECT p_kind <> 'rate' AND p_qualifier IS DISTINCT FROM 'at_most'
	   AND p_value > coalesce(p_baseline, 0)
$$;

-- Completion of a target, 0..1, from its values: NULL when it does not
-- accumulate, or when no value is reported (never 0% for 未填报).
CREATE OR REPLACE FUNCTION duban_completion(p_kind text, p_qualifier text, p_value numeric,
    p_baseline numeric, p_current numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_current IS NULL
		  OR NOT duban_accumulates(p_kind, p_qualifier, p_value, p_baseline) THEN NULL
		ELSE greatest(0, least(1,
			(p_current - coalesce(p_baseline, 0)) / (p_value - coalesce(p_baseline, 0))))
	END
$$;

-- The same for a target row.
CREATE OR REPLACE FUNCTION duban_target_completion(g target) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
	SELECT duban_completion(g.kind, g.qualifier, g.value, g.baseline, g.current)
$$;

-- The share of time gone (序时进度), 0..1, as of a day: the whole days
-- from 1 January of p_year to the end of p_as_of, over the days from
-- 1 January to p_deadline (for a deadline of 31 December, the days of
-- the year: as of 2012-06-30, 182/366).  The one rule: a report as of a
-- day gives the same share whether it is made on that day or after it
-- (docs/report-format.md).
CREATE OR REPLACE FUNCTION duban_year_share(p_year int, p_deadline date, p_as_of date)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT greatest(0, least(1,
		(p_as_of - make_date(p_year, 1, 1) + 1)::numeric
		/ greatest(1, p_deadline - make_date(p_year, 1, 1) + 1)))
$$;

-- Share of the target's time that has passed when p_on begins, 0..1:
-- duban_year_share as of the day before p_on (p_on is a judging day,
-- the first day not over).
CREATE OR REPLACE FUNCTION duban_time_elapsed(p_year int, p_deadline date, p_on date)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT duban_year_share(p_year, p_deadline, p_on - 1)
$$;

-- A share (0..1) as reports and pages show it: rounded half up (四舍五入)
-- on its exact decimal value to a tenth of a percent, 0.6635 -> 0.664
-- (66.4%).  Every ratio a report gives goes through it, once; the
-- renderers print it (lib/base/percent.c) without rounding it again.
-- numeric, never double precision: round() on a double rounds half to
-- even on its binary value (0.6635 is 0.66349999…).
CREATE OR REPLACE FUNCTION duban_ratio(p numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT round(p, 3)
$$;

-- Where a target stands (the codes of the target_state vocabulary,
-- lib/base/words.c), from its completion (NULL when it does not
-- accumulate or is not reported), the share of time gone, and whether a
-- value is reported:
--   unreported  no value reported                          未填报
--   unmeasured  no completion (a standard, an upper bound)  不计进度
--   done        reached                                     已达到
--   behind      below the share of time gone                滞后于时间进度
--   on_track    otherwise                                   与时间进度相符
-- 滞后 is judged on reported values only.
CREATE OR REPLACE FUNCTION duban_pace_state(p_completion numeric, p_elapsed numeric,
    p_reported boolean)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN NOT p_reported THEN 'unreported'
		WHEN p_completion IS NULL THEN 'unmeasured'
		WHEN p_completion >= 1 THEN 'done'
		WHEN p_completion < p_elapsed THEN 'behind'
		ELSE 'on_track'
	END
$$;

-- The share of a target's time gone on p_on: from 1 January of its
-- plan's year to its deadline, or its task's.
CREATE OR REPLACE FUNCTION duban_target_elapsed(g target, p_on date)
RETURNS numeric LANGUAGE sql STABLE AS $$
	SELECT duban_time_elapsed(p.year, coalesce(g.deadline, t.deadline), p_on)
	  FROM task t JOIN plan p ON p.id = t.plan_id
	 WHERE t.id = g.task_id
$$;

CREATE OR REPLACE FUNCTION duban_target_state(g target, p_on date)
RETURNS text LANGUAGE sql STABLE AS $$
	SELECT duban_pace_state(duban_target_completion(g), duban_target_elapsed(g, p_on),
	    g.current IS NOT NULL)
$$;

-- A task's pace, for its progress bar, over its own targets:
--   avg_completion    the average completion of those that accumulate
--                     and are reported (NULL if none is)
--   time_elapsed      the share of the task's time gone on p_on
--   completion_state  done when the task's status (p_status) is;
--                     unmeasured when no target accumulates; unreported
--                     when none of those is reported; else the average
--                     against the time (duban_pace_state)
--   targets_measured  how many accumulate, and
--   targets_reported  how many of those are reported: the average says
--                     已填报 targets_reported/targets_measured
-- One row for a task that exists.  A table function, one plain SELECT,
-- so that the planner inlines it into a list's query (called once per
-- task, it is ten times slower).
CREATE OR REPLACE FUNCTION duban_task_progress(p_task bigint, p_status text, p_on date)
RETURNS TABLE (avg_completion numeric, time_elapsed numeric, completion_state text,
    targets_measured bigint, targets_reported bigint)
LANGUAGE sql STABLE AS $$
	SELECT a.avg_completion, e.time_elapsed,
	       CASE WHEN p_status = 'done' THEN 'done'
		    WHEN a.measured = 0 THEN 'unmeasured'
		    WHEN a.reported = 0 THEN 'unreported'
		    ELSE duban_pace_state(a.avg_completion, e.time_elapsed, true) END,
	       a.measured, a.reported
	  FROM (SELECT duban_time_elapsed(p.year, t.deadline, p_on) AS time_elapsed
		  FROM task t JOIN plan p ON p.id = t.plan_id WHERE t.id = p_task) e,
	       (SELECT avg(duban_target_completion(g)) AS avg_completion,
		       count(*) FILTER (WHERE duban_accumulates(g.kind, g.qualifier, g.value,
			   g.baseline)) AS measured,
		       count(*) FILTER (WHERE duban_accumulates(g.kind, g.qualifier, g.value,
			   g.baseline) AND g.current IS NOT NULL) AS reported
		  FROM target g WHERE g.task_id = p_task AND g.withdrawn_at IS NULL) a
$$;

-- duban_task_progress's first three columns: what duban_task_pace has
-- always answered.  Kept for the callers and databases that know it (a
-- function leaves a database only by a numbered migration's DROP).
CREATE OR REPLACE FUNCTION duban_task_pace(p_task bigint, p_status text, p_on date)
RETURNS TABLE (avg_completion numeric, time_elapsed numeric, completion_state text)
LANGUAGE sql STABLE AS $$
	SELECT pr.avg_completion, pr.time_elapsed, pr.completion_state
	  FROM duban_task_progress(p_task, p_status, p_on) pr
$$;

-- PL/pgSQL for its plan: a SQL function called from another one's body
-- (duban_task_lights, the reports' per-task queries) is planned again
-- on every call, and planning this query cost about 20 ms a call, ten
-- times running it; PL/pgSQL keeps the plan for the session.
CREATE OR REPLACE FUNCTION duban_task_status(p_task bigint, p_on date)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
	RETURN (
	WITH tasks AS (
		SELECT t.id, t.deadline, (t.id = p_task) AS self,
		       EXISTS (SELECT 1 FROM task c WHERE c.parent_id = t.id
				  AND c.withdrawn_at IS NULL) AS has_subtasks,
		       -- 办结审核: whether the task's plan asks for it.
		       CASE WHEN t.id = p_task THEN (SELECT p.completion_review FROM plan p
						      WHERE p.id = t.plan_id) END AS review
		  FROM task t
		 WHERE (t.id = p_task OR t.parent_id = p_task) AND t.withdrawn_at IS NULL
	), ms AS (
		SELECT m.status, m.due_on FROM milestone m JOIN tasks t ON t.id = m.task_id
		 WHERE m.withdrawn_at IS NULL
		   AND NOT (t.self AND t.has_subtasks AND m.kind = 'deadline')
	), tg AS (
		SELECT g.current IS NOT NULL AS reported,
		       duban_target_completion(g) <
		       duban_time_elapsed(p.year, coalesce(g.deadline, t.deadline), p_on) AS behind
		  FROM target g JOIN tasks t ON t.id = g.task_id
		  JOIN task tt ON tt.id = g.task_id JOIN plan p ON p.id = tt.plan_id
		 WHERE g.withdrawn_at IS NULL
	), rv AS (
		SELECT coalesce((SELECT review FROM tasks WHERE self), false) AS review,
		       (p_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS day_end
	)
	-- The requests are read only where the plan asks for the review (a
	-- CASE evaluates its branches in order): a plan without it pays one
	-- lookup of its plan row, not two of task_completion.
	SELECT CASE
		WHEN CASE WHEN rv.review THEN EXISTS (SELECT 1 FROM task_completion c
			WHERE c.task_id = p_task AND c.state = 'approved'
			  AND c.decided_at < rv.day_end) END THEN 'done'
		WHEN CASE WHEN rv.review THEN EXISTS (SELECT 1 FROM task_completion c
			WHERE c.task_id = p_task AND c.requested_at < rv.day_end
			  AND (c.decided_at IS NULL OR c.decided_at >= rv.day_end)) END
			THEN 'completing'
		WHEN NOT rv.review AND NOT EXISTS (SELECT 1 FROM ms WHERE ms.status <> 'done')
			THEN 'done'
		WHEN EXISTS (SELECT 1 FROM ms WHERE ms.status <> 'done' AND ms.due_on < p_on)
			THEN 'overdue'
		WHEN EXISTS (SELECT 1 FROM tg WHERE tg.behind) THEN 'behind'
		WHEN EXISTS (SELECT 1 FROM tg) AND NOT EXISTS (SELECT 1 FROM tg WHERE tg.reported)
			THEN 'unreported'
		ELSE 'on_track'
	END
	  FROM rv);
END $$;

-- The quarterly inspection report (季度督查), computed as of a moment
-- from the progress history, so that last quarter's report comes out the
-- same after this quarter's updates.
--
-- The history holds every change with its old and new value.  A field's
-- value at a moment T is the new value of its last change before T; if
-- it changed only after T, the old value of its first change after T; if
-- it never changed, its value now.  Notes (完成情况, 取得成效) are the
-- texts of the entity's last write before T.

-- The share of a target achieved, for people to read: the completion
-- where the target accumulates, else current / required (a standard such
-- as 1000 元/年/生 reached is 100%); NULL when no value is reported.
CREATE OR REPLACE FUNCTION duban_percent(p_kind text, p_qualifier text, p_value numeric,
    p_baseline numeric, p_current numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(duban_completion(p_kind, p_qualifier, p_value, p_baseline, p_current),
		CASE WHEN p_current IS NOT NULL AND p_value <> 0 THEN p_current / p_value END)
$$;

-- "3000个" (a target's value as the history writes it) -> 3000.
CREATE OR REPLACE FUNCTION duban_leading_number(s text) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
	SELECT substring(s FROM '^-?[0-9]+(?:\.[0-9]+)?')::numeric
$$;

-- The last day of the quarter a date is in: 2012-02-17 -> 2012-03-31.
CREATE OR REPLACE FUNCTION duban_quarter_end(p_day date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
	SELECT (make_date(extract(year FROM p_day)::int,
			  3 * ((extract(month FROM p_day)::int - 1) / 3) + 1, 1)
		+ interval '3 months - 1 day')::date
$$;

-- Quarter "2012Q3" (or 2012-Q3, 2012q3) -> its first and last day; both
-- NULL when it is not one (year 0000 included: there is no year 0).
CREATE OR REPLACE FUNCTION duban_quarter_bounds(p_quarter text, OUT q_from date, OUT q_to date)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	m text[] := regexp_match(p_quarter, '^([0-9]{4})-?[Qq]([1-4])$');
BEGIN
	IF m IS NULL OR m[1]::int < 1 THEN
		RETURN;
	END IF;
	q_from := make_date(m[1]::int, 3 * m[2]::int - 2, 1);
	q_to := (q_from + interval '3 months - 1 day')::date;
END $$;

CREATE OR REPLACE FUNCTION duban_quarter_label(y int, q int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT y || '年第' || (ARRAY['一', '二', '三', '四'])[q] || '季度'
$$;

CREATE OR REPLACE FUNCTION duban_plan_json(p plan) RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', p.id, 'key', p.key, 'title', p.title,
	    'document_number', p.document_number, 'year', p.year)
$$;
