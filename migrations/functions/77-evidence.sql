-- 佐证材料: evidence files (see migrations/0019-evidence.sql for the
-- model).  duband streams an upload in three steps — duban_file_begin
-- (may this person attach this file here?), duban_file_chunk for each
-- piece as it arrives, duban_file_finish (the size and SHA-256 it
-- computed, the type libmagic decided) — and duban_file_abort for an
-- upload that did not arrive whole.  The CLI and the pages read through
-- the same functions.
-- Repeatable: re-applied whole after the numbered migrations whenever
-- any file here changes (see docs/schema.md). CREATE OR REPLACE only.

CREATE OR REPLACE FUNCTION duban_file_json(f evidence_file) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('id', f.id, 'name', f.name, 'mime', f.mime,
	    'size', f.size, 'sha256', f.sha256, 'state', f.state,
	    'task_id', f.task_id, 'target_id', f.target_id, 'milestone_id', f.milestone_id,
	    'office', (SELECT name FROM office WHERE id = f.office_id),
	    'progress_id', f.progress_id, 'report_id', f.report_id,
	    'uploaded_by', f.uploaded_by, 'uploaded_at', f.uploaded_at,
	    'submitted_at', f.submitted_at, 'supersedes', f.supersedes,
	    'superseded_by', f.superseded_by, 'superseded_at', f.superseded_at,
	    'locked', f.state = 'submitted' OR f.report_id IS NOT NULL,
	    'url', '/api/v1/files/' || f.id)
$$;

-- The files of an item (p_target or p_milestone) as they stood at p_at:
-- submitted by then and not yet superseded.
CREATE OR REPLACE FUNCTION duban_item_files_at(p_target bigint, p_milestone bigint,
    p_at timestamptz)
RETURNS SETOF evidence_file LANGUAGE sql STABLE AS $$
	SELECT * FROM evidence_file f
	 WHERE (f.target_id = p_target OR f.milestone_id = p_milestone)
	   AND f.state = 'submitted' AND f.submitted_at <= p_at
	   AND (f.superseded_at IS NULL OR f.superseded_at > p_at)
	 ORDER BY f.submitted_at, f.id
$$;

