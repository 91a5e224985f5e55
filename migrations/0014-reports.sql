-- 报送: what a person of an office saves is a draft (草稿), seen only by
-- the office, until the office's report goes out.  A clerk submits the
-- report to the office's head (待审核); the head returns it (退回) or
-- approves and 报送s it (已报送): only then do the drafted values become
-- the reported values that 总览, the quarterly report and the 调度汇总
-- read, each a row of the progress history naming the clerk and the
-- report.  The general office accepts (已采纳) or returns a report that
-- went out, with a reason; a returned report goes back to the office.
--
-- A report belongs to a dispatch round (one per round and office) or,
-- outside rounds, is a standing report (日常报送).  Each step is a row of
-- office_report_step (append-only), so a round's states can be read as
-- they stood at any moment.

-- Whether reports go through the office's head (处室负责人审核) first:
-- per bureau, on unless switched off.
ALTER TABLE organisation ADD COLUMN review_by_head boolean NOT NULL DEFAULT true;

CREATE TABLE office_report (
	id		bigserial PRIMARY KEY,
	office_id	bigint NOT NULL REFERENCES office (id),
	dispatch_id	bigint REFERENCES dispatch (id),	-- NULL: a standing report
	state		text NOT NULL CHECK (state IN ('submitted', 'returned', 'reported',
				'accepted')),
	created_at	timestamptz NOT NULL,
	updated_at	timestamptz NOT NULL,
	reported_at	timestamptz		-- first 报送
);
CREATE UNIQUE INDEX office_report_round ON office_report (dispatch_id, office_id)
	WHERE dispatch_id IS NOT NULL;
CREATE INDEX office_report_office ON office_report (office_id, state);

-- Every step of a report, with who took it (person or token label), in
-- which office and part, when and why.  'items' holds what a submission
-- or a 报送 carried, 'uncovered' the tasks it left out (confirmed).
CREATE TABLE office_report_step (
	id		bigserial PRIMARY KEY,
	report_id	bigint NOT NULL REFERENCES office_report (id),
	at		timestamptz NOT NULL,
	action		text NOT NULL CHECK (action IN ('submit', 'report', 'return', 'accept')),
	state		text NOT NULL,		-- the report's state after the step
	actor		text NOT NULL,
	role		text NOT NULL,
	office_id	bigint REFERENCES office (id),
	token_id	bigint REFERENCES api_token (id),
	account_id	bigint REFERENCES account (id),
	reason		text,
	items		jsonb,
	uncovered	jsonb,
	CHECK (action <> 'return' OR length(btrim(reason)) > 0)
);
CREATE INDEX office_report_step_report ON office_report_step (report_id, at);
CREATE TRIGGER office_report_step_append_only BEFORE UPDATE OR DELETE ON office_report_step
	FOR EACH ROW EXECUTE FUNCTION progress_append_only();
CREATE TRIGGER office_report_step_no_truncate BEFORE TRUNCATE ON office_report_step
	FOR EACH STATEMENT EXECUTE FUNCTION progress_append_only();

-- An office's unsent value for one target or milestone: the fields as
-- they would be written (the PATCH bodies merged), the version of the
-- item it was based on, who saved it last.  report_id is set while the
-- report carrying it awaits the head (the draft is then locked).  A
-- draft is deleted when its report goes out: the progress rows written
-- then (progress.report_id) and the step's items are its record.
CREATE TABLE draft (
	id		bigserial PRIMARY KEY,
	office_id	bigint NOT NULL REFERENCES office (id),
	plan_id		bigint NOT NULL REFERENCES plan (id),
	task_id		bigint NOT NULL REFERENCES task (id),
	target_id	bigint REFERENCES target (id),
	milestone_id	bigint REFERENCES milestone (id),
	patch		jsonb NOT NULL,
	base_version	int NOT NULL,
	created_at	timestamptz NOT NULL,	-- first saved
	saved_at	timestamptz NOT NULL,	-- last saved
	saved_by	text NOT NULL,
	saved_role	text NOT NULL,
	account_id	bigint REFERENCES account (id),
	token_id	bigint REFERENCES api_token (id),
	report_id	bigint REFERENCES office_report (id),
	CHECK ((target_id IS NULL) <> (milestone_id IS NULL))
);
CREATE UNIQUE INDEX draft_target ON draft (office_id, target_id) WHERE target_id IS NOT NULL;
CREATE UNIQUE INDEX draft_milestone ON draft (office_id, milestone_id)
	WHERE milestone_id IS NOT NULL;
CREATE INDEX draft_task ON draft (task_id);

-- The report a reported value came with (NULL: written directly, by a
-- script's office token, the general office or the CLI).
ALTER TABLE progress ADD COLUMN report_id bigint REFERENCES office_report (id);

-- duban_dispatch_offices gains the report and the reason of its 退回.
DROP FUNCTION duban_dispatch_offices(bigint, timestamptz);
