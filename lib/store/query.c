#include "query.h"

const char QUERY_PLAN_LIST[] =
"SELECT coalesce(json_agg(x ORDER BY x.year, x.key), '[]')::text FROM ("
"  SELECT p.id, p.key, p.year, p.title, o.name AS issuer, p.kind,"
"         p.document_number, p.issued_on, p.plan_file, p.origin, p.city_plan_id,"
"         (SELECT count(*) FROM task t WHERE t.plan_id = p.id"
"            AND t.withdrawn_at IS NULL) AS tasks,"
"         (SELECT count(*) FROM target g JOIN task t ON t.id = g.task_id"
"           WHERE t.plan_id = p.id AND t.withdrawn_at IS NULL"
"             AND g.withdrawn_at IS NULL) AS targets,"
"         (SELECT count(*) FROM milestone m JOIN task t ON t.id = m.task_id"
"           WHERE t.plan_id = p.id AND t.withdrawn_at IS NULL"
"             AND m.withdrawn_at IS NULL) AS milestones,"
"         (SELECT count(*) FROM task t LEFT JOIN task_lead tl ON tl.task_id = t.id"
"           WHERE t.plan_id = p.id AND t.withdrawn_at IS NULL"
"             AND tl.office_id IS NULL) AS unassigned,"
"         p.loaded_at"
"    FROM plan p JOIN organisation o ON o.id = p.org_id"
"   WHERE p.org_id = ANY ((SELECT duban_token_reach($1::text))::bigint[])"
") x";

const char QUERY_TASK_LIST[] =
"SELECT coalesce(json_agg(x ORDER BY x.plan_year, x.plan, x.position), '[]')::text"
"  FROM ("
"  SELECT t.id, p.key AS plan, p.year AS plan_year, t.key,"
"         t.label AS number, t.title,"
"         pt.key AS parent, s.title AS section,"
"         lo.name AS lead_office, tl.basis AS lead_office_basis,"
"         t.deadline, t.deadline_form, st.status,"
"         pc.avg_completion, pc.time_elapsed, pc.completion_state,"
"         pc.targets_measured, pc.targets_reported,"
"         (SELECT coalesce(json_agg(json_build_object("
"                 'id', g.id, 'key', g.key, 'name', g.name, 'kind', g.kind,"
"                 'value', g.value, 'unit', g.unit, 'qualifier', g.qualifier,"
"                 'baseline', g.baseline, 'current', g.current,"
"                 'completion', gp.completion, 'time_elapsed', gp.elapsed,"
"                 'state', duban_pace_state(gp.completion, gp.elapsed, g.current IS NOT NULL))"
"                 ORDER BY g.position), '[]')"
"            FROM target g"
"           CROSS JOIN LATERAL (SELECT duban_target_completion(g) AS completion,"
"                 duban_time_elapsed(p.year, coalesce(g.deadline, t.deadline), $6::date)"
"                   AS elapsed) gp"
"           WHERE g.task_id = t.id AND g.withdrawn_at IS NULL"
"         ) AS targets,"
"         t.position"
"    FROM task t"
"    JOIN plan p ON p.id = t.plan_id"
"    LEFT JOIN task pt ON pt.id = t.parent_id"
"    LEFT JOIN section s ON s.id = t.section_id"
"    LEFT JOIN task_lead tl ON tl.task_id = t.id"
"    LEFT JOIN office lo ON lo.id = tl.office_id"
"   CROSS JOIN LATERAL (SELECT duban_task_status(t.id, $6::date) AS status) st"
"   CROSS JOIN LATERAL duban_task_progress(t.id, st.status, $6::date) pc"
"   WHERE t.withdrawn_at IS NULL"
"     AND ($1::text IS NULL OR p.key = $1 OR p.id::text = $1)"
"     AND ($2::text IS NULL OR lo.name = $2 OR $2 = ANY (lo.aliases) OR lo.id::text = $2"
"          OR EXISTS (SELECT 1 FROM task_role r JOIN office ro ON ro.id = r.office_id"
"                      WHERE r.task_id = t.id AND r.role IN ('lead', 'responsible')"
"                        AND (ro.name = $2 OR $2 = ANY (ro.aliases) OR ro.id::text = $2)))"
"     AND ($3::date IS NULL OR t.deadline < $3::date)"
"     AND (coalesce($4::bool, false) = false OR tl.office_id IS NULL)"
"     AND ($5::text IS NULL OR st.status = $5)"
"     AND p.org_id = ANY ((SELECT duban_token_reach($7::text))::bigint[])"
") x";

