/*
 * The quarterly report as an XLSX workbook (libxlsxwriter), for the
 * bureau's staff to open in Excel or WPS: one sheet per view, with real
 * formulas where a figure follows from others (the summary's counts, the
 * completion of a target, an office's on-time rate) and number formats
 * that show them as the other formats do.
 *
 * Every formula is written with its result, computed here from the JSON
 * the same way the formula computes it, so that a viewer that does not
 * recalculate (a phone, a preview) still shows the right numbers.
 *
 * Every table has its title in row 1, its header in row 2 and its rows
 * from row 3.  The summary's formulas use ranges from the header row to
 * the last row, which are never upside down, even for an empty table:
 * COUNTA(...)-1 discounts the header, and no header matches a COUNTIF.
 *
 * This file writes the data sheets and the workbook; the summary sheet
 * is in report-xlsx-summary.c, the cells and formats in
 * report-xlsx-cell.c.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xlsxwriter.h>

#include "log.h"
#include "report.h"
#include "report-xlsx.h"
#include "xmalloc.h"

#define NO_LEAD		"未明确牵头处室"

/* 任务: one row per task, a subtask after its parent. */
static const struct column task_cols[T_NCOLS] = {
	/* Narrow enough to print at about half size across A4 landscape:
	 * the rows grow to hold their text (xlsx_row_height). */
	{ "序号", 5 }, { "类别", 10 }, { "民生事项名称", 20 }, { "年度任务目标", 40 },
	{ "牵头处室", 12 }, { "责任单位", 16 }, { "分管领导", 10 },
	{ "完成时限", 13 }, { "状态", 9 }, { "红黄绿灯", 9 }, { "节点总数", 5 },
	{ "应完成节点", 5 }, { "已完成节点", 5 }, { "按时完成节点", 5 },
	{ "逾期节点", 5 }, { "本季度到期节点", 6 }, { "截至本期完成情况", 32 },
	{ "取得成效", 22 }, { "最近更新", 13 }, { "佐证材料", 20 }, { "层级", 5 },
	{ "监督电话", 14 },
};

/* 指标: one row per target. */
static const struct column target_cols[G_NCOLS] = {
	{ "序号", 6 }, { "民生事项名称", 22 }, { "牵头处室", 14 }, { "指标", 30 },
	{ "要求表述", 16 }, { "单位", 9 }, { "基数", 9 }, { "要求", 9 },
	{ "截至本期", 9 }, { "计算方式", 10 }, { "完成比例", 9 },
	{ "时间进度", 9 }, { "是否滞后", 8 }, { "完成时限", 15 },
	{ "佐证材料", 30 },
};

/* 处室: one row per lead office, ranked. */
static const struct column office_cols[O_NCOLS] = {
	{ "排名", 6 }, { "处室", 20 }, { "牵头任务", 8 }, { "已完成", 8 },
	{ "逾期任务", 8 }, { "滞后任务", 8 }, { "到期节点", 8 },
	{ "已完成到期节点", 9 }, { "完成率", 9 },
	{ "按时完成节点", 8 }, { "按时完成率", 10 }, { "逾期节点", 8 },
	{ "指标平均完成率", 10 }, { "已填报指标", 9 }, { "备注", 16 },
};

/* 县（市）区: one row per county bureau, ranked on its copies of the
 * city's tasks by the offices' rule (上级督办下级). */
static const struct column county_cols[O_NCOLS] = {
	{ "排名", 6 }, { "县（市）区", 20 }, { "承担任务", 8 }, { "已完成", 8 },
	{ "逾期任务", 8 }, { "滞后任务", 8 }, { "到期节点", 8 },
	{ "已完成到期节点", 9 }, { "完成率", 9 },
	{ "按时完成节点", 8 }, { "按时完成率", 10 }, { "逾期节点", 8 },
	{ "指标平均完成率", 10 }, { "已填报指标", 9 }, { "备注", 16 },
};

/* 督办事项: tasks not done that are overdue, behind, not reported after
 * their report date or led by no one. */
static const struct column supervise_cols[V_NCOLS] = {
	{ "序号", 6 }, { "民生事项名称", 30 }, { "牵头处室", 16 }, { "状态", 12 },
	{ "督办事由", 72 },
};

