-- The working-day calendar.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION duban_refresh_workdays() RETURNS void LANGUAGE sql AS $$
	DELETE FROM workday_seq;
	INSERT INTO workday_seq (day, is_workday, seq)
	SELECT d, w, sum(w::int) OVER (ORDER BY d)::int
	  FROM (SELECT d::date AS d,
		       CASE WHEN c.kind IN ('holiday', 'closure') THEN false
			    WHEN c.kind = 'workday' THEN true
			    ELSE extract(isodow FROM d) < 6 END AS w
		  FROM generate_series(date '2000-01-01', date '2100-12-31', interval '1 day') d
		  LEFT JOIN calendar_day c ON c.day = d::date) x;
$$;

CREATE OR REPLACE FUNCTION calendar_day_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM duban_refresh_workdays();
	RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION duban_is_workday(d date) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT is_workday FROM workday_seq WHERE day = d
$$;

-- The working day k working days after d (k may be negative; k = 0 is
-- the last working day on or before d).
CREATE OR REPLACE FUNCTION duban_workday_add(d date, k int) RETURNS date LANGUAGE sql STABLE AS $$
	SELECT w.day FROM workday_seq w
	 WHERE w.is_workday AND w.seq = (SELECT seq FROM workday_seq WHERE day = d) + k
$$;

-- Loads one calendar file (the JSON `duban calendar load` builds): the
-- notices' days for the years it names replace what was there.
CREATE OR REPLACE FUNCTION duban_load_calendar(doc jsonb) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	DELETE FROM calendar_day c
	 WHERE c.source <> 'bureau'
	   AND c.year IN (SELECT (y->>'year')::int FROM jsonb_array_elements(doc->'years') y);
	INSERT INTO calendar_day (day, kind, name, year, source)
	SELECT (d->>'day')::date, d->>'kind', d->>'name', (y->>'year')::int, y->>'source'
	  FROM jsonb_array_elements(doc->'years') y
	 CROSS JOIN LATERAL jsonb_array_elements(y->'days') d
	ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
	    year = EXCLUDED.year, source = EXCLUDED.source
	 WHERE calendar_day.source <> 'bureau';
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

-- Whether the calendar holds a year: a State Council notice loaded for
-- it (the bureau's own closures do not count).
CREATE OR REPLACE FUNCTION duban_calendar_has(p_year int) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM calendar_day c
		WHERE c.year = p_year AND c.source <> 'bureau')
$$;

-- The years the calendar lacks as of p_on, each with what to tell people:
-- p_on's own year; from 1 December the next year; and any of p_years (the
-- years of the plans a page shows, the year `duban calendar show` lists).
-- The one place that decides it: the sweep's weekly reminder to the
-- general office (below), /metrics, `duban calendar show`, `duban
-- reminder preview` and the 总览 (duban_api_overview) all call this.
-- Without a notice, a year counts Monday to Friday as working days.
CREATE OR REPLACE FUNCTION duban_calendar_missing(p_on date, p_years int[] DEFAULT NULL)
RETURNS TABLE (year int, next_year boolean, warning text)
LANGUAGE sql STABLE AS $$
	SELECT y.y, y.y > extract(year FROM p_on),
	       format('%1$s 年节假日安排尚未导入：在导入《国务院办公厅关于%1$s年部分节假日安排的通知》之前，'
		   '%1$s 年的提醒只按周末计算（周一至周五一律作为工作日：法定节假日照常发送提醒，'
		   '调休上班的周末不发送），工作日天数和时限也按此推算。'
		   '通知发布后，请按 plans/calendar/cn-workdays.yaml 的格式录入通知所列的放假和'
		   '调休上班日期，再运行“duban calendar load 日历文件”导入。', y.y)
	  FROM (SELECT extract(year FROM p_on)::int AS y
		UNION
		SELECT extract(year FROM p_on)::int + 1 WHERE extract(month FROM p_on) = 12
		UNION
		SELECT unnest(p_years)) y
	 WHERE y.y BETWEEN 2000 AND 2100 AND NOT duban_calendar_has(y.y)
	 ORDER BY y.y
$$;

-- The weekly reminder while the calendar lacks a year it needs: to every
-- plan's general office, on the first working day of each ISO week on
-- which duban_calendar_missing() names a year, when that day is in
-- (p_from, p_to].  The key names the office and the week, so the sweep
-- sends it once a week whatever days it runs; it stops once the notice
-- is loaded.  Part of duban_reminders_due_all (75-sweep.sql).
CREATE OR REPLACE FUNCTION duban_calendar_reminders_due(p_from date, p_to date)
RETURNS TABLE (key text, kind text, plan_id bigint, office_id bigint,
    milestone_id bigint, period text, send_on date, subject text, payload json)
LANGUAGE sql STABLE AS $$
WITH weeks AS (
	SELECT DISTINCT date_trunc('week', d)::date AS monday
	  FROM generate_series(p_from + 1, p_to, interval '1 day') d
), due AS (
	SELECT (SELECT min(w.day) FROM workday_seq w
		 WHERE w.is_workday AND w.day >= wk.monday AND w.day < wk.monday + 7
		   AND EXISTS (SELECT 1 FROM duban_calendar_missing(w.day))) AS send_on
	  FROM weeks wk
), offices AS (
	SELECT DISTINCT duban_general_office(p.id) AS office_id FROM plan p
)
SELECT 'calendar.o' || o.office_id || '.' || to_char(d.send_on, 'IYYY-"W"IW'),
       'calendar', NULL::bigint, o.office_id, NULL::bigint,
       to_char(d.send_on, 'IYYY-"W"IW'), d.send_on,
       '【工作日历】' || m.years || ' 年节假日安排尚未导入',
       json_build_object('kind', 'calendar',
	   'key', 'calendar.o' || o.office_id || '.' || to_char(d.send_on, 'IYYY-"W"IW'),
	   'office', (SELECT name FROM office WHERE id = o.office_id),
	   'send_on', d.send_on, 'years', m.list, 'warnings', m.warnings)
  FROM due d
 CROSS JOIN LATERAL (SELECT string_agg(x.year::text, '、' ORDER BY x.year) AS years,
		json_agg(x.year ORDER BY x.year) AS list,
		json_agg(x.warning ORDER BY x.year) AS warnings
	  FROM duban_calendar_missing(d.send_on) x) m
 CROSS JOIN offices o
 WHERE d.send_on > p_from AND d.send_on <= p_to AND o.office_id IS NOT NULL
$$;
