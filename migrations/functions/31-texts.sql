-- Stored texts: one check for control characters, used by every SQL
-- function that stores a text a user wrote (督办事项, 批示, 延期理由,
-- 办结说明, 退回理由, 调度, 姓名, the 填报表's rows ...).  duband's own
-- checks of JSON bodies use the same rule (lib/base/utf8.c:
-- utf8_has_controls).  Applied before the files that call it, so that
-- their LANGUAGE sql functions can.

-- True when p_value holds a control character other than newline and tab:
-- C0 (carriage return included), DEL or C1 (U+0080 to U+009F).  They would
-- move a terminal's cursor, change its colours or hide text from a reader.
CREATE OR REPLACE FUNCTION duban_text_has_controls(p_value text)
RETURNS boolean LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT p_value ~ '[\u0001-\u0008\u000b-\u001f\u007f-\u009f]'
$$;

-- NULL when p_value may be stored; otherwise a 400 problem naming the
-- field (p_label: what users call it, 批示内容).
CREATE OR REPLACE FUNCTION duban_text_problem(p_field text, p_label text, p_value text)
RETURNS json LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN duban_text_has_controls(p_value) THEN
		duban_api_problem(400, p_label || '含有控制字符',
		    p_label || '（' || p_field || '）中不能有控制字符（换行和制表符除外）',
		    p_field)
	END
$$;