/* 节点进度: the burn-up of milestones through the year. */
static const struct column burnup_cols[B_NCOLS] = {
	{ "日期", 12 }, { "计划应完成", 11 }, { "实际完成", 11 },
};

/* ------------------------------------------------------------------ */

/* What went wrong, in words for the bureau's staff. */
static const char *
reason(lxw_error e)
{
	switch (e) {
	case LXW_ERROR_MEMORY_MALLOC_FAILED:
		return ("内存不足");
	case LXW_ERROR_CREATING_XLSX_FILE:
		return ("无法创建文件");
	case LXW_ERROR_CREATING_TMPFILE:
		return ("无法创建临时文件");
	case LXW_ERROR_READING_TMPFILE:
		return ("无法读取临时文件");
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_PARAMETER_ERROR:
	case LXW_ERROR_ZIP_BAD_ZIP_FILE:
	case LXW_ERROR_ZIP_INTERNAL_ERROR:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE:
		return ("写入压缩文件失败");
	case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED:
		return ("文字超过单元格上限（32767 个字符）");
	case LXW_ERROR_32_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_128_STRING_LENGTH_EXCEEDED:
	case LXW_ERROR_255_STRING_LENGTH_EXCEEDED:
		return ("文字过长");
	case LXW_ERROR_WORKSHEET_INDEX_OUT_OF_RANGE:
		return ("超出工作表的行列上限");
	case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
	case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
	case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE:
	case LXW_ERROR_SHEETNAME_ALREADY_USED:
		return ("工作表名称无效");
	default:
		return (lxw_strerror(e));
	}
}

/* ------------------------------------------------------------------ */

static const char *
lead_office(const json_t *t)
{
	return (S(t, "lead_office") ? S(t, "lead_office") : NO_LEAD);
}

/* 年度任务目标: the goal, then a line per target. */
static char *
goal_text(const json_t *t)
{
	const char	*goal = S(t, "goal");
	char		*buf = NULL, phrase[512];
	size_t		 len = 0, i;
	FILE		*f;
	json_t		*g;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	if (goal != NULL)
		fputs(goal, f);
	json_array_foreach(json_object_get(t, "targets"), i, g) {
		report_target_phrase(g, phrase, sizeof phrase);
		if (ftell(f) > 0)
			fputc('\n', f);
		fprintf(f, "%s：%s", S(g, "name") ? S(g, "name") : "", phrase);
	}
	fclose(f);
	return (buf);
}