const char QUERY_TASK_GET[] =
"SELECT json_build_object("
"  'id', t.id, 'plan', p.key, 'plan_id', p.id, 'plan_year', p.year,"
"  'plan_title', p.title, 'key', t.key, 'number', t.label,"
"  'number_as_written', t.number, 'title', t.title, 'parent', pt.key,"
"  'section', s.title, 'lead_office', lo.name, 'lead_office_basis', tl.basis,"
"  'deadline', t.deadline, 'deadline_form', t.deadline_form,"
"  'deadline_text', t.deadline_text, 'text', t.body, 'goal', t.goal,"
"  'work', t.work, 'measures', t.measures, 'basis_kind', t.basis_kind,"
"  'basis', t.basis, 'report_every', t.report_every, 'origin', p.origin,"
"  'status', duban_task_status(t.id, $2::date), 'today', $2::date,"
"  'time_elapsed', duban_time_elapsed(p.year, t.deadline, $2::date),"
"  'may_edit', CASE $3::text WHEN 'general' THEN true"
"                WHEN 'office' THEN duban_office_may_write($4::bigint, t.id)"
"                ELSE false END AND t.withdrawn_at IS NULL,"
"  'withdrawn', t.withdrawn_at IS NOT NULL, 'version', t.version,"
"  'light', lt.l->'light', 'due_soon', lt.l->'due_soon',"
"  'unassigned', lt.l->'unassigned', 'lights', lt.l,"
"  'lights_rule', duban_lights_rule(p.light_yellow, p.light_red, p.due_soon_days),"
"  'targets', (SELECT coalesce(json_agg(duban_target_json(g, $2::date)::jsonb"
"                || jsonb_build_object('light', gl.light, 'due_soon', gl.due_soon)"
"                ORDER BY g.position), '[]')"
"                FROM target g CROSS JOIN LATERAL duban_target_light_on(g, $2::date) gl"
"               WHERE g.task_id = t.id AND g.withdrawn_at IS NULL),"
"  'milestones', (SELECT coalesce(json_agg(duban_milestone_json(m)"
"                   ORDER BY m.due_on, m.position), '[]')"
"                   FROM milestone m WHERE m.task_id = t.id AND m.withdrawn_at IS NULL),"
"  'roles', (SELECT coalesce(json_agg(json_build_object('role', r.role,"
"               'office', o.name, 'office_id', o.id, 'person', pe.name)"
"               ORDER BY array_position(ARRAY['lead','responsible','leader','coordinator'],"
"                 r.role), r.position), '[]')"
"              FROM task_role r LEFT JOIN office o ON o.id = r.office_id"
"              LEFT JOIN person pe ON pe.id = r.person_id WHERE r.task_id = t.id),"
"  'subtasks', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'key', c.key,"
"                  'number', c.label, 'title', c.title) ORDER BY c.position), '[]')"
"                 FROM task c WHERE c.parent_id = t.id AND c.withdrawn_at IS NULL),"
"  'assignments', duban_task_assignments_json(t.id),"
"  'counties', duban_county_rollup(t.id, $2::date),"
"  'city_task', duban_county_city_task(t.id),"
"  'instructions', duban_task_instructions_json(t.id,"
"                  CASE WHEN $3::text = 'office' THEN $4::bigint END),"
"  'drafts', duban_task_drafts_json(t.id,"
"                  CASE WHEN $3::text = 'office' THEN $4::bigint END),"
"  'completion', duban_task_completion_json(t.id, $5::text),"
"  'history', duban_task_history_json(t.id)"
")::text"
"  FROM task t"
"  JOIN plan p ON p.id = t.plan_id"
"  LEFT JOIN task pt ON pt.id = t.parent_id"
"  LEFT JOIN section s ON s.id = t.section_id"
"  LEFT JOIN task_lead tl ON tl.task_id = t.id"
"  LEFT JOIN office lo ON lo.id = tl.office_id"
"  CROSS JOIN LATERAL (SELECT duban_task_lights(t.id, $2::date) AS l) lt"
" WHERE t.id = $1::bigint"
"   AND p.org_id = ANY ((SELECT duban_token_reach($5::text))::bigint[])";

