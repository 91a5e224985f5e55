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
