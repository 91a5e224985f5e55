-- 督查通报 (bulletins): see migrations/0025-notices.sql and README.md
-- (督办单与督查通报).  The general office drafts one from a closed dispatch
-- round or an ended quarter; the draft's figures (总体情况, 表扬, 通报批评)
-- are fixed when it is made, its own words (title, 总体情况's remarks,
-- 下一步要求, 落款, 红头) are edited while it is a draft, and issuing it
-- numbers and dates it and stores everything it says (content) and the
-- document rendered from that (html): an issued 通报 reads the same
-- forever, whatever happens after (bulletin_frozen refuses any change).
-- The documents share 68-notices.sql's 公文 stylesheet and helpers.
-- Every API function answers {status, body} as 68-notices.sql's do.
-- PL/pgSQL where they read the dispatch rounds (70-dispatch.sql).
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- The rule for 表扬, printed with the figures.
CREATE OR REPLACE FUNCTION duban_bulletin_praise_rule() RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '表扬条件：本期内有到期节点或报送任务，到期节点全部按时完成，'
	    '无逾期未完成事项，每轮调度均按时报送，且报告未被退回。'
$$;

-- What a 通报 reports: the tasks of p_plans judged on p_on (a milestone
-- due before p_on and not done is overdue, by its days to p_as_of, the
-- day the figures are 截至), the reports of the rounds p_rounds, and the
-- 退回 between p_from and p_to.  Offices: the lead offices of the tasks
-- and the rounds' offices.  Everything as it stood at p_to, read from
-- the history as the quarterly report reads it (a field's new value of
-- its last change before p_to, else the old value of its first change
-- after, else its value now): the same day's figures come out the same
-- whenever they are made (drafted now, issued next month).
CREATE OR REPLACE FUNCTION duban_bulletin_figures(p_plans bigint[], p_rounds bigint[],
    p_on date, p_as_of date, p_from timestamptz, p_to timestamptz)
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	v	jsonb;
BEGIN
	WITH hist AS MATERIALIZED (
		SELECT DISTINCT ON (h.task_id, h.milestone_id, h.field)
		       h.task_id, h.milestone_id, h.field, h.at < p_to AS before,
		       CASE WHEN h.at < p_to THEN h.new_value ELSE h.old_value END AS value
		  FROM progress h
		 WHERE h.plan_id = ANY (p_plans) AND h.task_id IS NOT NULL
		   AND h.target_id IS NULL
		   AND h.field IN ('created', 'withdrawn', 'lead_office', 'due_on', 'status',
				   'completed_on')
		 ORDER BY h.task_id, h.milestone_id, h.field, (h.at < p_to) DESC,
			  CASE WHEN h.at < p_to THEN h.at END DESC,
			  CASE WHEN h.at >= p_to THEN h.at END,
			  CASE WHEN h.at < p_to THEN -h.id ELSE h.id END
	), tasks0 AS MATERIALIZED (
		SELECT t.id, t.parent_id, t.label, t.title, t.plan_id, p.year, p.key, t.position,
		       p.completion_review,
		       CASE WHEN hl.task_id IS NULL THEN t.lead_office_id
			    ELSE (SELECT o.id FROM office o WHERE o.org_id = p.org_id
				     AND o.name = hl.value) END AS office_id
		  FROM task t JOIN plan p ON p.id = t.plan_id
		  LEFT JOIN hist hc ON hc.task_id = t.id AND hc.milestone_id IS NULL
			AND hc.field = 'created'
		  LEFT JOIN hist hw ON hw.task_id = t.id AND hw.milestone_id IS NULL
			AND hw.field = 'withdrawn'
		  LEFT JOIN hist hl ON hl.task_id = t.id AND hl.milestone_id IS NULL
			AND hl.field = 'lead_office'
		 WHERE t.plan_id = ANY (p_plans)
		   AND (hc.task_id IS NULL OR hc.before)
		   AND CASE WHEN hw.task_id IS NOT NULL THEN hw.value <> 'true'
			    ELSE t.withdrawn_at IS NULL END
	), ms AS MATERIALIZED (
		SELECT x.*, x.due_on < p_on AS due,
		       x.status = 'done' AND (x.completed_on IS NULL OR x.completed_on <= x.due_on)
			   AS on_time,
		       x.status <> 'done' AND x.due_on < p_on AS overdue
		  FROM (SELECT m.id, m.title, t.office_id, t.id AS task_id, t.parent_id, t.label,
			       t.title AS task_title,
			       CASE WHEN hd.milestone_id IS NOT NULL THEN hd.value::date
				    ELSE m.due_on END AS due_on,
			       CASE WHEN hs.milestone_id IS NOT NULL THEN hs.value
				    ELSE m.status END AS status,
			       CASE WHEN hk.milestone_id IS NOT NULL THEN hk.value::date
				    ELSE m.completed_on END AS completed_on
			  FROM milestone m JOIN tasks0 t ON t.id = m.task_id
			  JOIN plan p ON p.id = t.plan_id
			  LEFT JOIN hist hw ON hw.milestone_id = m.id AND hw.field = 'withdrawn'
			  LEFT JOIN hist hd ON hd.milestone_id = m.id AND hd.field = 'due_on'
			  LEFT JOIN hist hs ON hs.milestone_id = m.id AND hs.field = 'status'
			  LEFT JOIN hist hk ON hk.milestone_id = m.id AND hk.field = 'completed_on'
			 WHERE (m.created_at < p_to OR m.created_at <= p.created_at)
			   AND CASE WHEN hw.milestone_id IS NOT NULL THEN hw.value <> 'true'
				    ELSE m.withdrawn_at IS NULL END
			   AND NOT (m.kind = 'deadline' AND EXISTS (SELECT 1 FROM tasks0 c
					WHERE c.parent_id = t.id))) x
	), tasks AS (
		-- A task is done when its plan's 办结审核 approved it before p_to,
		-- or (without the review) when its milestones and its subtasks'
		-- were all done; overdue when one of them was overdue.
		SELECT t.*,
		       CASE WHEN CASE WHEN t.completion_review
				      THEN EXISTS (SELECT 1 FROM task_completion c
						    WHERE c.task_id = t.id AND c.state = 'approved'
						      AND c.decided_at < p_to)
				      ELSE NOT EXISTS (SELECT 1 FROM ms
						       WHERE (ms.task_id = t.id OR ms.parent_id = t.id)
							 AND ms.status <> 'done') END THEN 'done'
			    WHEN EXISTS (SELECT 1 FROM ms WHERE (ms.task_id = t.id OR ms.parent_id = t.id)
					  AND ms.overdue) THEN 'overdue'
			    ELSE 'in_progress' END AS status
		  FROM tasks0 t
	), rounds AS (
		SELECT d.id, d.title, d.due_on, d.opened_at,
		       (d.due_on + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS due_end
		  FROM dispatch d WHERE d.id = ANY (p_rounds)
	), ro AS (
		SELECT r.id AS round_id, r.title AS round_title, o.office_id, o.name, o.state,
		       o.report_id,
		       CASE WHEN o.state = 'reported' THEN 'on_time'
			    WHEN o.state = 'accepted' AND coalesce((SELECT x.reported_at
				FROM office_report x WHERE x.id = o.report_id), o.first_at)
				< r.due_end THEN 'on_time'
			    WHEN duban_dispatch_state_reported(o.state) THEN 'late'
			    ELSE 'missing' END AS kind,
		       (SELECT count(*) FROM office_report_step s
			 WHERE s.report_id = o.report_id AND s.action = 'return'
			   AND s.at >= p_from AND s.at < p_to) AS returns
		  FROM rounds r CROSS JOIN LATERAL duban_dispatch_offices(r.id, p_to) o
	), creturns AS (
		SELECT c.task_id, count(*) AS n FROM task_completion c
		 WHERE c.task_id IN (SELECT id FROM tasks) AND c.state = 'returned'
		   AND c.decided_at < p_to
		 GROUP BY c.task_id HAVING count(*) > 1
	), offices AS (
		SELECT f.id, f.name,
		       (SELECT count(*) FROM tasks t WHERE t.office_id = f.id) AS tasks,
		       (SELECT count(*) FROM ms WHERE ms.office_id = f.id AND ms.due) AS due,
		       (SELECT count(*) FROM ms WHERE ms.office_id = f.id AND ms.due AND ms.on_time)
			   AS on_time,
		       (SELECT count(*) FROM ms WHERE ms.office_id = f.id AND ms.due
			   AND ms.status = 'done' AND NOT ms.on_time) AS done_late,
		       (SELECT count(*) FROM ms WHERE ms.office_id = f.id AND ms.overdue) AS overdue,
		       (SELECT count(*) FROM ro WHERE ro.office_id = f.id) AS reports,
		       (SELECT count(*) FROM ro WHERE ro.office_id = f.id AND ro.kind = 'on_time')
			   AS reports_on_time,
		       (SELECT coalesce(sum(ro.returns), 0) FROM ro WHERE ro.office_id = f.id)
			   + (SELECT coalesce(sum(c.n), 0) FROM creturns c JOIN tasks t ON t.id = c.task_id
			       WHERE t.office_id = f.id) AS returns
		  FROM office f
		 WHERE f.id IN (SELECT office_id FROM tasks UNION SELECT office_id FROM ro)
	), judged AS (
		SELECT o.*, (o.due + o.reports > 0 AND o.due = o.on_time AND o.overdue = 0
			     AND o.reports = o.reports_on_time AND o.returns = 0) AS praised
		  FROM offices o
	)
	SELECT jsonb_build_object(
		'as_of', p_as_of,
		'plans', (SELECT jsonb_agg(jsonb_build_object('key', p.key, 'title', p.title,
				'document_number', p.document_number) ORDER BY p.year, p.key)
			    FROM plan p WHERE p.id = ANY (p_plans)),
		'tasks', (SELECT jsonb_build_object('total', count(*),
				'done', count(*) FILTER (WHERE t.status = 'done'),
				'done_on_time', count(*) FILTER (WHERE t.status = 'done'
				    AND NOT EXISTS (SELECT 1 FROM ms WHERE ms.task_id = t.id
						     AND ms.status = 'done' AND NOT ms.on_time)),
				'in_progress', count(*) FILTER (WHERE t.status NOT IN ('done', 'overdue')),
				'overdue', count(*) FILTER (WHERE t.status = 'overdue'))
			    FROM tasks t),
		'milestones', (SELECT jsonb_build_object(
				'due', count(*) FILTER (WHERE due),
				'on_time', count(*) FILTER (WHERE due AND on_time),
				'done_late', count(*) FILTER (WHERE due AND status = 'done' AND NOT on_time),
				'overdue', count(*) FILTER (WHERE overdue))
			    FROM ms),
		'rounds', coalesce((SELECT jsonb_agg(jsonb_build_object('id', r.id, 'title', r.title,
				'due_on', r.due_on,
				'offices', (SELECT count(*) FROM ro WHERE ro.round_id = r.id),
				'on_time', (SELECT count(*) FROM ro WHERE ro.round_id = r.id
					     AND ro.kind = 'on_time'),
				'late', (SELECT count(*) FROM ro WHERE ro.round_id = r.id
					  AND ro.kind = 'late'),
				'missing', (SELECT count(*) FROM ro WHERE ro.round_id = r.id
					     AND ro.kind = 'missing')) ORDER BY r.due_on, r.id)
			    FROM rounds r), '[]'),
		'offices', coalesce((SELECT jsonb_agg(jsonb_build_object('name', j.name,
				'tasks', j.tasks, 'due', j.due, 'on_time', j.on_time,
				'done_late', j.done_late, 'overdue', j.overdue, 'reports', j.reports,
				'reports_on_time', j.reports_on_time, 'returns', j.returns,
				'praised', j.praised) ORDER BY j.name)
			    FROM judged j), '[]'),
		'praised', coalesce((SELECT jsonb_agg(j.name ORDER BY j.name) FROM judged j
				      WHERE j.praised), '[]'),
		'missing_reports', coalesce((SELECT jsonb_agg(jsonb_build_object('office', ro.name,
				'round', ro.round_title, 'late', ro.kind = 'late')
				ORDER BY ro.name, ro.round_id)
			    FROM ro WHERE ro.kind IN ('missing', 'late')), '[]'),
		'overdue_items', coalesce((SELECT jsonb_agg(jsonb_build_object(
				'office', (SELECT name FROM office WHERE id = ms.office_id),
				'task_id', ms.task_id, 'task', ms.label, 'task_title', ms.task_title,
				'milestone', ms.title,
				'due_on', ms.due_on, 'days', p_as_of - ms.due_on)
				ORDER BY ms.due_on, ms.label, ms.id)
			    FROM ms WHERE ms.overdue), '[]'),
		'returned', coalesce((SELECT jsonb_agg(x.item ORDER BY x.office, x.ord) FROM (
				SELECT ro.name AS office, ro.round_id AS ord,
				       jsonb_build_object('office', ro.name, 'what', '“' || ro.round_title ||
					   '”进展报告', 'times', ro.returns) AS item
				  FROM ro WHERE ro.returns > 1
				UNION ALL
				SELECT (SELECT name FROM office WHERE id = t.office_id), t.id,
				       jsonb_build_object('task_id', t.id, 'office', (SELECT name FROM office
					   WHERE id = t.office_id), 'what', '任务' || t.label || '“' ||
					   t.title || '”办结申请', 'times', c.n)
				  FROM creturns c JOIN tasks t ON t.id = c.task_id) x), '[]'),
		'rule', duban_bulletin_praise_rule())
	  INTO v;
	RETURN v;
END $$;

-- The 总体情况 paragraph, from the figures.
CREATE OR REPLACE FUNCTION duban_bulletin_overview(f jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT '截至' || duban_cn_date((f->>'as_of')::date) || '，' ||
	    (SELECT string_agg('《' || (p->>'title') || '》', '、') FROM jsonb_array_elements(f->'plans') p) ||
	    '共有任务' || (f#>>'{tasks,total}') || '项，已完成' || (f#>>'{tasks,done}') ||
	    '项（其中按时完成' || (f#>>'{tasks,done_on_time}') || '项），正在推进' ||
	    (f#>>'{tasks,in_progress}') || '项，逾期未完成' || (f#>>'{tasks,overdue}') ||
	    '项；到期节点' || (f#>>'{milestones,due}') || '个，按时完成' ||
	    (f#>>'{milestones,on_time}') || '个，逾期完成' || (f#>>'{milestones,done_late}') ||
	    '个，逾期未完成' || (f#>>'{milestones,overdue}') || '个。' ||
	    coalesce((SELECT string_agg('“' || (r->>'title') || '”请' || (r->>'offices') ||
		'个处室报送进展，按时报送' || (r->>'on_time') || '个，逾期报送' || (r->>'late') ||
		'个，未报送' || (r->>'missing') || '个', '；' ORDER BY n)
		FROM jsonb_array_elements(f->'rounds') WITH ORDINALITY AS x(r, n)) || '。', '')
$$;

-- Everything a bulletin's document says (what issuing stores).
CREATE OR REPLACE FUNCTION duban_bulletin_content(b bulletin) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
		'number', CASE WHEN b.seq IS NOT NULL THEN duban_bulletin_number(b.year, b.seq) END,
		'issued_on', b.issued_on, 'title', b.title, 'red_head', b.red_head,
		'signer', b.signer, 'organisation', (SELECT name FROM organisation WHERE id = b.org_id),
		'scope', CASE WHEN b.dispatch_id IS NOT NULL THEN
			(SELECT jsonb_build_object('round', d.id, 'title', d.title)
			   FROM dispatch d WHERE d.id = b.dispatch_id)
		    ELSE jsonb_build_object('quarter', b.quarter) END,
		'overview', duban_bulletin_overview(b.figures), 'remarks', b.remarks,
		'requirements', b.requirements, 'figures', b.figures)
$$;

-- One section's list: 1. 2. 3. items, or a sentence when there are none.
CREATE OR REPLACE FUNCTION duban_bulletin_list(p_items text[], p_none text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN coalesce(array_length(p_items, 1), 0) = 0 THEN
		'<p>' || duban_html(p_none) || '</p>'
	    ELSE (SELECT string_agg('<p>' || n || '. ' || duban_html(i) || '</p>', '' ORDER BY n)
		    FROM unnest(p_items) WITH ORDINALITY AS x(i, n)) END
$$;

-- A bulletin's content (duban_bulletin_content) as a document; a draft
-- (no number yet) is marked so.
CREATE OR REPLACE FUNCTION duban_bulletin_html(c jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
	    || '<meta name="viewport" content="width=device-width, initial-scale=1">'
	    || '<title>' || duban_html(coalesce(c->>'number', '督查通报（草稿）')) || '</title><style>'
	    || duban_doc_css() || '</style></head><body><main class="sheet bulletin">'
	    || CASE WHEN c->>'number' IS NULL THEN
		   '<p class="draft-mark">草稿：印发时编号并注明日期</p>' ELSE '' END
	    || CASE WHEN (c->>'red_head')::boolean THEN
		   '<p class="red-head">督 查 通 报</p><p class="issue-no">'
		   || duban_html(coalesce(regexp_replace(c->>'number', '^督查通报', ''), '〔　〕第　期'))
		   || '</p><div class="issue-line"><span>' || duban_html(c->>'signer')
		   || '</span><span>' || coalesce(duban_cn_date((c->>'issued_on')::date), '　年　月　日')
		   || '</span></div><hr class="rule">'
	       ELSE '<p class="doc-no">' || duban_html(coalesce(c->>'number', '督查通报〔　〕第　期'))
		   || '</p>' END
	    || '<h1>' || duban_html(c->>'title') || '</h1>'
	    || '<p class="to">各处室（单位）：</p>'
	    || '<h2>一、总体情况</h2><p>' || duban_html(c->>'overview') || '</p>'
	    || duban_html_paras(c->>'remarks')
	    || '<h2>二、表扬</h2>'
	    || CASE WHEN jsonb_array_length(c#>'{figures,praised}') > 0 THEN
		   '<p>' || duban_html((SELECT string_agg(x, '、' ORDER BY n)
			FROM jsonb_array_elements_text(c#>'{figures,praised}') WITH ORDINALITY AS y(x, n)))
		   || '到期事项均按时完成，进展均按时报送，予以表扬。</p>'
	       ELSE '<p>本期没有符合表扬条件的处室。</p>' END
	    || '<h2>三、通报批评</h2>'
	    || '<h3>（一）未按时报送进展</h3>'
	    || duban_bulletin_list(ARRAY(SELECT (m->>'office') || '：“' || (m->>'round') || '”' ||
			CASE WHEN (m->>'late')::boolean THEN '逾期报送' ELSE '未报送' END
			FROM jsonb_array_elements(c#>'{figures,missing_reports}') WITH ORDINALITY AS y(m, n)
			ORDER BY n), '本期各处室均按时报送了进展。')
	    || '<h3>（二）逾期未完成事项</h3>'
	    || duban_bulletin_list(ARRAY(SELECT (m->>'office') || '：任务' || (m->>'task') || '“' ||
			(m->>'task_title') || '”的节点“' || (m->>'milestone') || '”，时限' ||
			duban_cn_date((m->>'due_on')::date) || '，已逾期' || (m->>'days') || '天'
			FROM jsonb_array_elements(c#>'{figures,overdue_items}') WITH ORDINALITY AS y(m, n)
			ORDER BY n), '本期没有逾期未完成的事项。')
	    || '<h3>（三）多次退回</h3>'
	    || duban_bulletin_list(ARRAY(SELECT (m->>'office') || '：' || (m->>'what') || '被退回' ||
			(m->>'times') || '次'
			FROM jsonb_array_elements(c#>'{figures,returned}') WITH ORDINALITY AS y(m, n)
			ORDER BY n), '本期没有被多次退回的事项。')
	    || '<h2>四、下一步要求</h2>' || duban_html_paras(c->>'requirements')
	    || '<div class="sign"><div><p>' || duban_html(c->>'signer') || '</p><p>'
	    || coalesce(duban_cn_date((c->>'issued_on')::date), '　　年　月　日') || '</p></div></div>'
	    || '</main></body></html>'
$$;

CREATE OR REPLACE FUNCTION duban_bulletin_json(b bulletin, tok api_token) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
		'id', b.id, 'state', b.state, 'version', b.version,
		'number', CASE WHEN b.seq IS NOT NULL THEN duban_bulletin_number(b.year, b.seq) END,
		'year', b.year, 'seq', b.seq, 'title', b.title,
		'round', (SELECT json_build_object('id', d.id, 'title', d.title)
			    FROM dispatch d WHERE d.id = b.dispatch_id),
		'quarter', b.quarter,
		'overview', coalesce(b.content->>'overview', duban_bulletin_overview(b.figures)),
		'remarks', b.remarks, 'requirements', b.requirements, 'signer', b.signer,
		'red_head', b.red_head, 'figures', b.figures,
		'created_at', b.created_at, 'created_by', b.created_by,
		'updated_at', b.updated_at, 'updated_by', b.updated_by,
		'issued_on', b.issued_on, 'issued_at', b.issued_at, 'issued_by', b.issued_by,
		'may_edit', b.state = 'draft' AND tok.role = 'general')
$$;

-- A bulletin the holder of tok may read: NULL, or the problem.  Drafts
-- are the general office's; issued ones everyone's.
CREATE OR REPLACE FUNCTION duban_bulletin_read_problem(tok api_token, b bulletin, p_id bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT CASE
		WHEN tok.id IS NULL THEN duban_api_problem(401, '令牌无效或已吊销', '请重新登录')
		WHEN b.id IS NULL OR (b.state = 'draft' AND tok.role <> 'general')
		    OR NOT duban_tok_sees_org(tok, b.org_id) THEN
			duban_api_problem(404, '通报不存在', '没有编号为 ' || p_id || ' 的督查通报')
	END
$$;

-- A 通报's figures from its scope: a closed round p_round (its plans, the
-- day it closed), or a quarter p_quarter ("2012Q3") over the plans
-- p_plans and the rounds closed in it (as of the quarter's last day).
-- Made from the history as of that day (duban_bulletin_figures): the
-- draft and the issue, however far apart, give the same figures.
CREATE OR REPLACE FUNCTION duban_bulletin_scope_figures(p_round bigint, p_quarter text,
    p_plans bigint[])
RETURNS jsonb LANGUAGE plpgsql STABLE AS $$
DECLARE
	d		dispatch;
	q		record;
	v_plans		bigint[] := p_plans;
	v_rounds	bigint[];
	v_from		timestamptz;
	v_to		timestamptz;
BEGIN
	IF p_round IS NOT NULL THEN
		SELECT * INTO d FROM dispatch WHERE id = p_round;
		SELECT array_agg(plan_id ORDER BY plan_id) INTO v_plans FROM dispatch_plan
		 WHERE dispatch_id = d.id;
		RETURN duban_bulletin_figures(v_plans, ARRAY[d.id],
		    (d.closed_at AT TIME ZONE 'Asia/Shanghai')::date,
		    (d.closed_at AT TIME ZONE 'Asia/Shanghai')::date, d.opened_at, d.closed_at);
	END IF;
	SELECT * INTO q FROM duban_quarter_bounds(p_quarter);
	v_from := q.q_from::timestamp AT TIME ZONE 'Asia/Shanghai';
	v_to := (q.q_to + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
	SELECT array_agg(d2.id ORDER BY d2.id) INTO v_rounds FROM dispatch d2
	 WHERE d2.closed_at >= v_from AND d2.closed_at < v_to
	   AND EXISTS (SELECT 1 FROM dispatch_plan x WHERE x.dispatch_id = d2.id
			AND x.plan_id = ANY (v_plans));
	RETURN duban_bulletin_figures(v_plans, coalesce(v_rounds, '{}'), q.q_to + 1, q.q_to,
	    v_from, v_to);
END $$;

-- POST /api/v1/bulletins {round: id} | {quarter: "2012Q3", plans?: [key]}:
-- a draft, 201.  A round must be closed; a quarter over.
CREATE OR REPLACE FUNCTION duban_api_bulletin_draft(p_token text, p_body jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	d		dispatch;
	b		bulletin;
	q		record;
	v_plans		bigint[];
	v_org		bigint;
	v_to		timestamptz;
	v_title		text;
	v_bad		text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
	END IF;
	IF tok.role <> 'general' THEN
		RETURN duban_api_problem(403, '无权起草通报', '督查通报由局办公室（general 角色）起草');
	END IF;
	IF (p_body ? 'round') = (p_body ? 'quarter') THEN
		RETURN duban_api_problem(400, '请指定通报范围',
		    '请给出 round（调度编号）或 quarter（如 2012Q3）其中之一', 'round');
	END IF;
	IF p_body ? 'round' THEN
		IF jsonb_typeof(p_body->'round') <> 'number' OR (p_body->>'round') !~ '^[0-9]{1,18}$' THEN
			RETURN duban_api_problem(400, '调度编号有误', 'round 应为调度编号', 'round');
		END IF;
		SELECT * INTO d FROM dispatch WHERE id = (p_body->>'round')::bigint;
		IF d.id IS NULL THEN
			RETURN duban_api_problem(404, '调度不存在', '没有编号为 ' || (p_body->>'round') ||
			    ' 的调度', 'round');
		END IF;
		IF d.closed_at IS NULL THEN
			RETURN duban_api_problem(409, '调度尚未结束', '“' || d.title ||
			    '”尚未结束：结束调度后才能起草通报', 'round');
		END IF;
		SELECT array_agg(plan_id ORDER BY plan_id) INTO v_plans FROM dispatch_plan
		 WHERE dispatch_id = d.id;
		v_title := '关于' || d.title || '情况的通报';
	ELSE
		IF jsonb_typeof(p_body->'quarter') <> 'string' THEN
			RETURN duban_api_problem(400, '季度有误', 'quarter 应为季度，如 2012Q3', 'quarter');
		END IF;
		SELECT * INTO q FROM duban_quarter_bounds(p_body->>'quarter');
		IF q.q_from IS NULL THEN
			RETURN duban_api_problem(400, '季度有误', '“' || (p_body->>'quarter') ||
			    '”不是季度：应写作 2012Q3', 'quarter');
		END IF;
		v_to := (q.q_to + 1)::timestamp AT TIME ZONE 'Asia/Shanghai';
		IF p_now < v_to THEN
			RETURN duban_api_problem(409, '季度尚未结束', duban_quarter_label(
			    extract(year FROM q.q_from)::int, extract(month FROM q.q_to)::int / 3) ||
			    '尚未结束：季度结束后才能起草通报', 'quarter');
		END IF;
		IF p_body ? 'plans' THEN
			IF jsonb_typeof(p_body->'plans') <> 'array' OR jsonb_array_length(p_body->'plans') = 0 THEN
				RETURN duban_api_problem(400, '计划有误', 'plans 应为计划键的数组', 'plans');
			END IF;
			SELECT s INTO v_bad FROM jsonb_array_elements_text(p_body->'plans') s
			 WHERE NOT EXISTS (SELECT 1 FROM plan p WHERE p.key = s
				AND duban_tok_sees_plan(tok, p.id)) LIMIT 1;
			IF v_bad IS NOT NULL THEN
				RETURN duban_api_problem(404, '计划不存在', '没有键为“' || v_bad || '”的计划',
				    'plans');
			END IF;
			SELECT array_agg(p.id ORDER BY p.id) INTO v_plans FROM plan p
			 WHERE p.key IN (SELECT jsonb_array_elements_text(p_body->'plans'));
		ELSE
			SELECT array_agg(p.id ORDER BY p.id) INTO v_plans FROM plan p
			 WHERE p.year = extract(year FROM q.q_from) AND duban_tok_sees_plan(tok, p.id);
			IF v_plans IS NULL THEN
				RETURN duban_api_problem(404, '没有计划', extract(year FROM q.q_from) ||
				    ' 年没有计划', 'quarter');
			END IF;
		END IF;
		v_title := '关于' || duban_quarter_label(extract(year FROM q.q_from)::int,
		    extract(month FROM q.q_to)::int / 3) || '重点工作落实情况的通报';
	END IF;
	-- A round of another organisation is not there (tenants).
	IF EXISTS (SELECT 1 FROM unnest(v_plans) x WHERE NOT duban_tok_sees_plan(tok, x)) THEN
		RETURN duban_api_problem(404, '调度不存在', '没有这一轮调度', 'round');
	END IF;
	IF (SELECT count(DISTINCT org_id) FROM plan WHERE id = ANY (v_plans)) > 1 THEN
		RETURN duban_api_problem(400, '计划属于多个单位',
		    '一份通报只写一个单位的计划：请在 plans 中指定', 'plans');
	END IF;
	SELECT org_id INTO v_org FROM plan WHERE id = v_plans[1];
	INSERT INTO bulletin (org_id, dispatch_id, quarter, title, figures, remarks, requirements,
	    signer, created_at, created_by, updated_at, updated_by)
	VALUES (v_org, d.id, CASE WHEN d.id IS NULL THEN
		    regexp_replace(upper(p_body->>'quarter'), '-', '') END,
	    v_title, duban_bulletin_scope_figures(d.id, CASE WHEN d.id IS NULL THEN
		p_body->>'quarter' END, v_plans),
	    NULL,
	    '各处室要对照工作方案和本通报指出的问题，逐项分析原因，明确整改措施和完成时限。' || E'\n' ||
	    '逾期未完成的事项，牵头处室要在5个工作日内提出整改方案，报局办公室备案。' || E'\n' ||
	    '各处室要按时报送工作进展，确保数据真实准确，局办公室将继续跟踪督办。',
	    (SELECT name FROM organisation WHERE id = v_org) || '办公室',
	    p_now, tok.label, p_now, tok.label)
	RETURNING * INTO b;
	RETURN json_build_object('status', 201, 'body', duban_bulletin_json(b, tok),
	    'version', b.version);
END $$;

-- PATCH /api/v1/bulletins/{id} {title?, remarks?, requirements?, signer?,
-- red_head?} with the version read (If-Match or version): a draft's own
-- words.  200 with the bulletin; 409 when issued or changed meanwhile.
CREATE OR REPLACE FUNCTION duban_api_bulletin_edit(p_token text, p_id bigint, p_version int,
    p_body jsonb, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	b		bulletin;
	v_problem	json;
	k		text;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO b FROM bulletin WHERE id = p_id FOR UPDATE;
	v_problem := duban_bulletin_read_problem(tok, b, p_id);
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	IF tok.role <> 'general' THEN
		RETURN duban_api_problem(403, '无权修改通报', '督查通报由局办公室修改');
	END IF;
	IF b.state = 'issued' THEN
		RETURN duban_api_problem(409, '通报已印发', '已印发的通报已存档，不能修改', NULL,
		    duban_bulletin_json(b, tok));
	END IF;
	IF p_version IS NOT NULL AND p_version <> b.version THEN
		RETURN duban_api_problem(409, '数据已被他人修改', '修改所依据的版本是 ' || p_version ||
		    '，当前版本是 ' || b.version || '：请查看最新内容后重新修改', 'version',
		    duban_bulletin_json(b, tok));
	END IF;
	IF p_body ? 'red_head' AND jsonb_typeof(p_body->'red_head') <> 'boolean' THEN
		RETURN duban_api_problem(400, '红头有误', 'red_head 应为 true 或 false', 'red_head');
	END IF;
	FOREACH k IN ARRAY ARRAY['title', 'signer'] LOOP
		IF p_body ? k AND (jsonb_typeof(p_body->k) <> 'string' OR btrim(p_body->>k) = ''
				   OR length(p_body->>k) > CASE k WHEN 'title' THEN 200 ELSE 100 END
				   OR (p_body->>k) ~ '[\n\r]') THEN
			RETURN duban_api_problem(400, CASE k WHEN 'title' THEN '标题有误' ELSE '落款有误' END,
			    k || ' 应为一行文字，不超过 ' || CASE k WHEN 'title' THEN 200 ELSE 100 END ||
			    ' 字，不能为空', k);
		END IF;
		v_problem := duban_text_problem(k, CASE k WHEN 'title' THEN '标题' ELSE '落款' END,
		    p_body->>k);
		IF v_problem IS NOT NULL THEN
			RETURN v_problem;
		END IF;
	END LOOP;
	FOREACH k IN ARRAY ARRAY['remarks', 'requirements'] LOOP
		IF p_body ? k AND p_body->k <> 'null'::jsonb AND (jsonb_typeof(p_body->k) <> 'string'
				   OR length(p_body->>k) > 4000) THEN
			RETURN duban_api_problem(400, CASE k WHEN 'remarks' THEN '补充说明有误'
			    ELSE '下一步要求有误' END, k || ' 应为文字，不超过 4000 字', k);
		END IF;
		v_problem := duban_text_problem(k, CASE k WHEN 'remarks' THEN '补充说明'
		    ELSE '下一步要求' END, p_body->>k);
		IF v_problem IS NOT NULL THEN
			RETURN v_problem;
		END IF;
	END LOOP;
	UPDATE bulletin SET
	       title = CASE WHEN p_body ? 'title' THEN btrim(p_body->>'title') ELSE title END,
	       signer = CASE WHEN p_body ? 'signer' THEN btrim(p_body->>'signer') ELSE signer END,
	       remarks = CASE WHEN p_body ? 'remarks' THEN nullif(btrim(p_body->>'remarks'), '')
			 ELSE remarks END,
	       requirements = CASE WHEN p_body ? 'requirements'
			      THEN coalesce(btrim(p_body->>'requirements'), '') ELSE requirements END,
	       red_head = coalesce((p_body->>'red_head')::boolean, red_head),
	       version = version + 1, updated_at = p_now, updated_by = tok.label
	 WHERE id = b.id
	RETURNING * INTO b;
	RETURN json_build_object('status', 200, 'body', duban_bulletin_json(b, tok),
	    'version', b.version);
END $$;

-- POST /api/v1/bulletins/{id}/issue {version?}: numbered, dated, and
-- archived (content and html stored).  200 with the bulletin.
CREATE OR REPLACE FUNCTION duban_api_bulletin_issue(p_token text, p_id bigint, p_version int,
    p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	b		bulletin;
	v_problem	json;
	v_today		date := (p_now AT TIME ZONE 'Asia/Shanghai')::date;
	v_year		int := extract(year FROM (p_now AT TIME ZONE 'Asia/Shanghai'))::int;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO b FROM bulletin WHERE id = p_id FOR UPDATE;
	v_problem := duban_bulletin_read_problem(tok, b, p_id);
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	IF tok.role <> 'general' THEN
		RETURN duban_api_problem(403, '无权印发通报', '督查通报由局办公室印发');
	END IF;
	IF b.state = 'issued' THEN
		RETURN duban_api_problem(409, '通报已印发', '这份通报已于' || duban_cn_date(b.issued_on) ||
		    '印发（' || duban_bulletin_number(b.year, b.seq) || '）', NULL,
		    duban_bulletin_json(b, tok));
	END IF;
	IF p_version IS NOT NULL AND p_version <> b.version THEN
		RETURN duban_api_problem(409, '数据已被他人修改', '印发所依据的版本是 ' || p_version ||
		    '，当前版本是 ' || b.version || '：请查看最新内容后再印发', 'version',
		    duban_bulletin_json(b, tok));
	END IF;
	IF btrim(b.requirements) = '' THEN
		RETURN duban_api_problem(422, '缺少下一步要求', '请先填写下一步要求再印发', 'requirements');
	END IF;
	b.year := v_year;
	b.seq := duban_notice_next(b.org_id, 'bulletin', v_year);
	b.issued_on := v_today;
	-- The figures made again from the history as of the same day: the
	-- same as the draft's, whatever has happened since.
	b.figures := duban_bulletin_scope_figures(b.dispatch_id, b.quarter,
	    ARRAY(SELECT p.id FROM plan p WHERE p.org_id = b.org_id
		     AND p.key IN (SELECT x->>'key' FROM jsonb_array_elements(b.figures->'plans') x)
		   ORDER BY p.id));
	b.content := duban_bulletin_content(b);
	UPDATE bulletin SET state = 'issued', year = b.year, seq = b.seq, issued_on = v_today,
	       issued_at = p_now, issued_by = tok.label, figures = b.figures, content = b.content,
	       html = duban_bulletin_html(b.content), version = version + 1,
	       updated_at = p_now, updated_by = tok.label
	 WHERE id = b.id
	RETURNING * INTO b;
	RETURN json_build_object('status', 200, 'body', duban_bulletin_json(b, tok),
	    'version', b.version);
END $$;

-- GET /api/v1/bulletins?year=: the bulletins the caller may read (the
-- general office sees its drafts too), newest first; figures left out.
CREATE OR REPLACE FUNCTION duban_api_bulletins(p_token text, p_year text)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_problem(401, '令牌无效或已吊销', '请重新登录');
	END IF;
	IF p_year IS NOT NULL AND p_year !~ '^[0-9]{4}$' THEN
		RETURN duban_api_problem(400, '年度有误', 'year 应为四位年份，如 2012', 'year');
	END IF;
	RETURN json_build_object('status', 200, 'body', json_build_object(
	    'bulletins', coalesce((SELECT json_agg((duban_bulletin_json(b, tok)::jsonb - 'figures')
				ORDER BY b.state, coalesce(b.issued_at, b.created_at) DESC, b.id DESC)
			FROM bulletin b
		       WHERE (b.state = 'issued' OR tok.role = 'general')
			 AND duban_tok_sees_org(tok, b.org_id)
			 AND (p_year IS NULL OR coalesce(b.year,
			      extract(year FROM b.created_at AT TIME ZONE 'Asia/Shanghai')::int)
			      = p_year::int)), '[]'),
	    'may_draft', tok.role = 'general'));
END $$;

-- GET /api/v1/bulletins/{id}: {status, body, version}; p_html: the
-- document (an issued one as stored when it was issued).
CREATE OR REPLACE FUNCTION duban_api_bulletin(p_token text, p_id bigint, p_html boolean)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok		api_token;
	b		bulletin;
	v_problem	json;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO b FROM bulletin WHERE id = p_id;
	v_problem := duban_bulletin_read_problem(tok, b, p_id);
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	IF p_html THEN
		RETURN json_build_object('status', 200, 'body',
		    coalesce(b.html, duban_bulletin_html(duban_bulletin_content(b))));
	END IF;
	RETURN json_build_object('status', 200, 'body', duban_bulletin_json(b, tok),
	    'version', b.version);
END $$;

-- ------------------------------------------------------------------
-- A task's history as its page and `duban task show` read it (GET
-- /api/v1/tasks/{id}, lib/store/query.c): its progress rows; its 督办单,
-- each step of their own history (notice_event: issued, a colour
-- climbed, 签收, the item done); and the issued 通报 that name it in
-- 通报批评 (an overdue milestone, a request returned more than once); in
-- time order.  The 督办单's and 通报's rows have ids of their own ("n…",
-- "b…": no 佐证材料 hang on them) and are not progress: a notice the
-- sweep issues changes no task.
CREATE OR REPLACE FUNCTION duban_task_history_json(p_task bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(x.j ORDER BY x.at, x.o, x.id), '[]') FROM (
		SELECT h.at, 0 AS o, h.id, json_build_object('id', h.id, 'at', h.at,
			'actor', h.actor, 'actor_role', h.actor_role, 'office', ho.name,
			'source', h.source, 'field', h.field, 'old', h.old_value,
			'new', h.new_value, 'note', h.note, 'outcome', h.outcome,
			'problems', h.problems, 'next_steps', h.next_steps,
			'coordination', h.coordination, 'target_id', h.target_id,
			'milestone_id', h.milestone_id) AS j
		  FROM progress h LEFT JOIN office ho ON ho.id = h.office_id
		 WHERE h.task_id = p_task
		UNION ALL
		SELECT e.at, 1, e.id, json_build_object('id', 'n' || e.id, 'at', e.at,
			'actor', e.actor, 'actor_role', e.role,
			'office', (SELECT name FROM office WHERE id = e.office_id),
			'source', 'workflow',
			'field', CASE e.action WHEN 'acknowledged' THEN 'notice_acknowledged'
				 ELSE 'notice' END,
			'new', CASE e.action
			    WHEN 'issued' THEN duban_notice_history_text(n, e.colour)
			    WHEN 'acknowledged' THEN duban_notice_number(n.year, n.seq)
				|| coalesce('：' || e.note, '')
			    WHEN 'colour' THEN duban_notice_number(n.year, n.seq) || '：' || e.note
			    ELSE duban_notice_number(n.year, n.seq) || '办结：' || e.note END,
			'note', duban_notice_number(n.year, n.seq))
		  FROM notice n JOIN notice_event e ON e.notice_id = n.id
		 WHERE n.task_id = p_task
		UNION ALL
		SELECT b.issued_at, 2, b.id, json_build_object('id', 'b' || b.id,
			'at', b.issued_at, 'actor', b.issued_by, 'source', 'workflow',
			'field', 'bulletin',
			'new', duban_bulletin_number(b.year, b.seq) || '《' || b.title
			    || '》通报批评：' || w.what,
			'note', duban_bulletin_number(b.year, b.seq))
		  FROM bulletin b
		 CROSS JOIN LATERAL (SELECT string_agg(CASE WHEN i ? 'milestone'
				THEN '节点“' || (i->>'milestone') || '”逾期' || (i->>'days') || '天'
				ELSE (i->>'what') || '被退回' || (i->>'times') || '次' END, '；'
				ORDER BY k) AS what
			  FROM jsonb_array_elements((b.figures->'overdue_items')
				|| (b.figures->'returned')) WITH ORDINALITY AS y(i, k)
			 WHERE (i->>'task_id')::bigint = p_task) w
		 WHERE b.state = 'issued' AND w.what IS NOT NULL
	) x
$$;