-- 1. May tok attach a file of p_size bytes named p_name to a history
-- entry (p_kind 'progress'), a target or a milestone (p_id)?  201 with
-- {id} of the upload to stream into, or the problem.  p_supersedes names
-- a submitted file of the same item that the new one replaces.
CREATE OR REPLACE FUNCTION duban_file_begin(p_token text, p_kind text, p_id bigint,
    p_name text, p_type text, p_size bigint, p_supersedes bigint, p_max_file bigint,
    p_max_entry bigint, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok		api_token;
	h		progress;
	t		task;
	old		evidence_file;
	v_target	bigint;
	v_milestone	bigint;
	v_withdrawn	boolean;
	v_problem	json;
	v_sum		bigint;
	v_id		bigint;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF p_kind = 'progress' THEN
		SELECT * INTO h FROM progress WHERE id = p_id;
		IF h.id IS NULL OR NOT duban_tok_sees_task(tok, h.task_id) THEN
			RETURN duban_api_problem(404, '历史记录不存在', '没有编号为 ' || p_id || ' 的进度记录');
		END IF;
		IF h.target_id IS NULL AND h.milestone_id IS NULL THEN
			RETURN duban_api_problem(422, '不能附佐证材料',
			    '这条历史记录不属于某个指标或节点，佐证材料应附在指标或节点的填报上');
		END IF;
		v_target := h.target_id;
		v_milestone := h.milestone_id;
	ELSIF p_kind = 'target' THEN
		v_target := (SELECT id FROM target WHERE id = p_id);
		IF v_target IS NULL THEN
			RETURN duban_api_problem(404, '指标不存在', '没有编号为 ' || p_id || ' 的指标');
		END IF;
	ELSE
		v_milestone := (SELECT id FROM milestone WHERE id = p_id);
		IF v_milestone IS NULL THEN
			RETURN duban_api_problem(404, '节点不存在', '没有编号为 ' || p_id || ' 的节点');
		END IF;
	END IF;
	SELECT * INTO t FROM task
	 WHERE id = coalesce((SELECT task_id FROM target WHERE id = v_target),
			     (SELECT task_id FROM milestone WHERE id = v_milestone));
	v_problem := duban_api_check(tok, t.id);
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	v_withdrawn := t.withdrawn_at IS NOT NULL
		OR (SELECT withdrawn_at IS NOT NULL FROM target WHERE id = v_target)
		OR (SELECT withdrawn_at IS NOT NULL FROM milestone WHERE id = v_milestone);
	IF v_withdrawn THEN
		RETURN duban_api_problem(409, '已撤销', '这项内容已从计划中撤销，不能再附佐证材料');
	END IF;
	IF p_name IS NULL OR btrim(p_name) = '' OR length(p_name) > 255
	    OR p_name ~ '[\x01-\x1f\x7f/\\]' THEN
		RETURN duban_api_problem(400, '文件名有误',
		    '文件名（查询参数 name）不能为空、不超过 255 字，不能含斜杠或控制字符', 'name');
	END IF;
	IF p_size > p_max_file THEN
		RETURN duban_api_problem(413, '文件过大', '文件 ' || duban_file_size_text(p_size) ||
		    '，每个文件不超过 ' || duban_file_size_text(p_max_file), 'size');
	END IF;
	IF p_supersedes IS NOT NULL THEN
		SELECT * INTO old FROM evidence_file WHERE id = p_supersedes;
		IF old.id IS NULL OR old.state = 'uploading' THEN
			RETURN duban_api_problem(404, '被替换的文件不存在',
			    '没有编号为 ' || p_supersedes || ' 的佐证材料', 'supersedes');
		END IF;
		IF old.target_id IS DISTINCT FROM v_target
		    OR old.milestone_id IS DISTINCT FROM v_milestone THEN
			RETURN duban_api_problem(422, '不能替换', '被替换的文件属于另一个指标或节点',
			    'supersedes');
		END IF;
		IF old.state <> 'submitted' THEN
			RETURN duban_api_problem(422, '不必替换',
			    '这个文件尚未报送，可以直接删除后重新上传', 'supersedes');
		END IF;
		IF old.superseded_at IS NOT NULL THEN
			RETURN duban_api_problem(409, '已被替换',
			    '这个文件已被编号 ' || old.superseded_by || ' 的文件替换', 'supersedes');
		END IF;
	END IF;
	-- 100 MB (p_max_entry) per entry: the item's files that go with this
	-- entry (pending for the office, or attached to this history entry).
	SELECT coalesce(sum(f.size), 0) INTO v_sum FROM evidence_file f
	 WHERE (f.target_id = v_target OR f.milestone_id = v_milestone)
	   AND f.state <> 'uploading'
	   AND ((p_kind = 'progress' AND f.progress_id = p_id)
		OR (f.state = 'pending' AND f.office_id IS NOT DISTINCT FROM tok.office_id));
	IF v_sum + p_size > p_max_entry THEN
		RETURN duban_api_problem(413, '佐证材料过多', '这一项的佐证材料已有 ' ||
		    duban_file_size_text(v_sum) || '，加上这个文件将超过每项 ' ||
		    duban_file_size_text(p_max_entry) || ' 的上限', 'size');
	END IF;
	INSERT INTO evidence_file (plan_id, task_id, target_id, milestone_id, office_id,
	    progress_id, state, name, declared_type, size, uploaded_by, account_id, token_id,
	    created_at, supersedes)
	VALUES (t.plan_id, t.id, v_target, v_milestone,
	    coalesce(tok.office_id, h.office_id), h.id, 'uploading', p_name,
	    left(p_type, 200), p_size, tok.label, tok.account_id, tok.id, p_now, p_supersedes)
	RETURNING id INTO v_id;
	RETURN json_build_object('status', 201, 'body', json_build_object('id', v_id));
END $$;

-- "3.2 MB", "512 KB": sizes as the messages give them.
CREATE OR REPLACE FUNCTION duban_file_size_text(p bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN p >= 1048576 THEN trim_scale(round(p / 1048576.0, 1))::text || ' MB'
		    WHEN p >= 1024 THEN trim_scale(round(p / 1024.0, 1))::text || ' KB'
		    ELSE p::text || ' 字节' END
$$;

-- 2. One piece of an upload, as it arrived.
CREATE OR REPLACE FUNCTION duban_file_chunk(p_id bigint, p_seq int, p_data bytea)
RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM evidence_file WHERE id = p_id AND state = 'uploading') THEN
		RAISE EXCEPTION 'upload % is not in progress', p_id;
	END IF;
	INSERT INTO evidence_chunk (file_id, seq, data) VALUES (p_id, p_seq, p_data);
	RETURN length(p_data);
END $$;

-- 3. The upload arrived whole: duband's size, SHA-256 and type (decided
-- from the content).  The stored bytes must add up to the size.  A
-- person whose office reports through drafts attaches to the office's
-- unsent report (pending); anyone else's file is submitted at once.
-- 201 with the file.
CREATE OR REPLACE FUNCTION duban_file_finish(p_token text, p_id bigint, p_size bigint,
    p_sha256 text, p_mime text, p_now timestamptz)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	f	evidence_file;
	v_len	bigint;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO f FROM evidence_file WHERE id = p_id FOR UPDATE;
	IF tok.id IS NULL OR f.id IS NULL OR f.state <> 'uploading' OR f.token_id <> tok.id THEN
		DELETE FROM evidence_file WHERE id = p_id AND state = 'uploading';
		IF tok.id IS NULL THEN
			RETURN duban_api_check(tok, NULL);
		END IF;
		RETURN duban_api_problem(409, '上传已失效', '这次上传已被取消，请重新上传');
	END IF;
	SELECT coalesce(sum(length(data)), 0) INTO v_len FROM evidence_chunk WHERE file_id = p_id;
	IF v_len <> p_size OR p_size <> f.size THEN
		DELETE FROM evidence_file WHERE id = p_id;
		RETURN duban_api_problem(400, '文件不完整', '收到 ' || v_len || ' 字节，应为 ' ||
		    f.size || ' 字节；未保存，请重新上传');
	END IF;
	UPDATE evidence_file
	   SET state = CASE WHEN duban_token_drafts(tok) THEN 'pending' ELSE 'submitted' END,
	       sha256 = p_sha256, mime = p_mime, uploaded_at = p_now,
	       submitted_at = CASE WHEN duban_token_drafts(tok) THEN NULL ELSE p_now END,
	       progress_id = coalesce(progress_id, CASE WHEN NOT duban_token_drafts(tok) THEN
			(SELECT h.id FROM progress h
			  WHERE h.target_id = f.target_id OR h.milestone_id = f.milestone_id
			  ORDER BY h.at DESC, h.id DESC LIMIT 1) END)
	 WHERE id = p_id
	RETURNING * INTO f;
	IF f.state = 'submitted' AND f.supersedes IS NOT NULL THEN
		UPDATE evidence_file SET superseded_at = p_now, superseded_by = f.id
		 WHERE id = f.supersedes AND superseded_at IS NULL;
	END IF;
	RETURN json_build_object('status', 201, 'body', duban_file_json(f));
