-- 督办单 and 督查通报 (issue 15 parts 3 and 4).
--
-- A 督办单 (notice) is issued when an item escalates: a milestone overdue,
-- a milestone still open a few working days before its date (临期), an
-- office 逾期未报 in an open dispatch round; by the daily sweep, or by
-- hand by the general office.  Each is numbered per organisation and
-- year (督〔2012〕7号), names its 承办处室, and carries a colour that
-- climbs 蓝 -> 黄 -> 红 while the item stays open; the office signs for it
-- (签收).  Everything that happens to it is a row of notice_event.
--
-- A 督查通报 (bulletin) is drafted by the general office after a dispatch
-- round closes or a quarter ends, edited while a draft, then issued:
-- numbered (督查通报〔2012〕第3期), dated, and frozen: its figures and
-- texts (content) and the document rendered from them (html) never
-- change again.
--
-- The rules and functions are in migrations/functions/68-notices.sql.

-- When a plan's items escalate, and how a notice's colour climbs.  A
-- plan without a row has the defaults (duban_notice_rule_defaults).
CREATE TABLE notice_rule (
	plan_id		bigint PRIMARY KEY REFERENCES plan (id),
	on_overdue	boolean NOT NULL,		-- a milestone past its date
	soon_days	int NOT NULL CHECK (soon_days BETWEEN 0 AND 60),	-- 0: no 临期 notice
	on_late_report	boolean NOT NULL,		-- 逾期未报 in a round
	yellow_days	int NOT NULL CHECK (yellow_days BETWEEN 1 AND 250),
	red_days	int NOT NULL CHECK (red_days BETWEEN 2 AND 250),
	feedback_days	int NOT NULL CHECK (feedback_days BETWEEN 1 AND 60),
	updated_at	timestamptz NOT NULL,
	updated_by	text NOT NULL,
	CHECK (red_days > yellow_days)
);

-- The last number given, per organisation, kind of document and year:
-- taken with the row locked, in the issuing transaction, so numbers have
-- no gaps (a rolled-back issue gives its number back).
CREATE TABLE notice_counter (
	org_id		bigint NOT NULL REFERENCES organisation (id),
	kind		text NOT NULL CHECK (kind IN ('notice', 'bulletin')),
	year		int NOT NULL,
	last		int NOT NULL CHECK (last > 0),
	PRIMARY KEY (org_id, kind, year)
);

CREATE TABLE notice (
	id		bigserial PRIMARY KEY,
	org_id		bigint NOT NULL REFERENCES organisation (id),
	year		int NOT NULL,
	seq		int NOT NULL CHECK (seq > 0),
	trigger		text NOT NULL
			CHECK (trigger IN ('overdue', 'due_soon', 'late_report', 'manual')),
	plan_id		bigint REFERENCES plan (id),
	task_id		bigint REFERENCES task (id),
	milestone_id	bigint REFERENCES milestone (id),
	dispatch_id	bigint REFERENCES dispatch (id),
	office_id	bigint NOT NULL REFERENCES office (id),	-- 承办处室
	matter		text NOT NULL CHECK (length(btrim(matter)) BETWEEN 1 AND 2000),	-- 督办事项
	basis		text NOT NULL CHECK (length(btrim(basis)) BETWEEN 1 AND 2000),		-- 督办依据
	handle_by	date NOT NULL,				-- 办理时限
	feedback	text NOT NULL CHECK (length(btrim(feedback)) BETWEEN 1 AND 2000),	-- 反馈要求
	feedback_by	date NOT NULL,
	colour		text NOT NULL DEFAULT 'blue' CHECK (colour IN ('blue', 'yellow', 'red')),
	issued_on	date NOT NULL,
	issued_at	timestamptz NOT NULL,
	issued_by	text NOT NULL,
	token_id	bigint REFERENCES api_token (id),	-- NULL: the sweep
	closed_at	timestamptz,		-- the item was done: the colour stops
	acked_at	timestamptz,		-- 签收
	acked_by	text,
	acked_role	text,
	acked_token_id	bigint REFERENCES api_token (id),
	acked_account_id bigint REFERENCES account (id),
	UNIQUE (org_id, year, seq),
	CHECK ((acked_at IS NULL) = (acked_by IS NULL)),
	CHECK (trigger NOT IN ('overdue', 'due_soon') OR milestone_id IS NOT NULL),
	CHECK (trigger <> 'late_report' OR dispatch_id IS NOT NULL),
	CHECK (trigger <> 'manual' OR task_id IS NOT NULL)
);
-- One notice per item and escalation: the sweep may run any number of
-- times a day and never issues a second.
CREATE UNIQUE INDEX notice_milestone_once ON notice (milestone_id, trigger)
	WHERE trigger IN ('overdue', 'due_soon');
