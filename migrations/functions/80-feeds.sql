-- Calendar feeds.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The events of a feed, or NULL when the token is unknown or revoked:
-- every milestone of the tasks the office leads or is responsible for.
-- An event's UID is built from the plan, task and milestone keys, so it
-- stays the same across re-loads; its SEQUENCE counts the times its date
-- moved, so that calendar apps take the new date.
CREATE OR REPLACE FUNCTION duban_feed(p_hash text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'feed', f.id, 'office', o.name, 'organisation', g.name,
		'events', coalesce((
			SELECT json_agg(json_build_object(
				'uid', p.key || '/' || t.key || '/' || m.key,
				'date', m.due_on, 'kind', m.kind,
				'title', m.title, 'status', m.status,
				'completed_on', m.completed_on,
				'task', t.title, 'label', t.label, 'task_id', t.id,
				'plan', p.title, 'document_number', p.document_number,
				'lead_office', lo.name,
				'role', CASE WHEN t.lead_office_id = o.id THEN 'lead' ELSE 'responsible' END,
				'note', m.note,
				'sequence', (SELECT count(*) FROM progress h
					      WHERE h.milestone_id = m.id AND h.field = 'due_on'),
				'updated_at', m.updated_at)
				ORDER BY m.due_on, p.key, t.position, m.position)
			  FROM task t
			  JOIN plan p ON p.id = t.plan_id
			  JOIN milestone m ON m.task_id = t.id
			  LEFT JOIN office lo ON lo.id = t.lead_office_id
			 WHERE t.withdrawn_at IS NULL AND m.withdrawn_at IS NULL
			   AND (t.lead_office_id = o.id OR EXISTS (
				SELECT 1 FROM task_role r WHERE r.task_id = t.id
				   AND r.office_id = o.id AND r.role IN ('lead', 'responsible')))),
			'[]'))
	  FROM ical_feed f
	  JOIN office o ON o.id = f.office_id
	  JOIN organisation g ON g.id = o.org_id
	 WHERE f.hash = p_hash AND f.revoked_at IS NULL
$$;

-- A feed's token is made by the caller (only its SHA-256, p_hash, is
-- kept).  {status: 201, body: {id, office_id, office, label}}, or 404
-- when there is no such office, 400 when the label is empty or over 100
-- characters.  The default label is the office's name and 日历.
CREATE OR REPLACE FUNCTION duban_feed_create(p_office bigint, p_hash text,
    p_label text, p_actor text)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	f	ical_feed;
	o	office;
BEGIN
	SELECT * INTO o FROM office WHERE id = p_office;
	IF o.id IS NULL THEN
		RETURN duban_api_problem(404, '处室不存在', '没有这个编号的处室', 'office');
	END IF;
	IF p_label IS NOT NULL AND (length(p_label) NOT BETWEEN 1 AND 100
	    OR p_label ~ '[[:cntrl:]]') THEN
		RETURN duban_api_problem(400, '名称有误',
			'订阅的名称应为 1 至 100 个字，不含控制字符', 'label');
	END IF;
	INSERT INTO ical_feed (office_id, hash, label, created_by)
	VALUES (o.id, p_hash, coalesce(p_label, o.name || '日历'), p_actor)
	RETURNING * INTO f;
	RETURN json_build_object('status', 201, 'body', json_build_object('id', f.id,
		'office_id', o.id, 'office', o.name, 'label', f.label));
END $$;

-- Every feed of the offices in reach p_reach (NULL: all), never its
-- token, oldest first.
CREATE OR REPLACE FUNCTION duban_feed_list_in(p_reach bigint[])
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('id', f.id, 'office_id', f.office_id,
		'office', o.name, 'label', f.label, 'created_at', f.created_at,
		'created_by', f.created_by, 'revoked_at', f.revoked_at) ORDER BY f.id), '[]')
	  FROM ical_feed f JOIN office o ON o.id = f.office_id
	 WHERE duban_reach_has(p_reach, o.org_id)
$$;

CREATE OR REPLACE FUNCTION duban_feed_list()
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_feed_list_in(NULL)
$$;

-- Revokes a feed: its address stops working at once.  {status: 200,
-- body: {id, revoked_at, already}} (already: it was revoked before), or
-- 404.
CREATE OR REPLACE FUNCTION duban_feed_revoke(p_id bigint)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	f	ical_feed;
BEGIN
	SELECT * INTO f FROM ical_feed WHERE id = p_id FOR UPDATE;
	IF f.id IS NULL THEN
		RETURN duban_api_problem(404, '日历订阅不存在', '没有编号为 ' || p_id || ' 的日历订阅');
	END IF;
	IF f.revoked_at IS NOT NULL THEN
		RETURN json_build_object('status', 200, 'body', json_build_object('id', f.id,
			'revoked_at', f.revoked_at, 'already', true));
	END IF;
	UPDATE ical_feed SET revoked_at = now() WHERE id = p_id RETURNING * INTO f;
	RETURN json_build_object('status', 200, 'body', json_build_object('id', f.id,
		'revoked_at', f.revoked_at, 'already', false));
END $$;
