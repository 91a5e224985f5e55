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
--   done      every milestone is done
--   overdue   a milestone is past its due date and not done (逾期)
--   behind    a target's completion is behind the share of its time
--             that has passed: 时间过半、任务过半, generalised (滞后)
--   on_track  otherwise (按期推进)
-- A task with subtasks is judged by its subtasks' milestones and targets
-- and its own phases; its own 完成时限 milestone is theirs, summed up.
-- Whether it has a lead office (未明确牵头处室) is a separate fact.

-- Completion of a target, 0..1, or NULL when it does not accumulate
-- (a standard such as 1000 元/年/生, or an upper bound).
CREATE OR REPLACE FUNCTION duban_target_completion(g target) RETURNS numeric
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN g.kind = 'rate' OR g.qualifier = 'at_most' THEN NULL
		WHEN g.value <= coalesce(g.baseline, 0) THEN NULL
		ELSE greatest(0, least(1,
			(coalesce(g.current, g.baseline, 0) - coalesce(g.baseline, 0))
			/ (g.value - coalesce(g.baseline, 0))))
	END
$$;

-- Share of the target's time that has passed on p_on, 0..1: from the
-- start of the plan's year to the target's (or its task's) deadline.
CREATE OR REPLACE FUNCTION duban_time_elapsed(p_year int, p_deadline date, p_on date)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT greatest(0, least(1,
		(p_on - make_date(p_year, 1, 1))::numeric
		/ greatest(1, p_deadline - make_date(p_year, 1, 1) + 1)))
$$;

-- What a completion says against the share of time gone (the codes of
-- the target_state vocabulary, lib/base/words.c):
--   unmeasured  no completion (a standard, an upper bound)  不计进度
--   done        reached                                     已达到
--   behind      below the share of time gone (as duban_task_status
--               judges: an unreported figure counts as none) 滞后于时间进度
--   unreported  nothing reported, and not behind yet        未填报
--   on_track    otherwise                                   与时间进度相符
CREATE OR REPLACE FUNCTION duban_pace_state(p_completion numeric, p_elapsed numeric,
    p_reported boolean)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_completion IS NULL THEN 'unmeasured'
		WHEN p_completion >= 1 THEN 'done'
		WHEN p_completion < p_elapsed THEN 'behind'
		WHEN NOT p_reported THEN 'unreported'
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

-- A task's pace, for its progress bar: the average completion of its own
-- targets that have one (NULL if none has), the share of the task's time
-- gone on p_on, and the one against the other (duban_pace_state; done
-- when the task's status, p_status, is).  One row for a task that exists.
-- A table function, one plain SELECT, so that the planner inlines it into
-- a list's query (called once per task, it is ten times slower).
CREATE OR REPLACE FUNCTION duban_task_pace(p_task bigint, p_status text, p_on date)
RETURNS TABLE (avg_completion numeric, time_elapsed numeric, completion_state text)
LANGUAGE sql STABLE AS $$
	SELECT a.avg_completion, e.time_elapsed,
	       CASE WHEN p_status = 'done' THEN 'done'
		    ELSE duban_pace_state(a.avg_completion, e.time_elapsed, a.reported) END
	  FROM (SELECT duban_time_elapsed(p.year, t.deadline, p_on) AS time_elapsed
		  FROM task t JOIN plan p ON p.id = t.plan_id WHERE t.id = p_task) e,
	       (SELECT avg(duban_target_completion(g)) AS avg_completion,
		       coalesce(bool_or(g.current IS NOT NULL)
			   FILTER (WHERE duban_target_completion(g) IS NOT NULL), false) AS reported
		  FROM target g WHERE g.task_id = p_task AND g.withdrawn_at IS NULL) a
$$;

CREATE OR REPLACE FUNCTION duban_task_status(p_task bigint, p_on date)
RETURNS text LANGUAGE sql STABLE AS $$
	WITH tasks AS (
		SELECT t.id, t.deadline, (t.id = p_task) AS self,
		       EXISTS (SELECT 1 FROM task c WHERE c.parent_id = t.id
				  AND c.withdrawn_at IS NULL) AS has_subtasks
		  FROM task t
		 WHERE (t.id = p_task OR t.parent_id = p_task) AND t.withdrawn_at IS NULL
	), ms AS (
		SELECT m.status, m.due_on FROM milestone m JOIN tasks t ON t.id = m.task_id
		 WHERE m.withdrawn_at IS NULL
		   AND NOT (t.self AND t.has_subtasks AND m.kind = 'deadline')
	)
	SELECT CASE
		WHEN NOT EXISTS (SELECT 1 FROM ms WHERE ms.status <> 'done') THEN 'done'
		WHEN EXISTS (SELECT 1 FROM ms WHERE ms.status <> 'done' AND ms.due_on < p_on)
			THEN 'overdue'
		WHEN EXISTS (
			SELECT 1 FROM target g JOIN tasks t ON t.id = g.task_id
			  JOIN task tt ON tt.id = g.task_id JOIN plan p ON p.id = tt.plan_id
			 WHERE g.withdrawn_at IS NULL
			   AND duban_target_completion(g) <
			       duban_time_elapsed(p.year, coalesce(g.deadline, t.deadline), p_on))
			THEN 'behind'
		ELSE 'on_track'
	END
$$;

-- The quarterly inspection report (季度督查), computed as of a moment
-- from the progress history, so that last quarter's report comes out the
-- same after this quarter's updates.
--
-- The history holds every change with its old and new value.  A field's
-- value at a moment T is the new value of its last change before T; if
-- it changed only after T, the old value of its first change after T; if
-- it never changed, its value now.  Notes (完成情况, 取得成效) are the
-- texts of the entity's last write before T.

-- Completion of a target, 0..1 (as duban_target_completion), from values.
CREATE OR REPLACE FUNCTION duban_completion(p_kind text, p_qualifier text, p_value numeric,
    p_baseline numeric, p_current numeric)
RETURNS numeric LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_kind = 'rate' OR p_qualifier = 'at_most' THEN NULL
		WHEN p_value <= coalesce(p_baseline, 0) THEN NULL
		ELSE greatest(0, least(1,
			(coalesce(p_current, p_baseline, 0) - coalesce(p_baseline, 0))
			/ (p_value - coalesce(p_baseline, 0))))
	END
$$;

-- The share of a target achieved, for people to read: the completion
-- where the target accumulates, else current / required (a standard such
-- as 1000 元/年/生 reached is 100%).
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

-- Quarter "2012Q3" (or 2012-Q3, 2012q3) -> its first and last day.
CREATE OR REPLACE FUNCTION duban_quarter_bounds(p_quarter text, OUT q_from date, OUT q_to date)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	m text[] := regexp_match(p_quarter, '^([0-9]{4})-?[Qq]([1-4])$');
BEGIN
	IF m IS NULL THEN
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
