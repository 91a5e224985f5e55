-- 督办单 and 督查通报 in the flow of work (issue 15): an issued 督办单 is
-- sent to its 承办处室 through the outbox (reminder kind 'notice',
-- 68-notices.sql), and a change of a plan's escalation rules is kept,
-- old and new, as the lights' thresholds are (plan_lights_change).

ALTER TABLE reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE reminder ADD CONSTRAINT reminder_kind_check CHECK (kind IN ('digest', 'due_soon',
	'overdue', 'escalation', 'summary', 'dispatch', 'acknowledge', 'acknowledge_late',
	'instruction', 'report_due', 'completion', 'calendar', 'notice'));

-- Every change of a plan's notice_rule: who, when, from what to what
-- (each a duban_notice_rules_json-like object of the six rules).
CREATE TABLE notice_rule_change (
	id		bigserial PRIMARY KEY,
	plan_id		bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
	at		timestamptz NOT NULL,
	actor		text NOT NULL,
	token_id	bigint REFERENCES api_token (id),
	account_id	bigint REFERENCES account (id),
	old_rules	jsonb NOT NULL,
	new_rules	jsonb NOT NULL
);
CREATE INDEX notice_rule_change_plan ON notice_rule_change (plan_id, at);
CREATE TRIGGER notice_rule_change_append_only BEFORE UPDATE OR DELETE ON notice_rule_change
	FOR EACH ROW EXECUTE FUNCTION progress_append_only();
