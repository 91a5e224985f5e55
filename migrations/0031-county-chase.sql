-- 上级督办下级, continued (issue 13): the city chases (催办) a county
-- bureau that has not 报送ed its part of a county round by the round's
-- date, by hand or by the daily sweep, through the outbox (a reminder of
-- kind 'county_chase' to the county's general office, 70-dispatch.sql);
-- each chase is a step of the county's report in the round (who chased,
-- when, which reminder).  And a county round gives the county's copies
-- a 报送期限 (report_by): the date by which the county's offices fill
-- them in, the earliest due date of the open rounds asking for them.

-- The new kind is added to whatever kinds the constraint lists now, so
-- that a migration widening it too keeps its kinds.
DO $$
DECLARE
	v_def	text;
BEGIN
	SELECT pg_get_constraintdef(c.oid) INTO v_def FROM pg_constraint c
	 WHERE c.conrelid = 'reminder'::regclass AND c.conname = 'reminder_kind_check';
	IF v_def IS NULL OR position('ARRAY[' IN v_def) = 0 THEN
		RAISE EXCEPTION 'reminder_kind_check is not a list of kinds: %', v_def;
	END IF;
	IF position('''county_chase''' IN v_def) = 0 THEN
		ALTER TABLE reminder DROP CONSTRAINT reminder_kind_check;
		EXECUTE 'ALTER TABLE reminder ADD CONSTRAINT reminder_kind_check '
		    || replace(v_def, 'ARRAY[', 'ARRAY[''county_chase''::text, ');
	END IF;
END $$;

-- A chase is a step of the county's report (not a state: the county's
-- state is read from its other steps), with the reminder it sent.
ALTER TABLE county_report_step DROP CONSTRAINT county_report_step_action_check;
ALTER TABLE county_report_step ADD CONSTRAINT county_report_step_action_check
	CHECK (action IN ('report', 'return', 'accept', 'chase'));
ALTER TABLE county_report_step ADD COLUMN reminder_id bigint REFERENCES reminder (id);
ALTER TABLE county_report_step ADD CONSTRAINT county_report_step_chase_reminder
	CHECK ((action = 'chase') = (reminder_id IS NOT NULL));

-- A county copy's 报送期限 and the round that set it.
ALTER TABLE county_task ADD COLUMN report_by date;
ALTER TABLE county_task ADD COLUMN report_by_dispatch bigint REFERENCES dispatch (id);
