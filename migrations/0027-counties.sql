-- 上级督办下级: a city plan's task assigned to 各县（市）区 (or to a named
-- county bureau) becomes, for each county bureau under the city, a task
-- in that county's own plan (origin 'county': no file's), with its share
-- of each target and the same deadline.  The county reports on its copy
-- with its own people; the city reads the copies rolled up.

ALTER TABLE plan DROP CONSTRAINT plan_origin_check;
ALTER TABLE plan ADD CONSTRAINT plan_origin_check
	CHECK (origin IN ('file', 'jiaoban', 'county'));
-- A county plan's city plan.
ALTER TABLE plan ADD COLUMN city_plan_id bigint REFERENCES plan (id);
ALTER TABLE plan ADD CONSTRAINT plan_county_has_city
	CHECK ((origin = 'county') = (city_plan_id IS NOT NULL));
CREATE UNIQUE INDEX plan_county ON plan (city_plan_id, org_id) WHERE origin = 'county';

CREATE TABLE county_task (
	city_task_id	bigint NOT NULL REFERENCES task (id),
	org_id		bigint NOT NULL REFERENCES organisation (id),
	task_id		bigint NOT NULL UNIQUE REFERENCES task (id),
	created_at	timestamptz NOT NULL,
	PRIMARY KEY (city_task_id, org_id)
);
COMMENT ON TABLE county_task IS 'A county bureau''s copy of a city task assigned to 各县（市）区';

CREATE TABLE county_target (
	city_target_id	bigint NOT NULL REFERENCES target (id),
	org_id		bigint NOT NULL REFERENCES organisation (id),
	target_id	bigint NOT NULL UNIQUE REFERENCES target (id),
	share		numeric CHECK (share >= 0),	-- set by the city; NULL: the whole target
	share_at	timestamptz,
	share_by	text,
	PRIMARY KEY (city_target_id, org_id)
);
COMMENT ON TABLE county_target IS 'A county''s share of a city target (its copy''s value)';
