-- More of what a report holds: beside 完成情况 (note) and 取得成效
-- (outcome), 存在问题 (problems), 下步措施 (next_steps) and 需协调事项
-- (coordination), on milestones and targets and on each entry of the
-- progress history (the texts as they stood after the entry), so that a
-- report as of an earlier moment reads them as they were.  Each at most
-- 4000 characters, as duband checks.

ALTER TABLE milestone
	ADD COLUMN problems text CHECK (length(problems) <= 4000),
	ADD COLUMN next_steps text CHECK (length(next_steps) <= 4000),
	ADD COLUMN coordination text CHECK (length(coordination) <= 4000);

ALTER TABLE target
	ADD COLUMN problems text CHECK (length(problems) <= 4000),
	ADD COLUMN next_steps text CHECK (length(next_steps) <= 4000),
	ADD COLUMN coordination text CHECK (length(coordination) <= 4000);

ALTER TABLE progress
	ADD COLUMN problems text CHECK (length(problems) <= 4000),
	ADD COLUMN next_steps text CHECK (length(next_steps) <= 4000),
	ADD COLUMN coordination text CHECK (length(coordination) <= 4000);

-- The merge functions answer the three texts too (more OUT columns: a
-- new result type, which CREATE OR REPLACE cannot give).
DROP FUNCTION IF EXISTS duban_milestone_merge(milestone, jsonb, date);
DROP FUNCTION IF EXISTS duban_target_merge(target, jsonb);