static void
tasks_sheet(struct xl *x, const json_t *r, struct totals *tt)
{
	const struct sheet *sh = &x->tasks;
	const json_t	*tasks = json_object_get(r, "tasks"), *t, *m, *u;
	static const char *const lights[4] = { "green", "yellow", "red", "grey" };
	const char	*label, *status, *texts[T_NCOLS];
	char		*s, title[256], cn[32], light[128];
	char		*goal, *units, *note, *files;
	double		 widths[T_NCOLS];
	lxw_format	*name;
	lxw_row_t	 row;
	lxw_col_t	 c;
	size_t		 i;
	int		 sub, phones = report_has_phones(r);

	tt->task_last = HEAD_ROW + (lxw_row_t)json_array_size(tasks);
	report_date_cn(S(r, "as_of"), cn, sizeof cn);
	snprintf(title, sizeof title, "各项任务完成情况（数据截至 %s）", cn);
	xlsx_table(x, sh, title, task_cols, phones ? T_NCOLS : T_PHONE, tt->task_last,
	    T_TITLE + 1, 1);
	for (c = 0; c < T_NCOLS; c++)
		widths[c] = task_cols[c].width;

	for (i = 0; i < json_array_size(tasks) && x->error == LXW_NO_ERROR; i++) {
		t = json_array_get(tasks, i);
		row = FIRST_ROW + (lxw_row_t)i;
		m = json_object_get(t, "milestones");
		u = json_object_get(t, "last_update");
		if (!json_is_object(u))
			u = NULL;
		sub = N(t, "depth") > 0;
		name = sub ? x->indent : x->text;
		status = S(t, "status");
		label = report_status_label(status);

		goal = goal_text(t);
		units = report_units(t);
		note = report_task_note(t);
		files = report_task_files(t);
		/* Tall enough for its longest cell (Excel does not fit a row
		 * written by a program until someone edits it); set first, as
		 * a streamed sheet wants it. */
		for (c = 0; c < T_NCOLS; c++)
			texts[c] = NULL;
		texts[T_TITLE] = S(t, "title");
		texts[T_GOAL] = goal;
		texts[T_UNITS] = units;
		texts[T_NOTE] = note;
		texts[T_OUTCOME] = u ? S(u, "outcome") : NULL;
		texts[T_FILES] = files;
		texts[T_CATEGORY] = S(t, "category");
		if (x->error == LXW_NO_ERROR)
			xlsx_check(x, worksheet_set_row(sh->ws, row,
			    xlsx_row_height(texts, widths, T_NCOLS, XLSX_LINE, XLSX_LINE + 4),
			    NULL), sh, "（行高）", 0, 0);

		xlsx_put_str(x, sh, row, T_LABEL, S(t, "label"), name);
		xlsx_put_str(x, sh, row, T_CATEGORY, S(t, "category"), x->text);
		xlsx_put_str(x, sh, row, T_TITLE, S(t, "title"), name);
		xlsx_put_str(x, sh, row, T_GOAL, goal, x->text);
		xlsx_put_str(x, sh, row, T_LEAD, lead_office(t), x->text);
		xlsx_put_str(x, sh, row, T_UNITS, units, x->text);
		s = report_join(json_object_get(t, "leaders"), "、");
		xlsx_put_str(x, sh, row, T_LEADERS, s, x->text);
		free(s);
		xlsx_put_date(x, sh, row, T_DEADLINE, S(t, "deadline"));
		xlsx_put_str(x, sh, row, T_STATUS, label,
		    xlsx_status_format(x, status));
		report_light_phrase(t, light, sizeof light);
		xlsx_put_str(x, sh, row, T_LIGHT, light, xlsx_light_format(x, S(t, "light")));
		for (c = 0; c < 4; c++)
			if (S(t, "light") != NULL && strcmp(S(t, "light"), lights[c]) == 0)
				tt->lights[c]++;
		if (json_is_true(json_object_get(t, "due_soon")))
			tt->due_soon++;
		xlsx_put_num(x, sh, row, T_MS_TOTAL, (double)N(m, "total"), x->count);
		xlsx_put_num(x, sh, row, T_MS_DUE, (double)N(m, "due"), x->count);
		xlsx_put_num(x, sh, row, T_MS_DONE, (double)N(m, "done"), x->count);
		xlsx_put_num(x, sh, row, T_MS_ON_TIME, (double)N(m, "on_time"), x->count);
		xlsx_put_num(x, sh, row, T_MS_OVERDUE, (double)N(m, "overdue"), x->count);
		xlsx_put_num(x, sh, row, T_MS_QUARTER, (double)N(m, "due_this_quarter"),
		    x->count);
		xlsx_put_str(x, sh, row, T_NOTE, note, x->text);
		xlsx_put_str(x, sh, row, T_OUTCOME, u ? S(u, "outcome") : NULL, x->text);
		xlsx_put_date(x, sh, row, T_UPDATED, u ? S(u, "on") : NULL);
		xlsx_put_str(x, sh, row, T_FILES, files, x->text);
		free(goal);
		free(units);
		free(note);
		free(files);
		xlsx_put_str(x, sh, row, T_LEVEL, sub ? LEVEL_SUB : LEVEL_TOP, x->center);
		if (phones)
			xlsx_put_str(x, sh, row, T_PHONE, S(t, "phone"), x->text);

		/* As the summary's COUNTIF and SUMIF see them. */
		tt->tasks++;
		if (strcmp(label, report_status_label("done")) == 0)
			tt->done++;
		else if (strcmp(label, report_status_label("on_track")) == 0)
			tt->on_track++;
		else if (strcmp(label, report_status_label("behind")) == 0)
			tt->behind++;
		else if (strcmp(label, report_status_label("overdue")) == 0)
			tt->overdue++;
		else if (strcmp(label, report_status_label("unreported")) == 0)
			tt->unreported++;
		else if (strcmp(label, report_status_label("unassigned")) == 0)
			tt->unassigned++;
		if (!sub) {
			/* A parent's counts hold its subtasks'. */
			tt->ms_total += N(m, "total");
			tt->ms_due += N(m, "due");
			tt->ms_done += N(m, "done");
			tt->ms_on_time += N(m, "on_time");
			tt->ms_overdue += N(m, "overdue");
			tt->ms_quarter += N(m, "due_this_quarter");
		}
	}
}

