-- 办结审核: the lead office's head asks to close a task, with a 办结说明;
-- the general office approves it (已办结) or returns it with a reason, and
-- the office may ask again.  Where the plan asks for this review
-- (plan.completion_review), a task is done only once a request is
-- approved: its status is judged by the requests (20-status.sql,
-- 38-completion.sql).  Every step is also a row of the progress history,
-- source 'completion', so the history names who did what, and so that a
-- step is not counted as a progress report (the reports and dispatch
-- rounds count 'api' and 'cli' rows).

-- Plans loaded before this release keep their statuses: no review.  A
-- plan loaded for the first time is reviewed unless its file says
-- completion_review: no (the loader, 10-plan.sql, passes what the file
-- says; this default is for a plan inserted by other means).
ALTER TABLE plan ADD COLUMN completion_review boolean NOT NULL DEFAULT false;
ALTER TABLE plan ALTER COLUMN completion_review SET DEFAULT true;

ALTER TABLE progress DROP CONSTRAINT progress_source_check;
ALTER TABLE progress ADD CONSTRAINT progress_source_check
	CHECK (source IN ('load', 'api', 'cli', 'system', 'workflow', 'extension',
			  'completion'));

-- The lead office hears of a decision, and the general office of a
-- request, through the outbox (reminder kind 'completion').
ALTER TABLE reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE reminder ADD CONSTRAINT reminder_kind_check CHECK (kind IN ('digest', 'due_soon',
	'overdue', 'escalation', 'summary', 'dispatch', 'acknowledge', 'acknowledge_late',
	'instruction', 'report_due', 'completion'));

-- One request and its decision.  Each step names the person (or the
-- token's label), their office, their part (a person's role, or the
-- token's class), the moment and the text: the request's 办结说明, the
-- decision's reason (required to return it).
CREATE TABLE task_completion (
	id		bigserial PRIMARY KEY,
	task_id		bigint NOT NULL REFERENCES task (id),
	note		text NOT NULL CHECK (length(btrim(note)) > 0),
	state		text NOT NULL DEFAULT 'pending'
			CHECK (state IN ('pending', 'approved', 'returned')),
	requested_at	timestamptz NOT NULL,
	requested_by	text NOT NULL,
	requested_role	text NOT NULL,
	requested_office_id bigint REFERENCES office (id),
	requested_token_id bigint REFERENCES api_token (id),
	requested_account_id bigint REFERENCES account (id),
	decided_at	timestamptz,
	decided_by	text,
	decided_role	text,
	decided_office_id bigint REFERENCES office (id),
	decided_token_id bigint REFERENCES api_token (id),
	decided_account_id bigint REFERENCES account (id),
	decision_reason	text,
	CHECK ((state = 'pending') = (decided_at IS NULL)),
	CHECK (decided_at IS NULL OR decided_at >= requested_at),
	CHECK (state <> 'returned' OR length(btrim(decision_reason)) > 0)
);
CREATE INDEX task_completion_task ON task_completion (task_id, requested_at);
-- One open request per task, and one approval: an approved task is closed.
CREATE UNIQUE INDEX task_completion_one_pending ON task_completion (task_id)
	WHERE state = 'pending';
CREATE UNIQUE INDEX task_completion_one_approved ON task_completion (task_id)
	WHERE state = 'approved';
