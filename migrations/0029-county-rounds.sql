-- 上级督办下级, continued: a city's dispatch round (进展调度) may ask its
-- county bureaus too.  Each county is asked for its copies of the round's
-- city plans (its plan of origin 'county', migration 0027): its own
-- people fill them in through its own lifecycle, and its general office
-- 报送s the county's report to the city, which accepts (采纳) or returns
-- it (退回) with a reason.  The county's state in the round is read from
-- these steps and its writes, as an office's is from office_report_step.

CREATE TABLE dispatch_county (
	dispatch_id	bigint NOT NULL REFERENCES dispatch (id),
	plan_id		bigint NOT NULL REFERENCES plan (id),	-- the county's copies
	org_id		bigint NOT NULL REFERENCES organisation (id),	-- the county
	PRIMARY KEY (dispatch_id, plan_id)
);
CREATE INDEX dispatch_county_org ON dispatch_county (org_id, dispatch_id);
COMMENT ON TABLE dispatch_county IS 'A county bureau''s copy plan a city''s dispatch round asks for';

-- Every step of a county's report in a round: append-only.
CREATE TABLE county_report_step (
	id		bigserial PRIMARY KEY,
	dispatch_id	bigint NOT NULL REFERENCES dispatch (id),
	org_id		bigint NOT NULL REFERENCES organisation (id),	-- the county
	at		timestamptz NOT NULL,
	action		text NOT NULL CHECK (action IN ('report', 'return', 'accept')),
	actor		text NOT NULL,
	token_id	bigint REFERENCES api_token (id),
	account_id	bigint REFERENCES account (id),
	reason		text,
	CHECK (action <> 'return' OR length(btrim(reason)) > 0)
);
CREATE INDEX county_report_step_round ON county_report_step (dispatch_id, org_id, at);
CREATE TRIGGER county_report_step_append_only BEFORE UPDATE OR DELETE ON county_report_step
	FOR EACH ROW EXECUTE FUNCTION progress_append_only();
CREATE TRIGGER county_report_step_no_truncate BEFORE TRUNCATE ON county_report_step
	FOR EACH STATEMENT EXECUTE FUNCTION progress_append_only();