/*
 * 完成比例 reproduces the JSON's percent (duban_percent()): for a target
 * that accumulates, the share of the way from the baseline (or 0) to the
 * required value; for a standard (a rate, or 不超过), 截至本期 over the
 * required value; blank while 截至本期 is (未填报: never 0%).  是否滞后
 * says 滞后 only of a reported value, and 未填报 (逾期未报 once its
 * report date has passed) of a blank one.
 */
static void
targets_sheet(struct xl *x, const json_t *r, struct totals *tt)
{
	const struct sheet *sh = &x->targets;
	const json_t	*tasks = json_object_get(r, "tasks"), *t, *targets, *g;
	const json_t	*base, *value, *cur, *elapsed;
	char		 fm[512], req[160], title[256], cn[32], *files;
	lxw_row_t	 row = FIRST_ROW, n = 0;
	size_t		 i, j;
	double		 b, v, c, done;
	unsigned	 a1;
	int		 acc, late, reported;
	const char	*unrep;

	for (i = 0; i < json_array_size(tasks); i++)
		n += (lxw_row_t)json_array_size(json_object_get(json_array_get(tasks, i),
		    "targets"));
	tt->target_last = HEAD_ROW + n;
	report_date_cn(S(r, "as_of"), cn, sizeof cn);
	snprintf(title, sizeof title, "各项指标完成情况（数据截至 %s）", cn);
	xlsx_table(x, sh, title, target_cols, G_NCOLS, tt->target_last, G_TITLE + 1, 1);

	for (i = 0; i < json_array_size(tasks) && x->error == LXW_NO_ERROR; i++) {
		t = json_array_get(tasks, i);
		targets = json_object_get(t, "targets");
		for (j = 0; j < json_array_size(targets) && x->error == LXW_NO_ERROR;
		    j++, row++) {
			g = json_array_get(targets, j);
			a1 = (unsigned)row + 1;
			base = json_object_get(g, "baseline");
			value = json_object_get(g, "value");
			cur = json_object_get(g, "current");
			elapsed = json_object_get(g, "elapsed");
			reported = json_is_number(cur);
			acc = json_is_boolean(json_object_get(g, "accumulates")) ?
			    json_is_true(json_object_get(g, "accumulates")) :
			    json_is_number(json_object_get(g, "completion"));
			unrep = json_is_true(json_object_get(g, "late")) ? LATE : UNREPORTED;
			report_required(g, req, sizeof req);

			xlsx_put_str(x, sh, row, G_LABEL, S(t, "label"), x->text);
			xlsx_put_str(x, sh, row, G_TITLE, S(t, "title"), x->text);
			xlsx_put_str(x, sh, row, G_LEAD, lead_office(t),
			    x->text);
			xlsx_put_str(x, sh, row, G_NAME, S(g, "name"), x->text);
			xlsx_put_str(x, sh, row, G_REQUIRED, req, x->text);
			xlsx_put_str(x, sh, row, G_UNIT, S(g, "unit"), x->center);
			xlsx_put_json(x, sh, row, G_BASELINE, base, x->number);
			xlsx_put_json(x, sh, row, G_VALUE, value, x->number);
			xlsx_put_json(x, sh, row, G_CURRENT, cur, x->number);
			xlsx_put_str(x, sh, row, G_METHOD, acc ? METHOD_ACC : METHOD_STD,
			    x->center);
			xlsx_put_json(x, sh, row, G_ELAPSED, elapsed,
			    x->percent);
			xlsx_put_date(x, sh, row, G_DEADLINE, S(g, "deadline"));
			files = report_files_phrase(json_object_get(g, "files"));
			xlsx_put_str(x, sh, row, G_FILES, files, x->text);
			free(files);
			tt->targets++;

			if (!reported) {
				tt->targets_unreported++;
				if (strcmp(unrep, LATE) == 0)
					tt->targets_late++;
			}
			if (acc) {
				b = json_is_number(base) ? json_number_value(base) : 0;
				v = json_number_value(value);
				c = reported ? json_number_value(cur) : b;
				done = v - b > 0 ? fmin(1, fmax(0, (c - b) / (v - b))) :
				    json_number_value(json_object_get(g, "completion"));
				snprintf(fm, sizeof fm, "=IF(%c%u=\"\",\"\",MIN(1,MAX(0,"
				    "(%c%u-N(%c%u))/(%c%u-N(%c%u)))))",
				    COL(G_CURRENT), a1, COL(G_CURRENT), a1, COL(G_BASELINE), a1,
				    COL(G_VALUE), a1, COL(G_BASELINE), a1);
				if (reported)
					xlsx_put_fnum(x, sh, row, G_COMPLETION, fm, x->percent,
					    done);
				else
					xlsx_put_fstr(x, sh, row, G_COMPLETION, fm, x->percent, "");

				late = reported && json_is_number(elapsed) &&
				    done < json_number_value(elapsed);
				snprintf(fm, sizeof fm, "=IF(%c%u=\"\",\"%s\","
				    "IF(AND(ISNUMBER(%c%u),%c%u<%c%u),\"%s\",\"\"))",
				    COL(G_CURRENT), a1, unrep, COL(G_COMPLETION), a1,
				    COL(G_COMPLETION), a1, COL(G_ELAPSED), a1, BEHIND);
				xlsx_put_fstr(x, sh, row, G_BEHIND, fm,
				    x->behind,
				    !reported ? unrep : late ? BEHIND : "");
				tt->measured++;
				if (reported) {
					tt->measured_reported++;
					tt->completion_sum += done;
				}
				if (late)
					tt->targets_behind++;
			} else {
				snprintf(fm, sizeof fm, "=IF(OR(%c%u=\"\",N(%c%u)=0),\"\","
				    "%c%u/%c%u)", COL(G_CURRENT), a1, COL(G_VALUE), a1,
				    COL(G_CURRENT), a1, COL(G_VALUE), a1);
				if (json_is_number(cur) && json_is_number(value) &&
				    json_number_value(value) != 0)
					xlsx_put_fnum(x, sh, row, G_COMPLETION, fm, x->percent,
					    json_number_value(cur) /
					    json_number_value(value));
				else
					xlsx_put_fstr(x, sh, row, G_COMPLETION, fm, x->percent, "");
				snprintf(fm, sizeof fm, "=IF(%c%u=\"\",\"%s\",\"\")",
				    COL(G_CURRENT), a1, unrep);
				xlsx_put_fstr(x, sh, row, G_BEHIND, fm, x->behind,
				    reported ? "" : unrep);
			}
		}
	}
}

