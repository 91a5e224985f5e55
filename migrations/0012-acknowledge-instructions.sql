-- 签收 and 批示.
--
-- An assignment is a task given to an office that must answer for it
-- (its lead office, and its responsible offices that are offices or
-- units of the bureau, not collectives or outside departments); the
-- office acknowledges it (签收).  Unacknowledged after some working days
-- the office is reminded, and later the general office is told.
-- Assignments made by plan loads and 交办; those that existed before this
-- migration are not chased (remind = false), but can still be 签收ed.
--
-- An instruction (批示) is a leader's or the general office's written
-- direction on a task; the lead office is notified and reads it.

CREATE TABLE assignment (
	id		bigserial PRIMARY KEY,
	task_id		bigint NOT NULL REFERENCES task (id),
	office_id	bigint NOT NULL REFERENCES office (id),
	assigned_at	timestamptz NOT NULL,
	remind		boolean NOT NULL DEFAULT true,
	acknowledged_at	timestamptz,
	acknowledged_by	text,			-- the person (or token label)
	token_id	bigint REFERENCES api_token (id),
	UNIQUE (task_id, office_id),
	CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE INDEX assignment_office ON assignment (office_id) WHERE acknowledged_at IS NULL;

INSERT INTO assignment (task_id, office_id, assigned_at, remind)
SELECT DISTINCT x.task_id, x.office_id, now(), false
  FROM (SELECT t.id AS task_id, t.lead_office_id AS office_id FROM task t
	 WHERE t.lead_office_id IS NOT NULL AND t.withdrawn_at IS NULL
	UNION
	SELECT r.task_id, r.office_id FROM task_role r JOIN task t ON t.id = r.task_id
	 WHERE r.role = 'responsible' AND r.office_id IS NOT NULL AND t.withdrawn_at IS NULL) x
  JOIN office o ON o.id = x.office_id AND o.kind IN ('office', 'unit');

CREATE TABLE instruction (
	id		bigserial PRIMARY KEY,
	task_id		bigint NOT NULL REFERENCES task (id),
	at		timestamptz NOT NULL,
	author		text NOT NULL,		-- the person's name, or the token's label
	author_role	text NOT NULL,		-- leader, general
	office_id	bigint REFERENCES office (id),	-- the author's office, if any
	token_id	bigint REFERENCES api_token (id),
	body		text NOT NULL CHECK (length(body) BETWEEN 1 AND 2000)
);
CREATE INDEX instruction_task ON instruction (task_id, at);
CREATE TRIGGER instruction_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON instruction
	FOR EACH STATEMENT EXECUTE FUNCTION progress_append_only();

-- Which office has read which instruction (and who).
CREATE TABLE instruction_read (
	instruction_id	bigint NOT NULL REFERENCES instruction (id),
	office_id	bigint NOT NULL REFERENCES office (id),
	read_at		timestamptz NOT NULL,
	read_by		text NOT NULL,
	PRIMARY KEY (instruction_id, office_id)
);

-- A leader's account is the person the plans name (task_role 'leader').
ALTER TABLE account ADD COLUMN person_id bigint REFERENCES person (id);

ALTER TABLE reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE reminder ADD CONSTRAINT reminder_kind_check CHECK (kind IN ('digest', 'due_soon',
	'overdue', 'escalation', 'summary', 'dispatch', 'acknowledge', 'acknowledge_late',
	'instruction'));

ALTER TABLE reminder_config ADD COLUMN acknowledge_days int NOT NULL DEFAULT 3
	CHECK (acknowledge_days BETWEEN 1 AND 30);
ALTER TABLE reminder_config ADD COLUMN acknowledge_escalate_days int NOT NULL DEFAULT 2
	CHECK (acknowledge_escalate_days BETWEEN 1 AND 30);

-- Steps of the 督办 cycle (签收, 批示, ...) stand in the history beside
-- progress, under a source of their own: they are not progress values,
-- and nothing that asks whether an office reported counts them.
ALTER TABLE progress DROP CONSTRAINT progress_source_check;
ALTER TABLE progress ADD CONSTRAINT progress_source_check
	CHECK (source IN ('load', 'api', 'cli', 'system', 'workflow'));

-- Loading plans records assignments at the loader's clock.
DROP FUNCTION duban_load_plans(jsonb, text);
