-- 延期申请: an office asks for a milestone's date to move, with a reason,
-- before it is due; the general office approves or rejects it, with a
-- reason.  On approval the milestone's due_on moves (so reminders, feeds
-- and the status follow it) and it keeps its original date and the number
-- of extensions granted.  Every step is also a row of the progress
-- history, source 'extension', so that a report as of an earlier moment
-- reads the date as it stood then, and so that a request is not counted
-- as a progress report (the reports and dispatch rounds count 'api' and
-- 'cli' rows).

ALTER TABLE milestone ADD COLUMN original_due_on date;	-- before the first extension
ALTER TABLE milestone ADD COLUMN extensions int NOT NULL DEFAULT 0
	CHECK (extensions >= 0);

-- Who decides a plan's requests: the general office alone ('general'), or
-- the general office and then the task's 分管领导 ('leader'), as the plan
-- file says (extension_review).
ALTER TABLE plan ADD COLUMN extension_review text NOT NULL DEFAULT 'general'
	CHECK (extension_review IN ('general', 'leader'));

ALTER TABLE progress DROP CONSTRAINT progress_source_check;
ALTER TABLE progress ADD CONSTRAINT progress_source_check
	CHECK (source IN ('load', 'api', 'cli', 'system', 'workflow', 'extension'));

-- One request and its decision.  Each step names the person (or the
-- token's label), their office, their part (a person's role, or the
-- token's class), the moment and the reason.  Where the plan asks for
-- the 分管领导 too, the general office's approval is a review (state
-- reviewed, the review_* columns) and the leader's the decision.
CREATE TABLE milestone_extension (
	id		bigserial PRIMARY KEY,
	milestone_id	bigint NOT NULL REFERENCES milestone (id),
	task_id		bigint NOT NULL REFERENCES task (id),
	due_on		date NOT NULL,		-- the date when asked
	new_due_on	date NOT NULL,
	reason		text NOT NULL CHECK (length(btrim(reason)) > 0),
	state		text NOT NULL DEFAULT 'pending'
			CHECK (state IN ('pending', 'reviewed', 'approved', 'rejected')),
	requested_at	timestamptz NOT NULL,
	requested_by	text NOT NULL,
	requested_role	text NOT NULL,
	requested_office_id bigint REFERENCES office (id),
	requested_token_id bigint REFERENCES api_token (id),
	requested_account_id bigint REFERENCES account (id),
	reviewed_at	timestamptz,
	reviewed_by	text,
	reviewed_role	text,
	reviewed_office_id bigint REFERENCES office (id),
	reviewed_token_id bigint REFERENCES api_token (id),
	reviewed_account_id bigint REFERENCES account (id),
	review_reason	text,
	decided_at	timestamptz,
	decided_by	text,
	decided_role	text,
	decided_office_id bigint REFERENCES office (id),
	decided_token_id bigint REFERENCES api_token (id),
	decided_account_id bigint REFERENCES account (id),
	decision_reason	text,
	CHECK (new_due_on > due_on),
	CHECK ((state IN ('pending', 'reviewed')) = (decided_at IS NULL)),
	CHECK (state IN ('pending', 'reviewed') OR length(btrim(decision_reason)) > 0),
	CHECK ((state = 'reviewed') <= (reviewed_at IS NOT NULL))
);
CREATE INDEX milestone_extension_milestone ON milestone_extension (milestone_id, requested_at);
CREATE INDEX milestone_extension_task ON milestone_extension (task_id);
-- One open request per milestone at a time.
CREATE UNIQUE INDEX milestone_extension_one_pending ON milestone_extension (milestone_id)
	WHERE state IN ('pending', 'reviewed');