/* The width of a ranking table, for its rule's line. */
static double
ranking_width(const struct column *cols)
{
	double	 w = 0;
	size_t	 c;

	for (c = 0; c < O_NCOLS; c++)
		w += cols[c].width;
	return (w);
}

/* A ranking sheet: the offices' (处室) or the counties' (县（市）区),
 * with its title, its line when empty, and its rule under it. */
static void
ranking_sheet(struct xl *x, const struct sheet *sh, const json_t *offices,
    const struct column *cols, const char *title, const char *empty, const char *rule)
{
	const json_t	*o;
	char		 fm[256];
	lxw_row_t	 row, n = (lxw_row_t)json_array_size(offices);
	size_t		 i;
	unsigned	 a1;
	long		 due;

	xlsx_table(x, sh, title, cols, O_NCOLS, HEAD_ROW + n, O_NAME + 1, 1);
	if (n == 0)
		xlsx_put_merged(x, sh, FIRST_ROW, 0, O_NCOLS - 1, empty, x->empty);
	for (i = 0; i < n && x->error == LXW_NO_ERROR; i++) {
		o = json_array_get(offices, i);
		row = FIRST_ROW + (lxw_row_t)i;
		a1 = (unsigned)row + 1;
		due = N(o, "milestones_due");

		if (report_office_ranked(o))
			xlsx_put_num(x, sh, row, O_RANK, (double)N(o, "rank"), x->count);
		else
			xlsx_put_blank(x, sh, row, O_RANK, x->count);
		xlsx_put_str(x, sh, row, O_NAME, S(o, "name"), x->text);
		xlsx_put_num(x, sh, row, O_TASKS, (double)N(o, "tasks"), x->count);
		xlsx_put_num(x, sh, row, O_DONE, (double)N(o, "done"), x->count);
		xlsx_put_num(x, sh, row, O_OVERDUE_TASKS, (double)N(o, "overdue_tasks"),
		    x->count);
		xlsx_put_num(x, sh, row, O_BEHIND_TASKS, (double)N(o, "behind_tasks"),
		    x->count);
		xlsx_put_num(x, sh, row, O_DUE, (double)due, x->count);
		xlsx_put_num(x, sh, row, O_DONE_DUE, (double)N(o, "milestones_done"), x->count);
		snprintf(fm, sizeof fm, "=IF(%c%u>0,%c%u/%c%u,\"\")", COL(O_DUE), a1,
		    COL(O_DONE_DUE), a1, COL(O_DUE), a1);
		if (due > 0)
			xlsx_put_fnum(x, sh, row, O_DONE_RATE, fm, x->percent,
			    (double)N(o, "milestones_done") / (double)due);
		else
			xlsx_put_fstr(x, sh, row, O_DONE_RATE, fm, x->percent, "");
		xlsx_put_str(x, sh, row, O_NOTE, report_office_ranked(o) ? "" :
		    REPORT_NOTHING_DUE, x->center);
		xlsx_put_num(x, sh, row, O_ON_TIME, (double)N(o, "milestones_on_time"),
		    x->count);
		snprintf(fm, sizeof fm, "=IF(%c%u>0,%c%u/%c%u,\"\")", COL(O_DUE), a1,
		    COL(O_ON_TIME), a1, COL(O_DUE), a1);
		if (due > 0)
			xlsx_put_fnum(x, sh, row, O_RATE, fm, x->percent,
			    (double)N(o, "milestones_on_time") / (double)due);
		else
			xlsx_put_fstr(x, sh, row, O_RATE, fm, x->percent, "");
		xlsx_put_num(x, sh, row, O_OVERDUE, (double)N(o, "milestones_overdue"),
		    x->count);
		xlsx_put_json(x, sh, row, O_AVG, json_object_get(o, "avg_completion"),
		    x->percent);
		if (json_is_integer(json_object_get(o, "targets_measured"))) {
			char	*s = xprintf("%lld/%lld",
			    (long long)N(o, "targets_reported"),
			    (long long)N(o, "targets_measured"));

			xlsx_put_str(x, sh, row, O_REPORTED, s, x->center);
			free(s);
		} else
			xlsx_put_blank(x, sh, row, O_REPORTED, x->center);
	}
	/* Under the table, after a blank row: how they are ranked. */
	if (n > 0 && rule != NULL)
		xlsx_put_line(x, sh, FIRST_ROW + n + 1, O_NCOLS - 1, ranking_width(cols),
		    rule, x->info, XLSX_LINE);
}

