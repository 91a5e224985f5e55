-- Reminders: China's working-day calendar, recipients, and a
-- transactional outbox of reminders with one delivery per recipient.

-- ------------------------------------------------------------------
-- A task's effective lead office, kept on the task itself: the sweeps
-- and reports read it for every task, and it changes only when roles
-- or office kinds do.  task_lead keeps its columns and meaning.

DROP VIEW task_lead;
ALTER TABLE task ADD COLUMN lead_office_id bigint REFERENCES office (id);
ALTER TABLE task ADD COLUMN lead_basis text
	CHECK (lead_basis IN ('named', 'sole_responsible'));
CREATE INDEX task_lead_office ON task (lead_office_id);

-- The rule (as in 0001): the 牵头处室 the document names, or, where it
-- names none but exactly one 责任处室 of the bureau itself (an office or
-- unit, not a collective), that one.  Recomputed for the given tasks.
CREATE FUNCTION duban_refresh_leads(p_tasks bigint[]) RETURNS void
LANGUAGE sql AS $$
	WITH ids AS (SELECT DISTINCT unnest(p_tasks) AS id),
	d AS (
		SELECT i.id AS task_id, coalesce(l.office_id, r.office_id) AS office_id,
		       CASE WHEN l.office_id IS NOT NULL THEN 'named'
			    WHEN r.office_id IS NOT NULL THEN 'sole_responsible' END AS basis
		  FROM ids i
		  LEFT JOIN LATERAL (
			SELECT tr.office_id FROM task_role tr
			 WHERE tr.task_id = i.id AND tr.role = 'lead'
			   AND tr.office_id IS NOT NULL
			 ORDER BY tr.position LIMIT 1) l ON true
		  LEFT JOIN LATERAL (
			SELECT min(tr.office_id) AS office_id FROM task_role tr
			  JOIN office o ON o.id = tr.office_id
			 WHERE tr.task_id = i.id AND tr.role = 'responsible'
			   AND o.kind IN ('office', 'unit')
			HAVING count(DISTINCT tr.office_id) = 1) r ON true)
	UPDATE task t SET lead_office_id = d.office_id, lead_basis = d.basis
	  FROM d
	 WHERE t.id = d.task_id
	   AND (t.lead_office_id, t.lead_basis) IS DISTINCT FROM (d.office_id, d.basis);
$$;
SELECT duban_refresh_leads(array_agg(id)) FROM task;

CREATE VIEW task_lead AS
SELECT t.id AS task_id, t.lead_office_id AS office_id, t.lead_basis AS basis
  FROM task t;

