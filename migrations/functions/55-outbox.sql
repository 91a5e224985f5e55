-- The outbox as people read and mend it: the reminders with how their
-- deliveries went, one reminder, and a retry of what failed.  Both
-- `duban reminder list|retry` and the /api/v1/reminders routes call these.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The reminders made on p_date (any day when NULL), newest first, at most
-- 500; with p_failed only those with a failed delivery.  With p_errors
-- each carries its last delivery error (what the receiving server
-- answered), which only the general office and the CLI see.
CREATE OR REPLACE FUNCTION duban_reminder_list(p_date date, p_failed boolean,
    p_errors boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(x ORDER BY x.send_on DESC, x.id DESC), '[]') FROM (
		SELECT r.id, r.key, r.kind, r.send_on, r.subject, o.name AS office,
		       count(d.id) FILTER (WHERE d.status = 'sent') AS sent,
		       count(d.id) FILTER (WHERE d.status IN ('pending', 'sending')) AS pending,
		       count(d.id) FILTER (WHERE d.status = 'failed') AS failed,
		       CASE WHEN p_errors THEN max(d.last_error) END AS last_error
		  FROM reminder r
		  LEFT JOIN office o ON o.id = r.office_id
		  LEFT JOIN delivery d ON d.reminder_id = r.id
		 WHERE p_date IS NULL OR r.send_on = p_date
		 GROUP BY r.id, o.name
		HAVING NOT coalesce(p_failed, false)
		    OR count(d.id) FILTER (WHERE d.status = 'failed') > 0
		 ORDER BY r.send_on DESC, r.id DESC
		 LIMIT 500) x
$$;

-- One reminder with its deliveries, or NULL.
CREATE OR REPLACE FUNCTION duban_reminder_get(p_id bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', r.id, 'key', r.key, 'kind', r.kind,
		'send_on', r.send_on, 'subject', r.subject, 'payload', r.payload,
		'deliveries', (SELECT coalesce(json_agg(json_build_object('id', d.id,
			'channel', d.channel, 'address', d.address, 'status', d.status,
			'attempts', d.attempts, 'last_error', d.last_error, 'sent_at', d.sent_at,
			'next_attempt_at', d.next_attempt_at) ORDER BY d.id), '[]')
			FROM delivery d WHERE d.reminder_id = r.id))
	  FROM reminder r WHERE r.id = p_id
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