static void
offices_sheet(struct xl *x, const json_t *r)
{
	ranking_sheet(x, &x->offices, json_object_get(r, "offices"), office_cols,
	    "各处室完成情况（按到期节点完成率、按时完成率排名；" REPORT_NOTHING_DUE
	    "的处室不排名）", "无（计划未明确牵头处室）", S(r, "ranking_rule"));
}

/* 县（市）区: only for plans with county copies. */
static void
counties_sheet(struct xl *x, const json_t *r)
{
	ranking_sheet(x, &x->counties, json_object_get(r, "counties"), county_cols,
	    "各县（市）区完成情况（承担的上级任务，按到期节点完成率、按时完成率排名；"
	    REPORT_NOTHING_DUE "的县（市）区不排名）", "无（没有分解到县（市）区的任务）",
	    S(r, "county_ranking_rule"));
}

static void
supervise_sheet(struct xl *x, const json_t *r, struct totals *tt)
{
	const struct sheet *sh = &x->supervise;
	const json_t	*items = json_object_get(r, "supervise"), *s;
	const char	*status;
	char		*why;
	lxw_row_t	 row, n = (lxw_row_t)json_array_size(items);
	size_t		 i;

	/* The "无" row has no 状态: the summary's COUNTA counts none. */
	tt->supervise_last = n > 0 ? HEAD_ROW + n : FIRST_ROW;
	xlsx_table(x, sh, "需督办事项（未完成且逾期、滞后、逾期未报或未明确牵头处室）",
	    supervise_cols, V_NCOLS, HEAD_ROW + n, 0, 1);
	if (n == 0)
		xlsx_put_merged(x, sh, FIRST_ROW, 0, V_NCOLS - 1, "无", x->empty);
	for (i = 0; i < n && x->error == LXW_NO_ERROR; i++) {
		s = json_array_get(items, i);
		row = FIRST_ROW + (lxw_row_t)i;
		status = S(s, "status");
		why = report_join(json_object_get(s, "reasons"), "；");
		xlsx_put_str(x, sh, row, V_LABEL, S(s, "label"), x->text);
		xlsx_put_str(x, sh, row, V_TITLE, S(s, "title"), x->text);
		xlsx_put_str(x, sh, row, V_LEAD, S(s, "lead_office") ? S(s, "lead_office") :
		    NO_LEAD, x->text);
		xlsx_put_str(x, sh, row, V_STATUS, report_status_label(status),
		    xlsx_status_format(x, status));
		xlsx_put_str(x, sh, row, V_REASONS, why, x->text);
		free(why);
		tt->supervise++;
	}
}

