-- Dispatch rounds (进展调度).
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- A round's offices and where each stands at p_now: the writes it made
-- in the round's window, its report's state as of p_now, and
--   pending        未报送: nothing yet, and the date has not passed
--   draft          草稿: the office has saved drafts, not yet submitted
--   submitted      待审核: a clerk submitted it, the head has not decided
--   reported       已报送 by the date (a head's 报送, or, for an office
--                  reporting by its script token, a direct write)
--   reported_late  逾期报送: reported, after the date
--   returned       退回: by the head or the general office, not yet
--                  submitted again
--   accepted       已采纳 by the general office
--   late           逾期未报: not reported, and the date has passed
-- report_id is the office's report in the round, reason the reason of
-- its last 退回.
CREATE OR REPLACE FUNCTION duban_dispatch_offices(p_id bigint, p_now timestamptz)
RETURNS TABLE (office_id bigint, name text, tasks bigint, open_tasks bigint,
    writes bigint, first_at timestamptz, last_at timestamptz, state text,
    report_id bigint, reason text)
LANGUAGE sql STABLE AS $$
	WITH d AS (
		SELECT d.*, coalesce(d.closed_at, p_now) AS upto,
		       (d.due_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS due_end
		  FROM dispatch d WHERE d.id = p_id
	), w AS (
		SELECT h.office_id, count(*) AS writes, min(h.at) AS first_at, max(h.at) AS last_at,
		       min(h.at) FILTER (WHERE h.report_id IS NULL) AS direct_at
		  FROM progress h CROSS JOIN d
		 WHERE h.plan_id IN (SELECT plan_id FROM dispatch_plan WHERE dispatch_id = p_id)
		   AND h.office_id IN (SELECT office_id FROM dispatch_office WHERE dispatch_id = p_id)
		   AND h.source IN ('api', 'cli') AND h.at >= d.opened_at AND h.at <= d.upto
		 GROUP BY h.office_id
	), t AS (
		SELECT t.lead_office_id AS office_id, count(*) AS tasks,
		       count(*) FILTER (WHERE duban_task_status(t.id,
			   (p_now AT TIME ZONE 'Asia/Shanghai')::date) <> 'done') AS open_tasks
		  FROM task t
		 WHERE t.plan_id IN (SELECT plan_id FROM dispatch_plan WHERE dispatch_id = p_id)
		   AND t.withdrawn_at IS NULL
		 GROUP BY t.lead_office_id
	), rp AS (
		SELECT r.office_id, r.id,
		       (SELECT s.state FROM office_report_step s
			 WHERE s.report_id = r.id AND s.at <= d.upto
			 ORDER BY s.at DESC, s.id DESC LIMIT 1) AS state,
		       (SELECT min(s.at) FROM office_report_step s
			 WHERE s.report_id = r.id AND s.action = 'report' AND s.at <= d.upto)
			 AS reported_at,
		       (SELECT s.reason FROM office_report_step s
			 WHERE s.report_id = r.id AND s.action = 'return' AND s.at <= d.upto
			 ORDER BY s.at DESC, s.id DESC LIMIT 1) AS reason,
		       -- Drafts that have gone out are in the steps' items.
		       (SELECT min((i->>'first_saved_at')::timestamptz)
			  FROM office_report_step s
			 CROSS JOIN LATERAL jsonb_array_elements(s.items) i
			 WHERE s.report_id = r.id AND s.items IS NOT NULL) AS drafted_at
		  FROM office_report r CROSS JOIN d WHERE r.dispatch_id = p_id
	), dr AS (
		SELECT x.office_id, count(*) AS n FROM draft x CROSS JOIN d
		 WHERE x.plan_id IN (SELECT plan_id FROM dispatch_plan WHERE dispatch_id = p_id)
		   AND x.created_at <= d.upto
		 GROUP BY x.office_id
	)
	SELECT o.id, o.name, coalesce(t.tasks, 0), coalesce(t.open_tasks, 0),
	       coalesce(w.writes, 0), w.first_at, w.last_at,
	       CASE WHEN rp.state IN ('accepted', 'returned', 'submitted') THEN rp.state
		    WHEN rp.state = 'reported' AND rp.reported_at < d.due_end THEN 'reported'
		    WHEN rp.state = 'reported' THEN 'reported_late'
		    WHEN w.direct_at IS NOT NULL AND w.direct_at < d.due_end THEN 'reported'
		    WHEN w.direct_at IS NOT NULL THEN 'reported_late'
		    WHEN d.upto >= d.due_end THEN 'late'
		    WHEN dr.n > 0 OR rp.drafted_at <= d.upto THEN 'draft'
		    ELSE 'pending' END,
	       rp.id, CASE WHEN rp.state = 'returned' THEN rp.reason END
	  FROM dispatch_office x
	  JOIN office o ON o.id = x.office_id
	 CROSS JOIN d
	  LEFT JOIN w ON w.office_id = o.id
	  LEFT JOIN t ON t.office_id = o.id
	  LEFT JOIN rp ON rp.office_id = o.id
	  LEFT JOIN dr ON dr.office_id = o.id
	 WHERE x.dispatch_id = p_id
	 ORDER BY o.name
$$;

-- Whether a round's office state counts as having reported.
CREATE OR REPLACE FUNCTION duban_dispatch_state_reported(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT s IN ('reported', 'reported_late', 'accepted')
$$;

CREATE OR REPLACE FUNCTION duban_dispatch_state_label(s text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE s WHEN 'reported' THEN '已报送' WHEN 'reported_late' THEN '逾期报送'
		      WHEN 'pending' THEN '未报送' WHEN 'late' THEN '逾期未报'
		      WHEN 'draft' THEN '草稿' WHEN 'submitted' THEN '待审核'
		      WHEN 'returned' THEN '退回' WHEN 'accepted' THEN '已采纳' ELSE s END
$$;

-- 上级督办下级: a round's county bureaus (dispatch_county, migration
-- 0029) and where each stands at p_now, in the words of the offices'
-- states: its writes to its copies in the round's window (by its own
-- people: the county's copy plans are written only by those who reach
-- them), and its report's last step (county_report_step):
--   pending / draft  nothing reported yet; draft when it has written to
--                    its copies since the round opened (有更新，未报送)
--   reported         its general office 报送ed by the date
--   reported_late    报送ed, after the date
--   returned         退回 by the city, not yet 报送ed again
--   accepted         已采纳 by the city
--   late             not reported, and the date has passed
CREATE OR REPLACE FUNCTION duban_dispatch_counties(p_id bigint, p_now timestamptz)
RETURNS TABLE (org_id bigint, name text, plans text[], tasks bigint, open_tasks bigint,
    writes bigint, first_at timestamptz, last_at timestamptz, state text, reported_at timestamptz,
    reason text)
LANGUAGE sql STABLE AS $$
	WITH d AS (
		SELECT d.*, coalesce(d.closed_at, p_now) AS upto,
		       (d.due_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS due_end
		  FROM dispatch d WHERE d.id = p_id
	), c AS (
		SELECT x.org_id, array_agg(x.plan_id) AS plan_ids FROM dispatch_county x
		 WHERE x.dispatch_id = p_id GROUP BY x.org_id
	), w AS (
		SELECT c.org_id, count(*) AS writes, min(h.at) AS first_at, max(h.at) AS last_at
		  FROM c CROSS JOIN d JOIN progress h ON h.plan_id = ANY (c.plan_ids)
		  -- Its own people's: not the city's share or the CLI.
		  JOIN api_token tk ON tk.id = h.token_id
		   AND tk.org_id = ANY (duban_org_reach(c.org_id))
		 WHERE h.source IN ('api', 'cli') AND h.at >= d.opened_at AND h.at <= d.upto
		 GROUP BY c.org_id
	), t AS (
		SELECT c.org_id, count(*) AS tasks,
		       count(*) FILTER (WHERE duban_task_status(t.id,
			   (p_now AT TIME ZONE 'Asia/Shanghai')::date) <> 'done') AS open_tasks
		  FROM c JOIN task t ON t.plan_id = ANY (c.plan_ids)
		 WHERE t.withdrawn_at IS NULL
		 GROUP BY c.org_id
	), s AS (
		SELECT c.org_id,
		       -- A chase (催办) is a step, not a state.
		       (SELECT k.action FROM county_report_step k CROSS JOIN d
			 WHERE k.dispatch_id = p_id AND k.org_id = c.org_id AND k.at <= d.upto
			   AND k.action <> 'chase'
			 ORDER BY k.at DESC, k.id DESC LIMIT 1) AS action,
		       (SELECT min(k.at) FROM county_report_step k CROSS JOIN d
			 WHERE k.dispatch_id = p_id AND k.org_id = c.org_id AND k.action = 'report'
			   AND k.at <= d.upto) AS reported_at,
		       (SELECT k.reason FROM county_report_step k CROSS JOIN d
			 WHERE k.dispatch_id = p_id AND k.org_id = c.org_id AND k.action = 'return'
			   AND k.at <= d.upto ORDER BY k.at DESC, k.id DESC LIMIT 1) AS reason
		  FROM c
	)
	SELECT o.id, o.name,
	       ARRAY(SELECT p.key FROM plan p WHERE p.id = ANY (c.plan_ids) ORDER BY p.key),
	       coalesce(t.tasks, 0), coalesce(t.open_tasks, 0),
	       coalesce(w.writes, 0), w.first_at, w.last_at,
	       CASE WHEN s.action = 'accept' THEN 'accepted'
		    WHEN s.action = 'return' THEN 'returned'
		    WHEN s.action = 'report' AND s.reported_at < d.due_end THEN 'reported'
		    WHEN s.action = 'report' THEN 'reported_late'
		    WHEN d.upto >= d.due_end THEN 'late'
		    WHEN w.writes > 0 THEN 'draft'
		    ELSE 'pending' END,
	       s.reported_at, CASE WHEN s.action = 'return' THEN s.reason END
	  FROM c
	  JOIN organisation o ON o.id = c.org_id
	 CROSS JOIN d
	  LEFT JOIN w ON w.org_id = c.org_id
	  LEFT JOIN t ON t.org_id = c.org_id
	  LEFT JOIN s ON s.org_id = c.org_id
	 ORDER BY o.name
$$;

-- The city's chases (催办) of a county in a round (the steps 'chase',
-- by hand or by the sweep, each with the reminder it sent): how many,
-- the last one's day and who made it, and the words the pages show
-- (已催办 2 次，最近 9月13日).  Every chase made, whatever the day asked.
CREATE OR REPLACE FUNCTION duban_county_chases_json(p_id bigint, p_org bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('count', count(*), 'last_on', max(r.send_on),
		'last_by', (array_agg(k.actor ORDER BY r.send_on DESC, k.id DESC))[1],
		'label', CASE WHEN count(*) > 0 THEN '已催办 ' || count(*) || ' 次，最近 ' ||
			to_char(max(r.send_on), 'FMMM"月"FMDD"日"') END)
	  FROM county_report_step k JOIN reminder r ON r.id = k.reminder_id
	 WHERE k.dispatch_id = p_id AND k.org_id = p_org AND k.action = 'chase'
$$;

-- A county's row of a round, as the round and the county's own view
-- show it: with its chases ('chases', duban_county_chases_json).
CREATE OR REPLACE FUNCTION duban_dispatch_county_json(p_id bigint, p_org bigint,
    p_now timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('org_id', c.org_id, 'name', c.name, 'plans', c.plans,
		'tasks', c.tasks, 'open_tasks', c.open_tasks, 'writes', c.writes,
		'first_at', c.first_at, 'last_at', c.last_at, 'state', c.state,
		'state_label', duban_dispatch_state_label(c.state),
		'reported_at', c.reported_at, 'reason', c.reason,
		'chases', duban_county_chases_json(p_id, p_org))
	  FROM duban_dispatch_counties(p_id, p_now) c WHERE c.org_id = p_org
$$;

-- What a round sent one office (the request, chases, 催办), each with
-- its deliveries: whether they arrived, and with p_secrets where they
-- went and what the receiving server answered (duban_delivery_json).
CREATE OR REPLACE FUNCTION duban_dispatch_notices_view(p_id bigint, p_office bigint,
    p_secrets boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('id', r.id,
		'stage', r.payload->>'stage', 'subject', r.subject, 'send_on', r.send_on,
		'by', r.payload->>'urged_by',
		'deliveries', (SELECT coalesce(json_agg(duban_delivery_json(dl, p_secrets)
				ORDER BY dl.id), '[]')
			       FROM delivery dl WHERE dl.reminder_id = r.id))
		ORDER BY r.send_on, r.id), '[]')
	  FROM reminder r
	 WHERE r.kind = 'dispatch' AND r.office_id = p_office
	   AND r.key LIKE 'dispatch.' || p_id || '.' || p_office || '.%'
$$;

-- The same with everything: for the general office's own answers.
CREATE OR REPLACE FUNCTION duban_dispatch_notices(p_id bigint, p_office bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_dispatch_notices_view(p_id, p_office, true)
$$;

-- A round as the API shows it; delivery addresses and errors only with
-- p_secrets (the general office).
CREATE OR REPLACE FUNCTION duban_dispatch_view(p_id bigint, p_now timestamptz,
    p_secrets boolean)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', d.id, 'title', d.title, 'request', d.request, 'due_on', d.due_on,
		'opened_at', d.opened_at, 'opened_by', d.opened_by,
		'closed_at', d.closed_at, 'closed_by', d.closed_by,
		'state', CASE WHEN d.closed_at IS NOT NULL THEN 'closed' ELSE 'open' END,
		'plans', (SELECT json_agg(duban_plan_json(p) ORDER BY p.year, p.key)
			    FROM plan p JOIN dispatch_plan x ON x.plan_id = p.id
			   WHERE x.dispatch_id = d.id),
		'offices', coalesce((SELECT json_agg(json_build_object('id', o.office_id,
				'name', o.name, 'tasks', o.tasks, 'open_tasks', o.open_tasks,
				'writes', o.writes, 'first_at', o.first_at, 'last_at', o.last_at,
				'state', o.state, 'state_label', duban_dispatch_state_label(o.state),
				'report_id', o.report_id, 'reason', o.reason,
				'recipients', (SELECT count(*) FROM recipient rc
						WHERE rc.office_id = o.office_id),
				'notices', duban_dispatch_notices_view(d.id, o.office_id, p_secrets)))
			FROM duban_dispatch_offices(d.id, p_now) o), '[]'),
		-- The county bureaus asked (上级督办下级), each with its state.
		'counties', coalesce((SELECT json_agg(duban_dispatch_county_json(d.id, c.org_id,
				p_now) ORDER BY c.name)
			FROM duban_dispatch_counties(d.id, p_now) c), '[]'),
		'counts', (SELECT json_build_object('offices', count(*),
				'reported', count(*) FILTER (WHERE duban_dispatch_state_reported(o.state)),
				'reported_late', count(*) FILTER (WHERE o.state = 'reported_late'),
				'accepted', count(*) FILTER (WHERE o.state = 'accepted'),
				'submitted', count(*) FILTER (WHERE o.state = 'submitted'),
				'returned', count(*) FILTER (WHERE o.state = 'returned'),
				'missing', count(*) FILTER (WHERE NOT duban_dispatch_state_reported(o.state)),
				'late', count(*) FILTER (WHERE o.state = 'late'),
				'counties', (SELECT count(*) FROM duban_dispatch_counties(d.id, p_now) c),
				'counties_reported', (SELECT count(*)
					FROM duban_dispatch_counties(d.id, p_now) c
					WHERE duban_dispatch_state_reported(c.state)))
			FROM duban_dispatch_offices(d.id, p_now) o),
		'summary', d.summary)
	  FROM dispatch d WHERE d.id = p_id
$$;

-- A round with everything: what the general office's writes answer.
CREATE OR REPLACE FUNCTION duban_dispatch_json(p_id bigint, p_now timestamptz)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT duban_dispatch_view(p_id, p_now, true)
$$;

-- What a chase (催报) or a request says to one office: its tasks in the
-- round, with where they stand.
CREATE OR REPLACE FUNCTION duban_dispatch_payload(p_id bigint, p_office bigint, p_stage text,
    p_today date)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'kind', 'dispatch', 'stage', p_stage,
		'key', 'dispatch.' || d.id || '.' || p_office || '.' || p_stage,
		'office', (SELECT name FROM office WHERE id = p_office),
		'dispatch', json_build_object('id', d.id, 'title', d.title,
			'request', d.request, 'due_on', d.due_on),
		'plans', (SELECT json_agg(duban_plan_json(p) ORDER BY p.year, p.key)
			    FROM plan p JOIN dispatch_plan x ON x.plan_id = p.id
			   WHERE x.dispatch_id = d.id),
		'tasks', coalesce((SELECT json_agg(json_build_object('label', t.label,
				'title', t.title, 'deadline', t.deadline,
				'status', duban_task_status(t.id, p_today))
				ORDER BY p.year, p.key, t.position)
			FROM task t JOIN plan p ON p.id = t.plan_id
			JOIN dispatch_plan x ON x.plan_id = t.plan_id AND x.dispatch_id = d.id
		       WHERE t.lead_office_id = p_office AND t.withdrawn_at IS NULL), '[]'))
	  FROM dispatch d WHERE d.id = p_id
$$;

-- Puts one dispatch reminder (and its deliveries) in the outbox; once.
CREATE OR REPLACE FUNCTION duban_dispatch_enqueue(p_id bigint, p_office bigint, p_stage text,
    p_send_on date)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	-- A 催办 is once a day; a request and a chase once a round.
	v_key	text := 'dispatch.' || p_id || '.' || p_office || '.' || p_stage ||
		    CASE WHEN p_stage = 'urge' THEN '.' || p_send_on ELSE '' END;
	v_rem	bigint;
	n	int;
	d	dispatch;
BEGIN
	SELECT * INTO d FROM dispatch WHERE id = p_id;
	INSERT INTO reminder (key, kind, plan_id, office_id, period, send_on, subject, payload)
	SELECT v_key, 'dispatch',
	       (SELECT min(plan_id) FROM dispatch_plan WHERE dispatch_id = p_id),
	       p_office, 'D' || p_id, p_send_on,
	       CASE p_stage WHEN 'request' THEN '【进展调度】' || d.title || '：请于 '
			|| to_char(d.due_on, 'FMMM"月"FMDD"日"') || '前报送进展'
		    WHEN 'urge' THEN '【催办】' || d.title || '：请贵处室抓紧报送进展（要求 '
			|| to_char(d.due_on, 'FMMM"月"FMDD"日"') || '前）'
		    ELSE '【催报】' || d.title || '：贵处室尚未报送进展（要求 '
			|| to_char(d.due_on, 'FMMM"月"FMDD"日"') || '前）' END,
	       (duban_dispatch_payload(p_id, p_office, p_stage, p_send_on)::jsonb
		|| jsonb_build_object('key', v_key))::json
	ON CONFLICT (key) DO NOTHING
	RETURNING id INTO v_rem;
	IF v_rem IS NULL THEN
		RETURN 0;
	END IF;
	INSERT INTO delivery (reminder_id, recipient_id, channel, address)
	SELECT r.id, rc.id, rc.channel, rc.address
	  FROM reminder r CROSS JOIN LATERAL duban_reminder_recipients(r) rc
	 WHERE r.id = v_rem
	ON CONFLICT (reminder_id, recipient_id) DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		PERFORM pg_notify('duban_outbox', n::text);
	END IF;
	RETURN 1;
END $$;

-- Opens a round.  p_body: {plans: [key|id, ...], offices?: [name|id, ...],
-- counties?: true | [name|id, ...], due_on, title?, request?}.  Every
-- office of the round is asked at once (a reminder of stage 'request').
-- counties (上级督办下级) asks the county bureaus that have copies of
-- the plans' tasks (all of them, or those named) for their copies: a
-- round with counties and without offices asks the counties alone.  The
-- plans are those the token reaches (another tenant's are not there).
-- Returns {status, body} or a problem.
-- Opening and closing a round is the general office's: NULL for its
-- token, else the problem (401 no token, 403 another role).  p_verb says
-- what was refused: 发起 or 结束.
CREATE OR REPLACE FUNCTION duban_api_general_only(tok api_token, p_verb text)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN tok.id IS NULL THEN duban_api_check(tok, NULL)
		WHEN tok.role <> 'general' THEN duban_api_problem(403, '无权' || p_verb || '调度',
			'只有局办公室（general 角色）可以' || p_verb || '进展调度')
	END
$$;

-- A county round (上级督办下级) opened: the counties' copies it asks
-- for take its date as their 报送期限 (county_task.report_by, which the
-- county's offices see on the copy and in their 待办) where it is
-- earlier than theirs, or theirs has passed or belongs to a closed
-- round.  Each change is a row of the copy's history (field report_by,
-- source system: the round's, not the county's own write).  How many.
CREATE OR REPLACE FUNCTION duban_county_report_by(p_id bigint, tok api_token,
    p_now timestamptz)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
	d	dispatch;
	v_today	date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	n	int;
BEGIN
	SELECT * INTO d FROM dispatch WHERE id = p_id;
	-- One statement: m is read before the update (the old dates).
	WITH m AS (
		SELECT k.task_id, t.plan_id, k.report_by AS old
		  FROM dispatch_county x
		  JOIN task t ON t.plan_id = x.plan_id AND t.withdrawn_at IS NULL
		  JOIN county_task k ON k.task_id = t.id
		  LEFT JOIN dispatch o ON o.id = k.report_by_dispatch
		 WHERE x.dispatch_id = p_id
		   AND (k.report_by IS NULL OR k.report_by < v_today OR o.closed_at IS NOT NULL
			OR d.due_on < k.report_by)
	), u AS (
		UPDATE county_task k SET report_by = d.due_on, report_by_dispatch = p_id
		  FROM m WHERE k.task_id = m.task_id
		RETURNING k.task_id
	)
	INSERT INTO progress (at, actor, office_id, token_id, source, plan_id, task_id, field,
	    old_value, new_value, note)
	SELECT p_now, coalesce(tok.label, d.opened_by), NULL, tok.id, 'system', m.plan_id,
	       m.task_id, 'report_by', m.old::text, d.due_on::text,
	       '上级进展调度“' || d.title || '”要求于 ' || d.due_on || ' 前报送'
	  FROM m JOIN u ON u.task_id = m.task_id;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END $$;

CREATE OR REPLACE FUNCTION duban_api_dispatch_open(p_token text, p_body jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_plans		bigint[];
	v_offices	bigint[];
	v_counties	bigint[];
	v_due		date;
	v_title		text;
	v_bad		text;
	v_id		bigint;
	v_problem	json;
	o		bigint;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	v_problem := duban_api_general_only(tok, '发起');
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	IF jsonb_typeof(p_body->'plans') IS DISTINCT FROM 'array'
	   OR jsonb_array_length(p_body->'plans') = 0 THEN
		RETURN duban_api_problem(400, '缺少计划', '请在 plans 中给出要调度的计划（键或编号）', 'plans');
	END IF;
	SELECT s INTO v_bad FROM jsonb_array_elements_text(p_body->'plans') s
	 WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE (p.key = s OR p.id::text = s)
			      AND duban_tok_sees_org(tok, p.org_id)) LIMIT 1;
	IF v_bad IS NOT NULL THEN
		RETURN duban_api_problem(404, '计划不存在', '没有键或编号为“' || v_bad || '”的计划', 'plans');
	END IF;
	SELECT array_agg(DISTINCT p.id) INTO v_plans FROM plan p
	 WHERE (p.key IN (SELECT jsonb_array_elements_text(p_body->'plans'))
		OR p.id::text IN (SELECT jsonb_array_elements_text(p_body->'plans')))
	   AND duban_tok_sees_org(tok, p.org_id);

	-- The county bureaus asked: their copy plans of these plans.
	IF p_body ? 'counties' THEN
		IF p_body->'counties' = 'true'::jsonb THEN
			SELECT array_agg(p.id) INTO v_counties FROM plan p
			 WHERE p.origin = 'county' AND p.city_plan_id = ANY (v_plans);
		ELSIF jsonb_typeof(p_body->'counties') = 'array'
		    AND jsonb_array_length(p_body->'counties') > 0 THEN
			SELECT s INTO v_bad FROM jsonb_array_elements_text(p_body->'counties') s
			 WHERE NOT EXISTS (SELECT 1 FROM plan p JOIN organisation o ON o.id = p.org_id
					    WHERE p.origin = 'county' AND p.city_plan_id = ANY (v_plans)
					      AND (o.name = s OR o.id::text = s)) LIMIT 1;
			IF v_bad IS NOT NULL THEN
				RETURN duban_api_problem(404, '县（市）区不在这些计划中',
				    '“' || v_bad || '”没有承担这些计划交由各县（市）区办理的任务', 'counties');
			END IF;
			SELECT array_agg(p.id) INTO v_counties FROM plan p
			  JOIN organisation o ON o.id = p.org_id
			 WHERE p.origin = 'county' AND p.city_plan_id = ANY (v_plans)
			   AND (o.name IN (SELECT jsonb_array_elements_text(p_body->'counties'))
				OR o.id::text IN (SELECT jsonb_array_elements_text(p_body->'counties')));
		ELSIF p_body->'counties' <> 'false'::jsonb THEN
			RETURN duban_api_problem(400, '县（市）区有误',
			    'counties 应为 true（全部县（市）区）或县（市）区教育局名称的数组', 'counties');
		END IF;
		IF p_body->'counties' <> 'false'::jsonb AND v_counties IS NULL THEN
			RETURN duban_api_problem(400, '没有可调度的县（市）区',
			    '这些计划没有交由各县（市）区办理的任务，或其下没有县（市）区教育局', 'counties');
		END IF;
	END IF;

	IF NOT (p_body ? 'due_on') OR jsonb_typeof(p_body->'due_on') <> 'string'
	   OR (p_body->>'due_on') !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
		RETURN duban_api_problem(400, '缺少报送日期', '请在 due_on 中给出报送截止日期（YYYY-MM-DD）', 'due_on');
	END IF;
	BEGIN
		v_due := (p_body->>'due_on')::date;
	EXCEPTION WHEN others THEN
		RETURN duban_api_problem(400, '日期无效', '“' || (p_body->>'due_on') || '”不是有效的日期', 'due_on');
	END;
	IF v_due < v_today THEN
		RETURN duban_api_problem(400, '报送日期已过', '报送截止日期 ' || v_due || ' 早于今天 ' || v_today, 'due_on');
	END IF;

	IF p_body ? 'offices' THEN
		IF jsonb_typeof(p_body->'offices') <> 'array' OR jsonb_array_length(p_body->'offices') = 0 THEN
			RETURN duban_api_problem(400, '处室有误', 'offices 应为处室名称或编号的数组', 'offices');
		END IF;
		SELECT s INTO v_bad FROM jsonb_array_elements_text(p_body->'offices') s
		 WHERE NOT EXISTS (SELECT 1 FROM duban_office_match(s, NULL) m
				     JOIN office f ON f.id = m.id
				     JOIN plan p ON p.org_id = f.org_id
				    WHERE p.id = ANY (v_plans)) LIMIT 1;
		IF v_bad IS NOT NULL THEN
			RETURN duban_api_problem(404, '处室不存在', '这些计划的单位中没有名为“' || v_bad || '”的处室', 'offices');
		END IF;
		SELECT array_agg(DISTINCT f.id) INTO v_offices
		  FROM jsonb_array_elements_text(p_body->'offices') s
		 CROSS JOIN LATERAL duban_office_match(s, NULL) m
		  JOIN office f ON f.id = m.id
		  JOIN plan p ON p.org_id = f.org_id
		 WHERE p.id = ANY (v_plans);
	ELSIF v_counties IS NOT NULL THEN
		-- The counties alone.
		v_offices := '{}';
	ELSE
		-- Every lead office with a task not done.
		SELECT array_agg(DISTINCT t.lead_office_id) INTO v_offices
		  FROM task t
		 WHERE t.plan_id = ANY (v_plans) AND t.withdrawn_at IS NULL
		   AND t.lead_office_id IS NOT NULL AND duban_task_status(t.id, v_today) <> 'done';
		IF v_offices IS NULL THEN
			RETURN duban_api_problem(400, '没有可调度的处室',
			    '这些计划没有牵头处室尚有未完成的任务；可在 offices 中指定处室', 'offices');
		END IF;
	END IF;
	v_title := nullif(btrim(p_body->>'title'), '');
	IF v_title IS NULL THEN
		v_title := to_char(v_today, 'YYYY"年"FMMM"月"') || '进展调度';
	END IF;
	IF length(v_title) > 200 THEN
		RETURN duban_api_problem(400, '标题过长', '标题不能超过 200 字', 'title');
	END IF;
	IF length(p_body->>'request') > 4000 THEN
		RETURN duban_api_problem(400, '要求过长', '调度要求不能超过 4000 字', 'request');
	END IF;
	IF duban_text_has_controls(v_title) THEN
		RETURN duban_text_problem('title', '标题', v_title);
	END IF;
	IF duban_text_has_controls(p_body->>'request') THEN
		RETURN duban_text_problem('request', '调度要求', p_body->>'request');
	END IF;

	INSERT INTO dispatch (title, request, due_on, opened_at, opened_by, token_id)
	VALUES (v_title, nullif(btrim(p_body->>'request'), ''), v_due, p_now, tok.label, tok.id)
	RETURNING id INTO v_id;
	INSERT INTO dispatch_plan SELECT v_id, unnest(v_plans);
	INSERT INTO dispatch_office SELECT v_id, unnest(v_offices);
	INSERT INTO dispatch_county (dispatch_id, plan_id, org_id)
	SELECT v_id, p.id, p.org_id FROM plan p WHERE p.id = ANY (v_counties);
	PERFORM duban_county_report_by(v_id, tok, p_now);
	FOREACH o IN ARRAY v_offices LOOP
		PERFORM duban_dispatch_enqueue(v_id, o, 'request', v_today);
	END LOOP;
	RETURN json_build_object('status', 201, 'body', duban_dispatch_json(v_id, p_now));
END $$;

-- Closes a round and fixes its 调度汇总: who reported and who did not;
-- per task, what changed since the last closed round of these plans (or
-- since the plan began), its 佐证材料 as they stand, and what is still
-- missing.
CREATE OR REPLACE FUNCTION duban_api_dispatch_close(p_token text, p_id bigint, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	d		dispatch;
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_since		timestamptz;
	v_summary	json;
	v_problem	json;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	v_problem := duban_api_general_only(tok, '结束');
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	SELECT * INTO d FROM dispatch WHERE id = p_id FOR UPDATE;
	IF NOT FOUND OR NOT duban_tok_sees_dispatch(tok, d.id) THEN
		RETURN duban_api_problem(404, '调度不存在', '没有编号为 ' || p_id || ' 的调度');
	END IF;
	IF d.closed_at IS NOT NULL THEN
		RETURN duban_api_problem(409, '调度已结束', '这轮调度已于 ' ||
		    to_char(d.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || ' 结束',
		    NULL, duban_dispatch_json(d.id, p_now));
	END IF;
	SELECT max(d2.closed_at) INTO v_since
	  FROM dispatch d2
	 WHERE d2.id <> d.id AND d2.closed_at IS NOT NULL AND d2.closed_at <= p_now
	   AND EXISTS (SELECT 1 FROM dispatch_plan a JOIN dispatch_plan b ON b.plan_id = a.plan_id
		        WHERE a.dispatch_id = d.id AND b.dispatch_id = d2.id);

	WITH offices AS (
		SELECT * FROM duban_dispatch_offices(d.id, p_now)
	), tasks AS (
		SELECT t.*, p.year, p.key AS plan_key, o.name AS lead_office,
		       duban_task_status(t.id, v_today) AS status
		  FROM task t JOIN plan p ON p.id = t.plan_id
		  LEFT JOIN office o ON o.id = t.lead_office_id
		 WHERE t.plan_id IN (SELECT plan_id FROM dispatch_plan WHERE dispatch_id = d.id)
		   AND t.withdrawn_at IS NULL
		   AND (t.lead_office_id IS NULL
			OR t.lead_office_id IN (SELECT office_id FROM dispatch_office
						 WHERE dispatch_id = d.id))
	), changes AS (
		SELECT h.task_id, json_agg(json_build_object('at', h.at, 'by', h.actor,
			'what', coalesce(g.name, m.title), 'field', h.field, 'unit', g.unit,
			'old', h.old_value, 'new', h.new_value, 'note', h.note,
			'outcome', h.outcome, 'problems', h.problems, 'next_steps', h.next_steps,
			'coordination', h.coordination) ORDER BY h.at, h.id) AS items,
		       count(*) AS n
		  FROM progress h
		  LEFT JOIN target g ON g.id = h.target_id
		  LEFT JOIN milestone m ON m.id = h.milestone_id
		 WHERE h.task_id IN (SELECT id FROM tasks) AND h.source IN ('api', 'cli')
		   AND (v_since IS NULL OR h.at > v_since) AND h.at <= p_now
		 GROUP BY h.task_id
	), overdue AS (
		SELECT m.task_id, count(*) AS n FROM milestone m
		 WHERE m.task_id IN (SELECT id FROM tasks) AND duban_milestone_chased(m)
		   AND m.due_on < v_today
		 GROUP BY m.task_id
	), behind AS (
		SELECT g.task_id, string_agg(g.name, '、' ORDER BY g.position) AS names
		  FROM target g JOIN tasks t ON t.id = g.task_id
		 WHERE g.withdrawn_at IS NULL
		   AND duban_target_completion(g) <
		       duban_time_elapsed(t.year, coalesce(g.deadline, t.deadline), v_today)
		 GROUP BY g.task_id
	), evidence AS (
		-- 佐证材料: each task's targets and milestones that have files
		-- as they stand at the close (77-evidence.sql), with them.
		SELECT i.task_id, sum(x.n) AS n,
		       json_agg(json_build_object('what', i.what, 'target_id', i.target_id,
			   'milestone_id', i.milestone_id, 'count', x.n, 'files', x.files)
			   ORDER BY i.ord, i.position, i.due_on) AS items
		  FROM (SELECT g.task_id, g.id AS target_id, NULL::bigint AS milestone_id,
			       g.name AS what, 0 AS ord, g.position, NULL::date AS due_on
			  FROM target g
			 WHERE g.task_id IN (SELECT id FROM tasks) AND g.withdrawn_at IS NULL
			UNION ALL
			SELECT m.task_id, NULL, m.id, m.title, 1, m.position, m.due_on
			  FROM milestone m
			 WHERE m.task_id IN (SELECT id FROM tasks) AND m.withdrawn_at IS NULL) i
		 CROSS JOIN LATERAL (SELECT count(*) AS n,
				json_agg(duban_file_json(f) ORDER BY f.submitted_at, f.id) AS files
			   FROM duban_item_files_at(i.target_id, i.milestone_id, p_now) f) x
		 WHERE x.n > 0
		 GROUP BY i.task_id
	), blocked AS (
		-- 受阻 with something to coordinate (需协调事项).
		SELECT m.task_id, array_agg('节点受阻（' || m.title || '），需协调：' ||
			m.coordination ORDER BY m.due_on, m.position) AS reasons
		  FROM milestone m
		 WHERE m.task_id IN (SELECT id FROM tasks) AND m.withdrawn_at IS NULL
		   AND m.status = 'blocked' AND coalesce(btrim(m.coordination), '') <> ''
		 GROUP BY m.task_id
	)
	SELECT json_build_object(
		'closed_at', p_now, 'since', v_since,
		-- The county bureaus asked (上级督办下级) and where each stood.
		'counties', (SELECT coalesce(json_agg(json_build_object('name', c.name,
				'state', c.state, 'state_label', duban_dispatch_state_label(c.state),
				'writes', c.writes, 'first_at', c.first_at, 'reason', c.reason,
				-- How often the city chased it (催办).
				'chases', (SELECT count(*) FROM county_report_step k
					    WHERE k.dispatch_id = d.id AND k.org_id = c.org_id
					      AND k.action = 'chase'))
				ORDER BY c.name), '[]')
			    FROM duban_dispatch_counties(d.id, p_now) c),
		'offices', (SELECT json_agg(json_build_object('name', o.name, 'state', o.state,
				'state_label', duban_dispatch_state_label(o.state),
				'writes', o.writes, 'first_at', o.first_at, 'reason', o.reason)
				ORDER BY o.name)
			    FROM offices o),
		'counts', (SELECT json_build_object('offices', count(*),
				'reported', count(*) FILTER (WHERE duban_dispatch_state_reported(o.state)),
				'reported_late', count(*) FILTER (WHERE o.state = 'reported_late'),
				'accepted', count(*) FILTER (WHERE o.state = 'accepted'),
				'missing', count(*) FILTER (WHERE NOT duban_dispatch_state_reported(o.state)),
				'late', count(*) FILTER (WHERE o.state = 'late'),
				'tasks', (SELECT count(*) FROM tasks),
				'changed', (SELECT count(*) FROM changes),
				'files', (SELECT coalesce(sum(n), 0) FROM evidence))
			   FROM offices o),
		'tasks', coalesce((SELECT json_agg(json_build_object(
				'id', t.id, 'plan', t.plan_key, 'label', t.label, 'title', t.title,
				'lead_office', t.lead_office,
				'status', CASE WHEN t.lead_office_id IS NULL AND t.status <> 'done'
					  THEN 'unassigned' ELSE t.status END,
				'changes', coalesce(c.items, '[]'),
				'files', coalesce(ev.items, '[]'),
				'missing', array_to_json(array_remove(ARRAY[
				    CASE WHEN t.lead_office_id IS NULL THEN '未明确牵头处室' END,
				    CASE WHEN o.state IN ('pending', 'late') THEN '牵头处室本轮未报送'
					 WHEN NOT duban_dispatch_state_reported(o.state)
					 THEN '牵头处室本轮报告' || duban_dispatch_state_label(o.state) END,
				    CASE WHEN c.n IS NULL AND t.status <> 'done' THEN '本轮无进展更新' END,
				    CASE WHEN od.n > 0 THEN '逾期节点 ' || od.n || ' 个' END,
				    CASE WHEN b.names IS NOT NULL THEN '指标滞后：' || b.names END],
				    NULL) || coalesce(bk.reasons, '{}')))
				ORDER BY t.year, t.plan_key, t.position)
			  FROM tasks t
			  LEFT JOIN changes c ON c.task_id = t.id
			  LEFT JOIN offices o ON o.office_id = t.lead_office_id
			  LEFT JOIN overdue od ON od.task_id = t.id
			  LEFT JOIN behind b ON b.task_id = t.id
			  LEFT JOIN blocked bk ON bk.task_id = t.id
			  LEFT JOIN evidence ev ON ev.task_id = t.id), '[]'))
	  INTO v_summary;

	UPDATE dispatch SET closed_at = p_now, closed_by = tok.label, summary = v_summary
	 WHERE id = d.id;
	RETURN json_build_object('status', 200, 'body', duban_dispatch_json(d.id, p_now));
END $$;

-- Chases (催报): on the first working day after a round's date, each of
-- its offices that has not reported, while the round is open.
CREATE OR REPLACE FUNCTION duban_dispatch_chases_due(p_from date, p_to date)
RETURNS TABLE (dispatch_id bigint, office_id bigint, send_on date)
LANGUAGE sql STABLE AS $$
	SELECT d.id, o.office_id, w.day
	  FROM dispatch d
	 CROSS JOIN LATERAL (SELECT min(ws.day) AS day FROM workday_seq ws
			      WHERE ws.is_workday AND ws.day > d.due_on) w
	 -- Judged now: an office that reported after the date, before a
	 -- late sweep, is not chased.
	 CROSS JOIN LATERAL duban_dispatch_offices(d.id,
		 greatest(now(), w.day::timestamp AT TIME ZONE 'Asia/Shanghai')) o
	 WHERE d.closed_at IS NULL AND w.day > p_from AND w.day <= p_to
	   AND o.state = 'late'
$$;

-- POST /api/v1/dispatches/{id}/offices/{office}/urge: the general office
-- 催办s an office that has not reported, at once, through the outbox; at
-- most once per office and day.  201 with what was sent and to whom; a
-- note when the office has no recipient to send to.
CREATE OR REPLACE FUNCTION duban_api_dispatch_urge(p_token text, p_id bigint, p_office text,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	d		dispatch;
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_office	bigint;
	v_state		text;
	v_problem	json;
	v_rem		reminder;
	v_n		int;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	v_problem := duban_api_general_only(tok, '催办');
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	SELECT * INTO d FROM dispatch WHERE id = p_id FOR UPDATE;
	IF NOT FOUND OR NOT duban_tok_sees_dispatch(tok, d.id) THEN
		RETURN duban_api_problem(404, '调度不存在', '没有编号为 ' || p_id || ' 的调度');
	END IF;
	v_office := duban_report_office_for(p_id, p_office, tok);
	IF v_office IS NULL THEN
		RETURN duban_api_problem(404, '处室不存在',
		    '这轮调度不含名为“' || p_office || '”的处室', 'office');
	END IF;
	IF d.closed_at IS NOT NULL THEN
		RETURN duban_api_problem(409, '调度已结束', '这轮调度已结束，不能再催办');
	END IF;
	SELECT o.state INTO v_state FROM duban_dispatch_offices(p_id, p_now) o
	 WHERE o.office_id = v_office;
	IF duban_dispatch_state_reported(v_state) THEN
		RETURN duban_api_problem(409, '无需催办', '该处室本轮已报送（' ||
		    duban_dispatch_state_label(v_state) || '）');
	END IF;
	IF duban_dispatch_enqueue(p_id, v_office, 'urge', v_today) = 0 THEN
		SELECT * INTO v_rem FROM reminder
		 WHERE key = 'dispatch.' || p_id || '.' || v_office || '.urge.' || v_today;
		RETURN duban_api_problem(409, '今日已催办', '今天已催办过该处室（' ||
		    coalesce(v_rem.payload->>'urged_by', '局办公室') || '）；每个处室每天至多催办一次',
		    NULL, json_build_object('notices', duban_dispatch_notices(p_id, v_office)));
	END IF;
	SELECT * INTO v_rem FROM reminder
	 WHERE key = 'dispatch.' || p_id || '.' || v_office || '.urge.' || v_today;
	UPDATE reminder SET payload = (payload::jsonb || jsonb_build_object('urged_by', tok.label,
	    'urged_at', p_now))::json
	 WHERE id = v_rem.id;
	SELECT count(*) INTO v_n FROM delivery WHERE reminder_id = v_rem.id;
	RETURN json_build_object('status', 201, 'body', json_build_object(
	    'office', (SELECT name FROM office WHERE id = v_office), 'state', v_state,
	    'state_label', duban_dispatch_state_label(v_state),
	    'subject', v_rem.subject, 'send_on', v_rem.send_on, 'recipients', v_n,
	    'note', CASE WHEN v_n = 0 THEN '该处室未设置接收人，催办未能发出；请先为该处室设置接收人'
		    ELSE '已向该处室的 ' || v_n || ' 个接收人发出催办' END,
	    'notices', duban_dispatch_notices(p_id, v_office)));
END $$;

-- The caller (p_token: a token's hash) and the county a county route
-- names (p_org: its name or id) in round p_id, if the round asks it and
-- the token reaches it; else the problem: 401 without a valid token, 404
-- for another tenant's round or county (it is not there).
CREATE OR REPLACE FUNCTION duban_dispatch_county_find(p_token text, p_id bigint, p_org text,
    OUT tok api_token, OUT org_id bigint, OUT problem json)
LANGUAGE plpgsql STABLE AS $$
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		problem := duban_api_check(tok, NULL);
		RETURN;
	END IF;
	SELECT k.org_id INTO org_id FROM dispatch_county k JOIN organisation o ON o.id = k.org_id
	 WHERE k.dispatch_id = p_id AND (o.name = p_org OR o.id::text = p_org)
	   AND duban_tok_sees_org(tok, k.org_id) LIMIT 1;
	IF org_id IS NULL THEN
		problem := duban_api_problem(404, '调度不存在',
		    '没有编号为 ' || p_id || '、请“' || coalesce(p_org, '') || '”报送的调度', 'org');
	END IF;
END $$;

-- Whether tok is the city's, for the county p_org in round p_id: of
-- another organisation than the county's, reaching every plan of the
-- round (the city that opened it, or an organisation above it).  Its
-- general office returns, accepts and chases (催办) a county's report;
-- its inspectors chase too.
CREATE OR REPLACE FUNCTION duban_dispatch_city_tok(tok api_token, p_id bigint, p_org bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT tok.id IS NOT NULL AND tok.org_id IS DISTINCT FROM p_org
	   AND NOT EXISTS (SELECT 1 FROM dispatch_plan x JOIN plan p ON p.id = x.plan_id
			    WHERE x.dispatch_id = p_id AND NOT duban_tok_sees_org(tok, p.org_id))
$$;

-- 上级督办下级: the round as one county bureau sees it (GET
-- /api/v1/dispatches/{id}/counties/{org}): what the city asks, by when,
-- the county's state and its copies of the round's tasks with where
-- they stand, and its report's steps.  For a token that reaches the
-- county (the county itself or its city); another's round is not there.
CREATE OR REPLACE FUNCTION duban_api_dispatch_county_get(p_token text, p_id bigint,
    p_org text, p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	f		record;
	d		dispatch;
	v_org		bigint;
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
BEGIN
	SELECT * INTO f FROM duban_dispatch_county_find(p_token, p_id, p_org);
	IF f.problem IS NOT NULL THEN
		RETURN f.problem;
	END IF;
	v_org := f.org_id;
	SELECT x.* INTO d FROM dispatch x WHERE x.id = p_id;
	RETURN json_build_object('status', 200, 'body', json_build_object(
	    'dispatch', json_build_object('id', d.id, 'title', d.title, 'request', d.request,
		'due_on', d.due_on, 'opened_at', d.opened_at, 'opened_by', d.opened_by,
		'state', CASE WHEN d.closed_at IS NOT NULL THEN 'closed' ELSE 'open' END,
		'city', (SELECT string_agg(DISTINCT o.name, '、') FROM dispatch_plan x
			   JOIN plan p ON p.id = x.plan_id JOIN organisation o ON o.id = p.org_id
			  WHERE x.dispatch_id = d.id)),
	    'county', duban_dispatch_county_json(d.id, v_org, p_now),
	    'tasks', (SELECT coalesce(json_agg(json_build_object('id', t.id, 'plan', p.key,
			'label', t.label, 'title', t.title, 'deadline', t.deadline,
			'status', duban_task_status(t.id, v_today),
			'city_task_id', k.city_task_id, 'report_by', k.report_by,
			-- 承办科室: the county's office that fills it in, if named.
			'office', lo.name) ORDER BY p.key, t.position), '[]')
		  FROM dispatch_county c JOIN task t ON t.plan_id = c.plan_id
		  JOIN plan p ON p.id = t.plan_id
		  LEFT JOIN county_task k ON k.task_id = t.id
		  LEFT JOIN office lo ON lo.id = t.lead_office_id
		 WHERE c.dispatch_id = d.id AND c.org_id = v_org AND t.withdrawn_at IS NULL),
	    -- Its report's steps, the city's chases (催办) among them.
	    'steps', (SELECT coalesce(json_agg(json_build_object('at', k.at, 'action', k.action,
			'actor', k.actor, 'reason', k.reason,
			'subject', (SELECT r.subject FROM reminder r WHERE r.id = k.reminder_id))
			ORDER BY k.at, k.id), '[]')
		  FROM county_report_step k WHERE k.dispatch_id = d.id AND k.org_id = v_org)));
END $$;

-- POST /api/v1/dispatches/{id}/counties/{org}/submit|return|accept: a
-- county's report in its city's round.
--   submit  the county's general office (a general token of the county
--           itself) 报送s the county's report: what its people wrote to
--           its copies.  With nothing written since the round opened it
--           asks for {"confirm": true} first (422, field confirm).
--   return  {reason}: the city's general office returns a report that
--           went out; the county 报送s again.
--   accept  the city's general office: 已采纳.
-- Each step is a row of county_report_step; 200 with the county's row.
-- A round or county the token does not reach is not there (404).
CREATE OR REPLACE FUNCTION duban_api_dispatch_county(p_token text, p_id bigint,
    p_org text, p_action text, p_body jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	f		record;
	tok		api_token;
	d		dispatch;
	c		record;
	v_org		bigint;
	v_problem	json;
	v_action	text;
BEGIN
	SELECT * INTO f FROM duban_dispatch_county_find(p_token, p_id, p_org);
	IF f.problem IS NOT NULL THEN
		RETURN f.problem;
	END IF;
	tok := f.tok;
	v_org := f.org_id;
	SELECT x.* INTO d FROM dispatch x WHERE x.id = p_id FOR UPDATE;
	IF p_action = 'submit' AND NOT (tok.role = 'general' AND tok.org_id = v_org) THEN
		RETURN duban_api_problem(403, '无权报送',
		    '县（市）区的报告由该县（市）区教育局办公室（general 角色）报送');
	ELSIF p_action IN ('return', 'accept') AND NOT (tok.role = 'general'
	    AND duban_dispatch_city_tok(tok, p_id, v_org)) THEN
		RETURN duban_api_problem(403, CASE p_action WHEN 'return' THEN '无权退回' ELSE '无权采纳' END,
		    '县（市）区的报告由发起调度的上级局办公室（general 角色）' ||
		    CASE p_action WHEN 'return' THEN '退回' ELSE '采纳' END);
	END IF;
	IF d.closed_at IS NOT NULL THEN
		RETURN duban_api_problem(409, '调度已结束', '这轮调度已于 ' ||
		    to_char(d.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') ||
		    ' 结束，不能再报送、退回或采纳');
	END IF;
	SELECT * INTO c FROM duban_dispatch_counties(p_id, p_now) x WHERE x.org_id = v_org;
	IF p_action = 'submit' THEN
		IF c.state = 'accepted' THEN
			RETURN duban_api_problem(409, '报告已采纳', '“' || c.name ||
			    '”本轮的报告已被采纳，不能再次报送', NULL,
			    duban_dispatch_county_json(p_id, v_org, p_now));
		END IF;
		IF p_body ? 'confirm' AND jsonb_typeof(p_body->'confirm') <> 'boolean' THEN
			RETURN duban_api_problem(400, '确认应为 true 或 false',
			    'confirm 应为 true 或 false', 'confirm');
		END IF;
		IF c.writes = 0 AND p_body->'confirm' IS DISTINCT FROM 'true'::jsonb THEN
			RETURN duban_api_problem(422, '本轮尚未填报',
			    '本轮调度发起以来，本县（市）区承担的 ' || c.tasks ||
			    ' 项任务都没有填报更新。如确无新进展，请确认后再报送（confirm）', 'confirm');
		END IF;
		v_action := 'report';
	ELSE
		IF p_action = 'return' THEN
			v_problem := duban_extension_reason_problem(p_body, 'reason');
			IF v_problem IS NOT NULL THEN
				RETURN v_problem;
			END IF;
		END IF;
		IF NOT duban_dispatch_state_reported(c.state) OR c.state = 'accepted' THEN
			RETURN duban_api_problem(409, '没有待采纳的报告', '“' || c.name || '”' ||
			    CASE c.state WHEN 'accepted' THEN '的报告已采纳'
				WHEN 'returned' THEN '的报告已退回，尚未重新报送'
				ELSE '尚未报送' END, NULL,
			    duban_dispatch_county_json(p_id, v_org, p_now));
		END IF;
		v_action := p_action;
	END IF;
	INSERT INTO county_report_step (dispatch_id, org_id, at, action, actor, token_id,
	    account_id, reason)
	VALUES (p_id, v_org, p_now, v_action, tok.label, tok.id, tok.account_id,
	    CASE WHEN p_action = 'return' THEN btrim(p_body->>'reason') END);
	RETURN json_build_object('status', 200,
	    'body', duban_dispatch_county_json(p_id, v_org, p_now));
END $$;

-- GET /api/v1/county-rounds: the open rounds that ask the county bureaus
-- the token reaches, newest first, each with the county's state: a
-- county's 待办 of its city's rounds (and, for the city, where each of
-- its counties stands).  may_submit: whether this token may 报送 it.
CREATE OR REPLACE FUNCTION duban_api_county_rounds(p_token text, p_now timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	RETURN json_build_object('status', 200, 'body', (
	    SELECT coalesce(json_agg(json_build_object('dispatch_id', d.id, 'title', d.title,
			'request', d.request, 'due_on', d.due_on,
			'county', duban_dispatch_county_json(d.id, k.org_id, p_now),
			-- The county's own general office 报送s (the page's button).
			'may_submit', tok.role = 'general' AND tok.org_id = k.org_id)
			ORDER BY d.id DESC, o.name), '[]')
	      FROM dispatch d
	      JOIN (SELECT DISTINCT dispatch_id, org_id FROM dispatch_county) k
		ON k.dispatch_id = d.id
	      JOIN organisation o ON o.id = k.org_id
	     WHERE d.closed_at IS NULL AND duban_tok_sees_org(tok, k.org_id)));
END $$;

-- ------------------------------------------------------------------
-- 催办 of a county (上级督办下级): when a county has not 报送ed its part
-- of a round by the round's date, the city chases it: by hand (POST
-- /api/v1/dispatches/{id}/counties/{org}/chase, `duban dispatch chase
-- ROUND --county ORG`) or by the daily sweep, on the first working day
-- after the date and then every duban_county_chase_every() working days
-- (the working-day calendar, 40-calendar.sql) until the county 报送s or
-- the round closes.  Each chase is a reminder of kind 'county_chase' in
-- the outbox, to the county's general office (duban_org_general_office,
-- 45-recipients.sql: its recipients), and a step 'chase' of the
-- county's report (county_report_step: who chased, when, which reminder).

-- How many working days apart the sweep chases a county.
CREATE OR REPLACE FUNCTION duban_county_chase_every() RETURNS int
LANGUAGE sql IMMUTABLE AS $$
	SELECT 2
$$;

-- The date a chase made on p_on asks the county to 报送 by (请于…前报送):
-- the round's own date while it has not passed; after it, the working
-- day before the sweep would chase again.
CREATE OR REPLACE FUNCTION duban_county_chase_by(p_due date, p_on date) RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN p_on <= p_due THEN p_due
		    ELSE duban_workday_add(p_on, duban_county_chase_every() - 1) END
$$;

-- Chases the county p_org in round p_id on the day p_on, at p_at: the
-- reminder (once per round, county and day: its key is
-- county_chase.<round>.<org>.<day>), a delivery to each recipient of the
-- county's general office, and the step, by tok (NULL: the sweep).  The
-- reminder's id, or NULL when that day's chase was made already.
CREATE OR REPLACE FUNCTION duban_county_chase_enqueue(p_id bigint, p_org bigint, p_on date,
    tok api_token, p_at timestamptz)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	v_key		text := 'county_chase.' || p_id || '.' || p_org || '.' || p_on;
	v_office	bigint := duban_org_general_office(p_org);
	d		dispatch;
	c		record;
	v_city		text;
	v_by		date;
	v_rem		bigint;
	n		int;
BEGIN
	SELECT * INTO d FROM dispatch WHERE id = p_id;
	SELECT * INTO c FROM duban_dispatch_counties(p_id, p_at) x WHERE x.org_id = p_org;
	SELECT string_agg(DISTINCT o.name, '、') INTO v_city
	  FROM dispatch_plan x JOIN plan p ON p.id = x.plan_id
	  JOIN organisation o ON o.id = p.org_id
	 WHERE x.dispatch_id = p_id;
	v_by := duban_county_chase_by(d.due_on, p_on);
	INSERT INTO reminder (key, kind, plan_id, office_id, period, send_on, subject, payload)
	VALUES (v_key, 'county_chase',
	    (SELECT min(x.plan_id) FROM dispatch_county x
	      WHERE x.dispatch_id = p_id AND x.org_id = p_org),
	    v_office, 'D' || p_id, p_on,
	    '【催办】' || v_city || '“' || d.title || '”：' || c.name ||
	    CASE WHEN c.state = 'returned' THEN '的报告已退回，尚未重新报送' ELSE '尚未报送' END ||
	    '，请于' || to_char(v_by, 'FMMM"月"FMDD"日"') || '前报送',
	    json_build_object('kind', 'county_chase', 'key', v_key,
		'office', (SELECT name FROM office WHERE id = v_office),
		'county', c.name, 'city', v_city,
		'dispatch', json_build_object('id', d.id, 'title', d.title,
		    'request', d.request, 'due_on', d.due_on,
		    'opened_on', (d.opened_at AT TIME ZONE 'Asia/Shanghai')::date),
		'chase', 1 + (SELECT count(*) FROM county_report_step k
			       WHERE k.dispatch_id = p_id AND k.org_id = p_org
				 AND k.action = 'chase'),
		'send_on', p_on, 'report_by', v_by, 'state', c.state,
		'state_label', duban_dispatch_state_label(c.state), 'reason', c.reason,
		'chased_by', tok.label,
		'tasks', (SELECT coalesce(json_agg(json_build_object('label', t.label,
				'title', t.title, 'deadline', t.deadline, 'office', lo.name,
				'status', duban_task_status(t.id, p_on))
				ORDER BY p.key, t.position), '[]')
			    FROM dispatch_county x JOIN task t ON t.plan_id = x.plan_id
			    JOIN plan p ON p.id = t.plan_id
			    LEFT JOIN office lo ON lo.id = t.lead_office_id
			   WHERE x.dispatch_id = p_id AND x.org_id = p_org
			     AND t.withdrawn_at IS NULL)))
	ON CONFLICT (key) DO NOTHING
	RETURNING id INTO v_rem;
	IF v_rem IS NULL THEN
		RETURN NULL;
	END IF;
	INSERT INTO delivery (reminder_id, recipient_id, channel, address)
	SELECT v_rem, rc.id, rc.channel, rc.address FROM recipient rc
	 WHERE rc.office_id = v_office
	ON CONFLICT (reminder_id, recipient_id) DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	IF n > 0 THEN
		PERFORM pg_notify('duban_outbox', n::text);
	END IF;
	INSERT INTO county_report_step (dispatch_id, org_id, at, action, actor, token_id,
	    account_id, reminder_id)
	VALUES (p_id, p_org, p_at, 'chase', coalesce(tok.label, '督办系统（逾期未报自动催办）'),
	    tok.id, tok.account_id, v_rem);
	RETURN v_rem;
END $$;

-- The sweep's chases of counties in (p_from, p_to]: for each open round
-- and county that has not reported (逾期未报, or 退回 and not 报送ed
-- again), the last chase day in the window, if any: the first working
-- day after the round's date, and every duban_county_chase_every()
-- working days after it.  Judged now, as the offices' chases are (a
-- county that reported after the date, before a late sweep, is not
-- chased).  at: when the chase is recorded, now within that day.
CREATE OR REPLACE FUNCTION duban_county_chases_due(p_from date, p_to date)
RETURNS TABLE (dispatch_id bigint, org_id bigint, send_on date, at timestamptz)
LANGUAGE sql STABLE AS $$
	SELECT d.id, c.org_id, w.day,
	       least(greatest(now(), w.day::timestamp AT TIME ZONE 'Asia/Shanghai'),
		     (w.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' - interval '1 second')
	  FROM dispatch d
	 CROSS JOIN LATERAL (SELECT max(ws.day) AS day FROM workday_seq ws
			      WHERE ws.is_workday AND ws.day > p_from AND ws.day <= p_to
				AND ws.day > d.due_on
				AND (ws.seq - (SELECT s.seq FROM workday_seq s
						WHERE s.day = d.due_on) - 1)
				    % duban_county_chase_every() = 0) w
	 CROSS JOIN LATERAL duban_dispatch_counties(d.id,
		 greatest(now(), w.day::timestamp AT TIME ZONE 'Asia/Shanghai')) c
	 WHERE d.closed_at IS NULL AND d.due_on < p_to AND w.day IS NOT NULL
	   AND EXISTS (SELECT 1 FROM dispatch_county x WHERE x.dispatch_id = d.id)
	   AND c.state IN ('late', 'returned')
$$;

-- POST /api/v1/dispatches/{id}/counties/{org}/chase: the city's general
-- office or inspector 催办s a county that has not 报送ed, at once; at
-- most once per county and day (the sweep's chase of the day counts).
-- 201 with the county's row, what was sent and to how many recipients,
-- and a note when the county's general office has none.  The county
-- itself, and the city's offices, may not (403); another tenant's round
-- or county is not there (404).
CREATE OR REPLACE FUNCTION duban_api_dispatch_county_chase(p_token text, p_id bigint,
    p_org text, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	f		record;
	tok		api_token;
	d		dispatch;
	c		record;
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_rem		reminder;
	v_id		bigint;
	v_n		int;
BEGIN
	SELECT * INTO f FROM duban_dispatch_county_find(p_token, p_id, p_org);
	IF f.problem IS NOT NULL THEN
		RETURN f.problem;
	END IF;
	tok := f.tok;
	IF tok.role NOT IN ('general', 'inspector')
	   OR NOT duban_dispatch_city_tok(tok, p_id, f.org_id) THEN
		RETURN duban_api_problem(403, '无权催办',
		    '县（市）区由发起调度的上级局办公室（general 角色）或督查人员（inspector 角色）催办');
	END IF;
	SELECT x.* INTO d FROM dispatch x WHERE x.id = p_id FOR UPDATE;
	IF d.closed_at IS NOT NULL THEN
		RETURN duban_api_problem(409, '调度已结束', '这轮调度已于 ' ||
		    to_char(d.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') ||
		    ' 结束，不能再催办');
	END IF;
	SELECT * INTO c FROM duban_dispatch_counties(p_id, p_now) x WHERE x.org_id = f.org_id;
	IF duban_dispatch_state_reported(c.state) THEN
		RETURN duban_api_problem(409, '无需催办', '“' || c.name || '”本轮已报送（' ||
		    duban_dispatch_state_label(c.state) || '）', 'org',
		    duban_dispatch_county_json(p_id, f.org_id, p_now));
	END IF;
	v_id := duban_county_chase_enqueue(p_id, f.org_id, v_today, tok, p_now);
	IF v_id IS NULL THEN
		SELECT * INTO v_rem FROM reminder
		 WHERE key = 'county_chase.' || p_id || '.' || f.org_id || '.' || v_today;
		RETURN duban_api_problem(409, '今日已催办', '今天已催办过“' || c.name || '”（' ||
		    coalesce(v_rem.payload->>'chased_by', '督办系统自动催办') ||
		    '）；每个县（市）区每天至多催办一次', 'org',
		    duban_dispatch_county_json(p_id, f.org_id, p_now));
	END IF;
	SELECT * INTO v_rem FROM reminder WHERE id = v_id;
	SELECT count(*) INTO v_n FROM delivery WHERE reminder_id = v_id;
	RETURN json_build_object('status', 201, 'body', json_build_object(
	    'county', duban_dispatch_county_json(p_id, f.org_id, p_now),
	    'reminder', json_build_object('id', v_rem.id, 'key', v_rem.key,
		'subject', v_rem.subject, 'send_on', v_rem.send_on,
		'report_by', v_rem.payload->'report_by', 'office', v_rem.payload->'office',
		'recipients', v_n),
	    'note', CASE WHEN v_rem.office_id IS NULL THEN '“' || c.name ||
			'”尚无局办公室（或办公室），催办已记录但未能发出；该单位导入本单位计划、'
			'明确局办公室并设置接收人后可收到催办'
		    WHEN v_n = 0 THEN '“' || c.name || '”的' || (v_rem.payload->>'office') ||
			'未设置接收人，催办已记录但未能发出；请该单位设置接收人'
		    ELSE '已向“' || c.name || '”' || (v_rem.payload->>'office') || '的 ' || v_n ||
			' 个接收人发出催办' END));
END $$;