-- A bulk insert (a whole city's plans in one statement) arrives before
-- autovacuum has seen the new rows: the planner would take task_role for
-- the empty table it last saw and scan it once per task.  ANALYZE counts
-- this transaction's own rows, so refresh with true statistics.
CREATE FUNCTION task_role_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	ids bigint[];
BEGIN
	IF TG_OP = 'INSERT' THEN
		ids := ARRAY(SELECT DISTINCT task_id FROM new_rows);
	ELSE
		ids := ARRAY(SELECT DISTINCT task_id FROM old_rows);
	END IF;
	IF cardinality(ids) > 5000 THEN
		ANALYZE task, task_role;
	END IF;
	PERFORM duban_refresh_leads(ids);
	RETURN NULL;
END $$;
CREATE TRIGGER task_role_inserted AFTER INSERT ON task_role
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION task_role_changed();
CREATE TRIGGER task_role_deleted AFTER DELETE ON task_role
	REFERENCING OLD TABLE AS old_rows
	FOR EACH STATEMENT EXECUTE FUNCTION task_role_changed();

CREATE FUNCTION office_kind_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM duban_refresh_leads(ARRAY(
		SELECT DISTINCT r.task_id FROM task_role r
		  JOIN new_rows n ON n.id = r.office_id));
	RETURN NULL;
END $$;
CREATE TRIGGER office_kind_changed AFTER UPDATE ON office
	REFERENCING NEW TABLE AS new_rows
	FOR EACH STATEMENT EXECUTE FUNCTION office_kind_changed();

-- ------------------------------------------------------------------
-- The calendar.  holiday: a day off the State Council's notice gives;
-- workday: a weekend day it makes a working day (调休上班); closure: a day
-- the bureau itself closes.  Other days: Monday to Friday work.

CREATE TABLE calendar_day (
	day		date PRIMARY KEY,
	kind		text NOT NULL CHECK (kind IN ('holiday', 'workday', 'closure')),
	name		text NOT NULL,
	year		int,			-- the notice's year
	source		text NOT NULL		-- the notice, or 'bureau'
);

-- Every day from 2000 to 2100 with a running count of working days up to
-- and including it.  "K working days before X" is then an indexed join:
-- the working day whose seq is seq(X) - K.
CREATE TABLE workday_seq (
	day		date PRIMARY KEY,
	is_workday	boolean NOT NULL,
	seq		int NOT NULL
);
CREATE INDEX workday_seq_seq ON workday_seq (seq);

CREATE FUNCTION duban_refresh_workdays() RETURNS void LANGUAGE sql AS $$
	DELETE FROM workday_seq;
	INSERT INTO workday_seq (day, is_workday, seq)
	SELECT d, w, sum(w::int) OVER (ORDER BY d)::int
	  FROM (SELECT d::date AS d,
		       CASE WHEN c.kind IN ('holiday', 'closure') THEN false
			    WHEN c.kind = 'workday' THEN true
			    ELSE extract(isodow FROM d) < 6 END AS w
		  FROM generate_series(date '2000-01-01', date '2100-12-31', interval '1 day') d
		  LEFT JOIN calendar_day c ON c.day = d::date) x;
$$;
SELECT duban_refresh_workdays();

CREATE FUNCTION calendar_day_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM duban_refresh_workdays();
	RETURN NULL;
END $$;
CREATE TRIGGER calendar_day_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
	ON calendar_day FOR EACH STATEMENT EXECUTE FUNCTION calendar_day_changed();

CREATE FUNCTION duban_is_workday(d date) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT is_workday FROM workday_seq WHERE day = d
$$;

-- The working day k working days after d (k may be negative; k = 0 is
-- the last working day on or before d).
CREATE FUNCTION duban_workday_add(d date, k int) RETURNS date LANGUAGE sql STABLE AS $$
	SELECT w.day FROM workday_seq w
	 WHERE w.is_workday AND w.seq = (SELECT seq FROM workday_seq WHERE day = d) + k
$$;

-- Loads one calendar file (the JSON `duban calendar load` builds): the
-- notices' days for the years it names replace what was there.
CREATE FUNCTION duban_load_calendar(doc jsonb) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	DELETE FROM calendar_day c
	 WHERE c.source <> 'bureau'
	   AND c.year IN (SELECT (y->>'year')::int FROM jsonb_array_elements(doc->'years') y);
	INSERT INTO calendar_day (day, kind, name, year, source)
	SELECT (d->>'day')::date, d->>'kind', d->>'name', (y->>'year')::int, y->>'source'
	  FROM jsonb_array_elements(doc->'years') y
	 CROSS JOIN LATERAL jsonb_array_elements(y->'days') d
	ON CONFLICT (day) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name,
	    year = EXCLUDED.year, source = EXCLUDED.source
	 WHERE calendar_day.source <> 'bureau';
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

-- ------------------------------------------------------------------
-- Who receives: an office's or a person's addresses and robots.

CREATE TABLE recipient (
	id		bigserial PRIMARY KEY,
	office_id	bigint REFERENCES office (id),
	person_id	bigint REFERENCES person (id),
	channel		text NOT NULL CHECK (channel IN ('email', 'webhook', 'wecom', 'dingtalk')),
	address		text NOT NULL,		-- mail address or URL
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK ((office_id IS NULL) <> (person_id IS NULL))
);
CREATE UNIQUE INDEX recipient_unique ON recipient
	(coalesce(office_id, 0), coalesce(person_id, 0), channel, address);

-- The general office of a plan: the office its plan roles name for
-- 综合调度汇总, or else its organisation's 局办公室.
CREATE FUNCTION duban_general_office(p_plan bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce(
	    (SELECT r.office_id FROM plan_role r WHERE r.plan_id = p_plan
	      AND r.role = 'general_office' AND r.office_id IS NOT NULL
	      ORDER BY r.position LIMIT 1),
	    (SELECT o.id FROM office o JOIN plan p ON p.org_id = o.org_id
	      WHERE p.id = p_plan AND o.name = '局办公室'))
$$;

-- ------------------------------------------------------------------
-- The outbox.  A reminder is one message, identified by its key
-- (kind.plan.office.period.milestone); it goes to each of its recipients
-- as one delivery.  Keys are unique, so two sweeps (two duband
-- instances) create each message once.

CREATE TABLE reminder (
	id		bigserial PRIMARY KEY,
	key		text NOT NULL UNIQUE,
	kind		text NOT NULL CHECK (kind IN ('digest', 'due_soon', 'overdue',
			    'escalation', 'summary', 'dispatch')),
	plan_id		bigint REFERENCES plan (id),
	office_id	bigint REFERENCES office (id),	-- whom it concerns
	milestone_id	bigint REFERENCES milestone (id),
	period		text NOT NULL,
	send_on		date NOT NULL,		-- the working day it is for
	subject		text NOT NULL,
	payload		json NOT NULL,		-- rendered by lib/render.c
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX reminder_send_on ON reminder (send_on);

CREATE TABLE delivery (
	id		bigserial PRIMARY KEY,
	reminder_id	bigint NOT NULL REFERENCES reminder (id),
	recipient_id	bigint NOT NULL REFERENCES recipient (id),
	channel		text NOT NULL,
	address		text NOT NULL,
	status		text NOT NULL DEFAULT 'pending'
			CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
	attempts	int NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	claimed_by	text,
	claimed_until	timestamptz,
	last_error	text,
	sent_at		timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (reminder_id, recipient_id)
);
CREATE INDEX delivery_ready ON delivery (next_attempt_at) WHERE status IN ('pending', 'sending');

-- Every attempt, for the record: when, by whom, what happened.
CREATE TABLE delivery_attempt (
	id		bigserial PRIMARY KEY,
	delivery_id	bigint NOT NULL REFERENCES delivery (id),
	at		timestamptz NOT NULL DEFAULT now(),
	instance	text NOT NULL,
	ok		boolean NOT NULL,
	detail		text
);
CREATE INDEX delivery_attempt_delivery ON delivery_attempt (delivery_id);

-- How far the sweep has gone, and its settings (the defaults are the
-- bureau's usual practice; `duban reminder config` changes them).
CREATE TABLE reminder_config (
	id		int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
	digest_days	int NOT NULL DEFAULT 5 CHECK (digest_days BETWEEN 0 AND 30),
	due_soon_days	int NOT NULL DEFAULT 3 CHECK (due_soon_days BETWEEN 1 AND 30),
	escalate_after	int NOT NULL DEFAULT 5 CHECK (escalate_after BETWEEN 1 AND 60),
	last_swept	date
);
INSERT INTO reminder_config DEFAULT VALUES;