END $$;

-- An upload that did not arrive whole (the client went away, a check
-- failed): gone, with its pieces.
CREATE OR REPLACE FUNCTION duban_file_abort(p_id bigint) RETURNS void
LANGUAGE sql AS $$
	DELETE FROM evidence_file WHERE id = p_id AND state = 'uploading'
$$;

-- Uploads begun before p_before and never finished (duband stopped in
-- the middle): removed by the sweep.  Returns how many.
CREATE OR REPLACE FUNCTION duban_file_sweep(p_before timestamptz) RETURNS int
LANGUAGE sql AS $$
	WITH gone AS (DELETE FROM evidence_file
		       WHERE state = 'uploading' AND created_at < p_before RETURNING 1)
	SELECT count(*)::int FROM gone
$$;

-- May tok read file f?  Everyone who may read the task (within the
-- token's reach) reads its submitted files; a pending one only its own
-- office (like a draft).
CREATE OR REPLACE FUNCTION duban_file_visible(tok api_token, f evidence_file)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT tok.id IS NOT NULL AND f.id IS NOT NULL AND duban_tok_sees_task(tok, f.task_id)
	   AND (f.state = 'submitted'
	    OR (f.state = 'pending' AND (tok.role = 'general'
		OR (tok.office_id IS NOT NULL AND tok.office_id = f.office_id))))
$$;

-- GET /api/v1/files/{id}: what a download needs ({name, mime, size,
-- sha256, chunks}); the bytes are read chunk by chunk (duban_file_piece).
CREATE OR REPLACE FUNCTION duban_api_file(p_token text, p_id bigint)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
	f	evidence_file;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	SELECT * INTO f FROM evidence_file WHERE id = p_id;
	IF NOT coalesce(duban_file_visible(tok, f), false) THEN
		RETURN duban_api_problem(404, '文件不存在', '没有编号为 ' || p_id || ' 的佐证材料');
	END IF;
	RETURN json_build_object('status', 200, 'body', duban_file_json(f)::jsonb ||
	    jsonb_build_object('chunks', (SELECT count(*) FROM evidence_chunk
					   WHERE file_id = f.id)));
END $$;

CREATE OR REPLACE FUNCTION duban_file_piece(p_id bigint, p_seq int) RETURNS bytea
LANGUAGE sql STABLE AS $$
	SELECT c.data FROM evidence_chunk c JOIN evidence_file f ON f.id = c.file_id
	 WHERE c.file_id = p_id AND c.seq = p_seq AND f.state <> 'uploading'
$$;

-- GET /api/v1/tasks/{id}/files[?as_of=]: the task's files, per item, as
-- tok may see them: now (submitted ones, superseded ones marked, and the
-- office's own pending ones), or as they stood at p_as_of (submitted by
-- then and not superseded then; no pending ones).
CREATE OR REPLACE FUNCTION duban_api_task_files(p_token text, p_task bigint,
    p_as_of timestamptz)
RETURNS json LANGUAGE plpgsql STABLE AS $$
DECLARE
	tok	api_token;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF NOT EXISTS (SELECT 1 FROM task WHERE id = p_task)
	   OR NOT duban_tok_sees_task(tok, p_task) THEN
		RETURN duban_api_problem(404, '任务不存在', '没有编号为 ' || p_task || ' 的任务');
	END IF;
	RETURN json_build_object('status', 200, 'body', json_build_object(
	    'task_id', p_task, 'as_of', p_as_of,
	    'files', (SELECT coalesce(json_agg(duban_file_json(f)
					ORDER BY f.target_id, f.milestone_id, f.id), '[]')
		       FROM evidence_file f
		      WHERE f.task_id = p_task
			AND CASE WHEN p_as_of IS NULL THEN duban_file_visible(tok, f)
			    ELSE f.state = 'submitted' AND f.submitted_at <= p_as_of
				 AND (f.superseded_at IS NULL OR f.superseded_at > p_as_of) END)));
END $$;

-- DELETE /api/v1/files/{id}: a pending file, by its office, while its
-- report is not awaiting the head.  A submitted file stays: 409.
CREATE OR REPLACE FUNCTION duban_api_file_delete(p_token text, p_id bigint)
RETURNS json LANGUAGE plpgsql AS $$
DECLARE
	tok	api_token;
	f	evidence_file;
	v_problem json;
BEGIN
	SELECT * INTO tok FROM api_token WHERE hash = p_token AND revoked_at IS NULL;
	SELECT * INTO f FROM evidence_file WHERE id = p_id FOR UPDATE;
	IF tok.id IS NULL THEN
		RETURN duban_api_check(tok, NULL);
	END IF;
	IF NOT coalesce(duban_file_visible(tok, f), false) THEN
		RETURN duban_api_problem(404, '文件不存在', '没有编号为 ' || p_id || ' 的佐证材料');
	END IF;
	v_problem := duban_api_check(tok, f.task_id);
	IF v_problem IS NOT NULL THEN
		RETURN v_problem;
	END IF;
	IF f.state = 'submitted' THEN
		RETURN duban_api_problem(409, '已报送的佐证材料不能删除',
		    '“' || f.name || '”已随报告报送，不能删除或修改；如需更正，请上传新文件替换它（supersedes）',
		    NULL, duban_file_json(f));
	END IF;
	IF f.report_id IS NOT NULL THEN
		RETURN duban_api_problem(409, '报告待审核', '本处室的报告已提交，正等待处室负责人审核，'
		    || '佐证材料暂不能删除', NULL, duban_file_json(f));
	END IF;
	IF tok.role = 'office' AND tok.office_id IS DISTINCT FROM f.office_id THEN
		RETURN duban_api_problem(403, '无权删除', '只能删除本处室上传的佐证材料');
	END IF;
	DELETE FROM evidence_file WHERE id = p_id;
	RETURN json_build_object('status', 200, 'body', json_build_object('deleted', p_id));
END $$;

-- The office's pending files go with its report (locked while the head
-- reviews: report_id set), come back with a return (p_report NULL), and
-- are submitted with the 报送 (duban_file_submit).
CREATE OR REPLACE FUNCTION duban_file_lock(p_office bigint, p_dispatch bigint,
    p_report bigint)