const char QUERY_PLAN_GET[] =
"SELECT json_build_object("
"  'id', p.id, 'key', p.key, 'year', p.year, 'year_basis', p.year_basis,"
"  'title', p.title, 'issuer', o.name, 'kind', p.kind,"
"  'document_number', p.document_number, 'issued_on', p.issued_on,"
"  'preamble', p.preamble, 'source_file', p.source_file,"
"  'source_sha256', p.source_sha256, 'source_note', p.source_note,"
"  'plan_file', p.plan_file, 'loaded_at', p.loaded_at,"
"  'roles', (SELECT coalesce(json_agg(json_build_object('role', r.role,"
"              'office', ro.name, 'person', pe.name) ORDER BY r.position), '[]')"
"             FROM plan_role r LEFT JOIN office ro ON ro.id = r.office_id"
"             LEFT JOIN person pe ON pe.id = r.person_id WHERE r.plan_id = p.id),"
"  'sections', (SELECT coalesce(json_agg(json_build_object('id', s.id,"
"                 'key', s.key, 'number', s.number, 'title', s.title)"
"                 ORDER BY s.position), '[]')"
"                FROM section s WHERE s.plan_id = p.id AND s.withdrawn_at IS NULL),"
"  'tasks', (SELECT coalesce(json_agg(json_build_object('id', t.id, 'key', t.key,"
"              'number', t.label, 'title', t.title, 'parent', pt.key,"
"              'lead_office', lo.name, 'deadline', t.deadline,"
"              'status', st.status, 'avg_completion', pc.avg_completion,"
"              'time_elapsed', pc.time_elapsed,"
"              'completion_state', pc.completion_state,"
"              'targets_measured', pc.targets_measured,"
"              'targets_reported', pc.targets_reported) ORDER BY t.position), '[]')"
"             FROM task t LEFT JOIN task pt ON pt.id = t.parent_id"
"             LEFT JOIN task_lead tl ON tl.task_id = t.id"
"             LEFT JOIN office lo ON lo.id = tl.office_id"
"            CROSS JOIN LATERAL (SELECT duban_task_status(t.id, $2::date) AS status) st"
"            CROSS JOIN LATERAL duban_task_progress(t.id, st.status, $2::date) pc"
"            WHERE t.plan_id = p.id AND t.withdrawn_at IS NULL)"
")::text"
"  FROM plan p JOIN organisation o ON o.id = p.org_id"
" WHERE (p.key = $1 OR p.id::text = $1)"
"   AND p.org_id = ANY ((SELECT duban_token_reach($3::text))::bigint[])";

const char QUERY_OFFICE_LIST[] =
"SELECT duban_office_list($1::boolean, $2::text)::text";

const char QUERY_TOKEN_AUTH[] =
"SELECT t.id, t.role, t.office_id, o.name, t.label,"
"       a.id, a.role, a.login, false"
"  FROM api_token t LEFT JOIN office o ON o.id = t.office_id"
"  LEFT JOIN account a ON a.id = t.account_id"
" WHERE t.hash = $1 AND t.revoked_at IS NULL AND a.disabled_at IS NULL";