CREATE UNIQUE INDEX notice_round_once ON notice (dispatch_id, office_id)
	WHERE trigger = 'late_report';
CREATE INDEX notice_office ON notice (office_id, year);
CREATE INDEX notice_open ON notice (id) WHERE closed_at IS NULL;

-- A notice's history: issued, each colour change, 签收, closed.
CREATE TABLE notice_event (
	id		bigserial PRIMARY KEY,
	notice_id	bigint NOT NULL REFERENCES notice (id),
	at		timestamptz NOT NULL,
	action		text NOT NULL CHECK (action IN ('issued', 'colour', 'acknowledged', 'closed')),
	colour		text CHECK (colour IN ('blue', 'yellow', 'red')),
	actor		text NOT NULL,
	role		text,
	office_id	bigint REFERENCES office (id),
	token_id	bigint REFERENCES api_token (id),
	account_id	bigint REFERENCES account (id),
	note		text
);
CREATE INDEX notice_event_notice ON notice_event (notice_id, at);
CREATE TRIGGER notice_event_append_only BEFORE UPDATE OR DELETE ON notice_event
	FOR EACH ROW EXECUTE FUNCTION progress_append_only();
CREATE TRIGGER notice_event_no_truncate BEFORE TRUNCATE ON notice_event
	FOR EACH STATEMENT EXECUTE FUNCTION progress_append_only();

CREATE TABLE bulletin (
	id		bigserial PRIMARY KEY,
	org_id		bigint NOT NULL REFERENCES organisation (id),
	dispatch_id	bigint REFERENCES dispatch (id),	-- drafted from a round
	quarter		text CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),	-- or a quarter
	state		text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'issued')),
	version		int NOT NULL DEFAULT 1 CHECK (version > 0),
	title		text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
	figures		jsonb NOT NULL,		-- 总体情况, 表扬, 通报批评: fixed at drafting
	remarks		text CHECK (length(remarks) <= 4000),		-- 总体情况's own words
	requirements	text NOT NULL CHECK (length(requirements) <= 4000),	-- 下一步要求
	signer		text NOT NULL CHECK (length(btrim(signer)) BETWEEN 1 AND 100),	-- 落款
	red_head	boolean NOT NULL DEFAULT false,	-- 红头
	created_at	timestamptz NOT NULL,
	created_by	text NOT NULL,
	updated_at	timestamptz NOT NULL,
	updated_by	text NOT NULL,
	year		int,
	seq		int CHECK (seq > 0),
	issued_on	date,
	issued_at	timestamptz,
	issued_by	text,
	content		jsonb,			-- everything the document says, as issued
	html		text,			-- the document, as issued
	CHECK ((dispatch_id IS NULL) <> (quarter IS NULL)),
	CHECK ((state = 'issued') = (issued_at IS NOT NULL AND seq IS NOT NULL
		AND content IS NOT NULL AND html IS NOT NULL)),
	UNIQUE (org_id, year, seq)
);
CREATE INDEX bulletin_org ON bulletin (org_id, state);

-- An issued 通报 is archived: never changed, never removed.  (The
-- function's current text is in 68-notices.sql; defined here because the
-- trigger needs it before the repeatable files run.)
CREATE FUNCTION bulletin_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.state = 'issued' THEN
		RAISE EXCEPTION '已印发的督查通报不能修改或删除（%）', OLD.id
		    USING ERRCODE = 'check_violation';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER bulletin_frozen BEFORE UPDATE OR DELETE ON bulletin
	FOR EACH ROW EXECUTE FUNCTION bulletin_frozen();