static void
burnup_chart(struct xl *x, lxw_row_t last)
{
	const struct sheet *sh = &x->burnup;
	lxw_chart_options opt;
	lxw_chart	*chart;
	lxw_chart_series *series;
	lxw_col_t	 c;

	if (x->error != LXW_NO_ERROR)
		return;
	if ((chart = workbook_add_chart(x->wb, LXW_CHART_LINE)) == NULL) {
		xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, sh, "（图表）", 0, 0);
		return;
	}
	chart_title_set_name(chart, "节点完成进度（累计）");
	for (c = B_PLANNED; c <= B_DONE; c++) {
		if ((series = chart_add_series(chart, NULL, NULL)) == NULL) {
			xlsx_check(x, LXW_ERROR_MEMORY_MALLOC_FAILED, sh, "（图表）", 0, 0);
			return;
		}
		chart_series_set_categories(series, sh->name, FIRST_ROW, B_DATE, last,
		    B_DATE);
		chart_series_set_values(series, sh->name, FIRST_ROW, c, last, c);
		chart_series_set_name_range(series, sh->name, HEAD_ROW, c);
		chart_series_set_marker_type(series, LXW_CHART_MARKER_CIRCLE);
	}
	chart_axis_set_num_format(chart->x_axis, "yyyy-mm");
	chart_axis_set_name(chart->y_axis, "节点数");
	chart_legend_set_position(chart, LXW_CHART_LEGEND_BOTTOM);
	memset(&opt, 0, sizeof opt);
	opt.x_scale = 1.5;
	opt.y_scale = 1.4;
	xlsx_check(x, worksheet_insert_chart_opt(sh->ws, HEAD_ROW, B_NCOLS + 1, chart,
	    &opt), sh, "（图表）", 0, 0);
}

static void
burnup_sheet(struct xl *x, const json_t *r)
{
	const struct sheet *sh = &x->burnup;
	const json_t	*points = json_object_get(r, "burnup"), *p;
	lxw_row_t	 row, n = (lxw_row_t)json_array_size(points);
	size_t		 i;

	xlsx_table(x, sh, "节点进度（累计）", burnup_cols, B_NCOLS, HEAD_ROW + n, 0,
	    0);
	for (i = 0; i < n && x->error == LXW_NO_ERROR; i++) {
		p = json_array_get(points, i);
		row = FIRST_ROW + (lxw_row_t)i;
		xlsx_put_date(x, sh, row, B_DATE, S(p, "date"));
		xlsx_put_json(x, sh, row, B_PLANNED, json_object_get(p, "planned"), x->count);
		xlsx_put_json(x, sh, row, B_DONE, json_object_get(p, "done"), x->count);
	}
	if (n > 0)
		burnup_chart(x, HEAD_ROW + n);
}


/* ------------------------------------------------------------------ */

/* "&" doubled, as a header or footer writes it. */
static void
put_amp(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s == '&')
			fputc('&', f);
		fputc(*s, f);
	}
}