const char QUERY_MILESTONE_PATCH[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int = 200 THEN r->'body' ELSE r END::text,"
"       r->'body'->>'version'"
"  FROM duban_api_patch_milestone($1, $2::bigint, $3::int, $4::jsonb, $5::timestamptz) AS r";

const char QUERY_TARGET_PATCH[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int = 200 THEN r->'body' ELSE r END::text,"
"       r->'body'->>'version'"
"  FROM duban_api_patch_target($1, $2::bigint, $3::int, $4::jsonb, $5::timestamptz) AS r";

/*
 * The quarterly report: $1 plan keys or ids (a JSON array), $2 an
 * organisation instead, $3 the quarter (2012Q3), $4 an earlier as-of day
 * or NULL, $5 now, $6 the token hash (neither plans nor organisation:
 * every plan it reaches).  Columns: HTTP status, then the report or a problem.
 */
const char QUERY_REPORT_QUARTERLY[] =
"SELECT r.status, r.body::text"
"  FROM duban_api_report_quarterly_for($6::text,"
"         ARRAY(SELECT jsonb_array_elements_text(coalesce($1::jsonb, '[]'))),"
"         $2, $3, $4::date, $5::timestamptz) AS r";

/* A calendar feed by its token's hash ($1): the JSON, or NULL. */
const char QUERY_FEED[] =
"SELECT duban_feed($1)::text";

/* Dispatch rounds: open ($1 token hash, $2 body, $3 now), close ($1 hash,
 * $2 id, $3 now); each returns status and body (or problem). */
const char QUERY_DISPATCH_OPEN[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_dispatch_open($1, $2::jsonb, $3::timestamptz) AS r";
const char QUERY_DISPATCH_CLOSE[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_dispatch_close($1, $2::bigint, $3::timestamptz) AS r";
/* An office's report: submit, return or accept ($1 token, $2 round or
 * NULL outside rounds, $3 office, $4 action, $5 body, $6 now). */
const char QUERY_OFFICE_REPORT_STEP[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_office_report($1, $2::bigint, $3, $4, $5::jsonb, $6::timestamptz) AS r";
/* Each person's 待办 ($1 token, $2 now). */
const char QUERY_TODO[] =
"SELECT status, body::text FROM duban_api_todo($1, $2::timestamptz)";
/* 催办 ($1 token, $2 round, $3 office, $4 now). */
const char QUERY_DISPATCH_URGE[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_dispatch_urge($1, $2::bigint, $3, $4::timestamptz) AS r";
/* What an office has in hand ($1 token, $2 office, $3 now). */
const char QUERY_OFFICE_REPORTS[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_office_reports($1, $2, $3::timestamptz) AS r";
const char QUERY_OFFICE_ROWS[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_office_rows($1, $2, $3::bigint, $4::timestamptz) AS r";
const char QUERY_OFFICE_ROWS_LOCAL[] =
"SELECT duban_office_rows($1::bigint, $2::bigint, NULL::api_token, $3::timestamptz)::text";
const char QUERY_OFFICE_BATCH[] =
"SELECT (r->>'status')::int, CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text"
"  FROM duban_api_office_batch($1, $2, $3::jsonb, $4::timestamptz) AS r";
/* A round's plans are all within what the token $N reaches (tenants). */
#define DISPATCH_IN_REACH(id, n)					\
"  NOT EXISTS (SELECT 1 FROM dispatch_plan x JOIN plan p ON p.id = x.plan_id"	\
"               WHERE x.dispatch_id = " id " AND NOT p.org_id = ANY"	\
"                 ((SELECT duban_token_reach(" n "::text))::bigint[]))"
/* One round ($1 id, $2 now, $3 with delivery addresses and errors, $4
 * the token hash), or no row. */
const char QUERY_DISPATCH_GET[] =
"SELECT duban_dispatch_view($1::bigint, $2::timestamptz, $3::boolean)::text WHERE EXISTS"
"  (SELECT 1 FROM dispatch WHERE id = $1::bigint) AND"
DISPATCH_IN_REACH("$1::bigint", "$4");
/* The rounds, newest first ($1 now, $2 the token hash). */
const char QUERY_DISPATCH_LIST[] =
"SELECT coalesce(json_agg(json_build_object('id', d.id, 'title', d.title,"
"         'due_on', d.due_on, 'opened_at', d.opened_at, 'closed_at', d.closed_at,"
"         'state', CASE WHEN d.closed_at IS NULL THEN 'open' ELSE 'closed' END,"
"         'plans', (SELECT json_agg(p.key ORDER BY p.key) FROM dispatch_plan x"
"                    JOIN plan p ON p.id = x.plan_id WHERE x.dispatch_id = d.id),"
"         'counts', duban_dispatch_json(d.id, $1::timestamptz)->'counts')"
"       ORDER BY d.id DESC), '[]')::text"
"  FROM dispatch d WHERE"
DISPATCH_IN_REACH("d.id", "$2");

/*
 * The adapter for SQL functions that answer {status, body} or a problem
 * {status, title, detail, field}: two columns, the HTTP status and the
 * body (a success) or the whole problem.
 */
#define STATUS_BODY(call)						\
"SELECT (r->>'status')::int,"						\
"       CASE WHEN (r->>'status')::int < 300 THEN r->'body' ELSE r END::text" \
"  FROM " call " AS r"

const char QUERY_OFFICE_FIND[] =
STATUS_BODY("duban_office_find($1, $2, $3)");
const char QUERY_PERSON_FIND[] =
STATUS_BODY("duban_person_find($1, $2, $3)");

const char QUERY_RECIPIENTS_SET[] =
STATUS_BODY("duban_recipients_set($1::bigint, $2::bigint, $3::jsonb, $4::boolean)");
/*
 * Recipients, reminders and feeds within what the token whose hash is the
 * last parameter reaches (NULL: the CLI, everything; 95-reach-routes.sql).
 */
const char QUERY_RECIPIENT_ADD[] =
STATUS_BODY("duban_api_recipient_add($3, $1::bigint, $2::jsonb)");
const char QUERY_RECIPIENT_DELETE[] =
STATUS_BODY("duban_api_recipient_delete($2, $1::bigint)");
const char QUERY_OFFICE_RECIPIENTS[] =
"SELECT duban_api_office_recipients($2, $1::bigint)::text";

const char QUERY_REMINDER_LIST[] =
"SELECT duban_api_reminder_list($4, $1::date, $2::boolean, $3::boolean)::text";
/* One reminder ($1 id); $2: with addresses and errors (general office). */
const char QUERY_REMINDER_GET[] =
"SELECT duban_api_reminder_view($3, $1::bigint, $2::boolean)::text";
const char QUERY_REMINDER_RETRY[] =
STATUS_BODY("duban_api_reminder_retry($2, $1::bigint)");

const char QUERY_FEED_CREATE[] =
STATUS_BODY("duban_api_feed_create($5, $1::bigint, $2, $3, $4)");
const char QUERY_FEED_LIST[] =
"SELECT duban_api_feed_list($1)::text";
const char QUERY_FEED_REVOKE[] =
STATUS_BODY("duban_api_feed_revoke($2, $1::bigint)");
