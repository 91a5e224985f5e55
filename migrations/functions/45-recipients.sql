-- Who receives reminders: an office's or a person's mail addresses and
-- robots.  The CLI (office set, person set) and the API (the recipients
-- routes) both change them through these functions, so an address is
-- checked by one rule wherever it comes from.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

-- NULL when p_address is a good address for p_channel, else a 400
-- problem naming the field.  Mail: one @ with something on both sides,
-- no spaces, control characters or <>,;" (they would break the To:
-- header), under 255 bytes.  Robots and webhooks: an http:// or https://
-- link with a host, no spaces, control characters, quotes or <>, under
-- 2048 bytes.
CREATE OR REPLACE FUNCTION duban_address_problem(p_channel text, p_address text)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
		WHEN p_channel IS NULL OR p_channel NOT IN ('email', 'webhook', 'wecom', 'dingtalk')
		THEN duban_api_problem(400, '接收方式有误',
			'channel 应为 email、webhook、wecom 或 dingtalk', 'channel')
		WHEN p_channel = 'email' AND (p_address IS NULL OR octet_length(p_address) >= 255
			OR p_address !~ '^[^@[:space:][:cntrl:]<>,;"]+@[^@[:space:][:cntrl:]<>,;"]+$')
		THEN duban_api_problem(400, '邮件地址无效',
			'邮件地址“' || coalesce(p_address, '') || '”无效：应为 名称@域名，不含空格和 <>,;"',
			'address')
		WHEN p_channel <> 'email' AND (p_address IS NULL OR octet_length(p_address) >= 2048
			OR p_address !~ '^https?://[^/?#[:space:][:cntrl:]"<>]+[^[:space:][:cntrl:]"<>]*$')
		THEN duban_api_problem(400, '链接无效',
			'地址“' || coalesce(p_address, '') || '”应为 http:// 或 https:// 开头的链接，不含空格、引号和 <>',
			'address')
	END
$$;

CREATE OR REPLACE FUNCTION duban_recipient_json(r recipient)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', r.id, 'office_id', r.office_id,
		'person_id', r.person_id, 'channel', r.channel, 'address', r.address)
$$;

-- Removes one recipient, unless something was sent to it: those stay,
-- for the record.  {status: 200, body: {id, deleted, detail?}} or 404.
CREATE OR REPLACE FUNCTION duban_recipient_delete(p_id bigint)
RETURNS json LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM recipient WHERE id = p_id) THEN
		RETURN duban_api_problem(404, '接收方式不存在', '没有这个编号的接收方式');
	END IF;
	IF EXISTS (SELECT 1 FROM delivery d WHERE d.recipient_id = p_id) THEN
		RETURN json_build_object('status', 200, 'body', json_build_object('id', p_id,
			'deleted', false, 'detail', '已有发送记录，保留以便核查'));
	END IF;
	DELETE FROM recipient WHERE id = p_id;
	RETURN json_build_object('status', 200, 'body',
		json_build_object('id', p_id, 'deleted', true));
END $$;

-- Adds (or, with p_remove, removes) the addresses in p_list, an array of
-- {channel, address}, for one office or one person.  Every address is
-- checked first: a bad one is a 400 naming it, and nothing changes.
-- {status: 200, body: {recipients: [each listed address's recipient,
-- with "new": whether it was added now], added, removed, kept}}; 404 when
-- the office or person does not exist.  Adding one that exists is not an
-- error (it is listed with "new": false).
CREATE OR REPLACE FUNCTION duban_recipients_set(p_office bigint, p_person bigint,
    p_list jsonb, p_remove boolean)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	x	jsonb;
	bad	json;
	r	recipient;
	v_out	json[] := '{}';
	v_added	int := 0;
	v_gone	int := 0;
	v_kept	int := 0;
	v_res	json;
