-- The working-day calendar warns before it runs out: while a year the
-- calendar needs (this year; from 1 December the next) has no State
-- Council notice loaded, the general office is reminded once a week
-- through the outbox (reminder kind 'calendar'; 40-calendar.sql).
ALTER TABLE reminder DROP CONSTRAINT reminder_kind_check;
ALTER TABLE reminder ADD CONSTRAINT reminder_kind_check CHECK (kind IN ('digest', 'due_soon',
	'overdue', 'escalation', 'summary', 'dispatch', 'acknowledge', 'acknowledge_late',
	'instruction', 'report_due', 'completion', 'calendar'));
