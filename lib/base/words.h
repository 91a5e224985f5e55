/*
 * The words users read for duban's codes: task and milestone statuses,
 * reminder kinds, dispatch states, roles, the fields of the history.  One
 * table, here; the CLI, the reports, the reminders and (through GET
 * /api/v1/words) the pages all take their words from it, so that 滞后 is
 * 滞后 everywhere.  The codes themselves are what the database and the
 * API carry.
 */
#ifndef DUBAN_WORDS_H
#define DUBAN_WORDS_H

#include <jansson.h>

enum vocab {
	VOCAB_TASK_STATUS,	/* done, completing, on_track, behind, overdue,
				   unreported, unassigned */
	VOCAB_MILESTONE_STATUS,	/* pending, in_progress, done, blocked */
	VOCAB_TARGET_STATE,	/* done, behind, on_track, unmeasured, unreported,
				   late (the report's 逾期未报) */
	VOCAB_REMINDER_KIND,	/* digest, due_soon, overdue, escalation, ... */
	VOCAB_DELIVERY_STATUS,	/* pending, sending, sent, failed */
	VOCAB_CHANNEL,		/* email, webhook, wecom, dingtalk */
	VOCAB_DISPATCH_STATE,	/* reported, reported_late, pending, late, missing */
	VOCAB_ROUND_STATE,	/* a dispatch round: open, closed */
	VOCAB_QUALIFIER,	/* a target's value: at_least "不低于%s", ... */
	VOCAB_TASK_ROLE,	/* lead, responsible, leader, coordinator */
	VOCAB_TASK_ROLE_SHORT,	/* lead 牵头, responsible 负责: an office's part */
	VOCAB_PLAN_ROLE,	/* leading_group_head, ..., responsible_unit */
	VOCAB_ACCOUNT_ROLE,	/* general, office, inspector */
	VOCAB_OFFICE_KIND,	/* office, unit, department, group */
	VOCAB_FIELD,		/* the fields of the progress history */
	VOCAB_PERSON_ROLE,	/* clerk, head, general, leader, inspector, admin */
	VOCAB_EXTENSION_STATE,	/* a 延期申请: pending, reviewed, approved, rejected */
	VOCAB_BASIS_KIND,	/* a 督办事项's 督办依据: instruction, meeting, document,
				   other */
	VOCAB_REPORT_EVERY,	/* its 汇报频次: day, week, month, quarter */
	VOCAB_TASK_COMPLETION,	/* a 办结申请: none, pending, approved, returned */
	VOCAB_LIGHT,		/* 红黄绿灯: green, yellow, red, grey */
	VOCAB_COUNT
};

/*
 * The word for code in a vocabulary: the code itself when it has none
 * (a code newer than this table reads as itself rather than vanish), NULL
 * for a NULL code.
 */
const char	*word(enum vocab, const char *code);
/* The same, with none for a NULL code ("—", say). */
const char	*word_or(enum vocab, const char *code, const char *none);

/*
 * Every vocabulary as a JSON object, {"task_status": {"done": "已完成",
 * ...}, ...}, in the table's order (what GET /api/v1/words answers).
 */
json_t		*words_json(void);

#endif
