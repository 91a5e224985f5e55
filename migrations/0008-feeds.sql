-- Calendar feeds (RFC 5545): an office's milestones and deadlines at a
-- URL with its own token, which calendar apps fetch without logging in.
-- Only the token's SHA-256 is kept; a feed can be revoked on its own.

CREATE TABLE ical_feed (
	id		bigserial PRIMARY KEY,
	office_id	bigint NOT NULL REFERENCES office (id),
	hash		text NOT NULL UNIQUE,
	label		text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
	created_at	timestamptz NOT NULL DEFAULT now(),
	created_by	text NOT NULL,
	revoked_at	timestamptz
);

-- The events of a feed, or NULL when the token is unknown or revoked:
-- every milestone of the tasks the office leads or is responsible for.
-- An event's UID is built from the plan, task and milestone keys, so it
-- stays the same across re-loads; its SEQUENCE counts the times its date
-- moved, so that calendar apps take the new date.
CREATE FUNCTION duban_feed(p_hash text) RETURNS json
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
