-- 红黄绿灯 (docs/report-format.md, "Lights"): each plan's thresholds, in
-- percentage points behind 序时进度, and how many working days before a
-- deadline an item is 临期.  A plan file may give them (plan.lights); the
-- general office may change them (duban plan lights, PATCH
-- /api/v1/plans/{key}/lights).  Every change is a row of plan_lights_change,
-- so that a report as of an earlier day judges by the thresholds of then.
ALTER TABLE plan ADD COLUMN light_yellow numeric NOT NULL DEFAULT 10;
ALTER TABLE plan ADD COLUMN light_red numeric NOT NULL DEFAULT 30;
ALTER TABLE plan ADD COLUMN due_soon_days int NOT NULL DEFAULT 5;
-- The lights the plan's file gave when it was last loaded (NULL: none): a
-- re-load changes the plan's lights only when the file's change, so that
-- re-loading an unchanged file does not undo the general office's change.
ALTER TABLE plan ADD COLUMN lights_file jsonb;
ALTER TABLE plan ADD CONSTRAINT plan_lights_check
	CHECK (light_yellow >= 0 AND light_red > light_yellow AND light_red <= 100
	       AND due_soon_days BETWEEN 0 AND 60);

CREATE TABLE plan_lights_change (
	id		bigserial PRIMARY KEY,
	plan_id		bigint NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
	at		timestamptz NOT NULL,
	source		text NOT NULL CHECK (source IN ('load', 'api', 'cli')),
	actor		text NOT NULL,
	token_id	bigint REFERENCES api_token (id),
	account_id	bigint REFERENCES account (id),
	old_yellow	numeric NOT NULL,
	old_red		numeric NOT NULL,
	old_due_soon_days int NOT NULL,
	yellow		numeric NOT NULL,
	red		numeric NOT NULL,
	due_soon_days	int NOT NULL,
	note		text
);
CREATE INDEX plan_lights_change_plan ON plan_lights_change (plan_id, at);
