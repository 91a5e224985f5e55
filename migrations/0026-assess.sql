-- 考核: the year-end score of each office (目标管理考核), from a rule
-- table per plan year and the year's history (docs/assess-format.md,
-- migrations/functions/85-assess.sql).
--
-- Both tables are append-only: a rule table is changed by loading a new
-- one for the year (the newest loaded by a moment is in force then), a
-- 领导评价 by entering it again (the newest entered by a moment counts).

-- One load of a year's rule table: what the file said, as the loader
-- (lib/assess/assess-rules.c) read and checked it.
CREATE TABLE assess_rule (
	id		bigserial PRIMARY KEY,
	year		int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	title		text NOT NULL,
	rules		jsonb NOT NULL,
	source_file	text NOT NULL,
	source_sha256	text NOT NULL,
	loaded_at	timestamptz NOT NULL,
	loaded_by	text NOT NULL
);
CREATE INDEX assess_rule_year ON assess_rule (year, loaded_at);
CREATE TRIGGER assess_rule_append_only BEFORE UPDATE OR DELETE ON assess_rule
	FOR EACH ROW EXECUTE FUNCTION progress_append_only();
CREATE TRIGGER assess_rule_no_truncate BEFORE TRUNCATE ON assess_rule
	FOR EACH STATEMENT EXECUTE FUNCTION progress_append_only();

-- 领导评价: points the general office enters for an office and a year,
-- with who entered them, when and why.
CREATE TABLE assess_grade (
	id		bigserial PRIMARY KEY,
	year		int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	office_id	bigint NOT NULL REFERENCES office (id),
	points		numeric NOT NULL CHECK (points >= 0),
	note		text CHECK (length(note) <= 2000),
	at		timestamptz NOT NULL,
	actor		text NOT NULL,
	token_id	bigint REFERENCES api_token (id),
	account_id	bigint REFERENCES account (id)
);
CREATE INDEX assess_grade_office ON assess_grade (year, office_id, at);
CREATE TRIGGER assess_grade_append_only BEFORE UPDATE OR DELETE ON assess_grade
	FOR EACH ROW EXECUTE FUNCTION progress_append_only();
CREATE TRIGGER assess_grade_no_truncate BEFORE TRUNCATE ON assess_grade
	FOR EACH STATEMENT EXECUTE FUNCTION progress_append_only();
