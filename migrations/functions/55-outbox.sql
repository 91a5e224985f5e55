-- The outbox as people read and mend it: the reminders with how their
-- deliveries went, one reminder, and a retry of what failed.  Both
-- `duban reminder list|retry` and the /api/v1/reminders routes call these.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The reminders made on p_date (any day when NULL), newest first, at most
-- 500; with p_failed only those with a failed delivery.  With p_errors
-- each carries its last delivery error (what the receiving server
-- answered), which only the general office and the CLI see.
CREATE OR REPLACE FUNCTION duban_reminder_list_in(p_reach bigint[], p_date date,
    p_failed boolean, p_errors boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(x ORDER BY x.send_on DESC, x.id DESC), '[]') FROM (
		SELECT r.id, r.key, r.kind, r.send_on, r.subject, o.name AS office,
		       (SELECT g.name FROM organisation g
			 WHERE g.id = coalesce(o.org_id, duban_reminder_org(r))) AS org,
		       count(d.id) FILTER (WHERE d.status = 'sent') AS sent,
		       count(d.id) FILTER (WHERE d.status IN ('pending', 'sending')) AS pending,
		       count(d.id) FILTER (WHERE d.status = 'failed') AS failed,
		       CASE WHEN p_errors THEN left(max(d.last_error), 500) END AS last_error
		  FROM reminder r
		  LEFT JOIN office o ON o.id = r.office_id
		  LEFT JOIN delivery d ON d.reminder_id = r.id
		 WHERE (p_date IS NULL OR r.send_on = p_date)
		   AND duban_reach_has(p_reach, duban_reminder_org(r))
		 GROUP BY r.id, o.name, o.org_id
		HAVING NOT coalesce(p_failed, false)
		    OR count(d.id) FILTER (WHERE d.status = 'failed') > 0
		 ORDER BY r.send_on DESC, r.id DESC
		 LIMIT 500) x
$$;

-- The same for the CLI, which reaches every organisation.
CREATE OR REPLACE FUNCTION duban_reminder_list(p_date date, p_failed boolean,
    p_errors boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_reminder_list_in(NULL, p_date, p_failed, p_errors)
$$;

-- One delivery as people read it: the office (or person) it was for,
-- the channel kind, its state and times.  With p_secrets also where it
-- went (a mail address, or a robot or webhook URL with its key) and what
-- the receiving server last answered, cut to 500 characters: those are
-- for the general office and the CLI only (docs/man/duband.8).
CREATE OR REPLACE FUNCTION duban_delivery_json(d delivery, p_secrets boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT (json_build_object('id', d.id, 'channel', d.channel,
		'office', (SELECT coalesce(o.name, po.name) FROM recipient rc
			     LEFT JOIN office o ON o.id = rc.office_id
			     LEFT JOIN person p ON p.id = rc.person_id
			     LEFT JOIN office po ON po.id = p.office_id
			    WHERE rc.id = d.recipient_id),
		'person', (SELECT p.name FROM recipient rc JOIN person p ON p.id = rc.person_id
			    WHERE rc.id = d.recipient_id),
		'status', d.status, 'attempts', d.attempts, 'sent_at', d.sent_at,
		'next_attempt_at', d.next_attempt_at)::jsonb
	    || CASE WHEN p_secrets THEN jsonb_build_object('address', d.address,
		'last_error', left(d.last_error, 500)) ELSE '{}' END)::json
$$;

-- One reminder with its deliveries (duban_delivery_json: addresses and
-- errors only with p_secrets), or NULL.
CREATE OR REPLACE FUNCTION duban_reminder_view(p_id bigint, p_secrets boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', r.id, 'key', r.key, 'kind', r.kind,
		'send_on', r.send_on, 'subject', r.subject, 'payload', r.payload,
		'deliveries', (SELECT coalesce(json_agg(duban_delivery_json(d, p_secrets)
			ORDER BY d.id), '[]')
			FROM delivery d WHERE d.reminder_id = r.id))
	  FROM reminder r WHERE r.id = p_id
$$;

-- The same with everything, as before duban_reminder_view.
CREATE OR REPLACE FUNCTION duban_reminder_get(p_id bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_reminder_view(p_id, true)
$$;

-- Queues a reminder's failed deliveries again, now, and wakes every
-- duband (NOTIFY duban_outbox 'retry').  {status: 200, body: {id,
-- retried}} or 404.
CREATE OR REPLACE FUNCTION duban_reminder_retry(p_id bigint)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM reminder WHERE id = p_id) THEN
		RETURN duban_api_problem(404, '提醒不存在', '没有编号为 ' || p_id || ' 的提醒');
	END IF;
	UPDATE delivery SET status = 'pending', next_attempt_at = now(),
	       claimed_by = NULL, claimed_until = NULL
	 WHERE reminder_id = p_id AND status = 'failed';
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		PERFORM pg_notify('duban_outbox', 'retry');
	END IF;
	RETURN json_build_object('status', 200, 'body',
		json_build_object('id', p_id, 'retried', n));
END $$;
