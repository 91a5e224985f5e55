-- The daily sweep: reminders and dispatch chases into the outbox.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- Every reminder due in (p_from, p_to]: a plan's (50-reminders.sql),
-- 签收 not made (65-assignments.sql) and reports due by a 督办事项's
-- 汇报频次 (67-jiaoban.sql), and the general office's weekly word that
-- the calendar lacks a year (40-calendar.sql).  What the sweep writes and
-- `duban reminder preview` shows.
CREATE OR REPLACE FUNCTION duban_reminders_due_all(p_from date, p_to date)
RETURNS TABLE (key text, kind text, plan_id bigint, office_id bigint,
    milestone_id bigint, period text, send_on date, subject text, payload json)
LANGUAGE sql STABLE AS $$
	SELECT * FROM duban_reminders_due(p_from, p_to)
	UNION ALL
	SELECT * FROM duban_acknowledge_reminders_due(p_from, p_to) d
	 WHERE d.office_id IS NOT NULL
	UNION ALL
	SELECT * FROM duban_report_reminders_due(p_from, p_to)
	UNION ALL
	SELECT * FROM duban_calendar_reminders_due(p_from, p_to)
$$;

-- The sweep, as in 0004, with the chases (of offices and of counties) and
-- the 督办单.
CREATE OR REPLACE FUNCTION duban_sweep(p_today date) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
	v_from	date;
	n_rem	int;
	n_del	int;
	n_chase	int := 0;
	n	int;
	c	record;
	v_notices jsonb;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('duban_sweep'));
	SELECT CASE WHEN last_swept IS NULL THEN p_today - 1
		    ELSE least(last_swept, p_today) END INTO v_from
	  FROM reminder_config WHERE id = 1;
	v_from := greatest(v_from, p_today - 31);

	INSERT INTO reminder (key, kind, plan_id, office_id, milestone_id, period,
	    send_on, subject, payload)
	SELECT d.key, d.kind, d.plan_id, d.office_id, d.milestone_id, d.period,
	       d.send_on, d.subject, d.payload
	  FROM duban_reminders_due_all(v_from, p_today) d
	ON CONFLICT (key) DO NOTHING;
	GET DIAGNOSTICS n_rem = ROW_COUNT;

	-- A round's chases: one per late office, with its deliveries.
	FOR c IN SELECT * FROM duban_dispatch_chases_due(v_from, p_today) LOOP
		n_chase := n_chase + duban_dispatch_enqueue(c.dispatch_id, c.office_id,
		    'late', c.send_on);
	END LOOP;
	-- 上级督办下级: the counties that have not reported (70-dispatch.sql).
	FOR c IN SELECT * FROM duban_county_chases_due(v_from, p_today) LOOP
		IF duban_county_chase_enqueue(c.dispatch_id, c.org_id, c.send_on, NULL,
		    c.at) IS NOT NULL THEN
			n_chase := n_chase + 1;
		END IF;
	END LOOP;

	INSERT INTO delivery (reminder_id, recipient_id, channel, address)
	SELECT r.id, rc.id, rc.channel, rc.address
	  FROM reminder r
	 CROSS JOIN LATERAL duban_reminder_recipients(r) rc
	 WHERE r.send_on > least(v_from, p_today - 1) AND r.send_on <= p_today
	ON CONFLICT (reminder_id, recipient_id) DO NOTHING;
	GET DIAGNOSTICS n_del = ROW_COUNT;

	UPDATE reminder_config
	   SET last_swept = greatest(coalesce(last_swept, p_today), p_today)
	 WHERE id = 1;
	-- Uploads a stopped duband left half-way (77-evidence.sql).
	PERFORM duban_file_sweep((p_today - 2)::timestamptz);
	PERFORM duban_idempotency_sweep((p_today - 1)::timestamptz);	-- 78-idempotency.sql
	-- 督办单: issued as items escalate, their colours stepped (68-notices.sql).
	v_notices := duban_notice_sweep(p_today, duban_notice_sweep_at(p_today));
	IF n_del > 0 THEN
		PERFORM pg_notify('duban_outbox', n_del::text);
	END IF;
	RETURN jsonb_build_object('reminders', n_rem + n_chase, 'deliveries', n_del,
	    'from', v_from, 'to', p_today, 'notices', v_notices);
END $$ SET jit = off;
