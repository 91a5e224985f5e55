/*
 * The quarterly inspection report (季度督查): rendering the JSON that
 * duban_report_quarterly() makes (docs/report-format.md) as JSON, CSV,
 * Markdown, HTML or XLSX.  The CLI and duband share it; nothing here
 * touches the database.
 */
#ifndef DUBAN_REPORT_H
#define DUBAN_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum report_format {
	REPORT_JSON,
	REPORT_CSV,
	REPORT_MD,
	REPORT_HTML,
	REPORT_XLSX,
};

/* The tables a CSV can hold (one at a time); the other formats hold all. */
enum report_view {
	VIEW_TASKS,		/* one row per task: the published columns */
	VIEW_TARGETS,		/* one row per target */
	VIEW_OFFICES,		/* one row per lead office, ranked */
	VIEW_SUPERVISE,		/* the items needing 督办 */
	VIEW_COUNTIES,		/* one row per county bureau, ranked (上级督办下级) */
};

/* "json", "csv", "md" (or "markdown"), "html", "xlsx"; 0 or -1. */
int		 report_format_parse(const char *, enum report_format *);
/* "tasks", "targets", "offices", "supervise", "counties"; 0 or -1. */
int		 report_view_parse(const char *, enum report_view *);
const char	*report_content_type(enum report_format);
const char	*report_extension(enum report_format);

/*
 * Writes the report to f.  XLSX goes through a temporary file in
 * $TMPDIR (libxlsxwriter writes files only).  0, or -1 with *cause.
 */
int	 report_render(const json_t *report, enum report_format, enum report_view,
	    FILE *f, char **cause);
/* The file name a download should get: 吉林市教育局-2012Q3-季度督查.xlsx */
char	*report_filename(const json_t *report, enum report_format);

/* The formats, each on its own (report.c, report-html.c, report-xlsx.c). */
int	 report_csv(const json_t *, enum report_view, FILE *, char **cause);
int	 report_markdown(const json_t *, FILE *, char **cause);
int	 report_html(const json_t *, FILE *, char **cause);
int	 report_xlsx(const json_t *, const char *path, char **cause);
/*
 * Runs write(r, path, cause) on a temporary file in $TMPDIR, copies the
 * file to f and removes it (libxlsxwriter writes files only): for
 * report_xlsx and fill_xlsx.  0, or -1 with *cause.
 */
int	 report_via_file(int (*write)(const json_t *, const char *, char **),
	    const json_t *r, FILE *f, char **cause);

/*
 * Shared wording, so that every format says the same thing.
 */
/* done → 已完成, on_track → 按期推进, behind → 滞后, overdue → 逾期,
 * unreported → 未填报, unassigned → 未明确牵头处室; anything else as
 * given. */
const char	*report_status_label(const char *status);
/* A JSON number as people write it: 3000, 14.6, 0.5; null → "—". */
void		 report_number(const json_t *, char *buf, size_t len);
/* A ratio 0..1 as a percentage, rounded half up on its decimal value to
 * one decimal (percent_json, lib/base/percent.h): 0.6635 → "66.4%",
 * 1 → "100.0%"; null → "—". */
void		 report_percent(const json_t *, char *buf, size_t len);
/* A target's required value with its unit and qualifier, as a document
 * writes it: "8000名以上", "不低于95%", "约1200万元", "不超过45人". */
void		 report_required(const json_t *target, char *buf, size_t len);
/* A target's state in one phrase: "6200/8000名（77.5%）", or
 * "要求8000名以上，未填报" when it has no current value ("逾期未报" once
 * its report date has passed). */
void		 report_target_phrase(const json_t *target, char *buf, size_t len);
/* What a reader is told about a target's pace in a word: 滞后 when it is
 * behind, 未填报 or 逾期未报 when it has no value, else "". */
const char	*report_target_flag(const json_t *target);
/* An average completion with what it is over: "80.0%（已填报 4/49）", from
 * the average and the counts of reported and of all targets it could be
 * over; "—" when there are none; the bare percentage for a report that
 * has no counts. */
