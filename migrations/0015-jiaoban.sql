-- 督办事项 (交办): a task the general office enters from the pages (a
-- leader's 批示, a meeting's decision, a document), into the year's list
-- of 交办事项: a plan of its own per organisation and year, key
-- jiaoban-<organisation id>-<year>, made on the first 督办事项 of the year
-- (migrations/functions/67-jiaoban.sql).  Such a plan is no file's:
-- `duban plan load` never touches it, and no plan file may use its key.

-- Where a plan comes from: a plan file, or the general office's 交办.
ALTER TABLE plan ADD COLUMN origin text NOT NULL DEFAULT 'file'
	CHECK (origin IN ('file', 'jiaoban'));
CREATE UNIQUE INDEX plan_jiaoban_year ON plan (org_id, year) WHERE origin = 'jiaoban';

-- What a 督办事项 rests on (督办依据): its kind (a leader's 批示, a
-- meeting, a document, other) and the words (which 批示, which meeting);
-- and how often its lead office reports (汇报频次), which the reminders
-- follow.  NULL for the tasks of plan files.
ALTER TABLE task ADD COLUMN basis_kind text
	CHECK (basis_kind IN ('instruction', 'meeting', 'document', 'other'));
ALTER TABLE task ADD COLUMN basis text CHECK (length(basis) <= 2000);
ALTER TABLE task ADD COLUMN report_every text
	CHECK (report_every IN ('day', 'week', 'month', 'quarter'));

-- The part the writer of a history row played (a person's role, or the
-- token's class), where the writer says it; older rows have none.
ALTER TABLE progress ADD COLUMN actor_role text;

-- The lead office is reminded to report, once a period (report_every).
ALTER TABLE reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE reminder ADD CONSTRAINT reminder_kind_check CHECK (kind IN ('digest', 'due_soon',
	'overdue', 'escalation', 'summary', 'dispatch', 'acknowledge', 'acknowledge_late',
	'instruction', 'report_due'));