RETURNS void LANGUAGE sql AS $$
	UPDATE evidence_file f SET report_id = p_report
	 WHERE f.office_id = p_office AND f.state = 'pending' AND f.report_id IS NULL
	   AND (p_dispatch IS NULL OR f.plan_id IN (SELECT plan_id FROM dispatch_plan
						     WHERE dispatch_id = p_dispatch))
$$;

CREATE OR REPLACE FUNCTION duban_file_unlock(p_report bigint) RETURNS void
LANGUAGE sql AS $$
	UPDATE evidence_file SET report_id = NULL WHERE report_id = p_report AND state = 'pending'
$$;

-- The report went out: its files are submitted, each joined to the
-- history entry the report wrote for its item (when it wrote one), and
-- the files they replace are superseded.
CREATE OR REPLACE FUNCTION duban_file_submit(p_report bigint, p_now timestamptz)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	f	evidence_file;
BEGIN
	FOR f IN UPDATE evidence_file x
		    SET state = 'submitted', submitted_at = p_now,
			progress_id = coalesce(x.progress_id,
			    (SELECT h.id FROM progress h
			      WHERE h.report_id = p_report
				AND (h.target_id = x.target_id OR h.milestone_id = x.milestone_id)
			      ORDER BY h.id LIMIT 1))
		  WHERE x.report_id = p_report AND x.state = 'pending'
		RETURNING * LOOP
		IF f.supersedes IS NOT NULL THEN
			UPDATE evidence_file SET superseded_at = p_now, superseded_by = f.id
			 WHERE id = f.supersedes AND superseded_at IS NULL;
		END IF;
	END LOOP;
END $$;

-- Whether the office has pending files a report would carry.
CREATE OR REPLACE FUNCTION duban_file_pending(p_office bigint, p_dispatch bigint,
    p_report bigint)
RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM evidence_file f
			WHERE f.office_id = p_office AND f.state = 'pending'
			  AND (f.report_id IS NULL OR f.report_id = p_report)
			  AND (p_dispatch IS NULL OR f.plan_id IN (SELECT plan_id FROM dispatch_plan
								    WHERE dispatch_id = p_dispatch)))
$$;
