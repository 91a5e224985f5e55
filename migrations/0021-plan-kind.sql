-- A plan's kind names its report (民生实事督查报告, 工作要点落实情况督查报告,
-- …; docs/report-format.md), so it is now one of four; and 监督电话, the
-- number a published 民生事项 table prints beside each item: the plan's,
-- and a task's own where it has one (docs/plan-format.md).
--
-- kind was the document's genre as the file wrote it.  Existing plans
-- are mapped: the general office's 督办交办 lists (origin jiaoban) are
-- 交办事项; a plan whose kind is one of the four keeps it; any other (a
-- 民生清单, none) is 民生实事, the default.

UPDATE plan SET kind = CASE
	WHEN origin = 'jiaoban' THEN '交办事项'
	WHEN kind IN ('民生实事', '工作要点', '实施意见', '交办事项') THEN kind
	ELSE '民生实事' END
 WHERE kind IS DISTINCT FROM CASE
	WHEN origin = 'jiaoban' THEN '交办事项'
	WHEN kind IN ('民生实事', '工作要点', '实施意见', '交办事项') THEN kind
	ELSE '民生实事' END;

ALTER TABLE plan
	ALTER COLUMN kind SET DEFAULT '民生实事',
	ALTER COLUMN kind SET NOT NULL,
	ADD CONSTRAINT plan_kind_check
	    CHECK (kind IN ('民生实事', '工作要点', '实施意见', '交办事项')),
	ADD COLUMN phone text CHECK (length(phone) <= 64);

ALTER TABLE task ADD COLUMN phone text CHECK (length(phone) <= 64);