BEGIN
	IF (p_office IS NULL) = (p_person IS NULL) THEN
		RAISE EXCEPTION 'duban_recipients_set: exactly one of office and person';
	END IF;
	IF p_office IS NOT NULL AND NOT EXISTS (SELECT 1 FROM office WHERE id = p_office) THEN
		RETURN duban_api_problem(404, '处室不存在', '没有这个编号的处室');
	END IF;
	IF p_person IS NOT NULL AND NOT EXISTS (SELECT 1 FROM person WHERE id = p_person) THEN
		RETURN duban_api_problem(404, '人员不存在', '没有这个编号的人员');
	END IF;
	IF jsonb_typeof(p_list) IS DISTINCT FROM 'array' OR jsonb_array_length(p_list) = 0 THEN
		RETURN duban_api_problem(400, '缺少接收方式', '请至少给出一个接收方式', 'address');
	END IF;
	FOR x IN SELECT * FROM jsonb_array_elements(p_list) LOOP
		bad := duban_address_problem(x->>'channel', x->>'address');
		IF bad IS NOT NULL THEN
			RETURN bad;
		END IF;
	END LOOP;
	FOR x IN SELECT * FROM jsonb_array_elements(p_list) LOOP
		SELECT * INTO r FROM recipient
		 WHERE office_id IS NOT DISTINCT FROM p_office
		   AND person_id IS NOT DISTINCT FROM p_person
		   AND channel = x->>'channel' AND address = x->>'address';
		IF p_remove THEN
			IF r.id IS NOT NULL THEN
				v_res := duban_recipient_delete(r.id);
				IF (v_res->'body'->>'deleted')::boolean THEN
					v_gone := v_gone + 1;
				ELSE
					v_kept := v_kept + 1;
				END IF;
			END IF;
		ELSIF r.id IS NULL THEN
			INSERT INTO recipient (office_id, person_id, channel, address)
			VALUES (p_office, p_person, x->>'channel', x->>'address')
			RETURNING * INTO r;
			v_added := v_added + 1;
			v_out := v_out || (duban_recipient_json(r)::jsonb ||
				jsonb_build_object('new', true))::json;
		ELSE
			v_out := v_out || (duban_recipient_json(r)::jsonb ||
				jsonb_build_object('new', false))::json;
		END IF;
	END LOOP;
	RETURN json_build_object('status', 200, 'body', json_build_object(
		'recipients', array_to_json(v_out), 'added', v_added,
		'removed', v_gone, 'kept', v_kept));
END $$;

-- One address for an office, as the API adds it: {status: 201, body:
-- the recipient, with "new"}, or the problem.
CREATE OR REPLACE FUNCTION duban_recipient_add(p_office bigint, p_item jsonb)
RETURNS json LANGUAGE sql AS $$
	SELECT CASE WHEN (r->>'status')::int < 300
		THEN json_build_object('status', 201, 'body', r->'body'->'recipients'->0)
		ELSE r END
	  FROM duban_recipients_set(p_office, NULL, jsonb_build_array(p_item), false) r
$$;

-- An office's recipients: {office_id, office, recipients: [...]}, or NULL.
CREATE OR REPLACE FUNCTION duban_office_recipients(p_office bigint)
RETURNS json LANGUAGE sql STABLE AS $$
	SELECT json_build_object('office_id', o.id, 'office', o.name,
		'recipients', (SELECT coalesce(json_agg(duban_recipient_json(rc) ORDER BY rc.id), '[]')
				 FROM recipient rc WHERE rc.office_id = o.id))
	  FROM office o WHERE o.id = p_office
$$;

-- An organisation's general office (局办公室), whose recipients are told
-- what is for the organisation as a whole: a county bureau's, for the
-- city's chases of its county rounds (70-dispatch.sql).  The office one
-- of the organisation's own plans names for 综合调度 (plan_role
-- general_office; its oldest plan's first), or else its office named
-- 局办公室, or else 办公室.  NULL when it has none: a county bureau has
-- offices only once a plan of its own names them.
CREATE OR REPLACE FUNCTION duban_org_general_office(p_org bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce(
	    (SELECT r.office_id FROM plan_role r JOIN plan p ON p.id = r.plan_id
	       JOIN office o ON o.id = r.office_id
	      WHERE p.org_id = p_org AND o.org_id = p_org AND r.role = 'general_office'
	      ORDER BY p.id, r.position LIMIT 1),
	    (SELECT o.id FROM office o
	      WHERE o.org_id = p_org AND o.name IN ('局办公室', '办公室')
	      ORDER BY o.name = '局办公室' DESC, o.id LIMIT 1))
$$;