void		 report_average(const json_t *avg, const json_t *reported,
		    const json_t *of, char *buf, size_t len);
/* Whether a task of the report has a 监督电话 (its own or its plan's):
 * the tables show that column only then. */
int		 report_has_phones(const json_t *report);
/* 责任单位 as bureaus publish it: the lead office ("（牵头）"), then the
 * other responsible offices. */
char		*report_units(const json_t *task);
/* The report's title, as the plans' kind names it (the document's
 * "title", duban_report_title): "2012年第三季度民生实事督查报告",
 * "…工作要点落实情况督查报告", …; for a document without one, the
 * quarter's label and "民生实事督查报告". */
void		 report_title(const json_t *report, char *buf, size_t len);
/* What the report's tasks are called in its prose: "民生实事任务",
 * "工作要点任务", …, "任务" for plans of several kinds. */
void		 report_task_noun(const json_t *report, char *buf, size_t len);
/* The plans' titles joined with "、". */
char		*report_plans_title(const json_t *report);
/* The plans' document numbers joined with "、" ("吉市教通字〔2012〕12号、…"),
 * leaving out plans without one; "" when none has one. */
char		*report_document_numbers(const json_t *report);
/* "2012-09-30" as documents write it, "2012年9月30日"; anything else
 * (or NULL, as "—") as given. */
void		 report_date_cn(const char *iso, char *buf, size_t len);
/* A milestone whose date was extended (an item of extended_items):
 * "2012年12月31日，已延期（原定 2012年9月30日）". */
void		 report_extended_phrase(const json_t *item, char *buf, size_t len);
/* A JSON array of strings joined with sep; "" when empty. */
char		*report_join(const json_t *array, const char *sep);

/* The texts a task's last update may hold beside 完成情况 and 取得成效,
 * in the order a report shows them: the key in last_update, the label.
 * Ends with { NULL, NULL }. */
struct report_text {
	const char	*key;
	const char	*label;
};
extern const struct report_text report_texts[];
/* 截至本期完成情况 as the text formats and the spreadsheet show it: the
 * last update's note, then each of report_texts that is present, on a
 * line of its own ("存在问题：…"); NULL when there is none of them.
 * Allocated. */
char		*report_note_text(const json_t *last_update);
/* That, then the task's 批示 before the cut, each on a line. */
char		*report_task_note(const json_t *task);
/* 佐证材料 of an item (its files array): "2 件：验收报告.pdf；现场照片.jpg",
 * or "无".  Allocated. */
char		*report_files_phrase(const json_t *files);
/* A task's 佐证材料 in one cell: a line per target or milestone that has
 * any, "名称：2 件：…"; "无" when none has.  Allocated. */
char		*report_task_files(const json_t *task);

/*
 * report-lights.c: 红黄绿灯, 临期, the ranking and the 落款 in words.
 */
#define REPORT_DUE_SOON		"临期"
#define REPORT_NO_LEAD		"未明确牵头处室"
#define REPORT_NOTHING_DUE	"本期无到期事项"
/* green → 绿灯, yellow → 黄灯, red → 红灯, grey → 灰灯; "" for anything
 * else. */
const char	*report_light_label(const char *light);
/* A task's or a target's light in a cell: "黄灯", "红灯（临期）", and for a
 * task without a lead office "绿灯；未明确牵头处室"; "—" without a light. */
void		 report_light_phrase(const json_t *item, char *buf, size_t len);
/* Whether an office of the report is ranked (it had items due); one
 * that is not is listed apart, 本期无到期事项. */
int		 report_office_ranked(const json_t *office);
/* Its rank as a cell: "1", or "—" when it is not ranked. */
void		 report_rank(const json_t *office, char *buf, size_t len);
/* The 落款: the organisation's name and the as-of day in Chinese form,
 * "2012年9月30日" (the report depends on its JSON alone, so the day is
 * the one the figures are of, not the day it was printed). */
void		 report_signature(const json_t *report, char *org, size_t orglen,
		    char *date, size_t datelen);

#endif
