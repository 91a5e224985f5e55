-- 佐证材料: evidence files attached to the reports on a target or a
-- milestone.  The bytes are kept in PostgreSQL in chunks (evidence_chunk)
-- as duband receives them, so that no upload is ever whole in memory;
-- the file becomes visible only when its last chunk is in and its
-- SHA-256 checked (state 'uploading' → 'pending' or 'submitted').
--
--   pending    attached by a person whose office reports through drafts
--              (a clerk, a head): part of the office's unsent report; the
--              office may delete it; locked while a clerk's report waits
--              for the head (report_id set); submitted with the report.
--   submitted  part of a report that went out (or attached by one who
--              writes directly): never changed or deleted, only
--              superseded by a newer file (superseded_at, superseded_by).
--
-- A file supports a history entry (progress_id: the entry it was attached
-- to, or the first the report wrote for its item) and, when it went with
-- an office's 报送, that report (report_id).  As of a moment T, the files
-- of an item are those submitted at or before T and not superseded then.

CREATE TABLE evidence_file (
	id		bigserial PRIMARY KEY,
	plan_id		bigint NOT NULL REFERENCES plan (id),
	task_id		bigint NOT NULL REFERENCES task (id),
	target_id	bigint REFERENCES target (id),
	milestone_id	bigint REFERENCES milestone (id),
	office_id	bigint REFERENCES office (id),
	progress_id	bigint REFERENCES progress (id),
	report_id	bigint REFERENCES office_report (id),
	state		text NOT NULL CHECK (state IN ('uploading', 'pending', 'submitted')),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	declared_type	text,				-- the uploader's Content-Type
	mime		text,				-- decided from the content
	size		bigint NOT NULL CHECK (size >= 0),
	sha256		text CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	uploaded_by	text NOT NULL,
	account_id	bigint REFERENCES account (id),
	token_id	bigint REFERENCES api_token (id),
	created_at	timestamptz NOT NULL,		-- the upload began
	uploaded_at	timestamptz,			-- its last byte was stored
	submitted_at	timestamptz,
	supersedes	bigint REFERENCES evidence_file (id),
	superseded_by	bigint REFERENCES evidence_file (id),
	superseded_at	timestamptz,
	CHECK ((target_id IS NULL) <> (milestone_id IS NULL)),
	CHECK (state = 'uploading' OR (sha256 IS NOT NULL AND mime IS NOT NULL AND
	    uploaded_at IS NOT NULL)),
	CHECK ((state = 'submitted') = (submitted_at IS NOT NULL))
);
CREATE INDEX evidence_file_task ON evidence_file (task_id);
CREATE INDEX evidence_file_target ON evidence_file (target_id) WHERE target_id IS NOT NULL;
CREATE INDEX evidence_file_milestone ON evidence_file (milestone_id)
	WHERE milestone_id IS NOT NULL;
CREATE INDEX evidence_file_pending ON evidence_file (office_id) WHERE state = 'pending';
CREATE INDEX evidence_file_uploading ON evidence_file (created_at) WHERE state = 'uploading';

CREATE TABLE evidence_chunk (
	file_id		bigint NOT NULL REFERENCES evidence_file (id) ON DELETE CASCADE,
	seq		int NOT NULL CHECK (seq >= 0),
	data		bytea NOT NULL,
	PRIMARY KEY (file_id, seq)
);
-- Chunks are large and never searched: keep them out of line, uncompressed
-- (PDF, JPEG, PNG, DOCX and XLSX are compressed already).
ALTER TABLE evidence_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- A submitted file is history: its bytes and what it says never change;
-- only its supersession may be recorded, once.
CREATE FUNCTION evidence_file_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.state = 'submitted' THEN
			RAISE EXCEPTION '已报送的佐证材料不能删除 (evidence %)', OLD.id
			    USING ERRCODE = 'insufficient_privilege';
		END IF;
		RETURN OLD;
	END IF;
	IF OLD.state = 'submitted' AND (
	    NEW.state, NEW.name, NEW.mime, NEW.size, NEW.sha256, NEW.submitted_at,
	    NEW.target_id, NEW.milestone_id, NEW.task_id, NEW.progress_id, NEW.report_id)
	    IS DISTINCT FROM (
	    OLD.state, OLD.name, OLD.mime, OLD.size, OLD.sha256, OLD.submitted_at,
	    OLD.target_id, OLD.milestone_id, OLD.task_id, OLD.progress_id, OLD.report_id)
	    OR (OLD.superseded_at IS NOT NULL AND
		(NEW.superseded_at, NEW.superseded_by) IS DISTINCT FROM
		(OLD.superseded_at, OLD.superseded_by)) THEN
		RAISE EXCEPTION '已报送的佐证材料不能修改 (evidence %)', OLD.id
		    USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER evidence_file_guard BEFORE UPDATE OR DELETE ON evidence_file
	FOR EACH ROW EXECUTE FUNCTION evidence_file_guard();

CREATE FUNCTION evidence_chunk_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM evidence_file f WHERE f.id = OLD.file_id
		     AND f.state = 'submitted') THEN
		RAISE EXCEPTION '佐证材料的内容不能修改 (evidence %)', OLD.file_id
		    USING ERRCODE = 'insufficient_privilege';
	END IF;
	RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END $$;
-- A pending file's chunks go with it (ON DELETE CASCADE); a submitted
-- file's bytes stay as they are.
CREATE TRIGGER evidence_chunk_guard BEFORE UPDATE OR DELETE ON evidence_chunk
	FOR EACH ROW EXECUTE FUNCTION evidence_chunk_guard();

-- A plan may require evidence before a task's 办结 (completion_evidence).
ALTER TABLE plan ADD COLUMN completion_evidence boolean NOT NULL DEFAULT false;
