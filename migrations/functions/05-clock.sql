-- The real time (seconds and microseconds since 1970, the database's
-- clock) from which the clock DUBAN_NOW = p_fixed runs: its first use
-- with this database (see 0022-clock-anchor.sql).  lib/store/db.c.
CREATE OR REPLACE FUNCTION duban_clock_anchor(p_fixed timestamptz,
    OUT secs bigint, OUT usecs int)
LANGUAGE plpgsql AS $$
DECLARE
	v_real	timestamptz;
BEGIN
	INSERT INTO clock_anchor (fixed_at, real_at) VALUES (p_fixed, clock_timestamp())
	ON CONFLICT (fixed_at) DO NOTHING;
	SELECT real_at INTO v_real FROM clock_anchor WHERE fixed_at = p_fixed;
	secs := floor(extract(epoch FROM v_real))::bigint;
	usecs := (extract(microseconds FROM v_real)::bigint % 1000000)::int;
END $$;
