-- One clock for duband and the CLI under DUBAN_NOW (tests, demonstrations).
--
-- DUBAN_NOW=T means: the clock read T when T was first used with this
-- database, and has run on since.  Each process that starts with T finds
-- here the real time that first use happened (the database's clock) and
-- counts from it, so duband and every CLI run read the same time however
-- far apart they started: a report the CLI makes "now" holds every write
-- duband made before it.  A new value of DUBAN_NOW starts a new clock.
CREATE TABLE clock_anchor (
	fixed_at	timestamptz PRIMARY KEY,	-- the value of DUBAN_NOW
	real_at		timestamptz NOT NULL		-- when it was first used
);