/* The page footer: the 落款 (organisation left, the day in Chinese form
 * right) and the page number in the middle. */
static char *
page_footer(const json_t *r)
{
	char		 org[256], date[64];
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	report_signature(r, org, sizeof org, date, sizeof date);
	fputs("&L", f);
	put_amp(f, org);
	fputs("&C第 &P 页 共 &N 页&R", f);
	put_amp(f, date);
	fclose(f);
	return (buf);
}

/* The page header: the report's name left, the sheet's right. */
static char *
page_header(const json_t *r)
{
	char		 title[256];
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		fatal("open_memstream");
	report_title(r, title, sizeof title);
	fputs("&L", f);
	put_amp(f, title);
	fputs("&R&A", f);
	fclose(f);
	return (buf);
}

static void
properties(struct xl *x, const json_t *r)
{
	lxw_doc_properties	 p;
	char			*title, *plans, rt[256];

	if (x->error != LXW_NO_ERROR)
		return;
	report_title(r, rt, sizeof rt);
	title = xprintf("%s%s", S(r, "organisation") ? S(r, "organisation") : "", rt);
	plans = report_plans_title(r);
	memset(&p, 0, sizeof p);
	p.title = title;
	p.subject = "季度督查报告";
	p.author = (char *)(S(r, "organisation") ? S(r, "organisation") : "");
	p.company = (char *)S(r, "organisation");
	p.comments = plans;
	xlsx_check(x, workbook_set_properties(x->wb, &p), NULL, "文档属性", 0, 0);
	free(title);
	free(plans);
}

int
report_xlsx(const json_t *r, const char *path, char **cause)
{
	lxw_workbook_options	 opt;
	struct totals		 tt;
	struct xl		 x;
	lxw_error		 e;
	char			*tmp = getenv("TMPDIR");
	int			 saved;

	memset(&x, 0, sizeof x);
	memset(&tt, 0, sizeof tt);
	memset(&opt, 0, sizeof opt);
	opt.tmpdir = tmp != NULL && *tmp != '\0' ? tmp : NULL;
	if ((x.wb = workbook_new_opt(path, &opt)) == NULL) {
		*cause = xprintf("无法创建 XLSX 工作簿 %s", path);
		return (-1);
	}
	x.page_header = page_header(r);
	x.page_footer = page_footer(r);

	xlsx_formats(&x);
	xlsx_add_sheet(&x, &x.summary, SH_SUMMARY);
	xlsx_add_sheet(&x, &x.tasks, SH_TASKS);
	xlsx_add_sheet(&x, &x.targets, SH_TARGETS);
	xlsx_add_sheet(&x, &x.offices, SH_OFFICES);
	xlsx_add_sheet(&x, &x.supervise, SH_SUPERVISE);
	xlsx_add_sheet(&x, &x.burnup, SH_BURNUP);
	if (json_is_array(json_object_get(r, "counties")))
		xlsx_add_sheet(&x, &x.counties, SH_COUNTIES);
	properties(&x, r);

	/* The summary last: its results are the other sheets' totals. */
	tasks_sheet(&x, r, &tt);
	targets_sheet(&x, r, &tt);
	offices_sheet(&x, r);
	supervise_sheet(&x, r, &tt);
	burnup_sheet(&x, r);
	if (x.counties.ws != NULL)
		counties_sheet(&x, r);
	xlsx_summary_sheet(&x, r, &tt);
	free(x.page_header);
	free(x.page_footer);

	if (x.error != LXW_NO_ERROR) {
		*cause = xprintf("无法生成 XLSX：%s：%s", x.where, reason(x.error));
		lxw_workbook_free(x.wb);
		return (-1);
	}
	/* workbook_close frees the workbook, whatever it returns. */
	errno = 0;
	if ((e = workbook_close(x.wb)) != LXW_NO_ERROR) {
		saved = errno;
		if (saved != 0 && (e == LXW_ERROR_CREATING_XLSX_FILE ||
		    e == LXW_ERROR_CREATING_TMPFILE))
			*cause = xprintf("无法写入 XLSX 文件 %s：%s（%s）", path,
			    reason(e), strerror(saved));
		else
			*cause = xprintf("无法写入 XLSX 文件 %s：%s", path, reason(e));
		return (-1);
	}
	return (0);
}
